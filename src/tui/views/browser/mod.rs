//! The MIB browser: the OID tree on the left, the selected node's details on the right,
//! results of requests below; popups for search, go-to, cross-references and set. From a
//! node, when connected: get, getnext, walk, watch and set.

mod results;
mod search;
pub mod set_editor;
mod tree;
pub mod tree_model;
mod watch;

use crossterm::event::{KeyCode, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};

use self::results::{ResultSet, ResultsPane};
use self::search::SearchBox;
use self::set_editor::SetEditor;
use self::tree::TreePane;
use self::tree_model::TreeModel;
use self::watch::Watch;
use super::describe::describe_node;
use super::details::DetailsPane;
use super::overlays::{Outcome, Picker, Prompt};
use super::xref;
use crate::mib::{Mib, NodeId, ObjectClass};
use crate::proto::{Oid, Value};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{self, KeyHint};
use crate::tui::request::{Failure, Reply, RequestId, RequestSpec};
use crate::tui::sanitize::SafeText;

enum Overlay {
    Search(SearchBox),
    Goto(Prompt),
    Xref(Picker),
    Set(Box<SetEditor>),
}

impl Overlay {
    fn component(&mut self) -> &mut dyn Component {
        match self {
            Overlay::Search(c) => c,
            Overlay::Goto(c) => c,
            Overlay::Xref(c) => c,
            Overlay::Set(c) => c.as_mut(),
        }
    }

    fn view(&self) -> &dyn Component {
        match self {
            Overlay::Search(c) => c,
            Overlay::Goto(c) => c,
            Overlay::Xref(c) => c,
            Overlay::Set(c) => c.as_ref(),
        }
    }
}

/// Where the panes are inside the view.
struct Panes {
    tree: Rect,
    details: Rect,
    results: Option<Rect>,
}

pub struct BrowserView {
    tree: TreePane,
    details: DetailsPane,
    results: ResultsPane,
    overlay: Option<Overlay>,
    results_hidden: bool,
    /// The node the details show.
    shown: Option<NodeId>,
    /// An instance typed with `:` (`ifDescr.3`): the node and the arcs after it.
    instance: Option<(NodeId, Vec<u32>)>,
    connected: bool,
}

impl BrowserView {
    /// The browser over `mib`, at `start` (default: the system group, where an admin looks
    /// first).
    pub fn new(mib: &Mib, connected: bool, start: Option<NodeId>, height: usize) -> BrowserView {
        let mut model = TreeModel::new(mib);
        let start = start.or_else(|| mib.resolve("SNMPv2-MIB::system").ok().map(|r| r.node));
        if let Some(node) = start {
            model.reveal(mib, node, height.saturating_sub(2));
        }
        let mut b = BrowserView {
            tree: TreePane::new(model),
            details: DetailsPane::default(),
            results: ResultsPane::default(),
            overlay: None,
            results_hidden: false,
            shown: None,
            instance: None,
            connected,
        };
        b.refresh_details(mib);
        b
    }

