//! Sentry-shaped routes of the demo: organization- and project-scoped issue lists, issue
//! detail and status changes (single and bulk), latest events, projects, and the API index.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::data::{Dataset, ORG, PROJECT, PROJECT_ID, ParsedQuery};
use super::{AppState, glitchtip, lock, triage};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/0/", get(index))
        .route("/api/0/organizations/{org}/", get(organization))
        .route("/api/0/organizations/{org}/projects/", get(projects))
        .route(
            "/api/0/organizations/{org}/issues/",
            get(org_list).put(org_bulk),
        )
        .route(
            "/api/0/organizations/{org}/issues/{id}/",
            get(org_issue).put(org_put),
        )
        .route(
            "/api/0/organizations/{org}/issues/{id}/events/",
            get(org_events),
        )
        .route(
            "/api/0/organizations/{org}/issues/{id}/events/{which}/",
            get(org_event),
        )
        .route(
            "/api/0/organizations/{org}/issues/{id}/tags/",
            get(org_tags),
        )
        .route(
            "/api/0/organizations/{org}/eventids/{event_id}/",
            get(event_lookup),
        )
        .route(
            "/api/0/projects/{org}/{project}/issues/",
            get(project_list).put(project_bulk),
        )
        .route(
            "/api/0/organizations/{org}/issues/{id}/notes/",
            get(org_notes).post(org_note),
        )
        .route("/api/0/organizations/{org}/members/", get(members))
        .route(
            "/api/0/organizations/{org}/environments/",
            get(|| async {
                Json(json!([{"id": "1", "name": "production"}, {"id": "2", "name": "staging"}, {"id": "3", "name": "development"}]))
            }),
        )
        .route("/api/0/organizations/{org}/teams/", get(teams))
        .route("/api/0/organizations/{org}/releases/", get(releases))
        .route("/api/0/projects/{org}/{project}/releases/", get(releases))
        .route("/api/0/users/me/", get(me))
        .route(
            "/api/0/issues/{id}/comments/",
            get(glitchtip_comments).post(glitchtip_comment),
        )
        .route("/api/0/issues/{id}/", get(issue).put(put_issue))
        .route("/api/0/issues/{id}/events/", get(events))
        .route("/api/0/issues/{id}/events/{which}/", get(event))
        .route("/api/0/issues/{id}/tags/", get(tags))
        .route("/organizations/{org}/issues/{id}/", get(web_page))
        .route(
            "/api/0/projects/{org}/{project}/keys/",
            get(list_keys).post(create_key),
        )
        .route(
            "/api/0/projects/{org}/{project}/keys/{key_id}/",
            get(get_key).put(update_key).delete(delete_key),
        )
}

/// A client key of the demo's Sentry project.
#[derive(Clone)]
pub struct SentryKey {
    pub public: String,
    secret: String,
    pub name: String,
    pub active: bool,
    created: chrono::DateTime<chrono::Utc>,
    rate_limit: Option<(u64, u64)>,
}

impl SentryKey {
    pub fn new(name: &str) -> Self {
        SentryKey {
            public: format!("{:032x}", fastrand::u128(..)),
            secret: format!("{:032x}", fastrand::u128(..)),
            name: name.to_string(),
            active: true,
            created: chrono::Utc::now(),
            rate_limit: None,
        }
    }

    fn json(&self, base_url: &str, glitchtip: bool) -> Value {
        let mut v = self.sentry_json(base_url);
        if glitchtip {
            glitchtip::reshape_key(&mut v);
        }
        v
    }

