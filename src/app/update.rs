//! `update(state, msg) -> effects`: the only place state changes, and a router. Pure: no IO,
//! no clock. Keys go to the overlay on top, then to the focused pane, then to global actions;
//! answers go to the pane that asked.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{self, Action};
use super::menu::MenuKind;
use super::msg::{Data, Effect, Fetch, Msg, ReqId, Slot, Timer};
use super::resource::{Failure, FailureKind, Tracker};
use super::state::*;
use super::{client_keys, error_view, investigate, list, overlay, settings, triage};
use crate::backend::BackendError;
use crate::model::{Change, Status};

pub use super::resource::{NOT_AVAILABLE, WARM_LIMIT_SECS};

/// How long a notice stays in the status line.
const NOTICE_SECS: i64 = 8;
/// How long to hold back after a 429 that names no wait.
const DEFAULT_RATE_LIMIT_SECS: i64 = 60;

/// The effects to run when the app starts.
pub fn init(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    list::load(app, false, &mut fx);
    fx.push(Effect::Probe);
    fx
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.dirty = true;
    match msg {
        Msg::Key(key) => on_key(app, key, &mut fx),
        Msg::Paste(text) => overlay::on_paste(app, &text),
        Msg::Resize(w, h) => {
            app.width = w;
            app.height = h;
            list::follow_selection(app, &mut fx);
        }
        Msg::Tick(now) => on_tick(app, now, &mut fx),
        Msg::Layout {
            detail_max,
            stack_max,
            sections,
        } => {
            app.section_lines = sections;
            app.detail_max = detail_max;
            app.stack_max = stack_max;
            app.detail_scroll = app.detail_scroll.min(detail_max);
            app.stack_scroll = app.stack_scroll.min(stack_max);
        }
        Msg::Loaded { req, fetch, result } => on_loaded(app, req, fetch, result, &mut fx),
        Msg::Timer(Timer::FollowDetail { req }) => error_view::follow_due(app, req, &mut fx),
        Msg::Timer(Timer::AskAgain { slot, req }) => match slot {
            Slot::List => list::ask_again(app, req, &mut fx),
            Slot::Detail | Slot::Event => error_view::ask_again(app, slot, req, &mut fx),
            Slot::Keys
            | Slot::Settings
            | Slot::Events
            | Slot::Tags
            | Slot::People
            | Slot::Releases
            | Slot::Environments
            | Slot::Projects => {}
        },
        Msg::Updated {
            req,
            ids,
            change,
            result,
        } => {
            note_rate_limit(app, result.as_ref().err());
            triage::updated(app, req, ids, change, result, &mut fx);
        }
        Msg::Merged { ids, result, .. } => {
            note_rate_limit(app, result.as_ref().err());
            triage::merged(app, ids, result, &mut fx);
        }
        Msg::Commented { id, result, .. } => triage::commented(app, id, result),
        Msg::IssueCreated { id, result, .. } => triage::issue_created(app, id, result),
        Msg::KeyCreated { req, result } => client_keys::key_created(app, req, result, &mut fx),
        Msg::KeyDeleted { req, id, result } => client_keys::key_deleted(app, req, &id, result),
        Msg::KeyChanged { result, .. } => client_keys::key_changed(app, result),
        Msg::DsnTested {
            req,
            key_id,
            result,
        } => client_keys::dsn_tested(app, req, &key_id, result),
        Msg::SettingsChanged { req, result } => settings::changed(app, req, result, &mut fx),
        Msg::Probed(caps) => on_probed(app, caps, &mut fx),
        Msg::Diagnosed(text) => {
            app.diagnosis = Some(text.unwrap_or_else(|| {
                "errtui could not find out why: the server gives no reason.".into()
            }));
        }
        Msg::EffectFailed(text) => notify(app, &text, NoticeKind::Error),
        Msg::Said(text) => notify(app, &text, NoticeKind::Info),
        Msg::Click { pane, row } => on_click(app, pane, row, &mut fx),
        Msg::Cached { items, at } => {
            // Only before the server answered: fresh rows always win.
            if app.list.items.is_empty() && !app.list.loaded_once {
                app.list.items = items;
                app.cached_at = Some(at);
            }
        }
        Msg::Wheel { pane, down } => on_wheel(app, pane, down, &mut fx),
        Msg::ShowView(i) => switch_view(app, i, &mut fx),
        Msg::Remembered { seen, rest } => super::watching::remembered(app, seen, rest, &mut fx),
        Msg::FromDisk {
            req,
            fetch,
            data,
            at,
            error,
        } => {
            note_rate_limit(app, Some(&error));
            error_view::from_disk(app, req, fetch, data, at, error);
        }
    }
    fx
}

