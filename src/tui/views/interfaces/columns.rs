//! The columns of the interfaces table: which fit at a given width (most useful first),
//! their headers, how each sorts, and each cell's text and style. Agent text (names,
//! aliases) goes through `SafeText` here, for the visible rows only.

use std::cmp::Ordering;

use ratatui::style::Style;

use crate::monitor::interfaces::{IfStatus, Interface};
use crate::monitor::units::{self, RateUnit};
use crate::tui::sanitize::SafeText;
use crate::tui::theme;
use crate::tui::views::list::natural;

/// A column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    Index,
    Name,
    Alias,
    Status,
    Speed,
    In,
    Out,
    InPkts,
    OutPkts,
    Errors,
    Discards,
    Util,
    /// The busier direction's recent history (not sortable).
    Trend,
}

/// The sortable columns, in the order `s` steps through them.
pub const SORTABLE: [Col; 12] = [
    Col::Index,
    Col::Name,
    Col::Alias,
    Col::Status,
    Col::Speed,
    Col::In,
    Col::Out,
    Col::InPkts,
    Col::OutPkts,
    Col::Errors,
    Col::Discards,
    Col::Util,
];

/// Columns in the order they are given room, with their widths (0: takes what is left).
const PRIORITY: [(Col, u16); 13] = [
    (Col::Index, 6),
    (Col::Name, 0),
    (Col::Status, 8),
    (Col::In, 8),
    (Col::Out, 8),
    (Col::Util, 6),
    (Col::Trend, 12),
    (Col::Speed, 6),
    (Col::Errors, 7),
    (Col::InPkts, 8),
    (Col::OutPkts, 8),
    (Col::Discards, 7),
    (Col::Alias, 0),
];

/// The least room a name or an alias gets.
const TEXT_MIN: u16 = 10;

/// Where each visible column goes: (column, x offset, width), in screen order.
pub fn layout(width: u16) -> Vec<(Col, u16, u16)> {
    let mut chosen: Vec<(Col, u16)> = Vec::new();
    let mut used = 0u16;
    for (col, w) in PRIORITY {
        let need = if w == 0 { TEXT_MIN } else { w } + 1;
        if used + need <= width {
            chosen.push((col, w));
            used += need;
        }
    }
    // What is left goes to the text columns (the name gets twice the alias's share),
    // and the trend takes up to 24 more.
    let mut spare = width.saturating_sub(used);
    let has = |chosen: &[(Col, u16)], c: Col| chosen.iter().any(|(x, _)| *x == c);
    if has(&chosen, Col::Trend) {
        let extra = spare.min(24).min(spare / 3);
        for (c, w) in &mut chosen {
            if *c == Col::Trend {
                *w += extra;
            }
        }
        spare -= extra;
    }
    let texts = u16::from(has(&chosen, Col::Name)) * 2 + u16::from(has(&chosen, Col::Alias));
    for (c, w) in &mut chosen {
        if *w == 0 {
            let share = match c {
                Col::Name if texts == 3 => spare * 2 / 3,
                Col::Alias => spare / 3,
                _ => spare,
            };
            *w = TEXT_MIN + share.min(40);
        }
    }
    let mut x = 0;
    let mut out = Vec::new();
    // Screen order: the sortable columns' order, the trend last.
    for col in SORTABLE.into_iter().chain([Col::Trend]) {
        if let Some((_, w)) = chosen.iter().find(|(c, _)| *c == col) {
            out.push((col, x, *w));
            x += w + 1;
        }
    }
    out
}

impl Col {
    pub fn header(self, unit: RateUnit) -> String {
        match self {
            Col::Index => "Index".into(),
            Col::Name => "Name".into(),
            Col::Alias => "Alias".into(),
            Col::Status => "Status".into(),
            Col::Speed => "Speed".into(),
            Col::In => format!("In {}", unit.suffix()),
            Col::Out => format!("Out {}", unit.suffix()),
            Col::InPkts => "In pkt/s".into(),
            Col::OutPkts => "Out pk/s".into(),
            Col::Errors => "Err/s".into(),
            Col::Discards => "Disc/s".into(),
            Col::Util => "Util".into(),
            Col::Trend => "Trend".into(),
        }
    }

    /// Figures read right-aligned.
    pub fn numeric(self) -> bool {
        !matches!(self, Col::Name | Col::Alias | Col::Status | Col::Trend)
    }

    /// Biggest first is what an operator wants from a figure; names read A to Z.
    pub fn descending_by_default(self) -> bool {
        self.numeric() && self != Col::Index
    }

    /// Compares two rows by this column (missing figures last when descending).
    pub fn compare(self, a: &Interface, b: &Interface) -> Ordering {
        let figure = |f: fn(&Interface) -> Option<f64>| {
            let (x, y) = (f(a).unwrap_or(-1.0), f(b).unwrap_or(-1.0));
            x.total_cmp(&y)
        };
        let by = match self {
            Col::Index | Col::Trend => Ordering::Equal,
            Col::Name => natural(a.label(), b.label()),
            Col::Alias => natural(&a.alias, &b.alias),
            Col::Status => status_rank(a).cmp(&status_rank(b)),
            Col::Speed => a.speed.cmp(&b.speed),
            Col::In => figure(|r| r.rates.in_bps),
            Col::Out => figure(|r| r.rates.out_bps),
            Col::InPkts => figure(|r| r.rates.in_pps),
            Col::OutPkts => figure(|r| r.rates.out_pps),
            Col::Errors => figure(|r| r.rates.errors()),
            Col::Discards => figure(|r| r.rates.discards()),
            Col::Util => figure(Interface::utilization),
        };
        by.then(a.index.cmp(&b.index))
    }

