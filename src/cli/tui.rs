//! `mibscope tui [AGENT]`: the terminal UI, offline (MIB browser) or connected to an agent
//! with the agent options of `get` (-v -c -t -r and the SNMPv3 ones), or to a named
//! profile of ~/.config/mibscope/profiles.toml; with `--listen`, a trap listener whose feed
//! the traps view shows.

use clap::Args;

use std::time::Duration;

use super::agent::parse_listen;
use super::options::{AgentOptions, MibArgs};
use super::traps::read_config;
use super::{CliError, Outcome};
use crate::proto::Community;
use crate::session::{Defaults, Profiles, SessionError, TargetOptions};
use crate::traps::CommunityRule;
use crate::traps::listener::{Listener, ListenerOptions};
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
    /// Seconds between polls of the live views (interfaces)
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub interval: f64,
    /// Receive traps and informs here (repeatable) and show them in the traps view, e.g.
    /// 127.0.0.1:1162 or [::]:162
    #[arg(long, value_name = "ADDR", help_heading = "Traps")]
    pub listen: Vec<String>,
    /// A community traps may come with (repeatable; default: public)
    #[arg(long, value_name = "NAME", help_heading = "Traps")]
    pub trap_community: Vec<String>,
    /// Communities and SNMPv3 users from a `mibscope traps` configuration file
    #[arg(long, value_name = "FILE", help_heading = "Traps")]
    pub trap_config: Option<std::path::PathBuf>,
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
        // `mibscope tui @core-sw1` is `--profile core-sw1`.
        let at_profile = self
            .agent()
            .and_then(|a| a.agent.strip_prefix('@'))
            .map(str::to_string);
        let (profile, agent) = match (&self.profile, at_profile) {
            (None, Some(name)) => (Some(name), None),
            (Some(_), Some(_)) => {
                return Err(CliError::Usage(
                    "give @NAME or --profile NAME, not both".into(),
                ));
            }
            (p, None) => (p.clone(), self.agent()),
        };
        match (&profile, agent) {
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
    let (connection, login) = match args.target_options(&defaults)? {
        Some((options, notes)) => {
            warnings.extend(notes);
            match Connection::open(&options, &defaults).await {
                Ok(c) => (Some(c), None),
                // A pass phrase nobody gave: the UI asks for it (and writes it nowhere).
                Err(ConnectError::Session(SessionError::MissingSecret { secret, .. })) => {
                    let label = match &args.profile {
                        Some(name) => format!("{name} ({})", options.agent),
                        None if args.agent.agent.starts_with('@') => {
                            format!("{} ({})", &args.agent.agent[1..], options.agent)
                        }
                        None => options.agent.clone(),
                    };
                    let login = backend::Login {
                        options,
                        defaults: defaults.clone(),
                        secret,
                        label,
                    };
                    (None, Some(login))
                }
                Err(e) => return Err(connect_error(e)),
            }
        }
        None => (None, None),
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
    let listener = match args.listener_options(&mut warnings)? {
        Some(options) => Some(Listener::spawn(options).await.map_err(|e| {
            CliError::Address(format!(
                "--listen {}: {e} (a port under 1024 needs root; try 1162)",
                args.listen.join(" ")
            ))
        })?),
        None => None,
    };
    open(Start {
        mibs,
        loaded,
        connection,
        at,
        greeting: None,
        view: None,
        warnings,
        listener,
        interval: Some(interval(args.interval)?),
        login,
    })
    .await
}

/// `--interval` as a duration: 0.1 s to an hour.
fn interval(seconds: f64) -> Result<Duration, CliError> {
    if !(0.1..=3600.0).contains(&seconds) {
        return Err(CliError::Usage(format!(
            "--interval {seconds}: give seconds between 0.1 and 3600"
        )));
    }
    Ok(Duration::from_secs_f64(seconds))
}

impl TuiArgs {
    /// The trap listener `--listen` asks for: who may send comes from `--trap-community`
    /// and `--trap-config`, else community `public` (said in `notes`).
    fn listener_options(
        &self,
        notes: &mut Vec<String>,
    ) -> Result<Option<ListenerOptions>, CliError> {
        if self.listen.is_empty() {
            if self.trap_config.is_some() || !self.trap_community.is_empty() {
                return Err(CliError::Usage(
                    "--trap-community and --trap-config need --listen ADDR".into(),
                ));
            }
            return Ok(None);
        }
        let mut options = ListenerOptions::loopback_ephemeral();
        options.listen = self
            .listen
            .iter()
            .map(|t| parse_listen(t))
            .collect::<Result<_, _>>()?;
        let usage = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
        if let Some(path) = &self.trap_config {
            let config = read_config(path)?;
            options.access.communities = config.community_rules().map_err(|e| usage(&e))?;
            options.access.users = config.trap_users().map_err(|e| usage(&e))?;
            options.access.accept_any_community = config.accept_any_community;
        }
        options
            .access
            .communities
            .extend(CommunityRule::from_command_line(&self.trap_community));
        let nobody = options.access.communities.is_empty()
            && options.access.users.is_empty()
            && !options.access.accept_any_community;
        if nobody {
            options.access.communities.push(CommunityRule {
                community: Community::new("public"),
                label: "public".into(),
                networks: vec![],
            });
            notes.push(
                "traps are accepted with community public (--trap-community or --trap-config for others)"
                    .into(),
            );
        }
        Ok(Some(options))
    }
}

fn connect_error(e: ConnectError) -> CliError {
    match e {
        ConnectError::Session(e) => e.into(),
        ConnectError::Socket(e) => CliError::Io(e),
        ConnectError::Credentials(e) => CliError::Usage(e.to_string()),
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
