//! BER primitives for SNMP (X.690 as profiled by RFC 3416 and RFC 3417 section 8): a lenient
//! `Reader` that checks every length against the bytes actually present and records each
//! tolerated deviation as a `Quirk`, and a `Writer` that emits definite, minimal encodings.
//!
//! Leniency follows what real agents send and Net-SNMP accepts: long-form and non-minimal
//! lengths, unsigned types missing their leading zero byte, integers wider than their type
//! (truncated as Net-SNMP does), trailing bytes after the message.

use std::cell::Cell;

use super::oid::{MAX_SUBIDS, Oid};

pub mod tag {
    //! Identifier octets SNMP uses (RFC 2578 section 7.1, RFC 3416 section 3, RFC 1442 for
    //! NsapAddress/UInteger32).
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    pub const SEQUENCE: u8 = 0x30;
    pub const IP_ADDRESS: u8 = 0x40;
    pub const COUNTER32: u8 = 0x41;
    pub const GAUGE32: u8 = 0x42;
    pub const TIMETICKS: u8 = 0x43;
    pub const OPAQUE: u8 = 0x44;
    pub const NSAP_ADDRESS: u8 = 0x45;
    pub const COUNTER64: u8 = 0x46;
    pub const UINTEGER32: u8 = 0x47;
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    pub const END_OF_MIB_VIEW: u8 = 0x82;
}

/// What went wrong decoding, with the byte offset into the message where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("message truncated at byte {offset}: {what} needs {needed} bytes, {available} remain")]
    Truncated {
        offset: usize,
        what: &'static str,
        needed: usize,
        available: usize,
    },
    #[error("unexpected tag 0x{found:02x} at byte {offset}: expected {expected}")]
    UnexpectedTag {
        offset: usize,
        expected: &'static str,
        found: u8,
    },
    #[error("indefinite length at byte {offset}: SNMP requires definite lengths")]
    IndefiniteLength { offset: usize },
    #[error("length field at byte {offset} is {bytes} bytes long; at most 4 are supported")]
    LengthTooLong { offset: usize, bytes: usize },
    #[error("multi-byte tag at byte {offset}: not used by SNMP")]
    MultiByteTag { offset: usize },
    #[error("{what} at byte {offset} is {len} bytes long; too long for its type")]
    IntegerTooLong {
        offset: usize,
        what: &'static str,
        len: usize,
    },
    #[error("bad OBJECT IDENTIFIER at byte {offset}: {reason}")]
    BadOid { offset: usize, reason: &'static str },
    #[error("bad {what} at byte {offset}: {reason}")]
    Invalid {
        offset: usize,
        what: &'static str,
        reason: &'static str,
    },
}

/// Deviations from strict BER that the reader tolerated. Kept as a bit set so recording one
/// costs nothing on the hot path; `mibscope decode` lists them.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Quirks(u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Quirk {
    /// A length in long form, or with more bytes than needed.
    NonMinimalLength = 1 << 0,
    /// An unsigned type whose top bit was set without a leading zero byte (`41 04 FF FF FF FF`).
    UnsignedMissingLeadingZero = 1 << 1,
    /// An integer with redundant leading 0x00/0xFF bytes.
    NonMinimalInteger = 1 << 2,
    /// An integer wider than its type; truncated to the low bits as Net-SNMP does.
    TruncatedInteger = 1 << 3,
    /// Bytes after the end of the message.
    TrailingBytes = 1 << 4,
    /// A zero-length INTEGER or unsigned value, read as 0.
    EmptyInteger = 1 << 5,
    /// A sub-identifier with a redundant 0x80 leading byte.
    NonMinimalSubid = 1 << 6,
    /// NULL, or an exception value, with content bytes.
    NullWithContent = 1 << 7,
    /// An error-status outside 0..=18 or negative, kept as `ErrorStatus::Unknown`.
    UnknownErrorStatus = 1 << 8,
    /// A request-id outside the signed 32-bit range.
    WideRequestId = 1 << 9,
    /// An INTEGER value outside Integer32's range (kept whole, as Net-SNMP does).
    WideInteger = 1 << 11,
    /// An IpAddress whose length is not 4.
    IpAddressLength = 1 << 10,
}

