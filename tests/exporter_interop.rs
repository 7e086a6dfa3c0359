//! `mibscope exporter` against the real peers: snmp_exporter side by side on the same
//! snmpd and the same generator.yml (its config made by its own generator from the same
//! MIB files), and a real Prometheus server scraping our exporter.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use common::daemons::{self, Daemon, http_get};
use mibscope::exporter::exposition::parse_text;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exporter")
        .join(name)
}

fn mibs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs")
}

/// Family name -> (HELP, TYPE) of a scrape.
fn headers(text: &str) -> BTreeMap<String, (String, String)> {
    let mut out: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            out.entry(name.into()).or_default().0 = help.into();
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, t) = rest.split_once(' ').unwrap_or((rest, ""));
            out.entry(name.into()).or_default().1 = t.into();
        }
    }
    out
}

fn scrape(d: &Daemon, target: &str, module: &str) -> String {
    let r = http_get(
        d.addr,
        &format!("/snmp?target={target}&module={module}"),
        &[],
        Duration::from_secs(60),
    )
    .unwrap_or_else(|| panic!("{} did not answer: {}", d.addr, d.stderr()));
    assert_eq!(r.status, 200, "{module} from {}: {}", d.addr, r.body);
    r.body
}

#[test]
fn same_series_as_snmp_exporter_on_snmpd() {
    let Some(snmpd) = common::Snmpd::start("") else {
        return;
    };
    let Some(snmp_yml) = daemons::generate_snmp_yml(&fixture("generator-0.21.yml"), &mibs()) else {
        return;
    };
    let Some(theirs) = daemons::start_snmp_exporter(&snmp_yml) else {
        return;
    };
    let ours = daemons::start_exporter(
        &fixture("generator-0.21.yml"),
        &["-M", &mibs().display().to_string()],
    );
    let target = snmpd.agent();
    for module in ["if_mib", "system"] {
        let a = scrape(&theirs, &target, module);
        let b = scrape(&ours, &target, module);
        let skip = |name: &str| name.starts_with("snmp_scrape_");
        let (ha, hb) = (headers(&a), headers(&b));
        let fams = |h: &BTreeMap<String, (String, String)>| -> BTreeSet<String> {
            h.keys().filter(|n| !skip(n)).cloned().collect()
        };
        assert_eq!(fams(&hb), fams(&ha), "{module}: metric families");
        for (name, (help, kind)) in &ha {
            if !skip(name) {
                assert_eq!(
                    &hb[name],
                    &(help.clone(), kind.clone()),
                    "{module}: {name} HELP/TYPE"
                );
            }
        }
        let series = |text: &str| -> BTreeMap<(String, Vec<(String, String)>), f64> {
            parse_text(text)
                .into_iter()
                .filter(|(n, _, _)| !skip(n))
                .map(|(n, l, v)| ((n, l), v))
                .collect()
        };
        let (sa, sb) = (series(&a), series(&b));
        let ka: BTreeSet<_> = sa.keys().collect();
        let kb: BTreeSet<_> = sb.keys().collect();
        assert_eq!(kb, ka, "{module}: series (names and labels)");
        assert!(sa.len() > 8, "{module}: only {} series", sa.len());
        // Values too, moving counters and uptime aside.
        for (key, v) in &sa {
            let moving = ha[&key.0].1 == "counter" || key.0 == "sysUpTime";
            if !moving {
                assert_eq!(sb[key], *v, "{module}: {key:?}");
            }
        }
        for name in [
            "snmp_scrape_pdus_returned",
            "snmp_scrape_walk_duration_seconds",
            "snmp_scrape_packets_sent",
        ] {
            assert!(
                b.contains(&format!("{name}{{module=\"{module}\"}}")),
                "{module}: {name}\n{b}"
            );
        }
    }
}

/// A tiny switch: three interfaces whose ifHCInOctets advance at known rates.
const RATES: [(u32, &str, u64); 3] = [
    (1, "Gi0/1", 1000),
    (2, "Gi0/2", 250_000),
    (3, "Gi0/3", 12_500_000),
];

fn rated_snapshot() -> mibscope::agent::Snapshot {
    let mut text = String::from(
        ".1.3.6.1.2.1.1.3.0 Timeticks uptime\n.1.3.6.1.2.1.1.5.0 STRING \"sim\"\n.1.3.6.1.2.1.2.1.0 INTEGER 3\n",
    );
    for (i, name, rate) in RATES {
        text.push_str(&format!(
            ".1.3.6.1.2.1.2.2.1.1.{i} INTEGER {i}\n.1.3.6.1.2.1.2.2.1.2.{i} STRING \"port {i}\"\n\
             .1.3.6.1.2.1.2.2.1.8.{i} INTEGER 1\n.1.3.6.1.2.1.31.1.1.1.1.{i} STRING \"{name}\"\n\
             .1.3.6.1.2.1.31.1.1.1.6.{i} Counter64 1000000 rate={rate}\n.1.3.6.1.2.1.31.1.1.1.18.{i} STRING \"\"\n"
        ));
    }
    mibscope::agent::Snapshot::parse(&text, "rated").unwrap()
}

/// Runs a PromQL instant query; the result vector as (labels, value).
fn query(prom: &Daemon, q: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    let encoded: String = q
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let r = http_get(
        prom.addr,
        &format!("/api/v1/query?query={encoded}"),
        &[],
        Duration::from_secs(10),
    )
    .expect("prometheus answers");
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let labels = s["metric"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            let value: f64 = s["value"][1]
                .as_str()
                .unwrap_or("nan")
                .parse()
                .unwrap_or(f64::NAN);
            (labels, value)
        })
        .collect()
}

