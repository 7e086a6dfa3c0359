//! `mibscope table` beside `snmptable`, with the same MIBs and options: on a real snmpd
//! (tables whose values hold still between two runs), and on the simulated switch with
//! frozen counters (57 interfaces, wide and long tables, every layout option).

mod common;

use common::agent::{frozen_switch, spec};
use common::side_by_side::{assert_same, both, with_mibs};
use common::*;
use mibscope::agent::Faults;

const MIBS: &str = "SNMPv2-MIB:IF-MIB:IP-MIB:HOST-RESOURCES-MIB:SNMP-FRAMEWORK-MIB";

fn compare(agent: &str, options: &[&str], table: &str) {
    let mut args = vec!["-v2c", "-c", "public"];
    args.extend_from_slice(options);
    args.extend_from_slice(&[agent, table]);
    let args = with_mibs(MIBS, &args);
    let pair = both("snmptable", "table", &args);
    assert_same(&format!("table {options:?} {table}"), &pair);
}

#[test]
fn tables_of_snmpd_print_as_snmptable_prints_them() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    if missing("snmptable") {
        return;
    }
    let a = agent.agent();
    for (options, table) in [
        (&[][..], "sysORTable"),
        (&["-Ci"][..], "ipAddrTable"),
        (&["-Ci", "-Os"][..], "ipAddrTable"),
        (&["-Ci", "-OX"][..], "ipAddrTable"),
        (&["-Ci", "-Of"][..], "ipAddrTable"),
        (&["-Cb", "-Cf", ","][..], "ipAddrTable"),
        (&["-CB", "-Ci"][..], "sysORTable"),
        (&["-v1"][..], "sysORTable"),
        // No entries, headers only, not a table, numeric labels.
        (&[][..], "ifStackTable"),
        (&["-Ch"][..], "sysORTable"),
        (&[][..], "sysDescr"),
        (&["-On"][..], "sysORTable"),
    ] {
        compare(&a, options, table);
    }
    // Without MIBs snmptable cannot know the columns either.
    let pair = both(
        "snmptable",
        "table",
        &["-v2c", "-c", "public", "-m", "", &a, ".1.3.6.1.2.1.1.9"],
    );
    assert_same("table -m ''", &pair);
    assert!(stderr(&pair.1).starts_with("Was that a table? iso.3.6.1.2.1.1.9"));
    // No answer.
    let pair = both(
        "snmptable",
        "table",
        &with_mibs(
            MIBS,
            &[
                "-v2c",
                "-c",
                "wrong",
                "-t",
                "0.2",
                "-r",
                "0",
                &a,
                "sysORTable",
            ],
        ),
    );
    assert_same("table, wrong community", &pair);
}

#[test]
fn every_layout_option_on_a_57_port_switch() {
    if missing("snmptable") {
        return;
    }
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    for (options, table) in [
        (&[][..], "ifTable"),
        (&["-Ci"][..], "ifTable"),
        (&["-Cb"][..], "ifXTable"),
        (&["-Cl", "-Ci"][..], "ifXTable"),
        (&["-CH"][..], "ifTable"),
        (&["-Ch"][..], "ifTable"),
        (&["-Cw", "100"][..], "ifTable"),
        (&["-Cw", "100", "-Ci", "-Cb"][..], "ifXTable"),
        (&["-Cc", "14"][..], "ifTable"),
        (&["-Cc", "10", "-Cw", "60", "-Ci"][..], "ifTable"),
        (&["-Cf", " | "][..], "ifTable"),
        (&["-Cf", ";", "-Ci", "-CH"][..], "ifXTable"),
        (&["-Cr", "3"][..], "ifTable"),
        (&["-CB"][..], "ifTable"),
        (&["-CB", "-Cr", "7", "-Ci"][..], "ifXTable"),
        (&["-v1"][..], "ifTable"),
        (&["-Os", "-Ci"][..], "ipAddrTable"),
        (&["-Ox"][..], "ifTable"),
        (&["-Oe", "-OU"][..], "ifTable"),
        (&["-Oq"][..], "ifTable"),
    ] {
        compare(&target, options, table);
    }
}

#[test]
fn json_rows_carry_index_and_typed_cells() {
    let agent = frozen_switch(Faults::default());
    let target = spec(agent.local_addr());
    let out = mibscope(&[
        "table", "--json", "-v2c", "-c", "public", &target, "ifTable",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 57);
    let first = &rows[0];
    assert_eq!(first["table"], "IF-MIB::ifTable");
    assert_eq!(first["index"], "1");
    assert_eq!(first["columns"]["ifIndex"]["value"], 1);
    assert_eq!(first["columns"]["ifDescr"]["type"], "STRING");
    assert_eq!(first["columns"]["ifOperStatus"]["enum"], "down");
    assert_eq!(first["columns"]["ifOperStatus"]["value"], 2);
}
