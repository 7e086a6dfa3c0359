//! Snapshot parsing: every native type, Net-SNMP walk output, directives, errors that name
//! the file, line and cause, exact rates, the embedded switch.

use super::*;
use crate::proto::value::OpaqueValue;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn parse(text: &str) -> Snapshot {
    Snapshot::parse(text, "test.snapshot").unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    Snapshot::parse(text, "bad.snapshot")
        .unwrap_err()
        .to_string()
}

fn values(s: &Snapshot) -> Vec<(String, Initial)> {
    s.objects
        .iter()
        .map(|o| (o.oid.to_string(), o.initial.clone()))
        .collect()
}

fn fixed(v: Value) -> Initial {
    Initial::Fixed(v)
}

#[test]
fn native_lines_of_every_type() {
    let s = parse(
        r#"# a comment
.1.3.6.1.2.1.1.1.0 STRING "Switch \"A\"\r\nline 2\\ \x41" # trailing comment
1.3.6.1.2.1.1.2.0  OID .1.3.6.1.4.1.9.1.1208
.1.3.6.1.2.1.1.3.0 Timeticks uptime
.1.3.6.1.2.1.1.4.0 string bare-word rw
.1.3.6.1.2.1.1.7.0 INTEGER up(1) range=1..3
.1.3.6.1.2.1.1.8.0 Integer32 -5
.1.3.6.1.2.1.2.2.1.6.1 Hex-STRING 70:10:5c:3a:8b:01
.1.3.6.1.2.1.2.2.1.6.2 Hex-STRING "70 10 5C"
.1.3.6.1.2.1.2.2.1.6.3 Hex-STRING 0x0a0b
.1.3.6.1.2.1.2.2.1.6.4 STRING ""
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 IpAddress 10.0.0.1
.1.3.6.1.2.1.2.2.1.10.1 Counter32 4294967295 rate=1.5
.1.3.6.1.2.1.2.2.1.5.1 Gauge32 1000000000
.1.3.6.1.2.1.2.2.1.9.1 TimeTicks 4521
.1.3.6.1.2.1.31.1.1.1.6.1 Counter64 18446744073709551615 rate=1250000
.1.3.6.1.4.1.1.1.0 Opaque 9f780441c80000
.1.3.6.1.4.1.1.2.0 NsapAddress 470005
.1.3.6.1.4.1.1.3.0 UInteger32 7
.1.3.6.1.4.1.1.4.0 NULL
.1.3.6.1.4.1.1.5.0 Unsigned32 9 ro
"#,
    );
    assert_eq!(
        values(&s),
        vec![
            (
                ".1.3.6.1.2.1.1.1.0".into(),
                fixed(Value::OctetString(b"Switch \"A\"\r\nline 2\\ A".to_vec()))
            ),
            (
                ".1.3.6.1.2.1.1.2.0".into(),
                fixed(Value::ObjectId(oid("1.3.6.1.4.1.9.1.1208")))
            ),
            (".1.3.6.1.2.1.1.3.0".into(), Initial::Uptime),
            (
                ".1.3.6.1.2.1.1.4.0".into(),
                fixed(Value::OctetString(b"bare-word".to_vec()))
            ),
            (".1.3.6.1.2.1.1.7.0".into(), fixed(Value::Integer(1))),
            (".1.3.6.1.2.1.1.8.0".into(), fixed(Value::Integer(-5))),
            (
                ".1.3.6.1.2.1.2.2.1.6.1".into(),
                fixed(Value::OctetString(vec![0x70, 0x10, 0x5c, 0x3a, 0x8b, 0x01]))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.6.2".into(),
                fixed(Value::OctetString(vec![0x70, 0x10, 0x5c]))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.6.3".into(),
                fixed(Value::OctetString(vec![10, 11]))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.6.4".into(),
                fixed(Value::OctetString(vec![]))
            ),
            (
                ".1.3.6.1.2.1.4.20.1.1.10.0.0.1".into(),
                fixed(Value::IpAddress([10, 0, 0, 1]))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.10.1".into(),
                fixed(Value::Counter32(u32::MAX))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.5.1".into(),
                fixed(Value::Gauge32(1_000_000_000))
            ),
            (
                ".1.3.6.1.2.1.2.2.1.9.1".into(),
                fixed(Value::TimeTicks(4521))
            ),
            (
                ".1.3.6.1.2.1.31.1.1.1.6.1".into(),
                fixed(Value::Counter64(u64::MAX))
            ),
            (
                ".1.3.6.1.4.1.1.1.0".into(),
                fixed(Value::Opaque(vec![0x9f, 0x78, 0x04, 0x41, 0xc8, 0, 0]))
            ),
            (
                ".1.3.6.1.4.1.1.2.0".into(),
                fixed(Value::NsapAddress(vec![0x47, 0x00, 0x05]))
            ),
            (".1.3.6.1.4.1.1.3.0".into(), fixed(Value::UInteger32(7))),
            (".1.3.6.1.4.1.1.4.0".into(), fixed(Value::Null)),
            (".1.3.6.1.4.1.1.5.0".into(), fixed(Value::Gauge32(9))),
        ]
    );
    let by_oid = |o: &str| s.objects.iter().find(|x| x.oid == oid(o)).unwrap();
    assert_eq!(by_oid("1.3.6.1.2.1.1.4.0").access, Some(Access::ReadWrite));
    assert_eq!(by_oid("1.3.6.1.4.1.1.5.0").access, Some(Access::ReadOnly));
    assert_eq!(by_oid("1.3.6.1.2.1.1.1.0").access, None);
    assert_eq!(
        by_oid("1.3.6.1.2.1.1.7.0").constraints.range,
        Some(Bounds { min: 1, max: 3 })
    );
    assert_eq!(
        by_oid("1.3.6.1.2.1.2.2.1.10.1").rate,
        Some(Rate::from_micro_per_second(1_500_000))
    );
    assert!(s.objects.iter().all(|o| o.format == LineFormat::Native));
}

