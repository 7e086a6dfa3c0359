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
//!
//! The report is built here (message, BER deviations, strict verdict), with the SNMPv3 part
//! in `v3`, the PDUs in `pdu` and the credential checks in `checker`.

mod checker;
mod pdu;
mod v3;

use std::fmt::Write as _;
use std::io::Read;

use clap::Args;

use super::{CliError, Outcome};
use crate::output::packet_dump;
use crate::proto::{Message, strict};
pub use checker::Checker;
use pdu::describe_pdu;
use v3::describe_v3;

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

#[cfg(test)]
mod checker_tests;
#[cfg(test)]
mod tests;