    fn sentry_json(&self, base_url: &str) -> Value {
        let host = base_url.trim_start_matches("http://");
        let dsn = |path: &str| format!("http://{}@{host}{path}", self.public);
        json!({
            "id": self.public,
            "name": self.name,
            "label": self.name,
            "public": self.public,
            "secret": self.secret,
            "projectId": 1,
            "isActive": self.active,
            "rateLimit": self.rate_limit.map(|(count, window)| json!({"count": count, "window": window})),
            "dateCreated": self.created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "browserSdkVersion": "latest",
            "dsn": {
                "secret": format!("http://{}:{}@{host}/{PROJECT_ID}", self.public, self.secret),
                "public": dsn(&format!("/{PROJECT_ID}")),
                "csp": dsn(&format!("/api/{PROJECT_ID}/csp-report/?sentry_key={}", self.public)),
                "security": format!("http://{host}/api/{PROJECT_ID}/security/?sentry_key={}", self.public),
                "minidump": format!("http://{host}/api/{PROJECT_ID}/minidump/?sentry_key={}", self.public),
                "unreal": format!("http://{host}/api/{PROJECT_ID}/unreal/{}/", self.public),
                "cdn": format!("http://{host}/js-sdk-loader/{}.min.js", self.public),
            },
        })
    }
}

fn keys_project_ok(org: &str, project: &str) -> bool {
    org == ORG && (project == PROJECT || project == PROJECT_ID)
}

async fn list_keys(
    State(s): State<AppState>,
    Path((org, project)): Path<(String, String)>,
) -> Response {
    if !keys_project_ok(&org, &project) {
        return not_found();
    }
    let keys = lock(&s.sentry_keys);
    // Newest first, as Sentry lists them.
    let items: Vec<Value> = keys
        .iter()
        .rev()
        .map(|k| k.json(&s.base_url, s.glitchtip))
        .collect();
    let mut headers = HeaderMap::new();
    let base = format!(
        "{}/api/0/projects/{ORG}/{PROJECT}/keys/?cursor=",
        s.base_url
    );
    let link = format!(
        "<{base}0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <{base}0:100:0>; rel=\"next\"; results=\"false\"; cursor=\"0:100:0\""
    );
    if let Ok(v) = HeaderValue::from_str(&link) {
        headers.insert("link", v);
    }
    if s.glitchtip {
        glitchtip::wrap_link(&mut headers);
    }
    (headers, Json(Value::Array(items))).into_response()
}

async fn create_key(
    State(s): State<AppState>,
    Path((org, project)): Path<(String, String)>,
    body: Option<Json<Value>>,
) -> Response {
    if !keys_project_ok(&org, &project) {
        return not_found();
    }
    let given = body
        .as_ref()
        .and_then(|b| b.0.get("name"))
        .and_then(Value::as_str);
    // GlitchTip stores the name NOT NULL: a key without one is a 500.
    if s.glitchtip && given.is_none() {
        return glitchtip::server_error();
    }
    let name = given
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("Default")
        .to_string();
    let mut key = SentryKey::new(&name);
    if let Some(Json(b)) = &body
        && let Some(r) = b.get("rateLimit").filter(|r| r.is_object())
        && let (Some(c), Some(w)) = (
            r.get("count").and_then(Value::as_u64),
            r.get("window").and_then(Value::as_u64),
        )
    {
        key.rate_limit = Some((c, w));
    }
    let json = key.json(&s.base_url, s.glitchtip);
    lock(&s.sentry_keys).push(key);
    (StatusCode::CREATED, Json(json)).into_response()
}

async fn get_key(
    State(s): State<AppState>,
    Path((org, project, key_id)): Path<(String, String, String)>,
) -> Response {
    if !keys_project_ok(&org, &project) {
        return not_found();
    }
    match lock(&s.sentry_keys).iter().find(|k| k.public == key_id) {
        Some(k) => Json(k.json(&s.base_url, s.glitchtip)).into_response(),
        None => not_found(),
    }
}

