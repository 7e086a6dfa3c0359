//! `mibscope poll TARGETS.yml`: polls a fleet at an interval and prints one JSON line per
//! agent per round (see `poller`). Within a round the agents' polls start spread over the
//! first half of the interval, each agent at the same offset every round. SIGHUP reads the targets file again; `--rounds N` stops
//! after N rounds. A round summary goes to stderr.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use tokio::sync::mpsc;

use super::options::MibArgs;
use super::{CliError, Outcome};
use crate::fleet::{Limits, Pool};
use crate::net::Client;
use crate::poller::{self, Agent, Extra, TargetsFile};

#[derive(Args, Debug)]
#[command(
    after_help = "The targets file is YAML: 'targets:' (agent, community or auth, labels), \
optional 'auths:' (snmp_exporter's format), 'interval:', 'timeout:', 'retries:', 'objects:' \
(more MIB objects to walk). See `poller::targets` for an example.\n\n\
Example: mibscope poll fleet.yml --interval 10s | jq 'select(.ok == false)'"
)]
pub struct PollArgs {
    /// The targets file (YAML)
    #[arg(value_name = "TARGETS")]
    pub targets: PathBuf,

    /// Seconds between rounds (default: the file's interval, else 10)
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<f64>,

    /// Stop after this many rounds (default: run until stopped)
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,

    /// Requests in flight to all agents at once
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_in_flight: usize,

    /// Requests in flight to one agent at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub per_agent: usize,

    #[command(flatten)]
    pub mib: MibArgs,
}

fn extra_objects(file: &TargetsFile, mib: &MibArgs) -> Result<Extra, CliError> {
    let mut objects = Vec::new();
    let mut loaded = None;
    for name in &file.objects {
        let oid = match name.parse::<crate::proto::Oid>() {
            Ok(oid) => oid,
            Err(_) => {
                let mib = loaded.get_or_insert_with(|| crate::mib_store::load(&mib.config()).mib);
                super::options::parse_oid_with(mib, name)?
            }
        };
        objects.push((name.clone(), oid));
    }
    Ok(Extra {
        objects,
        max_repetitions: file.max_repetitions.unwrap_or(25),
    })
}

pub async fn run(args: PollArgs) -> Result<Outcome, CliError> {
    let load = |path: &PathBuf| TargetsFile::load(path).map_err(|e| CliError::Usage(e.to_string()));
    let mut file = load(&args.targets)?;
    let mut extra = extra_objects(&file, &args.mib)?;
    let interval = match args.interval {
        Some(s) if s.is_finite() && s > 0.0 => Duration::from_secs_f64(s),
        Some(s) => {
            return Err(CliError::Usage(format!(
                "--interval {s}: give seconds, more than 0"
            )));
        }
        None => file.interval(),
    };
    let pool = Pool::new(
        Client::bind().await?,
        Limits {
            per_agent: args.per_agent.max(1),
            total: args.max_in_flight.max(1),
        },
    );
    let mut agents: HashMap<usize, Option<Agent>> = poller::agents_from(&file, HashMap::new())
        .await
        .into_iter()
        .enumerate()
        .map(|(i, a)| (i, Some(a)))
        .collect();
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let (done_tx, mut done_rx) =
        mpsc::unbounded_channel::<((usize, usize), Agent, serde_json::Value)>();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut round = 0u64;
    let mut stdout = std::io::stdout();
    let mut generation = 0usize;
    let mut round_stats = (0u64, 0u64, 0u64);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if round > 0 {
                    let (ok, failed, late) = round_stats;
                    eprintln!("mibscope poll: round {round}: {ok} ok, {failed} failed, {late} late");
                }
                if args.rounds.is_some_and(|n| round >= n) {
                    break;
                }
                round += 1;
                round_stats = (0, 0, 0);
                let started = Instant::now();
                let deadline = started + interval;
                let count = agents.len().max(1) as u32;
                for (i, slot) in agents.iter_mut() {
                    let Some(mut agent) = slot.take() else {
                        // Still polling from the last round: not polled twice.
                        round_stats.2 += 1;
                        let name = file.targets.get(*i).map(poller::TargetEntry::name).unwrap_or_default();
                        let line = serde_json::json!({"round": round, "agent": name, "ok": false,
                            "reason": "late", "error": "the previous poll of this agent was still running"});
                        writeln!(stdout, "{line}")?;
                        continue;
                    };
                    let (pool, extra, tx, key) = (pool.clone(), extra.clone(), done_tx.clone(), (*i, generation));
                    // Starts spread over the first half of the interval, the same place in
                    // every round for each agent: the fleet is not asked all at once.
                    let offset = interval / 2 / count * u32::try_from(*i).unwrap_or(0).min(count);
                    tokio::spawn(async move {
                        tokio::time::sleep_until((started + offset).into()).await;
                        let line = poller::poll_once(&pool, &mut agent, &extra, round, deadline).await;
                        let _ = tx.send((key, agent, line));
                    });
                }
            }
            Some(((i, of_generation), agent, line)) = done_rx.recv() => {
                if line["ok"] == serde_json::json!(true) { round_stats.0 += 1 } else { round_stats.1 += 1 }
                writeln!(stdout, "{line}")?;
                stdout.flush()?;
                if of_generation == generation {
                    agents.insert(i, Some(agent));
                }
            }
            _ = hup.recv() => {
                match load(&args.targets).and_then(|f| Ok((extra_objects(&f, &args.mib)?, f))) {
                    Ok((e, f)) => {
                        // Agents polled right now come back under the old generation and
                        // are dropped; their state is carried over by agent name.
                        let previous: HashMap<String, Agent> = agents
                            .drain()
                            .filter_map(|(_, a)| a)
                            .map(|a| (a.entry.name().to_string(), a))
                            .collect();
                        file = f;
                        extra = e;
                        generation += 1;
                        agents = poller::agents_from(&file, previous)
                            .await
                            .into_iter()
                            .enumerate()
                            .map(|(i, a)| (i, Some(a)))
                            .collect();
                        eprintln!("mibscope poll: targets reloaded: {} agents", agents.len());
                    }
                    Err(e) => eprintln!("mibscope poll: reload failed, keeping the old targets: {e}"),
                }
            }
        }
    }
    Ok(Outcome::Success)
}
