//! Triage: resolve and archive with their options, assign, bookmark, review, priority, on the
//! selected error or on every marked one. Each change shows at once, goes out as one request for
//! all its errors (the runtime serialises changes per error), and is rolled back row by row to
//! what the server last confirmed when it is refused. `U` sends the inverse within a minute.
//! Also merge, comments and GitLab issues.

use super::menu::{Choice, Menu, MenuKind, Pick, PickKind};
use super::msg::{Effect, Fetch, ReqId};
use super::overlay::{self, Confirm, Confirmed, LineEditor, Overlay, PromptFor};
use super::resource::Outcome;
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::*;
use crate::text::sanitize;

/// How long `U` can take an action back.
pub const UNDO_SECS: i64 = 60;

/// The errors an action applies to: the marked rows in the list, else the selected or opened
/// error.
pub fn targets(app: &App) -> Vec<String> {
    if app.view == View::List && !app.marks.is_empty() {
        return app
            .list
            .items
            .iter()
            .filter(|e| app.marks.contains(&e.id))
            .map(|e| e.id.clone())
            .collect();
    }
    app.target().map(|t| vec![t.id.clone()]).unwrap_or_default()
}

/// `DEMO-3`, or `5 errors`.
fn name_of(app: &App, ids: &[String]) -> String {
    match ids {
        [one] => short_id(app, one),
        many => format!("{} errors", many.len()),
    }
}

/// Opens a triage menu for the marked rows or the target.
pub fn open_menu(app: &mut App, kind: MenuKind, fx: &mut Vec<Effect>) {
    app.reason_for = None;
    let ids = targets(app);
    if ids.is_empty() {
        return notify(app, "No error selected.", NoticeKind::Info);
    }
    if matches!(kind, MenuKind::Resolve | MenuKind::Archive)
        && let Some(reason) = app.caps.set_status.clone()
    {
        let link = app
            .target()
            .and_then(|t| t.url.as_deref())
            .and_then(crate::text::web_link)
            .map(|u| format!(" Open it with `o`: {u}"))
            .unwrap_or_default();
        return notify(app, &format!("{reason}{link}"), NoticeKind::Error);
    }
    // A menu with nothing this server can do is no menu: say why instead.
    let items = super::menu::items(app, kind);
    if items.iter().all(|i| i.refused.is_some())
        && let Some(r) = items.into_iter().find_map(|i| i.refused)
    {
        return notify(app, &r, NoticeKind::Error);
    }
    // What the menu will want, fetched while the user reads it.
    match kind {
        MenuKind::Resolve if app.caps.triage.release_resolve.is_none() => {
            load_once(app, Fetch::Releases, fx)
        }
        MenuKind::Assign if app.caps.triage.assign.is_none() => load_once(app, Fetch::People, fx),
        _ => {}
    }
    let what = name_of(app, &ids);
    overlay::ask(
        app,
        Overlay::Menu(Menu {
            kind,
            ids,
            what,
            selected: 0,
            reason: false,
        }),
    );
}

/// Reads the people and releases the menus show, where the server has them.
pub fn prefetch(app: &mut App, fx: &mut Vec<Effect>) {
    if app.caps.triage.assign.is_none() {
        load_once(app, Fetch::People, fx);
    }
    if app.caps.triage.release_resolve.is_none() {
        load_once(app, Fetch::Releases, fx);
    }
}

fn load_once(app: &mut App, f: Fetch, fx: &mut Vec<Effect>) {
    let r = match f {
        Fetch::People => &mut app.people.track,
        _ => &mut app.releases.track,
    };
    let loaded = match f {
        Fetch::People => app.people.data.is_some(),
        _ => app.releases.data.is_some(),
    };
    if loaded || r.load.is_loading() {
        return;
    }
    let req = app.next_req;
    app.next_req += 1;
    r.start(req);
    fetch(app, req, f, fx);
}

