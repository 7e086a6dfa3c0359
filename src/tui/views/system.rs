//! The system view: what the agent says it is (SNMPv2-MIB's system group, RFC 3418):
//! sysDescr, sysObjectID by name, the uptime (ticking between polls), contact, name,
//! location and the services it offers; and the SNMP engine (SNMP-FRAMEWORK-MIB, RFC
//! 3411): engine id, boots and time, read with the other objects whenever the agent
//! serves them (always for SNMPv3). Contact, name and location are edited with the MIB's
//! set editor, which checks the value and asks for confirmation before anything is sent.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::browser::set_editor::SetEditor;
use super::overlays::Outcome;
use crate::proto::{Oid, Value};
use crate::tui::component::{Component, Ctx, Handled, Input, Shared, View, ViewId};
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::request::{Failure, Reply, RequestId, RequestSpec, ResultRow};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

/// One line of the view: an object, how it is labelled, whether `e` edits it.
struct Field {
    label: &'static str,
    /// The scalar's name in the MIB, to find the node the editor needs.
    name: &'static str,
    oid: [u32; 11],
    len: usize,
    editable: bool,
}

const fn sys(n: u32, label: &'static str, name: &'static str, editable: bool) -> Field {
    Field {
        label,
        name,
        oid: [1, 3, 6, 1, 2, 1, 1, n, 0, 0, 0],
        len: 9,
        editable,
    }
}

const fn engine(n: u32, label: &'static str, name: &'static str) -> Field {
    Field {
        label,
        name,
        oid: [1, 3, 6, 1, 6, 3, 10, 2, 1, n, 0],
        len: 11,
        editable: false,
    }
}

const FIELDS: [Field; 10] = [
    sys(5, "Name", "SNMPv2-MIB::sysName", true),
    sys(1, "Description", "SNMPv2-MIB::sysDescr", false),
    sys(2, "Object ID", "SNMPv2-MIB::sysObjectID", false),
    sys(3, "Uptime", "SNMPv2-MIB::sysUpTime", false),
    sys(4, "Contact", "SNMPv2-MIB::sysContact", true),
    sys(6, "Location", "SNMPv2-MIB::sysLocation", true),
    sys(7, "Services", "SNMPv2-MIB::sysServices", false),
    engine(1, "Engine ID", "SNMP-FRAMEWORK-MIB::snmpEngineID"),
    engine(2, "Engine boots", "SNMP-FRAMEWORK-MIB::snmpEngineBoots"),
    engine(3, "Engine time", "SNMP-FRAMEWORK-MIB::snmpEngineTime"),
];

const UPTIME: usize = 3;
const SERVICES: usize = 6;
const ENGINE_TIME: usize = 9;

impl Field {
    fn oid(&self) -> Oid {
        Oid::from(&self.oid[..self.len])
    }
}

/// How often the view reads the agent again while shown.
const REFRESH: Duration = Duration::from_secs(10);

pub struct SystemView {
    /// Each field's last answer (`None`: not asked yet, or the agent has no such object).
    values: Vec<Option<ResultRow>>,
    /// When the values came.
    read_at: Option<Instant>,
    cursor: ListCursor,
    pending: Option<RequestId>,
    /// A set on its way; its answer brings a fresh read.
    setting: Option<RequestId>,
    editor: Option<Box<SetEditor>>,
    error: Option<SafeText>,
    connected: bool,
}

impl SystemView {
    pub fn new(connected: bool) -> SystemView {
        SystemView {
            values: FIELDS.iter().map(|_| None).collect(),
            read_at: None,
            cursor: ListCursor::default(),
            pending: None,
            setting: None,
            editor: None,
            error: None,
            connected,
        }
    }

