//! Where the daemon hands notifications on, each behind a bounded queue whose overflow is
//! counted (never waited for): the log file (reopened on SIGHUP), handlers run per
//! notification (`--exec`: bounded queue, bounded concurrency, a timeout), relays to other
//! managers (`--forward`, SNMPv2c traps) and RFC 5424 syslog (UDP or the local socket).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use super::notification::{Notification, NotificationKind};
use super::render::write_time;
use crate::proto::message::CommunityMessage;
use crate::proto::{Community, Message, Pdu, PduBody, PduType, RequestId, Version};

/// Counters every sink updates, read for SIGUSR1, the stats line and the exit.
#[derive(Default, Debug)]
pub struct SinkCounters {
    pub exec_started: AtomicU64,
    pub exec_failed: AtomicU64,
    pub exec_overflow: AtomicU64,
    pub exec_abandoned: AtomicU64,
    pub forwarded: AtomicU64,
    pub forward_overflow: AtomicU64,
    pub forward_failed: AtomicU64,
    pub syslog_sent: AtomicU64,
    pub syslog_overflow: AtomicU64,
    pub syslog_failed: AtomicU64,
}

fn bump(c: &AtomicU64) {
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

/// `--exec`: each notification's JSON on a handler's stdin.
pub struct ExecSink {
    tx: Option<mpsc::Sender<Arc<Vec<u8>>>>,
    /// Notifications taken into the queue.
    queued: AtomicU64,
    task: JoinHandle<()>,
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
        let (tx, mut rx) = mpsc::channel::<Arc<Vec<u8>>>(queue.max(1));
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let c = Arc::clone(&counters);
        let task = tokio::spawn(async move {
            // Dropping the set (an abort at shutdown) kills the handlers still running.
            let mut running = tokio::task::JoinSet::new();
            while let Some(json) = rx.recv().await {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                    break;
                };
                while running.try_join_next().is_some() {}
                let command = command.clone();
                let c = Arc::clone(&c);
                running.spawn(async move {
                    bump(&c.exec_started);
                    if !run_handler(&command, &json, timeout).await {
                        bump(&c.exec_failed);
                    }
                    drop(permit);
                });
            }
            while running.join_next().await.is_some() {}
        });
        ExecSink {
            tx: Some(tx),
            queued: AtomicU64::new(0),
            task,
            counters,
        }
    }

    /// Queues one notification's JSON; a full queue counts an overflow.
    pub fn offer(&self, json: Arc<Vec<u8>>) {
        if let Some(tx) = &self.tx {
            match tx.try_send(json) {
                Ok(()) => bump(&self.queued),
                Err(_) => bump(&self.counters.exec_overflow),
            }
        }
    }

    /// Runs what is queued and waits for running handlers, up to `limit`; what is left
    /// then is abandoned (counted).
    pub async fn finish(mut self, limit: Duration) {
        let pending = self
            .tx
            .as_ref()
            .map_or(0, |t| t.max_capacity() - t.capacity());
        self.tx = None;
        if tokio::time::timeout(limit, &mut self.task).await.is_err() {
            self.task.abort();
            self.counters
                .exec_abandoned
                .fetch_add(pending as u64, Ordering::Relaxed);
        }
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
fn udp_socket(v6: bool) -> io::Result<tokio::net::UdpSocket> {
    let std = std::net::UdpSocket::bind(if v6 { "[::]:0" } else { "0.0.0.0:0" })?;
    std.set_nonblocking(true)?;
    tokio::net::UdpSocket::from_std(std)
}

/// `--forward`: relays each notification as an SNMPv2c trap.
pub struct ForwardSink {
    tx: Option<mpsc::Sender<Arc<Notification>>>,
    task: JoinHandle<()>,
    counters: Arc<SinkCounters>,
}

/// The SNMPv2-Trap that relays `n` (RFC 3584 form for v1 traps; informs become traps).
pub fn forward_message(n: &Notification, community: &Community, request_id: i64) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: community.clone(),
        pdu: PduBody::Pdu(Pdu::request(
            PduType::TrapV2,
            RequestId(request_id),
            n.varbinds.clone(),
        )),
    })
    .encode()
}

