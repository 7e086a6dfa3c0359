//! The SNMPv3 User-based Security Model (RFC 3414, with RFC 3826 for AES and RFC 7860 for
//! HMAC-SHA-2), sans-IO: bytes in, bytes out, time passed in. Owns message-level security
//! processing for both roles and the types they share (engine id, boots, time, user name,
//! security level, errors that explain themselves).
//!
//! * Non-authoritative (a manager's requests and the responses and reports they get; a trap
//!   receiver's traps): [`encode`] builds a message as a user, [`discovery_probe`] the engine
//!   id probe of RFC 3414 section 4, [`receive`] verifies and decrypts an incoming message;
//!   [`RemoteEngine`] keeps the agent's boots/time.
//! * Authoritative (the simulated agent; a receiver of informs): [`LocalEngine::receive`]
//!   runs RFC 3414 section 3.2 against a user table and, when a check fails, builds the
//!   Report that section asks for; [`LocalEngine::respond`] answers an accepted request.
//!
//! * Trial verification ([`trial`]): which protocol or which of a user's several keys
//!   verifies and decrypts a message, for `mibscope decode` and the trap receiver.
//!
//! Keys come from [`Credentials`] (pass phrases or keys, cached per engine id) through the
//! [`UserLookup`] trait.

pub mod auth;
pub mod keys;
pub mod params;
pub mod privacy;
pub mod report;
pub mod time;
pub mod trial;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
pub(crate) mod test_util;

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

pub use auth::{AuthError, AuthProtocol};
pub use keys::{
    Credentials, KeyError, KeySource, LocalizedKey, MasterKey, Passphrase, PrivKey, UserKeys,
};
pub use params::UsmSecurityParameters;
pub use privacy::{KeyExtension, PrivProtocol, PrivacyError, SaltCounter};
pub use report::{UsmReport, UsmStats};
pub use time::{MAX_ENGINE_BOOTS, RemoteEngine, TIME_WINDOW};

use super::ber::{DecodeError, Quirks, Reader, Writer};
use super::message::{
    Message, MsgFlags, MsgId, ScopedPdu, ScopedPduData, SecurityModel, V3Message,
};
use super::pdu::{ErrorStatus, Pdu, PduBody, PduType, RequestId, VarBind};
use super::value::Value;

/// The msgMaxSize Net-SNMP puts in its messages (the largest UDP payload over IPv4).
pub const DEFAULT_MAX_SIZE: i64 = 65507;

/// snmpEngineID (RFC 3411 section 5, SnmpEngineID): 5 to 32 octets; empty in a discovery
/// probe. Prints as Net-SNMP does, `0x80001F88...`.
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct EngineId(Vec<u8>);

impl EngineId {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        EngineId(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// RFC 3411: SIZE(5..32).
    pub fn has_valid_length(&self) -> bool {
        (5..=32).contains(&self.0.len())
    }
}

/// Net-SNMP's `-e`/`-E` form: hex digits, `0x` optional.
impl FromStr for EngineId {
    type Err = UsmError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason| UsmError::BadEngineId {
            text: s.to_string(),
            reason,
        };
        let bytes = crate::proto::hex::decode(s)
            .map_err(|_| bad("expected an even number of hex digits, 0x optional"))?;
        let id = EngineId(bytes);
        if !id.has_valid_length() {
            return Err(bad("an engine ID is 5 to 32 bytes long (RFC 3411)"));
        }
        Ok(id)
    }
}

impl fmt::Display for EngineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(empty)");
        }
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

impl fmt::Debug for EngineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EngineId({self})")
    }
}

/// snmpEngineBoots / msgAuthoritativeEngineBoots (RFC 3414 section 2.2.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Debug)]
pub struct EngineBoots(pub u32);

/// snmpEngineTime / msgAuthoritativeEngineTime in seconds (RFC 3414 section 2.2.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Debug)]
pub struct EngineTime(pub u32);

impl fmt::Display for EngineBoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for EngineTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// msgUserName / usmUserName (RFC 3414 section 2.4: up to 32 octets). Not a secret.
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct UserName(Vec<u8>);