    fn refresh(&mut self, ctx: &mut Ctx<'_>, quiet: bool) {
        if self.pending.is_some() || !self.connected {
            return;
        }
        // SNMPv1 answers a whole Get with noSuchName when one object is missing: the
        // engine objects are asked for only over v2c and v3.
        let v1 = ctx
            .shared
            .agent
            .as_ref()
            .is_some_and(|a| a.security == "v1");
        let count = if v1 { 7 } else { FIELDS.len() };
        let spec = RequestSpec::Get(FIELDS[..count].iter().map(Field::oid).collect());
        let started = if quiet {
            ctx.poll("get SNMPv2-MIB::system", spec)
        } else {
            ctx.request("get SNMPv2-MIB::system", spec)
        };
        if let Ok(id) = started {
            self.pending = Some(id);
        }
    }

    fn due(&self, now: Instant) -> bool {
        self.read_at
            .is_none_or(|t| now.saturating_duration_since(t) >= REFRESH)
    }

    fn edit(&mut self, ctx: &mut Ctx<'_>) {
        let field = &FIELDS[self.cursor.selected];
        if !field.editable {
            ctx.error(format!(
                "{} cannot be set; contact, name and location can",
                field.name
            ));
            return;
        }
        let mib = ctx.shared.mib.clone();
        let Ok(resolved) = mib.resolve(field.name) else {
            ctx.error(format!("{} is not in the loaded MIBs", field.name));
            return;
        };
        let current = self.values[self.cursor.selected]
            .as_ref()
            .map(|r| r.raw.clone());
        match SetEditor::new(&mib, resolved.node, "0", current.as_ref()) {
            Some(e) => self.editor = Some(Box::new(e)),
            None => ctx.error(format!("{} has no syntax the editor knows", field.name)),
        }
    }

    /// The text shown for field `i`, with the uptime moved on by the time since the read.
    fn value_text(&self, i: usize, now: Instant) -> (String, ratatui::style::Style) {
        let Some(row) = &self.values[i] else {
            let text = if self.read_at.is_some() {
                "(not served)"
            } else {
                "…"
            };
            return (text.into(), theme::dim());
        };
        let since = self.read_at.map_or(0, |t| {
            now.saturating_duration_since(t).as_millis() as u64 / 10
        });
        match (&row.raw, i) {
            (Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView, _) => {
                ("(not served)".into(), theme::dim())
            }
            (Value::TimeTicks(t), UPTIME) => (
                uptime_text(u64::from(*t) + since),
                ratatui::style::Style::new(),
            ),
            (Value::Integer(t), ENGINE_TIME) => (
                format!("{} s", *t as u64 + since / 100),
                ratatui::style::Style::new(),
            ),
            (Value::Integer(n), SERVICES) => (services_text(*n), ratatui::style::Style::new()),
            (Value::OctetString(b), 7) => (hex(b), ratatui::style::Style::new()),
            // sysDescr: the agent's own line breaks, shown as breaks (then made safe).
            (Value::OctetString(b), 1) => (
                String::from_utf8_lossy(b).into_owned(),
                ratatui::style::Style::new(),
            ),
            _ => (row.value.to_string(), ratatui::style::Style::new()),
        }
    }
}

impl SystemView {
    /// How many fields are shown: the engine's objects only when served (or over v3).
    fn shown(&self, shared: &Shared) -> usize {
        let v3 = shared
            .agent
            .as_ref()
            .is_some_and(|a| a.security.starts_with("v3"));
        let served = self.values[ENGINE_TIME - 2..].iter().any(|v| {
            v.as_ref().is_some_and(|r| {
                !matches!(
                    r.raw,
                    Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
                )
            })
        });
        if v3 || served {
            FIELDS.len()
        } else {
            ENGINE_TIME - 2
        }
    }

    /// The view's lines in `width` columns, each with the field it shows.
    fn lines(&self, shared: &Shared, width: u16) -> Vec<(Option<usize>, Line<'static>)> {
        let width = usize::from(width).saturating_sub(LABEL + 3).max(8);
        let mut lines = Vec::new();
        for (i, field) in FIELDS.iter().enumerate().take(self.shown(shared)) {
            let (text, style) = self.value_text(i, shared.now);
            let marker = if field.editable { "✎" } else { " " };
            // sysDescr spans lines (many agents put several in it); others are cut.
            let parts = if i == 1 {
                text.split(['\n', '\r'])
                    .filter(|l| !l.is_empty())
                    .flat_map(|l| widgets::wrap(l, width))
                    .take(6)
                    .collect()
            } else {
                vec![widgets::fit(&text, width)]
            };
            for (n, part) in parts.into_iter().enumerate() {
                let label = if n == 0 { field.label } else { "" };
                let mark = if n == 0 { marker } else { " " };
                lines.push((
                    Some(i),
                    Line::from(vec![
                        Span::styled(format!("{label:<LABEL$} "), theme::label()),
                        Span::styled(format!("{mark} "), theme::dim()),
                        Span::styled(SafeText::new(&part).into_string(), style),
                    ]),
                ));
            }
        }
        lines
    }
}