    fn panes(&self, body: Rect) -> Panes {
        let show_results = !self.results_hidden && !self.results.sets.is_empty();
        let (top, results) = if show_results {
            let h = (body.height / 3).max(6).min(body.height.saturating_sub(6));
            let [top, bottom] =
                Layout::vertical([Constraint::Min(6), Constraint::Length(h)]).areas(body);
            (top, Some(bottom))
        } else {
            (body, None)
        };
        let tree_w = (top.width * 2 / 5).clamp(24.min(top.width), 60);
        let [tree, details] =
            Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(10)]).areas(top);
        Panes {
            tree,
            details,
            results,
        }
    }

    fn refresh_details(&mut self, mib: &Mib) {
        let selected = self.tree.model.selected();
        if selected != self.shown {
            self.shown = selected;
            if let Some(node) = selected {
                self.details.show(describe_node(mib, node));
            }
        }
    }

    fn selected(&self) -> Option<NodeId> {
        self.tree.model.selected()
    }

    /// The instance arcs to use for `node`: typed with `:`, or the selected result row's
    /// when it is under the node, or `.0` for a scalar.
    fn instance_of(&self, mib: &Mib, node: NodeId) -> Option<Vec<u32>> {
        if let Some((n, arcs)) = &self.instance {
            if *n == node {
                return Some(arcs.clone());
            }
        }
        let base = mib.node(node).oid();
        if let Some(row) = self.results.current().and_then(|s| s.selected_row()) {
            if row.oid.starts_with(&base) && row.oid.len() > base.len() {
                return Some(row.oid.arcs()[base.len()..].to_vec());
            }
        }
        let scalar = mib
            .node(node)
            .def()
            .is_some_and(|d| d.object_class() == ObjectClass::Scalar);
        scalar.then(|| vec![0])
    }

    fn start(&mut self, ctx: &mut Ctx<'_>, title: String, spec: RequestSpec, watch: bool) {
        if let Ok(id) = ctx.request(title.clone(), spec.clone()) {
            let watch = watch.then(|| {
                let mut w = Watch::new(spec);
                w.last_poll = Some(ctx.shared.now);
                w
            });
            self.results.push(ResultSet::new(title, Some(id), watch));
            self.results_hidden = false;
        }
    }

    fn request(&mut self, ctx: &mut Ctx<'_>, verb: char) {
        let mib = ctx.shared.mib.clone();
        let Some(node) = self.selected() else { return };
        let n = mib.node(node);
        let base = n.oid();
        let name = SafeText::new(
            &n.def()
                .map_or_else(|| n.name().into_owned(), |d| d.qualified_name()),
        );
        let instance = self.instance_of(&mib, node);
        let with_instance = |arcs: &[u32]| {
            let mut v = base.arcs().to_vec();
            v.extend_from_slice(arcs);
            Oid::new(v)
        };
        let suffix = |arcs: &[u32]| {
            arcs.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".")
        };
        match verb {
            'g' => match &instance {
                Some(arcs) => {
                    let title = format!("get {name}.{}", suffix(arcs));
                    self.start(
                        ctx,
                        title,
                        RequestSpec::Get(vec![with_instance(arcs)]),
                        false,
                    );
                }
                // A column or a group: the first instance under it.
                None => self.start(
                    ctx,
                    format!("getnext {name}"),
                    RequestSpec::GetNext(vec![base]),
                    false,
                ),
            },
            'n' => {
                let oid = instance
                    .as_deref()
                    .map_or_else(|| base.clone(), with_instance);
                self.start(
                    ctx,
                    format!("getnext {name}"),
                    RequestSpec::GetNext(vec![oid]),
                    false,
                );
            }
            'w' => self.start(ctx, format!("walk {name}"), RequestSpec::Walk(base), false),
            'W' => {
                if self
                    .results
                    .watch_mut()
                    .is_some_and(|s| s.title.ends_with(&format!(" {name}")))
                {
                    self.stop_watch(ctx);
                    return;
                }
                self.stop_watch(ctx);
                let spec = match (&instance, n.child_count()) {
                    (Some(arcs), _) => RequestSpec::Get(vec![with_instance(arcs)]),
                    (None, _) => RequestSpec::Walk(base),
                };
                self.start(ctx, format!("watch {name}"), spec, true);
            }
            _ => {}
        }
    }

    fn stop_watch(&mut self, ctx: &mut Ctx<'_>) {
        for set in &mut self.results.sets {
            if set.watch.take().is_some() {
                if let Some(id) = set.request.take() {
                    ctx.cancel(id);
                }
                if set.state == results::RunState::Running {
                    set.state = results::RunState::Cancelled;
                }
                ctx.info(format!("stopped: {}", set.title));
            }
        }
    }

    fn open_set_editor(&mut self, ctx: &mut Ctx<'_>) {
        let mib = ctx.shared.mib.clone();
        let Some(node) = self.selected() else { return };
        let Some(def) = mib.node(node).def() else {
            ctx.error("this node has no definition: nothing to set");
            return;
        };
        if let Some(why) = set_editor::refuse(&def) {
            ctx.error(why);
            return;
        }
        let instance = self.instance_of(&mib, node);
        let current = self
            .results
            .current()
            .and_then(|s| s.selected_row())
            .filter(|r| r.oid.starts_with(&mib.node(node).oid()))
            .map(|r| r.raw.clone())
            .filter(|v| {
                !matches!(
                    v,
                    Value::NoSuchInstance | Value::NoSuchObject | Value::EndOfMibView
                )
            });
        let text = instance
            .map(|a| a.iter().map(u32::to_string).collect::<Vec<_>>().join("."))
            .unwrap_or_default();
        match SetEditor::new(&mib, node, &text, current.as_ref()) {
            Some(e) => self.overlay = Some(Overlay::Set(Box::new(e))),
            None => ctx.error(format!("{} has no syntax the editor knows", def.name())),
        }
    }

    fn goto(&mut self, text: &str, ctx: &mut Ctx<'_>, height: usize) -> Result<(), String> {
        let mib = ctx.shared.mib.clone();
        let resolved = match text.parse::<Oid>() {
            Ok(oid) => {
                let (node, depth) = mib.lookup_oid(&oid);
                if depth == 0 {
                    return Err(format!("no loaded MIB knows {oid}"));
                }
                (node, oid.arcs()[depth..].to_vec())
            }
            Err(_) => {
                let r = mib.resolve(text).map_err(|e| e.to_string())?;
                (r.node, r.suffix)
            }
        };
        self.tree.model.reveal(&mib, resolved.0, height);
        self.instance = (!resolved.1.is_empty()).then_some(resolved);
        Ok(())
    }

    fn overlay_outcome(&mut self, ctx: &mut Ctx<'_>, height: usize) {
        let mib = ctx.shared.mib.clone();
        let mut close = false;
        match self.overlay.as_mut() {
            Some(Overlay::Search(s)) => {
                if let Some(choice) = s.outcome.take() {
                    if let Some(node) = choice {
                        self.instance = None;
                        self.tree.model.reveal(&mib, node, height);
                    }
                    close = true;
                }
            }
            Some(Overlay::Goto(p)) => match std::mem::replace(&mut p.outcome, Outcome::Open) {
                Outcome::Open => {}
                Outcome::Cancelled => close = true,
                Outcome::Chosen(text) => {
                    let text = text.clone();
                    match self.goto(&text, ctx, height) {
                        Ok(()) => close = true,
                        Err(e) => {
                            if let Some(Overlay::Goto(p)) = self.overlay.as_mut() {
                                p.error = Some(SafeText::new(&e));
                            }
                        }
                    }
                }
            },
            Some(Overlay::Xref(p)) => match p.outcome {
                Outcome::Open => {}
                Outcome::Cancelled => close = true,
                Outcome::Chosen(node) => {
                    self.instance = None;
                    self.tree.model.reveal(&mib, node, height);
                    close = true;
                }
            },
            Some(Overlay::Set(e)) => match std::mem::replace(&mut e.outcome, Outcome::Open) {
                Outcome::Open => {}
                Outcome::Cancelled => close = true,
                Outcome::Chosen(vb) => {
                    let names = &ctx.shared.loaded.names;
                    let title = format!("set {}", crate::tui::backend::name_of(&vb.oid, names));
                    self.start(ctx, title, RequestSpec::Set(vec![vb]), false);
                    close = true;
                }
            },
            None => {}
        }
        if close {
            self.overlay = None;
        }
    }

    fn browser_key(&mut self, key: &crossterm::event::KeyEvent, ctx: &mut Ctx<'_>) -> Handled {
        let mib = ctx.shared.mib.clone();
        if keys::char(key, '/') {
            self.overlay = Some(Overlay::Search(SearchBox::new()));
        } else if keys::char(key, ':') {
            self.overlay = Some(Overlay::Goto(
                Prompt::new("Go to", ": ")
                    .with_example("e.g. ifHCInOctets, IF-MIB::ifDescr.3, .1.3.6.1.2.1.1"),
            ));
        } else if keys::plain(key, KeyCode::Enter) {
            let Some(node) = self.selected() else {
                return Handled::Consumed;
            };
            let n = mib.node(node);
            let leaf = n.def().is_some_and(|d| {
                matches!(d.object_class(), ObjectClass::Scalar | ObjectClass::Column)
            });
            if leaf && self.connected {
                self.request(
                    ctx,
                    if n.def()
                        .is_some_and(|d| d.object_class() == ObjectClass::Column)
                    {
                        'w'
                    } else {
                        'g'
                    },
                );
            } else {
                self.tree.model.toggle(&mib);
            }
        } else if let Some(c) = ['g', 'n', 'w', 'W']
            .into_iter()
            .find(|c| keys::char(key, *c))
        {
            self.request(ctx, c);
        } else if keys::char(key, 'e') {
            self.open_set_editor(ctx);
        } else if keys::char(key, 't') && self.connected {
            // The table view reads the table this node is, or is in (it says when none).
            if let Some(node) = self.selected() {
                ctx.open(ViewId::Table, node);
            }
        } else if keys::char(key, 'y') {
            let text = match (
                self.results.focused,
                self.results.current().and_then(|s| s.selected_row()),
            ) {
                (true, Some(row)) => row.oid.to_string(),
                _ => match self.selected() {
                    Some(n) => mib.node(n).oid().to_string(),
                    None => return Handled::Consumed,
                },
            };
            ctx.info(format!("copied {text}"));
            ctx.copy(text);
        } else if keys::char(key, 'x') {
            let Some(node) = self.selected() else {
                return Handled::Consumed;
            };
            let items = xref::references_to_node(&mib, node);
            if items.is_empty() {
                ctx.info(format!(
                    "nothing in the loaded MIBs refers to {}",
                    mib.node(node).name()
                ));
            } else {
                let title = format!("{} is used by", mib.node(node).name());
                self.overlay = Some(Overlay::Xref(Picker::new(title, items)));
            }
        } else if keys::char(key, 'r') && !self.results.sets.is_empty() {
            self.results.focused = !self.results.focused;
            self.results_hidden = false;
            self.tree.focused = !self.results.focused;
        } else if keys::char(key, 'R') {
            self.results_hidden = !self.results_hidden;
            if self.results_hidden {
                self.results.focused = false;
                self.tree.focused = true;
            }
        } else if keys::plain(key, KeyCode::Esc) {
            let running: Vec<RequestId> =
                self.results.sets.iter().filter_map(|s| s.request).collect();
            if self.results.sets.iter().any(|s| s.watch.is_some()) {
                self.stop_watch(ctx);
            } else if !running.is_empty() {
                for id in running {
                    ctx.cancel(id);
                    if let Some(set) = self.results.by_request(id) {
                        set.fail(SafeText::default(), true);
                    }
                }
                ctx.info("cancelled");
            } else if self.results.focused {
                self.results.focused = false;
                self.tree.focused = true;
            } else {
                return Handled::NotConsumed;
            }
        } else if self.results.focused && keys::plain(key, KeyCode::Enter) {
            return Handled::Consumed;
        } else {
            return Handled::NotConsumed;
        }
        Handled::Consumed
    }

    fn results_key(
        &mut self,
        key: &crossterm::event::KeyEvent,
        ctx: &mut Ctx<'_>,
        height: usize,
    ) -> Handled {
        let mib = ctx.shared.mib.clone();
        if keys::plain(key, KeyCode::Enter) {
            if let Some(row) = self.results.current().and_then(|s| s.selected_row()) {
                let (node, depth) = mib.lookup_oid(&row.oid);
                if depth > 0 {
                    let arcs = row.oid.arcs()[depth..].to_vec();
                    self.tree.model.reveal(&mib, node, height);
                    self.instance = (!arcs.is_empty()).then_some((node, arcs));
                }
            }
            return Handled::Consumed;
        }
        if let Some(set) = self.results.watch_mut() {
            if keys::char(key, '+') {
                set.watch.as_mut().map(Watch::faster);
                return Handled::Consumed;
            }
            if keys::char(key, '-') {
                set.watch.as_mut().map(Watch::slower);
                return Handled::Consumed;
            }
        }
        Handled::NotConsumed
    }
}

