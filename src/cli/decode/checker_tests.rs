//! `decode` with SNMPv3 credentials, on the captured Net-SNMP conversations: every message
//! verifies and decrypts with its user's secrets, wrong ones name the failing check, Net-SNMP's
//! exported localized keys work, and secrets stay out of the report and of Debug.

use super::*;
use crate::proto::usm::test_util::{Direction, Fixture, all_fixtures, fixture};
use crate::proto::usm::{self, SecurityLevel};

/// The credentials a fixture's manager used, as decode's options.
fn options_of(f: &Fixture) -> DecodeCredentials {
    DecodeCredentials {
        user: Some(f.user.to_string()),
        auth_protocol: f.auth.as_ref().map(|(p, _)| p.name().to_string()),
        auth_passphrase: f.auth.as_ref().map(|(_, pass)| pass.clone()),
        priv_protocol: f.privacy.as_ref().map(|(p, _)| p.name().to_string()),
        priv_passphrase: f.privacy.as_ref().map(|(_, pass)| pass.clone()),
        ..DecodeCredentials::default()
    }
}

fn check(bytes: &[u8], options: &DecodeCredentials) -> (String, bool) {
    let checker = options.checker().unwrap().expect("credentials given");
    describe_with(bytes, false, Some(&checker))
}

#[test]
fn every_captured_message_verifies_and_decrypts_with_its_credentials() {
    let mut authenticated = 0;
    let mut decrypted = 0;
    for f in all_fixtures() {
        let options = options_of(&f);
        for (_, bytes) in &f.datagrams {
            let (report, ok) = check(bytes, &options);
            let name = f.name;
            assert!(ok, "{name}: {report}");
            let level = usm::inspect(bytes).unwrap().level;
            if level >= SecurityLevel::AuthNoPriv {
                let (auth, _) = f.auth.as_ref().unwrap();
                let want = format!("authentication: HMAC-{auth} verified");
                assert!(report.contains(&want), "{name}: {report}");
                authenticated += 1;
            }
            if level == SecurityLevel::AuthPriv {
                let (privacy, _) = f.privacy.as_ref().unwrap();
                let want = format!("privacy: decrypted with {privacy}\n");
                assert!(report.contains(&want), "{name}: {report}");
                decrypted += 1;
            }
            assert!(report.contains("  PDU: "), "{name}: {report}");
            assert!(!report.contains("FAILED"), "{name}: {report}");
        }
    }
    assert!(
        authenticated > 100 && decrypted > 80,
        "{authenticated} {decrypted}"
    );
}

