//! Where MIBs come from: the files in the MIB directories (searched recursively, indexed by
//! the module name each file holds, not its file name), the modules mibscope ships, and the
//! compiled cache on disk. This is the filesystem side of `crate::mib`, which never opens a
//! file itself.
//!
//! `load` is the entry point: it resolves the configuration (`config`), lists the files
//! with their size and mtime, and either reads the cache whose key matches exactly those
//! files and that configuration, or compiles and writes a new cache. A damaged, old or
//! unreadable cache is rebuilt, never trusted and never fatal.

pub mod config;
pub mod disk_cache;
pub mod embedded;
pub mod scan;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::mib::{CompileOptions, Compiler, Mib, TextRef, builtin};

pub use config::{MibConfig, ModuleSelection, NET_SNMP_DEFAULT_MODULES};
pub use scan::SourceFile;

use embedded::{EMBEDDED, EMBEDDED_PREFIX};

/// Problems of the store itself (the compiler's are diagnostics in the `Mib`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cache {path}: {reason}")]
    Cache { path: PathBuf, reason: String },
}

/// What `load` did, for `mibs` listings and benchmarks.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// True when the MIB came from the cache.
    pub from_cache: bool,
    /// The cache file read or written.
    pub cache_file: Option<PathBuf>,
    /// Why the cache was not used, or could not be written.
    pub cache_notes: Vec<String>,
    /// Files found in the MIB directories.
    pub files_seen: usize,
    /// Files given to the compiler (0 from the cache).
    pub files_parsed: usize,
    /// Files that could not be read.
    pub unreadable: Vec<StoreError>,
    /// Directories of the search path that do not exist (not an error).
    pub absent_dirs: Vec<PathBuf>,
}

/// A loaded MIB and how it was loaded.
#[derive(Debug)]
pub struct Loaded {
    pub mib: Mib,
    pub report: LoadReport,
}

fn compile_options(config: &MibConfig) -> CompileOptions {
    let mut o = if config.strict {
        CompileOptions::strict()
    } else {
        CompileOptions::default()
    };
    o.retain_sources = false;
    o
}

/// The embedded modules usable under this configuration (base modules are built into the
/// compiler already).
fn embedded_files(config: &MibConfig) -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED
        .iter()
        .filter(move |_| config.embedded)
        .filter(|(name, _)| !builtin::is_base_module(name.trim_end_matches(".txt")))
        .map(|&(n, t)| (n, t))
}

/// Loads the MIB for `config`: from the cache when it matches the files, else compiled.
pub fn load(config: &MibConfig) -> Loaded {
    let mut report = LoadReport::default();
    let files = scan::list_files(&config.dirs, &mut report.absent_dirs);
    report.files_seen = files.len();

    let key = disk_cache::key(config, &files);
    if let Some(dir) = &config.cache_dir {
        match disk_cache::read(dir, key, &|p| embedded::embedded_text(p)) {
            Ok(Some((mib, path))) => {
                report.from_cache = true;
                report.cache_file = Some(path);
                return Loaded { mib, report };
            }
            Ok(None) => {}
            Err(e) => report.cache_notes.push(format!("{e}; rebuilding it")),
        }
    }

    let mib = compile(config, &files, &mut report);
    if let Some(dir) = &config.cache_dir {
        match disk_cache::write(dir, key, &mib) {
            Ok(path) => report.cache_file = Some(path),
            Err(e) => report
                .cache_notes
                .push(format!("{e}; continuing without cache")),
        }
    }
    Loaded { mib, report }
}

fn read_file(f: &SourceFile, report: &mut LoadReport) -> Option<Vec<u8>> {
    match std::fs::read(&f.path) {
        Ok(b) => Some(b),
        Err(source) => {
            report.unreadable.push(StoreError::Read {
                path: f.path.clone(),
                source,
            });
            None
        }
    }
}

