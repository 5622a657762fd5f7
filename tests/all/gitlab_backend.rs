//! The GitLab client against local mock servers: one for GitLab, one for its Sentry.

use std::time::Duration;

use errtui::backend::gitlab::{GitlabBackend, NO_SENTRY_TOKEN};
use errtui::backend::{Backend, BackendError, Secret};
use errtui::model::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const GL_TOKEN: &str = "glpat-gitlabsecret000000";
const SENTRY_TOKEN: &str = "sntryu_sentrysecret00000000";

fn backend(gl: &MockServer, sentry_token: bool) -> GitlabBackend {
    GitlabBackend::new(
        &gl.uri(),
        "acme/shop/web",
        Secret::new(GL_TOKEN, "GITLAB_TOKEN"),
        sentry_token.then(|| Secret::new(SENTRY_TOKEN, "SENTRY_AUTH_TOKEN")),
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn node(id: u32) -> Value {
    json!({
        "sentryId": id.to_string(), "shortId": format!("WEB-{id}"), "title": format!("NoMethodError: undefined method `x{id}'"),
        "type": "error", "message": "undefined method", "culprit": "OrdersController#show", "status": "UNRESOLVED",
        "count": 12, "userCount": 3, "firstSeen": "2026-11-01T10:00:00Z", "lastSeen": "2026-11-21T10:00:00Z",
        "externalUrl": format!("https://sentry.example.com/acme/web/issues/{id}"), "frequency": [{"time": "2026-11-21T09:00:00Z", "count": 2}],
        "sentryProjectSlug": "web"
    })
}

fn list_body(ids: std::ops::Range<u32>, next: Option<&str>) -> Value {
    json!({"data": {"project": {"sentryErrors": {"externalUrl": "https://sentry.example.com/acme/web", "errors": {
        "nodes": ids.map(node).collect::<Vec<_>>(),
        "pageInfo": {"hasNextPage": next.is_some(), "endCursor": next}
    }}}}})
}

fn gql() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .and(header("private-token", GL_TOKEN))
}

#[tokio::test]
async fn lists_unresolved_errors_over_graphql_following_end_cursor() {
    let gl = MockServer::start().await;
    gql()
        .and(body_string_contains("\"after\":\"c2\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_body(40..45, None)))
        .expect(1)
        .mount(&gl)
        .await;
    gql()
        .and(body_string_contains("\"after\":\"c1\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_body(20..40, Some("c2"))))
        .expect(1)
        .mount(&gl)
        .await;
    gql()
        .and(body_string_contains("\"fullPath\":\"acme/shop/web\""))
        .and(body_string_contains("\"sort\":\"frequency\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_body(0..20, Some("c1"))))
        .expect(1)
        .mount(&gl)
        .await;
    let b = backend(&gl, false);
    let q = ListQuery {
        sort: Sort::Events,
        ..ListQuery::default()
    };
    let items = errtui::cli::list_all(&b, &q, 1000).await.expect("list");
    assert_eq!(items.len(), 45);
    assert_eq!(items[0].id, "0", "the id is the Sentry id");
    assert_eq!(items[0].short_id, "WEB-0");
    assert_eq!(items[0].status, Status::Unresolved);
    assert_eq!(items[0].count, 12);
}

#[tokio::test]
async fn null_while_warming_then_data() {
    let gl = MockServer::start().await;
    let warming =
        json!({"data": {"project": {"sentryErrors": {"externalUrl": null, "errors": null}}}});
    gql()
        .respond_with(ResponseTemplate::new(200).set_body_json(warming))
        .up_to_n_times(1)
        .mount(&gl)
        .await;
    gql()
        .respond_with(ResponseTemplate::new(200).set_body_json(list_body(0..3, None)))
        .mount(&gl)
        .await;
    let b = backend(&gl, false);
    let err = b
        .list(&ListQuery::default(), None, 20)
        .await
        .expect_err("first answer is null");
    assert_eq!(err, BackendError::Warming);
    assert_eq!(err.to_string(), "GitLab is fetching errors from Sentry…");
    let page = b
        .list(&ListQuery::default(), None, 20)
        .await
        .expect("then data");
    assert_eq!(page.items.len(), 3);
}

#[tokio::test]
async fn detail_and_stack_trace_use_the_detailed_error_gid_and_string_lines() {
    let gl = MockServer::start().await;
    let mut d = node(77);
    d["tags"] = json!({"level": "error", "logger": null});
    d["firstReleaseShortVersion"] = json!("1.2.0");
    d["lastReleaseVersion"] = json!("1.3.0-abcdef");
    gql()
        .and(body_string_contains("detailedError"))
        .and(body_string_contains(
            "gid://gitlab/Gitlab::ErrorTracking::DetailedError/77",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"project": {"sentryErrors": {"detailedError": d}}}}),
            ),
        )
        .mount(&gl)
        .await;
    gql()
        .and(body_string_contains("errorStackTrace"))
        .and(body_string_contains("gid://gitlab/Gitlab::ErrorTracking::DetailedError/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"project": {"sentryErrors": {"errorStackTrace": {
            "issueId": "77", "dateReceived": "2026-11-21T10:00:00Z",
            "stackTraceEntries": [{"fileName": "app/models/order.rb", "function": "total", "line": "42", "col": null,
                                   "traceContext": [{"line": 41, "code": "def total"}, {"line": 42, "code": "  items.sum(&:x)"}]}]
        }}}}})))
        .mount(&gl)
        .await;
    let b = backend(&gl, false);
    let detail = b.detail("77").await.expect("detail");
    assert_eq!(detail.summary.level, Level::Error);
    assert_eq!(
        detail.first_release.map(|r| r.version),
        Some("1.2.0".into())
    );
    assert_eq!(
        detail.last_release.map(|r| r.version),
        Some("1.3.0-abcdef".into())
    );
    let ev = b.latest_event("77").await.expect("stack");
    let f = &ev.exceptions[0].frames[0];
    assert_eq!((f.line, f.col), (Some(42), None));
    assert_eq!(f.context[1].code, "  items.sum(&:x)");
    let err = b
        .detail("WEB-7")
        .await
        .expect_err("short ids are not GitLab ids");
    assert!(err.to_string().contains("Sentry id"), "{err}");
}

