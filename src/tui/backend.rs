//! The TUI's glue to the rest of mibscope: where its MIB comes from, how it connects to an
//! agent, and how a `RequestSpec` runs as a task that posts `Reply`s into the event loop.
//! Everything the UI needs from the engine, the MIB store and the CLI's option parsing goes
//! through this one file, so the UI's state and components never see a socket or a future.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::task::AbortHandle;

use super::event::Event;
use super::request::{Failure, PollSpec, Reply, RequestId, RequestSpec, ResultRow};
use super::sanitize::SafeText;
use crate::mib::Mib;
use crate::mib_handle::{LoadedMib, MibHandle};
use crate::mib_store::MibConfig;
use crate::mib_view::MibNames;
use crate::net::{Client, ProgressSender, TableWalkError, WalkItem};
use crate::output::syntax::OidNames;
use crate::output::text::{Context, write_value};
use crate::output::{OidStyle, OutputOptions, oid_text};
use crate::proto::engine::{Operation, Response, Security, Target};
use crate::proto::walk::{BulkParams, WalkOptions};
use crate::proto::{ErrorStatus, VarBind, Version};
use crate::session::{Defaults, SessionError, TargetOptions};

/// A walk shown in the results pane stops after this many rows (the tree under `.1` of a
/// big router is millions).
pub const WALK_ROW_LIMIT: usize = 100_000;

/// Loads the MIBs `config` chooses (from the cache when it is current) off the runtime's
/// thread; the handle stays with the UI so the MIB can be reloaded and swapped.
pub async fn load_mibs(config: MibConfig) -> (Arc<MibHandle>, Arc<LoadedMib>) {
    let handle = Arc::new(MibHandle::new(config));
    let loader = Arc::clone(&handle);
    let loaded = match tokio::task::spawn_blocking(move || loader.get()).await {
        Ok(loaded) => loaded,
        // The loader panicked (the message is printed): load again here, where it shows.
        Err(_) => handle.get(),
    };
    (handle, loaded)
}

/// Loads the MIBs again on the blocking pool (with `dir` added to the search path first)
/// and posts the result as `Event::MibsLoaded`.
pub fn reload_mibs(
    mibs: &Arc<MibHandle>,
    dir: Option<std::path::PathBuf>,
    tx: UnboundedSender<Event>,
) {
    let mibs = Arc::clone(mibs);
    tokio::task::spawn_blocking(move || {
        let loaded = match dir {
            Some(dir) => mibs.set_config(with_directory(mibs.config(), dir)),
            None => mibs.reload(),
        };
        let _ = tx.send(Event::MibsLoaded(loaded));
    });
}

/// `config` with `dir` searched too and, unless every module is loaded anyway, the modules
/// its files define asked for (a directory added in the UI is for its modules).
fn with_directory(mut config: MibConfig, dir: std::path::PathBuf) -> MibConfig {
    use crate::mib_store::{LoadReport, ModuleSelection, scan};
    let files = scan::list_files(std::slice::from_ref(&dir), &mut Vec::new());
    let names = scan::index_modules(&files, &mut LoadReport::default());
    let mut names: Vec<String> = names.modules.into_keys().collect();
    names.sort();
    match &mut config.modules {
        ModuleSelection::All => {}
        ModuleSelection::Default { extra } | ModuleSelection::Only(extra) => {
            for n in names {
                if !extra.contains(&n) {
                    extra.push(n);
                }
            }
        }
    }
    if !config.dirs.contains(&dir) {
        config.dirs.push(dir);
    }
    config
}

/// A running task, to stop when nobody waits for it any more.
pub enum TaskHandle {
    Async(AbortHandle),
    /// A blocking job checks its flag between steps.
    Blocking(Arc<std::sync::atomic::AtomicBool>),
}