async fn update_key(
    State(s): State<AppState>,
    Path((org, project, key_id)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if !keys_project_ok(&org, &project) {
        return not_found();
    }
    let mut keys = lock(&s.sentry_keys);
    let Some(k) = keys.iter_mut().find(|k| k.public == key_id) else {
        return not_found();
    };
    // GlitchTip answers with the key as it was: the payload is not applied.
    if s.glitchtip {
        return Json(k.json(&s.base_url, true)).into_response();
    }
    if let Some(a) = body.get("isActive").and_then(Value::as_bool) {
        k.active = a;
    }
    if let Some(n) = body.get("name").and_then(Value::as_str) {
        k.name = n.to_string();
    }
    Json(k.json(&s.base_url, s.glitchtip)).into_response()
}

async fn delete_key(
    State(s): State<AppState>,
    Path((org, project, key_id)): Path<(String, String, String)>,
) -> Response {
    if !keys_project_ok(&org, &project) {
        return not_found();
    }
    let mut keys = lock(&s.sentry_keys);
    match keys.iter().position(|k| k.public == key_id) {
        Some(i) => {
            keys.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_found(),
    }
}

fn detail(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"detail": msg}))).into_response()
}

fn not_found() -> Response {
    detail(
        StatusCode::NOT_FOUND,
        "The requested resource does not exist",
    )
}

fn params(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn param<'a>(ps: &'a [(String, String)], key: &str) -> Option<&'a str> {
    ps.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

async fn index() -> Json<Value> {
    Json(
        json!({"version": "0", "auth": {"scopes": ["event:read", "event:write", "org:read", "project:read", "project:write", "project:admin"]}, "user": {"id": "1", "name": "Demo User", "email": "demo@example.com"}}),
    )
}

async fn projects(Path(org): Path<String>) -> Response {
    if org != ORG {
        return not_found();
    }
    Json(json!([{"id": PROJECT_ID, "slug": PROJECT, "name": "Demo", "platform": "python", "isMember": true, "hasAccess": true}])).into_response()
}

async fn org_list(
    State(s): State<AppState>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if org != ORG {
        return not_found();
    }
    let ps = params(&raw);
    if s.glitchtip {
        if let Some(refused) = glitchtip::refuse_list(&ps) {
            return refused;
        }
        if glitchtip::lists_nothing(&ps) {
            return list_response(&s, &ps, "/api/0/organizations/demo/issues/", true);
        }
    }
    for (k, v) in &ps {
        if k == "project" && v != "-1" && v != PROJECT_ID {
            if v.parse::<i64>().is_err() {
                return detail(
                    StatusCode::BAD_REQUEST,
                    "Invalid project parameter. Values must be numbers.",
                );
            }
            return list_response(&s, &ps, "/api/0/organizations/demo/issues/", true);
        }
    }
    list_response(&s, &ps, "/api/0/organizations/demo/issues/", false)
}