/// Compiles without the cache.
pub fn compile(config: &MibConfig, files: &[SourceFile], report: &mut LoadReport) -> Mib {
    let mut c = Compiler::new(compile_options(config));
    match &config.modules {
        ModuleSelection::All => {
            c.reserve_for_source_bytes(files.iter().map(|f| f.size).sum());
            // Highest precedence first: the compiler keeps the first module of a name.
            for f in files.iter().rev() {
                if let Some(bytes) = read_file(f, report) {
                    if crate::mib::scan_module_names(&bytes).is_empty() {
                        continue; // READMEs and the like: not MIB files.
                    }
                    report.files_parsed += 1;
                    c.add_source(&f.path.display().to_string(), &bytes);
                }
            }
            for (name, text) in embedded_files(config) {
                c.add_static(&format!("{EMBEDDED_PREFIX}{name}"), text);
            }
            c.request_all();
        }
        selection => {
            let index = scan::index_modules(files, report);
            let embedded: HashMap<String, (&'static str, &'static [u8])> = embedded_files(config)
                .map(|(n, t)| (n.trim_end_matches(".txt").to_string(), (n, t)))
                .collect();
            match selection {
                ModuleSelection::Default { extra } => {
                    // In a fixed order: which module's definition a node prefers must not
                    // change from one run to the next.
                    let mut names: Vec<&String> = embedded.keys().collect();
                    names.sort();
                    for name in names {
                        c.request(name);
                    }
                    for name in NET_SNMP_DEFAULT_MODULES {
                        // Defaults that neither the directories nor mibscope have are not
                        // an error (Net-SNMP stays quiet about them too).
                        if index.contains_key(*name) || embedded.contains_key(*name) {
                            c.request(name);
                        }
                    }
                    for name in extra {
                        c.request(name);
                    }
                }
                ModuleSelection::Only(list) => {
                    for name in list {
                        c.request(name);
                    }
                }
                ModuleSelection::All => {}
            }
            loop {
                let wanted = c.wanted();
                if wanted.is_empty() {
                    break;
                }
                for name in wanted {
                    if let Some(&i) = index.get(&name) {
                        if let Some(bytes) = read_file(&files[i], report) {
                            report.files_parsed += 1;
                            c.add_source(&files[i].path.display().to_string(), &bytes);
                            if c.has_module(&name) {
                                continue;
                            }
                        }
                    }
                    if let Some((file, text)) = embedded.get(&name) {
                        c.add_static(&format!("{EMBEDDED_PREFIX}{file}"), text);
                        if c.has_module(&name) {
                            continue;
                        }
                    }
                    c.not_found(&name);
                }
            }
        }
    }
    c.finish()
}

/// The text of a DESCRIPTION or REFERENCE: from memory for built-in and embedded modules,
/// else read back from the file (which the cache key guarantees is the one compiled).
pub fn text(mib: &Mib, r: TextRef) -> Option<String> {
    TextReader::default().text(mib, r)
}

/// Reads descriptions back from files, keeping the last file read: a module's definitions
/// are consecutive, so a search over every description reads each file once.
#[derive(Debug, Default)]
pub struct TextReader {
    last: std::cell::RefCell<Option<(crate::mib::SourceId, std::sync::Arc<[u8]>)>>,
}

impl TextReader {
    pub fn text(&self, mib: &Mib, r: TextRef) -> Option<String> {
        if let Some(t) = mib.text(r) {
            return Some(t);
        }
        let mut last = self.last.borrow_mut();
        let bytes = match last.as_ref() {
            Some((id, bytes)) if *id == r.source => std::sync::Arc::clone(bytes),
            _ => {
                let bytes: std::sync::Arc<[u8]> =
                    std::fs::read(mib.source_path(r.source)).ok()?.into();
                *last = Some((r.source, std::sync::Arc::clone(&bytes)));
                bytes
            }
        };
        Some(crate::mib::tree::text_from_source(&bytes, r.span))
    }
}
