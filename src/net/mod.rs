//! The tokio side: the socket task that drives `proto::engine`, client handles, walks as
//! pull-based iterators, and agent address parsing. CLI, TUI, poller and trap daemon use it.

pub mod driver;
pub mod parallel;
pub mod target;

pub use crate::proto::engine::Progress;
pub use driver::{
    Client, Datagram, Direction, PacketLog, ProgressSender, TableWalkError, WalkItem, Walker,
};
pub use target::{AddressError, resolve_agent};
