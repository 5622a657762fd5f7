//! The shared HTTP client: auth headers, timeouts, bounded retries for GETs, and error mapping.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::{BackendError, Result, Secret};

/// Every number that bounds what a server can make errtui do, in one place.
pub mod limits {
    use std::time::Duration;

    /// One attempt's timeout.
    pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// One request, retries and waits included, gives control back within this.
    pub const DEADLINE: Duration = Duration::from_secs(40);
    /// Extra attempts for idempotent requests after a 5xx or a timeout.
    pub const GET_RETRIES: u32 = 2;
    /// A 429 whose wait is this short is waited out once; longer waits go back to the user.
    pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(5);
    /// The longest wait a server can ask for; anything longer (or absurd) is cut to this.
    pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
    /// A page of errors, keys or projects, a settings answer, a GraphQL answer.
    pub const PAGE_BODY: usize = 8 * 1024 * 1024;
    /// A public settings answer read to tell servers apart.
    pub const SMALL_BODY: usize = 256 * 1024;
    /// One event (stack frames with context and local variables can be large).
    pub const EVENT_BODY: usize = 32 * 1024 * 1024;
    /// Pages followed in one loop (keys, the project-slug lookup, `list --limit`).
    pub const MAX_PAGES: usize = 100;
    /// Same-origin redirects followed by a GET.
    pub const MAX_REDIRECTS: u32 = 3;
}

use limits::*;

#[derive(Debug, Clone)]
pub enum AuthStyle {
    /// `Authorization: Bearer …` (Sentry)
    Bearer,
    /// `PRIVATE-TOKEN: …` (GitLab)
    PrivateToken,
}

/// What a request is for, so a 403 or 404 can say what was missing.
#[derive(Debug, Clone)]
pub struct Op {
    /// What the token needs, for a 403: "the `event:read` scope", "the Maintainer role".
    pub scope: &'static str,
    pub action: &'static str,
    /// What was looked for, for a 404.
    pub what: String,
    /// Safe to send again after a 5xx or a timeout (GETs always are).
    pub retry: bool,
    /// The largest answer accepted, in bytes.
    pub max_body: usize,
    /// Sent without the token (public routes such as GlitchTip's `/api/settings/`).
    pub anonymous: bool,
    /// One attempt only: no retry after a 5xx or a timeout.
    pub once: bool,
}

impl Op {
    pub fn new(scope: &'static str, action: &'static str, what: impl Into<String>) -> Self {
        Op {
            scope,
            action,
            what: what.into(),
            retry: false,
            max_body: PAGE_BODY,
            anonymous: false,
            once: false,
        }
    }
    /// A public probe: no token, one attempt, a small answer.
    pub fn probe(what: impl Into<String>) -> Self {
        Op {
            anonymous: true,
            once: true,
            max_body: SMALL_BODY,
            ..Op::new("no scope", "ask what the server is", what)
        }
    }
    /// Marks a POST that only reads (GraphQL queries) as safe to retry.
    pub fn retryable(mut self) -> Self {
        self.retry = true;
        self
    }
    /// Allows an event-sized answer.
    pub fn event_sized(mut self) -> Self {
        self.max_body = EVENT_BODY;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    base: String,
    token: Secret,
    auth: AuthStyle,
    server_name: &'static str,
    retry_base: Duration,
    timeout: Duration,
    deadline: Duration,
    allow_http: bool,
    /// Why changes are refused (read-only mode): nothing but reads leaves the machine.
    read_only: Option<String>,
    /// Extra headers on every request (an access proxy's), to this origin only.
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
}

pub struct Response<T> {
    pub body: T,
    pub headers: HeaderMap,
}

/// Scheme, host and port: what a token is bound to.
pub fn origin(url: &reqwest::Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    )
}

/// 127.0.0.0/8, ::1 and `localhost`: plain http there never leaves the machine.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let h = host.to_ascii_lowercase();
            h == "localhost" || h.ends_with(".localhost")
        }
    }
}

/// Refuses to send a token over plain http to anything but this machine, unless allowed.
pub fn check_transport(base: &str, allow_http: bool) -> Result<()> {
    let url = reqwest::Url::parse(base).map_err(|e| {
        BackendError::Invalid(format!(
            "`{}` is not a URL: {e}",
            crate::text::sanitize(base)
        ))
    })?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(&url) => Ok(()),
        "http" => Err(BackendError::Insecure {
            origin: crate::text::sanitize(&origin(&url)),
        }),
        other => Err(BackendError::Invalid(format!(
            "`{}` is not an http(s) URL",
            crate::text::sanitize(other)
        ))),
    }
}

