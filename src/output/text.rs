//! Net-SNMP's text forms of values (`STRING: "host"`, `Timeticks: (12) 0:00:00.12`, ...),
//! byte for byte as snmpget/snmpwalk 5.9 print them: one function per SMI type, as in
//! snmplib/mib.c (`sprint_realloc_by_type` and the `sprint_realloc_*` it dispatches to).
//!
//! Two entry points pick the formatter the way Net-SNMP does:
//! - without MIB information, [`write_value`] picks it by the type that arrived;
//! - with a [`RenderHints`], by the base type the MIB declares; each formatter then checks the
//!   arriving type and, on a mismatch, prints `Wrong Type (should be INTEGER): ` followed by
//!   the value printed by its own type (the prefix is left out with `-OQ`).
//!
//! Layouts observed from Net-SNMP 5.9.3 and frozen in the tests of `output::netsnmp_golden`:
//! an empty string is `""` with no type label; a string with any byte that is neither
//! printable ASCII nor white space is `Hex-STRING: ` with 16 bytes per line, each byte followed
//! by a space (so lines end in a space); `-OT` adds `  [text]` per line; `-Oq` drops labels and
//! quotes hex; `-Ot` prints TimeTicks as a bare number (no label, no units).

use std::io::{self, Write};

use super::digits::{write_hex_byte, write_i64, write_u64};
use super::syntax::{BaseType, OidNames, RenderHints};
use super::{OutputOptions, StringFormat, hint, oid_text};
use crate::proto::value::OpaqueValue;
use crate::proto::{Value, VarBind};

/// What a formatter consults besides the value: the `-O` options and the resolver (OID values
/// are printed with names when MIBs are loaded).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub options: &'a OutputOptions,
    pub names: &'a dyn OidNames,
}

/// The MIB details one formatter call may use: Net-SNMP's `enums`, `hint` and `units`
/// arguments. Empty when a value is printed by its own type.
#[derive(Clone, Copy, Default)]
struct Hints<'a> {
    enums: &'a [(i64, String)],
    bits: &'a [(u32, String)],
    display: Option<&'a str>,
    units: Option<&'a str>,
}

impl<'a> Hints<'a> {
    fn of(syntax: &'a RenderHints, options: &OutputOptions) -> Self {
        Hints {
            enums: &syntax.enums,
            bits: &syntax.bits,
            display: syntax.display_hint.as_deref(),
            units: if options.no_units {
                None
            } else {
                syntax.units.as_deref()
            },
        }
    }
}

/// Writes one varbind as a line, as `snmpget`/`snmpwalk` print it (`print_variable`):
/// `OID = value`, `OID value` with `-Oq`, the value alone with `-Ov`.
pub fn write_varbind<W: Write + ?Sized>(
    out: &mut W,
    vb: &VarBind,
    ctx: Context<'_>,
) -> io::Result<()> {
    let arcs = vb.oid.arcs();
    let resolved = ctx.names.resolve(arcs);
    if !ctx.options.value_only {
        oid_text::write_resolved(out, arcs, resolved, ctx)?;
        if ctx.options.quick && !ctx.options.quick_equals {
            out.write_all(b" ")?;
        } else {
            out.write_all(b" = ")?;
        }
    }
    write_value(out, &vb.value, resolved.and_then(|r| r.syntax), ctx)?;
    out.write_all(b"\n")
}

/// Writes a value as Net-SNMP prints it after ` = `: by the MIB syntax when one is given,
/// else by the value's own type.
pub fn write_value<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    syntax: Option<&RenderHints>,
    ctx: Context<'_>,
) -> io::Result<()> {
    if let Some(message) = exception_message(value) {
        return out.write_all(message.as_bytes());
    }
    match syntax {
        Some(s) => by_syntax(out, value, s, ctx),
        None => by_type(out, value, Hints::default(), ctx),
    }
}

/// Net-SNMP's text for the SNMPv2 exceptions (RFC 3416 section 3), printed whatever the MIB
/// says and whatever the options.
pub fn exception_message(value: &Value) -> Option<&'static str> {
    match value {
        Value::NoSuchObject => Some("No Such Object available on this agent at this OID"),
        Value::NoSuchInstance => Some("No Such Instance currently exists at this OID"),
        Value::EndOfMibView => {
            Some("No more variables left in this MIB View (It is past the end of the MIB tree)")
        }
        _ => None,
    }
}

