//! Listing the MIB directories (recursively, hidden entries skipped, symlink loops cut) with
//! each file's size and modification time, and indexing files by the module they define.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::LoadReport;

/// A file found in a MIB directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u64,
}

/// How deep directories are followed (symlink loops end here at the latest).
const MAX_DEPTH: usize = 16;

/// Every file under `dirs`, lowest precedence first: directories in the order given, files
/// of one directory tree sorted by path. Absent directories are listed in `absent`.
pub fn list_files(dirs: &[PathBuf], absent: &mut Vec<PathBuf>) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut seen_dirs: HashSet<PathBuf> = HashSet::new();
    for dir in dirs {
        if !dir.is_dir() {
            absent.push(dir.clone());
            continue;
        }
        let start = out.len();
        walk(dir, 0, &mut seen_dirs, &mut out);
        out[start..].sort_by(|a, b| a.path.cmp(&b.path));
    }
    out
}

fn walk(dir: &Path, depth: usize, seen: &mut HashSet<PathBuf>, out: &mut Vec<SourceFile>) {
    if depth > MAX_DEPTH {
        return;
    }
    // The same directory reached twice (listed twice, or through a symlink): once only.
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(canonical) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Symlinks are followed (metadata of the target); other entries are stat'ed
        // relative to the open directory.
        let meta = match entry.file_type() {
            Ok(t) if t.is_symlink() => std::fs::metadata(&path),
            _ => entry.metadata(),
        };
        let Ok(meta) = meta else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, depth + 1, seen, out);
        } else if meta.is_file() {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            out.push(SourceFile {
                path,
                size: meta.len(),
                mtime_ns,
            });
        }
    }
}

/// How much of a file is read to find its module name; the whole file when the name is
/// not in it.
const HEAD_BYTES: u64 = 16 * 1024;

/// The module index of a list of files.
#[derive(Debug, Default)]
pub struct ModuleIndex {
    /// Module name to the index of the file defining it.
    pub modules: HashMap<String, usize>,
    /// Files that define no module, and what they hold instead.
    pub not_mibs: Vec<(usize, crate::mib::NotAMib)>,
}

/// Module name to the index of the file defining it in `files`; later files take
/// precedence (Net-SNMP: later directories win). Only the first module of each file is
/// indexed, as Net-SNMP does. Files without a module are listed apart.
pub fn index_modules(files: &[SourceFile], report: &mut LoadReport) -> ModuleIndex {
    let mut index = HashMap::with_capacity(files.len());
    let mut not_mibs = Vec::new();
    let mut buf = Vec::with_capacity(HEAD_BYTES as usize);
    for (i, f) in files.iter().enumerate() {
        buf.clear();
        let head = std::fs::File::open(&f.path)
            .and_then(|file| file.take(HEAD_BYTES).read_to_end(&mut buf));
        if let Err(source) = head {
            report.unreadable.push(super::StoreError::Read {
                path: f.path.clone(),
                source,
            });
            continue;
        }
        let mut names = crate::mib::scan_module_names(&buf);
        if names.is_empty() && f.size > HEAD_BYTES {
            if let Ok(all) = std::fs::read(&f.path) {
                names = crate::mib::scan_module_names(&all);
            }
        }
        match names.into_iter().next() {
            Some(name) => {
                index.insert(name, i);
            }
            None => not_mibs.push((i, crate::mib::NotAMib::of(&buf))),
        }
    }
    ModuleIndex {
        modules: index,
        not_mibs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_recursively_skips_hidden_and_indexes_by_module_name() {
        let root = std::env::temp_dir().join(format!("mibscope-scan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let a = root.join("a");
        let b = root.join("b/deeper");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("x.my"), "FOO-MIB DEFINITIONS ::= BEGIN END").unwrap();
        std::fs::write(a.join(".hidden"), "BAR-MIB DEFINITIONS ::= BEGIN END").unwrap();
        std::fs::write(b.join("y"), "FOO-MIB DEFINITIONS ::= BEGIN END").unwrap();
        std::fs::write(b.join("README"), "no module here").unwrap();
        let mut absent = Vec::new();
        let files = list_files(&[a.clone(), root.join("b"), root.join("nope")], &mut absent);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/x.my", "b/deeper/README", "b/deeper/y"]);
        assert_eq!(absent, [root.join("nope")]);
        assert!(files.iter().all(|f| f.size > 0 && f.mtime_ns > 0));
        let mut report = LoadReport::default();
        let index = index_modules(&files, &mut report);
        // The later directory wins.
        assert_eq!(index.modules.get("FOO-MIB"), Some(&2));
        assert_eq!(index.modules.len(), 1);
        assert_eq!(index.not_mibs, [(1, crate::mib::NotAMib::Text)]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
