//! Watch: the same request repeated at an interval, each value shown with its change since
//! the previous poll and, for counters, its rate per second (Counter32 wraps counted, a
//! reset shown as a gap rather than a spike; see `monitor::rates`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::monitor::rates::{self, CounterWidth, Sample};
use crate::proto::{Oid, Value};
use crate::tui::request::{RequestSpec, ResultRow};

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);
const MIN_INTERVAL: Duration = Duration::from_millis(500);
const MAX_INTERVAL: Duration = Duration::from_secs(300);

/// The change of one value between two polls.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// First poll, or a value that is not a number.
    None,
    /// A number: the difference and, when time passed, per second.
    Delta { delta: i128, rate: Option<f64> },
    /// A counter that reset (or a 64-bit one going back): no rate this time.
    Reset,
    /// A value that is not a number changed.
    Changed,
}

#[derive(Debug, Clone)]
pub struct Watch {
    pub spec: RequestSpec,
    pub interval: Duration,
    pub polls: u32,
    pub last_poll: Option<Instant>,
    previous: HashMap<Oid, (Value, Instant)>,
    pub changes: HashMap<Oid, Change>,
}

impl Watch {
    pub fn new(spec: RequestSpec) -> Watch {
        Watch {
            spec,
            interval: DEFAULT_INTERVAL,
            polls: 0,
            last_poll: None,
            previous: HashMap::new(),
            changes: HashMap::new(),
        }
    }

    /// Whether a poll is due at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.last_poll
            .is_none_or(|t| now.saturating_duration_since(t) >= self.interval)
    }

    /// `+`/`-`: doubles or halves the interval within 0.5 s .. 5 min.
    pub fn faster(&mut self) {
        self.interval = (self.interval / 2).max(MIN_INTERVAL);
    }

    pub fn slower(&mut self) {
        self.interval = (self.interval * 2).min(MAX_INTERVAL);
    }

    /// Takes a poll's rows received at `at`, computing each value's change.
    pub fn record(&mut self, rows: &[ResultRow], at: Instant) {
        self.polls += 1;
        self.changes.clear();
        for row in rows {
            let change = match self.previous.get(&row.oid) {
                Some((before, then)) => change(before, *then, &row.raw, at),
                None => Change::None,
            };
            self.changes.insert(row.oid.clone(), change);
        }
        self.previous = rows
            .iter()
            .map(|r| (r.oid.clone(), (r.raw.clone(), at)))
            .collect();
    }
}

fn number(v: &Value) -> Option<i128> {
    Some(match *v {
        Value::Integer(n) => i128::from(n),
        Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => i128::from(n),
        Value::Counter32(n) => i128::from(n),
        Value::Counter64(n) => i128::from(n),
        _ => return None,
    })
}

/// The change from `before` (at `then`) to `after` (at `now`).
pub fn change(before: &Value, then: Instant, after: &Value, now: Instant) -> Change {
    let counter = |v: &Value| match *v {
        Value::Counter32(n) => Some((u64::from(n), CounterWidth::Bits32)),
        Value::Counter64(n) => Some((n, CounterWidth::Bits64)),
        _ => None,
    };
    if let (Some((b, width)), Some((a, w2))) = (counter(before), counter(after)) {
        if width == w2 {
            let sample = |value, at| Sample {
                value,
                width,
                at,
                uptime: None,
            };
            return match rates::rate(&sample(b, then), &sample(a, now)) {
                rates::Delta::Rate(r) => {
                    let seconds = now.saturating_duration_since(then).as_secs_f64();
                    Change::Delta {
                        delta: (r * seconds).round() as i128,
                        rate: Some(r),
                    }
                }
                rates::Delta::Reset | rates::Delta::Ambiguous => Change::Reset,
                rates::Delta::TooSoon => Change::Delta {
                    delta: i128::from(a.wrapping_sub(b)),
                    rate: None,
                },
            };
        }
    }
    match (number(before), number(after)) {
        (Some(b), Some(a)) => {
            let seconds = now.saturating_duration_since(then).as_secs_f64();
            Change::Delta {
                delta: a - b,
                rate: (seconds > 0.0).then(|| (a - b) as f64 / seconds),
            }
        }
        _ if before != after => Change::Changed,
        _ => Change::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter32_wrap_gives_the_true_increase() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(2);
        let c = change(
            &Value::Counter32(u32::MAX - 99),
            t0,
            &Value::Counter32(100),
            t1,
        );
        assert_eq!(
            c,
            Change::Delta {
                delta: 200,
                rate: Some(100.0)
            }
        );
    }

    #[test]
    fn counter64_going_back_is_a_reset_not_a_spike() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(
            change(&Value::Counter64(5000), t0, &Value::Counter64(10), t1),
            Change::Reset
        );
    }

    #[test]
    fn gauges_go_both_ways_and_text_changes_are_flagged() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(4);
        assert_eq!(
            change(&Value::Gauge32(10), t0, &Value::Gauge32(2), t1),
            Change::Delta {
                delta: -8,
                rate: Some(-2.0)
            }
        );
        let s = |t: &str| Value::OctetString(t.as_bytes().to_vec());
        assert_eq!(change(&s("a"), t0, &s("b"), t1), Change::Changed);
        assert_eq!(change(&s("a"), t0, &s("a"), t1), Change::None);
    }

    #[test]
    fn interval_stays_within_bounds() {
        let mut w = Watch::new(RequestSpec::Get(vec![]));
        for _ in 0..10 {
            w.faster();
        }
        assert_eq!(w.interval, MIN_INTERVAL);
        for _ in 0..20 {
            w.slower();
        }
        assert_eq!(w.interval, MAX_INTERVAL);
        let now = Instant::now();
        assert!(w.due(now));
        w.last_poll = Some(now);
        assert!(!w.due(now + Duration::from_secs(1)));
    }
}
