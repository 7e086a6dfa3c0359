//! The live views as a user meets them: the real binary under tmux against the demo's
//! simulated switch and against Net-SNMP's snmpd. Switch to the interfaces, sort and filter
//! them, watch the demo's link flap; open a table from the browser; set sysLocation from the
//! system view with confirmation and read it back with snmpget; keys answer while a poll
//! waits on a silent agent.
//!
//! Each UI runs under a guard that ends the process (TERM, then KILL) and the tmux server
//! whatever happens, so no `mibscope tui` or `demo` outlives its test.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::agent::net_snmp;
use common::tmux::Tmux;
use common::{MIBSCOPE, Snmpd, free_udp_port};

/// A UI in tmux whose process is ended when the guard drops.
struct Ui {
    tmux: Tmux,
    pidfile: PathBuf,
}

impl Ui {
    /// Runs `mibscope ARGS` in a `width` x `height` terminal; `None` without tmux (outside CI).
    fn start(args: &str, width: u16, height: u16) -> Option<Ui> {
        Ui::start_with_env("", args, width, height)
    }

    /// `start` with `env` (`NAME=value ...`) in mibscope's environment.
    fn start_with_env(env: &str, args: &str, width: u16, height: u16) -> Option<Ui> {
        let dir = common::tempdir("live-ui");
        let pidfile = dir.join("pid");
        let cmd = format!(
            "sh -c 'echo $$ > {}; exec env {env} {MIBSCOPE} {args}'",
            pidfile.display()
        );
        let tmux = Tmux::start(&cmd, width, height)?;
        Some(Ui { tmux, pidfile })
    }

    fn pid(&self) -> Option<String> {
        std::fs::read_to_string(&self.pidfile)
            .ok()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
    }
}

impl std::ops::Deref for Ui {
    type Target = Tmux;
    fn deref(&self) -> &Tmux {
        &self.tmux
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        let Some(pid) = self.pid() else { return };
        let alive = || std::path::Path::new(&format!("/proc/{pid}")).exists();
        let kill = |signal: &str| {
            let _ = std::process::Command::new("kill")
                .args([signal, &pid])
                .stderr(std::process::Stdio::null())
                .status();
        };
        kill("-TERM");
        let started = Instant::now();
        while alive() && started.elapsed() < Duration::from_secs(3) {
            std::thread::sleep(Duration::from_millis(20));
        }
        if alive() {
            kill("-KILL");
        }
        // The tmux server goes with `tmux`'s own guard.
    }
}

/// The screen line holding `word` as a whole word.
fn line_with<'a>(screen: &'a str, word: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == word))
}

#[test]
fn demo_interfaces_sorted_filtered_and_a_link_flapping() {
    let Some(ui) = Ui::start("demo", 160, 40) else {
        return;
    };
    // The demo opens on the interfaces; rates appear from the second poll.
    let screen = ui.wait_until("rates of Gi1/0/1", |s| {
        line_with(s, "Gi1/0/1").is_some_and(|l| l.contains("45.8M"))
    });
    assert!(screen.contains("57 interfaces"), "{screen}");
    // Sort by In (s: Index → Name → Alias → Status → Speed → In): the port-channel first.
    ui.keys(&["s", "s", "s", "s", "s"]);
    let screen = ui.wait_for("In b/s▼");
    let first = screen.lines().nth(3).unwrap_or("");
    assert!(first.contains("Po1"), "{screen}");
    // Filter to the flapping port and watch it go down (15 s up, 15 s down).
    ui.keys(&["/"]);
    ui.type_text("Gi1/0/7");
    ui.keys(&["Enter"]);
    ui.wait_for("filter \"Gi1/0/7\": 1");
    let screen = ui.wait_until("Gi1/0/7 down", |s| {
        line_with(s, "Gi1/0/7").is_some_and(|l| l.contains(" down "))
    });
    let row = line_with(&screen, "Gi1/0/7").unwrap();
    assert!(!row.contains("45.8M"), "{row}");
    // Bytes instead of bits, then the details with the history of the port.
    ui.keys(&["b"]);
    ui.wait_for("In B/s");
    ui.keys(&["Enter"]);
    let screen = ui.wait_for("Gi1/0/7 · history");
    assert!(screen.contains("Type      ethernetCsmacd(6)"), "{screen}");
    ui.keys(&["q"]);
}

