//! `mibscope translate`: Net-SNMP's snmptranslate. Names to OIDs and back in the `-O` styles
//! (n f s S u), the details of an object (`-Td`), the tree (`-Tp`), tree reports (`-To -Tl
//! -Ts -Tz`), and fuzzy search of names (`-TB`, `-Ib`), as text or JSON.

use std::io::Write;

use clap::Args;
use serde_json::{Value as Json, json};

use super::options::{MibArgs, loaded_mib, quiet_on_broken_pipe};
use super::{CliError, Outcome};
use crate::mib::syntax::ranges_text;
use crate::mib::{
    Access, BaseType, ConstraintKind, DefKind, DefRef, Mib, NodeId, NodeRef, ObjectClass, Status,
};
use crate::mib_store;
use crate::proto::Oid;

#[derive(Args, Debug)]
pub struct TranslateArgs {
    #[command(flatten)]
    pub mib: MibArgs,

    /// Output style: n numeric, f full names from the root, s last name, S MODULE::name
    /// (default), u UCD style (relative to mib-2)
    #[arg(short = 'O', value_name = "OUTOPTS", action = clap::ArgAction::Append)]
    pub output: Vec<String>,

    /// Reports: d details of each OID; p tree; o OIDs, l labeled OIDs, s dotted names,
    /// z name and OID (for the subtree of each OID, or the whole tree); B every object whose
    /// name matches each argument (fuzzy, not a regular expression)
    #[arg(short = 'T', value_name = "TRANSOPTS", action = clap::ArgAction::Append)]
    pub reports: Vec<String>,

    /// Input: R random access (always on: a bare name is searched in every module), b take
    /// the best fuzzy match of each argument
    #[arg(short = 'I', value_name = "INOPTS", action = clap::ArgAction::Append)]
    pub input: Vec<String>,

    /// Print JSON (an array of objects)
    #[arg(long)]
    pub json: bool,

    /// OIDs or names (IF-MIB::ifDescr.3, sysName.0, .1.3.6.1.2.1.1.5.0)
    #[arg(value_name = "OID")]
    pub oids: Vec<String>,
}

/// `-O` name styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Numeric,
    Full,
    Short,
    Module,
    Ucd,
}

fn letters(values: &[String]) -> impl Iterator<Item = char> + '_ {
    values.iter().flat_map(|v| v.chars())
}

pub fn run(args: &TranslateArgs) -> Result<Outcome, CliError> {
    quiet_on_broken_pipe(translate(args))
}

