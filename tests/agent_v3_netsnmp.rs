//! Net-SNMP's snmpget and snmpbulkwalk over SNMPv3 against the simulated agent with the
//! shared test bed's 45 users: every user's Get and a handful of whole-tree walks must see
//! what v2c sees; each wrong credential must make snmpget print its own error; a walk must
//! survive the agent restarting under it (snmpEngineBoots grows, Net-SNMP re-synchronises).

mod common;

use std::time::Instant;

use common::agent::{Ran, frozen_switch_with, have_tool, net_snmp, printed, spec};
use mibscope::agent::faults::RestartSchedule;
use mibscope::agent::v3::{V3User, testbed_users};
use mibscope::agent::{Agent, AgentConfig, Faults, Snapshot, StoreOptions, UsmConfig};
use mibscope::proto::{Oid, Value};

/// Command line words.
fn words(line: &str) -> Vec<String> {
    line.split(' ').map(str::to_string).collect()
}

/// Net-SNMP's `-v3 -u -l -a -A -x -X` for a test bed user (pass phrase rule of its README).
fn v3_args(user: &V3User) -> Vec<String> {
    let name = user.name().to_string();
    let c = &user.credentials;
    let mut args = vec![
        "-v3".to_string(),
        "-u".into(),
        name.clone(),
        "-l".into(),
        c.max_level().name().into(),
    ];
    if let Some(auth) = c.auth_protocol() {
        args.extend(["-a".into(), auth.name().into(), "-A".into()]);
        args.push(format!("{name}_authpass"));
    }
    if let Some(privacy) = c.privacy_protocol() {
        args.extend(["-x".into(), privacy.name().into(), "-X".into()]);
        args.push(format!("{name}_privpass"));
    }
    args
}

fn user(name: &str) -> V3User {
    testbed_users()
        .into_iter()
        .find(|u| u.name().to_string() == name)
        .unwrap_or_else(|| panic!("no test bed user {name}"))
}

fn v3_config(faults: Faults) -> AgentConfig {
    AgentConfig {
        usm: Some(UsmConfig::testbed()),
        faults,
        seed: 20_260_602,
        ..AgentConfig::default()
    }
}

/// The same agent, not started: to ask which objects move with time.
fn twin(config: AgentConfig) -> Agent {
    let frozen = StoreOptions {
        rates: false,
        ..StoreOptions::default()
    };
    Agent::from_snapshot(
        &Snapshot::embedded_switch(),
        &frozen,
        config,
        Instant::now(),
    )
}

/// `tool` with `args` then `target` and `oids`, 2 s timeout, 1 retry.
fn ask(tool: &str, args: &[String], target: &str, oids: &[&str]) -> Ran {
    let mut all: Vec<&str> = vec!["-t", "2", "-r", "1"];
    all.extend(args.iter().map(String::as_str));
    all.push(target);
    all.extend_from_slice(oids);
    net_snmp(tool, &all)
}

/// Same objects in the same order; equal values except where `moving` says the value
/// moves with time or traffic (then the same type).
fn assert_same(
    got: &[(Oid, Value)],
    want: &[(Oid, Value)],
    moving: &dyn Fn(&Oid) -> bool,
    what: &str,
) {
    for (i, ((oid, value), (want_oid, want_value))) in got.iter().zip(want).enumerate() {
        assert_eq!(oid, want_oid, "{what}: object {i}");
        if moving(oid) {
            assert_eq!(value.kind(), want_value.kind(), "{what}: {oid}");
        } else {
            assert_eq!(value, want_value, "{what}: {oid}");
        }
    }
    assert_eq!(got.len(), want.len(), "{what}: number of objects");
}

const GET_OIDS: [&str; 5] = [
    ".1.3.6.1.2.1.1.5.0",
    ".1.3.6.1.2.1.1.1.0",
    ".1.3.6.1.2.1.2.2.1.2.10101",
    ".1.3.6.1.2.1.31.1.1.1.6.10101",
    ".1.3.6.1.6.3.10.2.1.1.0",
];

