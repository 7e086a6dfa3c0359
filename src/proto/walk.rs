//! The walk state machine, sans-IO: which request comes next and what of each response a
//! walk yields, by Net-SNMP's rules (apps/snmpwalk.c, apps/snmpbulkwalk.c):
//!
//! - yield varbinds while they lie under the root; stop at the first one outside it, or at
//!   or past the end OID (`-CE`);
//! - an exception value (endOfMibView, noSuchObject, noSuchInstance) is yielded, then stops;
//! - an OID that does not increase is yielded, then is an error, unless checking is off
//!   (`-Cc`); even then an OID seen before is a loop and stops the walk;
//! - `-Ci` Gets the root first; if the walk yielded nothing, the root is fetched with a Get
//!   (unless `-CI`), since it may be a single instance;
//! - an error-status ends the walk; noSuchName (v1's end of view) is a normal end.

use std::collections::HashSet;

pub mod parallel;

use super::engine::{MaxRepetitions, Operation, Response};
use super::oid::Oid;
use super::pdu::{ErrorStatus, VarBind};

/// GetBulk parameters for a bulk walk (`-Cn`, `-Cr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkParams {
    pub non_repeaters: u32,
    pub max_repetitions: MaxRepetitions,
}

impl Default for BulkParams {
    /// snmpbulkwalk's defaults.
    fn default() -> Self {
        BulkParams {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(10),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkOptions {
    /// `None` walks with GetNext.
    pub bulk: Option<BulkParams>,
    /// Off with `-Cc`.
    pub check_increasing: bool,
    /// `-CE OID`: stop before this OID.
    pub end: Option<Oid>,
    /// `-Ci`: Get the root itself first.
    pub include_root: bool,
    /// Off with `-CI`: no Get of the root when the walk found nothing.
    pub fallback_get: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            bulk: None,
            check_increasing: true,
            end: None,
            include_root: false,
            fallback_get: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// Net-SNMP prints "Error: OID not increasing: A >= B".
    #[error("OID not increasing: {previous} >= {current}")]
    NotIncreasing { previous: Oid, current: Oid },
    #[error("OID loop: the agent returned {oid} a second time; stopping the walk")]
    Loop { oid: Oid },
    /// Net-SNMP would ask again forever; the agent cannot be walked further from here.
    #[error(
        "the agent answered the request after {after} with no variables and no error; it cannot be walked further (try a smaller -Cr, or walk with GetNext)"
    )]
    EmptyResponse { after: Oid },
    /// The agent answered with an error-status other than noSuchName.
    #[error("{}", .status.net_snmp_text())]
    ErrorStatus {
        status: ErrorStatus,
        index: i64,
        /// The varbind the error index points at, if any.
        failed: Option<Oid>,
    },
}

/// How a walk ended normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkEnd {
    /// Left the subtree, passed the end OID, or met an exception value.
    Complete,
    /// The agent said noSuchName (SNMPv1's end of the MIB view); Net-SNMP prints "End of MIB".
    EndOfMib,
}

/// What a response did to the walk.
#[derive(Debug, PartialEq, Eq)]
pub struct Step {
    /// Varbinds to show, in order.
    pub yielded: Vec<VarBind>,
    /// `None` while the walk goes on.
    pub finished: Option<Result<WalkEnd, WalkError>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    IncludeRoot,
    Walking,
    FallbackGet,
    Done,
}

pub struct Walk {
    root: Oid,
    options: WalkOptions,
    last: Oid,
    phase: Phase,
    yielded_in_walk: usize,
    yielded_total: usize,
    seen: HashSet<Oid>,
    end_reason: WalkEnd,
}

impl Walk {
    pub fn new(root: Oid, options: WalkOptions) -> Walk {
        let phase = if options.include_root {
            Phase::IncludeRoot
        } else {
            Phase::Walking
        };
        Walk {
            last: root.clone(),
            root,
            options,
            phase,
            yielded_in_walk: 0,
            yielded_total: 0,
            seen: HashSet::new(),
            end_reason: WalkEnd::Complete,
        }
    }

