//! The table view: any conceptual table of the loaded MIBs, opened from the browser (`t` on
//! a table, row or column) or by name (`o`), read with a lock-step GetBulk walk of its
//! columns. INDEX components come first, decoded; a column cursor picks what `s` sorts by;
//! `/` filters, `c` picks the columns shown, `E` exports what is shown to CSV or JSON
//! (a path ending in `.json` gives JSON), Enter shows one row whole.

pub mod model;

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use self::model::TableModel;
use super::filter::Filter;
use super::overlays::{Outcome, Prompt};
use crate::mib::NodeId;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::input::TextInput;
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::{Failure, PollSpec, Reply, RequestId, RequestSpec};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// The popups of the view.
enum Popup {
    /// `o`: a table by name.
    Open(Prompt),
    /// `E`: where to export.
    Export(Prompt),
    /// `c`: which columns are shown.
    Columns(ListCursor),
    /// Enter: one row, every column.
    Row(usize),
}

pub struct TableView {
    model: Option<TableModel>,
    /// Rows shown (indexes into the model's rows), filtered and sorted.
    order: Vec<usize>,
    cursor: ListCursor,
    /// The column the cursor is on (an index into the model's columns).
    column: usize,
    /// The first non-index column drawn (horizontal scroll).
    scroll: usize,
    sort: Option<(usize, bool)>,
    filter: Filter,
    popup: Option<Popup>,
    pending: Option<RequestId>,
    export: Option<(RequestId, String, usize)>,
    fetched: Option<std::time::Duration>,
    error: Option<SafeText>,
}

impl Default for TableView {
    fn default() -> Self {
        TableView::new()
    }
}

/// Widest a column gets before its text is cut.
const MAX_WIDTH: usize = 32;

impl TableView {
    pub fn new() -> TableView {
        TableView {
            model: None,
            order: Vec::new(),
            cursor: ListCursor::default(),
            column: 0,
            scroll: 0,
            sort: None,
            filter: Filter::default(),
            popup: None,
            pending: None,
            export: None,
            fetched: None,
            error: None,
        }
    }

    /// Shows the table `node` is, or is in, and reads it.
    fn open(&mut self, node: NodeId, ctx: &mut Ctx<'_>) {
        let mib = ctx.shared.mib.clone();
        match TableModel::new(&mib, node) {
            Ok(model) => {
                if let Some(id) = self.pending.take() {
                    ctx.cancel(id);
                }
                *self = TableView {
                    model: Some(model),
                    ..TableView::new()
                };
                self.fetch(ctx);
            }
            Err(e) => ctx.error(e.to_string()),
        }
    }

    fn fetch(&mut self, ctx: &mut Ctx<'_>) {
        let Some(model) = &self.model else { return };
        if let Some(id) = self.pending.take() {
            ctx.cancel(id);
        }
        let spec = RequestSpec::Poll(PollSpec {
            scalars: Vec::new(),
            columns: model.fetch_columns(),
            max_repetitions: 10,
        });
        if let Ok(id) = ctx.request(format!("table {}", model.title), spec) {
            self.pending = Some(id);
        }
    }

    fn reorder(&mut self, height: usize) {
        let Some(model) = &self.model else {
            self.order.clear();
            return;
        };
        let keep = self.order.get(self.cursor.selected).copied();
        self.order = model.view(&self.filter.needle(), self.sort);
        let at = keep
            .and_then(|k| self.order.iter().position(|i| *i == k))
            .unwrap_or(self.cursor.selected);
        self.cursor.select(at, self.order.len(), height);
    }

