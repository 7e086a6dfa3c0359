//! The interface table an operator watches, from IF-MIB's ifTable and ifXTable (RFC 2863):
//! names, status, speed, errors, and in/out rates computed between polls (64-bit counters
//! when the agent has them, 32-bit otherwise). Sans-IO: polls come in as varbinds.

use std::collections::BTreeMap;
use std::time::Instant;

use super::rates::{CounterWidth, Delta, History, Sample, rate};
use crate::proto::{Oid, Value, VarBind};

/// ifIndex (RFC 2863 section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IFX_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];

/// The columns a poll fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Descr,
    Speed,
    Admin,
    Oper,
    InOctets,
    InErrors,
    OutOctets,
    OutErrors,
    Name,
    HcInOctets,
    HcOutOctets,
    HighSpeed,
    Alias,
}

const COLUMNS: [(Column, bool, u32); 13] = [
    (Column::Descr, false, 2),
    (Column::Speed, false, 5),
    (Column::Admin, false, 7),
    (Column::Oper, false, 8),
    (Column::InOctets, false, 10),
    (Column::InErrors, false, 14),
    (Column::OutOctets, false, 16),
    (Column::OutErrors, false, 20),
    (Column::Name, true, 1),
    (Column::HcInOctets, true, 6),
    (Column::HcOutOctets, true, 10),
    (Column::HighSpeed, true, 15),
    (Column::Alias, true, 18),
];

fn column_oid(x: bool, n: u32) -> Oid {
    if x {
        Oid::from(&IFX_ENTRY[..]).child(&[n])
    } else {
        Oid::from(&IF_ENTRY[..]).child(&[n])
    }
}

/// One interface as last polled.
#[derive(Clone, Debug, Default)]
pub struct Interface {
    pub descr: String,
    pub name: String,
    pub alias: String,
    /// Bits per second (ifHighSpeed when set, else ifSpeed).
    pub speed: Option<u64>,
    pub admin: Option<IfStatus>,
    pub oper: Option<IfStatus>,
    pub in_errors: Option<u64>,
    pub out_errors: Option<u64>,
    /// Octet counters: 64-bit when the agent has ifXTable.
    in_octets: Option<Sample>,
    out_octets: Option<Sample>,
    /// Bits per second over the last interval; `None` before two polls or after a reset.
    pub in_bps: Option<f64>,
    pub out_bps: Option<f64>,
    /// The counters restarted during the last interval (agent reboot).
    pub reset: bool,
    pub in_history: History,
    pub out_history: History,
}

impl Interface {
    /// The busier direction's share of the speed, 0..=1.
    pub fn utilization(&self) -> Option<f64> {
        let speed = self.speed.filter(|s| *s > 0)? as f64;
        let busiest = self.in_bps.unwrap_or(0.0).max(self.out_bps.unwrap_or(0.0));
        Some(busiest / speed)
    }
}

/// All interfaces by ifIndex.
#[derive(Clone, Debug, Default)]
pub struct InterfaceTable {
    pub rows: BTreeMap<IfIndex, Interface>,
    history_len: usize,
}

impl InterfaceTable {
    pub fn new(history_len: usize) -> InterfaceTable {
        InterfaceTable {
            rows: BTreeMap::new(),
            history_len,
        }
    }

    /// The column OIDs a poll walks.
    pub fn columns() -> Vec<Oid> {
        COLUMNS.iter().map(|(_, x, n)| column_oid(*x, *n)).collect()
    }

