//! GitLab-shaped routes of the demo: the GraphQL fields errtui reads (answering `null` to the
//! first request of each new query, as GitLab does while its cache warms), REST error-tracking
//! settings and client keys, changed in memory. Settings point at the demo's own Sentry side.

use std::collections::HashSet;

use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use super::data::{Dataset, GITLAB_PROJECT, GITLAB_PROJECT_ID, ParsedQuery};
use super::{AppState, lock};

/// The GitLab side's in-memory state.
pub struct GitlabDemo {
    pub active: bool,
    pub integrated: bool,
    pub keys: Vec<DemoKey>,
    next_key: u64,
    /// Queries GitLab has "cached" already; a new one answers `null` once.
    warmed: HashSet<String>,
    /// Issues created through `POST /projects/:id/issues`: (iid, title).
    pub issues: Vec<(u64, String)>,
}

#[derive(Clone)]
pub struct DemoKey {
    pub id: u64,
    pub public_key: String,
    pub active: bool,
}

impl GitlabDemo {
    pub fn new() -> Self {
        let mut g = GitlabDemo {
            active: true,
            integrated: false,
            keys: Vec::new(),
            next_key: 1,
            warmed: HashSet::new(),
            issues: Vec::new(),
        };
        g.add_key();
        g
    }

    pub fn add_key(&mut self) -> DemoKey {
        let id = self.next_key;
        self.next_key += 1;
        let k = DemoKey {
            id,
            public_key: format!("glet_{:032x}", fastrand::u128(..)),
            active: true,
        };
        self.keys.push(k.clone());
        k
    }
}

impl Default for GitlabDemo {
    fn default() -> Self {
        Self::new()
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/graphql", post(graphql))
        .route("/api/v4/projects/{id}", get(project))
        .route(
            "/api/v4/version",
            get(|| async { Json(json!({"version": "17.6.0-demo", "revision": "demo"})) }),
        )
        .route(
            "/api/v4/user",
            get(|| async { Json(json!({"id": 1, "username": "dana", "name": "Dana Demo"})) }),
        )
        .route(
            "/api/v4/personal_access_tokens/self",
            get(|| async {
                Json(json!({"id": 1, "name": "errtui", "scopes": ["api"], "active": true}))
            }),
        )
        .route(
            "/api/v4/projects/{id}/error_tracking/settings",
            get(settings).patch(patch_settings).put(put_settings),
        )
        .route(
            "/api/v4/projects/{id}/error_tracking/client_keys",
            get(list_keys).post(create_key),
        )
        .route(
            "/api/v4/projects/{id}/error_tracking/client_keys/{key_id}",
            delete(delete_key),
        )
        .route("/api/v4/projects/{id}/issues", post(create_issue))
}

/// `POST /projects/:id/issues`: title required, description optional.
async fn create_issue(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let title = body["title"].as_str().unwrap_or("").trim().to_string();
    if title.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": {"title": ["can't be blank"]}})),
        )
            .into_response();
    }
    let mut g = lock(&s.gitlab);
    let iid = g.issues.len() as u64 + 1;
    g.issues.push((iid, title.clone()));
    (
        StatusCode::CREATED,
        Json(json!({
            "id": 1000 + iid, "iid": iid, "project_id": 42, "title": title,
            "description": body["description"], "state": "opened",
            "web_url": format!("{}/{GITLAB_PROJECT}/-/issues/{iid}", s.base_url),
        })),
    )
        .into_response()
}

fn ours(id: &str) -> bool {
    id == GITLAB_PROJECT_ID || id == GITLAB_PROJECT
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": format!("404 {what} Not Found")})),
    )
        .into_response()
}

async fn project(Path(id): Path<String>) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    Json(json!({"id": 42, "path_with_namespace": GITLAB_PROJECT, "name": "demo", "monitor_access_level": "enabled"})).into_response()
}

fn settings_json(s: &AppState, g: &GitlabDemo) -> Value {
    if g.integrated {
        return json!({"active": g.active, "project_name": null, "sentry_external_url": null, "api_url": null, "integrated": true});
    }
    json!({
        "active": g.active,
        "project_name": "Demo",
        "sentry_external_url": format!("{}/demo/demo", s.base_url),
        "api_url": format!("{}/api/0/projects/demo/demo/", s.base_url),
        "integrated": false,
    })
}

async fn settings(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let g = lock(&s.gitlab);
    Json(settings_json(&s, &g)).into_response()
}

/// `active` from a JSON body or the query string, as Grape reads either.
fn bool_param(body: &Value, raw: &Option<String>, key: &str) -> Result<Option<bool>, String> {
    let from_query = raw.as_deref().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    });
    let v = match (body.get(key), from_query) {
        (Some(Value::Bool(b)), _) => return Ok(Some(*b)),
        (Some(Value::String(s)), _) => Some(s.clone()),
        (Some(_), _) => Some(String::new()),
        (None, q) => q,
    };
    match v.as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(format!("{key} is invalid")),
    }
}

