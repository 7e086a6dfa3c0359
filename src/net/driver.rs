//! The tokio driver: one task owns one UDP socket (dual-stack when the host allows) and the
//! sans-IO `Engine`; any number of `Client` handles send it operations over a channel and
//! await their answers. Walks, pollers and the TUI all go through the same `Client`.
//!
//! A request whose future is dropped (a screen the user left, a poll cut short by a
//! timeout) is cancelled in the engine: nothing of it is sent again. A caller that wants
//! to show what happens on the way passes a `ProgressSender`.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::proto::engine::MaxRepetitions;
use crate::proto::engine::{
    Engine, EngineStats, Notice, OpId, Operation, Progress, RequestError, Response, Target,
};
use crate::proto::walk::{Step, TableWalk, Walk, WalkError, WalkOptions};
use crate::proto::{Oid, PduBody, VarBind};

type Reply = oneshot::Sender<Result<Response, RequestError>>;

/// Where a request's `Progress` goes (retries, discovery, resynchronisation, tooBig). Each
/// request sends a handful at most; a closed receiver is not an error.
pub type ProgressSender = mpsc::UnboundedSender<Progress>;

/// Names a request between a `Client` and the socket task, so a dropped caller can cancel it.
type RequestKey = u64;

/// Which way a datagram went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// A datagram as the socket task handles it: `peer` is the agent's address as the engine
/// knows it (IPv4, not IPv4-mapped), `local` the socket's own.
#[derive(Clone, Copy, Debug)]
pub struct Datagram<'a> {
    pub direction: Direction,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    pub bytes: &'a [u8],
}

/// Sees every datagram the socket task sends (just before it goes) and reads (before the
/// engine looks at it), for packet dumps (Net-SNMP's `-d`) and captures. It runs on the
/// socket task, so it should be quick.
pub trait PacketLog: Send + Sync {
    fn datagram(&self, datagram: &Datagram<'_>);
}

/// The socket task's optional `PacketLog`.
struct Observer {
    log: Option<Arc<dyn PacketLog>>,
    local: SocketAddr,
}

impl Observer {
    fn note(&self, direction: Direction, peer: SocketAddr, bytes: &[u8]) {
        if let Some(log) = &self.log {
            log.datagram(&Datagram {
                direction,
                peer: SocketAddr::new(peer.ip().to_canonical(), peer.port()),
                local: self.local,
                bytes,
            });
        }
    }
}

enum Command {
    Start {
        key: RequestKey,
        target: Arc<Target>,
        op: Operation,
        reply: Reply,
        progress: Option<ProgressSender>,
    },
    Cancel(RequestKey),
    Trap {
        target: Arc<Target>,
        pdu: PduBody,
        reply: oneshot::Sender<Result<(), RequestError>>,
    },
    Stats(oneshot::Sender<EngineStats>),
}

/// A handle on the socket task. Cheap to clone; the task ends when the last handle drops.
#[derive(Clone)]
pub struct Client {
    commands: mpsc::UnboundedSender<Command>,
    local: SocketAddr,
    next_key: Arc<AtomicU64>,
}

/// Cancels the request in the socket task unless disarmed (the answer arrived).
struct CancelOnDrop<'a> {
    commands: &'a mpsc::UnboundedSender<Command>,
    key: RequestKey,
    armed: bool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.commands.send(Command::Cancel(self.key));
        }
    }
}

impl Client {
    /// Binds a socket on an ephemeral port and spawns the task that owns it.
    pub async fn bind() -> io::Result<Client> {
        Self::bind_with_log(None).await
    }