    /// Takes one poll: the columns' varbinds, with the agent's sysUpTime and when it came.
    pub fn update(&mut self, varbinds: &[VarBind], uptime: Option<u32>, at: Instant) {
        let columns: Vec<(Column, Oid)> = COLUMNS
            .iter()
            .map(|(c, x, n)| (*c, column_oid(*x, *n)))
            .collect();
        let mut fresh: BTreeMap<IfIndex, Interface> = BTreeMap::new();
        let mut high_speed: BTreeMap<IfIndex, u64> = BTreeMap::new();
        for vb in varbinds {
            let Some((column, index)) =
                columns
                    .iter()
                    .find_map(|(c, oid)| match vb.oid.suffix_after(oid) {
                        Some([i]) => Some((*c, IfIndex(*i))),
                        _ => None,
                    })
            else {
                continue;
            };
            let row = fresh.entry(index).or_insert_with(|| Interface {
                in_history: History::new(self.history_len),
                out_history: History::new(self.history_len),
                ..Interface::default()
            });
            let sample = |width| {
                counter(&vb.value).map(|value| Sample {
                    value,
                    width,
                    at,
                    uptime,
                })
            };
            match column {
                Column::Descr => row.descr = text(&vb.value),
                Column::Name => row.name = text(&vb.value),
                Column::Alias => row.alias = text(&vb.value),
                Column::Speed => row.speed = counter(&vb.value),
                Column::HighSpeed => {
                    if let Some(mbps) = counter(&vb.value).filter(|m| *m > 0) {
                        high_speed.insert(index, mbps * 1_000_000);
                    }
                }
                Column::Admin => row.admin = integer(&vb.value).map(IfStatus::from_code),
                Column::Oper => row.oper = integer(&vb.value).map(IfStatus::from_code),
                Column::InErrors => row.in_errors = counter(&vb.value),
                Column::OutErrors => row.out_errors = counter(&vb.value),
                Column::InOctets if row.in_octets.is_none() => {
                    row.in_octets = sample(CounterWidth::Bits32);
                }
                Column::OutOctets if row.out_octets.is_none() => {
                    row.out_octets = sample(CounterWidth::Bits32);
                }
                Column::HcInOctets => {
                    row.in_octets = sample(CounterWidth::Bits64).or(row.in_octets);
                }
                Column::HcOutOctets => {
                    row.out_octets = sample(CounterWidth::Bits64).or(row.out_octets);
                }
                Column::InOctets | Column::OutOctets => {}
            }
        }
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
            if let Some(old) = self.rows.remove(&index) {
                row.in_history = old.in_history;
                row.out_history = old.out_history;
                let (in_delta, out_delta) = (
                    delta(old.in_octets, row.in_octets),
                    delta(old.out_octets, row.out_octets),
                );
                row.reset = matches!(in_delta, Some(Delta::Reset))
                    || matches!(out_delta, Some(Delta::Reset));
                row.in_bps = bits(in_delta);
                row.out_bps = bits(out_delta);
                if let Some(v) = row.in_bps {
                    row.in_history.push(v);
                }
                if let Some(v) = row.out_bps {
                    row.out_history.push(v);
                }
            }
            self.rows.insert(index, row);
        }
    }
}

fn delta(old: Option<Sample>, new: Option<Sample>) -> Option<Delta> {
    match (old, new) {
        // A switch between 32- and 64-bit counters is no basis for a rate.
        (Some(o), Some(n)) if o.width == n.width => Some(rate(&o, &n)),
        _ => None,
    }
}

fn bits(d: Option<Delta>) -> Option<f64> {
    match d {
        Some(Delta::Rate(octets)) => Some(octets * 8.0),
        _ => None,
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
    let units = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    for (scale, unit) in units {
        if bps >= scale {
            return format!("{:.1}{unit}", bps / scale);
        }
    }
    format!("{bps:.0}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn poll(index: u32, in_hc: u64, out32: u32, uptime: u32) -> Vec<VarBind> {
        let c = |x, n| column_oid(x, n).child(&[index]);
        vec![
            VarBind::new(
                c(false, 2),
                Value::OctetString(b"GigabitEthernet1/0/1".to_vec()),
            ),
            VarBind::new(c(false, 5), Value::Gauge32(u32::MAX)),
            VarBind::new(c(false, 7), Value::Integer(1)),
            VarBind::new(c(false, 8), Value::Integer(7)),
            VarBind::new(c(false, 10), Value::Counter32(in_hc as u32)),
            VarBind::new(c(false, 16), Value::Counter32(out32)),
            VarBind::new(c(true, 6), Value::Counter64(in_hc)),
            VarBind::new(c(true, 15), Value::Gauge32(10_000)),
            VarBind::new(
                Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0]),
                Value::TimeTicks(uptime),
            ),
        ]
    }

    #[test]
    fn rates_prefer_64_bit_counters_and_survive_a_32_bit_wrap() {
        let t0 = Instant::now();
        let mut t = InterfaceTable::new(10);
        t.update(
            &poll(3, 5_000_000_000, u32::MAX - 999, 1000),
            Some(1000),
            t0,
        );
        let row = &t.rows[&IfIndex(3)];
        assert_eq!(row.in_bps, None);
        assert_eq!(
            row.speed,
            Some(10_000_000_000),
            "ifHighSpeed wins over a saturated ifSpeed"
        );
        assert_eq!(row.oper, Some(IfStatus::LowerLayerDown));
        t.update(
            &poll(3, 5_000_001_000, 1000, 1200),
            Some(1200),
            t0 + Duration::from_secs(2),
        );
        let row = &t.rows[&IfIndex(3)];
        // 1000 octets in 2 s of agent time = 4000 bit/s; the out counter wrapped.
        assert_eq!(row.in_bps, Some(4000.0));
        assert_eq!(row.out_bps, Some(8000.0));
        assert!(!row.reset);
        assert_eq!(row.in_history.values().collect::<Vec<_>>(), vec![4000.0]);
        // The agent restarts: uptime goes back, no rate, marked reset.
        t.update(&poll(3, 10, 10, 50), Some(50), t0 + Duration::from_secs(4));
        let row = &t.rows[&IfIndex(3)];
        assert!(row.reset);
        assert_eq!(row.in_bps, None);
        assert_eq!(human_bps(1_234_567.0), "1.2M");
        assert_eq!(human_bps(999.0), "999");
    }
}