impl UserName {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        UserName(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) if !s.chars().any(char::is_control) => f.write_str(s),
            _ => {
                f.write_str("0x")?;
                self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

impl fmt::Debug for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserName(\"{self}\")")
    }
}

/// securityLevel (RFC 3411 section 3.4.3), ordered from weakest to strongest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum SecurityLevel {
    NoAuthNoPriv,
    AuthNoPriv,
    AuthPriv,
}

impl SecurityLevel {
    /// From msgFlags; None for privacy without authentication (RFC 3412 7.2 step 5).
    pub fn from_flags(flags: MsgFlags) -> Option<SecurityLevel> {
        match (flags.auth(), flags.privacy()) {
            (false, false) => Some(SecurityLevel::NoAuthNoPriv),
            (true, false) => Some(SecurityLevel::AuthNoPriv),
            (true, true) => Some(SecurityLevel::AuthPriv),
            (false, true) => None,
        }
    }

    /// The authFlag and privFlag bits of msgFlags.
    pub fn flag_bits(self) -> u8 {
        match self {
            SecurityLevel::NoAuthNoPriv => 0,
            SecurityLevel::AuthNoPriv => MsgFlags::AUTH,
            SecurityLevel::AuthPriv => MsgFlags::AUTH | MsgFlags::PRIV,
        }
    }

    /// Net-SNMP's spelling (`-l`).
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }
}

impl fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What Net-SNMP's `-l` accepts, case-insensitive: `noAuthNoPriv`/`1`/`nanp`,
/// `authNoPriv`/`2`/`anp`, `authPriv`/`3`/`ap`.
impl FromStr for SecurityLevel {
    type Err = UsmError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "noauthnopriv" | "1" | "nanp" => Ok(SecurityLevel::NoAuthNoPriv),
            "authnopriv" | "2" | "anp" => Ok(SecurityLevel::AuthNoPriv),
            "authpriv" | "3" | "ap" => Ok(SecurityLevel::AuthPriv),
            _ => Err(UsmError::UnknownSecurityLevel(s.to_string())),
        }
    }
}

/// Why a v3 message could not be built or accepted. Each message says what is probably
/// wrong and what to try; none contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsmError {
    #[error("malformed SNMPv3 message: {0}")]
    Decode(#[from] DecodeError),
    #[error("not an SNMPv3 message (SNMP version {0})")]
    NotV3(&'static str),
    #[error(
        "message uses security model {0}, not the User-based Security Model (3); only USM is supported"
    )]
    UnknownSecurityModel(i64),
    #[error(
        "invalid msgFlags 0x{0:02x}: privacy without authentication (RFC 3412 section 7.2 step 5)"
    )]
    InvalidFlags(u8),
    #[error(
        "unknown engine ID {engine_id}: the message is not for this SNMP engine; the sender should discover the engine ID (omit -e) or fix -e"
    )]
    UnknownEngineId { engine_id: EngineId },
    #[error(
        "unknown user '{user}' (engine {engine_id}): no such user is configured; check the user name (-u, case-sensitive)"
    )]
    UnknownUser { user: UserName, engine_id: EngineId },
    #[error(
        "user '{user}' cannot use security level {requested}: it is configured for at most {supported}; lower -l or configure the missing protocol and passphrase"
    )]
    UnsupportedSecurityLevel {
        user: UserName,
        requested: SecurityLevel,
        supported: SecurityLevel,
    },
    #[error(
        "authentication failed: the auth passphrase or protocol (-a/-A) does not match the agent's user '{user}' ({reason})"
    )]
    WrongDigest { user: UserName, reason: AuthError },
    #[error(
        "not in time window: the message carries boots {boots} time {time} for engine {engine_id}, but boots {expected_boots} time {expected_time} (±150 s) was expected; the agent restarted or the clocks drifted apart: discover its boots/time again and retry"
    )]
    NotInTimeWindow {
        engine_id: EngineId,
        boots: EngineBoots,
        time: EngineTime,
        expected_boots: EngineBoots,
        expected_time: EngineTime,
    },
    #[error(
        "decryption failed for user '{user}' ({protocol}): {reason}; the privacy passphrase or protocol (-x/-X) does not match the agent's user{}",
        extension_hint(protocol)
    )]
    DecryptionFailed {
        user: UserName,
        protocol: PrivProtocol,
        reason: String,
    },
    #[error("security level {level} needs {missing} for user '{user}', which were not given")]
    MissingKeys {
        user: UserName,
        level: SecurityLevel,
        missing: &'static str,
    },
    #[error("unknown security level '{0}': use noAuthNoPriv, authNoPriv or authPriv")]
    UnknownSecurityLevel(String),
    #[error("bad engine ID '{text}': {reason}")]
    BadEngineId { text: String, reason: &'static str },
    #[error(
        "the reply came at security level {received}, not {expected} like the request: discarded (RFC 3412 section 7.2 step 12)"
    )]
    LevelMismatch {
        expected: SecurityLevel,
        received: SecurityLevel,
    },
    #[error("cannot encrypt: {0}")]
    Encrypt(PrivacyError),
    #[error("cannot authenticate: {0}")]
    Sign(AuthError),
}