/// The request of a failed conversation, checked with the agent's real credentials
/// (the test bed's pass phrase rule), names the check the agent failed it on.
#[test]
fn wrong_credentials_name_the_failing_check() {
    let request = |name: &str| {
        let f = fixture(name);
        let bytes = f
            .sent(crate::proto::usm::test_util::Direction::ToAgent)
            .nth(1)
            .unwrap()
            .to_vec();
        (f, bytes)
    };
    let real = |user: &str, auth: &str, privacy: Option<&str>| DecodeCredentials {
        user: Some(user.into()),
        auth_protocol: Some(auth.into()),
        auth_passphrase: Some(format!("{user}_authpass")),
        priv_protocol: privacy.map(str::to_string),
        priv_passphrase: privacy.map(|_| format!("{user}_privpass")),
        ..DecodeCredentials::default()
    };
    // The client's auth pass phrase was wrong: the HMAC does not verify.
    let (_, bytes) = request("fail-wrong-auth");
    let (report, ok) = check(&bytes, &real("sha-aes", "SHA", Some("AES")));
    assert!(!ok);
    assert!(
        report.contains("authentication: FAILED: digest mismatch"),
        "{report}"
    );
    assert!(
        report.contains("wrong authentication pass phrase or protocol (-a/-A)"),
        "{report}"
    );
    // The client's privacy pass phrase was wrong: the HMAC verifies, decryption fails.
    let (_, bytes) = request("fail-wrong-priv");
    let (report, ok) = check(&bytes, &real("sha-aes", "SHA", Some("AES")));
    assert!(!ok);
    assert!(
        report.contains("authentication: HMAC-SHA verified"),
        "{report}"
    );
    assert!(
        report.contains("privacy: FAILED: decryption with AES failed"),
        "{report}"
    );
    assert!(report.contains("scoped PDU: encrypted"), "{report}");
    // AES-192 (Blumenthal) against a user configured AES-192-C (Reeder).
    let (_, bytes) = request("fail-wrong-extension");
    let (report, ok) = check(&bytes, &real("sha-aes192c", "SHA", Some("AES-192-C")));
    assert!(!ok);
    assert!(
        report.contains("privacy: decrypted with AES-192; not with -x AES-192-C"),
        "{report}"
    );
    // Keys localized to the wrong engine.
    let (f, bytes) = request("sha256-aes256");
    let mut wrong_engine = options_of(&f);
    wrong_engine.engine_id = Some("0x80001F8804776F6E67".into());
    let (report, ok) = check(&bytes, &wrong_engine);
    assert!(!ok);
    assert!(
        report.contains("digest mismatch with the keys localized to -e 0x80001F8804776F6E67"),
        "{report}"
    );
    assert!(
        report.contains("drop -e or give that engine id"),
        "{report}"
    );
    // Secrets missing for the message's level.
    let mut auth_only = options_of(&f);
    auth_only.priv_passphrase = None;
    let (report, ok) = check(&bytes, &auth_only);
    assert!(!ok);
    assert!(
        report.contains("authentication: HMAC-SHA-256 verified"),
        "{report}"
    );
    assert!(
        report.contains("privacy: FAILED: the message is authPriv and no privacy secret"),
        "{report}"
    );
    let (report, ok) = check(
        &bytes,
        &DecodeCredentials {
            user: Some("sha256-aes256".into()),
            ..DecodeCredentials::default()
        },
    );
    assert!(!ok);
    assert!(
        report.contains("no authentication secret was given"),
        "{report}"
    );
    // -a of the wrong digest length.
    let mut wrong_a = options_of(&f);
    wrong_a.auth_protocol = Some("MD5".into());
    let (report, _) = check(&bytes, &wrong_a);
    assert!(
        report.contains("carries a 24-byte digest and -a MD5 makes 12 bytes: wrong -a (a 24-byte digest is SHA-256)"),
        "{report}"
    );
    // Secrets stay out of the report.
    assert!(!report.contains("_authpass") && !report.contains("_privpass"));
}

#[test]
fn localized_keys_net_snmp_exported_verify_and_decrypt() {
    // Net-SNMP 5.9.3's own localized keys for the test bed users (export-usm-keys).
    let tsv = include_str!("../../../tests/fixtures/usm-localized-keys.tsv");
    let mut checked = 0;
    for name in ["sha-aes", "md5-aes192c", "sha512-aes256", "sha224-des"] {
        let row: Vec<&str> = tsv
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|r| r[0] == "0x80001f880474622d6167656e74" && r[1] == name)
            .unwrap_or_else(|| panic!("{name} not in the key table"));
        let f = fixture(name);
        let options = DecodeCredentials {
            auth_protocol: f.auth.as_ref().map(|(p, _)| p.name().to_string()),
            auth_localized_key: Some(row[3].to_string()),
            priv_protocol: f.privacy.as_ref().map(|(p, _)| p.name().to_string()),
            priv_localized_key: Some(row[5].to_string()),
            ..DecodeCredentials::default()
        };
        for bytes in f
            .sent(Direction::ToAgent)
            .skip(1)
            .chain(f.sent(Direction::ToManager).skip(1))
        {
            let (report, ok) = check(bytes, &options);
            assert!(ok, "{name}: {report}");
            assert!(
                report.contains("privacy: decrypted with"),
                "{name}: {report}"
            );
            checked += 1;
        }
        let debug = format!("{options:?}");
        assert!(
            !debug.contains(row[3]) && !debug.contains(row[5]),
            "{debug}"
        );
        assert!(debug.contains("<redacted>"), "{debug}");
    }
    assert_eq!(checked, 8);
    let bad = DecodeCredentials {
        auth_localized_key: Some("xyz".into()),
        ..DecodeCredentials::default()
    };
    let Err(e) = bad.checker() else { panic!() };
    assert!(e.to_string().contains("not hexadecimal"), "{e}");
}