    /// A walk of `root` that goes on after `after` (which it has already shown): a parallel
    /// walk's serial fallback. The root is not fetched again.
    pub fn resume(root: Oid, options: WalkOptions, after: Oid, shown: usize) -> Walk {
        let mut w = Walk::new(root, options);
        w.phase = Phase::Walking;
        w.last = after;
        w.yielded_in_walk = shown.max(1);
        w.yielded_total = shown;
        w
    }

    pub fn root(&self) -> &Oid {
        &self.root
    }

    /// Varbinds yielded so far (what `-Cp` prints as "Variables found").
    pub fn count(&self) -> usize {
        self.yielded_total
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The request to send next; `None` once the walk is over.
    pub fn next_operation(&self) -> Option<Operation> {
        match self.phase {
            Phase::IncludeRoot | Phase::FallbackGet => {
                Some(Operation::Get(vec![self.root.clone()]))
            }
            Phase::Walking => Some(match self.options.bulk {
                None => Operation::GetNext(vec![self.last.clone()]),
                Some(b) => Operation::GetBulk {
                    non_repeaters: b.non_repeaters,
                    max_repetitions: b.max_repetitions,
                    oids: vec![self.last.clone()],
                },
            }),
            Phase::Done => None,
        }
    }

    /// Feeds the answer to the last `next_operation`.
    pub fn handle_response(&mut self, response: Response) -> Step {
        match self.phase {
            Phase::IncludeRoot => {
                let yielded = self.get_result(response);
                self.phase = Phase::Walking;
                Step {
                    yielded,
                    finished: None,
                }
            }
            Phase::FallbackGet => {
                let yielded = self.get_result(response);
                self.phase = Phase::Done;
                Step {
                    yielded,
                    finished: Some(Ok(self.end_reason)),
                }
            }
            Phase::Walking => self.walk_result(response),
            Phase::Done => Step {
                yielded: vec![],
                finished: Some(Ok(self.end_reason)),
            },
        }
    }

    /// A Get of the root shows whatever came back, exceptions included, but nothing when
    /// the agent answered with an error-status (as snmp_get_and_print does).
    fn get_result(&mut self, response: Response) -> Vec<VarBind> {
        if response.error_status != ErrorStatus::NoError {
            return vec![];
        }
        self.yielded_total += response.varbinds.len();
        response.varbinds
    }

    fn walk_result(&mut self, response: Response) -> Step {
        if response.error_status != ErrorStatus::NoError {
            if response.error_status == ErrorStatus::NoSuchName {
                self.end_reason = WalkEnd::EndOfMib;
                return self.end_of_walk(vec![]);
            }
            let failed = usize::try_from(response.error_index - 1)
                .ok()
                .and_then(|i| response.varbinds.get(i))
                .map(|vb| vb.oid.clone());
            self.phase = Phase::Done;
            return Step {
                yielded: vec![],
                finished: Some(Err(WalkError::ErrorStatus {
                    status: response.error_status,
                    index: response.error_index,
                    failed,
                })),
            };
        }
        if response.varbinds.is_empty() {
            self.phase = Phase::Done;
            return Step {
                yielded: vec![],
                finished: Some(Err(WalkError::EmptyResponse {
                    after: self.last.clone(),
                })),
            };
        }
        let mut yielded = Vec::with_capacity(response.varbinds.len());
        for vb in response.varbinds {
            if !vb.oid.starts_with(&self.root) {
                return self.end_of_walk(yielded);
            }
            if self.options.end.as_ref().is_some_and(|end| vb.oid >= *end) {
                return self.end_of_walk(yielded);
            }
            let exception = vb.value.is_exception();
            let oid = vb.oid.clone();
            yielded.push(vb);
            self.yielded_in_walk += 1;
            self.yielded_total += 1;
            if exception {
                return self.end_of_walk(yielded);
            }
            if self.options.check_increasing {
                if oid <= self.last {
                    self.phase = Phase::Done;
                    return Step {
                        yielded,
                        finished: Some(Err(WalkError::NotIncreasing {
                            previous: std::mem::take(&mut self.last),
                            current: oid,
                        })),
                    };
                }
            } else if !self.seen.insert(oid.clone()) {
                self.phase = Phase::Done;
                return Step {
                    yielded,
                    finished: Some(Err(WalkError::Loop { oid })),
                };
            }
            self.last = oid;
        }
        Step {
            yielded,
            finished: None,
        }
    }

    fn end_of_walk(&mut self, yielded: Vec<VarBind>) -> Step {
        if self.yielded_in_walk == 0 && self.options.fallback_get && !self.options.include_root {
            self.phase = Phase::FallbackGet;
            return Step {
                yielded,
                finished: None,
            };
        }
        self.phase = Phase::Done;
        Step {
            yielded,
            finished: Some(Ok(self.end_reason)),
        }
    }
}

/// A lock-step walk of several table columns at once (as snmptable does): each GetBulk
/// (or GetNext for v1) carries one varbind per column still going, so one request returns
/// `max-repetitions` rows of every column. A column ends when it leaves its subtree, meets
/// an exception, or stops increasing.
pub struct TableWalk {
    columns: Vec<Oid>,
    /// Where each column stands; `None` once it is done.
    positions: Vec<Option<Oid>>,
    bulk: Option<MaxRepetitions>,
    rows: Vec<VarBind>,
}

impl TableWalk {
    /// `bulk` is `None` for SNMPv1 (GetNext).
    pub fn new(columns: Vec<Oid>, bulk: Option<MaxRepetitions>) -> TableWalk {
        TableWalk {
            positions: columns.iter().cloned().map(Some).collect(),
            columns,
            bulk,
            rows: Vec::new(),
        }
    }

