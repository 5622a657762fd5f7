//! The Sentry client against a local mock server with Sentry-shaped bodies.

use std::time::Duration;

use errtui::backend::sentry::{Flavor, SentryBackend};
use errtui::backend::{Backend, BackendError, Secret};
use errtui::model::*;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sntryu_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";

fn backend(server: &MockServer, project: Option<&str>) -> SentryBackend {
    SentryBackend::new(
        &server.uri(),
        "acme",
        project,
        Secret::new(TOKEN, "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_flavor(Flavor::Sentry)
    .with_http(|h| {
        h.with_retry_base(Duration::from_millis(5))
            .with_timeout(Duration::from_millis(400))
    })
}

fn issue(id: u32) -> serde_json::Value {
    json!({
        "id": id.to_string(), "shortId": format!("SHOP-{id}"), "title": format!("KeyError: 'k{id}'"),
        "culprit": "shop.views in index", "permalink": format!("https://acme.sentry.io/issues/{id}/"),
        "level": "error", "status": "unresolved", "count": "42", "userCount": 7,
        "firstSeen": "2026-11-01T10:00:00Z", "lastSeen": "2026-11-21T10:00:00.123456Z",
        "project": {"id": "11", "slug": "shop", "name": "Shop"}, "metadata": {"value": "'k'"}
    })
}

fn link(next: Option<&str>) -> String {
    let (results, cursor) = match next {
        Some(c) => ("true", c),
        None => ("false", "0:0:0"),
    };
    format!(
        "<https://sentry.io/api/0/x/?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <https://sentry.io/api/0/x/?&cursor={cursor}>; rel=\"next\"; results=\"{results}\"; cursor=\"{cursor}\""
    )
}

async fn page(
    server: &MockServer,
    cursor: Option<&str>,
    ids: std::ops::Range<u32>,
    next: Option<&str>,
) {
    let mut m = Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(query_param("project", "11"))
        .and(query_param("query", "is:unresolved"))
        .and(query_param("sort", "date"));
    if let Some(c) = cursor {
        m = m.and(query_param("cursor", c));
    }
    m.respond_with(
        ResponseTemplate::new(200)
            .insert_header("link", link(next).as_str())
            .set_body_json(ids.map(issue).collect::<Vec<_>>()),
    )
    .expect(1)
    .mount(server)
    .await;
}

#[tokio::test]
async fn pages_by_link_cursor_and_resolves_the_project_slug_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/projects/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": "10", "slug": "web"}, {"id": 11, "slug": "shop"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Mount the later pages first: wiremock picks the first matching mock.
    page(&server, Some("0:200:0"), 200..250, None).await;
    page(&server, Some("0:100:0"), 100..200, Some("0:200:0")).await;
    page(&server, None, 0..100, Some("0:100:0")).await;
    let b = backend(&server, Some("shop"));
    let items = errtui::cli::list_all(&b, &ListQuery::default(), 1000)
        .await
        .expect("list");
    assert_eq!(items.len(), 250);
    assert_eq!(items[0].short_id, "SHOP-0");
    assert_eq!(items[249].id, "249");
    assert_eq!(items[0].count, 42);
    assert!(items[0].last_seen.is_some());
}

#[tokio::test]
async fn the_all_filter_sends_an_explicitly_empty_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(query_param("query", ""))
        .and(query_param("project", "-1"))
        .and(query_param("sort", "freq"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let b = backend(&server, None);
    let q = ListQuery {
        status: StatusFilter::All,
        text: String::new(),
        sort: Sort::Events,
        project: None,
    };
    let page = b.list(&q, None, 50).await.expect("list");
    assert!(page.items.is_empty() && page.next.is_none());
}

#[tokio::test]
async fn tolerates_missing_fields_numeric_counts_and_unknown_levels() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "title": "x"},
            {"id": "2", "shortId": "S-2", "title": "y", "count": 12, "level": "sample", "status": "reprocessing", "extra": {"nested": true},
             "stats": {"24h": [[1, "3"], [2, 4.0], [3, null], "x", [4, -2], [5, {"a": 1}], [6, 7, 8]], "30d": "nope", "1h": 3}},
            {"id": 3, "stats": null},
            {"id": 4, "stats": [1, 2]},
            {"id": 5, "stats": {"24h": {"x": 1}}}
        ])))
        .mount(&server)
        .await;
    let b = backend(&server, Some("11"));
    let page = b
        .list(&ListQuery::default(), None, 100)
        .await
        .expect("lenient decode");
    assert_eq!(page.items[0].id, "1");
    assert_eq!(page.items[0].short_id, "1");
    assert_eq!(page.items[1].count, 12);
    assert_eq!(page.items[1].level, Level::Other("sample".into()));
    assert_eq!(page.items[1].status, Status::Other("reprocessing".into()));
    // Stats in any odd shape read as counts where they can, never as a failed page.
    assert_eq!(page.items[1].stats_24h, [3, 4, 0, 0, 0, 0, 7]);
    assert!(page.items[0].stats_24h.is_empty());
    assert!(page.items[2..].iter().all(|e| e.stats_24h.is_empty()));
}

