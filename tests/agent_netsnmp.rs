//! Net-SNMP's own tools against the simulated agent: what snmpwalk, snmpbulkwalk and
//! snmpget print must be exactly the snapshot (read back with the snapshot parser, which
//! also proves it reads real snmpwalk output), Set must behave as snmpd's does, and the
//! `mibscope agent` binary must serve and stop cleanly.

mod common;

use std::time::Instant;

use common::agent::{
    have_tool, mibscope, net_snmp, printed, run, spec, start, start_agent_binary, stop_agent_binary,
};
use mibscope::agent::{AgentConfig, ObjectStore, Snapshot, StoreOptions};
use mibscope::proto::value::ValueKind;
use mibscope::proto::{Oid, Value, VarBind};

fn frozen() -> StoreOptions {
    StoreOptions {
        rates: false,
        ..StoreOptions::default()
    }
}

/// Asserts `got` is `expected` object for object: equal values, except that objects whose
/// value moves with time (sysUpTime, the snmp group) only need the same type.
fn assert_same(got: &[(Oid, Value)], expected: &[VarBind], store: &ObjectStore, what: &str) {
    for (i, ((oid, value), want)) in got.iter().zip(expected).enumerate() {
        assert_eq!(oid, &want.oid, "{what}: object {i}");
        if store.is_dynamic(oid) {
            assert_eq!(value.kind(), want.value.kind(), "{what}: {oid}");
        } else {
            assert_eq!(value, &want.value, "{what}: {oid}");
        }
    }
    assert_eq!(got.len(), expected.len(), "{what}: number of objects");
    eprintln!("{what}: {} objects equal to the snapshot", got.len());
}

/// `tool` (snmpwalk or snmpbulkwalk) over the whole tree, which must succeed.
fn walk_all(tool: &str, version: &str, extra: &[&str], target: &str) -> common::agent::Ran {
    let mut args = vec![version, "-c", "public", "-t", "2", "-r", "2"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[target, ".1"]);
    let ran = net_snmp(tool, &args);
    assert_eq!(ran.status, Some(0), "{tool} {extra:?}: {}", ran.stderr);
    ran
}

fn switch_store() -> (Snapshot, ObjectStore) {
    let snapshot = Snapshot::embedded_switch();
    let store = ObjectStore::build(&snapshot, &frozen(), Instant::now());
    (snapshot, store)
}

#[test]
fn snmpwalk_v2c_prints_exactly_the_snapshot() {
    if !have_tool("snmpwalk") {
        return;
    }
    let (snapshot, store) = switch_store();
    let agent = start(&snapshot, &frozen(), AgentConfig::default());
    let ran = walk_all("snmpwalk", "-v2c", &[], &spec(agent.local_addr()));
    let expected = store.values_at(Instant::now());
    assert_same(
        &printed(&ran.stdout, "snmpwalk -v2c"),
        &expected,
        &store,
        "snmpwalk -v2c",
    );
    assert_eq!(expected.len(), snapshot.objects.len());
}

#[test]
fn snmpbulkwalk_prints_exactly_the_snapshot() {
    if !have_tool("snmpbulkwalk") {
        return;
    }
    let (snapshot, store) = switch_store();
    let agent = start(&snapshot, &frozen(), AgentConfig::default());
    let expected = store.values_at(Instant::now());
    for repetitions in ["-Cr10", "-Cr60"] {
        let ran = walk_all(
            "snmpbulkwalk",
            "-v2c",
            &[repetitions],
            &spec(agent.local_addr()),
        );
        let what = format!("snmpbulkwalk {repetitions}");
        assert_same(&printed(&ran.stdout, &what), &expected, &store, &what);
    }
}

#[test]
fn snmpget_and_snmpwalk_v1_see_the_snapshot_without_counter64() {
    if !have_tool("snmpget") || !have_tool("snmpwalk") {
        return;
    }
    let (snapshot, store) = switch_store();
    // 100 objects a Get: more than the default 1472-byte answer holds.
    let agent = start(
        &snapshot,
        &frozen(),
        AgentConfig {
            max_message_size: mibscope::agent::dispatcher::MessageSize(
                mibscope::agent::dispatcher::MAX_UDP_PAYLOAD,
            ),
            ..AgentConfig::default()
        },
    );
    let target = spec(agent.local_addr());
    let expected: Vec<VarBind> = store
        .values_at(Instant::now())
        .into_iter()
        .filter(|vb| vb.value.kind() != ValueKind::Counter64)
        .collect();
    assert!(expected.len() < snapshot.objects.len());

    // snmpget -v1, 100 objects a request.
    let mut got = Vec::new();
    for chunk in expected.chunks(100) {
        let oids: Vec<String> = chunk.iter().map(|vb| vb.oid.to_string()).collect();
        let mut args = vec!["-v1", "-c", "public", "-t", "2", "-r", "2", &target];
        args.extend(oids.iter().map(String::as_str));
        let ran = net_snmp("snmpget", &args);
        assert_eq!(ran.status, Some(0), "{}", ran.stderr);
        got.extend(printed(&ran.stdout, "snmpget -v1"));
    }
    assert_same(&got, &expected, &store, "snmpget -v1");

    // A v1 walk skips the Counter64 objects and ends with noSuchName ("End of MIB").
    let ran = walk_all("snmpwalk", "-v1", &[], &target);
    assert_same(
        &printed(&ran.stdout, "snmpwalk -v1"),
        &expected,
        &store,
        "snmpwalk -v1",
    );

    // A v1 Get of a Counter64 is noSuchName.
    let ran = net_snmp(
        "snmpget",
        &[
            "-v1",
            "-c",
            "public",
            &target,
            ".1.3.6.1.2.1.31.1.1.1.6.10101",
        ],
    );
    assert!(
        ran.stderr
            .contains("Reason: (noSuchName) There is no such variable name in this MIB.")
            && ran
                .stderr
                .contains("Failed object: .1.3.6.1.2.1.31.1.1.1.6.10101"),
        "{}",
        ran.stderr
    );
}

