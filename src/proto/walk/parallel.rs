//! Parallel walking, sans-IO: the subtree split into contiguous ranges walked at the same
//! time, the results merged back in OID order, so the output is the serial walk's.
//!
//! A walk starts as one range. When a range's answer ends at OID `o` and fewer than
//! `parallel` ranges are going, the range is split at the next sibling `S` of `o`'s
//! shallowest ancestor below the root that has one inside the range: the new range covers
//! `[S, end)` and starts with a Get of `S` (which may itself be an instance) and then
//! GetBulk from `S`; the old range now ends before `S`. Ranges never overlap and together
//! cover the subtree, so their results, concatenated in range order, are the walk.
//!
//! Each range keeps the serial walk's checks (an OID that does not increase stops it);
//! when one trips, or the agent answers with an error, the caller is told to fall back to
//! a serial walk resumed after the last OID already merged, which then reports exactly what
//! the serial walk reports.

use super::{BulkParams, Oid, Operation, Response, VarBind};
use crate::proto::pdu::ErrorStatus;

/// Identifies a range in a parallel walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RangeId(pub usize);

#[derive(Debug)]
struct Range {
    /// GetBulk continues after this OID.
    last: Oid,
    /// Exclusive upper bound; `None`: the end of the root's subtree.
    end: Option<Oid>,
    /// A Get of the range's first OID is still to be sent.
    get_first: Option<Oid>,
    in_flight: bool,
    done: bool,
    found: Vec<VarBind>,
}

/// What a response did to the parallel walk.
#[derive(Debug, PartialEq, Eq)]
pub enum ParallelStep {
    /// Varbinds now ready, in OID order, after everything returned before.
    Ready(Vec<VarBind>),
    /// The agent misbehaved: walk serially from after this OID (`None`: from the root).
    Fallback { after: Option<Oid> },
}

/// The parallel walk state machine.
pub struct ParallelWalk {
    root: Oid,
    bulk: BulkParams,
    parallel: usize,
    /// Every range, by id (ranges are only ever added).
    ranges: Vec<Range>,
    /// Range ids in OID order of their starts.
    order: Vec<usize>,
    /// Ranges before this position of `order` have been returned whole.
    merged: usize,
    /// The last OID returned.
    last_returned: Option<Oid>,
    failed: bool,
}

impl ParallelWalk {
    /// Walks `root` with up to `parallel` requests in flight.
    pub fn new(root: Oid, bulk: BulkParams, parallel: usize) -> ParallelWalk {
        ParallelWalk {
            ranges: vec![Range {
                last: root.clone(),
                end: root.subtree_end(),
                get_first: None,
                in_flight: false,
                done: false,
                found: Vec::new(),
            }],
            order: vec![0],
            root,
            bulk,
            parallel: parallel.max(1),
            merged: 0,
            last_returned: None,
            failed: false,
        }
    }

    /// True once every range is done (or the walk must fall back).
    pub fn is_done(&self) -> bool {
        self.failed || self.merged == self.order.len()
    }

    /// Requests to send now: one per range that is going and not waiting for an answer.
    pub fn poll_operations(&mut self) -> Vec<(RangeId, Operation)> {
        if self.failed {
            return Vec::new();
        }
        let mut ops = Vec::new();
        for (i, r) in self.ranges.iter_mut().enumerate() {
            if r.done || r.in_flight {
                continue;
            }
            r.in_flight = true;
            let op = match &r.get_first {
                Some(first) => Operation::Get(vec![first.clone()]),
                None => Operation::GetBulk {
                    non_repeaters: 0,
                    max_repetitions: self.bulk.max_repetitions,
                    oids: vec![r.last.clone()],
                },
            };
            ops.push((RangeId(i), op));
        }
        ops
    }

