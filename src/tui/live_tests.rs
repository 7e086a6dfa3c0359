//! The live views (interfaces, system, table) driven like the browser's tests: events in,
//! screens out (insta snapshots at 80x24 and 160x48). Polls are answered from the simulated
//! switch's object store at the harness's simulated time, so rates on screen come from the
//! counter speeds the switch's snapshot gives.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use super::event::Event;
use super::request::{PollSpec, Reply, RequestSpec};
use super::tests::{Harness, text};
use crate::agent::snapshot::Snapshot;
use crate::agent::store::{Lookup, ObjectStore, StoreOptions};
use crate::monitor::interfaces::tests::poll_store;
use crate::proto::{Oid, Value, VarBind};

/// The simulated switch, booted at `now`.
pub(super) fn switch(now: Instant) -> ObjectStore {
    ObjectStore::build(&Snapshot::embedded_switch(), &StoreOptions::default(), now)
}

/// The oldest unanswered poll, removed.
fn take_poll(h: &mut Harness) -> (super::request::RequestId, PollSpec) {
    let i = h
        .started
        .iter()
        .position(|(_, s)| matches!(s, RequestSpec::Poll(_)))
        .expect("a poll was started");
    match h.started.remove(i) {
        (id, RequestSpec::Poll(p)) => (id, p),
        _ => unreachable!(),
    }
}

/// Answers the oldest poll from `store` at the harness's time.
pub(super) fn answer_poll(h: &mut Harness, store: &ObjectStore) {
    let (id, spec) = take_poll(h);
    let (columns, _) = poll_store(store, &spec.columns, h.now);
    let scalars = spec
        .scalars
        .iter()
        .map(|oid| match store.get(oid, h.now) {
            Lookup::Found(v) => VarBind::new(oid.clone(), v),
            _ => VarBind::new(oid.clone(), Value::NoSuchObject),
        })
        .collect();
    h.event(Event::Reply {
        id,
        reply: Reply::Polled {
            scalars,
            columns,
            took: Duration::from_millis(7),
        },
    });
}

/// A connected harness on the interfaces view after two polls 2 s apart.
pub(super) fn interfaces(width: u16, height: u16) -> (Harness, ObjectStore) {
    let mut h = Harness::new(width, height, true);
    let store = switch(h.now);
    h.keys("2");
    assert!(h.screen().contains("waiting for the first poll"));
    h.wait(Duration::from_millis(10));
    answer_poll(&mut h, &store);
    h.wait(Duration::from_secs(2));
    answer_poll(&mut h, &store);
    (h, store)
}

/// The screen line showing `name` (a row of a table).
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == name))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
}

#[test]
fn interfaces_at_both_sizes_with_rates_from_the_switch_speeds() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let (h, _) = interfaces(w, ht);
        let screen = h.screen();
        // Gi1/0/1's ifHCInOctets moves 5722463.736 octets/s: 45.8 Mb/s.
        let gi1 = row(&screen, "Gi1/0/1");
        assert!(gi1.contains("45.8M"), "{gi1}");
        assert!(gi1.contains(" up "), "{gi1}");
        assert!(screen.contains("57 interfaces, 37 up"), "{screen}");
        insta::assert_snapshot!(format!("interfaces_{w}x{ht}"), screen);
    }
}

#[test]
fn interfaces_sort_filter_units_and_details() {
    let (mut h, _) = interfaces(160, 48);
    // Sort by In (s steps Index → Name → Alias → Status → Speed → In).
    h.keys("sssss");
    let screen = h.screen();
    assert!(screen.contains("In b/s▼"), "{screen}");
    let first = screen.lines().nth(3).unwrap();
    assert!(first.contains("Po1"), "the busiest first: {screen}");
    h.keys("I");
    assert!(h.screen().contains("In b/s▲"));
    h.keys("I");
    // Bytes: Gi1/0/1 carries 5.7 MB/s.
    h.keys("b");
    let screen = h.screen();
    assert!(screen.contains("In B/s"), "{screen}");
    assert!(row(&screen, "Gi1/0/1").contains("5.7M"), "{screen}");
    // Filter by text: a name, then nothing.
    h.keys("/Gi1/0/4");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("filter \"Gi1/0/4\": 10"), "{screen}");
    assert!(!screen.contains("Po1"), "{screen}");
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Po1"));
    // The details of the selected interface.
    h.keys("S");
    h.key(KeyCode::Home);
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("· history"), "{screen}");
    assert!(
        screen.contains("Counters  64-bit (ifXTable HC)"),
        "{screen}"
    );
    insta::assert_snapshot!("interfaces_details_160x48", screen);
}