fn on_tick(app: &mut App, now: crate::model::Timestamp, fx: &mut Vec<Effect>) {
    let minute_changed = now.timestamp() / 60 != app.now.timestamp() / 60;
    let second_changed = now.timestamp() != app.now.timestamp();
    app.now = now;
    let mut dirty = minute_changed;
    if app.loading() {
        app.spinner = app.spinner.wrapping_add(1);
        dirty = true;
    }
    if app
        .notice
        .as_ref()
        .is_some_and(|n| (now - n.at).num_seconds() >= NOTICE_SECS)
    {
        app.notice = None;
        dirty = true;
    }
    // The countdown in the header ticks each second while watching.
    if app.refresh_every.is_some() && second_changed {
        dirty = true;
    }
    if super::watching::tick(app, now, fx) {
        dirty = true;
    }
    if let Some(until) = app.rate_limited_until {
        dirty |= second_changed;
        if now >= until {
            app.rate_limited_until = None;
            list::after_rate_limit(app, fx);
        }
    }
    app.dirty = dirty;
}

fn on_loaded(
    app: &mut App,
    req: ReqId,
    fetch: Fetch,
    result: Result<Data, BackendError>,
    fx: &mut Vec<Effect>,
) {
    note_rate_limit(app, result.as_ref().err());
    // Each answer goes to the pane that asked; a shape that does not match is a bug in the
    // runtime, reported rather than trusted.
    let wrong = || BackendError::Other("internal error: an answer of the wrong kind".into());
    match fetch {
        Fetch::List { append, .. } => {
            let r = result.and_then(|d| match d {
                Data::Page(p) => Ok(p),
                _ => Err(wrong()),
            });
            let wanted = app.list.track.wants(req);
            let ok = r.is_ok();
            list::loaded(app, req, append, r, fx);
            if wanted {
                let fresh = super::watching::list_answered(app, ok, append);
                if !fresh.is_empty() {
                    fx.push(Effect::RememberSeen(fresh));
                }
                if ok && !append {
                    app.cached_at = None;
                    // The list a plain start shows is kept for the next start.
                    if app.query == crate::model::ListQuery::default() {
                        fx.push(if app.list.changed || app.cached_at.is_some() {
                            Effect::RememberList(app.list.items.clone())
                        } else {
                            Effect::RememberListFresh
                        });
                    }
                }
                if let Some(text) = app.pending_alert.take() {
                    fx.push(Effect::Alert {
                        text,
                        how: app.alert,
                    });
                }
            }
        }
        Fetch::Detail { id } => {
            let r = result.and_then(|d| match d {
                Data::Detail(x) => Ok(*x),
                _ => Err(wrong()),
            });
            error_view::detail_loaded(app, req, &id, r, fx);
        }
        Fetch::Event { id, which } => {
            let r = result.and_then(|d| match d {
                Data::Event(x) => Ok(*x),
                _ => Err(wrong()),
            });
            error_view::event_loaded(app, req, &id, &which, r, fx);
        }
        Fetch::Events { id, cursor } => {
            let r = result.and_then(|d| match d {
                Data::Events(x) => Ok(x),
                _ => Err(wrong()),
            });
            // A page asked for with a cursor adds to the rows.
            investigate::events_loaded(app, req, &id, cursor.is_some(), r);
        }
        Fetch::Tags { id } => {
            let r = result.and_then(|d| match d {
                Data::Tags(x) => Ok(x),
                _ => Err(wrong()),
            });
            investigate::tags_loaded(app, req, &id, r);
        }
        Fetch::Keys => {
            let r = result.and_then(|d| match d {
                Data::Keys(x) => Ok(x),
                _ => Err(wrong()),
            });
            client_keys::loaded(app, req, r);
        }
        Fetch::Settings => {
            let r = result.and_then(|d| match d {
                Data::Settings(x) => Ok(x),
                _ => Err(wrong()),
            });
            settings::loaded(app, req, r);
        }
        Fetch::People => {
            let r = result.and_then(|d| match d {
                Data::People { me, members } => Ok(People { me, members }),
                _ => Err(wrong()),
            });
            triage::people_loaded(app, req, r, fx);
        }
        Fetch::Releases => {
            let r = result.and_then(|d| match d {
                Data::Releases(x) => Ok(x),
                _ => Err(wrong()),
            });
            triage::releases_loaded(app, req, r);
        }
        Fetch::Projects => {
            let r = result.and_then(|d| match d {
                Data::Projects(x) => Ok(x),
                _ => Err(wrong()),
            });
            let now = app.now;
            if let super::resource::Outcome::Data(p) =
                app.projects.track.accept(req, r, now, &mut app.next_req)
            {
                app.projects.data = Some(p);
                if let Some(i) = app.view_after_projects.take() {
                    switch_view(app, i, fx);
                }
            }
        }
        Fetch::Environments => {
            let r = result.and_then(|d| match d {
                Data::Environments(x) => Ok(x),
                _ => Err(wrong()),
            });
            let now = app.now;
            if let super::resource::Outcome::Data(e) =
                app.environments
                    .track
                    .accept(req, r, now, &mut app.next_req)
            {
                app.environments.data = Some(e);
            }
        }
    }
}

