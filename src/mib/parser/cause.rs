//! The earlier cause of a syntax error. A parser stops where the grammar breaks, which is
//! often lines after the slip that broke it; for the slips real files have, the error is
//! reported where the slip is:
//! - a comment wrapped onto the next line without `--` (a comment ends with its line, so
//!   its last words are read as MIB text: RFC 2578's HPR-MIB has one inside a SEQUENCE);
//! - a `"` inside a quoted text, which ends the text early (the rest is read as MIB text).

use super::{Parser, describe, pos_of};
use crate::mib::diag::{Code, Severity};
use crate::mib::lexer::{Tok, Token};

/// The slip found before a syntax error.
pub(super) enum Cause {
    /// The line starting at token `first` continues the comment on line `comment_line`.
    WrappedComment { first: Token, comment_line: u32 },
    /// The quoted text `string` ends right before the error token.
    QuoteInText { string: Token },
}

impl Parser<'_> {
    /// What broke the definition that fails at token `at`, when it is one of the slips in
    /// the module documentation.
    pub(super) fn earlier_cause(&self, at: &Token) -> Option<Cause> {
        let end = self.toks[self.def_start..]
            .iter()
            .position(|t| t.start >= at.start)
            .map_or(self.toks.len(), |n| self.def_start + n);
        if end > 0
            && let Some(before) = self.toks.get(end - 1)
            && before.kind == Tok::Str
            && before.end == at.start
            && at.kind != Tok::Eof
        {
            return Some(Cause::QuoteInText { string: *before });
        }
        (self.def_start + 1..=end.min(self.toks.len() - 1)).find_map(|k| self.wrapped_comment_at(k))
    }

    /// When token `k` starts a line that reads as the rest of a comment on the line above:
    /// it is a word (not an all-capitals keyword), and it starts under the comment's text
    /// (a trailing comment) or right of its `--` (a comment on a line of its own).
    fn wrapped_comment_at(&self, k: usize) -> Option<Cause> {
        let t = self.toks[k];
        let prev = self.toks[k - 1];
        if prev.line >= t.line || !matches!(t.kind, Tok::Ident | Tok::Number) {
            return None;
        }
        let word = self.text(&t);
        if t.kind == Tok::Ident
            && word
                .iter()
                .all(|b| b.is_ascii_uppercase() || *b == b'-' || b.is_ascii_digit())
        {
            return None;
        }
        // The line above: from its start to the newline before `t`'s line.
        let line_start = (t.start as usize).checked_sub(t.col.saturating_sub(1) as usize)?;
        let above_end = line_start.checked_sub(1)?;
        let above_start = self.src[..above_end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let above = &self.src[above_start..above_end];
        // A trailing comment after the previous token, or a comment alone on its line.
        let (search_from, trailing) = if prev.line + 1 == t.line {
            ((prev.end as usize).saturating_sub(above_start), true)
        } else {
            let indent = above.iter().take_while(|b| b.is_ascii_whitespace()).count();
            (indent, false)
        };
        let rest = above.get(search_from..)?;
        let dashes = rest.windows(2).position(|w| w == b"--")?;
        if !trailing && dashes != 0 {
            return None;
        }
        let comment_col = (search_from + dashes + 1) as u32;
        let under_comment = if trailing {
            t.col + 2 >= comment_col
        } else {
            t.col > comment_col
        };
        under_comment.then_some(Cause::WrappedComment {
            first: t,
            comment_line: t.line - 1,
        })
    }

    /// Reports a syntax error at `t` (expected `expected`), at its earlier cause when there
    /// is one; warnings the slip caused on the way (a "missing comma" that was comment
    /// text) are dropped.
    pub(super) fn report_syntax_error(&mut self, t: &Token, expected: &str) {
        let found = describe(t, self.src);
        let plain = format!("expected {expected}, found {found}");
        let (pos, message, hint) = match self.earlier_cause(t) {
            Some(Cause::WrappedComment {
                first,
                comment_line,
            }) => {
                let line = self.line_text(&first);
                let cause = pos_of(&first);
                // What was read wrongly after the slip is not worth a warning of its own.
                let from = self.def_diags;
                let mut n = from;
                while n < self.diags.items.len() {
                    let d = &self.diags.items[n];
                    if d.severity == Severity::Warning && d.pos >= cause && &d.file == self.file {
                        self.diags.items.remove(n);
                    } else {
                        n += 1;
                    }
                }
                let breaks = if first.start == t.start {
                    String::new()
                } else {
                    format!(", so the definition breaks at {}:{}", t.line, t.col)
                };
                (
                    cause,
                    format!(
                        "'{line}' reads as the rest of the comment on line {comment_line}, wrapped \
                         onto a line of its own without '--' (a comment ends with its line){breaks}: \
                         {plain}"
                    ),
                    Some("start the continued comment with '--' too".to_string()),
                )
            }
            Some(Cause::QuoteInText { string }) => (
                pos_of(t),
                plain,
                Some(format!(
                    "the quoted text opened at {}:{} ends at the '\"' just before this; a '\"' \
                     inside a text is written twice (\"\"), or the text ends there",
                    string.line, string.col
                )),
            ),
            None => (
                pos_of(t),
                plain,
                (t.kind == Tok::UnterminatedStr).then(|| {
                    "a quote opened here is never closed; look for a missing or doubled \" above"
                        .to_string()
                }),
            ),
        };
        let d = self.diags.push(
            Severity::Error,
            Code::SyntaxError,
            self.file,
            pos,
            self.module_label.as_ref(),
            message,
        );
        d.hint = hint;
    }

    /// The words of the line `t` starts, trimmed and shortened for a message.
    fn line_text(&self, t: &Token) -> String {
        let from = t.start as usize;
        let end = self.src[from..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(self.src.len(), |n| from + n);
        let text = String::from_utf8_lossy(&self.src[from..end]);
        let text = text.trim_end();
        if text.chars().count() > 40 {
            format!("{}...", text.chars().take(37).collect::<String>())
        } else {
            text.to_string()
        }
    }
}
