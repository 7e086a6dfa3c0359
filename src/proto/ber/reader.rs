//! The BER `Reader`: a cursor that checks every length against the bytes present, records
//! each tolerated deviation as a `Quirk`, and decodes SNMP's integers, strings and OIDs.

use std::cell::Cell;

use super::{DecodeError, Quirk, Quirks, tag};
use crate::proto::oid::{MAX_SUBIDS, Oid};

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
