//! Across an error's events: its events list (`E`) and its tag breakdowns (`T`). Both belong to
//! the opened error and are fetched when first shown.

use super::keymap::Action;
use super::msg::{Effect, Fetch, ReqId};
use super::resource::Outcome;
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::{EventRef, EventSummary, Page, TagBreakdown};

/// Fetch the next page of events when the selection comes this close to the end.
const MORE_MARGIN: usize = 10;

/// `E`: the opened error's events, newest first.
pub fn open_events(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.detail.key.clone() else {
        return notify(app, "Open an error first.", NoticeKind::Info);
    };
    if let Some(why) = app.caps.event_history.clone() {
        return notify(app, &why, NoticeKind::Info);
    }
    remember(app);
    app.view = View::Events;
    let list = &app.event_list;
    if !list.is(&id) || (!list.track.load.is_loading() && list.items.is_empty()) {
        app.event_list = Rows {
            key: Some(id.clone()),
            ..Rows::default()
        };
        load_events(app, &id, None, fx);
    }
}

/// `T`: the opened error's tags with their top values.
pub fn open_tags(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.detail.key.clone() else {
        return notify(app, "Open an error first.", NoticeKind::Info);
    };
    if let Some(why) = app.caps.tag_note.clone() {
        return notify(app, &why, NoticeKind::Info);
    }
    remember(app);
    app.view = View::Tags;
    let tags = &app.tags;
    if !tags.is(&id) || (!tags.track.load.is_loading() && tags.items.is_empty()) {
        app.tags = Rows {
            key: Some(id.clone()),
            ..Rows::default()
        };
        let req = app.req();
        app.tags.track.start(req);
        fetch(app, req, Fetch::Tags { id }, fx);
    }
}

/// Back from the events or tags pane goes to the detail or the stack it came from.
fn remember(app: &mut App) {
    if matches!(app.view, View::Detail | View::Stack) {
        app.inspect_from = app.view;
    }
}

fn load_events(app: &mut App, id: &str, cursor: Option<String>, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.event_list.track.start(req);
    fetch(
        app,
        req,
        Fetch::Events {
            id: id.to_string(),
            cursor,
        },
        fx,
    );
}

/// Ctrl-r in the events or tags pane.
pub fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.detail.key.clone() else {
        return;
    };
    match app.view {
        View::Events => {
            app.event_list.key = Some(id.clone());
            app.event_list.next = None;
            load_events(app, &id, None, fx);
        }
        View::Tags => {
            app.tags.key = Some(id.clone());
            let req = app.req();
            app.tags.track.start(req);
            fetch(app, req, Fetch::Tags { id }, fx);
        }
        _ => {}
    }
}

pub fn events_loaded(
    app: &mut App,
    req: ReqId,
    id: &str,
    append: bool,
    result: Result<Page<EventSummary>, BackendError>,
) {
    if !app.event_list.is(id) {
        return;
    }
    let now = app.now;
    match app
        .event_list
        .track
        .accept(req, result, now, &mut app.next_req)
    {
        Outcome::Data(page) => {
            let list = &mut app.event_list;
            if append {
                // A server that repeats a page adds nothing twice.
                let seen: std::collections::HashSet<String> =
                    list.items.iter().map(|e| e.id.clone()).collect();
                let fresh: Vec<EventSummary> = page
                    .items
                    .into_iter()
                    .filter(|e| !seen.contains(&e.id))
                    .collect();
                let grew = !fresh.is_empty();
                list.items.extend(fresh);
                list.next = page.next.filter(|_| grew);
            } else {
                list.items = page.items;
                list.next = page.next;
            }
            list.total = page.total.or(list.total);
            list.selected = list.selected.min(list.items.len().saturating_sub(1));
        }
        Outcome::Failed(e) => notify(
            app,
            &format!("Could not load the events: {e}"),
            NoticeKind::Error,
        ),
        _ => {}
    }
}

pub fn tags_loaded(
    app: &mut App,
    req: ReqId,
    id: &str,
    result: Result<Vec<TagBreakdown>, BackendError>,
) {
    if !app.tags.is(id) {
        return;
    }
    let now = app.now;
    match app.tags.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(mut tags) => {
            // The keys an on-call engineer asks about first, then the rest by name.
            const FIRST: [&str; 8] = [
                "release",
                "environment",
                "browser",
                "os",
                "url",
                "user",
                "server_name",
                "transaction",
            ];
            tags.sort_by_key(|t| {
                (
                    FIRST
                        .iter()
                        .position(|k| *k == t.key)
                        .unwrap_or(FIRST.len()),
                    t.key.clone(),
                )
            });
            let rows = tag_rows(&tags).len();
            app.tags.items = tags;
            app.tags.selected = app.tags.selected.min(rows.saturating_sub(1));
        }
        Outcome::Failed(e) => notify(
            app,
            &format!("Could not load the tags: {e}"),
            NoticeKind::Error,
        ),
        _ => {}
    }
}

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) -> bool {
    let len = match app.view {
        View::Events => app.event_list.items.len(),
        _ => tag_rows(&app.tags.items).len(),
    };
    let page = app.list_rows().max(2) as isize - 1;
    let delta = match action {
        Action::Down => 1,
        Action::Up => -1,
        Action::PageDown => page,
        Action::PageUp => -page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::Open => {
            match app.view {
                View::Events => open_selected_event(app, fx),
                _ => search_selected_value(app, fx),
            }
            return true;
        }
        Action::CopyEventId if app.view == View::Events => {
            if let Some(e) = app.event_list.items.get(app.event_list.selected) {
                let id = e.id.clone();
                notify(
                    app,
                    &format!("Copied event id {} (OSC 52).", crate::text::sanitize(&id)),
                    NoticeKind::Info,
                );
                fx.push(Effect::Copy(crate::text::sanitize(&id)));
            }
            return true;
        }
        _ => return false,
    };
    if len > 0 {
        let sel = match app.view {
            View::Events => &mut app.event_list.selected,
            _ => &mut app.tags.selected,
        };
        *sel = (*sel as isize)
            .saturating_add(delta)
            .clamp(0, len as isize - 1) as usize;
    }
    // Near the end of the loaded events: the next page.
    if app.view == View::Events
        && app.event_list.selected + MORE_MARGIN >= app.event_list.items.len()
        && matches!(app.event_list.track.load, Load::Ready)
        && let (Some(cursor), Some(id)) = (app.event_list.next.clone(), app.event_list.key.clone())
    {
        load_events(app, &id, Some(cursor), fx);
    }
    true
}

fn open_selected_event(app: &mut App, fx: &mut Vec<Effect>) {
    let (Some(row), Some(id)) = (
        app.event_list.items.get(app.event_list.selected).cloned(),
        app.detail.key.clone(),
    ) else {
        return;
    };
    // The list is newest first and unfiltered: its row is the event's place.
    app.event_pos = Some(app.event_list.selected as u64 + 1);
    app.view = app.inspect_from;
    super::error_view::open_event(app, &id, EventRef::Id(row.id), fx);
}

/// Enter on a tag value: the list, searched for `key:value`.
fn search_selected_value(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(&(t, v)) = tag_rows(&app.tags.items).get(app.tags.selected) else {
        return;
    };
    let tag = &app.tags.items[t];
    let value = &tag.top[v].value;
    let term = if value.is_empty() || value.contains([' ', '"', '\'']) || value.contains(':') {
        format!("{}:\"{}\"", tag.key, value.replace('"', "\\\""))
    } else {
        format!("{}:{}", tag.key, value)
    };
    let text = crate::text::sanitize(&term);
    super::list::search(app, text, fx);
}
