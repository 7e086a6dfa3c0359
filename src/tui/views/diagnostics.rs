//! The compiler's diagnostics for the loaded modules, worst first: severity, stable code,
//! file:line:col, the message and the hint that says what to do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::list::ListPane;
use crate::mib::{Mib, Severity};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{KeyHint, Motion};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

struct Row {
    severity: Severity,
    code: &'static str,
    place: SafeText,
    message: SafeText,
    hint: Option<SafeText>,
    module: Option<SafeText>,
}

pub struct DiagnosticsView {
    rows: Vec<Row>,
    list: ListPane,
}

fn split(body: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(4), Constraint::Length(6)]).areas(body)
}

fn severity_style(s: Severity) -> ratatui::style::Style {
    match s {
        Severity::Error => theme::error(),
        Severity::Warning => theme::warning(),
        Severity::Note => theme::dim(),
    }
}

impl DiagnosticsView {
    pub fn new(mib: &Mib) -> DiagnosticsView {
        let mut rows: Vec<Row> = mib
            .diagnostics()
            .iter()
            .map(|d| Row {
                severity: d.severity,
                code: d.code.as_str(),
                place: SafeText::new(&format!("{}:{}:{}", d.file, d.pos.line, d.pos.col)),
                message: SafeText::new(&d.message),
                hint: d.hint.as_deref().map(SafeText::new),
                module: d.module.as_deref().map(SafeText::new),
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.severity as u8));
        DiagnosticsView {
            rows,
            list: ListPane::default(),
        }
    }
}

impl Component for DiagnosticsView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let [list, _] = split(ctx.area);
        self.list
            .handle(input, self.rows.len(), &ctx.with_area(list))
            .handled()
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend(Motion::HINTS);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        let [list, detail] = split(area);
        let lines: Vec<Line<'static>> = self
            .rows
            .iter()
            .map(|r| {
                Line::from(vec![
                    Span::styled(
                        format!("{:<8}", r.severity.to_string()),
                        severity_style(r.severity),
                    ),
                    Span::styled(format!("{:<24} ", r.code), theme::dim()),
                    Span::raw(r.message.to_string()),
                ])
            })
            .collect();
        let errors = self
            .rows
            .iter()
            .filter(|r| r.severity == Severity::Error)
            .count();
        let title = format!("Diagnostics · {} ({errors} errors)", self.rows.len());
        if lines.is_empty() {
            let block = widgets::block(&title, true);
            let inner = block.inner(list);
            frame.render_widget(block, list);
            frame.render_widget(
                Paragraph::new(Span::styled(
                    "The loaded modules compiled without a diagnostic.",
                    theme::ok(),
                )),
                inner,
            );
        } else {
            widgets::draw_list(
                frame,
                list,
                widgets::block(&title, true),
                &lines,
                Some(&self.list.cursor),
                true,
            );
        }
        if let Some(r) = self.rows.get(self.list.cursor.selected) {
            let mut text = vec![
                Line::from(vec![
                    Span::styled(r.place.to_string(), theme::label()),
                    Span::raw(
                        r.module
                            .as_ref()
                            .map_or(String::new(), |m| format!("  module {m}")),
                    ),
                ]),
                Line::raw(r.message.to_string()),
            ];
            if let Some(h) = &r.hint {
                text.push(Line::from(vec![
                    Span::styled("hint: ", theme::label()),
                    Span::raw(h.to_string()),
                ]));
            }
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: false })
                    .block(widgets::block("Diagnostic", false)),
                detail,
            );
        }
    }
}

impl View for DiagnosticsView {
    fn id(&self) -> ViewId {
        ViewId::Diagnostics
    }

    fn title(&self) -> &str {
        "Diagnostics"
    }
}
