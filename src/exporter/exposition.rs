//! Samples to Prometheus's text exposition format (version 0.0.4, what snmp_exporter
//! serves). Families are sorted by name and samples by label values, as client_golang's
//! registry gathers them, so a scrape reads in the same order as snmp_exporter's.
//!
//! The writer is our own: the `prometheus` crate's encoder (which the exporter's own
//! `/metrics` uses) wants every label of every sample as an owned `String` in its model,
//! which cost more CPU than the whole SNMP side of a 500-interface scrape. The tests hold
//! this writer to that encoder's output byte for byte.

use std::collections::HashMap;
use std::io::Write;

use super::collect::{Family, Labels, SampleType};

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// client_golang's MetricSorter: by label count, then label values in name order.
fn compare(a: &Labels, b: &Labels) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| x.1.cmp(y.1))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

fn escape(out: &mut Vec<u8>, text: &str, quote: bool) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'"' if quote => b"\\\"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(replacement);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

type Row = std::sync::Arc<[(String, String)]>;

fn values(r: &Row) -> Vec<&str> {
    r.iter().map(|(_, v)| v.as_str()).collect()
}

/// Sort keys for label rows: every distinct row ranked once (rows equal in value share a
/// rank), and an id for each list of label names. Sorting a family then compares numbers.
struct Ranks {
    rank: HashMap<*const (String, String), (usize, usize)>,
}

impl Ranks {
    fn new(families: &[(String, Family)]) -> Ranks {
        let mut rows: Vec<&Row> = Vec::new();
        let mut seen: HashMap<*const (String, String), ()> = HashMap::new();
        for (_, f) in families {
            for (l, _) in &f.samples {
                if seen.insert(l.base.as_ptr(), ()).is_none() {
                    rows.push(&l.base);
                }
            }
        }
        rows.sort_by(|a, b| {
            a.len()
                .cmp(&b.len())
                .then_with(|| values(a).cmp(&values(b)))
        });
        let mut names: HashMap<Vec<&str>, usize> = HashMap::new();
        let mut rank = HashMap::with_capacity(rows.len());
        let mut current = 0;
        for (i, r) in rows.iter().enumerate() {
            if i > 0 && (rows[i - 1].len() != r.len() || values(rows[i - 1]) != values(r)) {
                current += 1;
            }
            let next = names.len();
            let id = *names
                .entry(r.iter().map(|(n, _)| n.as_str()).collect())
                .or_insert(next);
            rank.insert(r.as_ptr(), (current, id));
        }
        Ranks { rank }
    }

    fn of(&self, l: &Labels) -> (usize, usize) {
        self.rank
            .get(&l.base.as_ptr())
            .copied()
            .unwrap_or((0, usize::MAX))
    }
}

/// Sorts a family's samples as `compare` does, by rank when every sample has the same
/// label names and its extra label (if any) sorts before or after all the others.
fn sort_samples(samples: &mut [(Labels, f64)], ranks: &Ranks) {
    let Some(first) = samples.first() else {
        return;
    };
    let (_, names) = ranks.of(&first.0);
    let extra_name = first.0.extra.as_ref().map(|(n, _)| n.clone());
    let position = extra_name
        .as_ref()
        .map(|n| first.0.base.partition_point(|(b, _)| b.as_str() < &**n));
    let uniform = samples.iter().all(|(l, _)| {
        ranks.of(l).1 == names && l.extra.as_ref().map(|(n, _)| n) == extra_name.as_ref()
    });
    match position {
        _ if !uniform || names == usize::MAX => samples.sort_by(|a, b| compare(&a.0, &b.0)),
        None => samples.sort_by_key(|(l, _)| ranks.of(l).0),
        Some(0) => samples.sort_by(|a, b| {
            let (x, y) = (
                a.0.extra.as_ref().map(|e| &e.1),
                b.0.extra.as_ref().map(|e| &e.1),
            );
            x.cmp(&y).then(ranks.of(&a.0).0.cmp(&ranks.of(&b.0).0))
        }),
        Some(p) if p == first.0.base.len() => samples.sort_by(|a, b| {
            let (x, y) = (
                a.0.extra.as_ref().map(|e| &e.1),
                b.0.extra.as_ref().map(|e| &e.1),
            );
            ranks.of(&a.0).0.cmp(&ranks.of(&b.0).0).then(x.cmp(&y))
        }),
        Some(_) => samples.sort_by(|a, b| compare(&a.0, &b.0)),
    }
}

/// Whether two samples' labels are the same (after sorting, duplicates are neighbours).
fn same(a: &Labels, b: &Labels, ranks: &Ranks) -> bool {
    let (ra, rb) = (ranks.of(a), ranks.of(b));
    if ra.1 != usize::MAX && ra == rb && a.extra == b.extra {
        return true;
    }
    a.iter().eq(b.iter())
}

