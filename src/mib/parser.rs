//! The MIB parser: tokens to modules and definitions (the records of `ast`). Recursive
//! descent over the token vector, one function per construct of RFC 2578-2580 (SMIv2) and
//! RFC 1155/1212/1215 (SMIv1), with MACRO bodies skipped.
//!
//! It never gives up on a file: a definition it cannot read is reported (file:line:col,
//! what was expected, what was found) and skipped up to the start of the next definition;
//! what it can read is kept. Vendor slips that have an obvious meaning are accepted as named
//! relaxations (see `diag::Relaxation`).

use std::sync::Arc;

use super::ast::{
    Access, Arenas, ConstraintKind, Def, DefExtra, DefKind, DefVal, FLAG_AUGMENTS, Import,
    Language, Module, ModuleId, ModuleStatus, NO_TAG, NONE, NameRef, NamedNumber, OidComponent,
    Range, Revision, Slice, SourceId, Status, Syntax, SyntaxKind, TextSpan, TypeTarget,
};
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

    // ----- file and module ----------------------------------------------------------------

    fn parse_file(&mut self) -> Vec<Module> {
        let mut modules = Vec::new();
        while let Some(header_at) = self.find_module_header() {
            self.i = header_at;
            if let Some(m) = self.parse_module() {
                modules.push(m);
                self.module_id = ModuleId(self.module_id.0 + 1);
            }
        }
        if modules.is_empty() {
            self.module_label = None;
            self.error(
                Code::NoModule,
                Pos::FILE,
                "no MIB module in this file (expected 'NAME DEFINITIONS ::= BEGIN')".into(),
            );
        }
        modules
    }

    /// Finds the next `Name [{ oid }] DEFINITIONS` from the current token; returns the index
    /// of the name.
    fn find_module_header(&mut self) -> Option<usize> {
        let toks = self.toks;
        let mut i = self.i;
        while toks[i].kind != Tok::Eof {
            if toks[i].kind == Tok::Ident && toks[i].text(self.src) == b"DEFINITIONS" {
                // Walk back over an optional { ... } to the name.
                let mut j = i;
                if j > 0 && toks[j - 1].kind == Tok::RBrace {
                    while j > 0 && toks[j - 1].kind != Tok::LBrace {
                        j -= 1;
                    }
                    j = j.saturating_sub(1);
                }
                if j > 0 && toks[j - 1].kind == Tok::Ident && j > self.i {
                    return Some(j - 1);
                }
            }
            i += 1;
        }
        self.i = i;
        None
    }

    fn parse_module(&mut self) -> Option<Module> {
        let name_tok = self.bump();
        let name_text = self.text(&name_tok);
        let name = self.interner.intern_bytes(name_text);
        self.module_label = Some(Arc::from(self.interner.get(name)));
        self.language = Language::Unknown;
        self.header = Header::default();
        let pos = pos_of(&name_tok);
        if name_text.first().is_some_and(u8::is_ascii_lowercase) {
            self.relaxed(
                Relaxation::LowercaseTypeName,
                pos,
                format!(
                    "module name '{}' should start with an uppercase letter",
                    self.interner.get(name)
                ),
            );
        }
        // Optional module OID, then DEFINITIONS [tag default] ::= BEGIN.
        if self.peek().kind == Tok::LBrace {
            self.skip_balanced_braces();
        }
        self.bump(); // DEFINITIONS
        while self.peek().kind == Tok::Ident && !self.at_kw(b"BEGIN") {
            self.bump(); // IMPLICIT TAGS and the like
        }
        self.failed_def = false;
        let header_ok = self.expect(Tok::Assign, "'::=' after DEFINITIONS").is_ok()
            && self.expect_kw(b"BEGIN").is_ok();
        let first_def = self.defs.len() as u32;
        let mut imports = Vec::new();
        if header_ok {
            self.parse_body(&mut imports);
        } else {
            self.failed_def = false;
        }
        let header = std::mem::take(&mut self.header);
        Some(Module {
            name,
            source: Some(self.source),
            pos,
            language: self.language,
            imports,
            defs: first_def..self.defs.len() as u32,
            last_updated: header.last_updated,
            organization: header.organization,
            contact_info: header.contact_info,
            revisions: header.revisions,
            status: ModuleStatus::Loaded,
            builtin: false,
            dropped: false,
        })
    }

    fn parse_body(&mut self, imports: &mut Vec<Import>) {
        loop {
            self.failed_def = false;
            let t = self.peek();
            match t.kind {
                Tok::Eof => {
                    self.relaxed(
                        Relaxation::MissingEnd,
                        pos_of(&t),
                        "module has no closing END".into(),
                    );
                    return;
                }
                Tok::Ident => {
                    let word = self.text(&t);
                    if word == b"END" {
                        self.bump();
                        return;
                    }
                    if word == b"IMPORTS" {
                        self.bump();
                        self.parse_imports(imports);
                        continue;
                    }
                    if word == b"EXPORTS" {
                        self.bump();
                        while !matches!(self.peek().kind, Tok::Semicolon | Tok::Eof) {
                            self.bump();
                        }
                        self.eat_kind(Tok::Semicolon);
                        continue;
                    }
                    // Another module header without END before it.
                    if self.is_kw(&self.peek_at(1), b"DEFINITIONS") {
                        self.relaxed(
                            Relaxation::MissingEnd,
                            pos_of(&t),
                            "module has no closing END before the next module".into(),
                        );
                        return;
                    }
                    let start = self.i;
                    if self.parse_definition().is_err() {
                        self.recover(start);
                    }
                }
                _ => {
                    let start = self.i;
                    let _ = self.unexpected(&t, "a definition");
                    self.recover(start);
                }
            }
        }
    }

    /// Skips to the start of the next definition (or END) after an error.
    fn recover(&mut self, start: usize) {
        if self.i <= start {
            self.i = start + 1;
        }
        loop {
            let t = self.toks[self.i];
            match t.kind {
                Tok::Eof => return,
                Tok::Ident if self.text(&t) == b"END" && self.looks_like_module_end() => return,
                Tok::Ident if self.looks_like_definition_start(self.i) => return,
                _ => self.i += 1,
            }
        }
    }

    /// `END` followed by end of file or another module header.
    fn looks_like_module_end(&self) -> bool {
        let next = self.toks[self.i + 1];
        next.kind == Tok::Eof
            || (next.kind == Tok::Ident
                && self
                    .toks
                    .get(self.i + 2)
                    .is_some_and(|t| self.is_kw(t, b"DEFINITIONS") || t.kind == Tok::LBrace))
    }

    fn looks_like_definition_start(&self, i: usize) -> bool {
        let toks = self.toks;
        let Some(next) = toks.get(i + 1) else {
            return false;
        };
        if next.kind == Tok::Ident {
            let w = self.text(next);
            if macro_kind(w).is_some() || w == b"MACRO" {
                return true;
            }
            if w == b"OBJECT"
                && toks
                    .get(i + 2)
                    .is_some_and(|t| self.is_kw(t, b"IDENTIFIER"))
                && toks.get(i + 3).is_some_and(|t| t.kind == Tok::Assign)
            {
                return true;
            }
            return false;
        }
        if next.kind == Tok::Assign {
            // `STATUS current ::= { ... }` is the end of a macro, not `current ::= ...`.
            let prev_is_clause = i > 0
                && toks[i - 1].kind == Tok::Ident
                && matches!(
                    self.text(&toks[i - 1]),
                    b"STATUS" | b"ACCESS" | b"MAX-ACCESS" | b"ENTERPRISE" | b"SYNTAX"
                );
            return !prev_is_clause
                && self
                    .text(&toks[i])
                    .first()
                    .is_some_and(u8::is_ascii_uppercase);
        }
        false
    }

    fn skip_balanced_braces(&mut self) {
        let mut depth = 0usize;
        loop {
            let t = self.bump();
            match t.kind {
                Tok::LBrace => depth += 1,
                Tok::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                Tok::Eof => return,
                _ => {}
            }
        }
    }

    // ----- IMPORTS (RFC 2578 section 3.2) ------------------------------------------------

    fn parse_imports(&mut self, imports: &mut Vec<Import>) {
        let mut symbols: Vec<(Sym, Pos)> = Vec::new();
        let mut saw_v1 = false;
        let mut saw_v2 = false;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Semicolon => {
                    self.bump();
                    break;
                }
                Tok::Comma => {
                    self.bump();
                    let next = self.peek();
                    if self.is_kw(&next, b"FROM") || next.kind == Tok::Semicolon {
                        self.relaxed(
                            Relaxation::TrailingComma,
                            pos_of(&t),
                            "comma after the last symbol of an IMPORTS list".into(),
                        );
                    }
                }
                Tok::Ident if self.text(&t) == b"FROM" => {
                    self.bump();
                    let Ok(m) = self.expect_ident("a module name after FROM") else {
                        self.failed_def = false;
                        symbols.clear();
                        continue;
                    };
                    let mtext = self.text(&m);
                    saw_v1 |= SMIV1_BASES.contains(&mtext);
                    saw_v2 |= SMIV2_BASES.contains(&mtext);
                    let from = self.interner.intern_bytes(mtext);
                    // `FROM SNMPv2-SMI { iso ... }`: an optional module OID.
                    if self.peek().kind == Tok::LBrace {
                        self.skip_balanced_braces();
                    }
                    for (symbol, pos) in symbols.drain(..) {
                        imports.push(Import {
                            symbol,
                            from,
                            pos,
                            target: NONE,
                        });
                    }
                    // A missing ';' shows as a definition starting right here.
                    let next = self.peek();
                    if next.kind == Tok::Ident && self.looks_like_definition_start(self.i) {
                        self.relaxed(
                            Relaxation::MissingSemicolon,
                            pos_of(&next),
                            "IMPORTS is not closed by ';'".into(),
                        );
                        break;
                    }
                }
                Tok::Ident => {
                    self.bump();
                    let sym = self.interner.intern_bytes(self.text(&t));
                    symbols.push((sym, pos_of(&t)));
                }
                Tok::Eof => {
                    let _ = self.unexpected(&t, "';' closing IMPORTS");
                    return;
                }
                _ => {
                    let _ = self.unexpected(&t, "a symbol, ',' or FROM in IMPORTS");
                    self.failed_def = false;
                    self.bump();
                }
            }
        }
        if !symbols.is_empty() {
            let (_, pos) = symbols[0];
            self.error(
                Code::SyntaxError,
                pos,
                "symbols at the end of IMPORTS have no FROM clause".into(),
            );
        }
        self.language = match (saw_v1, saw_v2) {
            (_, true) => Language::Smiv2,
            (true, false) => Language::Smiv1,
            (false, false) => Language::Unknown,
        };
    }

    /// Consumes the comma at `comma`; one right before `}` is reported (RFC 2578 lists have
    /// no trailing separator).
    fn comma_in_list(&mut self, comma: &Token, what: &str) {
        self.bump();
        if self.peek().kind == Tok::RBrace {
            self.relaxed(
                Relaxation::TrailingComma,
                pos_of(comma),
                format!("comma after the last item of {what}"),
            );
        }
    }

    // ----- definitions --------------------------------------------------------------------

    /// RFC 2578 section 3.1: values start lowercase, types uppercase, and no name has `_`.
    fn check_name(&mut self, t: &Token, is_type: bool) {
        let text = self.text(t);
        let wrong_case = if is_type {
            text.first().is_some_and(u8::is_ascii_lowercase)
        } else {
            text.first().is_some_and(u8::is_ascii_uppercase)
        };
        if wrong_case {
            let (r, what, case) = if is_type {
                (Relaxation::LowercaseTypeName, "a type", "an uppercase")
            } else {
                (Relaxation::UppercaseValueName, "a value", "a lowercase")
            };
            self.relaxed(
                r,
                pos_of(t),
                format!(
                    "'{}' names {what} and should start with {case} letter",
                    String::from_utf8_lossy(text)
                ),
            );
        }
        self.check_underscore(t);
    }

    fn check_value_name(&mut self, t: &Token) {
        self.check_name(t, false);
    }

    fn check_type_name(&mut self, t: &Token) {
        self.check_name(t, true);
    }

    fn check_underscore(&mut self, t: &Token) {
        let text = self.text(t);
        if text.contains(&b'_') {
            self.relaxed(
                Relaxation::UnderscoreInName,
                pos_of(t),
                format!(
                    "'{}' contains '_', which SMI names may not",
                    String::from_utf8_lossy(text)
                ),
            );
        }
    }

    /// A new definition named by the current definition's name.
    fn new_def(&self, name_tok: &Token, kind: DefKind) -> Def {
        Def::new(self.def_name, self.module_id, pos_of(name_tok), kind)
    }

    fn intern(&mut self, t: &Token) -> Sym {
        self.interner.intern_bytes(self.text(t))
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let name_tok = self.bump();
        self.def_name = self.intern(&name_tok);
        let next = self.peek();
        match next.kind {
            Tok::Ident => {
                let word = self.text(&next);
                if let Some(kind) = macro_kind(word) {
                    self.bump();
                    self.check_value_name(&name_tok);
                    return self.parse_macro(&name_tok, kind);
                }
                if word == b"MACRO" {
                    self.bump();
                    self.skip_macro_body();
                    let def = self.new_def(&name_tok, DefKind::Macro);
                    self.defs.push(def);
                    return Ok(());
                }
                if word == b"OBJECT" && self.is_kw(&self.peek_at(1), b"IDENTIFIER") {
                    self.bump();
                    self.bump();
                    self.check_value_name(&name_tok);
                    self.expect(Tok::Assign, "'::=' after OBJECT IDENTIFIER")?;
                    let oid = self.parse_oid_value()?;
                    let mut def = self.new_def(&name_tok, DefKind::ObjectIdentifier);
                    def.oid = oid;
                    self.defs.push(def);
                    return Ok(());
                }
                // `name Type ::= value`: a value of another type (ignored beyond its name).
                self.parse_other_value(&name_tok)
            }
            Tok::Assign => {
                self.bump();
                if self.eat_kw(b"TEXTUAL-CONVENTION") {
                    self.check_type_name(&name_tok);
                    return self.parse_macro(&name_tok, DefKind::TextualConvention);
                }
                self.check_type_name(&name_tok);
                let syntax = self.parse_syntax()?;
                let mut def = self.new_def(&name_tok, DefKind::TypeAssignment);
                def.syntax = syntax;
                self.defs.push(def);
                Ok(())
            }
            _ => Err(self.unexpected(
                &next,
                "a macro (OBJECT-TYPE, ...), 'OBJECT IDENTIFIER' or '::=' after a name",
            )),
        }
    }

    /// `name SomeType ::= value`.
    fn parse_other_value(&mut self, name_tok: &Token) -> PResult<()> {
        let start = self.i;
        let _ = self.parse_syntax()?;
        if !self.eat_kind(Tok::Assign) {
            self.i = start;
            let t = self.peek();
            return Err(self.unexpected(
                &t,
                "a macro (OBJECT-TYPE, ...), 'OBJECT IDENTIFIER' or '::=' after a name",
            ));
        }
        let t = self.peek();
        if t.kind == Tok::LBrace {
            self.skip_balanced_braces();
        } else {
            self.bump();
        }
        let def = self.new_def(name_tok, DefKind::Value);
        self.defs.push(def);
        Ok(())
    }

    /// `NAME MACRO ::= BEGIN ... END`: skipped whole (junk inside is fine).
    fn skip_macro_body(&mut self) {
        while self.toks[self.i].kind != Tok::Eof {
            let t = self.toks[self.i];
            self.i += 1;
            if t.kind == Tok::Ident && self.text(&t) == b"END" {
                return;
            }
        }
    }

    fn string_span(&mut self, t: &Token) -> TextSpan {
        if t.kind == Tok::UnterminatedStr {
            self.error(
                Code::UnterminatedString,
                pos_of(t),
                "quoted string never closed: it runs to the end of the file".into(),
            );
        }
        let body = t.string_body(self.src);
        let start = t.start + 1;
        TextSpan {
            start,
            len: body.len() as u32,
        }
    }

    fn expect_string(&mut self, what: &str) -> PResult<TextSpan> {
        let t = self.peek();
        if matches!(t.kind, Tok::Str | Tok::UnterminatedStr) {
            self.bump();
            Ok(self.string_span(&t))
        } else {
            Err(self.unexpected(&t, what))
        }
    }

    /// A short quoted string, interned (UNITS, DISPLAY-HINT, LAST-UPDATED).
    fn expect_short_string(&mut self, what: &str) -> PResult<Sym> {
        let t = self.peek();
        if matches!(t.kind, Tok::Str | Tok::UnterminatedStr) {
            self.bump();
            self.string_span(&t);
            let body = unquote_doubled(t.string_body(self.src));
            Ok(self.interner.intern_bytes(&body))
        } else {
            Err(self.unexpected(&t, what))
        }
    }

    fn parse_access(&mut self, clause: &Token, kind: DefKind) -> PResult<Access> {
        let t = self.expect_ident("an access keyword (read-only, ...)")?;
        let word = String::from_utf8_lossy(self.text(&t)).into_owned();
        let access = match Access::from_keyword(&word) {
            Some(a) => a,
            None => {
                self.relaxed(
                    Relaxation::UnknownKeywordValue,
                    pos_of(&t),
                    format!("'{word}' is not an SMI access value"),
                );
                Access::Other
            }
        };
        let clause_word = self.text(clause);
        if kind == DefKind::ObjectType {
            let v1_clause = clause_word == b"ACCESS";
            if self.language == Language::Smiv2 && v1_clause {
                self.relaxed(
                    Relaxation::SmiMixed,
                    pos_of(clause),
                    "SMIv1 ACCESS clause in an SMIv2 module (use MAX-ACCESS)".into(),
                );
            } else if self.language == Language::Smiv1 && !v1_clause {
                self.relaxed(
                    Relaxation::SmiMixed,
                    pos_of(clause),
                    "SMIv2 MAX-ACCESS clause in an SMIv1 module (use ACCESS)".into(),
                );
            }
        }
        Ok(access)
    }

    fn parse_status(&mut self) -> PResult<Status> {
        let t = self.expect_ident("a status (current, deprecated, obsolete)")?;
        let word = String::from_utf8_lossy(self.text(&t)).into_owned();
        let status = match Status::from_keyword(&word) {
            Some(s) => s,
            None => {
                self.relaxed(
                    Relaxation::UnknownKeywordValue,
                    pos_of(&t),
                    format!("'{word}' is not an SMI status"),
                );
                Status::Other
            }
        };
        if self.language == Language::Smiv2
            && matches!(status, Status::Mandatory | Status::Optional)
        {
            self.relaxed(
                Relaxation::SmiMixed,
                pos_of(&t),
                format!("SMIv1 status '{word}' in an SMIv2 module (use current)"),
            );
        }
        Ok(status)
    }

    /// The clauses of a macro invocation up to `::=`, then its value.
    fn parse_macro(&mut self, name_tok: &Token, kind: DefKind) -> PResult<()> {
        let mut def = self.new_def(name_tok, kind);
        let mut extra = DefExtra::default();
        let mut enterprise: Option<Slice> = None;
        let mut in_revision: Option<usize> = None;
        loop {
            let t = self.peek();
            if t.kind == Tok::Assign {
                break;
            }
            // A TEXTUAL-CONVENTION has no value: it ends after its SYNTAX.
            if kind == DefKind::TextualConvention && def.syntax != NONE {
                break;
            }
            if t.kind != Tok::Ident {
                return Err(self.unexpected(&t, &format!("a clause of {} or '::='", kind.as_str())));
            }
            let word = self.text(&t);
            match word {
                b"SYNTAX" => {
                    self.bump();
                    def.syntax = self.parse_syntax()?;
                }
                b"UNITS" => {
                    self.bump();
                    extra.units = Some(self.expect_short_string("a quoted UNITS text")?);
                }
                b"MAX-ACCESS" | b"ACCESS" | b"MIN-ACCESS" => {
                    self.bump();
                    def.access = Some(self.parse_access(&t, kind)?);
                }
                b"STATUS" => {
                    self.bump();
                    def.status = Some(self.parse_status()?);
                }
                b"DESCRIPTION" => {
                    self.bump();
                    let text = self.expect_string("a quoted DESCRIPTION")?;
                    match in_revision.take() {
                        Some(r) => self.header.revisions[r].description = Some(text),
                        None => def.description = text,
                    }
                }
                b"REFERENCE" => {
                    self.bump();
                    extra.reference = self.expect_string("a quoted REFERENCE")?;
                }
                b"INDEX" => {
                    self.bump();
                    def.refs = self.parse_index()?;
                    def.flags &= !FLAG_AUGMENTS;
                }
                b"AUGMENTS" => {
                    self.bump();
                    def.refs = self.parse_name_list(true)?;
                    def.flags |= FLAG_AUGMENTS;
                }
                b"DEFVAL" => {
                    self.bump();
                    extra.defval = self.parse_defval();
                }
                b"OBJECTS" | b"VARIABLES" | b"NOTIFICATIONS" => {
                    self.bump();
                    def.refs = self.parse_name_list(false)?;
                }
                b"ENTERPRISE" if kind == DefKind::TrapType => {
                    self.bump();
                    enterprise = Some(self.parse_enterprise()?);
                }
                b"DISPLAY-HINT" => {
                    self.bump();
                    extra.display_hint = Some(self.expect_short_string("a quoted DISPLAY-HINT")?);
                }
                b"LAST-UPDATED" => {
                    self.bump();
                    self.header.last_updated =
                        Some(self.expect_short_string("a quoted LAST-UPDATED date")?);
                }
                b"ORGANIZATION" => {
                    self.bump();
                    self.header.organization = Some(self.expect_string("a quoted ORGANIZATION")?);
                }
                b"CONTACT-INFO" => {
                    self.bump();
                    self.header.contact_info = Some(self.expect_string("a quoted CONTACT-INFO")?);
                }
                b"REVISION" => {
                    self.bump();
                    let date = self.expect_short_string("a quoted REVISION date")?;
                    self.header.revisions.push(Revision {
                        date,
                        description: None,
                    });
                    in_revision = Some(self.header.revisions.len() - 1);
                }
                b"PRODUCT-RELEASE" => {
                    self.bump();
                    self.expect_string("a quoted PRODUCT-RELEASE")?;
                }
                b"MODULE" if kind == DefKind::ModuleCompliance => {
                    self.parse_compliance_module(&mut def)?;
                }
                b"SUPPORTS" if kind == DefKind::AgentCapabilities => {
                    self.parse_supports(&mut def)?;
                }
                _ => {
                    return Err(
                        self.unexpected(&t, &format!("a clause of {} or '::='", kind.as_str()))
                    );
                }
            }
        }
        if kind == DefKind::TextualConvention {
            self.check_required(&def, name_tok);
            self.push_def(def, extra);
            return Ok(());
        }
        self.expect(Tok::Assign, "'::='")?;
        if kind == DefKind::TrapType {
            // RFC 1215: `::= number`; the trap's OID is ENTERPRISE.0.number (RFC 3584 3.1).
            let t = self.expect(Tok::Number, "a trap number after '::='")?;
            let n = self.parse_u32(&t)?;
            let start = self.arenas.oids.len();
            match enterprise {
                Some(e) => {
                    let comps: Vec<OidComponent> = self.arenas.oids[e.range()].to_vec();
                    self.arenas.oids.extend(comps);
                }
                None => {
                    self.error(
                        Code::SyntaxError,
                        pos_of(name_tok),
                        "TRAP-TYPE without ENTERPRISE clause".into(),
                    );
                }
            }
            if enterprise.is_some() {
                self.arenas.oids.push(OidComponent::Number(0));
                self.arenas.oids.push(OidComponent::Number(n));
                def.oid = Slice::of(&self.arenas.oids, start);
            }
            if self.language == Language::Smiv2 {
                self.relaxed(
                    Relaxation::SmiMixed,
                    pos_of(name_tok),
                    "SMIv1 TRAP-TYPE in an SMIv2 module (use NOTIFICATION-TYPE)".into(),
                );
            }
        } else {
            def.oid = self.parse_oid_value()?;
        }
        self.check_required(&def, name_tok);
        self.push_def(def, extra);
        Ok(())
    }

    /// Adds a definition, with its rarely used clauses aside.
    fn push_def(&mut self, mut def: Def, extra: DefExtra) {
        if extra != DefExtra::default() {
            def.extra = self.arenas.extras.len() as u32;
            self.arenas.extras.push(extra);
        }
        self.defs.push(def);
    }

    /// Reports clauses the macro requires but the definition lacks (RFC 2578 sections 5-8,
    /// RFC 2579 section 2, RFC 2580 sections 3-6; SMIv1 only requires SYNTAX, ACCESS and
    /// STATUS of an OBJECT-TYPE).
    fn check_required(&mut self, def: &Def, name_tok: &Token) {
        let v1 = self.language == Language::Smiv1;
        let mut missing: Vec<&str> = Vec::new();
        let needs_status = match def.kind {
            DefKind::ModuleIdentity | DefKind::TrapType => false,
            DefKind::ObjectType => true,
            _ => !v1,
        };
        let needs_description = self.language == Language::Smiv2 && def.kind != DefKind::TrapType;
        if matches!(def.kind, DefKind::ObjectType | DefKind::TextualConvention)
            && def.syntax == NONE
        {
            missing.push("SYNTAX");
        }
        if def.kind == DefKind::ObjectType && def.access.is_none() {
            missing.push(if v1 { "ACCESS" } else { "MAX-ACCESS" });
        }
        if needs_status && def.status.is_none() {
            missing.push("STATUS");
        }
        if needs_description && def.description.get().is_none() {
            missing.push("DESCRIPTION");
        }
        if !missing.is_empty() {
            let name = String::from_utf8_lossy(self.text(name_tok)).into_owned();
            self.relaxed(
                Relaxation::MissingClause,
                pos_of(name_tok),
                format!(
                    "{} '{name}' has no {} clause",
                    def.kind.as_str(),
                    missing.join(", ")
                ),
            );
        }
    }

    /// `MODULE [name [oid]] [MANDATORY-GROUPS {...}] (GROUP ... | OBJECT ...)*` (RFC 2580
    /// section 5.4).
    fn parse_compliance_module(&mut self, def: &mut Def) -> PResult<()> {
        self.expect_kw(b"MODULE")?;
        let t = self.peek();
        if t.kind == Tok::Ident
            && !matches!(
                self.text(&t),
                b"MANDATORY-GROUPS" | b"GROUP" | b"OBJECT" | b"MODULE"
            )
        {
            self.bump();
            if self.peek().kind == Tok::LBrace {
                self.skip_balanced_braces();
            }
        }
        let start = self.arenas.refs.len();
        // Copy what a previous MODULE clause collected, to keep one contiguous slice.
        let previous: Vec<NameRef> = self.arenas.refs[def.refs.range()].to_vec();
        self.arenas.refs.extend(previous);
        if self.eat_kw(b"MANDATORY-GROUPS") {
            // Appended right after the copy: the slice stays contiguous.
            self.parse_name_list(false)?;
        }
        loop {
            if self.eat_kw(b"GROUP") {
                let g = self.expect_ident("a group name after GROUP")?;
                let name = self.intern(&g);
                self.arenas.refs.push(NameRef {
                    name,
                    implied: false,
                    line: g.line,
                    target: NONE,
                });
                self.expect_kw(b"DESCRIPTION")?;
                self.expect_string("a quoted DESCRIPTION")?;
            } else if self.eat_kw(b"OBJECT") {
                self.expect_ident("an object name after OBJECT")?;
                loop {
                    let t = self.peek();
                    match self.text(&t) {
                        b"SYNTAX" | b"WRITE-SYNTAX" if t.kind == Tok::Ident => {
                            self.bump();
                            self.skip_syntax()?;
                        }
                        b"MIN-ACCESS" if t.kind == Tok::Ident => {
                            self.bump();
                            self.parse_access(&t, DefKind::ModuleCompliance)?;
                        }
                        b"DESCRIPTION" if t.kind == Tok::Ident => {
                            self.bump();
                            self.expect_string("a quoted DESCRIPTION")?;
                            break;
                        }
                        _ => break,
                    }
                }
            } else {
                break;
            }
        }
        def.refs = Slice::of(&self.arenas.refs, start);
        Ok(())
    }

    /// `SUPPORTS module INCLUDES {...} (VARIATION ...)*` (RFC 2580 section 6.5).
    fn parse_supports(&mut self, def: &mut Def) -> PResult<()> {
        self.expect_kw(b"SUPPORTS")?;
        self.expect_ident("a module name after SUPPORTS")?;
        if self.peek().kind == Tok::LBrace {
            self.skip_balanced_braces();
        }
        self.expect_kw(b"INCLUDES")?;
        let start = self.arenas.refs.len();
        let previous: Vec<NameRef> = self.arenas.refs[def.refs.range()].to_vec();
        self.arenas.refs.extend(previous);
        self.parse_name_list(false)?;
        def.refs = Slice::of(&self.arenas.refs, start);
        while self.eat_kw(b"VARIATION") {
            self.expect_ident("an object name after VARIATION")?;
            loop {
                let t = self.peek();
                if t.kind != Tok::Ident {
                    break;
                }
                match self.text(&t) {
                    b"SYNTAX" | b"WRITE-SYNTAX" => {
                        self.bump();
                        self.skip_syntax()?;
                    }
                    b"ACCESS" => {
                        self.bump();
                        self.parse_access(&t, DefKind::AgentCapabilities)?;
                    }
                    b"CREATION-REQUIRES" => {
                        self.bump();
                        let mark = self.arenas.refs.len();
                        self.parse_name_list(false)?;
                        self.arenas.refs.truncate(mark);
                    }
                    b"DEFVAL" => {
                        self.bump();
                        if self.parse_defval() != NONE {
                            self.arenas.defvals.pop();
                        }
                    }
                    b"DESCRIPTION" => {
                        self.bump();
                        self.expect_string("a quoted DESCRIPTION")?;
                        break;
                    }
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// ENTERPRISE of a TRAP-TYPE: a name or an OID value.
    fn parse_enterprise(&mut self) -> PResult<Slice> {
        let t = self.peek();
        if t.kind == Tok::LBrace {
            return self.parse_oid_value();
        }
        let t = self.expect_ident("an enterprise name")?;
        let name = self.intern(&t);
        let start = self.arenas.oids.len();
        self.arenas.oids.push(OidComponent::Name(name, t.line));
        Ok(Slice::of(&self.arenas.oids, start))
    }

    // ----- values -------------------------------------------------------------------------

    fn parse_u32(&mut self, t: &Token) -> PResult<u32> {
        let text = self.text(t);
        match std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse::<u32>().ok())
        {
            Some(n) => Ok(n),
            None => {
                self.error(
                    Code::BadNumber,
                    pos_of(t),
                    format!(
                        "{} does not fit a sub-identifier (0..4294967295)",
                        String::from_utf8_lossy(text)
                    ),
                );
                self.failed_def = true;
                Err(Reported)
            }
        }
    }

    /// `{ parent 3 }`, `{ iso org(3) dod(6) 1 }`, `{ 1 3 6 1 }` (X.680 section 31.3).
    fn parse_oid_value(&mut self) -> PResult<Slice> {
        self.expect(Tok::LBrace, "'{' starting an OID value")?;
        let start = self.arenas.oids.len();
        loop {
            let t = self.peek();
            match t.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Number => {
                    self.bump();
                    let n = self.parse_u32(&t)?;
                    self.arenas.oids.push(OidComponent::Number(n));
                }
                Tok::Ident => {
                    self.bump();
                    let name = self.intern(&t);
                    if self.peek().kind == Tok::LParen {
                        self.bump();
                        let n = self.expect(Tok::Number, "a number in name(number)")?;
                        let n = self.parse_u32(&n)?;
                        self.expect(Tok::RParen, "')'")?;
                        self.arenas.oids.push(OidComponent::NamedNumber(name, n));
                    } else if self.peek().kind == Tok::Dot && self.peek_at(1).kind == Tok::Ident {
                        // `MODULE.name`: an external value reference.
                        self.bump();
                        let n = self.bump();
                        let name = self.intern(&n);
                        self.arenas.oids.push(OidComponent::Name(name, n.line));
                    } else {
                        self.arenas.oids.push(OidComponent::Name(name, t.line));
                    }
                }
                Tok::Comma => {
                    // `{ a, 1 }` is not OID syntax, but its meaning is plain.
                    self.bump();
                    self.relaxed(
                        Relaxation::TrailingComma,
                        pos_of(&t),
                        "comma between OID components".into(),
                    );
                }
                _ => return Err(self.unexpected(&t, "a name or number in the OID value")),
            }
        }
        if self.arenas.oids.len() == start {
            let t = self.toks[self.i.saturating_sub(1)];
            return Err(self.unexpected(&t, "at least one component in the OID value"));
        }
        Ok(Slice::of(&self.arenas.oids, start))
    }

    /// A number in a range or enumeration: decimal, negative, `'..'H`, `'..'B`.
    fn parse_signed(&mut self) -> PResult<i128> {
        let neg = self.eat_kind(Tok::Minus);
        let t = self.peek();
        let value = match t.kind {
            Tok::Number => std::str::from_utf8(self.text(&t))
                .ok()
                .and_then(|s| s.parse::<i128>().ok()),
            Tok::Hex => parse_radix(t.string_body(self.src), 16),
            Tok::Bin => parse_radix(t.string_body(self.src), 2),
            Tok::Ident if self.text(&t) == b"MIN" => Some(i128::from(i64::MIN)),
            Tok::Ident if self.text(&t) == b"MAX" => Some(i128::from(u64::MAX)),
            _ => return Err(self.unexpected(&t, "a number")),
        };
        self.bump();
        match value {
            Some(v) if v <= i128::from(u64::MAX) => Ok(if neg { -v } else { v }),
            _ => {
                self.error(
                    Code::BadNumber,
                    pos_of(&t),
                    format!(
                        "{} is too large for an SMI number",
                        String::from_utf8_lossy(self.text(&t))
                    ),
                );
                self.failed_def = true;
                Err(Reported)
            }
        }
    }

    /// `lo..hi | v | ...` up to the closing parenthesis (RFC 2578 section 9).
    fn parse_ranges(&mut self) -> PResult<Slice> {
        let mut ranges = Vec::new();
        loop {
            let lo = self.parse_signed()?;
            let hi = if self.eat_kind(Tok::Range) {
                self.parse_signed()?
            } else {
                lo
            };
            ranges.push(Range { lo, hi });
            if !self.eat_kind(Tok::Pipe) {
                break;
            }
        }
        let start = self.arenas.ranges.len();
        self.arenas.ranges.extend(ranges);
        Ok(Slice::of(&self.arenas.ranges, start))
    }

    /// `{ name(1), name(2) }` of an INTEGER or BITS (RFC 2578 sections 7.1.1, 7.1.4).
    fn parse_named_numbers(&mut self) -> PResult<Slice> {
        self.expect(Tok::LBrace, "'{'")?;
        let mut items = Vec::new();
        loop {
            let t = self.peek();
            let name = match t.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Ident => {
                    self.bump();
                    self.check_value_name(&t);
                    self.intern(&t)
                }
                // `80211b(3)`: a label glued to its leading digits.
                Tok::Number
                    if self.peek_at(1).kind == Tok::Ident && self.peek_at(1).start == t.end =>
                {
                    self.bump();
                    let rest = self.bump();
                    let label = &self.src[t.start as usize..rest.end as usize];
                    self.relaxed(
                        Relaxation::DigitLeadingName,
                        pos_of(&t),
                        format!(
                            "enumeration label '{}' starts with a digit",
                            String::from_utf8_lossy(label)
                        ),
                    );
                    self.interner.intern_bytes(label)
                }
                _ => return Err(self.unexpected(&t, "an enumeration label")),
            };
            self.expect(Tok::LParen, "'(' after an enumeration label")?;
            let value = self.parse_signed()?;
            self.expect(Tok::RParen, "')'")?;
            let value = i64::try_from(value).unwrap_or(i64::MAX);
            items.push(NamedNumber { name, value });
            let sep = self.peek();
            match sep.kind {
                Tok::Comma => self.comma_in_list(&sep, "an enumeration"),
                Tok::RBrace => {}
                Tok::Ident | Tok::Number => self.relaxed(
                    Relaxation::MissingComma,
                    pos_of(&sep),
                    "enumeration items not separated by a comma".into(),
                ),
                _ => return Err(self.unexpected(&sep, "',' or '}' in the enumeration")),
            }
        }
        let start = self.arenas.named.len();
        self.arenas.named.extend(items);
        Ok(Slice::of(&self.arenas.named, start))
    }

    /// A SYNTAX (RFC 2578 section 7.1, plus the ASN.1 subset the base modules use). Returns
    /// the index of the new record in `Arenas::syntaxes`.
    fn parse_syntax(&mut self) -> PResult<u32> {
        let first = self.peek();
        let pos = pos_of(&first);
        let mut app_tag = NO_TAG;
        if first.kind == Tok::LBracket {
            self.bump();
            let _class =
                self.eat_kw(b"APPLICATION") || self.eat_kw(b"UNIVERSAL") || self.eat_kw(b"PRIVATE");
            let n = self.expect(Tok::Number, "a tag number")?;
            app_tag = u8::try_from(self.parse_u32(&n)?).unwrap_or(NO_TAG - 1);
            self.expect(Tok::RBracket, "']'")?;
            let _ = self.eat_kw(b"IMPLICIT") || self.eat_kw(b"EXPLICIT");
        }
        let t = self.expect_ident("a type")?;
        let mut named = Slice::EMPTY;
        let kind = match self.text(&t) {
            b"INTEGER" => {
                if self.peek().kind == Tok::LBrace {
                    named = self.parse_named_numbers()?;
                }
                SyntaxKind::Integer
            }
            b"OCTET" => {
                self.expect_kw(b"STRING")?;
                SyntaxKind::OctetString
            }
            b"OBJECT" => {
                self.expect_kw(b"IDENTIFIER")?;
                SyntaxKind::ObjectIdentifier
            }
            b"BITS" => {
                // Bare BITS appears in SEQUENCE items (RFC 2578 section 7.1.4).
                if self.peek().kind == Tok::LBrace {
                    named = self.parse_named_numbers()?;
                }
                SyntaxKind::Bits
            }
            b"NULL" => SyntaxKind::Null,
            b"SEQUENCE" => {
                if self.eat_kw(b"OF") {
                    let e = self.expect_ident("a row type after SEQUENCE OF")?;
                    SyntaxKind::SequenceOf(self.intern(&e))
                } else {
                    self.skip_items()?;
                    SyntaxKind::Sequence
                }
            }
            b"CHOICE" => {
                self.skip_items()?;
                SyntaxKind::Choice
            }
            _ => {
                let mut name_tok = t;
                // `SNMPv2-TC.DisplayString`: a type from a named module.
                if self.peek().kind == Tok::Dot && self.peek_at(1).kind == Tok::Ident {
                    self.bump();
                    name_tok = self.bump();
                }
                let name = self.intern(&name_tok);
                if self.peek().kind == Tok::LBrace {
                    named = self.parse_named_numbers()?;
                }
                SyntaxKind::Named(name)
            }
        };
        let mut constraint = ConstraintKind::None;
        let mut ranges = Slice::EMPTY;
        let t = self.peek();
        if t.kind == Tok::LParen {
            self.bump();
            if self.eat_kw(b"SIZE") {
                self.expect(Tok::LParen, "'(' after SIZE")?;
                ranges = self.parse_ranges()?;
                self.expect(Tok::RParen, "')'")?;
                constraint = ConstraintKind::Size;
            } else {
                ranges = self.parse_ranges()?;
                constraint = ConstraintKind::Value;
            }
            self.expect(Tok::RParen, "')' closing the constraint")?;
        } else if self.is_kw(&t, b"SIZE") {
            // `OCTET STRING SIZE (0..255)`, without the outer parentheses.
            self.bump();
            self.expect(Tok::LParen, "'(' after SIZE")?;
            ranges = self.parse_ranges()?;
            self.expect(Tok::RParen, "')'")?;
            constraint = ConstraintKind::Size;
        }
        self.arenas.syntaxes.push(Syntax {
            kind,
            named,
            ranges,
            target: TypeTarget::Unresolved,
            line: pos.line,
            app_tag,
            constraint,
        });
        Ok((self.arenas.syntaxes.len() - 1) as u32)
    }

    /// A SYNTAX that is checked but not kept (refinements in MODULE-COMPLIANCE and
    /// AGENT-CAPABILITIES, SEQUENCE items).
    fn skip_syntax(&mut self) -> PResult<()> {
        let marks = (
            self.arenas.syntaxes.len(),
            self.arenas.named.len(),
            self.arenas.ranges.len(),
        );
        let result = self.parse_syntax().map(|_| ());
        self.arenas.syntaxes.truncate(marks.0);
        self.arenas.named.truncate(marks.1);
        self.arenas.ranges.truncate(marks.2);
        result
    }

    /// `{ name Type, ... }` of a SEQUENCE or CHOICE: checked, not kept (the columns carry
    /// their own SYNTAX).
    fn skip_items(&mut self) -> PResult<()> {
        self.expect(Tok::LBrace, "'{'")?;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Ident => {
                    self.bump();
                    self.skip_syntax()?;
                    let sep = self.peek();
                    match sep.kind {
                        Tok::Comma => self.comma_in_list(&sep, "a SEQUENCE"),
                        Tok::RBrace => {}
                        Tok::Ident => self.relaxed(
                            Relaxation::MissingComma,
                            pos_of(&sep),
                            "SEQUENCE items not separated by a comma".into(),
                        ),
                        _ => return Err(self.unexpected(&sep, "',' or '}' in the SEQUENCE")),
                    }
                }
                _ => return Err(self.unexpected(&t, "a SEQUENCE item name")),
            }
        }
        Ok(())
    }

    /// INDEX { [IMPLIED] name, ... } (RFC 2578 section 7.7; SMIv1 allows type names).
    fn parse_index(&mut self) -> PResult<Slice> {
        self.expect(Tok::LBrace, "'{' after INDEX")?;
        self.parse_names("an INDEX", true)
    }

    /// The names of a `{ ... }` list up to its `}`; an INDEX list may mark the last IMPLIED
    /// and (SMIv1) name bare types such as `OCTET STRING`.
    fn parse_names(&mut self, what: &str, index: bool) -> PResult<Slice> {
        let start = self.arenas.refs.len();
        loop {
            let t = self.peek();
            match t.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Comma => self.comma_in_list(&t, what),
                Tok::Ident => {
                    self.bump();
                    let mut implied = false;
                    let mut name_tok = t;
                    if index && self.text(&t) == b"IMPLIED" {
                        implied = true;
                        name_tok = self.expect_ident("an object after IMPLIED")?;
                    }
                    let name = match self.text(&name_tok) {
                        b"OCTET" if index && self.eat_kw(b"STRING") => {
                            self.interner.intern("OCTET STRING")
                        }
                        b"OBJECT" if index && self.eat_kw(b"IDENTIFIER") => {
                            self.interner.intern("OBJECT IDENTIFIER")
                        }
                        _ => self.intern(&name_tok),
                    };
                    self.arenas.refs.push(NameRef {
                        name,
                        implied,
                        line: name_tok.line,
                        target: NONE,
                    });
                }
                _ => return Err(self.unexpected(&t, &format!("a name in {what}"))),
            }
        }
        Ok(Slice::of(&self.arenas.refs, start))
    }

    /// `{ name, name }` (OBJECTS, NOTIFICATIONS, AUGMENTS, ...).
    fn parse_name_list(&mut self, single: bool) -> PResult<Slice> {
        self.expect(Tok::LBrace, "'{'")?;
        let slice = self.parse_names("a list", false)?;
        if single && slice.len != 1 {
            let t = self.toks[self.i.saturating_sub(1)];
            return Err(self.unexpected(&t, "exactly one name"));
        }
        Ok(slice)
    }

    /// DEFVAL { value } (RFC 2578 section 7.9). A value it cannot read is reported as a
    /// warning and skipped: the object is still usable without its default.
    fn parse_defval(&mut self) -> u32 {
        let open = self.peek();
        if open.kind != Tok::LBrace {
            let _ = self.unexpected(&open, "'{' after DEFVAL");
            return NONE;
        }
        let start_i = self.i;
        let diag_mark = self.diags.items.len();
        self.bump();
        let t = self.peek();
        let value = match t.kind {
            Tok::Number | Tok::Minus => self.parse_signed().ok().map(DefVal::Integer),
            Tok::Str | Tok::UnterminatedStr => {
                self.bump();
                self.string_span(&t);
                let body = unquote_doubled(t.string_body(self.src));
                Some(DefVal::String(self.interner.intern_bytes(&body)))
            }
            Tok::Hex => {
                self.bump();
                Some(DefVal::Hex(
                    self.interner.intern_bytes(t.string_body(self.src)),
                ))
            }
            Tok::Bin => {
                self.bump();
                Some(DefVal::Binary(
                    self.interner.intern_bytes(t.string_body(self.src)),
                ))
            }
            Tok::Ident => {
                self.bump();
                Some(DefVal::Name(self.intern(&t)))
            }
            Tok::LBrace => self.parse_defval_braces(),
            _ => None,
        };
        let close = self.peek();
        match value {
            Some(v) if close.kind == Tok::RBrace => {
                self.bump();
                self.arenas.defvals.push(v);
                (self.arenas.defvals.len() - 1) as u32
            }
            _ => {
                // Whatever the sub-parsers reported is replaced by one warning.
                self.diags.items.truncate(diag_mark);
                self.failed_def = false;
                self.i = start_i;
                self.skip_balanced_braces();
                self.warn(
                    Code::SyntaxError,
                    pos_of(&open),
                    "DEFVAL value not understood; the default is ignored".into(),
                );
                NONE
            }
        }
    }

    /// `{ bit, bit }` (BITS) or `{ name 1 2 }` (OBJECT IDENTIFIER) inside DEFVAL.
    fn parse_defval_braces(&mut self) -> Option<DefVal> {
        let start = self.i;
        self.bump();
        let mut names = Vec::new();
        let mut all_names = true;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Comma => {
                    self.bump();
                }
                Tok::Ident => {
                    self.bump();
                    names.push(NameRef {
                        name: self.intern(&t),
                        implied: false,
                        line: t.line,
                        target: NONE,
                    });
                }
                Tok::Number => {
                    all_names = false;
                    self.bump();
                }
                _ => return None,
            }
        }
        if all_names {
            let s = self.arenas.refs.len();
            self.arenas.refs.extend(names);
            return Some(DefVal::Bits(Slice::of(&self.arenas.refs, s)));
        }
        self.i = start;
        self.parse_oid_value().ok().map(DefVal::Oid)
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
