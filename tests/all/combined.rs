//! A view combining profiles: one list from a Sentry organization and a GitLab project, each
//! row marked with where it comes from, each action sent to its own server; a server that does
//! not answer is said while the others still show.

use std::sync::Arc;
use std::time::Duration;

use errtui::app::{Effect, update};
use errtui::backend::combined::Combined;
use errtui::backend::gitlab::GitlabBackend;
use errtui::backend::sentry::SentryBackend;
use errtui::backend::{Backend, BackendError, Secret};
use errtui::demo::{DemoOptions, DemoServer};
use errtui::model::*;

use crate::common::*;

async fn demo() -> DemoServer {
    errtui::demo::start(DemoOptions::default())
        .await
        .expect("demo")
}

fn sentry(url: &str) -> Arc<dyn Backend> {
    Arc::new(
        SentryBackend::new(
            url,
            "demo",
            Some("demo"),
            Secret::new("sntryu-demo", "SENTRY_AUTH_TOKEN"),
        )
        .expect("backend")
        .with_http(|h| {
            h.with_retry_base(Duration::from_millis(5))
                .with_timeout(Duration::from_millis(800))
        }),
    )
}

fn gitlab(url: &str) -> Arc<dyn Backend> {
    Arc::new(
        GitlabBackend::new(
            url,
            "demo-group/demo",
            Secret::new("glpat-demo", "GITLAB_TOKEN"),
            None,
        )
        .expect("backend")
        .with_http(|h| h.with_retry_base(Duration::from_millis(5))),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_combined_view_lists_both_profiles_and_sends_each_change_to_its_own_server() {
    let (a, b) = (demo().await, demo().await);
    let c = Combined::new(vec![
        ("prod".into(), sentry(&a.url())),
        ("web".into(), gitlab(&b.url())),
    ]);
    let page = c.list(&ListQuery::default(), None, 25).await.expect("list");
    let from = |o: &str| {
        page.items
            .iter()
            .filter(|e| e.origin.as_deref() == Some(o))
            .count()
    };
    assert!(
        from("prod") > 0 && from("web") > 0,
        "both profiles' rows: {:?}",
        c.warnings()
    );
    assert!(page.items.iter().all(|e| {
        let o = e
            .origin
            .as_deref()
            .expect("every row says where it is from");
        e.id.starts_with(&format!("{o}:"))
    }));
    assert!(
        page.items
            .windows(2)
            .all(|w| w[0].last_seen >= w[1].last_seen),
        "merged in the list's order"
    );
    assert!(
        page.next.is_some(),
        "more pages, with each profile's cursor"
    );
    let more = c
        .list(&ListQuery::default(), page.next.as_deref(), 25)
        .await
        .expect("page 2");
    assert!(
        more.items
            .iter()
            .all(|e| !page.items.iter().any(|p| p.id == e.id))
    );

    // The detail of a GitLab row comes from GitLab, under its combined id.
    let web = page
        .items
        .iter()
        .find(|e| e.origin.as_deref() == Some("web"))
        .expect("web row");
    // (GitLab warms its cache first; the app asks again the same way.)
    let d = loop {
        match c.detail(&web.id).await {
            Err(BackendError::Warming) => tokio::time::sleep(Duration::from_millis(300)).await,
            other => break other.expect("detail"),
        }
    };
    assert_eq!(d.summary.id, web.id);
    assert_eq!(d.summary.origin.as_deref(), Some("web"));

    // Resolving a Sentry row changes it on the Sentry server only.
    let prod = page
        .items
        .iter()
        .find(|e| e.origin.as_deref() == Some("prod"))
        .expect("prod row");
    let own = prod.id.strip_prefix("prod:").expect("prefixed").to_string();
    c.update(
        std::slice::from_ref(&prod.id),
        &Change::Resolve(Resolve::Now),
    )
    .await
    .expect("resolved");
    let on_a = sentry(&a.url()).detail(&own).await.expect("read back");
    assert_eq!(
        on_a.summary.status,
        Status::Resolved,
        "the change reached its own server"
    );
    let on_b = sentry(&b.url()).detail(&own).await.expect("the other");
    assert_eq!(on_b.summary.status, Status::Unresolved, "and no other");

    // Errors of two profiles cannot merge; an id of no profile goes nowhere.
    let e = c
        .merge(&[prod.id.clone(), web.id.clone()])
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("different profiles"), "{e}");
    assert!(matches!(
        c.detail(&own).await,
        Err(BackendError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_does_not_answer_is_said_and_the_others_still_show() {
    let a = demo().await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let c = Combined::new(vec![
        ("prod".into(), sentry(&a.url())),
        ("old".into(), sentry(&dead)),
    ]);
    let page = c
        .list(&ListQuery::default(), None, 25)
        .await
        .expect("the others show");
    assert!(!page.items.is_empty());
    assert!(
        page.items
            .iter()
            .all(|e| e.origin.as_deref() == Some("prod"))
    );
    let said = c.warnings();
    assert!(said.len() == 1 && said[0].contains("old:"), "{said:?}");
    assert!(c.warnings().is_empty(), "said once");
    // All gone: the list fails, naming the profile.
    let c = Combined::new(vec![
        ("old".into(), sentry(&dead)),
        ("older".into(), sentry(&dead)),
    ]);
    assert!(c.list(&ListQuery::default(), None, 25).await.is_err());
}

#[test]
fn a_view_that_combines_profiles_asks_the_runtime_to_open_them_then_shows_its_list() {
    let mut app = loaded_app(100, 30, 3);
    app.refresh_base = Some(30);
    app.refresh_every = Some(30);
    app.views = vec![SavedView {
        name: "on-call".into(),
        query: ListQuery {
            text: "level:fatal".into(),
            ..ListQuery::default()
        },
        profiles: vec!["prod".into(), "web".into()],
        refresh: Some(Some(10)),
    }];
    let digit = || {
        errtui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('1'),
        ))
    };
    let fx = update(&mut app, digit());
    assert!(
        fx.contains(&Effect::Combine {
            key: "prod+web".into(),
            profiles: vec!["prod".into(), "web".into()],
            view: 0
        }),
        "{fx:?}"
    );
    assert_eq!(
        app.query.text, "",
        "nothing changes until the profiles are open"
    );
    // Opened (the runtime switched to them): the view's list, at the view's own pace.
    app.profile = Some("prod+web".into());
    let fx = update(&mut app, errtui::app::Msg::ShowView(0));
    assert!(asked(&fx, |f| matches!(f, errtui::app::msg::Fetch::List { .. })).is_some());
    assert_eq!(app.query.text, "level:fatal");
    assert_eq!(app.refresh_every, Some(10));
    // Rows say where they come from.
    for (i, e) in app.list.items.iter_mut().enumerate() {
        e.origin = Some(if i % 2 == 0 { "prod" } else { "web" }.into());
    }
    let screen = crate::core::render_text(&app);
    assert!(
        screen.contains("From") && screen.contains("web"),
        "{screen}"
    );
}
