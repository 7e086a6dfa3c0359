//! Net-SNMP's tool and the mibscope subcommand run with the same arguments, and their
//! outputs compared byte for byte.

#![allow(dead_code)]

use std::process::{Command, Output};

use super::{COMMAND_LIMIT, mibscope, output_within, stderr, stdout};

/// Net-SNMP's default module list (a stock build without snmp.conf).
pub const NET_SNMP_DEFAULT_MIBS: &str = "SNMPv2-MIB:IF-MIB:IP-MIB:TCP-MIB:UDP-MIB:HOST-RESOURCES-MIB:\
NOTIFICATION-LOG-MIB:DISMAN-EVENT-MIB:DISMAN-SCHEDULE-MIB:UCD-SNMP-MIB:UCD-DEMO-MIB:\
SNMP-TARGET-MIB:NET-SNMP-AGENT-MIB:HOST-RESOURCES-TYPES:SNMP-MPD-MIB:SNMP-USER-BASED-SM-MIB:\
SNMP-FRAMEWORK-MIB:SNMP-VIEW-BASED-ACM-MIB:SNMP-COMMUNITY-MIB:IPV6-ICMP-MIB:IPV6-MIB:\
IPV6-TCP-MIB:IPV6-UDP-MIB:IP-FORWARD-MIB:NET-SNMP-PASS-MIB:NET-SNMP-EXTEND-MIB:UCD-DLMOD-MIB:\
SNMP-NOTIFICATION-MIB:SNMPv2-TM:NET-SNMP-VACM-MIB";

/// This repository's mibs/, where both tools find the modules.
pub fn mib_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/mibs")
}

/// `-M mibs -m MIBS`, then `args`: both tools name OIDs from the same modules.
pub fn with_mibs<'a>(mibs: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["-M", mib_dir(), "-m", mibs];
    v.extend_from_slice(args);
    v
}

/// Runs Net-SNMP's `tool ARGS` and `mibscope SUBCOMMAND ARGS`: (theirs, ours).
pub fn both(tool: &str, subcommand: &str, args: &[&str]) -> (Output, Output) {
    let theirs = output_within(Command::new(tool).args(args), COMMAND_LIMIT);
    let mut ours = vec![subcommand];
    ours.extend_from_slice(args);
    (theirs, mibscope(&ours))
}

/// Both printed the same, byte for byte, on both streams, and exited alike.
pub fn assert_same(what: &str, (theirs, ours): &(Output, Output)) {
    assert_eq!(
        (stdout(ours), stderr(ours), ours.status.code()),
        (stdout(theirs), stderr(theirs), theirs.status.code()),
        "{what}: (ours) != (Net-SNMP's)"
    );
}
