//! `mibscope traps`' settings: the configuration file (`traps::config`) and the flags
//! merged, flags first, into what the daemon runs with; read at the start and again on
//! SIGHUP. Addresses (relay targets, syslog) are resolved here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{DEFAULT_LISTEN, DEFAULT_QUEUE, TrapsArgs};
use crate::cli::CliError;
use crate::cli::agent::parse_listen;
use crate::proto::Community;
use crate::proto::usm::EngineId;
use crate::traps::access::{Access, CommunityRule, TrapUser};
use crate::traps::config::TrapsConfig;
use crate::traps::forward::ForwardSecurity;
use crate::traps::listener::DEFAULT_RECV_BUFFER;
use crate::traps::outputs::{ExecSettings, ForwardSettings, OutputSettings, SyslogSettings};
use crate::traps::state;
use crate::traps::syslog::{SyslogTarget, facility_code};

/// Everything the run needs, merged from the file and the flags: read at the start and
/// again on SIGHUP.
pub(super) struct Settings {
    /// The configuration file it came from, if any.
    pub(super) config: Option<PathBuf>,
    pub(super) listen: Vec<SocketAddr>,
    pub(super) skip_unavailable: bool,
    pub(super) recv_buffer: usize,
    pub(super) access: Access,
    pub(super) engine_id: Option<EngineId>,
    pub(super) state_path: Option<PathBuf>,
    pub(super) queue: usize,
    pub(super) stats_interval: u64,
    pub(super) outputs: OutputSettings,
}

impl Settings {
    /// What a reload cannot change while the daemon runs, by name.
    pub(super) fn restart_only_changes(&self, new: &Settings) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.listen != new.listen {
            changed.push("listen");
        }
        if self.recv_buffer != new.recv_buffer {
            changed.push("receive_buffer");
        }
        if self.engine_id != new.engine_id {
            changed.push("engine_id");
        }
        if self.state_path != new.state_path {
            changed.push("state_file");
        }
        if self.queue != new.queue {
            changed.push("queue");
        }
        if self.stats_interval != new.stats_interval {
            changed.push("stats_interval");
        }
        changed
    }
}

/// An address in the agent syntax with `port` unless one is given, looked up without
/// blocking the runtime.
async fn resolve_with_port(
    text: &str,
    port: u16,
) -> Result<std::net::SocketAddr, crate::net::AddressError> {
    crate::net::target::AgentSpec::parse(text, port)?
        .resolve(crate::net::target::DEFAULT_LOOKUP_LIMIT)
        .await
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(e.to_string())
}

/// The configuration file, with a warning when others can read its secrets.
pub(crate) fn read_config(path: &Path) -> Result<TrapsConfig, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let config =
        TrapsConfig::parse(&text).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    #[cfg(unix)]
    if config.has_secrets() {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "mibscope traps: warning: {} holds communities or pass phrases and is readable by others (mode {mode:o}); run chmod 600 on it",
                    path.display()
                );
            }
        }
    }
    Ok(config)
}

fn seconds(what: &str, s: f64) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| usage(format!("{what} {s}: give a number of seconds above 0")))
}

