//! Net-SNMP's packet dump (`-d`), both ways: each datagram as a header line (`Sending 43
//! bytes to UDP: [127.0.0.1]:161->[0.0.0.0]:40000`, `Received 45 byte packet from ...`)
//! and the hex lines of Net-SNMP's `xdump` (decimal offset, four groups of four bytes, the
//! printable characters at column 60), as `snmp_api.c` prints them; and the reader that
//! takes such output (a whole `snmpget -d` run, other lines mixed in) apart packet by packet.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Which way a datagram went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// The transport address as Net-SNMP's `f_fmtaddr` shows it: `UDP: [remote]:port->[local]:port`
/// for IPv4 (a socket on every address shows `0.0.0.0`), `UDP/IPv6: [remote]:port` for IPv6.
fn transport_text(peer: SocketAddr, local: SocketAddr) -> String {
    match peer.ip().to_canonical() {
        IpAddr::V4(ip) => {
            let local_ip = match local.ip().to_canonical() {
                IpAddr::V4(l) => l,
                IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
            };
            format!("UDP: [{ip}]:{}->[{local_ip}]:{}", peer.port(), local.port())
        }
        IpAddr::V6(ip) => format!("UDP/IPv6: [{ip}]:{}", peer.port()),
    }
}

/// Appends one datagram's dump to `out`: a blank line, the header, the hex lines and a
/// blank line, as `snmpget -d` writes them to stderr.
pub fn write(
    out: &mut String,
    direction: Direction,
    peer: SocketAddr,
    local: SocketAddr,
    bytes: &[u8],
) {
    let address = transport_text(peer, local);
    let _ = match direction {
        Direction::Sent => writeln!(out, "\nSending {} bytes to {address}", bytes.len()),
        Direction::Received => {
            writeln!(out, "\nReceived {} byte packet from {address}", bytes.len())
        }
    };
    write_hex_lines(out, bytes);
}

/// Net-SNMP's `xdump`: `%.4d: `, 16 bytes as `%02X ` with a space after each group of
/// four, the bytes `isprint` accepts (others as `.`) from column 60, then a blank line.
fn write_hex_lines(out: &mut String, bytes: &[u8]) {
    for (n, chunk) in bytes.chunks(16).enumerate() {
        let start = out.len();
        let _ = write!(out, "{:04}: ", n * 16);
        for col in 0..16 {
            match chunk.get(col) {
                Some(b) => {
                    let _ = write!(out, "{b:02X} ");
                }
                None => out.push_str("   "),
            }
            if col % 4 == 3 {
                out.push(' ');
            }
        }
        out.push_str("  ");
        // Offsets of five digits and more push the text right, as in Net-SNMP.
        debug_assert!(out.len() - start >= 60);
        out.extend(chunk.iter().map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out.push('\n');
}

/// One packet read back from a dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpedPacket {
    /// Its header line (`Sending 43 bytes to ...`).
    pub header: String,
    /// The length the header announced.
    pub announced: usize,
    pub bytes: Vec<u8>,
}

/// Why a dump could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DumpError {
    #[error("line {line}: a dump line before any 'Sending'/'Received' header")]
    LineBeforeHeader { line: usize },
    #[error("line {line}: '{text}' is not a byte of the dump (two hex digits)")]
    BadByte { line: usize, text: String },
}

/// The packets of Net-SNMP `-d` output: every `Sending N bytes to ...` or `Received N byte
/// packet from ...` header and the hex lines after it. Other lines (the values a tool
/// printed, blank lines, log text) are passed over. `Ok(None)` when the text holds no
/// header, so the caller can read it some other way.
pub fn read(text: &str) -> Result<Option<Vec<DumpedPacket>>, DumpError> {
    let mut packets: Vec<DumpedPacket> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if let Some(announced) = header_length(line) {
            packets.push(DumpedPacket {
                header: line.to_string(),
                announced,
                bytes: Vec::new(),
            });
            continue;
        }
        let Some(hex) = hex_part(line) else { continue };
        let Some(packet) = packets.last_mut() else {
            return Err(DumpError::LineBeforeHeader { line: i + 1 });
        };
        for token in hex.split_whitespace() {
            let byte = (token.len() == 2)
                .then(|| u8::from_str_radix(token, 16).ok())
                .flatten()
                .ok_or_else(|| DumpError::BadByte {
                    line: i + 1,
                    text: crate::proto::oid::elide(token).into_owned(),
                })?;
            packet.bytes.push(byte);
        }
    }
    Ok((!packets.is_empty()).then_some(packets))
}