#[test]
fn interfaces_details_fit_80x24() {
    let (mut h, _) = interfaces(80, 24);
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Vl1 · history"), "{screen}");
    assert!(screen.contains("Status"), "{screen}");
    insta::assert_snapshot!("interfaces_details_80x24", screen);
}

#[test]
fn interfaces_show_a_gap_across_a_restart_and_stop_polling_when_paused() {
    let (mut h, mut store) = interfaces(160, 48);
    store.restart(h.now + Duration::from_secs(1));
    h.wait(Duration::from_secs(2));
    answer_poll(&mut h, &store);
    let screen = h.screen();
    let gi1 = row(&screen, "Gi1/0/1");
    assert!(
        gi1.contains("gap"),
        "a restart is a gap, not a spike: {gi1}"
    );
    h.wait(Duration::from_secs(2));
    answer_poll(&mut h, &store);
    assert!(row(&h.screen(), "Gi1/0/1").contains("45.8M"));
    // Paused: no poll however long it waits; resumed: a poll at once, and a gap.
    h.keys("p");
    assert!(h.screen().contains("PAUSED"));
    h.wait(Duration::from_secs(10));
    assert!(
        !h.started
            .iter()
            .any(|(_, s)| matches!(s, RequestSpec::Poll(_)))
    );
    h.keys("p");
    answer_poll(&mut h, &store);
    assert!(row(&h.screen(), "Gi1/0/1").contains("gap"));
    // The interval: + and - step through 1, 2, 5, 10 s ...
    h.keys("--");
    assert!(h.screen().contains("every 10 s"));
    h.wait(Duration::from_secs(5));
    assert!(
        !h.started
            .iter()
            .any(|(_, s)| matches!(s, RequestSpec::Poll(_)))
    );
    h.wait(Duration::from_secs(5));
    answer_poll(&mut h, &store);
}

#[test]
fn interfaces_render_only_the_rows_on_screen() {
    // 1,000 interfaces: the screen shows the first rows and where the cursor is.
    let mut h = Harness::new(160, 48, true);
    h.keys("2");
    let (id, _) = take_poll(&mut h);
    let mut vbs = Vec::new();
    for i in 1..=1000u32 {
        let c = |col: u32| Oid::from(&[1, 3, 6, 1, 2, 1, 2, 2, 1, col, i][..]);
        vbs.push(VarBind::new(c(2), text(&format!("port{i}"))));
        vbs.push(VarBind::new(c(8), Value::Integer(1)));
        vbs.push(VarBind::new(c(10), Value::Counter32(i)));
    }
    h.event(Event::Reply {
        id,
        reply: Reply::Polled {
            scalars: Vec::new(),
            columns: vbs,
            took: Duration::from_millis(40),
        },
    });
    let screen = h.screen();
    assert!(screen.contains("1000 interfaces"), "{screen}");
    assert!(screen.contains("1/1000"), "{screen}");
    h.key(KeyCode::End);
    let screen = h.screen();
    assert!(screen.contains("port1000"), "{screen}");
    assert!(screen.contains("1000/1000"), "{screen}");
}

/// The system group and the engine objects, as the simulated switch serves them.
fn answer_system(h: &mut Harness, store: &ObjectStore) {
    let (id, spec) = h.started.remove(0);
    let RequestSpec::Get(oids) = spec else {
        panic!("a get of the system group: {spec:?}")
    };
    let values: Vec<(String, Value)> = oids
        .iter()
        .map(|oid| {
            let v = match store.get(oid, h.now) {
                Lookup::Found(v) => v,
                _ => Value::NoSuchObject,
            };
            (oid.to_string(), v)
        })
        .collect();
    h.started.insert(0, (id, RequestSpec::Get(oids)));
    let pairs: Vec<(&str, Value)> = values
        .iter()
        .map(|(o, v)| (o.as_str(), v.clone()))
        .collect();
    h.answer(&pairs);
}

