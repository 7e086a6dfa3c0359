//! SNMP messages: the v1/v2c community wrapper (RFC 1157 section 4, RFC 1901) and the v3
//! message format (RFC 3412 section 6), encoded and decoded. Security processing of v3
//! (authentication, privacy) lives in `usm`; this module only moves the fields.

use std::cell::Cell;
use std::fmt;

use super::ber::{DecodeError, Quirks, Reader, Writer, tag};
use super::pdu::PduBody;

/// msgVersion on the wire: 0 for v1, 1 for v2c, 3 for v3. Open for what else arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    V1,
    V2c,
    V3,
    Unknown(i64),
}

impl Version {
    pub fn code(self) -> i64 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
            Version::Unknown(c) => c,
        }
    }

    pub fn from_code(code: i64) -> Version {
        match code {
            0 => Version::V1,
            1 => Version::V2c,
            3 => Version::V3,
            other => Version::Unknown(other),
        }
    }

    /// The spelling of Net-SNMP's `-v` option.
    pub fn name(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
            Version::Unknown(_) => "unknown",
        }
    }
}

/// A community string. A secret: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Community(Vec<u8>);

impl Community {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Community(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Community(<redacted, {} bytes>)", self.0.len())
    }
}

/// A v1 or v2c message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CommunityMessage {
    pub version: Version,
    pub community: Community,
    pub pdu: PduBody,
}

/// msgFlags (RFC 3412 section 6.4).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MsgFlags(pub u8);

impl MsgFlags {
    pub const AUTH: u8 = 0x01;
    pub const PRIV: u8 = 0x02;
    pub const REPORTABLE: u8 = 0x04;

    pub fn auth(self) -> bool {
        self.0 & Self::AUTH != 0
    }
    pub fn privacy(self) -> bool {
        self.0 & Self::PRIV != 0
    }
    pub fn reportable(self) -> bool {
        self.0 & Self::REPORTABLE != 0
    }
}

/// msgSecurityModel (RFC 3411 section 5, SnmpSecurityModel). Open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SecurityModel {
    Usm,
    Unknown(i64),
}

impl SecurityModel {
    pub fn code(self) -> i64 {
        match self {
            SecurityModel::Usm => 3,
            SecurityModel::Unknown(c) => c,
        }
    }

    pub fn from_code(code: i64) -> Self {
        if code == 3 {
            SecurityModel::Usm
        } else {
            SecurityModel::Unknown(code)
        }
    }
}

/// msgID (RFC 3412 section 6.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct MsgId(pub i64);

/// A ScopedPDU (RFC 3412 section 6.8).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScopedPdu {
    pub context_engine_id: Vec<u8>,
    pub context_name: Vec<u8>,
    pub pdu: PduBody,
}

impl ScopedPdu {
    pub fn encode(&self, w: &mut Writer) {
        let open = w.begin(tag::SEQUENCE);
        w.octets(tag::OCTET_STRING, &self.context_engine_id);
        w.octets(tag::OCTET_STRING, &self.context_name);
        self.pdu.encode(w);
        w.end(open);
    }

    /// Decodes a plaintext ScopedPDU (after decryption, say). Trailing bytes are allowed:
    /// block ciphers pad the plaintext (RFC 3414 section 8.1.1.2).
    pub fn decode(bytes: &[u8]) -> Result<(ScopedPdu, Quirks), DecodeError> {
        let quirks = Cell::new(Quirks::default());
        let mut r = Reader::new(bytes, &quirks);
        let scoped = Self::decode_from(&mut r)?;
        Ok((scoped, quirks.get()))
    }

    fn decode_from(r: &mut Reader<'_, '_>) -> Result<ScopedPdu, DecodeError> {
        let mut s = r.read_constructed(tag::SEQUENCE, "ScopedPDU")?;
        let context_engine_id = s.read_octets("contextEngineID")?.to_vec();
        let context_name = s.read_octets("contextName")?.to_vec();
        let pdu = PduBody::decode(&mut s)?;
        s.expect_end("ScopedPDU")?;
        Ok(ScopedPdu {
            context_engine_id,
            context_name,
            pdu,
        })
    }
}

/// msgData: a plaintext ScopedPDU or the encrypted one (RFC 3412 section 6).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ScopedPduData {
    Plaintext(ScopedPdu),
    Encrypted(Vec<u8>),
}

/// A v3 message with its security parameters still opaque bytes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct V3Message {
    pub msg_id: MsgId,
    pub max_size: i64,
    pub flags: MsgFlags,
    pub security_model: SecurityModel,
    pub security_parameters: Vec<u8>,
    pub data: ScopedPduData,
}

