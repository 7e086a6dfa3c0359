//! The traps view: the live feed of the trap listener (`mibscope tui --listen ADDR`, and
//! always in the demo), newest first, each notification named through the MIB (IF-MIB::
//! linkDown) with its varbinds in one line; below, the selected one decoded: when, from
//! where, how it was secured (a community's label, a v3 user and level; never a secret),
//! its PDU, uptime and notification OID, and every varbind with its type. `/` filters over
//! everything shown. What the listener refuses (an unknown community, a wrong digest) is
//! counted with the last reason, so a missing trap can be explained; notifications lost to
//! a full queue are counted too.
//!
//! Entries are rendered once, on arrival; the feed keeps the newest `MAX_ENTRIES`.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::filter::Filter;
use crate::output::syntax::OidNames;
use crate::output::text::{Context, write_uptime};
use crate::output::{OidStyle, OutputOptions, oid_text};
use crate::traps::notification::{Notification, NotificationSecurity};
use crate::traps::render::write_time;
use crate::tui::backend;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::event::TrapEvent;
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::ResultRow;
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// Notifications kept; older ones are dropped (and counted).
pub const MAX_ENTRIES: usize = 10_000;

/// One notification as the view shows it.
struct Entry {
    n: Arc<Notification>,
    /// `14:50:01` (UTC).
    time: String,
    /// `IF-MIB::linkDown`.
    name: SafeText,
    /// The payload varbinds, short names: `ifIndex.3=3 ifOperStatus.3=down`.
    summary: SafeText,
    /// The payload varbinds (after sysUpTime.0 and snmpTrapOID.0, which the details show
    /// as fields) named and rendered.
    rows: Vec<ResultRow>,
    /// Everything above in lower case, for the filter.
    search: String,
}

pub struct TrapsView {
    entries: VecDeque<Entry>,
    /// Entries shown (indexes into `entries`, newest first), filtered.
    order: Vec<usize>,
    cursor: ListCursor,
    filter: Filter,
    listening: Vec<SocketAddr>,
    received: u64,
    /// Dropped from the feed as it grew past `MAX_ENTRIES`.
    trimmed: u64,
    /// Lost to the listener's full queue.
    lost: u64,
    refused: u64,
    last_refusal: Option<SafeText>,
    /// Arrived while another view was shown (the tab says how many).
    unseen: usize,
    title: String,
    shown: bool,
}

impl TrapsView {
    pub fn new(listening: Vec<SocketAddr>) -> TrapsView {
        TrapsView {
            entries: VecDeque::new(),
            order: Vec::new(),
            cursor: ListCursor::default(),
            filter: Filter::default(),
            listening,
            received: 0,
            trimmed: 0,
            lost: 0,
            refused: 0,
            last_refusal: None,
            unseen: 0,
            title: "Traps".into(),
            shown: false,
        }
    }

    fn entry(n: Arc<Notification>, names: &dyn OidNames) -> Entry {
        let options = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        let ctx = Context {
            options: &options,
            names,
        };
        let mut time = Vec::new();
        let _ = write_time(&mut time, n.received_at);
        // 2026-12-03T14:50:01.123Z: the time of day is what a feed needs.
        let time = String::from_utf8_lossy(time.get(11..19).unwrap_or(&time)).into_owned();
        let mut name = Vec::new();
        if n.trap_oid.is_empty() {
            name.extend_from_slice(b"(no snmpTrapOID.0)");
        } else {
            let _ = oid_text::write_oid(&mut name, n.trap_oid.arcs(), ctx);
        }
        let name = SafeText::from_bytes(&name);
        let rows = backend::rows(n.payload(), names);
        let summary: Vec<String> = rows
            .iter()
            .map(|r| {
                let short = r
                    .name
                    .as_str()
                    .rsplit("::")
                    .next()
                    .unwrap_or(r.name.as_str());
                format!("{short}={}", r.value)
            })
            .collect();
        let summary = SafeText::new(&summary.join(" "));
        let search = format!("{time} {} {name} {summary}", n.source).to_lowercase();
        Entry {
            n,
            time,
            name,
            summary,
            rows,
            search,
        }
    }

    /// Filters again, keeping the cursor on the same notification.
    fn refilter(&mut self) {
        let keep = self
            .order
            .get(self.cursor.selected)
            .map(|i| self.entries[*i].n.clone());
        let needle = self.filter.needle();
        self.order = (0..self.entries.len())
            .filter(|i| needle.is_empty() || self.entries[*i].search.contains(&needle))
            .collect();
        let at = keep
            .and_then(|k| {
                self.order
                    .iter()
                    .position(|i| Arc::ptr_eq(&self.entries[*i].n, &k))
            })
            .unwrap_or(0);
        self.cursor.selected = at.min(self.order.len().saturating_sub(1));
    }

