//! How varbinds are shown: Net-SNMP's text forms under its `-O` output flags, and JSON lines
//! for machines. Every SMI type is rendered here and only here (one formatter per type in
//! [`text`], DISPLAY-HINT in [`hint`], OID styles and index decoding in [`oid_text`]).
//!
//! MIB knowledge arrives through [`syntax::OidNames`] (a resolver the MIB compiler
//! implements) and [`syntax::RenderHints`] (one per object); without them OIDs print
//! numerically and values by their own type, exactly as `snmpget -m '' -On` prints them.
//!
//! The CLI prints with [`write_varbind`] (no MIBs) or [`write_varbind_named`].

pub mod digits;
pub mod hint;
pub mod json;
pub mod oid_text;
pub mod syntax;
pub mod table;
pub mod terminal;
pub mod text;

#[cfg(test)]
mod netsnmp_golden;

use std::io::{self, Write};

use crate::proto::VarBind;
use syntax::{NoNames, OidNames};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    #[error("Unknown output option passed to -O: {0}")]
    UnknownFlag(char),
}

/// How OIDs are printed (`-On`, `-Of`, `-Os`, `-OS`, `-Ou`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OidStyle {
    /// Numeric with a leading dot (`-On`); mibscope's default until MIBs are loaded.
    #[default]
    Numeric,
    /// Every label from the root (`-Of`): `.iso.org.dod.internet.mgmt.mib-2.system.sysName.0`.
    Full,
    /// The last label and the index (`-Os`): `sysName.0`.
    Suffix,
    /// `MODULE::label` and the index (`-OS`, Net-SNMP's default): `SNMPv2-MIB::sysName.0`.
    Module,
    /// UCD style (`-Ou`): the full name without the mib-2 (and similar) prefix: `system.sysName.0`.
    Ucd,
}

/// How octet strings without a DISPLAY-HINT are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringFormat {
    /// Net-SNMP's guess: text when every byte is printable ASCII or white space, else hex.
    #[default]
    Guess,
    /// `-Ox`: always hex.
    Hex,
    /// `-Oa`: always text, other bytes as `.`.
    Ascii,
}

/// Net-SNMP's `-O` output flags, plus JSON. Letters that Net-SNMP toggles toggle here too
/// (`-Oqq` is back to normal), as `snmp_out_toggle_options` does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputOptions {
    pub oid_style: OidStyle,
    /// `-Oq` (toggle): no type labels, `OID value` without ` = `, TimeTicks as `d:h:mm:ss.cc`.
    pub quick: bool,
    /// Set by `-OQ` (which also toggles `quick`): keep ` = `, and no `Wrong Type` prefixes.
    pub quick_equals: bool,
    /// `-Ov` (toggle): the value only.
    pub value_only: bool,
    /// `-Ox` / `-Oa`: octet strings always in hex or always as text.
    pub string_format: StringFormat,
    /// `-OT` (toggle): hex dumps followed by their printable text.
    pub hex_with_text: bool,
    /// `-Ot` (toggle): TimeTicks as a plain number.
    pub raw_timeticks: bool,
    /// `-Oe` (toggle): enums and named bits as numbers.
    pub numeric_enums: bool,
    /// `-OU` (toggle): no units.
    pub no_units: bool,
    /// `-Ob` (toggle): do not break OID indexes down (they print as numbers).
    pub no_index_breakdown: bool,
    /// `-OE` (toggle): escape the quotes of string indexes (`\"abc\"`), for shells.
    pub escape_quotes: bool,
    /// `-OX` (toggle): indexes in brackets, `ifDescr[3]`.
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
                'q' => self.quick = !self.quick,
                'Q' => {
                    self.quick_equals = true;
                    self.quick = !self.quick;
                }
                'v' => self.value_only = !self.value_only,
                'x' => self.string_format = StringFormat::Hex,
                'a' => self.string_format = StringFormat::Ascii,
                'T' => self.hex_with_text = !self.hex_with_text,
                't' => self.raw_timeticks = !self.raw_timeticks,
                'e' => self.numeric_enums = !self.numeric_enums,
                'U' => self.no_units = !self.no_units,
                'b' => self.no_index_breakdown = !self.no_index_breakdown,
                'E' => self.escape_quotes = !self.escape_quotes,
                'X' => self.extended_index = !self.extended_index,
                other => return Err(OutputError::UnknownFlag(other)),
            }
        }
        Ok(())
    }
}

/// Writes one varbind as a line (text or JSON), without MIB information.
pub fn write_varbind<W: Write + ?Sized>(
    out: &mut W,
    vb: &VarBind,
    options: &OutputOptions,
) -> io::Result<()> {
    write_varbind_named(out, vb, options, &NoNames)
}

/// Writes one varbind as a line (text or JSON), with names and syntax from `names`.
pub fn write_varbind_named<W: Write + ?Sized>(
    out: &mut W,
    vb: &VarBind,
    options: &OutputOptions,
    names: &dyn OidNames,
) -> io::Result<()> {
    let ctx = text::Context { options, names };
    if options.json {
        json::write_varbind(out, vb, ctx)
    } else {
        text::write_varbind(out, vb, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_toggle_like_net_snmp() {
        let mut o = OutputOptions::default();
        o.apply_flags("qq").unwrap();
        assert!(!o.quick);
        o.apply_flags("Q").unwrap();
        assert!(o.quick && o.quick_equals);
        o.apply_flags("Q").unwrap();
        assert!(!o.quick && o.quick_equals);
        o.apply_flags("xa").unwrap();
        assert_eq!(o.string_format, StringFormat::Ascii);
        o.apply_flags("fns").unwrap();
        assert_eq!(o.oid_style, OidStyle::Suffix);
        assert_eq!(o.apply_flags("qz"), Err(OutputError::UnknownFlag('z')));
    }
}
