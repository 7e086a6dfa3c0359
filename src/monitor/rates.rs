//! Rates from counter samples. A Counter32/Counter64 has no meaningful absolute value, only
//! differences (RFC 2578 sections 7.1.6 and 7.1.10): it wraps to 0 after 2^32-1 or 2^64-1,
//! and a discontinuity (an agent restart, told by sysUpTime going back) voids the difference.
//! `Counter` follows one counter across polls; `History` keeps its recent rates, gaps
//! included, for sparklines.

use std::time::Instant;

/// The width a counter wraps at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterWidth {
    Bits32,
    Bits64,
}

/// One reading of a counter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub value: u64,
    pub width: CounterWidth,
    /// When our side received it.
    pub at: Instant,
    /// The agent's sysUpTime (centiseconds) in the same response, if fetched with it.
    pub uptime: Option<u32>,
}

/// What two samples say.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Delta {
    /// Units per second.
    Rate(f64),
    /// The counter restarted (agent reboot, or a 64-bit counter going back): no rate for
    /// this interval.
    Reset,
    /// The samples are too close in time to tell.
    TooSoon,
    /// A Counter32 polled too rarely: it may have wrapped more than once (see `MaxRate`).
    Ambiguous,
}

/// The rate between two samples of the same counter. A 32-bit counter that went down
/// wrapped once, unless the agent's uptime went down too (a restart); a 64-bit counter does
/// not wrap in practice, so going down means a reset. Elapsed time is the agent's when both
/// samples carry sysUpTime (it is what the counter counted against), else ours.
pub fn rate(previous: &Sample, current: &Sample) -> Delta {
    if let (Some(before), Some(after)) = (previous.uptime, current.uptime) {
        if after < before {
            return Delta::Reset;
        }
    }
    let increase = if current.value >= previous.value {
        current.value - previous.value
    } else {
        match current.width {
            CounterWidth::Bits32 => (1u64 << 32) - previous.value + current.value,
            CounterWidth::Bits64 => return Delta::Reset,
        }
    };
    let seconds = elapsed(previous, current);
    if seconds < 0.01 {
        return Delta::TooSoon;
    }
    Delta::Rate(increase as f64 / seconds)
}

/// How far a 32-bit counter can be trusted: the most it can grow per second. Over an
/// interval long enough for it to pass 2^32 at that pace it may have wrapped more than once,
/// and the difference says nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxRate(pub f64);

/// A counter followed from poll to poll: the last sample, and the rate since the one before.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counter {
    last: Option<Sample>,
}

impl Counter {
    /// Takes the next sample; `None` when there is no rate to give (a first sample, a
    /// sample missing, a change of counter width). A Counter32 polled so rarely that it may
    /// have wrapped more than once at `max` gives `Delta::Ambiguous`.
    pub fn update(&mut self, sample: Option<Sample>, max: Option<MaxRate>) -> Option<Delta> {
        let previous = std::mem::replace(&mut self.last, sample);
        let (previous, current) = (previous?, sample?);
        if previous.width != current.width {
            return None;
        }
        let delta = rate(&previous, &current);
        if let (CounterWidth::Bits32, Some(MaxRate(max)), Delta::Rate(_)) =
            (current.width, max, delta)
        {
            let seconds = elapsed(&previous, &current);
            if max > 0.0 && seconds * max >= 4_294_967_296.0 {
                return Some(Delta::Ambiguous);
            }
        }
        Some(delta)
    }

    /// Forgets the last sample: the next one starts afresh (a discontinuity, a pause).
    pub fn forget(&mut self) {
        self.last = None;
    }

    pub fn last(&self) -> Option<&Sample> {
        self.last.as_ref()
    }
}

/// Seconds between two samples: the agent's when both carry sysUpTime, else ours.
fn elapsed(previous: &Sample, current: &Sample) -> f64 {
    match (previous.uptime, current.uptime) {
        (Some(before), Some(after)) if after > before => f64::from(after - before) / 100.0,
        _ => current
            .at
            .saturating_duration_since(previous.at)
            .as_secs_f64(),
    }
}

/// A short history of rates, for sparklines; `None` is a gap (a reset, a discontinuity, a
/// pause), drawn as nothing rather than as a spike or a zero.
#[derive(Clone, Debug, Default)]
pub struct History {
    values: std::collections::VecDeque<Option<f32>>,
    capacity: usize,
}

