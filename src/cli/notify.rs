//! `mibscope trap` and `mibscope inform`: send notifications with snmptrap's arguments
//! (snmptrap(1)): after the agent, for SNMPv2c/v3 `UPTIME TRAP-OID [OID TYPE VALUE]...`,
//! for SNMPv1 `ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`; an
//! empty UPTIME is this host's uptime, an empty ENTERPRISE Net-SNMP's default, an empty
//! AGENT-ADDR our own address. The port defaults to 162.
//!
//! A trap is sent once and not answered. An inform (`inform`, or `trap -Ci`) waits for
//! the receiver's Response with -t/-r retries and exits 1 without one. SNMPv3 traps are
//! authoritative at the sender: `-e` is our engine id (default below), `-Z` our boots and
//! time; without `-Z` the boots are kept per engine id in the state directory and the time
//! is the wall clock's, so (boots, time) only grows across runs and reboots and a receiver
//! checking timeliness (RFC 3414 3.2 step 7b) takes every trap. SNMPv3 informs discover
//! the receiver's engine id, as requests do.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::SystemTime;

use clap::Args;

use super::options::{AgentOptions, MibArgs, parse_oid};
use super::request::varbind_triples;
use super::{CliError, Outcome, report_request_error};
use crate::net::target::AgentSpec;
use crate::proto::engine::{Operation, Security, Target, UsmTarget};
use crate::proto::pdu::{GenericTrap, TrapV1};
use crate::proto::usm::{EngineBoots, EngineId, EngineTime};
use crate::proto::{Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version};
use crate::traps::notification::{SNMP_TRAP_OID_0, SYS_UP_TIME_0};
use crate::traps::state;

/// snmptrap's default enterprise for SNMPv1 traps (.iso.org.dod.internet.private.
/// enterprises.cmu.1.1, as Net-SNMP sends it).
const DEFAULT_ENTERPRISE: [u32; 9] = [1, 3, 6, 1, 4, 1, 3, 1, 1];

#[derive(Args, Debug)]
#[command(
    allow_negative_numbers = true,
    after_help = "Arguments after the agent, as snmptrap takes them:\n  \
-v 2c / -v 3: UPTIME TRAP-OID [OID TYPE VALUE]...\n  \
-v 1: ENTERPRISE AGENT-ADDR GENERIC-TRAP SPECIFIC-TRAP UPTIME [OID TYPE VALUE]...\n\
UPTIME in hundredths of a second, '' for this host's uptime; ENTERPRISE '' for \
.1.3.6.1.4.1.3.1.1; AGENT-ADDR '' for this host's address. TYPE as for set: i u c C t a o s \
x d b n U I F D.\n\n\
SNMPv3 traps come from the sender's own engine: -e is our engine id (default \
0x80001F8804 + \"mibscope@HOSTNAME\"), -Z BOOTS,TIME our boots and time (default: boots \
kept per engine id in $XDG_STATE_HOME/mibscope/sender.state, raised when the clock went back, \
and the seconds since 2020-01-01 UTC); the receiver needs the user localized to that engine id. \
SNMPv3 informs discover the receiver's engine id (no -e needed).\n\n\
Examples: mibscope trap -v 2c -c public 127.0.0.1:162 '' IF-MIB::linkDown ifIndex.3 i 3\n  \
mibscope inform -v 3 -u ops -l authPriv -a SHA -A authpass1 -x AES -X privpass1 nms '' .1.3.6.1.6.3.1.1.5.4\n  \
mibscope trap -v 1 -c public nms .1.3.6.1.4.1.8072.2.3 '' 6 1 '' .1.3.6.1.4.1.8072.2.3.2.1 i 60"
)]
pub struct NotifyArgs {
    #[command(flatten)]
    pub agent: AgentOptions,

    /// Application flags: i sends an InformRequest (as snmpinform does)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,

    #[command(flatten)]
    pub mib: MibArgs,

    /// UPTIME TRAP-OID [OID TYPE VALUE]... (v1: ENTERPRISE AGENT-ADDR GENERIC SPECIFIC
    /// UPTIME [OID TYPE VALUE]...)
    #[arg(value_name = "ARGS", required = true, num_args = 1.., allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// This host's uptime in hundredths of a second (Linux /proc/uptime), else 0.
fn host_uptime_centis() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |s| (s * 100.0) as u64 as u32)
}

/// The engine id a v3 trap is sent from without -e: RFC 3411's text format under
/// Net-SNMP's enterprise number, "mibscope@" and the host name (up to 27 bytes of text).
pub fn default_sender_engine_id() -> EngineId {
    let host = crate::traps::syslog::hostname();
    let mut text = format!("mibscope@{host}").into_bytes();
    text.truncate(27);
    let mut bytes = vec![0x80, 0x00, 0x1F, 0x88, 0x04];
    bytes.extend_from_slice(&text);
    EngineId::new(bytes)
}

