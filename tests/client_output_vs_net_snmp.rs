//! mibscope's printed values against Net-SNMP's, on the simulated agent. The ignored tests
//! are client-side bugs found while testing the agent (src/output/text.rs); remove the
//! `ignore` once they are fixed.

mod common;

use common::agent::{frozen_switch, have_tool, mibscope, net_snmp, run, spec};
use mibscope::agent::Faults;

/// `mibscope get` and `snmpget -On` of the same OIDs, with the same extra options.
fn both(target: &str, options: &[&str], oids: &[&str]) -> (String, String) {
    let mut ours = vec!["get", "-m", "", "-On", "-v2c", "-c", "public"];
    ours.extend_from_slice(options);
    ours.push(target);
    ours.extend_from_slice(oids);
    let mut theirs = vec!["-v2c", "-c", "public"];
    theirs.extend_from_slice(options);
    theirs.push(target);
    theirs.extend_from_slice(oids);
    (
        run(mibscope(), &ours).stdout,
        net_snmp("snmpget", &theirs).stdout,
    )
}

#[test]
fn every_type_of_the_switch_prints_as_snmpget_prints_it() {
    if !have_tool("snmpget") {
        return;
    }
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    // STRING (multi-line), OID, INTEGER, Gauge32, Hex-STRING, "", Counter32, Counter64,
    // IpAddress, Timeticks.
    let oids = [
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.2.0",
        ".1.3.6.1.2.1.2.2.1.3.10101",
        ".1.3.6.1.2.1.2.2.1.5.10101",
        ".1.3.6.1.2.1.2.2.1.6.10101",
        ".1.3.6.1.2.1.2.2.1.6.14501",
        ".1.3.6.1.2.1.2.2.1.10.10101",
        ".1.3.6.1.2.1.31.1.1.1.6.10101",
        ".1.3.6.1.2.1.4.20.1.3.10.20.10.11",
        ".1.3.6.1.2.1.2.2.1.9.10101",
        ".1.3.6.1.2.1.1.99.0",
        ".1.3.6.1.2.1.1.5",
    ];
    let (ours, theirs) = both(&target, &[], &oids);
    assert_eq!(ours, theirs);
}

#[test]
fn quotes_and_backslashes_in_strings_are_escaped_like_net_snmp() {
    if !have_tool("snmpget") || !have_tool("snmpset") {
        return;
    }
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    let set = run(
        "snmpset",
        &[
            "-m",
            "",
            "-v2c",
            "-c",
            "private",
            &target,
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "Ops \"night\" \\ shift",
        ],
    );
    assert_eq!(set.status, Some(0), "{}", set.stderr);
    let (ours, theirs) = both(&target, &[], &[".1.3.6.1.2.1.1.4.0"]);
    assert_eq!(
        theirs,
        ".1.3.6.1.2.1.1.4.0 = STRING: \"Ops \\\"night\\\" \\\\ shift\"\n"
    );
    assert_eq!(ours, theirs);
}

#[test]
fn raw_timeticks_with_dash_ot_like_net_snmp() {
    if !have_tool("snmpget") {
        return;
    }
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    // ifLastChange does not move, unlike sysUpTime.
    let (ours, theirs) = both(&target, &["-Ot"], &[".1.3.6.1.2.1.2.2.1.9.10101"]);
    assert_eq!(theirs, ".1.3.6.1.2.1.2.2.1.9.10101 = 4447\n");
    assert_eq!(ours, theirs);
}
