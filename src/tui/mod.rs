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
mod agents_tests;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use tokio::sync::mpsc;

use self::app::{App, Effect};
use self::backend::Connection;
use self::component::{Input, Level, Shared, View, ViewId};
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
    /// The view shown first (default: the MIB browser).
    pub view: Option<ViewId>,
    /// Problems worth knowing that did not stop the start (a readable snmp.conf with
    /// secrets, a profile's unset variable): shown in the status line.
    pub warnings: Vec<String>,
    /// A trap listener whose feed the traps view shows (`--listen`, the demo's).
    pub listener: Option<crate::traps::listener::Listener>,
    /// How often the live views poll (default `DEFAULT_INTERVAL`).
    pub interval: Option<Duration>,
    /// An agent waiting for a pass phrase (asked for at once; `connection` is then `None`).
    pub login: Option<backend::Login>,
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

/// Fault injection for the tests of the way out: with this variable set to a character,
/// that key makes the UI thread panic, so a test can check the terminal is given back
/// (and the message readable) as it would be after a real bug.
pub const FAULT_PANIC_ENV: &str = "MIBSCOPE_FAULT_PANIC_KEY";

fn fault_panic_key() -> Option<char> {
    let value = std::env::var(FAULT_PANIC_ENV).ok()?;
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// What the views are built for.
#[derive(Debug, Clone, Default)]
pub struct ViewOptions {
    /// An agent is connected: the live views are there.
    pub connected: bool,
    /// The node the browser opens at.
    pub at: Option<NodeId>,
    /// The terminal's height.
    pub height: u16,
    /// How often the live views poll (default `DEFAULT_INTERVAL`).
    pub interval: Option<Duration>,
    /// Where the trap listener listens: the traps view is there when it does.
    pub listening: Vec<std::net::SocketAddr>,
}

/// The views, in `Tab` order: the browser, the live views of a connected agent, the trap
/// feed of a listener, the MIB's modules, types and diagnostics.
pub fn build_views(
    mib: &Mib,
    connected: bool,
    at: Option<NodeId>,
    height: u16,
) -> Vec<Box<dyn View>> {
    build_views_for(
        mib,
        &ViewOptions {
            connected,
            at,
            height,
            ..ViewOptions::default()
        },
    )
}

/// The views for `options`, in `Tab` order.
pub fn build_views_for(mib: &Mib, options: &ViewOptions) -> Vec<Box<dyn View>> {
    let body = usize::from(options.height.saturating_sub(3));
    let connected = options.connected;
    let mut views: Vec<Box<dyn View>> = vec![Box::new(views::browser::BrowserView::new(
        mib, connected, options.at, body,
    ))];
    // The live views need an agent.
    if connected {
        views.push(Box::new(views::interfaces::InterfacesView::new(
            true,
            options.interval.unwrap_or(DEFAULT_INTERVAL),
        )));
        views.push(Box::new(views::system::SystemView::new(true)));
        views.push(Box::new(views::table::TableView::new()));
    }
    if !options.listening.is_empty() {
        views.push(Box::new(views::traps::TrapsView::new(
            options.listening.clone(),
        )));
    }
    views.extend([
        Box::new(views::modules::ModulesView::new(mib)) as Box<dyn View>,
        Box::new(views::types::TypesView::new(mib)),
        Box::new(views::diagnostics::DiagnosticsView::new(mib)),
    ]);
    views
}

/// How often the live views poll unless told otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

/// How often the loop wakes without input: spinners and watches need no finer steps.
const TICK: Duration = Duration::from_millis(100);

/// Runs the UI until the user quits. The terminal is restored however it ends.
pub async fn run(start: Start) -> Result<(), TuiError> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _input = InputThread::spawn(tx.clone())?;
    let mut connection = start.connection;
    let mut login = start.login;
    // The options with the secrets typed so far, and the one asked for now.
    let mut typed = login.as_ref().map(|l| (l.options.clone(), l.secret));
    let shared = Shared {
        mib: start.loaded.mib.clone(),
        loaded: start.loaded.clone(),
        agent: connection.as_ref().map(|c| c.info().clone()),
        now: Instant::now(),
    };
    let listener = start.listener;
    let mut view_options = ViewOptions {
        // An agent waiting for its pass phrase has its views already.
        connected: connection.is_some() || login.is_some(),
        at: start.at,
        height: size.height,
        interval: start.interval,
        listening: listener
            .as_ref()
            .map(|l| l.local_addrs().to_vec())
            .unwrap_or_default(),
    };
    let views = build_views_for(&start.loaded.mib, &view_options);
    let _feed = listener.as_ref().map(|l| TrapFeed::start(l, tx.clone()));
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
    if let Some(l) = &login {
        app.ask_login(views::login::LoginPrompt::new(&l.label, l.secret));
    }
    let mut effects = start.view.map(|v| app.show_view(v)).unwrap_or_default();
    let fault_key = fault_panic_key();
    // The profiles file as last read for the Agents popup, and the profile being connected.
    let mut agents_file: Option<(crate::session::Profiles, crate::session::Defaults)> = None;
    let mut switching: Option<Switch> = None;
    let result = loop {
        if PANICKED.load(Ordering::Relaxed) {
            break Err(TuiError::Panicked);
        }
        let mut quit = false;
        for effect in effects.drain(..) {
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
                Effect::Login(secret) => {
                    if let (Some(l), Some((given, asked))) = (&login, &typed) {
                        let mut target = given.clone();
                        match asked {
                            crate::session::Secret::AuthPassphrase => {
                                target.usm.auth_passphrase = Some(secret.0);
                            }
                            crate::session::Secret::PrivPassphrase => {
                                target.usm.priv_passphrase = Some(secret.0);
                            }
                        }
                        let (defaults, tx) = (l.defaults.clone(), tx.clone());
                        tokio::spawn(async move {
                            let outcome = backend::login(target, defaults).await;
                            let _ = tx.send(Event::Connected(Box::new(outcome)));
                        });
                    }
                }
                Effect::ListAgents => backend::read_agents(tx.clone()),
                Effect::Connect(name) => {
                    let profile = agents_file
                        .as_ref()
                        .and_then(|(p, d)| Some((p.get(&name)?, d)));
                    if let Some((profile, defaults)) = profile {
                        let (target, _unset) = profile.target_options(defaults);
                        let label = views::agents::profile_label(
                            &sanitize::SafeText::new(&profile.name),
                            &sanitize::SafeText::new(&profile.address),
                        );
                        if let Some(old) = switching.take() {
                            old.task.abort();
                        }
                        let task =
                            backend::connect(target, defaults.clone(), label.clone(), tx.clone());
                        switching = Some(Switch {
                            label,
                            defaults: defaults.clone(),
                            task,
                        });
                    }
                }
                Effect::Quit => quit = true,
            }
        }
        if quit {
            break Ok(());
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
        // What else is waiting is handled before the next frame: a burst (a trap flood,
        // a fast walk, keys pasted) costs one frame, not one per event.
        let mut batch = vec![event];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(ev) => batch.push(ev),
                Err(_) => break,
            }
        }
        for event in batch {
            if let Event::Reply { id, reply } = &event {
                if reply.is_final() {
                    tasks.remove(id);
                }
            }
            let more = match event {
                Event::Connected(outcome) => {
                    let backend::Connected { options, result } = *outcome;
                    // From the prompt, or else from a profile chosen in the Agents popup.
                    let prompt = app.login().is_some();
                    match result {
                        Ok(conn) => {
                            let agent = conn.info().clone();
                            connection = Some(conn);
                            login = None;
                            switching = None;
                            // The live views start again on this agent.
                            view_options.connected = true;
                            view_options.height = guard.terminal.size()?.height;
                            view_options.at = app.browser_node().or(view_options.at);
                            let views = build_views_for(&loaded_now.mib, &view_options);
                            app.connected(agent, views)
                        }
                        // One secret given, another one missing: keep the first, ask for
                        // the next.
                        Err(backend::ConnectError::Session(
                            crate::session::SessionError::MissingSecret { secret, .. },
                        )) if prompt => {
                            typed = Some((options, secret));
                            app.login_failed(None, Some(secret));
                            Vec::new()
                        }
                        // A profile chosen needs a pass phrase nobody gave: ask for it.
                        Err(backend::ConnectError::Session(
                            crate::session::SessionError::MissingSecret { secret, .. },
                        )) => {
                            if let Some(s) = switching.take() {
                                typed = Some((options.clone(), secret));
                                app.ask_login(views::login::LoginPrompt::new(&s.label, secret));
                                login = Some(backend::Login {
                                    options,
                                    defaults: s.defaults,
                                    secret,
                                    label: s.label,
                                });
                            }
                            Vec::new()
                        }
                        // A secret refused (or not usable): start again from the first.
                        Err(e) if prompt => {
                            typed = login.as_ref().map(|l| (l.options.clone(), l.secret));
                            app.login_failed(Some(&e.to_string()), typed.as_ref().map(|t| t.1));
                            Vec::new()
                        }
                        Err(e) => {
                            let who = switching.take().map(|s| s.label).unwrap_or_default();
                            app.connect_failed(&format!("cannot connect to {who}: {e}"));
                            Vec::new()
                        }
                    }
                }
                Event::Agents(read) => {
                    let backend::AgentsRead {
                        profiles,
                        default_path,
                        defaults,
                    } = *read;
                    app.agents_listed(views::agents::AgentListing::new(
                        profiles.as_ref(),
                        default_path.as_deref(),
                    ));
                    agents_file = profiles.ok().map(|p| (p, defaults));
                    Vec::new()
                }
                Event::MibsLoaded(loaded) => {
                    view_options.height = guard.terminal.size()?.height;
                    view_options.at = app
                        .browser_node()
                        .map(|n| app.shared.mib.node(n).oid())
                        .and_then(|oid| match loaded.mib.lookup_oid(&oid) {
                            // Where it was, or its closest ancestor still defined.
                            (node, depth) if depth > 0 => Some(node),
                            _ => None,
                        });
                    let views = build_views_for(&loaded.mib, &view_options);
                    loaded_now = loaded.clone();
                    app.replace_mib(loaded, views)
                }
                Event::Input(Input::Key(key))
                    if fault_key.is_some_and(|c| key.code == KeyCode::Char(c)) =>
                {
                    panic!("fault injected with {FAULT_PANIC_ENV}: the UI panics on this key")
                }
                event => app.handle(event, Instant::now()),
            };
            effects.extend(more);
        }
    };
    for (_, task) in tasks {
        task.cancel();
    }
    drop(guard);
    drop(listener);
    result
}

