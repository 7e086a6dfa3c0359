//! Credentials against Net-SNMP's own keys for every test bed user, checked up front,
//! secrets out of Debug, -3m/-3k key sources, and the per-engine cache.

use std::sync::Arc;

use super::*;
use crate::proto::usm::auth::{AuthError, AuthProtocol};
use crate::proto::usm::privacy::PrivProtocol;
use crate::proto::usm::test_util::{hex, passphrase, rfc3414_engine};
use crate::proto::usm::{EngineId, SecurityLevel, UserName};

/// Every user of the test bed: our keys equal the ones Net-SNMP 5.9.3 derived
/// (tests/fixtures/usm-localized-keys.tsv, copied from shared/testbed/reference).
#[test]
fn net_snmp_localized_keys() {
    let tsv = include_str!("../../../../tests/fixtures/usm-localized-keys.tsv");
    let mut checked = 0;
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let [engine, user, auth, auth_key, privacy, priv_key] = f[..] else {
            panic!("bad line {line}");
        };
        let engine = EngineId::new(hex(engine.trim_start_matches("0x")));
        let auth = match auth {
            "none" => None,
            "HMAC-MD5-96" => Some(AuthProtocol::Md5),
            "HMAC-SHA-96" => Some(AuthProtocol::Sha1),
            other => Some(other.trim_start_matches("HMAC-").parse().unwrap()),
        };
        let privacy: Option<PrivProtocol> = match privacy {
            "none" => None,
            "AES-128" => Some(PrivProtocol::Aes128),
            other => Some(other.split(' ').next().unwrap().parse().unwrap()),
        };
        let creds = Credentials::from_passphrases(
            UserName::new(user),
            auth.map(|a| (a, passphrase(&format!("{user}_authpass")))),
            privacy.map(|p| (p, passphrase(&format!("{user}_privpass")))),
        )
        .unwrap();
        let keys = creds.keys_for(&engine).unwrap();
        match &keys.auth {
            None => assert_eq!(auth_key, "-", "{user}"),
            Some((_, k)) => assert_eq!(k.as_bytes(), hex(auth_key), "{user} auth key"),
        }
        match &keys.privacy {
            None => assert_eq!(priv_key, "-", "{user}"),
            Some((_, k)) => assert_eq!(k.as_bytes(), hex(priv_key), "{user} priv key"),
        }
        checked += 1;
    }
    assert_eq!(checked, 135);
}

#[test]
fn secrets_never_show_in_debug() {
    let secret = "my-secret-passphrase";
    let hexkey = "deadbeefcafebabe0011223344556677";
    let p = passphrase(secret);
    let creds = Credentials::new(
        UserName::new("alice"),
        Some((AuthProtocol::Md5, KeySource::Passphrase(p.clone()))),
        Some((
            PrivProtocol::Des,
            KeySource::Master(MasterKey::from_hex("privacy", hexkey).unwrap()),
        )),
    )
    .unwrap();
    let keys = creds.keys_for(&rfc3414_engine()).unwrap();
    let local = keys.auth.as_ref().unwrap().1.as_bytes().to_vec();
    let local_hex: String = local.iter().map(|b| format!("{b:02x}")).collect();
    for text in [
        format!("{p:?}"),
        format!("{creds:?}"),
        format!("{keys:?}"),
        format!("{:?}", KeySource::Passphrase(p.clone())),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(hexkey), "{text}");
        assert!(!text.contains(&local_hex), "{text}");
        assert!(!text.contains(&format!("{:?}", &local[..4])), "{text}");
    }
    assert!(format!("{keys:?}").contains("redacted"));
    let err = MasterKey::from_hex("privacy", "0xnot-hex-secret").unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn credentials_are_checked_up_front() {
    let user = UserName::new("u");
    assert_eq!(
        Credentials::from_passphrases(
            user.clone(),
            None,
            Some((PrivProtocol::Aes128, passphrase("12345678")))
        )
        .unwrap_err(),
        KeyError::PrivacyWithoutAuth
    );
    let short = Credentials::new(
        user.clone(),
        Some((
            AuthProtocol::Sha1,
            KeySource::Master(MasterKey::from_bytes(vec![1; 16])),
        )),
        None,
    );
    assert!(matches!(
        short,
        Err(KeyError::WrongKeyLength {
            expected: 20,
            found: 16,
            ..
        })
    ));
    let unknown = Credentials::from_passphrases(
        user,
        Some((
            AuthProtocol::Unknown("1.2.3".parse().unwrap()),
            passphrase("12345678"),
        )),
        None,
    );
    assert!(matches!(
        unknown,
        Err(KeyError::Auth(AuthError::Unsupported(_)))
    ));
}

/// -3m/-3k keys give the same keys as the pass phrase they came from.
#[test]
fn master_and_localized_key_sources() {
    let engine = rfc3414_engine();
    let p = passphrase("maplesyrup");
    let from_pass = Credentials::from_passphrases(
        UserName::new("u"),
        Some((AuthProtocol::Sha1, p.clone())),
        Some((PrivProtocol::Aes256Cisco, p.clone())),
    )
    .unwrap()
    .keys_for(&engine)
    .unwrap();
    let ku = password_to_key(&AuthProtocol::Sha1, &p).unwrap();
    let kul = localize(&AuthProtocol::Sha1, &ku, &engine).unwrap();
    for (auth, privacy) in [
        (KeySource::Master(ku.clone()), KeySource::Master(ku.clone())),
        (
            KeySource::Localized(kul.clone()),
            KeySource::Localized(kul.clone()),
        ),
    ] {
        let keys = Credentials::new(
            UserName::new("u"),
            Some((AuthProtocol::Sha1, auth)),
            Some((PrivProtocol::Aes256Cisco, privacy)),
        )
        .unwrap()
        .keys_for(&engine)
        .unwrap();
        assert_eq!(keys, from_pass);
    }
    // A privacy key given already extended is used as is.
    let full = from_pass.privacy.as_ref().unwrap().1.as_bytes().to_vec();
    let keys = Credentials::new(
        UserName::new("u"),
        Some((AuthProtocol::Sha1, KeySource::Localized(kul))),
        Some((
            PrivProtocol::Aes256Cisco,
            KeySource::Localized(LocalizedKey::from_bytes(full)),
        )),
    )
    .unwrap()
    .keys_for(&engine)
    .unwrap();
    assert_eq!(keys, from_pass);
}

#[test]
fn cache_returns_the_same_keys_per_engine() {
    let creds = Credentials::from_passphrases(
        UserName::new("u"),
        Some((AuthProtocol::Md5, passphrase("maplesyrup"))),
        None,
    )
    .unwrap();
    let a = creds.keys_for(&rfc3414_engine()).unwrap();
    let b = creds.keys_for(&rfc3414_engine()).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let other = creds
        .keys_for(&EngineId::new(hex("000000000000000000000003")))
        .unwrap();
    assert_ne!(a.auth, other.auth);
    assert_eq!(creds.max_level(), SecurityLevel::AuthNoPriv);
    // A clone starts empty but derives the same keys.
    let c = creds.clone().keys_for(&rfc3414_engine()).unwrap();
    assert!(!Arc::ptr_eq(&a, &c));
    assert_eq!(a, c);
}
