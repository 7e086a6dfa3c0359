//! The OIDs a module fetches: only those some metric uses, planned as Gets of scalars and
//! table instances and walks of subtrees, overlapping ones merged.

use std::collections::{BTreeMap, BTreeSet};

use super::{Metric, MetricType, MibIndex, WalkGroup};
use crate::proto::Oid;

/// The OIDs whose values some metric uses: metric OIDs, lookup OIDs, and the type
/// selector before an InetAddress or LldpPortId.
fn used_oids(metrics: &[Metric]) -> BTreeSet<Oid> {
    let mut used = BTreeSet::new();
    for m in metrics {
        used.insert(m.oid.clone());
        if m.kind.selector_tc().is_some() {
            used.extend(previous_oid(&m.oid));
        }
        for l in &m.lookups {
            if let Some(oid) = &l.oid {
                used.insert(oid.clone());
                if l.kind.and_then(MetricType::selector_tc).is_some() {
                    used.extend(previous_oid(oid));
                }
            }
        }
    }
    used
}

/// Splits each walk root into lock-step groups of the objects used under it (see
/// `WalkGroup`); a root with nothing used under it is not fetched at all.
pub(super) fn plan_walks(index: &MibIndex<'_>, walk: &[Oid], metrics: &[Metric]) -> Vec<WalkGroup> {
    let used = used_oids(metrics);
    let mut plan = Vec::new();
    for root in walk {
        let below: Vec<&Oid> = used.iter().filter(|o| o.starts_with(root)).collect();
        if below.is_empty() {
            continue;
        }
        if below.iter().any(|o| root.starts_with(o)) {
            plan.push(WalkGroup::Subtree(root.clone()));
            continue;
        }
        let mut groups: BTreeMap<Oid, Vec<Oid>> = BTreeMap::new();
        for o in below {
            groups
                .entry(o.parent().unwrap_or_default())
                .or_default()
                .push(o.clone());
        }
        for (parent, oids) in groups {
            let in_table = index
                .mib
                .node_at(&parent)
                .and_then(|n| index.mib.node(n).def())
                .is_some_and(|d| d.object_class() == crate::mib::ObjectClass::Row);
            plan.push(WalkGroup::Columns {
                oids,
                scalars: !in_table,
            });
        }
    }
    plan
}

pub(super) fn previous_oid(oid: &Oid) -> Option<Oid> {
    let mut arcs = oid.arcs().to_vec();
    let last = arcs.pop()?;
    arcs.push(last.checked_sub(1)?);
    Some(Oid::new(arcs))
}
