//! `update(state, msg) -> effects`: the only place state changes. Pure: no IO, no clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{self, Action};
use super::msg::{Effect, Msg, ReqId};
use super::state::*;
use crate::backend::BackendError;
use crate::model::{Status, Timestamp};

/// How long a notice stays in the status line.
const NOTICE_SECS: i64 = 8;
/// Debounce for the detail that follows the list selection in the wide layout.
const FOLLOW_DELAY_MS: u64 = 120;
/// How long to keep asking GitLab while it answers `null`.
pub const WARM_LIMIT_SECS: i64 = 20;
pub const NOT_AVAILABLE: &str = "GitLab did not make this data available after 20 s of asking.";

/// The effects to run when the app starts.
pub fn init(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    load_list(app, false, &mut fx);
    fx.push(Effect::Probe);
    fx
}

/// GitLab answered `null` for a slot: schedule another ask with a growing pause (returns the
/// new request id and the pause), or, once the time is up, mark the slot not available and
/// ask the backend why.
fn on_warming(
    next_req: &mut ReqId,
    load: &mut Load,
    warming: &mut Option<Warming>,
    now: Timestamp,
    fx: &mut Vec<Effect>,
) -> Option<(ReqId, u64)> {
    let st = warming.get_or_insert(Warming {
        since: now,
        attempts: 0,
    });
    st.attempts += 1;
    if (now - st.since).num_seconds() >= WARM_LIMIT_SECS {
        *warming = None;
        *load = Load::Failed {
            error: NOT_AVAILABLE.into(),
            retryable: true,
        };
        fx.push(Effect::Diagnose);
        return None;
    }
    let delay_ms = (1000 * st.attempts as u64).min(4000);
    let req = *next_req;
    *next_req += 1;
    *load = Load::Loading { req };
    Some((req, delay_ms))
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => {
            app.dirty = true;
            on_key(app, key, &mut fx);
        }
        Msg::Resize(w, h) => {
            app.width = w;
            app.height = h;
            app.dirty = true;
            follow_selection(app, &mut fx);
        }
        Msg::Tick(now) => {
            let minute_changed = now.timestamp() / 60 != app.now.timestamp() / 60;
            app.now = now;
            if app.loading() {
                app.spinner = app.spinner.wrapping_add(1);
                app.dirty = true;
            }
            if app
                .notice
                .as_ref()
                .is_some_and(|n| (now - n.at).num_seconds() >= NOTICE_SECS)
            {
                app.notice = None;
                app.dirty = true;
            }
            app.dirty |= minute_changed;
        }
        Msg::ListLoaded {
            req,
            append,
            result,
        } => {
            if app.list.load.req() != Some(req) {
                return fx; // superseded
            }
            app.dirty = true;
            match result {
                Ok(page) => {
                    if append {
                        app.list.items.extend(page.items);
                    } else {
                        let keep = app.selected().map(|e| e.id.clone());
                        app.list.items = page.items;
                        app.list.selected = keep
                            .and_then(|id| app.list.items.iter().position(|e| e.id == id))
                            .unwrap_or(0);
                    }
                    app.list.next = page.next;
                    app.list.load = Load::Ready;
                    app.list.warming = None;
                    app.diagnosis = None;
                    app.list.loaded_once = true;
                    clamp_selection(app);
                    follow_selection(app, &mut fx);
                }
                Err(BackendError::Warming) => {
                    let (l, now) = (&mut app.list, app.now);
                    match on_warming(&mut app.next_req, &mut l.load, &mut l.warming, now, &mut fx) {
                        Some((req, delay_ms)) => fx.push(Effect::FetchList {
                            req,
                            query: app.query.clone(),
                            cursor: if append { app.list.next.clone() } else { None },
                            append,
                            delay_ms,
                        }),
                        None => notify(
                            app,
                            format!("{NOT_AVAILABLE} Ctrl-r tries again."),
                            NoticeKind::Error,
                        ),
                    }
                }
                Err(e) => {
                    app.list.warming = None;
                    app.list.load = Load::failed(&e);
                    notify(
                        app,
                        format!("Could not load errors: {e}"),
                        NoticeKind::Error,
                    );
                }
            }
        }
        Msg::DetailLoaded { req, id, result } => {
            if app.detail.load.req() != Some(req) || app.detail.id.as_deref() != Some(&id) {
                return fx;
            }
            app.dirty = true;
            match result {
                Ok(mut d) => {
                    // A status change still in flight wins over what the server said before it.
                    if app.pending.contains_key(&id)
                        && let Some(item) = app.list.items.iter().find(|e| e.id == id)
                    {
                        d.summary.status = item.status.clone();
                    }
                    if let Some(item) = app.list.items.iter_mut().find(|e| e.id == id) {
                        item.count = d.summary.count;
                        item.user_count = d.summary.user_count;
                        item.last_seen = d.summary.last_seen.or(item.last_seen);
                    }
                    app.details.put(id, d.clone());
                    app.detail.data = Some(d);
                    app.detail.load = Load::Ready;
                    app.detail.warming = None;
                }
                Err(BackendError::Warming) => {
                    let (slot, now) = (&mut app.detail, app.now);
                    if let Some((req, delay_ms)) = on_warming(
                        &mut app.next_req,
                        &mut slot.load,
                        &mut slot.warming,
                        now,
                        &mut fx,
                    ) {
                        fx.push(Effect::FetchDetail { req, id, delay_ms });
                    }
                }
                Err(e) => {
                    app.detail.warming = None;
                    app.detail.load = Load::failed(&e);
                }
            }
        }
        Msg::EventLoaded { req, id, result } => {
            if app.event.load.req() != Some(req) || app.event.id.as_deref() != Some(&id) {
                return fx;
            }
            app.dirty = true;
            match result {
                Ok(ev) => {
                    app.events.put(id, ev.clone());
                    app.event.data = Some(ev);
                    app.event.load = Load::Ready;
                    app.event.warming = None;
                }
                Err(BackendError::Warming) => {
                    let (slot, now) = (&mut app.event, app.now);
                    if let Some((req, delay_ms)) = on_warming(
                        &mut app.next_req,
                        &mut slot.load,
                        &mut slot.warming,
                        now,
                        &mut fx,
                    ) {
                        fx.push(Effect::FetchEvent { req, id, delay_ms });
                    }
                }
                Err(e) => {
                    app.event.warming = None;
                    app.event.load = Load::failed(&e);
                }
            }
        }
        Msg::StatusChanged {
            req,
            id,
            wanted,
            result,
        } => {
            app.dirty = true;
            let current = app.pending.get(&id).is_some_and(|p| p.req == req);
            let short = short_id(app, &id);
            match result {
                Ok(summary) => {
                    if current {
                        app.pending.remove(&id);
                        set_status_everywhere(app, &id, &summary.status);
                    }
                    notify(
                        app,
                        format!("{} {short}.", done_word(&wanted)),
                        NoticeKind::Info,
                    );
                }
                Err(e) => {
                    if current && let Some(p) = app.pending.remove(&id) {
                        set_status_everywhere(app, &id, &p.previous);
                        notify(
                            app,
                            format!(
                                "Could not {} {short}: {e} Status restored to {}.",
                                verb(&wanted),
                                p.previous.as_str()
                            ),
                            NoticeKind::Error,
                        );
                    } else {
                        notify(
                            app,
                            format!("Could not {} {short}: {e}", verb(&wanted)),
                            NoticeKind::Error,
                        );
                    }
                }
            }
        }
        Msg::KeysLoaded { req, result } => {
            app.dirty = true;
            super::keys::keys_loaded(app, req, result);
        }
        Msg::KeyCreated { req, result } => {
            app.dirty = true;
            super::keys::key_created(app, req, result, &mut fx);
        }
        Msg::KeyDeleted { req, id, result } => {
            app.dirty = true;
            super::keys::key_deleted(app, req, &id, result);
        }
        Msg::KeyChanged { result, .. } => {
            app.dirty = true;
            super::keys::key_changed(app, result);
        }
        Msg::DsnTested {
            req,
            key_id,
            result,
        } => {
            app.dirty = true;
            super::keys::dsn_tested(app, req, &key_id, result);
        }
        Msg::SettingsLoaded { req, result } => {
            app.dirty = true;
            super::keys::settings_loaded(app, req, result);
        }
        Msg::Probed(caps) => {
            app.dirty = true;
            if !caps.status_filters.contains(&app.query.status) {
                app.query.status = caps.status_filters.first().copied().unwrap_or_default();
            }
            app.caps = caps;
        }
        Msg::Diagnosed(text) => {
            app.dirty = true;
            app.diagnosis = Some(text);
        }
        Msg::EffectFailed(text) => {
            app.dirty = true;
            notify(app, text, NoticeKind::Error);
        }
    }
    fx
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.modal.is_some() {
        return super::keys::on_modal_key(app, key, fx);
    }
    if app.input.is_some() {
        return on_input_key(app, key, fx);
    }
    if let Some(url) = app.url_popup.clone() {
        match key.code {
            KeyCode::Char('y') => {
                fx.push(Effect::Copy(url));
                notify(
                    app,
                    "Copied the link to the clipboard (OSC 52).".into(),
                    NoticeKind::Info,
                );
                app.url_popup = None;
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => quit(app, fx),
            _ => app.url_popup = None,
        }
        return;
    }
    if app.help {
        match keymap::lookup(&key, &app.contexts()) {
            Some(Action::Quit) if key.code != KeyCode::Char('q') => quit(app, fx),
            _ => app.help = false,
        }
        return;
    }
    let Some(action) = keymap::lookup(&key, &app.contexts()) else {
        return;
    };
    match action {
        Action::Quit => quit(app, fx),
        Action::Help => app.help = true,
        Action::Down => move_by(app, 1, fx),
        Action::Up => move_by(app, -1, fx),
        Action::PageDown => move_by(app, page(app), fx),
        Action::PageUp => move_by(app, -page(app), fx),
        Action::Top => move_by(app, isize::MIN / 2, fx),
        Action::Bottom => move_by(app, isize::MAX / 2, fx),
        Action::Open => match app.view {
            View::List => open_selected(app, fx),
            View::Detail => show_stack(app, fx),
            View::Keys => app.keys.expanded = !app.keys.expanded,
            View::Stack | View::Settings => {}
        },
        Action::Back => {
            app.view = match app.view {
                View::Stack => View::Detail,
                View::Keys | View::Settings => app.view_before,
                _ => View::List,
            };
            follow_selection(app, fx);
        }
        Action::NextPane => match app.view {
            View::List => open_selected(app, fx),
            View::Detail => show_stack(app, fx),
            View::Stack | View::Keys | View::Settings => {
                app.view = View::List;
                follow_selection(app, fx);
            }
        },
        Action::OpenKeys => super::keys::open_keys(app, fx),
        Action::OpenSettings => super::keys::open_settings(app, fx),
        Action::NewKey => super::keys::new_key(app, fx),
        Action::DeleteKey => super::keys::delete_key(app),
        Action::RotateKey => super::keys::start_rotation(app, fx),
        Action::TestKey => super::keys::test_key(app, fx),
        Action::CopyDsn => super::keys::copy_dsn(app, fx),
        Action::ToggleActive => match app.view {
            View::Settings => super::keys::toggle_tracking(app),
            _ => super::keys::toggle_key(app, fx),
        },
        Action::SwitchBackend => super::keys::switch_backend(app),
        Action::Search => app.input = Some(app.query.text.clone()),
        Action::CycleFilter => {
            if app.caps.status_filters.len() <= 1 {
                let only = app.caps.status_filters.first().copied().unwrap_or_default();
                let text = app.caps.status_filter_note.clone().unwrap_or_else(|| {
                    format!("{} can only list {} errors.", app.caps.name, only.as_str())
                });
                notify(app, text, NoticeKind::Info);
                return;
            }
            let mut next = app.query.status.next();
            while !app.caps.status_filters.contains(&next) {
                next = next.next();
            }
            app.query.status = next;
            reset_list(app, fx);
        }
        Action::CycleSort => {
            let mut next = app.query.sort.next();
            while !app.caps.sorts.contains(&next) && next != app.query.sort {
                next = next.next();
            }
            app.query.sort = next;
            reset_list(app, fx);
        }
        Action::Resolve => change_status(app, Status::Resolved, fx),
        Action::Ignore => change_status(app, Status::Ignored, fx),
        Action::Unresolve => change_status(app, Status::Unresolved, fx),
        Action::Refresh => refresh(app, fx),
        Action::OpenLink => match target_url(app) {
            Some(url) if app.local_browser => {
                notify(app, format!("Opening {url}"), NoticeKind::Info);
                fx.push(Effect::OpenUrl(url));
            }
            Some(url) => app.url_popup = Some(url),
            None => notify(app, "This error has no link.".into(), NoticeKind::Error),
        },
        Action::CopyLink => match target_url(app) {
            Some(url) => {
                notify(app, format!("Copied {url} (OSC 52)."), NoticeKind::Info);
                fx.push(Effect::Copy(url));
            }
            None => notify(app, "This error has no link.".into(), NoticeKind::Error),
        },
        Action::ToggleLibrary => {
            app.stack.show_library = !app.stack.show_library;
            app.stack_scroll = 0;
        }
        Action::ToggleOrder => {
            app.stack.newest_first = !app.stack.newest_first;
            app.stack_scroll = 0;
        }
    }
}

