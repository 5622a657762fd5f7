//! GitLab Error Tracking: errors over GraphQL, settings and client keys over REST v4, and
//! status changes sent to the project's Sentry directly (GitLab has no token route for them).

use async_trait::async_trait;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

mod doctor;

use super::http::{AuthStyle, Http, Op, PageGuard, decode, segment};
use super::sentry::{SentryBackend, parse_time};
use super::{Backend, BackendError, Result, Secret};
use crate::model::*;
use std::sync::{Arc, Mutex};

pub struct GitlabBackend {
    http: Http,
    /// As the user gave it: `group/sub/project` or a numeric id.
    project: String,
    full_path: OnceCell<String>,
    sentry_token: Option<Secret>,
    /// Asked again after the settings change (a switch of backend changes what works).
    sentry: Mutex<Option<Arc<SentryLink>>>,
    /// The Sentry the Sentry token belongs to (`--sentry-url` / `SENTRY_URL`, default
    /// sentry.io): the token goes to this origin only, whatever GitLab's settings say.
    sentry_url: String,
    /// Sentry's base URL for tests that stand Sentry somewhere else than `api_url` says.
    sentry_override: Option<String>,
}

/// Whether status changes (and resolved/ignored lists) can go to the project's Sentry.
enum SentryLink {
    Ready(Box<SentryBackend>),
    Unavailable(String),
}

pub const NO_SENTRY_TOKEN: &str = "GitLab has no API to change an error's status with a token. Set SENTRY_AUTH_TOKEN (or --sentry-token) to a token of the project's Sentry, and errtui will change it there.";
pub const TRACKING_OFF: &str = "Error tracking is turned off for this project: `errtui settings enable` (or S, then a, or Settings → Monitor → Error Tracking) turns it on.";
const KEY_TOGGLE: &str = "GitLab's API cannot turn a client key off; it can only delete it.";
const UNRESOLVED_ONLY: &str = "GitLab's API lists only unresolved errors; with a Sentry token (SENTRY_AUTH_TOKEN) errtui lists resolved and ignored ones from the project's Sentry.";

const LIST_QUERY: &str = "query($fullPath: ID!, $search: String, $sort: String, $after: String) { project(fullPath: $fullPath) { sentryErrors { externalUrl errors(searchTerm: $search, sort: $sort, after: $after) { nodes { sentryId shortId title type message culprit status count userCount firstSeen lastSeen externalUrl frequency { time count } sentryProjectSlug } pageInfo { hasNextPage endCursor } } } } }";
const DETAIL_QUERY: &str = "query($fullPath: ID!, $id: GitlabErrorTrackingDetailedErrorID!) { project(fullPath: $fullPath) { sentryErrors { detailedError(id: $id) { sentryId shortId title type message culprit status count userCount firstSeen lastSeen externalUrl tags { level logger } frequency { time count } firstReleaseVersion firstReleaseShortVersion lastReleaseVersion lastReleaseShortVersion gitlabIssuePath integrated } } } }";
const STACK_QUERY: &str = "query($fullPath: ID!, $id: GitlabErrorTrackingDetailedErrorID!) { project(fullPath: $fullPath) { sentryErrors { errorStackTrace(id: $id) { issueId dateReceived stackTraceEntries { fileName function line col traceContext { line code } } } } } }";

impl GitlabBackend {
    pub fn new(
        url: &str,
        project: &str,
        token: Secret,
        sentry_token: Option<Secret>,
    ) -> Result<Self> {
        Ok(GitlabBackend {
            http: Http::new(url, token, AuthStyle::PrivateToken, "GitLab")?,
            project: project.trim_matches('/').to_string(),
            full_path: OnceCell::new(),
            sentry_token,
            sentry: Mutex::new(None),
            sentry_url: crate::config::DEFAULT_SENTRY_URL.to_string(),
            sentry_override: None,
        })
    }

    pub fn with_http(mut self, f: impl Fn(Http) -> Http) -> Self {
        self.http = f(self.http);
        self
    }

