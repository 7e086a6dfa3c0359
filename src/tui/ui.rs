//! The frame around the views: the tab bar, the status line, the key-hint bar and the help
//! overlay, and the layout they share with the event handlers (mouse clicks are mapped with
//! the same rectangles the screen was drawn with). `render` draws the whole screen from the
//! app's state and nothing else.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::app::App;
use super::component::Level;
use super::keys::{HintGroup, KeyHint};
use super::theme;

/// Where the parts of the screen are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn layout(size: Rect) -> Areas {
    let [tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(size);
    Areas {
        tabs,
        body,
        status,
        hints,
    }
}

const BRAND: &str = " mibscope ";
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Each tab's label and its column span (from the left of the tab bar).
/// The tab bar's labels with the columns each takes. When every title does not fit in
/// `width`, the tabs other than the active one are shortened (`3 Sys`, then `3`; a count
/// after the title, as in `Traps +3`, stays), so every tab stays on screen in 80 columns.
fn tab_labels(titles: &[&str], active: usize, width: u16) -> Vec<(String, u16, u16)> {
    let layout = |keep: Option<usize>| {
        let mut x = BRAND.chars().count() as u16 + 1;
        titles
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (name, more) = t.split_once(' ').unwrap_or((t, ""));
                let label = match keep {
                    Some(n) if i != active => {
                        let short: String = name.chars().take(n).collect();
                        let parts = [(i + 1).to_string(), short, more.to_string()];
                        let parts: Vec<&str> = parts
                            .iter()
                            .map(String::as_str)
                            .filter(|p| !p.is_empty())
                            .collect();
                        format!(" {} ", parts.join(" "))
                    }
                    _ => format!(" {} {t} ", i + 1),
                };
                let w = label.chars().count() as u16;
                let span = (label, x, x + w);
                x += w + 1;
                span
            })
            .collect::<Vec<_>>()
    };
    let fits =
        |labels: &Vec<(String, u16, u16)>| labels.last().is_none_or(|(_, _, end)| *end <= width);
    [None, Some(3), Some(0)]
        .into_iter()
        .map(layout)
        .find(fits)
        .unwrap_or_else(|| layout(Some(0)))
}

/// The tab under column `x` of a tab bar `width` wide.
pub fn tab_at(titles: &[&str], active: usize, width: u16, x: u16) -> Option<usize> {
    tab_labels(titles, active, width)
        .iter()
        .position(|(_, start, end)| (*start..*end).contains(&x))
}

pub fn render(frame: &mut Frame, app: &App) {
    let areas = layout(frame.area());
    render_tabs(frame, app, areas.tabs);
    let view = &app.views()[app.active()];
    view.draw(frame, areas.body, &app.shared);
    render_status(frame, app, areas.status);
    let (view_hints, global_hints) = app.bar_hints();
    render_hints(frame, &view_hints, &global_hints, areas.hints);
    if let Some(cursor) = app.help() {
        render_help(frame, &app.help_groups(), cursor.selected, areas.body);
    }
    if let Some(popup) = app.agents() {
        popup.draw(frame, areas.body);
    }
    if let Some(prompt) = app.login() {
        prompt.draw(frame, areas.body);
    }
}