/// A menu item was chosen for `ids`.
pub fn chosen(app: &mut App, ids: Vec<String>, choice: Choice, fx: &mut Vec<Effect>) {
    let what = name_of(app, &ids);
    match choice {
        Choice::Change(c) => request(app, ids, c, fx),
        Choice::AssignMe => match app.people.data.as_ref().map(|p| p.me.clone()) {
            Some(Some(me)) => request(app, ids, Change::Assign(Some(me)), fx),
            Some(None) => notify(
                app,
                "errtui could not find out who you are (the token may belong to no user): pick yourself from the list (a p).",
                NoticeKind::Error,
            ),
            None => {
                app.assign_me_after = Some(ids);
                load_once(app, Fetch::People, fx);
                notify(app, "Finding out who you are…", NoticeKind::Info);
            }
        },
        Choice::PickRelease | Choice::PickPerson => {
            let kind = if choice == Choice::PickRelease {
                load_once(app, Fetch::Releases, fx);
                PickKind::Release
            } else {
                load_once(app, Fetch::People, fx);
                PickKind::Person
            };
            overlay::ask(
                app,
                Overlay::Pick(Pick {
                    kind,
                    ids,
                    what,
                    filter: LineEditor::default(),
                    selected: 0,
                }),
            );
        }
        Choice::AskCommit => ask(
            app,
            format!("Resolve {what} in commit: REPOSITORY COMMIT"),
            PromptFor::ResolveCommit { ids },
        ),
        Choice::AskDuration => ask(
            app,
            format!("Archive {what} for (30m, 2h, 3d, 1w)"),
            PromptFor::ArchiveFor { ids },
        ),
        Choice::AskCount { users } => {
            let noun = if users { "users" } else { "events" };
            ask(
                app,
                format!("Archive {what} until N more {noun} (100, or 100 in 1h)"),
                PromptFor::ArchiveCount { ids, users },
            )
        }
    }
}

fn ask(app: &mut App, title: String, purpose: PromptFor) {
    // The usual answer is there already: `i c Enter` archives until 100 more events.
    let start = match purpose {
        PromptFor::ArchiveCount { .. } => "100",
        _ => "",
    };
    overlay::ask(
        app,
        Overlay::Prompt {
            title,
            editor: LineEditor::new(start),
            purpose,
        },
    );
}

/// Parses `100` or `100 in 1h`.
fn count_and_window(text: &str) -> Result<(u64, Option<u64>), String> {
    let (n, w) = match text.split_once(" in ") {
        Some((n, w)) => (n, Some(w)),
        None => (text, None),
    };
    let n: u64 = n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
        format!(
            "`{}` is not a count: type a number like 100",
            sanitize(n.trim())
        )
    })?;
    let w = match w {
        Some(w) => {
            let m = parse_minutes(w)?;
            if m > 10_080 {
                return Err("the window can be at most 1w".into());
            }
            Some(m)
        }
        None => None,
    };
    Ok((n, w))
}

/// A typed answer to a triage prompt.
pub fn prompted(app: &mut App, purpose: PromptFor, text: String, fx: &mut Vec<Effect>) {
    if text.is_empty() {
        return notify(app, "Nothing typed: nothing changed.", NoticeKind::Info);
    }
    let change = match purpose {
        PromptFor::Comment { id } => return comment(app, id, text, fx),
        PromptFor::Reason { ids } => {
            for id in ids {
                comment(app, id, text.clone(), fx);
            }
            return;
        }
        PromptFor::ArchiveFor { ids } => match parse_minutes(&text) {
            Ok(m) => (ids, Change::Archive(Archive::For(m))),
            Err(e) => return notify(app, &e, NoticeKind::Error),
        },
        PromptFor::ArchiveCount { ids, users } => match count_and_window(&text) {
            Ok((count, window)) => (
                ids,
                Change::Archive(if users {
                    Archive::UntilUsers { count, window }
                } else {
                    Archive::UntilCount { count, window }
                }),
            ),
            Err(e) => return notify(app, &e, NoticeKind::Error),
        },
        PromptFor::ResolveCommit { ids } => match text.split_once(char::is_whitespace) {
            Some((repo, commit)) if !commit.trim().is_empty() => (
                ids,
                Change::Resolve(Resolve::InCommit {
                    commit: commit.trim().to_string(),
                    repository: repo.to_string(),
                }),
            ),
            _ => {
                return notify(
                    app,
                    "Type the repository, a space, then the commit: acme/web 1a2b3c4",
                    NoticeKind::Error,
                );
            }
        },
        PromptFor::NewKeyName | PromptFor::RotateKeyName => return,
    };
    request(app, change.0, change.1, fx);
}

