//! How OIDs are printed: the `-On -Of -Os -OS -Ou` styles and the breakdown of table indexes
//! (`IF-MIB::ifDescr.3`, `.ipv4."127.0.0.1"`, `-OX`: `[ipv4]["127.0.0.1"]`), following
//! Net-SNMP 5.9's `netsnmp_sprint_realloc_objid_tree` and `_get_realloc_symbol`
//! (snmplib/mib.c). Names come from an [`OidNames`] resolver; when it knows nothing the OID
//! prints numerically, as it does with `-On`.
//!
//! Index decoding, per INDEX component syntax (RFC 2578 section 7.7):
//! - INTEGER, Unsigned32, Gauge32: the number, or its enum label;
//! - OCTET STRING: a length arc then the bytes, quoted `"abc"` (bytes outside printable ASCII
//!   shown as `.`); IMPLIED or fixed SIZE: no length arc, quoted `'abc'`; empty: `""`; with
//!   `-OX` and a DISPLAY-HINT: the hinted text, which Net-SNMP labels `STRING: `;
//!   an InetAddress after an InetAddressType: `"192.0.2.1"`, `"fe:80:...:01"`;
//! - OBJECT IDENTIFIER: the length arc and the arcs (`3.1.2.3`), with `-OX` the OID by name;
//! - IpAddress: `a.b.c.d`; TimeTicks: the number (`-OX`: as uptime);
//! - anything else, or arcs that run out: the remaining arcs as numbers.

use std::io::{self, Write};

use super::OidStyle;
use super::digits::write_u64;
use super::syntax::{BaseType, IndexPart, Resolved};
use super::text::{self, Context};

/// Writes an OID in the style of the options: numeric, or named through the resolver.
pub fn write_oid<W: Write + ?Sized>(out: &mut W, arcs: &[u32], ctx: Context<'_>) -> io::Result<()> {
    if ctx.options.oid_style == OidStyle::Numeric {
        return write_numeric(out, arcs);
    }
    write_resolved(out, arcs, ctx.names.resolve(arcs), ctx)
}