    fn push(&mut self, n: Arc<Notification>, names: &dyn OidNames) {
        self.received += 1;
        let entry = TrapsView::entry(n, names);
        let matches = {
            let needle = self.filter.needle();
            needle.is_empty() || entry.search.contains(&needle)
        };
        self.entries.push_front(entry);
        // Every index moves down one; the oldest may go.
        for i in &mut self.order {
            *i += 1;
        }
        if self.entries.len() > MAX_ENTRIES {
            self.entries.pop_back();
            self.trimmed += 1;
            self.order.retain(|i| *i < MAX_ENTRIES);
        }
        if matches {
            self.order.insert(0, 0);
            // At the top the view follows the feed; elsewhere it stays on what it shows.
            if self.cursor.selected > 0 {
                self.cursor.selected += 1;
            }
        }
        self.cursor.selected = self.cursor.selected.min(self.order.len().saturating_sub(1));
        if !self.shown {
            self.unseen += 1;
        }
        self.retitle();
    }

    fn retitle(&mut self) {
        self.title = if self.unseen > 0 {
            format!("Traps +{}", self.unseen)
        } else {
            "Traps".into()
        };
    }

    fn areas(area: Rect) -> (Rect, Rect, Rect) {
        let details = (area.height / 2).clamp(6.min(area.height), 24);
        let [summary, list, details] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(details),
        ])
        .areas(area);
        (summary, list, details)
    }

    fn summary_line(&self) -> Line<'static> {
        if self.filter.editing {
            return self.filter.line();
        }
        let listening: Vec<String> = self.listening.iter().map(|a| format!("udp:{a}")).collect();
        let mut spans = vec![
            Span::styled(format!("{} received", self.received), theme::title()),
            Span::styled(
                format!(" · listening on {}", listening.join(", ")),
                theme::dim(),
            ),
        ];
        if !self.filter.text().is_empty() {
            spans.push(Span::styled(
                format!(
                    " · filter \"{}\": {}",
                    SafeText::new(self.filter.text()),
                    self.order.len()
                ),
                theme::warning(),
            ));
        }
        if self.lost > 0 || self.trimmed > 0 {
            spans.push(Span::styled(
                format!(
                    " · {} lost (queue full), {} older dropped",
                    self.lost, self.trimmed
                ),
                theme::warning(),
            ));
        }
        if self.refused > 0 {
            let last = self
                .last_refusal
                .as_ref()
                .map_or(String::new(), |r| format!(", last: {r}"));
            spans.push(Span::styled(
                format!(" · {} refused{last}", self.refused),
                theme::error(),
            ));
        }
        Line::from(spans)
    }

    fn list_lines(&self, width: usize) -> Vec<Line<'static>> {
        self.order
            .iter()
            .map(|i| {
                let e = &self.entries[*i];
                let head = format!("{} {:<21} ", e.time, e.n.source.to_string());
                let name = format!("{} ", e.name);
                let rest = width.saturating_sub(head.chars().count() + name.chars().count());
                Line::from(vec![
                    Span::styled(head, theme::dim()),
                    Span::styled(name, theme::notification()),
                    Span::raw(widgets::fit(e.summary.as_str(), rest)),
                ])
            })
            .collect()
    }

    fn details(&self, e: &Entry, width: usize) -> Vec<Line<'static>> {
        let n = &e.n;
        let label = |l: &str| Span::styled(format!("{l:<10} "), theme::label());
        let security = match &n.security {
            NotificationSecurity::Community { label } => format!("community {label}"),
            NotificationSecurity::Usm {
                user,
                level,
                engine_id,
                ..
            } => format!("user {user}, {level}, engine {engine_id}"),
        };
        let mut time = Vec::new();
        let _ = write_time(&mut time, n.received_at);
        let mut lines = vec![
            Line::from(vec![
                label("Received"),
                Span::raw(String::from_utf8_lossy(&time).into_owned()),
            ]),
            Line::from(vec![
                label("From"),
                Span::raw(format!(
                    "{} (SNMPv{} {}, request id {})",
                    n.source,
                    n.version.name(),
                    n.kind.name(),
                    n.request_id.0
                )),
            ]),
            Line::from(vec![
                label("Security"),
                Span::raw(SafeText::new(&security).into_string()),
            ]),
            Line::from(vec![
                label("Trap"),
                Span::styled(e.name.to_string(), theme::notification()),
                Span::styled(format!("  {}", n.trap_oid), theme::dim()),
            ]),
        ];
        if let Some(t) = n.uptime {
            let mut up = Vec::new();
            let _ = write_uptime(&mut up, t, &OutputOptions::default());
            lines.push(Line::from(vec![
                label("Uptime"),
                Span::raw(String::from_utf8_lossy(&up).into_owned()),
            ]));
        }
        if let Some(v1) = &n.v1 {
            lines.push(Line::from(vec![
                label("SNMPv1"),
                Span::raw(format!(
                    "enterprise {}, agent {}, generic {:?}, specific {}",
                    v1.enterprise, v1.agent_addr, v1.generic_trap, v1.specific_trap
                )),
            ]));
        }
        let name_w = e
            .rows
            .iter()
            .map(|r| r.name.as_str().chars().count())
            .max()
            .unwrap_or(10)
            .min(width / 2);
        for r in &e.rows {
            let value_w = width.saturating_sub(name_w + 14);
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:<name_w$} ", widgets::fit(r.name.as_str(), name_w)),
                    theme::column(),
                ),
                Span::styled(format!("{:<12} ", r.kind), theme::dim()),
                Span::raw(widgets::fit(r.value.as_str(), value_w)),
            ]));
        }
        lines
    }
}

