//! Named agent profiles: `profiles.toml` in mibscope's configuration directory
//! (`$MIBSCOPE_PROFILES`, else `$XDG_CONFIG_HOME/mibscope/profiles.toml`, else
//! `~/.config/mibscope/profiles.toml`), one table per agent:
//!
//! ```toml
//! [agents.core-sw1]
//! address = "udp:10.0.0.1:161"
//! version = "3"
//! user = "monitor"
//! level = "authPriv"
//! auth_protocol = "SHA-256"
//! auth_passphrase_env = "CORE_AUTH"    # the secret from this variable
//! priv_protocol = "AES"                # priv passphrase omitted: snmp.conf, or a prompt
//! timeout = 2.5
//! retries = 2
//! labels = { site = "par1", role = "core" }
//!
//! [agents.lab]
//! address = "127.0.0.1:1161"
//! version = "2c"
//! community = "public"                 # secrets in the file: keep it chmod 600
//! ```
//!
//! A profile becomes `TargetOptions`, so it follows the command line's rules (`Defaults`
//! fill what it leaves out). Secrets are never written by mibscope and never shown by
//! `Debug`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::target::{Defaults, TargetOptions, UsmOptions, Warning, redact};
use crate::net::AddressError;
use crate::net::target::{AgentSpec, DEFAULT_PORT};

/// The variable that names the profiles file, overriding the default place.
pub const ENV_PROFILES: &str = "MIBSCOPE_PROFILES";

/// One named agent.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The table's name (`[agents.NAME]`).
    #[serde(skip)]
    pub name: String,
    /// Net-SNMP agent syntax: `host`, `host:port`, `udp:host:port`, `udp6:[::1]:161`.
    pub address: String,
    /// "1", "2c" or "3".
    pub version: Option<String>,
    /// The community itself (a secret), or `community_env`: the variable holding it.
    pub community: Option<String>,
    pub community_env: Option<String>,
    pub user: Option<String>,
    /// noAuthNoPriv, authNoPriv or authPriv (default: what the secrets allow).
    pub level: Option<String>,
    pub auth_protocol: Option<String>,
    pub auth_passphrase: Option<String>,
    pub auth_passphrase_env: Option<String>,
    pub priv_protocol: Option<String>,
    pub priv_passphrase: Option<String>,
    pub priv_passphrase_env: Option<String>,
    pub context: Option<String>,
    pub engine_id: Option<String>,
    pub context_engine_id: Option<String>,
    /// Seconds to wait for each reply.
    pub timeout: Option<f64>,
    pub retries: Option<u32>,
    /// Free-form labels (site, role, ...), for grouping and for exported metrics.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("address", &self.address)
            .field("version", &self.version)
            .field("community", &redact(&self.community))
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("auth_passphrase", &redact(&self.auth_passphrase))
            .field("priv_protocol", &self.priv_protocol)
            .field("priv_passphrase", &redact(&self.priv_passphrase))
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

impl Profile {
    fn holds_secrets(&self) -> bool {
        self.community.is_some() || self.auth_passphrase.is_some() || self.priv_passphrase.is_some()
    }

    /// What is wrong with it before any network use, if anything.
    fn check(&self) -> Result<(), ProfileProblem> {
        AgentSpec::parse(&self.address, DEFAULT_PORT).map_err(ProfileProblem::Address)?;
        if let Some(v) = &self.version {
            if !matches!(v.as_str(), "1" | "2c" | "2" | "3") {
                return Err(ProfileProblem::Version(v.clone()));
            }
        }
        if let Some(t) = self.timeout {
            if !(t.is_finite() && t > 0.0 && t < 86_400.0) {
                return Err(ProfileProblem::Timeout(t));
            }
        }
        Ok(())
    }

