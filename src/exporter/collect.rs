//! A scrape's varbinds to samples, sans-IO: snmp_exporter's collector (collector.go
//! `pduToSamples`, `indexesToLabels`, `indexOidsAsString`, `pduValueAsString`) rule for
//! rule, so the same agent gives the same series, labels and values.
//!
//! Each varbind belongs to the first metric whose OID is a prefix of its own; the arcs
//! after it are the index, decoded into labels by the index types; lookups add labels
//! from other varbinds at the same index. Numbers are samples of their value (Counter64
//! wrapped at 2^53, as snmp_exporter's default `--snmp.wrap-large-counters`); strings are
//! a sample of 1 with the text in a label named after the metric; enums, BITS and dates
//! have their own shapes.

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashMap;

use super::compile::{EnumValues, Metric, MetricType, Module};
use crate::proto::{Oid, Value, VarBind};

/// Counter or gauge: the two types snmp_exporter emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleType {
    Counter,
    Gauge,
}

/// A sample's labels: those of its index (index labels and lookups, shared by every
/// metric of the same table row, sorted by name) and, for strings and enums, one more
/// named after the metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Labels {
    pub base: Arc<[(String, String)]>,
    pub extra: Option<(Arc<str>, String)>,
}

impl Labels {
    pub fn new(pairs: Vec<(String, String)>) -> Labels {
        let mut pairs = pairs;
        pairs.sort();
        Labels {
            base: pairs.into(),
            extra: None,
        }
    }

    pub fn len(&self) -> usize {
        self.base.len() + usize::from(self.extra.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every (name, value) in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let extra = self.extra.as_ref().map(|(n, v)| (&**n, v.as_str()));
        let split = extra.map_or(self.base.len(), |(n, _)| {
            self.base.partition_point(|(b, _)| b.as_str() < n)
        });
        let base =
            |r: std::ops::Range<usize>| self.base[r].iter().map(|(n, v)| (n.as_str(), v.as_str()));
        base(0..split)
            .chain(extra)
            .chain(base(split..self.base.len()))
    }

    fn has(&self, name: &str) -> bool {
        self.base.iter().any(|(n, _)| n == name)
    }
}

/// All samples of one metric name.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    pub help: String,
    pub kind: SampleType,
    pub samples: Vec<(Labels, f64)>,
}

/// The samples of a scrape by metric name, and what could not be exported.
#[derive(Debug, Default)]
pub struct Collected {
    pub families: std::collections::HashMap<String, Family>,
    /// Values that could not be turned into a sample (BITS not an OCTET STRING, a date
    /// that does not parse).
    pub unusable: u64,
}

const MANTISSA: u64 = 1 << 53;

/// The labels of each table row already computed, by metric group and index.
type Rows<'a> = HashMap<(usize, &'a [u32]), Arc<[(String, String)]>>;

/// The varbinds of a scrape by OID (the last value wins, as in snmp_exporter's map).
pub struct Pdus<'a> {
    map: HashMap<&'a [u32], &'a Value>,
}

impl<'a> Pdus<'a> {
    pub fn new(varbinds: &'a [VarBind]) -> Pdus<'a> {
        let mut map = HashMap::with_capacity(varbinds.len());
        for vb in varbinds {
            map.insert(vb.oid.arcs(), &vb.value);
        }
        Pdus { map }
    }

    fn get(&self, arcs: &[u32]) -> Option<&'a Value> {
        self.map.get(arcs).copied()
    }
}

