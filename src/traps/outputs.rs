//! The daemon's output stage, fed by one task from its subscription: a line per
//! notification (text with MIB names, or JSON) to stdout and the log file, and each
//! notification offered to the handlers (`--exec`), the relays (`--forward`) and syslog,
//! each behind its own bounded queue. A configuration reload replaces the stage's parts
//! (`reconfigure`): everything new is opened first, so a failure leaves the running
//! outputs as they were; sinks that changed are retired and finish their queues in the
//! background while the new ones take over; the counters run on.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use tokio::task::JoinHandle;

use super::forward::{ForwardOptions, ForwardSecurity, ForwardSink, SenderEngine};
use super::notification::Notification;
use super::receiver::ReceiverStats;
use super::render::{self, NameCache, OutputStats};
use super::sinks::{ExecSink, LogFile, SinkCounters};
use super::syslog::{SyslogSink, SyslogTarget, hostname, syslog_message};
use crate::output::OutputOptions;
use crate::output::syntax::OidNames;

/// What the outputs are, from the configuration file and the flags.
#[derive(Clone, Debug)]
pub struct OutputSettings {
    pub json: bool,
    /// Text lines: Net-SNMP's `-O` flags.
    pub text: OutputOptions,
    pub log: Option<PathBuf>,
    pub quiet: bool,
    pub exec: Option<ExecSettings>,
    pub forward: Option<ForwardSettings>,
    pub syslog: Option<SyslogSettings>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSettings {
    pub command: String,
    pub concurrency: usize,
    pub queue: usize,
    pub timeout: Duration,
}

/// `ForwardOptions` but for this receiver's engine, known once it runs.
#[derive(Clone, Debug)]
pub struct ForwardSettings {
    pub targets: Vec<std::net::SocketAddr>,
    pub security: ForwardSecurity,
    pub informs: bool,
    pub timeout: Duration,
    pub retries: u32,
    pub queue: usize,
}

/// Relayed informs awaiting their acknowledgement at once.
const FORWARD_IN_FLIGHT: usize = 64;

impl ForwardSettings {
    fn options(&self, engine: &SenderEngine) -> ForwardOptions {
        ForwardOptions {
            targets: self.targets.clone(),
            security: self.security.clone(),
            informs: self.informs,
            timeout: self.timeout,
            retries: self.retries,
            queue: self.queue,
            in_flight: FORWARD_IN_FLIGHT,
            engine: engine.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyslogSettings {
    pub target: SyslogTarget,
    pub facility: u8,
    pub queue: usize,
}

/// An output that could not be opened (the running ones are kept).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot open the log {}: {source}", path.display())]
    Log {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot open the socket to relay notifications: {0}")]
    Forward(#[source] io::Error),
    #[error("cannot open the socket for syslog: {0}")]
    Syslog(#[source] io::Error),
}

/// The running outputs.
pub struct Outputs {
    settings: OutputSettings,
    names: NameCache<'static>,
    stdout: Option<io::BufWriter<io::Stdout>>,
    log: Option<LogFile>,
    exec: Option<ExecSink>,
    forward: Option<ForwardSink>,
    syslog: Option<SyslogSink>,
    host: String,
    engine: SenderEngine,
    counters: Arc<SinkCounters>,
    written: u64,
    /// Sinks replaced by a reload, finishing their queues.
    retiring: Vec<JoinHandle<()>>,
}

/// How long a sink may take to empty its queue at exit or after a reload.
pub const FINISH_LIMIT: Duration = Duration::from_secs(5);

fn open_log(path: &Path) -> Result<LogFile, OutputError> {
    LogFile::open(path).map_err(|source| OutputError::Log {
        path: path.to_path_buf(),
        source,
    })
}

fn exec_sink(e: &ExecSettings, counters: &Arc<SinkCounters>) -> ExecSink {
    ExecSink::spawn(
        e.command.clone(),
        e.concurrency,
        e.queue,
        e.timeout,
        Arc::clone(counters),
    )
}

async fn forward_sink(
    f: &ForwardSettings,
    engine: &SenderEngine,
    counters: &Arc<SinkCounters>,
) -> Result<ForwardSink, OutputError> {
    ForwardSink::spawn(f.options(engine), Arc::clone(counters))
        .await
        .map_err(OutputError::Forward)
}

fn syslog_sink(
    s: &SyslogSettings,
    counters: &Arc<SinkCounters>,
) -> Result<SyslogSink, OutputError> {
    SyslogSink::spawn(s.target.clone(), s.queue, Arc::clone(counters)).map_err(OutputError::Syslog)
}

impl Outputs {
    /// Opens every output. `names` gives MIB names to the lines; `engine` is this
    /// receiver's, which relayed v3 traps come from.
    pub async fn start(
        settings: OutputSettings,
        names: &'static (dyn OidNames + Sync),
        engine: SenderEngine,
    ) -> Result<Outputs, OutputError> {
        let counters = Arc::new(SinkCounters::default());
        let log = settings.log.as_deref().map(open_log).transpose()?;
        let forward = match &settings.forward {
            Some(f) => Some(forward_sink(f, &engine, &counters).await?),
            None => None,
        };
        let syslog = settings
            .syslog
            .as_ref()
            .map(|s| syslog_sink(s, &counters))
            .transpose()?;
        Ok(Outputs {
            stdout: (!settings.quiet).then(|| io::BufWriter::with_capacity(1 << 16, io::stdout())),
            log,
            exec: settings.exec.as_ref().map(|e| exec_sink(e, &counters)),
            forward,
            syslog,
            names: NameCache::new(names),
            host: hostname(),
            engine,
            counters,
            written: 0,
            retiring: Vec::new(),
            settings,
        })
    }

    pub fn settings(&self) -> &OutputSettings {
        &self.settings
    }

    /// One notification to every output.
    pub fn handle(&mut self, n: &Arc<Notification>) {
        let json = self.settings.json;
        let mut line = Vec::with_capacity(512);
        let rendered = if json {
            render::write_json(&mut line, n, &self.names)
        } else {
            render::write_text(&mut line, n, &self.settings.text, &self.names)
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
            let json = if json {
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
        if let Some(sink) = &self.syslog {
            let text = if json {
                let mut t = Vec::with_capacity(256);
                let _ = render::write_text(&mut t, n, &self.settings.text, &self.names);
                t
            } else {
                line
            };
            let facility = self.settings.syslog.as_ref().map_or(16, |s| s.facility);
            sink.offer(syslog_message(
                facility,
                &self.host,
                n.received_at,
                n,
                &text,
            ));
        }
    }

    pub fn flush(&mut self) {
        if let Some(out) = &mut self.stdout {
            if out.flush().is_err() {
                self.stdout = None;
            }
        }
        if let Some(log) = &mut self.log {
            let _ = log.flush();
        }
    }

    /// The JSON stats line to stdout and the log.
    pub fn stats_line(&mut self, r: &ReceiverStats, o: &OutputStats) {
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

    /// The outputs' counters; `queue_overflow` (the subscription's) and `socket_drops`
    /// (the listener's) come from elsewhere.
    pub fn stats(&self, queue_overflow: u64, socket_drops: u64) -> OutputStats {
        let get = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
        let c = &self.counters;
        OutputStats {
            queue_overflow,
            written: self.written,
            exec_started: get(&c.exec_started),
            exec_failed: get(&c.exec_failed),
            exec_overflow: get(&c.exec_overflow) + get(&c.exec_abandoned),
            forwarded: get(&c.forwarded),
            forward_overflow: get(&c.forward_overflow),
            forward_failed: get(&c.forward_failed),
            syslog_sent: get(&c.syslog_sent),
            syslog_overflow: get(&c.syslog_overflow),
            syslog_failed: get(&c.syslog_failed),
            socket_drops,
        }
    }

    /// Reopens the log by its path (after logrotate moved it): the path, or why not.
    pub fn reopen_log(&mut self) -> Option<(PathBuf, io::Result<()>)> {
        self.flush();
        let log = self.log.as_mut()?;
        Some((log.path().to_path_buf(), log.reopen()))
    }

    /// Takes new settings: opens what is new first (on failure nothing changed), then
    /// swaps; the log is reopened (or the new one opened), sinks whose settings changed
    /// are retired to finish their queues in the background.
    pub async fn reconfigure(&mut self, settings: OutputSettings) -> Result<(), OutputError> {
        self.flush();
        let same_log = self.settings.log == settings.log;
        let new_log = match (&settings.log, same_log) {
            (Some(path), false) => Some(open_log(path)?),
            _ => None,
        };
        // Relays restart on every reload: their credentials are read anew.
        let forward = match &settings.forward {
            Some(f) => Some(forward_sink(f, &self.engine, &self.counters).await?),
            None => None,
        };
        let syslog_changed = self.settings.syslog != settings.syslog;
        let syslog = match (&settings.syslog, syslog_changed) {
            (Some(s), true) => Some(syslog_sink(s, &self.counters)?),
            _ => None,
        };
        // Nothing can fail from here on.
        if same_log {
            if let Some(log) = &mut self.log {
                if let Err(e) = log.reopen() {
                    eprintln!(
                        "mibscope traps: cannot reopen {}: {e}",
                        log.path().display()
                    );
                }
            }
        } else {
            self.log = new_log;
        }
        if settings.quiet != self.settings.quiet {
            self.stdout =
                (!settings.quiet).then(|| io::BufWriter::with_capacity(1 << 16, io::stdout()));
        }
        if self.settings.exec != settings.exec {
            if let Some(old) = self.exec.take() {
                self.retiring.push(tokio::spawn(old.finish(FINISH_LIMIT)));
            }
            self.exec = settings.exec.as_ref().map(|e| exec_sink(e, &self.counters));
        }
        if let Some(old) = std::mem::replace(&mut self.forward, forward) {
            self.retiring.push(tokio::spawn(old.finish(FINISH_LIMIT)));
        }
        if syslog_changed {
            if let Some(old) = std::mem::replace(&mut self.syslog, syslog) {
                self.retiring.push(tokio::spawn(old.finish(FINISH_LIMIT)));
            }
        }
        self.retiring.retain(|t| !t.is_finished());
        self.settings = settings;
        Ok(())
    }

    /// Empties every sink's queue (each within [`FINISH_LIMIT`]) and flushes.
    pub async fn finish(&mut self) {
        self.flush();
        if let Some(exec) = self.exec.take() {
            exec.finish(FINISH_LIMIT).await;
        }
        if let Some(forward) = self.forward.take() {
            forward.finish(FINISH_LIMIT).await;
        }
        if let Some(syslog) = self.syslog.take() {
            syslog.finish(FINISH_LIMIT).await;
        }
        for t in self.retiring.drain(..) {
            let _ = t.await;
        }
    }
}