/// Sends `change` for `ids`: shown at once, one request for all of them.
pub fn request(app: &mut App, ids: Vec<String>, change: Change, fx: &mut Vec<Effect>) {
    send(app, ids, change, true, fx);
}

fn send(app: &mut App, ids: Vec<String>, change: Change, undoable: bool, fx: &mut Vec<Effect>) {
    if ids.is_empty() {
        return notify(app, "No error selected.", NoticeKind::Info);
    }
    if let Some(reason) = app.caps.refuses_change(&change) {
        return notify(app, &reason, NoticeKind::Error);
    }
    if let Some(secs) = app.rate_limit_left() {
        return notify(
            app,
            &format!("The server asked errtui to wait: try again in {secs} s."),
            NoticeKind::Error,
        );
    }
    // A single error already so: say so rather than send it.
    if let [one] = ids.as_slice()
        && let Some((status, _)) = state_of(app, one)
        && change.is_plain_status()
        && change.status().as_ref() == Some(&status)
    {
        return notify(
            app,
            &format!("{} is already {}.", short_id(app, one), status.as_str()),
            NoticeKind::Info,
        );
    }
    // One request per batch the server takes, each with its own id, so a refused batch rolls
    // back exactly its own rows.
    let batches: Vec<(ReqId, Vec<String>)> = ids
        .chunks(crate::backend::sentry::BULK_MAX)
        .map(|c| (app.req(), c.to_vec()))
        .collect();
    let req_of = |id: &str| {
        batches
            .iter()
            .find(|(_, b)| b.iter().any(|i| i == id))
            .map(|(r, _)| *r)
            .unwrap_or(0)
    };
    let mut groups: Vec<(Change, Vec<String>)> = Vec::new();
    for id in &ids {
        let req = req_of(id);
        let Some((status, triage)) = state_of(app, id) else {
            continue;
        };
        // Restoring goes back to what the server last confirmed, not to another guess.
        let (base_status, base_triage) = match app.pending.get(id) {
            Some(p) => (p.status.clone(), p.triage.clone()),
            None => (status.clone(), triage.clone()),
        };
        if undoable && let Some(inv) = change.inverse(&status, &triage) {
            match groups.iter_mut().find(|(c, _)| *c == inv) {
                Some((_, g)) => g.push(id.clone()),
                None => groups.push((inv, vec![id.clone()])),
            }
        }
        app.pending.insert(
            id.clone(),
            Pending {
                req,
                change: change.clone(),
                status: base_status,
                triage: base_triage,
            },
        );
        set_everywhere(app, id, |s, t| change.apply(s, t));
    }
    if undoable {
        app.undo = (!groups.is_empty()).then(|| Undo {
            at: app.now,
            what: format!("{} {}", change.describe(), name_of(app, &ids)),
            groups,
        });
    }
    if app.view == View::List && ids.len() > 1 {
        app.marks.clear();
    }
    notify(
        app,
        &format!("{} {}…", capital(&change.describe()), name_of(app, &ids)),
        NoticeKind::Info,
    );
    // Chosen "with a reason": ask it now, post it as a comment on each.
    if app.reason_for.as_ref() == Some(&ids) {
        app.reason_for = None;
        let title = format!(
            "Why ({} {})? Posted as a comment",
            change.describe(),
            name_of(app, &ids)
        );
        ask(app, title, PromptFor::Reason { ids: ids.clone() });
    }
    for (req, batch) in batches {
        fx.push(Effect::Update {
            req,
            ids: batch,
            change: change.clone(),
        });
    }
}

