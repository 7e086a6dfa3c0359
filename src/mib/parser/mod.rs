//! The MIB parser: tokens to modules and definitions (the records of `ast`). Recursive
//! descent over the token vector, one function per construct of RFC 2578-2580 (SMIv2) and
//! RFC 1155/1212/1215 (SMIv1), with MACRO bodies skipped.
//!
//! It never gives up on a file: a definition it cannot read is reported (file:line:col,
//! what was expected, what was found) and skipped up to the start of the next definition;
//! what it can read is kept. Vendor slips that have an obvious meaning are accepted as named
//! relaxations (see `diag::Relaxation`).
//!
//! This file holds the entry points, the token access and the diagnostics; `module` reads
//! files, module headers, bodies and IMPORTS; `definition` the definitions and macro
//! clauses; `values` numbers, OID values, SYNTAX, INDEX and DEFVAL.

mod definition;
mod module;
mod values;

use std::sync::Arc;

use super::ast::{Arenas, Def, DefKind, Language, Module, ModuleId, Revision, SourceId, TextSpan};
use super::diag::{Code, DiagSink, Pos, Relaxation, Severity};
use super::intern::{Interner, Sym};
use super::lexer::{Tok, Token, tokenize};

/// The keywords that follow a definition's name and introduce a macro invocation.
const MACRO_KEYWORDS: &[(&[u8], DefKind)] = &[
    (b"OBJECT-TYPE", DefKind::ObjectType),
    (b"OBJECT-IDENTITY", DefKind::ObjectIdentity),
    (b"MODULE-IDENTITY", DefKind::ModuleIdentity),
    (b"NOTIFICATION-TYPE", DefKind::NotificationType),
    (b"TRAP-TYPE", DefKind::TrapType),
    (b"OBJECT-GROUP", DefKind::ObjectGroup),
    (b"NOTIFICATION-GROUP", DefKind::NotificationGroup),
    (b"MODULE-COMPLIANCE", DefKind::ModuleCompliance),
    (b"AGENT-CAPABILITIES", DefKind::AgentCapabilities),
];

/// Module names whose import marks the SMI version (RFC 2578 vs RFC 1155).
const SMIV2_BASES: &[&[u8]] = &[b"SNMPv2-SMI", b"SNMPv2-TC", b"SNMPv2-CONF"];
const SMIV1_BASES: &[&[u8]] = &[b"RFC1155-SMI", b"RFC-1212", b"RFC-1215"];

fn macro_kind(word: &[u8]) -> Option<DefKind> {
    MACRO_KEYWORDS
        .iter()
        .find(|(k, _)| *k == word)
        .map(|&(_, kind)| kind)
}

/// The names of the modules a source defines (`NAME [{ oid }] DEFINITIONS ::= BEGIN`),
/// found by lexing only as far as needed: what a MIB directory index needs, far cheaper
/// than a parse. Modules after the first are found when the text holds `DEFINITIONS` again.
pub fn scan_module_names(src: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut prev: [Option<Token>; 2] = [None, None];
    let mut brace_depth = 0usize;
    let mut name_before_brace: Option<Token> = None;
    let mut tokens = super::lexer::Tokens::new(src);
    let more_than_one = memchr::memmem::find_iter(src, b"DEFINITIONS")
        .nth(1)
        .is_some();
    for t in tokens.by_ref() {
        match t.kind {
            Tok::LBrace => {
                if brace_depth == 0 {
                    name_before_brace = prev[1].filter(|p| p.kind == Tok::Ident);
                }
                brace_depth += 1;
            }
            Tok::RBrace => brace_depth = brace_depth.saturating_sub(1),
            Tok::Ident if brace_depth == 0 && t.text(src) == b"DEFINITIONS" => {
                let name = match prev[1] {
                    Some(p) if p.kind == Tok::Ident => Some(p),
                    Some(p) if p.kind == Tok::RBrace => name_before_brace,
                    _ => None,
                };
                if let Some(n) = name {
                    names.push(String::from_utf8_lossy(n.text(src)).into_owned());
                    if !more_than_one {
                        break;
                    }
                }
            }
            _ => {}
        }
        prev = [prev[1], Some(t)];
    }
    names
}

/// Where the parsed records go: shared by every file of one compile.
pub(crate) struct ParseOutput<'a> {
    pub interner: &'a mut Interner,
    pub arenas: &'a mut Arenas,
    pub defs: &'a mut Vec<crate::mib::ast::Def>,
    pub diags: &'a mut DiagSink,
    /// Reused token buffer.
    pub tokens: &'a mut Vec<Token>,
}

/// Parses every module in one source. Module ids are assigned from `first_module`.
pub(crate) fn parse_source(
    source: SourceId,
    file: &Arc<str>,
    bytes: &[u8],
    first_module: u32,
    out: ParseOutput<'_>,
) -> Vec<Module> {
    let ParseOutput {
        interner,
        arenas,
        defs,
        diags,
        tokens: token_buf,
    } = out;
    let mut tokens = std::mem::take(token_buf);
    let placeholder = interner.intern("");
    tokenize(bytes, &mut tokens);
    let mut p = Parser {
        src: bytes,
        toks: &tokens,
        i: 0,
        file,
        source,
        interner,
        arenas,
        defs,
        diags,
        module_label: None,
        module_id: ModuleId(first_module),
        language: Language::Unknown,
        header: Header::default(),
        failed_def: false,
        def_name: placeholder,
    };
    let modules = p.parse_file();
    *token_buf = tokens;
    modules
}

