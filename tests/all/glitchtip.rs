//! GlitchTip as a first-class server: the real client against the demo's GlitchTip flavour
//! (each difference GlitchTip 5.1 has from Sentry) and against small mock servers.

use std::time::Duration;

use errtui::backend::sentry::{Flavor, SentryBackend, parse_next_cursor, unclosed_quote};
use errtui::backend::{Backend, BackendError, Secret};
use errtui::demo::{DemoFlavor, DemoOptions, DemoServer};
use errtui::model::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn glitchtip_demo(errors: usize) -> DemoServer {
    errtui::demo::start(DemoOptions {
        errors,
        flavor: DemoFlavor::Glitchtip,
        ..Default::default()
    })
    .await
    .expect("demo")
}

fn client(url: &str, project: Option<&str>) -> SentryBackend {
    SentryBackend::new(
        url,
        "demo",
        project,
        Secret::new("gt-token", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

async fn all(b: &SentryBackend, q: &ListQuery) -> (Vec<ErrorSummary>, Option<u64>) {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = None;
    for _ in 0..50 {
        let page = b.list(q, cursor.as_deref(), 100).await.expect("page");
        total = total.or(page.total);
        out.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    (out, total)
}

#[tokio::test]
async fn detects_glitchtip_once_and_says_so() {
    let s = glitchtip_demo(0).await;
    let b = client(&s.url(), Some("demo"));
    assert_eq!(b.capabilities().name, "Sentry", "nothing asked yet");
    let caps = b.probe().await;
    assert_eq!(caps.name, "GlitchTip");
    assert_eq!(caps.server_label(), "GlitchTip 5.1.0");
    assert!(!caps.sorts.contains(&Sort::Users));
    assert!(caps.sorts.contains(&Sort::Priority));
    assert!(caps.key_toggle.is_some());
    assert!(!caps.user_counts);
    assert!(b.describe().starts_with("GlitchTip 5.1.0 · demo/demo"));

    // The Sentry flavour of the same demo has no /api/settings/: Sentry.
    let sentry = errtui::demo::start(DemoOptions::default())
        .await
        .expect("demo");
    let b = client(&sentry.url(), Some("demo"));
    assert_eq!(b.probe().await.name, "Sentry");
    assert_eq!(b.flavor().await.expect("flavor"), Flavor::Sentry);
}

#[tokio::test]
async fn the_settings_probe_carries_no_token_and_is_asked_once() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/settings/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"version": "git-c264800f", "iPaidForGlitchTip": false})),
        )
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/demo/issues/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&s)
        .await;
    let b = client(&s.uri(), None);
    // The first screen asks for the list and the capabilities at once: one probe.
    let q = ListQuery::default();
    let (listed, caps) = tokio::join!(b.list(&q, None, 10), b.probe());
    listed.expect("list");
    assert_eq!(caps.name, "GlitchTip");
    for _ in 0..3 {
        b.list(&ListQuery::default(), None, 10).await.expect("list");
    }
    assert_eq!(b.probe().await.server_label(), "GlitchTip git-c264800f");
    let seen = s.received_requests().await.expect("recorded");
    let probe = seen
        .iter()
        .find(|r| r.url.path() == "/api/settings/")
        .expect("asked");
    assert!(
        probe.headers.get("authorization").is_none(),
        "the public probe carries no token"
    );
    // Without a project, GlitchTip is asked for every project: no `project=-1`.
    let list = seen
        .iter()
        .find(|r| r.url.path().ends_with("/issues/"))
        .expect("listed");
    assert!(
        !list.url.query_pairs().any(|(k, _)| k == "project"),
        "{}",
        list.url
    );
    assert!(
        list.url
            .query_pairs()
            .any(|(k, v)| k == "sort" && v == "-last_seen")
    );
}