    /// Columns shown, and each one's width from its header and the rows on screen.
    fn widths(&self, model: &TableModel, height: usize) -> Vec<(usize, usize)> {
        let offset = self.cursor.offset_for(height);
        let visible: Vec<usize> = self
            .order
            .iter()
            .skip(offset)
            .take(height)
            .copied()
            .collect();
        model
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.shown)
            .map(|(i, c)| {
                let cells = visible.iter().filter_map(|r| {
                    model.rows[*r].cells[i]
                        .as_ref()
                        .map(|x| x.text.as_str().chars().count())
                });
                let w = cells
                    .chain([c.name.chars().count() + 1])
                    .max()
                    .unwrap_or(4)
                    .min(MAX_WIDTH);
                (i, w)
            })
            .collect()
    }

    /// The columns drawn in `width`: the index columns, then from `scroll` on.
    fn drawn(&self, model: &TableModel, width: usize, height: usize) -> Vec<(usize, usize)> {
        let all = self.widths(model, height);
        let mut out = Vec::new();
        let mut used = 0;
        let mut others = 0;
        for (i, w) in all {
            let is_index = model.columns[i].is_index;
            if !is_index {
                others += 1;
                if others <= self.scroll {
                    continue;
                }
            }
            if used + w + 1 > width && !out.is_empty() {
                break;
            }
            used += w + 1;
            out.push((i, w));
        }
        out
    }

    /// Moves the column cursor, scrolling so it stays drawn.
    fn move_column(&mut self, right: bool, width: usize, height: usize) {
        let Some(model) = &self.model else { return };
        let shown: Vec<usize> = (0..model.columns.len())
            .filter(|c| model.columns[*c].shown)
            .collect();
        let Some(pos) = shown.iter().position(|c| *c == self.column).or(Some(0)) else {
            return;
        };
        let next = if right {
            (pos + 1).min(shown.len().saturating_sub(1))
        } else {
            pos.saturating_sub(1)
        };
        self.column = shown.get(next).copied().unwrap_or(0);
        // Scroll until the cursor's column is drawn.
        for _ in 0..shown.len() {
            let drawn = self.drawn(model, width, height);
            if drawn.iter().any(|(c, _)| *c == self.column) {
                break;
            }
            let first_other = drawn.iter().find(|(c, _)| !model.columns[*c].is_index);
            match first_other {
                Some((c, _)) if *c > self.column => self.scroll = self.scroll.saturating_sub(1),
                _ => self.scroll += 1,
            }
        }
    }

    fn popup_input(&mut self, input: &Input, ctx: &mut Ctx<'_>, height: usize) {
        let Some(mut popup) = self.popup.take() else {
            return;
        };
        let keep = match &mut popup {
            Popup::Open(p) => {
                p.handle(input, ctx);
                match std::mem::replace(&mut p.outcome, Outcome::Open) {
                    Outcome::Open => true,
                    Outcome::Cancelled => false,
                    Outcome::Chosen(text) => {
                        let mib = ctx.shared.mib.clone();
                        match mib.resolve(&text) {
                            Ok(r) => {
                                self.open(r.node, ctx);
                                false
                            }
                            Err(e) => {
                                p.error = Some(SafeText::new(&e.to_string()));
                                true
                            }
                        }
                    }
                }
            }
            Popup::Export(p) => {
                p.handle(input, ctx);
                match std::mem::replace(&mut p.outcome, Outcome::Open) {
                    Outcome::Open => true,
                    Outcome::Cancelled => false,
                    Outcome::Chosen(text) => match self.start_export(&text, ctx) {
                        Ok(()) => false,
                        Err(e) => {
                            p.error = Some(SafeText::new(&e));
                            true
                        }
                    },
                }
            }
            Popup::Columns(cursor) => self.pick_columns(input, cursor, height),
            Popup::Row(_) => !matches!(input, Input::Key(k)
                if keys::plain(k, KeyCode::Esc) || keys::plain(k, KeyCode::Enter) || keys::char(k, 'q')),
        };
        // Opening a table replaces the view's state; a popup it left stays closed.
        if keep && self.popup.is_none() {
            self.popup = Some(popup);
        }
    }

    /// The column picker's keys; false once it closes.
    fn pick_columns(&mut self, input: &Input, cursor: &mut ListCursor, height: usize) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let Input::Key(k) = input else { return true };
        let n = model.columns.len();
        if let Some(m) = Motion::of(k) {
            cursor.apply(m, n, height.saturating_sub(2));
        } else if keys::char(k, ' ') || keys::char(k, 'x') {
            let c = &mut model.columns[cursor.selected];
            c.shown = !c.shown;
            // One column at least stays.
            if model.columns.iter().all(|c| !c.shown) {
                model.columns[cursor.selected].shown = true;
            }
        } else if keys::plain(k, KeyCode::Enter)
            || keys::plain(k, KeyCode::Esc)
            || keys::char(k, 'c')
        {
            if !model.columns[self.column].shown {
                self.column = model.columns.iter().position(|c| c.shown).unwrap_or(0);
            }
            self.scroll = 0;
            self.reorder(height);
            return false;
        }
        true
    }

    /// Writes what is shown to `path` (JSON when it ends in `.json`, else CSV).
    fn start_export(&mut self, path: &str, ctx: &mut Ctx<'_>) -> Result<(), String> {
        let Some(model) = &self.model else {
            return Err("no table to export".into());
        };
        let path = path.trim();
        if path.is_empty() {
            return Err("give a file name, as ifTable.csv or ifTable.json".into());
        }
        let expanded = match path.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME")
                .map(|h| std::path::PathBuf::from(h).join(rest))
                .ok_or("~ needs $HOME")?,
            None => std::path::PathBuf::from(path),
        };
        let json = expanded
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let contents = if json {
            model.to_json(&self.order)
        } else {
            model.to_csv(&self.order)
        };
        let id = ctx.local(
            format!("export to {path}"),
            RequestSpec::WriteFile {
                path: expanded,
                contents,
            },
        );
        self.export = Some((id, path.to_string(), self.order.len()));
        Ok(())
    }

    fn key(&mut self, key: &crossterm::event::KeyEvent, ctx: &mut Ctx<'_>, area: Rect) -> Handled {
        let height = rows_area(area).height as usize;
        let width = usize::from(area.width);
        if let Some(changed) = self.filter.key(key) {
            if changed {
                self.reorder(height);
            }
            return Handled::Consumed;
        }
        if keys::char(key, 'o') {
            let mut p = Prompt::new("Open a table", "table: ");
            p.example =
                "a table, row or column: ifTable, IP-MIB::ipNetToMediaTable, hrStorageEntry";
            self.popup = Some(Popup::Open(p));
            return Handled::Consumed;
        }
        let Some(model) = &self.model else {
            return Handled::NotConsumed;
        };
        if let Some(m) = Motion::of(key) {
            self.cursor.apply(m, self.order.len(), height);
        } else if keys::plain(key, KeyCode::Left) || keys::char(key, 'h') {
            self.move_column(false, width, height);
        } else if keys::plain(key, KeyCode::Right) || keys::char(key, 'l') {
            self.move_column(true, width, height);
        } else if keys::char(key, 's') {
            let descending = match self.sort {
                Some((c, d)) if c == self.column => !d,
                _ => model.columns[self.column].numeric && !model.columns[self.column].is_index,
            };
            self.sort = Some((self.column, descending));
            self.reorder(height);
            self.cursor = ListCursor::default();
        } else if keys::char(key, 'S') {
            self.sort = None;
            self.reorder(height);
            self.cursor = ListCursor::default();
        } else if keys::char(key, '/') {
            self.filter.edit();
        } else if keys::char(key, 'c') {
            self.popup = Some(Popup::Columns(ListCursor::default()));
        } else if keys::char(key, 'E') {
            let short = model
                .title
                .rsplit("::")
                .next()
                .unwrap_or("table")
                .to_string();
            let mut p = Prompt::new("Export what is shown", "to: ");
            p.input = TextInput::with(&format!("{short}.csv"));
            p.example = "a path; .json gives JSON, anything else CSV";
            self.popup = Some(Popup::Export(p));
        } else if keys::char(key, 'r') {
            self.fetch(ctx);
        } else if keys::plain(key, KeyCode::Enter) {
            if let Some(r) = self.order.get(self.cursor.selected) {
                self.popup = Some(Popup::Row(*r));
            }
        } else if keys::plain(key, KeyCode::Esc) && self.filter.clear() {
            self.reorder(height);
        } else if keys::plain(key, KeyCode::Esc) && self.pending.is_some() {
            if let Some(id) = self.pending.take() {
                ctx.cancel(id);
                ctx.info("cancelled");
            }
        } else {
            return Handled::NotConsumed;
        }
        Handled::Consumed
    }

    fn summary(&self) -> Line<'static> {
        let Some(model) = &self.model else {
            return Line::from(Span::styled(
                "No table open: in the MIB browser select a table and press t, or press o here",
                theme::dim(),
            ));
        };
        let mut spans = vec![
            Span::styled(model.title.clone(), theme::title()),
            Span::raw(format!(": {} rows", model.rows.len())),
        ];
        let mut part = |text: String, style| {
            spans.push(Span::styled(" · ", theme::dim()));
            spans.push(Span::styled(text, style));
        };
        if !self.filter.text().is_empty() {
            part(
                format!(
                    "filter \"{}\": {}",
                    SafeText::new(self.filter.text()),
                    self.order.len()
                ),
                theme::warning(),
            );
        }
        if let Some((c, d)) = self.sort {
            let arrow = if d { "▼" } else { "▲" };
            part(
                format!("by {} {arrow}", model.columns[c].name),
                theme::tab(),
            );
        }
        let hidden = model.columns.iter().filter(|c| !c.shown).count();
        if hidden > 0 {
            part(format!("{hidden} columns hidden"), theme::dim());
        }
        if self.pending.is_some() {
            part("reading…".into(), theme::warning());
        } else if let Some(took) = self.fetched {
            part(format!("read in {} ms", took.as_millis()), theme::dim());
        }
        if let Some(e) = &self.error {
            part(e.to_string(), theme::error());
        }
        Line::from(spans)
    }

    fn draw_rows(&self, frame: &mut Frame, area: Rect) {
        let Some(model) = &self.model else { return };
        let [header, rows] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let height = usize::from(rows.height);
        let drawn = self.drawn(model, usize::from(area.width), height);
        let line = |cells: Vec<(String, ratatui::style::Style, bool)>| {
            let mut spans = Vec::new();
            for ((text, style, right), (_, w)) in cells.into_iter().zip(&drawn) {
                let t = widgets::fit(&text, *w);
                spans.push(Span::styled(
                    if right {
                        format!("{t:>w$} ")
                    } else {
                        format!("{t:<w$} ")
                    },
                    style,
                ));
            }
            Line::from(spans)
        };
        let heads = drawn
            .iter()
            .map(|(c, _)| {
                let col = &model.columns[*c];
                let mut name = col.name.clone();
                if let Some((s, d)) = self.sort {
                    if s == *c {
                        name.push(if d { '▼' } else { '▲' });
                    }
                }
                let style = if *c == self.column {
                    theme::selected()
                } else if col.is_index {
                    theme::table()
                } else {
                    theme::label()
                };
                (name, style, col.numeric)
            })
            .collect();
        frame.render_widget(Paragraph::new(line(heads)), header);
        if self.order.is_empty() {
            let text = if self.pending.is_some() {
                "reading the table…"
            } else if model.rows.is_empty() {
                "the agent has no rows in this table"
            } else {
                "no row matches the filter (Esc clears it)"
            };
            frame.render_widget(Paragraph::new(Span::styled(text, theme::dim())), rows);
            return;
        }
        let offset = self.cursor.offset_for(height);
        for (i, r) in self.order.iter().skip(offset).take(height).enumerate() {
            let row = &model.rows[*r];
            let cells = drawn
                .iter()
                .map(|(c, _)| {
                    let col = &model.columns[*c];
                    let style = if col.is_index {
                        theme::table()
                    } else {
                        ratatui::style::Style::new()
                    };
                    match &row.cells[*c] {
                        Some(cell) => (cell.text.to_string(), style, col.numeric),
                        None => ("".into(), theme::dim(), col.numeric),
                    }
                })
                .collect();
            let mut p = Paragraph::new(line(cells));
            if offset + i == self.cursor.selected {
                p = p.style(theme::selected_unfocused());
            }
            frame.render_widget(p, Rect::new(rows.x, rows.y + i as u16, rows.width, 1));
        }
        if self.order.len() > height {
            let pos = format!(" {}/{} ", self.cursor.selected + 1, self.order.len());
            let w = pos.chars().count() as u16;
            let r = Rect::new(
                area.right().saturating_sub(w),
                area.bottom().saturating_sub(1),
                w,
                1,
            );
            frame.render_widget(Paragraph::new(Span::styled(pos, theme::dim())), r);
        }
    }

    fn draw_popup(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let Some(popup) = &self.popup else { return };
        match popup {
            Popup::Open(p) | Popup::Export(p) => p.draw(frame, area, shared),
            Popup::Columns(cursor) => {
                let Some(model) = &self.model else { return };
                let lines: Vec<Line> = model
                    .columns
                    .iter()
                    .map(|c| {
                        let mark = if c.shown { "[x]" } else { "[ ]" };
                        let kind = if c.is_index { "  (index)" } else { "" };
                        Line::from(vec![
                            Span::raw(format!("{mark} {}", c.name)),
                            Span::styled(kind, theme::dim()),
                        ])
                    })
                    .collect();
                let w = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
                let r =
                    widgets::centered(area, w.max(30), (lines.len() as u16 + 2).min(area.height));
                frame.render_widget(ratatui::widgets::Clear, r);
                let block = widgets::block("Columns (Space shows/hides)", true);
                widgets::draw_list(frame, r, block, &lines, Some(cursor), true);
            }
            Popup::Row(r) => {
                let Some(model) = &self.model else { return };
                let row = &model.rows[*r];
                let label_w = model
                    .columns
                    .iter()
                    .map(|c| c.name.len())
                    .max()
                    .unwrap_or(8);
                let r = widgets::centered(
                    area,
                    area.width.saturating_sub(4),
                    area.height.saturating_sub(2),
                );
                let inner = widgets::popup(frame, r, &model.title);
                let value_w = usize::from(inner.width).saturating_sub(label_w + 1);
                let lines: Vec<Line> = model
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(c, cell)| {
                        let text = cell.as_ref().map_or(String::new(), |x| x.text.to_string());
                        Line::from(vec![
                            Span::styled(format!("{:<label_w$} ", c.name), theme::label()),
                            Span::raw(widgets::fit(&text, value_w)),
                        ])
                    })
                    .collect();
                frame.render_widget(Paragraph::new(lines), inner);
            }
        }
    }
}

