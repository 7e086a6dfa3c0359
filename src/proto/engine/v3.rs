//! SNMPv3 inside the request engine (RFC 3412 section 7, RFC 3414 sections 3 and 4): per
//! agent, the engine id found by discovery and the agent's boots/time as we believe them;
//! requests built with `usm::encode` at each transmission; replies matched by msgID,
//! verified and decrypted with `usm::receive`; Reports turned into resynchronisation
//! (notInTimeWindows after a reboot, unknownEngineIDs after a swap) or into an explanation;
//! silences turned into hints; and `--aes-key-extension auto`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{
    Engine, Inflight, Notice, OpId, Progress, Purpose, RequestError, Security, Target, TimeoutHint,
    canonical,
};
use crate::proto::message::{MsgId, ScopedPdu, V3Message};
use crate::proto::pdu::{Pdu, PduBody, PduType, RequestId};
use crate::proto::usm::time::RemoteEngine;
use crate::proto::usm::{
    self, Credentials, EngineBoots, EngineId, EngineTime, Outgoing, SecurityLevel, UserKeys,
    UserLookup, UserName, UsmError, UsmReport,
};

/// msgMaxSize we announce: the largest UDP payload over IPv4, as Net-SNMP does.
pub const MAX_MESSAGE_SIZE: i64 = 65507;

/// How many times one request may be re-sent after a Report made us resynchronise.
const MAX_RESYNCS: u8 = 2;

/// What `-x AES-192`/`AES-256` means when the agent extends keys the other way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyExtensionPolicy {
    /// Use the extension the protocol name says (Net-SNMP's behaviour).
    #[default]
    AsNamed,
    /// On a privacy failure, try the other extension and say which one worked.
    Auto,
}

/// SNMPv3 parameters of a target (Net-SNMP's -u -l -a -A -x -X -e -E -n -Z).
#[derive(Debug)]
pub struct UsmTarget {
    pub credentials: Arc<Credentials>,
    pub level: SecurityLevel,
    /// `-n`: the context name ("" is the default context).
    pub context_name: Vec<u8>,
    /// `-E`: the context engine id; the agent's own when not given.
    pub context_engine_id: Option<EngineId>,
    /// `-e`: the agent's engine id, which skips discovery.
    pub engine_id: Option<EngineId>,
    /// `-Z`: the agent's boots and time, with `-e`.
    pub boots_time: Option<(EngineBoots, EngineTime)>,
    pub key_extension: KeyExtensionPolicy,
}

/// What we know of one agent's SNMP engine.
pub(super) struct Peer {
    pub(super) remote: Option<RemoteEngine>,
    /// The discovery probe in flight, if any.
    pub(super) discovery: Option<RequestId>,
    /// Requests waiting for discovery to finish.
    pub(super) waiting: Vec<Waiting>,
    timeout: Duration,
    retries: u32,
    /// Credentials found to work by `--aes-key-extension auto`, by user name.
    working: HashMap<Vec<u8>, Arc<Credentials>>,
}

pub(super) struct Waiting {
    pub(super) op: OpId,
    range: Range<usize>,
    max_repetitions: u32,
}

/// One operation's v3 state.
#[derive(Default)]
pub(super) struct OpSecurity {
    credentials: Option<Arc<Credentials>>,
    /// `--aes-key-extension auto`: the same secrets with the other extension, not yet tried.
    alternative: Option<Arc<Credentials>>,
    /// Set once the alternative is in use: (protocol tried first, protocol now in use).
    switched: Option<(usm::PrivProtocol, usm::PrivProtocol)>,
    level: Option<SecurityLevel>,
    auth_failures: u32,
    decrypt_failures: u32,
}

/// No users: for reading discovery Reports, which are never authenticated.
struct NoUsers;

impl UserLookup for NoUsers {
    fn lookup(&mut self, _: &EngineId, _: &UserName) -> Option<Arc<UserKeys>> {
        None
    }
}

