//! The notification receiver, sans-IO: a datagram, its source and the time in; a
//! [`Notification`], the reply to send (an inform's Response, a v3 Report, the answer to
//! engine discovery) and why anything was dropped out. No sockets, no clock, no tokio.
//!
//! - SNMPv1 Trap-PDU and SNMPv2c SNMPv2-Trap/InformRequest: the community must be accepted
//!   from that source ([`Access`]); an InformRequest is answered with a Response carrying
//!   the same request-id and varbinds (RFC 3416 section 4.2.7).
//! - SNMPv3 traps: the sender is authoritative (RFC 3412 section 6.4), so the keys are the
//!   user's localized to the sender's engine id, as configured per user (snmptrapd's
//!   `createUser -e`), or learned on the first message that verifies when
//!   `Access::learn_engine_ids` is set. Timeliness per sender engine: RFC 3414 3.2 step 7b.
//! - SNMPv3 informs and anything reportable: this receiver is authoritative
//!   (`usm::LocalEngine`, RFC 3414 section 3.2): it answers engine discovery with its engine
//!   id, boots and time, checks its own time window and sends the Reports section 3.2 asks
//!   for; boots come from the caller (the daemon keeps them in a state file).
//!
//! Everything refused is counted by [`DropReason`]; nothing here panics or grows without
//! bound on any input (learned engines and sender clocks are capped).

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::access::Access;
use super::notification::{
    Notification, NotificationKind, NotificationSecurity, V1Fields, v1_to_v2, v2_header,
};
use super::policy::{Given, Policy};
use crate::proto::engine::canonical;
use crate::proto::message::CommunityMessage;
use crate::proto::pdu::TrapV1;
use crate::proto::usm::{
    self, EngineBoots, EngineId, EngineTime, ForeignEngineIds, LocalEngine, Received, RemoteEngine,
    SecurityLevel, UserKeys, UserName, UsmError,
};
use crate::proto::{ErrorStatus, Message, Pdu, PduBody, PduType, RequestId, Version};

/// How many sender engines' clocks and learned engine ids are kept at most.
pub const MAX_REMOTE_ENGINES: usize = 16_384;

/// Why a datagram did not become a notification. Stable names for counters and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// Not a decodable SNMP message.
    Malformed,
    /// An SNMP version this receiver does not know.
    BadVersion,
    /// v1/v2c: a community not accepted from that source.
    UnknownCommunity,
    /// v3: no such user.
    UnknownUser,
    /// v3: the user is not keyed to the message's engine id (usmStatsUnknownEngineIDs).
    UnknownEngineId,
    /// v3: the HMAC does not verify (usmStatsWrongDigests).
    WrongDigest,
    /// v3: the scoped PDU does not decrypt (usmStatsDecryptionErrors).
    DecryptionFailure,
    /// v3: outside the time window (usmStatsNotInTimeWindows).
    NotInTimeWindow,
    /// v3: a level the user cannot or may not use (usmStatsUnsupportedSecLevels).
    UnsupportedSecurityLevel,
    /// v3: a security model other than USM, or invalid msgFlags.
    UnknownSecurityModel,
    /// A PDU that is not a notification (a Get, a Response, a Report, ...).
    NotANotification,
}

impl DropReason {
    pub const ALL: [DropReason; 11] = [
        DropReason::Malformed,
        DropReason::BadVersion,
        DropReason::UnknownCommunity,
        DropReason::UnknownUser,
        DropReason::UnknownEngineId,
        DropReason::WrongDigest,
        DropReason::DecryptionFailure,
        DropReason::NotInTimeWindow,
        DropReason::UnsupportedSecurityLevel,
        DropReason::UnknownSecurityModel,
        DropReason::NotANotification,
    ];

