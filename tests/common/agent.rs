//! For the tests that run the simulated agent in-process and point a manager at it
//! (Net-SNMP's tools or the mibscope binary). Every command runs with a time limit and
//! every agent listens on 127.0.0.1 only.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mibscope::agent::runner::{BackgroundAgent, RunnerOptions};
use mibscope::agent::snapshot::Initial;
use mibscope::agent::{Agent, AgentConfig, Faults, Snapshot, StoreOptions};
use mibscope::proto::{Oid, Value};

pub use super::COMMAND_LIMIT;

/// Whether Net-SNMP's `tool` is installed (see `super::missing` for CI and skipping).
pub fn have_tool(tool: &str) -> bool {
    !super::missing(tool)
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Ran {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Runs `program args` to completion, killing it and failing the test past `limit`.
pub fn run_limited(program: &str, args: &[&str], limit: Duration) -> Ran {
    let started = Instant::now();
    let out = super::output_within(Command::new(program).args(args), limit);
    Ran {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

pub fn run(program: &str, args: &[&str]) -> Ran {
    run_limited(program, args, COMMAND_LIMIT)
}

/// The mibscope binary built for these tests.
pub fn mibscope() -> &'static str {
    env!("CARGO_BIN_EXE_mibscope")
}

/// An agent serving `snapshot` on 127.0.0.1 with `config`.
pub fn start(snapshot: &Snapshot, store: &StoreOptions, config: AgentConfig) -> BackgroundAgent {
    let agent = Agent::from_snapshot(snapshot, store, config, Instant::now());
    BackgroundAgent::start(agent, RunnerOptions::loopback_ephemeral()).expect("start the agent")
}

/// The embedded switch with frozen counters (values stay put between walks).
pub fn frozen_switch_with(config: AgentConfig) -> BackgroundAgent {
    let frozen = StoreOptions {
        rates: false,
        ..StoreOptions::default()
    };
    start(&Snapshot::embedded_switch(), &frozen, config)
}

/// The frozen switch with `faults`, on a fixed seed.
pub fn frozen_switch(faults: Faults) -> BackgroundAgent {
    frozen_switch_with(AgentConfig {
        faults,
        seed: 20_260_601,
        ..AgentConfig::default()
    })
}

/// `udp:127.0.0.1:PORT`, as Net-SNMP and mibscope take it.
pub fn spec(addr: SocketAddr) -> String {
    format!("udp:{addr}")
}

/// The frozen switch whose largest response is `bytes` (RFC 3416's local limit).
pub fn size_limited_switch(bytes: usize) -> BackgroundAgent {
    frozen_switch_with(AgentConfig {
        max_message_size: mibscope::agent::dispatcher::MessageSize(bytes),
        ..AgentConfig::default()
    })
}

/// A Net-SNMP tool without MIBs, numeric OIDs (`-m '' -On`), then `args`.
pub fn net_snmp(tool: &str, args: &[&str]) -> Ran {
    let mut all = vec!["-m", "", "-On"];
    all.extend_from_slice(args);
    run(tool, &all)
}

/// Starts `mibscope agent ARGS` and returns it with the first address it printed.
pub fn start_agent_binary(args: &[&std::ffi::OsStr]) -> (Child, String) {
    let mut child = Command::new(mibscope())
        .arg("agent")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mibscope agent");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = tx.send(first);
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(first) => (child, first.trim().to_string()),
        Err(_) => {
            let _ = child.kill();
            panic!("mibscope agent printed no address within 20 s")
        }
    }
}

/// Sends SIGTERM to a `start_agent_binary` agent and waits (20 s at most) for it to stop;
/// returns its exit status and what it wrote to stderr.
pub fn stop_agent_binary(mut child: Child) -> (Option<i32>, String) {
    let kill = run("kill", &["-TERM", &child.id().to_string()]);
    assert_eq!(kill.status, Some(0));
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for the agent") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("mibscope agent did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    (status.code(), stderr)
}

/// Objects a Net-SNMP tool printed (`-On`), read with the snapshot parser.
pub fn printed(stdout: &str, what: &str) -> Vec<(Oid, Value)> {
    Snapshot::parse(stdout, what)
        .unwrap_or_else(|e| panic!("{what}: {e}\n{stdout}"))
        .objects
        .into_iter()
        .map(|o| match o.initial {
            Initial::Fixed(v) => (o.oid, v),
            Initial::Uptime => panic!("{what}: a walk never says 'uptime'"),
        })
        .collect()
}
