//! The MIB lexer: bytes to tokens with line:col spans. Tolerant of what real files contain:
//! CRLF and lone CR, tabs, form feeds, a UTF-8 byte-order mark, Latin-1 bytes in strings and
//! comments, separator lines of dashes, and stray bytes (returned as `Junk` tokens for the
//! parser to report where it knows the module).
//!
//! Comments follow X.680 section 12.6.3 as Net-SNMP does by default: `--` starts a comment
//! that ends at the end of the line or at the next `--`. One refinement keeps separator lines
//! whole: a run of dashes that opens a comment belongs to the opener, and inside a comment
//! only a run of exactly two dashes closes it (`-- a -- b` ends after `a`, `------` does not
//! reopen anything).

use memchr::{memchr, memchr2};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A name: letters, digits, hyphens (and underscores, which the parser flags).
    Ident,
    /// Decimal digits.
    Number,
    /// A quoted string, `"..."`, possibly over many lines.
    Str,
    /// A quoted string that runs to the end of the file.
    UnterminatedStr,
    /// `'0AFF'H`.
    Hex,
    /// `'0101'B`.
    Bin,
    /// `'...'` without an H or B suffix, or with digits that do not fit it.
    BadQuoted,
    /// `::=`
    Assign,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semicolon,
    /// `..`
    Range,
    Dot,
    Pipe,
    Minus,
    Colon,
    /// Anything else (`<`, `>`, `@`, a byte above 0x7F outside strings): skipped by the
    /// parser with a diagnostic, or silently inside MACRO bodies.
    Junk,
    Eof,
}

/// A token: kind, byte range in the source, and where it starts (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
}

impl Token {
    pub fn text<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// The contents of a quoted string without its quotes (still with doubled `""`).
    pub fn string_body<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        let text = self.text(src);
        match self.kind {
            Tok::Str => text
                .get(1..text.len().saturating_sub(1))
                .unwrap_or_default(),
            Tok::UnterminatedStr => text.get(1..).unwrap_or_default(),
            // 'abc'H: drop the quotes and the suffix.
            Tok::Hex | Tok::Bin => text
                .get(1..text.len().saturating_sub(2))
                .unwrap_or_default(),
            _ => text,
        }
    }
}

/// The largest source the lexer accepts: spans are 32-bit.
pub const MAX_SOURCE_BYTES: usize = u32::MAX as usize - 1;

/// Splits `src` into tokens, ending with one `Eof`. Never fails: whatever cannot be a token
/// becomes `Junk`. Sources beyond `MAX_SOURCE_BYTES` are cut there.
pub fn tokenize(src: &[u8], out: &mut Vec<Token>) {
    out.clear();
    out.reserve(src.len().min(MAX_SOURCE_BYTES) / 12);
    out.extend(Tokens::new(src));
}

/// Tokens one at a time, for scans that stop early (finding a file's module name).
pub struct Tokens<'a> {
    lexer: Lexer<'a>,
    done: bool,
}

impl<'a> Tokens<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        let src = &src[..src.len().min(MAX_SOURCE_BYTES)];
        let mut lexer = Lexer {
            src,
            pos: 0,
            line: 1,
            line_start: 0,
        };
        if src.starts_with(b"\xEF\xBB\xBF") {
            lexer.pos = 3;
            lexer.line_start = 3;
        }
        Tokens { lexer, done: false }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.done {
            return None;
        }
        let t = self.lexer.next_token();
        self.done = t.kind == Tok::Eof;
        Some(t)
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

