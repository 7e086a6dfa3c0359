//! The contract between the app and what it shows (gitui's pattern): a component handles
//! an input and says whether it consumed it, lists the keys it answers, and draws itself
//! from its state alone. Effects on the rest of the app (start a request, show a message,
//! open the browser at a node) go through the `Ctx` queue, never through shared mutation.

use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::backend::AgentInfo;
use super::keys::KeyHint;
use super::request::{Failure, Reply, RequestId, RequestSpec};
use super::sanitize::SafeText;
use crate::mib::NodeId;

/// Whether an input was used; a component that does not use a key lets its parent try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Consumed,
    NotConsumed,
}

/// A user input, as a component receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
}

/// What every component may read: the MIB, the agent (when connected), the time.
pub struct Shared {
    /// The MIB the UI shows (a snapshot of the loaded one).
    pub mib: std::sync::Arc<crate::mib::Mib>,
    /// The same snapshot with its names for rendering values, for request tasks.
    pub loaded: std::sync::Arc<crate::mib_handle::LoadedMib>,
    pub agent: Option<AgentInfo>,
    /// The time of the event being handled (render uses it for elapsed times): tests set it.
    pub now: Instant,
}

/// How serious a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A message for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: Level,
    pub text: SafeText,
}

/// The views the app can show; `Tab` cycles through those present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewId {
    Browser,
    Modules,
    Types,
    Diagnostics,
    Interfaces,
    System,
    Table,
    Traps,
}

/// An effect a component asks the app for.
#[derive(Debug)]
pub enum Action {
    Start {
        id: RequestId,
        label: String,
        spec: RequestSpec,
    },
    Cancel(RequestId),
    Status(Status),
    /// Put text on the user's clipboard (OSC 52).
    Copy(String),
    /// Show the MIB browser at a node.
    Browse(NodeId),
    /// A request the view repeats on its own (a live view's poll): the status line shows it
    /// only once it takes long.
    Poll {
        id: RequestId,
        label: String,
        spec: RequestSpec,
    },
    /// Show another view at a node (the table view at a table).
    Open(ViewId, NodeId),
    /// Load the MIBs again (files changed), adding a directory first if given.
    ReloadMibs(Option<std::path::PathBuf>),
    Quit,
}

/// Actions queued while handling one input, and the request ids handed out so far.
#[derive(Debug, Default)]
pub struct Queue {
    next_id: u64,
    pub(super) actions: Vec<Action>,
}

/// What a component handles an input (or a reply, or a tick) with.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    /// Where the component is on screen (for mouse hits and page sizes).
    pub area: Rect,
    pub(super) queue: &'a mut Queue,
}

