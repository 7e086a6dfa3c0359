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

mod incoming;
mod local_engine;
mod outgoing;
mod users;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
pub(crate) mod test_util;

use std::fmt;
use std::str::FromStr;

pub use auth::{AuthError, AuthProtocol};
pub use keys::{
    Credentials, KeyError, KeySource, LocalizedKey, MasterKey, Passphrase, PrivKey, UserKeys,
};
pub use params::UsmSecurityParameters;
pub use privacy::{KeyExtension, PrivProtocol, PrivacyError, SaltCounter};
pub use report::{UsmReport, UsmStats};
pub use time::{MAX_ENGINE_BOOTS, RemoteEngine, TIME_WINDOW};

pub use incoming::{Inspected, Received, inspect, receive, receive_inspected};
pub use local_engine::{ForeignEngineIds, LocalEngine, Rejected};
pub use outgoing::{Outgoing, discovery_probe, encode};
pub use users::{UserLookup, UserTable};

use super::ber::DecodeError;
use super::message::MsgFlags;

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
