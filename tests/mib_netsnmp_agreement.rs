//! For the objects both load from the vendor corpus, mibscope resolves the same OIDs as
//! Net-SNMP's `snmptranslate` over the same files.
//!
//! Two checks, both one snmptranslate run per batch (each run loads all 2,500 files):
//! - every (label, OID) pair of Net-SNMP's tree (`-Tz`) is a name mibscope gives that OID;
//! - a sample of `MODULE::name` is translated with `-On` and compared one by one.
//!
//! Skipped (with a message) without snmptranslate or the corpus, unless `CI=true`.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

use mibscope::mib::{DefId, Mib, ModuleStatus};
use mibscope::mib_store::{self, MibConfig, ModuleSelection};

fn snmptranslate_available() -> bool {
    !common::missing("snmptranslate")
}

fn load(dirs: &str) -> Mib {
    let env = |_: &str| None;
    let mut config = MibConfig::resolve(Some("ALL"), Some(dirs), &env);
    // The same files as Net-SNMP: no embedded modules, no cache.
    config.embedded = false;
    config.cache_dir = None;
    assert_eq!(config.modules, ModuleSelection::All);
    mib_store::load(&config).mib
}

/// Net-SNMP's (label, OID) pairs, without its placeholders for unnamed nodes
/// (`anonymous#12`) and for the `.0` above SMIv1 traps (`enterprise#`).
fn netsnmp_pairs(dirs: &str) -> BTreeSet<(String, String)> {
    let out = common::output_within(
        Command::new("snmptranslate").args(["-m", "ALL", "-M", dirs, "-Tz"]),
        common::COMMAND_LIMIT,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pairs = BTreeSet::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('"').collect();
        if fields.len() < 4 || fields[1].contains('#') {
            continue;
        }
        pairs.insert((fields[1].to_string(), format!(".{}", fields[3])));
    }
    pairs
}

#[test]
fn oids_agree_with_net_snmp() {
    let Some(corpus) = common::corpus::corpus_dir() else {
        return;
    };
    if !snmptranslate_available() {
        return;
    }
    let mut dir_list: Vec<String> = common::corpus::dirs_under(&corpus)
        .into_iter()
        .map(|d| d.display().to_string())
        .collect();
    dir_list.sort();
    let dirs = dir_list.join(":");
    let mib = load(&dirs);

    // 1. Every pair of Net-SNMP's tree.
    let ns = netsnmp_pairs(&dirs);
    assert!(
        ns.len() > 200_000,
        "snmptranslate gave only {} names",
        ns.len()
    );
    let mut ours: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for node in mib.walk() {
        let oid = node.oid().to_string();
        for name in node.names() {
            ours.entry(name).or_default().insert(oid.clone());
        }
    }
    let mut missing = Vec::new(); // Net-SNMP names an OID we do not give that name
    let mut unknown = Vec::new(); // a label only Net-SNMP has
    for (label, oid) in &ns {
        match ours.get(label.as_str()) {
            Some(set) if set.contains(oid) => {}
            Some(set) => missing.push(format!("{label}: Net-SNMP {oid}, mibscope {set:?}")),
            None => unknown.push(format!("{label} {oid}")),
        }
    }
    println!(
        "Net-SNMP pairs: {}; same OID in mibscope: {}; other OID: {}; label unknown to mibscope: {}",
        ns.len(),
        ns.len() - missing.len() - unknown.len(),
        missing.len(),
        unknown.len()
    );
    for m in missing.iter().chain(&unknown).take(40) {
        println!("  {m}");
    }

    // 2. A sample of qualified names (every 40th definition of a loaded module), as
    // mibscope resolves them.
    let mut sample: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for i in (0..mib.def_count()).step_by(40) {
        let d = mib.def(DefId(i as u32));
        let loaded = mib
            .module_status(d.module())
            .is_some_and(ModuleStatus::is_loaded);
        let name = d.qualified_name();
        if !loaded || d.node().is_none() || !seen.insert(name.clone()) {
            continue;
        }
        let oid = mib
            .resolve(&name)
            .expect("a placed definition resolves")
            .oid;
        sample.push((name, oid.to_string()));
    }
    let ns_answers = translate_qualified(&dirs, &sample);
    let mut disagree = Vec::new();
    let mut ns_failed = 0;
    for (name, our_oid) in &sample {
        match ns_answers.get(name) {
            Some(Some(ns_oid)) if ns_oid == our_oid => {}
            Some(Some(ns_oid)) => {
                disagree.push(format!("{name}: Net-SNMP {ns_oid}, mibscope {our_oid}"));
            }
            _ => ns_failed += 1,
        }
    }
    println!(
        "qualified sample: {} names; equal: {}; different: {}; Net-SNMP could not translate: {ns_failed}",
        sample.len(),
        sample.len() - disagree.len() - ns_failed,
        disagree.len()
    );
    for d in disagree.iter().take(20) {
        println!("  {d}");
    }

    let by_reason: BTreeMap<&str, usize> = [
        ("other OID", missing.len()),
        ("qualified differ", disagree.len()),
    ]
    .into();
    assert!(
        missing.is_empty() && disagree.is_empty(),
        "OIDs differ from Net-SNMP: {by_reason:?}"
    );
    // Labels only Net-SNMP knows come from modules it parses past an error we stop at.
    assert!(
        unknown.len() < 20,
        "{} labels only Net-SNMP has",
        unknown.len()
    );
}

/// `snmptranslate -On MODULE::name ...` in batches. It stops at the first name it cannot
/// translate, so a batch is resumed after that name (each run loads the whole corpus,
/// hence the sample).
fn translate_qualified(dirs: &str, names: &[(String, String)]) -> HashMap<String, Option<String>> {
    let mut answers = HashMap::new();
    let mut rest: &[(String, String)] = names;
    let mut runs = 0;
    while !rest.is_empty() && runs < 40 {
        runs += 1;
        let batch = &rest[..rest.len().min(4000)];
        let out = common::output_within(
            Command::new("snmptranslate")
                .args(["-m", "ALL", "-M", dirs, "-On"])
                .args(batch.iter().map(|(n, _)| n)),
            common::COMMAND_LIMIT,
        );
        let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        for (i, line) in lines.iter().enumerate().take(batch.len()) {
            answers.insert(batch[i].0.clone(), Some(line.clone()));
        }
        let done = lines.len().min(batch.len());
        if done < batch.len() {
            // The name after the last answer failed.
            answers.insert(batch[done].0.clone(), None);
            rest = &rest[done + 1..];
        } else {
            rest = &rest[done..];
        }
    }
    answers
}
