//! From a `generator.yml` module and the MIB store to the module the collector runs: the
//! metrics with their names, types, help, index labels and lookups, and the OIDs to get
//! and walk. This is snmp_exporter's generator (generator/tree.go `prepareTree` and
//! `generateConfigModule`) done at start-up from our own compiled MIB instead of from
//! Net-SNMP's parser, rule for rule, so the same file gives the same series:
//!
//! - a node's type comes from its SYNTAX, then DISPLAY-HINT and textual convention tweaks
//!   (`1x:` is PhysAddress48, `255a` is DisplayString, DateAndTime, InetAddress, ...), then
//!   the module's type overrides;
//! - a walk entry naming a scalar becomes a Get of `.0`, a table instance a Get, anything
//!   else a subtree walk; overlapping entries are merged;
//! - columns inherit their row's INDEX (through AUGMENTS); index labels take the index
//!   object's type; lookups add labels from other objects at the same index.

mod lookups;
mod module;
mod walks;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::config::ModuleConfig;
use super::nodes::{NodeInfo, parse_dotted};
use crate::mib::NodeId;
use crate::proto::Oid;

pub use super::nodes::{MibIndex, dotted};
use lookups::{apply_override, compile_lookup};
pub use module::{
    CompileError, DynamicFilter, EnumValues, Index, Lookup, Metric, MetricType, Module,
    RegexExtract, WalkGroup, WalkParams, Warning,
};
use walks::{plan_walks, previous_oid};

/// generateConfigModule's metricAccess and "no indexes": a node to Get at `.0`.
fn is_scalar(n: &NodeInfo) -> bool {
    MetricType::from_name(&n.type_name).is_some() && n.access_ok && n.indexes.is_empty()
}

/// minimizeOids: drop entries inside another's subtree (by text, as the generator does).
fn minimize(mut oids: Vec<String>) -> Vec<String> {
    oids.sort();
    oids.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut prev = String::new();
    for oid in oids {
        if prev.is_empty() || !format!("{oid}.").starts_with(&prev) {
            prev = format!("{oid}.");
            out.push(oid);
        }
    }
    out
}