impl Engine {
    pub(super) fn op_security(&self, target: &Target) -> OpSecurity {
        let Security::Usm(usm) = &target.security else {
            return OpSecurity::default();
        };
        let user = usm.credentials.user().as_bytes().to_vec();
        let working = self
            .peers
            .get(&canonical(target.addr))
            .and_then(|p| p.working.get(&user))
            .cloned();
        let alternative = match (usm.key_extension, &working) {
            (KeyExtensionPolicy::Auto, None) if usm.level == SecurityLevel::AuthPriv => usm
                .credentials
                .privacy_protocol()
                .and_then(usm::PrivProtocol::with_other_extension)
                .and_then(|p| usm.credentials.with_privacy_protocol(p).ok())
                .map(Arc::new),
            _ => None,
        };
        OpSecurity {
            credentials: Some(working.unwrap_or_else(|| Arc::clone(&usm.credentials))),
            alternative,
            switched: None,
            level: Some(usm.level),
            auth_failures: 0,
            decrypt_failures: 0,
        }
    }

    /// True when the agent's engine id is known (discovered, or given with `-e`).
    pub(super) fn engine_known(
        &mut self,
        now: Instant,
        addr: SocketAddr,
        usm: &UsmTarget,
        target: &Target,
    ) -> bool {
        let peer = self.peers.entry(canonical(addr)).or_insert_with(|| Peer {
            remote: None,
            discovery: None,
            waiting: Vec::new(),
            timeout: target.timeout,
            retries: target.retries,
            working: HashMap::new(),
        });
        if let Some(given) = &usm.engine_id {
            if peer.remote.as_ref().map(RemoteEngine::engine_id) != Some(given) {
                let (boots, time) = usm.boots_time.unwrap_or((EngineBoots(0), EngineTime(0)));
                peer.remote = Some(RemoteEngine::new(given.clone(), boots, time, now));
            }
        }
        peer.remote.is_some()
    }

    /// Parks a request until discovery answers, starting discovery if none is under way
    /// (RFC 3414 section 4).
    pub(super) fn park_until_discovered(
        &mut self,
        now: Instant,
        op: OpId,
        addr: SocketAddr,
        range: Range<usize>,
        max_repetitions: u32,
    ) {
        if let Some(state) = self.ops.get_mut(&op) {
            // A parked part is outstanding: the operation is not done while it waits.
            state.outstanding += 1;
        }
        let key = canonical(addr);
        let needs_probe = match self.peers.get_mut(&key) {
            Some(peer) => {
                peer.waiting.push(Waiting {
                    op,
                    range,
                    max_repetitions,
                });
                peer.discovery.is_none()
            }
            None => false,
        };
        if !needs_probe {
            return;
        }
        let request_id = self.alloc_request_id();
        self.inflight.insert(
            request_id,
            Inflight {
                purpose: Purpose::Discovery,
                dest: addr,
                pdu: Pdu::request(PduType::GetRequest, request_id, Vec::new()),
                msg_ids: Vec::new(),
                deadline: now,
                attempts: 0,
                resyncs: 0,
            },
        );
        if let Some(peer) = self.peers.get_mut(&key) {
            peer.discovery = Some(request_id);
        }
        self.stats.discoveries += 1;
        self.transmit(now, request_id);
    }

    pub(super) fn discovery_timeout(&self, dest: SocketAddr) -> Duration {
        self.peers
            .get(&canonical(dest))
            .map_or(Duration::from_secs(1), |p| p.timeout)
    }

    pub(super) fn discovery_retries(&self, dest: SocketAddr) -> u32 {
        self.peers.get(&canonical(dest)).map_or(0, |p| p.retries)
    }

    /// The operations waiting for the discovery of the agent at `dest`.
    pub(super) fn waiting_for_discovery(&self, dest: SocketAddr) -> Vec<OpId> {
        self.peers
            .get(&canonical(dest))
            .map(|p| p.waiting.iter().map(|w| w.op).collect())
            .unwrap_or_default()
    }

    /// Stops the discovery probes no operation waits for any more (their callers went away).
    pub(super) fn stop_unwanted_discoveries(&mut self) {
        let unwanted: Vec<RequestId> = self
            .peers
            .values_mut()
            .filter(|p| p.waiting.is_empty())
            .filter_map(|p| p.discovery.take())
            .collect();
        for id in unwanted {
            self.take_inflight(id);
        }
    }

    /// Discovery went unanswered: every request waiting on it fails.
    pub(super) fn discovery_failed(&mut self, dest: SocketAddr, attempts: u32) {
        let waiting = match self.peers.get_mut(&canonical(dest)) {
            Some(peer) => {
                peer.discovery = None;
                std::mem::take(&mut peer.waiting)
            }
            None => Vec::new(),
        };
        for w in waiting {
            self.finish(
                w.op,
                Err(RequestError::Timeout {
                    addr: dest,
                    attempts,
                    hint: Some(TimeoutHint::NoDiscoveryReply),
                }),
            );
        }
    }