fn on_probed(app: &mut App, caps: crate::model::Capabilities, fx: &mut Vec<Effect>) {
    if !caps.status_filters.contains(&app.query.status) {
        app.query.status = caps.status_filters.first().copied().unwrap_or_default();
    }
    // The header names the server as it now knows it ("GlitchTip 5.1 · acme/app").
    let (was, now) = (app.caps.server_label(), caps.server_label());
    if was != now && app.source.starts_with(&was) {
        app.source = format!("{now}{}", &app.source[was.len()..]);
    }
    // A sort this server lacks: back to the default, and the list asks again.
    if let Some(why) = caps.refuses_sort(app.query.sort) {
        app.query.sort = caps.sorts.first().copied().unwrap_or_default();
        notify(app, &why, NoticeKind::Info);
        list::load(app, false, fx);
    }
    // The server already said its data cannot come: say so now rather than poll for 20 s.
    if let Some(why) = caps.unavailable.clone()
        && (app.list.track.warming.is_some() || !app.list.loaded_once)
    {
        app.list.track.warming = None;
        app.list.track.load = Load::Failed(Failure::not_available(app.now));
        app.diagnosis = Some(why);
    }
    app.caps = caps;
    // Who can be assigned and the latest release, read once while the user reads the list, so
    // `a a` and `r n` wait for nothing.
    triage::prefetch(app, fx);
}

/// A 429 holds back every request to the server until its reset time.
fn note_rate_limit(app: &mut App, e: Option<&BackendError>) {
    if let Some(BackendError::RateLimited { retry_after, .. }) = e {
        let wait = retry_after
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .unwrap_or(chrono::Duration::seconds(DEFAULT_RATE_LIMIT_SECS));
        app.rate_limited_until = app.now.checked_add_signed(wait);
    }
}

fn tracker(app: &mut App, slot: Slot) -> &mut Tracker {
    match slot {
        Slot::List => &mut app.list.track,
        Slot::Detail => &mut app.detail.track,
        Slot::Event => &mut app.event.track,
        Slot::Events => &mut app.event_list.track,
        Slot::Tags => &mut app.tags.track,
        Slot::Keys => &mut app.keys.track,
        Slot::Settings => &mut app.settings.track,
        Slot::People => &mut app.people.track,
        Slot::Releases => &mut app.releases.track,
        Slot::Environments => &mut app.environments.track,
        Slot::Projects => &mut app.projects.track,
    }
}

