//! The interface table an operator watches, from IF-MIB's ifTable joined with ifXTable
//! (RFC 2863): names, status, speed, and per-second rates of octets, packets, errors and
//! discards computed between polls, from the 64-bit counters when the agent has them and the
//! 32-bit ones otherwise. Sans-IO: polls come in as varbinds with the agent's sysUpTime and
//! the time they arrived.
//!
//! Rates never lie: a Counter32 that wrapped once is counted (RFC 2578 section 7.1.6); an
//! agent restart (sysUpTime going back), a change of ifCounterDiscontinuityTime (RFC 2863
//! section 3.1.6), a 64-bit counter going back, a Counter32 polled too rarely to tell how
//! many times it wrapped, or a pause of the poller make a gap in the history, never a spike.

use std::collections::BTreeMap;
use std::time::Instant;

use super::rates::{Counter, CounterWidth, Delta, History, MaxRate, Sample};
use crate::proto::{Oid, Value, VarBind};

/// ifIndex (RFC 2863 section 6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IfIndex(pub u32);

/// ifAdminStatus / ifOperStatus (RFC 2863). Open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfStatus {
    Up,
    Down,
    Testing,
    Unknown,
    Dormant,
    NotPresent,
    LowerLayerDown,
    Other(i32),
}

impl IfStatus {
    pub fn from_code(code: i32) -> IfStatus {
        match code {
            1 => IfStatus::Up,
            2 => IfStatus::Down,
            3 => IfStatus::Testing,
            4 => IfStatus::Unknown,
            5 => IfStatus::Dormant,
            6 => IfStatus::NotPresent,
            7 => IfStatus::LowerLayerDown,
            other => IfStatus::Other(other),
        }
    }

    pub fn name(self) -> String {
        match self {
            IfStatus::Up => "up".into(),
            IfStatus::Down => "down".into(),
            IfStatus::Testing => "testing".into(),
            IfStatus::Unknown => "unknown".into(),
            IfStatus::Dormant => "dormant".into(),
            IfStatus::NotPresent => "notPresent".into(),
            IfStatus::LowerLayerDown => "lowerLayerDown".into(),
            IfStatus::Other(n) => format!("({n})"),
        }
    }
}

/// The counters rates are computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    InOctets,
    OutOctets,
    InUcast,
    InMcast,
    InBcast,
    /// ifInNUcastPkts (deprecated; used when ifXTable has no multicast/broadcast counts).
    InNUcast,
    OutUcast,
    OutMcast,
    OutBcast,
    OutNUcast,
    InDiscards,
    OutDiscards,
    InErrors,
    OutErrors,
}

const METRICS: usize = 14;

impl Metric {
    fn slot(self) -> usize {
        self as usize
    }