async fn project_list(
    State(s): State<AppState>,
    Path((org, project)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    if org != ORG || (project != PROJECT && project != PROJECT_ID) {
        return not_found();
    }
    let ps = params(&raw);
    list_response(
        &s,
        &ps,
        &format!("/api/0/projects/{ORG}/{PROJECT}/issues/"),
        false,
    )
}

/// The ordered indices matching a query, cached while a client pages through them.
pub(super) fn ordered(s: &AppState, data: &Dataset, q: &ParsedQuery, sort: &str) -> Arc<Vec<u32>> {
    let mut cache = lock(&s.order_cache);
    if let Some((cq, cs, ver, order)) = cache.as_ref()
        && cq == q
        && cs == sort
        && *ver == data.version
    {
        return order.clone();
    }
    let mut order: Vec<u32> = (0..data.issues.len())
        .filter(|&i| data.matches(i, q))
        .map(|i| i as u32)
        .collect();
    // Sentry's names, and GlitchTip's (`-` first for newest or largest first).
    let ascending = matches!(sort, "last_seen" | "first_seen" | "count" | "priority");
    let key = |i: &u32| {
        let it = &data.issues[*i as usize];
        match sort.trim_start_matches('-') {
            "new" | "first_seen" => it.first_seen as u64,
            "freq" | "count" => it.count,
            "user" => it.users,
            // GlitchTip's priority: log10(count) + last_seen / 300000.
            "priority" => {
                ((it.count.max(1) as f64).log10() * 1e6 + it.last_seen as f64 / 300000.0 * 1e6)
                    as u64
            }
            _ => it.last_seen as u64,
        }
    };
    order.sort_by(|a, b| key(b).cmp(&key(a)).then(b.cmp(a)));
    if ascending {
        order.reverse();
    }
    let order = Arc::new(order);
    *cache = Some((q.clone(), sort.to_string(), data.version, order.clone()));
    order
}

fn list_response(s: &AppState, ps: &[(String, String)], path: &str, empty: bool) -> Response {
    let limit = match param(ps, "limit").or(param(ps, "per_page")) {
        None => 100,
        Some(l) => match l.parse::<usize>() {
            Ok(n) => n.clamp(1, 100),
            Err(_) => return detail(StatusCode::BAD_REQUEST, "invalid limit"),
        },
    };
    let offset = match param(ps, "cursor").filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match c.split(':').nth(1).and_then(|o| o.parse::<usize>().ok()) {
            Some(o) => o,
            None => return detail(StatusCode::BAD_REQUEST, "Invalid cursor parameter."),
        },
    };
    let q = ParsedQuery::parse(param(ps, "query"));
    let sort = param(ps, "sort").unwrap_or("date");
    let data = lock(&s.data);
    let order = if empty {
        Arc::new(Vec::new())
    } else {
        ordered(s, &data, &q, sort)
    };
    let end = (offset + limit).min(order.len());
    let page = order.get(offset.min(order.len())..end).unwrap_or(&[]);
    let body = if s.glitchtip {
        let items: Vec<Value> = page
            .iter()
            .map(|&i| issue_json(s, &data, i as usize, false))
            .collect();
        serde_json::to_vec(&items)
    } else {
        // Written straight from the dataset, without building a JSON tree first.
        let items: Vec<_> = page
            .iter()
            .map(|&i| data.issue_out(i as usize, &s.base_url))
            .collect();
        serde_json::to_vec(&items)
    };
    let Ok(body) = body else {
        return detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not write the page",
        );
    };
    let kept: Vec<String> = ps
        .iter()
        .filter(|(k, _)| k != "cursor")
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    let base = format!("{}{}?{}&cursor=", s.base_url, path, kept.join("&"));
    let mut headers = paging(s, &base, offset, limit, end < order.len());
    headers.insert("x-hits", HeaderValue::from(order.len()));
    headers.insert("x-max-hits", HeaderValue::from(order.len().max(1000)));
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    (headers, body).into_response()
}

/// Sentry's `Link` header for a page at `offset` (GlitchTip's wrapped form on that flavour).
/// `base` ends with `cursor=`.
fn paging(s: &AppState, base: &str, offset: usize, limit: usize, more: bool) -> HeaderMap {
    let prev = format!("0:{}:1", offset.saturating_sub(limit));
    let next = format!("0:{}:0", offset + limit);
    let link = format!(
        "<{base}{prev}>; rel=\"previous\"; results=\"{}\"; cursor=\"{prev}\", <{base}{next}>; rel=\"next\"; results=\"{more}\"; cursor=\"{next}\"",
        offset > 0,
    );
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&link) {
        headers.insert("link", v);
    }
    if s.glitchtip {
        glitchtip::wrap_link(&mut headers);
    }
    headers
}

fn with_issue(
    s: &AppState,
    org: Option<&str>,
    id: &str,
    f: impl FnOnce(&mut Dataset, usize) -> Response,
) -> Response {
    if org.is_some_and(|o| o != ORG) {
        return not_found();
    }
    let mut data = lock(&s.data);
    match data.find(id) {
        Some(idx) => f(&mut data, idx),
        None => not_found(),
    }
}

