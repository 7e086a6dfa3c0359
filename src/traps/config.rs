//! The daemon's configuration file (TOML; the documented example is
//! `assets/traps.example.toml`): listen addresses, communities (per source network), v3
//! users (pass phrases or keys, per sender engine id), outputs and handlers. Parsing only:
//! the daemon reads the file and lets its command-line flags override what this gives.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use super::access::{CommunityRule, IpNet, TrapUser};
use crate::proto::Community;
use crate::proto::usm::{
    AuthProtocol, Credentials, EngineId, KeySource, LocalizedKey, MasterKey, Passphrase,
    PrivProtocol, SecurityLevel, UserName,
};

/// Why the configuration was refused: the file's line and what to change, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Syntax(String),
    #[error("community #{index}: {reason}")]
    Community { index: usize, reason: String },
    #[error("user '{user}': {reason}")]
    User { user: String, reason: String },
    #[error("{field}: {reason}")]
    Field { field: &'static str, reason: String },
}

/// A secret read from the file: its Debug never shows it.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrapsConfig {
    /// Agent syntax: `udp:0.0.0.0:162`, `udp6:[::]:162`, `127.0.0.1:1162`.
    #[serde(default)]
    pub listen: Vec<String>,
    /// SO_RCVBUF to ask for, bytes.
    pub receive_buffer: Option<usize>,
    /// This receiver's engine id (informs); default: generated once, kept in the state file.
    pub engine_id: Option<String>,
    pub state_file: Option<PathBuf>,
    #[serde(default)]
    pub accept_any_community: bool,
    #[serde(default)]
    pub learn_engine_ids: bool,
    #[serde(default, rename = "community")]
    pub communities: Vec<CommunityEntry>,
    #[serde(default, rename = "user")]
    pub users: Vec<UserEntry>,
    #[serde(default)]
    pub output: OutputSection,
    pub exec: Option<ExecSection>,
    pub forward: Option<ForwardSection>,
    pub syslog: Option<SyslogSection>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityEntry {
    /// The community string (a secret).
    pub community: SecretText,
    /// How notifications show it; default `#N`.
    pub label: Option<String>,
    /// Source networks allowed; empty: any.
    #[serde(default)]
    pub networks: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub name: String,
    pub auth_protocol: Option<String>,
    pub auth_passphrase: Option<SecretText>,
    pub auth_master_key: Option<SecretText>,
    pub auth_localized_key: Option<SecretText>,
    pub priv_protocol: Option<String>,
    pub priv_passphrase: Option<SecretText>,
    pub priv_master_key: Option<SecretText>,
    pub priv_localized_key: Option<SecretText>,
    /// The trap sender's engine id (snmptrapd's `createUser -e`).
    pub engine_id: Option<String>,
    /// Lowest level accepted; default: the level the secrets allow.
    pub min_level: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    pub json: Option<bool>,
    pub log: Option<PathBuf>,
    pub quiet: Option<bool>,
    /// Seconds between JSON stats lines (0: none).
    pub stats_interval: Option<u64>,
    /// The output queue between reception and the outputs.
    pub queue: Option<usize>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecSection {
    pub command: String,
    pub concurrency: Option<usize>,
    pub queue: Option<usize>,
    pub timeout: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardSection {
    pub targets: Vec<String>,
    /// SNMPv2c relays with this community (default `public`)...
    pub community: Option<SecretText>,
    /// ... or SNMPv3 relays as this `[[user]]` (its pass phrases or master keys).
    pub user: Option<String>,
    /// Relay informs as informs, acknowledged by the next manager (default: as traps).
    pub informs: Option<bool>,
    /// Seconds per transmission of a relayed inform (default 1).
    pub timeout: Option<f64>,
    /// Retransmissions of a relayed inform (default 5).
    pub retries: Option<u32>,
    pub queue: Option<usize>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyslogSection {
    /// `udp:HOST:PORT`, `tcp:HOST:PORT` or `unix:/dev/log`.
    pub target: String,
    pub facility: Option<String>,
    pub queue: Option<usize>,
}

impl TrapsConfig {
    pub fn parse(text: &str) -> Result<TrapsConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))
    }

    /// True when the file holds secrets (a community or a key), so its mode matters.
    pub fn has_secrets(&self) -> bool {
        !self.communities.is_empty()
            || !self.users.is_empty()
            || self.forward.as_ref().is_some_and(|f| f.community.is_some())
    }

    pub fn community_rules(&self) -> Result<Vec<CommunityRule>, ConfigError> {
        self.communities
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let networks = c
                    .networks
                    .iter()
                    .map(|n| n.parse::<IpNet>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ConfigError::Community {
                        index: i + 1,
                        reason: e.to_string(),
                    })?;
                Ok(CommunityRule {
                    community: Community::new(c.community.0.as_bytes()),
                    label: c.label.clone().unwrap_or_else(|| format!("#{}", i + 1)),
                    networks,
                })
            })
            .collect()
    }

    pub fn trap_users(&self) -> Result<Vec<TrapUser>, ConfigError> {
        self.users.iter().map(UserEntry::trap_user).collect()
    }

    pub fn engine_id(&self) -> Result<Option<EngineId>, ConfigError> {
        self.engine_id
            .as_deref()
            .map(|t| {
                t.parse()
                    .map_err(|e: crate::proto::usm::UsmError| ConfigError::Field {
                        field: "engine_id",
                        reason: e.to_string(),
                    })
            })
            .transpose()
    }
}