/// `12 days, 3:04:05`: TimeTicks (centiseconds) as an operator reads an uptime.
pub fn uptime_text(centis: u64) -> String {
    let s = centis / 100;
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    match d {
        0 => format!("{h}:{m:02}:{sec:02}"),
        1 => format!("1 day, {h}:{m:02}:{sec:02}"),
        _ => format!("{d} days, {h}:{m:02}:{sec:02}"),
    }
}

/// sysServices (RFC 3418): the sum of 2^(L-1) for each layer L the device serves.
pub fn services_text(value: i64) -> String {
    const LAYERS: [(u32, &str); 5] = [
        (1, "physical"),
        (2, "datalink"),
        (3, "internet"),
        (4, "end-to-end"),
        (7, "applications"),
    ];
    let names: Vec<&str> = LAYERS
        .iter()
        .filter(|(l, _)| value >= 0 && value & (1 << (l - 1)) != 0)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        value.to_string()
    } else {
        format!("{value} ({})", names.join(", "))
    }
}

fn hex(bytes: &[u8]) -> String {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{}", hex.concat())
}

const LABEL: usize = 13;

impl Component for SystemView {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(editor) = self.editor.as_mut() {
            editor.handle(input, ctx);
            match std::mem::replace(&mut editor.outcome, Outcome::Open) {
                Outcome::Open => {}
                Outcome::Cancelled => self.editor = None,
                Outcome::Chosen(vb) => {
                    self.editor = None;
                    let label = format!("set {}.0", FIELDS[self.cursor.selected].name);
                    if let Ok(id) = ctx.request(label, RequestSpec::Set(vec![vb])) {
                        self.setting = Some(id);
                    }
                }
            }
            return Handled::Consumed;
        }
        let height = widgets::inner_height(ctx.area);
        match input {
            Input::Key(k) => {
                if let Some(m) = Motion::of(k) {
                    self.cursor.apply(m, self.shown(ctx.shared), height);
                } else if keys::char(k, 'e') || keys::plain(k, KeyCode::Enter) {
                    self.edit(ctx);
                } else if keys::char(k, 'r') {
                    self.refresh(ctx, false);
                } else if keys::char(k, 'y') {
                    let (text, _) = self.value_text(self.cursor.selected, ctx.shared.now);
                    ctx.info(format!("copied {text}"));
                    ctx.copy(text);
                } else {
                    return Handled::NotConsumed;
                }
                Handled::Consumed
            }
            Input::Mouse(m)
                if m.kind == MouseEventKind::Down(MouseButton::Left)
                    && ctx.area.contains(Position::new(m.column, m.row)) =>
            {
                let line = usize::from(m.row.saturating_sub(ctx.area.y + 1));
                let lines = self.lines(ctx.shared, ctx.area.width.saturating_sub(2));
                if let Some((Some(field), _)) = lines.get(line) {
                    if *field == self.cursor.selected {
                        self.edit(ctx);
                    }
                    self.cursor.select(*field, FIELDS.len(), height);
                }
                Handled::Consumed
            }
            _ => Handled::NotConsumed,
        }
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if let Some(e) = &self.editor {
            e.hints(out);
            return;
        }
        out.extend([
            KeyHint::bar("e", "edit contact/name/location"),
            KeyHint::bar("r", "read again"),
            KeyHint::help("y", "copy the value"),
            KeyHint::help("Enter", "edit"),
        ]);
        out.extend(Motion::HINTS);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let title = match &shared.agent {
            Some(a) => format!("System · {}", a.label),
            None => "System".into(),
        };
        let block = widgets::block(&title, self.editor.is_none());
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let laid = self.lines(shared, inner.width);
        let selected_line = laid
            .iter()
            .position(|(f, _)| *f == Some(self.cursor.selected))
            .unwrap_or(0);
        let mut lines: Vec<Line> = laid.into_iter().map(|(_, l)| l).collect();
        if let Some(e) = &self.error {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(e.to_string(), theme::error())));
        } else if !self.connected {
            lines.push(Line::from(Span::styled(
                "not connected: `mibscope tui AGENT` reads an agent's system group",
                theme::dim(),
            )));
        }
        for (i, line) in lines
            .into_iter()
            .enumerate()
            .take(usize::from(inner.height))
        {
            let mut p = Paragraph::new(line);
            if i == selected_line && self.editor.is_none() {
                p = p.style(theme::selected());
            }
            frame.render_widget(p, Rect::new(inner.x, inner.y + i as u16, inner.width, 1));
        }
        if let Some(e) = &self.editor {
            e.draw(frame, area, shared);
        }
    }
}

