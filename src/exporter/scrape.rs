//! One scrape: a target's modules fetched through the fleet pool within a deadline, then
//! collected and encoded. Dynamic filters run first (they choose what to get); Gets and
//! the walk groups of a module then run side by side. When the deadline comes, what has
//! arrived is what the scrape returns, marked incomplete, so Prometheus gets samples
//! rather than a cancelled scrape.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::collect::{self, Family, Pdus};
use super::compile::{DynamicFilter, MetricType, Module, WalkGroup};
use super::config::AuthConfig;
use super::exposition;
use crate::fleet::{Counters, FleetError, Pool, Work, join_all};
use crate::proto::engine::{Security, Target};
use crate::proto::{Oid, VarBind};
use crate::session::{Defaults, SessionError};

/// What one module's fetch produced.
#[derive(Debug)]
pub struct ModuleFetch {
    pub varbinds: Vec<VarBind>,
    pub counters: Counters,
    pub duration: Duration,
    /// The first error that stopped a Get or a walk.
    pub error: Option<FleetError>,
    /// The deadline came first.
    pub incomplete: bool,
}

/// Fetches what `module` needs from `target` (whose timeout and retries are the module's).
pub async fn fetch_module(
    pool: &Pool,
    target: &Arc<Target>,
    module: &Module,
    deadline: Instant,
) -> ModuleFetch {
    let started = Instant::now();
    let p = module.params;
    let mut counters = Counters::default();
    let mut get = module.get.clone();
    let mut plan = module.plan.clone();
    let mut error = None;
    let mut incomplete = false;

    // Dynamic filters: walk the filter OID, keep the indices whose value matches.
    if !module.dynamic_filters.is_empty() {
        let mut allowed: BTreeMap<Oid, Vec<u32>> = BTreeMap::new();
        for f in &module.dynamic_filters {
            let mut sink = Vec::new();
            let walked = tokio::time::timeout_at(
                deadline.into(),
                pool.walk_subtree(
                    target,
                    &f.oid,
                    p.max_repetitions,
                    p.allow_non_increasing,
                    &mut sink,
                    &mut counters,
                ),
            )
            .await;
            if !matches!(walked, Ok(Ok(()))) {
                // As snmp_exporter: a filter that cannot be read filters nothing.
                continue;
            }
            let indices = filter_indices(f, &sink);
            for t in &f.targets {
                let entry = allowed.entry(t.clone()).or_insert_with(|| indices.clone());
                entry.retain(|i| indices.contains(i));
            }
        }
        for (t, indices) in allowed {
            plan = remove_target(plan, &t);
            get.retain(|g| !g.starts_with(&t));
            get.extend(indices.iter().map(|i| t.child(&[*i])));
        }
    }

    let mut sinks: Vec<Vec<VarBind>> = vec![Vec::new(); plan.len() + 1];
    let mut counter_slots: Vec<Counters> = vec![Counters::default(); plan.len() + 1];
    {
        let (get_sink, walk_sinks) = sinks.split_first_mut().expect("one sink at least");
        let (get_counters, walk_counters) = counter_slots
            .split_first_mut()
            .expect("one counter at least");
        let mut work: Vec<Work<'_>> = Vec::with_capacity(plan.len() + 1);
        let get = &get;
        work.push(Box::pin(pool.get(
            target,
            get,
            p.max_repetitions as usize,
            get_sink,
            get_counters,
        )));
        for ((group, sink), c) in plan.iter().zip(walk_sinks).zip(walk_counters) {
            work.push(match group {
                WalkGroup::Subtree(root) => Box::pin(pool.walk_subtree(
                    target,
                    root,
                    p.max_repetitions,
                    p.allow_non_increasing,
                    sink,
                    c,
                )),
                WalkGroup::Columns { oids, scalars } => Box::pin(pool.walk_columns(
                    target,
                    oids,
                    // A scalar has one instance: two repetitions see it and its end.
                    if *scalars { 2 } else { p.max_repetitions },
                    p.allow_non_increasing,
                    sink,
                    c,
                )),
            });
        }
        tokio::select! {
            results = join_all(work) => {
                error = results.into_iter().find_map(Result::err);
            }
            () = tokio::time::sleep_until(deadline.into()) => incomplete = true,
        }
    }
    for c in counter_slots {
        counters.add(c);
    }
    ModuleFetch {
        varbinds: sinks.into_iter().flatten().collect(),
        counters,
        duration: started.elapsed(),
        error,
        incomplete,
    }
}

/// The last arc of each varbind whose value (as a DisplayString) matches a filter value.
fn filter_indices(f: &DynamicFilter, varbinds: &[VarBind]) -> Vec<u32> {
    varbinds
        .iter()
        .filter(|vb| {
            let text =
                super::values::value_as_string(&vb.value, Some(MetricType::DisplayString), None);
            f.values.iter().any(|re| re.is_match(&text))
        })
        .filter_map(|vb| vb.oid.arcs().last().copied())
        .collect()
}

/// The plan without `target` (a filtered object is fetched by Get at its indices).
fn remove_target(plan: Vec<WalkGroup>, target: &Oid) -> Vec<WalkGroup> {
    plan.into_iter()
        .filter_map(|g| match g {
            WalkGroup::Subtree(root) if root == *target => None,
            WalkGroup::Columns { oids, scalars } => {
                let oids: Vec<Oid> = oids.into_iter().filter(|o| o != target).collect();
                (!oids.is_empty()).then_some(WalkGroup::Columns { oids, scalars })
            }
            other => Some(other),
        })
        .collect()
}

/// A module's result in a scrape.
pub struct ModuleResult<'m> {
    pub module: &'m Module,
    pub fetch: ModuleFetch,
}

