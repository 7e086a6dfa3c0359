//! `mibscope delta` beside `snmpdelta` on a real snmpd, both started together and polling
//! on the same second boundaries: the same report lines (timestamps compared as a shape,
//! since the two may straddle a second). snmpdelta runs until killed; ours stops after
//! `--count`. The arithmetic (Counter32 wrap, Counter64, rates) has unit tests in
//! src/cli/delta.rs.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::side_by_side::{mib_dir, with_mibs};
use common::*;

const MIBS: &str = "SNMPv2-MIB:IF-MIB";

/// Runs snmpdelta for `seconds` and ours for `count` reports, at the same time.
fn side_by_side(agent: &str, options: &[&str], count: usize, seconds: u64) -> (String, String) {
    let mut args = vec!["-v2c", "-c", "public"];
    args.extend_from_slice(options);
    args.extend_from_slice(&[agent, "ifInErrors.1", "snmpInBadVersions.0"]);
    let args = with_mibs(MIBS, &args);
    let out_file = tempdir("snmpdelta").join("out");
    let mut theirs = Command::new("snmpdelta")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmpdelta");
    let mut ours_args = vec!["delta".to_string(), "--count".into(), count.to_string()];
    ours_args.extend(args.iter().map(ToString::to_string));
    let ours = std::thread::spawn(move || {
        let refs: Vec<&str> = ours_args.iter().map(String::as_str).collect();
        mibscope(&refs)
    });
    std::thread::sleep(Duration::from_secs(seconds));
    let _ = theirs.kill();
    let _ = theirs.wait();
    let ours = ours.join().expect("our run");
    assert!(ours.status.success(), "{}", stderr(&ours));
    let _ = mib_dir();
    (std::fs::read_to_string(&out_file).unwrap(), stdout(&ours))
}

/// `[15:49:56 12/3]` as `[HH:MM:SS M/D]`.
fn shape(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

#[test]
fn reports_read_as_snmpdelta_reports() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    if missing("snmpdelta") {
        return;
    }
    let a = agent.agent();
    for (options, exact) in [
        (&[][..], true),
        (&["-Cm"][..], true),
        (&["-Ct"][..], true),
        (&["-Cs"][..], false),
        (&["-CT"][..], true),
        (&["-Cs", "-CT"][..], false),
    ] {
        let (theirs, ours) = side_by_side(&a, options, 2, 4);
        let n = ours.lines().count();
        assert!(n >= 2, "{options:?}: {ours}");
        let theirs: Vec<&str> = theirs.lines().take(n).collect();
        let ours: Vec<&str> = ours.lines().collect();
        assert_eq!(theirs.len(), n, "{options:?}: snmpdelta printed {theirs:?}");
        if exact {
            assert_eq!(ours, theirs, "{options:?}");
        } else {
            let shaped = |v: &[&str]| v.iter().map(|l| shape(l)).collect::<Vec<_>>();
            assert_eq!(shaped(&ours), shaped(&theirs), "{options:?}");
        }
    }
}
