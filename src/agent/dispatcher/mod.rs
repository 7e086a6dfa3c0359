//! The sans-IO agent: datagrams in, datagrams out, time passed in. It owns two message
//! layers, v1/v2c (RFC 1157 section 4, RFC 1901: version, community, access) and, when
//! `AgentConfig::usm` is set, SNMPv3 (`v3.rs`: USM, contexts, Reports), plus the faults,
//! restarts and the agent's counters; the command responder (`responder.rs`) answers the
//! PDU whichever layer accepted it.
//!
//! Drive it with `handle_datagram(now, from, bytes)`: it returns the datagrams to send and
//! when to send each (a reply can be delayed, duplicated, or not sent at all).
//!
//! Time: sysUpTime and snmpEngineTime both count from the last (re)start. A restart (the
//! `restart` fault, or `restart()`) adds one to the boot count, which is snmpEngineBoots,
//! so a v3 manager's next request falls outside the time window (RFC 3414 section 3.2
//! step 7a): it gets a usmStatsNotInTimeWindows Report with the new boots and time and
//! must re-synchronise, as it would with a real agent that rebooted.

mod answer;
mod outcome;

use std::fmt;
use std::net::SocketAddr;
use std::time::Instant;

use super::faults::{Faults, RestartSchedule, SeededRng};
use super::responder::{Rights, Semantics};
use super::snapshot::Snapshot;
use super::store::{ObjectStore, SnmpCounter, StoreOptions};
use super::v3::{Discarded, Refusal, UsmConfig, V3Layer};
use crate::proto::message::CommunityMessage;
use crate::proto::usm::EngineTime;
use crate::proto::{Community, Message, Pdu, PduBody, PduType, RequestId, Version};
use answer::{Accepted, Incoming, Reply, community_message};
pub use outcome::{AgentStats, Dropped, Event, Handled, Transmit};

/// The largest UDP payload over IPv4: the most `--max-size` may allow.
pub const MAX_UDP_PAYLOAD: usize = 65_507;

/// The default local limit on a response: what fits an Ethernet frame unfragmented (1500
/// bytes less the IPv4 and UDP headers), so a GetBulk asking for 2^31-1 repetitions gets
/// one datagram of useful size, not 64 KB.
pub const DEFAULT_MAX_SIZE: usize = 1_472;

pub use super::v3::MIN_MAX_SIZE;

/// A community and what it may do.
#[derive(Clone, PartialEq, Eq)]
pub struct CommunityAccess {
    pub community: Community,
    pub rights: Rights,
}

impl fmt::Debug for CommunityAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Community's own Debug redacts the secret.
        write!(f, "{:?} {:?}", self.community, self.rights)
    }
}

/// How many times the agent has booted: 1 at the start, +1 per restart. It is
/// snmpEngineBoots (RFC 3414 section 2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BootCount(pub u32);

/// The largest message the agent sends (its local constraint, RFC 3416 section 4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageSize(pub usize);

#[derive(Clone, Debug)]
pub struct AgentConfig {
    pub communities: Vec<CommunityAccess>,
    /// Speak SNMPv3 with this engine id and these users; None: v3 messages are dropped as
    /// an unsupported version and the engine objects are not served.
    pub usm: Option<UsmConfig>,
    pub max_message_size: MessageSize,
    pub faults: Faults,
    /// Seeds the fault generator: the same seed and requests give the same faults.
    pub seed: u64,
}

impl Default for AgentConfig {
    /// `public` read-only, `private` read-write, no faults.
    fn default() -> Self {
        AgentConfig {
            communities: vec![
                CommunityAccess {
                    community: Community::new("public"),
                    rights: Rights::ReadOnly,
                },
                CommunityAccess {
                    community: Community::new("private"),
                    rights: Rights::ReadWrite,
                },
            ],
            usm: None,
            max_message_size: MessageSize(DEFAULT_MAX_SIZE),
            faults: Faults::default(),
            seed: 1,
        }
    }
}

/// The simulated agent, without sockets.
pub struct Agent {
    store: ObjectStore,
    config: AgentConfig,
    rng: SeededRng,
    stats: AgentStats,
    boots: BootCount,
    /// Requests answered since the last restart, for `RestartSchedule::AfterRequests`.
    answered_since_boot: u64,
    v3: Option<V3Layer>,
    /// Where linkDown/linkUp go (SNMPv2-Trap with the target's community).
    notify: Vec<NotifyTarget>,
    /// Per flapping link, the state changes already announced since the (re)start.
    announced: Vec<u128>,
    next_trap_id: i64,
}

/// A notification receiver: SNMPv2c traps to `addr` with `community`.
#[derive(Clone, PartialEq, Eq)]
pub struct NotifyTarget {
    pub addr: SocketAddr,
    pub community: Community,
}

impl fmt::Debug for NotifyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Community's own Debug redacts the secret.
        write!(f, "{} {:?}", self.addr, self.community)
    }
}

