//! The TUI as a user meets it: the real binary in tmux, keys typed, the screen read back.
//! Against our simulated agent and against Net-SNMP's snmpd: search a name, get, walk,
//! set sysLocation with confirmation and read it back with snmpget; a silent agent that
//! leaves the keys answering; the terminal given back on q and on Ctrl-C.

mod common;

use std::time::{Duration, Instant};

use common::agent::{frozen_switch, net_snmp, spec};
use common::tmux::Tmux;
use common::{MIBSCOPE, Snmpd, free_udp_port};
use mibscope::agent::Faults;

/// `mibscope ARGS`, then the exit status on the terminal, kept on screen.
fn command(args: &str) -> String {
    format!("{MIBSCOPE} {args}; echo EXITED $?; sleep 60")
}

/// Quits with `key` and checks the shell got a clean terminal back.
fn quit_with(t: &Tmux, key: &str) {
    t.keys(&[key]);
    let screen = t.wait_for("EXITED 0");
    assert!(
        !screen.contains("MIB tree"),
        "the alternate screen is gone:\n{screen}"
    );
}

/// Searches `name`, opens the first hit, and waits for its details.
fn search_and_open(t: &Tmux, name: &str, qualified: &str) {
    t.keys(&["/"]);
    t.type_text(name);
    t.wait_for(qualified);
    t.keys(&["Enter"]);
    t.wait_for(&format!("Name      {qualified}"));
}

/// Sets sysLocation.0 through the editor, confirming, and waits for the agent's answer.
fn set_location(t: &Tmux, text: &str) {
    search_and_open(t, "sysLocation", "SNMPv2-MIB::sysLocation");
    t.keys(&["e"]);
    t.wait_for("Set a value");
    t.keys(&["C-u"]);
    t.type_text(text);
    t.keys(&["Enter"]);
    t.wait_for(&format!("Send SetRequest .1.3.6.1.2.1.1.6.0 = \"{text}\"?"));
    t.keys(&["y"]);
    t.wait_for(&format!("SNMPv2-MIB::sysLocation.0 = {text}"));
}

#[test]
fn simulated_agent_search_get_walk_and_set() {
    let agent = frozen_switch(Faults::default());
    let addr = spec(agent.local_addr());
    let Some(t) = Tmux::start(&command(&format!("tui -v2c -c private {addr}")), 100, 30) else {
        return;
    };
    t.wait_for("MIB tree");
    // get sysDescr.0
    search_and_open(&t, "sysDescr", "SNMPv2-MIB::sysDescr");
    t.keys(&["g"]);
    t.wait_for("get SNMPv2-MIB::sysDescr.0");
    t.wait_for("Cisco IOS Software");
    // Expand the interfaces group and walk ifTable's ifDescr column.
    t.keys(&[":"]);
    t.type_text("ifDescr");
    t.keys(&["Enter"]);
    t.wait_for("Name      IF-MIB::ifDescr");
    t.keys(&["w"]);
    let screen = t.wait_for("walk IF-MIB::ifDescr");
    let screen = if screen.contains("rows in") {
        screen
    } else {
        t.wait_for("rows in")
    };
    assert!(screen.contains("IF-MIB::ifDescr.1"), "{screen}");
    // Set, confirm, and read it back with Net-SNMP.
    set_location(&t, "rack 7");
    let back = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &addr, ".1.3.6.1.2.1.1.6.0"],
    );
    assert!(
        back.stdout.contains("\"rack 7\"") || back.stdout.contains("rack 7"),
        "{back:?}"
    );
    quit_with(&t, "q");
}

#[test]
fn snmpd_set_with_confirmation_read_back_with_snmpget() {
    let Some(snmpd) = Snmpd::start("") else {
        return;
    };
    let Some(t) = Tmux::start(
        &command(&format!("tui -v2c -c private {}", snmpd.agent())),
        80,
        24,
    ) else {
        return;
    };
    t.wait_for("MIB tree");
    search_and_open(&t, "sysName", "SNMPv2-MIB::sysName");
    t.keys(&["g"]);
    t.wait_for("interop-agent");
    set_location(&t, "row 3, rack 9");
    let back = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", &snmpd.agent(), ".1.3.6.1.2.1.1.6.0"],
    );
    assert!(back.stdout.contains("row 3, rack 9"), "{back:?}");
    // A read-only object is refused before anything is sent.
    search_and_open(&t, "sysUpTime", "SNMPv2-MIB::sysUpTime");
    t.keys(&["e"]);
    t.wait_for("sysUpTime is read-only: it cannot be set");
    quit_with(&t, "C-c");
}

