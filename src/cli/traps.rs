//! `mibscope traps`: the trap and inform daemon. Reception runs on a thread of its own
//! (`traps::listener::BackgroundListener`); this task takes notifications from its bounded
//! queue and hands them to the outputs: a line per notification on stdout and `--log`
//! (text with MIB names, or `--json`), `--exec` handlers, `--forward` relays and syslog.
//! Signals: SIGHUP reopens the log, SIGUSR1 prints the counters, SIGTERM/SIGINT stop
//! reception, drain what the sockets and queues hold, flush, and print the counters.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use clap::Args;

use super::agent::{agent_syntax, parse_listen};
use super::options::{MibArgs, OutputArgs, V3Options};
use super::{CliError, Outcome};
use crate::output::OutputOptions;
use crate::proto::Community;
use crate::traps::access::{Access, CommunityRule, TrapUser};
use crate::traps::config::TrapsConfig;
use crate::traps::listener::{
    BackgroundListener, DEFAULT_RECV_BUFFER, ListenerEvent, ListenerOptions,
};
use crate::traps::notification::Notification;
use crate::traps::receiver::{LocalIdentity, ReceiverStats};
use crate::traps::render::{self, NameCache, OutputStats};
use crate::traps::sinks::{
    ExecSink, ForwardSink, LogFile, SinkCounters, SyslogSink, SyslogTarget, facility_code,
    hostname, syslog_message,
};
use crate::traps::state;

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
Signals: SIGHUP reopens --log (for logrotate), SIGUSR1 prints the counters to stderr, \
SIGTERM/SIGINT stop reception, drain and flush everything received, print the counters.\n\n\
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
    /// verifies, and remember the engine
    #[arg(long, help_heading = "SNMPv3")]
    pub learn_engine_ids: bool,

    /// This receiver's engine id for informs, in hex [default: kept in the state file]
    #[arg(long, value_name = "HEX", help_heading = "SNMPv3")]
    pub receiver_engine_id: Option<String>,

    /// Where the engine id and snmpEngineBoots are kept
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

    /// Relay each notification to this manager as an SNMPv2c trap (repeatable)
    #[arg(long, value_name = "AGENT", help_heading = "Handlers")]
    pub forward: Vec<String>,

    /// Community of the relayed traps [default: public]
    #[arg(long, value_name = "COMMUNITY", help_heading = "Handlers")]
    pub forward_community: Option<String>,

    /// RFC 5424 syslog: unix:/dev/log or udp:HOST:PORT
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

/// Everything the run needs, merged from the file and the flags.
struct Settings {
    options: ListenerOptions,
    skip_unavailable: bool,
    json: bool,
    output: OutputOptions,
    log: Option<PathBuf>,
    quiet: bool,
    queue: usize,
    stats_interval: u64,
    exec: Option<(String, usize, usize, u64)>,
    forward: Option<(Vec<SocketAddr>, Community)>,
    syslog: Option<(SyslogTarget, u8)>,
}

/// An address in the agent syntax with `port` unless one is given, looked up without
/// blocking the runtime.
async fn resolve_with_port(
    text: &str,
    port: u16,
) -> Result<std::net::SocketAddr, crate::net::AddressError> {
    crate::net::target::AgentSpec::parse(text, port)?
        .resolve(crate::net::target::DEFAULT_LOOKUP_LIMIT)
        .await
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(e.to_string())
}

pub(crate) fn read_config(path: &PathBuf) -> Result<TrapsConfig, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let config =
        TrapsConfig::parse(&text).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    #[cfg(unix)]
    if config.has_secrets() {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "mibscope traps: warning: {} holds communities or pass phrases and is readable by others (mode {mode:o}); run chmod 600 on it",
                    path.display()
                );
            }
        }
    }
    Ok(config)
}

