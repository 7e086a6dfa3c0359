//! A table as the table view holds it, without rendering: its columns from the MIB, its
//! rows from a lock-step walk, each row's INDEX decoded into one value per component
//! (integers, strings, IP addresses, MAC addresses with their DISPLAY-HINT), each cell
//! rendered as the CLI prints it; sorting, filtering, and export to CSV or JSON.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::mib::{Access, Mib, NodeId, ObjectClass};
use crate::mib_view::MibNames;
use crate::output::oid_text;
use crate::output::syntax::OidNames;
use crate::output::text::{Context, write_value};
use crate::output::{OidStyle, OutputOptions};
use crate::proto::{Oid, Value, VarBind};
use crate::tui::backend;
use crate::tui::sanitize::SafeText;
use crate::tui::views::list::natural;

/// A column of the table view: an INDEX component (decoded from the row's OID) or a
/// column object (fetched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The column object's OID; `None` for an INDEX component that is not a column here.
    pub oid: Option<Oid>,
    pub is_index: bool,
    /// Figures sort as numbers and read right-aligned.
    pub numeric: bool,
    pub shown: bool,
}

/// One row: its INDEX arcs and a text per column (`None`: the agent has no such instance).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub index: Vec<u32>,
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: SafeText,
    /// The value for sorting and JSON (INDEX components carry none).
    pub raw: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableModel {
    /// `IF-MIB::ifTable`.
    pub title: String,
    /// The row (entry) node's OID.
    pub entry: Oid,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// Why a node cannot be shown as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotATable {
    #[error("{0} is not a table, a row or a column: pick one in the MIB browser")]
    Kind(String),
    #[error("{0} has no readable columns")]
    NoColumns(String),
}

/// The table a node belongs to: itself, its row's parent, its column's table.
fn table_of(mib: &Mib, node: NodeId) -> Option<(NodeId, NodeId)> {
    let n = mib.node(node);
    let class = n.def()?.object_class();
    let (table, entry) = match class {
        ObjectClass::Table => (node, n.children().find(|c| c.def().is_some())?.id()),
        ObjectClass::Row => (n.parent()?.id(), node),
        ObjectClass::Column => {
            let entry = n.parent()?;
            (entry.parent()?.id(), entry.id())
        }
        _ => return None,
    };
    Some((table, entry))
}

