//! Trial verification (RFC 3414 section 3.2 steps 6 and 8 with secrets that are not fully
//! known): which authentication protocol, which privacy protocol or AES key extension, and
//! which of several keys of one user name verifies a message's HMAC and decrypts it.
//!
//! Two callers: `mibscope decode`, which is given pass phrases but maybe not the protocols
//! (every protocol whose digest has the message's length is tried, then every privacy
//! protocol) and says which check failed; and a notification receiver, which may hold
//! several keys for one user name (one per sender engine, or one per pool of senders) and
//! takes the first that verifies ([`first_verifying`]).

use std::sync::Arc;

use super::keys::{Credentials, KeySource, UserKeys};
use super::{AuthProtocol, EngineId, Inspected, PrivProtocol, UserName};
use crate::proto::message::{ScopedPdu, ScopedPduData};

/// The authentication protocols whose truncated HMAC is `len` bytes (RFC 3414 6 and 7,
/// RFC 7860 section 4: 12, 16, 24, 32 or 48 bytes).
pub fn auth_candidates(len: usize) -> Vec<AuthProtocol> {
    AuthProtocol::ALL
        .into_iter()
        .filter(|a| a.mac_len() == len)
        .collect()
}

/// One authentication secret to try on a message, with or without its protocol.
pub struct AuthTrial<'a> {
    pub user: &'a UserName,
    /// None: every protocol whose digest has the message's length.
    pub protocol: Option<&'a AuthProtocol>,
    pub source: &'a KeySource,
    /// The engine the key is localized to (normally the message's authoritative engine).
    pub engine: &'a EngineId,
}

/// What [`AuthTrial::run`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthOutcome {
    /// The HMAC verified with this protocol; `guessed` when it was found by trying.
    Verified {
        protocol: AuthProtocol,
        guessed: bool,
    },
    /// The protocol asked for makes digests of another length than the message carries.
    WrongLength {
        asked: AuthProtocol,
        len: usize,
        fits: Vec<AuthProtocol>,
    },
    /// No protocol makes digests of the message's length.
    NoProtocolFits { len: usize },
    /// The secret cannot be a key of the protocol asked for (a -3k of the wrong length).
    Key(String),
    /// No protocol tried verifies with keys localized to the engine given; `own_engine`
    /// names the protocol that does verify when localized to the message's own engine.
    WrongEngine {
        computed: Vec<AuthProtocol>,
        own_engine: Option<AuthProtocol>,
    },
    /// No protocol tried verifies.
    Mismatch { computed: Vec<AuthProtocol> },
}