impl TaskHandle {
    pub fn cancel(&self) {
        match self {
            TaskHandle::Async(h) => h.abort(),
            TaskHandle::Blocking(flag) => flag.store(true, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// Runs a local `spec` (see `RequestSpec::is_local`) on the blocking pool, posting its reply.
pub fn spawn_local(
    mib: &Arc<Mib>,
    id: RequestId,
    spec: RequestSpec,
    tx: UnboundedSender<Event>,
) -> TaskHandle {
    let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&cancelled);
    let mib = Arc::clone(mib);
    tokio::task::spawn_blocking(move || {
        let query = match spec {
            RequestSpec::SearchDescriptions(query) => query,
            RequestSpec::WriteFile { path, contents } => {
                let started = Instant::now();
                let reply = match std::fs::write(&path, contents) {
                    Ok(()) => Reply::Done {
                        rows: Vec::new(),
                        took: started.elapsed(),
                    },
                    Err(source) => Reply::Failed(Failure::Write { path, source }),
                };
                let _ = tx.send(Event::Reply { id, reply });
                return;
            }
            _ => return,
        };
        let stopped = || flag.load(std::sync::atomic::Ordering::Relaxed);
        let nodes = search_descriptions(&mib, &query, &stopped);
        if !stopped() {
            let _ = tx.send(Event::Reply {
                id,
                reply: Reply::Found(nodes),
            });
        }
    });
    TaskHandle::Blocking(cancelled)
}

/// The nodes whose DESCRIPTION holds every word of `query`, at most 300; once `stopped`
/// says so, no more files are read and the search ends quickly.
pub fn search_descriptions(
    mib: &Mib,
    query: &str,
    stopped: &dyn Fn() -> bool,
) -> Vec<crate::mib::NodeId> {
    let reader = crate::mib_store::TextReader::default();
    let read = |r| if stopped() { None } else { reader.text(mib, r) };
    mib.search_with(query, 300, Some(&read))
        .into_iter()
        .filter(|h| h.in_description)
        .filter_map(|h| mib.def(h.def).node().map(|n| n.id()))
        .collect()
}

/// The connected agent, as the UI describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInfo {
    /// The agent as the user wrote it (`udp:10.0.0.1:161`).
    pub label: String,
    /// `v1`, `v2c`, `v3 alice authPriv`.
    pub security: String,
    /// Per attempt.
    pub timeout: Duration,
    pub retries: u32,
}

impl AgentInfo {
    /// How long a request can take before the engine gives up on a silent agent.
    pub fn patience(&self) -> Duration {
        self.timeout * (self.retries + 1)
    }
}

/// Why the UI could not connect.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("cannot open a UDP socket: {0}")]
    Socket(std::io::Error),
    /// The agent refused the SNMPv3 credentials (a Report: wrong digest, decryption error,
    /// unknown user).
    #[error("the agent refused the credentials: {0}")]
    Credentials(crate::proto::engine::RequestError),
}

/// An agent that needs a secret nobody gave: the UI asks for it (`views::login`).
pub struct Login {
    /// What was given (a profile's or the command line's options).
    pub options: TargetOptions,
    pub defaults: Defaults,
    /// The secret missing.
    pub secret: crate::session::Secret,
    /// The agent as the prompt names it.
    pub label: String,
}

/// How a login went; the options keep the secrets typed so far (in memory only).
pub struct Connected {
    pub options: TargetOptions,
    pub result: Result<Connection, ConnectError>,
}

impl std::fmt::Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The options hold secrets; the outcome is what matters here.
        match &self.result {
            Ok(c) => write!(f, "Connected({})", c.info.label),
            Err(e) => write!(f, "Connected(failed: {e})"),
        }
    }
}

/// Connects with `options` and checks the credentials at once with a Get of sysUpTime.0,
/// so a mistyped pass phrase shows at the prompt rather than at the first request: the
/// agent reports a wrong digest or an unknown user, or (a wrong privacy pass phrase, which
/// agents such as Net-SNMP's answer with silence) it answers discovery and then nothing.
/// An agent silent from the start is not a credentials problem: the connection stands.
pub async fn login(options: TargetOptions, defaults: Defaults) -> Connected {
    use crate::proto::engine::{RequestError, TimeoutHint};
    use crate::proto::usm::UsmReport;
    let result = match Connection::open(&options, &defaults).await {
        Ok(conn) => {
            let probe = Operation::Get(vec![crate::proto::Oid::from(
                &[1, 3, 6, 1, 2, 1, 1, 3, 0][..],
            )]);
            match conn.client.request(&conn.target, probe).await {
                Err(
                    e @ RequestError::Report {
                        report:
                            UsmReport::WrongDigests
                            | UsmReport::DecryptionErrors
                            | UsmReport::UnknownUserNames,
                        ..
                    },
                ) => Err(ConnectError::Credentials(e)),
                Err(
                    e @ RequestError::Timeout {
                        hint:
                            Some(
                                TimeoutHint::SilentAfterDiscovery { .. }
                                | TimeoutHint::RepliesFailedAuthentication { .. }
                                | TimeoutHint::RepliesFailedDecryption { .. },
                            ),
                        ..
                    },
                ) => Err(ConnectError::Credentials(e)),
                _ => Ok(conn),
            }
        }
        Err(e) => Err(e),
    };
    Connected { options, result }
}

