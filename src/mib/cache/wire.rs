//! The byte layer: `W` writes and `R` reads (and hashes, and bounds) LEB128 varints,
//! zigzag integers, strings, symbols, slices and positions; the codes of the small enums.

use std::io::Read;

use crate::mib::ast::{Access, BaseType, NONE, Slice, Status, TextSpan};
use crate::mib::diag::Pos;
use crate::mib::intern::Sym;

use super::{CacheError, Res, StableHasher};

pub(super) struct W(pub(super) Vec<u8>);

impl W {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(super) fn v(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    pub(super) fn v32(&mut self, v: u32) {
        self.v(u64::from(v));
    }
    /// `NONE` as 0, anything else plus one.
    pub(super) fn opt(&mut self, v: u32) {
        self.v(if v == NONE { 0 } else { u64::from(v) + 1 });
    }
    pub(super) fn len(&mut self, n: usize) {
        self.v(n as u64);
    }
    pub(super) fn zz(&mut self, v: i128) {
        let z = ((v << 1) ^ (v >> 127)) as u128;
        let mut z = z;
        while z >= 0x80 {
            self.0.push((z as u8) | 0x80);
            z >>= 7;
        }
        self.0.push(z as u8);
    }
    pub(super) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    pub(super) fn sym(&mut self, s: Sym) {
        self.v32(s.raw());
    }
    pub(super) fn opt_sym(&mut self, s: Option<Sym>) {
        self.v32(s.map_or(0, Sym::raw));
    }
    pub(super) fn slice(&mut self, s: Slice) {
        self.v32(s.start);
        self.v32(s.len);
    }
    pub(super) fn pos(&mut self, p: Pos) {
        self.v32(p.line);
        self.v32(p.col);
    }
    pub(super) fn span(&mut self, s: Option<TextSpan>) {
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
pub(super) struct R<'a> {
    src: &'a mut dyn Read,
    buf: Vec<u8>,
    at: usize,
    end: usize,
    /// Bytes not yet read from `src`, as announced by the caller (bounds counts).
    unread: u64,
    pub(super) hasher: StableHasher,
    pub(super) syms: u32,
}

pub(super) const WINDOW: usize = 256 * 1024;

impl<'a> R<'a> {
    pub(super) fn new(src: &'a mut dyn Read, len: u64) -> Self {
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
    pub(super) fn left(&self) -> u64 {
        (self.end - self.at) as u64 + self.unread
    }

    /// Reads from the source into `out`, hashing; fails on a short read.
    pub(super) fn read_exact_hashed(&mut self, out: &mut [u8]) -> Res<()> {
        self.src
            .read_exact(out)
            .map_err(|_| CacheError::Truncated)?;
        self.unread = self.unread.saturating_sub(out.len() as u64);
        self.hasher.update(out);
        Ok(())
    }

    /// Moves what is left to the front and reads more; false at the end of the source.
    pub(super) fn refill(&mut self) -> Res<bool> {
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
    pub(super) fn take(&mut self, n: usize) -> Res<Vec<u8>> {
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
    pub(super) fn drain(&mut self) {
        self.at = self.end;
        while self.unread > 0 {
            match self.refill() {
                Ok(true) => self.at = self.end,
                _ => return,
            }
        }
    }

    /// True when the source is exhausted exactly here.
    pub(super) fn at_end(&mut self) -> Res<bool> {
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
    pub(super) fn u8(&mut self) -> Res<u8> {
        if self.at == self.end && !self.refill()? {
            return Err(CacheError::Truncated);
        }
        let b = self.buf[self.at];
        self.at += 1;
        Ok(b)
    }
    #[inline]
    pub(super) fn v(&mut self) -> Res<u64> {
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

    pub(super) fn v_long(&mut self) -> Res<u64> {
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
    pub(super) fn v32(&mut self) -> Res<u32> {
        u32::try_from(self.v()?).map_err(|_| CacheError::Corrupt("number out of range"))
    }
    pub(super) fn opt(&mut self) -> Res<u32> {
        let v = self.v32()?;
        Ok(if v == 0 { NONE } else { v - 1 })
    }
    pub(super) fn zz(&mut self) -> Res<i128> {
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
    pub(super) fn count(&mut self, min_size: usize) -> Res<usize> {
        let n = self.v()?;
        if n.saturating_mul(min_size.max(1) as u64) > self.left() {
            return Err(CacheError::Truncated);
        }
        usize::try_from(n).map_err(|_| CacheError::Truncated)
    }
    pub(super) fn str(&mut self) -> Res<String> {
        let n = self.count(1)?;
        String::from_utf8(self.take(n)?).map_err(|_| CacheError::Corrupt("bad UTF-8"))
    }
    pub(super) fn sym(&mut self) -> Res<Sym> {
        sym_checked(self.v32()?, self.syms)
    }
    pub(super) fn opt_sym(&mut self) -> Res<Option<Sym>> {
        match self.v32()? {
            0 => Ok(None),
            raw => sym_checked(raw, self.syms).map(Some),
        }
    }
    pub(super) fn slice(&mut self) -> Res<Slice> {
        Ok(Slice {
            start: self.v32()?,
            len: self.v32()?,
        })
    }
    pub(super) fn pos(&mut self) -> Res<Pos> {
        Ok(Pos {
            line: self.v32()?,
            col: self.v32()?,
        })
    }
    pub(super) fn span(&mut self) -> Res<Option<TextSpan>> {
        match self.v()? {
            0 => Ok(None),
            s => Ok(Some(TextSpan {
                start: u32::try_from(s - 1).map_err(|_| CacheError::Corrupt("text span"))?,
                len: self.v32()?,
            })),
        }
    }
}

pub(super) fn sym_checked(raw: u32, syms: u32) -> Res<Sym> {
    if raw == 0 || raw > syms {
        return Err(CacheError::Corrupt("symbol out of range"));
    }
    Sym::from_raw(raw).ok_or(CacheError::Corrupt("symbol"))
}

pub(super) fn check_slice(s: Slice, len: usize) -> Res<()> {
    if u64::from(s.start) + u64::from(s.len) > len as u64 {
        return Err(CacheError::Corrupt("slice out of range"));
    }
    Ok(())
}

pub(super) fn check_index(i: u32, len: usize, allow_none: bool) -> Res<()> {
    if (allow_none && i == NONE) || (i as usize) < len {
        Ok(())
    } else {
        Err(CacheError::Corrupt("index out of range"))
    }
}

pub(super) const ACCESS: [Access; 8] = [
    Access::NotAccessible,
    Access::AccessibleForNotify,
    Access::ReadOnly,
    Access::ReadWrite,
    Access::ReadCreate,
    Access::WriteOnly,
    Access::NotImplemented,
    Access::Other,
];
pub(super) const STATUS: [Status; 6] = [
    Status::Current,
    Status::Deprecated,
    Status::Obsolete,
    Status::Mandatory,
    Status::Optional,
    Status::Other,
];

/// 0 for `None`, else the position in `table` plus one.
pub(super) fn code_of<T: PartialEq>(table: &[T], v: Option<T>) -> u8 {
    v.and_then(|v| table.iter().position(|t| *t == v))
        .map_or(0, |i| i as u8 + 1)
}

pub(super) fn from_code<T: Copy>(table: &[T], code: u8) -> Res<Option<T>> {
    match code {
        0 => Ok(None),
        c => table
            .get(c as usize - 1)
            .copied()
            .map(Some)
            .ok_or(CacheError::Corrupt("enumeration code")),
    }
}

pub(super) fn base_code(b: BaseType) -> (u8, u8) {
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

pub(super) fn base_from(code: u8, n: u8) -> Res<BaseType> {
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