/// The module-level fields a MODULE-IDENTITY fills in.
#[derive(Default)]
struct Header {
    last_updated: Option<Sym>,
    organization: Option<TextSpan>,
    contact_info: Option<TextSpan>,
    revisions: Vec<Revision>,
}

/// A parse error already reported; the caller recovers.
struct Reported;

type PResult<T> = Result<T, Reported>;

struct Parser<'a> {
    src: &'a [u8],
    toks: &'a [Token],
    i: usize,
    file: &'a Arc<str>,
    source: SourceId,
    interner: &'a mut Interner,
    arenas: &'a mut Arenas,
    defs: &'a mut Vec<Def>,
    diags: &'a mut DiagSink,
    module_label: Option<Arc<str>>,
    module_id: ModuleId,
    language: Language,
    header: Header,
    /// Set while skipping a definition after an error (keeps one error per definition).
    failed_def: bool,
    /// The name of the definition being parsed.
    def_name: Sym,
}

fn describe(tok: &Token, src: &[u8]) -> String {
    match tok.kind {
        Tok::Eof => "end of file".to_string(),
        Tok::Str | Tok::UnterminatedStr => "a quoted string".to_string(),
        _ => {
            let text = tok.text(src);
            let text = &text[..text.len().min(40)];
            format!("'{}'", String::from_utf8_lossy(text))
        }
    }
}

impl<'a> Parser<'a> {
    // ----- token access -------------------------------------------------------------------

    /// The current token, after reporting and skipping stray bytes.
    fn peek(&mut self) -> Token {
        while self.toks[self.i].kind == Tok::Junk {
            let t = self.toks[self.i];
            let text = String::from_utf8_lossy(t.text(self.src)).into_owned();
            self.relaxed(
                Relaxation::StrayCharacter,
                pos_of(&t),
                format!("stray character '{text}' skipped"),
            );
            self.i += 1;
        }
        self.toks[self.i]
    }

    /// The token `n` places after the current one (junk not skipped; used for lookahead).
    fn peek_at(&self, n: usize) -> Token {
        let mut i = self.i;
        let mut left = n;
        loop {
            while self.toks[i].kind == Tok::Junk {
                i += 1;
            }
            if left == 0 || self.toks[i].kind == Tok::Eof {
                return self.toks[i];
            }
            left -= 1;
            i += 1;
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.kind != Tok::Eof {
            self.i += 1;
        }
        t
    }

    fn text(&self, t: &Token) -> &'a [u8] {
        t.text(self.src)
    }

    fn is_kw(&self, t: &Token, kw: &[u8]) -> bool {
        t.kind == Tok::Ident && self.text(t) == kw
    }

    fn at_kw(&mut self, kw: &[u8]) -> bool {
        let t = self.peek();
        self.is_kw(&t, kw)
    }

    fn eat_kind(&mut self, kind: Tok) -> bool {
        if self.peek().kind == kind {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &[u8]) -> bool {
        if self.at_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: Tok, what: &str) -> PResult<Token> {
        let t = self.peek();
        if t.kind == kind {
            Ok(self.bump())
        } else {
            Err(self.unexpected(&t, what))
        }
    }

    fn expect_kw(&mut self, kw: &[u8]) -> PResult<Token> {
        let t = self.peek();
        if self.is_kw(&t, kw) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(&t, &String::from_utf8_lossy(kw)))
        }
    }

    fn expect_ident(&mut self, what: &str) -> PResult<Token> {
        self.expect(Tok::Ident, what)
    }

    // ----- diagnostics ---------------------------------------------------------------------

    fn unexpected(&mut self, t: &Token, expected: &str) -> Reported {
        if !self.failed_def {
            let found = describe(t, self.src);
            let d = self.diags.push(
                Severity::Error,
                Code::SyntaxError,
                self.file,
                pos_of(t),
                self.module_label.as_ref(),
                format!("expected {expected}, found {found}"),
            );
            if t.kind == Tok::UnterminatedStr {
                d.hint = Some(
                    "a quote opened here is never closed; look for a missing or doubled \" above"
                        .into(),
                );
            }
        }
        self.failed_def = true;
        Reported
    }

    fn error(&mut self, code: Code, pos: Pos, message: String) {
        self.diags.push(
            Severity::Error,
            code,
            self.file,
            pos,
            self.module_label.as_ref(),
            message,
        );
    }

    fn warn(&mut self, code: Code, pos: Pos, message: String) {
        self.diags.push(
            Severity::Warning,
            code,
            self.file,
            pos,
            self.module_label.as_ref(),
            message,
        );
    }

    fn relaxed(&mut self, r: Relaxation, pos: Pos, message: String) {
        self.diags
            .relaxed(r, self.file, pos, self.module_label.as_ref(), message);
    }
}

fn pos_of(t: &Token) -> Pos {
    Pos::new(t.line, t.col)
}

/// A quoted string's contents with `""` turned back into `"`.
pub(crate) fn unquote_doubled(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr::memmem::find(body, b"\"\"").is_none() {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        out.push(body[i]);
        if body[i] == b'"' && body.get(i + 1) == Some(&b'"') {
            i += 1;
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

fn parse_radix(digits: &[u8], radix: u32) -> Option<i128> {
    let mut v: i128 = 0;
    let mut any = false;
    for &b in digits {
        if b.is_ascii_whitespace() {
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        v = v
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(d))?;
        any = true;
    }
    any.then_some(v)
}