/// Every fetch goes through here: nothing is sent while the server asked errtui to wait.
pub fn fetch(app: &mut App, req: ReqId, fetch: Fetch, fx: &mut Vec<Effect>) {
    if let (Some(secs), Some(until)) = (app.rate_limit_left(), app.rate_limited_until) {
        let now = app.now;
        let t = tracker(app, fetch.slot());
        t.warming = None;
        t.load = Load::Failed(Failure {
            kind: FailureKind::RateLimited { until: Some(until) },
            message: format!("Rate limited (429): errtui waits {secs} s before asking again."),
            at: now,
        });
        return;
    }
    fx.push(Effect::Fetch { req, fetch });
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if overlay::on_key(app, key, fx) {
        app.count = None;
        return;
    }
    // With views in the config, 1…9 switch to them.
    if app.view == View::List
        && !app.views.is_empty()
        && key.modifiers.is_empty()
        && let KeyCode::Char(c @ '1'..='9') = key.code
    {
        return switch_view(app, c as usize - '1' as usize, fx);
    }
    // Otherwise a count before a key repeats it in the list, as in vim: `5 Space` marks five
    // rows.
    if app.view == View::List
        && key.modifiers.is_empty()
        && let KeyCode::Char(c @ '0'..='9') = key.code
        && (c != '0' || app.count.is_some())
    {
        let n = app.count.unwrap_or(0) * 10 + (c as usize - '0' as usize);
        app.count = Some(n.min(10_000));
        return;
    }
    let repeat = app.count.take().unwrap_or(1).max(1);
    if key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        && let KeyCode::Char(c) = key.code
        && let Some(i) = super::commands::find(app, c)
    {
        return super::commands::start(app, i, fx);
    }
    let mut pressed = std::mem::take(&mut app.chord);
    pressed.push(keymap::Key::of(&key));
    let here = app.contexts();
    let found = match app.keymap.find(&pressed, &here) {
        // A chord that went nowhere: the last key on its own.
        keymap::Found::None if pressed.len() > 1 => {
            pressed = vec![keymap::Key::of(&key)];
            app.keymap.find(&pressed, &here)
        }
        f => f,
    };
    let action = match found {
        keymap::Found::Action(a) => a,
        keymap::Found::Partial => {
            let so_far: Vec<String> = pressed.iter().map(keymap::Key::label).collect();
            app.chord = pressed;
            return notify(app, &format!("{} …", so_far.join(" ")), NoticeKind::Info);
        }
        keymap::Found::None => {
            let text = format!(
                "{} does nothing in {} (? lists the keys).",
                key_name(&key),
                pane_name(app.view)
            );
            return notify(app, &text, NoticeKind::Info);
        }
    };
    act(app, action, repeat, &key_name(&key), fx);
}

/// Runs `action` (from a key, or chosen in the palette) `repeat` times where that means
/// something. `said` names what triggered it, for "does nothing here".
pub fn act(app: &mut App, action: Action, repeat: usize, said: &str, fx: &mut Vec<Effect>) {
    if action.mutates()
        && let Some(r) = app.caps.refuses_writes()
    {
        return notify(app, &r, NoticeKind::Error);
    }
    if action.mutates() && app.offline() {
        return notify(
            app,
            "Offline: the server does not answer, so nothing can change. The rows shown are the last known; refreshing goes on by itself (Ctrl-r tries now).",
            NoticeKind::Error,
        );
    }
    if repeat > 1 && app.view == View::List {
        for _ in 1..repeat {
            match action {
                Action::ToggleMark => triage::toggle_mark(app),
                Action::Down | Action::Up => {
                    list::on_action(app, action, fx);
                }
                _ => break,
            }
        }
    }
    if global_action(app, action, fx) {
        return;
    }
    let handled = match app.view {
        View::List => list::on_action(app, action, fx),
        View::Detail | View::Stack => error_view::on_action(app, action, fx),
        View::Keys => client_keys::on_action(app, action, fx),
        View::Settings => settings::on_action(app, action, fx),
        View::Events | View::Tags => investigate::on_action(app, action, fx),
    };
    if !handled {
        let text = format!("{said} does nothing in {}.", pane_name(app.view));
        notify(app, &text, NoticeKind::Info);
    }
}

