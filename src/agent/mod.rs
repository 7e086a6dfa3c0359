//! The simulated agent (`mibscope agent`): serves a snapshot of a device over SNMP v1, v2c
//! and (with `AgentConfig::usm`) v3, for tests, benchmarks and demos, with counters that
//! move, faults on demand and restarts a v3 manager must re-synchronise after.
//!
//! - `snapshot`: the text formats a snapshot is read from (native lines, Net-SNMP walks);
//! - `store`: the served objects in OID order, their values over time, Set's checks, and
//!   the v3 engine's own objects (snmpEngine group, usmStats and the other Report counters);
//! - `responder`: a request PDU in, its response out (RFC 3416 section 4.2, v1 rules);
//! - `dispatcher`: the sans-IO agent: v1/v2c messages, communities, faults, restarts;
//! - `v3`: the SNMPv3 message layer: USM (every level and algorithm), Reports, contexts,
//!   per-user access; user specs and the test bed's users;
//! - `faults`: the fault options and the seeded generator behind them;
//! - `flap`: a link that goes down and up on a schedule (with linkDown/linkUp);
//! - `runner`: the tokio shell: UDP sockets, delayed replies, start/stop handles.
pub mod dispatcher;
pub mod faults;
pub mod flap;
pub mod responder;
pub mod runner;
pub mod snapshot;
pub mod store;
pub mod v3;

pub use dispatcher::{
    Agent, AgentConfig, AgentStats, CommunityAccess, Event, Handled, NotifyTarget, Transmit,
};
pub use faults::Faults;
pub use responder::Rights;
pub use snapshot::Snapshot;
pub use store::{ObjectStore, StoreOptions};
pub use v3::{UsmConfig, V3User};

#[cfg(test)]
mod v3_tests;
