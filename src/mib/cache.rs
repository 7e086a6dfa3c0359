//! The compiled MIB as bytes, for the on-disk cache: `Mib::encode` and `Mib::decode`. A
//! fixed little-endian layout behind a magic, a format version and a checksum. Decoding
//! trusts nothing: every length is checked against the bytes left before anything is
//! allocated (hickory's `Restrict` lesson), every index against what it points into, and the
//! tree's shape (parents before children, short definition chains) so that a corrupt file is
//! an error to recover from, never a panic or a loop.

use std::sync::Arc;

use super::ast::{
    Access, Arenas, BaseType, ConstraintKind, Def, DefKind, DefVal, Import, Language, Module,
    ModuleId, ModuleStatus, NONE, NameRef, NamedNumber, OidComponent, Range, Revision, SeqItem,
    Slice, SourceId, Status, Syntax, SyntaxKind, TextSpan, TypeTarget,
};
use super::diag::{Code, Diagnostic, Pos, Severity};
use super::intern::{Interner, Sym};
use super::tree::{Indexes, Mib, Node, SourceEntry, SourceText};

const MAGIC: &[u8; 12] = b"MIBSCOPE-MIB";
/// Bumped whenever the layout below changes.
const FORMAT_VERSION: u32 = 1;

/// Why cached bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error("not a mibscope MIB cache (bad magic)")]
    BadMagic,
    #[error("cache format {found}, this mibscope reads format {FORMAT_VERSION}")]
    Version { found: u32 },
    #[error("cache checksum mismatch (file damaged)")]
    Checksum,
    #[error("cache truncated")]
    Truncated,
    #[error("cache corrupt: {0}")]
    Corrupt(&'static str),
}

/// A word-at-a-time checksum; stable across runs and platforms (no random seed).
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x5155_4D4D_4942_5343 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i128(&mut self, v: i128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn sym(&mut self, s: Sym) {
        self.u32(s.raw());
    }
    fn opt_sym(&mut self, s: Option<Sym>) {
        self.u32(s.map_or(0, Sym::raw));
    }
    fn slice(&mut self, s: Slice) {
        self.u32(s.start);
        self.u32(s.len);
    }
    fn pos(&mut self, p: Pos) {
        self.u32(p.line);
        self.u32(p.col);
    }
    fn span(&mut self, s: Option<TextSpan>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.u32(s.start);
                self.u32(s.len);
            }
        }
    }
}

struct R<'a> {
    b: &'a [u8],
    at: usize,
    syms: u32,
}

type Res<T> = Result<T, CacheError>;

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(CacheError::Truncated)?;
        let s = self.b.get(self.at..end).ok_or(CacheError::Truncated)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Res<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Res<u64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn i128(&mut self) -> Res<i128> {
        let s = self.take(16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(s);
        Ok(i128::from_le_bytes(a))
    }
    /// A count of items at least `min_size` bytes each: refused when the bytes left cannot
    /// hold them, before anything is allocated.
    fn count(&mut self, min_size: usize) -> Res<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.b.len() - self.at {
            return Err(CacheError::Truncated);
        }
        Ok(n)
    }
    fn str(&mut self) -> Res<&'a str> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| CacheError::Corrupt("bad UTF-8"))
    }
    fn sym(&mut self) -> Res<Sym> {
        let raw = self.u32()?;
        if raw == 0 || raw > self.syms {
            return Err(CacheError::Corrupt("symbol out of range"));
        }
        Sym::from_raw(raw).ok_or(CacheError::Corrupt("symbol"))
    }
    fn opt_sym(&mut self) -> Res<Option<Sym>> {
        let raw = self.u32()?;
        if raw == 0 {
            return Ok(None);
        }
        if raw > self.syms {
            return Err(CacheError::Corrupt("symbol out of range"));
        }
        Ok(Sym::from_raw(raw))
    }
    fn slice(&mut self) -> Res<Slice> {
        Ok(Slice {
            start: self.u32()?,
            len: self.u32()?,
        })
    }
    fn pos(&mut self) -> Res<Pos> {
        Ok(Pos {
            line: self.u32()?,
            col: self.u32()?,
        })
    }
    fn span(&mut self) -> Res<Option<TextSpan>> {
        Ok(match self.u8()? {
            0 => None,
            1 => Some(TextSpan {
                start: self.u32()?,
                len: self.u32()?,
            }),
            _ => return Err(CacheError::Corrupt("text span")),
        })
    }
}

