//! What may reach a terminal: text that came from an agent (or a MIB file) is written
//! through here, so that no control character it carries is ever written raw. An ESC starts
//! a CSI or OSC sequence (cursor moves, screen clears, window titles, hyperlinks, clipboard
//! writes), BEL rings, CR rewrites the line it ends; C1 controls (U+0080..U+009F) do the
//! same on terminals that honour them.
//!
//! Newline and tab pass: Net-SNMP prints multi-line strings as they are and so do we. So
//! does a CR right before a newline (Cisco's sysDescr lines end in CR LF): it moves the
//! cursor to where the newline takes it anyway, and hides nothing. Every other C0 control,
//! DEL and every C1 control is written as an escape (`\r`, `\v`, `\f`, `\xHH`); valid UTF-8
//! text passes unchanged.

use std::io::{self, Write};

/// True for the bytes and code points written as escapes (see the module documentation).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// True when `data` has nothing `write_safe` would escape.
pub fn is_safe(data: &[u8]) -> bool {
    // Fast path: printable ASCII, newline and tab.
    if data
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
    {
        return true;
    }
    data.utf8_chunks().all(|chunk| {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            if is_unsafe_char(c) && !crlf(c, chars.peek().copied()) {
                return false;
            }
        }
        !chunk.invalid().iter().any(|b| (0x80..0xa0).contains(b))
    })
}

/// A CR that a newline follows.
fn crlf(c: char, next: Option<char>) -> bool {
    c == '\r' && next == Some('\n')
}

/// Writes `data` with every unsafe control escaped. Bytes that are not UTF-8 pass as they are,
/// except 0x80..0x9F, which an 8-bit terminal takes as C1 controls.
pub fn write_safe<W: Write + ?Sized>(out: &mut W, data: &[u8]) -> io::Result<()> {
    if is_safe(data) {
        return out.write_all(data);
    }
    let mut buf = Vec::with_capacity(data.len() + 16);
    for chunk in data.utf8_chunks() {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            if is_unsafe_char(c) && !crlf(c, chars.peek().copied()) {
                escape(&mut buf, u32::from(c));
            } else {
                let mut tmp = [0u8; 4];
                buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
        }
        for &b in chunk.invalid() {
            if (0x80..0xa0).contains(&b) {
                escape(&mut buf, u32::from(b));
            } else {
                buf.push(b);
            }
        }
    }
    out.write_all(&buf)
}

/// `text` with every unsafe control escaped, for messages built with `format!`.
pub fn safe_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut buf = Vec::with_capacity(text.len() + 16);
    let _ = write_safe(&mut buf, text.as_bytes());
    std::borrow::Cow::Owned(String::from_utf8_lossy(&buf).into_owned())
}

fn escape(buf: &mut Vec<u8>, c: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        0x0d => buf.extend_from_slice(b"\\r"),
        0x0b => buf.extend_from_slice(b"\\v"),
        0x0c => buf.extend_from_slice(b"\\f"),
        _ => {
            // Only C0, DEL and C1 come here: all below 0x100.
            let c = (c & 0xff) as usize;
            buf.extend_from_slice(b"\\x");
            buf.push(HEX[c >> 4]);
            buf.push(HEX[c & 0xf]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(data: &[u8]) -> String {
        let mut out = Vec::new();
        write_safe(&mut out, data).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    fn assert_no_raw_control(bytes: &[u8]) {
        assert!(is_safe(bytes), "raw control character in {bytes:?}");
    }

    #[test]
    fn controls_are_escaped_text_passes() {
        assert_eq!(safe(b"plain text\n\twith tab"), "plain text\n\twith tab");
        assert_eq!(
            safe(b"\x1b[2J\x1b]0;title\x07"),
            "\\x1b[2J\\x1b]0;title\\x07"
        );
        assert_eq!(safe(b"line\rhidden"), "line\\rhidden");
        assert_eq!(safe(b"line\r\nnext"), "line\r\nnext");
        assert_eq!(safe(b"a\r\r\n"), "a\\r\r\n");
        assert_eq!(safe(b"\x0b\x0c\x7f\x00"), "\\v\\f\\x7f\\x00");
        // UTF-8 text stays; C1 controls, encoded or raw, do not.
        assert_eq!(safe("café ü".as_bytes()), "café ü");
        assert_eq!(safe("a\u{9b}31m".as_bytes()), "a\\x9b31m");
        assert_eq!(safe(b"a\x9b31m"), "a\\x9b31m");
        // Other invalid bytes pass (a Latin-1 é).
        let mut out = Vec::new();
        write_safe(&mut out, b"caf\xe9").unwrap();
        assert_eq!(out, b"caf\xe9");
        for sample in [&b"\x1b[31m"[..], b"\r", b"\x9b", "\u{85}".as_bytes()] {
            let mut out = Vec::new();
            write_safe(&mut out, sample).unwrap();
            assert_no_raw_control(&out);
        }
        assert_eq!(safe_text("ok"), "ok");
        assert_eq!(safe_text("bad\u{7}"), "bad\\x07");
    }
}
