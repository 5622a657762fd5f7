//! Investigating an error: its events (navigation and list), what happened in one event
//! (breadcrumbs, request with masked secrets, contexts), tag breakdowns; the real client against
//! the demo server of both flavours, and the keys in the app.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::msg::{Data, Fetch, Section};
use errtui::app::state::{Overlay, View};
use errtui::app::{Effect, Msg, update};
use errtui::backend::sentry::SentryBackend;
use errtui::backend::{Backend, BackendError, Secret};
use errtui::demo::{DemoFlavor, DemoOptions, DemoServer};
use errtui::model::*;

use crate::common::*;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

async fn demo(flavor: DemoFlavor) -> DemoServer {
    errtui::demo::start(DemoOptions {
        errors: 0,
        flavor,
        ..Default::default()
    })
    .await
    .expect("demo")
}

fn client(url: &str) -> SentryBackend {
    SentryBackend::new(
        url,
        "demo",
        Some("demo"),
        Secret::new("t", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

/// The demo's checkout error: many events, a request, breadcrumbs.
async fn first_error(b: &SentryBackend) -> ErrorSummary {
    let q = ListQuery {
        text: "submit_order".into(),
        ..ListQuery::default()
    };
    b.list(&q, None, 5).await.expect("list").items.remove(0)
}

async fn walks_events(flavor: DemoFlavor) {
    let server = demo(flavor).await;
    let b = client(&server.url());
    let e = first_error(&b).await;
    let latest = b.event(&e.id, &EventRef::Latest).await.expect("latest");
    assert!(latest.next_event_id.is_none(), "nothing is newer");
    let older_id = latest.previous_event_id.clone().expect("an older event");
    let older = b
        .event(&e.id, &EventRef::Id(older_id.clone()))
        .await
        .expect("older");
    assert_eq!(older.id, older_id);
    assert_eq!(older.next_event_id.as_deref(), Some(latest.id.as_str()));
    assert!(older.date < latest.date);
    // The events list agrees, newest first.
    let page = b.events(&e.id, None, 100).await.expect("events");
    assert_eq!(page.items[0].id, latest.id);
    assert_eq!(page.items[1].id, older_id);
    assert!(page.items.windows(2).all(|w| w[0].date >= w[1].date));
    assert!(
        page.items
            .iter()
            .all(|r| r.release.is_some() && r.environment.is_some())
    );
    // Paged, the walk still ends and repeats nothing.
    let first = b.events(&e.id, None, 5).await.expect("page 1");
    let second = b
        .events(&e.id, first.next.as_deref(), 5)
        .await
        .expect("page 2");
    assert!(
        second
            .items
            .iter()
            .all(|x| first.items.iter().all(|y| y.id != x.id))
    );
    // What happened in the event.
    assert!(!latest.breadcrumbs.is_empty());
    let req = latest.request.clone().expect("request");
    assert!(
        req.headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v.starts_with("Bearer"))
    );
    let masked = req.masked();
    assert!(
        masked
            .headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v == MASK)
    );
    assert!(
        masked
            .headers
            .iter()
            .any(|(k, v)| k == "Accept" && v == "application/json")
    );
    assert!(latest.contexts.contains_key("os"));
    assert!(latest.sdk.is_some());
    // Tags: top values with counts that add up.
    let tags = b.tags(&e.id, None).await.expect("tags");
    let release = tags
        .iter()
        .find(|t| t.key == "release")
        .expect("release tag");
    assert_eq!(release.total, e.count);
    assert_eq!(release.top.iter().map(|v| v.count).sum::<u64>(), e.count);
    let only = b.tags(&e.id, Some("environment")).await.expect("one tag");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].key, "environment");
}

