//! Watching: the list refreshes on its own (every 30 s by default), pauses while a dialog is
//! open or the server asked to wait, backs off after errors, and keeps the selected error.
//! Errors that arrived since, regressed, escalate or spike are marked.

use std::collections::HashSet;

use super::msg::Effect;
use super::state::*;
use crate::model::{ErrorSummary, Timestamp};

/// What to do when a new or regressed error arrives in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alert {
    #[default]
    Off,
    /// The terminal bell.
    Bell,
    /// A desktop notification through the terminal (OSC 9 and OSC 777), which works over SSH in
    /// the terminals that support it.
    Notify,
}

fn fx_alert(app: &mut App, text: String) {
    app.pending_alert = Some(crate::text::sanitize(&text));
}

/// Why a row is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    New,
    Regressed,
    Escalating,
    Spike,
}

impl Mark {
    pub fn word(self) -> &'static str {
        match self {
            Mark::New => "new",
            Mark::Regressed => "regressed",
            Mark::Escalating => "escalating",
            Mark::Spike => "spike",
        }
    }
}

/// The last hour far above the hours before it.
pub fn spiking(stats_24h: &[u64]) -> bool {
    let Some((&last, before)) = stats_24h.split_last() else {
        return false;
    };
    if before.len() < 6 || last < 10 {
        return false;
    }
    let mut sorted = before.to_vec();
    sorted.sort_unstable();
    last >= 3 * sorted[sorted.len() / 2].max(1)
}

/// The mark of a row: the server's own signals first, then errtui's comparison with what it
/// has shown before in this run.
pub fn mark_of(e: &ErrorSummary, seen: &HashSet<String>, first_load: bool) -> Option<Mark> {
    match e.triage.substatus.as_deref() {
        Some("regressed") => return Some(Mark::Regressed),
        Some("escalating") => return Some(Mark::Escalating),
        _ => {}
    }
    if !first_load && !seen.contains(&e.id) {
        return Some(Mark::New);
    }
    spiking(&e.stats_24h).then_some(Mark::Spike)
}

/// After a list answer: marks, what has been seen, and when the next refresh is due. Returns
/// the errors seen for the first time, to remember between runs.
pub fn list_answered(app: &mut App, ok: bool, append: bool) -> Vec<String> {
    let now = app.now;
    if !ok {
        app.refresh_failures = app.refresh_failures.saturating_add(1);
        if let Some(every) = app.refresh_every {
            // At most two minutes apart, so it resumes soon after the server is back.
            let backoff = every
                .saturating_mul(1 << app.refresh_failures.min(5))
                .min(120.max(every));
            app.next_refresh = Some(now + chrono::Duration::seconds(backoff as i64));
        }
        return Vec::new();
    }
    app.refresh_failures = 0;
    app.last_refresh = Some(now);
    if let Some(every) = app.refresh_every {
        app.next_refresh = Some(now + chrono::Duration::seconds(every as i64));
    }
    if app.seen_pending {
        // Marked once the database says what was seen before (`Msg::Remembered`).
        app.marks_deferred = true;
        return Vec::new();
    }
    let first = app.seen.is_empty() && !append;
    let marks: Vec<(String, Mark)> = app
        .list
        .items
        .iter()
        .filter_map(|e| mark_of(e, &app.seen, first).map(|m| (e.id.clone(), m)))
        .collect();
    // A mark stays until the error is opened; new ones join, and may ring.
    let mut arrived = Vec::new();
    for (id, m) in marks {
        if !app.marks_seen.contains_key(&id) && matches!(m, Mark::New | Mark::Regressed) {
            arrived.push((id.clone(), m));
        }
        app.marks_seen.entry(id).or_insert(m);
    }
    if !first && !arrived.is_empty() && app.alert != Alert::Off {
        let (id, m) = &arrived[0];
        let short = app
            .list
            .items
            .iter()
            .find(|e| &e.id == id)
            .map(|e| format!("{} {}", e.short_id, crate::text::truncate(&e.title, 60)))
            .unwrap_or_default();
        let more = if arrived.len() > 1 {
            format!(" (+{} more)", arrived.len() - 1)
        } else {
            String::new()
        };
        fx_alert(app, format!("errtui: {} {short}{more}", m.word()));
    }
    let fresh: Vec<String> = app
        .list
        .items
        .iter()
        .filter(|e| !app.seen.contains(&e.id))
        .map(|e| e.id.clone())
        .collect();
    app.seen.extend(fresh.iter().cloned());
    fresh
}

/// What earlier runs saw has been read: the rows that waited for it are marked now.
pub fn remembered(
    app: &mut App,
    seen: HashSet<String>,
    rest: Vec<ErrorSummary>,
    fx: &mut Vec<Effect>,
) {
    app.seen.extend(seen);
    app.seen_pending = false;
    // Still the cached list on screen: its other rows join it.
    if app.cached_at.is_some() && !app.list.loaded_once {
        app.list.items.extend(rest);
    }
    if std::mem::take(&mut app.marks_deferred) {
        let fresh = list_answered(app, true, false);
        if !fresh.is_empty() {
            fx.push(Effect::RememberSeen(fresh));
        }
        if let Some(text) = app.pending_alert.take() {
            fx.push(Effect::Alert {
                text,
                how: app.alert,
            });
        }
    }
}

/// Each tick: refresh the list when due, unless a dialog is open, the server asked to wait, a
/// load is under way, or more than one page is loaded (a refresh would drop the others).
pub fn tick(app: &mut App, now: Timestamp, fx: &mut Vec<Effect>) -> bool {
    let Some(due) = app.next_refresh else {
        return false;
    };
    if app.refresh_every.is_none()
        || now < due
        || !app.overlays.is_empty()
        || app.rate_limit_left().is_some()
        || app.list.load().is_loading()
        || app.list.items.len() > PAGE_SIZE
        || !matches!(app.view, View::List | View::Detail | View::Stack)
    {
        return false;
    }
    app.next_refresh = None;
    super::list::load(app, false, fx);
    true
}

/// "↻ 12s ago · next in 18s", for the header.
pub fn header_text(app: &App) -> Option<String> {
    app.refresh_every?;
    let last = app.last_refresh?;
    let ago = (app.now - last).num_seconds().max(0);
    let next = match app.next_refresh {
        Some(n) if !app.overlays.is_empty() => format!(
            "paused (dialog) · due in {}s",
            (n - app.now).num_seconds().max(0)
        ),
        Some(n) => format!("next in {}s", (n - app.now).num_seconds().max(0)),
        None if app.list.load().is_loading() => "refreshing".into(),
        None => "paused".into(),
    };
    Some(format!("↻ {ago}s ago · {next}"))
}