fn check_slice(s: Slice, len: usize) -> Res<()> {
    let end = u64::from(s.start) + u64::from(s.len);
    if end > len as u64 {
        return Err(CacheError::Corrupt("slice out of range"));
    }
    Ok(())
}

fn check_index(i: u32, len: usize, allow_none: bool) -> Res<()> {
    if (allow_none && i == NONE) || (i as usize) < len {
        Ok(())
    } else {
        Err(CacheError::Corrupt("index out of range"))
    }
}

fn access_code(a: Option<Access>) -> (u8, u32) {
    match a {
        None => (0, 0),
        Some(Access::NotAccessible) => (1, 0),
        Some(Access::AccessibleForNotify) => (2, 0),
        Some(Access::ReadOnly) => (3, 0),
        Some(Access::ReadWrite) => (4, 0),
        Some(Access::ReadCreate) => (5, 0),
        Some(Access::WriteOnly) => (6, 0),
        Some(Access::NotImplemented) => (7, 0),
        Some(Access::Other(s)) => (8, s.raw()),
    }
}

fn status_code(s: Option<Status>) -> (u8, u32) {
    match s {
        None => (0, 0),
        Some(Status::Current) => (1, 0),
        Some(Status::Deprecated) => (2, 0),
        Some(Status::Obsolete) => (3, 0),
        Some(Status::Mandatory) => (4, 0),
        Some(Status::Optional) => (5, 0),
        Some(Status::Other(s)) => (6, s.raw()),
    }
}

fn base_code(b: BaseType) -> (u8, u32) {
    match b {
        BaseType::Integer32 => (0, 0),
        BaseType::OctetString => (1, 0),
        BaseType::ObjectIdentifier => (2, 0),
        BaseType::Bits => (3, 0),
        BaseType::IpAddress => (4, 0),
        BaseType::Counter32 => (5, 0),
        BaseType::Gauge32 => (6, 0),
        BaseType::Unsigned32 => (7, 0),
        BaseType::TimeTicks => (8, 0),
        BaseType::Opaque => (9, 0),
        BaseType::Counter64 => (10, 0),
        BaseType::NetworkAddress => (11, 0),
        BaseType::Sequence => (12, 0),
        BaseType::SequenceOf => (13, 0),
        BaseType::Application(n) => (14, n),
        BaseType::Unresolved => (15, 0),
    }
}

fn base_from(code: u8, n: u32) -> Res<BaseType> {
    Ok(match code {
        0 => BaseType::Integer32,
        1 => BaseType::OctetString,
        2 => BaseType::ObjectIdentifier,
        3 => BaseType::Bits,
        4 => BaseType::IpAddress,
        5 => BaseType::Counter32,
        6 => BaseType::Gauge32,
        7 => BaseType::Unsigned32,
        8 => BaseType::TimeTicks,
        9 => BaseType::Opaque,
        10 => BaseType::Counter64,
        11 => BaseType::NetworkAddress,
        12 => BaseType::Sequence,
        13 => BaseType::SequenceOf,
        14 => BaseType::Application(n),
        15 => BaseType::Unresolved,
        _ => return Err(CacheError::Corrupt("base type")),
    })
}

impl Mib {
    /// The compiled MIB as bytes (see the module documentation). Sources kept in memory
    /// are not stored: built-in and embedded ones are found again by path on decode, files
    /// are read from disk.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = W(Vec::with_capacity(self.defs.len() * 100 + 1024));
        w.0.extend_from_slice(MAGIC);
        w.u32(FORMAT_VERSION);
        w.u64(0); // checksum, filled in last
        let body_start = w.0.len();