impl Quirk {
    pub const ALL: [Quirk; 12] = [
        Quirk::NonMinimalLength,
        Quirk::UnsignedMissingLeadingZero,
        Quirk::NonMinimalInteger,
        Quirk::TruncatedInteger,
        Quirk::TrailingBytes,
        Quirk::EmptyInteger,
        Quirk::NonMinimalSubid,
        Quirk::NullWithContent,
        Quirk::UnknownErrorStatus,
        Quirk::WideRequestId,
        Quirk::IpAddressLength,
        Quirk::WideInteger,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Quirk::NonMinimalLength => "length in non-minimal long form",
            Quirk::UnsignedMissingLeadingZero => {
                "unsigned value with its top bit set and no leading zero byte"
            }
            Quirk::NonMinimalInteger => "integer with redundant leading bytes",
            Quirk::TruncatedInteger => "integer wider than its type, truncated",
            Quirk::TrailingBytes => "bytes after the end of the message",
            Quirk::EmptyInteger => "zero-length integer read as 0",
            Quirk::NonMinimalSubid => "OID sub-identifier with a redundant leading byte",
            Quirk::NullWithContent => "NULL or exception value with content bytes",
            Quirk::UnknownErrorStatus => "error-status outside the defined range",
            Quirk::WideRequestId => "request-id outside the signed 32-bit range",
            Quirk::IpAddressLength => "IpAddress that is not 4 bytes long",
            Quirk::WideInteger => "INTEGER outside the Integer32 range (-2147483648..2147483647)",
        }
    }
}

impl Quirks {
    pub fn contains(self, q: Quirk) -> bool {
        self.0 & q as u16 != 0
    }

    pub fn insert(&mut self, q: Quirk) {
        self.0 |= q as u16;
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Quirk> {
        Quirk::ALL.into_iter().filter(move |q| self.contains(*q))
    }
}

impl std::fmt::Debug for Quirks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A cursor over BER bytes. Sub-readers (for SEQUENCE contents) share the quirk record and
/// report offsets relative to the start of the whole message.
pub struct Reader<'a, 'q> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    quirks: &'q Cell<Quirks>,
}

impl<'a, 'q> Reader<'a, 'q> {
    pub fn new(buf: &'a [u8], quirks: &'q Cell<Quirks>) -> Self {
        Reader {
            buf,
            pos: 0,
            base: 0,
            quirks,
        }
    }

    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn remaining(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub fn note(&self, q: Quirk) {
        let mut all = self.quirks.get();
        all.insert(q);
        self.quirks.set(all);
    }

    /// The next tag without consuming it.
    pub fn peek_tag(&self) -> Result<u8, DecodeError> {
        self.buf
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.truncated("tag", 1))
    }

    fn truncated(&self, what: &'static str, needed: usize) -> DecodeError {
        DecodeError::Truncated {
            offset: self.offset(),
            what,
            needed,
            available: self.buf.len().saturating_sub(self.pos),
        }
    }

    /// Reads one TLV: its tag, the offset of its content, and the content bytes.
    pub fn read_any(&mut self, what: &'static str) -> Result<(u8, usize, &'a [u8]), DecodeError> {
        let start = self.offset();
        let tag = self.peek_tag()?;
        if tag & 0x1f == 0x1f {
            return Err(DecodeError::MultiByteTag { offset: start });
        }
        self.pos += 1;
        let len = self.read_length()?;
        let available = self.buf.len() - self.pos;
        if len > available {
            return Err(DecodeError::Truncated {
                offset: start,
                what,
                needed: len,
                available,
            });
        }
        let content_offset = self.offset();
        let content = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok((tag, content_offset, content))
    }