impl AuthTrial<'_> {
    fn verifies(
        &self,
        bytes: &[u8],
        m: &Inspected,
        protocol: &AuthProtocol,
        engine: &EngineId,
    ) -> Result<bool, String> {
        let creds = Credentials::new(
            self.user.clone(),
            Some((protocol.clone(), self.source.clone())),
            None,
        )
        .map_err(|e| e.to_string())?;
        let keys = creds.keys_for(engine).map_err(|e| e.to_string())?;
        let Some((_, key)) = &keys.auth else {
            return Ok(false);
        };
        Ok(protocol
            .verify(key.as_bytes(), bytes, m.auth_at.clone())
            .is_ok())
    }

    /// Step 6 with each candidate protocol in turn.
    pub fn run(&self, bytes: &[u8], m: &Inspected) -> AuthOutcome {
        let len = m.params.auth_params.len();
        let tried = match self.protocol {
            Some(a) if a.mac_len() != len => {
                return AuthOutcome::WrongLength {
                    asked: a.clone(),
                    len,
                    fits: auth_candidates(len),
                };
            }
            Some(a) => vec![a.clone()],
            None => auth_candidates(len),
        };
        if tried.is_empty() {
            return AuthOutcome::NoProtocolFits { len };
        }
        let mut key_error = None;
        let mut computed = Vec::new();
        for protocol in &tried {
            match self.verifies(bytes, m, protocol, self.engine) {
                Ok(true) => {
                    return AuthOutcome::Verified {
                        protocol: protocol.clone(),
                        guessed: self.protocol.is_none(),
                    };
                }
                Ok(false) => computed.push(protocol.clone()),
                // A key of the wrong length for this protocol: not this one.
                Err(e) => {
                    key_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = key_error.filter(|_| self.protocol.is_some() || tried.len() == 1) {
            return AuthOutcome::Key(e);
        }
        // Keys localized to another engine than the message's make the same mismatch.
        let own = &m.params.engine_id;
        if self.engine != own && !own.is_empty() {
            let own_engine = tried
                .iter()
                .find(|p| matches!(self.verifies(bytes, m, p, own), Ok(true)))
                .cloned();
            return AuthOutcome::WrongEngine {
                computed,
                own_engine,
            };
        }
        AuthOutcome::Mismatch { computed }
    }
}

/// One privacy secret to try on an encrypted message.
pub struct PrivTrial<'a> {
    pub user: &'a UserName,
    pub auth_source: &'a KeySource,
    pub priv_source: &'a KeySource,
    /// The privacy key is derived with the authentication protocol's hash: the one that
    /// verified, or each candidate.
    pub auth_protocols: &'a [AuthProtocol],
    /// The privacy protocols to try, in order.
    pub priv_protocols: &'a [PrivProtocol],
    pub engine: &'a EngineId,
}

/// What [`PrivTrial::run`] found.
#[derive(Clone, Debug)]
pub enum PrivOutcome {
    Decrypted {
        protocol: PrivProtocol,
        auth: AuthProtocol,
        scoped: ScopedPdu,
    },
    /// Nothing decrypted; the first error met.
    Failed { first_error: String },
    /// The message is not encrypted.
    Plaintext,
}

impl PrivTrial<'_> {
    /// Step 8 with each (authentication, privacy) protocol pair in turn.
    pub fn run(&self, m: &Inspected) -> PrivOutcome {
        let ScopedPduData::Encrypted(ciphertext) = &m.msg.data else {
            return PrivOutcome::Plaintext;
        };
        let mut first_error = None;
        for auth in self.auth_protocols {
            for protocol in self.priv_protocols {
                let attempt = || -> Result<ScopedPdu, String> {
                    let creds = Credentials::new(
                        self.user.clone(),
                        Some((auth.clone(), self.auth_source.clone())),
                        Some((protocol.clone(), self.priv_source.clone())),
                    )
                    .map_err(|e| e.to_string())?;
                    let keys = creds.keys_for(self.engine).map_err(|e| e.to_string())?;
                    let Some((_, key)) = &keys.privacy else {
                        return Err("no privacy key".into());
                    };
                    let plain = protocol
                        .decrypt(
                            key.as_bytes(),
                            m.params.boots,
                            m.params.time,
                            &m.params.priv_params,
                            ciphertext,
                        )
                        .map_err(|e| e.to_string())?;
                    ScopedPdu::decode(&plain)
                        .map(|(s, _)| s)
                        .map_err(|e| format!("the decrypted bytes are not a scoped PDU ({e})"))
                };
                match attempt() {
                    Ok(scoped) => {
                        return PrivOutcome::Decrypted {
                            protocol: protocol.clone(),
                            auth: auth.clone(),
                            scoped,
                        };
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        PrivOutcome::Failed {
            first_error: first_error.unwrap_or_default(),
        }
    }
}

/// Of several keys one user name may have (a receiver's users keyed per sender engine, or
/// per pool of senders), the first whose HMAC verifies the message (RFC 3414 3.2 step 6).
/// Keys without authentication verify nothing; None when none verifies.
pub fn first_verifying(
    bytes: &[u8],
    m: &Inspected,
    candidates: &[Arc<UserKeys>],
) -> Option<Arc<UserKeys>> {
    candidates
        .iter()
        .find(|k| {
            k.auth.as_ref().is_some_and(|(protocol, key)| {
                protocol
                    .verify(key.as_bytes(), bytes, m.auth_at.clone())
                    .is_ok()
            })
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::usm::test_util::{Direction, fixture};
    use crate::proto::usm::{Passphrase, inspect};

    fn pass(text: &str) -> KeySource {
        KeySource::Passphrase(Passphrase::new("test", text.as_bytes()).unwrap())
    }

    #[test]
    fn protocols_are_found_by_trying() {
        let f = fixture("sha256-aes192");
        let bytes = f.sent(Direction::ToAgent).nth(1).unwrap();
        let m = inspect(bytes).unwrap();
        let auth = pass("sha256-aes192_authpass");
        let engine = m.params.engine_id.clone();
        let outcome = AuthTrial {
            user: &m.params.user,
            protocol: None,
            source: &auth,
            engine: &engine,
        }
        .run(bytes, &m);
        assert_eq!(
            outcome,
            AuthOutcome::Verified {
                protocol: AuthProtocol::Sha256,
                guessed: true
            }
        );
        let privacy = pass("sha256-aes192_privpass");
        let PrivOutcome::Decrypted { protocol, .. } = (PrivTrial {
            user: &m.params.user,
            auth_source: &auth,
            priv_source: &privacy,
            auth_protocols: &[AuthProtocol::Sha256],
            priv_protocols: &PrivProtocol::ALL,
            engine: &engine,
        })
        .run(&m) else {
            panic!("not decrypted")
        };
        // SHA-256 makes keys long enough for AES-192: both extensions agree, the first wins.
        assert!(protocol.name().starts_with("AES-192"), "{protocol}");
        // The wrong pass phrase, and the right one localized to another engine.
        let wrong = pass("not-the-passphrase");
        let outcome = AuthTrial {
            user: &m.params.user,
            protocol: Some(&AuthProtocol::Sha256),
            source: &wrong,
            engine: &engine,
        }
        .run(bytes, &m);
        assert!(
            matches!(outcome, AuthOutcome::Mismatch { .. }),
            "{outcome:?}"
        );
        let other: EngineId = "0x80001F8804776F6E67".parse().unwrap();
        let outcome = AuthTrial {
            user: &m.params.user,
            protocol: None,
            source: &auth,
            engine: &other,
        }
        .run(bytes, &m);
        assert_eq!(
            outcome,
            AuthOutcome::WrongEngine {
                computed: vec![AuthProtocol::Sha256],
                own_engine: Some(AuthProtocol::Sha256)
            }
        );
    }

    #[test]
    fn the_first_verifying_key_of_several_is_taken() {
        let f = fixture("sha-aes");
        let bytes = f.sent(Direction::ToAgent).nth(1).unwrap();
        let m = inspect(bytes).unwrap();
        let keys = |auth: &str| {
            Credentials::new(
                m.params.user.clone(),
                Some((AuthProtocol::Sha1, pass(auth))),
                None,
            )
            .unwrap()
            .keys_for(&m.params.engine_id)
            .unwrap()
        };
        let wrong = keys("another-passphrase");
        let right = keys("sha-aes_authpass");
        let none = Credentials::no_auth(m.params.user.clone())
            .keys_for(&m.params.engine_id)
            .unwrap();
        let found = first_verifying(bytes, &m, &[none.clone(), wrong.clone(), right.clone()]);
        assert_eq!(found, Some(right));
        assert_eq!(first_verifying(bytes, &m, &[none, wrong]), None);
    }
}
