//! Files and modules: finding each module's header, its body definition by definition with
//! recovery after an error, and IMPORTS (RFC 2578 section 3.2).

use std::sync::Arc;

use crate::mib::ast::{Import, Language, Module, ModuleId, ModuleStatus, NONE};
use crate::mib::diag::{Code, Pos, Relaxation};
use crate::mib::intern::Sym;
use crate::mib::lexer::{Tok, Token};

use super::{Header, Parser, SMIV1_BASES, SMIV2_BASES, macro_kind, pos_of};

impl Parser<'_> {
    // ----- file and module ----------------------------------------------------------------

    pub(super) fn parse_file(&mut self) -> Vec<Module> {
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
    pub(super) fn find_module_header(&mut self) -> Option<usize> {
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

    pub(super) fn parse_module(&mut self) -> Option<Module> {
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

    pub(super) fn parse_body(&mut self, imports: &mut Vec<Import>) {
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
    pub(super) fn recover(&mut self, start: usize) {
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
    pub(super) fn looks_like_module_end(&self) -> bool {
        let next = self.toks[self.i + 1];
        next.kind == Tok::Eof
            || (next.kind == Tok::Ident
                && self
                    .toks
                    .get(self.i + 2)
                    .is_some_and(|t| self.is_kw(t, b"DEFINITIONS") || t.kind == Tok::LBrace))
    }

    pub(super) fn looks_like_definition_start(&self, i: usize) -> bool {
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

    pub(super) fn skip_balanced_braces(&mut self) {
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

    pub(super) fn parse_imports(&mut self, imports: &mut Vec<Import>) {
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
    pub(super) fn comma_in_list(&mut self, comma: &Token, what: &str) {
        self.bump();
        if self.peek().kind == Tok::RBrace {
            self.relaxed(
                Relaxation::TrailingComma,
                pos_of(comma),
                format!("comma after the last item of {what}"),
            );
        }
    }
}
