//! Test harness: a real Net-SNMP snmpd started on 127.0.0.1 with a free port, the Net-SNMP
//! and mibscope binaries run as subprocesses, and walk outputs compared record by record.
//!
//! Under `CI=true` a missing Net-SNMP binary fails the test; elsewhere the test is skipped
//! with a message on stderr.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub mod agent;
pub mod corpus;
pub mod daemons;
pub mod side_by_side;
pub mod tmux;
pub mod traps;

pub const MIBSCOPE: &str = env!("CARGO_BIN_EXE_mibscope");

/// The longest any one command may run before the test fails.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// True when a required tool is missing and the test should be skipped: not on PATH, and
/// not under `CI=true`, where it is a failure (CI installs Debian's snmp and snmpd).
pub fn missing(tool: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
        || ["/usr/sbin", "/sbin"]
            .iter()
            .any(|d| Path::new(d).join(tool).is_file());
    if found {
        return false;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{tool} is not installed; CI must install Debian packages snmp and snmpd (see .ci/run)"
        );
    }
    eprintln!("skipping: {tool} is not installed (apt-get install snmp snmpd)");
    true
}

/// Runs `command` to completion with its output captured, killing it and failing the test
/// past `limit`: no test waits forever on a hung tool or a hung mibscope.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    // Net-SNMP's tools read and rewrite their persistent file (snmpapp.conf) at every run;
    // tools running at once in parallel tests then read each other's half-written files
    // ("buffer too small to read octet string" on stderr). Each run gets its own.
    let persist = private_persistent_dir(command);
    let started = Instant::now();
    let output = run_within(command, limit, started);
    if let Some(dir) = persist {
        let _ = std::fs::remove_dir_all(dir);
    }
    output
}

/// For a Net-SNMP tool not already given one, a fresh `SNMP_PERSISTENT_DIR`.
fn private_persistent_dir(command: &mut Command) -> Option<PathBuf> {
    let program = Path::new(command.get_program()).file_name()?.to_str()?;
    let is_net_snmp = program.starts_with("snmp") && program != "snmpd";
    let already = command.get_envs().any(|(k, _)| k == "SNMP_PERSISTENT_DIR");
    if !is_net_snmp || already {
        return None;
    }
    let dir = tempdir("persist");
    // Made beforehand, or the tool says "Created directory: ..." on stderr.
    let _ = std::fs::create_dir_all(dir.join("cert_indexes"));
    command.env("SNMP_PERSISTENT_DIR", &dir);
    Some(dir)
}