impl TableModel {
    /// The columns of the table `node` is (or is in), from the MIB; no rows yet.
    pub fn new(mib: &Mib, node: NodeId) -> Result<TableModel, NotATable> {
        let name_of = |id: NodeId| {
            let n = mib.node(id);
            n.def()
                .map_or_else(|| n.name().into_owned(), |d| d.qualified_name())
        };
        let (table, entry) = table_of(mib, node).ok_or_else(|| NotATable::Kind(name_of(node)))?;
        let entry_def = mib.node(entry).def();
        let index: Vec<String> = entry_def
            .map(|d| d.index().iter().map(|p| p.name.to_string()).collect())
            .unwrap_or_default();
        let numeric_syntax = |def: &crate::mib::DefRef<'_>| {
            def.syntax().is_some_and(|t| {
                use crate::mib::BaseType as B;
                matches!(
                    t.base,
                    B::Integer32
                        | B::Counter32
                        | B::Counter64
                        | B::Gauge32
                        | B::Unsigned32
                        | B::TimeTicks
                ) && !t.is_enum()
            })
        };
        let mut columns: Vec<Column> = index
            .iter()
            .map(|name| {
                let numeric = mib
                    .defs_named(name)
                    .next()
                    .is_some_and(|d| numeric_syntax(&mib.def(d)));
                Column {
                    name: name.clone(),
                    oid: None,
                    is_index: true,
                    numeric,
                    shown: true,
                }
            })
            .collect();
        for child in mib.node(entry).children() {
            let Some(def) = child.def() else { continue };
            let readable = matches!(
                def.access(),
                Some(Access::ReadOnly | Access::ReadWrite | Access::ReadCreate)
            );
            // An INDEX object that is also a readable column is already shown decoded.
            if !readable || index.iter().any(|i| i == def.name()) {
                continue;
            }
            columns.push(Column {
                name: def.name().to_string(),
                oid: Some(child.oid()),
                is_index: false,
                numeric: numeric_syntax(&def),
                shown: true,
            });
        }
        if columns.iter().all(|c| c.is_index) {
            return Err(NotATable::NoColumns(name_of(table)));
        }
        Ok(TableModel {
            title: name_of(table),
            entry: mib.node(entry).oid(),
            columns,
            rows: Vec::new(),
        })
    }

    /// The column OIDs a walk fetches.
    pub fn fetch_columns(&self) -> Vec<Oid> {
        self.columns.iter().filter_map(|c| c.oid.clone()).collect()
    }

    /// Takes a walk's varbinds: rows by INDEX, index components decoded, cells rendered.
    pub fn fill(&mut self, varbinds: &[VarBind], names: &MibNames) {
        let options = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        let ctx = Context {
            options: &options,
            names,
        };
        let index_parts = names
            .resolve(self.entry.arcs())
            .and_then(|r| r.index)
            .unwrap_or(&[]);
        let index_count = self.columns.iter().filter(|c| c.is_index).count();
        let mut rows: BTreeMap<Vec<u32>, Row> = BTreeMap::new();
        for vb in varbinds {
            let Some((col, oid)) = self.columns.iter().enumerate().find_map(|(i, c)| {
                c.oid
                    .as_ref()
                    .filter(|o| vb.oid.starts_with(o))
                    .map(|o| (i, o))
            }) else {
                continue;
            };
            if matches!(
                vb.value,
                Value::NoSuchInstance | Value::NoSuchObject | Value::EndOfMibView
            ) {
                continue;
            }
            let index = vb.oid.arcs()[oid.len()..].to_vec();
            let width = self.columns.len();
            let row = rows.entry(index.clone()).or_insert_with(|| {
                let mut cells = vec![None; width];
                let decoded = oid_text::index_values(&index, index_parts, ctx);
                for (i, text) in decoded.into_iter().enumerate().take(index_count.max(1)) {
                    if i < index_count {
                        cells[i] = Some(Cell {
                            text: SafeText::new(&text),
                            raw: None,
                        });
                    }
                }
                Row { index, cells }
            });
            let syntax = names.resolve(oid.arcs()).and_then(|r| r.syntax);
            let mut text = Vec::new();
            let _ = write_value(&mut text, &vb.value, syntax, ctx);
            row.cells[col] = Some(Cell {
                text: backend::strip_type(SafeText::from_bytes(&text)),
                raw: Some(vb.value.clone()),
            });
        }
        self.rows = rows.into_values().collect();
    }

    /// The rows to show: those with a shown cell holding `needle` (lower case), sorted by
    /// `sort` (a column number) when given.
    pub fn view(&self, needle: &str, sort: Option<(usize, bool)>) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len())
            .filter(|i| {
                needle.is_empty()
                    || self.rows[*i].cells.iter().enumerate().any(|(c, cell)| {
                        self.columns[c].shown
                            && cell
                                .as_ref()
                                .is_some_and(|x| x.text.as_str().to_lowercase().contains(needle))
                    })
            })
            .collect();
        if let Some((col, descending)) = sort {
            order.sort_by(|a, b| {
                let by = self.compare(*a, *b, col);
                if descending { by.reverse() } else { by }
            });
        }
        order
    }

    fn compare(&self, a: usize, b: usize, col: usize) -> Ordering {
        let (x, y) = (&self.rows[a].cells[col], &self.rows[b].cells[col]);
        let by = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => match (number(x), number(y)) {
                (Some(n), Some(m)) => n.total_cmp(&m),
                _ => natural(x.text.as_str(), y.text.as_str()),
            },
        };
        // Ties keep the agent's (INDEX) order.
        by.then(self.rows[a].index.cmp(&self.rows[b].index))
    }

    /// The shown columns and rows as CSV (RFC 4180: quoted when needed, CRLF).
    pub fn to_csv(&self, rows: &[usize]) -> String {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|c| self.columns[*c].shown)
            .collect();
        let field = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::new();
        let header: Vec<String> = shown
            .iter()
            .map(|c| field(&self.columns[*c].name))
            .collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for r in rows {
            let cells: Vec<String> = shown
                .iter()
                .map(|c| {
                    self.rows[*r].cells[*c]
                        .as_ref()
                        .map_or(String::new(), |x| field(x.text.as_str()))
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The shown columns and rows as a JSON array of objects, keys in column order:
    /// counters, gauges and plain integers as numbers, the rest as the text shown.
    pub fn to_json(&self, rows: &[usize]) -> String {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|c| self.columns[*c].shown)
            .collect();
        let json = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
        let mut out = String::from("[");
        for (n, r) in rows.iter().enumerate() {
            out.push_str(if n == 0 { "\n  {" } else { ",\n  {" });
            for (k, c) in shown.iter().enumerate() {
                let numeric = self.columns[*c].numeric;
                let value = match &self.rows[*r].cells[*c] {
                    None => serde_json::Value::Null,
                    Some(cell) => match &cell.raw {
                        Some(v) if numeric => raw_number(v),
                        // A numeric INDEX component.
                        None if numeric => cell
                            .text
                            .as_str()
                            .parse::<u64>()
                            .ok()
                            .map(|n| serde_json::json!(n)),
                        _ => None,
                    }
                    .unwrap_or_else(|| serde_json::Value::String(cell.text.to_string())),
                };
                if k > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json(&serde_json::Value::String(
                    self.columns[*c].name.clone(),
                )));
                out.push_str(": ");
                out.push_str(&json(&value));
            }
            out.push('}');
        }
        out.push_str(if rows.is_empty() { "]\n" } else { "\n]\n" });
        out
    }
}

/// A counter, gauge, integer or time as a number, for sorting.
fn number(cell: &Cell) -> Option<f64> {
    match cell.raw.as_ref() {
        Some(
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n),
        ) => Some(f64::from(*n)),
        Some(Value::Counter64(n)) => Some(*n as f64),
        Some(Value::Integer(n)) => Some(*n as f64),
        // An INDEX component: a number when it reads as one.
        None => cell.text.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

fn raw_number(v: &Value) -> Option<serde_json::Value> {
    Some(match v {
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            serde_json::json!(n)
        }
        Value::Counter64(n) => serde_json::json!(n),
        Value::Integer(n) => serde_json::json!(n),
        _ => return None,
    })
}
