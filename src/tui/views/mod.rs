//! The screens of the TUI (one file or folder each) and what they share: describing MIB
//! definitions, cross-references, lists, popups and the details pane.
//!
//! To add a view: implement `Component` + `View` (see `component.rs`), give it a `ViewId`,
//! and add it to the list `tui::build_views` returns; `Tab` and the help come for free.

pub mod agents;
pub mod browser;
pub mod describe;
pub mod details;
pub mod diagnostics;
pub mod filter;
pub mod interfaces;
pub mod list;
pub mod login;
pub mod modules;
pub mod overlays;
pub mod system;
pub mod table;
pub mod traps;
pub mod types;
pub mod xref;
