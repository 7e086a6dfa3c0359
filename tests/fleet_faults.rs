//! Faults across a fleet, through the real binaries: an agent that is dead, one that
//! answers slowly, one that answers tooBig to GetBulk 25, next to a healthy one. The
//! healthy agent's polls and scrapes stay on time; the others are reported with their
//! reason; the tooBig agent is learned and answers in full.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::agent::frozen_switch;
use common::daemons::{self, http_get};
use mibscope::agent::Faults;
use serde_json::Value;

struct Fleet {
    good: mibscope::agent::runner::BackgroundAgent,
    slow: mibscope::agent::runner::BackgroundAgent,
    too_big: mibscope::agent::runner::BackgroundAgent,
    dead: std::net::SocketAddr,
}

fn fleet() -> Fleet {
    let dead_agent = frozen_switch(Faults::default());
    let dead = dead_agent.local_addr();
    dead_agent.shutdown();
    Fleet {
        good: frozen_switch(Faults::default()),
        slow: frozen_switch(Faults {
            delay: Duration::from_millis(700),
            ..Faults::default()
        }),
        too_big: frozen_switch(Faults {
            too_big_above: Some(1400),
            ..Faults::default()
        }),
        dead,
    }
}

#[test]
fn poll_rounds_stay_on_time_around_dead_slow_and_too_big_agents() {
    let f = fleet();
    let dir = common::tempdir("poll");
    let targets = dir.join("targets.yml");
    std::fs::write(
        &targets,
        format!(
            "timeout: 400ms\nretries: 1\ntargets:\n  - agent: {}\n    labels: {{name: good}}\n  - agent: {}\n    labels: {{name: slow}}\n  - agent: {}\n    labels: {{name: toobig}}\n  - agent: {}\n    labels: {{name: dead}}\n",
            f.good.local_addr(),
            f.slow.local_addr(),
            f.too_big.local_addr(),
            f.dead
        ),
    )
    .unwrap();
    let out = common::output_within(
        Command::new(common::MIBSCOPE)
            .args(["poll", "--interval", "1.5", "--rounds", "3"])
            .arg(&targets),
        Duration::from_secs(30),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |name: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|l| l["labels"]["name"] == name)
            .collect()
    };
    let good = of("good");
    assert_eq!(good.len(), 3, "a line per round: {lines:?}");
    for l in &good {
        assert_eq!(l["ok"], true, "{l}");
        let ms = l["duration_ms"].as_f64().unwrap();
        assert!(ms < 600.0, "the healthy agent waited on the others: {l}");
    }
    let interfaces = good[0]["interfaces"].as_array().unwrap().len();
    let too_big = of("toobig");
    assert_eq!(too_big.len(), 3);
    for l in &too_big {
        assert_eq!(l["ok"], true, "{l}");
        assert_eq!(
            l["interfaces"].as_array().unwrap().len(),
            interfaces,
            "whole table despite tooBig"
        );
    }
    for l in of("dead") {
        assert_eq!(
            (l["ok"].clone(), l["reason"].clone()),
            (Value::Bool(false), Value::from("timeout")),
            "{l}"
        );
        assert!(
            l["error"].as_str().unwrap().contains(&f.dead.to_string()),
            "{l}"
        );
    }
    for l in of("slow") {
        assert_eq!(l["ok"], false, "{l}");
        assert_eq!(l["reason"], "deadline", "{l}");
        assert!(l["error"].as_str().unwrap().contains("too slowly"), "{l}");
    }
    drop(f);
}