#[test]
fn snmpget_v3_with_every_test_bed_user_sees_what_v2c_sees() {
    if !have_tool("snmpget") {
        return;
    }
    let agent = frozen_switch_with(v3_config(Faults::default()));
    let target = spec(agent.local_addr());
    let v2c = ask(
        "snmpget",
        &["-v2c".into(), "-c".into(), "public".into()],
        &target,
        &GET_OIDS,
    );
    assert_eq!(v2c.status, Some(0), "{}", v2c.stderr);
    let want = printed(&v2c.stdout, "snmpget -v2c");
    assert_eq!(want.len(), GET_OIDS.len());
    let mut users = 0;
    for u in testbed_users() {
        let ran = ask("snmpget", &v3_args(&u), &target, &GET_OIDS);
        let what = format!("snmpget -v3 -u {}", u.name());
        assert_eq!(ran.status, Some(0), "{what}: {}", ran.stderr);
        assert_same(&printed(&ran.stdout, &what), &want, &|_| false, &what);
        users += 1;
    }
    assert_eq!(users, 45);
    eprintln!(
        "snmpget -v3: 45 users, {} objects each, equal to v2c",
        GET_OIDS.len()
    );
}

#[test]
fn snmpbulkwalk_v3_of_the_whole_tree_equals_v2c() {
    if !have_tool("snmpbulkwalk") {
        return;
    }
    let config = v3_config(Faults::default());
    let store_twin = twin(config.clone());
    let agent = frozen_switch_with(config);
    let target = spec(agent.local_addr());
    let walk = |args: &[String]| {
        let mut all = args.to_vec();
        all.push("-Cr25".into());
        let ran = ask("snmpbulkwalk", &all, &target, &[".1"]);
        assert_eq!(ran.status, Some(0), "{args:?}: {}", ran.stderr);
        ran
    };
    let want = printed(
        &walk(&["-v2c".into(), "-c".into(), "public".into()]).stdout,
        "snmpbulkwalk -v2c",
    );
    // The snapshot plus the engine's 15 objects.
    assert_eq!(want.len(), Snapshot::embedded_switch().objects.len() + 15);
    let moving = |oid: &Oid| store_twin.store().is_dynamic(oid);
    for name in [
        "md5-des",
        "sha-aes",
        "sha256-aes192",
        "sha512-aes256",
        "sha-aes256c",
        "sha224-aes192c",
    ] {
        let what = format!("snmpbulkwalk -v3 -u {name}");
        let ran = walk(&v3_args(&user(name)));
        assert_same(&printed(&ran.stdout, &what), &want, &moving, &what);
        eprintln!("{what}: {} objects equal to v2c", want.len());
    }
}

/// Runs snmpget as `args` and returns what it printed to stderr (its error), after checking
/// it failed.
fn failing_get(target: &str, args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let mut all = vec!["-r".to_string(), "0".into()];
    all.extend(args);
    let ran = ask("snmpget", &all, target, &[".1.3.6.1.2.1.1.5.0"]);
    assert_eq!(ran.status, Some(1), "{all:?}: {}", ran.stdout);
    assert!(ran.stdout.is_empty(), "{all:?}: {}", ran.stdout);
    ran.stderr
}