/// The profiles file as read for the Agents popup, with the defaults to connect with.
pub struct AgentsRead {
    pub profiles: Result<crate::session::Profiles, crate::session::ProfileError>,
    /// Where a profiles file is looked for (to say where to create one).
    pub default_path: Option<std::path::PathBuf>,
    pub defaults: Defaults,
}

impl std::fmt::Debug for AgentsRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Profiles and defaults may hold secrets; how many profiles is what matters.
        match &self.profiles {
            Ok(p) => write!(f, "AgentsRead({} profiles)", p.len()),
            Err(e) => write!(f, "AgentsRead(failed: {e})"),
        }
    }
}

/// Reads the profiles file and snmp.conf on the blocking pool and posts them as
/// `Event::Agents`.
pub fn read_agents(tx: UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        let read = AgentsRead {
            profiles: crate::session::Profiles::load_default(),
            default_path: crate::session::Profiles::default_path(&|k| std::env::var(k).ok()),
            defaults: Defaults::load(),
        };
        let _ = tx.send(Event::Agents(Box::new(read)));
    });
}

/// Logs in with `options` (see `login`) as a task posting `Event::Connected`; the
/// connection is named `label` in the UI. Aborting the handle gives the attempt up.
pub fn connect(
    options: TargetOptions,
    defaults: Defaults,
    label: String,
    tx: UnboundedSender<Event>,
) -> AbortHandle {
    tokio::spawn(async move {
        let mut outcome = login(options, defaults).await;
        if let Ok(conn) = &mut outcome.result {
            conn.info.label = label;
        }
        let _ = tx.send(Event::Connected(Box::new(outcome)));
    })
    .abort_handle()
}

/// A socket task and the agent it talks to.
#[derive(Clone)]
pub struct Connection {
    client: Client,
    target: Arc<Target>,
    info: AgentInfo,
}

impl Connection {
    /// Connects with the options of `get` (or of a profile) and the defaults that fill
    /// what they leave out (environment, snmp.conf).
    pub async fn open(
        options: &TargetOptions,
        defaults: &Defaults,
    ) -> Result<Connection, ConnectError> {
        let target = defaults.target(options).await?;
        let client = Client::bind().await.map_err(ConnectError::Socket)?;
        Ok(Connection::new(client, target, options.agent.clone()))
    }

    pub fn new(client: Client, target: Arc<Target>, label: String) -> Connection {
        let security = match &target.security {
            Security::Community { version, .. } => match version {
                Version::V1 => "v1".to_string(),
                _ => "v2c".to_string(),
            },
            Security::Usm(usm) => format!("v3 {}", usm.level),
        };
        let info = AgentInfo {
            label,
            security,
            timeout: target.timeout,
            retries: target.retries,
        };
        Connection {
            client,
            target,
            info,
        }
    }

    pub fn info(&self) -> &AgentInfo {
        &self.info
    }

