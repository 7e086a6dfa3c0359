//! Shipped like a Unix tool: after the install commands README.md gives, `man mibscope-walk`
//! renders and bash loads the completions (which complete subcommands).

mod common;

use std::process::Command;

use common::*;

#[test]
fn man_pages_render_and_completions_load() {
    let prefix = tempdir("install");
    let man1 = prefix.join("share/man/man1");
    let completions = prefix.join("share/bash-completion/completions");
    std::fs::create_dir_all(&completions).unwrap();
    // README: mibscope man --dir "$PREFIX/share/man/man1"
    let out = mibscope(&["man", "--dir", man1.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in [
        "mibscope.1",
        "mibscope-walk.1",
        "mibscope-table.1",
        "mibscope-agent.1",
    ] {
        assert!(man1.join(page).is_file(), "{page} missing");
    }
    if !missing("man") {
        let page = output_within(
            Command::new("man")
                .args(["-P", "cat", "mibscope-walk"])
                .env("MANPATH", prefix.join("share/man"))
                .env("MANWIDTH", "100"),
            COMMAND_LIMIT,
        );
        assert!(page.status.success(), "{}", stderr(&page));
        let text = stdout(&page);
        assert!(
            text.contains("mibscope-walk - Walk a subtree with GetNext"),
            "{text}"
        );
        assert!(text.contains("-Cc") || text.contains("APPOPTS"), "{text}");
    }
    // README: mibscope completions bash > .../bash-completion/completions/mibscope
    let script = mibscope(&["completions", "bash"]);
    assert!(script.status.success());
    let file = completions.join("mibscope");
    std::fs::write(&file, &script.stdout).unwrap();
    let loaded = output_within(
        Command::new("bash").args([
            "-c",
            &format!(
                "source '{}' && complete -p mibscope && COMP_WORDS=(mibscope bulk) COMP_CWORD=1 && _mibscope mibscope bulk mibscope && echo \"${{COMPREPLY[*]}}\"",
                file.display()
            ),
        ]),
        COMMAND_LIMIT,
    );
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let text = stdout(&loaded);
    assert!(text.contains("-F _mibscope mibscope"), "{text}");
    assert!(
        text.contains("bulkget") && text.contains("bulkwalk"),
        "{text}"
    );
    for shell in ["zsh", "fish"] {
        let out = mibscope(&["completions", shell]);
        assert!(out.status.success() && stdout(&out).contains("mibscope"));
    }
}
