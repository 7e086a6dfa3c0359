//! The objects the agent serves, in OID order, and how their values move with time: the
//! sysUpTime since the agent's (re)start, counters that advance at a rate, the agent's own
//! snmp group counters (RFC 3418 section 2 and RFC 1213's snmp group), and Set's checks and
//! writes. Time is a parameter; nothing here reads a clock.
//!
//! Object types: the agent has no MIB, so it infers which OIDs are object types from the
//! snapshot's shape (`object_types`).
//!
//! An agent that speaks SNMPv3 also serves its engine's own objects (`EngineObject`):
//! snmpEngineID/Boots/Time/MaxMessageSize and the Report counters. Their values belong to
//! the v3 message layer, which hands them over with `set_engine_values` before a request
//! is answered; snmpEngineTime is the time since the last (re)start, like sysUpTime.

mod build;
mod object_types;
mod own_objects;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::flap::{Flap, LinkObject};
use super::snapshot::{Access, Constraints, Rate, RateRule};
use crate::proto::value::ValueKind;
use crate::proto::{Oid, Value, VarBind};
use object_types::infer_object_types;
pub use own_objects::{
    EngineObject, EngineValues, SNMP_ENGINE, SNMP_GROUP, SnmpCounter, SnmpGroup,
};

/// sysUpTime.0 (RFC 3418): always the agent's time since its (re)start.
pub const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];

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

#[cfg(test)]
mod tests;
