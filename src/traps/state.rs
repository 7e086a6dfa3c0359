//! SNMP engine state kept across restarts, in small text files under the state directory,
//! each rewritten atomically (a temporary file synced, then renamed over the old one):
//!
//! - the receiver's (`traps.state`): its engine id and snmpEngineBoots, one more at each
//!   start (RFC 3414 section 2.2, so a v3 inform sender's view of our clock stays right),
//!   and the sender engine ids learned for users (`learn_engine_ids`), so a restart does
//!   not forget them;
//! - a v3 trap sender's (`sender.state`, `mibscope trap -v3` without `-Z`): snmpEngineBoots
//!   per engine id, raised when the clock went back, so that with an engine time that only
//!   grows a receiver checking timeliness (RFC 3414 3.2 step 7b) never takes a trap sent
//!   after a reboot for a replay.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::receiver::{LearnedEngine, MAX_REMOTE_ENGINES};
use crate::proto::usm::{EngineBoots, EngineId, EngineTime, MAX_ENGINE_BOOTS, UserName};

/// What the receiver's state file holds after this start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineState {
    pub engine_id: EngineId,
    pub boots: EngineBoots,
    /// Sender engine ids learned for users, oldest first.
    pub learned: Vec<LearnedEngine>,
}

/// The state directory: `$STATE_DIRECTORY` (systemd's StateDirectory=), else
/// `$XDG_STATE_HOME/mibscope`, else `~/.local/state/mibscope`.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STATE_DIRECTORY") {
        return std::env::split_paths(&dir).next();
    }
    let base = match std::env::var_os("XDG_STATE_HOME") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("mibscope"))
}

/// Where the receiver's state file goes by default: `traps.state` in [`state_dir`].
pub fn default_path() -> Option<PathBuf> {
    state_dir().map(|d| d.join("traps.state"))
}

/// Where `mibscope trap` keeps its engine boots by default: `sender.state` in
/// [`state_dir`].
pub fn default_sender_path() -> Option<PathBuf> {
    state_dir().map(|d| d.join("sender.state"))
}

/// A fresh engine id: RFC 3411's format 5 (octets) under Net-SNMP's enterprise number, as
/// the agent's ids are, with 8 bytes from the clock and the process id hashed.
pub fn new_engine_id() -> EngineId {
    let mut bytes = vec![0x80, 0x00, 0x1F, 0x88, 0x05];
    bytes.extend_from_slice(&crate::net::random_seed().to_be_bytes());
    EngineId::new(bytes)
}

/// Replaces `path` with `contents` so that a reader (or a crash) sees the old file or the
/// new one, never a mix: a temporary file beside it, synced, renamed over it, the directory
/// synced. Creates the directory.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Some(dir) = dir {
        // Makes the rename itself durable; not every system lets a directory be opened.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// The file's text, or "" when there is none yet.
fn read_or_empty(path: &Path) -> io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e),
    }
}

/// `0x` and the bytes in hex: how user names are kept (they may hold any byte).
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// The lines of a state file as (keyword, the rest), comments and blank lines left out.
fn entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(char::is_whitespace))
        .map(|(k, v)| (k, v.trim()))
}

