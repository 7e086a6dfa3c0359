//! The application state and the one place events are handled: input goes to the help
//! overlay when it is open, else to the active view, else to the global keys; replies go
//! to the view that asked; what components queue becomes `Effect`s for the loop to carry
//! out (start or cancel a request task, copy, quit). No I/O happens here, so tests drive
//! the app with events and read the screen it renders.

use std::collections::BTreeMap;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::component::{Action, Ctx, Handled, Input, Level, Queue, Shared, Status, View};
use super::event::Event;
use super::keys::{self, HintGroup, KeyHint, ListCursor, Motion};
use super::request::{Failure, Reply, RequestId, RequestSpec};
use super::sanitize::SafeText;
use super::ui;
use super::views::agents::{AgentListing, AgentsInput, AgentsPopup};
use super::views::login::{LoginInput, LoginPrompt, Passphrase};
use crate::mib::NodeId;
use crate::tui::component::ViewId;

/// What the loop must do after an event.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Start {
        id: RequestId,
        spec: RequestSpec,
    },
    Cancel(RequestId),
    Copy(String),
    /// Load the MIBs again in the background, with a directory added.
    ReloadMibs(Option<std::path::PathBuf>),
    /// Connect with the pass phrase typed at the prompt.
    Login(Passphrase),
    /// Read the profiles file for the Agents popup.
    ListAgents,
    /// Connect to this profile (chosen in the Agents popup).
    Connect(String),
    Quit,
}

/// A request on its way.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The view that asked (its index).
    pub owner: usize,
    /// What the status line says it is: `walk IF-MIB::ifTable`.
    pub label: String,
    pub started: Instant,
    /// A live view's routine poll: shown only once it takes longer than `QUIET_GRACE`.
    pub quiet: bool,
    /// The engine's last word on it (retry 1/2, discovering the agent's engine).
    pub progress: Option<SafeText>,
    /// It goes to the agent (not local work such as a search of descriptions).
    pub remote: bool,
}

/// How long a routine poll may run before the status line shows it.
pub const QUIET_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

impl Pending {
    /// Whether the status line shows it at `now`.
    pub fn shown(&self, now: Instant) -> bool {
        !self.quiet || now.saturating_duration_since(self.started) >= QUIET_GRACE
    }
}

/// The keys that work everywhere (unless a text field has the focus).
pub const GLOBAL_HINTS: [KeyHint; 7] = [
    KeyHint::bar("Tab", "next view"),
    KeyHint::help("Shift-Tab", "previous view"),
    KeyHint::help("1-9", "view by number"),
    KeyHint::help("A", "agents: connect to a profile"),
    KeyHint::bar("?", "help"),
    KeyHint::help("Esc", "back / cancel"),
    KeyHint::bar("q", "quit"),
];

pub struct App {
    pub shared: Shared,
    views: Vec<Box<dyn View>>,
    active: usize,
    /// Views left with Tab, for Esc.
    back: Vec<usize>,
    /// The help overlay, when open, with its scroll position.
    help: Option<ListCursor>,
    status: Option<Status>,
    pending: BTreeMap<RequestId, Pending>,
    queue: Queue,
    size: Rect,
    /// Something changed since the last draw.
    redraw: bool,
    /// Since when a reload of the MIBs is under way.
    reloading: Option<Instant>,
    /// The pass-phrase prompt, while an agent waits for a secret.
    login: Option<LoginPrompt>,
    /// The Agents popup, when open.
    agents: Option<AgentsPopup>,
    /// The profile being connected to, and since when.
    connecting: Option<(SafeText, Instant)>,
}

impl App {
    pub fn new(shared: Shared, views: Vec<Box<dyn View>>, width: u16, height: u16) -> App {
        assert!(!views.is_empty(), "the app needs a view");
        App {
            shared,
            views,
            active: 0,
            back: Vec::new(),
            help: None,
            status: None,
            pending: BTreeMap::new(),
            queue: Queue::default(),
            size: Rect::new(0, 0, width, height),
            redraw: true,
            reloading: None,
            login: None,
            agents: None,
            connecting: None,
        }
    }

