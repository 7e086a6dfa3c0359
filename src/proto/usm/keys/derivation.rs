//! From pass phrase to the keys a message uses: password-to-key (RFC 3414 A.2, RFC 7860
//! section 9.3), localization (RFC 3414 section 2.6), and the privacy key, truncated or
//! extended (Blumenthal, Reeder) as the privacy protocol says.

use super::KeyError;
use super::secret::{LocalizedKey, MasterKey, Passphrase, PrivKey, Secret, wipe};
use crate::proto::usm::EngineId;
use crate::proto::usm::auth::AuthProtocol;
use crate::proto::usm::privacy::{KeyExtension, PrivProtocol};

/// RFC 3414 A.2.1/A.2.2 (RFC 7860 9.3 for SHA-2): hash 1,048,576 bytes made of the pass
/// phrase repeated. Costs a few milliseconds: cache the result.
pub fn password_to_key(
    protocol: &AuthProtocol,
    passphrase: &Passphrase,
) -> Result<MasterKey, KeyError> {
    expand(protocol, passphrase.as_bytes()).map(MasterKey)
}

fn expand(protocol: &AuthProtocol, password: &[u8]) -> Result<Secret, KeyError> {
    const EXPANDED: usize = 1_048_576;
    let mut hasher = protocol.hasher()?;
    if password.is_empty() {
        return Err(KeyError::PassphraseTooShort {
            what: "given",
            len: 0,
        });
    }
    // One period of the repeated pass phrase long enough to cut 64-byte blocks from.
    let mut period = Vec::with_capacity(password.len() + 64);
    while period.len() < password.len() + 64 {
        period.extend_from_slice(password);
    }
    let mut offset = 0;
    for _ in 0..EXPANDED / 64 {
        hasher.update(&period[offset..offset + 64]);
        offset = (offset + 64) % password.len();
    }
    wipe(&mut period);
    Ok(Secret(hasher.finalize()))
}

/// RFC 3414 section 2.6: Kul = H(Ku || snmpEngineID || Ku).
pub fn localize(
    protocol: &AuthProtocol,
    master: &MasterKey,
    engine_id: &EngineId,
) -> Result<LocalizedKey, KeyError> {
    let ku = master.as_bytes();
    let kul = protocol.hash(&[ku, engine_id.as_bytes(), ku])?;
    Ok(LocalizedKey(Secret(kul)))
}

/// draft-blumenthal-aes-usm-04 section 3.1.2.1: append H(key so far) until long enough, then
/// truncate (Net-SNMP's `AES-192`/`AES-256`).
pub fn extend_blumenthal(
    protocol: &AuthProtocol,
    kul: &LocalizedKey,
    len: usize,
) -> Result<PrivKey, KeyError> {
    let mut key = kul.0.clone();
    while key.0.len() < len {
        let more = Secret(protocol.hash(&[&key.0])?);
        key.extend(&more.0);
    }
    key.truncate(len);
    Ok(PrivKey(key))
}

/// draft-reeder-snmpv3-usm-3desede-00 section 2.1: append localize(password_to_key(K)) of
/// the last piece K until long enough, then truncate (Net-SNMP's `AES-192-C`/`AES-256-C`,
/// Cisco's AES-192/256, and 3DES).
pub fn extend_reeder(
    protocol: &AuthProtocol,
    kul: &LocalizedKey,
    engine_id: &EngineId,
    len: usize,
) -> Result<PrivKey, KeyError> {
    let mut key = kul.0.clone();
    let mut last = kul.clone();
    while key.0.len() < len {
        let ku = MasterKey(expand(protocol, last.as_bytes())?);
        last = localize(protocol, &ku, engine_id)?;
        key.extend(last.as_bytes());
    }
    key.truncate(len);
    Ok(PrivKey(key))
}