/// Where the rows go (below the summary line and the header).
fn rows_area(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2),
    )
}

impl Component for TableView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let height = usize::from(rows_area(ctx.area).height);
        if self.popup.is_some() {
            self.popup_input(input, ctx, height);
            return Handled::Consumed;
        }
        match input {
            Input::Key(k) => self.key(k, ctx, ctx.area),
            Input::Paste(text) if self.filter.paste(text) => {
                self.reorder(height);
                Handled::Consumed
            }
            Input::Mouse(m) => {
                let rows = rows_area(ctx.area);
                let at = Position::new(m.column, m.row);
                if !rows.contains(at) {
                    return Handled::NotConsumed;
                }
                match m.kind {
                    MouseEventKind::ScrollDown => self.cursor.scroll(3, self.order.len(), height),
                    MouseEventKind::ScrollUp => self.cursor.scroll(-3, self.order.len(), height),
                    MouseEventKind::Down(MouseButton::Left) => {
                        let i = self.cursor.offset_for(height) + usize::from(m.row - rows.y);
                        if i < self.order.len() {
                            if i == self.cursor.selected {
                                self.popup = Some(Popup::Row(self.order[i]));
                            }
                            self.cursor.select(i, self.order.len(), height);
                        }
                    }
                    _ => return Handled::NotConsumed,
                }
                Handled::Consumed
            }
            Input::Paste(_) => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        match &self.popup {
            Some(Popup::Open(p) | Popup::Export(p)) => return p.hints(out),
            Some(Popup::Columns(_)) => {
                out.extend([
                    KeyHint::bar("Space", "show/hide"),
                    KeyHint::bar("Enter", "done"),
                ]);
                return;
            }
            Some(Popup::Row(_)) => {
                out.push(KeyHint::bar("Esc", "close"));
                return;
            }
            None => {}
        }
        if self.filter.editing {
            Filter::hints(out);
            return;
        }
        if self.model.is_some() {
            out.extend([
                KeyHint::bar("←→", "column"),
                KeyHint::bar("s", "sort"),
                KeyHint::bar("/", "filter"),
                KeyHint::bar("c", "columns"),
                KeyHint::bar("E", "export"),
                KeyHint::bar("r", "read again"),
                KeyHint::help("S", "agent's order (no sort)"),
                KeyHint::help("Enter", "the row, every column"),
                KeyHint::help("h/l", "column left / right"),
            ]);
        }
        out.push(KeyHint::bar("o", "open table"));
        out.extend(Motion::HINTS);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let [summary, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let line = if self.filter.editing {
            self.filter.line()
        } else {
            self.summary()
        };
        frame.render_widget(Paragraph::new(line), summary);
        self.draw_rows(frame, body);
        self.draw_popup(frame, area, shared);
    }
}