    /// Runs `spec` as a task posting its replies (and the engine's progress: retries,
    /// discovery) to `tx`. Cancelling the handle drops the request, which cancels it in the
    /// engine: nothing is retransmitted for a screen the user left.
    pub fn spawn(
        &self,
        mib: &Arc<LoadedMib>,
        id: RequestId,
        spec: RequestSpec,
        tx: UnboundedSender<Event>,
    ) -> TaskHandle {
        let conn = self.clone();
        let mib = Arc::clone(mib);
        let task = tokio::spawn(async move {
            let (progress, mut steps) = mpsc::unbounded_channel::<crate::proto::engine::Progress>();
            let forward = {
                let tx = tx.clone();
                async move {
                    while let Some(step) = steps.recv().await {
                        let reply = Reply::Progress(SafeText::new(&step.to_string()));
                        if tx.send(Event::Reply { id, reply }).is_err() {
                            return;
                        }
                    }
                }
            };
            let work = async move {
                let names = &mib.names;
                let post = |reply: Reply| tx.send(Event::Reply { id, reply }).is_ok();
                let started = Instant::now();
                let op = match spec {
                    RequestSpec::Walk(root) => {
                        return conn.walk(root, names, &post, started, progress).await;
                    }
                    RequestSpec::Get(oids) => Operation::Get(oids),
                    RequestSpec::GetNext(oids) => Operation::GetNext(oids),
                    RequestSpec::Set(varbinds) => Operation::Set(varbinds),
                    RequestSpec::Poll(poll) => {
                        post(conn.poll(poll, names, progress).await);
                        return;
                    }
                    // Local work runs through `spawn_local`, never here.
                    RequestSpec::SearchDescriptions(_) | RequestSpec::WriteFile { .. } => {
                        post(Reply::Found(Vec::new()));
                        return;
                    }
                };
                conn.single(op, names, &post, started, progress).await;
            };
            // The forwarder ends when the work drops its progress sender.
            tokio::join!(work, forward);
        });
        TaskHandle::Async(task.abort_handle())
    }

    /// A live view's poll: the scalars with one Get, then the columns in lock step. The
    /// varbinds come back raw: the view computes from values, not from text.
    async fn poll(&self, poll: PollSpec, names: &MibNames, progress: ProgressSender) -> Reply {
        let started = Instant::now();
        let mut scalars = Vec::new();
        if !poll.scalars.is_empty() {
            let get = Operation::Get(poll.scalars);
            match self
                .client
                .request_with_progress(&self.target, get, progress.clone())
                .await
            {
                Ok(response) => {
                    if let Some(failure) = error_status(&response, names) {
                        return Reply::Failed(failure);
                    }
                    scalars = response.varbinds;
                }
                Err(e) => return Reply::Failed(Failure::Request(e)),
            }
        }
        let mut columns = Vec::new();
        if !poll.columns.is_empty() {
            match self
                .client
                .walk_table_with_progress(
                    &self.target,
                    poll.columns,
                    poll.max_repetitions,
                    Some(progress),
                )
                .await
            {
                Ok(varbinds) => columns = varbinds,
                Err(TableWalkError::Request(e)) => return Reply::Failed(Failure::Request(e)),
                Err(TableWalkError::Walk(e)) => return Reply::Failed(Failure::Walk(e)),
            }
        }
        Reply::Polled {
            scalars,
            columns,
            took: started.elapsed(),
        }
    }

    async fn single(
        &self,
        op: Operation,
        names: &MibNames,
        post: &impl Fn(Reply) -> bool,
        started: Instant,
        progress: ProgressSender,
    ) {
        let answer = self
            .client
            .request_with_progress(&self.target, op, progress)
            .await;
        let reply = match answer {
            Ok(response) => match error_status(&response, names) {
                Some(failure) => Reply::Failed(failure),
                None => Reply::Done {
                    rows: rows(&response.varbinds, names),
                    took: started.elapsed(),
                },
            },
            Err(e) => Reply::Failed(Failure::Request(e)),
        };
        post(reply);
    }

    async fn walk(
        &self,
        root: crate::proto::Oid,
        names: &MibNames,
        post: &impl Fn(Reply) -> bool,
        started: Instant,
        progress: ProgressSender,
    ) {
        let bulk = (self.target.security.version() != Version::V1).then(BulkParams::default);
        let options = WalkOptions {
            bulk,
            ..WalkOptions::default()
        };
        let mut walker = self
            .client
            .walk(&self.target, root, options)
            .with_progress(progress);
        let mut count = 0usize;
        while let Some(item) = walker.next().await {
            match item {
                WalkItem::Failed(e) => {
                    post(Reply::Failed(Failure::Request(e)));
                    return;
                }
                WalkItem::Step(step) => {
                    count += step.yielded.len();
                    let batch = rows(&step.yielded, names);
                    match step.finished {
                        Some(Err(e)) => {
                            post(Reply::Rows(batch));
                            post(Reply::Failed(Failure::Walk(e)));
                            return;
                        }
                        Some(Ok(_)) => {
                            post(Reply::Rows(batch));
                            break;
                        }
                        None => {
                            if !post(Reply::Rows(batch)) {
                                return;
                            }
                            if count >= WALK_ROW_LIMIT {
                                break;
                            }
                        }
                    }
                }
            }
        }
        post(Reply::Done {
            rows: Vec::new(),
            took: started.elapsed(),
        });
    }
}

