//! The mibscope binary (walk, bulkwalk, get) against the simulated agent with each fault
//! on: what a user sees must be what a healthy agent gives, or the error Net-SNMP's tools
//! would print. Every command is time-limited and every retry count is bounded (-r).

mod common;

use std::num::NonZeroU64;
use std::time::Duration;

use common::agent::{
    Ran, frozen_switch, have_tool, mibscope, net_snmp, run, size_limited_switch, spec,
};
use mibscope::agent::Faults;
use mibscope::agent::faults::{NonIncreasing, Probability, RestartSchedule};
use mibscope::agent::runner::BackgroundAgent;

/// Short timeouts and many retries: loopback answers in well under 50 ms.
const PATIENT: [&str; 4] = ["-t", "0.05", "-r", "10"];

fn mib(agent: &BackgroundAgent, command: &str, extra: &[&str], oids: &[&str]) -> Ran {
    let target = spec(agent.local_addr());
    // Numeric output without MIBs, as the Net-SNMP runs they are compared with.
    let mut args = vec![command, "-m", "", "-On", "-v2c", "-c", "public"];
    args.extend_from_slice(extra);
    args.push(&target);
    args.extend_from_slice(oids);
    run(mibscope(), &args)
}

fn ok(ran: &Ran) -> &str {
    assert_eq!(ran.status, Some(0), "stderr: {}", ran.stderr);
    assert_eq!(ran.stderr, "");
    &ran.stdout
}

/// The lines of a walk whose values do not move by themselves: all but sysUpTime and the
/// snmp group (which counts the requests of the walk itself).
fn steady(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| !l.starts_with(".1.3.6.1.2.1.1.3.0 ") && !l.starts_with(".1.3.6.1.2.1.11."))
        .collect()
}

/// Asserts two outputs have the same steady lines, naming the first difference only.
fn assert_same_walk(got: &str, want: &str, what: &str) {
    let (g, w) = (steady(got), steady(want));
    if let Some(i) = (0..g.len().min(w.len())).find(|&i| g[i] != w[i]) {
        panic!("{what}: line {i} differs:\n got: {}\nwant: {}", g[i], w[i]);
    }
    assert_eq!(g.len(), w.len(), "{what}: number of lines");
    assert!(!w.is_empty(), "{what}: nothing walked");
}

fn percent(p: f64) -> Probability {
    Probability::percent(p).unwrap()
}

#[test]
fn walks_through_20_percent_loss_equal_the_lossless_walks() {
    let healthy = frozen_switch(Faults::default());
    let lossy = frozen_switch(Faults {
        loss: percent(20.0),
        ..Faults::default()
    });
    for (command, root, extra) in [
        ("walk", ".1.3.6.1.2.1.17", &PATIENT[..]),
        ("bulkwalk", ".1", &PATIENT[..]),
    ] {
        let want = mib(&healthy, command, &[], &[root]);
        let got = mib(&lossy, command, extra, &[root]);
        assert_same_walk(ok(&got), ok(&want), &format!("{command} {root}"));
        assert!(
            want.stdout.lines().count() > 300,
            "{command}: {}",
            want.stdout.lines().count()
        );
    }
    let stats = lossy.stats();
    // About a fifth of some 700 requests: the client really had to retry.
    assert!(stats.lost > 50, "{stats:?}");
}

#[test]
fn drop_every_nth_request_is_retried() {
    let healthy = frozen_switch(Faults::default());
    let dropping = frozen_switch(Faults {
        drop_every: NonZeroU64::new(3),
        ..Faults::default()
    });
    let want = mib(&healthy, "bulkwalk", &[], &[".1.3.6.1.2.1.2"]);
    let got = mib(&dropping, "bulkwalk", &PATIENT, &[".1.3.6.1.2.1.2"]);
    assert_same_walk(ok(&got), ok(&want), "bulkwalk with drop-every 3");
    assert!(dropping.stats().lost > 10);
}