#[test]
fn a_table_opened_from_the_browser_sorted_and_exported() {
    let Some(ui) = Ui::start("demo", 120, 30) else {
        return;
    };
    ui.wait_for("57 interfaces");
    ui.keys(&["1", ":"]);
    ui.type_text("ifXTable");
    ui.keys(&["Enter"]);
    ui.wait_for("Name      IF-MIB::ifXTable");
    ui.keys(&["t"]);
    ui.wait_for("IF-MIB::ifXTable: 57 rows");
    // Sort by ifName: the column cursor one to the right, then s.
    ui.keys(&["Right", "s"]);
    let screen = ui.wait_for("by ifName ▲");
    // Names in the order people count: Fa0, then Gi1/0/1, Gi1/0/2 ... Gi1/0/10.
    assert!(
        screen.lines().nth(3).unwrap_or("").contains("Fa0 "),
        "{screen}"
    );
    assert!(
        screen.lines().nth(4).unwrap_or("").contains("Gi1/0/1 "),
        "{screen}"
    );
    let dir = common::tempdir("export");
    let path = dir.join("ifx.json");
    ui.keys(&["E", "C-u"]);
    ui.type_text(&path.display().to_string());
    ui.keys(&["Enter"]);
    ui.wait_for("wrote 57 rows to");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(57));
    assert_eq!(rows[1]["ifName"], "Gi1/0/1", "{text}");
    assert_eq!(rows[10]["ifName"], "Gi1/0/10", "{text}");
    assert!(
        rows[1]["ifHCInOctets"].as_u64().is_some_and(|n| n > 0),
        "{text}"
    );
    ui.keys(&["q"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn snmpd_system_view_set_location_read_back_and_its_interfaces() {
    let Some(snmpd) = Snmpd::start("") else {
        return;
    };
    let Some(ui) = Ui::start(&format!("tui -v2c -c private {}", snmpd.agent()), 100, 30) else {
        return;
    };
    ui.wait_for("MIB tree");
    ui.keys(&["3"]);
    ui.wait_for("Uptime");
    // Location is the sixth line: edit, check, confirm.
    ui.keys(&["j", "j", "j", "j", "j", "e"]);
    ui.wait_for("Set a value");
    ui.keys(&["C-u"]);
    ui.type_text("cage 4, row 2");
    ui.keys(&["Enter"]);
    ui.wait_for("Send SetRequest .1.3.6.1.2.1.1.6.0 = \"cage 4, row 2\"?");
    ui.keys(&["y"]);
    // The view reads the system group back after the set.
    ui.wait_until("the new location on screen", |s| {
        s.lines()
            .any(|l| l.contains("Location") && l.contains("cage 4, row 2"))
    });
    let back = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &snmpd.agent(), ".1.3.6.1.2.1.1.6.0"],
    );
    assert!(back.stdout.contains("cage 4, row 2"), "{back:?}");
    // The interfaces of the machine snmpd runs on: the loopback is up.
    ui.keys(&["2"]);
    let screen = ui.wait_until("the loopback interface", |s| {
        line_with(s, "lo").is_some_and(|l| l.contains(" up "))
    });
    assert!(screen.contains("interfaces,"), "{screen}");
    ui.keys(&["q"]);
}

#[test]
fn a_silent_agent_leaves_the_interfaces_view_answering_keys() {
    let port = free_udp_port();
    let args = format!("tui -v2c -c public -t 2 -r 1 udp:127.0.0.1:{port}");
    let Some(ui) = Ui::start(&args, 100, 24) else {
        return;
    };
    ui.wait_for("MIB tree");
    ui.keys(&["2"]);
    ui.wait_for("waiting for the first poll");
    // The poll is unanswered; the filter field takes keys at once.
    let pressed = Instant::now();
    ui.keys(&["/"]);
    ui.type_text("eth");
    ui.wait_for("filter: eth");
    let latency = pressed.elapsed();
    eprintln!("filter typed in {latency:?} while a poll waited on a silent agent");
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    ui.keys(&["Escape"]);
    // The engine retries (progress in the status line), then gives up: the view says so.
    ui.wait_for(&format!("poll failed: no response from 127.0.0.1:{port}"));
    ui.keys(&["q"]);
}

