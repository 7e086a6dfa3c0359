//! The sans-IO agent: datagrams in, datagrams out, time passed in. It owns two message
//! layers, v1/v2c (RFC 1157 section 4, RFC 1901: version, community, access) and, when
//! `AgentConfig::usm` is set, SNMPv3 (`v3.rs`: USM, contexts, Reports), plus the faults,
//! restarts and the agent's counters; the command responder (`responder.rs`) answers the
//! PDU whichever layer accepted it.
//!
//! Drive it with `handle_datagram(now, from, bytes)`: it returns the datagrams to send and
//! when to send each (a reply can be delayed, duplicated, or not sent at all).
//!
//! Time: sysUpTime and snmpEngineTime both count from the last (re)start. A restart (the
//! `restart` fault, or `restart()`) adds one to the boot count, which is snmpEngineBoots,
//! so a v3 manager's next request falls outside the time window (RFC 3414 section 3.2
//! step 7a): it gets a usmStatsNotInTimeWindows Report with the new boots and time and
//! must re-synchronise, as it would with a real agent that rebooted.

use std::fmt;
use std::net::SocketAddr;
use std::time::Instant;

use super::faults::{Faults, RestartSchedule, SeededRng};
use super::responder::{self, Answer, Request, Rights, Semantics};
use super::snapshot::Snapshot;
use super::store::{ObjectStore, SnmpCounter, StoreOptions};
use super::v3::{Discarded, Refusal, UsmConfig, V3Layer, V3Request};
use crate::proto::ber::DecodeError;
use crate::proto::message::CommunityMessage;
use crate::proto::usm::{EngineTime, UsmReport};
use crate::proto::{Community, ErrorStatus, Message, Pdu, PduBody, PduType, RequestId, Version};

/// The largest UDP payload over IPv4: the most `--max-size` may allow.
pub const MAX_UDP_PAYLOAD: usize = 65_507;

/// The default local limit on a response: what fits an Ethernet frame unfragmented (1500
/// bytes less the IPv4 and UDP headers), so a GetBulk asking for 2^31-1 repetitions gets
/// one datagram of useful size, not 64 KB.
pub const DEFAULT_MAX_SIZE: usize = 1_472;

pub use super::v3::MIN_MAX_SIZE;

/// A community and what it may do.
#[derive(Clone, PartialEq, Eq)]
pub struct CommunityAccess {
    pub community: Community,
    pub rights: Rights,
}

impl fmt::Debug for CommunityAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Community's own Debug redacts the secret.
        write!(f, "{:?} {:?}", self.community, self.rights)
    }
}

/// How many times the agent has booted: 1 at the start, +1 per restart. It is
/// snmpEngineBoots (RFC 3414 section 2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BootCount(pub u32);

/// The largest message the agent sends (its local constraint, RFC 3416 section 4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageSize(pub usize);

#[derive(Clone, Debug)]
pub struct AgentConfig {
    pub communities: Vec<CommunityAccess>,
    /// Speak SNMPv3 with this engine id and these users; None: v3 messages are dropped as
    /// an unsupported version and the engine objects are not served.
    pub usm: Option<UsmConfig>,
    pub max_message_size: MessageSize,
    pub faults: Faults,
    /// Seeds the fault generator: the same seed and requests give the same faults.
    pub seed: u64,
}

impl Default for AgentConfig {
    /// `public` read-only, `private` read-write, no faults.
    fn default() -> Self {
        AgentConfig {
            communities: vec![
                CommunityAccess {
                    community: Community::new("public"),
                    rights: Rights::ReadOnly,
                },
                CommunityAccess {
                    community: Community::new("private"),
                    rights: Rights::ReadWrite,
                },
            ],
            usm: None,
            max_message_size: MessageSize(DEFAULT_MAX_SIZE),
            faults: Faults::default(),
            seed: 1,
        }
    }
}

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

/// The size of the message that would carry a response PDU.
type EncodedLen<'a> = Box<dyn Fn(&Pdu) -> usize + 'a>;

/// How the response to an accepted request is wrapped.
enum Reply {
    Community {
        version: Version,
        community: Community,
    },
    V3(Box<V3Request>),
}

impl Reply {
    fn version(&self) -> Version {
        match self {
            Reply::Community { version, .. } => *version,
            Reply::V3(_) => Version::V3,
        }
    }
}

/// A request a message layer accepted, for the responder.
struct Accepted {
    reply: Reply,
    semantics: Semantics,
    /// None: no access at all at this security level (authorizationError).
    rights: Option<Rights>,
    pdu: Pdu,
}

