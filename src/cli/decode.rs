//! `decode`: prints a captured SNMP message of any version (hex on the command line, hex or
//! raw bytes in a file), or every packet of a `-d` run's output (`output::packet_dump`), with
//! the deviations from strict BER the lenient decoder tolerated and a strict decoder's
//! verdict.
//!
//! SNMPv3: the header and the USM security parameters (RFC 3414 section 2.4) are always
//! shown. Given credentials (Net-SNMP's `-u -l -a -A -x -X -e`, `-3m -3k -3M -3K`, pass
//! phrases also from $MIBSCOPE_AUTH_PASS / $MIBSCOPE_PRIV_PASS), `decode` localizes the keys
//! to the message's authoritative engine (RFC 3414 section 2.6), verifies the HMAC (section
//! 6.3.2 / 7.3.2, RFC 7860), decrypts the scoped PDU (section 8.3.2, RFC 3826 section 3.2.2)
//! and prints it, or says which check failed and what to change. Without `-a` it tries the
//! protocols whose digest has the message's length; without `-x`, every privacy protocol;
//! with AES-192/256, the other key extension too, and says which one worked.

use std::fmt::Write as _;
use std::io::Read;

use clap::Args;

use super::options::{KeyKind, key_source};
use super::{CliError, Outcome};
use crate::output::OutputOptions;
use crate::output::packet_dump;
use crate::proto::message::{ScopedPdu, ScopedPduData, V3Message};
use crate::proto::pdu::TrapV1;
use crate::proto::usm::trial::{AuthOutcome, AuthTrial, PrivOutcome, PrivTrial, auth_candidates};
use crate::proto::usm::{
    self, AuthProtocol, EngineId, Inspected, KeySource, PrivProtocol, SecurityLevel, UserName,
    UsmReport,
};
use crate::proto::{Message, Pdu, PduBody, PduType, strict};

#[derive(Args, Debug)]
#[command(
    after_help = "SNMPv3: without credentials, decode shows the header and the USM \
security parameters (engine id, boots, time, user, digest, salt) and leaves an encrypted PDU \
encrypted. With them it verifies the HMAC, decrypts, and prints the scoped PDU, or names the \
check that failed: a digest mismatch (wrong -a/-A, or keys localized to the wrong -e), a \
decryption failure (wrong -x/-X or AES key extension), or secrets missing for the message's \
level. Exit status 1 when the message cannot be decoded or a check fails.\n\n\
Example: mibscope decode -f capture.txt -u sha-aes -a SHA -x AES (pass phrases in \
$MIBSCOPE_AUTH_PASS and $MIBSCOPE_PRIV_PASS)"
)]
pub struct DecodeArgs {
    /// Read the message from FILE (hex text, raw bytes, or the whole output of a Net-SNMP or
    /// mibscope `-d` run, every packet in it decoded under its header line; - for stdin)
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<String>,
    /// Show the community string instead of hiding it
    #[arg(long)]
    pub show_secrets: bool,
    /// The message as hex (spaces allowed), when no --file is given
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    #[command(
        flatten,
        next_help_heading = "SNMPv3 credentials (to verify and decrypt)"
    )]
    pub credentials: DecodeCredentials,
}

/// The SNMPv3 secrets to check a message with: the request commands' option group.
pub use super::options::V3Credentials as DecodeCredentials;

/// Credentials as checked and parsed, ready to try on a message.
pub struct Checker {
    user: Option<UserName>,
    level: Option<SecurityLevel>,
    auth_protocol: Option<AuthProtocol>,
    auth: Option<KeySource>,
    priv_protocol: Option<PrivProtocol>,
    privacy: Option<KeySource>,
    engine_id: Option<EngineId>,
}

