//! The command line: Net-SNMP-compatible subcommands over the shared engine. One file per
//! subcommand family; `options` holds the option groups they share.

pub mod agent;
pub mod decode;
pub mod delta;
pub mod demo;
pub mod df;
pub mod docs;
pub mod exporter;
pub mod mibs;
pub mod netstat;
pub mod notify;
pub mod options;
pub mod poll;
pub mod request;
/// Moved to `session::snmpconf`; the old path stays for callers.
pub use crate::session::snmpconf;
pub mod status;
pub mod table;
pub mod translate;
pub mod traps;
pub mod tui;
pub mod walk;

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::proto::engine::{RequestError, Response};

/// What a subcommand's run ended as; `main` turns it into the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: no answer, bad arguments, a walk that had to stop.
    Failure,
    /// Exit 2: the agent answered with an error-status.
    AgentError,
    /// The reader of our output went away (`| head`): exit 141 without a word, the status
    /// a shell reports for Net-SNMP's tools, which SIGPIPE ends.
    BrokenPipe,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::AgentError => 2,
            Outcome::BrokenPipe => 128 + 13,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Address(String),
    #[error("{0}")]
    Oid(String),
    #[error("{0}")]
    Value(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<crate::session::SessionError> for CliError {
    fn from(e: crate::session::SessionError) -> Self {
        match e {
            crate::session::SessionError::Address(a) => CliError::Address(a.to_string()),
            other => CliError::Usage(other.to_string()),
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "mibscope",
    version,
    about = "SNMP manager: get, walk and set with Net-SNMP's options, JSON output, a simulated agent",
    after_help = "Exit status: 0 success; 1 no response, bad arguments or an aborted walk; 2 the agent returned an error-status."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// GetRequest for each OID (snmpget)
    Get(request::GetArgs),
    /// GetNextRequest for each OID (snmpgetnext)
    #[command(name = "getnext")]
    GetNext(request::GetArgs),
    /// One GetBulkRequest (snmpbulkget)
    #[command(name = "bulkget")]
    BulkGet(request::BulkGetArgs),
    /// Walk a subtree with GetNext (snmpwalk)
    Walk(walk::WalkArgs),
    /// Walk a subtree with GetBulk (snmpbulkwalk)
    #[command(name = "bulkwalk")]
    BulkWalk(walk::BulkWalkArgs),
    /// SetRequest: OID TYPE VALUE triples (snmpset)
    Set(request::SetArgs),
    /// A conceptual table, row by row (snmptable)
    Table(table::TableArgs),
    /// An agent's description, uptime and interface totals (snmpstatus)
    Status(status::StatusArgs),
    /// Disk space of an agent's storage (snmpdf)
    Df(df::DfArgs),
    /// Counter changes every period (snmpdelta)
    Delta(delta::DeltaArgs),
    /// An agent's interfaces (-Ci) or routing table (-Cr) (snmpnetstat)
    Netstat(netstat::NetstatArgs),
    /// Start the simulated 48-port switch and watch its interfaces (no device needed)
    Demo(demo::DemoArgs),
    /// Decode a captured SNMP message (hex, Net-SNMP -d dump, or raw file)
    Decode(decode::DecodeArgs),
    /// Simulated agent: serve a snapshot over UDP, with moving counters and faults
    Agent(agent::AgentArgs),
    /// Names to OIDs and back, object details, the MIB tree (snmptranslate)
    Translate(translate::TranslateArgs),
    /// MIB modules loaded, their status and problems (-d), as text or JSON
    Mibs(mibs::MibsArgs),
    /// Prometheus exporter: snmp_exporter's generator.yml compiled from the MIBs, /snmp
    Exporter(exporter::ExporterArgs),
    /// Poll a fleet: system group and interfaces (with rates) per agent per round, as JSON
    Poll(poll::PollArgs),
    /// Trap and inform daemon: receive, show with MIB names, log, relay, run handlers
    Traps(Box<traps::TrapsArgs>),
    /// Send a trap: snmptrap's arguments (v1, v2c, v3 from our own engine id)
    Trap(notify::NotifyArgs),
    /// Send an inform and wait for its acknowledgement (snmpinform)
    Inform(notify::NotifyArgs),
    /// Write the man pages (mibscope.1, mibscope-walk.1, ...) into a directory
    Man(docs::ManArgs),
    /// Print the shell completion script for bash, zsh or fish
    Completions(docs::CompletionsArgs),
    /// The terminal UI: browse MIBs, and with an AGENT get, walk, watch and set from the tree
    Tui(tui::TuiArgs),
}

impl Command {
    /// The -m and -M of the subcommand, when it has them.
    pub fn mib_args(&self) -> Option<&options::MibArgs> {
        match self {
            Command::Get(a) | Command::GetNext(a) => Some(&a.request.mib),
            Command::BulkGet(a) => Some(&a.request.mib),
            Command::Walk(a) => Some(&a.request.mib),
            Command::BulkWalk(a) => Some(&a.request.mib),
            Command::Set(a) => Some(&a.request.mib),
            Command::Table(a) => Some(&a.request.mib),
            Command::Status(a) => Some(&a.request.mib),
            Command::Df(a) => Some(&a.request.mib),
            Command::Delta(a) => Some(&a.request.mib),
            Command::Netstat(a) => Some(&a.request.mib),
            Command::Translate(a) => Some(&a.mib),
            Command::Mibs(a) => Some(&a.mib),
            Command::Exporter(a) => Some(&a.mib),
            Command::Poll(a) => Some(&a.mib),
            Command::Traps(a) => Some(&a.mib),
            Command::Trap(a) | Command::Inform(a) => Some(&a.mib),
            Command::Tui(a) => Some(&a.mib),
            Command::Demo(_)
            | Command::Decode(_)
            | Command::Agent(_)
            | Command::Man(_)
            | Command::Completions(_) => None,
        }
    }
}

/// The command line as Net-SNMP's tools take it: an option given twice takes the last
/// value (scripts pass `-v2c` from a variable and again by hand); list options (`-O`,
/// `-C`) still add up.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().mut_subcommands(|s| s.args_override_self(true))
}

fn parse(args: Vec<String>) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// Parses the process arguments (with Net-SNMP's detached `-CE OID` joined) and runs.
pub async fn main_with_args(args: Vec<String>) -> Outcome {
    // `mibscope` alone on a terminal opens the MIB browser.
    if args.len() == 1 && tui::on_a_terminal() {
        return finish(tui::run(tui::TuiArgs::offline()).await);
    }
    let args = options::normalize_net_snmp_args(args);
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Outcome::Failure
            } else {
                Outcome::Success
            };
        }
    };
    // Names in OID arguments are resolved against the MIBs these options choose.
    if let Some(m) = cli.command.mib_args() {
        options::use_mib_args(m);
    }
    let result = match cli.command {
        Command::Get(a) => request::run_get(a, request::GetKind::Get).await,
        Command::GetNext(a) => request::run_get(a, request::GetKind::GetNext).await,
        Command::BulkGet(a) => request::run_bulkget(a).await,
        Command::Walk(a) => walk::run(a, false).await,
        Command::BulkWalk(a) => walk::run(a.into(), true).await,
        Command::Set(a) => request::run_set(a).await,
        Command::Table(a) => table::run(a).await,
        Command::Status(a) => status::run(a).await,
        Command::Df(a) => df::run(a).await,
        Command::Delta(a) => delta::run(a).await,
        Command::Netstat(a) => netstat::run(a).await,
        Command::Decode(a) => decode::run(&a),
        Command::Demo(a) => demo::run(a).await,
        Command::Agent(a) => agent::run(a).await,
        Command::Translate(a) => translate::run(&a),
        Command::Mibs(a) => mibs::run(&a),
        Command::Exporter(a) => exporter::run(a).await,
        Command::Poll(a) => poll::run(a).await,
        Command::Traps(a) => traps::run(*a).await,
        Command::Trap(a) => notify::run(a, false).await,
        Command::Inform(a) => notify::run(a, true).await,
        Command::Man(a) => docs::man(&a),
        Command::Completions(a) => docs::completions(&a),
        Command::Tui(a) => tui::run(a).await,
    };
    finish(result)
}

