//! Samples to Prometheus's text exposition format (version 0.0.4, what snmp_exporter
//! serves), through the `prometheus` crate's metric model and encoder. Families are sorted
//! by name and samples by label values, as client_golang's registry gathers them, so a
//! scrape reads in the same order as snmp_exporter's.

use prometheus::proto::{self, LabelPair, MetricFamily, MetricType};
use prometheus::{Encoder, TextEncoder};

use super::collect::{Family, SampleType};

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Encodes families (any order) as the text format.
pub fn encode(families: Vec<(String, Family)>) -> Vec<u8> {
    let mut families = families;
    families.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (name, family) in families {
        if family.samples.is_empty() {
            continue;
        }
        let mut mf = MetricFamily::default();
        mf.set_name(name);
        mf.set_help(family.help);
        let counter = family.kind == SampleType::Counter;
        mf.set_field_type(if counter {
            MetricType::COUNTER
        } else {
            MetricType::GAUGE
        });
        let mut samples = family.samples;
        // client_golang's MetricSorter: by label count, then label values in name order.
        samples.sort_by(|a, b| {
            a.0.len().cmp(&b.0.len()).then_with(|| {
                a.0.iter()
                    .zip(&b.0)
                    .map(|(x, y)| x.1.cmp(&y.1))
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        });
        let metrics = samples
            .into_iter()
            .map(|(labels, value)| {
                let mut m = proto::Metric::from_label(
                    labels
                        .into_iter()
                        .map(|(n, v)| {
                            let mut lp = LabelPair::default();
                            lp.set_name(n);
                            lp.set_value(v);
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
        // Encoding into memory cannot fail; a family the encoder refuses is left out.
        let _ = TextEncoder::new().encode(&[mf], &mut out);
    }
    out
}

/// A gauge family with one sample.
pub fn gauge(help: &str, labels: &[(&str, &str)], value: f64) -> Family {
    Family {
        help: help.to_string(),
        kind: SampleType::Gauge,
        samples: vec![(
            labels
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
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
    use super::*;

    #[test]
    fn text_format_sorted_and_escaped() {
        let fam = Family {
            help: "Octets in - 1.3.6.1.2.1.31.1.1.1.6".into(),
            kind: SampleType::Counter,
            samples: vec![
                (
                    vec![
                        ("ifIndex".into(), "2".into()),
                        ("ifName".into(), "b\"\\\n".into()),
                    ],
                    7.0,
                ),
                (
                    vec![
                        ("ifIndex".into(), "10".into()),
                        ("ifName".into(), "a".into()),
                    ],
                    1.5e21,
                ),
            ],
        };
        let text = String::from_utf8(encode(vec![
            (
                "snmp_scrape_pdus_returned".into(),
                gauge(
                    "PDUs returned from get, bulkget, and walk.",
                    &[("module", "if_mib")],
                    3.0,
                ),
            ),
            ("ifHCInOctets".into(), fam),
        ]))
        .unwrap();
        assert_eq!(
            text,
            "# HELP ifHCInOctets Octets in - 1.3.6.1.2.1.31.1.1.1.6\n# TYPE ifHCInOctets counter\n\
             ifHCInOctets{ifIndex=\"10\",ifName=\"a\"} 1500000000000000000000\n\
             ifHCInOctets{ifIndex=\"2\",ifName=\"b\\\"\\\\\\n\"} 7\n\
             # HELP snmp_scrape_pdus_returned PDUs returned from get, bulkget, and walk.\n\
             # TYPE snmp_scrape_pdus_returned gauge\nsnmp_scrape_pdus_returned{module=\"if_mib\"} 3\n"
        );
        let parsed = parse_text(&text);
        assert_eq!(
            parsed[1].1[1],
            ("ifName".to_string(), "b\"\\\n".to_string())
        );
        assert_eq!(parsed[0].2, 1.5e21);
    }
}
