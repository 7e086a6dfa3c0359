//! Tests of the MIB compiler with tiny inline MIBs, one per construct and per relaxation,
//! grouped by the part of the compiler they check: `parsing` (the parser and its recovery),
//! `linking` (SMIv2 and SMIv1 constructs resolved into definitions and the OID tree),
//! `modules` (which modules load, imports asked for, missing and duplicate modules),
//! `relaxations` (vendor mistakes, lenient and strict), `lookups` (names, OIDs, search) and
//! `caching` (the compiled MIB's cache file). Here: the helpers and the MIBs they share.

mod caching;
mod causes;
mod linking;
mod lookups;
mod modules;
mod parsing;
mod relaxations;

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
