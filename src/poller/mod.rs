//! `mibscope poll`: every interval, each agent's system group and interface table (and any
//! extra objects) through the fleet pool, one JSON line per agent per round, with rates
//! from the monitor module (Counter32 wraps, restarts seen through sysUpTime). An agent
//! that does not answer gets a line with the reason (an entry may name a profiles.toml agent); one that is still being polled when
//! the next round starts is not polled twice. The targets file is read again on SIGHUP,
//! and what was learned of agents that stay is kept.

pub mod targets;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value as Json, json};

use crate::fleet::{Counters, FleetError, Pool, Work, join_all};
use crate::monitor::interfaces::{Gap, IfStatus, InterfaceTable};
use crate::proto::engine::{RequestError, Target};
use crate::proto::{Oid, Value, VarBind};
use crate::session::{Defaults, Profiles, TargetOptions};

pub use targets::{TargetEntry, TargetsError, TargetsFile};

/// sysDescr, sysObjectID, sysUpTime, sysContact, sysName, sysLocation (RFC 3418).
const SYSTEM: [(&str, u32); 6] = [
    ("sysDescr", 1),
    ("sysObjectID", 2),
    ("sysUpTime", 3),
    ("sysContact", 4),
    ("sysName", 5),
    ("sysLocation", 6),
];

fn system_oid(n: u32) -> Oid {
    Oid::from(&[1u32, 3, 6, 1, 2, 1, 1, n, 0][..])
}

/// How one agent is polled, and what is remembered between rounds.
pub struct Agent {
    pub entry: TargetEntry,
    /// The profile's labels, then the entry's.
    pub labels: BTreeMap<String, String>,
    /// `None` when the address did not resolve (the reason is in `address_error`).
    pub target: Option<Arc<Target>>,
    pub address_error: Option<String>,
    pub table: InterfaceTable,
    pub rounds: u64,
}

/// What to poll besides the system group and the interfaces.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    pub objects: Vec<(String, Oid)>,
    pub max_repetitions: u32,
}

