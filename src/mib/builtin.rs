//! The base modules every MIB builds on, compiled into mibscope: SNMPv2-SMI (RFC 2578),
//! SNMPv2-TC (RFC 2579), SNMPv2-CONF (RFC 2580), RFC1155-SMI (RFC 1155), RFC-1212 and
//! RFC-1215. They are always available and take precedence over files of the same name,
//! because vendors ship edited copies of them and the SMI's own types must be right.
//!
//! The texts are the RFC modules shipped in the repository's `mibs/` folder; RFC-1212 only
//! defines the OBJECT-TYPE macro (RFC 1212 section 4), so a minimal module stands in for it.
//! Names defined by ASN.1 itself (`ccitt`, `iso`, `joint-iso-ccitt`: X.660) are the roots of
//! the tree and need no import.

/// Name, file label and text of each base module, in dependency order.
pub(crate) const BASE_MODULES: &[(&str, &str, &[u8])] = &[
    (
        "SNMPv2-SMI",
        "<builtin>/SNMPv2-SMI.txt",
        include_bytes!("../../mibs/SNMPv2-SMI.txt"),
    ),
    (
        "SNMPv2-TC",
        "<builtin>/SNMPv2-TC.txt",
        include_bytes!("../../mibs/SNMPv2-TC.txt"),
    ),
    (
        "SNMPv2-CONF",
        "<builtin>/SNMPv2-CONF.txt",
        include_bytes!("../../mibs/SNMPv2-CONF.txt"),
    ),
    (
        "RFC1155-SMI",
        "<builtin>/RFC1155-SMI.txt",
        include_bytes!("../../mibs/RFC1155-SMI.txt"),
    ),
    ("RFC-1212", "<builtin>/RFC-1212.txt", RFC_1212.as_bytes()),
    (
        "RFC-1215",
        "<builtin>/RFC-1215.txt",
        include_bytes!("../../mibs/RFC-1215.txt"),
    ),
];

/// RFC 1212 section 4: the concise OBJECT-TYPE macro. Only the macro's name matters to a
/// compiler; its body (the grammar in the RFC) is skipped like every MACRO body.
const RFC_1212: &str = "RFC-1212 DEFINITIONS ::= BEGIN
IMPORTS ObjectName FROM RFC1155-SMI;
-- RFC 1212 section 4: the OBJECT-TYPE macro (SYNTAX, ACCESS, STATUS, DESCRIPTION,
-- REFERENCE, INDEX, DEFVAL). Body omitted: MACRO bodies are not compiled.
OBJECT-TYPE MACRO ::= BEGIN END
END
";

/// The roots of the OID tree (X.660): arc and name.
pub(crate) const ROOTS: &[(u32, &str)] = &[(0, "ccitt"), (1, "iso"), (2, "joint-iso-ccitt")];

/// True when `name` is one of the base modules.
pub fn is_base_module(name: &str) -> bool {
    BASE_MODULES.iter().any(|(n, _, _)| *n == name)
}

/// Obsolete module names and the modules their definitions moved to. The table of Net-SNMP
/// (parse.c `module_map`), flattened, plus `RFC1212`/`RFC1215` (hyphen forgotten), which
/// vendor MIBs also import from. Used only when the old module itself is not found.
pub(crate) const MODULE_ALIASES: &[(&str, &[&str])] = &[
    ("RFC1065-SMI", &["RFC1155-SMI"]),
    ("RFC1066-MIB", &["RFC1213-MIB"]),
    ("RFC1156-MIB", &["RFC1213-MIB"]),
    ("RFC1158-MIB", &["RFC1213-MIB"]),
    ("RFC-1213", &["RFC1213-MIB"]),
    (
        "RFC1213-MIB",
        &[
            "SNMPv2-SMI",
            "SNMPv2-MIB",
            "IF-MIB",
            "IP-MIB",
            "TCP-MIB",
            "UDP-MIB",
        ],
    ),
    ("RFC1231-MIB", &["TOKENRING-MIB"]),
    ("RFC1271-MIB", &["RMON-MIB"]),
    ("RFC1286-MIB", &["SOURCE-ROUTING-MIB", "BRIDGE-MIB"]),
    ("RFC1315-MIB", &["FRAME-RELAY-DTE-MIB"]),
    ("RFC1316-MIB", &["CHARACTER-MIB"]),
    ("RFC1406-MIB", &["DS1-MIB"]),
    ("RFC1212", &["RFC-1212"]),
    ("RFC1215", &["RFC-1215"]),
];

/// The modules that replace an obsolete module name (empty for other names).
pub fn module_alias(name: &str) -> &'static [&'static str] {
    MODULE_ALIASES
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(&[], |(_, new)| new)
}

/// ASN.1 and SMI keywords that vendors list in IMPORTS although no module defines them.
pub(crate) fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "BITS"
            | "INTEGER"
            | "OCTET"
            | "STRING"
            | "OBJECT"
            | "IDENTIFIER"
            | "SEQUENCE"
            | "CHOICE"
            | "NULL"
            | "MACRO"
            | "BEGIN"
            | "END"
            | "DEFINITIONS"
            | "IMPORTS"
            | "EXPORTS"
    )
}
