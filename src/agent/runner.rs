//! The tokio shell around the sans-IO `Agent`: UDP sockets (127.0.0.1 and ::1 usually),
//! the clock, delayed replies, and a control handle. Nothing about SNMP is decided here.
//!
//! In a test, start an agent in-process and talk to it on its address:
//!
//! ```no_run
//! use std::time::Instant;
//! use mibscope::agent::{Agent, AgentConfig, Snapshot, StoreOptions};
//! use mibscope::agent::runner::{BackgroundAgent, RunnerOptions};
//!
//! let agent = Agent::from_snapshot(
//!     &Snapshot::embedded_switch(),
//!     &StoreOptions::default(),
//!     AgentConfig::default(),
//!     Instant::now(),
//! );
//! let running = BackgroundAgent::start(agent, RunnerOptions::loopback_ephemeral()).unwrap();
//! let addr = running.local_addr(); // 127.0.0.1:<free port>
//! // ... run snmpget or mibscope against `addr` ...
//! let stats = running.shutdown();
//! ```
//!
//! For SNMPv3, give the agent an engine id and users (here the shared test bed's 45, whose
//! pass phrases are `<user>_authpass` / `<user>_privpass`):
//!
//! ```no_run
//! use std::time::Instant;
//! use mibscope::agent::{Agent, AgentConfig, Snapshot, StoreOptions};
//! use mibscope::agent::runner::{BackgroundAgent, RunnerOptions};
//! use mibscope::agent::v3::UsmConfig;
//!
//! let config = AgentConfig {
//!     usm: Some(UsmConfig::testbed()), // engine id v3::DEFAULT_ENGINE_ID
//!     ..AgentConfig::default()
//! };
//! let agent = Agent::from_snapshot(
//!     &Snapshot::embedded_switch(),
//!     &StoreOptions::default(),
//!     config,
//!     Instant::now(),
//! );
//! let running = BackgroundAgent::start(agent, RunnerOptions::loopback_ephemeral()).unwrap();
//! // snmpget -v3 -u sha-aes -l authPriv -a SHA -A sha-aes_authpass -x AES -X sha-aes_privpass
//! running.restart(); // snmpEngineBoots + 1, snmpEngineTime from 0: managers must resync
//! ```
//!
//! From async code, `spawn` gives a `RunningAgent` with the same methods, async.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::dispatcher::{Agent, AgentStats, Dropped, Event, Handled};
use crate::proto::usm::UsmReport;

/// What the runner writes to stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LogLevel {
    /// Nothing.
    #[default]
    Quiet,
    /// Datagrams the agent could not use: malformed, unknown community or version.
    Problems,
    /// Every datagram and what became of it.
    Requests,
}

#[derive(Clone, Debug)]
pub struct RunnerOptions {
    /// Addresses to bind. Port 0 picks a free port; the addresses after the first try the
    /// port the first one got, so 127.0.0.1 and ::1 usually share it.
    pub listen: Vec<SocketAddr>,
    pub log: LogLevel,
    /// Bind what can be bound and skip the rest (for defaults such as ::1 on a host
    /// without IPv6); otherwise any failure fails the start.
    pub skip_unavailable: bool,
}

impl RunnerOptions {
    /// 127.0.0.1 on a free port, quiet: what tests want.
    pub fn loopback_ephemeral() -> Self {
        RunnerOptions {
            listen: vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)],
            log: LogLevel::Quiet,
            skip_unavailable: false,
        }
    }
}

enum Control {
    Stats(oneshot::Sender<AgentStats>),
    Restart(oneshot::Sender<()>),
    Shutdown(oneshot::Sender<AgentStats>),
}

/// One received datagram, stamped with when it arrived.
struct Incoming {
    socket: usize,
    from: SocketAddr,
    at: Instant,
    bytes: Vec<u8>,
}

/// A reply waiting for its send time.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    send_at: Instant,
    seq: u64,
    socket: usize,
    dest: SocketAddr,
    payload: Vec<u8>,
}