    /// The most this counter can grow per second on a link of `speed` bits per second.
    fn max_rate(self, speed: Option<u64>) -> Option<MaxRate> {
        let speed = speed.filter(|s| *s > 0)? as f64;
        Some(MaxRate(match self {
            Metric::InOctets | Metric::OutOctets => speed / 8.0,
            // No frame is shorter than 64 octets (IEEE 802.3 clause 4.4.2).
            _ => speed / (8.0 * 64.0),
        }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Descr,
    Type,
    Speed,
    Admin,
    Oper,
    LastChange,
    Name,
    HighSpeed,
    Alias,
    Discontinuity,
    Counter(Metric, CounterWidth),
}

/// ifEntry (RFC 2863) and ifXEntry.
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IFX_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];

use CounterWidth::{Bits32 as C32, Bits64 as C64};

/// The ifTable columns a poll fetches, by column number.
const IF_COLUMNS: [(u32, Field); 16] = [
    (2, Field::Descr),
    (3, Field::Type),
    (5, Field::Speed),
    (7, Field::Admin),
    (8, Field::Oper),
    (9, Field::LastChange),
    (10, Field::Counter(Metric::InOctets, C32)),
    (11, Field::Counter(Metric::InUcast, C32)),
    (12, Field::Counter(Metric::InNUcast, C32)),
    (13, Field::Counter(Metric::InDiscards, C32)),
    (14, Field::Counter(Metric::InErrors, C32)),
    (16, Field::Counter(Metric::OutOctets, C32)),
    (17, Field::Counter(Metric::OutUcast, C32)),
    (18, Field::Counter(Metric::OutNUcast, C32)),
    (19, Field::Counter(Metric::OutDiscards, C32)),
    (20, Field::Counter(Metric::OutErrors, C32)),
];

/// The ifXTable columns a poll fetches.
const IFX_COLUMNS: [(u32, Field); 16] = [
    (1, Field::Name),
    (2, Field::Counter(Metric::InMcast, C32)),
    (3, Field::Counter(Metric::InBcast, C32)),
    (4, Field::Counter(Metric::OutMcast, C32)),
    (5, Field::Counter(Metric::OutBcast, C32)),
    (6, Field::Counter(Metric::InOctets, C64)),
    (7, Field::Counter(Metric::InUcast, C64)),
    (8, Field::Counter(Metric::InMcast, C64)),
    (9, Field::Counter(Metric::InBcast, C64)),
    (10, Field::Counter(Metric::OutOctets, C64)),
    (11, Field::Counter(Metric::OutUcast, C64)),
    (12, Field::Counter(Metric::OutMcast, C64)),
    (13, Field::Counter(Metric::OutBcast, C64)),
    (15, Field::HighSpeed),
    (18, Field::Alias),
    (19, Field::Discontinuity),
];

/// The field a varbind's OID names, and its ifIndex.
fn field_of(oid: &Oid) -> Option<(Field, IfIndex)> {
    let arcs = oid.arcs();
    let (columns, rest): (&[(u32, Field)], &[u32]) = if arcs.starts_with(&IF_ENTRY) {
        (&IF_COLUMNS, &arcs[IF_ENTRY.len()..])
    } else if arcs.starts_with(&IFX_ENTRY) {
        (&IFX_COLUMNS, &arcs[IFX_ENTRY.len()..])
    } else {
        return None;
    };
    let [column, index] = rest else { return None };
    let field = columns.iter().find(|(c, _)| c == column)?.1;
    Some((field, IfIndex(*index)))
}

/// Why an interval has no rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// sysUpTime went back: the agent restarted and its counters with it.
    AgentRestarted,
    /// ifCounterDiscontinuityTime changed: this interface's counters restarted.
    Discontinuity,
    /// A 64-bit counter went back.
    CounterReset,
    /// A Counter32 was polled too rarely for its link speed to tell how often it wrapped.
    Ambiguous,
    /// Polling was paused or interrupted.
    Resumed,
}

impl Gap {
    pub fn describe(self) -> &'static str {
        match self {
            Gap::AgentRestarted => "the agent restarted (sysUpTime went back)",
            Gap::Discontinuity => "counter discontinuity (ifCounterDiscontinuityTime changed)",
            Gap::CounterReset => "a 64-bit counter went back (reset)",
            Gap::Ambiguous => "a 32-bit counter polled too rarely to count its wraps",
            Gap::Resumed => "polling resumed",
        }
    }
}

/// Per-second rates over the last interval; `None` before two polls, across a gap, or when
/// the agent has no such counter.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    pub in_bps: Option<f64>,
    pub out_bps: Option<f64>,
    pub in_pps: Option<f64>,
    pub out_pps: Option<f64>,
    pub in_errors: Option<f64>,
    pub out_errors: Option<f64>,
    pub in_discards: Option<f64>,
    pub out_discards: Option<f64>,
}

impl Rates {
    /// Errors per second both ways.
    pub fn errors(&self) -> Option<f64> {
        sum(self.in_errors, self.out_errors)
    }

    pub fn discards(&self) -> Option<f64> {
        sum(self.in_discards, self.out_discards)
    }
}

