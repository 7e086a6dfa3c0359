//! The command line: Net-SNMP-compatible subcommands over the shared engine. One file per
//! subcommand family; `options` holds the option groups they share.

pub mod agent;
pub mod decode;
pub mod demo;
pub mod mibs;
pub mod options;
pub mod request;
/// Moved to `session::snmpconf`; the old path stays for callers.
pub use crate::session::snmpconf;
pub mod translate;
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
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::AgentError => 2,
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
    BulkWalk(walk::WalkArgs),
    /// SetRequest: OID TYPE VALUE triples (snmpset)
    Set(request::SetArgs),
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
    /// The terminal UI: browse MIBs, and with an AGENT get, walk, watch and set from the tree
    Tui(tui::TuiArgs),
}

impl Command {
    /// The -m and -M of the subcommand, when it has them.
    pub fn mib_args(&self) -> Option<&options::MibArgs> {
        match self {
            Command::Get(a) | Command::GetNext(a) => Some(&a.request.mib),
            Command::BulkGet(a) => Some(&a.request.mib),
            Command::Walk(a) | Command::BulkWalk(a) => Some(&a.request.mib),
            Command::Set(a) => Some(&a.request.mib),
            Command::Translate(a) => Some(&a.mib),
            Command::Mibs(a) => Some(&a.mib),
            Command::Tui(a) => Some(&a.mib),
            Command::Demo(_) | Command::Decode(_) | Command::Agent(_) => None,
        }
    }
}

/// Parses the process arguments (with Net-SNMP's detached `-CE OID` joined) and runs.
pub async fn main_with_args(args: Vec<String>) -> Outcome {
    // `mibscope` alone on a terminal opens the MIB browser.
    if args.len() == 1 && tui::on_a_terminal() {
        return finish(tui::run(tui::TuiArgs::offline()).await);
    }
    let args = options::normalize_net_snmp_args(args);
    let cli = match Cli::try_parse_from(args) {
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
        Command::BulkWalk(a) => walk::run(a, true).await,
        Command::Set(a) => request::run_set(a).await,
        Command::Decode(a) => decode::run(&a),
        Command::Demo(a) => demo::run(a).await,
        Command::Agent(a) => agent::run(a).await,
        Command::Translate(a) => translate::run(&a),
        Command::Mibs(a) => mibs::run(&a),
        Command::Tui(a) => tui::run(a).await,
    };
    finish(result)
}

fn finish(result: Result<Outcome, CliError>) -> Outcome {
    match result {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("mibscope: {e}");
            Outcome::Failure
        }
    }
}

/// Prints an error-status reply the way snmpget does, to stderr.
/// snmpget prints "Error in packet", snmpset and snmpwalk "Error in packet.".
pub fn report_error_status(response: &Response, with_period: bool) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "Error in packet{}\nReason: {}",
        if with_period { "." } else { "" },
        response.error_status.net_snmp_text()
    );
    if response.error_index > 0 {
        if let Some(vb) = usize::try_from(response.error_index - 1)
            .ok()
            .and_then(|i| response.varbinds.get(i))
        {
            let _ = writeln!(err, "Failed object: {}\n", vb.oid);
        }
    }
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
