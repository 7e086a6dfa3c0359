//! The trap and inform receiver: a sans-IO core and the tokio pieces around it.
//!
//! - `notification`: the [`Notification`] every consumer gets (RFC 3584 v1 translation);
//! - `access`: who may send (communities per network, v3 users per engine id);
//! - `receiver`: the sans-IO core: bytes, source and time in; notifications, replies
//!   (inform Responses, Reports, discovery answers) and drop reasons out;
//! - `render`: a notification as one text line or one JSON object (with MIB names);
//! - `state`: the engine id and boots kept across restarts (a small file);
//! - `listener`: the tokio listener: sockets with large receive buffers, reception on its
//!   own task, subscribers fed through bounded queues with overflow counted.

pub mod access;
pub mod config;
pub mod listener;
pub mod notification;
pub mod receiver;
pub mod render;
pub mod sinks;
pub mod state;

pub use access::{Access, CommunityRule, IpNet, TrapUser};
pub use notification::{Notification, NotificationKind, NotificationSecurity, V1Fields};
pub use receiver::{DropReason, Dropped, Handled, LocalIdentity, Receiver, ReceiverStats};
