//! `mibscope traps`: the trap and inform daemon. Reception runs on a thread of its own
//! (`traps::listener::BackgroundListener`); this task takes notifications from its bounded
//! queue and hands them to the outputs (`traps::outputs`): a line per notification on
//! stdout and `--log` (text with MIB names, or `--json`), `--exec` handlers, `--forward`
//! relays and syslog. Sender engine ids learned are written to the state file as they
//! come. Signals: SIGHUP reads the configuration file again (who may send and the
//! outputs; a broken file is reported and the running configuration kept) and reopens the
//! log, SIGUSR1 prints the counters, SIGTERM/SIGINT stop reception, drain what the sockets
//! and queues hold, flush, and print the counters.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::Args;

use super::agent::agent_syntax;
use super::options::{MibArgs, OutputArgs, V3Options};
use super::{CliError, Outcome};
use crate::traps::access::Access;
use crate::traps::forward::SenderEngine;
use crate::traps::listener::{
    BackgroundListener, Listener, ListenerEvent, ListenerOptions, Startup,
};
use crate::traps::outputs::Outputs;
use crate::traps::receiver::{LearnedEngine, LocalIdentity};
use crate::traps::render;
use crate::traps::state::{self, EngineState};

mod settings;

use settings::Settings;
pub(crate) use settings::read_config;

const DEFAULT_LISTEN: [&str; 2] = ["0.0.0.0:162", "[::]:162"];
const DEFAULT_QUEUE: usize = 100_000;

#[derive(Args, Debug)]
#[command(
    after_help = "Who may send: communities (-c, or [[community]] in the config with \
source networks), --accept-any-community, and SNMPv3 users: one on the command line with the \
client's letters (-u -l -a -A -x -X, and -e for the trap sender's engine id), several in the \
config file. v3 informs need no -e: this receiver is authoritative for them and answers engine \
discovery with its own engine id (--receiver-engine-id, else generated once and kept with \
snmpEngineBoots in --state-file). Everything refused is counted by reason.\n\n\
Relays (--forward): SNMPv2c traps with --forward-community, or SNMPv3 as --forward-user (a \
v3 user of this receiver; traps are sent from this receiver's engine id, informs discover the \
next manager's); --forward-informs relays informs as informs, acknowledged by the next manager \
and retried.\n\n\
Signals: SIGHUP reads --config again (communities, users, outputs; a broken file is reported \
and the running configuration kept) and reopens --log (for logrotate), SIGUSR1 prints the \
counters to stderr, SIGTERM/SIGINT stop reception, drain and flush everything received, print \
the counters.\n\n\
JSON schema: docs/traps-json.md. Configuration: assets/traps.example.toml.\n\n\
Examples: mibscope traps --listen 127.0.0.1:1162 -c public\n\
  mibscope traps --config /etc/mibscope/traps.toml --json --log /var/log/mibscope/traps.json -q\n\
  mibscope traps -c public -u sha-aes -a SHA -A authpass1 -x AES -X privpass1 -e 0x80001F8804616263"
)]
pub struct TrapsArgs {
    /// Configuration file (TOML, see assets/traps.example.toml); flags override it
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where to listen (repeatable): 0.0.0.0:162, udp:HOST:PORT, udp6:[::]:162; port 0
    /// picks a free port [default: 0.0.0.0:162 and [::]:162]
    #[arg(long, value_name = "ADDR")]
    pub listen: Vec<String>,

    /// Accept this community (repeatable; from any source: per network in the config)
    #[arg(short = 'c', value_name = "COMMUNITY")]
    pub community: Vec<String>,

    /// Accept any community (an explicit opt-in)
    #[arg(long)]
    pub accept_any_community: bool,

    #[command(flatten)]
    pub v3: V3Options,

    /// v3 traps: accept users configured without -e from any sender engine whose message
    /// verifies, and remember the engine (in the state file, across restarts)
    #[arg(long, help_heading = "SNMPv3")]
    pub learn_engine_ids: bool,

    /// This receiver's engine id for informs, in hex [default: kept in the state file]
    #[arg(long, value_name = "HEX", help_heading = "SNMPv3")]
    pub receiver_engine_id: Option<String>,

