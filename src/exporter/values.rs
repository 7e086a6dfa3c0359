//! Values and indexes as snmp_exporter renders them (collector.go `getPduValue`,
//! `pduValueAsString`, `indexOidsAsString`, `applyDisplayHint`, the date parsers): numbers,
//! label text for strings, addresses and enums, index arcs to label values.

use super::compile::{EnumValues, MetricType};
use crate::proto::Value;

const MANTISSA: u64 = 1 << 53;

pub(super) fn enum_label(values: &EnumValues, v: i64) -> String {
    values.get(&v).cloned().unwrap_or_else(|| v.to_string())
}

/// The type a combined type takes from its selector's value (combinedTypeMapping).
pub(super) fn combined_mapping(kind: MetricType) -> Option<fn(i64) -> Option<MetricType>> {
    match kind {
        MetricType::InetAddress | MetricType::InetAddressMissingSize => Some(|v| match v {
            1 => Some(MetricType::InetAddressIPv4),
            2 => Some(MetricType::InetAddressIPv6),
            _ => None,
        }),
        MetricType::LldpPortId => Some(|v| match v {
            1 | 2 | 5 | 7 => Some(MetricType::DisplayString),
            3 => Some(MetricType::PhysAddress48),
            _ => None,
        }),
        _ => None,
    }
}

/// getPduValue: a number for any numeric value, 0 for the rest.
pub fn numeric(v: &Value) -> f64 {
    match v {
        Value::Counter64(n) => (n % MANTISSA) as f64,
        Value::Opaque(bytes) => opaque_float(bytes).unwrap_or(0.0),
        other => int_value(other) as f64,
    }
}

/// gosnmp's ToBigInt(value).Int64().
pub(super) fn int_value(v: &Value) -> i64 {
    match v {
        Value::Integer(n) => *n,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            i64::from(*n)
        }
        Value::Counter64(n) => *n as i64,
        _ => 0,
    }
}

/// An Opaque-wrapped float or double (net-snmp's opaque types, tags 0x78 and 0x79).
fn opaque_float(bytes: &[u8]) -> Option<f64> {
    match bytes {
        [0x9f, 0x78, 4, rest @ ..] if rest.len() == 4 => {
            Some(f64::from(f32::from_be_bytes(rest.try_into().ok()?)))
        }
        [0x9f, 0x79, 8, rest @ ..] if rest.len() == 8 => {
            Some(f64::from_be_bytes(rest.try_into().ok()?))
        }
        _ => None,
    }
}

/// Go's strings.ToValidUTF8(s, "\uFFFD"): each run of invalid bytes becomes one U+FFFD.
pub fn valid_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut previous_invalid = false;
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_empty() {
            out.push_str(chunk.valid());
            previous_invalid = false;
        }
        if !chunk.invalid().is_empty() {
            if !previous_invalid {
                out.push('\u{FFFD}');
            }
            previous_invalid = true;
        }
    }
    out
}

/// pduValueAsString: how a value reads as a label.
pub fn value_as_string(v: &Value, kind: Option<MetricType>, hint: Option<&str>) -> String {
    match v {
        Value::Integer(n) => n.to_string(),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            n.to_string()
        }
        Value::Counter64(n) => n.to_string(),
        Value::ObjectId(oid) => super::compile::dotted(oid),
        Value::IpAddress(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        Value::Opaque(bytes) => match opaque_float(bytes) {
            Some(f) if bytes[1] == 0x78 => format!("{}", f as f32),
            Some(f) => format!("{f}"),
            None => octets_as_string(bytes, kind, hint),
        },
        Value::OctetString(bytes) | Value::NsapAddress(bytes) => {
            octets_as_string(bytes, kind, hint)
        }
        Value::Unknown { data, .. } => octets_as_string(data, kind, hint),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            String::new()
        }
    }
}

fn octets_as_string(bytes: &[u8], kind: Option<MetricType>, hint: Option<&str>) -> String {
    if let Some(h) = hint {
        if matches!(kind, None | Some(MetricType::OctetString)) {
            if let Some(text) = apply_display_hint(h, bytes) {
                return valid_utf8(&text);
            }
        }
    }
    let kind = match kind {
        None | Some(MetricType::Bits) => MetricType::OctetString,
        Some(k) => k,
    };
    let mut parts: Vec<u32> = Vec::with_capacity(bytes.len() + 1);
    if matches!(kind, MetricType::OctetString | MetricType::DisplayString) {
        parts.push(bytes.len() as u32);
    }
    parts.extend(bytes.iter().map(|b| u32::from(*b)));
    let kind = if kind.renderable_as_index() {
        kind
    } else {
        // snmp_exporter would panic here; the bytes in hex are the honest answer.
        parts.insert(0, bytes.len() as u32);
        MetricType::OctetString
    };
    let (text, _, _) = index_as_string(&parts, kind, 0, false, &EnumValues::new());
    valid_utf8(text.as_bytes())
}