fn translate(args: &TranslateArgs) -> Result<Outcome, CliError> {
    let mut style = Style::Module;
    for c in letters(&args.output) {
        style = match c {
            'n' => Style::Numeric,
            'f' => Style::Full,
            's' => Style::Short,
            'S' => Style::Module,
            'u' => Style::Ucd,
            // Value formatting letters change nothing here (snmptranslate accepts them).
            c if "0abeEqQtTUvxX".contains(c) => style,
            other => {
                return Err(CliError::Usage(format!(
                    "Unknown output option passed to -O: {other}"
                )));
            }
        };
    }
    let reports: Vec<char> = letters(&args.reports).collect();
    if let Some(bad) = reports.iter().find(|c| !"dpolszBta".contains(**c)) {
        return Err(CliError::Usage(format!(
            "Unknown translation option passed to -T: {bad}"
        )));
    }
    let best_match = letters(&args.input).any(|c| c == 'b');

    let loaded = loaded_mib();
    let mib = &loaded.mib;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());

    if reports.contains(&'B') {
        return search_report(mib, args, style, &mut out);
    }

    // The nodes the arguments name (with their instance arcs).
    let mut outcome = Outcome::Success;
    let mut targets: Vec<(String, Oid)> = Vec::new();
    for text in &args.oids {
        let found = if best_match {
            mib.search(text, 1)
                .first()
                .and_then(|h| mib.def(h.def).oid())
                .ok_or_else(|| {
                    format!("{}: no object name matches", crate::proto::oid::elide(text))
                })
        } else {
            mib.resolve(text).map(|r| r.oid).map_err(|e| e.to_string())
        };
        match found {
            Ok(oid) => targets.push((text.clone(), oid)),
            Err(e) => {
                eprintln!("{e}");
                outcome = Outcome::Failure;
            }
        }
    }

    let tree_report = reports.iter().find(|c| "polsz".contains(**c)).copied();
    if let Some(kind) = tree_report {
        let roots: Vec<NodeId> = if args.oids.is_empty() {
            vec![mib.root()]
        } else {
            targets
                .iter()
                .filter_map(|(_, oid)| mib.node_at(oid).or_else(|| Some(mib.lookup_oid(oid).0)))
                .collect()
        };
        for root in roots {
            match kind {
                'p' => print_tree(mib, root, &mut out)?,
                other => dump(mib, root, other, &mut out)?,
            }
        }
        out.flush()?;
        return Ok(outcome);
    }

    if args.oids.is_empty() {
        return Err(CliError::Usage(
            "translate needs an OID or a name (or a tree report: -Tp, -To, -Tl, -Ts, -Tz)".into(),
        ));
    }
    let details = reports.contains(&'d');
    let mut json_items = Vec::new();
    for (input, oid) in &targets {
        let name = style_name(mib, oid, style);
        if args.json {
            json_items.push(json_translation(mib, input, oid, &name, details));
            continue;
        }
        writeln!(out, "{name}")?;
        if details {
            write_details(mib, oid, &mut out)?;
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json_items).map_err(std::io::Error::other)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(outcome)
}

fn style_name(mib: &Mib, oid: &Oid, style: Style) -> String {
    let n = mib.name_oid(oid);
    match style {
        Style::Numeric => oid.to_string(),
        Style::Full => n.full(),
        Style::Short => n.short(),
        Style::Module => n.qualified(),
        Style::Ucd => n.ucd(),
    }
}

