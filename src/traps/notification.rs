//! A received notification as every consumer sees it (the daemon's outputs, the TUI's
//! trap view): when and from where it came, how it was secured (never a secret), its
//! notification OID and its varbinds in SNMPv2 form. SNMPv1 Trap-PDUs are translated per
//! RFC 3584 section 3.1, and their own fields kept beside.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::SystemTime;

use crate::proto::pdu::{GenericTrap, TrapV1};
use crate::proto::usm::{EngineId, SecurityLevel, UserName};
use crate::proto::{Oid, RequestId, Value, VarBind, Version};

/// sysUpTime.0 (RFC 3418).
pub const SYS_UP_TIME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0 (RFC 3418).
pub const SNMP_TRAP_OID_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTrapEnterprise.0 (RFC 3418).
pub const SNMP_TRAP_ENTERPRISE_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// snmpTrapAddress.0 (RFC 3584 section 3.1, SNMP-COMMUNITY-MIB).
pub const SNMP_TRAP_ADDRESS_0: [u32; 10] = [1, 3, 6, 1, 6, 3, 18, 1, 3, 0];
/// snmpTraps: the generic traps' OIDs are snmpTraps.(generic-trap + 1) (RFC 3584 3.1).
pub const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];

/// Which PDU brought the notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationKind {
    /// SNMPv1 Trap-PDU (RFC 1157 section 4.1.6).
    TrapV1,
    /// SNMPv2-Trap-PDU (RFC 3416 section 4.2.6).
    Trap,
    /// InformRequest-PDU (RFC 3416 section 4.2.7), acknowledged with a Response.
    Inform,
}

impl NotificationKind {
    /// The name in the JSON `pdu` field and on text lines.
    pub fn name(self) -> &'static str {
        match self {
            NotificationKind::TrapV1 => "trap-v1",
            NotificationKind::Trap => "trap",
            NotificationKind::Inform => "inform",
        }
    }
}

/// How the notification was authenticated. Holds no secret: a community is shown by the
/// label it has in the configuration, never by its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotificationSecurity {
    /// SNMPv1/v2c: the accepted community's label (its `name` in the configuration, else
    /// `#N`, its position; `any` with `--accept-any-community`).
    Community { label: String },
    /// SNMPv3 USM.
    Usm {
        user: UserName,
        level: SecurityLevel,
        /// msgAuthoritativeEngineID: the sender's for a trap, ours for an inform.
        engine_id: EngineId,
        context_engine_id: Vec<u8>,
        context_name: Vec<u8>,
    },
}

/// The fields of an SNMPv1 Trap-PDU, kept as they came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1Fields {
    pub enterprise: Oid,
    pub agent_addr: Ipv4Addr,
    pub generic_trap: GenericTrap,
    pub specific_trap: i64,
    pub time_stamp: u32,
}

/// One accepted notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Wall-clock time of reception.
    pub received_at: SystemTime,
    /// Where the datagram came from (IPv4-mapped addresses shown as IPv4).
    pub source: SocketAddr,
    /// The local address it arrived on.
    pub local: Option<SocketAddr>,
    pub version: Version,
    pub kind: NotificationKind,
    pub security: NotificationSecurity,
    /// 0 for SNMPv1 traps, which have none.
    pub request_id: RequestId,
    /// sysUpTime.0 (the v1 time-stamp), if present.
    pub uptime: Option<u32>,
    /// snmpTrapOID.0; empty when the sender left it out.
    pub trap_oid: Oid,
    /// In SNMPv2 form: sysUpTime.0, snmpTrapOID.0, the notification's own varbinds (and
    /// for SNMPv1 snmpTrapAddress.0 and snmpTrapEnterprise.0, RFC 3584 section 3.1).
    pub varbinds: Vec<VarBind>,
    pub v1: Option<V1Fields>,
}

impl Notification {
    /// The varbinds after sysUpTime.0 and snmpTrapOID.0: the notification's payload.
    pub fn payload(&self) -> &[VarBind] {
        let skip = self
            .varbinds
            .iter()
            .take(2)
            .take_while(|vb| vb.oid.arcs() == SYS_UP_TIME_0 || vb.oid.arcs() == SNMP_TRAP_OID_0)
            .count();
        &self.varbinds[skip..]
    }
}

/// RFC 3584 section 3.1: an SNMPv1 trap's notification OID. Generic traps 0-5 are
/// snmpTraps.(generic + 1) (linkDown(2) is .1.3.6.1.6.3.1.1.5.3); an enterpriseSpecific
/// trap is the enterprise, then 0, then the specific-trap number.
pub fn v1_trap_oid(trap: &TrapV1) -> Oid {
    match trap.generic_trap {
        GenericTrap::EnterpriseSpecific => {
            let specific = u32::try_from(trap.specific_trap).unwrap_or(0);
            trap.enterprise.child(&[0, specific])
        }
        generic => {
            let code = u32::try_from(generic.code()).unwrap_or(0);
            Oid::from_slice(&SNMP_TRAPS).child(&[code.saturating_add(1)])
        }
    }
}

