//! Option groups shared by every request subcommand, spelled as Net-SNMP's snmp_parse_args
//! spells them (-v -c -t -r -O -C -m -M), and what they turn into: a `Target`, output options,
//! and the application flags of `-C`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clap::Args;

use super::{CliError, Outcome};
use crate::mib::Mib;
use crate::mib_handle::{LoadedMib, MibHandle};
use crate::mib_store::{MibConfig, ModuleSelection};
use crate::mib_view::MibNames;
use crate::net::Client;
use crate::output::syntax::{OidNames, RootNames};
use crate::output::{OidStyle, OutputOptions};
use crate::proto::Oid;
use crate::proto::engine::{KeyExtensionPolicy, Target};
use crate::session::{Defaults, SnmpConf, TargetOptions, UsmOptions, redact};

/// Who the agent is and how to reach it.
#[derive(Args, Clone)]
pub struct AgentOptions {
    /// SNMP version: 1, 2c or 3 (default: defVersion from snmp.conf, else 3 when SNMPv3
    /// options are given, else 2c)
    #[arg(short = 'v', value_name = "1|2c|3")]
    pub version: Option<String>,

    /// Community string (v1/v2c); also read from $MIBSCOPE_COMMUNITY, which keeps it off the
    /// process list, or defCommunity in snmp.conf
    #[arg(
        short = 'c',
        value_name = "COMMUNITY",
        env = "MIBSCOPE_COMMUNITY",
        hide_env_values = true
    )]
    pub community: Option<String>,

    /// Seconds to wait for each reply (fractions allowed)
    #[arg(short = 't', value_name = "SECONDS", default_value_t = 1.0)]
    pub timeout: f64,

    /// Retransmissions before giving up
    #[arg(short = 'r', value_name = "RETRIES", default_value_t = 5)]
    pub retries: u32,

    #[command(flatten)]
    pub v3: V3Options,

    /// Agent: host, host:port, udp:host:port, udp6:[::1]:161
    #[arg(value_name = "AGENT")]
    pub agent: String,
}

/// The SNMPv3 security options every command that speaks v3 takes (the request commands
/// and `decode`), as Net-SNMP spells them: -u -l -a -A -x -X -e and -3m -3M -3k -3K.
/// Passphrases can also come from $MIBSCOPE_AUTH_PASS / $MIBSCOPE_PRIV_PASS.
#[derive(Args, Clone, Default)]
pub struct V3Credentials {
    /// Security name (user; decode: default the message's msgUserName)
    #[arg(short = 'u', value_name = "USER")]
    pub user: Option<String>,
    /// Security level: noAuthNoPriv, authNoPriv or authPriv (default: the highest the given
    /// secrets allow; decode: check up to this level, default the message's)
    #[arg(short = 'l', value_name = "LEVEL")]
    pub level: Option<String>,
    /// Authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512 (decode:
    /// default each one whose digest has the message's length)
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub auth_protocol: Option<String>,
    /// Authentication passphrase (or $MIBSCOPE_AUTH_PASS, which keeps it off the process
    /// list)
    #[arg(
        short = 'A',
        value_name = "PASSPHRASE",
        env = "MIBSCOPE_AUTH_PASS",
        hide_env_values = true
    )]
    pub auth_passphrase: Option<String>,
    /// Privacy protocol: DES, 3DES, AES, AES-192, AES-256 (Blumenthal key extension),
    /// AES-192-C, AES-256-C (Reeder/Cisco key extension) (decode: default each in turn)
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub priv_protocol: Option<String>,
    /// Privacy passphrase (or $MIBSCOPE_PRIV_PASS)
    #[arg(
        short = 'X',
        value_name = "PASSPHRASE",
        env = "MIBSCOPE_PRIV_PASS",
        hide_env_values = true
    )]
    pub priv_passphrase: Option<String>,
    /// The agent's engine ID in hex: requests skip discovery; decode localizes the keys to
    /// it (default: the message's msgAuthoritativeEngineID)
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    pub engine_id: Option<String>,
    /// Authentication master key Ku in hex (Net-SNMP's -3m)
    #[arg(long, value_name = "HEX")]
    pub auth_master_key: Option<String>,
    /// Privacy master key in hex (Net-SNMP's -3M)
    #[arg(long, value_name = "HEX")]
    pub priv_master_key: Option<String>,
    /// Localized authentication key Kul in hex (Net-SNMP's -3k)
    #[arg(long, value_name = "HEX")]
    pub auth_localized_key: Option<String>,
    /// Localized privacy key in hex (Net-SNMP's -3K)
    #[arg(long, value_name = "HEX")]
    pub priv_localized_key: Option<String>,
    /// Set when -A was given on the command line (not from the environment): it selects
    /// SNMPv3 as the other v3 options do
    #[arg(long, hide = true)]
    pub auth_on_command_line: bool,
}