impl<'a> Ctx<'a> {
    pub fn new(shared: &'a Shared, area: Rect, queue: &'a mut Queue) -> Ctx<'a> {
        Ctx {
            shared,
            area,
            queue,
        }
    }

    /// A context for a part of this component's area.
    pub fn with_area(&mut self, area: Rect) -> Ctx<'_> {
        Ctx {
            shared: self.shared,
            area,
            queue: self.queue,
        }
    }

    /// Starts a request on the connected agent; its replies come back to the view through
    /// `View::on_reply` with the id returned. Not connected: the status line says how to
    /// connect and the failure is returned.
    pub fn request(
        &mut self,
        label: impl Into<String>,
        spec: RequestSpec,
    ) -> Result<RequestId, Failure> {
        if self.shared.agent.is_none() {
            let failure = Failure::NotConnected;
            self.error(failure.to_string());
            return Err(failure);
        }
        Ok(self.start(label.into(), spec))
    }

    /// Starts work that needs no agent (a search of descriptions); replies as `request`.
    pub fn local(&mut self, label: impl Into<String>, spec: RequestSpec) -> RequestId {
        debug_assert!(spec.is_local());
        self.start(label.into(), spec)
    }

    fn start(&mut self, label: String, spec: RequestSpec) -> RequestId {
        self.queue.next_id += 1;
        let id = RequestId(self.queue.next_id);
        self.queue.actions.push(Action::Start { id, label, spec });
        id
    }

    /// Starts a poll of a live view: a request like `request`, shown in the status line
    /// only when the agent is slow to answer it.
    pub fn poll(
        &mut self,
        label: impl Into<String>,
        spec: RequestSpec,
    ) -> Result<RequestId, Failure> {
        if self.shared.agent.is_none() {
            return Err(Failure::NotConnected);
        }
        self.queue.next_id += 1;
        let id = RequestId(self.queue.next_id);
        self.queue.actions.push(Action::Poll {
            id,
            label: label.into(),
            spec,
        });
        Ok(id)
    }

    /// Shows `view` at `node`.
    pub fn open(&mut self, view: ViewId, node: NodeId) {
        self.queue.actions.push(Action::Open(view, node));
    }

    pub fn cancel(&mut self, id: RequestId) {
        self.queue.actions.push(Action::Cancel(id));
    }

    pub fn status(&mut self, level: Level, text: impl AsRef<str>) {
        self.queue.actions.push(Action::Status(Status {
            level,
            text: SafeText::new(text.as_ref()),
        }));
    }

    pub fn info(&mut self, text: impl AsRef<str>) {
        self.status(Level::Info, text);
    }

    pub fn error(&mut self, text: impl AsRef<str>) {
        self.status(Level::Error, text);
    }

    pub fn copy(&mut self, text: String) {
        self.queue.actions.push(Action::Copy(text));
    }

    pub fn browse(&mut self, node: NodeId) {
        self.queue.actions.push(Action::Browse(node));
    }

    /// Reloads the MIBs in the background (with `dir` added to the search path); the views
    /// are rebuilt on the new MIB when it is ready.
    pub fn reload_mibs(&mut self, dir: Option<std::path::PathBuf>) {
        self.queue.actions.push(Action::ReloadMibs(dir));
    }

    pub fn quit(&mut self) {
        self.queue.actions.push(Action::Quit);
    }

    /// Rows the component can show at once.
    pub fn height(&self) -> usize {
        usize::from(self.area.height)
    }
}

/// Something on screen that answers keys.
pub trait Component {
    /// Handles one input. Keys it does not use return `NotConsumed` so the parent can.
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled;

    /// The keys this component answers in its current state, for the bar and `?`.
    fn hints(&self, out: &mut Vec<KeyHint>);

    /// Draws the component in `area` from its state alone.
    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared);
}

/// A screen the user switches to with `Tab`.
pub trait View: Component + Send {
    fn id(&self) -> ViewId;

    /// The tab label.
    fn title(&self) -> &str;

    /// A reply to a request this view started.
    fn on_reply(&mut self, _id: RequestId, _reply: Reply, _ctx: &mut Ctx<'_>) {}

    /// Called on each tick while the view is shown; true when it has something new to draw.
    fn on_tick(&mut self, _ctx: &mut Ctx<'_>) -> bool {
        false
    }

    /// True while a popup of the view takes every key (the global keys are not shown).
    fn modal(&self) -> bool {
        false
    }

    /// The user left the view; the app has cancelled its pending requests.
    fn on_leave(&mut self) {}

    /// Show this node (the browser answers, the table view opens the table; other views
    /// ignore it).
    fn browse(&mut self, _node: NodeId, _ctx: &mut Ctx<'_>) {}

    /// The user came to this view.
    fn on_enter(&mut self, _ctx: &mut Ctx<'_>) {}

    /// Whether the view is kept as it is when the MIBs are loaded again (it holds nothing
    /// of the old MIB and reads names from `Shared` when it draws): a live view keeps its
    /// history and its poll in flight.
    fn survives_mib_reload(&self) -> bool {
        false
    }

    /// Whether the view holds what one agent answered (a live view's history and poll):
    /// another agent connected, it is replaced by a fresh one.
    fn for_one_agent(&self) -> bool {
        false
    }

    /// The MIB node the view is at, for a rebuilt view to open there again.
    fn position(&self) -> Option<NodeId> {
        None
    }

    /// The trap listener saw something (every view is told, shown or not); true when the
    /// view changed.
    fn on_trap(&mut self, _event: &super::event::TrapEvent, _shared: &Shared) -> bool {
        false
    }
}