/// What a message layer made of a datagram.
enum Incoming {
    Request(Accepted),
    /// A v3 Report to send back instead of an answer.
    Report {
        payload: Vec<u8>,
        report: UsmReport,
        reason: String,
    },
}

/// The simulated agent, without sockets.
pub struct Agent {
    store: ObjectStore,
    config: AgentConfig,
    rng: SeededRng,
    stats: AgentStats,
    boots: BootCount,
    /// Requests answered since the last restart, for `RestartSchedule::AfterRequests`.
    answered_since_boot: u64,
    v3: Option<V3Layer>,
}

impl Agent {
    /// An agent serving `store`, which was built (booted) at the agent's start.
    pub fn new(mut store: ObjectStore, config: AgentConfig) -> Agent {
        let boots = BootCount(1);
        let v3 = config.usm.as_ref().map(|usm| {
            let layer = V3Layer::new(usm, boots.0, config.max_message_size.0, config.seed as u32);
            store.add_engine_objects(layer.engine_values());
            layer
        });
        Agent {
            store,
            rng: SeededRng::new(config.seed),
            config,
            stats: AgentStats::default(),
            boots,
            answered_since_boot: 0,
            v3,
        }
    }

    /// An agent serving `snapshot`, started at `now`.
    pub fn from_snapshot(
        snapshot: &Snapshot,
        options: &StoreOptions,
        config: AgentConfig,
        now: Instant,
    ) -> Agent {
        Agent::new(ObjectStore::build(snapshot, options, now), config)
    }

    pub fn stats(&self) -> AgentStats {
        self.stats
    }

    pub fn boots(&self) -> BootCount {
        self.boots
    }

    pub fn store(&self) -> &ObjectStore {
        &self.store
    }

    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    /// The v3 layer, when the agent speaks v3.
    pub fn v3(&self) -> Option<&V3Layer> {
        self.v3.as_ref()
    }

    /// snmpEngineTime at `now` (seconds since the last restart).
    pub fn engine_time(&self, now: Instant) -> EngineTime {
        EngineTime(self.store.engine_time(now))
    }

    /// Restarts now: sysUpTime, counters and the snmp group from 0, one more boot.
    pub fn restart(&mut self, now: Instant) {
        self.restart_times(now, 1);
    }

    /// `times` restarts, the last one at `at`.
    fn restart_times(&mut self, at: Instant, times: u32) {
        self.store.restart(at);
        self.boots = BootCount(self.boots.0.saturating_add(times));
        self.stats.restarts += u64::from(times);
        self.answered_since_boot = 0;
        if let Some(v3) = &mut self.v3 {
            v3.reboot(self.boots.0);
            self.store.set_engine_values(v3.engine_values());
        }
    }

