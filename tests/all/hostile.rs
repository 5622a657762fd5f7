//! The clients against servers that misbehave on purpose: redirects that would carry a token
//! away, answers that never end, loops that never stop, and ids that walk up the API.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use errtui::backend::gitlab::GitlabBackend;
use errtui::backend::sentry::SentryBackend;
use errtui::backend::{Backend, BackendError, Secret};
use errtui::model::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const GL_TOKEN: &str = "glpat-hostile-0000000000";
const SENTRY_TOKEN: &str = "sntryu_hostile000000000";

fn gitlab(url: &str) -> GitlabBackend {
    GitlabBackend::new(url, "acme/web", Secret::new(GL_TOKEN, "GITLAB_TOKEN"), None)
        .expect("backend")
        .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn sentry(url: &str, project: Option<&str>) -> SentryBackend {
    SentryBackend::new(
        url,
        "acme",
        project,
        Secret::new(SENTRY_TOKEN, "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn saw_token(reqs: &[Request]) -> bool {
    reqs.iter().any(|r| {
        let all = format!("{:?}", r.headers);
        all.contains(GL_TOKEN) || all.contains(SENTRY_TOKEN)
    })
}

#[tokio::test]
async fn no_redirect_carries_a_token_to_another_origin() {
    let thief = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&thief)
        .await;
    for code in [301u16, 302, 303, 307, 308] {
        let gl = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(code)
                    .insert_header("location", format!("{}/stolen", thief.uri()).as_str()),
            )
            .mount(&gl)
            .await;
        let b = gitlab(&gl.uri());
        let e = b.list_keys().await.expect_err("refused");
        assert!(
            matches!(&e, BackendError::Redirect { target, .. } if target.contains(&thief.uri())),
            "{code}: {e}"
        );
        assert!(e.to_string().contains("another origin"), "{e}");
        let e = b.delete_key("5").await.expect_err("refused");
        assert!(matches!(e, BackendError::Redirect { .. }), "{code}: {e}");
        let e = b.create_key(None).await.expect_err("refused");
        assert!(matches!(e, BackendError::Redirect { .. }), "{code}: {e}");
    }
    let seen = thief.received_requests().await.expect("recorded");
    assert!(
        seen.is_empty(),
        "nothing reaches the other origin: {seen:?}"
    );
    assert!(!saw_token(&seen));
}

#[tokio::test]
async fn a_mutation_is_never_resent_through_a_redirect_even_to_the_same_origin() {
    let s = MockServer::start().await;
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    Mock::given(method("POST"))
        .and(path("/api/0/projects/acme/web/keys/"))
        .respond_with(move |_: &Request| {
            h.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(302).insert_header("location", "/api/0/projects/acme/web/keys/")
        })
        .mount(&s)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/elsewhere/"))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/projects/acme/web/keys/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "k1", "public": "k1", "name": "one", "isActive": true, "dsn": {"public": "https://k1@o.example/1"}}
        ])))
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("web"));
    let e = b.create_key(Some("x")).await.expect_err("not created");
    assert!(e.to_string().contains("does not re-send"), "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "sent once, never again");
    let e = b.delete_key("k1").await.expect_err("not deleted");
    assert!(matches!(e, BackendError::Redirect { .. }), "{e}");
    let gets = s
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.url.path() == "/elsewhere/")
        .count();
    assert_eq!(gets, 0, "a 303 is never turned into a GET");
}

#[tokio::test]
async fn a_get_follows_a_same_origin_redirect() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/projects/acme/web/keys/"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/moved/keys/"))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved/keys/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "k1", "public": "k1", "isActive": true}
        ])))
        .mount(&s)
        .await;
    let keys = sentry(&s.uri(), Some("web"))
        .list_keys()
        .await
        .expect("followed");
    assert_eq!(keys.len(), 1);
}

#[tokio::test]
async fn a_change_is_done_only_when_the_answer_shows_it() {
    let s = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/7/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "7", "shortId": "WEB-7", "title": "x", "status": "unresolved"}),
        ))
        .mount(&s)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/0/projects/acme/web/keys/k1/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "k1", "public": "k1", "isActive": true})),
        )
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("web"));
    let e = b
        .set_status("7", &Status::Resolved)
        .await
        .expect_err("the answer says unresolved");
    assert!(
        matches!(e, BackendError::NotChanged(_)) && e.to_string().contains("still unresolved"),
        "{e}"
    );
    let e = b.set_key_active("k1", false).await.expect_err("still on");
    assert!(e.to_string().contains("did not make the change"), "{e}");
    let e = b
        .create_key(Some("n"))
        .await
        .expect_err("no key in the answer");
    assert!(matches!(e, BackendError::NotChanged(_)), "{e}");
}

#[tokio::test]
async fn dot_ids_and_slugs_never_walk_up_the_api() {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "resolved"})))
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("web"));
    for id in ["..", "."] {
        let e = b
            .set_status(id, &Status::Resolved)
            .await
            .expect_err("refused");
        assert!(matches!(e, BackendError::Invalid(_)), "{e}");
        assert!(b.detail(id).await.is_err());
        assert!(b.delete_key(id).await.is_err());
    }
    let up = sentry(&s.uri(), Some(".."));
    assert!(matches!(
        up.list_keys().await,
        Err(BackendError::Invalid(_))
    ));
    let org =
        SentryBackend::new(&s.uri(), "..", None, Secret::new(SENTRY_TOKEN, "x")).expect("backend");
    assert!(matches!(
        org.list(&ListQuery::default(), None, 10).await,
        Err(BackendError::Invalid(_))
    ));
    let gl = GitlabBackend::new(&s.uri(), "..", Secret::new(GL_TOKEN, "x"), None).expect("b");
    assert!(matches!(
        gl.list_keys().await,
        Err(BackendError::Invalid(_))
    ));
    let seen = s.received_requests().await.expect("recorded");
    assert!(seen.is_empty(), "no request was sent: {seen:?}");
}