    /// Where the engine id, snmpEngineBoots and learned sender engine ids are kept
    /// [default: $STATE_DIRECTORY/traps.state or ~/.local/state/mibscope/traps.state]
    #[arg(long, value_name = "FILE", help_heading = "SNMPv3")]
    pub state_file: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub mib: MibArgs,

    /// Also append every line to FILE (reopened on SIGHUP)
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Nothing on stdout
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Run this command (/bin/sh -c) per notification with its JSON on stdin
    #[arg(long, value_name = "COMMAND", help_heading = "Handlers")]
    pub exec: Option<String>,

    /// Handlers running at once [default: 4]
    #[arg(long, value_name = "N", help_heading = "Handlers")]
    pub exec_concurrency: Option<usize>,

    /// Notifications waiting for a handler; beyond, counted as exec_overflow [default: 1000]
    #[arg(long, value_name = "N", help_heading = "Handlers")]
    pub exec_queue: Option<usize>,

    /// Kill a handler after this many seconds [default: 60]
    #[arg(long, value_name = "SECONDS", help_heading = "Handlers")]
    pub exec_timeout: Option<u64>,

    /// Relay each notification to this manager (repeatable)
    #[arg(long, value_name = "AGENT", help_heading = "Handlers")]
    pub forward: Vec<String>,

    /// Relay as SNMPv2c with this community [default: public]
    #[arg(long, value_name = "COMMUNITY", help_heading = "Handlers")]
    pub forward_community: Option<String>,

    /// Relay as SNMPv3 as this user of the receiver (-u, or a [[user]] of the config)
    #[arg(long, value_name = "USER", help_heading = "Handlers")]
    pub forward_user: Option<String>,

    /// Relay informs as informs, acknowledged by the next manager (else as traps)
    #[arg(long, help_heading = "Handlers")]
    pub forward_informs: bool,

    /// Seconds per transmission of a relayed inform [default: 1]
    #[arg(long, value_name = "SECONDS", help_heading = "Handlers")]
    pub forward_timeout: Option<f64>,

    /// Retransmissions of a relayed inform [default: 5]
    #[arg(long, value_name = "N", help_heading = "Handlers")]
    pub forward_retries: Option<u32>,

    /// Syslog (RFC 5424): unix:/dev/log, udp:HOST:PORT or tcp:HOST:PORT (RFC 6587)
    #[arg(long, value_name = "TARGET", help_heading = "Handlers")]
    pub syslog: Option<String>,

    /// Syslog facility [default: local0]
    #[arg(long, value_name = "NAME", help_heading = "Handlers")]
    pub syslog_facility: Option<String>,

    /// Seconds between JSON stats lines (0: none) [default: 60 with --json]
    #[arg(long, value_name = "SECONDS")]
    pub stats_interval: Option<u64>,

    /// Notifications waiting between reception and the outputs [default: 100000]
    #[arg(long, value_name = "N")]
    pub queue: Option<usize>,

    /// SO_RCVBUF to ask for, in bytes [default: 8388608]
    #[arg(long, value_name = "BYTES")]
    pub recv_buffer: Option<usize>,

    /// Print each refused datagram and its reason to stderr
    #[arg(long)]
    pub log_drops: bool,
}

/// The receiver's engine state: read, counted and written at start, written again as
/// sender engines are learned.
struct StateFile {
    path: Option<PathBuf>,
    state: EngineState,
}

impl StateFile {
    fn boot(settings: &Settings) -> Result<StateFile, CliError> {
        let state = match &settings.state_path {
            Some(path) => state::boot(path, settings.engine_id.as_ref()).map_err(|e| {
                CliError::Usage(format!(
                    "cannot keep the engine state in {}: {e} (give --state-file)",
                    path.display()
                ))
            })?,
            None => EngineState {
                engine_id: settings
                    .engine_id
                    .clone()
                    .unwrap_or_else(state::new_engine_id),
                boots: crate::proto::usm::EngineBoots(1),
                learned: Vec::new(),
            },
        };
        Ok(StateFile {
            path: settings.state_path.clone(),
            state,
        })
    }