pub(super) fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Builds one module. `warnings` collects what the generator would log.
pub fn compile_module(
    index: &MibIndex<'_>,
    name: &str,
    cfg: &ModuleConfig,
    warnings: &mut Vec<Warning>,
) -> Result<Module, CompileError> {
    let module = name.to_string();
    // Type overrides change the node for this module only.
    let mut type_override: HashMap<NodeId, String> = HashMap::new();
    for (target, o) in &cfg.overrides {
        if o.type_.is_empty() {
            continue;
        }
        match index.lookup(target) {
            Some(id) => {
                type_override.insert(id, o.type_.clone());
            }
            None => warnings.push(Warning(format!(
                "module {name}: could not find node '{target}' to override type"
            ))),
        }
    }
    let info = |id: NodeId| -> NodeInfo {
        let mut i = index.info(id);
        if let Some(t) = type_override.get(&id) {
            i.type_name.clone_from(t);
        }
        i
    };

    let mut need: BTreeSet<String> = BTreeSet::new();
    let mut table_instances: HashMap<String, Vec<String>> = HashMap::new();
    let mut to_walk = Vec::new();
    for oid in &cfg.walk {
        if oid.starts_with('.') {
            return Err(CompileError::LeadingDot {
                module,
                oid: oid.clone(),
            });
        }
        to_walk.push(match index.lookup(oid) {
            Some(id) => info(id).oid_text,
            None => oid.clone(),
        });
    }
    let mut metric_roots: BTreeMap<String, NodeId> = BTreeMap::new();
    for oid in minimize(to_walk) {
        if let Some(id) = index.lookup(&oid) {
            let n = info(id);
            if is_scalar(&n) {
                need.insert(format!("{oid}.0."));
            } else {
                need.insert(oid.clone());
            }
            metric_roots.insert(n.oid_text.clone(), id);
            continue;
        }
        let found = parse_dotted(&oid).and_then(|o| index.deepest(&o).map(|id| (o, id)));
        let Some((full, id)) = found else {
            return Err(CompileError::NotFound { module, oid });
        };
        let n = info(id);
        if MetricType::from_name(&n.type_name).is_none() || !n.access_ok || n.indexes.is_empty() {
            return Err(CompileError::NotFound { module, oid });
        }
        need.insert(format!("{oid}."));
        let suffix = dotted(&full)[n.oid_text.len()..].to_string();
        table_instances
            .entry(n.oid_text.clone())
            .or_default()
            .push(suffix);
        metric_roots.insert(n.oid_text.clone(), id);
    }

    let mut metrics: Vec<Metric> = Vec::new();
    let mut metric_nodes: Vec<NodeInfo> = Vec::new();
    for &root in metric_roots.values() {
        let mut stack = vec![index.mib.node(root)];
        let mut order = Vec::new();
        while let Some(n) = stack.pop() {
            order.push(n.id());
            let kids: Vec<_> = n.children().collect();
            stack.extend(kids.into_iter().rev());
        }
        for id in order {
            let n = info(id);
            let Some(kind) = MetricType::from_name(&n.type_name) else {
                continue;
            };
            if !n.access_ok {
                continue;
            }
            let metric_name = sanitize(&n.label);
            if cfg.overrides.get(&metric_name).is_some_and(|o| o.ignore) {
                continue;
            }
            let mut metric = Metric {
                name: metric_name,
                oid: n.oid.clone(),
                kind,
                help: format!("{} - {}", n.description, n.oid_text),
                indexes: Vec::new(),
                lookups: Vec::new(),
                regex_extracts: Vec::new(),
                datetime_pattern: String::new(),
                enum_values: n.enum_values.clone(),
                offset: 0.0,
                scale: 0.0,
                display_hint: None,
            };
            let mut prev_tc = String::new();
            let mut prev2_tc = String::new();
            let mut skip = false;
            for (count, i) in n.indexes.iter().enumerate() {
                let Some(index_id) = index.lookup(i) else {
                    warnings.push(Warning(format!(
                        "module {name}: could not find index {i} for node {}",
                        n.label
                    )));
                    skip = true;
                    break;
                };
                let index_node = info(index_id);
                let Some(mut kind) = MetricType::from_name(&index_node.type_name) else {
                    warnings.push(Warning(format!(
                        "module {name}: can't handle index type {} of {i} on node {}",
                        index_node.type_name, n.label
                    )));
                    skip = true;
                    break;
                };
                if !index_node.enum_values.is_empty()
                    && kind != MetricType::EnumAsStateSet
                    && index_node.type_name != "gauge"
                {
                    kind = MetricType::EnumAsInfo;
                }
                if !kind.renderable_as_index() {
                    return Err(CompileError::IndexType {
                        module,
                        index: i.clone(),
                        kind: kind.as_str().into(),
                        metric: n.label.clone(),
                    });
                }
                if let Some(selector) = kind.selector_tc() {
                    if prev_tc == selector {
                        metric.indexes.pop();
                    } else if prev2_tc == selector {
                        metric
                            .indexes
                            .truncate(metric.indexes.len().saturating_sub(2));
                    } else {
                        warnings.push(Warning(format!(
                            "module {name}: can't handle index type {} on node {}, missing preceding {selector}",
                            kind.as_str(),
                            n.label
                        )));
                        skip = true;
                        break;
                    }
                }
                prev2_tc = std::mem::take(&mut prev_tc);
                prev_tc = index_node.tc.clone().unwrap_or_default();
                metric.indexes.push(Index {
                    labelname: i.clone(),
                    kind,
                    fixed_size: index_node.fixed_size,
                    implied: n.implied && count + 1 == n.indexes.len(),
                    enum_values: index_node.enum_values.clone(),
                });
            }
            if skip {
                continue;
            }
            metrics.push(metric);
            metric_nodes.push(n);
        }
    }

    // Static filters by target OID.
    let mut filter_map: HashMap<String, Vec<String>> = HashMap::new();
    for f in &cfg.filters.static_ {
        for t in &f.targets {
            let oid = index
                .lookup(t)
                .map_or_else(|| t.clone(), |id| info(id).oid_text);
            filter_map.insert(oid, f.indices.clone());
        }
    }

    let required_as_index: Vec<&String> = cfg
        .lookups
        .iter()
        .flat_map(|l| l.source_indexes.iter())
        .collect();
    for metric in &mut metrics {
        let mut to_delete: Vec<String> = Vec::new();
        for lookup in &cfg.lookups {
            let found = metric
                .indexes
                .iter()
                .filter(|i| lookup.source_indexes.contains(&i.labelname))
                .count();
            if found != lookup.source_indexes.len() {
                continue;
            }
            let l = compile_lookup(index, &info, &module, lookup, &metric.oid, warnings)?;
            let (lookup_node, mut lk) = l;
            if required_as_index.contains(&&lk.labelname) {
                let kind = lk.kind.unwrap_or(MetricType::OctetString);
                if !kind.renderable_as_index() {
                    return Err(CompileError::LookupAsIndex {
                        module,
                        lookup: lookup.lookup.clone(),
                        kind: kind.as_str().into(),
                    });
                }
                metric.indexes.push(Index {
                    labelname: lk.labelname.clone(),
                    kind,
                    fixed_size: 0,
                    implied: false,
                    enum_values: lookup_node.enum_values.clone(),
                });
            }
            let metric_text = dotted(&metric.oid);
            match table_instances.get(&metric_text) {
                Some(instances) => {
                    for i in instances {
                        need.insert(format!("{}{i}.", lookup_node.oid_text));
                    }
                }
                None => {
                    need.insert(lookup_node.oid_text.clone());
                }
            }
            if let Some(indices) = filter_map.get(&lookup_node.oid_text) {
                need.remove(&metric_text);
                for i in indices {
                    need.insert(format!("{metric_text}.{i}."));
                }
            }
            if lookup.drop_source_indexes {
                to_delete.extend(lookup.source_indexes.iter().cloned());
            }
            lk.labels = lookup.source_indexes.iter().map(|s| sanitize(s)).collect();
            metric.lookups.push(lk);
        }
        for l in to_delete {
            metric.lookups.push(Lookup {
                labels: Vec::new(),
                labelname: sanitize(&l),
                oid: None,
                kind: None,
                display_hint: None,
                enum_values: EnumValues::new(),
            });
        }
    }
    for metric in &mut metrics {
        for i in &mut metric.indexes {
            i.labelname = sanitize(&i.labelname);
        }
    }

    // An InetAddress must follow its InetAddressType, else it is an OctetString.
    for metric in &mut metrics {
        if !matches!(
            metric.kind,
            MetricType::InetAddress | MetricType::InetAddressMissingSize
        ) {
            continue;
        }
        let prev = previous_oid(&metric.oid);
        let prev_text = prev.as_ref().map(dotted).unwrap_or_default();
        let selector = prev
            .as_ref()
            .and_then(|p| index.mib.node_at(p))
            .map(&info)
            .filter(|p| p.tc.as_deref() == Some("InetAddressType"));
        if selector.is_none() {
            metric.kind = MetricType::OctetString;
            continue;
        }
        match table_instances.get(&dotted(&metric.oid)) {
            Some(instances) => {
                for i in instances {
                    need.insert(format!("{prev_text}{i}."));
                }
            }
            None => {
                need.insert(prev_text);
            }
        }
    }

    for (target, o) in &cfg.overrides {
        for metric in &mut metrics {
            if *target != metric.name && *target != dotted(&metric.oid) {
                continue;
            }
            apply_override(index, &info, metric, o, warnings);
        }
    }

    for f in &cfg.filters.static_ {
        for t in &f.targets {
            let oid = index
                .lookup(t)
                .map_or_else(|| t.clone(), |id| info(id).oid_text);
            need.remove(&oid);
            for i in &f.indices {
                need.insert(format!("{oid}.{i}."));
            }
        }
    }

    let mut dynamic_filters = Vec::new();
    for f in &cfg.filters.dynamic {
        let resolve = |t: &str| -> Result<Oid, CompileError> {
            index
                .lookup(t)
                .map(|id| info(id).oid)
                .or_else(|| parse_dotted(t))
                .ok_or_else(|| CompileError::FilterOid {
                    module: module.clone(),
                    oid: t.to_string(),
                })
        };
        dynamic_filters.push(DynamicFilter {
            oid: resolve(&f.oid)?,
            targets: f
                .targets
                .iter()
                .map(|t| resolve(t))
                .collect::<Result<_, _>>()?,
            values: f
                .values
                .iter()
                .filter_map(|v| regex_lite::Regex::new(v).ok())
                .collect(),
        });
    }

    let mut walk = Vec::new();
    let mut get = Vec::new();
    for k in minimize(need.into_iter().collect()) {
        match k.strip_suffix('.') {
            Some(instance) => get.extend(parse_dotted(instance)),
            None => walk.extend(parse_dotted(&k)),
        }
    }
    let plan = plan_walks(index, &walk, &metrics);
    let defaults = WalkParams::default();
    let params = WalkParams {
        max_repetitions: cfg.max_repetitions.unwrap_or(defaults.max_repetitions),
        retries: cfg.retries.unwrap_or(defaults.retries),
        timeout: cfg.timeout.map_or(defaults.timeout, |t| t.0),
        allow_non_increasing: cfg.allow_nonincreasing_oids,
    };
    let legacy_auth = (cfg.auth.is_some() || cfg.version.is_some()).then(|| {
        let mut auth = cfg.auth.clone().unwrap_or_default();
        if let Some(v) = cfg.version {
            auth.version = v;
        }
        auth
    });
    Ok(Module {
        name: name.to_string(),
        walk,
        get,
        plan,
        metrics,
        dynamic_filters,
        params,
        legacy_auth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimize_keeps_outermost_subtrees_by_text() {
        let v = |s: &[&str]| s.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            minimize(v(&[
                "1.3.6.1.2.1.2",
                "1.3.6.1.2.1.2.2.1.2",
                "1.3.6.1.2.1.20",
                "1.3.6.1.2.1.1.3.0.",
                "1.3.6.1.2.1.1"
            ])),
            v(&["1.3.6.1.2.1.1", "1.3.6.1.2.1.2", "1.3.6.1.2.1.20"])
        );
    }

    #[test]
    fn names_are_sanitized_as_prometheus_labels() {
        assert_eq!(sanitize("ifHCInOctets"), "ifHCInOctets");
        assert_eq!(sanitize("dot1d-Base.x"), "dot1d_Base_x");
    }
}