impl Http {
    pub fn new(
        base: &str,
        token: Secret,
        auth: AuthStyle,
        server_name: &'static str,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            // Redirects are handled by hand: a token never follows one to another origin, and
            // a change is never re-sent or turned into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("errtui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BackendError::Other(format!("could not set up HTTP: {e}")))?;
        Ok(Http {
            client,
            base: base.trim_end_matches('/').to_string(),
            token,
            auth,
            server_name,
            retry_base: Duration::from_millis(500),
            timeout: ATTEMPT_TIMEOUT,
            deadline: DEADLINE,
            allow_http: false,
            read_only: None,
            headers: Vec::new(),
        })
    }

    /// Read-only mode: every request that could change something is refused before it is sent,
    /// with `why` (GETs, and POSTs marked as reads, still go).
    pub fn with_read_only(mut self, why: Option<String>) -> Self {
        self.read_only = why;
        self
    }

    /// Extra headers on every request; a name or value HTTP cannot carry is an error.
    pub fn with_headers(mut self, headers: &[(String, String)]) -> Result<Self> {
        for (k, v) in headers {
            let name =
                reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()).map_err(|_| {
                    BackendError::Invalid(format!(
                        "`{}` is not a valid header name",
                        crate::text::sanitize(k)
                    ))
                })?;
            let mut value = reqwest::header::HeaderValue::from_str(v.trim()).map_err(|_| {
                BackendError::Invalid(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
            value.set_sensitive(true);
            self.headers.push((name, value));
        }
        Ok(self)
    }

    /// Trusts the certificate authorities in a PEM file besides the system's.
    pub fn with_ca_file(mut self, path: &std::path::Path) -> Result<Self> {
        let pem = std::fs::read(path).map_err(|e| {
            BackendError::Invalid(format!("cannot read the CA file {}: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            BackendError::Invalid(format!("{} holds no PEM certificate: {e}", path.display()))
        })?;
        let mut b = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("errtui/", env!("CARGO_PKG_VERSION")));
        for c in certs {
            b = b.add_root_certificate(c);
        }
        self.client = b
            .build()
            .map_err(|e| BackendError::Other(format!("could not set up HTTP: {e}")))?;
        Ok(self)
    }

    /// Where the token came from (never the token).
    pub fn token_source(&self) -> String {
        self.token.source.clone()
    }

    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// Shorter retry pauses, for tests.
    pub fn with_retry_base(mut self, d: Duration) -> Self {
        self.retry_base = d;
        self
    }

    /// A shorter per-attempt timeout, for tests.
    pub fn with_timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// A shorter deadline for a whole request, retries included, for tests.
    pub fn with_deadline(mut self, d: Duration) -> Self {
        self.deadline = d;
        self
    }

    /// `--allow-http`: let the token travel over plain http to a remote host.
    pub fn with_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    pub fn allow_http(&self) -> bool {
        self.allow_http
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn host(&self) -> String {
        reqwest::Url::parse(&self.base)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| {
                    u.port()
                        .map(|p| format!("{h}:{p}"))
                        .unwrap_or(h.to_string())
                })
            })
            .unwrap_or_else(|| self.base.clone())
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        op: &Op,
    ) -> Result<Response<T>> {
        self.send(Method::GET, path, query, None, op).await
    }

    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        op: &Op,
    ) -> Result<Response<T>> {
        let (bytes, headers) = self.send_raw(method, path, query, body, op).await?;
        let body = decode(&bytes, path)?;
        Ok(Response { body, headers })
    }

