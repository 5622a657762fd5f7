//! `errtui doctor` against mock servers that fail at each step, and end to end on the demo.

use std::time::Duration;

use errtui::backend::gitlab::GitlabBackend;
use errtui::backend::sentry::{Flavor, SentryBackend};
use errtui::backend::{Backend, Secret};
use errtui::model::{Check, CheckStatus};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn sentry(server: &MockServer, project: Option<&str>) -> SentryBackend {
    SentryBackend::new(
        &server.uri(),
        "acme",
        project,
        Secret::new("t", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_flavor(Flavor::Sentry)
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn gitlab(server: &MockServer) -> GitlabBackend {
    GitlabBackend::new(
        &server.uri(),
        "acme/web",
        Secret::new("g", "GITLAB_TOKEN"),
        None,
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

async fn answer(server: &MockServer, p: &str, status: u16, body: Value) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

fn get<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {checks:?}"))
}

#[tokio::test]
async fn sentry_a_rejected_token_fails_with_where_to_make_one_and_skips_the_rest() {
    let server = MockServer::start().await;
    answer(&server, "/api/0/", 401, json!({"detail": "Invalid token"})).await;
    let checks = sentry(&server, None).checks().await;
    let t = get(&checks, "token");
    assert_eq!(t.status, CheckStatus::Fail);
    assert!(
        t.fix
            .as_deref()
            .is_some_and(|f| f.contains("/settings/account/api/auth-tokens/"))
    );
    assert_eq!(get(&checks, "organization").status, CheckStatus::Skip);
    assert!(!format!("{checks:?}").contains("\"t\""), "no token value");
}

#[tokio::test]
async fn sentry_missing_write_scopes_warn_and_a_wrong_organization_fails() {
    let server = MockServer::start().await;
    answer(&server, "/api/0/", 200, json!({"version": "0", "auth": {"scopes": ["event:read", "org:read"]}, "user": {"id": "1"}})).await;
    answer(
        &server,
        "/api/0/organizations/acme/",
        404,
        json!({"detail": "The requested resource does not exist"}),
    )
    .await;
    let checks = sentry(&server, None).checks().await;
    let t = get(&checks, "token");
    assert_eq!(t.status, CheckStatus::Warn);
    assert!(
        t.detail.contains("missing event:write and project:write"),
        "{}",
        t.detail
    );
    let o = get(&checks, "organization");
    assert_eq!(o.status, CheckStatus::Fail);
    assert!(o.fix.as_deref().is_some_and(|f| f.contains("SENTRY_ORG")));
    assert_eq!(get(&checks, "project").status, CheckStatus::Skip);
}

#[tokio::test]
async fn gitlab_with_monitor_off_explains_connection_failed() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/api/v4/version",
        200,
        json!({"version": "17.5.1"}),
    )
    .await;
    answer(&server, "/api/v4/user", 200, json!({"username": "dana"})).await;
    answer(
        &server,
        "/api/v4/personal_access_tokens/self",
        200,
        json!({"scopes": ["read_api"]}),
    )
    .await;
    answer(
        &server,
        "/api/v4/projects/acme%2Fweb",
        200,
        json!({"id": 7, "path_with_namespace": "acme/web", "monitor_access_level": "disabled"}),
    )
    .await;
    let checks = gitlab(&server).checks().await;
    assert_eq!(
        get(&checks, "server").detail,
        format!("{}: GitLab 17.5.1", server.uri())
    );
    let t = get(&checks, "token");
    assert_eq!(t.status, CheckStatus::Warn, "read_api reads only");
    let p = get(&checks, "project");
    assert_eq!(p.status, CheckStatus::Fail);
    assert!(
        p.detail
            .contains("Connection failed. Check auth token and try again"),
        "{}",
        p.detail
    );
    assert!(
        p.fix.as_deref().is_some_and(|f| f.contains("Monitor")),
        "{:?}",
        p.fix
    );
    assert_eq!(get(&checks, "error tracking").status, CheckStatus::Skip);
}

#[tokio::test]
async fn gitlab_error_tracking_not_set_up_off_or_not_readable() {
    for (status, body, want, says) in [
        (
            404,
            json!({"message": "404 Error Tracking Setting Not Found"}),
            CheckStatus::Fail,
            "Set it up at",
        ),
        (
            403,
            json!({"message": "403 Forbidden"}),
            CheckStatus::Warn,
            "Maintainer",
        ),
        (
            200,
            json!({"active": false, "integrated": false}),
            CheckStatus::Fail,
            "errtui settings enable",
        ),
    ] {
        let server = MockServer::start().await;
        answer(
            &server,
            "/api/v4/version",
            200,
            json!({"version": "17.5.1"}),
        )
        .await;
        answer(
            &server,
            "/api/v4/projects/acme%2Fweb",
            200,
            json!({"id": 7, "path_with_namespace": "acme/web", "monitor_access_level": "enabled"}),
        )
        .await;
        answer(
            &server,
            "/api/v4/projects/acme%2Fweb/error_tracking/settings",
            status,
            body,
        )
        .await;
        let checks = gitlab(&server).checks().await;
        let e = get(&checks, "error tracking");
        assert_eq!(e.status, want, "{status}: {e:?}");
        assert!(
            e.fix.as_deref().is_some_and(|f| f.contains(says)),
            "{status}: {e:?}"
        );
        assert_eq!(
            get(&checks, "sentry").status,
            CheckStatus::Warn,
            "no Sentry token"
        );
    }
}

#[tokio::test]
async fn gitlab_a_rejected_token_is_not_a_dead_server() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/api/v4/version",
        401,
        json!({"message": "401 Unauthorized"}),
    )
    .await;
    let checks = gitlab(&server).checks().await;
    assert_eq!(get(&checks, "server").status, CheckStatus::Ok);
    let t = get(&checks, "token");
    assert_eq!(t.status, CheckStatus::Fail);
    assert!(
        t.fix
            .as_deref()
            .is_some_and(|f| f.contains("personal_access_tokens"))
    );
}

#[test]
fn doctor_end_to_end_json_and_exit_codes() {
    let url = crate::cli::demo_url();
    let env = [
        ("SENTRY_URL", url),
        ("SENTRY_ORG", "demo"),
        ("SENTRY_PROJECT", "demo"),
        ("SENTRY_AUTH_TOKEN", "x"),
    ];
    let o = crate::cli::run_in(&["doctor", "--json"], &env, crate::cli::empty_home());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let checks: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "config",
            "profile",
            "settings",
            "token found",
            "server",
            "flavour",
            "token",
            "organization",
            "project"
        ]
    );
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{checks:?}");
    // A wrong organization: exit 1, and the line says how to fix it.
    let env = [
        ("SENTRY_URL", url),
        ("SENTRY_ORG", "nope"),
        ("SENTRY_AUTH_TOKEN", "x"),
    ];
    let o = crate::cli::run_in(&["doctor"], &env, crate::cli::empty_home());
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("✗ organization") && out.contains("fix:"),
        "{out}"
    );
    // No token anywhere: the token line fails and says where one can come from.
    let o = crate::cli::run_in(
        &["doctor"],
        &[("SENTRY_ORG", "demo")],
        crate::cli::empty_home(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("✗ token found"));
}
