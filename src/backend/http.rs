//! The shared HTTP client: auth headers, timeouts, bounded retries for GETs, and error mapping.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::{BackendError, Result, Secret};

const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Extra attempts for idempotent requests after a 5xx or a timeout.
const GET_RETRIES: u32 = 2;
/// A 429 whose wait is this short is waited out once; longer waits go back to the user.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(5);

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
}

impl Op {
    pub fn new(scope: &'static str, action: &'static str, what: impl Into<String>) -> Self {
        Op {
            scope,
            action,
            what: what.into(),
            retry: false,
        }
    }
    /// Marks a POST that only reads (GraphQL queries) as safe to retry.
    pub fn retryable(mut self) -> Self {
        self.retry = true;
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
}

pub struct Response<T> {
    pub body: T,
    pub headers: HeaderMap,
}

impl Http {
    pub fn new(
        base: &str,
        token: Secret,
        auth: AuthStyle,
        server_name: &'static str,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
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
            timeout: TIMEOUT,
        })
    }

    /// Shorter retry pauses, for tests.
    pub fn with_retry_base(mut self, d: Duration) -> Self {
        self.retry_base = d;
        self
    }

    /// A shorter per-request timeout, for tests.
    pub fn with_timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
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
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        op: &Op,
    ) -> Result<(Vec<u8>, HeaderMap)> {
        let url = format!("{}{}", self.base, path);
        let idempotent = method == Method::GET || op.retry;
        let mut attempt = 0u32;
        let mut waited_for_rate_limit = false;
        loop {
            attempt += 1;
            let mut req = self
                .client
                .request(method.clone(), &url)
                .timeout(self.timeout)
                .query(query);
            req = match self.auth {
                AuthStyle::Bearer => req.bearer_auth(self.token.expose()),
                AuthStyle::PrivateToken => req.header("PRIVATE-TOKEN", self.token.expose()),
            };
            if let Some(b) = body {
                req = req.json(b);
            }
            tracing::debug!(%method, path, attempt, "request");
            let outcome = match req.send().await {
                Err(e) => Err(self.transport_error(&e)),
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Err(e) => Err(self.transport_error(&e)),
                        Ok(bytes) if status.is_success() => return Ok((bytes.to_vec(), headers)),
                        Ok(bytes) => Err(self.status_error(status, &headers, &bytes, op, attempt)),
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
                    if idempotent && attempt <= GET_RETRIES =>
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
/// or a GitLab `group/sub/project` path stays one segment.
pub fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| BackendError::Malformed {
        what: what.to_string(),
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

/// How long a 429 asks us to wait: `Retry-After` (seconds), else `X-Sentry-Rate-Limit-Reset`
/// (UTC epoch seconds).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(HeaderName::from_bytes(name.as_bytes()).ok()?)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::trim)
            .map(str::to_string)
    };
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(secs.max(0.0)));
    }
    if let Some(reset) = header("x-sentry-rate-limit-reset").and_then(|v| v.parse::<i64>().ok()) {
        let now = chrono::Utc::now().timestamp();
        return Some(Duration::from_secs((reset - now).max(1) as u64));
    }
    None
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
}
