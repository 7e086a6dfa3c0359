//! The real binary in a real terminal: a private tmux server per test (its own socket, no
//! user configuration), keys sent with send-keys, the screen read with capture-pane. The
//! server is killed when the guard drops, on success and on failure alike.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use super::{output_within, tempdir};

/// How long a screen may take to show what a test waits for.
pub const SCREEN_LIMIT: Duration = Duration::from_secs(20);

pub struct Tmux {
    socket: String,
    dir: PathBuf,
}

fn tmux_output(socket: &str, args: &[&str]) -> Output {
    output_within(
        Command::new("tmux").arg("-S").arg(socket).args(args),
        Duration::from_secs(10),
    )
}

impl Tmux {
    /// Starts `command` (a shell command line) in a `width` x `height` terminal. `None`
    /// when tmux is missing outside CI.
    pub fn start(command: &str, width: u16, height: u16) -> Option<Tmux> {
        if super::missing("tmux") {
            return None;
        }
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = tempdir(&format!("tmux{n}"));
        // The server's socket lives in the test's own directory, removed with it.
        let socket = dir.join("socket").display().to_string();
        let conf = dir.join("tmux.conf");
        // No status line (the program gets the whole window), Esc delivered at once.
        std::fs::write(
            &conf,
            "set -g status off\nset -sg escape-time 0\nset -g set-clipboard on\n",
        )
        .expect("write tmux.conf");
        let conf = conf.display().to_string();
        let (w, h) = (width.to_string(), height.to_string());
        let out = output_within(
            Command::new("tmux")
                .args([
                    "-S",
                    &socket,
                    "-f",
                    &conf,
                    "new-session",
                    "-d",
                    "-x",
                    &w,
                    "-y",
                    &h,
                ])
                .arg(command)
                .env("TERM", "xterm-256color"),
            Duration::from_secs(10),
        );
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Tmux { socket, dir })
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-u`, `Tab`, `j`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        let out = tmux_output(&self.socket, &args);
        assert!(
            out.status.success(),
            "send-keys {keys:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        let out = tmux_output(&self.socket, &["send-keys", "-t", "0", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}");
    }

    /// What the terminal shows now.
    pub fn screen(&self) -> String {
        let out = tmux_output(&self.socket, &["capture-pane", "-p", "-t", "0"]);
        if !out.status.success() {
            // The program (and with it the tmux server) ended: say why.
            return format!(
                "(no screen: {})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text`; fails with the screen after `SCREEN_LIMIT`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("the screen to show {text:?}"), |s| {
            s.contains(text)
        })
    }

    /// Waits until `ready` holds for the screen.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if started.elapsed() > SCREEN_LIMIT {
                panic!("waited {SCREEN_LIMIT:?} for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Kills the tmux server (the terminal goes away, as when an SSH session drops).
    pub fn kill(&self) {
        let _ = tmux_output(&self.socket, &["kill-server"]);
    }

    /// The directory this terminal's files live in (removed with it).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// The pane's modes as tmux tracks them: `alternate_on`, `mouse_any_flag` (mouse
    /// reporting asked for) and `cursor_flag` (cursor shown), each "0" or "1".
    pub fn modes(&self) -> String {
        let out = tmux_output(
            &self.socket,
            &[
                "display-message",
                "-p",
                "-t",
                "0",
                "alternate_on=#{alternate_on} mouse=#{mouse_any_flag} cursor=#{cursor_flag}",
            ],
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The tmux paste buffer (what OSC 52 put on the clipboard).
    pub fn clipboard(&self) -> String {
        let out = tmux_output(&self.socket, &["show-buffer"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux_output(&self.socket, &["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
