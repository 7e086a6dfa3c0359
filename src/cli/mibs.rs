//! `mibscope mibs`: the loaded MIB modules with their status (loaded, loaded with warnings,
//! failed, missing), and the diagnostics of one module or all, as text or JSON. The place to
//! find out why a name is unknown.

use std::io::Write;

use clap::Args;
use serde_json::json;

use super::options::{MibArgs, quiet_on_broken_pipe};
use super::{CliError, Outcome};
use crate::mib::{ModuleInfo, ModuleStatus, Severity, builtin};
use crate::mib_store;

#[derive(Args, Debug)]
pub struct MibsArgs {
    #[command(flatten)]
    pub mib: MibArgs,

    /// Print the diagnostics (of the modules named, or of all)
    #[arg(short = 'd', long)]
    pub diagnostics: bool,

    /// Only modules with this status: loaded, warnings, failed, missing
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,

    /// Lowest severity of diagnostics shown: note, warning (default), error
    #[arg(long, value_name = "SEVERITY", default_value = "warning")]
    pub severity: String,

    /// Refuse vendor mistakes (relaxations become errors; failed modules are left out)
    #[arg(long)]
    pub strict: bool,

    /// Print JSON
    #[arg(long)]
    pub json: bool,

    /// Modules to show (default: all)
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
}

fn status_filter(text: &str) -> Result<fn(ModuleStatus) -> bool, CliError> {
    Ok(match text {
        "loaded" => |s| s == ModuleStatus::Loaded,
        "warnings" | "loaded-with-warnings" => |s| s == ModuleStatus::LoadedWithWarnings,
        "failed" => |s| s == ModuleStatus::Failed,
        "missing" => |s| s == ModuleStatus::Missing,
        other => {
            return Err(CliError::Usage(format!(
                "--status {other}: use loaded, warnings, failed or missing"
            )));
        }
    })
}

pub fn run(args: &MibsArgs) -> Result<Outcome, CliError> {
    quiet_on_broken_pipe(list(args))
}

