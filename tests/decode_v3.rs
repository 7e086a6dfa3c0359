//! `mibscope decode` on SNMPv3 messages captured from Net-SNMP (tests/fixtures/usm/), as a
//! user runs it: credentials as Net-SNMP spells them, pass phrases from $MIBSCOPE_AUTH_PASS
//! and $MIBSCOPE_PRIV_PASS, the scoped PDU when every check passes, and one line naming the
//! failed check (exit status 1) for each kind of wrong credential.

mod common;

use std::process::Command;

/// The datagrams of a captured conversation, in order (C>A, A>C, S>R lines).
fn datagrams(name: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/usm/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter_map(|l| {
            let (dir, hex) = l.split_once(' ')?;
            matches!(dir, "C>A" | "A>C" | "S>R").then(|| hex.to_string())
        })
        .collect()
}

struct Decoded {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `mibscope decode ARGS HEX`, with `env` set and the pass phrase variables otherwise unset.
fn decode(args: &[&str], env: &[(&str, &str)], hex: &str) -> Decoded {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mibscope"));
    cmd.arg("decode")
        .args(args)
        .arg(hex)
        .env_remove("MIBSCOPE_AUTH_PASS")
        .env_remove("MIBSCOPE_PRIV_PASS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = common::output_within(&mut cmd, common::COMMAND_LIMIT);
    Decoded {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const SHA_AES_PASSES: [(&str, &str); 2] = passes("sha-aes_authpass", "sha-aes_privpass");

/// The pass phrases in the environment, as a user keeps them off the command line.
const fn passes<'a>(auth: &'a str, privacy: &'a str) -> [(&'static str, &'a str); 2] {
    [
        ("MIBSCOPE_AUTH_PASS", auth),
        ("MIBSCOPE_PRIV_PASS", privacy),
    ]
}

/// `line` is one of the lines decode printed (or the start of one).
fn assert_has(d: &Decoded, line: &str) {
    assert!(d.stdout.contains(line), "{line}\nnot in:\n{}", d.stdout);
}

fn assert_no_secret(d: &Decoded) {
    for secret in ["_authpass", "_privpass", "wrong-passphrase"] {
        assert!(
            !d.stdout.contains(secret) && !d.stderr.contains(secret),
            "{secret} printed:\n{}{}",
            d.stdout,
            d.stderr
        );
    }
}

#[test]
fn header_without_credentials_and_pdu_with_them() {
    let response = &datagrams("sha-aes")[3];
    let d = decode(&[], &[], response);
    assert_eq!(d.status, Some(0), "{}", d.stderr);
    for line in [
        "    authoritative engine: 0x80001F880474622D6167656E74 (boots 1, time 17)",
        "    user: \"sha-aes\"",
        "    authentication parameters: 1b1b0da8d2c68d0e42a64162 (12 bytes: MD5 or SHA)",
        "    privacy parameters (salt): dae04c0566d3ee2a",
        "  scoped PDU: encrypted, 57 bytes (give -u, -a, -A, -x and -X to decrypt it)",
    ] {
        assert!(d.stdout.contains(line), "{line}\n{}", d.stdout);
    }
    let d = decode(
        &["-u", "sha-aes", "-a", "SHA", "-x", "AES"],
        &SHA_AES_PASSES,
        response,
    );
    assert_eq!(d.status, Some(0), "{}{}", d.stdout, d.stderr);
    for line in [
        "    authentication: HMAC-SHA verified with the key localized to 0x80001F880474622D6167656E74",
        "    privacy: decrypted with AES\n",
        "  PDU: Response",
        "      .1.3.6.1.2.1.1.5.0 = STRING: \"tb-agent\"",
    ] {
        assert!(d.stdout.contains(line), "{line}\n{}", d.stdout);
    }
    assert_no_secret(&d);
    // On the command line too, and a trap, authoritative at its sender.
    let trap = &datagrams("trap-sha512-aes256c")[0];
    let d = decode(
        &[
            "-l",
            "authPriv",
            "-a",
            "SHA-512",
            "-A",
            "sha512-aes256c_authpass",
            "-x",
            "AES-256-C",
            "-X",
            "sha512-aes256c_privpass",
        ],
        &[],
        trap,
    );
    assert_eq!(d.status, Some(0), "{}{}", d.stdout, d.stderr);
    assert!(
        d.stdout
            .contains("authoritative engine: 0x80001F880474622D7472617073")
    );
    assert_has(&d, "PDU: SNMPv2-Trap");
    assert_no_secret(&d);
}

#[test]
fn wrong_auth_pass_phrase_is_a_digest_mismatch() {
    let response = &datagrams("sha-aes")[3];
    let d = decode(
        &["-a", "SHA", "-x", "AES"],
        &passes("wrong-passphrase", "sha-aes_privpass"),
        response,
    );
    assert_eq!(d.status, Some(1));
    assert_has(
        &d,
        "    authentication: FAILED: digest mismatch: the HMAC in the message is not SHA with the given key localized to 0x80001F880474622D6167656E74: wrong authentication pass phrase or protocol (-a/-A)",
    );
    assert_no_secret(&d);
}

#[test]
fn wrong_priv_pass_phrase_is_a_decryption_failure() {
    let response = &datagrams("sha-aes")[3];
    let d = decode(
        &["-a", "SHA", "-x", "AES"],
        &passes("sha-aes_authpass", "wrong-passphrase"),
        response,
    );
    assert_eq!(d.status, Some(1));
    assert_has(&d, "    authentication: HMAC-SHA verified");
    assert_has(
        &d,
        "    privacy: FAILED: decryption with AES failed (the decrypted bytes are not a scoped PDU",
    );
    assert!(!d.stdout.contains("PDU: Response"), "{}", d.stdout);
    assert_no_secret(&d);
}

#[test]
fn wrong_key_extension_says_which_one_works() {
    // snmpget -x AES-192 against a user configured AES-192-C: its request, read with the
    // agent's settings.
    let request = &datagrams("fail-wrong-extension")[2];
    let d = decode(
        &["-a", "SHA", "-x", "AES-192-C"],
        &passes("sha-aes192c_authpass", "sha-aes192c_privpass"),
        request,
    );
    assert_eq!(d.status, Some(1));
    assert_has(
        &d,
        "    privacy: decrypted with AES-192; not with -x AES-192-C: the sender extends the key as AES-192 does (Blumenthal key extension), use -x AES-192",
    );
}

#[test]
fn keys_localized_to_the_wrong_engine() {
    let response = &datagrams("sha-aes")[3];
    let d = decode(
        &["-a", "SHA", "-x", "AES", "-e", "0x80001F8804776F6E67"],
        &SHA_AES_PASSES,
        response,
    );
    assert_eq!(d.status, Some(1));
    assert_has(
        &d,
        "    authentication: FAILED: digest mismatch with the keys localized to -e 0x80001F8804776F6E67; the message is authoritative at 0x80001F880474622D6167656E74, and localized to that engine the SHA key verifies it: drop -e or give that engine id",
    );
    assert_has(
        &d,
        "the keys were localized to -e 0x80001F8804776F6E67, the message's engine is 0x80001F880474622D6167656E74",
    );
}

#[test]
fn secrets_missing_for_the_level() {
    let response = &datagrams("sha-aes")[3];
    let d = decode(&["-u", "sha-aes"], &[], response);
    assert_eq!(d.status, Some(1));
    assert_has(
        &d,
        "    authentication: FAILED: the message is authPriv, and no authentication secret was given: give -a and -A (or $MIBSCOPE_AUTH_PASS), or -3m/-3k",
    );
    let d = decode(
        &["-a", "SHA"],
        &[("MIBSCOPE_AUTH_PASS", "sha-aes_authpass")],
        response,
    );
    assert_eq!(d.status, Some(1));
    assert_has(&d, "    authentication: HMAC-SHA verified");
    assert_has(
        &d,
        "    privacy: FAILED: the message is authPriv and no privacy secret was given: give -x and -X (or $MIBSCOPE_PRIV_PASS), or -3M/-3K",
    );
    // -l authNoPriv asks for the HMAC only: that passes.
    let d = decode(
        &["-l", "authNoPriv", "-a", "SHA"],
        &[("MIBSCOPE_AUTH_PASS", "sha-aes_authpass")],
        response,
    );
    assert_eq!(d.status, Some(0), "{}", d.stdout);
    assert_has(&d, "    privacy: not checked (-l)");
}

#[test]
fn net_snmp_key_options_and_bad_input() {
    // -3k / -3K with the keys Net-SNMP 5.9.3 localized for user sha-aes (export-usm-keys).
    let response = &datagrams("sha-aes")[3];
    let tsv = std::fs::read_to_string(format!(
        "{}/tests/fixtures/usm-localized-keys.tsv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let row: Vec<String> = tsv
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect::<Vec<_>>())
        .find(|r| r[0] == "0x80001f880474622d6167656e74" && r[1] == "sha-aes")
        .unwrap();
    let d = decode(
        &["-a", "SHA", "-3k", &row[3], "-x", "AES", "-3K", &row[5]],
        &[],
        response,
    );
    assert_eq!(d.status, Some(0), "{}{}", d.stdout, d.stderr);
    assert_has(&d, "privacy: decrypted with AES\n");
    assert!(!d.stdout.contains(&row[3]) && !d.stdout.contains(&row[5]));
    // A pass phrase too short, an unknown protocol: refused before anything is decoded.
    let d = decode(&["-a", "SHA", "-A", "short"], &[], response);
    assert_eq!(d.status, Some(1));
    assert!(d.stderr.contains("at least 8"), "{}", d.stderr);
    assert!(!d.stderr.contains("short\""), "{}", d.stderr);
    let d = decode(&["-a", "SHA-3", "-A", "long-enough"], &[], response);
    assert_eq!(d.status, Some(1));
    assert!(
        d.stderr.contains("unknown authentication protocol"),
        "{}",
        d.stderr
    );
    // v1/v2c messages decode as before, credentials or not.
    let v2c =
        "302902010104067075626c6963a01c020427b5da0d020100020100300e300c06082b060102010105000500";
    let d = decode(
        &["-a", "SHA"],
        &[("MIBSCOPE_AUTH_PASS", "sha-aes_authpass")],
        v2c,
    );
    assert_eq!(d.status, Some(0), "{}", d.stdout);
    assert_has(&d, "SNMPv2c message, 43 bytes");
}
