//! Values and types: numbers, OID values, ranges and named numbers, SYNTAX, INDEX and
//! name lists, DEFVAL.

use crate::mib::ast::{
    ConstraintKind, DefVal, NO_TAG, NONE, NameRef, NamedNumber, OidComponent, Range, Slice, Syntax,
    SyntaxKind, TypeTarget,
};
use crate::mib::diag::{Code, Relaxation};
use crate::mib::lexer::{Tok, Token};

use super::{PResult, Parser, Reported, parse_radix, pos_of, unquote_doubled};

impl Parser<'_> {
    // ----- values -------------------------------------------------------------------------

    pub(super) fn parse_u32(&mut self, t: &Token) -> PResult<u32> {
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
    pub(super) fn parse_oid_value(&mut self) -> PResult<Slice> {
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
    pub(super) fn parse_signed(&mut self) -> PResult<i128> {
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
    pub(super) fn parse_ranges(&mut self) -> PResult<Slice> {
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
    pub(super) fn parse_named_numbers(&mut self) -> PResult<Slice> {
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
    pub(super) fn parse_syntax(&mut self) -> PResult<u32> {
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
    pub(super) fn skip_syntax(&mut self) -> PResult<()> {
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
    pub(super) fn skip_items(&mut self) -> PResult<()> {
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
    pub(super) fn parse_index(&mut self) -> PResult<Slice> {
        self.expect(Tok::LBrace, "'{' after INDEX")?;
        self.parse_names("an INDEX", true)
    }

    /// The names of a `{ ... }` list up to its `}`; an INDEX list may mark the last IMPLIED
    /// and (SMIv1) name bare types such as `OCTET STRING`.
    pub(super) fn parse_names(&mut self, what: &str, index: bool) -> PResult<Slice> {
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
    pub(super) fn parse_name_list(&mut self, single: bool) -> PResult<Slice> {
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
    pub(super) fn parse_defval(&mut self) -> u32 {
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
    pub(super) fn parse_defval_braces(&mut self) -> Option<DefVal> {
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
