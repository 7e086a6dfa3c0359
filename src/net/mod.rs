//! The tokio side: the socket task that drives `proto::engine`, client handles, walks as
//! pull-based iterators, and agent address parsing. CLI, TUI, poller and trap daemon use it.

pub mod driver;
pub mod own_thread;
pub mod parallel;
pub mod target;

pub use crate::proto::engine::Progress;
pub use driver::{
    Client, Datagram, Direction, PacketLog, ProgressSender, TableWalkError, WalkItem, Walker,
};
pub use target::{AddressError, resolve_agent};

/// 64 unpredictable bits for seeds (request ids, salts, generated engine ids): the
/// process's random hash keys over the clock and the process id. Not for secrets.
pub fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}
