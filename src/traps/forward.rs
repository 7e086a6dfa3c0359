//! `--forward`: relays each accepted notification to other managers, as snmptrapd's
//! `forward` does, through the one tokio engine (`net::Client`): SNMPv2c with a community,
//! or SNMPv3 re-encoded as a configured user. A v3 trap is authoritative at its sender
//! (RFC 3412 section 6.4), so relayed traps carry this receiver's engine id, boots and
//! engine time, the keys localized to it; a relayed v3 inform discovers the next
//! manager's engine (RFC 3414 section 4). Informs are relayed as informs when asked
//! (acknowledged by the next manager, retransmitted after each timeout, a bounded number
//! awaiting their Response at once), else as traps; v1 traps go in their RFC 3584 form.
//! One bounded queue in front: a full queue counts `forward_overflow`, never waits; a
//! relay that cannot be sent or an inform never acknowledged counts `forward_failed`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::notification::{Notification, NotificationKind};
use super::sinks::{Queue, SinkCounters, Taker, bump};
use crate::net::Client;
use crate::proto::engine::{KeyExtensionPolicy, Operation, Security, Target, UsmTarget};
use crate::proto::usm::{Credentials, EngineBoots, EngineId, EngineTime, SecurityLevel};
use crate::proto::{Community, Pdu, PduBody, PduType, RequestId, Version};

/// How relayed notifications are secured.
#[derive(Clone, Debug)]
pub enum ForwardSecurity {
    /// SNMPv2c with this community.
    Community(Community),
    /// SNMPv3 as this user, at this level.
    Usm {
        credentials: Arc<Credentials>,
        level: SecurityLevel,
    },
}

/// This receiver's SNMP engine, which relayed v3 traps are sent from.
#[derive(Clone, Debug)]
pub struct SenderEngine {
    pub engine_id: EngineId,
    pub boots: EngineBoots,
    /// When our snmpEngineTime was 0 in this boot.
    pub started: Instant,
}

#[derive(Clone, Debug)]
pub struct ForwardOptions {
    pub targets: Vec<SocketAddr>,
    pub security: ForwardSecurity,
    /// Relay informs as informs, awaiting the next manager's Response; else as traps.
    pub informs: bool,
    /// Per transmission of a relayed inform, and retransmissions after it.
    pub timeout: Duration,
    pub retries: u32,
    /// Notifications waiting to be relayed.
    pub queue: usize,
    /// Relayed informs awaiting their Response at once (per daemon).
    pub in_flight: usize,
    pub engine: SenderEngine,
}

/// The relay: a queue and the task that empties it.
pub struct ForwardSink {
    queue: Queue<Arc<Notification>>,
    /// Relays per notification (one per target).
    targets: u64,
    /// Relayed informs sent and not yet acknowledged or failed.
    awaiting: Arc<AtomicU64>,
    counters: Arc<SinkCounters>,
}

impl ForwardOptions {
    /// The target `n` is relayed to at `addr`: the trap's sender engine (ours) for traps,
    /// discovery for informs.
    fn target(&self, addr: SocketAddr, inform: bool, now: Instant) -> Target {
        let security = match &self.security {
            ForwardSecurity::Community(community) => Security::Community {
                version: Version::V2c,
                community: community.clone(),
            },
            ForwardSecurity::Usm { credentials, level } => {
                let (engine_id, boots_time) = if inform {
                    (None, None)
                } else {
                    let secs = now.saturating_duration_since(self.engine.started).as_secs();
                    let time =
                        EngineTime(u32::try_from(secs).unwrap_or(u32::MAX).min(i32::MAX as u32));
                    (
                        Some(self.engine.engine_id.clone()),
                        Some((self.engine.boots, time)),
                    )
                };
                Security::Usm(Arc::new(UsmTarget {
                    credentials: Arc::clone(credentials),
                    level: *level,
                    context_name: Vec::new(),
                    context_engine_id: None,
                    engine_id,
                    boots_time,
                    key_extension: KeyExtensionPolicy::AsNamed,
                }))
            }
        };
        Target {
            addr,
            security,
            timeout: self.timeout,
            retries: self.retries,
        }
    }
}

/// Says why relaying failed, at most once per `QUIET` (a dead next manager would otherwise
/// print a line per notification).
struct FailureLog {
    last: Option<Instant>,
    suppressed: u64,
}

const QUIET: Duration = Duration::from_secs(10);

impl FailureLog {
    fn report(&mut self, to: SocketAddr, what: &str, why: &dyn std::fmt::Display) {
        let now = Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < QUIET) {
            self.suppressed += 1;
            return;
        }
        let more = match self.suppressed {
            0 => String::new(),
            n => format!(" ({n} more failures since the last report)"),
        };
        eprintln!("mibscope traps: forward to {to}: {what}: {why}{more}");
        self.last = Some(now);
        self.suppressed = 0;
    }
}