/// The formatter for a MIB base type (Net-SNMP's `set_function`).
fn by_syntax<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    syntax: &RenderHints,
    ctx: Context<'_>,
) -> io::Result<()> {
    let h = Hints::of(syntax, ctx.options);
    match syntax.base {
        BaseType::Integer => integer(out, value, h, ctx),
        BaseType::Unsigned32 | BaseType::Gauge32 => gauge32(out, value, h, ctx),
        BaseType::Counter32 => counter32(out, value, h, ctx),
        BaseType::Counter64 => counter64(out, value, h, ctx),
        BaseType::TimeTicks => timeticks(out, value, h, ctx),
        BaseType::OctetString => octet_string(out, value, h, ctx),
        BaseType::Bits => bits(out, value, h, ctx),
        BaseType::ObjectId => object_identifier(out, value, h, ctx),
        BaseType::IpAddress => ip_address(out, value, ctx),
        BaseType::NetworkAddress => network_address(out, value, ctx),
        BaseType::Opaque => opaque(out, value, h, ctx),
        BaseType::NsapAddress => nsap_address(out, value, ctx),
        BaseType::UInteger32 => uinteger32(out, value, h, ctx),
        BaseType::Null => null(out, value, ctx),
        BaseType::Other => by_type(out, value, h, ctx),
    }
}

/// The formatter for the type that arrived (Net-SNMP's `sprint_realloc_by_type`).
fn by_type<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    match value {
        Value::Integer(_) => integer(out, value, h, ctx),
        Value::OctetString(_) => octet_string(out, value, h, ctx),
        Value::Opaque(_) => opaque(out, value, h, ctx),
        Value::ObjectId(_) => object_identifier(out, value, h, ctx),
        Value::TimeTicks(_) => timeticks(out, value, h, ctx),
        Value::Gauge32(_) => gauge32(out, value, h, ctx),
        Value::Counter32(_) => counter32(out, value, h, ctx),
        Value::IpAddress(_) => ip_address(out, value, ctx),
        Value::Null => null(out, value, ctx),
        Value::UInteger32(_) => uinteger32(out, value, h, ctx),
        Value::Counter64(_) => counter64(out, value, h, ctx),
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            out.write_all(exception_message(value).unwrap_or_default().as_bytes())
        }
        // Net-SNMP's printer has no case for NsapAddress.
        Value::NsapAddress(_) => out.write_all(b"Variable has bad type"),
        // ASN.1 BIT STRING: Net-SNMP prints the content (unused-bits octet included) as BITS.
        Value::Unknown {
            tag: BIT_STRING_TAG,
            data,
        } => bit_string(out, data, h, ctx),
        // Net-SNMP drops a whole response that carries an unknown tag; mibscope keeps it and
        // shows what came.
        Value::Unknown { tag, data } => {
            write!(out, "Variable has bad type (tag 0x{tag:02X}): ")?;
            hex_string(out, data, ctx.options.hex_with_text)
        }
    }
}

/// `Wrong Type (should be X): ` and the value by its own type, without the MIB's hints.
fn wrong_type<W: Write + ?Sized>(
    out: &mut W,
    expected: &str,
    value: &Value,
    ctx: Context<'_>,
) -> io::Result<()> {
    if !ctx.options.quick_equals {
        write!(out, "Wrong Type (should be {expected}): ")?;
    }
    by_type(out, value, Hints::default(), ctx)
}

fn label<W: Write + ?Sized>(out: &mut W, ctx: Context<'_>, text: &str) -> io::Result<()> {
    if ctx.options.quick {
        Ok(())
    } else {
        out.write_all(text.as_bytes())
    }
}

fn units<W: Write + ?Sized>(out: &mut W, h: Hints<'_>) -> io::Result<()> {
    match h.units {
        Some(u) => {
            out.write_all(b" ")?;
            out.write_all(u.as_bytes())
        }
        None => Ok(()),
    }
}

