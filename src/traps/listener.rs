//! The tokio listener around the sans-IO [`Receiver`]: UDP sockets with a large receive
//! buffer (what the kernel granted is reported), one reception task reading every socket
//! (IPv4 and IPv6) into one receiver, so learned sender engines and sender clocks are one
//! state whatever socket a sender reaches; it never waits on anyone (replies go out
//! non-blocking; notifications are offered to each subscriber's bounded queue, and a full
//! queue counts an overflow instead of waiting). Who may send can be replaced while it runs
//! ([`Listener::set_access`]: keys derived off the reception task), and a shutdown first
//! reads whatever the sockets still hold.
//!
//! In-process use (the TUI's trap view, tests):
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mibscope::traps::listener::{Listener, ListenerOptions};
//! use mibscope::traps::{Access, CommunityRule};
//!
//! let mut options = ListenerOptions::loopback_ephemeral();
//! options.access.communities.push(CommunityRule {
//!     community: mibscope::proto::Community::new("public"),
//!     label: "public".into(),
//!     networks: vec![],
//! });
//! let listener = Listener::spawn(options).await?;
//! let mut feed = listener.subscribe(1024);
//! println!("listening on {}", listener.local_addrs()[0]);
//! while let Some(n) = feed.recv().await {
//!     println!("{} {}", n.source, n.trap_oid);
//! }
//! # Ok(()) }
//! ```

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Instant, SystemTime};

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::access::Access;
use super::notification::Notification;
use super::policy::Policy;
use super::receiver::{Dropped, LearnedEngine, LocalIdentity, Receiver, ReceiverStats};
use crate::proto::usm::{EngineBoots, EngineId, UserName};

/// The receive buffer asked for by default: 8 MiB (the kernel caps it at
/// net.core.rmem_max; raise that for more).
pub const DEFAULT_RECV_BUFFER: usize = 8 << 20;

/// At shutdown, a socket quiet this long is taken as empty.
const DRAIN_QUIET: std::time::Duration = std::time::Duration::from_millis(50);

/// Datagrams read between two looks at the stop signal and the stats.
const BATCH: usize = 256;

#[derive(Clone, Debug)]
pub struct ListenerOptions {
    /// Port 0 picks a free port; later addresses with port 0 try the first one's port.
    pub listen: Vec<SocketAddr>,
    /// SO_RCVBUF to ask for, in bytes.
    pub recv_buffer: usize,
    pub access: Access,
    pub identity: LocalIdentity,
}

impl ListenerOptions {
    /// 127.0.0.1 on a free port, nobody accepted yet, a fresh engine id at boots 1.
    pub fn loopback_ephemeral() -> Self {
        ListenerOptions {
            listen: vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)],
            recv_buffer: DEFAULT_RECV_BUFFER,
            access: Access::default(),
            identity: LocalIdentity {
                engine_id: super::state::new_engine_id(),
                boots: EngineBoots(1),
                salt_seed: crate::net::random_seed() as u32,
            },
        }
    }
}

/// Something the listener saw that is not a notification, for logs.
#[derive(Clone, Debug)]
pub enum ListenerEvent {
    Dropped {
        from: SocketAddr,
        dropped: Dropped,
    },
    Learned {
        from: SocketAddr,
        engine_id: EngineId,
        user: UserName,
    },
}

/// A subscriber's feed of notifications. Its queue is bounded: when it is full the
/// listener drops the notification for this subscriber and counts it (`overflow`).
pub struct Subscription {
    rx: mpsc::Receiver<Arc<Notification>>,
    overflow: Arc<AtomicU64>,
}

impl Subscription {
    /// The next notification; None once the listener has stopped and the queue is empty.
    pub async fn recv(&mut self) -> Option<Arc<Notification>> {
        self.rx.recv().await
    }

    /// A notification if one is waiting (for a UI's tick).
    pub fn try_recv(&mut self) -> Option<Arc<Notification>> {
        self.rx.try_recv().ok()
    }

    /// Notifications lost to a full queue so far.
    pub fn overflow(&self) -> u64 {
        self.overflow.load(Ordering::Relaxed)
    }

