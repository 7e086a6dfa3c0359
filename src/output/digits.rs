//! Allocation-free number and hex formatting for the hot output path (a bulk walk prints tens
//! of thousands of lines, most of them a number or a short hex dump).

use std::io::{self, Write};

/// Writes `v` in decimal.
pub fn write_u64<W: Write + ?Sized>(out: &mut W, mut v: u64) -> io::Result<()> {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.write_all(&buf[i..])
}

/// Writes `v` in decimal with a leading `-` when negative.
pub fn write_i64<W: Write + ?Sized>(out: &mut W, v: i64) -> io::Result<()> {
    if v < 0 {
        out.write_all(b"-")?;
    }
    write_u64(out, v.unsigned_abs())
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Writes one byte as two upper-case hex digits (`%02X`).
pub fn write_hex_byte<W: Write + ?Sized>(out: &mut W, b: u8) -> io::Result<()> {
    out.write_all(&[
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 0xf)],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut v = Vec::new();
        f(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn decimal_edges() {
        assert_eq!(text(|o| write_u64(o, 0)), "0");
        assert_eq!(text(|o| write_u64(o, u64::MAX)), "18446744073709551615");
        assert_eq!(text(|o| write_i64(o, i64::MIN)), "-9223372036854775808");
        assert_eq!(text(|o| write_i64(o, -42)), "-42");
        assert_eq!(text(|o| write_hex_byte(o, 0x0a)), "0A");
    }
}
