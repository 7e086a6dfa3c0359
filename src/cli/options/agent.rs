//! Who the agent is and how to reach it (-v -c -t -r -d and the agent address, with the
//! SNMPv3 group flattened in): the `Target` these options, the environment and snmp.conf
//! describe, and the client socket, which dumps every datagram on stderr with `-d`.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::V3Options;
use crate::cli::CliError;
use crate::net::Client;
use crate::proto::engine::Target;
use crate::session::{Defaults, TargetOptions, redact};

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

    /// Dump every packet sent and received on stderr, in hex, as Net-SNMP's -d does (read
    /// it back with `mibscope decode -f FILE`)
    #[arg(short = 'd')]
    pub dump: bool,

    /// Agent: host, host:port, udp:host:port, udp6:[::1]:161
    #[arg(value_name = "AGENT")]
    pub agent: String,
}

impl std::fmt::Debug for AgentOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentOptions")
            .field("version", &self.version)
            .field("community", &redact(&self.community))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("v3", &self.v3)
            .field("dump", &self.dump)
            .field("agent", &self.agent)
            .finish()
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

impl AgentOptions {
    /// The client to send with: with `-d`, every datagram is dumped on stderr.
    pub async fn client(&self) -> Result<Client, CliError> {
        let log = self
            .dump
            .then(|| Arc::new(StderrDump) as Arc<dyn crate::net::PacketLog>);
        Ok(Client::bind_with_log(log).await?)
    }
}

/// `-d`: each datagram on stderr as Net-SNMP dumps it, in one write.
struct StderrDump;

impl crate::net::PacketLog for StderrDump {
    fn datagram(&self, d: &crate::net::Datagram<'_>) {
        use crate::output::packet_dump::{Direction, write};
        use std::io::Write as _;
        let direction = match d.direction {
            crate::net::Direction::Sent => Direction::Sent,
            crate::net::Direction::Received => Direction::Received,
        };
        let mut text = String::new();
        write(&mut text, direction, d.peer, d.local, d.bytes);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}
