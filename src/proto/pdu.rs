//! Protocol data units (RFC 3416 section 3, RFC 1157 section 4.1.6 for the v1 Trap): the PDU
//! types, error-status, request ids, varbinds, and their BER encoding.

use std::fmt;

use super::ber::{DecodeError, Quirk, Reader, Writer, tag};
use super::oid::Oid;
use super::value::Value;

/// A PDU's context tag. Open: tags outside RFC 3416 decode as `Unknown` so a caller can say
/// what arrived instead of "decode error".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PduType {
    GetRequest,
    GetNextRequest,
    Response,
    SetRequest,
    TrapV1,
    GetBulkRequest,
    InformRequest,
    TrapV2,
    Report,
    Unknown(u8),
}

impl PduType {
    pub fn tag(self) -> u8 {
        match self {
            PduType::GetRequest => 0xa0,
            PduType::GetNextRequest => 0xa1,
            PduType::Response => 0xa2,
            PduType::SetRequest => 0xa3,
            PduType::TrapV1 => 0xa4,
            PduType::GetBulkRequest => 0xa5,
            PduType::InformRequest => 0xa6,
            PduType::TrapV2 => 0xa7,
            PduType::Report => 0xa8,
            PduType::Unknown(t) => t,
        }
    }

    pub fn from_tag(t: u8) -> PduType {
        match t {
            0xa0 => PduType::GetRequest,
            0xa1 => PduType::GetNextRequest,
            0xa2 => PduType::Response,
            0xa3 => PduType::SetRequest,
            0xa4 => PduType::TrapV1,
            0xa5 => PduType::GetBulkRequest,
            0xa6 => PduType::InformRequest,
            0xa7 => PduType::TrapV2,
            0xa8 => PduType::Report,
            other => PduType::Unknown(other),
        }
    }

    /// The name Net-SNMP uses in its logs and `snmptrapd` output.
    pub fn name(self) -> &'static str {
        match self {
            PduType::GetRequest => "GET",
            PduType::GetNextRequest => "GETNEXT",
            PduType::Response => "RESPONSE",
            PduType::SetRequest => "SET",
            PduType::TrapV1 => "TRAP",
            PduType::GetBulkRequest => "GETBULK",
            PduType::InformRequest => "INFORM",
            PduType::TrapV2 => "TRAP2",
            PduType::Report => "REPORT",
            PduType::Unknown(_) => "UNKNOWN",
        }
    }

    /// Confirmed-class PDUs expect a Response (RFC 3411 section 2.8).
    pub fn is_confirmed(self) -> bool {
        matches!(
            self,
            PduType::GetRequest
                | PduType::GetNextRequest
                | PduType::SetRequest
                | PduType::GetBulkRequest
                | PduType::InformRequest
        )
    }
}

/// error-status (RFC 3416 section 3). Open: agents send values outside 0..=18, even negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ErrorStatus {
    #[default]
    NoError,
    TooBig,
    NoSuchName,
    BadValue,
    ReadOnly,
    GenErr,
    NoAccess,
    WrongType,
    WrongLength,
    WrongEncoding,
    WrongValue,
    NoCreation,
    InconsistentValue,
    ResourceUnavailable,
    CommitFailed,
    UndoFailed,
    AuthorizationError,
    NotWritable,
    InconsistentName,
    Unknown(i64),
}

const ERROR_STATUSES: [ErrorStatus; 19] = [
    ErrorStatus::NoError,
    ErrorStatus::TooBig,
    ErrorStatus::NoSuchName,
    ErrorStatus::BadValue,
    ErrorStatus::ReadOnly,
    ErrorStatus::GenErr,
    ErrorStatus::NoAccess,
    ErrorStatus::WrongType,
    ErrorStatus::WrongLength,
    ErrorStatus::WrongEncoding,
    ErrorStatus::WrongValue,
    ErrorStatus::NoCreation,
    ErrorStatus::InconsistentValue,
    ErrorStatus::ResourceUnavailable,
    ErrorStatus::CommitFailed,
    ErrorStatus::UndoFailed,
    ErrorStatus::AuthorizationError,
    ErrorStatus::NotWritable,
    ErrorStatus::InconsistentName,
];

impl ErrorStatus {
    pub fn from_code(code: i64) -> ErrorStatus {
        usize::try_from(code)
            .ok()
            .and_then(|i| ERROR_STATUSES.get(i).copied())
            .unwrap_or(ErrorStatus::Unknown(code))
    }

