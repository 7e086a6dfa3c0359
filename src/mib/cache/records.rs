//! The records: modules, definitions, the arenas and definitions' extras, each as an
//! `encode_*`/`decode_*` pair.

use crate::mib::ast::{
    Arenas, ConstraintKind, Def, DefExtra, DefKind, DefVal, Import, Language, Module, ModuleId,
    ModuleStatus, NONE, NameRef, NamedNumber, OidComponent, Range, Revision, SourceId, Syntax,
    SyntaxKind, TextSpan, TypeTarget,
};

use super::wire::{ACCESS, R, STATUS, W, base_code, base_from, check_index, code_of, from_code};
use super::{CacheError, Res};

// Presence bits of a definition's optional fields.
pub(super) const HAS_OID: u16 = 1;
pub(super) const HAS_SYNTAX: u16 = 1 << 1;
pub(super) const HAS_DESCRIPTION: u16 = 1 << 2;
pub(super) const HAS_EXTRA: u16 = 1 << 3;
pub(super) const HAS_REFS: u16 = 1 << 4;
pub(super) const HAS_NODE: u16 = 1 << 5;
pub(super) const HAS_NEXT: u16 = 1 << 6;

pub(super) fn encode_module(w: &mut W, m: &Module) {
    w.sym(m.name);
    w.opt(m.source.map_or(NONE, |s| s.0));
    w.pos(m.pos);
    w.u8(match m.language {
        Language::Smiv1 => 1,
        Language::Smiv2 => 2,
        Language::Unknown => 0,
    });
    w.len(m.imports.len());
    for i in &m.imports {
        w.sym(i.symbol);
        w.sym(i.from);
        w.pos(i.pos);
        w.opt(i.target);
    }
    w.v32(m.defs.start);
    w.v32(m.defs.end - m.defs.start);
    w.opt_sym(m.last_updated);
    w.span(m.organization);
    w.span(m.contact_info);
    w.len(m.revisions.len());
    for r in &m.revisions {
        w.sym(r.date);
        w.span(r.description);
    }
    w.u8(match m.status {
        ModuleStatus::Loaded => 0,
        ModuleStatus::LoadedWithWarnings => 1,
        ModuleStatus::Failed => 2,
        ModuleStatus::Missing => 3,
    });
    w.u8(u8::from(m.builtin) | (u8::from(m.dropped) << 1));
}

pub(super) fn decode_module(r: &mut R<'_>, sources: usize) -> Res<Module> {
    let name = r.sym()?;
    let source = r.opt()?;
    check_index(source, sources, true)?;
    let pos = r.pos()?;
    let language = match r.u8()? {
        1 => Language::Smiv1,
        2 => Language::Smiv2,
        _ => Language::Unknown,
    };
    let ni = r.count(5)?;
    let mut imports = Vec::with_capacity(ni);
    for _ in 0..ni {
        imports.push(Import {
            symbol: r.sym()?,
            from: r.sym()?,
            pos: r.pos()?,
            target: r.opt()?,
        });
    }
    let start = r.v32()?;
    let len = r.v32()?;
    let end = start
        .checked_add(len)
        .ok_or(CacheError::Corrupt("module definitions"))?;
    let last_updated = r.opt_sym()?;
    let organization = r.span()?;
    let contact_info = r.span()?;
    let nr = r.count(2)?;
    let mut revisions = Vec::with_capacity(nr);
    for _ in 0..nr {
        revisions.push(Revision {
            date: r.sym()?,
            description: r.span()?,
        });
    }
    let status = match r.u8()? {
        0 => ModuleStatus::Loaded,
        1 => ModuleStatus::LoadedWithWarnings,
        2 => ModuleStatus::Failed,
        3 => ModuleStatus::Missing,
        _ => return Err(CacheError::Corrupt("module status")),
    };
    let flags = r.u8()?;
    Ok(Module {
        name,
        source: (source != NONE).then_some(SourceId(source)),
        pos,
        language,
        imports,
        defs: start..end,
        last_updated,
        organization,
        contact_info,
        revisions,
        status,
        builtin: flags & 1 != 0,
        dropped: flags & 2 != 0,
    })
}

