//! The MIB store: directories, selection, precedence, embedded modules and the disk cache.

use std::path::{Path, PathBuf};

use mibscope::mib::ModuleStatus;
use mibscope::mib_store::{self, MibConfig, ModuleSelection};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "mibscope-store-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn vendor_mib(arc: u32) -> String {
    format!(
        "ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, enterprises FROM SNMPv2-SMI
        DisplayString FROM SNMPv2-TC
        ifIndex FROM IF-MIB;
acme MODULE-IDENTITY
    LAST-UPDATED \"202401010000Z\" ORGANIZATION \"Acme\" CONTACT-INFO \"-\"
    DESCRIPTION \"The Acme module.\"
    ::= {{ enterprises {arc} }}
acmeName OBJECT-TYPE
    SYNTAX DisplayString
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"The name of the widget.\"
    ::= {{ acme 1 }}
END
"
    )
}

fn config(dirs: &[&Path], cache: Option<&Path>, modules: ModuleSelection) -> MibConfig {
    MibConfig {
        modules,
        dirs: dirs.iter().map(|d| d.to_path_buf()).collect(),
        embedded: true,
        cache_dir: cache.map(Path::to_path_buf),
        strict: false,
    }
}

fn oid(mib: &mibscope::mib::Mib, name: &str) -> String {
    mib.resolve(name)
        .map(|r| r.oid.to_string())
        .unwrap_or_else(|e| e.to_string())
}

#[test]
fn selected_module_and_its_imports_come_from_files_and_embedded_modules() {
    let t = TempDir::new("select");
    let dir = t.0.join("vendor/acme");
    std::fs::create_dir_all(&dir).unwrap();
    // Indexed by the module it holds, not the file name; found in a subfolder.
    std::fs::write(dir.join("acme.my"), vendor_mib(4242)).unwrap();
    std::fs::write(t.0.join("README"), "nothing").unwrap();
    let c = config(
        &[&t.0],
        None,
        ModuleSelection::Only(vec!["ACME-MIB".into()]),
    );
    let loaded = mib_store::load(&c);
    let mib = &loaded.mib;
    assert_eq!(oid(mib, "ACME-MIB::acmeName.0"), ".1.3.6.1.4.1.4242.1.0");
    // IF-MIB came from the embedded modules, because ACME-MIB imports it.
    let if_mib = mib.module_id("IF-MIB").unwrap();
    assert_eq!(mib.module_file(if_mib), Some("<embedded>/IF-MIB.txt"));
    assert_eq!(mib.module_status(if_mib), Some(ModuleStatus::Loaded));
    // Not asked for, not imported: not loaded.
    assert!(mib.module_id("UCD-SNMP-MIB").is_none());
    // Descriptions: read back from the file, or from the embedded text.
    let d = mib.def(mib.find("acmeName").unwrap());
    let text = mib_store::text(mib, d.description_ref().unwrap()).unwrap();
    assert_eq!(text, "The name of the widget.");
    let if_descr = mib.def(mib.find("ifDescr").unwrap());
    assert!(
        mib_store::text(mib, if_descr.description_ref().unwrap())
            .unwrap()
            .contains("A textual string containing information about the")
    );
    assert!(!loaded.report.from_cache);
    // A search over descriptions reads them back from the files.
    let reader = mib_store::TextReader::default();
    let hits = mib.search_with("widget name", 5, Some(&|r| reader.text(mib, r)));
    assert_eq!(mib.def(hits[0].def).name(), "acmeName");
    assert!(hits[0].in_description);
}

