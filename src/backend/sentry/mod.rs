//! Sentry Web API: organization-scoped issue endpoints, Link-header paging, tolerant decoding.
//! GlitchTip speaks the same API with differences (routes, sorts, keys); the backend finds out
//! which server it talks to once, and each difference hangs off that [`Flavor`].

mod doctor;
mod stats;
mod triage;
pub use triage::BULK_MAX;

use stats::Stats;

/// Most keys, members or teams errtui reads from one list.
const MAX_LISTED: usize = 5000;

use async_trait::async_trait;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::http::{AuthStyle, Http, Op, PageGuard, segment as enc};
use super::{Backend, BackendError, Result, Secret};
use crate::model::*;
use crate::text::sanitize;

/// Which server speaks Sentry's API here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flavor {
    Sentry,
    GlitchTip { version: Option<String> },
}

impl Flavor {
    /// Reads an answer to `GET /api/settings/`: GlitchTip's carries its version and keys of its
    /// own; Sentry has no such route.
    pub fn from_settings(v: &Value) -> Flavor {
        let glitchtip = v.is_object()
            && [
                "iPaidForGlitchTip",
                "glitchtipInstanceName",
                "serverTimeZone",
            ]
            .iter()
            .any(|k| v.get(k).is_some());
        if glitchtip {
            Flavor::GlitchTip {
                version: v
                    .get("version")
                    .and_then(Value::as_str)
                    .map(sanitize)
                    .filter(|s| !s.trim().is_empty()),
            }
        } else {
            Flavor::Sentry
        }
    }

    pub fn is_glitchtip(&self) -> bool {
        matches!(self, Flavor::GlitchTip { .. })
    }

    pub fn capabilities(&self) -> Capabilities {
        match self {
            Flavor::Sentry => Capabilities::full("Sentry"),
            Flavor::GlitchTip { version } => Capabilities::glitchtip(version.clone()),
        }
    }
}

pub struct SentryBackend {
    http: Http,
    org: String,
    project: Option<String>,
    /// The numeric id the org issue list wants, resolved from a slug once.
    project_id: OnceCell<Option<String>>,
    /// Found out once per run.
    flavor: OnceCell<Flavor>,
    /// GlitchTip short ids already looked up, to their numbers.
    numbers: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// Pages read to find a GlitchTip error by its short id (GlitchTip's routes take numbers).
const SHORT_ID_PAGES: usize = 20;

impl SentryBackend {
    pub fn new(url: &str, org: &str, project: Option<&str>, token: Secret) -> Result<Self> {
        Ok(SentryBackend {
            http: Http::new(url, token, AuthStyle::Bearer, "Sentry")?,
            org: org.to_string(),
            project: project.filter(|p| !p.is_empty()).map(str::to_string),
            project_id: OnceCell::new(),
            flavor: OnceCell::new(),
            numbers: Default::default(),
        })
    }

