//! Snapshot files: what the simulated agent serves, read from text. Two line formats, which
//! may be mixed in one file:
//!
//! **Native lines**, `OID TYPE VALUE [ATTRIBUTES]`, one object per line:
//!
//! ```text
//! # comment (a line starting with '#', or ' #' after the value)
//! .1.3.6.1.2.1.1.5.0      STRING     "core-sw-01"            rw size=0..255
//! .1.3.6.1.2.1.1.3.0      Timeticks  uptime
//! .1.3.6.1.2.1.2.2.1.6.3  Hex-STRING 70:10:5c:3a:8b:03
//! .1.3.6.1.2.1.2.2.1.7.3  INTEGER    up(1)                   rw range=1..3
//! .1.3.6.1.2.1.31.1.1.1.6.3 Counter64 81234567890            rate=1250000
//! .1.3.6.1.2.1.2.2.1.22.3 OID        .0.0
//! .1.3.6.1.4.1.99.1.0     NULL
//! ```
//!
//! - OID: numeric, with or without the leading dot.
//! - TYPE (case-insensitive; Net-SNMP's labels and the SMI names): `INTEGER`/`Integer32`,
//!   `STRING`/`OctetString`, `Hex-STRING`, `OID`/`ObjectIdentifier`, `IpAddress`,
//!   `Counter32`, `Gauge32`/`Unsigned32`, `Timeticks`/`TimeTicks`, `Counter64`, `Opaque`,
//!   `NsapAddress`, `UInteger32`, `NULL`.
//! - VALUE: one token. `STRING` takes a bare word or a double-quoted string with the escapes
//!   `\"` `\\` `\n` `\r` `\t` `\0` `\xHH`; `Hex-STRING`, `Opaque` and `NsapAddress` take hex
//!   bytes (`0x0a1b`, `0a:1b`, `0a-1b`, `0a1b`, or quoted with spaces `"0a 1b"`); `INTEGER`
//!   takes a number or Net-SNMP's `label(n)`; `Timeticks` takes a number or `uptime` (the
//!   agent's time since its start, in hundredths of a second); `NULL` takes none.
//! - ATTRIBUTES: `rw` or `ro` (access; see below), `rate=R` (counters only: advance by R per
//!   second, decimals allowed), `range=MIN..MAX` (integers: a Set outside is wrongValue),
//!   `size=MIN..MAX` (strings: a Set of another length is wrongLength).
//!
//! **Directives** apply to many objects:
//!
//! - `@rate PREFIX R [when COLUMN = N]`: every Counter32/Counter64 under PREFIX advances by R
//!   per second; with `when`, only the instances whose same-index object in COLUMN equals N
//!   (for example the octet counters of interfaces whose ifOperStatus is up(1)). The index is
//!   the part of the OID after PREFIX, so give PREFIX as a table column. The condition is
//!   checked against the snapshot's values when the agent starts.
//! - `@writable PREFIX`: the objects under PREFIX accept Set.
//!
//! **Net-SNMP walk lines**, as `snmpwalk -On` (or `snmpbulkwalk -On`, `snmpget -On`) prints
//! them: `.1.3.6.1.2.1.1.5.0 = STRING: "host"`. Multi-line strings and `Hex-STRING`s that wrap
//! onto following lines, `Timeticks: (n) text`, `OID:`, `INTEGER: label(n)`, `Counter64:`,
//! `""` (an empty string), `Opaque: Float: 1.5` and the other Opaque forms, `BITS:`,
//! `Network Address:` and `Wrong Type (should be ...):` are understood; the lines
//! `... = No more variables left in this MIB View ...`, `No Such Object/Instance ...` and
//! `End of MIB` are skipped. Produce the walk without MIBs (`snmpwalk -On -m ''`), since
//! DISPLAY-HINTs change how strings print.
//!
//! **Access.** An object accepts Set when its line says `rw`, else when an `@writable` prefix
//! covers it, else when it is one of MIB-II's standard read-write objects (sysContact,
//! sysName, sysLocation, ifAdminStatus, ifAlias, ...; see `STANDARD_WRITABLE`), unless its
//! line says `ro`. Those standard objects also get their SMI size/range limits.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::proto::Oid;
use crate::proto::Value;
use crate::proto::value::{OpaqueValue, ValueKind};

/// The switch the agent serves when no snapshot is given.
pub const EMBEDDED_SWITCH: &str = include_str!("../../assets/switch48.snapshot");

/// The name errors in the embedded switch snapshot point at.
pub const EMBEDDED_SWITCH_NAME: &str = "assets/switch48.snapshot (embedded)";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{file}:{line}: {reason}")]
    Line {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("cannot read snapshot {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: no objects in the snapshot")]
    Empty { file: String },
}

/// Whether Set may change an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// A counter's speed, kept exactly: millionths of a unit per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Rate {
    micro_per_sec: u64,
}

impl Rate {
    pub const ZERO: Rate = Rate { micro_per_sec: 0 };

    pub fn per_second(units: u64) -> Rate {
        Rate {
            micro_per_sec: units.saturating_mul(1_000_000),
        }
    }

    pub fn from_micro_per_second(micro: u64) -> Rate {
        Rate {
            micro_per_sec: micro,
        }
    }

    pub fn is_zero(self) -> bool {
        self.micro_per_sec == 0
    }