impl V3Credentials {
    /// These options as the session module's plain values (no context, no -Z).
    pub fn usm_options(&self) -> UsmOptions {
        UsmOptions {
            user: self.user.clone(),
            level: self.level.clone(),
            auth_protocol: self.auth_protocol.clone(),
            auth_passphrase: self.auth_passphrase.clone(),
            priv_protocol: self.priv_protocol.clone(),
            priv_passphrase: self.priv_passphrase.clone(),
            auth_master_key: self.auth_master_key.clone(),
            priv_master_key: self.priv_master_key.clone(),
            auth_localized_key: self.auth_localized_key.clone(),
            priv_localized_key: self.priv_localized_key.clone(),
            engine_id: self.engine_id.clone(),
            auth_passphrase_given: self.auth_on_command_line,
            ..UsmOptions::default()
        }
    }
}

impl std::fmt::Debug for V3Credentials {
    /// As `UsmOptions` shows them: secrets redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.usm_options().fmt(f)
    }
}

/// SNMPv3 options of the request commands: the shared credentials, and the context and
/// engine options only a request uses. Passphrases can also come from snmp.conf
/// (defAuthPassphrase, ...).
#[derive(Args, Clone, Default)]
pub struct V3Options {
    #[command(flatten)]
    pub credentials: V3Credentials,
    /// Context engine ID in hex (default: the agent's engine ID)
    #[arg(short = 'E', value_name = "ENGINE-ID")]
    pub context_engine_id: Option<String>,
    /// Context name
    #[arg(short = 'n', value_name = "CONTEXT")]
    pub context: Option<String>,
    /// The agent's boots and time, with -e
    #[arg(short = 'Z', value_name = "BOOTS,TIME")]
    pub boots_time: Option<String>,
    /// AES-192/256 key extension: as-named (AES-192 is Blumenthal, AES-192-C Reeder), or
    /// auto (on a privacy failure try the other one and say which worked)
    #[arg(long, value_name = "POLICY", default_value = "as-named", value_parser = ["as-named", "auto"])]
    pub aes_key_extension: String,
}

impl std::fmt::Debug for AgentOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentOptions")
            .field("version", &self.version)
            .field("community", &redact(&self.community))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("v3", &self.v3)
            .field("agent", &self.agent)
            .finish()
    }
}

impl std::fmt::Debug for V3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("V3Options")
            .field("credentials", &self.credentials)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl AgentOptions {
    /// These options as the session module's plain values.
    pub fn target_options(&self) -> TargetOptions {
        TargetOptions {
            agent: self.agent.clone(),
            version: self.version.clone(),
            community: self.community.clone(),
            // Checked by `target`; an impossible value is none here rather than a panic.
            timeout: Duration::try_from_secs_f64(self.timeout).unwrap_or(Duration::ZERO),
            retries: self.retries,
            lookup_limit: crate::net::target::DEFAULT_LOOKUP_LIMIT,
            usm: self.v3.usm_options(),
        }
    }

    /// The target these options, the environment and snmp.conf describe (see
    /// `session::Defaults`); snmp.conf warnings go to stderr.
    pub async fn target(&self) -> Result<Arc<Target>, CliError> {
        let defaults = Defaults::load();
        for w in defaults.warnings() {
            eprintln!("mibscope: warning: {w}");
        }
        let options = self.checked_target_options()?;
        defaults.version(&options)?;
        Ok(defaults.target(&options).await?)
    }

    /// `target_options`, with -t checked (seconds, more than 0).
    pub fn checked_target_options(&self) -> Result<TargetOptions, CliError> {
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout < 86_400.0) {
            return Err(CliError::Usage(format!(
                "bad timeout -t {}: give seconds, more than 0 and less than 86400 (fractions allowed, as in -t 0.5)",
                self.timeout
            )));
        }
        Ok(self.target_options())
    }
}

impl V3Options {
    /// These options as the session module's plain values.
    pub fn usm_options(&self) -> UsmOptions {
        UsmOptions {
            context_engine_id: self.context_engine_id.clone(),
            context: self.context.clone(),
            boots_time: self.boots_time.clone(),
            key_extension: if self.aes_key_extension == "auto" {
                KeyExtensionPolicy::Auto
            } else {
                KeyExtensionPolicy::AsNamed
            },
            ..self.credentials.usm_options()
        }
    }
}

