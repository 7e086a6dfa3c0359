//! DISPLAY-HINT (RFC 2579 section 3.1), applied the way Net-SNMP 5.9 applies it
//! (snmplib/mib.c: the hint loop of `sprint_realloc_octet_string`, and
//! `sprint_realloc_hinted_integer`), quirks included, since scripts parse its output:
//!
//! - octet-format: `[*]width code [separator] [terminator]`; the last specification repeats
//!   until the data ends; a separator is not printed after the last byte, a terminator only
//!   when data follows; `x` pads a single digit to two only when the specification has no
//!   separator and is the last in the hint (so `1x:` prints `0:1b:...`, `1x` prints `001b`);
//!   `a`/`t` copy bytes raw unless the chunk holds a NUL; an unknown letter makes the caller
//!   print `(Bad hint ignored: HINT) ` and the string without the hint.
//! - integer-format: `d-N` places a decimal point N digits from the right; `x` and `o` print
//!   the 64-bit two's complement of negative values, `b` always 32 bits.

use std::io::{self, Write};

use super::digits::{write_i64, write_u64};

/// One octet-format specification: `*` repeat, width, format letter, separator, terminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OctetSpec {
    star: bool,
    width: usize,
    code: u8,
    separator: Option<u8>,
    terminator: Option<u8>,
}

/// Reads the specification starting at `*pos`, as Net-SNMP does. A hint that ends after the
/// width yields the letter 0, which is a bad hint.
fn next_spec(hint: &[u8], pos: &mut usize) -> OctetSpec {
    let at = |p: usize| hint.get(p).copied().unwrap_or(0);
    let mut star = false;
    if at(*pos) == b'*' {
        star = true;
        *pos += 1;
    }
    let mut width = 0usize;
    while at(*pos).is_ascii_digit() {
        width = width
            .saturating_mul(10)
            .saturating_add(usize::from(at(*pos) - b'0'));
        *pos += 1;
    }
    let code = at(*pos);
    *pos += 1;
    // A separator or terminator is any character but a digit or '*'; with no width given,
    // 'x', 'd' and 'o' start the next specification instead.
    let takes = |ch: u8| {
        ch != 0
            && ch != b'*'
            && !ch.is_ascii_digit()
            && (width != 0 || !matches!(ch, b'x' | b'd' | b'o'))
    };
    let separator = takes(at(*pos)).then(|| {
        *pos += 1;
        hint[*pos - 1]
    });
    let terminator = takes(at(*pos)).then(|| {
        *pos += 1;
        hint[*pos - 1]
    });
    OctetSpec {
        star,
        width: width.max(1),
        code,
        separator,
        terminator,
    }
}

fn valid_code(code: u8) -> bool {
    matches!(code, b'x' | b'd' | b'o' | b'a' | b't')
}

/// True when every specification in an octet-format hint has a known letter, so applying it
/// can never fall back to "(Bad hint ignored: ...)" and output can stream without a buffer.
pub fn octet_hint_is_valid(hint: &str) -> bool {
    let bytes = hint.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        if !valid_code(next_spec(bytes, &mut pos).code) {
            return false;
        }
    }
    true
}

/// Writes `data` formatted by an octet-format hint, without a type label. Returns `Ok(false)`
/// when it meets an unknown format letter: the output written so far must then be discarded
/// (Net-SNMP rewinds its buffer and prints the value without the hint).
pub fn write_octets<W: Write + ?Sized>(out: &mut W, hint: &str, data: &[u8]) -> io::Result<bool> {
    let hint = hint.as_bytes();
    let mut pos = 0;
    let mut spec = OctetSpec {
        star: false,
        width: 1,
        code: b'd',
        separator: None,
        terminator: None,
    };
    let mut cp = 0;
    while cp < data.len() {
        let mut repeat = 1usize;
        if pos < hint.len() {
            spec = next_spec(hint, &mut pos);
            if spec.star {
                repeat = usize::from(data[cp]);
                cp += 1;
            }
        }
        let hint_done = pos >= hint.len();
        while repeat > 0 && cp < data.len() {
            match spec.code {
                b'a' | b't' => {
                    let chunk = &data[cp..data.len().min(cp + spec.width)];
                    if chunk.contains(&0) {
                        super::text::write_escaped_ascii(out, chunk)?;
                    } else {
                        // Net-SNMP copies the bytes raw; control characters an agent sends
                        // must not reach the terminal.
                        super::terminal::write_safe(out, chunk)?;
                    }
                    cp += chunk.len();
                }
                b'x' | b'd' | b'o' => {
                    // Net-SNMP folds `width` bytes into a C long; bytes past the end count as
                    // zero (it reads past the buffer, which holds zeros there).
                    let mut value: i64 = 0;
                    for _ in 0..spec.width {
                        let byte = data.get(cp).copied().unwrap_or(0);
                        value = value.wrapping_mul(256).wrapping_add(i64::from(byte));
                        cp += 1;
                    }
                    match spec.code {
                        b'x' => {
                            let pad = value < 16
                                && spec.width == 1
                                && spec.separator.is_none()
                                && hint_done;
                            if pad {
                                write!(out, "0{:x}", value as u64)?;
                            } else {
                                write!(out, "{:x}", value as u64)?;
                            }
                        }
                        b'd' => write_i64(out, value)?,
                        _ => write!(out, "{:o}", value as u64)?,
                    }
                }
                _ => return Ok(false),
            }
            if cp < data.len()
                && let Some(sep) = spec.separator
            {
                out.write_all(&[sep])?;
            }
            repeat -= 1;
        }
        if cp < data.len()
            && let Some(term) = spec.terminator
        {
            out.write_all(&[term])?;
        }
    }
    Ok(true)
}

