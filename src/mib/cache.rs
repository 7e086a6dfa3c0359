//! The compiled MIB as bytes, for the on-disk cache: `Mib::encode` and `Mib::decode`.
//! A magic, a format version and a checksum, then every record in a compact little-endian
//! form (LEB128 varints, absent fields left out behind a presence mask); the tree's child
//! lists are not stored but rebuilt from the parent links.
//!
//! Decoding trusts nothing: every count is checked against the bytes left before anything
//! is allocated (hickory's `Restrict` lesson), every index against what it points into, and
//! the tree's shape (parents before children, short definition chains, name index sorted),
//! so a damaged or foreign file is an error to recover from, never a panic or a loop.

use std::io::Read;
use std::sync::Arc;

use super::ast::{
    Access, Arenas, BaseType, ConstraintKind, Def, DefExtra, DefKind, DefVal, Import, Language,
    Module, ModuleId, ModuleStatus, NONE, NameRef, NamedNumber, OidComponent, Range, Revision,
    Slice, SourceId, Status, Syntax, SyntaxKind, TextSpan, TypeTarget,
};
use super::diag::{Code, Diagnostic, Pos, Severity};
use super::intern::{Interner, Sym};
use super::tree::{Indexes, Mib, Node, SourceEntry, SourceText};

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

/// A hash that is stable across runs and platforms (no random seed): four lanes of
/// multiply-rotate over 32-byte blocks, fed incrementally. The cache's checksum and the MIB
/// store's key.
#[derive(Debug, Clone)]
pub struct StableHasher {
    lanes: [u64; 4],
    pending: [u8; 32],
    pending_len: usize,
    total: u64,
}

const HASH_K: [u64; 4] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0x85EB_CA77_C2B2_AE63,
];

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher {
            lanes: [0x5155_4D4D_4942_5343, HASH_K[1], HASH_K[2], HASH_K[3]],
            pending: [0; 32],
            pending_len: 0,
            total: 0,
        }
    }
}

impl StableHasher {
    fn block(lanes: &mut [u64; 4], b: &[u8]) {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let c = &b[i * 8..i * 8 + 8];
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            *lane = (lane.rotate_left(23) ^ w).wrapping_mul(HASH_K[i]);
        }
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let n = (32 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + n].copy_from_slice(&bytes[..n]);
            self.pending_len += n;
            bytes = &bytes[n..];
            if self.pending_len < 32 {
                return;
            }
            let block = self.pending;
            Self::block(&mut self.lanes, &block);
            self.pending_len = 0;
        }
        let mut blocks = bytes.chunks_exact(32);
        for b in &mut blocks {
            Self::block(&mut self.lanes, b);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let l = self.lanes;
        let mut h = l[0] ^ l[1].rotate_left(17) ^ l[2].rotate_left(31) ^ l[3].rotate_left(47);
        for &b in &self.pending[..self.pending_len] {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(HASH_K[0]);
        }
        h ^= self.total;
        (h ^ (h >> 29)).wrapping_mul(HASH_K[1]) ^ (h >> 32)
    }
}

/// `StableHasher` over one slice.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h = StableHasher::default();
    h.update(bytes);
    h.finish()
}

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn v(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn v32(&mut self, v: u32) {
        self.v(u64::from(v));
    }
    /// `NONE` as 0, anything else plus one.
    fn opt(&mut self, v: u32) {
        self.v(if v == NONE { 0 } else { u64::from(v) + 1 });
    }
    fn len(&mut self, n: usize) {
        self.v(n as u64);
    }
    fn zz(&mut self, v: i128) {
        let z = ((v << 1) ^ (v >> 127)) as u128;
        let mut z = z;
        while z >= 0x80 {
            self.0.push((z as u8) | 0x80);
            z >>= 7;
        }
        self.0.push(z as u8);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn sym(&mut self, s: Sym) {
        self.v32(s.raw());
    }
    fn opt_sym(&mut self, s: Option<Sym>) {
        self.v32(s.map_or(0, Sym::raw));
    }
    fn slice(&mut self, s: Slice) {
        self.v32(s.start);
        self.v32(s.len);
    }
    fn pos(&mut self, p: Pos) {
        self.v32(p.line);
        self.v32(p.col);
    }
    fn span(&mut self, s: Option<TextSpan>) {
        match s {
            None => self.v(0),
            Some(s) => {
                self.v(u64::from(s.start) + 1);
                self.v32(s.len);
            }
        }
    }
}

/// Reads the cache through a window, hashing the bytes as they arrive (the checksum is
/// compared at the end, so a damaged file never needs to be held whole in memory).
struct R<'a> {
    src: &'a mut dyn Read,
    buf: Vec<u8>,
    at: usize,
    end: usize,
    /// Bytes not yet read from `src`, as announced by the caller (bounds counts).
    unread: u64,
    hasher: StableHasher,
    syms: u32,
}