#[tokio::test]
async fn graphql_errors_become_clear_messages() {
    let gl = MockServer::start().await;
    gql()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errors": [
            {"message": "Field 'sentryErrors' doesn't exist on type 'Project'", "locations": [{"line": 1, "column": 2}]}
        ], "data": null})))
        .mount(&gl)
        .await;
    let err = backend(&gl, false)
        .list(&ListQuery::default(), None, 20)
        .await
        .expect_err("graphql error");
    assert_eq!(
        err.to_string(),
        "GitLab rejected the query: Field 'sentryErrors' doesn't exist on type 'Project'"
    );
}

#[tokio::test]
async fn unknown_project_and_http_errors() {
    let gl = MockServer::start().await;
    gql()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"project": null}})))
        .mount(&gl)
        .await;
    let err = backend(&gl, false)
        .list(&ListQuery::default(), None, 20)
        .await
        .expect_err("null project");
    assert!(
        err.to_string().contains("GitLab project `acme/shop/web`"),
        "{err}"
    );

    let gl = MockServer::start().await;
    gql()
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "401 Unauthorized"})),
        )
        .mount(&gl)
        .await;
    let err = backend(&gl, false)
        .list(&ListQuery::default(), None, 20)
        .await
        .expect_err("401");
    let msg = err.to_string();
    assert!(
        msg.contains("GitLab rejected the token from GITLAB_TOKEN") && !msg.contains(GL_TOKEN),
        "{msg}"
    );

    let gl = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "403 Forbidden"})))
        .mount(&gl)
        .await;
    let err = backend(&gl, false).settings().await.expect_err("403");
    assert!(
        err.to_string().contains("needs the Maintainer role"),
        "{err}"
    );

    let gl = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "404 Error Tracking Setting Not Found"})),
        )
        .mount(&gl)
        .await;
    let err = backend(&gl, false).settings().await.expect_err("404");
    let msg = err.to_string();
    assert!(
        msg.contains("no error-tracking settings")
            && msg.contains("/acme/shop/web/-/settings/operations"),
        "{msg}"
    );
    let why = backend(&gl, false).diagnose().await.expect("diagnosis");
    assert!(why.contains("not set up"), "{why}");
}

