//! Tests of the MIB compiler with tiny inline MIBs, one per construct and per relaxation.

use super::*;

fn compile_with(options: CompileOptions, sources: &[(&str, &str)]) -> Mib {
    let mut c = Compiler::new(options);
    for (path, text) in sources {
        c.add_source(path, text.as_bytes());
    }
    c.request_all();
    c.finish()
}

fn compile(sources: &[(&str, &str)]) -> Mib {
    compile_with(CompileOptions::default(), sources)
}

fn oid(mib: &Mib, name: &str) -> String {
    match mib.resolve(name) {
        Ok(r) => r.oid.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

fn codes(mib: &Mib, module: &str) -> Vec<(Severity, &'static str)> {
    mib.module_diagnostics(module)
        .map(|d| (d.severity, d.code.as_str()))
        .collect()
}

fn status(mib: &Mib, module: &str) -> ModuleStatus {
    mib.module_id(module)
        .and_then(|m| mib.module_status(m))
        .unwrap_or(ModuleStatus::Missing)
}

const V2_MIB: &str = r#"
EX-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, OBJECT-IDENTITY, NOTIFICATION-TYPE,
    Integer32, Counter64, enterprises
        FROM SNMPv2-SMI
    TEXTUAL-CONVENTION, DisplayString, RowStatus
        FROM SNMPv2-TC
    MODULE-COMPLIANCE, OBJECT-GROUP, NOTIFICATION-GROUP, AGENT-CAPABILITIES
        FROM SNMPv2-CONF;

exMIB MODULE-IDENTITY
    LAST-UPDATED "202401010000Z"
    ORGANIZATION "Example"
    CONTACT-INFO "nobody"
    DESCRIPTION  "An example module."
    REVISION     "202401010000Z"
    DESCRIPTION  "First version."
    ::= { enterprises 99999 }

exObjects OBJECT-IDENTITY
    STATUS current
    DESCRIPTION "Objects."
    ::= { exMIB 1 }

ExName ::= TEXTUAL-CONVENTION
    DISPLAY-HINT "255a"
    STATUS current
    DESCRIPTION "A name."
    SYNTAX OCTET STRING (SIZE (0..32))

ExShortName ::= TEXTUAL-CONVENTION
    STATUS current
    DESCRIPTION "A shorter name."
    SYNTAX ExName (SIZE (0..8))

exCount OBJECT-TYPE
    SYNTAX Counter64
    UNITS "packets"
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "A ""quoted"" counter."
    ::= { exObjects 1 }

exTable OBJECT-TYPE
    SYNTAX SEQUENCE OF ExEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "A table."
    ::= { exObjects 2 }

exEntry OBJECT-TYPE
    SYNTAX ExEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "A row."
    INDEX { exIndex, IMPLIED exName }
    ::= { exTable 1 }

ExEntry ::= SEQUENCE {
    exIndex Integer32,
    exName ExShortName,
    exState INTEGER,
    exFlags BITS,
    exRowStatus RowStatus
}

exIndex OBJECT-TYPE
    SYNTAX Integer32 (1..100)
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Index."
    ::= { exEntry 1 }

exName OBJECT-TYPE
    SYNTAX ExShortName
    MAX-ACCESS read-create
    STATUS current
    DESCRIPTION "Name."
    ::= { exEntry 2 }

exState OBJECT-TYPE
    SYNTAX INTEGER { up(1), down(2), testing(-3) }
    MAX-ACCESS read-create
    STATUS current
    DESCRIPTION "State."
    DEFVAL { up }
    ::= { exEntry 3 }

exFlags OBJECT-TYPE
    SYNTAX BITS { red(0), green(1), blue(2) }
    MAX-ACCESS read-create
    STATUS current
    DESCRIPTION "Flags."
    DEFVAL { { red, blue } }
    ::= { exEntry 4 }

exRowStatus OBJECT-TYPE
    SYNTAX RowStatus
    MAX-ACCESS read-create
    STATUS current
    DESCRIPTION "Row status."
    ::= { exEntry 5 }

exLabel OBJECT-TYPE
    SYNTAX DisplayString (SIZE (0..64))
    MAX-ACCESS read-write
    STATUS current
    DESCRIPTION "Label."
    REFERENCE "RFC 0000"
    DEFVAL { "none" }
    ::= { exObjects 3 }

exNotifications OBJECT IDENTIFIER ::= { exMIB 2 }

exAlarm NOTIFICATION-TYPE
    OBJECTS { exState, exName }
    STATUS current
    DESCRIPTION "Alarm."
    ::= { exNotifications 0 1 }

exConformance OBJECT IDENTIFIER ::= { exMIB 3 }

exGroup OBJECT-GROUP
    OBJECTS { exCount, exName, exState, exFlags, exRowStatus, exLabel }
    STATUS current
    DESCRIPTION "Objects."
    ::= { exConformance 1 }

exNotifyGroup NOTIFICATION-GROUP
    NOTIFICATIONS { exAlarm }
    STATUS current
    DESCRIPTION "Notifications."
    ::= { exConformance 2 }

exCompliance MODULE-COMPLIANCE
    STATUS current
    DESCRIPTION "Compliance."
    MODULE -- this module
        MANDATORY-GROUPS { exGroup }
        GROUP exNotifyGroup
        DESCRIPTION "Optional."
        OBJECT exLabel
        SYNTAX DisplayString (SIZE (0..32))
        MIN-ACCESS read-only
        DESCRIPTION "Read-only is fine."
    ::= { exConformance 3 }

exCaps AGENT-CAPABILITIES
    PRODUCT-RELEASE "Example agent 1.0"
    STATUS current
    DESCRIPTION "Capabilities."
    SUPPORTS EX-MIB
        INCLUDES { exGroup }
        VARIATION exLabel
            ACCESS read-only
            DESCRIPTION "Cannot be set."
    ::= { exConformance 4 }

END
"#;

#[test]
fn smiv2_constructs_compile_and_link() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    assert_eq!(codes(&mib, "EX-MIB"), vec![]);
    assert_eq!(status(&mib, "EX-MIB"), ModuleStatus::Loaded);
    assert_eq!(oid(&mib, "EX-MIB::exMIB"), ".1.3.6.1.4.1.99999");
    assert_eq!(oid(&mib, "exCount"), ".1.3.6.1.4.1.99999.1.1");
    assert_eq!(oid(&mib, "exRowStatus"), ".1.3.6.1.4.1.99999.1.2.1.5");
    assert_eq!(oid(&mib, "exAlarm"), ".1.3.6.1.4.1.99999.2.0.1");
    assert_eq!(oid(&mib, "exCaps"), ".1.3.6.1.4.1.99999.3.4");

    let count = mib.def(mib.find("exCount").unwrap());
    assert_eq!(count.kind(), DefKind::ObjectType);
    assert_eq!(count.units(), Some("packets"));
    assert_eq!(count.access(), Some(Access::ReadOnly));
    assert_eq!(count.status(), Some(Status::Current));
    assert_eq!(
        count.description().as_deref(),
        Some("A \"quoted\" counter.")
    );
    assert_eq!(count.syntax().unwrap().base, BaseType::Counter64);
    assert_eq!(count.object_class(), ObjectClass::Scalar);

    // A TC chain: exName -> ExShortName -> ExName -> OCTET STRING.
    let name = mib.def(mib.find("exName").unwrap());
    let t = name.syntax().unwrap();
    assert_eq!(t.base, BaseType::OctetString);
    assert_eq!(t.type_name, Some("ExShortName"));
    assert_eq!(t.tc.unwrap().name(), "ExShortName");
    assert_eq!(t.display_hint, Some("255a"));
    assert_eq!(t.constraint, ConstraintKind::Size);
    assert_eq!(t.ranges, &[Range { lo: 0, hi: 8 }]);
    assert_eq!(name.object_class(), ObjectClass::Column);

    let state = mib.def(mib.find("exState").unwrap());
    let t = state.syntax().unwrap();
    assert!(t.is_enum());
    assert_eq!(t.label_of(-3), Some("testing"));
    assert_eq!(t.value_of("down"), Some(2));
    assert_eq!(state.defval().as_deref(), Some("up"));

    let flags = mib.def(mib.find("exFlags").unwrap());
    let t = flags.syntax().unwrap();
    assert_eq!(t.base, BaseType::Bits);
    assert_eq!(
        t.named_numbers().collect::<Vec<_>>(),
        [("red", 0), ("green", 1), ("blue", 2)]
    );
    assert_eq!(flags.defval().as_deref(), Some("{ red, blue }"));

    // RowStatus comes from the built-in SNMPv2-TC, with its enumeration.
    let rs = mib.def(mib.find("exRowStatus").unwrap()).syntax().unwrap();
    assert_eq!(rs.type_name, Some("RowStatus"));
    assert_eq!(rs.label_of(4), Some("createAndGo"));
    assert_eq!(rs.tc.unwrap().module_name(), "SNMPv2-TC");

    // DisplayString refined by the object.
    let label = mib.def(mib.find("exLabel").unwrap());
    let t = label.syntax().unwrap();
    assert_eq!(t.display_hint, Some("255a"));
    assert_eq!(t.ranges, &[Range { lo: 0, hi: 64 }]);
    assert_eq!(label.defval().as_deref(), Some("\"none\""));
    assert!(label.reference_ref().is_some());

    let row = mib.def(mib.find("exEntry").unwrap());
    assert_eq!(row.object_class(), ObjectClass::Row);
    let index = row.index();
    assert_eq!(index.len(), 2);
    assert_eq!(index[0].name, "exIndex");
    assert!(!index[0].implied);
    assert_eq!(
        index[0].object.unwrap().syntax().unwrap().ranges,
        &[Range { lo: 1, hi: 100 }]
    );
    assert!(index[1].implied);
    assert_eq!(index[1].object.unwrap().name(), "exName");
    assert_eq!(
        mib.def(mib.find("exTable").unwrap()).object_class(),
        ObjectClass::Table
    );

    let alarm = mib.def(mib.find("exAlarm").unwrap());
    let objects: Vec<&str> = alarm
        .objects()
        .map(|(n, d)| {
            assert!(d.is_some());
            n
        })
        .collect();
    assert_eq!(objects, ["exState", "exName"]);

    let compliance = mib.def(mib.find("exCompliance").unwrap());
    let groups: Vec<&str> = compliance.objects().map(|(n, _)| n).collect();
    assert_eq!(groups, ["exGroup", "exNotifyGroup"]);
    let caps = mib.def(mib.find("exCaps").unwrap());
    assert_eq!(
        caps.objects().map(|(n, _)| n).collect::<Vec<_>>(),
        ["exGroup"]
    );

    let info = mib.module_info(mib.module_id("EX-MIB").unwrap()).unwrap();
    assert_eq!(info.language, "SMIv2");
    assert_eq!(info.last_updated.as_deref(), Some("202401010000Z"));
}

const V1_MIB: &str = r#"
OLD-MIB DEFINITIONS ::= BEGIN
IMPORTS
    enterprises, Counter, IpAddress FROM RFC1155-SMI
    OBJECT-TYPE FROM RFC-1212
    TRAP-TYPE FROM RFC-1215
    DisplayString FROM RFC1213-MIB;

old OBJECT IDENTIFIER ::= { enterprises 4242 }

oldPackets OBJECT-TYPE
    SYNTAX Counter
    ACCESS read-only
    STATUS mandatory
    ::= { old 1 }

oldTable OBJECT-TYPE
    SYNTAX SEQUENCE OF OldEntry
    ACCESS not-accessible
    STATUS mandatory
    ::= { old 2 }

oldEntry OBJECT-TYPE
    SYNTAX OldEntry
    ACCESS not-accessible
    STATUS mandatory
    INDEX { oldAddr, INTEGER }
    ::= { oldTable 1 }

OldEntry ::= SEQUENCE { oldAddr IpAddress }

oldAddr OBJECT-TYPE
    SYNTAX IpAddress
    ACCESS read-only
    STATUS mandatory
    DESCRIPTION "An address."
    ::= { oldEntry 1 }

oldTrap TRAP-TYPE
    ENTERPRISE old
    VARIABLES { oldPackets }
    DESCRIPTION "Something happened."
    ::= 7

END
"#;

const RFC1213_PART: &str = r#"
RFC1213-MIB DEFINITIONS ::= BEGIN
IMPORTS mgmt, OBJECT-TYPE FROM RFC1155-SMI;
mib-2 OBJECT IDENTIFIER ::= { mgmt 1 }
DisplayString ::= OCTET STRING
PhysAddress ::= OCTET STRING
system OBJECT IDENTIFIER ::= { mib-2 1 }
sysDescr OBJECT-TYPE
    SYNTAX DisplayString (SIZE (0..255))
    ACCESS read-only
    STATUS mandatory
    DESCRIPTION "A description."
    ::= { system 1 }
END
"#;

#[test]
fn smiv1_constructs_compile_and_link() {
    let mib = compile(&[("OLD-MIB", V1_MIB), ("RFC1213-MIB.txt", RFC1213_PART)]);
    assert_eq!(codes(&mib, "OLD-MIB"), vec![]);
    assert_eq!(codes(&mib, "RFC1213-MIB"), vec![]);
    let info = mib.module_info(mib.module_id("OLD-MIB").unwrap()).unwrap();
    assert_eq!(info.language, "SMIv1");
    assert_eq!(oid(&mib, "oldPackets"), ".1.3.6.1.4.1.4242.1");
    // RFC 1215 traps live at ENTERPRISE.0.number.
    assert_eq!(oid(&mib, "oldTrap"), ".1.3.6.1.4.1.4242.0.7");
    let trap = mib.def(mib.find("oldTrap").unwrap());
    assert_eq!(trap.kind(), DefKind::TrapType);
    assert_eq!(
        trap.objects().map(|(n, _)| n).collect::<Vec<_>>(),
        ["oldPackets"]
    );
    let p = mib.def(mib.find("oldPackets").unwrap());
    assert_eq!(p.syntax().unwrap().base, BaseType::Counter32);
    assert_eq!(p.status(), Some(Status::Mandatory));
    let a = mib.def(mib.find("oldAddr").unwrap());
    assert_eq!(a.syntax().unwrap().base, BaseType::IpAddress);
    assert_eq!(a.object_class(), ObjectClass::Column);
    // SMIv1 may index by a bare type.
    let index = mib.def(mib.find("oldEntry").unwrap()).index();
    assert_eq!(index.len(), 2);
    assert_eq!(index[1].name, "INTEGER");
    assert!(index[1].object.is_none());
    assert_eq!(oid(&mib, "sysDescr.0"), ".1.3.6.1.2.1.1.1.0");
}

#[test]
fn lookups_by_name_module_suffix_oid_and_path() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB), ("RFC1213-MIB.txt", RFC1213_PART)]);
    assert_eq!(
        oid(&mib, "EX-MIB::exName.3.1.2"),
        ".1.3.6.1.4.1.99999.1.2.1.2.3.1.2"
    );
    assert_eq!(oid(&mib, "exName.3"), ".1.3.6.1.4.1.99999.1.2.1.2.3");
    assert_eq!(
        oid(&mib, ".1.3.6.1.4.1.99999.1.1"),
        ".1.3.6.1.4.1.99999.1.1"
    );
    assert_eq!(
        oid(&mib, "1.3.6.1.4.1.99999.1.1.0"),
        ".1.3.6.1.4.1.99999.1.1.0"
    );
    assert_eq!(oid(&mib, ".iso.org.dod.internet.private"), ".1.3.6.1.4");
    assert_eq!(oid(&mib, "iso.3.6.1.2.1.1.1.0"), ".1.3.6.1.2.1.1.1.0");
    assert_eq!(oid(&mib, "system.sysDescr.0"), ".1.3.6.1.2.1.1.1.0");
    assert_eq!(oid(&mib, "SNMPv2-SMI::enterprises"), ".1.3.6.1.4.1");
    assert!(matches!(
        mib.resolve("nothingLikeThis"),
        Err(LookupError::UnknownName(_))
    ));
    assert!(matches!(
        mib.resolve("NOPE-MIB::exName"),
        Err(LookupError::UnknownModule { .. })
    ));
    assert!(matches!(
        mib.resolve("SNMPv2-SMI::exName"),
        Err(LookupError::NotInModule { .. })
    ));
    assert!(mib.resolve("exName.x").is_err());
    assert!(mib.resolve("").is_err());

    // OID to node: longest prefix, the rest is the index.
    let o: crate::proto::Oid = ".1.3.6.1.4.1.99999.1.2.1.2.3.1.2".parse().unwrap();
    let (node, depth) = mib.lookup_oid(&o);
    let n = mib.node(node);
    assert_eq!(n.name(), "exName");
    assert_eq!(n.module_name(), Some("EX-MIB"));
    assert_eq!(&o.arcs()[depth..], &[3, 1, 2]);
    assert_eq!(mib.node_at(&n.oid()), Some(node));

    // The tree is stored in OID order.
    let oids: Vec<crate::proto::Oid> = mib.walk().map(|n| n.oid()).collect();
    assert!(oids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(mib.node(mib.root()).child_count(), 3);
    // name(number) labels from RFC1155-SMI's { iso org(3) dod(6) 1 } exist too.
    assert!(mib.walk().any(|n| n.name() == "dod"));
}