impl ForwardSink {
    pub fn spawn(
        targets: Vec<SocketAddr>,
        community: Community,
        queue: usize,
        counters: Arc<SinkCounters>,
    ) -> io::Result<ForwardSink> {
        let socket = udp_socket(targets.iter().any(SocketAddr::is_ipv6))?;
        let (tx, mut rx) = mpsc::channel::<Arc<Notification>>(queue.max(1));
        let c = Arc::clone(&counters);
        let task = tokio::spawn(async move {
            let mut id: i64 = 1;
            while let Some(n) = rx.recv().await {
                let bytes = forward_message(&n, &community, id);
                id = if id >= i64::from(i32::MAX) { 1 } else { id + 1 };
                for t in &targets {
                    let to = match (t.ip(), socket.local_addr().map(|a| a.is_ipv6())) {
                        (std::net::IpAddr::V4(v4), Ok(true)) => {
                            SocketAddr::new(v4.to_ipv6_mapped().into(), t.port())
                        }
                        _ => *t,
                    };
                    match socket.send_to(&bytes, to).await {
                        Ok(_) => bump(&c.forwarded),
                        Err(_) => bump(&c.forward_failed),
                    }
                }
            }
        });
        Ok(ForwardSink {
            tx: Some(tx),
            task,
            counters,
        })
    }

    pub fn offer(&self, n: &Arc<Notification>) {
        if let Some(tx) = &self.tx {
            if tx.try_send(Arc::clone(n)).is_err() {
                bump(&self.counters.forward_overflow);
            }
        }
    }

    pub async fn finish(mut self, limit: Duration) {
        self.tx = None;
        if tokio::time::timeout(limit, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

/// Where syslog messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyslogTarget {
    Udp(SocketAddr),
    /// A local datagram socket, normally /dev/log.
    Unix(PathBuf),
}

/// syslog facilities by name (RFC 5424 section 6.2.1).
pub fn facility_code(name: &str) -> Option<u8> {
    Some(match name.to_ascii_lowercase().as_str() {
        "kern" => 0,
        "user" => 1,
        "daemon" => 3,
        "auth" => 4,
        "syslog" => 5,
        "local0" => 16,
        "local1" => 17,
        "local2" => 18,
        "local3" => 19,
        "local4" => 20,
        "local5" => 21,
        "local6" => 22,
        "local7" => 23,
        _ => return None,
    })
}

/// This host's name for HEADER's HOSTNAME, or the nil value.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty() && h.bytes().all(|b| (33..=126).contains(&b)))
        .unwrap_or_else(|| "-".into())
}

/// RFC 5424 section 6: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`, severity
/// notice (5), APP-NAME `mibscope`, MSGID the PDU (`trap`, `inform`, `trap-v1`),
/// STRUCTURED-DATA the IANA `origin` element with the sender's address, MSG the text line
/// (UTF-8 with its BOM).
pub fn syslog_message(
    facility: u8,
    host: &str,
    at: SystemTime,
    n: &Notification,
    text: &[u8],
) -> Vec<u8> {
    let mut m = Vec::with_capacity(text.len() + 128);
    let pri = u16::from(facility) * 8 + 5;
    let _ = write!(m, "<{pri}>1 ");
    let _ = write_time(&mut m, at);
    let msgid = match n.kind {
        NotificationKind::TrapV1 => "trap-v1",
        NotificationKind::Trap => "trap",
        NotificationKind::Inform => "inform",
    };
    let _ = write!(
        m,
        " {host} mibscope {} {msgid} [origin ip=\"{}\" software=\"mibscope\" swVersion=\"{}\"] \u{feff}",
        std::process::id(),
        n.source.ip(),
        env!("CARGO_PKG_VERSION")
    );
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    m.extend_from_slice(body);
    m
}

pub struct SyslogSink {
    tx: Option<mpsc::Sender<Vec<u8>>>,
    task: JoinHandle<()>,
    counters: Arc<SinkCounters>,
}

impl SyslogSink {
    pub fn spawn(
        target: SyslogTarget,
        queue: usize,
        counters: Arc<SinkCounters>,
    ) -> io::Result<SyslogSink> {
        let (tx, mut rx) = mpsc::channel::<Vec<u8>>(queue.max(1));
        let c = Arc::clone(&counters);
        let task = match target {
            SyslogTarget::Udp(addr) => {
                let socket = udp_socket(addr.is_ipv6())?;
                tokio::spawn(async move {
                    while let Some(m) = rx.recv().await {
                        match socket.send_to(&m, addr).await {
                            Ok(_) => bump(&c.syslog_sent),
                            Err(_) => bump(&c.syslog_failed),
                        }
                    }
                })
            }
            SyslogTarget::Unix(path) => {
                let socket = tokio::net::UnixDatagram::unbound()?;
                tokio::spawn(async move {
                    while let Some(m) = rx.recv().await {
                        match socket.send_to(&m, &path).await {
                            Ok(_) => bump(&c.syslog_sent),
                            Err(_) => bump(&c.syslog_failed),
                        }
                    }
                })
            }
        };
        Ok(SyslogSink {
            tx: Some(tx),
            task,
            counters,
        })
    }

