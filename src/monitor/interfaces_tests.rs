//! The interface table on a simulated clock: hand-made polls for each rule, then the
//! simulated switch's own object store (sans-IO, time passed in) polled every 2 s across a
//! Counter32 wrap and a restart, its rates checked against the speeds the snapshot gives.

use std::time::{Duration, Instant};

use super::*;
use crate::agent::snapshot::Snapshot;
use crate::agent::store::{Lookup, ObjectStore, StoreOptions};

fn if_oid(column: u32, index: u32) -> Oid {
    Oid::from(&IF_ENTRY[..]).child(&[column, index])
}

fn ifx_oid(column: u32, index: u32) -> Oid {
    Oid::from(&IFX_ENTRY[..]).child(&[column, index])
}

/// One interface: name, speeds, status, HC in-octets, 32-bit out-octets.
fn poll(index: u32, in_hc: u64, out32: u32) -> Vec<VarBind> {
    vec![
        VarBind::new(
            if_oid(2, index),
            Value::OctetString(b"GigabitEthernet1/0/1".to_vec()),
        ),
        VarBind::new(if_oid(5, index), Value::Gauge32(u32::MAX)),
        VarBind::new(if_oid(7, index), Value::Integer(1)),
        VarBind::new(if_oid(8, index), Value::Integer(7)),
        VarBind::new(if_oid(10, index), Value::Counter32(in_hc as u32)),
        VarBind::new(if_oid(16, index), Value::Counter32(out32)),
        VarBind::new(ifx_oid(6, index), Value::Counter64(in_hc)),
        VarBind::new(ifx_oid(15, index), Value::Gauge32(10_000)),
    ]
}

fn secs(t0: Instant, s: u64) -> Instant {
    t0 + Duration::from_secs(s)
}

#[test]
fn rates_prefer_64_bit_counters_and_survive_a_32_bit_wrap() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    t.update(&poll(3, 5_000_000_000, u32::MAX - 999), Some(1000), t0);
    let row = &t.rows[&IfIndex(3)];
    assert_eq!(row.rates.in_bps, None);
    assert_eq!(
        row.speed,
        Some(10_000_000_000),
        "ifHighSpeed wins over a saturated ifSpeed"
    );
    assert_eq!(row.oper, Some(IfStatus::LowerLayerDown));
    assert_eq!(row.octets_width, Some(CounterWidth::Bits64));
    t.update(&poll(3, 5_000_001_000, 1000), Some(1200), secs(t0, 2));
    let row = &t.rows[&IfIndex(3)];
    // 1000 octets in 2 s of agent time = 4000 bit/s; the out counter wrapped.
    assert_eq!(row.rates.in_bps, Some(4000.0));
    assert_eq!(row.rates.out_bps, Some(8000.0));
    assert_eq!(row.gap, None);
    assert_eq!(
        row.history.in_bps.values().collect::<Vec<_>>(),
        vec![Some(4000.0)]
    );
}

#[test]
fn an_agent_restart_is_a_gap_then_rates_resume() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    t.update(&poll(3, 1_000, 1_000), Some(10_000), t0);
    t.update(&poll(3, 2_000, 2_000), Some(10_100), secs(t0, 1));
    // The agent restarts: uptime goes back, counters start over from small values.
    t.update(&poll(3, 10, 10), Some(50), secs(t0, 2));
    let row = &t.rows[&IfIndex(3)];
    assert_eq!(row.gap, Some(Gap::AgentRestarted));
    assert_eq!(row.rates.in_bps, None);
    assert_eq!(row.rates.out_bps, None, "no spike from a 32-bit 'wrap'");
    t.update(&poll(3, 110, 110), Some(150), secs(t0, 3));
    let row = &t.rows[&IfIndex(3)];
    assert_eq!(row.gap, None);
    assert_eq!(row.rates.in_bps, Some(800.0));
    assert_eq!(
        row.history.in_bps.values().collect::<Vec<_>>(),
        vec![Some(8000.0), None, Some(800.0)],
        "the restart is a gap in the history"
    );
}

#[test]
fn a_discontinuity_time_change_is_a_gap_for_that_interface_only() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    let with_disc = |in_hc: u64, disc: u32| {
        let mut p = poll(1, in_hc, 0);
        p.extend(poll(2, in_hc, 0));
        p.push(VarBind::new(ifx_oid(19, 1), Value::TimeTicks(disc)));
        p.push(VarBind::new(ifx_oid(19, 2), Value::TimeTicks(0)));
        p
    };
    t.update(&with_disc(1_000_000, 0), Some(100), t0);
    // Interface 1's counters were cleared (and happen to be higher): the difference is void.
    t.update(&with_disc(9_000_000, 150), Some(200), secs(t0, 1));
    assert_eq!(t.rows[&IfIndex(1)].gap, Some(Gap::Discontinuity));
    assert_eq!(t.rows[&IfIndex(1)].rates.in_bps, None);
    assert_eq!(t.rows[&IfIndex(2)].gap, None);
    assert_eq!(t.rows[&IfIndex(2)].rates.in_bps, Some(64_000_000.0));
}