    /// Handles one event at time `now`; returns what the loop must do.
    pub fn handle(&mut self, event: Event, now: Instant) -> Vec<Effect> {
        self.shared.now = now;
        // A routine poll's progress (one per request of a table walk) changes nothing on
        // screen until the poll is slow enough to be shown.
        let unseen_progress = matches!(&event, Event::Reply { id, reply: Reply::Progress(_) }
            if self.pending.get(id).is_none_or(|p| !p.shown(now)));
        if !matches!(event, Event::Tick | Event::Trap(_)) && !unseen_progress {
            self.redraw = true;
        }
        let mut effects = Vec::new();
        match event {
            Event::Input(input) => self.input(&input, &mut effects),
            Event::Resize { width, height } => self.size = Rect::new(0, 0, width, height),
            Event::Tick => {
                let owner = self.active;
                let area = self.body();
                let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
                let changed = self.views[owner].on_tick(&mut ctx);
                self.apply_queue(owner, &mut effects);
                // Spinners and elapsed times move while requests are pending.
                let now = self.shared.now;
                let spinning = self.pending.values().any(|p| p.shown(now));
                self.redraw |= changed
                    || spinning
                    || self.reloading.is_some()
                    || self.connecting.is_some()
                    || !effects.is_empty();
                return effects;
            }
            Event::Reply { id, reply } => self.reply(id, reply, &mut effects),
            Event::Trap(trap) => {
                for (i, view) in self.views.iter_mut().enumerate() {
                    let before = view.title().to_string();
                    let changed = view.on_trap(&trap, &self.shared);
                    // Shown, or its tab's count moved.
                    self.redraw |= changed && (i == self.active || view.title() != before);
                }
            }
            // The loop rebuilds the views with `replace_mib`; nothing else to do here.
            // The loop handles these (a new MIB, a new connection) before the app sees
            // anything of them.
            Event::MibsLoaded(_) | Event::Connected(_) | Event::Agents(_) => {}
            Event::InputClosed(reason) => {
                self.set_status(Level::Error, &format!("terminal input closed: {reason}"));
                effects.push(Effect::Quit);
            }
        }
        effects
    }

    fn input(&mut self, input: &Input, effects: &mut Vec<Effect>) {
        if let Input::Key(key) = input {
            if keys::ctrl(key, 'c') {
                effects.push(Effect::Quit);
                return;
            }
        }
        if self.help.is_some() {
            self.help_input(input);
            return;
        }
        if let Some(prompt) = self.login.as_mut() {
            match prompt.handle(input) {
                LoginInput::Typing => {}
                LoginInput::Submit(secret) => effects.push(Effect::Login(secret)),
                LoginInput::GiveUp => {
                    self.login = None;
                    let text = match &self.shared.agent {
                        Some(a) => format!("no pass phrase given: still connected to {}", a.label),
                        None => "not connected: no pass phrase given (A lists the agents)".into(),
                    };
                    self.set_status(Level::Warning, &text);
                }
            }
            return;
        }
        if let Some(popup) = self.agents.as_mut() {
            match popup.handle(input) {
                AgentsInput::Stay => {}
                AgentsInput::Close => self.agents = None,
                AgentsInput::Connect(name) => {
                    self.agents = None;
                    self.connecting = Some((SafeText::new(&name), self.shared.now));
                    effects.push(Effect::Connect(name));
                }
            }
            return;
        }
        if let Input::Mouse(m) = input {
            if self.tab_click(m, effects) {
                return;
            }
        }
        let owner = self.active;
        let area = self.body();
        let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
        let handled = self.views[owner].handle(input, &mut ctx);
        self.apply_queue(owner, effects);
        if handled == Handled::Consumed {
            return;
        }
        if let Input::Key(key) = input {
            self.global_key(key, effects);
        }
    }

