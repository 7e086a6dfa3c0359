//! The simulated agent (`mibscope agent`): serves a snapshot of a device over SNMP v1/v2c
//! for tests, benchmarks and demos, with counters that move and faults on demand.
//!
//! - `snapshot`: the text formats a snapshot is read from (native lines, Net-SNMP walks);
//! - `store`: the served objects in OID order, their values over time, Set's checks.
pub mod snapshot;
pub mod store;
