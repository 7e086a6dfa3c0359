//! The request engine, sans-IO: it owns request ids (and v3 msgIDs), timeouts and retries,
//! matches each reply by id *and* by the address the request went to, drops duplicates and
//! late replies, and recovers from tooBig (a Get/GetNext/Set is split in halves, a GetBulk
//! is retried with fewer repetitions). For SNMPv3 it discovers each agent's engine id, keeps
//! its boots/time, resynchronises after a reboot, and turns Reports and silences into
//! explanations (module `v3`).
//!
//! Driving it (as `net::driver` does, or a test with a simulated clock):
//! `start(now, target, op)` queues a request; `poll_transmit()` yields datagrams to send;
//! `handle_datagram(now, from, bytes)` feeds replies; `handle_timeout(now)` fires at
//! `poll_timeout()`; `poll_event()` yields each finished operation. An operation started
//! with `start_observed` also reports what happens on the way (`poll_progress()`: each
//! transmission and retry, engine discovery, resynchronisation, tooBig recovery), and
//! `cancel(op)` abandons one whose caller went away: nothing of it is sent again.

mod progress;
mod v3;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ber::Quirks;
use super::message::{CommunityMessage, Message, MsgId, Version};
use super::oid::Oid;
use super::pdu::{ErrorStatus, Pdu, PduBody, PduType, RequestId, VarBind};
use super::usm::{EngineId, KeyError, PrivProtocol, SecurityLevel, UsmError, UsmReport};