/// The length a header line announces.
fn header_length(line: &str) -> Option<usize> {
    let (number, _address) = match line.strip_prefix("Sending ") {
        Some(rest) => rest.split_once(" bytes to ")?,
        None => line
            .strip_prefix("Received ")?
            .split_once(" byte packet from ")?,
    };
    number.parse().ok()
}

/// The hex of an `xdump` line (`0016: 04 3E 68 A2  7D ...    .>h.}...`): what follows the
/// decimal offset, up to the printable column (three spaces or more apart).
pub fn hex_part(line: &str) -> Option<&str> {
    let (offset, rest) = line.split_once(": ")?;
    if offset.len() < 4 || !offset.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(rest.split("   ").next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `snmpget -d -v2c -c public 127.0.0.1:23161 .1.3.6.1.2.1.1.5.0` on stderr, Net-SNMP 5.9.3.
    const SNMPGET_D: &str = "
Sending 43 bytes to UDP: [127.0.0.1]:23161->[0.0.0.0]:55698
0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...
0016: 04 5B 91 9C  CA 02 01 00  02 01 00 30  0E 30 0C 06    .[.........0.0..
0032: 08 2B 06 01  02 01 01 05  00 05 00                    .+.........


Received 45 byte packet from UDP: [127.0.0.1]:23161->[0.0.0.0]:55698
0000: 30 2B 02 01  01 04 06 70  75 62 6C 69  63 A2 1E 02    0+.....public...
0016: 04 5B 91 9C  CA 02 01 00  02 01 00 30  10 30 0E 06    .[.........0.0..
0032: 08 2B 06 01  02 01 01 05  00 04 02 76  6D             .+.........vm

";

    #[test]
    fn written_as_net_snmp_writes_it_and_read_back() {
        let packets = read(SNMPGET_D).unwrap().unwrap();
        assert_eq!(packets.len(), 2);
        assert_eq!(
            packets
                .iter()
                .map(|p| (p.announced, p.bytes.len()))
                .collect::<Vec<_>>(),
            [(43, 43), (45, 45)]
        );
        let agent: SocketAddr = "127.0.0.1:23161".parse().unwrap();
        // Our socket is dual-stack: IPv4 peers arrive mapped, the local address is `::`.
        let local: SocketAddr = "[::]:55698".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:23161".parse().unwrap();
        let mut ours = String::new();
        write(&mut ours, Direction::Sent, agent, local, &packets[0].bytes);
        write(
            &mut ours,
            Direction::Received,
            mapped,
            local,
            &packets[1].bytes,
        );
        assert_eq!(ours, SNMPGET_D);
    }

    #[test]
    fn long_packets_ipv6_and_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_020).collect();
        let mut out = String::new();
        let peer: SocketAddr = "[::1]:161".parse().unwrap();
        write(
            &mut out,
            Direction::Sent,
            peer,
            "[::]:4000".parse().unwrap(),
            &bytes,
        );
        assert!(out.starts_with("\nSending 10020 bytes to UDP/IPv6: [::1]:161\n0000: 00 01"));
        assert!(out.contains(
            "\n0112: 70 71 72 73  74 75 76 77  78 79 7A 7B  7C 7D 7E 7F    pqrstuvwxyz{|}~.\n"
        ));
        assert!(
            out.contains("\n10016: 20 21 22 23"),
            "{}",
            &out[out.len() - 200..]
        );
        let back = read(&out).unwrap().unwrap();
        assert_eq!(back[0].bytes, bytes);
    }

    #[test]
    fn other_lines_are_passed_over_and_bad_ones_named() {
        let mixed =
            format!(".1.3.6.1.2.1.1.5.0 = STRING: \"vm\"\n{SNMPGET_D}Timeout: No Response\n");
        assert_eq!(read(&mixed).unwrap().unwrap().len(), 2);
        assert_eq!(read("30 29 02 01"), Ok(None));
        assert_eq!(
            read("0000: 30 29\nSending 2 bytes to x\n"),
            Err(DumpError::LineBeforeHeader { line: 1 })
        );
        assert_eq!(
            read("Sending 2 bytes to x\n0000: 30 G9\n"),
            Err(DumpError::BadByte {
                line: 2,
                text: "G9".into()
            })
        );
    }
}
