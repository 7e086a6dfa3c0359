//! Colours and styles, in one place so every view looks like the same program. Only the 16
//! basic colours: they follow the user's terminal theme and survive tmux and SSH.

use ratatui::style::{Color, Modifier, Style};

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn tab_active() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn tab() -> Style {
    Style::new()
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn label() -> Style {
    Style::new().fg(Color::Cyan)
}

/// The selected row of a focused list.
pub fn selected() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan)
}

/// The selected row of a list without the focus.
pub fn selected_unfocused() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn key() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

pub fn changed() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// Tree labels by what the node is.
pub fn table() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

pub fn column() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn scalar() -> Style {
    Style::new().fg(Color::Green)
}

pub fn notification() -> Style {
    Style::new().fg(Color::Magenta)
}