async fn failing(status: u16, body: ResponseTemplate) -> (BackendError, MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(body)
        .mount(&server)
        .await;
    let _ = status;
    let b = backend(&server, Some("11"));
    let err = b
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("must fail");
    (err, server)
}

#[tokio::test]
async fn unauthorized_names_where_the_token_came_from_never_its_value() {
    let (err, _s) = failing(
        401,
        ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid token"})),
    )
    .await;
    let msg = err.to_string();
    assert!(matches!(err, BackendError::Unauthorized { .. }));
    assert!(
        msg.contains("SENTRY_AUTH_TOKEN") && msg.contains("Invalid token"),
        "{msg}"
    );
    assert!(!msg.contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn forbidden_names_the_missing_scope() {
    let (err, _s) = failing(
        403,
        ResponseTemplate::new(403)
            .set_body_json(json!({"detail": "You do not have permission to perform this action."})),
    )
    .await;
    assert!(err.to_string().contains("event:read"), "{err}");
}

#[tokio::test]
async fn not_found_is_its_own_message() {
    let (err, _s) = failing(
        404,
        ResponseTemplate::new(404)
            .set_body_json(json!({"detail": "The requested resource does not exist"})),
    )
    .await;
    assert!(matches!(err, BackendError::NotFound { .. }));
    assert!(err.to_string().contains("organization `acme`"), "{err}");
}

#[tokio::test]
async fn rate_limit_with_a_long_wait_is_reported_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!("You are attempting to use this endpoint too frequently. Limit is 5 requests in 1 seconds")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("429");
    match &err {
        BackendError::RateLimited {
            retry_after,
            message,
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(30)));
            assert!(message.starts_with("You are attempting"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("Try again in 30 s"));
}

#[tokio::test]
async fn rate_limit_with_a_short_reset_is_waited_out_once() {
    let server = MockServer::start().await;
    let reset = chrono::Utc::now().timestamp() + 1;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-sentry-rate-limit-reset", reset.to_string().as_str())
                .set_body_json(json!("slow down")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue(1)])))
        .expect(1)
        .mount(&server)
        .await;
    let page = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect("retried");
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_for_gets_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue(1)])))
        .mount(&server)
        .await;
    let page = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect("recovers");
    assert_eq!(page.items.len(), 1);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"detail": "Internal Error", "errorId": "abc"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let err = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("500");
    // The same answer twice is the server failing on this request: no third try.
    assert_eq!(
        err.to_string(),
        "The server failed (HTTP 500) the same way twice, so errtui stopped asking: Internal Error"
    );
    // Different failures are passing faults: tried three times.
    let server = MockServer::start().await;
    for n in 0..3 {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).set_body_string(format!("busy {n}")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let err = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("503");
    assert!(err.to_string().contains("after 3 tries"), "{err}");
}

#[tokio::test]
async fn status_changes_are_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/7/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = backend(&server, None)
        .set_status("7", &Status::Resolved)
        .await
        .expect_err("503");
    assert!(matches!(err, BackendError::Server { status: 503, .. }));
}

