//! Option groups shared by every request subcommand, spelled as Net-SNMP's snmp_parse_args
//! spells them (-v -c -t -r -O -C -m -M), and what they turn into: a `Target`, output options,
//! and the application flags of `-C`.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::CliError;
use crate::net::resolve_agent;
use crate::output::OutputOptions;
use crate::proto::engine::{Security, Target};
use crate::proto::{Community, Oid, Version};

/// Who the agent is and how to reach it.
#[derive(Args, Debug, Clone)]
pub struct AgentOptions {
    /// SNMP version: 1 or 2c
    #[arg(short = 'v', value_name = "1|2c", default_value = "2c")]
    pub version: String,

    /// Community string (v1/v2c); also read from $MIBSCOPE_COMMUNITY, which keeps it off the
    /// process list
    #[arg(
        short = 'c',
        value_name = "COMMUNITY",
        env = "MIBSCOPE_COMMUNITY",
        hide_env_values = true
    )]
    pub community: Option<String>,

    /// Seconds to wait for each reply (fractions allowed)
    #[arg(short = 't', value_name = "SECONDS", default_value_t = 1.0)]
    pub timeout: f64,

    /// Retransmissions before giving up
    #[arg(short = 'r', value_name = "RETRIES", default_value_t = 5)]
    pub retries: u32,

    /// Agent: host, host:port, udp:host:port, udp6:[::1]:161
    #[arg(value_name = "AGENT")]
    pub agent: String,
}

impl AgentOptions {
    pub fn version(&self) -> Result<Version, CliError> {
        match self.version.as_str() {
            "1" => Ok(Version::V1),
            "2c" | "2" => Ok(Version::V2c),
            "3" => Err(CliError::Usage(
                "SNMPv3 (-v 3) is not available yet in this build; use -v 1 or -v 2c".into(),
            )),
            other => Err(CliError::Usage(format!(
                "Invalid version specified after -v flag: {other}"
            ))),
        }
    }

    pub fn target(&self) -> Result<Arc<Target>, CliError> {
        let version = self.version()?;
        let community = self
            .community
            .as_deref()
            .ok_or_else(|| CliError::Usage("No community name specified.".into()))?;
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout < 86_400.0) {
            return Err(CliError::Usage(format!(
                "bad timeout -t {}: give seconds, more than 0",
                self.timeout
            )));
        }
        let addr = resolve_agent(&self.agent).map_err(|e| CliError::Address(e.to_string()))?;
        Ok(Arc::new(Target {
            addr,
            security: Security::Community {
                version,
                community: Community::new(community.as_bytes()),
            },
            timeout: Duration::from_secs_f64(self.timeout),
            retries: self.retries,
        }))
    }
}

/// How results are printed.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output options (Net-SNMP letters): n f s S q Q v x a T t e U b E X
    #[arg(short = 'O', value_name = "OUTOPTS", action = clap::ArgAction::Append)]
    pub output: Vec<String>,

    /// One JSON object per varbind (oid, type, value, raw bytes for strings)
    #[arg(long)]
    pub json: bool,
}

impl OutputArgs {
    pub fn options(&self) -> Result<OutputOptions, CliError> {
        let mut o = OutputOptions {
            json: self.json,
            ..OutputOptions::default()
        };
        for letters in &self.output {
            o.apply_flags(letters)
                .map_err(|e| CliError::Usage(e.to_string()))?;
        }
        Ok(o)
    }
}

/// Where MIBs come from. Accepted for script compatibility; names arrive with the MIB
/// compiler, until then every OID is numeric.
#[derive(Args, Debug, Clone, Default)]
pub struct MibArgs {
    /// MIB modules to load (a list, or ALL)
    #[arg(short = 'm', value_name = "MIBS")]
    pub mibs: Option<String>,

    /// Directories to search for MIBs
    #[arg(short = 'M', value_name = "DIRS")]
    pub mib_dirs: Option<String>,
}

/// Parses an OID argument: numeric dotted text for now.
pub fn parse_oid(text: &str) -> Result<Oid, CliError> {
    text.parse::<Oid>().map_err(|e| {
        if text.chars().any(|c| c.is_ascii_alphabetic()) {
            CliError::Oid(format!(
                "{text}: Unknown Object Identifier (names need MIBs, which this build does not load yet; give the OID numerically)"
            ))
        } else {
            CliError::Oid(format!("{text}: {e}"))
        }
    })
}

/// Application flags given with `-C`, split into letters and their arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppFlag {
    Letter(char),
    Number(char, u32),
    Oid(char, Oid),
}

/// Parses `-C` arguments. `numeric` letters take a number right after them (`-Cr25`);
/// `oid` letters take an OID, attached or as the next word (`-CE .1.3.6.1`).
pub fn parse_app_flags(
    values: &[String],
    letters: &str,
    numeric: &str,
    oid: &str,
) -> Result<Vec<AppFlag>, CliError> {
    let mut flags = Vec::new();
    for value in values {
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if numeric.contains(c) {
                let digits: String = value[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let n = digits.parse::<u32>().map_err(|_| {
                    CliError::Usage(format!(
                        "-C{c} needs a number right after it, as in -C{c}10"
                    ))
                })?;
                flags.push(AppFlag::Number(c, n));
                for _ in 0..digits.len() {
                    chars.next();
                }
            } else if oid.contains(c) {
                let rest = &value[i + 1..];
                if rest.is_empty() {
                    return Err(CliError::Usage(format!("-C{c} needs an OID")));
                }
                flags.push(AppFlag::Oid(c, parse_oid(rest)?));
                break;
            } else if letters.contains(c) {
                flags.push(AppFlag::Letter(c));
            } else {
                return Err(CliError::Usage(format!("Unknown flag passed to -C: {c}")));
            }
        }
    }
    Ok(flags)
}

/// Net-SNMP takes the OID of `-CE` from the next word; join it so clap sees one value.
pub fn join_detached_app_oids(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "-CE" {
            if let Some(next) = iter.next() {
                out.push(format!("-CE{next}"));
                continue;
            }
        }
        out.push(arg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_flags() {
        let v = vec![
            "cr25".to_string(),
            "n1p".to_string(),
            "E.1.3.6.1.2".to_string(),
        ];
        let flags = parse_app_flags(&v, "cipItT", "rn", "E").unwrap();
        assert_eq!(
            flags,
            vec![
                AppFlag::Letter('c'),
                AppFlag::Number('r', 25),
                AppFlag::Number('n', 1),
                AppFlag::Letter('p'),
                AppFlag::Oid('E', "1.3.6.1.2".parse().unwrap()),
            ]
        );
        assert!(parse_app_flags(&["z".into()], "c", "", "").is_err());
        assert!(parse_app_flags(&["r".into()], "", "r", "").is_err());
    }

    #[test]
    fn detached_end_oid_is_joined() {
        let args: Vec<String> = ["walk", "-CE", ".1.3.6.1.2.1.2", "host"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            join_detached_app_oids(args),
            ["walk", "-CE.1.3.6.1.2.1.2", "host"]
        );
    }
}
