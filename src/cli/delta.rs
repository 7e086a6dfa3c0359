//! `delta`: snmpdelta's counter deltas (apps/snmpdelta.c): the objects fetched every period
//! (aligned, as snmpdelta aligns them, to multiples of the period from the hour), each
//! printed as its change over the period (`/5 sec: 1234`), or per second from the agent's
//! sysUpTime (`-Ct`), with timestamps (`-Cs`, `-Ck`), in columns (`-CT`), with maxima
//! (`-Cm`). snmpdelta runs until stopped; `--count N` stops after N reports.
//!
//! The arithmetic is snmpdelta's: 32-bit types change modulo 2^32 (a Counter32 that wraps
//! gives the true delta), Counter64 modulo 2^64, rates as C floats.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;

use super::options::{RequestOptions, parse_oid};
use super::{CliError, Outcome, oid_text, report_error_status, report_request_error};
use crate::proto::engine::Operation;
use crate::proto::{ErrorStatus, Oid, Value};

#[derive(Args, Debug)]
pub struct DeltaArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: p SECONDS (the period, default 1), s (timestamps), k (keep
    /// seconds in timestamps), t (rates per second from the agent's sysUpTime), T (a table:
    /// one column per object), m (show the maximum), f (accepted: do not fix errors). As in
    /// snmpdelta the period may be the next word (-Cp 5)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// Stop after this many reports (snmpdelta runs until interrupted)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Objects to watch (counters, gauges)
    #[arg(value_name = "OID", required = true)]
    pub oids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Flags {
    period: u64,
    timestamp: bool,
    keep_seconds: bool,
    per_second: bool,
    table: bool,
    max: bool,
}

fn parse_flags(values: &[String]) -> Result<Flags, CliError> {
    let mut f = Flags {
        period: 1,
        ..Flags::default()
    };
    for value in values {
        for (i, c) in value.char_indices() {
            match c {
                's' => f.timestamp = true,
                'k' => f.keep_seconds = true,
                't' => f.per_second = true,
                'T' => f.table = true,
                'm' => f.max = true,
                'f' => {}
                'p' => {
                    let rest = &value[i + 1..];
                    f.period = rest
                        .parse()
                        .ok()
                        .filter(|p| *p > 0 && *p <= 86_400)
                        .ok_or_else(|| {
                            CliError::Usage(format!(
                                "-Cp {}: give the period in seconds, 1..86400",
                                crate::proto::oid::elide(rest)
                            ))
                        })?;
                    break;
                }
                other => {
                    return Err(CliError::Usage(format!(
                        "Bad -C options: {other} (delta takes p s k t T m f)"
                    )));
                }
            }
        }
    }
    Ok(f)
}

/// One watched object: its descriptor and what the last poll saw.
#[derive(Debug, Clone, Default)]
struct Watched {
    descriptor: String,
    last: Option<u64>,
    time: u64,
    max: f32,
}

/// The change since the last value, as snmpdelta computes it: modulo 2^64 for Counter64,
/// modulo 2^32 for everything else.
fn change(value: &Value, last: u64) -> Option<(u64, u64)> {
    Some(match value {
        Value::Counter64(n) => (*n, n.wrapping_sub(last)),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) | Value::UInteger32(n) => {
            (u64::from(*n), u64::from(n.wrapping_sub(last as u32)))
        }
        Value::Integer(n) => {
            let n = *n as u32;
            (u64::from(n), u64::from(n.wrapping_sub(last as u32)))
        }
        _ => return None,
    })
}

/// snmpdelta's descriptor: the printed name from the `.` before its last letter on.
fn descriptor(printed: &str) -> String {
    let bytes = printed.as_bytes();
    let Some(alpha) = bytes.iter().rposition(u8::is_ascii_alphabetic) else {
        return printed.to_string();
    };
    match bytes[..alpha].iter().rposition(|b| *b == b'.') {
        Some(dot) => printed[dot + 1..].to_string(),
        None => printed.to_string(),
    }
}

/// Seconds to wait for the next poll: snmpdelta's `wait_for_period`, which aligns the first
/// poll to a multiple of the period counted from the next hour.
fn first_target(now: u64, period: u64) -> u64 {
    let next_hour = (now / 3600 + 1) * 3600;
    let mut target = (next_hour - now) % period;
    if target == 0 {
        target = period;
    }
    now + target
}

