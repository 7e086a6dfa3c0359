//! The Agents popup (`A`, from any view): the profiles of the profiles file (name, address,
//! version and security level, labels; never a secret) and the agent connected now. Enter
//! asks the app to connect to the chosen profile (through the login path, so a missing
//! pass phrase is asked for); Esc closes. The list is plain text built from `Profiles` by
//! `AgentListing::new`; reading the file happens in `tui::backend`, never here.

use std::path::Path;

use crossterm::event::{KeyCode, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::session::{Profile, ProfileError, Profiles};
use crate::tui::backend::AgentInfo;
use crate::tui::component::Input;
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// One profile as the popup shows it: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub name: SafeText,
    pub address: SafeText,
    /// `v2c`, `v3 monitor authPriv`.
    pub security: SafeText,
    /// `role=core site=par1`.
    pub labels: SafeText,
}

impl AgentRow {
    pub fn of(profile: &Profile) -> AgentRow {
        let version = match profile.version.as_deref() {
            Some("1") => "v1",
            Some("2" | "2c") => "v2c",
            Some("3") => "v3",
            // What `Defaults` picks: snmp.conf's defVersion, else v3 with a user.
            _ if profile.user.is_some() => "v3",
            _ => "defVersion",
        };
        let security = if version == "v3" {
            let named = |a: &Option<String>, b: &Option<String>, c: &Option<String>| {
                a.is_some() || b.is_some() || c.is_some()
            };
            let level = profile.level.clone().unwrap_or_else(|| {
                if named(
                    &profile.priv_protocol,
                    &profile.priv_passphrase,
                    &profile.priv_passphrase_env,
                ) {
                    "authPriv".into()
                } else if named(
                    &profile.auth_protocol,
                    &profile.auth_passphrase,
                    &profile.auth_passphrase_env,
                ) {
                    "authNoPriv".into()
                } else {
                    "noAuthNoPriv".into()
                }
            });
            match &profile.user {
                Some(user) => format!("v3 {user} {level}"),
                None => format!("v3 {level}"),
            }
        } else {
            version.to_string()
        };
        let labels: Vec<String> = profile
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        AgentRow {
            name: SafeText::new(&profile.name),
            address: SafeText::new(&profile.address),
            security: SafeText::new(&security),
            labels: SafeText::new(&labels.join(" ")),
        }
    }
}

/// What the profiles file gave, for the popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentListing {
    /// Being read.
    Loading,
    /// The file and its profiles (perhaps none).
    File { path: SafeText, rows: Vec<AgentRow> },
    /// No file: where to create one (`None`: no home directory, only the variable).
    NoFile { create: Option<SafeText> },
    /// The file is there but cannot be used.
    Broken(SafeText),
}

impl AgentListing {
    /// The listing of a profiles file read (or not), with `default` the place one is
    /// looked for.
    pub fn new(profiles: Result<&Profiles, &ProfileError>, default: Option<&Path>) -> Self {
        match profiles {
            Err(e) => AgentListing::Broken(SafeText::new(&e.to_string())),
            Ok(p) => match p.path() {
                Some(path) => AgentListing::File {
                    path: SafeText::new(&path.display().to_string()),
                    rows: p.iter().map(AgentRow::of).collect(),
                },
                None => AgentListing::NoFile {
                    create: default.map(|d| SafeText::new(&d.display().to_string())),
                },
            },
        }
    }

    fn rows(&self) -> &[AgentRow] {
        match self {
            AgentListing::File { rows, .. } => rows,
            _ => &[],
        }
    }
}

/// What the popup did with an input.
#[derive(Debug, PartialEq, Eq)]
pub enum AgentsInput {
    Stay,
    Close,
    /// Enter on a profile: connect to it (by name).
    Connect(String),
}

pub struct AgentsPopup {
    listing: AgentListing,
    /// The agent connected when the popup opened.
    current: Option<(SafeText, SafeText)>,
    cursor: ListCursor,
}

/// Rows of profiles the popup shows at once (it scrolls past that).
const SHOWN: usize = 12;

impl AgentsPopup {
    pub fn new(current: Option<&AgentInfo>) -> AgentsPopup {
        AgentsPopup {
            listing: AgentListing::Loading,
            current: current.map(|a| (SafeText::new(&a.label), SafeText::new(&a.security))),
            cursor: ListCursor::default(),
        }
    }

