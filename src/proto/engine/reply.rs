//! Replies: a datagram matched to its request by id and by the address the request went
//! to (duplicates and late replies dropped), then the part completed, split or retried
//! (tooBig recovery) and the operation finished when its last part is in.

use std::net::SocketAddr;
use std::time::Instant;

use super::{
    Engine, Inflight, MaxRepetitions, Operation, Progress, Purpose, Response, TooBigRecovery,
    canonical, merge_quirks,
};
use crate::proto::ber::Quirks;
use crate::proto::message::{CommunityMessage, Message, Version};
use crate::proto::pdu::{ErrorStatus, Pdu, PduBody, PduType};

impl Engine {
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

    pub(super) fn complete_part(
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
}
