//! `demo`: the main job with no device needed. Starts the simulated 48-port switch on a
//! loopback port (counters moving at the snapshot's rates, Gi1/0/7 flapping), then, on a
//! terminal, opens the TUI on its interfaces; otherwise does what an operator does first
//! with a new agent: reads the system group and prints the interface table (status, speed,
//! errors, in/out rates between polls), through the same engine the other subcommands use.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

use super::options::MibArgs;
use super::{CliError, Outcome, report_request_error};
use crate::agent::NotifyTarget;
use crate::agent::flap::Flap;
use crate::agent::runner::{self, RunnerOptions};
use crate::agent::{Agent, AgentConfig, Snapshot, StoreOptions};
use crate::monitor::interfaces::{IfStatus, Interface, InterfaceTable, Metric, human_bps};
use crate::net::Client;
use crate::proto::engine::{Operation, Security, Target};
use crate::proto::{Community, Oid, Value, Version};
use crate::traps::CommunityRule;
use crate::traps::listener::{Listener, ListenerOptions};
use crate::tui::Start;
use crate::tui::backend::{self, Connection};
use crate::tui::component::ViewId;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Seconds between polls of the interface table
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub interval: f64,
    /// How many times to poll (rates appear from the second poll)
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub polls: u32,
    /// Print the interface table even on a terminal (without a terminal it always is)
    #[arg(long)]
    pub print: bool,
}

const SYS_DESCR: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 1, 0];
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const SYS_NAME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 5, 0];
const SYS_LOCATION: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 6, 0];

pub async fn run(args: DemoArgs) -> Result<Outcome, CliError> {
    if !(args.interval.is_finite() && args.interval > 0.0 && args.interval <= 3600.0)
        || args.polls == 0
    {
        return Err(CliError::Usage(
            "--interval takes seconds (0..3600] and --polls at least 1".into(),
        ));
    }
    let interactive = !args.print && super::tui::on_a_terminal();
    // On a terminal the UI has a trap listener, and the switch sends its link changes there.
    let listener = if interactive {
        Some(Listener::spawn(trap_listener_options()).await?)
    } else {
        None
    };
    let targets = listener
        .iter()
        .map(|l| NotifyTarget {
            addr: l.local_addrs()[0],
            community: Community::new("public"),
        })
        .collect();
    let agent = Agent::from_snapshot(
        &Snapshot::embedded_switch(),
        &demo_store(),
        AgentConfig::default(),
        Instant::now(),
    )
    .with_notifications(targets);
    let running = runner::spawn(agent, RunnerOptions::loopback_ephemeral()).await?;
    let addr = running.local_addr();
    if interactive {
        let outcome = open_tui(addr, listener, args.interval).await;
        running.shutdown().await;
        return outcome;
    }
    let target = demo_target(addr, "public");
    let client = Client::bind().await?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "mibscope demo: a simulated 48-port switch is answering on udp:{addr} (SNMPv2c, community public)"
    )?;
    let outcome = print_polls(&args, &client, &target, addr, &mut out).await;
    running.shutdown().await;
    outcome
}

/// The flapping link of the demo: Gi1/0/7 goes down and up every 15 s.
pub const DEMO_FLAP: Flap = Flap {
    if_index: 10107,
    period: Duration::from_secs(15),
};

/// The switch's counters move at the snapshot's rates; one link flaps.
fn demo_store() -> StoreOptions {
    StoreOptions {
        flaps: vec![DEMO_FLAP],
        ..StoreOptions::default()
    }
}

/// The demo's trap listener: loopback, a free port, community `public`.
fn trap_listener_options() -> ListenerOptions {
    let mut options = ListenerOptions::loopback_ephemeral();
    options.access.communities.push(CommunityRule {
        community: Community::new("public"),
        label: "public".into(),
        networks: vec![],
    });
    options
}

/// The demo agent as a target: SNMPv2c with `community` (public reads, private writes).
fn demo_target(addr: std::net::SocketAddr, community: &str) -> Arc<Target> {
    Arc::new(Target {
        addr,
        security: Security::Community {
            version: Version::V2c,
            community: Community::new(community),
        },
        timeout: Duration::from_secs(1),
        retries: 2,
    })
}

/// The TUI connected to the simulated switch at `addr`, with its trap listener.
async fn open_tui(
    addr: std::net::SocketAddr,
    listener: Option<Listener>,
    interval: f64,
) -> Result<Outcome, CliError> {
    let connection = Connection::new(
        Client::bind().await?,
        demo_target(addr, "private"),
        format!("udp:{addr}"),
    );
    let (mibs, loaded) = backend::load_mibs(MibArgs::default().config()).await;
    super::tui::open(Start {
        mibs,
        loaded,
        warnings: Vec::new(),
        connection: Some(connection),
        at: None,
        greeting: Some(format!(
            "demo: a simulated 48-port switch answers on udp:{addr} (v2c, community private); Gi1/0/7 flaps. Tab: other views, ?: keys."
        )),
        view: Some(ViewId::Interfaces),
        listener,
        interval: Some(Duration::from_secs_f64(interval)),
        login: None,
    })
    .await
}

