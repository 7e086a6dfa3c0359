//! Incoming messages as a non-authoritative receiver: `inspect` reads the header and the
//! security parameters, `receive` verifies and decrypts (RFC 3414 section 3.2) with the
//! keys a `UserLookup` gives.

use std::cell::Cell;
use std::ops::Range;
use std::sync::Arc;

use super::{
    EngineBoots, EngineId, EngineTime, SecurityLevel, UserKeys, UserLookup, UserName, UsmError,
    UsmReport, UsmSecurityParameters, trial,
};
use crate::proto::ber::{DecodeError, Quirks, Reader};
use crate::proto::message::{
    Message, MsgFlags, MsgId, ScopedPdu, ScopedPduData, SecurityModel, V3Message,
};
use crate::proto::pdu::{PduBody, PduType, RequestId};

/// An accepted incoming message: verified (if authenticated) and decrypted (if private).
#[derive(Clone, Debug)]
pub struct Received {
    pub msg_id: MsgId,
    pub max_size: i64,
    pub flags: MsgFlags,
    pub level: SecurityLevel,
    /// msgAuthoritativeEngineID, Boots and Time as the message carried them.
    pub engine_id: EngineId,
    pub boots: EngineBoots,
    pub time: EngineTime,
    pub user: UserName,
    pub scoped_pdu: ScopedPdu,
    /// The keys that verified it (None at noAuthNoPriv); a response reuses them.
    pub keys: Option<Arc<UserKeys>>,
    pub quirks: Quirks,
}

impl Received {
    /// The Report's counter and value, if this is a Report.
    pub fn report(&self) -> Option<(UsmReport, Option<u32>)> {
        UsmReport::from_pdu(&self.scoped_pdu.pdu)
    }

    /// For a manager: a response must come at the security level of its request (RFC 3412
    /// 7.2 step 12), or an attacker could strip the authentication flag and answer
    /// unauthenticated. Reports are exempt: discovery and error reports are
    /// noAuthNoPriv by design (RFC 3414 3.2, RFC 3412 7.2 step 13).
    pub fn check_level(&self, sent: SecurityLevel) -> Result<(), UsmError> {
        if self.level == sent || self.scoped_pdu.pdu.kind() == PduType::Report {
            Ok(())
        } else {
            Err(UsmError::LevelMismatch {
                expected: sent,
                received: self.level,
            })
        }
    }
}

/// A v3 message taken apart before any security check: what `mibscope decode` shows even
/// when verification fails.
#[derive(Clone, Debug)]
pub struct Inspected {
    pub msg: V3Message,
    pub quirks: Quirks,
    pub params: UsmSecurityParameters,
    /// Where msgAuthenticationParameters lie in the message bytes.
    pub auth_at: Range<usize>,
    pub level: SecurityLevel,
}

/// Takes a v3 message apart without checking its HMAC or decrypting it (RFC 3412 7.2 steps
/// 1-5, RFC 3414 3.2 step 1).
pub fn inspect(bytes: &[u8]) -> Result<Inspected, UsmError> {
    parse(bytes)
}

/// RFC 3412 7.2 steps 1-5 and RFC 3414 3.2 step 1: the header, msgFlags and
/// UsmSecurityParameters.
pub(super) fn parse(bytes: &[u8]) -> Result<Inspected, UsmError> {
    let (message, quirks, layout) = Message::decode_with_layout(bytes)?;
    let (msg, layout) = match (message, layout) {
        (Message::V3(m), Some(l)) => (m, l),
        (other, _) => return Err(UsmError::NotV3(other.version().name())),
    };
    if msg.security_model != SecurityModel::Usm {
        return Err(UsmError::UnknownSecurityModel(msg.security_model.code()));
    }
    let level = SecurityLevel::from_flags(msg.flags).ok_or(UsmError::InvalidFlags(msg.flags.0))?;
    let q = Cell::new(quirks);
    let reader = Reader::new(bytes, &q);
    let at = layout.security_parameters_at;
    let (params, auth_at) =
        UsmSecurityParameters::decode_from(&reader, at, &msg.security_parameters)?;
    let data_at = at + msg.security_parameters.len();
    match (&msg.data, level) {
        (ScopedPduData::Encrypted(_), SecurityLevel::AuthPriv)
        | (ScopedPduData::Plaintext(_), SecurityLevel::NoAuthNoPriv | SecurityLevel::AuthNoPriv) => {
        }
        (ScopedPduData::Encrypted(_), _) => {
            return Err(UsmError::Decode(DecodeError::Invalid {
                offset: data_at,
                what: "msgData",
                reason: "encrypted, but msgFlags does not ask for privacy",
            }));
        }
        (ScopedPduData::Plaintext(_), _) => {
            return Err(UsmError::Decode(DecodeError::Invalid {
                offset: data_at,
                what: "msgData",
                reason: "plaintext, but msgFlags asks for privacy",
            }));
        }
    }
    Ok(Inspected {
        msg,
        quirks: q.get(),
        params,
        auth_at,
        level,
    })
}

impl Inspected {
    /// Of a user's keys, the one to check the message with: the only one, or of several
    /// the first whose HMAC verifies (else the first, which then fails step 5 or 6 with
    /// the right reason). None when the user has no keys.
    pub(super) fn pick(
        &self,
        bytes: &[u8],
        mut candidates: Vec<Arc<UserKeys>>,
    ) -> Option<Arc<UserKeys>> {
        if candidates.len() > 1 && self.level > SecurityLevel::NoAuthNoPriv {
            if let Some(k) = trial::first_verifying(bytes, self, &candidates) {
                return Some(k);
            }
        }
        (!candidates.is_empty()).then(|| candidates.swap_remove(0))
    }