    pub fn code(self) -> i64 {
        match self {
            ErrorStatus::Unknown(c) => c,
            known => ERROR_STATUSES.iter().position(|s| *s == known).unwrap_or(0) as i64,
        }
    }

    /// The RFC 3416 name (`noSuchName`, `notWritable`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorStatus::NoError => "noError",
            ErrorStatus::TooBig => "tooBig",
            ErrorStatus::NoSuchName => "noSuchName",
            ErrorStatus::BadValue => "badValue",
            ErrorStatus::ReadOnly => "readOnly",
            ErrorStatus::GenErr => "genError",
            ErrorStatus::NoAccess => "noAccess",
            ErrorStatus::WrongType => "wrongType",
            ErrorStatus::WrongLength => "wrongLength",
            ErrorStatus::WrongEncoding => "wrongEncoding",
            ErrorStatus::WrongValue => "wrongValue",
            ErrorStatus::NoCreation => "noCreation",
            ErrorStatus::InconsistentValue => "inconsistentValue",
            ErrorStatus::ResourceUnavailable => "resourceUnavailable",
            ErrorStatus::CommitFailed => "commitFailed",
            ErrorStatus::UndoFailed => "undoFailed",
            ErrorStatus::AuthorizationError => "authorizationError",
            ErrorStatus::NotWritable => "notWritable",
            ErrorStatus::InconsistentName => "inconsistentName",
            ErrorStatus::Unknown(_) => "unknown",
        }
    }

    /// The text Net-SNMP's `snmp_errstring()` gives, which its tools print after "Reason: ".
    pub fn net_snmp_text(self) -> String {
        let s = match self {
            ErrorStatus::NoError => "(noError) No Error",
            ErrorStatus::TooBig => "(tooBig) Response message would have been too large.",
            ErrorStatus::NoSuchName => "(noSuchName) There is no such variable name in this MIB.",
            ErrorStatus::BadValue => "(badValue) The value given has the wrong type or length.",
            ErrorStatus::ReadOnly => {
                "(readOnly) The two parties used do not have access to use the specified SNMP PDU."
            }
            ErrorStatus::GenErr => "(genError) A general failure occured",
            ErrorStatus::NoAccess => "noAccess",
            ErrorStatus::WrongType => {
                "wrongType (The set datatype does not match the data type the agent expects)"
            }
            ErrorStatus::WrongLength => {
                "wrongLength (The set value has an illegal length from what the agent expects)"
            }
            ErrorStatus::WrongEncoding => "wrongEncoding",
            ErrorStatus::WrongValue => {
                "wrongValue (The set value is illegal or unsupported in some way)"
            }
            ErrorStatus::NoCreation => {
                "noCreation (That table does not support row creation or that object can not ever be created)"
            }
            ErrorStatus::InconsistentValue => {
                "inconsistentValue (The set value is illegal or unsupported in some way)"
            }
            ErrorStatus::ResourceUnavailable => {
                "resourceUnavailable (This is likely a out-of-memory failure within the agent)"
            }
            ErrorStatus::CommitFailed => "commitFailed",
            ErrorStatus::UndoFailed => "undoFailed",
            ErrorStatus::AuthorizationError => "authorizationError (access denied to that object)",
            ErrorStatus::NotWritable => "notWritable (That object does not support modification)",
            ErrorStatus::InconsistentName => {
                "inconsistentName (That object can not currently be created)"
            }
            ErrorStatus::Unknown(c) => return format!("Unknown Error {c}"),
        };
        s.to_string()
    }
}

/// request-id (RFC 3416 section 3). Wider than i32 because some agents echo ids as unsigned;
/// the engine only ever issues ids in 1..=i32::MAX.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub i64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One variable binding: a name and its value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VarBind {
    pub oid: Oid,
    pub value: Value,
}

impl VarBind {
    pub fn new(oid: Oid, value: Value) -> Self {
        VarBind { oid, value }
    }

    /// A request varbind: the name with a NULL value.
    pub fn null(oid: Oid) -> Self {
        VarBind {
            oid,
            value: Value::Null,
        }
    }
}

/// Every PDU but the v1 Trap shares this shape (RFC 3416 section 3). In a GetBulkRequest the
/// second and third fields are non-repeaters and max-repetitions; use `Pdu::get_bulk` and
/// the accessors of the same names rather than reading them as error fields.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Pdu {
    pub kind: PduType,
    pub request_id: RequestId,
    pub error_status: ErrorStatus,
    pub error_index: i64,
    pub varbinds: Vec<VarBind>,
}

