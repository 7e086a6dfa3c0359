//! What a renderer needs to know about an object's type: the SYNTAX followed through its
//! textual conventions (RFC 2579 section 3) down to the SMI base type, with the enumeration
//! or bit names, the constraint and the DISPLAY-HINT that apply on the way.

use super::ast::{
    BaseType, ConstraintKind, NO_TAG, NONE, NamedNumber, Range, SyntaxKind, TypeTarget,
};
use super::tree::{DefRef, Mib};

/// Bound on TC chains (`A ::= B`, `B ::= A` must not loop).
const MAX_CHAIN: usize = 32;

/// The resolved type of a definition.
#[derive(Debug, Clone, Copy)]
pub struct TypeInfo<'a> {
    mib: &'a Mib,
    /// The SMI type on the wire.
    pub base: BaseType,
    /// The named type the SYNTAX names (`DisplayString`, `Counter32`, `InterfaceIndex`).
    pub type_name: Option<&'a str>,
    /// The first textual convention or type assignment in the chain (its module, status,
    /// description).
    pub tc: Option<DefRef<'a>>,
    /// The DISPLAY-HINT of the nearest TC that has one (RFC 2579 section 3.1).
    pub display_hint: Option<&'a str>,
    named: &'a [NamedNumber],
    /// Whether `ranges` are sizes (octets) or values.
    pub constraint: ConstraintKind,
    /// The nearest constraint on the chain (the object's refinement, else its TC's).
    pub ranges: &'a [Range],
}

impl<'a> TypeInfo<'a> {
    /// Enumeration labels (INTEGER) or bit names and positions (BITS), nearest first.
    pub fn named_numbers(&self) -> impl Iterator<Item = (&'a str, i64)> + 'a {
        let mib = self.mib;
        self.named
            .iter()
            .map(move |n| (mib.interner.get(n.name), n.value))
    }

    pub fn has_named_numbers(&self) -> bool {
        !self.named.is_empty()
    }

    /// The label of an enumeration value or bit number.
    pub fn label_of(&self, value: i64) -> Option<&'a str> {
        self.named
            .iter()
            .find(|n| n.value == value)
            .map(|n| self.mib.interner.get(n.name))
    }

    /// The value of an enumeration label or bit name.
    pub fn value_of(&self, label: &str) -> Option<i64> {
        self.named
            .iter()
            .find(|n| self.mib.interner.get(n.name) == label)
            .map(|n| n.value)
    }

    pub fn is_enum(&self) -> bool {
        self.base != BaseType::Bits && !self.named.is_empty()
    }
}

/// Ranges as the MIB writes them: `0..255 | 300`.
pub fn ranges_text(ranges: &[Range]) -> String {
    ranges
        .iter()
        .map(|r| {
            if r.lo == r.hi {
                r.lo.to_string()
            } else {
                format!("{}..{}", r.lo, r.hi)
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn base_of_tag(tag: u8) -> BaseType {
    // RFC 2578 section 7.1 and RFC 1155 section 3.2.3: the application types by tag.
    match tag {
        0 => BaseType::IpAddress,
        1 => BaseType::Counter32,
        2 => BaseType::Gauge32,
        3 => BaseType::TimeTicks,
        4 => BaseType::Opaque,
        6 => BaseType::Counter64,
        n => BaseType::Application(n),
    }
}

impl<'a> DefRef<'a> {
    /// The definition's type, resolved (OBJECT-TYPE, TEXTUAL-CONVENTION, type assignments).
    pub fn syntax(&self) -> Option<TypeInfo<'a>> {
        let mib = self.mib();
        let start = self.raw().syntax;
        if start == NONE {
            return None;
        }
        let mut info = TypeInfo {
            mib,
            base: BaseType::Unresolved,
            type_name: None,
            tc: None,
            display_hint: None,
            named: &[],
            constraint: ConstraintKind::None,
            ranges: &[],
        };
        if self.kind().is_type() {
            info.display_hint = self.own_display_hint();
        }
        let mut cur = start;
        for _ in 0..MAX_CHAIN {
            let Some(s) = mib.arenas.syntaxes.get(cur as usize) else {
                break;
            };
            if info.named.is_empty() && !s.named.is_empty() {
                info.named = &mib.arenas.named[s.named.range()];
            }
            if info.constraint == ConstraintKind::None && s.constraint != ConstraintKind::None {
                info.constraint = s.constraint;
                info.ranges = &mib.arenas.ranges[s.ranges.range()];
            }
            info.base = match s.kind {
                SyntaxKind::Integer if s.app_tag != NO_TAG => base_of_tag(s.app_tag),
                SyntaxKind::Integer => BaseType::Integer32,
                SyntaxKind::OctetString if s.app_tag != NO_TAG => base_of_tag(s.app_tag),
                SyntaxKind::OctetString => BaseType::OctetString,
                SyntaxKind::ObjectIdentifier => BaseType::ObjectIdentifier,
                SyntaxKind::Bits => BaseType::Bits,
                SyntaxKind::Sequence => BaseType::Sequence,
                SyntaxKind::SequenceOf(_) => BaseType::SequenceOf,
                SyntaxKind::Null | SyntaxKind::Choice => BaseType::Unresolved,
                SyntaxKind::Named(name) => {
                    if info.type_name.is_none() {
                        info.type_name = Some(mib.interner.get(name));
                    }
                    match s.target {
                        TypeTarget::Base(b) => b,
                        TypeTarget::Unresolved => BaseType::Unresolved,
                        TypeTarget::Def(d) => {
                            let tc = mib.def(d);
                            if info.tc.is_none() {
                                info.tc = Some(tc);
                            }
                            if info.display_hint.is_none() {
                                info.display_hint = tc.own_display_hint();
                            }
                            cur = tc.raw().syntax;
                            continue;
                        }
                    }
                }
            };
            return Some(info);
        }
        info.base = BaseType::Unresolved;
        Some(info)
    }
}
