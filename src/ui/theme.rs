//! Colours and styles in one place.

use ratatui::style::{Color, Modifier, Style};

use crate::model::{Level, Status};

pub fn level(l: &Level) -> Style {
    match l {
        Level::Fatal => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Level::Error => Style::new().fg(Color::Red),
        Level::Warning => Style::new().fg(Color::Yellow),
        Level::Info => Style::new().fg(Color::Blue),
        Level::Debug | Level::Other(_) => Style::new().fg(Color::Gray),
    }
}

pub fn status(s: &Status) -> Style {
    match s {
        Status::Resolved => Style::new().fg(Color::Green),
        Status::Ignored => Style::new().fg(Color::DarkGray),
        Status::Unresolved => Style::new(),
        Status::Other(_) => Style::new().fg(Color::Cyan),
    }
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn selected() -> Style {
    Style::new()
        .bg(Color::Indexed(237))
        .add_modifier(Modifier::BOLD)
}
pub fn error() -> Style {
    Style::new().fg(Color::Red)
}
pub fn info() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn focus_border() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn failing_line() -> Style {
    Style::new()
        .bg(Color::Indexed(52))
        .add_modifier(Modifier::BOLD)
}
pub fn in_app() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn heading() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// The cursor of a line editor.
pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
/// A marked row of the list: actions apply to it.
pub fn marked() -> Style {
    Style::new()
        .bg(Color::Indexed(236))
        .add_modifier(Modifier::BOLD)
}