#[test]
fn system_view_at_both_sizes_and_an_edit_with_confirmation() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(w, ht, true);
        let store = switch(h.now - Duration::from_secs(93_784));
        h.keys("3");
        answer_system(&mut h, &store);
        h.wait(Duration::from_millis(1500));
        let screen = h.screen();
        assert!(screen.contains("acc-sw-b2-01"), "{screen}");
        assert!(
            screen.contains("1 day, 2:03:05"),
            "uptime ticks on: {screen}"
        );
        assert!(screen.contains("2 (datalink)"), "{screen}");
        assert!(
            screen.contains("SNMPv2-SMI::enterprises.9.1.1208"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("system_{w}x{ht}"), screen);
    }
    let mut h = Harness::new(80, 24, true);
    let store = switch(h.now);
    h.keys("3");
    answer_system(&mut h, &store);
    // Location is the sixth line; the editor checks, then asks.
    h.keys("jjjjj");
    h.keys("e");
    h.event(Event::Input(super::component::Input::Key(
        crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        ),
    )));
    h.keys("rack 9");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Send SetRequest .1.3.6.1.2.1.1.6.0 = \"rack 9\"?"),
        "{screen}"
    );
    assert!(h.started.is_empty(), "nothing sent before the confirmation");
    h.keys("y");
    let (_, spec) = h.started[0].clone();
    assert_eq!(
        spec,
        RequestSpec::Set(vec![VarBind::new(
            ".1.3.6.1.2.1.1.6.0".parse().unwrap(),
            text("rack 9")
        )])
    );
    h.answer(&[(".1.3.6.1.2.1.1.6.0", text("rack 9"))]);
    assert!(
        matches!(&h.started[0].1, RequestSpec::Get(o) if o.len() == 10),
        "read back after the set: {:?}",
        h.started
    );
    answer_system(&mut h, &store);
    // sysDescr cannot be set: the view says which can.
    h.key(KeyCode::Home);
    h.keys("je");
    assert!(h.screen().contains("contact, name and location can"));
}

/// Opens `table` from the browser (`:` then `t`) and answers its walk from the switch.
fn open_table(h: &mut Harness, table: &str, store: &ObjectStore) {
    h.keys("1:");
    h.keys(table);
    h.key(KeyCode::Enter);
    h.keys("t");
    answer_poll(h, store);
}

#[test]
fn table_view_from_the_browser_at_both_sizes() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(w, ht, true);
        let store = switch(h.now);
        open_table(&mut h, "ifTable", &store);
        let screen = h.screen();
        assert!(screen.contains("IF-MIB::ifTable: 57 rows"), "{screen}");
        assert!(screen.contains("Port-channel1"), "{screen}");
        insta::assert_snapshot!(format!("table_{w}x{ht}"), screen);
    }
}

#[test]
fn table_view_sorts_filters_picks_columns_and_exports() {
    let mut h = Harness::new(160, 48, true);
    let store = switch(h.now);
    open_table(&mut h, "ifXTable", &store);
    // The column cursor to ifHighSpeed, then sort (biggest first).
    for _ in 0..15 {
        h.key(KeyCode::Right);
    }
    h.keys("s");
    let screen = h.screen();
    assert!(screen.contains("by ifHighSpeed ▼"), "{screen}");
    assert!(
        screen.lines().nth(3).unwrap().contains("    5001 "),
        "{screen}"
    );
    h.keys("/gi1/0/1");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("filter \"gi1/0/1\": 11"));
    // Hide every column but the index and ifName.
    h.keys("cj");
    for _ in 0..18 {
        h.keys("j ");
    }
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("columns hidden"), "{screen}");
    assert!(!screen.contains("ifHCInOctets"), "{screen}");
    // Export what is shown: the file named, the rows in view order.
    let path = std::env::temp_dir().join(format!("mibscope-export-{}.csv", std::process::id()));
    h.keys("E");
    h.event(Event::Input(super::component::Input::Key(
        crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        ),
    )));
    h.keys(&path.display().to_string());
    h.key(KeyCode::Enter);
    let Some((_, RequestSpec::WriteFile { path: p, contents })) = h.started.last().cloned() else {
        panic!("an export: {:?}", h.started)
    };
    assert_eq!(p, path);
    let lines: Vec<&str> = contents.lines().collect();
    assert_eq!(lines[0], "ifIndex,ifName");
    assert_eq!(lines.len(), 12, "{contents}");
    assert!(
        lines[1].starts_with("5001,") || lines[1].contains("Gi1/0/1"),
        "{contents}"
    );
}

