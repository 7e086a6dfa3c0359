//! `table`: a conceptual table printed as snmptable prints it (apps/snmptable.c): the
//! columns from the MIB (the entry's accessible children), rows collected with GetBulk and
//! matched by index, or row by row with GetNext (`-CB`, and SNMPv1), then laid out by
//! `output::table`. `--json` prints one object per row.

use std::collections::HashMap;
use std::io::Write;

use clap::Args;

use super::options::{RequestOptions, Session, mib, no_mibs, output_names, parse_oid};
use super::{CliError, Outcome, oid_text, report_error, report_request_error};
use crate::mib::Access;
use crate::net::WalkItem;
use crate::output::table::{Grid, Layout, Row};
use crate::output::text::{Context, write_value};
use crate::output::{OidStyle, OutputOptions};
use crate::proto::engine::MaxRepetitions;
use crate::proto::table_rows::{RowStep, RowWalk};
use crate::proto::walk::{BulkParams, WalkEnd, WalkError, WalkOptions};
use crate::proto::{Oid, VarBind, Version};

#[derive(Args, Debug)]
pub struct TableArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: b (brief column labels), B (GetNext, not GetBulk), c WIDTH
    /// (columns WIDTH wide), f SEP (fields separated by SEP), h (headers only), H (no
    /// headers), i (print the index), l (left-justify), r N (max-repetitions, or rows per
    /// batch with GetNext; default 10), w WIDTH (parts at most WIDTH wide). As in
    /// snmptable, the value of c, f, r and w may be the next word (-Cw 80)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// The table (ifTable, HOST-RESOURCES-MIB::hrStorageTable, .1.3.6.1.2.1.2.2)
    #[arg(value_name = "TABLE-OID")]
    pub table: String,
}

/// snmptable's `-C` letters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flags {
    layout: Layout,
    brief: bool,
    getnext: bool,
    max_repetitions: u32,
}

fn parse_flags(values: &[String]) -> Result<Flags, CliError> {
    let mut f = Flags {
        layout: Layout::default(),
        brief: false,
        getnext: false,
        max_repetitions: 10,
    };
    for value in values {
        for (i, c) in value.char_indices() {
            let rest = &value[i + c.len_utf8()..];
            let number = |what: &str, min: usize| -> Result<usize, CliError> {
                rest.parse::<usize>()
                    .ok()
                    .filter(|n| *n >= min && *n <= i32::MAX as usize)
                    .ok_or_else(|| {
                        CliError::Usage(format!(
                            "Bad -C{c} option: '{}': give {what}, as in -C{c} {}",
                            crate::proto::oid::elide(rest),
                            if c == 'c' { 12 } else { 80 }
                        ))
                    })
            };
            match c {
                'b' => f.brief = true,
                'B' => f.getnext = true,
                'h' => f.layout.headers_only = true,
                'H' => f.layout.no_headers = true,
                'i' => f.layout.show_index = true,
                'l' => f.layout.left = true,
                'w' => {
                    f.layout.max_width = number("a width of 1 or more", 1)?;
                    break;
                }
                'c' => {
                    f.layout.column_width = number("a column width of 3 or more", 3)?;
                    break;
                }
                'r' => {
                    f.max_repetitions =
                        u32::try_from(number("a count of 1 or more", 1)?).unwrap_or(u32::MAX);
                    break;
                }
                'f' => {
                    f.layout.separator = Some(rest.to_string());
                    break;
                }
                other => {
                    return Err(CliError::Usage(format!(
                        "Bad option after -C: {other} (table takes b B c f h H i l r w)"
                    )));
                }
            }
        }
    }
    Ok(f)
}

/// The table's shape from the MIB: its printed name, the entry, the columns.
struct Shape {
    name: String,
    entry: Oid,
    columns: Vec<(u32, String)>,
}

/// The label snmptable gives a column: what follows the last `.` (or `::`) of its printed
/// name; `None` when that is a number (no MIB names it).
fn label_of(printed: &str) -> Option<String> {
    let label = match printed.rfind('.') {
        Some(i) => &printed[i + 1..],
        None => printed.rsplit(':').next().unwrap_or(printed),
    };
    (!label.starts_with(|c: char| c.is_ascii_digit())).then(|| label.to_string())
}