#[test]
fn default_selection_has_the_shipped_modules() {
    let t = TempDir::new("default");
    let loaded = mib_store::load(&config(
        &[&t.0.join("absent")],
        None,
        ModuleSelection::Default { extra: vec![] },
    ));
    let mib = &loaded.mib;
    assert_eq!(oid(mib, "ifHCInOctets.3"), ".1.3.6.1.2.1.31.1.1.1.6.3");
    assert_eq!(oid(mib, "sysDescr.0"), ".1.3.6.1.2.1.1.1.0");
    assert_eq!(oid(mib, "UCD-SNMP-MIB::laLoad"), ".1.3.6.1.4.1.2021.10.1.3");
    assert_eq!(oid(mib, "lldpRemSysName"), ".1.0.8802.1.1.2.1.4.1.1.9");
    assert_eq!(loaded.report.absent_dirs, [t.0.join("absent")]);
    let errors: Vec<String> = mib
        .diagnostics()
        .iter()
        .filter(|d| d.severity == mibscope::mib::Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn later_directories_take_precedence_and_files_beat_embedded() {
    let t = TempDir::new("precedence");
    let (a, b) = (t.0.join("a"), t.0.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("ACME-MIB"), vendor_mib(1)).unwrap();
    std::fs::write(b.join("ACME-MIB"), vendor_mib(2)).unwrap();
    // A local IF-MIB replaces the shipped one.
    let if_mib = "IF-MIB DEFINITIONS ::= BEGIN
IMPORTS mib-2 FROM SNMPv2-SMI;
ifIndex OBJECT IDENTIFIER ::= { mib-2 99 1 }
END";
    std::fs::write(a.join("IF-MIB.txt"), if_mib).unwrap();
    for selection in [
        ModuleSelection::All,
        ModuleSelection::Only(vec!["ACME-MIB".into()]),
    ] {
        let loaded = mib_store::load(&config(&[&a, &b], None, selection.clone()));
        assert_eq!(oid(&loaded.mib, "acme"), ".1.3.6.1.4.1.2", "{selection:?}");
        assert_eq!(oid(&loaded.mib, "IF-MIB::ifIndex"), ".1.3.6.1.2.1.99.1");
    }
}

#[test]
fn cache_is_used_invalidated_by_changes_and_rebuilt_when_damaged() {
    let t = TempDir::new("cache");
    let mibs = t.0.join("mibs");
    let cache = t.0.join("cache");
    std::fs::create_dir_all(&mibs).unwrap();
    let file = mibs.join("ACME-MIB.txt");
    std::fs::write(&file, vendor_mib(10)).unwrap();
    let c = config(&[&mibs], Some(&cache), ModuleSelection::All);

    let first = mib_store::load(&c);
    assert!(!first.report.from_cache);
    let cache_file = first.report.cache_file.clone().unwrap();
    assert!(cache_file.is_file());

    let second = mib_store::load(&c);
    assert!(second.report.from_cache, "{:?}", second.report.cache_notes);
    assert_eq!(oid(&second.mib, "acmeName"), ".1.3.6.1.4.1.10.1");
    assert_eq!(second.mib.diagnostics(), first.mib.diagnostics());
    // Descriptions still come from the file.
    let d = second.mib.def(second.mib.find("acmeName").unwrap());
    assert_eq!(
        mib_store::text(&second.mib, d.description_ref().unwrap()).as_deref(),
        Some("The name of the widget.")
    );

    // A changed file (size differs) means a new key: compiled again, new content seen.
    std::fs::write(&file, vendor_mib(12345)).unwrap();
    let third = mib_store::load(&c);
    assert!(!third.report.from_cache);
    assert_eq!(oid(&third.mib, "acmeName"), ".1.3.6.1.4.1.12345.1");

    // Damaged: rebuilt, with a note, never a panic.
    let path = third.report.cache_file.clone().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let fourth = mib_store::load(&c);
    assert!(!fourth.report.from_cache);
    assert!(
        fourth
            .report
            .cache_notes
            .iter()
            .any(|n| n.contains("checksum")),
        "{:?}",
        fourth.report.cache_notes
    );
    assert_eq!(oid(&fourth.mib, "acmeName"), ".1.3.6.1.4.1.12345.1");
    assert!(mib_store::load(&c).report.from_cache);

    // Truncated, then garbage: same.
    std::fs::write(&path, &bytes[..100]).unwrap();
    assert!(!mib_store::load(&c).report.from_cache);
    std::fs::write(&path, b"not a cache at all").unwrap();
    let again = mib_store::load(&c);
    assert!(!again.report.from_cache);
    assert_eq!(oid(&again.mib, "acmeName"), ".1.3.6.1.4.1.12345.1");

    // An unwritable cache folder is a note, not a failure.
    let blocked = t.0.join("blocked");
    std::fs::write(&blocked, "a file, not a folder").unwrap();
    let c2 = config(&[&mibs], Some(&blocked), ModuleSelection::All);
    let l = mib_store::load(&c2);
    assert!(!l.report.cache_notes.is_empty());
    assert_eq!(oid(&l.mib, "acmeName"), ".1.3.6.1.4.1.12345.1");
}
