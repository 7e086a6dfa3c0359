//! Building a `Target` from option values and the defaults that fill the gaps, by
//! Net-SNMP's rules (snmpcmd(1), snmp.conf(5)): an option given wins, then its
//! `MIBSCOPE_*` variable, then snmp.conf's `def*` directive, then Net-SNMP's default.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::snmpconf::SnmpConf;
use crate::net::AddressError;
use crate::net::target::{AgentSpec, DEFAULT_LOOKUP_LIMIT, DEFAULT_PORT};
use crate::proto::engine::{KeyExtensionPolicy, Security, Target, UsmTarget};
use crate::proto::usm::{
    AuthError, AuthProtocol, Credentials, EngineBoots, EngineId, EngineTime, KeyError, KeySource,
    LocalizedKey, MasterKey, Passphrase, PrivProtocol, PrivacyError, SecurityLevel, UserName,
    UsmError,
};
use crate::proto::{Community, Version};

/// The community string when `-c` is not given.
pub const ENV_COMMUNITY: &str = "MIBSCOPE_COMMUNITY";
/// The authentication passphrase when `-A` is not given.
pub const ENV_AUTH_PASS: &str = "MIBSCOPE_AUTH_PASS";
/// The privacy passphrase when `-X` is not given.
pub const ENV_PRIV_PASS: &str = "MIBSCOPE_PRIV_PASS";

/// How to reach one agent, as the user gave it: Net-SNMP's option values as text (parsed
/// here, so every face reports the same errors). `None` is "not given": the environment and
/// snmp.conf may fill it.
#[derive(Clone)]
pub struct TargetOptions {
    /// Net-SNMP agent syntax: `host`, `host:port`, `udp:host:port`, `udp6:[::1]:161`.
    pub agent: String,
    /// `-v`: "1", "2c" or "3" (default: defVersion, else 3 when SNMPv3 options are given,
    /// else 2c).
    pub version: Option<String>,
    /// `-c` (a secret).
    pub community: Option<String>,
    /// `-t`: the wait for each reply.
    pub timeout: Duration,
    /// `-r`: retransmissions before giving up.
    pub retries: u32,
    /// The longest a host name lookup may take.
    pub lookup_limit: Duration,
    /// The SNMPv3 options.
    pub usm: UsmOptions,
}

impl Default for TargetOptions {
    /// Net-SNMP's defaults: 1 s, 5 retries.
    fn default() -> Self {
        TargetOptions {
            agent: String::new(),
            version: None,
            community: None,
            timeout: Duration::from_secs(1),
            retries: 5,
            lookup_limit: DEFAULT_LOOKUP_LIMIT,
            usm: UsmOptions::default(),
        }
    }
}

/// SNMPv3 option values, as Net-SNMP spells them (-u -l -a -A -x -X -e -E -n -Z, -3m -3M
/// -3k -3K). Keys are hex text; passphrases and keys are secrets.
#[derive(Clone, Default)]
pub struct UsmOptions {
    pub user: Option<String>,
    pub level: Option<String>,
    pub auth_protocol: Option<String>,
    pub auth_passphrase: Option<String>,
    pub priv_protocol: Option<String>,
    pub priv_passphrase: Option<String>,
    pub auth_master_key: Option<String>,
    pub priv_master_key: Option<String>,
    pub auth_localized_key: Option<String>,
    pub priv_localized_key: Option<String>,
    /// `-e`: the agent's engine id (skips discovery).
    pub engine_id: Option<String>,
    /// `-E`: the context engine id.
    pub context_engine_id: Option<String>,
    /// `-n`: the context name.
    pub context: Option<String>,
    /// `-Z`: "BOOTS,TIME", with `-e`.
    pub boots_time: Option<String>,
    pub key_extension: KeyExtensionPolicy,
    /// `-A` was given on the command line (not taken from the environment or snmp.conf):
    /// it selects SNMPv3 as the other v3 options do.
    pub auth_passphrase_given: bool,
}