/// What a scrape serves, or why it cannot.
pub enum ScrapeOutcome {
    /// The text format, and whether the deadline cut it short.
    Body { text: Vec<u8>, incomplete: bool },
    /// A module failed outright (as snmp_exporter, the scrape is an error: `up` is 0).
    Failed(String),
}

/// Collects fetched modules into the text format, with snmp_exporter's `snmp_scrape_*`
/// series per module, and `snmp_scrape_incomplete` (1 when the deadline cut it short).
pub fn render(results: &[ModuleResult<'_>], walltime_started: Instant) -> ScrapeOutcome {
    for r in results {
        if let Some(e) = &r.fetch.error {
            if !r.fetch.incomplete {
                return ScrapeOutcome::Failed(format!("module {}: {e}", r.module.name));
            }
        }
    }
    let mut families: HashMap<String, Family> = HashMap::new();
    let mut incomplete = false;
    for r in results {
        incomplete |= r.fetch.incomplete;
        let pdus = Pdus::new(&r.fetch.varbinds);
        let collected = collect::collect(r.module, &pdus);
        for (name, family) in collected.families {
            match families.get_mut(&name) {
                // The same metric in two modules: one family (duplicates are dropped
                // when encoding).
                Some(into) => into.samples.extend(family.samples),
                None => {
                    families.insert(name, family);
                }
            }
        }
        let m = r.module.name.as_str();
        let f = &r.fetch;
        let stats: [(&str, &str, f64); 6] = [
            (
                "snmp_scrape_walk_duration_seconds",
                "Time SNMP walk/bulkwalk took.",
                f.duration.as_secs_f64(),
            ),
            (
                "snmp_scrape_packets_sent",
                "Packets sent for get, bulkget, and walk; including retries.",
                f.counters.packets as f64,
            ),
            (
                "snmp_scrape_packets_retried",
                "Packets retried for get, bulkget, and walk.",
                f.counters.retries as f64,
            ),
            (
                "snmp_scrape_pdus_returned",
                "PDUs returned from get, bulkget, and walk.",
                f.varbinds.len() as f64,
            ),
            (
                "snmp_scrape_duration_seconds",
                "Total SNMP time scrape took (walk and processing).",
                walltime_started.elapsed().as_secs_f64(),
            ),
            (
                "snmp_scrape_incomplete",
                "1 when the scrape deadline (X-Prometheus-Scrape-Timeout-Seconds) came before the module was fetched whole: its series are what had arrived.",
                if f.incomplete { 1.0 } else { 0.0 },
            ),
        ];
        for (name, help, value) in stats {
            let sample = exposition::gauge(help, &[("module", m)], value);
            match families.get_mut(name) {
                Some(f) => f.samples.extend(sample.samples),
                None => {
                    families.insert(name.to_string(), sample);
                }
            }
        }
    }
    let (text, _duplicates) = exposition::encode(families.into_iter().collect());
    ScrapeOutcome::Body { text, incomplete }
}

/// The `Security` an `auths:` entry describes, through the session module (nothing from
/// the environment or snmp.conf: the configuration file says it all, as for snmp_exporter).
pub fn security(auth: &AuthConfig) -> Result<Security, SessionError> {
    let options = auth.target_options();
    let defaults = Defaults::none();
    defaults.security(defaults.version(&options)?, &options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exporter::config::Secret;

    #[test]
    fn filters_remove_their_targets_from_the_plan() {
        let o = |s: &str| s.parse::<Oid>().unwrap();
        let plan = vec![
            WalkGroup::Columns {
                oids: vec![o("1.3.6.1.2.1.31.1.1.1.6"), o("1.3.6.1.2.1.31.1.1.1.1")],
                scalars: false,
            },
            WalkGroup::Subtree(o("1.3.6.1.2.1.2")),
        ];
        let out = remove_target(plan, &o("1.3.6.1.2.1.31.1.1.1.6"));
        assert_eq!(
            out[0],
            WalkGroup::Columns {
                oids: vec![o("1.3.6.1.2.1.31.1.1.1.1")],
                scalars: false
            }
        );
        assert_eq!(remove_target(out, &o("1.3.6.1.2.1.2")).len(), 1);
        let f = DynamicFilter {
            oid: o("1.3.6.1.2.1.2.2.1.2"),
            targets: vec![],
            values: vec![regex_lite::Regex::new("^eth").unwrap()],
        };
        let vbs = vec![
            VarBind::new(
                o("1.3.6.1.2.1.2.2.1.2.1"),
                crate::proto::Value::OctetString(b"lo".to_vec()),
            ),
            VarBind::new(
                o("1.3.6.1.2.1.2.2.1.2.2"),
                crate::proto::Value::OctetString(b"eth0".to_vec()),
            ),
        ];
        assert_eq!(filter_indices(&f, &vbs), vec![2]);
    }

    #[test]
    fn auths_become_security() {
        let v2 = AuthConfig::default();
        assert_eq!(security(&v2).unwrap().version(), crate::proto::Version::V2c);
        let v3 = AuthConfig {
            version: 3,
            username: "u".into(),
            security_level: "authPriv".into(),
            password: Secret::new("authpass1"),
            priv_password: Secret::new("privpass1"),
            auth_protocol: "SHA256".into(),
            priv_protocol: "AES256C".into(),
            ..AuthConfig::default()
        };
        assert_eq!(security(&v3).unwrap().version(), crate::proto::Version::V3);
        let short = AuthConfig {
            password: Secret::new("short"),
            ..v3
        };
        let e = security(&short).unwrap_err().to_string();
        assert!(e.contains("at least 8") && !e.contains("short"), "{e}");
    }
}
