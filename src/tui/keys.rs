//! Key hints and key matching. A component lists the keys it handles as `KeyHint`s next to
//! the code that handles them; the bottom bar and the `?` help are built from those lists,
//! so what the screen says is what the code does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key (or key family) a component answers, and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    /// As shown: `/`, `Enter`, `j/k`, `Ctrl-d`.
    pub keys: &'static str,
    /// What it does, in a few words.
    pub action: &'static str,
    /// Shown in the bottom bar (otherwise only in `?` help).
    pub in_bar: bool,
}

impl KeyHint {
    /// A hint shown in the bottom bar and in help.
    pub const fn bar(keys: &'static str, action: &'static str) -> KeyHint {
        KeyHint {
            keys,
            action,
            in_bar: true,
        }
    }

    /// A hint shown only in help.
    pub const fn help(keys: &'static str, action: &'static str) -> KeyHint {
        KeyHint {
            keys,
            action,
            in_bar: false,
        }
    }
}

/// A titled group of hints, as `?` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintGroup {
    pub title: String,
    pub hints: Vec<KeyHint>,
}

/// True for `code` pressed without Ctrl or Alt (Shift is part of the character).
pub fn plain(key: &KeyEvent, code: KeyCode) -> bool {
    key.code == code
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// True for the character `c` without Ctrl or Alt.
pub fn char(key: &KeyEvent, c: char) -> bool {
    plain(key, KeyCode::Char(c))
}

/// True for Ctrl and the character `c`.
pub fn ctrl(key: &KeyEvent, c: char) -> bool {
    key.code == KeyCode::Char(c) && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// The movement a key asks for in a list: arrows, vim keys, pages, ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

impl Motion {
    pub fn of(key: &KeyEvent) -> Option<Motion> {
        Some(match key.code {
            KeyCode::Up => Motion::Up,
            KeyCode::Down => Motion::Down,
            KeyCode::PageUp => Motion::PageUp,
            KeyCode::PageDown => Motion::PageDown,
            KeyCode::Home => Motion::Top,
            KeyCode::End => Motion::Bottom,
            _ if char(key, 'k') => Motion::Up,
            _ if char(key, 'j') => Motion::Down,
            _ if ctrl(key, 'u') || ctrl(key, 'b') => Motion::PageUp,
            _ if ctrl(key, 'd') || ctrl(key, 'f') => Motion::PageDown,
            _ => return None,
        })
    }

    /// Hints for the motions above, in help only (every list has them).
    pub const HINTS: [KeyHint; 3] = [
        KeyHint::help("↑↓ j/k", "move"),
        KeyHint::help("PgUp/PgDn Ctrl-u/d", "page"),
        KeyHint::help("Home/End", "first / last"),
    ];
}

/// A list cursor with its scroll offset, shared by every list-like component.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
}

impl ListCursor {
    /// Applies `motion` over `len` items shown `height` at a time.
    pub fn apply(&mut self, motion: Motion, len: usize, height: usize) {
        if len == 0 {
            *self = ListCursor::default();
            return;
        }
        let page = height.max(1);
        self.selected = match motion {
            Motion::Up => self.selected.saturating_sub(1),
            Motion::Down => (self.selected + 1).min(len - 1),
            Motion::PageUp => self.selected.saturating_sub(page),
            Motion::PageDown => (self.selected + page).min(len - 1),
            Motion::Top => 0,
            Motion::Bottom => len - 1,
        };
        self.offset = visible_offset(self.offset, self.selected, height);
    }

    /// Selects `index` (clamped) and scrolls to it.
    pub fn select(&mut self, index: usize, len: usize, height: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.offset = visible_offset(self.offset, self.selected, height);
    }

    /// Scrolls by `lines` (mouse wheel) without moving past the ends.
    pub fn scroll(&mut self, lines: isize, len: usize, height: usize) {
        let max = len.saturating_sub(height.max(1));
        self.offset = self.offset.saturating_add_signed(lines).min(max);
        self.selected = self
            .selected
            .clamp(self.offset, (self.offset + height.max(1)).saturating_sub(1))
            .min(len.saturating_sub(1));
    }

    /// The offset to draw with in a viewport of `height` rows (the cursor stays visible even
    /// after a resize the handlers have not seen).
    pub fn offset_for(&self, height: usize) -> usize {
        visible_offset(self.offset, self.selected, height)
    }
}

/// The smallest change of `offset` that keeps `selected` within `height` rows.
pub fn visible_offset(offset: usize, selected: usize, height: usize) -> usize {
    let height = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_scrolls_as_little_as_possible() {
        let mut c = ListCursor::default();
        for _ in 0..12 {
            c.apply(Motion::Down, 100, 10);
        }
        assert_eq!((c.selected, c.offset), (12, 3));
        c.apply(Motion::Up, 100, 10);
        assert_eq!((c.selected, c.offset), (11, 3));
        c.apply(Motion::Bottom, 100, 10);
        assert_eq!((c.selected, c.offset), (99, 90));
        c.apply(Motion::PageUp, 100, 10);
        assert_eq!((c.selected, c.offset), (89, 89));
        c.scroll(-5, 100, 10);
        assert_eq!((c.selected, c.offset), (89, 84));
        c.scroll(-100, 100, 10);
        assert_eq!((c.selected, c.offset), (9, 0));
        c.apply(Motion::Down, 0, 10);
        assert_eq!(c, ListCursor::default());
    }

    #[test]
    fn a_smaller_viewport_keeps_the_cursor_visible() {
        let c = ListCursor {
            selected: 20,
            offset: 5,
        };
        assert_eq!(c.offset_for(30), 5);
        assert_eq!(c.offset_for(10), 11);
    }
}
