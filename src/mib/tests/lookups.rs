//! Lookups in the compiled tree: names, MODULE::name, suffixes, OIDs and paths resolved, string
//! indexes encoded, OIDs named in Net-SNMP's styles, the renderer's view of an OID, and fuzzy
//! search.

use super::*;

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
