//! Whole screens, drawn with ratatui's `TestBackend` from an `App` driven by events, at
//! 80x24 and 160x48 (insta snapshots under `snapshots/`), and the behaviour behind them:
//! keys answered while a request is pending, requests dropped when their view is left,
//! hostile text from an agent shown as characters.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Effect};
use super::backend::{self, AgentInfo};
use super::component::{Input, Shared};
use super::event::Event;
use super::request::{Failure, Reply, RequestId, RequestSpec};
use super::{build_views, ui};
use crate::mib_handle::{LoadedMib, MibHandle};
use crate::mib_store::{MibConfig, ModuleSelection};
use crate::proto::engine::RequestError;
use crate::proto::{Oid, Value, VarBind};

/// The modules mibscope ships, compiled once for all the tests (no directories, no cache).
/// The default modules from what mibscope ships only: no directories, no disk cache.
pub(crate) fn embedded_config() -> MibConfig {
    MibConfig {
        modules: ModuleSelection::Default { extra: Vec::new() },
        dirs: Vec::new(),
        embedded: true,
        cache_dir: None,
        strict: false,
    }
}

pub(super) fn loaded() -> Arc<LoadedMib> {
    static MIB: OnceLock<Arc<LoadedMib>> = OnceLock::new();
    MIB.get_or_init(|| MibHandle::new(embedded_config()).get())
        .clone()
}

fn mib() -> Arc<crate::mib::Mib> {
    loaded().mib.clone()
}

fn agent() -> AgentInfo {
    AgentInfo {
        label: "udp:192.0.2.1:161".into(),
        security: "v2c".into(),
        timeout: Duration::from_secs(1),
        retries: 2,
    }
}

pub(super) struct Harness {
    pub(super) app: App,
    pub(super) now: Instant,
    pub(super) width: u16,
    pub(super) height: u16,
    /// Requests started and not yet answered by the test.
    pub(super) started: Vec<(RequestId, RequestSpec)>,
    pub(super) effects: Vec<Effect>,
}

impl Harness {
    pub(super) fn new(width: u16, height: u16, connected: bool) -> Harness {
        let mib = mib();
        let now = Instant::now();
        let shared = Shared {
            mib: mib.clone(),
            loaded: loaded(),
            agent: connected.then(agent),
            now,
        };
        let views = build_views(&mib, connected, None, height);
        Harness {
            app: App::new(shared, views, width, height),
            now,
            width,
            height,
            started: Vec::new(),
            effects: Vec::new(),
        }
    }

    pub(super) fn event(&mut self, event: Event) {
        for e in self.app.handle(event, self.now) {
            if let Effect::Start { id, spec } = &e {
                self.started.push((*id, spec.clone()));
            }
            self.effects.push(e);
        }
    }

    pub(super) fn key(&mut self, code: KeyCode) {
        self.event(Event::Input(Input::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))));
    }

    pub(super) fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub(super) fn wait(&mut self, d: Duration) {
        self.now += d;
        self.event(Event::Tick);
    }

    /// Answers the oldest pending request with `varbinds`.
    pub(super) fn answer(&mut self, varbinds: &[(&str, Value)]) {
        let (id, _) = self.started.remove(0);
        let vbs: Vec<VarBind> = varbinds
            .iter()
            .map(|(oid, v)| VarBind::new(oid.parse::<Oid>().unwrap(), v.clone()))
            .collect();
        let rows = backend::rows(&vbs, &loaded().names);
        self.event(Event::Reply {
            id,
            reply: Reply::Done {
                rows,
                took: Duration::from_millis(12),
            },
        });
    }

    pub(super) fn screen(&self) -> String {
        let mut t = Terminal::new(TestBackend::new(self.width, self.height)).unwrap();
        t.draw(|f| ui::render(f, &self.app)).unwrap();
        t.backend().to_string()
    }
}

pub(super) fn text(s: &str) -> Value {
    Value::OctetString(s.as_bytes().to_vec())
}

#[test]
fn offline_browser_at_both_sizes() {
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = Harness::new(w, h, false).screen();
        assert!(screen.contains("system(1)"), "{screen}");
        assert!(screen.contains("offline"), "{screen}");
        insta::assert_snapshot!(format!("offline_browser_{w}x{h}"), screen);
    }
}

