//! For the trap tests: the `mibscope traps` daemon as a subprocess on a free loopback port
//! (its stderr read line by line), signals sent with kill(1), JSON lines read back, and a
//! reference snmptrapd started with a generated configuration.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{MIBSCOPE, free_udp_port, tempdir};

/// The trap sender engine id of the shared test bed's `send-traps` ("tb-traps").
pub const SENDER_ENGINE_ID: &str = "0x80001F880474622D7472617073";
/// A second sender engine ("other-sender").
pub const OTHER_ENGINE_ID: &str = "0x80001F88046F746865722D73656E646572";
/// The receiver engine id the tests give mibscope traps ("rx-under-test").
pub const RECEIVER_ENGINE_ID: &str = "0x80001F880472782D756E6465722D74657374";

/// A running `mibscope traps`.
pub struct Daemon {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    stderr: mpsc::Receiver<String>,
    pub stderr_lines: Vec<String>,
}

/// What the daemon left behind after it stopped.
pub struct Stopped {
    pub stdout: String,
    pub stderr: Vec<String>,
    pub status: Option<i32>,
}

impl Daemon {
    /// Starts `mibscope traps --listen 127.0.0.1:0 --state-file DIR/state ARGS` and waits
    /// until it listens; stdout goes to DIR/stdout.
    pub fn start(args: &[&str]) -> Daemon {
        Daemon::start_in(tempdir("traps"), args)
    }

    /// `start` in a given directory: a restart keeps the state file (DIR/stdout starts
    /// afresh).
    pub fn start_in(dir: PathBuf, args: &[&str]) -> Daemon {
        let stdout = std::fs::File::create(dir.join("stdout")).unwrap();
        let mut child = Command::new(MIBSCOPE)
            .arg("traps")
            .args(["--listen", "127.0.0.1:0", "--state-file"])
            .arg(dir.join("state"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mibscope traps");
        let err = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut d = Daemon {
            child: Some(child),
            port: 0,
            dir,
            stderr: rx,
            stderr_lines: Vec::new(),
        };
        let line = d
            .wait_for_stderr("listening on udp:127.0.0.1:", Duration::from_secs(30))
            .unwrap_or_else(|| panic!("the daemon did not start: {:?}", d.stderr_lines));
        let port = line
            .split("udp:127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .expect("a port in the listening line");
        d.port = port;
        d
    }

    pub fn target(&self) -> String {
        format!("udp:127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// The first stderr line (from now on, or already seen) containing `needle`.
    pub fn wait_for_stderr(&mut self, needle: &str, limit: Duration) -> Option<String> {
        if let Some(l) = self.stderr_lines.iter().find(|l| l.contains(needle)) {
            return Some(l.clone());
        }
        let deadline = Instant::now() + limit;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    self.stderr_lines.push(line.clone());
                    if hit {
                        return Some(line);
                    }
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// SIGTERM, then waits (bounded) for the exit.
    pub fn stop(mut self) -> Stopped {
        self.signal("TERM");
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the daemon did not stop within 30 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(500)) {
            self.stderr_lines.push(line);
        }
        Stopped {
            stdout: std::fs::read_to_string(self.dir.join("stdout")).unwrap_or_default(),
            stderr: std::mem::take(&mut self.stderr_lines),
            status: status.code(),
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A sender's options for SNMPv3 authPriv with SHA and AES-128 as `user` with these pass
/// phrases (`-v3 -u USER -l authPriv -a SHA -A AUTH -x AES -X PRIV`), for Net-SNMP's tools
/// and mibscope alike.
pub fn sha_aes_args(user: &str, auth: &str, privacy: &str) -> Vec<String> {
    [
        "-v3", "-u", user, "-l", "authPriv", "-a", "SHA", "-A", auth, "-x", "AES", "-X", privacy,
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

/// Runs `mibscope ARGS` (a sender) with its state directory in `state_home`
/// (XDG_STATE_HOME), not the user's.
pub fn mibscope_sender(state_home: &Path, args: &[&str]) -> std::process::Output {
    super::output_within(
        Command::new(MIBSCOPE)
            .args(args)
            .env("XDG_STATE_HOME", state_home)
            .env_remove("STATE_DIRECTORY"),
        super::COMMAND_LIMIT,
    )
}

/// Polls until `f` holds, failing the test past `limit`.
pub fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The JSON objects of a stream, by `kind`.
pub fn json_lines(text: &str, kind: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == kind)
        .collect()
}

/// The last stats line of a JSON stream.
pub fn final_stats(text: &str) -> serde_json::Value {
    json_lines(text, "stats")
        .pop()
        .expect("a stats line at the end of the JSON stream")
}

/// Writes a config file (mode 600) and returns its path.
pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("traps.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

/// A reference snmptrapd on a free port with `conf` (its snmpTrapdAddr is added), logging
/// one line per notification ("V1 ..." / "V2 ...") to DIR/traps.log.
pub struct Snmptrapd {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Snmptrapd {
    pub fn start(conf: &str) -> Snmptrapd {
        let dir = tempdir("snmptrapd");
        std::fs::create_dir_all(dir.join("persist")).unwrap();
        for _ in 0..5 {
            let port = free_udp_port();
            let conf_path = dir.join("snmptrapd.conf");
            std::fs::write(
                &conf_path,
                format!(
                    "snmpTrapdAddr udp:127.0.0.1:{port}\ndoNotRetainNotificationLogs yes\n{conf}\n\
                     format print1 V1 %b %P enterprise=%N agent=%a generic=%w specific=%q vars:%V| %v\\n\n\
                     format print2 V2 %b %P vars:%V| %v\\n\n"
                ),
            )
            .unwrap();
            let log = dir.join("traps.log");
            let _ = std::fs::write(&log, "");
            let child = Command::new("snmptrapd")
                .args(["-f", "-C", "-c"])
                .arg(&conf_path)
                .args(["-m", "", "-M", "/dev/null", "-On", "-Lf"])
                .arg(&log)
                .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
                .env("MIBS", "")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start snmptrapd");
            let mut t = Snmptrapd {
                child,
                port,
                dir: dir.clone(),
            };
            // Ready once it logs its version line.
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = t.child.try_wait() {
                    break;
                }
                if std::fs::read_to_string(&log).is_ok_and(|l| l.contains("NET-SNMP version")) {
                    return t;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = t.child.kill();
            let _ = t.child.wait();
        }
        panic!("snmptrapd would not start; see {}", dir.display());
    }

    pub fn target(&self) -> String {
        format!("udp:127.0.0.1:{}", self.port)
    }

    /// Waits until the log holds `n` notification lines, then returns them.
    pub fn wait_for_lines(&self, n: usize, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        loop {
            let lines: Vec<String> = std::fs::read_to_string(self.dir.join("traps.log"))
                .unwrap_or_default()
                .lines()
                .filter(|l| l.starts_with("V1 ") || l.starts_with("V2 "))
                .map(str::to_string)
                .collect();
            if lines.len() >= n || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Snmptrapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
