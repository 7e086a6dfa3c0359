//! The module browser: every module the MIB store was asked for, with its status (loaded,
//! with warnings, failed, missing), its file and its diagnostics. Enter shows the module's
//! objects in the tree.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::describe::Description;
use super::list::ListDetails;
use super::overlays::{Outcome, Prompt};
use crate::mib::{DefId, Mib, ModuleId, ModuleStatus, NodeId};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{self, KeyHint};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

struct Row {
    id: ModuleId,
    name: SafeText,
    status: ModuleStatus,
    definitions: u32,
    errors: u32,
    warnings: u32,
}

pub struct ModulesView {
    rows: Vec<Row>,
    pane: ListDetails,
    /// `+`: the directory to add to the MIB search path.
    prompt: Option<Prompt>,
}

fn status_style(s: ModuleStatus) -> ratatui::style::Style {
    match s {
        ModuleStatus::Loaded => theme::ok(),
        ModuleStatus::LoadedWithWarnings => theme::warning(),
        ModuleStatus::Failed | ModuleStatus::Missing => theme::error(),
    }
}

/// The node to show for a module: its MODULE-IDENTITY, else its first object in the tree.
fn module_node(mib: &Mib, module: ModuleId) -> Option<NodeId> {
    let mut first = None;
    for i in 0..mib.def_count() {
        let d = mib.def(DefId(i as u32));
        if d.module() != module {
            continue;
        }
        let Some(node) = d.node() else { continue };
        if d.kind() == crate::mib::DefKind::ModuleIdentity {
            return Some(node.id());
        }
        first.get_or_insert(node.id());
    }
    first
}

impl ModulesView {
    pub fn new(mib: &Mib) -> ModulesView {
        let mut rows: Vec<Row> = mib
            .modules()
            .filter_map(|id| {
                let info = mib.module_info(id)?;
                Some(Row {
                    id,
                    name: SafeText::new(&info.name),
                    status: info.status,
                    definitions: info.definitions,
                    errors: info.errors,
                    warnings: info.warnings,
                })
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        let mut v = ModulesView {
            rows,
            pane: ListDetails::default(),
            prompt: None,
        };
        v.refresh(mib);
        v
    }

    fn refresh(&mut self, mib: &Mib) {
        let Some(i) = self.pane.needs_details() else {
            return;
        };
        let Some(row) = self.rows.get(i) else { return };
        let Some(info) = mib.module_info(row.id) else {
            return;
        };
        let t = |s: &str| SafeText::new(s);
        let mut d = Description {
            title: row.name.clone(),
            ..Description::default()
        };
        d.fields.push(("Status", t(info.status.as_str())));
        d.fields.push((
            "File",
            t(info
                .file
                .as_deref()
                .unwrap_or(if info.builtin { "built in" } else { "-" })),
        ));
        d.fields.push(("Language", t(info.language)));
        if let Some(u) = &info.last_updated {
            d.fields.push(("Updated", t(u)));
        }
        d.fields
            .push(("Defines", t(&format!("{} definitions", info.definitions))));
        let diags: Vec<SafeText> = mib
            .module_diagnostics(&info.name)
            .map(|x| {
                t(&format!(
                    "{}:{}:{} {} {}: {}",
                    x.file,
                    x.pos.line,
                    x.pos.col,
                    x.severity,
                    x.code.as_str(),
                    x.message
                ))
            })
            .collect();
        if !diags.is_empty() {
            d.lists.push(("Diagnostics", diags));
        }
        self.pane.details.show(d);
    }
}

impl Component for ModulesView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(p) = self.prompt.as_mut() {
            p.handle(input, ctx);
            match std::mem::replace(&mut p.outcome, Outcome::Open) {
                Outcome::Open => {}
                Outcome::Cancelled => self.prompt = None,
                Outcome::Chosen(text) => {
                    let dir = std::path::PathBuf::from(shellexpand_home(&text));
                    if dir.is_dir() {
                        self.prompt = None;
                        ctx.reload_mibs(Some(dir));
                    } else {
                        p.error = Some(SafeText::new(&format!("{text} is not a directory")));
                    }
                }
            }
            return Handled::Consumed;
        }
        if let Input::Key(k) = input {
            if keys::char(k, 'R') {
                ctx.reload_mibs(None);
                return Handled::Consumed;
            }
            if keys::char(k, '+') {
                self.prompt = Some(
                    Prompt::new("Add a MIB directory", "directory: ").with_example(
                        "searched recursively; its modules are loaded with the others",
                    ),
                );
                return Handled::Consumed;
            }
            if keys::plain(k, KeyCode::Enter) {
                let mib = ctx.shared.mib.clone();
                match self
                    .rows
                    .get(self.pane.selected())
                    .and_then(|r| module_node(&mib, r.id))
                {
                    Some(node) => ctx.browse(node),
                    None => ctx.info("this module defines nothing in the OID tree"),
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
        if let Some(p) = &self.prompt {
            p.hints(out);
            return;
        }
        out.push(KeyHint::bar("Enter", "show in the tree"));
        out.push(KeyHint::bar("R", "reload the MIB files"));
        out.push(KeyHint::bar("+", "add a MIB directory"));
        self.pane.hints(out);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let width = ListDetails::list_width(area);
        let wide = width >= 44;
        let name_w = width.saturating_sub(if wide { 20 } else { 13 }).max(8);
        let lines: Vec<Line<'static>> = self
            .rows
            .iter()
            .map(|r| {
                let problems = match (r.errors, r.warnings) {
                    (0, 0) => String::new(),
                    (0, w) => format!("{w}w"),
                    (e, _) => format!("{e}e"),
                };
                Line::from(vec![
                    Span::raw(format!(
                        "{:<name_w$} ",
                        widgets::fit(r.name.as_str(), name_w)
                    )),
                    Span::styled(
                        format!("{:<8}", short_status(r.status)),
                        status_style(r.status),
                    ),
                    Span::styled(
                        format!("{:>6} {:>5}", r.definitions, problems),
                        theme::dim(),
                    ),
                ])
            })
            .collect();
        let title = format!("Modules · {}", self.rows.len());
        self.pane.draw(frame, area, &title, &lines, shared);
        if let Some(p) = &self.prompt {
            p.draw(frame, area, shared);
        }
    }
}

/// `~/x` as the user's home directory's `x`.
fn shellexpand_home(text: &str) -> String {
    match (text.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => text.to_string(),
    }
}

fn short_status(s: ModuleStatus) -> &'static str {
    match s {
        ModuleStatus::Loaded => "ok",
        ModuleStatus::LoadedWithWarnings => "warnings",
        ModuleStatus::Failed => "failed",
        ModuleStatus::Missing => "missing",
    }
}

impl View for ModulesView {
    fn id(&self) -> ViewId {
        ViewId::Modules
    }

    fn title(&self) -> &str {
        "Modules"
    }

    fn modal(&self) -> bool {
        self.prompt.is_some()
    }
}