/// snmptable's `get_field_names`: the node's child (the entry), then its accessible
/// children, labelled as the output style prints them.
fn shape(root: &Oid, output: &OutputOptions) -> Result<Shape, CliError> {
    let name = oid_text(root, output);
    let not_a_table = || CliError::Usage(format!("Was that a table? {name}"));
    if no_mibs() {
        return Err(not_a_table());
    }
    let mib = mib();
    let (node, _) = mib.lookup_oid(root);
    let node = mib.node(node);
    // Net-SNMP's child lists run from the highest arc down.
    let Some(entry_node) = node.children().last() else {
        return Err(not_a_table());
    };
    let entry = root.child(&[entry_node.arc()]);
    let mut columns = Vec::new();
    if entry_node.child_count() > 0 {
        for col in entry_node.children().collect::<Vec<_>>().into_iter().rev() {
            if col.def().and_then(|d| d.access()) == Some(Access::NotAccessible) {
                continue;
            }
            match label_of(&oid_text(&entry.child(&[col.arc()]), output)) {
                Some(label) => columns.push((col.arc(), label)),
                None => break,
            }
        }
    } else {
        for n in 1u32.. {
            match label_of(&oid_text(&entry.child(&[n]), output)) {
                Some(label) => columns.push((n, label)),
                None => break,
            }
        }
    }
    if columns.is_empty() {
        return Err(not_a_table());
    }
    columns.reverse();
    Ok(Shape {
        name,
        entry,
        columns,
    })
}

/// The index part of a cell's printed name, as snmptable cuts it: after `MODULE::label.`,
/// `label.`, the table's name and the entry's label, or from `[` with `-OX`.
fn index_of(printed: &str, table_name: &str, output: &OutputOptions) -> Option<String> {
    if output.extended_index {
        return printed.find('[').map(|i| printed[i..].to_string());
    }
    let from = match output.oid_style {
        OidStyle::Module => &printed[printed.find(':')? + 1..],
        OidStyle::Suffix => printed,
        OidStyle::Full | OidStyle::Numeric | OidStyle::Ucd => {
            let after = printed.get(table_name.len() + 1..)?;
            &after[after.find('.')? + 1..]
        }
    };
    Some(from[from.find('.')? + 1..].to_string())
}

/// A cell as snmptable shows it: the value quick-printed, newlines as spaces.
fn cell_text(vb: &VarBind, options: &OutputOptions) -> String {
    let names = output_names();
    let ctx = Context { options, names };
    let syntax = names.resolve(vb.oid.arcs()).and_then(|r| r.syntax);
    let mut buf = Vec::new();
    let _ = write_value(&mut buf, &vb.value, syntax, ctx);
    String::from_utf8_lossy(&buf).replace('\n', " ")
}

/// Rows being collected, in the order they first appear.
struct Rows {
    rows: Vec<Row>,
    cells: Vec<Vec<Option<VarBind>>>,
    by_index: HashMap<String, usize>,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            rows: Vec::new(),
            cells: Vec::new(),
            by_index: HashMap::new(),
        }
    }

    fn row(&mut self, index: &str, columns: usize) -> usize {
        if let Some(&r) = self.by_index.get(index) {
            return r;
        }
        self.rows.push(Row {
            index: index.to_string(),
            cells: vec![None; columns],
        });
        self.cells.push(vec![None; columns]);
        self.by_index.insert(index.to_string(), self.rows.len() - 1);
        self.rows.len() - 1
    }
}

pub async fn run(args: TableArgs) -> Result<Outcome, CliError> {
    let flags = parse_flags(&args.app)?;
    let root = parse_oid(&args.table)?;
    let session = args.request.session().await?;
    let mut shape = match shape(&root, &session.output) {
        Ok(shape) => shape,
        // snmptable's words, without our prefix.
        Err(CliError::Usage(text)) if text.starts_with("Was that a table?") => {
            eprintln!("{text}");
            return Ok(Outcome::Failure);
        }
        Err(e) => return Err(e),
    };
    let mut labels: Vec<String> = shape.columns.iter().map(|(_, l)| l.clone()).collect();
    if flags.brief {
        Grid::brief(&mut labels);
    }
    for ((_, label), brief) in shape.columns.iter_mut().zip(&labels) {
        *label = brief.clone();
    }
    // snmptable prints values quickly (`-Oq` on; a given -Oq turns it off again).
    let mut values = session.output.clone();
    values.quick = !values.quick;
    let mut grid = Grid::new(shape.name.clone(), labels, flags.layout.clone());
    // Not a StdoutLock: the command awaits while holding it, and the task must be Send.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let getnext = flags.getnext || session.target.security.version() == Version::V1;
    let mut extra = false;
    let (total, outcome) = if flags.layout.headers_only {
        grid.print(&mut out, &[])?;
        (0, Outcome::Success)
    } else if getnext {
        by_rows(&session, &shape, &flags, &values, &mut grid, &mut out).await?
    } else {
        let (rows, more, outcome) = by_bulk(&session, &shape, &flags, &values, &mut out).await?;
        extra = more;
        if outcome == Outcome::Success {
            print_rows(&mut out, &mut grid, &shape, &rows, &session.output)?;
        }
        (rows.rows.len(), outcome)
    };
    if outcome == Outcome::Success && !session.output.json {
        if total == 0 {
            writeln!(out, "{}: No entries", shape.name)?;
        }
        if extra {
            writeln!(
                out,
                "{}: WARNING: More columns on agent than in MIB",
                shape.name
            )?;
        }
    }
    out.flush()?;
    Ok(outcome)
}

