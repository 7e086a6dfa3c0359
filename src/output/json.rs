//! JSON lines (`--json`): one object per varbind, one line each, for scripts.
//!
//! The format is stable; fields appear in this order and only when they apply:
//!
//! | field | when | content |
//! |---|---|---|
//! | `oid` | always | numeric OID with a leading dot, `".1.3.6.1.2.1.1.5.0"` |
//! | `name` | the resolver knows the OID | Net-SNMP's default (`-OS`) name, `"SNMPv2-MIB::sysName.0"` |
//! | `type` | always | Net-SNMP's name of the type that arrived: `INTEGER`, `STRING`, `NULL`, `OID`, `IpAddress`, `Counter32`, `Gauge32`, `Timeticks`, `Opaque`, `NsapAddress`, `Counter64`, `UInteger32`; the exceptions `noSuchObject`, `noSuchInstance`, `endOfMibView`; `unknown` for a tag no SMI type uses |
//! | `value` | always | a number for INTEGER, Counter32, Gauge32, Timeticks (hundredths of a second), UInteger32, Counter64 and the Opaque numbers; a string for STRING (the octets as UTF-8; `null` when they are not valid UTF-8), OID (numeric) and IpAddress; `null` for NULL, the exceptions, raw Opaque, NsapAddress and unknown tags |
//! | `value_string` | Counter64 and 64-bit Opaque numbers | the same number in decimal text: JavaScript's numbers lose precision above 2^53 |
//! | `opaque_type` | Opaque holding a Net-SNMP typed value | `Float`, `Double`, `Int64`, `UInt64` or `Counter64` |
//! | `tag` | unknown tags | the BER tag as a number |
//! | `raw` | STRING, Opaque, NsapAddress, unknown tags | the octets in lower-case hex without separators |
//! | `enum` | the MIB names this INTEGER value | the label, `"up"` |
//! | `bits` | MIB type BITS | the names (or numbers) of the set bits, `["sunday", "3"]` |
//! | `units` | the MIB has UNITS | `"seconds"` |
//! | `display` | the MIB gives the object a syntax | the value as `snmpget -Oqv` prints it with MIBs (`"up"`, `"d2:27:e0:7e:ab:48"`, `"2026-11-21,9:53:44.0,+0:0"`) |
//!
//! Example: `{"oid":".1.3.6.1.2.1.1.5.0","type":"STRING","value":"tb-agent","raw":"74622d6167656e74"}`

use std::io::{self, Write};

use super::digits::{write_i64, write_u64};
use super::oid_text;
use super::syntax::{BaseType, RenderHints};
use super::text::{self, Context};
use super::{OidStyle, OutputOptions};
use crate::proto::value::OpaqueValue;
use crate::proto::{Value, VarBind};

/// Writes one varbind as a JSON object and a newline.
pub fn write_varbind<W: Write + ?Sized>(
    out: &mut W,
    vb: &VarBind,
    ctx: Context<'_>,
) -> io::Result<()> {
    let arcs = vb.oid.arcs();
    let resolved = ctx.names.resolve(arcs);
    out.write_all(b"{\"oid\":\"")?;
    oid_text::write_numeric(out, if arcs.is_empty() { &[0, 0] } else { arcs })?;
    out.write_all(b"\"")?;
    if let Some(r) = resolved {
        let named = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        let mut name = Vec::with_capacity(64);
        oid_text::write_resolved(
            &mut name,
            arcs,
            Some(r),
            Context {
                options: &named,
                names: ctx.names,
            },
        )?;
        out.write_all(b",\"name\":")?;
        write_json_bytes(out, &name)?;
    }
    write_typed_value(out, &vb.value)?;
    if let Some(syntax) = resolved.and_then(|r| r.syntax)
        && !vb.value.is_exception()
    {
        write_mib_fields(out, &vb.value, syntax, ctx)?;
    }
    out.write_all(b"}\n")
}

