//! From an accepted request to the datagrams that carry its answer: the responder, the
//! tooBig and reply faults (delay, jitter, duplicates, wrong request-ids), v3 Reports, and
//! the agent's and the snmp group's counters (RFC 1213 section 6.11).

use std::net::SocketAddr;
use std::time::Instant;

use super::{Agent, Dropped, Event, Transmit};
use crate::agent::faults::RestartSchedule;
use crate::agent::responder::{self, Answer, Request, Rights, Semantics};
use crate::agent::store::SnmpCounter;
use crate::agent::v3::{Discarded, V3Request};
use crate::proto::message::CommunityMessage;
use crate::proto::usm::UsmReport;
use crate::proto::{Community, ErrorStatus, Message, Pdu, PduBody, PduType, RequestId, Version};

/// The size of the message that would carry a response PDU.
type EncodedLen<'a> = Box<dyn Fn(&Pdu) -> usize + 'a>;

/// How the response to an accepted request is wrapped.
pub(super) enum Reply {
    Community {
        version: Version,
        community: Community,
    },
    V3(Box<V3Request>),
}

impl Reply {
    pub(super) fn version(&self) -> Version {
        match self {
            Reply::Community { version, .. } => *version,
            Reply::V3(_) => Version::V3,
        }
    }
}

/// A request a message layer accepted, for the responder.
pub(super) struct Accepted {
    pub(super) reply: Reply,
    pub(super) semantics: Semantics,
    /// None: no access at all at this security level (authorizationError).
    pub(super) rights: Option<Rights>,
    pub(super) pdu: Pdu,
}

/// What a message layer made of a datagram.
pub(super) enum Incoming {
    Request(Accepted),
    /// A v3 Report to send back instead of an answer.
    Report {
        payload: Vec<u8>,
        report: UsmReport,
        reason: String,
    },
}

impl Agent {
    /// A v3 Report, after the delay faults (Reports are never duplicated or mangled).
    pub(super) fn send_report(
        &mut self,
        now: Instant,
        dest: SocketAddr,
        payload: Vec<u8>,
        report: UsmReport,
        reason: String,
    ) -> (Vec<Transmit>, Event) {
        let faults = &self.config.faults;
        let send_at = now + faults.delay + self.rng.duration_up_to(faults.jitter);
        self.stats.reports += 1;
        self.store.snmp_mut().bump(SnmpCounter::OutPkts);
        (
            vec![Transmit {
                send_at,
                dest,
                payload,
            }],
            Event::Reported { report, reason },
        )
    }

    /// Answers an accepted request: the responder, the tooBig fault, the reply faults.
    pub(super) fn answer(
        &mut self,
        now: Instant,
        from: SocketAddr,
        request: Accepted,
    ) -> Result<(Vec<Transmit>, Event), Dropped> {
        let Accepted {
            reply,
            semantics,
            rights,
            pdu,
        } = request;
        let version = reply.version();
        let snmp = self.store.snmp_mut();
        match pdu.kind {
            PduType::GetRequest => snmp.bump(SnmpCounter::InGetRequests),
            PduType::GetNextRequest => snmp.bump(SnmpCounter::InGetNexts),
            PduType::SetRequest => snmp.bump(SnmpCounter::InSetRequests),
            _ => {}
        }
        if let Some(v3) = &self.v3 {
            self.store.set_engine_values(v3.engine_values());
        }
        let time = self.engine_time(now);
        let local_limit = self.config.max_message_size.0;
        let v3 = self.v3.as_ref();
        let (max_size, encoded_len): (usize, EncodedLen<'_>) = match &reply {
            Reply::Community { version, community } => (
                local_limit,
                Box::new(move |p: &Pdu| community_message(*version, community, p.clone()).len()),
            ),
            Reply::V3(request) => match v3 {
                Some(v3) => (
                    v3.max_response_size(request, local_limit),
                    Box::new(move |p: &Pdu| v3.response_len(request, time, p)),
                ),
                None => return Err(Dropped::BadVersion(Version::V3)),
            },
        };
        let answer = match rights {
            Some(rights) => {
                let responder_request = Request {
                    pdu: &pdu,
                    semantics,
                    rights,
                    now,
                    max_size,
                };
                let non_increasing = self.config.faults.non_increasing.as_ref();
                responder::respond(
                    &mut self.store,
                    &responder_request,
                    &encoded_len,
                    non_increasing,
                )
            }
            // RFC 3413 section 3.2 step 3: access denied before any object is looked at.
            None => Answer::Response(pdu.response(
                ErrorStatus::AuthorizationError,
                0,
                pdu.varbinds.clone(),
            )),
        };
        let mut response = match answer {
            Answer::Response(p) => p,
            Answer::NotARequest => return Err(Dropped::NotARequest(version, pdu.kind)),
            Answer::SilentDrop => return Err(Dropped::TooBigToSend(pdu.kind)),
        };
        // The tooBig fault: a response over the limit is refused, whatever the request.
        if let Some(limit) = self.config.faults.too_big_above {
            if response.error_status != ErrorStatus::TooBig && encoded_len(&response) > limit {
                self.stats.too_big_faults += 1;
                match responder::too_big(&pdu, semantics, max_size, &encoded_len) {
                    Answer::Response(p) => response = p,
                    _ => return Err(Dropped::TooBigToSend(pdu.kind)),
                }
            }
        }
        drop(encoded_len);
        self.count_response(&pdu, &response);
        let (varbinds, error_status) = (response.varbinds.len(), response.error_status);
        let transmits = self.send(now, from, &reply, response)?;
        let event = Event::Answered {
            version,
            request: pdu.kind,
            request_id: pdu.request_id,
            varbinds,
            error_status,
            copies: transmits.len(),
        };
        self.stats.answered += 1;
        self.answered_since_boot += 1;
        if let Some(RestartSchedule::AfterRequests(n)) = self.config.faults.restart {
            if self.answered_since_boot >= n.get() {
                self.restart(now);
            }
        }
        Ok((transmits, event))
    }