    fn discovered(
        &mut self,
        now: Instant,
        dest: SocketAddr,
        engine_id: EngineId,
        boots: EngineBoots,
        time: EngineTime,
    ) {
        let waiting = match self.peers.get_mut(&canonical(dest)) {
            Some(peer) => {
                peer.remote = Some(RemoteEngine::new(engine_id.clone(), boots, time, now));
                peer.discovery = None;
                std::mem::take(&mut peer.waiting)
            }
            None => Vec::new(),
        };
        let ops: Vec<OpId> = waiting.iter().map(|w| w.op).collect();
        self.report_to_waiting(&ops, &Progress::Discovered { engine_id });
        for w in waiting {
            if let Some(state) = self.ops.get_mut(&w.op) {
                state.outstanding -= 1;
                self.send_part(now, w.op, w.range, w.max_repetitions);
            }
        }
    }

    /// Builds the v3 message for one transmission of `request_id` (RFC 3414 3.1).
    pub(super) fn encode_v3(
        &mut self,
        now: Instant,
        request_id: RequestId,
        msg_id: MsgId,
        target: &Target,
        usm: &UsmTarget,
    ) -> Result<Vec<u8>, RequestError> {
        let remote = self
            .peers
            .get(&canonical(target.addr))
            .and_then(|p| p.remote.clone())
            .ok_or(RequestError::EngineUnknown)?;
        let f = self
            .inflight
            .get(&request_id)
            .ok_or(RequestError::Cancelled)?;
        let credentials = f
            .op()
            .and_then(|op| self.ops.get(&op))
            .and_then(|s| s.v3.credentials.clone())
            .unwrap_or_else(|| Arc::clone(&usm.credentials));
        let authoritative = (remote.engine_id(), remote.boots(), remote.time_at(now));
        let pdu = PduBody::Pdu(f.pdu.clone());
        let bytes = self.encode_usm(msg_id, usm, &credentials, authoritative, true, pdu)?;
        self.register_msg_id(request_id, msg_id);
        Ok(bytes)
    }

    /// A v3 trap as its authoritative sender builds it (RFC 3414 3.1 with our own engine
    /// id, boots and time): not reportable, context engine id ours.
    pub(super) fn encode_v3_trap(
        &mut self,
        msg_id: MsgId,
        usm: &UsmTarget,
        pdu: PduBody,
    ) -> Result<Vec<u8>, RequestError> {
        let engine_id = usm
            .engine_id
            .as_ref()
            .ok_or(RequestError::NoSenderEngineId)?;
        let (boots, time) = usm.boots_time.unwrap_or((EngineBoots(1), EngineTime(0)));
        let credentials = Arc::clone(&usm.credentials);
        self.encode_usm(
            msg_id,
            usm,
            &credentials,
            (engine_id, boots, time),
            false,
            pdu,
        )
    }

    /// One message as `credentials` at `usm.level`, authoritative at `engine_id` with its
    /// `boots` and `time` (RFC 3414 3.1): the keys localized to that engine, the context
    /// engine id `-E` or that engine's.
    fn encode_usm(
        &mut self,
        msg_id: MsgId,
        usm: &UsmTarget,
        credentials: &Credentials,
        (engine_id, boots, time): (&EngineId, EngineBoots, EngineTime),
        reportable: bool,
        pdu: PduBody,
    ) -> Result<Vec<u8>, RequestError> {
        let keys = if usm.level > SecurityLevel::NoAuthNoPriv {
            Some(
                credentials
                    .keys_for(engine_id)
                    .map_err(RequestError::Keys)?,
            )
        } else {
            None
        };
        let scoped = ScopedPdu {
            context_engine_id: usm
                .context_engine_id
                .as_ref()
                .unwrap_or(engine_id)
                .as_bytes()
                .to_vec(),
            context_name: usm.context_name.clone(),
            pdu,
        };
        let out = Outgoing {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            reportable,
            level: usm.level,
            engine_id,
            boots,
            time,
            user: credentials.user(),
            keys: keys.as_deref(),
            scoped_pdu: &scoped,
        };
        usm::encode(&out, &mut self.salt).map_err(RequestError::Security)
    }

