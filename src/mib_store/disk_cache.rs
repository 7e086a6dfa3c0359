//! The compiled MIB on disk: one file per (configuration, set of MIB files), named by a
//! key hashed from the mibscope build, the configuration and every file's path, size and
//! mtime. Any change to a file or the search path gives a new key, so a cache is never
//! stale; a damaged file fails its checksum and is removed and rebuilt. Writes go through
//! a temporary file and a rename, so a crash never leaves half a cache behind. Only the
//! newest few caches are kept.

use std::path::{Path, PathBuf};

use super::StoreError;
use super::config::{MibConfig, ModuleSelection};
use super::embedded::EMBEDDED;
use super::scan::SourceFile;
use crate::mib::Mib;
use crate::mib::cache::stable_hash;

/// Caches kept in the folder; older ones are deleted.
const KEEP: usize = 8;

/// The cache key of a configuration and its files.
pub fn key(config: &MibConfig, files: &[SourceFile]) -> u64 {
    let mut k: Vec<u8> = Vec::with_capacity(files.len() * 64 + 256);
    k.extend_from_slice(b"mibscope-mib-cache\0");
    k.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    // The build itself: a rebuilt binary may compile differently.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        k.extend_from_slice(&meta.len().to_le_bytes());
        if let Ok(t) = meta.modified() {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                k.extend_from_slice(&d.as_nanos().to_le_bytes());
            }
        }
    }
    match &config.modules {
        ModuleSelection::All => k.extend_from_slice(b"\0all"),
        ModuleSelection::Default { extra } => {
            k.extend_from_slice(b"\0default");
            for m in extra {
                k.push(0);
                k.extend_from_slice(m.as_bytes());
            }
        }
        ModuleSelection::Only(list) => {
            k.extend_from_slice(b"\0only");
            for m in list {
                k.push(0);
                k.extend_from_slice(m.as_bytes());
            }
        }
    }
    k.extend_from_slice(&[0, u8::from(config.embedded), u8::from(config.strict)]);
    if config.embedded {
        for (name, text) in EMBEDDED {
            k.extend_from_slice(name.as_bytes());
            k.extend_from_slice(&(text.len() as u64).to_le_bytes());
        }
    }
    for d in &config.dirs {
        k.push(1);
        k.extend_from_slice(d.as_os_str().as_encoded_bytes());
    }
    for f in files {
        k.push(2);
        k.extend_from_slice(f.path.as_os_str().as_encoded_bytes());
        k.extend_from_slice(&f.size.to_le_bytes());
        k.extend_from_slice(&f.mtime_ns.to_le_bytes());
    }
    stable_hash(&k)
}

fn file_name(key: u64) -> String {
    format!("mibs-{key:016x}.bin")
}

/// Reads the cache for `key`: `Ok(None)` when there is none, an error (after removing the
/// file) when it is damaged or from another format.
pub fn read(
    dir: &Path,
    key: u64,
    static_text: &dyn Fn(&str) -> Option<&'static [u8]>,
) -> Result<Option<(Mib, PathBuf)>, StoreError> {
    let path = dir.join(file_name(key));
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Cache {
                path,
                reason: e.to_string(),
            });
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    match Mib::decode_from(&mut reader, len, static_text) {
        Ok(mib) => Ok(Some((mib, path))),
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err(StoreError::Cache {
                path,
                reason: e.to_string(),
            })
        }
    }
}

/// Writes the cache for `key` and prunes old caches.
pub fn write(dir: &Path, key: u64, mib: &Mib) -> Result<PathBuf, StoreError> {
    let path = dir.join(file_name(key));
    let err = |reason: String| StoreError::Cache {
        path: path.clone(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    let tmp = dir.join(format!(".{}.{}.tmp", file_name(key), std::process::id()));
    let bytes = mib.encode();
    if let Err(e) = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e.to_string()));
    }
    prune(dir);
    Ok(path)
}

/// Deletes all but the `KEEP` most recently written caches.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut caches: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with("mibs-") && n.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if caches.len() <= KEEP {
        return;
    }
    caches.sort_by_key(|c| std::cmp::Reverse(c.0));
    for (_, p) in caches.into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(p);
    }
}
