//! What the agent reports back to its driver: the datagrams to send and when, what it did
//! with each datagram (`Event`, `Dropped`), and its counts since it was created.

use std::fmt;
use std::net::SocketAddr;
use std::time::Instant;

use crate::agent::v3::Discarded;
use crate::proto::ber::DecodeError;
use crate::proto::usm::UsmReport;
use crate::proto::{ErrorStatus, PduType, RequestId, Version};

/// A datagram to send at `send_at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub send_at: Instant,
    pub dest: SocketAddr,
    pub payload: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// The loss fault.
    Loss,
    /// The drop-every-Nth fault.
    EveryNth,
    /// Not a decodable SNMP message.
    Malformed(DecodeError),
    /// A version this agent does not speak (v3 without `AgentConfig::usm`, or unknown).
    BadVersion(Version),
    /// A v3 message the v3 layer discarded without a Report.
    V3(Discarded),
    /// A community the agent does not know (snmpInBadCommunityNames).
    BadCommunity(Version),
    /// A PDU the agent does not answer: a Response, a Trap, GetBulk in a v1 message.
    NotARequest(Version, PduType),
    /// The response could not fit in the size limit even as tooBig.
    TooBigToSend(PduType),
}

/// What the agent did with one datagram (the runner logs it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Answered {
        version: Version,
        request: PduType,
        request_id: RequestId,
        varbinds: usize,
        error_status: ErrorStatus,
        /// Datagrams sent for it (0 would be a Dropped event; 2 with a duplicate).
        copies: usize,
    },
    /// A v3 message answered with a Report (discovery, or a security or context failure).
    Reported {
        report: UsmReport,
        /// What was wrong, for the log; never a secret.
        reason: String,
    },
    Dropped(Dropped),
}

impl fmt::Display for Event {
    /// One log line, without the community.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Answered {
                version,
                request,
                request_id,
                varbinds,
                error_status,
                copies,
            } => {
                write!(
                    f,
                    "v{} {} id {request_id}: {varbinds} varbinds, {}",
                    version.name(),
                    request.name(),
                    error_status.name()
                )?;
                if *copies > 1 {
                    write!(f, " (sent {copies} times)")?;
                }
                Ok(())
            }
            Event::Reported { report, reason } => {
                write!(f, "v3 report {}: {reason}", report.name())
            }
            Event::Dropped(d) => match d {
                Dropped::Loss => f.write_str("request dropped (loss fault)"),
                Dropped::EveryNth => f.write_str("request dropped (drop-every fault)"),
                Dropped::Malformed(e) => write!(f, "malformed datagram dropped: {e}"),
                Dropped::BadVersion(v) => {
                    write!(f, "dropped: SNMP version {} is not served", v.code())
                }
                Dropped::V3(d) => match d {
                    Discarded::Malformed(e) => write!(f, "malformed v3 message dropped: {e}"),
                    Discarded::UnknownSecurityModel(m) => {
                        write!(f, "dropped: v3 security model {m} is not USM (3)")
                    }
                    Discarded::InvalidFlags(flags) => {
                        write!(f, "dropped: invalid v3 msgFlags 0x{flags:02x}")
                    }
                    Discarded::Refused(e) => write!(f, "dropped v3 message (no report due): {e}"),
                    Discarded::NotARequest(t) => {
                        write!(
                            f,
                            "dropped: v3 {} is not a request this agent answers",
                            t.name()
                        )
                    }
                },
                Dropped::BadCommunity(v) => {
                    write!(
                        f,
                        "dropped: v{} request with an unknown community",
                        v.name()
                    )
                }
                Dropped::NotARequest(v, t) => {
                    write!(
                        f,
                        "dropped: v{} {} is not a request this agent answers",
                        v.name(),
                        t.name()
                    )
                }
                Dropped::TooBigToSend(t) => {
                    write!(
                        f,
                        "dropped: even a tooBig answer to {} exceeds the size limit",
                        t.name()
                    )
                }
            },
        }
    }
}

/// The outcome of one datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handled {
    pub transmits: Vec<Transmit>,
    pub event: Event,
    /// The agent restarted before answering (the restart fault).
    pub restarted: bool,
}

/// What the agent has seen and done since it was created (restarts do not reset these).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentStats {
    pub datagrams: u64,
    pub answered: u64,
    pub lost: u64,
    pub malformed: u64,
    pub bad_version: u64,
    pub bad_community: u64,
    pub not_requests: u64,
    pub silent_drops: u64,
    pub duplicates_sent: u64,
    pub wrong_ids_sent: u64,
    pub too_big_faults: u64,
    pub restarts: u64,
    /// v3 Reports sent (discovery included).
    pub reports: u64,
    /// v3 messages dropped by the v3 layer without a Report.
    pub v3_discarded: u64,
}