    fn global_key(&mut self, key: &KeyEvent, effects: &mut Vec<Effect>) {
        let n = self.views.len();
        if keys::plain(key, KeyCode::Tab) {
            self.switch_to((self.active + 1) % n, effects);
        } else if key.code == KeyCode::BackTab {
            self.switch_to((self.active + n - 1) % n, effects);
        } else if let KeyCode::Char(c @ '1'..='9') = key.code {
            let i = c as usize - '1' as usize;
            if i < n {
                self.switch_to(i, effects);
            }
        } else if keys::char(key, '?') {
            self.help = Some(ListCursor::default());
        } else if keys::char(key, 'A') {
            self.agents = Some(AgentsPopup::new(self.shared.agent.as_ref()));
            effects.push(Effect::ListAgents);
        } else if keys::char(key, 'q') {
            effects.push(Effect::Quit);
        } else if keys::plain(key, KeyCode::Esc) {
            if let Some(prev) = self.back.pop() {
                self.leave_active(effects);
                self.active = prev;
                self.enter_active(effects);
            }
        }
    }

    fn help_input(&mut self, input: &Input) {
        let lines = ui::help_lines(&self.help_groups()).len();
        let Some(cursor) = self.help.as_mut() else {
            return;
        };
        let height = usize::from(self.size.height.saturating_sub(4));
        match input {
            Input::Key(k)
                if keys::plain(k, KeyCode::Esc) || keys::char(k, '?') || keys::char(k, 'q') =>
            {
                self.help = None;
            }
            Input::Key(k) => {
                if let Some(m) = Motion::of(k) {
                    // The cursor is the top line: scrolling, not selecting.
                    cursor.apply(m, lines.saturating_sub(height) + 1, 1);
                }
            }
            Input::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown => {
                    cursor.apply(Motion::Down, lines.saturating_sub(height) + 1, 1);
                }
                MouseEventKind::ScrollUp => {
                    cursor.apply(Motion::Up, lines.saturating_sub(height) + 1, 1);
                }
                MouseEventKind::Down(_) => self.help = None,
                _ => {}
            },
            Input::Paste(_) => {}
        }
    }

    /// A click on a tab title switches to that view.
    fn tab_click(&mut self, m: &MouseEvent, effects: &mut Vec<Effect>) -> bool {
        if m.kind != MouseEventKind::Down(MouseButton::Left) {
            return false;
        }
        let areas = ui::layout(self.size);
        if !areas.tabs.contains(Position::new(m.column, m.row)) {
            return false;
        }
        let titles: Vec<&str> = self.views.iter().map(|v| v.title()).collect();
        let x = m.column.saturating_sub(areas.tabs.x);
        if let Some(i) = ui::tab_at(&titles, self.active, areas.tabs.width, x) {
            self.switch_to(i, effects);
        }
        true
    }

    fn switch_to(&mut self, index: usize, effects: &mut Vec<Effect>) {
        if index == self.active {
            return;
        }
        self.leave_active(effects);
        self.back.push(self.active);
        if self.back.len() > 32 {
            self.back.remove(0);
        }
        self.active = index;
        self.enter_active(effects);
    }

    /// Tells the view now shown that it is (a live view polls at once).
    fn enter_active(&mut self, effects: &mut Vec<Effect>) {
        let owner = self.active;
        let area = self.body();
        let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
        self.views[owner].on_enter(&mut ctx);
        self.apply_queue(owner, effects);
    }

    /// Shows the view `id` (the one the UI opens on), if there is one.
    pub fn show_view(&mut self, id: ViewId) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(i) = self.views.iter().position(|v| v.id() == id) {
            if i == self.active {
                self.enter_active(&mut effects);
            } else {
                self.switch_to(i, &mut effects);
                // Esc from the first view shown goes nowhere.
                self.back.clear();
            }
        }
        effects
    }

    /// Cancels what the active view was waiting for: nothing runs for a screen not shown.
    fn leave_active(&mut self, effects: &mut Vec<Effect>) {
        let owner = self.active;
        let ids: Vec<RequestId> = self
            .pending
            .iter()
            .filter(|(_, p)| p.owner == owner)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.pending.remove(&id);
            effects.push(Effect::Cancel(id));
            let area = self.body();
            let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
            self.views[owner].on_reply(id, Reply::Failed(Failure::Cancelled), &mut ctx);
        }
        self.views[owner].on_leave();
        // What the view queued while being told is dropped with it: it is no longer shown.
        self.queue
            .actions
            .retain(|a| !matches!(a, Action::Start { .. } | Action::Poll { .. }));
        self.apply_queue(owner, effects);
    }

    fn reply(&mut self, id: RequestId, reply: Reply, effects: &mut Vec<Effect>) {
        // A reply nobody waits for any more (cancelled, view left) is dropped.
        let Some(pending) = self.pending.get_mut(&id) else {
            return;
        };
        if let Reply::Progress(step) = reply {
            pending.progress = Some(step);
            return;
        }
        let owner = pending.owner;
        if reply.is_final() {
            self.pending.remove(&id);
        }
        let area = self.body();
        let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
        self.views[owner].on_reply(id, reply, &mut ctx);
        self.apply_queue(owner, effects);
    }

    /// Turns what components queued into effects and app state.
    fn apply_queue(&mut self, owner: usize, effects: &mut Vec<Effect>) {
        for action in std::mem::take(&mut self.queue.actions) {
            match action {
                Action::Start { id, label, spec } => {
                    self.track(owner, id, label, false, !spec.is_local());
                    effects.push(Effect::Start { id, spec });
                }
                Action::Poll { id, label, spec } => {
                    self.track(owner, id, label, true, true);
                    effects.push(Effect::Start { id, spec });
                }
                Action::Open(view, node) => self.open(view, node, effects),
                Action::Cancel(id) => {
                    if self.pending.remove(&id).is_some() {
                        effects.push(Effect::Cancel(id));
                    }
                }
                Action::Status(s) => self.status = Some(s),
                Action::Copy(text) => effects.push(Effect::Copy(text)),
                Action::ReloadMibs(dir) => {
                    if self.reloading.is_none() {
                        self.reloading = Some(self.shared.now);
                        effects.push(Effect::ReloadMibs(dir));
                    }
                }
                Action::Browse(node) => self.browse(node, effects),
                Action::Quit => effects.push(Effect::Quit),
            }
        }
    }

    /// Remembers a request started by view `owner`, for its replies and the status line.
    fn track(&mut self, owner: usize, id: RequestId, label: String, quiet: bool, remote: bool) {
        self.pending.insert(
            id,
            Pending {
                owner,
                label,
                started: self.shared.now,
                quiet,
                progress: None,
                remote,
            },
        );
    }

    fn browse(&mut self, node: NodeId, effects: &mut Vec<Effect>) {
        self.open(ViewId::Browser, node, effects);
    }

    fn open(&mut self, view: ViewId, node: NodeId, effects: &mut Vec<Effect>) {
        let Some(i) = self.views.iter().position(|v| v.id() == view) else {
            return;
        };
        self.switch_to(i, effects);
        let area = self.body();
        let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
        self.views[i].browse(node, &mut ctx);
        self.apply_queue(i, effects);
    }

    /// Asks for a pass phrase before the agent can be used.
    pub fn ask_login(&mut self, prompt: LoginPrompt) {
        self.connecting = None;
        self.login = Some(prompt);
        self.redraw = true;
    }

    /// The pass-phrase prompt, when open.
    pub fn login(&self) -> Option<&LoginPrompt> {
        self.login.as_ref()
    }

    /// A login failed: the prompt says why and asks again (for `next` when another secret
    /// is missing now).
    pub fn login_failed(&mut self, why: Option<&str>, next: Option<crate::session::Secret>) {
        if let Some(prompt) = self.login.as_mut() {
            prompt.busy = false;
            prompt.error = why.map(SafeText::new);
            if let Some(secret) = next {
                prompt.secret = secret;
            }
        }
        self.redraw = true;
    }

    /// The agent is connected (after a login, or chosen in the Agents popup): the views
    /// may use it from now on. What was asked of the agent before is cancelled; the views
    /// that hold one agent's answers (`View::for_one_agent`) are replaced by theirs in
    /// `fresh` (the views built for a connected agent), the others stay as they are.
    pub fn connected(
        &mut self,
        agent: super::backend::AgentInfo,
        fresh: Vec<Box<dyn View>>,
    ) -> Vec<Effect> {
        self.login = None;
        self.agents = None;
        self.connecting = None;
        let mut effects = Vec::new();
        let shown = self.views[self.active].id();
        self.leave_active(&mut effects);
        let remote: Vec<RequestId> = self
            .pending
            .iter()
            .filter(|(_, p)| p.remote)
            .map(|(id, _)| *id)
            .collect();
        for id in remote {
            if let Some(p) = self.pending.remove(&id) {
                effects.push(Effect::Cancel(id));
                let area = self.body();
                let mut ctx = Ctx::new(&self.shared, area, &mut self.queue);
                self.views[p.owner].on_reply(id, Reply::Failed(Failure::Cancelled), &mut ctx);
            }
        }
        self.queue
            .actions
            .retain(|a| !matches!(a, Action::Start { .. } | Action::Poll { .. }));
        // What one agent answered goes; the rest (the MIB's views, a search of
        // descriptions under way) stays.
        effects.extend(self.adopt_views(fresh, shown, |v| !v.for_one_agent()));
        self.set_status(Level::Info, &format!("connected to {}", agent.label));
        self.shared.agent = Some(agent);
        self.redraw = true;
        // The view shown starts what it does on entry (a live view polls).
        self.enter_active(&mut effects);
        effects
    }

    /// Connecting to the profile chosen failed: the status line says why; the agent
    /// connected before (if any) stays.
    pub fn connect_failed(&mut self, why: &str) {
        self.connecting = None;
        let text = match &self.shared.agent {
            Some(a) => format!("{why} (still connected to {})", a.label),
            None => why.to_string(),
        };
        self.set_status(Level::Error, &text);
        self.redraw = true;
    }

    /// The Agents popup, when open.
    pub fn agents(&self) -> Option<&AgentsPopup> {
        self.agents.as_ref()
    }

    /// The profiles file was read: the popup (if still open) lists them.
    pub fn agents_listed(&mut self, listing: AgentListing) {
        if let Some(popup) = self.agents.as_mut() {
            popup.listed(listing);
            self.redraw = true;
        }
    }

    /// The profile being connected to, and since when.
    pub fn connecting(&self) -> Option<&(SafeText, Instant)> {
        self.connecting.as_ref()
    }

    /// The node the MIB browser is at (for views rebuilt to open there).
    pub fn browser_node(&self) -> Option<NodeId> {
        self.views
            .iter()
            .find(|v| v.id() == ViewId::Browser)?
            .position()
    }

    /// A message for the status line from outside the views (start-up notes, warnings).
    pub fn greet(&mut self, level: Level, text: &str) {
        self.set_status(level, text);
    }

    fn set_status(&mut self, level: Level, text: &str) {
        self.status = Some(Status {
            level,
            text: SafeText::new(text),
        });
    }

    /// Puts `fresh` in place of the views, keeping each old view `keep` accepts (matched
    /// by `ViewId`) with its pending requests; the requests of the views replaced are
    /// cancelled. `shown` stays the active view when it is still there.
    fn adopt_views(
        &mut self,
        fresh: Vec<Box<dyn View>>,
        shown: ViewId,
        keep: impl Fn(&dyn View) -> bool,
    ) -> Vec<Effect> {
        let old_ids: Vec<ViewId> = self.views.iter().map(|v| v.id()).collect();
        let mut views = fresh;
        let mut kept = Vec::new();
        for new in &mut views {
            let old = self
                .views
                .iter_mut()
                .find(|v| v.id() == new.id() && keep(v.as_ref()));
            if let Some(old) = old {
                std::mem::swap(new, old);
                kept.push(new.id());
            }
        }
        let mut effects = Vec::new();
        for (id, mut p) in std::mem::take(&mut self.pending) {
            let owner = old_ids[p.owner];
            match views.iter().position(|v| v.id() == owner) {
                Some(i) if kept.contains(&owner) => {
                    p.owner = i;
                    self.pending.insert(id, p);
                }
                _ => effects.push(Effect::Cancel(id)),
            }
        }
        self.views = views;
        self.active = self.views.iter().position(|v| v.id() == shown).unwrap_or(0);
        self.back.clear();
        self.redraw = true;
        effects
    }

    /// Puts a newly loaded MIB in place with views built on it. Requests of the old views
    /// are cancelled; the same tab stays shown.
    pub fn replace_mib(
        &mut self,
        loaded: std::sync::Arc<crate::mib_handle::LoadedMib>,
        views: Vec<Box<dyn View>>,
    ) -> Vec<Effect> {
        // Views that hold nothing of the old MIB stay as they are (a live view keeps its
        // history and its poll); the others are the new ones, their requests cancelled.
        let shown = self.views[self.active].id();
        let effects = self.adopt_views(views, shown, |v| v.survives_mib_reload());
        self.reloading = None;
        let modules = loaded.mib.module_count();
        let errors = loaded
            .mib
            .diagnostics()
            .iter()
            .filter(|d| d.severity == crate::mib::Severity::Error)
            .count();
        self.shared.mib = loaded.mib.clone();
        self.shared.loaded = loaded;
        self.set_status(
            Level::Info,
            &format!("MIBs loaded again: {modules} modules, {errors} errors"),
        );
        effects
    }

    /// Since when the MIBs are being loaded again, if they are.
    pub fn reloading(&self) -> Option<Instant> {
        self.reloading
    }

    /// Whether the screen must be drawn again; clears the flag.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    /// Where the active view is drawn.
    pub fn body(&self) -> Rect {
        ui::layout(self.size).body
    }

    pub fn size(&self) -> Rect {
        self.size
    }

    pub fn views(&self) -> &[Box<dyn View>] {
        &self.views
    }

    pub fn active(&self) -> usize {
        self.active
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    pub fn pending(&self) -> impl Iterator<Item = &Pending> {
        self.pending.values()
    }

    pub fn help(&self) -> Option<ListCursor> {
        self.help
    }

    /// The hints of the bar: the active view's, and the global ones (always shown).
    pub fn bar_hints(&self) -> (Vec<KeyHint>, Vec<KeyHint>) {
        if self.login.is_some() {
            return (LoginPrompt::HINTS.to_vec(), Vec::new());
        }
        if self.agents.is_some() {
            return (AgentsPopup::HINTS.to_vec(), Vec::new());
        }
        if self.help.is_some() {
            return (
                vec![
                    KeyHint::bar("↑↓", "scroll"),
                    KeyHint::bar("Esc ?", "close help"),
                ],
                Vec::new(),
            );
        }
        let mut hints = Vec::new();
        self.views[self.active].hints(&mut hints);
        hints.retain(|h| h.in_bar);
        if self.views[self.active].modal() {
            return (hints, Vec::new());
        }
        let global = GLOBAL_HINTS.iter().copied().filter(|h| h.in_bar).collect();
        (hints, global)
    }

    /// Every key of the active view and of the app, for `?`.
    pub fn help_groups(&self) -> Vec<HintGroup> {
        let mut view = Vec::new();
        self.views[self.active].hints(&mut view);
        vec![
            HintGroup {
                title: self.views[self.active].title().to_string(),
                hints: view,
            },
            HintGroup {
                title: "Everywhere".to_string(),
                hints: GLOBAL_HINTS
                    .iter()
                    .copied()
                    .chain([KeyHint::help("Ctrl-c", "quit at once")])
                    .collect(),
            },
        ]
    }
}