pub use progress::{Progress, ProgressEvent, TooBigRecovery};
pub use v3::{KeyExtensionPolicy, UsmTarget};

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
        community: super::message::Community,
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
    fn pdu_type(&self) -> PduType {
        match self {
            Operation::Get(_) => PduType::GetRequest,
            Operation::GetNext(_) => PduType::GetNextRequest,
            Operation::GetBulk { .. } => PduType::GetBulkRequest,
            Operation::Set(_) => PduType::SetRequest,
            Operation::Inform(_) => PduType::InformRequest,
        }
    }

    fn len(&self) -> usize {
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
    fn pdu(&self, id: RequestId, range: Range<usize>, max_repetitions: u32) -> Pdu {
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

/// What an outstanding request is for.
#[derive(Clone, Debug)]
enum Purpose {
    /// Part `range` of an operation's varbinds.
    Part {
        op: OpId,
        range: Range<usize>,
        max_repetitions: u32,
    },
    /// SNMPv3 engine discovery for the peer at this address.
    Discovery,
}

/// One request on the wire.
struct Inflight {
    purpose: Purpose,
    dest: SocketAddr,
    /// The request PDU, encoded anew for each transmission.
    pdu: Pdu,
    /// v3: every msgID this request went out with (a new one per transmission).
    msg_ids: Vec<MsgId>,
    deadline: Instant,
    attempts: u32,
    /// v3: time-window resynchronisations and re-discoveries done for this request.
    resyncs: u8,
}

impl Inflight {
    fn op(&self) -> Option<OpId> {
        match self.purpose {
            Purpose::Part { op, .. } => Some(op),
            Purpose::Discovery => None,
        }
    }
}

struct OpState {
    target: Arc<Target>,
    op: Operation,
    /// Finished parts, keyed by their first varbind index.
    done: Vec<(usize, Vec<VarBind>)>,
    outstanding: usize,
    quirks: Quirks,
    from: SocketAddr,
    notices: Vec<Notice>,
    v3: v3::OpSecurity,
    /// Started with `start_observed`: report progress events.
    observed: bool,
}

pub struct Engine {
    next_request_id: u32,
    next_msg_id: u32,
    next_op: u64,
    ops: HashMap<OpId, OpState>,
    inflight: HashMap<RequestId, Inflight>,
    by_msg_id: HashMap<MsgId, RequestId>,
    deadlines: BTreeSet<(Instant, RequestId)>,
    peers: HashMap<SocketAddr, v3::Peer>,
    salt: super::usm::SaltCounter,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    progress: VecDeque<ProgressEvent>,
    stats: EngineStats,
}

impl Engine {
    /// `seed` picks the first request id, msgID and privacy salt, so separate runs do not
    /// reuse them.
    pub fn new(seed: u32) -> Self {
        Engine {
            next_request_id: seed,
            next_msg_id: seed.rotate_left(16),
            next_op: 1,
            ops: HashMap::new(),
            inflight: HashMap::new(),
            by_msg_id: HashMap::new(),
            deadlines: BTreeSet::new(),
            peers: HashMap::new(),
            salt: super::usm::SaltCounter::new(u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            progress: VecDeque::new(),
            stats: EngineStats::default(),
        }
    }

    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// Operations not yet finished.
    pub fn pending(&self) -> usize {
        self.ops.len()
    }

    /// Starts an operation; its outcome arrives as an `Event` with the returned id.
    pub fn start(&mut self, now: Instant, target: Arc<Target>, op: Operation) -> OpId {
        self.start_with(now, target, op, false)
    }

    /// `start`, and report what happens on the way to the outcome as `ProgressEvent`s
    /// (`poll_progress`): each transmission, engine discovery, resynchronisation, tooBig
    /// recovery. Operations started with `start` cost nothing of this.
    pub fn start_observed(&mut self, now: Instant, target: Arc<Target>, op: Operation) -> OpId {
        self.start_with(now, target, op, true)
    }

    fn start_with(
        &mut self,
        now: Instant,
        target: Arc<Target>,
        op: Operation,
        observed: bool,
    ) -> OpId {
        let id = OpId(self.next_op);
        self.next_op += 1;
        let refused = if op.len() == 0 {
            Some(RequestError::Empty)
        } else if let Err(e) = op.check() {
            Some(e)
        } else if matches!(op, Operation::GetBulk { .. })
            && target.security.version() == Version::V1
        {
            Some(RequestError::BulkOnV1)
        } else if matches!(op, Operation::Inform(_)) && target.security.version() == Version::V1 {
            Some(RequestError::InformOnV1)
        } else {
            None
        };
        if let Some(error) = refused {
            self.events.push_back(Event {
                op: id,
                result: Err(error),
            });
            return id;
        }
        let n = op.len();
        let max_repetitions = match &op {
            Operation::GetBulk {
                max_repetitions, ..
            } => max_repetitions.0,
            _ => 0,
        };
        let from = target.addr;
        let v3 = self.op_security(&target);
        self.ops.insert(
            id,
            OpState {
                target,
                op,
                done: Vec::new(),
                outstanding: 0,
                quirks: Quirks::default(),
                from,
                notices: Vec::new(),
                v3,
                observed,
            },
        );
        self.send_part(now, id, 0..n, max_repetitions);
        id
    }

    /// Sends a notification no one answers: an SNMPv1 Trap or an SNMPv2-Trap (RFC 3416
    /// section 4.2.6), queued for `poll_transmit` at once. For SNMPv3 the sender is the
    /// authoritative engine (RFC 3412 section 6.4, RFC 3414 section 1.5.1): the message
    /// carries our engine id (the target's `-e`), boots and time (`-Z`), and the keys are
    /// localized to it.
    pub fn send_trap(&mut self, target: &Target, pdu: PduBody) -> Result<(), RequestError> {
        let payload = match &target.security {
            Security::Community { version, community } => Message::Community(CommunityMessage {
                version: *version,
                community: community.clone(),
                pdu,
            })
            .encode(),
            Security::Usm(usm) => {
                let msg_id = self.alloc_msg_id();
                self.encode_v3_trap(msg_id, usm, pdu)?
            }
        };
        self.stats.requests_sent += 1;
        self.transmits.push_back(Transmit {
            dest: target.addr,
            payload,
        });
        Ok(())
    }

    /// Abandons an operation whose caller went away: nothing of it is sent again, no event
    /// reports it, and replies to it are counted as unmatched. An engine discovery that only
    /// this operation was waiting for stops too. Unknown or finished ids are ignored.
    pub fn cancel(&mut self, op: OpId) {
        if self.remove_op(op) {
            self.stop_unwanted_discoveries();
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// What happened on the way for operations started with `start_observed`.
    pub fn poll_progress(&mut self) -> Option<ProgressEvent> {
        self.progress.pop_front()
    }

    /// When `handle_timeout` must next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|(t, _)| *t)
    }

    fn alloc_request_id(&mut self) -> RequestId {
        loop {
            // Ids stay in 1..=i32::MAX: agents mishandle negative ones.
            self.next_request_id = self.next_request_id.wrapping_add(1) & 0x7fff_ffff;
            if self.next_request_id == 0 {
                continue;
            }
            let id = RequestId(i64::from(self.next_request_id));
            if !self.inflight.contains_key(&id) {
                return id;
            }
        }
    }

    fn alloc_msg_id(&mut self) -> MsgId {
        loop {
            self.next_msg_id = self.next_msg_id.wrapping_add(1) & 0x7fff_ffff;
            let id = MsgId(i64::from(self.next_msg_id));
            if self.next_msg_id != 0 && !self.by_msg_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// Sends part `range` of an operation, or parks it until the agent's engine is known.
    fn send_part(&mut self, now: Instant, op_id: OpId, range: Range<usize>, max_repetitions: u32) {
        let Some(state) = self.ops.get(&op_id) else {
            return;
        };
        if let Security::Usm(usm) = &state.target.security {
            let (target, usm) = (Arc::clone(&state.target), Arc::clone(usm));
            let addr = target.addr;
            if !self.engine_known(now, addr, &usm, &target) {
                self.park_until_discovered(now, op_id, addr, range, max_repetitions);
                return;
            }
        }
        let request_id = self.alloc_request_id();
        let Some(state) = self.ops.get_mut(&op_id) else {
            return;
        };
        let pdu = state.op.pdu(request_id, range.clone(), max_repetitions);
        let target = Arc::clone(&state.target);
        state.outstanding += 1;
        let inflight = Inflight {
            purpose: Purpose::Part {
                op: op_id,
                range,
                max_repetitions,
            },
            dest: target.addr,
            pdu,
            msg_ids: Vec::new(),
            deadline: now + target.timeout,
            attempts: 0,
            resyncs: 0,
        };
        self.inflight.insert(request_id, inflight);
        self.transmit(now, request_id);
    }

    /// (Re)sends an outstanding request: a new transmission with a new deadline.
    fn transmit(&mut self, now: Instant, request_id: RequestId) {
        let payload = match self.payload_for(now, request_id) {
            Ok(Some(p)) => p,
            Ok(None) => return,
            Err(e) => {
                if let Some(op) = self.inflight.get(&request_id).and_then(Inflight::op) {
                    self.finish(op, Err(e));
                }
                return;
            }
        };
        let timeout = self.timeout_of(request_id);
        let Some(f) = self.inflight.get_mut(&request_id) else {
            return;
        };
        if f.attempts == 0 {
            self.stats.requests_sent += 1;
        } else {
            self.stats.retransmissions += 1;
        }
        f.attempts += 1;
        self.deadlines.remove(&(f.deadline, request_id));
        f.deadline = now + timeout;
        self.deadlines.insert((f.deadline, request_id));
        let (dest, attempt) = (f.dest, f.attempts);
        self.transmits.push_back(Transmit { dest, payload });
        self.report_transmission(request_id, attempt);
    }

    /// The bytes of the next transmission. A v1/v2c retransmission is the same bytes again;
    /// a v3 one is built anew (new msgID, the agent's time as we now estimate it).
    fn payload_for(
        &mut self,
        now: Instant,
        request_id: RequestId,
    ) -> Result<Option<Vec<u8>>, RequestError> {
        let Some(f) = self.inflight.get(&request_id) else {
            return Ok(None);
        };
        let target = match f.op().and_then(|op| self.ops.get(&op)) {
            Some(state) => Arc::clone(&state.target),
            None => {
                // Engine discovery.
                let msg_id = self.alloc_msg_id();
                self.register_msg_id(request_id, msg_id);
                return Ok(Some(super::usm::discovery_probe(
                    msg_id,
                    request_id,
                    v3::MAX_MESSAGE_SIZE,
                )));
            }
        };
        match &target.security {
            Security::Community { version, community } => Ok(Some(
                Message::Community(CommunityMessage {
                    version: *version,
                    community: community.clone(),
                    pdu: PduBody::Pdu(f.pdu.clone()),
                })
                .encode(),
            )),
            Security::Usm(usm) => {
                let usm = Arc::clone(usm);
                let msg_id = self.alloc_msg_id();
                self.encode_v3(now, request_id, msg_id, &target, &usm)
                    .map(Some)
            }
        }
    }

    fn timeout_of(&self, request_id: RequestId) -> Duration {
        let Some(f) = self.inflight.get(&request_id) else {
            return Duration::from_secs(1);
        };
        match f.op().and_then(|op| self.ops.get(&op)) {
            Some(state) => state.target.timeout,
            None => self.discovery_timeout(f.dest),
        }
    }

    fn register_msg_id(&mut self, request_id: RequestId, msg_id: MsgId) {
        if let Some(f) = self.inflight.get_mut(&request_id) {
            f.msg_ids.push(msg_id);
            self.by_msg_id.insert(msg_id, request_id);
        }
    }

    /// Feeds one received datagram.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        let Ok((message, quirks)) = Message::decode(bytes) else {
            self.stats.malformed += 1;
            return;
        };
        match message {
            Message::Community(CommunityMessage {
                version,
                pdu: PduBody::Pdu(pdu),
                ..
            }) => self.handle_community_reply(now, from, version, pdu, quirks),
            Message::Community(_) => self.stats.unmatched += 1,
            Message::V3(m) => self.handle_v3_reply(now, from, &m, bytes),
        }
    }

    fn handle_community_reply(
        &mut self,
        now: Instant,
        from: SocketAddr,
        version: Version,
        pdu: Pdu,
        quirks: Quirks,
    ) {
        if pdu.kind != PduType::Response {
            self.stats.unmatched += 1;
            return;
        }
        let Some(inflight) = self.inflight.get(&pdu.request_id) else {
            self.stats.unmatched += 1;
            return;
        };
        if canonical(inflight.dest) != canonical(from) {
            self.stats.wrong_source += 1;
            return;
        }
        let Some(state) = inflight.op().and_then(|op| self.ops.get(&op)) else {
            self.stats.unmatched += 1;
            return;
        };
        if state.target.security.version() != version {
            self.stats.unmatched += 1;
            return;
        }
        let request_id = pdu.request_id;
        if let Some(inflight) = self.take_inflight(request_id) {
            self.stats.responses_matched += 1;
            self.complete_part(now, inflight, from, pdu, quirks);
        }
    }

    /// Removes an outstanding request with its deadline and msgIDs.
    fn take_inflight(&mut self, request_id: RequestId) -> Option<Inflight> {
        let f = self.inflight.remove(&request_id)?;
        self.deadlines.remove(&(f.deadline, request_id));
        for m in &f.msg_ids {
            self.by_msg_id.remove(m);
        }
        Some(f)
    }

    fn complete_part(
        &mut self,
        now: Instant,
        part: Inflight,
        from: SocketAddr,
        pdu: Pdu,
        quirks: Quirks,
    ) {
        let Purpose::Part {
            op: op_id,
            range,
            max_repetitions,
        } = part.purpose
        else {
            return;
        };
        let Some(state) = self.ops.get_mut(&op_id) else {
            return;
        };
        state.outstanding -= 1;
        state.quirks = merge_quirks(state.quirks, quirks);
        state.from = from;

        if pdu.error_status == ErrorStatus::TooBig {
            let is_bulk = matches!(state.op, Operation::GetBulk { .. });
            if is_bulk && max_repetitions > 1 {
                self.stats.too_big_recoveries += 1;
                self.report(
                    op_id,
                    Progress::TooBig(TooBigRecovery::FewerRepetitions {
                        max_repetitions: MaxRepetitions(max_repetitions / 2),
                    }),
                );
                self.send_part(now, op_id, range, max_repetitions / 2);
                return;
            }
            let is_inform = matches!(state.op, Operation::Inform(_));
            if !is_bulk && !is_inform && range.len() > 1 {
                self.stats.too_big_recoveries += 1;
                let mid = range.start + range.len() / 2;
                self.report(
                    op_id,
                    Progress::TooBig(TooBigRecovery::Split {
                        varbinds: range.len(),
                    }),
                );
                self.send_part(now, op_id, range.start..mid, 0);
                self.send_part(now, op_id, mid..range.end, 0);
                return;
            }
        }

        if pdu.error_status != ErrorStatus::NoError {
            // Report the error against the operation's own varbind positions.
            let error_index = if pdu.error_index > 0 {
                pdu.error_index + range.start as i64
            } else {
                0
            };
            let (quirks, notices) = (state.quirks, std::mem::take(&mut state.notices));
            self.finish(
                op_id,
                Ok(Response {
                    from,
                    error_status: pdu.error_status,
                    error_index,
                    varbinds: pdu.varbinds,
                    quirks,
                    notices,
                }),
            );
            return;
        }

        state.done.push((range.start, pdu.varbinds));
        if state.outstanding == 0 {
            let mut parts = std::mem::take(&mut state.done);
            parts.sort_by_key(|(start, _)| *start);
            let varbinds = if parts.len() == 1 {
                parts.pop().map(|(_, v)| v).unwrap_or_default()
            } else {
                parts.into_iter().flat_map(|(_, v)| v).collect()
            };
            let (quirks, from, notices) =
                (state.quirks, state.from, std::mem::take(&mut state.notices));
            self.finish(
                op_id,
                Ok(Response {
                    from,
                    error_status: ErrorStatus::NoError,
                    error_index: 0,
                    varbinds,
                    quirks,
                    notices,
                }),
            );
        }
    }

    fn finish(&mut self, op: OpId, result: Result<Response, RequestError>) {
        if self.remove_op(op) {
            self.events.push_back(Event { op, result });
        }
    }

    /// Forgets an operation with everything it has on the wire or waiting for discovery.
    /// False when it was not (or no longer) there.
    fn remove_op(&mut self, op: OpId) -> bool {
        if self.ops.remove(&op).is_none() {
            return false;
        }
        self.drop_inflight_of(op);
        for peer in self.peers.values_mut() {
            peer.waiting.retain(|w| w.op != op);
        }
        true
    }

    fn drop_inflight_of(&mut self, op: OpId) {
        let ids: Vec<RequestId> = self
            .inflight
            .iter()
            .filter(|(_, f)| f.op() == Some(op))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.take_inflight(id);
        }
    }

    /// The driver could not send to `dest` (no route, say): every operation waiting on it
    /// fails now rather than at its timeout.
    pub fn fail_destination(&mut self, dest: SocketAddr, error: impl Into<SendError>) {
        let error = error.into();
        let ops: Vec<OpId> = self
            .inflight
            .values()
            .filter(|f| f.dest == dest)
            .filter_map(Inflight::op)
            .chain(
                self.peers
                    .get(&canonical(dest))
                    .into_iter()
                    .flat_map(|p| p.waiting.iter().map(|w| w.op)),
            )
            .collect();
        for op in ops {
            self.finish(
                op,
                Err(RequestError::Send {
                    addr: dest,
                    source: error.clone(),
                }),
            );
        }
        let discovery: Vec<RequestId> = self
            .inflight
            .iter()
            .filter(|(_, f)| f.dest == dest && matches!(f.purpose, Purpose::Discovery))
            .map(|(id, _)| *id)
            .collect();
        for id in discovery {
            self.take_inflight(id);
            if let Some(peer) = self.peers.get_mut(&canonical(dest)) {
                peer.discovery = None;
            }
        }
    }

    /// Retransmits or gives up on every request whose deadline has passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(deadline, id)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_first();
            let Some(f) = self.inflight.get(&id) else {
                continue;
            };
            let retries = match f.op().and_then(|op| self.ops.get(&op)) {
                Some(state) => state.target.retries,
                None => self.discovery_retries(f.dest),
            };
            if f.attempts <= retries {
                self.transmit(now, id);
                continue;
            }
            let Some(f) = self.take_inflight(id) else {
                continue;
            };
            self.stats.timeouts += 1;
            match f.purpose {
                Purpose::Discovery => self.discovery_failed(f.dest, f.attempts),
                Purpose::Part {
                    op,
                    range,
                    max_repetitions,
                } => {
                    if self.retry_with_other_extension(now, op, range.clone(), max_repetitions) {
                        continue;
                    }
                    let hint = self.timeout_hint(op, f.dest);
                    self.finish(
                        op,
                        Err(RequestError::Timeout {
                            addr: f.dest,
                            attempts: f.attempts,
                            hint,
                        }),
                    );
                }
            }
        }
    }
}

fn merge_quirks(mut a: Quirks, b: Quirks) -> Quirks {
    for q in b.iter() {
        a.insert(q);
    }
    a
}

/// The same endpoint whether it arrived as IPv4 or as an IPv4-mapped IPv6 address (which a
/// dual-stack socket reports).
pub fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), addr.port()),
            None => addr,
        },
        IpAddr::V4(_) => addr,
    }
}

#[cfg(test)]
mod progress_tests;
#[cfg(test)]
mod tests;