impl DecodeCredentials {
    /// None when no SNMPv3 option was given.
    pub fn checker(&self) -> Result<Option<Checker>, CliError> {
        let given = self.user.is_some()
            || self.level.is_some()
            || self.auth_protocol.is_some()
            || self.auth_passphrase.is_some()
            || self.priv_protocol.is_some()
            || self.priv_passphrase.is_some()
            || self.engine_id.is_some()
            || self.auth_master_key.is_some()
            || self.priv_master_key.is_some()
            || self.auth_localized_key.is_some()
            || self.priv_localized_key.is_some();
        if !given {
            return Ok(None);
        }
        let usage = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
        Ok(Some(Checker {
            user: self.user.as_ref().map(|u| UserName::new(u.as_bytes())),
            level: self
                .level
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            auth_protocol: self
                .auth_protocol
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            auth: key_source(
                "authentication",
                [
                    (self.auth_master_key.as_deref(), KeyKind::Master),
                    (self.auth_localized_key.as_deref(), KeyKind::Localized),
                    (self.auth_passphrase.as_deref(), KeyKind::Passphrase),
                ],
            )?,
            priv_protocol: self
                .priv_protocol
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
            privacy: key_source(
                "privacy",
                [
                    (self.priv_master_key.as_deref(), KeyKind::Master),
                    (self.priv_localized_key.as_deref(), KeyKind::Localized),
                    (self.priv_passphrase.as_deref(), KeyKind::Passphrase),
                ],
            )?,
            engine_id: self
                .engine_id
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| usage(&e))?,
        }))
    }
}

pub fn run(args: &DecodeArgs) -> Result<Outcome, CliError> {
    let checker = args.credentials.checker()?;
    let bytes = match &args.file {
        Some(path) => {
            let mut raw = Vec::new();
            if path == "-" {
                std::io::stdin().read_to_end(&mut raw)?;
            } else {
                raw = std::fs::read(path)
                    .map_err(|e| CliError::Usage(format!("cannot read {path}: {e}")))?;
            }
            let text = std::str::from_utf8(&raw).ok();
            let dump = match text {
                Some(t) => packet_dump::read(t).map_err(|e| {
                    CliError::Usage(format!("{}: {e}", crate::proto::oid::elide(path)))
                })?,
                None => None,
            };
            if let Some(packets) = dump {
                let (report, ok) = describe_dump(&packets, args.show_secrets, checker.as_ref());
                return print_report(&report, ok);
            }
            match text.and_then(parse_hex_dump) {
                Some(b) => b,
                None => raw,
            }
        }
        None if args.hex.is_empty() => {
            return Err(CliError::Usage(
                "give the message as hex arguments, or --file FILE".into(),
            ));
        }
        None => parse_hex_dump(&args.hex.join(" "))
            .ok_or_else(|| CliError::Usage("the arguments are not hex bytes".into()))?,
    };
    let (report, ok) = describe_with(&bytes, args.show_secrets, checker.as_ref());
    print_report(&report, ok)
}

/// Prints a report; failure when a message did not decode or failed a check.
fn print_report(report: &str, ok: bool) -> Result<Outcome, CliError> {
    use std::io::Write as _;
    std::io::stdout().lock().write_all(report.as_bytes())?;
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Every packet of a `-d` dump, each under its header line; the flag says whether every
/// one decoded and passed the checks asked for.
pub fn describe_dump(
    packets: &[packet_dump::DumpedPacket],
    show_secrets: bool,
    checker: Option<&Checker>,
) -> (String, bool) {
    let mut s = String::new();
    let mut all_ok = true;
    for (i, p) in packets.iter().enumerate() {
        let (report, ok) = describe_with(&p.bytes, show_secrets, checker);
        all_ok &= ok;
        if i > 0 {
            s.push('\n');
        }
        let _ = writeln!(s, "Packet {} of {}: {}", i + 1, packets.len(), p.header);
        if p.bytes.len() != p.announced {
            let _ = writeln!(
                s,
                "  (the dump holds {} of the {} bytes its header announces: cut short?)",
                p.bytes.len(),
                p.announced
            );
        }
        s.push_str(&report);
    }
    (s, all_ok)
}

/// Reads hex text: plain pairs (`30 29 02 ...`, `302902...`, `0x30,0x29`) or Net-SNMP's
/// `-d` dump lines (`0000: 30 29 02 01  01 04 ...    0)....`). `None` if it is not hex.
pub fn parse_hex_dump(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut saw_any = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Net-SNMP dump: "0000: " then up to 16 bytes, then the ASCII column after 3+ spaces.
        let body = packet_dump::hex_part(line).unwrap_or(line);
        let cleaned: String = body
            .replace("0x", " ")
            .replace("0X", " ")
            .chars()
            .map(|c| if matches!(c, ',' | ':' | '-') { ' ' } else { c })
            .collect();
        for token in cleaned.split_whitespace() {
            out.extend(crate::proto::hex::decode(token).ok()?);
            saw_any = true;
        }
    }
    saw_any.then_some(out)
}

