//! The Prometheus exporter (`mibscope exporter`): snmp_exporter's multi-target pattern
//! with modules compiled from the MIBs at start, no generator step.
//!
//! - `config`: `generator.yml` as snmp_exporter's users have it;
//! - `compile`: modules to metrics and OIDs, by the generator's rules, from our MIB, with
//!   `nodes` holding what the generator knows of each MIB node;
//! - `collect`: sans-IO, a scrape's varbinds to samples (index labels, lookups, types),
//!   with `values` rendering values and indexes as snmp_exporter does;
//! - `exposition`: samples to the text format through the `prometheus` crate;
//! - `scrape`: one scrape of one target through the fleet scheduler, within a deadline;
//! - `http`: the HTTP server (`/snmp`, `/metrics`, `/`).

pub mod collect;
pub mod compile;
pub mod config;
pub mod exposition;
pub mod http;
pub mod nodes;
pub mod scrape;
pub mod strptime;
pub mod values;