impl Pdu {
    pub fn request(kind: PduType, request_id: RequestId, varbinds: Vec<VarBind>) -> Pdu {
        Pdu {
            kind,
            request_id,
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds,
        }
    }

    pub fn get_bulk(
        request_id: RequestId,
        non_repeaters: u32,
        max_repetitions: u32,
        varbinds: Vec<VarBind>,
    ) -> Pdu {
        Pdu {
            kind: PduType::GetBulkRequest,
            request_id,
            error_status: ErrorStatus::from_code(i64::from(non_repeaters)),
            error_index: i64::from(max_repetitions),
            varbinds,
        }
    }

    /// GetBulk non-repeaters; negative values count as 0 (RFC 3416 section 4.2.3).
    pub fn non_repeaters(&self) -> u32 {
        u32::try_from(self.error_status.code().max(0)).unwrap_or(u32::MAX)
    }

    /// GetBulk max-repetitions; negative values count as 0 (RFC 3416 section 4.2.3).
    pub fn max_repetitions(&self) -> u32 {
        u32::try_from(self.error_index.max(0)).unwrap_or(u32::MAX)
    }

    /// A Response to `self` carrying `varbinds`, with the same request-id.
    pub fn response(
        &self,
        error_status: ErrorStatus,
        error_index: i64,
        varbinds: Vec<VarBind>,
    ) -> Pdu {
        Pdu {
            kind: PduType::Response,
            request_id: self.request_id,
            error_status,
            error_index,
            varbinds,
        }
    }
}

/// generic-trap of an SNMPv1 Trap (RFC 1157 section 4.1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GenericTrap {
    ColdStart,
    WarmStart,
    LinkDown,
    LinkUp,
    AuthenticationFailure,
    EgpNeighborLoss,
    EnterpriseSpecific,
    Unknown(i64),
}

impl GenericTrap {
    pub fn from_code(code: i64) -> GenericTrap {
        match code {
            0 => GenericTrap::ColdStart,
            1 => GenericTrap::WarmStart,
            2 => GenericTrap::LinkDown,
            3 => GenericTrap::LinkUp,
            4 => GenericTrap::AuthenticationFailure,
            5 => GenericTrap::EgpNeighborLoss,
            6 => GenericTrap::EnterpriseSpecific,
            other => GenericTrap::Unknown(other),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            GenericTrap::ColdStart => 0,
            GenericTrap::WarmStart => 1,
            GenericTrap::LinkDown => 2,
            GenericTrap::LinkUp => 3,
            GenericTrap::AuthenticationFailure => 4,
            GenericTrap::EgpNeighborLoss => 5,
            GenericTrap::EnterpriseSpecific => 6,
            GenericTrap::Unknown(c) => c,
        }
    }
}

/// An SNMPv1 Trap-PDU (RFC 1157 section 4.1.6).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TrapV1 {
    pub enterprise: Oid,
    pub agent_addr: [u8; 4],
    pub generic_trap: GenericTrap,
    pub specific_trap: i64,
    pub time_stamp: u32,
    pub varbinds: Vec<VarBind>,
}

/// The PDU a message carries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PduBody {
    Pdu(Pdu),
    TrapV1(TrapV1),
}

impl PduBody {
    pub fn kind(&self) -> PduType {
        match self {
            PduBody::Pdu(p) => p.kind,
            PduBody::TrapV1(_) => PduType::TrapV1,
        }
    }

    pub fn varbinds(&self) -> &[VarBind] {
        match self {
            PduBody::Pdu(p) => &p.varbinds,
            PduBody::TrapV1(t) => &t.varbinds,
        }
    }

    pub fn encode(&self, w: &mut Writer) {
        match self {
            PduBody::Pdu(p) => {
                let open = w.begin(p.kind.tag());
                w.integer(tag::INTEGER, p.request_id.0);
                w.integer(tag::INTEGER, p.error_status.code());
                w.integer(tag::INTEGER, p.error_index);
                encode_varbinds(w, &p.varbinds);
                w.end(open);
            }
            PduBody::TrapV1(t) => {
                let open = w.begin(PduType::TrapV1.tag());
                w.oid(tag::OBJECT_IDENTIFIER, &t.enterprise);
                w.octets(tag::IP_ADDRESS, &t.agent_addr);
                w.integer(tag::INTEGER, t.generic_trap.code());
                w.integer(tag::INTEGER, t.specific_trap);
                w.unsigned(tag::TIMETICKS, u64::from(t.time_stamp));
                encode_varbinds(w, &t.varbinds);
                w.end(open);
            }
        }
    }

