//! The object store: uptime and counters over time, rate rules, restarts, lookups, Set's
//! checks, access, object types inferred from the snapshot's shape.

use super::*;
use crate::agent::snapshot::Snapshot;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

const SMALL: &str = r#"
.1.3.6.1.2.1.1.1.0 STRING "test switch"
.1.3.6.1.2.1.1.3.0 Timeticks 999
.1.3.6.1.2.1.1.4.0 STRING "noc"
.1.3.6.1.2.1.1.5.0 STRING "sw1"
.1.3.6.1.2.1.2.1.0 INTEGER 2
.1.3.6.1.2.1.2.2.1.1.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.1.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.2.1 STRING "Gi1/0/1"
.1.3.6.1.2.1.2.2.1.2.2 STRING "Gi1/0/2"
.1.3.6.1.2.1.2.2.1.7.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.7.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.8.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.8.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.10.1 Counter32 4294967000
.1.3.6.1.2.1.2.2.1.10.2 Counter32 7
.1.3.6.1.2.1.2.2.1.14.1 Counter32 3 rate=0.5
.1.3.6.1.2.1.2.2.1.14.2 Counter32 3
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 IpAddress 10.0.0.1
.1.3.6.1.2.1.4.20.1.2.10.0.0.1 INTEGER 1
.1.3.6.1.2.1.11.1.0 Counter32 12345
.1.3.6.1.2.1.11.30.0 INTEGER 2
.1.3.6.1.2.1.31.1.1.1.6.1 Counter64 18446744073709551000
.1.3.6.1.2.1.31.1.1.1.6.2 Counter64 100
.1.3.6.1.2.1.31.1.1.1.18.1 STRING "uplink"
.1.3.6.1.2.1.31.1.1.1.18.2 STRING ""
@rate .1.3.6.1.2.1.2.2.1.10 1000 when .1.3.6.1.2.1.2.2.1.8 = 1
@rate .1.3.6.1.2.1.31.1.1.1.6 1000 when .1.3.6.1.2.1.2.2.1.8 = up(1)
"#;

fn store(t0: Instant) -> ObjectStore {
    let snapshot = Snapshot::parse(SMALL, "small").unwrap();
    ObjectStore::build(&snapshot, &StoreOptions::default(), t0)
}

fn found(s: &ObjectStore, o: &str, now: Instant) -> Value {
    match s.get(&oid(o), now) {
        Lookup::Found(v) => v,
        other => panic!("{o}: {other:?}"),
    }
}

#[test]
fn uptime_counts_from_boot_and_counters_advance_and_wrap() {
    let t0 = Instant::now();
    let s = store(t0);
    let t = t0 + Duration::from_millis(1_234_567);
    assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t0), Value::TimeTicks(0));
    assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t), Value::TimeTicks(123_456));
    // ifInOctets.1 is up: +1000/s from 4294967000 wraps past 2^32 within a second.
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.10.1", t0 + Duration::from_secs(1)),
        Value::Counter32(704)
    );
    // ifInOctets.2 is down: the rule's condition does not hold.
    assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.10.2", t), Value::Counter32(7));
    // Counter64 wraps at 2^64.
    assert_eq!(
        found(&s, "1.3.6.1.2.1.31.1.1.1.6.1", t0 + Duration::from_secs(1)),
        Value::Counter64(384)
    );
    // A per-object rate of 0.5/s.
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.14.1", t0 + Duration::from_secs(9)),
        Value::Counter32(7)
    );
    assert!(s.is_dynamic(&oid("1.3.6.1.2.1.2.2.1.10.1")));
    assert!(!s.is_dynamic(&oid("1.3.6.1.2.1.2.2.1.10.2")));
    assert!(s.is_dynamic(&oid("1.3.6.1.2.1.1.3.0")));
}

#[test]
fn frozen_counters_do_not_move() {
    let t0 = Instant::now();
    let snapshot = Snapshot::parse(SMALL, "small").unwrap();
    let s = ObjectStore::build(
        &snapshot,
        &StoreOptions {
            rates: false,
            ..StoreOptions::default()
        },
        t0,
    );
    let later = t0 + Duration::from_secs(100);
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.10.1", later),
        Value::Counter32(4_294_967_000)
    );
    assert_eq!(
        found(&s, "1.3.6.1.2.1.1.3.0", later),
        Value::TimeTicks(10_000)
    );
}

