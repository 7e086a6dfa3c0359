//! The type browser: every textual convention of the loaded modules with its base type,
//! range, DISPLAY-HINT, enumeration and description, and the objects that use it (Enter
//! lists them; picking one shows it in the tree).

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::describe::{Description, base_name, describe_def};
use super::list::ListDetails;
use super::overlays::{Outcome, Picker};
use super::xref::users_of_type;
use crate::mib::{DefId, DefKind, Mib};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{self, KeyHint};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

struct Row {
    def: DefId,
    name: SafeText,
    module: SafeText,
    base: &'static str,
}

pub struct TypesView {
    rows: Vec<Row>,
    pane: ListDetails,
    picker: Option<Picker>,
}

impl TypesView {
    pub fn new(mib: &Mib) -> TypesView {
        let mut rows: Vec<Row> = (0..mib.def_count())
            .map(|i| mib.def(DefId(i as u32)))
            .filter(|d| d.kind() == DefKind::TextualConvention)
            .map(|d| Row {
                def: d.id(),
                name: SafeText::new(d.name()),
                module: SafeText::new(d.module_name()),
                base: d.syntax().map_or("?", |t| base_name(&t)),
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.module.cmp(&b.module)));
        let mut v = TypesView {
            rows,
            pane: ListDetails::default(),
            picker: None,
        };
        v.refresh(mib);
        v
    }

    fn refresh(&mut self, mib: &Mib) {
        let Some(i) = self.pane.needs_details() else {
            return;
        };
        let Some(row) = self.rows.get(i) else { return };
        let def = mib.def(row.def);
        let mut d = Description {
            title: row.name.clone(),
            ..Description::default()
        };
        describe_def(mib, &def, &mut d);
        let users = users_of_type(mib, row.def);
        d.fields.push((
            "Used by",
            SafeText::new(&format!(
                "{} object{} (Enter lists them)",
                users.len(),
                if users.len() == 1 { "" } else { "s" }
            )),
        ));
        self.pane.details.show(d);
    }
}

impl Component for TypesView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(p) = self.picker.as_mut() {
            p.handle(input, ctx);
            match p.outcome {
                Outcome::Open => {}
                Outcome::Cancelled => self.picker = None,
                Outcome::Chosen(node) => {
                    self.picker = None;
                    ctx.browse(node);
                }
            }
            return Handled::Consumed;
        }
        if let Input::Key(k) = input {
            if keys::plain(k, KeyCode::Enter) {
                if let Some(row) = self.rows.get(self.pane.selected()) {
                    let users = users_of_type(&ctx.shared.mib, row.def);
                    if users.is_empty() {
                        ctx.info(format!("no loaded object uses {}", row.name));
                    } else {
                        self.picker =
                            Some(Picker::new(format!("Objects of type {}", row.name), users));
                    }
                }
                return Handled::Consumed;
            }
        }
        let handled = self.pane.handle(input, self.rows.len(), ctx);
        let mib = ctx.shared.mib.clone();
        self.refresh(&mib);
        handled
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if let Some(p) = &self.picker {
            p.hints(out);
            return;
        }
        out.push(KeyHint::bar("Enter", "objects of this type"));
        self.pane.hints(out);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let width = ListDetails::list_width(area);
        let lines: Vec<Line<'static>> = self
            .rows
            .iter()
            .map(|r| {
                let left = widgets::fit(r.name.as_str(), width.saturating_sub(14));
                Line::from(vec![
                    Span::raw(format!("{left:<w$} ", w = width.saturating_sub(14))),
                    Span::styled(widgets::fit(r.base, 13), theme::dim()),
                ])
            })
            .collect();
        let title = format!("Textual conventions · {}", self.rows.len());
        self.pane.draw(frame, area, &title, &lines, shared);
        if let Some(p) = &self.picker {
            p.draw(frame, area, shared);
        }
    }
}

impl View for TypesView {
    fn id(&self) -> ViewId {
        ViewId::Types
    }

    fn title(&self) -> &str {
        "Types"
    }

    fn modal(&self) -> bool {
        self.picker.is_some()
    }
}