    /// Sends a request and returns the body bytes of a 2xx answer, mapping everything else.
    /// The whole request, retries and waits included, ends within one deadline.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        op: &Op,
    ) -> Result<(Vec<u8>, HeaderMap)> {
        if let Some(why) = &self.read_only
            && method != Method::GET
            && method != Method::HEAD
            && !op.retry
        {
            return Err(BackendError::ReadOnly(why.clone()));
        }
        check_transport(&self.base, self.allow_http)?;
        let deadline = self.deadline;
        match tokio::time::timeout(deadline, self.attempts(method, path, query, body, op)).await {
            Ok(r) => r,
            Err(_) => Err(BackendError::Timeout {
                host: self.host(),
                secs: deadline.as_secs_f64().ceil() as u64,
            }),
        }
    }

    async fn attempts(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        op: &Op,
    ) -> Result<(Vec<u8>, HeaderMap)> {
        let start = reqwest::Url::parse(&format!("{}{}", self.base, path))
            .map_err(|e| BackendError::Invalid(format!("could not build the request URL: {e}")))?;
        let home = origin(&start);
        let mut url = start;
        let mut query = query.to_vec();
        let idempotent = method == Method::GET || op.retry;
        let mut attempt = 0u32;
        let mut redirects = 0u32;
        let mut waited_for_rate_limit = false;
        // A 5xx that comes back byte for byte the same is the server failing on this request,
        // not a passing fault: it is not sent a third time.
        let mut last_failure: Option<(u16, Vec<u8>)> = None;
        loop {
            attempt += 1;
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .timeout(self.timeout)
                .query(&query);
            if !op.anonymous {
                req = match self.auth {
                    AuthStyle::Bearer => req.bearer_auth(self.token.expose()),
                    AuthStyle::PrivateToken => req.header("PRIVATE-TOKEN", self.token.expose()),
                };
            }
            for (k, v) in &self.headers {
                req = req.header(k, v);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            // The query string holds no secret (tokens travel in headers): logged so a 4xx on a
            // parameter can be diagnosed from errtui's own log.
            tracing::debug!(%method, path, query = %query_string(&query), attempt, "request");
            let outcome = match req.send().await {
                Err(e) => Err(self.transport_error(&e)),
                Ok(resp) if resp.status().is_redirection() => {
                    let target = redirect_target(&url, resp.headers());
                    match target {
                        Some(t)
                            if method == Method::GET
                                && origin(&t) == home
                                && redirects < MAX_REDIRECTS =>
                        {
                            redirects += 1;
                            attempt -= 1;
                            url = t;
                            // The Location carries its own query.
                            query.clear();
                            continue;
                        }
                        t => Err(redirect_error(
                            resp.status(),
                            t.as_ref(),
                            &home,
                            &method,
                            redirects >= MAX_REDIRECTS,
                        )),
                    }
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match read_body(resp, op.max_body).await {
                        Err(ReadError::TooLarge) => Err(BackendError::TooLarge {
                            limit_mb: op.max_body / (1024 * 1024),
                        }),
                        Err(ReadError::Transport(e)) => Err(self.transport_error(&e)),
                        Ok(bytes) if status.is_success() => return Ok((bytes, headers)),
                        Ok(bytes) => {
                            let err = self.status_error(status, &headers, &bytes, op, attempt);
                            if status.is_server_error() {
                                let this = (status.as_u16(), bytes);
                                if last_failure.as_ref() == Some(&this) {
                                    return Err(same_failure(err));
                                }
                                last_failure = Some(this);
                            }
                            Err(err)
                        }
                    }
                }
            };
            let err = match outcome {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            tracing::debug!(path, attempt, error = %err, "request failed");
            match &err {
                BackendError::RateLimited {
                    retry_after: Some(wait),
                    ..
                } if idempotent && !waited_for_rate_limit && *wait <= MAX_RATE_LIMIT_WAIT => {
                    waited_for_rate_limit = true;
                    tokio::time::sleep(*wait).await;
                }
                BackendError::Server { .. } | BackendError::Timeout { .. }
                    if idempotent && !op.once && attempt <= GET_RETRIES =>
                {
                    tokio::time::sleep(self.retry_base * 2u32.pow(attempt - 1)).await;
                }
                _ => return Err(err),
            }
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> BackendError {
        if e.is_timeout() {
            BackendError::Timeout {
                host: self.host(),
                secs: self.timeout.as_secs_f64().ceil() as u64,
            }
        } else if e.is_connect() {
            let reason = root_cause(e);
            BackendError::Connect {
                host: self.host(),
                reason,
            }
        } else if e.is_decode() || e.is_body() {
            BackendError::Malformed {
                what: "body".into(),
                detail: root_cause(e),
            }
        } else {
            BackendError::Other(format!(
                "request to {} failed: {}",
                self.host(),
                root_cause(e)
            ))
        }
    }

    fn status_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        op: &Op,
        attempt: u32,
    ) -> BackendError {
        let detail = error_detail(body);
        let html = looks_like_html(headers, body);
        match status.as_u16() {
            401 => BackendError::Unauthorized {
                server: self.server_name.to_string(),
                token_source: self.token.source.clone(),
                detail: if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                },
            },
            // An HTML 403 is a proxy or a CSRF page, not a missing scope.
            403 if html => BackendError::Refused { status: 403 },
            403 => BackendError::Forbidden {
                token_source: self.token.source.clone(),
                scope: op.scope.to_string(),
                action: op.action.to_string(),
            },
            404 => BackendError::NotFound {
                what: format!("{} (check the names and the server URL)", op.what),
            },
            429 => BackendError::RateLimited {
                message: if detail.is_empty() {
                    "the server asks errtui to slow down.".into()
                } else {
                    detail
                },
                retry_after: retry_after(headers),
            },
            s @ 500..=599 => BackendError::Server {
                status: s,
                tries: if attempt > 1 {
                    format!("after {attempt} tries")
                } else {
                    String::new()
                },
                message: if detail.is_empty() {
                    "no details given".into()
                } else {
                    detail
                },
            },
            s => BackendError::BadRequest {
                status: s,
                message: if detail.is_empty() {
                    status
                        .canonical_reason()
                        .unwrap_or("no details")
                        .to_string()
                } else {
                    detail
                },
            },
        }
    }
}

/// The request as logged: `a=1&b=two`, percent-encoded.
fn query_string(query: &[(&str, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A 5xx answered twice the same way.
fn same_failure(err: BackendError) -> BackendError {
    match err {
        BackendError::Server {
            status, message, ..
        } => BackendError::Server {
            status,
            tries: "the same way twice, so errtui stopped asking".into(),
            message,
        },
        other => other,
    }
}

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads a body up to `max` bytes; a larger (or endless) body stops at the limit.
async fn read_body(
    mut resp: reqwest::Response,
    max: usize,
) -> std::result::Result<Vec<u8>, ReadError> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Transport)? {
        if buf.len() + chunk.len() > max {
            return Err(ReadError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

fn redirect_target(from: &reqwest::Url, headers: &HeaderMap) -> Option<reqwest::Url> {
    let loc = headers.get("location")?.to_str().ok()?;
    from.join(loc.trim()).ok()
}

fn redirect_error(
    status: StatusCode,
    target: Option<&reqwest::Url>,
    home: &str,
    method: &Method,
    too_many: bool,
) -> BackendError {
    let shown = target
        .map(|t| crate::text::truncate(&crate::text::sanitize(t.as_str()), 120))
        .unwrap_or_else(|| "nowhere (no Location)".into());
    let why = if too_many {
        "too many redirects".to_string()
    } else if target.is_some_and(|t| origin(t) != home) {
        "another origin: errtui does not send the token there".to_string()
    } else if method != Method::GET {
        format!("errtui does not re-send a {method} through a redirect, so the change was not made")
    } else {
        "errtui could not follow it".to_string()
    };
    BackendError::Redirect {
        status: status.as_u16(),
        target: shown,
        why,
    }
}

fn looks_like_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    ct.contains("text/html") || body_is_html(body)
}

fn body_is_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    let t = start.trim_start();
    t.starts_with("<!doctype")
        || t.starts_with("<html")
        || t.starts_with("<head")
        || t.starts_with("<")
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let msg = cur.to_string();
    if msg.contains("Connection refused") || msg.contains("connection refused") {
        "connection refused".to_string()
    } else {
        msg
    }
}

/// Percent-encodes one URL path segment (keeps only unreserved characters), so a slug, an id
/// or a GitLab `group/sub/project` path stays one segment. `.` and `..` (which a URL parser
/// would resolve, walking up the API) and the empty segment are refused.
pub fn segment(s: &str) -> Result<String> {
    if s.is_empty() || s == "." || s == ".." {
        return Err(BackendError::Invalid(format!(
            "`{}` is not a valid id, slug or name",
            crate::text::sanitize(s)
        )));
    }
    Ok(s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect())
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    if body_is_html(bytes) {
        return Err(BackendError::NotApi {
            what: crate::text::sanitize(what),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| BackendError::Malformed {
        what: crate::text::sanitize(what),
        detail: e.to_string(),
    })
}

/// The human part of an error body: `{"detail": "..."}`, `{"detail": {"message": ...}}`,
/// `{"error": ...}`, `{"message": ...}`, a bare JSON string (Sentry's 429), or short plain text.
pub fn error_detail(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let found = match &parsed {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Object(map)) => ["detail", "error", "message", "error_description"]
            .iter()
            .find_map(|k| map.get(*k))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => o
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string()),
                other => other.to_string(),
            })
            .or_else(|| Some(parsed.as_ref().map(|p| p.to_string()).unwrap_or_default())),
        Some(other) => Some(other.to_string()),
        None if text.trim_start().starts_with('<') => {
            Some("the server answered with an HTML page".into())
        }
        None => Some(text.trim().to_string()),
    };
    crate::text::truncate(&crate::text::sanitize(&found.unwrap_or_default()), 300)
}

/// How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date), else
/// `X-Sentry-Rate-Limit-Reset` (UTC epoch seconds). Garbage is ignored and absurd waits are
/// cut to [`limits::MAX_RETRY_AFTER`]; nothing a server sends here can panic.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, chrono::Utc::now())
}

pub fn retry_after_at(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(HeaderName::from_bytes(name.as_bytes()).ok()?)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::trim)
            .map(str::to_string)
    };
    let cap = |secs: f64| Duration::from_secs_f64(secs.clamp(0.0, MAX_RETRY_AFTER.as_secs_f64()));
    if let Some(v) = header("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() {
                return Some(cap(secs));
            }
        } else if let Ok(date) = chrono::DateTime::parse_from_rfc2822(&v) {
            let secs = date.timestamp().saturating_sub(now.timestamp());
            return Some(cap(secs as f64));
        }
    }
    if let Some(reset) = header("x-sentry-rate-limit-reset").and_then(|v| v.parse::<f64>().ok())
        && reset.is_finite()
    {
        return Some(cap((reset - now.timestamp() as f64).max(1.0)));
    }
    None
}

