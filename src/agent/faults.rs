//! Faults the simulated agent can inject, and the seeded random generator that decides when.
//! Each fault is off by default; each is applied by the dispatcher (`agent::dispatcher`) except
//! non-increasing OIDs, which the responder applies inside GetNext/GetBulk.
//!
//! | fault | option | effect |
//! |---|---|---|
//! | loss | `--loss PCT` | each request is dropped with this probability before the agent reads it |
//! | drop every Nth | `--drop-every N` | requests N, 2N, 3N, ... are dropped the same way |
//! | delay | `--delay DUR` | every reply leaves DUR after its request arrived |
//! | jitter | `--jitter DUR` | plus a uniform random 0..=DUR more |
//! | duplicates | `--duplicate PCT` | a reply is sent twice with this probability |
//! | wrong request id | `--wrong-request-id PCT` | a reply carries another request-id with this probability |
//! | non-increasing OIDs | `--non-increasing-at OID [--non-increasing-back-to OID]` | a GetNext/GetBulk whose next object is at or after OID answers with an earlier object: the one asked about (or the nearest before it), or the given one |
//! | tooBig | `--too-big-above BYTES` | any response over BYTES becomes tooBig, GetBulk included |
//! | restart | `--restart-every DUR`, `--restart-after-requests N` | at every multiple of DUR after the start, or after every N answers: sysUpTime, counters and the snmp group start again from 0; the boot count goes up |
//!
//! The generator is SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
//! generators", OOPSLA 2014): the same seed and the same requests give the same faults.

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;
use std::time::Duration;

use crate::proto::Oid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultParseError {
    #[error("'{0}' is not a percentage 0..100 (like 20, 20% or 0.5)")]
    Percent(String),
    #[error("'{0}' is not a duration (like 250ms, 2s, 1.5s; a bare number is milliseconds)")]
    Duration(String),
}

/// A probability, kept exactly in parts per million.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Probability(u32);

impl Probability {
    pub const NEVER: Probability = Probability(0);
    pub const ALWAYS: Probability = Probability(1_000_000);

    /// `percent` in 0..=100, rounded to a millionth.
    pub fn percent(percent: f64) -> Option<Probability> {
        (percent.is_finite() && (0.0..=100.0).contains(&percent))
            .then(|| Probability((percent * 10_000.0).round() as u32))
    }

    pub fn parts_per_million(self) -> u32 {
        self.0
    }

    pub fn is_never(self) -> bool {
        self.0 == 0
    }
}

impl FromStr for Probability {
    type Err = FaultParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number = text.trim().strip_suffix('%').unwrap_or(text.trim());
        number
            .parse::<f64>()
            .ok()
            .and_then(Probability::percent)
            .ok_or_else(|| FaultParseError::Percent(text.to_string()))
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", f64::from(self.0) / 10_000.0)
    }
}

/// Parses `250ms`, `2s`, `1.5s`, `1m`, or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, FaultParseError> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 0.001)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|secs| secs.is_finite() && *secs >= 0.0 && *secs < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| FaultParseError::Duration(text.to_string()))
}

/// GetNext/GetBulk go backwards from `from` on (see the module comment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonIncreasing {
    /// Once the true next object is at or after this OID, the answer goes back.
    pub from: Oid,
    /// Where the answer goes back to; `None`: the object asked about, or the one before it.
    pub back_to: Option<Oid>,
}

/// When the agent restarts by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartSchedule {
    /// After answering every N requests.
    AfterRequests(NonZeroU64),
    /// Every this long after the start: the agent behaves as if it rebooted at those
    /// instants (several, if no request came in between).
    Every(Duration),
}

/// Every fault, all off by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    pub loss: Probability,
    pub drop_every: Option<NonZeroU64>,
    pub delay: Duration,
    pub jitter: Duration,
    pub duplicate: Probability,
    pub wrong_request_id: Probability,
    pub non_increasing: Option<NonIncreasing>,
    pub too_big_above: Option<usize>,
    pub restart: Option<RestartSchedule>,
}

