//! The resolver's named relaxations: each vendor mistake warns when lenient and fails when
//! strict, with the file, line and column and a hint where the symbol is defined.

use super::*;

/// A module with one vendor mistake: what lenient and strict make of it.
pub(super) struct Case {
    name: &'static str,
    pub(super) text: &'static str,
    code: &'static str,
    /// The object that must still resolve in lenient mode.
    object: &'static str,
}

pub(super) const CASES: &[Case] = &[
    Case {
        name: "trailing comma in IMPORTS",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises, FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "trailing-comma",
        object: "rObj",
    },
    Case {
        name: "uppercase value name",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
RObj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "uppercase-value-name",
        object: "RObj",
    },
    Case {
        name: "missing import of a well-known symbol",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "missing-import",
        object: "rObj",
    },
    Case {
        name: "unknown TC name",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX NoSuchType
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "unknown-type",
        object: "rObj",
    },
    Case {
        name: "SMIv1 ACCESS in an SMIv2 module",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX Integer32
    ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "smi-mixed",
        object: "rObj",
    },
    Case {
        name: "underscore in a name",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
r_obj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "underscore-in-name",
        object: "r_obj",
    },
    Case {
        name: "symbol imported from the wrong module",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises, DisplayString FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX DisplayString
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "import-from-wrong-module",
        object: "rObj",
    },
    Case {
        name: "missing END",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
",
        code: "missing-end",
        object: "rObj",
    },
    Case {
        name: "missing DESCRIPTION",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    ::= { enterprises 1 }
END",
        code: "missing-clause",
        object: "rObj",
    },
    Case {
        name: "stray byte",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 } @
END",
        code: "stray-character",
        object: "rObj",
    },
    Case {
        name: "IMPORTS without semicolon",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "missing-semicolon",
        object: "rObj",
    },
    Case {
        name: "name defined twice",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
rObj OBJECT IDENTIFIER ::= { enterprises 2 }
END",
        code: "duplicate-definition",
        object: "rObj",
    },
    Case {
        name: "unknown status keyword",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS currrent
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "unknown-keyword-value",
        object: "rObj",
    },
    Case {
        name: "trailing comma in an enumeration",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX INTEGER { a(1), b(2), }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "trailing-comma",
        object: "rObj",
    },
    Case {
        name: "enumeration without commas",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX INTEGER { a(1) b(2) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "missing-comma",
        object: "rObj",
    },
    Case {
        name: "enumeration label starting with a digit",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
rObj OBJECT-TYPE
    SYNTAX INTEGER { ieee80211b(1), 80211g(2) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
END",
        code: "digit-leading-name",
        object: "rObj",
    },
    Case {
        name: "keyword in IMPORTS",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS BITS, enterprises FROM SNMPv2-SMI;
rObj OBJECT IDENTIFIER ::= { enterprises 1 }
END",
        code: "keyword-imported",
        object: "rObj",
    },
    Case {
        name: "SEQUENCE OF a built-in type",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
rList OBJECT-TYPE
    SYNTAX SEQUENCE OF OCTET STRING (SIZE (0..8))
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
rObj OBJECT-TYPE
    SYNTAX INTEGER
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 2 }
END",
        code: "sequence-of-builtin",
        object: "rObj",
    },
    Case {
        name: "SEQUENCE OF a type that is not a row",
        text: "R-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
rList OBJECT-TYPE
    SYNTAX SEQUENCE OF Integer32
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION \"x\"
    ::= { enterprises 1 }
rObj OBJECT IDENTIFIER ::= { enterprises 2 }
END",
        code: "sequence-of-builtin",
        object: "rObj",
    },
];

#[test]
fn each_relaxation_warns_when_lenient_and_fails_when_strict() {
    for case in CASES {
        let mib = compile(&[("R-MIB.txt", case.text)]);
        let found = codes(&mib, "R-MIB");
        assert!(
            found.contains(&(Severity::Warning, case.code)),
            "{}: expected warning {}, got {found:?}",
            case.name,
            case.code
        );
        assert!(
            found.iter().all(|(s, _)| *s != Severity::Error),
            "{}: lenient mode must not fail: {found:?}",
            case.name
        );
        assert_eq!(
            status(&mib, "R-MIB"),
            ModuleStatus::LoadedWithWarnings,
            "{}",
            case.name
        );
        assert!(
            mib.resolve(case.object).is_ok(),
            "{}: {} must resolve",
            case.name,
            case.object
        );

        let strict = compile_with(CompileOptions::strict(), &[("R-MIB.txt", case.text)]);
        let found = codes(&strict, "R-MIB");
        assert!(
            found.contains(&(Severity::Error, case.code)),
            "{}: strict must report error {}, got {found:?}",
            case.name,
            case.code
        );
        assert_eq!(
            status(&strict, "R-MIB"),
            ModuleStatus::Failed,
            "{}",
            case.name
        );
        assert!(
            strict.find_in_module("R-MIB", case.object).is_none()
                || strict.resolve(&format!("R-MIB::{}", case.object)).is_err(),
            "{}: strict mode leaves failed modules out of the tree",
            case.name
        );
    }
}

#[test]
fn warnings_name_file_line_and_column() {
    let mib = compile(&[("R-MIB.txt", CASES[2].text)]);
    let d = mib
        .module_diagnostics("R-MIB")
        .find(|d| d.code.as_str() == "missing-import")
        .unwrap();
    assert_eq!(&*d.file, "R-MIB.txt");
    assert_eq!(d.pos.line, 3);
    let hint = d.hint.as_deref().unwrap();
    assert!(
        hint.contains("enterprises is defined in module SNMPv2-SMI"),
        "{hint}"
    );
}

#[test]
fn wrong_import_gives_where_defined_hint() {
    let mib = compile(&[("R-MIB.txt", CASES[6].text)]);
    let d = mib
        .module_diagnostics("R-MIB")
        .find(|d| d.code.as_str() == "import-from-wrong-module")
        .unwrap();
    let hint = d.hint.as_deref().unwrap();
    assert!(
        hint.starts_with("DisplayString is defined in module SNMPv2-TC (<builtin>/SNMPv2-TC.txt:"),
        "{hint}"
    );
}
