//! The secret types: key bytes that print as `<redacted>` in Debug and are overwritten with
//! zeros when dropped (best effort, without `unsafe`), and the pass phrase and key forms users
//! give (`-A`/`-X`, `-3m`/`-3M`, `-3k`/`-3K`) checked as they are made.

use std::fmt;

use super::{KeyError, MIN_PASSPHRASE_LEN};

/// Key bytes: redacted in `Debug`, zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret(pub(super) Vec<u8>);

impl Secret {
    pub(super) fn truncate(&mut self, len: usize) {
        if len < self.0.len() {
            self.0[len..].fill(0);
            self.0.truncate(len);
        }
    }

    /// Appends without leaving a copy behind in a reallocated buffer.
    pub(super) fn extend(&mut self, more: &[u8]) {
        if self.0.capacity() < self.0.len() + more.len() {
            let mut bigger = Vec::with_capacity(self.0.len() + more.len());
            bigger.extend_from_slice(&self.0);
            wipe(&mut self.0);
            self.0 = bigger;
        }
        self.0.extend_from_slice(more);
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

pub(super) fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
    // Keeps the stores from being optimised away as dead (no `unsafe` volatile writes here).
    std::hint::black_box(&bytes);
}

fn parse_hex(what: &'static str, text: &str) -> Result<Secret, KeyError> {
    match crate::proto::hex::decode(text) {
        Ok(bytes) if !bytes.is_empty() => Ok(Secret(bytes)),
        _ => Err(KeyError::BadHex { what }),
    }
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(pub(super) Secret);

        impl $name {
            /// The secret bytes; never log them.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0 .0
            }

            pub fn len(&self) -> usize {
                self.0 .0.len()
            }

            pub fn is_empty(&self) -> bool {
                self.0 .0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted, {} bytes>)", stringify!($name), self.len())
            }
        }
    };
}

secret_type!(
    /// A user's pass phrase (`-A`, `-X`), at least 8 characters.
    Passphrase
);
secret_type!(
    /// Ku: the digest of the expanded pass phrase, before localization (`-3m`, `-3M`).
    MasterKey
);
secret_type!(
    /// Kul: a key localized to one authoritative engine id (`-3k`, `-3K`).
    LocalizedKey
);
secret_type!(
    /// The key material a privacy protocol uses: the localized privacy key, extended or
    /// truncated to the protocol's `key_len` (cipher key, plus the pre-IV for DES/3DES).
    PrivKey
);

impl Passphrase {
    /// `what` names the pass phrase in the error ("authentication", "privacy").
    pub fn new(what: &'static str, text: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let secret = Secret(text.into());
        let len = secret.0.len();
        if len < MIN_PASSPHRASE_LEN {
            return Err(KeyError::PassphraseTooShort { what, len });
        }
        Ok(Passphrase(secret))
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        MasterKey(Secret(bytes.into()))
    }

    /// Net-SNMP's `-3m`/`-3M` form: hex digits with an optional 0x.
    pub fn from_hex(what: &'static str, text: &str) -> Result<Self, KeyError> {
        parse_hex(what, text).map(MasterKey)
    }
}

impl LocalizedKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        LocalizedKey(Secret(bytes.into()))
    }

    /// Net-SNMP's `-3k`/`-3K` form: hex digits with an optional 0x.
    pub fn from_hex(what: &'static str, text: &str) -> Result<Self, KeyError> {
        parse_hex(what, text).map(LocalizedKey)
    }
}

impl PrivKey {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        PrivKey(Secret(bytes.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrases_are_refused() {
        for text in ["", "1234567"] {
            let err = Passphrase::new("authentication", text).unwrap_err();
            assert_eq!(
                err,
                KeyError::PassphraseTooShort {
                    what: "authentication",
                    len: text.len()
                }
            );
            assert!(err.to_string().contains("at least 8"), "{err}");
        }
        assert!(Passphrase::new("privacy", "12345678").is_ok());
    }
}
