//! USM keys: password-to-key (RFC 3414 A.2.1 for MD5, A.2.2 for SHA-1, and the same
//! megabyte expansion for SHA-2 per RFC 7860 section 9.3), key localization (RFC 3414 section
//! 2.6), key extension for privacy protocols that need more key than the hash gives
//! (draft-blumenthal-aes-usm-04 section 3.1.2.1; draft-reeder-snmpv3-usm-3desede-00 section
//! 2.1), and a user's credentials with a per-engine cache of the keys derived from them.
//!
//! Secrets (`Passphrase`, `MasterKey`, `LocalizedKey`, `PrivKey`) print as `<redacted>` in
//! `Debug` and are overwritten with zeros when dropped (best effort, without `unsafe`).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::auth::{AuthError, AuthProtocol};
use super::privacy::{KeyExtension, PrivProtocol, PrivacyError};
use super::{EngineId, SecurityLevel, UserName};

/// RFC 3414 section 11.2: pass phrases shorter than 8 characters are refused (Net-SNMP
/// enforces the same minimum, USM_LENGTH_P_MIN).
pub const MIN_PASSPHRASE_LEN: usize = 8;

/// How many engine ids one `Credentials` keeps derived keys for before starting over; a
/// trap receiver hears from many senders, and an attacker could invent engine ids.
const CACHE_LIMIT: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the {what} passphrase is {len} characters long; SNMPv3 requires at least 8 (RFC 3414 section 11.2)"
    )]
    PassphraseTooShort { what: &'static str, len: usize },
    #[error(
        "the {what} key is not hexadecimal (expected an even number of hex digits, 0x optional)"
    )]
    BadHex { what: &'static str },
    #[error("the {what} key is {found} bytes long; {protocol} needs {expected}")]
    WrongKeyLength {
        what: &'static str,
        protocol: String,
        expected: usize,
        found: usize,
    },
    #[error("a privacy protocol needs an authentication protocol too (authPriv requires auth)")]
    PrivacyWithoutAuth,
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Privacy(#[from] PrivacyError),
}

/// Key bytes: redacted in `Debug`, zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
struct Secret(Vec<u8>);

impl Secret {
    fn truncate(&mut self, len: usize) {
        if len < self.0.len() {
            self.0[len..].fill(0);
            self.0.truncate(len);
        }
    }

    /// Appends without leaving a copy behind in a reallocated buffer.
    fn extend(&mut self, more: &[u8]) {
        if self.0.capacity() < self.0.len() + more.len() {
            let mut bigger = Vec::with_capacity(self.0.len() + more.len());
            bigger.extend_from_slice(&self.0);
            wipe(&mut self.0);
            self.0 = bigger;
        }
        self.0.extend_from_slice(more);
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
    // Keeps the stores from being optimised away as dead (no `unsafe` volatile writes here).
    std::hint::black_box(&bytes);
}

fn parse_hex(what: &'static str, text: &str) -> Result<Secret, KeyError> {
    match crate::proto::hex::decode(text) {
        Ok(bytes) if !bytes.is_empty() => Ok(Secret(bytes)),
        _ => Err(KeyError::BadHex { what }),
    }
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Secret);

        impl $name {
            /// The secret bytes; never log them.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0 .0
            }

            pub fn len(&self) -> usize {
                self.0 .0.len()
            }

            pub fn is_empty(&self) -> bool {
                self.0 .0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted, {} bytes>)", stringify!($name), self.len())
            }
        }
    };
}

secret_type!(
    /// A user's pass phrase (`-A`, `-X`), at least 8 characters.
    Passphrase
);
secret_type!(
    /// Ku: the digest of the expanded pass phrase, before localization (`-3m`, `-3M`).
    MasterKey
);
secret_type!(
    /// Kul: a key localized to one authoritative engine id (`-3k`, `-3K`).
    LocalizedKey
);
secret_type!(
    /// The key material a privacy protocol uses: the localized privacy key, extended or
    /// truncated to the protocol's `key_len` (cipher key, plus the pre-IV for DES/3DES).
    PrivKey
);

