//! Which MIB modules to load and where to look, as Net-SNMP users expect (snmpcmd(1) -m and
//! -M, the MIBS and MIBDIRS environment variables, snmp.conf(5)):
//! - a list is colon-separated (`;` too, as on Windows);
//! - a leading `+` appends to the default list, a leading `-` prepends to it, anything else
//!   replaces it; `ALL` loads every module found;
//! - directories later in the list take precedence over earlier ones when two define the
//!   same module (Net-SNMP: "the directories appearing later in the list have precedence").
//!
//! The command line (-m, -M) overrides the environment, which overrides the defaults.

use std::path::PathBuf;

/// The modules Net-SNMP 5.9 loads when nothing is said (its `DEFAULT_MIBLIST`).
pub const NET_SNMP_DEFAULT_MODULES: &[&str] = &[
    "SNMPv2-MIB",
    "IF-MIB",
    "IP-MIB",
    "TCP-MIB",
    "UDP-MIB",
    "HOST-RESOURCES-MIB",
    "NOTIFICATION-LOG-MIB",
    "DISMAN-EVENT-MIB",
    "DISMAN-SCHEDULE-MIB",
    "HOST-RESOURCES-TYPES",
    "MTA-MIB",
    "NETWORK-SERVICES-MIB",
    "UCD-SNMP-MIB",
    "UCD-DEMO-MIB",
    "SNMP-TARGET-MIB",
    "NET-SNMP-AGENT-MIB",
    "SNMP-MPD-MIB",
    "SNMP-USER-BASED-SM-MIB",
    "SNMP-FRAMEWORK-MIB",
    "SNMP-VIEW-BASED-ACM-MIB",
    "SNMP-COMMUNITY-MIB",
    "IPV6-ICMP-MIB",
    "IPV6-MIB",
    "IPV6-TCP-MIB",
    "IPV6-UDP-MIB",
    "IP-FORWARD-MIB",
    "NET-SNMP-PASS-MIB",
    "NET-SNMP-EXTEND-MIB",
    "UCD-DLMOD-MIB",
    "SNMP-NOTIFICATION-MIB",
    "SNMPv2-TM",
    "NET-SNMP-VACM-MIB",
];

/// Which modules to load (each with what it imports).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ModuleSelection {
    /// Every module in the search path (`ALL`).
    All,
    /// The default set: every module mibscope ships and Net-SNMP's default list, plus
    /// `extra` (`-m +X`).
    Default { extra: Vec<String> },
    /// Exactly these (`-m X:Y`).
    Only(Vec<String>),
}

/// Where the MIB modules come from and which to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MibConfig {
    pub modules: ModuleSelection,
    /// Directories searched recursively, lowest precedence first.
    pub dirs: Vec<PathBuf>,
    /// Whether the modules compiled into mibscope are available (lowest precedence).
    pub embedded: bool,
    /// Where the compiled cache lives; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    /// Refuse vendor mistakes instead of accepting them with warnings.
    pub strict: bool,
}

/// Applies Net-SNMP's list syntax: `+x` appends, `-x` prepends, else replaces.
fn apply_list(current: &[String], spec: &str) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split([':', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = spec.strip_prefix('+') {
        let mut v = current.to_vec();
        v.extend(split(rest));
        v
    } else if let Some(rest) = spec.strip_prefix('-') {
        let mut v = split(rest);
        v.extend(current.iter().cloned());
        v
    } else {
        split(spec)
    }
}

/// The default directories: `~/.snmp/mibs`, `/usr/share/snmp/mibs`, `/usr/share/mibs`
/// (where Debian's snmp-mibs-downloader puts the IETF and IANA modules), searched
/// recursively.
pub fn default_dirs(home: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(h) = home.filter(|h| !h.is_empty()) {
        dirs.push(PathBuf::from(h).join(".snmp/mibs"));
    }
    dirs.push(PathBuf::from("/usr/share/snmp/mibs"));
    dirs.push(PathBuf::from("/usr/share/mibs"));
    dirs
}

/// The cache folder: `$MIBSCOPE_CACHE_DIR` (empty disables the cache), else
/// `$XDG_CACHE_HOME/mibscope`, else `~/.cache/mibscope`.
pub fn default_cache_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = env("MIBSCOPE_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    if let Some(x) = env("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("mibscope"));
    }
    env("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/mibscope"))
}