#[test]
fn a_counter32_polled_too_rarely_for_its_speed_is_a_gap() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    let p = |octets: u32| {
        vec![
            VarBind::new(if_oid(5, 7), Value::Gauge32(1_000_000_000)),
            VarBind::new(if_oid(10, 7), Value::Counter32(octets)),
        ]
    };
    t.update(&p(0), None, t0);
    t.update(&p(1_000), None, secs(t0, 30));
    assert_eq!(t.rows[&IfIndex(7)].rates.in_bps, Some(8000.0 / 30.0));
    // 40 s at up to 125 MB/s: the counter may have gone round more than once.
    t.update(&p(2_000), None, secs(t0, 70));
    assert_eq!(t.rows[&IfIndex(7)].gap, Some(Gap::Ambiguous));
    assert_eq!(t.rows[&IfIndex(7)].rates.in_bps, None);
}

#[test]
fn packets_errors_and_discards_per_second() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    let p = |n: u64| {
        vec![
            // HC unicast + multicast + broadcast in; 32-bit unicast + NUcast out.
            VarBind::new(ifx_oid(7, 1), Value::Counter64(100 * n)),
            VarBind::new(ifx_oid(8, 1), Value::Counter64(10 * n)),
            VarBind::new(ifx_oid(9, 1), Value::Counter64(n)),
            VarBind::new(if_oid(17, 1), Value::Counter32((50 * n) as u32)),
            VarBind::new(if_oid(18, 1), Value::Counter32((5 * n) as u32)),
            VarBind::new(if_oid(14, 1), Value::Counter32((2 * n) as u32)),
            VarBind::new(if_oid(20, 1), Value::Counter32(n as u32)),
            VarBind::new(if_oid(13, 1), Value::Counter32((3 * n) as u32)),
            VarBind::new(if_oid(19, 1), Value::Counter32(0)),
        ]
    };
    t.update(&p(1), None, t0);
    t.update(&p(3), None, secs(t0, 2));
    let r = t.rows[&IfIndex(1)].rates;
    assert_eq!(r.in_pps, Some(111.0));
    assert_eq!(r.out_pps, Some(55.0));
    assert_eq!(r.errors(), Some(3.0));
    assert_eq!(r.discards(), Some(3.0));
    assert_eq!(r.in_bps, None, "no octet counters, no bit rate");
}

#[test]
fn once_every_interface_has_64_bit_counters_their_32_bit_twins_are_not_fetched() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    let all = InterfaceTable::columns();
    assert_eq!(t.poll_columns(), all);
    assert!(all.contains(&if_oid(10, 0).parent().unwrap()));
    t.update(&poll(1, 100, 100), None, t0);
    let fewer = t.poll_columns();
    assert!(fewer.len() < all.len());
    assert!(!fewer.contains(&Oid::from(&IF_ENTRY[..]).child(&[10])));
    assert!(
        fewer.contains(&Oid::from(&IF_ENTRY[..]).child(&[14])),
        "errors stay"
    );
    assert!(fewer.contains(&Oid::from(&IFX_ENTRY[..]).child(&[6])));
    // An interface without them brings the 32-bit counters back.
    let mut p = poll(1, 200, 200);
    p.push(VarBind::new(if_oid(10, 2), Value::Counter32(5)));
    t.update(&p, None, secs(t0, 1));
    assert_eq!(t.poll_columns(), all);
}

#[test]
fn a_pause_leaves_a_gap_instead_of_an_average() {
    let t0 = Instant::now();
    let mut t = InterfaceTable::new(10);
    t.update(&poll(1, 0, 0), None, t0);
    t.update(&poll(1, 1_000, 0), None, secs(t0, 1));
    t.interrupt();
    t.update(&poll(1, 900_000, 0), None, secs(t0, 600));
    assert_eq!(t.rows[&IfIndex(1)].gap, Some(Gap::Resumed));
    t.update(&poll(1, 901_000, 0), None, secs(t0, 601));
    assert_eq!(
        t.rows[&IfIndex(1)]
            .history
            .in_bps
            .values()
            .collect::<Vec<_>>(),
        vec![Some(8000.0), None, Some(8000.0)]
    );
}

