//! `netstat`: snmpnetstat's interface list (`-Ci`) and routing table (`-Cr`, from
//! inetCidrRouteTable, RFC 4292), laid out as apps/snmpnetstat prints them (if.c `intpr`,
//! routex.c `routexpr`). Both walk their columns in lock step with GetNext, as snmpnetstat
//! does, so a sparse column shifts as it does there.
//!
//! mibscope never looks names up in the DNS or /etc/networks: addresses print as numbers,
//! which is what snmpnetstat prints when a lookup finds nothing (and always with `-Cn`).

use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use clap::Args;

use super::options::{RequestOptions, Session};
use super::{CliError, Outcome, report_request_error};
use crate::proto::engine::Operation;
use crate::proto::{ErrorStatus, Oid, Value, VarBind};

#[derive(Args, Debug)]
pub struct NetstatArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: i (interfaces), r (routing table), n (numbers, not names:
    /// mibscope always prints numbers; n keeps snmpnetstat's numeric column widths),
    /// b (byte counts too), o (byte counts only), d (drops), I NAME (only that interface)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
}

#[derive(Debug, Default)]
struct Flags {
    interfaces: bool,
    routes: bool,
    numeric: bool,
    bytes: bool,
    bytes_only: bool,
    drops: bool,
    interface: Option<String>,
}

fn parse_flags(values: &[String]) -> Result<Flags, CliError> {
    let mut f = Flags::default();
    for value in values {
        for (i, c) in value.char_indices() {
            match c {
                'i' => f.interfaces = true,
                'r' => f.routes = true,
                'n' => f.numeric = true,
                'b' => f.bytes = true,
                'o' => f.bytes_only = true,
                'd' => f.drops = true,
                'I' => {
                    f.interfaces = true;
                    f.interface = Some(value[i + 1..].to_string());
                    break;
                }
                // Accepted as snmpnetstat accepts them; nothing more is shown.
                'a' | 'L' | 'S' | 's' | 'v' => {}
                other => {
                    return Err(CliError::Usage(format!(
                        "Bad option after -C: {other} (netstat takes i r n b o d I)"
                    )));
                }
            }
        }
    }
    Ok(f)
}

pub async fn run(args: NetstatArgs) -> Result<Outcome, CliError> {
    let flags = parse_flags(&args.app)?;
    if !flags.interfaces && !flags.routes {
        return Err(CliError::Usage(
            "netstat shows interfaces (-Ci) or routes (-Cr); mibscope has no socket list".into(),
        ));
    }
    let session = args.request.session().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = if flags.interfaces {
        interfaces(&session, &flags, &mut out).await
    } else {
        routes(&session, &flags, &mut out).await
    };
    out.flush()?;
    match result {
        Ok(()) => Ok(Outcome::Success),
        Err(Stop::Io(e)) => Err(CliError::Io(e)),
        Err(Stop::Request) => Ok(Outcome::Failure),
    }
}

enum Stop {
    Request,
    Io(std::io::Error),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Io(e)
    }
}

/// One request; `None` when the agent answered with an error-status (snmpnetstat then
/// stops where it is, as its queries fail).
async fn query(session: &Session, op: Operation) -> Result<Option<Vec<VarBind>>, Stop> {
    match session.client.request(&session.target, op).await {
        Ok(r) if r.error_status == ErrorStatus::NoError => Ok(Some(r.varbinds)),
        Ok(_) => Ok(None),
        Err(e) => {
            report_request_error(&e, &session.label, false);
            Err(Stop::Request)
        }
    }
}

/// `*vp->val.integer` as an unsigned long.
fn number(v: &Value) -> u64 {
    match v {
        Value::Integer(n) => *n as u64,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            u64::from(*n)
        }
        Value::Counter64(n) => *n,
        _ => 0,
    }
}

/// What snmpnetstat keeps of one interface.
#[derive(Default)]
struct Interface {
    name: String,
    descr: String,
    index: u32,
    mtu: i32,
    ip: String,
    route: String,
    ipkts: u64,
    opkts: u64,
    s_ipkts: String,
    s_ierrs: String,
    s_opkts: String,
    s_oerrs: String,
    s_ibytes: String,
    s_obytes: String,
    s_outq: String,
    drops: i32,
}

