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

mod native;
mod parser;
mod scalar;
mod walk;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::proto::Oid;
use crate::proto::Value;
use crate::proto::value::ValueKind;
use parser::Parser;
use scalar::{parse_enum_integer, parse_numeric_oid};

/// The switch the agent serves when no snapshot is given.
pub const EMBEDDED_SWITCH: &str = include_str!("../../../assets/switch48.snapshot");

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

#[cfg(test)]
mod tests;