#[test]
fn search_finds_names_fuzzily() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    let hits = mib.search("exrow", 5);
    assert_eq!(mib.def(hits[0].def).name(), "exRowStatus");
    let hits = mib.search("exname", 5);
    assert_eq!(mib.def(hits[0].def).name(), "exName");
    let hits = mib.search_with("cannot be", 5, Some(&|r| mib.text(r)));
    assert!(
        hits.is_empty(),
        "capability variation descriptions are not objects"
    );
    let hits = mib.search_with("quoted counter", 5, Some(&|r| mib.text(r)));
    assert_eq!(mib.def(hits[0].def).name(), "exCount");
    assert!(hits[0].in_description);
}

/// A module with one vendor mistake: what lenient and strict make of it.
struct Case {
    name: &'static str,
    text: &'static str,
    code: &'static str,
    /// The object that must still resolve in lenient mode.
    object: &'static str,
}

const CASES: &[Case] = &[
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
];

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

#[test]
fn oid_cycles_are_reported() {
    let text = "C-MIB DEFINITIONS ::= BEGIN
a OBJECT IDENTIFIER ::= { b 1 }
b OBJECT IDENTIFIER ::= { a 1 }
END";
    let mib = compile(&[("C-MIB", text)]);
    assert!(codes(&mib, "C-MIB").contains(&(Severity::Error, "oid-cycle")));
    assert!(mib.resolve("a").is_err());
}