#[test]
fn moving_and_expanding_updates_the_details() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(w, ht, false);
        h.keys("l"); // expand system
        h.keys("j"); // sysDescr
        let screen = h.screen();
        assert!(screen.contains("sysDescr(1)"), "{screen}");
        assert!(screen.contains("SNMPv2-MIB::sysDescr"), "{screen}");
        assert!(screen.contains("SIZE (0..255)"), "{screen}");
        insta::assert_snapshot!(format!("details_sysdescr_{w}x{ht}"), screen);
    }
}

#[test]
fn search_finds_by_letters_in_order_and_opens_the_hit() {
    let mut h = Harness::new(80, 24, false);
    h.keys("/ifhcinoct");
    let screen = h.screen();
    assert!(screen.contains("IF-MIB::ifHCInOctets"), "{screen}");
    insta::assert_snapshot!("search_popup_80x24", screen);
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("ifHCInOctets(6)"),
        "the tree shows the hit: {screen}"
    );
    assert!(screen.contains(".1.3.6.1.2.1.31.1.1.1.6"), "{screen}");
}

#[test]
fn search_looks_into_descriptions_once_typing_pauses() {
    let mut h = Harness::new(160, 48, false);
    h.keys("/authoritative identification");
    assert!(!h.screen().contains("in description"));
    assert!(h.started.is_empty(), "nothing while typing");
    h.wait(Duration::from_millis(400));
    // The files are read off the UI thread: a local request, shown like any other.
    let (id, spec) = h.started.remove(0);
    let RequestSpec::SearchDescriptions(query) = spec else {
        panic!("{spec:?}");
    };
    assert!(
        h.screen()
            .contains("searching descriptions for \"authoritative identification\"")
    );
    let nodes = backend::search_descriptions(&mib(), &query, &|| false);
    h.event(Event::Reply {
        id,
        reply: Reply::Found(nodes),
    });
    let screen = h.screen();
    assert!(
        screen.contains("SNMPv2-MIB::sysObjectID (in description)"),
        "{screen}"
    );
    // Typing again cancels a search still running.
    h.keys(" x");
    h.wait(Duration::from_millis(400));
    let (id, _) = h.started.remove(0);
    h.keys("y");
    assert!(h.effects.contains(&Effect::Cancel(id)));
}

#[test]
fn goto_takes_names_with_instances_and_numeric_oids() {
    let mut h = Harness::new(80, 24, true);
    h.keys(":IF-MIB::ifDescr.3");
    h.key(KeyCode::Enter);
    h.keys("g");
    let (_, spec) = h.started.last().cloned().unwrap();
    assert_eq!(
        spec,
        RequestSpec::Get(vec![".1.3.6.1.2.1.2.2.1.2.3".parse().unwrap()])
    );
    h.keys(":.1.3.6.1.2.1.1.5");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("SNMPv2-MIB::sysName"));
    h.keys(":noSuchThing");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Unknown Object Identifier"),
        "the prompt says why: {screen}"
    );
}

#[test]
fn walk_results_and_history() {
    let mut h = Harness::new(80, 24, true);
    h.keys("w");
    assert_eq!(h.started.len(), 1);
    assert!(h.screen().contains("waiting for the agent"));
    h.answer(&[
        (".1.3.6.1.2.1.1.1.0", text("Cisco IOS Software, C2960X")),
        (".1.3.6.1.2.1.1.3.0", Value::TimeTicks(123_456)),
        (".1.3.6.1.2.1.1.5.0", text("sw1")),
        (".1.3.6.1.2.1.1.7.0", Value::Integer(6)),
    ]);
    let screen = h.screen();
    assert!(screen.contains("SNMPv2-MIB::sysName.0"), "{screen}");
    assert!(
        screen.contains("0:20:34.56"),
        "TimeTicks rendered: {screen}"
    );
    insta::assert_snapshot!("walk_results_80x24", screen);
    // A second request, then back to the first in the history.
    h.keys("l");
    h.keys("j");
    h.keys("g");
    h.answer(&[(".1.3.6.1.2.1.1.1.0", text("Cisco IOS Software, C2960X"))]);
    assert!(h.screen().contains("Results 2/2"));
    h.keys("[");
    assert!(h.screen().contains("Results 1/2"));
}