/// Writes an integer per an integer-format hint (`d`, `d-N`, `x`, `o`, `b`). `value` is the
/// value as Net-SNMP holds it in a C long: signed for INTEGER, the unsigned value for Gauge32,
/// Unsigned32 and UInteger32. An unknown letter prints the decimal value.
pub fn write_integer<W: Write + ?Sized>(out: &mut W, hint: &str, value: i64) -> io::Result<()> {
    let h = hint.as_bytes();
    match h.first() {
        Some(b'x') => write!(out, "{:x}", value as u64),
        Some(b'o') => write!(out, "{:o}", value as u64),
        Some(b'b') => {
            let mut bits = [b'0'; 32];
            for (i, bit) in bits.iter_mut().enumerate() {
                if value & (1 << (31 - i)) != 0 {
                    *bit = b'1';
                }
            }
            out.write_all(&bits)
        }
        Some(b'd') if h.get(1) == Some(&b'-') => {
            let shift = leading_int(&h[2..]);
            let mut digits = Vec::with_capacity(24);
            write_u64(&mut digits, value.unsigned_abs())?;
            if value < 0 {
                out.write_all(b"-")?;
            }
            write_shifted(out, &digits, shift)
        }
        _ => write_i64(out, value),
    }
}

/// `atoi`: the leading decimal digits of `s` (0 when none).
fn leading_int(s: &[u8]) -> usize {
    s.iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0usize, |n, c| {
            n.saturating_mul(10).saturating_add(usize::from(c - b'0'))
        })
}

/// Inserts the decimal point `shift` digits from the right, padding with zeros when the number
/// is shorter (`5` with `d-3` is `.005`; Net-SNMP prints no leading zero).
fn write_shifted<W: Write + ?Sized>(out: &mut W, digits: &[u8], shift: usize) -> io::Result<()> {
    if shift == 0 {
        return out.write_all(digits);
    }
    if shift <= digits.len() {
        let (int, frac) = digits.split_at(digits.len() - shift);
        out.write_all(int)?;
        out.write_all(b".")?;
        out.write_all(frac)
    } else {
        out.write_all(b".")?;
        for _ in 0..shift - digits.len() {
            out.write_all(b"0")?;
        }
        out.write_all(digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn octets(hint: &str, data: &[u8]) -> Option<String> {
        let mut v = Vec::new();
        write_octets(&mut v, hint, data)
            .unwrap()
            .then(|| String::from_utf8_lossy(&v).into_owned())
    }

    fn integer(hint: &str, value: i64) -> String {
        let mut v = Vec::new();
        write_integer(&mut v, hint, value).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn rfc2579_examples() {
        // RFC 2579 section 3.1 and SNMPv2-TC's own hints.
        assert_eq!(octets("255a", b"eth0").unwrap(), "eth0");
        assert_eq!(
            octets("1x:", &[0xd2, 0x27, 0x0e, 0x7e, 0xab, 0x48]).unwrap(),
            "d2:27:e:7e:ab:48"
        );
        assert_eq!(octets("1d.1d.1d.1d", &[192, 0, 2, 1]).unwrap(), "192.0.2.1");
        assert_eq!(
            octets(
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
                &[0x07, 0xea, 11, 21, 9, 53, 44, 0, b'+', 0, 0]
            )
            .unwrap(),
            "2026-11-21,9:53:44.0,+0:0"
        );
        // A repeat count taken from the data: "*1x:" reads a count, then that many bytes.
        assert_eq!(octets("1d*1x:", &[7, 2, 0xab, 0xcd]).unwrap(), "7ab:cd");
    }

    #[test]
    fn hex_padding_rule() {
        assert_eq!(octets("1x", &[0x00, 0x1b]).unwrap(), "001b");
        assert_eq!(octets("1x:", &[0x00, 0x1b]).unwrap(), "0:1b");
    }

    #[test]
    fn bad_letter_is_reported_only_when_reached() {
        assert!(!octet_hint_is_valid("1x:1q"));
        assert_eq!(octets("1x:1q", &[1]).unwrap(), "1");
        assert_eq!(octets("1x:1q", &[1, 2]), None);
        assert!(!octet_hint_is_valid("255"));
        assert!(octet_hint_is_valid("2d-1d-1d,1d:1d:1d.1d,1a1d:1d"));
    }

    #[test]
    fn integer_formats() {
        assert_eq!(integer("d-2", 12345), "123.45");
        assert_eq!(integer("d-2", -5), "-.05");
        assert_eq!(integer("d-3", 5), ".005");
        assert_eq!(integer("d-5", 12345), ".12345");
        assert_eq!(integer("x", 255), "ff");
        assert_eq!(integer("x", -1), "ffffffffffffffff");
        assert_eq!(integer("o", 8), "10");
        assert_eq!(integer("b", 5), "00000000000000000000000000000101");
        assert_eq!(integer("d", -7), "-7");
    }
}
