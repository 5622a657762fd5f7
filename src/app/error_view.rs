//! The opened error: its detail and its latest event's stack trace, each a loaded resource
//! with a small cache, and the two panes' scrolling.

use super::keymap::Action;
use super::msg::{Data, Effect, Fetch, Opened, ReqId, Slot, Timer};
use super::resource::{Failure, Outcome};
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::{ErrorDetail, Event, EventRef, Timestamp};

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
        Action::PrevEvent => step_event(app, true, fx),
        Action::NextEvent => step_event(app, false, fx),
        Action::OldestEvent => jump_event(app, EventRef::Oldest, fx),
        Action::LatestEvent => jump_event(app, EventRef::Latest, fx),
        Action::RecommendedEvent => jump_event(app, EventRef::Recommended, fx),
        Action::NextSection => move_section(app, 1),
        Action::PrevSection => move_section(app, -1),
        Action::Fold => fold(app),
        Action::Reveal => {
            app.reveal = !app.reveal;
            let text = if app.reveal {
                "Request secrets shown: x masks them again."
            } else {
                "Request secrets masked."
            };
            notify(app, text, NoticeKind::Info);
        }
        Action::CrumbData => app.crumb_data = !app.crumb_data,
        _ => return false,
    }
    true
}

/// `[` and `]`: the event before or after the shown one, by the ids the server gave with it.
fn step_event(app: &mut App, older: bool, fx: &mut Vec<Effect>) {
    let Some(id) = app.detail.key.clone() else {
        return;
    };
    if let Some(why) = app.caps.event_history.clone() {
        return notify(app, &why, NoticeKind::Info);
    }
    // A step on its way: the next one waits for it, or it would step from the event on screen
    // and count the same event twice.
    if app.event.load().is_loading() && app.event_asked != app.event_shown {
        return notify(
            app,
            "Still loading the event before that one: step again when it shows.",
            NoticeKind::Info,
        );
    }
    let Some(ev) = app.event.data.as_ref().filter(|_| app.event.is(&id)) else {
        return notify(
            app,
            "The event is still loading: wait for it, then step.",
            NoticeKind::Info,
        );
    };
    let target = if older {
        ev.previous_event_id.clone()
    } else {
        ev.next_event_id.clone()
    };
    match target {
        Some(e) => {
            app.event_pos = app.event_pos.map(|p| {
                if older {
                    p + 1
                } else {
                    p.saturating_sub(1).max(1)
                }
            });
            open_event(app, &id, EventRef::Id(e), fx);
        }
        None => notify(
            app,
            if older {
                "This is the oldest event the server has for this error."
            } else {
                "This is the latest event."
            },
            NoticeKind::Info,
        ),
    }
}

fn jump_event(app: &mut App, which: EventRef, fx: &mut Vec<Effect>) {
    let Some(id) = app.detail.key.clone() else {
        return;
    };
    if let Some(why) = app.caps.refuses_event(&which) {
        return notify(app, &why, NoticeKind::Info);
    }
    app.event_pos = match which {
        EventRef::Latest => Some(1),
        EventRef::Oldest => app.event_total(),
        _ => None,
    };
    open_event(app, &id, which, fx);
}

/// Shows event `which` of error `id` in the detail and stack panes.
pub fn open_event(app: &mut App, id: &str, which: EventRef, fx: &mut Vec<Effect>) {
    app.event_ref = which;
    app.stack_scroll = 0;
    show_event(app, id, false, fx);
}

fn move_section(app: &mut App, delta: isize) {
    if app.section_lines.is_empty() {
        return;
    }
    let i = app
        .section
        .and_then(|s| app.section_lines.iter().position(|(x, _)| *x == s));
    let n = app.section_lines.len() as isize;
    let next = match i {
        Some(i) => (i as isize + delta).clamp(0, n - 1) as usize,
        None if delta > 0 => 0,
        None => (n - 1) as usize,
    };
    let (sec, line) = app.section_lines[next];
    app.section = Some(sec);
    if app.view == View::Detail {
        app.detail_scroll = line.min(app.detail_max);
    }
}

