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
}

impl RequestSpec {
    /// Whether it runs here rather than on the agent (no connection needed).
    pub fn is_local(&self) -> bool {
        matches!(self, RequestSpec::SearchDescriptions(_))
    }

    /// The verb, for titles: `get`, `walk`.
    pub fn verb(&self) -> &'static str {
        match self {
            RequestSpec::Get(_) => "get",
            RequestSpec::GetNext(_) => "getnext",
            RequestSpec::Walk(_) => "walk",
            RequestSpec::Set(_) => "set",
            RequestSpec::SearchDescriptions(_) => "search",
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
    #[error(
        "not connected to an agent: start with `mibscope tui AGENT` (with -v/-c or the -u/-l/-a/-A/-x/-X options of get)"
    )]
    NotConnected,
}
