//! The objects the agent serves, in OID order, and how their values move with time: the
//! sysUpTime since the agent's (re)start, counters that advance at a rate, the agent's own
//! snmp group counters (RFC 3418 section 2 and RFC 1213's snmp group), and Set's checks and
//! writes. Time is a parameter; nothing here reads a clock.
//!
//! Object types: the agent has no MIB, so it infers which OIDs are object types (columns and
//! scalars) from the snapshot's shape, to tell noSuchObject from noSuchInstance and
//! noCreation from notWritable (RFC 3416 sections 4.2.1 and 4.2.5). An instance ending in
//! `.0` belongs to the scalar its parent names. Otherwise its object type is its OID minus
//! the index, where the split between column and index is the one most sibling columns
//! share (ifDescr.5, ifType.5, ifMtu.5 ... all split as COLUMN + `.5`; ipAdEntAddr.10.0.0.1
//! and ipAdEntIfIndex.10.0.0.1 as COLUMN + `.10.0.0.1`). An instance without such siblings
//! is taken to have a one-arc index. This is a heuristic; without MIBs it cannot be exact.
//!
//! An agent that speaks SNMPv3 also serves its engine's own objects (`EngineObject`):
//! snmpEngineID/Boots/Time/MaxMessageSize and the Report counters. Their values belong to
//! the v3 message layer, which hands them over with `set_engine_values` before a request
//! is answered; snmpEngineTime is the time since the last (re)start, like sysUpTime.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use super::flap::{Flap, LinkObject};
use super::snapshot::{
    Access, Constraints, Initial, Rate, RateRule, STANDARD_WRITABLE, Snapshot, SnapshotObject,
};
use crate::proto::usm::UsmReport;
use crate::proto::value::ValueKind;
use crate::proto::{Oid, Value, VarBind};

/// sysUpTime.0 (RFC 3418): always the agent's time since its (re)start.
pub const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];

/// The snmp group (RFC 3418 section 2; the older counters from RFC 1213 section 6.11).
pub const SNMP_GROUP: [u32; 7] = [1, 3, 6, 1, 2, 1, 11];

/// The snmp group counters this agent keeps live; the others keep their snapshot values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SnmpCounter {
    InPkts = 1,
    OutPkts = 2,
    InBadVersions = 3,
    InBadCommunityNames = 4,
    InBadCommunityUses = 5,
    InAsnParseErrs = 6,
    InTotalReqVars = 13,
    InTotalSetVars = 14,
    InGetRequests = 15,
    InGetNexts = 16,
    InSetRequests = 17,
    OutTooBigs = 20,
    OutNoSuchNames = 21,
    OutBadValues = 22,
    OutGenErrs = 24,
    OutGetResponses = 28,
    SilentDrops = 31,
    ProxyDrops = 32,
}

impl SnmpCounter {
    const ALL: [SnmpCounter; 18] = [
        SnmpCounter::InPkts,
        SnmpCounter::OutPkts,
        SnmpCounter::InBadVersions,
        SnmpCounter::InBadCommunityNames,
        SnmpCounter::InBadCommunityUses,
        SnmpCounter::InAsnParseErrs,
        SnmpCounter::InTotalReqVars,
        SnmpCounter::InTotalSetVars,
        SnmpCounter::InGetRequests,
        SnmpCounter::InGetNexts,
        SnmpCounter::InSetRequests,
        SnmpCounter::OutTooBigs,
        SnmpCounter::OutNoSuchNames,
        SnmpCounter::OutBadValues,
        SnmpCounter::OutGenErrs,
        SnmpCounter::OutGetResponses,
        SnmpCounter::SilentDrops,
        SnmpCounter::ProxyDrops,
    ];

    /// The counter whose instance is `oid` (snmpInPkts.0 and so on).
    pub fn of_oid(oid: &Oid) -> Option<SnmpCounter> {
        match oid.suffix_after(&Oid::from(SNMP_GROUP))? {
            [arc, 0] => Self::ALL.into_iter().find(|c| *c as u32 == *arc),
            _ => None,
        }
    }
}