/// `-TB` (and `-Ib` with several matches): every object whose name matches, best first.
fn search_report(
    mib: &Mib,
    args: &TranslateArgs,
    style: Style,
    out: &mut impl Write,
) -> Result<Outcome, CliError> {
    if args.oids.is_empty() {
        return Err(CliError::Usage("-TB needs a name to search for".into()));
    }
    let mut items = Vec::new();
    for query in &args.oids {
        for hit in mib.search(query, 1000) {
            let d = mib.def(hit.def);
            let Some(oid) = d.oid() else { continue };
            let name = style_name(mib, &oid, style);
            if args.json {
                items.push(json!({"query": query, "name": name, "oid": oid.to_string(), "score": hit.score}));
            } else {
                writeln!(out, "{name}")?;
            }
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &items).map_err(std::io::Error::other)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The SYNTAX line of `-Td`: base type with enumerations or constraint.
fn syntax_text(d: &DefRef<'_>) -> Option<String> {
    let t = d.syntax()?;
    let mut s = match (t.base, t.type_name) {
        (BaseType::Integer32, Some("Integer32")) => "Integer32".to_string(),
        (BaseType::Integer32, _) => "INTEGER".to_string(),
        (b, _) => b.as_str().to_string(),
    };
    if t.has_named_numbers() {
        let items: Vec<String> = t
            .named_numbers()
            .map(|(n, v)| format!("{n}({v})"))
            .collect();
        s.push_str(&format!(" {{{}}}", items.join(", ")));
    } else if t.constraint != ConstraintKind::None {
        s.push_str(&format!(" ({})", ranges_text(t.ranges)));
    }
    Some(s)
}

fn access_clause(d: &DefRef<'_>) -> &'static str {
    if d.kind() == DefKind::AgentCapabilities || d.kind() == DefKind::ModuleCompliance {
        "MIN-ACCESS"
    } else {
        "MAX-ACCESS"
    }
}

/// `-Td`: the object's clauses, as snmptranslate prints them.
fn write_details(mib: &Mib, oid: &Oid, out: &mut impl Write) -> Result<(), CliError> {
    let (node_id, depth) = mib.lookup_oid(oid);
    let node = mib.node(node_id);
    let Some(d) = node.def() else {
        writeln!(out, "{} (no definition)", node.name())?;
        return Ok(());
    };
    writeln!(out, "{} {}", d.name(), d.kind().as_str())?;
    let modules: Vec<&str> = node.defs().map(|x| x.module_name()).collect();
    writeln!(out, "  -- FROM\t{}", modules.join(", "))?;
    let t = d.syntax();
    if let Some(tc) = t.as_ref().and_then(|t| t.tc) {
        if d.kind() == DefKind::ObjectType {
            writeln!(out, "  -- TEXTUAL CONVENTION {}", tc.name())?;
        }
    }
    if let Some(s) = syntax_text(&d) {
        writeln!(out, "  SYNTAX\t{s}")?;
    }
    if let Some(h) = t.as_ref().and_then(|t| t.display_hint) {
        writeln!(out, "  DISPLAY-HINT\t\"{h}\"")?;
    }
    if let Some(u) = d.units() {
        writeln!(out, "  UNITS\t\"{u}\"")?;
    }
    if let Some(a) = d.access() {
        writeln!(out, "  {}\t{}", access_clause(&d), a.as_str())?;
    }
    if let Some(s) = d.status() {
        writeln!(out, "  STATUS\t{}", s.as_str())?;
    }
    if let Some(base) = d.augments() {
        writeln!(out, "  AUGMENTS\t{{ {} }}", base.name())?;
    } else {
        let index = d.index();
        if !index.is_empty() {
            let items: Vec<String> = index
                .iter()
                .map(|p| {
                    if p.implied {
                        format!("IMPLIED {}", p.name)
                    } else {
                        p.name.to_string()
                    }
                })
                .collect();
            writeln!(out, "  INDEX\t\t{{ {} }}", items.join(", "))?;
        }
    }
    let objects: Vec<&str> = d.objects().map(|(n, _)| n).collect();
    if !objects.is_empty() {
        let clause = match d.kind() {
            DefKind::NotificationGroup => "NOTIFICATIONS",
            DefKind::TrapType => "VARIABLES",
            DefKind::ModuleCompliance => "MANDATORY-GROUPS",
            DefKind::AgentCapabilities => "INCLUDES",
            _ => "OBJECTS",
        };
        writeln!(out, "  {clause}\t{{ {} }}", objects.join(", "))?;
    }
    if let Some(v) = d.defval() {
        writeln!(out, "  DEFVAL\t{{ {v} }}")?;
    }
    if let Some(text) = d.description_ref().and_then(|r| mib_store::text(mib, r)) {
        writeln!(out, "  DESCRIPTION\t\"{text}\"")?;
    }
    if let Some(text) = d.reference_ref().and_then(|r| mib_store::text(mib, r)) {
        writeln!(out, "  REFERENCE\t\"{text}\"")?;
    }
    writeln!(out, "::= {{ {} }}", labeled_path(mib, oid, depth))?;
    Ok(())
}

/// `iso(1) org(3) ... parent(n) last`: labels for every known node but the last arc.
fn labeled_path(mib: &Mib, oid: &Oid, depth: usize) -> String {
    let arcs = oid.arcs();
    let mut parts = Vec::with_capacity(arcs.len());
    let mut cur = mib.root();
    for (i, &arc) in arcs.iter().enumerate() {
        let known = i < depth;
        if known {
            let child = mib
                .node(cur)
                .children()
                .find(|c| c.arc() == arc)
                .map(|c| c.id());
            if let Some(c) = child {
                cur = c;
            }
        }
        if i + 1 < arcs.len() && known {
            parts.push(format!("{}({arc})", mib.node(cur).name()));
        } else {
            parts.push(arc.to_string());
        }
    }
    parts.join(" ")
}

fn json_translation(mib: &Mib, input: &str, oid: &Oid, name: &str, details: bool) -> Json {
    let n = mib.name_oid(oid);
    let mut v = json!({
        "input": input,
        "name": name,
        "oid": oid.to_string(),
        "module": n.node.and_then(|x| x.module_name()),
        "label": n.node.map(|x| x.name().into_owned()),
        "suffix": n.suffix,
    });
    if details {
        if let Some(d) = n.node.and_then(|x| x.def()) {
            v["details"] = json_details(mib, &d);
        }
    }
    v
}

fn json_details(mib: &Mib, d: &DefRef<'_>) -> Json {
    let t = d.syntax();
    json!({
        "kind": d.kind().as_str(),
        "module": d.module_name(),
        "file": d.file(),
        "line": d.pos().line,
        "syntax": t.as_ref().map(|t| json!({
            "base": t.base.as_str(),
            "type": t.type_name,
            "textual_convention": t.tc.map(|tc| tc.qualified_name()),
            "display_hint": t.display_hint,
            "named_numbers": t.named_numbers().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "constraint": match t.constraint {
                ConstraintKind::None => None,
                ConstraintKind::Size => Some("size"),
                ConstraintKind::Value => Some("value"),
            },
            "ranges": t.ranges.iter().map(|r| json!([r.lo.to_string(), r.hi.to_string()])).collect::<Vec<_>>(),
        })),
        "units": d.units(),
        "access": d.access().map(Access::as_str),
        "status": d.status().map(Status::as_str),
        "class": format!("{:?}", d.object_class()).to_lowercase(),
        "index": d.index().iter().map(|p| json!({"name": p.name, "implied": p.implied})).collect::<Vec<_>>(),
        "augments": d.augments().map(|a| a.qualified_name()),
        "objects": d.objects().map(|(n, _)| n).collect::<Vec<_>>(),
        "defval": d.defval(),
        "description": d.description_ref().and_then(|r| mib_store::text(mib, r)),
        "reference": d.reference_ref().and_then(|r| mib_store::text(mib, r)),
    })
}

/// `-To -Tl -Ts -Tz`: one line per node under `root`, in OID order.
fn dump(mib: &Mib, root: NodeId, kind: char, out: &mut impl Write) -> Result<(), CliError> {
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let node = mib.node(id);
        let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
        stack.extend(children.into_iter().rev());
        if id == mib.root() {
            continue;
        }
        let oid = node.oid();
        match kind {
            'o' => writeln!(out, "{oid}")?,
            'z' => writeln!(
                out,
                "\"{}\"\t\t\t\"{}\"",
                node.name(),
                oid.to_string().trim_start_matches('.')
            )?,
            's' => writeln!(out, "{}", mib.name_oid(&oid).full())?,
            _ => {
                // 'l': .iso(1).org(3)...
                let mut labels = Vec::new();
                let mut cur = Some(node);
                while let Some(n) = cur.filter(|n| n.id() != mib.root()) {
                    labels.push(format!("{}({})", n.name(), n.arc()));
                    cur = n.parent();
                }
                labels.reverse();
                writeln!(out, ".{}", labels.join("."))?;
            }
        }
    }
    Ok(())
}

/// Net-SNMP's access column in `-Tp`.
fn access_code(a: Option<Access>) -> &'static str {
    match a {
        Some(Access::ReadOnly) => "-R--",
        Some(Access::ReadWrite) => "-RW-",
        Some(Access::ReadCreate) => "CR--",
        Some(Access::WriteOnly) => "--W-",
        Some(Access::AccessibleForNotify) => "---N",
        _ => "----",
    }
}

/// Net-SNMP's type column in `-Tp`.
fn type_code(d: &DefRef<'_>) -> Option<&'static str> {
    let t = d.syntax()?;
    Some(match t.base {
        BaseType::Integer32 if t.has_named_numbers() => "EnumVal",
        BaseType::Integer32 if t.type_name.is_some() => "Integer32",
        BaseType::Integer32 => "INTEGER",
        BaseType::OctetString => "String",
        BaseType::ObjectIdentifier => "ObjID",
        BaseType::Bits => "BitString",
        BaseType::IpAddress => "IpAddr",
        BaseType::NetworkAddress => "NetAddr",
        BaseType::Counter32 => "Counter",
        BaseType::Gauge32 => "Gauge",
        BaseType::Unsigned32 => "Unsigned",
        BaseType::TimeTicks => "TimeTicks",
        BaseType::Opaque => "Opaque",
        BaseType::Counter64 => "Counter64",
        BaseType::Application(_) => "",
        BaseType::Sequence | BaseType::SequenceOf | BaseType::Unresolved => return None,
    })
}

/// The lines Net-SNMP prints under a node: TC, values, range or size, index.
fn notes(d: &DefRef<'_>) -> Vec<String> {
    let mut v = Vec::new();
    if d.object_class() == ObjectClass::Row {
        let index: Vec<&str> = d.index().iter().map(|p| p.name).collect();
        if !index.is_empty() {
            v.push(format!("Index: {}", index.join(", ")));
        }
        return v;
    }
    let Some(t) = d.syntax() else { return v };
    if type_code(d).is_none() {
        return v;
    }
    if let Some(tc) = t.tc {
        v.push(format!("Textual Convention: {}", tc.name()));
    }
    if t.has_named_numbers() {
        let items: Vec<String> = t
            .named_numbers()
            .map(|(n, x)| format!("{n}({x})"))
            .collect();
        v.push(format!("Values: {}", items.join(", ")));
    } else {
        match t.constraint {
            ConstraintKind::Value => v.push(format!("Range: {}", ranges_text(t.ranges))),
            ConstraintKind::Size => v.push(format!("Size: {}", ranges_text(t.ranges))),
            ConstraintKind::None => {}
        }
    }
    v
}

/// `-Tp`: the tree drawn as snmptranslate draws it.
fn print_tree(mib: &Mib, root: NodeId, out: &mut impl Write) -> Result<(), CliError> {
    if root == mib.root() {
        for c in mib.node(root).children() {
            print_node(c, "", true, out)?;
        }
        return Ok(());
    }
    print_node(mib.node(root), "", true, out)
}

fn print_node(
    node: NodeRef<'_>,
    prefix: &str,
    last: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    // An explicit stack: MIB trees are deep enough to make recursion a risk only in theory,
    // but a damaged cache must not be able to overflow the stack.
    let mut stack: Vec<(NodeRef<'_>, String, bool, bool)> =
        vec![(node, prefix.to_string(), last, false)];
    while let Some((n, prefix, last, separator)) = stack.pop() {
        if separator {
            writeln!(out, "{prefix}|")?;
        }
        let def = n.def();
        let typed = def.as_ref().and_then(type_code);
        match (typed, def.as_ref()) {
            (Some(ty), Some(d)) => writeln!(
                out,
                "{prefix}+-- {} {ty:<9} {}({})",
                access_code(d.access()),
                n.name(),
                n.arc()
            )?,
            _ => writeln!(out, "{prefix}+--{}({})", n.name(), n.arc())?,
        }
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "|  " });
        let kids: Vec<NodeRef<'_>> = n.children().collect();
        let note_lines = def.as_ref().map(notes).unwrap_or_default();
        let note_prefix = if kids.is_empty() {
            format!("{prefix}{}        ", if last { " " } else { "|" })
        } else {
            format!("{child_prefix}|  ")
        };
        for line in &note_lines {
            writeln!(out, "{note_prefix}{line}")?;
        }
        if kids.is_empty() {
            continue;
        }
        writeln!(out, "{child_prefix}|")?;
        // Push in reverse so the first child prints first.
        for (i, k) in kids.iter().enumerate().rev() {
            let is_last = i + 1 == kids.len();
            let sep = i > 0 && (k.child_count() > 0 || kids[i - 1].child_count() > 0);
            stack.push((*k, child_prefix.clone(), is_last, sep));
        }
    }
    Ok(())
}
