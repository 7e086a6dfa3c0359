//! USM keys: password-to-key (RFC 3414 A.2.1 for MD5, A.2.2 for SHA-1, and the same
//! megabyte expansion for SHA-2 per RFC 7860 section 9.3), key localization (RFC 3414 section
//! 2.6), key extension for privacy protocols that need more key than the hash gives
//! (draft-blumenthal-aes-usm-04 section 3.1.2.1; draft-reeder-snmpv3-usm-3desede-00 section
//! 2.1), and a user's credentials with a per-engine cache of the keys derived from them.
//!
//! Secrets (`Passphrase`, `MasterKey`, `LocalizedKey`, `PrivKey`) print as `<redacted>` in
//! `Debug` and are overwritten with zeros when dropped (best effort, without `unsafe`).
//!
//! Here: the errors; the secret types in `secret`, the derivations in `derivation`, and a
//! user's credentials with their per-engine cache in `credentials`.

mod credentials;
mod derivation;
mod secret;

use super::auth::AuthError;
use super::privacy::PrivacyError;

pub use credentials::{Credentials, KeySource, UserKeys};
pub use derivation::{extend_blumenthal, extend_reeder, localize, password_to_key, privacy_key};
pub use secret::{LocalizedKey, MasterKey, Passphrase, PrivKey};

/// RFC 3414 section 11.2: pass phrases shorter than 8 characters are refused (Net-SNMP
/// enforces the same minimum, USM_LENGTH_P_MIN).
pub const MIN_PASSPHRASE_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the {what} passphrase is {len} characters long; SNMPv3 requires at least 8 (RFC 3414 section 11.2)"
    )]
    PassphraseTooShort { what: &'static str, len: usize },
    #[error(
        "the {what} key is not hexadecimal (expected an even number of hex digits, 0x optional)"
    )]
    BadHex { what: &'static str },
    #[error("the {what} key is {found} bytes long; {protocol} needs {expected}")]
    WrongKeyLength {
        what: &'static str,
        protocol: String,
        expected: usize,
        found: usize,
    },
    #[error("a privacy protocol needs an authentication protocol too (authPriv requires auth)")]
    PrivacyWithoutAuth,
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Privacy(#[from] PrivacyError),
}

#[cfg(test)]
mod credentials_tests;
