//! The SNMPv3 checks of `decode`: the credential options made into a [`Checker`], and RFC
//! 3414 section 3.2's HMAC verification (step 6) and decryption (step 8) as a manager would
//! do them (through `usm::trial`), each check told in one line that says what to change.

use super::DecodeCredentials;
use crate::cli::CliError;
use crate::cli::options::{KeyKind, key_source};
use crate::proto::message::{ScopedPdu, ScopedPduData};
use crate::proto::usm::trial::{AuthOutcome, AuthTrial, PrivOutcome, PrivTrial, auth_candidates};
use crate::proto::usm::{
    self, AuthProtocol, EngineId, Inspected, KeySource, PrivProtocol, SecurityLevel, UserName,
};

/// Credentials as checked and parsed, ready to try on a message.
pub struct Checker {
    user: Option<UserName>,
    level: Option<SecurityLevel>,
    auth_protocol: Option<AuthProtocol>,
    auth: Option<KeySource>,
    priv_protocol: Option<PrivProtocol>,
    privacy: Option<KeySource>,
    engine_id: Option<EngineId>,
}

impl DecodeCredentials {
    /// None when no SNMPv3 option was given.
    pub fn checker(&self) -> Result<Option<Checker>, CliError> {
        let given = self.user.is_some()
            || self.level.is_some()
            || self.auth_protocol.is_some()
            || self.auth_passphrase.is_some()
            || self.priv_protocol.is_some()
            || self.priv_passphrase.is_some()
            || self.engine_id.is_some()
            || self.auth_master_key.is_some()
            || self.priv_master_key.is_some()
            || self.auth_localized_key.is_some()
            || self.priv_localized_key.is_some();
        if !given {
            return Ok(None);
        }
        let usage = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
        Ok(Some(Checker {
            user: self.user.as_ref().map(|u| UserName::new(u.as_bytes())),
            level: self
                .level
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            auth_protocol: self
                .auth_protocol
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            auth: key_source(
                "authentication",
                [
                    (self.auth_master_key.as_deref(), KeyKind::Master),
                    (self.auth_localized_key.as_deref(), KeyKind::Localized),
                    (self.auth_passphrase.as_deref(), KeyKind::Passphrase),
                ],
            )?,
            priv_protocol: self
                .priv_protocol
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            privacy: key_source(
                "privacy",
                [
                    (self.priv_master_key.as_deref(), KeyKind::Master),
                    (self.priv_localized_key.as_deref(), KeyKind::Localized),
                    (self.priv_passphrase.as_deref(), KeyKind::Passphrase),
                ],
            )?,
            engine_id: self
                .engine_id
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
        }))
    }
}

/// What the checks found: a line per check, the scoped PDU when it could be read.
pub(super) struct CheckOutcome {
    pub(super) lines: Vec<String>,
    pub(super) scoped: Option<ScopedPdu>,
    pub(super) failed: bool,
}

