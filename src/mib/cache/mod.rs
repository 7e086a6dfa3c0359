//! The compiled MIB as bytes, for the on-disk cache: `Mib::encode` and `Mib::decode`.
//! A magic, a format version and a checksum, then every record in a compact little-endian
//! form (LEB128 varints, absent fields left out behind a presence mask); the tree's child
//! lists are not stored but rebuilt from the parent links.
//!
//! Decoding trusts nothing: every count is checked against the bytes left before anything
//! is allocated (hickory's `Restrict` lesson), every index against what it points into, and
//! the tree's shape (parents before children, short definition chains, name index sorted),
//! so a damaged or foreign file is an error to recover from, never a panic or a loop.
//!
//! This file holds the framing and the validation; `wire` the byte layer, `records` each
//! record's encoder and decoder, `hash` the stable hash behind the checksum.

mod hash;
mod records;
mod wire;

pub use hash::{StableHasher, stable_hash};
use records::{decode_arenas, decode_def, decode_module, encode_arenas, encode_def, encode_module};
use wire::{R, W, check_index, check_slice};

use std::io::Read;
use std::sync::Arc;

use crate::mib::ast::{Arenas, Def, DefVal, Module, NONE, Slice};
use crate::mib::diag::{Code, Diagnostic, Severity};
use crate::mib::intern::Interner;
use crate::mib::tree::{Indexes, Mib, Node, SourceEntry, SourceText};

const MAGIC: &[u8; 12] = b"MIBSCOPE-MIB";
/// Bumped whenever the layout below changes.
const FORMAT_VERSION: u32 = 3;
const HEADER: usize = MAGIC.len() + 4 + 8;

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

type Res<T> = Result<T, CacheError>;

impl Mib {
    /// The compiled MIB as bytes (see the module documentation). Source texts are not
    /// stored: built-in and embedded ones are found again by path on decode, files are read
    /// from disk.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = W(Vec::with_capacity(self.defs.len() * 40 + (1 << 16)));
        w.0.extend_from_slice(MAGIC);
        w.0.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        w.0.extend_from_slice(&[0; 8]); // checksum, filled in last