    /// `bind`, with every datagram the socket sends and receives shown to `log`.
    pub async fn bind_with_log(log: Option<Arc<dyn PacketLog>>) -> io::Result<Client> {
        let socket = match UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).await {
            Ok(s) => s,
            // No IPv6 on this host: IPv4 only.
            Err(_) => UdpSocket::bind(("0.0.0.0", 0)).await?,
        };
        let local = socket.local_addr()?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(
            socket,
            rx,
            super::random_seed() as u32,
            Observer { log, local },
        ));
        Ok(Client {
            commands: tx,
            local,
            next_key: Arc::new(AtomicU64::new(1)),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Sends one operation and waits for its outcome (retries and timeouts included).
    /// Dropping the future cancels the operation: nothing of it is sent again.
    pub async fn request(
        &self,
        target: &Arc<Target>,
        op: Operation,
    ) -> Result<Response, RequestError> {
        self.send(target, op, None).await
    }

    /// `request`, with each step on the way (transmissions and retries, engine discovery,
    /// resynchronisation, tooBig recovery) sent to `progress` as it happens.
    pub async fn request_with_progress(
        &self,
        target: &Arc<Target>,
        op: Operation,
        progress: ProgressSender,
    ) -> Result<Response, RequestError> {
        self.send(target, op, Some(progress)).await
    }

    async fn send(
        &self,
        target: &Arc<Target>,
        op: Operation,
        progress: Option<ProgressSender>,
    ) -> Result<Response, RequestError> {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Start {
                key,
                target: Arc::clone(target),
                op,
                reply,
                progress,
            })
            .map_err(|_| RequestError::Cancelled)?;
        let mut guard = CancelOnDrop {
            commands: &self.commands,
            key,
            armed: true,
        };
        let result = answer.await.unwrap_or(Err(RequestError::Cancelled));
        guard.armed = false;
        result
    }

    /// Sends a notification that gets no answer (SNMPv1 Trap, SNMPv2-Trap); returns once
    /// it is handed to the socket.
    pub async fn send_trap(&self, target: &Arc<Target>, pdu: PduBody) -> Result<(), RequestError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Trap {
                target: Arc::clone(target),
                pdu,
                reply,
            })
            .map_err(|_| RequestError::Cancelled)?;
        answer.await.unwrap_or(Err(RequestError::Cancelled))
    }

    /// What the engine has counted so far.
    pub async fn stats(&self) -> EngineStats {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Stats(tx)).is_err() {
            return EngineStats::default();
        }
        rx.await.unwrap_or_default()
    }

    /// Walks table columns in lock step (GetBulk, or GetNext for v1) and returns every
    /// value found, column by column in the order they came. Dropping the future cancels
    /// the request in flight.
    pub async fn walk_table(
        &self,
        target: &Arc<Target>,
        columns: Vec<Oid>,
        max_repetitions: u32,
    ) -> Result<Vec<VarBind>, TableWalkError> {
        self.walk_table_with_progress(target, columns, max_repetitions, None)
            .await
    }

    /// `walk_table`, with the progress of each of its requests sent to `progress`.
    pub async fn walk_table_with_progress(
        &self,
        target: &Arc<Target>,
        columns: Vec<Oid>,
        max_repetitions: u32,
        progress: Option<ProgressSender>,
    ) -> Result<Vec<VarBind>, TableWalkError> {
        let bulk = (target.security.version() != crate::proto::Version::V1)
            .then_some(MaxRepetitions(max_repetitions.max(1)));
        let mut walk = TableWalk::new(columns, bulk);
        while let Some(op) = walk.next_operation() {
            let response = self
                .send(target, op, progress.clone())
                .await
                .map_err(TableWalkError::Request)?;
            walk.handle_response(response)
                .map_err(TableWalkError::Walk)?;
        }
        Ok(walk.into_varbinds())
    }

    /// Starts a walk of `root`; pull its results with `Walker::next`.
    pub fn walk(&self, target: &Arc<Target>, root: Oid, options: WalkOptions) -> Walker {
        Walker {
            client: self.clone(),
            target: Arc::clone(target),
            walk: Walk::new(root, options),
            notices: Vec::new(),
            progress: None,
        }
    }
}

/// Why a table walk stopped short.
#[derive(Debug, thiserror::Error)]
pub enum TableWalkError {
    #[error(transparent)]
    Request(RequestError),
    #[error(transparent)]
    Walk(WalkError),
}

/// A walk in progress: each `next` makes one request and returns what it yielded.
/// Dropping a `next` future (or the `Walker` during one) cancels its request.
pub struct Walker {
    client: Client,
    target: Arc<Target>,
    walk: Walk,
    notices: Vec<Notice>,
    progress: Option<ProgressSender>,
}

impl Walker {
    /// A walker over a walk already set up (a parallel walk's serial fallback).
    pub fn from_walk(client: &Client, target: &Arc<Target>, walk: Walk) -> Walker {
        Walker {
            client: client.clone(),
            target: Arc::clone(target),
            walk,
            notices: Vec::new(),
            progress: None,
        }
    }
}

/// The outcome of one walk request.
pub enum WalkItem {
    Step(Step),
    Failed(RequestError),
}

impl Walker {
    /// Sends the progress of each request of the walk to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: ProgressSender) -> Walker {
        self.progress = Some(progress);
        self
    }

    /// One round trip; `None` once the walk has finished.
    pub async fn next(&mut self) -> Option<WalkItem> {
        let op = self.walk.next_operation()?;
        let progress = self.progress.clone();
        Some(match self.client.send(&self.target, op, progress).await {
            Ok(mut response) => {
                for n in response.notices.drain(..) {
                    if !self.notices.contains(&n) {
                        self.notices.push(n);
                    }
                }
                WalkItem::Step(self.walk.handle_response(response))
            }
            Err(e) => WalkItem::Failed(e),
        })
    }

    /// Varbinds yielded so far.
    pub fn count(&self) -> usize {
        self.walk.count()
    }

    /// What the engine noted along the way, each once.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }
}

