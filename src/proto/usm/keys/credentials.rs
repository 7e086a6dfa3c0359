//! A user's credentials: the protocols and where each key comes from ([`KeySource`]),
//! checked once when made, with a per-engine cache of the keys derived from them
//! ([`UserKeys`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::KeyError;
use super::derivation::{localize, password_to_key, privacy_key};
use super::secret::{LocalizedKey, MasterKey, Passphrase, PrivKey};
use crate::proto::usm::auth::AuthProtocol;
use crate::proto::usm::privacy::PrivProtocol;
use crate::proto::usm::{EngineId, SecurityLevel, UserName};

/// How many engine ids one `Credentials` keeps derived keys for before starting over; a
/// trap receiver hears from many senders, and an attacker could invent engine ids.
const CACHE_LIMIT: usize = 1024;

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
        level_allowed(&self.auth, &self.privacy)
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

/// The highest security level a user with these secrets can use.
fn level_allowed<A, P>(auth: &Option<A>, privacy: &Option<P>) -> SecurityLevel {
    match (auth, privacy) {
        (None, _) => SecurityLevel::NoAuthNoPriv,
        (Some(_), None) => SecurityLevel::AuthNoPriv,
        (Some(_), Some(_)) => SecurityLevel::AuthPriv,
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
        level_allowed(&self.auth, &self.privacy)
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
