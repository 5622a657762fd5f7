//! The search history of errtui before it kept one in its database: a file in the state
//! directory, one search a line. Read once, when the database has no searches for a profile yet.

use crate::app::overlay::HISTORY_MAX;

/// The old history file, if there is one.
pub fn load_legacy() -> Vec<String> {
    crate::store::state_dir()
        .map(|d| load_from(&d.join("search_history")))
        .unwrap_or_default()
}

pub fn load_from(p: &std::path::Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(p) else {
        return Vec::new();
    };
    let mut out: Vec<String> = text
        .lines()
        .map(crate::text::sanitize)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let extra = out.len().saturating_sub(HISTORY_MAX);
    out.drain(..extra);
    out
}