fn extension_hint(protocol: &PrivProtocol) -> String {
    match protocol.with_other_extension() {
        Some(other) => {
            format!(
                " ({protocol} and {other} extend the key differently and both sides must use \
                 the same: also try -x {other})"
            )
        }
        None => String::new(),
    }
}

/// Where the keys for (engine id, user) come from: a table of users, one user's
/// `Credentials`, or a closure.
pub trait UserLookup {
    /// The keys of `user` localized to `engine_id`; None when there is no such user.
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>>;

    /// Every key `user` may have for `engine_id`, to try in turn (`trial::first_verifying`):
    /// a receiver may hold one user name with several secrets. The default is `lookup`'s.
    fn candidates(&mut self, engine_id: &EngineId, user: &UserName) -> Vec<Arc<UserKeys>> {
        self.lookup(engine_id, user).into_iter().collect()
    }
}

impl<F> UserLookup for F
where
    F: FnMut(&EngineId, &UserName) -> Option<Arc<UserKeys>>,
{
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        self(engine_id, user)
    }
}

/// A manager holds one user's credentials: they answer for that user name only.
impl UserLookup for Credentials {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        // `Credentials::new` checked the protocols, so derivation cannot fail here.
        (self.user() == user)
            .then(|| self.keys_for(engine_id).ok())
            .flatten()
    }
}

impl UserLookup for Arc<Credentials> {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        (self.user() == user)
            .then(|| self.keys_for(engine_id).ok())
            .flatten()
    }
}

/// An agent's or receiver's users (usmUserTable): keys are derived for whichever engine id
/// a message names, and cached per user.
#[derive(Default, Debug, Clone)]
pub struct UserTable {
    users: HashMap<UserName, Arc<Credentials>>,
}

impl UserTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a user; returns the one replaced.
    pub fn insert(&mut self, credentials: Credentials) -> Option<Arc<Credentials>> {
        self.users
            .insert(credentials.user().clone(), Arc::new(credentials))
    }

    pub fn get(&self, user: &UserName) -> Option<&Arc<Credentials>> {
        self.users.get(user)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

impl UserLookup for UserTable {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        self.users.get(user)?.keys_for(engine_id).ok()
    }
}

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
fn parse(bytes: &[u8]) -> Result<Inspected, UsmError> {
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
    fn pick(&self, bytes: &[u8], mut candidates: Vec<Arc<UserKeys>>) -> Option<Arc<UserKeys>> {
        if candidates.len() > 1 && self.level > SecurityLevel::NoAuthNoPriv {
            if let Some(k) = trial::first_verifying(bytes, self, &candidates) {
                return Some(k);
            }
        }
        (!candidates.is_empty()).then(|| candidates.swap_remove(0))
    }

    /// RFC 3414 3.2 step 5.
    fn check_level(&self, keys: &UserKeys) -> Result<(), UsmError> {
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
    fn authenticate(&self, bytes: &[u8], keys: &UserKeys) -> Result<(), UsmError> {
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
    fn open(&self, keys: Option<&UserKeys>) -> Result<(ScopedPdu, Quirks), UsmError> {
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

    fn into_received(
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
    fn request_id(&self) -> Option<RequestId> {
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

fn receive_parsed(
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
    salt: SaltCounter,
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