async fn interfaces<W: Write>(session: &Session, flags: &Flags, out: &mut W) -> Result<(), Stop> {
    let ifentry = Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1]);
    let mut columns: Vec<u32> = vec![2, 4, 8];
    if flags.bytes || flags.bytes_only {
        columns.extend([10, 16]);
    }
    if !flags.bytes_only {
        columns.extend([11, 12, 14, 17, 18, 20, 21]);
    }
    if flags.drops {
        columns.push(19);
    }
    let mut vars: Vec<Oid> = columns.iter().map(|c| ifentry.child(&[*c])).collect();
    vars.push(Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1]));
    let ifdescr = ifentry.child(&[2]);
    let (mut max_name, mut max_ip, mut max_route, mut max_outq) = (4, 7, 7, 5);
    let (mut max_ipkts, mut max_ierrs, mut max_opkts, mut max_oerrs) = (5, 5, 5, 5);
    let (mut max_ibytes, mut max_obytes) = (6, 6);
    let mut list: Vec<Interface> = Vec::new();
    let mut addresses: Option<Vec<Address>> = None;
    loop {
        let Some(answer) = query(session, Operation::GetNext(vars.clone())).await? else {
            break;
        };
        let Some(first) = answer.first() else { break };
        if first.value.is_exception() || !first.oid.is_strictly_under(&ifdescr) {
            break;
        }
        // snmpnetstat would ask again forever.
        if first.oid <= vars[0] {
            eprintln!("Error: OID not increasing: {} >= {}", vars[0], first.oid);
            return Err(Stop::Request);
        }
        let n = first.oid.len();
        let mut cur = Interface {
            index: *first.oid.arcs().last().unwrap_or(&0),
            ..Interface::default()
        };
        for vb in &answer {
            if vb.value.is_exception() || vb.value == Value::Null {
                continue;
            }
            let column = vb.oid.arcs().get(n.wrapping_sub(2)).copied().unwrap_or(0);
            let text = |v: &Value| number(v).to_string();
            match (column, &vb.value) {
                (2, Value::OctetString(s)) => {
                    cur.name = c_string(s);
                    cur.descr = cur.name.clone();
                }
                (1, Value::OctetString(s)) => {
                    cur.name = c_string(s);
                    max_name = max_name.max(cur.name.len() + 1);
                }
                (4, v) => cur.mtu = number(v) as i32,
                (10, v) => {
                    cur.s_ibytes = text(v);
                    max_ibytes = max_ibytes.max(cur.s_ibytes.len());
                }
                (11 | 12, v) => {
                    cur.ipkts = cur.ipkts.wrapping_add(number(v));
                    cur.s_ipkts = cur.ipkts.to_string();
                    max_ipkts = max_ipkts.max(cur.s_ipkts.len());
                }
                (14, v) => {
                    cur.s_ierrs = text(v);
                    max_ierrs = max_ierrs.max(cur.s_ierrs.len());
                }
                (16, v) => {
                    cur.s_obytes = text(v);
                    max_obytes = max_obytes.max(cur.s_obytes.len());
                }
                (17 | 18, v) => {
                    cur.opkts = cur.opkts.wrapping_add(number(v));
                    cur.s_opkts = cur.opkts.to_string();
                    max_opkts = max_opkts.max(cur.s_opkts.len());
                }
                (19, v) => cur.drops = number(v) as i32,
                (20, v) => {
                    cur.s_oerrs = text(v);
                    max_oerrs = max_oerrs.max(cur.s_oerrs.len());
                }
                (21, v) => {
                    cur.s_outq = text(v);
                    max_outq = max_outq.max(cur.s_outq.len());
                }
                _ => {}
            }
        }
        vars = answer.into_iter().map(|vb| vb.oid).collect();
        if let Some(only) = &flags.interface
            && cur.name != *only
            && cur.descr != *only
        {
            continue;
        }
        max_name = max_name.max(cur.name.len() + 1);
        if addresses.is_none() {
            addresses = Some(address_table(session).await?);
        }
        if let Some((arcs, _, mask)) = addresses
            .iter()
            .flatten()
            .find(|(_, ifindex, _)| *ifindex == u64::from(cur.index))
        {
            let octet = |i: usize| arcs.get(i).copied().unwrap_or(0);
            cur.ip = format!("{}.{}.{}.{}", octet(0), octet(1), octet(2), octet(3));
            let byte = |i: usize| octet(i) as u8;
            let addr = u32::from_be_bytes([byte(0), byte(1), byte(2), byte(3)]);
            let m = |i: usize| mask.get(i).copied().unwrap_or(0);
            let mask = u32::from_be_bytes([m(0), m(1), m(2), m(3)]);
            cur.route = netname(addr, mask);
        }
        max_ip = max_ip.max(cur.ip.len());
        max_route = max_route.max(cur.route.len());
        list.push(cur);
    }
    let cut = |s: &str, w: usize| s.get(..w.min(s.len())).unwrap_or(s).to_string();
    write!(
        out,
        "{:<max_name$} {:>5} {:<max_route$} {:<max_ip$}",
        "Name", "Mtu", "Network", "Address"
    )?;
    if flags.bytes_only {
        write!(out, " {:>max_ibytes$} {:>max_obytes$}", "Ibytes", "Obytes")?;
    } else {
        write!(out, " {:>max_ipkts$} {:>max_ierrs$}", "Ipkts", "Ierrs")?;
        if flags.bytes {
            write!(out, " {:>max_ibytes$}", "Ibytes")?;
        }
        write!(out, " {:>max_opkts$} {:>max_oerrs$}", "Opkts", "Oerrs")?;
        if flags.bytes {
            write!(out, " {:>max_obytes$}", "Obytes")?;
        }
        write!(out, " {:>max_outq$}", "Queue")?;
    }
    if flags.drops {
        write!(out, " Drop")?;
    }
    writeln!(out)?;
    for i in list.iter().filter(|i| !i.name.is_empty()) {
        let name = crate::output::terminal::safe_text(&i.name);
        write!(
            out,
            "{:<max_name$} {:>5} {:<max_route$} {:<max_ip$}",
            cut(&name, max_name),
            i.mtu,
            cut(&i.route, max_route),
            cut(&i.ip, max_ip)
        )?;
        if flags.bytes_only {
            write!(
                out,
                " {:>max_ibytes$} {:>max_obytes$}",
                i.s_ibytes, i.s_obytes
            )?;
        } else {
            write!(out, " {:>max_ipkts$} {:>max_ierrs$}", i.s_ipkts, i.s_ierrs)?;
            if flags.bytes {
                write!(out, " {:>max_ibytes$}", i.s_ibytes)?;
            }
            write!(out, " {:>max_opkts$} {:>max_oerrs$}", i.s_opkts, i.s_oerrs)?;
            if flags.bytes {
                write!(out, " {:>max_obytes$}", i.s_obytes)?;
            }
            write!(out, " {:>max_outq$}", i.s_outq)?;
        }
        if flags.drops {
            write!(out, " {:4}", i.drops)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A C string from octets: up to the first NUL, at most 127 bytes.
fn c_string(s: &[u8]) -> String {
    let s = &s[..s.len().min(127)];
    let s = s.split(|b| *b == 0).next().unwrap_or(s);
    String::from_utf8_lossy(s).into_owned()
}

/// An ipAddrTable row: the address (index arcs), its ifIndex, its mask.
type Address = (Vec<u32>, u64, Vec<u8>);

/// ipAddrTable's ipAdEntIfIndex and ipAdEntNetMask, walked.
async fn address_table(session: &Session) -> Result<Vec<Address>, Stop> {
    let entry = Oid::from([1, 3, 6, 1, 2, 1, 4, 20, 1]);
    let walk = |column: u32| {
        let root = entry.child(&[column]);
        async move {
            let mut found = Vec::new();
            let mut next = root.clone();
            while let Some(answer) = query(session, Operation::GetNext(vec![next.clone()])).await? {
                let Some(vb) = answer.into_iter().next() else {
                    break;
                };
                if !vb.oid.is_strictly_under(&root) || vb.value.is_exception() || vb.oid <= next {
                    break;
                }
                next = vb.oid.clone();
                found.push(vb);
            }
            Ok::<_, Stop>(found)
        }
    };
    let ifindexes = walk(2).await?;
    let masks = walk(3).await?;
    Ok(ifindexes
        .iter()
        .zip(&masks)
        .map(|(i, m)| {
            let arcs = m.oid.arcs()[10..].to_vec();
            let mask = match &m.value {
                Value::IpAddress(a) => a.to_vec(),
                Value::OctetString(s) => s.clone(),
                _ => vec![0; 4],
            };
            (arcs, number(&i.value), mask)
        })
        .collect())
}

/// route.c `netname` without /etc/networks: the network's significant octets and the
/// prefix length (`192.0.2/24`, `127/8`).
fn netname(addr: u32, mask: u32) -> String {
    let bits = if mask == 0 {
        0
    } else {
        33 - (mask.trailing_zeros() + 1)
    };
    let o = addr.to_be_bytes();
    match bits {
        0..=8 => format!("{}/{bits}", o[0]),
        9..=16 => format!("{}.{}/{bits}", o[0], o[1]),
        17..=24 => format!("{}.{}.{}/{bits}", o[0], o[1], o[2]),
        _ => format!("{}.{}.{}.{}/{bits}", o[0], o[1], o[2], o[3]),
    }
}

/// One inetCidrRouteTable row as snmpnetstat reads it.
struct Route {
    v6: bool,
    dst: Vec<u8>,
    prefix: u32,
    hop: Vec<u8>,
    ifindex: u32,
    kind: i64,
    proto: i64,
    next_hop_as: i64,
}

/// Reads the row's addresses from the index, as routex.c does (it takes the next hop to
/// be of the destination's length).
fn route_from_index(index: &[u32]) -> Option<(bool, Vec<u8>, u32, Vec<u8>)> {
    let (&kind, rest) = index.split_first()?;
    let v6 = match kind {
        1 => false,
        2 => true,
        _ => return None,
    };
    let (&len, rest) = rest.split_first()?;
    let len = len as usize;
    let dst: Vec<u8> = rest.get(..len)?.iter().map(|a| *a as u8).collect();
    let rest = &rest[len..];
    let (&prefix, rest) = rest.split_first()?;
    let (&policy_len, rest) = rest.split_first()?;
    let rest = rest.get(policy_len as usize..)?;
    let rest = rest.get(2..)?;
    let hop: Vec<u8> = (0..len)
        .map(|i| rest.get(i).map_or(0, |a| *a as u8))
        .collect();
    Some((v6, dst, prefix, hop))
}

fn address(v6: bool, bytes: &[u8]) -> String {
    if v6 {
        let mut b = [0u8; 16];
        for (d, s) in b.iter_mut().zip(bytes) {
            *d = *s;
        }
        Ipv6Addr::from(b).to_string()
    } else {
        let mut b = [0u8; 4];
        for (d, s) in b.iter_mut().zip(bytes) {
            *d = *s;
        }
        Ipv4Addr::from(b).to_string()
    }
}

async fn routes<W: Write>(session: &Session, flags: &Flags, out: &mut W) -> Result<(), Stop> {
    let entry = Oid::from([1, 3, 6, 1, 2, 1, 4, 24, 7, 1]);
    let first_column = entry.child(&[7]);
    let mut vars: Vec<Oid> = (7..=12).map(|c| entry.child(&[c])).collect();
    let mut header: Option<bool> = None;
    let mut names: Vec<(u32, String)> = Vec::new();
    loop {
        let Some(answer) = query(session, Operation::GetNext(vars.clone())).await? else {
            break;
        };
        let Some(first) = answer.first() else { break };
        if !first.oid.is_strictly_under(&first_column) || first.value.is_exception() {
            break;
        }
        if first.oid <= vars[0] {
            eprintln!("Error: OID not increasing: {} >= {}", vars[0], first.oid);
            return Err(Stop::Request);
        }
        let Some((v6, dst, prefix, hop)) = route_from_index(&first.oid.arcs()[entry.len() + 1..])
        else {
            let kind = first.oid.arcs().get(entry.len() + 1).copied().unwrap_or(0);
            eprintln!("Bad address type: {kind}");
            return Err(Stop::Request);
        };
        let mut route = Route {
            v6,
            dst,
            prefix,
            hop,
            ifindex: 0,
            kind: 0,
            proto: 0,
            next_hop_as: 0,
        };
        let mut set = 0u8;
        for vb in &answer {
            let column = vb.oid.arcs().get(entry.len()).copied().unwrap_or(0);
            if !(7..=12).contains(&column) || vb.value.is_exception() {
                continue;
            }
            let n = number(&vb.value) as i64;
            match column {
                7 => route.ifindex = n as u32,
                8 => route.kind = n,
                9 => route.proto = n,
                11 => route.next_hop_as = n,
                _ => {}
            }
            set |= 1 << (column - 7);
        }
        vars = answer.into_iter().map(|vb| vb.oid).collect();
        if set != 0x3f {
            continue;
        }
        if header != Some(route.v6) {
            if header.is_some() {
                writeln!(out)?;
            }
            header = Some(route.v6);
            writeln!(
                out,
                "IPv{} Routing tables (inetCidrRouteTable)",
                if route.v6 { 6 } else { 4 }
            )?;
            let (wd, wg) = widths(route.v6, flags.numeric);
            writeln!(
                out,
                "{:<wd$.wd$} {:<wg$.wg$} {:<6.6}  Interface",
                "Destination", "Gateway", "Flags"
            )?;
        }
        let ifname = match names.iter().find(|(i, _)| *i == route.ifindex) {
            Some((_, n)) => n.clone(),
            None => {
                let n = interface_name(session, route.ifindex).await?;
                names.push((route.ifindex, n.clone()));
                n
            }
        };
        let full = if route.v6 { 128 } else { 32 };
        let dst = if route.dst.iter().all(|b| *b == 0) {
            "default".to_string()
        } else if route.prefix == full {
            address(route.v6, &route.dst)
        } else {
            format!("{}/{}", address(route.v6, &route.dst), route.prefix)
        };
        let mut flags_text = String::from("<U");
        if route.prefix == full {
            flags_text.push('H');
        }
        if route.proto == 4 {
            flags_text.push('D');
        }
        if route.kind == 4 {
            flags_text.push('G');
        }
        flags_text.push('>');
        let (wd, wg) = widths(route.v6, flags.numeric);
        write!(
            out,
            "{dst:<wd$} {:<wg$} {flags_text:<6.6}  {}",
            address(route.v6, &route.hop),
            crate::output::terminal::safe_text(&ifname)
        )?;
        if route.next_hop_as != 0 {
            write!(out, " (AS {})", route.next_hop_as as i32)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// routex.c's WID_DST and WID_GW.
fn widths(v6: bool, numeric: bool) -> (usize, usize) {
    match (v6, numeric) {
        (true, true) => (34, 39),
        _ => (26, 26),
    }
}

/// route.c `get_ifname`: ifName, else ifDescr.
async fn interface_name(session: &Session, ifindex: u32) -> Result<String, Stop> {
    for oid in [
        Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, ifindex]),
        Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 2, ifindex]),
    ] {
        if let Some(answer) = query(session, Operation::Get(vec![oid])).await?
            && let Some(vb) = answer.first()
        {
            return Ok(match &vb.value {
                Value::OctetString(s) => c_string(s),
                _ => String::new(),
            });
        }
    }
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_route_indexes() {
        assert_eq!(netname(0x7f00_0001, 0xff00_0000), "127/8");
        assert_eq!(netname(0xc000_0202, 0xffff_ff00), "192.0.2/24");
        // The address as it is, not masked, as route.c prints it.
        assert_eq!(netname(0x0a01_0203, 0xffff_fffc), "10.1.2.3/30");
        let index = [1, 4, 192, 0, 2, 0, 24, 2, 0, 0, 1, 4, 0, 0, 0, 0];
        let (v6, dst, prefix, hop) = route_from_index(&index).unwrap();
        assert!(!v6);
        assert_eq!(
            (dst, prefix, hop),
            (vec![192, 0, 2, 0], 24, vec![0, 0, 0, 0])
        );
    }
}