impl Passphrase {
    /// `what` names the pass phrase in the error ("authentication", "privacy").
    pub fn new(what: &'static str, text: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let secret = Secret(text.into());
        let len = secret.0.len();
        if len < MIN_PASSPHRASE_LEN {
            return Err(KeyError::PassphraseTooShort { what, len });
        }
        Ok(Passphrase(secret))
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        MasterKey(Secret(bytes.into()))
    }

    /// Net-SNMP's `-3m`/`-3M` form: hex digits with an optional 0x.
    pub fn from_hex(what: &'static str, text: &str) -> Result<Self, KeyError> {
        parse_hex(what, text).map(MasterKey)
    }
}

impl LocalizedKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        LocalizedKey(Secret(bytes.into()))
    }

    /// Net-SNMP's `-3k`/`-3K` form: hex digits with an optional 0x.
    pub fn from_hex(what: &'static str, text: &str) -> Result<Self, KeyError> {
        parse_hex(what, text).map(LocalizedKey)
    }
}

impl PrivKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        PrivKey(Secret(bytes.into()))
    }
}

/// RFC 3414 A.2.1/A.2.2 (RFC 7860 9.3 for SHA-2): hash 1,048,576 bytes made of the pass
/// phrase repeated. Costs a few milliseconds: cache the result.
pub fn password_to_key(
    protocol: &AuthProtocol,
    passphrase: &Passphrase,
) -> Result<MasterKey, KeyError> {
    expand(protocol, passphrase.as_bytes()).map(MasterKey)
}

fn expand(protocol: &AuthProtocol, password: &[u8]) -> Result<Secret, KeyError> {
    const EXPANDED: usize = 1_048_576;
    let mut hasher = protocol.hasher()?;
    if password.is_empty() {
        return Err(KeyError::PassphraseTooShort {
            what: "given",
            len: 0,
        });
    }
    // One period of the repeated pass phrase long enough to cut 64-byte blocks from.
    let mut period = Vec::with_capacity(password.len() + 64);
    while period.len() < password.len() + 64 {
        period.extend_from_slice(password);
    }
    let mut offset = 0;
    for _ in 0..EXPANDED / 64 {
        hasher.update(&period[offset..offset + 64]);
        offset = (offset + 64) % password.len();
    }
    wipe(&mut period);
    Ok(Secret(hasher.finalize()))
}

/// RFC 3414 section 2.6: Kul = H(Ku || snmpEngineID || Ku).
pub fn localize(
    protocol: &AuthProtocol,
    master: &MasterKey,
    engine_id: &EngineId,
) -> Result<LocalizedKey, KeyError> {
    let ku = master.as_bytes();
    let kul = protocol.hash(&[ku, engine_id.as_bytes(), ku])?;
    Ok(LocalizedKey(Secret(kul)))
}

/// draft-blumenthal-aes-usm-04 section 3.1.2.1: append H(key so far) until long enough, then
/// truncate (Net-SNMP's `AES-192`/`AES-256`).
pub fn extend_blumenthal(
    protocol: &AuthProtocol,
    kul: &LocalizedKey,
    len: usize,
) -> Result<PrivKey, KeyError> {
    let mut key = kul.0.clone();
    while key.0.len() < len {
        let more = Secret(protocol.hash(&[&key.0])?);
        key.extend(&more.0);
    }
    key.truncate(len);
    Ok(PrivKey(key))
}

/// draft-reeder-snmpv3-usm-3desede-00 section 2.1: append localize(password_to_key(K)) of
/// the last piece K until long enough, then truncate (Net-SNMP's `AES-192-C`/`AES-256-C`,
/// Cisco's AES-192/256, and 3DES).
pub fn extend_reeder(
    protocol: &AuthProtocol,
    kul: &LocalizedKey,
    engine_id: &EngineId,
    len: usize,
) -> Result<PrivKey, KeyError> {
    let mut key = kul.0.clone();
    let mut last = kul.clone();
    while key.0.len() < len {
        let ku = MasterKey(expand(protocol, last.as_bytes())?);
        last = localize(protocol, &ku, engine_id)?;
        key.extend(last.as_bytes());
    }
    key.truncate(len);
    Ok(PrivKey(key))
}