#[tokio::test]
async fn lists_every_status_and_sort_across_pages() {
    let s = glitchtip_demo(300).await;
    let b = client(&s.url(), Some("demo"));
    let mut seen_total = 0;
    for status in StatusFilter::ALL {
        let q = ListQuery {
            status,
            ..Default::default()
        };
        let (items, total) = all(&b, &q).await;
        assert_eq!(Some(items.len() as u64), total, "{status:?}: X-Hits agrees");
        if status == StatusFilter::All {
            assert!(items.len() > 100, "paged past 100: {}", items.len());
            seen_total = items.len();
        }
        let mut ids: Vec<&str> = items.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), items.len(), "{status:?}: no page twice");
    }
    assert!(seen_total > 0);
    for sort in [
        Sort::LastSeen,
        Sort::FirstSeen,
        Sort::Events,
        Sort::Priority,
    ] {
        let q = ListQuery {
            sort,
            ..Default::default()
        };
        let page = b.list(&q, None, 50).await.expect("sorted list");
        assert_eq!(page.items.len(), 50);
        if sort == Sort::Events {
            assert!(page.items.windows(2).all(|w| w[0].count >= w[1].count));
        }
    }
    let users = ListQuery {
        sort: Sort::Users,
        ..Default::default()
    };
    let e = b.list(&users, None, 50).await.expect_err("no user sort");
    assert!(e.to_string().contains("cannot sort by users"), "{e}");
    // Without a project: the whole organization, not an empty list.
    let org = client(&s.url(), None);
    let (items, _) = all(&org, &ListQuery::default()).await;
    assert!(items.len() > 100);
}

#[tokio::test]
async fn search_with_an_open_quote_is_refused_before_sending() {
    let s = glitchtip_demo(0).await;
    let b = client(&s.url(), Some("demo"));
    let q = ListQuery {
        text: "can't connect".into(),
        ..Default::default()
    };
    let e = b.list(&q, None, 10).await.expect_err("refused");
    assert!(matches!(e, BackendError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("unclosed ' quote"), "{e}");
    let ok = ListQuery {
        text: "\"connection refused\"".into(),
        ..Default::default()
    };
    b.list(&ok, None, 10).await.expect("closed quotes are fine");
    assert_eq!(unclosed_quote(r#"say "hi"#), Some('"'));
    assert_eq!(unclosed_quote(r"it\'s"), None);
    assert_eq!(unclosed_quote("level:error TypeError"), None);
}

#[tokio::test]
async fn show_reads_glitchtip_routes_fills_from_the_event_and_builds_the_link() {
    let s = glitchtip_demo(0).await;
    let b = client(&s.url(), Some("demo"));
    let first = b
        .list(&ListQuery::default(), None, 5)
        .await
        .expect("list")
        .items
        .remove(0);
    assert!(
        first.culprit.is_empty(),
        "GlitchTip leaves the culprit empty"
    );
    let mut d = b.detail(&first.id).await.expect("detail by number");
    let ev = b.latest_event(&first.id).await.expect("latest event");
    assert!(!ev.exceptions.is_empty());
    assert!(d.last_release.is_none() && d.summary.culprit.is_empty());
    d.fill_from(&ev);
    assert!(!d.summary.culprit.is_empty(), "culprit from the event");
    assert!(d.last_release.is_some(), "release from the event's tag");
    assert!(d.summary.platform.is_some());
    assert_eq!(
        d.summary.url.as_deref(),
        Some(format!("{}/demo/issues/{}", s.url(), first.id).as_str()),
        "built from the organization, not GlitchTip's permalink"
    );
    // A short id is looked up; the routes take numbers.
    let by_short = b.detail(&first.short_id).await.expect("short id");
    assert_eq!(by_short.summary.id, first.id);
    let ev_short = b
        .latest_event(&first.short_id.to_ascii_lowercase())
        .await
        .expect("short id, any case, looked up once");
    assert_eq!(ev_short.id, ev.id);
    let changed = b
        .set_status(&first.short_id, &Status::Resolved)
        .await
        .expect("resolve by short id");
    assert_eq!(changed.status, Status::Resolved);
    let back = b
        .set_status(&first.id, &Status::Unresolved)
        .await
        .expect("unresolve");
    assert_eq!(back.status, Status::Unresolved);
    let missing = b.detail("NOPE-1").await.expect_err("unknown short id");
    assert!(
        matches!(missing, BackendError::NotFound { .. }),
        "{missing}"
    );
}

#[tokio::test]
async fn the_sentry_routes_on_glitchtip_answer_405_and_html() {
    // What errtui used to do, asked straight: each answer gets its own plain message.
    let s = glitchtip_demo(0).await;
    let sentry_only = client(&s.url(), Some("demo")).with_flavor(Flavor::Sentry);
    let id = client(&s.url(), Some("demo"))
        .list(&ListQuery::default(), None, 1)
        .await
        .expect("list")
        .items[0]
        .id
        .clone();
    let e = sentry_only.detail(&id).await.expect_err("405");
    assert!(e.to_string().contains("405"), "{e}");
    let e = sentry_only.latest_event(&id).await.expect_err("html");
    assert!(matches!(e, BackendError::NotApi { .. }), "{e}");
    assert!(e.to_string().contains("not an API answer"), "{e}");
    let e = sentry_only
        .list(&ListQuery::default(), None, 10)
        .await
        .expect_err("422 on Sentry's sort");
    assert!(e.to_string().contains("422"), "{e}");
    // A short id in a PUT path meets the CSRF page: refused, not a missing scope.
    let e = sentry_only
        .set_status("DEMO-1", &Status::Resolved)
        .await
        .expect_err("html 403");
    assert!(matches!(e, BackendError::Refused { status: 403 }), "{e}");
}

#[tokio::test]
async fn keys_get_a_default_name_an_unknown_state_and_no_toggle() {
    let s = glitchtip_demo(0).await;
    let b = client(&s.url(), Some("demo"));
    let keys = b.list_keys().await.expect("keys");
    assert!(keys.iter().all(|k| k.active.is_none()), "{keys:?}");
    for name in [None, Some(""), Some("  ")] {
        let k = b
            .create_key(name)
            .await
            .expect("created with a default name");
        assert!(
            k.name
                .as_deref()
                .is_some_and(|n| n.starts_with("errtui 20")),
            "{:?}",
            k.name
        );
    }
    let named = b.create_key(Some("web")).await.expect("named");
    assert_eq!(named.name.as_deref(), Some("web"));
    let e = b
        .set_key_active(&named.id, false)
        .await
        .expect_err("no toggle");
    assert!(e.to_string().contains("cannot turn client keys"), "{e}");
    let gone = b.delete_key(&named.id).await.expect("deleted");
    assert_eq!(gone.id, named.id);
}

#[tokio::test]
async fn a_key_answered_in_the_old_state_is_not_reported_changed() {
    // Any server: the PUT's answer decides.
    let s = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "k1", "public": "k1", "isActive": true})),
        )
        .mount(&s)
        .await;
    let b = client(&s.uri(), Some("web")).with_flavor(Flavor::Sentry);
    let e = b
        .set_key_active("k1", false)
        .await
        .expect_err("not changed");
    assert!(matches!(e, BackendError::NotChanged(_)), "{e}");
    assert!(e.to_string().contains("still on"), "{e}");
}

