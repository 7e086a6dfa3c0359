//! Tables as snmptable prints them (apps/snmptable.c, `print_table`): a title, a header
//! line of column labels, one line per row, columns right-justified to the widest of label
//! and values (`-Cl`: left), or a separator between fields (`-Cf`), or fixed-width columns
//! (`-Cc`), split into parts no wider than `-Cw`, with the index first (`-Ci`). The cells
//! are already text here; `Grid` only lays them out, so it is a pure function of its input.
//!
//! Widths are counted in bytes, as C's `printf` pads, and grow monotonically: snmptable's
//! GetNext mode prints its rows in batches, each laid out with the widths seen so far.

use std::io::{self, Write};

/// How a table is laid out: snmptable's `-C` letters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// `-CH`: no title, no header line.
    pub no_headers: bool,
    /// `-Ch`: the header line only.
    pub headers_only: bool,
    /// `-Ci`: the index of each row first.
    pub show_index: bool,
    /// `-Cl`: left-justified.
    pub left: bool,
    /// `-Cf SEP`: fields separated by SEP instead of padded.
    pub separator: Option<String>,
    /// `-Cw WIDTH`: parts no wider than this.
    pub max_width: usize,
    /// `-Cc WIDTH`: every column this wide (the value given, a space included).
    pub column_width: usize,
}

/// A table being printed: its name, labels, and the widths seen so far.
#[derive(Debug, Clone)]
pub struct Grid {
    name: String,
    labels: Vec<String>,
    widths: Vec<usize>,
    index_width: usize,
    first_pass: bool,
    layout: Layout,
}

/// One row: its index text and a cell per column (`None` prints `?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub index: String,
    pub cells: Vec<Option<String>>,
}

impl Grid {
    pub fn new(name: String, labels: Vec<String>, layout: Layout) -> Grid {
        Grid {
            name,
            widths: labels.iter().map(String::len).collect(),
            labels,
            // snmptable: sizeof("index ") - 1.
            index_width: 6,
            first_pass: true,
            layout,
        }
    }

    /// snmptable `-Cb`: the labels without the prefix they all share.
    pub fn brief(labels: &mut [String]) {
        if labels.len() < 2 {
            return;
        }
        let mut common = labels[0].len();
        for pair in labels.windows(2) {
            let (a, b) = (pair[0].as_bytes(), pair[1].as_bytes());
            // snmptable's loop: the bytes that match before the first difference, but one
            // less when the previous label is a prefix of this one (it stops at its end).
            let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let len = if same == a.len() {
                same.saturating_sub(1)
            } else {
                same
            };
            common = common.min(len);
        }
        if common > 0 {
            for label in labels.iter_mut() {
                *label = label.get(common..).unwrap_or("").to_string();
            }
        }
    }

    /// Widens the columns and the index for `rows`, as snmptable does while collecting.
    pub fn measure(&mut self, rows: &[Row]) {
        for row in rows {
            self.index_width = self.index_width.max(row.index.len());
            for (w, cell) in self.widths.iter_mut().zip(&row.cells) {
                if let Some(c) = cell {
                    *w = (*w).max(c.len());
                }
            }
        }
    }

    /// Prints one batch of rows (`print_table`): the title and header line only the first
    /// time, parts as `-Cw` requires.
    pub fn print<W: Write + ?Sized>(&mut self, out: &mut W, rows: &[Row]) -> io::Result<()> {
        let l = &self.layout;
        let first = self.first_pass;
        if !l.no_headers && !l.headers_only && first {
            writeln!(out, "SNMP table: {}\n", self.name)?;
        }
        let cw = l.column_width.saturating_sub(1);
        let fields = self.labels.len();
        let mut last_field = 0;
        let mut part = 0;
        while last_field != fields {
            part += 1;
            if part != 1 && !l.no_headers {
                writeln!(out, "\nSNMP table {}, part {part}\n", self.name)?;
            }
            let first_field = last_field;
            let mut width;
            if l.show_index && !l.no_headers && l.column_width == 0 && first {
                width = self.index_width;
                self.index_cell(out, "index")?;
            } else {
                width = 0;
            }
            let mut field = first_field;
            while field < fields {
                if l.max_width > 0 {
                    if l.column_width > 0 {
                        if !l.no_headers && first {
                            width += cw + 1;
                            if field != first_field && width > l.max_width {
                                out.write_all(b"\n")?;
                                width = cw + 1;
                            }
                        }
                    } else {
                        width += self.widths[field] + 1;
                        if field != first_field && width > l.max_width {
                            break;
                        }
                    }
                }
                if !l.no_headers && first {
                    self.cell(out, field, &self.labels[field])?;
                }
                field += 1;
            }
            last_field = field;
            if !l.no_headers && first {
                out.write_all(b"\n")?;
            }
            for row in rows {
                let mut width = 0;
                if l.show_index {
                    if l.column_width == 0 {
                        width = self.index_width;
                    }
                    self.index_cell(out, &row.index)?;
                }
                for field in first_field..last_field {
                    if l.column_width > 0 && l.max_width > 0 {
                        width += cw + 1;
                        if field != first_field && width > l.max_width {
                            out.write_all(b"\n")?;
                            width = cw + 1;
                        }
                    }
                    let text = row.cells.get(field).and_then(Option::as_deref);
                    self.cell(out, field, text.unwrap_or("?"))?;
                }
                out.write_all(b"\n")?;
            }
        }
        self.first_pass = false;
        Ok(())
    }

