//! The compiled MIB's cache file: a round trip keeps everything users see, and a corrupt file
//! is refused, never a panic.

use super::*;
use crate::mib::cache::CacheError;

#[test]
fn cache_round_trip_keeps_everything_users_see() {
    let mib = compile_with(
        CompileOptions {
            retain_sources: false,
            ..CompileOptions::default()
        },
        &[
            ("EX-MIB.txt", V2_MIB),
            ("R-MIB.txt", relaxations::CASES[2].text),
        ],
    );
    let bytes = mib.encode();
    let back = Mib::decode(&bytes, &|_| None).unwrap();
    assert_eq!(back.encode(), bytes);
    for name in ["exName.3", "EX-MIB::exAlarm", "rObj", ".iso.org"] {
        assert_eq!(oid(&back, name), oid(&mib, name));
    }
    assert_eq!(back.diagnostics(), mib.diagnostics());
    let t = back
        .def(back.find("exRowStatus").unwrap())
        .syntax()
        .unwrap();
    assert_eq!(t.label_of(1), Some("active"));
    // Built-in descriptions come back without the files.
    let rs = t.tc.unwrap();
    assert!(
        rs.description()
            .unwrap()
            .contains("The RowStatus textual convention")
    );
    assert_eq!(
        back.module_status(back.module_id("R-MIB").unwrap()),
        Some(ModuleStatus::LoadedWithWarnings)
    );
}

#[test]
fn corrupt_cache_is_refused_never_a_panic() {
    let mib = compile(&[("EX-MIB.txt", V2_MIB)]);
    let bytes = mib.encode();
    assert!(Mib::decode(&bytes[..bytes.len() - 1], &|_| None).is_err());
    assert!(Mib::decode(b"", &|_| None).is_err());
    assert!(Mib::decode(b"MIBSCOPE-MIB\x02\0\0\0", &|_| None).is_err());
    for cut in (0..bytes.len()).step_by(97) {
        assert!(Mib::decode(&bytes[..cut], &|_| None).is_err());
    }
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert_eq!(
        Mib::decode(&flipped, &|_| None).unwrap_err(),
        CacheError::Checksum
    );
    let mut version = bytes.clone();
    version[12] = 99;
    assert!(matches!(
        Mib::decode(&version, &|_| None),
        Err(CacheError::Version { found: 99 })
    ));
}