/// Moved to `session`; these names stay for callers.
pub(crate) use crate::session::{KeyKind, key_source};

/// The option groups every request subcommand takes: who to ask, how to print, which MIBs.
#[derive(Args, Debug, Clone)]
pub struct RequestOptions {
    #[command(flatten)]
    pub agent: AgentOptions,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub mib: MibArgs,
}

/// What a request subcommand works with once its options are checked.
pub struct Session {
    pub target: Arc<Target>,
    pub output: OutputOptions,
    pub client: Client,
    /// The agent as the user wrote it, for Net-SNMP's messages ("Timeout: No Response from").
    pub label: String,
}

impl RequestOptions {
    /// Resolves the target, checks the output flags and binds the client socket.
    pub async fn session(&self) -> Result<Session, CliError> {
        Ok(Session {
            target: self.agent.target().await?,
            output: self.output.options()?,
            client: Client::bind().await?,
            label: self.agent.agent.clone(),
        })
    }
}

/// How results are printed.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output options (Net-SNMP letters): n (numeric OIDs), f (full names), s (last name),
    /// S (MODULE::name, the default), u (UCD style), q (quick), Q (quick with =), v (values
    /// only), x (strings in hex), a (strings as text), T (hex with text), t (raw timeticks),
    /// e (enums as numbers), U (no units), b (no index breakdown), E (escape index quotes),
    /// X (indexes in brackets)
    #[arg(short = 'O', value_name = "OUTOPTS", action = clap::ArgAction::Append)]
    pub output: Vec<String>,

    /// One JSON object per varbind (oid, type, value, raw bytes for strings)
    #[arg(long)]
    pub json: bool,
}

impl OutputArgs {
    pub fn options(&self) -> Result<OutputOptions, CliError> {
        // Net-SNMP's default: MODULE::name.index (-OS); names fall back to numbers when
        // no MIB knows the OID.
        let mut o = OutputOptions {
            json: self.json,
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        for letters in &self.output {
            o.apply_flags(letters)
                .map_err(|e| CliError::Usage(e.to_string()))?;
        }
        Ok(o)
    }
}

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
                    eprintln!("mibscope: {entry} defines no MIB module");
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

/// A reader closing the pipe (`| head`) is not an error: the command stops quietly.
pub fn quiet_on_broken_pipe(result: Result<Outcome, CliError>) -> Result<Outcome, CliError> {
    match result {
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(Outcome::BrokenPipe)
        }
        other => other,
    }
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

/// Application flags given with `-C`, split into letters and their arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppFlag {
    Letter(char),
    Number(char, u32),
    Oid(char, Oid),
}

/// Parses `-C` arguments. `numeric` letters take a number right after them (`-Cr25`);
/// `oid` letters take an OID, attached or as the next word (`-CE .1.3.6.1`).
pub fn parse_app_flags(
    values: &[String],
    letters: &str,
    numeric: &str,
    oid: &str,
) -> Result<Vec<AppFlag>, CliError> {
    let mut flags = Vec::new();
    for value in values {
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if numeric.contains(c) {
                let digits: String = value[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if digits.is_empty() {
                    return Err(CliError::Usage(format!(
                        "-C{c} needs a number right after it, as in -C{c}10"
                    )));
                }
                // SNMP's counts are Integer32 (RFC 3416 section 3: max-repetitions,
                // non-repeaters); no -C number is meaningful beyond that.
                let n = digits
                    .parse::<u32>()
                    .ok()
                    .filter(|n| i32::try_from(*n).is_ok())
                    .ok_or_else(|| {
                        CliError::Usage(format!(
                            "-C{c}{}: the number must be 0..2147483647",
                            crate::proto::oid::elide(&digits)
                        ))
                    })?;
                flags.push(AppFlag::Number(c, n));
                for _ in 0..digits.len() {
                    chars.next();
                }
            } else if oid.contains(c) {
                let rest = &value[i + 1..];
                if rest.is_empty() {
                    return Err(CliError::Usage(format!("-C{c} needs an OID")));
                }
                flags.push(AppFlag::Oid(c, parse_oid(rest)?));
                break;
            } else if letters.contains(c) {
                flags.push(AppFlag::Letter(c));
            } else {
                return Err(CliError::Usage(format!("Unknown flag passed to -C: {c}")));
            }
        }
    }
    Ok(flags)
}