#[test]
fn command_line_rules_override_by_prefix_length() {
    let t0 = Instant::now();
    let snapshot = Snapshot::parse(SMALL, "small").unwrap();
    let s = ObjectStore::build(
        &snapshot,
        &StoreOptions {
            rate_rules: vec![
                "1.3.6.1.2.1.2.2.1 5".parse().unwrap(),
                "1.3.6.1.2.1.2.2.1.10 7".parse().unwrap(),
            ],
            ..StoreOptions::default()
        },
        t0,
    );
    let t1 = t0 + Duration::from_secs(1);
    // Same prefix length as the snapshot's rule: the later (command line) one wins.
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.10.2", t1),
        Value::Counter32(14)
    );
    // The per-object rate beats every rule.
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.14.1", t0 + Duration::from_secs(2)),
        Value::Counter32(4)
    );
    // The shorter command line prefix covers what nothing longer does.
    assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.14.2", t1), Value::Counter32(8));
}

#[test]
fn restart_resets_uptime_counters_and_snmp_group_but_keeps_sets() {
    let t0 = Instant::now();
    let mut s = store(t0);
    s.snmp_mut().bump(SnmpCounter::InPkts);
    assert_eq!(found(&s, "1.3.6.1.2.1.11.1.0", t0), Value::Counter32(1));
    s.set(
        &oid("1.3.6.1.2.1.1.5.0"),
        Value::OctetString(b"renamed".to_vec()),
        t0,
    );
    let t1 = t0 + Duration::from_secs(50);
    s.restart(t1);
    let t2 = t1 + Duration::from_secs(2);
    assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t2), Value::TimeTicks(200));
    assert_eq!(
        found(&s, "1.3.6.1.2.1.2.2.1.10.1", t2),
        Value::Counter32(2000)
    );
    assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.10.2", t2), Value::Counter32(0));
    assert_eq!(
        found(&s, "1.3.6.1.2.1.31.1.1.1.6.1", t2),
        Value::Counter64(2000)
    );
    assert_eq!(found(&s, "1.3.6.1.2.1.11.1.0", t2), Value::Counter32(0));
    assert_eq!(
        found(&s, "1.3.6.1.2.1.1.5.0", t2),
        Value::OctetString(b"renamed".to_vec())
    );
    assert_eq!(s.booted(), t1);
}

#[test]
fn no_such_object_or_instance() {
    let t0 = Instant::now();
    let s = store(t0);
    for (o, want) in [
        // Like Net-SNMP: sysName without .0 is a missing instance of sysName.
        ("1.3.6.1.2.1.1.5", Lookup::NoSuchInstance),
        ("1.3.6.1.2.1.1.5.1", Lookup::NoSuchInstance),
        ("1.3.6.1.2.1.1.99.0", Lookup::NoSuchObject),
        ("1.3.6.1.2.1.2.2.1.2.999", Lookup::NoSuchInstance),
        ("1.3.6.1.2.1.2.2.1.99.1", Lookup::NoSuchObject),
        ("1.3.6.1.2.1.4.20.1.1.192.168.5.5", Lookup::NoSuchInstance),
        ("1.3.6.1.4.1.9.9", Lookup::NoSuchObject),
        ("1.3.6.1.2.1.2.1.1", Lookup::NoSuchInstance),
    ] {
        assert_eq!(s.get(&oid(o), t0), want, "{o}");
    }
}

#[test]
fn next_after_and_at_or_before() {
    let t0 = Instant::now();
    let s = store(t0);
    let next = |o: &str| {
        s.next_after(&oid(o), t0, |_| true)
            .map(|vb| vb.oid.to_string())
    };
    assert_eq!(
        next("1.3.6.1.2.1.1.1.0").as_deref(),
        Some(".1.3.6.1.2.1.1.3.0")
    );
    assert_eq!(next("1.3").as_deref(), Some(".1.3.6.1.2.1.1.1.0"));
    assert_eq!(next("1.3.6.1.2.1.31.1.1.1.18.2"), None);
    // v1 skips Counter64 objects.
    let v1 = s
        .next_after(&oid("1.3.6.1.2.1.11.30.0"), t0, |k| {
            k != ValueKind::Counter64
        })
        .unwrap();
    assert_eq!(v1.oid, oid("1.3.6.1.2.1.31.1.1.1.18.1"));
    assert_eq!(
        s.at_or_before(&oid("1.3.6.1.2.1.1.4.1"), t0).unwrap().oid,
        oid("1.3.6.1.2.1.1.4.0")
    );
    assert_eq!(s.at_or_before(&oid("1.3"), t0), None);
}

