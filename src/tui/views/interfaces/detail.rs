//! The detail pane of one interface (Enter): what it is (names, type from IANAifType,
//! speed, status and since when, which counters the rates come from, the last gap and why)
//! and its history as sparklines, one per rate, gaps left blank.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::columns;
use crate::mib::Mib;
use crate::monitor::interfaces::{IfStatus, Interface};
use crate::monitor::rates::{CounterWidth, History};
use crate::monitor::units::{self, RateUnit};
use crate::tui::sanitize::SafeText;
use crate::tui::{theme, widgets};

const LABEL: usize = 9;

/// The ifType's name from the loaded IF-MIB (IANAifType), else its number.
fn type_name(mib: &Mib, code: i32) -> String {
    let named = mib
        .resolve("IF-MIB::ifType")
        .ok()
        .and_then(|r| mib.node(r.node).def())
        .and_then(|d| d.syntax())
        .and_then(|t| {
            t.named_numbers()
                .find(|(_, v)| *v == i64::from(code))
                .map(|(n, _)| n.to_string())
        });
    match named {
        Some(n) => format!("{n}({code})"),
        None => code.to_string(),
    }
}

/// `3d 4h`, `5h 12m`, `42 s`: a time span in centiseconds, roughly.
pub fn ago(centis: u32) -> String {
    let s = centis / 100;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{}m {}s", s / 60, s % 60),
        7200..=172_799 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn fields(
    row: &Interface,
    uptime: Option<u32>,
    mib: &Mib,
    unit: RateUnit,
) -> Vec<(&'static str, String)> {
    let (status, _) = columns::status(row);
    let name = |s: &str| SafeText::new(s).into_string();
    let mut out = vec![
        ("Index", row.index.0.to_string()),
        ("Name", name(&row.name)),
        ("Descr", name(&row.descr)),
        ("Alias", name(&row.alias)),
        (
            "Type",
            row.if_type.map_or("-".into(), |t| type_name(mib, t)),
        ),
        ("Speed", row.speed.map_or("-".into(), units::speed)),
        (
            "Status",
            format!(
                "{status} (admin {}, oper {})",
                row.admin.map_or("?".into(), IfStatus::name),
                row.oper.map_or("?".into(), IfStatus::name)
            ),
        ),
    ];
    match (row.last_change, uptime) {
        (Some(changed), Some(now)) if changed <= now => {
            out.push(("Changed", format!("{} ago", ago(now - changed))));
        }
        // Later than the agent's uptime: from before its last restart (RFC 2863 wants 0).
        (Some(changed), Some(_)) => {
            out.push((
                "Changed",
                format!("before the agent's restart ({changed} ticks)"),
            ));
        }
        _ => {}
    }
    out.push((
        "Counters",
        match row.octets_width {
            Some(CounterWidth::Bits64) => "64-bit (ifXTable HC)".into(),
            Some(CounterWidth::Bits32) => "32-bit (ifTable)".into(),
            None => "none".into(),
        },
    ));
    let rate = |v: Option<f64>| {
        v.map_or("-".into(), |v| {
            format!("{} {}", units::rate(v, unit), unit.suffix())
        })
    };
    out.push((
        "In / Out",
        format!("{} / {}", rate(row.rates.in_bps), rate(row.rates.out_bps)),
    ));
    if let Some(gap) = row.gap {
        out.push(("Gap", gap.describe().to_string()));
    }
    out
}

/// Draws the pane for `row` in `area` (bordered).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    row: &Interface,
    uptime: Option<u32>,
    mib: &Mib,
    unit: RateUnit,
) {
    let title = format!("{} · history", SafeText::new(row.label()));
    let block = widgets::block(&title, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let left_w = (inner.width / 2).clamp(20.min(inner.width), 48);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(10)]).areas(inner);
    let value_w = usize::from(left.width).saturating_sub(LABEL + 1);
    let lines: Vec<Line> = fields(row, uptime, mib, unit)
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:<LABEL$} "), theme::label()),
                Span::raw(widgets::fit(&value, value_w)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), left);
    draw_graphs(frame, right, row, unit);
}

/// A graph's label, its history, and how its figures read.
type Graph<'a> = (&'static str, &'a History, &'a dyn Fn(f64) -> String);

fn draw_graphs(frame: &mut Frame, area: Rect, row: &Interface, unit: RateUnit) {
    let h = &row.history;
    let bits = |v: f64| format!("{} {}", units::rate(v, unit), unit.suffix());
    let per_s = |v: f64| format!("{}/s", units::si(v));
    let graphs: [Graph<'_>; 6] = [
        ("In", &h.in_bps, &bits),
        ("Out", &h.out_bps, &bits),
        ("In pkts", &h.in_pps, &per_s),
        ("Out pkts", &h.out_pps, &per_s),
        ("Errors", &h.errors, &per_s),
        ("Discards", &h.discards, &per_s),
    ];
    // Each graph: a title line and at least one row of bars.
    let fit = usize::from(area.height / 2).min(graphs.len());
    if fit == 0 {
        return;
    }
    let rows = area.height / fit as u16;
    for (i, (label, history, show)) in graphs.iter().take(fit).enumerate() {
        let y = area.y + i as u16 * rows;
        let now = match history.last() {
            Some(Some(v)) => show(v),
            Some(None) => "gap".into(),
            None => "-".into(),
        };
        let peak = history
            .max()
            .map_or(String::new(), |p| format!("  peak {}", show(p)));
        let title = Line::from(vec![
            Span::styled(format!("{label:<9}"), theme::label()),
            Span::raw(now),
            Span::styled(peak, theme::dim()),
        ]);
        frame.render_widget(Paragraph::new(title), Rect::new(area.x, y, area.width, 1));
        let bars = Rect::new(area.x, y + 1, area.width, rows.saturating_sub(1).max(1));
        let width = usize::from(bars.width);
        let skip = history.len().saturating_sub(width);
        // Scaled so that the peak fills the rows; rates below 1 keep their shape.
        let scale = history
            .max()
            .map_or(1.0, |p| if p > 0.0 { 1000.0 / p } else { 1.0 });
        let data: Vec<Option<u64>> = history
            .values()
            .skip(skip)
            .map(|v| v.map(|v| (v * scale).round() as u64))
            .collect();
        frame.render_widget(
            Sparkline::default()
                .data(data)
                .max(1000)
                .style(if i % 2 == 0 {
                    theme::ok()
                } else {
                    theme::label()
                })
                .absent_value_symbol(" "),
            bars,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans_of_time_read_roughly() {
        assert_eq!(super::ago(4_200), "42 s");
        assert_eq!(super::ago(31_200), "5m 12s");
        assert_eq!(super::ago(19_000_000), "2d 4h");
    }
}
