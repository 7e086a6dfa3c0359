//! Net-SNMP's text forms (`.1.3.6.1.2.1.1.5.0 = STRING: "host"`), as snmpget and snmpwalk
//! print them (snmplib/mib.c, sprint_realloc_by_type and friends).

use std::io::Write;

use super::OutputOptions;
use crate::proto::{Value, VarBind};

pub fn write_varbind(
    out: &mut impl Write,
    vb: &VarBind,
    options: &OutputOptions,
) -> std::io::Result<()> {
    let value = format_value(&vb.value, options);
    if options.value_only {
        return writeln!(out, "{value}");
    }
    if options.quick {
        return writeln!(out, "{} {}", vb.oid, value);
    }
    writeln!(out, "{} = {}", vb.oid, value)
}

/// The value with its type label, as Net-SNMP prints it after " = ".
pub fn format_value(value: &Value, options: &OutputOptions) -> String {
    let bare = options.quick || options.quick_equals;
    let typed = |label: &str, body: String| {
        if bare {
            body
        } else {
            format!("{label}: {body}")
        }
    };
    match value {
        Value::Integer(v) => typed("INTEGER", v.to_string()),
        Value::OctetString(b) if b.is_empty() => "\"\"".to_string(),
        Value::OctetString(b) => {
            if !options.hex_strings
                && b.iter()
                    .all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace())
            {
                typed("STRING", format!("\"{}\"", String::from_utf8_lossy(b)))
            } else {
                typed("Hex-STRING", hex(b))
            }
        }
        Value::Null => "NULL".to_string(),
        Value::ObjectId(o) => typed("OID", o.to_string()),
        Value::IpAddress(a) => typed("IpAddress", format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        Value::Counter32(v) => typed("Counter32", v.to_string()),
        Value::Gauge32(v) => typed("Gauge32", v.to_string()),
        Value::TimeTicks(v) => typed("Timeticks", format!("({v}) {}", ticks(*v))),
        Value::Opaque(b) => typed("Opaque", hex(b)),
        Value::NsapAddress(b) => typed("NsapAddress", hex(b)),
        Value::Counter64(v) => typed("Counter64", v.to_string()),
        Value::UInteger32(v) => typed("UInteger32", v.to_string()),
        Value::NoSuchObject => "No Such Object available on this agent at this OID".to_string(),
        Value::NoSuchInstance => "No Such Instance currently exists at this OID".to_string(),
        Value::EndOfMibView => {
            "No more variables left in this MIB View (It is past the end of the MIB tree)"
                .to_string()
        }
        Value::Unknown { tag, data } => format!("Wrong Type (0x{tag:02X}): {}", hex(data)),
    }
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 3);
    for byte in b {
        s.push_str(&format!("{byte:02X} "));
    }
    s
}

fn ticks(t: u32) -> String {
    let centis = t % 100;
    let secs = t / 100;
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match d {
        0 => format!("{h}:{m:02}:{s:02}.{centis:02}"),
        1 => format!("1 day, {h}:{m:02}:{s:02}.{centis:02}"),
        _ => format!("{d} days, {h}:{m:02}:{s:02}.{centis:02}"),
    }
}
