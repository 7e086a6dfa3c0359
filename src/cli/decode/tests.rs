//! `decode` on v1/v2c messages: the hex input forms, a Net-SNMP `-d` dump, the community
//! hidden unless asked, BER deviations and garbage explained.

use super::*;

#[test]
fn hex_input_forms() {
    let want = Some(vec![0x30, 0x29, 0x02, 0x01]);
    assert_eq!(parse_hex_dump("30 29 02 01"), want);
    assert_eq!(parse_hex_dump("30290201"), want);
    assert_eq!(parse_hex_dump("0x30,0x29,0x02,0x01"), want);
    assert_eq!(
        parse_hex_dump("0000: 30 29 02 01                                        0)..\n"),
        want
    );
    assert_eq!(parse_hex_dump("not hex"), None);
    assert_eq!(parse_hex_dump("302"), None);
}

#[test]
fn net_snmp_dump_decodes() {
    // `snmpget -d` output of Net-SNMP 5.9.3 (sysName.0 request).
    let dump = "0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...\n\
                0016: 04 27 B5 DA  0D 02 01 00  02 01 00 30  0E 30 0C 06    .'.........0.0..\n\
                0032: 08 2B 06 01  02 01 01 05  00 05 00                    .+.........\n";
    let bytes = parse_hex_dump(dump).unwrap();
    assert_eq!(bytes.len(), 43);
    let (report, ok) = describe(&bytes, false);
    assert!(ok);
    assert!(report.contains("SNMPv2c message, 43 bytes"), "{report}");
    assert!(report.contains("PDU: GetRequest"), "{report}");
    assert!(report.contains("request-id: 666229261"), "{report}");
    assert!(report.contains(".1.3.6.1.2.1.1.5.0 = NULL"), "{report}");
    assert!(
        report.contains("Strict decoder (rasn-snmp): accepted"),
        "{report}"
    );
    assert!(!report.contains("public"), "community shown: {report}");
    assert!(describe(&bytes, true).0.contains("\"public\""));
}

#[test]
fn quirks_and_garbage_are_explained() {
    let quirky = parse_hex_dump(
        "30 2c 02 01 01 04 06 70 75 62 6c 69 63 a2 1f 02 01 01 02 01 00 02 01 00 30 14 30 12 06 0a
         2b 06 01 02 01 02 02 01 0a 01 41 04 ff ff ff ff",
    )
    .unwrap();
    let (report, ok) = describe(&quirky, false);
    assert!(ok);
    assert!(
        report.contains("unsigned value with its top bit set"),
        "{report}"
    );
    assert!(report.contains("Counter32: 4294967295"), "{report}");
    assert!(report.contains("rejected"), "{report}");
    let (report, ok) = describe(&quirky[..20], false);
    assert!(!ok);
    assert!(report.contains("truncated"), "{report}");
}