impl Checker {
    /// RFC 3414 section 3.2 steps 6 and 8 as a manager would do them, one line per check.
    pub(super) fn check(&self, bytes: &[u8], m: &Inspected) -> CheckOutcome {
        let mut out = CheckOutcome {
            lines: Vec::new(),
            scoped: None,
            failed: false,
        };
        let p = &m.params;
        let level = match self.level {
            Some(asked) if asked < m.level => {
                out.lines.push(format!(
                    "level: the message is {}; checking only up to -l {asked}",
                    m.level
                ));
                asked
            }
            Some(asked) if asked > m.level => {
                out.lines.push(format!(
                    "level: the message is only {}, not -l {asked}: it was sent with fewer \
                     protections than asked for",
                    m.level
                ));
                out.failed = true;
                m.level
            }
            _ => m.level,
        };
        let user = self.user.clone().unwrap_or_else(|| p.user.clone());
        if user != p.user {
            out.lines.push(format!(
                "user: the message is from '{}', not -u '{user}' (the keys do not depend on \
                 the name, so the checks go on)",
                p.user
            ));
        }
        let plaintext = match &m.msg.data {
            ScopedPduData::Plaintext(scoped) => Some(scoped.clone()),
            ScopedPduData::Encrypted(_) => None,
        };
        if level == SecurityLevel::NoAuthNoPriv {
            out.lines
                .push(format!("authentication: none (the message is {})", m.level));
            out.scoped = plaintext;
            return out;
        }
        let engine = self
            .engine_id
            .clone()
            .unwrap_or_else(|| p.engine_id.clone());
        if engine.is_empty() {
            out.lines.push(
                "authentication: FAILED: the message names no authoritative engine, so no key \
                 can be localized; give -e ENGINE-ID"
                    .into(),
            );
            out.failed = true;
            out.scoped = plaintext;
            return out;
        }
        let Some(auth_source) = &self.auth else {
            out.lines.push(format!(
                "authentication: FAILED: the message is {}, and no authentication secret was \
                 given: give -a and -A (or $MIBSCOPE_AUTH_PASS), or -3m/-3k",
                m.level
            ));
            out.failed = true;
            out.scoped = plaintext;
            return out;
        };
        let verified = self.verify(bytes, m, &user, auth_source, &engine, &mut out);
        if level < SecurityLevel::AuthPriv {
            out.scoped = plaintext;
            if level < m.level {
                out.lines.push("privacy: not checked (-l)".into());
            }
            return out;
        }
        let Some(priv_source) = &self.privacy else {
            out.lines.push(
                "privacy: FAILED: the message is authPriv and no privacy secret was given: \
                 give -x and -X (or $MIBSCOPE_PRIV_PASS), or -3M/-3K"
                    .into(),
            );
            out.failed = true;
            return out;
        };
        // The privacy key is derived with the authentication protocol's hash.
        let auth_protocols: Vec<AuthProtocol> = match (&verified, &self.auth_protocol) {
            (Some(a), _) => vec![a.clone()],
            (None, Some(a)) if a.mac_len() == p.auth_params.len() => vec![a.clone()],
            (None, _) => auth_candidates(p.auth_params.len()),
        };
        out.scoped = self.decrypt(
            m,
            &user,
            auth_source,
            priv_source,
            &auth_protocols,
            &engine,
            &mut out,
        );
        out
    }

