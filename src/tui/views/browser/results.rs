//! The results pane: one result set per request (get, getnext, walk, set, watch), kept as a
//! history to page through with `[` and `]`. Each set shows its rows (name, type, value,
//! and for a watch the change and rate since the last poll) and how the request went.

use std::time::{Duration, Instant};

use crossterm::event::{MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::watch::{Change, Watch};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::{RequestId, ResultRow};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// How many result sets the history keeps.
const HISTORY: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    Running,
    Done(Duration),
    Failed(SafeText),
    Cancelled,
}

#[derive(Debug)]
pub struct ResultSet {
    pub title: String,
    pub request: Option<RequestId>,
    pub state: RunState,
    pub rows: Vec<ResultRow>,
    /// Rows of the poll in progress (a watch keeps showing the last complete poll).
    incoming: Vec<ResultRow>,
    pub watch: Option<Watch>,
    pub cursor: ListCursor,
}

impl ResultSet {
    pub fn new(title: String, request: Option<RequestId>, watch: Option<Watch>) -> ResultSet {
        ResultSet {
            title,
            request,
            state: RunState::Running,
            rows: Vec::new(),
            incoming: Vec::new(),
            watch,
            cursor: ListCursor::default(),
        }
    }

    /// Rows of a request still going on.
    pub fn extend(&mut self, rows: Vec<ResultRow>) {
        if self.watch.is_some() {
            self.incoming.extend(rows);
        } else {
            self.rows.extend(rows);
        }
    }

    /// The last rows arrived at `now`.
    pub fn finish(&mut self, rows: Vec<ResultRow>, took: Duration, now: Instant) {
        self.extend(rows);
        self.request = None;
        self.state = RunState::Done(took);
        if let Some(w) = self.watch.as_mut() {
            self.rows = std::mem::take(&mut self.incoming);
            w.record(&self.rows, now);
        }
    }

    pub fn fail(&mut self, message: SafeText, cancelled: bool) {
        self.request = None;
        self.incoming.clear();
        self.state = if cancelled {
            RunState::Cancelled
        } else {
            RunState::Failed(message)
        };
    }

    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.rows.get(self.cursor.selected)
    }
}

#[derive(Default)]
pub struct ResultsPane {
    pub sets: Vec<ResultSet>,
    pub current: usize,
    pub focused: bool,
}

fn rate_text(change: Option<&Change>) -> (String, String) {
    match change {
        Some(Change::Delta { delta, rate }) => (
            format!("{delta:+}"),
            rate.map_or(String::new(), |r| format!("{r:.1}/s")),
        ),
        Some(Change::Reset) => ("reset".into(), String::new()),
        Some(Change::Changed) => ("changed".into(), String::new()),
        Some(Change::None) | None => (String::new(), String::new()),
    }
}

impl ResultsPane {
    /// Adds a result set and shows it.
    pub fn push(&mut self, set: ResultSet) {
        self.sets.push(set);
        if self.sets.len() > HISTORY {
            self.sets.remove(0);
        }
        self.current = self.sets.len() - 1;
    }

    pub fn current(&self) -> Option<&ResultSet> {
        self.sets.get(self.current)
    }

    pub fn current_mut(&mut self) -> Option<&mut ResultSet> {
        self.sets.get_mut(self.current)
    }

    /// The set a request fills.
    pub fn by_request(&mut self, id: RequestId) -> Option<&mut ResultSet> {
        self.sets.iter_mut().find(|s| s.request == Some(id))
    }

    /// The watch being shown, if the current set is one.
    pub fn watch_mut(&mut self) -> Option<&mut ResultSet> {
        self.current_mut().filter(|s| s.watch.is_some())
    }

    fn title(&self) -> String {
        let Some(set) = self.current() else {
            return "Results".into();
        };
        let state = match &set.state {
            RunState::Running => "running…".to_string(),
            RunState::Done(took) => {
                format!(
                    "{} row{} in {:.2} s",
                    set.rows.len(),
                    if set.rows.len() == 1 { "" } else { "s" },
                    took.as_secs_f64()
                )
            }
            RunState::Failed(_) => "failed".into(),
            RunState::Cancelled => "cancelled".into(),
        };
        let watch = set.watch.as_ref().map_or(String::new(), |w| {
            format!(
                " · every {:.1} s, poll {}",
                w.interval.as_secs_f64(),
                w.polls
            )
        });
        format!(
            "Results {}/{} · {} · {state}{watch}",
            self.current + 1,
            self.sets.len(),
            set.title
        )
    }