/// The named number for `n`, unless `-Oe` asks for numbers.
fn enum_label<'h>(h: Hints<'h>, ctx: Context<'_>, n: i64) -> Option<&'h str> {
    if ctx.options.numeric_enums {
        return None;
    }
    h.enums
        .iter()
        .find(|(v, _)| *v == n)
        .map(|(_, name)| name.as_str())
}

/// INTEGER and Integer32: `INTEGER: up(1)`, `INTEGER: 42`, with an integer DISPLAY-HINT.
fn integer<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::Integer(n) = *value else {
        return wrong_type(out, "INTEGER", value, ctx);
    };
    label(out, ctx, "INTEGER: ")?;
    named_or_number(out, n, h, ctx)?;
    units(out, h)
}

/// UInteger32 (RFC 1442): Net-SNMP prints it without a type label.
fn uinteger32<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::UInteger32(n) = *value else {
        return wrong_type(out, "UInteger32", value, ctx);
    };
    named_or_number(out, i64::from(n), h, ctx)?;
    units(out, h)
}

fn named_or_number<W: Write + ?Sized>(
    out: &mut W,
    n: i64,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    match enum_label(h, ctx, n) {
        Some(name) if ctx.options.quick => out.write_all(name.as_bytes()),
        Some(name) => {
            out.write_all(name.as_bytes())?;
            out.write_all(b"(")?;
            write_i64(out, n)?;
            out.write_all(b")")
        }
        None => match h.display {
            Some(hint) => hint::write_integer(out, hint, n),
            None => write_i64(out, n),
        },
    }
}

/// Gauge32 and Unsigned32.
fn gauge32<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::Gauge32(n) = *value else {
        return wrong_type(out, "Gauge32 or Unsigned32", value, ctx);
    };
    label(out, ctx, "Gauge32: ")?;
    match h.display {
        Some(hint) => hint::write_integer(out, hint, i64::from(n))?,
        None => write_u64(out, u64::from(n))?,
    }
    units(out, h)
}

fn counter32<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::Counter32(n) = *value else {
        return wrong_type(out, "Counter32", value, ctx);
    };
    label(out, ctx, "Counter32: ")?;
    write_u64(out, u64::from(n))?;
    units(out, h)
}

/// The Net-SNMP typed value inside an Opaque, if it is one.
fn opaque_special(value: &Value) -> Option<OpaqueValue> {
    match value {
        Value::Opaque(content) => OpaqueValue::decode(content),
        _ => None,
    }
}

/// Counter64, and the 64-bit integers Net-SNMP carries in an Opaque
/// (`Opaque: Int64: -5`, `Opaque: UInt64: 5`, `Opaque: Counter64: 5`).
fn counter64<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    match (value, opaque_special(value)) {
        (Value::Counter64(n), _) => {
            label(out, ctx, "Counter64: ")?;
            write_u64(out, *n)?;
        }
        (_, Some(OpaqueValue::Counter64(n))) => {
            label(out, ctx, "Opaque: Counter64: ")?;
            write_u64(out, n)?;
        }
        (_, Some(OpaqueValue::UInt64(n))) => {
            label(out, ctx, "Opaque: UInt64: ")?;
            write_u64(out, n)?;
        }
        (_, Some(OpaqueValue::Int64(n))) => {
            label(out, ctx, "Opaque: Int64: ")?;
            write_i64(out, n)?;
        }
        _ => return wrong_type(out, "Counter64", value, ctx),
    }
    units(out, h)
}

/// Opaque: Net-SNMP's typed values inside it (float, double, 64-bit integers), or the bytes
/// in hex after `OPAQUE: `.
fn opaque<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::Opaque(content) = value else {
        return wrong_type(out, "Opaque", value, ctx);
    };
    match OpaqueValue::decode(content) {
        Some(OpaqueValue::Float(f)) => opaque_float(out, f64::from(f), h, ctx),
        Some(OpaqueValue::Double(d)) => opaque_float(out, d, h, ctx),
        Some(_) => counter64(out, value, h, ctx),
        None => {
            label(out, ctx, "OPAQUE: ")?;
            hex_string(out, content, ctx.options.hex_with_text)?;
            units(out, h)
        }
    }
}

/// Float and Double inside an Opaque; Net-SNMP labels both `Opaque: Float: ` and prints
/// them with C's `%f`.
fn opaque_float<W: Write + ?Sized>(
    out: &mut W,
    f: f64,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    label(out, ctx, "Opaque: Float: ")?;
    write_c_float(out, f)?;
    units(out, h)
}