/// An issue in the shape of the server the demo plays.
fn issue_json(s: &AppState, d: &Dataset, i: usize, detailed: bool) -> Value {
    let mut v = d.issue_json(i, &s.base_url, detailed);
    if s.glitchtip {
        glitchtip::reshape_issue(&mut v, &s.base_url);
    }
    v
}

async fn org_issue(State(s): State<AppState>, Path((org, id)): Path<(String, String)>) -> Response {
    // GlitchTip has only a PUT there.
    if s.glitchtip {
        return glitchtip::method_not_allowed();
    }
    with_issue(&s, Some(&org), &id, |d, i| {
        Json(issue_json(&s, d, i, true)).into_response()
    })
}

async fn issue(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::web_app();
    }
    with_issue(&s, None, &id, |d, i| {
        Json(issue_json(&s, d, i, true)).into_response()
    })
}

/// Event `which` (latest, oldest, recommended or an id) of issue `i`, as the demo's server
/// would answer it.
fn event_response(s: &AppState, d: &Dataset, i: usize, which: &str) -> Response {
    let n = d.event_count(i);
    let k = match which {
        "latest" => Some(0),
        // GlitchTip has only `latest` and ids.
        "oldest" if !s.glitchtip => Some(n - 1),
        "recommended" if !s.glitchtip => Some(n / 2),
        id => d.event_index(i, id),
    };
    match k {
        Some(k) => {
            let mut v = d.event_at(i, k);
            if s.glitchtip {
                glitchtip::reshape_event(&mut v);
            }
            Json(v).into_response()
        }
        None => not_found(),
    }
}

async fn org_event(
    State(s): State<AppState>,
    Path((org, id, which)): Path<(String, String, String)>,
) -> Response {
    // GlitchTip has no such route: the web app's catch-all answers.
    if s.glitchtip {
        return glitchtip::web_app();
    }
    with_issue(&s, Some(&org), &id, |d, i| event_response(&s, d, i, &which))
}

async fn event(State(s): State<AppState>, Path((id, which)): Path<(String, String)>) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::web_app();
    }
    with_issue(&s, None, &id, |d, i| event_response(&s, d, i, &which))
}

fn events_response(s: &AppState, d: &Dataset, i: usize, raw: &Option<String>) -> Response {
    let ps = params(raw);
    let per = param(&ps, "per_page")
        .or(param(&ps, "limit"))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 100);
    let start = param(&ps, "cursor")
        .and_then(|c| c.split(':').nth(1))
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    let mut all = d.events_json(i);
    if s.glitchtip {
        for e in all.iter_mut() {
            glitchtip::reshape_event(e);
        }
    }
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start).take(per).collect();
    let base = format!(
        "{}/api/0/issues/{}/events/?&cursor=",
        s.base_url, d.issues[i].id
    );
    let headers = paging(s, &base, start, per, start + per < total);
    (headers, Json(Value::Array(page))).into_response()
}

async fn org_events(
    State(s): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    if s.glitchtip {
        return glitchtip::web_app();
    }
    with_issue(&s, Some(&org), &id, |d, i| events_response(&s, d, i, &raw))
}

async fn events(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::web_app();
    }
    with_issue(&s, None, &id, |d, i| events_response(&s, d, i, &raw))
}

fn tags_response(d: &Dataset, i: usize, raw: &Option<String>) -> Response {
    let ps = params(raw);
    let keys: Vec<&str> = ps
        .iter()
        .filter(|(k, _)| k == "key")
        .map(|(_, v)| v.as_str())
        .collect();
    let limit = param(&ps, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10);
    let tags: Vec<Value> = d
        .tags_json(i)
        .into_iter()
        .filter(|t| keys.is_empty() || keys.iter().any(|k| t["key"] == *k))
        .map(|mut t| {
            if let Some(a) = t["topValues"].as_array_mut() {
                a.truncate(limit);
            }
            t
        })
        .collect();
    Json(Value::Array(tags)).into_response()
}