impl ForwardSink {
    /// Binds the relay's socket (one `net::Client`) and starts the task.
    pub async fn spawn(
        options: ForwardOptions,
        counters: Arc<SinkCounters>,
    ) -> std::io::Result<ForwardSink> {
        let client = Client::bind().await?;
        let targets = options.targets.len() as u64;
        let awaiting = Arc::new(AtomicU64::new(0));
        let (a, c) = (Arc::clone(&awaiting), Arc::clone(&counters));
        let queue = Queue::spawn(options.queue, move |taker| {
            relay(client, options, taker, a, c)
        });
        Ok(ForwardSink {
            queue,
            targets,
            awaiting,
            counters,
        })
    }

    pub fn offer(&self, n: &Arc<Notification>) {
        if !self.queue.offer(Arc::clone(n)) {
            bump(&self.counters.forward_overflow);
        }
    }

    /// Relays what is queued and waits for the informs in flight, up to `limit`; what is
    /// left then (a relay per target of each notification still queued, and each inform
    /// still awaiting its Response) counts as failed.
    pub async fn finish(self, limit: Duration) {
        let abandoned = self.queue.finish(limit).await;
        let unanswered = self.awaiting.load(Ordering::Relaxed);
        self.counters
            .forward_failed
            .fetch_add(abandoned * self.targets + unanswered, Ordering::Relaxed);
    }
}

