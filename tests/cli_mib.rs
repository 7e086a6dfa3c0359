//! The MIB subcommands and names in OID arguments, through the binary: `translate`, `mibs`,
//! and `get` refusing an unknown name before any packet is sent.

use std::path::{Path, PathBuf};
mod common;

use std::process::{Command, Output};

const MIBSCOPE: &str = env!("CARGO_BIN_EXE_mibscope");

struct Env {
    dir: PathBuf,
}

impl Env {
    fn new(tag: &str) -> Env {
        let dir =
            std::env::temp_dir().join(format!("mibscope-cli-mib-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("mibs")).unwrap();
        Env { dir }
    }

    fn mibs(&self) -> PathBuf {
        self.dir.join("mibs")
    }

    /// Runs mibscope with only the given MIB folder and the embedded modules, and a cache
    /// of its own.
    fn run(&self, args: &[&str]) -> Output {
        common::output_within(
            Command::new(MIBSCOPE)
                .args(args)
                .env("MIBDIRS", self.mibs())
                .env("MIBSCOPE_CACHE_DIR", self.dir.join("cache"))
                .env_remove("MIBS"),
            common::COMMAND_LIMIT,
        )
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ACME: &str = r#"ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI
        DisplayString FROM SNMPv2-TC;
acme MODULE-IDENTITY
    LAST-UPDATED "202401010000Z" ORGANIZATION "Acme" CONTACT-INFO "-"
    DESCRIPTION "Acme."
    ::= { enterprises 4242 }
acmeTable OBJECT-TYPE
    SYNTAX SEQUENCE OF AcmeEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Widgets."
    ::= { acme 1 }
acmeEntry OBJECT-TYPE
    SYNTAX AcmeEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "A widget."
    INDEX { IMPLIED acmeName }
    ::= { acmeTable 1 }
AcmeEntry ::= SEQUENCE { acmeName DisplayString, acmeSize Integer32 }
acmeName OBJECT-TYPE
    SYNTAX DisplayString (SIZE (1..32))
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "The widget's name."
    ::= { acmeEntry 1 }
acmeSize OBJECT-TYPE
    SYNTAX Integer32 (0..100)
    UNITS "cm"
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "The widget's size."
    ::= { acmeEntry 2 }
END
"#;

const BROKEN: &str = "BROKEN-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI
        acmeThing FROM ACME-SMI;
broken OBJECT IDENTIFIER ::= { enterprises 4343 }
brokenTwo OBJECT IDENTIFIER ::= { acmeThing 1 }
END
";

#[test]
fn translate_names_and_numbers_in_net_snmp_styles() {
    let env = Env::new("translate");
    std::fs::write(env.mibs().join("acme.my"), ACME).unwrap();
    let o = env.run(&[
        "translate",
        "-m",
        "+ACME-MIB",
        "sysName.0",
        ".1.3.6.1.2.1.2.2.1.8.4",
        "acmeSize.\"w1\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "SNMPv2-MIB::sysName.0\nIF-MIB::ifOperStatus.4\nACME-MIB::acmeSize.119.49\n"
    );
    let o = env.run(&[
        "translate",
        "-m",
        "+ACME-MIB",
        "-On",
        "ACME-MIB::acmeSize.\"w1\"",
        "ifHCInOctets.7",
    ]);
    assert_eq!(
        stdout(&o),
        ".1.3.6.1.4.1.4242.1.1.2.119.49\n.1.3.6.1.2.1.31.1.1.1.6.7\n"
    );
    let o = env.run(&["translate", "-Of", "sysDescr.0"]);
    assert_eq!(
        stdout(&o),
        ".iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0\n"
    );
    let o = env.run(&["translate", "-Os", "1.3.6.1.2.1.1.4.0"]);
    assert_eq!(stdout(&o), "sysContact.0\n");
    let o = env.run(&["translate", "-Ou", ".1.3.6.1.2.1.1.4.0"]);
    assert_eq!(stdout(&o), "system.sysContact.0\n");
}

#[test]
fn translate_details_tree_and_search() {
    let env = Env::new("details");
    std::fs::write(env.mibs().join("acme.my"), ACME).unwrap();
    let o = env.run(&["translate", "-m", "ACME-MIB", "-Td", "acmeSize"]);
    let text = stdout(&o);
    for line in [
        "ACME-MIB::acmeSize\n",
        "acmeSize OBJECT-TYPE\n",
        "  -- FROM\tACME-MIB\n",
        "  SYNTAX\tInteger32 (0..100)\n",
        "  UNITS\t\"cm\"\n",
        "  MAX-ACCESS\tread-only\n",
        "  DESCRIPTION\t\"The widget's size.\"\n",
        "::= { iso(1) org(3) dod(6) internet(1) private(4) enterprises(1) acme(4242) acmeTable(1) acmeEntry(1) 2 }\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    let o = env.run(&["translate", "-m", "ACME-MIB", "-Tp", "acmeTable"]);
    assert_eq!(
        stdout(&o),
        "+--acmeTable(1)
   |
   +--acmeEntry(1)
      |  Index: acmeName
      |
      +-- ---- String    acmeName(1)
      |        Textual Convention: DisplayString
      |        Size: 1..32
      +-- -R-- Integer32 acmeSize(2)
               Range: 0..100
"
    );
    let o = env.run(&["translate", "-m", "ACME-MIB", "-TB", "acmesiz"]);
    assert_eq!(stdout(&o).lines().next(), Some("ACME-MIB::acmeSize"));
    let o = env.run(&[
        "translate",
        "-m",
        "ACME-MIB",
        "--json",
        "-Td",
        "acmeSize.\"a\"",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["oid"], ".1.3.6.1.4.1.4242.1.1.2.97");
    assert_eq!(v[0]["details"]["syntax"]["base"], "INTEGER");
    assert_eq!(v[0]["details"]["units"], "cm");
}

#[test]
fn unknown_names_fail_with_net_snmp_wording() {
    let env = Env::new("unknown");
    let o = env.run(&["translate", "noSuchObject.0"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "noSuchObject: Unknown Object Identifier (no loaded MIB module defines it)\n"
    );
    // A request command refuses the name before sending anything.
    let o = env.run(&[
        "get",
        "-v2c",
        "-c",
        "public",
        "127.0.0.1:9",
        "noSuchObject.0",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("noSuchObject: Unknown Object Identifier"),
        "{}",
        stderr(&o)
    );
    // Modules asked for but absent are reported like Net-SNMP does.
    let o = env.run(&["translate", "-m", "NOPE-MIB:IF-MIB", "ifDescr.1"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("Cannot find module (NOPE-MIB)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn mibs_lists_status_and_diagnostics() {
    let env = Env::new("mibs");
    std::fs::write(env.mibs().join("acme.my"), ACME).unwrap();
    std::fs::write(env.mibs().join("broken.mib"), BROKEN).unwrap();
    let o = env.run(&["mibs", "-m", "ALL", "--status", "failed"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("BROKEN-MIB"), "{text}");
    assert!(!text.contains("ACME-MIB "), "{text}");
    let o = env.run(&["mibs", "-m", "ALL", "-d", "BROKEN-MIB"]);
    let text = stdout(&o);
    let file = env.mibs().join("broken.mib");
    assert!(
        text.contains(&format!(
            "{}:3:9: error[import-module-missing]: Cannot find module (ACME-SMI)",
            file.display()
        )),
        "{text}"
    );
    let o = env.run(&["mibs", "-m", "ALL", "--json", "-d"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let modules = v["modules"].as_array().unwrap();
    let acme = modules.iter().find(|m| m["name"] == "ACME-MIB").unwrap();
    assert_eq!(acme["status"], "loaded");
    assert!(acme["file"].as_str().unwrap().ends_with("acme.my"));
    let missing = modules.iter().find(|m| m["name"] == "ACME-SMI").unwrap();
    assert_eq!(missing["status"], "missing");
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "import-module-missing")
    );
    // The second run comes from the cache and says so.
    assert_eq!(v["load"]["from_cache"], true);
    let _ = Path::new(&file);
}

#[test]
fn strict_mode_fails_vendor_mistakes() {
    let env = Env::new("strict");
    let sloppy = "SLOPPY-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises, FROM SNMPv2-SMI;
sloppy OBJECT IDENTIFIER ::= { enterprises 4444 }
END
";
    std::fs::write(env.mibs().join("sloppy.mib"), sloppy).unwrap();
    let o = env.run(&["mibs", "-m", "SLOPPY-MIB", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let m = v["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "SLOPPY-MIB")
        .unwrap()
        .clone();
    assert_eq!(m["status"], "loaded-with-warnings");
    let o = env.run(&["mibs", "-m", "SLOPPY-MIB", "--strict", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let m = v["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "SLOPPY-MIB")
        .unwrap()
        .clone();
    assert_eq!(m["status"], "failed");
}