#[test]
fn demo_trap_feed_shows_the_flapping_links_link_down() {
    let Some(ui) = Ui::start("demo", 120, 30) else {
        return;
    };
    ui.wait_for("57 interfaces");
    // Gi1/0/7 goes down 15 s after the start: the switch sends linkDown to the UI's listener.
    ui.wait_for("Traps +1");
    ui.keys(&["5"]);
    let screen = ui.wait_for("IF-MIB::linkDown");
    assert!(screen.contains("1 received"), "{screen}");
    assert!(screen.contains("IF-MIB::ifOperStatus.10107"), "{screen}");
    assert!(screen.contains("down(2)"), "{screen}");
    ui.keys(&["q"]);
}

#[test]
fn net_snmp_traps_into_the_tui_listener_accepted_and_refused() {
    if common::missing("snmptrap") {
        return;
    }
    let port = free_udp_port();
    let args = format!("tui --listen 127.0.0.1:{port} --trap-community sesame");
    let Some(ui) = Ui::start(&args, 140, 32) else {
        return;
    };
    ui.wait_for("MIB tree");
    ui.keys(&["2"]);
    ui.wait_for(&format!("listening on udp:127.0.0.1:{port}"));
    let target = format!("127.0.0.1:{port}");
    // linkUp of ifIndex 3 with its description, from Net-SNMP's snmptrap (v2c).
    let sent = common::net_snmp(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "sesame",
            &target,
            "4242",
            ".1.3.6.1.6.3.1.1.5.4",
            ".1.3.6.1.2.1.2.2.1.1.3",
            "i",
            "3",
            ".1.3.6.1.2.1.2.2.1.2.3",
            "s",
            "uplink\x1b[2J",
        ],
    );
    assert!(sent.status.success(), "{}", common::stderr(&sent));
    let screen = ui.wait_for("IF-MIB::linkUp");
    assert!(screen.contains("IF-MIB::ifDescr.3"), "{screen}");
    assert!(
        screen.contains("uplink\\x1b[2J"),
        "control bytes shown, not sent: {screen}"
    );
    assert!(
        screen.contains("0:00:42.42"),
        "the sender's uptime: {screen}"
    );
    // An SNMPv1 trap, translated (RFC 3584): linkDown is generic-trap 2.
    let sent = common::net_snmp(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "sesame",
            &target,
            ".1.3.6.1.4.1.8072",
            "127.0.0.1",
            "2",
            "0",
            "",
            ".1.3.6.1.2.1.2.2.1.1.3",
            "i",
            "3",
        ],
    );
    assert!(sent.status.success(), "{}", common::stderr(&sent));
    ui.wait_until("the v1 trap on top", |s| {
        s.lines()
            .find(|l| l.contains("IF-MIB::link"))
            .is_some_and(|l| l.contains("linkDown"))
    });
    ui.wait_for("2 received");
    // A community the listener was not given is refused, and the view says so.
    let sent = common::net_snmp(
        "snmptrap",
        &["-v2c", "-c", "public", &target, "", ".1.3.6.1.6.3.1.1.5.3"],
    );
    assert!(sent.status.success());
    ui.wait_for("1 refused, last: unknown_community");
    ui.keys(&["q"]);
}