fn settings_body(active: bool, api_url: Option<&str>, integrated: bool) -> Value {
    json!({"active": active, "project_name": "web", "sentry_external_url": api_url.map(|_| "https://sentry.example.com/acme/web"),
           "api_url": api_url, "integrated": integrated})
}

#[tokio::test]
async fn settings_enable_disable_and_service_errors() {
    let gl = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .and(body_json(json!({"active": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_body(
            false,
            Some("https://s/api/0/projects/a/w/"),
            false,
        )))
        .expect(1)
        .mount(&gl)
        .await;
    Mock::given(method("PATCH"))
        .and(body_json(json!({"active": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "error", "message": "Api url can't be blank", "http_status": "bad_request"})))
        .mount(&gl)
        .await;
    Mock::given(method("PUT"))
        .and(body_json(json!({"active": true, "integrated": true})))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "404 Not Found"})))
        .mount(&gl)
        .await;
    let b = backend(&gl, false);
    let s = b.set_settings(false, None).await.expect("disable");
    assert!(!s.active);
    let err = b
        .set_settings(true, None)
        .await
        .expect_err("service error in a 200");
    assert_eq!(
        err.to_string(),
        "GitLab refused the change: Api url can't be blank"
    );
    let err = b
        .set_settings(true, Some(true))
        .await
        .expect_err("no integrated here");
    assert!(
        err.to_string().contains("integrated error tracking"),
        "{err}"
    );
}

#[tokio::test]
async fn client_keys_list_follows_pages_create_and_delete() {
    let gl = MockServer::start().await;
    let key = |id: u32| {
        json!({"id": id, "active": true, "public_key": format!("glet_{id:032}"),
        "sentry_dsn": format!("https://glet_{id:032}@observe.gitlab.com:443/errortracking/api/v1/projects/5")})
    };
    let keys_path = "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/client_keys";
    Mock::given(method("GET"))
        .and(path(keys_path))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-page", "")
                .set_body_json(json!([key(3)])),
        )
        .mount(&gl)
        .await;
    Mock::given(method("GET"))
        .and(path(keys_path))
        .and(query_param("page", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-page", "2")
                .set_body_json(json!([key(1), key(2)])),
        )
        .mount(&gl)
        .await;
    Mock::given(method("POST"))
        .and(path(keys_path))
        .respond_with(ResponseTemplate::new(201).set_body_json(key(4)))
        .expect(1)
        .mount(&gl)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{keys_path}/2")))
        .respond_with(ResponseTemplate::new(200).set_body_json(key(2)))
        .expect(1)
        .mount(&gl)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{keys_path}/9")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "404 Not found"})))
        .mount(&gl)
        .await;
    let b = backend(&gl, false);
    let keys = b.list_keys().await.expect("keys");
    assert_eq!(
        keys.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
        vec!["1", "2", "3"]
    );
    assert!(
        keys[0]
            .dsn
            .as_deref()
            .is_some_and(|d| d.contains("/errortracking/api/v1/projects/5"))
    );
    assert_eq!(b.create_key(None).await.expect("create").id, "4");
    assert_eq!(b.delete_key("2").await.expect("delete").id, "2");
    assert!(matches!(
        b.delete_key("9").await,
        Err(BackendError::NotFound { .. })
    ));
}