#[test]
fn prometheus_scrapes_the_exporter_and_sees_the_agents_rates() {
    if common::missing("prometheus") {
        return;
    }
    let snmpd = common::Snmpd::start("");
    let sim = common::agent::start(
        &rated_snapshot(),
        &mibscope::agent::StoreOptions::default(),
        mibscope::agent::AgentConfig::default(),
    );
    let ours = daemons::start_exporter(
        &fixture("generator-0.21.yml"),
        &["-M", &mibs().display().to_string()],
    );
    let mut targets = vec![format!("'{}'", sim.local_addr())];
    if let Some(s) = &snmpd {
        targets.push(format!("'{}'", s.agent()));
    }
    let config = format!(
        "  - job_name: snmp\n    metrics_path: /snmp\n    params:\n      module: [if_mib]\n    static_configs:\n      - targets: [{}]\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: '{}'\n",
        targets.join(", "),
        ours.addr
    );
    let Some(prom) = daemons::start_prometheus(&config) else {
        return;
    };
    let sim_instance = sim.local_addr().to_string();
    // Wait (bounded) until Prometheus has several scrapes of the simulated agent.
    let deadline = Instant::now() + Duration::from_secs(40);
    let rates = loop {
        let got = query(
            &prom,
            &format!("rate(ifHCInOctets{{instance=\"{sim_instance}\"}}[6s])"),
        );
        let scrapes = query(
            &prom,
            &format!("count_over_time(up{{instance=\"{sim_instance}\"}}[1m])"),
        );
        if got.len() == RATES.len() && scrapes.first().is_some_and(|s| s.1 >= 6.0) {
            break got;
        }
        assert!(
            Instant::now() < deadline,
            "no rates after 40 s: {got:?} {scrapes:?}\n{}",
            ours.stderr()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    for (labels, rate) in &rates {
        let name = &labels["ifName"];
        let (i, _, want) = RATES
            .iter()
            .find(|r| r.1 == name)
            .unwrap_or_else(|| panic!("{labels:?}"));
        assert_eq!(labels["ifIndex"], i.to_string());
        assert_eq!(labels["ifDescr"], format!("port {i}"));
        let want = *want as f64;
        assert!(
            (rate - want).abs() <= want * 0.05,
            "{name}: rate {rate}, configured {want}"
        );
    }
    let up = query(&prom, "up");
    assert!(up.iter().all(|(_, v)| *v == 1.0), "{up:?}");
    if let Some(s) = &snmpd {
        let series = query(
            &prom,
            &format!("ifHCInOctets{{instance=\"{}\"}}", s.agent()),
        );
        assert!(!series.is_empty(), "snmpd's interfaces through Prometheus");
        assert!(
            series
                .iter()
                .all(|(l, _)| l.contains_key("ifName") && l.contains_key("ifDescr")),
            "{series:?}"
        );
        assert!(
            series.iter().any(|(l, _)| l["ifName"] == "lo"),
            "{series:?}"
        );
    }
}

#[test]
fn bad_requests_are_named_and_reload_picks_up_new_modules() {
    let sim = common::agent::frozen_switch(mibscope::agent::Faults::default());
    let dir = common::tempdir("exporter-reload");
    let config = dir.join("generator.yml");
    std::fs::write(&config, "modules:\n  sys:\n    walk: [sysName]\n").unwrap();
    let ours = daemons::start_exporter(&config, &[]);
    let get = |path: &str| http_get(ours.addr, path, &[], Duration::from_secs(20)).unwrap();
    let target = sim.local_addr();
    for (path, status, needle) in [
        (
            "/snmp?module=sys".to_string(),
            400,
            "'target' parameter must be specified once",
        ),
        (
            format!("/snmp?target={target}&module=nope"),
            400,
            "Unknown module 'nope'",
        ),
        (
            format!("/snmp?target={target}&module=sys&auth=nope"),
            400,
            "Unknown auth 'nope'",
        ),
        (
            format!("/snmp?target={target}&module=sys&auth=a&auth=b"),
            400,
            "'auth' parameter must only be specified once",
        ),
        (
            "/snmp?target=tcp:127.0.0.1:1&module=sys".to_string(),
            400,
            "not supported",
        ),
        ("/nothing".to_string(), 404, "not found"),
        ("/-/healthy".to_string(), 200, "Healthy"),
        ("/".to_string(), 200, "<form action=\"/snmp\">"),
    ] {
        let r = get(&path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(r.body.contains(needle), "{path}: {}", r.body);
    }
    let r = get(&format!("/snmp?target={target}&module=sys"));
    assert!(
        r.body.contains("sysName{sysName=\"acc-sw-b2-01\"} 1"),
        "{}",
        r.body
    );
    assert!(
        get("/metrics").body.contains("snmp_request_errors_total 5"),
        "the bad requests are counted"
    );
    // A new module, then reload: served without a restart.
    std::fs::write(
        &config,
        "modules:\n  sys:\n    walk: [sysName]\n  up:\n    walk: [sysUpTime]\n",
    )
    .unwrap();
    let r = common::daemons::http(ours.addr, "POST", "/-/reload", &[], Duration::from_secs(60))
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(&format!("/snmp?target={target}&module=up"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("# TYPE sysUpTime gauge"), "{}", r.body);
    // A broken configuration leaves the running one in place.
    std::fs::write(
        &config,
        "modules:\n  sys:\n    walk: [noSuchObjectAnywhere]\n",
    )
    .unwrap();
    let r = common::daemons::http(ours.addr, "POST", "/-/reload", &[], Duration::from_secs(60))
        .unwrap();
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("cannot find oid 'noSuchObjectAnywhere'"),
        "{}",
        r.body
    );
    assert_eq!(get(&format!("/snmp?target={target}&module=up")).status, 200);
    let _ = std::fs::remove_dir_all(&dir);
}