#[test]
fn exporter_scrapes_stay_on_time_around_dead_slow_and_too_big_agents() {
    let f = fleet();
    let dir = common::tempdir("exporter-faults");
    let config = dir.join("generator.yml");
    std::fs::write(
        &config,
        "modules:\n  if_mib:\n    walk: [sysUpTime, interfaces, ifXTable]\n    timeout: 400ms\n    retries: 1\n    lookups:\n      - source_indexes: [ifIndex]\n        lookup: ifName\n",
    )
    .unwrap();
    let exporter = daemons::start_exporter(&config, &[]);
    let scrape = |addr: std::net::SocketAddr, timeout: &str| {
        let started = Instant::now();
        let r = http_get(
            exporter.addr,
            &format!("/snmp?target={addr}&module=if_mib"),
            &[("X-Prometheus-Scrape-Timeout-Seconds", timeout)],
            Duration::from_secs(20),
        )
        .expect("the exporter answers");
        (r, started.elapsed())
    };
    std::thread::scope(|s| {
        let dead = s.spawn(|| scrape(f.dead, "10"));
        let slow = s.spawn(|| scrape(f.slow.local_addr(), "2"));
        std::thread::sleep(Duration::from_millis(50));
        let (good, took) = scrape(f.good.local_addr(), "10");
        assert_eq!(good.status, 200, "{}", good.body);
        assert!(
            took < Duration::from_millis(800),
            "the healthy agent waited {took:?}"
        );
        assert!(
            good.body
                .contains("snmp_scrape_incomplete{module=\"if_mib\"} 0")
        );
        let (big, _) = scrape(f.too_big.local_addr(), "10");
        assert_eq!(big.status, 200, "{}", big.body);
        let count = |b: &str| b.lines().filter(|l| l.starts_with("ifInOctets{")).count();
        assert_eq!(
            count(&big.body),
            count(&good.body),
            "whole table despite tooBig"
        );
        assert!(count(&good.body) > 40);
        let (dead, took) = dead.join().unwrap();
        assert_eq!(dead.status, 500, "{}", dead.body);
        assert!(dead.body.contains("no response from"), "{}", dead.body);
        assert!(took < Duration::from_secs(5), "{took:?}");
        let (slow, took) = slow.join().unwrap();
        assert_eq!(slow.status, 200, "{}", slow.body);
        assert!(
            slow.body
                .contains("snmp_scrape_incomplete{module=\"if_mib\"} 1"),
            "{}",
            slow.body
        );
        assert!(
            took < Duration::from_millis(2000),
            "answered before Prometheus's timeout: {took:?}"
        );
    });
    let metrics = http_get(exporter.addr, "/metrics", &[], Duration::from_secs(5)).unwrap();
    assert!(
        metrics.body.contains("snmp_scrapes_incomplete_total 1"),
        "{}",
        metrics.body
    );
    let _ = std::fs::remove_dir_all(&dir);
    drop(f);
}

/// The GetBulk size an agent answers is learned: the second walk of a tooBig agent sends
/// no request the agent refuses, so it costs the agent fewer datagrams than the first.
#[test]
fn a_too_big_agent_costs_fewer_requests_once_learned() {
    let agent = frozen_switch(Faults {
        too_big_above: Some(1400),
        ..Faults::default()
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = rt.block_on(async {
        mibscope::fleet::Pool::new(
            mibscope::net::Client::bind().await.unwrap(),
            mibscope::fleet::Limits::default(),
        )
    });
    let target = std::sync::Arc::new(mibscope::proto::engine::Target {
        addr: agent.local_addr(),
        security: mibscope::proto::engine::Security::Community {
            version: mibscope::proto::Version::V2c,
            community: mibscope::proto::Community::new("public"),
        },
        timeout: Duration::from_secs(2),
        retries: 1,
    });
    let columns = mibscope::monitor::interfaces::InterfaceTable::columns();
    let mut walks = Vec::new();
    for _ in 0..2 {
        let before = agent.stats().datagrams;
        let found = rt.block_on(async {
            let mut sink = Vec::new();
            let mut counters = mibscope::fleet::Counters::default();
            pool.walk_columns(&target, &columns, 25, false, &mut sink, &mut counters)
                .await
                .unwrap();
            sink.len()
        });
        walks.push((found, agent.stats().datagrams - before));
    }
    assert_eq!(walks[0].0, walks[1].0, "the same table both times");
    assert!(walks[0].0 > 600, "{walks:?}");
    assert!(
        walks[1].1 < walks[0].1,
        "requests to the agent: first walk {}, second {}",
        walks[0].1,
        walks[1].1
    );
}

/// SIGHUP reads the targets file again: a new agent is polled from the next round on.
#[test]
fn poll_reloads_its_targets_on_sighup() {
    use std::io::{BufRead, BufReader};
    let a = frozen_switch(Faults::default());
    let b = frozen_switch(Faults::default());
    let dir = common::tempdir("poll-hup");
    let targets = dir.join("targets.yml");
    std::fs::write(
        &targets,
        format!("targets:\n  - agent: {}\n", a.local_addr()),
    )
    .unwrap();
    let mut child = Command::new(common::MIBSCOPE)
        .args(["poll", "--interval", "0.3"])
        .arg(&targets)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |agent: &str| {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                let v: Value = serde_json::from_str(&line).unwrap();
                if v["agent"] == agent && v["ok"] == true {
                    return true;
                }
            }
        }
        false
    };
    let found_a = wait_for(&a.local_addr().to_string());
    std::fs::write(
        &targets,
        format!(
            "targets:\n  - agent: {}\n  - agent: {}\n",
            a.local_addr(),
            b.local_addr()
        ),
    )
    .unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    let found_b = wait_for(&b.local_addr().to_string());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(found_a, "the first agent was polled");
    assert!(hup.success());
    assert!(found_b, "the agent added before SIGHUP was polled");
}