impl MibConfig {
    /// The configuration from `-m` and `-M` (if given) and the environment (`MIBS`,
    /// `MIBDIRS`, `HOME`, the cache variables), read through `env` so tests can supply it.
    pub fn resolve(
        mibs_arg: Option<&str>,
        dirs_arg: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> MibConfig {
        let home = env("HOME");
        let defaults: Vec<String> = default_dirs(home.as_deref())
            .into_iter()
            .map(|p| p.display().to_string())
            .collect();
        let mut dirs = defaults;
        if let Some(spec) = env("MIBDIRS") {
            dirs = apply_list(&dirs, &spec);
        }
        if let Some(spec) = dirs_arg {
            dirs = apply_list(&dirs, spec);
        }
        let modules = match mibs_arg.map(str::to_string).or_else(|| env("MIBS")) {
            None => ModuleSelection::Default { extra: Vec::new() },
            Some(spec) => {
                let list = apply_list(&[], &spec);
                if list.iter().any(|m| m == "ALL") {
                    ModuleSelection::All
                } else if spec.starts_with(['+', '-']) {
                    ModuleSelection::Default { extra: list }
                } else {
                    ModuleSelection::Only(list)
                }
            }
        };
        MibConfig {
            modules,
            dirs: dirs.into_iter().map(PathBuf::from).collect(),
            embedded: true,
            cache_dir: default_cache_dir(env),
            strict: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn dirs(c: &MibConfig) -> Vec<String> {
        c.dirs.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn defaults() {
        let c = MibConfig::resolve(None, None, &env_of(&[("HOME", "/home/u")]));
        assert_eq!(c.modules, ModuleSelection::Default { extra: vec![] });
        assert_eq!(
            dirs(&c),
            [
                "/home/u/.snmp/mibs",
                "/usr/share/snmp/mibs",
                "/usr/share/mibs"
            ]
        );
        assert_eq!(c.cache_dir, Some(PathBuf::from("/home/u/.cache/mibscope")));
    }

    #[test]
    fn plus_appends_minus_prepends_else_replaces() {
        let env = env_of(&[("HOME", "/h"), ("MIBDIRS", "+/opt/mibs")]);
        let c = MibConfig::resolve(None, None, &env);
        assert_eq!(
            dirs(&c),
            [
                "/h/.snmp/mibs",
                "/usr/share/snmp/mibs",
                "/usr/share/mibs",
                "/opt/mibs"
            ]
        );
        let c = MibConfig::resolve(None, Some("-/first:/second"), &env);
        assert_eq!(dirs(&c)[..3], ["/first", "/second", "/h/.snmp/mibs"]);
        assert_eq!(dirs(&c).last().unwrap(), "/opt/mibs");
        let c = MibConfig::resolve(None, Some("/only"), &env);
        assert_eq!(dirs(&c), ["/only"]);
        // An empty MIBDIRS searches no directory.
        let c = MibConfig::resolve(None, None, &env_of(&[("MIBDIRS", "")]));
        assert!(c.dirs.is_empty());
    }

    #[test]
    fn module_lists() {
        let env = env_of(&[("MIBS", "ALL")]);
        assert_eq!(
            MibConfig::resolve(None, None, &env).modules,
            ModuleSelection::All
        );
        // -m overrides MIBS.
        assert_eq!(
            MibConfig::resolve(Some("IF-MIB:CISCO-SMI"), None, &env).modules,
            ModuleSelection::Only(vec!["IF-MIB".into(), "CISCO-SMI".into()])
        );
        assert_eq!(
            MibConfig::resolve(Some("+CISCO-SMI"), None, &env).modules,
            ModuleSelection::Default {
                extra: vec!["CISCO-SMI".into()]
            }
        );
        assert_eq!(
            MibConfig::resolve(Some("+ALL"), None, &env).modules,
            ModuleSelection::All
        );
        assert_eq!(
            MibConfig::resolve(Some(""), None, &env).modules,
            ModuleSelection::Only(vec![])
        );
    }

    #[test]
    fn cache_dir_overrides() {
        let c = |pairs: &[(&str, &str)]| default_cache_dir(&env_of(pairs));
        assert_eq!(
            c(&[("MIBSCOPE_CACHE_DIR", "/c")]),
            Some(PathBuf::from("/c"))
        );
        assert_eq!(c(&[("MIBSCOPE_CACHE_DIR", ""), ("HOME", "/h")]), None);
        assert_eq!(
            c(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]),
            Some(PathBuf::from("/x/mibscope"))
        );
        assert_eq!(c(&[]), None);
    }
}