async fn org_tags(
    State(s): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    if s.glitchtip {
        return glitchtip::web_app();
    }
    with_issue(&s, Some(&org), &id, |d, i| tags_response(d, i, &raw))
}

async fn tags(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::web_app();
    }
    with_issue(&s, None, &id, |d, i| tags_response(d, i, &raw))
}

/// `GET /organizations/{org}/eventids/{id}/`: the error an event belongs to.
async fn event_lookup(
    State(s): State<AppState>,
    Path((org, event_id)): Path<(String, String)>,
) -> Response {
    if s.glitchtip {
        return glitchtip::web_app();
    }
    if org != ORG {
        return not_found();
    }
    let data = lock(&s.data);
    match data.find_event(&event_id) {
        Some((i, _)) => Json(json!({
            "organizationSlug": ORG,
            "projectSlug": PROJECT,
            "groupId": data.issues[i].id.to_string(),
            "eventId": event_id,
        }))
        .into_response(),
        None => not_found(),
    }
}

/// Checks an update body (every triage field Sentry reads), stores it on issue `i` and answers
/// with the issue.
fn put_one(s: &AppState, d: &mut Dataset, i: usize, body: &Value) -> Response {
    if body.get("merge").is_some() {
        return detail(StatusCode::BAD_REQUEST, "merge needs the bulk endpoint");
    }
    match triage::parse(d, body, s.glitchtip) {
        Ok(u) => {
            u.apply(d, i);
            Json(issue_json(s, d, i, true)).into_response()
        }
        Err(r) => *r,
    }
}

async fn org_put(
    State(s): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::csrf_refused();
    }
    with_issue(&s, Some(&org), &id, |d, i| put_one(&s, d, i, &body))
}

async fn put_issue(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if s.glitchtip && !glitchtip::is_number(&id) {
        return glitchtip::csrf_refused();
    }
    with_issue(&s, None, &id, |d, i| put_one(&s, d, i, &body))
}

/// Bulk update as Sentry does it: `?id=…` picks issues, else the search query (default
/// unresolved, at most 1000); answers with an echo of the change, or 204 when nothing matched.
/// `{"merge": true}` merges the picked issues into the one with the most events.
fn bulk(s: &AppState, raw: &Option<String>, body: &Value) -> Response {
    let ps = params(raw);
    let ids: Vec<&str> = ps
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.as_str())
        .collect();
    if ids.len() > 100 {
        return detail(
            StatusCode::BAD_REQUEST,
            "Too many issues: at most 100 at once.",
        );
    }
    let mut data = lock(&s.data);
    let targets: Vec<usize> = if ids.is_empty() {
        let q = ParsedQuery::parse(param(&ps, "query"));
        (0..data.issues.len())
            .filter(|&i| data.matches(i, &q))
            .take(1000)
            .collect()
    } else {
        ids.iter().filter_map(|id| data.find(id)).collect()
    };
    if targets.is_empty() {
        return (
            StatusCode::NO_CONTENT,
            Json(json!({"detail": "No groups found"})),
        )
            .into_response();
    }
    if body
        .get("merge")
        .is_some_and(|m| m == &json!(true) || m == &json!(1))
    {
        if ids.len() < 2 || targets.len() < 2 {
            return detail(
                StatusCode::BAD_REQUEST,
                "Only a list of ids of at least two issues can be merged.",
            );
        }
        return Json(triage::merge(&mut data, &targets)).into_response();
    }
    match triage::parse(&data, body, s.glitchtip) {
        Ok(u) => {
            for i in targets {
                u.apply(&mut data, i);
            }
            Json(u.echo()).into_response()
        }
        Err(r) => *r,
    }
}

async fn org_bulk(
    State(s): State<AppState>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    Json(body): Json<Value>,
) -> Response {
    if org != ORG {
        return not_found();
    }
    bulk(&s, &raw, &body)
}