    /// The counter's name in the JSON stats line and on SIGUSR1.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Malformed => "malformed",
            DropReason::BadVersion => "bad_version",
            DropReason::UnknownCommunity => "unknown_community",
            DropReason::UnknownUser => "unknown_user",
            DropReason::UnknownEngineId => "unknown_engine_id",
            DropReason::WrongDigest => "wrong_digest",
            DropReason::DecryptionFailure => "decryption_failure",
            DropReason::NotInTimeWindow => "not_in_time_window",
            DropReason::UnsupportedSecurityLevel => "unsupported_security_level",
            DropReason::UnknownSecurityModel => "unknown_security_model",
            DropReason::NotANotification => "not_a_notification",
        }
    }

    fn index(self) -> usize {
        DropReason::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    fn of(error: &UsmError) -> DropReason {
        match error {
            UsmError::Decode(_) | UsmError::NotV3(_) => DropReason::Malformed,
            UsmError::UnknownSecurityModel(_) | UsmError::InvalidFlags(_) => {
                DropReason::UnknownSecurityModel
            }
            UsmError::UnknownEngineId { .. } => DropReason::UnknownEngineId,
            UsmError::UnknownUser { .. } => DropReason::UnknownUser,
            UsmError::WrongDigest { .. } => DropReason::WrongDigest,
            UsmError::NotInTimeWindow { .. } => DropReason::NotInTimeWindow,
            UsmError::DecryptionFailed { .. } => DropReason::DecryptionFailure,
            UsmError::UnsupportedSecurityLevel { .. }
            | UsmError::MissingKeys { .. }
            | UsmError::LevelMismatch { .. } => DropReason::UnsupportedSecurityLevel,
            UsmError::UnknownSecurityLevel(_)
            | UsmError::BadEngineId { .. }
            | UsmError::Encrypt(_)
            | UsmError::Sign(_) => DropReason::Malformed,
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the receiver counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceiverStats {
    pub datagrams: u64,
    /// Notifications accepted (traps and informs).
    pub accepted: u64,
    pub informs: u64,
    /// Responses sent to informs.
    pub acknowledged: u64,
    /// v3 engine discovery probes answered.
    pub discovery: u64,
    /// Reports sent other than discovery answers.
    pub reports: u64,
    /// v3 sender engine ids learned (`learn_engine_ids`).
    pub learned_engines: u64,
    /// By `DropReason::index`.
    pub dropped: [u64; DropReason::ALL.len()],
}

impl ReceiverStats {
    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason.index()]
    }

    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    /// Adds another receiver's counts (one per listening socket).
    pub fn add(&mut self, other: &ReceiverStats) {
        self.datagrams += other.datagrams;
        self.accepted += other.accepted;
        self.informs += other.informs;
        self.acknowledged += other.acknowledged;
        self.discovery += other.discovery;
        self.reports += other.reports;
        self.learned_engines += other.learned_engines;
        for (a, b) in self.dropped.iter_mut().zip(other.dropped) {
            *a += b;
        }
    }
}

/// A datagram refused, and why (no secret in `detail`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub reason: DropReason,
    pub detail: String,
}

/// What became of one datagram.
#[derive(Debug, Default)]
pub struct Handled {
    pub notification: Option<Notification>,
    /// To send back to the datagram's source.
    pub reply: Option<Vec<u8>>,
    pub dropped: Option<Dropped>,
    /// A sender engine id learned for a user (`learn_engine_ids`).
    pub learned: Option<(EngineId, UserName)>,
}

/// The receiver's own SNMP engine: authoritative for informs.
#[derive(Clone, Debug)]
pub struct LocalIdentity {
    pub engine_id: EngineId,
    /// snmpEngineBoots: one more at each start (the daemon's state file keeps it).
    pub boots: EngineBoots,
    /// Seeds the privacy salt of Responses and Reports.
    pub salt_seed: u32,
}

/// A sender engine id learned for a user (`Access::learn_engine_ids`): the user's
/// credentials configured without an engine id verified a trap from that engine. Kept
/// across restarts in the daemon's state file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LearnedEngine {
    pub engine_id: EngineId,
    pub user: UserName,
}

/// The sans-IO receiver. Feed it every datagram with [`Receiver::handle_datagram`].
pub struct Receiver {
    policy: Policy,
    engine: LocalEngine,
    started: Instant,
    /// Sender engines learned, with their keys under the current policy (derived again on
    /// first use after a policy change: localizing a cached master key is cheap).
    learned: HashMap<EngineId, HashMap<UserName, Vec<Arc<UserKeys>>>>,
    learned_count: usize,
    clocks: HashMap<EngineId, RemoteEngine>,
    stats: ReceiverStats,
}

