//! Long-running peers for the exporter and poller tests: `mibscope exporter`, Prometheus's
//! snmp_exporter and a real Prometheus server, each on a free 127.0.0.1 port and killed
//! when dropped; and a small HTTP/1.1 client (status and body, chunked or not).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed (and its directory removed) when dropped.
pub struct Daemon {
    pub child: Child,
    pub addr: SocketAddr,
    pub dir: Option<PathBuf>,
    pub stderr: PathBuf,
}

impl Daemon {
    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        let _ = std::fs::remove_file(&self.stderr);
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Http {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// GET `path` from `addr` with extra headers; `None` when nothing answers.
pub fn http_get(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    limit: Duration,
) -> Option<Http> {
    http(addr, "GET", path, headers, limit)
}

pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    limit: Duration,
) -> Option<Http> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(limit)).ok()?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).ok()?;
    let status: u16 = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).ok()?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        reader.read_to_end(&mut body).ok()?;
    }
    Some(Http {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Polls `path` until it answers 200, or panics after `limit` with `daemon`'s stderr.
fn wait_http(daemon: &mut Daemon, path: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = daemon.child.try_wait() {
            panic!("{path}: the daemon exited ({status}): {}", daemon.stderr());
        }
        if http_get(daemon.addr, path, &[], Duration::from_secs(2)).is_some_and(|r| r.status == 200)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{} did not answer {path} within {limit:?}: {}",
        daemon.addr,
        daemon.stderr()
    );
}

fn stderr_file(tag: &str) -> PathBuf {
    super::tempdir(tag).join("stderr")
}

/// `mibscope exporter --listen 127.0.0.1:0 --config CONFIG ARGS`, once it listens.
pub fn start_exporter(config: &Path, args: &[&str]) -> Daemon {
    let stderr = stderr_file("exporter");
    let mut child = Command::new(super::MIBSCOPE)
        .arg("exporter")
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(config)
        .args(args)
        .env("MIBSCOPE_CACHE_DIR", "")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start mibscope exporter");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = tx.send(first);
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok());
    let Some(addr) = addr else {
        let _ = child.kill();
        panic!(
            "mibscope exporter did not say where it listens: {line:?} {}",
            std::fs::read_to_string(&stderr).unwrap_or_default()
        );
    };
    Daemon {
        child,
        addr,
        dir: None,
        stderr,
    }
}

/// Prometheus's snmp_exporter serving `snmp_yml`; `None` when it is not installed
/// outside CI.
pub fn start_snmp_exporter(snmp_yml: &Path) -> Option<Daemon> {
    if super::missing("prometheus-snmp-exporter") {
        return None;
    }
    let port = free_tcp_port();
    let stderr = stderr_file("snmp-exporter");
    let child = Command::new("prometheus-snmp-exporter")
        .arg(format!("--config.file={}", snmp_yml.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start prometheus-snmp-exporter");
    let mut d = Daemon {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        dir: None,
        stderr,
    };
    wait_http(&mut d, "/", Duration::from_secs(20));
    Some(d)
}

/// A Prometheus server with `scrape_configs` (YAML, indented as under the key); `None`
/// when it is not installed outside CI.
pub fn start_prometheus(scrape_configs: &str) -> Option<Daemon> {
    if super::missing("prometheus") {
        return None;
    }
    let dir = super::tempdir("prometheus");
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n{scrape_configs}"),
    )
    .unwrap();
    let port = free_tcp_port();
    let stderr = dir.join("stderr");
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start prometheus");
    let mut d = Daemon {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        dir: Some(dir),
        stderr,
    };
    wait_http(&mut d, "/-/ready", Duration::from_secs(30));
    Some(d)
}

/// Runs `generator` (snmp_exporter's, from `prometheus-snmp-generator`) on `generator_yml`
/// with the MIBs of `mib_dir`; the path of the snmp.yml it wrote.
pub fn generate_snmp_yml(generator_yml: &Path, mib_dir: &Path) -> Option<PathBuf> {
    if super::missing("prometheus-snmp-generator") {
        return None;
    }
    let dir = super::tempdir("generator");
    std::fs::copy(generator_yml, dir.join("generator.yml")).unwrap();
    let out = super::output_within(
        Command::new("prometheus-snmp-generator")
            .arg("generate")
            .env("MIBDIRS", mib_dir)
            .current_dir(&dir),
        super::COMMAND_LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(dir.join("snmp.yml"))
}