/// Actions that mean the same in every pane where they are bound.
fn global_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) -> bool {
    match action {
        Action::Quit => quit(app, fx),
        Action::Help => {
            app.overlay_scroll = 0;
            overlay::open(app, Overlay::Help)
        }
        Action::Messages => {
            // Newest at the bottom: start there.
            app.overlay_scroll = app.log.len().saturating_sub(8).min(1000) as u16;
            overlay::open(app, Overlay::Messages)
        }
        Action::Zoom => {
            app.zoom = !app.zoom;
            if !app.zoom {
                list::follow_selection(app, fx);
            }
        }
        Action::TogglePreview => {
            app.preview = !app.preview;
            let text = if app.preview {
                "The preview is back beside the list."
            } else {
                "Preview hidden: titles get the whole width (p shows it again)."
            };
            notify(app, text, NoticeKind::Info);
            list::follow_selection(app, fx);
        }
        Action::OpenEvents => investigate::open_events(app, fx),
        Action::OpenTags => investigate::open_tags(app, fx),
        Action::CopySummary => copy(app, super::share::summary(app), "the summary", fx),
        Action::CopyFrame => copy(
            app,
            super::share::failing_frame(app),
            "the failing frame",
            fx,
        ),
        Action::CopyEventId if app.view != View::Events => copy(
            app,
            app.event
                .data
                .as_ref()
                .filter(|_| app.event.key == app.detail.key)
                .map(|e| e.id.clone()),
            "the event id",
            fx,
        ),
        Action::Refresh => refresh(app, fx),
        Action::Search => overlay::open(app, Overlay::Search(LineEditor::new(&app.query.text))),
        Action::OpenKeys => client_keys::open(app, fx),
        Action::OpenSettings => settings::open(app, fx),
        Action::Resolve => triage::open_menu(app, MenuKind::Resolve, fx),
        Action::Ignore => triage::open_menu(app, MenuKind::Archive, fx),
        Action::Assign => triage::open_menu(app, MenuKind::Assign, fx),
        Action::MarksMenu => triage::open_menu(app, MenuKind::Marks, fx),
        Action::Unresolve => {
            let ids = triage::targets(app);
            triage::request(app, ids, Change::Unresolve, fx)
        }
        Action::Bookmark => triage::toggle_bookmark(app, fx),
        Action::ToggleMark => triage::toggle_mark(app),
        Action::RangeMark => triage::range_mark(app),
        Action::MarkAll => triage::mark_all(app),
        Action::ClearMarks => {
            if triage::clear_marks(app) {
                notify(app, "Marks cleared.", NoticeKind::Info);
            }
        }
        Action::Undo => triage::undo(app, fx),
        Action::Comment => triage::ask_comment(app),
        Action::Merge => triage::ask_merge(app),
        Action::CreateIssue => triage::create_issue(app, fx),
        Action::OpenIssue => match triage::linked_issue(app) {
            Some(url) if app.local_browser => {
                notify(app, &format!("Opening {url}"), NoticeKind::Info);
                fx.push(Effect::OpenUrl(url));
            }
            Some(url) => overlay::open(app, Overlay::Link(url)),
            None => notify(
                app,
                "No GitLab issue is linked to this error (N creates one).",
                NoticeKind::Info,
            ),
        },
        Action::AssignedToMe => triage::toggle_assigned_to_me(app, fx),
        Action::PickProfile => profile_action(app, false, fx),
        Action::EditFrame => {
            let frame = app
                .target()
                .map(|t| t.id.clone())
                .and_then(|id| app.event.data.as_ref().filter(|_| app.event.is(&id)))
                .and_then(super::share::top_frame)
                .and_then(|f| Some((f.filename.clone()?, f.line?)));
            match frame {
                Some((path, line)) => fx.push(Effect::EditFrame { path, line }),
                None => notify(
                    app,
                    "No frame with a file and line to open: wait for the event, or this error has none.",
                    NoticeKind::Info,
                ),
            }
        }
        Action::PickProject => {
            if app.projects.data.is_none() && !app.projects.load().is_loading() {
                let req = app.req();
                app.projects.track.start(req);
                fetch(app, req, Fetch::Projects, fx);
            }
            overlay::ask(
                app,
                Overlay::Pick(super::menu::Pick {
                    kind: super::menu::PickKind::Project,
                    ids: Vec::new(),
                    what: String::new(),
                    filter: LineEditor::default(),
                    selected: 0,
                }),
            )
        }
        Action::PickEnvironment => {
            if app.environments.data.is_none() && !app.environments.load().is_loading() {
                let req = app.req();
                app.environments.track.start(req);
                fetch(app, req, Fetch::Environments, fx);
            }
            overlay::ask(
                app,
                Overlay::Pick(super::menu::Pick {
                    kind: super::menu::PickKind::Environment,
                    ids: Vec::new(),
                    what: String::new(),
                    filter: LineEditor::default(),
                    selected: 0,
                }),
            )
        }
        Action::Palette => overlay::ask(
            app,
            Overlay::Pick(super::menu::Pick {
                kind: super::menu::PickKind::Palette,
                ids: Vec::new(),
                what: String::new(),
                filter: LineEditor::default(),
                selected: 0,
            }),
        ),
        Action::NextProfile => profile_action(app, true, fx),
        Action::OpenLink => open_link(app, fx),
        Action::CopyLink => match target_url(app) {
            Some(url) => {
                notify(app, &format!("Copied {url} (OSC 52)."), NoticeKind::Info);
                fx.push(Effect::Copy(url));
            }
            None => notify(app, "This error has no web link.", NoticeKind::Error),
        },
        Action::Back => {
            client_keys::close(app, fx);
            app.view = match app.view {
                View::Stack => View::Detail,
                View::Keys | View::Settings => app.view_before,
                View::Events | View::Tags => app.inspect_from,
                _ => View::List,
            };
            list::follow_selection(app, fx);
        }
        Action::NextPane => match app.view {
            View::List => error_view::open_selected(app, fx),
            View::Detail => error_view::show_stack(app, fx),
            View::Stack | View::Keys | View::Settings | View::Events | View::Tags => {
                client_keys::close(app, fx);
                app.view = View::List;
                list::follow_selection(app, fx);
            }
        },
        _ => return false,
    }
    true
}

