//! The OID tree pane: draws `TreeModel` rows (indent, expander, name, arc, coloured by what
//! the node is) and answers the keys that move through the tree.

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::tree_model::TreeModel;
use crate::mib::{DefKind, Mib, ObjectClass};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::keys::{self, KeyHint, Motion};
use crate::tui::widgets;
use crate::tui::{sanitize::SafeText, theme};

pub struct TreePane {
    pub model: TreeModel,
    pub focused: bool,
}

/// How a node's name is coloured.
fn style_of(mib: &Mib, node: crate::mib::NodeId) -> Style {
    let Some(def) = mib.node(node).def() else {
        return Style::new();
    };
    match def.kind() {
        DefKind::NotificationType | DefKind::TrapType => theme::notification(),
        DefKind::ObjectType => match def.object_class() {
            ObjectClass::Table => theme::table(),
            ObjectClass::Row => theme::table(),
            ObjectClass::Column => theme::column(),
            ObjectClass::Scalar => theme::scalar(),
            ObjectClass::Other => Style::new(),
        },
        _ => Style::new(),
    }
}

impl TreePane {
    pub fn new(model: TreeModel) -> TreePane {
        TreePane {
            model,
            focused: true,
        }
    }

    /// `base`: the depth drawn at the left edge (the shallowest visible row), so deep
    /// subtrees stay readable in a narrow pane.
    fn line(&self, mib: &Mib, row: &super::tree_model::TreeRow, base: u16) -> Line<'static> {
        let node = mib.node(row.node);
        let expander = match (row.has_children, row.expanded) {
            (true, true) => "▾ ",
            (true, false) => "▸ ",
            (false, _) => "  ",
        };
        Line::from(vec![
            Span::raw(" ".repeat(usize::from(row.depth - base))),
            Span::styled(expander, theme::dim()),
            Span::styled(
                SafeText::new(&node.name()).into_string(),
                style_of(mib, row.node),
            ),
            Span::styled(format!("({})", node.arc()), theme::dim()),
        ])
    }
}

impl Component for TreePane {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let mib = &ctx.shared.mib;
        let height = widgets::inner_height(ctx.area);
        match input {
            Input::Key(key) => {
                if let Some(m) = Motion::of(key) {
                    self.model.motion(m, height);
                } else if keys::plain(key, KeyCode::Right) || keys::char(key, 'l') {
                    self.model.expand_or_enter(mib, height);
                } else if keys::plain(key, KeyCode::Left) || keys::char(key, 'h') {
                    self.model.collapse_or_leave(mib, height);
                } else if keys::char(key, ' ') {
                    self.model.toggle(mib);
                } else if keys::char(key, '*') {
                    self.model.expand_all(mib, 5_000);
                } else if keys::char(key, '-') {
                    self.model.collapse_all(mib);
                } else {
                    return Handled::NotConsumed;
                }
                Handled::Consumed
            }
            Input::Mouse(m) => {
                if !ctx.area.contains(Position::new(m.column, m.row)) {
                    return Handled::NotConsumed;
                }
                match m.kind {
                    MouseEventKind::ScrollDown => self.model.scroll(3, height),
                    MouseEventKind::ScrollUp => self.model.scroll(-3, height),
                    MouseEventKind::Down(MouseButton::Left) => {
                        let len = self.model.rows().len();
                        if let Some(i) =
                            widgets::list_row_at(ctx.area, &self.model.cursor, len, m.row)
                        {
                            if i == self.model.cursor.selected {
                                self.model.toggle(mib);
                            } else {
                                self.model.select_row(i, height);
                            }
                        }
                    }
                    _ => return Handled::NotConsumed,
                }
                Handled::Consumed
            }
            Input::Paste(_) => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        out.extend(Motion::HINTS);
        out.extend([
            KeyHint::help("→ l", "expand / first child"),
            KeyHint::help("← h", "collapse / parent"),
            KeyHint::help("Space, click", "expand or collapse"),
            KeyHint::help("*", "expand the whole subtree"),
            KeyHint::help("-", "collapse everything"),
        ]);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let mib = &shared.mib;
        let height = widgets::inner_height(area);
        let offset = self.model.cursor.offset_for(height);
        // Only the visible rows are turned into lines; the list is padded so the cursor and
        // the position indicator still count every row.
        let rows = self.model.rows();
        let base = rows
            .iter()
            .skip(offset)
            .take(height)
            .map(|r| r.depth)
            .min()
            .unwrap_or(0);
        let lines: Vec<Line<'static>> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if i >= offset && i < offset + height {
                    self.line(mib, r, base)
                } else {
                    Line::default()
                }
            })
            .collect();
        let title = format!("MIB tree · {} modules", mib.module_count());
        widgets::draw_list(
            frame,
            area,
            widgets::block(&title, self.focused),
            &lines,
            Some(&self.model.cursor),
            self.focused,
        );
    }
}