fn fold(app: &mut App) {
    let Some(sec) = app.section.or_else(|| {
        // No cursor yet: the section at the top of the pane.
        app.section_lines
            .iter()
            .rev()
            .find(|(_, l)| *l <= app.detail_scroll)
            .map(|(s, _)| *s)
    }) else {
        return notify(app, "J and K pick a section to fold.", NoticeKind::Info);
    };
    app.section = Some(sec);
    if !app.folded.remove(&sec) {
        app.folded.insert(sec);
    }
}

/// Where the shown event sits, "3 of 1,204", when known.
pub fn event_position(app: &App) -> Option<(u64, Option<u64>)> {
    app.event_pos.map(|p| (p, app.event_total()))
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
    open_error(app, &id, EventRef::Latest, fx);
}

/// Opens error `id` at event `which`: from the list, or straight from a link (`errtui open`).
pub fn open_error(app: &mut App, id: &str, which: EventRef, fx: &mut Vec<Effect>) {
    app.view = View::Detail;
    // Looked at: no longer marked new.
    app.marks_seen.remove(id);
    if !app.event.is(id) || app.event_ref != which {
        app.event_pos = (which == EventRef::Latest).then_some(1);
    }
    app.event_ref = which;
    show_detail(app, id, false, false, fx);
    // The stack trace is one keypress away: start fetching it now.
    show_event(app, id, false, fx);
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
        // The first move after a rest fetches at once; moves that follow it within the pause
        // wait for the selection to settle, so holding `j` sends nothing until it stops.
        let rested = !app.follow_cooling;
        app.follow_cooling = true;
        app.follow = Some(req);
        fx.push(Effect::After {
            ms: FOLLOW_DELAY_MS,
            timer: Timer::FollowDetail { req },
        });
        if rested {
            fetch_followed(app, req, fx);
        }
    } else {
        fetch(app, req, Fetch::Detail { id: id.to_string() }, fx);
    }
}

/// The follow pause is over: fetch, unless something newer took its place.
pub fn follow_due(app: &mut App, req: ReqId, fx: &mut Vec<Effect>) {
    app.follow_cooling = false;
    fetch_followed(app, req, fx);
}

/// Fetches the followed error's detail, and its latest event Enter will want, unless something
/// newer took its place.
fn fetch_followed(app: &mut App, req: ReqId, fx: &mut Vec<Effect>) {
    if app.follow == Some(req) && app.detail.track.wants(req) {
        app.follow = None;
        if let Some(id) = app.detail.key.clone() {
            if let Some(d) = app.details.get(&id) {
                // It arrived meanwhile, for a request an earlier move made.
                app.detail.data = Some(d.clone());
                app.detail.track.load = Load::Ready;
            } else {
                fetch(app, req, Fetch::Detail { id: id.clone() }, fx);
            }
            if app.view == View::List {
                app.event_ref = EventRef::Latest;
                app.event_pos = Some(1);
                show_event(app, &id, false, fx);
            }
        }
    }
}

/// Where a loaded event is kept: the latest under the error's id, others under their own.
pub fn event_cache_key(id: &str, which: &EventRef) -> String {
    match which {
        EventRef::Latest => id.to_string(),
        other => format!("{id}#{}", other.path_part()),
    }
}

/// Shows event `app.event_ref` of error `id`: from the cache, or fetched. Another event of the
/// same error stays on screen until this one arrives.
pub fn show_event(app: &mut App, id: &str, force: bool, fx: &mut Vec<Effect>) {
    let which = app.event_ref.clone();
    let key = event_cache_key(id, &which);
    if !app.event.is(id) {
        app.event.key = Some(id.to_string());
        app.event.data = None;
        app.event_shown = None;
        app.stack_scroll = 0;
    }
    if !force {
        let on_screen = app.event.data.is_some() && app.event_shown.as_deref() == Some(&key);
        let on_its_way = app.event.load().is_loading() && app.event_asked.as_deref() == Some(&key);
        if on_screen || on_its_way {
            return;
        }
        if let Some(e) = app.events.get(&key) {
            app.event.data = Some(e.clone());
            app.event_shown = Some(key);
            app.event.track.load = Load::Ready;
            return;
        }
    }
    let req = app.req();
    app.event.track.start(req);
    app.event_asked = Some(key);
    fetch(
        app,
        req,
        Fetch::Event {
            id: id.to_string(),
            which,
        },
        fx,
    );
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
    if !app.detail.is(id) || !app.detail.track.wants(req) {
        // Superseded, but still this error's detail: kept, so coming back to it is instant.
        if let Ok(d) = result
            && !app.pending.contains_key(id)
        {
            app.details.put(id.to_string(), d);
        }
        return;
    }
    let now = app.now;
    match app.detail.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(mut d) => {
            // A status change still in flight wins over what the server said before it.
            if let Some(p) = app.pending.get(id) {
                p.change.apply(&mut d.summary.status, &mut d.summary.triage);
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
            fx.push(Effect::RememberOpened(Opened::Detail {
                key: id.to_string(),
                detail: Box::new(d.clone()),
            }));
            app.detail.from_disk = None;
            app.detail.data = Some(d);
        }
        other => fx.extend(other.warming_effect(Slot::Detail)),
    }
}