/// Turns a scrape's varbinds into samples for `module`.
pub fn collect(module: &Module, pdus: &Pdus<'_>) -> Collected {
    let mut by_oid: HashMap<&[u32], usize> = HashMap::with_capacity(module.metrics.len());
    let mut lengths: Vec<usize> = Vec::new();
    // Metrics with the same index labels and lookups share their labels row by row.
    let mut groups: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut group_of = Vec::with_capacity(module.metrics.len());
    for (i, m) in module.metrics.iter().enumerate() {
        by_oid.entry(m.oid.arcs()).or_insert(i);
        if !lengths.contains(&m.oid.len()) {
            lengths.push(m.oid.len());
        }
        let signature = format!("{:?}{:?}", m.indexes, m.lookups);
        let next = groups.len();
        group_of.push(*groups.entry(signature).or_insert(next));
    }
    lengths.sort_unstable();
    let names: Vec<Arc<str>> = module
        .metrics
        .iter()
        .map(|m| Arc::from(m.name.as_str()))
        .collect();
    let mut rows: Rows<'_> = HashMap::new();
    let mut out = Collected::default();
    for (arcs, value) in &pdus.map {
        let Some((i, len)) = lengths
            .iter()
            .filter(|&&l| l <= arcs.len())
            .find_map(|&l| by_oid.get(&arcs[..l]).map(|m| (*m, l)))
        else {
            continue;
        };
        let metric = &module.metrics[i];
        let index = &arcs[len..];
        let base = rows
            .entry((group_of[i], index))
            .or_insert_with(|| indexes_to_labels(index, metric, pdus).into())
            .clone();
        let labels = Labels { base, extra: None };
        samples(index, value, metric, &names[i], labels, pdus, &mut out);
    }
    out
}

fn push(
    out: &mut Collected,
    name: &str,
    help: &dyn Fn() -> String,
    kind: SampleType,
    labels: Labels,
    v: f64,
) {
    match out.families.get_mut(name) {
        Some(f) => f.samples.push((labels, v)),
        None => {
            out.families.insert(
                name.to_string(),
                Family {
                    help: help(),
                    kind,
                    samples: vec![(labels, v)],
                },
            );
        }
    }
}

/// pduToSamples.
fn samples(
    index: &[u32],
    value: &Value,
    metric: &Metric,
    name: &Arc<str>,
    mut labels: Labels,
    pdus: &Pdus<'_>,
    out: &mut Collected,
) {
    let mut v = numeric(value);
    let kind = match metric.kind {
        MetricType::Counter => SampleType::Counter,
        MetricType::Gauge | MetricType::Float | MetricType::Double => SampleType::Gauge,
        MetricType::DateAndTime | MetricType::ParseDateAndTime | MetricType::NtpTimeStamp => {
            let parsed = match metric.kind {
                MetricType::DateAndTime => date_and_time(value),
                MetricType::NtpTimeStamp => ntp_timestamp(value),
                _ => {
                    let text = value_as_string(value, Some(MetricType::DisplayString), None);
                    super::strptime::parse(&text, &metric.datetime_pattern)
                }
            };
            match parsed {
                Some(t) => v = t,
                None => {
                    out.unusable += 1;
                    return;
                }
            }
            SampleType::Gauge
        }
        MetricType::EnumAsInfo => {
            if labels.has(name) {
                return;
            }
            labels.extra = Some((
                Arc::clone(name),
                enum_label(&metric.enum_values, int_value(value)),
            ));
            let help = || format!("{} (EnumAsInfo)", metric.help);
            push(
                out,
                &format!("{name}_info"),
                &help,
                SampleType::Gauge,
                labels,
                1.0,
            );
            return;
        }
        MetricType::EnumAsStateSet => {
            let current = int_value(value);
            let help = || format!("{} (EnumAsStateSet)", metric.help);
            let mut with = |state: String, on: f64| {
                let mut l = labels.clone();
                l.extra = Some((Arc::clone(name), state));
                push(out, name, &help, SampleType::Gauge, l, on);
            };
            with(enum_label(&metric.enum_values, current), 1.0);
            for (k, state) in &metric.enum_values {
                if *k != current {
                    with(state.clone(), 0.0);
                }
            }
            return;
        }
        MetricType::Bits => {
            let Value::OctetString(bytes) = value else {
                out.unusable += 1;
                return;
            };
            let help = || format!("{} (Bits)", metric.help);
            for (k, bit_name) in &metric.enum_values {
                let bit = usize::try_from(*k)
                    .ok()
                    .filter(|k| *k < bytes.len() * 8)
                    .is_some_and(|k| bytes[k / 8] & (0x80 >> (k % 8)) != 0);
                let mut l = labels.clone();
                l.extra = Some((Arc::clone(name), bit_name.clone()));
                push(
                    out,
                    name,
                    &help,
                    SampleType::Gauge,
                    l,
                    if bit { 1.0 } else { 0.0 },
                );
            }
            return;
        }
        _ => {
            // A string: the value goes in a label named after the metric.
            v = 1.0;
            let mut kind = Some(metric.kind);
            if let Some(mapping) = combined_mapping(metric.kind) {
                let prev = previous_instance(&metric.oid, index);
                kind = Some(
                    prev.and_then(|p| pdus.get(p.arcs()))
                        .and_then(|p| mapping(int_value(p)))
                        .unwrap_or(MetricType::OctetString),
                );
            }
            let text = value_as_string(value, kind, metric.display_hint.as_deref());
            if !metric.regex_extracts.is_empty() {
                regex_extracts(metric, &text, &labels, out);
                return;
            }
            if !labels.has(name) {
                labels.extra = Some((Arc::clone(name), text));
            }
            SampleType::Gauge
        }
    };
    if metric.scale != 0.0 {
        v *= metric.scale;
    }
    v += metric.offset;
    push(out, name, &|| metric.help.clone(), kind, labels, v);
}