/// `.1.3.6.1.2.1.1.5.0`, built on the stack and written at once (the hot path of a walk).
pub fn write_numeric<W: Write + ?Sized>(out: &mut W, arcs: &[u32]) -> io::Result<()> {
    // ".4294967295" is 11 bytes; flush before an arc could overflow.
    let mut buf = [0u8; 256];
    let mut n = 0;
    for &arc in arcs {
        if n + 11 > buf.len() {
            out.write_all(&buf[..n])?;
            n = 0;
        }
        buf[n] = b'.';
        n += 1;
        // Most arcs are one or two digits.
        if arc < 10 {
            buf[n] = b'0' + arc as u8;
            n += 1;
            continue;
        }
        if arc < 100 {
            buf[n] = b'0' + (arc / 10) as u8;
            buf[n + 1] = b'0' + (arc % 10) as u8;
            n += 2;
            continue;
        }
        // Longer ones are written straight into place, last digit first.
        let end = n + decimal_len(arc);
        let mut at = end;
        let mut v = arc;
        loop {
            at -= 1;
            buf[at] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        n = end;
    }
    out.write_all(&buf[..n])
}

/// How many decimal digits `v` has.
fn decimal_len(v: u32) -> usize {
    match v {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1_000..=9_999 => 4,
        10_000..=99_999 => 5,
        100_000..=999_999 => 6,
        1_000_000..=9_999_999 => 7,
        10_000_000..=99_999_999 => 8,
        100_000_000..=999_999_999 => 9,
        _ => 10,
    }
}

/// Writes an OID whose longest known prefix is already looked up (the varbind printer needs
/// the same lookup for the value's syntax).
pub(crate) fn write_resolved<W: Write + ?Sized>(
    out: &mut W,
    arcs: &[u32],
    resolved: Option<Resolved<'_>>,
    ctx: Context<'_>,
) -> io::Result<()> {
    let style = ctx.options.oid_style;
    let Some(r) = resolved.filter(|r| style != OidStyle::Numeric && r.depth >= 1) else {
        return write_numeric(out, arcs);
    };
    let depth = r.depth.min(arcs.len());
    let rest = if depth < arcs.len() {
        index_suffix(arcs, depth, &r, ctx)?
    } else {
        Vec::new()
    };
    match style {
        OidStyle::Numeric => write_numeric(out, arcs),
        OidStyle::Suffix | OidStyle::Module => {
            if style == OidStyle::Module
                && let Some(module) = r.module
            {
                out.write_all(module.as_bytes())?;
                out.write_all(b"::")?;
            }
            out.write_all(r.label.as_bytes())?;
            out.write_all(&rest)
        }
        OidStyle::Full => {
            write_label_path(out, arcs, depth, &r, ctx)?;
            out.write_all(&rest)
        }
        OidStyle::Ucd => {
            let mut full = Vec::with_capacity(96);
            write_label_path(&mut full, arcs, depth, &r, ctx)?;
            full.extend_from_slice(&rest);
            out.write_all(strip_ucd_prefix(&full))
        }
    }
}

/// `.iso.org.dod.internet.mgmt.mib-2.system.sysDescr`: every level's label (its number when
/// the resolver has none).
fn write_label_path<W: Write + ?Sized>(
    out: &mut W,
    arcs: &[u32],
    depth: usize,
    r: &Resolved<'_>,
    ctx: Context<'_>,
) -> io::Result<()> {
    for d in 1..depth {
        out.write_all(b".")?;
        match ctx.names.label_of(&arcs[..d]) {
            Some(label) => out.write_all(label.as_bytes())?,
            None => write_u64(out, u64::from(arcs[d - 1]))?,
        }
    }
    out.write_all(b".")?;
    out.write_all(r.label.as_bytes())
}

/// Net-SNMP's `-Ou`: the full name without the first matching well-known prefix.
fn strip_ucd_prefix(full: &[u8]) -> &[u8] {
    const PREFIXES: [&[u8]; 6] = [
        b".1.3.6.1.2.1",
        b".iso.org.dod.internet.mgmt.mib-2",
        b".iso.org.dod.internet.experimental",
        b".iso.org.dod.internet.private",
        b".iso.org.dod.internet.snmpParties",
        b".iso.org.dod.internet.snmpSecrets",
    ];
    PREFIXES
        .iter()
        .find(|p| full.len() > p.len() && full.starts_with(p))
        .map_or(full, |p| &full[p.len() + 1..])
}

/// Whether decoding went through one index component or had to stop.
enum Step {
    Decoded,
    Stop,
}

/// The text after the last known label: `.3`, `."abc".5`, `[3]`, `.99.3` ... built the way
/// Net-SNMP builds it (separator dots added, then the trailing one removed).
fn index_suffix(
    arcs: &[u32],
    depth: usize,
    r: &Resolved<'_>,
    ctx: Context<'_>,
) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(32);
    buf.push(b'.');
    let mut pos = depth;
    // Below a node with children (a row), the first unknown arc is printed as it is before
    // the index is decoded: IF-MIB::ifEntry.99.3.
    if r.has_children && r.index.is_some() {
        write_u64(&mut buf, u64::from(arcs[pos]))?;
        buf.push(b'.');
        pos += 1;
    }
    if let Some(parts) = r.index
        && !ctx.options.no_index_breakdown
    {
        for (i, part) in parts.iter().enumerate() {
            if pos >= arcs.len() {
                break;
            }
            let previous = i.checked_sub(1).map(|p| &parts[p]);
            match decode_component(&mut buf, arcs, &mut pos, part, previous, ctx)? {
                Step::Decoded => buf.push(if ctx.options.extended_index {
                    b']'
                } else {
                    b'.'
                }),
                Step::Stop => break,
            }
        }
    }
    if buf.last() != Some(&b'.') {
        buf.push(b'.');
    }
    for arc in &arcs[pos..] {
        write_u64(&mut buf, u64::from(*arc))?;
        buf.push(b'.');
    }
    buf.pop();
    Ok(buf)
}