/// Where things landed in an encoded v3 message, so that USM can fill in the HMAC after
/// the whole message is built (RFC 3414 section 6.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct V3Layout {
    /// Offset of msgSecurityParameters' content (the encoded UsmSecurityParameters).
    pub security_parameters_at: usize,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Message {
    Community(CommunityMessage),
    V3(V3Message),
}

impl Message {
    pub fn version(&self) -> Version {
        match self {
            Message::Community(m) => m.version,
            Message::V3(_) => Version::V3,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.encode_into(&mut w);
        w.into_bytes()
    }

    /// Encodes into `w`; for v3, returns where the security parameters went.
    pub fn encode_into(&self, w: &mut Writer) -> Option<V3Layout> {
        let open = w.begin(tag::SEQUENCE);
        let layout = match self {
            Message::Community(m) => {
                w.integer(tag::INTEGER, m.version.code());
                w.octets(tag::OCTET_STRING, m.community.as_bytes());
                m.pdu.encode(w);
                None
            }
            Message::V3(m) => {
                w.integer(tag::INTEGER, Version::V3.code());
                let global = w.begin(tag::SEQUENCE);
                w.integer(tag::INTEGER, m.msg_id.0);
                w.integer(tag::INTEGER, m.max_size);
                w.octets(tag::OCTET_STRING, &[m.flags.0]);
                w.integer(tag::INTEGER, m.security_model.code());
                w.end(global);
                w.octets(tag::OCTET_STRING, &m.security_parameters);
                let security_parameters_at = w.len() - m.security_parameters.len();
                match &m.data {
                    ScopedPduData::Plaintext(s) => s.encode(w),
                    ScopedPduData::Encrypted(bytes) => w.octets(tag::OCTET_STRING, bytes),
                }
                Some(V3Layout {
                    security_parameters_at,
                })
            }
        };
        w.end(open);
        // The outer SEQUENCE's length may have grown; offsets inside it shift with it.
        layout.map(|l| V3Layout {
            security_parameters_at: l.security_parameters_at + header_growth(w.as_bytes()),
        })
    }

    /// Decodes one message, tolerating the deviations `Quirks` lists.
    pub fn decode(bytes: &[u8]) -> Result<(Message, Quirks), DecodeError> {
        Self::decode_with_layout(bytes).map(|(m, q, _)| (m, q))
    }

    /// Like `decode`, and for v3 also where msgSecurityParameters' content is in `bytes`,
    /// so that USM can check the HMAC in place.
    pub fn decode_with_layout(
        bytes: &[u8],
    ) -> Result<(Message, Quirks, Option<V3Layout>), DecodeError> {
        let quirks = Cell::new(Quirks::default());
        let mut layout = None;
        let mut top = Reader::new(bytes, &quirks);
        let mut m = top.read_constructed(tag::SEQUENCE, "SNMP message")?;
        top.finish_message();
        let version = Version::from_code(m.read_integer("msgVersion")?);
        let message = match version {
            Version::V1 | Version::V2c => {
                let community = Community::new(m.read_octets("community")?);
                let pdu = PduBody::decode(&mut m)?;
                Message::Community(CommunityMessage {
                    version,
                    community,
                    pdu,
                })
            }
            Version::V3 => {
                let mut g = m.read_constructed(tag::SEQUENCE, "msgGlobalData")?;
                let msg_id = MsgId(g.read_integer("msgID")?);
                let max_size = g.read_integer("msgMaxSize")?;
                let flags_at = g.offset();
                let flags = match g.read_octets("msgFlags")? {
                    [f] => MsgFlags(*f),
                    _ => {
                        return Err(DecodeError::Invalid {
                            offset: flags_at,
                            what: "msgFlags",
                            reason: "must be exactly one byte",
                        });
                    }
                };
                let security_model = SecurityModel::from_code(g.read_integer("msgSecurityModel")?);
                g.expect_end("msgGlobalData")?;
                let (at, security_parameters) =
                    m.read_tagged(tag::OCTET_STRING, "msgSecurityParameters")?;
                layout = Some(V3Layout {
                    security_parameters_at: at,
                });
                let security_parameters = security_parameters.to_vec();
                let data = match m.peek_tag()? {
                    tag::OCTET_STRING => {
                        ScopedPduData::Encrypted(m.read_octets("encryptedPDU")?.to_vec())
                    }
                    _ => ScopedPduData::Plaintext(ScopedPdu::decode_from(&mut m)?),
                };
                Message::V3(V3Message {
                    msg_id,
                    max_size,
                    flags,
                    security_model,
                    security_parameters,
                    data,
                })
            }
            Version::Unknown(code) => {
                return Err(DecodeError::Invalid {
                    offset: 2,
                    what: "msgVersion",
                    reason: if code == 2 {
                        "version 2 (SNMPv2p/v2u) is not supported"
                    } else {
                        "not 0 (v1), 1 (v2c) or 3 (v3)"
                    },
                });
            }
        };
        m.expect_end("SNMP message")?;
        Ok((message, quirks.get(), layout))
    }
}

/// Bytes the outer SEQUENCE header gained beyond the two reserved by `Writer::begin`.
fn header_growth(bytes: &[u8]) -> usize {
    match bytes.get(1) {
        Some(b) if *b >= 0x80 => (*b & 0x7f) as usize,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ber::Quirk;
    use crate::proto::oid::Oid;
    use crate::proto::pdu::{ErrorStatus, GenericTrap, Pdu, PduType, RequestId, TrapV1, VarBind};
    use crate::proto::value::Value;

    fn hex(s: &str) -> Vec<u8> {
        crate::proto::hex::decode(s).unwrap_or_else(|e| panic!("{e} in {s:?}"))
    }

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    /// Golden messages: (description, bytes as captured, decoded message). Each must encode
    /// back to exactly the same bytes.
    fn golden() -> Vec<(&'static str, Vec<u8>, Message)> {
        // Captured from Net-SNMP 5.9.3 (snmpget, snmpbulkget, snmptrap, snmpd) on loopback.
        vec![
            (
                "snmpget -v2c -c public .1.3.6.1.2.1.1.5.0",
                hex("30 29 02 01 01 04 06 70 75 62 6c 69 63 a0 1c 02 04 35 94 cf 6e 02 01 00 02 01 00
                     30 0e 30 0c 06 08 2b 06 01 02 01 01 05 00 05 00"),
                Message::Community(CommunityMessage {
                    version: Version::V2c,
                    community: Community::new("public"),
                    pdu: PduBody::Pdu(Pdu::request(
                        PduType::GetRequest,
                        RequestId(0x3594_cf6e),
                        vec![VarBind::null(oid("1.3.6.1.2.1.1.5.0"))],
                    )),
                }),
            ),
            (
                "snmpd response sysName.0 = vm",
                hex("30 2b 02 01 01 04 06 70 75 62 6c 69 63 a2 1e 02 04 27 b5 da 0d 02 01 00 02 01 00
                     30 10 30 0e 06 08 2b 06 01 02 01 01 05 00 04 02 76 6d"),
                Message::Community(CommunityMessage {
                    version: Version::V2c,
                    community: Community::new("public"),
                    pdu: PduBody::Pdu(Pdu {
                        kind: PduType::Response,
                        request_id: RequestId(0x27b5_da0d),
                        error_status: ErrorStatus::NoError,
                        error_index: 0,
                        varbinds: vec![VarBind::new(
                            oid("1.3.6.1.2.1.1.5.0"),
                            Value::OctetString(b"vm".to_vec()),
                        )],
                    }),
                }),
            ),
            (
                "snmpbulkget -v2c -Cr25 .1.3.6.1.2.1.2.2.1",
                hex("30 29 02 01 01 04 06 70 75 62 6c 69 63 a5 1c 02 04 45 4c 9e 1b 02 01 00 02 01 19
                     30 0e 30 0c 06 08 2b 06 01 02 01 02 02 01 05 00"),
                Message::Community(CommunityMessage {
                    version: Version::V2c,
                    community: Community::new("public"),
                    pdu: PduBody::Pdu(Pdu::get_bulk(
                        RequestId(0x454c_9e1b),
                        0,
                        25,
                        vec![VarBind::null(oid("1.3.6.1.2.1.2.2.1"))],
                    )),
                }),
            ),
            (
                "snmptrap -v1 linkDown with ifIndex.3",
                hex("30 3d 02 01 00 04 06 70 75 62 6c 69 63 a4 30 06 0a 2b 06 01 04 01 bf 08 03 02 0a
                     40 04 7f 00 00 01 02 01 02 02 01 00 43 03 01 e2 40
                     30 11 30 0f 06 0a 2b 06 01 02 01 02 02 01 01 03 02 01 03"),
                Message::Community(CommunityMessage {
                    version: Version::V1,
                    community: Community::new("public"),
                    pdu: PduBody::TrapV1(TrapV1 {
                        enterprise: oid("1.3.6.1.4.1.8072.3.2.10"),
                        agent_addr: [127, 0, 0, 1],
                        generic_trap: GenericTrap::LinkDown,
                        specific_trap: 0,
                        time_stamp: 123_456,
                        varbinds: vec![VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.3"), Value::Integer(3))],
                    }),
                }),
            ),
            (
                "snmpget -v3 engine-id discovery probe",
                hex("30 3e 02 01 03 30 11 02 04 16 f8 a4 34 02 03 00 ff e3 04 01 04 02 01 03
                     04 10 30 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00
                     30 14 04 00 04 00 a0 0e 02 04 3f fd ef cb 02 01 00 02 01 00 30 00"),
                Message::V3(V3Message {
                    msg_id: MsgId(0x16f8_a434),
                    max_size: 65507,
                    flags: MsgFlags(MsgFlags::REPORTABLE),
                    security_model: SecurityModel::Usm,
                    security_parameters: hex("30 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00"),
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: vec![],
                        context_name: vec![],
                        pdu: PduBody::Pdu(Pdu::request(
                            PduType::GetRequest,
                            RequestId(0x3ffd_efcb),
                            vec![],
                        )),
                    }),
                }),
            ),
        ]
    }

    #[test]
    fn golden_messages_both_directions() {
        for (what, bytes, message) in golden() {
            let (decoded, quirks) =
                Message::decode(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(decoded, message, "{what}");
            assert!(quirks.is_empty(), "{what}: {quirks:?}");
            assert_eq!(message.encode(), bytes, "{what}");
        }
    }

    #[test]
    fn v3_layout_points_at_security_parameters() {
        for (what, bytes, message) in golden() {
            let mut w = Writer::new();
            if let Some(layout) = message.encode_into(&mut w) {
                let Message::V3(v3) = &message else {
                    unreachable!()
                };
                let at = layout.security_parameters_at;
                assert_eq!(
                    &bytes[at..at + v3.security_parameters.len()],
                    &v3.security_parameters[..],
                    "{what}"
                );
            }
        }
        // A message big enough to need a long-form outer length.
        let big = Message::V3(V3Message {
            msg_id: MsgId(1),
            max_size: 1500,
            flags: MsgFlags(0),
            security_model: SecurityModel::Usm,
            security_parameters: hex("30 03 04 01 aa"),
            data: ScopedPduData::Encrypted(vec![7; 400]),
        });
        let mut w = Writer::new();
        let at = big.encode_into(&mut w).unwrap().security_parameters_at;
        assert_eq!(&w.as_bytes()[at..at + 5], &hex("30 03 04 01 aa")[..]);
        // Security parameters of 128 bytes or more need a long-form length of their own.
        let mut long_params = hex("30 81 9d");
        long_params.extend(std::iter::repeat_n(0x55, 0x9d));
        let long = Message::V3(V3Message {
            security_parameters: long_params.clone(),
            ..match big {
                Message::V3(v3) => v3,
                Message::Community(_) => unreachable!(),
            }
        });
        let mut w = Writer::new();
        let at = long.encode_into(&mut w).unwrap().security_parameters_at;
        assert_eq!(&w.as_bytes()[at..at + long_params.len()], &long_params[..]);
        let (_, _, layout) = Message::decode_with_layout(w.as_bytes()).unwrap();
        assert_eq!(layout.unwrap().security_parameters_at, at);
    }

    #[test]
    fn device_quirks_do_not_lose_the_response() {
        // Negative error-status, a request-id outside i32, a Counter32 without its leading
        // zero, long-form lengths and two trailing bytes, all in one response.
        let bytes = hex("30 81 2f 02 01 01 04 06 70 75 62 6c 69 63 a2 81 21 02 05 00 ff ff ff ff
                         02 01 ff 02 01 00 30 12 30 10 06 08 2b 06 01 02 01 02 01 00 41 04 ff ff ff ff
                         00 00");
        let (m, quirks) = Message::decode(&bytes).unwrap();
        let Message::Community(c) = m else { panic!() };
        let PduBody::Pdu(p) = c.pdu else { panic!() };
        assert_eq!(p.request_id, RequestId(4_294_967_295));
        assert_eq!(p.error_status, ErrorStatus::Unknown(-1));
        assert_eq!(p.varbinds[0].value, Value::Counter32(u32::MAX));
        for q in [
            Quirk::WideRequestId,
            Quirk::UnknownErrorStatus,
            Quirk::UnsignedMissingLeadingZero,
            Quirk::NonMinimalLength,
            Quirk::TrailingBytes,
        ] {
            assert!(quirks.contains(q), "{q:?} not in {quirks:?}");
        }
    }

    #[test]
    fn malformed_messages_are_errors_not_panics() {
        let good = golden().remove(1).1;
        // Every truncation of a good message fails cleanly.
        for n in 0..good.len() {
            assert!(Message::decode(&good[..n]).is_err(), "prefix of {n} bytes");
        }
        // Every single-byte corruption either decodes or fails cleanly.
        for i in 0..good.len() {
            for b in [0x00, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] = b;
                let _ = Message::decode(&bad);
            }
        }
        let err = Message::decode(&hex("30 03 02 01 02")).unwrap_err();
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn community_is_redacted_in_debug() {
        let m = golden().remove(0).2;
        let text = format!("{m:?}");
        assert!(!text.contains("public"), "{text}");
        assert!(text.contains("redacted"));
    }
}