async fn patch_settings(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Option<Json<Value>>,
) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let body = body.map(|b| b.0).unwrap_or(Value::Null);
    let active = match bool_param(&body, &raw, "active") {
        Ok(Some(a)) => a,
        Ok(None) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "active is missing"})),
            )
                .into_response();
        }
        Err(e) => return bad_request(e),
    };
    let integrated = match bool_param(&body, &raw, "integrated") {
        Ok(i) => i,
        Err(e) => return bad_request(e),
    };
    let mut g = lock(&s.gitlab);
    g.active = active;
    if let Some(i) = integrated {
        g.integrated = i;
    }
    Json(settings_json(&s, &g)).into_response()
}

async fn put_settings(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Option<Json<Value>>,
) -> Response {
    let b = body.as_ref().map(|b| b.0.clone()).unwrap_or(Value::Null);
    match bool_param(&b, &raw, "integrated") {
        Ok(Some(_)) => patch_settings(State(s), Path(id), RawQuery(raw), body).await,
        Ok(None) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "integrated is missing"})),
        )
            .into_response(),
        Err(e) => bad_request(e),
    }
}

fn bad_request(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

fn key_json(s: &AppState, k: &DemoKey) -> Value {
    let host = s.base_url.trim_start_matches("http://");
    json!({
        "id": k.id,
        "active": k.active,
        "public_key": k.public_key,
        "sentry_dsn": format!("http://{}@{host}/errortracking/api/v1/projects/{GITLAB_PROJECT_ID}", k.public_key),
    })
}

async fn list_keys(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let ps: Vec<(String, String)> = raw
        .as_deref()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let get = |k: &str| {
        ps.iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let per_page = get("per_page").unwrap_or(20).clamp(1, 100);
    let page = get("page").unwrap_or(1).max(1);
    let g = lock(&s.gitlab);
    let total = g.keys.len();
    let pages = total.div_ceil(per_page).max(1);
    let items: Vec<Value> = g
        .keys
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|k| key_json(&s, k))
        .collect();
    let mut h = HeaderMap::new();
    h.insert("x-page", HeaderValue::from(page));
    h.insert("x-per-page", HeaderValue::from(per_page));
    h.insert("x-total", HeaderValue::from(total));
    h.insert("x-total-pages", HeaderValue::from(pages));
    let next = if page < pages {
        (page + 1).to_string()
    } else {
        String::new()
    };
    if let Ok(v) = HeaderValue::from_str(&next) {
        h.insert("x-next-page", v);
    }
    (h, Json(Value::Array(items))).into_response()
}

async fn create_key(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let k = lock(&s.gitlab).add_key();
    (StatusCode::CREATED, Json(key_json(&s, &k))).into_response()
}

async fn delete_key(
    State(s): State<AppState>,
    Path((id, key_id)): Path<(String, String)>,
) -> Response {
    if !ours(&id) {
        return not_found("Project");
    }
    let mut g = lock(&s.gitlab);
    match g.keys.iter().position(|k| k.id.to_string() == key_id) {
        Some(i) => {
            let k = g.keys.remove(i);
            Json(key_json(&s, &k)).into_response()
        }
        None => not_found("Not found"),
    }
}

/// A list node / detailed error in GitLab's shape, from the demo's Sentry JSON.
fn gitlab_error(issue: &Value, detailed: bool) -> Value {
    let status = issue["status"]
        .as_str()
        .unwrap_or("unresolved")
        .to_ascii_uppercase();
    let mut v = json!({
        "sentryId": issue["id"],
        "shortId": issue["shortId"],
        "title": issue["title"],
        "type": "error",
        "message": issue["metadata"]["value"],
        "culprit": issue["culprit"],
        "status": status,
        "count": issue["count"].as_str().and_then(|c| c.parse::<u64>().ok()).unwrap_or(0),
        "userCount": issue["userCount"],
        "firstSeen": issue["firstSeen"],
        "lastSeen": issue["lastSeen"],
        "externalUrl": issue["permalink"],
        "frequency": issue["stats"]["24h"].as_array().map(|pts| pts.iter().map(|p| json!({"time": p[0], "count": p[1]})).collect::<Vec<_>>()),
        "sentryProjectSlug": "demo",
    });
    if detailed && let Some(o) = v.as_object_mut() {
        o.insert(
            "tags".into(),
            json!({"level": issue["level"], "logger": null}),
        );
        o.insert(
            "firstReleaseVersion".into(),
            issue["firstRelease"]["version"].clone(),
        );
        o.insert(
            "firstReleaseShortVersion".into(),
            issue["firstRelease"]["shortVersion"].clone(),
        );
        o.insert(
            "lastReleaseVersion".into(),
            issue["lastRelease"]["version"].clone(),
        );
        o.insert(
            "lastReleaseShortVersion".into(),
            issue["lastRelease"]["shortVersion"].clone(),
        );
        // One error was linked to an issue in GitLab's web UI, as teams do.
        let linked = issue["shortId"] == "DEMO-1";
        o.insert(
            "gitlabIssuePath".into(),
            if linked {
                json!(format!("/{GITLAB_PROJECT}/-/issues/7"))
            } else {
                Value::Null
            },
        );
        o.insert("integrated".into(), json!(false));
    }
    v
}

/// GitLab's stack trace: the frames of the first exception that has any, line/col as strings.
fn gitlab_stack(event: &Value, issue_id: &str) -> Value {
    let frames = event["entries"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["type"] == "exception"))
        .and_then(|e| e["data"]["values"].as_array())
        .and_then(|vs| vs.iter().find(|v| v["stacktrace"].is_object()))
        .and_then(|v| v["stacktrace"]["frames"].as_array())
        .cloned()
        .unwrap_or_default();
    json!({
        "issueId": issue_id,
        "dateReceived": event["dateReceived"],
        "stackTraceEntries": frames.iter().map(|f| json!({
            "fileName": f["filename"],
            "function": f["function"],
            "line": f["lineNo"].as_i64().map(|n| n.to_string()),
            "col": f["colNo"].as_i64().map(|n| n.to_string()),
            "traceContext": f["context"].as_array().map(|cs| cs.iter().map(|c| json!({"line": c[0], "code": c[1]})).collect::<Vec<_>>()),
        })).collect::<Vec<_>>(),
    })
}

