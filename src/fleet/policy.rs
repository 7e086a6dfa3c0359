//! What the fleet scheduler decides, sans-IO (time comes in as a parameter):
//!
//! - `AgentPolicy`, one per agent, learns from answers and silences: the round-trip time
//!   (RFC 6298's estimator, its 1 s floor and its doubling after a timeout) gives a
//!   per-attempt timeout shorter than the configured one for a quick agent and as long as
//!   the configuration allows for a slow one; the varbinds a GetBulk
//!   actually returned (an agent truncates, or the engine halved after tooBig) give the
//!   repetitions to ask next time, so no request is wasted on a size the agent refuses; a
//!   GetBulk that timed out halves them (some agents drop large requests silently); an
//!   agent that stopped answering is probed once per operation, without retries, until it
//!   answers again.
//! - `FairQueue` hands out permits to send: at most `per_agent` requests in flight to one
//!   agent and `total` in all, agents served in turn, so a slow or dead agent holds only its
//!   own few slots and never delays the others.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Shortest per-attempt timeout the estimator may choose (RFC 6298 section 2.4: "if it
/// is less than 1 second, then the RTO SHOULD be rounded up to 1 second"), unless the
/// configured timeout is shorter still.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(1);
/// Consecutive failed operations after which an agent counts as down.
pub const DOWN_AFTER: u32 = 2;

/// Whether an agent answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Up,
    /// Failed `failures` operations in a row, the last at `since`.
    Down {
        since: Instant,
        failures: u32,
    },
}

/// What is known of one agent.
#[derive(Clone, Debug)]
pub struct AgentPolicy {
    /// Smoothed round-trip time and its variation (RFC 6298 section 2).
    srtt: Option<Duration>,
    rttvar: Duration,
    /// Most varbinds one GetBulk response has carried when the agent cut it short.
    bulk_capacity: Option<u32>,
    /// Repetitions after GetBulk timeouts (some agents drop large requests silently).
    bulk_ceiling: Option<u32>,
    failures: u32,
    last_failure: Option<Instant>,
    /// RFC 6298 section 5.5: the timeout doubles after each timeout, until an answer.
    backoff: u32,
}

impl Default for AgentPolicy {
    fn default() -> Self {
        AgentPolicy {
            srtt: None,
            rttvar: Duration::ZERO,
            bulk_capacity: None,
            bulk_ceiling: None,
            failures: 0,
            last_failure: None,
            backoff: 0,
        }
    }
}

impl AgentPolicy {
    pub fn health(&self) -> Health {
        match self.last_failure {
            Some(since) if self.failures >= DOWN_AFTER => Health::Down {
                since,
                failures: self.failures,
            },
            _ => Health::Up,
        }
    }

    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    /// RFC 6298: RTO = SRTT + max(G, 4 * RTTVAR), doubled per timeout since the last
    /// answer, kept within [MIN_TIMEOUT, configured].
    pub fn timeout(&self, configured: Duration) -> Duration {
        match self.srtt {
            None => configured,
            Some(srtt) => {
                let rto = srtt + (self.rttvar * 4).max(Duration::from_millis(10));
                let backed_off = rto.saturating_mul(1 << self.backoff.min(16));
                backed_off.clamp(MIN_TIMEOUT.min(configured), configured)
            }
        }
    }

    /// Retries for the next operation: none while the agent is down (one probe).
    pub fn retries(&self, configured: u32) -> u32 {
        match self.health() {
            Health::Up => configured,
            Health::Down { .. } => 0,
        }
    }

    /// Repetitions for a GetBulk over `columns` varbinds, given the configured maximum.
    pub fn repetitions(&self, columns: usize, configured: u32) -> u32 {
        let columns = u32::try_from(columns.max(1)).unwrap_or(u32::MAX);
        let mut reps = configured.max(1);
        if let Some(ceiling) = self.bulk_ceiling {
            reps = reps.min(ceiling);
        }
        if let Some(capacity) = self.bulk_capacity {
            reps = reps.min((capacity / columns).max(1));
        }
        reps
    }