impl Faults {
    /// One line per fault that is on, for the agent's start-up banner.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.loss.is_never() {
            out.push(format!("loss {} of requests", self.loss));
        }
        if let Some(n) = self.drop_every {
            out.push(format!("drop every {n}th request"));
        }
        if !self.delay.is_zero() || !self.jitter.is_zero() {
            out.push(format!(
                "delay replies {:?} + 0..={:?}",
                self.delay, self.jitter
            ));
        }
        if !self.duplicate.is_never() {
            out.push(format!("duplicate {} of replies", self.duplicate));
        }
        if !self.wrong_request_id.is_never() {
            out.push(format!(
                "wrong request-id on {} of replies",
                self.wrong_request_id
            ));
        }
        if let Some(n) = &self.non_increasing {
            match &n.back_to {
                Some(b) => out.push(format!("non-increasing OIDs from {} (back to {b})", n.from)),
                None => out.push(format!("non-increasing OIDs from {}", n.from)),
            }
        }
        if let Some(n) = self.too_big_above {
            out.push(format!("tooBig for responses over {n} bytes"));
        }
        match self.restart {
            Some(RestartSchedule::AfterRequests(n)) => {
                out.push(format!("restart after every {n} requests"));
            }
            Some(RestartSchedule::Every(d)) => out.push(format!("restart every {d:?}")),
            None => {}
        }
        out
    }
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        SeededRng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform number in 0..n (0 when n is 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// `bytes` with one to three bytes replaced by random ones: garbage for robustness tests.
    #[cfg(test)]
    pub fn mangle(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut bad = bytes.to_vec();
        for _ in 0..=self.below(3) {
            let i = self.below(bad.len() as u64) as usize;
            bad[i] = self.next_u64() as u8;
        }
        bad
    }

    /// True with probability `p`. Draws nothing when `p` is never, so turning one fault on
    /// does not change the dice of the others.
    pub fn chance(&mut self, p: Probability) -> bool {
        if p.is_never() {
            return false;
        }
        self.below(1_000_000) < u64::from(p.0)
    }

    /// A uniform duration in 0..=max.
    pub fn duration_up_to(&mut self, max: Duration) -> Duration {
        if max.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.below(nanos.saturating_add(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_parse_and_print() {
        assert_eq!("20".parse(), Ok(Probability(200_000)));
        assert_eq!("20%".parse(), Ok(Probability(200_000)));
        assert_eq!("0.5".parse(), Ok(Probability(5_000)));
        assert_eq!("100".parse(), Ok(Probability::ALWAYS));
        assert_eq!(Probability(200_000).to_string(), "20%");
        for bad in ["-1", "101", "x", "", "nan"] {
            assert!(bad.parse::<Probability>().is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("250"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["-1s", "fast", "", "1h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rng_is_deterministic_and_roughly_uniform() {
        let mut a = SeededRng::new(7);
        let mut b = SeededRng::new(7);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(SeededRng::new(8).next_u64(), xs[0]);
        // The first output for seed 0 is SplitMix64's published first value.
        assert_eq!(SeededRng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
        let mut r = SeededRng::new(1);
        let p = Probability::percent(20.0).unwrap();
        let hits = (0..100_000).filter(|_| r.chance(p)).count();
        assert!((19_000..21_000).contains(&hits), "{hits}");
        assert!((0..1000).all(|_| r.below(10) < 10));
        assert!(!r.chance(Probability::NEVER));
        assert!(r.chance(Probability::ALWAYS));
        let max = Duration::from_millis(5);
        assert!((0..1000).all(|_| r.duration_up_to(max) <= max));
    }

    #[test]
    fn describe_lists_what_is_on() {
        assert!(Faults::default().describe().is_empty());
        let f = Faults {
            loss: "20".parse().unwrap(),
            too_big_above: Some(600),
            restart: Some(RestartSchedule::Every(Duration::from_secs(30))),
            ..Faults::default()
        };
        assert_eq!(
            f.describe(),
            [
                "loss 20% of requests",
                "tooBig for responses over 600 bytes",
                "restart every 30s"
            ]
        );
    }
}
