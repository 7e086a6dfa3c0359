//! The exporter's modules against the real thing: snmp_exporter's generator
//! (`prometheus-snmp-generator`, Debian's 0.21) is run on the same `generator.yml` and the
//! same MIB files, and every module it writes must match ours: OIDs to get and walk, and
//! each metric's name, OID, type, help, index labels, lookups and enum values.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use mibscope::exporter::compile::{self, MibIndex};
use mibscope::exporter::config::GeneratorConfig;
use mibscope::mib_store::{self, MibConfig, ModuleSelection};
use serde_norway::Value;

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn enums(v: &Value) -> BTreeMap<i64, String> {
    v.get("enum_values")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_i64().unwrap_or(-1), s(v)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn modules_match_snmp_exporters_generator() {
    if common::missing("prometheus-snmp-generator") {
        return;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mibs = here.join("mibs");
    let dir = tempdir();
    let gen_yml = here.join("tests/fixtures/exporter/generator-0.21.yml");
    std::fs::copy(&gen_yml, dir.join("generator.yml")).unwrap();
    let out = common::output_within(
        std::process::Command::new("prometheus-snmp-generator")
            .arg("generate")
            .env("MIBDIRS", &mibs)
            .current_dir(&dir),
        common::COMMAND_LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value =
        serde_norway::from_str(&std::fs::read_to_string(dir.join("snmp.yml")).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    let config = GeneratorConfig::load(&gen_yml).unwrap();
    let loaded = mib_store::load(&MibConfig {
        modules: ModuleSelection::All,
        dirs: vec![mibs],
        embedded: false,
        cache_dir: None,
        strict: false,
    });
    let index = MibIndex::new(&loaded.mib);
    let mut problems = Vec::new();
    let mut compared = 0;
    for (name, cfg) in &config.modules {
        let mut warnings = Vec::new();
        let ours = compile::compile_module(&index, name, cfg, &mut warnings).unwrap();
        let want = &theirs[name.as_str()];
        let list = |key: &str| -> Vec<String> {
            want.get(key)
                .and_then(Value::as_sequence)
                .map(|l| l.iter().map(s).collect())
                .unwrap_or_default()
        };
        let dotted =
            |l: &[mibscope::proto::Oid]| -> Vec<String> { l.iter().map(compile::dotted).collect() };
        if dotted(&ours.walk) != list("walk") {
            problems.push(format!(
                "{name}: walk {:?} != {:?}",
                dotted(&ours.walk),
                list("walk")
            ));
        }
        if dotted(&ours.get) != list("get") {
            problems.push(format!(
                "{name}: get {:?} != {:?}",
                dotted(&ours.get),
                list("get")
            ));
        }
        let theirs_metrics: BTreeMap<String, &Value> = want["metrics"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|m| (format!("{}@{}", s(&m["name"]), s(&m["oid"])), m))
            .collect();
        let ours_metrics: BTreeMap<String, &compile::Metric> = ours
            .metrics
            .iter()
            .map(|m| (format!("{}@{}", m.name, compile::dotted(&m.oid)), m))
            .collect();
        for key in theirs_metrics
            .keys()
            .filter(|k| !ours_metrics.contains_key(*k))
        {
            problems.push(format!("{name}: missing metric {key}"));
        }
        for key in ours_metrics
            .keys()
            .filter(|k| !theirs_metrics.contains_key(*k))
        {
            problems.push(format!("{name}: extra metric {key}"));
        }
        for (key, m) in &ours_metrics {
            let Some(t) = theirs_metrics.get(key) else {
                continue;
            };
            compared += 1;
            let mut diff = |what: &str, a: String, b: String| {
                if a != b {
                    problems.push(format!("{name}: {key}: {what}: ours {a:?}, theirs {b:?}"));
                }
            };
            diff("type", m.kind.as_str().into(), s(&t["type"]));
            diff("help", m.help.clone(), s(&t["help"]));
            diff(
                "enum_values",
                format!("{:?}", m.enum_values),
                format!("{:?}", enums(t)),
            );
            let their_indexes: Vec<String> = t
                .get("indexes")
                .and_then(Value::as_sequence)
                .map(|l| {
                    l.iter()
                        .map(|i| {
                            // 0.21 leaves enum-valued indexes typed gauge; later versions
                            // (and we) render them as EnumAsInfo.
                            let mut ty = s(&i["type"]);
                            if ty == "gauge" && !enums(i).is_empty() {
                                ty = "EnumAsInfo".into();
                            }
                            format!(
                                "{}:{}:{}:{}",
                                s(&i["labelname"]),
                                ty,
                                i.get("fixed_size").map(s).unwrap_or_else(|| "0".into()),
                                i.get("implied").map(s).unwrap_or_else(|| "false".into()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let our_indexes: Vec<String> = m
                .indexes
                .iter()
                .map(|i| {
                    format!(
                        "{}:{}:{}:{}",
                        i.labelname,
                        i.kind.as_str(),
                        i.fixed_size,
                        i.implied
                    )
                })
                .collect();
            diff(
                "indexes",
                format!("{our_indexes:?}"),
                format!("{their_indexes:?}"),
            );
            let their_lookups: Vec<String> = t
                .get("lookups")
                .and_then(Value::as_sequence)
                .map(|l| {
                    l.iter()
                        .map(|x| {
                            let labels: Vec<String> = x
                                .get("labels")
                                .and_then(Value::as_sequence)
                                .map(|l| l.iter().map(s).collect())
                                .unwrap_or_default();
                            format!(
                                "{labels:?}->{}@{}:{}",
                                s(&x["labelname"]),
                                x.get("oid").map(s).unwrap_or_default(),
                                x.get("type").map(s).unwrap_or_default()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let our_lookups: Vec<String> = m
                .lookups
                .iter()
                .map(|l| {
                    // 0.21 types enum-valued lookups by their base type.
                    let ty = l.kind.map(compile::MetricType::as_str).unwrap_or_default();
                    let ty = if ty == "EnumAsInfo" { "gauge" } else { ty };
                    format!(
                        "{:?}->{}@{}:{}",
                        l.labels,
                        l.labelname,
                        l.oid.as_ref().map(compile::dotted).unwrap_or_default(),
                        ty
                    )
                })
                .collect();
            diff(
                "lookups",
                format!("{our_lookups:?}"),
                format!("{their_lookups:?}"),
            );
        }
    }
    eprintln!("{compared} metrics compared");
    assert!(compared > 150, "only {compared} metrics compared");
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mibscope-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