        w.len(self.interner.len());
        for s in self.interner.strings() {
            w.str(s);
        }
        w.len(self.sources.len());
        for s in &self.sources {
            w.str(&s.path);
            w.u8(u8::from(matches!(s.text, SourceText::Static(_))));
        }
        w.len(self.modules.len());
        for m in &self.modules {
            w.sym(m.name);
            w.u32(m.source.map_or(NONE, |s| s.0));
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
                w.u32(i.target);
            }
            w.u32(m.defs.start);
            w.u32(m.defs.end);
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
            w.u8(u8::from(m.builtin));
            w.u8(u8::from(m.dropped));
        }
        w.len(self.defs.len());
        for d in &self.defs {
            w.sym(d.name);
            w.u32(d.module.0);
            w.pos(d.pos);
            w.u8(DefKind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0) as u8);
            w.slice(d.oid);
            w.u32(d.syntax);
            let (a, asym) = access_code(d.access);
            w.u8(a);
            w.u32(asym);
            let (s, ssym) = status_code(d.status);
            w.u8(s);
            w.u32(ssym);
            w.opt_sym(d.units);
            w.opt_sym(d.display_hint);
            w.span(d.description);
            w.span(d.reference);
            w.slice(d.index);
            w.slice(d.augments);
            w.u32(d.defval);
            w.slice(d.objects);
            w.u32(d.node);
            w.u32(d.next_at_node);
        }
        encode_arenas(&mut w, &self.arenas);
        w.len(self.nodes.len());
        for n in &self.nodes {
            w.u32(n.arc);
            w.u32(n.parent);
            w.slice(n.children);
            w.u32(n.first_def);
            w.opt_sym(n.label);
            w.u32(n.label_module);
        }
        w.len(self.children.len());
        for &c in &self.children {
            w.u32(c);
        }
        w.len(self.diagnostics.len());
        for d in &self.diagnostics {
            w.u8(d.severity as u8);
            w.str(d.code.as_str());
            w.str(&d.file);
            w.pos(d.pos);
            w.str(d.module.as_deref().unwrap_or(""));
            w.str(&d.message);
            w.str(d.hint.as_deref().unwrap_or(""));
        }
        let sum = checksum(&w.0[body_start..]);
        w.0[body_start - 8..body_start].copy_from_slice(&sum.to_le_bytes());
        w.0
    }

    /// Reads bytes written by `encode`. `static_text` gives back the text of sources that
    /// were embedded in the program (by path); built-in modules are found without it.
    pub fn decode(
        bytes: &[u8],
        static_text: &dyn Fn(&str) -> Option<&'static [u8]>,
    ) -> Result<Mib, CacheError> {
        let header = MAGIC.len() + 12;
        if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
            return Err(CacheError::BadMagic);
        }
        let mut r = R {
            b: bytes,
            at: MAGIC.len(),
            syms: 0,
        };
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(CacheError::Version { found: version });
        }
        let sum = r.u64()?;
        if checksum(&bytes[header..]) != sum {
            return Err(CacheError::Checksum);
        }

        let n = r.count(4)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            strings.push(r.str()?);
        }
        let interner =
            Interner::from_strings(strings).ok_or(CacheError::Corrupt("duplicate string"))?;
        r.syms = interner.len() as u32;

        let n = r.count(5)?;
        let mut sources = Vec::with_capacity(n);
        for _ in 0..n {
            let path: Arc<str> = Arc::from(r.str()?);
            let text = match r.u8()? {
                1 => builtin_text(&path)
                    .or_else(|| static_text(&path))
                    .map_or(SourceText::External, SourceText::Static),
                _ => SourceText::External,
            };
            sources.push(SourceEntry { path, text });
        }

        let n = r.count(40)?;
        let mut modules = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.sym()?;
            let source = r.u32()?;
            check_index(source, sources.len(), true)?;
            let pos = r.pos()?;
            let language = match r.u8()? {
                1 => Language::Smiv1,
                2 => Language::Smiv2,
                _ => Language::Unknown,
            };
            let ni = r.count(20)?;
            let mut imports = Vec::with_capacity(ni);
            for _ in 0..ni {
                imports.push(Import {
                    symbol: r.sym()?,
                    from: r.sym()?,
                    pos: r.pos()?,
                    target: r.u32()?,
                });
            }
            let defs = r.u32()?..r.u32()?;
            let last_updated = r.opt_sym()?;
            let organization = r.span()?;
            let contact_info = r.span()?;
            let nr = r.count(5)?;
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
            modules.push(Module {
                name,
                source: (source != NONE).then_some(SourceId(source)),
                pos,
                language,
                imports,
                defs,
                last_updated,
                organization,
                contact_info,
                revisions,
                status,
                builtin: r.u8()? != 0,
                dropped: r.u8()? != 0,
            });
        }

        let n = r.count(90)?;
        let mut defs = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.sym()?;
            let module = r.u32()?;
            check_index(module, modules.len(), false)?;
            let pos = r.pos()?;
            let kind = *DefKind::ALL
                .get(r.u8()? as usize)
                .ok_or(CacheError::Corrupt("definition kind"))?;
            let oid = r.slice()?;
            let syntax = r.u32()?;
            let (a, asym) = (r.u8()?, r.u32()?);
            let access = match a {
                0 => None,
                1 => Some(Access::NotAccessible),
                2 => Some(Access::AccessibleForNotify),
                3 => Some(Access::ReadOnly),
                4 => Some(Access::ReadWrite),
                5 => Some(Access::ReadCreate),
                6 => Some(Access::WriteOnly),
                7 => Some(Access::NotImplemented),
                8 => Some(Access::Other(sym_checked(asym, r.syms)?)),
                _ => return Err(CacheError::Corrupt("access")),
            };
            let (s, ssym) = (r.u8()?, r.u32()?);
            let status = match s {
                0 => None,
                1 => Some(Status::Current),
                2 => Some(Status::Deprecated),
                3 => Some(Status::Obsolete),
                4 => Some(Status::Mandatory),
                5 => Some(Status::Optional),
                6 => Some(Status::Other(sym_checked(ssym, r.syms)?)),
                _ => return Err(CacheError::Corrupt("status")),
            };
            defs.push(Def {
                name,
                module: ModuleId(module),
                pos,
                kind,
                oid,
                syntax,
                access,
                status,
                units: r.opt_sym()?,
                display_hint: r.opt_sym()?,
                description: r.span()?,
                reference: r.span()?,
                index: r.slice()?,
                augments: r.slice()?,
                defval: r.u32()?,
                objects: r.slice()?,
                node: r.u32()?,
                next_at_node: r.u32()?,
            });
        }
        let arenas = decode_arenas(&mut r, defs.len())?;

        let n = r.count(32)?;
        let mut nodes = Vec::with_capacity(n);
        for _ in 0..n {
            nodes.push(Node {
                arc: r.u32()?,
                parent: r.u32()?,
                children: r.slice()?,
                first_def: r.u32()?,
                label: r.opt_sym()?,
                label_module: r.u32()?,
            });
        }
        let n = r.count(4)?;
        let mut children = Vec::with_capacity(n);
        for _ in 0..n {
            children.push(r.u32()?);
        }

        let n = r.count(30)?;
        let mut diagnostics = Vec::with_capacity(n);
        let mut files: Vec<Arc<str>> = Vec::new();
        for _ in 0..n {
            let severity = match r.u8()? {
                0 => Severity::Note,
                1 => Severity::Warning,
                2 => Severity::Error,
                _ => return Err(CacheError::Corrupt("severity")),
            };
            let code = Code::from_str_code(r.str()?).ok_or(CacheError::Corrupt("code"))?;
            let file_text = r.str()?;
            // Diagnostics of one file share its path.
            let file = match files.iter().rev().find(|f| &***f == file_text) {
                Some(f) => Arc::clone(f),
                None => {
                    let f: Arc<str> = Arc::from(file_text);
                    files.push(Arc::clone(&f));
                    if files.len() > 64 {
                        files.remove(0);
                    }
                    f
                }
            };
            let pos = r.pos()?;
            let module = r.str()?;
            let message = r.str()?.to_string();
            let hint = r.str()?;
            diagnostics.push(Diagnostic {
                severity,
                code,
                file,
                pos,
                module: (!module.is_empty()).then(|| Arc::from(module)),
                message,
                hint: (!hint.is_empty()).then(|| hint.to_string()),
            });
        }
        if r.at != bytes.len() {
            return Err(CacheError::Corrupt("trailing bytes"));
        }
        validate(&modules, &defs, &arenas, &nodes, &children)?;
        let index = Indexes::build(&modules, &defs);
        Ok(Mib {
            interner,
            sources,
            modules,
            defs,
            arenas,
            nodes,
            children,
            diagnostics,
            index,
        })
    }
}