#[tokio::test]
async fn sentry_events_walk_back_and_forth_list_and_break_down() {
    walks_events(DemoFlavor::Sentry).await;
    // Oldest and recommended are Sentry's; the oldest has nothing before it.
    let server = demo(DemoFlavor::Sentry).await;
    let b = client(&server.url());
    let e = first_error(&b).await;
    let oldest = b.event(&e.id, &EventRef::Oldest).await.expect("oldest");
    assert!(oldest.previous_event_id.is_none());
    assert!(oldest.next_event_id.is_some());
    b.event(&e.id, &EventRef::Recommended)
        .await
        .expect("recommended");
    // An event id from a pager leads to its error.
    assert_eq!(b.find_event(&oldest.id).await.expect("lookup"), e.id);
}

#[tokio::test]
async fn glitchtip_events_walk_by_its_own_spelling_and_refuse_oldest_plainly() {
    walks_events(DemoFlavor::Glitchtip).await;
    let server = demo(DemoFlavor::Glitchtip).await;
    let b = client(&server.url());
    let e = first_error(&b).await;
    match b.event(&e.id, &EventRef::Oldest).await {
        Err(BackendError::Unsupported(m)) => assert!(m.contains("GlitchTip"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn gitlab_says_it_keeps_only_the_latest_event() {
    let gl = errtui::backend::gitlab::GitlabBackend::new(
        "https://gitlab.example.com",
        "acme/web",
        Secret::new("glpat-x", "GITLAB_TOKEN"),
        None,
    )
    .expect("backend");
    for r in [
        gl.event("1", &EventRef::Oldest).await.map(|_| ()),
        gl.events("1", None, 10).await.map(|_| ()),
    ] {
        match r {
            Err(BackendError::Unsupported(m)) => assert!(m.contains("only the latest"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        gl.tags("1", None).await,
        Err(BackendError::Unsupported(_))
    ));
}

#[test]
fn masking_hides_secret_values_in_headers_query_url_and_body() {
    let r = RequestInfo {
        method: Some("POST".into()),
        url: Some("https://x.example/pay?api_key=k1&page=2".into()),
        query: vec![
            ("access_token".into(), "t1".into()),
            ("q".into(), "shoes".into()),
        ],
        headers: vec![
            ("Set-Cookie".into(), "sid=1".into()),
            ("X-Api-Key".into(), "k2".into()),
            ("Proxy-Authorization".into(), "Basic x".into()),
            ("Accept".into(), "*/*".into()),
        ],
        data: Some(r#"{"user":{"password":"hunter2","name":"ana"},"card_token":"tok"}"#.into()),
    };
    let m = r.masked();
    let text = format!("{m:?}");
    for secret in ["k1", "t1", "sid=1", "k2", "Basic x", "hunter2", "\"tok\""] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    for kept in ["page=2", "shoes", "*/*", "ana"] {
        assert!(text.contains(kept), "{kept} lost: {text}");
    }
}

/// An app with error 101 open and its latest event loaded.
fn opened() -> errtui::app::App {
    let mut app = loaded_app(80, 24, 3);
    update(&mut app, key('j'));
    update(&mut app, code(KeyCode::Enter));
    let req = app.event.track.load.req().expect("event requested");
    update(&mut app, event_loaded(req, "101".into(), Ok(event("101"))));
    let req = app.detail.track.load.req().expect("detail requested");
    update(&mut app, detail_loaded(req, "101".into(), Ok(detail(1))));
    app
}

fn fetched_event(fx: &[Effect]) -> Option<(String, EventRef)> {
    fx.iter().find_map(|e| match e {
        Effect::Fetch {
            fetch: Fetch::Event { id, which },
            ..
        } => Some((id.clone(), which.clone())),
        _ => None,
    })
}

#[test]
fn brackets_step_through_events_and_say_when_there_is_no_more() {
    let mut app = opened();
    assert_eq!(app.event_pos, Some(1));
    let fx = update(&mut app, key('['));
    assert_eq!(
        fetched_event(&fx),
        Some(("101".into(), EventRef::Id("evt101-prev".into())))
    );
    assert_eq!(app.event_pos, Some(2));
    // The event on screen stays until the older one arrives.
    assert_eq!(
        app.event.data.as_ref().map(|e| e.id.as_str()),
        Some("evt101")
    );
    // Typed ahead, the next step waits rather than counting the same event twice.
    for k in ['[', ']'] {
        assert!(fetched_event(&update(&mut app, key(k))).is_none());
        assert_eq!(app.event_pos, Some(2), "{k}");
    }
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("Still loading"))
    );
    let req = app.event.track.load.req().expect("in flight");
    let mut older = event("101");
    older.id = "evt101-prev".into();
    older.previous_event_id = None;
    older.next_event_id = Some("evt101".into());
    update(
        &mut app,
        event_at_loaded(
            req,
            "101".into(),
            EventRef::Id("evt101-prev".into()),
            Ok(older),
        ),
    );
    assert_eq!(
        app.event.data.as_ref().map(|e| e.id.as_str()),
        Some("evt101-prev")
    );
    // Nothing older: said, nothing sent.
    assert!(fetched_event(&update(&mut app, key('['))).is_none());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("oldest"))
    );
    // Newer again comes from the cache, without a request.
    let fx = update(&mut app, key(']'));
    assert!(fetched_event(&fx).is_none(), "{fx:?}");
    assert_eq!(
        app.event.data.as_ref().map(|e| e.id.as_str()),
        Some("evt101")
    );
    assert_eq!(app.event_pos, Some(1));
    // `{` asks for the oldest.
    let fx = update(&mut app, key('{'));
    assert_eq!(fetched_event(&fx), Some(("101".into(), EventRef::Oldest)));
    assert_eq!(
        app.event_pos,
        Some(
            app.detail
                .data
                .as_ref()
                .map(|d| d.summary.count)
                .unwrap_or(0)
        )
    );
}

#[test]
fn gitlab_event_keys_explain_instead_of_asking() {
    let mut app = opened();
    app.caps.event_history = Some("GitLab serves only the latest event of an error.".into());
    for k in ['[', '{', 'E'] {
        let fx = update(&mut app, key(k));
        assert!(fetched_event(&fx).is_none() && fx.is_empty(), "{k}: {fx:?}");
        assert!(
            app.notice
                .as_ref()
                .is_some_and(|n| n.text.contains("only the latest")),
            "{k}"
        );
    }
    assert_eq!(app.view, View::Detail);
}

#[test]
fn events_list_opens_an_event_and_tags_search_the_list() {
    let mut app = opened();
    let fx = update(&mut app, key('E'));
    assert_eq!(app.view, View::Events);
    let req = match fx.as_slice() {
        [
            Effect::Fetch {
                req,
                fetch: Fetch::Events { id, cursor: None },
            },
        ] if id == "101" => *req,
        other => panic!("{other:?}"),
    };
    let rows: Vec<EventSummary> = (0..3)
        .map(|i| EventSummary {
            id: format!("e{i}"),
            date: Some(now() - chrono::Duration::hours(i)),
            release: Some("web@5.13.2".into()),
            ..EventSummary::default()
        })
        .collect();
    update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: Fetch::Events {
                id: "101".into(),
                cursor: None,
            },
            result: Ok(Data::Events(Page {
                items: rows,
                next: None,
                total: Some(3),
            })),
        },
    );
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Detail, "back to where E was pressed");
    assert_eq!(
        fetched_event(&fx),
        Some(("101".into(), EventRef::Id("e2".into())))
    );
    assert_eq!(app.event_pos, Some(3));

    let fx = update(&mut app, key('T'));
    assert_eq!(app.view, View::Tags);
    let req = match fx.as_slice() {
        [
            Effect::Fetch {
                req,
                fetch: Fetch::Tags { id },
            },
        ] if id == "101" => *req,
        other => panic!("{other:?}"),
    };
    let tag =
        |key: &str, vals: &[(&str, u64)]| tag_breakdown(key, vals.iter().map(|v| v.1).sum(), vals);
    update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: Fetch::Tags { id: "101".into() },
            result: Ok(Data::Tags(vec![
                tag("browser", &[("Safari 18.1", 60), ("Chrome", 40)]),
                tag("release", &[("web@5.13.2", 90), ("web@5.12.0", 10)]),
            ])),
        },
    );
    // Release is asked about first, whatever order the server used.
    assert_eq!(app.tags.items[0].key, "release");
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::List);
    assert_eq!(app.query.text, "browser:\"Safari 18.1\"");
    assert!(fx.iter().any(|e| matches!(e, Effect::Fetch { fetch: Fetch::List { query, .. }, .. } if query.text == "browser:\"Safari 18.1\"")));
}