type Res<T> = Result<T, CacheError>;

const WINDOW: usize = 256 * 1024;

impl<'a> R<'a> {
    fn new(src: &'a mut dyn Read, len: u64) -> Self {
        R {
            src,
            buf: vec![0; WINDOW],
            at: 0,
            end: 0,
            unread: len,
            hasher: StableHasher::default(),
            syms: 0,
        }
    }

    /// Bytes left to decode (in the window and in the source).
    fn left(&self) -> u64 {
        (self.end - self.at) as u64 + self.unread
    }

    /// Reads from the source into `out`, hashing; fails on a short read.
    fn read_exact_hashed(&mut self, out: &mut [u8]) -> Res<()> {
        self.src
            .read_exact(out)
            .map_err(|_| CacheError::Truncated)?;
        self.unread = self.unread.saturating_sub(out.len() as u64);
        self.hasher.update(out);
        Ok(())
    }

    /// Moves what is left to the front and reads more; false at the end of the source.
    fn refill(&mut self) -> Res<bool> {
        self.buf.copy_within(self.at..self.end, 0);
        self.end -= self.at;
        self.at = 0;
        let want = (WINDOW - self.end).min(usize::try_from(self.unread).unwrap_or(WINDOW));
        if want == 0 {
            return Ok(false);
        }
        let mut got = 0;
        while got < want {
            match self
                .src
                .read(&mut self.buf[self.end + got..self.end + want])
            {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(CacheError::Truncated),
            }
        }
        let (start, stop) = (self.end, self.end + got);
        self.hasher.update(&self.buf[start..stop]);
        self.end = stop;
        self.unread = self.unread.saturating_sub(got as u64);
        Ok(got > 0)
    }

    /// `n` bytes, owned (large strings come straight from the source).
    fn take(&mut self, n: usize) -> Res<Vec<u8>> {
        if n as u64 > self.left() {
            return Err(CacheError::Truncated);
        }
        let mut out = Vec::with_capacity(n);
        let here = (self.end - self.at).min(n);
        out.extend_from_slice(&self.buf[self.at..self.at + here]);
        self.at += here;
        if out.len() < n {
            let have = out.len();
            out.resize(n, 0);
            self.read_exact_hashed(&mut out[have..])?;
        }
        Ok(out)
    }

    /// Reads (and hashes) whatever is left, up to the announced length.
    fn drain(&mut self) {
        self.at = self.end;
        while self.unread > 0 {
            match self.refill() {
                Ok(true) => self.at = self.end,
                _ => return,
            }
        }
    }

    /// True when the source is exhausted exactly here.
    fn at_end(&mut self) -> Res<bool> {
        if self.at < self.end {
            return Ok(false);
        }
        let mut probe = [0u8; 1];
        loop {
            match self.src.read(&mut probe) {
                Ok(0) => return Ok(true),
                Ok(_) => return Ok(false),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(CacheError::Truncated),
            }
        }
    }

    #[inline]
    fn u8(&mut self) -> Res<u8> {
        if self.at == self.end && !self.refill()? {
            return Err(CacheError::Truncated);
        }
        let b = self.buf[self.at];
        self.at += 1;
        Ok(b)
    }
    #[inline]
    fn v(&mut self) -> Res<u64> {
        // Most numbers fit one byte.
        if self.at < self.end {
            let b = self.buf[self.at];
            if b < 0x80 {
                self.at += 1;
                return Ok(u64::from(b));
            }
        }
        self.v_long()
    }

