//! What the MIB says about a definition, as labelled text for the screen: the details pane,
//! the type browser and the set editor all describe objects and types the same way. Every
//! string from a MIB file passes through `SafeText` here.

use crate::mib::{
    BaseType, ConstraintKind, DefKind, DefRef, Mib, NodeId, ObjectClass, Range, TypeInfo,
};
use crate::tui::sanitize::SafeText;

/// A definition described: labelled fields, named lists, and the description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    pub title: SafeText,
    pub fields: Vec<(&'static str, SafeText)>,
    /// `Values` (enums), `Bits`, `Objects`, `Index`.
    pub lists: Vec<(&'static str, Vec<SafeText>)>,
    pub description: Option<SafeText>,
}

pub fn base_name(t: &TypeInfo<'_>) -> &'static str {
    match (t.base, t.type_name) {
        (BaseType::Integer32, Some("Integer32")) => "Integer32",
        (BaseType::Integer32, _) => "INTEGER",
        (b, _) => b.as_str(),
    }
}

pub fn ranges_text(kind: ConstraintKind, ranges: &[Range]) -> Option<String> {
    if kind == ConstraintKind::None || ranges.is_empty() {
        return None;
    }
    let list = crate::mib::syntax::ranges_text(ranges);
    Some(match kind {
        ConstraintKind::Size => format!("SIZE ({list})"),
        _ => list,
    })
}

/// The textual conventions a type goes through, nearest first, then the base type:
/// `DisplayString (SNMPv2-TC) → OCTET STRING`.
pub fn type_chain(t: &TypeInfo<'_>) -> String {
    let mut parts = Vec::new();
    let mut tc = t.tc;
    for _ in 0..16 {
        let Some(d) = tc else { break };
        parts.push(format!("{} ({})", d.name(), d.module_name()));
        tc = d.syntax().and_then(|s| s.tc);
    }
    if parts.is_empty() {
        if let Some(name) = t.type_name {
            if name != base_name(t) {
                parts.push(name.to_string());
            }
        }
    }
    parts.push(base_name(t).to_string());
    parts.join(" → ")
}

/// What kind of node this is, in words: `column of ifTable`, `scalar`, `TEXTUAL-CONVENTION`.
pub fn kind_text(d: &DefRef<'_>) -> String {
    match d.object_class() {
        ObjectClass::Scalar => "scalar".into(),
        ObjectClass::Table => "table".into(),
        ObjectClass::Row => "row (table entry)".into(),
        ObjectClass::Column => {
            let table = d
                .node()
                .and_then(|n| n.parent())
                .and_then(|r| r.parent())
                .map(|t| t.name().into_owned());
            match table {
                Some(t) => format!("column of {t}"),
                None => "column".into(),
            }
        }
        ObjectClass::Other => d.kind().as_str().to_string(),
    }
}

fn text(s: impl AsRef<str>) -> SafeText {
    SafeText::new(s.as_ref())
}

/// The description of a node: its preferred definition's clauses, or its OID alone.
pub fn describe_node(mib: &Mib, node: NodeId) -> Description {
    let n = mib.node(node);
    let mut d = Description {
        title: text(n.name()),
        ..Description::default()
    };
    d.fields.push(("OID", text(n.oid().to_string())));
    let Some(def) = n.def() else {
        if let Some(m) = n.module_name() {
            d.fields.push(("Module", text(m)));
        }
        d.fields
            .push(("Kind", text("node without a definition of its own")));
        return d;
    };
    describe_def(mib, &def, &mut d);
    let others: Vec<&str> = n.defs().skip(1).map(|x| x.module_name()).collect();
    if !others.is_empty() {
        d.fields.push(("Also in", text(others.join(", "))));
    }
    d
}

/// The clauses of a definition (an object, a TC, a notification, a group).
pub fn describe_def(mib: &Mib, def: &DefRef<'_>, d: &mut Description) {
    d.fields.push(("Name", text(def.qualified_name())));
    d.fields.push(("Kind", text(kind_text(def))));
    let file = def
        .file()
        .map(|f| format!("{f}:{}", def.pos().line))
        .unwrap_or_else(|| "built in".into());
    d.fields.push(("Defined", text(file)));
    if let Some(t) = def.syntax() {
        if t.base != BaseType::SequenceOf && t.base != BaseType::Sequence {
            d.fields.push(("Syntax", text(type_chain(&t))));
            if let Some(r) = ranges_text(t.constraint, t.ranges) {
                d.fields.push(("Range", text(r)));
            }
            if let Some(h) = t.display_hint {
                d.fields.push(("Hint", text(format!("\"{h}\""))));
            }
            if t.has_named_numbers() {
                let label = if t.base == BaseType::Bits {
                    "Bits"
                } else {
                    "Values"
                };
                let items = t
                    .named_numbers()
                    .map(|(n, v)| text(format!("{n}({v})")))
                    .collect();
                d.lists.push((label, items));
            }
        }
    }
    if let Some(u) = def.units() {
        d.fields.push(("Units", text(u)));
    }
    if let Some(a) = def.access() {
        d.fields.push(("Access", text(a.as_str())));
    }
    if let Some(s) = def.status() {
        d.fields.push(("Status", text(s.as_str())));
    }
    if let Some(v) = def.defval() {
        d.fields.push(("Default", text(v)));
    }
    if let Some(base) = def.augments() {
        d.fields.push(("Augments", text(base.qualified_name())));
    }
    // The INDEX of a row, or of the row a column belongs to.
    let row = match def.object_class() {
        ObjectClass::Row => Some(*def),
        ObjectClass::Column => def.node().and_then(|n| n.parent()).and_then(|r| r.def()),
        ObjectClass::Table => def
            .node()
            .and_then(|n| n.children().next())
            .and_then(|r| r.def()),
        _ => None,
    };
    if let Some(row) = row {
        let index: Vec<SafeText> = row
            .index()
            .iter()
            .map(|p| {
                let ty = p
                    .object
                    .and_then(|o| o.syntax())
                    .map(|t| format!("  {}", type_chain(&t)))
                    .unwrap_or_default();
                text(format!(
                    "{}{}{ty}",
                    if p.implied { "IMPLIED " } else { "" },
                    p.name
                ))
            })
            .collect();
        if !index.is_empty() {
            d.lists.push(("Index", index));
        }
    }
    let objects: Vec<SafeText> = def.objects().map(|(n, _)| text(n)).collect();
    if !objects.is_empty() {
        let label = match def.kind() {
            DefKind::NotificationGroup => "Notifications",
            DefKind::TrapType => "Variables",
            DefKind::ModuleCompliance => "Mandatory groups",
            _ => "Objects",
        };
        d.lists.push((label, objects));
    }
    d.description = def
        .description_ref()
        .and_then(|r| crate::mib_store::text(mib, r))
        .map(|t| SafeText::multiline(&normalize(&t)));
}

/// A MIB description's lines joined into paragraphs (blank lines kept), indentation
/// dropped: the pane wraps it to its own width.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
            blank = false;
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn descriptions_are_reflowed_with_paragraphs_kept() {
        assert_eq!(
            normalize("  The first\n   line.\n\n   Second\n   paragraph.\n"),
            "The first line.\n\nSecond paragraph."
        );
    }
}
