//! Object identifiers: the `Oid` value type, its dotted text form, ordering and prefix tests.
//!
//! RFC 2578 section 3.5: an OBJECT IDENTIFIER has at most 128 sub-identifiers, each
//! 0..=4294967295. Ordering is lexicographic by sub-identifier, which is the order GetNext
//! and GetBulk walk in (RFC 3416 section 4.2.2).

use std::fmt;
use std::str::FromStr;

/// The SMI limit on sub-identifiers in one OID (RFC 2578 section 3.5).
pub const MAX_SUBIDS: usize = 128;

/// An object identifier. Cheap to compare and order; `Display` prints the leading-dot numeric
/// form Net-SNMP uses with `-On` (`.1.3.6.1.2.1.1.5.0`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Oid(Vec<u32>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidParseError {
    #[error("empty OID")]
    Empty,
    #[error(
        "'{}' is not a numeric OID: sub-identifier '{}' is not a number 0..4294967295",
        elide(text),
        elide(part)
    )]
    BadSubid { text: String, part: String },
    #[error("OID has {0} sub-identifiers; SNMP allows at most 128")]
    TooLong(usize),
    #[error(transparent)]
    NotEncodable(#[from] OidArcsError),
}

/// Why an OID cannot be sent: X.690 section 8.19.4 packs the first two arcs into one
/// sub-identifier (`40 * first + second`), so the first arc is 0, 1 or 2, and under 0 and 1
/// the second is 0..39. Anything else would go out as a different OID (`.3.1` as `.2.41`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OidArcsError {
    #[error(
        "an OID starts with 0 (itu-t), 1 (iso) or 2 (joint-iso-itu-t); this one starts with {0} (X.690 8.19.4)"
    )]
    FirstArc(u32),
    #[error(
        "under {first} ({}) the second arc is 0..39; this OID has {second} there (X.690 8.19.4)",
        if *first == 0 { "itu-t" } else { "iso" }
    )]
    SecondArc { first: u32, second: u32 },
}

/// `text` as an error message may quote it: shortened (a 10,000-character argument is not
/// echoed back) and with control characters escaped (never raw on a terminal).
pub fn elide(text: &str) -> std::borrow::Cow<'_, str> {
    const KEEP: usize = 60;
    let long = text.chars().count() > KEEP + 20;
    if !long && !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(KEEP + 40);
    for c in text.chars().take(if long { KEEP } else { usize::MAX }) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if long {
        let more = text.chars().count() - KEEP;
        out.push_str(&format!("... ({more} more characters)"));
    }
    std::borrow::Cow::Owned(out)
}

impl Oid {
    pub fn new(arcs: Vec<u32>) -> Self {
        Oid(arcs)
    }

    pub fn from_slice(arcs: &[u32]) -> Self {
        Oid(arcs.to_vec())
    }

    pub fn arcs(&self) -> &[u32] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks that the OID can be BER-encoded as it is (see `OidArcsError`). The empty OID
    /// and a single arc 0..2 are accepted, as Net-SNMP encodes them (`.0.0`, `.1.0`).
    pub fn check_encodable(&self) -> Result<(), OidArcsError> {
        match self.0.as_slice() {
            [first, ..] if *first > 2 => Err(OidArcsError::FirstArc(*first)),
            [first @ (0 | 1), second, ..] if *second > 39 => Err(OidArcsError::SecondArc {
                first: *first,
                second: *second,
            }),
            _ => Ok(()),
        }
    }

    /// True when `self` equals `prefix` or lies beneath it in the tree.
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// True when `self` lies strictly beneath `root` (a walk of `root` includes it).
    pub fn is_strictly_under(&self, root: &Oid) -> bool {
        self.0.len() > root.0.len() && self.0.starts_with(&root.0)
    }

    /// This OID with `more` appended (an object plus its instance index, say).
    pub fn child(&self, more: &[u32]) -> Oid {
        let mut arcs = Vec::with_capacity(self.0.len() + more.len());
        arcs.extend_from_slice(&self.0);
        arcs.extend_from_slice(more);
        Oid(arcs)
    }

    pub fn push(&mut self, arc: u32) {
        self.0.push(arc);
    }

    /// The parent of this OID (all but the last arc); `None` for the empty OID.
    pub fn parent(&self) -> Option<Oid> {
        let (_, head) = self.0.split_last()?;
        Some(Oid(head.to_vec()))
    }

    /// The arcs after `prefix`, when `self` starts with it (an instance index, say).
    pub fn suffix_after(&self, prefix: &Oid) -> Option<&[u32]> {
        self.0.strip_prefix(prefix.0.as_slice())
    }

    /// The smallest OID that sorts after every OID beginning with `self`: the end of a
    /// subtree. `None` when no such OID exists (every arc is u32::MAX).
    pub fn subtree_end(&self) -> Option<Oid> {
        let mut arcs = self.0.clone();
        while let Some(last) = arcs.pop() {
            if last < u32::MAX {
                arcs.push(last + 1);
                return Some(Oid(arcs));
            }
        }
        None
    }
}

impl From<Vec<u32>> for Oid {
    fn from(arcs: Vec<u32>) -> Self {
        Oid(arcs)
    }
}

impl From<&[u32]> for Oid {
    fn from(arcs: &[u32]) -> Self {
        Oid(arcs.to_vec())
    }
}

impl<const N: usize> From<[u32; N]> for Oid {
    fn from(arcs: [u32; N]) -> Self {
        Oid(arcs.to_vec())
    }
}

