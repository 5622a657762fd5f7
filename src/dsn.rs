//! DSNs as the Sentry SDKs read them, and a test event sent through one with the envelope
//! protocol, to check a client key works end to end.

use std::time::Duration;

/// A parsed DSN: `{scheme}://{public_key}[:secret]@{host[:port]}{path_prefix}/{project_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    pub scheme: String,
    pub public_key: String,
    pub host: String,
    pub port: Option<u16>,
    /// Everything between the host and the project id, without a trailing slash.
    pub path_prefix: String,
    pub project_id: String,
}

impl Dsn {
    pub fn parse(s: &str) -> Result<Dsn, String> {
        let s = s.trim();
        let bad = |why: &str| format!("`{}` is not a DSN: {why}", crate::text::sanitize(s));
        let url = reqwest::Url::parse(s).map_err(|e| bad(&e.to_string()))?;
        let scheme = url.scheme().to_string();
        if scheme != "http" && scheme != "https" {
            return Err(bad("the scheme must be http or https"));
        }
        let public_key = url.username().to_string();
        if public_key.is_empty() {
            return Err(bad("it has no public key before the `@`"));
        }
        let host = url
            .host_str()
            .ok_or_else(|| bad("it has no host"))?
            .to_string();
        let path = url.path().trim_end_matches('/');
        let (prefix, project_id) = path
            .rsplit_once('/')
            .ok_or_else(|| bad("it has no project id"))?;
        if project_id.is_empty() {
            return Err(bad("it has no project id"));
        }
        Ok(Dsn {
            scheme,
            public_key,
            host,
            port: url.port(),
            path_prefix: prefix.to_string(),
            project_id: project_id.to_string(),
        })
    }

    fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Where SDKs post envelopes: `{scheme}://{host}{prefix}/api/{project_id}/envelope/`.
    pub fn envelope_url(&self) -> String {
        format!(
            "{}{}/api/{}/envelope/",
            self.origin(),
            self.path_prefix,
            self.project_id
        )
    }

