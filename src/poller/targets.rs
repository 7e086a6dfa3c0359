//! The poller's targets file (YAML): agents with their credentials or the name of an
//! `auths:` entry (snmp_exporter's format, so one file of credentials serves both), labels
//! to carry into each line, and what to poll besides the system group and interfaces.
//!
//! ```yaml
//! interval: 10s
//! objects: [hrProcessorLoad, 1.3.6.1.4.1.2021.10.1.3]   # extra columns or scalars, walked
//! auths:                     # or `profile: NAME` on a target: a profiles.toml agent
//!   core_v3: { version: 3, username: poller, security_level: authPriv,
//!              password: ..., priv_password: ..., auth_protocol: SHA, priv_protocol: AES }
//! targets:
//!   - agent: udp:192.0.2.1:161
//!     community: public            # v2c unless `version: 1`
//!     labels: { site: ams, role: access }
//!   - agent: core1.example.net
//!     auth: core_v3
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::exporter::config::{AuthConfig, GoDuration, Secret};

/// Why the targets file cannot be used (the same errors as the exporter's configuration).
pub type TargetsError = crate::exporter::config::ConfigError;

/// One agent to poll.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    /// Net-SNMP agent syntax; may be left out with `profile`, which has an address.
    #[serde(default)]
    pub agent: Option<String>,
    /// A named agent profile (profiles.toml: address, credentials, labels).
    #[serde(default)]
    pub profile: Option<String>,
    /// The name of an `auths:` entry.
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub community: Option<Secret>,
    /// 1 or 2 (for 2c) with `community`.
    #[serde(default)]
    pub version: Option<u8>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Per-attempt timeout and retries (defaults: the file's, else 2 s and 2).
    #[serde(default)]
    pub timeout: Option<GoDuration>,
    #[serde(default)]
    pub retries: Option<u32>,
}

impl TargetEntry {
    /// How lines name this agent: its address as written, else its profile.
    pub fn name(&self) -> &str {
        self.agent
            .as_deref()
            .or(self.profile.as_deref())
            .unwrap_or_default()
    }
}

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetsFile {
    pub interval: Option<GoDuration>,
    pub timeout: Option<GoDuration>,
    pub retries: Option<u32>,
    pub max_repetitions: Option<u32>,
    /// Objects (MIB names or OIDs) walked besides the system group and interfaces.
    pub objects: Vec<String>,
    pub auths: BTreeMap<String, AuthConfig>,
    pub targets: Vec<TargetEntry>,
}

impl TargetsFile {
    pub fn load(path: &Path) -> Result<TargetsFile, TargetsError> {
        let (text, shown) = crate::exporter::config::read_file(path)?;
        TargetsFile::parse(&text, &shown)
    }

    pub fn parse(text: &str, origin: &str) -> Result<TargetsFile, TargetsError> {
        let (file, invalid): (TargetsFile, _) = crate::exporter::config::parse_yaml(text, origin)?;
        if file.targets.is_empty() {
            return Err(invalid(
                "no targets: give a 'targets:' list of agents".into(),
            ));
        }
        for (name, auth) in &file.auths {
            auth.validate()
                .map_err(|e| invalid(format!("auths.{name}: {e}")))?;
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in file.targets.iter().enumerate() {
            let at = |e: String| invalid(format!("targets[{i}] ({}): {e}", t.name()));
            if t.name().trim().is_empty() {
                return Err(at("give an agent address or a profile".into()));
            }
            if !seen.insert(t.name().to_string()) {
                return Err(at("listed twice".into()));
            }
            let credentials = [t.auth.is_some(), t.community.is_some(), t.profile.is_some()];
            if credentials.iter().filter(|c| **c).count() > 1 {
                return Err(at("give one of auth, community or profile".into()));
            }
            match (&t.auth, &t.community) {
                (Some(a), None) if !file.auths.contains_key(a) => {
                    return Err(at(format!("auth '{a}' is not in auths:")));
                }
                _ => {}
            }
            if let Some(v) = t.version {
                if !(1..=2).contains(&v) {
                    return Err(at(format!(
                        "version {v} with a community: 1 or 2; SNMPv3 goes through auths:"
                    )));
                }
            }
        }
        Ok(file)
    }

    /// The credentials of one target: its `auth:` entry, else its community (v2c unless
    /// version 1), else `public` v2c.
    pub fn auth_of(&self, t: &TargetEntry) -> AuthConfig {
        if let Some(a) = t.auth.as_ref().and_then(|a| self.auths.get(a)) {
            return a.clone();
        }
        AuthConfig {
            community: t.community.clone().unwrap_or_else(|| Secret::new("public")),
            version: t.version.unwrap_or(2),
            ..AuthConfig::default()
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval.map_or(Duration::from_secs(10), |d| d.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_with_auths_and_labels() {
        let f = TargetsFile::parse(
            "interval: 5s\nauths:\n  v3:\n    version: 3\n    username: u\n    security_level: authNoPriv\n    password: authpass1\ntargets:\n  - agent: udp:127.0.0.1:1161\n    community: secret1\n    labels: {site: ams}\n  - agent: 127.0.0.1:1162\n    auth: v3\n",
            "t.yml",
        )
        .unwrap();
        assert_eq!(f.interval(), Duration::from_secs(5));
        assert_eq!(f.auth_of(&f.targets[0]).community.expose(), "secret1");
        assert_eq!(f.auth_of(&f.targets[1]).version, 3);
        assert_eq!(f.targets[0].labels["site"], "ams");
        assert_eq!(f.targets[1].name(), "127.0.0.1:1162");
        assert!(!format!("{f:?}").contains("secret1"));
    }

    #[test]
    fn mistakes_are_named() {
        for (text, needle) in [
            ("targets: []\n", "no targets"),
            (
                "targets:\n  - agent: a\n    auth: nope\n",
                "auth 'nope' is not in auths",
            ),
            ("targets:\n  - agent: a\n  - agent: a\n", "listed twice"),
            (
                "targets:\n  - agent: a\n    version: 3\n",
                "SNMPv3 goes through auths",
            ),
            ("targets:\n  - agnet: a\n", "unknown field `agnet`"),
        ] {
            let e = TargetsFile::parse(text, "t.yml").unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
