//! The terminal UI: a MIB browser that queries agents, on the same engine as the CLI.
//!
//! Shape (gitui's and trippy's lessons):
//! - `event`: the one `Event` type (keys, mouse, resize, ticks, replies) on one channel;
//! - `app`: the state and the one place events are handled; it returns `Effect`s
//!   (start/cancel a request task, copy, quit) and does no I/O itself;
//! - `component`: the `Component` / `View` traits: handle -> Consumed/NotConsumed, key hints
//!   declared by the code that handles the keys, draw from state alone; the `Ctx` queue for
//!   effects on the rest of the app;
//! - `ui`: the frame (tabs, status line, hint bar, help) and the layout shared with mouse
//!   handling; `views/`: the screens; `widgets`, `theme`, `input`, `keys`: shared pieces;
//! - `backend`: the only glue to the engine, the MIB store and the CLI's option parsing;
//!   `request`: what views ask and what comes back, as plain data;
//! - `sanitize`: the one place outside text becomes screen text; `terminal`: raw mode,
//!   alternate screen, restore on exit and on panic, OSC 52.
//!
//! The loop (`run`): draw when something changed, wait for the next event, let the app
//! handle it, carry out the effects. Requests run as tasks posting `Event::Reply`, so a
//! silent agent never blocks a key.

pub mod app;
pub mod backend;
pub mod component;
pub mod event;
pub mod input;
pub mod keys;
pub mod request;
pub mod sanitize;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod views;
pub mod widgets;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use self::app::{App, Effect};
use self::backend::Connection;
use self::component::{Level, Shared, View};
use self::event::{Event, InputThread};
use self::request::RequestId;
use self::terminal::TerminalGuard;
use crate::mib::{Mib, NodeId};

/// How the UI starts.
pub struct Start {
    /// Where the MIB comes from (kept to reload it) and what is loaded now.
    pub mibs: std::sync::Arc<crate::mib_handle::MibHandle>,
    pub loaded: std::sync::Arc<crate::mib_handle::LoadedMib>,
    /// `None`: offline, browsing MIBs only.
    pub connection: Option<Connection>,
    /// The node the browser opens at (default: the system group).
    pub at: Option<NodeId>,
    /// A first message for the status line.
    pub greeting: Option<String>,
    /// Problems worth knowing that did not stop the start (a readable snmp.conf with
    /// secrets, a profile's unset variable): shown in the status line.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("the terminal: {0}")]
    Io(#[from] std::io::Error),
    #[error("the UI stopped after an internal error (the message is above)")]
    Panicked,
}

/// Set by the panic hook: a panic anywhere (a request task included) ends the UI.
pub(crate) static PANICKED: AtomicBool = AtomicBool::new(false);

/// The views, in `Tab` order.
pub fn build_views(
    mib: &Mib,
    connected: bool,
    at: Option<NodeId>,
    height: u16,
) -> Vec<Box<dyn View>> {
    let body = usize::from(height.saturating_sub(3));
    vec![
        Box::new(views::browser::BrowserView::new(mib, connected, at, body)),
        Box::new(views::modules::ModulesView::new(mib)),
        Box::new(views::types::TypesView::new(mib)),
        Box::new(views::diagnostics::DiagnosticsView::new(mib)),
    ]
}

/// How often the loop wakes without input: spinners and watches need no finer steps.
const TICK: Duration = Duration::from_millis(100);

/// Runs the UI until the user quits. The terminal is restored however it ends.
pub async fn run(start: Start) -> Result<(), TuiError> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _input = InputThread::spawn(tx.clone())?;
    let connection = start.connection;
    let shared = Shared {
        mib: start.loaded.mib.clone(),
        loaded: start.loaded.clone(),
        agent: connection.as_ref().map(|c| c.info().clone()),
        now: Instant::now(),
    };
    let views = build_views(
        &start.loaded.mib,
        connection.is_some(),
        start.at,
        size.height,
    );
    let mut app = App::new(shared, views, size.width, size.height);
    if let Some(text) = &start.greeting {
        app.greet(Level::Info, text);
    }
    for w in &start.warnings {
        app.greet(Level::Warning, &format!("warning: {w}"));
    }
    let mut tasks: HashMap<RequestId, backend::TaskHandle> = HashMap::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut terminate = shutdown_signals();
    // The MIB request tasks use: the one loaded now.
    let mut loaded_now = start.loaded.clone();
    let result = loop {
        if PANICKED.load(Ordering::Relaxed) {
            break Err(TuiError::Panicked);
        }
        if app.take_redraw() {
            guard.terminal.draw(|f| ui::render(f, &app))?;
        }
        let event = tokio::select! {
            ev = rx.recv() => match ev {
                Some(ev) => ev,
                None => break Ok(()),
            },
            _ = ticker.tick() => Event::Tick,
            () = &mut terminate => break Ok(()),
        };
        if let Event::Reply { id, reply } = &event {
            if reply.is_final() {
                tasks.remove(id);
            }
        }
        let effects = match event {
            Event::MibsLoaded(loaded) => {
                let height = guard.terminal.size()?.height;
                let views = build_views(&loaded.mib, connection.is_some(), None, height);
                loaded_now = loaded.clone();
                app.replace_mib(loaded, views)
            }
            event => app.handle(event, Instant::now()),
        };
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Start { id, spec } if spec.is_local() => {
                    tasks.insert(
                        id,
                        backend::spawn_local(&loaded_now.mib, id, spec, tx.clone()),
                    );
                }
                Effect::Start { id, spec } => {
                    if let Some(conn) = &connection {
                        tasks.insert(id, conn.spawn(&loaded_now, id, spec, tx.clone()));
                    }
                }
                Effect::Cancel(id) => {
                    if let Some(task) = tasks.remove(&id) {
                        task.cancel();
                    }
                }
                Effect::Copy(text) => terminal::copy_to_clipboard(&text)?,
                Effect::ReloadMibs(dir) => backend::reload_mibs(&start.mibs, dir, tx.clone()),
                Effect::Quit => quit = true,
            }
        }
        if quit {
            break Ok(());
        }
    };
    for (_, task) in tasks {
        task.cancel();
    }
    drop(guard);
    result
}

/// Resolves when the process is asked to stop (SIGTERM, SIGHUP, or SIGINT sent from
/// outside: in raw mode Ctrl-C is a key).
fn shutdown_signals() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ];
        let mut signals: Vec<_> = kinds.into_iter().filter_map(|k| signal(k).ok()).collect();
        Box::pin(async move {
            if signals.is_empty() {
                return std::future::pending().await;
            }
            let waits = signals.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_select_all(waits).await;
        })
    }
    #[cfg(not(unix))]
    {
        Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// The first of several futures to finish (a tiny `select_all`).
async fn futures_select_all<F: std::future::Future + Unpin>(futures: impl Iterator<Item = F>) {
    let mut futures: Vec<F> = futures.collect();
    std::future::poll_fn(move |cx| {
        for f in &mut futures {
            if std::pin::Pin::new(f).poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await;
}