fn on_input_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(buf) = app.input.as_mut() else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => {
            app.query.text = buf.trim().to_string();
            app.input = None;
            reset_list(app, fx);
        }
        KeyCode::Esc => app.input = None,
        KeyCode::Char('c') if ctrl => app.input = None,
        KeyCode::Char('u') if ctrl => buf.clear(),
        KeyCode::Char('w') if ctrl => {
            let trimmed = buf.trim_end().len();
            let cut = buf[..trimmed].rfind(' ').map(|i| i + 1).unwrap_or(0);
            buf.truncate(cut);
        }
        KeyCode::Backspace => {
            buf.pop();
        }
        KeyCode::Char(c) if !ctrl => buf.push(c),
        _ => {}
    }
}

fn quit(app: &mut App, fx: &mut Vec<Effect>) {
    app.quit = true;
    fx.push(Effect::Quit);
}

fn page(app: &App) -> isize {
    app.list_rows().max(2) as isize - 1
}

fn move_by(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    match app.view {
        View::List => {
            let len = app.list.items.len();
            if len == 0 {
                return;
            }
            let cur = app.list.selected as isize;
            app.list.selected = (cur.saturating_add(delta)).clamp(0, len as isize - 1) as usize;
            maybe_next_page(app, fx);
            follow_selection(app, fx);
        }
        View::Detail => app.detail_scroll = scroll(app.detail_scroll, delta, app.detail_max.get()),
        View::Stack => app.stack_scroll = scroll(app.stack_scroll, delta, app.stack_max.get()),
        View::Keys => super::keys::move_selection(app, delta),
        View::Settings => {}
    }
}