/// The agent's error-status, when it sent one.
fn error_status(response: &Response, names: &MibNames) -> Option<Failure> {
    if response.error_status == ErrorStatus::NoError {
        return None;
    }
    let object = usize::try_from(response.error_index - 1)
        .ok()
        .and_then(|i| response.varbinds.get(i))
        .map(|vb| name_of(&vb.oid, names));
    Some(Failure::ErrorStatus {
        status: response.error_status,
        object,
    })
}

fn options() -> OutputOptions {
    OutputOptions {
        oid_style: OidStyle::Module,
        ..OutputOptions::default()
    }
}

/// `MODULE::name.index` for an OID (index decoded by the MIB), as the CLI prints it.
pub fn name_of(oid: &crate::proto::Oid, names: &dyn OidNames) -> SafeText {
    let options = options();
    let ctx = Context {
        options: &options,
        names,
    };
    let mut buf = Vec::new();
    let arcs = oid.arcs();
    let _ = oid_text::write_resolved(&mut buf, arcs, names.resolve(arcs), ctx);
    SafeText::from_bytes(&buf)
}

/// Names and renders varbinds for the screen.
pub fn rows(varbinds: &[VarBind], names: &dyn OidNames) -> Vec<ResultRow> {
    let options = options();
    let ctx = Context {
        options: &options,
        names,
    };
    varbinds
        .iter()
        .map(|vb| {
            let arcs = vb.oid.arcs();
            let resolved = names.resolve(arcs);
            let mut name = Vec::new();
            let _ = oid_text::write_resolved(&mut name, arcs, resolved, ctx);
            let mut value = Vec::new();
            let _ = write_value(&mut value, &vb.value, resolved.and_then(|r| r.syntax), ctx);
            ResultRow {
                oid: vb.oid.clone(),
                name: SafeText::from_bytes(&name),
                value: strip_type(SafeText::from_bytes(&value)),
                kind: crate::output::json::type_name(&vb.value),
                raw: vb.value.clone(),
            }
        })
        .collect()
}

/// Net-SNMP's `TYPE: value` without the `TYPE: ` (the type has its own column here).
pub fn strip_type(text: SafeText) -> SafeText {
    match text.as_str().split_once(": ") {
        Some((label, rest)) if !label.contains(' ') || label == "Network Address" => {
            SafeText::new(rest)
        }
        _ => text,
    }
}

/// A value written in snmpset's notation for a type letter (`x` hex, `b` bits, ...), for
/// the set editor. Not `o`: OIDs are resolved by the editor against the UI's MIB.
pub fn parse_typed(letter: &str, text: &str) -> Result<crate::proto::Value, String> {
    debug_assert_ne!(letter, "o");
    crate::cli::request::parse_set_value(letter, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib_store::ModuleSelection;

    #[test]
    fn an_added_directory_brings_its_modules() {
        let dir = std::env::temp_dir().join(format!("mibscope-tui-dir-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("sub/any-name.txt"),
            "ACME-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nacme OBJECT IDENTIFIER ::= { enterprises 424242 }\nEND\n",
        )
        .unwrap();
        let config = with_directory(crate::tui::tests::embedded_config(), dir.clone());
        assert_eq!(config.dirs, std::slice::from_ref(&dir));
        assert_eq!(
            config.modules,
            ModuleSelection::Default {
                extra: vec!["ACME-MIB".to_string()]
            }
        );
        let mib = MibHandle::new(config).get();
        assert!(mib.mib.resolve("ACME-MIB::acme").is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
