//! Where the daemon hands notifications on, each behind a bounded queue whose overflow is
//! counted (never waited for): the log file (reopened on SIGHUP) and handlers run per
//! notification (`--exec`: bounded queue, bounded concurrency, a timeout); with the
//! counters every sink updates. Relays are in `forward`, syslog in `syslog`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

/// Counters every sink updates, read for SIGUSR1, the stats line and the exit.
#[derive(Default, Debug)]
pub struct SinkCounters {
    pub exec_started: AtomicU64,
    pub exec_failed: AtomicU64,
    pub exec_overflow: AtomicU64,
    pub exec_abandoned: AtomicU64,
    /// Traps relayed, and informs relayed and acknowledged (per target).
    pub forwarded: AtomicU64,
    pub forward_overflow: AtomicU64,
    /// Relays not sent, informs never acknowledged, relays abandoned at exit.
    pub forward_failed: AtomicU64,
    pub syslog_sent: AtomicU64,
    pub syslog_overflow: AtomicU64,
    pub syslog_failed: AtomicU64,
}

pub(super) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// The `--log` file: appended to, reopened by path on SIGHUP (after logrotate moved it).
pub struct LogFile {
    path: PathBuf,
    out: BufWriter<File>,
}

impl LogFile {
    pub fn open(path: &Path) -> io::Result<LogFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(LogFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the old file, then opens the path anew (a new file if it was moved).
    pub fn reopen(&mut self) -> io::Result<()> {
        self.out.flush()?;
        *self = LogFile::open(&self.path)?;
        Ok(())
    }

    pub fn write_all(&mut self, line: &[u8]) -> io::Result<()> {
        self.out.write_all(line)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A sink's bounded queue and the task that empties it. Offering never waits (a full
/// queue is the caller's overflow to count); at the end the task gets a time limit, and
/// what it had not taken by then is reported as abandoned.
pub(super) struct Queue<T> {
    tx: Option<mpsc::Sender<T>>,
    task: JoinHandle<()>,
    offered: AtomicU64,
    taken: Arc<AtomicU64>,
}

/// The task's end of a [`Queue`].
pub(super) struct Taker<T> {
    rx: mpsc::Receiver<T>,
    taken: Arc<AtomicU64>,
}

impl<T> Taker<T> {
    pub(super) async fn recv(&mut self) -> Option<T> {
        self.rx.recv().await
    }

    pub(super) fn try_recv(&mut self) -> Option<T> {
        self.rx.try_recv().ok()
    }

    /// `n` items received are dealt with (sent, failed, handed to a handler): an abort
    /// no longer abandons them.
    pub(super) fn done(&self, n: u64) {
        self.taken.fetch_add(n, Ordering::Relaxed);
    }
}

impl<T: Send + 'static> Queue<T> {
    /// A queue of `capacity` items and the task `run` spawned to empty it.
    pub(super) fn spawn<F, Fut>(capacity: usize, run: F) -> Queue<T>
    where
        F: FnOnce(Taker<T>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let taken = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(run(Taker {
            rx,
            taken: Arc::clone(&taken),
        }));
        Queue {
            tx: Some(tx),
            task,
            offered: AtomicU64::new(0),
            taken,
        }
    }

    /// Queues `item`; false when the queue is full.
    pub(super) fn offer(&self, item: T) -> bool {
        let queued = self.tx.as_ref().is_some_and(|tx| tx.try_send(item).is_ok());
        if queued {
            bump(&self.offered);
        }
        queued
    }

    /// Closes the queue and lets the task finish it, up to `limit`; then aborts it and
    /// returns how many items it had not dealt with.
    pub(super) async fn finish(mut self, limit: Duration) -> u64 {
        self.tx = None;
        if tokio::time::timeout(limit, &mut self.task).await.is_ok() {
            return 0;
        }
        self.task.abort();
        // Once it is dropped, `taken` no longer moves.
        let _ = (&mut self.task).await;
        let offered = self.offered.load(Ordering::Relaxed);
        offered.saturating_sub(self.taken.load(Ordering::Relaxed))
    }
}

/// `--exec`: each notification's JSON on a handler's stdin.
pub struct ExecSink {
    queue: Queue<Arc<Vec<u8>>>,
    counters: Arc<SinkCounters>,
}

impl ExecSink {
    /// `command` runs with `/bin/sh -c`; at most `concurrency` at once, `queue` waiting.
    pub fn spawn(
        command: String,
        concurrency: usize,
        queue: usize,
        timeout: Duration,
        counters: Arc<SinkCounters>,
    ) -> ExecSink {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let c = Arc::clone(&counters);
        let queue = Queue::spawn(queue, |mut taker: Taker<Arc<Vec<u8>>>| async move {
            // Dropping the set (an abort at shutdown) kills the handlers still running.
            let mut running = tokio::task::JoinSet::new();
            while let Some(json) = taker.recv().await {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                    break;
                };
                while running.try_join_next().is_some() {}
                let command = command.clone();
                let c = Arc::clone(&c);
                bump(&c.exec_started);
                taker.done(1);
                running.spawn(async move {
                    if !run_handler(&command, &json, timeout).await {
                        bump(&c.exec_failed);
                    }
                    drop(permit);
                });
            }
            while running.join_next().await.is_some() {}
        });
        ExecSink { queue, counters }
    }

    /// Queues one notification's JSON; a full queue counts an overflow.
    pub fn offer(&self, json: Arc<Vec<u8>>) {
        if !self.queue.offer(json) {
            bump(&self.counters.exec_overflow);
        }
    }

    /// Runs what is queued and waits for running handlers, up to `limit`; notifications
    /// still queued then are abandoned (counted).
    pub async fn finish(self, limit: Duration) {
        let abandoned = self.queue.finish(limit).await;
        self.counters
            .exec_abandoned
            .fetch_add(abandoned, Ordering::Relaxed);
    }
}

/// One handler run: true when it exited 0 within `timeout`.
async fn run_handler(command: &str, json: &[u8], timeout: Duration) -> bool {
    let child = tokio::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A handler that does not read its input is its own business.
        let _ = stdin.write_all(json).await;
    }
    match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => status.success(),
        _ => {
            let _ = child.kill().await;
            false
        }
    }
}

/// A sending socket on an ephemeral port (IPv6, which reaches IPv4 as mapped addresses,
/// when any destination is IPv6).
pub(super) fn udp_socket(v6: bool) -> io::Result<tokio::net::UdpSocket> {
    let std = std::net::UdpSocket::bind(if v6 { "[::]:0" } else { "0.0.0.0:0" })?;
    std.set_nonblocking(true)?;
    tokio::net::UdpSocket::from_std(std)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn exec_overflow_is_counted_and_reception_never_waits() {
        let counters = Arc::new(SinkCounters::default());
        let sink = ExecSink::spawn(
            "sleep 5".into(),
            1,
            2,
            Duration::from_secs(10),
            Arc::clone(&counters),
        );
        let started = std::time::Instant::now();
        for _ in 0..50 {
            sink.offer(Arc::new(b"{}".to_vec()));
        }
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "offer waited"
        );
        let overflow = counters.exec_overflow.load(Ordering::Relaxed);
        assert!((46..=48).contains(&overflow), "{overflow}");
        sink.finish(Duration::from_millis(100)).await;
        assert!(counters.exec_abandoned.load(Ordering::Relaxed) >= 1);
    }
}
