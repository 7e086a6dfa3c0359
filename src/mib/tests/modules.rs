//! Which modules the compiler loads and from where: the modules asked for and those they
//! import, missing modules with a hint where the symbol lives, obsolete module names, files
//! without a module, duplicate and built-in modules.

use super::*;

#[test]
fn obsolete_module_names_are_redirected() {
    let user = "OLDUSER-MIB DEFINITIONS ::= BEGIN
IMPORTS sysDescr FROM RFC-1213;
u OBJECT IDENTIFIER ::= { sysDescr 9 }
END";
    let mut c = Compiler::default();
    c.add_source("OLDUSER-MIB", user.as_bytes());
    c.request("OLDUSER-MIB");
    assert_eq!(c.wanted(), ["RFC-1213"]);
    c.not_found("RFC-1213");
    // The successor is asked for once the old name is not found.
    assert_eq!(c.wanted(), ["RFC1213-MIB"]);
    c.add_source("RFC1213-MIB.txt", RFC1213_PART.as_bytes());
    assert!(c.wanted().is_empty());
    let mib = c.finish();
    assert_eq!(oid(&mib, "u"), ".1.3.6.1.2.1.1.1.9");
    assert_eq!(
        codes(&mib, "OLDUSER-MIB"),
        [(Severity::Warning, "obsolete-module-name")]
    );
    assert_eq!(status(&mib, "RFC-1213"), ModuleStatus::Missing);
}

#[test]
fn missing_module_is_reported_with_a_hint_where_the_symbol_lives() {
    let other = "OTHER-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
acme OBJECT IDENTIFIER ::= { enterprises 7 }
END";
    let user = "USER-MIB DEFINITIONS ::= BEGIN
IMPORTS acme FROM ACME-SMI
        wanted FROM NOWHERE-MIB;
u OBJECT IDENTIFIER ::= { acme 1 }
w OBJECT IDENTIFIER ::= { wanted 1 }
v OBJECT IDENTIFIER ::= { u 2 }
END";
    let mib = compile(&[("OTHER-MIB.txt", other), ("USER-MIB.txt", user)]);
    assert_eq!(status(&mib, "ACME-SMI"), ModuleStatus::Missing);
    assert_eq!(status(&mib, "NOWHERE-MIB"), ModuleStatus::Missing);
    assert_eq!(status(&mib, "USER-MIB"), ModuleStatus::Failed);
    // The symbol exists in another loaded module: it is still found.
    assert_eq!(oid(&mib, "v"), ".1.3.6.1.4.1.7.1.2");
    let diags: Vec<String> = mib
        .module_diagnostics("USER-MIB")
        .map(ToString::to_string)
        .collect();
    assert!(
        diags.iter().any(|d| d.starts_with(
            "USER-MIB.txt:2:9: error[import-module-missing]: Cannot find module (ACME-SMI)"
        )),
        "{diags:#?}"
    );
    assert!(
        diags.iter().any(|d| d.contains("error[unresolved-oid]")
            && d.contains("'wanted' comes from module NOWHERE-MIB, which was not found")),
        "{diags:#?}"
    );
    assert!(mib.resolve("w").is_err());
}

#[test]
fn file_without_module_and_duplicate_modules() {
    let mut c = Compiler::default();
    c.add_source("README", b"This directory holds MIBs.");
    c.add_source("a/EX-MIB.txt", V2_MIB.as_bytes());
    c.add_source("b/EX-MIB.my", V2_MIB.replace("99999", "88888").as_bytes());
    c.add_source("SNMPv2-SMI.my", b"SNMPv2-SMI DEFINITIONS ::= BEGIN END");
    c.request_all();
    let mib = c.finish();
    assert!(
        mib.diagnostics()
            .iter()
            .any(|d| &*d.file == "README" && d.code == Code::NoModule)
    );
    // The first copy wins, the second is noted.
    assert_eq!(oid(&mib, "exMIB"), ".1.3.6.1.4.1.99999");
    let notes: Vec<String> = mib
        .module_diagnostics("EX-MIB")
        .map(ToString::to_string)
        .collect();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0].contains("note[duplicate-module]: module EX-MIB is also defined in b/EX-MIB.my; using the one in a/EX-MIB.txt"));
    assert_eq!(
        mib.module_file(mib.module_id("EX-MIB").unwrap()),
        Some("a/EX-MIB.txt")
    );
    // Base modules are built in; a file copy is not used.
    assert!(
        mib.module_diagnostics("SNMPv2-SMI")
            .any(|d| d.code == Code::BuiltinShadowed)
    );
    assert_eq!(oid(&mib, "SNMPv2-SMI::mib-2"), ".1.3.6.1.2.1");
}

#[test]
fn compiler_asks_for_imported_modules() {
    let mut c = Compiler::default();
    c.add_source(
        "USER-MIB",
        b"USER-MIB DEFINITIONS ::= BEGIN IMPORTS acme FROM ACME-SMI; u OBJECT IDENTIFIER ::= { acme 1 } END",
    );
    c.request("USER-MIB");
    assert_eq!(c.wanted(), ["ACME-SMI"]);
    c.add_source(
        "ACME-SMI",
        b"ACME-SMI DEFINITIONS ::= BEGIN IMPORTS enterprises FROM SNMPv2-SMI; acme OBJECT IDENTIFIER ::= { enterprises 5 } END",
    );
    assert!(c.wanted().is_empty());
    c.request("NOT-THERE");
    assert_eq!(c.wanted(), ["NOT-THERE"]);
    c.not_found("NOT-THERE");
    assert!(c.wanted().is_empty());
    let mib = c.finish();
    assert_eq!(oid(&mib, "u"), ".1.3.6.1.4.1.5.1");
    assert!(
        mib.diagnostics()
            .iter()
            .any(|d| d.code == Code::ModuleNotFound)
    );
}

#[test]
fn unrequested_modules_are_left_out() {
    let mut c = Compiler::default();
    c.add_source("EX-MIB.txt", V2_MIB.as_bytes());
    c.add_source("RFC1213-MIB.txt", RFC1213_PART.as_bytes());
    c.request("RFC1213-MIB");
    let mib = c.finish();
    assert!(mib.module_id("RFC1213-MIB").is_some());
    assert!(mib.module_id("EX-MIB").is_none());
    assert!(mib.resolve("exName").is_err());
}
