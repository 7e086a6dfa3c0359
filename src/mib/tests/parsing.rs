//! The parser: syntax errors reported where they are and parsing resumed, unterminated
//! strings, module names found without parsing, and truncated or mangled input that never
//! panics.

use super::*;

#[test]
fn syntax_errors_are_reported_and_parsing_resumes() {
    let text = "BAD-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
bad OBJECT IDENTIFIER ::= { enterprises 1 }
broken OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    WHATEVER 12
    ::= { bad 1 }
fine OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"y\"
    ::= { bad 2 }
END";
    let mib = compile(&[("BAD-MIB.txt", text)]);
    assert_eq!(status(&mib, "BAD-MIB"), ModuleStatus::Failed);
    let d = mib.module_diagnostics("BAD-MIB").next().unwrap();
    assert_eq!(
        d.to_string(),
        "BAD-MIB.txt:9:5: error[syntax-error]: expected a clause of OBJECT-TYPE or '::=', found 'WHATEVER'"
    );
    assert_eq!(oid(&mib, "fine"), ".1.3.6.1.4.1.1.2");
    assert!(mib.resolve("broken").is_err());
}

#[test]
fn unterminated_string_is_an_error_with_a_hint() {
    let text = "U-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
u OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"never closed
    ::= { enterprises 1 }
END";
    let mib = compile(&[("U-MIB.txt", text)]);
    assert_eq!(status(&mib, "U-MIB"), ModuleStatus::Failed);
    let all: Vec<String> = mib
        .module_diagnostics("U-MIB")
        .map(ToString::to_string)
        .collect();
    assert!(
        all.iter()
            .any(|d| d.starts_with("U-MIB.txt:7:17: error[unterminated-string]")),
        "{all:#?}"
    );
}

#[test]
fn module_names_are_found_without_parsing() {
    assert_eq!(scan_module_names(V2_MIB.as_bytes()), ["EX-MIB"]);
    let two = format!("{V2_MIB}\n{RFC1213_PART}");
    assert_eq!(scan_module_names(two.as_bytes()), ["EX-MIB", "RFC1213-MIB"]);
    assert_eq!(
        scan_module_names(b"-- header\nFOO-MIB { iso 3 } DEFINITIONS IMPLICIT TAGS ::= BEGIN END"),
        ["FOO-MIB"]
    );
    assert!(scan_module_names(b"just text").is_empty());
}

#[test]
fn truncated_inputs_never_panic() {
    // Every prefix of a real-looking module (cut at every byte of the first part, then in
    // steps) compiles to some result with diagnostics, never a panic or a hang.
    let text = V2_MIB.as_bytes();
    let step = |i: usize| if i < 600 { 1 } else { 7 };
    let mut i = 0;
    while i <= text.len() {
        let mut c = Compiler::default();
        c.add_source("T-MIB", &text[..i]);
        c.request_all();
        let mib = c.finish();
        let _ = mib.resolve("exName");
        i += step(i);
    }
}

#[test]
fn mangled_inputs_never_panic() {
    // Deleting one token's worth of bytes here and there, or swapping in junk.
    let text = V2_MIB.as_bytes();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..300 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = (seed as usize) % text.len();
        let len = ((seed >> 32) as usize) % 12;
        let mut v = text.to_vec();
        let end = (at + len).min(v.len());
        match seed % 3 {
            0 => {
                v.drain(at..end);
            }
            1 => v[at] = b"{}()\"'-:;,.|"[(seed >> 40) as usize % 12],
            _ => v[at] = 0xE9,
        }
        let mut c = Compiler::default();
        c.add_source("M-MIB", &v);
        c.request_all();
        let mib = c.finish();
        let _ = mib.resolve("exName.1");
    }
}