/// `type`, `value` and the fields that go with them.
fn write_typed_value<W: Write + ?Sized>(out: &mut W, value: &Value) -> io::Result<()> {
    let kind = type_name(value);
    out.write_all(b",\"type\":\"")?;
    out.write_all(kind.as_bytes())?;
    out.write_all(b"\",\"value\":")?;
    match value {
        Value::Integer(n) => write_i64(out, *n),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            write_u64(out, u64::from(*n))
        }
        Value::Counter64(n) => {
            write_u64(out, *n)?;
            write_value_string(out, &n.to_string())
        }
        Value::OctetString(bytes) => {
            match std::str::from_utf8(bytes) {
                Ok(s) => write_json_str(out, s)?,
                Err(_) => out.write_all(b"null")?,
            }
            write_raw(out, bytes)
        }
        Value::ObjectId(oid) => {
            out.write_all(b"\"")?;
            let arcs = oid.arcs();
            oid_text::write_numeric(out, if arcs.is_empty() { &[0, 0] } else { arcs })?;
            out.write_all(b"\"")
        }
        Value::IpAddress(a) => {
            out.write_all(b"\"")?;
            text::write_dotted_quad(out, *a)?;
            out.write_all(b"\"")
        }
        Value::Opaque(bytes) => {
            match OpaqueValue::decode(bytes) {
                Some(OpaqueValue::Float(f)) => write_float(out, f64::from(f), "Float")?,
                Some(OpaqueValue::Double(d)) => write_float(out, d, "Double")?,
                Some(OpaqueValue::Int64(n)) => {
                    write_i64(out, n)?;
                    write_value_string(out, &n.to_string())?;
                    out.write_all(b",\"opaque_type\":\"Int64\"")?;
                }
                Some(OpaqueValue::UInt64(n)) => {
                    write_u64(out, n)?;
                    write_value_string(out, &n.to_string())?;
                    out.write_all(b",\"opaque_type\":\"UInt64\"")?;
                }
                Some(OpaqueValue::Counter64(n)) => {
                    write_u64(out, n)?;
                    write_value_string(out, &n.to_string())?;
                    out.write_all(b",\"opaque_type\":\"Counter64\"")?;
                }
                None => out.write_all(b"null")?,
            }
            write_raw(out, bytes)
        }
        Value::NsapAddress(bytes) => {
            out.write_all(b"null")?;
            write_raw(out, bytes)
        }
        Value::Unknown { tag, data } => {
            out.write_all(b"null,\"tag\":")?;
            write_u64(out, u64::from(*tag))?;
            write_raw(out, data)
        }
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            out.write_all(b"null")
        }
    }
}

/// Net-SNMP's label for the type that arrived, or the exception's SMI name.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "INTEGER",
        Value::OctetString(_) => "STRING",
        Value::Null => "NULL",
        Value::ObjectId(_) => "OID",
        Value::IpAddress(_) => "IpAddress",
        Value::Counter32(_) => "Counter32",
        Value::Gauge32(_) => "Gauge32",
        Value::TimeTicks(_) => "Timeticks",
        Value::Opaque(_) => "Opaque",
        Value::NsapAddress(_) => "NsapAddress",
        Value::Counter64(_) => "Counter64",
        Value::UInteger32(_) => "UInteger32",
        Value::NoSuchObject => "noSuchObject",
        Value::NoSuchInstance => "noSuchInstance",
        Value::EndOfMibView => "endOfMibView",
        Value::Unknown { .. } => "unknown",
    }
}

/// `enum`, `bits`, `units` and `display` from the MIB syntax.
fn write_mib_fields<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    syntax: &RenderHints,
    ctx: Context<'_>,
) -> io::Result<()> {
    if let Value::Integer(n) = value
        && let Some((_, label)) = syntax.enums.iter().find(|(v, _)| *v == *n)
    {
        out.write_all(b",\"enum\":")?;
        write_json_str(out, label)?;
    }
    if let (BaseType::Bits, Value::OctetString(data)) = (syntax.base, value) {
        out.write_all(b",\"bits\":[")?;
        let mut first = true;
        for (i, byte) in data.iter().enumerate() {
            for bit in 0..8u32 {
                if byte & (0x80 >> bit) == 0 {
                    continue;
                }
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                let n = i as u32 * 8 + bit;
                match syntax.bits.iter().find(|(b, _)| *b == n) {
                    Some((_, name)) => write_json_str(out, name)?,
                    None => write_json_str(out, &n.to_string())?,
                }
            }
        }
        out.write_all(b"]")?;
    }
    if let Some(units) = &syntax.units {
        out.write_all(b",\"units\":")?;
        write_json_str(out, units)?;
    }
    let display_options = OutputOptions {
        quick: true,
        no_units: true,
        oid_style: ctx.options.oid_style,
        ..OutputOptions::default()
    };
    let mut display = Vec::with_capacity(32);
    text::write_value(
        &mut display,
        value,
        Some(syntax),
        Context {
            options: &display_options,
            names: ctx.names,
        },
    )?;
    out.write_all(b",\"display\":")?;
    write_json_bytes(out, &display)
}