/// One secret from the first of (master key, localized key, pass phrase) given.
fn key_source(
    what: &'static str,
    master: Option<&SecretText>,
    localized: Option<&SecretText>,
    passphrase: Option<&SecretText>,
) -> Result<Option<KeySource>, String> {
    let given = [master.is_some(), localized.is_some(), passphrase.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(format!(
            "give one {what} secret: a passphrase, a master key or a localized key"
        ));
    }
    if let Some(k) = master {
        return MasterKey::from_hex(what, &k.0)
            .map(|k| Some(KeySource::Master(k)))
            .map_err(|e| e.to_string());
    }
    if let Some(k) = localized {
        return LocalizedKey::from_hex(what, &k.0)
            .map(|k| Some(KeySource::Localized(k)))
            .map_err(|e| e.to_string());
    }
    passphrase
        .map(|p| Passphrase::new(what, p.0.as_bytes()).map(KeySource::Passphrase))
        .transpose()
        .map_err(|e| e.to_string())
}

impl UserEntry {
    fn trap_user(&self) -> Result<TrapUser, ConfigError> {
        let fail = |reason: String| ConfigError::User {
            user: self.name.clone(),
            reason,
        };
        if self.name.is_empty() || self.name.len() > 32 {
            return Err(fail("a user name is 1 to 32 bytes (RFC 3414 2.4)".into()));
        }
        let auth = key_source(
            "authentication",
            self.auth_master_key.as_ref(),
            self.auth_localized_key.as_ref(),
            self.auth_passphrase.as_ref(),
        )
        .map_err(fail)?;
        let privacy = key_source(
            "privacy",
            self.priv_master_key.as_ref(),
            self.priv_localized_key.as_ref(),
            self.priv_passphrase.as_ref(),
        )
        .map_err(fail)?;
        let auth_protocol = |text: Option<&str>| -> Result<AuthProtocol, ConfigError> {
            text.ok_or_else(|| fail("auth_protocol is missing (MD5, SHA, SHA-224, ...)".into()))?
                .parse()
                .map_err(|e: crate::proto::usm::AuthError| fail(e.to_string()))
        };
        let priv_protocol = |text: Option<&str>| -> Result<PrivProtocol, ConfigError> {
            text.ok_or_else(|| fail("priv_protocol is missing (DES, AES, AES-256, ...)".into()))?
                .parse()
                .map_err(|e: crate::proto::usm::PrivacyError| fail(e.to_string()))
        };
        let user = UserName::new(self.name.as_bytes());
        let credentials = match (auth, privacy) {
            (None, None) => Credentials::no_auth(user),
            (None, Some(_)) => return Err(fail("privacy needs authentication too".into())),
            (Some(a), None) => Credentials::new(
                user,
                Some((auth_protocol(self.auth_protocol.as_deref())?, a)),
                None,
            )
            .map_err(|e| fail(e.to_string()))?,
            (Some(a), Some(p)) => Credentials::new(
                user,
                Some((auth_protocol(self.auth_protocol.as_deref())?, a)),
                Some((priv_protocol(self.priv_protocol.as_deref())?, p)),
            )
            .map_err(|e| fail(e.to_string()))?,
        };
        let engine_id = self
            .engine_id
            .as_deref()
            .map(str::parse::<EngineId>)
            .transpose()
            .map_err(|e| fail(e.to_string()))?;
        let min_level = self
            .min_level
            .as_deref()
            .map(str::parse::<SecurityLevel>)
            .transpose()
            .map_err(|e| fail(e.to_string()))?;
        Ok(TrapUser {
            credentials: Arc::new(credentials),
            engine_id,
            min_level,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../assets/traps.example.toml");

    #[test]
    fn the_documented_example_parses() {
        let c = TrapsConfig::parse(EXAMPLE).unwrap();
        assert!(!c.listen.is_empty());
        let rules = c.community_rules().unwrap();
        assert!(rules.len() >= 2);
        let users = c.trap_users().unwrap();
        assert!(users.iter().any(|u| u.engine_id.is_some()));
        assert!(users.iter().any(|u| u.engine_id.is_none()));
        assert!(c.has_secrets());
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("passphrase1") && !debug.contains("campus-secret"),
            "{debug}"
        );
    }

    #[test]
    fn the_examples_optional_settings_are_real_settings() {
        // Every commented-out `key = value` and `[section]` of the example, uncommented.
        let uncommented: String = EXAMPLE
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest.split_once(" = ").is_some_and(|(key, _)| {
                            key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                        }) =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let c = TrapsConfig::parse(&uncommented).unwrap();
        let forward = c.forward.as_ref().expect("[forward]");
        assert_eq!(forward.user.as_deref(), Some("ops"));
        assert!(
            c.trap_users()
                .unwrap()
                .iter()
                .any(|u| { u.credentials.user().as_bytes() == b"ops" })
        );
        assert_eq!(
            (forward.informs, forward.retries, forward.queue),
            (Some(true), Some(5), Some(10000))
        );
        let syslog = c.syslog.as_ref().expect("[syslog]");
        assert_eq!(syslog.target, "unix:/dev/log");
        assert_eq!(syslog.queue, Some(10000));
        assert!(c.exec.is_some());
        assert!(c.engine_id.is_some() && c.state_file.is_some());
    }

    #[test]
    fn mistakes_name_the_entry_and_the_fix() {
        for (text, needle) in [
            ("listen = 5", "listen"),
            ("bogus = 1", "unknown field"),
            (
                "[[community]]\ncommunity = \"x\"\nnetworks = [\"10.0.0.0/40\"]",
                "community #1",
            ),
            (
                "[[user]]\nname = \"u\"\nauth_passphrase = \"longenough\"",
                "auth_protocol is missing",
            ),
            (
                "[[user]]\nname = \"u\"\nauth_protocol = \"SHA\"\nauth_passphrase = \"short\"",
                "user 'u'",
            ),
            (
                "[[user]]\nname = \"u\"\npriv_protocol = \"AES\"\npriv_passphrase = \"longenough\"",
                "privacy needs authentication",
            ),
        ] {
            let err = TrapsConfig::parse(text)
                .and_then(|c| c.community_rules().map(|_| c))
                .and_then(|c| c.trap_users().map(|_| ()))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{text}: {err}");
            assert!(!err.contains("longenough"), "secret in error: {err}");
        }
    }
}
