//! Colours and styles in one place. Only the terminal's 16 ANSI colours and text attributes
//! (bold, dim, reverse), so the terminal's own theme keeps them readable on dark and light
//! backgrounds alike; `NO_COLOR` (any value) drops the colours and keeps the attributes.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};

use crate::model::{Level, Status};

/// `theme = "mono"` in the config: attributes only, as with `NO_COLOR`.
static MONO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Picks a theme by name: `default` (the terminal's 16 colours) or `mono` (no colour).
pub fn set(name: &str) -> Result<(), String> {
    match name {
        "default" => MONO.store(false, std::sync::atomic::Ordering::Relaxed),
        "mono" => MONO.store(true, std::sync::atomic::Ordering::Relaxed),
        other => {
            return Err(format!(
                "theme `{other}` does not exist: use \"default\" (the terminal's 16 colours) or \"mono\" (no colour)"
            ));
        }
    }
    Ok(())
}

fn no_color() -> bool {
    static NO: OnceLock<bool> = OnceLock::new();
    MONO.load(std::sync::atomic::Ordering::Relaxed)
        || *NO.get_or_init(|| std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
}

/// `fg` unless colour is off.
fn fg(c: Color) -> Style {
    if no_color() {
        Style::new()
    } else {
        Style::new().fg(c)
    }
}

pub fn level(l: &Level) -> Style {
    match l {
        Level::Fatal => fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Level::Error => fg(Color::Red),
        Level::Warning => fg(Color::Yellow),
        Level::Info => fg(Color::Blue),
        Level::Debug | Level::Other(_) => Style::new().add_modifier(Modifier::DIM),
    }
}

pub fn status(s: &Status) -> Style {
    match s {
        Status::Resolved => fg(Color::Green),
        Status::Ignored => Style::new().add_modifier(Modifier::DIM),
        Status::Unresolved => Style::new(),
        Status::Other(_) => fg(Color::Cyan),
    }
}

/// Secondary text: dimmed, in the terminal's own colour (readable on any background).
pub fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
/// The selected row: reversed, so it shows on any background and without colour.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}
pub fn error() -> Style {
    fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn info() -> Style {
    fg(Color::Cyan)
}
pub fn focus_border() -> Style {
    fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn key() -> Style {
    fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
/// The line an exception was raised on.
pub fn failing_line() -> Style {
    fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED)
}
pub fn in_app() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn heading() -> Style {
    fg(Color::Magenta).add_modifier(Modifier::BOLD)
}

/// The cursor of a line editor.
pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
/// A marked row of the list: actions apply to it.
pub fn marked() -> Style {
    fg(Color::Magenta).add_modifier(Modifier::BOLD)
}