#[test]
fn sections_fold_secrets_reveal_and_messages_are_kept() {
    let mut app = opened();
    update(
        &mut app,
        Msg::Layout {
            detail_max: 80,
            stack_max: 10,
            sections: vec![
                (Section::Trend, 14),
                (Section::Event, 19),
                (Section::Request, 30),
            ],
        },
    );
    update(&mut app, key('J'));
    update(&mut app, key('J'));
    assert_eq!(app.section, Some(Section::Event));
    assert_eq!(app.detail_scroll, 19);
    update(&mut app, key(' '));
    assert!(app.folded.contains(&Section::Event));
    update(&mut app, key(' '));
    assert!(!app.folded.contains(&Section::Event));
    update(&mut app, key('x'));
    assert!(app.reveal);
    // Every notice is kept for M, in order.
    update(&mut app, key('w'));
    assert!(app.log.len() >= 2);
    assert!(
        app.log
            .back()
            .is_some_and(|n| n.text.contains("w does nothing"))
    );
    update(&mut app, key('M'));
    assert!(matches!(app.overlay(), Some(Overlay::Messages)));
    update(&mut app, key('q'));
    assert!(
        app.overlay().is_none() && !app.quit,
        "q closes the log first"
    );
    update(&mut app, key('Z'));
    assert!(app.zoom);
}