    /// The options this profile gives, secrets named by `*_env` read from `defaults`'
    /// environment (an unset one is a warning: snmp.conf or a prompt may supply it).
    pub fn target_options(&self, defaults: &Defaults) -> (TargetOptions, Vec<Warning>) {
        let mut warnings = Vec::new();
        let mut secret = |inline: &Option<String>, var: &Option<String>| {
            inline.clone().or_else(|| {
                let var = var.as_ref()?;
                let value = defaults.var(var);
                if value.is_none() {
                    warnings.push(Warning::SecretVariableUnset {
                        profile: self.name.clone(),
                        variable: var.clone(),
                    });
                }
                value
            })
        };
        let community = secret(&self.community, &self.community_env);
        let auth_passphrase = secret(&self.auth_passphrase, &self.auth_passphrase_env);
        let priv_passphrase = secret(&self.priv_passphrase, &self.priv_passphrase_env);
        let base = TargetOptions::default();
        let options = TargetOptions {
            agent: self.address.clone(),
            version: self.version.clone(),
            community,
            timeout: self.timeout.map_or(base.timeout, Duration::from_secs_f64),
            retries: self.retries.unwrap_or(base.retries),
            lookup_limit: base.lookup_limit,
            usm: UsmOptions {
                user: self.user.clone(),
                level: self.level.clone(),
                auth_protocol: self.auth_protocol.clone(),
                auth_passphrase,
                priv_protocol: self.priv_protocol.clone(),
                priv_passphrase,
                engine_id: self.engine_id.clone(),
                context_engine_id: self.context_engine_id.clone(),
                context: self.context.clone(),
                ..UsmOptions::default()
            },
        };
        (options, warnings)
    }
}

/// Why the profiles file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Syntax {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{}: profile {profile}: {problem}", path.display())]
    Invalid {
        path: PathBuf,
        profile: String,
        problem: ProfileProblem,
    },
}

/// What is wrong with one profile.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProfileProblem {
    #[error("address: {0}")]
    Address(AddressError),
    #[error("version \"{0}\": use \"1\", \"2c\" or \"3\"")]
    Version(String),
    #[error("timeout {0}: give seconds, more than 0")]
    Timeout(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    agents: BTreeMap<String, Profile>,
}

/// The profiles of one file, by name.
#[derive(Debug, Default)]
pub struct Profiles {
    path: Option<PathBuf>,
    agents: BTreeMap<String, Profile>,
    warnings: Vec<Warning>,
}

impl Profiles {
    /// Where the profiles file is: `$MIBSCOPE_PROFILES`, else
    /// `$XDG_CONFIG_HOME/mibscope/profiles.toml`, else `$HOME/.config/mibscope/profiles.toml`.
    pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
        let set = |k: &str| env(k).filter(|v| !v.is_empty());
        if let Some(p) = set(ENV_PROFILES) {
            return Some(PathBuf::from(p));
        }
        let config = match set("XDG_CONFIG_HOME") {
            Some(x) => PathBuf::from(x),
            None => Path::new(&set("HOME")?).join(".config"),
        };
        Some(config.join("mibscope").join("profiles.toml"))
    }

    /// The profiles at the default place; none (not an error) when there is no file there.
    pub fn load_default() -> Result<Profiles, ProfileError> {
        match Profiles::default_path(&|k| std::env::var(k).ok()) {
            Some(path) if path.exists() => Profiles::load(&path),
            _ => Ok(Profiles::default()),
        }
    }

    /// The profiles of the file at `path`.
    pub fn load(path: &Path) -> Result<Profiles, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut profiles = Profiles::parse(path, &text)?;
        if profiles.agents.values().any(Profile::holds_secrets) {
            if let Some(mode) = super::snmpconf::others_can_read(path) {
                profiles.warnings.push(Warning::SecretsReadableByOthers {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        Ok(profiles)
    }

    /// The profiles in `text` (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Profiles, ProfileError> {
        let file: File = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        let mut agents = file.agents;
        for (name, profile) in &mut agents {
            profile.name.clone_from(name);
            profile.check().map_err(|problem| ProfileError::Invalid {
                path: path.to_path_buf(),
                profile: name.clone(),
                problem,
            })?;
        }
        Ok(Profiles {
            path: Some(path.to_path_buf()),
            agents,
            warnings: Vec::new(),
        })
    }

    /// The file these came from.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.agents.get(name)
    }

    /// Every profile, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.agents.values()
    }

    pub fn len(&self) -> usize {
        self.agents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
    }

    /// What is worth telling the user about the file (secrets readable by others).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::engine::Security;
    use crate::proto::usm::SecurityLevel;
    use crate::session::{Secret, SessionError, SnmpConf};

    const FILE: &str = r#"
[agents.core-sw1]
address = "udp:127.0.0.1:1161"
version = "3"
user = "monitor"
auth_protocol = "SHA-256"
auth_passphrase_env = "CORE_AUTH"
priv_protocol = "AES"
priv_passphrase_env = "CORE_PRIV"
timeout = 2.5
retries = 2
labels = { site = "par1", role = "core" }