/// At most this many changes of one link are announced at once (an agent woken late sends
/// the last ones, not a flood).
const MAX_ANNOUNCED: u128 = 4;

impl Agent {
    /// An agent serving `store`, which was built (booted) at the agent's start.
    pub fn new(mut store: ObjectStore, config: AgentConfig) -> Agent {
        let boots = BootCount(1);
        let v3 = config.usm.as_ref().map(|usm| {
            let layer = V3Layer::new(usm, boots.0, config.max_message_size.0, config.seed as u32);
            store.add_engine_objects(layer.engine_values());
            layer
        });
        Agent {
            store,
            rng: SeededRng::new(config.seed),
            config,
            stats: AgentStats::default(),
            boots,
            answered_since_boot: 0,
            v3,
            notify: Vec::new(),
            announced: Vec::new(),
            next_trap_id: 1,
        }
    }

    /// Sends linkDown/linkUp of the store's flapping links to `targets` (see
    /// `poll_timeout` and `handle_timeout`).
    #[must_use]
    pub fn with_notifications(mut self, targets: Vec<NotifyTarget>) -> Agent {
        self.notify = targets;
        self.announced = vec![0; self.store.flaps().len()];
        self
    }

    /// When `handle_timeout` has something to send: the next change of a flapping link,
    /// if anyone is to be told.
    pub fn poll_timeout(&self) -> Option<std::time::Instant> {
        if self.notify.is_empty() {
            return None;
        }
        let booted = self.store.booted();
        self.store
            .flaps()
            .iter()
            .zip(&self.announced)
            .filter(|(f, _)| !f.period.is_zero())
            .map(|(f, done)| {
                let next = u32::try_from(done + 1).unwrap_or(u32::MAX);
                booted + f.period * next
            })
            .min()
    }

