//! Parallel walking, sans-IO: the subtree split into contiguous ranges walked at the same
//! time, the results merged back in OID order, so the output is the serial walk's.
//!
//! A range holds the OIDs in `(last, end]`: GetBulk continues after `last`, and the range
//! owns its `end` itself (so a range that starts at a cut needs no Get of the cut: the range
//! before it reaches it by GetNext). A walk starts as one range. While fewer ranges are going
//! than the requests in flight can carry, a range whose answer stands at OID `o` is split:
//! down its column at the spacing its rows showed, and at the next siblings of `o`'s
//! ancestors (the next column, the next table, ...). Ranges never overlap and together cover
//! the subtree, so their results, concatenated in range order, are the walk.
//!
//! A request is one GetBulk for several ranges at once (one varbind each; RFC 3416 section
//! 4.2.3: the answer holds the repetitions in order, varbind `k` for range `k % n`), at most
//! `parallel` requests in flight: a round trip carries several ranges' rows, as a table walk
//! carries several columns'. An agent that answers with fewer repetitions than asked (its
//! size limit) only slows the ranges down.
//!
//! An agent's size limit is learned, as the engine learns it for one GetBulk: a short answer
//! (the agent cut it, or the engine asked again with fewer repetitions after a tooBig) sets
//! the varbinds a request asks for from then on; a tooBig that reaches the walk (the engine
//! was already down to one repetition) halves them, and the request's ranges are asked
//! again, fewer to a request. Only a tooBig for a single varbind falls back.
//!
//! Each range keeps the serial walk's checks (an OID that does not increase stops it);
//! when one trips, or the agent answers with an error, the caller is told to fall back to
//! a serial walk resumed after the last OID already merged, which then reports exactly what
//! the serial walk reports.

use super::{BulkParams, Oid, Operation, Response, VarBind};
use crate::proto::Value;
use crate::proto::engine::MaxRepetitions;
use crate::proto::pdu::ErrorStatus;

/// Identifies a request of a parallel walk (the ranges it carries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestTag(pub usize);

/// At most this many varbinds asked for in one request (ranges × max-repetitions): Net-SNMP
/// agents answer at most 100 (`maxGetbulkResponses`). An agent's size limit lowers it.
const VARBINDS_PER_REQUEST: u32 = 100;

#[derive(Debug)]
struct Range {
    /// The range begins after this OID (the root, or the cut that made it).
    start: Oid,
    /// The walk continues after this OID.
    last: Oid,
    /// Inclusive upper bound; `None`: the end of the root's subtree.
    end: Option<Oid>,
    /// Known to hold something: walked with max-repetitions. A range a cut made is first
    /// asked for one OID (a non-repeater of the GetBulk), since many cuts (the column after
    /// the last, the rows past the end) hold nothing.
    known: bool,
    in_flight: bool,
    done: bool,
    found: Vec<VarBind>,
}

impl Range {
    fn new(start: Oid, end: Option<Oid>, known: bool) -> Range {
        Range {
            last: start.clone(),
            start,
            end,
            known,
            in_flight: false,
            done: false,
            found: Vec::new(),
        }
    }

    /// Not walked at all yet, and not waiting for an answer.
    fn untouched(&self) -> bool {
        !self.done && !self.in_flight && self.last == self.start
    }
}

/// The ranges a request carries: first those asked for one OID (non-repeaters), then those
/// walked with max-repetitions.
#[derive(Debug, Default)]
struct Batch {
    probes: Vec<usize>,
    walkers: Vec<usize>,
    /// The max-repetitions asked for the walkers.
    repetitions: u32,
}

impl Batch {
    /// Varbinds the request asked for.
    fn asked(&self) -> usize {
        self.probes.len() + self.walkers.len() * self.repetitions as usize
    }
}

