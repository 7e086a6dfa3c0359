//! The exporter's HTTP face (hyper, HTTP/1.1): Prometheus's multi-target pattern as
//! snmp_exporter serves it.
//!
//! - `GET /snmp?target=AGENT&module=a,b&auth=NAME[&snmp_context=C]`: the modules' series;
//!   `module` defaults to `if_mib`, `auth` to the module's own 0.21-style credentials, else
//!   `public_v2`; the scrape ends before `X-Prometheus-Scrape-Timeout-Seconds` runs out;
//! - `GET /metrics`: the exporter's own metrics (snmp_exporter's names);
//! - `GET /`: a landing page; `GET /config`: the modules compiled; `GET /-/healthy`;
//!   `POST /-/reload` (and SIGHUP): read the configuration again.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use prometheus::{Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntGauge, Registry};

use super::compile::{self, MibIndex, Module};
use super::config::GeneratorConfig;
use super::scrape::{self, ModuleResult, ScrapeOutcome};
use crate::fleet::{Pool, join_all};
use crate::mib::Mib;
use crate::mib_handle::MibHandle;
use crate::proto::engine::{Security, Target};

/// The compiled configuration a scrape uses; replaced whole on reload.
pub struct Compiled {
    pub modules: HashMap<String, Arc<Module>>,
    pub auths: BTreeMap<String, Security>,
    /// Module-level credentials of 0.21-style modules, by module name.
    pub module_auths: HashMap<String, Security>,
    pub warnings: Vec<String>,
}

/// Why the configuration cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Config(#[from] super::config::ConfigError),
    #[error(transparent)]
    Compile(#[from] compile::CompileError),
    #[error("reloading stopped: {0}")]
    Panicked(String),
    #[error("auths.{name}: {error}")]
    Auth {
        name: String,
        error: crate::session::SessionError,
    },
}

/// Reads `generator.yml` and compiles every module against `mib`.
pub fn load(path: &std::path::Path, mib: &Mib) -> Result<Compiled, LoadError> {
    let config = GeneratorConfig::load(path)?;
    let index = MibIndex::new(mib);
    let mut modules = HashMap::new();
    let mut module_auths = HashMap::new();
    let mut warnings = Vec::new();
    for (name, cfg) in &config.modules {
        let mut w = Vec::new();
        let module = compile::compile_module(&index, name, cfg, &mut w)?;
        warnings.extend(w.into_iter().map(|w| w.0));
        if let Some(auth) = &module.legacy_auth {
            let security = scrape::security(auth).map_err(|error| LoadError::Auth {
                name: format!("(module {name})"),
                error,
            })?;
            module_auths.insert(name.clone(), security);
        }
        modules.insert(name.clone(), Arc::new(module));
    }
    let mut auths = BTreeMap::new();
    for (name, auth) in config.auths() {
        let security = scrape::security(&auth).map_err(|error| LoadError::Auth {
            name: name.clone(),
            error,
        })?;
        auths.insert(name, security);
    }
    Ok(Compiled {
        modules,
        auths,
        module_auths,
        warnings,
    })
}

/// The exporter's own metrics, with snmp_exporter's names.
pub struct ExporterMetrics {
    registry: Registry,
    request_errors: IntCounter,
    collection_duration: HistogramVec,
    packets: IntCounter,
    retries: IntCounter,
    in_flight: IntGauge,
    incomplete: IntCounter,
    scrape_duration: Histogram,
}