/// Binds every address in `options.listen`.
pub async fn bind(options: &RunnerOptions) -> io::Result<Vec<UdpSocket>> {
    let mut sockets: Vec<UdpSocket> = Vec::new();
    let mut shared_port = None;
    let mut first_error = None;
    for addr in &options.listen {
        let bound = match (addr.port(), shared_port) {
            (0, Some(port)) => match UdpSocket::bind(SocketAddr::new(addr.ip(), port)).await {
                Ok(s) => Ok(s),
                Err(_) => UdpSocket::bind(addr).await,
            },
            _ => UdpSocket::bind(addr).await,
        };
        match bound {
            Ok(socket) => {
                if shared_port.is_none() && addr.port() == 0 {
                    shared_port = Some(socket.local_addr()?.port());
                }
                sockets.push(socket);
            }
            Err(e) if options.skip_unavailable => {
                first_error.get_or_insert(io::Error::new(
                    e.kind(),
                    format!("cannot listen on {addr}: {e}"),
                ));
            }
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot listen on {addr}: {e}"),
                ));
            }
        }
    }
    if sockets.is_empty() {
        return Err(first_error.unwrap_or_else(|| io::Error::other("no address to listen on")));
    }
    Ok(sockets)
}

/// An agent serving on the current tokio runtime.
pub struct RunningAgent {
    addrs: Vec<SocketAddr>,
    control: mpsc::UnboundedSender<Control>,
    task: JoinHandle<()>,
}

/// Binds the sockets and serves `agent` on them in a task of the current runtime.
pub async fn spawn(agent: Agent, options: RunnerOptions) -> io::Result<RunningAgent> {
    let sockets = bind(&options).await?;
    let addrs = sockets
        .iter()
        .map(UdpSocket::local_addr)
        .collect::<io::Result<Vec<_>>>()?;
    let (control, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(serve(agent, sockets, rx, options.log));
    Ok(RunningAgent {
        addrs,
        control,
        task,
    })
}

impl RunningAgent {
    /// Where the agent listens, in the order of `RunnerOptions::listen`.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    pub async fn stats(&self) -> AgentStats {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Stats(tx));
        rx.await.unwrap_or_default()
    }

    /// Restarts the agent now: sysUpTime, counters and snmpEngineTime from 0,
    /// snmpEngineBoots + 1.
    pub async fn restart(&self) {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Restart(tx));
        let _ = rx.await;
    }

    /// Stops serving and closes the sockets; returns the final counts.
    pub async fn shutdown(self) -> AgentStats {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Shutdown(tx));
        let stats = rx.await.unwrap_or_default();
        let _ = self.task.await;
        stats
    }
}

/// An agent serving on a thread of its own, for synchronous tests (that run Net-SNMP's
/// tools, say). Dropping it stops the agent.
pub struct BackgroundAgent {
    addrs: Vec<SocketAddr>,
    control: mpsc::UnboundedSender<Control>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundAgent {
    /// Binds and starts serving; returns once the sockets are bound.
    pub fn start(agent: Agent, options: RunnerOptions) -> io::Result<BackgroundAgent> {
        let (control, rx) = mpsc::unbounded_channel();
        let (addrs, thread) =
            crate::net::own_thread::spawn("mibscope-agent", |ready| async move {
                let sockets = match bind(&options).await {
                    Ok(s) => s,
                    Err(e) => return ready.send(Err(e)),
                };
                ready.send(
                    sockets
                        .iter()
                        .map(UdpSocket::local_addr)
                        .collect::<io::Result<Vec<_>>>(),
                );
                serve(agent, sockets, rx, options.log).await;
            })?;
        Ok(BackgroundAgent {
            addrs,
            control,
            thread: Some(thread),
        })
    }

    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    pub fn stats(&self) -> AgentStats {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Stats(tx));
        rx.blocking_recv().unwrap_or_default()
    }

