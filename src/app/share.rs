//! What errtui copies for other people: a markdown summary of an error for an incident channel,
//! and the failing frame's `path:line`. Every server string is sanitised.

use super::state::App;
use crate::model::{Event, Frame};
use crate::text::sanitize;

/// The frame the error happened in: the innermost frame of the application's own code in the
/// raised exception, else its innermost frame.
pub fn top_frame(ev: &Event) -> Option<&Frame> {
    let ex = ev.exceptions.iter().rev().find(|e| !e.frames.is_empty())?;
    ex.frames
        .iter()
        .rev()
        .find(|f| f.in_app)
        .or_else(|| ex.frames.last())
}

/// The event of the error the keys act on, when it is loaded.
fn shown_event(app: &App) -> Option<&Event> {
    let id = &app.target()?.id;
    app.event.data.as_ref().filter(|_| app.event.is(id))
}

/// `path:line` of the failing frame.
pub fn failing_frame(app: &App) -> Option<String> {
    top_frame(shown_event(app)?).map(|f| sanitize(&f.location()))
}

/// A markdown summary: title, link, counts, first and last seen, release, top in-app frame.
pub fn summary(app: &App) -> Option<String> {
    let s = app.target()?;
    let detail = app.detail.data.as_ref().filter(|d| d.summary.id == s.id);
    let when = |t: Option<crate::model::Timestamp>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "—".into())
    };
    // Markdown that a title cannot break out of.
    let md = |t: &str| sanitize(t).replace(['`', '*', '_', '[', ']'], "");
    let mut out = format!("**[{}] {}**\n", md(&s.short_id), md(&s.title));
    if let Some(url) = s.url.as_deref().and_then(crate::text::web_link) {
        out.push_str(&format!("{url}\n"));
    }
    let users = if app.caps.user_counts {
        format!(" · users: {}", crate::ui::format::grouped(s.user_count))
    } else {
        String::new()
    };
    out.push_str(&format!(
        "- status: {} · events: {}{users}\n",
        s.status.as_str(),
        crate::ui::format::grouped(s.count)
    ));
    out.push_str(&format!(
        "- first seen: {} · last seen: {}\n",
        when(s.first_seen),
        when(s.last_seen)
    ));
    let ev = shown_event(app);
    let release = detail
        .and_then(|d| d.last_release.as_ref().map(|r| r.version.clone()))
        .or_else(|| ev.and_then(|e| e.release.clone()));
    if let Some(r) = release {
        out.push_str(&format!("- release: {}\n", md(&r)));
    }
    if let Some(f) = ev.and_then(top_frame) {
        out.push_str(&format!(
            "- top frame: `{}` in `{}`\n",
            md(&f.location()),
            md(f.function.as_deref().unwrap_or("?"))
        ));
    }
    Some(out)
}

/// A GitLab issue's title and markdown description for an error, as GitLab's web UI writes
/// them: a link to the error, first and last seen, event and user counts, the top in-app frame.
pub fn issue_text(
    s: &crate::model::ErrorSummary,
    detail: Option<&crate::model::ErrorDetail>,
    ev: Option<&Event>,
) -> (String, String) {
    let md = |t: &str| sanitize(t).replace(['`', '*', '_', '[', ']'], "");
    let when = |t: Option<crate::model::Timestamp>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let title = crate::text::truncate(&sanitize(&s.title), 255);
    let mut d = String::new();
    if let Some(url) = s.url.as_deref().and_then(crate::text::web_link) {
        d.push_str(&format!("**Error:** [{}]({url})\n\n", md(&s.short_id)));
    }
    d.push_str(&format!("**First seen:** {}\n\n", when(s.first_seen)));
    d.push_str(&format!("**Last seen:** {}\n\n", when(s.last_seen)));
    d.push_str(&format!("**Events:** {}\n\n", s.count));
    d.push_str(&format!("**Users:** {}\n\n", s.user_count));
    if let Some(r) = detail.and_then(|d| d.last_release.as_ref()) {
        d.push_str(&format!("**Last release:** {}\n\n", md(&r.version)));
    }
    if !s.culprit.is_empty() {
        d.push_str(&format!("**Culprit:** {}\n\n", md(&s.culprit)));
    }
    if let Some(f) = ev.and_then(top_frame) {
        d.push_str(&format!(
            "**Top in-app frame:** `{}` in `{}`\n\n",
            md(&f.location()),
            md(f.function.as_deref().unwrap_or("?"))
        ));
    }
    d.push_str("_Created from errtui._\n");
    (title, d)
}
