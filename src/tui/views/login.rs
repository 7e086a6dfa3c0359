//! The pass-phrase prompt: an agent (a profile, or the command line) needs an SNMPv3 secret
//! nobody gave (not on the command line, not in the environment, not in snmp.conf, not in
//! the profile). The UI opens with this popup; what is typed is shown as `•`, kept in
//! memory only for the key derivation, and never written anywhere. Esc goes on without the
//! agent (the MIB browser works offline).

use std::fmt;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::session::Secret;
use crate::tui::component::Input;
use crate::tui::input::TextInput;
use crate::tui::keys::{self, KeyHint};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// A pass phrase typed at the prompt. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(pub String);

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// What the prompt did with an input.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginInput {
    /// Still typing.
    Typing,
    /// Enter: try this.
    Submit(Passphrase),
    /// Esc: go on offline.
    GiveUp,
}

pub struct LoginPrompt {
    /// Who needs it: `core-sw1 (udp:10.0.0.1:161), user monitor`.
    pub agent: SafeText,
    pub secret: Secret,
    input: TextInput,
    /// Why the last try failed.
    pub error: Option<SafeText>,
    /// A try is on its way (keys wait).
    pub busy: bool,
}

impl LoginPrompt {
    pub fn new(agent: &str, secret: Secret) -> LoginPrompt {
        LoginPrompt {
            agent: SafeText::new(agent),
            secret,
            input: TextInput::default(),
            error: None,
            busy: false,
        }
    }

    fn what(&self) -> &'static str {
        match self.secret {
            Secret::AuthPassphrase => "authentication pass phrase",
            Secret::PrivPassphrase => "privacy pass phrase",
        }
    }

    pub fn handle(&mut self, input: &Input) -> LoginInput {
        if self.busy {
            return LoginInput::Typing;
        }
        match input {
            Input::Key(k) if keys::plain(k, KeyCode::Esc) => LoginInput::GiveUp,
            Input::Key(k) if keys::plain(k, KeyCode::Enter) => {
                if self.input.text.is_empty() {
                    self.error = Some(SafeText::new(
                        "type the pass phrase, or Esc to go on offline",
                    ));
                    return LoginInput::Typing;
                }
                self.busy = true;
                self.error = None;
                LoginInput::Submit(Passphrase(std::mem::take(&mut self.input.text)))
            }
            Input::Key(k) => {
                self.input.key(k);
                LoginInput::Typing
            }
            Input::Paste(p) => {
                self.input.paste(p);
                LoginInput::Typing
            }
            Input::Mouse(_) => LoginInput::Typing,
        }
    }

    pub const HINTS: [KeyHint; 2] = [
        KeyHint::bar("Enter", "connect"),
        KeyHint::bar("Esc", "go on offline"),
    ];

    pub fn draw(&self, frame: &mut Frame, body: Rect) {
        let area = widgets::centered(body, body.width.saturating_sub(8).clamp(30, 72), 7);
        let inner = widgets::popup(frame, area, "SNMPv3 pass phrase");
        let masked = "•".repeat(self.input.text.chars().count());
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Agent  ", theme::label()),
                Span::raw(self.agent.to_string()),
            ]),
            Line::from(Span::styled(
                format!("needs its {}; it is not written anywhere.", self.what()),
                theme::dim(),
            )),
            widgets::field_line("pass phrase: ", &masked, ratatui::style::Style::new()),
        ];
        if self.busy {
            lines.push(Line::from(Span::styled("connecting…", theme::warning())));
        } else if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(e.to_string(), theme::error())));
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
            inner,
        );
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyEvent, KeyModifiers};

    use super::*;

    fn key(code: KeyCode) -> Input {
        Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn typed_hidden_submitted_once_and_never_debugged() {
        let mut p = LoginPrompt::new("lab (udp:127.0.0.1:1161)", Secret::PrivPassphrase);
        assert_eq!(
            p.handle(&key(KeyCode::Enter)),
            LoginInput::Typing,
            "nothing typed"
        );
        for c in "s3cret!".chars() {
            p.handle(&key(KeyCode::Char(c)));
        }
        let LoginInput::Submit(secret) = p.handle(&key(KeyCode::Enter)) else {
            panic!("submitted")
        };
        assert_eq!(secret.0, "s3cret!");
        assert!(!format!("{secret:?}").contains("s3cret"));
        assert!(p.input.text.is_empty(), "not kept in the prompt");
        assert_eq!(p.handle(&key(KeyCode::Char('x'))), LoginInput::Typing);
        assert!(p.input.text.is_empty(), "keys wait while connecting");
    }
}
