//! Interop of the trap daemon and the trap sender with Net-SNMP as the real peer:
//! snmptrap and snmpinform (v1, v2c, v3 at every level, several users and engine ids)
//! into `mibscope traps`, and `mibscope trap`/`inform` into snmptrapd.

mod common;

use std::time::{Duration, Instant};

use common::traps::{
    Daemon, OTHER_ENGINE_ID, RECEIVER_ENGINE_ID, SENDER_ENGINE_ID, Snmptrapd, json_lines,
    mibscope_sender, write_config,
};
use common::{mibscope, missing, net_snmp, stderr, v3_args, v3_users};

/// TOML for every test user: keyed to the test bed's sender engine and to another one (for
/// traps), and without an engine id (for informs).
fn users_config() -> String {
    let mut toml = String::from("[[community]]\ncommunity = \"public\"\nlabel = \"public\"\n");
    for (name, _, auth, privacy) in v3_users() {
        for engine in [Some(SENDER_ENGINE_ID), Some(OTHER_ENGINE_ID), None] {
            toml.push_str(&format!("\n[[user]]\nname = \"{name}\"\n"));
            if let Some(a) = auth {
                toml.push_str(&format!(
                    "auth_protocol = \"{a}\"\nauth_passphrase = \"{name}_authpass\"\n"
                ));
            }
            if let Some(p) = privacy {
                toml.push_str(&format!(
                    "priv_protocol = \"{p}\"\npriv_passphrase = \"{name}_privpass\"\n"
                ));
            }
            if let Some(e) = engine {
                toml.push_str(&format!("engine_id = \"{e}\"\n"));
            }
        }
    }
    toml
}

const LINK_DOWN: [&str; 12] = [
    ".1.3.6.1.2.1.2.2.1.1.3",
    "i",
    "3",
    ".1.3.6.1.2.1.2.2.1.2.3",
    "s",
    "eth0",
    ".1.3.6.1.2.1.2.2.1.7.3",
    "i",
    "2",
    ".1.3.6.1.2.1.2.2.1.8.3",
    "i",
    "2",
];

/// An SNMPv1 linkDown (generic-trap 2) from enterprise netSnmpAgentOIDs.10 with
/// LINK_DOWN's varbinds, in snmptrap's arguments (which mibscope trap takes too).
fn v1_link_down(target: &str) -> Vec<String> {
    let mut args = strings(&[
        "-v1",
        "-c",
        "public",
        target,
        ".1.3.6.1.4.1.8072.3.2.10",
        "127.0.0.1",
        "2",
        "0",
        "123456",
    ]);
    args.extend(strings(&LINK_DOWN));
    args
}

/// An SNMPv1 enterprise-specific trap 1 of netSnmpNotificationPrefix with one varbind.
fn v1_enterprise_specific(target: &str, agent: &str, uptime: &str) -> Vec<String> {
    strings(&[
        "-v1",
        "-c",
        "public",
        target,
        ".1.3.6.1.4.1.8072.2.3",
        agent,
        "6",
        "1",
        uptime,
        ".1.3.6.1.4.1.8072.2.3.2.1",
        "i",
        "60",
    ])
}

fn run_ok(tool: &str, args: &[String]) -> Duration {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let out = net_snmp(tool, &args);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        stderr(&out)
    );
    started.elapsed()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(ToString::to_string).collect()
}