/// The human-readable report; the flag says whether the message decoded.
pub fn describe(bytes: &[u8], show_secrets: bool) -> (String, bool) {
    describe_with(bytes, show_secrets, None)
}

/// The report, with an SNMPv3 message checked against `checker`'s credentials; the flag
/// says whether the message decoded and passed every check asked for.
pub fn describe_with(
    bytes: &[u8],
    show_secrets: bool,
    checker: Option<&Checker>,
) -> (String, bool) {
    let mut s = String::new();
    let mut checks_passed = true;
    let (message, quirks) = match Message::decode(bytes) {
        Ok(m) => m,
        Err(e) => {
            let _ = writeln!(
                s,
                "Not a decodable SNMP message ({} bytes): {e}",
                bytes.len()
            );
            return (s, false);
        }
    };
    match &message {
        Message::Community(c) => {
            let _ = writeln!(
                s,
                "SNMPv{} message, {} bytes",
                c.version.name(),
                bytes.len()
            );
            let community = if show_secrets {
                format!(
                    "\"{}\"",
                    String::from_utf8_lossy(c.community.as_bytes()).escape_debug()
                )
            } else {
                format!(
                    "<{} bytes, hidden; --show-secrets shows it>",
                    c.community.as_bytes().len()
                )
            };
            let _ = writeln!(s, "  community: {community}");
            describe_pdu(&mut s, &c.pdu, "  ");
        }
        Message::V3(v3) => checks_passed = describe_v3(&mut s, v3, bytes, checker),
    }
    let _ = write!(s, "Encoding: ");
    if quirks.is_empty() {
        let _ = writeln!(s, "no deviations from BER found by the lenient decoder");
    } else {
        let _ = writeln!(s, "readable, with deviations from BER:");
        for q in quirks.iter() {
            let _ = writeln!(s, "  - {}", q.describe());
        }
    }
    let _ = match strict::check(bytes) {
        Ok(_) => writeln!(s, "Strict decoder (rasn-snmp): accepted"),
        Err(e) => writeln!(s, "Strict decoder (rasn-snmp): rejected: {e}"),
    };
    (s, checks_passed)
}

