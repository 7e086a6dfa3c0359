//! Diagnostics for the files people really have (issue 10 item 8), with tiny inline MIBs:
//! syntax errors reported at the slip that caused them (a comment wrapped without `--`, a
//! quote inside a text), `SEQUENCE OF` a built-in type read and named, and files without a
//! module noted for what they are.

use super::*;

/// Every diagnostic of a module, as printed.
fn lines(mib: &Mib, module: &str) -> Vec<String> {
    mib.module_diagnostics(module)
        .map(ToString::to_string)
        .collect()
}

const WRAPPED_IN_SEQUENCE: &str = "WRAP-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, Gauge32, enterprises FROM SNMPv2-SMI;
wrapTable OBJECT-TYPE
    SYNTAX SEQUENCE OF WrapEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION \"t\"
    ::= { enterprises 1 }
wrapEntry OBJECT-TYPE
    SYNTAX WrapEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION \"e\"
    INDEX { wrapIndex }
    ::= { wrapTable 1 }
WrapEntry ::= SEQUENCE {
    wrapIndex     Integer32,
    wrapDelay     Gauge32,       -- smooth round trip
                                    delay
    wrapPackets   Gauge32
}
wrapIndex OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"i\"
    ::= { wrapEntry 1 }
END";

#[test]
fn a_comment_wrapped_without_dashes_is_named_where_it_is() {
    let mib = compile(&[("WRAP-MIB.txt", WRAPPED_IN_SEQUENCE)]);
    let all = lines(&mib, "WRAP-MIB");
    // Without the cause, the parser would stop at 21:1 ('}' where a type is expected) after
    // a missing-comma warning at 20:5, both far from the slip on line 19.
    assert!(
        all[0].starts_with(
            "WRAP-MIB.txt:19:37: error[syntax-error]: 'delay' reads as the rest of the comment \
             on line 18, wrapped onto a line of its own without '--' (a comment ends with its \
             line), so the definition breaks at 21:1: expected a type, found '}'"
        ),
        "{all:#?}"
    );
    assert!(all[0].ends_with("(start the continued comment with '--' too)"));
    assert!(!all.iter().any(|d| d.contains("missing-comma")), "{all:#?}");
    // What used the row type says why it is missing.
    assert!(
        all.iter().any(|d| d.starts_with(
            "WRAP-MIB.txt:4: warning[unknown-type]: SEQUENCE OF names row type 'WrapEntry', \
             whose definition at line 16 could not be read"
        )),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|d| d.contains("SYNTAX names type 'WrapEntry', whose definition at line 16")),
        "{all:#?}"
    );
    // The definitions after it still load.
    assert!(mib.resolve("wrapIndex").is_ok());
}

#[test]
fn wrapped_comments_after_a_clause_and_on_their_own_line() {
    let clause = "CW-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
cwValue OBJECT-TYPE
    SYNTAX Integer32 (0..100)   -- percent of the link
                                   in use
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"v\"
    ::= { enterprises 1 }
END";
    let all = lines(&compile(&[("CW-MIB.txt", clause)]), "CW-MIB");
    assert!(
        all[0].starts_with(
            "CW-MIB.txt:5:36: error[syntax-error]: 'in use' reads as the rest of the comment on \
             line 4, wrapped onto a line of its own without '--' (a comment ends with its \
             line): expected a clause of OBJECT-TYPE or '::=', found 'in'"
        ),
        "{all:#?}"
    );

    let own_line = "OL-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
olValue OBJECT-TYPE
    -- the SYNTAX below is a percentage of what the
       link can carry
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"v\"
    ::= { enterprises 1 }
END";
    let all = lines(&compile(&[("OL-MIB.txt", own_line)]), "OL-MIB");
    assert!(
        all[0].starts_with(
            "OL-MIB.txt:5:8: error[syntax-error]: 'link can carry' reads as the rest of the \
             comment on line 4"
        ),
        "{all:#?}"
    );
}

#[test]
fn a_syntax_error_with_comments_nearby_stays_where_it_is() {
    // A trailing comment whose next line starts left of it, a keyword under a comment, and
    // a real slip later: the error is the slip.
    let text = "OK-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
okValue OBJECT-TYPE
    SYNTAX INTEGER { a(1), -- the first
                     b(2) }
    -- access
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"v\"
    ::= { enterprises 1 ]
END";
    let all = lines(&compile(&[("OK-MIB.txt", text)]), "OK-MIB");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0].starts_with("OK-MIB.txt:10:25: error[syntax-error]: expected"),
        "{all:#?}"
    );
    assert!(!all[0].contains("comment"), "{all:#?}");
}