/// A range's answer held an OID not after the one before it.
#[derive(Debug)]
struct NotIncreasing;

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
    max_repetitions: MaxRepetitions,
    /// Requests in flight at most.
    parallel: usize,
    /// Varbinds one request asks for at most: `VARBINDS_PER_REQUEST`, or less once the
    /// agent showed its size limit.
    budget: u32,
    /// Every range, by id (ranges are only ever added).
    ranges: Vec<Range>,
    /// Range ids in OID order of their starts.
    order: Vec<usize>,
    /// Ranges before this position of `order` have been returned whole.
    merged: usize,
    /// The ranges of each request in flight, by tag.
    requests: Vec<Option<Batch>>,
    in_flight: usize,
    /// The last OID returned.
    last_returned: Option<Oid>,
    failed: bool,
}

impl ParallelWalk {
    /// Walks `root` with up to `parallel` requests in flight.
    pub fn new(root: Oid, bulk: BulkParams, parallel: usize) -> ParallelWalk {
        let repetitions = bulk.max_repetitions.0.max(1);
        ParallelWalk {
            ranges: vec![Range::new(root.clone(), None, true)],
            order: vec![0],
            root,
            max_repetitions: MaxRepetitions(repetitions),
            parallel: parallel.max(1),
            budget: VARBINDS_PER_REQUEST,
            merged: 0,
            requests: Vec::new(),
            in_flight: 0,
            last_returned: None,
            failed: false,
        }
    }

    /// The max-repetitions a request asks for: the walk's, within the budget.
    fn repetitions(&self) -> u32 {
        self.max_repetitions.0.min(self.budget).max(1)
    }

    /// Ranges one request carries at most.
    fn per_request(&self) -> usize {
        (self.budget / self.repetitions()).max(1) as usize
    }

    /// True once every range is done (or the walk must fall back).
    pub fn is_done(&self) -> bool {
        self.failed || self.merged == self.order.len()
    }

    /// Requests to send now, as many as may be added in flight: the first ranges in OID
    /// order that are going and not waiting for an answer, those known to hold something
    /// shared out evenly (max-repetitions each), the others asked for one OID each in the
    /// room left (at most `budget` varbinds a request).
    pub fn poll_operations(&mut self) -> Vec<(RequestTag, Operation)> {
        let mut ops = Vec::new();
        let free = self.parallel - self.in_flight;
        if self.failed || free == 0 {
            return ops;
        }
        let (mut walkers, mut probes) = (Vec::new(), Vec::new());
        for &i in &self.order[self.merged..] {
            let r = &self.ranges[i];
            if r.done || r.in_flight {
                continue;
            }
            if r.known {
                walkers.push(i);
            } else {
                probes.push(i);
            }
        }
        let repetitions = self.repetitions();
        let (budget, per_request) = (self.budget as usize, self.per_request());
        let requests = walkers.len().div_ceil(per_request).min(free);
        let share = walkers.len().div_ceil(requests.max(1)).min(per_request);
        let mut batches: Vec<Batch> = walkers
            .chunks(share.max(1))
            .take(requests)
            .map(|w| Batch {
                probes: Vec::new(),
                walkers: w.to_vec(),
                repetitions,
            })
            .collect();
        let mut probes = probes.into_iter().peekable();
        for b in &mut batches {
            let room = budget.saturating_sub(b.asked());
            b.probes.extend(probes.by_ref().take(room));
        }
        while batches.len() < free && probes.peek().is_some() {
            batches.push(Batch {
                probes: probes.by_ref().take(budget).collect(),
                walkers: Vec::new(),
                repetitions: 0,
            });
        }
        for batch in batches {
            let mut oids = Vec::with_capacity(batch.probes.len() + batch.walkers.len());
            for &i in batch.probes.iter().chain(&batch.walkers) {
                self.ranges[i].in_flight = true;
                oids.push(self.ranges[i].last.clone());
            }
            let tag = match self.requests.iter().position(Option::is_none) {
                Some(free) => free,
                None => {
                    self.requests.push(None);
                    self.requests.len() - 1
                }
            };
            let non_repeaters = batch.probes.len() as u32;
            let max_repetitions = MaxRepetitions(batch.repetitions);
            self.requests[tag] = Some(batch);
            self.in_flight += 1;
            ops.push((
                RequestTag(tag),
                Operation::GetBulk {
                    non_repeaters,
                    max_repetitions,
                    oids,
                },
            ));
        }
        ops
    }

