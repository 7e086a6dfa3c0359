//! Small modal popups of the browser: a one-line prompt (go to an OID or name) and a
//! picker (cross-references). Each takes every key while open and leaves its outcome for
//! the browser to act on.

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::mib::NodeId;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::input::TextInput;
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// What a popup ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    Open,
    Cancelled,
    Chosen(T),
}

pub struct Prompt {
    pub title: &'static str,
    pub label: &'static str,
    pub input: TextInput,
    pub error: Option<SafeText>,
    pub outcome: Outcome<String>,
    /// Shown under the field until an error replaces it.
    pub example: &'static str,
}

impl Prompt {
    pub fn new(title: &'static str, label: &'static str) -> Prompt {
        Prompt {
            title,
            label,
            input: TextInput::default(),
            error: None,
            outcome: Outcome::Open,
            example: "",
        }
    }

    #[must_use]
    pub fn with_example(mut self, example: &'static str) -> Prompt {
        self.example = example;
        self
    }

    fn area(body: Rect) -> Rect {
        let area = widgets::centered(body, body.width.saturating_sub(10).max(40), 5);
        Rect::new(area.x, body.y + 2.min(body.height), area.width, area.height)
    }
}

impl Component for Prompt {
    fn handle(&mut self, input: &Input, _ctx: &mut Ctx<'_>) -> Handled {
        match input {
            Input::Key(k) if keys::plain(k, KeyCode::Esc) => self.outcome = Outcome::Cancelled,
            Input::Key(k) if keys::plain(k, KeyCode::Enter) => {
                self.outcome = Outcome::Chosen(self.input.text.trim().to_string());
            }
            Input::Key(k) => {
                self.input.key(k);
                self.error = None;
            }
            Input::Paste(p) => self.input.paste(p),
            Input::Mouse(_) => {}
        }
        Handled::Consumed
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend([KeyHint::bar("Enter", "go"), KeyHint::bar("Esc", "cancel")]);
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared) {
        let inner = widgets::popup(frame, Prompt::area(body), self.title);
        let mut lines = vec![widgets::field_line(
            self.label,
            &self.input.text,
            ratatui::style::Style::new(),
        )];
        match &self.error {
            Some(e) => lines.push(Line::from(Span::styled(e.to_string(), theme::error()))),
            None => lines.push(Line::from(Span::styled(self.example, theme::dim()))),
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
            inner,
        );
    }
}

/// A list of nodes to pick from.
pub struct Picker {
    pub title: String,
    pub items: Vec<(SafeText, NodeId)>,
    pub cursor: ListCursor,
    pub outcome: Outcome<NodeId>,
}

impl Picker {
    pub fn new(title: String, items: Vec<(SafeText, NodeId)>) -> Picker {
        Picker {
            title,
            items,
            cursor: ListCursor::default(),
            outcome: Outcome::Open,
        }
    }

    fn area(&self, body: Rect) -> Rect {
        let width = self
            .items
            .iter()
            .map(|(t, _)| t.as_str().chars().count())
            .max()
            .unwrap_or(20)
            .max(self.title.chars().count())
            + 6;
        widgets::centered(body, width as u16, self.items.len() as u16 + 2)
    }
}

impl Component for Picker {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let area = self.area(ctx.area);
        let height = widgets::inner_height(area);
        match input {
            Input::Key(k) if keys::plain(k, KeyCode::Esc) || keys::char(k, 'q') => {
                self.outcome = Outcome::Cancelled;
            }
            Input::Key(k) if keys::plain(k, KeyCode::Enter) => {
                if let Some((_, node)) = self.items.get(self.cursor.selected) {
                    self.outcome = Outcome::Chosen(*node);
                }
            }
            Input::Key(k) => {
                if let Some(m) = Motion::of(k) {
                    self.cursor.apply(m, self.items.len(), height);
                }
            }
            Input::Mouse(m) if m.kind == MouseEventKind::Down(MouseButton::Left) => {
                if !area.contains(Position::new(m.column, m.row)) {
                    self.outcome = Outcome::Cancelled;
                } else if let Some(i) =
                    widgets::list_row_at(area, &self.cursor, self.items.len(), m.row)
                {
                    self.outcome = Outcome::Chosen(self.items[i].1);
                }
            }
            _ => {}
        }
        Handled::Consumed
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend([
            KeyHint::bar("Enter", "go there"),
            KeyHint::bar("Esc", "close"),
        ]);
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared) {
        let area = self.area(body);
        frame.render_widget(ratatui::widgets::Clear, area);
        let lines: Vec<Line<'static>> = self
            .items
            .iter()
            .map(|(t, _)| Line::raw(t.to_string()))
            .collect();
        widgets::draw_list(
            frame,
            area,
            widgets::block(&self.title, true),
            &lines,
            Some(&self.cursor),
            true,
        );
    }
}
