//! One trait for every error-tracking server. The UI and CLI never know which one they talk to.

pub mod combined;
pub mod gitlab;
pub mod http;
pub mod sentry;

use async_trait::async_trait;
use std::fmt;
use std::time::Duration;

use crate::model::{
    Activity, Applied, Assignee, Capabilities, Change, ClientKey, CreatedIssue, ErrorDetail,
    ErrorSummary, Event, EventRef, EventSummary, ListQuery, Member, Merged, Page, Release, Status,
    TagBreakdown, TrackingSettings, TriageCaps,
};

#[async_trait]
pub trait Backend: Send + Sync {
    fn capabilities(&self) -> Capabilities;
    /// A short human description: "Sentry · acme/web at https://sentry.io".
    fn describe(&self) -> String;
    /// Ids the server gave for names this run (a project's slug to its number), for errtui's
    /// database to remember: the next start asks for none of them again.
    fn known_ids(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Ids remembered from an earlier run, by the names `known_ids` gave.
    fn learn_ids(&self, _ids: &[(String, String)]) {}
    /// What the last list could not read but did not fail for (a combined view's server that
    /// did not answer while the others did), to say to the user. Each is said once.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
    async fn list(
        &self,
        query: &ListQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ErrorSummary>>;
    async fn detail(&self, id: &str) -> Result<ErrorDetail>;
    async fn latest_event(&self, id: &str) -> Result<Event>;
    /// One event of an error: latest, oldest, recommended or by id. Servers that keep only
    /// the latest say why they cannot give the others.
    async fn event(&self, id: &str, which: &EventRef) -> Result<Event> {
        match which {
            EventRef::Latest => self.latest_event(id).await,
            _ => Err(BackendError::Unsupported(
                self.capabilities()
                    .event_history
                    .unwrap_or_else(|| self.unsupported("other events").to_string()),
            )),
        }
    }
    /// An error's events, newest first.
    async fn events(
        &self,
        id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<EventSummary>> {
        let _ = (id, cursor, limit);
        Err(BackendError::Unsupported(
            self.capabilities()
                .event_history
                .unwrap_or_else(|| self.unsupported("events lists").to_string()),
        ))
    }
    /// Each tag of an error with its top values (`key` narrows to one tag).
    async fn tags(&self, id: &str, key: Option<&str>) -> Result<Vec<TagBreakdown>> {
        let _ = (id, key);
        Err(BackendError::Unsupported(
            self.capabilities()
                .tag_note
                .unwrap_or_else(|| self.unsupported("tag breakdowns").to_string()),
        ))
    }
    /// The error an event belongs to (for an event id pasted from a pager).
    async fn find_event(&self, event_id: &str) -> Result<String> {
        let _ = event_id;
        Err(self.unsupported("finding errors by event id"))
    }
    /// Changes an error's status and answers with the error as the server now has it.
    async fn set_status(&self, id: &str, status: &Status) -> Result<ErrorSummary>;

    /// Applies `change` to every error in `ids` (one bulk request per 100 on Sentry) and answers
    /// with what the server says they now are. By default: plain status changes, one by one.
    async fn update(&self, ids: &[String], change: &Change) -> Result<Applied> {
        let caps = self.capabilities();
        if let Some(reason) = caps.refuses_change(change) {
            return Err(BackendError::Unsupported(reason));
        }
        let Some(status) = change.status().filter(|_| change.is_plain_status()) else {
            return Err(self.unsupported(&change.describe()));
        };
        let mut applied = Applied::default();
        for id in ids {
            let e = self.set_status(id, &status).await?;
            applied = Applied {
                status: Some(e.status),
                triage: e.triage,
            };
        }
        Ok(applied)
    }
    /// Merges `ids` into one; the server picks the one they merge into.
    async fn merge(&self, ids: &[String]) -> Result<Merged> {
        let _ = ids;
        Err(self.refusal(|t| &t.merge, "merging errors"))
    }
    async fn comment(&self, id: &str, text: &str) -> Result<Activity> {
        let _ = (id, text);
        Err(self.refusal(|t| &t.comments, "comments"))
    }
    /// Members and teams errors can be assigned to.
    async fn members(&self) -> Result<Vec<Member>> {
        Err(self.refusal(|t| &t.assign, "assigning errors"))
    }
    /// Who the token belongs to.
    async fn whoami(&self) -> Result<Assignee> {
        Err(self.refusal(|t| &t.assign, "assigning errors"))
    }
    /// The environments errors are seen in (Sentry's `environment`), for the list's filter.
    async fn environments(&self) -> Result<Vec<String>> {
        Err(self.unsupported("environments"))
    }
    /// The organization's projects: (numeric id, slug), for the list's project picker.
    async fn projects(&self) -> Result<Vec<(String, String)>> {
        Err(self.unsupported("other projects"))
    }
    /// Recent releases, newest first.
    async fn releases(&self) -> Result<Vec<Release>> {
        Err(self.refusal(|t| &t.release_resolve, "releases"))
    }
    /// Creates an issue in the project's tracker (GitLab).
    async fn create_issue(&self, title: &str, description: &str) -> Result<CreatedIssue> {
        let _ = (title, description);
        Err(self.refusal(|t| &t.create_issue, "creating issues"))
    }

    /// `errtui doctor`: reach the server, its flavour and version, the token and its scopes,
    /// the organization and project, and (GitLab) error tracking itself.
    async fn checks(&self) -> Vec<crate::model::Check> {
        Vec::new()
    }

    /// What the backend can do once it has asked the server (e.g. whether status changes can
    /// go through Sentry). Defaults to what it knew from the start.
    async fn probe(&self) -> Capabilities {
        self.capabilities()
    }
    /// When data stays unavailable, the likeliest reason, if the backend can find out.
    async fn diagnose(&self) -> Option<String> {
        None
    }

    async fn settings(&self) -> Result<TrackingSettings> {
        Err(self.unsupported("error-tracking settings"))
    }
    /// Turns error tracking on or off; `integrated` switches the backend (GitLab).
    async fn set_settings(
        &self,
        active: bool,
        integrated: Option<bool>,
    ) -> Result<TrackingSettings> {
        let _ = (active, integrated);
        Err(self.unsupported("error-tracking settings"))
    }
    async fn list_keys(&self) -> Result<Vec<ClientKey>> {
        Err(self.unsupported("client keys"))
    }
    async fn create_key(&self, name: Option<&str>) -> Result<ClientKey> {
        let _ = name;
        Err(self.unsupported("client keys"))
    }
    async fn delete_key(&self, id: &str) -> Result<ClientKey> {
        let _ = id;
        Err(self.unsupported("client keys"))
    }
    async fn set_key_active(&self, id: &str, active: bool) -> Result<ClientKey> {
        let _ = (id, active);
        Err(self.unsupported("turning client keys on and off"))
    }

    /// The capability's own reason, or a plain "does not offer".
    fn refusal(&self, reason: fn(&TriageCaps) -> &Option<String>, what: &str) -> BackendError {
        match reason(&self.capabilities().triage) {
            Some(r) => BackendError::Unsupported(r.clone()),
            None => self.unsupported(what),
        }
    }

    fn unsupported(&self, what: &str) -> BackendError {
        BackendError::Unsupported(format!(
            "{} does not offer {what} through errtui yet.",
            self.capabilities().name
        ))
    }
}

pub type Result<T> = std::result::Result<T, BackendError>;

/// Every way a request can fail, each with its own plain message. None of them carries a token.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    #[error(
        "{server} rejected the token from {token_source} (401{detail}). Check that it is current and was made on this server."
    )]
    Unauthorized {
        server: String,
        token_source: String,
        detail: String,
    },
    #[error("Permission denied (403): the token from {token_source} needs {scope} to {action}.")]
    Forbidden {
        token_source: String,
        scope: String,
        action: String,
    },
    #[error("Not found (404): {what}.")]
    NotFound { what: String },
    #[error("Rate limited (429): {message}{}", retry_after.map(|d| format!(" Try again in {} s.", d.as_secs().max(1))).unwrap_or_default())]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("The server rejected the request (HTTP {status}): {message}")]
    BadRequest { status: u16, message: String },
    #[error("The server failed (HTTP {status}) {tries}: {message}")]
    Server {
        status: u16,
        tries: String,
        message: String,
    },
    #[error(
        "The request to {host} timed out after {secs} s. The server may be overloaded or unreachable."
    )]
    Timeout { host: String, secs: u64 },
    #[error("Could not connect to {host}: {reason}. Is the server running and the URL right?")]
    Connect { host: String, reason: String },
    #[error("The server sent a response errtui could not read ({what}): {detail}")]
    Malformed { what: String, detail: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}.")]
    Invalid(String),
    #[error(
        "errtui does not send a token over plain http to {origin}: use https, or pass --allow-http if this network is trusted."
    )]
    Insecure { origin: String },
    #[error(
        "The server answered with a redirect (HTTP {status}) to {target}: {why}. Check the server URL."
    )]
    Redirect {
        status: u16,
        target: String,
        why: String,
    },
    #[error("The server's answer is larger than {limit_mb} MB; errtui stopped reading it.")]
    TooLarge { limit_mb: usize },
    #[error(
        "The server answered {what} with an HTML page, not an API answer. Check the server URL (a proxy or login page may be in the way)."
    )]
    NotApi { what: String },
    #[error(
        "The server refused the request (HTTP {status}) with an HTML page: a proxy or the web app's own protection, not a missing permission of the token."
    )]
    Refused { status: u16 },
    #[error("The server answered but did not make the change: {0}.")]
    NotChanged(String),
    /// GitLab answered `null`: its cache is still fetching from Sentry (or the data is not
    /// there at all; only time tells which).
    #[error("GitLab is fetching errors from Sentry…")]
    Warming,
    #[error("GitLab rejected the query: {0}")]
    GraphQl(String),
    #[error("Read-only: {0}. Nothing was sent.")]
    ReadOnly(String),
    #[error("{0}")]
    Other(String),
}

impl BackendError {
    /// Worth retrying later without changing anything.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            BackendError::RateLimited { .. }
                | BackendError::Server { .. }
                | BackendError::Timeout { .. }
                | BackendError::Connect { .. }
        )
    }
}

/// Where a credential came from, named for messages (never the value).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    pub source: String,
}

impl Secret {
    pub fn new(value: impl Into<String>, source: impl Into<String>) -> Self {
        Secret {
            value: value.into(),
            source: source.into(),
        }
    }
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted> from {})", self.source)
    }
}