/// The privacy protocol's key material from the localized privacy key: truncated (RFC 3414
/// 8.1.1.1, RFC 3826 3.1.2.1) or extended as the protocol says.
pub fn privacy_key(
    auth: &AuthProtocol,
    privacy: &PrivProtocol,
    kul: &LocalizedKey,
    engine_id: &EngineId,
) -> Result<PrivKey, KeyError> {
    privacy.ensure_known()?;
    let need = privacy.key_len();
    if kul.len() >= need {
        let mut key = kul.0.clone();
        key.truncate(need);
        return Ok(PrivKey(key));
    }
    match privacy.key_extension() {
        Some(KeyExtension::Blumenthal) => extend_blumenthal(auth, kul, need),
        Some(KeyExtension::Reeder) => extend_reeder(auth, kul, engine_id, need),
        None => Err(KeyError::WrongKeyLength {
            what: "localized privacy",
            protocol: privacy.name().to_string(),
            expected: need,
            found: kul.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::usm::test_util::{hex, passphrase, rfc3414_engine};

    /// RFC 3414 A.3.1 (MD5) and A.3.2 (SHA-1).
    #[test]
    fn rfc3414_a3_vectors() {
        let p = passphrase("maplesyrup");
        let cases = [
            (
                AuthProtocol::Md5,
                "9faf3283884e92834ebc9847d8edd963",
                "526f5eed9fcce26f8964c2930787d82b",
            ),
            (
                AuthProtocol::Sha1,
                "9fb5cc0381497b3793528939ff788d5d79145211",
                "6695febc9288e36282235fc7151f128497b38f3f",
            ),
        ];
        for (protocol, ku, kul) in cases {
            let master = password_to_key(&protocol, &p).unwrap();
            assert_eq!(master.as_bytes(), hex(ku), "{protocol} Ku");
            let local = localize(&protocol, &master, &rfc3414_engine()).unwrap();
            assert_eq!(local.as_bytes(), hex(kul), "{protocol} Kul");
        }
    }

    /// SHA-2 Kul for "maplesyrup" and engine 00..02 (issue 3 test data, RFC 7860 procedure).
    #[test]
    fn sha2_localized_vectors() {
        let p = passphrase("maplesyrup");
        let cases = [
            (
                AuthProtocol::Sha224,
                "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674",
            ),
            (
                AuthProtocol::Sha256,
                "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b",
            ),
            (
                AuthProtocol::Sha384,
                "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f0455a53689a3937eea07319a633d2ccba78",
            ),
            (
                AuthProtocol::Sha512,
                "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b",
            ),
        ];
        for (protocol, kul) in cases {
            let master = password_to_key(&protocol, &p).unwrap();
            assert_eq!(master.len(), protocol.digest_len());
            let local = localize(&protocol, &master, &rfc3414_engine()).unwrap();
            assert_eq!(local.as_bytes(), hex(kul), "{protocol}");
        }
    }

    /// Key extension vectors of issue 3, from the RFC 3414 A.3 localized keys.
    #[test]
    fn key_extension_vectors() {
        let sha_kul = LocalizedKey::from_bytes(hex("6695febc9288e36282235fc7151f128497b38f3f"));
        let md5_kul = LocalizedKey::from_bytes(hex("526f5eed9fcce26f8964c2930787d82b"));
        let engine = rfc3414_engine();
        let b = extend_blumenthal(&AuthProtocol::Sha1, &sha_kul, 32).unwrap();
        assert_eq!(
            b.as_bytes(),
            hex("6695febc9288e36282235fc7151f128497b38f3f505e07eb9af25568fa1f5dbe")
        );
        let r = extend_reeder(&AuthProtocol::Sha1, &sha_kul, &engine, 40).unwrap();
        assert_eq!(
            r.as_bytes(),
            hex("6695febc9288e36282235fc7151f128497b38f3f9b8b6d78936ba6e7d19dfd9cd2d5065547743fb5")
        );
        let r = extend_reeder(&AuthProtocol::Md5, &md5_kul, &engine, 32).unwrap();
        assert_eq!(
            r.as_bytes(),
            hex("526f5eed9fcce26f8964c2930787d82b79eff44a90650ee0a3a40abfac5acc12")
        );
        // The protocol picks its extension; both extensions keep Kul as the prefix.
        let k = privacy_key(
            &AuthProtocol::Sha1,
            &PrivProtocol::Aes256,
            &sha_kul,
            &engine,
        )
        .unwrap();
        assert_eq!(k.as_bytes(), b.as_bytes());
        let k = privacy_key(
            &AuthProtocol::Sha1,
            &PrivProtocol::Aes192Cisco,
            &sha_kul,
            &engine,
        )
        .unwrap();
        assert_eq!(k.as_bytes(), &r_sha_prefix(&engine)[..24]);
        let k = privacy_key(&AuthProtocol::Sha1, &PrivProtocol::Des, &sha_kul, &engine).unwrap();
        assert_eq!(k.as_bytes(), &sha_kul.as_bytes()[..16]);
    }

    fn r_sha_prefix(engine: &EngineId) -> Vec<u8> {
        let sha_kul = LocalizedKey::from_bytes(hex("6695febc9288e36282235fc7151f128497b38f3f"));
        extend_reeder(&AuthProtocol::Sha1, &sha_kul, engine, 40)
            .unwrap()
            .as_bytes()
            .to_vec()
    }
}
