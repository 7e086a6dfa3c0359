//! `decode`: prints a captured SNMP message of any version (hex on the command line, hex or
//! raw bytes in a file, Net-SNMP `-d` dumps), with the deviations from strict BER the lenient
//! decoder tolerated and a strict decoder's verdict.

use std::fmt::Write as _;
use std::io::Read;

use clap::Args;

use super::{CliError, Outcome};
use crate::output::OutputOptions;
use crate::proto::message::{ScopedPdu, ScopedPduData, V3Message};
use crate::proto::pdu::TrapV1;
use crate::proto::{Message, Pdu, PduBody, PduType, strict};

#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// Read the message from FILE (hex text, a Net-SNMP -d dump, or raw bytes; - for stdin)
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<String>,
    /// Show the community string instead of hiding it
    #[arg(long)]
    pub show_secrets: bool,
    /// The message as hex (spaces allowed), when no --file is given
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
}

pub fn run(args: &DecodeArgs) -> Result<Outcome, CliError> {
    let bytes = match &args.file {
        Some(path) => {
            let mut raw = Vec::new();
            if path == "-" {
                std::io::stdin().read_to_end(&mut raw)?;
            } else {
                raw = std::fs::read(path)
                    .map_err(|e| CliError::Usage(format!("cannot read {path}: {e}")))?;
            }
            match std::str::from_utf8(&raw).ok().and_then(parse_hex_dump) {
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
    let (report, ok) = describe(&bytes, args.show_secrets);
    print!("{report}");
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::Failure
    })
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
        let body = match line.split_once(": ") {
            Some((offset, rest))
                if offset.len() == 4 && offset.bytes().all(|b| b.is_ascii_digit()) =>
            {
                rest.split("   ").next().unwrap_or("")
            }
            _ => line,
        };
        let cleaned: String = body
            .replace("0x", " ")
            .replace("0X", " ")
            .chars()
            .map(|c| if matches!(c, ',' | ':' | '-') { ' ' } else { c })
            .collect();
        for token in cleaned.split_whitespace() {
            if token.len() % 2 != 0 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            for i in (0..token.len()).step_by(2) {
                out.push(u8::from_str_radix(&token[i..i + 2], 16).ok()?);
            }
            saw_any = true;
        }
    }
    saw_any.then_some(out)
}

/// The human-readable report; the flag says whether the message decoded.
pub fn describe(bytes: &[u8], show_secrets: bool) -> (String, bool) {
    let mut s = String::new();
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
        Message::V3(v3) => describe_v3(&mut s, v3, bytes.len()),
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
    (s, true)
}

fn describe_v3(s: &mut String, m: &V3Message, len: usize) {
    let level = match (m.flags.auth(), m.flags.privacy()) {
        (false, false) => "noAuthNoPriv",
        (true, false) => "authNoPriv",
        (true, true) => "authPriv",
        (false, true) => "invalid (privacy without authentication)",
    };
    let _ = writeln!(s, "SNMPv3 message, {len} bytes");
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
    let _ = writeln!(
        s,
        "  security parameters: {} bytes: {}",
        m.security_parameters.len(),
        hex(&m.security_parameters)
    );
    match &m.data {
        ScopedPduData::Plaintext(scoped) => describe_scoped(s, scoped),
        ScopedPduData::Encrypted(data) => {
            let _ = writeln!(s, "  scoped PDU: encrypted, {} bytes", data.len());
        }
    }
}

fn describe_scoped(s: &mut String, scoped: &ScopedPdu) {
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
}