#[tokio::test]
async fn the_slug_lookup_names_the_scope_each_server_wants() {
    for (flavor, scope) in [
        (Flavor::GlitchTip { version: None }, "`project:read`"),
        (Flavor::Sentry, "`org:read`"),
    ] {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/0/organizations/demo/projects/"))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "no"})))
            .mount(&s)
            .await;
        let b = client(&s.uri(), Some("pyapp")).with_flavor(flavor);
        let e = b
            .list(&ListQuery::default(), None, 10)
            .await
            .expect_err("403");
        let text = e.to_string();
        assert!(text.contains(scope), "{text}");
        assert!(text.contains("--project <numeric id>"), "{text}");
        assert!(!text.contains("gt-token"));
    }
}

#[tokio::test]
async fn a_search_the_server_fails_on_is_named_and_not_asked_three_times() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/demo/issues/"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<h1>Server Error (500)</h1>"))
        .expect(2)
        .mount(&s)
        .await;
    let b = client(&s.uri(), Some("1")).with_flavor(Flavor::GlitchTip { version: None });
    let q = ListQuery {
        text: "weird\\ search".into(),
        ..Default::default()
    };
    let e = b.list(&q, None, 10).await.expect_err("500");
    let text = e.to_string();
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("on the search `weird\\ search`"), "{text}");
}

