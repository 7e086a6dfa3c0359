//! The loaded MIB of a running program, swappable: a `MibHandle` owns the configuration
//! (-m/-M) and the current `LoadedMib` behind an `Arc`, so any task can take a snapshot and
//! read names, syntax and descriptions from it while another reloads (files changed) or
//! adds directories at run time and swaps the new MIB in. Readers keep the snapshot they
//! took until they drop it; nothing is ever mutated in place.
//!
//! Loading compiles or reads the disk cache and blocks: from async code, call `load`,
//! `reload` or `set_config` inside `tokio::task::spawn_blocking`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::mib::{Mib, TextRef};
use crate::mib_store::{self, LoadReport, Loaded, MibConfig};
use crate::mib_view::MibNames;

/// One loaded MIB with how it was loaded and its names for the renderer.
#[derive(Debug)]
pub struct LoadedMib {
    pub mib: Arc<Mib>,
    pub report: LoadReport,
    /// The configuration it was loaded with.
    pub config: MibConfig,
    /// `output::syntax::OidNames` over `mib`, its per-node hints built on first use.
    pub names: MibNames,
}

impl LoadedMib {
    fn new(loaded: Loaded, config: MibConfig) -> LoadedMib {
        let mib = Arc::new(loaded.mib);
        LoadedMib {
            names: MibNames::new(Arc::clone(&mib)),
            mib,
            report: loaded.report,
            config,
        }
    }

    /// A DESCRIPTION or REFERENCE text (read back from its file when not in memory). For
    /// many texts in a row, a `mib_store::TextReader` reads each file once.
    pub fn text(&self, r: TextRef) -> Option<String> {
        mib_store::text(&self.mib, r)
    }
}

/// The current MIB and where it comes from. Cheap to share (`Arc<MibHandle>`); every method
/// takes `&self`.
#[derive(Debug)]
pub struct MibHandle {
    config: RwLock<MibConfig>,
    current: RwLock<Option<Arc<LoadedMib>>>,
    /// Held while loading, so two first uses do not compile twice.
    loading: Mutex<()>,
}

impl MibHandle {
    /// A handle that loads `config` on first use.
    pub fn new(config: MibConfig) -> MibHandle {
        MibHandle {
            config: RwLock::new(config),
            current: RwLock::new(None),
            loading: Mutex::new(()),
        }
    }

    /// The current MIB, loading it first if nothing is loaded yet (blocking).
    pub fn get(&self) -> Arc<LoadedMib> {
        if let Some(current) = self.loaded() {
            return current;
        }
        let _loading = self.loading.lock().unwrap_or_else(PoisonError::into_inner);
        // Another caller may have loaded it while this one waited.
        if let Some(current) = self.loaded() {
            return current;
        }
        self.load_now()
    }

    /// The current MIB if one is loaded; never loads.
    pub fn loaded(&self) -> Option<Arc<LoadedMib>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the configuration again (MIB files changed) and swaps the result in.
    pub fn reload(&self) -> Arc<LoadedMib> {
        let _loading = self.loading.lock().unwrap_or_else(PoisonError::into_inner);
        self.load_now()
    }

    /// Replaces the configuration and loads it.
    pub fn set_config(&self, config: MibConfig) -> Arc<LoadedMib> {
        let _loading = self.loading.lock().unwrap_or_else(PoisonError::into_inner);
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
        self.load_now()
    }

    /// Adds directories to search (after the current ones, so their modules win, as
    /// Net-SNMP's `-M +DIR`) and loads again.
    pub fn add_dirs(&self, dirs: impl IntoIterator<Item = PathBuf>) -> Arc<LoadedMib> {
        let mut config = self.config();
        for d in dirs {
            if !config.dirs.contains(&d) {
                config.dirs.push(d);
            }
        }
        self.set_config(config)
    }

    /// Installs a MIB loaded elsewhere (say on a blocking thread) with the configuration
    /// it was loaded with; returns the one it replaced.
    pub fn swap(&self, loaded: Loaded, config: MibConfig) -> Option<Arc<LoadedMib>> {
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config.clone();
        self.install(LoadedMib::new(loaded, config))
    }

    /// The configuration the next load uses.
    pub fn config(&self) -> MibConfig {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn load_now(&self) -> Arc<LoadedMib> {
        let config = self.config();
        let loaded = LoadedMib::new(mib_store::load(&config), config);
        let loaded = Arc::new(loaded);
        self.current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(Arc::clone(&loaded));
        loaded
    }

    fn install(&self, loaded: LoadedMib) -> Option<Arc<LoadedMib>> {
        self.current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(Arc::new(loaded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib_store::ModuleSelection;
    use crate::output::syntax::OidNames;

    const TEST_MIB: &str = r#"MIBSCOPE-HANDLE-TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
handleTest MODULE-IDENTITY
    LAST-UPDATED "202401010000Z" ORGANIZATION "mibscope" CONTACT-INFO "none"
    DESCRIPTION "A module for the MIB handle's tests."
    ::= { enterprises 99999 }
handleValue OBJECT-TYPE
    SYNTAX Integer32 MAX-ACCESS read-only STATUS current
    DESCRIPTION "Appears once its directory is added."
    ::= { handleTest 1 }
END
"#;

    fn config(dirs: Vec<PathBuf>) -> MibConfig {
        MibConfig {
            modules: ModuleSelection::Only(vec!["MIBSCOPE-HANDLE-TEST-MIB".into()]),
            dirs,
            embedded: false,
            cache_dir: None,
            strict: false,
        }
    }

    #[test]
    fn loads_on_first_use_then_swaps_while_readers_keep_their_snapshot() {
        let root = std::env::temp_dir().join(format!("mibscope-handle-{}", std::process::id()));
        let (empty, extra) = (root.join("empty"), root.join("extra"));
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::create_dir_all(&extra).unwrap();
        std::fs::write(extra.join("HANDLE-TEST.txt"), TEST_MIB).unwrap();

        let handle = Arc::new(MibHandle::new(config(vec![empty])));
        assert!(handle.loaded().is_none(), "nothing loads before first use");
        let before = handle.get();
        assert!(Arc::ptr_eq(&before, &handle.get()), "loaded once");
        assert!(before.mib.resolve("handleValue").is_err());

        // Readers on other threads render names from their snapshot while the MIB is
        // reloaded with a directory added.
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let snapshot = handle.get();
                std::thread::spawn(move || {
                    (0..200)
                        .filter(|_| snapshot.names.label_of(&[1, 3, 6, 1, 4, 1]).is_some())
                        .count()
                })
            })
            .collect();
        let after = handle.add_dirs([extra.clone()]);
        for r in readers {
            assert_eq!(r.join().unwrap(), 200);
        }
        let oid = after.mib.resolve("handleValue").unwrap().oid;
        assert_eq!(oid.to_string(), ".1.3.6.1.4.1.99999.1");
        assert!(Arc::ptr_eq(&after, &handle.get()), "the new MIB is current");
        assert!(
            before.mib.resolve("handleValue").is_err(),
            "an old snapshot is unchanged"
        );
        let resolved = after.names.resolve(oid.arcs()).unwrap();
        assert_eq!(resolved.label, "handleValue");
        let node = after.mib.resolve("handleValue").unwrap().node;
        let text = after
            .mib
            .node(node)
            .def()
            .and_then(|d| d.description_ref())
            .and_then(|r| after.text(r));
        assert_eq!(
            text.as_deref(),
            Some("Appears once its directory is added.")
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