#[test]
fn cache_round_trip_keeps_everything_users_see() {
    let mib = compile_with(
        CompileOptions {
            retain_sources: false,
            ..CompileOptions::default()
        },
        &[("EX-MIB.txt", V2_MIB), ("R-MIB.txt", CASES[2].text)],
    );
    let bytes = mib.encode();
    let back = Mib::decode(&bytes, &|_| None).unwrap();
    assert_eq!(back.encode(), bytes);
    for name in ["exName.3", "EX-MIB::exAlarm", "rObj", ".iso.org"] {
        assert_eq!(oid(&back, name), oid(&mib, name));
    }
    assert_eq!(back.diagnostics(), mib.diagnostics());
    let t = back
        .def(back.find("exRowStatus").unwrap())
        .syntax()
        .unwrap();
    assert_eq!(t.label_of(1), Some("active"));
    // Built-in descriptions come back without the files.
    let rs = t.tc.unwrap();
    assert!(
        rs.description()
            .unwrap()
            .contains("The RowStatus textual convention")
    );
    assert_eq!(
        back.module_status(back.module_id("R-MIB").unwrap()),
        Some(ModuleStatus::LoadedWithWarnings)
    );
}

#[test]
fn corrupt_cache_is_refused_never_a_panic() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    let bytes = mib.encode();
    assert!(Mib::decode(&bytes[..bytes.len() - 1], &|_| None).is_err());
    assert!(Mib::decode(b"", &|_| None).is_err());
    assert!(Mib::decode(b"MIBSCOPE-MIB\x02\0\0\0", &|_| None).is_err());
    for cut in (0..bytes.len()).step_by(97) {
        assert!(Mib::decode(&bytes[..cut], &|_| None).is_err());
    }
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert_eq!(
        Mib::decode(&flipped, &|_| None).unwrap_err(),
        cache::CacheError::Checksum
    );
    let mut version = bytes.clone();
    version[12] = 99;
    assert!(matches!(
        Mib::decode(&version, &|_| None),
        Err(cache::CacheError::Version { found: 99 })
    ));
}

