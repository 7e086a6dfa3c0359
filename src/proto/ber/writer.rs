//! The BER `Writer`: definite, minimal encodings, constructed values closed once their
//! content is known.

use crate::proto::oid::Oid;

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
