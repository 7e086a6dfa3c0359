//! `mibscope agent`: the simulated agent on UDP, serving a snapshot (the embedded 48-port
//! switch by default) with moving counters and optional faults, over SNMPv1, v2c and v3.
//! The bound addresses go to stdout first, one per line in agent syntax
//! (`udp:127.0.0.1:1161`), so scripts and tests can read where it listens; everything else
//! goes to stderr.
//!
//! SNMPv3: the engine id is `--engine-id` or the fixed default `0x80001F88046D696273636F7065`
//! ("mibscope"); users come from `--v3-user` specs, `--v3-users FILE` and
//! `--testbed-users` (the shared test bed's 45 users). With no user, the agent still
//! answers discovery, and every request gets usmStatsUnknownUserNames.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use super::{CliError, Outcome};
use crate::agent::dispatcher::{DEFAULT_MAX_SIZE, MAX_UDP_PAYLOAD, MIN_MAX_SIZE, MessageSize};
use crate::agent::faults::{self, NonIncreasing, Probability, RestartSchedule};
use crate::agent::flap::Flap;
use crate::agent::runner::{self, LogLevel, RunnerOptions};
use crate::agent::snapshot::{EMBEDDED_SWITCH_NAME, RateRule};
use crate::agent::v3::{self, UsmConfig, V3ConfigError, V3User};
use crate::agent::{
    Agent, AgentConfig, AgentStats, CommunityAccess, Faults, NotifyTarget, Rights, Snapshot,
    StoreOptions,
};
use crate::proto::usm::EngineId;
use crate::proto::{Community, Oid};

const DEFAULT_LISTEN: [&str; 2] = ["127.0.0.1:1161", "[::1]:1161"];

#[derive(Args, Debug)]
#[command(
    after_help = "Faults are off by default; each takes effect per request or reply. \
Durations: 250ms, 2s, 1.5s (a bare number is milliseconds). Percentages: 20, 20%, 0.5.\n\n\
SNMPv3 user spec: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]][:rw|:ro], read-only unless :rw. \
AUTH: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512; PRIV: DES, 3DES, AES, AES-192, \
AES-256 (Blumenthal key extension, Net-SNMP's), AES-192-C, AES-256-C (Reeder, Cisco's). \
Pass phrases: 8 characters or more; '\\:' for a ':' inside one. A user answers at its own \
security level or above (authorizationError below). Pass phrases given on the command line \
are visible to other local users (ps, shell history): put them in a --v3-users file \
(mode 600) instead. The only context is the default one (\"\").\n\n\
Examples: mibscope agent --listen 127.0.0.1:0 --loss 20 --seed 7\n\
  mibscope agent --testbed-users --restart-every 30s\n\
  mibscope agent --v3-users ~/agent-users.txt --engine-id 0x80001F8804616263646566"
)]
pub struct AgentArgs {
    /// Snapshot to serve: native `OID TYPE VALUE` lines or `snmpwalk -On` output
    /// (default: the embedded 48-port switch)
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    /// Where to listen (repeatable): 127.0.0.1:1161, [::1]:1161, udp:HOST:PORT,
    /// udp6:[::1]:PORT; port 0 picks a free port [default: 127.0.0.1:1161 and [::1]:1161]
    #[arg(long, value_name = "ADDR")]
    pub listen: Vec<String>,

    /// Listen on addresses other than loopback too (the agent accepts Set)
    #[arg(long)]
    pub allow_remote: bool,

    /// Read-only community (repeatable) [default: public]
    #[arg(long, value_name = "NAME", value_parser = parse_community)]
    pub community: Vec<Community>,

    /// Read-write community (repeatable) [default: private]
    #[arg(long, value_name = "NAME", value_parser = parse_community)]
    pub rw_community: Vec<Community>,

    /// No read-write community at all: every Set is refused
    #[arg(long, conflicts_with = "rw_community")]
    pub read_only: bool,