fn sum(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// The recent rates of one interface, one entry per poll.
#[derive(Clone, Debug, Default)]
pub struct IfHistory {
    pub in_bps: History,
    pub out_bps: History,
    pub in_pps: History,
    pub out_pps: History,
    pub errors: History,
    pub discards: History,
}

impl IfHistory {
    fn new(len: usize) -> IfHistory {
        IfHistory {
            in_bps: History::new(len),
            out_bps: History::new(len),
            in_pps: History::new(len),
            out_pps: History::new(len),
            errors: History::new(len),
            discards: History::new(len),
        }
    }

    fn push(&mut self, r: &Rates) {
        self.in_bps.push(r.in_bps);
        self.out_bps.push(r.out_bps);
        self.in_pps.push(r.in_pps);
        self.out_pps.push(r.out_pps);
        self.errors.push(r.errors());
        self.discards.push(r.discards());
    }
}

/// One interface as last polled.
#[derive(Clone, Debug, Default)]
pub struct Interface {
    pub index: IfIndex,
    pub descr: String,
    pub name: String,
    pub alias: String,
    /// ifType (an IANAifType number).
    pub if_type: Option<i32>,
    /// Bits per second (ifHighSpeed when ifSpeed saturates or is smaller).
    pub speed: Option<u64>,
    pub admin: Option<IfStatus>,
    pub oper: Option<IfStatus>,
    /// sysUpTime at the last change of ifOperStatus (centiseconds).
    pub last_change: Option<u32>,
    /// ifCounterDiscontinuityTime (centiseconds).
    pub discontinuity: Option<u32>,
    /// The width of the octet counters the rates come from.
    pub octets_width: Option<CounterWidth>,
    pub rates: Rates,
    /// Why the last interval has no rate, if it has none.
    pub gap: Option<Gap>,
    pub history: IfHistory,
    counters: [Counter; METRICS],
    /// This poll's samples, while the poll is taken in.
    samples: [Option<Sample>; METRICS],
}

impl Interface {
    /// ifName, else ifDescr.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.descr
        } else {
            &self.name
        }
    }

    /// The busier direction's share of the speed, 0..=1 (and above when the agent's speed
    /// is wrong).
    pub fn utilization(&self) -> Option<f64> {
        let speed = self.speed.filter(|s| *s > 0)? as f64;
        let (i, o) = (self.rates.in_bps, self.rates.out_bps);
        if i.is_none() && o.is_none() {
            return None;
        }
        Some(i.unwrap_or(0.0).max(o.unwrap_or(0.0)) / speed)
    }

    /// The last counter value of `metric` (for the detail pane).
    pub fn counter(&self, metric: Metric) -> Option<&Sample> {
        self.counters[metric.slot()].last()
    }

    /// A row as a poll finds it; its history comes from the previous poll's row, or is
    /// made when the interface is new (not here: most rows are not).
    fn new(index: IfIndex) -> Interface {
        Interface {
            index,
            ..Interface::default()
        }
    }

    /// Records a sample; a 64-bit one wins over a 32-bit one of the same metric.
    fn sample(&mut self, metric: Metric, sample: Sample) {
        let slot = &mut self.samples[metric.slot()];
        if slot.is_none_or(|s| s.width == CounterWidth::Bits32) {
            *slot = Some(sample);
        }
    }

    /// Computes the rates since the previous poll from this poll's samples.
    fn take_rates(&mut self, discontinuity: Option<Gap>) {
        if discontinuity.is_some() {
            for c in &mut self.counters {
                c.forget();
            }
        }
        let mut gap = discontinuity;
        let mut rates = [None; METRICS];
        for (slot, rate) in rates.iter_mut().enumerate() {
            let metric = ALL_METRICS[slot];
            let max = metric.max_rate(self.speed);
            *rate = match self.counters[slot].update(self.samples[slot], max) {
                Some(Delta::Rate(r)) => Some(r),
                Some(Delta::Reset) => {
                    gap.get_or_insert(Gap::CounterReset);
                    None
                }
                Some(Delta::Ambiguous) => {
                    gap.get_or_insert(Gap::Ambiguous);
                    None
                }
                Some(Delta::TooSoon) | None => None,
            };
        }
        let r = |m: Metric| rates[m.slot()];
        let has = |m: Metric| self.samples[m.slot()].is_some();
        let packets = |ucast: Metric, mcast: Metric, bcast: Metric, nucast: Metric| {
            let ucast = r(ucast)?;
            let others = if has(mcast) || has(bcast) {
                if (has(mcast) && r(mcast).is_none()) || (has(bcast) && r(bcast).is_none()) {
                    return None;
                }
                r(mcast).unwrap_or(0.0) + r(bcast).unwrap_or(0.0)
            } else if has(nucast) {
                r(nucast)?
            } else {
                0.0
            };
            Some(ucast + others)
        };
        self.rates = Rates {
            in_bps: r(Metric::InOctets).map(|o| o * 8.0),
            out_bps: r(Metric::OutOctets).map(|o| o * 8.0),
            in_pps: packets(
                Metric::InUcast,
                Metric::InMcast,
                Metric::InBcast,
                Metric::InNUcast,
            ),
            out_pps: packets(
                Metric::OutUcast,
                Metric::OutMcast,
                Metric::OutBcast,
                Metric::OutNUcast,
            ),
            in_errors: r(Metric::InErrors),
            out_errors: r(Metric::OutErrors),
            in_discards: r(Metric::InDiscards),
            out_discards: r(Metric::OutDiscards),
        };
        self.octets_width = self.samples[Metric::InOctets.slot()].map(|s| s.width);
        self.gap = gap;
        self.samples = [None; METRICS];
    }
}

