//! Interoperability with Net-SNMP's snmpd as the agent and its tools as the reference:
//! walks of the whole tree, get/getnext/bulkget, set read back, and error reports, each
//! compared with what snmpwalk/snmpget/snmpset print for the same request.

mod common;

use common::*;

/// Tables whose rows come and go between two walks of a live host: UDP/TCP endpoints (the
/// walking tools' own sockets appear in them) and the process table.
const CHURN: &[&str] = &[
    ".1.3.6.1.2.1.7.5",
    ".1.3.6.1.2.1.7.7",
    ".1.3.6.1.2.1.6.13",
    ".1.3.6.1.2.1.6.19",
    ".1.3.6.1.2.1.25.4",
    ".1.3.6.1.2.1.25.5",
];

fn walk_agrees(ours_args: &[&str], tool: &str, tool_args: &[&str]) {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    let with_agent = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(ToString::to_string).collect();
        v.insert(v.len() - 1, a.clone());
        v
    };
    let theirs_args = with_agent(tool_args);
    let theirs_args: Vec<&str> = theirs_args.iter().map(String::as_str).collect();
    let ours_args = with_agent(ours_args);
    let ours_args: Vec<&str> = ours_args.iter().map(String::as_str).collect();

    let before = net_snmp(tool, &theirs_args);
    assert!(before.status.success(), "{tool}: {}", stderr(&before));
    let ours = mibscope_numeric(&ours_args);
    assert!(
        ours.status.success(),
        "mibscope {ours_args:?}: {}",
        stderr(&ours)
    );
    let after = net_snmp(tool, &theirs_args);
    let compared = assert_walks_agree(&stdout(&ours), &stdout(&before), &stdout(&after), CHURN);
    assert!(compared > 1000, "only {compared} records compared");
    // The walk ends the same way (the endOfMibView line, or v1's "End of MIB").
    let last = |s: &str| s.lines().last().map(str::to_string);
    assert_eq!(
        last(&stdout(&ours)).map(|l| l.contains("MIB")),
        last(&stdout(&before)).map(|l| l.contains("MIB"))
    );
}

#[test]
fn walk_of_whole_tree_equals_snmpwalk() {
    walk_agrees(
        &["walk", "-v2c", "-c", "public", ".1"],
        "snmpwalk",
        &["-v2c", "-c", "public", ".1"],
    );
}

#[test]
fn bulkwalk_of_whole_tree_equals_snmpbulkwalk() {
    walk_agrees(
        &["bulkwalk", "-v2c", "-c", "public", "-Cr25", ".1"],
        "snmpbulkwalk",
        &["-v2c", "-c", "public", "-Cr25", ".1"],
    );
}

#[test]
fn v1_walk_of_whole_tree_equals_snmpwalk() {
    walk_agrees(
        &["walk", "-v1", "-c", "public", ".1"],
        "snmpwalk",
        &["-v1", "-c", "public", ".1"],
    );
}

/// Runs the same request through Net-SNMP's tool and ours; both stdout, stderr and the
/// exit status must be identical.
fn same_as(tool: &str, ours: &[&str], args: &[&str]) {
    let theirs = net_snmp(tool, args);
    let mut full = vec![ours[0]];
    full.extend_from_slice(&ours[1..]);
    full.extend_from_slice(args);
    let mine = mibscope_numeric(&full);
    assert_eq!(stdout(&mine), stdout(&theirs), "stdout of {full:?}");
    assert_eq!(stderr(&mine), stderr(&theirs), "stderr of {full:?}");
    assert_eq!(
        mine.status.code(),
        theirs.status.code(),
        "exit status of {full:?}"
    );
}

#[test]
fn gets_print_what_net_snmp_prints() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    let a = a.as_str();
    for version in ["-v1", "-v2c"] {
        same_as(
            "snmpget",
            &["get"],
            &[
                version,
                "-c",
                "public",
                a,
                ".1.3.6.1.2.1.1.5.0",
                ".1.3.6.1.2.1.1.2.0",
                ".1.3.6.1.2.1.1.4.0",
            ],
        );
        same_as(
            "snmpgetnext",
            &["getnext"],
            &[
                version,
                "-c",
                "public",
                a,
                ".1.3.6.1.2.1.1",
                ".1.3.6.1.2.1.2.2.1.2",
            ],
        );
    }
    // v2c exceptions in a get: noSuchObject and noSuchInstance, exit 0.
    same_as(
        "snmpget",
        &["get"],
        &[
            "-v2c",
            "-c",
            "public",
            a,
            ".1.3.6.1.2.1.1.99.0",
            ".1.3.6.1.2.1.1.5.1",
        ],
    );
    same_as(
        "snmpbulkget",
        &["bulkget"],
        &[
            "-v2c",
            "-c",
            "public",
            "-Cn1",
            "-Cr5",
            a,
            ".1.3.6.1.2.1.1.5",
            ".1.3.6.1.2.1.2.2.1.1",
        ],
    );
    // A community limited to the system group.
    same_as(
        "snmpwalk",
        &["walk"],
        &["-v2c", "-c", "sysonly", a, ".1.3.6.1.2.1.2"],
    );
    same_as(
        "snmpwalk",
        &["walk"],
        &["-v2c", "-c", "sysonly", "-Cp", a, ".1.3.6.1.2.1.1.9"],
    );
    // Walking a single instance falls back to a Get; -Ci includes the root.
    same_as(
        "snmpwalk",
        &["walk"],
        &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.5.0"],
    );
    same_as(
        "snmpwalk",
        &["walk"],
        &["-v2c", "-c", "public", "-Ci", a, ".1.3.6.1.2.1.1.5"],
    );
    same_as(
        "snmpbulkwalk",
        &["bulkwalk"],
        &["-v2c", "-c", "public", "-Cp", a, ".1.3.6.1.2.1.1.5.0"],
    );
}