#[test]
fn snmpset_writes_reads_back_and_fails_like_snmpd() {
    if !have_tool("snmpset") || !have_tool("snmpget") {
        return;
    }
    let (snapshot, _) = switch_store();
    let agent = start(&snapshot, &frozen(), AgentConfig::default());
    let target = spec(agent.local_addr());
    let set = |args: &[&str]| {
        let mut all = vec!["-t", "2", "-r", "1"];
        all.extend_from_slice(args);
        net_snmp("snmpset", &all)
    };
    let get = |oid: &str| net_snmp("snmpget", &["-v2c", "-c", "public", &target, oid]).stdout;

    let ran = set(&[
        "-v2c",
        "-c",
        "private",
        &target,
        ".1.3.6.1.2.1.1.4.0",
        "s",
        "Ops <ops@example.org>",
        ".1.3.6.1.2.1.1.6.0",
        "s",
        "Lab, rack 9",
    ]);
    assert_eq!(ran.status, Some(0), "{}", ran.stderr);
    assert_eq!(
        get(".1.3.6.1.2.1.1.4.0"),
        ".1.3.6.1.2.1.1.4.0 = STRING: \"Ops <ops@example.org>\"\n"
    );
    assert_eq!(
        get(".1.3.6.1.2.1.1.6.0"),
        ".1.3.6.1.2.1.1.6.0 = STRING: \"Lab, rack 9\"\n"
    );

    // (arguments, what snmpset prints to stderr) -- the texts snmpd 5.9.3 gives as well.
    let failures: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec![
                "-v2c",
                "-c",
                "public",
                &target,
                ".1.3.6.1.2.1.1.5.0",
                "s",
                "x",
            ],
            "Reason: noAccess",
            ".1.3.6.1.2.1.1.5.0",
        ),
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
            "Reason: notWritable (That object does not support modification)",
            ".1.3.6.1.2.1.1.1.0",
        ),
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.99.0",
                "s",
                "x",
            ],
            "Reason: notWritable (That object does not support modification)",
            ".1.3.6.1.2.1.1.99.0",
        ),
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.31.1.1.1.18.999",
                "s",
                "x",
            ],
            "Reason: noCreation (That table does not support row creation or that object can not ever be created)",
            ".1.3.6.1.2.1.31.1.1.1.18.999",
        ),
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.4.0",
                "i",
                "5",
            ],
            "Reason: wrongType (The set datatype does not match the data type the agent expects)",
            ".1.3.6.1.2.1.1.4.0",
        ),
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.2.2.1.7.10101",
                "i",
                "9",
            ],
            "Reason: wrongValue (The set value is illegal or unsupported in some way)",
            ".1.3.6.1.2.1.2.2.1.7.10101",
        ),
        (
            vec![
                "-v1",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
            "Reason: (noSuchName) There is no such variable name in this MIB.",
            ".1.3.6.1.2.1.1.1.0",
        ),
        (
            vec![
                "-v1",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.4.0",
                "i",
                "5",
            ],
            "Reason: (badValue) The value given has the wrong type or length.",
            ".1.3.6.1.2.1.1.4.0",
        ),
        (
            vec![
                "-v1",
                "-c",
                "public",
                &target,
                ".1.3.6.1.2.1.1.4.0",
                "s",
                "x",
            ],
            "Reason: (noSuchName) There is no such variable name in this MIB.",
            ".1.3.6.1.2.1.1.4.0",
        ),
        // Atomic: the second varbind fails, so the first is not written either.
        (
            vec![
                "-v2c",
                "-c",
                "private",
                &target,
                ".1.3.6.1.2.1.1.5.0",
                "s",
                "half-done",
                ".1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
            "Reason: notWritable (That object does not support modification)",
            ".1.3.6.1.2.1.1.1.0",
        ),
    ];
    for (args, reason, failed) in failures {
        let ran = set(&args);
        assert_ne!(ran.status, Some(0), "{args:?}");
        assert!(ran.stderr.contains(reason), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("Failed object: {failed}")),
            "{args:?}: {}",
            ran.stderr
        );
    }
    assert_eq!(
        get(".1.3.6.1.2.1.1.5.0"),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"acc-sw-b2-01\"\n"
    );

    // A community the agent does not know gets no answer at all, and is counted.
    let ran = net_snmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "guess",
            "-t",
            "0.2",
            "-r",
            "1",
            &target,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert_eq!(
        ran.stderr.trim(),
        format!("Timeout: No Response from {target}.")
    );
    assert_eq!(agent.stats().bad_community, 2);
    let counted = get(".1.3.6.1.2.1.11.4.0");
    assert_eq!(counted, ".1.3.6.1.2.1.11.4.0 = Counter32: 2\n");
}