    /// Feeds the answer to a request.
    pub fn handle_response(&mut self, tag: RequestTag, response: Response) -> ParallelStep {
        let Some(batch) = self.requests.get_mut(tag.0).and_then(Option::take) else {
            return ParallelStep::Ready(Vec::new());
        };
        self.in_flight -= 1;
        if response.error_status == ErrorStatus::TooBig {
            return self.too_big(&batch);
        }
        if response.error_status != ErrorStatus::NoError || response.varbinds.is_empty() {
            return self.fail();
        }
        // Cut short by the agent's size limit (not by the end of its view, where an agent
        // may stop repeating): ask for no more than that from now on.
        let received = response.varbinds.len();
        if received < batch.asked()
            && response
                .varbinds
                .last()
                .is_some_and(|vb| !vb.value.is_exception())
        {
            self.budget = self.budget.min(received as u32);
        }
        // RFC 3416 4.2.3: one varbind per non-repeater, then the repetitions in order,
        // varbind k of them continuing walker k % n.
        let mut varbinds = response.varbinds.into_iter();
        let mut parts: Vec<(usize, Vec<VarBind>)> = Vec::new();
        for &i in &batch.probes {
            parts.push((i, varbinds.next().into_iter().collect()));
        }
        let n = batch.walkers.len();
        let mut walker_parts: Vec<Vec<VarBind>> = vec![Vec::new(); n];
        for (k, vb) in varbinds.enumerate() {
            if n > 0 {
                walker_parts[k % n].push(vb);
            }
        }
        parts.extend(batch.walkers.iter().copied().zip(walker_parts));
        for (i, part) in parts {
            // Until its own part is taken, a range of this request is not fed another's.
            self.ranges[i].in_flight = false;
            if self.take_part(i, part).is_err() {
                return self.fail();
            }
        }
        ParallelStep::Ready(self.merge())
    }

    /// Takes one range's varbinds of an answer; what lies past its end goes on to the
    /// ranges after it that nothing was asked for yet (a probe that found a range empty has
    /// found where the next one starts). `Err` when an OID does not increase.
    fn take_part(&mut self, i: usize, part: Vec<VarBind>) -> Result<(), NotIncreasing> {
        if self.ranges[i].done {
            // Ended meanwhile (the view ended in a range before it).
            return Ok(());
        }
        let first_oid = part.first().map(|vb| vb.oid.clone());
        // A probe's one OID says nothing of how the range goes on: no split on it.
        let walked = part.len() > 1;
        let (last_in_range, rest) = self.take_in_range(i, part)?;
        if self.ranges[i]
            .found
            .last()
            .is_some_and(|vb| vb.value == Value::EndOfMibView)
        {
            // The agent's view ends in this range: the ranges after it hold nothing.
            self.end_ranges_after(i);
            return Ok(());
        }
        if !self.ranges[i].done {
            if walked && let Some(o) = last_in_range {
                self.split(i, first_oid.as_ref(), &o);
            }
            return Ok(());
        }
        // What came after this range's end: the beginning of the ranges after it.
        let mut rest = rest;
        let mut at = self.order.iter().position(|&r| r == i).unwrap_or(0) + 1;
        while !rest.is_empty()
            && let Some(&j) = self.order.get(at)
            && self.ranges[j].untouched()
        {
            let (_, more) = self.take_in_range(j, rest)?;
            rest = more;
            if self.ranges[j]
                .found
                .last()
                .is_some_and(|vb| vb.value == Value::EndOfMibView)
            {
                self.end_ranges_after(j);
                break;
            }
            at += 1;
        }
        Ok(())
    }