#[test]
fn error_status_is_reported_as_net_snmp_reports_it() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    let a = a.as_str();
    // noSuchName (v1 get of a missing object), with snmpget's fix-and-retry of the rest.
    same_as(
        "snmpget",
        &["get"],
        &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.99.0"],
    );
    same_as(
        "snmpget",
        &["get"],
        &[
            "-v1",
            "-c",
            "public",
            a,
            ".1.3.6.1.2.1.1.99.0",
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    same_as(
        "snmpget",
        &["get"],
        &[
            "-v1",
            "-c",
            "public",
            "-Cf",
            a,
            ".1.3.6.1.2.1.1.99.0",
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    // notWritable (v2c) and noSuchName (v1) for a read-only object.
    same_as(
        "snmpset",
        &["set"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.1.0", "s", "x"],
    );
    same_as(
        "snmpset",
        &["set"],
        &["-v1", "-c", "private", a, ".1.3.6.1.2.1.1.1.0", "s", "x"],
    );
    // wrongType: an INTEGER where a string belongs.
    same_as(
        "snmpset",
        &["set"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.4.0", "i", "5"],
    );
    // noAccess / notWritable through a read-only community.
    same_as(
        "snmpset",
        &["set"],
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "0.3",
            "-r",
            "0",
            a,
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "x",
        ],
    );
}

#[test]
fn set_is_read_back() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    for (oid, value) in [
        (".1.3.6.1.2.1.1.4.0", "noc <noc@example.net>"),
        (".1.3.6.1.2.1.1.6.0", "rack 7, row B"),
    ] {
        let set = mibscope_numeric(&["set", "-v2c", "-c", "private", &a, oid, "s", value]);
        assert!(set.status.success(), "{}", stderr(&set));
        assert_eq!(stdout(&set), format!("{oid} = STRING: \"{value}\"\n"));
        // Net-SNMP sees what we set, and so do we.
        let theirs = net_snmp("snmpget", &["-v2c", "-c", "public", &a, oid]);
        assert_eq!(stdout(&theirs), format!("{oid} = STRING: \"{value}\"\n"));
        let ours = mibscope_numeric(&["get", "-v1", "-c", "public", &a, oid]);
        assert_eq!(stdout(&ours), stdout(&theirs));
    }
}

#[test]
fn timeouts_print_what_net_snmp_prints() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    // An unknown community gets no answer at all.
    same_as(
        "snmpget",
        &["get"],
        &[
            "-v2c",
            "-c",
            "wrong",
            "-t",
            "0.2",
            "-r",
            "1",
            &a,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    same_as(
        "snmpwalk",
        &["walk"],
        &[
            "-v2c",
            "-c",
            "wrong",
            "-t",
            "0.2",
            "-r",
            "1",
            &a,
            ".1.3.6.1.2.1.1",
        ],
    );
}

#[test]
fn ipv6_agent() {
    if missing("snmpd") {
        return;
    }
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("skipping: this host has no IPv6 loopback");
        return;
    }
    let Some(agent) = Snmpd::start_with_ipv6() else {
        return;
    };
    let port = agent.port;
    let spec = format!("udp6:[::1]:{port}");
    let ours = mibscope_numeric(&["get", "-v2c", "-c", "public", &spec, ".1.3.6.1.2.1.1.5.0"]);
    assert_eq!(
        stdout(&ours),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"interop-agent\"\n",
        "{}",
        stderr(&ours)
    );
}

/// Net-SNMP's default module list, which both tools load from this repository's mibs/
/// folder for the named-output comparison.
use common::side_by_side::NET_SNMP_DEFAULT_MIBS;

/// Default (named) output with the same MIBs equals snmpwalk's: names with indexes,
/// DISPLAY-HINT strings, enums, units, TC renderings.
#[test]
fn named_walk_equals_snmpwalk_with_the_same_mibs() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    let mibs = concat!(env!("CARGO_MANIFEST_DIR"), "/mibs");
    let args = [
        "-M",
        mibs,
        "-m",
        NET_SNMP_DEFAULT_MIBS,
        "-v2c",
        "-c",
        "public",
        &a,
        ".1",
    ];
    let theirs = || {
        let out = output_within(
            std::process::Command::new("snmpwalk").args(args),
            COMMAND_LIMIT,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).is_empty(),
            "Net-SNMP could not load the MIBs: {}",
            stderr(&out)
        );
        stdout(&out)
    };
    let before = theirs();
    let mut ours_args = vec!["walk"];
    ours_args.extend_from_slice(&args);
    let ours = mibscope(&ours_args);
    assert!(ours.status.success(), "{}", stderr(&ours));
    let after = theirs();
    let churn: &[&str] = &[
        "UDP-MIB::udp",
        "TCP-MIB::tcpConn",
        "HOST-RESOURCES-MIB::hrSWRun",
    ];
    let compared = assert_walks_agree(&stdout(&ours), &before, &after, churn);
    assert!(compared > 1000, "{compared}");
    // The output really is named and rendered by the MIB.
    let text = stdout(&ours);
    for needle in [
        "SNMPv2-MIB::sysContact.0 = STRING: original contact",
        "IF-MIB::ifAdminStatus.1 = INTEGER: up(1)",
        "IF-MIB::ifType.1 = INTEGER: softwareLoopback(24)",
    ] {
        assert!(text.contains(needle), "{needle} not in our walk");
    }
}
