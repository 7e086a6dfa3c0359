//! USM authentication protocols: HMAC-MD5-96 and HMAC-SHA-96 (RFC 3414 sections 6 and 7) and
//! the HMAC-SHA-2 protocols of RFC 7860 (truncated to 16/24/32/48 bytes). Owns the protocol
//! enum (names as Net-SNMP spells them, usmHMAC*AuthProtocol OIDs), the hash functions the
//! key derivation uses, and computing, patching and constant-time verification of
//! msgAuthenticationParameters.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::proto::oid::Oid;

/// An authentication protocol (usmUserAuthProtocol). Open: an OID from outside (a MIB
/// value, a config file) that names no protocol we implement stays `Unknown`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum AuthProtocol {
    /// usmHMACMD5AuthProtocol, RFC 3414 section 6.
    Md5,
    /// usmHMACSHAAuthProtocol, RFC 3414 section 7.
    Sha1,
    /// usmHMAC128SHA224AuthProtocol, RFC 7860.
    Sha224,
    /// usmHMAC192SHA256AuthProtocol, RFC 7860.
    Sha256,
    /// usmHMAC256SHA384AuthProtocol, RFC 7860.
    Sha384,
    /// usmHMAC384SHA512AuthProtocol, RFC 7860.
    Sha512,
    Unknown(Oid),
}

/// usmNoAuthProtocol (RFC 3414 section 5).
pub const USM_NO_AUTH_PROTOCOL: [u32; 10] = [1, 3, 6, 1, 6, 3, 10, 1, 1, 1];
const AUTH_PROTOCOLS_ARC: [u32; 9] = [1, 3, 6, 1, 6, 3, 10, 1, 1];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error(
        "unknown authentication protocol '{0}': use MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512"
    )]
    UnknownName(String),
    #[error("authentication protocol {0} is not implemented")]
    Unsupported(Oid),
    #[error("msgAuthenticationParameters is {found} bytes long; {protocol} needs {expected}")]
    WrongLength {
        protocol: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("the HMAC does not match")]
    WrongDigest,
    #[error(
        "msgAuthenticationParameters at bytes {start}..{end} lie outside the {len}-byte message"
    )]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

