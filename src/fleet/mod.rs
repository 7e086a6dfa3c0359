//! Many agents through one engine: the scheduler every daemon face shares (the exporter's
//! scrapes, the poller's rounds). `policy` decides, sans-IO: per-agent timeouts, retries
//! and GetBulk sizes learned from answers and silences, and fair permits bounded per agent
//! and in total. `pool` applies it over one `net::Client`, with Gets, subtree walks and
//! lock-step column walks on top.

pub mod policy;
pub mod pool;

pub use policy::{AgentPolicy, FairQueue, Health, Limits};
pub use pool::{Counters, FleetError, Pool, Work, join_all};