#[test]
fn a_quote_inside_a_text_is_named() {
    let text = "Q-MIB DEFINITIONS ::= BEGIN
IMPORTS NOTIFICATION-TYPE, enterprises FROM SNMPv2-SMI;
qEvent NOTIFICATION-TYPE
    STATUS current
    DESCRIPTION \"access denied by the \".snapshots\" restriction\"
    ::= { enterprises 1 }
END";
    let all = lines(&compile(&[("Q-MIB.txt", text)]), "Q-MIB");
    assert!(
        all[0].starts_with(
            "Q-MIB.txt:5:40: error[syntax-error]: expected a clause of NOTIFICATION-TYPE or \
             '::=', found '.' (the quoted text opened at 5:17 ends at the '\"' just before \
             this; a '\"' inside a text is written twice (\"\"), or the text ends there)"
        ),
        "{all:#?}"
    );
}

#[test]
fn sequence_of_a_builtin_type_is_read_and_named() {
    let text = "S-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
sList OBJECT-TYPE
    SYNTAX SEQUENCE OF INTEGER { up(1), down(2) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"l\"
    ::= { enterprises 1 }
sNext OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"n\"
    ::= { enterprises 2 }
END";
    let mib = compile(&[("S-MIB.txt", text)]);
    let all = lines(&mib, "S-MIB");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0].starts_with(
            "S-MIB.txt:4:12: warning[sequence-of-builtin]: SEQUENCE OF INTEGER { up(1), down(2) \
             }: a table's SYNTAX names its row type"
        ),
        "{all:#?}"
    );
    assert_eq!(
        mib.resolve("S-MIB::sNext").unwrap().oid.to_string(),
        ".1.3.6.1.4.1.2"
    );
}

#[test]
fn files_without_a_module_are_noted_for_what_they_are() {
    let mut c = Compiler::default();
    c.add_source(
        "USER-MIB.txt",
        "USER-MIB DEFINITIONS ::= BEGIN
IMPORTS acme FROM ACME-SMI;
u OBJECT IDENTIFIER ::= { acme 1 }
END"
        .as_bytes(),
    );
    for (path, bytes) in [
        ("mibs/ACME-SMI.my", &b""[..]),
        (
            "mibs/EXTRA-MIB.mib",
            b"<!DOCTYPE html><html>Not Found</html>",
        ),
        ("mibs/README", b"Vendor MIBs, see the web site."),
    ] {
        c.skip_source(path, NotAMib::of(bytes));
    }
    c.request("USER-MIB");
    c.request("EXTRA-MIB");
    for m in c.wanted() {
        c.not_found(&m);
    }
    let mib = c.finish();
    let all: Vec<String> = mib.diagnostics().iter().map(ToString::to_string).collect();
    for want in [
        "mibs/ACME-SMI.my: note[no-module]: not loaded: an empty file, no MIB module in it (a \
         copy or download that failed? fetch the MIB again)",
        "mibs/EXTRA-MIB.mib: note[no-module]: not loaded: an HTML page, not a MIB (a web page \
         saved instead of the MIB? download the raw MIB text)",
        "mibs/README: note[no-module]: not loaded: text without a MIB module (no 'NAME \
         DEFINITIONS ::= BEGIN' in it)",
        "USER-MIB.txt:2:9: error[import-module-missing]: Cannot find module (ACME-SMI) imported \
         here: no file in the MIB directories defines it (mibs/ACME-SMI.my is named after it, \
         but is an empty file, no MIB module in it)",
        "<request>: error[module-not-found]: Cannot find module (EXTRA-MIB): no file in the MIB \
         directories defines it (mibs/EXTRA-MIB.mib is named after it, but is an HTML page, not \
         a MIB)",
    ] {
        assert!(all.iter().any(|d| d == want), "{want}\n not in {all:#?}");
    }
    // A file given to the compiler itself that holds no module is an error saying what it is.
    let mut c = Compiler::default();
    c.add_source("gz.my", b"\x1f\x8b\x08\0");
    c.request_all();
    let mib = c.finish();
    let all: Vec<String> = mib.diagnostics().iter().map(ToString::to_string).collect();
    assert!(
        all.contains(
            &"gz.my: error[no-module]: no MIB module in this file: a gzip-compressed file, not \
              MIB text (unpack it into the MIB directory)"
                .to_string()
        ),
        "{all:#?}"
    );
}
