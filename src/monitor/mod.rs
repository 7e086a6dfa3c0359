//! What a live view computes from polls, sans-IO: counter rates with wrap and reset
//! handling, and the interface table. The demo prints it; the TUI will draw it.

pub mod interfaces;
pub mod rates;
