//! mibscope's scripted commands beside Net-SNMP 5.9.3's on the same agent, for what the
//! value-printing comparisons do not cover: bad input (issue 10 item 3), error lines and
//! the `-m ''` names (item 6), options as Net-SNMP takes them (item 2). Each test runs both
//! tools with the same arguments and compares output and exit status, or, where mibscope
//! knowingly refuses what Net-SNMP reinterprets, says so.

mod common;

use std::process::Command;

use common::side_by_side::{assert_same, both, mib_dir, with_mibs};
use common::*;

/// The modules both tools load from this repository's mibs/ for named output.
const MIBS: &str = "SNMPv2-MIB:IF-MIB";

/// With the named-output MIBs: `-M mibs -m MIBS`, then `args`.
fn named<'a>(args: &[&'a str]) -> Vec<&'a str> {
    with_mibs(MIBS, args)
}

#[test]
fn oids_ber_cannot_carry_are_refused() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    // Net-SNMP cannot build .3.1 either.
    let (theirs, ours) = both("snmpget", "get", &["-v2c", "-c", "public", &a, ".3.1"]);
    assert_eq!(theirs.status.code(), Some(1), "{}", stderr(&theirs));
    assert_eq!(ours.status.code(), Some(1));
    assert!(stdout(&ours).is_empty());
    assert!(
        stderr(&ours).contains(".3.1: an OID starts with 0 (itu-t), 1 (iso) or 2"),
        "{}",
        stderr(&ours)
    );
    // .1.40 Net-SNMP sends as .2.0 and prints the answer about .2.0; mibscope refuses it.
    let (theirs, ours) = both(
        "snmpget",
        "get",
        &["-v2c", "-c", "public", "-m", "", &a, ".1.40"],
    );
    assert_eq!(theirs.status.code(), Some(0));
    assert!(
        stdout(&theirs).starts_with("joint-iso-ccitt.0 ="),
        "{}",
        stdout(&theirs)
    );
    assert_eq!(ours.status.code(), Some(1));
    assert!(stdout(&ours).is_empty());
    assert!(
        stderr(&ours).contains("under 1 (iso) the second arc is 0..39; this OID has 40"),
        "{}",
        stderr(&ours)
    );
    // As a set value: both refuse.
    let (theirs, ours) = both(
        "snmpset",
        "set",
        &[
            "-v2c",
            "-c",
            "private",
            "-m",
            "",
            &a,
            ".1.3.6.1.2.1.1.4.0",
            "o",
            ".3.1",
        ],
    );
    assert_eq!(theirs.status.code(), Some(1));
    assert_eq!(ours.status.code(), Some(1));
    assert!(stderr(&ours).contains("starts with 3"), "{}", stderr(&ours));
    // In translate: snmptranslate prints .3.1 back; mibscope says why it is no OID.
    let (theirs, ours) = both("snmptranslate", "translate", &["-On", ".3.1"]);
    assert_eq!(stdout(&theirs), ".3.1\n");
    assert_eq!(ours.status.code(), Some(1));
    assert!(stderr(&ours).contains("starts with 3"), "{}", stderr(&ours));
    // The agent never saw a wrong OID: sysContact is as it was.
    let (theirs, ours) = both(
        "snmpget",
        "get",
        &[
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            "-On",
            &a,
            ".1.3.6.1.2.1.1.4.0",
        ],
    );
    assert_same("sysContact after the refused sets", &(theirs, ours));
}

