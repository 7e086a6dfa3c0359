//! `walk` and `bulkwalk`: a subtree walk printed as snmpwalk / snmpbulkwalk print it, with
//! their -C options (c i I p t E, and n r for GetBulk).

use std::io::Write;
use std::time::Instant;

use clap::Args;

use super::options::{AppFlag, RequestOptions, Session, parse_app_flags, parse_oid};
use super::{CliError, Outcome, report_request_error};
use crate::net::WalkItem;
use crate::output::{OutputOptions, write_varbind_named};
use crate::proto::Oid;
use crate::proto::engine::MaxRepetitions;
use crate::proto::walk::{BulkParams, WalkEnd, WalkError, WalkOptions};

#[derive(Args, Debug)]
pub struct WalkArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: c (do not check OIDs increase), i (include the given OID),
    /// I (no Get when nothing was found), p (print the count), t (print the time taken),
    /// E OID (end before OID)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// Subtree to walk (default: mib-2, .1.3.6.1.2.1, as Net-SNMP)
    #[arg(value_name = "OID")]
    pub root: Option<String>,
}

/// `bulkwalk`'s arguments: `walk`'s, with the GetBulk letters of `-C`.
#[derive(Args, Debug)]
pub struct BulkWalkArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: c (do not check OIDs increase), i (include the given OID),
    /// I (no Get when nothing was found), p (print the count), t (print the time taken),
    /// E OID (end before OID), n<NUM> (non-repeaters), r<NUM> (max-repetitions, default 10)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// Subtree to walk (default: mib-2, .1.3.6.1.2.1, as Net-SNMP)
    #[arg(value_name = "OID")]
    pub root: Option<String>,
}

impl From<BulkWalkArgs> for WalkArgs {
    fn from(a: BulkWalkArgs) -> Self {
        WalkArgs {
            request: a.request,
            app: a.app,
            root: a.root,
        }
    }
}

pub async fn run(args: WalkArgs, bulk: bool) -> Result<Outcome, CliError> {
    let Session {
        target,
        output,
        client,
        label,
    } = args.request.session().await?;
    let numeric = if bulk { "nr" } else { "" };
    let flags = parse_app_flags(&args.app, "ciIptT", numeric, "E")?;
    let mut options = WalkOptions {
        bulk: bulk.then(BulkParams::default),
        ..WalkOptions::default()
    };
    let (mut print_count, mut print_time) = (false, false);
    for flag in flags {
        match flag {
            AppFlag::Letter('c') => options.check_increasing = false,
            AppFlag::Letter('i') => options.include_root = true,
            AppFlag::Letter('I') => options.fallback_get = false,
            AppFlag::Letter('p') => print_count = true,
            AppFlag::Letter('t' | 'T') => print_time = true,
            AppFlag::Oid('E', end) => options.end = Some(end),
            AppFlag::Number('n', n) => {
                if let Some(b) = options.bulk.as_mut() {
                    b.non_repeaters = n;
                }
            }
            AppFlag::Number('r', n) => {
                if let Some(b) = options.bulk.as_mut() {
                    b.max_repetitions = MaxRepetitions(n.max(1));
                }
            }
            _ => {}
        }
    }
    let root = match &args.root {
        Some(text) => parse_oid(text)?,
        None => Oid::from([1, 3, 6, 1, 2, 1]),
    };
    // The resolved version: -v, else defVersion from snmp.conf.
    if bulk && target.security.version() == crate::proto::Version::V1 {
        return Err(CliError::Usage(
            "bulkwalk needs GetBulk, which SNMPv1 does not have: use -v 2c, or walk (GetNext) for v1 agents".into(),
        ));
    }

    let started = Instant::now();
    let mut walker = client.walk(&target, root, options);
    // Not a StdoutLock: the walk awaits while holding it, and the task must be Send.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut outcome = Outcome::Success;
    let names = super::options::output_names();
    while let Some(item) = walker.next().await {
        match item {
            WalkItem::Step(step) => {
                for vb in &step.yielded {
                    write_varbind_named(&mut out, vb, &output, names)?;
                }
                match step.finished {
                    None => {}
                    Some(Ok(WalkEnd::Complete)) => break,
                    Some(Ok(WalkEnd::EndOfMib)) => {
                        writeln!(out, "End of MIB")?;
                        break;
                    }
                    Some(Err(e)) => {
                        out.flush()?;
                        outcome = report_walk_error(&e, &output);
                        break;
                    }
                }
            }
            WalkItem::Failed(e) => {
                out.flush()?;
                report_request_error(&e, &label, false);
                outcome = Outcome::Failure;
                break;
            }
        }
    }
    super::report_notices(walker.notices());
    if print_count {
        writeln!(out, "Variables found: {}", walker.count())?;
    }
    out.flush()?;
    if print_time {
        eprintln!(
            "Total traversal time = {:.6} seconds",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(outcome)
}

/// Prints why a walk stopped as snmpwalk does, OIDs named as the value lines name them:
/// `fprint_objid` ends each with a newline, hence " >= " at the start of a line.
pub(crate) fn report_walk_error(e: &WalkError, output: &OutputOptions) -> Outcome {
    match e {
        WalkError::NotIncreasing { previous, current } => {
            eprint!(
                "Error: OID not increasing: {}\n >= {}\n\n",
                super::oid_text(previous, output),
                super::oid_text(current, output)
            );
            Outcome::Failure
        }
        WalkError::Loop { .. } | WalkError::EmptyResponse { .. } => {
            eprintln!("Error: {e}");
            Outcome::Failure
        }
        WalkError::ErrorStatus {
            status,
            failed,
            index,
        } => {
            let failed = (*index > 0).then_some(failed.as_ref());
            super::report_error(*status, failed, true, output);
            Outcome::AgentError
        }
    }
}
