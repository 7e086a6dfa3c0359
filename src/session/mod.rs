//! Sessions: what every face (CLI, TUI, poller, exporter) needs to turn what a user gave
//! into a `proto::engine::Target`: plain option values (`TargetOptions`), the defaults that
//! fill what was not given (`Defaults`: the `MIBSCOPE_*` environment and Net-SNMP's
//! snmp.conf), and named agent profiles (`profiles`). Nothing here prints or reads clap
//! types: problems are typed `SessionError`s, things worth telling the user are `Warning`s.

pub mod profiles;
pub mod snmpconf;
mod target;

pub use profiles::{Profile, ProfileError, ProfileProblem, Profiles};
pub use snmpconf::SnmpConf;
pub use target::{
    Defaults, ENV_AUTH_PASS, ENV_COMMUNITY, ENV_PRIV_PASS, Secret, SessionError, TargetOptions,
    UsmOptions, Warning,
};
pub(crate) use target::{KeyKind, key_source, redact};
