//! The PDU part of `decode`'s report, whatever the version: a scoped PDU's context and a
//! Report's meaning (RFC 3414 section 3.4), the PDU's fields, and the variable bindings as
//! the Net-SNMP output prints them.

use std::fmt::Write as _;

use crate::output::OutputOptions;
use crate::proto::message::ScopedPdu;
use crate::proto::pdu::TrapV1;
use crate::proto::usm::{UserName, UsmReport};
use crate::proto::{Pdu, PduBody, PduType};

/// The scoped PDU; `user` is the message's, for a Report's explanation.
pub(super) fn describe_scoped(s: &mut String, scoped: &ScopedPdu, user: &UserName) {
    let _ = writeln!(
        s,
        "  context engine id: {}, context name: \"{}\"",
        if scoped.context_engine_id.is_empty() {
            "(empty)".to_string()
        } else {
            hex(&scoped.context_engine_id)
        },
        String::from_utf8_lossy(&scoped.context_name).escape_debug()
    );
    describe_pdu(s, &scoped.pdu, "  ");
    if let Some((report, count)) = UsmReport::from_pdu(&scoped.pdu) {
        let _ = writeln!(
            s,
            "  report: {}{}: {}",
            report,
            count.map_or(String::new(), |n| format!(" = {n}")),
            match &report {
                UsmReport::UnknownEngineIds => {
                    "the answer to engine discovery (RFC 3414 section 4), or a wrong -e".into()
                }
                other => other.explain(user),
            }
        );
    }
}

pub(super) fn describe_pdu(s: &mut String, body: &PduBody, indent: &str) {
    match body {
        PduBody::Pdu(p) => describe_standard(s, p, indent),
        PduBody::TrapV1(t) => describe_trap(s, t, indent),
    }
}

fn describe_standard(s: &mut String, p: &Pdu, indent: &str) {
    let _ = writeln!(s, "{indent}PDU: {}", pdu_name(p.kind));
    let _ = writeln!(s, "{indent}  request-id: {}", p.request_id);
    if p.kind == PduType::GetBulkRequest {
        let _ = writeln!(
            s,
            "{indent}  non-repeaters: {}, max-repetitions: {}",
            p.non_repeaters(),
            p.max_repetitions()
        );
    } else {
        let _ = writeln!(
            s,
            "{indent}  error-status: {} ({}), error-index: {}",
            p.error_status.name(),
            p.error_status.code(),
            p.error_index
        );
    }
    describe_varbinds(s, &p.varbinds, indent);
}

fn describe_trap(s: &mut String, t: &TrapV1, indent: &str) {
    let a = t.agent_addr;
    let _ = writeln!(s, "{indent}PDU: Trap (SNMPv1)");
    let _ = writeln!(s, "{indent}  enterprise: {}", t.enterprise);
    let _ = writeln!(
        s,
        "{indent}  agent-addr: {}.{}.{}.{}",
        a[0], a[1], a[2], a[3]
    );
    let _ = writeln!(
        s,
        "{indent}  generic-trap: {:?} ({}), specific-trap: {}, time-stamp: {}",
        t.generic_trap,
        t.generic_trap.code(),
        t.specific_trap,
        t.time_stamp
    );
    describe_varbinds(s, &t.varbinds, indent);
}

fn describe_varbinds(s: &mut String, varbinds: &[crate::proto::VarBind], indent: &str) {
    let _ = writeln!(s, "{indent}  variable-bindings: {}", varbinds.len());
    let options = OutputOptions::default();
    for vb in varbinds {
        let mut line = Vec::new();
        let _ = crate::output::write_varbind(&mut line, vb, &options);
        let _ = write!(s, "{indent}    {}", String::from_utf8_lossy(&line));
    }
}

fn pdu_name(kind: PduType) -> String {
    match kind {
        PduType::GetRequest => "GetRequest".into(),
        PduType::GetNextRequest => "GetNextRequest".into(),
        PduType::Response => "Response".into(),
        PduType::SetRequest => "SetRequest".into(),
        PduType::TrapV1 => "Trap".into(),
        PduType::GetBulkRequest => "GetBulkRequest".into(),
        PduType::InformRequest => "InformRequest".into(),
        PduType::TrapV2 => "SNMPv2-Trap".into(),
        PduType::Report => "Report".into(),
        PduType::Unknown(t) => format!("unknown PDU type 0x{t:02x}"),
    }
}

pub(super) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