/// Reads the system group, then polls the interface table and prints it.
async fn print_polls(
    args: &DemoArgs,
    client: &Client,
    target: &Arc<Target>,
    addr: std::net::SocketAddr,
    out: &mut impl Write,
) -> Result<Outcome, CliError> {
    let system = Operation::Get(
        [SYS_NAME, SYS_DESCR, SYS_LOCATION, SYS_UPTIME]
            .iter()
            .map(|a| Oid::from(&a[..]))
            .collect(),
    );
    let response = match client.request(target, system).await {
        Ok(r) => r,
        Err(e) => {
            report_request_error(&e, &format!("udp:{addr}"), true);
            return Ok(Outcome::Failure);
        }
    };
    let text = |i: usize| match response.varbinds.get(i).map(|vb| &vb.value) {
        Some(Value::OctetString(b)) => String::from_utf8_lossy(b)
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    };
    writeln!(out, "\n{} - {}\nlocation: {}", text(0), text(1), text(2))?;

    let mut table = InterfaceTable::new(60);
    for poll in 0..args.polls {
        if poll > 0 {
            tokio::time::sleep(Duration::from_secs_f64(args.interval)).await;
        }
        let uptime = match client
            .request(target, Operation::Get(vec![Oid::from(&SYS_UPTIME[..])]))
            .await
        {
            Ok(r) => r.varbinds.first().and_then(|vb| match vb.value {
                Value::TimeTicks(t) => Some(t),
                _ => None,
            }),
            Err(e) => {
                report_request_error(&e, &format!("udp:{addr}"), true);
                return Ok(Outcome::Failure);
            }
        };
        match client
            .walk_table(target, InterfaceTable::columns(), 25)
            .await
        {
            Ok(varbinds) => table.update(&varbinds, uptime, Instant::now()),
            Err(e) => {
                eprintln!("mibscope: polling the interface table failed: {e}");
                return Ok(Outcome::Failure);
            }
        }
    }
    print_table(out, &table, args.polls > 1, args.interval)?;
    let stats = client.stats().await;
    writeln!(
        out,
        "\n{} requests, {} retransmissions. Try it yourself while `mibscope agent` runs:\n  mibscope bulkwalk -v2c -c public -Cr25 udp:127.0.0.1:1161 .1.3.6.1.2.1.2.2",
        stats.requests_sent, stats.retransmissions
    )?;
    Ok(Outcome::Success)
}

fn print_table(
    out: &mut impl Write,
    table: &InterfaceTable,
    rated: bool,
    interval: f64,
) -> std::io::Result<()> {
    let up = table
        .rows
        .values()
        .filter(|r| r.oper.is_some_and(|s| s.name() == "up"))
        .count();
    writeln!(
        out,
        "\n{} interfaces, {up} up{}",
        table.rows.len(),
        if rated {
            format!("; rates over the last {interval} s")
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "{:>6}  {:<22} {:<16} {:>6} {:>9} {:>9} {:>6} {:>7} {:>7}",
        "ifIdx", "name", "admin/oper", "speed", "in bps", "out bps", "util", "in err", "out err"
    )?;
    for (index, row) in &table.rows {
        let name = if row.name.is_empty() {
            &row.descr
        } else {
            &row.name
        };
        let status = format!(
            "{}/{}",
            row.admin.map_or("?".into(), IfStatus::name),
            row.oper.map_or("?".into(), IfStatus::name)
        );
        let rate = |v: Option<f64>| v.map_or("-".to_string(), human_bps);
        let util = row
            .utilization()
            .filter(|_| rated)
            .map_or("-".to_string(), |u| format!("{:.1}%", u * 100.0));
        writeln!(
            out,
            "{:>6}  {:<22} {:<16} {:>6} {:>9} {:>9} {:>6} {:>7} {:>7}",
            index.0,
            truncate(name, 22),
            status,
            row.speed.map_or("-".to_string(), |s| human_bps(s as f64)),
            rate(row.rates.in_bps),
            rate(row.rates.out_bps),
            util,
            count(row, Metric::InErrors),
            count(row, Metric::OutErrors),
        )?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('~')).collect()
    }
}

/// A counter's last value, as printed.
fn count(row: &Interface, metric: Metric) -> String {
    row.counter(metric)
        .map_or("-".to_string(), |s| s.value.to_string())
}
