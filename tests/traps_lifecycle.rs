//! The trap daemon over a long life: sender engine ids learned and kept across restarts,
//! the configuration reloaded with SIGHUP (and a broken one refused), `mibscope trap -v3`
//! keeping its engine boots across runs for a strict receiver, and syslog over TCP with
//! RFC 6587 octet counting (to a loopback listener that also drops the connection).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::time::Duration;

use common::traps::{
    Daemon, OTHER_ENGINE_ID, SENDER_ENGINE_ID, final_stats, json_lines, mibscope_sender,
    sha_aes_args, wait_until, write_config,
};
use common::{missing, net_snmp, stderr, v3_args};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::{Community, Message, Pdu, PduBody, PduType, RequestId, Version};

fn v2c_trap(community: &str, id: i64) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new(community),
        pdu: PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(id), vec![])),
    })
    .encode()
}

fn send(daemon: &Daemon, bytes: &[u8]) {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(bytes, ("127.0.0.1", daemon.port))
        .unwrap();
}

/// Net-SNMP's snmptrap as user sha-aes from sender engine `engine`.
fn snmptrap_v3(daemon: &Daemon, engine: &str) {
    let mut args = v3_args("sha-aes");
    args.extend(
        ["-e", engine, &daemon.target(), "", ".1.3.6.1.6.3.1.1.5.3"]
            .iter()
            .map(ToString::to_string),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = net_snmp("snmptrap", &args);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn notifications(daemon_dir: &Path) -> Vec<serde_json::Value> {
    json_lines(
        &std::fs::read_to_string(daemon_dir.join("stdout")).unwrap_or_default(),
        "notification",
    )
}

const SHA_AES: &str = "name = \"sha-aes\"\nauth_protocol = \"SHA\"\nauth_passphrase = \"sha-aes_authpass\"\npriv_protocol = \"AES\"\npriv_passphrase = \"sha-aes_privpass\"\n";

#[test]
fn learned_sender_engines_are_kept_across_restarts() {
    if missing("snmptrap") {
        return;
    }
    let dir = common::tempdir("traps-learned");
    let learning = |on: bool| {
        write_config(
            &dir,
            &format!("learn_engine_ids = {on}\n\n[[user]]\n{SHA_AES}"),
        )
    };
    let config = learning(true);
    let args = ["--config", config.to_str().unwrap(), "--json"];
    let daemon = Daemon::start_in(dir.clone(), &args);
    snmptrap_v3(&daemon, SENDER_ENGINE_ID);
    let state = dir.join("state");
    // Written as soon as it is learned, not only at exit.
    wait_until(
        Duration::from_secs(10),
        "the learned engine id in the state",
        || {
            std::fs::read_to_string(&state)
                .is_ok_and(|s| s.contains(&format!("learned {SENDER_ENGINE_ID} 0x7368612D616573")))
        },
    );
    let stopped = daemon.stop();
    assert_eq!(final_stats(&stopped.stdout)["learned_engines"], 1);
    // Restarted with learning off: the learned engine is still accepted, a new one not.
    learning(false);
    let mut daemon = Daemon::start_in(dir.clone(), &args);
    assert!(
        daemon
            .wait_for_stderr("1 sender engine ids learned before", Duration::from_secs(5))
            .is_some(),
        "{:?}",
        daemon.stderr_lines
    );
    snmptrap_v3(&daemon, SENDER_ENGINE_ID);
    snmptrap_v3(&daemon, OTHER_ENGINE_ID);
    wait_until(Duration::from_secs(10), "the trap", || {
        !notifications(&dir).is_empty()
    });
    let stopped = daemon.stop();
    let stats = final_stats(&stopped.stdout);
    assert_eq!(stats["accepted"], 1, "{stats}");
    assert_eq!(stats["learned_engines"], 0, "{stats}");
    assert_eq!(stats["unknown_engine_id"], 1, "{stats}");
    let n = &json_lines(&stopped.stdout, "notification")[0];
    assert_eq!(n["security"]["engine_id"], SENDER_ENGINE_ID);
    // The state file still lists it, once.
    let text = std::fs::read_to_string(&state).unwrap();
    let learned = text.lines().filter(|l| l.starts_with("learned ")).count();
    assert_eq!(learned, 1, "{text}");
}

#[test]
fn sighup_reloads_the_configuration_and_keeps_the_running_one_when_broken() {
    if missing("snmptrap") {
        return;
    }
    let dir = common::tempdir("traps-reload");
    let (first_log, second_log) = (dir.join("first.log"), dir.join("second.log"));
    let config = write_config(
        &dir,
        &format!(
            "[[community]]\ncommunity = \"public\"\n\n[output]\nlog = \"{}\"\n",
            first_log.display()
        ),
    );
    let mut daemon = Daemon::start(&["--config", config.to_str().unwrap(), "--json", "-q"]);
    send(&daemon, &v2c_trap("public", 1));
    send(&daemon, &v2c_trap("private", 2));
    let logged = |path: &Path| {
        json_lines(
            &std::fs::read_to_string(path).unwrap_or_default(),
            "notification",
        )
        .iter()
        .map(|n| n["request_id"].as_i64().unwrap_or(-1))
        .collect::<Vec<_>>()
    };
    wait_until(Duration::from_secs(10), "trap 1", || {
        logged(&first_log) == [1]
    });
    // Another community, a v3 user, another log.
    write_config(
        &dir,
        &format!(
            "[[community]]\ncommunity = \"private\"\nlabel = \"priv\"\n\n[[user]]\n{SHA_AES}\
             engine_id = \"{SENDER_ENGINE_ID}\"\n\n[output]\nlog = \"{}\"\n",
            second_log.display()
        ),
    );
    daemon.signal("HUP");
    let line = daemon
        .wait_for_stderr("SIGHUP: reloaded", Duration::from_secs(10))
        .unwrap_or_else(|| panic!("{:?}", daemon.stderr_lines));
    assert!(line.contains("1 communities, 1 v3 users"), "{line}");
    send(&daemon, &v2c_trap("public", 3));
    send(&daemon, &v2c_trap("private", 4));
    snmptrap_v3(&daemon, SENDER_ENGINE_ID);
    wait_until(Duration::from_secs(10), "trap 4 and the v3 trap", || {
        logged(&second_log).len() == 2
    });
    // A broken file: said so, and the running configuration goes on.
    std::fs::write(&config, "[[community]\ncommunity = ").unwrap();
    daemon.signal("HUP");
    let line = daemon
        .wait_for_stderr("not reloaded", Duration::from_secs(10))
        .unwrap_or_else(|| panic!("{:?}", daemon.stderr_lines));
    assert!(line.contains("the running configuration is kept"), "{line}");
    send(&daemon, &v2c_trap("private", 5));
    wait_until(Duration::from_secs(10), "trap 5", || {
        logged(&second_log).len() == 3
    });
    let stopped = daemon.stop();
    assert_eq!(logged(&first_log), [1]);
    let second: Vec<serde_json::Value> = json_lines(
        &std::fs::read_to_string(&second_log).unwrap(),
        "notification",
    );
    assert_eq!(second[0]["request_id"], 4);
    assert_eq!(second[0]["security"]["community"], "priv");
    assert_eq!(second[1]["security"]["user"], "sha-aes");
    assert_eq!(second[2]["request_id"], 5);
    let stats = final_stats(&std::fs::read_to_string(&second_log).unwrap());
    assert_eq!(stats["accepted"], 4, "{stats}");
    assert_eq!(stats["unknown_community"], 2, "{stats}");
    assert!(!format!("{:?}", stopped.stderr).contains("authpass"));
}

#[test]
fn trap_v3_keeps_its_engine_boots_so_a_strict_receiver_takes_every_run() {
    const ENGINE: &str = "0x80001F88046D696273636F70652D74657374";
    let dir = common::tempdir("traps-sender-boots");
    let config = write_config(
        &dir,
        &format!("[[user]]\n{SHA_AES}engine_id = \"{ENGINE}\"\n"),
    );
    let daemon = Daemon::start(&["--config", config.to_str().unwrap(), "--json"]);
    let state_home = dir.join("xdg");
    let trap = |extra: &[&str]| {
        let mut args = vec!["trap".to_string(), "-m".into(), String::new()];
        args.extend(sha_aes_args(
            "sha-aes",
            "sha-aes_authpass",
            "sha-aes_privpass",
        ));
        args.extend(["-e", ENGINE].iter().chain(extra).map(ToString::to_string));
        args.extend([daemon.target(), "1".into(), ".1.3.6.1.6.3.1.1.5.3".into()]);
        let out = mibscope_sender(
            &state_home,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let state = state_home.join("mibscope/sender.state");
    let entry = || {
        let text = std::fs::read_to_string(&state).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("engine {ENGINE} ")))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string();
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        (
            words[3].parse::<u32>().unwrap(),
            words[5].parse::<u32>().unwrap(),
        )
    };
    trap(&[]);
    let (boots, time) = entry();
    assert_eq!(boots, 1);
    // A second run: the same boots, a time that has not gone back.
    trap(&[]);
    assert!(entry().0 == 1 && entry().1 >= time, "{:?}", entry());
    // The clock went back since the last trap (a reboot with a wrong clock): the boots
    // go up, so the receiver, which knows (1, time), still takes it.
    let text = std::fs::read_to_string(&state).unwrap();
    std::fs::write(
        &state,
        text.replace(
            &format!("time {}", entry().1),
            &format!("time {}", time + 100_000),
        ),
    )
    .unwrap();
    trap(&[]);
    assert_eq!(entry().0, 2);
    // What the state protects against: an engine whose time restarted with the same boots
    // (the uptime of a rebooted host) is out of the receiver's window.
    trap(&["-Z", "2,5"]);
    std::thread::sleep(Duration::from_millis(300));
    let stopped = daemon.stop();
    let stats = final_stats(&stopped.stdout);
    assert_eq!(stats["accepted"], 3, "{stats}");
    assert_eq!(stats["not_in_time_window"], 1, "{stats}");
}

/// One octet-counted frame (RFC 6587 3.4.1) from `r`: `MSG-LEN SP SYSLOG-MSG`.
fn frame(r: &mut BufReader<TcpStream>) -> String {
    let mut len = Vec::new();
    r.read_until(b' ', &mut len).unwrap();
    let len: usize = String::from_utf8(len)
        .unwrap()
        .trim_end()
        .parse()
        .expect("MSG-LEN");
    let mut msg = vec![0u8; len];
    r.read_exact(&mut msg).unwrap();
    String::from_utf8(msg).unwrap()
}

#[test]
fn syslog_over_tcp_is_octet_counted_and_reconnects() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("tcp:{}", server.local_addr().unwrap());
    let daemon = Daemon::start(&["-c", "public", "-q", "--syslog", &target]);
    server.set_nonblocking(true).unwrap();
    let accept = || {
        let mut stream = None;
        wait_until(
            Duration::from_secs(10),
            "a connection from the daemon",
            || {
                stream = server.accept().ok().map(|(s, _)| s);
                stream.is_some()
            },
        );
        let stream = stream.unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        BufReader::new(stream)
    };
    for id in 1..=3 {
        send(&daemon, &v2c_trap("public", id));
    }
    let mut conn = accept();
    let messages: Vec<String> = (0..3).map(|_| frame(&mut conn)).collect();
    for m in &messages {
        // local0.notice, RFC 5424 version 1, a newline-free body after the BOM.
        assert!(m.starts_with("<133>1 "), "{m}");
        let (_, body) = m.split_once("] \u{feff}").expect("SD, BOM, MSG");
        assert!(!body.contains('\n'), "{m}");
    }
    // The collector goes away and comes back: the daemon connects again.
    drop(conn);
    std::thread::sleep(Duration::from_millis(200));
    for id in 4..=5 {
        send(&daemon, &v2c_trap("public", id));
    }
    let mut conn = accept();
    let again = [frame(&mut conn), frame(&mut conn)];
    assert!(again.iter().all(|m| m.starts_with("<133>1 ")), "{again:?}");
    let stopped = daemon.stop();
    assert!(
        stopped.stderr.iter().any(|l| l.contains("syslog_sent 5")),
        "{:?}",
        stopped.stderr
    );
}
