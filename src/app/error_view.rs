//! The opened error: its detail and its latest event's stack trace, each a loaded resource
//! with a small cache, and the two panes' scrolling.

use super::keymap::Action;
use super::msg::{Effect, Fetch, ReqId, Slot, Timer};
use super::resource::Outcome;
use super::state::*;
use super::update::fetch;
use crate::backend::BackendError;
use crate::model::{ErrorDetail, Event};

use super::list::FOLLOW_DELAY_MS;

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = app.list_rows().max(2) as isize - 1;
    match action {
        Action::Down => scroll(app, 1),
        Action::Up => scroll(app, -1),
        Action::PageDown => scroll(app, page),
        Action::PageUp => scroll(app, -page),
        Action::Top => scroll(app, isize::MIN / 2),
        Action::Bottom => scroll(app, isize::MAX / 2),
        Action::Open if app.view == View::Detail => show_stack(app, fx),
        Action::ToggleLibrary if app.view == View::Stack => {
            app.stack.show_library = !app.stack.show_library;
            app.stack_scroll = 0;
        }
        Action::ToggleOrder if app.view == View::Stack => {
            app.stack.newest_first = !app.stack.newest_first;
            app.stack_scroll = 0;
        }
        _ => return false,
    }
    true
}

fn scroll(app: &mut App, delta: isize) {
    let (cur, max) = match app.view {
        View::Stack => (&mut app.stack_scroll, app.stack_max),
        _ => (&mut app.detail_scroll, app.detail_max),
    };
    *cur = ((*cur).min(max) as isize)
        .saturating_add(delta)
        .clamp(0, max as isize) as u16;
}

pub fn open_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected().map(|e| e.id.clone()) else {
        return;
    };
    app.view = View::Detail;
    show_detail(app, &id, false, false, fx);
    // The stack trace is one keypress away: start fetching it now.
    show_event(app, &id, false, fx);
}

pub fn show_stack(app: &mut App, fx: &mut Vec<Effect>) {
    app.view = View::Stack;
    if let Some(id) = app.detail.key.clone() {
        show_event(app, &id, false, fx);
    }
}

/// Shows error `id` in the detail pane: from the cache, or fetched (after a pause when it
/// only follows the selection). Another error starts at the top.
pub fn show_detail(app: &mut App, id: &str, debounced: bool, force: bool, fx: &mut Vec<Effect>) {
    let same = app.detail.is(id);
    if !force && same && (app.detail.load().is_loading() || app.detail.data.is_some()) {
        // Already there or on its way; a debounced request becomes immediate when opened.
        if !debounced && let Some(req) = app.follow.take() {
            fetch(app, req, Fetch::Detail { id: id.to_string() }, fx);
        }
        return;
    }
    if !same {
        app.detail.key = Some(id.to_string());
        app.detail.data = None;
        app.detail_scroll = 0;
    }
    app.follow = None;
    if !force && let Some(d) = app.details.get(id) {
        app.detail.data = Some(d.clone());
        app.detail.track.load = Load::Ready;
        return;
    }
    let req = app.req();
    app.detail.track.start(req);
    if debounced {
        app.follow = Some(req);
        fx.push(Effect::After {
            ms: FOLLOW_DELAY_MS,
            timer: Timer::FollowDetail { req },
        });
    } else {
        fetch(app, req, Fetch::Detail { id: id.to_string() }, fx);
    }
}

/// The follow pause is over: fetch, unless something newer took its place.
pub fn follow_due(app: &mut App, req: ReqId, fx: &mut Vec<Effect>) {
    if app.follow == Some(req) && app.detail.track.wants(req) {
        app.follow = None;
        if let Some(id) = app.detail.key.clone() {
            fetch(app, req, Fetch::Detail { id }, fx);
        }
    }
}

pub fn show_event(app: &mut App, id: &str, force: bool, fx: &mut Vec<Effect>) {
    let same = app.event.is(id);
    if !force && same && (app.event.load().is_loading() || app.event.data.is_some()) {
        return;
    }
    if !same {
        app.event.key = Some(id.to_string());
        app.event.data = None;
        app.stack_scroll = 0;
    }
    if !force && let Some(e) = app.events.get(id) {
        app.event.data = Some(e.clone());
        app.event.track.load = Load::Ready;
        return;
    }
    let req = app.req();
    app.event.track.start(req);
    fetch(app, req, Fetch::Event { id: id.to_string() }, fx);
}

/// Ctrl-r: the opened error again, from the server.
pub fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    app.details.clear();
    app.events.clear();
    if let Some(id) = app.detail.key.clone() {
        show_detail(app, &id, false, true, fx);
    }
    if app.view != View::List
        && let Some(id) = app.event.key.clone()
    {
        show_event(app, &id, true, fx);
    }
}

pub fn detail_loaded(
    app: &mut App,
    req: ReqId,
    id: &str,
    result: Result<ErrorDetail, BackendError>,
    fx: &mut Vec<Effect>,
) {
    if !app.detail.is(id) {
        return;
    }
    let now = app.now;
    match app.detail.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(mut d) => {
            // A status change still in flight wins over what the server said before it.
            if let Some(p) = app.pending.get(id) {
                d.summary.status = p.wanted.clone();
            }
            if let Some(ev) = app.event.data.as_ref().filter(|_| app.event.is(id)) {
                d.fill_from(ev);
            }
            if let Some(item) = app.list.items.iter_mut().find(|e| e.id == id) {
                item.count = d.summary.count;
                item.user_count = d.summary.user_count;
                item.last_seen = d.summary.last_seen.or(item.last_seen);
            }
            app.details.put(id.to_string(), d.clone());
            app.detail.data = Some(d);
        }
        other => fx.extend(other.warming_effect(Slot::Detail)),
    }
}

pub fn event_loaded(
    app: &mut App,
    req: ReqId,
    id: &str,
    result: Result<Event, BackendError>,
    fx: &mut Vec<Effect>,
) {
    if !app.event.is(id) {
        return;
    }
    let now = app.now;
    match app.event.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(ev) => {
            // What the error itself leaves empty (GlitchTip) comes from its latest event.
            if app.detail.is(id)
                && let Some(d) = app.detail.data.as_mut()
            {
                d.fill_from(&ev);
                app.details.put(id.to_string(), d.clone());
            }
            app.events.put(id.to_string(), ev.clone());
            app.event.data = Some(ev);
        }
        other => fx.extend(other.warming_effect(Slot::Event)),
    }
}

/// The warming timer fired for the detail or the event.
pub fn ask_again(app: &mut App, slot: Slot, req: ReqId, fx: &mut Vec<Effect>) {
    let (res_key, wants) = match slot {
        Slot::Detail => (app.detail.key.clone(), app.detail.track.wants(req)),
        _ => (app.event.key.clone(), app.event.track.wants(req)),
    };
    if let (Some(id), true) = (res_key, wants) {
        let f = match slot {
            Slot::Detail => Fetch::Detail { id },
            _ => Fetch::Event { id },
        };
        fetch(app, req, f, fx);
    }
}
