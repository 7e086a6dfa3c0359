//! `mibscope df` beside `snmpdf`: byte for byte on the simulated agent serving fixed
//! storage tables (allocation units, a used figure above the size, petabytes, a row
//! missing a column), and on a real snmpd, whose memory figures move between two runs.

mod common;

use common::agent::{spec, start};
use common::side_by_side::{assert_same, both, with_mibs};
use common::*;
use mibscope::agent::{AgentConfig, Snapshot, StoreOptions};

const MIBS: &str = "HOST-RESOURCES-MIB:UCD-SNMP-MIB";

/// hrStorageTable rows: (index, descr, units, size, used); row 9 has no hrStorageUsed.
const STORAGE: &[(u32, &str, i64, i64, i64)] = &[
    (1, "Physical memory", 1024, 24_683_584, 11_574_444),
    (3, "Virtual memory", 1024, 24_683_584, 0),
    (31, "/", 4096, 66_053_021, 12_007_047),
    (32, "/a/rather/long/mount/point/name", 4096, 1_000, 999),
    (33, "/big", 65_536, 2_000_000_000, 1_999_999_999),
    (34, "/over", 512, 10, 20),
    (35, "/empty", 4096, 0, 0),
    (36, "/nounits", 0, 1_234_567, 7),
    (9, "/broken", 4096, 100, 0),
];

/// dskTable rows: (index, path, total kB, used kB).
const DISKS: &[(u32, &str, i64, i64)] = &[
    (1, "/", 264_212_084, 48_028_188),
    (2, "/var", 1_048_576, 1_048_575),
    (3, "/tiny", 3, 0),
];

fn snapshot() -> Snapshot {
    let mut text = String::from(".1.3.6.1.2.1.1.1.0 STRING storage\n");
    for (i, descr, units, size, used) in STORAGE {
        let e = ".1.3.6.1.2.1.25.2.3.1";
        text.push_str(&format!("{e}.1.{i} INTEGER {i}\n"));
        text.push_str(&format!("{e}.2.{i} OID .1.3.6.1.2.1.25.2.1.4\n"));
        text.push_str(&format!("{e}.3.{i} STRING \"{descr}\"\n"));
        text.push_str(&format!("{e}.4.{i} INTEGER {units}\n"));
        text.push_str(&format!("{e}.5.{i} INTEGER {size}\n"));
        if *i != 9 {
            text.push_str(&format!("{e}.6.{i} INTEGER {used}\n"));
        }
    }
    for (i, path, total, used) in DISKS {
        let e = ".1.3.6.1.4.1.2021.9.1";
        text.push_str(&format!("{e}.1.{i} INTEGER {i}\n"));
        text.push_str(&format!("{e}.2.{i} STRING \"{path}\"\n"));
        text.push_str(&format!("{e}.6.{i} INTEGER {total}\n"));
        text.push_str(&format!("{e}.8.{i} INTEGER {used}\n"));
    }
    Snapshot::parse(&text, "storage").expect("the snapshot parses")
}

#[test]
fn fixed_storage_prints_as_snmpdf_prints_it() {
    if missing("snmpdf") {
        return;
    }
    let agent = start(
        &snapshot(),
        &StoreOptions::default(),
        AgentConfig::default(),
    );
    let target = spec(agent.local_addr());
    for options in [
        &[][..],
        &["-Ch"][..],
        &["-CH"][..],
        &["-Cu"][..],
        &["-Cu", "-Ch"][..],
        &["-v1"][..],
    ] {
        let mut args = vec!["-v2c", "-c", "public"];
        args.extend_from_slice(options);
        args.push(&target);
        let pair = both("snmpdf", "df", &with_mibs(MIBS, &args));
        assert_same(&format!("df {options:?}"), &pair);
        assert!(stdout(&pair.1).lines().count() > 3, "{}", stdout(&pair.1));
    }
}

#[test]
fn snmpd_storage_reads_as_snmpdf_reads_it() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    if missing("snmpdf") {
        return;
    }
    let a = agent.agent();
    let args = with_mibs(MIBS, &["-v2c", "-c", "public", &a]);
    let (theirs, ours) = both("snmpdf", "df", &args);
    assert_eq!(ours.status.code(), theirs.status.code());
    // Same rows, same descriptions; figures may have moved a little.
    let rows = |s: &str| -> Vec<(String, Vec<f64>)> {
        s.lines()
            .skip(1)
            .map(|l| {
                // The last four words are figures; the description may hold spaces.
                let words: Vec<&str> = l.split_whitespace().collect();
                let (descr, figures) = words.split_at(words.len().saturating_sub(4));
                let numbers = figures
                    .iter()
                    .map(|n| n.trim_end_matches('%').parse().expect("a number"))
                    .collect();
                (descr.join(" "), numbers)
            })
            .collect()
    };
    let (ours, theirs) = (rows(&stdout(&ours)), rows(&stdout(&theirs)));
    assert_eq!(ours.len(), theirs.len());
    assert!(!ours.is_empty());
    for ((d1, n1), (d2, n2)) in ours.iter().zip(&theirs) {
        assert_eq!(d1, d2);
        for (a, b) in n1.iter().zip(n2) {
            assert!(
                (a - b).abs() <= 0.01 * b.abs() + 2048.0,
                "{d1}: {n1:?} vs {n2:?}"
            );
        }
    }
    // No dskTable configured: both give up the same way.
    let args = with_mibs(MIBS, &["-v2c", "-c", "public", "-Cu", &a]);
    assert_same("df -Cu without dskTable", &both("snmpdf", "df", &args));
}