    /// Largest response message in bytes (484..65507; a v3 request's own msgMaxSize also
    /// holds); a bigger GetBulk answer is cut short, a bigger Get/GetNext/Set answer becomes
    /// tooBig
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SIZE, value_parser = parse_max_size)]
    pub max_size: usize,

    /// Counter rate rule (repeatable): 'PREFIX PER_SECOND' or
    /// 'PREFIX PER_SECOND when COLUMN = N', e.g.
    /// '.1.3.6.1.2.1.31.1.1.1.6 1250000 when .1.3.6.1.2.1.2.2.1.8 = 1'
    #[arg(long, value_name = "RULE", value_parser = parse_rate_rule)]
    pub rate: Vec<RateRule>,

    /// Counters do not move (sysUpTime still does)
    #[arg(long)]
    pub no_rates: bool,

    /// Objects under this OID accept Set (repeatable)
    #[arg(long, value_name = "OID", value_parser = parse_oid)]
    pub writable: Vec<Oid>,

    /// A link that flaps (repeatable): ifOperStatus of IFINDEX goes down and up every
    /// SECONDS, its counters stop while down, e.g. 10107:20
    #[arg(long, value_name = "IFINDEX:SECONDS", value_parser = Flap::parse)]
    pub flap: Vec<Flap>,

    /// Send linkDown/linkUp of flapping links as SNMPv2c traps here (repeatable)
    #[arg(long, value_name = "HOST:PORT")]
    pub notify: Vec<SocketAddr>,

    /// The community of those traps
    #[arg(long, value_name = "NAME", default_value = "public", value_parser = parse_community)]
    pub notify_community: Community,

    /// SNMPv3 snmpEngineID in hex, 0x optional, 5 to 32 bytes
    /// [default: 0x80001F88046D696273636F7065, "mibscope"]
    #[arg(long, value_name = "HEX", value_parser = parse_engine_id, help_heading = "SNMPv3")]
    pub engine_id: Option<EngineId>,

    /// SNMPv3 user (repeatable): NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]][:rw|:ro], e.g.
    /// admin:SHA-256:authpass1:AES:privpass1:rw. Visible in `ps`: prefer --v3-users
    #[arg(long, value_name = "SPEC", value_parser = v3_user_arg, help_heading = "SNMPv3")]
    pub v3_user: Vec<V3UserArg>,

    /// Read SNMPv3 users from FILE: one --v3-user spec per line, '#' comments (keeps pass
    /// phrases off the command line; repeatable)
    #[arg(long, value_name = "FILE", help_heading = "SNMPv3")]
    pub v3_users: Vec<PathBuf>,

    /// Add the shared test bed's 45 users (noauth, md5, sha-aes, sha512-aes256c, ...;
    /// pass phrases <user>_authpass and <user>_privpass: published test credentials;
    /// sysonly-sha-aes sees the whole tree, as this agent has no views)
    #[arg(long, help_heading = "SNMPv3")]
    pub testbed_users: bool,

    /// Fault: drop this percentage of requests
    #[arg(long, value_name = "PCT", value_parser = parse_probability, help_heading = "Faults")]
    pub loss: Option<Probability>,

    /// Fault: drop every Nth request
    #[arg(long, value_name = "N", help_heading = "Faults")]
    pub drop_every: Option<NonZeroU64>,

    /// Fault: delay every reply by this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Faults")]
    pub delay: Option<Duration>,

    /// Fault: delay every reply by a random 0..=DURATION more
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Faults")]
    pub jitter: Option<Duration>,

    /// Fault: send this percentage of replies twice
    #[arg(long, value_name = "PCT", value_parser = parse_probability, help_heading = "Faults")]
    pub duplicate: Option<Probability>,

    /// Fault: give this percentage of replies a wrong request-id
    #[arg(long, value_name = "PCT", value_parser = parse_probability, help_heading = "Faults")]
    pub wrong_request_id: Option<Probability>,

    /// Fault: from this OID on, GetNext/GetBulk answer with an earlier OID (the one asked
    /// about, or the one before it)
    #[arg(long, value_name = "OID", value_parser = parse_oid, help_heading = "Faults")]
    pub non_increasing_at: Option<Oid>,

    /// Fault: with --non-increasing-at, go back to this OID instead
    #[arg(long, value_name = "OID", value_parser = parse_oid, requires = "non_increasing_at", help_heading = "Faults")]
    pub non_increasing_back_to: Option<Oid>,

    /// Fault: answer tooBig to any request whose response exceeds BYTES, GetBulk included
    #[arg(long, value_name = "BYTES", help_heading = "Faults")]
    pub too_big_above: Option<usize>,

    /// Fault: restart (sysUpTime, counters from 0) every DURATION after the start
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Faults")]
    pub restart_every: Option<Duration>,

    /// Fault: restart after answering every N requests
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "restart_every",
        help_heading = "Faults"
    )]
    pub restart_after_requests: Option<NonZeroU64>,

    /// Seed of the fault generator (default: from the clock, printed at start)
    #[arg(long, value_name = "N", help_heading = "Faults")]
    pub seed: Option<u64>,

    /// Log every request to stderr
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Log nothing, not even malformed datagrams or unknown communities
    #[arg(short, long)]
    pub quiet: bool,

    /// Read the snapshot, print what it holds, and exit
    #[arg(long)]
    pub check: bool,
}