async fn relay(
    client: Client,
    options: ForwardOptions,
    mut taker: Taker<Arc<Notification>>,
    awaiting: Arc<AtomicU64>,
    counters: Arc<SinkCounters>,
) {
    let permits = Arc::new(Semaphore::new(options.in_flight.max(1)));
    let failures = Arc::new(std::sync::Mutex::new(FailureLog {
        last: None,
        suppressed: 0,
    }));
    let fail = |to: SocketAddr, what: &str, why: &dyn std::fmt::Display| {
        failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .report(to, what, why);
    };
    // Dropping the set (an abort at shutdown) abandons the informs still in flight.
    let mut running = JoinSet::new();
    let mut request_id: i64 = 1;
    while let Some(n) = taker.recv().await {
        while running.try_join_next().is_some() {}
        let inform = options.informs && n.kind == NotificationKind::Inform;
        for &addr in &options.targets {
            let target = Arc::new(options.target(addr, inform, Instant::now()));
            if !inform {
                let pdu = PduBody::Pdu(Pdu::request(
                    PduType::TrapV2,
                    RequestId(request_id),
                    n.varbinds.clone(),
                ));
                request_id = if request_id >= i64::from(i32::MAX) {
                    1
                } else {
                    request_id + 1
                };
                match client.send_trap(&target, pdu).await {
                    Ok(()) => bump(&counters.forwarded),
                    Err(e) => {
                        bump(&counters.forward_failed);
                        fail(addr, "trap not sent", &e);
                    }
                }
                continue;
            }
            // Waits while `in_flight` informs await their Response: the queue in front
            // fills meanwhile, and its overflow is counted.
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            let (client, counters, failures) =
                (client.clone(), Arc::clone(&counters), Arc::clone(&failures));
            let awaiting = Arc::clone(&awaiting);
            let varbinds = n.varbinds.clone();
            bump(&awaiting);
            running.spawn(async move {
                match client.request(&target, Operation::Inform(varbinds)).await {
                    Ok(_) => bump(&counters.forwarded),
                    Err(e) => {
                        bump(&counters.forward_failed);
                        failures
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .report(addr, "inform not acknowledged", &e);
                    }
                }
                // Settled: an abort from here on no longer counts it as failed.
                awaiting.fetch_sub(1, Ordering::Relaxed);
                drop(permit);
            });
        }
        taker.done(1);
    }
    while running.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::proto::message::CommunityMessage;
    use crate::proto::usm::test_util;
    use crate::proto::{Message, Oid, Value, VarBind};
    use crate::traps::notification::NotificationSecurity;

    const OURS: &str = "0x80001F880472782D756E6465722D74657374";

    fn notification(kind: NotificationKind) -> Arc<Notification> {
        Arc::new(Notification {
            received_at: UNIX_EPOCH,
            source: "192.0.2.1:1234".parse().unwrap(),
            local: None,
            version: Version::V2c,
            kind,
            security: NotificationSecurity::Community { label: "x".into() },
            request_id: RequestId(1),
            uptime: Some(5),
            trap_oid: "1.3.6.1.6.3.1.1.5.4".parse().unwrap(),
            varbinds: vec![
                VarBind::new(
                    "1.3.6.1.2.1.1.3.0".parse::<Oid>().unwrap(),
                    Value::TimeTicks(5),
                ),
                VarBind::new(
                    "1.3.6.1.6.3.1.1.4.1.0".parse::<Oid>().unwrap(),
                    Value::ObjectId("1.3.6.1.6.3.1.1.5.4".parse().unwrap()),
                ),
            ],
            v1: None,
        })
    }

    fn options(to: SocketAddr, security: ForwardSecurity, informs: bool) -> ForwardOptions {
        ForwardOptions {
            targets: vec![to],
            security,
            informs,
            timeout: Duration::from_millis(200),
            retries: 1,
            queue: 16,
            in_flight: 4,
            engine: SenderEngine {
                engine_id: OURS.parse().unwrap(),
                boots: EngineBoots(7),
                started: Instant::now() - Duration::from_secs(100),
            },
        }
    }

    fn next_manager() -> (UdpSocket, SocketAddr) {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let a = s.local_addr().unwrap();
        (s, a)
    }

    /// The next `count` datagrams the next manager receives.
    async fn datagrams(manager: UdpSocket, count: usize) -> Vec<Vec<u8>> {
        tokio::task::spawn_blocking(move || {
            let mut buf = [0u8; 2048];
            (0..count)
                .map(|_| {
                    let n = manager.recv(&mut buf).unwrap();
                    buf[..n].to_vec()
                })
                .collect()
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn v3_traps_are_relayed_from_our_engine_with_our_boots_and_time() {
        let (manager, addr) = next_manager();
        let credentials = Arc::new(test_util::sha_aes("fwd", "fwd-authpass", "fwd-privpass"));
        let security = ForwardSecurity::Usm {
            credentials: Arc::clone(&credentials),
            level: SecurityLevel::AuthPriv,
        };
        let counters = Arc::new(SinkCounters::default());
        let sink = ForwardSink::spawn(options(addr, security, true), Arc::clone(&counters))
            .await
            .unwrap();
        // A trap: relayed as a v3 trap (informs-as-informs concerns informs only).
        sink.offer(&notification(NotificationKind::Trap));
        let got = datagrams(manager, 1).await.remove(0);
        let received = crate::proto::usm::receive(&got, &mut Arc::clone(&credentials)).unwrap();
        assert_eq!(received.engine_id, OURS.parse().unwrap());
        assert_eq!(received.boots, EngineBoots(7));
        assert!(
            (100..=102).contains(&received.time.0),
            "{:?}",
            received.time
        );
        assert_eq!(received.level, SecurityLevel::AuthPriv);
        assert_eq!(received.scoped_pdu.pdu.kind(), PduType::TrapV2);
        assert_eq!(
            received.scoped_pdu.pdu.varbinds(),
            notification(NotificationKind::Trap).varbinds.as_slice()
        );
        sink.finish(Duration::from_secs(1)).await;
        assert_eq!(counters.forwarded.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn an_inform_is_relayed_as_an_inform_retried_and_counted_when_unanswered() {
        let (manager, addr) = next_manager();
        let counters = Arc::new(SinkCounters::default());
        let security = ForwardSecurity::Community(Community::new("fwd"));
        let sink = ForwardSink::spawn(options(addr, security, true), Arc::clone(&counters))
            .await
            .unwrap();
        sink.offer(&notification(NotificationKind::Inform));
        // Never answered: sent, then retransmitted once (retries 1), then failed.
        let seen: Vec<_> = datagrams(manager, 2)
            .await
            .iter()
            .map(|d| {
                let (Message::Community(m), _) = Message::decode(d).unwrap() else {
                    panic!("not v2c")
                };
                (m.pdu.kind(), m.community)
            })
            .collect();
        assert_eq!(
            seen,
            vec![(PduType::InformRequest, Community::new("fwd")); 2]
        );
        sink.finish(Duration::from_secs(5)).await;
        assert_eq!(counters.forward_failed.load(Ordering::Relaxed), 1);
        assert_eq!(counters.forwarded.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn informs_are_relayed_as_traps_unless_asked_and_a_full_queue_counts() {
        let (manager, addr) = next_manager();
        let counters = Arc::new(SinkCounters::default());
        let security = ForwardSecurity::Community(Community::new("fwd"));
        let mut o = options(addr, security, false);
        o.queue = 1;
        let sink = ForwardSink::spawn(o, Arc::clone(&counters)).await.unwrap();
        for _ in 0..50 {
            sink.offer(&notification(NotificationKind::Inform));
        }
        let got = datagrams(manager, 1).await.remove(0);
        let (Message::Community(CommunityMessage { pdu, .. }), _) = Message::decode(&got).unwrap()
        else {
            panic!("not v2c")
        };
        assert_eq!(pdu.kind(), PduType::TrapV2);
        sink.finish(Duration::from_secs(1)).await;
        let (sent, overflow) = (
            counters.forwarded.load(Ordering::Relaxed),
            counters.forward_overflow.load(Ordering::Relaxed),
        );
        assert_eq!(sent + overflow, 50, "{sent} + {overflow}");
        assert!(overflow > 0);
    }
}