impl Receiver {
    /// Derives every user's keys (milliseconds per pass phrase); `started` is when our
    /// snmpEngineTime was 0 in this boot.
    pub fn new(access: Access, identity: LocalIdentity, started: Instant) -> Receiver {
        let policy = Policy::new(access, &identity.engine_id);
        let mut engine = LocalEngine::new(identity.engine_id, identity.boots, identity.salt_seed);
        engine.foreign = ForeignEngineIds::Report;
        Receiver {
            policy,
            engine,
            started,
            learned: HashMap::new(),
            learned_count: 0,
            clocks: HashMap::new(),
            stats: ReceiverStats::default(),
        }
    }

    /// Replaces who may send (a configuration reload). Learned sender engines and sender
    /// clocks are kept; a learned engine is accepted again for the users of that name the
    /// new policy has without an engine id (whether it still learns or not). A policy built for another engine id is refused
    /// (returned): informs would not verify.
    pub fn set_policy(&mut self, policy: Policy) -> Result<(), Box<Policy>> {
        if policy.engine_id != self.engine.engine_id {
            return Err(Box::new(policy));
        }
        self.policy = policy;
        for users in self.learned.values_mut() {
            for keys in users.values_mut() {
                keys.clear();
            }
        }
        Ok(())
    }

    pub fn access(&self) -> &Access {
        &self.policy.access
    }

    /// Sender engines learned before (the daemon's state file): accepted again, learning
    /// on or off, within the cap of [`MAX_REMOTE_ENGINES`].
    pub fn remember(&mut self, learned: impl IntoIterator<Item = LearnedEngine>) {
        for l in learned {
            if self.learned_count >= MAX_REMOTE_ENGINES {
                break;
            }
            let users = self.learned.entry(l.engine_id).or_default();
            if let std::collections::hash_map::Entry::Vacant(e) = users.entry(l.user) {
                e.insert(Vec::new());
                self.learned_count += 1;
            }
        }
    }

    /// Every sender engine learned (or remembered), in a stable order.
    pub fn learned_engines(&self) -> Vec<LearnedEngine> {
        let mut all: Vec<LearnedEngine> = self
            .learned
            .iter()
            .flat_map(|(engine_id, users)| {
                users.keys().map(|user| LearnedEngine {
                    engine_id: engine_id.clone(),
                    user: user.clone(),
                })
            })
            .collect();
        all.sort();
        all
    }

    pub fn stats(&self) -> ReceiverStats {
        self.stats
    }

    pub fn engine_id(&self) -> &EngineId {
        &self.engine.engine_id
    }

    pub fn boots(&self) -> EngineBoots {
        self.engine.boots
    }

    /// Our snmpEngineTime at `now`.
    pub fn engine_time(&self, now: Instant) -> EngineTime {
        let secs = now.saturating_duration_since(self.started).as_secs();
        EngineTime(
            u32::try_from(secs)
                .unwrap_or(u32::MAX)
                .min(usm::MAX_ENGINE_BOOTS),
        )
    }