fn parse_engine_id(text: &str) -> Result<EngineId, String> {
    text.parse::<EngineId>().map_err(|e| e.to_string())
}

/// A `--v3-user` spec as given: it holds pass phrases, so it is parsed after clap (whose
/// errors quote the value) and never printed.
#[derive(Clone)]
pub struct V3UserArg(String);

impl std::fmt::Debug for V3UserArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("V3UserArg(<redacted>)")
    }
}

fn v3_user_arg(text: &str) -> Result<V3UserArg, String> {
    Ok(V3UserArg(text.to_string()))
}

fn parse_community(text: &str) -> Result<Community, String> {
    Ok(Community::new(text.as_bytes()))
}

fn parse_rate_rule(text: &str) -> Result<RateRule, String> {
    text.parse()
}

/// `--max-size`: RFC 3417 section 3.2's minimum to the largest UDP payload.
fn parse_max_size(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of bytes"))?;
    if !(MIN_MAX_SIZE..=MAX_UDP_PAYLOAD).contains(&n) {
        return Err(format!(
            "{n} bytes: give {MIN_MAX_SIZE}..{MAX_UDP_PAYLOAD} (RFC 3417 section 3.2: every SNMP entity accepts 484-byte messages; 65507 is the largest UDP payload)"
        ));
    }
    Ok(n)
}

fn parse_oid(text: &str) -> Result<Oid, String> {
    text.parse::<Oid>().map_err(|e| e.to_string())
}

fn parse_probability(text: &str) -> Result<Probability, String> {
    text.parse::<Probability>().map_err(|e| e.to_string())
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    faults::parse_duration(text).map_err(|e| e.to_string())
}

/// `127.0.0.1:1161`, `[::1]:1161`, `udp:127.0.0.1:1161`, `udp6:[::1]:1161`.
pub(crate) fn parse_listen(text: &str) -> Result<SocketAddr, CliError> {
    let body = text
        .strip_prefix("udp6:")
        .or_else(|| text.strip_prefix("udp:"))
        .unwrap_or(text);
    body.parse::<SocketAddr>().map_err(|_| {
        CliError::Address(format!(
            "--listen {text}: give an address and port, like 127.0.0.1:1161 or [::1]:1161"
        ))
    })
}

/// The address in the agent syntax the other subcommands accept.
pub(crate) fn agent_syntax(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(_) => format!("udp:{addr}"),
        IpAddr::V6(_) => format!("udp6:{addr}"),
    }
}

impl AgentArgs {
    fn faults(&self) -> Faults {
        Faults {
            loss: self.loss.unwrap_or_default(),
            drop_every: self.drop_every,
            delay: self.delay.unwrap_or_default(),
            jitter: self.jitter.unwrap_or_default(),
            duplicate: self.duplicate.unwrap_or_default(),
            wrong_request_id: self.wrong_request_id.unwrap_or_default(),
            non_increasing: self.non_increasing_at.clone().map(|from| NonIncreasing {
                from,
                back_to: self.non_increasing_back_to.clone(),
            }),
            too_big_above: self.too_big_above,
            restart: match (self.restart_every, self.restart_after_requests) {
                (Some(d), _) => Some(RestartSchedule::Every(d)),
                (None, Some(n)) => Some(RestartSchedule::AfterRequests(n)),
                (None, None) => None,
            },
        }
    }

    fn communities(&self) -> Vec<CommunityAccess> {
        let read_only = if self.community.is_empty() {
            vec![Community::new("public")]
        } else {
            self.community.clone()
        };
        let read_write = match (self.read_only, self.rw_community.is_empty()) {
            (true, _) => vec![],
            (false, true) => vec![Community::new("private")],
            (false, false) => self.rw_community.clone(),
        };
        let ro = read_only.into_iter().map(|community| CommunityAccess {
            community,
            rights: Rights::ReadOnly,
        });
        let rw = read_write.into_iter().map(|community| CommunityAccess {
            community,
            rights: Rights::ReadWrite,
        });
        // A community given as both is read-write: the first match wins.
        rw.chain(ro).collect()
    }

