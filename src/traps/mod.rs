//! The trap and inform receiver: a sans-IO core and the tokio pieces around it.
//!
//! - `notification`: the [`Notification`] every consumer gets (RFC 3584 v1 translation);
//! - `access`: who may send (communities per network, v3 users per engine id);
//! - `policy`: the access policy with every key derived, what a reload replaces;
//! - `receiver`: the sans-IO core: bytes, source and time in; notifications, replies
//!   (inform Responses, Reports, discovery answers) and drop reasons out;
//! - `render`: a notification as one text line or one JSON object (with MIB names);
//! - `config`: the daemon's TOML configuration file;
//! - `state`: engine ids, boots and learned sender engines kept across restarts (small
//!   files written atomically), for the daemon and for `mibscope trap -v3`;
//! - `listener`: the tokio listener: sockets with large receive buffers, one reception task
//!   and one receiver for every socket, subscribers fed through bounded queues with
//!   overflow counted, the policy replaced while it runs;
//! - `sinks`, `forward`, `syslog`: the daemon's outputs (log file, handlers, relays to
//!   other managers, syslog over UDP, TCP or the local socket), each behind a bounded
//!   queue.

pub mod access;
pub mod config;
pub mod forward;
pub mod listener;
pub mod notification;
pub mod outputs;
pub mod policy;
pub mod receiver;
pub mod render;
pub mod sinks;
pub mod state;
pub mod syslog;

pub use access::{Access, CommunityRule, IpNet, TrapUser};
pub use notification::{Notification, NotificationKind, NotificationSecurity, V1Fields};
pub use policy::Policy;
pub use receiver::{
    DropReason, Dropped, Handled, LearnedEngine, LocalIdentity, Receiver, ReceiverStats,
};