    /// Whole units gained over `elapsed` (rounded down), modulo 2^64.
    pub fn advance(self, elapsed: std::time::Duration) -> u64 {
        let units = u128::from(self.micro_per_sec) * elapsed.as_nanos() / 1_000_000_000_000_000;
        units as u64
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// A non-negative decimal number of units per second, with at most 6 decimals.
    fn from_str(text: &str) -> Result<Rate, String> {
        let bad = || {
            format!("'{text}' is not a rate (a number of units per second, like 1250000 or 0.5)")
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > 6 {
            return Err(format!("rate '{text}': at most 6 decimals"));
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut micro_frac: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        for _ in frac.len()..6 {
            micro_frac *= 10;
        }
        let micro = whole
            .checked_mul(1_000_000)
            .and_then(|m| m.checked_add(micro_frac))
            .ok_or_else(|| format!("rate '{text}' is too large"))?;
        Ok(Rate {
            micro_per_sec: micro,
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (
            self.micro_per_sec / 1_000_000,
            self.micro_per_sec % 1_000_000,
        );
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// `when COLUMN = N` of a rate rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateCondition {
    pub column: Oid,
    pub equals: i64,
}

/// `@rate PREFIX R [when COLUMN = N]`: counters under PREFIX advance by R per second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateRule {
    pub prefix: Oid,
    pub rate: Rate,
    pub when: Option<RateCondition>,
}

impl std::str::FromStr for RateRule {
    type Err = String;

    /// `PREFIX RATE [when COLUMN = N]` (the text after `@rate`, and what `--rate` takes).
    fn from_str(text: &str) -> Result<RateRule, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let usage = "expected 'PREFIX RATE' or 'PREFIX RATE when COLUMN = N'";
        let (prefix, rate, when) = match words.as_slice() {
            [prefix, rate] => (prefix, rate, None),
            [prefix, rate, "when", column, "=", n] => (prefix, rate, Some((column, n))),
            _ => return Err(format!("bad rate rule '{text}': {usage}")),
        };
        let prefix = parse_numeric_oid(prefix)?;
        let rate = rate.parse()?;
        let when = match when {
            None => None,
            Some((column, n)) => Some(RateCondition {
                column: parse_numeric_oid(column)?,
                equals: parse_enum_integer(n)
                    .ok_or_else(|| format!("'{n}' is not an integer (or label(n))"))?,
            }),
        };
        Ok(RateRule { prefix, rate, when })
    }
}

/// An inclusive limit from `range=` or `size=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min: i64,
    pub max: i64,
}

impl Bounds {
    pub fn contains(self, v: i64) -> bool {
        (self.min..=self.max).contains(&v)
    }
}

impl std::str::FromStr for Bounds {
    type Err = String;

    fn from_str(text: &str) -> Result<Bounds, String> {
        let bad = || format!("'{text}' is not a range MIN..MAX");
        let (a, b) = text.split_once("..").ok_or_else(bad)?;
        let (min, max) = (
            a.parse::<i64>().map_err(|_| bad())?,
            b.parse::<i64>().map_err(|_| bad())?,
        );
        if min > max {
            return Err(format!("range '{text}': MIN is above MAX"));
        }
        Ok(Bounds { min, max })
    }
}

/// What a Set must respect beyond the type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Constraints {
    /// Integer values (wrongValue outside).
    pub range: Option<Bounds>,
    /// Octet string lengths (wrongLength outside).
    pub size: Option<Bounds>,
}

/// An object's value at the agent's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Initial {
    Fixed(Value),
    /// TimeTicks since the agent started.
    Uptime,
}

impl Initial {
    pub fn kind(&self) -> ValueKind {
        match self {
            Initial::Fixed(v) => v.kind(),
            Initial::Uptime => ValueKind::TimeTicks,
        }
    }
}

/// Which line format an object came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    Native,
    NetSnmpWalk,
}

/// One object as the snapshot describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotObject {
    pub oid: Oid,
    pub initial: Initial,
    /// `rw`/`ro` on its line; `None` leaves it to directives and the standard objects.
    pub access: Option<Access>,
    pub rate: Option<Rate>,
    pub constraints: Constraints,
    pub line: usize,
    pub format: LineFormat,
}

/// A parsed snapshot: objects in file order (OIDs unique) and the directives.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub origin: String,
    pub objects: Vec<SnapshotObject>,
    pub rate_rules: Vec<RateRule>,
    pub writable: Vec<Oid>,
}

/// MIB-II objects whose MAX-ACCESS is read-write, with their SMI limits: the objects a
/// snapshot (a walk, typically) makes writable without being told.
pub const STANDARD_WRITABLE: &[(&str, &str, Constraints)] = &[
    ("sysContact", "1.3.6.1.2.1.1.4.0", DISPLAY_STRING),
    ("sysName", "1.3.6.1.2.1.1.5.0", DISPLAY_STRING),
    ("sysLocation", "1.3.6.1.2.1.1.6.0", DISPLAY_STRING),
    ("ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", range(1, 3)),
    (
        "ifLinkUpDownTrapEnable",
        "1.3.6.1.2.1.31.1.1.1.14",
        range(1, 2),
    ),
    ("ifPromiscuousMode", "1.3.6.1.2.1.31.1.1.1.16", range(1, 2)),
    (
        "ifAlias",
        "1.3.6.1.2.1.31.1.1.1.18",
        Constraints {
            range: None,
            size: Some(Bounds { min: 0, max: 64 }),
        },
    ),
    ("snmpEnableAuthenTraps", "1.3.6.1.2.1.11.30.0", range(1, 2)),
];

const DISPLAY_STRING: Constraints = Constraints {
    range: None,
    size: Some(Bounds { min: 0, max: 255 }),
};

const fn range(min: i64, max: i64) -> Constraints {
    Constraints {
        range: Some(Bounds { min, max }),
        size: None,
    }
}

impl Snapshot {
    /// Reads and parses a snapshot file.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SnapshotError::Io {
            file: file.clone(),
            source,
        })?;
        Snapshot::parse_bytes(&bytes, &file)
    }

    /// The embedded 48-port switch.
    pub fn embedded_switch() -> Snapshot {
        // A unit test parses it, so this cannot fail in a released binary.
        Snapshot::parse(EMBEDDED_SWITCH, EMBEDDED_SWITCH_NAME)
            .unwrap_or_else(|e| panic!("the embedded snapshot does not parse: {e}"))
    }

    pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Snapshot, SnapshotError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Snapshot::parse(text, origin),
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                Err(SnapshotError::Line {
                    file: origin.to_string(),
                    line,
                    reason: "not valid UTF-8 text".into(),
                })
            }
        }
    }

    /// Parses snapshot text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Snapshot, SnapshotError> {
        let mut parser = Parser {
            // Split on '\n' only: a walk's multi-line strings keep their '\r'.
            lines: text.split('\n').collect(),
            at: 0,
            snapshot: Snapshot {
                origin: origin.to_string(),
                ..Snapshot::default()
            },
            seen: HashMap::new(),
        };
        parser.run().map_err(|(line, reason)| SnapshotError::Line {
            file: origin.to_string(),
            line,
            reason,
        })?;
        if parser.snapshot.objects.is_empty() {
            return Err(SnapshotError::Empty {
                file: origin.to_string(),
            });
        }
        Ok(parser.snapshot)
    }
}