impl UsmOptions {
    /// True when an option only SNMPv3 uses was given (passphrases aside: they may come
    /// from the environment without meaning "use v3").
    pub fn any(&self) -> bool {
        self.user.is_some()
            || self.level.is_some()
            || self.auth_protocol.is_some()
            || self.priv_protocol.is_some()
            || self.engine_id.is_some()
            || self.context.is_some()
            || self.auth_master_key.is_some()
            || self.auth_localized_key.is_some()
            || self.auth_passphrase_given
    }
}

/// What a `Debug` shows of an optional secret.
pub(crate) fn redact<T>(v: &Option<T>) -> &'static str {
    if v.is_some() {
        "Some(<redacted>)"
    } else {
        "None"
    }
}

impl std::fmt::Debug for TargetOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetOptions")
            .field("agent", &self.agent)
            .field("version", &self.version)
            .field("community", &redact(&self.community))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("usm", &self.usm)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UsmOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsmOptions")
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("auth_passphrase", &redact(&self.auth_passphrase))
            .field("priv_protocol", &self.priv_protocol)
            .field("priv_passphrase", &redact(&self.priv_passphrase))
            .field(
                "keys",
                &redact(
                    &self
                        .auth_master_key
                        .as_ref()
                        .or(self.priv_master_key.as_ref())
                        .or(self.auth_localized_key.as_ref())
                        .or(self.priv_localized_key.as_ref()),
                ),
            )
            .field("engine_id", &self.engine_id)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

/// A secret a target needs and was not given: a UI can prompt for it and build again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
    AuthPassphrase,
    PrivPassphrase,
}

impl Secret {
    fn what(self) -> &'static str {
        match self {
            Secret::AuthPassphrase => "an authentication passphrase",
            Secret::PrivPassphrase => "a privacy passphrase",
        }
    }

    fn how(self) -> &'static str {
        match self {
            Secret::AuthPassphrase => {
                "-A (or $MIBSCOPE_AUTH_PASS, or defAuthPassphrase in snmp.conf)"
            }
            Secret::PrivPassphrase => {
                "-X (or $MIBSCOPE_PRIV_PASS, or defPrivPassphrase in snmp.conf)"
            }
        }
    }
}

/// Why a target could not be built. Texts are Net-SNMP's where it has one, and name the
/// option to fix, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("Invalid version specified after -v flag: {0}")]
    BadVersion(String),
    #[error("No community name specified.")]
    NoCommunity,
    #[error("SNMPv3 needs a user name: give -u USER (or defSecurityName in snmp.conf)")]
    NoUser,
    /// A secret the security level needs was not given (a UI may prompt for it).
    #[error("security level {level} needs {}: give {}", secret.what(), secret.how())]
    MissingSecret {
        level: SecurityLevel,
        secret: Secret,
    },
    #[error("-Z {0}: give BOOTS,TIME")]
    BootsTimeForm(String),
    #[error("-Z {0}: give BOOTS,TIME as numbers")]
    BootsTimeNumbers(String),
    /// A security level or engine id that does not parse.
    #[error(transparent)]
    Usm(#[from] UsmError),
    /// An authentication protocol name.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A privacy protocol name.
    #[error(transparent)]
    Privacy(#[from] PrivacyError),
    /// A passphrase too short, a key that is not hex or of the wrong length.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The agent address does not parse or resolve.
    #[error(transparent)]
    Address(#[from] AddressError),
}

/// Something worth telling the user that does not stop the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// A file holding passphrases or keys is readable by other users (mode bits).
    SecretsReadableByOthers { path: PathBuf, mode: u32 },
    /// A profile names an environment variable for a secret, and it is not set.
    SecretVariableUnset { profile: String, variable: String },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::SecretsReadableByOthers { path, mode } => write!(
                f,
                "{} holds passphrases or keys and is readable by others (mode {mode:o}); run chmod 600 on it",
                path.display()
            ),
            Warning::SecretVariableUnset { profile, variable } => write!(
                f,
                "profile {profile}: ${variable} is not set; the secret comes from snmp.conf or must be entered"
            ),
        }
    }
}

