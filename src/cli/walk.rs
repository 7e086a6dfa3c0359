//! `walk` and `bulkwalk`: a subtree walk printed as snmpwalk / snmpbulkwalk print it, with
//! their -C options (c i I p t E, and n r for GetBulk).

use std::io::Write;
use std::time::Instant;

use clap::Args;

use super::options::{AppFlag, RequestOptions, Session, parse_app_flags, parse_oid};
use super::{CliError, Outcome, report_request_error};
use crate::net::parallel::ParallelWalker;
use crate::net::{WalkItem, Walker};
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
    /// E OID (end before OID), n<NUM> (non-repeaters), r<NUM> (max-repetitions, default 10),
    /// parallel=N (N requests in flight over ranges of the subtree, merged in OID order:
    /// the same output, for distant agents)
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
    // -Cparallel=N: mibscope's own, a word rather than letters.
    let mut parallel = None;
    let mut app = Vec::new();
    for value in &args.app {
        match value.strip_prefix("parallel") {
            Some(n) => {
                let n = n
                    .strip_prefix('=')
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=64).contains(n))
                    .ok_or_else(|| {
                        CliError::Usage("-Cparallel=N: give N, requests in flight, 1..64".into())
                    })?;
                if !bulk {
                    return Err(CliError::Usage(
                        "-Cparallel walks with GetBulk: use bulkwalk".into(),
                    ));
                }
                parallel = Some(n);
            }
            None => app.push(value.clone()),
        }
    }
    let flags = parse_app_flags(&app, "ciIptT", numeric, "E")?;
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
    let mut walker = match parallel {
        Some(n) if n > 1 && !options.include_root && options.end.is_none() => {
            AnyWalker::Parallel(ParallelWalker::new(&client, &target, root, options, n))
        }
        _ => AnyWalker::Serial(client.walk(&target, root, options)),
    };
    let progress = Progress::new(parallel.is_some());
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
                progress.update(walker.count());
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
    progress.finish();
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

/// A serial or a parallel walk (one per command: their sizes do not matter).
#[allow(clippy::large_enum_variant)]
enum AnyWalker {
    Serial(Walker),
    Parallel(ParallelWalker),
}

impl AnyWalker {
    async fn next(&mut self) -> Option<WalkItem> {
        match self {
            AnyWalker::Serial(w) => w.next().await,
            AnyWalker::Parallel(w) => w.next().await,
        }
    }

    fn count(&self) -> usize {
        match self {
            AnyWalker::Serial(w) => w.count(),
            AnyWalker::Parallel(w) => w.count(),
        }
    }

    fn notices(&self) -> &[crate::proto::engine::Notice] {
        match self {
            AnyWalker::Serial(w) => w.notices(),
            AnyWalker::Parallel(_) => &[],
        }
    }
}

/// A bar with the count and the rate on stderr, when stderr is a terminal; nothing in
/// pipes and files.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(wanted: bool) -> Progress {
        use std::io::IsTerminal;
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {pos} varbinds, {per_sec} {elapsed}")
        {
            bar.set_style(style);
        }
        Progress(Some(bar))
    }

    fn update(&self, count: usize) {
        if let Some(bar) = &self.0 {
            bar.set_position(count as u64);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
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