    fn listen(&self) -> Result<(Vec<SocketAddr>, bool), CliError> {
        let (texts, defaults): (Vec<&str>, bool) = if self.listen.is_empty() {
            (DEFAULT_LISTEN.to_vec(), true)
        } else {
            (self.listen.iter().map(String::as_str).collect(), false)
        };
        let addrs = texts
            .into_iter()
            .map(parse_listen)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(remote) = addrs.iter().find(|a| !a.ip().is_loopback()) {
            if !self.allow_remote {
                return Err(CliError::Usage(format!(
                    "--listen {remote} is not a loopback address: the simulated agent accepts Set; add --allow-remote if you mean it"
                )));
            }
        }
        Ok((addrs, defaults))
    }

    /// The v3 engine id and users: `--testbed-users` first, then the files, then
    /// `--v3-user`; a name defined twice is an error.
    fn usm(&self) -> Result<UsmConfig, CliError> {
        let mut users: Vec<V3User> = Vec::new();
        if self.testbed_users {
            users.extend(v3::testbed_users());
        }
        for path in &self.v3_users {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("--v3-users {}: {e}", path.display())))?;
            warn_if_readable_by_others(path);
            let from_file = v3::parse_users(&text)
                .map_err(|e| CliError::Usage(format!("--v3-users {}: {e}", path.display())))?;
            users.extend(from_file);
        }
        for (i, arg) in self.v3_user.iter().enumerate() {
            let user = arg.0.parse::<V3User>().map_err(|e| {
                CliError::Usage(format!("--v3-user (the {} given): {e}", ordinal(i + 1)))
            })?;
            users.push(user);
        }
        let mut seen = std::collections::HashSet::new();
        for user in &users {
            if !seen.insert(user.name().clone()) {
                return Err(CliError::Usage(
                    V3ConfigError::Duplicate(user.name().to_string()).to_string(),
                ));
            }
        }
        Ok(UsmConfig {
            engine_id: self.engine_id.clone().unwrap_or_else(v3::default_engine_id),
            users,
        })
    }

    fn log_level(&self) -> LogLevel {
        match (self.verbose, self.quiet) {
            (true, _) => LogLevel::Requests,
            (false, true) => LogLevel::Quiet,
            (false, false) => LogLevel::Problems,
        }
    }
}

pub async fn run(args: AgentArgs) -> Result<Outcome, CliError> {
    let snapshot = match &args.snapshot {
        Some(path) => Snapshot::load(path).map_err(|e| CliError::Usage(e.to_string()))?,
        None => Snapshot::embedded_switch(),
    };
    let origin = args
        .snapshot
        .as_ref()
        .map_or(EMBEDDED_SWITCH_NAME.to_string(), |p| {
            p.display().to_string()
        });
    let options = StoreOptions {
        rate_rules: args.rate.clone(),
        writable: args.writable.clone(),
        rates: !args.no_rates,
        flaps: args.flap.clone(),
    };
    let started = Instant::now();
    let store = crate::agent::ObjectStore::build(&snapshot, &options, started);
    if args.check {
        let dynamic = snapshot
            .objects
            .iter()
            .filter(|o| store.is_dynamic(&o.oid))
            .count();
        println!(
            "{origin}: {} objects ({dynamic} change over time), {} rate rules, {} writable prefixes",
            store.len(),
            snapshot.rate_rules.len() + args.rate.len(),
            snapshot.writable.len() + args.writable.len(),
        );
        return Ok(Outcome::Success);
    }
    let (listen, defaults) = args.listen()?;
    let usm = args.usm()?;
    let seed = args.seed.unwrap_or_else(clock_seed);
    let faults = args.faults();
    let config = AgentConfig {
        communities: args.communities(),
        usm: Some(usm),
        max_message_size: MessageSize(args.max_size),
        faults,
        seed,
    };
    let fault_lines = config.faults.describe();
    let v3_line = config.usm.as_ref().map(|u| {
        format!(
            "SNMPv3 engine {} with {} users{}",
            u.engine_id,
            u.users.len(),
            if args.testbed_users {
                " (test bed users: published test credentials, loopback only)"
            } else if u.users.is_empty() {
                " (add --v3-user, --v3-users FILE or --testbed-users)"
            } else {
                ""
            }
        )
    });
    let targets = args
        .notify
        .iter()
        .map(|addr| NotifyTarget {
            addr: *addr,
            community: args.notify_community.clone(),
        })
        .collect();
    let agent = Agent::new(store, config).with_notifications(targets);
    let running = runner::spawn(
        agent,
        RunnerOptions {
            listen,
            log: args.log_level(),
            skip_unavailable: defaults,
        },
    )
    .await?;

    {
        let mut out = std::io::stdout().lock();
        for addr in running.local_addrs() {
            writeln!(out, "{}", agent_syntax(*addr))?;
        }
        out.flush()?;
    }
    if !args.quiet {
        let objects = snapshot.objects.len();
        eprintln!("mibscope agent: serving {objects} objects from {origin}; Ctrl-C stops");
        if let Some(line) = &v3_line {
            eprintln!("mibscope agent: {line}");
        }
        if fault_lines.is_empty() {
            eprintln!("mibscope agent: no faults");
        } else {
            eprintln!(
                "mibscope agent: faults (seed {seed}): {}",
                fault_lines.join("; ")
            );
        }
    }
    wait_for_stop().await;
    let stats = running.shutdown().await;
    if !args.quiet {
        eprintln!("mibscope agent: stopped; {}", summary(&stats));
    }
    Ok(Outcome::Success)
}