/// A row's INDEX arcs decoded into one text per component, as `-OX` shows each between
/// brackets (`3`, `"abc"`, `10.0.0.1`, `0:1b:21:3a:4c:5d` with a DISPLAY-HINT), for a
/// table view's index columns. Arcs left over once a component cannot be decoded come last,
/// as numbers.
pub fn index_values(arcs: &[u32], parts: &[IndexPart], ctx: Context<'_>) -> Vec<String> {
    let options = crate::output::OutputOptions {
        extended_index: true,
        ..ctx.options.clone()
    };
    let ctx = Context {
        options: &options,
        names: ctx.names,
    };
    let mut out = Vec::with_capacity(parts.len());
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if pos >= arcs.len() {
            break;
        }
        let mut buf = Vec::new();
        let previous = i.checked_sub(1).map(|p| &parts[p]);
        let start = pos;
        match decode_component(&mut buf, arcs, &mut pos, part, previous, ctx) {
            Ok(Step::Decoded) => {
                let text = String::from_utf8_lossy(buf.strip_prefix(b"[").unwrap_or(&buf));
                out.push(text.into_owned());
            }
            _ => {
                pos = start;
                break;
            }
        }
    }
    if pos < arcs.len() {
        let rest: Vec<String> = arcs[pos..].iter().map(u32::to_string).collect();
        out.push(rest.join("."));
    }
    out
}

/// Decodes one INDEX component at `arcs[*pos..]` into `buf`, advancing `pos`.
fn decode_component(
    buf: &mut Vec<u8>,
    arcs: &[u32],
    pos: &mut usize,
    part: &IndexPart,
    previous: Option<&IndexPart>,
    ctx: Context<'_>,
) -> io::Result<Step> {
    let Some(syntax) = &part.syntax else {
        return Ok(Step::Stop);
    };
    let extended = ctx.options.extended_index;
    if extended {
        if buf.last() == Some(&b'.') {
            buf.pop();
        }
        buf.push(b'[');
    }
    let rest = &arcs[*pos..];
    match syntax.base {
        BaseType::OctetString => {
            let fixed = syntax.fixed_size.map(|n| n as usize);
            if let (true, Some(display)) = (extended, syntax.display_hint.as_deref()) {
                let (skip, len) = if part.implied {
                    (0, rest.len())
                } else if let Some(n) = fixed {
                    if n > rest.len() {
                        return Ok(Step::Stop);
                    }
                    (0, n)
                } else {
                    let n = rest[0] as usize;
                    if n >= rest.len() {
                        return Ok(Step::Stop);
                    }
                    (1, n)
                };
                let bytes: Vec<u8> = rest[skip..skip + len].iter().map(|a| *a as u8).collect();
                text::write_hinted_octets(buf, &bytes, display, ctx)?;
                *pos += skip + len;
            } else if part.implied {
                quoted_arcs(buf, rest, b'\'', ctx);
                *pos += rest.len();
            } else if let Some(n) = fixed {
                if n > rest.len() {
                    return Ok(Step::Stop);
                }
                quoted_arcs(buf, &rest[..n], b'\'', ctx);
                *pos += n;
            } else {
                let n = rest[0] as usize + 1;
                if n > rest.len() {
                    return Ok(Step::Stop);
                }
                if n == 1 {
                    let escape = ctx.options.escape_quotes;
                    if escape {
                        buf.push(b'\\');
                    }
                    buf.push(b'"');
                    if escape {
                        buf.push(b'\\');
                    }
                    buf.push(b'"');
                } else {
                    let after_type = syntax.tc.as_deref() == Some("InetAddress")
                        && previous
                            .and_then(|p| p.syntax.as_ref())
                            .and_then(|s| s.tc.as_deref())
                            == Some("InetAddressType");
                    let address_type = arcs[*pos - 1];
                    if !(after_type && inet_address(buf, address_type, &rest[1..n])) {
                        quoted_arcs(buf, &rest[1..n], b'"', ctx);
                    }
                }
                *pos += n;
            }
        }
        BaseType::Integer | BaseType::UInteger32 | BaseType::Unsigned32 | BaseType::Gauge32 => {
            // Net-SNMP compares the enum values with the arc cast to a C int.
            let as_int = i64::from(rest[0] as i32);
            match syntax.enums.iter().find(|(v, _)| *v == as_int) {
                Some((_, name)) => buf.extend_from_slice(name.as_bytes()),
                None => write_u64(buf, u64::from(rest[0]))?,
            }
            *pos += 1;
        }
        BaseType::TimeTicks => {
            if extended {
                text::write_uptime(buf, rest[0], ctx.options)?;
            } else {
                write_u64(buf, u64::from(rest[0]))?;
            }
            *pos += 1;
        }
        BaseType::ObjectId => {
            let n = if part.implied {
                rest.len()
            } else {
                rest[0] as usize + 1
            };
            if n > rest.len() {
                return Ok(Step::Stop);
            }
            if extended {
                let oid = if part.implied { rest } else { &rest[1..n] };
                write_oid(buf, oid, ctx)?;
            } else {
                for (i, arc) in rest[..n].iter().enumerate() {
                    if i > 0 {
                        buf.push(b'.');
                    }
                    write_u64(buf, u64::from(*arc))?;
                }
            }
            *pos += n;
        }
        BaseType::IpAddress => {
            if rest.len() < 4 {
                return Ok(Step::Stop);
            }
            write_arcs_dotted(buf, &rest[..4])?;
            *pos += 4;
        }
        BaseType::NetworkAddress => {
            let kind = rest[0];
            write_u64(buf, u64::from(kind))?;
            buf.push(b'.');
            *pos += 1;
            if kind == 1 && rest.len() > 4 {
                write_arcs_dotted(buf, &rest[1..5])?;
                *pos += 4;
            } else {
                return Ok(Step::Stop);
            }
        }
        _ => return Ok(Step::Stop),
    }
    Ok(Step::Decoded)
}

