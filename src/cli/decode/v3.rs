//! The SNMPv3 part of `decode`'s report: the header, the USM security parameters (RFC 3414
//! section 2.4), the checks a [`Checker`] asks for, and the scoped PDU when it is plaintext
//! or could be decrypted.

use std::fmt::Write as _;

use super::Checker;
use super::pdu::{describe_scoped, hex};
use crate::proto::message::{ScopedPduData, V3Message};
use crate::proto::usm::{self, AuthProtocol, Inspected, SecurityLevel, UserName};

/// The v3 header, the USM parameters, the checks `checker` asks for, and the scoped PDU
/// if it is plaintext or could be decrypted. False when a check failed.
pub(super) fn describe_v3(
    s: &mut String,
    m: &V3Message,
    bytes: &[u8],
    checker: Option<&Checker>,
) -> bool {
    let level = match (m.flags.auth(), m.flags.privacy()) {
        (false, false) => "noAuthNoPriv",
        (true, false) => "authNoPriv",
        (true, true) => "authPriv",
        (false, true) => "invalid (privacy without authentication)",
    };
    let _ = writeln!(s, "SNMPv3 message, {} bytes", bytes.len());
    let _ = writeln!(
        s,
        "  msgID: {}, msgMaxSize: {}, msgFlags: 0x{:02x} ({level}{}), security model: {}",
        m.msg_id.0,
        m.max_size,
        m.flags.0,
        if m.flags.reportable() {
            ", reportable"
        } else {
            ""
        },
        m.security_model.code()
    );
    let inspected = match usm::inspect(bytes) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(
                s,
                "  security parameters: {} bytes: {}",
                m.security_parameters.len(),
                hex(&m.security_parameters)
            );
            let _ = writeln!(s, "  USM: cannot read them: {e}");
            if let ScopedPduData::Plaintext(scoped) = &m.data {
                describe_scoped(s, scoped, &UserName::default());
            }
            return checker.is_none();
        }
    };
    describe_usm_params(s, &inspected);
    let (scoped, passed) = match checker {
        Some(c) => {
            let _ = writeln!(s, "  checks:");
            let outcome = c.check(bytes, &inspected);
            for line in &outcome.lines {
                let _ = writeln!(s, "    {line}");
            }
            (outcome.scoped, !outcome.failed)
        }
        None => {
            let scoped = match &m.data {
                ScopedPduData::Plaintext(scoped) => {
                    if inspected.level > SecurityLevel::NoAuthNoPriv {
                        let _ = writeln!(
                            s,
                            "  HMAC not verified (give -a and -A, or -3m/-3k, to verify it)"
                        );
                    }
                    Some(scoped.clone())
                }
                ScopedPduData::Encrypted(_) => None,
            };
            (scoped, true)
        }
    };
    match (scoped, &m.data) {
        (Some(scoped), _) => describe_scoped(s, &scoped, &inspected.params.user),
        (None, ScopedPduData::Encrypted(data)) => {
            let _ = writeln!(
                s,
                "  scoped PDU: encrypted, {} bytes{}",
                data.len(),
                if checker.is_none() {
                    " (give -u, -a, -A, -x and -X to decrypt it)"
                } else {
                    ""
                }
            );
        }
        (None, ScopedPduData::Plaintext(_)) => {}
    }
    passed
}

/// RFC 3414 section 2.4's UsmSecurityParameters, field by field. None of them is secret:
/// the digest and the salt travel in clear.
fn describe_usm_params(s: &mut String, i: &Inspected) {
    let p = &i.params;
    let _ = writeln!(s, "  USM security parameters:");
    let _ = writeln!(
        s,
        "    authoritative engine: {} (boots {}, time {})",
        p.engine_id, p.boots, p.time
    );
    let _ = writeln!(s, "    user: \"{}\"", p.user);
    let protocols = |len: usize| -> String {
        let names: Vec<&str> = AuthProtocol::ALL
            .iter()
            .filter(|a| a.mac_len() == len)
            .map(AuthProtocol::name)
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!(" ({} bytes: {})", len, names.join(" or "))
        }
    };
    if p.auth_params.is_empty() {
        let _ = writeln!(s, "    authentication parameters: none");
    } else {
        let _ = writeln!(
            s,
            "    authentication parameters: {}{}",
            hex(&p.auth_params),
            protocols(p.auth_params.len())
        );
    }
    if p.priv_params.is_empty() {
        let _ = writeln!(s, "    privacy parameters: none");
    } else {
        let _ = writeln!(s, "    privacy parameters (salt): {}", hex(&p.priv_params));
    }
}