    pub fn with_http(mut self, f: impl FnOnce(Http) -> Http) -> Self {
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

    /// Skips detection: the caller knows the server.
    pub fn with_flavor(self, flavor: Flavor) -> Self {
        let _ = self.flavor.set(flavor);
        self
    }

    /// Which server this is: asked once per run with a public, token-free
    /// `GET /api/settings/`. An answer settles it (GlitchTip's, or anything else: Sentry); a
    /// server that cannot be reached fails the call; a passing fault (5xx, 429) counts as
    /// Sentry for this call only and is asked again next time.
    pub async fn flavor(&self) -> Result<Flavor> {
        // Callers that arrive together wait for the one probe in flight.
        let found = self
            .flavor
            .get_or_try_init(|| async {
                let op = Op::probe("the server's public settings");
                match self.http.get::<Value>("/api/settings/", &[], &op).await {
                    Ok(r) => Ok(Flavor::from_settings(&r.body)),
                    Err(e) => Err(e),
                }
            })
            .await;
        match found {
            Ok(f) => Ok(f.clone()),
            Err(
                e @ (BackendError::Timeout { .. }
                | BackendError::Connect { .. }
                | BackendError::Insecure { .. }
                | BackendError::Invalid(_)),
            ) => Err(e),
            // A passing fault: Sentry for this call, asked again next time.
            Err(BackendError::Server { .. } | BackendError::RateLimited { .. }) => {
                Ok(Flavor::Sentry)
            }
            // Any other answer (404, 401, HTML, not JSON) is not GlitchTip's.
            Err(_) => Ok(self
                .flavor
                .get_or_init(|| async { Flavor::Sentry })
                .await
                .clone()),
        }
    }

    async fn glitchtip(&self) -> Result<bool> {
        Ok(self.flavor().await?.is_glitchtip())
    }

    fn known_glitchtip(&self) -> bool {
        self.flavor.get().is_some_and(Flavor::is_glitchtip)
    }

    fn org_path(&self, rest: &str) -> Result<String> {
        Ok(format!("/api/0/organizations/{}/{rest}", enc(&self.org)?))
    }

    fn issue_path(&self, id: &str, rest: &str) -> Result<String> {
        self.org_path(&format!("issues/{}/{rest}", enc(id)?))
    }

    /// Where one error is read. GlitchTip has no GET on the organization route (405) and
    /// answers its org-scoped `events/latest/` with the web app's HTML.
    async fn issue_read_path(&self, id: &str, rest: &str) -> Result<String> {
        // Bad ids and slugs are refused before anything is sent.
        let org_path = self.issue_path(id, rest)?;
        if self.glitchtip().await? {
            let id = self.numeric_id(id).await?;
            Ok(format!("/api/0/issues/{}/{rest}", enc(&id)?))
        } else {
            Ok(org_path)
        }
    }

    /// GlitchTip's routes take the numeric id; a short id (`PYAPP-3`) is looked up in the list
    /// (sent as a path, it meets the web app's CSRF check and an HTML 403).
    async fn numeric_id(&self, id: &str) -> Result<String> {
        if id.chars().all(|c| c.is_ascii_digit()) || !self.glitchtip().await? {
            return Ok(id.to_string());
        }
        let wanted = id.to_ascii_uppercase();
        let numbers = || self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = numbers().get(&wanted) {
            return Ok(n.clone());
        }
        let query = ListQuery {
            status: StatusFilter::All,
            ..ListQuery::default()
        };
        let mut cursor: Option<String> = None;
        let mut guard = PageGuard::default();
        for _ in 0..SHORT_ID_PAGES {
            let page = self.list(&query, cursor.as_deref(), 100).await?;
            if let Some(e) = page
                .items
                .iter()
                .find(|e| e.short_id.to_ascii_uppercase() == wanted)
            {
                numbers().insert(wanted, e.id.clone());
                return Ok(e.id.clone());
            }
            cursor = page.next.filter(|c| guard.follow(c));
            if cursor.is_none() {
                break;
            }
        }
        Err(BackendError::NotFound {
            what: format!(
                "error `{}` among the organization's {} most recent errors (GlitchTip addresses errors by number: use the number from `errtui list --json`'s `id` or the error's web link)",
                sanitize(id),
                SHORT_ID_PAGES * 100
            ),
        })
    }

    async fn project_id(&self) -> Result<Option<String>> {
        self.project_id
            .get_or_try_init(|| async {
                let Some(slug) = &self.project else {
                    return Ok(None);
                };
                if slug.chars().all(|c| c.is_ascii_digit()) {
                    return Ok(Some(slug.clone()));
                }
                // The scope differs: GlitchTip wants `project:read`, Sentry `org:read`.
                let op = Op::new(
                    if self.glitchtip().await? {
                        "the `project:read` scope"
                    } else {
                        "the `org:read` scope"
                    },
                    "look up the project's numeric id (or pass --project <numeric id>)",
                    format!("organization `{}`", self.org),
                );
                let path = self.org_path("projects/")?;
                let mut cursor: Option<String> = None;
                let mut guard = PageGuard::default();
                loop {
                    // Sentry reads `per_page`, GlitchTip `limit`.
                    let mut q = vec![
                        ("per_page", "100".to_string()),
                        ("limit", "100".to_string()),
                    ];
                    if let Some(c) = &cursor {
                        q.push(("cursor", c.clone()));
                    }
                    let resp = self.http.get::<Vec<RawProject>>(&path, &q, &op).await?;
                    if let Some(p) = resp.body.iter().find(|p| p.slug.as_deref() == Some(slug)) {
                        return Ok(Some(id_string(&p.id)));
                    }
                    cursor = next_cursor(&resp.headers).filter(|c| guard.follow(c));
                    if cursor.is_none() {
                        return Err(BackendError::NotFound {
                            what: format!("project `{slug}` in organization `{}`", self.org),
                        });
                    }
                }
            })
            .await
            .cloned()
    }

    /// Every page of a list (Sentry reads `per_page`, GlitchTip `limit`), up to `max` items;
    /// a cursor seen before ends the walk.
    pub(crate) async fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        op: &Op,
        max: usize,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        let mut guard = PageGuard::default();
        loop {
            let mut q = vec![
                ("per_page", "100".to_string()),
                ("limit", "100".to_string()),
            ];
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let resp = self.http.get::<Vec<T>>(path, &q, op).await?;
            out.extend(resp.body);
            cursor = next_cursor(&resp.headers).filter(|c| guard.follow(c));
            if cursor.is_none() || out.len() >= max {
                out.truncate(max);
                return Ok(out);
            }
        }
    }

    fn project_slug(&self) -> &str {
        self.project.as_deref().unwrap_or("")
    }

    /// `/api/0/projects/{org}/{project}/keys/`: keys belong to one project.
    fn keys_path(&self) -> Result<String> {
        match &self.project {
            Some(p) => Ok(format!(
                "/api/0/projects/{}/{}/keys/",
                enc(&self.org)?,
                enc(p)?
            )),
            None => Err(BackendError::Unsupported(
                "Client keys belong to one project: pass --project or set SENTRY_PROJECT.".into(),
            )),
        }
    }

