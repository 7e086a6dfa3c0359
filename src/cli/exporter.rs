//! `mibscope exporter`: the Prometheus exporter. Reads snmp_exporter's `generator.yml`,
//! compiles its modules from the MIBs (-M/-m, every module found by default, as the
//! generator loads them), and serves `/snmp`, `/metrics` and `/` (see `exporter::http`).
//! The first line on stdout says where it listens (`--listen 127.0.0.1:0` picks a port).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::options::MibArgs;
use super::{CliError, Outcome};
use crate::exporter::http::{self, Exporter};
use crate::fleet::{Limits, Pool};
use crate::mib_handle::MibHandle;
use crate::mib_store::ModuleSelection;
use crate::net::Client;

#[derive(Args, Debug)]
#[command(after_help = "Prometheus scrapes it with the multi-target pattern: \
/snmp?target=AGENT&module=if_mib,system&auth=public_v2 (see assets/prometheus-snmp.yml). \
SIGHUP or POST /-/reload reads the configuration again.\n\n\
Examples: mibscope exporter --config generator.yml\n  \
mibscope exporter --listen 127.0.0.1:9116 --config generator.yml -M +~/vendor-mibs")]
pub struct ExporterArgs {
    /// Address to serve HTTP on
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:9116")]
    pub listen: String,

    /// snmp_exporter's generator.yml (modules with MIB names, lookups, overrides, auths)
    #[arg(long, value_name = "FILE", default_value = "generator.yml")]
    pub config: PathBuf,

    /// Scrape budget when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub scrape_timeout: f64,

    /// Requests in flight to all agents at once
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_in_flight: usize,

    /// Requests in flight to one agent at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub per_agent: usize,

    /// Compile the modules, print what each fetches, and exit
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub mib: MibArgs,
}

pub async fn run(args: ExporterArgs) -> Result<Outcome, CliError> {
    if !(args.scrape_timeout.is_finite() && args.scrape_timeout > 0.0) {
        return Err(CliError::Usage(format!(
            "--scrape-timeout {}: give seconds, more than 0",
            args.scrape_timeout
        )));
    }
    if args.max_in_flight == 0 || args.per_agent == 0 {
        return Err(CliError::Usage(
            "--max-in-flight and --per-agent must be at least 1".into(),
        ));
    }
    let mut config = args.mib.config();
    // As snmp_exporter's generator: every module in the MIB directories, unless -m or
    // MIBS say otherwise.
    if args.mib.mibs.is_none() && std::env::var_os("MIBS").is_none() {
        config.modules = ModuleSelection::All;
    }
    let mib = Arc::new(MibHandle::new(config));
    let loaded = tokio::task::spawn_blocking({
        let mib = Arc::clone(&mib);
        move || mib.get()
    })
    .await
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let compiled =
        http::load(&args.config, &loaded.mib).map_err(|e| CliError::Usage(e.to_string()))?;
    drop(loaded);
    for w in &compiled.warnings {
        eprintln!("mibscope exporter: warning: {w}");
    }
    if args.check {
        let mut names: Vec<&String> = compiled.modules.keys().collect();
        names.sort();
        for name in names {
            let m = &compiled.modules[name];
            println!(
                "{name}: {} metrics, {} walks ({} lock-step groups), {} gets",
                m.metrics.len(),
                m.walk.len(),
                m.plan.len(),
                m.get.len()
            );
        }
        return Ok(Outcome::Success);
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| CliError::Usage(format!("--listen {}: {e}", args.listen)))?;
    let local = listener.local_addr()?;
    let pool = Pool::new(
        Client::bind().await?,
        Limits {
            per_agent: args.per_agent,
            total: args.max_in_flight,
        },
    );
    let n = compiled.modules.len();
    let exporter = Exporter::new(
        args.config.clone(),
        mib,
        compiled,
        pool,
        Duration::from_secs_f64(args.scrape_timeout),
    );
    println!("mibscope exporter: listening on http://{local} ({n} modules)");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let reloader = Arc::clone(&exporter);
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            let r = Arc::clone(&reloader);
            let result = tokio::task::spawn_blocking(move || r.reload()).await;
            match result.unwrap_or_else(|e| Err(http::LoadError::Panicked(e.to_string()))) {
                Ok(n) => eprintln!("mibscope exporter: configuration reloaded ({n} modules)"),
                Err(e) => eprintln!(
                    "mibscope exporter: reload failed, keeping the old configuration: {e}"
                ),
            }
        }
    });
    http::serve(exporter, listener).await;
    Ok(Outcome::Success)
}
