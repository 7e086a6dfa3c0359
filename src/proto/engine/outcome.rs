//! What the engine hands back: responses with their notices, errors with timeout hints,
//! datagrams to send, finished operations, and its counts.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::proto::ber::Quirks;
use crate::proto::oid::Oid;
use crate::proto::pdu::{ErrorStatus, VarBind};
use crate::proto::usm::{EngineId, KeyError, PrivProtocol, SecurityLevel, UsmError, UsmReport};

/// Something the engine did on the way to an answer that the user should hear about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// `--aes-key-extension auto`: privacy failed with `tried` and worked with `worked`.
    KeyExtension {
        tried: PrivProtocol,
        worked: PrivProtocol,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::KeyExtension { tried, worked } => write!(
                f,
                "privacy failed with -x {tried} and worked with -x {worked}: this agent extends AES keys the other way; use -x {worked} for it"
            ),
        }
    }
}

/// A finished operation's answer. `error_index` is 1-based into the operation's own
/// varbinds (so it stays right when a split request's second half failed), 0 for none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub from: SocketAddr,
    pub error_status: ErrorStatus,
    pub error_index: i64,
    pub varbinds: Vec<VarBind>,
    /// Encoding deviations the agent's replies showed.
    pub quirks: Quirks,
    pub notices: Vec<Notice>,
}

/// Why a timeout probably happened, when the engine saw enough to guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeoutHint {
    /// No answer even to SNMPv3 engine discovery.
    NoDiscoveryReply,
    /// The agent answered discovery but never the request.
    SilentAfterDiscovery {
        engine_id: EngineId,
        level: SecurityLevel,
        /// With AES-192/256: the same cipher with the other key extension, to suggest.
        other_extension: Option<PrivProtocol>,
        /// A context (`-n`/`-E`) other than the agent's default was asked for.
        context_given: bool,
    },
    /// Replies came whose authentication did not verify.
    RepliesFailedAuthentication { count: u32 },
    /// Replies came that could not be decrypted.
    RepliesFailedDecryption { count: u32 },
}

impl std::fmt::Display for TimeoutHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeoutHint::NoDiscoveryReply => f.write_str(
                "the agent did not answer SNMPv3 engine discovery: check the address and port, that the agent runs and speaks SNMPv3, and any firewall",
            ),
            TimeoutHint::SilentAfterDiscovery {
                engine_id,
                level,
                other_extension,
                context_given,
            } => {
                write!(f, "the agent answered engine discovery (engine ID {engine_id}) but not the request: ")?;
                if *context_given {
                    // Net-SNMP's agent drops requests for a context it does not have.
                    f.write_str("check the context (-n/-E) exists on the agent; else ")?;
                }
                if *level != SecurityLevel::AuthPriv {
                    return f.write_str("it may give this user no access (check the agent's VACM configuration), or drop the request for another reason");
                }
                f.write_str("agents drop requests they cannot decrypt, so the privacy passphrase or protocol (-x/-X) is probably wrong")?;
                if let Some(other) = other_extension {
                    write!(f, "; AES-192/AES-256 keys are extended two ways and the agent may use the other: try -x {other}, or --aes-key-extension auto")?;
                }
                Ok(())
            }
            TimeoutHint::RepliesFailedAuthentication { count } => write!(
                f,
                "{count} replies arrived whose authentication did not verify: the auth passphrase or protocol (-a/-A) is probably wrong, or the replies were tampered with"
            ),
            TimeoutHint::RepliesFailedDecryption { count } => write!(
                f,
                "{count} replies arrived that could not be decrypted: the privacy passphrase or protocol (-x/-X) is probably wrong"
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("no response from {addr} after {attempts} attempts{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Timeout {
        addr: SocketAddr,
        attempts: u32,
        hint: Option<TimeoutHint>,
    },
    #[error("GetBulk is not part of SNMPv1; use -v 2c or -v 3, or a GetNext walk")]
    BulkOnV1,
    #[error("nothing to request: no OIDs given")]
    Empty,
    #[error("InformRequest is not part of SNMPv1; use -v 2c or -v 3")]
    InformOnV1,
    #[error("an SNMPv3 trap needs the sender's own engine ID (-e)")]
    NoSenderEngineId,
    #[error("cannot send {oid}: {source}")]
    BadOid {
        oid: Oid,
        source: crate::proto::oid::OidArcsError,
    },
    #[error("{what} must be 0..2147483647 (RFC 3416); got {value}")]
    BulkOutOfRange { what: &'static str, value: u32 },
    #[error("the request was cancelled")]
    Cancelled,
    #[error("cannot send to {addr}: {source}")]
    Send { addr: SocketAddr, source: SendError },
    /// The agent answered with a Report: what it counted and what that means.
    #[error("{explanation}")]
    Report {
        report: UsmReport,
        explanation: String,
    },
    /// SNMPv3 could not build the request (levels, encryption).
    #[error("{0}")]
    Security(#[source] UsmError),
    /// SNMPv3 keys could not be localized to the agent's engine.
    #[error("{0}")]
    Keys(#[source] KeyError),
    /// SNMPv3: a request was to be built before the agent's engine was known (a bug).
    #[error("the agent's SNMPv3 engine ID is not known: engine discovery did not finish")]
    EngineUnknown,
}

/// Why the socket refused a datagram (no route, say), comparable so that `RequestError`
/// stays `PartialEq`: equal when the kind and the text are.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub Arc<std::io::Error>);

impl PartialEq for SendError {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for SendError {}

impl From<std::io::Error> for SendError {
    fn from(e: std::io::Error) -> Self {
        SendError(Arc::new(e))
    }
}

/// Identifies one operation started with `Engine::start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(pub u64);

/// A datagram to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub dest: SocketAddr,
    pub payload: Vec<u8>,
}

#[derive(Debug)]
pub struct Event {
    pub op: OpId,
    pub result: Result<Response, RequestError>,
}

/// Counters for what the engine saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub requests_sent: u64,
    pub retransmissions: u64,
    pub responses_matched: u64,
    /// A reply whose id is ours but which came from another address.
    pub wrong_source: u64,
    /// A reply for no outstanding request: duplicate, late, or a wrong id.
    pub unmatched: u64,
    /// A datagram that is not a decodable SNMP message.
    pub malformed: u64,
    pub timeouts: u64,
    pub too_big_recoveries: u64,
    /// v3 replies whose HMAC did not verify or that would not decrypt.
    pub security_failures: u64,
    /// v3 replies outside the time window, or at another security level than asked.
    pub untimely: u64,
    pub discoveries: u64,
    pub time_resyncs: u64,
}
