//! A flapping link: an interface whose ifOperStatus goes down and up again on a schedule,
//! counted from the agent's (re)start: up for a period, down for a period, and so on. Its
//! ifLastChange follows, its traffic counters (ifTable and ifXTable) stand still while it is
//! down, and each change is a linkDown or linkUp notification (RFC 2863 section 6) for the
//! agent's notification targets. Time is a parameter here, as everywhere in the agent.

use std::time::Duration;

use crate::proto::{Oid, Value, VarBind};

/// ifEntry and ifXEntry (RFC 2863).
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IFX_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
/// linkDown and linkUp: snmpTraps.3 and .4 (RFC 3418, IF-MIB).
pub const LINK_DOWN: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 3];
pub const LINK_UP: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 4];
/// sysUpTime.0 and snmpTrapOID.0 open every SNMPv2 notification (RFC 3416 section 4.2.6).
const SYS_UPTIME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const SNMP_TRAP_OID_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/// The interface `if_index` goes down after `period` up, and up after `period` down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flap {
    pub if_index: u32,
    pub period: Duration,
}

/// What an object of the flapping interface is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkObject {
    OperStatus,
    LastChange,
    /// A traffic counter: it moves only while the link is up.
    Counter,
}

impl Flap {
    /// `IFINDEX:SECONDS`, as `--flap` takes it.
    pub fn parse(text: &str) -> Result<Flap, String> {
        let bad = || format!("--flap {text}: give IFINDEX:SECONDS, as 10107:20");
        let (index, seconds) = text.split_once(':').ok_or_else(bad)?;
        let if_index = index.trim().parse::<u32>().map_err(|_| bad())?;
        let seconds = seconds.trim().parse::<f64>().map_err(|_| bad())?;
        if !(0.1..=86_400.0).contains(&seconds) {
            return Err(format!("--flap {text}: the period is 0.1 to 86400 seconds"));
        }
        Ok(Flap {
            if_index,
            period: Duration::from_secs_f64(seconds),
        })
    }

    /// Whether the link is up `since_boot` after the agent's (re)start.
    pub fn is_up(&self, since_boot: Duration) -> bool {
        self.changes(since_boot) % 2 == 0
    }

    /// How many times the link changed state in the first `since_boot`.
    pub fn changes(&self, since_boot: Duration) -> u128 {
        if self.period.is_zero() {
            return 0;
        }
        since_boot.as_nanos() / self.period.as_nanos()
    }