    pub fn listed(&mut self, listing: AgentListing) {
        self.listing = listing;
        // The profile connected now is where the cursor starts.
        let len = self.listing.rows().len();
        if let Some(i) = self.listing.rows().iter().position(|r| self.is_current(r)) {
            self.cursor.select(i, len, SHOWN);
        }
    }

    /// Whether `row` is the agent connected now (its label names it, as `connect` gives).
    fn is_current(&self, row: &AgentRow) -> bool {
        self.current
            .as_ref()
            .is_some_and(|(label, _)| label.as_str() == profile_label(&row.name, &row.address))
    }

    pub fn handle(&mut self, input: &Input) -> AgentsInput {
        let len = self.listing.rows().len();
        match input {
            Input::Key(k)
                if keys::plain(k, KeyCode::Esc) || keys::char(k, 'A') || keys::char(k, 'q') =>
            {
                AgentsInput::Close
            }
            Input::Key(k) if keys::plain(k, KeyCode::Enter) => {
                match self.listing.rows().get(self.cursor.selected) {
                    Some(row) => AgentsInput::Connect(row.name.as_str().to_string()),
                    None => AgentsInput::Stay,
                }
            }
            Input::Key(k) => {
                if let Some(m) = Motion::of(k) {
                    self.cursor.apply(m, len, SHOWN);
                }
                AgentsInput::Stay
            }
            Input::Mouse(m) => {
                match m.kind {
                    MouseEventKind::ScrollDown => self.cursor.apply(Motion::Down, len, SHOWN),
                    MouseEventKind::ScrollUp => self.cursor.apply(Motion::Up, len, SHOWN),
                    _ => {}
                }
                AgentsInput::Stay
            }
            Input::Paste(_) => AgentsInput::Stay,
        }
    }

    pub const HINTS: [KeyHint; 3] = [
        KeyHint::bar("↑↓", "choose"),
        KeyHint::bar("Enter", "connect"),
        KeyHint::bar("Esc", "close"),
    ];

    pub fn draw(&self, frame: &mut Frame, body: Rect) {
        let rows = self.listing.rows();
        let list_height = rows.len().clamp(1, SHOWN) as u16;
        let area = widgets::centered(body, body.width.saturating_sub(4).min(100), list_height + 6);
        let inner = widgets::popup(frame, area, "Agents");
        let now = match &self.current {
            Some((label, security)) => Line::from(vec![
                Span::styled("Connected now  ", theme::label()),
                Span::styled(label.to_string(), theme::ok()),
                Span::styled(format!("  {security}"), theme::dim()),
            ]),
            None => Line::from(vec![
                Span::styled("Connected now  ", theme::label()),
                Span::styled("none (offline)", theme::dim()),
            ]),
        };
        let [head, list, foot] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(2),
            ratatui::layout::Constraint::Min(1),
            ratatui::layout::Constraint::Length(2),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(vec![now, Line::default()]), head);
        let message = |text: String, style| {
            Paragraph::new(Line::from(Span::styled(text, style))).wrap(Wrap { trim: false })
        };
        match &self.listing {
            AgentListing::Loading => {
                frame.render_widget(message("reading the profiles…".into(), theme::dim()), list);
            }
            AgentListing::Broken(e) => {
                frame.render_widget(message(e.to_string(), theme::error()), list);
            }
            AgentListing::NoFile { create } => {
                let text = match create {
                    Some(path) => format!(
                        "No profiles file. Create {path} with one [agents.NAME] table per agent (address, version, community or user; see the README), or point $MIBSCOPE_PROFILES at one."
                    ),
                    None => "No profiles file: set $MIBSCOPE_PROFILES to a profiles.toml with one [agents.NAME] table per agent.".to_string(),
                };
                let area = Rect {
                    height: list.height + foot.height,
                    ..list
                };
                frame.render_widget(message(text, theme::warning()), area);
            }
            AgentListing::File { path, rows } => {
                if rows.is_empty() {
                    frame.render_widget(
                        message(format!("{path} names no agent yet."), theme::warning()),
                        list,
                    );
                } else {
                    self.draw_rows(frame, list, rows);
                }
                frame.render_widget(
                    Paragraph::new(vec![
                        Line::default(),
                        Line::from(Span::styled(
                            widgets::fit(&format!("from {path}"), usize::from(foot.width)),
                            theme::dim(),
                        )),
                    ]),
                    foot,
                );
            }
        }
    }

    fn draw_rows(&self, frame: &mut Frame, area: Rect, rows: &[AgentRow]) {
        let width = |f: fn(&AgentRow) -> &SafeText| {
            rows.iter()
                .map(|r| f(r).as_str().chars().count())
                .max()
                .unwrap_or(0)
        };
        let (name_w, addr_w, sec_w) = (
            width(|r| &r.name).min(20),
            width(|r| &r.address).min(28),
            width(|r| &r.security).min(26),
        );
        let lines: Vec<Line> = rows
            .iter()
            .map(|r| {
                let mark = if self.is_current(r) { "● " } else { "  " };
                Line::from(vec![
                    Span::styled(mark, theme::ok()),
                    Span::styled(
                        format!("{:<name_w$}  ", widgets::fit(r.name.as_str(), name_w)),
                        theme::title(),
                    ),
                    Span::raw(format!(
                        "{:<addr_w$}  ",
                        widgets::fit(r.address.as_str(), addr_w)
                    )),
                    Span::styled(
                        format!("{:<sec_w$}  ", widgets::fit(r.security.as_str(), sec_w)),
                        theme::label(),
                    ),
                    Span::styled(r.labels.to_string(), theme::dim()),
                ])
            })
            .collect();
        let height = usize::from(area.height);
        let offset = self.cursor.offset_for(height);
        for (i, line) in lines.into_iter().skip(offset).take(height).enumerate() {
            let row = Rect::new(area.x, area.y + i as u16, area.width, 1);
            let mut p = Paragraph::new(line);
            if offset + i == self.cursor.selected {
                p = p.style(theme::selected());
            }
            frame.render_widget(p, row);
        }
    }
}

