//! Drawing helpers every view uses: a bordered list with a cursor, a bordered text pane,
//! a one-line text field, and word wrapping. They draw what they are given; the state
//! (cursor, scroll, text) belongs to the components.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::keys::ListCursor;
use super::theme;

/// A rounded block whose border shows the focus.
pub fn block(title: &str, focused: bool) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(focused))
        .title(Span::styled(format!(" {title} "), theme::title()))
}

/// A list of lines in a block, scrolled to keep the cursor in view, the selected line
/// highlighted. Returns nothing: where each line went is `list_row_at`'s business.
pub fn draw_list(
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    lines: &[Line<'_>],
    cursor: Option<&ListCursor>,
    focused: bool,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let offset = cursor.map_or(0, |c| c.offset_for(height));
    for (i, line) in lines.iter().skip(offset).take(height).enumerate() {
        let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
        let selected = cursor.is_some_and(|c| c.selected == offset + i);
        let mut p = Paragraph::new(line.clone());
        if selected {
            p = p.style(if focused {
                theme::selected()
            } else {
                theme::selected_unfocused()
            });
        }
        frame.render_widget(p, row);
    }
    if lines.len() > height && inner.width > 2 {
        let pos = match cursor {
            Some(c) => format!(" {}/{} ", c.selected + 1, lines.len()),
            None => format!(" {} lines ", lines.len()),
        };
        let w = pos.chars().count() as u16;
        if area.width > w + 2 {
            let r = Rect::new(area.right() - w - 1, area.bottom() - 1, w, 1);
            frame.render_widget(Paragraph::new(Span::styled(pos, theme::dim())), r);
        }
    }
}

/// The list index under a screen row, for a list drawn with `draw_list` in `area`.
pub fn list_row_at(area: Rect, cursor: &ListCursor, len: usize, row: u16) -> Option<usize> {
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    if row < inner.y || row >= inner.bottom() {
        return None;
    }
    let i = cursor.offset_for(usize::from(inner.height)) + usize::from(row - inner.y);
    (i < len).then_some(i)
}

/// The rows inside a block drawn in `area`.
pub fn inner_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

/// A centred rectangle of at most `width` x `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `area` and draws a block there, returning the inside.
pub fn popup(frame: &mut Frame, area: Rect, title: &str) -> Rect {
    frame.render_widget(Clear, area);
    let b = block(title, true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    inner
}

/// A one-line text field with a block cursor at the end.
pub fn field_line(prompt: &str, text: &str, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(prompt.to_string(), theme::label()),
        Span::styled(text.to_string(), style),
        Span::styled(" ", theme::selected()),
    ])
}

/// Word-wraps `text` (paragraphs separated by `\n`) to `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let wlen = word.chars().count();
            if len > 0 && len + 1 + wlen > width {
                out.push(std::mem::take(&mut line));
                len = 0;
            }
            // A word longer than the line is cut.
            let mut word = word.to_string();
            while word.chars().count() > width {
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                if len > 0 {
                    out.push(std::mem::take(&mut line));
                    len = 0;
                }
                out.push(head);
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            len += word.chars().count();
            line.push_str(&word);
        }
        out.push(line);
    }
    out
}

/// `text` cut to `width` characters, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_paragraphs() {
        assert_eq!(
            wrap("the quick brown fox jumps\n\nover", 10),
            ["the quick", "brown fox", "jumps", "", "over"]
        );
        assert_eq!(wrap("abcdefghijkl", 8), ["abcdefgh", "ijkl"]);
        assert_eq!(fit("interfaces", 6), "inter…");
        assert_eq!(fit("if", 6), "if");
    }
}