    /// The notifications due at `now`: one SNMPv2-Trap per link change per target
    /// (RFC 3416 section 4.2.6), with the sysUpTime of the change.
    pub fn handle_timeout(&mut self, now: std::time::Instant) -> Vec<Transmit> {
        let mut out = Vec::new();
        let booted = self.store.booted();
        let since = now.saturating_duration_since(booted);
        for (i, flap) in self.store.flaps().to_vec().iter().enumerate() {
            let Some(done) = self.announced.get(i).copied() else {
                continue;
            };
            let changes = flap.changes(since);
            for change in (done + 1).max(changes.saturating_sub(MAX_ANNOUNCED - 1))..=changes {
                let at = flap.period * u32::try_from(change).unwrap_or(u32::MAX);
                let up = change % 2 == 0;
                let admin = match self.store.get(
                    &crate::proto::Oid::from(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 7, flap.if_index][..]),
                    now,
                ) {
                    super::store::Lookup::Found(v) => v,
                    _ => crate::proto::Value::Integer(1),
                };
                let varbinds = flap.notification(up, (at.as_millis() / 10) as u32, admin);
                for target in &self.notify {
                    let id = RequestId(self.next_trap_id);
                    // Request ids stay in 1..=i32::MAX.
                    self.next_trap_id = self.next_trap_id % i64::from(i32::MAX) + 1;
                    let pdu = Pdu::request(PduType::TrapV2, id, varbinds.clone());
                    out.push(Transmit {
                        send_at: now,
                        dest: target.addr,
                        payload: community_message(Version::V2c, &target.community, pdu),
                    });
                }
            }
            self.announced[i] = changes.max(done);
        }
        out
    }

    /// An agent serving `snapshot`, started at `now`.
    pub fn from_snapshot(
        snapshot: &Snapshot,
        options: &StoreOptions,
        config: AgentConfig,
        now: Instant,
    ) -> Agent {
        Agent::new(ObjectStore::build(snapshot, options, now), config)
    }

    pub fn stats(&self) -> AgentStats {
        self.stats
    }

    pub fn boots(&self) -> BootCount {
        self.boots
    }

    pub fn store(&self) -> &ObjectStore {
        &self.store
    }

    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    /// The v3 layer, when the agent speaks v3.
    pub fn v3(&self) -> Option<&V3Layer> {
        self.v3.as_ref()
    }

    /// snmpEngineTime at `now` (seconds since the last restart).
    pub fn engine_time(&self, now: Instant) -> EngineTime {
        EngineTime(self.store.engine_time(now))
    }

    /// Restarts now: sysUpTime, counters and the snmp group from 0, one more boot.
    pub fn restart(&mut self, now: Instant) {
        self.restart_times(now, 1);
    }

    /// `times` restarts, the last one at `at`.
    fn restart_times(&mut self, at: Instant, times: u32) {
        self.store.restart(at);
        // The links start their schedule again with the agent.
        self.announced.iter_mut().for_each(|a| *a = 0);
        self.boots = BootCount(self.boots.0.saturating_add(times));
        self.stats.restarts += u64::from(times);
        self.answered_since_boot = 0;
        if let Some(v3) = &mut self.v3 {
            v3.reboot(self.boots.0);
            self.store.set_engine_values(v3.engine_values());
        }
    }

    /// Handles one datagram that arrived at `now` from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) -> Handled {
        self.stats.datagrams += 1;
        let restarted = self.restart_on_schedule(now);
        let answered = self
            .lose_on_the_way_in()
            .and_then(|()| {
                self.store.snmp_mut().bump(SnmpCounter::InPkts);
                self.accept_message(now, bytes)
            })
            .and_then(|incoming| match incoming {
                Incoming::Request(request) => self.answer(now, from, request),
                Incoming::Report {
                    payload,
                    report,
                    reason,
                } => Ok(self.send_report(now, from, payload, report, reason)),
            });
        match answered {
            Ok((transmits, event)) => Handled {
                transmits,
                event,
                restarted,
            },
            Err(dropped) => {
                self.count_drop(&dropped);
                Handled {
                    transmits: Vec::new(),
                    event: Event::Dropped(dropped),
                    restarted,
                }
            }
        }
    }

    /// `RestartSchedule::Every`: the restarts happened on schedule, whether or not anyone
    /// was asking then. True when there was one since the last datagram.
    fn restart_on_schedule(&mut self, now: Instant) -> bool {
        let Some(RestartSchedule::Every(period)) = self.config.faults.restart else {
            return false;
        };
        let since = now.saturating_duration_since(self.store.booted());
        if period.is_zero() || since < period {
            return false;
        }
        let missed = (since.as_nanos() / period.as_nanos()).min(u128::from(u32::MAX)) as u32;
        let last = self.store.booted() + period * missed;
        self.restart_times(last, missed);
        true
    }

    /// The faults that lose a request before the agent reads it.
    fn lose_on_the_way_in(&mut self) -> Result<(), Dropped> {
        let nth = self.config.faults.drop_every;
        if nth.is_some_and(|n| self.stats.datagrams % n.get() == 0) {
            return Err(Dropped::EveryNth);
        }
        if self.rng.chance(self.config.faults.loss) {
            return Err(Dropped::Loss);
        }
        Ok(())
    }

    /// Decodes the datagram and hands it to its message layer.
    fn accept_message(&mut self, now: Instant, bytes: &[u8]) -> Result<Incoming, Dropped> {
        let message = Message::decode(bytes).map_err(Dropped::Malformed)?.0;
        match message {
            Message::Community(m) => self.accept_community_message(m).map(Incoming::Request),
            Message::V3(_) => self.accept_v3_message(now, bytes),
        }
    }

    /// The v3 message layer (`v3.rs`): USM, then the PDU class, context and access.
    fn accept_v3_message(&mut self, now: Instant, bytes: &[u8]) -> Result<Incoming, Dropped> {
        let time = self.engine_time(now);
        let Some(v3) = &mut self.v3 else {
            return Err(Dropped::BadVersion(Version::V3));
        };
        match v3.accept(bytes, time) {
            Ok(request) => Ok(Incoming::Request(Accepted {
                semantics: Semantics::V2,
                rights: request.rights,
                pdu: request.pdu.clone(),
                reply: Reply::V3(Box::new(request)),
            })),
            Err(Refusal::Reported {
                report,
                payload,
                reason,
            }) => Ok(Incoming::Report {
                payload,
                report,
                reason,
            }),
            Err(Refusal::Discarded(Discarded::Malformed(e))) => Err(Dropped::Malformed(e)),
            Err(Refusal::Discarded(Discarded::NotARequest(kind))) => {
                Err(Dropped::NotARequest(Version::V3, kind))
            }
            Err(Refusal::Discarded(other)) => Err(Dropped::V3(other)),
        }
    }

    /// The v1/v2c message layer (RFC 1157 section 4, RFC 1901, RFC 3584 section 5.2.1):
    /// check the version and the community, find the PDU.
    fn accept_community_message(&mut self, message: CommunityMessage) -> Result<Accepted, Dropped> {
        let CommunityMessage {
            version,
            community,
            pdu,
        } = message;
        let semantics = match version {
            Version::V1 => Semantics::V1,
            Version::V2c => Semantics::V2,
            other => return Err(Dropped::BadVersion(other)),
        };
        let rights = self
            .config
            .communities
            .iter()
            .find(|c| c.community == community)
            .map(|c| c.rights)
            .ok_or(Dropped::BadCommunity(version))?;
        let PduBody::Pdu(pdu) = pdu else {
            return Err(Dropped::NotARequest(version, PduType::TrapV1));
        };
        Ok(Accepted {
            reply: Reply::Community { version, community },
            semantics,
            rights: Some(rights),
            pdu,
        })
    }
}

#[cfg(test)]
mod tests;