    /// A v3 reply: matched by msgID and source, then verified and decrypted.
    pub(super) fn handle_v3_reply(
        &mut self,
        now: Instant,
        from: SocketAddr,
        m: &V3Message,
        bytes: &[u8],
    ) {
        let Some(&request_id) = self.by_msg_id.get(&m.msg_id) else {
            self.stats.unmatched += 1;
            return;
        };
        let Some(f) = self.inflight.get(&request_id) else {
            self.stats.unmatched += 1;
            return;
        };
        if canonical(f.dest) != canonical(from) {
            self.stats.wrong_source += 1;
            return;
        }
        let Purpose::Part { op, .. } = f.purpose.clone() else {
            // Discovery: any Report that names the engine completes it.
            match usm::receive(bytes, &mut NoUsers) {
                Ok(r) if !r.engine_id.is_empty() => {
                    if let Some(f) = self.take_inflight(request_id) {
                        self.discovered(now, f.dest, r.engine_id, r.boots, r.time);
                    }
                }
                _ => self.stats.security_failures += 1,
            }
            return;
        };
        let Some(state) = self.ops.get_mut(&op) else {
            self.stats.unmatched += 1;
            return;
        };
        let Some(mut credentials) = state.v3.credentials.clone() else {
            self.stats.unmatched += 1;
            return;
        };
        let level = state.v3.level.unwrap_or(SecurityLevel::NoAuthNoPriv);
        let received = match usm::receive(bytes, &mut credentials) {
            Ok(r) => r,
            Err(UsmError::WrongDigest { .. }) => {
                state.v3.auth_failures += 1;
                self.stats.security_failures += 1;
                return;
            }
            Err(UsmError::DecryptionFailed { .. }) => {
                state.v3.decrypt_failures += 1;
                self.stats.security_failures += 1;
                return;
            }
            Err(_) => {
                self.stats.security_failures += 1;
                return;
            }
        };
        if received.check_level(level).is_err() {
            self.stats.untimely += 1;
            return;
        }
        if let Some((report, _)) = received.report() {
            self.handle_report(now, request_id, op, &report, &received);
            return;
        }
        let PduBody::Pdu(pdu) = received.scoped_pdu.pdu else {
            self.stats.unmatched += 1;
            return;
        };
        if pdu.kind != PduType::Response || pdu.request_id != request_id {
            self.stats.unmatched += 1;
            return;
        }
        if received.level > SecurityLevel::NoAuthNoPriv {
            // RFC 3414 3.2 step 7b: a manager checks an authentic reply's timeliness.
            let key = canonical(from);
            if let Some(remote) = self.peers.get_mut(&key).and_then(|p| p.remote.as_mut()) {
                if remote.observe(received.boots, received.time, now).is_err() {
                    self.stats.untimely += 1;
                    return;
                }
            }
        }
        if let Some(state) = self.ops.get_mut(&op) {
            if let Some((tried, worked)) = state.v3.switched.take() {
                state.notices.push(Notice::KeyExtension { tried, worked });
                if let Some(peer) = self.peers.get_mut(&canonical(from)) {
                    peer.working.insert(
                        credentials.user().as_bytes().to_vec(),
                        Arc::clone(&credentials),
                    );
                }
            }
        }
        if let Some(f) = self.take_inflight(request_id) {
            self.stats.responses_matched += 1;
            self.complete_part(now, f, from, pdu, received.quirks);
        }
    }

