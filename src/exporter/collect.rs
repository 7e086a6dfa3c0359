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

use super::compile::{Metric, MetricType, Module};
use super::values::{
    combined_mapping, date_and_time, enum_label, index_as_string, int_value, ntp_timestamp,
    numeric, valid_utf8, value_as_string,
};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exporter::compile::{EnumValues, Index, Lookup};

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
}
