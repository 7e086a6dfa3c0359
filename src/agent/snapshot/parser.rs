//! The line-by-line reader behind `Snapshot::parse`: blank and comment lines skipped,
//! directives, each object line handed to its format (`native` or `walk`), duplicate OIDs
//! refused.

use std::collections::HashMap;

use super::native::native_line;
use super::scalar::parse_numeric_oid;
use super::{Snapshot, SnapshotObject};
use crate::proto::Oid;

pub(super) struct Parser<'t> {
    pub(super) lines: Vec<&'t str>,
    /// Index of the next line to read.
    pub(super) at: usize,
    pub(super) snapshot: Snapshot,
    /// OID -> line, to report duplicates.
    pub(super) seen: HashMap<Oid, usize>,
}

/// (1-based line number, reason)
pub(super) type LineResult<T> = Result<T, (usize, String)>;

impl Parser<'_> {
    pub(super) fn run(&mut self) -> LineResult<()> {
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

    pub(super) fn add(&mut self, object: SnapshotObject) -> LineResult<()> {
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
}

impl SnapshotObject {
    pub(super) fn with_line(mut self, line: usize) -> Self {
        self.line = line;
        self
    }
}