#[test]
fn a_walk_of_the_agent_serves_again_as_a_snapshot() {
    if !have_tool("snmpwalk") {
        return;
    }
    let (snapshot, _) = switch_store();
    let first = start(&snapshot, &frozen(), AgentConfig::default());
    let walk = |addr| walk_all("snmpwalk", "-v2c", &[], &spec(addr)).stdout;
    let original = walk(first.local_addr());
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("switch48.walk");
    std::fs::write(&path, &original).unwrap();
    let reloaded = Snapshot::load(&path).unwrap();
    let second = start(&reloaded, &frozen(), AgentConfig::default());
    let again = walk(second.local_addr());
    // Every line is the same but sysUpTime's and the snmp group's (they count).
    let moving =
        |l: &&str| l.starts_with(".1.3.6.1.2.1.1.3.0 ") || l.starts_with(".1.3.6.1.2.1.11.");
    let a: Vec<&str> = original.lines().filter(|l| !moving(l)).collect();
    let b: Vec<&str> = again.lines().filter(|l| !moving(l)).collect();
    assert_eq!(a, b);
    assert!(a.len() > 2800, "{}", a.len());
}

#[test]
fn the_agent_binary_prints_its_address_serves_and_stops_on_sigterm() {
    if !have_tool("snmpget") {
        return;
    }
    let (child, addr) =
        start_agent_binary(&["--listen", "127.0.0.1:0", "--seed", "3"].map(std::ffi::OsStr::new));
    let ran = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &addr, ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(
        ran.stdout,
        ".1.3.6.1.2.1.1.5.0 = STRING: \"acc-sw-b2-01\"\n"
    );
    let (status, stderr) = stop_agent_binary(child);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stderr.contains("stopped; 1 datagrams, 1 answered"),
        "{stderr}"
    );
}

#[test]
fn the_agent_binary_reports_bad_snapshots_with_file_and_line() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad.snapshot");
    std::fs::write(
        &path,
        ".1.3.6.1.2.1.1.5.0 STRING ok\n.1.3.6.1.2.1.1.6.0 Gauge32 many\n",
    )
    .unwrap();
    let ran = run(
        mibscope(),
        &[
            "agent",
            "--snapshot",
            path.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert_eq!(ran.status, Some(1));
    assert_eq!(
        ran.stderr.trim(),
        format!(
            "mibscope: {}:2: 'many' is not a Gauge32 (0..4294967295)",
            path.display()
        )
    );
    let ran = run(
        mibscope(),
        &["agent", "--snapshot", "/nonexistent/x.snapshot"],
    );
    assert_eq!(ran.status, Some(1));
    assert!(
        ran.stderr
            .contains("cannot read snapshot /nonexistent/x.snapshot"),
        "{}",
        ran.stderr
    );
    let ran = run(mibscope(), &["agent", "--check"]);
    assert_eq!(ran.status, Some(0));
    assert!(ran.stdout.contains("2873 objects"), "{}", ran.stdout);
}

#[test]
fn serves_ipv6_loopback_to_both_managers() {
    if !have_tool("snmpget") {
        return;
    }
    use mibscope::agent::Agent;
    use mibscope::agent::runner::{BackgroundAgent, LogLevel, RunnerOptions};
    let agent = Agent::from_snapshot(
        &Snapshot::embedded_switch(),
        &frozen(),
        AgentConfig::default(),
        Instant::now(),
    );
    let options = RunnerOptions {
        listen: vec!["[::1]:0".parse().unwrap()],
        log: LogLevel::Quiet,
        skip_unavailable: false,
    };
    let running = match BackgroundAgent::start(agent, options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skipped: this host has no IPv6 loopback ({e})");
            return;
        }
    };
    let target = format!("udp6:{}", running.local_addr());
    let want = ".1.3.6.1.2.1.1.5.0 = STRING: \"acc-sw-b2-01\"\n";
    let theirs = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(theirs.stdout, want, "{}", theirs.stderr);
    let ours = run(
        mibscope(),
        &[
            "get",
            "-m",
            "",
            "-On",
            "-v2c",
            "-c",
            "public",
            &target,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert_eq!(ours.stdout, want, "{}", ours.stderr);
    assert_eq!(running.shutdown().answered, 2);
}