    pub fn is_done(&self) -> bool {
        self.positions.iter().all(Option::is_none)
    }

    /// The next request, or `None` when every column is done.
    pub fn next_operation(&self) -> Option<Operation> {
        let oids: Vec<Oid> = self.positions.iter().flatten().cloned().collect();
        if oids.is_empty() {
            return None;
        }
        Some(match self.bulk {
            Some(max_repetitions) => Operation::GetBulk {
                non_repeaters: 0,
                max_repetitions,
                oids,
            },
            None => Operation::GetNext(oids),
        })
    }

    /// Feeds the answer to the last `next_operation`. An error-status ends the walk (v1's
    /// noSuchName is the normal end there).
    pub fn handle_response(&mut self, response: Response) -> Result<(), WalkError> {
        if response.error_status != ErrorStatus::NoError {
            if response.error_status == ErrorStatus::NoSuchName {
                self.positions.iter_mut().for_each(|p| *p = None);
                return Ok(());
            }
            self.positions.iter_mut().for_each(|p| *p = None);
            return Err(WalkError::ErrorStatus {
                status: response.error_status,
                index: response.error_index,
                failed: None,
            });
        }
        let active: Vec<usize> = (0..self.columns.len())
            .filter(|i| self.positions[*i].is_some())
            .collect();
        if response.varbinds.is_empty() {
            let after = self
                .positions
                .iter()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_default();
            self.positions.iter_mut().for_each(|p| *p = None);
            return Err(WalkError::EmptyResponse { after });
        }
        // Varbind k answers column active[k % n] (RFC 3416 4.2.3: repetitions in order).
        let mut advanced = vec![false; self.columns.len()];
        for (k, vb) in response.varbinds.into_iter().enumerate() {
            let col = active[k % active.len()];
            let Some(position) = self.positions[col].clone() else {
                continue;
            };
            if vb.value.is_exception()
                || !vb.oid.is_strictly_under(&self.columns[col])
                || vb.oid <= position
            {
                self.positions[col] = None;
                continue;
            }
            advanced[col] = true;
            self.positions[col] = Some(vb.oid.clone());
            self.rows.push(vb);
        }
        // A column the agent gave nothing new for is done.
        for col in active {
            if !advanced[col] {
                self.positions[col] = None;
            }
        }
        Ok(())
    }