    fn read_length(&mut self) -> Result<usize, DecodeError> {
        let at = self.offset();
        let first = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.truncated("length", 1))?;
        self.pos += 1;
        if first < 0x80 {
            return Ok(first as usize);
        }
        if first == 0x80 {
            return Err(DecodeError::IndefiniteLength { offset: at });
        }
        let n = (first & 0x7f) as usize;
        let bytes = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or_else(|| self.truncated("length", n))?;
        self.pos += n;
        let significant = bytes.iter().skip_while(|b| **b == 0).count();
        if significant > 4 {
            return Err(DecodeError::LengthTooLong {
                offset: at,
                bytes: n,
            });
        }
        let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        if len < 0x80 || significant < n {
            self.note(Quirk::NonMinimalLength);
        }
        Ok(len)
    }

    /// Reads a TLV that must carry `expected_tag`.
    pub fn read_tagged(
        &mut self,
        expected_tag: u8,
        what: &'static str,
    ) -> Result<(usize, &'a [u8]), DecodeError> {
        let offset = self.offset();
        let found = self.peek_tag()?;
        if found != expected_tag {
            return Err(DecodeError::UnexpectedTag {
                offset,
                expected: what,
                found,
            });
        }
        let (_, at, content) = self.read_any(what)?;
        Ok((at, content))
    }

    /// Enters a constructed value with `expected_tag`, returning a reader over its content.
    pub fn read_constructed(
        &mut self,
        expected_tag: u8,
        what: &'static str,
    ) -> Result<Reader<'a, 'q>, DecodeError> {
        let (at, content) = self.read_tagged(expected_tag, what)?;
        Ok(self.sub(at, content))
    }

    /// A reader over `content`, which starts at message offset `at`.
    pub fn sub(&self, at: usize, content: &'a [u8]) -> Reader<'a, 'q> {
        Reader {
            buf: content,
            pos: 0,
            base: at,
            quirks: self.quirks,
        }
    }

    pub fn read_integer(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        let (at, content) = self.read_tagged(tag::INTEGER, what)?;
        self.integer_content(at, content, what)
    }

    pub fn read_octets(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        Ok(self.read_tagged(tag::OCTET_STRING, what)?.1)
    }

    pub fn read_oid(&mut self, what: &'static str) -> Result<Oid, DecodeError> {
        let (at, content) = self.read_tagged(tag::OBJECT_IDENTIFIER, what)?;
        self.oid_content(at, content)
    }

    /// Two's-complement content of up to 64 bits (wider only with sign padding).
    pub fn integer_content(
        &self,
        at: usize,
        content: &[u8],
        what: &'static str,
    ) -> Result<i64, DecodeError> {
        if content.is_empty() {
            self.note(Quirk::EmptyInteger);
            return Ok(0);
        }
        let negative = content[0] & 0x80 != 0;
        let pad = if negative { 0xff } else { 0x00 };
        // Strip sign padding, keeping one byte that carries the sign bit.
        let mut body = content;
        while body.len() > 1 && body[0] == pad && (body[1] & 0x80 != 0) == negative {
            body = &body[1..];
        }
        if body.len() < content.len() {
            self.note(Quirk::NonMinimalInteger);
        }
        if body.len() > 8 {
            return Err(DecodeError::IntegerTooLong {
                offset: at,
                what,
                len: content.len(),
            });
        }
        let init: i64 = if negative { -1 } else { 0 };
        Ok(body.iter().fold(init, |acc, b| (acc << 8) | i64::from(*b)))
    }

    /// Unsigned content, zero-extended: a set top bit means a large value, not a negative
    /// one (agents that drop the leading zero byte mean exactly that).
    pub fn unsigned_content(
        &self,
        at: usize,
        content: &[u8],
        what: &'static str,
    ) -> Result<u64, DecodeError> {
        if content.is_empty() {
            self.note(Quirk::EmptyInteger);
            return Ok(0);
        }
        if content[0] & 0x80 != 0 {
            self.note(Quirk::UnsignedMissingLeadingZero);
        }
        let leading_zeros = content.iter().take_while(|b| **b == 0).count();
        let body = &content[leading_zeros..];
        if leading_zeros > 1 || (leading_zeros == 1 && body.first().is_some_and(|b| b & 0x80 == 0))
        {
            self.note(Quirk::NonMinimalInteger);
        }
        if body.len() > 8 {
            return Err(DecodeError::IntegerTooLong {
                offset: at,
                what,
                len: content.len(),
            });
        }
        Ok(body.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// An unsigned 32-bit type; wider values keep their low 32 bits, as Net-SNMP does.
    pub fn u32_content(
        &self,
        at: usize,
        content: &[u8],
        what: &'static str,
    ) -> Result<u32, DecodeError> {
        let v = self.unsigned_content(at, content, what)?;
        u32::try_from(v).or_else(|_| {
            self.note(Quirk::TruncatedInteger);
            Ok(v as u32)
        })
    }

    /// A signed 32-bit INTEGER; wider values keep their low 32 bits, as Net-SNMP does.
    pub fn i32_content(
        &self,
        at: usize,
        content: &[u8],
        what: &'static str,
    ) -> Result<i32, DecodeError> {
        let v = self.integer_content(at, content, what)?;
        i32::try_from(v).or_else(|_| {
            self.note(Quirk::TruncatedInteger);
            Ok(v as i32)
        })
    }

    pub fn oid_content(&self, at: usize, content: &[u8]) -> Result<Oid, DecodeError> {
        if content.is_empty() {
            // Zero-length OIDs occur in the wild; Net-SNMP reads (and prints) them as .0.
            return Ok(Oid::new(vec![0]));
        }
        let mut arcs = Vec::with_capacity(content.len() + 1);
        let mut value: u64 = 0;
        let mut in_subid = false;
        for (i, b) in content.iter().enumerate() {
            if !in_subid && *b == 0x80 {
                self.note(Quirk::NonMinimalSubid);
            }
            value = (value << 7) | u64::from(b & 0x7f);
            if value > u64::from(u32::MAX) + 80 {
                return Err(DecodeError::BadOid {
                    offset: at + i,
                    reason: "sub-identifier exceeds 4294967295",
                });
            }
            if b & 0x80 != 0 {
                in_subid = true;
                continue;
            }
            in_subid = false;
            if arcs.is_empty() {
                // X.690 8.19.4: the first sub-identifier packs the first two arcs.
                let (first, second) = match value {
                    0..=39 => (0, value),
                    40..=79 => (1, value - 40),
                    _ => (2, value - 80),
                };
                arcs.push(first as u32);
                arcs.push(u32::try_from(second).map_err(|_| DecodeError::BadOid {
                    offset: at,
                    reason: "second arc exceeds 4294967295",
                })?);
            } else {
                arcs.push(u32::try_from(value).map_err(|_| DecodeError::BadOid {
                    offset: at + i,
                    reason: "sub-identifier exceeds 4294967295",
                })?);
            }
            value = 0;
        }
        if in_subid {
            return Err(DecodeError::BadOid {
                offset: at + content.len(),
                reason: "last sub-identifier is incomplete",
            });
        }
        if arcs.len() > MAX_SUBIDS {
            return Err(DecodeError::BadOid {
                offset: at,
                reason: "more than 128 sub-identifiers",
            });
        }
        Ok(Oid::new(arcs))
    }

    /// Fails unless every byte has been consumed; for a top-level message, trailing bytes are
    /// a quirk instead (see `finish_message`).
    pub fn expect_end(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::Invalid {
                offset: self.offset(),
                what,
                reason: "unexpected bytes after its last field",
            })
        }
    }

    /// Notes trailing bytes after a complete message without failing.
    pub fn finish_message(&self) {
        if !self.is_empty() {
            self.note(Quirk::TrailingBytes);
        }
    }
}

