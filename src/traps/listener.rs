//! The tokio listener around the sans-IO [`Receiver`]: UDP sockets with a large receive
//! buffer (what the kernel granted is reported), one reception task per socket that never
//! waits on anyone (replies go out non-blocking; notifications are offered to each
//! subscriber's bounded queue, and a full queue counts an overflow instead of waiting), and
//! a shutdown that first reads whatever the sockets still hold.
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
use std::time::{Instant, SystemTime};

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::access::Access;
use super::notification::Notification;
use super::receiver::{Dropped, LocalIdentity, Receiver, ReceiverStats};
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
                salt_seed: seed(),
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

#[derive(Default)]
struct Shared {
    subscribers: Mutex<Vec<Subscriber>>,
    events: Mutex<Option<EventFeed>>,
    stats: Mutex<Vec<ReceiverStats>>,
}

struct EventFeed {
    tx: mpsc::Sender<ListenerEvent>,
}

fn subscribe(shared: &Shared, capacity: usize) -> Subscription {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let overflow = Arc::new(AtomicU64::new(0));
    lock(&shared.subscribers).push(Subscriber {
        tx,
        overflow: Arc::clone(&overflow),
    });
    Subscription { rx, overflow }
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
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Listener {
    /// Binds every address and starts one reception task per socket on the current
    /// runtime. Keys are derived here (milliseconds per pass-phrase user).
    pub async fn spawn(options: ListenerOptions) -> io::Result<Listener> {
        Self::spawn_with(options, |_| ()).await
    }

    /// As `spawn`, with a subscription registered before the first datagram is read, so
    /// no notification is accepted before someone takes it (a daemon's main feed).
    pub async fn spawn_subscribed(
        options: ListenerOptions,
        capacity: usize,
    ) -> io::Result<(Listener, Subscription)> {
        let mut feed = None;
        let listener = Self::spawn_with(options, |shared| {
            feed = Some(subscribe(shared, capacity));
        })
        .await?;
        Ok((listener, feed.expect("subscribed before reception")))
    }

    async fn spawn_with(
        options: ListenerOptions,
        before_reception: impl FnOnce(&Shared),
    ) -> io::Result<Listener> {
        let (sockets, granted) = bind(&options)?;
        let addrs = sockets
            .iter()
            .map(UdpSocket::local_addr)
            .collect::<io::Result<Vec<_>>>()?;
        let shared = Arc::new(Shared::default());
        *lock(&shared.stats) = vec![ReceiverStats::default(); sockets.len()];
        before_reception(&shared);
        let (stop, stopped) = watch::channel(false);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (i, socket) in sockets.into_iter().enumerate() {
            let mut identity = options.identity.clone();
            identity.salt_seed = identity.salt_seed.wrapping_add(i as u32 * 0x9E37_79B9);
            let receiver = Receiver::new(options.access.clone(), identity, started);
            tasks.push(tokio::spawn(receive(
                i,
                socket,
                receiver,
                Arc::clone(&shared),
                stopped.clone(),
            )));
        }
        Ok(Listener {
            addrs,
            granted,
            engine_id: options.identity.engine_id,
            boots: options.identity.boots,
            shared,
            stop,
            tasks,
        })
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
        subscribe(&self.shared, capacity)
    }

    /// Drops and learned engine ids, for logging (one feed; a new call replaces it). Full
    /// queue: events are skipped (they are counted in the stats anyway).
    pub fn events(&self, capacity: usize) -> mpsc::Receiver<ListenerEvent> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        *lock(&self.shared.events) = Some(EventFeed { tx });
        rx
    }

    /// The receivers' counters, summed over the sockets.
    pub fn stats(&self) -> ReceiverStats {
        let mut total = ReceiverStats::default();
        for s in lock(&self.shared.stats).iter() {
            total.add(s);
        }
        total
    }

    /// Datagrams the kernel dropped on these sockets (full receive buffer), where the
    /// system tells (Linux /proc/net/udp and udp6); 0 elsewhere.
    pub fn socket_drops(&self) -> u64 {
        self.addrs.iter().map(|a| kernel_drops(*a)).sum()
    }

    /// Stops reception: each socket is read until empty first, so every datagram the
    /// kernel had accepted is handled; subscribers' queues then end. Returns the counts.
    pub async fn shutdown(mut self) -> ReceiverStats {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
        lock(&self.shared.subscribers).clear();
        *lock(&self.shared.events) = None;
        self.stats()
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
    /// Binds and starts receiving; returns once the sockets are bound, with a
    /// subscription of `capacity` that was in place before the first datagram was read.
    pub fn start(
        options: ListenerOptions,
        capacity: usize,
    ) -> io::Result<(BackgroundListener, Subscription)> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (exit, exit_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mibscope-traps-rx".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Listener::spawn_subscribed(options, capacity).await {
                        Ok(started) => {
                            let _ = ready_tx.send(Ok(started));
                            let _ = exit_rx.await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let (listener, feed) = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the listener thread ended before binding"))??;
        Ok((
            BackgroundListener {
                listener: Some(listener),
                exit: Some(exit),
                thread: Some(thread),
            },
            feed,
        ))
    }

    pub fn listener(&self) -> &Listener {
        self.listener
            .as_ref()
            .expect("the listener is there until shutdown")
    }

    /// As `Listener::shutdown`, then ends the thread.
    pub async fn shutdown(mut self) -> ReceiverStats {
        let stats = match self.listener.take() {
            Some(l) => l.shutdown().await,
            None => ReceiverStats::default(),
        };
        self.stop_thread();
        stats
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

/// One socket's reception loop: read while there is something to read, hand each
/// datagram to the core, send its reply without waiting, offer its notification.
async fn receive(
    index: usize,
    socket: UdpSocket,
    mut receiver: Receiver,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let local = socket.local_addr().ok();
    let mut buf = vec![0u8; 65_536];
    let mut stopping = false;
    loop {
        if stopping {
            // Read what the kernel still holds: readiness shows within a reactor turn;
            // a quiet socket for a moment means it is empty.
            match tokio::time::timeout(DRAIN_QUIET, socket.readable()).await {
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
                ready = socket.readable() => {
                    if ready.is_err() {
                        return;
                    }
                }
            }
        }
        // Read until the socket is empty, or a batch is done (then the stats are
        // published and other tasks get their turn through tokio's budget).
        for _ in 0..BATCH {
            match socket.try_recv_from(&mut buf) {
                Ok((n, from)) => {
                    let handled = receiver.handle_datagram(
                        Instant::now(),
                        SystemTime::now(),
                        from,
                        local,
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
                    if handled.dropped.is_some() || handled.learned.is_some() {
                        event(&shared, from, handled.dropped, handled.learned);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                // ICMP errors from earlier replies surface here on some systems.
                Err(_) => continue,
            }
        }
        if let Some(s) = lock(&shared.stats).get_mut(index) {
            *s = receiver.stats();
        }
    }
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

fn seed() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::message::CommunityMessage;
    use crate::proto::{Community, Message, Pdu, PduBody, PduType, RequestId, Version};
    use crate::traps::access::CommunityRule;

    fn options() -> ListenerOptions {
        let mut o = ListenerOptions::loopback_ephemeral();
        o.access.communities.push(CommunityRule {
            community: Community::new("public"),
            label: "public".into(),
            networks: vec![],
        });
        o
    }

    fn trap(id: i64) -> Vec<u8> {
        Message::Community(CommunityMessage {
            version: Version::V2c,
            community: Community::new("public"),
            pdu: PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(id), vec![])),
        })
        .encode()
    }

    #[tokio::test]
    async fn feeds_subscribers_counts_overflow_and_drains_at_shutdown() {
        let listener = Listener::spawn(options()).await.unwrap();
        assert!(listener.receive_buffers()[0] > 0);
        let addr = listener.local_addrs()[0];
        let mut big = listener.subscribe(1000);
        let small = listener.subscribe(2);
        let mut events = listener.events(10);
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for id in 1..=20 {
            sender.send_to(&trap(id), addr).unwrap();
        }
        sender.send_to(b"garbage", addr).unwrap();
        // Shut down at once: what the socket holds is still read.
        let stats = listener.shutdown().await;
        assert_eq!(stats.datagrams, 21);
        assert_eq!(stats.accepted, 20);
        let mut ids = Vec::new();
        while let Some(n) = big.recv().await {
            ids.push(n.request_id.0);
        }
        assert_eq!(ids, (1..=20).collect::<Vec<_>>());
        assert_eq!(small.overflow(), 18);
        assert!(matches!(
            events.recv().await,
            Some(ListenerEvent::Dropped { .. })
        ));
    }

    #[test]
    fn the_daemons_feed_is_there_before_the_first_datagram() {
        // Datagrams sent the moment the sockets are bound, before the caller could have
        // subscribed: every one reaches the feed that came with the start.
        let (background, mut feed) = BackgroundListener::start(options(), 100).unwrap();
        let addr = background.listener().local_addrs()[0];
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for id in 1..=10 {
            sender.send_to(&trap(id), addr).unwrap();
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let ids = runtime.block_on(async {
            let stats = background.shutdown().await;
            assert_eq!(stats.accepted, 10);
            let mut ids = Vec::new();
            while let Some(n) = feed.recv().await {
                ids.push(n.request_id.0);
            }
            ids
        });
        assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    }
}
