//! Golden tests: what Net-SNMP 5.9.3's `snmpget` printed for recorded value bytes, frozen in
//! `testdata/*.jsonl` by `testdata/netsnmp_oracle.py` (which answers snmpget with chosen
//! bytes). Each case holds the value's BER bytes and, per `-O` flag set, snmpget's stdout;
//! the test decodes the bytes, renders them with the same flags and compares byte for byte.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::syntax::{BaseType, IndexPart, NoNames, OidNames, RenderHints, Resolved};
use super::{OidStyle, OutputOptions, write_varbind_named};
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
    let bytes = crate::proto::hex::decode(hex).expect("hex bytes");
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

/// The options snmpget had: Net-SNMP's default style (`-OS`), the `-O` letters among `args`,
/// then the case's flags.
fn options_for(args: &[String], flags: &str) -> OutputOptions {
    let mut options = OutputOptions {
        oid_style: OidStyle::Module,
        ..OutputOptions::default()
    };
    for a in args {
        if let Some(letters) = a.strip_prefix("-O") {
            options.apply_flags(letters).expect("known flags");
        }
    }
    options.apply_flags(flags).expect("known flags");
    options
}

/// Cases where mibscope knowingly prints something else, and why. The test checks that they
/// still differ, so a fix elsewhere shows up here.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[];

/// Whether `got` is Net-SNMP's `expected` with its control characters made terminal-safe
/// (`output::terminal`): Net-SNMP prints CR, VT, FF (and, through a DISPLAY-HINT, any byte)
/// raw; mibscope escapes them, except in `-OT`'s bracketed text, where they become `.`.
fn same_made_safe(got: &[u8], expected: &[u8]) -> bool {
    if got == expected {
        return true;
    }
    if super::terminal::is_safe(expected) {
        return false;
    }
    let safe = |bytes: &[u8]| {
        let mut out = Vec::new();
        super::terminal::write_safe(&mut out, bytes).expect("to a Vec");
        out
    };
    let dotted: Vec<u8> = expected
        .iter()
        .map(|&b| if matches!(b, 0x0b..=0x0d) { b'.' } else { b })
        .collect();
    got == safe(expected) || got == safe(&dotted)
}