    /// The cell's text and style for `row`.
    pub fn cell(self, row: &Interface, unit: RateUnit, width: u16) -> (String, Style) {
        let rate = |v: Option<f64>, scale: &dyn Fn(f64) -> String| match v {
            Some(v) => (scale(v), Style::new()),
            None if row.gap.is_some() => ("gap".to_string(), theme::warning()),
            None => ("-".to_string(), theme::dim()),
        };
        match self {
            Col::Index => (row.index.0.to_string(), theme::dim()),
            Col::Name => (SafeText::new(row.label()).into_string(), Style::new()),
            Col::Alias => (SafeText::new(&row.alias).into_string(), theme::dim()),
            Col::Status => status(row),
            Col::Speed => (row.speed.map_or("-".into(), units::speed), Style::new()),
            Col::In => rate(row.rates.in_bps, &|v| units::rate(v, unit)),
            Col::Out => rate(row.rates.out_bps, &|v| units::rate(v, unit)),
            Col::InPkts => rate(row.rates.in_pps, &units::si),
            Col::OutPkts => rate(row.rates.out_pps, &units::si),
            Col::Errors | Col::Discards => {
                let v = if self == Col::Errors {
                    row.rates.errors()
                } else {
                    row.rates.discards()
                };
                match v {
                    Some(v) if v > 0.0 => (units::si(v), theme::error()),
                    other => rate(other, &units::si),
                }
            }
            Col::Util => match row.utilization() {
                Some(u) => {
                    let style = if u >= 0.9 {
                        theme::error()
                    } else if u >= 0.7 {
                        theme::warning()
                    } else {
                        Style::new()
                    };
                    (format!("{:.1}%", u * 100.0), style)
                }
                None => rate(None, &units::si),
            },
            Col::Trend => (trend(row, usize::from(width)), theme::ok()),
        }
    }
}

/// Up first, then the troubled states, disabled ports last.
fn status_rank(row: &Interface) -> u8 {
    match (row.admin, row.oper) {
        (Some(IfStatus::Down), _) => 9,
        (_, Some(IfStatus::Up)) => 0,
        (_, Some(IfStatus::Dormant)) => 1,
        (_, Some(IfStatus::Testing)) => 2,
        (_, Some(IfStatus::LowerLayerDown)) => 3,
        (_, Some(IfStatus::Down)) => 4,
        (_, Some(IfStatus::NotPresent)) => 6,
        _ => 5,
    }
}

/// The status as a word: `up`, `down`, `disabled` (admin down), `llDown`, ...
pub fn status(row: &Interface) -> (String, Style) {
    if row.admin == Some(IfStatus::Down) {
        return ("disabled".into(), theme::dim());
    }
    match row.oper {
        Some(IfStatus::Up) => ("up".into(), theme::ok()),
        Some(IfStatus::Down) => ("down".into(), theme::error()),
        Some(IfStatus::LowerLayerDown) => ("llDown".into(), theme::error()),
        Some(IfStatus::Dormant) => ("dormant".into(), theme::warning()),
        Some(IfStatus::Testing) => ("testing".into(), theme::warning()),
        Some(IfStatus::NotPresent) => ("absent".into(), theme::dim()),
        Some(s) => (s.name(), theme::warning()),
        None => ("?".into(), theme::dim()),
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `width` polls of the busier direction as bars scaled to their peak; a gap
/// (reset, discontinuity, pause) is a blank, never a bar.
pub fn trend(row: &Interface, width: usize) -> String {
    let h = &row.history;
    let n = h.in_bps.len().min(width);
    let skip = h.in_bps.len() - n;
    let busier: Vec<Option<f64>> = h
        .in_bps
        .values()
        .zip(h.out_bps.values())
        .skip(skip)
        .map(|(i, o)| match (i, o) {
            (None, None) => None,
            (i, o) => Some(i.unwrap_or(0.0).max(o.unwrap_or(0.0))),
        })
        .collect();
    let peak = busier.iter().flatten().copied().fold(0.0, f64::max);
    let mut s: String = busier
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if peak <= 0.0 => BARS[0],
            Some(v) => BARS[((v / peak) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect();
    // Right-aligned: the newest poll is always in the last column.
    let pad = width.saturating_sub(n);
    s.insert_str(0, &" ".repeat(pad));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_screens_keep_the_essential_columns() {
        let cols = |w| layout(w).into_iter().map(|(c, _, _)| c).collect::<Vec<_>>();
        let narrow = cols(80);
        for c in [
            Col::Index,
            Col::Name,
            Col::Status,
            Col::In,
            Col::Out,
            Col::Util,
        ] {
            assert!(narrow.contains(&c), "{c:?} in {narrow:?}");
        }
        let wide = cols(158);
        assert_eq!(wide.len(), 13, "{wide:?}");
        for w in [40, 80, 120, 158, 300] {
            let last = layout(w).last().map(|(_, x, w)| x + w).unwrap_or(0);
            assert!(last <= w, "{w}: {:?}", layout(w));
        }
    }
}