/// The `-C` letters whose value is the next word, per subcommand, as the Net-SNMP tool
/// reads them (`snmptable -Cw 80`, `snmpdelta -Cp 5`).
fn app_letters_with_value(subcommand: Option<&str>) -> &'static str {
    match subcommand {
        Some("table") => "cfrw",
        Some("delta") => "pPvFL",
        Some("netstat") => "I",
        _ => "",
    }
}

/// Splits one `-C` argument of a tool whose letters in `with_value` take a value: an
/// attached value stays (`-Cw80`), a missing one is the next word (`-Cw 80` becomes
/// `-Cw80`), and each such letter gets an argument of its own.
fn split_app_flags(
    letters: &str,
    with_value: &str,
    next: &mut impl Iterator<Item = String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut plain = String::new();
    for (i, c) in letters.char_indices() {
        if !with_value.contains(c) {
            plain.push(c);
            continue;
        }
        let rest = &letters[i + c.len_utf8()..];
        let attached = !rest.is_empty()
            && ("fFLI".contains(c) || rest.starts_with(|d: char| d.is_ascii_digit()));
        if attached {
            out.push(format!("-C{c}{rest}"));
            break;
        }
        match next.next() {
            Some(word) => out.push(format!("-C{c}{word}")),
            None => out.push(format!("-C{c}")),
        }
    }
    if !plain.is_empty() {
        out.insert(0, format!("-C{plain}"));
    }
    out
}