pub fn event_loaded(
    app: &mut App,
    req: ReqId,
    id: &str,
    which: &EventRef,
    result: Result<Event, BackendError>,
    fx: &mut Vec<Effect>,
) {
    if !app.event.is(id) || app.event_ref != *which {
        return;
    }
    let now = app.now;
    match app.event.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(ev) => {
            // What the error itself leaves empty (GlitchTip) comes from its latest event.
            if *which == EventRef::Latest
                && app.detail.is(id)
                && let Some(d) = app.detail.data.as_mut()
            {
                d.fill_from(&ev);
                app.details.put(id.to_string(), d.clone());
            }
            let key = event_cache_key(id, which);
            // Kept on disk with the request's secrets masked, under both keys it is asked by.
            let mut kept = ev.clone();
            kept.request = kept.request.as_ref().map(|r| r.masked());
            let by_id = event_cache_key(id, &EventRef::Id(ev.id.clone()));
            for k in [&key, &by_id] {
                fx.push(Effect::RememberOpened(Opened::Event {
                    key: k.clone(),
                    event: Box::new(kept.clone()),
                }));
                if key == by_id {
                    break;
                }
            }
            app.event.from_disk = None;
            app.events.put(key.clone(), ev.clone());
            // Stepping back to it later finds it by its own id.
            app.events.put(
                event_cache_key(id, &EventRef::Id(ev.id.clone())),
                ev.clone(),
            );
            app.event.data = Some(ev);
            app.event_shown = Some(key);
        }
        Outcome::Failed(e) if !matches!(which, EventRef::Latest) => {
            notify(
                app,
                &format!("Could not load that event: {e}"),
                NoticeKind::Error,
            );
        }
        other => fx.extend(other.warming_effect(Slot::Event)),
    }
}

/// The server could not be reached and errtui's database had what was asked: shown, marked
/// offline since it was kept. Not put in the memory cache, so the next visit asks again.
pub fn from_disk(
    app: &mut App,
    req: ReqId,
    fetch: Fetch,
    data: Data,
    at: Timestamp,
    error: BackendError,
) {
    let failure = Failure::from_error(&error, app.now);
    match (fetch, data) {
        (Fetch::Detail { id }, Data::Detail(mut d)) => {
            if !app.detail.is(&id) || !app.detail.track.wants(req) {
                return;
            }
            if let Some(ev) = app.event.data.as_ref().filter(|_| app.event.is(&id)) {
                d.fill_from(ev);
            }
            app.detail.data = Some(*d);
            app.detail.track.load = Load::Failed(failure);
            app.detail.from_disk = Some((id, at));
        }
        (Fetch::Event { id, which }, Data::Event(ev)) => {
            if !app.event.is(&id) || app.event_ref != which || !app.event.track.wants(req) {
                return;
            }
            let key = event_cache_key(&id, &which);
            app.event.data = Some(*ev);
            app.event_shown = Some(key.clone());
            app.event.track.load = Load::Failed(failure);
            app.event.from_disk = Some((key, at));
        }
        _ => {}
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
            _ => Fetch::Event {
                id,
                which: app.event_ref.clone(),
            },
        };
        fetch(app, req, f, fx);
    }
}
