//! Rates from counter samples. A Counter32/Counter64 has no meaningful absolute value, only
//! differences (RFC 2578 sections 7.1.6 and 7.1.10): it wraps to 0 after 2^32-1 or 2^64-1,
//! and a discontinuity (an agent restart, told by sysUpTime going back) voids the difference.

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
    let seconds = match (previous.uptime, current.uptime) {
        (Some(before), Some(after)) if after > before => f64::from(after - before) / 100.0,
        _ => current
            .at
            .saturating_duration_since(previous.at)
            .as_secs_f64(),
    };
    if seconds < 0.01 {
        return Delta::TooSoon;
    }
    Delta::Rate(increase as f64 / seconds)
}

/// A short history of rates, for sparklines.
#[derive(Clone, Debug, Default)]
pub struct History {
    values: std::collections::VecDeque<f64>,
    capacity: usize,
}

impl History {
    pub fn new(capacity: usize) -> History {
        History {
            values: std::collections::VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    pub fn push(&mut self, v: f64) {
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        self.values.push_back(v);
    }

    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().copied()
    }

    pub fn last(&self) -> Option<f64> {
        self.values.back().copied()
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
    fn history_keeps_the_last_values() {
        let mut h = History::new(3);
        for v in [1.0, 2.0, 3.0, 4.0] {
            h.push(v);
        }
        assert_eq!(h.values().collect::<Vec<_>>(), vec![2.0, 3.0, 4.0]);
        assert_eq!(h.last(), Some(4.0));
    }
}
