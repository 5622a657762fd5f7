//! What the terminal UI takes from the config file, read once: theme, keymap, views, custom
//! commands, source roots, refresh, alerts, and the profiles it can switch between.

use std::sync::Arc;

use super::{Global, backend_for, env, flags};
use crate::config::{self, file::ConfigFile};
use crate::runtime::{Profiles, RunOptions};

/// Seconds between refreshes when the config says nothing.
const REFRESH_DEFAULT: u64 = 30;

pub fn tui_options(g: &Global) -> RunOptions {
    let (cfg, current) = match config::load_profile(&flags(g), &env) {
        Ok((Some((_, cfg)), name)) => (Some(cfg), name),
        _ => (None, None),
    };
    let Some(cfg) = cfg else {
        return RunOptions {
            utc: g.utc,
            refresh: Some(REFRESH_DEFAULT),
            ..RunOptions::default()
        };
    };
    // Checked when the file was read: a wrong name never gets here.
    if let Some(t) = &cfg.theme {
        let _ = crate::ui::theme::set(t);
    }
    let keys = cfg.keymap();
    RunOptions {
        start: None,
        utc: g.utc,
        profiles: switcher(g, &cfg, current.clone()),
        views: cfg.views.iter().map(|v| v.query()).collect(),
        commands: cfg
            .commands
            .iter()
            .filter_map(|c| c.command(&keys).ok())
            .collect(),
        source_roots: source_roots(&cfg),
        keymap: (!cfg.keys.is_empty()).then_some(keys),
        refresh: refresh(&cfg, current.as_deref()),
        alert: cfg.alert.map(Into::into).unwrap_or_default(),
        memory_key: None,
    }
}

/// The profile's `refresh`, else the file's, else 30 s; `0` turns it off.
fn refresh(cfg: &ConfigFile, profile: Option<&str>) -> Option<u64> {
    let r = profile
        .and_then(|n| cfg.profiles.get(n).and_then(|p| p.refresh.clone()))
        .or(cfg.refresh.clone());
    match r {
        Some(r) => config::file::refresh_secs(&r).unwrap_or(Some(REFRESH_DEFAULT)),
        None => Some(REFRESH_DEFAULT),
    }
}

/// The source roots, `~` expanded.
fn source_roots(cfg: &ConfigFile) -> Vec<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    cfg.source_roots
        .iter()
        .map(|r| match (r.strip_prefix("~"), &home) {
            (Ok(rest), Some(h)) => h.join(rest),
            _ => r.clone(),
        })
        .collect()
}

/// The profiles the TUI switches between (`C`, `>`), when there are any.
fn switcher(g: &Global, cfg: &ConfigFile, current: Option<String>) -> Option<Profiles> {
    let names: Vec<String> = cfg.profiles.keys().cloned().collect();
    if names.is_empty() {
        return None;
    }
    let base = g.clone();
    Some(Profiles {
        names,
        current,
        open: Arc::new(move |name: &str| {
            let mut g = base.clone();
            g.profile = Some(name.to_string());
            // The profile decides the server: flags for one server do not follow a switch.
            g.url = None;
            g.org = None;
            g.project = None;
            g.backend = None;
            g.auth_token = None;
            // Nothing printed: the terminal belongs to the TUI.
            let cwd = std::env::current_dir().unwrap_or_default();
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
            let r = config::resolve(&flags(&g), &env, &cwd, home.as_deref())?;
            backend_for(r, g.allow_http)
        }),
    })
}