/// splitOid: the first `count` arcs (zero-padded) and the rest.
fn split(arcs: &[u32], count: usize) -> (Vec<u32>, Vec<u32>) {
    let mut head = vec![0u32; count];
    let n = count.min(arcs.len());
    head[..n].copy_from_slice(&arcs[..n]);
    (head, arcs.get(count..).unwrap_or_default().to_vec())
}

/// indexOidsAsString: one index's label text, the arcs it used, and the arcs left.
pub fn index_as_string(
    arcs: &[u32],
    kind: MetricType,
    fixed_size: usize,
    implied: bool,
    enums: &EnumValues,
) -> (String, Vec<u32>, Vec<u32>) {
    if let Some(mapping) = combined_mapping(kind) {
        let missing_size = kind == MetricType::InetAddressMissingSize;
        let (sub, values) = split(arcs, if missing_size { 1 } else { 2 });
        if let Some(t) = mapping(i64::from(sub[0])) {
            let (text, used, rest) = index_as_string(&values, t, 0, false, enums);
            let mut all = sub;
            all.extend(used);
            return (text, all, rest);
        }
        if missing_size {
            return index_as_string(arcs, MetricType::OctetString, 0, true, enums);
        }
        return index_as_string(
            arcs,
            MetricType::OctetString,
            sub[1] as usize + 2,
            false,
            enums,
        );
    }
    match kind {
        MetricType::PhysAddress48 => {
            let (sub, rest) = split(arcs, 6);
            let text = sub
                .iter()
                .map(|o| format!("{o:02X}"))
                .collect::<Vec<_>>()
                .join(":");
            (text, sub, rest)
        }
        MetricType::OctetString | MetricType::DisplayString => {
            let mut used = Vec::new();
            let mut rest = arcs.to_vec();
            let mut length = if implied { rest.len() } else { fixed_size };
            if length == 0 {
                let (sub, r) = split(&rest, 1);
                length = sub[0] as usize;
                used = sub;
                rest = r;
            }
            // A length from an agent is untrusted: never more than what is there.
            let take = length.min(rest.len());
            let (content, r) = split(&rest, take);
            let mut bytes: Vec<u8> = content.iter().map(|o| *o as u8).collect();
            bytes.resize(length.min(4096), 0);
            used.extend(content);
            let text = if kind == MetricType::DisplayString {
                valid_utf8(&bytes)
            } else if bytes.is_empty() {
                String::new()
            } else {
                let mut s = String::from("0x");
                for b in &bytes {
                    s.push_str(&format!("{b:02X}"));
                }
                s
            };
            (text, used, r)
        }
        MetricType::InetAddressIPv4 => {
            let (sub, rest) = split(arcs, 4);
            let text = sub.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
            (text, sub, rest)
        }
        MetricType::InetAddressIPv6 => {
            let (sub, rest) = split(arcs, 16);
            let mut text = String::new();
            for (i, o) in sub.iter().enumerate() {
                if i > 0 && i % 2 == 0 {
                    text.push(':');
                }
                text.push_str(&format!("{o:02X}"));
            }
            (text, sub, rest)
        }
        MetricType::EnumAsInfo => {
            let (sub, rest) = split(arcs, 1);
            (enum_label(enums, i64::from(sub[0])), sub, rest)
        }
        // Integer, gauge, counter (and, defensively, anything else): one arc.
        _ => {
            let (sub, rest) = split(arcs, 1);
            (sub[0].to_string(), sub, rest)
        }
    }
}

/// snmp_exporter's applyDisplayHint (RFC 2579 section 3.1 octet format), `None` when the
/// hint does not parse.
pub fn apply_display_hint(hint: &str, data: &[u8]) -> Option<Vec<u8>> {
    let hint = hint.as_bytes();
    if hint.is_empty() || data.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 4);
    let (mut hp, mut dp) = (0usize, 0usize);
    let (mut last_start, mut last_consumes) = (0usize, false);
    while dp < data.len() {
        let mut spec_start = hp;
        if hp >= hint.len() {
            if !last_consumes {
                return None;
            }
            hp = last_start;
            spec_start = last_start;
        }
        let star = hint.get(hp) == Some(&b'*');
        if star {
            hp += 1;
        }
        if !hint.get(hp).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut take = 0usize;
        while let Some(d) = hint.get(hp).filter(|c| c.is_ascii_digit()) {
            take = take.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
            hp += 1;
        }
        let code = *hint.get(hp)?;
        if !matches!(code, b'd' | b'x' | b'o' | b'a' | b't') {
            return None;
        }
        hp += 1;
        let separator = hint
            .get(hp)
            .filter(|c| !c.is_ascii_digit() && **c != b'*')
            .copied();
        if separator.is_some() {
            hp += 1;
        }
        let terminator = if star {
            hint.get(hp)
                .filter(|c| !c.is_ascii_digit() && **c != b'*')
                .copied()
        } else {
            None
        };
        if terminator.is_some() {
            hp += 1;
        }
        last_start = spec_start;
        last_consumes = take > 0 || star;
        let mut repeat = 1usize;
        if star && dp < data.len() {
            repeat = usize::from(data[dp]);
            dp += 1;
        }
        let mut r = 0;
        while r < repeat && dp < data.len() {
            let end = dp.saturating_add(take).min(data.len());
            let chunk = &data[dp..end];
            match code {
                b'd' | b'o' => {
                    if chunk.len() > 8 {
                        return None;
                    }
                    let v = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
                    let s = if code == b'd' {
                        v.to_string()
                    } else {
                        format!("{v:o}")
                    };
                    out.extend_from_slice(s.as_bytes());
                }
                b'x' => {
                    for b in chunk {
                        out.extend_from_slice(format!("{b:02X}").as_bytes());
                    }
                }
                _ => out.extend_from_slice(chunk),
            }
            dp = end;
            if let Some(sep) = separator {
                if dp < data.len() && (terminator.is_none() || r != repeat - 1) {
                    out.push(sep);
                }
            }
            r += 1;
        }
        if let Some(t) = terminator {
            if dp < data.len() {
                out.push(t);
            }
        }
    }
    Some(out)
}