/// Rewrites the Net-SNMP spellings clap cannot take as they are: the OID of `-CE` comes as
/// the next word, `-3m KEY`, `-3M`, `-3k`, `-3K` are two-letter options, and some tools'
/// `-C` letters take the next word as their value (see `app_letters_with_value`).
pub fn normalize_net_snmp_args(args: Vec<String>) -> Vec<String> {
    let with_value = app_letters_with_value(args.get(1).map(String::as_str));
    // `-A` on the command line selects SNMPv3 (the help says so); from the environment it
    // does not.
    let agent_command = matches!(
        args.get(1).map(String::as_str),
        Some(
            "get"
                | "getnext"
                | "bulkget"
                | "walk"
                | "bulkwalk"
                | "set"
                | "table"
                | "status"
                | "df"
                | "netstat"
                | "delta"
        )
    );
    let auth_given = agent_command && args.iter().skip(2).any(|a| a.starts_with("-A"));
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        if !with_value.is_empty()
            && let Some(letters) = arg.strip_prefix("-C")
            && !letters.is_empty()
        {
            out.extend(split_app_flags(letters, with_value, &mut iter));
            continue;
        }
        let long = match arg.as_str() {
            "-3m" => Some("--auth-master-key"),
            "-3M" => Some("--priv-master-key"),
            "-3k" => Some("--auth-localized-key"),
            "-3K" => Some("--priv-localized-key"),
            _ => None,
        };
        if let Some(long) = long {
            out.push(long.to_string());
            continue;
        }
        if arg == "-CE" {
            if let Some(next) = iter.next() {
                out.push(format!("-CE{next}"));
                continue;
            }
        }
        out.push(arg);
    }
    if auth_given {
        out.insert(2, "--auth-on-command-line".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_flags() {
        let v = vec![
            "cr25".to_string(),
            "n1p".to_string(),
            "E.1.3.6.1.2".to_string(),
        ];
        let flags = parse_app_flags(&v, "cipItT", "rn", "E").unwrap();
        assert_eq!(
            flags,
            vec![
                AppFlag::Letter('c'),
                AppFlag::Number('r', 25),
                AppFlag::Number('n', 1),
                AppFlag::Letter('p'),
                AppFlag::Oid('E', "1.3.6.1.2".parse().unwrap()),
            ]
        );
        assert!(parse_app_flags(&["z".into()], "c", "", "").is_err());
        assert!(parse_app_flags(&["r".into()], "", "r", "").is_err());
        assert!(parse_app_flags(&["r2147483647".into()], "", "r", "").is_ok());
        let e = parse_app_flags(&["r2147483648".into()], "", "r", "").unwrap_err();
        assert!(e.to_string().contains("0..2147483647"), "{e}");
        let e = parse_app_flags(&[format!("r{}", "9".repeat(5000))], "", "r", "").unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
    }

    #[test]
    fn net_snmp_spellings_are_normalized() {
        let args: Vec<String> = ["walk", "-CE", ".1.3.6.1.2.1.2", "-3m", "0x1234", "host"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            normalize_net_snmp_args(args),
            [
                "walk",
                "-CE.1.3.6.1.2.1.2",
                "--auth-master-key",
                "0x1234",
                "host"
            ]
        );
    }

    #[test]
    fn table_and_delta_values_may_be_the_next_word() {
        let norm =
            |args: &[&str]| normalize_net_snmp_args(args.iter().map(ToString::to_string).collect());
        assert_eq!(
            norm(&[
                "m", "table", "-Cw", "80", "-Cbif", ",", "-Cr5", "host", "ifTable"
            ]),
            [
                "m", "table", "-Cw80", "-Cbi", "-Cf,", "-Cr5", "host", "ifTable"
            ]
        );
        assert_eq!(
            norm(&["m", "delta", "-CsTp", "2", "host", "ifInOctets.1"]),
            ["m", "delta", "-CsT", "-Cp2", "host", "ifInOctets.1"]
        );
        // Other subcommands keep -C as it is.
        assert_eq!(
            norm(&["m", "bulkwalk", "-Cr", "h"]),
            ["m", "bulkwalk", "-Cr", "h"]
        );
    }

    use crate::proto::engine::UsmTarget;
    use crate::proto::usm::{EngineBoots, EngineTime, SecurityLevel};

    fn v3(args: &[&str]) -> Result<UsmTarget, CliError> {
        #[derive(clap::Parser)]
        struct T {
            #[command(flatten)]
            v3: V3Options,
        }
        let mut full = vec!["t"];
        full.extend_from_slice(args);
        let t = <T as clap::Parser>::try_parse_from(full)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Ok(crate::session::Defaults::none().usm_target(&t.v3.usm_options())?)
    }

    #[test]
    fn v3_options_and_their_defaults() {
        let t = v3(&[
            "-u",
            "alice",
            "-a",
            "SHA-256",
            "-A",
            "authpass1",
            "-x",
            "AES-256-C",
            "-X",
            "privpass1",
        ])
        .unwrap();
        assert_eq!(
            t.level,
            SecurityLevel::AuthPriv,
            "level follows the secrets given"
        );
        assert_eq!(
            t.credentials
                .auth_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("SHA-256")
        );
        assert_eq!(
            t.credentials
                .privacy_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("AES-256-C")
        );
        let t = v3(&["-u", "bob", "-A", "authpass1"]).unwrap();
        assert_eq!(t.level, SecurityLevel::AuthNoPriv);
        assert_eq!(
            t.credentials
                .auth_protocol()
                .map(ToString::to_string)
                .as_deref(),
            Some("MD5")
        );
        let t = v3(&[
            "-u",
            "carol",
            "-e",
            "0x80001f8804616263",
            "-Z",
            "3,1200",
            "-n",
            "vrf1",
        ])
        .unwrap();
        assert_eq!(t.level, SecurityLevel::NoAuthNoPriv);
        assert_eq!(t.boots_time, Some((EngineBoots(3), EngineTime(1200))));
        assert_eq!(t.context_name, b"vrf1");
        assert!(t.engine_id.is_some());
    }

    #[test]
    fn v3_option_errors_say_what_to_do() {
        for (args, needle) in [
            (&["-A", "authpass1"][..], "-u USER"),
            (&["-u", "a", "-l", "authPriv", "-A", "authpass1"][..], "-X"),
            (&["-u", "a", "-l", "authNoPriv"][..], "-A"),
            (&["-u", "a", "-A", "short"][..], "at least 8"),
            (&["-u", "a", "-A", "authpass1", "-a", "SHA-3"][..], "SHA-3"),
            (
                &["-u", "a", "-l", "superPriv"][..],
                "noAuthNoPriv, authNoPriv or authPriv",
            ),
            (&["-u", "a", "-e", "0x12"][..], "5 to 32 bytes"),
            (&["-u", "a", "-Z", "5"][..], "BOOTS,TIME"),
        ] {
            let err = v3(args)
                .err()
                .unwrap_or_else(|| panic!("{args:?} accepted"))
                .to_string();
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let t = v3(&[
            "-u",
            "alice",
            "-A",
            "authpass-secret",
            "-X",
            "privpass-secret",
        ])
        .unwrap();
        let text = format!("{t:?}");
        assert!(!text.contains("secret"), "{text}");
        let opts = V3Options {
            credentials: V3Credentials {
                auth_passphrase: Some("authpass-secret".into()),
                priv_passphrase: Some("privpass-secret".into()),
                ..V3Credentials::default()
            },
            ..V3Options::default()
        };
        assert!(!format!("{opts:?}").contains("secret"));
    }
}