#[test]
fn set_checks() {
    let t0 = Instant::now();
    let s = store(t0);
    let check = |o: &str, v: Value| s.check_set(&oid(o), &v);
    let text = |t: &str| Value::OctetString(t.as_bytes().to_vec());
    assert_eq!(check("1.3.6.1.2.1.1.5.0", text("new")), Ok(()));
    assert_eq!(
        check("1.3.6.1.2.1.1.5.0", Value::Integer(1)),
        Err(SetError::WrongType)
    );
    assert_eq!(
        check("1.3.6.1.2.1.1.5.0", Value::OctetString(vec![b'x'; 256])),
        Err(SetError::WrongLength)
    );
    assert_eq!(
        check("1.3.6.1.2.1.1.1.0", text("x")),
        Err(SetError::NotWritable)
    );
    assert_eq!(
        check("1.3.6.1.2.1.1.99.0", text("x")),
        Err(SetError::NotWritable)
    );
    assert_eq!(
        check("1.3.6.1.2.1.31.1.1.1.18.999", text("x")),
        Err(SetError::NoCreation)
    );
    assert_eq!(check("1.3.6.1.2.1.31.1.1.1.18.2", text("core")), Ok(()));
    assert_eq!(check("1.3.6.1.2.1.2.2.1.7.1", Value::Integer(2)), Ok(()));
    assert_eq!(
        check("1.3.6.1.2.1.2.2.1.7.1", Value::Integer(4)),
        Err(SetError::WrongValue)
    );
    assert_eq!(
        check("1.3.6.1.2.1.2.2.1.8.1", Value::Integer(2)),
        Err(SetError::NotWritable)
    );
    assert_eq!(check("1.3.6.1.2.1.11.30.0", Value::Integer(1)), Ok(()));
}

#[test]
fn explicit_access_beats_standard_and_directives() {
    let t0 = Instant::now();
    let snapshot = Snapshot::parse(
        ".1.3.6.1.2.1.1.4.0 STRING x ro\n\
             .1.3.6.1.4.1.5.1.0 INTEGER 1\n\
             .1.3.6.1.4.1.5.2.0 INTEGER 1 ro\n\
             .1.3.6.1.4.1.6.1.0 Counter32 5 rw\n\
             @writable .1.3.6.1.4.1.5\n",
        "t",
    )
    .unwrap();
    let mut s = ObjectStore::build(&snapshot, &StoreOptions::default(), t0);
    let one = Value::Integer(1);
    assert_eq!(
        s.check_set(&oid("1.3.6.1.2.1.1.4.0"), &Value::OctetString(vec![])),
        Err(SetError::NotWritable)
    );
    assert_eq!(s.check_set(&oid("1.3.6.1.4.1.5.1.0"), &one), Ok(()));
    assert_eq!(
        s.check_set(&oid("1.3.6.1.4.1.5.2.0"), &one),
        Err(SetError::NotWritable)
    );
    // A writable counter continues from the value written.
    s.set(&oid("1.3.6.1.4.1.6.1.0"), Value::Counter32(42), t0);
    assert_eq!(found(&s, "1.3.6.1.4.1.6.1.0", t0), Value::Counter32(42));
}

#[test]
fn object_types_inferred_from_shape() {
    let oids: Vec<Oid> = [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.5.0",
        "1.3.6.1.2.1.2.1.0",
        "1.3.6.1.2.1.2.2.1.1.7",
        "1.3.6.1.2.1.2.2.1.2.7",
        "1.3.6.1.2.1.4.20.1.1.10.0.0.1",
        "1.3.6.1.2.1.4.20.1.1.10.0.0.2",
        "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
        "1.3.6.1.2.1.4.20.1.2.10.0.0.2",
        "1.3.6.1.2.1.4.1.0",
        "1.3.6.1.2.1.11.1.0",
        "1.3.6.1.4.1.77.5",
    ]
    .iter()
    .map(|s| oid(s))
    .collect();
    let types: Vec<String> = infer_object_types(oids.iter())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        types,
        [
            ".1.3.6.1.2.1.1.1",
            ".1.3.6.1.2.1.1.5",
            ".1.3.6.1.2.1.2.1",
            ".1.3.6.1.2.1.2.2.1.1",
            ".1.3.6.1.2.1.2.2.1.2",
            ".1.3.6.1.2.1.4.1",
            ".1.3.6.1.2.1.4.20.1.1",
            ".1.3.6.1.2.1.4.20.1.2",
            ".1.3.6.1.2.1.11.1",
            ".1.3.6.1.4.1.77",
        ]
    );
}