fn scroll(cur: u16, delta: isize, max: u16) -> u16 {
    (cur.min(max) as isize)
        .saturating_add(delta)
        .clamp(0, max as isize) as u16
}

fn clamp_selection(app: &mut App) {
    let len = app.list.items.len();
    if app.list.selected >= len {
        app.list.selected = len.saturating_sub(1);
    }
}

fn maybe_next_page(app: &mut App, fx: &mut Vec<Effect>) {
    if app.list.next.is_some()
        && !app.list.load.is_loading()
        && app.list.selected + PREFETCH_MARGIN >= app.list.items.len()
    {
        load_list(app, true, fx);
    }
}

fn load_list(app: &mut App, append: bool, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.list.load = Load::Loading { req };
    app.list.warming = None;
    fx.push(Effect::FetchList {
        req,
        query: app.query.clone(),
        cursor: if append { app.list.next.clone() } else { None },
        append,
        delay_ms: 0,
    });
}

/// A new query: start from the first page and the top, keeping old rows until the answer.
fn reset_list(app: &mut App, fx: &mut Vec<Effect>) {
    app.list.selected = 0;
    app.list.next = None;
    app.view = View::List;
    load_list(app, false, fx);
}

fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    match app.view {
        View::Keys => return super::keys::load_keys(app, fx),
        View::Settings => return super::keys::load_settings(app, fx),
        _ => {}
    }
    load_list(app, false, fx);
    app.details.clear();
    app.events.clear();
    if let Some(id) = app.detail.id.clone() {
        fetch_detail(app, &id, 0, true, fx);
    }
    if app.view != View::List
        && let Some(id) = app.event.id.clone()
    {
        fetch_event(app, &id, true, fx);
    }
}

