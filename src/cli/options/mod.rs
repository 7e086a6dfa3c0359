//! Option groups shared by every request subcommand, spelled as Net-SNMP's snmp_parse_args
//! spells them (-v -c -t -r -O -C -m -M), and what they turn into: a `Target`, output options,
//! and the application flags of `-C`.
//!
//! Here: the groups a request takes together ([`RequestOptions`], [`OutputArgs`]); who the
//! agent is in `agent`, SNMPv3 in `v3`, the MIBs and OID arguments in `mib_args`, `-C` in
//! `app_flags`, and the Net-SNMP spellings clap cannot read as they are in `net_snmp_args`.

mod agent;
mod app_flags;
mod mib_args;
mod net_snmp_args;
mod v3;

use std::sync::Arc;

use clap::Args;

use super::{CliError, Outcome};
use crate::net::Client;
use crate::output::{OidStyle, OutputOptions};
use crate::proto::engine::Target;

pub use agent::AgentOptions;
pub use app_flags::{AppFlag, parse_app_flags};
pub use mib_args::{
    MibArgs, loaded_mib, mib, mib_handle, mib_names, no_mibs, output_names, parse_oid,
    parse_oid_with, use_mib_args,
};
pub use net_snmp_args::normalize_net_snmp_args;
pub use v3::{V3Credentials, V3Options};

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
            client: self.agent.client().await?,
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

/// A reader closing the pipe (`| head`) is not an error: the command stops quietly.
pub fn quiet_on_broken_pipe(result: Result<Outcome, CliError>) -> Result<Outcome, CliError> {
    match result {
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(Outcome::BrokenPipe)
        }
        other => other,
    }
}
