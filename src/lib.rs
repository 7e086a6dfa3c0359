//! mibscope: a terminal SNMP network management station.
//!
//! Layers, top to bottom (arrows only point down):
//! - `tui` is the terminal UI (MIB browser and queries), a face of the same engine;
//! - `cli` parses Net-SNMP-style command lines and runs a subcommand;
//! - `output` renders varbinds as Net-SNMP text or JSON;
//! - `monitor` turns polls into rates and tables (sans-IO);
//! - `agent` is the simulated agent used by tests and demos;
//! - `session` turns option values, snmp.conf, the environment and named profiles into a
//!   `Target` for any face (CLI, TUI, poller), with typed errors and warnings;
//! - `net` is the tokio driver: one socket task owning the protocol engine;
//! - `mib_handle` holds the loaded MIB as a swappable `Arc` (reload, add -M at run time);
//! - `mib_view` shows the compiled MIB to `output` (names, syntax hints, INDEX);
//! - `mib_store` finds MIB files (-m, -M, MIBS, MIBDIRS), embeds the standard ones, caches;
//! - `mib` is the sans-IO MIB compiler (lexer, parser, resolver, OID tree);
//! - `traps` is the trap and inform receiver (sans-IO core, tokio listener);
//! - `proto` is the sans-IO protocol core (BER, messages, engine and walk state machines).

pub mod agent;
pub mod cli;
pub mod exporter;
pub mod fleet;
pub mod mib;
pub mod mib_handle;
pub mod mib_store;
pub mod mib_view;
pub mod monitor;
pub mod net;
pub mod output;
pub mod poller;
pub mod proto;
pub mod session;
pub mod traps;
pub mod tui;