    /// A handle on the overflow counter that outlives the subscription's receiver.
    pub fn overflow_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.overflow)
    }
}

struct Subscriber {
    tx: mpsc::Sender<Arc<Notification>>,
    overflow: Arc<AtomicU64>,
}

fn feed(capacity: usize) -> (Subscriber, Subscription) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let overflow = Arc::new(AtomicU64::new(0));
    let subscriber = Subscriber {
        tx,
        overflow: Arc::clone(&overflow),
    };
    (subscriber, Subscription { rx, overflow })
}

/// What a listener starts with besides its options: sender engines learned in an earlier
/// run (the daemon's state file), accepted from the first message, and feeds that miss
/// nothing, not even a datagram that arrives as the sockets are bound.
#[derive(Default)]
pub struct Startup {
    learned: Vec<LearnedEngine>,
    subscribers: Vec<Subscriber>,
}

impl Startup {
    /// Starting with these sender engines learned.
    pub fn remembering(learned: Vec<LearnedEngine>) -> Startup {
        Startup {
            learned,
            subscribers: Vec::new(),
        }
    }

    /// A feed of every notification accepted, from the first one.
    pub fn subscribe(&mut self, capacity: usize) -> Subscription {
        let (subscriber, subscription) = feed(capacity);
        self.subscribers.push(subscriber);
        subscription
    }
}

struct Shared {
    subscribers: Mutex<Vec<Subscriber>>,
    events: Mutex<Option<EventFeed>>,
    stats: Mutex<ReceiverStats>,
    /// Every sender engine learned or remembered, oldest first; `learned_count` tells
    /// watchers when it grows.
    learned: Mutex<Vec<LearnedEngine>>,
    learned_count: watch::Sender<usize>,
}

/// Asked of the reception task between two batches.
enum Control {
    SetPolicy(Box<Policy>, oneshot::Sender<()>),
}

