//! snmp_exporter's `generator.yml`, read as it is: the module definitions a user already
//! has (walk lists with MIB names, lookups, overrides, filters, walk parameters) and the
//! credentials (`auths:` since snmp_exporter 0.23; an `auth:` and `version:` inside each
//! module before that). Unknown keys are errors, as the generator's strict YAML reading
//! makes them, so a typo never silently drops a setting.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Yaml {
        path: String,
        source: serde_norway::Error,
    },
    #[error("{path}: {what}")]
    Invalid { path: String, what: String },
}

/// A secret from the file: community strings and passphrases. Never printed.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "<secret>"
        })
    }
}

/// One entry of `auths:` (or a 0.21-style module `auth:`), with snmp_exporter's defaults:
/// community `public`, version 2, noAuthNoPriv, MD5, DES.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub community: Secret,
    pub security_level: String,
    pub username: String,
    pub password: Secret,
    pub auth_protocol: String,
    pub priv_protocol: String,
    pub priv_password: Secret,
    pub context_name: String,
    pub version: u8,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            community: Secret::new("public"),
            security_level: "noAuthNoPriv".into(),
            username: String::new(),
            password: Secret::default(),
            auth_protocol: "MD5".into(),
            priv_protocol: "DES".into(),
            priv_password: Secret::default(),
            context_name: String::new(),
            version: 2,
        }
    }
}

impl AuthConfig {
    /// The session options these credentials stand for (the agent is filled in later).
    pub fn target_options(&self) -> crate::session::TargetOptions {
        use crate::session::{TargetOptions, UsmOptions};
        let v3 = self.version == 3;
        let auth = v3 && self.security_level != "noAuthNoPriv";
        let privacy = v3 && self.security_level == "authPriv";
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        TargetOptions {
            version: Some(
                match self.version {
                    1 => "1",
                    3 => "3",
                    _ => "2c",
                }
                .to_string(),
            ),
            community: (!v3).then(|| self.community.expose().to_string()),
            usm: if v3 {
                UsmOptions {
                    user: Some(self.username.clone()),
                    level: Some(self.security_level.clone()),
                    auth_protocol: auth.then(|| self.auth_protocol.clone()),
                    auth_passphrase: auth.then(|| self.password.expose().to_string()),
                    priv_protocol: privacy.then(|| self.priv_protocol.clone()),
                    priv_passphrase: privacy.then(|| self.priv_password.expose().to_string()),
                    context: some(&self.context_name),
                    ..UsmOptions::default()
                }
            } else {
                UsmOptions::default()
            },
            ..TargetOptions::default()
        }
    }

    /// snmp_exporter's checks (config.go `Auth.UnmarshalYAML`), with the option to fix.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3).contains(&self.version) {
            return Err(format!(
                "SNMP version must be 1, 2 or 3, not {}",
                self.version
            ));
        }
        if self.version != 3 {
            return Ok(());
        }
        let level = self.security_level.as_str();
        if !matches!(level, "noAuthNoPriv" | "authNoPriv" | "authPriv") {
            return Err(format!(
                "security_level must be noAuthNoPriv, authNoPriv or authPriv, not '{level}'"
            ));
        }
        if level == "authPriv" {
            if self.priv_password.is_empty() {
                return Err("security_level authPriv needs priv_password".into());
            }
            if !matches!(
                self.priv_protocol.as_str(),
                "DES" | "AES" | "AES192" | "AES192C" | "AES256" | "AES256C"
            ) {
                return Err(format!(
                    "priv_protocol must be DES, AES, AES192, AES192C, AES256 or AES256C, not '{}'",
                    self.priv_protocol
                ));
            }
        }
        if level != "noAuthNoPriv" {
            if self.password.is_empty() {
                return Err(format!("security_level {level} needs password"));
            }
            if !matches!(
                self.auth_protocol.as_str(),
                "MD5" | "SHA" | "SHA224" | "SHA256" | "SHA384" | "SHA512"
            ) {
                return Err(format!(
                    "auth_protocol must be MD5, SHA, SHA224, SHA256, SHA384 or SHA512, not '{}'",
                    self.auth_protocol
                ));
            }
        }
        if self.username.is_empty() {
            return Err("SNMPv3 needs username".into());
        }
        Ok(())
    }
}

/// `lookups:` entry: replace (or add to) index labels by the value of another object at
/// the same index.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LookupConfig {
    pub source_indexes: Vec<String>,
    pub lookup: String,
    #[serde(default)]
    pub drop_source_indexes: bool,
    #[serde(default)]
    pub display_hint: String,
}

/// `regex_extracts:` entry.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegexExtractConfig {
    pub regex: String,
    #[serde(default = "default_extract_value")]
    pub value: String,
}

fn default_extract_value() -> String {
    "$1".into()
}

