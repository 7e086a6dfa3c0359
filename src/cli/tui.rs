//! `mibscope tui [AGENT]`: the terminal UI, offline (MIB browser) or connected to an agent
//! with the agent options of `get` (-v -c -t -r and the SNMPv3 ones).

use clap::Args;

use super::options::{AgentOptions, MibArgs};
use super::{CliError, Outcome};
use crate::tui::{self, Start, backend};

#[derive(Args, Debug)]
pub struct TuiArgs {
    /// The agent to query, with get's options; without it the UI browses MIBs offline
    #[command(flatten)]
    pub agent: Option<AgentOptions>,
    #[command(flatten)]
    pub mib: MibArgs,
    /// Open the browser at this object (a name or an OID)
    #[arg(long, value_name = "OID")]
    pub at: Option<String>,
}

impl TuiArgs {
    /// No agent, the default MIBs.
    pub fn offline() -> TuiArgs {
        TuiArgs {
            agent: None,
            mib: MibArgs::default(),
            at: None,
        }
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
    let connection = match &args.agent {
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