    /// A Report in answer to a request: resynchronise and resend, or fail with its meaning.
    fn handle_report(
        &mut self,
        now: Instant,
        request_id: RequestId,
        op: OpId,
        report: &UsmReport,
        received: &usm::Received,
    ) {
        let Some(state) = self.ops.get(&op) else {
            return;
        };
        let Security::Usm(usm) = &state.target.security else {
            return;
        };
        let usm = Arc::clone(usm);
        let dest = state.target.addr;
        let resyncs = self
            .inflight
            .get(&request_id)
            .map_or(MAX_RESYNCS, |f| f.resyncs);
        let authentic = received.level > SecurityLevel::NoAuthNoPriv;
        let resync = match report {
            // The agent's engine id changed (a replaced device) or -e was wrong.
            UsmReport::UnknownEngineIds
                if usm.engine_id.is_none() && !received.engine_id.is_empty() =>
            {
                if let Some(peer) = self.peers.get_mut(&canonical(dest)) {
                    peer.remote = Some(RemoteEngine::new(
                        received.engine_id.clone(),
                        received.boots,
                        received.time,
                        now,
                    ));
                }
                self.stats.discoveries += 1;
                true
            }
            // RFC 3414 3.2 step 7b / section 4: the agent rebooted or the clocks drifted.
            UsmReport::NotInTimeWindows if authentic => {
                if let Some(peer) = self.peers.get_mut(&canonical(dest)) {
                    match peer.remote.as_mut() {
                        Some(r) => r.resync(received.boots, received.time, now),
                        None => {
                            peer.remote = Some(RemoteEngine::new(
                                received.engine_id.clone(),
                                received.boots,
                                received.time,
                                now,
                            ));
                        }
                    }
                }
                self.stats.time_resyncs += 1;
                true
            }
            _ => false,
        };
        if resync && resyncs < MAX_RESYNCS {
            self.report(
                op,
                Progress::Resynchronising {
                    report: report.clone(),
                },
            );
            if let Some(f) = self.inflight.get_mut(&request_id) {
                f.resyncs += 1;
                f.attempts = 0;
            }
            self.transmit(now, request_id);
            return;
        }
        if *report == UsmReport::DecryptionErrors {
            if let Some(f) = self.take_inflight(request_id) {
                if let Purpose::Part {
                    op,
                    range,
                    max_repetitions,
                } = f.purpose
                {
                    if self.retry_with_other_extension(now, op, range, max_repetitions) {
                        return;
                    }
                }
            }
        }
        let mut explanation = report.explain(usm.credentials.user());
        if *report == UsmReport::UnknownEngineIds && usm.engine_id.is_some() {
            explanation.push_str(" (the engine ID given with -e is not this agent's)");
        }
        self.finish(
            op,
            Err(RequestError::Report {
                report: report.clone(),
                explanation,
            }),
        );
    }

    /// `--aes-key-extension auto`: after a privacy failure, sends the part again with the
    /// other AES key extension. False when there is no other extension left to try.
    pub(super) fn retry_with_other_extension(
        &mut self,
        now: Instant,
        op: OpId,
        range: Range<usize>,
        max_repetitions: u32,
    ) -> bool {
        let Some(state) = self.ops.get_mut(&op) else {
            return false;
        };
        let Some(alternative) = state.v3.alternative.take() else {
            return false;
        };
        let tried = state
            .v3
            .credentials
            .as_ref()
            .and_then(|c| c.privacy_protocol().cloned());
        let (Some(tried), Some(worked)) = (tried, alternative.privacy_protocol().cloned()) else {
            return false;
        };
        state.v3.credentials = Some(alternative);
        state.v3.switched = Some((tried, worked.clone()));
        state.v3.decrypt_failures = 0;
        // The failed part was outstanding; send_part counts the new one.
        state.outstanding -= 1;
        self.report(op, Progress::OtherKeyExtension { trying: worked });
        self.send_part(now, op, range, max_repetitions);
        true
    }

    /// What a timeout of a v3 request probably means.
    pub(super) fn timeout_hint(&self, op: OpId, dest: SocketAddr) -> Option<TimeoutHint> {
        let state = self.ops.get(&op)?;
        let Security::Usm(usm) = &state.target.security else {
            return None;
        };
        if state.v3.auth_failures > 0 {
            return Some(TimeoutHint::RepliesFailedAuthentication {
                count: state.v3.auth_failures,
            });
        }
        if state.v3.decrypt_failures > 0 {
            return Some(TimeoutHint::RepliesFailedDecryption {
                count: state.v3.decrypt_failures,
            });
        }
        let remote = self.peers.get(&canonical(dest))?.remote.as_ref()?;
        if usm.engine_id.is_some() {
            return None;
        }
        Some(TimeoutHint::SilentAfterDiscovery {
            engine_id: remote.engine_id().clone(),
            level: usm.level,
            other_extension: usm
                .credentials
                .privacy_protocol()
                .and_then(usm::PrivProtocol::with_other_extension),
            context_given: !usm.context_name.is_empty() || usm.context_engine_id.is_some(),
        })
    }
}