fn sentry_id(gid: &str) -> Option<&str> {
    gid.strip_prefix("gid://gitlab/Gitlab::ErrorTracking::DetailedError/")
}

async fn graphql(State(s): State<AppState>, Json(body): Json<Value>) -> Response {
    let query = body["query"].as_str().unwrap_or("");
    let vars = &body["variables"];
    let kind = if query.contains("errorStackTrace") {
        "errorStackTrace"
    } else if query.contains("detailedError") {
        "detailedError"
    } else if query.contains("errors(") {
        "errors"
    } else {
        return Json(json!({"errors": [{"message": "errtui's demo answers only the error-tracking queries errtui sends"}]})).into_response();
    };
    if vars["fullPath"].as_str() != Some(GITLAB_PROJECT) {
        return Json(json!({"data": {"project": null}})).into_response();
    }
    let null = |field: &str| {
        Json(json!({"data": {"project": {"sentryErrors": {"externalUrl": null, field: null}}}}))
            .into_response()
    };
    {
        let mut g = lock(&s.gitlab);
        if !g.active || g.integrated {
            return null(kind);
        }
        // GitLab's reactive cache: the first ask of each query starts a fetch and answers null.
        if g.warmed.insert(format!("{kind}:{vars}")) {
            return null(kind);
        }
    }
    let data = lock(&s.data);
    let external = format!("{}/demo/demo", s.base_url);
    let field = match kind {
        "errors" => {
            let sort = match vars["sort"].as_str().unwrap_or("last_seen") {
                "last_seen" => "date",
                "first_seen" => "new",
                "frequency" => "freq",
                _ => return null(kind), // GitLab: BadRequestError → null
            };
            let search = vars["search"].as_str().unwrap_or("");
            let q = ParsedQuery::parse(Some(&format!("is:unresolved {search}")));
            let order = super::sentry_api::ordered(&s, &data, &q, sort);
            let offset = vars["after"]
                .as_str()
                .and_then(|c| c.split(':').nth(1))
                .and_then(|o| o.parse::<usize>().ok())
                .unwrap_or(0);
            let end = (offset + 20).min(order.len());
            let nodes: Vec<Value> = order
                .get(offset.min(end)..end)
                .unwrap_or(&[])
                .iter()
                .map(|&i| gitlab_error(&data.issue_json(i as usize, &s.base_url, false), false))
                .collect();
            let has_next = end < order.len();
            json!({
                "nodes": nodes,
                "pageInfo": {
                    "hasNextPage": has_next,
                    "hasPreviousPage": offset > 0,
                    "startCursor": format!("0:{}:1", offset.saturating_sub(20)),
                    "endCursor": if has_next { json!(format!("0:{end}:0")) } else { Value::Null },
                }
            })
        }
        _ => {
            let Some(idx) = vars["id"]
                .as_str()
                .and_then(sentry_id)
                .and_then(|id| Dataset::find(&data, id))
            else {
                return null(kind);
            };
            if kind == "detailedError" {
                gitlab_error(&data.issue_json(idx, &s.base_url, true), true)
            } else {
                gitlab_stack(&data.event_json(idx), &data.issues[idx].id.to_string())
            }
        }
    };
    Json(json!({"data": {"project": {"sentryErrors": {"externalUrl": external, kind: field}}}}))
        .into_response()
}