#[test]
fn every_net_snmp_notification_is_received_named_and_acknowledged() {
    if missing("snmptrap") || missing("snmpinform") {
        return;
    }
    let dir = common::tempdir("traps-config");
    let config = write_config(&dir, &users_config());
    let mut daemon = Daemon::start(&[
        "--config",
        config.to_str().unwrap(),
        "--receiver-engine-id",
        RECEIVER_ENGINE_ID,
        "--json",
    ]);
    let target = daemon.target();
    let mut sent = 0;
    // v1 generic (linkDown) and enterprise-specific traps.
    run_ok("snmptrap", &v1_link_down(&target));
    run_ok(
        "snmptrap",
        &v1_enterprise_specific(&target, "127.0.0.1", "123456"),
    );
    sent += 2;
    // v2c trap and inform (the inform must be acknowledged at the first try: -r 0).
    let mut v2 = strings(&[
        "-v2c",
        "-c",
        "public",
        &target,
        "654321",
        ".1.3.6.1.6.3.1.1.5.3",
    ]);
    v2.extend(strings(&LINK_DOWN));
    run_ok("snmptrap", &v2);
    let took = run_ok(
        "snmpinform",
        &strings(&[
            "-v2c",
            "-c",
            "public",
            "-t",
            "3",
            "-r",
            "0",
            &target,
            "654321",
            ".1.3.6.1.6.3.1.1.5.4",
        ]),
    );
    assert!(took < Duration::from_secs(2), "v2c inform took {took:?}");
    sent += 2;
    // v3 traps at every level, from two sender engines.
    let trap_users = [
        "noauth",
        "md5",
        "sha256",
        "sha-aes",
        "md5-des",
        "sha224-aes192",
        "sha512-aes256c",
    ];
    for (i, user) in trap_users.iter().enumerate() {
        let engine = if i % 2 == 0 {
            SENDER_ENGINE_ID
        } else {
            OTHER_ENGINE_ID
        };
        let mut args = v3_args(user);
        args.extend(strings(&[
            "-e",
            engine,
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.3",
        ]));
        args.extend(strings(&LINK_DOWN));
        run_ok("snmptrap", &args);
        sent += 1;
    }
    // v3 informs without -e: discovery, then acknowledged at once.
    let inform_users = ["noauth", "sha", "sha-aes", "sha384-aes256", "md5-aes192c"];
    for user in inform_users {
        let mut args = v3_args(user);
        args.extend(strings(&[
            "-t",
            "3",
            "-r",
            "0",
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.4",
        ]));
        let took = run_ok("snmpinform", &args);
        assert!(
            took < Duration::from_secs(2),
            "v3 inform as {user} took {took:?}"
        );
        sent += 1;
    }
    let _ = daemon.wait_for_stderr("never", Duration::from_millis(200));
    let stopped = daemon.stop();
    let got = json_lines(&stopped.stdout, "notification");
    assert_eq!(got.len(), sent, "stderr: {:?}", stopped.stderr);
    // Names from the MIBs mibscope ships, RFC 3584 for v1.
    assert_eq!(got[0]["version"], "1");
    assert_eq!(got[0]["trap_name"], "IF-MIB::linkDown");
    assert_eq!(got[0]["v1"]["generic_trap"], 2);
    let v1_names: Vec<&str> = got[0]["varbinds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert!(
        v1_names.contains(&"SNMP-COMMUNITY-MIB::snmpTrapAddress.0"),
        "{v1_names:?}"
    );
    assert!(
        v1_names.contains(&"SNMPv2-MIB::snmpTrapEnterprise.0"),
        "{v1_names:?}"
    );
    assert!(v1_names.contains(&"IF-MIB::ifDescr.3"), "{v1_names:?}");
    assert_eq!(got[1]["trap_oid"], ".1.3.6.1.4.1.8072.2.3.0.1");
    assert_eq!(got[2]["pdu"], "trap");
    assert_eq!(got[2]["uptime"], 654_321);
    assert_eq!(got[2]["security"]["community"], "public");
    let admin = got[2]["varbinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "IF-MIB::ifAdminStatus.3")
        .expect("ifAdminStatus named");
    assert_eq!(admin["enum"], "down");
    assert_eq!(got[3]["pdu"], "inform");
    for (i, user) in trap_users.iter().enumerate() {
        let n = &got[4 + i];
        assert_eq!(n["version"], "3");
        assert_eq!(n["security"]["user"], *user);
        let engine = if i % 2 == 0 {
            SENDER_ENGINE_ID
        } else {
            OTHER_ENGINE_ID
        };
        assert_eq!(n["security"]["engine_id"], engine);
        assert_eq!(n["trap_name"], "IF-MIB::linkDown");
    }
    let levels: Vec<&str> = got[4..11]
        .iter()
        .filter_map(|n| n["security"]["level"].as_str())
        .collect();
    for level in ["noAuthNoPriv", "authNoPriv", "authPriv"] {
        assert!(levels.contains(&level), "{levels:?}");
    }
    for (i, user) in inform_users.iter().enumerate() {
        let n = &got[11 + i];
        assert_eq!(n["pdu"], "inform");
        assert_eq!(n["security"]["user"], *user);
        assert_eq!(n["security"]["engine_id"], RECEIVER_ENGINE_ID);
    }
    let stats = common::traps::final_stats(&stopped.stdout);
    assert_eq!(stats["accepted"], sent as u64);
    assert_eq!(stats["dropped"], 0);
    assert_eq!(stats["acknowledged"], 1 + inform_users.len() as u64);
    // No secret in anything the daemon wrote.
    let everything = format!("{}{:?}", stopped.stdout, stopped.stderr);
    assert!(!everything.contains("_authpass") && !everything.contains("_privpass"));
}

#[test]
fn snmptrapd_receives_what_mibscope_sends() {
    if missing("snmptrapd") {
        return;
    }
    // The test bed's reference configuration: v3 users for traps from our sender engine
    // and for informs to snmptrapd's own engine.
    let mut conf = String::from(
        "exactEngineID 0x80001F880474622D7472617064\nauthCommunity log,execute,net public\n",
    );
    for user in ["sha-aes", "sha512-aes256", "md5", "noauth"] {
        let (_, _, auth, privacy) = v3_users().into_iter().find(|u| u.0 == user).unwrap();
        let mut secrets = String::new();
        if let Some(a) = auth {
            secrets.push_str(&format!(" {a} {user}_authpass"));
        }
        if let Some(p) = privacy {
            secrets.push_str(&format!(" {p} {user}_privpass"));
        }
        conf.push_str(&format!(
            "createUser -e {SENDER_ENGINE_ID} {user}{secrets}\n"
        ));
        conf.push_str(&format!("createUser {user}{secrets}\n"));
        conf.push_str(&format!("authUser log,execute,net {user} noauth\n"));
    }
    let trapd = Snmptrapd::start(&conf);
    let target = trapd.target();
    let state_home = common::tempdir("sender-state");
    let send = |sub: &str, args: &[String]| {
        let mut full = vec![sub, "-m", ""];
        full.extend(args.iter().map(String::as_str));
        let out = mibscope_sender(&state_home, &full);
        assert!(out.status.success(), "mibscope {full:?}: {}", stderr(&out));
    };
    send("trap", &v1_link_down(&target));
    // An empty AGENT-ADDR and UPTIME: our own address and uptime.
    send("trap", &v1_enterprise_specific(&target, "", ""));
    let mut v2 = strings(&[
        "-v",
        "2c",
        "-c",
        "public",
        &target,
        "654321",
        ".1.3.6.1.6.3.1.1.5.3",
    ]);
    v2.extend(strings(&LINK_DOWN));
    send("trap", &v2);
    send(
        "inform",
        &strings(&[
            "-v",
            "2c",
            "-c",
            "public",
            "-r",
            "0",
            &target,
            "654321",
            ".1.3.6.1.6.3.1.1.5.4",
        ]),
    );
    for user in ["sha-aes", "md5", "noauth"] {
        let mut args = v3_args(user);
        args.extend(strings(&[
            "-e",
            SENDER_ENGINE_ID,
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.3",
        ]));
        args.extend(strings(&LINK_DOWN));
        send("trap", &args);
    }
    for user in ["sha512-aes256", "sha-aes"] {
        let mut args = v3_args(user);
        args.extend(strings(&["-r", "1", &target, "", ".1.3.6.1.6.3.1.1.5.4"]));
        send("inform", &args);
    }
    let lines = trapd.wait_for_lines(9, Duration::from_secs(10));
    assert_eq!(lines.len(), 9, "{lines:#?}");
    assert!(lines[0].contains("TRAP, SNMP v1, community public enterprise=.1.3.6.1.4.1.8072.3.2.10 agent=127.0.0.1 generic=2 specific=0"), "{}", lines[0]);
    assert!(
        lines[0].contains(".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"eth0\""),
        "{}",
        lines[0]
    );
    // snmptrapd -On prints an enterprise-specific trap number as ".1", snmptrap's too.
    assert!(
        lines[1].contains("enterprise=.1.3.6.1.4.1.8072.2.3 agent=127.0.0.1 generic=6 specific=.1 vars:.1.3.6.1.4.1.8072.2.3.2.1 = INTEGER: 60"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("TRAP2, SNMP v2c, community public vars:.1.3.6.1.2.1.1.3.0 = Timeticks: (654321) 1:49:03.21| .1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3"), "{}", lines[2]);
    assert!(lines[3].contains("INFORM, SNMP v2c"), "{}", lines[3]);
    for (line, user) in lines[4..7].iter().zip(["sha-aes", "md5", "noauth"]) {
        assert!(
            line.contains(&format!("TRAP2, SNMP v3, user {user}")),
            "{line}"
        );
        assert!(line.contains("OID: .1.3.6.1.6.3.1.1.5.3"), "{line}");
    }
    for (line, user) in lines[7..9].iter().zip(["sha512-aes256", "sha-aes"]) {
        assert!(
            line.contains(&format!("INFORM, SNMP v3, user {user}")),
            "{line}"
        );
    }
    // An inform nobody acknowledges fails with the timeout, exit 1.
    let out = mibscope(&[
        "inform",
        "-v",
        "2c",
        "-c",
        "public",
        "-t",
        "0.2",
        "-r",
        "1",
        &format!("udp:127.0.0.1:{}", common::free_udp_port()),
        "1",
        ".1.3.6.1.6.3.1.1.5.4",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Timeout: No Response"),
        "{}",
        stderr(&out)
    );
}
