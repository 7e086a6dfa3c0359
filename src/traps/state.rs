//! The receiver's SNMP engine identity kept across restarts (RFC 3414 section 2.2:
//! snmpEngineBoots grows at each start, so a v3 inform sender's view of our clock stays
//! right): a small text file, `engine_id 0x...` and `boots N`, rewritten at each start.

use std::io;
use std::path::{Path, PathBuf};

use crate::proto::usm::{EngineBoots, EngineId, MAX_ENGINE_BOOTS};

/// What the state file holds after this start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineState {
    pub engine_id: EngineId,
    pub boots: EngineBoots,
}

/// Where the state file goes by default: `$STATE_DIRECTORY/traps.state` (systemd's
/// StateDirectory=), else `$XDG_STATE_HOME/mibscope/traps.state`, else
/// `~/.local/state/mibscope/traps.state`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STATE_DIRECTORY") {
        let first = std::env::split_paths(&dir).next()?;
        return Some(first.join("traps.state"));
    }
    let base = match std::env::var_os("XDG_STATE_HOME") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("mibscope").join("traps.state"))
}

/// A fresh engine id: RFC 3411's format 5 (octets) under Net-SNMP's enterprise number, as
/// the agent's ids are, with 8 bytes from the clock and the process id hashed.
pub fn new_engine_id() -> EngineId {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    let mut bytes = vec![0x80, 0x00, 0x1F, 0x88, 0x05];
    bytes.extend_from_slice(&h.finish().to_be_bytes());
    EngineId::new(bytes)
}

fn parse(text: &str) -> (Option<EngineId>, Option<u32>) {
    let mut engine_id = None;
    let mut boots = None;
    for line in text.lines() {
        match line.trim().split_once(char::is_whitespace) {
            Some(("engine_id", v)) => engine_id = v.trim().parse().ok(),
            Some(("boots", v)) => boots = v.trim().parse().ok(),
            _ => {}
        }
    }
    (engine_id, boots)
}

/// Reads the state (if any), counts this start (boots + 1; 1 for a new or changed engine
/// id) and writes it back before returning. `configured` wins over the stored id.
pub fn boot(path: &Path, configured: Option<&EngineId>) -> io::Result<EngineState> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let (stored_id, stored_boots) = parse(&text);
    let engine_id = configured
        .cloned()
        .or_else(|| stored_id.clone())
        .unwrap_or_else(new_engine_id);
    let boots = match stored_boots {
        Some(b) if stored_id.as_ref() == Some(&engine_id) => {
            b.saturating_add(1).min(MAX_ENGINE_BOOTS)
        }
        _ => 1,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("state.tmp");
    std::fs::write(
        &tmp,
        format!(
            "# mibscope traps: this receiver's SNMP engine (RFC 3414 2.2); do not edit while it runs\nengine_id {engine_id}\nboots {boots}\n"
        ),
    )?;
    std::fs::rename(&tmp, path)?;
    Ok(EngineState {
        engine_id,
        boots: EngineBoots(boots),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boots_grow_across_starts_and_reset_with_a_new_engine_id() {
        let dir = std::env::temp_dir().join(format!("mibscope-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub/traps.state");
        let first = boot(&path, None).unwrap();
        assert_eq!(first.boots, EngineBoots(1));
        assert!(first.engine_id.has_valid_length());
        let second = boot(&path, None).unwrap();
        assert_eq!(second.engine_id, first.engine_id);
        assert_eq!(second.boots, EngineBoots(2));
        let other: EngineId = "0x80001F88046D696273636F7065".parse().unwrap();
        let third = boot(&path, Some(&other)).unwrap();
        assert_eq!(
            (third.engine_id, third.boots),
            (other.clone(), EngineBoots(1))
        );
        assert_eq!(boot(&path, Some(&other)).unwrap().boots, EngineBoots(2));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
