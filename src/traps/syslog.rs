//! Syslog output: each notification as an RFC 5424 message, sent to the local syslog
//! socket (`unix:/dev/log`), over UDP (RFC 5426, one message per datagram) or over TCP
//! (RFC 6587 section 3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, so a message may hold
//! any byte). Behind a bounded queue whose overflow is counted; a TCP connection is opened
//! on first use and again after a failure (backing off up to 30 s, the queue holding what
//! arrives meanwhile), a message whose write failed is sent again once on the new one.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::notification::Notification;
use super::render::write_time;
use super::sinks::{Queue, SinkCounters, Taker, bump, udp_socket};

/// Where syslog messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyslogTarget {
    /// RFC 5426: one message per datagram.
    Udp(SocketAddr),
    /// RFC 6587 octet counting over a TCP connection.
    Tcp(SocketAddr),
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
    let _ = write!(
        m,
        " {host} mibscope {} {} [origin ip=\"{}\" software=\"mibscope\" swVersion=\"{}\"] \u{feff}",
        std::process::id(),
        n.kind.name(),
        n.source.ip(),
        env!("CARGO_PKG_VERSION")
    );
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    m.extend_from_slice(body);
    m
}

/// RFC 6587 section 3.4.1: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the message's octets.
pub fn octet_counted(message: &[u8], out: &mut Vec<u8>) {
    let _ = write!(out, "{} ", message.len());
    out.extend_from_slice(message);
}

pub struct SyslogSink {
    queue: Queue<Vec<u8>>,
    counters: Arc<SinkCounters>,
}

/// Messages written to a TCP connection at once, at most.
const TCP_BATCH: usize = 256;
/// Longest wait before connecting again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a connection attempt may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);

impl SyslogSink {
    pub fn spawn(
        target: SyslogTarget,
        queue: usize,
        counters: Arc<SinkCounters>,
    ) -> io::Result<SyslogSink> {
        let c = Arc::clone(&counters);
        let queue = match target {
            SyslogTarget::Udp(addr) => {
                let socket = udp_socket(addr.is_ipv6())?;
                Queue::spawn(queue, |mut taker: Taker<Vec<u8>>| async move {
                    while let Some(m) = taker.recv().await {
                        count(&c, &taker, 1, socket.send_to(&m, addr).await.is_ok());
                    }
                })
            }
            SyslogTarget::Tcp(addr) => Queue::spawn(queue, move |taker| tcp(addr, taker, c)),
            SyslogTarget::Unix(path) => {
                let socket = tokio::net::UnixDatagram::unbound()?;
                Queue::spawn(queue, |mut taker: Taker<Vec<u8>>| async move {
                    while let Some(m) = taker.recv().await {
                        count(&c, &taker, 1, socket.send_to(&m, &path).await.is_ok());
                    }
                })
            }
        };
        Ok(SyslogSink { queue, counters })
    }

    pub fn offer(&self, message: Vec<u8>) {
        if !self.queue.offer(message) {
            bump(&self.counters.syslog_overflow);
        }
    }

    /// Sends what is queued, up to `limit`; what is left then counts as failed.
    pub async fn finish(self, limit: Duration) {
        let abandoned = self.queue.finish(limit).await;
        self.counters
            .syslog_failed
            .fetch_add(abandoned, Ordering::Relaxed);
    }
}

/// `messages` sent (or not): the daemon's counters and the queue's.
fn count(c: &SinkCounters, taker: &Taker<Vec<u8>>, messages: u64, sent: bool) {
    let counter = if sent {
        &c.syslog_sent
    } else {
        &c.syslog_failed
    };
    counter.fetch_add(messages, Ordering::Relaxed);
    taker.done(messages);
}

/// True when the collector has closed the connection: it has something to read (the end
/// of the stream, or an error), which a syslog collector never sends otherwise.
fn closed_by_peer(stream: &TcpStream) -> bool {
    let mut probe = [0u8; 64];
    match stream.try_read(&mut probe) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    }
}

/// The TCP sender: batches of octet-counted messages, one connection kept open.
async fn tcp(addr: SocketAddr, mut taker: Taker<Vec<u8>>, c: Arc<SinkCounters>) {
    let mut stream: Option<TcpStream> = None;
    let mut backoff = Duration::from_millis(250);
    let mut frames = Vec::with_capacity(1 << 16);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(TCP_BATCH);
    while let Some(first) = taker.recv().await {
        batch.push(first);
        while batch.len() < TCP_BATCH {
            match taker.try_recv() {
                Some(m) => batch.push(m),
                None => break,
            }
        }
        frames.clear();
        for m in &batch {
            octet_counted(m, &mut frames);
        }
        // Once on the open connection, once more on a new one if that write failed.
        let mut attempts = 0;
        loop {
            attempts += 1;
            if stream.is_none() {
                match tokio::time::timeout(CONNECT_LIMIT, TcpStream::connect(addr)).await {
                    Ok(Ok(s)) => {
                        let _ = s.set_nodelay(true);
                        stream = Some(s);
                        backoff = Duration::from_millis(250);
                    }
                    Ok(Err(e)) => {
                        eprintln!(
                            "mibscope traps: syslog tcp:{addr}: {e}; trying again in {backoff:?}"
                        );
                        // Keep the batch: the queue holds what comes meanwhile.
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                    Err(_) => {
                        eprintln!(
                            "mibscope traps: syslog tcp:{addr}: no connection within {CONNECT_LIMIT:?}; trying again"
                        );
                        continue;
                    }
                }
            }
            let Some(s) = stream.as_mut() else { continue };
            if closed_by_peer(s) {
                // A collector never writes: readable means it closed (or reset) the
                // connection, and a write now would vanish.
                stream = None;
                continue;
            }
            match s.write_all(&frames).await {
                Ok(()) => {
                    count(&c, &taker, batch.len() as u64, true);
                    break;
                }
                Err(e) => {
                    stream = None;
                    if attempts >= 2 {
                        eprintln!(
                            "mibscope traps: syslog tcp:{addr}: {e}; {} messages lost",
                            batch.len()
                        );
                        count(&c, &taker, batch.len() as u64, false);
                        break;
                    }
                }
            }
        }
        batch.clear();
    }
    if let Some(mut s) = stream {
        let _ = s.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::proto::{Oid, RequestId, Value, VarBind, Version};
    use crate::traps::notification::{NotificationKind, NotificationSecurity};

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
    fn octet_counting_counts_bytes_not_characters() {
        let mut out = Vec::new();
        octet_counted("<13>1 é\n".as_bytes(), &mut out);
        octet_counted(b"", &mut out);
        assert_eq!(out, "9 <13>1 é\n0 ".as_bytes());
    }
}
