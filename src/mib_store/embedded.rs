//! The standard IETF/IANA and Net-SNMP MIB modules shipped in the repository's `mibs/`
//! folder (verbatim, licence texts kept), compiled into the binary so that a machine with
//! no MIB package still has names for the usual objects. They have the lowest precedence:
//! any file of the same module in a MIB directory replaces them.

/// File name and text of each shipped module (the file name is the module name plus
/// `.txt`). A test checks this list against the folder.
pub(crate) const EMBEDDED: &[(&str, &[u8])] = &[
    (
        "AGENTX-MIB.txt",
        include_bytes!("../../mibs/AGENTX-MIB.txt"),
    ),
    ("BGP4-MIB.txt", include_bytes!("../../mibs/BGP4-MIB.txt")),
    (
        "BRIDGE-MIB.txt",
        include_bytes!("../../mibs/BRIDGE-MIB.txt"),
    ),
    (
        "DIFFSERV-DSCP-TC.txt",
        include_bytes!("../../mibs/DIFFSERV-DSCP-TC.txt"),
    ),
    (
        "DISMAN-EVENT-MIB.txt",
        include_bytes!("../../mibs/DISMAN-EVENT-MIB.txt"),
    ),
    (
        "DISMAN-EXPRESSION-MIB.txt",
        include_bytes!("../../mibs/DISMAN-EXPRESSION-MIB.txt"),
    ),
    (
        "DISMAN-NSLOOKUP-MIB.txt",
        include_bytes!("../../mibs/DISMAN-NSLOOKUP-MIB.txt"),
    ),
    (
        "DISMAN-PING-MIB.txt",
        include_bytes!("../../mibs/DISMAN-PING-MIB.txt"),
    ),
    (
        "DISMAN-SCHEDULE-MIB.txt",
        include_bytes!("../../mibs/DISMAN-SCHEDULE-MIB.txt"),
    ),
    (
        "DISMAN-TRACEROUTE-MIB.txt",
        include_bytes!("../../mibs/DISMAN-TRACEROUTE-MIB.txt"),
    ),
    (
        "ENTITY-MIB.txt",
        include_bytes!("../../mibs/ENTITY-MIB.txt"),
    ),
    (
        "ENTITY-SENSOR-MIB.txt",
        include_bytes!("../../mibs/ENTITY-SENSOR-MIB.txt"),
    ),
    (
        "ENTITY-STATE-MIB.txt",
        include_bytes!("../../mibs/ENTITY-STATE-MIB.txt"),
    ),
    (
        "ENTITY-STATE-TC-MIB.txt",
        include_bytes!("../../mibs/ENTITY-STATE-TC-MIB.txt"),
    ),
    (
        "EtherLike-MIB.txt",
        include_bytes!("../../mibs/EtherLike-MIB.txt"),
    ),
    ("HCNUM-TC.txt", include_bytes!("../../mibs/HCNUM-TC.txt")),
    (
        "HOST-RESOURCES-MIB.txt",
        include_bytes!("../../mibs/HOST-RESOURCES-MIB.txt"),
    ),
    (
        "HOST-RESOURCES-TYPES.txt",
        include_bytes!("../../mibs/HOST-RESOURCES-TYPES.txt"),
    ),
    (
        "IANA-ADDRESS-FAMILY-NUMBERS-MIB.txt",
        include_bytes!("../../mibs/IANA-ADDRESS-FAMILY-NUMBERS-MIB.txt"),
    ),
    (
        "IANA-CHARSET-MIB.txt",
        include_bytes!("../../mibs/IANA-CHARSET-MIB.txt"),
    ),
    (
        "IANA-ENTITY-MIB.txt",
        include_bytes!("../../mibs/IANA-ENTITY-MIB.txt"),
    ),
    (
        "IANA-LANGUAGE-MIB.txt",
        include_bytes!("../../mibs/IANA-LANGUAGE-MIB.txt"),
    ),
    (
        "IANA-MAU-MIB.txt",
        include_bytes!("../../mibs/IANA-MAU-MIB.txt"),
    ),
    (
        "IANA-PRINTER-MIB.txt",
        include_bytes!("../../mibs/IANA-PRINTER-MIB.txt"),
    ),
    (
        "IANA-RTPROTO-MIB.txt",
        include_bytes!("../../mibs/IANA-RTPROTO-MIB.txt"),
    ),
    (
        "IANAifType-MIB.txt",
        include_bytes!("../../mibs/IANAifType-MIB.txt"),
    ),
    (
        "IF-INVERTED-STACK-MIB.txt",
        include_bytes!("../../mibs/IF-INVERTED-STACK-MIB.txt"),
    ),
    ("IF-MIB.txt", include_bytes!("../../mibs/IF-MIB.txt")),
    (
        "INET-ADDRESS-MIB.txt",
        include_bytes!("../../mibs/INET-ADDRESS-MIB.txt"),
    ),
    (
        "IP-FORWARD-MIB.txt",
        include_bytes!("../../mibs/IP-FORWARD-MIB.txt"),
    ),
    ("IP-MIB.txt", include_bytes!("../../mibs/IP-MIB.txt")),
    (
        "IPV6-FLOW-LABEL-MIB.txt",
        include_bytes!("../../mibs/IPV6-FLOW-LABEL-MIB.txt"),
    ),
    (
        "IPV6-ICMP-MIB.txt",
        include_bytes!("../../mibs/IPV6-ICMP-MIB.txt"),
    ),
    ("IPV6-MIB.txt", include_bytes!("../../mibs/IPV6-MIB.txt")),
    ("IPV6-TC.txt", include_bytes!("../../mibs/IPV6-TC.txt")),
    (
        "IPV6-TCP-MIB.txt",
        include_bytes!("../../mibs/IPV6-TCP-MIB.txt"),
    ),
    (
        "IPV6-UDP-MIB.txt",
        include_bytes!("../../mibs/IPV6-UDP-MIB.txt"),
    ),
    (
        "LLDP-EXT-DOT1-MIB.txt",
        include_bytes!("../../mibs/LLDP-EXT-DOT1-MIB.txt"),
    ),
    (
        "LLDP-EXT-DOT3-MIB.txt",
        include_bytes!("../../mibs/LLDP-EXT-DOT3-MIB.txt"),
    ),
    ("LLDP-MIB.txt", include_bytes!("../../mibs/LLDP-MIB.txt")),
    (
        "LLDP-V2-MIB.txt",
        include_bytes!("../../mibs/LLDP-V2-MIB.txt"),
    ),
    (
        "LLDP-V2-TC-MIB.txt",
        include_bytes!("../../mibs/LLDP-V2-TC-MIB.txt"),
    ),
    (
        "LM-SENSORS-MIB.txt",
        include_bytes!("../../mibs/LM-SENSORS-MIB.txt"),
    ),
    ("MAU-MIB.txt", include_bytes!("../../mibs/MAU-MIB.txt")),
    ("MTA-MIB.txt", include_bytes!("../../mibs/MTA-MIB.txt")),
    (
        "NET-SNMP-AGENT-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-AGENT-MIB.txt"),
    ),
    (
        "NET-SNMP-EXAMPLES-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-EXAMPLES-MIB.txt"),
    ),
    (
        "NET-SNMP-EXTEND-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-EXTEND-MIB.txt"),
    ),
    (
        "NET-SNMP-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-MIB.txt"),
    ),
    (
        "NET-SNMP-PASS-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-PASS-MIB.txt"),
    ),
    (
        "NET-SNMP-TC.txt",
        include_bytes!("../../mibs/NET-SNMP-TC.txt"),
    ),
    (
        "NET-SNMP-VACM-MIB.txt",
        include_bytes!("../../mibs/NET-SNMP-VACM-MIB.txt"),
    ),
    (
        "NETWORK-SERVICES-MIB.txt",
        include_bytes!("../../mibs/NETWORK-SERVICES-MIB.txt"),
    ),
    (
        "NOTIFICATION-LOG-MIB.txt",
        include_bytes!("../../mibs/NOTIFICATION-LOG-MIB.txt"),
    ),
    ("OSPF-MIB.txt", include_bytes!("../../mibs/OSPF-MIB.txt")),
    (
        "OSPF-TRAP-MIB.txt",
        include_bytes!("../../mibs/OSPF-TRAP-MIB.txt"),
    ),
    (
        "P-BRIDGE-MIB.txt",
        include_bytes!("../../mibs/P-BRIDGE-MIB.txt"),
    ),
    (
        "POWER-ETHERNET-MIB.txt",
        include_bytes!("../../mibs/POWER-ETHERNET-MIB.txt"),
    ),
    (
        "Printer-MIB.txt",
        include_bytes!("../../mibs/Printer-MIB.txt"),
    ),
    (
        "Q-BRIDGE-MIB.txt",
        include_bytes!("../../mibs/Q-BRIDGE-MIB.txt"),
    ),
    ("RFC-1215.txt", include_bytes!("../../mibs/RFC-1215.txt")),
    (
        "RFC1155-SMI.txt",
        include_bytes!("../../mibs/RFC1155-SMI.txt"),
    ),
    (
        "RFC1213-MIB.txt",
        include_bytes!("../../mibs/RFC1213-MIB.txt"),
    ),
    ("RMON-MIB.txt", include_bytes!("../../mibs/RMON-MIB.txt")),
    ("RMON2-MIB.txt", include_bytes!("../../mibs/RMON2-MIB.txt")),
    ("RSTP-MIB.txt", include_bytes!("../../mibs/RSTP-MIB.txt")),
    (
        "SNMP-COMMUNITY-MIB.txt",
        include_bytes!("../../mibs/SNMP-COMMUNITY-MIB.txt"),
    ),
    (
        "SNMP-FRAMEWORK-MIB.txt",
        include_bytes!("../../mibs/SNMP-FRAMEWORK-MIB.txt"),
    ),
    (
        "SNMP-MPD-MIB.txt",
        include_bytes!("../../mibs/SNMP-MPD-MIB.txt"),
    ),
    (
        "SNMP-NOTIFICATION-MIB.txt",
        include_bytes!("../../mibs/SNMP-NOTIFICATION-MIB.txt"),
    ),
    (
        "SNMP-PROXY-MIB.txt",
        include_bytes!("../../mibs/SNMP-PROXY-MIB.txt"),
    ),
    (
        "SNMP-TARGET-MIB.txt",
        include_bytes!("../../mibs/SNMP-TARGET-MIB.txt"),
    ),
    (
        "SNMP-USER-BASED-SM-MIB.txt",
        include_bytes!("../../mibs/SNMP-USER-BASED-SM-MIB.txt"),
    ),
    (
        "SNMP-USM-AES-MIB.txt",
        include_bytes!("../../mibs/SNMP-USM-AES-MIB.txt"),
    ),
    (
        "SNMP-USM-HMAC-SHA2-MIB.txt",
        include_bytes!("../../mibs/SNMP-USM-HMAC-SHA2-MIB.txt"),
    ),
    (
        "SNMP-VIEW-BASED-ACM-MIB.txt",
        include_bytes!("../../mibs/SNMP-VIEW-BASED-ACM-MIB.txt"),
    ),
    (
        "SNMPv2-CONF.txt",
        include_bytes!("../../mibs/SNMPv2-CONF.txt"),
    ),
    (
        "SNMPv2-MIB.txt",
        include_bytes!("../../mibs/SNMPv2-MIB.txt"),
    ),
    (
        "SNMPv2-SMI.txt",
        include_bytes!("../../mibs/SNMPv2-SMI.txt"),
    ),
    ("SNMPv2-TC.txt", include_bytes!("../../mibs/SNMPv2-TC.txt")),
    ("SNMPv2-TM.txt", include_bytes!("../../mibs/SNMPv2-TM.txt")),
    (
        "SYSLOG-TC-MIB.txt",
        include_bytes!("../../mibs/SYSLOG-TC-MIB.txt"),
    ),
    ("TCP-MIB.txt", include_bytes!("../../mibs/TCP-MIB.txt")),
    (
        "TOKEN-RING-RMON-MIB.txt",
        include_bytes!("../../mibs/TOKEN-RING-RMON-MIB.txt"),
    ),
    (
        "TUNNEL-MIB.txt",
        include_bytes!("../../mibs/TUNNEL-MIB.txt"),
    ),
    (
        "UCD-DEMO-MIB.txt",
        include_bytes!("../../mibs/UCD-DEMO-MIB.txt"),
    ),
    (
        "UCD-DISKIO-MIB.txt",
        include_bytes!("../../mibs/UCD-DISKIO-MIB.txt"),
    ),
    (
        "UCD-DLMOD-MIB.txt",
        include_bytes!("../../mibs/UCD-DLMOD-MIB.txt"),
    ),
    (
        "UCD-IPFWACC-MIB.txt",
        include_bytes!("../../mibs/UCD-IPFWACC-MIB.txt"),
    ),
    (
        "UCD-SNMP-MIB.txt",
        include_bytes!("../../mibs/UCD-SNMP-MIB.txt"),
    ),
    ("UDP-MIB.txt", include_bytes!("../../mibs/UDP-MIB.txt")),
    ("UPS-MIB.txt", include_bytes!("../../mibs/UPS-MIB.txt")),
    (
        "UUID-TC-MIB.txt",
        include_bytes!("../../mibs/UUID-TC-MIB.txt"),
    ),
    ("VRRP-MIB.txt", include_bytes!("../../mibs/VRRP-MIB.txt")),
    (
        "VRRPV3-MIB.txt",
        include_bytes!("../../mibs/VRRPV3-MIB.txt"),
    ),
];