impl View for TableView {
    fn for_one_agent(&self) -> bool {
        true
    }

    fn id(&self) -> ViewId {
        ViewId::Table
    }

    fn title(&self) -> &str {
        "Table"
    }

    fn modal(&self) -> bool {
        self.filter.editing || self.popup.is_some()
    }

    fn browse(&mut self, node: NodeId, ctx: &mut Ctx<'_>) {
        self.open(node, ctx);
    }

    fn on_reply(&mut self, id: RequestId, reply: Reply, ctx: &mut Ctx<'_>) {
        if let Some((export, path, rows)) = &self.export {
            if *export == id {
                match reply {
                    Reply::Done { .. } => ctx.info(format!("wrote {rows} rows to {path}")),
                    Reply::Failed(f) => ctx.error(f.to_string()),
                    _ => {}
                }
                self.export = None;
                return;
            }
        }
        if self.pending != Some(id) {
            return;
        }
        self.pending = None;
        match reply {
            Reply::Polled { columns, took, .. } => {
                if let Some(model) = self.model.as_mut() {
                    model.fill(&columns, &ctx.shared.loaded.names);
                    ctx.info(format!(
                        "{}: {} rows ({:.2} s)",
                        model.title,
                        model.rows.len(),
                        took.as_secs_f64()
                    ));
                }
                self.fetched = Some(took);
                self.error = None;
                let height = usize::from(rows_area(ctx.area).height);
                self.reorder(height);
            }
            Reply::Failed(Failure::Cancelled) => {}
            Reply::Failed(f) => {
                let text = SafeText::new(&f.to_string());
                ctx.error(format!("reading the table failed: {text}"));
                self.error = Some(text);
            }
            _ => {}
        }
    }

    fn on_leave(&mut self) {
        self.pending = None;
    }
}