    fn v_long(&mut self) -> Res<u64> {
        // A whole varint in the window: no refill checks per byte.
        if self.end - self.at >= 10 {
            let window = &self.buf[self.at..self.at + 10];
            let mut v: u64 = 0;
            for (i, &b) in window.iter().enumerate() {
                if i == 9 && b > 1 {
                    return Err(CacheError::Corrupt("varint overflow"));
                }
                v |= u64::from(b & 0x7F) << (7 * i);
                if b < 0x80 {
                    self.at += i + 1;
                    return Ok(v);
                }
            }
            return Err(CacheError::Corrupt("varint too long"));
        }
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = self.u8()?;
            if shift == 63 && b > 1 {
                return Err(CacheError::Corrupt("varint overflow"));
            }
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(CacheError::Corrupt("varint too long"));
            }
        }
    }
    #[inline]
    fn v32(&mut self) -> Res<u32> {
        u32::try_from(self.v()?).map_err(|_| CacheError::Corrupt("number out of range"))
    }
    fn opt(&mut self) -> Res<u32> {
        let v = self.v32()?;
        Ok(if v == 0 { NONE } else { v - 1 })
    }
    fn zz(&mut self) -> Res<i128> {
        let mut z: u128 = 0;
        let mut shift = 0;
        loop {
            let b = self.u8()?;
            z |= u128::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 126 {
                return Err(CacheError::Corrupt("varint too long"));
            }
        }
        Ok(((z >> 1) as i128) ^ -((z & 1) as i128))
    }
    /// A count of items at least `min_size` bytes each: refused when the bytes left cannot
    /// hold them, before anything is allocated.
    fn count(&mut self, min_size: usize) -> Res<usize> {
        let n = self.v()?;
        if n.saturating_mul(min_size.max(1) as u64) > self.left() {
            return Err(CacheError::Truncated);
        }
        usize::try_from(n).map_err(|_| CacheError::Truncated)
    }
    fn str(&mut self) -> Res<String> {
        let n = self.count(1)?;
        String::from_utf8(self.take(n)?).map_err(|_| CacheError::Corrupt("bad UTF-8"))
    }
    fn sym(&mut self) -> Res<Sym> {
        sym_checked(self.v32()?, self.syms)
    }
    fn opt_sym(&mut self) -> Res<Option<Sym>> {
        match self.v32()? {
            0 => Ok(None),
            raw => sym_checked(raw, self.syms).map(Some),
        }
    }
    fn slice(&mut self) -> Res<Slice> {
        Ok(Slice {
            start: self.v32()?,
            len: self.v32()?,
        })
    }
    fn pos(&mut self) -> Res<Pos> {
        Ok(Pos {
            line: self.v32()?,
            col: self.v32()?,
        })
    }
    fn span(&mut self) -> Res<Option<TextSpan>> {
        match self.v()? {
            0 => Ok(None),
            s => Ok(Some(TextSpan {
                start: u32::try_from(s - 1).map_err(|_| CacheError::Corrupt("text span"))?,
                len: self.v32()?,
            })),
        }
    }
}

fn sym_checked(raw: u32, syms: u32) -> Res<Sym> {
    if raw == 0 || raw > syms {
        return Err(CacheError::Corrupt("symbol out of range"));
    }
    Sym::from_raw(raw).ok_or(CacheError::Corrupt("symbol"))
}

fn check_slice(s: Slice, len: usize) -> Res<()> {
    if u64::from(s.start) + u64::from(s.len) > len as u64 {
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

const ACCESS: [Access; 8] = [
    Access::NotAccessible,
    Access::AccessibleForNotify,
    Access::ReadOnly,
    Access::ReadWrite,
    Access::ReadCreate,
    Access::WriteOnly,
    Access::NotImplemented,
    Access::Other,
];
const STATUS: [Status; 6] = [
    Status::Current,
    Status::Deprecated,
    Status::Obsolete,
    Status::Mandatory,
    Status::Optional,
    Status::Other,
];

/// 0 for `None`, else the position in `table` plus one.
fn code_of<T: PartialEq>(table: &[T], v: Option<T>) -> u8 {
    v.and_then(|v| table.iter().position(|t| *t == v))
        .map_or(0, |i| i as u8 + 1)
}

fn from_code<T: Copy>(table: &[T], code: u8) -> Res<Option<T>> {
    match code {
        0 => Ok(None),
        c => table
            .get(c as usize - 1)
            .copied()
            .map(Some)
            .ok_or(CacheError::Corrupt("enumeration code")),
    }
}

fn base_code(b: BaseType) -> (u8, u8) {
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

fn base_from(code: u8, n: u8) -> Res<BaseType> {
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

// Presence bits of a definition's optional fields.
const HAS_OID: u16 = 1;
const HAS_SYNTAX: u16 = 1 << 1;
const HAS_DESCRIPTION: u16 = 1 << 2;
const HAS_EXTRA: u16 = 1 << 3;
const HAS_REFS: u16 = 1 << 4;
const HAS_NODE: u16 = 1 << 5;
const HAS_NEXT: u16 = 1 << 6;

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

fn encode_module(w: &mut W, m: &Module) {
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

fn decode_module(r: &mut R<'_>, sources: usize) -> Res<Module> {
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

fn encode_def(w: &mut W, d: &Def) {
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

fn decode_def(r: &mut R<'_>, modules: usize) -> Res<Def> {
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

fn encode_arenas(w: &mut W, a: &Arenas) {
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

fn encode_extras(w: &mut W, extras: &[DefExtra]) {
    w.len(extras.len());
    for e in extras {
        w.opt_sym(e.units);
        w.opt_sym(e.display_hint);
        w.span(e.reference.get());
        w.opt(e.defval);
    }
}

fn decode_extras(r: &mut R<'_>) -> Res<Vec<DefExtra>> {
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

fn decode_arenas(r: &mut R<'_>, defs: usize) -> Res<Arenas> {
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
                TypeTarget::Def(super::ast::DefId(d))
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
