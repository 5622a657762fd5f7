//! The demo's GlitchTip flavour: the same data, served with each difference GlitchTip 5.1 has
//! from Sentry (read from its source), so the real client is tested against them.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::data::PROJECT;

/// The version the demo's GlitchTip reports.
pub const VERSION: &str = "5.1.0";

/// `GET /api/settings/`: public, no token; Sentry has no such route.
pub fn settings() -> Response {
    Json(json!({
        "socialApps": [],
        "billingEnabled": false,
        "iPaidForGlitchTip": false,
        "enableUserRegistration": false,
        "enableSocialAppsUserRegistration": false,
        "enableOrganizationCreation": false,
        "stripePublicKey": null,
        "plausibleUrl": null,
        "plausibleDomain": null,
        "chatwootWebsiteToken": null,
        "sentryDSN": null,
        "sentryTracesSampleRate": null,
        "environment": null,
        "version": VERSION,
        "serverTimeZone": "UTC",
        "glitchtipInstanceName": null,
        "enabledFeatures": [],
    }))
    .into_response()
}

const SORTS: [&str; 8] = [
    "last_seen",
    "first_seen",
    "count",
    "priority",
    "-last_seen",
    "-first_seen",
    "-count",
    "-priority",
];

/// What GlitchTip does with a list request's parameters before it lists: a 422 for Sentry's
/// sort names or a project that is not a number, a 500 for a search with an open quote.
pub fn refuse_list(params: &[(String, String)]) -> Option<Response> {
    for (k, v) in params {
        match k.as_str() {
            "sort" if !SORTS.contains(&v.as_str()) => {
                return Some(unprocessable(
                    "sort",
                    "Input should be 'last_seen', 'first_seen', 'count', 'priority', '-last_seen', '-first_seen', '-count' or '-priority'",
                ));
            }
            "project" if v.parse::<i64>().is_err() => {
                return Some(unprocessable(
                    "project",
                    "Input should be a valid integer, unable to parse string as an integer",
                ));
            }
            // GlitchTip splits the search like a shell; the client's own check is the same rule.
            "query" if crate::backend::sentry::unclosed_quote(v).is_some() => {
                return Some(server_error());
            }
            _ => {}
        }
    }
    None
}

/// GlitchTip reads `project=-1` literally: `project__in=[-1]`, nothing.
pub fn lists_nothing(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, v)| k == "project" && v == "-1")
}

fn unprocessable(field: &str, msg: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"detail": [{"type": "literal_error", "loc": ["query", field], "msg": msg}]})),
    )
        .into_response()
}

/// Django's 500 page without a frontend.
pub fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<!doctype html>\n<html lang=\"en\"><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1><p></p></body></html>"),
    )
        .into_response()
}

/// `GET` on a route that has only `PUT` (the organization's issue route).
pub fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({"detail": "Method not allowed"})),
    )
        .into_response()
}

/// A path no API route takes falls into the web app's catch-all: its HTML.
pub fn web_app() -> Response {
    Html("<!doctype html><html><head><title>GlitchTip</title></head><body><app-root></app-root></body></html>").into_response()
}

/// A `PUT` through the web app's catch-all meets Django's CSRF check.
pub fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html("<!doctype html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p></body></html>"),
    )
        .into_response()
}

/// Routes take `{int:issue_id}`.
pub fn is_number(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())
}

/// An issue as GlitchTip serialises it: what it never fills is empty, and its permalink names
/// the project where its web app routes the organization.
pub fn reshape_issue(v: &mut Value, base_url: &str) {
    let Some(o) = v.as_object_mut() else { return };
    let id = o
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    o.insert("culprit".into(), json!(""));
    o.insert("userCount".into(), json!(0));
    o.insert("platform".into(), json!(""));
    o.insert("firstRelease".into(), Value::Null);
    o.insert("lastRelease".into(), Value::Null);
    o.insert("tags".into(), json!([]));
    o.insert("stats".into(), json!({"24h": []}));
    o.insert(
        "permalink".into(),
        json!(format!("{base_url}/{PROJECT}/issues/{id}")),
    );
    for k in [
        "substatus",
        "isBookmarked",
        "hasSeen",
        "activity",
        "seenBy",
        "participants",
    ] {
        o.remove(k);
    }
}

/// An event: the release only as a tag, next and previous ids spelt GlitchTip's way.
pub fn reshape_event(v: &mut Value) {
    let Some(o) = v.as_object_mut() else { return };
    o.remove("release");
    // GlitchTip spells the neighbours' ids `…EventId`.
    let next = o.remove("nextEventID").unwrap_or(Value::Null);
    let prev = o.remove("previousEventID").unwrap_or(Value::Null);
    o.insert("nextEventId".into(), next);
    o.insert("previousEventId".into(), prev);
}

/// A client key: no `isActive`, which GlitchTip neither stores nor checks.
pub fn reshape_key(v: &mut Value) {
    if let Some(o) = v.as_object_mut() {
        o.remove("isActive");
    }
}

/// GlitchTip sets its `Link` header to a Python set, so the text arrives wrapped.
pub fn wrap_link(headers: &mut HeaderMap) {
    let Some(link) = headers.get("link").and_then(|v| v.to_str().ok()) else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{{'{link}'}}")) {
        headers.insert("link", v);
    }
}