struct Parser<'t> {
    lines: Vec<&'t str>,
    /// Index of the next line to read.
    at: usize,
    snapshot: Snapshot,
    /// OID -> line, to report duplicates.
    seen: HashMap<Oid, usize>,
}

/// (1-based line number, reason)
type LineResult<T> = Result<T, (usize, String)>;

impl Parser<'_> {
    fn run(&mut self) -> LineResult<()> {
        while self.at < self.lines.len() {
            let number = self.at + 1;
            let raw = self.lines[self.at];
            self.at += 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "End of MIB" {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('@') {
                self.directive(rest).map_err(|e| (number, e))?;
                continue;
            }
            if trimmed.split_whitespace().nth(1) == Some("=") {
                // Untrimmed at the end: a string's first line may end in a '\r' of its own.
                self.walk_line(number, raw.trim_start())?;
            } else {
                let object = native_line(trimmed)
                    .map_err(|e| (number, e))?
                    .with_line(number);
                self.add(object)?;
            }
        }
        Ok(())
    }

    fn add(&mut self, object: SnapshotObject) -> LineResult<()> {
        if let Some(first) = self.seen.insert(object.oid.clone(), object.line) {
            return Err((
                object.line,
                format!("duplicate OID {} (first given at line {first})", object.oid),
            ));
        }
        self.snapshot.objects.push(object);
        Ok(())
    }

    fn directive(&mut self, text: &str) -> Result<(), String> {
        let (name, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        match name {
            "rate" => self.snapshot.rate_rules.push(rest.trim().parse()?),
            "writable" => self.snapshot.writable.push(parse_numeric_oid(rest.trim())?),
            other => {
                return Err(format!(
                    "unknown directive '@{other}': use @rate or @writable"
                ));
            }
        }
        Ok(())
    }

    /// One `OID = TYPE: value` line, plus any lines its value continues onto.
    fn walk_line(&mut self, number: usize, line: &str) -> LineResult<()> {
        let (oid_text, rest) = line
            .split_once(" = ")
            .ok_or_else(|| (number, "expected 'OID = TYPE: VALUE'".to_string()))?;
        let oid = parse_numeric_oid(oid_text.trim()).map_err(|e| (number, e))?;
        let value = self.walk_value(number, rest.trim_start())?;
        if let Some(value) = value {
            self.add(SnapshotObject {
                oid,
                initial: Initial::Fixed(value),
                access: None,
                rate: None,
                constraints: Constraints::default(),
                line: number,
                format: LineFormat::NetSnmpWalk,
            })?;
        }
        Ok(())
    }

    /// The value of a walk line; `None` for lines that carry none (exceptions).
    /// `raw` is untrimmed at the end, for strings; everything else is read trimmed.
    fn walk_value(&mut self, number: usize, raw: &str) -> LineResult<Option<Value>> {
        let err = |reason: String| (number, reason);
        let text = raw.trim_end();
        const SKIPPED: [&str; 3] = [
            "No more variables left in this MIB View",
            "No Such Object available on this agent",
            "No Such Instance currently exists",
        ];
        if SKIPPED.iter().any(|s| text.starts_with(s)) {
            return Ok(None);
        }
        if text == "\"\"" {
            return Ok(Some(Value::OctetString(vec![])));
        }
        if text == "NULL" {
            return Ok(Some(Value::Null));
        }
        // "Wrong Type (should be INTEGER): Gauge32: 5" carries the real type after the note.
        let text = match text.strip_prefix("Wrong Type (should be ") {
            Some(rest) => rest
                .split_once("): ")
                .map(|(_, v)| v)
                .ok_or_else(|| err(format!("cannot read '{text}'")))?,
            None => text,
        };
        let (label, body) = text.split_once(':').ok_or_else(|| {
            err(format!(
                "expected 'TYPE: VALUE' after ' = ', found '{text}'"
            ))
        })?;
        let body = body.trim();
        let word = || first_word(body);
        let value = match label {
            "STRING" => {
                // The same text, untrimmed: where the line ends matters inside a string.
                let raw_body = raw
                    .split_once("STRING:")
                    .map_or(body, |(_, b)| b.strip_prefix(' ').unwrap_or(b));
                Value::OctetString(self.walk_string(number, raw_body)?)
            }
            "Hex-STRING" => Value::OctetString(self.walk_hex(number, body)?),
            "BITS" => Value::OctetString(self.walk_hex(number, body)?),
            "INTEGER" => Value::Integer(
                parse_enum_integer(word())
                    .ok_or_else(|| err(format!("'{body}' is not an INTEGER")))?,
            ),
            "Counter32" => Value::Counter32(parse_u32(word(), "Counter32").map_err(err)?),
            "Gauge32" | "Unsigned32" => Value::Gauge32(parse_u32(word(), "Gauge32").map_err(err)?),
            "UInteger32" => Value::UInteger32(parse_u32(word(), "UInteger32").map_err(err)?),
            "Counter64" => Value::Counter64(
                word()
                    .parse()
                    .map_err(|_| err(format!("'{body}' is not a Counter64")))?,
            ),
            "Timeticks" => Value::TimeTicks(parse_timeticks(body).map_err(err)?),
            "OID" => Value::ObjectId(parse_numeric_oid(word()).map_err(err)?),
            "IpAddress" => Value::IpAddress(parse_ipv4(word()).map_err(err)?),
            "Network Address" => {
                let bytes = parse_hex(body).map_err(err)?;
                Value::IpAddress(
                    <[u8; 4]>::try_from(bytes.as_slice())
                        .map_err(|_| err(format!("'{body}' is not a 4-byte address")))?,
                )
            }
            "NsapAddress" => Value::NsapAddress(self.walk_hex(number, body)?),
            "Opaque" | "OPAQUE" => Value::Opaque(self.walk_opaque(number, body)?),
            other => {
                return Err(err(format!(
                    "unknown type '{other}' (expected a Net-SNMP type label such as STRING, INTEGER, Counter32)"
                )));
            }
        };
        Ok(Some(value))
    }

    /// A STRING value: quoted (with Net-SNMP's `\"` and `\\`), perhaps over several lines;
    /// or unquoted (a DISPLAY-HINT's output), taken as it is.
    fn walk_string(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let Some(quoted) = body.strip_prefix('"') else {
            return Ok(body.trim_end().as_bytes().to_vec());
        };
        let mut out = Vec::with_capacity(quoted.len());
        let mut piece = quoted;
        loop {
            if let Some(rest) = unescape_walk(piece, &mut out) {
                if !rest.trim().is_empty() {
                    return Err((
                        number,
                        format!("unexpected text after the closing quote: '{}'", rest.trim()),
                    ));
                }
                return Ok(out);
            }
            // No closing quote yet: the string goes on at the next line.
            if self.at >= self.lines.len() {
                return Err((
                    number,
                    "the string starting here has no closing quote".to_string(),
                ));
            }
            out.push(b'\n');
            piece = self.lines[self.at];
            self.at += 1;
        }
    }

    /// Hex bytes, continuing onto the following lines while they hold hex bytes only.
    fn walk_hex(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let mut bytes = hex_tokens(body).map_err(|e| (number, e))?;
        while let Some(next) = self.lines.get(self.at) {
            let next = next.trim();
            if next.is_empty() || !next.split_whitespace().all(is_hex_byte) {
                break;
            }
            bytes.extend(hex_tokens(next).map_err(|e| (self.at + 1, e))?);
            self.at += 1;
        }
        Ok(bytes)
    }

    /// `Opaque: Float: 1.5`, `Opaque: Int64: -5`, ... or plain hex.
    fn walk_opaque(&mut self, number: usize, body: &str) -> LineResult<Vec<u8>> {
        let err = |reason: String| (number, reason);
        if let Some((kind, v)) = body.split_once(": ") {
            let v = v.trim();
            let bad = |what: &str| err(format!("'{v}' is not an Opaque {what}"));
            let value = match kind.trim() {
                "Float" => OpaqueValue::Float(v.parse().map_err(|_| bad("Float"))?),
                "Double" => OpaqueValue::Double(v.parse().map_err(|_| bad("Double"))?),
                "Int64" => OpaqueValue::Int64(v.parse().map_err(|_| bad("Int64"))?),
                "UInt64" => OpaqueValue::UInt64(v.parse().map_err(|_| bad("UInt64"))?),
                "Counter64" => OpaqueValue::Counter64(v.parse().map_err(|_| bad("Counter64"))?),
                other => return Err(err(format!("unknown Opaque type '{other}'"))),
            };
            return Ok(value.encode());
        }
        self.walk_hex(number, body)
    }
}

impl SnapshotObject {
    fn with_line(mut self, line: usize) -> Self {
        self.line = line;
        self
    }
}

/// Copies `text` into `out`, undoing Net-SNMP's escapes, up to an unescaped closing quote.
/// Returns what follows the quote, or `None` when the line ended inside the string.
fn unescape_walk<'a>(text: &'a str, out: &mut Vec<u8>) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => {
                out.push(bytes[i + 1]);
                i += 2;
            }
            b'"' => return Some(&text[i + 1..]),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

