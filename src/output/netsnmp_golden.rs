//! Golden tests: what Net-SNMP 5.9.3's `snmpget` printed for recorded value bytes, frozen in
//! `testdata/*.jsonl` by `testdata/netsnmp_oracle.py` (which answers snmpget with chosen
//! bytes). Each case holds the value's BER bytes and, per `-O` flag set, snmpget's stdout;
//! the test decodes the bytes, renders them with the same flags and compares byte for byte.

use serde_json::Value as Json;

use super::syntax::{NoNames, OidNames};
use super::{OutputOptions, write_varbind_named};
use crate::proto::ber::{Quirks, Reader};
use crate::proto::{Oid, Value, VarBind};

/// One recorded case: the OID, the value TLV, the snmpget options and the outputs per flags.
struct Case {
    label: String,
    oid: Oid,
    value: Value,
    args: Vec<String>,
    outputs: Vec<(String, Vec<u8>)>,
}

fn decode_value(hex: &str) -> Value {
    let bytes: Vec<u8> = hex
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
        .collect();
    let quirks = std::cell::Cell::new(Quirks::default());
    let mut reader = Reader::new(&bytes, &quirks);
    Value::decode(&mut reader).expect("recorded value decodes")
}

/// The fixture stores stdout as Latin-1 text (one char per byte).
fn latin1_bytes(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

fn load(fixture: &str) -> Vec<Case> {
    fixture
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let j: Json = serde_json::from_str(line).expect("fixture line is JSON");
            let text = |k: &str| j[k].as_str().expect(k).to_string();
            Case {
                label: text("label"),
                oid: text("oid").parse().expect("oid"),
                value: decode_value(&text("value")),
                args: j["args"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                outputs: j["outputs"]
                    .as_object()
                    .expect("outputs")
                    .iter()
                    .map(|(flags, out)| (flags.clone(), latin1_bytes(out.as_str().expect("out"))))
                    .collect(),
            }
        })
        .collect()
}

/// The options snmpget had: the `-O` letters among `args`, then the case's flags.
fn options_for(args: &[String], flags: &str) -> OutputOptions {
    let mut options = OutputOptions::default();
    for a in args {
        if let Some(letters) = a.strip_prefix("-O") {
            options.apply_flags(letters).expect("known flags");
        }
    }
    options.apply_flags(flags).expect("known flags");
    options
}

/// Renders every case and returns the mismatches (and how many outputs were compared).
fn check(cases: &[Case], names: &dyn OidNames) -> (usize, Vec<String>) {
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in cases {
        let vb = VarBind::new(case.oid.clone(), case.value.clone());
        for (flags, expected) in &case.outputs {
            if expected.is_empty() {
                // Net-SNMP refused the response (see the fixture's stderr); nothing to compare.
                continue;
            }
            let options = options_for(&case.args, flags);
            let mut got = Vec::new();
            write_varbind_named(&mut got, &vb, &options, names).expect("render");
            compared += 1;
            if &got != expected {
                failures.push(format!(
                    "{} {:?} -O{flags}\n  net-snmp: {:?}\n  mibscope: {:?}",
                    case.label,
                    case.args,
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&got)
                ));
            }
        }
    }
    (compared, failures)
}

/// Every SMI type without MIBs, under 26 combinations of `-O` flags:
/// `snmpget -v2c -c public -m '' -On -O<flags> AGENT .1.3.6.1.4.1.99999.N.0`.
#[test]
fn plain_values_match_net_snmp() {
    let cases = load(include_str!("testdata/netsnmp-plain.jsonl"));
    assert!(cases.len() >= 50, "fixture has {} cases", cases.len());
    let (compared, failures) = check(&cases, &NoNames);
    assert!(compared > 1300, "only {compared} outputs compared");
    assert!(
        failures.is_empty(),
        "{} of {compared} outputs differ from Net-SNMP:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