        // Strings: their lengths, then one blob (validated as UTF-8 once on decode).
        w.len(self.interner.len());
        for s in self.interner.strings() {
            w.len(s.len());
        }
        for s in self.interner.strings() {
            w.0.extend_from_slice(s.as_bytes());
        }
        w.len(self.sources.len());
        for s in &self.sources {
            w.str(&s.path);
            w.u8(u8::from(matches!(s.text, SourceText::Static(_))));
        }
        w.len(self.modules.len());
        for m in &self.modules {
            encode_module(&mut w, m);
        }
        w.len(self.defs.len());
        for d in &self.defs {
            encode_def(&mut w, d);
        }
        encode_arenas(&mut w, &self.arenas);
        w.len(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            w.v32(n.arc);
            // Parents precede children: store the distance back.
            w.v32(if n.parent == NONE {
                0
            } else {
                i as u32 - n.parent
            });
            w.opt(n.first_def);
            w.opt_sym(n.label);
            w.opt(n.label_module);
        }
        w.len(self.index.by_name.len());
        for &d in &self.index.by_name {
            w.v32(d);
        }
        // Diagnostics: file paths through a table (most are source paths).
        let mut files: Vec<&str> = Vec::new();
        let mut file_index: hashbrown::HashMap<&str, u32> = hashbrown::HashMap::new();
        for d in &self.diagnostics {
            file_index.entry(&d.file).or_insert_with(|| {
                files.push(&d.file);
                files.len() as u32 - 1
            });
        }
        w.len(files.len());
        for f in &files {
            w.str(f);
        }
        w.len(self.diagnostics.len());
        for d in &self.diagnostics {
            w.u8(d.severity as u8);
            w.str(d.code.as_str());
            w.v32(file_index[&*d.file]);
            w.pos(d.pos);
            w.str(d.module.as_deref().unwrap_or(""));
            w.str(&d.message);
            w.str(d.hint.as_deref().unwrap_or(""));
        }
        let sum = stable_hash(&w.0[HEADER..]);
        w.0[HEADER - 8..HEADER].copy_from_slice(&sum.to_le_bytes());
        w.0
    }

    /// Reads bytes written by `encode`. `static_text` gives back the text of sources that
    /// were embedded in the program (by path); built-in modules are found without it.
    pub fn decode(
        bytes: &[u8],
        static_text: &dyn Fn(&str) -> Option<&'static [u8]>,
    ) -> Result<Mib, CacheError> {
        let mut src = bytes;
        Mib::decode_from(&mut src, bytes.len() as u64, static_text)
    }

    /// Reads an encoded MIB of `len` bytes from `src` (a cache file) without holding the
    /// whole file in memory.
    pub fn decode_from(
        src: &mut dyn Read,
        len: u64,
        static_text: &dyn Fn(&str) -> Option<&'static [u8]>,
    ) -> Result<Mib, CacheError> {
        let mut header = [0u8; HEADER];
        if len < HEADER as u64 || src.read_exact(&mut header).is_err() {
            return Err(CacheError::BadMagic);
        }
        if &header[..MAGIC.len()] != MAGIC {
            return Err(CacheError::BadMagic);
        }
        let mut v = [0u8; 4];
        v.copy_from_slice(&header[MAGIC.len()..MAGIC.len() + 4]);
        let version = u32::from_le_bytes(v);
        if version != FORMAT_VERSION {
            return Err(CacheError::Version { found: version });
        }
        let mut c = [0u8; 8];
        c.copy_from_slice(&header[HEADER - 8..]);
        let checksum = u64::from_le_bytes(c);
        let mut r = R::new(src, len - HEADER as u64);
        let body = decode_body(&mut r, static_text);
        // Whatever the body made of it, damage is best reported as damage: hash the rest.
        let at_end = match &body {
            Ok(_) => r.at_end()?,
            Err(_) => {
                r.drain();
                true
            }
        };
        if r.hasher.finish() != checksum {
            return Err(CacheError::Checksum);
        }
        let mib = body?;
        if !at_end {
            return Err(CacheError::Corrupt("trailing bytes"));
        }
        Ok(mib)
    }
}

fn decode_body(
    r: &mut R<'_>,
    static_text: &dyn Fn(&str) -> Option<&'static [u8]>,
) -> Result<Mib, CacheError> {
    let n = r.count(1)?;
    let mut spans = Vec::with_capacity(n);
    let mut total = 0u32;
    for _ in 0..n {
        let len = r.v32()?;
        let end = total
            .checked_add(len)
            .ok_or(CacheError::Corrupt("string table"))?;
        spans.push((total, end));
        total = end;
    }
    let blob = r.take(total as usize)?;
    let text = String::from_utf8(blob).map_err(|_| CacheError::Corrupt("bad UTF-8"))?;
    let interner = Interner::from_parts(text, spans);
    r.syms = interner.len() as u32;

    let n = r.count(2)?;
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        let path: Arc<str> = Arc::from(r.str()?.as_str());
        let text = match r.u8()? {
            1 => builtin_text(&path)
                .or_else(|| static_text(&path))
                .map_or(SourceText::External, SourceText::Static),
            _ => SourceText::External,
        };
        sources.push(SourceEntry { path, text });
    }

    let n = r.count(8)?;
    let mut modules = Vec::with_capacity(n);
    for _ in 0..n {
        modules.push(decode_module(r, sources.len())?);
    }
    let n = r.count(8)?;
    let mut defs = Vec::with_capacity(n);
    for _ in 0..n {
        defs.push(decode_def(r, modules.len())?);
    }
    let arenas = decode_arenas(r, defs.len())?;

    let n = r.count(4)?;
    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let arc = r.v32()?;
        let back = r.v32()?;
        let parent = match (i, back) {
            (0, 0) => NONE,
            (0, _) | (_, 0) => return Err(CacheError::Corrupt("tree order")),
            (i, b) => (i as u32)
                .checked_sub(b)
                .ok_or(CacheError::Corrupt("tree order"))?,
        };
        nodes.push(Node {
            arc,
            parent,
            children: Slice::EMPTY,
            first_def: r.opt()?,
            label: r.opt_sym()?,
            label_module: r.opt()?,
        });
    }
    if nodes.is_empty() {
        return Err(CacheError::Corrupt("empty tree"));
    }
    let children = rebuild_children(&mut nodes)?;

    let n = r.count(1)?;
    let mut by_name = Vec::with_capacity(n);
    for _ in 0..n {
        by_name.push(r.v32()?);
    }

    let n = r.count(1)?;
    let mut files: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        files.push(Arc::from(r.str()?.as_str()));
    }
    let n = r.count(6)?;
    let mut diagnostics = Vec::with_capacity(n);
    for _ in 0..n {
        let severity = match r.u8()? {
            0 => Severity::Note,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return Err(CacheError::Corrupt("severity")),
        };
        let code = Code::from_str_code(&r.str()?).ok_or(CacheError::Corrupt("code"))?;
        let file = files
            .get(r.v32()? as usize)
            .cloned()
            .ok_or(CacheError::Corrupt("file index"))?;
        let pos = r.pos()?;
        let module = r.str()?;
        let message = r.str()?;
        let hint = r.str()?;
        diagnostics.push(Diagnostic {
            severity,
            code,
            file,
            pos,
            module: (!module.is_empty()).then(|| Arc::from(module.as_str())),
            message,
            hint: (!hint.is_empty()).then_some(hint),
        });
    }
    validate(&modules, &defs, &arenas, &nodes, &by_name)?;
    let index = Indexes::with_sorted(&modules, by_name);
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