    pub fn decode(r: &mut Reader<'_, '_>) -> Result<PduBody, DecodeError> {
        let offset = r.offset();
        let t = r.peek_tag()?;
        if t & 0xe0 != 0xa0 {
            return Err(DecodeError::UnexpectedTag {
                offset,
                expected: "a PDU (context-specific constructed tag)",
                found: t,
            });
        }
        let mut body = r.read_constructed(t, "PDU")?;
        let kind = PduType::from_tag(t);
        if kind == PduType::TrapV1 {
            let enterprise = body.read_oid("enterprise")?;
            let (at, addr) = body.read_tagged(tag::IP_ADDRESS, "agent-addr")?;
            let agent_addr = match addr {
                [a, b, c, d] => [*a, *b, *c, *d],
                _ => {
                    return Err(DecodeError::Invalid {
                        offset: at,
                        what: "agent-addr",
                        reason: "IpAddress must be 4 bytes",
                    });
                }
            };
            let generic_trap = GenericTrap::from_code(body.read_integer("generic-trap")?);
            let specific_trap = body.read_integer("specific-trap")?;
            let (at, ts) = body.read_tagged(tag::TIMETICKS, "time-stamp")?;
            let time_stamp = body.u32_content(at, ts, "time-stamp")?;
            let varbinds = decode_varbinds(&mut body)?;
            body.expect_end("Trap-PDU")?;
            return Ok(PduBody::TrapV1(TrapV1 {
                enterprise,
                agent_addr,
                generic_trap,
                specific_trap,
                time_stamp,
                varbinds,
            }));
        }
        let request_id = body.read_integer("request-id")?;
        if i32::try_from(request_id).is_err() {
            body.note(Quirk::WideRequestId);
        }
        let status_code = body.read_integer("error-status")?;
        let error_status = ErrorStatus::from_code(status_code);
        if matches!(error_status, ErrorStatus::Unknown(_)) && kind != PduType::GetBulkRequest {
            body.note(Quirk::UnknownErrorStatus);
        }
        let error_index = body.read_integer("error-index")?;
        let varbinds = decode_varbinds(&mut body)?;
        body.expect_end("PDU")?;
        Ok(PduBody::Pdu(Pdu {
            kind,
            request_id: RequestId(request_id),
            error_status,
            error_index,
            varbinds,
        }))
    }
}

fn encode_varbinds(w: &mut Writer, varbinds: &[VarBind]) {
    let list = w.begin(tag::SEQUENCE);
    for vb in varbinds {
        let item = w.begin(tag::SEQUENCE);
        w.oid(tag::OBJECT_IDENTIFIER, &vb.oid);
        vb.value.encode(w);
        w.end(item);
    }
    w.end(list);
}

fn decode_varbinds(r: &mut Reader<'_, '_>) -> Result<Vec<VarBind>, DecodeError> {
    let mut list = r.read_constructed(tag::SEQUENCE, "variable-bindings")?;
    // Each varbind takes at least 6 bytes; do not trust a count from the wire.
    let mut out = Vec::with_capacity(list.remaining().len() / 12);
    while !list.is_empty() {
        let mut vb = list.read_constructed(tag::SEQUENCE, "VarBind")?;
        let oid = vb.read_oid("VarBind name")?;
        let value = Value::decode(&mut vb)?;
        vb.expect_end("VarBind")?;
        out.push(VarBind { oid, value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_status_is_open_and_lossless() {
        for code in -3..25 {
            assert_eq!(ErrorStatus::from_code(code).code(), code);
        }
        assert_eq!(ErrorStatus::from_code(17), ErrorStatus::NotWritable);
        assert_eq!(ErrorStatus::from_code(-1), ErrorStatus::Unknown(-1));
        assert_eq!(
            ErrorStatus::NoSuchName.net_snmp_text(),
            "(noSuchName) There is no such variable name in this MIB."
        );
    }

    #[test]
    fn pdu_type_is_open_and_lossless() {
        for t in 0xa0..=0xbf_u8 {
            assert_eq!(PduType::from_tag(t).tag(), t);
        }
        assert_eq!(PduType::from_tag(0xa9), PduType::Unknown(0xa9));
    }

    #[test]
    fn bulk_fields() {
        let p = Pdu::get_bulk(RequestId(7), 1, 25, vec![]);
        assert_eq!(p.non_repeaters(), 1);
        assert_eq!(p.max_repetitions(), 25);
    }
}