    /// When (after the start) the link last changed: the start itself if it never did.
    pub fn last_change(&self, since_boot: Duration) -> Duration {
        let n = self.changes(since_boot);
        self.period * u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// How long the link was up between `from` and `to` (both after the start).
    pub fn up_time(&self, from: Duration, to: Duration) -> Duration {
        self.up_until(to).saturating_sub(self.up_until(from))
    }

    /// Time up from the start to `t`: a full period per up-and-down cycle, plus the part
    /// of the current cycle spent up.
    fn up_until(&self, t: Duration) -> Duration {
        if self.period.is_zero() {
            return t;
        }
        let cycle = self.period * 2;
        let cycles = t.as_nanos() / cycle.as_nanos();
        let into = t.as_nanos() % cycle.as_nanos();
        let up = cycles * self.period.as_nanos() + into.min(self.period.as_nanos());
        Duration::from_nanos(u64::try_from(up).unwrap_or(u64::MAX))
    }

    /// Which of this interface's objects `oid` is, if any.
    pub fn owns(&self, oid: &Oid, value: &Value) -> Option<LinkObject> {
        let arcs = oid.arcs();
        let (table, rest) = if arcs.starts_with(&IF_ENTRY) {
            (false, &arcs[IF_ENTRY.len()..])
        } else if arcs.starts_with(&IFX_ENTRY) {
            (true, &arcs[IFX_ENTRY.len()..])
        } else {
            return None;
        };
        let [column, index] = rest else { return None };
        if *index != self.if_index {
            return None;
        }
        match (table, column, value) {
            (false, 8, _) => Some(LinkObject::OperStatus),
            (false, 9, _) => Some(LinkObject::LastChange),
            (_, _, Value::Counter32(_) | Value::Counter64(_)) => Some(LinkObject::Counter),
            _ => None,
        }
    }

    /// The linkDown or linkUp notification for the change at `uptime` (ticks), with the
    /// objects RFC 2863 names: ifIndex, ifAdminStatus, ifOperStatus.
    pub fn notification(&self, up: bool, uptime: u32, admin: Value) -> Vec<VarBind> {
        let column = |c: u32| Oid::from(&IF_ENTRY[..]).child(&[c, self.if_index]);
        let trap = if up { LINK_UP } else { LINK_DOWN };
        vec![
            VarBind::new(Oid::from(&SYS_UPTIME_0[..]), Value::TimeTicks(uptime)),
            VarBind::new(
                Oid::from(&SNMP_TRAP_OID_0[..]),
                Value::ObjectId(Oid::from(&trap[..])),
            ),
            VarBind::new(column(1), Value::Integer(i64::from(self.if_index))),
            VarBind::new(column(7), admin),
            VarBind::new(column(8), Value::Integer(if up { 1 } else { 2 })),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn up_for_a_period_then_down_for_a_period() {
        let f = Flap {
            if_index: 7,
            period: s(20),
        };
        assert!(f.is_up(s(0)) && f.is_up(s(19)));
        assert!(!f.is_up(s(20)) && !f.is_up(s(39)));
        assert!(f.is_up(s(40)));
        assert_eq!(f.last_change(s(5)), s(0));
        assert_eq!(f.last_change(s(45)), s(40));
        // Up 0-20 and 40-60: 10 s of 10-50 is 10 up, 20 down, 10 up.
        assert_eq!(f.up_time(s(10), s(50)), s(20));
        assert_eq!(f.up_time(s(25), s(35)), s(0));
        assert_eq!(f.up_time(s(0), s(100)), s(60));
    }

    #[test]
    fn the_interfaces_objects_are_its_own() {
        let f = Flap {
            if_index: 7,
            period: s(20),
        };
        let oid = |s: &str| s.parse::<Oid>().unwrap();
        let c = Value::Counter32(0);
        let i = Value::Integer(1);
        assert_eq!(
            f.owns(&oid(".1.3.6.1.2.1.2.2.1.8.7"), &i),
            Some(LinkObject::OperStatus)
        );
        assert_eq!(
            f.owns(&oid(".1.3.6.1.2.1.2.2.1.9.7"), &i),
            Some(LinkObject::LastChange)
        );
        assert_eq!(
            f.owns(&oid(".1.3.6.1.2.1.2.2.1.10.7"), &c),
            Some(LinkObject::Counter)
        );
        assert_eq!(
            f.owns(&oid(".1.3.6.1.2.1.31.1.1.1.6.7"), &Value::Counter64(0)),
            Some(LinkObject::Counter)
        );
        assert_eq!(f.owns(&oid(".1.3.6.1.2.1.2.2.1.10.8"), &c), None);
        assert_eq!(f.owns(&oid(".1.3.6.1.2.1.2.2.1.2.7"), &i), None);
        assert_eq!(Flap::parse("10107:20").unwrap().period, s(20));
        assert!(Flap::parse("10107").is_err());
        assert!(Flap::parse("x:1").is_err());
    }

    /// The simulated switch with Gi1/0/7 flapping every 20 s, and a trap receiver.
    fn switch(now: std::time::Instant) -> crate::agent::Agent {
        use crate::agent::{Agent, AgentConfig, NotifyTarget, Snapshot, StoreOptions};
        let options = StoreOptions {
            flaps: vec![Flap {
                if_index: 10107,
                period: s(20),
            }],
            ..StoreOptions::default()
        };
        Agent::from_snapshot(
            &Snapshot::embedded_switch(),
            &options,
            AgentConfig::default(),
            now,
        )
        .with_notifications(vec![NotifyTarget {
            addr: "127.0.0.1:16200".parse().unwrap(),
            community: crate::proto::Community::new("public"),
        }])
    }

    #[test]
    fn the_switch_link_goes_down_its_counters_stop_and_it_comes_back() {
        use crate::agent::store::Lookup;
        let t0 = std::time::Instant::now();
        let agent = switch(t0);
        let get =
            |oid: &str, secs: u64| match agent.store().get(&oid.parse().unwrap(), t0 + s(secs)) {
                Lookup::Found(v) => v,
                other => panic!("{oid}: {other:?}"),
            };
        let oper = ".1.3.6.1.2.1.2.2.1.8.10107";
        let octets = ".1.3.6.1.2.1.31.1.1.1.6.10107";
        assert_eq!(get(oper, 5), Value::Integer(1));
        assert_eq!(get(oper, 25), Value::Integer(2));
        assert_eq!(
            get(".1.3.6.1.2.1.2.2.1.9.10107", 25),
            Value::TimeTicks(2000)
        );
        assert_eq!(get(octets, 20), get(octets, 39), "no traffic while down");
        assert_ne!(get(octets, 10), get(octets, 20));
        assert_ne!(get(octets, 40), get(octets, 45));
        // Another port moves all along.
        let other = ".1.3.6.1.2.1.31.1.1.1.6.10101";
        assert_ne!(get(other, 20), get(other, 39));
    }

    #[test]
    fn each_change_is_one_link_down_or_up_trap_per_target() {
        use crate::proto::{Message, PduBody, PduType};
        let t0 = std::time::Instant::now();
        let mut agent = switch(t0);
        assert_eq!(agent.poll_timeout(), Some(t0 + s(20)));
        assert!(agent.handle_timeout(t0 + s(19)).is_empty());
        let sent = agent.handle_timeout(t0 + s(20));
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].dest, "127.0.0.1:16200".parse().unwrap());
        let (message, _) = Message::decode(&sent[0].payload).unwrap();
        let Message::Community(m) = message else {
            panic!("a v2c message")
        };
        let PduBody::Pdu(pdu) = m.pdu else {
            panic!("a PDU")
        };
        assert_eq!(pdu.kind, PduType::TrapV2);
        assert_eq!(pdu.varbinds[0].value, Value::TimeTicks(2000));
        assert_eq!(
            pdu.varbinds[1].value,
            Value::ObjectId(Oid::from(&LINK_DOWN[..]))
        );
        assert_eq!(pdu.varbinds[2].value, Value::Integer(10107));
        assert_eq!(pdu.varbinds[4].value, Value::Integer(2));
        assert_eq!(agent.poll_timeout(), Some(t0 + s(40)));
        // Woken late: the changes missed are announced once each, the last one up.
        let sent = agent.handle_timeout(t0 + s(61));
        assert_eq!(sent.len(), 2);
        assert!(agent.handle_timeout(t0 + s(62)).is_empty());
        // A restart starts the schedule again.
        agent.restart(t0 + s(70));
        assert_eq!(agent.poll_timeout(), Some(t0 + s(90)));
    }
}
