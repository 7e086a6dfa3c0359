//! `/`: incremental search over the MIB. Names match as you type (exact, prefix, substring,
//! then letters in order: `ifhcin` finds ifHCInOctets), a typed OID finds its node, and
//! once typing pauses, descriptions that contain every word are added. Enter opens the
//! selected hit in the tree.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::mib::{Mib, NodeId};
use crate::proto::Oid;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::input::{Edit, TextInput};
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::{RequestId, RequestSpec};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

const LIMIT: usize = 300;
/// Descriptions are searched once typing has paused this long (they are read from files).
const DESCRIPTION_PAUSE: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Name,
    Oid,
    Description,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub node: NodeId,
    pub name: SafeText,
    pub module: SafeText,
    pub oid: String,
    pub why: Why,
}

pub struct SearchBox {
    pub input: TextInput,
    pub hits: Vec<Hit>,
    pub cursor: ListCursor,
    /// When the query last changed, while its descriptions are still to be searched.
    descriptions_due: Option<Instant>,
    /// The description search running for the current query.
    pub searching: Option<RequestId>,
    /// Set when the user picked a hit (Enter, click) or left (`Some(None)`).
    pub outcome: Option<Option<NodeId>>,
}

fn hit(mib: &Mib, node: NodeId, why: Why) -> Hit {
    let n = mib.node(node);
    Hit {
        node,
        name: SafeText::new(&n.name()),
        module: SafeText::new(n.module_name().unwrap_or("")),
        oid: n.oid().to_string(),
        why,
    }
}

impl SearchBox {
    pub fn new() -> SearchBox {
        SearchBox {
            input: TextInput::default(),
            hits: Vec::new(),
            cursor: ListCursor::default(),
            descriptions_due: None,
            searching: None,
            outcome: None,
        }
    }

    /// The layout: a popup over the body.
    pub fn area(body: Rect) -> Rect {
        widgets::centered(
            body,
            body.width.saturating_sub(8).max(40),
            body.height.saturating_sub(2),
        )
    }

    fn requery(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(id) = self.searching.take() {
            ctx.cancel(id);
        }
        let (mib, now) = (&ctx.shared.mib, ctx.shared.now);
        let q = self.input.text.trim();
        self.hits.clear();
        self.cursor = ListCursor::default();
        if q.is_empty() {
            self.descriptions_due = None;
            return;
        }
        // An OID typed as numbers, or a name with an index or module.
        let looks_numeric = q.chars().all(|c| c.is_ascii_digit() || c == '.');
        if looks_numeric {
            if let Ok(oid) = q.parse::<Oid>() {
                let (node, depth) = mib.lookup_oid(&oid);
                if depth > 0 {
                    self.hits.push(hit(mib, node, Why::Oid));
                }
            }
        } else if let Ok(r) = mib.resolve(q) {
            self.hits.push(hit(mib, r.node, Why::Oid));
        }
        for h in mib.search(q, LIMIT) {
            if let Some(node) = mib.def(h.def).node() {
                if self.hits.iter().all(|x| x.node != node.id()) {
                    self.hits.push(hit(mib, node.id(), Why::Name));
                }
            }
        }
        self.descriptions_due = (q.len() >= 3 && !looks_numeric).then_some(now);
    }

    /// Starts the search of descriptions once typing has paused; true when it started.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let Some(since) = self.descriptions_due else {
            return false;
        };
        if ctx.shared.now.saturating_duration_since(since) < DESCRIPTION_PAUSE {
            return false;
        }
        self.descriptions_due = None;
        let query = self.input.text.trim().to_string();
        let label = format!("searching descriptions for \"{}\"", SafeText::new(&query));
        self.searching = Some(ctx.local(label, RequestSpec::SearchDescriptions(query)));
        true
    }

    /// The nodes whose descriptions matched, added after the name matches.
    pub fn found(&mut self, id: RequestId, nodes: &[NodeId], mib: &Mib) {
        if self.searching != Some(id) {
            return;
        }
        self.searching = None;
        for &node in nodes {
            if self.hits.iter().all(|x| x.node != node) {
                self.hits.push(hit(mib, node, Why::Description));
            }
        }
    }

    fn list_area(area: Rect) -> Rect {
        // Inside the popup: the field, a separator line, then the hits.
        Rect::new(
            area.x,
            area.y + 2,
            area.width,
            area.height.saturating_sub(2),
        )
    }
}

