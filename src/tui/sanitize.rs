//! The one place where text from outside (agents' values, MIB files' descriptions, file
//! names) becomes text for the screen. A terminal interprets control bytes: an agent's
//! sysDescr holding `ESC ] 52 ;...` or `ESC [ 2 J` must show as characters, never act.
//!
//! `SafeText` can only be built through this module, so a view model that stores
//! `SafeText` cannot hold raw bytes by mistake.

use std::fmt;

/// Text that is safe to put on a terminal: no C0/C1 controls, no DEL, no bidirectional
/// overrides. Control characters are shown as their Unicode "control pictures" (`␛`).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SafeText(String);

impl SafeText {
    /// One line: line breaks and tabs become visible symbols or spaces.
    pub fn new(text: &str) -> SafeText {
        SafeText(clean(text, false))
    }

    /// Several lines (descriptions): `\n` is kept, other controls are shown.
    pub fn multiline(text: &str) -> SafeText {
        SafeText(clean(text, true))
    }

    /// Bytes of unknown encoding: UTF-8 where valid, else Latin-1, then cleaned.
    pub fn from_bytes(bytes: &[u8]) -> SafeText {
        match std::str::from_utf8(bytes) {
            Ok(s) => SafeText::new(s),
            Err(_) => SafeText::new(&bytes.iter().map(|&b| char::from(b)).collect::<String>()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Whether `c` would change what the terminal does rather than show a character.
fn is_hostile(c: char) -> bool {
    c.is_control()
        // Bidirectional embeddings, overrides and isolates: they reorder what follows.
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn clean(text: &str, keep_newlines: bool) -> String {
    if !text.chars().any(is_hostile) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            '\t' => ' ',
            '\r' if keep_newlines => ' ',
            // C0 controls as control pictures (U+2400..U+241F), DEL as U+2421.
            c @ '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7F}' => '\u{2421}',
            c if is_hostile(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_characters() {
        let t = SafeText::new("evil\x1b]52;c;AAAA\x07\x1b[2J\u{9b}31m");
        assert!(!t.as_str().chars().any(char::is_control), "{t:?}");
        assert_eq!(
            t.as_str(),
            "evil\u{241b}]52;c;AAAA\u{2407}\u{241b}[2J\u{FFFD}31m"
        );
    }

    #[test]
    fn newlines_kept_only_in_multiline_text() {
        assert_eq!(SafeText::new("a\nb\tc").as_str(), "a\u{240a}b c");
        assert_eq!(SafeText::multiline("a\r\nb").as_str(), "a \nb");
    }

    #[test]
    fn bidi_overrides_are_neutralised_and_plain_text_is_untouched() {
        assert_eq!(SafeText::new("a\u{202E}b").as_str(), "a\u{FFFD}b");
        assert_eq!(
            SafeText::new("Gi1/0/1 – uplink ✓").as_str(),
            "Gi1/0/1 – uplink ✓"
        );
    }

    #[test]
    fn invalid_utf8_is_read_as_latin1() {
        assert_eq!(
            SafeText::from_bytes(b"caf\xe9\x1b").as_str(),
            "café\u{241b}"
        );
    }
}
