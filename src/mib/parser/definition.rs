//! Definitions: names checked against RFC 2578 section 3.1, the macro invocations
//! (OBJECT-TYPE, MODULE-IDENTITY, NOTIFICATION-TYPE, TRAP-TYPE, groups, MODULE-COMPLIANCE,
//! AGENT-CAPABILITIES) clause by clause, and the other value assignments.

use crate::mib::ast::{
    Access, Def, DefExtra, DefKind, FLAG_AUGMENTS, Language, NONE, NameRef, OidComponent, Revision,
    Slice, Status, TextSpan,
};
use crate::mib::diag::{Code, Relaxation};
use crate::mib::intern::Sym;
use crate::mib::lexer::{Tok, Token};

use super::{PResult, Parser, macro_kind, pos_of, unquote_doubled};

impl Parser<'_> {
    // ----- definitions --------------------------------------------------------------------

    /// RFC 2578 section 3.1: values start lowercase, types uppercase, and no name has `_`.
    pub(super) fn check_name(&mut self, t: &Token, is_type: bool) {
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

    pub(super) fn check_value_name(&mut self, t: &Token) {
        self.check_name(t, false);
    }

    pub(super) fn check_type_name(&mut self, t: &Token) {
        self.check_name(t, true);
    }

    pub(super) fn check_underscore(&mut self, t: &Token) {
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
    pub(super) fn new_def(&self, name_tok: &Token, kind: DefKind) -> Def {
        Def::new(self.def_name, self.module_id, pos_of(name_tok), kind)
    }

    pub(super) fn intern(&mut self, t: &Token) -> Sym {
        self.interner.intern_bytes(self.text(t))
    }

    pub(super) fn parse_definition(&mut self) -> PResult<()> {
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
    pub(super) fn parse_other_value(&mut self, name_tok: &Token) -> PResult<()> {
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
    pub(super) fn skip_macro_body(&mut self) {
        while self.toks[self.i].kind != Tok::Eof {
            let t = self.toks[self.i];
            self.i += 1;
            if t.kind == Tok::Ident && self.text(&t) == b"END" {
                return;
            }
        }
    }

    pub(super) fn string_span(&mut self, t: &Token) -> TextSpan {
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

    pub(super) fn expect_string(&mut self, what: &str) -> PResult<TextSpan> {
        let t = self.peek();
        if matches!(t.kind, Tok::Str | Tok::UnterminatedStr) {
            self.bump();
            Ok(self.string_span(&t))
        } else {
            Err(self.unexpected(&t, what))
        }
    }

    /// A short quoted string, interned (UNITS, DISPLAY-HINT, LAST-UPDATED).
    pub(super) fn expect_short_string(&mut self, what: &str) -> PResult<Sym> {
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

    pub(super) fn parse_access(&mut self, clause: &Token, kind: DefKind) -> PResult<Access> {
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

    pub(super) fn parse_status(&mut self) -> PResult<Status> {
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
    pub(super) fn parse_macro(&mut self, name_tok: &Token, kind: DefKind) -> PResult<()> {
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
    pub(super) fn push_def(&mut self, mut def: Def, extra: DefExtra) {
        if extra != DefExtra::default() {
            def.extra = self.arenas.extras.len() as u32;
            self.arenas.extras.push(extra);
        }
        self.defs.push(def);
    }

    /// Reports clauses the macro requires but the definition lacks (RFC 2578 sections 5-8,
    /// RFC 2579 section 2, RFC 2580 sections 3-6; SMIv1 only requires SYNTAX, ACCESS and
    /// STATUS of an OBJECT-TYPE).
    pub(super) fn check_required(&mut self, def: &Def, name_tok: &Token) {
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
    pub(super) fn parse_compliance_module(&mut self, def: &mut Def) -> PResult<()> {
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
    pub(super) fn parse_supports(&mut self, def: &mut Def) -> PResult<()> {
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
    pub(super) fn parse_enterprise(&mut self) -> PResult<Slice> {
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
}