    /// Handles one datagram that arrived at `now` from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) -> Handled {
        self.stats.datagrams += 1;
        let restarted = self.restart_on_schedule(now);
        let answered = self
            .lose_on_the_way_in()
            .and_then(|()| {
                self.store.snmp_mut().bump(SnmpCounter::InPkts);
                self.accept_message(now, bytes)
            })
            .and_then(|incoming| match incoming {
                Incoming::Request(request) => self.answer(now, from, request),
                Incoming::Report {
                    payload,
                    report,
                    reason,
                } => Ok(self.send_report(now, from, payload, report, reason)),
            });
        match answered {
            Ok((transmits, event)) => Handled {
                transmits,
                event,
                restarted,
            },
            Err(dropped) => {
                self.count_drop(&dropped);
                Handled {
                    transmits: Vec::new(),
                    event: Event::Dropped(dropped),
                    restarted,
                }
            }
        }
    }

    /// `RestartSchedule::Every`: the restarts happened on schedule, whether or not anyone
    /// was asking then. True when there was one since the last datagram.
    fn restart_on_schedule(&mut self, now: Instant) -> bool {
        let Some(RestartSchedule::Every(period)) = self.config.faults.restart else {
            return false;
        };
        let since = now.saturating_duration_since(self.store.booted());
        if period.is_zero() || since < period {
            return false;
        }
        let missed = (since.as_nanos() / period.as_nanos()).min(u128::from(u32::MAX)) as u32;
        let last = self.store.booted() + period * missed;
        self.restart_times(last, missed);
        true
    }

    /// The faults that lose a request before the agent reads it.
    fn lose_on_the_way_in(&mut self) -> Result<(), Dropped> {
        let nth = self.config.faults.drop_every;
        if nth.is_some_and(|n| self.stats.datagrams % n.get() == 0) {
            return Err(Dropped::EveryNth);
        }
        if self.rng.chance(self.config.faults.loss) {
            return Err(Dropped::Loss);
        }
        Ok(())
    }

    /// Decodes the datagram and hands it to its message layer.
    fn accept_message(&mut self, now: Instant, bytes: &[u8]) -> Result<Incoming, Dropped> {
        let message = Message::decode(bytes).map_err(Dropped::Malformed)?.0;
        match message {
            Message::Community(m) => self.accept_community_message(m).map(Incoming::Request),
            Message::V3(_) => self.accept_v3_message(now, bytes),
        }
    }

    /// The v3 message layer (`v3.rs`): USM, then the PDU class, context and access.
    fn accept_v3_message(&mut self, now: Instant, bytes: &[u8]) -> Result<Incoming, Dropped> {
        let time = self.engine_time(now);
        let Some(v3) = &mut self.v3 else {
            return Err(Dropped::BadVersion(Version::V3));
        };
        match v3.accept(bytes, time) {
            Ok(request) => Ok(Incoming::Request(Accepted {
                semantics: Semantics::V2,
                rights: request.rights,
                pdu: request.pdu.clone(),
                reply: Reply::V3(Box::new(request)),
            })),
            Err(Refusal::Reported {
                report,
                payload,
                reason,
            }) => Ok(Incoming::Report {
                payload,
                report,
                reason,
            }),
            Err(Refusal::Discarded(Discarded::Malformed(e))) => Err(Dropped::Malformed(e)),
            Err(Refusal::Discarded(Discarded::NotARequest(kind))) => {
                Err(Dropped::NotARequest(Version::V3, kind))
            }
            Err(Refusal::Discarded(other)) => Err(Dropped::V3(other)),
        }
    }

    /// The v1/v2c message layer (RFC 1157 section 4, RFC 1901, RFC 3584 section 5.2.1):
    /// check the version and the community, find the PDU.
    fn accept_community_message(&mut self, message: CommunityMessage) -> Result<Accepted, Dropped> {
        let CommunityMessage {
            version,
            community,
            pdu,
        } = message;
        let semantics = match version {
            Version::V1 => Semantics::V1,
            Version::V2c => Semantics::V2,
            other => return Err(Dropped::BadVersion(other)),
        };
        let rights = self
            .config
            .communities
            .iter()
            .find(|c| c.community == community)
            .map(|c| c.rights)
            .ok_or(Dropped::BadCommunity(version))?;
        let PduBody::Pdu(pdu) = pdu else {
            return Err(Dropped::NotARequest(version, PduType::TrapV1));
        };
        Ok(Accepted {
            reply: Reply::Community { version, community },
            semantics,
            rights: Some(rights),
            pdu,
        })
    }

    /// A v3 Report, after the delay faults (Reports are never duplicated or mangled).
    fn send_report(
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
    fn answer(
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
    fn count_drop(&mut self, dropped: &Dropped) {
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

fn community_message(version: Version, community: &Community, pdu: Pdu) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version,
        community: community.clone(),
        pdu: PduBody::Pdu(pdu),
    })
    .encode()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use std::num::NonZeroU64;

    use super::*;
    use crate::agent::faults::{NonIncreasing, Probability};
    use crate::proto::{Oid, Value, VarBind};

    const SNAPSHOT: &str = r#"
.1.3.6.1.2.1.1.1.0 STRING "test switch"
.1.3.6.1.2.1.1.3.0 Timeticks uptime
.1.3.6.1.2.1.1.5.0 STRING "sw1"
.1.3.6.1.2.1.2.2.1.10.1 Counter32 100 rate=10
.1.3.6.1.2.1.11.1.0 Counter32 0
.1.3.6.1.2.1.11.4.0 Counter32 0
.1.3.6.1.2.1.11.6.0 Counter32 0
"#;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn manager() -> SocketAddr {
        "127.0.0.1:50000".parse().unwrap()
    }

    fn agent(config: AgentConfig, t0: Instant) -> Agent {
        Agent::from_snapshot(
            &Snapshot::parse(SNAPSHOT, "t").unwrap(),
            &StoreOptions::default(),
            config,
            t0,
        )
    }

    fn get(version: Version, community: &str, id: i64, oids: &[&str]) -> Vec<u8> {
        let pdu = Pdu::request(
            PduType::GetRequest,
            RequestId(id),
            oids.iter().map(|o| VarBind::null(oid(o))).collect(),
        );
        community_message(version, &Community::new(community), pdu)
    }

    fn decode(t: &Transmit) -> (Version, Pdu) {
        match Message::decode(&t.payload).unwrap().0 {
            Message::Community(CommunityMessage {
                version,
                pdu: PduBody::Pdu(p),
                ..
            }) => (version, p),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_v1_and_v2c_to_the_sender_in_kind() {
        let t0 = Instant::now();
        let mut a = agent(AgentConfig::default(), t0);
        for version in [Version::V1, Version::V2c] {
            let h = a.handle_datagram(
                t0,
                manager(),
                &get(version, "public", 42, &["1.3.6.1.2.1.1.5.0"]),
            );
            assert_eq!(h.transmits.len(), 1);
            let t = &h.transmits[0];
            assert_eq!((t.dest, t.send_at), (manager(), t0));
            let (v, p) = decode(t);
            assert_eq!(v, version);
            assert_eq!(p.request_id, RequestId(42));
            assert_eq!(p.varbinds[0].value, Value::OctetString(b"sw1".to_vec()));
            assert!(matches!(h.event, Event::Answered { copies: 1, .. }));
        }
        assert_eq!(a.stats().answered, 2);
    }

    #[test]
    fn wrong_community_is_counted_not_answered_and_not_logged() {
        let t0 = Instant::now();
        let mut a = agent(AgentConfig::default(), t0);
        let h = a.handle_datagram(
            t0,
            manager(),
            &get(Version::V2c, "s3cret-guess", 1, &["1.3.6.1.2.1.1.5.0"]),
        );
        assert!(h.transmits.is_empty());
        assert_eq!(h.event, Event::Dropped(Dropped::BadCommunity(Version::V2c)));
        assert!(!h.event.to_string().contains("s3cret"));
        assert_eq!(a.stats().bad_community, 1);
        // snmpInBadCommunityNames and snmpInPkts are visible over SNMP.
        let h = a.handle_datagram(
            t0,
            manager(),
            &get(
                Version::V2c,
                "public",
                2,
                &["1.3.6.1.2.1.11.4.0", "1.3.6.1.2.1.11.1.0"],
            ),
        );
        let (_, p) = decode(&h.transmits[0]);
        assert_eq!(p.varbinds[0].value, Value::Counter32(1));
        assert_eq!(p.varbinds[1].value, Value::Counter32(2));
        // Community strings stay out of Debug output too.
        assert!(!format!("{:?}", a.config()).contains("private"));
    }

    #[test]
    fn malformed_and_unsupported_datagrams_are_dropped_with_a_reason() {
        let t0 = Instant::now();
        let mut a = agent(AgentConfig::default(), t0);
        let h = a.handle_datagram(t0, manager(), b"\x30\x03\x02\x01");
        assert!(h.transmits.is_empty());
        let Event::Dropped(Dropped::Malformed(e)) = &h.event else {
            panic!("{:?}", h.event)
        };
        assert!(
            h.event
                .to_string()
                .starts_with("malformed datagram dropped: "),
            "{e}"
        );
        // A v1 GetBulk is not a v1 PDU.
        let bulk = community_message(
            Version::V1,
            &Community::new("public"),
            Pdu::get_bulk(RequestId(3), 0, 5, vec![VarBind::null(oid("1.3"))]),
        );
        let h = a.handle_datagram(t0, manager(), &bulk);
        assert_eq!(
            h.event,
            Event::Dropped(Dropped::NotARequest(Version::V1, PduType::GetBulkRequest))
        );
        // A Response sent to the agent.
        let resp = community_message(
            Version::V2c,
            &Community::new("public"),
            Pdu::request(PduType::Response, RequestId(4), vec![]),
        );
        assert!(a.handle_datagram(t0, manager(), &resp).transmits.is_empty());
        // v3 without `AgentConfig::usm` is not served.
        let v3 = [
            0x30, 0x3e, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x16, 0xf8, 0xa4, 0x34, 0x02,
            0x03, 0x00, 0xff, 0xe3, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03, 0x04, 0x10, 0x30, 0x0e,
            0x04, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00,
            0x30, 0x14, 0x04, 0x00, 0x04, 0x00, 0xa0, 0x0e, 0x02, 0x04, 0x3f, 0xfd, 0xef, 0xcb,
            0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
        ];
        let h = a.handle_datagram(t0, manager(), &v3);
        assert_eq!(h.event, Event::Dropped(Dropped::BadVersion(Version::V3)));
        let s = a.stats();
        assert_eq!(
            (s.malformed, s.not_requests, s.bad_version, s.answered),
            (1, 2, 1, 0)
        );
    }

    #[test]
    fn garbage_never_panics() {
        let t0 = Instant::now();
        let mut a = agent(AgentConfig::default(), t0);
        let good = get(
            Version::V2c,
            "public",
            9,
            &["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.1.0"],
        );
        let mut rng = SeededRng::new(99);
        for n in 0..good.len() {
            a.handle_datagram(t0, manager(), &good[..n]);
        }
        for _ in 0..20_000 {
            let h = a.handle_datagram(t0, manager(), &rng.mangle(&good));
            assert!(h.transmits.len() <= 1);
        }
        for len in [0usize, 1, 2, 100, 2000] {
            let noise: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            a.handle_datagram(t0, manager(), &noise);
        }
    }

    #[test]
    fn loss_is_seeded_and_about_the_asked_rate() {
        let t0 = Instant::now();
        let run = |seed: u64| {
            let config = AgentConfig {
                faults: Faults {
                    loss: Probability::percent(20.0).unwrap(),
                    ..Faults::default()
                },
                seed,
                ..AgentConfig::default()
            };
            let mut a = agent(config, t0);
            (0..1000)
                .map(|i| {
                    a.handle_datagram(
                        t0,
                        manager(),
                        &get(Version::V2c, "public", i, &["1.3.6.1.2.1.1.5.0"]),
                    )
                    .transmits
                    .is_empty()
                })
                .collect::<Vec<bool>>()
        };
        let a = run(5);
        assert_eq!(a, run(5));
        assert_ne!(a, run(6));
        let lost = a.iter().filter(|l| **l).count();
        assert!((150..250).contains(&lost), "{lost}");
    }

    #[test]
    fn drop_every_nth() {
        let t0 = Instant::now();
        let config = AgentConfig {
            faults: Faults {
                drop_every: NonZeroU64::new(3),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let answered: Vec<bool> = (0..9)
            .map(|i| {
                !a.handle_datagram(
                    t0,
                    manager(),
                    &get(Version::V2c, "public", i, &["1.3.6.1.2.1.1.5.0"]),
                )
                .transmits
                .is_empty()
            })
            .collect();
        assert_eq!(
            answered,
            [true, true, false, true, true, false, true, true, false]
        );
    }

    #[test]
    fn delay_jitter_duplicates_and_wrong_ids() {
        let t0 = Instant::now();
        let config = AgentConfig {
            faults: Faults {
                delay: Duration::from_millis(200),
                jitter: Duration::from_millis(50),
                duplicate: Probability::ALWAYS,
                wrong_request_id: Probability::percent(50.0).unwrap(),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let mut wrong = 0;
        for id in 1..=200 {
            let h = a.handle_datagram(
                t0,
                manager(),
                &get(Version::V2c, "public", id, &["1.3.6.1.2.1.1.5.0"]),
            );
            assert_eq!(h.transmits.len(), 2);
            assert_eq!(h.transmits[0], h.transmits[1]);
            let at = h.transmits[0].send_at - t0;
            assert!(
                at >= Duration::from_millis(200) && at <= Duration::from_millis(250),
                "{at:?}"
            );
            let (_, p) = decode(&h.transmits[0]);
            if p.request_id != RequestId(id) {
                wrong += 1;
                assert!(p.request_id.0 > 0 && p.request_id.0 <= i64::from(i32::MAX));
                assert!((p.request_id.0 - id).abs() > 1000);
            }
        }
        assert!((70..130).contains(&wrong), "{wrong}");
        assert_eq!(a.stats().wrong_ids_sent, wrong);
        assert_eq!(a.stats().duplicates_sent, 200);
    }

    #[test]
    fn too_big_fault_refuses_large_responses_even_for_get_bulk() {
        let t0 = Instant::now();
        let config = AgentConfig {
            faults: Faults {
                too_big_above: Some(120),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let bulk = |n: u32| {
            community_message(
                Version::V2c,
                &Community::new("public"),
                Pdu::get_bulk(RequestId(5), 0, n, vec![VarBind::null(oid("1.3"))]),
            )
        };
        let (_, p) = decode(&a.handle_datagram(t0, manager(), &bulk(10)).transmits[0]);
        assert_eq!((p.error_status, p.varbinds.len()), (ErrorStatus::TooBig, 0));
        let (_, p) = decode(&a.handle_datagram(t0, manager(), &bulk(1)).transmits[0]);
        assert_eq!(
            (p.error_status, p.varbinds.len()),
            (ErrorStatus::NoError, 1)
        );
        assert_eq!(a.stats().too_big_faults, 1);
    }

    #[test]
    fn max_message_size_truncates_bulk_and_refuses_get() {
        let t0 = Instant::now();
        let config = AgentConfig {
            max_message_size: MessageSize(120),
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let bulk = community_message(
            Version::V2c,
            &Community::new("public"),
            Pdu::get_bulk(RequestId(5), 0, 10, vec![VarBind::null(oid("1.3"))]),
        );
        let t = &a.handle_datagram(t0, manager(), &bulk).transmits[0];
        assert!(t.payload.len() <= 120);
        let (_, p) = decode(t);
        assert_eq!(p.error_status, ErrorStatus::NoError);
        assert!(
            !p.varbinds.is_empty() && p.varbinds.len() < 7,
            "{}",
            p.varbinds.len()
        );
        let big_get = get(
            Version::V2c,
            "public",
            6,
            &[
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.1.3.0",
                "1.3.6.1.2.1.11.1.0",
            ]
            .repeat(2),
        );
        let (_, p) = decode(&a.handle_datagram(t0, manager(), &big_get).transmits[0]);
        assert_eq!(p.error_status, ErrorStatus::TooBig);
    }

    #[test]
    fn restarts_by_request_count_and_by_time() {
        let t0 = Instant::now();
        let uptime = |a: &mut Agent, now: Instant| {
            let h = a.handle_datagram(
                now,
                manager(),
                &get(
                    Version::V2c,
                    "public",
                    1,
                    &["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.2.1.10.1"],
                ),
            );
            let (_, p) = decode(&h.transmits[0]);
            (
                p.varbinds[0].value.clone(),
                p.varbinds[1].value.clone(),
                h.restarted,
            )
        };
        let config = AgentConfig {
            faults: Faults {
                restart: Some(RestartSchedule::AfterRequests(NonZeroU64::new(2).unwrap())),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(uptime(&mut a, t1).0, Value::TimeTicks(1000));
        assert_eq!(uptime(&mut a, t1).1, Value::Counter32(200));
        // The second answer restarted the agent at t1.
        let t2 = t1 + Duration::from_secs(1);
        assert_eq!(
            uptime(&mut a, t2),
            (Value::TimeTicks(100), Value::Counter32(10), false)
        );
        assert_eq!(a.boots(), BootCount(2));

        let config = AgentConfig {
            faults: Faults {
                restart: Some(RestartSchedule::Every(Duration::from_secs(30))),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        assert_eq!(
            uptime(&mut a, t0 + Duration::from_secs(29)).0,
            Value::TimeTicks(2900)
        );
        // The restart happened at 30 s: one second of uptime and counting since.
        let (ticks, counter, restarted) = uptime(&mut a, t0 + Duration::from_secs(31));
        assert_eq!(
            (ticks, counter, restarted),
            (Value::TimeTicks(100), Value::Counter32(10), true)
        );
        assert_eq!(a.stats().restarts, 1);
        // Nobody asked for a while: the restarts at 60 s and 90 s both happened.
        let (ticks, _, restarted) = uptime(&mut a, t0 + Duration::from_secs(95));
        assert_eq!((ticks, restarted), (Value::TimeTicks(500), true));
        assert_eq!(a.boots(), BootCount(4));
        a.restart(t0 + Duration::from_secs(96));
        assert_eq!(a.boots(), BootCount(5));
    }

    #[test]
    fn non_increasing_fault_reaches_get_next() {
        let t0 = Instant::now();
        let config = AgentConfig {
            faults: Faults {
                non_increasing: Some(NonIncreasing {
                    from: oid("1.3.6.1.2.1.1.5.0"),
                    back_to: None,
                }),
                ..Faults::default()
            },
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        let next = community_message(
            Version::V2c,
            &Community::new("public"),
            Pdu::request(
                PduType::GetNextRequest,
                RequestId(8),
                vec![VarBind::null(oid("1.3.6.1.2.1.1.3.0"))],
            ),
        );
        let (_, p) = decode(&a.handle_datagram(t0, manager(), &next).transmits[0]);
        assert_eq!(p.varbinds[0].oid, oid("1.3.6.1.2.1.1.3.0"));
    }
}