#[test]
fn non_increasing_oids_stop_the_walk_with_net_snmps_error() {
    let stuck = frozen_switch(Faults {
        non_increasing: Some(NonIncreasing {
            from: ".1.3.6.1.2.1.2.2.1.2".parse().unwrap(),
            back_to: None,
        }),
        ..Faults::default()
    });
    let last = ".1.3.6.1.2.1.2.2.1.1.14502";
    for command in ["walk", "bulkwalk"] {
        let ran = mib(&stuck, command, &[], &[".1.3.6.1.2.1.2.2.1"]);
        assert_eq!(ran.status, Some(1), "{command}");
        assert_eq!(
            ran.stderr,
            format!("Error: OID not increasing: {last}\n >= {last}\n\n"),
            "{command}"
        );
        // The 57 ifIndex rows, then the repeated one (printed, as snmpwalk does).
        let lines: Vec<&str> = ran.stdout.lines().collect();
        assert_eq!(lines.len(), 58, "{command}: {}", ran.stdout);
        assert_eq!(lines[56], lines[57]);
        assert_eq!(lines[57], format!("{last} = INTEGER: 14502"));

        // -Cc: no increase check, but the walk still stops at the loop.
        let ran = mib(&stuck, command, &["-Cc"], &[".1.3.6.1.2.1.2.2.1"]);
        assert_eq!(ran.status, Some(1), "{command} -Cc");
        assert!(
            ran.stderr.starts_with("Error: OID loop"),
            "{command} -Cc: {}",
            ran.stderr
        );
        assert!(ran.stderr.contains(last), "{}", ran.stderr);
        assert_eq!(ran.stdout.lines().count(), 58, "{command} -Cc");
    }

    // Going back to an earlier object of the same subtree.
    let back = frozen_switch(Faults {
        non_increasing: Some(NonIncreasing {
            from: ".1.3.6.1.2.1.2.2.1.2".parse().unwrap(),
            back_to: Some(".1.3.6.1.2.1.2.2.1.1.10101".parse().unwrap()),
        }),
        ..Faults::default()
    });
    let ran = mib(&back, "walk", &[], &[".1.3.6.1.2.1.2.2.1"]);
    assert_eq!(ran.status, Some(1));
    assert_eq!(
        ran.stderr,
        format!("Error: OID not increasing: {last}\n >= .1.3.6.1.2.1.2.2.1.1.10101\n\n")
    );
    let ran = mib(&back, "walk", &["-Cc"], &[".1.3.6.1.2.1.2.2.1"]);
    assert_eq!(ran.status, Some(1));
    assert!(
        ran.stderr.contains("OID loop") && ran.stderr.contains(".1.3.6.1.2.1.2.2.1.1.10101"),
        "{}",
        ran.stderr
    );
}

/// 57 ifDescr and 57 ifAlias instances: a Get whose answer is some 4 kB.
fn many_oids() -> Vec<String> {
    let snapshot = mibscope::agent::Snapshot::embedded_switch();
    snapshot
        .objects
        .iter()
        .map(|o| o.oid.to_string())
        .filter(|o| {
            o.starts_with(".1.3.6.1.2.1.2.2.1.2.") || o.starts_with(".1.3.6.1.2.1.31.1.1.1.18.")
        })
        .collect()
}

#[test]
fn a_get_too_big_for_the_agent_is_split_and_recovers() {
    let healthy = frozen_switch(Faults::default());
    let oids = many_oids();
    let oids: Vec<&str> = oids.iter().map(String::as_str).collect();
    assert_eq!(oids.len(), 114);
    let want = mib(&healthy, "get", &[], &oids);
    assert_eq!(ok(&want).lines().count(), 114);

    // The RFC limit (the agent's largest message) and the fault (any answer over N bytes).
    let limited = size_limited_switch(484);
    let faulty = frozen_switch(Faults {
        too_big_above: Some(700),
        ..Faults::default()
    });
    for agent in [&limited, &faulty] {
        let got = mib(agent, "get", &[], &oids);
        assert_eq!(ok(&got), want.stdout);
    }
    assert!(faulty.stats().too_big_faults > 0);

    // Net-SNMP's snmpget does not split: it shows the agent really said tooBig.
    if have_tool("snmpget") {
        let target = spec(limited.local_addr());
        let mut args = vec!["-v2c", "-c", "public", target.as_str()];
        args.extend_from_slice(&oids);
        let ran = net_snmp("snmpget", &args);
        assert!(
            ran.stderr
                .contains("Reason: (tooBig) Response message would have been too large."),
            "{}",
            ran.stderr
        );
    }
}