    pub fn auth_header(&self) -> String {
        format!(
            "Sentry sentry_key={}, sentry_version=7, sentry_client=errtui/{}",
            self.public_key,
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// The envelope of one small event saying who sent it and why.
pub fn test_envelope(dsn: &str, event_id: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let header = serde_json::json!({"event_id": event_id, "dsn": dsn, "sent_at": now.to_rfc3339()});
    let event = serde_json::json!({
        "event_id": event_id,
        "timestamp": now.timestamp_millis() as f64 / 1000.0,
        "platform": "other",
        "level": "info",
        "logger": "errtui",
        "message": {"formatted": "errtui test event: this client key (DSN) works"},
        "tags": {"errtui": "dsn-test"},
        "sdk": {"name": "errtui", "version": env!("CARGO_PKG_VERSION")},
    })
    .to_string();
    let item = serde_json::json!({"type": "event", "length": event.len(), "content_type": "application/json"});
    format!("{header}\n{item}\n{event}\n")
}

/// Sends one test event through the DSN. Answers the event id the server accepted, or the
/// server's refusal in plain words.
pub async fn send_test_event(dsn_text: &str) -> Result<String, String> {
    let dsn = Dsn::parse(dsn_text)?;
    let event_id = format!("{:032x}", fastrand::u128(..));
    let body = test_envelope(dsn_text.trim(), &event_id, chrono::Utc::now());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .user_agent(concat!("errtui/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("could not set up HTTP: {e}"))?;
    let resp = client
        .post(dsn.envelope_url())
        .header("X-Sentry-Auth", dsn.auth_header())
        .header("Content-Type", "application/x-sentry-envelope")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("{} did not answer within 15 s", dsn.host)
            } else if e.is_connect() {
                format!("could not connect to {}", dsn.origin())
            } else {
                format!("the request to {} failed: {e}", dsn.host)
            }
        })?;
    let status = resp.status();
    let sentry_error = resp
        .headers()
        .get("x-sentry-error")
        .and_then(|v| v.to_str().ok())
        .map(crate::text::sanitize);
    let bytes = resp.bytes().await.unwrap_or_default();
    if status.is_success() {
        let id = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string))
            .unwrap_or(event_id);
        return Ok(crate::text::sanitize(&id));
    }
    let detail = sentry_error.unwrap_or_else(|| crate::backend::http::error_detail(&bytes));
    Err(match status.as_u16() {
        401 | 403 => format!(
            "the server refused the key (HTTP {status}): {detail}",
            status = status.as_u16()
        ),
        404 => format!("the server has no such project (HTTP 404): {detail}"),
        413 => "the server said the event is too large (HTTP 413)".into(),
        429 => format!("the key is rate limited (HTTP 429): {detail}"),
        s => format!("the server refused the event (HTTP {s}): {detail}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentry_io_ingest_dsns() {
        let d = Dsn::parse(
            "https://e3c2f1a0b9d84c7e9f0a1b2c3d4e5f60@o4504.ingest.us.sentry.io/4505123",
        )
        .expect("dsn");
        assert_eq!(d.public_key, "e3c2f1a0b9d84c7e9f0a1b2c3d4e5f60");
        assert_eq!(d.host, "o4504.ingest.us.sentry.io");
        assert_eq!(d.project_id, "4505123");
        assert_eq!(
            d.envelope_url(),
            "https://o4504.ingest.us.sentry.io/api/4505123/envelope/"
        );
        let de = Dsn::parse("https://abc@o1.ingest.de.sentry.io/2").expect("dsn");
        assert_eq!(
            de.envelope_url(),
            "https://o1.ingest.de.sentry.io/api/2/envelope/"
        );
        let legacy =
            Dsn::parse("https://pub:secret@o1.ingest.sentry.io/2").expect("dsn with a secret");
        assert_eq!(legacy.public_key, "pub");
    }

    #[test]
    fn self_hosted_with_port_and_path_prefix() {
        let d = Dsn::parse("http://k@sentry.internal:9000/sentry/7").expect("dsn");
        assert_eq!(d.path_prefix, "/sentry");
        assert_eq!(
            d.envelope_url(),
            "http://sentry.internal:9000/sentry/api/7/envelope/"
        );
        assert!(
            d.auth_header()
                .starts_with("Sentry sentry_key=k, sentry_version=7, sentry_client=errtui/")
        );
    }

    #[test]
    fn gitlab_integrated_dsn() {
        let d = Dsn::parse("https://glet_aa77551d849c083f76d0bc545ed053a3@observe.gitlab.com:443/errortracking/api/v1/projects/5")
            .expect("dsn");
        assert_eq!(d.public_key, "glet_aa77551d849c083f76d0bc545ed053a3");
        assert_eq!(d.project_id, "5");
        assert_eq!(d.path_prefix, "/errortracking/api/v1/projects");
        // The URL crate drops the default port, as the SDKs' URL parsers do.
        assert_eq!(
            d.envelope_url(),
            "https://observe.gitlab.com/errortracking/api/v1/projects/api/5/envelope/"
        );
        let legacy =
            Dsn::parse("https://glet_x@gitlab.example.com/api/v4/error_tracking/collector/12")
                .expect("dsn");
        assert_eq!(
            legacy.envelope_url(),
            "https://gitlab.example.com/api/v4/error_tracking/collector/api/12/envelope/"
        );
    }

    #[test]
    fn bad_dsns_say_why() {
        assert!(Dsn::parse("not a url").is_err());
        assert!(
            Dsn::parse("https://o1.ingest.sentry.io/2")
                .expect_err("no key")
                .contains("public key")
        );
        assert!(
            Dsn::parse("https://k@host")
                .expect_err("no project")
                .contains("project id")
        );
        assert!(
            Dsn::parse("ftp://k@host/1")
                .expect_err("scheme")
                .contains("scheme")
        );
    }

    #[test]
    fn envelope_has_header_item_and_event_lines() {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time");
        let e = test_envelope("https://k@h/1", "abc", now);
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 3);
        let item: serde_json::Value = serde_json::from_str(lines[1]).expect("item header");
        assert_eq!(item["type"], "event");
        assert_eq!(item["length"].as_u64(), Some(lines[2].len() as u64));
        let ev: serde_json::Value = serde_json::from_str(lines[2]).expect("event");
        assert_eq!(ev["event_id"], "abc");
    }
}