/// The answer to a change sent for `ids`.
pub fn updated(
    app: &mut App,
    req: ReqId,
    ids: Vec<String>,
    change: Change,
    result: Result<Applied, BackendError>,
    fx: &mut Vec<Effect>,
) {
    let name = name_of(app, &ids);
    match result {
        Ok(applied) => {
            for id in &ids {
                let confirm = |s: &mut Status, t: &mut Triage| confirmed(&change, &applied, s, t);
                match app.pending.get_mut(id) {
                    Some(p) if p.req == req => {
                        app.pending.remove(id);
                        set_everywhere(app, id, confirm);
                    }
                    // A later change is in the queue: this is now what to restore to.
                    Some(p) => confirm(&mut p.status, &mut p.triage),
                    None => set_everywhere(app, id, confirm),
                }
            }
            // The server's activity now has this change: details read before it are stale,
            // and the one on screen is read again.
            for id in &ids {
                app.details.remove(id);
            }
            if let Some(open) = app.detail.key.clone().filter(|k| ids.contains(k))
                && app.detail.data.is_some()
                && !app.pending.contains_key(&open)
            {
                super::error_view::show_detail(app, &open, false, true, fx);
            }
            let how = applied
                .triage
                .status_details
                .describe()
                .filter(|_| change.status().is_some() && !change.is_plain_status())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            notify(
                app,
                &format!("{}{how}.", capital(&past(&change, &name))),
                NoticeKind::Info,
            );
        }
        Err(e) => {
            let mut restored = Vec::new();
            for id in &ids {
                if let Some(p) = app.pending.get(id).filter(|p| p.req == req).cloned() {
                    app.pending.remove(id);
                    set_everywhere(app, id, |s, t| {
                        *s = p.status.clone();
                        *t = p.triage.clone();
                    });
                    restored.push(p.status);
                }
            }
            let restored = match restored.as_slice() {
                [] => String::new(),
                [one] if change.status().is_some() => {
                    format!(" Status restored to {}.", one.as_str())
                }
                _ => " Restored as the server last said.".into(),
            };
            // Nothing of a refused action is left to undo.
            if app.undo.as_ref().is_some_and(|u| {
                u.groups
                    .iter()
                    .all(|(_, g)| g.iter().all(|i| ids.contains(i)))
            }) {
                app.undo = None;
            }
            notify(
                app,
                &format!("Could not {} {name}: {e}{restored}", change.describe()),
                NoticeKind::Error,
            );
        }
    }
}

/// What the server's answer says, over what errtui showed.
fn confirmed(change: &Change, applied: &Applied, s: &mut Status, t: &mut Triage) {
    change.apply(s, t);
    if let Some(st) = &applied.status {
        *s = st.clone();
    }
    let a = &applied.triage;
    if change.status().is_some() {
        t.status_details = a.status_details.clone();
        if a.substatus.is_some() {
            t.substatus = a.substatus.clone();
        }
    }
    if let Change::Assign(_) = change {
        // The answer names the assignee; errtui only knew the id.
        t.assignee = a.assignee.clone().or(t.assignee.take());
    }
}

/// `U`: sends the inverse of the last action, within a minute of it.
pub fn undo(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(u) = app.undo.take() else {
        return notify(app, "Nothing to undo.", NoticeKind::Info);
    };
    if (app.now - u.at).num_seconds() > UNDO_SECS {
        return notify(
            app,
            &format!("Too late to undo “{}”: U works for a minute.", u.what),
            NoticeKind::Info,
        );
    }
    notify(app, &format!("Undoing: {}", u.what), NoticeKind::Info);
    for (change, ids) in u.groups {
        send(app, ids, change, false, fx);
    }
}

// ---- marks ----

/// Space: marks or unmarks the selected row, and moves down.
pub fn toggle_mark(app: &mut App) {
    let Some(id) = app.selected().map(|e| e.id.clone()) else {
        return;
    };
    if !app.marks.remove(&id) {
        app.marks.insert(id);
    }
    let last = app.list.items.len().saturating_sub(1);
    app.list.selected = (app.list.selected + 1).min(last);
}