fn is_hex_byte(token: &str) -> bool {
    token.len() == 2 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Leading two-digit hex tokens (what follows them, like BITS' `up(0)` labels, is ignored).
fn hex_tokens(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for token in text.split_whitespace() {
        if !is_hex_byte(token) {
            if out.is_empty() && !token.contains('(') {
                return Err(format!("'{token}' is not a hex byte"));
            }
            break;
        }
        out.extend(crate::proto::hex::decode(token).map_err(|_| format!("'{token}' is not hex"))?);
    }
    Ok(out)
}

/// A numeric OID; a name gets a hint about `-On`.
fn parse_numeric_oid(text: &str) -> Result<Oid, String> {
    text.parse::<Oid>().map_err(|e| {
        if text.contains("::") || text.chars().any(|c| c.is_ascii_alphabetic()) {
            format!("'{text}' is not a numeric OID (produce the walk with snmpwalk -On)")
        } else {
            e.to_string()
        }
    })
}

/// `5`, `-5` or Net-SNMP's enum form `up(1)`.
fn parse_enum_integer(text: &str) -> Option<i64> {
    if let Some(open) = text.rfind('(') {
        let inner = text[open + 1..].strip_suffix(')')?;
        return inner.parse().ok();
    }
    text.parse().ok()
}

fn parse_u32(text: &str, what: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("'{text}' is not a {what} (0..4294967295)"))
}

/// `(123) 0:00:01.23` or a plain `123`.
fn parse_timeticks(body: &str) -> Result<u32, String> {
    let body = body.trim();
    let number = match body.strip_prefix('(') {
        Some(rest) => rest.split(')').next().unwrap_or(""),
        None => first_word(body),
    };
    parse_u32(number, "Timeticks value")
}

fn parse_ipv4(text: &str) -> Result<[u8; 4], String> {
    text.parse::<std::net::Ipv4Addr>()
        .map(|a| a.octets())
        .map_err(|_| format!("'{text}' is not an IPv4 address"))
}

/// Hex bytes: `0x0a1b`, `0a:1b`, `0a-1b`, `0a 1b`, `0a1b`.
fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let body = text.trim();
    let body = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    let mut out = Vec::new();
    for group in body.split([':', '-', ' ', '\t']).filter(|g| !g.is_empty()) {
        // "0:1a:2b" (a DISPLAY-HINT with single digits) as well as "001a2b".
        let padded;
        let group = if group.len() % 2 == 1 {
            padded = format!("0{group}");
            &padded
        } else {
            group
        };
        out.extend(
            crate::proto::hex::decode(group).map_err(|_| format!("'{text}' is not hex bytes"))?,
        );
    }
    Ok(out)
}

