//! What a view can ask of an agent and what comes back, as plain data: the UI state never
//! holds a socket or a future. `backend` runs each request as a task that posts `Reply`s
//! into the event loop; the `App` routes them to the view that asked.

use std::time::Duration;

use crate::proto::engine::RequestError;
use crate::proto::walk::WalkError;
use crate::proto::{ErrorStatus, Oid, Value, VarBind};

use super::sanitize::SafeText;

/// Identifies one request for as long as the UI runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// An operation on the connected agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestSpec {
    Get(Vec<Oid>),
    GetNext(Vec<Oid>),
    /// A subtree walk (GetBulk, GetNext for SNMPv1), its rows posted as they arrive.
    Walk(Oid),
    Set(Vec<VarBind>),
    /// Not for the agent: the objects whose DESCRIPTION holds every word (files are read,
    /// so it runs off the UI thread like a request).
    SearchDescriptions(String),
    /// Scalars read with one Get, then table columns walked in lock step (GetBulk, GetNext
    /// for SNMPv1); answered with the raw varbinds (`Reply::Polled`), for the live views.
    Poll(PollSpec),
    /// Not for the agent: writes an export (a table as CSV or JSON) to a file the user
    /// named; answered with `Done` (no rows) or `Failed(Failure::Write)`.
    WriteFile {
        path: std::path::PathBuf,
        contents: String,
    },
}

/// What a live view reads each time: a few scalars (sysUpTime for rates), table columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollSpec {
    pub scalars: Vec<Oid>,
    pub columns: Vec<Oid>,
    /// Rows per GetBulk of the table walk.
    pub max_repetitions: u32,
}

impl RequestSpec {
    /// Whether it runs here rather than on the agent (no connection needed).
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            RequestSpec::SearchDescriptions(_) | RequestSpec::WriteFile { .. }
        )
    }

    /// The verb, for titles: `get`, `walk`.
    pub fn verb(&self) -> &'static str {
        match self {
            RequestSpec::Get(_) => "get",
            RequestSpec::GetNext(_) => "getnext",
            RequestSpec::Walk(_) => "walk",
            RequestSpec::Set(_) => "set",
            RequestSpec::SearchDescriptions(_) => "search",
            RequestSpec::Poll(_) => "poll",
            RequestSpec::WriteFile { .. } => "write",
        }
    }
}

/// One varbind of an answer, named and rendered for the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub oid: Oid,
    /// `MODULE::name.index`, or the numeric OID.
    pub name: SafeText,
    /// The value as Net-SNMP prints it after `TYPE: `, with enums, hints and units.
    pub value: SafeText,
    /// Net-SNMP's type label (`INTEGER`, `STRING`, `Counter32`).
    pub kind: &'static str,
    pub raw: Value,
}

/// What a request yields; a request ends with `Done` or `Failed`.
#[derive(Debug)]
pub enum Reply {
    /// Rows of a walk still going on.
    Rows(Vec<ResultRow>),
    /// The last rows (all of them for get/getnext/set), and how long it took.
    Done {
        rows: Vec<ResultRow>,
        took: Duration,
    },
    Failed(Failure),
    /// The nodes a local search found.
    Found(Vec<crate::mib::NodeId>),
    /// The answer to a `RequestSpec::Poll`: the scalars' varbinds in the order asked, the
    /// columns' varbinds column by column.
    Polled {
        scalars: Vec<VarBind>,
        columns: Vec<VarBind>,
        took: Duration,
    },
    /// What the engine is doing (retry n of m, discovering the engine): for the status
    /// line, not for the view.
    Progress(SafeText),
}

impl Reply {
    pub fn is_final(&self) -> bool {
        !matches!(self, Reply::Rows(_) | Reply::Progress(_))
    }
}

/// Why a request produced no (more) rows.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The agent answered with an error-status (RFC 3416 section 3).
    #[error("{}{}", .status.net_snmp_text(), .object.as_ref().map(|o| format!(" (failed object: {o})")).unwrap_or_default())]
    ErrorStatus {
        status: ErrorStatus,
        object: Option<SafeText>,
    },
    #[error(transparent)]
    Walk(#[from] WalkError),
    #[error("cancelled")]
    Cancelled,
    /// An export could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "not connected to an agent: start with `mibscope tui AGENT` (with -v/-c or the -u/-l/-a/-A/-x/-X options of get)"
    )]
    NotConnected,
}