/// A profile being connected to from the Agents popup.
struct Switch {
    /// How the UI names it: `lab (udp:127.0.0.1:1161)`.
    label: String,
    defaults: crate::session::Defaults,
    task: tokio::task::AbortHandle,
}

/// Events handled at most between two frames.
const MAX_BATCH: usize = 512;

/// The tasks that carry a trap listener's notifications and refusals into the loop; they
/// end when dropped.
struct TrapFeed {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl TrapFeed {
    fn start(
        listener: &crate::traps::listener::Listener,
        tx: mpsc::UnboundedSender<Event>,
    ) -> TrapFeed {
        use self::event::TrapEvent;
        use crate::traps::listener::ListenerEvent;
        let mut feed = listener.subscribe(4096);
        let mut refusals = listener.events(256);
        let notifications = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(notification) = feed.recv().await {
                    let lost = feed.overflow();
                    let event = Event::Trap(TrapEvent::Received { notification, lost });
                    if tx.send(event).is_err() {
                        return;
                    }
                }
            })
        };
        let refused = tokio::spawn(async move {
            while let Some(e) = refusals.recv().await {
                if let ListenerEvent::Dropped { from, dropped } = e {
                    let why = if dropped.detail.is_empty() {
                        dropped.reason.to_string()
                    } else {
                        format!("{}: {}", dropped.reason, dropped.detail)
                    };
                    if tx
                        .send(Event::Trap(TrapEvent::Refused { from, why }))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        TrapFeed {
            tasks: vec![notifications, refused],
        }
    }
}

impl Drop for TrapFeed {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
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