/// RFC 3584 section 3.1: the SNMPv2 varbinds of an SNMPv1 trap: sysUpTime.0 from the
/// time-stamp, snmpTrapOID.0, the trap's varbinds, then snmpTrapAddress.0 (agent-addr) and
/// snmpTrapEnterprise.0 (enterprise) unless already present. snmpTrapCommunity.0 is left
/// out: it would carry the community.
pub fn v1_to_v2(trap: &TrapV1) -> (Oid, Vec<VarBind>) {
    let trap_oid = v1_trap_oid(trap);
    let mut varbinds = Vec::with_capacity(trap.varbinds.len() + 4);
    varbinds.push(VarBind::new(
        Oid::from_slice(&SYS_UP_TIME_0),
        Value::TimeTicks(trap.time_stamp),
    ));
    varbinds.push(VarBind::new(
        Oid::from_slice(&SNMP_TRAP_OID_0),
        Value::ObjectId(trap_oid.clone()),
    ));
    varbinds.extend(trap.varbinds.iter().cloned());
    let has = |arcs: &[u32]| trap.varbinds.iter().any(|vb| vb.oid.arcs() == arcs);
    if !has(&SNMP_TRAP_ADDRESS_0) {
        varbinds.push(VarBind::new(
            Oid::from_slice(&SNMP_TRAP_ADDRESS_0),
            Value::IpAddress(trap.agent_addr),
        ));
    }
    if !has(&SNMP_TRAP_ENTERPRISE_0) {
        varbinds.push(VarBind::new(
            Oid::from_slice(&SNMP_TRAP_ENTERPRISE_0),
            Value::ObjectId(trap.enterprise.clone()),
        ));
    }
    (trap_oid, varbinds)
}

/// sysUpTime.0 and snmpTrapOID.0 of SNMPv2 notification varbinds (RFC 3416 4.2.6: the
/// first two; found anywhere, as senders are not all strict).
pub fn v2_header(varbinds: &[VarBind]) -> (Option<u32>, Oid) {
    let uptime = varbinds
        .iter()
        .find_map(|vb| match (&vb.value, vb.oid.arcs()) {
            (Value::TimeTicks(t), arcs) if arcs == SYS_UP_TIME_0 => Some(*t),
            _ => None,
        });
    let trap_oid = varbinds
        .iter()
        .find_map(|vb| match (&vb.value, vb.oid.arcs()) {
            (Value::ObjectId(o), arcs) if arcs == SNMP_TRAP_OID_0 => Some(o.clone()),
            _ => None,
        })
        .unwrap_or_else(|| Oid::new(Vec::new()));
    (uptime, trap_oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn trap(generic: i64, specific: i64) -> TrapV1 {
        TrapV1 {
            enterprise: oid("1.3.6.1.4.1.8072.2.3"),
            agent_addr: [192, 0, 2, 7],
            generic_trap: GenericTrap::from_code(generic),
            specific_trap: specific,
            time_stamp: 123_456,
            varbinds: vec![VarBind::new(
                oid("1.3.6.1.2.1.2.2.1.1.3"),
                Value::Integer(3),
            )],
        }
    }

    #[test]
    fn rfc3584_trap_oids() {
        assert_eq!(v1_trap_oid(&trap(2, 0)), oid("1.3.6.1.6.3.1.1.5.3"));
        assert_eq!(v1_trap_oid(&trap(0, 0)), oid("1.3.6.1.6.3.1.1.5.1"));
        assert_eq!(v1_trap_oid(&trap(5, 0)), oid("1.3.6.1.6.3.1.1.5.6"));
        assert_eq!(v1_trap_oid(&trap(6, 1)), oid("1.3.6.1.4.1.8072.2.3.0.1"));
    }

    #[test]
    fn rfc3584_varbinds() {
        let (trap_oid, vbs) = v1_to_v2(&trap(6, 17));
        assert_eq!(trap_oid, oid("1.3.6.1.4.1.8072.2.3.0.17"));
        let oids: Vec<String> = vbs.iter().map(|v| v.oid.to_string()).collect();
        assert_eq!(
            oids,
            [
                ".1.3.6.1.2.1.1.3.0",
                ".1.3.6.1.6.3.1.1.4.1.0",
                ".1.3.6.1.2.1.2.2.1.1.3",
                ".1.3.6.1.6.3.18.1.3.0",
                ".1.3.6.1.6.3.1.1.4.3.0",
            ]
        );
        assert_eq!(vbs[0].value, Value::TimeTicks(123_456));
        assert_eq!(vbs[3].value, Value::IpAddress([192, 0, 2, 7]));
        assert_eq!(v2_header(&vbs), (Some(123_456), trap_oid));
    }
}