impl TrapsArgs {
    pub(super) async fn settings(&self) -> Result<Settings, CliError> {
        let config = match &self.config {
            Some(p) => read_config(p)?,
            None => TrapsConfig::default(),
        };
        let (listen_texts, skip_unavailable) = if !self.listen.is_empty() {
            (self.listen.clone(), false)
        } else if !config.listen.is_empty() {
            (config.listen.clone(), false)
        } else {
            (
                DEFAULT_LISTEN.iter().map(ToString::to_string).collect(),
                true,
            )
        };
        let listen = listen_texts
            .iter()
            .map(|t| parse_listen(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut communities = if self.community.is_empty() {
            config.community_rules().map_err(usage)?
        } else {
            CommunityRule::from_command_line(&self.community)
        };
        communities.retain(|c| !c.community.as_bytes().is_empty());
        let mut users = config.trap_users().map_err(usage)?;
        if let Some(user) = self.command_line_user()? {
            users.push(user);
        }
        let accept_any = self.accept_any_community || config.accept_any_community;
        if communities.is_empty() && users.is_empty() && !accept_any {
            return Err(usage(
                "nobody may send: give -c COMMUNITY, a v3 user (-u ...), a --config file with \
                 communities or users, or --accept-any-community",
            ));
        }
        let engine_id = match &self.receiver_engine_id {
            Some(t) => Some(t.parse().map_err(usage)?),
            None => config.engine_id().map_err(usage)?,
        };
        let json = self.output.json || config.output.json.unwrap_or(false);
        let mut text = self.output.options()?;
        text.json = false;
        let queue = self.queue.or(config.output.queue).unwrap_or(DEFAULT_QUEUE);
        let exec = self
            .exec
            .clone()
            .or_else(|| config.exec.as_ref().map(|e| e.command.clone()))
            .map(|command| {
                let e = config.exec.as_ref();
                ExecSettings {
                    command,
                    concurrency: self
                        .exec_concurrency
                        .or(e.and_then(|e| e.concurrency))
                        .unwrap_or(4),
                    queue: self.exec_queue.or(e.and_then(|e| e.queue)).unwrap_or(1000),
                    timeout: Duration::from_secs(
                        self.exec_timeout
                            .or(e.and_then(|e| e.timeout))
                            .unwrap_or(60),
                    ),
                }
            });
        let forward = self.forward_settings(&config, &users, queue).await?;
        let syslog = match self
            .syslog
            .clone()
            .or_else(|| config.syslog.as_ref().map(|s| s.target.clone()))
        {
            Some(target) => {
                let facility_name = self
                    .syslog_facility
                    .clone()
                    .or_else(|| config.syslog.as_ref().and_then(|s| s.facility.clone()))
                    .unwrap_or_else(|| "local0".into());
                let facility = facility_code(&facility_name).ok_or_else(|| {
                    usage(format!(
                        "unknown syslog facility '{facility_name}': use kern, user, daemon, auth, syslog or local0..local7"
                    ))
                })?;
                Some(SyslogSettings {
                    target: parse_syslog_target(&target).await?,
                    facility,
                    queue: config
                        .syslog
                        .as_ref()
                        .and_then(|s| s.queue)
                        .unwrap_or(queue.min(65_536)),
                })
            }
            None => None,
        };
        Ok(Settings {
            config: self.config.clone(),
            listen,
            skip_unavailable,
            recv_buffer: self
                .recv_buffer
                .or(config.receive_buffer)
                .unwrap_or(DEFAULT_RECV_BUFFER),
            access: Access {
                communities,
                accept_any_community: accept_any,
                users,
                learn_engine_ids: self.learn_engine_ids || config.learn_engine_ids,
            },
            engine_id,
            state_path: self
                .state_file
                .clone()
                .or_else(|| config.state_file.clone())
                .or_else(state::default_path),
            queue,
            stats_interval: self
                .stats_interval
                .or(config.output.stats_interval)
                .unwrap_or(if json { 60 } else { 0 }),
            outputs: OutputSettings {
                json,
                text,
                log: self.log.clone().or_else(|| config.output.log.clone()),
                quiet: self.quiet || config.output.quiet.unwrap_or(false),
                exec,
                forward,
                syslog,
            },
        })
    }

    /// `--forward` and `[forward]`: the targets resolved, and how relays are secured (a
    /// community, or one of `users` by name).
    async fn forward_settings(
        &self,
        config: &TrapsConfig,
        users: &[TrapUser],
        queue: usize,
    ) -> Result<Option<ForwardSettings>, CliError> {
        let section = config.forward.as_ref();
        let texts = if self.forward.is_empty() {
            section.map(|f| f.targets.clone()).unwrap_or_default()
        } else {
            self.forward.clone()
        };
        if texts.is_empty() {
            return Ok(None);
        }
        let mut targets = Vec::with_capacity(texts.len());
        for t in &texts {
            targets.push(
                resolve_with_port(t, 162)
                    .await
                    .map_err(|e| CliError::Address(format!("--forward {t}: {e}")))?,
            );
        }
        let user = self
            .forward_user
            .clone()
            .or_else(|| section.and_then(|f| f.user.clone()));
        let security = match user {
            Some(name) => forward_user(&name, users)?,
            None => {
                let community = self
                    .forward_community
                    .clone()
                    .or_else(|| section.and_then(|f| f.community.clone()).map(|c| c.0))
                    .unwrap_or_else(|| "public".into());
                ForwardSecurity::Community(Community::new(community.as_bytes()))
            }
        };
        Ok(Some(ForwardSettings {
            targets,
            security,
            informs: self.forward_informs || section.and_then(|f| f.informs).unwrap_or(false),
            timeout: seconds(
                "--forward-timeout",
                self.forward_timeout
                    .or(section.and_then(|f| f.timeout))
                    .unwrap_or(1.0),
            )?,
            retries: self
                .forward_retries
                .or(section.and_then(|f| f.retries))
                .unwrap_or(5),
            queue: section.and_then(|f| f.queue).unwrap_or(queue.min(65_536)),
        }))
    }

    /// The v3 user of `-u -l -a -A -x -X -e`, if `-u` was given.
    fn command_line_user(&self) -> Result<Option<TrapUser>, CliError> {
        if self.v3.credentials.user.is_none() {
            return Ok(None);
        }
        if self.v3.context.is_some()
            || self.v3.context_engine_id.is_some()
            || self.v3.boots_time.is_some()
        {
            return Err(usage(
                "-n, -E and -Z are for senders; the receiver takes -u -l -a -A -x -X -e",
            ));
        }
        let t = crate::session::Defaults::none().usm_target(&self.v3.usm_options())?;
        Ok(Some(TrapUser {
            credentials: t.credentials,
            engine_id: t.engine_id,
            min_level: Some(t.level),
        }))
    }
}

/// The receiving user relays go out as: the first of that name configured without an
/// engine id, else the first; its secrets must be localizable to other engines.
fn forward_user(name: &str, users: &[TrapUser]) -> Result<ForwardSecurity, CliError> {
    let named = |u: &&TrapUser| u.credentials.user().as_bytes() == name.as_bytes();
    let user = users
        .iter()
        .filter(named)
        .find(|u| u.engine_id.is_none())
        .or_else(|| users.iter().find(named))
        .ok_or_else(|| {
            usage(format!(
                "forward user '{name}' is not a v3 user of this receiver: give it with -u or as a [[user]] in the config"
            ))
        })?;
    if user.credentials.has_localized_key() {
        return Err(usage(format!(
            "forward user '{name}' has localized keys, which fit one engine only: give it pass phrases or master keys to relay as it"
        )));
    }
    Ok(ForwardSecurity::Usm {
        credentials: std::sync::Arc::clone(&user.credentials),
        level: user.credentials.max_level(),
    })
}

/// `unix:PATH`, `tcp:HOST:PORT` (RFC 6587), or `udp:HOST:PORT` / `HOST[:PORT]` (port 514).
async fn parse_syslog_target(text: &str) -> Result<SyslogTarget, CliError> {
    if let Some(path) = text.strip_prefix("unix:") {
        return Ok(SyslogTarget::Unix(PathBuf::from(path)));
    }
    let tcp = ["tcp:", "tcp6:"].iter().find_map(|p| text.strip_prefix(p));
    resolve_with_port(tcp.unwrap_or(text), 514)
        .await
        .map(|addr| match tcp {
            Some(_) => SyslogTarget::Tcp(addr),
            None => SyslogTarget::Udp(addr),
        })
        .map_err(|e| {
            CliError::Address(format!(
                "--syslog {text}: {e} (or give unix:/dev/log, udp:HOST:PORT, tcp:HOST:PORT)"
            ))
        })
}
