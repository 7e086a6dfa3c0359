//! What a live view computes from polls, sans-IO: counter rates with wrap and reset
//! handling (`rates`), the interface table joined from ifTable and ifXTable (`interfaces`),
//! and figures for people (`units`). The demo prints it; the TUI draws it.

pub mod interfaces;
pub mod rates;
pub mod units;