const ALL_METRICS: [Metric; METRICS] = [
    Metric::InOctets,
    Metric::OutOctets,
    Metric::InUcast,
    Metric::InMcast,
    Metric::InBcast,
    Metric::InNUcast,
    Metric::OutUcast,
    Metric::OutMcast,
    Metric::OutBcast,
    Metric::OutNUcast,
    Metric::InDiscards,
    Metric::OutDiscards,
    Metric::InErrors,
    Metric::OutErrors,
];

/// All interfaces by ifIndex, and what the polls so far have told.
#[derive(Clone, Debug, Default)]
pub struct InterfaceTable {
    pub rows: BTreeMap<IfIndex, Interface>,
    history_len: usize,
    /// sysUpTime of the last poll.
    uptime: Option<u32>,
    /// The next poll starts afresh (polling was paused).
    interrupted: bool,
    /// Every interface had 64-bit octet counters at the last poll: the 32-bit counters
    /// that have a 64-bit twin are not fetched.
    all_hc: bool,
    polls: u64,
}

impl InterfaceTable {
    /// A table keeping `history_len` rates per interface and direction.
    pub fn new(history_len: usize) -> InterfaceTable {
        InterfaceTable {
            history_len,
            ..InterfaceTable::default()
        }
    }

    /// The column OIDs of a first poll: every column of both tables.
    pub fn columns() -> Vec<Oid> {
        Self::column_oids(false)
    }

    /// The columns the next poll needs: once every interface has shown 64-bit counters, the
    /// 32-bit twins are left out (a third fewer values per poll).
    pub fn poll_columns(&self) -> Vec<Oid> {
        Self::column_oids(self.all_hc)
    }

    fn column_oids(hc_only: bool) -> Vec<Oid> {
        let twin = |f: &Field| {
            matches!(f, Field::Counter(m, C32) if !matches!(
                m,
                Metric::InDiscards | Metric::OutDiscards | Metric::InErrors | Metric::OutErrors
            ))
        };
        let table = |entry: &[u32], columns: &[(u32, Field)]| -> Vec<Oid> {
            columns
                .iter()
                .filter(|(_, f)| !(hc_only && twin(f)))
                .map(|(n, _)| Oid::from(entry).child(&[*n]))
                .collect()
        };
        let mut all = table(&IF_ENTRY, &IF_COLUMNS);
        all.extend(table(&IFX_ENTRY, &IFX_COLUMNS));
        all
    }

    /// How many polls were taken.
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// sysUpTime at the last poll.
    pub fn uptime(&self) -> Option<u32> {
        self.uptime
    }

    /// The next poll gives no rates and leaves a gap: polling was paused, the view left.
    pub fn interrupt(&mut self) {
        self.interrupted = true;
    }