/// Renders every case and returns the mismatches (and how many outputs were compared).
fn check(cases: &[Case], names: &dyn OidNames) -> (usize, Vec<String>) {
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in cases {
        if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(l, _)| *l == case.label) {
            let vb = VarBind::new(case.oid.clone(), case.value.clone());
            let (flags, expected) = &case.outputs[0];
            let mut got = Vec::new();
            write_varbind_named(&mut got, &vb, &options_for(&case.args, flags), names)
                .expect("render");
            if &got == expected {
                failures.push(format!(
                    "{}: now matches Net-SNMP ({why}); drop it from KNOWN_DIVERGENCES",
                    case.label
                ));
            }
            continue;
        }
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
            if !same_made_safe(&got, expected) {
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

/// Checks a fixture against Net-SNMP's recorded outputs; the minimums guard against a fixture
/// that silently lost its cases.
fn assert_matches_net_snmp(
    fixture: &str,
    names: &dyn OidNames,
    min_cases: usize,
    min_outputs: usize,
) {
    let cases = load(fixture);
    assert!(
        cases.len() >= min_cases,
        "fixture has {} cases",
        cases.len()
    );
    let (compared, failures) = check(&cases, names);
    assert!(compared >= min_outputs, "only {compared} outputs compared");
    assert!(
        failures.is_empty(),
        "{} of {compared} outputs differ from Net-SNMP:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every SMI type without MIBs, under 26 combinations of `-O` flags:
/// `snmpget -v2c -c public -m '' -On -O<flags> AGENT .1.3.6.1.4.1.99999.N.0`.
#[test]
fn plain_values_match_net_snmp() {
    assert_matches_net_snmp(
        include_str!("testdata/netsnmp-plain.jsonl"),
        &NoNames,
        61,
        1500,
    );
}

/// A node as `snmptranslate -Td` described it (testdata/netsnmp-mib-nodes.json).
struct FixtureNode {
    label: String,
    module: Option<String>,
    syntax: Option<RenderHints>,
    index: Option<Vec<IndexPart>>,
    has_children: bool,
}

/// A resolver over the nodes Net-SNMP described for the recorded OIDs: a stand-in for the MIB
/// compiler's tree, which can replace it in these tests once it exists.
struct FixtureNames {
    nodes: HashMap<Vec<u32>, FixtureNode>,
}

fn base_type(name: &str) -> BaseType {
    match name {
        "Integer" => BaseType::Integer,
        "Unsigned32" => BaseType::Unsigned32,
        "Gauge32" => BaseType::Gauge32,
        "Counter32" => BaseType::Counter32,
        "Counter64" => BaseType::Counter64,
        "TimeTicks" => BaseType::TimeTicks,
        "OctetString" => BaseType::OctetString,
        "Bits" => BaseType::Bits,
        "ObjectId" => BaseType::ObjectId,
        "IpAddress" => BaseType::IpAddress,
        "NetworkAddress" => BaseType::NetworkAddress,
        "Opaque" => BaseType::Opaque,
        "NsapAddress" => BaseType::NsapAddress,
        "UInteger32" => BaseType::UInteger32,
        _ => BaseType::Other,
    }
}

fn render_hints(j: &Json) -> Option<RenderHints> {
    let text = |k: &str| j[k].as_str().map(String::from);
    let named = |k: &str| -> Vec<(i64, String)> {
        j[k].as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p[0].as_i64().expect("number"),
                            p[1].as_str().expect("name").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    j.is_object().then(|| RenderHints {
        base: base_type(j["base"].as_str().unwrap_or("")),
        tc: text("tc"),
        display_hint: text("display_hint"),
        enums: named("enums"),
        bits: named("bits")
            .into_iter()
            .map(|(n, name)| (u32::try_from(n).expect("bit number"), name))
            .collect(),
        units: text("units"),
        fixed_size: j["fixed_size"]
            .as_u64()
            .map(|n| u32::try_from(n).expect("size")),
    })
}

impl FixtureNames {
    fn load(json: &str) -> Self {
        let j: Json = serde_json::from_str(json).expect("nodes fixture is JSON");
        let objects = &j["index_objects"];
        let nodes = j["nodes"]
            .as_object()
            .expect("nodes")
            .iter()
            .map(|(oid, n)| {
                let arcs = oid.parse::<Oid>().expect("node oid").arcs().to_vec();
                let index = n["index"].as_array().map(|parts| {
                    parts
                        .iter()
                        .map(|p| {
                            let name = p["name"].as_str().expect("index name").to_string();
                            IndexPart {
                                syntax: render_hints(&objects[name.as_str()]),
                                name,
                                implied: p["implied"].as_bool().unwrap_or(false),
                            }
                        })
                        .collect()
                });
                let node = FixtureNode {
                    label: n["label"].as_str().expect("label").to_string(),
                    module: n["module"].as_str().map(String::from),
                    syntax: render_hints(&n["syntax"]),
                    index,
                    has_children: n["has_children"].as_bool().unwrap_or(false),
                };
                (arcs, node)
            })
            .collect();
        FixtureNames { nodes }
    }
}

impl OidNames for FixtureNames {
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
        let depth = (1..=arcs.len())
            .rev()
            .find(|d| self.nodes.contains_key(&arcs[..*d]))?;
        let node = &self.nodes[&arcs[..depth]];
        let index = (1..=depth)
            .rev()
            .find_map(|d| self.nodes.get(&arcs[..d]).and_then(|n| n.index.as_deref()));
        Some(Resolved {
            depth,
            label: &node.label,
            module: node.module.as_deref(),
            syntax: node.syntax.as_ref(),
            has_children: node.has_children,
            index,
        })
    }
}

/// With MIBs: IETF modules and MIBSCOPE-OUTPUT-TEST-MIB loaded, 25 flag sets:
/// `snmpget -v2c -c public -M <corpus rfc>:testdata/mibs -m ALL -O<flags> AGENT OID`.
/// Names, syntax and INDEX come from the node fixture (snmptranslate -Td of the same MIBs).
#[test]
fn mib_values_match_net_snmp() {
    let names = FixtureNames::load(include_str!("testdata/netsnmp-mib-nodes.json"));
    assert_matches_net_snmp(
        include_str!("testdata/netsnmp-mib.jsonl"),
        &names,
        134,
        3300,
    );
}

/// Varbinds recorded from the test bed's snmpd (system, ifTable, ifXTable, HOST-RESOURCES,
/// ipAddressTable, inetCidrRouteTable, tcpListenerTable, VACM, USM, Net-SNMP's typed
/// objects), replayed to `snmpget -m ALL -O<flags>` with the IETF MIBs of the corpus.
#[test]
fn testbed_values_match_net_snmp() {
    let names = FixtureNames::load(include_str!("testdata/netsnmp-mib-nodes.json"));
    assert_matches_net_snmp(
        include_str!("testdata/netsnmp-testbed.jsonl"),
        &names,
        667,
        7300,
    );
}
