//! Lookups (labels taken from other objects at the same index, generator's getIndexNode
//! rules) and the module's type overrides.

use super::{
    CompileError, Lookup, Metric, MetricType, MibIndex, RegexExtract, Warning, dotted, sanitize,
};
use crate::exporter::config::{LookupConfig, OverrideConfig};
use crate::exporter::nodes::NodeInfo;
use crate::mib::NodeId;
use crate::proto::Oid;

/// getIndexNode: the node of that label in the metric's own table when there is one.
fn lookup_node(index: &MibIndex<'_>, label: &str, metric: &Oid) -> Option<NodeId> {
    let table = metric.parent()?;
    let mut found = None;
    for def in index.mib.defs_named(label) {
        if let Some(node) = index.mib.def(def).node() {
            if node.oid().starts_with(&table) {
                found = Some(node.id());
            }
        }
    }
    found.or_else(|| index.lookup(label))
}

pub(super) fn compile_lookup(
    index: &MibIndex<'_>,
    info: &dyn Fn(NodeId) -> NodeInfo,
    module: &str,
    lookup: &LookupConfig,
    metric: &Oid,
    warnings: &mut Vec<Warning>,
) -> Result<(NodeInfo, Lookup), CompileError> {
    if index.lookup(&lookup.lookup).is_none() {
        return Err(CompileError::UnknownLookup {
            module: module.into(),
            lookup: lookup.lookup.clone(),
        });
    }
    let id =
        lookup_node(index, &lookup.lookup, metric).ok_or_else(|| CompileError::UnknownLookup {
            module: module.into(),
            lookup: lookup.lookup.clone(),
        })?;
    let n = info(id);
    let mut kind = MetricType::from_name(&n.type_name).ok_or_else(|| CompileError::LookupType {
        module: module.into(),
        lookup: lookup.lookup.clone(),
        kind: n.type_name.clone(),
    })?;
    if !n.enum_values.is_empty() && kind != MetricType::EnumAsStateSet && n.type_name != "gauge" {
        kind = MetricType::EnumAsInfo;
    }
    let display_hint = match lookup.display_hint.as_str() {
        "" => None,
        "@mib" => {
            if n.hint.is_none() {
                warnings.push(Warning(format!(
                    "module {module}: display_hint @mib for lookup {} but the MIB has no DISPLAY-HINT",
                    lookup.lookup
                )));
            }
            n.hint.clone()
        }
        h => Some(h.to_string()),
    };
    let l = Lookup {
        labels: Vec::new(),
        labelname: sanitize(&n.label),
        oid: Some(n.oid.clone()),
        kind: Some(kind),
        display_hint,
        enum_values: n.enum_values.clone(),
    };
    Ok((n, l))
}

pub(super) fn apply_override(
    index: &MibIndex<'_>,
    info: &dyn Fn(NodeId) -> NodeInfo,
    metric: &mut Metric,
    o: &OverrideConfig,
    warnings: &mut Vec<Warning>,
) {
    metric.regex_extracts = o
        .regex_extracts
        .iter()
        .map(|(suffix, list)| {
            let compiled = list
                .iter()
                .filter_map(|e| {
                    regex_lite::Regex::new(&format!("^(?:{})$", e.regex))
                        .ok()
                        .map(|regex| RegexExtract {
                            regex,
                            value: e.value.clone(),
                        })
                })
                .collect();
            (suffix.clone(), compiled)
        })
        .collect();
    metric.datetime_pattern.clone_from(&o.datetime_pattern);
    metric.offset = o.offset;
    metric.scale = o.scale;
    if !o.help.is_empty() {
        metric.help.clone_from(&o.help);
    }
    if !o.name.is_empty() {
        metric.name.clone_from(&o.name);
    }
    match o.display_hint.as_str() {
        "" => {}
        "@mib" => {
            let hint = index.mib.node_at(&metric.oid).and_then(|id| info(id).hint);
            if hint.is_none() {
                warnings.push(Warning(format!(
                    "display_hint @mib for {} but the MIB has no DISPLAY-HINT",
                    dotted(&metric.oid)
                )));
            }
            metric.display_hint = hint;
        }
        h => metric.display_hint = Some(h.to_string()),
    }
}