    /// One datagram from `from`, arrived at `now` (monotonic, for engine time) and
    /// `wall` (for the notification's time stamp), on `local`.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        wall: SystemTime,
        from: SocketAddr,
        local: Option<SocketAddr>,
        bytes: &[u8],
    ) -> Handled {
        self.stats.datagrams += 1;
        let from = canonical(from);
        let arrival = Arrival { wall, from, local };
        let handled = match peek_version(&bytes[..bytes.len().min(16)]) {
            Some(Version::V3) => self.handle_v3(now, arrival, bytes),
            _ => self.handle_community(arrival, bytes),
        };
        if let Some(d) = &handled.dropped {
            self.stats.dropped[d.reason.index()] += 1;
        }
        if let Some(n) = &handled.notification {
            self.stats.accepted += 1;
            if n.kind == NotificationKind::Inform {
                self.stats.informs += 1;
            }
        }
        handled
    }

    fn handle_community(&mut self, arrival: Arrival, bytes: &[u8]) -> Handled {
        let message = match Message::decode(bytes) {
            Ok((Message::Community(m), _)) => m,
            Ok((Message::V3(_), _)) => return self.handle_v3_fallback(),
            Err(e) => return dropped(DropReason::Malformed, e.to_string()),
        };
        if let Version::Unknown(v) = message.version {
            return dropped(DropReason::BadVersion, format!("SNMP version code {v}"));
        }
        let Some(label) = self
            .policy
            .access
            .community_label(message.community.as_bytes(), arrival.from.ip())
        else {
            return dropped(
                DropReason::UnknownCommunity,
                format!(
                    "v{} community not accepted from {}",
                    message.version.name(),
                    arrival.from.ip()
                ),
            );
        };
        let security = NotificationSecurity::Community {
            label: label.to_string(),
        };
        let CommunityMessage {
            version,
            community,
            pdu,
        } = message;
        match pdu {
            PduBody::TrapV1(trap) if version == Version::V1 => Handled {
                notification: Some(v1_notification(&arrival, version, security, trap)),
                ..Handled::default()
            },
            PduBody::Pdu(pdu)
                if version == Version::V2c
                    && matches!(pdu.kind, PduType::TrapV2 | PduType::InformRequest) =>
            {
                let reply = (pdu.kind == PduType::InformRequest).then(|| {
                    self.stats.acknowledged += 1;
                    Message::Community(CommunityMessage {
                        version,
                        community,
                        pdu: PduBody::Pdu(inform_response(&pdu)),
                    })
                    .encode()
                });
                Handled {
                    notification: Some(v2_notification(&arrival, version, security, pdu)),
                    reply,
                    ..Handled::default()
                }
            }
            other => dropped(
                DropReason::NotANotification,
                format!("v{} {}", version.name(), other.kind().name()),
            ),
        }
    }

    fn handle_v3_fallback(&mut self) -> Handled {
        dropped(DropReason::Malformed, "unexpected SNMPv3 message".into())
    }

    fn handle_v3(&mut self, now: Instant, arrival: Arrival, bytes: &[u8]) -> Handled {
        let inspected = match usm::inspect(bytes) {
            Ok(i) => i,
            Err(e) => return dropped(DropReason::of(&e), e.to_string()),
        };
        let engine_id = &inspected.params.engine_id;
        let authoritative = engine_id.is_empty()
            || *engine_id == self.engine.engine_id
            || inspected.msg.flags.reportable();
        if authoritative {
            let probe = engine_id.is_empty();
            return self.handle_authoritative(now, arrival, bytes, probe);
        }
        self.handle_v3_trap(now, arrival, bytes, inspected)
    }

    /// Informs, discovery and anything reportable: RFC 3414 3.2 as the authoritative engine.
    fn handle_authoritative(
        &mut self,
        now: Instant,
        arrival: Arrival,
        bytes: &[u8],
        probe: bool,
    ) -> Handled {
        let time = self.engine_time(now);
        let received = match self
            .engine
            .receive(bytes, time, &mut self.policy.inform_keys)
        {
            Ok(r) => r,
            Err(rejected) => {
                let reason = DropReason::of(&rejected.error);
                let discovery =
                    probe && reason == DropReason::UnknownEngineId && rejected.report.is_some();
                if discovery {
                    self.stats.discovery += 1;
                } else if rejected.report.is_some() {
                    self.stats.reports += 1;
                }
                // A discovery probe is answered, not refused.
                let dropped = (!discovery).then(|| Dropped {
                    reason,
                    detail: rejected.error.to_string(),
                });
                return Handled {
                    reply: rejected.report,
                    dropped,
                    ..Handled::default()
                };
            }
        };
        if let Some(d) = self.check_min_level(&received) {
            return Handled {
                dropped: Some(d),
                ..Handled::default()
            };
        }
        let PduBody::Pdu(pdu) = &received.scoped_pdu.pdu else {
            return dropped(DropReason::NotANotification, "v3 Trap-PDU (v1 form)".into());
        };
        let reply = match pdu.kind {
            PduType::InformRequest => {
                let response = PduBody::Pdu(inform_response(pdu));
                match self.engine.respond(&received, time, response) {
                    Ok(bytes) => {
                        self.stats.acknowledged += 1;
                        Some(bytes)
                    }
                    Err(e) => return dropped(DropReason::of(&e), e.to_string()),
                }
            }
            PduType::TrapV2 => None,
            other => {
                return dropped(
                    DropReason::NotANotification,
                    format!("v3 {} for this receiver's engine", other.name()),
                );
            }
        };
        Handled {
            notification: Some(self.v3_notification(&arrival, received)),
            reply,
            ..Handled::default()
        }
    }

    /// A v3 trap: authoritative at its sender; the user's keys for that engine.
    fn handle_v3_trap(
        &mut self,
        now: Instant,
        arrival: Arrival,
        bytes: &[u8],
        inspected: usm::Inspected,
    ) -> Handled {
        let engine_id = &inspected.params.engine_id;
        let user = &inspected.params.user;
        if !self.policy.users_by_name.contains_key(user) {
            return dropped(
                DropReason::UnknownUser,
                format!("unknown v3 user '{user}' (engine {engine_id})"),
            );
        }
        let level = inspected.level;
        let (candidates, learning) = if level == SecurityLevel::NoAuthNoPriv {
            // No keys to localize: the user's name is all there is to check.
            (Vec::new(), false)
        } else {
            self.trap_candidates(engine_id, user)
        };
        if level > SecurityLevel::NoAuthNoPriv && candidates.is_empty() {
            return dropped(
                DropReason::UnknownEngineId,
                format!(
                    "v3 user '{user}' has no keys for sender engine {engine_id} (configure the \
                     user with that engine id, or learn engine ids)"
                ),
            );
        }
        let received = match usm::receive_inspected(bytes, inspected, &mut Given(candidates)) {
            Ok(r) => r,
            Err(e) => return dropped(DropReason::of(&e), e.to_string()),
        };
        if let Some(d) = self.check_min_level(&received) {
            return Handled {
                dropped: Some(d),
                ..Handled::default()
            };
        }
        if received.scoped_pdu.pdu.kind() != PduType::TrapV2 {
            return dropped(
                DropReason::NotANotification,
                format!(
                    "v3 {} from engine {}",
                    received.scoped_pdu.pdu.kind().name(),
                    received.engine_id
                ),
            );
        }
        if received.level > SecurityLevel::NoAuthNoPriv {
            if let Err(e) = self.check_clock(now, &received) {
                return dropped(DropReason::NotInTimeWindow, e.to_string());
            }
        }
        let mut learned = None;
        if learning && self.learned_count < MAX_REMOTE_ENGINES {
            if let Some(keys) = &received.keys {
                self.learned
                    .entry(received.engine_id.clone())
                    .or_default()
                    .insert(received.user.clone(), vec![Arc::clone(keys)]);
                self.learned_count += 1;
                self.stats.learned_engines += 1;
                learned = Some((received.engine_id.clone(), received.user.clone()));
            }
        }
        Handled {
            notification: Some(self.v3_notification(&arrival, received)),
            learned,
            ..Handled::default()
        }
    }

    /// The keys a v3 trap from `engine_id` may verify with: the users configured for that
    /// engine, else the engine learned before (learning on or off since: learning is how
    /// engines are added, trust on first use), else, learning on and room left, every
    /// credentials of that name without an engine id, the trap then teaching the engine
    /// (`true`).
    fn trap_candidates(
        &mut self,
        engine_id: &EngineId,
        user: &UserName,
    ) -> (Vec<Arc<UserKeys>>, bool) {
        if let Some(keys) = self
            .policy
            .trap_keys
            .get(engine_id)
            .and_then(|u| u.get(user))
        {
            return (keys.clone(), false);
        }
        if let Some(keys) = self
            .learned
            .get_mut(engine_id)
            .and_then(|u| u.get_mut(user))
        {
            if keys.is_empty() {
                // Remembered, or learned under an earlier policy.
                *keys = self.policy.unbound_keys(engine_id, user);
            }
            return (keys.clone(), false);
        }
        if !self.policy.access.learn_engine_ids || self.learned_count >= MAX_REMOTE_ENGINES {
            return (Vec::new(), false);
        }
        (self.policy.unbound_keys(engine_id, user), true)
    }

    /// RFC 3414 3.2 step 7b against the sender engine's clock as we know it.
    fn check_clock(&mut self, now: Instant, received: &Received) -> Result<(), UsmError> {
        if !self.clocks.contains_key(&received.engine_id) {
            if self.clocks.len() >= MAX_REMOTE_ENGINES {
                self.clocks.clear();
            }
            self.clocks.insert(
                received.engine_id.clone(),
                RemoteEngine::new(
                    received.engine_id.clone(),
                    received.boots,
                    received.time,
                    now,
                ),
            );
            return Ok(());
        }
        match self.clocks.get_mut(&received.engine_id) {
            Some(clock) => clock.observe(received.boots, received.time, now),
            None => Ok(()),
        }
    }

    /// A user sends at the level it is configured for, or higher.
    fn check_min_level(&self, received: &Received) -> Option<Dropped> {
        let indexes = self.policy.users_by_name.get(&received.user)?;
        let min = indexes
            .iter()
            .map(|&i| self.policy.access.users[i].min_level())
            .min()?;
        (received.level < min).then(|| Dropped {
            reason: DropReason::UnsupportedSecurityLevel,
            detail: format!(
                "v3 user '{}' sent at {}, below its configured {min}",
                received.user, received.level
            ),
        })
    }

    fn v3_notification(&self, arrival: &Arrival, received: Received) -> Notification {
        let security = NotificationSecurity::Usm {
            user: received.user,
            level: received.level,
            engine_id: received.engine_id,
            context_engine_id: received.scoped_pdu.context_engine_id,
            context_name: received.scoped_pdu.context_name,
        };
        match received.scoped_pdu.pdu {
            PduBody::Pdu(pdu) => v2_notification(arrival, Version::V3, security, pdu),
            // Refused before: a v3 message cannot carry a v1 Trap-PDU.
            PduBody::TrapV1(trap) => v1_notification(arrival, Version::V3, security, trap),
        }
    }
}