#[test]
fn out_of_range_numbers_and_long_arguments() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    for args in [
        &[
            "-v2c",
            "-c",
            "public",
            "-Cr2147483648",
            &a,
            ".1.3.6.1.2.1.1",
        ][..],
        &[
            "-v2c",
            "-c",
            "public",
            "-Cn2147483648",
            &a,
            ".1.3.6.1.2.1.1",
        ][..],
    ] {
        let (theirs, ours) = both("snmpbulkget", "bulkget", args);
        assert_eq!(
            stderr(&theirs),
            "snmpbulkget: Bad value for max-repetitions\n".replace(
                "max-repetitions",
                if args[3].starts_with("-Cn") {
                    "non-repeaters"
                } else {
                    "max-repetitions"
                }
            )
        );
        assert_eq!(ours.status.code(), theirs.status.code());
        assert!(
            stderr(&ours).contains("must be 0..2147483647"),
            "{}",
            stderr(&ours)
        );
    }
    // -t: both refuse 0 and negatives; mibscope says what it takes.
    for t in ["0", "-1", "86400"] {
        let (theirs, ours) = both(
            "snmpget",
            "get",
            &["-v2c", "-c", "public", "-t", t, &a, ".1.3.6.1.2.1.1.5.0"],
        );
        if t != "86400" {
            assert_eq!(theirs.status.code(), Some(1), "-t {t}");
            assert!(stderr(&theirs).starts_with("Invalid timeout in seconds after -t flag."));
        }
        assert_eq!(ours.status.code(), Some(1), "-t {t}");
        assert!(
            stderr(&ours).contains("more than 0 and less than 86400"),
            "-t {t}: {}",
            stderr(&ours)
        );
    }
    // A 3,000-character bad OID: Net-SNMP echoes it all, mibscope a short part.
    let long = format!(".1.3.{}x", "6".repeat(3000));
    let (theirs, ours) = both("snmpget", "get", &["-v2c", "-c", "public", &a, &long]);
    assert_eq!(ours.status.code(), theirs.status.code());
    assert!(stderr(&theirs).len() > 3000);
    assert!(stderr(&ours).len() < 400, "{}", stderr(&ours));
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    // Enough output that the reader is gone before the writer is done.
    let pipe = |command: String| {
        output_within(
            Command::new("bash").args([
                "-c",
                &format!("{command} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"),
            ]),
            COMMAND_LIMIT,
        )
    };
    let theirs = pipe(format!("snmpbulkwalk -v2c -c public -Cr50 {a} .1"));
    let ours = pipe(format!("{MIBSCOPE} bulkwalk -v2c -c public -Cr50 {a} .1"));
    assert_eq!(stdout(&theirs), "141\n");
    assert_eq!(stderr(&theirs), "");
    assert_eq!(stdout(&ours), "141\n");
    assert_eq!(stderr(&ours), "");
}

#[test]
fn failed_object_is_named_like_the_value_lines() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    for (tool, sub, args) in [
        (
            "snmpset",
            "set",
            vec!["-v2c", "-c", "private", &a, "sysDescr.0", "s", "x"],
        ),
        (
            "snmpset",
            "set",
            vec!["-v1", "-c", "private", &a, "sysDescr.0", "s", "x"],
        ),
        (
            "snmpset",
            "set",
            vec!["-v1", "-c", "private", "-On", &a, "sysDescr.0", "s", "x"],
        ),
        (
            "snmpset",
            "set",
            vec!["-v1", "-c", "private", "-Of", &a, "sysDescr.0", "s", "x"],
        ),
        (
            "snmpget",
            "get",
            vec!["-v1", "-c", "public", &a, "sysDescr.0", "sysDescr.1"],
        ),
        (
            "snmpget",
            "get",
            vec!["-v1", "-c", "public", "-Cf", &a, "sysDescr.0", "sysDescr.1"],
        ),
        (
            "snmpget",
            "get",
            vec!["-v1", "-c", "public", "-Os", &a, "ifIndex.1", "ifIndex.99"],
        ),
        (
            "snmpgetnext",
            "getnext",
            vec!["-v1", "-c", "public", &a, ".1.3.6.1.6.3.999"],
        ),
        (
            "snmpgetnext",
            "getnext",
            vec!["-v1", "-c", "public", "-OX", &a, ".1.3.6.1.6.3.999"],
        ),
    ] {
        let pair = both(tool, sub, &named(&args));
        assert_same(&format!("{tool} {args:?}"), &pair);
        assert!(
            stderr(&pair.1).contains("Failed object: "),
            "{}",
            stderr(&pair.1)
        );
    }
    // Without MIBs, names are the roots', as Net-SNMP prints them.
    let pair = both(
        "snmpget",
        "get",
        &[
            "-v1",
            "-c",
            "public",
            "-m",
            "",
            &a,
            ".1.3.6.1.2.1.1.1.0",
            ".1.3.6.1.2.1.1.1.1",
        ],
    );
    assert_same("get -v1 -m ''", &pair);
    assert!(stderr(&pair.1).contains("Failed object: iso.3.6.1.2.1.1.1.1\n"));
}