fn open_link(app: &mut App, fx: &mut Vec<Effect>) {
    match target_url(app) {
        Some(url) if app.local_browser => {
            notify(app, &format!("Opening {url}"), NoticeKind::Info);
            fx.push(Effect::OpenUrl(url));
        }
        Some(url) => overlay::open(app, Overlay::Link(url)),
        None => notify(app, "This error has no web link.", NoticeKind::Error),
    }
}

/// Copies `text` (already sanitised where it came from a server) and says what it copied.
fn copy(app: &mut App, text: Option<String>, what: &str, fx: &mut Vec<Effect>) {
    match text {
        Some(t) if !t.is_empty() => {
            let first = t.lines().next().unwrap_or("").to_string();
            let more = if t.lines().count() > 1 { " …" } else { "" };
            notify(
                app,
                &format!("Copied {what} (OSC 52): {first}{more}"),
                NoticeKind::Info,
            );
            fx.push(Effect::Copy(t));
        }
        _ => notify(
            app,
            &format!("Nothing to copy: {what} is not loaded yet."),
            NoticeKind::Info,
        ),
    }
}

fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    match app.view {
        View::Keys => return client_keys::load(app, fx),
        View::Settings => return settings::load(app, fx),
        View::Events | View::Tags => return investigate::refresh(app, fx),
        _ => {}
    }
    list::load(app, false, fx);
    error_view::refresh(app, fx);
}

