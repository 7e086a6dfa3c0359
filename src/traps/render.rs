//! A notification as one human line or one JSON object, with MIB names through
//! `output`'s renderer (the same formatters as `get` and `walk`), and the stats line.
//!
//! Text (one line per notification; control bytes never reach the terminal):
//! `2026-12-03T14:50:01.123Z 127.0.0.1:44510 v2c trap community #1 IF-MIB::linkDown
//! uptime 1:49:03.21: IF-MIB::ifIndex.3 = INTEGER: 3 | IF-MIB::ifDescr.3 = STRING: eth0`
//!
//! JSON (one object per line; schema in docs/traps-json.md):
//! `{"kind":"notification","time":"...","source":"127.0.0.1:44510","version":"2c",
//! "pdu":"trap","request_id":1,"security":{"community":"#1"},"uptime":654321,
//! "trap_oid":".1.3.6.1.6.3.1.1.5.3","trap_name":"IF-MIB::linkDown","varbinds":[...]}`

use std::cell::RefCell;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use super::notification::{Notification, NotificationSecurity};
use super::receiver::{DropReason, ReceiverStats};
use crate::output::json::{write_json_bytes, write_json_str};
use crate::output::syntax::{OidNames, Resolved};
use crate::output::text::{Context, write_uptime};
use crate::output::{OidStyle, OutputOptions, oid_text, write_varbind_named};
use crate::proto::Version;

/// How many OIDs a [`NameCache`] remembers before it starts afresh.
const NAME_CACHE_LIMIT: usize = 16_384;

/// A resolver that remembers what another one said per OID: notifications repeat the same
/// few OIDs (sysUpTime.0, snmpTrapOID.0, a device's varbinds), and walking the MIB tree for
/// each is the largest cost of a line. Bounded; for one thread (the output task).
pub struct NameCache<'n> {
    inner: &'n (dyn OidNames + Sync),
    cache: RefCell<hashbrown::HashMap<Box<[u32]>, Option<Resolved<'n>>>>,
}

impl<'n> NameCache<'n> {
    pub fn new(inner: &'n (dyn OidNames + Sync)) -> Self {
        NameCache {
            inner,
            cache: RefCell::new(hashbrown::HashMap::new()),
        }
    }
}

impl OidNames for NameCache<'_> {
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
        if let Some(r) = self.cache.borrow().get(arcs) {
            return *r;
        }
        let r = self.inner.resolve(arcs);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= NAME_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(arcs.into(), r);
        r
    }

    fn label_of(&self, arcs: &[u32]) -> Option<&str> {
        self.inner.label_of(arcs)
    }
}

