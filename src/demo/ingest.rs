//! Event ingestion for DSN tests: the envelope endpoint SDKs post to, for the demo's Sentry
//! keys and its GitLab (integrated-style) keys. An accepted event becomes a new demo error.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::data::{GITLAB_PROJECT_ID, PROJECT_ID};
use super::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/{project_id}/envelope/", post(envelope))
        .route(
            "/errortracking/api/v1/projects/api/{project_id}/envelope/",
            post(envelope),
        )
}

/// The public key from `X-Sentry-Auth: Sentry sentry_key=…, …` or `?sentry_key=…`.
fn sentry_key(headers: &HeaderMap, raw: &Option<String>) -> Option<String> {
    let from_header = headers
        .get("x-sentry-auth")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| {
            h.trim_start_matches("Sentry ")
                .split(',')
                .filter_map(|kv| kv.trim().split_once('='))
                .find(|(k, _)| *k == "sentry_key")
                .map(|(_, v)| v.to_string())
        });
    from_header.or_else(|| {
        raw.as_deref().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "sentry_key")
                .map(|(_, v)| v.into_owned())
        })
    })
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        [("x-sentry-error", why.to_string())],
        Json(json!({"detail": why})),
    )
        .into_response()
}

/// The first `event` item of an envelope.
pub fn event_of(body: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(body).ok()?;
    let mut rest = text.split_once('\n')?.1;
    while !rest.trim().is_empty() {
        let (item_header, after) = rest.split_once('\n')?;
        let header: Value = serde_json::from_str(item_header).ok()?;
        let (payload, next) = match header.get("length").and_then(Value::as_u64) {
            Some(n) if after.len() >= n as usize => {
                let (p, r) = after.split_at(n as usize);
                (p, r.strip_prefix('\n').unwrap_or(r))
            }
            _ => after.split_once('\n').unwrap_or((after, "")),
        };
        if header.get("type").and_then(Value::as_str) == Some("event") {
            return serde_json::from_str(payload).ok();
        }
        rest = next;
    }
    None
}

async fn envelope(
    State(s): State<AppState>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(key) = sentry_key(&headers, &raw) else {
        return refuse(StatusCode::UNAUTHORIZED, "Missing public key");
    };
    let active = if project_id == PROJECT_ID {
        lock(&s.sentry_keys)
            .iter()
            .find(|k| k.public == key)
            .map(|k| k.active)
    } else if project_id == GITLAB_PROJECT_ID {
        lock(&s.gitlab)
            .keys
            .iter()
            .find(|k| k.public_key == key)
            .map(|k| k.active)
    } else {
        return refuse(StatusCode::NOT_FOUND, "Unknown project");
    };
    match active {
        None => return refuse(StatusCode::UNAUTHORIZED, "Unknown public key"),
        Some(false) => return refuse(StatusCode::FORBIDDEN, "Project key disabled"),
        Some(true) => {}
    }
    let Some(event) = event_of(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Failed to parse the envelope: no event item",
        );
    };
    let event_id = event
        .get("event_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:032x}", fastrand::u128(..)));
    lock(&s.data).ingest(&event, chrono::Utc::now());
    Json(json!({ "id": event_id })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_event_item_with_or_without_length() {
        let e = crate::dsn::test_envelope("https://k@h/1", "abc", chrono::Utc::now());
        assert_eq!(
            event_of(e.as_bytes()).and_then(|v| v["event_id"].as_str().map(str::to_string)),
            Some("abc".into())
        );
        let no_len =
            "{}\n{\"type\":\"attachment\"}\nxyz\n{\"type\":\"event\"}\n{\"event_id\":\"e2\"}\n";
        assert_eq!(
            event_of(no_len.as_bytes()).map(|v| v["event_id"].clone()),
            Some(json!("e2"))
        );
        assert!(event_of(b"{}\n").is_none());
    }
}
