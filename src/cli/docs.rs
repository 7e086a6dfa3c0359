//! `man` and `completions`: mibscope shipped like a Unix tool. Man pages (clap_mangen) for
//! mibscope and each subcommand (`mibscope-walk.1`, ...), and shell completions
//! (clap_complete) for bash, zsh and fish, generated from the same clap definitions the
//! command line parses with, so they never drift from it.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, Outcome};

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Directory to write the pages into (created if missing), e.g.
    /// ~/.local/share/man/man1
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh or fish
    #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish"])]
    pub shell: String,
}

/// Writes `mibscope.1` and `mibscope-SUBCOMMAND.1` into the directory.
pub fn man(args: &ManArgs) -> Result<Outcome, CliError> {
    std::fs::create_dir_all(&args.dir)?;
    let root = super::command();
    let mut written = 0;
    let mut write = |name: &str, cmd: clap::Command| -> Result<(), CliError> {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        std::fs::write(args.dir.join(format!("{name}.1")), page)?;
        written += 1;
        Ok(())
    };
    for sub in root.get_subcommands() {
        // A page's title is its command as the reader types it after `man`; clap takes
        // names as static strings, and this command runs once.
        let name: &'static str = Box::leak(format!("mibscope-{}", sub.get_name()).into_boxed_str());
        write(name, sub.clone().name(name).display_name(name))?;
    }
    write("mibscope", root)?;
    eprintln!(
        "mibscope: wrote {written} man pages to {}",
        args.dir.display()
    );
    Ok(Outcome::Success)
}

/// Prints the completion script for a shell to stdout.
pub fn completions(args: &CompletionsArgs) -> Result<Outcome, CliError> {
    use clap_complete::Shell;
    let shell = match args.shell.as_str() {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut cmd = super::command();
    // Into a buffer first: clap_complete panics when its writer fails (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mibscope", &mut script);
    std::io::Write::write_all(&mut std::io::stdout(), &script)?;
    Ok(Outcome::Success)
}