fn parse_uptime(text: &str) -> Result<u32, CliError> {
    if text.is_empty() {
        return Ok(host_uptime_centis());
    }
    text.trim().parse::<u32>().map_err(|_| {
        CliError::Value(format!(
            "UPTIME '{text}': give hundredths of a second, or '' for this host's uptime"
        ))
    })
}

fn triples(words: &[String]) -> Result<Vec<VarBind>, CliError> {
    if words.len() % 3 != 0 {
        return Err(CliError::Usage(format!(
            "after the trap's header come OID TYPE VALUE triples; got {} words",
            words.len()
        )));
    }
    varbind_triples(words)
}

/// Our address toward `dest`, for a v1 trap's agent-addr (0.0.0.0 when it has no IPv4).
fn local_ipv4_toward(dest: SocketAddr) -> [u8; 4] {
    let probe = match dest.ip() {
        IpAddr::V4(_) => UdpSocket::bind("0.0.0.0:0").and_then(|s| {
            s.connect(dest)?;
            s.local_addr()
        }),
        IpAddr::V6(_) => return [0; 4],
    };
    match probe.map(|a| a.ip()) {
        Ok(IpAddr::V4(v4)) => v4.octets(),
        _ => [0; 4],
    }
}

/// The v1 Trap-PDU of `ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [triples]`.
fn v1_pdu(words: &[String], dest: SocketAddr) -> Result<PduBody, CliError> {
    if words.len() < 5 {
        return Err(CliError::Usage(
            "an SNMPv1 trap needs ENTERPRISE AGENT-ADDR GENERIC-TRAP SPECIFIC-TRAP UPTIME".into(),
        ));
    }
    let enterprise = if words[0].is_empty() {
        Oid::from_slice(&DEFAULT_ENTERPRISE)
    } else {
        parse_oid(&words[0])?
    };
    let agent_addr = if words[1].is_empty() {
        local_ipv4_toward(dest)
    } else {
        words[1]
            .parse::<Ipv4Addr>()
            .map_err(|_| {
                CliError::Value(format!("AGENT-ADDR '{}': give an IPv4 address", words[1]))
            })?
            .octets()
    };
    let number = |i: usize, what: &str| {
        words[i]
            .trim()
            .parse::<i64>()
            .map_err(|_| CliError::Value(format!("{what} '{}': give a number", words[i])))
    };
    let generic = number(2, "GENERIC-TRAP")?;
    if !(0..=6).contains(&generic) {
        return Err(CliError::Value(format!(
            "GENERIC-TRAP {generic}: 0 coldStart .. 5 egpNeighborLoss, 6 enterpriseSpecific"
        )));
    }
    Ok(PduBody::TrapV1(TrapV1 {
        enterprise,
        agent_addr,
        generic_trap: GenericTrap::from_code(generic),
        specific_trap: number(3, "SPECIFIC-TRAP")?,
        time_stamp: parse_uptime(&words[4])?,
        varbinds: triples(&words[5..])?,
    }))
}

/// sysUpTime.0, snmpTrapOID.0 and the triples of `UPTIME TRAP-OID [triples]`.
fn v2_varbinds(words: &[String]) -> Result<Vec<VarBind>, CliError> {
    if words.len() < 2 {
        return Err(CliError::Usage(
            "a trap needs UPTIME and TRAP-OID after the agent ('' for the host's uptime)".into(),
        ));
    }
    let mut varbinds = vec![
        VarBind::new(
            Oid::from_slice(&SYS_UP_TIME_0),
            Value::TimeTicks(parse_uptime(&words[0])?),
        ),
        VarBind::new(
            Oid::from_slice(&SNMP_TRAP_OID_0),
            Value::ObjectId(parse_oid(&words[1])?),
        ),
    ];
    varbinds.extend(triples(&words[2..])?);
    Ok(varbinds)
}

/// Our boots and time for a v3 trap from `engine_id` without -Z: the boots kept in the
/// state file (`traps::state::sender_clock`), the time from the wall clock; without a
/// usable state file, boots 1 (and a warning).
fn sender_clock(engine_id: &EngineId) -> (EngineBoots, EngineTime) {
    let now = SystemTime::now();
    let Some(path) = state::default_sender_path() else {
        return (EngineBoots(1), state::sender_time(now));
    };
    state::sender_clock(&path, engine_id, now).unwrap_or_else(|e| {
        eprintln!(
            "mibscope: warning: cannot keep the engine boots in {}: {e}; sending with boots 1 (give -Z BOOTS,TIME, or make the directory writable)",
            path.display()
        );
        (EngineBoots(1), state::sender_time(now))
    })
}