#[test]
fn link_headers_parse_in_both_spellings() {
    let sentry = r#"<https://s/api/0/x/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://s/api/0/x/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#;
    assert_eq!(parse_next_cursor(sentry).as_deref(), Some("0:100:0"));
    let glitchtip = r#"{'<https://g/api/0/organizations/o/issues/?cursor=cD0x>; rel="previous"; results="false", <https://g/api/0/organizations/o/issues/?cursor=cD0yMDI0>; rel="next"; results="true"; cursor="cD0yMDI0"'}"#;
    assert_eq!(parse_next_cursor(glitchtip).as_deref(), Some("cD0yMDI0"));
    let last = r#"{'<https://g/x/?cursor=cD0x>; rel="previous"; results="true"; cursor="cD0x", <https://g/x/?cursor=cD0z>; rel="next"; results="false"; cursor="cD0z"'}"#;
    assert_eq!(parse_next_cursor(last), None);
    // No cursor attribute: taken from the link's URL.
    let bare = r#"<https://g/x/?limit=50&cursor=cD0%3D>; rel="next"; results="true""#;
    assert_eq!(parse_next_cursor(bare).as_deref(), Some("cD0="));
    for junk in [
        "",
        "{}",
        "{''}",
        "<>",
        "garbage; rel=next",
        "<x>; rel=\"next\"; cursor=\"",
    ] {
        assert_eq!(parse_next_cursor(junk), None, "{junk:?}");
    }
}

#[tokio::test]
async fn keys_page_past_fifty_through_the_wrapped_link_header() {
    let s = MockServer::start().await;
    let key = |n: usize| json!({"id": format!("k{n}"), "public": format!("k{n}"), "name": format!("key {n}"), "dsn": {"public": format!("https://k{n}@g.example/1")}});
    let base = format!("{}/api/0/projects/demo/web/keys/", s.uri());
    Mock::given(method("GET"))
        .and(path("/api/0/projects/demo/web/keys/"))
        .and(wiremock::matchers::query_param("cursor", "cD01MA=="))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!((50..60).map(key).collect::<Vec<_>>()))
                .insert_header(
                    "link",
                    format!("{{'<{base}?cursor=cD01MA==>; rel=\"previous\"; results=\"true\"; cursor=\"cD01MA==\", <{base}?cursor=cD02MA==>; rel=\"next\"; results=\"false\"; cursor=\"cD02MA==\"'}}"),
                ),
        )
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/projects/demo/web/keys/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!((0..50).map(key).collect::<Vec<_>>()))
                .insert_header(
                    "link",
                    format!("{{'<{base}?cursor=>; rel=\"previous\"; results=\"false\", <{base}?cursor=cD01MA==>; rel=\"next\"; results=\"true\"; cursor=\"cD01MA==\"'}}"),
                ),
        )
        .mount(&s)
        .await;
    let b = client(&s.uri(), Some("web")).with_flavor(Flavor::GlitchTip { version: None });
    let keys = b.list_keys().await.expect("keys");
    assert_eq!(keys.len(), 60);
    let asked: Vec<String> = s
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(
        asked,
        ["cD01MA=="],
        "the cursor without the wrapper's quotes"
    );
}

#[tokio::test]
async fn the_demo_glitchtip_reproduces_each_difference() {
    let s = glitchtip_demo(150).await;
    let http = reqwest::Client::new();
    let get = |p: String| http.get(format!("{}{p}", s.url())).bearer_auth("t").send();
    let r = http
        .get(format!("{}/api/settings/", s.url()))
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 200, "public, no token");
    let r = get("/api/0/organizations/demo/issues/?sort=date".into())
        .await
        .expect("422");
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["detail"][0]["loc"], json!(["query", "sort"]));
    let r = get("/api/0/organizations/demo/issues/?project=-1".into())
        .await
        .expect("-1");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.expect("json"),
        json!([])
    );
    let r = get("/api/0/organizations/demo/issues/?limit=100".into())
        .await
        .expect("page");
    let link = r.headers()["link"].to_str().expect("link").to_string();
    assert!(link.starts_with("{'<") && link.ends_with("'}"), "{link}");
    let id = r.json::<serde_json::Value>().await.expect("json")[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = get(format!("/api/0/organizations/demo/issues/{id}/"))
        .await
        .expect("405");
    assert_eq!(r.status(), 405);
    let r = get(format!(
        "/api/0/organizations/demo/issues/{id}/events/latest/"
    ))
    .await
    .expect("html");
    assert!(r.text().await.expect("text").starts_with("<!doctype html>"));
    let r = http
        .post(format!("{}/api/0/projects/demo/demo/keys/", s.url()))
        .bearer_auth("t")
        .json(&json!({}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 500, "a key without a name");
    let r = http
        .put(format!("{}/api/0/issues/DEMO-1/", s.url()))
        .bearer_auth("t")
        .json(&json!({"status": "resolved"}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 403);
    assert!(r.text().await.expect("text").contains("CSRF"));
}
