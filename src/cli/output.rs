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
        obj.insert(
            "event".into(),
            serde_json::json!({
                "id": ev.id,
                "date": ev.date,
                "release": ev.release,
                "environment": ev.environment,
                "user": ev.user,
                "tags": ev.tags.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "breadcrumbs": ev.breadcrumbs,
                "request": ev.request,
            }),
        );
    }
    to_json(&v)
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
    out
}