/// `2026-12-03T14:50:01.123Z` (RFC 3339, UTC, milliseconds).
pub fn write_time<W: Write + ?Sized>(out: &mut W, t: SystemTime) -> io::Result<()> {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let rem = secs % 86_400;
    write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V1 => "v1",
        Version::V2c => "v2c",
        Version::V3 => "v3",
        Version::Unknown(_) => "v?",
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// Replaces what a terminal would interpret (control bytes, line breaks) in place.
fn defang(line: &mut [u8]) {
    for b in line.iter_mut() {
        if *b < 0x20 || *b == 0x7f {
            *b = if *b == b'\n' || *b == b'\r' || *b == b'\t' {
                b' '
            } else {
                b'.'
            };
        }
    }
}

/// One readable line, with a newline.
pub fn write_text<W: Write + ?Sized>(
    out: &mut W,
    n: &Notification,
    options: &OutputOptions,
    names: &dyn OidNames,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(256);
    write_time(&mut line, n.received_at)?;
    write!(
        line,
        " {} {} {} ",
        n.source,
        version_name(n.version),
        n.kind.name()
    )?;
    match &n.security {
        NotificationSecurity::Community { label } => write!(line, "community {label}")?,
        NotificationSecurity::Usm {
            user,
            level,
            context_name,
            ..
        } => {
            write!(line, "user {user} {level}")?;
            if !context_name.is_empty() {
                write!(
                    line,
                    " context \"{}\"",
                    String::from_utf8_lossy(context_name)
                )?;
            }
        }
    }
    line.push(b' ');
    let ctx = Context { options, names };
    if n.trap_oid.is_empty() {
        line.extend_from_slice(b"(no snmpTrapOID.0)");
    } else {
        oid_text::write_oid(&mut line, n.trap_oid.arcs(), ctx)?;
    }
    if let Some(v1) = &n.v1 {
        write!(line, " agent {}", v1.agent_addr)?;
    }
    if let Some(t) = n.uptime {
        line.extend_from_slice(b" uptime ");
        write_uptime(&mut line, t, options)?;
    }
    line.push(b':');
    for (i, vb) in n.payload().iter().enumerate() {
        line.extend_from_slice(if i == 0 { b" " } else { b" | " });
        let at = line.len();
        write_varbind_named(&mut line, vb, options, names)?;
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        defang(&mut line[at..]);
    }
    defang(&mut line);
    line.push(b'\n');
    out.write_all(&line)
}

/// One JSON object and a newline.
pub fn write_json<W: Write + ?Sized>(
    out: &mut W,
    n: &Notification,
    names: &dyn OidNames,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(512);
    line.extend_from_slice(b"{\"kind\":\"notification\",\"time\":\"");
    write_time(&mut line, n.received_at)?;
    write!(
        line,
        "\",\"source\":\"{}\",\"version\":\"{}\",\"pdu\":\"{}\",\"request_id\":{},\"security\":",
        n.source,
        n.version.name(),
        n.kind.name(),
        n.request_id.0
    )?;
    match &n.security {
        NotificationSecurity::Community { label } => {
            line.extend_from_slice(b"{\"community\":");
            write_json_str(&mut line, label)?;
            line.push(b'}');
        }
        NotificationSecurity::Usm {
            user,
            level,
            engine_id,
            context_engine_id,
            context_name,
        } => {
            line.extend_from_slice(b"{\"user\":");
            write_json_bytes(&mut line, user.as_bytes())?;
            write!(
                line,
                ",\"level\":\"{level}\",\"engine_id\":\"{engine_id}\",\"context_engine_id\":\"{}\",\"context\":",
                hex(context_engine_id)
            )?;
            write_json_bytes(&mut line, context_name)?;
            line.push(b'}');
        }
    }
    if let Some(t) = n.uptime {
        write!(line, ",\"uptime\":{t}")?;
    }
    line.extend_from_slice(b",\"trap_oid\":\"");
    oid_text::write_numeric(&mut line, n.trap_oid.arcs())?;
    line.push(b'"');
    if names.resolve(n.trap_oid.arcs()).is_some() {
        let named = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        let mut name = Vec::new();
        oid_text::write_oid(
            &mut name,
            n.trap_oid.arcs(),
            Context {
                options: &named,
                names,
            },
        )?;
        line.extend_from_slice(b",\"trap_name\":");
        write_json_bytes(&mut line, &name)?;
    }
    if let Some(v1) = &n.v1 {
        line.extend_from_slice(b",\"v1\":{\"enterprise\":\"");
        oid_text::write_numeric(&mut line, v1.enterprise.arcs())?;
        write!(
            line,
            "\",\"agent_addr\":\"{}\",\"generic_trap\":{},\"specific_trap\":{},\"time_stamp\":{}}}",
            v1.agent_addr,
            v1.generic_trap.code(),
            v1.specific_trap,
            v1.time_stamp
        )?;
    }
    line.extend_from_slice(b",\"varbinds\":[");
    let json = OutputOptions {
        json: true,
        ..OutputOptions::default()
    };
    for (i, vb) in n.varbinds.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        write_varbind_named(&mut line, vb, &json, names)?;
        if line.last() == Some(&b'\n') {
            line.pop();
        }
    }
    line.extend_from_slice(b"]}\n");
    out.write_all(&line)
}

