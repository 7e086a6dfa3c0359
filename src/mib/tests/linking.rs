//! The resolver linking SMIv2 and SMIv1 constructs (OBJECT-TYPE, textual conventions, tables
//! and indexes, notifications, conformance, TRAP-TYPE) into definitions and the OID tree, and
//! refusing OID cycles.

use super::*;

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
fn oid_cycles_are_reported() {
    let text = "C-MIB DEFINITIONS ::= BEGIN
a OBJECT IDENTIFIER ::= { b 1 }
b OBJECT IDENTIFIER ::= { a 1 }
END";
    let mib = compile(&[("C-MIB", text)]);
    assert!(codes(&mib, "C-MIB").contains(&(Severity::Error, "oid-cycle")));
    assert!(mib.resolve("a").is_err());
}
