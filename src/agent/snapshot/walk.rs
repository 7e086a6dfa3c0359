//! Net-SNMP walk lines (`OID = TYPE: value`, as `snmpwalk -On` prints them), with the
//! strings and hex dumps that continue onto following lines.

use super::parser::{LineResult, Parser};
use super::scalar::{
    first_word, parse_enum_integer, parse_hex, parse_ipv4, parse_numeric_oid, parse_timeticks,
    parse_u32,
};
use super::{Constraints, Initial, LineFormat, SnapshotObject};
use crate::proto::Value;
use crate::proto::value::OpaqueValue;

impl Parser<'_> {
    /// One `OID = TYPE: value` line, plus any lines its value continues onto.
    pub(super) fn walk_line(&mut self, number: usize, line: &str) -> LineResult<()> {
        let (oid_text, rest) = line
            .split_once(" = ")
            .ok_or_else(|| (number, "expected 'OID = TYPE: VALUE'".to_string()))?;
        let oid = parse_numeric_oid(oid_text.trim()).map_err(|e| (number, e))?;
        let value = self.walk_value(number, rest.trim_start())?;
        if let Some(value) = value {
            self.add(SnapshotObject {
                oid,
                initial: Initial::Fixed(value),
                access: None,
                rate: None,
                constraints: Constraints::default(),
                line: number,
                format: LineFormat::NetSnmpWalk,
            })?;
        }
        Ok(())
    }

    /// The value of a walk line; `None` for lines that carry none (exceptions).
    /// `raw` is untrimmed at the end, for strings; everything else is read trimmed.
    fn walk_value(&mut self, number: usize, raw: &str) -> LineResult<Option<Value>> {
        let err = |reason: String| (number, reason);
        let text = raw.trim_end();
        const SKIPPED: [&str; 3] = [
            "No more variables left in this MIB View",
            "No Such Object available on this agent",
            "No Such Instance currently exists",
        ];
        if SKIPPED.iter().any(|s| text.starts_with(s)) {
            return Ok(None);
        }
        if text == "\"\"" {
            return Ok(Some(Value::OctetString(vec![])));
        }
        if text == "NULL" {
            return Ok(Some(Value::Null));
        }
        // "Wrong Type (should be INTEGER): Gauge32: 5" carries the real type after the note.
        let text = match text.strip_prefix("Wrong Type (should be ") {
            Some(rest) => rest
                .split_once("): ")
                .map(|(_, v)| v)
                .ok_or_else(|| err(format!("cannot read '{text}'")))?,
            None => text,
        };
        let (label, body) = text.split_once(':').ok_or_else(|| {
            err(format!(
                "expected 'TYPE: VALUE' after ' = ', found '{text}'"
            ))
        })?;
        let body = body.trim();
        let word = || first_word(body);
        let value = match label {
            "STRING" => {
                // The same text, untrimmed: where the line ends matters inside a string.
                let raw_body = raw
                    .split_once("STRING:")
                    .map_or(body, |(_, b)| b.strip_prefix(' ').unwrap_or(b));
                Value::OctetString(self.walk_string(number, raw_body)?)
            }
            "Hex-STRING" => Value::OctetString(self.walk_hex(number, body)?),
            "BITS" => Value::OctetString(self.walk_hex(number, body)?),
            "INTEGER" => Value::Integer(
                parse_enum_integer(word())
                    .ok_or_else(|| err(format!("'{body}' is not an INTEGER")))?,
            ),
            "Counter32" => Value::Counter32(parse_u32(word(), "Counter32").map_err(err)?),
            "Gauge32" | "Unsigned32" => Value::Gauge32(parse_u32(word(), "Gauge32").map_err(err)?),
            "UInteger32" => Value::UInteger32(parse_u32(word(), "UInteger32").map_err(err)?),
            "Counter64" => Value::Counter64(
                word()
                    .parse()
                    .map_err(|_| err(format!("'{body}' is not a Counter64")))?,
            ),
            "Timeticks" => Value::TimeTicks(parse_timeticks(body).map_err(err)?),
            "OID" => Value::ObjectId(parse_numeric_oid(word()).map_err(err)?),
            "IpAddress" => Value::IpAddress(parse_ipv4(word()).map_err(err)?),
            "Network Address" => {
                let bytes = parse_hex(body).map_err(err)?;
                Value::IpAddress(
                    <[u8; 4]>::try_from(bytes.as_slice())
                        .map_err(|_| err(format!("'{body}' is not a 4-byte address")))?,
                )
            }
            "NsapAddress" => Value::NsapAddress(self.walk_hex(number, body)?),
            "Opaque" | "OPAQUE" => Value::Opaque(self.walk_opaque(number, body)?),
            other => {
                return Err(err(format!(
                    "unknown type '{other}' (expected a Net-SNMP type label such as STRING, INTEGER, Counter32)"
                )));
            }
        };
        Ok(Some(value))
    }

    /// A STRING value: quoted (with Net-SNMP's `\"` and `\\`), perhaps over several lines;
    /// or unquoted (a DISPLAY-HINT's output), taken as it is.
    fn walk_string(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let Some(quoted) = body.strip_prefix('"') else {
            return Ok(body.trim_end().as_bytes().to_vec());
        };
        let mut out = Vec::with_capacity(quoted.len());
        let mut piece = quoted;
        loop {
            if let Some(rest) = unescape_walk(piece, &mut out) {
                if !rest.trim().is_empty() {
                    return Err((
                        number,
                        format!("unexpected text after the closing quote: '{}'", rest.trim()),
                    ));
                }
                return Ok(out);
            }
            // No closing quote yet: the string goes on at the next line.
            if self.at >= self.lines.len() {
                return Err((
                    number,
                    "the string starting here has no closing quote".to_string(),
                ));
            }
            out.push(b'\n');
            piece = self.lines[self.at];
            self.at += 1;
        }
    }

    /// Hex bytes, continuing onto the following lines while they hold hex bytes only.
    fn walk_hex(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let mut bytes = hex_tokens(body).map_err(|e| (number, e))?;
        while let Some(next) = self.lines.get(self.at) {
            let next = next.trim();
            if next.is_empty() || !next.split_whitespace().all(is_hex_byte) {
                break;
            }
            bytes.extend(hex_tokens(next).map_err(|e| (self.at + 1, e))?);
            self.at += 1;
        }
        Ok(bytes)
    }

    /// `Opaque: Float: 1.5`, `Opaque: Int64: -5`, ... or plain hex.
    fn walk_opaque(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let err = |reason: String| (number, reason);
        if let Some((kind, v)) = body.split_once(": ") {
            let v = v.trim();
            let bad = |what: &str| err(format!("'{v}' is not an Opaque {what}"));
            let value = match kind.trim() {
                "Float" => OpaqueValue::Float(v.parse().map_err(|_| bad("Float"))?),
                "Double" => OpaqueValue::Double(v.parse().map_err(|_| bad("Double"))?),
                "Int64" => OpaqueValue::Int64(v.parse().map_err(|_| bad("Int64"))?),
                "UInt64" => OpaqueValue::UInt64(v.parse().map_err(|_| bad("UInt64"))?),
                "Counter64" => OpaqueValue::Counter64(v.parse().map_err(|_| bad("Counter64"))?),
                other => return Err(err(format!("unknown Opaque type '{other}'"))),
            };
            return Ok(value.encode());
        }
        self.walk_hex(number, body)
    }
}

/// Copies `text` into `out`, undoing Net-SNMP's escapes, up to an unescaped closing quote.
/// Returns what follows the quote, or `None` when the line ended inside the string.
fn unescape_walk<'a>(text: &'a str, out: &mut Vec<u8>) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => {
                out.push(bytes[i + 1]);
                i += 2;
            }
            b'"' => return Some(&text[i + 1..]),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

fn is_hex_byte(token: &str) -> bool {
    token.len() == 2 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Leading two-digit hex tokens (what follows them, like BITS' `up(0)` labels, is ignored).
fn hex_tokens(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for token in text.split_whitespace() {
        if !is_hex_byte(token) {
            if out.is_empty() && !token.contains('(') {
                return Err(format!("'{token}' is not a hex byte"));
            }
            break;
        }
        out.extend(crate::proto::hex::decode(token).map_err(|_| format!("'{token}' is not hex"))?);
    }
    Ok(out)
}
