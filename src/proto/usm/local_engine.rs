//! The authoritative side (`LocalEngine`): an agent, or a receiver of informs, running RFC
//! 3414 section 3.2 against its user table, building the Report a failed check asks for,
//! and answering an accepted request.

use super::incoming::{parse, receive_parsed};
use super::{
    DEFAULT_MAX_SIZE, EngineBoots, EngineId, EngineTime, Inspected, MAX_ENGINE_BOOTS, Outgoing,
    Received, SaltCounter, SecurityLevel, UserKeys, UserLookup, UsmError, UsmReport, UsmStats,
    encode, time,
};
use crate::proto::message::{ScopedPdu, ScopedPduData};
use crate::proto::pdu::{ErrorStatus, Pdu, PduBody, PduType, RequestId, VarBind};
use crate::proto::value::Value;

/// What to do with a message whose msgAuthoritativeEngineID is not ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForeignEngineIds {
    /// An agent: answer usmStatsUnknownEngineIDs (RFC 3414 3.2 step 3b), which is also how
    /// managers discover the engine id.
    Report,
    /// A notification receiver: accept messages authoritative at their sender (v3 traps),
    /// with keys localized to the sender's engine id, as the non-authoritative side.
    AcceptNotifications,
}

/// An incoming message refused by the authoritative side, and the Report to send back when
/// RFC 3414 3.2 asks for one and the message was reportable.
#[derive(Clone, Debug)]
pub struct Rejected {
    pub error: UsmError,
    pub report: Option<Vec<u8>>,
}

impl Rejected {
    fn silent(error: UsmError) -> Rejected {
        Rejected {
            error,
            report: None,
        }
    }
}

/// An authoritative SNMP engine: our simulated agent, or a receiver of informs. Holds its
/// engine id and boots, its usmStats counters and its salt counter; its snmpEngineTime is
/// passed in with each call.
#[derive(Clone, Debug)]
pub struct LocalEngine {
    pub engine_id: EngineId,
    pub boots: EngineBoots,
    pub max_size: i64,
    pub foreign: ForeignEngineIds,
    pub stats: UsmStats,
    pub(super) salt: SaltCounter,
}

impl LocalEngine {
    /// `salt_seed` starts the salt counter (random is best); salts are our boots and the
    /// counter, as RFC 3414 8.1.1.1 lays them out.
    pub fn new(engine_id: EngineId, boots: EngineBoots, salt_seed: u32) -> Self {
        LocalEngine {
            engine_id,
            boots,
            max_size: DEFAULT_MAX_SIZE,
            foreign: ForeignEngineIds::Report,
            stats: UsmStats::default(),
            salt: SaltCounter::des(boots, salt_seed),
        }
    }

    /// A simulated restart: snmpEngineBoots grows (RFC 3414 2.2.2); the caller restarts
    /// the time it passes in from 0.
    pub fn reboot(&mut self) {
        self.boots = EngineBoots(self.boots.0.saturating_add(1).min(MAX_ENGINE_BOOTS));
        let counter = self.salt.take() as u32;
        self.salt = SaltCounter::des(self.boots, counter);
    }