/// Prints collected rows, as a grid or as JSON lines.
fn print_rows<W: Write>(
    out: &mut W,
    grid: &mut Grid,
    shape: &Shape,
    rows: &Rows,
    output: &OutputOptions,
) -> Result<(), CliError> {
    if rows.rows.is_empty() {
        return Ok(());
    }
    if output.json {
        for (row, cells) in rows.rows.iter().zip(&rows.cells) {
            write_json_row(out, shape, &row.index, cells, output)?;
        }
        return Ok(());
    }
    grid.measure(&rows.rows);
    grid.print(out, &rows.rows)?;
    Ok(())
}

/// `{"table": ..., "index": ..., "columns": {"ifDescr": {varbind as in --json}, ...}}`.
fn write_json_row<W: Write>(
    out: &mut W,
    shape: &Shape,
    index: &str,
    cells: &[Option<VarBind>],
    output: &OutputOptions,
) -> Result<(), CliError> {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    write!(
        out,
        "{{\"table\":{},\"index\":{},\"columns\":{{",
        text(&shape.name),
        text(index)
    )?;
    let mut first = true;
    for ((_, label), cell) in shape.columns.iter().zip(cells) {
        let Some(vb) = cell else { continue };
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        let mut line = Vec::new();
        crate::output::write_varbind_named(&mut line, vb, output, output_names())?;
        while line.last() == Some(&b'\n') {
            line.pop();
        }
        write!(out, "{}:", text(label))?;
        out.write_all(&line)?;
    }
    out.write_all(b"}}\n")?;
    Ok(())
}

/// GetBulk mode: the entry walked in one pass, cells matched to rows by index.
async fn by_bulk<W: Write>(
    session: &Session,
    shape: &Shape,
    flags: &Flags,
    values: &OutputOptions,
    out: &mut W,
) -> Result<(Rows, bool, Outcome), CliError> {
    let options = WalkOptions {
        bulk: Some(BulkParams {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(flags.max_repetitions),
        }),
        fallback_get: false,
        ..WalkOptions::default()
    };
    let mut walker = session
        .client
        .walk(&session.target, shape.entry.clone(), options);
    let columns = shape.columns.len();
    let base = shape.entry.len();
    let mut rows = Rows::new();
    let mut extra = false;
    'walk: while let Some(item) = walker.next().await {
        match item {
            WalkItem::Step(step) => {
                for vb in step.yielded {
                    if vb.value.is_exception() {
                        break 'walk;
                    }
                    let subid = vb.oid.arcs().get(base).copied();
                    let Some(col) = shape.columns.iter().position(|(c, _)| Some(*c) == subid)
                    else {
                        extra = true;
                        continue;
                    };
                    let printed = oid_text(&vb.oid, &session.output);
                    let Some(index) = index_of(&printed, &shape.name, &session.output) else {
                        break 'walk;
                    };
                    let r = rows.row(&index, columns);
                    if rows.cells[r][col].is_some() {
                        eprintln!("OID not increasing: {printed}");
                        return Ok((rows, extra, Outcome::AgentError));
                    }
                    rows.rows[r].cells[col] = Some(cell_text(&vb, values));
                    rows.cells[r][col] = Some(vb);
                }
                match step.finished {
                    None | Some(Ok(WalkEnd::Complete)) => {}
                    Some(Ok(WalkEnd::EndOfMib)) => {
                        writeln!(out, "End of MIB")?;
                        break;
                    }
                    Some(Err(e)) => return Ok((rows, extra, walk_error(&e, &session.output))),
                }
            }
            WalkItem::Failed(e) => {
                report_request_error(&e, &session.label, false);
                return Ok((rows, extra, Outcome::Failure));
            }
        }
    }
    Ok((rows, extra, Outcome::Success))
}

