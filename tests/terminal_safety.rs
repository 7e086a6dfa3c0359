//! An agent that answers with escape sequences (screen clears, window titles, clipboard
//! writes, bells, carriage returns, C1 controls) in every kind of string: no control byte
//! reaches mibscope's stdout or stderr raw, in any output form.

mod common;

use std::time::Duration;

use common::agent::{mibscope, run, spec, start};
use mibscope::agent::{AgentConfig, Snapshot, StoreOptions};

/// Values a hostile agent might send, as hex: ESC [2J (clear screen), OSC 0 (title) ended
/// by BEL, OSC 52 (clipboard), a lone CR that rewrites the line, DEL, U+009B (CSI as a C1
/// control, UTF-8) and a raw 0x9B byte.
const SNAPSHOT: &str = "\
.1.3.6.1.2.1.1.1.0 Hex-STRING 1b5b324a1b5d303b70776e6564074f4b0d4641494c7f\n\
.1.3.6.1.2.1.1.3.0 Timeticks uptime\n\
.1.3.6.1.2.1.1.4.0 Hex-STRING 61646d696e0d6f6b0b0c\n\
.1.3.6.1.2.1.1.5.0 Hex-STRING 686f7374c29b33316d\n\
.1.3.6.1.2.1.1.6.0 Hex-STRING 726f6f6d9b33316d\n\
.1.3.6.1.2.1.2.2.1.2.1 Hex-STRING 1b5d35323b633b5a585a7062413d3d07\n\
.1.3.6.1.2.1.31.1.1.1.18.1 Hex-STRING 75706c696e6b0d\n\
.1.3.6.1.4.1.99999.1.0 Hex-STRING 706c61696e0d74657874\n\
.1.3.6.1.4.1.99999.2.0 Hex-STRING 1b5b33316d726564\n\
.1.3.6.1.6.3.18.1.1.1.2.27.91.50.74 Hex-STRING 1b5b324a\n\
";

/// Every byte a terminal would act on: C0 controls but newline, tab and CR before a newline,
/// DEL, and C1 controls (encoded as UTF-8, or raw bytes outside UTF-8).
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in bytes.utf8_chunks() {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            let crlf = c == '\r' && chars.peek() == Some(&'\n');
            if c.is_control() && c != '\n' && c != '\t' && !crlf {
                found.push(format!("{c:?}"));
            }
        }
        for b in chunk.invalid() {
            if (0x80..0xa0).contains(b) {
                found.push(format!("byte {b:#04x}"));
            }
        }
    }
    found
}

#[test]
fn no_raw_control_byte_in_any_output_form() {
    let snapshot = Snapshot::parse(SNAPSHOT, "hostile").expect("the snapshot parses");
    let agent = start(&snapshot, &StoreOptions::default(), AgentConfig::default());
    let target = spec(agent.local_addr());
    let oids = [
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.4.0",
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.1.6.0",
        ".1.3.6.1.2.1.2.2.1.2.1",
        ".1.3.6.1.2.1.31.1.1.1.18.1",
        ".1.3.6.1.4.1.99999.1.0",
        ".1.3.6.1.4.1.99999.2.0",
        ".1.3.6.1.6.3.18.1.1.1.2.27.91.50.74",
    ];
    let forms: &[&[&str]] = &[
        &[],
        &["-Oa"],
        &["-Ox"],
        &["-OT"],
        &["-Oq"],
        &["-OQ"],
        &["-Ov"],
        &["-Of"],
        &["-OX"],
        &["-Ob"],
        &["-On"],
        &["-m", ""],
        &["--json"],
    ];
    let mut problems = Vec::new();
    let mut check = |what: String, args: Vec<&str>| {
        let out = common::output_within(
            std::process::Command::new(mibscope()).args(&args),
            Duration::from_secs(30),
        );
        assert!(
            out.status.success(),
            "{what}: exit {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{what}: printed nothing");
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let raw = raw_controls(bytes);
            if !raw.is_empty() {
                problems.push(format!(
                    "{what}: {stream} has {raw:?}:\n{}",
                    String::from_utf8_lossy(bytes)
                ));
            }
        }
    };
    for form in forms {
        for command in ["get", "walk", "bulkwalk"] {
            let mut args = vec![command, "-v2c", "-c", "public"];
            args.extend_from_slice(form);
            args.push(&target);
            match command {
                "get" => args.extend_from_slice(&oids),
                _ => args.push(".1"),
            }
            check(format!("{command} {form:?}"), args);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));

    // And the values are still there to read, escaped.
    let shown = run(
        mibscope(),
        &["get", "-v2c", "-c", "public", &target, "sysContact.0"],
    );
    assert_eq!(
        shown.stdout, "SNMPv2-MIB::sysContact.0 = STRING: admin\\rok\\v\\f\n",
        "{}",
        shown.stderr
    );
    let shown = run(
        mibscope(),
        &[
            "get",
            "-v2c",
            "-c",
            "public",
            &target,
            ".1.3.6.1.4.1.99999.1.0",
            ".1.3.6.1.4.1.99999.2.0",
        ],
    );
    assert_eq!(
        shown.stdout,
        "SNMPv2-SMI::enterprises.99999.1.0 = STRING: \"plain\\rtext\"\n\
         SNMPv2-SMI::enterprises.99999.2.0 = Hex-STRING: 1B 5B 33 31 6D 72 65 64 \n",
        "{}",
        shown.stderr
    );
}
