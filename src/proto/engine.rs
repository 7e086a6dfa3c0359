//! The request engine, sans-IO: it owns request ids, timeouts and retries, matches each
//! response by request id *and* by the address the request went to, drops duplicates and
//! late replies, and recovers from tooBig (a Get/GetNext/Set is split in halves, a GetBulk
//! is retried with fewer repetitions).
//!
//! Driving it (as `net::driver` does, or a test with a simulated clock):
//! `start(now, target, op)` queues a request; `poll_transmit()` yields datagrams to send;
//! `handle_datagram(now, from, bytes)` feeds replies; `handle_timeout(now)` fires at
//! `poll_timeout()`; `poll_event()` yields each finished operation.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ber::Quirks;
use super::message::{Community, CommunityMessage, Message, Version};
use super::oid::Oid;
use super::pdu::{ErrorStatus, Pdu, PduBody, PduType, RequestId, VarBind};

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
}

impl Security {
    pub fn version(&self) -> Version {
        match self {
            Security::Community { version, .. } => *version,
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
}

impl Operation {
    fn pdu_type(&self) -> PduType {
        match self {
            Operation::Get(_) => PduType::GetRequest,
            Operation::GetNext(_) => PduType::GetNextRequest,
            Operation::GetBulk { .. } => PduType::GetBulkRequest,
            Operation::Set(_) => PduType::SetRequest,
        }
    }

    fn len(&self) -> usize {
        match self {
            Operation::Get(o) | Operation::GetNext(o) | Operation::GetBulk { oids: o, .. } => {
                o.len()
            }
            Operation::Set(v) => v.len(),
        }
    }

    /// The varbinds of `range` as a request PDU.
    fn pdu(&self, id: RequestId, range: std::ops::Range<usize>, max_repetitions: u32) -> Pdu {
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
            Operation::Set(vbs) => Pdu::request(PduType::SetRequest, id, vbs[range].to_vec()),
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
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("no response from {addr} after {attempts} attempts")]
    Timeout { addr: SocketAddr, attempts: u32 },
    #[error("GetBulk is not part of SNMPv1; use -v 2c or -v 3, or a GetNext walk")]
    BulkOnV1,
    #[error("nothing to request: no OIDs given")]
    Empty,
    #[error("the request was cancelled")]
    Cancelled,
    #[error("cannot send to {addr}: {reason}")]
    Send { addr: SocketAddr, reason: String },
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

/// Counters for what the engine saw; the CLI prints them with `--stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub requests_sent: u64,
    pub retransmissions: u64,
    pub responses_matched: u64,
    /// A reply whose request id is ours but which came from another address.
    pub wrong_source: u64,
    /// A reply for no outstanding request: duplicate, late, or a wrong request id.
    pub unmatched: u64,
    /// A datagram that is not a decodable SNMP message.
    pub malformed: u64,
    pub timeouts: u64,
    pub too_big_recoveries: u64,
}

/// One request on the wire for part of an operation.
struct Inflight {
    op: OpId,
    range: std::ops::Range<usize>,
    max_repetitions: u32,
    dest: SocketAddr,
    payload: Vec<u8>,
    deadline: Instant,
    attempts: u32,
}

struct OpState {
    target: Arc<Target>,
    op: Operation,
    /// Finished parts, keyed by their first varbind index.
    done: Vec<(usize, Vec<VarBind>)>,
    outstanding: usize,
    quirks: Quirks,
    from: SocketAddr,
}

pub struct Engine {
    next_request_id: u32,
    next_op: u64,
    ops: HashMap<OpId, OpState>,
    inflight: HashMap<RequestId, Inflight>,
    deadlines: BTreeSet<(Instant, RequestId)>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    stats: EngineStats,
}

impl Engine {
    /// `seed` picks the first request id, so separate runs do not reuse ids.
    pub fn new(seed: u32) -> Self {
        Engine {
            next_request_id: seed,
            next_op: 1,
            ops: HashMap::new(),
            inflight: HashMap::new(),
            deadlines: BTreeSet::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
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
        let id = OpId(self.next_op);
        self.next_op += 1;
        let refused = if op.len() == 0 {
            Some(RequestError::Empty)
        } else if matches!(op, Operation::GetBulk { .. })
            && target.security.version() == Version::V1
        {
            Some(RequestError::BulkOnV1)
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
        self.ops.insert(
            id,
            OpState {
                target,
                op,
                done: Vec::new(),
                outstanding: 0,
                quirks: Quirks::default(),
                from,
            },
        );
        self.send_part(now, id, 0..n, max_repetitions);
        id
    }

    /// Abandons an operation; replies to it will be counted as unmatched.
    pub fn cancel(&mut self, op: OpId) {
        if self.ops.remove(&op).is_some() {
            self.drop_inflight_of(op);
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
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

    fn send_part(
        &mut self,
        now: Instant,
        op_id: OpId,
        range: std::ops::Range<usize>,
        max_repetitions: u32,
    ) {
        let request_id = self.alloc_request_id();
        let Some(state) = self.ops.get_mut(&op_id) else {
            return;
        };
        let pdu = state.op.pdu(request_id, range.clone(), max_repetitions);
        let payload = encode_request(&state.target.security, pdu);
        let dest = state.target.addr;
        let deadline = now + state.target.timeout;
        state.outstanding += 1;
        self.transmits.push_back(Transmit {
            dest,
            payload: payload.clone(),
        });
        self.stats.requests_sent += 1;
        self.deadlines.insert((deadline, request_id));
        self.inflight.insert(
            request_id,
            Inflight {
                op: op_id,
                range,
                max_repetitions,
                dest,
                payload,
                deadline,
                attempts: 1,
            },
        );
    }

    /// Feeds one received datagram.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        let Ok((message, quirks)) = Message::decode(bytes) else {
            self.stats.malformed += 1;
            return;
        };
        let Message::Community(CommunityMessage {
            version,
            pdu: PduBody::Pdu(pdu),
            ..
        }) = message
        else {
            self.stats.unmatched += 1;
            return;
        };
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
        let Some(state) = self.ops.get(&inflight.op) else {
            self.stats.unmatched += 1;
            return;
        };
        if state.target.security.version() != version {
            self.stats.unmatched += 1;
            return;
        }
        let Some(inflight) = self.inflight.remove(&pdu.request_id) else {
            return;
        };
        self.deadlines.remove(&(inflight.deadline, pdu.request_id));
        self.stats.responses_matched += 1;
        self.complete_part(now, inflight, from, pdu, quirks);
    }

    fn complete_part(
        &mut self,
        now: Instant,
        part: Inflight,
        from: SocketAddr,
        pdu: Pdu,
        quirks: Quirks,
    ) {
        let op_id = part.op;
        let Some(state) = self.ops.get_mut(&op_id) else {
            return;
        };
        state.outstanding -= 1;
        state.quirks = merge_quirks(state.quirks, quirks);
        state.from = from;

        if pdu.error_status == ErrorStatus::TooBig {
            let is_bulk = matches!(state.op, Operation::GetBulk { .. });
            if is_bulk && part.max_repetitions > 1 {
                self.stats.too_big_recoveries += 1;
                self.send_part(now, op_id, part.range, part.max_repetitions / 2);
                return;
            }
            if !is_bulk && part.range.len() > 1 {
                self.stats.too_big_recoveries += 1;
                let mid = part.range.start + part.range.len() / 2;
                self.send_part(now, op_id, part.range.start..mid, 0);
                self.send_part(now, op_id, mid..part.range.end, 0);
                return;
            }
        }

        if pdu.error_status != ErrorStatus::NoError {
            // Report the error against the operation's own varbind positions.
            let error_index = if pdu.error_index > 0 {
                pdu.error_index + part.range.start as i64
            } else {
                0
            };
            let quirks = state.quirks;
            self.finish(
                op_id,
                Ok(Response {
                    from,
                    error_status: pdu.error_status,
                    error_index,
                    varbinds: pdu.varbinds,
                    quirks,
                }),
            );
            return;
        }

        state.done.push((part.range.start, pdu.varbinds));
        if state.outstanding == 0 {
            let mut parts = std::mem::take(&mut state.done);
            parts.sort_by_key(|(start, _)| *start);
            let varbinds = if parts.len() == 1 {
                parts.pop().map(|(_, v)| v).unwrap_or_default()
            } else {
                parts.into_iter().flat_map(|(_, v)| v).collect()
            };
            let quirks = state.quirks;
            let from = state.from;
            self.finish(
                op_id,
                Ok(Response {
                    from,
                    error_status: ErrorStatus::NoError,
                    error_index: 0,
                    varbinds,
                    quirks,
                }),
            );
        }
    }

    fn finish(&mut self, op: OpId, result: Result<Response, RequestError>) {
        self.ops.remove(&op);
        self.drop_inflight_of(op);
        self.events.push_back(Event { op, result });
    }

    fn drop_inflight_of(&mut self, op: OpId) {
        let ids: Vec<RequestId> = self
            .inflight
            .iter()
            .filter(|(_, f)| f.op == op)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some(f) = self.inflight.remove(&id) {
                self.deadlines.remove(&(f.deadline, id));
            }
        }
    }

    /// The driver could not send to `dest` (no route, say): every operation waiting on it
    /// fails now rather than at its timeout.
    pub fn fail_destination(&mut self, dest: SocketAddr, reason: &str) {
        let ops: Vec<OpId> = self
            .inflight
            .values()
            .filter(|f| f.dest == dest)
            .map(|f| f.op)
            .collect();
        for op in ops {
            if self.ops.contains_key(&op) {
                self.finish(
                    op,
                    Err(RequestError::Send {
                        addr: dest,
                        reason: reason.to_string(),
                    }),
                );
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
            let Some(f) = self.inflight.get_mut(&id) else {
                continue;
            };
            let Some(state) = self.ops.get(&f.op) else {
                continue;
            };
            if f.attempts <= state.target.retries {
                f.attempts += 1;
                f.deadline = now + state.target.timeout;
                self.deadlines.insert((f.deadline, id));
                self.transmits.push_back(Transmit {
                    dest: f.dest,
                    payload: f.payload.clone(),
                });
                self.stats.retransmissions += 1;
            } else {
                let (op, addr, attempts) = (f.op, f.dest, f.attempts);
                self.stats.timeouts += 1;
                self.finish(op, Err(RequestError::Timeout { addr, attempts }));
            }
        }
    }
}

fn encode_request(security: &Security, pdu: Pdu) -> Vec<u8> {
    match security {
        Security::Community { version, community } => Message::Community(CommunityMessage {
            version: *version,
            community: community.clone(),
            pdu: PduBody::Pdu(pdu),
        })
        .encode(),
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
mod tests {
    use super::*;
    use crate::proto::value::Value;

    fn target(retries: u32) -> Arc<Target> {
        Arc::new(Target {
            addr: "127.0.0.1:161".parse().unwrap(),
            security: Security::Community {
                version: Version::V2c,
                community: Community::new("public"),
            },
            timeout: Duration::from_secs(1),
            retries,
        })
    }

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    /// Decodes a request the engine sent, as an agent would.
    fn request_of(t: &Transmit) -> Pdu {
        match Message::decode(&t.payload).unwrap().0 {
            Message::Community(CommunityMessage {
                pdu: PduBody::Pdu(p),
                ..
            }) => p,
            other => panic!("{other:?}"),
        }
    }

    fn reply(to: &Pdu, status: ErrorStatus, index: i64, varbinds: Vec<VarBind>) -> Vec<u8> {
        Message::Community(CommunityMessage {
            version: Version::V2c,
            community: Community::new("public"),
            pdu: PduBody::Pdu(to.response(status, index, varbinds)),
        })
        .encode()
    }

    fn agent_addr() -> SocketAddr {
        "127.0.0.1:161".parse().unwrap()
    }

    fn answer_get(p: &Pdu) -> Vec<VarBind> {
        p.varbinds
            .iter()
            .map(|vb| {
                VarBind::new(
                    vb.oid.clone(),
                    Value::Integer(vb.oid.arcs().last().copied().unwrap_or(0) as i32),
                )
            })
            .collect()
    }

    #[test]
    fn get_round_trip() {
        let now = Instant::now();
        let mut e = Engine::new(100);
        let op = e.start(
            now,
            target(0),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
        );
        let t = e.poll_transmit().unwrap();
        assert_eq!(t.dest, agent_addr());
        let req = request_of(&t);
        assert_eq!(req.kind, PduType::GetRequest);
        e.handle_datagram(
            now,
            agent_addr(),
            &reply(&req, ErrorStatus::NoError, 0, answer_get(&req)),
        );
        let ev = e.poll_event().unwrap();
        assert_eq!(ev.op, op);
        let r = ev.result.unwrap();
        assert_eq!(
            r.varbinds,
            vec![VarBind::new(oid("1.3.6.1.2.1.1.5.0"), Value::Integer(0))]
        );
        assert_eq!(e.pending(), 0);
        assert_eq!(e.poll_timeout(), None);
    }

    #[test]
    fn retries_then_times_out() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(t0, target(2), Operation::Get(vec![oid("1.3.6.1")]));
        let first = e.poll_transmit().unwrap();
        assert_eq!(e.poll_timeout(), Some(t0 + Duration::from_secs(1)));
        // Nothing happens before the deadline.
        e.handle_timeout(t0 + Duration::from_millis(999));
        assert!(e.poll_transmit().is_none());
        // Two retransmissions of the same bytes, one second apart.
        let t1 = t0 + Duration::from_secs(1);
        e.handle_timeout(t1);
        assert_eq!(e.poll_transmit().unwrap(), first);
        let t2 = t1 + Duration::from_secs(1);
        e.handle_timeout(t2);
        assert_eq!(e.poll_transmit().unwrap(), first);
        assert!(e.poll_event().is_none());
        e.handle_timeout(t2 + Duration::from_secs(1));
        let ev = e.poll_event().unwrap();
        assert_eq!(
            ev.result,
            Err(RequestError::Timeout {
                addr: agent_addr(),
                attempts: 3
            })
        );
        assert_eq!(e.stats().retransmissions, 2);
        assert_eq!(e.stats().timeouts, 1);
    }

    #[test]
    fn reply_after_retransmission_is_accepted_and_duplicates_ignored() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(
            t0,
            target(3),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
        );
        let req = request_of(&e.poll_transmit().unwrap());
        e.handle_timeout(t0 + Duration::from_secs(1));
        assert!(e.poll_transmit().is_some());
        let bytes = reply(&req, ErrorStatus::NoError, 0, answer_get(&req));
        e.handle_datagram(t0, agent_addr(), &bytes);
        assert!(e.poll_event().unwrap().result.is_ok());
        // The agent answers the retransmission too: counted, not delivered.
        e.handle_datagram(t0, agent_addr(), &bytes);
        assert!(e.poll_event().is_none());
        assert_eq!(e.stats().unmatched, 1);
        assert_eq!(e.poll_timeout(), None);
    }

    #[test]
    fn reply_from_another_address_is_dropped_and_counted() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(
            t0,
            target(0),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
        );
        let req = request_of(&e.poll_transmit().unwrap());
        let bytes = reply(&req, ErrorStatus::NoError, 0, answer_get(&req));
        e.handle_datagram(t0, "127.0.0.2:161".parse().unwrap(), &bytes);
        e.handle_datagram(t0, "127.0.0.1:1161".parse().unwrap(), &bytes);
        assert!(e.poll_event().is_none());
        assert_eq!(e.stats().wrong_source, 2);
        // The right agent's reply still completes it; an IPv4-mapped source is the same host.
        e.handle_datagram(t0, "[::ffff:127.0.0.1]:161".parse().unwrap(), &bytes);
        assert!(e.poll_event().unwrap().result.is_ok());
    }

    #[test]
    fn wrong_request_id_and_garbage_are_ignored() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(
            t0,
            target(0),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
        );
        let mut req = request_of(&e.poll_transmit().unwrap());
        e.handle_datagram(t0, agent_addr(), b"\x30\x03garbage");
        let real_id = req.request_id;
        req.request_id = RequestId(real_id.0 + 1);
        e.handle_datagram(
            t0,
            agent_addr(),
            &reply(&req, ErrorStatus::NoError, 0, vec![]),
        );
        assert!(e.poll_event().is_none());
        assert_eq!(e.stats().malformed, 1);
        assert_eq!(e.stats().unmatched, 1);
    }

    #[test]
    fn too_big_get_is_split_and_reassembled_in_order() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        let oids: Vec<Oid> = (1..=5)
            .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")))
            .collect();
        e.start(t0, target(0), Operation::Get(oids.clone()));
        // The "agent" refuses anything with more than 2 varbinds.
        let mut served = 0;
        while let Some(t) = e.poll_transmit() {
            let req = request_of(&t);
            let bytes = if req.varbinds.len() > 2 {
                reply(&req, ErrorStatus::TooBig, 0, vec![])
            } else {
                served += 1;
                reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
            };
            e.handle_datagram(t0, agent_addr(), &bytes);
        }
        let r = e.poll_event().unwrap().result.unwrap();
        let got: Vec<Oid> = r.varbinds.iter().map(|vb| vb.oid.clone()).collect();
        assert_eq!(got, oids);
        assert_eq!(served, 3);
        assert!(e.stats().too_big_recoveries >= 2);
    }

    #[test]
    fn too_big_on_one_varbind_is_reported() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(
            t0,
            target(0),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
        );
        let req = request_of(&e.poll_transmit().unwrap());
        e.handle_datagram(
            t0,
            agent_addr(),
            &reply(&req, ErrorStatus::TooBig, 0, req.varbinds.clone()),
        );
        let r = e.poll_event().unwrap().result.unwrap();
        assert_eq!(r.error_status, ErrorStatus::TooBig);
    }