    /// Writes the sender engines learned, off the runtime's threads, if they changed.
    async fn save_learned(&mut self, learned: Vec<LearnedEngine>) {
        let Some(path) = self.path.clone() else {
            return;
        };
        if learned == self.state.learned {
            return;
        }
        self.state.learned = learned;
        let state = self.state.clone();
        let saved = tokio::task::spawn_blocking(move || state::save(&path, &state)).await;
        if let Ok(Err(e)) | Err(e) = saved.map_err(io::Error::other) {
            eprintln!(
                "mibscope traps: cannot keep the learned engine ids in {}: {e}",
                self.path.as_deref().unwrap_or(Path::new("")).display()
            );
        }
    }
}

fn describe(access: &Access) -> String {
    format!(
        "{} communities{}, {} v3 users{}",
        access.communities.len(),
        if access.accept_any_community {
            " (any accepted)"
        } else {
            ""
        },
        access.users.len(),
        if access.learn_engine_ids {
            " (learning sender engine ids)"
        } else {
            ""
        }
    )
}

/// SIGHUP: the configuration file read again and applied, or reported and the running one
/// kept; the log reopened either way.
async fn reload(
    args: &TrapsArgs,
    running: &mut Settings,
    listener: &Listener,
    outputs: &mut Outputs,
) {
    let Some(path) = running.config.clone() else {
        reopen_log(outputs);
        return;
    };
    let new = match args.settings().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "mibscope traps: SIGHUP: {} not reloaded, the running configuration is kept: {e}",
                path.display()
            );
            reopen_log(outputs);
            return;
        }
    };
    if let Err(e) = outputs.reconfigure(new.outputs.clone()).await {
        eprintln!(
            "mibscope traps: SIGHUP: {} not reloaded, the running configuration is kept: {e}",
            path.display()
        );
        reopen_log(outputs);
        return;
    }
    if let Err(e) = listener.set_access(new.access.clone()).await {
        eprintln!("mibscope traps: SIGHUP: {e}");
        return;
    }
    let later = running.restart_only_changes(&new);
    eprintln!(
        "mibscope traps: SIGHUP: reloaded {}: {}{}",
        path.display(),
        describe(&new.access),
        if later.is_empty() {
            String::new()
        } else {
            format!(
                "; changes to {} take effect at the next start",
                later.join(", ")
            )
        }
    );
    // What needs a restart stays as it runs.
    running.access = new.access;
    running.outputs = new.outputs;
}

fn reopen_log(outputs: &mut Outputs) {
    match outputs.reopen_log() {
        Some((path, Ok(()))) => {
            eprintln!("mibscope traps: SIGHUP: reopened {}", path.display());
        }
        Some((path, Err(e))) => {
            eprintln!(
                "mibscope traps: SIGHUP: cannot reopen {}: {e}",
                path.display()
            );
        }
        None => {}
    }
}

