//! The interfaces view (the demo's main screen): ifTable joined with ifXTable, polled at an
//! interval while the view is shown, rates from `monitor::interfaces` (wraps counted, resets
//! and discontinuities shown as gaps), sorted by any column, filtered by text, in bits or
//! bytes, paused at will, with a detail pane of one interface's history.
//!
//! Only the rows on screen are drawn: 1,000 interfaces cost what 20 do.

mod columns;
mod detail;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use self::columns::{Col, SORTABLE};
use super::filter::Filter;
use crate::monitor::interfaces::{IfIndex, IfStatus, InterfaceTable};
use crate::monitor::units::RateUnit;
use crate::proto::{Oid, Value};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::{Failure, PollSpec, Reply, RequestId, RequestSpec};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// sysUpTime.0: fetched with every poll, the clock the agent's counters count against.
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];

/// The intervals `+` and `-` step through.
const INTERVALS: [u64; 7] = [1, 2, 5, 10, 15, 30, 60];

/// Polls kept per interface (at 2 s, five minutes).
pub const HISTORY: usize = 150;

pub struct InterfacesView {
    table: InterfaceTable,
    /// The rows shown: filtered, then sorted.
    order: Vec<IfIndex>,
    cursor: ListCursor,
    sort: Col,
    descending: bool,
    filter: Filter,
    unit: RateUnit,
    paused: bool,
    interval: Duration,
    pending: Option<RequestId>,
    /// When the last poll was sent.
    last_poll: Option<Instant>,
    last_took: Option<Duration>,
    error: Option<SafeText>,
    detail: bool,
    connected: bool,
}

/// Where the parts of the view are.
struct Areas {
    summary: Rect,
    header: Rect,
    rows: Rect,
    detail: Option<Rect>,
}

impl InterfacesView {
    pub fn new(connected: bool, interval: Duration) -> InterfacesView {
        InterfacesView {
            table: InterfaceTable::new(HISTORY),
            order: Vec::new(),
            cursor: ListCursor::default(),
            sort: Col::Index,
            descending: false,
            filter: Filter::default(),
            unit: RateUnit::Bits,
            paused: false,
            interval,
            pending: None,
            last_poll: None,
            last_took: None,
            error: None,
            detail: false,
            connected,
        }
    }