    /// The error's page in the web app. GlitchTip's own `permalink` is wrong (it names the
    /// project where its web app routes the organization), so there it is built here.
    fn web_url(&self, id: &str) -> String {
        if self.known_glitchtip() {
            format!("{}/{}/issues/{}", self.http.base(), self.org, id)
        } else {
            format!(
                "{}/organizations/{}/issues/{}/",
                self.http.base(),
                self.org,
                id
            )
        }
    }
}

/// The Sentry search string errtui sends: status first, then the user's words. Never empty by
/// accident: "all" sends an explicit empty query so the server's default does not apply.
pub fn sentry_query(q: &ListQuery) -> String {
    let status = match q.status {
        StatusFilter::All => "",
        StatusFilter::Unresolved => "is:unresolved",
        StatusFilter::Resolved => "is:resolved",
        StatusFilter::Ignored => "is:ignored",
    };
    [status, q.text.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `sort` a server takes for `s`, or `None` when it has no such order.
pub fn sort_param(s: Sort, flavor: &Flavor) -> Option<&'static str> {
    match (flavor, s) {
        (Flavor::Sentry, Sort::LastSeen) => Some("date"),
        (Flavor::Sentry, Sort::FirstSeen) => Some("new"),
        (Flavor::Sentry, Sort::Events) => Some("freq"),
        (Flavor::Sentry, Sort::Users) => Some("user"),
        (Flavor::Sentry, Sort::Priority) => None,
        // GlitchTip: its own names, newest or largest first; it counts no users.
        (Flavor::GlitchTip { .. }, Sort::LastSeen) => Some("-last_seen"),
        (Flavor::GlitchTip { .. }, Sort::FirstSeen) => Some("-first_seen"),
        (Flavor::GlitchTip { .. }, Sort::Events) => Some("-count"),
        (Flavor::GlitchTip { .. }, Sort::Priority) => Some("-priority"),
        (Flavor::GlitchTip { .. }, Sort::Users) => None,
    }
}

/// GlitchTip splits the search like a shell (`shlex.split`) and answers 500 when a quote is
/// left open: such a search is refused before it is sent.
pub fn unclosed_quote(text: &str) -> Option<char> {
    let mut open: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (open, c) {
            (None | Some('"'), '\\') => {
                chars.next();
            }
            (None, '"' | '\'') => open = Some(c),
            (Some(q), c) if c == q => open = None,
            _ => {}
        }
    }
    open
}

/// The cursor of the `rel="next"` link, when it says there are results.
pub fn next_cursor(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    parse_next_cursor(link)
}

/// Reads a `Link` header defensively: Sentry's plain form, and GlitchTip's, which arrives
/// wrapped as a Python set (`{'<…>; rel="next"; results="true"; cursor="…"'}`). The cursor is
/// taken up to its closing quote, or from the link's URL when no attribute carries it.
pub fn parse_next_cursor(link: &str) -> Option<String> {
    let link = link.trim();
    let link = link.strip_prefix('{').unwrap_or(link);
    let link = link.strip_suffix('}').unwrap_or(link);
    let link = link.trim().trim_matches(|c| c == '\'' || c == '"');
    for part in link.split('<').skip(1) {
        let Some((url, params)) = part.split_once('>') else {
            continue;
        };
        let attr = |name: &str| -> Option<String> {
            params.split(';').find_map(|a| {
                let (k, v) = a.split_once('=')?;
                (k.trim() == name).then(|| quoted_value(v))
            })
        };
        if attr("rel").as_deref() != Some("next") {
            continue;
        }
        if attr("results").is_some_and(|r| r != "true") {
            return None;
        }
        return attr("cursor")
            .or_else(|| {
                let u = reqwest::Url::parse(url.trim()).ok()?;
                u.query_pairs()
                    .find(|(k, _)| k == "cursor")
                    .map(|(_, v)| v.into_owned())
            })
            .filter(|c| !c.is_empty());
    }
    None
}

/// `"abc"` → `abc`; `"abc"'` → `abc`; `abc,` → `abc`.
fn quoted_value(v: &str) -> String {
    let v = v.trim();
    if let Some(rest) = v.strip_prefix('"') {
        return rest.split('"').next().unwrap_or("").to_string();
    }
    v.trim_end_matches([',', '\'', '}'])
        .trim_matches('"')
        .to_string()
}

/// `X-Hits`: how many errors match in all.
fn hits(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers.get("x-hits")?.to_str().ok()?.trim().parse().ok()
}

/// Today's default name for a key created without one (GlitchTip refuses a key with no name).
pub fn default_key_name(today: chrono::NaiveDate) -> String {
    format!("errtui {today}")
}

#[async_trait]
impl Backend for SentryBackend {
    fn capabilities(&self) -> Capabilities {
        let mut caps = self
            .flavor
            .get()
            .map(Flavor::capabilities)
            .unwrap_or_else(|| Capabilities::full("Sentry"));
        caps.read_only = self.http.read_only().map(str::to_string);
        caps
    }

    async fn probe(&self) -> Capabilities {
        match self.flavor().await {
            Ok(f) => Capabilities {
                read_only: self.http.read_only().map(str::to_string),
                ..f.capabilities()
            },
            Err(_) => self.capabilities(),
        }
    }

    fn known_ids(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let (Some(slug), Some(Some(id))) = (&self.project, self.project_id.get())
            && slug != id
        {
            out.push((format!("project:{slug}"), id.clone()));
        }
        let numbers = self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        out.extend(
            numbers
                .iter()
                .map(|(short, n)| (format!("short:{short}"), n.clone())),
        );
        out
    }

    fn learn_ids(&self, ids: &[(String, String)]) {
        let digits =
            |v: &str| !v.is_empty() && v.len() <= 20 && v.chars().all(|c| c.is_ascii_digit());
        for (name, value) in ids.iter().filter(|(_, v)| digits(v)) {
            if let Some(slug) = name.strip_prefix("project:")
                && self.project.as_deref() == Some(slug)
            {
                let _ = self.project_id.set(Some(value.clone()));
            } else if let Some(short) = name.strip_prefix("short:") {
                self.numbers
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(short.to_string(), value.clone());
            }
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} · {}/{} at {}",
            self.capabilities().server_label(),
            self.org,
            self.project.as_deref().unwrap_or("all projects"),
            self.http.host()
        )
    }