fn run_within(command: &mut Command, limit: Duration, started: Instant) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The engine ID the harness gives snmpd ("interop" under Net-SNMP's enterprise number).
pub const HARNESS_ENGINE_ID: &str = "0x80001F8804696E7465726F70";

pub struct Snmpd {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    conf: PathBuf,
}

/// SNMPv3 users of every level and algorithm, named as the shared test bed names them:
/// `noauth`, `<auth>` (authNoPriv), `<auth>-<priv>` (authPriv), passphrases
/// `<user>_authpass` / `<user>_privpass`.
pub const AUTHS: [(&str, &str); 6] = [
    ("md5", "MD5"),
    ("sha", "SHA"),
    ("sha224", "SHA-224"),
    ("sha256", "SHA-256"),
    ("sha384", "SHA-384"),
    ("sha512", "SHA-512"),
];
pub const PRIVS: [(&str, &str); 6] = [
    ("des", "DES"),
    ("aes", "AES"),
    ("aes192", "AES-192"),
    ("aes256", "AES-256"),
    ("aes192c", "AES-192-C"),
    ("aes256c", "AES-256-C"),
];

/// (user, level, auth protocol, priv protocol) for every test user.
pub fn v3_users() -> Vec<(
    String,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
)> {
    let mut users = vec![("noauth".to_string(), "noAuthNoPriv", None, None)];
    for (a, auth) in AUTHS {
        users.push((a.to_string(), "authNoPriv", Some(auth), None));
        for (p, privacy) in PRIVS {
            users.push((format!("{a}-{p}"), "authPriv", Some(auth), Some(privacy)));
        }
    }
    users
}

/// Net-SNMP's (and mibscope's) command-line options for a test user.
pub fn v3_args(user: &str) -> Vec<String> {
    let (name, level, auth, privacy) = v3_users()
        .into_iter()
        .find(|u| u.0 == user)
        .unwrap_or_else(|| panic!("no test user {user}"));
    let mut args = vec![
        "-v3".to_string(),
        "-u".into(),
        name.clone(),
        "-l".into(),
        level.into(),
    ];
    if let Some(a) = auth {
        args.extend([
            "-a".into(),
            a.into(),
            "-A".into(),
            format!("{name}_authpass"),
        ]);
    }
    if let Some(p) = privacy {
        args.extend([
            "-x".into(),
            p.into(),
            "-X".into(),
            format!("{name}_privpass"),
        ]);
    }
    args
}

/// snmpd.conf lines creating every test user with read-write access.
pub fn v3_user_config() -> String {
    let mut conf = String::new();
    for (name, level, auth, privacy) in v3_users() {
        let mut line = format!("createUser {name}");
        if let Some(a) = auth {
            line.push_str(&format!(" {a} {name}_authpass"));
        }
        if let Some(p) = privacy {
            line.push_str(&format!(" {p} {name}_privpass"));
        }
        let min = match level {
            "noAuthNoPriv" => "noauth",
            "authNoPriv" => "auth",
            _ => "priv",
        };
        conf.push_str(&format!("{line}\nrwuser {name} {min}\n"));
    }
    conf
}

impl Snmpd {
    /// Starts snmpd with communities `public` (read-only) and `private` (read-write), and
    /// writable sysContact/sysName/sysLocation. `None` when snmpd is missing outside CI.
    pub fn start(extra_config: &str) -> Option<Snmpd> {
        Self::start_on(extra_config, false)
    }

    /// As `start`, also listening on [::1] at the same port.
    pub fn start_with_ipv6() -> Option<Snmpd> {
        Self::start_on("rocommunity6 public ::1", true)
    }

    fn start_on(extra_config: &str, ipv6: bool) -> Option<Snmpd> {
        if missing("snmpd") || missing("snmpget") {
            return None;
        }
        let dir = tempdir("snmpd");
        std::fs::create_dir_all(dir.join("persist")).unwrap();
        for attempt in 0..5 {
            let port = free_udp_port();
            let conf = dir.join("snmpd.conf");
            std::fs::write(
                &conf,
                format!(
                    "agentaddress udp:127.0.0.1:{port}{v6}\n\
                     exactEngineID {HARNESS_ENGINE_ID}\n\
                     rocommunity public 127.0.0.1\n\
                     rwcommunity private 127.0.0.1\n\
                     rocommunity sysonly 127.0.0.1 .1.3.6.1.2.1.1\n\
                     psyscontact original contact\n\
                     psyslocation original location\n\
                     psysname interop-agent\n\
                     {extra_config}\n",
                    v6 = if ipv6 {
                        format!(",udp6:[::1]:{port}")
                    } else {
                        String::new()
                    }
                ),
            )
            .unwrap();
            let child = spawn_snmpd(&dir, &conf);
            let mut agent = Snmpd {
                child,
                port,
                dir: dir.clone(),
                conf: conf.clone(),
            };
            if agent.wait_ready() {
                return Some(agent);
            }
            let _ = agent.child.kill();
            eprintln!("snmpd did not come up on port {port} (attempt {attempt}), retrying");
        }
        panic!(
            "snmpd would not start; see {}",
            dir.join("snmpd.log").display()
        );
    }

    /// Stops and starts snmpd again on the same port with the same persistent store, as a
    /// reboot does: its snmpEngineBoots grows by one.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn_snmpd(&self.dir, &self.conf);
        assert!(
            self.wait_ready(),
            "snmpd did not come back; see {}",
            self.dir.join("snmpd.log").display()
        );
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let out = net_snmp(
                "snmpget",
                &[
                    "-v2c",
                    "-c",
                    "public",
                    "-t",
                    "0.3",
                    "-r",
                    "0",
                    &self.agent(),
                    ".1.3.6.1.2.1.1.5.0",
                ],
            );
            if out.status.success() {
                return true;
            }
        }
        false
    }

    pub fn agent(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

fn spawn_snmpd(dir: &Path, conf: &Path) -> Child {
    Command::new("snmpd")
        .args(["-f", "-C", "-c"])
        .arg(conf)
        .args(["-m", "", "-M", "/dev/null", "-Lf"])
        .arg(dir.join("snmpd.log"))
        .arg("-p")
        .arg(dir.join("snmpd.pid"))
        .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmpd")
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn tempdir(tag: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mibscope-test-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a Net-SNMP tool with no MIBs and numeric OIDs.
pub fn net_snmp(tool: &str, args: &[&str]) -> Output {
    output_within(
        Command::new(tool)
            .args(["-m", "", "-M", "/dev/null", "-On"])
            .args(args),
        COMMAND_LIMIT,
    )
}

/// Runs a mibscope subcommand as `net_snmp` runs Net-SNMP's tools: no MIBs, numeric OIDs
/// (`-m '' -On` after the subcommand).
pub fn mibscope_numeric(args: &[&str]) -> Output {
    let mut full = vec![args[0], "-m", "", "-On"];
    full.extend_from_slice(&args[1..]);
    mibscope(&full)
}

/// Runs the mibscope binary.
pub fn mibscope(args: &[&str]) -> Output {
    output_within(Command::new(MIBSCOPE).args(args), COMMAND_LIMIT)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Splits walk output into records keyed by OID; a value that spans lines (Hex-STRING,
/// strings with newlines) stays one record.
pub fn records(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        // ".1.3.6... = " numeric, "MODULE::name.index = " named.
        let starts_record = line.split_once(" = ").is_some_and(|(key, _)| {
            !key.contains(' ') && (key.starts_with('.') || key.contains("::"))
        });
        if starts_record {
            if let Some((k, v)) = current.take() {
                out.insert(k, v);
            }
            let (oid, value) = line.split_once(" = ").unwrap();
            current = Some((oid.to_string(), value.to_string()));
        } else if let Some((_, v)) = current.as_mut() {
            v.push('\n');
            v.push_str(line);
        }
    }
    if let Some((k, v)) = current {
        out.insert(k, v);
    }
    out
}

/// Subtrees of live host figures whose values move between walks whatever their type:
/// UCD memory, disks, load averages, CPU statistics and build date (.1.3.6.1.4.1.2021.4, .9,
/// .10, .11, .100), hrSystem (date, processes), hrStorage use, hrProcessorLoad,
/// snmpEngineTime, and Net-SNMP's own cache states (nsCacheTable, .1.3.6.1.4.1.8072.1.5). Their OIDs are compared; their values by type only.
pub const MOVING: &[&str] = &[
    "UCD-SNMP-MIB::mem",
    "UCD-SNMP-MIB::dsk",
    "UCD-SNMP-MIB::la",
    "UCD-SNMP-MIB::ss",
    "UCD-SNMP-MIB::version",
    "HOST-RESOURCES-MIB::hrSystem",
    "HOST-RESOURCES-MIB::hrStorage",
    "HOST-RESOURCES-MIB::hrProcessorLoad",
    "SNMP-FRAMEWORK-MIB::snmpEngineTime",
    "NET-SNMP-AGENT-MIB::nsCache",
    ".1.3.6.1.4.1.8072.1.5",
    ".1.3.6.1.4.1.2021.4",
    ".1.3.6.1.4.1.2021.9",
    ".1.3.6.1.4.1.2021.10",
    ".1.3.6.1.4.1.2021.11",
    ".1.3.6.1.4.1.2021.100",
    ".1.3.6.1.2.1.25.1",
    ".1.3.6.1.2.1.25.2",
    ".1.3.6.1.2.1.25.3.3",
    ".1.3.6.1.6.3.10.2.1.3",
];

/// True when `oid` lies under one of `prefixes`: numeric ones (`.1.3.6.1.2.1.7.5`) match
/// whole arcs, named ones (`UDP-MIB::udpLocal`) match as text.
pub fn under(oid: &str, prefixes: &[&str]) -> bool {
    prefixes
        .iter()
        .any(|p| oid.starts_with(p) && (p.contains("::") || oid[p.len()..].starts_with('.')))
}

/// Values that move between two walks of a live agent: counters, gauges, clocks.
pub fn is_volatile_value(value: &str) -> bool {
    ["Counter32: ", "Counter64: ", "Timeticks: ", "Gauge32: "]
        .iter()
        .any(|p| value.starts_with(p))
}

/// Compares our walk against two Net-SNMP walks taken before and after it. Every record
/// both Net-SNMP walks agree on must appear in ours with the same value (values of
/// counters, gauges and clocks only need the same type); every OID we print must appear in
/// one of theirs. OIDs under `churn` (tables of sockets and processes that change from walk
/// to walk) are left out. Returns the number of records compared.
pub fn assert_walks_agree(ours: &str, before: &str, after: &str, churn: &[&str]) -> usize {
    let in_churn = |oid: &str| under(oid, churn);
    let (ours, before, after) = (records(ours), records(before), records(after));
    assert!(
        before.len() > 10,
        "Net-SNMP walk returned only {} records",
        before.len()
    );
    let type_of = |v: &str| v.split(": ").next().unwrap_or("").to_string();
    let mut problems = Vec::new();
    let mut compared = 0;
    for (oid, first) in &before {
        // A row present in only one of their walks came or went meanwhile.
        let Some(second) = after.get(oid) else {
            continue;
        };
        if in_churn(oid) {
            continue;
        }
        let Some(mine) = ours.get(oid) else {
            problems.push(format!("missing {oid} = {first}"));
            continue;
        };
        compared += 1;
        // Exact where their two walks agree on a value that does not move by nature.
        let exact = first == second && !is_volatile_value(first) && !under(oid, MOVING);
        let same = if exact {
            mine == first
        } else {
            type_of(mine) == type_of(first)
        };
        if !same {
            problems.push(format!("{oid}\n   ours: {mine}\n theirs: {first}"));
        }
    }
    let known: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for oid in ours.keys() {
        if !in_churn(oid) && !known.contains(oid) {
            problems.push(format!("extra {oid} = {}", ours[oid]));
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences (of {compared} compared), first ones:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    compared
}