    fn areas(&self, body: Rect) -> Areas {
        let detail_h = if self.detail {
            (body.height / 2).max(8).min(body.height.saturating_sub(5))
        } else {
            0
        };
        let [summary, header, rows, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(detail_h),
        ])
        .areas(body);
        Areas {
            summary,
            header,
            rows,
            detail: (detail_h > 0).then_some(detail),
        }
    }

    /// The interface under the cursor.
    fn selected(&self) -> Option<IfIndex> {
        self.order.get(self.cursor.selected).copied()
    }

    /// Filters and sorts again, keeping the cursor on the same interface.
    fn reorder(&mut self, height: usize) {
        let keep = self.selected();
        let needle = self.filter.needle();
        let mut order: Vec<IfIndex> = self
            .table
            .rows
            .values()
            .filter(|r| {
                needle.is_empty() || {
                    let (status, _) = columns::status(r);
                    [
                        r.name.as_str(),
                        r.descr.as_str(),
                        r.alias.as_str(),
                        status.as_str(),
                    ]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&needle))
                        || r.index.0.to_string() == needle
                }
            })
            .map(|r| r.index)
            .collect();
        let sort = self.sort;
        let rows = &self.table.rows;
        order.sort_by(|a, b| {
            let by = sort.compare(&rows[a], &rows[b]);
            if self.descending { by.reverse() } else { by }
        });
        self.order = order;
        let at = keep
            .and_then(|k| self.order.iter().position(|i| *i == k))
            .unwrap_or(self.cursor.selected);
        self.cursor.select(at, self.order.len(), height);
    }

    fn sort_by(&mut self, col: Col, height: usize) {
        if self.sort == col {
            self.descending = !self.descending;
        } else {
            self.sort = col;
            self.descending = col.descending_by_default();
        }
        self.reorder(height);
        self.cursor = ListCursor::default();
    }

    fn due(&self, now: Instant) -> bool {
        self.connected
            && !self.paused
            && self.pending.is_none()
            && self
                .last_poll
                .is_none_or(|t| now.saturating_duration_since(t) >= self.interval)
    }

    fn poll(&mut self, ctx: &mut Ctx<'_>) -> bool {
        if !self.due(ctx.shared.now) {
            return false;
        }
        let spec = RequestSpec::Poll(PollSpec {
            scalars: vec![Oid::from(&SYS_UPTIME[..])],
            columns: self.table.poll_columns(),
            max_repetitions: 16,
        });
        match ctx.poll("poll IF-MIB::ifTable + ifXTable", spec) {
            Ok(id) => {
                self.pending = Some(id);
                self.last_poll = Some(ctx.shared.now);
                true
            }
            Err(_) => false,
        }
    }

    fn set_interval(&mut self, faster: bool, ctx: &mut Ctx<'_>) {
        let now = self.interval.as_secs();
        let next = if faster {
            INTERVALS.iter().rev().find(|s| **s < now)
        } else {
            INTERVALS.iter().find(|s| **s > now)
        };
        if let Some(s) = next {
            self.interval = Duration::from_secs(*s);
        }
        ctx.info(format!("polling every {} s", self.interval.as_secs()));
    }

    fn key(
        &mut self,
        key: &crossterm::event::KeyEvent,
        ctx: &mut Ctx<'_>,
        height: usize,
    ) -> Handled {
        if let Some(changed) = self.filter.key(key) {
            if changed {
                self.reorder(height);
            }
            return Handled::Consumed;
        }
        if let Some(m) = Motion::of(key) {
            self.cursor.apply(m, self.order.len(), height);
        } else if keys::char(key, '/') {
            self.filter.edit();
        } else if keys::char(key, 's') || keys::char(key, 'S') {
            let i = SORTABLE.iter().position(|c| *c == self.sort).unwrap_or(0);
            let n = SORTABLE.len();
            let next = if keys::char(key, 's') {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            self.sort = SORTABLE[next];
            self.descending = self.sort.descending_by_default();
            self.reorder(height);
            self.cursor = ListCursor::default();
        } else if keys::char(key, 'I') {
            self.descending = !self.descending;
            self.reorder(height);
            self.cursor = ListCursor::default();
        } else if keys::char(key, 'b') {
            self.unit = self.unit.toggled();
        } else if keys::char(key, 'p') || keys::char(key, ' ') {
            self.paused = !self.paused;
            if self.paused {
                if let Some(id) = self.pending.take() {
                    ctx.cancel(id);
                }
                // What comes after the pause is no rate over the pause.
                self.table.interrupt();
                ctx.info("paused: p resumes");
            } else {
                ctx.info("resumed");
                self.poll(ctx);
            }
        } else if keys::char(key, '+') {
            self.set_interval(true, ctx);
        } else if keys::char(key, '-') {
            self.set_interval(false, ctx);
        } else if keys::plain(key, KeyCode::Enter) {
            self.detail = !self.detail;
        } else if keys::plain(key, KeyCode::Esc) && self.detail {
            self.detail = false;
        } else if keys::plain(key, KeyCode::Esc) && self.filter.clear() {
            self.reorder(height);
        } else {
            return Handled::NotConsumed;
        }
        Handled::Consumed
    }

    fn mouse(&mut self, m: &crossterm::event::MouseEvent, areas: &Areas) -> Handled {
        let at = Position::new(m.column, m.row);
        let height = usize::from(areas.rows.height);
        match m.kind {
            MouseEventKind::ScrollDown if areas.rows.contains(at) => {
                self.cursor.scroll(3, self.order.len(), height);
            }
            MouseEventKind::ScrollUp if areas.rows.contains(at) => {
                self.cursor.scroll(-3, self.order.len(), height);
            }
            MouseEventKind::Down(MouseButton::Left) if areas.header.contains(at) => {
                let x = m.column - areas.header.x;
                let hit = columns::layout(areas.header.width)
                    .into_iter()
                    .find(|(c, cx, w)| (*cx..cx + w).contains(&x) && *c != Col::Trend);
                if let Some((col, _, _)) = hit {
                    self.sort_by(col, height);
                }
            }
            MouseEventKind::Down(MouseButton::Left) if areas.rows.contains(at) => {
                let offset = self.cursor.offset_for(height);
                let i = offset + usize::from(m.row - areas.rows.y);
                if i < self.order.len() {
                    if i == self.cursor.selected {
                        self.detail = !self.detail;
                    }
                    self.cursor.select(i, self.order.len(), height);
                }
            }
            _ => return Handled::NotConsumed,
        }
        Handled::Consumed
    }

    fn summary_line(&self, now: Instant) -> Line<'static> {
        let total = self.table.rows.len();
        let up = self
            .table
            .rows
            .values()
            .filter(|r| r.oper == Some(IfStatus::Up))
            .count();
        let mut spans = vec![
            Span::styled(format!("{total} interfaces"), theme::title()),
            Span::raw(format!(", {up} up")),
        ];
        let mut part = |text: String, style| {
            spans.push(Span::styled(" · ", theme::dim()));
            spans.push(Span::styled(text, style));
        };
        if !self.filter.text().is_empty() || self.filter.editing {
            part(
                format!(
                    "filter \"{}\": {}",
                    SafeText::new(self.filter.text()),
                    self.order.len()
                ),
                theme::warning(),
            );
        }
        let arrow = if self.descending { "▼" } else { "▲" };
        part(
            format!("by {} {arrow}", self.sort.header(self.unit)),
            theme::tab(),
        );
        if self.paused {
            part("PAUSED".into(), theme::changed());
        } else {
            part(format!("every {} s", self.interval.as_secs()), theme::dim());
        }
        if let Some(took) = self.last_took {
            part(format!("poll {} ms", took.as_millis()), theme::dim());
        } else if self.pending.is_some() {
            let waited = self
                .last_poll
                .map_or(0.0, |t| now.saturating_duration_since(t).as_secs_f64());
            part(format!("first poll… {waited:.1} s"), theme::dim());
        }
        if let Some(e) = &self.error {
            part(e.to_string(), theme::error());
        }
        Line::from(spans)
    }

    fn draw_table(&self, frame: &mut Frame, areas: &Areas) {
        let layout = columns::layout(areas.header.width);
        let line_of = |cells: Vec<(String, ratatui::style::Style)>| {
            let mut spans = Vec::with_capacity(cells.len() * 2);
            for ((text, style), (col, _, w)) in cells.into_iter().zip(&layout) {
                let w = usize::from(*w);
                let text = widgets::fit(&text, w);
                let padded = if col.numeric() {
                    format!("{text:>w$} ")
                } else {
                    format!("{text:<w$} ")
                };
                spans.push(Span::styled(padded, style));
            }
            Line::from(spans)
        };
        let header = layout
            .iter()
            .map(|(c, _, _)| {
                let mut h = c.header(self.unit);
                if *c == self.sort {
                    h.push(if self.descending { '▼' } else { '▲' });
                }
                let style = if *c == self.sort {
                    theme::changed()
                } else {
                    theme::label()
                };
                (h, style)
            })
            .collect();
        frame.render_widget(Paragraph::new(line_of(header)), areas.header);
        let height = usize::from(areas.rows.height);
        if self.order.is_empty() {
            let text = if !self.connected {
                "not connected: `mibscope tui AGENT` (or `mibscope demo`) polls an agent's interfaces"
            } else if self.table.polls() == 0 {
                "waiting for the first poll…"
            } else if self.table.rows.is_empty() {
                "the agent has no ifTable rows"
            } else {
                "no interface matches the filter (Esc clears it)"
            };
            frame.render_widget(Paragraph::new(Span::styled(text, theme::dim())), areas.rows);
            return;
        }
        let offset = self.cursor.offset_for(height);
        for (i, index) in self.order.iter().skip(offset).take(height).enumerate() {
            let row = &self.table.rows[index];
            let cells = layout
                .iter()
                .map(|(c, _, w)| c.cell(row, self.unit, *w))
                .collect();
            let mut p = Paragraph::new(line_of(cells));
            if offset + i == self.cursor.selected {
                p = p.style(theme::selected());
            }
            let r = Rect::new(areas.rows.x, areas.rows.y + i as u16, areas.rows.width, 1);
            frame.render_widget(p, r);
        }
        if self.order.len() > height {
            let pos = format!(" {}/{} ", self.cursor.selected + 1, self.order.len());
            let w = pos.chars().count() as u16;
            if areas.summary.width > w {
                let r = Rect::new(areas.summary.right() - w, areas.summary.y, w, 1);
                frame.render_widget(Paragraph::new(Span::styled(pos, theme::dim())), r);
            }
        }
    }
}

