//! `status`: snmpstatus's summary of an agent (apps/snmpstatus.c): who answered, its
//! sysDescr and uptime, then the interfaces walked with GetNext, their packet counts and
//! how many are not up.
//!
//! Sums are C `int`s in snmpstatus: counters above 2^31 print negative and sums wrap; they
//! are kept so here, since scripts parse this output.

use std::io::Write;

use clap::Args;

use super::options::{AppFlag, RequestOptions, output_names, parse_app_flags};
use super::{CliError, Outcome, report_error_status, report_request_error};
use crate::output::OutputOptions;
use crate::output::terminal::write_safe;
use crate::output::text::write_uptime;
use crate::proto::engine::{Operation, Response};
use crate::proto::{ErrorStatus, Oid, Value};

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: f (do not fix errors and retry the request)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
}

const SYS_DESCR: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 1, 0];
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const IP_IN_RECEIVES: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 3, 0];
const IP_OUT_REQUESTS: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 10, 0];
/// ifOperStatus, ifInUcastPkts, ifInNUcastPkts, ifOutUcastPkts, ifOutNUcastPkts.
const IF_COLUMNS: [u32; 5] = [8, 11, 12, 17, 18];

pub async fn run(args: StatusArgs) -> Result<Outcome, CliError> {
    let session = args.request.session().await?;
    let fix = !parse_app_flags(&args.app, "f", "", "")?.contains(&AppFlag::Letter('f'));
    let output = &session.output;
    let mut oids: Vec<Oid> = [SYS_DESCR, SYS_UPTIME, IP_IN_RECEIVES, IP_OUT_REQUESTS]
        .iter()
        .map(|a| Oid::from(*a))
        .collect();
    // The system group, as snmpget would fetch it (dropping what fails, unless -Cf).
    let response = loop {
        let response = match session
            .client
            .request(&session.target, Operation::Get(oids.clone()))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                report_request_error(&e, &session.label, false);
                return Ok(Outcome::Failure);
            }
        };
        if response.error_status == ErrorStatus::NoError {
            break Some(response);
        }
        report_error_status(&response, true, output);
        let failed = usize::try_from(response.error_index - 1).ok();
        match failed {
            Some(i) if fix && i < oids.len() && oids.len() > 1 => {
                oids.remove(i);
            }
            _ => break None,
        }
    };
    let mut descr: Option<Vec<u8>> = None;
    let (mut uptime, mut ip_in, mut ip_out) = (0u32, 0i32, 0i32);
    if let Some(r) = &response {
        for vb in &r.varbinds {
            let a = vb.oid.arcs();
            match &vb.value {
                Value::OctetString(s) if a == SYS_DESCR => descr = Some(s.clone()),
                v if a == SYS_UPTIME => uptime = as_c_long(v) as u32,
                v if a == IP_IN_RECEIVES => ip_in = as_c_long(v) as i32,
                v if a == IP_OUT_REQUESTS => ip_out = as_c_long(v) as i32,
                _ => {}
            }
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let from = response
        .as_ref()
        .map_or(session.target.addr, |r: &Response| r.from);
    let local = session.client.local_addr().port();
    let peer = match from {
        std::net::SocketAddr::V4(a) => format!("UDP: [{}]:{}->[0.0.0.0]:{local}", a.ip(), a.port()),
        std::net::SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(v4) => format!("UDP: [{v4}]:{}->[0.0.0.0]:{local}", a.port()),
            None => format!("UDP/IPv6: [{}]:{}", a.ip(), a.port()),
        },
    };
    write!(out, "[{peer}]=>[")?;
    match &descr {
        Some(d) => write_safe(&mut out, d)?,
        None => out.write_all(b"(null)")?,
    }
    out.write_all(b"] Up: ")?;
    write_uptime(&mut out, uptime, &OutputOptions::default())?;
    out.write_all(b"\n")?;
    out.flush()?;

    let (interfaces, down, packets_in, packets_out, outcome) =
        interfaces(&session, output, &mut out).await?;
    writeln!(
        out,
        "Interfaces: {interfaces}, Recv/Trans packets: {packets_in}/{packets_out} | IP: {ip_in}/{ip_out}"
    )?;
    if down > 0 {
        writeln!(
            out,
            "{down} interface{} down!",
            if down > 1 { "s are" } else { " is" }
        )?;
    }
    out.flush()?;
    Ok(outcome)
}

/// The integer in a value as snmpstatus reads `*vars->val.integer` (a C long).
fn as_c_long(v: &Value) -> i64 {
    match v {
        Value::Integer(n) => *n,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            i64::from(*n)
        }
        _ => 0,
    }
}

/// snmpstatus's interface loop: GetNext of the five columns while all five answer.
async fn interfaces<W: Write>(
    session: &super::options::Session,
    output: &OutputOptions,
    out: &mut W,
) -> Result<(i32, i32, i32, i32, Outcome), CliError> {
    let ifentry = Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1]);
    let mut next: Vec<Oid> = IF_COLUMNS.iter().map(|c| ifentry.child(&[*c])).collect();
    let (mut interfaces, mut down, mut packets_in, mut packets_out) = (0i32, 0i32, 0i32, 0i32);
    let mut outcome = Outcome::Success;
    loop {
        let response = match session
            .client
            .request(&session.target, Operation::GetNext(next.clone()))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                report_request_error(&e, &session.label, false);
                outcome = Outcome::Failure;
                break;
            }
        };
        if response.error_status != ErrorStatus::NoError {
            report_error_status(&response, true, output);
            outcome = Outcome::AgentError;
            break;
        }
        let asked = std::mem::take(&mut next);
        for (k, vb) in response.varbinds.iter().enumerate() {
            // snmpstatus would ask again forever when the agent does not move on.
            if asked.get(k).is_some_and(|a| vb.oid <= *a) {
                continue;
            }
            if vb.value.is_exception() {
                crate::output::write_varbind_named(out, vb, output, output_names())?;
                continue;
            }
            let column = IF_COLUMNS
                .iter()
                .position(|c| vb.oid.starts_with(&ifentry.child(&[*c])));
            match (column, &vb.value) {
                (Some(0), Value::Integer(status)) => {
                    if *status != 1 {
                        down += 1;
                    }
                }
                (Some(1 | 2), Value::Counter32(n)) => {
                    packets_in = packets_in.wrapping_add(*n as i32);
                }
                (Some(3 | 4), Value::Counter32(n)) => {
                    packets_out = packets_out.wrapping_add(*n as i32);
                }
                _ => continue,
            }
            next.push(vb.oid.clone());
        }
        if next.len() != IF_COLUMNS.len() {
            break;
        }
        interfaces += 1;
    }
    Ok((interfaces, down, packets_in, packets_out, outcome))
}