/// Counters beyond the receiver's: what the outputs saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutputStats {
    /// Notifications lost because a subscriber's queue was full.
    pub queue_overflow: u64,
    /// Notifications written to stdout or the log file.
    pub written: u64,
    pub exec_started: u64,
    pub exec_failed: u64,
    /// Notifications not handed to --exec because its queue was full.
    pub exec_overflow: u64,
    /// Traps relayed, and informs relayed and acknowledged (per target).
    pub forwarded: u64,
    pub forward_overflow: u64,
    /// Relays that could not be sent, informs never acknowledged, relays abandoned at exit.
    pub forward_failed: u64,
    pub syslog_sent: u64,
    pub syslog_overflow: u64,
    /// Syslog messages that could not be sent (or were abandoned at exit).
    pub syslog_failed: u64,
    /// Datagrams the kernel dropped because a socket's receive buffer was full (Linux:
    /// the `drops` column of /proc/net/udp for our sockets; else 0).
    pub socket_drops: u64,
}

/// The counters as (name, value) pairs, in a stable order.
pub fn counters(r: &ReceiverStats, o: &OutputStats) -> Vec<(&'static str, u64)> {
    let mut v = vec![
        ("received", r.datagrams),
        ("accepted", r.accepted),
        ("informs", r.informs),
        ("acknowledged", r.acknowledged),
        ("discovery", r.discovery),
        ("reports", r.reports),
        ("learned_engines", r.learned_engines),
        ("dropped", r.dropped_total()),
    ];
    v.extend(DropReason::ALL.iter().map(|d| (d.name(), r.dropped(*d))));
    v.extend([
        ("queue_overflow", o.queue_overflow),
        ("written", o.written),
        ("exec_started", o.exec_started),
        ("exec_failed", o.exec_failed),
        ("exec_overflow", o.exec_overflow),
        ("forwarded", o.forwarded),
        ("forward_overflow", o.forward_overflow),
        ("forward_failed", o.forward_failed),
        ("syslog_sent", o.syslog_sent),
        ("syslog_overflow", o.syslog_overflow),
        ("syslog_failed", o.syslog_failed),
        ("socket_drops", o.socket_drops),
    ]);
    v
}

/// The periodic (and final) JSON stats line: `{"kind":"stats","time":...,"received":N,...}`.
pub fn write_stats_json<W: Write + ?Sized>(
    out: &mut W,
    at: SystemTime,
    r: &ReceiverStats,
    o: &OutputStats,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(512);
    line.extend_from_slice(b"{\"kind\":\"stats\",\"time\":\"");
    write_time(&mut line, at)?;
    line.push(b'"');
    for (name, value) in counters(r, o) {
        write!(line, ",\"{name}\":{value}")?;
    }
    line.extend_from_slice(b"}\n");
    out.write_all(&line)
}