    fn lines(&self, set: &ResultSet, width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let RunState::Failed(msg) = &set.state {
            for l in widgets::wrap(msg.as_str(), width) {
                lines.push(Line::from(Span::styled(l, theme::error())));
            }
        }
        let name_w = set
            .rows
            .iter()
            .map(|r| r.name.as_str().chars().count())
            .max()
            .unwrap_or(0)
            .min(width / 2);
        let watching = set.watch.as_ref();
        for row in &set.rows {
            let mut spans = vec![
                Span::raw(format!(
                    "{:<name_w$} ",
                    widgets::fit(row.name.as_str(), name_w)
                )),
                Span::styled(format!("{:<9} ", row.kind), theme::dim()),
            ];
            if let Some(w) = watching {
                let change = w.changes.get(&row.oid);
                let (delta, rate) = rate_text(change);
                let style = if matches!(change, Some(Change::Changed))
                    || delta.starts_with(['+', '-']) && delta != "+0"
                {
                    theme::changed()
                } else {
                    ratatui::style::Style::new()
                };
                spans.push(Span::styled(
                    format!("{:<16} ", widgets::fit(row.value.as_str(), 16)),
                    style,
                ));
                spans.push(Span::styled(format!("{delta:>10} "), style));
                spans.push(Span::styled(format!("{rate:>12}"), theme::dim()));
            } else {
                spans.push(Span::raw(row.value.to_string()));
            }
            lines.push(Line::from(spans));
        }
        if set.rows.is_empty() && set.state == RunState::Running {
            lines.push(Line::from(Span::styled(
                "waiting for the agent…",
                theme::dim(),
            )));
        }
        lines
    }
}

impl Component for ResultsPane {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let height = widgets::inner_height(ctx.area);
        match input {
            Input::Key(k) => {
                if keys::char(k, '[') {
                    self.current = self.current.saturating_sub(1);
                } else if keys::char(k, ']') {
                    self.current = (self.current + 1).min(self.sets.len().saturating_sub(1));
                } else if let (true, Some(m)) = (self.focused, Motion::of(k)) {
                    if let Some(set) = self.current_mut() {
                        let len = set.rows.len();
                        set.cursor.apply(m, len, height);
                    }
                } else {
                    return Handled::NotConsumed;
                }
                Handled::Consumed
            }
            Input::Mouse(m) if ctx.area.contains(Position::new(m.column, m.row)) => {
                let Some(set) = self.current_mut() else {
                    return Handled::NotConsumed;
                };
                let len = set.rows.len();
                match m.kind {
                    MouseEventKind::ScrollDown => set.cursor.scroll(3, len, height),
                    MouseEventKind::ScrollUp => set.cursor.scroll(-3, len, height),
                    MouseEventKind::Down(MouseButton::Left) => {
                        if let Some(i) = widgets::list_row_at(ctx.area, &set.cursor, len, m.row) {
                            set.cursor.select(i, len, height);
                        }
                        self.focused = true;
                    }
                    _ => return Handled::NotConsumed,
                }
                Handled::Consumed
            }
            _ => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if self.focused {
            out.extend(Motion::HINTS);
        }
        out.push(KeyHint::help("[ ]", "previous / next result"));
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        let block = widgets::block(&self.title(), self.focused);
        let Some(set) = self.current() else {
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(
                ratatui::widgets::Paragraph::new(Line::from(Span::styled(
                    "g get · n getnext · w walk · W watch · e set: results show here",
                    theme::dim(),
                ))),
                inner,
            );
            return;
        };
        let width = usize::from(area.width.saturating_sub(2));
        let lines = self.lines(set, width);
        // The error lines come first; the cursor counts rows, so shift it past them.
        let skip = lines.len().saturating_sub(set.rows.len());
        let cursor = ListCursor {
            selected: set.cursor.selected + skip,
            offset: set.cursor.offset,
        };
        let show_cursor = self.focused && !set.rows.is_empty();
        widgets::draw_list(
            frame,
            area,
            block,
            &lines,
            show_cursor.then_some(&cursor),
            self.focused,
        );
    }
}