    /// An answer came after `rtt` (first attempt).
    pub fn observe_rtt(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                let delta = srtt.abs_diff(rtt);
                self.rttvar = (self.rttvar * 3 + delta) / 4;
                self.srtt = Some((srtt * 7 + rtt) / 8);
            }
        }
    }

    /// An operation succeeded.
    pub fn observe_success(&mut self) {
        self.failures = 0;
        self.last_failure = None;
        self.backoff = 0;
    }

    /// An operation got no answer at all.
    pub fn observe_timeout(&mut self, now: Instant, bulk_repetitions: Option<u32>) {
        self.failures += 1;
        self.last_failure = Some(now);
        self.backoff = self.backoff.saturating_add(1);
        if let Some(reps) = bulk_repetitions.filter(|r| *r > 1) {
            self.bulk_ceiling = Some(reps / 2);
        }
    }

    /// A GetBulk for `columns` varbinds with `repetitions` came back with `returned`
    /// varbinds; `truncated` when the walk was not finished, so the agent (or the engine,
    /// after tooBig) gave fewer than asked.
    pub fn observe_bulk(
        &mut self,
        repetitions: u32,
        columns: usize,
        returned: usize,
        truncated: bool,
    ) {
        let asked = u64::from(repetitions) * columns as u64;
        if truncated && (returned as u64) < asked && returned > 0 {
            let returned = u32::try_from(returned).unwrap_or(u32::MAX);
            self.bulk_capacity = Some(self.bulk_capacity.map_or(returned, |c| c.max(returned)));
        }
    }
}

/// Limits on requests in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_agent: usize,
    pub total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_agent: 4,
            total: 1024,
        }
    }
}

/// Waiters for permits, served fairly across keys (agents).
#[derive(Debug)]
pub struct FairQueue<K, W> {
    limits: Limits,
    waiting: HashMap<K, VecDeque<W>>,
    in_flight: HashMap<K, usize>,
    /// Keys with waiters, in the order they get their next turn.
    turns: VecDeque<K>,
    total: usize,
}