    /// `with_http` for settings that can fail (headers, CA file).
    pub fn try_with_http(
        mut self,
        f: impl FnOnce(Http) -> std::result::Result<Http, String>,
    ) -> std::result::Result<Self, String> {
        self.http = f(self.http)?;
        Ok(self)
    }

    /// The Sentry the Sentry token belongs to.
    pub fn with_sentry_url(mut self, url: &str) -> Self {
        self.sentry_url = url.trim_end_matches('/').to_string();
        self
    }

    /// Talk to Sentry at `base` whatever the settings' `api_url` says (tests only need this
    /// when the mock cannot know its own address in advance).
    pub fn with_sentry_base(mut self, base: &str) -> Self {
        self.sentry_override = Some(base.to_string());
        self
    }

    /// `:id` for REST paths: a number, or the URL-encoded full path.
    fn rest(&self, rest: &str) -> Result<String> {
        Ok(format!(
            "/api/v4/projects/{}/{rest}",
            segment(&self.project)?
        ))
    }

    /// A path GitLab sent (`/group/project/-/issues/1`) as a link on this server.
    fn absolute(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.http.base())
        } else {
            path.to_string()
        }
    }

    fn settings_page(&self) -> String {
        let path = self
            .full_path
            .get()
            .cloned()
            .unwrap_or_else(|| self.project.clone());
        format!("{}/{}/-/settings/operations", self.http.base(), path)
    }

    async fn full_path(&self) -> Result<&str> {
        self.full_path
            .get_or_try_init(|| async {
                if !self.project.chars().all(|c| c.is_ascii_digit()) {
                    return Ok(self.project.clone());
                }
                let op = Op::new(
                    "the `read_api` scope",
                    "read the project",
                    format!("GitLab project {}", self.project),
                );
                let resp = self
                    .http
                    .get::<Value>(self.rest("")?.trim_end_matches('/'), &[], &op)
                    .await?;
                resp.body
                    .get("path_with_namespace")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| BackendError::Malformed {
                        what: "project".into(),
                        detail: "no `path_with_namespace`".into(),
                    })
            })
            .await
            .map(String::as_str)
    }

    /// Runs a GraphQL query and returns `data.project.sentryErrors`, or `Warming` for GitLab's
    /// `null` (cache filling, or not available at all: the caller polls, then diagnoses).
    async fn sentry_errors(&self, query: &str, mut vars: Value, what: &str) -> Result<Value> {
        let path = self.full_path().await?.to_string();
        vars["fullPath"] = json!(path);
        let op = Op::new(
            "the `read_api` scope",
            "read errors",
            format!("GitLab project `{path}`"),
        )
        .retryable();
        let body = json!({"query": query, "variables": vars});
        let resp = self
            .http
            .send::<Value>(Method::POST, "/api/graphql", &[], Some(&body), &op)
            .await?;
        let v = resp.body;
        if let Some(errors) = v
            .get("errors")
            .and_then(Value::as_array)
            .filter(|e| !e.is_empty())
        {
            let msgs: Vec<String> = errors
                .iter()
                .map(|e| {
                    e.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error")
                        .to_string()
                })
                .collect();
            return Err(BackendError::GraphQl(crate::text::sanitize(
                &msgs.join("; "),
            )));
        }
        let project = v.get("data").and_then(|d| d.get("project"));
        match project {
            None | Some(Value::Null) => Err(BackendError::NotFound {
                what: format!("GitLab project `{path}` (or the token cannot see it)"),
            }),
            Some(p) => match p.get("sentryErrors").and_then(|s| s.get(what)) {
                None | Some(Value::Null) => Err(BackendError::Warming),
                Some(_) => Ok(p.get("sentryErrors").cloned().unwrap_or(Value::Null)),
            },
        }
    }

    fn cached_link(&self) -> Option<Arc<SentryLink>> {
        self.sentry.lock().ok().and_then(|g| g.clone())
    }

    /// Forgets what was found about the project's Sentry (after a change of settings).
    fn forget_link(&self) {
        if let Ok(mut g) = self.sentry.lock() {
            *g = None;
        }
    }

    async fn sentry_link(&self) -> Result<Arc<SentryLink>> {
        if let Some(l) = self.cached_link() {
            return Ok(l);
        }
        let link = Arc::new(self.find_sentry().await?);
        if let Ok(mut g) = self.sentry.lock() {
            *g = Some(link.clone());
        }
        Ok(link)
    }

    async fn find_sentry(&self) -> Result<SentryLink> {
        if self.sentry_token.is_none() {
            return Ok(SentryLink::Unavailable(NO_SENTRY_TOKEN.into()));
        }
        self.link_from(self.settings().await)
    }

    /// What the settings say about reaching the project's Sentry with the Sentry token.
    fn link_from(&self, settings: Result<TrackingSettings>) -> Result<SentryLink> {
        let Some(token) = self.sentry_token.clone() else {
            return Ok(SentryLink::Unavailable(NO_SENTRY_TOKEN.into()));
        };
        let settings = match settings {
            Ok(s) => s,
            Err(BackendError::Forbidden { .. }) => {
                return Ok(SentryLink::Unavailable(
                    "errtui cannot find the project's Sentry: reading GitLab's error-tracking settings needs the Maintainer role."
                        .into(),
                ));
            }
            Err(BackendError::NotFound { .. }) => {
                return Ok(SentryLink::Unavailable(format!(
                    "Error tracking is not set up for this project; set it up at {}.",
                    self.settings_page()
                )));
            }
            Err(e) => return Err(e),
        };
        if settings.integrated {
            return Ok(SentryLink::Unavailable(
                "This project uses GitLab's integrated error tracking: GitLab changes statuses with an internal token only, so no API can do it. Open the error in GitLab instead.".into(),
            ));
        }
        let Some((host, org, project)) = settings.api_url.as_deref().and_then(parse_api_url) else {
            return Ok(SentryLink::Unavailable(
                "The project's error-tracking settings name no Sentry API URL.".into(),
            ));
        };
        let host = match &self.sentry_override {
            Some(o) => o.clone(),
            None => {
                if !same_sentry(&host, &self.sentry_url) {
                    return Ok(SentryLink::Unavailable(format!(
                        "The project's settings point at the Sentry at {}, but the Sentry token ({}) is for {}; errtui sends it nowhere else. Pass --sentry-url {} (or set SENTRY_URL) if that server is yours.",
                        crate::text::sanitize(&host),
                        token.source,
                        self.sentry_url,
                        crate::text::sanitize(&host)
                    )));
                }
                host
            }
        };
        // Read-only holds on the linked Sentry too; the GitLab proxy's headers and CA do not
        // belong to another server.
        let read_only = self.http.read_only().map(str::to_string);
        let b = SentryBackend::new(&host, &org, Some(&project), token)?.with_http(|h| {
            h.with_allow_http(self.http.allow_http())
                .with_read_only(read_only)
        });
        Ok(SentryLink::Ready(Box::new(b)))
    }

    fn caps(&self, set_status: Option<String>) -> Capabilities {
        let full = set_status.is_none()
            && self
                .cached_link()
                .is_some_and(|l| matches!(*l, SentryLink::Ready(_)));
        Capabilities {
            name: "GitLab",
            set_status,
            status_filters: if full {
                StatusFilter::ALL.to_vec()
            } else {
                vec![StatusFilter::Unresolved]
            },
            sorts: vec![Sort::LastSeen, Sort::FirstSeen, Sort::Events],
            status_filter_note: if full {
                None
            } else {
                Some(UNRESOLVED_ONLY.into())
            },
            keys_named: false,
            key_toggle: Some(KEY_TOGGLE.into()),
            unavailable: None,
            version: None,
            sort_note: Some("GitLab does not sort errors by users.".into()),
            user_counts: true,
            event_history: Some(EVENT_HISTORY.into()),
            event_ends: false,
            tag_note: Some(
                "GitLab does not serve tag breakdowns: open the error in Sentry (o) for them."
                    .into(),
            ),
            triage: TriageCaps::gitlab(),
            read_only: self.http.read_only().map(str::to_string),
        }
    }

    fn gid(id: &str) -> String {
        format!("gid://gitlab/Gitlab::ErrorTracking::DetailedError/{id}")
    }

    fn checked_id(id: &str) -> Result<&str> {
        if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
            Ok(id)
        } else {
            Err(BackendError::BadRequest {
                status: 400,
                message: format!(
                    "`{}` is not an error id: on GitLab, use the Sentry id (a number) that `errtui list` shows.",
                    crate::text::sanitize(id)
                ),
            })
        }
    }
}

