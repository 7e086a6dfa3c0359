//! `mibscope tui [AGENT]`: the terminal UI, offline (MIB browser) or connected to an agent
//! with the agent options of `get` (-v -c -t -r and the SNMPv3 ones), or to a named
//! profile of ~/.config/mibscope/profiles.toml.

use clap::Args;

use super::options::{AgentOptions, MibArgs};
use super::{CliError, Outcome};
use crate::session::{Defaults, Profiles, TargetOptions};
use crate::tui::backend::{self, ConnectError, Connection};
use crate::tui::{self, Start};

#[derive(Args, Debug)]
// The agent is optional here: without it the UI browses MIBs offline.
#[command(mut_arg("agent", |a| a.required(false).default_value("")))]
pub struct TuiArgs {
    /// The agent to query, with get's options
    #[command(flatten)]
    pub agent: AgentOptions,
    #[command(flatten)]
    pub mib: MibArgs,
    /// Connect to this named agent of the profiles file (instead of AGENT)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
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

    /// What to connect to (`None`: offline), and the warnings on the way.
    fn target_options(
        &self,
        defaults: &Defaults,
    ) -> Result<Option<(TargetOptions, Vec<String>)>, CliError> {
        match (&self.profile, self.agent()) {
            (Some(_), Some(_)) => Err(CliError::Usage(
                "give an AGENT or --profile NAME, not both".into(),
            )),
            (None, Some(agent)) => Ok(Some((agent.checked_target_options()?, Vec::new()))),
            (None, None) => Ok(None),
            (Some(name), None) => {
                let profiles =
                    Profiles::load_default().map_err(|e| CliError::Usage(e.to_string()))?;
                let profile = profiles.get(name).ok_or_else(|| {
                    let known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                    CliError::Usage(match profiles.path() {
                        Some(path) if !known.is_empty() => format!(
                            "no profile {name} in {}: it has {}",
                            path.display(),
                            known.join(", ")
                        ),
                        Some(path) => format!("no profile {name} in {}", path.display()),
                        None => format!(
                            "no profile {name}: there is no profiles file (~/.config/mibscope/profiles.toml, or $MIBSCOPE_PROFILES)"
                        ),
                    })
                })?;
                let (options, warnings) = profile.target_options(defaults);
                let mut notes: Vec<String> = profiles
                    .warnings()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                notes.extend(warnings.iter().map(ToString::to_string));
                Ok(Some((options, notes)))
            }
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
    let defaults = Defaults::load();
    let mut warnings: Vec<String> = defaults
        .warnings()
        .iter()
        .map(ToString::to_string)
        .collect();
    let connection = match args.target_options(&defaults)? {
        Some((options, notes)) => {
            warnings.extend(notes);
            Some(
                Connection::open(&options, &defaults)
                    .await
                    .map_err(connect_error)?,
            )
        }
        None => None,
    };
    let (mibs, loaded) = backend::load_mibs(args.mib.config()).await;
    let at = match &args.at {
        Some(text) => Some(
            loaded
                .mib
                .resolve(text)
                .map_err(|e| CliError::Oid(e.to_string()))?
                .node,
        ),
        None => None,
    };
    open(Start {
        mibs,
        loaded,
        connection,
        at,
        greeting: None,
        warnings,
    })
    .await
}

fn connect_error(e: ConnectError) -> CliError {
    match e {
        ConnectError::Session(e) => e.into(),
        ConnectError::Socket(e) => CliError::Io(e),
    }
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
        let a = parse(&["--profile", "core1"]);
        assert_eq!(a.profile.as_deref(), Some("core1"));
        assert!(a.agent().is_none());
    }
}