/// `overrides:` entry for one metric (by name or OID).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OverrideConfig {
    pub ignore: bool,
    pub regex_extracts: BTreeMap<String, Vec<RegexExtractConfig>>,
    pub datetime_pattern: String,
    pub offset: f64,
    pub scale: f64,
    #[serde(rename = "type")]
    pub type_: String,
    pub help: String,
    pub name: String,
    pub display_hint: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Filters {
    #[serde(rename = "static")]
    pub static_: Vec<StaticFilter>,
    pub dynamic: Vec<DynamicFilter>,
}

/// Walk only these indices of the targets.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct StaticFilter {
    pub targets: Vec<String>,
    pub indices: Vec<String>,
}

/// At scrape time, walk `oid` and fetch the targets only at the indices whose value
/// matches one of `values`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DynamicFilter {
    pub oid: String,
    pub targets: Vec<String>,
    pub values: Vec<String>,
}

/// One module of `generator.yml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModuleConfig {
    pub walk: Vec<String>,
    pub lookups: Vec<LookupConfig>,
    pub overrides: BTreeMap<String, OverrideConfig>,
    pub filters: Filters,
    pub max_repetitions: Option<u32>,
    pub retries: Option<u32>,
    pub timeout: Option<GoDuration>,
    pub use_unconnected_udp_socket: bool,
    pub allow_nonincreasing_oids: bool,
    /// snmp_exporter before 0.23: the SNMP version of the module.
    pub version: Option<u8>,
    /// snmp_exporter before 0.23: the module's credentials.
    pub auth: Option<AuthConfig>,
}

/// A Go `time.Duration` as YAML writes it: `5s`, `500ms`, `1m30s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoDuration(pub Duration);

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_go_duration(&text).map(GoDuration).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{text}' is not a duration (like 5s, 500ms or 1m30s)"
            ))
        })
    }
}

/// Parses Go's duration syntax: a sequence of decimal numbers with units ns, us, ms, s, m, h.
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * scale;
        any = true;
    }
    (any && total.is_finite() && total < 1e9).then(|| Duration::from_secs_f64(total))
}

/// The whole `generator.yml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeneratorConfig {
    pub auths: BTreeMap<String, AuthConfig>,
    pub modules: BTreeMap<String, ModuleConfig>,
    pub version: Option<u32>,
}

/// The metric types an override may name (generator `metricType` returning itself).
pub const OVERRIDE_TYPES: &[&str] = &[
    "gauge",
    "counter",
    "OctetString",
    "Bits",
    "InetAddressIPv4",
    "InetAddressIPv6",
    "InetAddress",
    "InetAddressMissingSize",
    "LldpPortId",
    "PhysAddress48",
    "DisplayString",
    "Float",
    "Double",
    "DateAndTime",
    "ParseDateAndTime",
    "NTPTimeStamp",
    "EnumAsInfo",
    "EnumAsStateSet",
];

/// Reads a YAML file: its text and how errors name it.
pub fn read_file(path: &Path) -> Result<(String, String), ConfigError> {
    let shown = path.display().to_string();
    std::fs::read_to_string(path)
        .map(|text| (text, shown.clone()))
        .map_err(|source| ConfigError::Read {
            path: shown,
            source,
        })
}

/// Parses YAML into `T` (whose serde attributes refuse unknown keys); `origin` names the
/// text in errors. Also returns the maker of `Invalid` errors for the checks that follow.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
) -> Result<(T, impl Fn(String) -> ConfigError), ConfigError> {
    let value = serde_norway::from_str(text).map_err(|source| ConfigError::Yaml {
        path: origin.to_string(),
        source,
    })?;
    let origin = origin.to_string();
    Ok((value, move |what| ConfigError::Invalid {
        path: origin.clone(),
        what,
    }))
}

impl GeneratorConfig {
    /// Reads and checks a `generator.yml`.
    pub fn load(path: &Path) -> Result<GeneratorConfig, ConfigError> {
        let (text, shown) = read_file(path)?;
        GeneratorConfig::parse(&text, &shown)
    }