/// Whether a Sentry named by GitLab's settings is the one the token belongs to: the same
/// origin, or a region of sentry.io (`de.sentry.io`) when the token is for sentry.io.
pub fn same_sentry(candidate: &str, allowed: &str) -> bool {
    let (Ok(c), Ok(a)) = (reqwest::Url::parse(candidate), reqwest::Url::parse(allowed)) else {
        return false;
    };
    let (co, ao) = (super::http::origin(&c), super::http::origin(&a));
    if co == ao {
        return true;
    }
    let host = c.host_str().unwrap_or("").to_ascii_lowercase();
    ao == "https://sentry.io"
        && c.scheme() == "https"
        && c.port().is_none()
        && host.ends_with(".sentry.io")
}

/// `https://sentry.example.com/api/0/projects/{org}/{project}/` → (host base, org, project).
pub fn parse_api_url(api_url: &str) -> Option<(String, String, String)> {
    let (base, rest) = api_url.split_once("/api/0/projects/")?;
    let mut parts = rest.trim_matches('/').split('/');
    let org = parts.next().filter(|s| !s.is_empty())?;
    let project = parts.next().filter(|s| !s.is_empty())?;
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return None;
    }
    Some((base.to_string(), org.to_string(), project.to_string()))
}

fn gitlab_status(s: &str) -> Status {
    match s {
        "RESOLVED" | "RESOLVED_IN_NEXT_RELEASE" => Status::Resolved,
        other => Status::parse(&other.to_ascii_lowercase()),
    }
}