fn summary(s: &AgentStats) -> String {
    format!(
        "{} datagrams, {} answered, {} v3 reports, {} lost to faults, {} malformed, {} unknown community, {} unsupported version, {} v3 discarded, {} restarts",
        s.datagrams,
        s.answered,
        s.reports,
        s.lost,
        s.malformed,
        s.bad_community,
        s.bad_version,
        s.v3_discarded,
        s.restarts
    )
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A users file holds pass phrases: say so when others may read it (as Net-SNMP's tools do
/// for snmp.conf).
fn warn_if_readable_by_others(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o044 != 0 {
                eprintln!(
                    "mibscope agent: warning: {} holds pass phrases and is readable by other users (chmod 600 it)",
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser, Debug)]
    struct Wrapper {
        #[command(flatten)]
        args: AgentArgs,
    }

    fn parse(args: &[&str]) -> AgentArgs {
        let mut all = vec!["agent"];
        all.extend_from_slice(args);
        Wrapper::try_parse_from(all)
            .unwrap_or_else(|e| panic!("{e}"))
            .args
    }

    #[test]
    fn every_fault_flag_lands_in_faults() {
        let a = parse(&[
            "--loss",
            "20",
            "--drop-every",
            "5",
            "--delay",
            "250ms",
            "--jitter",
            "10",
            "--duplicate",
            "1.5%",
            "--wrong-request-id",
            "3",
            "--non-increasing-at",
            ".1.3.6.1.2.1.2",
            "--non-increasing-back-to",
            "1.3.6.1.2.1.1",
            "--too-big-above",
            "600",
            "--restart-after-requests",
            "40",
            "--seed",
            "9",
        ]);
        let f = a.faults();
        assert_eq!(f.loss, "20".parse().unwrap());
        assert_eq!(f.drop_every, NonZeroU64::new(5));
        assert_eq!(f.delay, Duration::from_millis(250));
        assert_eq!(f.jitter, Duration::from_millis(10));
        assert_eq!(f.duplicate, "1.5".parse().unwrap());
        assert_eq!(f.wrong_request_id, "3".parse().unwrap());
        assert_eq!(
            f.non_increasing,
            Some(NonIncreasing {
                from: "1.3.6.1.2.1.2".parse().unwrap(),
                back_to: Some("1.3.6.1.2.1.1".parse().unwrap()),
            })
        );
        assert_eq!(f.too_big_above, Some(600));
        assert_eq!(
            f.restart,
            Some(RestartSchedule::AfterRequests(NonZeroU64::new(40).unwrap()))
        );
        assert_eq!(a.seed, Some(9));
        assert_eq!(
            parse(&["--restart-every", "2s"]).faults().restart,
            Some(RestartSchedule::Every(Duration::from_secs(2)))
        );
        assert_eq!(parse(&[]).faults(), Faults::default());
    }

    #[test]
    fn bad_values_are_refused_with_the_reason() {
        for (args, want) in [
            (vec!["--loss", "120"], "not a percentage"),
            (vec!["--delay", "soon"], "not a duration"),
            (vec!["--rate", ".1.3 fast"], "'fast' is not a rate"),
            (
                vec!["--non-increasing-back-to", ".1.3"],
                "--non-increasing-at",
            ),
            (vec!["--drop-every", "0"], "0"),
            (
                vec!["--restart-every", "1s", "--restart-after-requests", "3"],
                "cannot be used with",
            ),
        ] {
            let mut all = vec!["agent"];
            all.extend_from_slice(&args);
            let err = Wrapper::try_parse_from(all).unwrap_err().to_string();
            assert!(err.contains(want), "{args:?}: {err}");
        }
    }

    #[test]
    fn communities_and_their_rights() {
        let names = |a: &AgentArgs| {
            a.communities()
                .into_iter()
                .map(|c| {
                    (
                        String::from_utf8(c.community.as_bytes().to_vec()).unwrap(),
                        c.rights,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&parse(&[])),
            [
                ("private".to_string(), Rights::ReadWrite),
                ("public".to_string(), Rights::ReadOnly)
            ]
        );
        assert_eq!(
            names(&parse(&["--community", "ro1", "--read-only"])),
            [("ro1".to_string(), Rights::ReadOnly)]
        );
        // Secrets stay out of Debug.
        let a = parse(&["--community", "hunter2", "--rw-community", "swordfish"]);
        let debug = format!("{a:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("swordfish"),
            "{debug}"
        );
    }

    #[test]
    fn v3_flags_engine_id_users_files_and_no_secrets_in_debug() {
        let usm = parse(&[]).usm().unwrap();
        assert_eq!(usm.engine_id, v3::default_engine_id());
        assert!(usm.users.is_empty());
        let dir = std::env::temp_dir().join(format!("mibscope-v3-users-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("users.txt");
        std::fs::write(
            &file,
            "# test users\nfromfile:SHA-512:filesecret1:AES-256-C:filesecret2:rw\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let a = parse(&[
            "--engine-id",
            "0x8000000001020304",
            "--v3-user",
            "cli:MD5:clisecret1",
            "--v3-users",
            file.to_str().unwrap(),
            "--testbed-users",
        ]);
        let usm = a.usm().unwrap();
        assert_eq!(usm.engine_id.to_string(), "0x8000000001020304");
        let names: Vec<String> = usm.users.iter().map(|u| u.name().to_string()).collect();
        assert_eq!(names.len(), 47);
        assert_eq!(names[0], "noauth");
        assert_eq!(&names[45..], ["fromfile", "cli"]);
        let from_file = &usm.users[45];
        assert_eq!(from_file.rights, Rights::ReadWrite);
        for debug in [format!("{a:?}"), format!("{usm:?}")] {
            for secret in ["clisecret1", "filesecret1", "filesecret2", "_authpass"] {
                assert!(!debug.contains(secret), "{secret} in {debug}");
            }
        }
        // A name twice is refused; so is a bad spec, without echoing it.
        let err = parse(&["--v3-user", "sha:SHA:otherpass1", "--testbed-users"])
            .usm()
            .unwrap_err()
            .to_string();
        assert!(err.contains("'sha' is defined twice"), "{err}");
        let err = parse(&["--v3-user", "ok", "--v3-user", "x:SHA:short7"])
            .usm()
            .unwrap_err()
            .to_string();
        assert!(err.contains("the 2nd given"), "{err}");
        assert!(
            err.contains("at least 8") && !err.contains("short7"),
            "{err}"
        );
        let err = parse(&["--v3-user", "x:SHA-999:longenough1"])
            .usm()
            .unwrap_err()
            .to_string();
        assert!(err.contains("authentication protocol"), "{err}");
        assert!(!err.contains("longenough1"), "{err}");
        let err = Wrapper::try_parse_from(["agent", "--engine-id", "12"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("5 to 32 bytes"), "{err}");
        std::fs::write(&file, "ok\nbroken:SHA\n").unwrap();
        let err = parse(&["--v3-users", file.to_str().unwrap()])
            .usm()
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(
            parse_listen("udp:127.0.0.1:0").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            parse_listen("udp6:[::1]:1161").unwrap(),
            "[::1]:1161".parse().unwrap()
        );
        assert!(parse_listen("localhost").is_err());
        let (addrs, defaults) = parse(&[]).listen().unwrap();
        assert_eq!(addrs.len(), 2);
        assert!(defaults);
        let err = parse(&["--listen", "0.0.0.0:1161"])
            .listen()
            .unwrap_err()
            .to_string();
        assert!(err.contains("--allow-remote"), "{err}");
        assert!(
            parse(&["--listen", "0.0.0.0:1161", "--allow-remote"])
                .listen()
                .is_ok()
        );
        assert_eq!(agent_syntax("[::1]:5".parse().unwrap()), "udp6:[::1]:5");
        assert_eq!(
            agent_syntax("127.0.0.1:5".parse().unwrap()),
            "udp:127.0.0.1:5"
        );
    }
}