impl View for SystemView {
    fn for_one_agent(&self) -> bool {
        true
    }

    fn id(&self) -> ViewId {
        ViewId::System
    }

    fn title(&self) -> &str {
        "System"
    }

    fn modal(&self) -> bool {
        self.editor.is_some()
    }

    /// Its values are re-read at every poll; an open editor holds a node of the old MIB.
    fn survives_mib_reload(&self) -> bool {
        self.editor.is_none()
    }

    fn on_reply(&mut self, id: RequestId, reply: Reply, ctx: &mut Ctx<'_>) {
        if self.setting == Some(id) {
            self.setting = None;
            match reply {
                Reply::Done { rows, .. } => {
                    if let Some(r) = rows.first() {
                        ctx.info(format!("{} = {}", r.name, r.value));
                    }
                    // Read back what the agent now says.
                    self.refresh(ctx, false);
                }
                Reply::Failed(Failure::Cancelled) => {}
                Reply::Failed(f) => ctx.error(format!("set failed: {f}")),
                _ => {}
            }
            return;
        }
        if self.pending != Some(id) {
            return;
        }
        self.pending = None;
        match reply {
            Reply::Done { rows, .. } => {
                for (i, field) in FIELDS.iter().enumerate() {
                    self.values[i] = rows.iter().find(|r| r.oid == field.oid()).cloned();
                }
                self.read_at = Some(ctx.shared.now);
                self.error = None;
            }
            Reply::Failed(Failure::Cancelled) => {}
            Reply::Failed(f) => {
                let text = SafeText::new(&format!("reading the system group failed: {f}"));
                ctx.error(text.as_str());
                self.error = Some(text);
                // Try again at the next refresh, not at once.
                self.read_at = Some(ctx.shared.now);
            }
            _ => {}
        }
    }

    fn on_tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        if self.due(ctx.shared.now) {
            self.refresh(ctx, true);
        }
        // The uptime ticks: redraw once a second.
        let now = ctx.shared.now;
        self.read_at.is_some_and(|t| {
            let ms = now.saturating_duration_since(t).as_millis() % 1000;
            ms < 100
        })
    }

    fn on_enter(&mut self, ctx: &mut Ctx<'_>) {
        if self.due(ctx.shared.now) {
            self.refresh(ctx, true);
        }
    }

    fn on_leave(&mut self) {
        self.pending = None;
        self.setting = None;
        self.editor = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptimes_and_services_read_as_people_say_them() {
        assert_eq!(uptime_text(123_456), "0:20:34");
        assert_eq!(uptime_text(8_640_000 + 360_000), "1 day, 1:00:00");
        assert_eq!(uptime_text(3 * 8_640_000), "3 days, 0:00:00");
        assert_eq!(services_text(72), "72 (end-to-end, applications)");
        assert_eq!(services_text(6), "6 (datalink, internet)");
        assert_eq!(services_text(0), "0");
    }
}
