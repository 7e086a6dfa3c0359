//! Putting requests on the wire: a part of an operation becomes a request (or waits for
//! discovery), each transmission gets its payload (a fresh v3 msgID each time) and its
//! deadline.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Engine, Inflight, OpId, Purpose, RequestError, Security, Transmit, v3};
use crate::proto::message::{CommunityMessage, Message, MsgId};
use crate::proto::pdu::{PduBody, RequestId};

impl Engine {
    /// Sends part `range` of an operation, or parks it until the agent's engine is known.
    pub(super) fn send_part(
        &mut self,
        now: Instant,
        op_id: OpId,
        range: Range<usize>,
        max_repetitions: u32,
    ) {
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
    pub(super) fn transmit(&mut self, now: Instant, request_id: RequestId) {
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
    pub(super) fn payload_for(
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
                return Ok(Some(crate::proto::usm::discovery_probe(
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

    pub(super) fn timeout_of(&self, request_id: RequestId) -> Duration {
        let Some(f) = self.inflight.get(&request_id) else {
            return Duration::from_secs(1);
        };
        match f.op().and_then(|op| self.ops.get(&op)) {
            Some(state) => state.target.timeout,
            None => self.discovery_timeout(f.dest),
        }
    }

    pub(super) fn register_msg_id(&mut self, request_id: RequestId, msg_id: MsgId) {
        if let Some(f) = self.inflight.get_mut(&request_id) {
            f.msg_ids.push(msg_id);
            self.by_msg_id.insert(msg_id, request_id);
        }
    }
}