impl Component for BrowserView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let panes = self.panes(ctx.area);
        let tree_height = crate::tui::widgets::inner_height(panes.tree);
        if let Some(overlay) = self.overlay.as_mut() {
            overlay.component().handle(input, ctx);
            self.overlay_outcome(ctx, tree_height);
            let mib = ctx.shared.mib.clone();
            self.refresh_details(&mib);
            return Handled::Consumed;
        }
        let mut handled = Handled::NotConsumed;
        if let Input::Mouse(m) = input {
            let at = Position::new(m.column, m.row);
            if panes.tree.contains(at) {
                self.results.focused = false;
                self.tree.focused = true;
                handled = self.tree.handle(input, &mut ctx.with_area(panes.tree));
            } else if panes.details.contains(at) {
                handled = self
                    .details
                    .handle(input, &mut ctx.with_area(panes.details));
            } else if let Some(r) = panes.results.filter(|r| r.contains(at)) {
                handled = self.results.handle(input, &mut ctx.with_area(r));
                if matches!(m.kind, MouseEventKind::Down(_)) {
                    self.tree.focused = false;
                }
            }
        } else if let Input::Key(key) = input {
            if self.results.focused {
                let area = panes.results.unwrap_or(panes.details);
                handled = self.results_key(key, ctx, tree_height);
                if handled == Handled::NotConsumed {
                    handled = self.results.handle(input, &mut ctx.with_area(area));
                }
            } else {
                handled = self.tree.handle(input, &mut ctx.with_area(panes.tree));
            }
            if handled == Handled::NotConsumed {
                handled = self
                    .details
                    .handle(input, &mut ctx.with_area(panes.details));
            }
            if handled == Handled::NotConsumed && !self.results.focused {
                if let Some(r) = panes.results {
                    // [ and ] page the history from the tree too.
                    handled = self.results.handle(input, &mut ctx.with_area(r));
                }
            }
            if handled == Handled::NotConsumed {
                handled = self.browser_key(key, ctx);
            }
        } else if let Input::Paste(text) = input {
            // Pasting an OID or a name searches for it.
            let mut s = SearchBox::new();
            s.handle(&Input::Paste(text.clone()), ctx);
            self.overlay = Some(Overlay::Search(s));
            handled = Handled::Consumed;
        }
        let mib = ctx.shared.mib.clone();
        let before = self.shown;
        self.refresh_details(&mib);
        if before != self.shown {
            // A typed instance belongs to the node it was typed for.
            if self
                .instance
                .as_ref()
                .is_some_and(|(n, _)| Some(*n) != self.shown)
            {
                self.instance = None;
            }
        }
        handled
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if let Some(o) = &self.overlay {
            o.view().hints(out);
            return;
        }
        out.push(KeyHint::bar("/", "search"));
        if self.connected {
            out.extend([
                KeyHint::bar("g", "get"),
                KeyHint::bar("w", "walk"),
                KeyHint::bar("e", "set"),
                KeyHint::bar("W", "watch"),
                KeyHint::bar("t", "table"),
                KeyHint::help("n", "getnext"),
                KeyHint::help("Enter", "expand, or get a scalar / walk a column"),
            ]);
        } else {
            out.push(KeyHint::help("Enter", "expand or collapse"));
        }
        out.extend([
            KeyHint::bar(":", "go to"),
            KeyHint::help("y", "copy the OID (OSC 52)"),
            KeyHint::help("x", "cross-references: what uses this node"),
        ]);
        if !self.results.sets.is_empty() {
            out.push(KeyHint::help("r", "results pane: focus / unfocus"));
            out.push(KeyHint::help("R", "results pane: hide / show"));
            out.push(KeyHint::help("Esc", "cancel the running request"));
        }
        if self.results.focused {
            self.results.hints(out);
            out.push(KeyHint::help("Enter", "show the row's object in the tree"));
            if self.results.current().is_some_and(|s| s.watch.is_some()) {
                out.push(KeyHint::help("+ -", "poll faster / slower"));
            }
        } else {
            self.tree.hints(out);
            if !self.results.sets.is_empty() {
                out.push(KeyHint::help("[ ]", "previous / next result"));
            }
        }
        self.details.hints(out);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let panes = self.panes(area);
        self.tree.draw(frame, panes.tree, shared);
        self.details.draw(frame, panes.details, shared);
        if let Some(r) = panes.results {
            self.results.draw(frame, r, shared);
        }
        if let Some(o) = &self.overlay {
            o.view().draw(frame, area, shared);
        }
    }
}

