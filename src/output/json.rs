//! JSON lines: one object per varbind, for scripts (`--json`).

use std::io::Write;

use crate::proto::{Value, VarBind};

pub fn write_varbind(out: &mut impl Write, vb: &VarBind) -> std::io::Result<()> {
    let (kind, value) = match &vb.value {
        Value::Integer(v) => ("INTEGER", serde_json::json!(v)),
        Value::OctetString(b) => ("STRING", serde_json::json!(String::from_utf8_lossy(b))),
        Value::Counter32(v) => ("Counter32", serde_json::json!(v)),
        Value::Gauge32(v) => ("Gauge32", serde_json::json!(v)),
        Value::TimeTicks(v) => ("Timeticks", serde_json::json!(v)),
        Value::Counter64(v) => ("Counter64", serde_json::json!(v)),
        other => ("other", serde_json::json!(format!("{other:?}"))),
    };
    let obj = serde_json::json!({"oid": vb.oid.to_string(), "type": kind, "value": value});
    writeln!(out, "{obj}")
}