#[test]
fn copies_a_summary_the_failing_frame_and_the_event_id() {
    let mut app = opened();
    let copied = |fx: Vec<Effect>| {
        fx.into_iter()
            .find_map(|e| match e {
                Effect::Copy(t) => Some(t),
                _ => None,
            })
            .expect("copied")
    };
    let summary = copied(update(&mut app, key('Y')));
    assert!(summary.starts_with("**[SHOP-1] TypeError"), "{summary}");
    assert!(summary.contains("https://sentry.example.com/organizations/acme/issues/101/"));
    assert!(summary.contains("events: 1,037"));
    assert!(summary.contains("release: web@5.13.2"));
    assert!(
        summary.contains("`app/components/CartSummary.tsx:38:12`"),
        "{summary}"
    );
    assert_eq!(
        copied(update(&mut app, key('P'))),
        "app/components/CartSummary.tsx:38:12"
    );
    assert_eq!(copied(update(&mut app, key('I'))), "evt101");
}

#[test]
fn the_selection_resting_prefetches_detail_and_event_in_the_narrow_layout_too() {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(&mut app, key('j'));
    let timer = fx
        .iter()
        .find_map(|e| match e {
            Effect::After { timer, .. } => Some(timer.clone()),
            _ => None,
        })
        .expect("a pause before prefetching");
    let fx = update(&mut app, Msg::Timer(timer));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Fetch { fetch: Fetch::Detail { id }, .. } if id == "101"))
    );
    assert_eq!(fetched_event(&fx), Some(("101".into(), EventRef::Latest)));
    let req = app.event.track.load.req().expect("event requested");
    update(&mut app, event_loaded(req, "101".into(), Ok(event("101"))));
    // Enter now shows it without asking again.
    let fx = update(&mut app, code(KeyCode::Enter));
    assert!(fetched_event(&fx).is_none(), "{fx:?}");
    assert_eq!(
        app.event.data.as_ref().map(|e| e.id.as_str()),
        Some("evt101")
    );
}