/// The agent's snmp group counters since its (re)start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnmpGroup {
    counts: [u64; 33],
}

impl Default for SnmpGroup {
    fn default() -> Self {
        SnmpGroup { counts: [0; 33] }
    }
}

impl SnmpGroup {
    pub fn add(&mut self, counter: SnmpCounter, n: u64) {
        let slot = &mut self.counts[counter as usize];
        *slot = slot.wrapping_add(n);
    }

    pub fn bump(&mut self, counter: SnmpCounter) {
        self.add(counter, 1);
    }

    pub fn get(&self, counter: SnmpCounter) -> u64 {
        self.counts[counter as usize]
    }
}

/// snmpEngine (SNMP-FRAMEWORK-MIB, RFC 3411 section 5): snmpEngineID is `.1.0`,
/// snmpEngineBoots `.2.0`, snmpEngineTime `.3.0`, snmpEngineMaxMessageSize `.4.0`.
pub const SNMP_ENGINE: [u32; 9] = [1, 3, 6, 1, 6, 3, 10, 2, 1];

/// An object of the agent's SNMPv3 engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EngineObject {
    /// snmpEngineID.0 (OCTET STRING).
    EngineId,
    /// snmpEngineBoots.0 (INTEGER 1..2147483647).
    Boots,
    /// snmpEngineTime.0 (INTEGER, seconds since snmpEngineBoots last changed).
    Time,
    /// snmpEngineMaxMessageSize.0 (INTEGER 484..2147483647).
    MaxMessageSize,
    /// A counter a Report can carry: usmStats (RFC 3414 section 5), snmpMPDStats (RFC 3412
    /// section 5), snmpUnavailableContexts and snmpUnknownContexts (RFC 3413 section 4.1).
    Counter(UsmReport),
}

impl EngineObject {
    /// Every engine object with its instance OID, in OID order.
    pub fn all() -> Vec<(Oid, EngineObject)> {
        let engine = Oid::from_slice(&SNMP_ENGINE);
        let mut out = vec![
            (engine.child(&[1, 0]), EngineObject::EngineId),
            (engine.child(&[2, 0]), EngineObject::Boots),
            (engine.child(&[3, 0]), EngineObject::Time),
            (engine.child(&[4, 0]), EngineObject::MaxMessageSize),
        ];
        out.extend(
            [
                UsmReport::UnknownSecurityModels,
                UsmReport::InvalidMsgs,
                UsmReport::UnknownPduHandlers,
                UsmReport::UnavailableContexts,
                UsmReport::UnknownContexts,
            ]
            .into_iter()
            .chain(UsmReport::USM)
            .map(|r| (r.oid(), EngineObject::Counter(r))),
        );
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// The values behind the engine objects, as the v3 message layer keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineValues {
    pub engine_id: Vec<u8>,
    pub boots: u32,
    pub max_message_size: u32,
    /// Report counters; one missing here reads 0.
    pub counters: Vec<(UsmReport, u32)>,
}

/// How an object's value comes about.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Behaviour {
    /// The value as stored.
    Fixed,
    /// TimeTicks since the agent's (re)start.
    Uptime,
    /// A Counter32/Counter64 at `base` when `since`, advancing at `rate` (only while its
    /// link is up, when it belongs to a flapping link: an index into `flaps`).
    Counter {
        rate: Rate,
        since: Instant,
        link: Option<usize>,
    },
    /// ifOperStatus or ifLastChange of a flapping link.
    Link(usize, LinkObject),
    /// One of the agent's own snmp group counters.
    Snmp(SnmpCounter),
    /// An object of the agent's SNMPv3 engine.
    Engine(EngineObject),
}

#[derive(Clone, Debug)]
struct Object {
    /// The fixed value, or a counter's base.
    value: Value,
    behaviour: Behaviour,
    access: Access,
    constraints: Constraints,
}

/// What a Get finds at an OID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(Value),
    /// The object type exists, this instance does not.
    NoSuchInstance,
    /// No object type covers the OID.
    NoSuchObject,
}