/// `V`: starts a range at the selection; pressed again, marks from there to the selection.
pub fn range_mark(app: &mut App) {
    match app.mark_anchor.take() {
        None => {
            app.mark_anchor = Some(app.list.selected);
            notify(
                app,
                "Range started: move, then V again to mark it (Esc cancels).",
                NoticeKind::Info,
            );
        }
        Some(a) => {
            let (from, to) = (a.min(app.list.selected), a.max(app.list.selected));
            let ids: Vec<String> = app.list.items
                [from..=to.min(app.list.items.len().saturating_sub(1))]
                .iter()
                .map(|e| e.id.clone())
                .collect();
            let n = ids.len();
            app.marks.extend(ids);
            notify(
                app,
                &format!("Marked {n} rows ({} marked).", app.marks.len()),
                NoticeKind::Info,
            );
        }
    }
}

/// `*`: marks every loaded row, or clears the marks when they all are.
pub fn mark_all(app: &mut App) {
    if !app.list.items.is_empty() && app.marks.len() == app.list.items.len() {
        app.marks.clear();
        return notify(app, "Marks cleared.", NoticeKind::Info);
    }
    app.marks = app.list.items.iter().map(|e| e.id.clone()).collect();
    notify(
        app,
        &format!("Marked all {} loaded rows.", app.marks.len()),
        NoticeKind::Info,
    );
}

/// Esc in the list: clears the marks and a started range. Returns whether there was any.
pub fn clear_marks(app: &mut App) -> bool {
    let had = !app.marks.is_empty() || app.mark_anchor.is_some();
    app.marks.clear();
    app.mark_anchor = None;
    had
}

/// `b`: bookmarks the targets, or removes the bookmark when the first already has one.
pub fn toggle_bookmark(app: &mut App, fx: &mut Vec<Effect>) {
    let ids = targets(app);
    let on = ids
        .first()
        .and_then(|id| state_of(app, id))
        .is_none_or(|(_, t)| !t.is_bookmarked);
    request(app, ids, Change::Bookmark(on), fx);
}

// ---- merge, comments, GitLab issues ----

/// `=`: asks before merging the marked errors, naming them and the one they merge into.
pub fn ask_merge(app: &mut App) {
    if let Some(r) = app.caps.triage.merge.clone() {
        return notify(app, &r, NoticeKind::Error);
    }
    let ids = targets(app);
    if ids.len() < 2 {
        return notify(
            app,
            "Mark the errors to merge first (Space, V or *), then =.",
            NoticeKind::Info,
        );
    }
    if ids.len() > 100 {
        return notify(app, "At most 100 errors merge at once.", NoticeKind::Error);
    }
    let rows: Vec<&ErrorSummary> = app
        .list
        .items
        .iter()
        .filter(|e| ids.contains(&e.id))
        .collect();
    // Sentry keeps the error with the most events (the lower id on a tie).
    let into = rows
        .iter()
        .max_by_key(|e| (e.count, std::cmp::Reverse(e.id.parse::<u64>().unwrap_or(0))))
        .map(|e| format!("{} {}", sanitize(&e.short_id), sanitize(&e.title)))
        .unwrap_or_default();
    let mut lines = vec![
        format!("Merge {} errors into:", ids.len()),
        format!("  {into}"),
        String::new(),
    ];
    lines.extend(rows.iter().take(8).map(|e| {
        format!(
            "  {} {} ({} events)",
            sanitize(&e.short_id),
            crate::text::truncate(&sanitize(&e.title), 48),
            e.count
        )
    }));
    if rows.len() > 8 {
        lines.push(format!("  … and {} more", rows.len() - 8));
    }
    lines.push(String::new());
    lines.push("Their events move into one error. errtui cannot undo a merge.".into());
    overlay::ask(
        app,
        Overlay::Confirm(Confirm {
            title: "Merge errors".into(),
            lines,
            warning: None,
            on_yes: Confirmed::Merge { ids },
            typed: None,
        }),
    );
}

