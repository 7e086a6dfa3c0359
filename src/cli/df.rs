//! `df`: snmpdf's disk report (apps/snmpdf.c): every hrStorageTable row (HOST-RESOURCES-MIB,
//! RFC 2790), or UCD-SNMP-MIB's dskTable when the agent has none or `-Cu` asks, with size,
//! used, available and the percentage used, in kB or human units (`-Ch` binary, `-CH` SI).
//!
//! The arithmetic is snmpdf's: C unsigned longs (a used figure above the size wraps), sizes
//! scaled through a double, human figures through a float cut to 9 characters.

use std::io::Write;

use clap::Args;

use super::options::{AppFlag, RequestOptions, Session, parse_app_flags};
use super::{CliError, Outcome, report_request_error};
use crate::output::terminal::write_safe;
use crate::proto::engine::Operation;
use crate::proto::{ErrorStatus, Oid, Value, VarBind};

#[derive(Args, Debug)]
pub struct DfArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: u (UCD-SNMP-MIB's dskTable, not HOST-RESOURCES-MIB), h (human
    /// units, powers of 1024: MiB, GiB), H (human units, powers of 1000: MB, GB)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
}

const HR_STORAGE_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 25, 2, 3, 1];
const DSK_ENTRY: [u32; 9] = [1, 3, 6, 1, 4, 1, 2021, 9, 1];

/// What the agent failed at, for the exit status.
enum Stop {
    Request,
    ErrorStatus,
}

pub async fn run(args: DfArgs) -> Result<Outcome, CliError> {
    let mut ucd = false;
    let mut human = 0u64;
    for flag in parse_app_flags(&args.app, "uhH", "", "")? {
        match flag {
            AppFlag::Letter('u') => ucd = true,
            AppFlag::Letter('h') => human = 1024,
            AppFlag::Letter('H') => human = 1000,
            _ => {}
        }
    }
    let session = args.request.session().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    if human > 0 {
        writeln!(
            out,
            "{:<18} {:>10} {:>10} {:>10} {:>5}",
            "Description", "Size", "Used", "Available", "Used%"
        )?;
    } else {
        writeln!(
            out,
            "{:<18} {:>15} {:>15} {:>15} {:>5}",
            "Description", "Size (kB)", "Used", "Available", "Used%"
        )?;
    }
    let mut count = 0;
    let result = async {
        if !ucd {
            count += report(&session, &mut out, human, &HR_STORAGE_ENTRY, true).await?;
        }
        if count == 0 {
            count += report(&session, &mut out, human, &DSK_ENTRY, false).await?;
        }
        Ok::<(), Stop>(())
    }
    .await;
    out.flush()?;
    match result {
        Err(Stop::Request | Stop::ErrorStatus) => Ok(Outcome::Failure),
        Ok(()) if count == 0 => {
            eprintln!("Failed to locate any partitions.");
            Ok(Outcome::Failure)
        }
        Ok(()) => Ok(Outcome::Success),
    }
}

/// One table's rows: the index column walked with GetNext, then a Get per row. Returns
/// how many rows it went through (snmpdf counts the skipped ones too).
async fn report<W: Write>(
    session: &Session,
    out: &mut W,
    human: u64,
    entry: &[u32],
    host_resources: bool,
) -> Result<usize, Stop> {
    let entry = Oid::from(entry);
    let index_column = entry.child(&[1]);
    let mut indexes: Vec<Vec<u32>> = Vec::new();
    let mut next = index_column.clone();
    loop {
        let vb = single(session, Operation::GetNext(vec![next.clone()])).await?;
        // snmpdf would ask again forever when the agent does not move on.
        if !vb.oid.starts_with(&index_column) || vb.value.is_exception() || vb.oid <= next {
            break;
        }
        indexes.push(vb.oid.arcs()[index_column.len()..].to_vec());
        next = vb.oid;
    }
    // hrStorageDescr, hrStorageAllocationUnits, hrStorageSize, hrStorageUsed; dskPath,
    // dskTotal, dskUsed.
    let columns: &[u32] = if host_resources {
        &[3, 4, 5, 6]
    } else {
        &[2, 6, 8]
    };
    for index in &indexes {
        let oids = columns
            .iter()
            .map(|c| entry.child(&[*c]).child(index))
            .collect();
        // snmpdf reads the varbinds whatever the error-status: an SNMPv1 agent's
        // noSuchName for one column gives a row of zeros, as it does there.
        let response = match session
            .client
            .request(&session.target, Operation::Get(oids))
            .await
        {
            Ok(r) => r.varbinds,
            Err(e) => {
                report_request_error(&e, &session.label, false);
                return Err(Stop::Request);
            }
        };
        if response.iter().any(|vb| vb.value == Value::NoSuchInstance) {
            continue;
        }
        let descr = match response.first().map(|vb| &vb.value) {
            Some(Value::OctetString(s)) => s.clone(),
            _ => Vec::new(),
        };
        let number = |i: usize| response.get(i).map_or(0, |vb| c_long(&vb.value));
        let (units, size, used) = if host_resources {
            (number(1), number(2), number(3))
        } else {
            (0, number(1), number(2))
        };
        let scaled = |v: u64| {
            if units != 0 {
                convert_units(v, units, 1024)
            } else {
                v
            }
        };
        let percent = if size != 0 {
            convert_units(used, 100, size)
        } else {
            used
        };
        let (size_kb, used_kb, avail_kb) =
            (scaled(size), scaled(used), scaled(size.wrapping_sub(used)));
        let io = |_| Stop::Request;
        write_descr(out, &descr).map_err(io)?;
        if human > 0 {
            writeln!(
                out,
                " {:>10} {:>10} {:>10} {percent:>4}%",
                format_human(size_kb, human),
                format_human(used_kb, human),
                format_human(avail_kb, human)
            )
            .map_err(io)?;
        } else {
            writeln!(
                out,
                " {size_kb:>15} {used_kb:>15} {avail_kb:>15} {percent:>4}%"
            )
            .map_err(io)?;
        }
    }
    Ok(indexes.len())
}