#[test]
fn index_columns_are_decoded_strings_addresses_and_macs() {
    let mut h = Harness::new(160, 24, true);
    let store = switch(h.now);
    h.keys("1:");
    h.keys("ipNetToMediaTable");
    h.key(KeyCode::Enter);
    h.keys("t");
    let (id, spec) = take_poll(&mut h);
    // ipNetToMediaPhysAddress.3.10.0.0.1 = 00:1b:21:3a:4c:5d ...
    let col = |c: u32, rest: &[u32]| {
        let mut arcs = vec![1, 3, 6, 1, 2, 1, 4, 22, 1, c];
        arcs.extend_from_slice(rest);
        Oid::from(&arcs[..])
    };
    assert!(spec.columns.contains(&col(2, &[])));
    let vbs = vec![
        VarBind::new(
            col(2, &[3, 10, 0, 0, 1]),
            Value::OctetString(vec![0, 0x1b, 0x21, 0x3a, 0x4c, 0x5d]),
        ),
        VarBind::new(
            col(2, &[12, 192, 168, 1, 254]),
            Value::OctetString(vec![0xaa, 0xbb, 0xcc, 0, 1, 2]),
        ),
        VarBind::new(col(4, &[3, 10, 0, 0, 1]), Value::Integer(3)),
        VarBind::new(col(4, &[12, 192, 168, 1, 254]), Value::Integer(4)),
    ];
    h.event(Event::Reply {
        id,
        reply: Reply::Polled {
            scalars: Vec::new(),
            columns: vbs,
            took: Duration::from_millis(3),
        },
    });
    let screen = h.screen();
    let first = row(&screen, "10.0.0.1");
    assert!(first.contains("0:1b:21:3a:4c:5d"), "{screen}");
    assert!(first.contains("dynamic(3)"), "{screen}");
    assert!(
        row(&screen, "192.168.1.254").contains("static(4)"),
        "{screen}"
    );
    // A string index (DisplayString): NET-SNMP-EXTEND-MIB's nsExtendToken.
    h.keys("o");
    h.keys("nsExtendConfigTable");
    h.key(KeyCode::Enter);
    let (id, spec) = take_poll(&mut h);
    let token = |c: u32| {
        let mut o = spec
            .columns
            .iter()
            .find(|o| o.arcs().last() == Some(&c))
            .unwrap()
            .arcs()
            .to_vec();
        o.extend([
            5,
            u32::from(b'h'),
            u32::from(b'e'),
            u32::from(b'l'),
            u32::from(b'l'),
            u32::from(b'o'),
        ]);
        Oid::from(&o[..])
    };
    h.event(Event::Reply {
        id,
        reply: Reply::Polled {
            scalars: Vec::new(),
            columns: vec![VarBind::new(token(2), text("/bin/echo"))],
            took: Duration::from_millis(3),
        },
    });
    let screen = h.screen();
    assert!(row(&screen, "hello").contains("/bin/echo"), "{screen}");
    let _ = store;
}

