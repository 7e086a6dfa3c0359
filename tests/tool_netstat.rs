//! `mibscope netstat` beside `snmpnetstat`: routes (`-Cr`) and interfaces (`-Ci`) of a real
//! snmpd (its loopback counters move with our own requests, so those are compared as
//! columns, not figures), and the simulated switch's interfaces byte for byte.

mod common;

use common::agent::{frozen_switch, spec};
use common::side_by_side::{assert_same, both};
use common::*;
use mibscope::agent::Faults;

fn args<'a>(agent: &'a str, options: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["-v2c", "-c", "public"];
    v.extend_from_slice(options);
    v.push(agent);
    v
}

#[test]
fn routes_and_interfaces_of_snmpd() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    if missing("snmpnetstat") {
        return;
    }
    let a = agent.agent();
    for options in [&["-Cr", "-Cn"][..], &["-Cr", "-Cn", "-v1"][..]] {
        let pair = both("snmpnetstat", "netstat", &args(&a, options));
        assert_same(&format!("netstat {options:?}"), &pair);
        assert!(stdout(&pair.1).contains("Routing tables (inetCidrRouteTable)"));
    }
    // Interfaces: the header and the name, MTU, network and address columns.
    for options in [
        &["-Ci", "-Cn"][..],
        &["-Ci", "-Cb"][..],
        &["-Ci", "-Co"][..],
        &["-Ci", "-Cd"][..],
        &["-CI", "lo"][..],
    ] {
        let (theirs, ours) = both("snmpnetstat", "netstat", &args(&a, options));
        assert_eq!(ours.status.code(), theirs.status.code());
        let columns = |s: &str| -> Vec<Vec<String>> {
            s.lines()
                .map(|l| {
                    let words: Vec<String> = l.split_whitespace().map(String::from).collect();
                    let header = words.first().is_some_and(|w| w == "Name");
                    if header {
                        words
                    } else {
                        words.into_iter().take(2).collect()
                    }
                })
                .collect()
        };
        assert_eq!(
            columns(&stdout(&ours)),
            columns(&stdout(&theirs)),
            "netstat {options:?}\nours:\n{}\ntheirs:\n{}",
            stdout(&ours),
            stdout(&theirs)
        );
        let lines = |s: &str| s.lines().map(str::len).collect::<Vec<_>>();
        assert_eq!(lines(&stdout(&ours)).len(), lines(&stdout(&theirs)).len());
    }
}

#[test]
fn interfaces_of_the_switch_byte_for_byte() {
    if missing("snmpnetstat") {
        return;
    }
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    for options in [
        &["-Ci"][..],
        &["-Ci", "-Cb", "-Cd"][..],
        &["-Ci", "-Co"][..],
        &["-CI", "Gi1/0/3"][..],
        &["-Cr", "-Cn"][..],
    ] {
        let pair = both("snmpnetstat", "netstat", &args(&target, options));
        assert_same(&format!("netstat {options:?}"), &pair);
    }
}
