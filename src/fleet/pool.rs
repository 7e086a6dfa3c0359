//! The tokio side of the fleet scheduler: a `Pool` over one `net::Client` (one socket, one
//! engine) that any number of scrapes and polls share. Every request first takes a permit
//! from the `FairQueue` (bounded per agent and in total, agents served in turn), goes out
//! with the per-agent timeout and retries the agent's `AgentPolicy` chose, and teaches the
//! policy what happened. On top: Gets in batches, subtree walks, and lock-step column walks
//! whose GetBulk size follows what the agent can answer.
//!
//! Dropping a request's future gives its permit back at once, and the engine cancels the
//! request (nothing is retransmitted for a scrape that ended). Packets and retries are
//! counted from the engine's progress events, tooBig re-requests included.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Instant;

use tokio::sync::oneshot;

use super::policy::{AgentPolicy, FairQueue, Health, Limits};
use crate::net::Client;
use crate::proto::engine::{
    MaxRepetitions, Operation, Progress, RequestError, Response, Target, canonical,
};
use crate::proto::walk::{BulkParams, Walk, WalkError, WalkOptions};
use crate::proto::{ErrorStatus, Oid, Value, VarBind, Version};

struct Shared {
    queue: FairQueue<SocketAddr, oneshot::Sender<()>>,
    agents: HashMap<SocketAddr, AgentPolicy>,
}

impl Shared {
    fn hand_out(&mut self) {
        while let Some((key, waiter)) = self.queue.grant() {
            if waiter.send(()).is_err() {
                // The waiter went away before its turn.
                self.queue.release(&key);
            }
        }
    }
}

/// Requests to many agents through one engine, fairly and within bounds.
#[derive(Clone)]
pub struct Pool {
    client: Client,
    shared: Arc<Mutex<Shared>>,
}

/// Packets a piece of work cost: requests sent, counting retransmissions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub packets: u64,
    pub retries: u64,
}

impl Counters {
    pub fn add(&mut self, other: Counters) {
        self.packets += other.packets;
        self.retries += other.retries;
    }
}

/// Why a Get or a walk stopped short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    Walk(#[from] WalkError),
    #[error("error reported by the agent: {}", .0.net_snmp_text())]
    Status(ErrorStatus),
}

/// Releases a permit when the request is done or abandoned.
struct Permit {
    shared: Arc<Mutex<Shared>>,
    key: SocketAddr,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = lock(&self.shared);
        s.queue.release(&self.key);
        s.hand_out();
    }
}