/// Polls `store` as a manager would (sysUpTime, then each column walked), at `now`.
pub(crate) fn poll_store(
    store: &ObjectStore,
    columns: &[Oid],
    now: Instant,
) -> (Vec<VarBind>, Option<u32>) {
    let uptime = match store.get(&Oid::from(&[1, 3, 6, 1, 2, 1, 1, 3, 0][..]), now) {
        Lookup::Found(Value::TimeTicks(t)) => Some(t),
        other => panic!("sysUpTime: {other:?}"),
    };
    let mut out = Vec::new();
    for column in columns {
        let mut at = column.clone();
        while let Some(vb) = store.next_after(&at, now, |_| true) {
            if !vb.oid.starts_with(column) {
                break;
            }
            at = vb.oid.clone();
            out.push(vb);
        }
    }
    (out, uptime)
}

/// The speed the snapshot gives a counter, in units per second.
fn configured(snapshot: &Snapshot, oid: &Oid) -> f64 {
    let rate = snapshot
        .objects
        .iter()
        .find(|o| &o.oid == oid)
        .and_then(|o| o.rate)
        .unwrap_or_else(|| panic!("{oid} has no rate in the snapshot"));
    rate.advance(Duration::from_secs(1_000_000)) as f64 / 1e6
}

#[test]
fn the_simulated_switch_polled_across_a_counter32_wrap_and_a_restart() {
    let snapshot = Snapshot::embedded_switch();
    let t0 = Instant::now();
    let mut store = ObjectStore::build(&snapshot, &StoreOptions::default(), t0);
    // Port-channel1 moves 114 MB/s in: its ifInOctets (Counter32) wraps within 20 s.
    let po1 = IfIndex(5001);
    let in_octets = configured(&snapshot, &if_oid(10, po1.0));
    let out_octets = configured(&snapshot, &if_oid(16, po1.0));
    let in_ucast = configured(&snapshot, &if_oid(11, po1.0));
    let in_nucast = configured(&snapshot, &if_oid(12, po1.0));
    // Two managers: one reads the 64-bit counters, one only ifTable's 32-bit ones.
    let if_table: Vec<Oid> = InterfaceTable::columns()
        .into_iter()
        .filter(|c| c.starts_with(&Oid::from(&IF_ENTRY[..])))
        .collect();
    let mut hc = InterfaceTable::new(60);
    let mut c32 = InterfaceTable::new(60);
    let mut wrapped = false;
    let mut previous32 = None;
    let close = |got: Option<f64>, want: f64| {
        let got = got.expect("a rate");
        assert!(
            (got - want).abs() <= want * 1e-6 + 8.0,
            "got {got}, configured {want}"
        );
    };
    for step in 0..=15u64 {
        let now = secs(t0, 2 * step);
        let (vbs, uptime) = poll_store(&store, &hc.poll_columns(), now);
        hc.update(&vbs, uptime, now);
        let (vbs, uptime) = poll_store(&store, &if_table, now);
        let raw = vbs
            .iter()
            .find(|vb| vb.oid == if_oid(10, po1.0))
            .map(|vb| vb.value.clone());
        if let (Some(Value::Counter32(before)), Some(Value::Counter32(after))) = (&previous32, &raw)
        {
            wrapped |= after < before;
        }
        previous32 = raw;
        c32.update(&vbs, uptime, now);
        if step == 0 {
            continue;
        }
        for t in [&hc, &c32] {
            let row = &t.rows[&po1];
            assert_eq!(row.gap, None, "step {step}");
            close(row.rates.in_bps, in_octets * 8.0);
            close(row.rates.out_bps, out_octets * 8.0);
        }
        close(c32.rows[&po1].rates.in_pps, in_ucast + in_nucast);
        assert_eq!(hc.rows[&po1].octets_width, Some(CounterWidth::Bits64));
        assert_eq!(c32.rows[&po1].octets_width, Some(CounterWidth::Bits32));
    }
    assert!(wrapped, "ifInOctets.5001 wrapped during the test");
    assert!(
        hc.poll_columns().len() < InterfaceTable::columns().len(),
        "the switch has 64-bit counters everywhere"
    );
    // The switch restarts: one gap, never a spike, then the configured rates again.
    let restart = secs(t0, 31);
    store.restart(restart);
    for (step, expect_gap) in [(16u64, true), (17, false)] {
        let now = secs(t0, 2 * step);
        for (t, only_if_table) in [(&mut hc, false), (&mut c32, true)] {
            let columns = if only_if_table {
                if_table.clone()
            } else {
                t.poll_columns()
            };
            let (vbs, uptime) = poll_store(&store, &columns, now);
            t.update(&vbs, uptime, now);
            let row = &t.rows[&po1];
            if expect_gap {
                assert_eq!(row.gap, Some(Gap::AgentRestarted));
                assert_eq!(row.rates.in_bps, None);
                assert_eq!(row.history.in_bps.last(), Some(None));
            } else {
                assert_eq!(row.gap, None);
                close(row.rates.in_bps, in_octets * 8.0);
            }
        }
    }
    let peak = hc.rows[&po1].history.in_bps.max().unwrap();
    assert!(peak <= in_octets * 8.0 * 1.000_01, "no spike: {peak}");
}