/// In the wide layout the detail pane follows the list selection.
fn follow_selection(app: &mut App, fx: &mut Vec<Effect>) {
    if app.view != View::List || !app.wide() {
        return;
    }
    if let Some(id) = app.selected().map(|e| e.id.clone()) {
        fetch_detail(app, &id, FOLLOW_DELAY_MS, false, fx);
    }
}

fn open_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected().map(|e| e.id.clone()) else {
        return;
    };
    app.view = View::Detail;
    if app.detail.id.as_deref() != Some(&id) {
        app.detail_scroll = 0;
        app.stack_scroll = 0;
    }
    fetch_detail(app, &id, 0, false, fx);
    // The stack trace is one keypress away: start fetching it now.
    fetch_event(app, &id, false, fx);
}

fn show_stack(app: &mut App, fx: &mut Vec<Effect>) {
    app.view = View::Stack;
    if let Some(id) = app.detail.id.clone() {
        fetch_event(app, &id, false, fx);
    }
}

fn fetch_detail(app: &mut App, id: &str, delay_ms: u64, force: bool, fx: &mut Vec<Effect>) {
    let same = app.detail.id.as_deref() == Some(id);
    if !force && same && (app.detail.load.is_loading() || app.detail.data.is_some()) {
        // Already there or on its way; a debounced request becomes immediate when opened.
        if delay_ms == 0
            && let Load::Loading { req } = app.detail.load
        {
            fx.push(Effect::FetchDetail {
                req,
                id: id.to_string(),
                delay_ms: 0,
            });
        }
        return;
    }
    if !same {
        app.detail.id = Some(id.to_string());
        app.detail.data = None;
    }
    if !force && let Some(d) = app.details.get(id) {
        app.detail.data = Some(d.clone());
        app.detail.load = Load::Ready;
        return;
    }
    let req = app.req();
    app.detail.load = Load::Loading { req };
    app.detail.warming = None;
    fx.push(Effect::FetchDetail {
        req,
        id: id.to_string(),
        delay_ms,
    });
}