impl ExporterMetrics {
    fn new() -> ExporterMetrics {
        let registry = Registry::new();
        let request_errors = IntCounter::new(
            "snmp_request_errors_total",
            "Errors in requests to the SNMP exporter",
        )
        .expect("valid metric");
        let collection_duration = HistogramVec::new(
            HistogramOpts::new(
                "snmp_collection_duration_seconds",
                "Duration of collections by the SNMP exporter",
            ),
            &["module"],
        )
        .expect("valid metric");
        let packets = IntCounter::new(
            "snmp_packets_total",
            "Number of SNMP packet sent, including retries.",
        )
        .expect("valid metric");
        let retries = IntCounter::new(
            "snmp_packet_retries_total",
            "Number of SNMP packet retries.",
        )
        .expect("valid metric");
        let in_flight = IntGauge::new(
            "snmp_request_in_flight",
            "Current number of SNMP scrapes being requested.",
        )
        .expect("valid metric");
        let incomplete = IntCounter::new(
            "snmp_scrapes_incomplete_total",
            "Scrapes answered with what had arrived when the scrape deadline came.",
        )
        .expect("valid metric");
        let scrape_duration = Histogram::with_opts(HistogramOpts::new(
            "snmp_scrape_request_duration_seconds",
            "Duration of /snmp requests, from the request to the last byte computed.",
        ))
        .expect("valid metric");
        for c in [&request_errors, &packets, &retries, &incomplete] {
            let _ = registry.register(Box::new(c.clone()));
        }
        let _ = registry.register(Box::new(collection_duration.clone()));
        let _ = registry.register(Box::new(in_flight.clone()));
        let _ = registry.register(Box::new(scrape_duration.clone()));
        ExporterMetrics {
            registry,
            request_errors,
            collection_duration,
            packets,
            retries,
            in_flight,
            incomplete,
            scrape_duration,
        }
    }
}

/// Everything a request handler needs.
pub struct Exporter {
    pub config_path: PathBuf,
    /// The MIB the modules are compiled from; a reload reads the MIB files again too.
    pub mib: Arc<MibHandle>,
    pub compiled: RwLock<Arc<Compiled>>,
    pub pool: Pool,
    pub metrics: ExporterMetrics,
    /// The scrape budget when Prometheus sends no timeout header.
    pub default_timeout: Duration,
    pub started: Instant,
}

impl Exporter {
    pub fn new(
        config_path: PathBuf,
        mib: Arc<MibHandle>,
        compiled: Compiled,
        pool: Pool,
        default_timeout: Duration,
    ) -> Arc<Exporter> {
        Arc::new(Exporter {
            config_path,
            mib,
            compiled: RwLock::new(Arc::new(compiled)),
            pool,
            metrics: ExporterMetrics::new(),
            default_timeout,
            started: Instant::now(),
        })
    }