pub async fn run(args: TrapsArgs) -> Result<Outcome, CliError> {
    // Before anything is bound: a signal from then on is ours, not the default action.
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = signal(SignalKind::hangup())?;
    let mut usr1 = signal(SignalKind::user_defined1())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut settings = args.settings().await?;
    let mut state = StateFile::boot(&settings)?;
    let mut options = ListenerOptions {
        listen: settings.listen.clone(),
        recv_buffer: settings.recv_buffer,
        access: settings.access.clone(),
        identity: LocalIdentity {
            engine_id: state.state.engine_id.clone(),
            boots: state.state.boots,
            salt_seed: std::process::id().rotate_left(13) ^ state.state.boots.0,
        },
    };
    // The outputs open before the sockets are bound: a mistake there binds nothing. Names
    // only when something prints them (a handler-only daemon never loads MIBs).
    let names = super::options::output_names();
    let engine = SenderEngine {
        engine_id: state.state.engine_id.clone(),
        boots: state.state.boots,
        started: Instant::now(),
    };
    let mut outputs = Outputs::start(settings.outputs.clone(), names, engine)
        .await
        .map_err(|e| CliError::Usage(e.to_string()))?;
    // The feed is subscribed before the first datagram is read: nothing accepted is lost.
    let start = |options: ListenerOptions| {
        let mut startup = Startup::remembering(state.state.learned.clone());
        let feed = startup.subscribe(settings.queue);
        BackgroundListener::start_with(options, startup).map(|b| (b, feed))
    };
    let (background, mut feed) = match start(options.clone()) {
        Ok(b) => b,
        Err(e) if settings.skip_unavailable => {
            // The default addresses: IPv6 may be missing on this host.
            options.listen.retain(SocketAddr::is_ipv4);
            start(options).map_err(|_| CliError::Io(e))?
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            return Err(CliError::Usage(format!(
                "{e}: ports below 1024 need CAP_NET_BIND_SERVICE (see assets/mibscope-traps.service) or root; or --listen on a port above 1023"
            )));
        }
        Err(e) => return Err(CliError::Io(e)),
    };
    let listener = background.listener();
    {
        let (engine_id, boots) = listener.engine();
        for (addr, buffer) in listener
            .local_addrs()
            .iter()
            .zip(listener.receive_buffers())
        {
            eprintln!(
                "mibscope traps: listening on {} (receive buffer {buffer} bytes)",
                agent_syntax(*addr)
            );
        }
        let learned = listener.learned_engines().len();
        eprintln!(
            "mibscope traps: engine id {engine_id} boots {boots}; {}{}",
            describe(&settings.access),
            match learned {
                0 => String::new(),
                n => format!("; {n} sender engine ids learned before"),
            }
        );
    }
    let overflow = feed.overflow_counter();
    let mut events = listener.events(1024);
    let mut learned = listener.watch_learned();
    let interval = Duration::from_secs(settings.stats_interval.max(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let stats_lines = settings.outputs.json && settings.stats_interval > 0;
    let snapshot = |outputs: &Outputs, l: &Listener| {
        (
            l.stats(),
            outputs.stats(overflow.load(Ordering::Relaxed), l.socket_drops()),
        )
    };
    loop {
        tokio::select! {
            n = feed.recv() => {
                let Some(n) = n else { break };
                outputs.handle(&n);
                for _ in 0..1024 {
                    match feed.try_recv() {
                        Some(n) => outputs.handle(&n),
                        None => break,
                    }
                }
                outputs.flush();
            }
            _ = hup.recv() => reload(&args, &mut settings, listener, &mut outputs).await,
            _ = usr1.recv() => {
                let (r, o) = snapshot(&outputs, listener);
                eprintln!("mibscope traps: {}", render::stats_text(&r, &o));
            }
            _ = ticks.tick(), if stats_lines => {
                let (r, o) = snapshot(&outputs, listener);
                outputs.stats_line(&r, &o);
            }
            Ok(()) = learned.changed() => state.save_learned(listener.learned_engines()).await,
            ev = events.recv() => {
                if let (true, Some(ev)) = (args.log_drops, ev) {
                    match ev {
                        ListenerEvent::Dropped { from, dropped } => {
                            eprintln!("mibscope traps: dropped from {from}: {}: {}", dropped.reason, dropped.detail);
                        }
                        ListenerEvent::Learned { from, engine_id, user } => {
                            eprintln!("mibscope traps: learned engine id {engine_id} for user '{user}' from {from}");
                        }
                    }
                }
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    // Stop reception, read what the sockets still hold, then empty the queue.
    let socket_drops = listener.socket_drops();
    let (final_stats, learned) = background.shutdown_with_learned().await;
    state.save_learned(learned).await;
    while let Some(n) = feed.recv().await {
        outputs.handle(&n);
    }
    outputs.finish().await;
    let o = outputs.stats(overflow.load(Ordering::Relaxed), socket_drops);
    if settings.outputs.json {
        outputs.stats_line(&final_stats, &o);
    }
    outputs.flush();
    eprintln!(
        "mibscope traps: stopped; {}",
        render::stats_text(&final_stats, &o)
    );
    Ok(Outcome::Success)
}