    async fn list(
        &self,
        query: &ListQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ErrorSummary>> {
        let path = self.org_path("issues/")?;
        let flavor = self.flavor().await?;
        let caps = flavor.capabilities();
        let Some(sort) = sort_param(query.sort, &flavor) else {
            return Err(BackendError::Unsupported(
                caps.refuses_sort(query.sort).unwrap_or_default(),
            ));
        };
        if flavor.is_glitchtip()
            && let Some(q) = unclosed_quote(&query.text)
        {
            return Err(BackendError::Invalid(format!(
                "GlitchTip cannot read a search with an unclosed {q} quote: close it or remove it"
            )));
        }
        // The project picker's choice wins over the backend's own project.
        let project = match &query.project {
            Some(p) if p.is_empty() => None,
            Some(p) => Some(p.clone()),
            None => self.project_id().await?,
        };
        let mut q = Vec::new();
        match project {
            // A view's several projects: one `project` each.
            Some(p) => q.extend(
                p.split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| ("project", p.to_string())),
            ),
            // Sentry's "all projects" is -1; GlitchTip reads -1 literally and finds nothing.
            None if !flavor.is_glitchtip() => q.push(("project", "-1".into())),
            None => {}
        }
        q.push(("query", sentry_query(query)));
        q.push(("sort", sort.to_string()));
        q.push(("limit", limit.clamp(1, 100).to_string()));
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        let op = Op::new(
            "the `event:read` scope",
            "read errors",
            format!("organization `{}`", self.org),
        );
        let resp = match self.http.get::<Vec<RawIssue>>(&path, &q, &op).await {
            Err(BackendError::Server {
                status, message, ..
            }) if !query.text.trim().is_empty() => {
                return Err(BackendError::Server {
                    status,
                    tries: format!("on the search `{}`", sanitize(query.text.trim())),
                    message: format!(
                        "{message}. The server fails on this search text; try other words"
                    ),
                });
            }
            r => r?,
        };
        Ok(Page {
            items: resp
                .body
                .into_iter()
                .map(|r| r.into_summary(self))
                .collect(),
            next: next_cursor(&resp.headers),
            total: hits(&resp.headers),
        })
    }

    async fn detail(&self, id: &str) -> Result<ErrorDetail> {
        let op = Op::new(
            "the `event:read` scope",
            "read errors",
            format!("error {id}"),
        );
        let path = self.issue_read_path(id, "").await?;
        let resp = self.http.get::<RawIssue>(&path, &[], &op).await?;
        Ok(resp.body.into_detail(self))
    }

    async fn latest_event(&self, id: &str) -> Result<Event> {
        self.event(id, &EventRef::Latest).await
    }

    async fn event(&self, id: &str, which: &EventRef) -> Result<Event> {
        let flavor = self.flavor().await?;
        if let Some(why) = flavor.capabilities().refuses_event(which) {
            return Err(BackendError::Unsupported(why));
        }
        let what = match which {
            EventRef::Id(e) => format!("event {} of error {id}", sanitize(e)),
            other => format!("{} event of error {id}", other.path_part()),
        };
        let op = Op::new("the `event:read` scope", "read events", what).event_sized();
        let part = enc(which.path_part())?;
        let path = self.issue_read_path(id, &format!("events/{part}/")).await?;
        let resp = self.http.get::<Value>(&path, &[], &op).await?;
        decode_event(&resp.body)
    }

    async fn events(
        &self,
        id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<EventSummary>> {
        let op = Op::new(
            "the `event:read` scope",
            "read events",
            format!("events of error {id}"),
        );
        let path = self.issue_read_path(id, "events/").await?;
        // Sentry reads `per_page`, GlitchTip `limit`.
        let n = limit.clamp(1, 100).to_string();
        let mut q = vec![("per_page", n.clone()), ("limit", n)];
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        let resp = self.http.get::<Vec<Value>>(&path, &q, &op).await?;
        let mut items: Vec<EventSummary> =
            resp.body.iter().filter_map(decode_event_summary).collect();
        items.truncate(limit.max(1));
        Ok(Page {
            items,
            next: next_cursor(&resp.headers),
            total: hits(&resp.headers),
        })
    }

    async fn tags(&self, id: &str, key: Option<&str>) -> Result<Vec<TagBreakdown>> {
        let op = Op::new(
            "the `event:read` scope",
            "read tags",
            format!("tags of error {id}"),
        );
        let path = self.issue_read_path(id, "tags/").await?;
        let mut q = vec![("limit", "10".to_string())];
        if let Some(k) = key {
            q.push(("key", k.to_string()));
        }
        let resp = self.http.get::<Vec<Value>>(&path, &q, &op).await?;
        let mut tags: Vec<TagBreakdown> = resp.body.iter().filter_map(decode_tag).collect();
        if let Some(k) = key {
            tags.retain(|t| t.key == k);
        }
        Ok(tags)
    }

    async fn find_event(&self, event_id: &str) -> Result<String> {
        if self.glitchtip().await? {
            return Err(BackendError::Unsupported(
                "GlitchTip cannot look an event id up: open the error by its number or link."
                    .into(),
            ));
        }
        let op = Op::new(
            "the `event:read` scope",
            "look events up",
            format!("event {}", sanitize(event_id)),
        );
        let path = self.org_path(&format!("eventids/{}/", enc(event_id)?))?;
        let resp = self.http.get::<Value>(&path, &[], &op).await?;
        str_field(&resp.body, "groupId").ok_or_else(|| BackendError::Malformed {
            what: "event lookup".into(),
            detail: "the answer names no `groupId`".into(),
        })
    }

    async fn settings(&self) -> Result<TrackingSettings> {
        Err(BackendError::Unsupported(format!(
            "Error-tracking settings are GitLab's; on {}, errtui manages the project's errors and client keys (K).",
            self.capabilities().name
        )))
    }

    async fn list_keys(&self) -> Result<Vec<ClientKey>> {
        let base = self.keys_path()?;
        let op = Op::new(
            "the `project:read` scope",
            "list client keys",
            format!("project `{}`", self.project_slug()),
        );
        let keys = self.all_pages::<Value>(&base, &op, MAX_LISTED).await?;
        Ok(keys.iter().map(decode_key).collect())
    }

    async fn create_key(&self, name: Option<&str>) -> Result<ClientKey> {
        let base = self.keys_path()?;
        let op = Op::new(
            "the `project:write` scope",
            "create client keys",
            format!("project `{}`", self.project_slug()),
        );
        // An empty name is no name; GlitchTip stores NOT NULL and answers 500 without one.
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| default_key_name(chrono::Utc::now().date_naive()));
        let body = serde_json::json!({ "name": name });
        let resp = self
            .http
            .send::<Value>(Method::POST, &base, &[], Some(&body), &op)
            .await?;
        let key = decode_key(&resp.body);
        if key.id.is_empty() || key.public_key.is_empty() {
            return Err(BackendError::NotChanged(
                "its answer to the create holds no key".into(),
            ));
        }
        Ok(key)
    }

