//! Status changes: shown at once, sent in order (the runtime serialises changes per error),
//! and rolled back to what the server last confirmed when the latest one is refused.

use super::msg::{Effect, ReqId};
use super::state::*;
use super::update::notify;
use crate::backend::BackendError;
use crate::model::{ErrorSummary, Status};

pub fn change_status(app: &mut App, wanted: Status, fx: &mut Vec<Effect>) {
    let Some(target) = app.target().cloned() else {
        return notify(app, "No error selected.", NoticeKind::Info);
    };
    if let Some(reason) = app.caps.set_status.clone() {
        let link = target
            .url
            .as_deref()
            .and_then(crate::text::web_link)
            .map(|u| format!(" Open it with `o`: {u}"))
            .unwrap_or_default();
        return notify(app, &format!("{reason}{link}"), NoticeKind::Error);
    }
    if let Some(secs) = app.rate_limit_left() {
        return notify(
            app,
            &format!("The server asked errtui to wait: try again in {secs} s."),
            NoticeKind::Error,
        );
    }
    if target.status == wanted {
        return notify(
            app,
            &format!("{} is already {}.", target.short_id, wanted.as_str()),
            NoticeKind::Info,
        );
    }
    let req = app.req();
    let previous = app
        .pending
        .get(&target.id)
        .map(|p| p.previous.clone())
        .unwrap_or(target.status.clone());
    app.pending.insert(
        target.id.clone(),
        PendingStatus {
            req,
            wanted: wanted.clone(),
            previous,
        },
    );
    set_status_everywhere(app, &target.id, &wanted);
    notify(
        app,
        &format!("{} {}…", doing_word(&wanted), target.short_id),
        NoticeKind::Info,
    );
    fx.push(Effect::SetStatus {
        req,
        id: target.id,
        status: wanted,
    });
}

pub fn status_changed(
    app: &mut App,
    req: ReqId,
    id: &str,
    wanted: Status,
    result: Result<ErrorSummary, BackendError>,
) {
    let latest = app.pending.get(id).is_some_and(|p| p.req == req);
    let short = short_id(app, id);
    match result {
        Ok(summary) => {
            if latest {
                app.pending.remove(id);
                set_status_everywhere(app, id, &summary.status);
            } else if let Some(p) = app.pending.get_mut(id) {
                // An earlier change in the queue: the server now has this status.
                p.previous = summary.status.clone();
            }
            notify(
                app,
                &format!("{} {short}.", done_word(&wanted)),
                NoticeKind::Info,
            );
        }
        Err(e) => {
            if latest && let Some(p) = app.pending.remove(id) {
                set_status_everywhere(app, id, &p.previous);
                notify(
                    app,
                    &format!(
                        "Could not {} {short}: {e} Status restored to {}.",
                        verb(&wanted),
                        p.previous.as_str()
                    ),
                    NoticeKind::Error,
                );
            } else {
                notify(
                    app,
                    &format!("Could not {} {short}: {e}", verb(&wanted)),
                    NoticeKind::Error,
                );
            }
        }
    }
}

fn set_status_everywhere(app: &mut App, id: &str, status: &Status) {
    if let Some(item) = app.list.items.iter_mut().find(|e| e.id == id) {
        item.status = status.clone();
    }
    if app.detail.is(id)
        && let Some(d) = app.detail.data.as_mut()
    {
        d.summary.status = status.clone();
    }
    if let Some(d) = app.details.get_mut(id) {
        d.summary.status = status.clone();
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
