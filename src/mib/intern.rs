//! Interned names: every identifier, unit and display hint of the loaded MIBs is stored once
//! and referred to by a 4-byte `Sym`. Thousands of modules repeat the same names (`ifIndex`,
//! `DisplayString`, `current`); interning keeps the tree small and makes name comparison an
//! integer comparison.

use std::hash::BuildHasher;
use std::num::NonZeroU32;

use hashbrown::HashTable;

/// An interned string. `Option<Sym>` is as small as `Sym`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(NonZeroU32);

impl Sym {
    pub(crate) fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    pub(crate) fn from_index(index: usize) -> Option<Sym> {
        u32::try_from(index + 1)
            .ok()
            .and_then(NonZeroU32::new)
            .map(Sym)
    }

    /// The raw number, for compact serialisation.
    pub(crate) fn raw(self) -> u32 {
        self.0.get()
    }

    pub(crate) fn from_raw(raw: u32) -> Option<Sym> {
        NonZeroU32::new(raw).map(Sym)
    }
}

/// The string table. Strings live in one buffer; the hash table maps them to their `Sym`.
#[derive(Default)]
pub struct Interner {
    buf: String,
    /// (start, end) of each string in `buf`, indexed by `Sym::index`.
    spans: Vec<(u32, u32)>,
    table: HashTable<Sym>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interner({} strings)", self.spans.len())
    }
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The text of a symbol.
    pub fn get(&self, sym: Sym) -> &str {
        match self.spans.get(sym.index()) {
            Some(&(start, end)) => &self.buf[start as usize..end as usize],
            None => "",
        }
    }

    /// The symbol for `text`, when it has been interned.
    pub fn lookup(&self, text: &str) -> Option<Sym> {
        self.find(text.as_bytes(), self.hasher.hash_one(text.as_bytes()))
    }

    fn find(&self, bytes: &[u8], hash: u64) -> Option<Sym> {
        self.table
            .find(hash, |&s| {
                let (start, end) = self.spans[s.index()];
                &self.buf.as_bytes()[start as usize..end as usize] == bytes
            })
            .copied()
    }

    /// Interns `text`, returning its symbol (the existing one when already present).
    pub fn intern(&mut self, text: &str) -> Sym {
        let hash = self.hasher.hash_one(text.as_bytes());
        match self.find(text.as_bytes(), hash) {
            Some(sym) => sym,
            None => self.push_new(text, hash),
        }
    }

    fn push_new(&mut self, text: &str, hash: u64) -> Sym {
        let start = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        self.buf.push_str(text);
        let end = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        let Some(sym) = Sym::from_index(self.spans.len()) else {
            // More than 4 billion names cannot come from real MIB text; keep going with the
            // first symbol rather than panicking.
            return Sym(NonZeroU32::MIN);
        };
        self.spans.push((start, end));
        let spans = &self.spans;
        let buf = &self.buf;
        let hasher = &self.hasher;
        self.table.insert_unique(hash, sym, |&s| {
            let (a, b) = spans[s.index()];
            hasher.hash_one(&buf.as_bytes()[a as usize..b as usize])
        });
        sym
    }

    /// Interns bytes from MIB text: identifiers are ASCII; anything else is decoded as
    /// UTF-8 when valid, else as Latin-1. Known bytes are found without decoding.
    pub fn intern_bytes(&mut self, bytes: &[u8]) -> Sym {
        let hash = self.hasher.hash_one(bytes);
        if let Some(sym) = self.find(bytes, hash) {
            return sym;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => self.push_new(text, hash),
            Err(_) => self.intern(&latin1(bytes)),
        }
    }

    /// All strings in symbol order (for serialisation).
    pub(crate) fn strings(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(a, b)| &self.buf[a as usize..b as usize])
    }

    /// Rebuilds a table from its buffer and the (start, end) of each string, as the cache
    /// stores them. Spans must lie within `buf` on character boundaries (checked: a bad
    /// span becomes the empty string).
    pub(crate) fn from_parts(buf: String, mut spans: Vec<(u32, u32)>) -> Self {
        for span in &mut spans {
            let (a, b) = (span.0 as usize, span.1 as usize);
            if a > b || buf.get(a..b).is_none() {
                *span = (0, 0);
            }
        }
        let mut interner = Interner {
            buf,
            table: HashTable::with_capacity(spans.len()),
            spans: Vec::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
        };
        for (i, &(a, b)) in spans.iter().enumerate() {
            let Some(sym) = Sym::from_index(i) else {
                break;
            };
            let hash = interner
                .hasher
                .hash_one(&interner.buf.as_bytes()[a as usize..b as usize]);
            let spans = &spans;
            let buf = &interner.buf;
            let hasher = &interner.hasher;
            interner.table.insert_unique(hash, sym, |&s| {
                let (a, b) = spans[s.index()];
                hasher.hash_one(&buf.as_bytes()[a as usize..b as usize])
            });
        }
        interner.spans = spans;
        interner
    }

    /// Room for about `strings` more strings of `bytes` in total.
    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) {
        self.buf.reserve(bytes);
        self.spans.reserve(strings);
        let (spans, buf, hasher) = (&self.spans, &self.buf, &self.hasher);
        self.table.reserve(strings, |&s| {
            let (a, b) = spans[s.index()];
            hasher.hash_one(&buf.as_bytes()[a as usize..b as usize])
        });
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
        self.spans.shrink_to_fit();
    }

    /// Bytes held by the table (for memory reports).
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.spans.capacity() * 8 + self.table.capacity() * 5
    }
}

/// Decodes bytes as Latin-1 (every byte is one char): the usual encoding of non-UTF-8 MIBs.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Decodes MIB text: UTF-8 when valid, else Latin-1.
pub fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(latin1(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once() {
        let mut i = Interner::new();
        let a = i.intern("ifIndex");
        let b = i.intern("ifDescr");
        assert_ne!(a, b);
        assert_eq!(i.intern("ifIndex"), a);
        assert_eq!(i.get(b), "ifDescr");
        assert_eq!(i.lookup("ifDescr"), Some(b));
        assert_eq!(i.lookup("nothing"), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn latin1_bytes_are_decoded() {
        let mut i = Interner::new();
        let s = i.intern_bytes(b"caf\xe9");
        assert_eq!(i.get(s), "caf\u{e9}");
    }

    #[test]
    fn rebuilds_from_buffer_and_spans() {
        let mut i = Interner::new();
        for name in ["a", "bb", "ccc"] {
            i.intern(name);
        }
        let copy = Interner::from_parts(i.buf.clone(), i.spans.clone());
        assert_eq!(copy.lookup("bb"), i.lookup("bb"));
        assert_eq!(copy.get(i.lookup("ccc").unwrap()), "ccc");
        // Spans outside the buffer or inside a character are emptied, never a panic.
        let bad = Interner::from_parts("h\u{e9}".to_string(), vec![(0, 2), (0, 9), (1, 3)]);
        assert_eq!(bad.len(), 3);
        assert_eq!(bad.get(Sym::from_index(1).unwrap()), "");
        assert_eq!(bad.get(Sym::from_index(2).unwrap()), "\u{e9}");
        assert_eq!(bad.get(Sym::from_index(0).unwrap()), "");
    }
}
