//! `mibscope status` beside `snmpstatus` on a real snmpd and on the simulated switch. What
//! moves between two runs (the local port, the uptime, packet counters that our own
//! requests drive) is compared loosely; everything else byte for byte.

mod common;

use common::agent::{frozen_switch, spec};
use common::side_by_side::both;
use common::*;
use mibscope::agent::Faults;

/// The output with the moving parts taken out, and the moving numbers.
fn split(text: &str) -> (String, Vec<i64>) {
    let mut fixed = String::new();
    let mut numbers = Vec::new();
    for line in text.lines() {
        let line = match line.find("->[0.0.0.0]:") {
            Some(i) => {
                let end = line[i..].find(']').map_or(line.len(), |j| i + j);
                let end = line[end + 1..]
                    .find(']')
                    .map_or(line.len(), |j| end + 1 + j);
                format!("{}->[0.0.0.0]:PORT{}", &line[..i], &line[end..])
            }
            None => line.to_string(),
        };
        let line = match line.rfind("] Up: ") {
            Some(i) => format!("{}] Up: UPTIME", &line[..i]),
            None => line,
        };
        if let Some(rest) = line.strip_prefix("Interfaces: ") {
            let (count, figures) = rest.split_once(", Recv/Trans packets: ").expect("format");
            fixed.push_str(&format!(
                "Interfaces: {count}, Recv/Trans packets: N/N | IP: N/N\n"
            ));
            for n in figures
                .split(['/', ' ', '|'])
                .filter(|s| !s.is_empty() && *s != "IP:")
            {
                numbers.push(n.parse().expect("a number"));
            }
            continue;
        }
        fixed.push_str(&line);
        fixed.push('\n');
    }
    (fixed, numbers)
}

fn compare(agent: &str, extra: &[&str]) {
    let mut args = vec!["-v2c", "-c", "public"];
    args.extend_from_slice(extra);
    args.push(agent);
    let (theirs, ours) = both("snmpstatus", "status", &args);
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "{}",
        stderr(&ours)
    );
    assert_eq!(stderr(&ours), stderr(&theirs));
    let (their_text, their_numbers) = split(&stdout(&theirs));
    let (our_text, our_numbers) = split(&stdout(&ours));
    assert_eq!(our_text, their_text);
    assert_eq!(our_numbers.len(), 4, "{}", stdout(&ours));
    for (o, t) in our_numbers.iter().zip(&their_numbers) {
        assert!((o - t).abs() < 5_000, "{o} vs {t}\n{}", stdout(&ours));
    }
}

#[test]
fn status_of_snmpd_and_the_switch_reads_as_snmpstatus() {
    let Some(agent) = Snmpd::start("") else {
        return;
    };
    if missing("snmpstatus") {
        return;
    }
    compare(&agent.agent(), &[]);
    compare(&agent.agent(), &["-v1"]);
    let switch = frozen_switch(Faults::default());
    compare(&spec(switch.local_addr()), &[]);
    // No answer: the same line, the same exit status.
    let (theirs, ours) = both(
        "snmpstatus",
        "status",
        &[
            "-v2c",
            "-c",
            "nobody",
            "-t",
            "0.2",
            "-r",
            "0",
            &agent.agent(),
        ],
    );
    assert_eq!(
        (stdout(&ours), stderr(&ours), ours.status.code()),
        (stdout(&theirs), stderr(&theirs), theirs.status.code())
    );
}
