//! The error list: queries, paging, selection, and the detail that follows the selection.

use super::keymap::Action;
use super::msg::{Effect, Fetch, ReqId, Slot};
use super::resource::{FailureKind, Outcome};
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::{ErrorSummary, Page};

/// The pause after which the detail follows the list selection. The first move after a rest
/// fetches at once; moves within the pause of the one before wait for the selection to settle.
pub const FOLLOW_DELAY_MS: u64 = 120;

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = app.list_rows().max(2) as isize - 1;
    match action {
        Action::Down => move_by(app, 1, fx),
        Action::Up => move_by(app, -1, fx),
        Action::PageDown => move_by(app, page, fx),
        Action::PageUp => move_by(app, -page, fx),
        Action::Top => move_by(app, isize::MIN / 2, fx),
        Action::Bottom => move_by(app, isize::MAX / 2, fx),
        Action::Open => super::error_view::open_selected(app, fx),
        Action::CycleFilter => cycle_filter(app, fx),
        Action::CycleSort => cycle_sort(app, fx),
        _ => return false,
    }
    true
}

fn move_by(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    let len = app.list.items.len();
    if len == 0 {
        return;
    }
    let cur = app.list.selected as isize;
    app.list.selected = (cur.saturating_add(delta)).clamp(0, len as isize - 1) as usize;
    maybe_next_page(app, fx);
    follow_selection(app, fx);
}

fn cycle_filter(app: &mut App, fx: &mut Vec<Effect>) {
    if app.caps.status_filters.len() <= 1 {
        let only = app.caps.status_filters.first().copied().unwrap_or_default();
        let text = app.caps.status_filter_note.clone().unwrap_or_else(|| {
            format!("{} can only list {} errors.", app.caps.name, only.as_str())
        });
        return notify(app, &text, NoticeKind::Info);
    }
    let mut next = app.query.status.next();
    while !app.caps.status_filters.contains(&next) {
        next = next.next();
    }
    app.query.status = next;
    new_query(app, fx);
}

fn cycle_sort(app: &mut App, fx: &mut Vec<Effect>) {
    let mut next = app.query.sort.next();
    while !app.caps.sorts.contains(&next) && next != app.query.sort {
        next = next.next();
    }
    app.query.sort = next;
    new_query(app, fx);
}

/// The search line was submitted.
pub fn search(app: &mut App, text: String, fx: &mut Vec<Effect>) {
    app.query.text = text;
    new_query(app, fx);
}

/// Only a page that loaded fine leads to the next: a failed page waits for Ctrl-r.
fn maybe_next_page(app: &mut App, fx: &mut Vec<Effect>) {
    if app.list.next.is_some()
        && matches!(app.list.track.load, Load::Ready)
        && app.list.selected + PREFETCH_MARGIN >= app.list.items.len()
    {
        load(app, true, fx);
    }
}

pub fn load(app: &mut App, append: bool, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.list.track.start(req);
    let cursor = if append { app.list.next.clone() } else { None };
    app.list.asked = cursor.clone();
    fetch(
        app,
        req,
        Fetch::List {
            query: app.query.clone(),
            cursor,
            append,
        },
        fx,
    );
}

/// A new search, filter or sort: from the first page; the old rows stay, dimmed, until the
/// answer, and the selection then starts on its first row.
fn new_query(app: &mut App, fx: &mut Vec<Effect>) {
    app.list.next = None;
    app.list.searching = true;
    app.view = View::List;
    load(app, false, fx);
}

pub fn loaded(
    app: &mut App,
    req: ReqId,
    append: bool,
    result: Result<Page<ErrorSummary>, BackendError>,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    match app.list.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Stale => {}
        Outcome::Data(page) => {
            app.list.changed = append || app.list.items != page.items;
            if append {
                app.list.items.extend(page.items);
            } else if std::mem::take(&mut app.list.searching) {
                app.list.items = page.items;
                app.list.selected = 0;
            } else {
                // A refresh keeps the selected error or, when it is gone, the row that took
                // its place.
                let keep = app.selected().map(|e| e.id.clone());
                let was = app.list.selected;
                app.list.items = page.items;
                if let Some(i) = keep.and_then(|id| app.list.items.iter().position(|e| e.id == id))
                {
                    app.list.selected = i;
                    if i != was {
                        let (n, _) = app.list.shifted;
                        app.list.shifted = (n + 1, i as isize - was as isize);
                    }
                }
            }
            // A refresh keeps the changes still on their way to the server.
            for item in app.list.items.iter_mut() {
                if let Some(p) = app.pending.get(&item.id) {
                    p.change.apply(&mut item.status, &mut item.triage);
                }
            }
            // Marks stay on the rows still listed.
            let listed: std::collections::HashSet<&str> =
                app.list.items.iter().map(|e| e.id.as_str()).collect();
            app.marks.retain(|id| listed.contains(id.as_str()));
            app.list.total = page.total.or(if append { app.list.total } else { None });
            // A server that hands back the cursor it was asked for would loop.
            app.list.next = page.next.filter(|n| Some(n) != app.list.asked.as_ref());
            app.diagnosis = None;
            app.list.loaded_once = true;
            clamp_selection(app);
            follow_selection(app, fx);
        }
        o @ Outcome::AskAgain { .. } => fx.extend(o.warming_effect(Slot::List)),
        o @ Outcome::GaveUp => {
            app.list.searching = false;
            fx.extend(o.warming_effect(Slot::List));
            notify(
                app,
                &format!("{} Ctrl-r tries again.", super::resource::NOT_AVAILABLE),
                NoticeKind::Error,
            );
        }
        Outcome::Failed(e) => {
            app.list.searching = false;
            notify(
                app,
                &format!("Could not load errors: {e}"),
                NoticeKind::Error,
            );
        }
    }
}

/// The warming timer fired: ask again with the request id it was scheduled with.
pub fn ask_again(app: &mut App, req: ReqId, fx: &mut Vec<Effect>) {
    if app.list.track.wants(req) {
        let append = app.list.asked.is_some();
        fetch(
            app,
            req,
            Fetch::List {
                query: app.query.clone(),
                cursor: app.list.asked.clone(),
                append,
            },
            fx,
        );
    }
}

fn clamp_selection(app: &mut App) {
    let len = app.list.items.len();
    if app.list.selected >= len {
        app.list.selected = len.saturating_sub(1);
    }
}

/// The detail follows the list selection after a short pause: shown beside the list in the
/// wide layout, fetched ahead (with the latest event) in every layout, so Enter waits for
/// nothing.
pub fn follow_selection(app: &mut App, fx: &mut Vec<Effect>) {
    if app.view != View::List {
        return;
    }
    if let Some(id) = app.selected().map(|e| e.id.clone()) {
        super::error_view::show_detail(app, &id, true, false, fx);
    }
}

/// After a 429's wait: ask again for what failed because of it.
pub fn after_rate_limit(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(f) = app.list.track.stale()
        && matches!(f.kind, FailureKind::RateLimited { .. })
    {
        let append = app.list.asked.is_some();
        load(app, append, fx);
    }
}