    /// RFC 3414 3.2 step 5.
    pub(super) fn check_level(&self, keys: &UserKeys) -> Result<(), UsmError> {
        if self.level > keys.max_level() {
            return Err(UsmError::UnsupportedSecurityLevel {
                user: self.params.user.clone(),
                requested: self.level,
                supported: keys.max_level(),
            });
        }
        Ok(())
    }

    /// RFC 3414 3.2 step 6 (6.3.2, 7.3.2; RFC 7860 4.2.2).
    pub(super) fn authenticate(&self, bytes: &[u8], keys: &UserKeys) -> Result<(), UsmError> {
        let Some((protocol, key)) = keys
            .auth
            .as_ref()
            .filter(|_| self.level > SecurityLevel::NoAuthNoPriv)
        else {
            return Ok(());
        };
        protocol
            .verify(key.as_bytes(), bytes, self.auth_at.clone())
            .map_err(|reason| UsmError::WrongDigest {
                user: self.params.user.clone(),
                reason,
            })
    }

    /// RFC 3414 3.2 step 8 (8.3.2; RFC 3826 3.2.2): the scoped PDU, decrypted if need be. A
    /// plaintext that is not a ScopedPDU means the key was wrong.
    pub(super) fn open(&self, keys: Option<&UserKeys>) -> Result<(ScopedPdu, Quirks), UsmError> {
        let ciphertext = match &self.msg.data {
            ScopedPduData::Plaintext(s) => return Ok((s.clone(), Quirks::default())),
            ScopedPduData::Encrypted(c) => c,
        };
        let Some((protocol, key)) = keys.and_then(|k| k.privacy.as_ref()) else {
            return Err(UsmError::UnsupportedSecurityLevel {
                user: self.params.user.clone(),
                requested: self.level,
                supported: keys.map_or(SecurityLevel::NoAuthNoPriv, UserKeys::max_level),
            });
        };
        let failed = |reason: String| UsmError::DecryptionFailed {
            user: self.params.user.clone(),
            protocol: protocol.clone(),
            reason,
        };
        let plaintext = protocol
            .decrypt(
                key.as_bytes(),
                self.params.boots,
                self.params.time,
                &self.params.priv_params,
                ciphertext,
            )
            .map_err(|e| failed(e.to_string()))?;
        ScopedPdu::decode(&plaintext).map_err(|e| {
            failed(format!(
                "the decrypted data is not a scoped PDU ({e}), so the key is wrong"
            ))
        })
    }

    pub(super) fn into_received(
        self,
        scoped_pdu: ScopedPdu,
        more: Quirks,
        keys: Option<Arc<UserKeys>>,
    ) -> Received {
        let mut quirks = self.quirks;
        more.iter().for_each(|q| quirks.insert(q));
        Received {
            msg_id: self.msg.msg_id,
            max_size: self.msg.max_size,
            flags: self.msg.flags,
            level: self.level,
            engine_id: self.params.engine_id,
            boots: self.params.boots,
            time: self.params.time,
            user: self.params.user,
            scoped_pdu,
            keys,
            quirks,
        }
    }

    /// The request-id of the plaintext PDU, if it can be seen.
    pub(super) fn request_id(&self) -> Option<RequestId> {
        match &self.msg.data {
            ScopedPduData::Plaintext(s) => match &s.pdu {
                PduBody::Pdu(p) => Some(p.request_id),
                PduBody::TrapV1(_) => None,
            },
            ScopedPduData::Encrypted(_) => None,
        }
    }
}

/// Processes an incoming message as the non-authoritative side (RFC 3414 section 3.2 with
/// the authoritative-only steps left out): a manager's responses and reports, a trap
/// receiver's traps. Unauthenticated messages (discovery reports) are accepted without a
/// user; authenticated ones need the user's keys for the message's engine id.
///
/// The time window (step 7b) is the caller's: feed authenticated messages' boots/time to
/// the [`RemoteEngine`] of that agent.
pub fn receive(bytes: &[u8], users: &mut impl UserLookup) -> Result<Received, UsmError> {
    let parsed = parse(bytes)?;
    receive_parsed(bytes, parsed, users)
}

/// [`receive`] of a message already taken apart with [`inspect`] (a receiver that looked
/// at its engine id and user first).
pub fn receive_inspected(
    bytes: &[u8],
    parsed: Inspected,
    users: &mut impl UserLookup,
) -> Result<Received, UsmError> {
    receive_parsed(bytes, parsed, users)
}

pub(super) fn receive_parsed(
    bytes: &[u8],
    parsed: Inspected,
    users: &mut impl UserLookup,
) -> Result<Received, UsmError> {
    if parsed.level == SecurityLevel::NoAuthNoPriv {
        let (scoped, more) = parsed.open(None)?;
        return Ok(parsed.into_received(scoped, more, None));
    }
    let p = &parsed.params;
    if p.engine_id.is_empty() {
        return Err(UsmError::UnknownEngineId {
            engine_id: p.engine_id.clone(),
        });
    }
    let candidates = users.candidates(&p.engine_id, &p.user);
    let keys = parsed
        .pick(bytes, candidates)
        .ok_or_else(|| UsmError::UnknownUser {
            user: p.user.clone(),
            engine_id: p.engine_id.clone(),
        })?;
    parsed.check_level(&keys)?;
    parsed.authenticate(bytes, &keys)?;
    let (scoped, more) = parsed.open(Some(&keys))?;
    Ok(parsed.into_received(scoped, more, Some(keys)))
}