impl View for BrowserView {
    /// Built offline, it cannot query: an agent connected, a connected one replaces it
    /// (at the same node).
    fn for_one_agent(&self) -> bool {
        !self.connected
    }

    fn id(&self) -> ViewId {
        ViewId::Browser
    }

    fn title(&self) -> &str {
        "MIB"
    }

    fn position(&self) -> Option<NodeId> {
        self.selected()
    }

    fn modal(&self) -> bool {
        self.overlay.is_some()
    }

    fn on_reply(&mut self, id: RequestId, reply: Reply, ctx: &mut Ctx<'_>) {
        let now = ctx.shared.now;
        if let Reply::Found(nodes) = &reply {
            if let Some(Overlay::Search(s)) = self.overlay.as_mut() {
                s.found(id, nodes, &ctx.shared.mib);
            }
            return;
        }
        let Some(set) = self.results.by_request(id) else {
            return;
        };
        match reply {
            Reply::Rows(rows) => set.extend(rows),
            Reply::Done { rows, took } => {
                let watching = set.watch.is_some();
                set.finish(rows, took, now);
                if !watching {
                    let summary = match set.rows.as_slice() {
                        [one] => format!("{} = {}", one.name, one.value),
                        rows => format!("{} rows", rows.len()),
                    };
                    ctx.info(format!(
                        "{}: {summary} ({:.2} s)",
                        set.title,
                        took.as_secs_f64()
                    ));
                }
            }
            Reply::Found(_) | Reply::Polled { .. } | Reply::Progress(_) => {}
            Reply::Failed(f) => {
                let cancelled = matches!(f, Failure::Cancelled);
                let message = SafeText::new(&f.to_string());
                if !cancelled {
                    ctx.error(format!("{}: {message}", set.title));
                }
                set.fail(message, cancelled);
            }
        }
    }