/// A v3 trap's target: our engine id (-e or the default), boots and time (-Z, or the
/// boots kept in the state file and the wall clock's time).
fn sender_target(target: &Target, usm: &UsmTarget) -> Target {
    let engine_id = usm
        .engine_id
        .clone()
        .unwrap_or_else(default_sender_engine_id);
    let boots_time = usm.boots_time.unwrap_or_else(|| sender_clock(&engine_id));
    Target {
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: Arc::clone(&usm.credentials),
            level: usm.level,
            context_name: usm.context_name.clone(),
            context_engine_id: usm.context_engine_id.clone(),
            engine_id: Some(engine_id),
            boots_time: Some(boots_time),
            key_extension: usm.key_extension,
        })),
        ..target.clone()
    }
}

pub async fn run(args: NotifyArgs, inform: bool) -> Result<Outcome, CliError> {
    let flags = super::options::parse_app_flags(&args.app, "i", "", "")?;
    let inform = inform || !flags.is_empty();
    let resolved = args.agent.target().await?;
    // snmptrap's port is 162, whatever snmp.conf's defaultPort says for requests.
    let addr = AgentSpec::parse(&args.agent.agent, 162)
        .map_err(|e| CliError::Address(e.to_string()))?
        .resolve(crate::net::target::DEFAULT_LOOKUP_LIMIT)
        .await
        .map_err(|e| CliError::Address(e.to_string()))?;
    let mut target = (*resolved).clone();
    target.addr = addr;
    let version = target.security.version();
    let client = args.agent.client().await?;
    if inform {
        if version == Version::V1 {
            return Err(CliError::Usage(
                "SNMPv1 has no InformRequest: use -v 2c or -v 3".into(),
            ));
        }
        let varbinds = v2_varbinds(&args.args)?;
        return match client
            .request(&Arc::new(target), Operation::Inform(varbinds))
            .await
        {
            Ok(_) => Ok(Outcome::Success),
            Err(e) => {
                report_request_error(&e, &args.agent.agent, true);
                Ok(Outcome::Failure)
            }
        };
    }
    let pdu = match version {
        Version::V1 => v1_pdu(&args.args, addr)?,
        _ => PduBody::Pdu(Pdu::request(
            PduType::TrapV2,
            RequestId(i64::from(std::process::id() & 0x7fff_ffff).max(1)),
            v2_varbinds(&args.args)?,
        )),
    };
    if let Security::Usm(usm) = target.security.clone() {
        target = sender_target(&target, &usm);
    }
    match client.send_trap(&Arc::new(target), pdu).await {
        Ok(()) => Ok(Outcome::Success),
        Err(e) => {
            eprintln!("mibscope: {e}");
            Ok(Outcome::Failure)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn v2_arguments_as_snmptrap_takes_them() {
        let vbs = v2_varbinds(&words(&[
            "654321",
            ".1.3.6.1.6.3.1.1.5.3",
            ".1.3.6.1.2.1.2.2.1.1.3",
            "i",
            "3",
        ]))
        .unwrap();
        assert_eq!(vbs.len(), 3);
        assert_eq!(vbs[0].value, Value::TimeTicks(654_321));
        assert_eq!(
            vbs[1].value,
            Value::ObjectId("1.3.6.1.6.3.1.1.5.3".parse().unwrap())
        );
        assert_eq!(vbs[2].value, Value::Integer(3));
        let empty_uptime = v2_varbinds(&words(&["", ".1.3.6.1.6.3.1.1.5.1"])).unwrap();
        assert!(matches!(empty_uptime[0].value, Value::TimeTicks(_)));
        for bad in [
            &["1"][..],
            &["x", ".1.3"][..],
            &["1", ".1.3", ".1.3.6", "i"][..],
            &["1", ".1.3", ".1.3.6", "i", "nope"][..],
        ] {
            assert!(v2_varbinds(&words(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn v1_arguments_as_snmptrap_takes_them() {
        let dest: SocketAddr = "127.0.0.1:162".parse().unwrap();
        let PduBody::TrapV1(t) = v1_pdu(
            &words(&[
                "",
                "",
                "6",
                "17",
                "100",
                ".1.3.6.1.4.1.8072.2.3.2.1",
                "i",
                "60",
            ]),
            dest,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(t.enterprise, Oid::from_slice(&DEFAULT_ENTERPRISE));
        assert_eq!(t.agent_addr, [127, 0, 0, 1]);
        assert_eq!(t.generic_trap, GenericTrap::EnterpriseSpecific);
        assert_eq!((t.specific_trap, t.time_stamp), (17, 100));
        assert_eq!(t.varbinds.len(), 1);
        assert!(v1_pdu(&words(&["", "", "9", "0", "1"]), dest).is_err());
        assert!(v1_pdu(&words(&["", "not-an-ip", "2", "0", "1"]), dest).is_err());
        assert!(default_sender_engine_id().has_valid_length());
    }
}
