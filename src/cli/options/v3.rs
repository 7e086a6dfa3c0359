//! The SNMPv3 option groups: [`V3Credentials`] (-u -l -a -A -x -X -e -3m -3M -3k -3K), which
//! the request commands and `decode` share, and [`V3Options`], the credentials with the
//! context and engine options only a request uses; both as `session::UsmOptions`, secrets
//! redacted in Debug.

use clap::Args;

use crate::proto::engine::KeyExtensionPolicy;
use crate::session::UsmOptions;

/// The SNMPv3 security options every command that speaks v3 takes (the request commands
/// and `decode`), as Net-SNMP spells them: -u -l -a -A -x -X -e and -3m -3M -3k -3K.
/// Passphrases can also come from $MIBSCOPE_AUTH_PASS / $MIBSCOPE_PRIV_PASS.
#[derive(Args, Clone, Default)]
pub struct V3Credentials {
    /// Security name (user; decode: default the message's msgUserName)
    #[arg(short = 'u', value_name = "USER")]
    pub user: Option<String>,
    /// Security level: noAuthNoPriv, authNoPriv or authPriv (default: the highest the given
    /// secrets allow; decode: check up to this level, default the message's)
    #[arg(short = 'l', value_name = "LEVEL")]
    pub level: Option<String>,
    /// Authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512 (decode:
    /// default each one whose digest has the message's length)
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub auth_protocol: Option<String>,
    /// Authentication passphrase (or $MIBSCOPE_AUTH_PASS, which keeps it off the process
    /// list)
    #[arg(
        short = 'A',
        value_name = "PASSPHRASE",
        env = "MIBSCOPE_AUTH_PASS",
        hide_env_values = true
    )]
    pub auth_passphrase: Option<String>,
    /// Privacy protocol: DES, 3DES, AES, AES-192, AES-256 (Blumenthal key extension),
    /// AES-192-C, AES-256-C (Reeder/Cisco key extension) (decode: default each in turn)
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub priv_protocol: Option<String>,
    /// Privacy passphrase (or $MIBSCOPE_PRIV_PASS)
    #[arg(
        short = 'X',
        value_name = "PASSPHRASE",
        env = "MIBSCOPE_PRIV_PASS",
        hide_env_values = true
    )]
    pub priv_passphrase: Option<String>,
    /// The agent's engine ID in hex: requests skip discovery; decode localizes the keys to
    /// it (default: the message's msgAuthoritativeEngineID)
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    pub engine_id: Option<String>,
    /// Authentication master key Ku in hex (Net-SNMP's -3m)
    #[arg(long, value_name = "HEX")]
    pub auth_master_key: Option<String>,
    /// Privacy master key in hex (Net-SNMP's -3M)
    #[arg(long, value_name = "HEX")]
    pub priv_master_key: Option<String>,
    /// Localized authentication key Kul in hex (Net-SNMP's -3k)
    #[arg(long, value_name = "HEX")]
    pub auth_localized_key: Option<String>,
    /// Localized privacy key in hex (Net-SNMP's -3K)
    #[arg(long, value_name = "HEX")]
    pub priv_localized_key: Option<String>,
    /// Set when -A was given on the command line (not from the environment): it selects
    /// SNMPv3 as the other v3 options do
    #[arg(long, hide = true)]
    pub auth_on_command_line: bool,
}

impl V3Credentials {
    /// These options as the session module's plain values (no context, no -Z).
    pub fn usm_options(&self) -> UsmOptions {
        UsmOptions {
            user: self.user.clone(),
            level: self.level.clone(),
            auth_protocol: self.auth_protocol.clone(),
            auth_passphrase: self.auth_passphrase.clone(),
            priv_protocol: self.priv_protocol.clone(),
            priv_passphrase: self.priv_passphrase.clone(),
            auth_master_key: self.auth_master_key.clone(),
            priv_master_key: self.priv_master_key.clone(),
            auth_localized_key: self.auth_localized_key.clone(),
            priv_localized_key: self.priv_localized_key.clone(),
            engine_id: self.engine_id.clone(),
            auth_passphrase_given: self.auth_on_command_line,
            ..UsmOptions::default()
        }
    }
}

impl std::fmt::Debug for V3Credentials {
    /// As `UsmOptions` shows them: secrets redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.usm_options().fmt(f)
    }
}