    /// Restarts the agent now: sysUpTime, counters and snmpEngineTime from 0,
    /// snmpEngineBoots + 1.
    pub fn restart(&self) {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Restart(tx));
        let _ = rx.blocking_recv();
    }

    /// Stops the agent and waits for its thread; returns the final counts.
    pub fn shutdown(mut self) -> AgentStats {
        self.stop()
    }

    fn stop(&mut self) -> AgentStats {
        let (tx, rx) = oneshot::channel();
        let _ = self.control.send(Control::Shutdown(tx));
        let stats = rx.blocking_recv().unwrap_or_default();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        stats
    }
}

impl Drop for BackgroundAgent {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop();
        }
    }
}

/// The serving loop: datagrams from the socket readers go through the agent; replies leave
/// at their send time from the socket the request came in on.
async fn serve(
    mut agent: Agent,
    sockets: Vec<UdpSocket>,
    mut control: mpsc::UnboundedReceiver<Control>,
    log: LogLevel,
) {
    let sockets: Vec<Arc<UdpSocket>> = sockets.into_iter().map(Arc::new).collect();
    let (tx, mut incoming) = mpsc::channel::<Incoming>(1024);
    let readers: Vec<JoinHandle<()>> = sockets
        .iter()
        .enumerate()
        .map(|(i, s)| tokio::spawn(read_socket(i, Arc::clone(s), tx.clone(), log)))
        .collect();
    drop(tx);
    let mut pending: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut seq = 0u64;
    loop {
        let next_send = pending.peek().map(|Reverse(p)| p.send_at);
        let next_notification = agent.poll_timeout();
        tokio::select! {
            cmd = control.recv() => match cmd {
                Some(Control::Stats(reply)) => { let _ = reply.send(agent.stats()); }
                Some(Control::Restart(reply)) => {
                    agent.restart(Instant::now());
                    let _ = reply.send(());
                }
                Some(Control::Shutdown(reply)) => {
                    let _ = reply.send(agent.stats());
                    break;
                }
                // Every handle is gone.
                None => break,
            },
            datagram = incoming.recv() => {
                let Some(d) = datagram else { break };
                let handled = agent.handle_datagram(d.at, d.from, &d.bytes);
                log_event(log, d.from, &handled);
                let now = Instant::now();
                for t in handled.transmits {
                    if t.send_at <= now {
                        send(&sockets[d.socket], &t.payload, t.dest, log).await;
                    } else {
                        seq += 1;
                        pending.push(Reverse(Pending {
                            send_at: t.send_at,
                            seq,
                            socket: d.socket,
                            dest: t.dest,
                            payload: t.payload,
                        }));
                    }
                }
            }
            () = sleep_until(next_notification) => {
                for t in agent.handle_timeout(Instant::now()) {
                    // From a socket of the destination's family.
                    let socket = sockets
                        .iter()
                        .find(|s| {
                            s.local_addr().is_ok_and(|a| a.is_ipv4() == t.dest.is_ipv4())
                        })
                        .unwrap_or(&sockets[0]);
                    send(socket, &t.payload, t.dest, log).await;
                }
            }
            () = sleep_until(next_send) => {
                let now = Instant::now();
                while pending.peek().is_some_and(|Reverse(p)| p.send_at <= now) {
                    if let Some(Reverse(p)) = pending.pop() {
                        send(&sockets[p.socket], &p.payload, p.dest, log).await;
                    }
                }
            }
        }
    }
    for reader in readers {
        reader.abort();
    }
}

async fn read_socket(
    index: usize,
    socket: Arc<UdpSocket>,
    tx: mpsc::Sender<Incoming>,
    log: LogLevel,
) {
    let mut buf = vec![0u8; 65_536];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, from)) => {
                let incoming = Incoming {
                    socket: index,
                    from,
                    at: Instant::now(),
                    bytes: buf[..n].to_vec(),
                };
                if tx.send(incoming).await.is_err() {
                    return;
                }
            }
            // ICMP port-unreachable from an earlier reply shows up here on some systems.
            Err(e) => {
                if log >= LogLevel::Requests {
                    eprintln!("mibscope agent: receive error: {e}");
                }
            }
        }
    }
}