/// `%-18s`, with what a hostile agent might put in a description escaped.
fn write_descr<W: Write>(out: &mut W, descr: &[u8]) -> std::io::Result<()> {
    write_safe(out, descr)?;
    let width = descr.len();
    if width < 18 {
        out.write_all(&b" ".repeat(18 - width))?;
    }
    Ok(())
}

/// A value as snmpdf reads it, `*(long *)` into an unsigned long.
fn c_long(v: &Value) -> u64 {
    match v {
        Value::Integer(n) => *n as u64,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            u64::from(*n)
        }
        Value::Counter64(n) => *n,
        _ => 0,
    }
}

/// snmpdf's `convert_units`: value * units / divisor through a double.
fn convert_units(value: u64, units: u64, divisor: u64) -> u64 {
    (value as f64 * units as f64 / divisor as f64) as u64
}

/// snmpdf's `format_human`: the figure in kB scaled to the largest unit it reaches, as a
/// float with two decimals, cut to the 9 characters its buffer holds.
fn format_human(kb: u64, scale: u64) -> String {
    let binary = if scale == 1024 { "i" } else { "" };
    let units = ["M", "G", "T", "P"];
    let mut text = format!("{:4.2}kB", kb as f32);
    for (n, unit) in units.iter().enumerate().rev() {
        let divisor = scale.wrapping_pow(n as u32 + 1);
        if kb >= divisor {
            text = format!(
                "{:4.2}{unit}{binary}B",
                f64::from(kb as f32 / divisor as f32)
            );
            break;
        }
    }
    text.truncate(9);
    text
}

/// One request whose single varbind is wanted.
async fn single(session: &Session, op: Operation) -> Result<VarBind, Stop> {
    let mut varbinds = request(session, op).await?;
    if varbinds.is_empty() {
        eprintln!("snmpdf: the agent answered with no variables");
        return Err(Stop::ErrorStatus);
    }
    Ok(varbinds.swap_remove(0))
}

/// A request's varbinds; snmpdf gives up at the first failure.
async fn request(session: &Session, op: Operation) -> Result<Vec<VarBind>, Stop> {
    match session.client.request(&session.target, op).await {
        Ok(r) if r.error_status == ErrorStatus::NoError => Ok(r.varbinds),
        Ok(r) => {
            eprintln!(
                "snmpdf: Error in packet: {}",
                r.error_status.net_snmp_text()
            );
            Err(Stop::ErrorStatus)
        }
        Err(e) => {
            report_request_error(&e, &session.label, false);
            Err(Stop::Request)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units_as_snmpdf_prints_them() {
        assert_eq!(format_human(512, 1024), "512.00kB");
        assert_eq!(format_human(2048, 1024), "2.00MiB");
        assert_eq!(format_human(24_683_584, 1024), "23.54GiB");
        assert_eq!(format_human(24_683_584, 1000), "24.68GB");
        // snmpdf's 10-byte buffer: "1023.99GiB" loses its last letter.
        assert_eq!(format_human(1_073_731_824, 1024), "1023.99Gi");
        assert_eq!(convert_units(3, 4096, 1024), 12);
        assert_eq!(convert_units(1, 100, 3), 33);
    }
}
