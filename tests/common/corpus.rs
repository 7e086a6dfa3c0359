//! The vendor MIB corpus for the MIB tests, unpacked on demand into target/.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the corpus tarball may be: `$MIBSCOPE_MIB_CORPUS_TARBALL`, else the shared folder
/// next to the checkout.
fn tarball() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("MIBSCOPE_MIB_CORPUS_TARBALL") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared", "../../shared", "/work/shared"]
        .iter()
        .map(|base| root.join(base).join("mibs/vendor-corpus.tar.xz"))
        .find(|p| p.is_file())
}

/// The unpacked corpus (`target/mib-corpus`), unpacking the tarball the first time.
/// Without a tarball: `None` and a message, or a failure when `CI=true`.
pub fn corpus_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/mib-corpus");
    if dir.join("rfc").is_dir() {
        return Some(dir);
    }
    let Some(tar) = tarball().filter(|p| p.is_file()) else {
        let msg =
            "MIB corpus tarball not found (set MIBSCOPE_MIB_CORPUS_TARBALL); corpus test skipped";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return None;
    };
    std::fs::create_dir_all(&dir).expect("create target/mib-corpus");
    let status = Command::new("tar")
        .arg("-xJf")
        .arg(&tar)
        .arg("-C")
        .arg(&dir)
        .status()
        .expect("run tar");
    assert!(status.success(), "tar -xJf {} failed", tar.display());
    Some(dir)
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir).0
}

/// Every directory under `dir` (not `dir` itself), sorted, as Net-SNMP needs them listed.
pub fn dirs_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir).1
}

/// (files, directories) under `dir`, each sorted.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p.clone());
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    dirs.sort();
    (files, dirs)
}
