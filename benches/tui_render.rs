//! The interfaces view of a 1,000-interface device: the time to draw one whole frame (every
//! cell new, as after a poll, flushed to a `TestBackend`) at 160x48 and 80x24, and the time
//! to take in one poll (22 columns x 1,000 rows of varbinds into the rate table). Goal
//! (issue 8): under 5 ms a frame. Run: `cargo bench --bench tui_render` (bench/tui.sh runs
//! it with the idle-CPU and memory measurements).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mibscope::mib_handle::{LoadedMib, MibHandle};
use mibscope::mib_store::{MibConfig, ModuleSelection};
use mibscope::monitor::interfaces::InterfaceTable;
use mibscope::proto::{Oid, Value, VarBind};
use mibscope::tui::app::{App, Effect};
use mibscope::tui::backend::AgentInfo;
use mibscope::tui::component::{Shared, ViewId};
use mibscope::tui::event::Event;
use mibscope::tui::request::{Reply, RequestSpec};
use mibscope::tui::{build_views, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const INTERFACES: u32 = 1000;

fn loaded() -> Arc<LoadedMib> {
    MibHandle::new(MibConfig {
        modules: ModuleSelection::Default { extra: Vec::new() },
        dirs: Vec::new(),
        embedded: true,
        cache_dir: None,
        strict: false,
    })
    .get()
}

/// One poll of `n` interfaces `secs` seconds into a steady flow of traffic.
fn poll(n: u32, columns: &[Oid], secs: u64) -> Vec<VarBind> {
    let mut out = Vec::with_capacity(columns.len() * n as usize);
    for column in columns {
        let arcs = column.arcs();
        // ifEntry columns have 10 arcs, ifXEntry columns 11.
        let (x, col) = (arcs.len() == 11, arcs[arcs.len() - 1]);
        for i in 1..=n {
            let oid = column.child(&[i]);
            let speed = u64::from(i % 7 + 1) * 1_000_000;
            let value = match (x, col) {
                (false, 2) => Value::OctetString(
                    format!("GigabitEthernet1/{}/{}", i / 48, i % 48).into_bytes(),
                ),
                (true, 1) => Value::OctetString(format!("Gi1/{}/{}", i / 48, i % 48).into_bytes()),
                (true, 18) => Value::OctetString(format!("access port {i}").into_bytes()),
                (false, 3) => Value::Integer(6),
                (false, 5) => Value::Gauge32(1_000_000_000),
                (true, 15) => Value::Gauge32(1000),
                (false, 7) => Value::Integer(1),
                (false, 8) => Value::Integer(if i % 5 == 0 { 2 } else { 1 }),
                (false, 9) | (true, 19) => Value::TimeTicks(0),
                (true, 6..=13) => Value::Counter64(speed * secs * u64::from(col)),
                (_, _) => Value::Counter32((speed * secs) as u32),
            };
            out.push(VarBind::new(oid, value));
        }
    }
    out
}

/// The app on the interfaces view after `polls` polls, 2 s apart.
fn app(loaded: &Arc<LoadedMib>, width: u16, height: u16, polls: u64) -> App {
    let now = Instant::now();
    let shared = Shared {
        mib: loaded.mib.clone(),
        loaded: loaded.clone(),
        agent: Some(AgentInfo {
            label: "udp:192.0.2.1:161".into(),
            security: "v2c".into(),
            timeout: Duration::from_secs(1),
            retries: 1,
        }),
        now,
    };
    let views = build_views(&loaded.mib, true, None, height);
    let mut app = App::new(shared, views, width, height);
    let mut effects = app.show_view(ViewId::Interfaces);
    for p in 0..polls {
        let at = now + Duration::from_secs(2 * p);
        if p > 0 {
            effects = app.handle(Event::Tick, at);
        }
        let (id, columns) = effects
            .iter()
            .find_map(|e| match e {
                Effect::Start {
                    id,
                    spec: RequestSpec::Poll(spec),
                } => Some((*id, spec.columns.clone())),
                _ => None,
            })
            .expect("the view polls");
        let reply = Reply::Polled {
            scalars: vec![VarBind::new(
                Oid::from(&[1, 3, 6, 1, 2, 1, 1, 3, 0][..]),
                Value::TimeTicks((200 * p) as u32),
            )],
            columns: poll(INTERFACES, &columns, 2 * p),
            took: Duration::from_millis(5),
        };
        app.handle(Event::Reply { id, reply }, at);
    }
    app
}

fn frames(c: &mut Criterion) {
    let loaded = loaded();
    for (w, h) in [(160u16, 48u16), (80, 24)] {
        let app = app(&loaded, w, h, 30);
        c.bench_function(
            &format!("interfaces view, {INTERFACES} interfaces, frame {w}x{h}"),
            |b| {
                b.iter_batched(
                    || Terminal::new(TestBackend::new(w, h)).expect("a test terminal"),
                    |mut t| {
                        t.draw(|f| ui::render(f, black_box(&app))).expect("drawn");
                        t
                    },
                    BatchSize::SmallInput,
                );
            },
        );
    }
}

fn polls(c: &mut Criterion) {
    let columns = InterfaceTable::columns();
    let first = poll(INTERFACES, &columns, 0);
    let mut table = InterfaceTable::new(150);
    let t0 = Instant::now();
    table.update(&first, Some(0), t0);
    let hc = table.poll_columns();
    let next = poll(INTERFACES, &hc, 2);
    c.bench_function(
        &format!(
            "interfaces poll taken in, {INTERFACES} interfaces x {} columns",
            hc.len()
        ),
        |b| {
            let mut step = 0u32;
            b.iter(|| {
                step += 1;
                table.update(
                    black_box(&next),
                    Some(200 + step),
                    t0 + Duration::from_millis(u64::from(step)),
                );
            });
        },
    );
}

criterion_group!(benches, frames, polls);
criterion_main!(benches);
