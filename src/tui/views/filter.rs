//! The `/` filter of a list view (interfaces, tables, traps): a text field that takes the
//! keys while it is edited (Enter keeps the filter, Esc clears it) and is matched without
//! regard to case.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::Line;

use crate::tui::input::{Edit, TextInput};
use crate::tui::keys::{self, KeyHint};
use crate::tui::{theme, widgets};

#[derive(Debug, Clone, Default)]
pub struct Filter {
    input: TextInput,
    /// The field has the keys.
    pub editing: bool,
}

impl Filter {
    /// `/`: the field takes the keys.
    pub fn edit(&mut self) {
        self.editing = true;
    }

    pub fn text(&self) -> &str {
        &self.input.text
    }

    /// The text to match, lower case (empty: everything matches).
    pub fn needle(&self) -> String {
        self.input.text.to_lowercase()
    }

    /// Handles a key while the field is edited: `None` when it is not (the key is the
    /// view's), else whether the filter changed.
    pub fn key(&mut self, key: &KeyEvent) -> Option<bool> {
        if !self.editing {
            return None;
        }
        Some(if keys::plain(key, KeyCode::Enter) {
            self.editing = false;
            false
        } else if keys::plain(key, KeyCode::Esc) {
            self.editing = false;
            self.clear()
        } else {
            self.input.key(key) == Edit::Changed
        })
    }

    /// Pasted text while edited; whether the filter changed.
    pub fn paste(&mut self, text: &str) -> bool {
        if !self.editing {
            return false;
        }
        self.input.paste(text);
        true
    }

    /// Empties the filter; whether there was one.
    pub fn clear(&mut self) -> bool {
        let had = !self.input.text.is_empty();
        self.input.text.clear();
        had
    }

    /// The hints while the field is edited.
    pub fn hints(out: &mut Vec<KeyHint>) {
        out.extend([
            KeyHint::bar("Enter", "keep filter"),
            KeyHint::bar("Esc", "clear filter"),
        ]);
    }

    /// The field, for the view's summary line while it is edited.
    pub fn line(&self) -> Line<'static> {
        widgets::field_line("filter: ", &self.input.text, theme::tab())
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edited_then_kept_or_cleared() {
        let mut f = Filter::default();
        assert_eq!(
            f.key(&k(KeyCode::Char('g'))),
            None,
            "not edited: the view's key"
        );
        f.edit();
        assert_eq!(f.key(&k(KeyCode::Char('G'))), Some(true));
        assert_eq!(f.key(&k(KeyCode::Char('i'))), Some(true));
        assert_eq!(f.needle(), "gi");
        assert_eq!(f.key(&k(KeyCode::Enter)), Some(false));
        assert!(!f.editing);
        assert_eq!(f.text(), "Gi");
        f.edit();
        assert_eq!(f.key(&k(KeyCode::Esc)), Some(true));
        assert_eq!(f.text(), "");
    }
}