impl TrapsArgs {
    async fn settings(&self) -> Result<Settings, CliError> {
        let config = match &self.config {
            Some(p) => read_config(p)?,
            None => TrapsConfig::default(),
        };
        let (listen_texts, skip_unavailable) = if !self.listen.is_empty() {
            (self.listen.clone(), false)
        } else if !config.listen.is_empty() {
            (config.listen.clone(), false)
        } else {
            (
                DEFAULT_LISTEN.iter().map(ToString::to_string).collect(),
                true,
            )
        };
        let listen = listen_texts
            .iter()
            .map(|t| parse_listen(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut communities = if self.community.is_empty() {
            config.community_rules().map_err(usage)?
        } else {
            self.community
                .iter()
                .enumerate()
                .map(|(i, c)| CommunityRule {
                    community: Community::new(c.as_bytes()),
                    label: format!("#{}", i + 1),
                    networks: vec![],
                })
                .collect()
        };
        communities.retain(|c| !c.community.as_bytes().is_empty());
        let mut users = config.trap_users().map_err(usage)?;
        if let Some(user) = self.command_line_user()? {
            users.push(user);
        }
        let accept_any = self.accept_any_community || config.accept_any_community;
        if communities.is_empty() && users.is_empty() && !accept_any {
            return Err(usage(
                "nobody may send: give -c COMMUNITY, a v3 user (-u ...), a --config file with \
                 communities or users, or --accept-any-community",
            ));
        }
        let configured_id = match &self.receiver_engine_id {
            Some(t) => Some(t.parse().map_err(usage)?),
            None => config.engine_id().map_err(usage)?,
        };
        let state_path = self
            .state_file
            .clone()
            .or_else(|| config.state_file.clone())
            .or_else(state::default_path);
        let engine = match &state_path {
            Some(path) => state::boot(path, configured_id.as_ref()).map_err(|e| {
                CliError::Usage(format!(
                    "cannot keep the engine state in {}: {e} (give --state-file)",
                    path.display()
                ))
            })?,
            None => state::EngineState {
                engine_id: configured_id.unwrap_or_else(state::new_engine_id),
                boots: crate::proto::usm::EngineBoots(1),
            },
        };
        let mut output = self.output.options()?;
        output.json = false;
        let json = self.output.json || config.output.json.unwrap_or(false);
        let exec = match self
            .exec
            .clone()
            .or_else(|| config.exec.as_ref().map(|e| e.command.clone()))
        {
            Some(command) => {
                let e = config.exec.as_ref();
                Some((
                    command,
                    self.exec_concurrency
                        .or(e.and_then(|e| e.concurrency))
                        .unwrap_or(4),
                    self.exec_queue.or(e.and_then(|e| e.queue)).unwrap_or(1000),
                    self.exec_timeout
                        .or(e.and_then(|e| e.timeout))
                        .unwrap_or(60),
                ))
            }
            None => None,
        };
        let forward_texts = if self.forward.is_empty() {
            config
                .forward
                .as_ref()
                .map(|f| f.targets.clone())
                .unwrap_or_default()
        } else {
            self.forward.clone()
        };
        let forward = if forward_texts.is_empty() {
            None
        } else {
            let mut targets = Vec::with_capacity(forward_texts.len());
            for t in &forward_texts {
                targets.push(
                    resolve_with_port(t, 162)
                        .await
                        .map_err(|e| CliError::Address(format!("--forward {t}: {e}")))?,
                );
            }
            let community = self
                .forward_community
                .clone()
                .or_else(|| {
                    config
                        .forward
                        .as_ref()
                        .and_then(|f| f.community.clone())
                        .map(|c| c.0)
                })
                .unwrap_or_else(|| "public".into());
            Some((targets, Community::new(community.as_bytes())))
        };
        let syslog = match self
            .syslog
            .clone()
            .or_else(|| config.syslog.as_ref().map(|s| s.target.clone()))
        {
            Some(target) => {
                let facility_name = self
                    .syslog_facility
                    .clone()
                    .or_else(|| config.syslog.as_ref().and_then(|s| s.facility.clone()))
                    .unwrap_or_else(|| "local0".into());
                let facility = facility_code(&facility_name).ok_or_else(|| {
                    usage(format!(
                        "unknown syslog facility '{facility_name}': use kern, user, daemon, auth, syslog or local0..local7"
                    ))
                })?;
                Some((parse_syslog_target(&target).await?, facility))
            }
            None => None,
        };
        Ok(Settings {
            options: ListenerOptions {
                listen,
                recv_buffer: self
                    .recv_buffer
                    .or(config.receive_buffer)
                    .unwrap_or(DEFAULT_RECV_BUFFER),
                access: Access {
                    communities,
                    accept_any_community: accept_any,
                    users,
                    learn_engine_ids: self.learn_engine_ids || config.learn_engine_ids,
                },
                identity: LocalIdentity {
                    engine_id: engine.engine_id,
                    boots: engine.boots,
                    salt_seed: std::process::id().rotate_left(13) ^ engine.boots.0,
                },
            },
            skip_unavailable,
            json,
            output,
            log: self.log.clone().or_else(|| config.output.log.clone()),
            quiet: self.quiet || config.output.quiet.unwrap_or(false),
            queue: self.queue.or(config.output.queue).unwrap_or(DEFAULT_QUEUE),
            stats_interval: self
                .stats_interval
                .or(config.output.stats_interval)
                .unwrap_or(if json { 60 } else { 0 }),
            exec,
            forward,
            syslog,
        })
    }

    /// The v3 user of `-u -l -a -A -x -X -e`, if `-u` was given.
    fn command_line_user(&self) -> Result<Option<TrapUser>, CliError> {
        if self.v3.credentials.user.is_none() {
            return Ok(None);
        }
        if self.v3.context.is_some()
            || self.v3.context_engine_id.is_some()
            || self.v3.boots_time.is_some()
        {
            return Err(usage(
                "-n, -E and -Z are for senders; the receiver takes -u -l -a -A -x -X -e",
            ));
        }
        let t = crate::session::Defaults::none().usm_target(&self.v3.usm_options())?;
        Ok(Some(TrapUser {
            credentials: t.credentials,
            engine_id: t.engine_id,
            min_level: Some(t.level),
        }))
    }
}

async fn parse_syslog_target(text: &str) -> Result<SyslogTarget, CliError> {
    if let Some(path) = text.strip_prefix("unix:") {
        return Ok(SyslogTarget::Unix(PathBuf::from(path)));
    }
    resolve_with_port(text, 514)
        .await
        .map(SyslogTarget::Udp)
        .map_err(|e| CliError::Address(format!("--syslog {text}: {e} (or give unix:/dev/log)")))
}

/// The outputs of one run.
struct Outputs {
    json: bool,
    options: OutputOptions,
    names: NameCache<'static>,
    stdout: Option<io::BufWriter<io::Stdout>>,
    log: Option<LogFile>,
    exec: Option<ExecSink>,
    forward: Option<ForwardSink>,
    syslog: Option<(SyslogSink, u8, String)>,
    written: u64,
}

impl Outputs {
    fn handle(&mut self, n: &Arc<Notification>) {
        let mut line = Vec::with_capacity(512);
        let rendered = if self.json {
            render::write_json(&mut line, n, &self.names)
        } else {
            render::write_text(&mut line, n, &self.options, &self.names)
        };
        if rendered.is_err() {
            return;
        }
        if let Some(out) = &mut self.stdout {
            if let Err(e) = out.write_all(&line) {
                eprintln!("mibscope traps: stdout: {e}; the other outputs go on");
                self.stdout = None;
            }
        }
        if let Some(log) = &mut self.log {
            if let Err(e) = log.write_all(&line) {
                eprintln!("mibscope traps: {}: {e}", log.path().display());
            }
        }
        self.written += 1;
        if let Some(exec) = &self.exec {
            let json = if self.json {
                line.clone()
            } else {
                let mut j = Vec::with_capacity(512);
                let _ = render::write_json(&mut j, n, &self.names);
                j
            };
            exec.offer(Arc::new(json));
        }
        if let Some(forward) = &self.forward {
            forward.offer(n);
        }
        if let Some((sink, facility, host)) = &self.syslog {
            let text = if self.json {
                let mut t = Vec::with_capacity(256);
                let _ = render::write_text(&mut t, n, &self.options, &self.names);
                t
            } else {
                line
            };
            sink.offer(syslog_message(*facility, host, n.received_at, n, &text));
        }
    }

    fn flush(&mut self) {
        if let Some(out) = &mut self.stdout {
            if out.flush().is_err() {
                self.stdout = None;
            }
        }
        if let Some(log) = &mut self.log {
            let _ = log.flush();
        }
    }

    fn stats_line(&mut self, r: &ReceiverStats, o: &OutputStats) {
        let mut line = Vec::new();
        let _ = render::write_stats_json(&mut line, SystemTime::now(), r, o);
        if let Some(out) = &mut self.stdout {
            let _ = out.write_all(&line);
        }
        if let Some(log) = &mut self.log {
            let _ = log.write_all(&line);
        }
        self.flush();
    }
}

fn output_stats(
    written: u64,
    overflow: u64,
    counters: &SinkCounters,
    socket_drops: u64,
) -> OutputStats {
    let get = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    OutputStats {
        queue_overflow: overflow,
        written,
        exec_started: get(&counters.exec_started),
        exec_failed: get(&counters.exec_failed),
        exec_overflow: get(&counters.exec_overflow) + get(&counters.exec_abandoned),
        forwarded: get(&counters.forwarded),
        forward_overflow: get(&counters.forward_overflow),
        syslog_sent: get(&counters.syslog_sent),
        syslog_overflow: get(&counters.syslog_overflow),
        socket_drops,
    }
}

pub async fn run(args: TrapsArgs) -> Result<Outcome, CliError> {
    let settings = args.settings().await?;
    // Names only when something prints them (a handler-only daemon never loads MIBs).
    let names = super::options::output_names();
    let mut options = settings.options.clone();
    // The feed is subscribed before the first datagram is read: nothing accepted is lost.
    let (background, mut feed) = match BackgroundListener::start(options.clone(), settings.queue) {
        Ok(b) => b,
        Err(e) if settings.skip_unavailable => {
            // The default addresses: IPv6 may be missing on this host.
            options.listen.retain(SocketAddr::is_ipv4);
            BackgroundListener::start(options, settings.queue).map_err(|_| CliError::Io(e))?
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
        let access = &settings.options.access;
        eprintln!(
            "mibscope traps: engine id {engine_id} boots {boots}; {} communities{}, {} v3 users{}",
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
        );
    }
    let overflow = feed.overflow_counter();
    let mut events = listener.events(1024);
    let counters = Arc::new(SinkCounters::default());
    let mut outputs = Outputs {
        json: settings.json,
        options: settings.output.clone(),
        names: NameCache::new(names),
        stdout: (!settings.quiet).then(|| io::BufWriter::with_capacity(1 << 16, io::stdout())),
        log: match &settings.log {
            Some(p) => Some(LogFile::open(p).map_err(|e| {
                CliError::Usage(format!("cannot open the log {}: {e}", p.display()))
            })?),
            None => None,
        },
        exec: settings.exec.as_ref().map(|(cmd, conc, queue, timeout)| {
            ExecSink::spawn(
                cmd.clone(),
                *conc,
                *queue,
                Duration::from_secs(*timeout),
                Arc::clone(&counters),
            )
        }),
        forward: match &settings.forward {
            Some((targets, community)) => Some(ForwardSink::spawn(
                targets.clone(),
                community.clone(),
                settings.queue.min(65_536),
                Arc::clone(&counters),
            )?),
            None => None,
        },
        syslog: match &settings.syslog {
            Some((target, facility)) => Some((
                SyslogSink::spawn(
                    target.clone(),
                    settings.queue.min(65_536),
                    Arc::clone(&counters),
                )?,
                *facility,
                hostname(),
            )),
            None => None,
        },
        written: 0,
    };
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = signal(SignalKind::hangup())?;
    let mut usr1 = signal(SignalKind::user_defined1())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let interval = Duration::from_secs(settings.stats_interval.max(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let stats_lines = settings.json && settings.stats_interval > 0;
    let snapshot = |outputs: &Outputs, l: &crate::traps::listener::Listener| {
        (
            l.stats(),
            output_stats(
                outputs.written,
                overflow.load(Ordering::Relaxed),
                &counters,
                l.socket_drops(),
            ),
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
            _ = hup.recv() => {
                outputs.flush();
                if let Some(log) = &mut outputs.log {
                    match log.reopen() {
                        Ok(()) => eprintln!("mibscope traps: SIGHUP: reopened {}", log.path().display()),
                        Err(e) => eprintln!("mibscope traps: SIGHUP: cannot reopen {}: {e}", log.path().display()),
                    }
                }
            }
            _ = usr1.recv() => {
                let (r, o) = snapshot(&outputs, listener);
                eprintln!("mibscope traps: {}", render::stats_text(&r, &o));
            }
            _ = ticks.tick(), if stats_lines => {
                let (r, o) = snapshot(&outputs, listener);
                outputs.stats_line(&r, &o);
            }
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
    let final_stats = background.shutdown().await;
    while let Some(n) = feed.recv().await {
        outputs.handle(&n);
    }
    outputs.flush();
    let limit = Duration::from_secs(5);
    if let Some(exec) = outputs.exec.take() {
        exec.finish(limit).await;
    }
    if let Some(forward) = outputs.forward.take() {
        forward.finish(limit).await;
    }
    if let Some((syslog, ..)) = outputs.syslog.take() {
        syslog.finish(limit).await;
    }
    let o = output_stats(
        outputs.written,
        overflow.load(Ordering::Relaxed),
        &counters,
        socket_drops,
    );
    if settings.json {
        outputs.stats_line(&final_stats, &o);
    }
    outputs.flush();
    eprintln!(
        "mibscope traps: stopped; {}",
        render::stats_text(&final_stats, &o)
    );
    Ok(Outcome::Success)
}