#[tokio::test]
async fn set_status_puts_the_status_and_reads_back_the_issue() {
    let server = MockServer::start().await;
    let mut resolved = issue(7);
    resolved["status"] = json!("resolved");
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/7/"))
        .and(body_json(json!({"status": "resolved"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(resolved))
        .expect(1)
        .mount(&server)
        .await;
    let e = backend(&server, None)
        .set_status("7", &Status::Resolved)
        .await
        .expect("put");
    assert_eq!(e.status, Status::Resolved);
}

#[tokio::test]
async fn malformed_json_is_reported_as_such() {
    let (err, _s) = failing(200, ResponseTemplate::new(200).set_body_string("{\"id\": ")).await;
    assert!(matches!(err, BackendError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("could not read"), "{err}");
}

#[tokio::test]
async fn timeouts_are_their_own_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let err = backend(&server, Some("11"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("timeout");
    assert!(matches!(err, BackendError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"));
}

#[tokio::test]
async fn refused_connections_are_their_own_message() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let b = SentryBackend::new(
        &format!("http://{addr}"),
        "acme",
        Some("11"),
        Secret::new("t", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend");
    let err = b
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("refused");
    assert!(matches!(err, BackendError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("connection refused"), "{err}");
}

#[tokio::test]
async fn unknown_project_slug_is_a_clear_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/projects/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "10", "slug": "web"}])),
        )
        .mount(&server)
        .await;
    let err = backend(&server, Some("nope"))
        .list(&ListQuery::default(), None, 100)
        .await
        .expect_err("404");
    assert!(err.to_string().contains("project `nope`"), "{err}");
}

#[tokio::test]
async fn decodes_an_event_with_a_chain_context_lines_and_unknown_entries() {
    let server = MockServer::start().await;
    let event = json!({
        "id": "ev1", "eventID": "ab12", "title": "ValueError", "message": "", "platform": "python",
        "dateCreated": "2026-11-21T10:00:00Z", "release": {"version": "shop@2.4.1"},
        "tags": [{"key": "environment", "value": "production"}, {"key": "level", "value": "error"}],
        "user": {"id": "1", "email": "ana@example.com"},
        "entries": [
            {"type": "exception", "data": {"values": [
                {"type": "OSError", "value": "disk full", "mechanism": null, "stacktrace": null},
                {"type": "ValueError", "value": "bad", "module": "builtins", "mechanism": {"type": "generic", "handled": false},
                 "stacktrace": {"frames": [
                    {"filename": "lib/x.py", "function": "helper", "lineNo": 3, "colNo": null, "inApp": false, "context": []},
                    {"filename": null, "absPath": "/app/main.py", "function": "run", "lineNo": "10", "inApp": true,
                     "context": [[9, "a = 1"], [10, "raise ValueError('bad')"], [11, null]]}
                 ]}}
            ]}},
            {"type": "breadcrumbs", "data": {"values": [{"category": "http", "message": "GET /", "timestamp": "2026-11-21T09:59:59Z"}]}},
            {"type": "request", "data": {"method": "POST", "url": "https://shop/x", "headers": [["Cookie", "[Filtered]"]]}},
            {"type": "spans", "data": {"whatever": 1}}
        ]
    });
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/5/events/latest/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(event))
        .mount(&server)
        .await;
    let ev = backend(&server, None)
        .latest_event("5")
        .await
        .expect("event");
    assert_eq!(ev.id, "ab12");
    assert_eq!(ev.exceptions.len(), 2);
    assert_eq!(
        ev.exceptions[0].ty, "OSError",
        "server order kept: cause first"
    );
    let raised = &ev.exceptions[1];
    assert_eq!(raised.handled, Some(false));
    assert_eq!(raised.frames[1].filename.as_deref(), Some("/app/main.py"));
    assert_eq!(raised.frames[1].line, Some(10));
    assert!(raised.frames[1].in_app);
    assert_eq!(raised.frames[1].context[1].code, "raise ValueError('bad')");
    assert_eq!(raised.frames[1].context[2].code, "");
    assert_eq!(ev.environment.as_deref(), Some("production"));
    assert_eq!(ev.release.as_deref(), Some("shop@2.4.1"));
    assert_eq!(ev.user.as_deref(), Some("ana@example.com"));
    assert_eq!(ev.breadcrumbs.len(), 1);
    assert_eq!(
        ev.request.as_ref().and_then(|r| r.method.as_deref()),
        Some("POST")
    );
    assert_eq!(ev.other_entries, vec!["spans".to_string()]);
}

#[tokio::test]
async fn the_project_picker_s_choice_goes_in_the_list_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(query_param("project", "77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let q = ListQuery {
        project: Some("77".into()),
        ..ListQuery::default()
    };
    backend(&server, Some("11"))
        .list(&q, None, 10)
        .await
        .expect("list");
}