#[test]
fn no_mibs_prints_the_roots_like_net_snmp() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    let a = agent.agent();
    for style in [
        "", "-Of", "-Os", "-OS", "-Ou", "-On", "-OX", "-Ob", "-Oq", "-Ov",
    ] {
        let mut args = vec!["-v2c", "-c", "public", "-m", ""];
        if !style.is_empty() {
            args.push(style);
        }
        args.extend_from_slice(&[
            &a,
            ".1.3.6.1.2.1.1.5.0",
            ".1.3.6.1.2.1.1.2.0",
            ".0.0.1",
            ".2.5",
        ]);
        let pair = both("snmpget", "get", &args);
        assert_same(&format!("get -m '' {style}"), &pair);
    }
    let pair = both(
        "snmpwalk",
        "walk",
        &["-v2c", "-c", "public", "-m", "", &a, ".1.3.6.1.2.1.1.9.1.2"],
    );
    assert_same("walk -m '' sysORID", &pair);
    assert!(stdout(&pair.1).starts_with("iso.3.6.1.2.1.1.9.1.2.1 = OID: iso.3.6.1."));
}

#[test]
fn oid_not_increasing_is_reported_like_snmpwalk() {
    use common::agent::{frozen_switch, spec};
    use mibscope::agent::Faults;
    use mibscope::agent::faults::NonIncreasing;
    if missing("snmpwalk") {
        return;
    }
    let agent = frozen_switch(Faults {
        non_increasing: Some(NonIncreasing {
            from: ".1.3.6.1.2.1.2.2.1.2.10105".parse().unwrap(),
            back_to: None,
        }),
        ..Faults::default()
    });
    let target = spec(agent.local_addr());
    for style in ["-OS", "-On", "-Of"] {
        let pair = both(
            "snmpwalk",
            "walk",
            &named(&["-v2c", "-c", "public", style, &target, "ifDescr"]),
        );
        assert_same(&format!("walk {style}"), &pair);
        assert!(stderr(&pair.1).starts_with("Error: OID not increasing: "));
    }
    // snmpbulkwalk prints every later varbind of the same response with its own error;
    // mibscope stops at the first, with the same lines up to there.
    let (theirs, ours) = both(
        "snmpbulkwalk",
        "bulkwalk",
        &named(&["-v2c", "-c", "public", &target, "ifDescr"]),
    );
    assert_eq!(ours.status.code(), theirs.status.code());
    assert!(stdout(&theirs).starts_with(&stdout(&ours)));
    let first_error = |s: &str| s.split_inclusive("\n\n").next().unwrap_or("").to_string();
    assert_eq!(stderr(&ours), first_error(&stderr(&theirs)));
    assert_eq!(
        stderr(&ours),
        "Error: OID not increasing: IF-MIB::ifDescr.10104\n >= IF-MIB::ifDescr.10104\n\n"
    );
}