impl super::access::TrapUser {
    /// The lowest level this user's notifications are accepted at.
    pub fn min_level(&self) -> SecurityLevel {
        self.min_level
            .unwrap_or_else(|| self.credentials.max_level())
    }
}

#[derive(Clone, Copy)]
struct Arrival {
    wall: SystemTime,
    from: SocketAddr,
    local: Option<SocketAddr>,
}

fn dropped(reason: DropReason, detail: String) -> Handled {
    Handled {
        dropped: Some(Dropped { reason, detail }),
        ..Handled::default()
    }
}

/// RFC 3416 4.2.7: the Response to an InformRequest: same request-id, noError, the same
/// varbinds.
fn inform_response(pdu: &Pdu) -> Pdu {
    pdu.response(ErrorStatus::NoError, 0, pdu.varbinds.clone())
}

/// An SNMPv1 Trap-PDU in SNMPv2 form (RFC 3584 section 3.1), its own fields kept.
fn v1_notification(
    arrival: &Arrival,
    version: Version,
    security: NotificationSecurity,
    trap: TrapV1,
) -> Notification {
    let (trap_oid, varbinds) = v1_to_v2(&trap);
    Notification {
        received_at: arrival.wall,
        source: arrival.from,
        local: arrival.local,
        version,
        kind: NotificationKind::TrapV1,
        security,
        request_id: RequestId(0),
        uptime: Some(trap.time_stamp),
        trap_oid,
        varbinds,
        v1: Some(V1Fields {
            enterprise: trap.enterprise,
            agent_addr: trap.agent_addr.into(),
            generic_trap: trap.generic_trap,
            specific_trap: trap.specific_trap,
            time_stamp: trap.time_stamp,
        }),
    }
}

fn v2_notification(
    arrival: &Arrival,
    version: Version,
    security: NotificationSecurity,
    pdu: Pdu,
) -> Notification {
    let (uptime, trap_oid) = v2_header(&pdu.varbinds);
    Notification {
        received_at: arrival.wall,
        source: arrival.from,
        local: arrival.local,
        version,
        kind: if pdu.kind == PduType::InformRequest {
            NotificationKind::Inform
        } else {
            NotificationKind::Trap
        },
        security,
        request_id: pdu.request_id,
        uptime,
        trap_oid,
        varbinds: pdu.varbinds,
        v1: None,
    }
}

/// msgVersion from the first bytes, without decoding the rest: SEQUENCE, length, INTEGER.
fn peek_version(head: &[u8]) -> Option<Version> {
    let mut i = 1;
    let first = *head.get(i)?;
    i += 1;
    if first & 0x80 != 0 {
        i += usize::from(first & 0x7f);
    }
    if *head.get(i)? != 0x02 || *head.get(i + 1)? != 1 {
        return None;
    }
    Some(Version::from_code(i64::from(*head.get(i + 2)?)))
}

#[cfg(test)]
#[path = "receiver_tests.rs"]
mod tests;
