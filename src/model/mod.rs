//! Backend-neutral types. Sentry and GitLab decode into these; the UI and the CLI only see these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod check;
mod triage;
pub use check::*;
pub use triage::*;

pub type Timestamp = DateTime<Utc>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Status {
    Unresolved,
    Resolved,
    Ignored,
    /// A status errtui does not know (pending_merge, reprocessing, …): kept and shown as is.
    Other(String),
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match s {
            "unresolved" => Status::Unresolved,
            "resolved" => Status::Resolved,
            "ignored" | "muted" | "archived" => Status::Ignored,
            other => Status::Other(crate::text::sanitize(other)),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Status::Unresolved => "unresolved",
            Status::Resolved => "resolved",
            Status::Ignored => "ignored",
            Status::Other(s) => s,
        }
    }
}

impl From<String> for Status {
    fn from(s: String) -> Status {
        Status::parse(&s)
    }
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        s.as_str().to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Level {
    Fatal,
    Error,
    Warning,
    Info,
    Debug,
    Other(String),
}

impl Level {
    pub fn parse(s: &str) -> Level {
        match s {
            "fatal" => Level::Fatal,
            "error" => Level::Error,
            "warning" => Level::Warning,
            "info" => Level::Info,
            "debug" => Level::Debug,
            other => Level::Other(crate::text::sanitize(other)),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Level::Fatal => "fatal",
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Other(s) => s,
        }
    }
}

impl From<String> for Level {
    fn from(s: String) -> Level {
        Level::parse(&s)
    }
}

impl From<Level> for String {
    fn from(l: Level) -> String {
        l.as_str().to_string()
    }
}

/// Which errors a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Unresolved,
    Resolved,
    Ignored,
    All,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 4] = [
        StatusFilter::Unresolved,
        StatusFilter::Resolved,
        StatusFilter::Ignored,
        StatusFilter::All,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Unresolved => "unresolved",
            StatusFilter::Resolved => "resolved",
            StatusFilter::Ignored => "ignored",
            StatusFilter::All => "all",
        }
    }
    pub fn next(self) -> StatusFilter {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
    pub fn matches(self, s: &Status) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Unresolved => *s == Status::Unresolved,
            StatusFilter::Resolved => *s == Status::Resolved,
            StatusFilter::Ignored => *s == Status::Ignored,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    LastSeen,
    FirstSeen,
    Events,
    Users,
    /// GlitchTip's blend of event count and recency.
    Priority,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::LastSeen,
        Sort::FirstSeen,
        Sort::Events,
        Sort::Users,
        Sort::Priority,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::LastSeen => "last_seen",
            Sort::FirstSeen => "first_seen",
            Sort::Events => "events",
            Sort::Users => "users",
            Sort::Priority => "priority",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sort::LastSeen => "last seen",
            Sort::FirstSeen => "first seen",
            Sort::Events => "events",
            Sort::Users => "users",
            Sort::Priority => "priority",
        }
    }
    pub fn next(self) -> Sort {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// A named list from the config file (`[[views]]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedView {
    pub name: String,
    pub query: ListQuery,
    /// Profiles whose lists this view combines into one (none: the current profile's).
    pub profiles: Vec<String>,
    /// Seconds between refreshes while the view is on screen (`Some(None)`: off); `None`
    /// keeps the profile's.
    pub refresh: Option<Option<u64>>,
}