/// Encodes families (any order) as the text format. Returns the text and how many
/// samples were left out because an earlier one had the same name and labels
/// (snmp_exporter fails the whole scrape then).
pub fn encode(families: Vec<(String, Family)>) -> (Vec<u8>, u64) {
    let mut families = families;
    families.sort_by(|a, b| a.0.cmp(&b.0));
    let ranks = Ranks::new(&families);
    let mut out = Vec::with_capacity(families.iter().map(|f| f.1.samples.len() * 96).sum());
    let mut duplicates = 0;
    for (name, family) in families {
        if family.samples.is_empty() {
            continue;
        }
        if !family.help.is_empty() {
            out.extend_from_slice(b"# HELP ");
            out.extend_from_slice(name.as_bytes());
            out.push(b' ');
            escape(&mut out, &family.help, false);
            out.push(b'\n');
        }
        out.extend_from_slice(b"# TYPE ");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(match family.kind {
            SampleType::Counter => b" counter\n",
            SampleType::Gauge => b" gauge\n",
        });
        let mut samples = family.samples;
        sort_samples(&mut samples, &ranks);
        let before = samples.len();
        samples.dedup_by(|b, a| same(&a.0, &b.0, &ranks));
        duplicates += (before - samples.len()) as u64;
        for (labels, value) in samples {
            out.extend_from_slice(name.as_bytes());
            if !labels.is_empty() {
                let mut separator = b'{';
                for (n, v) in labels.iter() {
                    out.push(separator);
                    out.extend_from_slice(n.as_bytes());
                    out.extend_from_slice(b"=\"");
                    escape(&mut out, v, true);
                    out.push(b'"');
                    separator = b',';
                }
                out.push(b'}');
            }
            // As the prometheus crate writes values (Rust's shortest round-trip form).
            let _ = writeln!(out, " {value}");
        }
    }
    (out, duplicates)
}

/// A gauge family with one sample.
pub fn gauge(help: &str, labels: &[(&str, &str)], value: f64) -> Family {
    Family {
        help: help.to_string(),
        kind: SampleType::Gauge,
        samples: vec![(
            Labels::new(
                labels
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            ),
            value,
        )],
    }
}

/// A sample read back from the text format: name, labels sorted by name, value.
pub type ParsedSample = (String, Vec<(String, String)>, f64);