/// The privacy protocol's key material from the localized privacy key: truncated (RFC 3414
/// 8.1.1.1, RFC 3826 3.1.2.1) or extended as the protocol says.
pub fn privacy_key(
    auth: &AuthProtocol,
    privacy: &PrivProtocol,
    kul: &LocalizedKey,
    engine_id: &EngineId,
) -> Result<PrivKey, KeyError> {
    privacy.ensure_known()?;
    let need = privacy.key_len();
    if kul.len() >= need {
        let mut key = kul.0.clone();
        key.truncate(need);
        return Ok(PrivKey(key));
    }
    match privacy.key_extension() {
        Some(KeyExtension::Blumenthal) => extend_blumenthal(auth, kul, need),
        Some(KeyExtension::Reeder) => extend_reeder(auth, kul, engine_id, need),
        None => Err(KeyError::WrongKeyLength {
            what: "localized privacy",
            protocol: privacy.name().to_string(),
            expected: need,
            found: kul.len(),
        }),
    }
}

/// Where a user's key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    Passphrase(Passphrase),
    /// Ku, as `-3m`/`-3M` give it.
    Master(MasterKey),
    /// Kul, as `-3k`/`-3K` give it: used as is whatever engine id it is asked for.
    Localized(LocalizedKey),
}

/// A user's configured secrets, with a cache of the keys derived from them per engine id.
/// Share it (`Arc`) between everything talking as this user.
pub struct Credentials {
    user: UserName,
    auth: Option<(AuthProtocol, KeySource)>,
    privacy: Option<(PrivProtocol, KeySource)>,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    auth_master: Option<MasterKey>,
    priv_master: Option<MasterKey>,
    by_engine: HashMap<EngineId, Arc<UserKeys>>,
}

impl Credentials {
    /// Checks the combination once, so deriving keys later cannot fail for a reason the
    /// user could have been told up front.
    pub fn new(
        user: UserName,
        auth: Option<(AuthProtocol, KeySource)>,
        privacy: Option<(PrivProtocol, KeySource)>,
    ) -> Result<Self, KeyError> {
        if let Some((protocol, source)) = &auth {
            protocol.ensure_known()?;
            check_length(
                "authentication",
                protocol.name(),
                protocol.digest_len(),
                source,
            )?;
        }
        if let Some((protocol, source)) = &privacy {
            protocol.ensure_known()?;
            let Some((auth_protocol, _)) = &auth else {
                return Err(KeyError::PrivacyWithoutAuth);
            };
            if let KeySource::Localized(k) = source {
                // A localized privacy key may come already extended to the cipher's needs.
                if k.len() < protocol.key_len() && k.len() != auth_protocol.digest_len() {
                    return Err(KeyError::WrongKeyLength {
                        what: "localized privacy",
                        protocol: format!("{protocol} with {auth_protocol}"),
                        expected: auth_protocol.digest_len().max(protocol.key_len()),
                        found: k.len(),
                    });
                }
            } else {
                check_length(
                    "privacy",
                    auth_protocol.name(),
                    auth_protocol.digest_len(),
                    source,
                )?;
            }
        }
        Ok(Credentials {
            user,
            auth,
            privacy,
            cache: Mutex::new(Cache::default()),
        })
    }

    /// A user without secrets (noAuthNoPriv).
    pub fn no_auth(user: UserName) -> Self {
        Credentials {
            user,
            auth: None,
            privacy: None,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The common case: pass phrases.
    pub fn from_passphrases(
        user: UserName,
        auth: Option<(AuthProtocol, Passphrase)>,
        privacy: Option<(PrivProtocol, Passphrase)>,
    ) -> Result<Self, KeyError> {
        Credentials::new(
            user,
            auth.map(|(p, k)| (p, KeySource::Passphrase(k))),
            privacy.map(|(p, k)| (p, KeySource::Passphrase(k))),
        )
    }

    pub fn user(&self) -> &UserName {
        &self.user
    }

    pub fn auth_protocol(&self) -> Option<&AuthProtocol> {
        self.auth.as_ref().map(|(p, _)| p)
    }

    pub fn privacy_protocol(&self) -> Option<&PrivProtocol> {
        self.privacy.as_ref().map(|(p, _)| p)
    }

    /// True when a secret is a localized key (Kul, as `-3k`/`-3K` give it): valid for
    /// the one engine id it was localized to only.
    pub fn has_localized_key(&self) -> bool {
        let localized = |s: &KeySource| matches!(s, KeySource::Localized(_));
        self.auth.as_ref().is_some_and(|(_, s)| localized(s))
            || self.privacy.as_ref().is_some_and(|(_, s)| localized(s))
    }

    /// The highest security level these secrets allow.
    pub fn max_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (None, _) => SecurityLevel::NoAuthNoPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
        }
    }

