//! Parallel walks over the `Client`: `proto::walk::parallel::ParallelWalk` decides the
//! requests and the order; this keeps up to N of them in flight and hands back what is
//! ready, in OID order. When the agent misbehaves the walk goes on serially from the last
//! OID returned, with the serial walk's checks and messages.

use std::sync::Arc;

use tokio::task::JoinSet;

use super::driver::{Client, WalkItem, Walker};
use crate::proto::Oid;
use crate::proto::engine::{RequestError, Response, Target};
use crate::proto::walk::parallel::{ParallelStep, ParallelWalk, RangeId};
use crate::proto::walk::{Step, Walk, WalkEnd, WalkOptions};

/// A parallel walk in progress; pull its results with `next`, as with `Walker`.
pub struct ParallelWalker {
    client: Client,
    target: Arc<Target>,
    root: Oid,
    options: WalkOptions,
    walk: ParallelWalk,
    in_flight: JoinSet<(RangeId, Result<Response, RequestError>)>,
    /// Set once the walk fell back to a serial walk.
    serial: Option<Walker>,
    count: usize,
    finished: bool,
}

impl ParallelWalker {
    /// Walks `root` with GetBulk (`options.bulk`, or snmpbulkwalk's defaults), at most
    /// `parallel` requests in flight.
    pub fn new(
        client: &Client,
        target: &Arc<Target>,
        root: Oid,
        options: WalkOptions,
        parallel: usize,
    ) -> ParallelWalker {
        let bulk = options.bulk.unwrap_or_default();
        ParallelWalker {
            client: client.clone(),
            target: Arc::clone(target),
            walk: ParallelWalk::new(root.clone(), bulk, parallel),
            root,
            options,
            in_flight: JoinSet::new(),
            serial: None,
            count: 0,
            finished: false,
        }
    }

    /// Varbinds returned so far.
    pub fn count(&self) -> usize {
        self.serial.as_ref().map_or(self.count, Walker::count)
    }

    /// The next varbinds in OID order; `None` once the walk is over.
    pub async fn next(&mut self) -> Option<WalkItem> {
        if let Some(serial) = self.serial.as_mut() {
            return serial.next().await;
        }
        if self.finished {
            return None;
        }
        loop {
            for (id, op) in self.walk.poll_operations() {
                let client = self.client.clone();
                let target = Arc::clone(&self.target);
                self.in_flight
                    .spawn(async move { (id, client.request(&target, op).await) });
            }
            let Some(joined) = self.in_flight.join_next().await else {
                self.finished = true;
                return Some(WalkItem::Step(Step {
                    yielded: Vec::new(),
                    finished: Some(Ok(WalkEnd::Complete)),
                }));
            };
            let (id, result) = match joined {
                Ok(r) => r,
                Err(_) => (RangeId(usize::MAX), Err(RequestError::Cancelled)),
            };
            let response = match result {
                Ok(r) => r,
                Err(e) => {
                    self.in_flight.abort_all();
                    self.finished = true;
                    return Some(WalkItem::Failed(e));
                }
            };
            match self.walk.handle_response(id, response) {
                ParallelStep::Ready(yielded) => {
                    self.count += yielded.len();
                    let done = self.walk.is_done();
                    // Nothing under the root: the serial walk's Get of the root decides.
                    if done && self.count == 0 && self.options.fallback_get {
                        let walk = Walk::new(self.root.clone(), self.options.clone());
                        let serial =
                            self.serial
                                .insert(Walker::from_walk(&self.client, &self.target, walk));
                        return serial.next().await;
                    }
                    if done {
                        self.in_flight.abort_all();
                        self.finished = true;
                    }
                    if !yielded.is_empty() || done {
                        return Some(WalkItem::Step(Step {
                            yielded,
                            finished: done.then_some(Ok(WalkEnd::Complete)),
                        }));
                    }
                }
                ParallelStep::Fallback { after } => {
                    self.in_flight.abort_all();
                    let walk = match after {
                        Some(after) => {
                            Walk::resume(self.root.clone(), self.options.clone(), after, self.count)
                        }
                        None => Walk::new(self.root.clone(), self.options.clone()),
                    };
                    let serial =
                        self.serial
                            .insert(Walker::from_walk(&self.client, &self.target, walk));
                    return serial.next().await;
                }
            }
        }
    }
}