    pub fn offer(&self, message: Vec<u8>) {
        if let Some(tx) = &self.tx {
            if tx.try_send(message).is_err() {
                bump(&self.counters.syslog_overflow);
            }
        }
    }

    pub async fn finish(mut self, limit: Duration) {
        self.tx = None;
        if tokio::time::timeout(limit, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::proto::{Oid, Value, VarBind};
    use crate::traps::notification::NotificationSecurity;

    fn n() -> Notification {
        Notification {
            received_at: UNIX_EPOCH,
            source: "192.0.2.1:1234".parse().unwrap(),
            local: None,
            version: Version::V2c,
            kind: NotificationKind::Inform,
            security: NotificationSecurity::Community { label: "x".into() },
            request_id: RequestId(1),
            uptime: Some(5),
            trap_oid: "1.3.6.1.6.3.1.1.5.4".parse().unwrap(),
            varbinds: vec![VarBind::new(
                "1.3.6.1.2.1.1.3.0".parse::<Oid>().unwrap(),
                Value::TimeTicks(5),
            )],
            v1: None,
        }
    }

    #[test]
    fn syslog_framing_is_rfc5424() {
        let m = syslog_message(16, "host1", UNIX_EPOCH, &n(), b"the line\n");
        let text = String::from_utf8(m).unwrap();
        let expected_prefix = "<133>1 1970-01-01T00:00:00.000Z host1 mibscope ";
        assert!(text.starts_with(expected_prefix), "{text}");
        assert!(
            text.ends_with(
                " inform [origin ip=\"192.0.2.1\" software=\"mibscope\" swVersion=\"0.1.0\"] \u{feff}the line"
            ),
            "{text}"
        );
        assert_eq!(facility_code("LOCAL7"), Some(23));
        assert_eq!(facility_code("nope"), None);
    }

    #[test]
    fn forwarded_as_a_v2c_trap_with_the_same_varbinds() {
        let bytes = forward_message(&n(), &Community::new("fwd"), 9);
        let (Message::Community(m), _) = Message::decode(&bytes).unwrap() else {
            panic!()
        };
        assert_eq!(m.version, Version::V2c);
        assert_eq!(m.community, Community::new("fwd"));
        assert_eq!(m.pdu.kind(), PduType::TrapV2);
        assert_eq!(m.pdu.varbinds(), n().varbinds.as_slice());
    }

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