    /// Feeds the answer to a range's request.
    pub fn handle_response(&mut self, id: RangeId, response: Response) -> ParallelStep {
        let Some(r) = self.ranges.get_mut(id.0) else {
            return ParallelStep::Ready(Vec::new());
        };
        r.in_flight = false;
        if response.error_status != ErrorStatus::NoError {
            return self.fail();
        }
        if let Some(first) = r.get_first.take() {
            // The range's first OID itself, when the agent has it.
            if let Some(vb) = response.varbinds.into_iter().next()
                && vb.oid == first
                && !vb.value.is_exception()
            {
                r.found.push(vb);
            }
            return ParallelStep::Ready(self.merge());
        }
        if response.varbinds.is_empty() {
            return self.fail();
        }
        let mut last_in_range = None;
        let first_in_response = response.varbinds.first().map(|vb| vb.oid.clone());
        for vb in response.varbinds {
            let past_end = r.end.as_ref().is_some_and(|e| vb.oid >= *e);
            if !vb.oid.starts_with(&self.root) || past_end {
                r.done = true;
                break;
            }
            let exception = vb.value.is_exception();
            if !exception && vb.oid <= r.last {
                // Not increasing: let the serial walk report it as it does.
                return self.fail();
            }
            r.last = vb.oid.clone();
            last_in_range = Some(vb.oid.clone());
            r.found.push(vb);
            if exception {
                r.done = true;
                break;
            }
        }
        let end_of_view = r
            .found
            .last()
            .is_some_and(|vb| vb.value == crate::proto::Value::EndOfMibView);
        if end_of_view {
            // The agent's view ends in this range: the ranges after it hold nothing.
            self.end_ranges_after(id.0);
        } else if !r.done
            && let Some(o) = last_in_range
        {
            self.split(id.0, first_in_response.as_ref(), &o);
        }
        ParallelStep::Ready(self.merge())
    }

    fn fail(&mut self) -> ParallelStep {
        self.failed = true;
        ParallelStep::Fallback {
            after: self.last_returned.clone(),
        }
    }

    /// Splits range `i`, whose walk stands at `o`, while ranges are wanted: at the next
    /// siblings of `o`'s ancestors, nearest first (the rest of this column, the next
    /// columns, the next tables ...), each a range of its own.
    fn split(&mut self, i: usize, first: Option<&Oid>, o: &Oid) {
        let going = self.ranges.iter().filter(|r| !r.done).count();
        let slots = self.parallel.saturating_sub(going);
        if slots == 0 {
            return;
        }
        let end = self.ranges[i].end.clone();
        let arcs = o.arcs();
        let mut cuts: Vec<Oid> = Vec::new();
        // Within a column indexed by one number, the rows to come are guessed from the
        // span this answer covered: cuts further down the column at that spacing (a guess
        // past the last row only costs an empty range).
        if let Some(first) = first
            && first.len() == o.len()
            && first.len() > self.root.len() + 1
            && first.arcs()[..first.len() - 1] == arcs[..arcs.len() - 1]
        {
            let (a, b) = (first.arcs()[first.len() - 1], arcs[arcs.len() - 1]);
            let step = b.saturating_sub(a).saturating_add(1);
            let half = slots.div_ceil(2);
            for m in 1..=half {
                let Some(v) = step.checked_mul(m as u32).and_then(|d| b.checked_add(d)) else {
                    break;
                };
                let mut c = arcs[..arcs.len() - 1].to_vec();
                c.push(v);
                let c = Oid::from(c);
                if end.as_ref().is_some_and(|e| c >= *e) {
                    break;
                }
                cuts.push(c);
            }
        }
        for depth in (self.root.len() + 1..arcs.len()).rev() {
            let Some(next) = arcs[depth - 1].checked_add(1) else {
                continue;
            };
            let mut s = arcs[..depth - 1].to_vec();
            s.push(next);
            let s = Oid::from(s);
            if end.as_ref().is_some_and(|e| s >= *e) || cuts.last().is_some_and(|c| s <= *c) {
                continue;
            }
            if cuts.len() == slots {
                break;
            }
            cuts.push(s);
        }
        let Some(first) = cuts.first() else { return };
        self.ranges[i].end = Some(first.clone());
        let mut at = self.order.iter().position(|&r| r == i).unwrap_or(0);
        for (k, cut) in cuts.iter().enumerate() {
            let id = self.ranges.len();
            self.ranges.push(Range {
                last: cut.clone(),
                end: cuts.get(k + 1).cloned().or_else(|| end.clone()),
                get_first: Some(cut.clone()),
                in_flight: false,
                done: false,
                found: Vec::new(),
            });
            at += 1;
            self.order.insert(at, id);
        }
    }