    /// Takes one poll: the columns' varbinds, with the agent's sysUpTime and when it came.
    pub fn update(&mut self, varbinds: &[VarBind], uptime: Option<u32>, at: Instant) {
        let mut fresh: BTreeMap<IfIndex, Interface> = BTreeMap::new();
        let mut high_speed: BTreeMap<IfIndex, u64> = BTreeMap::new();
        for vb in varbinds {
            let Some((field, index)) = field_of(&vb.oid) else {
                continue;
            };
            let row = fresh.entry(index).or_insert_with(|| Interface::new(index));
            match field {
                Field::Descr => row.descr = text(&vb.value),
                Field::Name => row.name = text(&vb.value),
                Field::Alias => row.alias = text(&vb.value),
                Field::Type => row.if_type = integer(&vb.value),
                Field::Speed => row.speed = counter(&vb.value),
                Field::HighSpeed => {
                    if let Some(mbps) = counter(&vb.value).filter(|m| *m > 0) {
                        high_speed.insert(index, mbps * 1_000_000);
                    }
                }
                Field::Admin => row.admin = integer(&vb.value).map(IfStatus::from_code),
                Field::Oper => row.oper = integer(&vb.value).map(IfStatus::from_code),
                Field::LastChange => row.last_change = ticks(&vb.value),
                Field::Discontinuity => row.discontinuity = ticks(&vb.value),
                Field::Counter(metric, width) => {
                    let value = match (&vb.value, width) {
                        (Value::Counter32(n), C32) => Some(u64::from(*n)),
                        (Value::Counter64(n), C64) => Some(*n),
                        // Anything else (noSuchInstance, a wrong type) is no sample.
                        _ => None,
                    };
                    if let Some(value) = value {
                        row.sample(
                            metric,
                            Sample {
                                value,
                                width,
                                at,
                                uptime,
                            },
                        );
                    }
                }
            }
        }
        let restarted = matches!((self.uptime, uptime), (Some(before), Some(now)) if now < before);
        let table_gap = if restarted {
            Some(Gap::AgentRestarted)
        } else if self.interrupted {
            Some(Gap::Resumed)
        } else {
            None
        };
        let mut all_hc = !fresh.is_empty();
        for (index, mut row) in fresh {
            // ifSpeed saturates at 4294967295; ifHighSpeed (Mb/s) tells the truth above it.
            if let Some(hs) = high_speed.get(&index) {
                if row
                    .speed
                    .is_none_or(|s| s >= u64::from(u32::MAX) || *hs > s)
                {
                    row.speed = Some(*hs);
                }
            }
            let mut gap = table_gap;
            if let Some(old) = self.rows.remove(&index) {
                row.history = old.history;
                row.counters = old.counters;
                if old.discontinuity.is_some() && old.discontinuity != row.discontinuity {
                    gap = gap.or(Some(Gap::Discontinuity));
                }
                row.take_rates(gap);
                row.history.push(&row.rates);
            } else {
                row.history = IfHistory::new(self.history_len);
                row.take_rates(None);
            }
            all_hc &= row.octets_width == Some(C64);
            self.rows.insert(index, row);
        }
        self.all_hc = all_hc;
        self.uptime = uptime;
        self.interrupted = false;
        self.polls += 1;
    }
}

fn counter(v: &Value) -> Option<u64> {
    match v {
        Value::Counter32(n) | Value::Gauge32(n) | Value::UInteger32(n) | Value::TimeTicks(n) => {
            Some(u64::from(*n))
        }
        Value::Counter64(n) => Some(*n),
        Value::Integer(n) => u64::try_from(*n).ok(),
        _ => None,
    }
}

fn ticks(v: &Value) -> Option<u32> {
    match v {
        Value::TimeTicks(n) => Some(*n),
        _ => None,
    }
}

fn integer(v: &Value) -> Option<i32> {
    match v {
        Value::Integer(n) => i32::try_from(*n).ok(),
        _ => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::OctetString(b) => String::from_utf8_lossy(b)
            .trim_end_matches('\0')
            .to_string(),
        _ => String::new(),
    }
}

/// `12.3M`-style figures for bits per second.
pub fn human_bps(bps: f64) -> String {
    super::units::si(bps)
}

#[cfg(test)]
#[path = "interfaces_tests.rs"]
pub(crate) mod tests;