    /// The same secrets with another privacy protocol: for retrying AES-192/256 with the
    /// other key extension.
    pub fn with_privacy_protocol(&self, protocol: PrivProtocol) -> Result<Self, KeyError> {
        Credentials::new(
            self.user.clone(),
            self.auth.clone(),
            self.privacy.clone().map(|(_, source)| (protocol, source)),
        )
    }

    /// The keys for talking to (or as) the authoritative engine `engine_id`; derived on
    /// first use (milliseconds for pass phrases), cached afterwards.
    pub fn keys_for(&self, engine_id: &EngineId) -> Result<Arc<UserKeys>, KeyError> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(keys) = cache.by_engine.get(engine_id) {
            return Ok(keys.clone());
        }
        let auth = match &self.auth {
            None => None,
            Some((protocol, source)) => {
                let kul = localized(protocol, source, engine_id, &mut cache.auth_master)?;
                Some((protocol.clone(), kul))
            }
        };
        let privacy = match (&self.privacy, &self.auth) {
            (Some((protocol, source)), Some((auth_protocol, _))) => {
                let key = match source {
                    KeySource::Localized(k) if k.len() >= protocol.key_len() => {
                        let mut key = k.0.clone();
                        key.truncate(protocol.key_len());
                        PrivKey(key)
                    }
                    _ => {
                        let kul =
                            localized(auth_protocol, source, engine_id, &mut cache.priv_master)?;
                        privacy_key(auth_protocol, protocol, &kul, engine_id)?
                    }
                };
                Some((protocol.clone(), key))
            }
            _ => None,
        };
        let keys = Arc::new(UserKeys {
            user: self.user.clone(),
            engine_id: engine_id.clone(),
            auth,
            privacy,
        });
        if cache.by_engine.len() >= CACHE_LIMIT {
            cache.by_engine.clear();
        }
        cache.by_engine.insert(engine_id.clone(), keys.clone());
        Ok(keys)
    }
}

fn check_length(
    what: &'static str,
    protocol: &str,
    expected: usize,
    source: &KeySource,
) -> Result<(), KeyError> {
    let found = match source {
        KeySource::Passphrase(_) => return Ok(()),
        KeySource::Master(k) => k.len(),
        KeySource::Localized(k) => k.len(),
    };
    if found == expected {
        Ok(())
    } else {
        Err(KeyError::WrongKeyLength {
            what,
            protocol: protocol.to_string(),
            expected,
            found,
        })
    }
}

fn localized(
    protocol: &AuthProtocol,
    source: &KeySource,
    engine_id: &EngineId,
    master_cache: &mut Option<MasterKey>,
) -> Result<LocalizedKey, KeyError> {
    match source {
        KeySource::Localized(k) => Ok(k.clone()),
        KeySource::Master(ku) => localize(protocol, ku, engine_id),
        KeySource::Passphrase(p) => {
            if master_cache.is_none() {
                *master_cache = Some(password_to_key(protocol, p)?);
            }
            match master_cache {
                Some(ku) => localize(protocol, ku, engine_id),
                None => unreachable!("filled above"),
            }
        }
    }
}