/// Splits a native line into tokens: quoted strings (kept with their quotes) and words; a
/// `#` at the start of a token begins a comment.
fn tokenize(line: &str) -> Result<Vec<&str>, String> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if bytes[i] == b'#' {
            break;
        }
        let start = i;
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            if i >= bytes.len() {
                return Err("unterminated quoted string".into());
            }
            i += 1;
            if i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                return Err("expected a space after the closing quote".into());
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        tokens.push(&line[start..i.min(line.len())]);
    }
    Ok(tokens)
}

/// The content of a quoted native string, escapes undone.
fn unescape_native(token: &str) -> Result<Vec<u8>, String> {
    let inner = &token[1..token.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let esc = bytes.get(i + 1).copied();
        i += 2;
        out.push(match esc {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'0') => 0,
            Some(b'x') => {
                let hex = inner.get(i..i + 2).unwrap_or("");
                i += 2;
                u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("bad escape '\\x{hex}': give two hex digits"))?
            }
            other => {
                return Err(format!(
                    "unknown escape '\\{}' (use \\\" \\\\ \\n \\r \\t \\0 \\xHH)",
                    other.map(char::from).unwrap_or(' ')
                ));
            }
        });
    }
    Ok(out)
}

/// The SMI type a native TYPE word names.
fn native_kind(word: &str) -> Option<ValueKind> {
    Some(match word.to_ascii_lowercase().as_str() {
        "integer" | "integer32" => ValueKind::Integer,
        "string" | "octetstring" | "hex-string" => ValueKind::OctetString,
        "oid" | "objectidentifier" => ValueKind::ObjectId,
        "ipaddress" => ValueKind::IpAddress,
        "counter32" | "counter" => ValueKind::Counter32,
        "gauge32" | "gauge" | "unsigned32" => ValueKind::Gauge32,
        "timeticks" => ValueKind::TimeTicks,
        "counter64" => ValueKind::Counter64,
        "opaque" => ValueKind::Opaque,
        "nsapaddress" => ValueKind::NsapAddress,
        "uinteger32" => ValueKind::UInteger32,
        "null" => ValueKind::Null,
        _ => return None,
    })
}

