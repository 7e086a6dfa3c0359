//! Net-SNMP's client configuration files (snmp.conf(5)): the `def*` defaults that let
//! passphrases stay off the command line, read from the same places Net-SNMP reads them
//! (`$SNMPCONFPATH`, else /etc/snmp, /usr/share/snmp, ~/.snmp; `snmp.conf` then
//! `snmp.local.conf` in each, later files overriding earlier ones).

use std::path::{Path, PathBuf};

/// One directive as read.
#[derive(Clone, Debug)]
struct Entry {
    /// The directive name, lowercased (Net-SNMP matches them case-insensitively).
    key: String,
    value: String,
}

/// The directives of every snmp.conf found, in reading order.
#[derive(Clone, Debug, Default)]
pub struct SnmpConf {
    entries: Vec<Entry>,
    /// Files holding secrets that others can read: (path, mode).
    pub exposed: Vec<(PathBuf, u32)>,
}

/// Directives whose values are secrets.
const SECRET_KEYS: [&str; 7] = [
    "defpassphrase",
    "defauthpassphrase",
    "defprivpassphrase",
    "defauthmasterkey",
    "defprivmasterkey",
    "defauthlocalizedkey",
    "defprivlocalizedkey",
];

impl SnmpConf {
    /// Reads the files Net-SNMP would read for this user.
    pub fn load() -> SnmpConf {
        let dirs: Vec<PathBuf> = match std::env::var_os("SNMPCONFPATH") {
            Some(p) => std::env::split_paths(&p).collect(),
            None => {
                let mut d = vec![PathBuf::from("/etc/snmp"), PathBuf::from("/usr/share/snmp")];
                if let Some(home) = std::env::var_os("HOME") {
                    d.push(Path::new(&home).join(".snmp"));
                }
                d
            }
        };
        let mut conf = SnmpConf::default();
        for dir in dirs {
            for name in ["snmp.conf", "snmp.local.conf"] {
                let path = dir.join(name);
                if let Ok(text) = std::fs::read_to_string(&path) {
                    conf.read(&path, &text);
                }
            }
        }
        conf
    }

    /// Adds the directives of one file.
    pub fn read(&mut self, path: &Path, text: &str) {
        let mut has_secret = false;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = match line.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v.trim()),
                None => (line, ""),
            };
            let key = key.to_ascii_lowercase();
            has_secret |= SECRET_KEYS.contains(&key.as_str());
            self.entries.push(Entry {
                key,
                value: value.to_string(),
            });
        }
        if has_secret {
            if let Some(mode) = others_can_read(path) {
                self.exposed.push((path.to_path_buf(), mode));
            }
        }
    }

    /// The last value given for `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = key.to_ascii_lowercase();
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }
}

/// The file's permission bits when others (group or world) can read it.
#[cfg(unix)]
pub(crate) fn others_can_read(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub(crate) fn others_can_read(_: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_directives_win_and_keys_are_case_insensitive() {
        let mut c = SnmpConf::default();
        c.read(
            Path::new("/nonexistent/a"),
            "# comment\ndefVersion 2c\ndefSecurityName alice\n",
        );
        c.read(
            Path::new("/nonexistent/b"),
            "DEFSECURITYNAME  bob \n  defAuthType SHA-256\n",
        );
        assert_eq!(c.get("defversion"), Some("2c"));
        assert_eq!(c.get("defSecurityName"), Some("bob"));
        assert_eq!(c.get("defauthtype"), Some("SHA-256"));
        assert_eq!(c.get("defPrivType"), None);
    }

    #[test]
    fn files_with_secrets_readable_by_others_are_flagged() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("mibscope-snmpconf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("snmp.conf");
        std::fs::write(&path, "defAuthPassphrase secret-pass\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut c = SnmpConf::default();
        c.read(&path, &std::fs::read_to_string(&path).unwrap());
        assert_eq!(c.exposed, vec![(path.clone(), 0o644)]);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut c = SnmpConf::default();
        c.read(&path, "defAuthPassphrase secret-pass\n");
        assert!(c.exposed.is_empty());
        // No secret, no warning.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut c = SnmpConf::default();
        c.read(&path, "defVersion 3\n");
        assert!(c.exposed.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