impl Component for SearchBox {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let area = SearchBox::area(ctx.area);
        let list = SearchBox::list_area(area);
        let height = widgets::inner_height(list);
        match input {
            Input::Key(k) => {
                if keys::plain(k, KeyCode::Esc) {
                    self.outcome = Some(None);
                } else if keys::plain(k, KeyCode::Enter) {
                    self.outcome = Some(self.hits.get(self.cursor.selected).map(|h| h.node));
                } else if let Some(m) =
                    Motion::of(k).filter(|_| !matches!(k.code, KeyCode::Char(_)))
                {
                    self.cursor.apply(m, self.hits.len(), height);
                } else if self.input.key(k) == Edit::Changed {
                    self.requery(ctx);
                }
            }
            Input::Paste(p) => {
                self.input.paste(p);
                self.requery(ctx);
            }
            Input::Mouse(m) => {
                if !area.contains(Position::new(m.column, m.row)) {
                    if matches!(m.kind, MouseEventKind::Down(_)) {
                        self.outcome = Some(None);
                    }
                    return Handled::Consumed;
                }
                match m.kind {
                    MouseEventKind::ScrollDown => self.cursor.scroll(3, self.hits.len(), height),
                    MouseEventKind::ScrollUp => self.cursor.scroll(-3, self.hits.len(), height),
                    MouseEventKind::Down(MouseButton::Left) => {
                        if let Some(i) =
                            widgets::list_row_at(list, &self.cursor, self.hits.len(), m.row)
                        {
                            self.outcome = Some(Some(self.hits[i].node));
                        }
                    }
                    _ => {}
                }
            }
        }
        // A search box takes every key: typing `q` must not quit.
        Handled::Consumed
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend([
            KeyHint::bar("type", "name, OID or words"),
            KeyHint::bar("↑↓", "choose"),
            KeyHint::bar("Enter", "open in the tree"),
            KeyHint::bar("Esc", "close"),
            KeyHint::help("Ctrl-u / Ctrl-w", "clear / delete a word"),
        ]);
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared) {
        let area = SearchBox::area(body);
        let inner = widgets::popup(frame, area, "Search the MIB");
        frame.render_widget(
            ratatui::widgets::Paragraph::new(widgets::field_line(
                "/ ",
                &self.input.text,
                ratatui::style::Style::new(),
            )),
            Rect::new(inner.x, inner.y, inner.width, 1),
        );
        let width = usize::from(inner.width);
        let lines: Vec<Line<'static>> = self
            .hits
            .iter()
            .map(|h| {
                let tag = match h.why {
                    Why::Name => "",
                    Why::Oid => " (OID)",
                    Why::Description => " (in description)",
                };
                let left = format!("{}::{}{tag}", h.module, h.name);
                // The name first; the OID right-aligned in what is left, cut if need be.
                let left = widgets::fit(&left, width.saturating_sub(4));
                let room = width.saturating_sub(left.chars().count() + 3);
                let oid = widgets::fit(&h.oid, room);
                let pad = room.saturating_sub(oid.chars().count());
                Line::from(vec![
                    Span::raw(left),
                    Span::raw(" ".repeat(pad + 1)),
                    Span::styled(oid, theme::dim()),
                ])
            })
            .collect();
        let list = SearchBox::list_area(area);
        let count = if self.input.text.trim().is_empty() {
            "type to search".to_string()
        } else if self.descriptions_due.is_some() || self.searching.is_some() {
            format!("{} matches; searching descriptions…", self.hits.len())
        } else {
            format!("{} matches", self.hits.len())
        };
        let block = ratatui::widgets::Block::new()
            .borders(ratatui::widgets::Borders::TOP)
            .border_style(theme::dim())
            .title(Span::styled(format!(" {count} "), theme::dim()));
        let list = Rect::new(
            list.x + 1,
            list.y,
            list.width.saturating_sub(2),
            list.height.saturating_sub(1),
        );
        draw_plain_list(frame, list, block, &lines, &self.cursor);
    }
}

/// A list under a top border (the search popup's hits).
fn draw_plain_list(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block<'_>,
    lines: &[Line<'_>],
    cursor: &ListCursor,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let offset = cursor.offset_for(height);
    for (i, line) in lines.iter().skip(offset).take(height).enumerate() {
        let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
        let mut p = ratatui::widgets::Paragraph::new(line.clone());
        if cursor.selected == offset + i {
            p = p.style(theme::selected());
        }
        frame.render_widget(p, row);
    }
}
