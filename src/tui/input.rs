//! A one-line text field: typing, Backspace, Ctrl-u (clear), Ctrl-w (delete a word), and
//! pasted text (control characters dropped).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keys;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
}

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Unchanged,
    /// Not an editing key.
    Ignored,
}

impl TextInput {
    pub fn with(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        if keys::ctrl(key, 'u') {
            self.text.clear();
            return Edit::Changed;
        }
        if keys::ctrl(key, 'w') {
            let trimmed = self.text.trim_end_matches(' ').len();
            let cut = self.text[..trimmed]
                .rfind([' ', '.', ':'])
                .map_or(0, |i| i + 1);
            self.text.truncate(cut.min(trimmed));
            return Edit::Changed;
        }
        match key.code {
            KeyCode::Backspace => {
                if self.text.pop().is_some() {
                    Edit::Changed
                } else {
                    Edit::Unchanged
                }
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.text.push(c);
                Edit::Changed
            }
            _ => Edit::Ignored,
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.text.extend(text.chars().filter(|c| !c.is_control()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_erasing() {
        let mut t = TextInput::default();
        for c in "if.Descr".chars() {
            assert_eq!(t.key(&k(KeyCode::Char(c))), Edit::Changed);
        }
        t.key(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(t.text, "if.");
        t.key(&k(KeyCode::Backspace));
        assert_eq!(t.text, "if");
        assert_eq!(t.key(&k(KeyCode::Enter)), Edit::Ignored);
        t.paste("\x1b[2Jx");
        assert_eq!(t.text, "if[2Jx");
        t.key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(t.text, "");
    }
}
