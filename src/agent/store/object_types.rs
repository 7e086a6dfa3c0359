//! Which OIDs are object types (columns and scalars): the agent has no MIB, so it infers
//! them from the snapshot's shape, to tell noSuchObject from noSuchInstance and
//! noCreation from notWritable (RFC 3416 sections 4.2.1 and 4.2.5). An instance ending in
//! `.0` belongs to the scalar its parent names. Otherwise its object type is its OID minus
//! the index, where the split between column and index is the one most sibling columns
//! share (ifDescr.5, ifType.5, ifMtu.5 ... all split as COLUMN + `.5`; ipAdEntAddr.10.0.0.1
//! and ipAdEntIfIndex.10.0.0.1 as COLUMN + `.10.0.0.1`). An instance without such siblings
//! is taken to have a one-arc index. This is a heuristic; without MIBs it cannot be exact.

use std::collections::{BTreeSet, HashMap};

use crate::proto::Oid;

/// Object types from the shape of the instance OIDs (see the module comment).
pub(super) fn infer_object_types<'a>(oids: impl Iterator<Item = &'a Oid> + Clone) -> BTreeSet<Oid> {
    // (arcs before position p, arcs after p) -> how many instances have that shape. Two
    // instances with the same key differ only at p: they are the same row of two columns.
    let mut rows: HashMap<(&[u32], &[u32]), u32> = HashMap::new();
    for oid in oids.clone() {
        let arcs = oid.arcs();
        for p in 0..arcs.len().saturating_sub(1) {
            *rows.entry((&arcs[..p], &arcs[p + 1..])).or_insert(0) += 1;
        }
    }
    let mut types = BTreeSet::new();
    for oid in oids {
        let arcs = oid.arcs();
        // A scalar: the one instance `.0` of its object (RFC 2578 section 7.7).
        if arcs.last() == Some(&0) {
            types.insert(oid.parent().unwrap_or_default());
            continue;
        }
        // The split shared by the most columns (ties: the deeper one) is the column.
        let best = (0..arcs.len().saturating_sub(1))
            .map(|p| {
                (
                    rows.get(&(&arcs[..p], &arcs[p + 1..]))
                        .copied()
                        .unwrap_or(0),
                    p,
                )
            })
            .filter(|(n, _)| *n >= 2)
            .max();
        match best {
            Some((_, p)) => types.insert(Oid::from(&arcs[..=p])),
            None => types.insert(oid.parent().unwrap_or_default()),
        };
    }
    types
}

/// The object type an instance belongs to: its longest ancestor in `types`.
pub(super) fn object_type_of(oid: &Oid, types: &BTreeSet<Oid>) -> Oid {
    let arcs = oid.arcs();
    (1..=arcs.len())
        .rev()
        .map(|n| Oid::from(&arcs[..n]))
        .find(|o| types.contains(o))
        .unwrap_or_else(|| oid.parent().unwrap_or_default())
}