/// Status changes go to the Sentry named in the settings, with the Sentry token; the GitLab
/// token never leaves for Sentry and the Sentry token never goes to GitLab.
#[tokio::test]
async fn resolve_goes_to_sentry_with_the_sentry_token_only() {
    let gl = MockServer::start().await;
    let sentry = MockServer::start().await;
    let api_url = format!("{}/api/0/projects/acme/web/", sentry.uri());
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_body(
            true,
            Some(&api_url),
            false,
        )))
        .expect(1)
        .mount(&gl)
        .await;
    let mut resolved = json!({"id": "77", "shortId": "WEB-77", "title": "x", "status": "resolved", "level": "error"});
    resolved["count"] = json!("5");
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/77/"))
        .and(header(
            "authorization",
            format!("Bearer {SENTRY_TOKEN}").as_str(),
        ))
        .and(body_json(json!({"status": "resolved"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(resolved))
        .expect(1)
        .mount(&sentry)
        .await;
    let b = backend(&gl, true).with_sentry_url(&sentry.uri());
    let caps = b.probe().await;
    assert_eq!(caps.set_status, None);
    assert_eq!(
        caps.status_filters.len(),
        4,
        "resolved and ignored can be listed from Sentry"
    );
    let e = b
        .set_status("77", &Status::Resolved)
        .await
        .expect("resolved through Sentry");
    assert_eq!(e.status, Status::Resolved);

    let seen_gl: Vec<Request> = gl.received_requests().await.expect("recorded");
    let seen_sentry: Vec<Request> = sentry.received_requests().await.expect("recorded");
    for r in &seen_gl {
        let all = format!("{:?}", r.headers);
        assert!(!all.contains(SENTRY_TOKEN), "Sentry token sent to GitLab");
        assert!(r.headers.get("authorization").is_none());
    }
    for r in &seen_sentry {
        let all = format!("{:?}", r.headers);
        assert!(!all.contains(GL_TOKEN), "GitLab token sent to Sentry");
        assert!(r.headers.get("private-token").is_none());
    }
}

#[tokio::test]
async fn resolve_is_refused_with_reasons_without_a_sentry_token_or_on_integrated() {
    let gl = MockServer::start().await;
    let b = backend(&gl, false);
    assert_eq!(
        b.capabilities().set_status.as_deref(),
        Some(NO_SENTRY_TOKEN)
    );
    let err = b
        .set_status("77", &Status::Resolved)
        .await
        .expect_err("no token");
    assert_eq!(err.to_string(), NO_SENTRY_TOKEN);
    assert!(
        gl.received_requests().await.expect("recorded").is_empty(),
        "nothing sent"
    );
    let err = b
        .list(
            &ListQuery {
                status: StatusFilter::Resolved,
                ..ListQuery::default()
            },
            None,
            20,
        )
        .await
        .expect_err("only unresolved");
    assert!(err.to_string().contains("only unresolved"), "{err}");

    let gl = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_body(true, None, true)))
        .mount(&gl)
        .await;
    let b = backend(&gl, true);
    let caps = b.probe().await;
    assert!(
        caps.set_status
            .as_deref()
            .is_some_and(|r| r.contains("integrated")),
        "{caps:?}"
    );
    assert_eq!(caps.status_filters, vec![StatusFilter::Unresolved]);
    assert!(b.set_status("77", &Status::Ignored).await.is_err());
}

#[tokio::test]
async fn the_sentry_token_never_goes_where_gitlab_settings_point_unless_allowed() {
    let gl = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let api_url = format!("{}/api/0/projects/acme/web/", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fshop%2Fweb/error_tracking/settings",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_body(
            true,
            Some(&api_url),
            false,
        )))
        .mount(&gl)
        .await;
    // The token is for sentry.io (the default): the settings name another host.
    let b = backend(&gl, true);
    let caps = b.probe().await;
    let why = caps.set_status.expect("refused");
    assert!(
        why.contains(&elsewhere.uri()) && why.contains("--sentry-url"),
        "{why}"
    );
    let e = b
        .set_status("77", &Status::Resolved)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("--sentry-url"), "{e}");
    let q = ListQuery {
        status: StatusFilter::Resolved,
        ..ListQuery::default()
    };
    assert!(b.list(&q, None, 10).await.is_err());
    let seen = elsewhere.received_requests().await.expect("recorded");
    assert!(
        seen.is_empty(),
        "nothing may reach the other host: {seen:?}"
    );
}
