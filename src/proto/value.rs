//! SMI values as they travel in a varbind (RFC 2578 section 7.1, RFC 3416 section 3), with
//! their BER encoding and lenient decoding. Tags no SMI defines are kept as `Unknown` so a
//! response is never lost for one odd value.

use std::fmt;

use super::ber::{DecodeError, Quirk, Reader, Writer, tag};
use super::oid::Oid;

/// One varbind value. `NsapAddress` and `UInteger32` are the SNMPv2 (RFC 1442) types some
/// agents still send; `NoSuchObject`, `NoSuchInstance` and `EndOfMibView` are the v2
/// exceptions (RFC 3416 section 3).
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// INTEGER / Integer32. Held in 64 bits: agents send wider values (a 5-byte
    /// `02 05 00 FF FF FF FF`), and Net-SNMP shows them as they are.
    Integer(i64),
    OctetString(Vec<u8>),
    Null,
    ObjectId(Oid),
    IpAddress([u8; 4]),
    Counter32(u32),
    /// Gauge32 and Unsigned32 share a tag.
    Gauge32(u32),
    TimeTicks(u32),
    Opaque(Vec<u8>),
    NsapAddress(Vec<u8>),
    Counter64(u64),
    UInteger32(u32),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
    /// A tag no SMI type uses, with its content bytes.
    Unknown {
        tag: u8,
        data: Vec<u8>,
    },
}

/// The SMI base type of a value, for type checks and `set` type letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Integer,
    OctetString,
    Null,
    ObjectId,
    IpAddress,
    Counter32,
    Gauge32,
    TimeTicks,
    Opaque,
    NsapAddress,
    Counter64,
    UInteger32,
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
    Unknown(u8),
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Integer(_) => ValueKind::Integer,
            Value::OctetString(_) => ValueKind::OctetString,
            Value::Null => ValueKind::Null,
            Value::ObjectId(_) => ValueKind::ObjectId,
            Value::IpAddress(_) => ValueKind::IpAddress,
            Value::Counter32(_) => ValueKind::Counter32,
            Value::Gauge32(_) => ValueKind::Gauge32,
            Value::TimeTicks(_) => ValueKind::TimeTicks,
            Value::Opaque(_) => ValueKind::Opaque,
            Value::NsapAddress(_) => ValueKind::NsapAddress,
            Value::Counter64(_) => ValueKind::Counter64,
            Value::UInteger32(_) => ValueKind::UInteger32,
            Value::NoSuchObject => ValueKind::NoSuchObject,
            Value::NoSuchInstance => ValueKind::NoSuchInstance,
            Value::EndOfMibView => ValueKind::EndOfMibView,
            Value::Unknown { tag, .. } => ValueKind::Unknown(*tag),
        }
    }

    /// True for the three v2 exception values, which carry no data.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    pub fn tag(&self) -> u8 {
        match self {
            Value::Integer(_) => tag::INTEGER,
            Value::OctetString(_) => tag::OCTET_STRING,
            Value::Null => tag::NULL,
            Value::ObjectId(_) => tag::OBJECT_IDENTIFIER,
            Value::IpAddress(_) => tag::IP_ADDRESS,
            Value::Counter32(_) => tag::COUNTER32,
            Value::Gauge32(_) => tag::GAUGE32,
            Value::TimeTicks(_) => tag::TIMETICKS,
            Value::Opaque(_) => tag::OPAQUE,
            Value::NsapAddress(_) => tag::NSAP_ADDRESS,
            Value::Counter64(_) => tag::COUNTER64,
            Value::UInteger32(_) => tag::UINTEGER32,
            Value::NoSuchObject => tag::NO_SUCH_OBJECT,
            Value::NoSuchInstance => tag::NO_SUCH_INSTANCE,
            Value::EndOfMibView => tag::END_OF_MIB_VIEW,
            Value::Unknown { tag, .. } => *tag,
        }
    }

    pub fn encode(&self, w: &mut Writer) {
        let t = self.tag();
        match self {
            Value::Integer(v) => w.integer(t, *v),
            Value::OctetString(b) | Value::Opaque(b) | Value::NsapAddress(b) => w.octets(t, b),
            Value::Unknown { data, .. } => w.octets(t, data),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
                w.null(t);
            }
            Value::ObjectId(oid) => w.oid(t, oid),
            Value::IpAddress(a) => w.octets(t, a),
            Value::Counter32(v)
            | Value::Gauge32(v)
            | Value::TimeTicks(v)
            | Value::UInteger32(v) => {
                w.unsigned(t, u64::from(*v));
            }
            Value::Counter64(v) => w.unsigned(t, *v),
        }
    }

    /// Decodes one value TLV.
    pub fn decode(r: &mut Reader<'_, '_>) -> Result<Value, DecodeError> {
        let (t, at, content) = r.read_any("value")?;
        Ok(match t {
            tag::INTEGER => {
                let v = r.integer_content(at, content, "INTEGER")?;
                if i32::try_from(v).is_err() {
                    r.note(Quirk::WideInteger);
                }
                Value::Integer(v)
            }
            tag::OCTET_STRING => Value::OctetString(content.to_vec()),
            tag::NULL => {
                if !content.is_empty() {
                    r.note(Quirk::NullWithContent);
                }
                Value::Null
            }
            tag::OBJECT_IDENTIFIER => Value::ObjectId(r.oid_content(at, content)?),
            tag::IP_ADDRESS => {
                let addr = match content {
                    [a, b, c, d] => [*a, *b, *c, *d],
                    _ => {
                        // Keep what was sent rather than invent an address.
                        r.note(Quirk::IpAddressLength);
                        return Ok(Value::Unknown {
                            tag: t,
                            data: content.to_vec(),
                        });
                    }
                };
                Value::IpAddress(addr)
            }
            tag::COUNTER32 => Value::Counter32(r.u32_content(at, content, "Counter32")?),
            tag::GAUGE32 => Value::Gauge32(r.u32_content(at, content, "Gauge32")?),
            tag::TIMETICKS => Value::TimeTicks(r.u32_content(at, content, "TimeTicks")?),
            tag::OPAQUE => Value::Opaque(content.to_vec()),
            tag::NSAP_ADDRESS => Value::NsapAddress(content.to_vec()),
            tag::COUNTER64 => Value::Counter64(r.unsigned_content(at, content, "Counter64")?),
            tag::UINTEGER32 => Value::UInteger32(r.u32_content(at, content, "UInteger32")?),
            tag::NO_SUCH_OBJECT | tag::NO_SUCH_INSTANCE | tag::END_OF_MIB_VIEW => {
                if !content.is_empty() {
                    r.note(Quirk::NullWithContent);
                }
                match t {
                    tag::NO_SUCH_OBJECT => Value::NoSuchObject,
                    tag::NO_SUCH_INSTANCE => Value::NoSuchInstance,
                    _ => Value::EndOfMibView,
                }
            }
            other => Value::Unknown {
                tag: other,
                data: content.to_vec(),
            },
        })
    }
}