fn regex_extracts(metric: &Metric, text: &str, labels: &Labels, out: &mut Collected) {
    for (suffix, extracts) in &metric.regex_extracts {
        for e in extracts {
            let Some(caps) = e.regex.captures(text) else {
                continue;
            };
            let mut expanded = String::new();
            caps.expand(&e.value, &mut expanded);
            let Ok(mut v) = expanded.trim().parse::<f64>() else {
                continue;
            };
            if metric.scale != 0.0 {
                v *= metric.scale;
            }
            v += metric.offset;
            let help = || format!("{} (regex extracted)", metric.help);
            push(
                out,
                &format!("{}{suffix}", metric.name),
                &help,
                SampleType::Gauge,
                labels.clone(),
                v,
            );
            break;
        }
    }
}

fn enum_label(values: &EnumValues, v: i64) -> String {
    values.get(&v).cloned().unwrap_or_else(|| v.to_string())
}

/// The type a combined type takes from its selector's value (combinedTypeMapping).
fn combined_mapping(kind: MetricType) -> Option<fn(i64) -> Option<MetricType>> {
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

/// getPrevOid(metric) + index: the selector object's instance.
fn previous_instance(metric: &Oid, index: &[u32]) -> Option<Oid> {
    let mut arcs = metric.arcs().to_vec();
    let last = arcs.pop()?;
    arcs.push(last.checked_sub(1)?);
    arcs.extend_from_slice(index);
    Some(Oid::new(arcs))
}

/// indexesToLabels: the labels of one index (sorted by name).
fn indexes_to_labels(index: &[u32], metric: &Metric, pdus: &Pdus<'_>) -> Vec<(String, String)> {
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut label_oids: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut rest = index.to_vec();
    for i in &metric.indexes {
        let (text, used, remaining) =
            index_as_string(&rest, i.kind, i.fixed_size, i.implied, &i.enum_values);
        labels.insert(i.labelname.clone(), valid_utf8(text.as_bytes()));
        label_oids.insert(&i.labelname, used);
        rest = remaining;
    }
    for l in &metric.lookups {
        let Some(base) = &l.oid else {
            labels.remove(&l.labelname);
            continue;
        };
        let mut oid = base.arcs().to_vec();
        let mut complete = true;
        for label in &l.labels {
            match label_oids.get(label.as_str()) {
                Some(arcs) => oid.extend_from_slice(arcs),
                None => complete = false,
            }
        }
        let found = if complete { pdus.get(&oid) } else { None };
        let Some(value) = found else {
            labels.insert(l.labelname.clone(), String::new());
            continue;
        };
        let mut kind = l.kind;
        if let Some(mapping) = l.kind.and_then(combined_mapping) {
            let mut prev = previous_instance(base, &[]).map(|o| o.arcs().to_vec());
            if let Some(prev) = &mut prev {
                for label in &l.labels {
                    if let Some(arcs) = label_oids.get(label.as_str()) {
                        prev.extend_from_slice(arcs);
                    }
                }
            }
            if let Some(t) = prev
                .and_then(|p| pdus.get(&p))
                .and_then(|p| mapping(int_value(p)))
            {
                kind = Some(t);
            }
        }
        let text = if kind == Some(MetricType::EnumAsInfo) && !l.enum_values.is_empty() {
            enum_label(&l.enum_values, int_value(value))
        } else {
            value_as_string(value, kind, l.display_hint.as_deref())
        };
        labels.insert(l.labelname.clone(), text);
        // A later lookup may chain on this one: its "index" is the value as a number.
        label_oids.insert(&l.labelname, vec![int_value(value) as u32]);
    }
    labels.into_iter().collect()
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
fn int_value(v: &Value) -> i64 {
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
fn date_and_time(v: &Value) -> Option<f64> {
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
fn ntp_timestamp(v: &Value) -> Option<f64> {
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
    use crate::exporter::compile::{Index, Lookup};

    fn metric(name: &str, oid: &str, kind: MetricType) -> Metric {
        Metric {
            name: name.into(),
            oid: oid.parse().unwrap(),
            kind,
            help: format!("help of {name}"),
            indexes: vec![Index {
                labelname: "ifIndex".into(),
                kind: MetricType::Gauge,
                fixed_size: 0,
                implied: false,
                enum_values: EnumValues::new(),
            }],
            lookups: vec![Lookup {
                labels: vec!["ifIndex".into()],
                labelname: "ifName".into(),
                oid: Some("1.3.6.1.2.1.31.1.1.1.1".parse().unwrap()),
                kind: Some(MetricType::DisplayString),
                display_hint: None,
                enum_values: EnumValues::new(),
            }],
            regex_extracts: vec![],
            datetime_pattern: String::new(),
            enum_values: [(1, "up".to_string()), (2, "down".to_string())].into(),
            offset: 0.0,
            scale: 0.0,
            display_hint: None,
        }
    }

    fn varbinds(list: &[(&str, Value)]) -> Vec<VarBind> {
        list.iter()
            .map(|(o, v)| VarBind::new(o.parse().unwrap(), v.clone()))
            .collect()
    }

    /// A family's samples as plain label lists, sorted.
    fn plain(f: &Family) -> Vec<(Vec<(String, String)>, f64)> {
        let mut v: Vec<_> = f
            .samples
            .iter()
            .map(|(l, x)| {
                let pairs: Vec<(String, String)> = l
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect();
                (pairs, *x)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn counters_gauges_strings_and_lookups() {
        let module = Module {
            metrics: vec![
                metric(
                    "ifHCInOctets",
                    "1.3.6.1.2.1.31.1.1.1.6",
                    MetricType::Counter,
                ),
                metric(
                    "ifPhysAddress",
                    "1.3.6.1.2.1.2.2.1.6",
                    MetricType::PhysAddress48,
                ),
                metric(
                    "ifOperStatus",
                    "1.3.6.1.2.1.2.2.1.8",
                    MetricType::EnumAsStateSet,
                ),
            ],
            ..Module::default()
        };
        let vbs = varbinds(&[
            ("1.3.6.1.2.1.31.1.1.1.6.3", Value::Counter64((1 << 53) + 5)),
            (
                "1.3.6.1.2.1.31.1.1.1.1.3",
                Value::OctetString(b"Gi0/3".to_vec()),
            ),
            (
                "1.3.6.1.2.1.2.2.1.6.3",
                Value::OctetString(vec![0, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]),
            ),
            ("1.3.6.1.2.1.2.2.1.6.4", Value::OctetString(vec![])),
            ("1.3.6.1.2.1.2.2.1.8.3", Value::Integer(2)),
        ]);
        let c = collect(&module, &Pdus::new(&vbs));
        let f = &c.families["ifHCInOctets"];
        assert_eq!(f.kind, SampleType::Counter);
        assert_eq!(
            plain(f),
            vec![(labels(&[("ifIndex", "3"), ("ifName", "Gi0/3")]), 5.0)]
        );
        let phys = plain(&c.families["ifPhysAddress"]);
        assert_eq!(
            phys,
            vec![
                (
                    labels(&[
                        ("ifIndex", "3"),
                        ("ifName", "Gi0/3"),
                        ("ifPhysAddress", "00:1A:2B:3C:4D:5E")
                    ]),
                    1.0
                ),
                // No lookup value: the label is empty; no bytes: zeros, as snmp_exporter.
                (
                    labels(&[
                        ("ifIndex", "4"),
                        ("ifName", ""),
                        ("ifPhysAddress", "00:00:00:00:00:00")
                    ]),
                    1.0
                ),
            ]
        );
        let states = plain(&c.families["ifOperStatus"]);
        assert_eq!(
            states[0].0[2],
            ("ifOperStatus".to_string(), "down".to_string())
        );
        assert_eq!(states[0].1, 1.0);
        assert_eq!(states[1].1, 0.0);
    }

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