pub(super) fn quit(app: &mut App, fx: &mut Vec<Effect>) {
    app.quit = true;
    fx.push(Effect::Quit);
}

/// Only http(s) links are opened or copied.
fn target_url(app: &App) -> Option<String> {
    app.target()
        .and_then(|t| t.url.as_deref())
        .and_then(crate::text::web_link)
}

fn pane_name(v: View) -> &'static str {
    match v {
        View::List => "the list",
        View::Detail => "the detail pane",
        View::Stack => "the stack trace",
        View::Keys => "the client keys pane",
        View::Settings => "the settings pane",
        View::Events => "the events list",
        View::Tags => "the tags pane",
    }
}

fn key_name(key: &KeyEvent) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => crate::text::sanitize(&c.to_string()),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// How many notices the message log keeps.
pub const LOG_CAP: usize = 500;

/// A notice in the status line, kept in the message log (`M`).
pub fn notify(app: &mut App, text: &str, kind: NoticeKind) {
    let n = Notice {
        text: text.to_string(),
        kind,
        at: app.now,
    };
    app.log.push_back(n.clone());
    while app.log.len() > LOG_CAP {
        app.log.pop_front();
    }
    app.notice = Some(n);
}

/// Whether the status filter hides errors with this status (used to dim them in the list).
pub fn hidden_by_filter(app: &App, s: &Status) -> bool {
    !app.query.status.matches(s)
}

/// `C` picks a profile; `>` goes to the next one.
fn profile_action(app: &mut App, next: bool, fx: &mut Vec<Effect>) {
    if app.profiles.len() < 2 {
        let text = if app.profiles.is_empty() {
            "No profiles: add [profiles.NAME] tables to the config file (errtui profiles says where)."
        } else {
            "Only one profile: add another to the config file to switch."
        };
        return notify(app, text, NoticeKind::Info);
    }
    if next {
        let at = app
            .profile
            .as_ref()
            .and_then(|p| app.profiles.iter().position(|n| n == p));
        let name = app.profiles[at.map(|i| (i + 1) % app.profiles.len()).unwrap_or(0)].clone();
        return switch_profile(app, name, fx);
    }
    overlay::ask(
        app,
        Overlay::Pick(super::menu::Pick {
            kind: super::menu::PickKind::Profile,
            ids: Vec::new(),
            what: String::new(),
            filter: LineEditor::default(),
            selected: 0,
        }),
    );
}

/// Asks the runtime to start over on profile `name`.
pub fn switch_profile(app: &mut App, name: String, fx: &mut Vec<Effect>) {
    if app.profile.as_deref() == Some(name.as_str()) {
        return notify(
            app,
            &format!("Already on profile `{name}`."),
            NoticeKind::Info,
        );
    }
    notify(
        app,
        &format!("Switching to profile `{name}`…"),
        NoticeKind::Info,
    );
    fx.push(Effect::SwitchProfile(name));
}