    /// Everything the walk found, column values in the order they came.
    pub fn into_varbinds(self) -> Vec<VarBind> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ber::Quirks;
    use crate::proto::value::Value;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn ok(varbinds: Vec<VarBind>) -> Response {
        Response {
            from: "127.0.0.1:161".parse().unwrap(),
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds,
            quirks: Quirks::default(),
            notices: vec![],
        }
    }

    fn vb(s: &str, v: i32) -> VarBind {
        VarBind::new(oid(s), Value::Integer(v.into()))
    }

    /// Runs a walk against a sorted table the way an agent would answer GetNext/GetBulk/Get.
    fn run(
        table: &[(Oid, Value)],
        root: &str,
        options: WalkOptions,
    ) -> (Vec<Oid>, Result<WalkEnd, WalkError>) {
        let mut walk = Walk::new(oid(root), options);
        let mut out = vec![];
        for _ in 0..1000 {
            let op = walk.next_operation().expect("walk wants a request");
            let response = match op {
                Operation::Get(oids) => ok(oids
                    .iter()
                    .map(|o| {
                        let v = table
                            .iter()
                            .find(|(k, _)| k == o)
                            .map_or(Value::NoSuchObject, |(_, v)| v.clone());
                        VarBind::new(o.clone(), v)
                    })
                    .collect()),
                Operation::GetNext(oids) => ok(oids.iter().map(|o| next(table, o)).collect()),
                Operation::GetBulk {
                    max_repetitions,
                    oids,
                    ..
                } => {
                    let mut cur = oids[0].clone();
                    let mut vbs = vec![];
                    for _ in 0..max_repetitions.0 {
                        let n = next(table, &cur);
                        cur = n.oid.clone();
                        let end = n.value == Value::EndOfMibView;
                        vbs.push(n);
                        if end {
                            break;
                        }
                    }
                    ok(vbs)
                }
                Operation::Set(_) | Operation::Inform(_) => unreachable!(),
            };
            let step = walk.handle_response(response);
            out.extend(step.yielded.into_iter().map(|v| v.oid));
            if let Some(end) = step.finished {
                assert!(walk.is_done());
                assert!(walk.next_operation().is_none());
                return (out, end);
            }
        }
        panic!("walk did not finish");
    }

    fn next(table: &[(Oid, Value)], after: &Oid) -> VarBind {
        table.iter().find(|(k, _)| k > after).map_or(
            VarBind::new(after.clone(), Value::EndOfMibView),
            |(k, v)| VarBind::new(k.clone(), v.clone()),
        )
    }

    fn table() -> Vec<(Oid, Value)> {
        [
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.2.1.0",
            "1.3.6.1.2.1.2.2.1.1.1",
            "1.3.6.1.2.1.2.2.1.1.2",
            "1.3.6.1.4.1.1.0",
        ]
        .iter()
        .map(|s| (oid(s), Value::Integer(1)))
        .collect()
    }

