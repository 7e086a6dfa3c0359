//! Scalar values from text, shared by both line formats and the directives: numeric OIDs,
//! integers (with Net-SNMP's `label(n)`), unsigned 32-bit numbers, TimeTicks, IPv4
//! addresses, hex bytes.

use crate::proto::Oid;
pub(super) fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// A numeric OID; a name gets a hint about `-On`.
pub(super) fn parse_numeric_oid(text: &str) -> Result<Oid, String> {
    text.parse::<Oid>().map_err(|e| {
        if text.contains("::") || text.chars().any(|c| c.is_ascii_alphabetic()) {
            format!("'{text}' is not a numeric OID (produce the walk with snmpwalk -On)")
        } else {
            e.to_string()
        }
    })
}

/// `5`, `-5` or Net-SNMP's enum form `up(1)`.
pub(super) fn parse_enum_integer(text: &str) -> Option<i64> {
    if let Some(open) = text.rfind('(') {
        let inner = text[open + 1..].strip_suffix(')')?;
        return inner.parse().ok();
    }
    text.parse().ok()
}

pub(super) fn parse_u32(text: &str, what: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("'{text}' is not a {what} (0..4294967295)"))
}

/// `(123) 0:00:01.23` or a plain `123`.
pub(super) fn parse_timeticks(body: &str) -> Result<u32, String> {
    let body = body.trim();
    let number = match body.strip_prefix('(') {
        Some(rest) => rest.split(')').next().unwrap_or(""),
        None => first_word(body),
    };
    parse_u32(number, "Timeticks value")
}

pub(super) fn parse_ipv4(text: &str) -> Result<[u8; 4], String> {
    text.parse::<std::net::Ipv4Addr>()
        .map(|a| a.octets())
        .map_err(|_| format!("'{text}' is not an IPv4 address"))
}

/// Hex bytes: `0x0a1b`, `0a:1b`, `0a-1b`, `0a 1b`, `0a1b`.
pub(super) fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let body = text.trim();
    let body = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    let mut out = Vec::new();
    for group in body.split([':', '-', ' ', '\t']).filter(|g| !g.is_empty()) {
        // "0:1a:2b" (a DISPLAY-HINT with single digits) as well as "001a2b".
        let padded;
        let group = if group.len() % 2 == 1 {
            padded = format!("0{group}");
            &padded
        } else {
            group
        };
        out.extend(
            crate::proto::hex::decode(group).map_err(|_| format!("'{text}' is not hex bytes"))?,
        );
    }
    Ok(out)
}