fn write_value_string<W: Write + ?Sized>(out: &mut W, decimal: &str) -> io::Result<()> {
    out.write_all(b",\"value_string\":\"")?;
    out.write_all(decimal.as_bytes())?;
    out.write_all(b"\"")
}

fn write_float<W: Write + ?Sized>(out: &mut W, f: f64, kind: &str) -> io::Result<()> {
    if f.is_finite() {
        serde_json::to_writer(&mut *out, &f).map_err(io::Error::other)?;
    } else {
        out.write_all(b"null")?;
    }
    write!(out, ",\"opaque_type\":\"{kind}\"")
}

fn write_raw<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.write_all(b",\"raw\":\"")?;
    let mut buf = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        buf.push(HEX[usize::from(b >> 4)]);
        buf.push(HEX[usize::from(b & 0xf)]);
    }
    out.write_all(&buf)?;
    out.write_all(b"\"")
}

/// A JSON string. serde_json escapes C0 controls; DEL and the C1 controls are escaped too
/// (`\u007f`, `\u009b`), so a line shown on a terminal cannot act on it.
pub fn write_json_str<W: Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    let text = serde_json::to_string(s).map_err(io::Error::other)?;
    if !text.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return out.write_all(text.as_bytes());
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    out.write_all(escaped.as_bytes())
}