/// Stops a paging loop on a cursor (or page) seen before and at [`limits::MAX_PAGES`], so a
/// server that always says "more" cannot keep errtui asking for ever.
#[derive(Debug, Default)]
pub struct PageGuard {
    seen: std::collections::HashSet<String>,
}

impl PageGuard {
    /// Whether to follow `next`: false once it repeats or the page count is reached.
    pub fn follow(&mut self, next: &str) -> bool {
        self.seen.len() + 1 < MAX_PAGES && self.seen.insert(next.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_detail_shapes() {
        assert_eq!(
            error_detail(br#"{"detail":"Invalid token"}"#),
            "Invalid token"
        );
        assert_eq!(
            error_detail(br#"{"detail":{"code":"sso-required","message":"SSO needed"}}"#),
            "SSO needed"
        );
        assert_eq!(error_detail(br#""Too many requests""#), "Too many requests");
        assert_eq!(
            error_detail(b"<html>bad gateway</html>"),
            "the server answered with an HTML page"
        );
        assert_eq!(
            error_detail(br#"{"status":["bad"]}"#),
            r#"{"status":["bad"]}"#
        );
    }

    #[test]
    fn retry_after_prefers_retry_after_header() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let mut h = HeaderMap::new();
        let reset = chrono::Utc::now().timestamp() + 10;
        h.insert(
            "x-sentry-rate-limit-reset",
            HeaderValue::from_str(&reset.to_string()).expect("header"),
        );
        let d = retry_after(&h).expect("some");
        assert!(d.as_secs() >= 8 && d.as_secs() <= 10);
    }

    #[test]
    fn hostile_rate_limit_headers_never_panic_and_are_capped() {
        let now = chrono::Utc::now();
        for v in [
            "inf",
            "-inf",
            "NaN",
            "1e300",
            "18446744073709551616",
            "-5",
            "garbage",
            "",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            for name in ["retry-after", "x-sentry-rate-limit-reset"] {
                let mut h = HeaderMap::new();
                h.insert(name, HeaderValue::from_str(v).expect("header"));
                if let Some(d) = retry_after_at(&h, now) {
                    assert!(d <= limits::MAX_RETRY_AFTER, "{name}: {v} gave {d:?}");
                }
            }
        }
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("1e300"));
        assert_eq!(retry_after_at(&h, now), Some(limits::MAX_RETRY_AFTER));
    }

    #[test]
    fn dot_segments_are_refused_and_others_encoded() {
        for bad in ["", ".", ".."] {
            assert!(segment(bad).is_err(), "{bad:?}");
        }
        assert_eq!(segment("a/b").expect("ok"), "a%2Fb");
        assert_eq!(segment("%2e%2e").expect("ok"), "%252e%252e");
        assert_eq!(segment("web.app").expect("ok"), "web.app");
    }

    #[test]
    fn page_guard_stops_on_repeats_and_at_the_limit() {
        let mut g = PageGuard::default();
        assert!(g.follow("a"));
        assert!(!g.follow("a"));
        let mut g = PageGuard::default();
        let n = (0..10_000).take_while(|i| g.follow(&i.to_string())).count();
        assert_eq!(n, limits::MAX_PAGES - 1);
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert!(check_transport("https://sentry.io", false).is_ok());
        assert!(check_transport("http://127.0.0.1:9000", false).is_ok());
        assert!(check_transport("http://[::1]:9000", false).is_ok());
        assert!(check_transport("http://localhost:9000", false).is_ok());
        assert!(matches!(
            check_transport("http://sentry.example.com", false),
            Err(BackendError::Insecure { .. })
        ));
        assert!(check_transport("http://sentry.example.com", true).is_ok());
    }
}