#[test]
fn net_snmp_walk_output() {
    // As snmpwalk -On -m '' prints (captured from Net-SNMP 5.9.3), with CRLF inside a
    // string, a wrapped Hex-STRING and lines that carry no value.
    let text = ".1.3.6.1.2.1.1.1.0 = STRING: \"Cisco IOS Software, C2960X\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023\"\n\
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9.1.1208\n\
.1.3.6.1.2.1.1.3.0 = Timeticks: (363136200) 42 days, 0:42:42.00\n\
.1.3.6.1.2.1.1.4.0 = STRING: \"a \\\"quoted\\\"\ntwo lines\\\\with back\"\n\
.1.3.6.1.2.1.1.5.0 = \"\"\n\
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 6\n\
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: up(1)\n\
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n\
10 11 12 13 14 15 \n\
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 3000000000\n\
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 4294967295\n\
.1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1\n\
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 5000000000\n\
.1.3.6.1.4.1.8072.2.255.2.1.3.3 = OID: .0.0\n\
.1.3.6.1.4.1.8072.2.255.8.0 = Opaque: Int64: -1234567890123\n\
.1.3.6.1.4.1.8072.2.255.9.0 = Opaque: Float: 1.500000\n\
.1.3.6.1.4.1.8072.2.255.10.0 = OPAQUE: 01 02 \n\
.1.3.6.1.4.1.8072.2.255.11.0 = NULL\n\
.1.3.6.1.4.1.8072.2.255.12.0 = Wrong Type (should be INTEGER): Gauge32: 5\n\
.1.3.6.1.4.1.8072.2.255.13.0 = BITS: 80 40 up(0) down(9)\n\
.1.3.6.1.4.1.8072.2.255.14.0 = Timeticks: 77\n\
.1.3.6.1.4.1.8072.2.255.15.0 = STRING: 0:1a:2b\n\
.1.3.6.1.6.3.1 = No more variables left in this MIB View (It is past the end of the MIB tree)\n\
.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID\n\
End of MIB\n";
    let s = parse(text);
    let got = values(&s);
    let want = vec![
            (
                ".1.3.6.1.2.1.1.1.0",
                Value::OctetString(
                    b"Cisco IOS Software, C2960X\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023".to_vec(),
                ),
            ),
            (
                ".1.3.6.1.2.1.1.2.0",
                Value::ObjectId(oid("1.3.6.1.4.1.9.1.1208")),
            ),
            (".1.3.6.1.2.1.1.3.0", Value::TimeTicks(363_136_200)),
            (
                ".1.3.6.1.2.1.1.4.0",
                Value::OctetString(b"a \"quoted\"\ntwo lines\\with back".to_vec()),
            ),
            (".1.3.6.1.2.1.1.5.0", Value::OctetString(vec![])),
            (".1.3.6.1.2.1.2.2.1.3.1", Value::Integer(6)),
            (".1.3.6.1.2.1.2.2.1.7.1", Value::Integer(1)),
            (
                ".1.3.6.1.2.1.2.2.1.6.1",
                Value::OctetString((0u8..=0x15).collect()),
            ),
            (".1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(3_000_000_000)),
            (".1.3.6.1.2.1.2.2.1.5.1", Value::Gauge32(u32::MAX)),
            (
                ".1.3.6.1.2.1.4.20.1.1.127.0.0.1",
                Value::IpAddress([127, 0, 0, 1]),
            ),
            (".1.3.6.1.2.1.31.1.1.1.6.1", Value::Counter64(5_000_000_000)),
            (
                ".1.3.6.1.4.1.8072.2.255.2.1.3.3",
                Value::ObjectId(oid("0.0")),
            ),
            (
                ".1.3.6.1.4.1.8072.2.255.8.0",
                Value::Opaque(OpaqueValue::Int64(-1_234_567_890_123).encode()),
            ),
            (
                ".1.3.6.1.4.1.8072.2.255.9.0",
                Value::Opaque(OpaqueValue::Float(1.5).encode()),
            ),
            (".1.3.6.1.4.1.8072.2.255.10.0", Value::Opaque(vec![1, 2])),
            (".1.3.6.1.4.1.8072.2.255.11.0", Value::Null),
            (".1.3.6.1.4.1.8072.2.255.12.0", Value::Gauge32(5)),
            (
                ".1.3.6.1.4.1.8072.2.255.13.0",
                Value::OctetString(vec![0x80, 0x40]),
            ),
            (".1.3.6.1.4.1.8072.2.255.14.0", Value::TimeTicks(77)),
            (
                ".1.3.6.1.4.1.8072.2.255.15.0",
                Value::OctetString(b"0:1a:2b".to_vec()),
            ),
        ];
    let want: Vec<(String, Initial)> = want
        .into_iter()
        .map(|(o, v)| (o.to_string(), Initial::Fixed(v)))
        .collect();
    assert_eq!(got, want);
    assert!(
        s.objects
            .iter()
            .all(|o| o.format == LineFormat::NetSnmpWalk)
    );
    // Line numbers point at the first line of each object.
    assert_eq!(s.objects[2].line, 5);
    assert_eq!(s.objects[8].line, 13);
}

#[test]
fn directives() {
    let s = parse(
        "@rate .1.3.6.1.2.1.31.1.1.1.6 125000 when .1.3.6.1.2.1.2.2.1.8 = up(1)\n\
             @rate .1.3.6.1.2.1.2.2.1.14 0.25\n\
             @writable .1.3.6.1.4.1.99\n\
             .1.3.6.1.2.1.1.5.0 STRING x\n",
    );
    assert_eq!(
        s.rate_rules,
        vec![
            RateRule {
                prefix: oid("1.3.6.1.2.1.31.1.1.1.6"),
                rate: Rate::per_second(125_000),
                when: Some(RateCondition {
                    column: oid("1.3.6.1.2.1.2.2.1.8"),
                    equals: 1
                }),
            },
            RateRule {
                prefix: oid("1.3.6.1.2.1.2.2.1.14"),
                rate: Rate::from_micro_per_second(250_000),
                when: None,
            },
        ]
    );
    assert_eq!(s.writable, vec![oid("1.3.6.1.4.1.99")]);
}

#[test]
fn bad_lines_name_file_line_and_cause() {
    let cases = [
        (
            ".1.3.6.1.2.1.1.5.0 STRNG x",
            "bad.snapshot:1: unknown type 'STRNG'",
        ),
        (
            "\n\n.1.3.6.x STRING y",
            "bad.snapshot:3: '.1.3.6.x' is not a numeric OID",
        ),
        (
            ".1.3.6.1 INTEGER 99999999999999999999",
            "bad.snapshot:1: '99999999999999999999' is not an INTEGER",
        ),
        (".1.3.6.1 INTEGER", "bad.snapshot:1: INTEGER needs a value"),
        (
            ".1.3.6.1 STRING \"open",
            "bad.snapshot:1: unterminated quoted string",
        ),
        (
            ".1.3.6.1 STRING \"a\\q\"",
            "bad.snapshot:1: unknown escape '\\q'",
        ),
        (
            ".1.3.6.1 Counter32 -1",
            "bad.snapshot:1: '-1' is not a Counter32",
        ),
        (
            ".1.3.6.1 IpAddress 1.2.3",
            "bad.snapshot:1: '1.2.3' is not an IPv4 address",
        ),
        (
            ".1.3.6.1 Hex-STRING 0g",
            "bad.snapshot:1: '0g' is not hex bytes",
        ),
        (
            ".1.3.6.1 INTEGER 5 rate=1",
            "bad.snapshot:1: rate= applies to Counter32",
        ),
        (
            ".1.3.6.1 Counter32 5 rate=x",
            "bad.snapshot:1: 'x' is not a rate",
        ),
        (
            ".1.3.6.1 Counter32 5 rw rate=1",
            "bad.snapshot:1: an object cannot both be writable",
        ),
        (
            ".1.3.6.1 STRING x colour=red",
            "bad.snapshot:1: unknown attribute 'colour=red'",
        ),
        (
            ".1.3.6.1 STRING x\n.1.3.6.1 STRING y",
            "bad.snapshot:2: duplicate OID .1.3.6.1 (first given at line 1)",
        ),
        (
            "@frobnicate x",
            "bad.snapshot:1: unknown directive '@frobnicate'",
        ),
        ("@rate .1.3 fast", "bad.snapshot:1: 'fast' is not a rate"),
        ("@rate .1.3 1 if .1.3 = 1", "bad.snapshot:1: bad rate rule"),
        ("justoneword", "bad.snapshot:1: expected 'OID TYPE VALUE'"),
        (
            ".1.3.6.1 = STRING: \"never closed\nmore",
            "bad.snapshot:1: the string starting here has no closing quote",
        ),
        (
            ".1.3.6.1 = Gibberish: 5",
            "bad.snapshot:1: unknown type 'Gibberish'",
        ),
        (
            ".1.3.6.1 = INTEGER: many",
            "bad.snapshot:1: 'many' is not an INTEGER",
        ),
        (
            ".1.3.6.1 = Timeticks: (x) 0:00",
            "bad.snapshot:1: 'x' is not a Timeticks value",
        ),
        (
            "SNMPv2-MIB::sysName.0 = STRING: x",
            "bad.snapshot:1: 'SNMPv2-MIB::sysName.0' is not a numeric OID (produce the walk with snmpwalk -On)",
        ),
        (
            ".1.3.6.1 = STRING: \"a\" junk",
            "bad.snapshot:1: unexpected text after the closing quote",
        ),
        (
            ".1.3.6.1 = Hex-STRING: zz",
            "bad.snapshot:1: 'zz' is not a hex byte",
        ),
        (
            "# only a comment\n",
            "bad.snapshot: no objects in the snapshot",
        ),
    ];
    for (text, want) in cases {
        let got = error(text);
        assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
    }
    let bytes = b".1.3.6.1 STRING ok\n.1.3.6.2 STRING \xff\n";
    let got = Snapshot::parse_bytes(bytes, "latin1.snapshot")
        .unwrap_err()
        .to_string();
    assert_eq!(got, "latin1.snapshot:2: not valid UTF-8 text");
}

#[test]
fn rates_are_exact() {
    let r: Rate = "0.5".parse().unwrap();
    assert_eq!(r.advance(std::time::Duration::from_secs(3)), 1);
    assert_eq!(r.advance(std::time::Duration::from_secs(4)), 2);
    let fast: Rate = "12500000000".parse().unwrap();
    assert_eq!(
        fast.advance(std::time::Duration::from_millis(1500)),
        18_750_000_000
    );
    assert_eq!(r.to_string(), "0.5");
    assert_eq!(fast.to_string(), "12500000000");
    assert!("1.1234567".parse::<Rate>().is_err());
    assert!("-1".parse::<Rate>().is_err());
    assert!(".".parse::<Rate>().is_err());
    assert_eq!("2.".parse::<Rate>(), Ok(Rate::per_second(2)));
}

#[test]
fn the_embedded_switch_parses() {
    let s = Snapshot::embedded_switch();
    assert!(s.objects.len() > 2000, "{} objects", s.objects.len());
}