fn native_line(line: &str) -> Result<SnapshotObject, String> {
    let tokens = tokenize(line)?;
    let [oid_text, type_word, rest @ ..] = tokens.as_slice() else {
        return Err(format!(
            "expected 'OID TYPE VALUE' or 'OID = TYPE: VALUE', found '{line}'"
        ));
    };
    let oid = parse_numeric_oid(oid_text)?;
    let kind = native_kind(type_word).ok_or_else(|| {
        format!(
            "unknown type '{type_word}' (use INTEGER, STRING, Hex-STRING, OID, IpAddress, Counter32, Gauge32, Timeticks, Counter64, Opaque, NsapAddress, UInteger32 or NULL)"
        )
    })?;
    let hex_type = type_word.eq_ignore_ascii_case("hex-string");
    let (value_text, attributes) = match (kind, rest) {
        (ValueKind::Null, _) => (None, rest),
        (_, [value, attributes @ ..]) => (Some(*value), attributes),
        (_, []) => return Err(format!("{type_word} needs a value")),
    };
    let value_text = value_text.unwrap_or("");
    let unquote_hex = |t: &str| -> Result<Vec<u8>, String> {
        if t.starts_with('"') {
            parse_hex(&t[1..t.len() - 1])
        } else {
            parse_hex(t)
        }
    };
    let initial = match kind {
        ValueKind::OctetString if hex_type => {
            Initial::Fixed(Value::OctetString(unquote_hex(value_text)?))
        }
        ValueKind::OctetString => {
            Initial::Fixed(Value::OctetString(if value_text.starts_with('"') {
                unescape_native(value_text)?
            } else {
                value_text.as_bytes().to_vec()
            }))
        }
        ValueKind::Integer => Initial::Fixed(Value::Integer(
            parse_enum_integer(value_text)
                .ok_or_else(|| format!("'{value_text}' is not an INTEGER"))?,
        )),
        ValueKind::ObjectId => Initial::Fixed(Value::ObjectId(parse_numeric_oid(value_text)?)),
        ValueKind::IpAddress => Initial::Fixed(Value::IpAddress(parse_ipv4(value_text)?)),
        ValueKind::Counter32 => {
            Initial::Fixed(Value::Counter32(parse_u32(value_text, "Counter32")?))
        }
        ValueKind::Gauge32 => Initial::Fixed(Value::Gauge32(parse_u32(value_text, "Gauge32")?)),
        ValueKind::UInteger32 => {
            Initial::Fixed(Value::UInteger32(parse_u32(value_text, "UInteger32")?))
        }
        ValueKind::TimeTicks if value_text.eq_ignore_ascii_case("uptime") => Initial::Uptime,
        ValueKind::TimeTicks => Initial::Fixed(Value::TimeTicks(parse_timeticks(value_text)?)),
        ValueKind::Counter64 => {
            Initial::Fixed(Value::Counter64(value_text.parse().map_err(|_| {
                format!("'{value_text}' is not a Counter64 (0..18446744073709551615)")
            })?))
        }
        ValueKind::Opaque => Initial::Fixed(Value::Opaque(unquote_hex(value_text)?)),
        ValueKind::NsapAddress => Initial::Fixed(Value::NsapAddress(unquote_hex(value_text)?)),
        _ => Initial::Fixed(Value::Null),
    };
    let mut object = SnapshotObject {
        oid,
        initial,
        access: None,
        rate: None,
        constraints: Constraints::default(),
        line: 0,
        format: LineFormat::Native,
    };
    for attribute in attributes {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        match key {
            "rw" if value.is_empty() => object.access = Some(Access::ReadWrite),
            "ro" if value.is_empty() => object.access = Some(Access::ReadOnly),
            "rate" => {
                if !matches!(kind, ValueKind::Counter32 | ValueKind::Counter64) {
                    return Err(format!(
                        "rate= applies to Counter32 and Counter64, not {type_word}"
                    ));
                }
                object.rate = Some(value.parse()?);
            }
            "range" => {
                if !matches!(
                    kind,
                    ValueKind::Integer | ValueKind::Gauge32 | ValueKind::UInteger32
                ) {
                    return Err(format!("range= applies to integer types, not {type_word}"));
                }
                object.constraints.range = Some(value.parse()?);
            }
            "size" => {
                if kind != ValueKind::OctetString {
                    return Err(format!("size= applies to strings, not {type_word}"));
                }
                object.constraints.size = Some(value.parse()?);
            }
            _ => {
                return Err(format!(
                    "unknown attribute '{attribute}' (use rw, ro, rate=R, range=MIN..MAX, size=MIN..MAX)"
                ));
            }
        }
    }
    if object.rate.is_some() && object.access == Some(Access::ReadWrite) {
        return Err("an object cannot both be writable (rw) and advance at a rate".into());
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn parse(text: &str) -> Snapshot {
        Snapshot::parse(text, "test.snapshot").unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        Snapshot::parse(text, "bad.snapshot")
            .unwrap_err()
            .to_string()
    }

    fn values(s: &Snapshot) -> Vec<(String, Initial)> {
        s.objects
            .iter()
            .map(|o| (o.oid.to_string(), o.initial.clone()))
            .collect()
    }

    fn fixed(v: Value) -> Initial {
        Initial::Fixed(v)
    }

    #[test]
    fn native_lines_of_every_type() {
        let s = parse(
            r#"# a comment
.1.3.6.1.2.1.1.1.0 STRING "Switch \"A\"\r\nline 2\\ \x41" # trailing comment
1.3.6.1.2.1.1.2.0  OID .1.3.6.1.4.1.9.1.1208
.1.3.6.1.2.1.1.3.0 Timeticks uptime
.1.3.6.1.2.1.1.4.0 string bare-word rw
.1.3.6.1.2.1.1.7.0 INTEGER up(1) range=1..3
.1.3.6.1.2.1.1.8.0 Integer32 -5
.1.3.6.1.2.1.2.2.1.6.1 Hex-STRING 70:10:5c:3a:8b:01
.1.3.6.1.2.1.2.2.1.6.2 Hex-STRING "70 10 5C"
.1.3.6.1.2.1.2.2.1.6.3 Hex-STRING 0x0a0b
.1.3.6.1.2.1.2.2.1.6.4 STRING ""
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 IpAddress 10.0.0.1
.1.3.6.1.2.1.2.2.1.10.1 Counter32 4294967295 rate=1.5
.1.3.6.1.2.1.2.2.1.5.1 Gauge32 1000000000
.1.3.6.1.2.1.2.2.1.9.1 TimeTicks 4521
.1.3.6.1.2.1.31.1.1.1.6.1 Counter64 18446744073709551615 rate=1250000
.1.3.6.1.4.1.1.1.0 Opaque 9f780441c80000
.1.3.6.1.4.1.1.2.0 NsapAddress 470005
.1.3.6.1.4.1.1.3.0 UInteger32 7
.1.3.6.1.4.1.1.4.0 NULL
.1.3.6.1.4.1.1.5.0 Unsigned32 9 ro
"#,
        );
        assert_eq!(
            values(&s),
            vec![
                (
                    ".1.3.6.1.2.1.1.1.0".into(),
                    fixed(Value::OctetString(b"Switch \"A\"\r\nline 2\\ A".to_vec()))
                ),
                (
                    ".1.3.6.1.2.1.1.2.0".into(),
                    fixed(Value::ObjectId(oid("1.3.6.1.4.1.9.1.1208")))
                ),
                (".1.3.6.1.2.1.1.3.0".into(), Initial::Uptime),
                (
                    ".1.3.6.1.2.1.1.4.0".into(),
                    fixed(Value::OctetString(b"bare-word".to_vec()))
                ),
                (".1.3.6.1.2.1.1.7.0".into(), fixed(Value::Integer(1))),
                (".1.3.6.1.2.1.1.8.0".into(), fixed(Value::Integer(-5))),
                (
                    ".1.3.6.1.2.1.2.2.1.6.1".into(),
                    fixed(Value::OctetString(vec![0x70, 0x10, 0x5c, 0x3a, 0x8b, 0x01]))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.6.2".into(),
                    fixed(Value::OctetString(vec![0x70, 0x10, 0x5c]))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.6.3".into(),
                    fixed(Value::OctetString(vec![10, 11]))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.6.4".into(),
                    fixed(Value::OctetString(vec![]))
                ),
                (
                    ".1.3.6.1.2.1.4.20.1.1.10.0.0.1".into(),
                    fixed(Value::IpAddress([10, 0, 0, 1]))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.10.1".into(),
                    fixed(Value::Counter32(u32::MAX))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.5.1".into(),
                    fixed(Value::Gauge32(1_000_000_000))
                ),
                (
                    ".1.3.6.1.2.1.2.2.1.9.1".into(),
                    fixed(Value::TimeTicks(4521))
                ),
                (
                    ".1.3.6.1.2.1.31.1.1.1.6.1".into(),
                    fixed(Value::Counter64(u64::MAX))
                ),
                (
                    ".1.3.6.1.4.1.1.1.0".into(),
                    fixed(Value::Opaque(vec![0x9f, 0x78, 0x04, 0x41, 0xc8, 0, 0]))
                ),
                (
                    ".1.3.6.1.4.1.1.2.0".into(),
                    fixed(Value::NsapAddress(vec![0x47, 0x00, 0x05]))
                ),
                (".1.3.6.1.4.1.1.3.0".into(), fixed(Value::UInteger32(7))),
                (".1.3.6.1.4.1.1.4.0".into(), fixed(Value::Null)),
                (".1.3.6.1.4.1.1.5.0".into(), fixed(Value::Gauge32(9))),
            ]
        );
        let by_oid = |o: &str| s.objects.iter().find(|x| x.oid == oid(o)).unwrap();
        assert_eq!(by_oid("1.3.6.1.2.1.1.4.0").access, Some(Access::ReadWrite));
        assert_eq!(by_oid("1.3.6.1.4.1.1.5.0").access, Some(Access::ReadOnly));
        assert_eq!(by_oid("1.3.6.1.2.1.1.1.0").access, None);
        assert_eq!(
            by_oid("1.3.6.1.2.1.1.7.0").constraints.range,
            Some(Bounds { min: 1, max: 3 })
        );
        assert_eq!(
            by_oid("1.3.6.1.2.1.2.2.1.10.1").rate,
            Some(Rate::from_micro_per_second(1_500_000))
        );
        assert!(s.objects.iter().all(|o| o.format == LineFormat::Native));
    }

    #[test]
    fn net_snmp_walk_output() {
        // As snmpwalk -On -m '' prints (captured from Net-SNMP 5.9.3), with CRLF inside a
        // string, a wrapped Hex-STRING and lines that carry no value.
        let text = ".1.3.6.1.2.1.1.1.0 = STRING: \"Cisco IOS Software, C2960X\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023\"\n\
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9.1.1208\n\
.1.3.6.1.2.1.1.3.0 = Timeticks: (363136200) 42 days, 0:42:42.00\n\
.1.3.6.1.2.1.1.4.0 = STRING: \"a \\\"quoted\\\"\ntwo lines\\\\with back\"\n\
.1.3.6.1.2.1.1.5.0 = \"\"\n\
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 6\n\
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: up(1)\n\
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n\
10 11 12 13 14 15 \n\
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 3000000000\n\
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 4294967295\n\
.1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1\n\
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 5000000000\n\
.1.3.6.1.4.1.8072.2.255.2.1.3.3 = OID: .0.0\n\
.1.3.6.1.4.1.8072.2.255.8.0 = Opaque: Int64: -1234567890123\n\
.1.3.6.1.4.1.8072.2.255.9.0 = Opaque: Float: 1.500000\n\
.1.3.6.1.4.1.8072.2.255.10.0 = OPAQUE: 01 02 \n\
.1.3.6.1.4.1.8072.2.255.11.0 = NULL\n\
.1.3.6.1.4.1.8072.2.255.12.0 = Wrong Type (should be INTEGER): Gauge32: 5\n\
.1.3.6.1.4.1.8072.2.255.13.0 = BITS: 80 40 up(0) down(9)\n\
.1.3.6.1.4.1.8072.2.255.14.0 = Timeticks: 77\n\
.1.3.6.1.4.1.8072.2.255.15.0 = STRING: 0:1a:2b\n\
.1.3.6.1.6.3.1 = No more variables left in this MIB View (It is past the end of the MIB tree)\n\
.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID\n\
End of MIB\n";
        let s = parse(text);
        let got = values(&s);
        let want = vec![
            (
                ".1.3.6.1.2.1.1.1.0",
                Value::OctetString(
                    b"Cisco IOS Software, C2960X\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023".to_vec(),
                ),
            ),
            (
                ".1.3.6.1.2.1.1.2.0",
                Value::ObjectId(oid("1.3.6.1.4.1.9.1.1208")),
            ),
            (".1.3.6.1.2.1.1.3.0", Value::TimeTicks(363_136_200)),
            (
                ".1.3.6.1.2.1.1.4.0",
                Value::OctetString(b"a \"quoted\"\ntwo lines\\with back".to_vec()),
            ),
            (".1.3.6.1.2.1.1.5.0", Value::OctetString(vec![])),
            (".1.3.6.1.2.1.2.2.1.3.1", Value::Integer(6)),
            (".1.3.6.1.2.1.2.2.1.7.1", Value::Integer(1)),
            (
                ".1.3.6.1.2.1.2.2.1.6.1",
                Value::OctetString((0u8..=0x15).collect()),
            ),
            (".1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(3_000_000_000)),
            (".1.3.6.1.2.1.2.2.1.5.1", Value::Gauge32(u32::MAX)),
            (
                ".1.3.6.1.2.1.4.20.1.1.127.0.0.1",
                Value::IpAddress([127, 0, 0, 1]),
            ),
            (".1.3.6.1.2.1.31.1.1.1.6.1", Value::Counter64(5_000_000_000)),
            (
                ".1.3.6.1.4.1.8072.2.255.2.1.3.3",
                Value::ObjectId(oid("0.0")),
            ),
            (
                ".1.3.6.1.4.1.8072.2.255.8.0",
                Value::Opaque(OpaqueValue::Int64(-1_234_567_890_123).encode()),
            ),
            (
                ".1.3.6.1.4.1.8072.2.255.9.0",
                Value::Opaque(OpaqueValue::Float(1.5).encode()),
            ),
            (".1.3.6.1.4.1.8072.2.255.10.0", Value::Opaque(vec![1, 2])),
            (".1.3.6.1.4.1.8072.2.255.11.0", Value::Null),
            (".1.3.6.1.4.1.8072.2.255.12.0", Value::Gauge32(5)),
            (
                ".1.3.6.1.4.1.8072.2.255.13.0",
                Value::OctetString(vec![0x80, 0x40]),
            ),
            (".1.3.6.1.4.1.8072.2.255.14.0", Value::TimeTicks(77)),
            (
                ".1.3.6.1.4.1.8072.2.255.15.0",
                Value::OctetString(b"0:1a:2b".to_vec()),
            ),
        ];
        let want: Vec<(String, Initial)> = want
            .into_iter()
            .map(|(o, v)| (o.to_string(), Initial::Fixed(v)))
            .collect();
        assert_eq!(got, want);
        assert!(
            s.objects
                .iter()
                .all(|o| o.format == LineFormat::NetSnmpWalk)
        );
        // Line numbers point at the first line of each object.
        assert_eq!(s.objects[2].line, 5);
        assert_eq!(s.objects[8].line, 13);
    }

    #[test]
    fn directives() {
        let s = parse(
            "@rate .1.3.6.1.2.1.31.1.1.1.6 125000 when .1.3.6.1.2.1.2.2.1.8 = up(1)\n\
             @rate .1.3.6.1.2.1.2.2.1.14 0.25\n\
             @writable .1.3.6.1.4.1.99\n\
             .1.3.6.1.2.1.1.5.0 STRING x\n",
        );
        assert_eq!(
            s.rate_rules,
            vec![
                RateRule {
                    prefix: oid("1.3.6.1.2.1.31.1.1.1.6"),
                    rate: Rate::per_second(125_000),
                    when: Some(RateCondition {
                        column: oid("1.3.6.1.2.1.2.2.1.8"),
                        equals: 1
                    }),
                },
                RateRule {
                    prefix: oid("1.3.6.1.2.1.2.2.1.14"),
                    rate: Rate::from_micro_per_second(250_000),
                    when: None,
                },
            ]
        );
        assert_eq!(s.writable, vec![oid("1.3.6.1.4.1.99")]);
    }

    #[test]
    fn bad_lines_name_file_line_and_cause() {
        let cases = [
            (
                ".1.3.6.1.2.1.1.5.0 STRNG x",
                "bad.snapshot:1: unknown type 'STRNG'",
            ),
            (
                "\n\n.1.3.6.x STRING y",
                "bad.snapshot:3: '.1.3.6.x' is not a numeric OID",
            ),
            (
                ".1.3.6.1 INTEGER 99999999999999999999",
                "bad.snapshot:1: '99999999999999999999' is not an INTEGER",
            ),
            (".1.3.6.1 INTEGER", "bad.snapshot:1: INTEGER needs a value"),
            (
                ".1.3.6.1 STRING \"open",
                "bad.snapshot:1: unterminated quoted string",
            ),
            (
                ".1.3.6.1 STRING \"a\\q\"",
                "bad.snapshot:1: unknown escape '\\q'",
            ),
            (
                ".1.3.6.1 Counter32 -1",
                "bad.snapshot:1: '-1' is not a Counter32",
            ),
            (
                ".1.3.6.1 IpAddress 1.2.3",
                "bad.snapshot:1: '1.2.3' is not an IPv4 address",
            ),
            (
                ".1.3.6.1 Hex-STRING 0g",
                "bad.snapshot:1: '0g' is not hex bytes",
            ),
            (
                ".1.3.6.1 INTEGER 5 rate=1",
                "bad.snapshot:1: rate= applies to Counter32",
            ),
            (
                ".1.3.6.1 Counter32 5 rate=x",
                "bad.snapshot:1: 'x' is not a rate",
            ),
            (
                ".1.3.6.1 Counter32 5 rw rate=1",
                "bad.snapshot:1: an object cannot both be writable",
            ),
            (
                ".1.3.6.1 STRING x colour=red",
                "bad.snapshot:1: unknown attribute 'colour=red'",
            ),
            (
                ".1.3.6.1 STRING x\n.1.3.6.1 STRING y",
                "bad.snapshot:2: duplicate OID .1.3.6.1 (first given at line 1)",
            ),
            (
                "@frobnicate x",
                "bad.snapshot:1: unknown directive '@frobnicate'",
            ),
            ("@rate .1.3 fast", "bad.snapshot:1: 'fast' is not a rate"),
            ("@rate .1.3 1 if .1.3 = 1", "bad.snapshot:1: bad rate rule"),
            ("justoneword", "bad.snapshot:1: expected 'OID TYPE VALUE'"),
            (
                ".1.3.6.1 = STRING: \"never closed\nmore",
                "bad.snapshot:1: the string starting here has no closing quote",
            ),
            (
                ".1.3.6.1 = Gibberish: 5",
                "bad.snapshot:1: unknown type 'Gibberish'",
            ),
            (
                ".1.3.6.1 = INTEGER: many",
                "bad.snapshot:1: 'many' is not an INTEGER",
            ),
            (
                ".1.3.6.1 = Timeticks: (x) 0:00",
                "bad.snapshot:1: 'x' is not a Timeticks value",
            ),
            (
                "SNMPv2-MIB::sysName.0 = STRING: x",
                "bad.snapshot:1: 'SNMPv2-MIB::sysName.0' is not a numeric OID (produce the walk with snmpwalk -On)",
            ),
            (
                ".1.3.6.1 = STRING: \"a\" junk",
                "bad.snapshot:1: unexpected text after the closing quote",
            ),
            (
                ".1.3.6.1 = Hex-STRING: zz",
                "bad.snapshot:1: 'zz' is not a hex byte",
            ),
            (
                "# only a comment\n",
                "bad.snapshot: no objects in the snapshot",
            ),
        ];
        for (text, want) in cases {
            let got = error(text);
            assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
        }
        let bytes = b".1.3.6.1 STRING ok\n.1.3.6.2 STRING \xff\n";
        let got = Snapshot::parse_bytes(bytes, "latin1.snapshot")
            .unwrap_err()
            .to_string();
        assert_eq!(got, "latin1.snapshot:2: not valid UTF-8 text");
    }

    #[test]
    fn rates_are_exact() {
        let r: Rate = "0.5".parse().unwrap();
        assert_eq!(r.advance(std::time::Duration::from_secs(3)), 1);
        assert_eq!(r.advance(std::time::Duration::from_secs(4)), 2);
        let fast: Rate = "12500000000".parse().unwrap();
        assert_eq!(
            fast.advance(std::time::Duration::from_millis(1500)),
            18_750_000_000
        );
        assert_eq!(r.to_string(), "0.5");
        assert_eq!(fast.to_string(), "12500000000");
        assert!("1.1234567".parse::<Rate>().is_err());
        assert!("-1".parse::<Rate>().is_err());
        assert!(".".parse::<Rate>().is_err());
        assert_eq!("2.".parse::<Rate>(), Ok(Rate::per_second(2)));
    }

    #[test]
    fn the_embedded_switch_parses() {
        let s = Snapshot::embedded_switch();
        assert!(s.objects.len() > 2000, "{} objects", s.objects.len());
    }
}
