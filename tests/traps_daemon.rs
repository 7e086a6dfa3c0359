//! The trap daemon as an admin runs it: refusals counted by reason (Net-SNMP's snmptrap
//! with wrong credentials, raw garbage), SIGTERM in the middle of a flood, log rotation with
//! SIGHUP, a slow handler, RFC 5424 syslog and relaying to another manager.

mod common;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use common::traps::{
    Daemon, OTHER_ENGINE_ID, SENDER_ENGINE_ID, final_stats, json_lines, sha_aes_args, wait_until,
    write_config,
};
use common::{mibscope, missing, net_snmp};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::pdu::{GenericTrap, TrapV1};
use mibscope::proto::{
    Community, Message, Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version,
};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// An SNMPv2c linkDown trap with `id` as its request-id and in a varbind.
fn v2c_trap(community: &str, id: i64) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new(community),
        pdu: PduBody::Pdu(Pdu::request(
            PduType::TrapV2,
            RequestId(id),
            vec![
                VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(654_321)),
                VarBind::new(
                    oid("1.3.6.1.6.3.1.1.4.1.0"),
                    Value::ObjectId(oid("1.3.6.1.6.3.1.1.5.3")),
                ),
                VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.3"), Value::Integer(id)),
            ],
        )),
    })
    .encode()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(ToString::to_string).collect()
}

/// The flood test takes both cores for a moment: it runs alone (write), the others share
/// (read), so their time limits do not depend on its load.
static FLOOD: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    FLOOD
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn shared() -> std::sync::RwLockReadGuard<'static, ()> {
    FLOOD
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn sender() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

fn count_notifications(path: &std::path::Path) -> usize {
    json_lines(
        &std::fs::read_to_string(path).unwrap_or_default(),
        "notification",
    )
    .len()
}