/// Net-SNMP's typed values carried inside an Opaque (draft-perkins-opaque-01): the Opaque's
/// content is itself a TLV with tag 0x9f and a second tag byte 0x76..0x7b.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OpaqueValue {
    Counter64(u64),
    Float(f32),
    Double(f64),
    Int64(i64),
    UInt64(u64),
}

const OPAQUE_TAG1: u8 = 0x9f;
const OPAQUE_COUNTER64: u8 = 0x76;
const OPAQUE_FLOAT: u8 = 0x78;
const OPAQUE_DOUBLE: u8 = 0x79;
const OPAQUE_INT64: u8 = 0x7a;
const OPAQUE_UINT64: u8 = 0x7b;

impl OpaqueValue {
    /// Reads the content of an Opaque; `None` when it is not one of these special types.
    pub fn decode(content: &[u8]) -> Option<OpaqueValue> {
        let [OPAQUE_TAG1, kind, len, body @ ..] = content else {
            return None;
        };
        if *len as usize != body.len() || body.is_empty() || body.len() > 9 {
            return None;
        }
        let unsigned = || {
            let b = if body.len() == 9 && body[0] == 0 {
                &body[1..]
            } else {
                body
            };
            (b.len() <= 8).then(|| b.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)))
        };
        match *kind {
            OPAQUE_COUNTER64 => unsigned().map(OpaqueValue::Counter64),
            OPAQUE_UINT64 => unsigned().map(OpaqueValue::UInt64),
            OPAQUE_INT64 if body.len() <= 8 => {
                let init: i64 = if body[0] & 0x80 != 0 { -1 } else { 0 };
                Some(OpaqueValue::Int64(
                    body.iter().fold(init, |a, x| (a << 8) | i64::from(*x)),
                ))
            }
            OPAQUE_FLOAT => <[u8; 4]>::try_from(body)
                .ok()
                .map(|b| OpaqueValue::Float(f32::from_be_bytes(b))),
            OPAQUE_DOUBLE => <[u8; 8]>::try_from(body)
                .ok()
                .map(|b| OpaqueValue::Double(f64::from_be_bytes(b))),
            _ => None,
        }
    }

    /// The Opaque content bytes for this value.
    pub fn encode(&self) -> Vec<u8> {
        let (kind, body): (u8, Vec<u8>) = match *self {
            OpaqueValue::Counter64(v) => (OPAQUE_COUNTER64, minimal_unsigned(v)),
            OpaqueValue::UInt64(v) => (OPAQUE_UINT64, minimal_unsigned(v)),
            OpaqueValue::Int64(v) => {
                let mut w = Writer::new();
                w.integer(tag::INTEGER, v);
                (OPAQUE_INT64, w.as_bytes()[2..].to_vec())
            }
            OpaqueValue::Float(f) => (OPAQUE_FLOAT, f.to_be_bytes().to_vec()),
            OpaqueValue::Double(d) => (OPAQUE_DOUBLE, d.to_be_bytes().to_vec()),
        };
        let mut out = vec![OPAQUE_TAG1, kind, body.len() as u8];
        out.extend_from_slice(&body);
        out
    }
}