impl FromStr for Oid {
    type Err = OidParseError;

    /// Parses numeric dotted text, with or without the leading dot: `.1.3.6.1`, `1.3.6.1`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let body = text.trim().strip_prefix('.').unwrap_or(text.trim());
        if body.is_empty() {
            return Err(OidParseError::Empty);
        }
        let mut arcs = Vec::with_capacity(body.len() / 2 + 1);
        for part in body.split('.') {
            let arc = part.parse::<u32>().map_err(|_| OidParseError::BadSubid {
                text: text.to_string(),
                part: part.to_string(),
            })?;
            // Reject '+5' and the like, which u32::from_str accepts.
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OidParseError::BadSubid {
                    text: text.to_string(),
                    part: part.to_string(),
                });
            }
            arcs.push(arc);
        }
        if arcs.len() > MAX_SUBIDS {
            return Err(OidParseError::TooLong(arcs.len()));
        }
        let oid = Oid(arcs);
        oid.check_encodable()?;
        Ok(oid)
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            // Net-SNMP prints the zero-length OID this way.
            return f.write_str(".0.0");
        }
        let mut buf = itoa_buf::Buf::new();
        for arc in &self.0 {
            f.write_str(".")?;
            f.write_str(buf.format(*arc))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

/// Allocation-free formatting of u32 (the walk output path prints millions of arcs).
mod itoa_buf {
    pub struct Buf([u8; 10]);

    impl Buf {
        pub fn new() -> Self {
            Buf([0; 10])
        }

        pub fn format(&mut self, mut n: u32) -> &str {
            let mut i = self.0.len();
            loop {
                i -= 1;
                self.0[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            // Only ASCII digits were written.
            std::str::from_utf8(&self.0[i..]).unwrap_or("?")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_leading_dot() {
        let a: Oid = ".1.3.6.1.2.1.1.5.0".parse().unwrap();
        let b: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.arcs(), &[1, 3, 6, 1, 2, 1, 1, 5, 0]);
        assert_eq!(a.to_string(), ".1.3.6.1.2.1.1.5.0");
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!("".parse::<Oid>(), Err(OidParseError::Empty));
        assert!(matches!(
            "1.3.x".parse::<Oid>(),
            Err(OidParseError::BadSubid { .. })
        ));
        assert!(matches!(
            "1..3".parse::<Oid>(),
            Err(OidParseError::BadSubid { .. })
        ));
        assert!(matches!(
            "1.+3".parse::<Oid>(),
            Err(OidParseError::BadSubid { .. })
        ));
        assert!(matches!(
            "1.4294967296".parse::<Oid>(),
            Err(OidParseError::BadSubid { .. })
        ));
        let long = vec!["1"; 129].join(".");
        assert_eq!(long.parse::<Oid>(), Err(OidParseError::TooLong(129)));
    }

    #[test]
    fn refuses_arcs_ber_cannot_carry() {
        for (text, err) in [
            (".3.1", OidArcsError::FirstArc(3)),
            ("4294967295", OidArcsError::FirstArc(u32::MAX)),
            (
                ".1.40",
                OidArcsError::SecondArc {
                    first: 1,
                    second: 40,
                },
            ),
            (
                "0.39999",
                OidArcsError::SecondArc {
                    first: 0,
                    second: 39_999,
                },
            ),
        ] {
            assert_eq!(
                text.parse::<Oid>(),
                Err(OidParseError::NotEncodable(err)),
                "{text}"
            );
        }
        for ok in [".0.39", ".1.39.5", ".2.999.1", ".2.4294967295", ".1", ".2"] {
            assert!(ok.parse::<Oid>().is_ok(), "{ok}");
        }
        let msg = ".3.1".parse::<Oid>().unwrap_err().to_string();
        assert!(msg.contains("starts with 3"), "{msg}");
    }

    #[test]
    fn long_bad_text_is_not_echoed_in_full() {
        let text = format!(".1.3.{}x", "6".repeat(10_000));
        let msg = text.parse::<Oid>().unwrap_err().to_string();
        assert!(msg.len() < 400, "{} bytes", msg.len());
        assert!(msg.contains("more characters"), "{msg}");
    }

    #[test]
    fn orders_lexicographically_by_arc() {
        let mut oids: Vec<Oid> = [
            "1.3.6.1.2.1.2",
            "1.3.6.1.2.1.10",
            "1.3.6.1.2.1.2.1",
            "1.3.6",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        oids.sort();
        let text: Vec<String> = oids.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                ".1.3.6",
                ".1.3.6.1.2.1.2",
                ".1.3.6.1.2.1.2.1",
                ".1.3.6.1.2.1.10"
            ]
        );
    }

    #[test]
    fn prefix_tests() {
        let root: Oid = "1.3.6.1.2.1.2".parse().unwrap();
        let inside: Oid = "1.3.6.1.2.1.2.2.1.1.1".parse().unwrap();
        let sibling: Oid = "1.3.6.1.2.1.20".parse().unwrap();
        assert!(inside.starts_with(&root));
        assert!(inside.is_strictly_under(&root));
        assert!(!root.is_strictly_under(&root));
        assert!(root.starts_with(&root));
        assert!(!sibling.starts_with(&root));
        assert_eq!(inside.suffix_after(&root), Some(&[2, 1, 1, 1][..]));
        assert_eq!(root.subtree_end().unwrap().to_string(), ".1.3.6.1.2.1.3");
        assert_eq!(Oid::from([1, u32::MAX]).subtree_end(), Some(Oid::from([2])));
    }
}
