//! What the headless commands print: aligned tables and text, every server string sanitised.

use super::{Failure, to_json};
use crate::model::ErrorSummary;
use crate::text::{fit, fit_right, sanitize};

pub(super) fn settings_text(s: &crate::model::TrackingSettings) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
    format!(
        "Error tracking  {}\nBackend         {}\nSentry project  {}\nSentry URL      {}\nAPI URL         {}\n",
        if s.active { "on" } else { "off" },
        if s.integrated {
            "GitLab integrated"
        } else {
            "Sentry"
        },
        opt(&s.project_name),
        opt(&s.sentry_external_url),
        opt(&s.api_url)
    )
}

pub(super) fn keys_table(keys: &[crate::model::ClientKey]) -> String {
    if keys.is_empty() {
        return "No client keys.\n".into();
    }
    let width_of = |f: &dyn Fn(&crate::model::ClientKey) -> String, min: usize, max: usize| {
        keys.iter()
            .map(|k| crate::text::width(&f(k)))
            .max()
            .unwrap_or(min)
            .clamp(min, max)
    };
    let id = |k: &crate::model::ClientKey| sanitize(&k.id);
    let name = |k: &crate::model::ClientKey| sanitize(k.name.as_deref().unwrap_or("—"));
    let (id_w, name_w) = (width_of(&id, 2, 34), width_of(&name, 4, 30));
    let mut out = format!(
        "{}  {}  {}  {}  {}  DSN\n",
        fit("ID", id_w),
        fit("NAME", name_w),
        fit("ACTIVE", 6),
        fit("CREATED", 10),
        fit("RATE LIMIT", 12)
    );
    for k in keys {
        let created = k
            .created
            .map(|c| c.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            fit(&id(k), id_w),
            fit(&name(k), name_w),
            fit(
                match k.active {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "?",
                },
                6
            ),
            fit(&created, 10),
            fit(&crate::ui::format::rate_limit_text(k.rate_limit), 12),
            k.dsn.as_deref().map(sanitize).unwrap_or_else(|| "—".into())
        ));
    }
    out
}

/// An aligned table; every server string sanitised; wide characters keep columns aligned.
/// `users_counted`: false when the server does not count users (GlitchTip), so its 0 shows as
/// unknown rather than as none.
pub fn table(
    items: &[ErrorSummary],
    now: chrono::DateTime<chrono::Utc>,
    users_counted: bool,
) -> String {
    if items.is_empty() {
        return "No errors found.\n".into();
    }
    let id_w = items
        .iter()
        .map(|e| crate::text::width(&sanitize(&e.short_id)))
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    // The id that `show` and `resolve` take (on GitLab, the Sentry id), then the short id.
    let num_w = items
        .iter()
        .map(|e| crate::text::width(&sanitize(&e.id)))
        .max()
        .unwrap_or(2)
        .clamp(2, 24);
    let mut out = format!(
        "{}  {}  {}  {}  {}  {}  {}  TITLE\n",
        fit("ID", num_w),
        fit("SHORT ID", id_w),
        fit("LEVEL", 7),
        fit("STATUS", 10),
        fit_right("EVENTS", 8),
        fit_right("USERS", 7),
        fit("LAST SEEN", 9)
    );
    for e in items {
        let seen = match crate::ui::format::ago_short(now, e.last_seen).as_str() {
            "—" => "—".to_string(),
            "now" => "now".to_string(),
            s => format!("{s} ago"),
        };
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}  {}  {}\n",
            fit(&sanitize(&e.id), num_w),
            fit(&sanitize(&e.short_id), id_w),
            fit(&sanitize(e.level.as_str()), 7),
            fit(&sanitize(e.status.as_str()), 10),
            fit_right(&e.count.to_string(), 8),
            fit_right(
                &if users_counted {
                    e.user_count.to_string()
                } else {
                    "—".into()
                },
                7
            ),
            fit(&seen, 9),
            sanitize(&e.title)
        ));
    }
    out
}

pub(super) fn show_json(
    d: &crate::model::ErrorDetail,
    ev: &crate::model::Event,
) -> Result<String, Failure> {
    let mut v = serde_json::to_value(d).map_err(|e| e.to_string())?;
    let exceptions = serde_json::to_value(&ev.exceptions).map_err(|e| e.to_string())?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("exceptions".into(), exceptions);
        obj.insert("event".into(), event_json(ev));
    }
    to_json(&v)
}

/// An event for scripts: secrets in its request masked.
pub(super) fn event_json(ev: &crate::model::Event) -> serde_json::Value {
    serde_json::json!({
        "id": ev.id,
        "date": ev.date,
        "message": ev.message,
        "release": ev.release,
        "environment": ev.environment,
        "user": ev.user,
        "user_details": ev.user_details,
        "previous_event_id": ev.previous_event_id,
        "next_event_id": ev.next_event_id,
        "tags": ev.tags.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
        "breadcrumbs": ev.breadcrumbs,
        "request": ev.request.as_ref().map(|r| {
            let m = r.masked();
            serde_json::json!({
                "method": m.method,
                "url": m.url,
                "query": m.query,
                "headers": m.headers,
                "data": m.data,
            })
        }),
        "contexts": ev.contexts,
        "sdk": ev.sdk,
    })
}

