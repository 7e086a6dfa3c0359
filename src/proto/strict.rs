//! A second opinion from a strict decoder: rasn-snmp (the ASN.1 of RFC 1157, RFC 3416 and
//! RFC 3412 under rasn's BER rules) reads the same bytes, so `mibscope decode` can say
//! whether a message conforms or is only readable thanks to our leniency. Tests also use it
//! as an independent oracle for our encoder.

use rasn_snmp::{v1, v2, v2c, v3};

/// Which strict schema a message was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    V1,
    V2c,
    V3,
}

/// Decodes `bytes` with rasn-snmp. `Ok` names the schema that accepted the message; `Err`
/// carries rasn's reason.
pub fn check(bytes: &[u8]) -> Result<Schema, String> {
    let version =
        version_of(bytes).ok_or_else(|| "not an SNMP message (no version field)".to_string())?;
    let result = match version {
        0 => rasn::ber::decode::<v1::Message<v1::Pdus>>(bytes).map(|_| Schema::V1),
        1 => rasn::ber::decode::<v2c::Message<v2::Pdus>>(bytes).map(|_| Schema::V2c),
        3 => rasn::ber::decode::<v3::Message>(bytes).map(|_| Schema::V3),
        other => return Err(format!("msgVersion {other} is not defined")),
    };
    result.map_err(|e| e.to_string())
}

/// msgVersion, read without any leniency: SEQUENCE, then a one-byte INTEGER.
fn version_of(bytes: &[u8]) -> Option<u8> {
    let rest = bytes.strip_prefix(&[0x30])?;
    let skip = match *rest.first()? {
        n if n < 0x80 => 1,
        n => 1 + usize::from(n & 0x7f),
    };
    match rest.get(skip..skip + 3)? {
        [0x02, 0x01, v] => Some(*v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::message::CommunityMessage;
    use crate::proto::{
        Community, Message, Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version,
    };

    fn all_value_types() -> Vec<VarBind> {
        let oid = |n: u32| Oid::from([1, 3, 6, 1, 4, 1, 8072, 2, 255, n, 0]);
        vec![
            VarBind::new(oid(1), Value::Integer(-42)),
            VarBind::new(oid(2), Value::OctetString(b"text".to_vec())),
            VarBind::new(oid(3), Value::ObjectId(Oid::from([1, 3, 6, 1, 2, 1]))),
            VarBind::new(oid(4), Value::IpAddress([127, 0, 0, 1])),
            VarBind::new(oid(5), Value::Counter32(u32::MAX)),
            VarBind::new(oid(6), Value::Gauge32(7)),
            VarBind::new(oid(7), Value::TimeTicks(363_136_200)),
            VarBind::new(
                oid(8),
                Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0xc0, 0, 0]),
            ),
            VarBind::new(oid(9), Value::Counter64(u64::MAX)),
            VarBind::new(oid(10), Value::NoSuchObject),
            VarBind::new(oid(11), Value::NoSuchInstance),
            VarBind::new(oid(12), Value::EndOfMibView),
            VarBind::null(oid(13)),
        ]
    }

    /// Our encoder's output for every v2c value type is accepted by the strict decoder, and
    /// what it reads back equals what we meant.
    #[test]
    fn strict_decoder_accepts_and_agrees_with_our_encoding() {
        let m = Message::Community(CommunityMessage {
            version: Version::V2c,
            community: Community::new("public"),
            pdu: PduBody::Pdu(Pdu::request(
                PduType::Response,
                RequestId(i64::from(i32::MAX)),
                all_value_types(),
            )),
        });
        let bytes = m.encode();
        assert_eq!(check(&bytes), Ok(Schema::V2c));
        let theirs: v2c::Message<v2::Pdus> = rasn::ber::decode(&bytes).unwrap();
        let v2::Pdus::Response(v2::Response(pdu)) = theirs.data else {
            panic!("not a response: {:?}", theirs.data)
        };
        assert_eq!(pdu.request_id, i32::MAX);
        assert_eq!(pdu.variable_bindings.len(), 13);
        let theirs: Vec<VarBind> = pdu.variable_bindings.iter().map(from_rasn).collect();
        assert_eq!(theirs, all_value_types());
    }

    /// rasn-snmp's reading of a varbind, in our terms.
    fn from_rasn(vb: &v2::VarBind) -> VarBind {
        use rasn_smi::v2::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
        let value = match &vb.value {
            v2::VarBindValue::Unspecified => Value::Null,
            v2::VarBindValue::NoSuchObject => Value::NoSuchObject,
            v2::VarBindValue::NoSuchInstance => Value::NoSuchInstance,
            v2::VarBindValue::EndOfMibView => Value::EndOfMibView,
            v2::VarBindValue::Value(O::Simple(S::Integer(i))) => {
                Value::Integer(i64::try_from(i).expect("INTEGER in range"))
            }
            v2::VarBindValue::Value(O::Simple(S::String(s))) => Value::OctetString(s.to_vec()),
            v2::VarBindValue::Value(O::Simple(S::ObjectId(o))) => {
                Value::ObjectId(Oid::from(&o[..]))
            }
            v2::VarBindValue::Value(O::ApplicationWide(A::Address(a))) => {
                Value::IpAddress([a.0[0], a.0[1], a.0[2], a.0[3]])
            }
            v2::VarBindValue::Value(O::ApplicationWide(A::Counter(c))) => Value::Counter32(c.0),
            v2::VarBindValue::Value(O::ApplicationWide(A::Unsigned(g))) => Value::Gauge32(g.0),
            v2::VarBindValue::Value(O::ApplicationWide(A::Ticks(t))) => Value::TimeTicks(t.0),
            v2::VarBindValue::Value(O::ApplicationWide(A::Arbitrary(o))) => {
                Value::Opaque(o.as_ref().to_vec())
            }
            v2::VarBindValue::Value(O::ApplicationWide(A::BigCounter(c))) => Value::Counter64(c.0),
        };
        VarBind::new(Oid::from(&vb.name[..]), value)
    }

    #[test]
    fn strict_decoder_rejects_what_we_tolerate() {
        // Counter32 without its leading zero byte: readable to us, not conformant.
        let quirky = [
            0x30, 0x2c, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2,
            0x1f, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x14, 0x30, 0x12,
            0x06, 0x0a, 0x2b, 6, 1, 2, 1, 2, 2, 1, 10, 1, 0x41, 0x04, 0xff, 0xff, 0xff, 0xff,
        ];
        assert!(Message::decode(&quirky).is_ok());
        assert!(check(&quirky).is_err());
        assert!(check(b"\x30\x03\x02\x01\x07").is_err());
        assert!(check(b"junk").is_err());
    }
}