fn list(args: &MibsArgs) -> Result<Outcome, CliError> {
    let min_severity = match args.severity.as_str() {
        "note" => Severity::Note,
        "warning" => Severity::Warning,
        "error" => Severity::Error,
        other => {
            return Err(CliError::Usage(format!(
                "--severity {other}: use note, warning or error"
            )));
        }
    };
    let filter = args.status.as_deref().map(status_filter).transpose()?;
    let mut config = args.mib.config();
    config.strict = args.strict;
    let loaded = mib_store::load(&config);
    let mib = &loaded.mib;

    let mut selected: Vec<ModuleInfo> = Vec::new();
    for name in &args.modules {
        match mib.module_id(name).and_then(|m| mib.module_info(m)) {
            Some(info) => selected.push(info),
            None => {
                return Err(CliError::Usage(format!(
                    "module {name} is not loaded (not found in the MIB directories, or not asked for: try -m ALL or -m +{name})"
                )));
            }
        }
    }
    if args.modules.is_empty() {
        selected = mib.modules().filter_map(|m| mib.module_info(m)).collect();
    }
    if let Some(f) = filter {
        selected.retain(|i| f(i.status));
    }

    let mut counts = [0usize; 4];
    for id in mib.modules() {
        if let Some(s) = mib.module_status(id) {
            counts[s as usize] += 1;
        }
    }
    let summary = format!(
        "{} modules: {} loaded, {} with warnings, {} failed, {} missing",
        counts.iter().sum::<usize>(),
        counts[ModuleStatus::Loaded as usize],
        counts[ModuleStatus::LoadedWithWarnings as usize],
        counts[ModuleStatus::Failed as usize],
        counts[ModuleStatus::Missing as usize]
    );
    let source = match (&loaded.report.cache_file, loaded.report.from_cache) {
        (Some(p), true) => format!("from cache {}", p.display()),
        (Some(p), false) => format!(
            "compiled {} files, cached in {}",
            loaded.report.files_parsed,
            p.display()
        ),
        (None, _) => format!("compiled {} files (no cache)", loaded.report.files_parsed),
    };
    let wanted = |name: &str| args.modules.is_empty() || args.modules.iter().any(|m| m == name);
    let shown: std::collections::HashSet<&str> = selected.iter().map(|i| i.name.as_str()).collect();
    let diagnostics: Vec<_> = mib
        .diagnostics()
        .iter()
        .filter(|d| d.severity >= min_severity)
        .filter(|d| match d.module.as_deref() {
            Some(m) => shown.contains(m) && wanted(m),
            None => args.modules.is_empty() && filter.is_none(),
        })
        .collect();

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let v = json!({
            "summary": {
                "modules": counts.iter().sum::<usize>(),
                "loaded": counts[ModuleStatus::Loaded as usize],
                "loaded_with_warnings": counts[ModuleStatus::LoadedWithWarnings as usize],
                "failed": counts[ModuleStatus::Failed as usize],
                "missing": counts[ModuleStatus::Missing as usize],
            },
            "load": {
                "from_cache": loaded.report.from_cache,
                "cache_file": loaded.report.cache_file,
                "cache_notes": loaded.report.cache_notes,
                "directories": config.dirs,
                "absent_directories": loaded.report.absent_dirs,
                "files_seen": loaded.report.files_seen,
                "files_parsed": loaded.report.files_parsed,
                "unreadable": loaded.report.unreadable.iter().map(ToString::to_string).collect::<Vec<_>>(),
            },
            "modules": selected,
            "diagnostics": if args.diagnostics { Some(&diagnostics) } else { None },
        });
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::other)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(Outcome::Success);
    }

    if args.diagnostics {
        for d in &diagnostics {
            writeln!(out, "{d}")?;
        }
        if diagnostics.is_empty() {
            writeln!(out, "no diagnostics at or above {min_severity}")?;
        }
    } else {
        let width = selected
            .iter()
            .map(|i| i.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        writeln!(
            out,
            "{:<width$}  {:<20}  {:>6}  {:>4}  {:>4}  FILE",
            "MODULE", "STATUS", "DEFS", "ERR", "WARN"
        )?;
        for i in &selected {
            let successors = builtin::module_alias(&i.name);
            let file = match (&i.file, i.status) {
                (Some(f), _) => f.clone(),
                (None, ModuleStatus::Missing) if !successors.is_empty() => {
                    format!("- (obsolete name: imports go to {})", successors.join(", "))
                }
                (None, _) => "-".to_string(),
            };
            writeln!(
                out,
                "{:<width$}  {:<20}  {:>6}  {:>4}  {:>4}  {file}",
                i.name,
                i.status.as_str(),
                i.definitions,
                i.errors,
                i.warnings,
            )?;
        }
    }
    writeln!(out, "{summary} ({source})")?;
    for note in &loaded.report.cache_notes {
        writeln!(out, "cache: {note}")?;
    }
    for e in &loaded.report.unreadable {
        writeln!(out, "unreadable: {e}")?;
    }
    let not_mibs = mib
        .diagnostics()
        .iter()
        .filter(|d| d.code == crate::mib::Code::NoModule && d.severity == Severity::Note)
        .count();
    if not_mibs > 0 && !(args.diagnostics && min_severity == Severity::Note) {
        writeln!(
            out,
            "{not_mibs} file{} in the MIB directories hold{} no MIB module (mibscope mibs -d --severity note says what {})",
            if not_mibs == 1 { "" } else { "s" },
            if not_mibs == 1 { "s" } else { "" },
            if not_mibs == 1 {
                "it holds"
            } else {
                "they hold"
            },
        )?;
    }
    if !args.diagnostics
        && (counts[ModuleStatus::Failed as usize] > 0
            || counts[ModuleStatus::LoadedWithWarnings as usize] > 0)
    {
        writeln!(out, "(mibscope mibs -d [MODULE] shows the problems)")?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