fn builtin_text(path: &str) -> Option<&'static [u8]> {
    super::builtin::BASE_MODULES
        .iter()
        .find(|(_, p, _)| *p == path)
        .map(|(_, _, t)| *t)
}

/// Child lists from parent links: nodes are in preorder with children in arc order, so
/// each node's children are the nodes naming it as parent, in id order.
fn rebuild_children(nodes: &mut [Node]) -> Res<Vec<u32>> {
    let parents: Vec<u32> = nodes.iter().map(|n| n.parent).collect();
    let (offsets, children) = super::tree::group_children(&parents);
    for (i, node) in nodes.iter_mut().enumerate() {
        node.children = Slice {
            start: offsets[i],
            len: offsets[i + 1] - offsets[i],
        };
    }
    Ok(children)
}

/// Checks every cross-reference, so the lookups can index without fear.
fn validate(
    modules: &[Module],
    defs: &[Def],
    a: &Arenas,
    nodes: &[Node],
    by_name: &[u32],
) -> Res<()> {
    for m in modules {
        if m.defs.end as usize > defs.len() {
            return Err(CacheError::Corrupt("module definitions"));
        }
        for i in &m.imports {
            check_index(i.target, defs.len(), true)?;
        }
    }
    for d in defs {
        check_slice(d.oid, a.oids.len())?;
        check_index(d.syntax, a.syntaxes.len(), true)?;
        check_slice(d.refs, a.refs.len())?;
        check_index(d.extra, a.extras.len(), true)?;
        check_index(d.node, nodes.len(), true)?;
        check_index(d.next_at_node, defs.len(), true)?;
    }
    for s in &a.syntaxes {
        check_slice(s.named, a.named.len())?;
        check_slice(s.ranges, a.ranges.len())?;
    }
    for e in &a.extras {
        check_index(e.defval, a.defvals.len(), true)?;
    }
    for v in &a.defvals {
        match *v {
            DefVal::Bits(sl) => check_slice(sl, a.refs.len())?,
            DefVal::Oid(sl) => check_slice(sl, a.oids.len())?,
            _ => {}
        }
    }
    for n in nodes {
        check_index(n.first_def, defs.len(), true)?;
        check_index(n.label_module, modules.len(), true)?;
    }
    if by_name.iter().any(|&d| d as usize >= defs.len()) {
        return Err(CacheError::Corrupt("name index"));
    }
    // Orders (children by arc, the name index by name) are not re-checked: a wrong order
    // gives wrong answers, never a panic, and the checksum already vouches for the bytes.
    // Loops are cut where chains are followed (`NodeRef::defs`, TC chains).
    Ok(())
}