impl AuthProtocol {
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// The name Net-SNMP's `-a` takes and prints.
    pub fn name(&self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
            AuthProtocol::Unknown(_) => "unknown",
        }
    }

    /// The usmHMAC*AuthProtocol OID (RFC 3414 section 5, RFC 7860 section 4.1).
    pub fn oid(&self) -> Oid {
        let last = match self {
            AuthProtocol::Md5 => 2,
            AuthProtocol::Sha1 => 3,
            AuthProtocol::Sha224 => 4,
            AuthProtocol::Sha256 => 5,
            AuthProtocol::Sha384 => 6,
            AuthProtocol::Sha512 => 7,
            AuthProtocol::Unknown(oid) => return oid.clone(),
        };
        Oid::from_slice(&AUTH_PROTOCOLS_ARC).child(&[last])
    }

    pub fn from_oid(oid: &Oid) -> AuthProtocol {
        match oid.suffix_after(&Oid::from_slice(&AUTH_PROTOCOLS_ARC)) {
            Some([2]) => AuthProtocol::Md5,
            Some([3]) => AuthProtocol::Sha1,
            Some([4]) => AuthProtocol::Sha224,
            Some([5]) => AuthProtocol::Sha256,
            Some([6]) => AuthProtocol::Sha384,
            Some([7]) => AuthProtocol::Sha512,
            _ => AuthProtocol::Unknown(oid.clone()),
        }
    }

    /// Length of the hash output, which is also the length of Ku and Kul.
    pub fn digest_len(&self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
            AuthProtocol::Unknown(_) => 0,
        }
    }

    /// Length of msgAuthenticationParameters: the truncated HMAC (RFC 3414 6.3.1 and 7.3.1:
    /// 12 bytes; RFC 7860 section 4.2.1: 16, 24, 32, 48).
    pub fn mac_len(&self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
            AuthProtocol::Unknown(_) => 0,
        }
    }

    pub(crate) fn ensure_known(&self) -> Result<(), AuthError> {
        match self {
            AuthProtocol::Unknown(oid) => Err(AuthError::Unsupported(oid.clone())),
            _ => Ok(()),
        }
    }

    /// H(parts[0] || parts[1] || ...) with this protocol's hash.
    pub(crate) fn hash(&self, parts: &[&[u8]]) -> Result<Vec<u8>, AuthError> {
        let mut h = Hasher::new(self)?;
        for p in parts {
            h.update(p);
        }
        Ok(h.finalize())
    }

    pub(crate) fn hasher(&self) -> Result<Hasher, AuthError> {
        Hasher::new(self)
    }

    /// The truncated HMAC of `message` with the bytes in `zeroed` taken as zeros: how RFC 3414
    /// 6.3.1 and 7.3.1 compute it over the whole message with msgAuthenticationParameters
    /// zeroed, without copying the message.
    pub fn compute(
        &self,
        key: &[u8],
        message: &[u8],
        zeroed: Range<usize>,
    ) -> Result<Vec<u8>, AuthError> {
        let mac = self.mac_over(key, message, zeroed)?;
        let mut full = mac.finalize();
        full.truncate(self.mac_len());
        Ok(full)
    }

    /// Fills msgAuthenticationParameters (`at` in `message`, already zeroed and of the right
    /// length) with the HMAC of the whole message.
    pub fn sign(&self, key: &[u8], message: &mut [u8], at: Range<usize>) -> Result<(), AuthError> {
        if at.len() != self.mac_len() {
            return Err(self.wrong_length(at.len()));
        }
        let mac = self.compute(key, message, at.clone())?;
        message[at].copy_from_slice(&mac);
        Ok(())
    }

    /// Checks msgAuthenticationParameters (`at` in `message`) in constant time
    /// (RFC 3414 6.3.2 and 7.3.2, RFC 7860 section 4.2.2).
    pub fn verify(&self, key: &[u8], message: &[u8], at: Range<usize>) -> Result<(), AuthError> {
        if at.len() != self.mac_len() {
            return Err(self.wrong_length(at.len()));
        }
        let mac = self.mac_over(key, message, at.clone())?;
        mac.verify_truncated_left(&message[at])
    }

    fn wrong_length(&self, found: usize) -> AuthError {
        AuthError::WrongLength {
            protocol: self.name(),
            expected: self.mac_len(),
            found,
        }
    }

    fn mac_over(
        &self,
        key: &[u8],
        message: &[u8],
        zeroed: Range<usize>,
    ) -> Result<Hmacs, AuthError> {
        const ZEROS: [u8; 64] = [0; 64];
        if zeroed.start > zeroed.end || zeroed.end > message.len() {
            return Err(AuthError::OutOfBounds {
                start: zeroed.start,
                end: zeroed.end,
                len: message.len(),
            });
        }
        let mut mac = Hmacs::new(self, key)?;
        mac.update(&message[..zeroed.start]);
        let mut left = zeroed.len();
        while left > 0 {
            let n = left.min(ZEROS.len());
            mac.update(&ZEROS[..n]);
            left -= n;
        }
        mac.update(&message[zeroed.end..]);
        Ok(mac)
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthProtocol::Unknown(oid) => write!(f, "unknown ({oid})"),
            known => f.write_str(known.name()),
        }
    }
}

/// Net-SNMP's spellings for `-a` and `defAuthType`, case-insensitive: `MD5`, `SHA`, `SHA1`,
/// `SHA-1`, `SHA-224`/`SHA224`, `SHA-256`/`SHA256`, `SHA-384`/`SHA384`, `SHA-512`/`SHA512`.
impl FromStr for AuthProtocol {
    type Err = AuthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Ok(match upper.as_str() {
            "MD5" | "HMAC-MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" | "SHA-1" | "HMAC-SHA" => AuthProtocol::Sha1,
            "SHA-224" | "SHA224" => AuthProtocol::Sha224,
            "SHA-256" | "SHA256" => AuthProtocol::Sha256,
            "SHA-384" | "SHA384" => AuthProtocol::Sha384,
            "SHA-512" | "SHA512" => AuthProtocol::Sha512,
            _ => return Err(AuthError::UnknownName(s.to_string())),
        })
    }
}