    /// One field in the column's format (`column[field].fmt`).
    fn cell<W: Write + ?Sized>(&self, out: &mut W, field: usize, text: &str) -> io::Result<()> {
        let l = &self.layout;
        if l.column_width > 0 {
            let cw = l.column_width - 1;
            return pad(out, truncate(text, cw), cw + 1, l.left);
        }
        match &l.separator {
            None => pad(out, text, self.widths[field] + 1, l.left),
            Some(_) if field == 0 && !l.show_index => out.write_all(text.as_bytes()),
            Some(sep) => {
                out.write_all(sep.as_bytes())?;
                out.write_all(text.as_bytes())
            }
        }
    }

    /// The index in its format (`index_fmt`).
    fn index_cell<W: Write + ?Sized>(&self, out: &mut W, text: &str) -> io::Result<()> {
        let l = &self.layout;
        if l.column_width > 0 {
            write!(out, "\nindex: {text}\n")
        } else if l.separator.is_none() {
            pad(out, text, self.index_width, l.left)
        } else {
            out.write_all(text.as_bytes())
        }
    }
}

/// `printf("%*s")` / `printf("%-*s")`: padded to `width` bytes.
fn pad<W: Write + ?Sized>(out: &mut W, text: &str, width: usize, left: bool) -> io::Result<()> {
    let fill = width.saturating_sub(text.len());
    if !left {
        out.write_all(&b" ".repeat(fill))?;
    }
    out.write_all(text.as_bytes())?;
    if left {
        out.write_all(&b" ".repeat(fill))?;
    }
    Ok(())
}

/// `printf("%.Ns")`: at most `n` bytes (cut back to a character boundary).
fn truncate(text: &str, n: usize) -> &str {
    if text.len() <= n {
        return text;
    }
    let mut end = n;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        vec![
            Row {
                index: "1".into(),
                cells: vec![Some("1".into()), Some("lo".into()), Some("up".into())],
            },
            Row {
                index: "10".into(),
                cells: vec![Some("10".into()), Some("eth0".into()), None],
            },
        ]
    }

    fn render(layout: Layout) -> String {
        let labels = vec!["ifIndex".into(), "ifDescr".into(), "ifOperStatus".into()];
        let mut g = Grid::new("IF-MIB::ifTable".into(), labels, layout);
        let rows = rows();
        g.measure(&rows);
        let mut out = Vec::new();
        g.print(&mut out, &rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn default_layout() {
        assert_eq!(
            render(Layout::default()),
            "SNMP table: IF-MIB::ifTable\n\n ifIndex ifDescr ifOperStatus\n       1      lo           up\n      10    eth0            ?\n"
        );
    }

    #[test]
    fn separator_index_and_left() {
        assert_eq!(
            render(Layout {
                separator: Some(",".into()),
                show_index: true,
                ..Layout::default()
            }),
            "SNMP table: IF-MIB::ifTable\n\nindex,ifIndex,ifDescr,ifOperStatus\n1,1,lo,up\n10,10,eth0,?\n"
        );
        assert_eq!(
            render(Layout {
                left: true,
                no_headers: true,
                ..Layout::default()
            }),
            "1       lo      up           \n10      eth0    ?            \n"
        );
    }

    #[test]
    fn parts_and_fixed_columns() {
        assert_eq!(
            render(Layout {
                max_width: 18,
                ..Layout::default()
            }),
            "SNMP table: IF-MIB::ifTable\n\n ifIndex ifDescr\n       1      lo\n      10    eth0\n\nSNMP table IF-MIB::ifTable, part 2\n\n ifOperStatus\n           up\n            ?\n"
        );
        assert_eq!(
            render(Layout {
                column_width: 5,
                show_index: true,
                ..Layout::default()
            }),
            "SNMP table: IF-MIB::ifTable\n\n ifIn ifDe ifOp\n\nindex: 1\n    1   lo   up\n\nindex: 10\n   10 eth0    ?\n"
        );
    }

    #[test]
    fn brief_labels_drop_the_common_prefix() {
        let mut labels: Vec<String> = vec!["ifIndex".into(), "ifDescr".into(), "ifType".into()];
        Grid::brief(&mut labels);
        assert_eq!(labels, ["Index", "Descr", "Type"]);
    }
}