/// Why a Set of one varbind cannot be done (RFC 3416 section 4.2.5 names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("notWritable: the object cannot be modified")]
    NotWritable,
    #[error("noCreation: the instance does not exist and cannot be created")]
    NoCreation,
    #[error("wrongType: the value's type is not the object's")]
    WrongType,
    #[error("wrongLength: the string's length is outside the object's size")]
    WrongLength,
    #[error("wrongValue: the value is outside the object's range")]
    WrongValue,
}

/// Additions from the command line to what the snapshot says.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Rate rules on top of the snapshot's (`--rate`); a longer prefix wins, then a later rule.
    pub rate_rules: Vec<RateRule>,
    /// More writable prefixes (`--writable`).
    pub writable: Vec<Oid>,
    /// False freezes every counter (`--no-rates`); sysUpTime still moves.
    pub rates: bool,
    /// Links that go down and up on a schedule (`--flap`).
    pub flaps: Vec<Flap>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            rate_rules: Vec::new(),
            writable: Vec::new(),
            rates: true,
            flaps: Vec::new(),
        }
    }
}

pub struct ObjectStore {
    objects: BTreeMap<Oid, Object>,
    object_types: BTreeSet<Oid>,
    writable_types: BTreeSet<Oid>,
    booted: Instant,
    snmp: SnmpGroup,
    engine: EngineValues,
    flaps: Vec<Flap>,
}

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

    /// The flapping links.
    pub fn flaps(&self) -> &[Flap] {
        &self.flaps
    }

    /// Serves the SNMPv3 engine's objects from now on (replacing any the snapshot has),
    /// starting from `values`.
    pub fn add_engine_objects(&mut self, values: EngineValues) {
        for (oid, object) in EngineObject::all() {
            self.objects.insert(
                oid,
                Object {
                    value: Value::Null,
                    behaviour: Behaviour::Engine(object),
                    access: Access::ReadOnly,
                    constraints: Constraints::default(),
                },
            );
        }
        self.object_types = infer_object_types(self.objects.keys());
        self.engine = values;
    }

    /// The engine objects' values as they are now.
    pub fn set_engine_values(&mut self, values: EngineValues) {
        self.engine = values;
    }

    /// snmpEngineTime at `now`: whole seconds since the last (re)start (RFC 3414 section
    /// 2.2.2), at most 2147483647.
    pub fn engine_time(&self, now: Instant) -> u32 {
        now.saturating_duration_since(self.booted)
            .as_secs()
            .min(i32::MAX as u64) as u32
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// When the agent last (re)started.
    pub fn booted(&self) -> Instant {
        self.booted
    }

    pub fn snmp(&self) -> &SnmpGroup {
        &self.snmp
    }

    pub fn snmp_mut(&mut self) -> &mut SnmpGroup {
        &mut self.snmp
    }

    /// A restart: sysUpTime starts again from 0, every counter from 0 (RFC 2578 section 7.1.6
    /// calls this a discontinuity), the snmp group too. Values written by Set stay, as a
    /// device keeps its saved configuration.
    pub fn restart(&mut self, now: Instant) {
        self.booted = now;
        self.snmp = SnmpGroup::default();
        for object in self.objects.values_mut() {
            match &mut object.behaviour {
                Behaviour::Counter { since, .. } => {
                    *since = now;
                    object.value = match object.value {
                        Value::Counter64(_) => Value::Counter64(0),
                        _ => Value::Counter32(0),
                    };
                }
                Behaviour::Fixed
                | Behaviour::Uptime
                | Behaviour::Link(..)
                | Behaviour::Snmp(_)
                | Behaviour::Engine(_) => {}
            }
        }
    }

    fn value_of(&self, object: &Object, now: Instant) -> Value {
        match &object.behaviour {
            Behaviour::Fixed => object.value.clone(),
            Behaviour::Uptime => {
                Value::TimeTicks(ticks(now.saturating_duration_since(self.booted)))
            }
            Behaviour::Counter { rate, since, link } => {
                let elapsed = match link.and_then(|i| self.flaps.get(i)) {
                    Some(flap) => flap.up_time(
                        since.saturating_duration_since(self.booted),
                        now.saturating_duration_since(self.booted),
                    ),
                    None => now.saturating_duration_since(*since),
                };
                let gained = rate.advance(elapsed);
                match object.value {
                    Value::Counter32(base) => Value::Counter32(base.wrapping_add(gained as u32)),
                    Value::Counter64(base) => Value::Counter64(base.wrapping_add(gained)),
                    ref other => other.clone(),
                }
            }
            Behaviour::Snmp(counter) => Value::Counter32(self.snmp.get(*counter) as u32),
            Behaviour::Engine(object) => self.engine_value(object, now),
            Behaviour::Link(i, what) => {
                let Some(flap) = self.flaps.get(*i) else {
                    return object.value.clone();
                };
                let since_boot = now.saturating_duration_since(self.booted);
                match what {
                    LinkObject::OperStatus => {
                        Value::Integer(if flap.is_up(since_boot) { 1 } else { 2 })
                    }
                    LinkObject::LastChange => Value::TimeTicks(ticks(flap.last_change(since_boot))),
                    LinkObject::Counter => object.value.clone(),
                }
            }
        }
    }

    fn engine_value(&self, object: &EngineObject, now: Instant) -> Value {
        let int = |n: u32| Value::Integer(i64::from(n.min(i32::MAX as u32)));
        match object {
            EngineObject::EngineId => Value::OctetString(self.engine.engine_id.clone()),
            EngineObject::Boots => int(self.engine.boots),
            EngineObject::Time => int(self.engine_time(now)),
            EngineObject::MaxMessageSize => int(self.engine.max_message_size),
            EngineObject::Counter(report) => Value::Counter32(
                self.engine
                    .counters
                    .iter()
                    .find(|(r, _)| r == report)
                    .map_or(0, |(_, n)| *n),
            ),
        }
    }

    /// The value at `oid`, exactly.
    pub fn get(&self, oid: &Oid, now: Instant) -> Lookup {
        match self.objects.get(oid) {
            Some(object) => Lookup::Found(self.value_of(object, now)),
            None if self.has_object_type_over(oid, &self.object_types) => Lookup::NoSuchInstance,
            None => Lookup::NoSuchObject,
        }
    }

    /// The first object after `oid` whose type `accept` takes (v1 skips Counter64).
    pub fn next_after(
        &self,
        oid: &Oid,
        now: Instant,
        accept: impl Fn(ValueKind) -> bool,
    ) -> Option<VarBind> {
        use std::ops::Bound::{Excluded, Unbounded};
        self.objects
            .range::<Oid, _>((Excluded(oid), Unbounded))
            .find(|(_, o)| accept(o.value.kind()))
            .map(|(k, o)| VarBind::new(k.clone(), self.value_of(o, now)))
    }

    /// The object at `oid`, or else the last one before it.
    pub fn at_or_before(&self, oid: &Oid, now: Instant) -> Option<VarBind> {
        use std::ops::Bound::{Included, Unbounded};
        self.objects
            .range::<Oid, _>((Unbounded, Included(oid)))
            .next_back()
            .map(|(k, o)| VarBind::new(k.clone(), self.value_of(o, now)))
    }

    /// Whether a Set of `value` at `oid` would succeed (RFC 3416 section 4.2.5, steps 2-9
    /// as they apply to an agent without row creation).
    pub fn check_set(&self, oid: &Oid, value: &Value) -> Result<(), SetError> {
        let Some(object) = self.objects.get(oid) else {
            return Err(if self.has_object_type_over(oid, &self.writable_types) {
                SetError::NoCreation
            } else {
                SetError::NotWritable
            });
        };
        if object.access != Access::ReadWrite {
            return Err(SetError::NotWritable);
        }
        if value.kind() != object.value.kind() {
            return Err(SetError::WrongType);
        }
        match value {
            Value::OctetString(bytes) => {
                if let Some(size) = object.constraints.size {
                    if !size.contains(bytes.len() as i64) {
                        return Err(SetError::WrongLength);
                    }
                }
            }
            Value::Integer(_) | Value::Gauge32(_) | Value::UInteger32(_) => {
                let n = match value {
                    Value::Integer(v) => *v,
                    Value::Gauge32(v) | Value::UInteger32(v) => i64::from(*v),
                    _ => 0,
                };
                if let Some(range) = object.constraints.range {
                    if !range.contains(n) {
                        return Err(SetError::WrongValue);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes a value `check_set` accepted. A counter continues from the new value.
    pub fn set(&mut self, oid: &Oid, value: Value, now: Instant) {
        if let Some(object) = self.objects.get_mut(oid) {
            object.value = value;
            object.behaviour = match object.behaviour {
                Behaviour::Counter { rate, link, .. } => Behaviour::Counter {
                    rate,
                    since: now,
                    link,
                },
                _ => Behaviour::Fixed,
            };
        }
    }

    /// True when the value at `oid` changes with time (sysUpTime, counters with a rate, the
    /// snmp group counters).
    pub fn is_dynamic(&self, oid: &Oid) -> bool {
        self.objects.get(oid).is_some_and(|o| match &o.behaviour {
            Behaviour::Fixed => false,
            Behaviour::Counter { rate, .. } => !rate.is_zero(),
            Behaviour::Uptime | Behaviour::Snmp(_) | Behaviour::Link(..) => true,
            Behaviour::Engine(object) => {
                matches!(object, EngineObject::Time | EngineObject::Counter(_))
            }
        })
    }

    /// Every object with its value at `now`, in OID order.
    pub fn values_at(&self, now: Instant) -> Vec<VarBind> {
        self.objects
            .iter()
            .map(|(k, o)| VarBind::new(k.clone(), self.value_of(o, now)))
            .collect()
    }

    /// True when `oid` or one of its ancestors is in `types`.
    fn has_object_type_over(&self, oid: &Oid, types: &BTreeSet<Oid>) -> bool {
        let arcs = oid.arcs();
        (1..=arcs.len()).any(|n| types.contains(&Oid::from(&arcs[..n])))
    }
}

/// TimeTicks (hundredths of a second) in `elapsed`, wrapping as sysUpTime does after 497 days.
fn ticks(elapsed: Duration) -> u32 {
    (elapsed.as_millis() / 10) as u32
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

/// Object types from the shape of the instance OIDs (see the module comment).
fn infer_object_types<'a>(oids: impl Iterator<Item = &'a Oid> + Clone) -> BTreeSet<Oid> {
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
fn object_type_of(oid: &Oid, types: &BTreeSet<Oid>) -> Oid {
    let arcs = oid.arcs();
    (1..=arcs.len())
        .rev()
        .map(|n| Oid::from(&arcs[..n]))
        .find(|o| types.contains(o))
        .unwrap_or_else(|| oid.parent().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::snapshot::Snapshot;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    const SMALL: &str = r#"
.1.3.6.1.2.1.1.1.0 STRING "test switch"
.1.3.6.1.2.1.1.3.0 Timeticks 999
.1.3.6.1.2.1.1.4.0 STRING "noc"
.1.3.6.1.2.1.1.5.0 STRING "sw1"
.1.3.6.1.2.1.2.1.0 INTEGER 2
.1.3.6.1.2.1.2.2.1.1.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.1.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.2.1 STRING "Gi1/0/1"
.1.3.6.1.2.1.2.2.1.2.2 STRING "Gi1/0/2"
.1.3.6.1.2.1.2.2.1.7.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.7.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.8.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.8.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.10.1 Counter32 4294967000
.1.3.6.1.2.1.2.2.1.10.2 Counter32 7
.1.3.6.1.2.1.2.2.1.14.1 Counter32 3 rate=0.5
.1.3.6.1.2.1.2.2.1.14.2 Counter32 3
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 IpAddress 10.0.0.1
.1.3.6.1.2.1.4.20.1.2.10.0.0.1 INTEGER 1
.1.3.6.1.2.1.11.1.0 Counter32 12345
.1.3.6.1.2.1.11.30.0 INTEGER 2
.1.3.6.1.2.1.31.1.1.1.6.1 Counter64 18446744073709551000
.1.3.6.1.2.1.31.1.1.1.6.2 Counter64 100
.1.3.6.1.2.1.31.1.1.1.18.1 STRING "uplink"
.1.3.6.1.2.1.31.1.1.1.18.2 STRING ""
@rate .1.3.6.1.2.1.2.2.1.10 1000 when .1.3.6.1.2.1.2.2.1.8 = 1
@rate .1.3.6.1.2.1.31.1.1.1.6 1000 when .1.3.6.1.2.1.2.2.1.8 = up(1)
"#;

    fn store(t0: Instant) -> ObjectStore {
        let snapshot = Snapshot::parse(SMALL, "small").unwrap();
        ObjectStore::build(&snapshot, &StoreOptions::default(), t0)
    }

    fn found(s: &ObjectStore, o: &str, now: Instant) -> Value {
        match s.get(&oid(o), now) {
            Lookup::Found(v) => v,
            other => panic!("{o}: {other:?}"),
        }
    }

    #[test]
    fn uptime_counts_from_boot_and_counters_advance_and_wrap() {
        let t0 = Instant::now();
        let s = store(t0);
        let t = t0 + Duration::from_millis(1_234_567);
        assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t0), Value::TimeTicks(0));
        assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t), Value::TimeTicks(123_456));
        // ifInOctets.1 is up: +1000/s from 4294967000 wraps past 2^32 within a second.
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.10.1", t0 + Duration::from_secs(1)),
            Value::Counter32(704)
        );
        // ifInOctets.2 is down: the rule's condition does not hold.
        assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.10.2", t), Value::Counter32(7));
        // Counter64 wraps at 2^64.
        assert_eq!(
            found(&s, "1.3.6.1.2.1.31.1.1.1.6.1", t0 + Duration::from_secs(1)),
            Value::Counter64(384)
        );
        // A per-object rate of 0.5/s.
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.14.1", t0 + Duration::from_secs(9)),
            Value::Counter32(7)
        );
        assert!(s.is_dynamic(&oid("1.3.6.1.2.1.2.2.1.10.1")));
        assert!(!s.is_dynamic(&oid("1.3.6.1.2.1.2.2.1.10.2")));
        assert!(s.is_dynamic(&oid("1.3.6.1.2.1.1.3.0")));
    }

    #[test]
    fn frozen_counters_do_not_move() {
        let t0 = Instant::now();
        let snapshot = Snapshot::parse(SMALL, "small").unwrap();
        let s = ObjectStore::build(
            &snapshot,
            &StoreOptions {
                rates: false,
                ..StoreOptions::default()
            },
            t0,
        );
        let later = t0 + Duration::from_secs(100);
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.10.1", later),
            Value::Counter32(4_294_967_000)
        );
        assert_eq!(
            found(&s, "1.3.6.1.2.1.1.3.0", later),
            Value::TimeTicks(10_000)
        );
    }

    #[test]
    fn command_line_rules_override_by_prefix_length() {
        let t0 = Instant::now();
        let snapshot = Snapshot::parse(SMALL, "small").unwrap();
        let s = ObjectStore::build(
            &snapshot,
            &StoreOptions {
                rate_rules: vec![
                    "1.3.6.1.2.1.2.2.1 5".parse().unwrap(),
                    "1.3.6.1.2.1.2.2.1.10 7".parse().unwrap(),
                ],
                ..StoreOptions::default()
            },
            t0,
        );
        let t1 = t0 + Duration::from_secs(1);
        // Same prefix length as the snapshot's rule: the later (command line) one wins.
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.10.2", t1),
            Value::Counter32(14)
        );
        // The per-object rate beats every rule.
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.14.1", t0 + Duration::from_secs(2)),
            Value::Counter32(4)
        );
        // The shorter command line prefix covers what nothing longer does.
        assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.14.2", t1), Value::Counter32(8));
    }

    #[test]
    fn restart_resets_uptime_counters_and_snmp_group_but_keeps_sets() {
        let t0 = Instant::now();
        let mut s = store(t0);
        s.snmp_mut().bump(SnmpCounter::InPkts);
        assert_eq!(found(&s, "1.3.6.1.2.1.11.1.0", t0), Value::Counter32(1));
        s.set(
            &oid("1.3.6.1.2.1.1.5.0"),
            Value::OctetString(b"renamed".to_vec()),
            t0,
        );
        let t1 = t0 + Duration::from_secs(50);
        s.restart(t1);
        let t2 = t1 + Duration::from_secs(2);
        assert_eq!(found(&s, "1.3.6.1.2.1.1.3.0", t2), Value::TimeTicks(200));
        assert_eq!(
            found(&s, "1.3.6.1.2.1.2.2.1.10.1", t2),
            Value::Counter32(2000)
        );
        assert_eq!(found(&s, "1.3.6.1.2.1.2.2.1.10.2", t2), Value::Counter32(0));
        assert_eq!(
            found(&s, "1.3.6.1.2.1.31.1.1.1.6.1", t2),
            Value::Counter64(2000)
        );
        assert_eq!(found(&s, "1.3.6.1.2.1.11.1.0", t2), Value::Counter32(0));
        assert_eq!(
            found(&s, "1.3.6.1.2.1.1.5.0", t2),
            Value::OctetString(b"renamed".to_vec())
        );
        assert_eq!(s.booted(), t1);
    }

    #[test]
    fn no_such_object_or_instance() {
        let t0 = Instant::now();
        let s = store(t0);
        for (o, want) in [
            // Like Net-SNMP: sysName without .0 is a missing instance of sysName.
            ("1.3.6.1.2.1.1.5", Lookup::NoSuchInstance),
            ("1.3.6.1.2.1.1.5.1", Lookup::NoSuchInstance),
            ("1.3.6.1.2.1.1.99.0", Lookup::NoSuchObject),
            ("1.3.6.1.2.1.2.2.1.2.999", Lookup::NoSuchInstance),
            ("1.3.6.1.2.1.2.2.1.99.1", Lookup::NoSuchObject),
            ("1.3.6.1.2.1.4.20.1.1.192.168.5.5", Lookup::NoSuchInstance),
            ("1.3.6.1.4.1.9.9", Lookup::NoSuchObject),
            ("1.3.6.1.2.1.2.1.1", Lookup::NoSuchInstance),
        ] {
            assert_eq!(s.get(&oid(o), t0), want, "{o}");
        }
    }

    #[test]
    fn next_after_and_at_or_before() {
        let t0 = Instant::now();
        let s = store(t0);
        let next = |o: &str| {
            s.next_after(&oid(o), t0, |_| true)
                .map(|vb| vb.oid.to_string())
        };
        assert_eq!(
            next("1.3.6.1.2.1.1.1.0").as_deref(),
            Some(".1.3.6.1.2.1.1.3.0")
        );
        assert_eq!(next("1.3").as_deref(), Some(".1.3.6.1.2.1.1.1.0"));
        assert_eq!(next("1.3.6.1.2.1.31.1.1.1.18.2"), None);
        // v1 skips Counter64 objects.
        let v1 = s
            .next_after(&oid("1.3.6.1.2.1.11.30.0"), t0, |k| {
                k != ValueKind::Counter64
            })
            .unwrap();
        assert_eq!(v1.oid, oid("1.3.6.1.2.1.31.1.1.1.18.1"));
        assert_eq!(
            s.at_or_before(&oid("1.3.6.1.2.1.1.4.1"), t0).unwrap().oid,
            oid("1.3.6.1.2.1.1.4.0")
        );
        assert_eq!(s.at_or_before(&oid("1.3"), t0), None);
    }

    #[test]
    fn set_checks() {
        let t0 = Instant::now();
        let s = store(t0);
        let check = |o: &str, v: Value| s.check_set(&oid(o), &v);
        let text = |t: &str| Value::OctetString(t.as_bytes().to_vec());
        assert_eq!(check("1.3.6.1.2.1.1.5.0", text("new")), Ok(()));
        assert_eq!(
            check("1.3.6.1.2.1.1.5.0", Value::Integer(1)),
            Err(SetError::WrongType)
        );
        assert_eq!(
            check("1.3.6.1.2.1.1.5.0", Value::OctetString(vec![b'x'; 256])),
            Err(SetError::WrongLength)
        );
        assert_eq!(
            check("1.3.6.1.2.1.1.1.0", text("x")),
            Err(SetError::NotWritable)
        );
        assert_eq!(
            check("1.3.6.1.2.1.1.99.0", text("x")),
            Err(SetError::NotWritable)
        );
        assert_eq!(
            check("1.3.6.1.2.1.31.1.1.1.18.999", text("x")),
            Err(SetError::NoCreation)
        );
        assert_eq!(check("1.3.6.1.2.1.31.1.1.1.18.2", text("core")), Ok(()));
        assert_eq!(check("1.3.6.1.2.1.2.2.1.7.1", Value::Integer(2)), Ok(()));
        assert_eq!(
            check("1.3.6.1.2.1.2.2.1.7.1", Value::Integer(4)),
            Err(SetError::WrongValue)
        );
        assert_eq!(
            check("1.3.6.1.2.1.2.2.1.8.1", Value::Integer(2)),
            Err(SetError::NotWritable)
        );
        assert_eq!(check("1.3.6.1.2.1.11.30.0", Value::Integer(1)), Ok(()));
    }

    #[test]
    fn explicit_access_beats_standard_and_directives() {
        let t0 = Instant::now();
        let snapshot = Snapshot::parse(
            ".1.3.6.1.2.1.1.4.0 STRING x ro\n\
             .1.3.6.1.4.1.5.1.0 INTEGER 1\n\
             .1.3.6.1.4.1.5.2.0 INTEGER 1 ro\n\
             .1.3.6.1.4.1.6.1.0 Counter32 5 rw\n\
             @writable .1.3.6.1.4.1.5\n",
            "t",
        )
        .unwrap();
        let mut s = ObjectStore::build(&snapshot, &StoreOptions::default(), t0);
        let one = Value::Integer(1);
        assert_eq!(
            s.check_set(&oid("1.3.6.1.2.1.1.4.0"), &Value::OctetString(vec![])),
            Err(SetError::NotWritable)
        );
        assert_eq!(s.check_set(&oid("1.3.6.1.4.1.5.1.0"), &one), Ok(()));
        assert_eq!(
            s.check_set(&oid("1.3.6.1.4.1.5.2.0"), &one),
            Err(SetError::NotWritable)
        );
        // A writable counter continues from the value written.
        s.set(&oid("1.3.6.1.4.1.6.1.0"), Value::Counter32(42), t0);
        assert_eq!(found(&s, "1.3.6.1.4.1.6.1.0", t0), Value::Counter32(42));
    }

    #[test]
    fn object_types_inferred_from_shape() {
        let oids: Vec<Oid> = [
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.2.1.0",
            "1.3.6.1.2.1.2.2.1.1.7",
            "1.3.6.1.2.1.2.2.1.2.7",
            "1.3.6.1.2.1.4.20.1.1.10.0.0.1",
            "1.3.6.1.2.1.4.20.1.1.10.0.0.2",
            "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
            "1.3.6.1.2.1.4.20.1.2.10.0.0.2",
            "1.3.6.1.2.1.4.1.0",
            "1.3.6.1.2.1.11.1.0",
            "1.3.6.1.4.1.77.5",
        ]
        .iter()
        .map(|s| oid(s))
        .collect();
        let types: Vec<String> = infer_object_types(oids.iter())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            types,
            [
                ".1.3.6.1.2.1.1.1",
                ".1.3.6.1.2.1.1.5",
                ".1.3.6.1.2.1.2.1",
                ".1.3.6.1.2.1.2.2.1.1",
                ".1.3.6.1.2.1.2.2.1.2",
                ".1.3.6.1.2.1.4.1",
                ".1.3.6.1.2.1.4.20.1.1",
                ".1.3.6.1.2.1.4.20.1.2",
                ".1.3.6.1.2.1.11.1",
                ".1.3.6.1.4.1.77",
            ]
        );
    }
}