#[test]
fn a_silent_agent_shows_progress_and_keys_still_answer() {
    let mut h = Harness::new(80, 24, true);
    h.keys("g"); // system has no instance: getnext
    h.wait(Duration::from_millis(1500));
    let screen = h.screen();
    assert!(
        screen.contains("no answer yet, gives up at 3.0 s"),
        "{screen}"
    );
    insta::assert_snapshot!("pending_request_80x24", screen);
    // The engine's progress replaces the generic note.
    let (id, _) = h.started[0].clone();
    h.event(Event::Reply {
        id,
        reply: Reply::Progress(crate::tui::sanitize::SafeText::new(
            "no reply yet: retry 1/2",
        )),
    });
    assert!(h.screen().contains("no reply yet: retry 1/2"));
    // The tree still moves while the request is pending.
    h.keys("l");
    h.keys("j");
    assert!(h.screen().contains("SNMPv2-MIB::sysDescr"));
    // The engine gives up: the failure is shown, not a crash.
    let (id, _) = h.started.remove(0);
    h.event(Event::Reply {
        id,
        reply: Reply::Failed(Failure::Request(RequestError::Timeout {
            addr: "192.0.2.1:161".parse().unwrap(),
            attempts: 3,
            hint: None,
        })),
    });
    let screen = h.screen();
    assert!(
        screen.contains("no response from 192.0.2.1:161 after 3 attempts"),
        "{screen}"
    );
}

#[test]
fn esc_cancels_and_leaving_the_view_drops_the_request() {
    let mut h = Harness::new(80, 24, true);
    h.keys("w");
    let (id, _) = h.started[0].clone();
    h.key(KeyCode::Esc);
    assert!(h.effects.contains(&Effect::Cancel(id)), "{:?}", h.effects);
    h.keys("w");
    let (second, _) = h.started[1].clone();
    h.key(KeyCode::Tab);
    assert!(
        h.effects.contains(&Effect::Cancel(second)),
        "switching views cancels"
    );
    // Connected, the next view is the interfaces table, which polls at once.
    assert!(h.screen().contains("waiting for the first poll"));
    // A late reply for the cancelled request is dropped without a trace.
    h.answer(&[(".1.3.6.1.2.1.1.5.0", text("late"))]);
    h.key(KeyCode::Esc); // back to the browser
    let screen = h.screen();
    assert!(screen.contains("cancelled"), "{screen}");
    assert!(!screen.contains("late"), "{screen}");
}

#[test]
fn agent_text_cannot_drive_the_terminal() {
    let mut h = Harness::new(80, 24, true);
    h.keys("w");
    h.answer(&[(
        ".1.3.6.1.2.1.1.1.0",
        text("evil\x1b]52;c;AAAA\x07\x1b[2J\u{202e}"),
    )]);
    let screen = h.screen();
    assert!(!screen.contains('\x1b'), "{screen:?}");
    // The value formatter escapes what an agent sent as Net-SNMP-style text
    // (`output::terminal`); whatever it lets through, `SafeText` shows as symbols.
    assert!(
        screen.contains(r"evil\x1b]52;c;AAAA\x07\x1b[2J"),
        "{screen}"
    );
}

#[test]
fn set_editor_checks_the_value_and_asks_before_sending() {
    let mut h = Harness::new(80, 24, true);
    h.keys(":sysLocation.0");
    h.key(KeyCode::Enter);
    h.keys("e");
    h.keys(&"x".repeat(300));
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("the size must be SIZE (0..255)"));
    h.event(Event::Input(Input::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    ))));
    h.keys("rack 7");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Send SetRequest .1.3.6.1.2.1.1.6.0 = \"rack 7\"?"),
        "{screen}"
    );
    insta::assert_snapshot!("set_confirm_80x24", screen);
    assert!(
        h.started.is_empty(),
        "nothing is sent before the confirmation"
    );
    h.keys("y");
    let (_, spec) = h.started[0].clone();
    assert_eq!(
        spec,
        RequestSpec::Set(vec![VarBind::new(
            ".1.3.6.1.2.1.1.6.0".parse().unwrap(),
            text("rack 7")
        )])
    );
}

#[test]
fn read_only_objects_are_not_edited() {
    let mut h = Harness::new(80, 24, true);
    h.keys(":sysDescr");
    h.key(KeyCode::Enter);
    h.keys("e");
    assert!(
        h.screen()
            .contains("sysDescr is read-only: it cannot be set")
    );
}

