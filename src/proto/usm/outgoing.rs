//! Messages sent as a non-authoritative user: `encode` (RFC 3414 section 3.1: encrypt,
//! then authenticate) and the engine discovery probe of RFC 3414 section 4.

use super::{
    EngineBoots, EngineId, EngineTime, SaltCounter, SecurityLevel, UserKeys, UserName, UsmError,
    UsmSecurityParameters,
};
use crate::proto::ber::Writer;
use crate::proto::message::{
    Message, MsgFlags, MsgId, ScopedPdu, ScopedPduData, SecurityModel, V3Message,
};
use crate::proto::pdu::{Pdu, PduBody, PduType, RequestId};

/// A message to build: the header, who sends it at which level, and the authoritative
/// engine's id, boots and time as the sender knows them (RFC 3414 section 3.1).
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    pub msg_id: MsgId,
    pub max_size: i64,
    /// Set for requests (confirmed class); clear for responses, reports and traps.
    pub reportable: bool,
    pub level: SecurityLevel,
    pub engine_id: &'a EngineId,
    pub boots: EngineBoots,
    pub time: EngineTime,
    pub user: &'a UserName,
    /// Needed for authNoPriv and authPriv: the user's keys for `engine_id`.
    pub keys: Option<&'a UserKeys>,
    pub scoped_pdu: &'a ScopedPdu,
}

/// Builds a whole v3 message (RFC 3414 section 3.1): encrypts the scoped PDU with a fresh
/// salt if asked for privacy, then computes the HMAC over the message and patches it into
/// msgAuthenticationParameters.
pub fn encode(out: &Outgoing<'_>, salt: &mut SaltCounter) -> Result<Vec<u8>, UsmError> {
    let missing = |what| UsmError::MissingKeys {
        user: out.user.clone(),
        level: out.level,
        missing: what,
    };
    let auth = match out.level {
        SecurityLevel::NoAuthNoPriv => None,
        _ => Some(
            out.keys
                .and_then(|k| k.auth.as_ref())
                .ok_or_else(|| missing("an authentication protocol and passphrase (-a/-A)"))?,
        ),
    };
    let privacy = match out.level {
        SecurityLevel::AuthPriv => Some(
            out.keys
                .and_then(|k| k.privacy.as_ref())
                .ok_or_else(|| missing("a privacy protocol and passphrase (-x/-X)"))?,
        ),
        _ => None,
    };

    let mut params = UsmSecurityParameters {
        engine_id: out.engine_id.clone(),
        boots: out.boots,
        time: out.time,
        user: out.user.clone(),
        auth_params: auth.map_or(Vec::new(), |(p, _)| vec![0; p.mac_len()]),
        priv_params: Vec::new(),
    };
    let data = match privacy {
        None => ScopedPduData::Plaintext(out.scoped_pdu.clone()),
        Some((protocol, key)) => {
            // RFC 3414 3.1 step 4a: serialize the scoped PDU, then encrypt it.
            let mut w = Writer::new();
            out.scoped_pdu.encode(&mut w);
            let (ciphertext, salt_bytes) = protocol
                .encrypt(key.as_bytes(), out.boots, out.time, salt, w.as_bytes())
                .map_err(UsmError::Encrypt)?;
            params.priv_params = salt_bytes.to_vec();
            ScopedPduData::Encrypted(ciphertext)
        }
    };
    let (security_parameters, auth_in_params) = params.encode();
    let mut flags = out.level.flag_bits();
    if out.reportable {
        flags |= MsgFlags::REPORTABLE;
    }
    let message = Message::V3(V3Message {
        msg_id: out.msg_id,
        max_size: out.max_size,
        flags: MsgFlags(flags),
        security_model: SecurityModel::Usm,
        security_parameters,
        data,
    });
    let mut w = Writer::new();
    let layout = message.encode_into(&mut w);
    let mut bytes = w.into_bytes();
    if let (Some((protocol, key)), Some(layout)) = (auth, layout) {
        let at = layout.security_parameters_at;
        let range = at + auth_in_params.start..at + auth_in_params.end;
        protocol
            .sign(key.as_bytes(), &mut bytes, range)
            .map_err(UsmError::Sign)?;
    }
    Ok(bytes)
}

/// The engine id discovery probe of RFC 3414 section 4 as Net-SNMP sends it: noAuthNoPriv,
/// reportable, empty engine id and user, an empty GetRequest. The agent answers with a
/// usmStatsUnknownEngineIDs Report carrying its engine id, boots and time.
pub fn discovery_probe(msg_id: MsgId, request_id: RequestId, max_size: i64) -> Vec<u8> {
    let (security_parameters, _) = UsmSecurityParameters::default().encode();
    Message::V3(V3Message {
        msg_id,
        max_size,
        flags: MsgFlags(MsgFlags::REPORTABLE),
        security_model: SecurityModel::Usm,
        security_parameters,
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: Vec::new(),
            context_name: Vec::new(),
            pdu: PduBody::Pdu(Pdu::request(PduType::GetRequest, request_id, Vec::new())),
        }),
    })
    .encode()
}