/// An error's events as a table, newest first.
pub(super) fn events_table(items: &[crate::model::EventSummary]) -> String {
    if items.is_empty() {
        return "No events found.\n".into();
    }
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
    let mut out = format!(
        "{}  {}  {}  {}  {}  MESSAGE\n",
        fit("EVENT", 32),
        fit("DATE", 20),
        fit("RELEASE", 16),
        fit("ENVIRONMENT", 12),
        fit("USER", 20)
    );
    for e in items {
        let date = e
            .date
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            fit(&sanitize(&e.id), 32),
            fit(&date, 20),
            fit(&opt(&e.release), 16),
            fit(&opt(&e.environment), 12),
            fit(&opt(&e.user), 20),
            crate::text::truncate(&opt(&e.message), 100)
        ));
    }
    out
}

/// Tag breakdowns as text bars.
pub(super) fn tags_text(tags: &[crate::model::TagBreakdown]) -> String {
    if tags.is_empty() {
        return "No tags.\n".into();
    }
    let mut out = String::new();
    for t in tags {
        out.push_str(&format!(
            "{} ({} events)\n",
            sanitize(&t.key),
            crate::ui::format::grouped(t.total)
        ));
        for v in &t.top {
            let pct = t.percent(v.count);
            out.push_str(&format!(
                "  {} {:>3}%  {}  {}\n",
                fit(&"█".repeat((pct as usize).div_ceil(5)), 20),
                pct,
                fit_right(&crate::ui::format::grouped(v.count), 9),
                sanitize(&v.value)
            ));
        }
    }
    out
}

pub(super) fn show_text(
    d: &crate::model::ErrorDetail,
    ev: &crate::model::Event,
    now: chrono::DateTime<chrono::Utc>,
    users_counted: bool,
) -> String {
    use crate::ui::format::{ago_long, grouped};
    let s = &d.summary;
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{:<14}{}\n", k, v));
    line("", sanitize(&s.title));
    line("Short ID", sanitize(&s.short_id));
    line("Culprit", sanitize(&s.culprit));
    line("Status", sanitize(s.status.as_str()));
    line("Level", sanitize(s.level.as_str()));
    line("Events", grouped(s.count));
    line(
        "Users",
        if users_counted {
            grouped(s.user_count)
        } else {
            "— (not counted by this server)".into()
        },
    );
    line("First seen", ago_long(now, s.first_seen));
    line("Last seen", ago_long(now, s.last_seen));
    if let Some(r) = &d.first_release {
        line("First release", sanitize(&r.version));
    }
    if let Some(r) = &d.last_release {
        line("Last release", sanitize(&r.version));
    }
    if let Some(u) = &s.url {
        line("Link", sanitize(u));
    }
    line("Event", sanitize(&ev.id));
    for (k, v) in [
        ("Release", &ev.release),
        ("Environment", &ev.environment),
        ("User", &ev.user),
        ("Previous", &ev.previous_event_id),
        ("Next", &ev.next_event_id),
    ] {
        if let Some(v) = v {
            line(k, sanitize(v));
        }
    }
    if let Some(r) = ev.request.as_ref().map(|r| r.masked()) {
        line(
            "Request",
            sanitize(&format!(
                "{} {}",
                r.method.as_deref().unwrap_or(""),
                r.url.as_deref().unwrap_or("")
            )),
        );
    }
    for ex in ev.exceptions.iter().rev() {
        out.push_str(&format!(
            "\n{}: {}\n",
            sanitize(&ex.ty),
            sanitize(&ex.value)
        ));
        for f in ex.frames.iter().rev() {
            out.push_str(&format!(
                "  {} {} in {}\n",
                if f.in_app { "●" } else { "·" },
                sanitize(&f.location()),
                sanitize(f.function.as_deref().unwrap_or("?"))
            ));
        }
    }
    if !ev.breadcrumbs.is_empty() {
        out.push_str("\nBreadcrumbs (oldest first)\n");
        for b in &ev.breadcrumbs {
            out.push_str(&format!(
                "  {}  {:<7} {:<12} {}\n",
                b.timestamp
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_else(|| "        ".into()),
                sanitize(b.level.as_deref().unwrap_or("")),
                sanitize(b.category.as_deref().unwrap_or("")),
                sanitize(b.message.as_deref().unwrap_or(""))
            ));
        }
    }
    if !ev.breadcrumbs.is_empty() {
        out.push_str("\nBreadcrumbs (oldest first)\n");
        for b in &ev.breadcrumbs {
            out.push_str(&format!(
                "  {}  {:<7} {:<12} {}\n",
                b.timestamp
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_else(|| "        ".into()),
                sanitize(b.level.as_deref().unwrap_or("")),
                sanitize(b.category.as_deref().unwrap_or("")),
                sanitize(b.message.as_deref().unwrap_or(""))
            ));
        }
    }
    out
}