async fn project_bulk(
    State(s): State<AppState>,
    Path((org, project)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    Json(body): Json<Value>,
) -> Response {
    if org != ORG || (project != PROJECT && project != PROJECT_ID) {
        return not_found();
    }
    bulk(&s, &raw, &body)
}

/// What a browser sees when the user presses `o` in the demo.
async fn web_page(State(s): State<AppState>, Path((_org, id)): Path<(String, String)>) -> Response {
    with_issue(&s, None, &id, |d, i| {
        let it = &d.issues[i];
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        Html(format!(
            "<!doctype html><title>{}</title><h1>{}</h1><p>{}</p><p>status: {} · events: {} · users: {}</p><p>This page is served by errtui's demo backend.</p>",
            esc(&it.title), esc(&it.title), esc(&it.culprit), it.status.as_str(), it.count, it.users
        ))
        .into_response()
    })
}

fn notes_of(d: &Dataset, i: usize) -> Value {
    Value::Array(
        d.triage
            .get(&d.issues[i].id)
            .map(|t| {
                t.activity
                    .iter()
                    .rev()
                    .filter(|a| a["type"] == "note")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
    )
}

async fn org_notes(State(s): State<AppState>, Path((org, id)): Path<(String, String)>) -> Response {
    if s.glitchtip {
        return glitchtip::web_app();
    }
    with_issue(&s, Some(&org), &id, |d, i| {
        Json(notes_of(d, i)).into_response()
    })
}

async fn org_note(
    State(s): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    if s.glitchtip {
        return glitchtip::web_app();
    }
    let Ok(Json(body)) = body else {
        return detail(StatusCode::BAD_REQUEST, "Invalid JSON");
    };
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    with_issue(&s, Some(&org), &id, |d, i| {
        match triage::note(d, i, &text) {
            Ok(a) => (StatusCode::CREATED, Json(a)).into_response(),
            Err(r) => *r,
        }
    })
}

/// GlitchTip's comments: `{"data": {"text"}}` in and out.
async fn glitchtip_comments(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if !s.glitchtip {
        return not_found();
    }
    with_issue(&s, None, &id, |d, i| Json(notes_of(d, i)).into_response())
}

async fn glitchtip_comment(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    if !s.glitchtip {
        return not_found();
    }
    let Ok(Json(body)) = body else {
        return detail(StatusCode::BAD_REQUEST, "Invalid JSON");
    };
    let text = body["data"]["text"].as_str().unwrap_or("").to_string();
    with_issue(&s, None, &id, |d, i| match triage::note(d, i, &text) {
        Ok(a) => {
            let out = json!({"id": a["id"], "data": {"text": a["data"]["text"]}, "type": "note",
                             "dateCreated": a["dateCreated"], "user": a["user"]});
            (StatusCode::CREATED, Json(out)).into_response()
        }
        Err(r) => *r,
    })
}

async fn members(Path(org): Path<String>) -> Response {
    if org != ORG {
        return not_found();
    }
    Json(triage::members()).into_response()
}

async fn teams(State(s): State<AppState>, Path(org): Path<String>) -> Response {
    if org != ORG || s.glitchtip {
        return not_found();
    }
    Json(triage::teams()).into_response()
}

async fn me() -> Response {
    Json(triage::me()).into_response()
}

async fn releases(State(s): State<AppState>) -> Response {
    let data = lock(&s.data);
    let base = chrono::Utc::now() - chrono::Duration::days(1);
    let out: Vec<Value> = triage::releases(&data)
        .into_iter()
        .enumerate()
        .map(|(k, v)| {
            let at = base - chrono::Duration::days(3 * k as i64);
            json!({"version": v, "shortVersion": v,
                   "dateCreated": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)})
        })
        .collect();
    Json(out).into_response()
}

async fn organization(Path(org): Path<String>) -> Response {
    if org != ORG {
        return not_found();
    }
    Json(json!({"id": "1", "slug": ORG, "name": "Demo"})).into_response()
}