#[test]
fn a_silent_agent_never_blocks_the_keys() {
    // Nothing listens on this port: every request goes unanswered.
    let port = free_udp_port();
    let args = format!("tui -v2c -c public -t 3 -r 0 udp:127.0.0.1:{port}");
    let Some(t) = Tmux::start(&command(&args), 80, 24) else {
        return;
    };
    t.wait_for("MIB tree");
    t.keys(&["g"]);
    t.wait_for("(Esc cancels)");
    // The request is pending; a key still moves the cursor at once.
    let pressed = Instant::now();
    t.keys(&["j"]);
    let screen = t.wait_until(
        "the details of the next node while the request is pending",
        |s| {
            s.contains("Name      RFC1213-MIB::interfaces")
                || s.contains("Name      IF-MIB::interfaces")
        },
    );
    let latency = pressed.elapsed();
    assert!(screen.contains("(Esc cancels)"), "still pending:\n{screen}");
    eprintln!("key answered in {latency:?} while a request was pending");
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    // The engine gives up after the timeout; the UI says so and goes on.
    let screen = t.wait_for(&format!("no response from 127.0.0.1:{port}"));
    assert!(screen.contains("failed"), "{screen}");
    // Esc cancels a request at once.
    t.keys(&["w"]);
    t.wait_for("(Esc cancels)");
    t.keys(&["Escape"]);
    t.wait_until("the request cancelled", |s| {
        s.contains("cancelled") && !s.contains("(Esc cancels)")
    });
    quit_with(&t, "q");
}

#[test]
fn no_arguments_opens_the_browser_offline_and_copies_oids() {
    let Some(t) = Tmux::start(&command(""), 80, 24) else {
        return;
    };
    t.wait_for("offline");
    t.keys(&["y"]);
    t.wait_for("copied .1.3.6.1.2.1.1");
    let clipboard = t.clipboard();
    assert_eq!(clipboard.trim(), ".1.3.6.1.2.1.1", "OSC 52 reached tmux");
    t.keys(&["?"]);
    t.wait_for("Keys");
    t.keys(&["Escape"]);
    t.keys(&["Tab"]);
    t.wait_for("Modules ·");
    t.keys(&["Tab"]);
    t.wait_for("Textual conventions");
    quit_with(&t, "q");
}

#[test]
fn demo_opens_the_tui_on_the_simulated_switch() {
    let Some(t) = Tmux::start(&command("demo"), 80, 24) else {
        return;
    };
    t.wait_for("demo: a simulated 48-port switch");
    // The demo opens on the interfaces; 1 is the MIB browser.
    t.wait_for("57 interfaces");
    t.keys(&["1", ":"]);
    t.type_text("ifAlias");
    t.keys(&["Enter"]);
    t.keys(&["w"]);
    t.wait_for("IF-MIB::ifAlias.");
    quit_with(&t, "q");
}

