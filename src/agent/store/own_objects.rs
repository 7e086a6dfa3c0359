//! The agent's own objects, whose values it keeps rather than the snapshot: the snmp group's
//! counters (RFC 3418 section 2, RFC 1213 section 6.11) and, for SNMPv3, the snmpEngine
//! objects and the Report counters.

use crate::proto::Oid;
use crate::proto::usm::UsmReport;

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