#[test]
fn a_bulkwalk_against_a_size_limit_recovers() {
    let healthy = frozen_switch(Faults::default());
    let want = mib(&healthy, "bulkwalk", &["-Cr50"], &[".1"]);
    // 2873 objects (sysDescr takes 4 lines) and the endOfMibView line.
    assert_eq!(ok(&want).lines().count(), 2877);
    // The agent cuts GetBulk answers to its largest message (RFC 3416 4.2.3) ...
    let limited = size_limited_switch(484);
    let got = mib(&limited, "bulkwalk", &["-Cr50"], &[".1"]);
    assert_same_walk(ok(&got), &want.stdout, "bulkwalk, 484-byte agent");
    // ... or, with the fault, refuses them with tooBig; the client asks for fewer.
    let faulty = frozen_switch(Faults {
        too_big_above: Some(700),
        ..Faults::default()
    });
    let got = mib(&faulty, "bulkwalk", &["-Cr50"], &[".1"]);
    assert_same_walk(ok(&got), &want.stdout, "bulkwalk, tooBig above 700 bytes");
    assert!(faulty.stats().too_big_faults > 0);
}

#[test]
fn duplicated_replies_wrong_request_ids_and_jitter_do_not_corrupt_results() {
    let healthy = frozen_switch(Faults::default());
    let noisy = frozen_switch(Faults {
        duplicate: percent(100.0),
        wrong_request_id: percent(30.0),
        jitter: Duration::from_millis(5),
        ..Faults::default()
    });
    for (command, root) in [
        ("walk", ".1.3.6.1.2.1.2.2.1.2"),
        ("bulkwalk", ".1.3.6.1.2.1.2"),
    ] {
        let want = mib(&healthy, command, &[], &[root]);
        let got = mib(&noisy, command, &PATIENT, &[root]);
        assert_same_walk(ok(&got), ok(&want), command);
    }
    let stats = noisy.stats();
    assert!(
        stats.duplicates_sent > 50 && stats.wrong_ids_sent > 10,
        "{stats:?}"
    );
}

#[test]
fn a_restart_mid_walk_does_not_break_the_walk() {
    // Counters move here, and restart from 0: compare what does not move, and the names.
    let healthy = frozen_switch(Faults::default());
    let restarting = common::agent::start(
        &mibscope::agent::Snapshot::embedded_switch(),
        &mibscope::agent::StoreOptions::default(),
        mibscope::agent::AgentConfig {
            faults: Faults {
                restart: Some(RestartSchedule::AfterRequests(NonZeroU64::new(7).unwrap())),
                ..Faults::default()
            },
            ..Default::default()
        },
    );
    let names = |s: &str| {
        s.lines()
            .map(|l| l.split(" = ").next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let want = mib(&healthy, "bulkwalk", &["-Cr5"], &[".1.3.6.1.2.1.2"]);
    let got = mib(&restarting, "bulkwalk", &["-Cr5"], &[".1.3.6.1.2.1.2"]);
    assert_eq!(names(ok(&got)), names(ok(&want)));
    let want = mib(&healthy, "walk", &[], &[".1.3.6.1.2.1.31.1.1.1.1"]);
    let got = mib(&restarting, "walk", &[], &[".1.3.6.1.2.1.31.1.1.1.1"]);
    assert_same_walk(ok(&got), ok(&want), "walk of ifName with restarts");
    assert!(restarting.stats().restarts > 30, "{:?}", restarting.stats());
    // A restart through the handle: sysUpTime starts again.
    let before = restarting.stats().restarts;
    restarting.restart();
    assert_eq!(restarting.stats().restarts, before + 1);
    let ran = mib(&restarting, "get", &[], &[".1.3.6.1.2.1.1.3.0"]);
    let ticks: u32 = ok(&ran)
        .split(['(', ')'])
        .nth(1)
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(ticks < 6000, "{ticks}");
}

#[test]
fn a_reply_later_than_the_timeout_is_a_timeout() {
    let slow = frozen_switch(Faults {
        delay: Duration::from_millis(600),
        ..Faults::default()
    });
    let target = spec(slow.local_addr());
    let ran = mib(
        &slow,
        "get",
        &["-t", "0.1", "-r", "1"],
        &[".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(ran.status, Some(1));
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, format!("Timeout: No Response from {target}.\n"));
    if have_tool("snmpget") {
        let net_snmp = run(
            "snmpget",
            &[
                "-m",
                "",
                "-v2c",
                "-c",
                "public",
                "-t",
                "0.1",
                "-r",
                "1",
                &target,
                ".1.3.6.1.2.1.1.5.0",
            ],
        );
        assert_eq!(net_snmp.stderr, ran.stderr);
    }
    // Within the timeout, the same agent answers.
    let ran = mib(
        &slow,
        "get",
        &["-t", "3", "-r", "0"],
        &[".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(ok(&ran), ".1.3.6.1.2.1.1.5.0 = STRING: \"acc-sw-b2-01\"\n");
}