pub fn merge_confirmed(app: &mut App, ids: Vec<String>, fx: &mut Vec<Effect>) {
    let req = app.req();
    notify(
        app,
        &format!("Merging {} errors…", ids.len()),
        NoticeKind::Info,
    );
    app.marks.clear();
    fx.push(Effect::Merge { req, ids });
}

pub fn merged(
    app: &mut App,
    ids: Vec<String>,
    result: Result<Merged, BackendError>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(m) => {
            let into = short_id(app, &m.parent);
            notify(
                app,
                &format!("Merged {} errors into {into}.", m.children.len() + 1),
                NoticeKind::Info,
            );
            // The merged ones are gone from the server's list: ask it again.
            super::list::load(app, false, fx);
        }
        Err(e) => notify(
            app,
            &format!("Could not merge {} errors: {e}", ids.len()),
            NoticeKind::Error,
        ),
    }
}

/// `c`: asks for a comment on the target.
pub fn ask_comment(app: &mut App) {
    if let Some(r) = app.caps.triage.comments.clone() {
        return notify(app, &r, NoticeKind::Error);
    }
    let Some(t) = app.target() else {
        return notify(app, "No error selected.", NoticeKind::Info);
    };
    let (id, short) = (t.id.clone(), sanitize(&t.short_id));
    ask(
        app,
        format!("Comment on {short}"),
        PromptFor::Comment { id },
    );
}

fn comment(app: &mut App, id: String, text: String, fx: &mut Vec<Effect>) {
    let req = app.req();
    notify(
        app,
        &format!("Posting the comment on {}…", short_id(app, &id)),
        NoticeKind::Info,
    );
    fx.push(Effect::Comment { req, id, text });
}

pub fn commented(app: &mut App, id: String, result: Result<Activity, BackendError>) {
    let short = short_id(app, &id);
    match result {
        Ok(a) => {
            for d in [
                app.detail.data.as_mut().filter(|d| d.summary.id == id),
                app.details.get_mut(&id),
            ]
            .into_iter()
            .flatten()
            {
                d.activity.insert(0, a.clone());
            }
            notify(app, &format!("Commented on {short}."), NoticeKind::Info);
        }
        Err(e) => notify(
            app,
            &format!("Could not comment on {short}: {e}"),
            NoticeKind::Error,
        ),
    }
}

/// `N`: creates a GitLab issue from the opened or selected error.
pub fn create_issue(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(r) = app.caps.triage.create_issue.clone() {
        return notify(app, &r, NoticeKind::Error);
    }
    let Some(t) = app.target().cloned() else {
        return notify(app, "No error selected.", NoticeKind::Info);
    };
    let detail = app.detail.data.as_ref().filter(|d| d.summary.id == t.id);
    let ev = app.event.data.as_ref().filter(|_| app.event.is(&t.id));
    let (title, description) = super::share::issue_text(&t, detail, ev);
    let req = app.req();
    notify(
        app,
        &format!("Creating a GitLab issue for {}…", sanitize(&t.short_id)),
        NoticeKind::Info,
    );
    fx.push(Effect::CreateIssue {
        req,
        id: t.id,
        title,
        description,
    });
}

pub fn issue_created(app: &mut App, id: String, result: Result<CreatedIssue, BackendError>) {
    let short = short_id(app, &id);
    match result {
        Ok(c) => {
            for d in [
                app.detail.data.as_mut().filter(|d| d.summary.id == id),
                app.details.get_mut(&id),
            ]
            .into_iter()
            .flatten()
            {
                d.linked_issue = Some(c.url.clone());
            }
            notify(
                app,
                &format!(
                    "Created issue #{} for {short}: {} (L opens it). GitLab's API cannot link it to the error the way its web UI does.",
                    c.iid, c.url
                ),
                NoticeKind::Info,
            );
        }
        Err(e) => notify(
            app,
            &format!("Could not create an issue for {short}: {e}"),
            NoticeKind::Error,
        ),
    }
}