/// C's `printf("%f")`: six decimals, exact; `nan`, `-nan`, `inf`, `-inf` spelled as glibc does.
fn write_c_float<W: Write + ?Sized>(out: &mut W, f: f64) -> io::Result<()> {
    if f.is_nan() {
        out.write_all(if f.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        })
    } else if f.is_infinite() {
        out.write_all(if f < 0.0 { b"-inf" } else { b"inf" })
    } else {
        write!(out, "{f:.6}")
    }
}

/// OBJECT IDENTIFIER values, printed in the OID style in effect (`-On` numeric, else names).
fn object_identifier<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::ObjectId(oid) = value else {
        return wrong_type(out, "OBJECT IDENTIFIER", value, ctx);
    };
    label(out, ctx, "OID: ")?;
    // A zero-length OID decodes to .0.0 in Net-SNMP.
    let arcs = if oid.is_empty() {
        &[0, 0][..]
    } else {
        oid.arcs()
    };
    oid_text::write_oid(out, arcs, ctx)?;
    units(out, h)
}

/// TimeTicks: `Timeticks: (363136200) 42 days, 0:42:42.00`; `-Oq` prints
/// `42:0:42:42.00`; `-Ot` prints the bare number without units.
fn timeticks<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::TimeTicks(t) = *value else {
        return wrong_type(out, "Timeticks", value, ctx);
    };
    if ctx.options.raw_timeticks {
        return write_u64(out, u64::from(t));
    }
    if !ctx.options.quick {
        out.write_all(b"Timeticks: (")?;
        write_u64(out, u64::from(t))?;
        out.write_all(b") ")?;
    }
    write_uptime(out, t, ctx.options)?;
    units(out, h)
}

/// Net-SNMP's `uptimeString`: days, hours, minutes, seconds and hundredths.
pub fn write_uptime<W: Write + ?Sized>(
    out: &mut W,
    ticks: u32,
    options: &OutputOptions,
) -> io::Result<()> {
    if options.raw_timeticks {
        return write_u64(out, u64::from(ticks));
    }
    let centis = ticks % 100;
    let secs = ticks / 100;
    let (days, hours, minutes, seconds) =
        (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let two = |n: u32| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
    if options.quick {
        write_u64(out, u64::from(days))?;
        out.write_all(b":")?;
        write_u64(out, u64::from(hours))?;
        out.write_all(b":")?;
    } else {
        match days {
            0 => {}
            1 => out.write_all(b"1 day, ")?,
            _ => {
                write_u64(out, u64::from(days))?;
                out.write_all(b" days, ")?;
            }
        }
        write_u64(out, u64::from(hours))?;
        out.write_all(b":")?;
    }
    let [m1, m0] = two(minutes);
    let [s1, s0] = two(seconds);
    let [c1, c0] = two(centis);
    out.write_all(&[m1, m0, b':', s1, s0, b'.', c1, c0])
}

fn ip_address<W: Write + ?Sized>(out: &mut W, value: &Value, ctx: Context<'_>) -> io::Result<()> {
    let Value::IpAddress(a) = *value else {
        return wrong_type(out, "IpAddress", value, ctx);
    };
    label(out, ctx, "IpAddress: ")?;
    write_dotted_quad(out, a)
}

pub(crate) fn write_dotted_quad<W: Write + ?Sized>(out: &mut W, a: [u8; 4]) -> io::Result<()> {
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            out.write_all(b".")?;
        }
        write_u64(out, u64::from(*b))?;
    }
    Ok(())
}

/// SMIv1 NetworkAddress: `Network Address: 7F:00:00:01`.
fn network_address<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::IpAddress(a) = *value else {
        return wrong_type(out, "NetworkAddress", value, ctx);
    };
    label(out, ctx, "Network Address: ")?;
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            out.write_all(b":")?;
        }
        write_hex_byte(out, *b)?;
    }
    Ok(())
}

fn null<W: Write + ?Sized>(out: &mut W, value: &Value, ctx: Context<'_>) -> io::Result<()> {
    match value {
        Value::Null => out.write_all(b"NULL"),
        _ => wrong_type(out, "NULL", value, ctx),
    }
}