    fn on_tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.shared.now;
        let mut changed = false;
        if let Some(Overlay::Search(s)) = self.overlay.as_mut() {
            changed |= s.tick(ctx);
        }
        // A watch polls again once its interval has passed and its last poll is answered.
        let due = self
            .results
            .sets
            .iter()
            .position(|s| s.request.is_none() && s.watch.as_ref().is_some_and(|w| w.due(now)));
        if let Some(i) = due {
            let (title, spec) = {
                let set = &self.results.sets[i];
                let w = set.watch.as_ref().expect("a watch");
                (set.title.clone(), w.spec.clone())
            };
            if let Ok(id) = ctx.request(title, spec) {
                let set = &mut self.results.sets[i];
                set.request = Some(id);
                set.state = results::RunState::Running;
                if let Some(w) = set.watch.as_mut() {
                    w.last_poll = Some(now);
                }
                changed = true;
            }
        }
        changed
    }

    fn browse(&mut self, node: NodeId, ctx: &mut Ctx<'_>) {
        let mib = ctx.shared.mib.clone();
        let height = crate::tui::widgets::inner_height(self.panes(ctx.area).tree);
        self.overlay = None;
        self.instance = None;
        self.results.focused = false;
        self.tree.focused = true;
        self.tree.model.reveal(&mib, node, height);
        self.refresh_details(&mib);
    }
}
