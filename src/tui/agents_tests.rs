//! The Agents popup and switching agents, driven like the other views' tests: keys in,
//! effects and screens out (insta snapshots at 80x24 and 160x48).

use std::path::Path;
use std::time::Duration;

use crossterm::event::KeyCode;

use super::app::Effect;
use super::backend::AgentInfo;
use super::build_views;
use super::live_tests::{answer_poll, interfaces};
use super::request::RequestSpec;
use super::tests::Harness;
use super::views::agents::AgentListing;
use crate::session::Profiles;

const PROFILES: &str = r#"
[agents.core-sw1]
address = "udp:10.0.0.1:161"
version = "3"
user = "monitor"
auth_protocol = "SHA-256"
auth_passphrase_env = "CORE_AUTH"
priv_protocol = "AES"
priv_passphrase = "core-priv-secret"
labels = { site = "par1", role = "core" }

[agents.edge-rtr2]
address = "udp:10.0.3.2:161"
version = "2c"
community = "edge-community-secret"
labels = { site = "lyo2", role = "edge" }

[agents.lab]
address = "127.0.0.1:1161"
version = "1"
community = "public"
"#;

const PATH: &str = "/home/admin/.config/mibscope/profiles.toml";

fn listing() -> AgentListing {
    let profiles = Profiles::parse(Path::new(PATH), PROFILES).unwrap();
    AgentListing::new(Ok(&profiles), None)
}

/// `A` opens the popup and asks the loop for the profiles; they come back listed.
fn open(h: &mut Harness) {
    h.keys("A");
    assert!(
        h.effects.contains(&Effect::ListAgents),
        "the profiles file is read by the loop, not the app"
    );
    h.app.agents_listed(listing());
}

fn lab() -> AgentInfo {
    AgentInfo {
        label: "lab (127.0.0.1:1161)".into(),
        security: "v1".into(),
        timeout: Duration::from_secs(1),
        retries: 1,
    }
}

#[test]
fn agents_popup_at_both_sizes_never_shows_a_secret() {
    for (w, ht) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(w, ht, true);
        open(&mut h);
        let screen = h.screen();
        assert!(screen.contains("core-sw1"), "{screen}");
        assert!(screen.contains("v3 monitor authPriv"), "{screen}");
        assert!(
            screen.contains("udp:192.0.2.1:161"),
            "the agent now: {screen}"
        );
        assert!(!screen.contains("secret"), "{screen}");
        assert!(!screen.contains("public"), "{screen}");
        insta::assert_snapshot!(format!("agents_popup_{w}x{ht}"), screen);
    }
}

#[test]
fn without_a_profiles_file_the_popup_says_where_to_create_one() {
    let mut h = Harness::new(80, 24, false);
    h.keys("A");
    assert!(h.screen().contains("reading the profiles"));
    h.app.agents_listed(AgentListing::new(
        Ok(&Profiles::default()),
        Some(Path::new("/root/.config/mibscope/profiles.toml")),
    ));
    let screen = h.screen();
    assert!(screen.contains("No profiles file. Create"), "{screen}");
    assert!(
        screen.contains("/root/.config/mibscope/profiles.toml"),
        "{screen}"
    );
    assert!(screen.contains("none (offline)"), "{screen}");
    h.key(KeyCode::Enter);
    assert!(!h.effects.iter().any(|e| matches!(e, Effect::Connect(_))));
    h.key(KeyCode::Esc);
    assert!(h.app.agents().is_none(), "Esc closes");
}

#[test]
fn switching_restarts_the_live_views_on_the_new_agent() {
    let (mut h, store) = interfaces(160, 48);
    assert!(h.screen().contains("Gi1/0/1 "), "{}", h.screen());
    // A poll in flight to the old agent when the switch lands.
    h.wait(Duration::from_secs(2));
    let in_flight = h
        .started
        .iter()
        .find(|(_, s)| matches!(s, RequestSpec::Poll(_)))
        .map(|(id, _)| *id)
        .expect("a poll in flight");
    open(&mut h);
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    assert!(h.effects.contains(&Effect::Connect("lab".into())));
    assert!(h.app.agents().is_none());
    assert!(h.screen().contains("connecting to lab…"), "{}", h.screen());
    // The loop connected (through the login path) and built fresh views.
    let views = build_views(&h.app.shared.mib, true, None, h.height);
    h.started.clear();
    for e in h.app.connected(lab(), views) {
        if let Effect::Start { id, spec } = &e {
            h.started.push((*id, spec.clone()));
        }
        h.effects.push(e);
    }
    assert!(
        h.effects.contains(&Effect::Cancel(in_flight)),
        "the old agent's poll is cancelled"
    );
    let screen = h.screen();
    assert!(
        screen.contains("lab (127.0.0.1:1161)"),
        "the header: {screen}"
    );
    assert!(
        screen.contains("waiting for the first poll"),
        "history cleared: {screen}"
    );
    assert!(!screen.contains("Gi1/0/1 "), "{screen}");
    // The interfaces view polls the new agent at once, and shows what it answers.
    answer_poll(&mut h, &store);
    let screen = h.screen();
    assert!(screen.contains("Gi1/0/1 "), "{screen}");
    assert!(take_poll_left(&h).is_none(), "one poll at a time");
}

fn take_poll_left(h: &Harness) -> Option<&RequestSpec> {
    h.started
        .iter()
        .map(|(_, s)| s)
        .find(|s| matches!(s, RequestSpec::Poll(_)))
}

#[test]
fn offline_connects_through_the_popup_and_gains_the_live_views() {
    let mut h = Harness::new(80, 24, false);
    assert!(!h.screen().contains("Interfaces"));
    h.keys(":sysName");
    h.key(KeyCode::Enter);
    open(&mut h);
    h.key(KeyCode::End);
    h.key(KeyCode::Enter);
    assert!(h.effects.contains(&Effect::Connect("lab".into())));
    let at = h.app.browser_node();
    let views = super::build_views(&h.app.shared.mib, true, at, h.height);
    let effects = h.app.connected(lab(), views);
    assert!(effects.is_empty(), "{effects:?}");
    let screen = h.screen();
    assert!(
        screen.contains("Interfaces") || screen.contains("2 Int"),
        "{screen}"
    );
    assert!(
        screen.contains("sysName"),
        "the browser stays at its node: {screen}"
    );
    // The rebuilt browser queries the new agent: its keys are in the bar (an offline
    // browser kept by mistake shows only search).
    h.keys("1");
    let bar = h.screen().lines().last().unwrap_or_default().to_string();
    assert!(bar.contains("g get") && bar.contains("w walk"), "{bar}");
    h.keys("g");
    assert!(
        matches!(h.started.last(), Some((_, RequestSpec::Get(_)))),
        "{:?}",
        h.started
    );
}