#[test]
fn oids_are_named_in_net_snmp_styles() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB), ("RFC1213-MIB.txt", RFC1213_PART)]);
    let oid: crate::proto::Oid = ".1.3.6.1.4.1.99999.1.2.1.2.7.97".parse().unwrap();
    let n = mib.name_oid(&oid);
    assert_eq!(n.qualified(), "EX-MIB::exName.7.97");
    assert_eq!(n.short(), "exName.7.97");
    assert_eq!(
        n.full(),
        ".iso.org.dod.internet.private.enterprises.exMIB.exObjects.exTable.exEntry.exName.7.97"
    );
    assert_eq!(
        n.ucd(),
        "enterprises.exMIB.exObjects.exTable.exEntry.exName.7.97"
    );
    let sys: crate::proto::Oid = ".1.3.6.1.2.1.1.1.0".parse().unwrap();
    assert_eq!(mib.name_oid(&sys).ucd(), "system.sysDescr.0");
    let unknown = crate::proto::Oid::from([5, 1]);
    assert_eq!(mib.name_oid(&unknown).qualified(), ".5.1");
    // Unknown arcs under a known node stay numbers.
    let deeper: crate::proto::Oid = ".1.3.6.1.4.1.99999.77.1".parse().unwrap();
    assert_eq!(mib.name_oid(&deeper).qualified(), "EX-MIB::exMIB.77.1");
}