/// One hash state for whichever protocol; the key derivation feeds it a megabyte.
pub(crate) enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    fn new(protocol: &AuthProtocol) -> Result<Hasher, AuthError> {
        Ok(match protocol {
            AuthProtocol::Md5 => Hasher::Md5(Md5::new()),
            AuthProtocol::Sha1 => Hasher::Sha1(Sha1::new()),
            AuthProtocol::Sha224 => Hasher::Sha224(Sha224::new()),
            AuthProtocol::Sha256 => Hasher::Sha256(Sha256::new()),
            AuthProtocol::Sha384 => Hasher::Sha384(Sha384::new()),
            AuthProtocol::Sha512 => Hasher::Sha512(Sha512::new()),
            AuthProtocol::Unknown(oid) => return Err(AuthError::Unsupported(oid.clone())),
        })
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

enum Hmacs {
    Md5(Hmac<Md5>),
    Sha1(Hmac<Sha1>),
    Sha224(Hmac<Sha224>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

impl Hmacs {
    fn new(protocol: &AuthProtocol, key: &[u8]) -> Result<Hmacs, AuthError> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        fn init<M: KeyInit>(key: &[u8]) -> M {
            M::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
        }
        Ok(match protocol {
            AuthProtocol::Md5 => Hmacs::Md5(init(key)),
            AuthProtocol::Sha1 => Hmacs::Sha1(init(key)),
            AuthProtocol::Sha224 => Hmacs::Sha224(init(key)),
            AuthProtocol::Sha256 => Hmacs::Sha256(init(key)),
            AuthProtocol::Sha384 => Hmacs::Sha384(init(key)),
            AuthProtocol::Sha512 => Hmacs::Sha512(init(key)),
            AuthProtocol::Unknown(oid) => return Err(AuthError::Unsupported(oid.clone())),
        })
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Hmacs::Md5(m) => m.update(data),
            Hmacs::Sha1(m) => m.update(data),
            Hmacs::Sha224(m) => m.update(data),
            Hmacs::Sha256(m) => m.update(data),
            Hmacs::Sha384(m) => m.update(data),
            Hmacs::Sha512(m) => m.update(data),
        }
    }

    fn finalize(self) -> Vec<u8> {
        match self {
            Hmacs::Md5(m) => m.finalize().into_bytes().to_vec(),
            Hmacs::Sha1(m) => m.finalize().into_bytes().to_vec(),
            Hmacs::Sha224(m) => m.finalize().into_bytes().to_vec(),
            Hmacs::Sha256(m) => m.finalize().into_bytes().to_vec(),
            Hmacs::Sha384(m) => m.finalize().into_bytes().to_vec(),
            Hmacs::Sha512(m) => m.finalize().into_bytes().to_vec(),
        }
    }

    /// Constant-time comparison of the leftmost `tag.len()` bytes (hmac's own check).
    fn verify_truncated_left(self, tag: &[u8]) -> Result<(), AuthError> {
        let r = match self {
            Hmacs::Md5(m) => m.verify_truncated_left(tag),
            Hmacs::Sha1(m) => m.verify_truncated_left(tag),
            Hmacs::Sha224(m) => m.verify_truncated_left(tag),
            Hmacs::Sha256(m) => m.verify_truncated_left(tag),
            Hmacs::Sha384(m) => m.verify_truncated_left(tag),
            Hmacs::Sha512(m) => m.verify_truncated_left(tag),
        };
        r.map_err(|_| AuthError::WrongDigest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::usm::test_util::hex;

    #[test]
    fn names_and_oids_round_trip() {
        for p in AuthProtocol::ALL {
            assert_eq!(p.name().parse::<AuthProtocol>(), Ok(p.clone()));
            assert_eq!(AuthProtocol::from_oid(&p.oid()), p);
        }
        for (name, p) in [
            ("sha", AuthProtocol::Sha1),
            ("SHA1", AuthProtocol::Sha1),
            ("sha512", AuthProtocol::Sha512),
            (" md5 ", AuthProtocol::Md5),
        ] {
            assert_eq!(name.parse::<AuthProtocol>(), Ok(p), "{name}");
        }
        assert!("SHA-3".parse::<AuthProtocol>().is_err());
        assert_eq!(
            AuthProtocol::Sha1.oid().to_string(),
            ".1.3.6.1.6.3.10.1.1.3"
        );
        assert_eq!(
            AuthProtocol::Sha512.oid().to_string(),
            ".1.3.6.1.6.3.10.1.1.7"
        );
        let odd: Oid = "1.3.6.1.6.3.10.1.1.99".parse().unwrap();
        assert_eq!(
            AuthProtocol::from_oid(&odd),
            AuthProtocol::Unknown(odd.clone())
        );
        assert_eq!(AuthProtocol::Unknown(odd.clone()).oid(), odd);
        let none = Oid::from_slice(&USM_NO_AUTH_PROTOCOL);
        assert!(matches!(
            AuthProtocol::from_oid(&none),
            AuthProtocol::Unknown(_)
        ));
    }

    /// RFC 2202 / RFC 4231 HMAC vectors, truncated as USM truncates them.
    #[test]
    fn hmac_vectors() {
        let key = [0x0b; 20];
        let data = b"Hi There";
        let cases = [
            (
                AuthProtocol::Md5,
                &key[..16],
                "9294727a3638bb1c13f48ef8158bfc9d",
            ),
            (
                AuthProtocol::Sha1,
                &key[..],
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                AuthProtocol::Sha224,
                &key[..],
                "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
            ),
            (
                AuthProtocol::Sha256,
                &key[..],
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
        ];
        for (p, key, expected) in cases {
            let full = hex(expected);
            let mac = p.compute(key, data, 0..0).unwrap();
            assert_eq!(mac, full[..p.mac_len()], "{p}");
        }
    }

    #[test]
    fn sign_then_verify_and_tamper() {
        for p in AuthProtocol::ALL {
            let key = vec![0x5a; p.digest_len()];
            let mut msg = b"prefix-".to_vec();
            let at = msg.len()..msg.len() + p.mac_len();
            msg.extend(std::iter::repeat_n(0, p.mac_len()));
            msg.extend_from_slice(b"-suffix of the message");
            p.sign(&key, &mut msg, at.clone()).unwrap();
            assert!(msg[at.clone()].iter().any(|b| *b != 0), "{p}");
            p.verify(&key, &msg, at.clone()).unwrap();
            // The MAC equals one computed over an explicitly zeroed copy.
            let mut zeroed = msg.clone();
            zeroed[at.clone()].fill(0);
            assert_eq!(p.compute(&key, &zeroed, 0..0).unwrap(), msg[at.clone()]);
            let mut bad = msg.clone();
            *bad.last_mut().unwrap() ^= 1;
            assert_eq!(
                p.verify(&key, &bad, at.clone()),
                Err(AuthError::WrongDigest)
            );
            let mut wrong_key = key.clone();
            wrong_key[0] ^= 0x80;
            assert_eq!(
                p.verify(&wrong_key, &msg, at.clone()),
                Err(AuthError::WrongDigest)
            );
            assert!(matches!(
                p.verify(&key, &msg, at.start..at.end - 1),
                Err(AuthError::WrongLength { .. })
            ));
        }
    }

    #[test]
    fn unknown_protocol_cannot_authenticate() {
        let p = AuthProtocol::Unknown("1.2.3".parse().unwrap());
        assert!(matches!(
            p.compute(b"k", b"m", 0..0),
            Err(AuthError::Unsupported(_))
        ));
        assert!(p.hash(&[b"x"]).is_err());
    }
}
