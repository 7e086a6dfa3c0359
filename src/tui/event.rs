//! The one event type of the UI loop, and the thread that turns terminal input into it.
//! Keys, mouse, resizes, ticks and request replies all arrive as an `Event` on one channel,
//! so the loop has one place where anything happens.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{self as term, KeyEventKind};
use tokio::sync::mpsc::UnboundedSender;

use super::component::Input;
use super::request::{Reply, RequestId};

/// Everything the app reacts to.
#[derive(Debug)]
pub enum Event {
    Input(Input),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed (spinners, watches).
    Tick,
    /// A request's answer, or part of it.
    Reply {
        id: RequestId,
        reply: Reply,
    },
    /// What the trap listener saw.
    Trap(TrapEvent),
    /// A login (a pass phrase typed at the prompt) went through, or not.
    Connected(Box<super::backend::Connected>),
    /// The profiles file was read for the Agents popup.
    Agents(Box<super::backend::AgentsRead>),
    /// The terminal input ended or failed: nothing more can be read.
    InputClosed(String),
    /// A reload of the MIBs finished (the loop rebuilds the views on it).
    MibsLoaded(std::sync::Arc<crate::mib_handle::LoadedMib>),
}

/// What the trap listener (`--listen`, the demo's) hands the UI.
#[derive(Debug, Clone)]
pub enum TrapEvent {
    /// A notification accepted, and how many were lost so far to a full queue.
    Received {
        notification: std::sync::Arc<crate::traps::Notification>,
        lost: u64,
    },
    /// A datagram refused, and why (an unknown community, a wrong digest ...).
    Refused {
        from: std::net::SocketAddr,
        why: String,
    },
}

/// Reads terminal input on its own thread (crossterm's reader blocks) until `stop` is set.
/// Dropping it sets `stop` without waiting: when the terminal has gone away (SIGHUP),
/// crossterm's `read` can loop inside on the closed input, and waiting for it would keep
/// the process alive; the thread ends with the process.
pub struct InputThread {
    stop: Arc<AtomicBool>,
}

impl InputThread {
    pub fn spawn(tx: UnboundedSender<Event>) -> std::io::Result<InputThread> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("tui-input".into())
            .spawn(move || read_input(&tx, &flag))?;
        Ok(InputThread { stop })
    }
}

impl Drop for InputThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_input(tx: &UnboundedSender<Event>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        // Poll with a timeout so `stop` is seen within 50 ms of the UI ending.
        match term::poll(Duration::from_millis(50)) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(e) => {
                let _ = tx.send(Event::InputClosed(e.to_string()));
                return;
            }
        }
        let event = match term::read() {
            Ok(e) => e,
            Err(e) => {
                let _ = tx.send(Event::InputClosed(e.to_string()));
                return;
            }
        };
        let event = match event {
            // Key releases and repeats (kitty protocol) are not presses.
            term::Event::Key(k) if k.kind != KeyEventKind::Press => continue,
            term::Event::Key(k) => Event::Input(Input::Key(k)),
            term::Event::Mouse(m) => Event::Input(Input::Mouse(m)),
            term::Event::Paste(p) => Event::Input(Input::Paste(p)),
            term::Event::Resize(width, height) => Event::Resize { width, height },
            term::Event::FocusGained | term::Event::FocusLost => continue,
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}