    async fn delete_key(&self, id: &str) -> Result<ClientKey> {
        let base = self.keys_path()?;
        let path = format!("{base}{}/", enc(id)?);
        // Sentry answers 204 with no body: read the key first so the caller can say what went.
        let key = self
            .list_keys()
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| BackendError::NotFound {
                what: format!("client key `{id}` in project `{}`", self.project_slug()),
            })?;
        let op = Op::new(
            "the `project:admin` scope",
            "delete client keys",
            format!("client key `{id}`"),
        );
        self.http
            .send_raw(Method::DELETE, &path, &[], None, &op)
            .await?;
        Ok(key)
    }

    async fn set_key_active(&self, id: &str, active: bool) -> Result<ClientKey> {
        let base = self.keys_path()?;
        if let Some(why) = self.flavor().await?.capabilities().key_toggle {
            return Err(BackendError::Unsupported(why));
        }
        let op = Op::new(
            "the `project:write` scope",
            "change client keys",
            format!("client key `{id}`"),
        );
        let body = serde_json::json!({ "isActive": active });
        let resp = self
            .http
            .send::<Value>(
                Method::PUT,
                &format!("{base}{}/", enc(id)?),
                &[],
                Some(&body),
                &op,
            )
            .await?;
        let key = decode_key(&resp.body);
        if key.active != Some(active) {
            return Err(BackendError::NotChanged(format!(
                "the key is still {}",
                match key.active {
                    Some(true) => "on",
                    Some(false) => "off",
                    None => "in a state the server does not report",
                }
            )));
        }
        Ok(key)
    }

    async fn checks(&self) -> Vec<Check> {
        self.doctor_checks().await
    }

    async fn update(&self, ids: &[String], change: &Change) -> Result<Applied> {
        let caps = self.flavor().await?.capabilities();
        if let Some(reason) = caps.refuses_change(change) {
            return Err(BackendError::Unsupported(reason));
        }
        self.update_bulk(ids, change).await
    }

    async fn merge(&self, ids: &[String]) -> Result<Merged> {
        self.merge_ids(ids).await
    }

    async fn comment(&self, id: &str, text: &str) -> Result<Activity> {
        self.post_comment(id, text).await
    }

    async fn members(&self) -> Result<Vec<Member>> {
        self.list_members().await
    }

    async fn whoami(&self) -> Result<Assignee> {
        self.whoami_user().await
    }

    async fn releases(&self) -> Result<Vec<Release>> {
        self.list_releases().await
    }

    async fn environments(&self) -> Result<Vec<String>> {
        self.list_environments().await
    }

    async fn projects(&self) -> Result<Vec<(String, String)>> {
        let op = Op::new(
            "the `project:read` scope",
            "list projects",
            format!("organization `{}`", self.org),
        );
        let all = self
            .all_pages::<RawProject>(&self.org_path("projects/")?, &op, MAX_LISTED)
            .await?;
        Ok(all
            .into_iter()
            .filter_map(|p| Some((id_string(&p.id), sanitize(&p.slug?))))
            .collect())
    }

    async fn set_status(&self, id: &str, status: &Status) -> Result<ErrorSummary> {
        let op = Op::new(
            "the `event:write` scope",
            "change an error's status",
            format!("error {id}"),
        );
        let body = serde_json::json!({ "status": status.as_str() });
        // GlitchTip's routes take the number; a short id there meets an HTML 403.
        self.issue_path(id, "")?;
        let id = self.numeric_id(id).await?;
        let resp = self
            .http
            .send::<RawIssue>(
                Method::PUT,
                &self.issue_path(&id, "")?,
                &[],
                Some(&body),
                &op,
            )
            .await?;
        let raw_status = resp.body.status.clone();
        let summary = resp.body.into_summary(self);
        // A change is done only when the answer shows it.
        if raw_status.is_some() && summary.status != *status {
            return Err(BackendError::NotChanged(format!(
                "error {} is still {}",
                sanitize(&summary.short_id),
                summary.status.as_str()
            )));
        }
        Ok(summary)
    }
}