impl Lexer<'_> {
    fn col(&self, at: usize) -> u32 {
        u32::try_from(at - self.line_start + 1).unwrap_or(u32::MAX)
    }

    fn newline_at(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Counts the newlines in `src[from..to]`, updating line and line start.
    fn count_lines(&mut self, from: usize, to: usize) {
        let mut i = from;
        while let Some(off) = memchr(b'\n', &self.src[i..to]) {
            self.newline_at(i + off);
            i += off + 1;
        }
    }

    fn token(&self, kind: Tok, start: usize, end: usize, line: u32, col: u32) -> Token {
        Token {
            kind,
            start: start as u32,
            end: end as u32,
            line,
            col,
        }
    }

    fn next_token(&mut self) -> Token {
        let src = self.src;
        loop {
            let Some(&b) = src.get(self.pos) else {
                let col = self.col(self.pos);
                return self.token(Tok::Eof, self.pos, self.pos, self.line, col);
            };
            match b {
                b'\n' => {
                    self.newline_at(self.pos);
                    self.pos += 1;
                }
                // CR, tab, form feed, ^Z and other controls are white space.
                0..=b' ' | 0x7F => self.pos += 1,
                b'-' if src.get(self.pos + 1) == Some(&b'-') => self.skip_comment(),
                _ => break,
            }
        }
        let start = self.pos;
        let line = self.line;
        let col = self.col(start);
        let b = src[start];
        let single = |lx: &mut Self, kind: Tok| {
            lx.pos += 1;
            lx.token(kind, start, start + 1, line, col)
        };
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => {
                let mut i = start + 1;
                while i < src.len() && is_ident_byte(src[i]) {
                    // `name--comment`: the comment is not part of the name.
                    if src[i] == b'-' && src.get(i + 1) == Some(&b'-') {
                        break;
                    }
                    i += 1;
                }
                self.pos = i;
                self.token(Tok::Ident, start, i, line, col)
            }
            b'0'..=b'9' => {
                let mut i = start + 1;
                while i < src.len() && src[i].is_ascii_digit() {
                    i += 1;
                }
                self.pos = i;
                self.token(Tok::Number, start, i, line, col)
            }
            b'"' => self.string(start, line, col),
            b'\'' => self.quoted_literal(start, line, col),
            b':' if src[start..].starts_with(b"::=") => {
                self.pos = start + 3;
                self.token(Tok::Assign, start, start + 3, line, col)
            }
            b'.' if src.get(start + 1) == Some(&b'.') => {
                self.pos = start + 2;
                self.token(Tok::Range, start, start + 2, line, col)
            }
            b'{' => single(self, Tok::LBrace),
            b'}' => single(self, Tok::RBrace),
            b'(' => single(self, Tok::LParen),
            b')' => single(self, Tok::RParen),
            b'[' => single(self, Tok::LBracket),
            b']' => single(self, Tok::RBracket),
            b',' => single(self, Tok::Comma),
            b';' => single(self, Tok::Semicolon),
            b'.' => single(self, Tok::Dot),
            b'|' => single(self, Tok::Pipe),
            b'-' => single(self, Tok::Minus),
            b':' => single(self, Tok::Colon),
            _ => {
                // One junk token per run of junk bytes (a UTF-8 character is several).
                let mut i = start + 1;
                while i < src.len() && src[i] >= 0x80 {
                    i += 1;
                }
                self.pos = i;
                self.token(Tok::Junk, start, i, line, col)
            }
        }
    }

    /// Skips a comment starting at `self.pos` (which holds `--`).
    fn skip_comment(&mut self) {
        let src = self.src;
        let mut i = self.pos;
        while i < src.len() && src[i] == b'-' {
            i += 1;
        }
        loop {
            match memchr2(b'-', b'\n', &src[i..]) {
                None => {
                    self.pos = src.len();
                    return;
                }
                Some(off) => {
                    let j = i + off;
                    if src[j] == b'\n' {
                        self.pos = j;
                        return;
                    }
                    let mut k = j;
                    while k < src.len() && src[k] == b'-' {
                        k += 1;
                    }
                    if k - j == 2 {
                        self.pos = k;
                        return;
                    }
                    i = k;
                }
            }
        }
    }

    /// A quoted string; `""` inside stands for one quote (X.680 section 12.14).
    fn string(&mut self, start: usize, line: u32, col: u32) -> Token {
        let src = self.src;
        let mut i = start + 1;
        loop {
            match memchr(b'"', &src[i..]) {
                None => {
                    self.count_lines(start, src.len());
                    self.pos = src.len();
                    return self.token(Tok::UnterminatedStr, start, src.len(), line, col);
                }
                Some(off) => {
                    let q = i + off;
                    if src.get(q + 1) == Some(&b'"') {
                        i = q + 2;
                        continue;
                    }
                    self.count_lines(start, q);
                    self.pos = q + 1;
                    return self.token(Tok::Str, start, q + 1, line, col);
                }
            }
        }
    }

    /// `'...'H` or `'...'B` (X.680 sections 12.10, 12.12), on one line.
    fn quoted_literal(&mut self, start: usize, line: u32, col: u32) -> Token {
        let src = self.src;
        let rest = &src[start + 1..];
        let close = memchr2(b'\'', b'\n', rest).filter(|&off| rest[off] == b'\'');
        let Some(off) = close else {
            self.pos = start + 1;
            return self.token(Tok::Junk, start, start + 1, line, col);
        };
        let body = &rest[..off];
        let after = start + 1 + off + 1;
        let (kind, end) = match src.get(after) {
            Some(b'H' | b'h') => {
                let ok = body
                    .iter()
                    .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
                (if ok { Tok::Hex } else { Tok::BadQuoted }, after + 1)
            }
            Some(b'B' | b'b') => {
                let ok = body
                    .iter()
                    .all(|b| matches!(b, b'0' | b'1') || b.is_ascii_whitespace());
                (if ok { Tok::Bin } else { Tok::BadQuoted }, after + 1)
            }
            _ => (Tok::BadQuoted, after),
        };
        // A suffix letter glued to more letters ('00'Hxyz) is not a literal suffix.
        let end = if kind != Tok::BadQuoted && src.get(end).is_some_and(|&b| is_ident_byte(b)) {
            after
        } else {
            end
        };
        let kind = if end == after && kind != Tok::BadQuoted {
            Tok::BadQuoted
        } else {
            kind
        };
        self.pos = end;
        self.token(kind, start, end, line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, String)> {
        let mut toks = Vec::new();
        tokenize(src.as_bytes(), &mut toks);
        toks.iter()
            .map(|t| {
                (
                    t.kind,
                    String::from_utf8_lossy(t.text(src.as_bytes())).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn basic_tokens_and_positions() {
        let src = "ifIndex OBJECT-TYPE\r\n\tSYNTAX INTEGER (0..65535)\n ::= { ifEntry 1 }";
        let mut toks = Vec::new();
        tokenize(src.as_bytes(), &mut toks);
        let k: Vec<Tok> = toks.iter().map(|t| t.kind).collect();
        use Tok::*;
        assert_eq!(
            k,
            [
                Ident, Ident, Ident, Ident, LParen, Number, Range, Number, RParen, Assign, LBrace,
                Ident, Number, RBrace, Eof
            ]
        );
        assert_eq!((toks[2].line, toks[2].col), (2, 2));
        assert_eq!((toks[9].line, toks[9].col), (3, 2));
    }

    #[test]
    fn comments_end_at_line_end_or_double_dash() {
        let k = kinds("a -- comment\nb -- c -- d\n------------\ne ---- x ----\nf--g\n");
        let idents: Vec<&str> = k
            .iter()
            .filter(|(t, _)| *t == Tok::Ident)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(idents, ["a", "b", "d", "e", "f"]);
    }

    #[test]
    fn strings_span_lines_and_keep_doubled_quotes() {
        let src = "DESCRIPTION \"line one\n  say \"\"hi\"\"\"\nx";
        let mut toks = Vec::new();
        tokenize(src.as_bytes(), &mut toks);
        assert_eq!(toks[1].kind, Tok::Str);
        assert_eq!(
            toks[1].string_body(src.as_bytes()),
            b"line one\n  say \"\"hi\"\""
        );
        assert_eq!((toks[2].line, toks[2].col), (3, 1));
    }

    #[test]
    fn unterminated_string_runs_to_end() {
        let k = kinds("x \"never closed\n more");
        assert_eq!(k[1].0, Tok::UnterminatedStr);
        assert_eq!(k[2].0, Tok::Eof);
    }

    #[test]
    fn quoted_literals() {
        let k = kinds("'0aFF'H '0101'b 'zz'H 'abc' '");
        assert_eq!(k[0].0, Tok::Hex);
        assert_eq!(k[1].0, Tok::Bin);
        assert_eq!(k[2].0, Tok::BadQuoted);
        assert_eq!(k[3].0, Tok::BadQuoted);
        assert_eq!(k[4].0, Tok::Junk);
    }

    #[test]
    fn latin1_and_junk_do_not_stop_the_lexer() {
        let src = b"a \xe9\xe9 \"caf\xe9\" <b> \xEF\xBB\xBF";
        let mut toks = Vec::new();
        tokenize(src, &mut toks);
        let k: Vec<Tok> = toks.iter().map(|t| t.kind).collect();
        use Tok::*;
        assert_eq!(k, [Ident, Junk, Str, Junk, Ident, Junk, Junk, Eof]);
    }

    #[test]
    fn bom_is_skipped() {
        let k = kinds("\u{feff}A DEFINITIONS");
        assert_eq!(k[0], (Tok::Ident, "A".to_string()));
    }

    #[test]
    fn every_prefix_tokenizes() {
        let src =
            "X DEFINITIONS ::= BEGIN a OBJECT-TYPE SYNTAX INTEGER { up(1) } \"d\" '0F'H -- c\n END";
        let mut toks = Vec::new();
        for n in 0..=src.len() {
            tokenize(&src.as_bytes()[..n], &mut toks);
            assert_eq!(toks.last().map(|t| t.kind), Some(Tok::Eof));
        }
    }
}