#[test]
fn a_profile_without_its_privacy_pass_phrase_is_asked_for_it() {
    let Some(snmpd) = Snmpd::start(&common::v3_user_config()) else {
        return;
    };
    let dir = common::tempdir("profiles");
    let profiles = dir.join("profiles.toml");
    let text = format!(
        "[agents.lab]\naddress = \"{}\"\nversion = \"3\"\nuser = \"sha-aes\"\nlevel = \"authPriv\"\n\
         auth_protocol = \"SHA\"\nauth_passphrase = \"sha-aes_authpass\"\npriv_protocol = \"AES\"\n\
         timeout = 1.0\nretries = 1\n",
        snmpd.agent()
    );
    std::fs::write(&profiles, &text).unwrap();
    let env = format!("MIBSCOPE_PROFILES={}", profiles.display());
    let Some(ui) = Ui::start_with_env(&env, "tui @lab", 100, 30) else {
        return;
    };
    ui.wait_for("needs its privacy pass phrase");
    ui.type_text("not-the-passphrase");
    ui.keys(&["Enter"]);
    ui.wait_for("refused the credentials");
    ui.type_text("sha-aes_privpass");
    ui.keys(&["Enter"]);
    ui.wait_for("connected to");
    ui.keys(&["3"]);
    // v3: the engine's objects are shown with the system group.
    let screen = ui.wait_for("Engine ID       0x80001f88");
    assert!(screen.contains("Name          ✎ interop-agent"), "{screen}");
    ui.keys(&["q"]);
    // Nothing was written: the profile is as it was, no file holds the pass phrase.
    assert_eq!(std::fs::read_to_string(&profiles).unwrap(), text);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("sha-aes_privpass"),
            "{} holds the pass phrase",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A small simulated agent named `name` with one interface `port`.
fn named_agent(name: &str, port: &str) -> mibscope::agent::runner::BackgroundAgent {
    use mibscope::agent::snapshot::Snapshot;
    use mibscope::agent::store::StoreOptions;
    let text = format!(
        ".1.3.6.1.2.1.1.1.0 STRING \"{name} simulated\"\n\
         .1.3.6.1.2.1.1.3.0 Timeticks uptime\n\
         .1.3.6.1.2.1.1.5.0 STRING \"{name}\"\n\
         .1.3.6.1.2.1.2.1.0 INTEGER 1\n\
         .1.3.6.1.2.1.2.2.1.1.1 INTEGER 1\n\
         .1.3.6.1.2.1.2.2.1.2.1 STRING \"{port}\"\n\
         .1.3.6.1.2.1.2.2.1.7.1 INTEGER 1\n\
         .1.3.6.1.2.1.2.2.1.8.1 INTEGER 1\n\
         .1.3.6.1.2.1.2.2.1.10.1 Counter32 100 rate=1000\n\
         .1.3.6.1.2.1.2.2.1.16.1 Counter32 100 rate=1000\n"
    );
    let snapshot = Snapshot::parse(&text, name).unwrap();
    common::agent::start(
        &snapshot,
        &StoreOptions::default(),
        mibscope::agent::AgentConfig::default(),
    )
}

#[test]
fn the_agents_popup_switches_to_another_profile() {
    let alpha = named_agent("alpha-sw", "AlphaPort1");
    let beta = named_agent("beta-rtr", "BetaPort9");
    let dir = common::tempdir("agents");
    let profiles = dir.join("profiles.toml");
    let text = format!(
        "[agents.alpha]\naddress = \"{}\"\nversion = \"2c\"\ncommunity = \"public\"\n\
         timeout = 1.0\nretries = 1\nlabels = {{ site = \"lab\" }}\n\n\
         [agents.beta]\naddress = \"{}\"\nversion = \"2c\"\ncommunity = \"public\"\n\
         timeout = 1.0\nretries = 1\n",
        common::agent::spec(alpha.local_addr()),
        common::agent::spec(beta.local_addr()),
    );
    std::fs::write(&profiles, &text).unwrap();
    let env = format!("MIBSCOPE_PROFILES={}", profiles.display());
    let Some(ui) = Ui::start_with_env(&env, "tui @alpha --interval 0.5", 120, 30) else {
        return;
    };
    ui.wait_for("MIB tree");
    ui.keys(&["3"]);
    ui.wait_for("alpha-sw");
    ui.keys(&["2"]);
    ui.wait_for("AlphaPort1");
    // The popup lists both profiles, the one connected now marked; never the community.
    ui.keys(&["A"]);
    let screen = ui.wait_for("beta ");
    assert!(screen.contains("Connected now"), "{screen}");
    assert!(screen.contains("site=lab"), "{screen}");
    assert!(!screen.contains("public"), "{screen}");
    ui.keys(&["Down", "Enter"]);
    let beta_label = format!("beta ({})", common::agent::spec(beta.local_addr()));
    ui.wait_for(&format!("connected to {beta_label}"));
    // The interfaces view starts again on beta: its port, not alpha's.
    let screen = ui.wait_for("BetaPort9");
    assert!(!screen.contains("AlphaPort1"), "{screen}");
    assert!(screen.contains(&beta_label), "the header: {screen}");
    ui.keys(&["3"]);
    let screen = ui.wait_for("beta-rtr");
    assert!(!screen.contains("alpha-sw"), "{screen}");
    ui.keys(&["q"]);
    let _ = std::fs::remove_dir_all(dir);
}
