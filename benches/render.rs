//! Rendering cost per varbind: a realistic walk of a 500-port device (system group, ifTable,
//! ifXTable, an address table, installed-software names, Net-SNMP's typed objects) printed the
//! way `mibscope bulkwalk` prints it, into memory. Run: `cargo bench --bench render`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mibscope::output::syntax::{BaseType, IndexPart, OidNames, RenderHints, Resolved};
use mibscope::output::{OidStyle, OutputOptions, write_varbind, write_varbind_named};
use mibscope::proto::{Oid, Value, VarBind};

/// IF-MIB's ifTable and ifXTable columns with their syntax: enough of a resolver to measure
/// the named (`-OS`) path; a real MIB tree answers the same questions.
struct IfMib {
    entry: Vec<u32>,
    xentry: Vec<u32>,
    columns: Vec<(&'static str, RenderHints)>,
    xcolumns: Vec<(&'static str, RenderHints)>,
    index: Vec<IndexPart>,
}

impl IfMib {
    fn new() -> Self {
        let plain = |base| RenderHints {
            base,
            ..RenderHints::default()
        };
        let display = RenderHints {
            base: BaseType::OctetString,
            display_hint: Some("255a".into()),
            ..RenderHints::default()
        };
        let status = RenderHints {
            base: BaseType::Integer,
            enums: vec![(1, "up".into()), (2, "down".into()), (3, "testing".into())],
            ..RenderHints::default()
        };
        let columns = vec![
            ("ifIndex", plain(BaseType::Integer)),
            ("ifDescr", display.clone()),
            ("ifType", plain(BaseType::Integer)),
            ("ifMtu", plain(BaseType::Integer)),
            ("ifSpeed", plain(BaseType::Gauge32)),
            (
                "ifPhysAddress",
                RenderHints {
                    base: BaseType::OctetString,
                    display_hint: Some("1x:".into()),
                    ..RenderHints::default()
                },
            ),
            ("ifAdminStatus", status.clone()),
            ("ifOperStatus", status),
            ("ifLastChange", plain(BaseType::TimeTicks)),
        ];
        let mut all = columns;
        while all.len() < 22 {
            all.push(("ifInOctets", plain(BaseType::Counter32)));
        }
        all[20] = ("ifOutQLen", plain(BaseType::Gauge32));
        all[21] = ("ifSpecific", plain(BaseType::ObjectId));
        let mut xcolumns = vec![("ifName", display.clone())];
        while xcolumns.len() < 19 {
            xcolumns.push(("ifHCInOctets", plain(BaseType::Counter64)));
        }
        xcolumns[17] = ("ifAlias", display);
        IfMib {
            entry: vec![1, 3, 6, 1, 2, 1, 2, 2, 1],
            xentry: vec![1, 3, 6, 1, 2, 1, 31, 1, 1, 1],
            columns: all,
            xcolumns,
            index: vec![IndexPart {
                name: "ifIndex".into(),
                syntax: Some(plain(BaseType::Integer)),
                implied: false,
            }],
        }
    }
}

impl OidNames for IfMib {
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
        let (prefix, columns) = if arcs.starts_with(&self.entry) {
            (&self.entry, &self.columns)
        } else if arcs.starts_with(&self.xentry) {
            (&self.xentry, &self.xcolumns)
        } else {
            return None;
        };
        let column = *arcs.get(prefix.len())? as usize;
        let (label, syntax) = columns.get(column.checked_sub(1)?)?;
        Some(Resolved {
            depth: prefix.len() + 1,
            label,
            module: Some("IF-MIB"),
            syntax: Some(syntax),
            has_children: false,
            index: Some(&self.index),
        })
    }
}

fn oid(prefix: &[u32], more: &[u32]) -> Oid {
    Oid::from(prefix).child(more)
}

/// About 22,000 varbinds with the type mix of a switch walk.
fn walk() -> Vec<VarBind> {
    let mut v = Vec::new();
    let system = [1, 3, 6, 1, 2, 1, 1];
    v.push(VarBind::new(
        oid(&system, &[1, 0]),
        Value::OctetString(b"Linux switch 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC x86_64".to_vec()),
    ));
    v.push(VarBind::new(
        oid(&system, &[2, 0]),
        Value::ObjectId(Oid::from([1, 3, 6, 1, 4, 1, 8072, 3, 2, 10])),
    ));
    v.push(VarBind::new(
        oid(&system, &[3, 0]),
        Value::TimeTicks(363_136_200),
    ));
    let entry = [1, 3, 6, 1, 2, 1, 2, 2, 1];
    let ports = 1..=500u32;
    for col in 1..=22u32 {
        for i in ports.clone() {
            let value = match col {
                1 | 3 | 4 | 7 | 8 => Value::Integer(i64::from(i % 7 + 1)),
                2 => Value::OctetString(format!("eth{i}").into_bytes()),
                5 => Value::Gauge32(4_294_967_295),
                6 => Value::OctetString(vec![0x8e, 0xbf, 0x65, 0x2b, (i >> 8) as u8, i as u8]),
                9 => Value::TimeTicks(i * 100),
                21 => Value::Gauge32(0),
                22 => Value::ObjectId(Oid::from([0, 0])),
                _ => Value::Counter32(i.wrapping_mul(2_654_435_761)),
            };
            v.push(VarBind::new(oid(&entry, &[col, i]), value));
        }
    }
    let xentry = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
    for col in 1..=19u32 {
        for i in ports.clone() {
            let value = match col {
                1 => Value::OctetString(format!("eth{i}").into_bytes()),
                6..=13 => Value::Counter64(u64::from(i) * 1_000_000_007),
                14 | 16 | 17 => Value::Integer(1),
                15 => Value::Gauge32(10_000),
                18 => Value::OctetString(Vec::new()),
                19 => Value::TimeTicks(0),
                _ => Value::Counter32(i),
            };
            v.push(VarBind::new(oid(&xentry, &[col, i]), value));
        }
    }
    let addr = [1, 3, 6, 1, 2, 1, 4, 34, 1, 3, 1, 4, 198, 18];
    for i in 0..500u32 {
        v.push(VarBind::new(
            oid(&addr, &[i / 64, (i % 64) * 4 + 1]),
            Value::Integer(i64::from(i + 2)),
        ));
    }
    let sw = [1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2];
    for i in 1..=1000u32 {
        v.push(VarBind::new(
            oid(&sw, &[i]),
            Value::OctetString(format!("libpackage{i}-2.36-9+deb12u{}_amd64", i % 10).into_bytes()),
        ));
    }
    let typed = [1, 3, 6, 1, 4, 1, 8072, 2, 255];
    v.push(VarBind::new(
        oid(&typed, &[4, 0]),
        Value::IpAddress([127, 0, 0, 1]),
    ));
    v.push(VarBind::new(
        oid(&typed, &[8, 0]),
        Value::Opaque(vec![0x9f, 0x7a, 0x06, 0xfe, 0xe0, 0x8e, 0x04, 0xfb, 0x35]),
    ));
    v.push(VarBind::new(
        oid(&typed, &[9, 0]),
        Value::OctetString(vec![
            0x80, 0x00, 0x1f, 0x88, 0x04, 0x74, 0x62, 0x2d, 0x61, 0x67, 0x65, 0x6e, 0x74,
        ]),
    ));
    v
}

fn render(c: &mut Criterion) {
    let varbinds = walk();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(varbinds.len() as u64));
    let mut out = Vec::with_capacity(4 << 20);
    for (name, flags, json) in [
        ("text -On", "n", false),
        ("text -Oqv", "qv", false),
        ("text -OxT", "xT", false),
        ("json", "n", true),
    ] {
        let mut options = OutputOptions {
            json,
            ..OutputOptions::default()
        };
        options.apply_flags(flags).expect("flags");
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                for vb in &varbinds {
                    write_varbind(&mut out, vb, &options).expect("render");
                }
                black_box(out.len())
            });
        });
    }
    let names = IfMib::new();
    let named = OutputOptions {
        oid_style: OidStyle::Module,
        ..OutputOptions::default()
    };
    group.bench_function("text -OS, IF-MIB names", |b| {
        b.iter(|| {
            out.clear();
            for vb in &varbinds {
                write_varbind_named(&mut out, vb, &named, &names).expect("render");
            }
            black_box(out.len())
        });
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