#[test]
fn the_table_view_says_what_is_not_a_table() {
    let mut h = Harness::new(80, 24, true);
    h.keys(":sysName");
    h.key(KeyCode::Enter);
    h.keys("t");
    assert!(
        h.screen().contains("is not a table, a row or a column"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_routine_polls_progress_does_not_redraw_until_the_poll_is_slow() {
    let mut h = Harness::new(80, 24, true);
    h.keys("2");
    let (id, _) = h
        .started
        .iter()
        .find(|(_, s)| matches!(s, RequestSpec::Poll(_)))
        .cloned()
        .expect("a poll");
    h.app.take_redraw();
    let progress = |h: &mut Harness| {
        h.event(Event::Reply {
            id,
            reply: Reply::Progress(crate::tui::sanitize::SafeText::new("sent")),
        });
    };
    progress(&mut h);
    assert!(!h.app.take_redraw(), "a fast poll's steps draw nothing");
    h.now += Duration::from_millis(600);
    progress(&mut h);
    assert!(h.app.take_redraw(), "a slow poll shows in the status line");
    assert!(
        h.screen().contains("poll IF-MIB::ifTable"),
        "{}",
        h.screen()
    );
}

/// A connected harness with a trap listener on `udp:127.0.0.1:1162` (the traps view).
fn with_traps(width: u16, height: u16) -> Harness {
    use super::app::App;
    use super::component::Shared;
    let loaded = super::tests::loaded();
    let now = Instant::now();
    let shared = Shared {
        mib: loaded.mib.clone(),
        loaded: loaded.clone(),
        agent: Some(super::backend::AgentInfo {
            label: "udp:192.0.2.1:161".into(),
            security: "v2c".into(),
            timeout: Duration::from_secs(1),
            retries: 2,
        }),
        now,
    };
    let options = super::ViewOptions {
        connected: true,
        height,
        listening: vec!["127.0.0.1:1162".parse().unwrap()],
        ..super::ViewOptions::default()
    };
    let views = super::build_views_for(&loaded.mib, &options);
    Harness {
        app: App::new(shared, views, width, height),
        now,
        width,
        height,
        started: Vec::new(),
        effects: Vec::new(),
    }
}

/// linkDown or linkUp of `index`, as the switch sends it, received at 12:00:00 + `secs`.
fn link(up: bool, index: u32, secs: u64) -> Event {
    use crate::traps::notification::{Notification, NotificationKind, NotificationSecurity};
    let flap = crate::agent::flap::Flap {
        if_index: index,
        period: Duration::from_secs(15),
    };
    let varbinds = flap.notification(up, 1500, Value::Integer(1));
    let trap_oid = match &varbinds[1].value {
        Value::ObjectId(o) => o.clone(),
        _ => unreachable!(),
    };
    let n = Notification {
        received_at: std::time::UNIX_EPOCH + Duration::from_secs(1_796_385_600 + secs),
        source: "192.0.2.7:50123".parse().unwrap(),
        local: None,
        version: crate::proto::Version::V2c,
        kind: NotificationKind::Trap,
        security: NotificationSecurity::Community {
            label: "public".into(),
        },
        request_id: crate::proto::RequestId(7),
        uptime: Some(1500),
        trap_oid,
        varbinds,
        v1: None,
    };
    Event::Trap(super::event::TrapEvent::Received {
        notification: std::sync::Arc::new(n),
        lost: 0,
    })
}

#[test]
fn traps_view_at_both_sizes_newest_first_with_details() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = with_traps(w, ht);
        h.event(link(false, 10107, 0));
        h.event(link(true, 10107, 15));
        h.event(link(false, 10105, 20));
        // The tab counts what arrived while another view was shown.
        let tabs = h.screen().lines().next().unwrap().to_string();
        let tab = if w >= 100 { "5 Traps +3" } else { "5 Tra +3" };
        assert!(tabs.contains(tab), "{tabs}");
        h.keys("5");
        let screen = h.screen();
        assert!(screen.contains("3 received"), "{screen}");
        let first = screen.lines().find(|l| l.contains("IF-MIB::link")).unwrap();
        assert!(
            first.contains("12:00:20") && first.contains("linkDown"),
            "{screen}"
        );
        assert!(screen.contains("IF-MIB::ifOperStatus.10105"), "{screen}");
        assert!(screen.contains("down(2)"), "{screen}");
        insta::assert_snapshot!(format!("traps_{w}x{ht}"), screen);
    }
}

#[test]
fn traps_view_follows_the_feed_at_the_top_and_stays_put_below() {
    let mut h = with_traps(160, 48);
    h.keys("5");
    h.event(link(false, 1, 0));
    h.event(link(false, 2, 1));
    h.keys("j"); // on the first one (ifIndex 1)
    h.event(link(false, 3, 2));
    let details = |h: &Harness| {
        let screen = h.screen();
        let at = screen.find("Details").unwrap();
        screen[at..].to_string()
    };
    assert!(
        details(&h).contains("IF-MIB::ifIndex.1 "),
        "stays on what it shows"
    );
    h.key(KeyCode::Home);
    h.event(link(false, 4, 3));
    assert!(
        details(&h).contains("IF-MIB::ifIndex.4 "),
        "at the top it follows"
    );
    // Filter: only the linkUps (none), then ifIndex.2.
    h.keys("/linkup");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("filter \"linkup\": 0"));
    h.key(KeyCode::Esc);
    h.keys("/ifIndex.2=");
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("filter \"ifIndex.2=\": 1"),
        "{}",
        h.screen()
    );
    // A refusal is counted with its reason.
    h.event(Event::Trap(super::event::TrapEvent::Refused {
        from: "192.0.2.9:162".parse().unwrap(),
        why: "unknownCommunity".into(),
    }));
    assert!(
        h.screen()
            .contains("1 refused, last: unknownCommunity from 192.0.2.9:162"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_pass_phrase_asked_for_hidden_then_the_views_start() {
    use super::app::Effect;
    use super::views::login::LoginPrompt;
    let mut h = Harness::new(80, 24, true);
    // Not connected yet: the agent waits for its privacy pass phrase.
    let agent = h.app.shared.agent.take().unwrap();
    h.app.ask_login(LoginPrompt::new(
        "lab (udp:192.0.2.1:161)",
        crate::session::Secret::PrivPassphrase,
    ));
    h.keys("2"); // a key for the prompt, not a view switch
    h.keys("ecret");
    let screen = h.screen();
    assert!(screen.contains("needs its privacy pass phrase"), "{screen}");
    assert!(screen.contains("pass phrase: ••••••"), "{screen}");
    assert!(!screen.contains("2ecret"), "{screen}");
    h.key(KeyCode::Enter);
    let login = h
        .effects
        .iter()
        .find(|e| matches!(e, Effect::Login(_)))
        .expect("a login effect");
    assert!(!format!("{login:?}").contains("2ecret"), "{login:?}");
    assert!(h.screen().contains("connecting…"));
    h.app.login_failed(
        Some("the agent refused the credentials: wrong digest"),
        None,
    );
    assert!(h.screen().contains("refused the credentials"));
    // Connected: the prompt closes and the interfaces view polls once shown.
    let views = super::build_views(&h.app.shared.mib, true, None, 24);
    for e in h.app.connected(agent, views) {
        if let Effect::Start { id, spec } = &e {
            h.started.push((*id, spec.clone()));
        }
    }
    assert!(h.app.login().is_none());
    h.keys("2");
    assert!(
        h.started
            .iter()
            .any(|(_, s)| matches!(s, RequestSpec::Poll(_))),
        "{:?}",
        h.started
    );
}

#[test]
fn a_mib_reload_keeps_the_rates_their_poll_and_the_browsers_place() {
    let mut h = Harness::new(160, 48, true);
    let store = switch(h.now);
    // The browser at ifAlias; then the interfaces, polled twice, a third poll in flight.
    h.keys(":ifAlias");
    h.key(KeyCode::Enter);
    h.keys("2");
    h.wait(Duration::from_millis(10));
    answer_poll(&mut h, &store);
    h.wait(Duration::from_secs(2));
    answer_poll(&mut h, &store);
    h.wait(Duration::from_secs(2));
    let in_flight = h
        .started
        .iter()
        .find(|(_, s)| matches!(s, RequestSpec::Poll(_)))
        .map(|(id, _)| *id)
        .expect("a poll in flight");
    // The reload lands: views rebuilt on the new MIB at the browser's place.
    let mib = super::tests::loaded().mib.clone();
    let at = h.app.browser_node().expect("the browser is somewhere");
    assert_eq!(mib.node(at).oid().to_string(), ".1.3.6.1.2.1.31.1.1.1.18");
    let views = super::build_views(&mib, true, Some(at), 48);
    let effects = h.app.replace_mib(super::tests::loaded(), views);
    assert!(
        !effects.contains(&super::app::Effect::Cancel(in_flight)),
        "the interfaces' poll goes on: {effects:?}"
    );
    // Its answer is taken as the third sample: rates at once, not a first sample again.
    answer_poll(&mut h, &store);
    let screen = h.screen();
    assert!(row(&screen, "Gi1/0/1").contains("45.8M"), "{screen}");
    h.keys("1");
    let screen = h.screen();
    assert!(screen.contains("Name      IF-MIB::ifAlias"), "{screen}");
}
