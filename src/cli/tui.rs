//! `mibscope tui [AGENT]`: the terminal UI, offline (MIB browser) or connected to an agent
//! with the agent options of `get` (-v -c -t -r and the SNMPv3 ones).

use clap::Args;

use super::options::{AgentOptions, MibArgs};
use super::{CliError, Outcome};
use crate::tui::{self, Start, backend};

#[derive(Args, Debug)]
// The agent is optional here: without it the UI browses MIBs offline.
#[command(mut_arg("agent", |a| a.required(false).default_value("")))]
pub struct TuiArgs {
    /// The agent to query, with get's options
    #[command(flatten)]
    pub agent: AgentOptions,
    #[command(flatten)]
    pub mib: MibArgs,
    /// Open the browser at this object (a name or an OID)
    #[arg(long, value_name = "OID")]
    pub at: Option<String>,
}

impl TuiArgs {
    /// No agent, the default MIBs.
    pub fn offline() -> TuiArgs {
        use clap::FromArgMatches;
        let matches =
            <TuiArgs as Args>::augment_args(clap::Command::new("tui")).get_matches_from(["tui"]);
        TuiArgs::from_arg_matches(&matches).unwrap_or_else(|e| panic!("tui defaults: {e}"))
    }

    /// The agent options, when an agent was given.
    pub fn agent(&self) -> Option<&AgentOptions> {
        (!self.agent.agent.is_empty()).then_some(&self.agent)
    }
}

/// Whether both ends of the terminal are there (the UI needs keys and a screen).
pub fn on_a_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

pub async fn run(args: TuiArgs) -> Result<Outcome, CliError> {
    if !on_a_terminal() {
        return Err(CliError::Usage(
            "the TUI needs a terminal (stdin and stdout); for scripts use get, walk, set or translate".into(),
        ));
    }
    let connection = match args.agent() {
        Some(options) => Some(backend::Connection::open(options).await?),
        None => None,
    };
    let mib = backend::load_mib(&args.mib);
    let at = match &args.at {
        Some(text) => Some(
            mib.resolve(text)
                .map_err(|e| CliError::Oid(e.to_string()))?
                .node,
        ),
        None => None,
    };
    open(Start {
        mib,
        connection,
        at,
        greeting: None,
        view: None,
    })
    .await
}

/// Runs the UI and maps how it ended to an outcome.
pub async fn open(start: Start) -> Result<Outcome, CliError> {
    match tui::run(start).await {
        Ok(()) => Ok(Outcome::Success),
        Err(tui::TuiError::Io(e)) => Err(CliError::Io(e)),
        Err(e) => {
            eprintln!("mibscope: {e}");
            Ok(Outcome::Failure)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> super::TuiArgs {
        let mut all = vec!["mibscope", "tui"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Tui(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_agent_and_its_options_are_optional() {
        assert!(parse(&[]).agent().is_none());
        assert!(super::TuiArgs::offline().agent().is_none());
        let a = parse(&["-v2c", "-c", "private", "udp:127.0.0.1:1161"]);
        let a = a.agent().unwrap();
        assert_eq!(a.agent, "udp:127.0.0.1:1161");
        assert_eq!(a.community.as_deref(), Some("private"));
        let a = parse(&["-m", "ALL", "--at", "ifTable", "router"]);
        assert_eq!(a.agent().unwrap().agent, "router");
        assert_eq!(a.at.as_deref(), Some("ifTable"));
    }
}
