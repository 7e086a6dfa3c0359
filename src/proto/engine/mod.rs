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

mod outcome;
mod progress;
mod reply;
mod request;
mod send;
mod v3;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use super::ber::Quirks;
use super::message::{CommunityMessage, Message, MsgId, Version};
use super::pdu::{Pdu, PduBody, RequestId, VarBind};

pub use outcome::{
    EngineStats, Event, Notice, OpId, RequestError, Response, SendError, TimeoutHint, Transmit,
};
pub use progress::{Progress, ProgressEvent, TooBigRecovery};
pub use request::{MaxRepetitions, Operation, Security, Target};
pub use v3::{KeyExtensionPolicy, UsmTarget};

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

    /// Removes an outstanding request with its deadline and msgIDs.
    fn take_inflight(&mut self, request_id: RequestId) -> Option<Inflight> {
        let f = self.inflight.remove(&request_id)?;
        self.deadlines.remove(&(f.deadline, request_id));
        for m in &f.msg_ids {
            self.by_msg_id.remove(m);
        }
        Some(f)
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
#[cfg(test)]
mod v3_tests;