pub async fn run(args: DeltaArgs) -> Result<Outcome, CliError> {
    let flags = parse_flags(&args.app)?;
    let oids: Vec<Oid> = args
        .oids
        .iter()
        .map(|s| parse_oid(s))
        .collect::<Result<_, _>>()?;
    let session = args.request.session().await?;
    let mut watched: Vec<Watched> = oids
        .iter()
        .map(|o| Watched {
            descriptor: descriptor(&oid_text(o, &session.output)),
            ..Watched::default()
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    if flags.table {
        if flags.timestamp {
            write!(out, "{}", session.label)?;
        }
        for w in &watched {
            write!(out, "\t{}", w.descriptor)?;
        }
        out.flush()?;
    }
    let uptime = Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0]);
    let mut request = oids.clone();
    if flags.per_second {
        request.insert(0, uptime);
    }
    let mut target = first_target(unix_now().as_secs(), flags.period);
    let mut reports = 0u64;
    loop {
        sleep_until_unix(target).await;
        target += flags.period;
        let response = match session
            .client
            .request(&session.target, Operation::Get(request.clone()))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                out.flush()?;
                report_request_error(&e, &session.label, false);
                return Ok(Outcome::Failure);
            }
        };
        if response.error_status != ErrorStatus::NoError {
            out.flush()?;
            report_error_status(&response, true, &session.output);
            return Ok(Outcome::AgentError);
        }
        let stamp = timestamp(&flags);
        let mut values = response.varbinds.iter();
        let this_time = if flags.per_second {
            match values.next().map(|vb| &vb.value) {
                Some(Value::TimeTicks(t)) => u64::from(*t),
                _ => {
                    eprintln!("Missing variable in reply");
                    continue;
                }
            }
        } else {
            1
        };
        let mut printed = false;
        for (k, w) in watched.iter_mut().enumerate() {
            let Some((now_value, delta)) = values
                .next()
                .and_then(|vb| change(&vb.value, w.last.unwrap_or(0)))
            else {
                eprintln!("Missing variable in reply");
                break;
            };
            let first = w.last.is_none();
            w.last = Some(now_value);
            let elapsed = match this_time.wrapping_sub(w.time) as i64 {
                d if d <= 0 => 100,
                d => d as u64,
            };
            w.time = this_time;
            if first {
                continue;
            }
            let mut line = String::new();
            if flags.table {
                if k == 0 {
                    line.push_str(stamp.get(1..).unwrap_or(""));
                }
            } else {
                line.push_str(&format!("{stamp} {}", w.descriptor));
            }
            let rate = (delta as f32 * 100.0) / elapsed as f32;
            let shown = if flags.per_second || flags.table {
                if flags.table {
                    line.push_str(&format!("\t{:.2}", f64::from(rate)));
                } else {
                    line.push_str(&format!(" /sec: {:.2}", f64::from(rate)));
                }
                rate
            } else {
                line.push_str(&format!(" /{} sec: {delta}", flags.period));
                delta as f32
            };
            if flags.max {
                if shown > w.max {
                    w.max = shown;
                }
                if flags.per_second {
                    line.push_str(&format!("\t(Max: {:.2})", f64::from(w.max)));
                } else {
                    line.push_str(&format!("\t(Max: {:.0})", f64::from(w.max)));
                }
            }
            if flags.table {
                write!(out, "{line}")?;
            } else {
                writeln!(out, "{}", line.get(1..).unwrap_or(""))?;
            }
            printed = true;
        }
        if flags.table {
            writeln!(out)?;
        }
        out.flush()?;
        if printed {
            reports += 1;
            if args.count.is_some_and(|n| reports >= n) {
                return Ok(Outcome::Success);
            }
        }
    }
}

/// ` [HH:MM:SS M/D]` (without seconds when the period is whole minutes, unless `-Ck`), or
/// nothing without `-Cs`.
fn timestamp(flags: &Flags) -> String {
    if !flags.timestamp {
        return String::new();
    }
    use chrono::{Datelike, Timelike};
    let t = chrono::Local::now();
    if flags.period % 60 != 0 || flags.keep_seconds {
        format!(
            " [{:02}:{:02}:{:02} {}/{}]",
            t.hour(),
            t.minute(),
            t.second(),
            t.month(),
            t.day()
        )
    } else {
        format!(
            " [{:02}:{:02} {}/{}]",
            t.hour(),
            t.minute(),
            t.month(),
            t.day()
        )
    }
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

async fn sleep_until_unix(secs: u64) {
    let wait = Duration::from_secs(secs).saturating_sub(unix_now());
    tokio::time::sleep(wait).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_wrap_as_snmpdelta_computes_them() {
        assert_eq!(change(&Value::Counter32(5), 4_294_967_290), Some((5, 11)));
        assert_eq!(change(&Value::Counter32(100), 40), Some((100, 60)));
        assert_eq!(change(&Value::Counter64(3), u64::MAX - 1), Some((3, 5)));
        assert_eq!(change(&Value::Gauge32(10), 20), Some((10, 4_294_967_286)));
        assert_eq!(change(&Value::OctetString(vec![]), 0), None);
    }

    #[test]
    fn descriptors_and_periods() {
        assert_eq!(descriptor("IF-MIB::ifInOctets.1"), "IF-MIB::ifInOctets.1");
        assert_eq!(
            descriptor(".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifInOctets.1"),
            "ifInOctets.1"
        );
        assert_eq!(
            descriptor(".1.3.6.1.2.1.2.2.1.10.1"),
            ".1.3.6.1.2.1.2.2.1.10.1"
        );
        assert_eq!(first_target(3600 * 10 + 7, 1), 3600 * 10 + 8);
        assert_eq!(first_target(3600 * 10 + 7, 5), 3600 * 10 + 10);
        assert_eq!(first_target(3600 * 10 + 10, 5), 3600 * 10 + 15);
        let f = parse_flags(&["sT".into(), "p5".into()]).unwrap();
        assert!(f.timestamp && f.table && f.period == 5);
        assert!(parse_flags(&["p0".into()]).is_err());
        assert!(parse_flags(&["x".into()]).is_err());
    }
}