/// Builds BER with definite, minimal lengths. Constructed values are opened with `begin`
/// and closed with `end`, which writes the length once the content is known.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
}

/// Where an open constructed value's content starts.
#[must_use = "every begin() needs its end()"]
pub struct Open(usize);

impl Writer {
    pub fn new() -> Self {
        Writer {
            buf: Vec::with_capacity(256),
        }
    }

    pub fn with_buffer(mut buf: Vec<u8>) -> Self {
        buf.clear();
        Writer { buf }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn begin(&mut self, tag: u8) -> Open {
        self.buf.push(tag);
        self.buf.push(0);
        Open(self.buf.len())
    }

    // Taking `open` by value makes each begin() close exactly once.
    #[allow(clippy::needless_pass_by_value)]
    pub fn end(&mut self, open: Open) {
        let start = open.0;
        let len = self.buf.len() - start;
        if len < 0x80 {
            self.buf[start - 1] = len as u8;
        } else {
            let bytes = (len as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            let n = bytes.len() - skip;
            self.buf[start - 1] = 0x80 | n as u8;
            self.buf.splice(start..start, bytes[skip..].iter().copied());
        }
    }

    fn header(&mut self, tag: u8, len: usize) {
        self.buf.push(tag);
        if len < 0x80 {
            self.buf.push(len as u8);
        } else {
            let bytes = (len as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            self.buf.push(0x80 | (bytes.len() - skip) as u8);
            self.buf.extend_from_slice(&bytes[skip..]);
        }
    }

    pub fn raw(&mut self, tag: u8, content: &[u8]) {
        self.header(tag, content.len());
        self.buf.extend_from_slice(content);
    }

    /// Pre-encoded TLV bytes, copied as they are.
    pub fn encoded(&mut self, tlv: &[u8]) {
        self.buf.extend_from_slice(tlv);
    }

    pub fn integer(&mut self, tag: u8, v: i64) {
        let bytes = v.to_be_bytes();
        let mut skip = 0;
        while skip < 7 {
            let (b, next) = (bytes[skip], bytes[skip + 1]);
            if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
                skip += 1;
            } else {
                break;
            }
        }
        self.raw(tag, &bytes[skip..]);
    }

    pub fn unsigned(&mut self, tag: u8, v: u64) {
        let bytes = v.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
        if bytes[skip] & 0x80 != 0 {
            self.buf.push(tag);
            self.buf.push((9 - skip) as u8);
            self.buf.push(0);
            self.buf.extend_from_slice(&bytes[skip..]);
        } else {
            self.raw(tag, &bytes[skip..]);
        }
    }

    pub fn octets(&mut self, tag: u8, v: &[u8]) {
        self.raw(tag, v);
    }

    pub fn null(&mut self, tag: u8) {
        self.buf.push(tag);
        self.buf.push(0);
    }

    pub fn oid(&mut self, tag: u8, oid: &Oid) {
        let arcs = oid.arcs();
        let open = self.begin(tag);
        let (first, rest) = match arcs {
            [] => (0u64, &[][..]),
            [a] => (u64::from(*a) * 40, &[][..]),
            [a, b, rest @ ..] => (u64::from(*a) * 40 + u64::from(*b), rest),
        };
        self.subid(first);
        for arc in rest {
            self.subid(u64::from(*arc));
        }
        self.end(open);
    }

    fn subid(&mut self, v: u64) {
        if v < 0x80 {
            self.buf.push(v as u8);
            return;
        }
        let mut groups = [0u8; 10];
        let mut n = 0;
        let mut x = v;
        while x > 0 {
            groups[n] = (x & 0x7f) as u8;
            x >>= 7;
            n += 1;
        }
        for i in (0..n).rev() {
            let more = if i > 0 { 0x80 } else { 0 };
            self.buf.push(groups[i] | more);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_int(bytes: &[u8]) -> (Result<i64, DecodeError>, Quirks) {
        let q = Cell::new(Quirks::default());
        let r = Reader::new(bytes, &q).read_integer("test");
        (r, q.get())
    }

    #[test]
    fn integers_both_directions() {
        let table: &[(i64, &[u8])] = &[
            (0, &[0x02, 0x01, 0x00]),
            (127, &[0x02, 0x01, 0x7f]),
            (128, &[0x02, 0x02, 0x00, 0x80]),
            (-1, &[0x02, 0x01, 0xff]),
            (-128, &[0x02, 0x01, 0x80]),
            (-129, &[0x02, 0x02, 0xff, 0x7f]),
            (2_147_483_647, &[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]),
            (-2_147_483_648, &[0x02, 0x04, 0x80, 0x00, 0x00, 0x00]),
            (4_294_967_295, &[0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]),
        ];
        for (value, bytes) in table {
            let mut w = Writer::new();
            w.integer(tag::INTEGER, *value);
            assert_eq!(w.as_bytes(), *bytes, "encode {value}");
            let (decoded, quirks) = read_int(bytes);
            assert_eq!(decoded, Ok(*value), "decode {bytes:02x?}");
            assert!(quirks.is_empty());
        }
    }

    #[test]
    fn lenient_integers() {
        let (v, q) = read_int(&[0x02, 0x03, 0x00, 0x00, 0x05]);
        assert_eq!(v, Ok(5));
        assert!(q.contains(Quirk::NonMinimalInteger));
        let (v, q) = read_int(&[0x02, 0x00]);
        assert_eq!(v, Ok(0));
        assert!(q.contains(Quirk::EmptyInteger));
        let (v, _) = read_int(&[
            0x02, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        ]);
        assert_eq!(v, Ok(-2));
        let (v, _) = read_int(&[0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(v, Err(DecodeError::IntegerTooLong { .. })));
    }

    #[test]
    fn unsigned_both_directions() {
        let table: &[(u64, &[u8])] = &[
            (0, &[0x41, 0x01, 0x00]),
            (255, &[0x41, 0x02, 0x00, 0xff]),
            (4_294_967_295, &[0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]),
            (
                u64::MAX,
                &[
                    0x41, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
            ),
        ];
        for (value, bytes) in table {
            let mut w = Writer::new();
            w.unsigned(tag::COUNTER32, *value);
            assert_eq!(w.as_bytes(), *bytes, "encode {value}");
            let q = Cell::new(Quirks::default());
            let mut r = Reader::new(bytes, &q);
            let (_, at, content) = r.read_any("u").unwrap();
            assert_eq!(r.unsigned_content(at, content, "u"), Ok(*value));
            assert!(q.get().is_empty(), "{bytes:02x?}");
        }
    }

    #[test]
    fn unsigned_missing_leading_zero() {
        let q = Cell::new(Quirks::default());
        let mut r = Reader::new(&[0x41, 0x04, 0xff, 0xff, 0xff, 0xff], &q);
        let (_, at, content) = r.read_any("c").unwrap();
        assert_eq!(r.u32_content(at, content, "c"), Ok(u32::MAX));
        assert!(q.get().contains(Quirk::UnsignedMissingLeadingZero));
    }

    #[test]
    fn lengths() {
        // Long form for a short value, and a four-byte length form.
        let q = Cell::new(Quirks::default());
        let mut r = Reader::new(&[0x04, 0x81, 0x02, b'h', b'i'], &q);
        assert_eq!(r.read_octets("s"), Ok(&b"hi"[..]));
        assert!(q.get().contains(Quirk::NonMinimalLength));
        let q = Cell::new(Quirks::default());
        let mut r = Reader::new(&[0x04, 0x84, 0, 0, 0, 1, b'x'], &q);
        assert_eq!(r.read_octets("s"), Ok(&b"x"[..]));

        let long = vec![b'a'; 300];
        let mut w = Writer::new();
        w.octets(tag::OCTET_STRING, &long);
        assert_eq!(&w.as_bytes()[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let mut w2 = Writer::new();
        let open = w2.begin(tag::SEQUENCE);
        w2.octets(tag::OCTET_STRING, &long);
        w2.end(open);
        assert_eq!(&w2.as_bytes()[..4], &[0x30, 0x82, 0x01, 0x30]);
        assert_eq!(&w2.as_bytes()[4..], w.as_bytes());
    }

    #[test]
    fn lengths_are_checked_against_the_buffer() {
        let q = Cell::new(Quirks::default());
        let mut r = Reader::new(&[0x04, 0x05, b'a'], &q);
        assert!(matches!(
            r.read_octets("s"),
            Err(DecodeError::Truncated {
                needed: 5,
                available: 1,
                ..
            })
        ));
        let mut r = Reader::new(&[0x04, 0x80, 0, 0], &q);
        assert!(matches!(
            r.read_octets("s"),
            Err(DecodeError::IndefiniteLength { .. })
        ));
        let mut r = Reader::new(&[0x04, 0x85, 1, 0, 0, 0, 0], &q);
        assert!(matches!(
            r.read_octets("s"),
            Err(DecodeError::LengthTooLong { .. })
        ));
        let mut r = Reader::new(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff], &q);
        assert!(matches!(
            r.read_octets("s"),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn oids_both_directions() {
        let table: &[(&str, &[u8])] = &[
            (
                "1.3.6.1.2.1.1.5.0",
                &[0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 5, 0],
            ),
            (
                "1.3.6.1.4.1.8072.3.2.10",
                &[0x06, 0x0a, 0x2b, 6, 1, 4, 1, 0xbf, 0x08, 3, 2, 10],
            ),
            ("0.0", &[0x06, 0x01, 0x00]),
            ("2.999.3", &[0x06, 0x03, 0x88, 0x37, 0x03]),
            (
                "1.3.4294967295",
                &[0x06, 0x06, 0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f],
            ),
        ];
        for (text, bytes) in table {
            let oid: Oid = text.parse().unwrap();
            let mut w = Writer::new();
            w.oid(tag::OBJECT_IDENTIFIER, &oid);
            assert_eq!(w.as_bytes(), *bytes, "encode {text}");
            let q = Cell::new(Quirks::default());
            assert_eq!(
                Reader::new(bytes, &q).read_oid("o"),
                Ok(oid),
                "decode {text}"
            );
        }
    }

    #[test]
    fn bad_oids() {
        let q = Cell::new(Quirks::default());
        let r = Reader::new(&[0x06, 0x02, 0x2b, 0x86], &q).read_oid("o");
        assert!(matches!(r, Err(DecodeError::BadOid { .. })));
        let r =
            Reader::new(&[0x06, 0x07, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x80, 0x00], &q).read_oid("o");
        assert!(matches!(r, Err(DecodeError::BadOid { .. })));
        assert_eq!(
            Reader::new(&[0x06, 0x00], &q).read_oid("o"),
            Ok(Oid::from([0]))
        );
    }
}