#[test]
fn wrong_credentials_each_make_snmpget_print_its_error() {
    if !have_tool("snmpget") {
        return;
    }
    let agent = frozen_switch_with(v3_config(Faults::default()));
    let target = spec(agent.local_addr());
    let base = |auth: &str, privacy: &str, x: &str| {
        vec![
            "-v3", "-u", "sha-aes", "-l", "authPriv", "-a", "SHA", "-A", auth, "-x", x, "-X",
            privacy,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let as_strs = |v: &Vec<String>| v.iter().map(String::as_str).collect::<Vec<_>>().join(" ");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            base("wrong-passphrase", "sha-aes_privpass", "AES"),
            "snmpget: Authentication failure (incorrect password, community or key)\n",
        ),
        // Net-SNMP's snmpd says nothing here (a timeout); ours sends the Report.
        (
            base("sha-aes_authpass", "wrong-passphrase", "AES"),
            "snmpget: Decryption error\n",
        ),
        (
            words("-v3 -u nobody-here -l authNoPriv -a SHA -A some-passphrase"),
            "snmpget: Unknown user name\n",
        ),
        (
            words("-v3 -u md5 -l authPriv -a MD5 -A md5_authpass -x DES -X md5_authpass"),
            "snmpget: Unsupported security level\n",
        ),
        // Blumenthal AES-192 against a user configured for Reeder AES-192-C.
        (
            words(
                "-v3 -u sha-aes192c -l authPriv -a SHA -A sha-aes192c_authpass -x AES-192 -X sha-aes192c_privpass",
            ),
            "snmpget: Decryption error\n",
        ),
        (
            words(
                "-v3 -u sha-aes -l authPriv -a SHA -A sha-aes_authpass -x AES -X sha-aes_privpass -n vlan-7",
            ),
            "snmpget: Bad context specified\n",
        ),
    ];
    for (args, want) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = failing_get(&target, &args);
        assert_eq!(
            stderr,
            *want,
            "{}",
            as_strs(&args.iter().map(ToString::to_string).collect())
        );
    }
    // Below the user's own level: an answer with authorizationError, exit status 2.
    let ran = ask(
        "snmpget",
        &v3_args(&user("sha-aes"))
            .into_iter()
            .take(9)
            .map(|a| {
                if a == "authPriv" {
                    "authNoPriv".into()
                } else {
                    a
                }
            })
            .collect::<Vec<_>>(),
        &target,
        &[".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(ran.status, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("Reason: authorizationError (access denied to that object)"),
        "{}",
        ran.stderr
    );
    // The agent counted each failure where a manager can read it (usmStats).
    let stats = ask(
        "snmpget",
        &v3_args(&user("sha512-aes256")),
        &target,
        &[
            ".1.3.6.1.6.3.15.1.1.1.0",
            ".1.3.6.1.6.3.15.1.1.3.0",
            ".1.3.6.1.6.3.15.1.1.5.0",
            ".1.3.6.1.6.3.15.1.1.6.0",
            ".1.3.6.1.6.3.12.1.5.0",
        ],
    );
    assert_eq!(
        stats.stdout,
        ".1.3.6.1.6.3.15.1.1.1.0 = Counter32: 1\n\
         .1.3.6.1.6.3.15.1.1.3.0 = Counter32: 1\n\
         .1.3.6.1.6.3.15.1.1.5.0 = Counter32: 1\n\
         .1.3.6.1.6.3.15.1.1.6.0 = Counter32: 2\n\
         .1.3.6.1.6.3.12.1.5.0 = Counter32: 1\n",
        "{}",
        stats.stderr
    );
}

#[test]
fn snmpbulkwalk_v3_survives_restarts_mid_walk() {
    if !have_tool("snmpbulkwalk") {
        return;
    }
    // A restart after every 40 answers: a -Cr10 walk of ~2,900 objects sees about 7.
    let faults = Faults {
        restart: Some(RestartSchedule::AfterRequests(
            std::num::NonZeroU64::new(40).unwrap(),
        )),
        ..Faults::default()
    };
    let config = v3_config(faults);
    let store_twin = twin(config.clone());
    let agent = frozen_switch_with(config);
    let target = spec(agent.local_addr());
    let mut args = v3_args(&user("sha256-aes192"));
    args.push("-Cr10".into());
    let ran = ask("snmpbulkwalk", &args, &target, &[".1"]);
    assert_eq!(ran.status, Some(0), "{}", ran.stderr);
    let stats = agent.stats();
    assert!(stats.restarts >= 5, "{stats:?}");
    // Net-SNMP re-synchronised after each restart: one NotInTimeWindow Report each (plus
    // the discovery Report), and the walk is complete.
    assert_eq!(stats.reports, stats.restarts + 1, "{stats:?}");
    let got = printed(&ran.stdout, "snmpbulkwalk -v3 with restarts");
    let want: Vec<(Oid, Value)> = store_twin
        .store()
        .values_at(Instant::now())
        .into_iter()
        .map(|vb| (vb.oid, vb.value))
        .collect();
    // Counters restart from 0 and snmpEngineBoots grows: compare their types only.
    let moving = |oid: &Oid| {
        let s = store_twin.store();
        s.is_dynamic(oid)
            || matches!(
                s.get(oid, Instant::now()),
                mibscope::agent::store::Lookup::Found(Value::Counter32(_) | Value::Counter64(_))
            )
            || oid.to_string() == ".1.3.6.1.6.3.10.2.1.2.0"
    };
    assert_same(&got, &want, &moving, "snmpbulkwalk -v3 with restarts");
    eprintln!(
        "snmpbulkwalk -v3: {} objects through {} restarts",
        got.len(),
        stats.restarts
    );
}

