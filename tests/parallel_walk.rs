//! `bulkwalk -Cparallel=N`: the subtree walked in ranges at once, merged in OID order. Its
//! output is the serial walk's: against snmpd (compared with snmpbulkwalk), byte for byte on
//! the simulated switch, and on an agent that sends non-increasing OIDs (the parallel walk
//! falls back to the serial one and reports what it reports). Speed is in
//! bench/parallel-walk.sh.

mod common;

use common::agent::{frozen_switch, spec};
use common::*;
use mibscope::agent::Faults;
use mibscope::agent::faults::NonIncreasing;

const CHURN: &[&str] = &[
    ".1.3.6.1.2.1.7.5",
    ".1.3.6.1.2.1.7.7",
    ".1.3.6.1.2.1.6.13",
    ".1.3.6.1.2.1.6.19",
    ".1.3.6.1.2.1.25.4",
    ".1.3.6.1.2.1.25.5",
];

#[test]
fn parallel_whole_tree_walk_equals_snmpbulkwalk() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    let theirs = || net_snmp("snmpbulkwalk", &["-v2c", "-c", "public", "-Cr25", &a, ".1"]);
    let before = theirs();
    let ours = mibscope_numeric(&[
        "bulkwalk",
        "-v2c",
        "-c",
        "public",
        "-Cr25",
        "-Cparallel=8",
        &a,
        ".1",
    ]);
    assert!(ours.status.success(), "{}", stderr(&ours));
    let after = theirs();
    let compared = assert_walks_agree(&stdout(&ours), &stdout(&before), &stdout(&after), CHURN);
    assert!(compared > 1000, "{compared}");
    // In OID order, ending as snmpbulkwalk ends.
    let oids: Vec<String> = stdout(&ours)
        .lines()
        .filter(|l| !l.contains("No more variables"))
        .filter_map(|l| l.split_once(" = ").map(|(o, _)| o.to_string()))
        .collect();
    let parsed: Vec<mibscope::proto::Oid> = oids.iter().map(|o| o.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] < w[1]), "not in OID order");
    assert_eq!(
        stdout(&ours)
            .lines()
            .last()
            .map(|l| l.contains("No more variables")),
        stdout(&before)
            .lines()
            .last()
            .map(|l| l.contains("No more variables"))
    );
}

#[test]
fn parallel_equals_serial_and_falls_back_on_a_bad_agent() {
    // The agent's clock (sysUpTime, snmpEngineTime) and its SNMP counters (the snmp
    // group) move between two walks.
    let steady = |s: String| -> String {
        s.lines()
            .filter(|l| {
                ![
                    ".1.3.6.1.2.1.1.3.0 ",
                    ".1.3.6.1.2.1.11.",
                    ".1.3.6.1.6.3.10.2.1.3",
                ]
                .iter()
                .any(|p| l.starts_with(p))
            })
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let run = |target: &str, extra: &[&str], root: &str| {
        let mut args = vec!["bulkwalk", "-v2c", "-c", "public"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[target, root]);
        let out = mibscope_numeric(&args);
        (steady(stdout(&out)), stderr(&out), out.status.code())
    };
    let healthy = frozen_switch(Faults::default());
    let target = spec(healthy.local_addr());
    for (parallel, root) in [
        ("-Cparallel=8", ".1"),
        ("-Cparallel=3", ".1.3.6.1.2.1.2"),
        ("-Cparallel=8", ".1.3.6.1.2.1.99"),
    ] {
        let serial = run(&target, &[], root);
        let par = run(&target, &[parallel], root);
        assert!(serial.0.lines().count() > 0 && serial.2 == Some(0));
        let first_difference = par
            .0
            .lines()
            .zip(serial.0.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{a}\n vs {b}"));
        assert!(
            par == serial,
            "{parallel} {root}: differs from the serial walk: {first_difference:?} {:?} {:?}",
            (&par.1, par.2, par.0.lines().count()),
            (&serial.1, serial.2, serial.0.lines().count())
        );
    }
    let stuck = frozen_switch(Faults {
        non_increasing: Some(NonIncreasing {
            from: ".1.3.6.1.2.1.2.2.1.2.10105".parse().unwrap(),
            back_to: None,
        }),
        ..Faults::default()
    });
    let target = spec(stuck.local_addr());
    let serial = run(&target, &[], ".1.3.6.1.2.1.2");
    let par = run(&target, &["-Cparallel=8"], ".1.3.6.1.2.1.2");
    assert_eq!(serial.2, Some(1));
    assert!(serial.1.contains("OID not increasing"));
    assert_eq!(par, serial);
    // Only bulkwalk walks in parallel; the count is bounded.
    let bad = mibscope(&["walk", "-Cparallel=8", "-v2c", "-c", "public", &target]);
    assert!(stderr(&bad).contains("use bulkwalk"), "{}", stderr(&bad));
    let bad = mibscope(&["bulkwalk", "-Cparallel=0", "-v2c", "-c", "public", &target]);
    assert!(stderr(&bad).contains("1..64"), "{}", stderr(&bad));
}