pub(super) fn encode_def(w: &mut W, d: &Def) {
    let mut mask = 0u16;
    let mut set = |bit: u16, present: bool| {
        if present {
            mask |= bit;
        }
    };
    set(HAS_OID, !d.oid.is_empty());
    set(HAS_SYNTAX, d.syntax != NONE);
    set(HAS_DESCRIPTION, d.description.get().is_some());
    set(HAS_EXTRA, d.extra != NONE);
    set(HAS_REFS, !d.refs.is_empty());
    set(HAS_NODE, d.node != NONE);
    set(HAS_NEXT, d.next_at_node != NONE);
    w.v(u64::from(mask));
    w.sym(d.name);
    w.v32(d.module.0);
    w.pos(d.pos);
    w.u8(DefKind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0) as u8);
    w.u8(code_of(&ACCESS, d.access) | (code_of(&STATUS, d.status) << 4));
    w.u8(d.flags);
    if mask & HAS_OID != 0 {
        w.slice(d.oid);
    }
    if mask & HAS_SYNTAX != 0 {
        w.v32(d.syntax);
    }
    if let Some(s) = d.description.get() {
        w.v32(s.start);
        w.v32(s.len);
    }
    if mask & HAS_EXTRA != 0 {
        w.v32(d.extra);
    }
    if mask & HAS_REFS != 0 {
        w.slice(d.refs);
    }
    if mask & HAS_NODE != 0 {
        w.v32(d.node);
    }
    if mask & HAS_NEXT != 0 {
        w.v32(d.next_at_node);
    }
}

pub(super) fn decode_def(r: &mut R<'_>, modules: usize) -> Res<Def> {
    let mask = r.v()?;
    let name = r.sym()?;
    let module = r.v32()?;
    check_index(module, modules, false)?;
    let pos = r.pos()?;
    let kind = *DefKind::ALL
        .get(r.u8()? as usize)
        .ok_or(CacheError::Corrupt("definition kind"))?;
    let codes = r.u8()?;
    let mut d = Def::new(name, ModuleId(module), pos, kind);
    d.access = from_code(&ACCESS, codes & 0x0F)?;
    d.status = from_code(&STATUS, codes >> 4)?;
    d.flags = r.u8()?;
    let has = |bit: u16| mask & u64::from(bit) != 0;
    if has(HAS_OID) {
        d.oid = r.slice()?;
    }
    if has(HAS_SYNTAX) {
        d.syntax = r.v32()?;
    }
    if has(HAS_DESCRIPTION) {
        d.description = TextSpan {
            start: r.v32()?,
            len: r.v32()?,
        };
    }
    if has(HAS_EXTRA) {
        d.extra = r.v32()?;
    }
    if has(HAS_REFS) {
        d.refs = r.slice()?;
    }
    if has(HAS_NODE) {
        d.node = r.v32()?;
    }
    if has(HAS_NEXT) {
        d.next_at_node = r.v32()?;
    }
    Ok(d)
}

pub(super) fn encode_arenas(w: &mut W, a: &Arenas) {
    w.len(a.oids.len());
    for c in &a.oids {
        match *c {
            OidComponent::Name(s, line) => {
                w.u8(0);
                w.sym(s);
                w.v32(line);
            }
            OidComponent::Number(n) => {
                w.u8(1);
                w.v32(n);
            }
            OidComponent::NamedNumber(s, n) => {
                w.u8(2);
                w.sym(s);
                w.v32(n);
            }
        }
    }
    w.len(a.named.len());
    for n in &a.named {
        w.sym(n.name);
        w.zz(i128::from(n.value));
    }
    w.len(a.ranges.len());
    for r in &a.ranges {
        w.zz(r.lo);
        w.zz(r.hi);
    }
    w.len(a.syntaxes.len());
    for s in &a.syntaxes {
        match s.kind {
            SyntaxKind::Integer => w.u8(0),
            SyntaxKind::OctetString => w.u8(1),
            SyntaxKind::ObjectIdentifier => w.u8(2),
            SyntaxKind::Bits => w.u8(3),
            SyntaxKind::Null => w.u8(4),
            SyntaxKind::Named(n) => {
                w.u8(5);
                w.sym(n);
            }
            SyntaxKind::SequenceOf(n) => {
                w.u8(6);
                w.sym(n);
            }
            SyntaxKind::Sequence => w.u8(7),
            SyntaxKind::Choice => w.u8(8),
        }
        w.slice(s.named);
        w.slice(s.ranges);
        match s.target {
            TypeTarget::Unresolved => w.u8(0),
            TypeTarget::Base(b) => {
                let (c, n) = base_code(b);
                w.u8(1);
                w.u8(c);
                w.u8(n);
            }
            TypeTarget::Def(d) => {
                w.u8(2);
                w.v32(d.0);
            }
        }
        w.v32(s.line);
        w.u8(s.app_tag);
        w.u8(match s.constraint {
            ConstraintKind::None => 0,
            ConstraintKind::Size => 1,
            ConstraintKind::Value => 2,
        });
    }
    w.len(a.refs.len());
    for r in &a.refs {
        w.sym(r.name);
        w.u8(u8::from(r.implied));
        w.v32(r.line);
        w.opt(r.target);
    }
    w.len(a.defvals.len());
    for v in &a.defvals {
        match *v {
            DefVal::Integer(n) => {
                w.u8(0);
                w.zz(n);
            }
            DefVal::String(s) => {
                w.u8(1);
                w.sym(s);
            }
            DefVal::Hex(s) => {
                w.u8(2);
                w.sym(s);
            }
            DefVal::Binary(s) => {
                w.u8(3);
                w.sym(s);
            }
            DefVal::Name(s) => {
                w.u8(4);
                w.sym(s);
            }
            DefVal::Bits(sl) => {
                w.u8(5);
                w.slice(sl);
            }
            DefVal::Oid(sl) => {
                w.u8(6);
                w.slice(sl);
            }
        }
    }
    encode_extras(w, &a.extras);
}