/// The v3 header, the USM parameters, the checks `checker` asks for, and the scoped PDU
/// if it is plaintext or could be decrypted. False when a check failed.
fn describe_v3(s: &mut String, m: &V3Message, bytes: &[u8], checker: Option<&Checker>) -> bool {
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

/// What the checks found: a line per check, the scoped PDU when it could be read.
struct CheckOutcome {
    lines: Vec<String>,
    scoped: Option<ScopedPdu>,
    failed: bool,
}

impl Checker {
    /// RFC 3414 section 3.2 steps 6 and 8 as a manager would do them, one line per check.
    fn check(&self, bytes: &[u8], m: &Inspected) -> CheckOutcome {
        let mut out = CheckOutcome {
            lines: Vec::new(),
            scoped: None,
            failed: false,
        };
        let p = &m.params;
        let level = match self.level {
            Some(asked) if asked < m.level => {
                out.lines.push(format!(
                    "level: the message is {}; checking only up to -l {asked}",
                    m.level
                ));
                asked
            }
            Some(asked) if asked > m.level => {
                out.lines.push(format!(
                    "level: the message is only {}, not -l {asked}: it was sent with fewer \
                     protections than asked for",
                    m.level
                ));
                out.failed = true;
                m.level
            }
            _ => m.level,
        };
        let user = self.user.clone().unwrap_or_else(|| p.user.clone());
        if user != p.user {
            out.lines.push(format!(
                "user: the message is from '{}', not -u '{user}' (the keys do not depend on \
                 the name, so the checks go on)",
                p.user
            ));
        }
        let plaintext = match &m.msg.data {
            ScopedPduData::Plaintext(scoped) => Some(scoped.clone()),
            ScopedPduData::Encrypted(_) => None,
        };
        if level == SecurityLevel::NoAuthNoPriv {
            out.lines
                .push(format!("authentication: none (the message is {})", m.level));
            out.scoped = plaintext;
            return out;
        }
        let engine = self
            .engine_id
            .clone()
            .unwrap_or_else(|| p.engine_id.clone());
        if engine.is_empty() {
            out.lines.push(
                "authentication: FAILED: the message names no authoritative engine, so no key \
                 can be localized; give -e ENGINE-ID"
                    .into(),
            );
            out.failed = true;
            out.scoped = plaintext;
            return out;
        }
        let Some(auth_source) = &self.auth else {
            out.lines.push(format!(
                "authentication: FAILED: the message is {}, and no authentication secret was \
                 given: give -a and -A (or $MIBSCOPE_AUTH_PASS), or -3m/-3k",
                m.level
            ));
            out.failed = true;
            out.scoped = plaintext;
            return out;
        };
        let verified = self.verify(bytes, m, &user, auth_source, &engine, &mut out);
        if level < SecurityLevel::AuthPriv {
            out.scoped = plaintext;
            if level < m.level {
                out.lines.push("privacy: not checked (-l)".into());
            }
            return out;
        }
        let Some(priv_source) = &self.privacy else {
            out.lines.push(
                "privacy: FAILED: the message is authPriv and no privacy secret was given: \
                 give -x and -X (or $MIBSCOPE_PRIV_PASS), or -3M/-3K"
                    .into(),
            );
            out.failed = true;
            return out;
        };
        // The privacy key is derived with the authentication protocol's hash.
        let auth_protocols: Vec<AuthProtocol> = match (&verified, &self.auth_protocol) {
            (Some(a), _) => vec![a.clone()],
            (None, Some(a)) if a.mac_len() == p.auth_params.len() => vec![a.clone()],
            (None, _) => auth_candidates(p.auth_params.len()),
        };
        out.scoped = self.decrypt(
            m,
            &user,
            auth_source,
            priv_source,
            &auth_protocols,
            &engine,
            &mut out,
        );
        out
    }

    /// Step 6: the HMAC (`usm::trial`). The protocol that verified it, if one did.
    fn verify(
        &self,
        bytes: &[u8],
        m: &Inspected,
        user: &UserName,
        source: &KeySource,
        engine: &EngineId,
        out: &mut CheckOutcome,
    ) -> Option<AuthProtocol> {
        let outcome = AuthTrial {
            user,
            protocol: self.auth_protocol.as_ref(),
            source,
            engine,
        }
        .run(bytes, m);
        let names = |list: &[AuthProtocol]| {
            list.iter()
                .map(AuthProtocol::name)
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let line = match outcome {
            AuthOutcome::Verified { protocol, guessed } => {
                let guessed = if guessed {
                    " (found by trying the protocols of this digest length; -a sets it)"
                } else {
                    ""
                };
                out.lines.push(format!(
                    "authentication: HMAC-{protocol} verified with the key localized to {engine}{guessed}"
                ));
                return Some(protocol);
            }
            AuthOutcome::WrongLength { asked, len, fits } => format!(
                "authentication: FAILED: the message carries a {len}-byte digest and -a {asked} \
                 makes {} bytes: wrong -a{}",
                asked.mac_len(),
                if fits.is_empty() {
                    String::new()
                } else {
                    format!(" (a {len}-byte digest is {})", names(&fits))
                }
            ),
            AuthOutcome::NoProtocolFits { len } => format!(
                "authentication: FAILED: a {len}-byte digest fits no authentication protocol"
            ),
            AuthOutcome::Key(e) => format!("authentication: FAILED: {e}"),
            AuthOutcome::WrongEngine {
                own_engine: Some(protocol),
                ..
            } => format!(
                "authentication: FAILED: digest mismatch with the keys localized to -e {engine}; \
                 the message is authoritative at {}, and localized to that engine the \
                 {protocol} key verifies it: drop -e or give that engine id",
                m.params.engine_id
            ),
            AuthOutcome::WrongEngine {
                computed,
                own_engine: None,
            } => format!(
                "authentication: FAILED: digest mismatch ({}, keys localized to -e {engine}, \
                 but the message is authoritative at {}): wrong -e, or wrong -a/-A",
                names(&computed),
                m.params.engine_id
            ),
            AuthOutcome::Mismatch { computed } => {
                let key_hint = match source {
                    KeySource::Localized(_) => {
                        " (a localized key, -3k, is only good for the engine it was localized to)"
                    }
                    _ => "",
                };
                format!(
                    "authentication: FAILED: digest mismatch: the HMAC in the message is not {} \
                     with the given key localized to {engine}: wrong authentication pass phrase or \
                     protocol (-a/-A){key_hint}",
                    names(&computed)
                )
            }
        };
        out.lines.push(line);
        out.failed = true;
        None
    }

    /// Step 8: decryption (`usm::trial`), with the protocol asked for, then its other key
    /// extension; without -x, every privacy protocol.
    #[allow(clippy::too_many_arguments)]
    fn decrypt(
        &self,
        m: &Inspected,
        user: &UserName,
        auth_source: &KeySource,
        priv_source: &KeySource,
        auth_protocols: &[AuthProtocol],
        engine: &EngineId,
        out: &mut CheckOutcome,
    ) -> Option<ScopedPdu> {
        let tried: Vec<PrivProtocol> = match &self.priv_protocol {
            Some(x) => std::iter::once(x.clone())
                .chain(x.with_other_extension())
                .collect(),
            None => PrivProtocol::ALL.to_vec(),
        };
        let outcome = PrivTrial {
            user,
            auth_source,
            priv_source,
            auth_protocols,
            priv_protocols: &tried,
            engine,
        }
        .run(m);
        match outcome {
            PrivOutcome::Plaintext => None,
            PrivOutcome::Decrypted {
                protocol,
                auth,
                scoped,
            } => {
                let note = match &self.priv_protocol {
                    Some(asked) if *asked != protocol => format!(
                        "; not with -x {asked}: the sender extends the key as {protocol} \
                         does ({}), use -x {protocol}",
                        extension_name(&protocol)
                    ),
                    Some(_) => String::new(),
                    None => " (found by trying each privacy protocol; -x sets it)".into(),
                };
                let derived = if verified_auth_protocol(auth_protocols, &self.auth_protocol) {
                    String::new()
                } else {
                    format!(" (privacy key derived with {auth})")
                };
                out.lines
                    .push(format!("privacy: decrypted with {protocol}{derived}{note}"));
                if self.priv_protocol.as_ref().is_some_and(|a| *a != protocol) {
                    out.failed = true;
                }
                Some(scoped)
            }
            PrivOutcome::Failed { first_error } => {
                out.failed = true;
                let names = tried
                    .iter()
                    .map(PrivProtocol::name)
                    .collect::<Vec<_>>()
                    .join(", ");
                let engine_hint = if *engine == m.params.engine_id {
                    String::new()
                } else {
                    format!(
                        "; the keys were localized to -e {engine}, the message's engine is {}",
                        m.params.engine_id
                    )
                };
                out.lines.push(format!(
                    "privacy: FAILED: decryption with {names} failed ({first_error}): wrong \
                     privacy pass phrase or protocol (-x/-X){engine_hint}"
                ));
                None
            }
        }
    }
}

/// True when the privacy key was derived with the one authentication protocol that was
/// verified or asked for, so there is nothing to say about it.
fn verified_auth_protocol(tried: &[AuthProtocol], asked: &Option<AuthProtocol>) -> bool {
    tried.len() == 1 && asked.as_ref().is_none_or(|a| *a == tried[0])
}

fn extension_name(protocol: &PrivProtocol) -> &'static str {
    match protocol.key_extension() {
        Some(usm::KeyExtension::Blumenthal) => "Blumenthal key extension",
        Some(usm::KeyExtension::Reeder) => "Reeder key extension",
        None => "no key extension",
    }
}

/// The scoped PDU; `user` is the message's, for a Report's explanation.
fn describe_scoped(s: &mut String, scoped: &ScopedPdu, user: &UserName) {
    let _ = writeln!(
        s,
        "  context engine id: {}, context name: \"{}\"",
        if scoped.context_engine_id.is_empty() {
            "(empty)".to_string()
        } else {
            hex(&scoped.context_engine_id)
        },
        String::from_utf8_lossy(&scoped.context_name).escape_debug()
    );
    describe_pdu(s, &scoped.pdu, "  ");
    if let Some((report, count)) = UsmReport::from_pdu(&scoped.pdu) {
        let _ = writeln!(
            s,
            "  report: {}{}: {}",
            report,
            count.map_or(String::new(), |n| format!(" = {n}")),
            match &report {
                UsmReport::UnknownEngineIds => {
                    "the answer to engine discovery (RFC 3414 section 4), or a wrong -e".into()
                }
                other => other.explain(user),
            }
        );
    }
}

fn describe_pdu(s: &mut String, body: &PduBody, indent: &str) {
    match body {
        PduBody::Pdu(p) => describe_standard(s, p, indent),
        PduBody::TrapV1(t) => describe_trap(s, t, indent),
    }
}

fn describe_standard(s: &mut String, p: &Pdu, indent: &str) {
    let _ = writeln!(s, "{indent}PDU: {}", pdu_name(p.kind));
    let _ = writeln!(s, "{indent}  request-id: {}", p.request_id);
    if p.kind == PduType::GetBulkRequest {
        let _ = writeln!(
            s,
            "{indent}  non-repeaters: {}, max-repetitions: {}",
            p.non_repeaters(),
            p.max_repetitions()
        );
    } else {
        let _ = writeln!(
            s,
            "{indent}  error-status: {} ({}), error-index: {}",
            p.error_status.name(),
            p.error_status.code(),
            p.error_index
        );
    }
    describe_varbinds(s, &p.varbinds, indent);
}

fn describe_trap(s: &mut String, t: &TrapV1, indent: &str) {
    let a = t.agent_addr;
    let _ = writeln!(s, "{indent}PDU: Trap (SNMPv1)");
    let _ = writeln!(s, "{indent}  enterprise: {}", t.enterprise);
    let _ = writeln!(
        s,
        "{indent}  agent-addr: {}.{}.{}.{}",
        a[0], a[1], a[2], a[3]
    );
    let _ = writeln!(
        s,
        "{indent}  generic-trap: {:?} ({}), specific-trap: {}, time-stamp: {}",
        t.generic_trap,
        t.generic_trap.code(),
        t.specific_trap,
        t.time_stamp
    );
    describe_varbinds(s, &t.varbinds, indent);
}

fn describe_varbinds(s: &mut String, varbinds: &[crate::proto::VarBind], indent: &str) {
    let _ = writeln!(s, "{indent}  variable-bindings: {}", varbinds.len());
    let options = OutputOptions::default();
    for vb in varbinds {
        let mut line = Vec::new();
        let _ = crate::output::write_varbind(&mut line, vb, &options);
        let _ = write!(s, "{indent}    {}", String::from_utf8_lossy(&line));
    }
}

fn pdu_name(kind: PduType) -> String {
    match kind {
        PduType::GetRequest => "GetRequest".into(),
        PduType::GetNextRequest => "GetNextRequest".into(),
        PduType::Response => "Response".into(),
        PduType::SetRequest => "SetRequest".into(),
        PduType::TrapV1 => "Trap".into(),
        PduType::GetBulkRequest => "GetBulkRequest".into(),
        PduType::InformRequest => "InformRequest".into(),
        PduType::TrapV2 => "SNMPv2-Trap".into(),
        PduType::Report => "Report".into(),
        PduType::Unknown(t) => format!("unknown PDU type 0x{t:02x}"),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_input_forms() {
        let want = Some(vec![0x30, 0x29, 0x02, 0x01]);
        assert_eq!(parse_hex_dump("30 29 02 01"), want);
        assert_eq!(parse_hex_dump("30290201"), want);
        assert_eq!(parse_hex_dump("0x30,0x29,0x02,0x01"), want);
        assert_eq!(
            parse_hex_dump("0000: 30 29 02 01                                        0)..\n"),
            want
        );
        assert_eq!(parse_hex_dump("not hex"), None);
        assert_eq!(parse_hex_dump("302"), None);
    }

    #[test]
    fn net_snmp_dump_decodes() {
        // `snmpget -d` output of Net-SNMP 5.9.3 (sysName.0 request).
        let dump = "0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...\n\
                    0016: 04 27 B5 DA  0D 02 01 00  02 01 00 30  0E 30 0C 06    .'.........0.0..\n\
                    0032: 08 2B 06 01  02 01 01 05  00 05 00                    .+.........\n";
        let bytes = parse_hex_dump(dump).unwrap();
        assert_eq!(bytes.len(), 43);
        let (report, ok) = describe(&bytes, false);
        assert!(ok);
        assert!(report.contains("SNMPv2c message, 43 bytes"), "{report}");
        assert!(report.contains("PDU: GetRequest"), "{report}");
        assert!(report.contains("request-id: 666229261"), "{report}");
        assert!(report.contains(".1.3.6.1.2.1.1.5.0 = NULL"), "{report}");
        assert!(
            report.contains("Strict decoder (rasn-snmp): accepted"),
            "{report}"
        );
        assert!(!report.contains("public"), "community shown: {report}");
        assert!(describe(&bytes, true).0.contains("\"public\""));
    }

    #[test]
    fn quirks_and_garbage_are_explained() {
        let quirky = parse_hex_dump(
            "30 2c 02 01 01 04 06 70 75 62 6c 69 63 a2 1f 02 01 01 02 01 00 02 01 00 30 14 30 12 06 0a
             2b 06 01 02 01 02 02 01 0a 01 41 04 ff ff ff ff",
        )
        .unwrap();
        let (report, ok) = describe(&quirky, false);
        assert!(ok);
        assert!(
            report.contains("unsigned value with its top bit set"),
            "{report}"
        );
        assert!(report.contains("Counter32: 4294967295"), "{report}");
        assert!(report.contains("rejected"), "{report}");
        let (report, ok) = describe(&quirky[..20], false);
        assert!(!ok);
        assert!(report.contains("truncated"), "{report}");
    }

    use crate::proto::usm::test_util::{Direction, Fixture, all_fixtures, fixture};

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
        let tsv = include_str!("../../tests/fixtures/usm-localized-keys.tsv");
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
}