fn minimal_unsigned(v: u64) -> Vec<u8> {
    let mut w = Writer::new();
    w.unsigned(tag::COUNTER64, v);
    w.as_bytes()[2..].to_vec()
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "Integer({v})"),
            Value::OctetString(b) => write!(
                f,
                "OctetString({})",
                String::from_utf8_lossy(b).escape_debug()
            ),
            Value::Null => f.write_str("Null"),
            Value::ObjectId(o) => write!(f, "ObjectId({o})"),
            Value::IpAddress(a) => write!(f, "IpAddress({}.{}.{}.{})", a[0], a[1], a[2], a[3]),
            Value::Counter32(v) => write!(f, "Counter32({v})"),
            Value::Gauge32(v) => write!(f, "Gauge32({v})"),
            Value::TimeTicks(v) => write!(f, "TimeTicks({v})"),
            Value::Opaque(b) => write!(f, "Opaque({b:02x?})"),
            Value::NsapAddress(b) => write!(f, "NsapAddress({b:02x?})"),
            Value::Counter64(v) => write!(f, "Counter64({v})"),
            Value::UInteger32(v) => write!(f, "UInteger32({v})"),
            Value::NoSuchObject => f.write_str("NoSuchObject"),
            Value::NoSuchInstance => f.write_str("NoSuchInstance"),
            Value::EndOfMibView => f.write_str("EndOfMibView"),
            Value::Unknown { tag, data } => write!(f, "Unknown(0x{tag:02x}, {data:02x?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::proto::ber::Quirks;

    fn decode(bytes: &[u8]) -> (Value, Quirks) {
        let q = Cell::new(Quirks::default());
        let mut r = Reader::new(bytes, &q);
        let v = Value::decode(&mut r).unwrap();
        assert!(r.is_empty());
        (v, q.get())
    }

    /// (value, canonical bytes): encode must produce the bytes and decode must give the value.
    fn table() -> Vec<(Value, Vec<u8>)> {
        vec![
            (Value::Integer(42), vec![0x02, 0x01, 0x2a]),
            (Value::Integer(-42), vec![0x02, 0x01, 0xd6]),
            (
                Value::Integer(i32::MAX.into()),
                vec![0x02, 0x04, 0x7f, 0xff, 0xff, 0xff],
            ),
            (
                Value::Integer(i32::MIN.into()),
                vec![0x02, 0x04, 0x80, 0, 0, 0],
            ),
            (
                Value::OctetString(b"tb-agent".to_vec()),
                b"\x04\x08tb-agent".to_vec(),
            ),
            (Value::OctetString(vec![]), vec![0x04, 0x00]),
            (Value::Null, vec![0x05, 0x00]),
            (
                Value::ObjectId("1.3.6.1.6.3.1.1.5.3".parse().unwrap()),
                vec![0x06, 0x09, 0x2b, 6, 1, 6, 3, 1, 1, 5, 3],
            ),
            (
                Value::IpAddress([127, 0, 0, 1]),
                vec![0x40, 0x04, 127, 0, 0, 1],
            ),
            (
                Value::Counter32(3_000_000_000),
                vec![0x41, 0x05, 0x00, 0xb2, 0xd0, 0x5e, 0x00],
            ),
            (
                Value::Gauge32(u32::MAX),
                vec![0x42, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff],
            ),
            (
                Value::TimeTicks(363_136_200),
                vec![0x43, 0x04, 0x15, 0xa5, 0x04, 0xc8],
            ),
            (
                Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0]),
                vec![0x44, 0x07, 0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0],
            ),
            (
                Value::NsapAddress(vec![0x47, 0x00, 0x05]),
                vec![0x45, 0x03, 0x47, 0x00, 0x05],
            ),
            (
                Value::Counter64(u64::MAX),
                vec![
                    0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
            ),
            (
                Value::Counter64(5_000_000_000),
                vec![0x46, 0x05, 0x01, 0x2a, 0x05, 0xf2, 0x00],
            ),
            (Value::UInteger32(7), vec![0x47, 0x01, 0x07]),
            (Value::NoSuchObject, vec![0x80, 0x00]),
            (Value::NoSuchInstance, vec![0x81, 0x00]),
            (Value::EndOfMibView, vec![0x82, 0x00]),
            (
                Value::Unknown {
                    tag: 0x48,
                    data: vec![1, 2],
                },
                vec![0x48, 0x02, 1, 2],
            ),
        ]
    }

    #[test]
    fn values_both_directions() {
        for (value, bytes) in table() {
            let mut w = Writer::new();
            value.encode(&mut w);
            assert_eq!(w.as_bytes(), &bytes[..], "encode {value:?}");
            let (decoded, quirks) = decode(&bytes);
            assert_eq!(decoded, value, "decode {bytes:02x?}");
            assert!(
                quirks.is_empty(),
                "{value:?} decoded with quirks {quirks:?}"
            );
        }
    }

    #[test]
    fn opaque_special_types_both_directions() {
        // Layout per Net-SNMP's asn1.c (ASN_OPAQUE_TAG1, then ASN_OPAQUE_I64 and friends).
        let table: Vec<(OpaqueValue, Vec<u8>)> = vec![
            (
                OpaqueValue::Int64(-1_234_567_890_123),
                vec![0x9f, 0x7a, 0x06, 0xfe, 0xe0, 0x8e, 0x04, 0xfb, 0x35],
            ),
            (
                OpaqueValue::UInt64(u64::MAX),
                vec![
                    0x9f, 0x7b, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
            ),
            (
                OpaqueValue::Float(1.5),
                vec![0x9f, 0x78, 0x04, 0x3f, 0xc0, 0x00, 0x00],
            ),
            (
                OpaqueValue::Double(-2.25),
                vec![
                    0x9f, 0x79, 0x08, 0xc0, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                ],
            ),
            (OpaqueValue::Counter64(5), vec![0x9f, 0x76, 0x01, 0x05]),
        ];
        for (value, bytes) in table {
            assert_eq!(value.encode(), bytes, "{value:?}");
            assert_eq!(OpaqueValue::decode(&bytes), Some(value));
        }
        assert_eq!(OpaqueValue::decode(&[0x9f, 0x78, 0x05, 0, 0, 0, 0]), None);
        assert_eq!(OpaqueValue::decode(&[0x04, 0x01, 0x00]), None);
    }

    #[test]
    fn real_device_encodings_decode() {
        // (bytes as devices send them, value, quirk recorded)
        let cases: Vec<(Vec<u8>, Value, Quirk)> = vec![
            (
                vec![0x41, 0x04, 0xff, 0xff, 0xff, 0xff],
                Value::Counter32(u32::MAX),
                Quirk::UnsignedMissingLeadingZero,
            ),
            (
                vec![0x42, 0x04, 0x80, 0, 0, 0],
                Value::Gauge32(0x8000_0000),
                Quirk::UnsignedMissingLeadingZero,
            ),
            (
                vec![0x43, 0x04, 0xff, 0xff, 0xff, 0xfe],
                Value::TimeTicks(0xffff_fffe),
                Quirk::UnsignedMissingLeadingZero,
            ),
            (
                vec![0x46, 0x08, 0xff, 0, 0, 0, 0, 0, 0, 1],
                Value::Counter64(0xff00_0000_0000_0001),
                Quirk::UnsignedMissingLeadingZero,
            ),
            (
                vec![0x41, 0x81, 0x01, 0x05],
                Value::Counter32(5),
                Quirk::NonMinimalLength,
            ),
            (
                vec![0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff],
                Value::Integer(4_294_967_295),
                Quirk::WideInteger,
            ),
            (
                vec![0x41, 0x06, 0x00, 0x01, 0, 0, 0, 5],
                Value::Counter32(5),
                Quirk::TruncatedInteger,
            ),
            (vec![0x05, 0x01, 0x00], Value::Null, Quirk::NullWithContent),
            (
                vec![0x40, 0x06, 1, 2, 3, 4, 5, 6],
                Value::Unknown {
                    tag: 0x40,
                    data: vec![1, 2, 3, 4, 5, 6],
                },
                Quirk::IpAddressLength,
            ),
        ];
        for (bytes, value, quirk) in cases {
            let (decoded, quirks) = decode(&bytes);
            assert_eq!(decoded, value, "{bytes:02x?}");
            assert!(quirks.contains(quirk), "{bytes:02x?}: {quirks:?}");
        }
    }
}