#[test]
fn refusals_are_counted_by_reason() {
    let _turn = shared();
    if missing("snmptrap") || missing("snmpinform") {
        return;
    }
    let dir = common::tempdir("traps-refusals");
    let config = write_config(
        &dir,
        &format!(
            "[[community]]\ncommunity = \"public\"\n\n[[user]]\nname = \"sha-aes\"\n\
             auth_protocol = \"SHA\"\nauth_passphrase = \"sha-aes_authpass\"\n\
             priv_protocol = \"AES\"\npriv_passphrase = \"sha-aes_privpass\"\n\
             engine_id = \"{SENDER_ENGINE_ID}\"\n\n[[user]]\nname = \"sha-aes\"\n\
             auth_protocol = \"SHA\"\nauth_passphrase = \"sha-aes_authpass\"\n\
             priv_protocol = \"AES\"\npriv_passphrase = \"sha-aes_privpass\"\n"
        ),
    );
    let daemon = Daemon::start(&["--config", config.to_str().unwrap(), "--json"]);
    let target = daemon.target();
    // Net-SNMP's snmptrap with these options from sender engine `engine`, a linkDown.
    let snmptrap = |options: &[String], engine: &str| {
        let mut args: Vec<&str> = options.iter().map(String::as_str).collect();
        args.extend(["-e", engine, &target, "", ".1.3.6.1.6.3.1.1.5.3"]);
        let out = net_snmp("snmptrap", &args);
        assert!(out.status.success(), "{}", common::stderr(&out));
    };
    let (auth, privacy) = ("sha-aes_authpass", "sha-aes_privpass");
    let sha_aes = |auth, privacy| sha_aes_args("sha-aes", auth, privacy);
    snmptrap(&sha_aes(auth, privacy), SENDER_ENGINE_ID); // accepted
    snmptrap(&sha_aes("wrong-authpass", privacy), SENDER_ENGINE_ID); // wrong digest
    snmptrap(&sha_aes(auth, "wrong-privpass"), SENDER_ENGINE_ID); // decryption failure
    snmptrap(&sha_aes(auth, privacy), OTHER_ENGINE_ID); // unknown engine id
    let nobody = strings(&["-v3", "-u", "nobody", "-l", "noAuthNoPriv"]);
    snmptrap(&nobody, SENDER_ENGINE_ID); // unknown user
    let below = format!("-v3 -u sha-aes -l authNoPriv -a SHA -A {auth}");
    let below: Vec<String> = below.split(' ').map(String::from).collect();
    snmptrap(&below, SENDER_ENGINE_ID); // below the user's level
    let out = net_snmp(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "not-public",
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.3",
        ],
    );
    assert!(out.status.success());
    // An inform with the wrong pass phrase is answered with a Report, then times out.
    let mut inform = sha_aes_args("sha-aes", "wrong-authpass", privacy);
    inform.extend(strings(&[
        "-t",
        "0.5",
        "-r",
        "0",
        &target,
        "",
        ".1.3.6.1.6.3.1.1.5.4",
    ]));
    let out = net_snmp(
        "snmpinform",
        &inform.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        !out.status.success(),
        "an inform with a wrong digest was acknowledged"
    );
    // Out of the time window: boots/time older than the first trap's by far.
    for zt in ["5,100000", "5,1000"] {
        let mut args = strings(&["trap", "-m", ""]);
        args.extend(sha_aes_args("sha-aes", auth, privacy));
        args.extend(strings(&[
            "-e",
            SENDER_ENGINE_ID,
            "-Z",
            zt,
            &target,
            "1",
            ".1.3.6.1.6.3.1.1.5.3",
        ]));
        let out = mibscope(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    // Garbage and a truncated message.
    let s = sender();
    s.send_to(b"\x30\x82\xff\xff garbage", ("127.0.0.1", daemon.port))
        .unwrap();
    let trap = v2c_trap("public", 1);
    s.send_to(&trap[..trap.len() - 4], ("127.0.0.1", daemon.port))
        .unwrap();
    s.send_to(&trap, ("127.0.0.1", daemon.port)).unwrap(); // accepted
    std::thread::sleep(Duration::from_millis(200));
    let stopped = daemon.stop();
    let stats = final_stats(&stopped.stdout);
    let count = |k: &str| stats[k].as_u64().unwrap_or(u64::MAX);
    assert_eq!(count("accepted"), 3, "{stats}");
    assert_eq!(count("wrong_digest"), 2, "{stats}"); // the trap and the inform
    assert_eq!(count("decryption_failure"), 1, "{stats}");
    assert_eq!(count("unknown_engine_id"), 1, "{stats}");
    assert_eq!(count("unknown_user"), 1, "{stats}");
    assert_eq!(count("unsupported_security_level"), 1, "{stats}");
    assert_eq!(count("unknown_community"), 1, "{stats}");
    assert_eq!(count("not_in_time_window"), 1, "{stats}");
    assert_eq!(count("malformed"), 2, "{stats}");
    // The inform's discovery probe is answered (not a refusal); its wrong digest gets a
    // usmStatsWrongDigests Report.
    assert_eq!((count("discovery"), count("reports")), (1, 1), "{stats}");
    assert_eq!(count("dropped"), 10, "{stats}");
    assert!(
        stopped.stderr.iter().any(|l| l.contains("wrong_digest 2")),
        "{:?}",
        stopped.stderr
    );
}

#[test]
fn sigterm_mid_flood_loses_nothing_the_socket_delivered() {
    let _turn = alone();
    let dir = common::tempdir("traps-flood");
    let log = dir.join("flood.json");
    let daemon = Daemon::start(&[
        "-c",
        "public",
        "--json",
        "-q",
        "--log",
        log.to_str().unwrap(),
    ]);
    let port = daemon.port;
    const TOTAL: i64 = 40_000;
    let blaster = std::thread::spawn(move || {
        let s = sender();
        let started = Instant::now();
        for id in 1..=TOTAL {
            let _ = s.send_to(&v2c_trap("public", id), ("127.0.0.1", port));
            if started.elapsed() > Duration::from_secs(20) {
                break;
            }
        }
    });
    // Stop while the flood is on.
    wait_until(Duration::from_secs(20), "the first notifications", || {
        count_notifications(&log) > 2000
    });
    let stopped = daemon.stop();
    blaster.join().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = json_lines(&text, "notification");
    let stats = final_stats(&text);
    let accepted = stats["accepted"].as_u64().unwrap();
    assert!(accepted > 2000 && accepted < TOTAL as u64 + 1, "{stats}");
    assert_eq!(
        lines.len() as u64,
        accepted,
        "every accepted notification is in the log: {stats}"
    );
    assert_eq!(stats["received"], stats["accepted"], "{stats}");
    assert_eq!(stats["written"], stats["accepted"], "{stats}");
    assert_eq!(stats["queue_overflow"], 0, "{stats}");
    let mut ids: Vec<i64> = lines
        .iter()
        .map(|l| l["request_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), lines.len(), "no duplicates");
    assert_eq!(stopped.status, Some(0), "{:?}", stopped.stderr);
}

#[test]
fn sighup_after_the_log_moved_starts_a_new_file_and_loses_nothing() {
    let _turn = shared();
    let dir = common::tempdir("traps-rotate");
    let log = dir.join("traps.log");
    let mut daemon = Daemon::start(&[
        "-c",
        "public",
        "--json",
        "-q",
        "--log",
        log.to_str().unwrap(),
    ]);
    let s = sender();
    for id in 1..=5 {
        s.send_to(&v2c_trap("public", id), ("127.0.0.1", daemon.port))
            .unwrap();
    }
    wait_until(Duration::from_secs(10), "5 lines", || {
        count_notifications(&log) == 5
    });
    let rotated = dir.join("traps.log.1");
    std::fs::rename(&log, &rotated).unwrap();
    daemon.signal("HUP");
    assert!(
        daemon
            .wait_for_stderr("reopened", Duration::from_secs(10))
            .is_some()
    );
    for id in 6..=12 {
        s.send_to(&v2c_trap("public", id), ("127.0.0.1", daemon.port))
            .unwrap();
    }
    wait_until(Duration::from_secs(10), "7 more lines", || {
        count_notifications(&log) == 7
    });
    daemon.stop();
    let old = json_lines(&std::fs::read_to_string(&rotated).unwrap(), "notification");
    let new = json_lines(&std::fs::read_to_string(&log).unwrap(), "notification");
    let ids = |v: &[serde_json::Value]| {
        v.iter()
            .map(|l| l["request_id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&old), (1..=5).collect::<Vec<_>>());
    assert_eq!(ids(&new), (6..=12).collect::<Vec<_>>());
}

#[test]
fn a_slow_handler_overflows_counted_and_reception_goes_on() {
    let _turn = shared();
    let daemon = Daemon::start(&[
        "-c",
        "public",
        "--json",
        "--exec",
        "cat > /dev/null; sleep 5",
        "--exec-concurrency",
        "1",
        "--exec-queue",
        "2",
    ]);
    let s = sender();
    for id in 1..=30 {
        s.send_to(&v2c_trap("public", id), ("127.0.0.1", daemon.port))
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let stopped = daemon.stop();
    let stats = final_stats(&stopped.stdout);
    assert_eq!(stats["accepted"], 30, "{stats}");
    assert_eq!(stats["written"], 30, "{stats}");
    assert_eq!(json_lines(&stopped.stdout, "notification").len(), 30);
    // One handler at a time, each 5 s: a few start, the rest found the queue full or were
    // abandoned at the stop, and every one is counted.
    let started = stats["exec_started"].as_u64().unwrap();
    assert!((1..=3).contains(&started), "{stats}");
    assert_eq!(
        started + stats["exec_overflow"].as_u64().unwrap(),
        30,
        "{stats}"
    );
}

#[test]
fn syslog_gets_rfc5424_and_forwarding_relays_v2c_traps() {
    let _turn = shared();
    let syslog = UdpSocket::bind("127.0.0.1:0").unwrap();
    syslog
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let relay = UdpSocket::bind("127.0.0.1:0").unwrap();
    relay
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let syslog_target = format!("udp:{}", syslog.local_addr().unwrap());
    let relay_target = format!("udp:{}", relay.local_addr().unwrap());
    let daemon = Daemon::start(&[
        "-c",
        "public",
        "-q",
        "--syslog",
        &syslog_target,
        "--syslog-facility",
        "local3",
        "--forward",
        &relay_target,
        "--forward-community",
        "relay",
    ]);
    let v1 = Message::Community(CommunityMessage {
        version: Version::V1,
        community: Community::new("public"),
        pdu: PduBody::TrapV1(TrapV1 {
            enterprise: oid("1.3.6.1.4.1.8072.3.2.10"),
            agent_addr: [192, 0, 2, 9],
            generic_trap: GenericTrap::LinkDown,
            specific_trap: 0,
            time_stamp: 42,
            varbinds: vec![VarBind::new(
                oid("1.3.6.1.2.1.2.2.1.1.3"),
                Value::Integer(3),
            )],
        }),
    })
    .encode();
    sender().send_to(&v1, ("127.0.0.1", daemon.port)).unwrap();
    let mut buf = [0u8; 4096];
    let n = syslog.recv(&mut buf).expect("a syslog message");
    let msg = String::from_utf8(buf[..n].to_vec()).unwrap();
    // RFC 5424: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG
    let rest = msg
        .strip_prefix("<157>1 ")
        .unwrap_or_else(|| panic!("PRI local3.notice: {msg}"));
    let fields: Vec<&str> = rest.splitn(6, ' ').collect();
    let (time, host, app, procid, msgid) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
    assert!(
        time.len() == 24 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        "{time}"
    );
    assert!(
        !host.is_empty() && host.bytes().all(|b| (33..=126).contains(&b)),
        "{host}"
    );
    assert_eq!(app, "mibscope");
    assert!(procid.parse::<u32>().is_ok(), "{procid}");
    assert_eq!(msgid, "trap-v1");
    let sd_and_msg = fields[5];
    assert!(
        sd_and_msg.starts_with("[origin ip=\"127.0.0.1\" software=\"mibscope\" swVersion=\""),
        "{sd_and_msg}"
    );
    let (_, body) = sd_and_msg
        .split_once("] \u{feff}")
        .expect("SD, then a BOM before MSG");
    assert!(body.contains("IF-MIB::linkDown"), "{body}");
    assert!(!body.contains('\n'));
    // The relayed trap: SNMPv2c, our community, RFC 3584's varbinds.
    let n = relay.recv(&mut buf).expect("a relayed trap");
    let (Message::Community(m), _) = Message::decode(&buf[..n]).unwrap() else {
        panic!("not a community message")
    };
    assert_eq!(m.version, Version::V2c);
    assert_eq!(m.community, Community::new("relay"));
    assert_eq!(m.pdu.kind(), PduType::TrapV2);
    let vbs = m.pdu.varbinds();
    assert_eq!(vbs[1].value, Value::ObjectId(oid("1.3.6.1.6.3.1.1.5.3")));
    assert!(
        vbs.iter()
            .any(|v| v.value == Value::IpAddress([192, 0, 2, 9]))
    );
    let stopped = daemon.stop();
    assert!(
        stopped
            .stderr
            .iter()
            .any(|l| l.contains("forwarded 1") && l.contains("syslog_sent 1")),
        "{:?}",
        stopped.stderr
    );
}

#[test]
fn a_config_file_others_can_read_is_warned_about_and_mistakes_are_explained() {
    let _turn = shared();
    let dir = common::tempdir("traps-config-mode");
    let config = write_config(&dir, "[[community]]\ncommunity = \"s3cret-community\"\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut daemon = Daemon::start(&["--config", config.to_str().unwrap()]);
    assert!(
        daemon
            .wait_for_stderr("run chmod 600", Duration::from_secs(5))
            .is_some(),
        "{:?}",
        daemon.stderr_lines
    );
    let stopped = daemon.stop();
    assert!(!format!("{:?}", stopped.stderr).contains("s3cret"));
    // A broken file: the entry and the fix, no secret, exit 1.
    std::fs::write(
        &config,
        "[[user]]\nname = \"u\"\nauth_passphrase = \"s3cret-pass\"\n",
    )
    .unwrap();
    let out = mibscope(&[
        "traps",
        "--listen",
        "127.0.0.1:0",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("user 'u': auth_protocol is missing"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    // Nobody allowed at all is refused up front.
    let out = mibscope(&["traps", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("nobody may send"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn ipv4_and_ipv6_on_one_port() {
    let _turn = shared();
    let Ok(v6) = UdpSocket::bind("[::1]:0") else {
        eprintln!("skipping: no IPv6 loopback here");
        return;
    };
    let mut daemon = Daemon::start(&["-c", "public", "--json", "--listen", "[::1]:0"]);
    let line = daemon
        .wait_for_stderr("listening on udp6:[::1]:", Duration::from_secs(5))
        .expect("both addresses listed");
    assert!(
        line.contains(&format!("[::1]:{}", daemon.port)),
        "one port for both: {line}"
    );
    v6.send_to(&v2c_trap("public", 6), ("::1", daemon.port))
        .unwrap();
    sender()
        .send_to(&v2c_trap("public", 4), ("127.0.0.1", daemon.port))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let stopped = daemon.stop();
    let got = json_lines(&stopped.stdout, "notification");
    let mut sources: Vec<(i64, String)> = got
        .iter()
        .map(|n| {
            (
                n["request_id"].as_i64().unwrap(),
                n["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    sources.sort();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources[0].1.starts_with("127.0.0.1:"), "{sources:?}");
    assert!(sources[1].1.starts_with("[::1]:"), "{sources:?}");
}
