//! The simulated agent (`mibscope agent`): serves a snapshot of a device over SNMP v1/v2c
//! for tests, benchmarks and demos, with counters that move and faults on demand.
//!
//! - `snapshot`: the text formats a snapshot is read from (native lines, Net-SNMP walks);
//! - `store`: the served objects in OID order, their values over time, Set's checks;
//! - `responder`: a request PDU in, its response out (RFC 3416 section 4.2, v1 rules);
//! - `dispatcher`: the sans-IO agent: v1/v2c messages, communities, faults, restarts;
//! - `faults`: the fault options and the seeded generator behind them;
//! - `runner`: the tokio shell: UDP sockets, delayed replies, start/stop handles.
pub mod dispatcher;
pub mod faults;
pub mod responder;
pub mod runner;
pub mod snapshot;
pub mod store;

pub use dispatcher::{Agent, AgentConfig, AgentStats, CommunityAccess, Event, Handled, Transmit};
pub use faults::Faults;
pub use responder::Rights;
pub use snapshot::Snapshot;
pub use store::{ObjectStore, StoreOptions};