/// The path shown for an embedded file in diagnostics and listings.
pub(crate) const EMBEDDED_PREFIX: &str = "<embedded>/";

/// The text of an embedded file, by its shown path.
pub(crate) fn embedded_text(path: &str) -> Option<&'static [u8]> {
    let name = path.strip_prefix(EMBEDDED_PREFIX)?;
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::{CompileOptions, Compiler, ModuleStatus, Severity};

    #[test]
    fn list_matches_the_mibs_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn shipped_modules_compile_without_errors_or_missing_imports() {
        let mut c = Compiler::new(CompileOptions::default());
        for (name, text) in EMBEDDED {
            let found = c.add_static(&format!("{EMBEDDED_PREFIX}{name}"), text);
            assert_eq!(
                found,
                [name.trim_end_matches(".txt")],
                "{name} must hold the module it is named after"
            );
        }
        c.request_all();
        let mib = c.finish();
        let errors: Vec<String> = mib
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // Only obsolete names that are redirected (RFC1271-MIB to RMON-MIB) may be missing.
        for m in mib.modules() {
            let name = mib.module_name(m);
            let redirected = !crate::mib::builtin::module_alias(name).is_empty();
            assert!(
                redirected || mib.module_status(m) != Some(ModuleStatus::Missing),
                "{name} is missing"
            );
        }
        assert_eq!(
            mib.resolve("IF-MIB::ifHCInOctets").unwrap().oid.to_string(),
            ".1.3.6.1.2.1.31.1.1.1.6"
        );
        assert!(mib.resolve("UCD-SNMP-MIB::laLoad").is_ok());
        assert_eq!(
            embedded_text("<embedded>/IF-MIB.txt").map(<[u8]>::len),
            Some(
                EMBEDDED
                    .iter()
                    .find(|(n, _)| *n == "IF-MIB.txt")
                    .unwrap()
                    .1
                    .len()
            )
        );
    }
}
