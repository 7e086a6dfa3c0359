//! BER both directions from tables of (value, bytes), leniency and its quirks, lengths
//! checked against the buffer, bad OIDs.

use std::cell::Cell;

use super::*;
use crate::proto::oid::Oid;

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
    let r = Reader::new(&[0x06, 0x07, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x80, 0x00], &q).read_oid("o");
    assert!(matches!(r, Err(DecodeError::BadOid { .. })));
    assert_eq!(
        Reader::new(&[0x06, 0x00], &q).read_oid("o"),
        Ok(Oid::from([0]))
    );
}