    fn compiled(&self) -> Arc<Compiled> {
        Arc::clone(
            &self
                .compiled
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Reads the MIB files and the configuration again; the old ones stay in force if
    /// the new configuration fails. Blocks (MIB compilation): call it off the runtime.
    pub fn reload(&self) -> Result<usize, LoadError> {
        let loaded = self.mib.reload();
        let compiled = load(&self.config_path, &loaded.mib)?;
        let n = compiled.modules.len();
        *self
            .compiled
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(compiled);
        Ok(n)
    }
}

/// Serves on `listener` until the process ends.
pub async fn serve(exporter: Arc<Exporter>, listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let exporter = Arc::clone(&exporter);
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let service = hyper::service::service_fn(move |req| {
                let exporter = Arc::clone(&exporter);
                async move { Ok::<_, Infallible>(handle(&exporter, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Routes one request.
pub async fn handle(exporter: &Arc<Exporter>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    match (req.method(), path.as_str()) {
        (&Method::GET, "/snmp") => probe(exporter, &req).await,
        (&Method::GET, "/metrics") => {
            let mut out = Vec::new();
            let _ = prometheus::TextEncoder::new()
                .encode(&exporter.metrics.registry.gather(), &mut out);
            let mut r = text(StatusCode::OK, out);
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(super::exposition::CONTENT_TYPE),
            );
            r
        }
        (&Method::GET, "/") => {
            let mut r = text(StatusCode::OK, landing_page(exporter));
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        (&Method::GET, "/config") => text(StatusCode::OK, describe(&exporter.compiled())),
        (&Method::GET, "/-/healthy") => text(StatusCode::OK, "Healthy"),
        (&Method::POST, "/-/reload") => match reload_off_runtime(exporter).await {
            Ok(n) => text(StatusCode::OK, format!("reloaded: {n} modules\n")),
            Err(e) => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to reload config: {e}\n"),
            ),
        },
        (_, "/-/reload") => text(StatusCode::BAD_REQUEST, "POST method expected\n"),
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: try /, /snmp or /metrics\n",
        ),
    }
}

/// Reloads on a blocking thread (MIB compilation must not stall the runtime).
async fn reload_off_runtime(exporter: &Arc<Exporter>) -> Result<usize, LoadError> {
    let e = Arc::clone(exporter);
    tokio::task::spawn_blocking(move || e.reload())
        .await
        .unwrap_or_else(|e| Err(LoadError::Panicked(e.to_string())))
}

/// `a%20b+c` to `a b c`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters, each name with all its values in order.
fn query(req: &Request<Incoming>) -> HashMap<String, Vec<String>> {
    let mut params: HashMap<String, Vec<String>> = HashMap::new();
    for pair in req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params
            .entry(percent_decode(k))
            .or_default()
            .push(percent_decode(v));
    }
    params
}

/// The scrape budget: Prometheus's timeout less a margin for the answer to travel.
fn deadline(exporter: &Exporter, req: &Request<Incoming>, now: Instant) -> Instant {
    let header = req
        .headers()
        .get("X-Prometheus-Scrape-Timeout-Seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
        .map(Duration::from_secs_f64);
    let budget = match header {
        Some(t) => t.saturating_sub((t / 10).min(Duration::from_millis(500))),
        None => exporter.default_timeout,
    };
    now + budget
}

async fn probe(exporter: &Exporter, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let m = &exporter.metrics;
    let bad = |msg: String| {
        m.request_errors.inc();
        text(StatusCode::BAD_REQUEST, format!("{msg}\n"))
    };
    let params = query(req);
    let one = |name: &str| -> Result<Option<String>, String> {
        match params.get(name).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([v]) => Ok(Some(v.clone())),
            Some(_) => Err(format!("'{name}' parameter must only be specified once")),
        }
    };
    let target = match one("target") {
        Ok(Some(t)) if !t.is_empty() => t,
        Ok(_) => return bad("'target' parameter must be specified once".into()),
        Err(e) => return bad(e),
    };
    let auth_name = match one("auth") {
        Ok(a) => a.filter(|a| !a.is_empty()),
        Err(e) => return bad(e),
    };
    let context = match one("snmp_context") {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let mut modules: Vec<String> = Vec::new();
    for list in params
        .get("module")
        .cloned()
        .unwrap_or_else(|| vec!["if_mib".into()])
    {
        for name in list.split(',').filter(|n| !n.is_empty()) {
            if !modules.iter().any(|m| m == name) {
                modules.push(name.to_string());
            }
        }
    }
    if modules.is_empty() {
        return bad("'module' parameter must contain at least one module name".into());
    }
    let compiled = exporter.compiled();
    let mut chosen = Vec::new();
    for name in &modules {
        let Some(module) = compiled.modules.get(name) else {
            return bad(format!("Unknown module '{name}'"));
        };
        let security = match &auth_name {
            Some(a) => match compiled.auths.get(a) {
                Some(s) => s.clone(),
                None => return bad(format!("Unknown auth '{a}'")),
            },
            None => match compiled.module_auths.get(name) {
                Some(s) => s.clone(),
                None => compiled.auths["public_v2"].clone(),
            },
        };
        chosen.push((Arc::clone(module), security));
    }
    let addr = match resolve(&target).await {
        Ok(a) => a,
        Err(e) => return bad(e),
    };
    let deadline = deadline(exporter, req, started);
    m.in_flight.inc();
    let fetches: Vec<_> = chosen
        .iter()
        .map(|(module, security)| {
            let security = with_context(security, context.as_deref());
            let target = Arc::new(Target {
                addr,
                security,
                timeout: module.params.timeout,
                retries: module.params.retries,
            });
            let pool = &exporter.pool;
            Box::pin(async move { scrape::fetch_module(pool, &target, module, deadline).await })
                as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send + '_>>
        })
        .collect();
    let fetched: Vec<scrape::ModuleFetch> = join_all(fetches).await;
    m.in_flight.dec();
    let results: Vec<ModuleResult<'_>> = chosen
        .iter()
        .zip(fetched)
        .map(|((module, _), fetch)| {
            m.collection_duration
                .with_label_values(&[module.name.as_str()])
                .observe(fetch.duration.as_secs_f64());
            m.packets.inc_by(fetch.counters.packets);
            m.retries.inc_by(fetch.counters.retries);
            ModuleResult {
                module: module.as_ref(),
                fetch,
            }
        })
        .collect();
    let outcome = scrape::render(&results, started);
    m.scrape_duration.observe(started.elapsed().as_secs_f64());
    match outcome {
        ScrapeOutcome::Body {
            text: body,
            incomplete,
        } => {
            if incomplete {
                m.incomplete.inc();
            }
            let mut r = text(StatusCode::OK, body);
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(super::exposition::CONTENT_TYPE),
            );
            r
        }
        ScrapeOutcome::Failed(reason) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("An error has occurred while serving metrics:\n\n{reason}\n"),
        ),
    }
}

/// The credentials with `snmp_context` as the SNMPv3 context name.
fn with_context(security: &Security, context: Option<&str>) -> Security {
    match (security, context) {
        (Security::Usm(usm), Some(c)) => Security::Usm(Arc::new(crate::proto::engine::UsmTarget {
            credentials: Arc::clone(&usm.credentials),
            level: usm.level,
            context_name: c.as_bytes().to_vec(),
            context_engine_id: usm.context_engine_id.clone(),
            engine_id: usm.engine_id.clone(),
            boots_time: usm.boots_time,
            key_extension: usm.key_extension,
        })),
        (s, _) => s.clone(),
    }
}

/// A target as snmp_exporter takes it (`host`, `host:port`, `udp://host:port`, `[::1]:161`)
/// or in Net-SNMP's syntax (`udp:host:port`, `udp6:[::1]:161`).
async fn resolve(target: &str) -> Result<SocketAddr, String> {
    let spec = target
        .strip_prefix("udp://")
        .map_or_else(|| target.to_string(), |rest| format!("udp:{rest}"));
    if let Ok(addr) = spec.parse::<SocketAddr>() {
        return Ok(addr);
    }
    crate::net::resolve_agent(&spec)
        .await
        .map_err(|e| format!("bad target '{target}': {e}"))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn landing_page(exporter: &Exporter) -> String {
    let compiled = exporter.compiled();
    let mut modules: Vec<&String> = compiled.modules.keys().collect();
    modules.sort();
    let list: String = modules
        .iter()
        .map(|m| format!("<li>{}</li>", html_escape(m)))
        .collect();
    let auths: String = compiled
        .auths
        .keys()
        .map(|a| format!("<li>{}</li>", html_escape(a)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><title>mibscope exporter</title></head><body>\n\
<h1>mibscope exporter</h1>\n<p>Prometheus exporter for SNMP targets; modules compiled from the MIBs at start (no generator step). Configuration: {}.</p>\n\
<form action=\"/snmp\">\n<label>Target: <input type=\"text\" name=\"target\" placeholder=\"X.X.X.X/[::X]\" value=\"::1\"></label><br>\n\
<label>Auth: <input type=\"text\" name=\"auth\" placeholder=\"auth\" value=\"public_v2\"></label><br>\n\
<label>Module: <input type=\"text\" name=\"module\" placeholder=\"module\" value=\"if_mib\"></label><br>\n\
<input type=\"submit\" value=\"Submit\">\n</form>\n<h2>Modules</h2><ul>{list}</ul>\n<h2>Auths</h2><ul>{auths}</ul>\n\
<p><a href=\"/config\">Config</a> · <a href=\"/metrics\">Metrics</a></p>\n</body></html>\n",
        html_escape(&exporter.config_path.display().to_string())
    )
}

/// The compiled modules, for `/config`: what each walks and gets, and its metrics.
fn describe(compiled: &Compiled) -> String {
    let mut names: Vec<&String> = compiled.modules.keys().collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let m = &compiled.modules[name];
        out.push_str(&format!("{name}:\n  walk:\n"));
        for w in &m.walk {
            out.push_str(&format!("  - {}\n", compile::dotted(w)));
        }
        out.push_str("  get:\n");
        for g in &m.get {
            out.push_str(&format!("  - {}\n", compile::dotted(g)));
        }
        out.push_str(&format!(
            "  max_repetitions: {}\n  retries: {}\n  timeout: {:?}\n  metrics:\n",
            m.params.max_repetitions, m.params.retries, m.params.timeout
        ));
        for metric in &m.metrics {
            out.push_str(&format!(
                "  - name: {}\n    oid: {}\n    type: {}\n",
                metric.name,
                compile::dotted(&metric.oid),
                metric.kind.as_str()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode() {
        assert_eq!(percent_decode("a%20b+c%2Cd"), "a b c,d");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