impl Component for TrapsView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let (_, list, _) = TrapsView::areas(ctx.area);
        let height = widgets::inner_height(list);
        match input {
            Input::Key(key) => {
                if let Some(changed) = self.filter.key(key) {
                    if changed {
                        self.refilter();
                    }
                    return Handled::Consumed;
                }
                if let Some(m) = Motion::of(key) {
                    self.cursor.apply(m, self.order.len(), height);
                } else if keys::char(key, '/') {
                    self.filter.edit();
                } else if keys::char(key, 'c') {
                    self.entries.clear();
                    self.order.clear();
                    self.cursor = ListCursor::default();
                    ctx.info("the feed is cleared");
                } else if keys::plain(key, KeyCode::Esc) && self.filter.clear() {
                    self.refilter();
                } else {
                    return Handled::NotConsumed;
                }
                Handled::Consumed
            }
            Input::Paste(text) if self.filter.paste(text) => {
                self.refilter();
                Handled::Consumed
            }
            Input::Mouse(m) if list.contains(Position::new(m.column, m.row)) => {
                match m.kind {
                    MouseEventKind::ScrollDown => self.cursor.scroll(3, self.order.len(), height),
                    MouseEventKind::ScrollUp => self.cursor.scroll(-3, self.order.len(), height),
                    MouseEventKind::Down(MouseButton::Left) => {
                        if let Some(i) =
                            widgets::list_row_at(list, &self.cursor, self.order.len(), m.row)
                        {
                            self.cursor.select(i, self.order.len(), height);
                        }
                    }
                    _ => return Handled::NotConsumed,
                }
                Handled::Consumed
            }
            _ => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if self.filter.editing {
            Filter::hints(out);
            return;
        }
        out.extend([
            KeyHint::bar("/", "filter"),
            KeyHint::bar("c", "clear the feed"),
            KeyHint::help("Esc", "clear the filter"),
        ]);
        out.extend(Motion::HINTS);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        let (summary, list, details) = TrapsView::areas(area);
        frame.render_widget(Paragraph::new(self.summary_line()), summary);
        let width = usize::from(list.width.saturating_sub(2));
        let lines = if self.order.is_empty() {
            let text = if self.entries.is_empty() {
                "no notification yet: the feed shows each one as it arrives"
            } else {
                "no notification matches the filter (Esc clears it)"
            };
            vec![Line::from(Span::styled(text, theme::dim()))]
        } else {
            self.list_lines(width)
        };
        let cursor = (!self.order.is_empty()).then_some(&self.cursor);
        widgets::draw_list(
            frame,
            list,
            widgets::block("Notifications, newest first", true),
            &lines,
            cursor,
            true,
        );
        let block = widgets::block("Details", false);
        let inner = block.inner(details);
        frame.render_widget(block, details);
        if let Some(e) = self
            .order
            .get(self.cursor.selected)
            .map(|i| &self.entries[*i])
        {
            let lines = self.details(e, usize::from(inner.width));
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

impl View for TrapsView {
    fn id(&self) -> ViewId {
        ViewId::Traps
    }

    /// The feed is the listener's, not the MIB's.
    fn survives_mib_reload(&self) -> bool {
        true
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn modal(&self) -> bool {
        self.filter.editing
    }

    fn on_trap(&mut self, event: &TrapEvent, shared: &Shared) -> bool {
        match event {
            TrapEvent::Received { notification, lost } => {
                self.lost = *lost;
                self.push(Arc::clone(notification), &shared.loaded.names);
            }
            TrapEvent::Refused { from, why } => {
                self.refused += 1;
                self.last_refusal = Some(SafeText::new(&format!("{why} from {from}")));
            }
        }
        true
    }

    fn on_enter(&mut self, _ctx: &mut Ctx<'_>) {
        self.shown = true;
        self.unseen = 0;
        self.retitle();
    }

    fn on_leave(&mut self) {
        self.shown = false;
    }
}