#[test]
fn without_a_terminal_tui_says_what_to_use() {
    let out = common::mibscope(&["tui"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("the TUI needs a terminal"),
        "{out:?}"
    );
}

#[test]
fn the_ui_ends_when_its_terminal_goes_away() {
    // The pid is written by the shell that then becomes mibscope.
    let dir = common::tempdir("hangup");
    let pidfile = dir.join("pid");
    let cmd = format!(
        "sh -c 'echo $$ > {}; exec {MIBSCOPE} demo'",
        pidfile.display()
    );
    let Some(t) = Tmux::start(&cmd, 80, 24) else {
        return;
    };
    t.wait_for("demo: a simulated 48-port switch");
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    let alive = || {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ")
    };
    assert!(alive());
    t.kill();
    let started = Instant::now();
    while alive() {
        if started.elapsed() > Duration::from_secs(5) {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
            panic!("mibscope {pid} still runs 5 s after its terminal went away (SIGHUP)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn leaving_a_request_stops_its_retransmissions() {
    // A black hole that counts what arrives and never answers.
    let hole = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    hole.set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let port = hole.local_addr().unwrap().port();
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let counter = {
        let (arrivals, stop) = (arrivals.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if hole.recv_from(&mut buf).is_ok() {
                    arrivals.lock().unwrap().push(Instant::now());
                }
            }
        })
    };
    let args = format!("tui -v2c -c public -t 0.5 -r 8 udp:127.0.0.1:{port}");
    let Some(t) = Tmux::start(&command(&args), 80, 24) else {
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        return;
    };
    t.wait_for("MIB tree");
    t.keys(&["g"]);
    // The engine's progress reaches the status line.
    t.wait_for("no reply yet: retry 2/8");
    t.keys(&["Escape"]);
    t.wait_until("the request cancelled", |s| {
        s.contains("cancelled") && !s.contains("retry")
    });
    let cancelled = Instant::now();
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    counter.join().unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert!(arrivals.len() >= 3, "{} requests arrived", arrivals.len());
    let late = arrivals.iter().filter(|a| **a > cancelled).count();
    assert_eq!(
        late, 0,
        "{late} retransmissions after the request was cancelled"
    );
    quit_with(&t, "q");
}

#[test]
fn a_mib_directory_added_in_the_ui_is_loaded_and_searchable() {
    let dir = common::tempdir("tui-mibs");
    std::fs::create_dir_all(dir.join("vendor")).unwrap();
    std::fs::write(
        dir.join("vendor/widget.my"),
        "ACME-WIDGET-MIB DEFINITIONS ::= BEGIN\n\
         IMPORTS enterprises, OBJECT-TYPE, Integer32 FROM SNMPv2-SMI;\n\
         acmeWidget OBJECT IDENTIFIER ::= { enterprises 424243 }\n\
         acmeWidgetSpeed OBJECT-TYPE SYNTAX Integer32 (0..9000) MAX-ACCESS read-only\n\
           STATUS current DESCRIPTION \"How fast the widget spins.\" ::= { acmeWidget 1 }\n\
         END\n",
    )
    .unwrap();
    let Some(t) = Tmux::start(&command(""), 100, 30) else {
        return;
    };
    t.wait_for("offline");
    t.keys(&["2"]);
    t.wait_for("Modules ·");
    t.keys(&["+"]);
    t.wait_for("Add a MIB directory");
    t.type_text(&dir.display().to_string());
    t.keys(&["Enter"]);
    t.wait_for("MIBs loaded again");
    t.keys(&["1", "/"]);
    t.type_text("acmeWidgetSpe");
    t.wait_for("ACME-WIDGET-MIB::acmeWidgetSpeed");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Range     0..9000");
    assert!(screen.contains("How fast the widget spins."), "{screen}");
    quit_with(&t, "q");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_panic_gives_the_terminal_back_with_the_message_readable() {
    // The key `mibscope::tui::FAULT_PANIC_ENV` names makes the UI thread panic, as a bug
    // would; the shell after it must find a cooked terminal: no alternate screen, no mouse
    // reporting, the cursor shown, echo and line editing on.
    let shell = format!(
        "RUST_BACKTRACE=0 {}={} {MIBSCOPE}; echo EXITED $?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; stty -a | tr ' ' '\\n' | grep -x -- '-*echo'; echo CHECKED; sleep 60",
        mibscope::tui::FAULT_PANIC_ENV,
        "Z"
    );
    let Some(t) = Tmux::start(&shell, 100, 30) else {
        return;
    };
    t.wait_for("MIB tree");
    assert!(t.modes().contains("alternate_on=1"), "{}", t.modes());
    t.keys(&["Z"]);
    let screen = t.wait_for("CHECKED");
    assert!(
        screen.contains("fault injected"),
        "the panic message is shown:\n{screen}"
    );
    assert!(
        screen.contains("mibscope: stopped by an internal error"),
        "{screen}"
    );
    assert!(
        screen.contains("EXITED 101"),
        "a panic is not a success:\n{screen}"
    );
    assert!(
        !screen.contains("MIB tree"),
        "the UI's screen is gone:\n{screen}"
    );
    let lines: Vec<&str> = screen.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"icanon") && lines.contains(&"echo"),
        "line editing and echo are back on:\n{screen}"
    );
    let modes = t.modes();
    assert_eq!(modes, "alternate_on=0 mouse=0 cursor=1", "{screen}");
}