/// How the header names an agent connected through a profile: `lab (udp:127.0.0.1:1161)`.
pub fn profile_label(name: &SafeText, address: &SafeText) -> String {
    format!("{name} ({address})")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[agents.core-sw1]
address = "udp:10.0.0.1:161"
version = "3"
user = "monitor"
auth_protocol = "SHA-256"
auth_passphrase = "core-auth-secret"
priv_protocol = "AES"
labels = { site = "par1", role = "core" }

[agents.lab]
address = "127.0.0.1:1162"
version = "2c"
community = "lab-community-secret"
"#;

    #[test]
    fn rows_say_who_and_how_never_a_secret() {
        let p = Profiles::parse(Path::new("/etc/p.toml"), FILE).unwrap();
        let AgentListing::File { path, rows } = AgentListing::new(Ok(&p), None) else {
            panic!()
        };
        assert_eq!(path.as_str(), "/etc/p.toml");
        assert_eq!(rows[0].name.as_str(), "core-sw1");
        assert_eq!(rows[0].security.as_str(), "v3 monitor authPriv");
        assert_eq!(rows[0].labels.as_str(), "role=core site=par1");
        assert_eq!(rows[1].security.as_str(), "v2c");
        let all = format!("{rows:?}");
        assert!(!all.contains("secret"), "{all}");
    }

    #[test]
    fn enter_names_the_profile_chosen_and_esc_closes() {
        let p = Profiles::parse(Path::new("p.toml"), FILE).unwrap();
        let current = AgentInfo {
            label: "lab (127.0.0.1:1162)".into(),
            security: "v2c".into(),
            timeout: std::time::Duration::from_secs(1),
            retries: 0,
        };
        let mut popup = AgentsPopup::new(Some(&current));
        let key = |c| {
            Input::Key(crossterm::event::KeyEvent::new(
                c,
                crossterm::event::KeyModifiers::NONE,
            ))
        };
        assert_eq!(popup.handle(&key(KeyCode::Enter)), AgentsInput::Stay);
        popup.listed(AgentListing::new(Ok(&p), None));
        assert_eq!(
            popup.cursor.selected, 1,
            "starts on the agent connected now"
        );
        popup.handle(&key(KeyCode::Up));
        assert_eq!(
            popup.handle(&key(KeyCode::Enter)),
            AgentsInput::Connect("core-sw1".into())
        );
        assert_eq!(popup.handle(&key(KeyCode::Esc)), AgentsInput::Close);
    }
}
