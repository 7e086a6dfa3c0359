//! Native snapshot lines: `OID TYPE VALUE [ATTRIBUTES]`, one object per line.

use super::scalar::{
    parse_enum_integer, parse_hex, parse_ipv4, parse_numeric_oid, parse_timeticks, parse_u32,
};
use super::{Access, Constraints, Initial, LineFormat, SnapshotObject};
use crate::proto::Value;
use crate::proto::value::ValueKind;

/// Splits a native line into tokens: quoted strings (kept with their quotes) and words; a
/// `#` at the start of a token begins a comment.
fn tokenize(line: &str) -> Result<Vec<&str>, String> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if bytes[i] == b'#' {
            break;
        }
        let start = i;
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            if i >= bytes.len() {
                return Err("unterminated quoted string".into());
            }
            i += 1;
            if i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                return Err("expected a space after the closing quote".into());
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        tokens.push(&line[start..i.min(line.len())]);
    }
    Ok(tokens)
}

/// The content of a quoted native string, escapes undone.
fn unescape_native(token: &str) -> Result<Vec<u8>, String> {
    let inner = &token[1..token.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let esc = bytes.get(i + 1).copied();
        i += 2;
        out.push(match esc {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'0') => 0,
            Some(b'x') => {
                let hex = inner.get(i..i + 2).unwrap_or("");
                i += 2;
                u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("bad escape '\\x{hex}': give two hex digits"))?
            }
            other => {
                return Err(format!(
                    "unknown escape '\\{}' (use \\\" \\\\ \\n \\r \\t \\0 \\xHH)",
                    other.map(char::from).unwrap_or(' ')
                ));
            }
        });
    }
    Ok(out)
}

/// The SMI type a native TYPE word names.
fn native_kind(word: &str) -> Option<ValueKind> {
    Some(match word.to_ascii_lowercase().as_str() {
        "integer" | "integer32" => ValueKind::Integer,
        "string" | "octetstring" | "hex-string" => ValueKind::OctetString,
        "oid" | "objectidentifier" => ValueKind::ObjectId,
        "ipaddress" => ValueKind::IpAddress,
        "counter32" | "counter" => ValueKind::Counter32,
        "gauge32" | "gauge" | "unsigned32" => ValueKind::Gauge32,
        "timeticks" => ValueKind::TimeTicks,
        "counter64" => ValueKind::Counter64,
        "opaque" => ValueKind::Opaque,
        "nsapaddress" => ValueKind::NsapAddress,
        "uinteger32" => ValueKind::UInteger32,
        "null" => ValueKind::Null,
        _ => return None,
    })
}

pub(super) fn native_line(line: &str) -> Result<SnapshotObject, String> {
    let tokens = tokenize(line)?;
    let [oid_text, type_word, rest @ ..] = tokens.as_slice() else {
        return Err(format!(
            "expected 'OID TYPE VALUE' or 'OID = TYPE: VALUE', found '{line}'"
        ));
    };
    let oid = parse_numeric_oid(oid_text)?;
    let kind = native_kind(type_word).ok_or_else(|| {
        format!(
            "unknown type '{type_word}' (use INTEGER, STRING, Hex-STRING, OID, IpAddress, Counter32, Gauge32, Timeticks, Counter64, Opaque, NsapAddress, UInteger32 or NULL)"
        )
    })?;
    let hex_type = type_word.eq_ignore_ascii_case("hex-string");
    let (value_text, attributes) = match (kind, rest) {
        (ValueKind::Null, _) => (None, rest),
        (_, [value, attributes @ ..]) => (Some(*value), attributes),
        (_, []) => return Err(format!("{type_word} needs a value")),
    };
    let value_text = value_text.unwrap_or("");
    let unquote_hex = |t: &str| -> Result<Vec<u8>, String> {
        if t.starts_with('"') {
            parse_hex(&t[1..t.len() - 1])
        } else {
            parse_hex(t)
        }
    };
    let initial = match kind {
        ValueKind::OctetString if hex_type => {
            Initial::Fixed(Value::OctetString(unquote_hex(value_text)?))
        }
        ValueKind::OctetString => {
            Initial::Fixed(Value::OctetString(if value_text.starts_with('"') {
                unescape_native(value_text)?
            } else {
                value_text.as_bytes().to_vec()
            }))
        }
        ValueKind::Integer => Initial::Fixed(Value::Integer(
            parse_enum_integer(value_text)
                .ok_or_else(|| format!("'{value_text}' is not an INTEGER"))?,
        )),
        ValueKind::ObjectId => Initial::Fixed(Value::ObjectId(parse_numeric_oid(value_text)?)),
        ValueKind::IpAddress => Initial::Fixed(Value::IpAddress(parse_ipv4(value_text)?)),
        ValueKind::Counter32 => {
            Initial::Fixed(Value::Counter32(parse_u32(value_text, "Counter32")?))
        }
        ValueKind::Gauge32 => Initial::Fixed(Value::Gauge32(parse_u32(value_text, "Gauge32")?)),
        ValueKind::UInteger32 => {
            Initial::Fixed(Value::UInteger32(parse_u32(value_text, "UInteger32")?))
        }
        ValueKind::TimeTicks if value_text.eq_ignore_ascii_case("uptime") => Initial::Uptime,
        ValueKind::TimeTicks => Initial::Fixed(Value::TimeTicks(parse_timeticks(value_text)?)),
        ValueKind::Counter64 => {
            Initial::Fixed(Value::Counter64(value_text.parse().map_err(|_| {
                format!("'{value_text}' is not a Counter64 (0..18446744073709551615)")
            })?))
        }
        ValueKind::Opaque => Initial::Fixed(Value::Opaque(unquote_hex(value_text)?)),
        ValueKind::NsapAddress => Initial::Fixed(Value::NsapAddress(unquote_hex(value_text)?)),
        _ => Initial::Fixed(Value::Null),
    };
    let mut object = SnapshotObject {
        oid,
        initial,
        access: None,
        rate: None,
        constraints: Constraints::default(),
        line: 0,
        format: LineFormat::Native,
    };
    for attribute in attributes {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        match key {
            "rw" if value.is_empty() => object.access = Some(Access::ReadWrite),
            "ro" if value.is_empty() => object.access = Some(Access::ReadOnly),
            "rate" => {
                if !matches!(kind, ValueKind::Counter32 | ValueKind::Counter64) {
                    return Err(format!(
                        "rate= applies to Counter32 and Counter64, not {type_word}"
                    ));
                }
                object.rate = Some(value.parse()?);
            }
            "range" => {
                if !matches!(
                    kind,
                    ValueKind::Integer | ValueKind::Gauge32 | ValueKind::UInteger32
                ) {
                    return Err(format!("range= applies to integer types, not {type_word}"));
                }
                object.constraints.range = Some(value.parse()?);
            }
            "size" => {
                if kind != ValueKind::OctetString {
                    return Err(format!("size= applies to strings, not {type_word}"));
                }
                object.constraints.size = Some(value.parse()?);
            }
            _ => {
                return Err(format!(
                    "unknown attribute '{attribute}' (use rw, ro, rate=R, range=MIN..MAX, size=MIN..MAX)"
                ));
            }
        }
    }
    if object.rate.is_some() && object.access == Some(Access::ReadWrite) {
        return Err("an object cannot both be writable (rw) and advance at a rate".into());
    }
    Ok(object)
}