impl History {
    pub fn new(capacity: usize) -> History {
        History {
            values: std::collections::VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    pub fn push(&mut self, v: Option<f64>) {
        if self.capacity == 0 {
            return;
        }
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        // f32 keeps 7 digits: plenty for a sparkline, half the memory of 1,000 rows.
        self.values.push_back(v.map(|v| v as f32));
    }

    /// Oldest first, gaps as `None`.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = Option<f64>> + ExactSizeIterator + '_ {
        self.values.iter().map(|v| v.map(f64::from))
    }

    /// The newest entry (`Some(None)` when it is a gap).
    pub fn last(&self) -> Option<Option<f64>> {
        self.values.back().map(|v| v.map(f64::from))
    }

    /// The largest value kept.
    pub fn max(&self) -> Option<f64> {
        self.values
            .iter()
            .flatten()
            .copied()
            .map(f64::from)
            .reduce(f64::max)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn s(value: u64, width: CounterWidth, secs: u64, uptime: Option<u32>, t0: Instant) -> Sample {
        Sample {
            value,
            width,
            at: t0 + Duration::from_secs(secs),
            uptime,
        }
    }

    #[test]
    fn plain_rate_uses_the_agents_clock_when_known() {
        let t0 = Instant::now();
        let a = s(1000, CounterWidth::Bits32, 0, Some(10_000), t0);
        // Our clock says 3 s (a slow reply), the agent's says 2 s.
        let b = s(3000, CounterWidth::Bits32, 3, Some(10_200), t0);
        assert_eq!(rate(&a, &b), Delta::Rate(1000.0));
        let a = s(1000, CounterWidth::Bits64, 0, None, t0);
        let b = s(5000, CounterWidth::Bits64, 4, None, t0);
        assert_eq!(rate(&a, &b), Delta::Rate(1000.0));
    }

    #[test]
    fn counter32_wrap_is_a_rate_and_a_restart_is_a_reset() {
        let t0 = Instant::now();
        let a = s(4_294_967_000, CounterWidth::Bits32, 0, Some(500), t0);
        let b = s(704, CounterWidth::Bits32, 1, Some(600), t0);
        assert_eq!(rate(&a, &b), Delta::Rate(1000.0));
        // Same numbers, but the agent's uptime went back: it restarted.
        let b = s(704, CounterWidth::Bits32, 1, Some(100), t0);
        assert_eq!(rate(&a, &b), Delta::Reset);
        // A 64-bit counter going down is a reset.
        let a = s(1_000_000, CounterWidth::Bits64, 0, None, t0);
        let b = s(10, CounterWidth::Bits64, 1, None, t0);
        assert_eq!(rate(&a, &b), Delta::Reset);
        let c = s(10, CounterWidth::Bits64, 0, None, t0);
        assert_eq!(rate(&b, &c), Delta::TooSoon);
    }

    #[test]
    fn history_keeps_the_last_values_and_gaps() {
        let mut h = History::new(3);
        for v in [Some(1.0), Some(2.0), None, Some(4.0)] {
            h.push(v);
        }
        assert_eq!(
            h.values().collect::<Vec<_>>(),
            vec![Some(2.0), None, Some(4.0)]
        );
        assert_eq!(h.last(), Some(Some(4.0)));
        assert_eq!(h.max(), Some(4.0));
        h.push(None);
        assert_eq!(h.last(), Some(None));
    }

    #[test]
    fn a_counter32_polled_too_rarely_is_ambiguous_not_a_rate() {
        let t0 = Instant::now();
        let mut c = Counter::default();
        // 1 Gb/s is at most 125 MB/s: 2^32 octets in about 34 s.
        let max = Some(MaxRate(125_000_000.0));
        assert_eq!(
            c.update(Some(s(0, CounterWidth::Bits32, 0, None, t0)), max),
            None
        );
        let d = c.update(Some(s(1_000_000, CounterWidth::Bits32, 10, None, t0)), max);
        assert_eq!(d, Some(Delta::Rate(100_000.0)));
        let d = c.update(Some(s(2_000_000, CounterWidth::Bits32, 50, None, t0)), max);
        assert_eq!(d, Some(Delta::Ambiguous), "40 s: it may have wrapped");
        // A 64-bit counter has no such limit; a missing sample leaves no rate.
        let mut c = Counter::default();
        c.update(Some(s(0, CounterWidth::Bits64, 0, None, t0)), max);
        let d = c.update(Some(s(4_000, CounterWidth::Bits64, 40, None, t0)), max);
        assert_eq!(d, Some(Delta::Rate(100.0)));
        assert_eq!(c.update(None, max), None);
        assert_eq!(
            c.update(Some(s(8_000, CounterWidth::Bits64, 80, None, t0)), max),
            None
        );
        // A change of width is no basis either.
        assert_eq!(
            c.update(Some(s(9_000, CounterWidth::Bits32, 90, None, t0)), max),
            None
        );
    }
}