fn finish(result: Result<Outcome, CliError>) -> Outcome {
    match result {
        Ok(outcome) => outcome,
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::BrokenPipe,
        Err(e) => {
            eprintln!("mibscope: {e}");
            Outcome::Failure
        }
    }
}

/// An OID as the value lines name it (Net-SNMP's `fprint_objid`: the `-O` naming style and
/// the loaded MIBs), for messages.
pub fn oid_text(oid: &crate::proto::Oid, output: &crate::output::OutputOptions) -> String {
    let mut buf = Vec::with_capacity(64);
    let ctx = crate::output::text::Context {
        options: output,
        names: options::output_names(),
    };
    let _ = crate::output::oid_text::write_oid(&mut buf, oid.arcs(), ctx);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Prints an error-status reply the way Net-SNMP's tools do, to stderr: snmpget prints
/// "Error in packet", snmpgetnext, snmpbulkget, snmpset and the walks "Error in packet.";
/// then "Failed object: " and the OID named as the value lines name it (empty when the
/// error-index points past the varbinds), and a blank line.
pub fn report_error_status(
    response: &Response,
    with_period: bool,
    output: &crate::output::OutputOptions,
) {
    let failed = (response.error_index > 0).then(|| {
        usize::try_from(response.error_index - 1)
            .ok()
            .and_then(|i| response.varbinds.get(i))
            .map(|vb| &vb.oid)
    });
    report_error(response.error_status, failed, with_period, output);
}

/// `report_error_status` from its parts: `failed` is `None` for error-index 0, `Some(None)`
/// for an index past the varbinds.
pub fn report_error(
    status: crate::proto::ErrorStatus,
    failed: Option<Option<&crate::proto::Oid>>,
    with_period: bool,
    output: &crate::output::OutputOptions,
) {
    let mut text = format!(
        "Error in packet{}\nReason: {}\n",
        if with_period { "." } else { "" },
        status.net_snmp_text()
    );
    if let Some(oid) = failed {
        let name = oid.map(|o| oid_text(o, output)).unwrap_or_default();
        text.push_str(&format!("Failed object: {name}\n\n"));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints what the engine wants the user to know (a key extension that worked, say).
pub fn report_notices(notices: &[crate::proto::engine::Notice]) {
    for n in notices {
        eprintln!("mibscope: note: {n}");
    }
}

/// Prints a failed request the way Net-SNMP does, to stderr. snmpget ends its timeout line
/// with a period, snmpwalk does not.
pub fn report_request_error(error: &RequestError, agent_label: &str, with_period: bool) {
    match error {
        RequestError::Timeout { hint, .. } => {
            eprintln!(
                "Timeout: No Response from {agent_label}{}",
                if with_period { "." } else { "" }
            );
            if let Some(hint) = hint {
                eprintln!("mibscope: {hint}");
            }
        }
        other => eprintln!("mibscope: {other}"),
    }
}