    /// Adds to range `i` the varbinds of `part` that lie in it, with the serial walk's
    /// checks; returns the last OID taken and the varbinds past the range's end.
    fn take_in_range(
        &mut self,
        i: usize,
        part: Vec<VarBind>,
    ) -> Result<(Option<Oid>, Vec<VarBind>), NotIncreasing> {
        let r = &mut self.ranges[i];
        let mut last_in_range = None;
        let mut part = part.into_iter();
        let mut rest = Vec::new();
        for vb in part.by_ref() {
            let past_end = r.end.as_ref().is_some_and(|e| vb.oid > *e);
            if !vb.oid.starts_with(&self.root) || past_end {
                r.done = true;
                rest.push(vb);
                break;
            }
            let exception = vb.value.is_exception();
            if !exception && vb.oid <= r.last {
                // Not increasing: let the serial walk report it as it does.
                return Err(NotIncreasing);
            }
            r.known = true;
            r.last = vb.oid.clone();
            last_in_range = Some(vb.oid.clone());
            let at_end = r.end.as_ref() == Some(&vb.oid);
            r.found.push(vb);
            if exception || at_end {
                r.done = true;
                break;
            }
        }
        rest.extend(part);
        Ok((last_in_range, rest))
    }

    /// The agent refused a request as too big. The engine already asked again with one
    /// repetition (RFC 3416 4.2.3 lets it halve max-repetitions, and it does down to 1), so
    /// one varbind per range was too many: half that from now on, and the ranges go back to
    /// be asked again. A single varbind too big is the agent's answer to the walk: fall
    /// back, and the serial walk reports it.
    fn too_big(&mut self, batch: &Batch) -> ParallelStep {
        let tried = batch.probes.len() + batch.walkers.len();
        if tried <= 1 {
            return self.fail();
        }
        self.budget = self.budget.min(tried as u32 / 2).max(1);
        for &i in batch.probes.iter().chain(&batch.walkers) {
            self.ranges[i].in_flight = false;
        }
        ParallelStep::Ready(Vec::new())
    }

    fn fail(&mut self) -> ParallelStep {
        self.failed = true;
        ParallelStep::Fallback {
            after: self.last_returned.clone(),
        }
    }

    /// Splits range `i`, whose walk stands at `o` (its part of the last answer began at
    /// `first`), while more ranges are wanted than are going: down its column at the spacing
    /// the answer showed, then at the next siblings of `o`'s ancestors, nearest first (the
    /// rest of this column, the next columns, the next tables ...), each a range of its own.
    fn split(&mut self, i: usize, first: Option<&Oid>, o: &Oid) {
        let going = self.order[self.merged..]
            .iter()
            .filter(|&&r| !self.ranges[r].done && self.ranges[r].known)
            .count();
        let wanted = self.parallel * self.per_request();
        let slots = wanted.saturating_sub(going);
        if slots == 0 {
            return;
        }
        let end = self.ranges[i].end.clone();
        let cuts = self.cuts(first, o, end.as_ref(), slots);
        let Some(first_cut) = cuts.first() else {
            return;
        };
        self.ranges[i].end = Some(first_cut.clone());
        let mut at = self.order.iter().position(|&r| r == i).unwrap_or(0);
        for (k, cut) in cuts.iter().enumerate() {
            let id = self.ranges.len();
            let range_end = cuts.get(k + 1).cloned().or_else(|| end.clone());
            self.ranges.push(Range::new(cut.clone(), range_end, false));
            at += 1;
            self.order.insert(at, id);
        }
    }