    #[test]
    fn too_big_bulk_retries_with_fewer_repetitions() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        e.start(
            t0,
            target(0),
            Operation::GetBulk {
                non_repeaters: 0,
                max_repetitions: MaxRepetitions(50),
                oids: vec![oid("1.3.6.1.2.1.2.2")],
            },
        );
        let mut seen = vec![];
        while let Some(t) = e.poll_transmit() {
            let req = request_of(&t);
            seen.push(req.max_repetitions());
            let bytes = if req.max_repetitions() > 10 {
                reply(&req, ErrorStatus::TooBig, 0, vec![])
            } else {
                reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
            };
            e.handle_datagram(t0, agent_addr(), &bytes);
        }
        assert_eq!(seen, vec![50, 25, 12, 6]);
        assert_eq!(
            e.poll_event().unwrap().result.unwrap().error_status,
            ErrorStatus::NoError
        );
    }

    #[test]
    fn error_index_points_into_the_whole_request_after_a_split() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        let oids: Vec<Oid> = (1..=4)
            .map(|i| oid(&format!("1.3.6.1.2.1.1.{i}.0")))
            .collect();
        e.start(t0, target(0), Operation::Get(oids));
        while let Some(t) = e.poll_transmit() {
            let req = request_of(&t);
            let bytes = if req.varbinds.len() > 2 {
                reply(&req, ErrorStatus::TooBig, 0, vec![])
            } else if req.varbinds[0].oid == oid("1.3.6.1.2.1.1.3.0") {
                // Second varbind of the second half: the whole request's fourth.
                reply(&req, ErrorStatus::NoSuchName, 2, req.varbinds.clone())
            } else {
                reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
            };
            e.handle_datagram(t0, agent_addr(), &bytes);
        }
        let r = e.poll_event().unwrap().result.unwrap();
        assert_eq!(r.error_status, ErrorStatus::NoSuchName);
        assert_eq!(r.error_index, 4);
    }

    #[test]
    fn bulk_on_v1_and_empty_requests_are_refused() {
        let t0 = Instant::now();
        let mut e = Engine::new(1);
        let v1 = Arc::new(Target {
            security: Security::Community {
                version: Version::V1,
                community: Community::new("public"),
            },
            ..(*target(0)).clone()
        });
        e.start(
            t0,
            v1,
            Operation::GetBulk {
                non_repeaters: 0,
                max_repetitions: MaxRepetitions(10),
                oids: vec![oid("1.3")],
            },
        );
        assert_eq!(e.poll_event().unwrap().result, Err(RequestError::BulkOnV1));
        e.start(t0, target(0), Operation::Get(vec![]));
        assert_eq!(e.poll_event().unwrap().result, Err(RequestError::Empty));
        assert!(e.poll_transmit().is_none());
    }

    #[test]
    fn request_ids_are_unique_and_positive() {
        let t0 = Instant::now();
        let mut e = Engine::new(u32::MAX - 2);
        let mut ids = std::collections::HashSet::new();
        for _ in 0..10 {
            e.start(t0, target(0), Operation::Get(vec![oid("1.3")]));
            let req = request_of(&e.poll_transmit().unwrap());
            assert!(req.request_id.0 > 0 && req.request_id.0 <= i64::from(i32::MAX));
            assert!(ids.insert(req.request_id));
        }
    }
}