/// RFC 2579 DateAndTime as Unix seconds (8 bytes: UTC; 11: with the offset).
pub(super) fn date_and_time(v: &Value) -> Option<f64> {
    let Value::OctetString(b) = v else {
        return None;
    };
    let offset_minutes: i64 = match b.len() {
        8 => 0,
        11 => {
            let sign = match b[8] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if b[9] > 99 || b[10] > 99 {
                return None;
            }
            sign * (i64::from(b[9]) * 60 + i64::from(b[10]))
        }
        _ => return None,
    };
    let year = i64::from(u16::from_be_bytes([b[0], b[1]]));
    let seconds = super::strptime::unix_seconds(
        year,
        i64::from(b[2]),
        i64::from(b[3]),
        i64::from(b[4]),
        i64::from(b[5]),
        i64::from(b[6]),
    );
    Some((seconds - offset_minutes * 60) as f64)
}

/// NTP timestamp (seconds since 1900) as Unix seconds.
pub(super) fn ntp_timestamp(v: &Value) -> Option<f64> {
    let Value::OctetString(b) = v else {
        return None;
    };
    let secs = u32::from_be_bytes(b.get(..4)?.try_into().ok()?);
    b.get(4..8)?;
    Some((i64::from(secs) - 2_208_988_800) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_decoding_matches_snmp_exporter() {
        let e = EnumValues::new();
        let s = |arcs: &[u32], k, fixed, implied| index_as_string(arcs, k, fixed, implied, &e).0;
        assert_eq!(
            s(&[3, 65, 66, 67, 9], MetricType::DisplayString, 0, false),
            "ABC"
        );
        assert_eq!(s(&[65, 66], MetricType::DisplayString, 0, true), "AB");
        assert_eq!(
            s(&[2, 10, 255], MetricType::OctetString, 0, false),
            "0x0AFF"
        );
        assert_eq!(
            s(&[1, 4, 10, 0, 0, 1], MetricType::InetAddress, 0, false),
            "10.0.0.1"
        );
        assert_eq!(
            s(&[1, 2, 3, 4], MetricType::InetAddressIPv4, 0, false),
            "1.2.3.4"
        );
        let v6: Vec<u32> = (0..16).collect();
        assert_eq!(
            s(&v6, MetricType::InetAddressIPv6, 0, false),
            "0001:0203:0405:0607:0809:0A0B:0C0D:0E0F"
        );
        // A hostile length never reads past what is there.
        assert_eq!(
            s(&[200, 65], MetricType::DisplayString, 0, false).len(),
            200
        );
        let (_, used, rest) = index_as_string(&[5, 7], MetricType::Gauge, 0, false, &e);
        assert_eq!((used, rest), (vec![5], vec![7]));
    }

    #[test]
    fn display_hints_and_text() {
        assert_eq!(
            apply_display_hint("1d.1d.1d.1d", &[192, 168, 1, 1]).unwrap(),
            b"192.168.1.1"
        );
        assert_eq!(
            apply_display_hint("1x:", &[0, 26, 43]).unwrap(),
            b"00:1A:2B"
        );
        assert_eq!(apply_display_hint("255a", b"Hello").unwrap(), b"Hello");
        assert_eq!(apply_display_hint("1q", b"x"), None);
        assert_eq!(valid_utf8(b"a\xff\xfeb\xffc"), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(
            value_as_string(&Value::ObjectId("1.3.6.1".parse().unwrap()), None, None),
            "1.3.6.1"
        );
        assert_eq!(
            value_as_string(
                &Value::OctetString(vec![]),
                Some(MetricType::OctetString),
                None
            ),
            ""
        );
        assert_eq!(
            date_and_time(&Value::OctetString(vec![
                0x07, 0xE8, 1, 2, 3, 4, 5, 0, b'+', 1, 0
            ])),
            Some(1_704_164_645.0 - 3600.0)
        );
    }
}