impl Clone for Credentials {
    /// The clone starts with an empty cache.
    fn clone(&self) -> Self {
        Credentials {
            user: self.user.clone(),
            auth: self.auth.clone(),
            privacy: self.privacy.clone(),
            cache: Mutex::new(Cache::default()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("auth", &self.auth.as_ref().map(|(p, _)| p.name()))
            .field("privacy", &self.privacy.as_ref().map(|(p, _)| p.name()))
            .finish_non_exhaustive()
    }
}

/// One user's keys localized to one authoritative engine: what authenticating and
/// encrypting a message needs.
#[derive(Clone, PartialEq, Eq)]
pub struct UserKeys {
    pub user: UserName,
    pub engine_id: EngineId,
    pub auth: Option<(AuthProtocol, LocalizedKey)>,
    pub privacy: Option<(PrivProtocol, PrivKey)>,
}

impl UserKeys {
    pub fn max_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (None, _) => SecurityLevel::NoAuthNoPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
        }
    }
}

impl fmt::Debug for UserKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKeys")
            .field("user", &self.user)
            .field("engine_id", &self.engine_id)
            .field("auth", &self.auth)
            .field("privacy", &self.privacy)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::usm::test_util::hex;

    fn pass(text: &str) -> Passphrase {
        Passphrase::new("test", text).unwrap()
    }

    fn rfc_engine() -> EngineId {
        EngineId::new(hex("000000000000000000000002"))
    }

    /// RFC 3414 A.3.1 (MD5) and A.3.2 (SHA-1).
    #[test]
    fn rfc3414_a3_vectors() {
        let p = pass("maplesyrup");
        let cases = [
            (
                AuthProtocol::Md5,
                "9faf3283884e92834ebc9847d8edd963",
                "526f5eed9fcce26f8964c2930787d82b",
            ),
            (
                AuthProtocol::Sha1,
                "9fb5cc0381497b3793528939ff788d5d79145211",
                "6695febc9288e36282235fc7151f128497b38f3f",
            ),
        ];
        for (protocol, ku, kul) in cases {
            let master = password_to_key(&protocol, &p).unwrap();
            assert_eq!(master.as_bytes(), hex(ku), "{protocol} Ku");
            let local = localize(&protocol, &master, &rfc_engine()).unwrap();
            assert_eq!(local.as_bytes(), hex(kul), "{protocol} Kul");
        }
    }

    /// SHA-2 Kul for "maplesyrup" and engine 00..02 (issue 3 test data, RFC 7860 procedure).
    #[test]
    fn sha2_localized_vectors() {
        let p = pass("maplesyrup");
        let cases = [
            (
                AuthProtocol::Sha224,
                "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674",
            ),
            (
                AuthProtocol::Sha256,
                "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b",
            ),
            (
                AuthProtocol::Sha384,
                "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f0455a53689a3937eea07319a633d2ccba78",
            ),
            (
                AuthProtocol::Sha512,
                "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b",
            ),
        ];
        for (protocol, kul) in cases {
            let master = password_to_key(&protocol, &p).unwrap();
            assert_eq!(master.len(), protocol.digest_len());
            let local = localize(&protocol, &master, &rfc_engine()).unwrap();
            assert_eq!(local.as_bytes(), hex(kul), "{protocol}");
        }
    }

    /// Key extension vectors of issue 3, from the RFC 3414 A.3 localized keys.
    #[test]
    fn key_extension_vectors() {
        let sha_kul = LocalizedKey::from_bytes(hex("6695febc9288e36282235fc7151f128497b38f3f"));
        let md5_kul = LocalizedKey::from_bytes(hex("526f5eed9fcce26f8964c2930787d82b"));
        let engine = rfc_engine();
        let b = extend_blumenthal(&AuthProtocol::Sha1, &sha_kul, 32).unwrap();
        assert_eq!(
            b.as_bytes(),
            hex("6695febc9288e36282235fc7151f128497b38f3f505e07eb9af25568fa1f5dbe")
        );
        let r = extend_reeder(&AuthProtocol::Sha1, &sha_kul, &engine, 40).unwrap();
        assert_eq!(
            r.as_bytes(),
            hex("6695febc9288e36282235fc7151f128497b38f3f9b8b6d78936ba6e7d19dfd9cd2d5065547743fb5")
        );
        let r = extend_reeder(&AuthProtocol::Md5, &md5_kul, &engine, 32).unwrap();
        assert_eq!(
            r.as_bytes(),
            hex("526f5eed9fcce26f8964c2930787d82b79eff44a90650ee0a3a40abfac5acc12")
        );
        // The protocol picks its extension; both extensions keep Kul as the prefix.
        let k = privacy_key(
            &AuthProtocol::Sha1,
            &PrivProtocol::Aes256,
            &sha_kul,
            &engine,
        )
        .unwrap();
        assert_eq!(k.as_bytes(), b.as_bytes());
        let k = privacy_key(
            &AuthProtocol::Sha1,
            &PrivProtocol::Aes192Cisco,
            &sha_kul,
            &engine,
        )
        .unwrap();
        assert_eq!(k.as_bytes(), &r_sha_prefix(&engine)[..24]);
        let k = privacy_key(&AuthProtocol::Sha1, &PrivProtocol::Des, &sha_kul, &engine).unwrap();
        assert_eq!(k.as_bytes(), &sha_kul.as_bytes()[..16]);
    }

    fn r_sha_prefix(engine: &EngineId) -> Vec<u8> {
        let sha_kul = LocalizedKey::from_bytes(hex("6695febc9288e36282235fc7151f128497b38f3f"));
        extend_reeder(&AuthProtocol::Sha1, &sha_kul, engine, 40)
            .unwrap()
            .as_bytes()
            .to_vec()
    }

    /// Every user of the test bed: our keys equal the ones Net-SNMP 5.9.3 derived
    /// (tests/fixtures/usm-localized-keys.tsv, copied from shared/testbed/reference).
    #[test]
    fn net_snmp_localized_keys() {
        let tsv = include_str!("../../../tests/fixtures/usm-localized-keys.tsv");
        let mut checked = 0;
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [engine, user, auth, auth_key, privacy, priv_key] = f[..] else {
                panic!("bad line {line}");
            };
            let engine = EngineId::new(hex(engine.trim_start_matches("0x")));
            let auth = match auth {
                "none" => None,
                "HMAC-MD5-96" => Some(AuthProtocol::Md5),
                "HMAC-SHA-96" => Some(AuthProtocol::Sha1),
                other => Some(other.trim_start_matches("HMAC-").parse().unwrap()),
            };
            let privacy: Option<PrivProtocol> = match privacy {
                "none" => None,
                "AES-128" => Some(PrivProtocol::Aes128),
                other => Some(other.split(' ').next().unwrap().parse().unwrap()),
            };
            let creds = Credentials::from_passphrases(
                UserName::new(user),
                auth.map(|a| (a, pass(&format!("{user}_authpass")))),
                privacy.map(|p| (p, pass(&format!("{user}_privpass")))),
            )
            .unwrap();
            let keys = creds.keys_for(&engine).unwrap();
            match &keys.auth {
                None => assert_eq!(auth_key, "-", "{user}"),
                Some((_, k)) => assert_eq!(k.as_bytes(), hex(auth_key), "{user} auth key"),
            }
            match &keys.privacy {
                None => assert_eq!(priv_key, "-", "{user}"),
                Some((_, k)) => assert_eq!(k.as_bytes(), hex(priv_key), "{user} priv key"),
            }
            checked += 1;
        }
        assert_eq!(checked, 135);
    }

    #[test]
    fn short_passphrases_are_refused() {
        for text in ["", "1234567"] {
            let err = Passphrase::new("authentication", text).unwrap_err();
            assert_eq!(
                err,
                KeyError::PassphraseTooShort {
                    what: "authentication",
                    len: text.len()
                }
            );
            assert!(err.to_string().contains("at least 8"), "{err}");
        }
        assert!(Passphrase::new("privacy", "12345678").is_ok());
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let secret = "my-secret-passphrase";
        let hexkey = "deadbeefcafebabe0011223344556677";
        let p = pass(secret);
        let creds = Credentials::new(
            UserName::new("alice"),
            Some((AuthProtocol::Md5, KeySource::Passphrase(p.clone()))),
            Some((
                PrivProtocol::Des,
                KeySource::Master(MasterKey::from_hex("privacy", hexkey).unwrap()),
            )),
        )
        .unwrap();
        let keys = creds.keys_for(&rfc_engine()).unwrap();
        let local = keys.auth.as_ref().unwrap().1.as_bytes().to_vec();
        let local_hex: String = local.iter().map(|b| format!("{b:02x}")).collect();
        for text in [
            format!("{p:?}"),
            format!("{creds:?}"),
            format!("{keys:?}"),
            format!("{:?}", KeySource::Passphrase(p.clone())),
        ] {
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains(hexkey), "{text}");
            assert!(!text.contains(&local_hex), "{text}");
            assert!(!text.contains(&format!("{:?}", &local[..4])), "{text}");
        }
        assert!(format!("{keys:?}").contains("redacted"));
        let err = MasterKey::from_hex("privacy", "0xnot-hex-secret").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    #[test]
    fn credentials_are_checked_up_front() {
        let user = UserName::new("u");
        assert_eq!(
            Credentials::from_passphrases(
                user.clone(),
                None,
                Some((PrivProtocol::Aes128, pass("12345678")))
            )
            .unwrap_err(),
            KeyError::PrivacyWithoutAuth
        );
        let short = Credentials::new(
            user.clone(),
            Some((
                AuthProtocol::Sha1,
                KeySource::Master(MasterKey::from_bytes(vec![1; 16])),
            )),
            None,
        );
        assert!(matches!(
            short,
            Err(KeyError::WrongKeyLength {
                expected: 20,
                found: 16,
                ..
            })
        ));
        let unknown = Credentials::from_passphrases(
            user,
            Some((
                AuthProtocol::Unknown("1.2.3".parse().unwrap()),
                pass("12345678"),
            )),
            None,
        );
        assert!(matches!(
            unknown,
            Err(KeyError::Auth(AuthError::Unsupported(_)))
        ));
    }

    /// -3m/-3k keys give the same keys as the pass phrase they came from.
    #[test]
    fn master_and_localized_key_sources() {
        let engine = rfc_engine();
        let p = pass("maplesyrup");
        let from_pass = Credentials::from_passphrases(
            UserName::new("u"),
            Some((AuthProtocol::Sha1, p.clone())),
            Some((PrivProtocol::Aes256Cisco, p.clone())),
        )
        .unwrap()
        .keys_for(&engine)
        .unwrap();
        let ku = password_to_key(&AuthProtocol::Sha1, &p).unwrap();
        let kul = localize(&AuthProtocol::Sha1, &ku, &engine).unwrap();
        for (auth, privacy) in [
            (KeySource::Master(ku.clone()), KeySource::Master(ku.clone())),
            (
                KeySource::Localized(kul.clone()),
                KeySource::Localized(kul.clone()),
            ),
        ] {
            let keys = Credentials::new(
                UserName::new("u"),
                Some((AuthProtocol::Sha1, auth)),
                Some((PrivProtocol::Aes256Cisco, privacy)),
            )
            .unwrap()
            .keys_for(&engine)
            .unwrap();
            assert_eq!(keys, from_pass);
        }
        // A privacy key given already extended is used as is.
        let full = from_pass.privacy.as_ref().unwrap().1.as_bytes().to_vec();
        let keys = Credentials::new(
            UserName::new("u"),
            Some((AuthProtocol::Sha1, KeySource::Localized(kul))),
            Some((
                PrivProtocol::Aes256Cisco,
                KeySource::Localized(LocalizedKey::from_bytes(full)),
            )),
        )
        .unwrap()
        .keys_for(&engine)
        .unwrap();
        assert_eq!(keys, from_pass);
    }

    #[test]
    fn cache_returns_the_same_keys_per_engine() {
        let creds = Credentials::from_passphrases(
            UserName::new("u"),
            Some((AuthProtocol::Md5, pass("maplesyrup"))),
            None,
        )
        .unwrap();
        let a = creds.keys_for(&rfc_engine()).unwrap();
        let b = creds.keys_for(&rfc_engine()).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let other = creds
            .keys_for(&EngineId::new(hex("000000000000000000000003")))
            .unwrap();
        assert_ne!(a.auth, other.auth);
        assert_eq!(creds.max_level(), SecurityLevel::AuthNoPriv);
        // A clone starts empty but derives the same keys.
        let c = creds.clone().keys_for(&rfc_engine()).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(a, c);
    }
}
