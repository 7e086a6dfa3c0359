//! A list the user moves through with keys and the mouse: the cursor handling every list
//! view shares (modules, types, diagnostics), and the list-beside-details layout.

use std::cmp::Ordering;

use crossterm::event::{MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;

use super::details::DetailsPane;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::keys::{KeyHint, ListCursor, Motion};
use crate::tui::widgets;

#[derive(Debug, Clone, Default)]
pub struct ListPane {
    pub cursor: ListCursor,
}

/// What the list did with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEvent {
    Moved,
    /// A click on the selected row (or Enter, handled by the owner).
    Activated,
    Ignored,
}

impl ListPane {
    /// Moves the cursor over `len` items drawn in a bordered block in `ctx.area`.
    pub fn handle(&mut self, input: &Input, len: usize, ctx: &Ctx<'_>) -> ListEvent {
        let height = widgets::inner_height(ctx.area);
        match input {
            Input::Key(k) => match Motion::of(k) {
                Some(m) => {
                    self.cursor.apply(m, len, height);
                    ListEvent::Moved
                }
                None => ListEvent::Ignored,
            },
            Input::Mouse(m) if ctx.area.contains(Position::new(m.column, m.row)) => match m.kind {
                MouseEventKind::ScrollDown => {
                    self.cursor.scroll(3, len, height);
                    ListEvent::Moved
                }
                MouseEventKind::ScrollUp => {
                    self.cursor.scroll(-3, len, height);
                    ListEvent::Moved
                }
                MouseEventKind::Down(MouseButton::Left) => {
                    match widgets::list_row_at(ctx.area, &self.cursor, len, m.row) {
                        Some(i) if i == self.cursor.selected => ListEvent::Activated,
                        Some(i) => {
                            self.cursor.select(i, len, height);
                            ListEvent::Moved
                        }
                        None => ListEvent::Ignored,
                    }
                }
                _ => ListEvent::Ignored,
            },
            _ => ListEvent::Ignored,
        }
    }
}

impl ListEvent {
    pub fn handled(self) -> Handled {
        if self == ListEvent::Ignored {
            Handled::NotConsumed
        } else {
            Handled::Consumed
        }
    }
}

/// A list on the left and the details of its selected item on the right (the module and
/// type browsers): keys move the list, `J`/`K` and the wheel scroll the details.
#[derive(Default)]
pub struct ListDetails {
    pub list: ListPane,
    pub details: DetailsPane,
    /// The item the details were built for.
    shown: Option<usize>,
}

impl ListDetails {
    pub fn split(body: Rect) -> [Rect; 2] {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
    }

    pub fn selected(&self) -> usize {
        self.list.cursor.selected
    }

    /// The selected item when its details are still to be built (then taken as built).
    pub fn needs_details(&mut self) -> Option<usize> {
        let i = self.selected();
        (self.shown != Some(i)).then(|| {
            self.shown = Some(i);
            i
        })
    }

    /// Moves the list (of `len` items) or scrolls the details.
    pub fn handle(&mut self, input: &Input, len: usize, ctx: &mut Ctx<'_>) -> Handled {
        let [list, details] = ListDetails::split(ctx.area);
        match self.list.handle(input, len, &ctx.with_area(list)).handled() {
            Handled::Consumed => Handled::Consumed,
            Handled::NotConsumed => self.details.handle(input, &mut ctx.with_area(details)),
        }
    }

    pub fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend(Motion::HINTS);
        self.details.hints(out);
    }

    /// The list's `lines` under `title`, and the details.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        title: &str,
        lines: &[Line<'_>],
        shared: &Shared,
    ) {
        let [list, details] = ListDetails::split(area);
        widgets::draw_list(
            frame,
            list,
            widgets::block(title, true),
            lines,
            Some(&self.list.cursor),
            true,
        );
        self.details.draw(frame, details, shared);
    }

    /// The width of a list line.
    pub fn list_width(area: Rect) -> usize {
        usize::from(ListDetails::split(area)[0].width.saturating_sub(2))
    }
}

/// Names with numbers in them sorted as people count: Gi1/0/2 before Gi1/0/10.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut n = String::new();
                let mut m = String::new();
                while let Some(c) = x.peek().copied().filter(char::is_ascii_digit) {
                    n.push(c);
                    x.next();
                }
                while let Some(d) = y.peek().copied().filter(char::is_ascii_digit) {
                    m.push(d);
                    y.next();
                }
                let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                let by = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if by != Ordering::Equal {
                    return by;
                }
            }
            (Some(c), Some(d)) => {
                let by = c.to_ascii_lowercase().cmp(&d.to_ascii_lowercase());
                if by != Ordering::Equal {
                    return by;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_people_count() {
        let mut v = vec!["Gi1/0/10", "Gi1/0/2", "Po1", "gi1/0/1", "Vl20"];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(v, ["gi1/0/1", "Gi1/0/2", "Gi1/0/10", "Po1", "Vl20"]);
    }
}