    /// Step 6: the HMAC (`usm::trial`). The protocol that verified it, if one did.
    fn verify(
        &self,
        bytes: &[u8],
        m: &Inspected,
        user: &UserName,
        source: &KeySource,
        engine: &EngineId,
        out: &mut CheckOutcome,
    ) -> Option<AuthProtocol> {
        let outcome = AuthTrial {
            user,
            protocol: self.auth_protocol.as_ref(),
            source,
            engine,
        }
        .run(bytes, m);
        let names = |list: &[AuthProtocol]| {
            list.iter()
                .map(AuthProtocol::name)
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let line = match outcome {
            AuthOutcome::Verified { protocol, guessed } => {
                let guessed = if guessed {
                    " (found by trying the protocols of this digest length; -a sets it)"
                } else {
                    ""
                };
                out.lines.push(format!(
                    "authentication: HMAC-{protocol} verified with the key localized to {engine}{guessed}"
                ));
                return Some(protocol);
            }
            AuthOutcome::WrongLength { asked, len, fits } => format!(
                "authentication: FAILED: the message carries a {len}-byte digest and -a {asked} \
                 makes {} bytes: wrong -a{}",
                asked.mac_len(),
                if fits.is_empty() {
                    String::new()
                } else {
                    format!(" (a {len}-byte digest is {})", names(&fits))
                }
            ),
            AuthOutcome::NoProtocolFits { len } => format!(
                "authentication: FAILED: a {len}-byte digest fits no authentication protocol"
            ),
            AuthOutcome::Key(e) => format!("authentication: FAILED: {e}"),
            AuthOutcome::WrongEngine {
                own_engine: Some(protocol),
                ..
            } => format!(
                "authentication: FAILED: digest mismatch with the keys localized to -e {engine}; \
                 the message is authoritative at {}, and localized to that engine the \
                 {protocol} key verifies it: drop -e or give that engine id",
                m.params.engine_id
            ),
            AuthOutcome::WrongEngine {
                computed,
                own_engine: None,
            } => format!(
                "authentication: FAILED: digest mismatch ({}, keys localized to -e {engine}, \
                 but the message is authoritative at {}): wrong -e, or wrong -a/-A",
                names(&computed),
                m.params.engine_id
            ),
            AuthOutcome::Mismatch { computed } => {
                let key_hint = match source {
                    KeySource::Localized(_) => {
                        " (a localized key, -3k, is only good for the engine it was localized to)"
                    }
                    _ => "",
                };
                format!(
                    "authentication: FAILED: digest mismatch: the HMAC in the message is not {} \
                     with the given key localized to {engine}: wrong authentication pass phrase or \
                     protocol (-a/-A){key_hint}",
                    names(&computed)
                )
            }
        };
        out.lines.push(line);
        out.failed = true;
        None
    }

    /// Step 8: decryption (`usm::trial`), with the protocol asked for, then its other key
    /// extension; without -x, every privacy protocol.
    #[allow(clippy::too_many_arguments)]
    fn decrypt(
        &self,
        m: &Inspected,
        user: &UserName,
        auth_source: &KeySource,
        priv_source: &KeySource,
        auth_protocols: &[AuthProtocol],
        engine: &EngineId,
        out: &mut CheckOutcome,
    ) -> Option<ScopedPdu> {
        let tried: Vec<PrivProtocol> = match &self.priv_protocol {
            Some(x) => std::iter::once(x.clone())
                .chain(x.with_other_extension())
                .collect(),
            None => PrivProtocol::ALL.to_vec(),
        };
        let outcome = PrivTrial {
            user,
            auth_source,
            priv_source,
            auth_protocols,
            priv_protocols: &tried,
            engine,
        }
        .run(m);
        match outcome {
            PrivOutcome::Plaintext => None,
            PrivOutcome::Decrypted {
                protocol,
                auth,
                scoped,
            } => {
                let note = match &self.priv_protocol {
                    Some(asked) if *asked != protocol => format!(
                        "; not with -x {asked}: the sender extends the key as {protocol} \
                         does ({}), use -x {protocol}",
                        extension_name(&protocol)
                    ),
                    Some(_) => String::new(),
                    None => " (found by trying each privacy protocol; -x sets it)".into(),
                };
                let derived = if verified_auth_protocol(auth_protocols, &self.auth_protocol) {
                    String::new()
                } else {
                    format!(" (privacy key derived with {auth})")
                };
                out.lines
                    .push(format!("privacy: decrypted with {protocol}{derived}{note}"));
                if self.priv_protocol.as_ref().is_some_and(|a| *a != protocol) {
                    out.failed = true;
                }
                Some(scoped)
            }
            PrivOutcome::Failed { first_error } => {
                out.failed = true;
                let names = tried
                    .iter()
                    .map(PrivProtocol::name)
                    .collect::<Vec<_>>()
                    .join(", ");
                let engine_hint = if *engine == m.params.engine_id {
                    String::new()
                } else {
                    format!(
                        "; the keys were localized to -e {engine}, the message's engine is {}",
                        m.params.engine_id
                    )
                };
                out.lines.push(format!(
                    "privacy: FAILED: decryption with {names} failed ({first_error}): wrong \
                     privacy pass phrase or protocol (-x/-X){engine_hint}"
                ));
                None
            }
        }
    }
}

/// True when the privacy key was derived with the one authentication protocol that was
/// verified or asked for, so there is nothing to say about it.
fn verified_auth_protocol(tried: &[AuthProtocol], asked: &Option<AuthProtocol>) -> bool {
    tried.len() == 1 && asked.as_ref().is_none_or(|a| *a == tried[0])
}

fn extension_name(protocol: &PrivProtocol) -> &'static str {
    match protocol.key_extension() {
        Some(usm::KeyExtension::Blumenthal) => "Blumenthal key extension",
        Some(usm::KeyExtension::Reeder) => "Reeder key extension",
        None => "no key extension",
    }
}