    /// Marks every range after range `i` (in OID order) done and empty.
    fn end_ranges_after(&mut self, i: usize) {
        let at = self.order.iter().position(|&r| r == i).unwrap_or(0);
        for &later in &self.order[at + 1..] {
            let r = &mut self.ranges[later];
            r.done = true;
            r.found.clear();
        }
    }

    /// Returns what is ready in order: whole ranges from the first unreturned one, and
    /// what that range has found so far.
    fn merge(&mut self) -> Vec<VarBind> {
        let mut out = Vec::new();
        while self.merged < self.order.len() {
            let r = &mut self.ranges[self.order[self.merged]];
            out.append(&mut r.found);
            if !r.done {
                break;
            }
            self.merged += 1;
        }
        if let Some(vb) = out.last() {
            self.last_returned = Some(vb.oid.clone());
        }
        // A range is split only while it is going, so a new range always comes after the
        // ones already returned whole.
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ber::Quirks;
    use crate::proto::engine::MaxRepetitions;
    use crate::proto::value::Value;

    /// An agent over a sorted list of OIDs.
    fn answer(tree: &[Oid], op: &Operation) -> Response {
        let varbinds = match op {
            Operation::Get(oids) => oids
                .iter()
                .map(|o| {
                    let v = if tree.contains(o) {
                        Value::Integer(1)
                    } else {
                        Value::NoSuchObject
                    };
                    VarBind::new(o.clone(), v)
                })
                .collect(),
            Operation::GetBulk {
                max_repetitions,
                oids,
                ..
            } => {
                let start = &oids[0];
                let mut v: Vec<VarBind> = tree
                    .iter()
                    .filter(|o| *o > start)
                    .take(max_repetitions.0 as usize)
                    .map(|o| VarBind::new(o.clone(), Value::Integer(1)))
                    .collect();
                if v.len() < max_repetitions.0 as usize {
                    let last = v.last().map_or(start.clone(), |vb| vb.oid.clone());
                    v.push(VarBind::new(last, Value::EndOfMibView));
                }
                v
            }
            _ => unreachable!(),
        };
        Response {
            from: "127.0.0.1:161".parse().unwrap(),
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds,
            quirks: Quirks::default(),
            notices: vec![],
        }
    }

    fn tree() -> Vec<Oid> {
        let mut t = Vec::new();
        for col in 1..=5u32 {
            for row in 1..=40u32 {
                t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, col, row]));
            }
        }
        for i in 1..=30u32 {
            t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, i]));
            t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 4, 20, 1, 2, 10, 0, 0, i]));
        }
        t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 1, 1, 0]));
        t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 1, 3, 0]));
        t.sort();
        t
    }

    #[test]
    fn merged_output_is_the_serial_walk_in_fewer_rounds() {
        let tree = tree();
        let mut w = ParallelWalk::new(
            Oid::from([1, 3]),
            BulkParams {
                non_repeaters: 0,
                max_repetitions: MaxRepetitions(10),
            },
            8,
        );
        let mut got = Vec::new();
        let mut rounds = 0;
        while !w.is_done() {
            rounds += 1;
            let ops = w.poll_operations();
            assert!(
                !ops.is_empty() && ops.len() <= 8 + 1,
                "{:?} merged {}",
                w.ranges,
                w.merged
            );
            for (id, op) in ops {
                match w.handle_response(id, answer(&tree, &op)) {
                    ParallelStep::Ready(v) => got.extend(v),
                    ParallelStep::Fallback { .. } => panic!("fallback"),
                }
            }
        }
        let oids: Vec<Oid> = got
            .iter()
            .filter(|vb| !vb.value.is_exception())
            .map(|vb| vb.oid.clone())
            .collect();
        assert_eq!(oids, tree);
        // Serially: 262 objects, 10 a request, 27 round trips.
        assert!(rounds < 15, "{rounds} rounds");
    }

    #[test]
    fn a_non_increasing_answer_falls_back() {
        let mut w = ParallelWalk::new(Oid::from([1, 3]), BulkParams::default(), 4);
        let ops = w.poll_operations();
        let mut r = answer(&tree(), &ops[0].1);
        r.varbinds[1].oid = r.varbinds[0].oid.clone();
        assert_eq!(
            w.handle_response(ops[0].0, r),
            ParallelStep::Fallback { after: None }
        );
        assert!(w.is_done());
    }
}