pub(super) fn encode_extras(w: &mut W, extras: &[DefExtra]) {
    w.len(extras.len());
    for e in extras {
        w.opt_sym(e.units);
        w.opt_sym(e.display_hint);
        w.span(e.reference.get());
        w.opt(e.defval);
    }
}

pub(super) fn decode_extras(r: &mut R<'_>) -> Res<Vec<DefExtra>> {
    let n = r.count(4)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(DefExtra {
            units: r.opt_sym()?,
            display_hint: r.opt_sym()?,
            reference: r.span()?.unwrap_or(TextSpan::NONE),
            defval: r.opt()?,
        });
    }
    Ok(v)
}

pub(super) fn decode_arenas(r: &mut R<'_>, defs: usize) -> Res<Arenas> {
    let mut a = Arenas::default();
    let n = r.count(2)?;
    a.oids.reserve_exact(n);
    for _ in 0..n {
        a.oids.push(match r.u8()? {
            0 => OidComponent::Name(r.sym()?, r.v32()?),
            1 => OidComponent::Number(r.v32()?),
            2 => OidComponent::NamedNumber(r.sym()?, r.v32()?),
            _ => return Err(CacheError::Corrupt("OID component")),
        });
    }
    let n = r.count(2)?;
    a.named.reserve_exact(n);
    for _ in 0..n {
        let name = r.sym()?;
        let value = i64::try_from(r.zz()?).map_err(|_| CacheError::Corrupt("enumeration value"))?;
        a.named.push(NamedNumber { name, value });
    }
    let n = r.count(2)?;
    a.ranges.reserve_exact(n);
    for _ in 0..n {
        a.ranges.push(Range {
            lo: r.zz()?,
            hi: r.zz()?,
        });
    }
    let n = r.count(10)?;
    a.syntaxes.reserve_exact(n);
    for _ in 0..n {
        let kind = match r.u8()? {
            0 => SyntaxKind::Integer,
            1 => SyntaxKind::OctetString,
            2 => SyntaxKind::ObjectIdentifier,
            3 => SyntaxKind::Bits,
            4 => SyntaxKind::Null,
            5 => SyntaxKind::Named(r.sym()?),
            6 => SyntaxKind::SequenceOf(r.sym()?),
            7 => SyntaxKind::Sequence,
            8 => SyntaxKind::Choice,
            _ => return Err(CacheError::Corrupt("syntax kind")),
        };
        let named = r.slice()?;
        let ranges = r.slice()?;
        let target = match r.u8()? {
            0 => TypeTarget::Unresolved,
            1 => {
                let c = r.u8()?;
                TypeTarget::Base(base_from(c, r.u8()?)?)
            }
            2 => {
                let d = r.v32()?;
                check_index(d, defs, false)?;
                TypeTarget::Def(crate::mib::ast::DefId(d))
            }
            _ => return Err(CacheError::Corrupt("type target")),
        };
        let line = r.v32()?;
        let app_tag = r.u8()?;
        let constraint = match r.u8()? {
            0 => ConstraintKind::None,
            1 => ConstraintKind::Size,
            2 => ConstraintKind::Value,
            _ => return Err(CacheError::Corrupt("constraint")),
        };
        a.syntaxes.push(Syntax {
            kind,
            named,
            ranges,
            target,
            line,
            app_tag,
            constraint,
        });
    }
    let n = r.count(5)?;
    a.refs.reserve_exact(n);
    for _ in 0..n {
        let name = r.sym()?;
        let implied = r.u8()? != 0;
        let line = r.v32()?;
        let target = r.opt()?;
        check_index(target, defs, true)?;
        a.refs.push(NameRef {
            name,
            implied,
            line,
            target,
        });
    }
    let n = r.count(2)?;
    a.defvals.reserve_exact(n);
    for _ in 0..n {
        a.defvals.push(match r.u8()? {
            0 => DefVal::Integer(r.zz()?),
            1 => DefVal::String(r.sym()?),
            2 => DefVal::Hex(r.sym()?),
            3 => DefVal::Binary(r.sym()?),
            4 => DefVal::Name(r.sym()?),
            5 => DefVal::Bits(r.slice()?),
            6 => DefVal::Oid(r.slice()?),
            _ => return Err(CacheError::Corrupt("DEFVAL")),
        });
    }
    a.extras = decode_extras(r)?;
    Ok(a)
}
