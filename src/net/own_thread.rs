//! A task tree on a thread of its own: a current-thread tokio runtime on a named thread,
//! for servers that must never share a thread with their caller's work (the trap
//! listener beside the daemon's outputs, the simulated agent beside synchronous tests).

use std::future::Future;
use std::io;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// How the body says it is ready (or why it could not start), once.
pub struct Ready<T>(mpsc::Sender<io::Result<T>>);

impl<T> Ready<T> {
    pub fn send(self, started: io::Result<T>) {
        let _ = self.0.send(started);
    }
}

/// Runs `body` on a new thread named `name` with a runtime of its own, and waits until the
/// body reports through [`Ready`]; returns what it reported and the thread, which ends
/// when the body does.
pub fn spawn<T, F, Fut>(name: &str, body: F) -> io::Result<(T, JoinHandle<()>)>
where
    T: Send + 'static,
    F: FnOnce(Ready<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(body(Ready(tx))),
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            }
        })?;
    let started = rx
        .recv()
        .map_err(|_| io::Error::other(format!("the {name} thread ended before it started")))??;
    Ok((started, thread))
}