/// Text that may not be UTF-8 (a hinted `a` format copies bytes raw): invalid sequences
/// become U+FFFD so the line stays valid JSON.
pub fn write_json_bytes<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    write_json_str(out, &String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::super::syntax::{IndexPart, NoNames, OidNames, Resolved};
    use super::*;
    use crate::proto::Oid;

    fn line(vb: &VarBind, names: &dyn OidNames) -> Json {
        let options = OutputOptions {
            json: true,
            ..OutputOptions::default()
        };
        let mut out = Vec::new();
        super::super::write_varbind_named(&mut out, vb, &options, names).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with('\n') && text.matches('\n').count() == 1,
            "{text:?}"
        );
        serde_json::from_str(&text).unwrap()
    }

    fn vb(oid: &str, value: Value) -> VarBind {
        VarBind::new(oid.parse::<Oid>().unwrap(), value)
    }

    #[test]
    fn every_type_round_trips() {
        let cases: Vec<(Value, Json)> = vec![
            (
                Value::Integer(-42),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "INTEGER", "value": -42}),
            ),
            (
                Value::OctetString(b"tb-agent".to_vec()),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "STRING", "value": "tb-agent", "raw": "74622d6167656e74"}),
            ),
            (
                Value::OctetString(vec![0xd2, 0x27, 0x00, 0xff]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "STRING", "value": null, "raw": "d22700ff"}),
            ),
            (
                Value::OctetString("h\u{e9}llo \"q\"\n".as_bytes().to_vec()),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "STRING", "value": "h\u{e9}llo \"q\"\n", "raw": "68c3a96c6c6f202271220a"}),
            ),
            (
                Value::Null,
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "NULL", "value": null}),
            ),
            (
                Value::ObjectId(Oid::from([1, 3, 6, 1, 4, 1, 8072])),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "OID", "value": ".1.3.6.1.4.1.8072"}),
            ),
            (
                Value::IpAddress([192, 0, 2, 1]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "IpAddress", "value": "192.0.2.1"}),
            ),
            (
                Value::Counter32(u32::MAX),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Counter32", "value": 4294967295u32}),
            ),
            (
                Value::Gauge32(7),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Gauge32", "value": 7}),
            ),
            (
                Value::TimeTicks(363_136_200),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Timeticks", "value": 363136200}),
            ),
            (
                Value::Counter64(u64::MAX),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Counter64", "value": u64::MAX, "value_string": "18446744073709551615"}),
            ),
            (
                Value::UInteger32(7),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "UInteger32", "value": 7}),
            ),
            (
                Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3f, 0xc0, 0x00, 0x00]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Opaque", "value": 1.5, "opaque_type": "Float", "raw": "9f78043fc00000"}),
            ),
            (
                Value::Opaque(vec![0x9f, 0x7a, 0x06, 0xfe, 0xe0, 0x8e, 0x04, 0xfb, 0x35]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Opaque", "value": -1_234_567_890_123i64, "value_string": "-1234567890123", "opaque_type": "Int64", "raw": "9f7a06fee08e04fb35"}),
            ),
            (
                Value::Opaque(vec![1, 2, 3]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "Opaque", "value": null, "raw": "010203"}),
            ),
            (
                Value::NsapAddress(vec![0x47, 0, 5]),
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "NsapAddress", "value": null, "raw": "470005"}),
            ),
            (
                Value::NoSuchObject,
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "noSuchObject", "value": null}),
            ),
            (
                Value::NoSuchInstance,
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "noSuchInstance", "value": null}),
            ),
            (
                Value::EndOfMibView,
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "endOfMibView", "value": null}),
            ),
            (
                Value::Unknown {
                    tag: 0x48,
                    data: vec![1, 2],
                },
                json!({"oid": ".1.3.6.1.4.1.99999.1.0", "type": "unknown", "value": null, "tag": 72, "raw": "0102"}),
            ),
        ];
        for (value, expected) in cases {
            let got = line(&vb(".1.3.6.1.4.1.99999.1.0", value.clone()), &NoNames);
            assert_eq!(got, expected, "{value:?}");
        }
    }

    #[test]
    fn counter64_keeps_precision_as_text() {
        let got = line(
            &vb(".1.3.6.1.2.1.31.1.1.1.6.3", Value::Counter64((1 << 53) + 1)),
            &NoNames,
        );
        assert_eq!(got["value_string"], "9007199254740993");
        assert_eq!(got["value"].as_u64(), Some((1 << 53) + 1));
    }

    /// IF-MIB ifOperStatus and ifPhysAddress, as a MIB compiler would describe them.
    struct IfMib {
        oper: RenderHints,
        phys: RenderHints,
        index: Vec<IndexPart>,
    }

    impl OidNames for IfMib {
        fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
            let column = [1, 3, 6, 1, 2, 1, 2, 2, 1];
            let rest = arcs.strip_prefix(&column[..])?;
            let (label, syntax) = match rest.first()? {
                6 => ("ifPhysAddress", &self.phys),
                8 => ("ifOperStatus", &self.oper),
                _ => return None,
            };
            Some(Resolved {
                depth: column.len() + 1,
                label,
                module: Some("IF-MIB"),
                syntax: Some(syntax),
                has_children: false,
                index: Some(&self.index),
            })
        }
    }

    #[test]
    fn mib_fields_name_enum_display_units() {
        let names = IfMib {
            oper: RenderHints {
                base: BaseType::Integer,
                enums: vec![(1, "up".into()), (2, "down".into())],
                units: Some("state".into()),
                ..RenderHints::default()
            },
            phys: RenderHints {
                base: BaseType::OctetString,
                tc: Some("PhysAddress".into()),
                display_hint: Some("1x:".into()),
                ..RenderHints::default()
            },
            index: vec![IndexPart {
                name: "ifIndex".into(),
                syntax: Some(RenderHints {
                    base: BaseType::Integer,
                    ..RenderHints::default()
                }),
                implied: false,
            }],
        };
        let got = line(&vb(".1.3.6.1.2.1.2.2.1.8.3", Value::Integer(1)), &names);
        assert_eq!(
            got,
            json!({"oid": ".1.3.6.1.2.1.2.2.1.8.3", "name": "IF-MIB::ifOperStatus.3", "type": "INTEGER",
                   "value": 1, "enum": "up", "units": "state", "display": "up"})
        );
        let got = line(
            &vb(
                ".1.3.6.1.2.1.2.2.1.6.3",
                Value::OctetString(vec![0xd2, 0x27, 0xe0, 0x7e, 0xab, 0x48]),
            ),
            &names,
        );
        assert_eq!(got["name"], "IF-MIB::ifPhysAddress.3");
        assert_eq!(got["display"], "d2:27:e0:7e:ab:48");
        assert_eq!(got["raw"], "d227e07eab48");
        assert_eq!(got["value"], Json::Null, "not UTF-8");
        let got = line(&vb(".1.3.6.1.2.1.2.2.1.8.3", Value::NoSuchInstance), &names);
        assert_eq!(got.get("display"), None);
        assert_eq!(got["type"], "noSuchInstance");
    }
}