fn fetch_event(app: &mut App, id: &str, force: bool, fx: &mut Vec<Effect>) {
    let same = app.event.id.as_deref() == Some(id);
    if !force && same && (app.event.load.is_loading() || app.event.data.is_some()) {
        return;
    }
    if !same {
        app.event.id = Some(id.to_string());
        app.event.data = None;
        app.stack_scroll = 0;
    }
    if !force && let Some(e) = app.events.get(id) {
        app.event.data = Some(e.clone());
        app.event.load = Load::Ready;
        return;
    }
    let req = app.req();
    app.event.load = Load::Loading { req };
    app.event.warming = None;
    fx.push(Effect::FetchEvent {
        req,
        id: id.to_string(),
        delay_ms: 0,
    });
}

fn change_status(app: &mut App, wanted: Status, fx: &mut Vec<Effect>) {
    let Some(target) = app.target().cloned() else {
        notify(app, "No error selected.".into(), NoticeKind::Info);
        return;
    };
    if let Some(reason) = app.caps.set_status.clone() {
        let link = target
            .url
            .as_deref()
            .map(|u| format!(" Open it with `o`: {u}"))
            .unwrap_or_default();
        notify(app, format!("{reason}{link}"), NoticeKind::Error);
        return;
    }
    if target.status == wanted {
        notify(
            app,
            format!("{} is already {}.", target.short_id, wanted.as_str()),
            NoticeKind::Info,
        );
        return;
    }
    let req = app.req();
    let previous = app
        .pending
        .get(&target.id)
        .map(|p| p.previous.clone())
        .unwrap_or(target.status.clone());
    app.pending
        .insert(target.id.clone(), PendingStatus { req, previous });
    set_status_everywhere(app, &target.id, &wanted);
    notify(
        app,
        format!("{} {}…", doing_word(&wanted), target.short_id),
        NoticeKind::Info,
    );
    fx.push(Effect::SetStatus {
        req,
        id: target.id,
        status: wanted,
    });
}

fn set_status_everywhere(app: &mut App, id: &str, status: &Status) {
    if let Some(item) = app.list.items.iter_mut().find(|e| e.id == id) {
        item.status = status.clone();
    }
    if app.detail.id.as_deref() == Some(id)
        && let Some(d) = app.detail.data.as_mut()
    {
        d.summary.status = status.clone();
    }
    if let Some(d) = app.details.get_mut(id) {
        d.summary.status = status.clone();
    }
}

fn target_url(app: &App) -> Option<String> {
    app.target()
        .and_then(|t| t.url.clone())
        .map(|u| crate::text::sanitize(&u))
}

fn short_id(app: &App, id: &str) -> String {
    app.list
        .items
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.short_id.clone())
        .or_else(|| {
            app.detail
                .data
                .as_ref()
                .filter(|d| d.summary.id == id)
                .map(|d| d.summary.short_id.clone())
        })
        .unwrap_or_else(|| id.to_string())
}

fn verb(s: &Status) -> &'static str {
    match s {
        Status::Resolved => "resolve",
        Status::Ignored => "ignore",
        _ => "unresolve",
    }
}

fn done_word(s: &Status) -> &'static str {
    match s {
        Status::Resolved => "Resolved",
        Status::Ignored => "Ignored",
        _ => "Unresolved",
    }
}

fn doing_word(s: &Status) -> &'static str {
    match s {
        Status::Resolved => "Resolving",
        Status::Ignored => "Ignoring",
        _ => "Unresolving",
    }
}

fn notify(app: &mut App, text: String, kind: NoticeKind) {
    app.notice = Some(Notice {
        text,
        kind,
        at: app.now,
    });
}

/// Whether the status filter hides errors with this status (used to dim them in the list).
pub fn hidden_by_filter(app: &App, s: &Status) -> bool {
    !app.query.status.matches(s)
}