fn lock(m: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Pool {
    pub fn new(client: Client, limits: Limits) -> Pool {
        Pool {
            client,
            shared: Arc::new(Mutex::new(Shared {
                queue: FairQueue::new(limits),
                agents: HashMap::new(),
            })),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Requests in flight and waiting for a permit.
    pub fn load(&self) -> (usize, usize) {
        let s = lock(&self.shared);
        (s.queue.in_flight(), s.queue.waiting())
    }

    /// What the pool has learned of an agent.
    pub fn policy(&self, addr: SocketAddr) -> AgentPolicy {
        lock(&self.shared)
            .agents
            .get(&canonical(addr))
            .cloned()
            .unwrap_or_default()
    }

    pub fn health(&self, addr: SocketAddr) -> Health {
        self.policy(addr).health()
    }

    async fn permit(&self, key: SocketAddr) -> Permit {
        let (tx, rx) = oneshot::channel();
        {
            let mut s = lock(&self.shared);
            s.queue.push(key, tx);
            s.hand_out();
        }
        // The sender lives in the queue until granted; the pool outlives its requests.
        let _ = rx.await;
        Permit {
            shared: Arc::clone(&self.shared),
            key,
        }
    }

    /// One operation with the agent's learned timeout and retries.
    pub async fn request(
        &self,
        target: &Arc<Target>,
        op: Operation,
        counters: &mut Counters,
    ) -> Result<Response, RequestError> {
        let key = canonical(target.addr);
        let _permit = self.permit(key).await;
        let (timeout, retries) = {
            let s = lock(&self.shared);
            let p = s.agents.get(&key).cloned().unwrap_or_default();
            (p.timeout(target.timeout), p.retries(target.retries))
        };
        let tuned = if timeout == target.timeout && retries == target.retries {
            Arc::clone(target)
        } else {
            Arc::new(Target {
                timeout,
                retries,
                ..(**target).clone()
            })
        };
        let bulk = match &op {
            Operation::GetBulk {
                max_repetitions, ..
            } => Some(max_repetitions.0),
            _ => None,
        };
        let started = Instant::now();
        let (progress, mut events) = tokio::sync::mpsc::unbounded_channel();
        let result = self
            .client
            .request_with_progress(&tuned, op, progress)
            .await;
        let elapsed = started.elapsed();
        let (mut sent, mut retried, mut straight) = (0u64, 0u64, true);
        while let Ok(event) = events.try_recv() {
            match event {
                Progress::Sent { attempt, .. } | Progress::Discovering { attempt, .. } => {
                    sent += 1;
                    if attempt > 1 {
                        retried += 1;
                        straight = false;
                    }
                }
                Progress::TooBig(_) | Progress::Resynchronising { .. } => straight = false,
                _ => {}
            }
        }
        counters.packets += sent;
        counters.retries += retried;
        let mut s = lock(&self.shared);
        let policy = s.agents.entry(key).or_default();
        match &result {
            Ok(_) => {
                if straight {
                    policy.observe_rtt(elapsed);
                }
                policy.observe_success();
            }
            Err(RequestError::Timeout { .. }) => policy.observe_timeout(Instant::now(), bulk),
            Err(_) => {}
        }
        result
    }

    /// Gets `oids`, `per_request` at a time (one for SNMPv1, which reports one error per
    /// request). Values the agent does not have (noSuch*, v1 noSuchName) are skipped.
    pub async fn get(
        &self,
        target: &Arc<Target>,
        oids: &[Oid],
        per_request: usize,
        sink: &mut Vec<VarBind>,
        counters: &mut Counters,
    ) -> Result<(), FleetError> {
        let v1 = target.security.version() == Version::V1;
        let per_request = if v1 { 1 } else { per_request.max(1) };
        for chunk in oids.chunks(per_request) {
            let r = self
                .request(target, Operation::Get(chunk.to_vec()), counters)
                .await?;
            if r.error_status == ErrorStatus::NoSuchName && v1 {
                continue;
            }
            if r.error_status != ErrorStatus::NoError {
                return Err(FleetError::Status(r.error_status));
            }
            sink.extend(r.varbinds.into_iter().filter(|vb| !vb.value.is_exception()));
        }
        Ok(())
    }

    /// Walks a subtree (GetBulk, or GetNext for SNMPv1) by Net-SNMP's rules, exceptions
    /// left out, pushing varbinds into `sink` as they come.
    pub async fn walk_subtree(
        &self,
        target: &Arc<Target>,
        root: &Oid,
        max_repetitions: u32,
        allow_non_increasing: bool,
        sink: &mut Vec<VarBind>,
        counters: &mut Counters,
    ) -> Result<(), FleetError> {
        let v1 = target.security.version() == Version::V1;
        let reps = self.policy(target.addr).repetitions(1, max_repetitions);
        let mut walk = Walk::new(
            root.clone(),
            WalkOptions {
                bulk: (!v1).then_some(BulkParams {
                    non_repeaters: 0,
                    max_repetitions: MaxRepetitions(reps),
                }),
                check_increasing: !allow_non_increasing,
                ..WalkOptions::default()
            },
        );
        while let Some(op) = walk.next_operation() {
            let response = self.request(target, op, counters).await?;
            let step = walk.handle_response(response);
            sink.extend(
                step.yielded
                    .into_iter()
                    .filter(|vb| !vb.value.is_exception()),
            );
            if let Some(end) = step.finished {
                end?;
                break;
            }
        }
        Ok(())
    }

    /// Walks table columns (or scalars) in lock step: each GetBulk carries one varbind per
    /// column still going, with as many repetitions as the agent is known to answer. A
    /// column ends when it leaves its subtree, meets an exception or stops increasing; a
    /// column an answer cut short left out is asked again.
    pub async fn walk_columns(
        &self,
        target: &Arc<Target>,
        columns: &[Oid],
        max_repetitions: u32,
        allow_non_increasing: bool,
        sink: &mut Vec<VarBind>,
        counters: &mut Counters,
    ) -> Result<(), FleetError> {
        let v1 = target.security.version() == Version::V1;
        let mut positions: Vec<Option<Oid>> = columns.iter().cloned().map(Some).collect();
        let mut seen: Vec<std::collections::HashSet<Oid>> = vec![Default::default(); columns.len()];
        let mut rotate = 0usize;
        loop {
            let active: Vec<usize> = (0..columns.len())
                .filter(|i| positions[*i].is_some())
                .collect();
            if active.is_empty() {
                return Ok(());
            }
            let policy = self.policy(target.addr);
            // No more columns in one request than the agent answers varbinds.
            let width = policy.repetitions(1, u32::MAX) as usize;
            let batch: Vec<usize> = if active.len() <= width {
                active
            } else {
                let start = rotate % active.len();
                rotate += width;
                (0..width)
                    .map(|k| active[(start + k) % active.len()])
                    .collect()
            };
            let oids: Vec<Oid> = batch.iter().filter_map(|i| positions[*i].clone()).collect();
            let reps = policy.repetitions(batch.len(), max_repetitions);
            let op = if v1 {
                Operation::GetNext(oids)
            } else {
                Operation::GetBulk {
                    non_repeaters: 0,
                    max_repetitions: MaxRepetitions(reps),
                    oids,
                }
            };
            let response = self.request(target, op, counters).await?;
            if response.error_status != ErrorStatus::NoError {
                if response.error_status == ErrorStatus::NoSuchName && v1 {
                    // SNMPv1's end of the view for the column the error points at.
                    let k = usize::try_from(response.error_index - 1).unwrap_or(0);
                    match batch.get(k) {
                        Some(&col) if batch.len() > 1 => positions[col] = None,
                        _ => batch.iter().for_each(|&c| positions[c] = None),
                    }
                    continue;
                }
                return Err(FleetError::Status(response.error_status));
            }
            if response.varbinds.is_empty() {
                return Err(FleetError::Walk(WalkError::EmptyResponse {
                    after: positions[batch[0]].clone().unwrap_or_default(),
                }));
            }
            let asked = if v1 {
                batch.len()
            } else {
                batch.len() * reps as usize
            };
            let returned = response.varbinds.len();
            let at_end_of_view = response
                .varbinds
                .last()
                .is_some_and(|vb| vb.value == Value::EndOfMibView);
            let mut advanced = false;
            let mut ended = false;
            for (k, vb) in response.varbinds.into_iter().enumerate() {
                let col = batch[k % batch.len()];
                let Some(position) = positions[col].clone() else {
                    continue;
                };
                let root = &columns[col];
                let increasing = vb.oid > position;
                let fresh =
                    increasing || (allow_non_increasing && seen[col].insert(vb.oid.clone()));
                if vb.value.is_exception() || !vb.oid.is_strictly_under(root) || !fresh {
                    positions[col] = None;
                    ended = true;
                    continue;
                }
                advanced = true;
                positions[col] = Some(vb.oid.clone());
                sink.push(vb);
            }
            if !v1 {
                let truncated = returned < asked && !at_end_of_view;
                let mut s = lock(&self.shared);
                s.agents
                    .entry(canonical(target.addr))
                    .or_default()
                    .observe_bulk(reps, batch.len(), returned, truncated);
            }
            if !advanced && !ended {
                return Err(FleetError::Walk(WalkError::EmptyResponse {
                    after: positions[batch[0]].clone().unwrap_or_default(),
                }));
            }
        }
    }
}

/// A piece of work a scrape or poll runs beside others.
pub type Work<'a> = Pin<Box<dyn Future<Output = Result<(), FleetError>> + Send + 'a>>;

/// Runs futures concurrently on the current task and waits for all of them; their
/// results in order. (A scrape's walks borrow their own sinks, so they cannot be spawned.)
pub async fn join_all<'a, T>(futures: Vec<Pin<Box<dyn Future<Output = T> + Send + 'a>>>) -> Vec<T> {
    let mut futures: Vec<Option<Pin<Box<dyn Future<Output = T> + Send + 'a>>>> =
        futures.into_iter().map(Some).collect();
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, r) in futures.iter_mut().zip(results.iter_mut()) {
            if let Some(fut) = f {
                match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *r = Some(v);
                        *f = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
