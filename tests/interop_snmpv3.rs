//! SNMPv3 against Net-SNMP's snmpd, started here with a user of every security level and
//! algorithm (MD5, SHA-1, SHA-2; DES, AES-128, AES-192/256 with both key extensions):
//! results equal Net-SNMP's tools with the same user, Set works, each kind of failure gets
//! its own explanation, and an snmpd restart in the middle of a walk is survived.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

fn agent() -> Option<Snmpd> {
    Snmpd::start(&v3_user_config())
}

/// Our args and Net-SNMP's for `user`, the agent and the OIDs.
fn run_both(
    tool: &str,
    ours: &str,
    user: &str,
    extra: &[&str],
    agent: &str,
    oids: &[&str],
) -> (std::process::Output, std::process::Output) {
    let mut args: Vec<String> = v3_args(user);
    args.extend(extra.iter().map(ToString::to_string));
    args.push(agent.to_string());
    args.extend(oids.iter().map(ToString::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let theirs = net_snmp(tool, &args);
    let mut mine_args = vec![ours];
    mine_args.extend_from_slice(&args);
    (mibscope_numeric(&mine_args), theirs)
}

#[test]
fn every_user_gets_what_net_snmp_gets() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let oids = [
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.1.2.0",
        ".1.3.6.1.2.1.1.4.0",
    ];
    let mut checked = 0;
    for (user, ..) in v3_users() {
        let (mine, theirs) = run_both("snmpget", "get", &user, &[], &a, &oids);
        assert!(
            theirs.status.success(),
            "Net-SNMP failed for {user}: {}",
            stderr(&theirs)
        );
        assert_eq!(
            stdout(&mine),
            stdout(&theirs),
            "user {user}: {}",
            stderr(&mine)
        );
        assert!(mine.status.success());
        checked += 1;
    }
    assert_eq!(checked, 1 + 6 + 36);
}

#[test]
fn bulkwalks_of_the_whole_tree_equal_snmpbulkwalk() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    const CHURN: &[&str] = &[
        ".1.3.6.1.2.1.7.5",
        ".1.3.6.1.2.1.7.7",
        ".1.3.6.1.2.1.6.13",
        ".1.3.6.1.2.1.6.19",
        ".1.3.6.1.2.1.25.4",
        ".1.3.6.1.2.1.25.5",
    ];
    // Every user: each level, each auth and privacy algorithm, both AES key extensions.
    for (user, ..) in v3_users() {
        let user = user.as_str();
        let mut args: Vec<String> = v3_args(user);
        args.extend(["-Cr25".to_string(), a.clone(), ".1".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Ours between two of theirs, so that values that moved show in theirs.
        let before = net_snmp("snmpbulkwalk", &args);
        let mut mine_args = vec!["bulkwalk"];
        mine_args.extend_from_slice(&args);
        let mine = mibscope_numeric(&mine_args);
        let after = net_snmp("snmpbulkwalk", &args);
        assert!(mine.status.success(), "{user}: {}", stderr(&mine));
        let compared = assert_walks_agree(&stdout(&mine), &stdout(&before), &stdout(&after), CHURN);
        assert!(compared > 1000, "{user}: {compared}");
    }
}

#[test]
fn set_with_a_read_write_user_is_read_back() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let mut args = vec!["set".to_string()];
    args.extend(v3_args("sha256-aes256"));
    args.extend([
        a.clone(),
        ".1.3.6.1.2.1.1.6.0".into(),
        "s".into(),
        "set over SNMPv3".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let set = mibscope_numeric(&args);
    assert!(set.status.success(), "{}", stderr(&set));
    assert_eq!(
        stdout(&set),
        ".1.3.6.1.2.1.1.6.0 = STRING: \"set over SNMPv3\"\n"
    );
    let read = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &a, ".1.3.6.1.2.1.1.6.0"],
    );
    assert_eq!(
        stdout(&read),
        ".1.3.6.1.2.1.1.6.0 = STRING: \"set over SNMPv3\"\n"
    );
}

/// Runs a get with modified credentials; returns stderr and the exit code.
fn failing_get(agent: &str, args: &[&str]) -> (String, Option<i32>) {
    let mut full = vec!["get", "-t", "0.3", "-r", "1"];
    full.extend_from_slice(args);
    full.extend_from_slice(&[agent, ".1.3.6.1.2.1.1.5.0"]);
    let out = mibscope(&full);
    assert!(
        stdout(&out).is_empty(),
        "{:?} printed {}",
        args,
        stdout(&out)
    );
    (stderr(&out), out.status.code())
}

#[test]
fn each_failure_is_explained() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "-u",
                "sha-aes",
                "-a",
                "SHA",
                "-A",
                "not-the-authpass",
                "-x",
                "AES",
                "-X",
                "sha-aes_privpass",
            ],
            "authentication failed: the auth passphrase or protocol (-a/-A)",
        ),
        (
            &["-u", "sha256", "-a", "SHA-512", "-A", "sha256_authpass"],
            "authentication failed",
        ),
        (
            &[
                "-u",
                "sha-aes",
                "-a",
                "SHA",
                "-A",
                "sha-aes_authpass",
                "-x",
                "AES",
                "-X",
                "not-the-privpass",
            ],
            "agents drop requests they cannot decrypt",
        ),
        (
            &["-u", "nobody", "-a", "SHA", "-A", "whatever-pass"],
            "the agent has no user 'nobody'",
        ),
        (
            &[
                "-u",
                "md5",
                "-l",
                "authPriv",
                "-a",
                "MD5",
                "-A",
                "md5_authpass",
                "-x",
                "DES",
                "-X",
                "md5_privpass",
            ],
            "refused the security level",
        ),
        (
            &[
                "-u",
                "sha-aes192c",
                "-a",
                "SHA",
                "-A",
                "sha-aes192c_authpass",
                "-x",
                "AES-192",
                "-X",
                "sha-aes192c_privpass",
            ],
            "try -x AES-192-C",
        ),
        (&["-u", "sha-aes", "-a", "SHA", "-A", "short"], "at least 8"),
        (
            &[
                "-u",
                "sha-aes",
                "-a",
                "SHA",
                "-A",
                "sha-aes_authpass",
                "-x",
                "AES",
                "-X",
                "sha-aes_privpass",
                "-n",
                "no-such-context",
            ],
            "check the context (-n/-E) exists",
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    for (args, needle) in cases {
        let (err, code) = failing_get(&a, args);
        assert!(err.contains(needle), "{args:?}:\n{err}");
        assert_eq!(code, Some(1), "{args:?}");
        // No secret is echoed back.
        for secret in args.iter().filter(|s| s.contains("pass") || **s == "short") {
            assert!(!err.contains(secret), "{args:?} leaked {secret}: {err}");
        }
        seen.insert(err.lines().last().unwrap_or_default().to_string());
    }
    // Different failures, different explanations.
    assert!(seen.len() >= 6, "{seen:?}");
}

