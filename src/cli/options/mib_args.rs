//! Which MIBs a command loads (-m and -M, then $MIBS/$MIBDIRS and snmp.conf, as Net-SNMP
//! takes them), this process's MIB loaded from them the first time a name is needed, and OID
//! arguments parsed against it.

use std::sync::{Arc, OnceLock};

use clap::Args;

use crate::cli::CliError;
use crate::mib::Mib;
use crate::mib_handle::{LoadedMib, MibHandle};
use crate::mib_store::{MibConfig, ModuleSelection};
use crate::mib_view::MibNames;
use crate::output::syntax::{OidNames, RootNames};
use crate::proto::Oid;
use crate::session::SnmpConf;

/// Where MIBs come from, as Net-SNMP's -m and -M (see `mib_store::config`): a list of
/// modules or ALL, and directories; a leading `+` adds to the defaults, `-` prepends.
#[derive(Args, Debug, Clone, Default)]
pub struct MibArgs {
    /// MIB modules to load: a colon-separated list, or ALL ("+LIST" adds to the default
    /// modules; default: $MIBS, else the modules mibscope ships)
    #[arg(short = 'm', value_name = "MIBS", allow_hyphen_values = true)]
    pub mibs: Option<String>,

    /// Directories to search for MIBs, recursively ("+DIRS" appends to the default list,
    /// later ones win; default: $MIBDIRS, else ~/.snmp/mibs:/usr/share/snmp/mibs:/usr/share/mibs)
    #[arg(short = 'M', value_name = "DIRS", allow_hyphen_values = true)]
    pub mib_dirs: Option<String>,
}

impl MibArgs {
    /// The MIB configuration these options describe, then $MIBS/$MIBDIRS, then snmp.conf's
    /// `mibs` and `mibdirs` lines, as Net-SNMP takes them. A `-m` entry that is a file
    /// path (it holds a `/`) loads the modules that file defines, from its directory.
    pub fn config(&self) -> MibConfig {
        let conf = SnmpConf::load();
        // A `mibs` line that selects nothing (Debian's /etc/snmp/snmp.conf has `mibs :`,
        // because Debian ships no MIBs) is not taken: mibscope ships its own; `-m ''` is
        // the way to load none.
        let conf_mibs = conf
            .get("mibs")
            .filter(|m| m.split([':', ';', '+', '-']).any(|e| !e.trim().is_empty()));
        let env = |k: &str| {
            std::env::var(k).ok().or_else(|| match k {
                "MIBS" => conf_mibs.map(str::to_string),
                "MIBDIRS" => conf.get("mibdirs").map(str::to_string),
                _ => None,
            })
        };
        let (mibs, extra_dirs) = match &self.mibs {
            Some(spec) => module_files(spec),
            None => (None, Vec::new()),
        };
        let mut dirs = self.mib_dirs.clone();
        if !extra_dirs.is_empty() {
            let base = dirs
                .take()
                .or_else(|| env("MIBDIRS"))
                .unwrap_or_else(|| "+".into());
            let sep = if base == "+" || base == "-" { "" } else { ":" };
            dirs = Some(format!("{base}{sep}{}", extra_dirs.join(":")));
        }
        MibConfig::resolve(
            mibs.as_deref().or(self.mibs.as_deref()),
            dirs.as_deref(),
            &env,
        )
    }
}

/// `-m` entries naming files: each replaced by the module names the file defines, its
/// directory returned to be searched too. `None` when no entry is a file.
fn module_files(spec: &str) -> (Option<String>, Vec<String>) {
    if !spec.contains('/') {
        return (None, Vec::new());
    }
    let (prefix, body) = match spec.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &spec[1..]),
        _ => (String::new(), spec),
    };
    let mut entries = Vec::new();
    let mut dirs = Vec::new();
    for entry in body.split([':', ';']).filter(|e| !e.is_empty()) {
        if !entry.contains('/') {
            entries.push(entry.to_string());
            continue;
        }
        let path = std::path::Path::new(entry);
        match std::fs::read(path) {
            Ok(bytes) => {
                let names = crate::mib::scan_module_names(&bytes);
                if names.is_empty() {
                    eprintln!(
                        "mibscope: {entry} defines no MIB module: it is {}",
                        crate::mib::NotAMib::of(&bytes).message()
                    );
                }
                entries.extend(names);
                if let Some(dir) = path.parent() {
                    dirs.push(dir.display().to_string());
                }
            }
            Err(e) => eprintln!("mibscope: cannot read MIB file {entry}: {e}"),
        }
    }
    (Some(format!("{prefix}{}", entries.join(":"))), dirs)
}