/// Parses the text format back into (name, sorted labels, value) triples, for tests and
/// for comparing with snmp_exporter: comments skipped, escapes undone.
pub fn parse_text(text: &str) -> Vec<ParsedSample> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (name_end, rest) = match line.find(['{', ' ']) {
            Some(i) => (i, &line[i..]),
            None => continue,
        };
        let name = line[..name_end].to_string();
        let mut labels = Vec::new();
        let mut rest = rest;
        if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices().peekable();
            let mut key = String::new();
            let mut end = body.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '}' => {
                        end = i + 1;
                        break;
                    }
                    ',' => {}
                    '=' => {
                        // A quoted value follows.
                        chars.next();
                        let mut value = String::new();
                        while let Some((_, c)) = chars.next() {
                            match c {
                                '\\' => match chars.next().map(|x| x.1) {
                                    Some('n') => value.push('\n'),
                                    Some(other) => value.push(other),
                                    None => {}
                                },
                                '"' => break,
                                other => value.push(other),
                            }
                        }
                        labels.push((std::mem::take(&mut key), value));
                    }
                    other => key.push(other),
                }
            }
            rest = &body[end..];
        }
        let value = rest.split_whitespace().next().unwrap_or("");
        let value = match value {
            "+Inf" | "inf" => f64::INFINITY,
            "-Inf" | "-inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or(f64::NAN),
        };
        labels.sort();
        out.push((name, labels, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use prometheus::proto::{self, LabelPair, MetricFamily, MetricType};
    use prometheus::{Encoder, TextEncoder};

    use super::*;

    /// The same families through the prometheus crate's model and encoder.
    fn crate_encoding(families: &[(String, Family)]) -> Vec<u8> {
        let mut sorted: Vec<&(String, Family)> = families.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for (name, family) in sorted {
            let mut mf = MetricFamily::default();
            mf.set_name(name.clone());
            mf.set_help(family.help.clone());
            let counter = family.kind == SampleType::Counter;
            mf.set_field_type(if counter {
                MetricType::COUNTER
            } else {
                MetricType::GAUGE
            });
            let mut samples = family.samples.clone();
            samples.sort_by(|a, b| compare(&a.0, &b.0));
            let metrics = samples
                .into_iter()
                .map(|(labels, value)| {
                    let mut m = proto::Metric::from_label(
                        labels
                            .iter()
                            .map(|(n, v)| {
                                let mut lp = LabelPair::default();
                                lp.set_name(n.to_string());
                                lp.set_value(v.to_string());
                                lp
                            })
                            .collect(),
                    );
                    if counter {
                        let mut c = proto::Counter::default();
                        c.set_value(value);
                        m.set_counter(c);
                    } else {
                        let mut g = proto::Gauge::default();
                        g.set_value(value);
                        m.set_gauge(g);
                    }
                    m
                })
                .collect();
            mf.set_metric(metrics);
            TextEncoder::new().encode(&[mf], &mut out).unwrap();
        }
        out
    }

    fn labels(pairs: &[(&str, &str)], extra: Option<(&str, &str)>) -> Labels {
        let mut l = Labels::new(
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        );
        l.extra = extra.map(|(n, v)| (Arc::from(n), v.to_string()));
        l
    }

    #[test]
    fn text_format_as_the_prometheus_crate_writes_it() {
        let counter = Family {
            help: "Octets in\\ \n - 1.3.6.1.2.1.31.1.1.1.6".into(),
            kind: SampleType::Counter,
            samples: vec![
                (
                    labels(&[("ifIndex", "2"), ("ifName", "b\"\\\n")], None),
                    7.0,
                ),
                (labels(&[("ifIndex", "10"), ("ifName", "a")], None), 1.5e21),
                (labels(&[("ifIndex", "3"), ("ifName", "c")], None), 0.1),
            ],
        };
        let strings = Family {
            help: "The descr - 1.3.6.1.2.1.2.2.1.2".into(),
            kind: SampleType::Gauge,
            samples: vec![
                (
                    labels(
                        &[("ifIndex", "2"), ("ifName", "x")],
                        Some(("ifDescr", "eth1")),
                    ),
                    1.0,
                ),
                (
                    labels(
                        &[("ifIndex", "1"), ("ifName", "y")],
                        Some(("ifDescr", "lo")),
                    ),
                    1.0,
                ),
                (labels(&[], None), -2.5),
            ],
        };
        let families = vec![
            (
                "snmp_scrape_pdus_returned".to_string(),
                gauge(
                    "PDUs returned from get, bulkget, and walk.",
                    &[("module", "if_mib")],
                    3.0,
                ),
            ),
            ("ifHCInOctets".to_string(), counter),
            ("ifDescr".to_string(), strings),
            ("noHelp".to_string(), gauge("", &[], f64::NAN)),
        ];
        let (ours, duplicates) = encode(families.clone());
        assert_eq!(duplicates, 0);
        assert_eq!(
            String::from_utf8(ours.clone()).unwrap(),
            String::from_utf8(crate_encoding(&families)).unwrap()
        );
        let text = String::from_utf8(ours).unwrap();
        assert!(
            text.contains("ifDescr{ifDescr=\"eth1\",ifIndex=\"2\",ifName=\"x\"} 1\n"),
            "{text}"
        );
        let parsed = parse_text(&text);
        assert!(parsed.iter().any(|p| p.1.iter().any(|l| l.1 == "b\"\\\n")));
    }

    #[test]
    fn ranked_sorting_agrees_with_the_generic_order() {
        let rows: Vec<Arc<[(String, String)]>> = (0..40)
            .map(|i: u32| {
                let v: Vec<(String, String)> = vec![
                    ("ifAlias".into(), String::new()),
                    ("ifDescr".into(), format!("eth{}", i % 13)),
                    ("ifIndex".into(), (i * 7 % 40).to_string()),
                ];
                v.into()
            })
            .collect();
        for extra in [None, Some("aaa"), Some("ifZ"), Some("ifB")] {
            let samples: Vec<(Labels, f64)> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let l = Labels {
                        base: Arc::clone(r),
                        extra: extra.map(|n| (Arc::from(n), format!("v{}", i % 3))),
                    };
                    (l, i as f64)
                })
                .collect();
            let families = vec![(
                "m".to_string(),
                Family {
                    help: "h".into(),
                    kind: SampleType::Gauge,
                    samples: samples.clone(),
                },
            )];
            let ranks = Ranks::new(&families);
            let mut fast = samples.clone();
            sort_samples(&mut fast, &ranks);
            let mut slow = samples;
            slow.sort_by(|a, b| compare(&a.0, &b.0));
            let view = |v: &[(Labels, f64)]| -> Vec<Vec<(String, String)>> {
                v.iter()
                    .map(|(l, _)| {
                        l.iter()
                            .map(|(a, b)| (a.to_string(), b.to_string()))
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(view(&fast), view(&slow), "{extra:?}");
            assert_eq!(
                String::from_utf8(encode(families.clone()).0).unwrap(),
                String::from_utf8(crate_encoding(&families)).unwrap()
            );
        }
    }

    #[test]
    fn duplicate_series_are_dropped_and_counted() {
        let f = Family {
            help: "h".into(),
            kind: SampleType::Gauge,
            samples: vec![
                (labels(&[("a", "1")], None), 1.0),
                (labels(&[("a", "1")], None), 2.0),
            ],
        };
        let (text, duplicates) = encode(vec![("m".into(), f)]);
        assert_eq!(duplicates, 1);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "# HELP m h\n# TYPE m gauge\nm{a=\"1\"} 1\n"
        );
    }
}
