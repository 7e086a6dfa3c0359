//! `bulkwalk -Cparallel=N`: the subtree walked in ranges at once, merged in OID order. Its
//! output is the serial walk's: against snmpd (compared with snmpbulkwalk), byte for byte on
//! the simulated switch, and on an agent that sends non-increasing OIDs (the parallel walk
//! falls back to the serial one and reports what it reports). Speed is in
//! bench/parallel-walk.sh.

mod common;

use common::agent::{frozen_switch, size_limited_switch, spec};
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

/// Walk output without the lines that move between two walks of the frozen switch: its
/// clock (sysUpTime, snmpEngineTime) and its SNMP counters (the snmp group).
fn steady(s: &str) -> String {
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
}

/// `bulkwalk -v2c -c public EXTRA TARGET ROOT`, numeric: steady stdout, stderr, exit code.
fn run(target: &str, extra: &[&str], root: &str) -> (String, String, Option<i32>) {
    let mut args = vec!["bulkwalk", "-v2c", "-c", "public"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[target, root]);
    let out = mibscope_numeric(&args);
    (steady(&stdout(&out)), stderr(&out), out.status.code())
}

#[test]
fn parallel_equals_serial_and_falls_back_on_a_bad_agent() {
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

#[test]
fn progress_shows_on_a_terminal_and_is_cleared_at_the_end() {
    // A distant switch: every answer 150 ms late, so the walk lasts long enough to see.
    let slow = frozen_switch(Faults {
        delay: std::time::Duration::from_millis(150),
        ..Faults::default()
    });
    let target = spec(slow.local_addr());
    let dir = tempdir("progress");
    let out = dir.join("walk.txt");
    // stdout to a file, stderr the terminal.
    let command = format!(
        "{MIBSCOPE} bulkwalk -m '' -On -v2c -c public -Cr5 -Cparallel=2 {target} .1.3.6.1.2.1.2 \
         > {}; echo walk-over; sleep 60",
        out.display()
    );
    let Some(term) = common::tmux::Tmux::start(&command, 100, 12) else {
        return;
    };
    let during = term.wait_for(" varbinds, ");
    assert!(during.contains("/s"), "{during}");
    let after = term.wait_for("walk-over");
    assert!(!after.contains("varbinds"), "{after}");
    term.kill();
    // The walk itself is whole, and the file holds no trace of the bar.
    let near = frozen_switch(Faults::default());
    let near = spec(near.local_addr());
    let serial = mibscope_numeric(&["bulkwalk", "-v2c", "-c", "public", &near, ".1.3.6.1.2.1.2"]);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, stdout(&serial));
    assert!(written.lines().count() > 100);
}

#[test]
fn an_agent_answering_too_big_gets_smaller_requests_not_a_serial_walk() {
    // Any answer over 700 bytes refused with tooBig (a few rows of the interface table),
    // and an agent whose largest message is RFC 3417's minimum, 484 bytes (it cuts GetBulk
    // answers, and refuses with tooBig what cannot be cut: many non-repeaters).
    let too_big = frozen_switch(Faults {
        too_big_above: Some(700),
        ..Faults::default()
    });
    let capped = size_limited_switch(484);
    for (agent, what) in [
        (&too_big, "tooBig above 700 bytes"),
        (&capped, "484-byte agent"),
    ] {
        let target = spec(agent.local_addr());
        for (extra, root) in [
            (&["-Cparallel=8"][..], ".1"),
            (&["-Cparallel=8", "-Cr50"][..], ".1.3.6.1.2.1.2"),
            (&["-Cparallel=3", "-Cr5"][..], ".1.3.6.1.2.1.31"),
        ] {
            let serial_args: Vec<&str> = extra[1..].to_vec();
            let serial = run(&target, &serial_args, root);
            assert_eq!(serial.2, Some(0), "{what}: {}", serial.1);
            assert!(serial.0.lines().count() > 100, "{what} {root}");
            let too_bigs_before = out_too_bigs(&target);
            let par = run(&target, extra, root);
            let too_bigs = out_too_bigs(&target) - too_bigs_before;
            // Same OIDs, same order, same values, a clean exit and nothing on stderr.
            assert_eq!(par.2, Some(0), "{what} {extra:?} {root}: {}", par.1);
            assert_eq!(par.1, "", "{what} {extra:?} {root}");
            if par.0 != serial.0 {
                let first_difference = par.0.lines().zip(serial.0.lines()).find(|(a, b)| a != b);
                panic!(
                    "{what} {extra:?} {root}: differs from the serial walk: {first_difference:?}, \
                     {} lines vs {}",
                    par.0.lines().count(),
                    serial.0.lines().count()
                );
            }
            // The walk learns the agent's limit: a few tooBig answers, where the serial walk
            // (the old fallback) pays one on many of its requests.
            assert!(
                too_bigs <= 12,
                "{what} {extra:?} {root}: {too_bigs} tooBig answers"
            );
        }
    }
    assert!(too_big.stats().too_big_faults > 0);
}

/// The agent's snmpOutTooBigs: how many tooBig answers it has sent.
fn out_too_bigs(target: &str) -> u64 {
    let out = mibscope_numeric(&[
        "get",
        "-v2c",
        "-c",
        "public",
        "-Oqv",
        target,
        ".1.3.6.1.2.1.11.20.0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).trim().parse().unwrap()
}