#[test]
fn help_texts_are_complete() {
    // Words, whatever the terminal width did to the lines.
    let help = |sub: &str| {
        stdout(&mibscope(&[sub, "--help"]))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let bulkget = help("bulkget");
    assert!(
        bulkget.contains("<OID>...") && bulkget.contains("non-repeaters are fetched once"),
        "{bulkget}"
    );
    for sub in ["get", "walk", "bulkwalk", "set", "bulkget", "getnext"] {
        let text = help(sub);
        assert!(
            text.contains("u (UCD style)"),
            "{sub}: -O u missing\n{text}"
        );
    }
    let walk = help("walk");
    assert!(
        !walk.contains("max-repetitions") && !walk.contains("n<NUM>"),
        "{walk}"
    );
    let bulkwalk = help("bulkwalk");
    assert!(bulkwalk.contains("r<NUM> (max-repetitions"), "{bulkwalk}");
}

#[test]
fn options_as_net_snmp_takes_them() {
    let Some(agent) = Snmpd::start(&v3_user_config()) else {
        return;
    };
    let a = agent.agent();
    let if_mib = concat!(env!("CARGO_MANIFEST_DIR"), "/mibs/IF-MIB.txt");
    let bracketed = format!("[127.0.0.1]:{}", agent.port);
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        // A repeated option: the last value wins.
        (
            "snmpget",
            "get",
            named(&["-v1", "-v2c", "-c", "x", "-c", "public", &a, "sysName.0"]),
        ),
        // A value starting with '-'.
        (
            "snmpset",
            "set",
            named(&["-v2c", "-c", "private", &a, "sysContact.0", "s", "-x"]),
        ),
        // An enum label, and '=' (the type from the MIB).
        (
            "snmpset",
            "set",
            named(&[
                "-v2c",
                "-c",
                "private",
                &a,
                "snmpEnableAuthenTraps.0",
                "i",
                "enabled",
            ]),
        ),
        (
            "snmpset",
            "set",
            named(&["-v2c", "-c", "private", &a, "sysLocation.0", "=", "rack 7"]),
        ),
        (
            "snmpset",
            "set",
            named(&[
                "-v2c",
                "-c",
                "private",
                &a,
                "snmpEnableAuthenTraps.0",
                "=",
                "disabled",
            ]),
        ),
        // -m with a file path.
        (
            "snmpget",
            "get",
            vec![
                "-v2c",
                "-c",
                "public",
                "-M",
                mib_dir(),
                "-m",
                if_mib,
                &a,
                "ifDescr.1",
            ],
        ),
        // An IPv4 address in brackets.
        (
            "snmpget",
            "get",
            named(&["-v2c", "-c", "public", &bracketed, "sysName.0"]),
        ),
        // -A (without -v) selects SNMPv3.
        (
            "snmpget",
            "get",
            named(&[
                "-u",
                "sha",
                "-l",
                "authNoPriv",
                "-a",
                "SHA",
                "-A",
                "sha_authpass",
                &a,
                "sysName.0",
            ]),
        ),
    ];
    for (tool, sub, args) in &cases {
        let pair = both(tool, sub, args);
        assert_same(&format!("{sub} {args:?}"), &pair);
        assert!(
            pair.1.status.success(),
            "{sub} {args:?}: {}",
            stderr(&pair.1)
        );
    }
    // snmp.conf's mibs and mibdirs lines, read by both.
    let conf = tempdir("snmpconf");
    std::fs::write(
        conf.join("snmp.conf"),
        format!("mibdirs {}\nmibs IF-MIB\n", mib_dir()),
    )
    .unwrap();
    let run = |program: &str, args: &[&str]| {
        output_within(
            Command::new(program)
                .args(args)
                .env("SNMPCONFPATH", &conf)
                .env("MIBSCOPE_CACHE_DIR", conf.join("cache")),
            COMMAND_LIMIT,
        )
    };
    let theirs = run("snmpget", &["-v2c", "-c", "public", &a, "ifDescr.1"]);
    let ours = run(MIBSCOPE, &["get", "-v2c", "-c", "public", &a, "ifDescr.1"]);
    assert_same("snmp.conf mibs/mibdirs", &(theirs, ours));
    // Restore what the sets changed.
    let _ = mibscope(&[
        "set",
        "-v2c",
        "-c",
        "private",
        &a,
        "sysContact.0",
        "s",
        "original contact",
        "sysLocation.0",
        "s",
        "original location",
    ]);
}