    /// The agent's counts and the snmp group's for a datagram that got no answer.
    pub(super) fn count_drop(&mut self, dropped: &Dropped) {
        let snmp = self.store.snmp_mut();
        match dropped {
            Dropped::Loss | Dropped::EveryNth => self.stats.lost += 1,
            Dropped::Malformed(_) => {
                snmp.bump(SnmpCounter::InAsnParseErrs);
                self.stats.malformed += 1;
            }
            Dropped::BadVersion(_) => {
                snmp.bump(SnmpCounter::InBadVersions);
                self.stats.bad_version += 1;
            }
            Dropped::BadCommunity(_) => {
                snmp.bump(SnmpCounter::InBadCommunityNames);
                self.stats.bad_community += 1;
            }
            Dropped::NotARequest(..) => self.stats.not_requests += 1,
            Dropped::V3(_) => self.stats.v3_discarded += 1,
            Dropped::TooBigToSend(_) => {
                snmp.bump(SnmpCounter::SilentDrops);
                self.stats.silent_drops += 1;
            }
        }
    }

    /// The snmp group's response counters (RFC 1213 section 6.11).
    fn count_response(&mut self, request: &Pdu, response: &Pdu) {
        let snmp = self.store.snmp_mut();
        snmp.bump(SnmpCounter::OutPkts);
        snmp.bump(SnmpCounter::OutGetResponses);
        let n = response.varbinds.len() as u64;
        match response.error_status {
            ErrorStatus::NoError if request.kind == PduType::SetRequest => {
                snmp.add(SnmpCounter::InTotalSetVars, n);
            }
            ErrorStatus::NoError => snmp.add(SnmpCounter::InTotalReqVars, n),
            ErrorStatus::TooBig => snmp.bump(SnmpCounter::OutTooBigs),
            ErrorStatus::NoSuchName => snmp.bump(SnmpCounter::OutNoSuchNames),
            ErrorStatus::BadValue => snmp.bump(SnmpCounter::OutBadValues),
            ErrorStatus::GenErr => snmp.bump(SnmpCounter::OutGenErrs),
            _ => {}
        }
    }

    /// The datagrams that carry `response`, after the reply faults.
    fn send(
        &mut self,
        now: Instant,
        dest: SocketAddr,
        reply: &Reply,
        mut response: Pdu,
    ) -> Result<Vec<Transmit>, Dropped> {
        let faults = &self.config.faults;
        if self.rng.chance(faults.wrong_request_id) {
            response.request_id = wrong_request_id(response.request_id);
            self.stats.wrong_ids_sent += 1;
        }
        let send_at = now + faults.delay + self.rng.duration_up_to(faults.jitter);
        let payload = match reply {
            Reply::Community { version, community } => {
                community_message(*version, community, response)
            }
            Reply::V3(request) => {
                let time = self.engine_time(now);
                let Some(v3) = &mut self.v3 else {
                    return Err(Dropped::BadVersion(Version::V3));
                };
                v3.respond(request, time, response)
                    .map_err(|e| Dropped::V3(Discarded::Refused(e)))?
            }
        };
        let mut out = vec![Transmit {
            send_at,
            dest,
            payload,
        }];
        if self.rng.chance(self.config.faults.duplicate) {
            self.stats.duplicates_sent += 1;
            out.push(out[0].clone());
        }
        Ok(out)
    }
}

/// A request-id that is not the one asked for: far from it, so it cannot be mistaken for a
/// neighbouring request of the same manager.
fn wrong_request_id(id: RequestId) -> RequestId {
    let wrong = (id.0.wrapping_add(0x2000_0000)) & 0x7fff_ffff;
    RequestId(if wrong == id.0 || wrong == 0 {
        id.0 ^ 0x5a5a
    } else {
        wrong
    })
}

pub(super) fn community_message(version: Version, community: &Community, pdu: Pdu) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version,
        community: community.clone(),
        pdu: PduBody::Pdu(pdu),
    })
    .encode()
}