    /// Parses and checks the text of a `generator.yml`; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<GeneratorConfig, ConfigError> {
        let (config, invalid): (GeneratorConfig, _) = parse_yaml(text, origin)?;
        if config.modules.is_empty() {
            return Err(invalid(
                "no modules: the file needs a 'modules:' map (snmp_exporter's generator.yml)"
                    .into(),
            ));
        }
        for (name, auth) in &config.auths {
            auth.validate()
                .map_err(|e| invalid(format!("auths.{name}: {e}")))?;
        }
        for (name, module) in &config.modules {
            let at = |e: String| invalid(format!("modules.{name}: {e}"));
            if let Some(auth) = &module.auth {
                let mut auth = auth.clone();
                auth.version = module.version.unwrap_or(auth.version);
                auth.validate().map_err(|e| at(format!("auth: {e}")))?;
            }
            if let Some(v) = module.version {
                if !(1..=3).contains(&v) {
                    return Err(at(format!("SNMP version must be 1, 2 or 3, not {v}")));
                }
            }
            for (metric, o) in &module.overrides {
                if !o.type_.is_empty() && !OVERRIDE_TYPES.contains(&o.type_.as_str()) {
                    return Err(at(format!(
                        "overrides.{metric}: invalid metric type override '{}' (one of {})",
                        o.type_,
                        OVERRIDE_TYPES.join(", ")
                    )));
                }
                for (suffix, extracts) in &o.regex_extracts {
                    for e in extracts {
                        regex_lite::Regex::new(&e.regex).map_err(|err| {
                            at(format!(
                                "overrides.{metric}.regex_extracts.{suffix}: bad regex '{}': {err}",
                                e.regex
                            ))
                        })?;
                    }
                }
            }
            for f in &module.filters.static_ {
                for i in &f.indices {
                    if i.parse::<i64>().is_err() {
                        return Err(at(format!(
                            "filters.static: invalid index '{i}': an index must be an integer"
                        )));
                    }
                }
            }
            for f in &module.filters.dynamic {
                for v in &f.values {
                    regex_lite::Regex::new(v)
                        .map_err(|err| at(format!("filters.dynamic: bad regex '{v}': {err}")))?;
                }
            }
        }
        Ok(config)
    }

    /// The credentials by name: `auths:` plus snmp_exporter's stock `public_v1` and
    /// `public_v2` when the file does not define them.
    pub fn auths(&self) -> BTreeMap<String, AuthConfig> {
        let mut auths = self.auths.clone();
        for (name, version) in [("public_v1", 1), ("public_v2", 2)] {
            auths.entry(name.to_string()).or_insert_with(|| AuthConfig {
                version,
                ..AuthConfig::default()
            });
        }
        auths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_generations_of_the_format() {
        let new = "auths:\n  v3:\n    version: 3\n    username: u\n    security_level: authPriv\n    password: authpass1\n    priv_password: privpass1\n    auth_protocol: SHA\n    priv_protocol: AES\nmodules:\n  if_mib:\n    walk: [sysUpTime, interfaces]\n    max_repetitions: 10\n    timeout: 1m30s\n";
        let c = GeneratorConfig::parse(new, "g.yml").unwrap();
        let m = &c.modules["if_mib"];
        assert_eq!(m.walk, ["sysUpTime", "interfaces"]);
        assert_eq!(m.max_repetitions, Some(10));
        assert_eq!(m.timeout, Some(GoDuration(Duration::from_secs(90))));
        assert_eq!(c.auths()["v3"].version, 3);
        assert_eq!(c.auths()["public_v2"].community.expose(), "public");
        let old = "modules:\n  apcups:\n    version: 1\n    walk: [sysUpTime]\n    auth:\n      community: secret1\n";
        let c = GeneratorConfig::parse(old, "g.yml").unwrap();
        let m = &c.modules["apcups"];
        assert_eq!(m.version, Some(1));
        assert_eq!(m.auth.as_ref().unwrap().community.expose(), "secret1");
        assert!(
            !format!("{c:?}").contains("secret1"),
            "secrets stay out of Debug"
        );
    }

    #[test]
    fn mistakes_are_named() {
        for (text, needle) in [
            ("modules:\n  m:\n    walkk: [a]\n", "unknown field `walkk`"),
            ("modules: {}\n", "no modules"),
            (
                "modules:\n  m:\n    overrides:\n      x:\n        type: Gauge\n",
                "invalid metric type override 'Gauge'",
            ),
            ("modules:\n  m:\n    timeout: soon\n", "not a duration"),
            (
                "modules:\n  m:\n    filters:\n      static:\n        - targets: [a]\n          indices: [x]\n",
                "invalid index 'x'",
            ),
            (
                "auths:\n  a:\n    version: 3\n    security_level: authNoPriv\n    username: u\nmodules:\n  m: {}\n",
                "auths.a: security_level authNoPriv needs password",
            ),
            (
                "auths:\n  a:\n    version: 4\nmodules:\n  m: {}\n",
                "version must be 1, 2 or 3",
            ),
            (
                "modules:\n  m:\n    overrides:\n      x:\n        regex_extracts:\n          T:\n            - regex: '('\n",
                "bad regex",
            ),
        ] {
            let err = GeneratorConfig::parse(text, "g.yml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{text}: {err}");
            assert!(err.starts_with("g.yml"), "{err}");
        }
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_go_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        for bad in ["", "5", "s", "5x", "-1s"] {
            assert_eq!(parse_go_duration(bad), None, "{bad}");
        }
    }
}