#[test]
fn watch_shows_deltas_and_rates() {
    let mut h = Harness::new(160, 48, true);
    h.keys(":ifInOctets.1");
    h.key(KeyCode::Enter);
    h.keys("W");
    h.answer(&[(".1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(u32::MAX - 999))]);
    h.wait(Duration::from_secs(2));
    assert_eq!(h.started.len(), 1, "polled again after the interval");
    h.answer(&[(".1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(1000))]);
    let screen = h.screen();
    assert!(screen.contains("+2000"), "the wrap is counted: {screen}");
    assert!(screen.contains("1000.0/s"), "{screen}");
    h.keys("W");
    h.wait(Duration::from_secs(5));
    assert!(h.started.is_empty(), "a stopped watch polls no more");
}

#[test]
fn help_lists_the_keys_of_the_view() {
    let mut big = Harness::new(160, 48, true);
    big.keys("?");
    insta::assert_snapshot!("help_160x48", big.screen());
    let mut h = Harness::new(80, 24, true);
    h.keys("?");
    let screen = h.screen();
    assert!(screen.contains("search"), "{screen}");
    assert!(screen.contains("cross-references"), "{screen}");
    insta::assert_snapshot!("help_80x24", screen);
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains(" Keys "));
}

#[test]
fn the_other_views() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(w, ht, false);
        for (n, name, expect) in [
            ('2', "modules", "AGENTX-MIB"),
            ('3', "types", "Textual conventions"),
            ('4', "diagnostics", "Diagnostics"),
        ] {
            h.keys(&n.to_string());
            let screen = h.screen();
            assert!(screen.contains(expect), "{screen}");
            insta::assert_snapshot!(format!("{name}_{w}x{ht}"), screen);
        }
    }
}

fn click(h: &mut Harness, column: u16, row: u16) {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    h.event(Event::Input(Input::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })));
}

#[test]
fn mouse_clicks_select_expand_and_switch_views() {
    let mut h = Harness::new(80, 24, false);
    let row = h
        .screen()
        .lines()
        .position(|l| l.contains("interfaces(2)"))
        .unwrap() as u16;
    click(&mut h, 12, row);
    assert!(h.screen().contains("Name      IF-MIB::interfaces"));
    click(&mut h, 12, row); // a second click on the selected node expands it
    assert!(h.screen().contains("ifNumber(1)"));
    let col = h
        .screen()
        .lines()
        .next()
        .unwrap()
        .find("2 Modules")
        .unwrap() as u16;
    click(&mut h, col + 1, 0);
    assert!(h.screen().contains("Modules ·"));
}

#[test]
fn resizing_redraws_at_the_new_size_with_the_cursor_in_view() {
    let mut h = Harness::new(160, 48, false);
    h.keys(":ifHCOutOctets");
    h.key(KeyCode::Enter);
    h.event(Event::Resize {
        width: 80,
        height: 24,
    });
    (h.width, h.height) = (80, 24);
    let screen = h.screen();
    assert!(screen.contains("ifHCOutOctets(10)"), "{screen}");
}

#[test]
fn esc_stops_a_watch() {
    let mut h = Harness::new(80, 24, true);
    h.keys(":sysUpTime.0");
    h.key(KeyCode::Enter);
    h.keys("W");
    h.answer(&[(".1.3.6.1.2.1.1.3.0", Value::TimeTicks(100))]);
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("stopped: watch"));
    h.wait(Duration::from_secs(10));
    assert!(h.started.is_empty(), "no poll after Esc");
}

#[test]
fn modules_view_asks_for_a_reload_and_a_new_directory() {
    let mut h = Harness::new(80, 24, false);
    h.keys("2R");
    assert!(
        h.effects.contains(&Effect::ReloadMibs(None)),
        "{:?}",
        h.effects
    );
    assert!(h.screen().contains("loading the MIBs again"));
    h.keys("+/no/such/dir");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("/no/such/dir is not a directory"));
    h.key(KeyCode::Esc);
    // The reload finishes: the views are rebuilt on the new MIB, the same tab stays.
    let views = build_views(&mib(), false, None, 24);
    let effects = h.app.replace_mib(loaded(), views);
    assert!(effects.is_empty());
    let screen = h.screen();
    assert!(screen.contains("MIBs loaded again: 97 modules"), "{screen}");
    assert!(screen.contains("Modules ·"), "{screen}");
}