fn write_arcs_dotted(buf: &mut Vec<u8>, arcs: &[u32]) -> io::Result<()> {
    for (i, arc) in arcs.iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        write_u64(buf, u64::from(*arc))?;
    }
    Ok(())
}

/// Net-SNMP's `dump_realloc_oid_to_string`: arcs as characters between quotes, any arc that
/// is not printable ASCII as `.`; nothing at all for no arcs. `-OE` escapes the quotes.
fn quoted_arcs(buf: &mut Vec<u8>, arcs: &[u32], quote: u8, ctx: Context<'_>) {
    if arcs.is_empty() {
        return;
    }
    let escape = ctx.options.escape_quotes;
    if escape {
        buf.push(b'\\');
    }
    buf.push(quote);
    for arc in arcs {
        buf.push(match u8::try_from(*arc) {
            Ok(c) if (0x20..0x7f).contains(&c) => c,
            _ => b'.',
        });
    }
    if escape {
        buf.push(b'\\');
    }
    buf.push(quote);
}

/// Net-SNMP's `dump_realloc_oid_to_inetaddress` (INET-ADDRESS-MIB, RFC 4001): ipv4(1)
/// `"a.b.c.d"`, ipv6(2) `"fe:80:...:01"`, ipv4z(3) and ipv6z(4) with `%zone`. Returns false
/// (nothing written) for other types or lengths, which then print as a plain string.
fn inet_address(buf: &mut Vec<u8>, address_type: u32, arcs: &[u32]) -> bool {
    if arcs.iter().any(|a| *a > 255) {
        return false;
    }
    let bytes: Vec<u8> = arcs.iter().map(|a| *a as u8).collect();
    let zone = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let mut text = String::with_capacity(48);
    match (address_type, bytes.len()) {
        (1, 4) | (3, 8) => {
            text.push_str(&format!(
                "{}.{}.{}.{}",
                bytes[0], bytes[1], bytes[2], bytes[3]
            ));
            if address_type == 3 {
                text.push_str(&format!("%{}", zone(&bytes[4..8])));
            }
        }
        (2, 16) | (4, 20) => {
            let hex: Vec<String> = bytes[..16].iter().map(|b| format!("{b:02x}")).collect();
            text.push_str(&hex.join(":"));
            if address_type == 4 {
                text.push_str(&format!("%{}", zone(&bytes[16..20])));
            }
        }
        _ => return false,
    }
    buf.push(b'"');
    buf.extend_from_slice(text.as_bytes());
    buf.push(b'"');
    true
}