[agents.lab]
address = "127.0.0.1:1162"
version = "2c"
community = "lab-community"
"#;

    fn env(vars: &'static [(&'static str, &'static str)]) -> Defaults {
        Defaults::new(SnmpConf::default(), move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[tokio::test]
    async fn profiles_become_targets_by_the_command_line_rules() {
        let p = Profiles::parse(Path::new("profiles.toml"), FILE).unwrap();
        assert_eq!(p.len(), 2);
        let core = p.get("core-sw1").unwrap();
        assert_eq!(core.labels.get("site").map(String::as_str), Some("par1"));
        let d = env(&[
            ("CORE_AUTH", "core-authpass"),
            ("CORE_PRIV", "core-privpass"),
        ]);
        let (options, warnings) = core.target_options(&d);
        assert!(warnings.is_empty());
        let t = d.target(&options).await.unwrap();
        assert_eq!(t.addr, "127.0.0.1:1161".parse().unwrap());
        assert_eq!(t.timeout, Duration::from_millis(2500));
        assert_eq!(t.retries, 2);
        let Security::Usm(usm) = &t.security else {
            panic!("{t:?}")
        };
        assert_eq!(
            usm.level,
            SecurityLevel::AuthPriv,
            "level follows the secrets"
        );
        let lab = p.get("lab").unwrap();
        let t = env(&[])
            .target(&lab.target_options(&env(&[])).0)
            .await
            .unwrap();
        let Security::Community { community, .. } = &t.security else {
            panic!()
        };
        assert_eq!(community.as_bytes(), b"lab-community");
        assert_eq!(t.retries, 5, "Net-SNMP's default");
    }

    #[tokio::test]
    async fn an_omitted_secret_is_a_typed_error_a_ui_can_prompt_for() {
        let p = Profiles::parse(Path::new("p.toml"), FILE).unwrap();
        let core = p.get("core-sw1").unwrap();
        let d = env(&[("CORE_AUTH", "core-authpass")]);
        let (mut options, warnings) = core.target_options(&d);
        assert_eq!(
            warnings,
            vec![Warning::SecretVariableUnset {
                profile: "core-sw1".into(),
                variable: "CORE_PRIV".into()
            }]
        );
        // Without a privacy secret the level defaults to authNoPriv; asking for authPriv
        // names the missing secret.
        options.usm.level = Some("authPriv".into());
        match d.target(&options).await {
            Err(SessionError::MissingSecret {
                secret: Secret::PrivPassphrase,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        options.usm.priv_passphrase = Some("typed-at-prompt".into());
        assert!(d.target(&options).await.is_ok());
    }

    #[test]
    fn mistakes_name_the_file_and_the_profile() {
        for (text, needle) in [
            (
                "[agents.a]\naddress = \"h\"\nverison = \"2c\"\n",
                "unknown field `verison`",
            ),
            (
                "[agents.a]\naddress = \"tcp:h:161\"\n",
                "p.toml: profile a: address",
            ),
            (
                "[agents.a]\naddress = \"h\"\nversion = \"4\"\n",
                "profile a: version \"4\"",
            ),
            (
                "[agents.a]\naddress = \"h\"\ntimeout = -1.0\n",
                "timeout -1",
            ),
            ("[agents.a\n", "p.toml"),
        ] {
            let e = Profiles::parse(Path::new("p.toml"), text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn a_file_with_secrets_readable_by_others_is_flagged_and_debug_redacts() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("mibscope-profiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("profiles.toml");
        std::fs::write(&path, FILE).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let p = Profiles::load(&path).unwrap();
        assert_eq!(
            p.warnings(),
            [Warning::SecretsReadableByOthers {
                path: path.clone(),
                mode: 0o644
            }]
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Profiles::load(&path).unwrap().warnings().is_empty());
        let debug = format!("{:?}", p.get("lab").unwrap());
        assert!(
            !debug.contains("lab-community") && debug.contains("<redacted>"),
            "{debug}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_file_is_found_where_xdg_says() {
        let path = |vars: &'static [(&'static str, &'static str)]| {
            Profiles::default_path(&|k| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(
            path(&[("HOME", "/home/u")]),
            Some(PathBuf::from("/home/u/.config/mibscope/profiles.toml"))
        );
        assert_eq!(
            path(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "/cfg")]),
            Some(PathBuf::from("/cfg/mibscope/profiles.toml"))
        );
        assert_eq!(
            path(&[("XDG_CONFIG_HOME", "/cfg"), (ENV_PROFILES, "/etc/p.toml")]),
            Some(PathBuf::from("/etc/p.toml"))
        );
        assert_eq!(path(&[]), None);
    }
}
