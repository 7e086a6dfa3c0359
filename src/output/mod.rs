//! How varbinds are shown: Net-SNMP's text forms with its `-O` output flags, and JSON lines
//! for machines. Rendering of each SMI type lives here, in one place.

pub mod json;
pub mod text;

use crate::proto::VarBind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    #[error("Unknown output option passed to -O: {0}")]
    UnknownFlag(char),
}

/// How OIDs are printed (`-On`, `-Of`, `-Os`, `-OS`, `-Ou`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OidStyle {
    /// Numeric with a leading dot (`-On`); the default until MIBs are loaded.
    #[default]
    Numeric,
    /// Full names from the root (`-Of`).
    Full,
    /// The last name and the index (`-Os`).
    Suffix,
    /// MODULE::name and the index (`-OS`, Net-SNMP's default).
    Module,
    /// UCD style (`-Ou`).
    Ucd,
}

/// Net-SNMP's `-O` flags, plus JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputOptions {
    pub oid_style: OidStyle,
    /// `-Oq`: "OID value" without " = " or the type.
    pub quick: bool,
    /// `-OQ`: " = " but no type.
    pub quick_equals: bool,
    /// `-Ov`: the value only.
    pub value_only: bool,
    /// `-Ox`: octet strings in hex.
    pub hex_strings: bool,
    /// `-Oa`: octet strings as ASCII.
    pub ascii_strings: bool,
    /// `-OT`: hex strings followed by their printable text.
    pub hex_with_text: bool,
    /// `-Ot`: TimeTicks as a plain number.
    pub raw_timeticks: bool,
    /// `-Oe`: enums as numbers.
    pub numeric_enums: bool,
    /// `-OU`: no units.
    pub no_units: bool,
    /// `-Ob`: do not break OID indexes down (accepted for compatibility).
    pub no_index_breakdown: bool,
    /// `-OE`: escape quotes in indexes (accepted for compatibility).
    pub escape_quotes: bool,
    /// `-OX`: extended index format (with MIBs).
    pub extended_index: bool,
    /// `--json`: one JSON object per varbind.
    pub json: bool,
}

impl OutputOptions {
    /// Applies the letters of one `-O` argument.
    pub fn apply_flags(&mut self, letters: &str) -> Result<(), OutputError> {
        for c in letters.chars() {
            match c {
                'n' => self.oid_style = OidStyle::Numeric,
                'f' => self.oid_style = OidStyle::Full,
                's' => self.oid_style = OidStyle::Suffix,
                'S' => self.oid_style = OidStyle::Module,
                'u' => self.oid_style = OidStyle::Ucd,
                'q' => self.quick = true,
                'Q' => self.quick_equals = true,
                'v' => self.value_only = true,
                'x' => self.hex_strings = true,
                'a' => self.ascii_strings = true,
                'T' => self.hex_with_text = true,
                't' => self.raw_timeticks = true,
                'e' => self.numeric_enums = true,
                'U' => self.no_units = true,
                'b' => self.no_index_breakdown = true,
                'E' => self.escape_quotes = true,
                'X' => self.extended_index = true,
                other => return Err(OutputError::UnknownFlag(other)),
            }
        }
        Ok(())
    }
}

/// Writes one varbind as a line in the chosen format.
pub fn write_varbind(
    out: &mut impl std::io::Write,
    vb: &VarBind,
    options: &OutputOptions,
) -> std::io::Result<()> {
    if options.json {
        json::write_varbind(out, vb)
    } else {
        text::write_varbind(out, vb, options)
    }
}