/// The counters as text, for SIGUSR1 and the exit: `received 10, accepted 9, ...`.
pub fn stats_text(r: &ReceiverStats, o: &OutputStats) -> String {
    counters(r, o)
        .into_iter()
        .filter(|(name, v)| *v > 0 || matches!(*name, "received" | "accepted" | "dropped"))
        .map(|(name, v)| format!("{name} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use super::*;
    use crate::output::syntax::NoNames;
    use crate::proto::usm::{EngineId, SecurityLevel, UserName};
    use crate::proto::{Oid, RequestId, Value, VarBind};
    use crate::traps::notification::{NotificationKind, v2_header};

    fn notification(security: NotificationSecurity) -> Notification {
        let varbinds = vec![
            VarBind::new(
                "1.3.6.1.2.1.1.3.0".parse::<Oid>().unwrap(),
                Value::TimeTicks(654_321),
            ),
            VarBind::new(
                "1.3.6.1.6.3.1.1.4.1.0".parse::<Oid>().unwrap(),
                Value::ObjectId("1.3.6.1.6.3.1.1.5.3".parse().unwrap()),
            ),
            VarBind::new(
                "1.3.6.1.2.1.2.2.1.2.3".parse::<Oid>().unwrap(),
                Value::OctetString(b"eth0\nnext".to_vec()),
            ),
        ];
        let (uptime, trap_oid) = v2_header(&varbinds);
        Notification {
            received_at: UNIX_EPOCH + Duration::from_millis(1_796_313_001_123),
            source: "127.0.0.1:44510".parse::<SocketAddr>().unwrap(),
            local: None,
            version: Version::V2c,
            kind: NotificationKind::Trap,
            security,
            request_id: RequestId(77),
            uptime,
            trap_oid,
            varbinds,
            v1: None,
        }
    }

    #[test]
    fn time_is_rfc3339_utc() {
        let mut out = Vec::new();
        write_time(
            &mut out,
            UNIX_EPOCH + Duration::from_millis(1_796_313_001_123),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "2026-12-03T15:50:01.123Z");
        let mut out = Vec::new();
        write_time(&mut out, UNIX_EPOCH + Duration::from_secs(951_782_400)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn text_line_is_one_line_without_control_bytes() {
        let n = notification(NotificationSecurity::Community { label: "#1".into() });
        let mut out = Vec::new();
        write_text(&mut out, &n, &OutputOptions::default(), &NoNames).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(
            line,
            "2026-12-03T15:50:01.123Z 127.0.0.1:44510 v2c trap community #1 \
             .1.3.6.1.6.3.1.1.5.3 uptime 1:49:03.21: .1.3.6.1.2.1.2.2.1.2.3 = STRING: \
             \"eth0 next\"\n"
        );
    }

    #[test]
    fn json_is_one_valid_object_without_secrets() {
        let mut n = notification(NotificationSecurity::Usm {
            user: UserName::new("sha-aes"),
            level: SecurityLevel::AuthPriv,
            engine_id: EngineId::new(b"\x80\x00\x1f\x88\x04abc".to_vec()),
            context_engine_id: b"\x80\x00\x1f\x88\x04abc".to_vec(),
            context_name: Vec::new(),
        });
        n.version = Version::V3;
        let mut out = Vec::new();
        write_json(&mut out, &n, &NoNames).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "notification");
        assert_eq!(v["time"], "2026-12-03T15:50:01.123Z");
        assert_eq!(v["version"], "3");
        assert_eq!(v["pdu"], "trap");
        assert_eq!(v["request_id"], 77);
        assert_eq!(v["security"]["user"], "sha-aes");
        assert_eq!(v["security"]["level"], "authPriv");
        assert_eq!(v["security"]["engine_id"], "0x80001F8804616263");
        assert_eq!(v["uptime"], 654_321);
        assert_eq!(v["trap_oid"], ".1.3.6.1.6.3.1.1.5.3");
        assert_eq!(v["varbinds"].as_array().unwrap().len(), 3);
        assert_eq!(v["varbinds"][2]["value"], "eth0\nnext");
    }

    #[test]
    fn the_name_cache_answers_as_the_resolver_does() {
        struct Counting(std::sync::atomic::AtomicU32);
        impl OidNames for Counting {
            fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
                self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (arcs.first() == Some(&1)).then_some(Resolved {
                    depth: 1,
                    label: "iso",
                    module: None,
                    syntax: None,
                    has_children: true,
                    index: None,
                })
            }
        }
        let inner = Counting(std::sync::atomic::AtomicU32::new(0));
        let cache = NameCache::new(&inner);
        for _ in 0..3 {
            assert_eq!(cache.resolve(&[1, 3, 6]).map(|r| r.label), Some("iso"));
            assert!(cache.resolve(&[2, 1]).is_none());
        }
        assert_eq!(
            inner.0.load(std::sync::atomic::Ordering::Relaxed),
            2,
            "each OID resolved once"
        );
    }

    #[test]
    fn stats_line_names_every_drop_reason() {
        let r = ReceiverStats {
            datagrams: 5,
            ..ReceiverStats::default()
        };
        let mut out = Vec::new();
        write_stats_json(&mut out, UNIX_EPOCH, &r, &OutputStats::default()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["kind"], "stats");
        assert_eq!(v["received"], 5);
        for d in DropReason::ALL {
            assert_eq!(v[d.name()], 0, "{}", d.name());
        }
        assert_eq!(
            stats_text(&r, &OutputStats::default()),
            "received 5, accepted 0, dropped 0"
        );
    }
}
