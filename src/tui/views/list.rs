//! A list the user moves through with keys and the mouse: the cursor handling every list
//! view shares (modules, types, diagnostics).

use crossterm::event::{MouseButton, MouseEventKind};
use ratatui::layout::Position;

use crate::tui::component::{Ctx, Handled, Input};
use crate::tui::keys::{ListCursor, Motion};
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
