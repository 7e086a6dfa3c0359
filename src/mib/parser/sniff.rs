//! What a file that defines no MIB module holds instead: MIB directories collect READMEs,
//! empty files left by failed copies, web pages saved in place of a download, compressed
//! archives. Each gets a note that says which, and what to do about it.

use crate::mib::lexer::{Tok, Tokens};

/// Why a source defines no module (`NAME DEFINITIONS ::= BEGIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAMib {
    /// No bytes, or only white space.
    Empty,
    /// Only ASN.1 comments.
    OnlyComments,
    /// A compressed file or archive (gzip, bzip2, xz, zip, ...).
    Compressed(&'static str),
    /// An HTML page.
    Html,
    /// Bytes that are not text.
    Binary,
    /// Text, but no module in it (a README, a list of OIDs).
    Text,
}

impl NotAMib {
    /// Looks at the bytes of a source in which no module was found.
    pub fn of(src: &[u8]) -> NotAMib {
        const MAGIC: &[(&[u8], &str)] = &[
            (b"\x1f\x8b", "gzip"),
            (b"BZh", "bzip2"),
            (b"\xfd7zXZ\0", "xz"),
            (b"PK\x03\x04", "zip"),
            (b"\x28\xb5\x2f\xfd", "zstd"),
            (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
        ];
        if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| src.starts_with(m)) {
            return NotAMib::Compressed(kind);
        }
        if src.iter().all(u8::is_ascii_whitespace) {
            return NotAMib::Empty;
        }
        let head = &src[..src.len().min(4096)];
        if head.contains(&0) {
            return NotAMib::Binary;
        }
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        let start = lower.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if start.starts_with("<!doctype html")
            || start.starts_with("<html")
            || start.starts_with("<?xml") && lower.contains("<html")
        {
            return NotAMib::Html;
        }
        if Tokens::new(src).next().is_none_or(|t| t.kind == Tok::Eof) {
            return NotAMib::OnlyComments;
        }
        NotAMib::Text
    }

    /// What the file is, for a message (`FILE: note[no-module]: ...`).
    pub fn message(self) -> String {
        match self {
            NotAMib::Empty => "an empty file, no MIB module in it".into(),
            NotAMib::OnlyComments => "only comments, no MIB module in it".into(),
            NotAMib::Compressed(kind) => format!("a {kind}-compressed file, not MIB text"),
            NotAMib::Html => "an HTML page, not a MIB".into(),
            NotAMib::Binary => "binary data, not MIB text".into(),
            NotAMib::Text => {
                "text without a MIB module (no 'NAME DEFINITIONS ::= BEGIN' in it)".into()
            }
        }
    }

    /// What to do about it.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            NotAMib::Empty | NotAMib::OnlyComments => {
                Some("a copy or download that failed? fetch the MIB again")
            }
            NotAMib::Compressed(_) => Some("unpack it into the MIB directory"),
            NotAMib::Html => Some("a web page saved instead of the MIB? download the raw MIB text"),
            NotAMib::Binary | NotAMib::Text => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_file_without_module_is() {
        for (bytes, want) in [
            (&b""[..], NotAMib::Empty),
            (b" \n\t\r\n", NotAMib::Empty),
            (b"-- just a header\n-- and more\n", NotAMib::OnlyComments),
            (b"\x1f\x8b\x08\x00rest", NotAMib::Compressed("gzip")),
            (b"PK\x03\x04zip", NotAMib::Compressed("zip")),
            (b"\n<!DOCTYPE html>\n<html>", NotAMib::Html),
            (b"<HTML><BODY>404", NotAMib::Html),
            (b"ELF\0\0\x01\x02", NotAMib::Binary),
            (b"This directory holds MIBs.\n", NotAMib::Text),
        ] {
            assert_eq!(
                NotAMib::of(bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
