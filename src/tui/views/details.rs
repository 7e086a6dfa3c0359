//! The details pane: what the MIB says about the selected node (see `describe`), laid out
//! as labelled fields, lists and the description wrapped to the pane's width. `J`/`K` and
//! the mouse wheel scroll it.

use crossterm::event::MouseEventKind;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::keys::{self, KeyHint};
use crate::tui::theme;
use crate::tui::views::describe::Description;
use crate::tui::widgets;

#[derive(Default)]
pub struct DetailsPane {
    pub desc: Description,
    pub scroll: usize,
}

const LABEL_WIDTH: usize = 9;

impl DetailsPane {
    pub fn show(&mut self, desc: Description) {
        if desc != self.desc {
            self.desc = desc;
            self.scroll = 0;
        }
    }

    /// The pane's lines at a given text width.
    pub fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let d = &self.desc;
        let value_width = width.saturating_sub(LABEL_WIDTH + 1).max(8);
        let mut lines = vec![Line::from(Span::styled(
            d.title.to_string(),
            theme::title(),
        ))];
        for (label, value) in &d.fields {
            for (i, part) in widgets::wrap(value.as_str(), value_width)
                .into_iter()
                .enumerate()
            {
                let l = if i == 0 { *label } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("{l:<LABEL_WIDTH$} "), theme::label()),
                    Span::raw(part),
                ]));
            }
        }
        for (label, items) in &d.lists {
            lines.push(Line::from(Span::styled(
                format!("{label}:"),
                theme::label(),
            )));
            // Short items share a line, as many as fit.
            let mut current = String::from(" ");
            for item in items {
                if current.chars().count() + item.as_str().chars().count() + 1 > width
                    && !current.trim().is_empty()
                {
                    lines.push(Line::raw(std::mem::replace(
                        &mut current,
                        String::from(" "),
                    )));
                }
                current.push(' ');
                current.push_str(item.as_str());
            }
            if !current.trim().is_empty() {
                lines.push(Line::raw(current));
            }
        }
        if let Some(text) = &d.description {
            lines.push(Line::default());
            for l in widgets::wrap(text.as_str(), width) {
                lines.push(Line::raw(l));
            }
        }
        lines
    }

    fn scroll_by(&mut self, delta: isize, area: Rect) {
        let total = self.lines(usize::from(area.width.saturating_sub(2))).len();
        let max = total.saturating_sub(widgets::inner_height(area));
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }
}

impl Component for DetailsPane {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        match input {
            Input::Key(k) if keys::char(k, 'J') => self.scroll_by(1, ctx.area),
            Input::Key(k) if keys::char(k, 'K') => self.scroll_by(-1, ctx.area),
            Input::Mouse(m) if ctx.area.contains(Position::new(m.column, m.row)) => match m.kind {
                MouseEventKind::ScrollDown => self.scroll_by(3, ctx.area),
                MouseEventKind::ScrollUp => self.scroll_by(-3, ctx.area),
                _ => return Handled::NotConsumed,
            },
            _ => return Handled::NotConsumed,
        }
        Handled::Consumed
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.push(KeyHint::help("J/K", "scroll the details"));
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        let block = widgets::block("Details", false);
        let inner = block.inner(area);
        let lines = self.lines(usize::from(inner.width));
        let scroll = self.scroll.min(lines.len().saturating_sub(1));
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .scroll((scroll as u16, 0)),
            area,
        );
    }
}