/// GetNext mode: a row per request, printed in batches of `-Cr` rows (all at once with
/// `-Cw`), each batch laid out with the widths seen so far, as snmptable does.
async fn by_rows<W: Write>(
    session: &Session,
    shape: &Shape,
    flags: &Flags,
    values: &OutputOptions,
    grid: &mut Grid,
    out: &mut W,
) -> Result<(usize, Outcome), CliError> {
    let batch = if flags.layout.max_width > 0 && flags.layout.column_width == 0 {
        usize::MAX
    } else {
        flags.max_repetitions as usize
    };
    let subids: Vec<u32> = shape.columns.iter().map(|(c, _)| *c).collect();
    let mut walk = RowWalk::new(shape.entry.clone(), subids);
    let mut total = 0;
    let mut rows = Rows::new();
    while let Some(op) = walk.next_operation() {
        let response = match session.client.request(&session.target, op).await {
            Ok(r) => r,
            // snmptable drops the batch it was collecting.
            Err(e) => {
                out.flush()?;
                report_request_error(&e, &session.label, false);
                return Ok((total, Outcome::Failure));
            }
        };
        match walk.handle_response(response) {
            Ok(RowStep::Row(cells)) => {
                let index = cells
                    .iter()
                    .flatten()
                    .next()
                    .and_then(|vb| {
                        index_of(
                            &oid_text(&vb.oid, &session.output),
                            &shape.name,
                            &session.output,
                        )
                    })
                    .unwrap_or_default();
                // Each row is new in this mode, whatever its index says.
                rows.rows.push(Row {
                    index,
                    cells: cells
                        .iter()
                        .map(|c| c.as_ref().map(|vb| cell_text(vb, values)))
                        .collect(),
                });
                rows.cells.push(cells);
                total += 1;
                if rows.rows.len() >= batch {
                    print_rows(out, grid, shape, &rows, &session.output)?;
                    rows = Rows::new();
                }
            }
            Ok(RowStep::End) => {}
            // Printed as it is met, before the batch it ends.
            Ok(RowStep::EndOfMib) => writeln!(out, "End of MIB")?,
            Err(e) => {
                out.flush()?;
                return Ok((total, walk_error(&e, &session.output)));
            }
        }
    }
    print_rows(out, grid, shape, &rows, &session.output)?;
    Ok((total, Outcome::Success))
}

/// snmptable's error lines: "Error in packet." and the reason; GetNext mode names the
/// failed object (followed, as fprint_objid does, by a newline, then another).
fn walk_error(e: &WalkError, output: &OutputOptions) -> Outcome {
    match e {
        WalkError::ErrorStatus {
            status,
            failed,
            index,
        } => {
            report_error(
                *status,
                (*index > 0).then_some(failed.as_ref()),
                true,
                output,
            );
            Outcome::AgentError
        }
        other => super::walk::report_walk_error(other, output),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_their_values() {
        let f = parse_flags(&["bi".into(), "w80".into(), "f,".into(), "r5".into()]).unwrap();
        assert!(f.brief && f.layout.show_index);
        assert_eq!(f.layout.max_width, 80);
        assert_eq!(f.layout.separator.as_deref(), Some(","));
        assert_eq!(f.max_repetitions, 5);
        assert!(parse_flags(&["c2".into()]).is_err());
        assert!(parse_flags(&["w".into()]).is_err());
        assert!(parse_flags(&["z".into()]).is_err());
    }

    #[test]
    fn index_is_cut_as_snmptable_cuts_it() {
        let module = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        assert_eq!(
            index_of("IF-MIB::ifDescr.3", "IF-MIB::ifTable", &module).as_deref(),
            Some("3")
        );
        assert_eq!(
            index_of(
                "IP-MIB::ipAdEntAddr.10.0.0.1",
                "IP-MIB::ipAddrTable",
                &module
            )
            .as_deref(),
            Some("10.0.0.1")
        );
        let full = OutputOptions {
            oid_style: OidStyle::Full,
            ..OutputOptions::default()
        };
        assert_eq!(
            index_of(".iso.x.ifTable.ifEntry.ifDescr.3", ".iso.x.ifTable", &full).as_deref(),
            Some("3")
        );
        let extended = OutputOptions {
            extended_index: true,
            ..module
        };
        assert_eq!(
            index_of("IF-MIB::ifDescr[3]", "IF-MIB::ifTable", &extended).as_deref(),
            Some("[3]")
        );
        assert_eq!(label_of("IF-MIB::ifDescr").as_deref(), Some("ifDescr"));
        assert_eq!(label_of(".1.3.6.1.2.1.2.2.1.2"), None);
    }
}