impl Component for InterfacesView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let areas = self.areas(ctx.area);
        let height = usize::from(areas.rows.height);
        match input {
            Input::Key(key) => self.key(key, ctx, height),
            Input::Mouse(m) => self.mouse(m, &areas),
            Input::Paste(text) if self.filter.paste(text) => {
                self.reorder(height);
                Handled::Consumed
            }
            Input::Paste(_) => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if self.filter.editing {
            Filter::hints(out);
            return;
        }
        out.extend([
            KeyHint::bar("s", "sort"),
            KeyHint::bar("/", "filter"),
            KeyHint::bar("Enter", "details"),
            KeyHint::bar("b", "bits/bytes"),
            KeyHint::bar("p", "pause"),
            KeyHint::bar("+-", "interval"),
            KeyHint::help("S", "sort by the previous column"),
            KeyHint::help("I", "invert the order"),
            KeyHint::help("click a header", "sort by it (again: reverse)"),
            KeyHint::help("Space", "pause / resume"),
            KeyHint::help("Esc", "close the details, clear the filter"),
        ]);
        out.extend(Motion::HINTS);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let areas = self.areas(area);
        let mut summary = self.summary_line(shared.now);
        if self.filter.editing {
            summary = self.filter.line();
        }
        frame.render_widget(Paragraph::new(summary), areas.summary);
        self.draw_table(frame, &areas);
        if let (Some(r), Some(index)) = (areas.detail, self.selected()) {
            let mib = shared.mib.clone();
            detail::draw(
                frame,
                r,
                &self.table.rows[&index],
                self.table.uptime(),
                &mib,
                self.unit,
            );
        }
    }
}

