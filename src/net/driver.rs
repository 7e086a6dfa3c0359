//! The tokio driver: one task owns one UDP socket (dual-stack when the host allows) and the
//! sans-IO `Engine`; any number of `Client` handles send it operations over a channel and
//! await their answers. Walks, pollers and the TUI all go through the same `Client`.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::proto::engine::MaxRepetitions;
use crate::proto::engine::{
    Engine, EngineStats, Notice, OpId, Operation, RequestError, Response, Target,
};
use crate::proto::walk::{Step, TableWalk, Walk, WalkError, WalkOptions};
use crate::proto::{Oid, VarBind};

type Reply = oneshot::Sender<Result<Response, RequestError>>;

enum Command {
    Start {
        target: Arc<Target>,
        op: Operation,
        reply: Reply,
    },
    Stats(oneshot::Sender<EngineStats>),
}

/// A handle on the socket task. Cheap to clone; the task ends when the last handle drops.
#[derive(Clone)]
pub struct Client {
    commands: mpsc::UnboundedSender<Command>,
    local: SocketAddr,
}

impl Client {
    /// Binds a socket on an ephemeral port and spawns the task that owns it.
    pub async fn bind() -> io::Result<Client> {
        let socket = match UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).await {
            Ok(s) => s,
            // No IPv6 on this host: IPv4 only.
            Err(_) => UdpSocket::bind(("0.0.0.0", 0)).await?,
        };
        let local = socket.local_addr()?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(socket, rx, seed()));
        Ok(Client {
            commands: tx,
            local,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Sends one operation and waits for its outcome (retries and timeouts included).
    pub async fn request(
        &self,
        target: &Arc<Target>,
        op: Operation,
    ) -> Result<Response, RequestError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Start {
                target: Arc::clone(target),
                op,
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
    /// value found, column by column in the order they came.
    pub async fn walk_table(
        &self,
        target: &Arc<Target>,
        columns: Vec<Oid>,
        max_repetitions: u32,
    ) -> Result<Vec<VarBind>, TableWalkError> {
        let bulk = (target.security.version() != crate::proto::Version::V1)
            .then_some(MaxRepetitions(max_repetitions.max(1)));
        let mut walk = TableWalk::new(columns, bulk);
        while let Some(op) = walk.next_operation() {
            let response = self
                .request(target, op)
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
pub struct Walker {
    client: Client,
    target: Arc<Target>,
    walk: Walk,
    notices: Vec<Notice>,
}

impl Walker {
    /// A walker over a walk already set up (a parallel walk's serial fallback).
    pub fn from_walk(client: &Client, target: &Arc<Target>, walk: Walk) -> Walker {
        Walker {
            client: client.clone(),
            target: Arc::clone(target),
            walk,
            notices: Vec::new(),
        }
    }
}

/// The outcome of one walk request.
pub enum WalkItem {
    Step(Step),
    Failed(RequestError),
}

impl Walker {
    /// One round trip; `None` once the walk has finished.
    pub async fn next(&mut self) -> Option<WalkItem> {
        let op = self.walk.next_operation()?;
        Some(match self.client.request(&self.target, op).await {
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

fn seed() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u32
}

/// The address to hand the socket: an IPv6 socket reaches IPv4 agents as mapped addresses.
fn wire_addr(socket_is_v6: bool, dest: SocketAddr) -> SocketAddr {
    match (socket_is_v6, dest.ip()) {
        (true, IpAddr::V4(v4)) => SocketAddr::new(IpAddr::V6(v4.to_ipv6_mapped()), dest.port()),
        _ => dest,
    }
}

async fn run(socket: UdpSocket, mut commands: mpsc::UnboundedReceiver<Command>, seed: u32) {
    let socket_is_v6 = socket.local_addr().map(|a| a.is_ipv6()).unwrap_or(false);
    let mut engine = Engine::new(seed);
    let mut waiting: HashMap<OpId, Reply> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    loop {
        while let Some(t) = engine.poll_transmit() {
            if let Err(e) = socket
                .send_to(&t.payload, wire_addr(socket_is_v6, t.dest))
                .await
            {
                engine.fail_destination(t.dest, &e.to_string());
            }
        }
        while let Some(ev) = engine.poll_event() {
            if let Some(reply) = waiting.remove(&ev.op) {
                let _ = reply.send(ev.result);
            }
        }
        let deadline = engine.poll_timeout();
        tokio::select! {
            cmd = commands.recv() => match cmd {
                Some(Command::Start { target, op, reply }) => {
                    let id = engine.start(Instant::now(), target, op);
                    waiting.insert(id, reply);
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