/// `1`…`9`: the list of view `i` of the config file.
fn switch_view(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    let Some(v) = app.views.get(i).cloned() else {
        let n = app.views.len();
        return notify(
            app,
            &format!("There are {n} views: 1…{n} switch between them."),
            NoticeKind::Info,
        );
    };
    if let Some(why) = app.caps.refuses_sort(v.query.sort) {
        return notify(app, &format!("View `{}`: {why}", v.name), NoticeKind::Error);
    }
    if !app.caps.status_filters.contains(&v.query.status) {
        return notify(
            app,
            &format!(
                "View `{}` lists {} errors, which {} cannot.",
                v.name,
                v.query.status.as_str(),
                app.caps.name
            ),
            NoticeKind::Error,
        );
    }
    // A view combining profiles is a server of its own: the runtime opens it, then shows it.
    if !v.profiles.is_empty() {
        let key = v.profiles.join("+");
        if app.profile.as_deref() != Some(key.as_str()) {
            notify(
                app,
                &format!("View `{}`: combining {}…", v.name, v.profiles.join(", ")),
                NoticeKind::Info,
            );
            fx.push(Effect::Combine {
                key,
                profiles: v.profiles.clone(),
                view: i,
            });
            return;
        }
    }
    // Projects named by slug need their ids: from the organization's projects, read once.
    let project = match v.query.project.as_deref() {
        Some(p) if p.split(',').any(|p| !p.chars().all(|c| c.is_ascii_digit())) => {
            match app.projects.data.as_ref() {
                Some(all) => {
                    let mut ids = Vec::new();
                    for want in p.split(',') {
                        match all.iter().find(|(id, slug)| slug == want || id == want) {
                            Some((id, _)) => ids.push(id.clone()),
                            None => {
                                return notify(
                                    app,
                                    &format!(
                                        "View `{}`: the organization has no project `{want}`.",
                                        v.name
                                    ),
                                    NoticeKind::Error,
                                );
                            }
                        }
                    }
                    Some(ids.join(","))
                }
                None => {
                    app.view_after_projects = Some(i);
                    if !app.projects.load().is_loading() {
                        let req = app.req();
                        app.projects.track.start(req);
                        fetch(app, req, Fetch::Projects, fx);
                    }
                    return notify(app, "Looking up the view's projects…", NoticeKind::Info);
                }
            }
        }
        other => other.map(str::to_string),
    };
    app.query.status = v.query.status;
    app.query.sort = v.query.sort;
    app.query.project = project;
    app.project_name = v.query.project.as_ref().map(|p| p.replace(',', ", "));
    app.refresh_every = v.refresh.unwrap_or(app.refresh_base);
    list::search(app, v.query.text.clone(), fx);
    notify(app, &format!("View `{}`.", v.name), NoticeKind::Info);
}

/// A click selects a list row, and focuses the pane it lands on. Ignored under an overlay.
fn on_click(app: &mut App, pane: super::msg::Pane, row: Option<usize>, fx: &mut Vec<Effect>) {
    use super::msg::Pane;
    if !app.overlays.is_empty() {
        return;
    }
    match pane {
        Pane::List => {
            if app.view != View::List && matches!(app.view, View::Detail | View::Stack) {
                app.view = View::List;
            }
            if let Some(r) = row.filter(|r| *r < app.list.items.len()) {
                app.list.selected = r;
            }
            list::follow_selection(app, fx);
        }
        Pane::Detail if app.view == View::List => error_view::open_selected(app, fx),
        Pane::Stack if app.view == View::Detail => error_view::show_stack(app, fx),
        _ => {}
    }
}

/// The wheel moves the list's selection, or scrolls the detail and the stack trace.
fn on_wheel(app: &mut App, pane: super::msg::Pane, down: bool, fx: &mut Vec<Effect>) {
    use super::msg::Pane;
    if !app.overlays.is_empty() {
        return;
    }
    const STEP: u16 = 3;
    match pane {
        Pane::List => {
            let action = if down { Action::Down } else { Action::Up };
            for _ in 0..STEP {
                list::on_action(app, action, fx);
            }
        }
        Pane::Detail => {
            app.detail_scroll = if down {
                app.detail_scroll.saturating_add(STEP).min(app.detail_max)
            } else {
                app.detail_scroll.saturating_sub(STEP)
            };
        }
        Pane::Stack => {
            app.stack_scroll = if down {
                app.stack_scroll.saturating_add(STEP).min(app.stack_max)
            } else {
                app.stack_scroll.saturating_sub(STEP)
            };
        }
    }
}

/// The list's search with `environment:NAME` in place of any other environment (none: all).
pub fn with_environment(text: &str, env: Option<&str>) -> String {
    let mut words: Vec<String> = text
        .split_whitespace()
        .filter(|w| !w.starts_with("environment:"))
        .map(str::to_string)
        .collect();
    if let Some(e) = env {
        words.push(if e.contains(char::is_whitespace) {
            format!("environment:\"{e}\"")
        } else {
            format!("environment:{e}")
        });
    }
    words.join(" ")
}