// ---- tolerant wire types ----

#[derive(Deserialize)]
struct RawProject {
    id: Value,
    slug: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawIssue {
    id: Value,
    short_id: Option<String>,
    title: Option<String>,
    culprit: Option<String>,
    permalink: Option<String>,
    level: Option<String>,
    status: Option<String>,
    count: Option<Value>,
    user_count: Option<Value>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    platform: Option<String>,
    project: Option<RawIssueProject>,
    metadata: Option<Value>,
    first_release: Option<Value>,
    last_release: Option<Value>,
    #[serde(default)]
    tags: Vec<Value>,
    #[serde(default)]
    stats: Stats,
    /// Assignee, bookmark, priority, substatus, status details: read as a whole.
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
struct RawIssueProject {
    slug: Option<String>,
}

/// Numbers and numeric strings both appear for ids and counts.
fn id_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn as_u64(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

pub fn parse_time(s: Option<&str>) -> Option<Timestamp> {
    let s = s?;
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .ok()
        .or_else(|| {
            // Sentry sometimes omits the zone.
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

fn release(v: &Option<Value>) -> Option<Release> {
    match v.as_ref()? {
        Value::String(s) => Some(Release {
            version: s.clone(),
            date: None,
        }),
        Value::Object(o) => Some(Release {
            version: o
                .get("shortVersion")
                .or_else(|| o.get("version"))
                .and_then(Value::as_str)?
                .to_string(),
            date: parse_time(o.get("dateCreated").and_then(Value::as_str)),
        }),
        _ => None,
    }
}

impl RawIssue {
    fn into_summary(self, b: &SentryBackend) -> ErrorSummary {
        self.into_parts(b).0
    }

    fn into_detail(self, b: &SentryBackend) -> ErrorDetail {
        let (summary, rest) = self.into_parts(b);
        rest.finish(summary)
    }

    fn into_parts(self, b: &SentryBackend) -> (ErrorSummary, DetailRest) {
        let id = id_string(&self.id);
        let Stats { day, month } = self.stats;
        let mut rest = self.rest;
        let activity: Vec<Activity> = rest
            .get("activity")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .take(200)
                    .filter_map(triage::decode_activity)
                    .collect()
            })
            .unwrap_or_default();
        let message = self
            .metadata
            .as_ref()
            .and_then(|m| m.get("value"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let summary = ErrorSummary {
            short_id: self.short_id.unwrap_or_else(|| id.clone()),
            title: self.title.unwrap_or_else(|| "<no title>".into()),
            culprit: self.culprit.unwrap_or_default(),
            status: Status::parse(self.status.as_deref().unwrap_or("unresolved")),
            level: Level::parse(self.level.as_deref().unwrap_or("error")),
            count: as_u64(self.count.as_ref()),
            user_count: as_u64(self.user_count.as_ref()),
            first_seen: parse_time(self.first_seen.as_deref()),
            last_seen: parse_time(self.last_seen.as_deref()),
            // GlitchTip's permalink points nowhere: its link is built from the organization.
            url: Some(match self.permalink {
                Some(p) if !b.known_glitchtip() => p,
                _ => b.web_url(&id),
            }),
            project: self.project.and_then(|p| p.slug),
            platform: self.platform,
            stats_24h: day,
            triage: triage::decode_triage(&Value::Object(std::mem::take(&mut rest))),
            origin: None,
            id,
        };
        let rest = DetailRest {
            message,
            first_release: release(&self.first_release),
            last_release: release(&self.last_release),
            tags: self
                .tags
                .iter()
                .filter_map(|t| {
                    Some(TagSummary {
                        key: t.get("key")?.as_str()?.to_string(),
                        name: t
                            .get("name")
                            .and_then(Value::as_str)
                            .or_else(|| t.get("key").and_then(Value::as_str))?
                            .to_string(),
                        total_values: as_u64(t.get("totalValues")),
                    })
                })
                .collect(),
            stats_30d: month,
            activity,
        };
        (summary, rest)
    }
}

struct DetailRest {
    message: Option<String>,
    first_release: Option<Release>,
    last_release: Option<Release>,
    tags: Vec<TagSummary>,
    stats_30d: Vec<u64>,
    activity: Vec<Activity>,
}

impl DetailRest {
    fn finish(self, summary: ErrorSummary) -> ErrorDetail {
        ErrorDetail {
            summary,
            message: self.message,
            first_release: self.first_release,
            last_release: self.last_release,
            tags: self.tags,
            stats_30d: self.stats_30d,
            activity: self.activity,
            linked_issue: None,
        }
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Sentry client key; every `dsn` sub-field is optional, as server versions differ.
pub fn decode_key(v: &Value) -> ClientKey {
    let public = str_field(v, "public")
        .or_else(|| str_field(v, "id"))
        .unwrap_or_default();
    ClientKey {
        id: str_field(v, "id").unwrap_or_else(|| public.clone()),
        name: str_field(v, "name").or_else(|| str_field(v, "label")),
        active: v.get("isActive").and_then(Value::as_bool),
        public_key: public,
        dsn: v.get("dsn").and_then(|d| str_field(d, "public")),
        created: parse_time(v.get("dateCreated").and_then(Value::as_str)),
        rate_limit: v
            .get("rateLimit")
            .filter(|r| r.is_object())
            .and_then(|r| Some((r.get("count")?.as_u64()?, r.get("window")?.as_u64()?))),
    }
}

fn decode_frame(f: &Value) -> Frame {
    let num = |k: &str| match f.get(k) {
        Some(Value::Number(n)) => n.as_u64().map(|n| n as u32),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    Frame {
        filename: str_field(f, "filename").or_else(|| str_field(f, "absPath")),
        function: str_field(f, "function").or_else(|| str_field(f, "rawFunction")),
        module: str_field(f, "module"),
        line: num("lineNo"),
        col: num("colNo"),
        in_app: f.get("inApp").and_then(Value::as_bool).unwrap_or(false),
        context: f
            .get("context")
            .and_then(Value::as_array)
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(|l| {
                        let pair = l.as_array()?;
                        Some(ContextLine {
                            line: pair.first()?.as_u64()? as u32,
                            code: pair
                                .get(1)
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        vars: f
            .get("vars")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .take(MAX_FIELDS)
                    .map(|(k, v)| (k.clone(), value_text(v)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// At most this many fields of one object (variables, headers, context fields) are kept.
const MAX_FIELDS: usize = 200;

/// A JSON value as one line of text: strings as they are, the rest as compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// `[["k","v"], …]`, `{"k": "v"}` or `"k=v&…"`: Sentry sends each of these shapes.
fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .take(MAX_FIELDS)
            .filter_map(|p| {
                let p = p.as_array()?;
                Some((
                    value_text(p.first()?),
                    p.get(1).map(value_text).unwrap_or_default(),
                ))
            })
            .collect(),
        Some(Value::Object(m)) => m
            .iter()
            .take(MAX_FIELDS)
            .map(|(k, v)| (k.clone(), value_text(v)))
            .collect(),
        Some(Value::String(q)) => q
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .take(MAX_FIELDS)
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn flat_object(v: Option<&Value>) -> std::collections::BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .take(MAX_FIELDS)
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The first of `keys` that the object has as a string.
fn first_str(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| str_field(v, k))
        .filter(|s| !s.is_empty())
}

fn tag_of(tags: Option<&Value>, name: &str) -> Option<String> {
    match tags? {
        Value::Array(ts) => ts.iter().find_map(|t| match t {
            Value::Array(p) if p.first()?.as_str()? == name => p.get(1).map(value_text),
            t if t.get("key")?.as_str()? == name => str_field(t, "value"),
            _ => None,
        }),
        Value::Object(m) => m.get(name).map(value_text),
        _ => None,
    }
}

fn user_word(u: Option<&Value>) -> Option<String> {
    u.filter(|u| u.is_object())
        .and_then(|u| first_str(u, &["email", "username", "name", "id", "ip_address"]))
}

/// One row of `…/events/`: Sentry's and GlitchTip's shapes.
fn decode_event_summary(v: &Value) -> Option<EventSummary> {
    let id = first_str(v, &["eventID", "eventId", "id"])?;
    let tags = v.get("tags");
    Some(EventSummary {
        id,
        date: parse_time(
            v.get("dateCreated")
                .or_else(|| v.get("dateReceived"))
                .and_then(Value::as_str),
        ),
        message: first_str(v, &["message", "title"]),
        release: match v.get("release") {
            Some(r @ Value::Object(_)) => first_str(r, &["shortVersion", "version"]),
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => tag_of(tags, "release"),
        },
        environment: tag_of(tags, "environment"),
        user: user_word(v.get("user")).or_else(|| tag_of(tags, "user")),
    })
}

/// One key of `…/tags/`, with its top values.
fn decode_tag(v: &Value) -> Option<TagBreakdown> {
    let key = str_field(v, "key")?;
    let top: Vec<TagValue> = v
        .get("topValues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(MAX_FIELDS)
        .map(|t| TagValue {
            value: first_str(t, &["value", "name"]).unwrap_or_default(),
            count: as_u64(t.get("count")),
        })
        .collect();
    let total = as_u64(v.get("totalValues")).max(top.iter().map(|t| t.count).sum());
    Some(TagBreakdown {
        name: first_str(v, &["name"]).unwrap_or_else(|| key.clone()),
        key,
        total,
        top,
    })
}

fn decode_frames(stacktrace: Option<&Value>) -> Vec<Frame> {
    stacktrace
        .and_then(|s| s.get("frames"))
        .and_then(Value::as_array)
        .map(|fs| fs.iter().map(decode_frame).collect())
        .unwrap_or_default()
}

/// Decodes a Sentry event. Only `id` is required; unknown entry types are listed, not fatal.
pub fn decode_event(v: &Value) -> Result<Event> {
    let id = str_field(v, "eventID")
        .or_else(|| str_field(v, "id"))
        .ok_or_else(|| BackendError::Malformed {
            what: "event".into(),
            detail: "the event has no `id`".into(),
        })?;
    let mut ev = Event {
        id,
        title: str_field(v, "title"),
        culprit: str_field(v, "culprit").filter(|c| !c.trim().is_empty()),
        message: str_field(v, "message").filter(|m| !m.is_empty()),
        platform: str_field(v, "platform"),
        date: parse_time(v.get("dateCreated").and_then(Value::as_str)),
        release: match v.get("release") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(r @ Value::Object(_)) => {
                str_field(r, "shortVersion").or_else(|| str_field(r, "version"))
            }
            _ => None,
        },
        environment: None,
        user: user_word(v.get("user")),
        user_details: flat_object(v.get("user")),
        tags: match v.get("tags") {
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(|t| match t {
                    Value::Array(pair) => Some((
                        pair.first()?.as_str()?.to_string(),
                        pair.get(1)?.as_str()?.to_string(),
                    )),
                    t => Some((str_field(t, "key")?, str_field(t, "value")?)),
                })
                .collect(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect(),
            _ => Vec::new(),
        },
        contexts: v
            .get("contexts")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .take(MAX_FIELDS)
                    .map(|(name, c)| {
                        let mut fields = flat_object(Some(c));
                        // `type` repeats the context's name.
                        if fields.get("type").is_some_and(|t| t == name) {
                            fields.remove("type");
                        }
                        (name.clone(), fields)
                    })
                    .filter(|(_, f)| !f.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        sdk: v.get("sdk").and_then(|s| {
            Some(Sdk {
                name: str_field(s, "name")?,
                version: str_field(s, "version"),
            })
        }),
        // Sentry spells them `…EventID`, GlitchTip `…EventId`.
        previous_event_id: first_str(v, &["previousEventID", "previousEventId"]),
        next_event_id: first_str(v, &["nextEventID", "nextEventId"]),
        ..Event::default()
    };
    let tag = |name: &str| {
        ev.tags
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    ev.environment = tag("environment");
    // GlitchTip keeps the release only as a tag.
    if ev.release.is_none() {
        ev.release = tag("release");
    }
    let mut bare_stack: Option<Vec<Frame>> = None;
    for entry in v
        .get("entries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ty = entry.get("type").and_then(Value::as_str).unwrap_or("");
        let data = entry.get("data").unwrap_or(&Value::Null);
        match ty {
            "exception" => {
                for ex in data
                    .get("values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    ev.exceptions.push(Exception {
                        ty: str_field(ex, "type").unwrap_or_else(|| "Error".into()),
                        value: str_field(ex, "value").unwrap_or_default(),
                        module: str_field(ex, "module"),
                        handled: ex
                            .get("mechanism")
                            .and_then(|m| m.get("handled"))
                            .and_then(Value::as_bool),
                        frames: decode_frames(ex.get("stacktrace")),
                    });
                }
            }
            "stacktrace" => bare_stack = Some(decode_frames(Some(data))),
            "threads" => {
                let crashed = data
                    .get("values")
                    .and_then(Value::as_array)
                    .and_then(|ts| {
                        ts.iter()
                            .find(|t| t.get("crashed").and_then(Value::as_bool) == Some(true))
                            .or_else(|| ts.first())
                    })
                    .map(|t| decode_frames(t.get("stacktrace")));
                if bare_stack.is_none() {
                    bare_stack = crashed;
                }
                ev.other_entries.push("threads".into());
            }
            "message" => {
                if ev.message.is_none() {
                    ev.message =
                        str_field(data, "formatted").or_else(|| str_field(data, "message"));
                }
            }
            "breadcrumbs" => {
                for b in data
                    .get("values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    ev.breadcrumbs.push(Breadcrumb {
                        timestamp: match b.get("timestamp") {
                            Some(Value::Number(n)) => n.as_f64().and_then(|f| {
                                chrono::DateTime::from_timestamp_millis((f * 1000.0) as i64)
                            }),
                            t => parse_time(t.and_then(Value::as_str)),
                        },
                        ty: str_field(b, "type"),
                        category: str_field(b, "category"),
                        level: str_field(b, "level"),
                        message: str_field(b, "message"),
                        data: b.get("data").filter(|d| !d.is_null()).cloned(),
                    });
                }
            }
            "request" => {
                let mut headers = pairs(data.get("headers"));
                let cookies = pairs(data.get("cookies"));
                if !cookies.is_empty()
                    && !headers
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case("cookie"))
                {
                    let joined: Vec<String> =
                        cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    headers.push(("Cookie".into(), joined.join("; ")));
                }
                ev.request = Some(RequestInfo {
                    method: str_field(data, "method"),
                    url: str_field(data, "url"),
                    query: pairs(data.get("query")),
                    headers,
                    data: data
                        .get("data")
                        .filter(|d| !d.is_null() && d.as_str() != Some(""))
                        .map(value_text),
                });
            }
            other => ev.other_entries.push(other.to_string()),
        }
    }
    if ev.exceptions.is_empty()
        && let Some(frames) = bare_stack
    {
        ev.exceptions.push(Exception {
            ty: "Stack trace".into(),
            value: ev.message.clone().unwrap_or_default(),
            module: None,
            handled: None,
            frames,
        });
    }
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next_cursor() {
        let link = r#"<https://sentry.io/api/0/x/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/x/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#;
        assert_eq!(parse_next_cursor(link).as_deref(), Some("0:100:0"));
        let last = r#"<https://s/?&cursor=0:0:1>; rel="previous"; results="true"; cursor="0:0:1", <https://s/?&cursor=0:200:0>; rel="next"; results="false"; cursor="0:200:0""#;
        assert_eq!(parse_next_cursor(last), None);
    }

    #[test]
    fn query_always_has_status_or_is_explicitly_empty() {
        let mut q = ListQuery::default();
        assert_eq!(sentry_query(&q), "is:unresolved");
        q.text = " TypeError ".into();
        assert_eq!(sentry_query(&q), "is:unresolved TypeError");
        q.status = StatusFilter::All;
        q.text.clear();
        assert_eq!(sentry_query(&q), "");
    }
}