#[tokio::test]
async fn a_token_never_travels_over_plain_http_to_a_remote_host() {
    // 192.0.2.1 is TEST-NET-1: if errtui tried to connect, the test would hang or fail
    // differently; the refusal comes before any connection.
    let b = sentry("http://192.0.2.1:9", Some("web"));
    let started = Instant::now();
    let e = b.list_keys().await.expect_err("refused");
    assert!(matches!(e, BackendError::Insecure { .. }), "{e}");
    assert!(e.to_string().contains("--allow-http"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(1));
    let g = GitlabBackend::new(
        "http://gitlab.example.com",
        "a/b",
        Secret::new(GL_TOKEN, "x"),
        None,
    )
    .expect("b");
    assert!(matches!(
        g.list_keys().await,
        Err(BackendError::Insecure { .. })
    ));
    assert!(!e.to_string().contains(SENTRY_TOKEN));
}

#[tokio::test]
async fn pages_that_never_end_stop() {
    let s = MockServer::start().await;
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    // Sentry keys: the same cursor, "more" for ever.
    Mock::given(method("GET"))
        .and(path("/api/0/projects/acme/web/keys/"))
        .respond_with(move |_: &Request| {
            h.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    r#"<https://x/?cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#,
                )
                .set_body_json(json!([{"id": "k1", "public": "k1"}]))
        })
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("web"));
    b.list_keys().await.expect("stops");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "stops at the repeated cursor"
    );

    // The project-slug lookup: new cursors for ever, never the project.
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/projects/"))
        .respond_with(move |_: &Request| {
            let i = c.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!(r#"<https://x/>; rel="next"; results="true"; cursor="0:{i}:0""#)
                        .as_str(),
                )
                .set_body_json(json!([{"id": "1", "slug": "other"}]))
        })
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("missing"));
    let e = b
        .list(&ListQuery::default(), None, 10)
        .await
        .expect_err("not found");
    assert!(matches!(e, BackendError::NotFound { .. }), "{e}");
    assert!(n.load(Ordering::SeqCst) <= errtui::backend::http::limits::MAX_PAGES);

    // GitLab keys: X-Next-Page one more, for ever.
    let g = MockServer::start().await;
    let gn = Arc::new(AtomicUsize::new(0));
    let c = gn.clone();
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/acme%2Fweb/error_tracking/client_keys",
        ))
        .respond_with(move |r: &Request| {
            c.fetch_add(1, Ordering::SeqCst);
            let page: u32 = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            ResponseTemplate::new(200)
                .insert_header("x-next-page", (page + 1).to_string().as_str())
                .set_body_json(
                    json!([{"id": page, "active": true, "public_key": format!("p{page}")}]),
                )
        })
        .mount(&g)
        .await;
    gitlab(&g.uri()).list_keys().await.expect("stops");
    assert!(gn.load(Ordering::SeqCst) <= errtui::backend::http::limits::MAX_PAGES);
}

/// A raw server: `answer` gets each connection after the request head is read.
async fn raw_server<F, Fut>(answer: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = l.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                answer(sock).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_endless_or_huge_body_is_an_error_not_memory_growth() {
    let endless = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n[")
            .await;
        let chunk = vec![b' '; 64 * 1024];
        while s.write_all(&chunk).await.is_ok() {}
    })
    .await;
    let e = sentry(&endless, Some("web"))
        .list_keys()
        .await
        .expect_err("too large");
    assert!(matches!(e, BackendError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("MB"), "{e}");

    let declared = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 209715200\r\n\r\n[")
            .await;
    })
    .await;
    let e = sentry(&declared, Some("web"))
        .list_keys()
        .await
        .expect_err("too large");
    assert!(matches!(e, BackendError::TooLarge { .. }), "{e}");
}

#[tokio::test]
async fn a_silent_server_gives_control_back_within_one_deadline() {
    let silent = raw_server(|s| async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(s);
    })
    .await;
    let b = sentry(&silent, Some("1")).with_http(|h| {
        h.with_timeout(Duration::from_millis(300))
            .with_deadline(Duration::from_millis(700))
    });
    let started = Instant::now();
    let e = b
        .list(&ListQuery::default(), None, 10)
        .await
        .expect_err("timeout");
    assert!(matches!(e, BackendError::Timeout { .. }), "{e}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "retries included, the deadline holds: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn html_where_json_was_expected_is_not_an_api_answer() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<!DOCTYPE html><html><body>Login</body></html>"),
        )
        .mount(&s)
        .await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><h1>CSRF verification failed</h1></html>"),
        )
        .mount(&s)
        .await;
    let b = sentry(&s.uri(), Some("1"));
    let e = b.detail("5").await.expect_err("html");
    assert!(e.to_string().contains("not an API answer"), "{e}");
    assert!(!e.to_string().contains("could not read"), "{e}");
    let e = b.set_status("5", &Status::Resolved).await.expect_err("403");
    assert!(matches!(e, BackendError::Refused { .. }), "{e}");
    assert!(!e.to_string().contains("scope"), "{e}");
}

#[tokio::test]
async fn absurd_rate_limit_waits_never_panic() {
    for v in ["inf", "1e300", "18446744073709551616", "-3", "soon"] {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", v))
            .mount(&s)
            .await;
        let e = sentry(&s.uri(), Some("1"))
            .list(&ListQuery::default(), None, 10)
            .await
            .expect_err("429");
        assert!(matches!(e, BackendError::RateLimited { .. }), "{v}: {e}");
    }
}