/// What a list request asks for; the cursor travels separately.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub status: StatusFilter,
    /// Free text in the backend's search syntax, without the status part.
    pub text: String,
    pub sort: Sort,
    /// Another project than the backend's (a numeric id, or several separated by commas;
    /// empty: every project), when the project picker or a view chose them.
    pub project: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorSummary {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub culprit: String,
    pub status: Status,
    pub level: Level,
    pub count: u64,
    pub user_count: u64,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub url: Option<String>,
    pub project: Option<String>,
    pub platform: Option<String>,
    /// Events per hour over the last 24 hours, oldest first, when the server sends them.
    pub stats_24h: Vec<u64>,
    /// Assignee, bookmark, priority, the status's details.
    #[serde(flatten)]
    pub triage: Triage,
    /// The profile a combined view's row comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor for the next page; `None` when this was the last one.
    pub next: Option<String>,
    /// How many items match in all, when the server says (`X-Hits`).
    pub total: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    pub date: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagSummary {
    pub key: String,
    pub name: String,
    pub total_values: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(flatten)]
    pub summary: ErrorSummary,
    pub message: Option<String>,
    pub first_release: Option<Release>,
    pub last_release: Option<Release>,
    pub tags: Vec<TagSummary>,
    /// Events per day over the last 30 days, oldest first.
    pub stats_30d: Vec<u64>,
    /// Status changes, assignments and comments, newest first.
    pub activity: Vec<Activity>,
    /// The GitLab issue linked to the error, when GitLab links one.
    pub linked_issue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextLine {
    pub line: u32,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Frame {
    pub filename: Option<String>,
    pub function: Option<String>,
    pub module: Option<String>,
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub in_app: bool,
    pub context: Vec<ContextLine>,
    /// Local variables where the event carries them, as `[name, value]` pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<(String, String)>,
}

impl Frame {
    /// `file:line[:col]`, falling back to the module, as Sentry's UI does.
    pub fn location(&self) -> String {
        let file = self
            .filename
            .as_deref()
            .or(self.module.as_deref())
            .unwrap_or("<unknown>");
        match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exception {
    #[serde(rename = "type")]
    pub ty: String,
    pub value: String,
    pub module: Option<String>,
    pub handled: Option<bool>,
    /// Oldest call first, crashing frame last, as Sentry sends them.
    pub frames: Vec<Frame>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Breadcrumb {
    pub timestamp: Option<Timestamp>,
    /// Sentry's breadcrumb type: `default`, `http`, `navigation`, `query`, …
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub category: Option<String>,
    pub level: Option<String>,
    pub message: Option<String>,
    /// What the SDK attached (URL, status code, query…), as the server sent it.
    pub data: Option<serde_json::Value>,
}

/// The HTTP request an event was handling. Secrets stay as the server sent them here; every
/// place that shows or prints them goes through [`RequestInfo::masked`] unless the user asked
/// to see them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestInfo {
    pub method: Option<String>,
    pub url: Option<String>,
    /// Query parameters in order, as `[name, value]` pairs.
    pub query: Vec<(String, String)>,
    /// Headers in order, as `[name, value]` pairs (a name may repeat).
    pub headers: Vec<(String, String)>,
    /// The body, as text (JSON bodies compact).
    pub data: Option<String>,
}

/// What a masked value shows instead of itself.
pub const MASK: &str = "[masked]";

/// Whether a header, cookie, query parameter or body field name usually carries a secret.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    const WORDS: [&str; 12] = [
        "authorization",
        "cookie",
        "token",
        "secret",
        "password",
        "passwd",
        "api-key",
        "apikey",
        "session",
        "csrf",
        "x-sentry-auth",
        "signature",
    ];
    WORDS.iter().any(|w| n.contains(w)) || n == "key" || n == "auth"
}

impl RequestInfo {
    /// The request with the values of secret-bearing headers, query parameters and body fields
    /// replaced by [`MASK`].
    pub fn masked(&self) -> RequestInfo {
        let mask = |pairs: &[(String, String)]| {
            pairs
                .iter()
                .map(|(k, v)| {
                    let v = if is_secret_name(k) && !v.is_empty() {
                        MASK.to_string()
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect()
        };
        RequestInfo {
            method: self.method.clone(),
            url: self.url.as_deref().map(mask_url),
            query: mask(&self.query),
            headers: mask(&self.headers),
            data: self.data.as_deref().map(mask_body),
        }
    }
}

/// A URL whose secret-looking query parameters are masked.
fn mask_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) if is_secret_name(k) && !v.is_empty() => format!("{k}={MASK}"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// A body whose secret-looking fields are masked: JSON objects field by field (nested too),
/// form bodies pair by pair.
fn mask_body(body: &str) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if is_secret_name(k) && !x.is_null() {
                        *x = serde_json::Value::String(MASK.into());
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(body)
        && (v.is_object() || v.is_array())
    {
        walk(&mut v);
        return v.to_string();
    }
    if body.contains('=') && !body.contains(char::is_whitespace) {
        return mask_url(&format!("?{body}"))[1..].to_string();
    }
    body.to_string()
}

/// The SDK that sent an event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sdk {
    pub name: String,
    pub version: Option<String>,
}

/// Which event of an error to open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EventRef {
    #[default]
    Latest,
    Oldest,
    /// The one the server thinks most helpful (Sentry).
    Recommended,
    Id(String),
}

impl EventRef {
    /// `latest`, `oldest`, `recommended`, or an event id (32 hex digits, dashes allowed).
    pub fn parse(s: &str) -> Result<EventRef, String> {
        match s.trim() {
            "latest" => Ok(EventRef::Latest),
            "oldest" => Ok(EventRef::Oldest),
            "recommended" => Ok(EventRef::Recommended),
            id if is_event_id(id) => Ok(EventRef::Id(id.replace('-', "").to_ascii_lowercase())),
            other => Err(format!(
                "`{}` is not an event: give latest, oldest, recommended or an event id (32 hex digits)",
                crate::text::sanitize(other)
            )),
        }
    }
    /// The last part of the event's path.
    pub fn path_part(&self) -> &str {
        match self {
            EventRef::Latest => "latest",
            EventRef::Oldest => "oldest",
            EventRef::Recommended => "recommended",
            EventRef::Id(id) => id,
        }
    }
}

/// An event id: 32 hex digits, with or without a UUID's dashes.
pub fn is_event_id(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    pub id: String,
    pub title: Option<String>,
    pub culprit: Option<String>,
    pub message: Option<String>,
    pub platform: Option<String>,
    pub date: Option<Timestamp>,
    pub release: Option<String>,
    pub environment: Option<String>,
    /// Who it happened to, in one word (email, username, id or IP).
    pub user: Option<String>,
    /// Everything the event says about the user (`id`, `email`, `ip_address`, `geo`…).
    pub user_details: std::collections::BTreeMap<String, String>,
    pub tags: Vec<(String, String)>,
    /// In the order the server gives: causes first, the raised exception last.
    pub exceptions: Vec<Exception>,
    /// Oldest first, so the crash sits at the bottom.
    pub breadcrumbs: Vec<Breadcrumb>,
    pub request: Option<RequestInfo>,
    /// `os`, `runtime`, `browser`, `device`, `app`, `trace`…: each a set of fields.
    pub contexts: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    pub sdk: Option<Sdk>,
    /// The event before this one (older), under the same conditions.
    pub previous_event_id: Option<String>,
    /// The event after this one (newer).
    pub next_event_id: Option<String>,
    /// Entry types errtui does not render, kept so the user knows they exist.
    pub other_entries: Vec<String>,
}

/// One row of an error's events list.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EventSummary {
    pub id: String,
    pub date: Option<Timestamp>,
    pub message: Option<String>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub user: Option<String>,
}

/// One tag's top values across an error's events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagBreakdown {
    pub key: String,
    #[serde(skip)]
    pub name: String,
    /// Events that carry the tag.
    pub total: u64,
    pub top: Vec<TagValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagValue {
    pub value: String,
    pub count: u64,
}

impl TagBreakdown {
    /// The share of `count` in the tag's events, 0–100.
    pub fn percent(&self, count: u64) -> u64 {
        (count.saturating_mul(100) + self.total / 2)
            .checked_div(self.total)
            .unwrap_or(0)
    }
}

/// What a backend can do, so a key that cannot work says why instead of failing silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub name: &'static str,
    /// `None` when status changes work; otherwise the reason they do not.
    pub set_status: Option<String>,
    /// Filters the list can apply.
    pub status_filters: Vec<StatusFilter>,
    pub sorts: Vec<Sort>,
    /// Why the status filter is limited, when it is.
    pub status_filter_note: Option<String>,
    /// Client keys carry names (Sentry) or not (GitLab).
    pub keys_named: bool,
    /// `None` when keys can be turned off and on; otherwise why not.
    pub key_toggle: Option<String>,
    /// When the server already said its data cannot come (GitLab: tracking off), why.
    pub unavailable: Option<String>,
    /// The server's version, when it says (GlitchTip does).
    pub version: Option<String>,
    /// Why a sort is missing, when one is.
    pub sort_note: Option<String>,
    /// The server counts the users an error reached (GlitchTip does not: its 0 means unknown).
    pub user_counts: bool,
    /// Why only the latest event can be read, when that is so (GitLab).
    pub event_history: Option<String>,
    /// The server can jump to the oldest and the recommended event (Sentry).
    pub event_ends: bool,
    /// Why tag breakdowns are missing, when they are.
    pub tag_note: Option<String>,
    /// Which triage actions the server has.
    pub triage: TriageCaps,
    /// Read-only mode: why every change is refused.
    pub read_only: Option<String>,
}

impl Capabilities {
    /// Everything a Sentry server offers.
    pub fn full(name: &'static str) -> Capabilities {
        Capabilities {
            name,
            set_status: None,
            status_filters: StatusFilter::ALL.to_vec(),
            sorts: vec![Sort::LastSeen, Sort::FirstSeen, Sort::Events, Sort::Users],
            status_filter_note: None,
            keys_named: true,
            key_toggle: None,
            unavailable: None,
            version: None,
            sort_note: None,
            user_counts: true,
            event_history: None,
            event_ends: true,
            tag_note: None,
            triage: TriageCaps::sentry(),
            read_only: None,
        }
    }

    /// GlitchTip: Sentry's API, without user counts or key toggling.
    pub fn glitchtip(version: Option<String>) -> Capabilities {
        Capabilities {
            sorts: vec![Sort::LastSeen, Sort::FirstSeen, Sort::Events, Sort::Priority],
            sort_note: Some(
                "GlitchTip does not count users per error, so it cannot sort by users.".into(),
            ),
            key_toggle: Some(
                "GlitchTip cannot turn client keys on or off: it neither stores nor checks an active state, so every key works. Delete a key to stop it.".into(),
            ),
            version,
            user_counts: false,
            event_ends: false,
            triage: TriageCaps::glitchtip(),
            ..Capabilities::full("GlitchTip")
        }
    }

    /// "GlitchTip 5.1", or just the name when the version is unknown.
    pub fn server_label(&self) -> String {
        match &self.version {
            Some(v) => format!(
                "{} {}",
                self.name,
                crate::text::truncate(&crate::text::sanitize(v), 24)
            ),
            None => self.name.to_string(),
        }
    }

    /// Why `which` cannot be opened here, if it cannot.
    pub fn refuses_event(&self, which: &EventRef) -> Option<String> {
        match which {
            EventRef::Latest => None,
            _ if self.event_history.is_some() => self.event_history.clone(),
            EventRef::Oldest | EventRef::Recommended if !self.event_ends => Some(format!(
                "{} cannot jump to the {} event: walk back with [ or pick one from the events list (E).",
                self.name,
                which.path_part()
            )),
            _ => None,
        }
    }

    /// Read-only mode's one message, for every change.
    pub fn refuses_writes(&self) -> Option<String> {
        self.read_only
            .as_ref()
            .map(|why| format!("Read-only ({why}): errtui changes nothing here."))
    }

    /// Why `change` cannot be made here, if it cannot.
    pub fn refuses_change(&self, change: &Change) -> Option<String> {
        if let Some(r) = self.refuses_writes() {
            return Some(r);
        }
        if change.status().is_some()
            && let Some(r) = &self.set_status
        {
            return Some(r.clone());
        }
        self.triage.refuses(change)
    }

    /// Why `sort` is not offered, if it is not.
    pub fn refuses_sort(&self, sort: Sort) -> Option<String> {
        (!self.sorts.contains(&sort)).then(|| {
            self.sort_note
                .clone()
                .unwrap_or_else(|| format!("{} cannot sort errors by {}.", self.name, sort.label()))
        })
    }
}

impl ErrorDetail {
    /// Fills what the server left empty from its latest event (GlitchTip fills neither culprit,
    /// releases nor platform on the error itself).
    pub fn fill_from(&mut self, ev: &Event) {
        let s = &mut self.summary;
        if s.culprit.trim().is_empty()
            && let Some(c) = ev.culprit.as_ref().filter(|c| !c.trim().is_empty())
        {
            s.culprit = c.clone();
        }
        if s.platform.as_deref().is_none_or(str::is_empty) {
            s.platform = ev.platform.clone().filter(|p| !p.is_empty());
        }
        if self.last_release.is_none()
            && let Some(r) = ev.release.as_ref().filter(|r| !r.is_empty())
        {
            self.last_release = Some(Release {
                version: r.clone(),
                date: None,
            });
        }
    }
}

/// A project's error-tracking settings, with GitLab's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingSettings {
    pub active: bool,
    pub integrated: bool,
    pub project_name: Option<String>,
    pub sentry_external_url: Option<String>,
    pub api_url: Option<String>,
}

impl ClientKey {
    /// On, or in a state the server does not report (which may well be on).
    pub fn may_be_active(&self) -> bool {
        self.active != Some(false)
    }

    /// "on", "off", or "unknown" when the server does not say.
    pub fn active_word(&self) -> &'static str {
        match self.active {
            Some(true) => "on",
            Some(false) => "off",
            None => "unknown",
        }
    }

    /// The name a rotated key's successor gets when the user gives none.
    pub fn rotated_name(&self, today: chrono::NaiveDate) -> String {
        let base = self.name.as_deref().unwrap_or("Key");
        let base = base.split(" (rotated ").next().unwrap_or(base);
        format!("{base} (rotated {today})")
    }
}

/// A client key: how applications send errors (its DSN is a secret of sorts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientKey {
    /// The id the API addresses the key by (GitLab: a number; Sentry: the public key).
    pub id: String,
    pub name: Option<String>,
    /// `None` when the server does not report it (GlitchTip).
    pub active: Option<bool>,
    pub public_key: String,
    pub dsn: Option<String>,
    pub created: Option<Timestamp>,
    /// Events allowed per window, when limited: (count, window seconds).
    pub rate_limit: Option<(u64, u64)>,
}
