//! Any datagram to the simulated agent, v1/v2c/v3 (the test bed's users configured).
#![no_main]
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use mibscope::agent::v3::UsmConfig;
use mibscope::agent::{Agent, AgentConfig, Snapshot, StoreOptions};

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static AGENT: std::cell::RefCell<Agent> = std::cell::RefCell::new(Agent::from_snapshot(
            &Snapshot::embedded_switch(),
            &StoreOptions::default(),
            AgentConfig { usm: Some(UsmConfig::testbed()), ..AgentConfig::default() },
            Instant::now(),
        ));
    }
    AGENT.with(|a| {
        let _ = a.borrow_mut().handle_datagram(
            Instant::now(),
            "127.0.0.1:40000".parse().unwrap(),
            data,
        );
    });
});