/// A short code for why an agent gave no data.
pub fn reason(e: &FleetError) -> &'static str {
    match e {
        FleetError::Request(RequestError::Timeout { .. }) => "timeout",
        FleetError::Request(RequestError::Send { .. }) => "unreachable",
        FleetError::Request(RequestError::Report { .. } | RequestError::Security(_)) => "security",
        FleetError::Request(_) => "request",
        FleetError::Walk(_) => "walk",
        FleetError::Status(_) => "agent-error",
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn text(v: &Value) -> Json {
    match v {
        Value::OctetString(b) => Json::String(crate::exporter::values::valid_utf8(b)),
        Value::ObjectId(o) => Json::String(crate::exporter::compile::dotted(o)),
        other => value_json(other),
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Integer(n) => json!(n),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            json!(n)
        }
        Value::Counter64(n) => json!(n),
        Value::IpAddress(a) => json!(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        other => {
            let s = crate::exporter::values::value_as_string(other, None, None);
            Json::String(s)
        }
    }
}

fn status(s: Option<IfStatus>) -> Json {
    s.map_or(Json::Null, |s| Json::String(s.name()))
}

/// Polls one agent once, before `deadline`; the JSON line to print.
pub async fn poll_once(
    pool: &Pool,
    agent: &mut Agent,
    extra: &Extra,
    round: u64,
    deadline: Instant,
) -> Json {
    let started = Instant::now();
    let mut line = json!({
        "time": unix_now(),
        "round": round,
        "agent": agent.entry.name(),
    });
    if !agent.labels.is_empty() {
        line["labels"] = json!(agent.labels);
    }
    let Some(target) = agent.target.clone() else {
        line["ok"] = json!(false);
        line["reason"] = json!("address");
        line["error"] = json!(agent.address_error.clone().unwrap_or_default());
        return line;
    };
    let mut sinks: Vec<Vec<VarBind>> = vec![Vec::new(); 3];
    let mut counters = [Counters::default(); 3];
    let columns = InterfaceTable::columns();
    let system: Vec<Oid> = SYSTEM.iter().map(|(_, n)| system_oid(*n)).collect();
    let extra_oids: Vec<Oid> = extra.objects.iter().map(|(_, o)| o.clone()).collect();
    let reps = extra.max_repetitions.max(1);
    let mut error = None;
    let mut incomplete = false;
    {
        let [s0, s1, s2] = &mut sinks[..] else {
            unreachable!("three sinks")
        };
        let [c0, c1, c2] = &mut counters;
        let mut work: Vec<Work<'_>> = vec![
            Box::pin(pool.get(&target, &system, system.len(), s0, c0)),
            Box::pin(pool.walk_columns(&target, &columns, reps, false, s1, c1)),
        ];
        if !extra_oids.is_empty() {
            work.push(Box::pin(pool.walk_columns(
                &target,
                &extra_oids,
                reps,
                false,
                s2,
                c2,
            )));
        }
        tokio::select! {
            results = join_all(work) => error = results.into_iter().find_map(Result::err),
            () = tokio::time::sleep_until(deadline.into()) => incomplete = true,
        }
    }
    let took = started.elapsed();
    line["duration_ms"] = json!((took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0);
    let packets: u64 = counters.iter().map(|c| c.packets).sum();
    line["packets"] = json!(packets);
    if let Some(e) = &error {
        line["ok"] = json!(false);
        line["reason"] = json!(reason(e));
        line["error"] = json!(e.to_string());
        return line;
    }
    if incomplete {
        line["ok"] = json!(false);
        line["reason"] = json!("deadline");
        line["error"] = json!(format!(
            "the poll did not finish before the next round ({:?}); this agent answers too slowly for the interval",
            deadline.saturating_duration_since(started)
        ));
        return line;
    }
    agent.rounds += 1;
    let mut sys = serde_json::Map::new();
    let mut uptime = None;
    for vb in &sinks[0] {
        if let Some((name, n)) = SYSTEM.iter().find(|(_, n)| vb.oid == system_oid(*n)) {
            if *n == 3 {
                if let Value::TimeTicks(t) = vb.value {
                    uptime = Some(t);
                }
            }
            sys.insert((*name).to_string(), text(&vb.value));
        }
    }
    line["ok"] = json!(true);
    line["system"] = Json::Object(sys);
    agent.table.update(&sinks[1], uptime, Instant::now());
    let interfaces: Vec<Json> = agent
        .table
        .rows
        .iter()
        .map(|(index, row)| {
            json!({
                "ifIndex": index.0,
                "ifName": row.name,
                "ifDescr": row.descr,
                "ifAlias": row.alias,
                "admin": status(row.admin),
                "oper": status(row.oper),
                "speed_bps": row.speed,
                "in_bps": row.rates.in_bps,
                "out_bps": row.rates.out_bps,
                "in_pps": row.rates.in_pps,
                "out_pps": row.rates.out_pps,
                "in_errors_per_s": row.rates.in_errors,
                "out_errors_per_s": row.rates.out_errors,
                "in_discards_per_s": row.rates.in_discards,
                "out_discards_per_s": row.rates.out_discards,
                "utilization": row.utilization(),
                "gap": row.gap.map(Gap::describe),
            })
        })
        .collect();
    line["interfaces"] = Json::Array(interfaces);
    if !extra.objects.is_empty() {
        let mut objects = serde_json::Map::new();
        for vb in &sinks[2] {
            let name = extra
                .objects
                .iter()
                .find_map(|(name, root)| {
                    vb.oid.suffix_after(root).map(|suffix| {
                        let idx: Vec<String> = suffix.iter().map(u32::to_string).collect();
                        format!("{name}.{}", idx.join("."))
                    })
                })
                .unwrap_or_else(|| crate::exporter::compile::dotted(&vb.oid));
            objects.insert(name, value_json(&vb.value));
        }
        line["objects"] = Json::Object(objects);
    }
    line
}

/// The session options of one entry: its profile's (profiles.toml, with the environment
/// and snmp.conf behind it) or its `auth:`/community; the address, timeout and retries the
/// entry or the file give win.
fn options_of(
    file: &TargetsFile,
    entry: &TargetEntry,
    profiles: &mut Option<Result<Profiles, String>>,
) -> Result<(TargetOptions, Defaults, BTreeMap<String, String>), String> {
    let mut labels = BTreeMap::new();
    let (mut options, defaults) = match &entry.profile {
        Some(name) => {
            let loaded =
                profiles.get_or_insert_with(|| Profiles::load_default().map_err(|e| e.to_string()));
            let profiles = loaded.as_ref().map_err(Clone::clone)?;
            let profile = profiles.get(name).ok_or_else(|| {
                format!(
                    "no profile '{name}' in {}",
                    profiles
                        .path()
                        .map_or_else(|| "profiles.toml".into(), |p| p.display().to_string())
                )
            })?;
            let defaults = Defaults::load();
            let (options, _warnings) = profile.target_options(&defaults);
            labels.extend(profile.labels.clone());
            (options, defaults)
        }
        None => (file.auth_of(entry).target_options(), Defaults::none()),
    };
    if let Some(agent) = &entry.agent {
        options.agent.clone_from(agent);
    }
    if let Some(t) = entry.timeout.or(file.timeout) {
        options.timeout = t.0;
    } else if entry.profile.is_none() {
        options.timeout = Duration::from_secs(2);
    }
    if let Some(r) = entry.retries.or(file.retries) {
        options.retries = r;
    } else if entry.profile.is_none() {
        options.retries = 2;
    }
    labels.extend(entry.labels.clone());
    Ok((options, defaults, labels))
}

/// Resolves the targets of a file, keeping the state of agents already polled.
pub async fn agents_from(file: &TargetsFile, mut previous: HashMap<String, Agent>) -> Vec<Agent> {
    let mut profiles = None;
    let mut out = Vec::with_capacity(file.targets.len());
    for entry in &file.targets {
        let (target, address_error, labels) = match options_of(file, entry, &mut profiles) {
            Ok((options, defaults, labels)) => match defaults.target(&options).await {
                Ok(t) => (Some(t), None, labels),
                Err(e) => (None, Some(e.to_string()), labels),
            },
            Err(e) => (None, Some(e), entry.labels.clone()),
        };
        let (table, rounds) = match previous.remove(entry.name()) {
            Some(old) => (old.table, old.rounds),
            None => (InterfaceTable::new(8), 0),
        };
        out.push(Agent {
            entry: entry.clone(),
            labels,
            target,
            address_error,
            table,
            rounds,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::runner::{RunnerOptions, spawn};
    use crate::agent::{AgentConfig, Snapshot, StoreOptions};
    use crate::fleet::Limits;

    #[tokio::test]
    async fn one_round_then_rates_and_a_dead_agent_with_its_reason() {
        let agent = crate::agent::Agent::from_snapshot(
            &Snapshot::embedded_switch(),
            &StoreOptions::default(),
            AgentConfig::default(),
            Instant::now(),
        );
        let running = spawn(agent, RunnerOptions::loopback_ephemeral())
            .await
            .unwrap();
        let dead = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let file = TargetsFile::parse(
            &format!(
                "timeout: 200ms\nretries: 0\ntargets:\n  - agent: {}\n    labels: {{site: lab}}\n  - agent: {dead}\n",
                running.local_addr()
            ),
            "t.yml",
        )
        .unwrap();
        let mut agents = agents_from(&file, HashMap::new()).await;
        let pool = Pool::new(crate::net::Client::bind().await.unwrap(), Limits::default());
        let extra = Extra {
            objects: vec![],
            max_repetitions: 25,
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        let first = poll_once(&pool, &mut agents[0], &extra, 1, deadline).await;
        assert_eq!(first["ok"], json!(true), "{first}");
        assert_eq!(first["labels"]["site"], json!("lab"));
        assert_eq!(first["system"]["sysName"], json!("acc-sw-b2-01"));
        let ifs = first["interfaces"].as_array().unwrap();
        assert!(ifs.len() > 40, "{}", ifs.len());
        assert!(
            ifs.iter().all(|i| i["in_bps"].is_null()),
            "no rate after one poll"
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let second = poll_once(
            &pool,
            &mut agents[0],
            &extra,
            2,
            Instant::now() + Duration::from_secs(5),
        )
        .await;
        let busy = second["interfaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["in_bps"].as_f64().is_some_and(|r| r > 0.0))
            .count();
        assert!(busy > 10, "rates from the second poll: {second}");
        let gone = poll_once(
            &pool,
            &mut agents[1],
            &extra,
            1,
            Instant::now() + Duration::from_secs(5),
        )
        .await;
        assert_eq!(gone["ok"], json!(false));
        assert!(
            ["timeout", "unreachable"].contains(&gone["reason"].as_str().unwrap()),
            "{gone}"
        );
        assert!(
            gone["error"].as_str().unwrap().contains(&dead.to_string()),
            "{gone}"
        );
        running.shutdown().await;
    }
}
