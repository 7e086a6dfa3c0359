//! Building the store from a snapshot and the command line's additions: each object's
//! behaviour (fixed, uptime, counter at a rate, flapping link), access and constraints.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::agent::flap::LinkObject;

use super::object_types::{infer_object_types, object_type_of};
use super::own_objects::{EngineValues, SnmpCounter, SnmpGroup};
use super::{Behaviour, Object, ObjectStore, SYS_UPTIME, StoreOptions};
use crate::agent::snapshot::{
    Access, Constraints, Initial, Rate, RateRule, STANDARD_WRITABLE, Snapshot, SnapshotObject,
};
use crate::proto::{Oid, Value};

impl ObjectStore {
    /// The objects of `snapshot`, booted at `now`.
    pub fn build(snapshot: &Snapshot, options: &StoreOptions, now: Instant) -> ObjectStore {
        let initial: HashMap<&Oid, &Initial> = snapshot
            .objects
            .iter()
            .map(|o| (&o.oid, &o.initial))
            .collect();
        let rules: Vec<&RateRule> = snapshot
            .rate_rules
            .iter()
            .chain(options.rate_rules.iter())
            .collect();
        let writable: Vec<&Oid> = snapshot
            .writable
            .iter()
            .chain(options.writable.iter())
            .collect();
        let standard: Vec<(Oid, Constraints)> = STANDARD_WRITABLE
            .iter()
            .filter_map(|(_, text, c)| text.parse().ok().map(|o| (o, *c)))
            .collect();

        let mut objects = BTreeMap::new();
        for o in &snapshot.objects {
            let (access, constraints) = access_of(o, &writable, &standard);
            let (value, behaviour) = match &o.initial {
                Initial::Uptime => (Value::TimeTicks(0), Behaviour::Uptime),
                Initial::Fixed(_) if o.oid.arcs() == SYS_UPTIME => {
                    (Value::TimeTicks(0), Behaviour::Uptime)
                }
                Initial::Fixed(v @ Value::Counter32(_))
                    if SnmpCounter::of_oid(&o.oid).is_some() =>
                {
                    let counter = SnmpCounter::of_oid(&o.oid).unwrap_or(SnmpCounter::InPkts);
                    (v.clone(), Behaviour::Snmp(counter))
                }
                Initial::Fixed(v @ (Value::Counter32(_) | Value::Counter64(_))) => {
                    let rate = if options.rates {
                        o.rate
                            .or_else(|| rule_rate(&o.oid, &rules, &initial))
                            .unwrap_or(Rate::ZERO)
                    } else {
                        Rate::ZERO
                    };
                    let link = options
                        .flaps
                        .iter()
                        .position(|f| f.owns(&o.oid, v).is_some());
                    (
                        v.clone(),
                        Behaviour::Counter {
                            rate,
                            since: now,
                            link,
                        },
                    )
                }
                Initial::Fixed(v) => {
                    let link = options.flaps.iter().enumerate().find_map(|(i, f)| {
                        f.owns(&o.oid, v)
                            .filter(|w| *w != LinkObject::Counter)
                            .map(|w| (i, w))
                    });
                    match link {
                        Some((i, what)) => (v.clone(), Behaviour::Link(i, what)),
                        None => (v.clone(), Behaviour::Fixed),
                    }
                }
            };
            objects.insert(
                o.oid.clone(),
                Object {
                    value,
                    behaviour,
                    access,
                    constraints,
                },
            );
        }
        let object_types = infer_object_types(objects.keys());
        let writable_types = objects
            .iter()
            .filter(|(_, o)| o.access == Access::ReadWrite)
            .map(|(oid, _)| object_type_of(oid, &object_types))
            .collect();
        ObjectStore {
            objects,
            object_types,
            writable_types,
            booted: now,
            snmp: SnmpGroup::default(),
            engine: EngineValues::default(),
            flaps: options.flaps.clone(),
        }
    }
}

fn access_of(
    o: &SnapshotObject,
    writable: &[&Oid],
    standard: &[(Oid, Constraints)],
) -> (Access, Constraints) {
    let standard_match = standard.iter().find(|(p, _)| o.oid.starts_with(p));
    let constraints = if o.constraints == Constraints::default() {
        standard_match.map(|(_, c)| *c).unwrap_or_default()
    } else {
        o.constraints
    };
    let access = match o.access {
        Some(a) => a,
        None if writable.iter().any(|p| o.oid.starts_with(p)) => Access::ReadWrite,
        None if standard_match.is_some() => Access::ReadWrite,
        None => Access::ReadOnly,
    };
    (access, constraints)
}

/// The rate the rules give `oid`: the longest matching prefix, then the later rule.
fn rule_rate(oid: &Oid, rules: &[&RateRule], initial: &HashMap<&Oid, &Initial>) -> Option<Rate> {
    let mut best: Option<&RateRule> = None;
    for rule in rules {
        let Some(index) = oid.suffix_after(&rule.prefix) else {
            continue;
        };
        if index.is_empty() {
            continue;
        }
        if let Some(cond) = &rule.when {
            let other = cond.column.child(index);
            let holds = match initial.get(&other) {
                Some(Initial::Fixed(Value::Integer(v))) => *v == cond.equals,
                Some(Initial::Fixed(Value::Gauge32(v) | Value::UInteger32(v))) => {
                    i64::from(*v) == cond.equals
                }
                _ => false,
            };
            if !holds {
                continue;
            }
        }
        if best.is_none_or(|b| rule.prefix.len() >= b.prefix.len()) {
            best = Some(rule);
        }
    }
    best.map(|r| r.rate)
}