fn parse(text: &str) -> (Option<EngineId>, Option<u32>, Vec<LearnedEngine>) {
    let mut engine_id = None;
    let mut boots = None;
    let mut learned = Vec::new();
    for (key, value) in entries(text) {
        match key {
            "engine_id" => engine_id = value.parse().ok(),
            "boots" => boots = value.parse().ok(),
            "learned" => {
                let mut words = value.split_whitespace();
                let engine = words.next().and_then(|w| w.parse::<EngineId>().ok());
                let user = words.next().and_then(|w| crate::proto::hex::decode(w).ok());
                if let (Some(engine_id), Some(user)) = (engine, user) {
                    if learned.len() < MAX_REMOTE_ENGINES {
                        learned.push(LearnedEngine {
                            engine_id,
                            user: UserName::new(user),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    (engine_id, boots, learned)
}

/// Reads the state (if any), counts this start (boots + 1; 1 for a new or changed engine
/// id) and writes it back before returning. `configured` wins over the stored id. Learned
/// sender engines are kept whatever our own engine id.
pub fn boot(path: &Path, configured: Option<&EngineId>) -> io::Result<EngineState> {
    let (stored_id, stored_boots, learned) = parse(&read_or_empty(path)?);
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
    let state = EngineState {
        engine_id,
        boots: EngineBoots(boots),
        learned,
    };
    save(path, &state)?;
    Ok(state)
}

/// Writes the receiver's state (at start, and when an engine id is learned).
pub fn save(path: &Path, state: &EngineState) -> io::Result<()> {
    let mut text = format!(
        "# mibscope traps: this receiver's SNMP engine (RFC 3414 2.2) and the sender engine ids\n\
         # learned for users (learned ENGINE-ID USER-NAME-IN-HEX); do not edit while it runs\n\
         engine_id {}\nboots {}\n",
        state.engine_id, state.boots
    );
    for l in &state.learned {
        text.push_str(&format!(
            "learned {} {}\n",
            l.engine_id,
            hex(l.user.as_bytes())
        ));
    }
    write_atomically(path, text.as_bytes())
}

/// Engine time of a v3 trap sender: seconds since 2020-01-01 UTC on the wall clock, the
/// same for every run and every user of a host (so runs sharing an engine id agree), and
/// below RFC 3414's 2^31-1 until 2088.
const SENDER_EPOCH: u64 = 1_577_836_800;

/// How many engine ids `sender.state` keeps (the most recently used).
const MAX_SENDER_ENGINES: usize = 256;

/// snmpEngineBoots and snmpEngineTime for a v3 trap sent now from `engine_id`, with the
/// boots kept in `path`: 1 for a new engine id; raised by one when the wall clock went
/// back since the last trap from it, so that (boots, time) never goes backwards. The file
/// is written before returning.
pub fn sender_clock(
    path: &Path,
    engine_id: &EngineId,
    now: SystemTime,
) -> io::Result<(EngineBoots, EngineTime)> {
    let time = sender_time(now);
    let text = read_or_empty(path)?;
    // engine ENGINE-ID boots N time T, most recent last.
    let mut engines: Vec<(EngineId, u32, u32)> = entries(&text)
        .filter(|(k, _)| *k == "engine")
        .filter_map(|(_, v)| {
            let w: Vec<&str> = v.split_whitespace().collect();
            match w.as_slice() {
                [id, "boots", b, "time", t] => {
                    Some((id.parse().ok()?, b.parse().ok()?, t.parse().ok()?))
                }
                _ => None,
            }
        })
        .collect();
    let boots = match engines.iter().position(|(id, ..)| id == engine_id) {
        Some(i) => {
            let (_, boots, last) = engines.remove(i);
            if time.0 < last {
                boots.saturating_add(1).min(MAX_ENGINE_BOOTS)
            } else {
                boots
            }
        }
        None => 1,
    };
    engines.push((engine_id.clone(), boots, time.0));
    let skip = engines.len().saturating_sub(MAX_SENDER_ENGINES);
    let mut out = String::from(
        "# mibscope trap: snmpEngineBoots of SNMPv3 trap senders (RFC 3414 2.2), by engine id;\n\
         # time is the engine time of the last trap (seconds since 2020-01-01 UTC)\n",
    );
    for (id, b, t) in &engines[skip..] {
        out.push_str(&format!("engine {id} boots {b} time {t}\n"));
    }
    write_atomically(path, out.as_bytes())?;
    Ok((EngineBoots(boots), time))
}

/// The engine time `sender_clock` gives at `now`, for a sender that keeps no state.
pub fn sender_time(now: SystemTime) -> EngineTime {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(SENDER_EPOCH);
    EngineTime(u32::try_from(secs.min(u64::from(MAX_ENGINE_BOOTS))).unwrap_or(MAX_ENGINE_BOOTS))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mibscope-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn boots_grow_across_starts_and_reset_with_a_new_engine_id() {
        let dir = dir("state");
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

    #[test]
    fn learned_engines_are_kept_across_starts_and_odd_lines_skipped() {
        let dir = dir("learned");
        let path = dir.join("traps.state");
        let mut state = boot(&path, None).unwrap();
        assert!(state.learned.is_empty());
        let learned = vec![
            LearnedEngine {
                engine_id: "0x80001F880474622D7472617073".parse().unwrap(),
                user: UserName::new("sha-aes"),
            },
            LearnedEngine {
                engine_id: "0x80001F88046F746865722D73656E646572".parse().unwrap(),
                user: UserName::new(b"odd name\n\x00".to_vec()),
            },
        ];
        state.learned.clone_from(&learned);
        save(&path, &state).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("learned 0x12 nothex\nlearned\nwhat ever\n");
        std::fs::write(&path, text).unwrap();
        let again = boot(&path, None).unwrap();
        assert_eq!(again.learned, learned);
        assert_eq!(again.boots, EngineBoots(2));
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sender_boots_rise_only_when_the_clock_went_back() {
        let dir = dir("sender");
        let path = dir.join("sender.state");
        let a: EngineId = "0x80001F880474622D7472617073".parse().unwrap();
        let b: EngineId = "0x80001F88046F746865722D73656E646572".parse().unwrap();
        let t0 = UNIX_EPOCH + Duration::from_secs(SENDER_EPOCH + 1_000_000);
        let later = t0 + Duration::from_secs(3600);
        assert_eq!(
            sender_clock(&path, &a, t0).unwrap(),
            (EngineBoots(1), EngineTime(1_000_000))
        );
        assert_eq!(
            sender_clock(&path, &a, later).unwrap(),
            (EngineBoots(1), EngineTime(1_003_600))
        );
        assert_eq!(sender_clock(&path, &b, t0).unwrap().0, EngineBoots(1));
        // The clock stepped back: boots go up, so (boots, time) still grows.
        assert_eq!(
            sender_clock(&path, &a, t0).unwrap(),
            (EngineBoots(2), EngineTime(1_000_000))
        );
        assert_eq!(sender_clock(&path, &a, later).unwrap().0, EngineBoots(2));
        assert_eq!(sender_clock(&path, &b, later).unwrap().0, EngineBoots(1));
        assert_eq!(sender_time(UNIX_EPOCH), EngineTime(0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