#[test]
fn aes_key_extension_auto_says_which_one_worked() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let out = mibscope_numeric(&[
        "get",
        "-t",
        "0.3",
        "-r",
        "1",
        "--aes-key-extension",
        "auto",
        "-u",
        "sha-aes256c",
        "-a",
        "SHA",
        "-A",
        "sha-aes256c_authpass",
        "-x",
        "AES-256",
        "-X",
        "sha-aes256c_privpass",
        &a,
        ".1.3.6.1.2.1.1.5.0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"interop-agent\"\n"
    );
    assert!(
        stderr(&out).contains("worked with -x AES-256-C"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn snmpd_restart_during_a_walk_is_survived() {
    let Some(mut agent) = agent() else { return };
    let a = agent.agent();
    let mut args = vec![
        "bulkwalk".to_string(),
        "-Cr2".into(),
        "-t".into(),
        "1".into(),
        "-r".into(),
        "10".into(),
    ];
    args.extend(v3_args("sha-aes"));
    args.extend([a.clone(), ".1".into()]);
    let reference = {
        let mut theirs: Vec<String> = v3_args("sha-aes");
        theirs.extend(["-Cr2".to_string(), a.clone(), ".1".into()]);
        let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
        net_snmp("snmpbulkwalk", &theirs)
    };
    let walk_args: Vec<String> = args[1..].to_vec();
    let walk = std::thread::spawn(move || {
        output_within(
            Command::new(MIBSCOPE)
                .args(["bulkwalk", "-m", "", "-On"])
                .args(&walk_args),
            COMMAND_LIMIT,
        )
    });
    // Restart snmpd while the walk is under way (it takes seconds at -Cr2).
    std::thread::sleep(Duration::from_millis(600));
    agent.restart();
    let out = walk.join().expect("the walk's runner panicked");
    assert!(out.status.success(), "{}", stderr(&out));
    let ours = stdout(&out);
    let before = stdout(&reference);
    assert!(ours.lines().count() > 1000);
    // Same OIDs as a walk without restart (values of moving objects aside).
    let after = {
        let mut theirs: Vec<String> = v3_args("sha-aes");
        theirs.extend(["-Cr25".to_string(), a.clone(), ".1".into()]);
        let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
        stdout(&net_snmp("snmpbulkwalk", &theirs))
    };
    // Besides the usual churn, what a restart itself changes: snmpEngineBoots/Time and
    // Net-SNMP's cache states (nsCacheStatus: tables not yet re-read are "empty").
    let churn: &[&str] = &[
        ".1.3.6.1.2.1.7.5",
        ".1.3.6.1.2.1.7.7",
        ".1.3.6.1.2.1.6.13",
        ".1.3.6.1.2.1.6.19",
        ".1.3.6.1.2.1.25.4",
        ".1.3.6.1.2.1.25.5",
        ".1.3.6.1.6.3.10.2.1",
        ".1.3.6.1.4.1.8072.1.5.3",
    ];
    assert_walks_agree(&ours, &before, &after, churn);
}

#[test]
fn engine_and_context_ids_given_on_the_command_line() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let want = ".1.3.6.1.2.1.1.5.0 = STRING: \"interop-agent\"\n";
    // -e skips discovery (boots/time then come from the agent's notInTimeWindow report);
    // -E names the context engine, -n the default context.
    for extra in [
        vec!["-e", HARNESS_ENGINE_ID],
        vec!["-E", HARNESS_ENGINE_ID, "-n", ""],
        vec!["-e", HARNESS_ENGINE_ID, "-Z", "1,0"],
    ] {
        let mut args: Vec<String> = vec!["get".into()];
        args.extend(v3_args("sha256-aes256"));
        args.extend(extra.iter().map(ToString::to_string));
        args.extend([a.clone(), ".1.3.6.1.2.1.1.5.0".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = mibscope_numeric(&args);
        assert_eq!(stdout(&out), want, "{extra:?}: {}", stderr(&out));
    }
    // A wrong -e is the agent's unknownEngineIDs report, explained.
    let mut args: Vec<String> = vec![
        "get".into(),
        "-t".into(),
        "0.5".into(),
        "-r".into(),
        "1".into(),
    ];
    args.extend(v3_args("sha-aes"));
    args.extend([
        "-e".into(),
        "0x80001F88046E6F7468657265".into(),
        a.clone(),
        ".1.3.6.1.2.1.1.5.0".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = mibscope_numeric(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("-e"), "{}", stderr(&out));
}

/// Runs mibscope with `SNMPCONFPATH` pointing at a directory holding `snmp_conf`.
fn with_snmp_conf(snmp_conf: &str, mode: u32, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("snmpconf");
    let path = dir.join("snmp.conf");
    std::fs::write(&path, snmp_conf).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    let out = output_within(
        Command::new(MIBSCOPE)
            .args(args)
            .env("SNMPCONFPATH", &dir)
            .env_remove("MIBSCOPE_COMMUNITY")
            .env_remove("MIBSCOPE_AUTH_PASS")
            .env_remove("MIBSCOPE_PRIV_PASS"),
        COMMAND_LIMIT,
    );
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn snmp_conf_defaults_keep_secrets_off_the_command_line() {
    let Some(agent) = agent() else { return };
    let a = agent.agent();
    let v3_conf = "defVersion 3\ndefSecurityName sha256-aes192c\ndefSecurityLevel authPriv\n\
                   defAuthType SHA-256\ndefAuthPassphrase sha256-aes192c_authpass\n\
                   defPrivType AES-192-C\ndefPrivPassphrase sha256-aes192c_privpass\n";
    let get = ["get", "-m", "", "-On", a.as_str(), ".1.3.6.1.2.1.1.5.0"];
    let want = ".1.3.6.1.2.1.1.5.0 = STRING: \"interop-agent\"\n";
    let out = with_snmp_conf(v3_conf, 0o600, &get);
    assert_eq!(stdout(&out), want, "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // The same file readable by others: it still works, with a warning that names it.
    let out = with_snmp_conf(v3_conf, 0o644, &get);
    assert_eq!(stdout(&out), want);
    assert!(
        stderr(&out).contains("readable by others"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("_authpass"), "{}", stderr(&out));
    // v2c from defaults, and a bulkwalk refused up front when the default is v1.
    let out = with_snmp_conf("defVersion 2c\ndefCommunity public\n", 0o600, &get);
    assert_eq!(stdout(&out), want, "{}", stderr(&out));
    let out = with_snmp_conf(
        "defVersion 1\ndefCommunity public\n",
        0o600,
        &["bulkwalk", a.as_str(), ".1.3.6.1.2.1.1"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bulkwalk needs GetBulk"),
        "{}",
        stderr(&out)
    );
}
