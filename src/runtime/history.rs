//! The search history, kept between runs in the platform's state directory
//! (`~/.local/state/errtui/search_history` on Linux), one search a line. It never holds a token:
//! only what was typed in the `/` line.

use std::path::PathBuf;

use crate::app::overlay::HISTORY_MAX;

/// `ERRTUI_STATE_DIR`, or the platform's state (or local data) directory.
pub fn path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ERRTUI_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("search_history"));
    }
    let dirs = directories::ProjectDirs::from("", "", "errtui")?;
    let dir = dirs
        .state_dir()
        .map(|d| d.to_path_buf())
        .unwrap_or_else(|| dirs.data_local_dir().to_path_buf());
    Some(dir.join("search_history"))
}

pub fn load() -> Vec<String> {
    path().map(|p| load_from(&p)).unwrap_or_default()
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

/// Writes the history; a failure is said, never fatal.
pub fn save(history: &[String]) -> Result<(), String> {
    let p = path().ok_or("no place to keep the search history")?;
    save_to(&p, history)
}

pub fn save_to(p: &std::path::Path, history: &[String]) -> Result<(), String> {
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text: String = history
        .iter()
        .map(|h| format!("{}\n", crate::text::sanitize(h).replace('\n', " ")))
        .collect();
    std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))
}