    /// Up to `slots` cut points after `o`, in increasing order, all before `end`.
    fn cuts(&self, first: Option<&Oid>, o: &Oid, end: Option<&Oid>, slots: usize) -> Vec<Oid> {
        let before_end = |c: &Oid| end.is_none_or(|e| c < e);
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
            for m in 1..=slots.div_ceil(2) {
                let Some(v) = step.checked_mul(m as u32).and_then(|d| b.checked_add(d)) else {
                    break;
                };
                let mut c = arcs[..arcs.len() - 1].to_vec();
                c.push(v);
                let c = Oid::from(c);
                if !before_end(&c) {
                    break;
                }
                cuts.push(c);
            }
        }
        // The next siblings of each ancestor, nearest first (the next column, the next
        // table, ...), then the ones after those (columns are numbered in a row): a guess
        // that holds nothing costs one OID of a probe.
        let depths = (self.root.len() + 1..arcs.len()).rev();
        'passes: for ahead in 1..=slots as u32 {
            let before = cuts.len();
            for depth in depths.clone() {
                if cuts.len() >= slots {
                    break 'passes;
                }
                let Some(next) = arcs[depth - 1].checked_add(ahead) else {
                    continue;
                };
                let mut s = arcs[..depth - 1].to_vec();
                s.push(next);
                let s = Oid::from(s);
                if before_end(&s) && !cuts.contains(&s) {
                    cuts.push(s);
                }
            }
            if cuts.len() == before {
                break;
            }
        }
        cuts.sort();
        cuts
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

    /// A parallel walk's request: non-repeaters, max-repetitions and OIDs of its GetBulk.
    fn bulk(op: &Operation) -> (usize, u32, &[Oid]) {
        match op {
            Operation::GetBulk {
                non_repeaters,
                max_repetitions,
                oids,
            } => (*non_repeaters as usize, max_repetitions.0, oids),
            _ => panic!("not a GetBulk: {op:?}"),
        }
    }

    /// An agent over a sorted list of OIDs, answering at most `limit` varbinds (a size
    /// limit, as RFC 3416 4.2.3 lets an agent answer fewer repetitions).
    fn answer(tree: &[Oid], op: &Operation, limit: usize) -> Response {
        let (np, max_repetitions, oids) = bulk(op);
        let next = |cur: &Oid| match tree.iter().find(|o| *o > cur) {
            Some(o) => VarBind::new(o.clone(), Value::Integer(1)),
            None => VarBind::new(cur.clone(), Value::EndOfMibView),
        };
        let mut varbinds: Vec<VarBind> = oids[..np].iter().map(next).collect();
        let mut at: Vec<Oid> = oids[np..].to_vec();
        'rows: for _ in 0..max_repetitions {
            for cur in &mut at {
                if varbinds.len() == limit {
                    break 'rows;
                }
                let vb = match tree.iter().find(|o| *o > cur) {
                    Some(o) => VarBind::new(o.clone(), Value::Integer(1)),
                    None => VarBind::new(cur.clone(), Value::EndOfMibView),
                };
                *cur = vb.oid.clone();
                varbinds.push(vb);
            }
        }
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
        // Instances that are exactly cut points: a scalar right after a table, and the
        // next sibling of a column's parent.
        t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 2, 3]));
        t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 1, 1, 0]));
        t.push(Oid::from(vec![1, 3, 6, 1, 2, 1, 1, 3, 0]));
        t.sort();
        t
    }

    /// An agent over `tree` that answers tooBig when more than `too_big_above` varbinds
    /// would not fit, as the engine sees it: a GetBulk refused is asked again with half the
    /// repetitions, down to 1 (`proto::engine`). Counts the tooBig answers in `too_bigs`.
    fn answer_through_engine(
        tree: &[Oid],
        op: &Operation,
        too_big_above: usize,
        too_bigs: &mut usize,
    ) -> Response {
        let Operation::GetBulk {
            non_repeaters,
            mut max_repetitions,
            oids,
        } = op.clone()
        else {
            panic!("not a GetBulk: {op:?}");
        };
        loop {
            let asked = Operation::GetBulk {
                non_repeaters,
                max_repetitions,
                oids: oids.clone(),
            };
            let mut r = answer(tree, &asked, usize::MAX);
            if r.varbinds.len() <= too_big_above {
                return r;
            }
            *too_bigs += 1;
            if max_repetitions.0 <= 1 {
                r.error_status = ErrorStatus::TooBig;
                r.varbinds.clear();
                return r;
            }
            max_repetitions = MaxRepetitions(max_repetitions.0 / 2);
        }
    }

    /// Walks `tree` under `root` with requests answered in the order `pick` chooses among
    /// those in flight; returns the OIDs yielded and the number of round trips.
    fn walk(
        tree: &[Oid],
        root: Oid,
        parallel: usize,
        limit: usize,
        pick: impl FnMut(usize) -> usize,
    ) -> (Vec<Oid>, usize) {
        walk_with(root, parallel, 10, pick, |op| answer(tree, op, limit))
    }

    /// Walks `root` with `repetitions`, requests answered by `respond` in the order `pick`
    /// chooses among those in flight; returns the OIDs yielded and the number of requests.
    fn walk_with(
        root: Oid,
        parallel: usize,
        repetitions: u32,
        mut pick: impl FnMut(usize) -> usize,
        mut respond: impl FnMut(&Operation) -> Response,
    ) -> (Vec<Oid>, usize) {
        let bulk = BulkParams {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(repetitions),
        };
        let mut w = ParallelWalk::new(root, bulk, parallel);
        let mut got = Vec::new();
        let mut pending: Vec<(RequestTag, Operation)> = Vec::new();
        let mut requests = 0;
        while !w.is_done() {
            let new = w.poll_operations();
            requests += new.len();
            pending.extend(new);
            assert!(pending.len() <= parallel, "{} in flight", pending.len());
            assert!(!pending.is_empty(), "stalled: {:?}", w.ranges);
            let (tag, op) = pending.remove(pick(pending.len()) % pending.len());
            match w.handle_response(tag, respond(&op)) {
                ParallelStep::Ready(v) => got.extend(v),
                ParallelStep::Fallback { .. } => panic!("fallback"),
            }
        }
        let oids = got
            .iter()
            .filter(|vb| !vb.value.is_exception())
            .map(|vb| vb.oid.clone())
            .collect();
        (oids, requests)
    }

    #[test]
    fn merged_output_is_the_serial_walk_in_fewer_rounds() {
        let tree = tree();
        let (oids, requests) = walk(&tree, Oid::from([1, 3]), 8, usize::MAX, |_| 0);
        assert_eq!(oids, tree);
        // Serially: 265 objects, 10 a request, 27 round trips; in parallel more requests
        // (ranges end inside an answer) but far fewer rounds, each carrying several ranges.
        assert!(requests < 40, "{requests} requests");
        // Answers in any order, and cut short by an agent's size limit.
        let mut seed = 7usize;
        let shuffled = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let (oids, _) = walk(&tree, Oid::from([1, 3]), 3, 7, shuffled);
        assert_eq!(oids, tree);
        // A subtree, and a root that is itself a cut point's parent.
        let ifs = Oid::from([1, 3, 6, 1, 2, 1, 2]);
        let (oids, _) = walk(&tree, ifs.clone(), 4, usize::MAX, |n| n - 1);
        let want: Vec<Oid> = tree
            .iter()
            .filter(|o| o.starts_with(&ifs))
            .cloned()
            .collect();
        assert_eq!(oids, want);
    }

    #[test]
    fn any_answer_order_any_size_limit_any_root_gives_the_serial_walk() {
        let tree = tree();
        let mut seed = 11usize;
        let mut random = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let roots: [&[u32]; 5] = [
            &[1, 3],
            &[1, 3, 6, 1, 2, 1],
            &[1, 3, 6, 1, 2, 1, 2, 2, 1, 3],
            &[1, 3, 6, 1, 2, 1, 4, 20, 1],
            &[1, 3, 6, 1, 2, 1, 1],
        ];
        for root in roots {
            let root = Oid::from(root.to_vec());
            let want: Vec<Oid> = tree
                .iter()
                .filter(|o| o.starts_with(&root))
                .cloned()
                .collect();
            for parallel in 1..=8 {
                for limit in [1, 2, 5, 13, usize::MAX] {
                    let (oids, _) = walk(&tree, root.clone(), parallel, limit, &mut random);
                    assert_eq!(oids, want, "root {root} parallel {parallel} limit {limit}");
                }
            }
        }
    }

    #[test]
    fn one_request_carries_several_ranges_and_never_more_varbinds_than_an_agent_answers() {
        let tree = tree();
        let mut w = ParallelWalk::new(Oid::from([1, 3]), BulkParams::default(), 2);
        let mut pending: Vec<(RequestTag, Operation)> = Vec::new();
        let (mut most_in_flight, mut most_walkers) = (0, 0);
        while !w.is_done() {
            pending.extend(w.poll_operations());
            most_in_flight = most_in_flight.max(pending.len());
            for (_, op) in &pending {
                let (non_repeaters, max_repetitions, oids) = bulk(op);
                let walkers = oids.len() - non_repeaters;
                let asked = non_repeaters + walkers * max_repetitions as usize;
                assert!(asked <= 100, "{op:?}");
                most_walkers = most_walkers.max(walkers);
            }
            let (tag, op) = pending.remove(0);
            let _ = w.handle_response(tag, answer(&tree, &op, usize::MAX));
        }
        assert_eq!(most_in_flight, 2);
        assert!(most_walkers > 1, "{most_walkers}");
    }

    #[test]
    fn a_non_increasing_answer_falls_back() {
        let mut w = ParallelWalk::new(Oid::from([1, 3]), BulkParams::default(), 4);
        let ops = w.poll_operations();
        let mut r = answer(&tree(), &ops[0].1, usize::MAX);
        r.varbinds[1].oid = r.varbinds[0].oid.clone();
        assert_eq!(
            w.handle_response(ops[0].0, r),
            ParallelStep::Fallback { after: None }
        );
        assert!(w.is_done());
    }

    #[test]
    fn an_agent_answering_too_big_gets_smaller_requests_for_the_rest_of_the_walk() {
        let tree = tree();
        let root = Oid::from([1, 3]);
        let mut seed = 5usize;
        let mut random = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for (parallel, repetitions, too_big_above) in
            [(8, 10, 12), (8, 50, 3), (3, 25, 40), (4, 10, 1), (1, 10, 7)]
        {
            let mut too_bigs = 0;
            let (oids, requests) =
                walk_with(root.clone(), parallel, repetitions, &mut random, |op| {
                    answer_through_engine(&tree, op, too_big_above, &mut too_bigs)
                });
            let case = format!("parallel {parallel} -Cr{repetitions} tooBig above {too_big_above}");
            assert_eq!(oids, tree, "{case}");
            // Learned once (by each request already in flight then), not paid on every
            // request as a walk asking for the same each time would.
            assert!(
                too_bigs * 4 < requests,
                "{case}: {too_bigs} tooBig answers, {requests} requests"
            );
        }
    }

    #[test]
    fn a_too_big_answer_to_a_single_varbind_falls_back() {
        let mut w = ParallelWalk::new(Oid::from([1, 3]), BulkParams::default(), 4);
        let ops = w.poll_operations();
        assert_eq!(bulk(&ops[0].1).2.len(), 1);
        let mut r = answer(&tree(), &ops[0].1, usize::MAX);
        r.error_status = ErrorStatus::TooBig;
        r.varbinds.clear();
        assert_eq!(
            w.handle_response(ops[0].0, r),
            ParallelStep::Fallback { after: None }
        );
        assert!(w.is_done());
    }
}