type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// What fills the options a user did not give: the `MIBSCOPE_*` environment variables and
/// Net-SNMP's snmp.conf files.
#[derive(Clone)]
pub struct Defaults {
    conf: SnmpConf,
    env: Arc<EnvLookup>,
}

impl std::fmt::Debug for Defaults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Defaults").finish_non_exhaustive()
    }
}

impl Defaults {
    /// This process's environment and the snmp.conf files Net-SNMP would read.
    pub fn load() -> Defaults {
        Defaults::new(SnmpConf::load(), |k| std::env::var(k).ok())
    }

    /// Given snmp.conf directives and environment lookup (tests, or a UI's own settings).
    pub fn new(
        conf: SnmpConf,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Defaults {
        Defaults {
            conf,
            env: Arc::new(env),
        }
    }

    /// No environment and no snmp.conf: only what the options say.
    pub fn none() -> Defaults {
        Defaults::new(SnmpConf::default(), |_| None)
    }

    pub fn snmp_conf(&self) -> &SnmpConf {
        &self.conf
    }

    /// A variable of the environment these defaults read.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// What is worth telling the user about these sources (snmp.conf files with secrets
    /// that others can read).
    pub fn warnings(&self) -> Vec<Warning> {
        self.conf
            .exposed
            .iter()
            .map(|(path, mode)| Warning::SecretsReadableByOthers {
                path: path.clone(),
                mode: *mode,
            })
            .collect()
    }

    /// The SNMP version: `-v`, else defVersion, else 3 when SNMPv3 options are given,
    /// else 2c.
    pub fn version(&self, options: &TargetOptions) -> Result<Version, SessionError> {
        let text = match (&options.version, self.conf.get("defVersion")) {
            (Some(v), _) => v.as_str(),
            (None, Some(v)) => v,
            (None, None) if options.usm.any() => "3",
            (None, None) => "2c",
        };
        match text {
            "1" => Ok(Version::V1),
            "2c" | "2" => Ok(Version::V2c),
            "3" => Ok(Version::V3),
            other => Err(SessionError::BadVersion(other.to_string())),
        }
    }

    /// The target: address resolved (a host name within `options.lookup_limit`, without
    /// blocking the runtime), security from the options and these defaults.
    pub async fn target(&self, options: &TargetOptions) -> Result<Arc<Target>, SessionError> {
        let version = self.version(options)?;
        let default_port = self
            .conf
            .get("defaultPort")
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or(DEFAULT_PORT);
        let addr = AgentSpec::parse(&options.agent, default_port)?
            .resolve(options.lookup_limit)
            .await?;
        Ok(Arc::new(Target {
            addr,
            security: self.security(version, options)?,
            timeout: options.timeout,
            retries: options.retries,
        }))
    }

    /// Who we are to the agent, for `version`.
    pub fn security(
        &self,
        version: Version,
        options: &TargetOptions,
    ) -> Result<Security, SessionError> {
        if version == Version::V3 {
            return Ok(Security::Usm(Arc::new(self.usm_target(&options.usm)?)));
        }
        let community = options
            .community
            .clone()
            .or_else(|| self.var(ENV_COMMUNITY))
            .or_else(|| self.conf.get("defCommunity").map(str::to_string))
            .ok_or(SessionError::NoCommunity)?;
        Ok(Security::Community {
            version,
            community: Community::new(community.as_bytes()),
        })
    }

    /// The SNMPv3 side of a target: options first, then the environment, then snmp.conf.
    pub fn usm_target(&self, o: &UsmOptions) -> Result<UsmTarget, SessionError> {
        let conf = &self.conf;
        let user = o
            .user
            .as_deref()
            .or(conf.get("defSecurityName"))
            .ok_or(SessionError::NoUser)?;
        let user = UserName::new(user.as_bytes());
        let auth_env = self.var(ENV_AUTH_PASS);
        let priv_env = self.var(ENV_PRIV_PASS);
        let auth_source = key_source(
            "authentication",
            [
                (o.auth_master_key.as_deref(), KeyKind::Master),
                (o.auth_localized_key.as_deref(), KeyKind::Localized),
                (o.auth_passphrase.as_deref(), KeyKind::Passphrase),
                (auth_env.as_deref(), KeyKind::Passphrase),
                (conf.get("defAuthMasterKey"), KeyKind::Master),
                (conf.get("defAuthLocalizedKey"), KeyKind::Localized),
                (conf.get("defAuthPassphrase"), KeyKind::Passphrase),
                (conf.get("defPassphrase"), KeyKind::Passphrase),
            ],
        )?;
        let priv_source = key_source(
            "privacy",
            [
                (o.priv_master_key.as_deref(), KeyKind::Master),
                (o.priv_localized_key.as_deref(), KeyKind::Localized),
                (o.priv_passphrase.as_deref(), KeyKind::Passphrase),
                (priv_env.as_deref(), KeyKind::Passphrase),
                (conf.get("defPrivMasterKey"), KeyKind::Master),
                (conf.get("defPrivLocalizedKey"), KeyKind::Localized),
                (conf.get("defPrivPassphrase"), KeyKind::Passphrase),
                (conf.get("defPassphrase"), KeyKind::Passphrase),
            ],
        )?;
        let level = match o.level.as_deref().or(conf.get("defSecurityLevel")) {
            Some(text) => text.parse::<SecurityLevel>()?,
            None if priv_source.is_some() && auth_source.is_some() => SecurityLevel::AuthPriv,
            None if auth_source.is_some() => SecurityLevel::AuthNoPriv,
            None => SecurityLevel::NoAuthNoPriv,
        };
        // Net-SNMP's defaults when no protocol is named.
        let auth_protocol: AuthProtocol = o
            .auth_protocol
            .as_deref()
            .or(conf.get("defAuthType"))
            .unwrap_or("MD5")
            .parse()?;
        let priv_protocol: PrivProtocol = o
            .priv_protocol
            .as_deref()
            .or(conf.get("defPrivType"))
            .unwrap_or("DES")
            .parse()?;
        let missing = |secret| SessionError::MissingSecret { level, secret };
        let credentials = match level {
            SecurityLevel::NoAuthNoPriv => Credentials::no_auth(user),
            SecurityLevel::AuthNoPriv => {
                let auth = auth_source.ok_or(missing(Secret::AuthPassphrase))?;
                Credentials::new(user, Some((auth_protocol, auth)), None)?
            }
            SecurityLevel::AuthPriv => {
                let auth = auth_source.ok_or(missing(Secret::AuthPassphrase))?;
                let privacy = priv_source.ok_or(missing(Secret::PrivPassphrase))?;
                Credentials::new(
                    user,
                    Some((auth_protocol, auth)),
                    Some((priv_protocol, privacy)),
                )?
            }
        };
        let engine_id = |text: &Option<String>| -> Result<Option<EngineId>, SessionError> {
            Ok(text.as_deref().map(str::parse::<EngineId>).transpose()?)
        };
        let boots_time = match &o.boots_time {
            None => None,
            Some(text) => {
                let (b, t) = text
                    .split_once(',')
                    .ok_or_else(|| SessionError::BootsTimeForm(text.clone()))?;
                let n = |s: &str| {
                    s.trim()
                        .parse::<u32>()
                        .map_err(|_| SessionError::BootsTimeNumbers(text.clone()))
                };
                Some((EngineBoots(n(b)?), EngineTime(n(t)?)))
            }
        };
        Ok(UsmTarget {
            credentials: Arc::new(credentials),
            level,
            context_name: o
                .context
                .as_deref()
                .or(conf.get("defContext"))
                .unwrap_or("")
                .as_bytes()
                .to_vec(),
            context_engine_id: engine_id(&o.context_engine_id)?,
            engine_id: engine_id(&o.engine_id)?,
            boots_time,
            key_extension: o.key_extension,
        })
    }
}

/// How a secret given as text is to be read.
#[derive(Clone, Copy)]
pub(crate) enum KeyKind {
    Passphrase,
    Master,
    Localized,
}

/// The first secret given, in order of precedence, as a key source.
pub(crate) fn key_source<const N: usize>(
    what: &'static str,
    candidates: [(Option<&str>, KeyKind); N],
) -> Result<Option<KeySource>, SessionError> {
    let Some((text, kind)) = candidates.into_iter().find_map(|(t, k)| t.map(|t| (t, k))) else {
        return Ok(None);
    };
    Ok(Some(match kind {
        KeyKind::Passphrase => KeySource::Passphrase(Passphrase::new(what, text.as_bytes())?),
        KeyKind::Master => KeySource::Master(MasterKey::from_hex(what, text)?),
        KeyKind::Localized => KeySource::Localized(LocalizedKey::from_hex(what, text)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn defaults(conf: &str, env: &[(&str, &str)]) -> Defaults {
        let mut c = SnmpConf::default();
        c.read(std::path::Path::new("/nonexistent/snmp.conf"), conf);
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Defaults::new(c, move |k| env.get(k).cloned())
    }

    fn agent(agent: &str) -> TargetOptions {
        TargetOptions {
            agent: agent.into(),
            ..TargetOptions::default()
        }
    }

    #[tokio::test]
    async fn options_then_environment_then_snmp_conf() {
        let d = defaults("defCommunity fromconf\ndefaultPort 1161\n", &[]);
        let t = d.target(&agent("127.0.0.1")).await.unwrap();
        assert_eq!(t.addr, "127.0.0.1:1161".parse().unwrap());
        let Security::Community { version, community } = &t.security else {
            panic!()
        };
        assert_eq!(
            (*version, community.as_bytes()),
            (Version::V2c, &b"fromconf"[..])
        );
        let d = defaults("defCommunity fromconf\n", &[(ENV_COMMUNITY, "fromenv")]);
        let t = d.target(&agent("127.0.0.1")).await.unwrap();
        let Security::Community { community, .. } = &t.security else {
            panic!()
        };
        assert_eq!(community.as_bytes(), b"fromenv");
        let mut o = agent("127.0.0.1:161");
        o.community = Some("given".into());
        let t = d.target(&o).await.unwrap();
        let Security::Community { community, .. } = &t.security else {
            panic!()
        };
        assert_eq!(community.as_bytes(), b"given");
        assert!(matches!(
            Defaults::none().target(&agent("127.0.0.1")).await,
            Err(SessionError::NoCommunity)
        ));
    }

    #[tokio::test]
    async fn v3_secrets_from_the_environment_and_a_missing_one_is_typed() {
        let d = defaults(
            "defSecurityName alice\ndefVersion 3\n",
            &[(ENV_AUTH_PASS, "authpass1")],
        );
        let t = d.target(&agent("127.0.0.1")).await.unwrap();
        let Security::Usm(usm) = &t.security else {
            panic!()
        };
        assert_eq!(usm.level, SecurityLevel::AuthNoPriv);
        let mut o = agent("127.0.0.1");
        o.usm.level = Some("authPriv".into());
        match d.target(&o).await {
            Err(
                e @ SessionError::MissingSecret {
                    secret: Secret::PrivPassphrase,
                    ..
                },
            ) => {
                assert!(e.to_string().contains("give -X"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        // Prompted for and given: it builds.
        o.usm.priv_passphrase = Some("privpass1".into());
        assert!(d.target(&o).await.is_ok());
    }

    #[test]
    fn warnings_name_exposed_snmp_conf_files_and_secrets_stay_out_of_debug() {
        let mut conf = SnmpConf::default();
        conf.exposed
            .push((PathBuf::from("/home/u/.snmp/snmp.conf"), 0o644));
        let d = Defaults::new(conf, |_| None);
        let w = d.warnings();
        assert_eq!(
            w[0].to_string(),
            "/home/u/.snmp/snmp.conf holds passphrases or keys and is readable by others (mode 644); run chmod 600 on it"
        );
        let mut o = agent("h");
        o.community = Some("s3cret-community".into());
        o.usm.auth_passphrase = Some("s3cret-auth".into());
        o.usm.priv_localized_key = Some("0xs3cret".into());
        let text = format!("{o:?}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