fn sym_checked(raw: u32, syms: u32) -> Res<Sym> {
    if raw == 0 || raw > syms {
        return Err(CacheError::Corrupt("symbol out of range"));
    }
    Sym::from_raw(raw).ok_or(CacheError::Corrupt("symbol"))
}

fn builtin_text(path: &str) -> Option<&'static [u8]> {
    super::builtin::BASE_MODULES
        .iter()
        .find(|(_, p, _)| *p == path)
        .map(|(_, _, t)| *t)
}

fn encode_arenas(w: &mut W, a: &Arenas) {
    w.len(a.oids.len());
    for c in &a.oids {
        match *c {
            OidComponent::Name(s, p) => {
                w.u8(0);
                w.sym(s);
                w.pos(p);
            }
            OidComponent::Number(n) => {
                w.u8(1);
                w.u32(n);
            }
            OidComponent::NamedNumber(s, n) => {
                w.u8(2);
                w.sym(s);
                w.u32(n);
            }
        }
    }
    w.len(a.named.len());
    for n in &a.named {
        w.sym(n.name);
        w.u64(n.value as u64);
    }
    w.len(a.ranges.len());
    for r in &a.ranges {
        w.i128(r.lo);
        w.i128(r.hi);
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
            SyntaxKind::Sequence(sl) => {
                w.u8(7);
                w.slice(sl);
            }
            SyntaxKind::Choice(sl) => {
                w.u8(8);
                w.slice(sl);
            }
        }
        w.u32(s.app_tag.unwrap_or(NONE));
        w.slice(s.named);
        w.u8(match s.constraint {
            ConstraintKind::None => 0,
            ConstraintKind::Size => 1,
            ConstraintKind::Value => 2,
        });
        w.slice(s.ranges);
        match s.target {
            TypeTarget::Unresolved => w.u8(0),
            TypeTarget::Base(b) => {
                w.u8(1);
                let (c, n) = base_code(b);
                w.u8(c);
                w.u32(n);
            }
            TypeTarget::Def(d) => {
                w.u8(2);
                w.u32(d.0);
            }
        }
        w.pos(s.pos);
    }
    w.len(a.items.len());
    for i in &a.items {
        w.sym(i.name);
        w.u32(i.syntax);
    }
    w.len(a.refs.len());
    for r in &a.refs {
        w.sym(r.name);
        w.u8(u8::from(r.implied));
        w.pos(r.pos);
        w.u32(r.target);
    }
    w.len(a.defvals.len());
    for v in &a.defvals {
        match *v {
            DefVal::Integer(n) => {
                w.u8(0);
                w.i128(n);
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
}

fn decode_arenas(r: &mut R<'_>, defs: usize) -> Res<Arenas> {
    let mut a = Arenas::default();
    let n = r.count(5)?;
    a.oids.reserve(n);
    for _ in 0..n {
        a.oids.push(match r.u8()? {
            0 => OidComponent::Name(r.sym()?, r.pos()?),
            1 => OidComponent::Number(r.u32()?),
            2 => OidComponent::NamedNumber(r.sym()?, r.u32()?),
            _ => return Err(CacheError::Corrupt("OID component")),
        });
    }
    let n = r.count(12)?;
    a.named.reserve(n);
    for _ in 0..n {
        a.named.push(NamedNumber {
            name: r.sym()?,
            value: r.u64()? as i64,
        });
    }
    let n = r.count(32)?;
    a.ranges.reserve(n);
    for _ in 0..n {
        a.ranges.push(Range {
            lo: r.i128()?,
            hi: r.i128()?,
        });
    }
    let n = r.count(30)?;
    a.syntaxes.reserve(n);
    for _ in 0..n {
        let kind = match r.u8()? {
            0 => SyntaxKind::Integer,
            1 => SyntaxKind::OctetString,
            2 => SyntaxKind::ObjectIdentifier,
            3 => SyntaxKind::Bits,
            4 => SyntaxKind::Null,
            5 => SyntaxKind::Named(r.sym()?),
            6 => SyntaxKind::SequenceOf(r.sym()?),
            7 => SyntaxKind::Sequence(r.slice()?),
            8 => SyntaxKind::Choice(r.slice()?),
            _ => return Err(CacheError::Corrupt("syntax kind")),
        };
        let tag = r.u32()?;
        let named = r.slice()?;
        let constraint = match r.u8()? {
            0 => ConstraintKind::None,
            1 => ConstraintKind::Size,
            2 => ConstraintKind::Value,
            _ => return Err(CacheError::Corrupt("constraint")),
        };
        let ranges = r.slice()?;
        let target = match r.u8()? {
            0 => TypeTarget::Unresolved,
            1 => {
                let c = r.u8()?;
                TypeTarget::Base(base_from(c, r.u32()?)?)
            }
            2 => {
                let d = r.u32()?;
                check_index(d, defs, false)?;
                TypeTarget::Def(super::ast::DefId(d))
            }
            _ => return Err(CacheError::Corrupt("type target")),
        };
        a.syntaxes.push(Syntax {
            kind,
            app_tag: (tag != NONE).then_some(tag),
            named,
            constraint,
            ranges,
            target,
            pos: r.pos()?,
        });
    }
    let n = r.count(8)?;
    a.items.reserve(n);
    for _ in 0..n {
        a.items.push(SeqItem {
            name: r.sym()?,
            syntax: r.u32()?,
        });
    }
    let n = r.count(17)?;
    a.refs.reserve(n);
    for _ in 0..n {
        let name = r.sym()?;
        let implied = r.u8()? != 0;
        let pos = r.pos()?;
        let target = r.u32()?;
        check_index(target, defs, true)?;
        a.refs.push(NameRef {
            name,
            implied,
            pos,
            target,
        });
    }
    let n = r.count(5)?;
    a.defvals.reserve(n);
    for _ in 0..n {
        a.defvals.push(match r.u8()? {
            0 => DefVal::Integer(r.i128()?),
            1 => DefVal::String(r.sym()?),
            2 => DefVal::Hex(r.sym()?),
            3 => DefVal::Binary(r.sym()?),
            4 => DefVal::Name(r.sym()?),
            5 => DefVal::Bits(r.slice()?),
            6 => DefVal::Oid(r.slice()?),
            _ => return Err(CacheError::Corrupt("DEFVAL")),
        });
    }
    Ok(a)
}

/// Checks every cross-reference, so the lookups can index without fear.
fn validate(
    modules: &[Module],
    defs: &[Def],
    a: &Arenas,
    nodes: &[Node],
    children: &[u32],
) -> Res<()> {
    for m in modules {
        if m.defs.start > m.defs.end || m.defs.end as usize > defs.len() {
            return Err(CacheError::Corrupt("module definitions"));
        }
        for i in &m.imports {
            check_index(i.target, defs.len(), true)?;
        }
    }
    for d in defs {
        check_slice(d.oid, a.oids.len())?;
        check_index(d.syntax, a.syntaxes.len(), true)?;
        check_slice(d.index, a.refs.len())?;
        check_slice(d.augments, a.refs.len())?;
        check_slice(d.objects, a.refs.len())?;
        check_index(d.defval, a.defvals.len(), true)?;
        check_index(d.node, nodes.len(), true)?;
        check_index(d.next_at_node, defs.len(), true)?;
    }
    for s in &a.syntaxes {
        check_slice(s.named, a.named.len())?;
        check_slice(s.ranges, a.ranges.len())?;
        if let SyntaxKind::Sequence(sl) | SyntaxKind::Choice(sl) = s.kind {
            check_slice(sl, a.items.len())?;
        }
    }
    for i in &a.items {
        check_index(i.syntax, a.syntaxes.len(), false)?;
    }
    for v in &a.defvals {
        match *v {
            DefVal::Bits(sl) => check_slice(sl, a.refs.len())?,
            DefVal::Oid(sl) => check_slice(sl, a.oids.len())?,
            _ => {}
        }
    }
    if nodes.is_empty() || nodes[0].parent != NONE {
        return Err(CacheError::Corrupt("tree root"));
    }
    for (i, n) in nodes.iter().enumerate() {
        // Preorder: a parent always comes before its children (no loops up the tree).
        if i > 0 && (n.parent == NONE || n.parent as usize >= i) {
            return Err(CacheError::Corrupt("tree order"));
        }
        check_slice(n.children, children.len())?;
        check_index(n.first_def, defs.len(), true)?;
        check_index(n.label_module, modules.len(), true)?;
        // Definition chains are short; a long one is a loop.
        let mut cur = n.first_def;
        let mut steps = 0;
        while cur != NONE {
            steps += 1;
            if steps > 4096 {
                return Err(CacheError::Corrupt("definition chain"));
            }
            cur = defs[cur as usize].next_at_node;
        }
    }
    for &c in children {
        if c == 0 || c as usize >= nodes.len() {
            return Err(CacheError::Corrupt("child index"));
        }
    }
    Ok(())
}