/// SNMPv3 options of the request commands: the shared credentials, and the context and
/// engine options only a request uses. Passphrases can also come from snmp.conf
/// (defAuthPassphrase, ...).
#[derive(Args, Clone, Default)]
pub struct V3Options {
    #[command(flatten)]
    pub credentials: V3Credentials,
    /// Context engine ID in hex (default: the agent's engine ID)
    #[arg(short = 'E', value_name = "ENGINE-ID")]
    pub context_engine_id: Option<String>,
    /// Context name
    #[arg(short = 'n', value_name = "CONTEXT")]
    pub context: Option<String>,
    /// The agent's boots and time, with -e
    #[arg(short = 'Z', value_name = "BOOTS,TIME")]
    pub boots_time: Option<String>,
    /// AES-192/256 key extension: as-named (AES-192 is Blumenthal, AES-192-C Reeder), or
    /// auto (on a privacy failure try the other one and say which worked)
    #[arg(long, value_name = "POLICY", default_value = "as-named", value_parser = ["as-named", "auto"])]
    pub aes_key_extension: String,
}

impl std::fmt::Debug for V3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("V3Options")
            .field("credentials", &self.credentials)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl V3Options {
    /// These options as the session module's plain values.
    pub fn usm_options(&self) -> UsmOptions {
        UsmOptions {
            context_engine_id: self.context_engine_id.clone(),
            context: self.context.clone(),
            boots_time: self.boots_time.clone(),
            key_extension: if self.aes_key_extension == "auto" {
                KeyExtensionPolicy::Auto
            } else {
                KeyExtensionPolicy::AsNamed
            },
            ..self.credentials.usm_options()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::CliError;
    use crate::proto::engine::UsmTarget;
    use crate::proto::usm::{EngineBoots, EngineTime, SecurityLevel};

    fn v3(args: &[&str]) -> Result<UsmTarget, CliError> {
        #[derive(clap::Parser)]
        struct T {
            #[command(flatten)]
            v3: V3Options,
        }
        let mut full = vec!["t"];
        full.extend_from_slice(args);
        let t = <T as clap::Parser>::try_parse_from(full)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Ok(crate::session::Defaults::none().usm_target(&t.v3.usm_options())?)
    }

    #[test]
    fn v3_options_and_their_defaults() {
        let t = v3(&[
            "-u",
            "alice",
            "-a",
            "SHA-256",
            "-A",
            "authpass1",
            "-x",
            "AES-256-C",
            "-X",
            "privpass1",
        ])
        .unwrap();
        assert_eq!(
            t.level,
            SecurityLevel::AuthPriv,
            "level follows the secrets given"
        );
        assert_eq!(
            t.credentials
                .auth_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("SHA-256")
        );
        assert_eq!(
            t.credentials
                .privacy_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("AES-256-C")
        );
        let t = v3(&["-u", "bob", "-A", "authpass1"]).unwrap();
        assert_eq!(t.level, SecurityLevel::AuthNoPriv);
        assert_eq!(
            t.credentials
                .auth_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("MD5")
        );
        let t = v3(&[
            "-u",
            "carol",
            "-e",
            "0x80001f8804616263",
            "-Z",
            "3,1200",
            "-n",
            "vrf1",
        ])
        .unwrap();
        assert_eq!(t.level, SecurityLevel::NoAuthNoPriv);
        assert_eq!(t.boots_time, Some((EngineBoots(3), EngineTime(1200))));
        assert_eq!(t.context_name, b"vrf1");
        assert!(t.engine_id.is_some());
    }

    #[test]
    fn v3_option_errors_say_what_to_do() {
        for (args, needle) in [
            (&["-A", "authpass1"][..], "-u USER"),
            (&["-u", "a", "-l", "authPriv", "-A", "authpass1"][..], "-X"),
            (&["-u", "a", "-l", "authNoPriv"][..], "-A"),
            (&["-u", "a", "-A", "short"][..], "at least 8"),
            (&["-u", "a", "-A", "authpass1", "-a", "SHA-3"][..], "SHA-3"),
            (
                &["-u", "a", "-l", "superPriv"][..],
                "noAuthNoPriv, authNoPriv or authPriv",
            ),
            (&["-u", "a", "-e", "0x12"][..], "5 to 32 bytes"),
            (&["-u", "a", "-Z", "5"][..], "BOOTS,TIME"),
        ] {
            let err = v3(args)
                .err()
                .unwrap_or_else(|| panic!("{args:?} accepted"))
                .to_string();
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let t = v3(&[
            "-u",
            "alice",
            "-A",
            "authpass-secret",
            "-X",
            "privpass-secret",
        ])
        .unwrap();
        let text = format!("{t:?}");
        assert!(!text.contains("secret"), "{text}");
        let opts = V3Options {
            credentials: V3Credentials {
                auth_passphrase: Some("authpass-secret".into()),
                priv_passphrase: Some("privpass-secret".into()),
                ..V3Credentials::default()
            },
            ..V3Options::default()
        };
        assert!(!format!("{opts:?}").contains("secret"));
    }
}