fn render_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let titles: Vec<&str> = app.views().iter().map(|v| v.title()).collect();
    let labels = tab_labels(&titles, app.active(), area.width);
    let used: u16 = labels.last().map_or(0, |(_, _, end)| *end);
    let mut spans = vec![Span::styled(BRAND, theme::title()), Span::raw(" ")];
    for (i, (label, _, _)) in labels.into_iter().enumerate() {
        let style = if i == app.active() {
            theme::tab_active()
        } else {
            theme::tab()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let agent = match &app.shared.agent {
        Some(a) => Line::from(vec![
            Span::styled(a.label.clone(), theme::ok()),
            Span::styled(format!(" {} ", a.security), theme::dim()),
        ]),
        None => Line::from(Span::styled("offline ", theme::dim())),
    };
    let width = agent.width() as u16;
    if area.width > used + width + 1 {
        let right = Rect::new(area.right() - width, area.y, width, 1);
        frame.render_widget(Paragraph::new(agent), right);
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn render_status(frame: &mut Frame, app: &App, area: Rect) {
    let now = app.shared.now;
    let mut pending: Vec<_> = app.pending().filter(|p| p.shown(now)).collect();
    pending.sort_by_key(|p| p.started);
    let line = if let Some(first) = pending.first() {
        let elapsed = now.saturating_duration_since(first.started);
        let frame_no = (elapsed.as_millis() / 100) as usize % SPINNER.len();
        let mut spans = vec![
            Span::styled(format!("{} ", SPINNER[frame_no]), theme::warning()),
            Span::raw(first.label.clone()),
            Span::styled(format!("  {}", seconds(elapsed)), theme::dim()),
        ];
        if let Some(step) = &first.progress {
            spans.push(Span::styled(format!("  {step}"), theme::warning()));
        } else if let Some(agent) = &app.shared.agent {
            if elapsed > agent.timeout {
                spans.push(Span::styled(
                    format!("  no answer yet, gives up at {}", seconds(agent.patience())),
                    theme::warning(),
                ));
            }
        }
        if pending.len() > 1 {
            spans.push(Span::styled(
                format!("  (+{} more)", pending.len() - 1),
                theme::dim(),
            ));
        }
        spans.push(Span::styled("  (Esc cancels)", theme::dim()));
        Line::from(spans)
    } else if let Some((name, since)) = app.connecting() {
        let frame_no =
            (now.saturating_duration_since(*since).as_millis() / 100) as usize % SPINNER.len();
        Line::from(vec![
            Span::styled(format!("{} ", SPINNER[frame_no]), theme::warning()),
            Span::raw(format!("connecting to {name}…")),
            Span::styled(
                format!("  {}", seconds(now.saturating_duration_since(*since))),
                theme::dim(),
            ),
        ])
    } else if let Some(since) = app.reloading() {
        let frame_no =
            (now.saturating_duration_since(since).as_millis() / 100) as usize % SPINNER.len();
        Line::from(vec![
            Span::styled(format!("{} ", SPINNER[frame_no]), theme::warning()),
            Span::raw("loading the MIBs again…"),
        ])
    } else if let Some(status) = app.status() {
        let style = match status.level {
            Level::Info => theme::tab(),
            Level::Warning => theme::warning(),
            Level::Error => theme::error(),
        };
        Line::from(Span::styled(status.text.to_string(), style))
    } else {
        match &app.shared.agent {
            Some(a) => Line::from(Span::styled(
                format!(
                    "connected to {} ({}, timeout {} × {} tries)",
                    a.label,
                    a.security,
                    seconds(a.timeout),
                    a.retries + 1
                ),
                theme::dim(),
            )),
            None => Line::from(Span::styled(
                "offline: browsing MIBs. A: connect to an agent of the profiles file.",
                theme::dim(),
            )),
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The bar: the view's hints as far as they fit, then the global ones, right-aligned.
fn render_hints(frame: &mut Frame, hints: &[KeyHint], global: &[KeyHint], area: Rect) {
    let width_of = |h: &KeyHint| h.keys.chars().count() + h.action.chars().count() + 3;
    let global_width: usize = global.iter().map(width_of).sum();
    let spans_of = |hs: &[KeyHint], room: usize| {
        let mut spans = Vec::new();
        let mut used = 0;
        for h in hs {
            if used + width_of(h) > room {
                break;
            }
            used += width_of(h);
            spans.push(Span::styled(format!(" {} ", h.keys), theme::key()));
            spans.push(Span::raw(format!("{} ", h.action)));
        }
        (spans, used)
    };
    let room = usize::from(area.width).saturating_sub(global_width + 1);
    let (mut spans, used) = spans_of(hints, room);
    let (global_spans, gused) = spans_of(global, usize::from(area.width).saturating_sub(used));
    spans.push(Span::raw(
        " ".repeat(usize::from(area.width).saturating_sub(used + gused)),
    ));
    spans.extend(global_spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The lines of the help overlay.
pub fn help_lines(groups: &[HintGroup]) -> Vec<Line<'static>> {
    let width = groups
        .iter()
        .flat_map(|g| g.hints.iter())
        .map(|h| h.keys.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for g in groups {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(g.title.clone(), theme::title())));
        for h in &g.hints {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<width$}  ", h.keys), theme::label()),
                Span::raw(h.action),
            ]));
        }
    }
    lines
}

fn render_help(frame: &mut Frame, groups: &[HintGroup], scroll: usize, body: Rect) {
    let lines = help_lines(groups);
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let width = width.min(body.width);
    let height = (lines.len() as u16 + 2).min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(true))
        .title(" Keys ")
        .title_bottom(Line::from(" Esc closes ").right_aligned());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0)),
        area,
    );
}