async fn send(socket: &UdpSocket, payload: &[u8], dest: SocketAddr, log: LogLevel) {
    if let Err(e) = socket.send_to(payload, dest).await {
        if log >= LogLevel::Problems {
            eprintln!("mibscope agent: cannot send to {dest}: {e}");
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

fn log_event(log: LogLevel, from: SocketAddr, handled: &Handled) {
    let problem = match &handled.event {
        Event::Dropped(d) => matches!(
            d,
            Dropped::Malformed(_)
                | Dropped::BadVersion(_)
                | Dropped::BadCommunity(_)
                | Dropped::NotARequest(..)
                | Dropped::TooBigToSend(_)
                | Dropped::V3(_)
        ),
        // Discovery is normal; every other Report says a manager got something wrong.
        Event::Reported { report, .. } => *report != UsmReport::UnknownEngineIds,
        Event::Answered { .. } => false,
    };
    if log >= LogLevel::Requests || (problem && log >= LogLevel::Problems) {
        if handled.restarted {
            eprintln!("mibscope agent: restarted (restart fault)");
        }
        eprintln!("mibscope agent: {from}: {}", handled.event);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::agent::faults::Faults;
    use crate::agent::{AgentConfig, Snapshot, StoreOptions};
    use crate::proto::engine::{Operation, Security, Target};
    use crate::proto::{Community, Value, Version};

    fn agent(faults: Faults) -> Agent {
        Agent::from_snapshot(
            &Snapshot::parse(
                ".1.3.6.1.2.1.1.5.0 STRING sw1\n.1.3.6.1.2.1.1.3.0 Timeticks uptime\n",
                "t",
            )
            .unwrap(),
            &StoreOptions::default(),
            AgentConfig {
                faults,
                ..AgentConfig::default()
            },
            Instant::now(),
        )
    }

    fn target(addr: SocketAddr) -> Arc<Target> {
        Arc::new(Target {
            addr,
            security: Security::Community {
                version: Version::V2c,
                community: Community::new("public"),
            },
            timeout: Duration::from_secs(2),
            retries: 1,
        })
    }

    #[tokio::test]
    async fn serves_the_client_and_shuts_down() {
        let running = spawn(
            agent(Faults::default()),
            RunnerOptions::loopback_ephemeral(),
        )
        .await
        .unwrap();
        let addr = running.local_addr();
        assert!(addr.ip().is_loopback() && addr.port() != 0);
        let client = crate::net::Client::bind().await.unwrap();
        let r = client
            .request(
                &target(addr),
                Operation::Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()]),
            )
            .await
            .unwrap();
        assert_eq!(r.varbinds[0].value, Value::OctetString(b"sw1".to_vec()));
        running.restart().await;
        assert_eq!(running.stats().await.restarts, 1);
        let stats = running.shutdown().await;
        assert_eq!((stats.datagrams, stats.answered), (1, 1));
    }

    #[test]
    fn background_agent_binds_v4_and_v6_on_one_port_when_it_can() {
        let options = RunnerOptions {
            listen: vec!["127.0.0.1:0".parse().unwrap(), "[::1]:0".parse().unwrap()],
            log: LogLevel::Quiet,
            skip_unavailable: true,
        };
        let running = BackgroundAgent::start(agent(Faults::default()), options).unwrap();
        let addrs = running.local_addrs().to_vec();
        assert!(!addrs.is_empty());
        if addrs.len() == 2 {
            assert_eq!(addrs[0].port(), addrs[1].port());
            assert!(addrs[1].is_ipv6());
        }
        // Two agents cannot share a port: the second start fails with the address in the error.
        let taken = RunnerOptions {
            listen: vec![addrs[0]],
            log: LogLevel::Quiet,
            skip_unavailable: false,
        };
        let err = BackgroundAgent::start(agent(Faults::default()), taken)
            .err()
            .unwrap();
        assert!(err.to_string().contains(&addrs[0].to_string()), "{err}");
        let stats = running.shutdown();
        assert_eq!(stats.datagrams, 0);
    }
}