    fn strs(oids: &[Oid]) -> Vec<String> {
        oids.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn getnext_walk_stops_leaving_the_subtree() {
        let (got, end) = run(&table(), "1.3.6.1.2.1.2", WalkOptions::default());
        assert_eq!(
            strs(&got),
            [
                ".1.3.6.1.2.1.2.1.0",
                ".1.3.6.1.2.1.2.2.1.1.1",
                ".1.3.6.1.2.1.2.2.1.1.2"
            ]
        );
        assert_eq!(end, Ok(WalkEnd::Complete));
    }

    #[test]
    fn bulk_walk_equals_getnext_walk() {
        for reps in [1, 2, 3, 10] {
            let opts = WalkOptions {
                bulk: Some(BulkParams {
                    non_repeaters: 0,
                    max_repetitions: MaxRepetitions(reps),
                }),
                ..WalkOptions::default()
            };
            for root in ["1.3.6.1.2.1.2", "1.3.6.1.2.1", "1"] {
                assert_eq!(
                    run(&table(), root, opts.clone()),
                    run(&table(), root, WalkOptions::default()),
                    "{root} -Cr{reps}"
                );
            }
        }
    }

    #[test]
    fn end_of_mib_view_is_yielded_and_stops() {
        let (got, end) = run(&table(), "1", WalkOptions::default());
        assert_eq!(got.len(), 7);
        assert_eq!(got[6], oid("1.3.6.1.4.1.1.0"));
        assert_eq!(end, Ok(WalkEnd::Complete));
    }

    #[test]
    fn end_oid_stops_before_it() {
        let opts = WalkOptions {
            end: Some(oid("1.3.6.1.2.1.2.2.1.1.2")),
            ..WalkOptions::default()
        };
        let (got, _) = run(&table(), "1.3.6.1.2.1", opts);
        assert_eq!(got.last(), Some(&oid("1.3.6.1.2.1.2.2.1.1.1")));
    }

    #[test]
    fn a_leaf_instance_falls_back_to_get() {
        let (got, end) = run(&table(), "1.3.6.1.2.1.1.5.0", WalkOptions::default());
        assert_eq!(strs(&got), [".1.3.6.1.2.1.1.5.0"]);
        assert_eq!(end, Ok(WalkEnd::Complete));
        // -CI: no Get.
        let opts = WalkOptions {
            fallback_get: false,
            ..WalkOptions::default()
        };
        assert_eq!(
            run(&table(), "1.3.6.1.2.1.1.5.0", opts).0,
            Vec::<Oid>::new()
        );
    }

    #[test]
    fn include_root_gets_it_first() {
        let opts = WalkOptions {
            include_root: true,
            ..WalkOptions::default()
        };
        let (got, _) = run(&table(), "1.3.6.1.2.1.1.1.0", opts.clone());
        assert_eq!(strs(&got), [".1.3.6.1.2.1.1.1.0"]);
        let (got, _) = run(&table(), "1.3.6.1.2.1.1", opts);
        // The Get of the subtree root yields its noSuchObject, then the walk.
        assert_eq!(
            strs(&got),
            [".1.3.6.1.2.1.1", ".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.5.0"]
        );
    }

    #[test]
    fn non_increasing_oid_is_yielded_then_an_error() {
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        let step = walk.handle_response(ok(vec![
            vb("1.3.6.1.2.1.2.2.1.1.2", 2),
            vb("1.3.6.1.2.1.2.2.1.1.1", 1),
        ]));
        assert_eq!(step.yielded.len(), 2);
        assert_eq!(
            step.finished,
            Some(Err(WalkError::NotIncreasing {
                previous: oid("1.3.6.1.2.1.2.2.1.1.2"),
                current: oid("1.3.6.1.2.1.2.2.1.1.1")
            }))
        );
        assert_eq!(
            step.finished.unwrap().unwrap_err().to_string(),
            "OID not increasing: .1.3.6.1.2.1.2.2.1.1.2 >= .1.3.6.1.2.1.2.2.1.1.1"
        );
        // A repeated OID is not increasing either.
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        assert!(
            walk.handle_response(ok(vec![vb("1.3.6.1.2.1.2.1.0", 1)]))
                .finished
                .is_none()
        );
        assert!(matches!(
            walk.handle_response(ok(vec![vb("1.3.6.1.2.1.2.1.0", 1)]))
                .finished,
            Some(Err(WalkError::NotIncreasing { .. }))
        ));
    }

    #[test]
    fn unchecked_walk_continues_through_decreases_but_stops_at_a_loop() {
        let opts = WalkOptions {
            check_increasing: false,
            ..WalkOptions::default()
        };
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), opts);
        let s = walk.handle_response(ok(vec![
            vb("1.3.6.1.2.1.2.2.1.1.2", 2),
            vb("1.3.6.1.2.1.2.2.1.1.1", 1),
        ]));
        assert_eq!(s.finished, None);
        assert_eq!(
            walk.next_operation(),
            Some(Operation::GetNext(vec![oid("1.3.6.1.2.1.2.2.1.1.1")]))
        );
        let s = walk.handle_response(ok(vec![vb("1.3.6.1.2.1.2.2.1.1.2", 2)]));
        assert_eq!(s.yielded.len(), 1);
        assert_eq!(
            s.finished,
            Some(Err(WalkError::Loop {
                oid: oid("1.3.6.1.2.1.2.2.1.1.2")
            }))
        );
    }

