//! BER primitives for SNMP (X.690 as profiled by RFC 3416 and RFC 3417 section 8): a lenient
//! `Reader` that checks every length against the bytes actually present and records each
//! tolerated deviation as a `Quirk`, and a `Writer` that emits definite, minimal encodings.
//!
//! Leniency follows what real agents send and Net-SNMP accepts: long-form and non-minimal
//! lengths, unsigned types missing their leading zero byte, integers wider than their type
//! (truncated as Net-SNMP does), trailing bytes after the message.

mod reader;
mod writer;

pub use reader::Reader;
pub use writer::{Open, Writer};

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

#[cfg(test)]
mod tests;