/// The GitLab issue linked to the opened error, when there is one.
pub fn linked_issue(app: &App) -> Option<String> {
    let id = app.target()?.id.clone();
    app.detail
        .data
        .as_ref()
        .filter(|d| d.summary.id == id)
        .and_then(|d| d.linked_issue.clone())
        .and_then(|u| crate::text::web_link(&u))
}

/// `A`: shows only the errors assigned to the token's user, or all again.
pub fn toggle_assigned_to_me(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(r) = app.caps.triage.assign.clone() {
        return notify(app, &r, NoticeKind::Error);
    }
    let q = app.query.text.clone();
    let words: Vec<&str> = q.split_whitespace().collect();
    let text = if words.contains(&"assigned:me") {
        words
            .into_iter()
            .filter(|w| *w != "assigned:me")
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("{q} assigned:me").trim().to_string()
    };
    super::list::search(app, text, fx);
}

/// Who is assigned, as the server or the waiting change says.
pub fn people_loaded(
    app: &mut App,
    req: ReqId,
    result: Result<People, BackendError>,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    match app.people.track.accept(req, result, now, &mut app.next_req) {
        Outcome::Data(p) => {
            let me = p.me.clone();
            app.people.data = Some(p);
            if let Some(ids) = app.assign_me_after.take() {
                match me {
                    Some(me) => request(app, ids, Change::Assign(Some(me)), fx),
                    None => notify(
                        app,
                        "errtui could not find out who you are: pick yourself from the list (a p).",
                        NoticeKind::Error,
                    ),
                }
            }
        }
        Outcome::Stale => {}
        _ => {
            if app.assign_me_after.take().is_some() {
                notify(app, "Could not find out who you are.", NoticeKind::Error);
            }
        }
    }
}

pub fn releases_loaded(app: &mut App, req: ReqId, result: Result<Vec<Release>, BackendError>) {
    let now = app.now;
    if let Outcome::Data(r) = app
        .releases
        .track
        .accept(req, result, now, &mut app.next_req)
    {
        app.releases.data = Some(r);
    }
}

// ---- helpers ----

fn state_of(app: &App, id: &str) -> Option<(Status, Triage)> {
    app.list
        .items
        .iter()
        .find(|e| e.id == id)
        .or_else(|| {
            app.detail
                .data
                .as_ref()
                .map(|d| &d.summary)
                .filter(|s| s.id == id)
        })
        .map(|e| (e.status.clone(), e.triage.clone()))
}

fn set_everywhere(app: &mut App, id: &str, f: impl Fn(&mut Status, &mut Triage)) {
    if let Some(item) = app.list.items.iter_mut().find(|e| e.id == id) {
        f(&mut item.status, &mut item.triage);
    }
    if app.detail.is(id)
        && let Some(d) = app.detail.data.as_mut()
    {
        f(&mut d.summary.status, &mut d.summary.triage);
    }
    if let Some(d) = app.details.get_mut(id) {
        f(&mut d.summary.status, &mut d.summary.triage);
    }
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
        .map(|s| sanitize(&s))
        .unwrap_or_else(|| sanitize(id))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "Resolved SHOP-0", "Assigned 3 errors to Sam Lee".
fn past(change: &Change, name: &str) -> String {
    match change {
        Change::Resolve(_) => format!("resolved {name}"),
        Change::Archive(Archive::Plain) => format!("ignored {name}"),
        Change::Archive(_) => format!("archived {name}"),
        Change::Unresolve => format!("unresolved {name}"),
        Change::Assign(Some(a)) => format!("assigned {name} to {}", sanitize(&a.label())),
        Change::Assign(None) => format!("unassigned {name}"),
        Change::Bookmark(true) => format!("bookmarked {name}"),
        Change::Bookmark(false) => format!("removed the bookmark of {name}"),
        Change::Reviewed => format!("marked {name} reviewed"),
        Change::Priority(p) => format!("set {name} to priority {}", p.as_str()),
    }
}