/// The CLI's MIB: one handle for the command, made from its -m and -M, loaded the first
/// time a name is needed. A command runs once, so it keeps the snapshot it first read
/// (`pinned`); long-running faces hold their own `MibHandle` and swap it.
static MIB: OnceLock<MibHandle> = OnceLock::new();
static PINNED: OnceLock<Arc<LoadedMib>> = OnceLock::new();

/// Chooses where this process's MIB comes from: the subcommand's -m and -M. Called once by
/// `main_with_args`; later calls change nothing.
pub fn use_mib_args(args: &MibArgs) {
    let _ = MIB.set(MibHandle::new(args.config()));
}

/// The handle on this command's MIB (the default -m/-M when `use_mib_args` was not called).
pub fn mib_handle() -> &'static MibHandle {
    MIB.get_or_init(|| MibHandle::new(MibArgs::default().config()))
}

/// This process's MIB, loaded (or read from the cache) the first time a name is needed, so
/// commands given numeric OIDs never pay for it. Modules asked for but not found are
/// reported on stderr as Net-SNMP reports them.
pub fn mib() -> &'static Mib {
    &loaded_mib().mib
}

/// `mib()` with how it was loaded.
pub fn loaded_mib() -> &'static LoadedMib {
    PINNED.get_or_init(|| {
        let loaded = mib_handle().get();
        for d in loaded.mib.diagnostics() {
            if d.code == crate::mib::Code::ModuleNotFound {
                let module = d.module.as_deref().unwrap_or("?");
                eprintln!(
                    "Cannot find module ({module}): no file in the MIB directories defines it"
                );
            }
        }
        loaded
    })
}

/// This process's MIB as the renderer's `OidNames` (for `output::write_varbind_named`),
/// loaded on first use like `mib()`.
pub fn mib_names() -> &'static MibNames {
    &loaded_mib().names
}

/// What printed varbinds are named and rendered with: this process's MIB, or only the
/// three roots when the MIB selection is empty (`-m ''`, as Net-SNMP: `iso.3.6.1...`); the
/// MIB is then never loaded.
pub fn output_names() -> &'static (dyn OidNames + Sync) {
    static ROOTS: RootNames = RootNames;
    if no_mibs() { &ROOTS } else { mib_names() }
}

/// True when the MIB selection is empty (`-m ''`).
pub fn no_mibs() -> bool {
    static EMPTY: OnceLock<bool> = OnceLock::new();
    *EMPTY.get_or_init(|| {
        matches!(&mib_handle().config().modules, ModuleSelection::Only(list) if list.iter().all(String::is_empty))
    })
}

/// Parses an OID argument: numeric (`.1.3.6.1.2.1.1.5.0`), or a name the MIBs know, in any
/// form Net-SNMP accepts (`SNMPv2-MIB::sysName.0`, `sysName.0` found anywhere as with -IR,
/// `system.sysName.0`, `.iso.org.dod...`, `ifDescr."eth0"`-style string indexes).
pub fn parse_oid(text: &str) -> Result<Oid, CliError> {
    match text.parse::<Oid>() {
        Ok(oid) => Ok(oid),
        Err(e)
            if !text
                .chars()
                .any(|c| c.is_ascii_alphabetic() || c == '"' || c == '\'') =>
        {
            Err(CliError::Oid(match e {
                // The message quotes the text already.
                crate::proto::oid::OidParseError::BadSubid { .. } => e.to_string(),
                e => format!("{}: {e}", crate::proto::oid::elide(text)),
            }))
        }
        Err(_) => parse_oid_with(mib(), text),
    }
}

/// `parse_oid` against a given MIB.
pub fn parse_oid_with(mib: &Mib, text: &str) -> Result<Oid, CliError> {
    mib.resolve(text)
        .map(|r| r.oid)
        .map_err(|e| CliError::Oid(e.to_string()))
}