    #[test]
    fn table_walk_in_lock_step() {
        let mut table = Vec::new();
        for col in [2u32, 8] {
            for row in 1..=5u32 {
                table.push((
                    Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, col, row]),
                    Value::Integer(row.into()),
                ));
            }
        }
        table.push((oid("1.3.6.1.2.1.2.3.0"), Value::Integer(0)));
        table.sort_by(|a, b| a.0.cmp(&b.0));
        let columns = vec![oid("1.3.6.1.2.1.2.2.1.2"), oid("1.3.6.1.2.1.2.2.1.8")];
        for bulk in [Some(MaxRepetitions(2)), Some(MaxRepetitions(10)), None] {
            let mut walk = TableWalk::new(columns.clone(), bulk);
            let mut requests = 0;
            while let Some(op) = walk.next_operation() {
                requests += 1;
                let vbs = match op {
                    Operation::GetBulk {
                        max_repetitions,
                        oids,
                        ..
                    } => {
                        let mut cur = oids.clone();
                        let mut out = vec![];
                        for _ in 0..max_repetitions.0 {
                            for c in &mut cur {
                                let n = next(&table, c);
                                *c = n.oid.clone();
                                out.push(n);
                            }
                        }
                        out
                    }
                    Operation::GetNext(oids) => oids.iter().map(|o| next(&table, o)).collect(),
                    _ => unreachable!(),
                };
                walk.handle_response(ok(vbs)).unwrap();
                assert!(requests < 20);
            }
            let got = walk.into_varbinds();
            assert_eq!(got.len(), 10, "{bulk:?}");
            assert!(
                got.iter()
                    .all(|vb| columns.iter().any(|c| vb.oid.is_strictly_under(c)))
            );
        }
    }

    #[test]
    fn an_empty_response_is_an_error_not_the_end() {
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        walk.handle_response(ok(vec![vb("1.3.6.1.2.1.2.1.0", 1)]));
        let step = walk.handle_response(ok(vec![]));
        assert_eq!(
            step.finished,
            Some(Err(WalkError::EmptyResponse {
                after: oid("1.3.6.1.2.1.2.1.0")
            }))
        );
        // Not even on the first request does it fall back to a Get.
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        assert!(matches!(
            walk.handle_response(ok(vec![])).finished,
            Some(Err(WalkError::EmptyResponse { .. }))
        ));
        assert!(walk.next_operation().is_none());
    }

    #[test]
    fn v1_no_such_name_ends_the_walk_and_other_errors_fail_it() {
        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        walk.handle_response(ok(vec![vb("1.3.6.1.2.1.2.1.0", 1)]));
        let mut r = ok(vec![vb("1.3.6.1.2.1.2.1.0", 1)]);
        r.error_status = ErrorStatus::NoSuchName;
        r.error_index = 1;
        assert_eq!(
            walk.handle_response(r).finished,
            Some(Ok(WalkEnd::EndOfMib))
        );

        let mut walk = Walk::new(oid("1.3.6.1.2.1.2"), WalkOptions::default());
        let mut r = ok(vec![vb("1.3.6.1.2.1.2", 1)]);
        r.error_status = ErrorStatus::GenErr;
        r.error_index = 1;
        assert_eq!(
            walk.handle_response(r).finished,
            Some(Err(WalkError::ErrorStatus {
                status: ErrorStatus::GenErr,
                index: 1,
                failed: Some(oid("1.3.6.1.2.1.2"))
            }))
        );
    }
}
