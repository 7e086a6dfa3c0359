//! What a caller asks for: the target (address, security, timeout, retries) and the
//! operation, with the request PDUs it becomes and the checks it must pass first.

use std::net::SocketAddr;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use super::{RequestError, UsmTarget};
use crate::proto::message::{Community, Version};
use crate::proto::oid::Oid;
use crate::proto::pdu::{Pdu, PduType, RequestId, VarBind};

/// How to talk to one agent.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    pub security: Security,
    /// Wait this long for each transmission's reply (Net-SNMP `-t`).
    pub timeout: Duration,
    /// Retransmit this many times before giving up (Net-SNMP `-r`).
    pub retries: u32,
}

/// Who we are to the agent.
#[derive(Clone, Debug)]
pub enum Security {
    /// SNMPv1 or SNMPv2c with a community string.
    Community {
        version: Version,
        community: Community,
    },
    /// SNMPv3 with the User-based Security Model.
    Usm(Arc<UsmTarget>),
}

impl Security {
    pub fn version(&self) -> Version {
        match self {
            Security::Community { version, .. } => *version,
            Security::Usm(_) => Version::V3,
        }
    }
}

/// GetBulk max-repetitions (RFC 3416 section 4.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MaxRepetitions(pub u32);

/// What to ask an agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    Get(Vec<Oid>),
    GetNext(Vec<Oid>),
    GetBulk {
        non_repeaters: u32,
        max_repetitions: MaxRepetitions,
        oids: Vec<Oid>,
    },
    Set(Vec<VarBind>),
    /// An InformRequest (RFC 3416 section 4.2.7): sysUpTime.0, snmpTrapOID.0, then the
    /// notification's varbinds; done when the receiver's Response comes. Never split.
    Inform(Vec<VarBind>),
}

impl Operation {
    pub(super) fn pdu_type(&self) -> PduType {
        match self {
            Operation::Get(_) => PduType::GetRequest,
            Operation::GetNext(_) => PduType::GetNextRequest,
            Operation::GetBulk { .. } => PduType::GetBulkRequest,
            Operation::Set(_) => PduType::SetRequest,
            Operation::Inform(_) => PduType::InformRequest,
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Operation::Get(o) | Operation::GetNext(o) | Operation::GetBulk { oids: o, .. } => {
                o.len()
            }
            Operation::Set(v) | Operation::Inform(v) => v.len(),
        }
    }

    /// What no agent should be sent: an OID BER cannot carry as written (it would arrive as
    /// another OID), GetBulk counts outside Integer32's 0..2147483647 (RFC 3416 section 3).
    pub fn check(&self) -> Result<(), RequestError> {
        let bad_oid = |oid: &Oid| {
            oid.check_encodable()
                .map_err(|source| RequestError::BadOid {
                    oid: oid.clone(),
                    source,
                })
        };
        match self {
            Operation::Get(o) | Operation::GetNext(o) => o.iter().try_for_each(bad_oid),
            Operation::GetBulk {
                non_repeaters,
                max_repetitions,
                oids,
            } => {
                for (what, n) in [
                    ("non-repeaters", *non_repeaters),
                    ("max-repetitions", max_repetitions.0),
                ] {
                    if i32::try_from(n).is_err() {
                        return Err(RequestError::BulkOutOfRange { what, value: n });
                    }
                }
                oids.iter().try_for_each(bad_oid)
            }
            Operation::Set(v) | Operation::Inform(v) => v.iter().try_for_each(|vb| {
                bad_oid(&vb.oid)?;
                match &vb.value {
                    crate::proto::Value::ObjectId(o) => bad_oid(o),
                    _ => Ok(()),
                }
            }),
        }
    }

    /// The varbinds of `range` as a request PDU.
    pub(super) fn pdu(&self, id: RequestId, range: Range<usize>, max_repetitions: u32) -> Pdu {
        let nulls = |oids: &[Oid]| {
            oids[range.clone()]
                .iter()
                .cloned()
                .map(VarBind::null)
                .collect()
        };
        match self {
            Operation::Get(oids) | Operation::GetNext(oids) => {
                Pdu::request(self.pdu_type(), id, nulls(oids))
            }
            Operation::GetBulk {
                non_repeaters,
                oids,
                ..
            } => Pdu::get_bulk(id, *non_repeaters, max_repetitions, nulls(oids)),
            Operation::Set(vbs) | Operation::Inform(vbs) => {
                Pdu::request(self.pdu_type(), id, vbs[range].to_vec())
            }
        }
    }
}