/// The address to hand the socket: an IPv6 socket reaches IPv4 agents as mapped addresses.
fn wire_addr(socket_is_v6: bool, dest: SocketAddr) -> SocketAddr {
    match (socket_is_v6, dest.ip()) {
        (true, IpAddr::V4(v4)) => SocketAddr::new(IpAddr::V6(v4.to_ipv6_mapped()), dest.port()),
        _ => dest,
    }
}

/// A caller waiting for an operation's outcome.
struct Waiter {
    key: RequestKey,
    reply: Reply,
    progress: Option<ProgressSender>,
}

async fn run(
    socket: UdpSocket,
    mut commands: mpsc::UnboundedReceiver<Command>,
    seed: u32,
    observer: Observer,
) {
    let socket_is_v6 = socket.local_addr().map(|a| a.is_ipv6()).unwrap_or(false);
    let mut engine = Engine::new(seed);
    let mut waiting: HashMap<OpId, Waiter> = HashMap::new();
    let mut ops: HashMap<RequestKey, OpId> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    loop {
        while let Some(t) = engine.poll_transmit() {
            observer.note(Direction::Sent, t.dest, &t.payload);
            if let Err(e) = socket
                .send_to(&t.payload, wire_addr(socket_is_v6, t.dest))
                .await
            {
                engine.fail_destination(t.dest, e);
            }
        }
        while let Some(p) = engine.poll_progress() {
            if let Some(tx) = waiting.get(&p.op).and_then(|w| w.progress.as_ref()) {
                let _ = tx.send(p.progress);
            }
        }
        while let Some(ev) = engine.poll_event() {
            if let Some(w) = waiting.remove(&ev.op) {
                ops.remove(&w.key);
                let _ = w.reply.send(ev.result);
            }
        }
        let deadline = engine.poll_timeout();
        tokio::select! {
            cmd = commands.recv() => match cmd {
                Some(Command::Start { key, target, op, reply, progress }) => {
                    let now = Instant::now();
                    let id = if progress.is_some() {
                        engine.start_observed(now, target, op)
                    } else {
                        engine.start(now, target, op)
                    };
                    ops.insert(key, id);
                    waiting.insert(id, Waiter { key, reply, progress });
                }
                Some(Command::Cancel(key)) => {
                    if let Some(id) = ops.remove(&key) {
                        engine.cancel(id);
                        waiting.remove(&id);
                    }
                }
                Some(Command::Trap { target, pdu, reply }) => {
                    // Sent here, so that the caller may exit as soon as it hears back.
                    let mut sent = engine.send_trap(&target, pdu);
                    while let Some(t) = engine.poll_transmit() {
                        observer.note(Direction::Sent, t.dest, &t.payload);
                        let to = wire_addr(socket_is_v6, t.dest);
                        if let Err(e) = socket.send_to(&t.payload, to).await {
                            let error = crate::proto::engine::SendError::from(e);
                            if t.dest == target.addr {
                                sent = Err(RequestError::Send { addr: t.dest, source: error.clone() });
                            }
                            engine.fail_destination(t.dest, error);
                        }
                    }
                    let _ = reply.send(sent);
                }
                Some(Command::Stats(tx)) => {
                    let _ = tx.send(engine.stats());
                }
                // Every handle is gone: nobody is left to answer.
                None => return,
            },
            received = socket.recv_from(&mut buf) => {
                // Errors here are ICMP reports on some platforms; the request's timeout covers them.
                if let Ok((n, from)) = received {
                    observer.note(Direction::Received, from, &buf[..n]);
                    engine.handle_datagram(Instant::now(), from, &buf[..n]);
                }
            }
            () = sleep_until(deadline) => engine.handle_timeout(Instant::now()),
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Community;
    use crate::proto::engine::Security;
    use std::time::Duration;

    /// An agent that never answers, and a v2c target on it.
    async fn silent_agent(timeout_ms: u64, retries: u32) -> (UdpSocket, Arc<Target>) {
        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let target = Arc::new(Target {
            addr: silent.local_addr().unwrap(),
            security: Security::Community {
                version: crate::proto::Version::V2c,
                community: Community::new("public"),
            },
            timeout: Duration::from_millis(timeout_ms),
            retries,
        });
        (silent, target)
    }

    /// Datagrams `socket` receives within `window`.
    async fn count_datagrams(socket: &UdpSocket, window: Duration) -> usize {
        let mut buf = [0u8; 2048];
        let end = tokio::time::Instant::now() + window;
        let mut n = 0;
        while let Ok(r) = tokio::time::timeout_at(end, socket.recv_from(&mut buf)).await {
            r.unwrap();
            n += 1;
        }
        n
    }

    fn get() -> Operation {
        Operation::Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()])
    }

    #[tokio::test]
    async fn a_request_whose_caller_went_away_is_not_retransmitted() {
        let client = Client::bind().await.unwrap();
        let (silent, target) = silent_agent(100, 5).await;
        let mut buf = [0u8; 2048];
        {
            let request = client.request(&target, get());
            tokio::select! {
                r = request => panic!("a silent agent answered: {r:?}"),
                r = silent.recv_from(&mut buf) => { r.unwrap(); }
            }
            // The caller gives up here: the request future is dropped.
        }
        // Six timeouts' worth: nothing more arrives.
        assert_eq!(
            count_datagrams(&silent, Duration::from_millis(700)).await,
            0
        );
        let stats = client.stats().await;
        assert_eq!((stats.requests_sent, stats.retransmissions), (1, 0));

        // The same through a walk dropped in the middle of a request.
        let mut walker = client.walk(
            &target,
            "1.3.6.1.2.1.1".parse().unwrap(),
            WalkOptions::default(),
        );
        tokio::select! {
            _ = walker.next() => panic!("a silent agent answered"),
            r = silent.recv_from(&mut buf) => { r.unwrap(); }
        }
        drop(walker);
        assert_eq!(
            count_datagrams(&silent, Duration::from_millis(700)).await,
            0
        );

        // Control: a request left running does retransmit, so the counts above can fail.
        let running = tokio::spawn({
            let (client, target) = (client.clone(), Arc::clone(&target));
            async move { client.request(&target, get()).await }
        });
        assert!(count_datagrams(&silent, Duration::from_millis(350)).await >= 3);
        let outcome = running.await.unwrap();
        assert!(
            matches!(outcome, Err(RequestError::Timeout { attempts: 6, .. })),
            "{outcome:?}"
        );
    }

    /// Keeps what it is shown.
    #[derive(Default)]
    struct Capture(std::sync::Mutex<Vec<(Direction, SocketAddr, Vec<u8>)>>);

    impl PacketLog for Capture {
        fn datagram(&self, d: &Datagram<'_>) {
            self.0
                .lock()
                .unwrap()
                .push((d.direction, d.peer, d.bytes.to_vec()));
        }
    }

    #[tokio::test]
    async fn a_packet_log_sees_each_datagram_both_ways() {
        let capture = Arc::new(Capture::default());
        let client = Client::bind_with_log(Some(capture.clone() as Arc<dyn PacketLog>))
            .await
            .unwrap();
        let (agent, target) = silent_agent(200, 0).await;
        let running = tokio::spawn({
            let (client, target) = (client.clone(), Arc::clone(&target));
            async move { client.request(&target, get()).await }
        });
        let mut buf = [0u8; 2048];
        let (n, from) = agent.recv_from(&mut buf).await.unwrap();
        // Not an answer (the request again): the engine drops it, the log still sees it.
        agent.send_to(&buf[..n], from).await.unwrap();
        let outcome = running.await.unwrap();
        assert!(matches!(outcome, Err(RequestError::Timeout { .. })));
        let seen = capture.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![
                (Direction::Sent, target.addr, buf[..n].to_vec()),
                (Direction::Received, target.addr, buf[..n].to_vec()),
            ]
        );
        assert_eq!(client.stats().await.requests_sent, 1);
    }

    #[tokio::test]
    async fn progress_reports_each_retry_then_the_timeout() {
        let client = Client::bind().await.unwrap();
        let (_silent, target) = silent_agent(50, 2).await;
        let (tx, mut rx) = mpsc::unbounded_channel();
        let outcome = client.request_with_progress(&target, get(), tx).await;
        assert!(
            matches!(outcome, Err(RequestError::Timeout { attempts: 3, .. })),
            "{outcome:?}"
        );
        let mut seen = Vec::new();
        while let Ok(p) = rx.try_recv() {
            seen.push(p);
        }
        assert_eq!(
            seen,
            vec![
                Progress::Sent {
                    attempt: 1,
                    attempts: 3
                },
                Progress::Sent {
                    attempt: 2,
                    attempts: 3
                },
                Progress::Sent {
                    attempt: 3,
                    attempts: 3
                },
            ]
        );
    }
}