fn num(v: &Value, k: &str) -> u64 {
    match v.get(k) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why GitLab shows one event per error.
const EVENT_HISTORY: &str = "GitLab serves only the latest event of an error: its API has no event history (open the error in Sentry with o for the others).";

fn summary_from(node: &Value, level: Level) -> Result<ErrorSummary> {
    let id = text(node, "sentryId").ok_or_else(|| BackendError::Malformed {
        what: "GitLab error".into(),
        detail: "an error without `sentryId`".into(),
    })?;
    Ok(ErrorSummary {
        short_id: text(node, "shortId").unwrap_or_else(|| id.clone()),
        title: text(node, "title").unwrap_or_else(|| "<no title>".into()),
        culprit: text(node, "culprit").unwrap_or_default(),
        status: gitlab_status(
            node.get("status")
                .and_then(Value::as_str)
                .unwrap_or("UNRESOLVED"),
        ),
        level,
        count: num(node, "count"),
        user_count: num(node, "userCount"),
        first_seen: parse_time(node.get("firstSeen").and_then(Value::as_str)),
        last_seen: parse_time(node.get("lastSeen").and_then(Value::as_str)),
        url: text(node, "externalUrl"),
        project: text(node, "sentryProjectSlug"),
        platform: None,
        triage: Triage::default(),
        origin: None,
        stats_24h: node["frequency"]
            .as_array()
            .map(|f| f.iter().map(|p| num(p, "count")).collect())
            .unwrap_or_default(),
        id,
    })
}

#[derive(Deserialize)]
struct RawSettings {
    active: bool,
    #[serde(default)]
    integrated: bool,
    project_name: Option<String>,
    sentry_external_url: Option<String>,
    api_url: Option<String>,
}

#[derive(Deserialize)]
struct RawKey {
    id: Value,
    #[serde(default = "yes")]
    active: bool,
    public_key: String,
    sentry_dsn: Option<String>,
}

fn yes() -> bool {
    true
}

impl From<RawKey> for ClientKey {
    fn from(k: RawKey) -> Self {
        ClientKey {
            id: match k.id {
                Value::String(s) => s,
                other => other.to_string(),
            },
            name: None,
            active: Some(k.active),
            public_key: k.public_key,
            dsn: k.sentry_dsn,
            created: None,
            rate_limit: None,
        }
    }
}

/// GitLab answers some failed updates with 200 and `{"status":"error","message":...}`.
fn check_service_error(body: &Value) -> Result<()> {
    if body.get("status").and_then(Value::as_str) == Some("error") {
        let msg = body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("GitLab refused the change");
        return Err(BackendError::Other(format!(
            "GitLab refused the change: {}",
            crate::text::sanitize(msg)
        )));
    }
    Ok(())
}

#[async_trait]
impl Backend for GitlabBackend {
    fn capabilities(&self) -> Capabilities {
        let set_status = match self.cached_link().as_deref() {
            Some(SentryLink::Unavailable(r)) => Some(r.clone()),
            Some(SentryLink::Ready(_)) => None,
            None if self.sentry_token.is_none() => Some(NO_SENTRY_TOKEN.into()),
            None => None,
        };
        self.caps(set_status)
    }

    fn known_ids(&self) -> Vec<(String, String)> {
        match self.full_path.get() {
            Some(path) if *path != self.project => {
                vec![(format!("project:{}", self.project), path.clone())]
            }
            _ => Vec::new(),
        }
    }

    fn learn_ids(&self, ids: &[(String, String)]) {
        let wanted = format!("project:{}", self.project);
        if let Some((_, path)) = ids.iter().find(|(n, _)| *n == wanted) {
            let _ = self.full_path.set(crate::text::sanitize(path));
        }
    }

    fn describe(&self) -> String {
        format!("GitLab · {} at {}", self.project, self.http.host())
    }

    async fn probe(&self) -> Capabilities {
        self.forget_link();
        let settings = self.settings().await;
        let tracking_off = matches!(&settings, Ok(s) if !s.active);
        let mut caps = match self.link_from(settings) {
            Ok(link) => {
                let link = Arc::new(link);
                if let Ok(mut g) = self.sentry.lock() {
                    *g = Some(link.clone());
                }
                match &*link {
                    SentryLink::Ready(_) => self.caps(None),
                    SentryLink::Unavailable(r) => self.caps(Some(r.clone())),
                }
            }
            // Could not ask (GitLab down?): keep the optimistic view; actions will say why.
            Err(_) => self.capabilities(),
        };
        // Settings readable and tracking off: say so at once instead of polling for 20 s.
        if tracking_off {
            caps.unavailable = Some(TRACKING_OFF.into());
        }
        caps
    }

    async fn diagnose(&self) -> Option<String> {
        let generic = "GitLab does not say why. Likely: error tracking is off for the project, the token lacks the Reporter role or the `read_api` scope, or GitLab cannot reach Sentry.";
        Some(match self.settings().await {
            Ok(s) if !s.active => TRACKING_OFF.into(),
            Ok(s) if s.integrated => "The project uses GitLab's integrated error tracking, which works only on GitLab.com; this GitLab cannot serve its errors.".into(),
            Ok(s) => format!(
                "Error tracking is on and backed by Sentry{}, but GitLab could not fetch errors from it: GitLab's Sentry token may be invalid or Sentry unreachable from GitLab. Check Settings → Monitor → Error Tracking.",
                s.sentry_external_url.map(|u| format!(" ({})", crate::text::sanitize(&u))).unwrap_or_default()
            ),
            Err(BackendError::NotFound { .. }) => format!("Error tracking is not set up for this project. Set it up at {}.", self.settings_page()),
            Err(BackendError::Forbidden { .. }) => format!("{generic} (The settings that would tell need the Maintainer role.)"),
            Err(e) => format!("{generic} (Reading the settings failed too: {e})"),
        })
    }

    async fn list(
        &self,
        query: &ListQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ErrorSummary>> {
        if query.status != StatusFilter::Unresolved {
            return match &*self.sentry_link().await? {
                SentryLink::Ready(s) => s.list(query, cursor, limit).await,
                SentryLink::Unavailable(r) => Err(BackendError::Unsupported(format!(
                    "{UNRESOLVED_ONLY} ({r})"
                ))),
            };
        }
        let sort = match query.sort {
            Sort::LastSeen => "last_seen",
            Sort::FirstSeen => "first_seen",
            Sort::Events => "frequency",
            Sort::Users | Sort::Priority => {
                return Err(BackendError::Unsupported(
                    "GitLab sorts only by last seen, first seen or events.".into(),
                ));
            }
        };
        let vars = json!({"search": query.text.trim(), "sort": sort, "after": cursor});
        let se = self.sentry_errors(LIST_QUERY, vars, "errors").await?;
        let errors = &se["errors"];
        let items = errors["nodes"]
            .as_array()
            .map(|ns| {
                ns.iter()
                    .map(|n| summary_from(n, Level::Other("unknown".into())))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        let next = if errors["pageInfo"]["hasNextPage"].as_bool() == Some(true) {
            errors["pageInfo"]["endCursor"].as_str().map(str::to_string)
        } else {
            None
        };
        Ok(Page {
            items,
            next,
            total: None,
        })
    }

    async fn detail(&self, id: &str) -> Result<ErrorDetail> {
        let id = Self::checked_id(id)?;
        let se = self
            .sentry_errors(DETAIL_QUERY, json!({"id": Self::gid(id)}), "detailedError")
            .await?;
        let d = &se["detailedError"];
        let level = d["tags"]["level"]
            .as_str()
            .map(Level::parse)
            .unwrap_or(Level::Other("unknown".into()));
        let release = |short: &str, long: &str| {
            text(d, short)
                .or_else(|| text(d, long))
                .map(|version| Release {
                    version,
                    date: None,
                })
        };
        Ok(ErrorDetail {
            summary: summary_from(d, level)?,
            message: text(d, "message"),
            first_release: release("firstReleaseShortVersion", "firstReleaseVersion"),
            last_release: release("lastReleaseShortVersion", "lastReleaseVersion"),
            tags: ["logger"]
                .iter()
                .filter_map(|k| {
                    d["tags"][k].as_str().map(|v| TagSummary {
                        key: k.to_string(),
                        name: v.to_string(),
                        total_values: 1,
                    })
                })
                .collect(),
            stats_30d: Vec::new(),
            activity: Vec::new(),
            linked_issue: text(d, "gitlabIssuePath").map(|p| self.absolute(&p)),
        })
    }

    async fn latest_event(&self, id: &str) -> Result<Event> {
        let id = Self::checked_id(id)?;
        let se = self
            .sentry_errors(STACK_QUERY, json!({"id": Self::gid(id)}), "errorStackTrace")
            .await?;
        let st = &se["errorStackTrace"];
        let frames: Vec<Frame> = st["stackTraceEntries"]
            .as_array()
            .map(|es| {
                es.iter()
                    .map(|e| Frame {
                        filename: text(e, "fileName"),
                        function: text(e, "function"),
                        module: None,
                        line: text(e, "line").and_then(|l| l.parse().ok()),
                        col: text(e, "col").and_then(|c| c.parse().ok()),
                        // GitLab does not say which frames are the application's.
                        in_app: false,
                        context: e["traceContext"]
                            .as_array()
                            .map(|cs| {
                                cs.iter()
                                    .map(|c| ContextLine {
                                        line: num(c, "line") as u32,
                                        code: text(c, "code").unwrap_or_default(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        vars: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Event {
            id: text(st, "issueId").unwrap_or_else(|| id.to_string()),
            date: parse_time(st["dateReceived"].as_str()),
            exceptions: if frames.is_empty() {
                Vec::new()
            } else {
                vec![Exception {
                    // GitLab gives the frames of the first exception that has any, untyped.
                    ty: "Stack trace from GitLab".into(),
                    value: String::new(),
                    module: None,
                    handled: None,
                    frames,
                }]
            },
            ..Event::default()
        })
    }

    async fn set_key_active(&self, _id: &str, _active: bool) -> Result<ClientKey> {
        Err(BackendError::Unsupported(KEY_TOGGLE.into()))
    }

    async fn set_status(&self, id: &str, status: &Status) -> Result<ErrorSummary> {
        let id = Self::checked_id(id)?;
        match &*self.sentry_link().await? {
            SentryLink::Ready(s) => s.set_status(id, status).await,
            SentryLink::Unavailable(reason) => Err(BackendError::Unsupported(reason.clone())),
        }
    }

    async fn checks(&self) -> Vec<Check> {
        self.doctor_checks().await
    }

    async fn create_issue(&self, title: &str, description: &str) -> Result<CreatedIssue> {
        let op = Op::new(
            "the Reporter role (and the `api` scope)",
            "create issues",
            format!("GitLab project {}", self.project),
        );
        let body = json!({"title": title, "description": description});
        let r = self
            .http
            .send::<Value>(Method::POST, &self.rest("issues")?, &[], Some(&body), &op)
            .await?;
        let url = text(&r.body, "web_url")
            .and_then(|u| crate::text::web_link(&u))
            .ok_or_else(|| BackendError::Malformed {
                what: "the new issue".into(),
                detail: "no `web_url`".into(),
            })?;
        Ok(CreatedIssue {
            iid: num(&r.body, "iid"),
            url,
        })
    }

    async fn settings(&self) -> Result<TrackingSettings> {
        let op = Op::new(
            "the Maintainer role",
            "read error-tracking settings",
            "error-tracking settings",
        );
        let r = self
            .http
            .get::<Value>(&self.rest("error_tracking/settings")?, &[], &op)
            .await;
        settings_result(r.map(|r| r.body), self)
    }

    async fn set_settings(
        &self,
        active: bool,
        integrated: Option<bool>,
    ) -> Result<TrackingSettings> {
        let op = Op::new(
            "the Maintainer role (and the `api` scope)",
            "change error-tracking settings",
            "error-tracking settings",
        );
        let (method, body) = match integrated {
            None => (Method::PATCH, json!({"active": active})),
            Some(i) => (Method::PUT, json!({"active": active, "integrated": i})),
        };
        let r = self
            .http
            .send::<Value>(
                method,
                &self.rest("error_tracking/settings")?,
                &[],
                Some(&body),
                &op,
            )
            .await;
        if let (Err(BackendError::NotFound { .. }), Some(_)) = (&r, integrated) {
            return Err(BackendError::NotFound {
                what: "GitLab offers the switch of backend only where integrated error tracking is enabled (GitLab.com)".into(),
            });
        }
        let s = settings_result(r.map(|r| r.body), self)?;
        // What the project can do depends on these settings: ask again next time.
        self.forget_link();
        if s.active != active || integrated.is_some_and(|i| i != s.integrated) {
            return Err(BackendError::NotChanged(format!(
                "error tracking is {} on {}",
                if s.active { "on" } else { "off" },
                if s.integrated {
                    "the integrated backend"
                } else {
                    "Sentry"
                }
            )));
        }
        Ok(s)
    }

    async fn list_keys(&self) -> Result<Vec<ClientKey>> {
        let op = Op::new("the Maintainer role", "list client keys", "client keys");
        let mut keys = Vec::new();
        let mut page = 1u32;
        let mut guard = PageGuard::default();
        let path = self.rest("error_tracking/client_keys")?;
        loop {
            let resp = self
                .http
                .get::<Vec<RawKey>>(
                    &path,
                    &[("per_page", "100".into()), ("page", page.to_string())],
                    &op,
                )
                .await?;
            keys.extend(resp.body.into_iter().map(ClientKey::from));
            let next = resp
                .headers
                .get("x-next-page")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u32>().ok());
            match next {
                Some(n) if n > page && guard.follow(&n.to_string()) => page = n,
                _ => break,
            }
        }
        Ok(keys)
    }

    async fn create_key(&self, _name: Option<&str>) -> Result<ClientKey> {
        let op = Op::new(
            "the Maintainer role (and the `api` scope)",
            "create client keys",
            "client keys",
        );
        let (bytes, _) = self
            .http
            .send_raw(
                Method::POST,
                &self.rest("error_tracking/client_keys")?,
                &[],
                None,
                &op,
            )
            .await?;
        let key = decode::<RawKey>(&bytes, "client key").map(ClientKey::from)?;
        if key.id.is_empty() || key.public_key.is_empty() {
            return Err(BackendError::NotChanged(
                "its answer to the create holds no key".into(),
            ));
        }
        Ok(key)
    }

    async fn delete_key(&self, id: &str) -> Result<ClientKey> {
        let op = Op::new(
            "the Maintainer role (and the `api` scope)",
            "delete client keys",
            format!("client key {id}"),
        );
        let resp = self
            .http
            .send::<RawKey>(
                Method::DELETE,
                &self.rest(&format!("error_tracking/client_keys/{}", segment(id)?))?,
                &[],
                None,
                &op,
            )
            .await?;
        Ok(resp.body.into())
    }
}

fn settings_result(r: Result<Value>, b: &GitlabBackend) -> Result<TrackingSettings> {
    match r {
        Ok(v) => {
            check_service_error(&v)?;
            let s: RawSettings =
                serde_json::from_value(v).map_err(|e| BackendError::Malformed {
                    what: "error-tracking settings".into(),
                    detail: e.to_string(),
                })?;
            Ok(TrackingSettings {
                active: s.active,
                integrated: s.integrated,
                project_name: s.project_name,
                sentry_external_url: s.sentry_external_url,
                api_url: s.api_url,
            })
        }
        Err(BackendError::NotFound { .. }) => Err(BackendError::NotFound {
            what: format!(
                "GitLab has no error-tracking settings for `{}` yet (\"Error Tracking Setting Not Found\"). The Sentry URL and token can only be set in the web UI: {}",
                b.project,
                b.settings_page()
            ),
        }),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_gives_host_org_and_project() {
        assert_eq!(
            parse_api_url("https://sentry.example.com/api/0/projects/acme/web/"),
            Some((
                "https://sentry.example.com".into(),
                "acme".into(),
                "web".into()
            ))
        );
        assert_eq!(
            parse_api_url("https://example.com/sentry/api/0/projects/o/p"),
            Some(("https://example.com/sentry".into(), "o".into(), "p".into()))
        );
        assert_eq!(parse_api_url("https://sentry.io/api/0/projects/"), None);
        assert_eq!(parse_api_url("javascript:x/api/0/projects/o/p/"), None);
    }

    #[test]
    fn the_sentry_token_goes_to_its_own_origin_only() {
        assert!(same_sentry("https://sentry.io", "https://sentry.io"));
        assert!(same_sentry("https://de.sentry.io", "https://sentry.io"));
        assert!(!same_sentry("http://de.sentry.io", "https://sentry.io"));
        assert!(!same_sentry("https://evil.example", "https://sentry.io"));
        assert!(!same_sentry(
            "https://sentry.io.evil.example",
            "https://sentry.io"
        ));
        assert!(same_sentry(
            "https://sentry.acme.dev/sub",
            "https://sentry.acme.dev"
        ));
        assert!(!same_sentry(
            "https://sentry.acme.dev:8443",
            "https://sentry.acme.dev"
        ));
    }

    #[test]
    fn graphql_statuses() {
        assert_eq!(gitlab_status("RESOLVED_IN_NEXT_RELEASE"), Status::Resolved);
        assert_eq!(gitlab_status("IGNORED"), Status::Ignored);
        assert_eq!(gitlab_status("UNRESOLVED"), Status::Unresolved);
    }
}