impl View for InterfacesView {
    fn for_one_agent(&self) -> bool {
        true
    }

    fn id(&self) -> ViewId {
        ViewId::Interfaces
    }

    fn title(&self) -> &str {
        "Interfaces"
    }

    fn modal(&self) -> bool {
        self.filter.editing
    }

    /// Names come from `Shared` at each draw: the rates and their history stay.
    fn survives_mib_reload(&self) -> bool {
        true
    }

    fn on_reply(&mut self, id: RequestId, reply: Reply, ctx: &mut Ctx<'_>) {
        if self.pending != Some(id) {
            return;
        }
        self.pending = None;
        match reply {
            Reply::Polled {
                scalars,
                columns,
                took,
            } => {
                let uptime = scalars.iter().find_map(|vb| match vb.value {
                    Value::TimeTicks(t) if vb.oid.arcs() == SYS_UPTIME => Some(t),
                    _ => None,
                });
                self.table.update(&columns, uptime, ctx.shared.now);
                self.last_took = Some(took);
                self.error = None;
                let height = usize::from(self.areas(ctx.area).rows.height);
                self.reorder(height);
            }
            Reply::Failed(Failure::Cancelled) => {}
            Reply::Failed(f) => {
                let text = SafeText::new(&format!("poll failed: {f}"));
                ctx.error(text.as_str());
                self.error = Some(text);
                // The next poll's rates would span the failure: start afresh.
                self.table.interrupt();
            }
            _ => {}
        }
    }

    fn on_tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        self.poll(ctx)
    }

    fn on_enter(&mut self, ctx: &mut Ctx<'_>) {
        self.poll(ctx);
    }

    fn on_leave(&mut self) {
        self.pending = None;
        // Nothing is polled while the view is not shown: no rate across that time.
        self.table.interrupt();
        self.last_poll = None;
    }
}

#[cfg(test)]
impl InterfacesView {
    /// The table, for tests that feed polls directly.
    pub fn table_mut(&mut self) -> &mut InterfaceTable {
        &mut self.table
    }

    pub fn refresh_order(&mut self, height: usize) {
        self.reorder(height);
    }
}