fn nsap_address<W: Write + ?Sized>(out: &mut W, value: &Value, ctx: Context<'_>) -> io::Result<()> {
    let Value::NsapAddress(b) = value else {
        return wrong_type(out, "NsapAddress", value, ctx);
    };
    label(out, ctx, "NsapAddress: ")?;
    hex_string(out, b, ctx.options.hex_with_text)
}

/// BITS: `BITS: 80 00 sunday(0) ` (the hex, then each set bit by name, each followed by a
/// space); `-Oq` prints only the quoted hex, `-Oe` numbers instead of names.
///
/// Net-SNMP searches the names from where the previous set bit's name was found and never
/// rewinds, so once a set bit has no name, later set bits print as numbers too; that is kept.
fn bits<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    match value {
        Value::OctetString(data)
        | Value::Unknown {
            tag: BIT_STRING_TAG,
            data,
        } => bit_string(out, data, h, ctx),
        _ => wrong_type(out, "BITS", value, ctx),
    }
}

/// The ASN.1 BIT STRING tag, which Net-SNMP accepts where BITS are expected.
const BIT_STRING_TAG: u8 = 0x03;

fn bit_string<W: Write + ?Sized>(
    out: &mut W,
    data: &[u8],
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    if ctx.options.quick {
        out.write_all(b"\"")?;
        hex_string(out, data, ctx.options.hex_with_text)?;
        return out.write_all(b"\"");
    }
    out.write_all(b"BITS: ")?;
    hex_string(out, data, ctx.options.hex_with_text)?;
    let mut names = h.bits;
    for (byte_index, byte) in data.iter().enumerate() {
        for bit in 0..8u32 {
            if byte & (0x80 >> bit) == 0 {
                continue;
            }
            let n = byte_index as u64 * 8 + u64::from(bit);
            while let Some(((first, _), rest)) = names.split_first() {
                if u64::from(*first) == n {
                    break;
                }
                names = rest;
            }
            match names.first() {
                Some((_, name)) if !ctx.options.numeric_enums => {
                    out.write_all(name.as_bytes())?;
                    out.write_all(b"(")?;
                    write_u64(out, n)?;
                    out.write_all(b") ")?;
                }
                _ => {
                    write_u64(out, n)?;
                    out.write_all(b" ")?;
                }
            }
        }
    }
    Ok(())
}