#[test]
fn renderer_view_of_an_oid() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    let arcs = [1, 3, 6, 1, 4, 1, 99999, 1, 2, 1, 3, 5, 97];
    let at = mib.object_at(&arcs).unwrap();
    assert_eq!(at.depth, 11);
    assert_eq!(at.label(), "exState");
    assert_eq!(at.module(), Some("EX-MIB"));
    assert!(!at.has_children());
    assert!(at.syntax().unwrap().is_enum());
    let index = at.index.unwrap();
    assert_eq!(
        index.iter().map(|p| p.name).collect::<Vec<_>>(),
        ["exIndex", "exName"]
    );
    assert!(index[1].implied);
    assert_eq!(
        index[1].object.unwrap().syntax().unwrap().type_name,
        Some("ExShortName")
    );
    assert!(mib.object_at(&[7, 7]).is_none());
}

#[test]
fn string_indexes_are_encoded_from_quotes() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    // exEntry INDEX { exIndex, IMPLIED exName }: the IMPLIED string has no length arc.
    assert_eq!(
        oid(&mib, "exState.5.\"ab\""),
        ".1.3.6.1.4.1.99999.1.2.1.3.5.97.98"
    );
    assert_eq!(
        oid(&mib, "exState.5.'a.b'"),
        ".1.3.6.1.4.1.99999.1.2.1.3.5.97.46.98"
    );
    // exIndex is an integer: a string there is refused, as Net-SNMP does.
    assert!(matches!(
        mib.resolve("exState.\"ab\""),
        Err(LookupError::NotStringIndex { .. })
    ));
}