    /// RFC 3414 section 3.2 as the authoritative engine, `time` being our snmpEngineTime.
    pub fn receive(
        &mut self,
        bytes: &[u8],
        time: EngineTime,
        users: &mut impl UserLookup,
    ) -> Result<Received, Rejected> {
        let parsed = parse(bytes).map_err(Rejected::silent)?;
        let p = &parsed.params;
        // Step 3.
        if p.engine_id != self.engine_id {
            if self.foreign == ForeignEngineIds::AcceptNotifications && !p.engine_id.is_empty() {
                return receive_parsed(bytes, parsed, users).map_err(Rejected::silent);
            }
            let error = UsmError::UnknownEngineId {
                engine_id: p.engine_id.clone(),
            };
            return Err(self.reject(&parsed, &UsmReport::UnknownEngineIds, error, None, time));
        }
        // Step 4.
        let candidates = users.candidates(&self.engine_id, &p.user);
        let Some(keys) = parsed.pick(bytes, candidates) else {
            let error = UsmError::UnknownUser {
                user: p.user.clone(),
                engine_id: self.engine_id.clone(),
            };
            return Err(self.reject(&parsed, &UsmReport::UnknownUserNames, error, None, time));
        };
        // Step 5.
        if let Err(error) = parsed.check_level(&keys) {
            return Err(self.reject(&parsed, &UsmReport::UnsupportedSecLevels, error, None, time));
        }
        // Step 6.
        if let Err(error) = parsed.authenticate(bytes, &keys) {
            return Err(self.reject(&parsed, &UsmReport::WrongDigests, error, None, time));
        }
        // Step 7a: only authenticated messages are timely or not.
        if parsed.level > SecurityLevel::NoAuthNoPriv
            && !time::in_authoritative_window(self.boots, time, p.boots, p.time)
        {
            let error = UsmError::NotInTimeWindow {
                engine_id: self.engine_id.clone(),
                boots: p.boots,
                time: p.time,
                expected_boots: self.boots,
                expected_time: time,
            };
            // Reported at authNoPriv so the manager can trust our boots/time.
            return Err(self.reject(
                &parsed,
                &UsmReport::NotInTimeWindows,
                error,
                Some(&keys),
                time,
            ));
        }
        // Step 8.
        match parsed.open(Some(&keys)) {
            Ok((scoped, more)) => Ok(parsed.into_received(scoped, more, Some(keys))),
            Err(error) => {
                Err(self.reject(&parsed, &UsmReport::DecryptionErrors, error, None, time))
            }
        }
    }

    /// The answer to an accepted request (RFC 3412 7.1 prepareResponseMessage): same msgID,
    /// user, security level and context; our engine id, boots and `time`.
    pub fn respond(
        &mut self,
        request: &Received,
        time: EngineTime,
        pdu: PduBody,
    ) -> Result<Vec<u8>, UsmError> {
        let scoped = ScopedPdu {
            context_engine_id: request.scoped_pdu.context_engine_id.clone(),
            context_name: request.scoped_pdu.context_name.clone(),
            pdu,
        };
        let engine_id = self.engine_id.clone();
        encode(
            &Outgoing {
                msg_id: request.msg_id,
                max_size: self.max_size,
                reportable: false,
                level: request.level,
                engine_id: &engine_id,
                boots: self.boots,
                time,
                user: &request.user,
                keys: request.keys.as_deref(),
                scoped_pdu: &scoped,
            },
            &mut self.salt,
        )
    }

    /// Counts the failure and, for a reportable message, builds the Report (RFC 3412 7.1
    /// step 3 with RFC 3414 3.2's statusInformation): the counter's OID and new value, at
    /// noAuthNoPriv, or authNoPriv when `keys` are given (notInTimeWindow).
    fn reject(
        &mut self,
        parsed: &Inspected,
        report: &UsmReport,
        error: UsmError,
        keys: Option<&UserKeys>,
        time: EngineTime,
    ) -> Rejected {
        let count = self.stats.increment(report).unwrap_or(0);
        if !parsed.msg.flags.reportable() {
            return Rejected::silent(error);
        }
        let context_name = match &parsed.msg.data {
            ScopedPduData::Plaintext(s) => s.context_name.clone(),
            ScopedPduData::Encrypted(_) => Vec::new(),
        };
        let scoped = ScopedPdu {
            context_engine_id: self.engine_id.as_bytes().to_vec(),
            context_name,
            pdu: PduBody::Pdu(Pdu {
                kind: PduType::Report,
                // The request's if it could be read; Net-SNMP sends 0 otherwise.
                request_id: parsed.request_id().unwrap_or(RequestId(0)),
                error_status: ErrorStatus::NoError,
                error_index: 0,
                varbinds: vec![VarBind::new(report.oid(), Value::Counter32(count))],
            }),
        };
        let level = if keys.is_some_and(|k| k.auth.is_some()) {
            SecurityLevel::AuthNoPriv
        } else {
            SecurityLevel::NoAuthNoPriv
        };
        let engine_id = self.engine_id.clone();
        let out = Outgoing {
            msg_id: parsed.msg.msg_id,
            max_size: self.max_size,
            reportable: false,
            level,
            engine_id: &engine_id,
            boots: self.boots,
            time,
            user: &parsed.params.user,
            keys,
            scoped_pdu: &scoped,
        };
        Rejected {
            report: encode(&out, &mut self.salt).ok(),
            error,
        }
    }
}