impl<K: Clone + Eq + Hash, W> FairQueue<K, W> {
    pub fn new(limits: Limits) -> Self {
        FairQueue {
            limits,
            waiting: HashMap::new(),
            in_flight: HashMap::new(),
            turns: VecDeque::new(),
            total: 0,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Requests in flight, in all.
    pub fn in_flight(&self) -> usize {
        self.total
    }

    /// Requests in flight to `key`.
    pub fn in_flight_to(&self, key: &K) -> usize {
        self.in_flight.get(key).copied().unwrap_or(0)
    }

    /// Waiters not yet granted.
    pub fn waiting(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum()
    }

    /// Queues a waiter for `key`.
    pub fn push(&mut self, key: K, waiter: W) {
        let queue = self.waiting.entry(key.clone()).or_default();
        if queue.is_empty() {
            self.turns.push_back(key);
        }
        queue.push_back(waiter);
    }

    /// The next waiter allowed to send, in turn across keys; its key's slot is taken.
    pub fn grant(&mut self) -> Option<(K, W)> {
        if self.total >= self.limits.total {
            return None;
        }
        for _ in 0..self.turns.len() {
            let key = self.turns.pop_front()?;
            let busy = self.in_flight_to(&key) >= self.limits.per_agent;
            let queue = self.waiting.get_mut(&key);
            match queue {
                Some(q) if !busy => {
                    let Some(w) = q.pop_front() else {
                        continue;
                    };
                    if q.is_empty() {
                        self.waiting.remove(&key);
                    } else {
                        self.turns.push_back(key.clone());
                    }
                    *self.in_flight.entry(key.clone()).or_default() += 1;
                    self.total += 1;
                    return Some((key, w));
                }
                Some(q) if !q.is_empty() => self.turns.push_back(key),
                _ => {
                    self.waiting.remove(&key);
                }
            }
        }
        None
    }

    /// A request to `key` finished: its slot is free.
    pub fn release(&mut self, key: &K) {
        if let Some(n) = self.in_flight.get_mut(key) {
            *n -= 1;
            self.total -= 1;
            if *n == 0 {
                self.in_flight.remove(key);
            }
        }
    }

    /// Drops waiters that gave up (`keep` false), so they hold no turn.
    pub fn retain(&mut self, mut keep: impl FnMut(&W) -> bool) {
        self.waiting.retain(|_, q| {
            q.retain(&mut keep);
            !q.is_empty()
        });
        let waiting = &self.waiting;
        self.turns.retain(|k| waiting.contains_key(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_fair_and_bounded() {
        let mut q: FairQueue<&str, u32> = FairQueue::new(Limits {
            per_agent: 2,
            total: 3,
        });
        for i in 0..10 {
            q.push("slow", i);
        }
        q.push("a", 100);
        q.push("b", 200);
        // The slow agent's ten requests do not go first: each agent gets a turn.
        let granted: Vec<_> = std::iter::from_fn(|| q.grant()).collect();
        assert_eq!(granted, vec![("slow", 0), ("a", 100), ("b", 200)]);
        assert_eq!(q.in_flight(), 3);
        assert_eq!(q.grant(), None, "total bound");
        q.release(&"a");
        assert_eq!(q.grant(), Some(("slow", 1)));
        q.release(&"b");
        // Two in flight to "slow": the per-agent bound holds even with room in total.
        assert_eq!(q.grant(), None);
        q.push("c", 300);
        assert_eq!(q.grant(), Some(("c", 300)));
        q.release(&"slow");
        assert_eq!(q.grant(), Some(("slow", 2)));
        q.retain(|w| *w != 3);
        q.release(&"slow");
        assert_eq!(
            q.grant(),
            Some(("slow", 4)),
            "a waiter that gave up is skipped"
        );
        assert_eq!(q.waiting(), 5);
    }

    #[test]
    fn timeouts_follow_the_agent() {
        let configured = Duration::from_secs(5);
        let mut p = AgentPolicy::default();
        assert_eq!(p.timeout(configured), configured, "nothing known yet");
        for _ in 0..20 {
            p.observe_rtt(Duration::from_millis(2));
        }
        assert_eq!(
            p.timeout(configured),
            MIN_TIMEOUT,
            "a quick agent: the floor"
        );
        let mut slow = AgentPolicy::default();
        for _ in 0..20 {
            slow.observe_rtt(Duration::from_millis(1500));
        }
        assert_eq!(
            p.timeout(Duration::from_millis(300)),
            Duration::from_millis(300),
            "never above what is configured"
        );
        let t = slow.timeout(configured);
        assert!(t >= Duration::from_millis(1500) && t <= configured, "{t:?}");
        // A timeout doubles the wait (RFC 6298 5.5) until an answer comes.
        let mut q = AgentPolicy::default();
        for _ in 0..20 {
            q.observe_rtt(Duration::from_millis(700));
        }
        let before = q.timeout(configured);
        q.observe_timeout(Instant::now(), None);
        let after = q.timeout(configured);
        assert!(
            after > before && after <= configured,
            "{before:?} then {after:?}"
        );
        q.observe_timeout(Instant::now(), None);
        assert!(q.timeout(configured) > after);
        q.observe_success();
        assert_eq!(q.timeout(configured), before);
    }

    #[test]
    fn dead_agents_are_probed_without_retries_until_they_answer() {
        let t0 = Instant::now();
        let mut p = AgentPolicy::default();
        p.observe_timeout(t0, None);
        assert_eq!(p.health(), Health::Up, "one silence is not death");
        assert_eq!(p.retries(3), 3);
        p.observe_timeout(t0 + Duration::from_secs(10), None);
        assert!(matches!(p.health(), Health::Down { failures: 2, .. }));
        assert_eq!(p.retries(3), 0);
        p.observe_success();
        assert_eq!((p.health(), p.retries(3)), (Health::Up, 3));
    }

    #[test]
    fn bulk_size_is_learned_from_short_answers_and_timeouts() {
        let mut p = AgentPolicy::default();
        assert_eq!(p.repetitions(20, 25), 25);
        // 20 columns x 25 asked, the agent gave 100 before the table ended: it cuts at 100.
        p.observe_bulk(25, 20, 100, true);
        assert_eq!(p.repetitions(20, 25), 5);
        assert_eq!(p.repetitions(1, 25), 25);
        // A short answer at the end of a walk says nothing.
        let mut q = AgentPolicy::default();
        q.observe_bulk(25, 20, 60, false);
        assert_eq!(q.repetitions(20, 25), 25);
        // A GetBulk of 25 that timed out: 12 from now on.
        q.observe_timeout(Instant::now(), Some(25));
        assert_eq!(q.repetitions(1, 25), 12);
    }
}