#[test]
fn the_agent_binary_serves_v3_users_from_a_file() {
    if !have_tool("snmpget") || !have_tool("snmpset") {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("agent-v3-users");
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users.txt");
    std::fs::write(
        &users,
        "# the operators\nops:SHA-256:ops-auth-secret:AES-256:ops-priv-secret:rw\nviewer\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut args: Vec<&std::ffi::OsStr> = [
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "3",
        "--verbose",
        "--engine-id",
        "0x80001F8804616263646566",
        "--v3-users",
    ]
    .map(std::ffi::OsStr::new)
    .to_vec();
    args.push(users.as_os_str());
    let (child, target) = common::agent::start_agent_binary(&args);
    let ops: Vec<String> =
        words("-v3 -u ops -l authPriv -a SHA-256 -A ops-auth-secret -x AES-256 -X ops-priv-secret");
    let ran = ask("snmpget", &ops, &target, &[".1.3.6.1.6.3.10.2.1.1.0"]);
    assert_eq!(
        ran.stdout, ".1.3.6.1.6.3.10.2.1.1.0 = Hex-STRING: 80 00 1F 88 04 61 62 63 64 65 66 \n",
        "{}",
        ran.stderr
    );
    let ran = ask(
        "snmpset",
        &ops,
        &target,
        &[".1.3.6.1.2.1.1.5.0", "s", "renamed-by-v3"],
    );
    assert_eq!(ran.status, Some(0), "{}", ran.stderr);
    let viewer = words("-v3 -u viewer -l noAuthNoPriv");
    let ran = ask("snmpget", &viewer, &target, &[".1.3.6.1.2.1.1.5.0"]);
    assert_eq!(
        ran.stdout,
        ".1.3.6.1.2.1.1.5.0 = STRING: \"renamed-by-v3\"\n"
    );
    let mut wrong = ops.clone();
    wrong[8] = "not-the-secret".into();
    let ran = ask("snmpget", &wrong, &target, &[".1.3.6.1.2.1.1.5.0"]);
    assert!(
        ran.stderr.contains("Authentication failure"),
        "{}",
        ran.stderr
    );

    let (status, stderr) = common::agent::stop_agent_binary(child);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stderr.contains("SNMPv3 engine 0x80001F8804616263646566 with 2 users"),
        "{stderr}"
    );
    assert!(
        stderr.contains("v3 report usmStatsWrongDigests: authentication failed"),
        "{stderr}"
    );
    assert!(stderr.contains("v3 SET id"), "{stderr}");
    assert!(
        stderr.contains("v3 report usmStatsUnknownEngineIDs: engine discovery"),
        "{stderr}"
    );
    for secret in ["ops-auth-secret", "ops-priv-secret", "not-the-secret"] {
        assert!(!stderr.contains(secret), "{secret} logged: {stderr}");
    }
}

#[test]
fn runner_restart_bumps_snmp_engine_boots() {
    if !have_tool("snmpget") {
        return;
    }
    let agent = frozen_switch_with(v3_config(Faults::default()));
    let target = spec(agent.local_addr());
    let boots = || {
        let ran = ask(
            "snmpget",
            &v3_args(&user("sha384-aes256c")),
            &target,
            &[".1.3.6.1.6.3.10.2.1.2.0"],
        );
        assert_eq!(ran.status, Some(0), "{}", ran.stderr);
        ran.stdout
    };
    assert_eq!(boots(), ".1.3.6.1.6.3.10.2.1.2.0 = INTEGER: 1\n");
    agent.restart();
    agent.restart();
    assert_eq!(boots(), ".1.3.6.1.6.3.10.2.1.2.0 = INTEGER: 3\n");
    assert_eq!(agent.stats().restarts, 2);
}