/// C's `isprint` in the C/UTF-8 locales, for single bytes.
fn is_print(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// C's `isspace`: space, \t \n \v \f \r.
fn is_space(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

/// OCTET STRING: with a DISPLAY-HINT, `STRING: ` and the hinted text (unquoted); without,
/// Net-SNMP's guess between `STRING: "text"` and `Hex-STRING: ..`, or what `-Ox`/`-Oa` force.
fn octet_string<W: Write + ?Sized>(
    out: &mut W,
    value: &Value,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let Value::OctetString(data) = value else {
        return wrong_type(out, "OCTET STRING", value, ctx);
    };
    match h.display {
        Some(display) => hinted_octets(out, data, display, h, ctx),
        None => plain_octets(out, data, h.units, ctx),
    }
}

/// An octet string printed through its DISPLAY-HINT. A hint with an unknown letter that the
/// data reaches prints `(Bad hint ignored: HINT) ` and the string without hint or units.
pub(crate) fn write_hinted_octets<W: Write + ?Sized>(
    out: &mut W,
    data: &[u8],
    display: &str,
    ctx: Context<'_>,
) -> io::Result<()> {
    hinted_octets(
        out,
        data,
        display,
        Hints {
            display: Some(display),
            ..Hints::default()
        },
        ctx,
    )
}

fn hinted_octets<W: Write + ?Sized>(
    out: &mut W,
    data: &[u8],
    display: &str,
    h: Hints<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    if hint::octet_hint_is_valid(display) {
        label(out, ctx, "STRING: ")?;
        hint::write_octets(out, display, data)?;
        return units(out, h);
    }
    let mut buf = Vec::with_capacity(data.len() * 3 + 8);
    if hint::write_octets(&mut buf, display, data)? {
        label(out, ctx, "STRING: ")?;
        out.write_all(&buf)?;
        units(out, h)
    } else {
        out.write_all(b"(Bad hint ignored: ")?;
        out.write_all(display.as_bytes())?;
        out.write_all(b") ")?;
        plain_octets(out, data, None, ctx)
    }
}

fn plain_octets<W: Write + ?Sized>(
    out: &mut W,
    data: &[u8],
    unit: Option<&str>,
    ctx: Context<'_>,
) -> io::Result<()> {
    if data.is_empty() {
        return out.write_all(b"\"\"");
    }
    let hex = match ctx.options.string_format {
        StringFormat::Guess => !data.iter().all(|&b| is_print(b) || is_space(b)),
        StringFormat::Hex => true,
        StringFormat::Ascii => false,
    };
    if hex {
        if ctx.options.quick {
            out.write_all(b"\"")?;
            hex_string(out, data, ctx.options.hex_with_text)?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(b"Hex-STRING: ")?;
            hex_string(out, data, ctx.options.hex_with_text)?;
        }
    } else {
        label(out, ctx, "STRING: ")?;
        out.write_all(b"\"")?;
        write_escaped_ascii(out, data)?;
        out.write_all(b"\"")?;
    }
    units(
        out,
        Hints {
            units: unit,
            ..Hints::default()
        },
    )
}

/// Net-SNMP's `sprint_realloc_asciistring`: printable bytes, newline and tab as they are,
/// with `\` before `"` and `\`; anything else as `.`. Where Net-SNMP would print CR (but
/// in CR LF), VT and FF raw (C's `isspace`), they are escaped (`\r`, `\v`, `\f`): no
/// control character an agent sends reaches the terminal (`output::terminal`).
pub(crate) fn write_escaped_ascii<W: Write + ?Sized>(out: &mut W, data: &[u8]) -> io::Result<()> {
    let clean = data
        .iter()
        .all(|&b| (is_print(b) || b == b'\n' || b == b'\t') && b != b'"' && b != b'\\');
    if clean {
        return out.write_all(data);
    }
    let mut buf = Vec::with_capacity(data.len() + 8);
    for (i, &b) in data.iter().enumerate() {
        match b {
            b'"' | b'\\' => buf.extend_from_slice(&[b'\\', b]),
            b'\n' | b'\t' => buf.push(b),
            // CR LF ends a line as LF does (Cisco's sysDescr); a lone CR would hide text.
            b'\r' if data.get(i + 1) == Some(&b'\n') => buf.push(b),
            b'\r' => buf.extend_from_slice(b"\\r"),
            0x0b => buf.extend_from_slice(b"\\v"),
            0x0c => buf.extend_from_slice(b"\\f"),
            b if is_print(b) => buf.push(b),
            _ => buf.push(b'.'),
        }
    }
    out.write_all(&buf)
}

/// Net-SNMP's hex dump: `%02X ` per byte, 16 bytes per line, lines joined by `\n`; with
/// `-OT` each line is followed by `  [` its printable text `]`.
pub(crate) fn hex_string<W: Write + ?Sized>(
    out: &mut W,
    data: &[u8],
    with_text: bool,
) -> io::Result<()> {
    let mut rest = data;
    while rest.len() > 16 {
        hex_line(out, &rest[..16], with_text)?;
        out.write_all(b"\n")?;
        rest = &rest[16..];
    }
    hex_line(out, rest, with_text)
}

fn hex_line<W: Write + ?Sized>(out: &mut W, line: &[u8], with_text: bool) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // 16 bytes * "XX " + "  [" + 16 + "]"
    let mut buf = [0u8; 48 + 4 + 16];
    let mut n = 0;
    for &b in line {
        buf[n] = HEX[usize::from(b >> 4)];
        buf[n + 1] = HEX[usize::from(b & 0xf)];
        buf[n + 2] = b' ';
        n += 3;
    }
    if with_text {
        buf[n..n + 3].copy_from_slice(b"  [");
        n += 3;
        for &b in line {
            // Net-SNMP copies white space here; CR, VT and FF would act on the terminal.
            buf[n] = if is_print(b) || b == b'\n' || b == b'\t' {
                b
            } else {
                b'.'
            };
            n += 1;
        }
        buf[n] = b']';
        n += 1;
    }
    out.write_all(&buf[..n])
}