struct EventFeed {
    tx: mpsc::Sender<ListenerEvent>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running listener. Dropping it stops reception (without the final read of
/// `shutdown`).
pub struct Listener {
    addrs: Vec<SocketAddr>,
    granted: Vec<usize>,
    engine_id: EngineId,
    boots: EngineBoots,
    shared: Arc<Shared>,
    control: mpsc::UnboundedSender<Control>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Listener {
    /// Binds every address and starts the reception task on the current runtime. Keys
    /// are derived here (milliseconds per pass-phrase user).
    pub async fn spawn(options: ListenerOptions) -> io::Result<Listener> {
        Listener::spawn_with(options, Startup::default()).await
    }

    /// `spawn`, with one feed that was in place before the first datagram was read (a
    /// daemon's main feed): nothing accepted during start-up is lost.
    pub async fn spawn_subscribed(
        options: ListenerOptions,
        capacity: usize,
    ) -> io::Result<(Listener, Subscription)> {
        let mut startup = Startup::default();
        let feed = startup.subscribe(capacity);
        Ok((Listener::spawn_with(options, startup).await?, feed))
    }

    /// `spawn`, with what [`Startup`] holds.
    pub async fn spawn_with(options: ListenerOptions, startup: Startup) -> io::Result<Listener> {
        let (sockets, granted) = bind(&options)?;
        let addrs = sockets
            .iter()
            .map(UdpSocket::local_addr)
            .collect::<io::Result<Vec<_>>>()?;
        let mut receiver = Receiver::new(options.access, options.identity.clone(), Instant::now());
        receiver.remember(startup.learned);
        let learned = receiver.learned_engines();
        let (learned_count, _) = watch::channel(learned.len());
        let shared = Arc::new(Shared {
            subscribers: Mutex::new(startup.subscribers),
            events: Mutex::new(None),
            stats: Mutex::new(ReceiverStats::default()),
            learned: Mutex::new(learned),
            learned_count,
        });
        let (stop, stopped) = watch::channel(false);
        let (control, controls) = mpsc::unbounded_channel();
        let task = tokio::spawn(receive(
            sockets,
            receiver,
            Arc::clone(&shared),
            controls,
            stopped,
        ));
        Ok(Listener {
            addrs,
            granted,
            engine_id: options.identity.engine_id,
            boots: options.identity.boots,
            shared,
            control,
            stop,
            tasks: vec![task],
        })
    }

    /// Replaces who may send (a configuration reload): the keys are derived on tokio's
    /// blocking pool, then the reception task takes the new policy between two batches;
    /// returns once it has. Learned engines and sender clocks are kept.
    pub async fn set_access(&self, access: Access) -> io::Result<()> {
        let engine_id = self.engine_id.clone();
        let policy = tokio::task::spawn_blocking(move || Policy::new(access, &engine_id))
            .await
            .map_err(io::Error::other)?;
        let (done, applied) = oneshot::channel();
        self.control
            .send(Control::SetPolicy(Box::new(policy), done))
            .map_err(|_| io::Error::other("the listener has stopped"))?;
        applied
            .await
            .map_err(|_| io::Error::other("the listener has stopped"))
    }

    /// Every sender engine id learned for a user (`learn_engine_ids`) or remembered at
    /// the start, oldest first: what the daemon keeps in its state file.
    pub fn learned_engines(&self) -> Vec<LearnedEngine> {
        lock(&self.shared.learned).clone()
    }

    /// Changes whenever an engine is learned (the count of `learned_engines`).
    pub fn watch_learned(&self) -> watch::Receiver<usize> {
        self.shared.learned_count.subscribe()
    }

    /// Where it listens, in the order of `ListenerOptions::listen`.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The receive buffer each socket got (Linux reports twice what was granted for
    /// payload, as `getsockopt(SO_RCVBUF)` does).
    pub fn receive_buffers(&self) -> &[usize] {
        &self.granted
    }

    /// The engine id informs are authoritative at, and this start's boots.
    pub fn engine(&self) -> (&EngineId, EngineBoots) {
        (&self.engine_id, self.boots)
    }

    /// A new feed of every notification accepted from now on.
    pub fn subscribe(&self, capacity: usize) -> Subscription {
        let (subscriber, subscription) = feed(capacity);
        lock(&self.shared.subscribers).push(subscriber);
        subscription
    }

    /// Drops and learned engine ids, for logging (one feed; a new call replaces it). Full
    /// queue: events are skipped (they are counted in the stats anyway).
    pub fn events(&self, capacity: usize) -> mpsc::Receiver<ListenerEvent> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        *lock(&self.shared.events) = Some(EventFeed { tx });
        rx
    }

    /// The receiver's counters (every socket), as of the last batch read.
    pub fn stats(&self) -> ReceiverStats {
        *lock(&self.shared.stats)
    }

    /// Datagrams the kernel dropped on these sockets (full receive buffer), where the
    /// system tells (Linux /proc/net/udp and udp6); 0 elsewhere.
    pub fn socket_drops(&self) -> u64 {
        self.addrs.iter().map(|a| kernel_drops(*a)).sum()
    }

    /// Stops reception: each socket is read until empty first, so every datagram the
    /// kernel had accepted is handled; subscribers' queues then end. Returns the counts.
    pub async fn shutdown(self) -> ReceiverStats {
        self.shutdown_with_learned().await.0
    }

    /// `shutdown`, with the sender engines learned until the end (for the state file).
    pub async fn shutdown_with_learned(mut self) -> (ReceiverStats, Vec<LearnedEngine>) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
        lock(&self.shared.subscribers).clear();
        *lock(&self.shared.events) = None;
        (self.stats(), self.learned_engines())
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// A listener on a thread and runtime of its own, so that reception never shares a
/// thread with output work (the daemon's layout). Dropping it stops it.
pub struct BackgroundListener {
    listener: Option<Listener>,
    exit: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundListener {
    /// Binds and starts receiving; returns once the sockets are bound, with a feed of
    /// `capacity` that was in place before the first datagram was read.
    pub fn start(
        options: ListenerOptions,
        capacity: usize,
    ) -> io::Result<(BackgroundListener, Subscription)> {
        let mut startup = Startup::default();
        let feed = startup.subscribe(capacity);
        Ok((BackgroundListener::start_with(options, startup)?, feed))
    }

    /// `start`, with what [`Startup`] holds (its feeds see every notification).
    pub fn start_with(
        options: ListenerOptions,
        startup: Startup,
    ) -> io::Result<BackgroundListener> {
        let (exit, exit_rx) = tokio::sync::oneshot::channel::<()>();
        let (listener, thread) =
            crate::net::own_thread::spawn("mibscope-traps-rx", |ready| async move {
                match Listener::spawn_with(options, startup).await {
                    Ok(listener) => {
                        ready.send(Ok(listener));
                        let _ = exit_rx.await;
                    }
                    Err(e) => ready.send(Err(e)),
                }
            })?;
        Ok(BackgroundListener {
            listener: Some(listener),
            exit: Some(exit),
            thread: Some(thread),
        })
    }

    pub fn listener(&self) -> &Listener {
        self.listener
            .as_ref()
            .expect("the listener is there until shutdown")
    }

    /// As `Listener::shutdown`, then ends the thread.
    pub async fn shutdown(self) -> ReceiverStats {
        self.shutdown_with_learned().await.0
    }

    /// As `Listener::shutdown_with_learned`, then ends the thread.
    pub async fn shutdown_with_learned(mut self) -> (ReceiverStats, Vec<LearnedEngine>) {
        let stopped = match self.listener.take() {
            Some(l) => l.shutdown_with_learned().await,
            None => (ReceiverStats::default(), Vec::new()),
        };
        self.stop_thread();
        stopped
    }

    fn stop_thread(&mut self) {
        if let Some(exit) = self.exit.take() {
            let _ = exit.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BackgroundListener {
    fn drop(&mut self) {
        drop(self.listener.take());
        self.stop_thread();
    }
}

/// Binds with socket2 to set SO_RCVBUF before the first datagram; returns the buffers
/// the kernel granted.
fn bind(options: &ListenerOptions) -> io::Result<(Vec<UdpSocket>, Vec<usize>)> {
    use socket2::{Domain, Protocol, Socket, Type};
    let mut sockets = Vec::new();
    let mut granted = Vec::new();
    let mut shared_port = None;
    if options.listen.is_empty() {
        return Err(io::Error::other("no address to listen on"));
    }
    for addr in &options.listen {
        let addr = match (addr.port(), shared_port) {
            (0, Some(port)) => SocketAddr::new(addr.ip(), port),
            _ => *addr,
        };
        let fail = |e: io::Error| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}"));
        let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
            .map_err(fail)?;
        if addr.is_ipv6() {
            socket.set_only_v6(true).map_err(fail)?;
        }
        // Best effort: the kernel caps it at net.core.rmem_max and reports what it gave.
        let _ = socket.set_recv_buffer_size(options.recv_buffer);
        socket.set_nonblocking(true).map_err(fail)?;
        socket.bind(&addr.into()).map_err(fail)?;
        granted.push(socket.recv_buffer_size().unwrap_or(0));
        let std: std::net::UdpSocket = socket.into();
        let socket = UdpSocket::from_std(std).map_err(fail)?;
        if shared_port.is_none() && addr.port() == 0 {
            shared_port = Some(socket.local_addr()?.port());
        }
        sockets.push(socket);
    }
    Ok((sockets, granted))
}

/// Resolves when one of the sockets may have something to read.
async fn any_readable(sockets: &[UdpSocket]) -> io::Result<()> {
    std::future::poll_fn(|cx| {
        for socket in sockets {
            if let Poll::Ready(ready) = socket.poll_recv_ready(cx) {
                return Poll::Ready(ready);
            }
        }
        Poll::Pending
    })
    .await
}

/// The reception loop: read every socket while there is something to read, hand each
/// datagram to the one receiver, send its reply without waiting, offer its notification;
/// between batches publish the counters and take a new policy.
async fn receive(
    sockets: Vec<UdpSocket>,
    mut receiver: Receiver,
    shared: Arc<Shared>,
    mut controls: mpsc::UnboundedReceiver<Control>,
    mut stop: watch::Receiver<bool>,
) {
    let locals: Vec<Option<SocketAddr>> = sockets.iter().map(|s| s.local_addr().ok()).collect();
    let mut buf = vec![0u8; 65_536];
    let mut stopping = false;
    loop {
        if stopping {
            // Read what the kernel still holds: readiness shows within a reactor turn;
            // quiet sockets for a moment mean they are empty.
            match tokio::time::timeout(DRAIN_QUIET, any_readable(&sockets)).await {
                Ok(Ok(())) => {}
                _ => return,
            }
        } else {
            tokio::select! {
                biased;
                _ = stop.changed() => {
                    stopping = true;
                    continue;
                }
                Some(control) = controls.recv() => {
                    apply(&mut receiver, control);
                    continue;
                }
                ready = any_readable(&sockets) => {
                    if ready.is_err() {
                        return;
                    }
                }
            }
        }
        // Read each socket until it is empty, or a batch is done (then the stats are
        // published and other tasks get their turn through tokio's budget).
        for (socket, local) in sockets.iter().zip(&locals) {
            for _ in 0..BATCH {
                match socket.try_recv_from(&mut buf) {
                    Ok((n, from)) => {
                        let handled = receiver.handle_datagram(
                            Instant::now(),
                            SystemTime::now(),
                            from,
                            *local,
                            &buf[..n],
                        );
                        if let Some(reply) = handled.reply {
                            if let Err(e) = socket.try_send_to(&reply, from) {
                                if e.kind() == io::ErrorKind::WouldBlock {
                                    let _ = socket.send_to(&reply, from).await;
                                }
                            }
                        }
                        if let Some(n) = handled.notification {
                            publish(&shared, n);
                        }
                        if let Some((engine_id, user)) = &handled.learned {
                            learned(&shared, engine_id, user);
                        }
                        if handled.dropped.is_some() || handled.learned.is_some() {
                            event(&shared, from, handled.dropped, handled.learned);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    // ICMP errors from earlier replies surface here on some systems.
                    Err(_) => continue,
                }
            }
        }
        *lock(&shared.stats) = receiver.stats();
    }
}

fn apply(receiver: &mut Receiver, control: Control) {
    match control {
        Control::SetPolicy(policy, done) => {
            // `set_access` built it for our engine id: it cannot be refused.
            let _ = receiver.set_policy(*policy);
            let _ = done.send(());
        }
    }
}

fn learned(shared: &Shared, engine_id: &EngineId, user: &UserName) {
    let mut all = lock(&shared.learned);
    all.push(LearnedEngine {
        engine_id: engine_id.clone(),
        user: user.clone(),
    });
    shared.learned_count.send_replace(all.len());
}

fn publish(shared: &Shared, n: Notification) {
    let n = Arc::new(n);
    let mut subscribers = lock(&shared.subscribers);
    subscribers.retain(|s| match s.tx.try_send(Arc::clone(&n)) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            s.overflow.fetch_add(1, Ordering::Relaxed);
            true
        }
        // The subscriber went away.
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    });
}

fn event(
    shared: &Shared,
    from: SocketAddr,
    dropped: Option<Dropped>,
    learned: Option<(EngineId, UserName)>,
) {
    let events = lock(&shared.events);
    let Some(sub) = events.as_ref() else {
        return;
    };
    if let Some(dropped) = dropped {
        let _ = sub.tx.try_send(ListenerEvent::Dropped { from, dropped });
    }
    if let Some((engine_id, user)) = learned {
        let _ = sub.tx.try_send(ListenerEvent::Learned {
            from,
            engine_id,
            user,
        });
    }
}

/// The `drops` column of /proc/net/udp{,6} for the socket bound to `addr`'s port.
fn kernel_drops(addr: SocketAddr) -> u64 {
    let file = if addr.is_ipv6() {
        "/proc/net/udp6"
    } else {
        "/proc/net/udp"
    };
    let Ok(text) = std::fs::read_to_string(file) else {
        return 0;
    };
    let port = format!(":{:04X}", addr.port());
    text.lines()
        .skip(1)
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|local| local.ends_with(&port))
        })
        .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
        .sum()
}

#[cfg(test)]
#[path = "listener_tests.rs"]
mod tests;
