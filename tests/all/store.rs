//! What errtui remembers between runs: the database's migrations (from empty and from an older
//! schema), seen-state per profile, its bound, and the first list after a restart marking what
//! arrived since.

use errtui::app::watching::Mark;
use errtui::app::{Effect, update};
use errtui::model::*;
use errtui::store::{MAX_SEEN, Store, clear};

use crate::common::*;

#[test]
fn migrations_run_from_empty_and_from_an_older_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state/errtui.db");
    let s = Store::open(&p).expect("from empty");
    assert_eq!(s.version().expect("version"), 5);
    drop(s);
    // A database left by schema 1.
    let old = dir.path().join("old.db");
    {
        let c = rusqlite_open(&old);
        c.execute_batch(
            "CREATE TABLE seen (profile TEXT NOT NULL, error_id TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (profile, error_id));
             INSERT INTO seen VALUES ('prod', '42', 1);
             PRAGMA user_version = 1;",
        )
        .expect("schema 1");
    }
    let mut s = Store::open(&old).expect("migrated");
    assert_eq!(s.version().expect("version"), 5);
    assert!(
        s.seen("prod").expect("seen").contains("42"),
        "kept across the migration"
    );
    // The tables of the later schemas work on the migrated database.
    s.save_searches("prod", &["level:fatal".into()])
        .expect("searches");
    s.save_ids("prod", &[("project:api".into(), "7".into())], 100)
        .expect("ids");
    assert_eq!(
        s.ids("prod", 200).expect("ids"),
        [("project:api".to_string(), "7".to_string())]
    );
    assert!(
        s.ids("prod", 100 + errtui::store::IDS_MAX_AGE_SECS + 1)
            .expect("ids")
            .is_empty(),
        "ids older than a week are looked up again"
    );
    drop(s);
    // One from a newer errtui is refused with the fix.
    rusqlite_open(&old)
        .execute_batch("PRAGMA user_version = 99;")
        .expect("bump");
    let e = Store::open(&old).err().expect("newer");
    assert!(e.contains("errtui cache clear"), "{e}");
    assert!(clear(&old).expect("cleared"));
    assert!(
        !dir.path().join("old.db-wal").exists() && !dir.path().join("old.db-shm").exists(),
        "the write-ahead log goes too"
    );
    assert!(!clear(&old).expect("again"), "nothing the second time");
}

fn rusqlite_open(p: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(p).expect("open")
}

#[test]
fn seen_state_is_per_profile_and_bounded() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Store::open(&dir.path().join("e.db")).expect("open");
    s.mark_seen("prod", &["1".into(), "2".into()], 100)
        .expect("mark");
    s.mark_seen("staging", &["3".into()], 100).expect("mark");
    assert_eq!(s.seen("prod").expect("seen").len(), 2);
    assert!(!s.seen("prod").expect("seen").contains("3"));
    let many: Vec<String> = (0..(MAX_SEEN + 10)).map(|i| format!("x{i}")).collect();
    s.mark_seen("big", &many, 5).expect("many");
    assert_eq!(s.seen("big").expect("seen").len(), MAX_SEEN);
}

#[test]
fn after_a_restart_what_arrived_meanwhile_is_marked_new_and_the_rest_is_not() {
    // Yesterday's run saw errors 100 and 101.
    let mut app = app(100, 30);
    app.seen = ["100".to_string(), "101".to_string()].into_iter().collect();
    let fx = first_list(&mut app, (0..3).map(summary).collect());
    assert_eq!(app.marks_seen.get("102"), Some(&Mark::New));
    assert!(!app.marks_seen.contains_key("100") && !app.marks_seen.contains_key("101"));
    // And the newly seen one is to be remembered.
    assert!(
        fx.contains(&Effect::RememberSeen(vec!["102".into()])),
        "{fx:?}"
    );
}

#[test]
fn the_last_list_is_kept_and_shown_at_once_marked_cached_then_offline_when_the_server_is_gone() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Store::open(&dir.path().join("e.db")).expect("open");
    let rows: Vec<ErrorSummary> = (0..3).map(summary).collect();
    s.save_list("prod", &rows, now().timestamp() - 3 * 3600)
        .expect("save");
    let (back, at) = s.load_list("prod").expect("load").expect("some");
    assert_eq!(back.len(), 3);
    assert_eq!(back[1].short_id, "SHOP-1");
    assert_eq!(back[1].count, rows[1].count);
    assert_eq!(back[1].stats_24h, rows[1].stats_24h);
    assert!(s.load_list("other").expect("load").is_none());
    // The app shows them at once, marked cached with their age.
    let mut app = app(100, 30);
    update(&mut app, errtui::app::Msg::Cached { items: back, at });
    let fx = errtui::app::update::init(&mut app);
    assert_eq!(
        app.list.items.len(),
        3,
        "still there while the fresh list loads"
    );
    let screen = crate::core::render_text(&app);
    assert!(screen.contains("cached 3h ago"), "{screen}");
    // The server is gone: the rows stay, marked offline.
    let Effect::Fetch { req, .. } = fx[0].clone() else {
        panic!()
    };
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Err(errtui::backend::BackendError::Connect {
                host: "sentry.example.com".into(),
                reason: "connection refused".into(),
            }),
        ),
    );
    assert_eq!(app.list.items.len(), 3);
    let screen = crate::core::render_text(&app);
    assert!(screen.contains("offline, cached 3h ago"), "{screen}");
    // Fresh rows replace them, and are kept for the next start.
    let fx = refresh_answered(&mut app, Ok((0..4).map(summary).collect()));
    assert!(app.cached_at.is_none());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::RememberList(r) if r.len() == 4))
    );
    // A refresh that brings nothing new rewrites nothing: only the time moves.
    let fx = refresh_answered(&mut app, Ok((0..4).map(summary).collect()));
    assert!(fx.contains(&Effect::RememberListFresh), "{fx:?}");
    assert!(!fx.iter().any(|e| matches!(e, Effect::RememberList(_))));
    s.touch_list("prod", now().timestamp()).expect("touch");
    let (_, at) = s.load_list("prod").expect("load").expect("some");
    assert_eq!(
        at.timestamp(),
        now().timestamp(),
        "kept as of the last refresh"
    );
}

#[test]
fn offline_changes_are_refused_with_a_clear_message_and_nothing_is_sent() {
    let mut app = loaded_app(80, 24, 3);
    refresh_answered(
        &mut app,
        Err(errtui::backend::BackendError::Connect {
            host: "sentry.example.com".into(),
            reason: "connection refused".into(),
        }),
    );
    assert!(app.offline());
    for k in ['r', 'i', 'a', 'b', 'c'] {
        let fx = update(
            &mut app,
            errtui::app::Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(k),
            )),
        );
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::Update { .. } | Effect::Comment { .. })),
            "{k}"
        );
        assert!(app.overlays.is_empty(), "{k}: no menu");
        assert!(
            app.notice
                .as_ref()
                .is_some_and(|n| n.text.starts_with("Offline")),
            "{k}"
        );
    }
}

fn demo_client(url: &str) -> std::sync::Arc<dyn errtui::backend::Backend> {
    std::sync::Arc::new(
        errtui::backend::sentry::SentryBackend::new(
            url,
            "demo",
            Some("demo"),
            errtui::backend::Secret::new("t", "SENTRY_AUTH_TOKEN"),
        )
        .expect("backend")
        .with_http(|h| h.with_retry_base(std::time::Duration::from_millis(5))),
    )
}

fn press(core: &mut errtui::runtime::Core, c: crossterm::event::KeyCode) {
    core.dispatch(errtui::app::Msg::Key(crossterm::event::KeyEvent::from(c)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_opened_before_stays_readable_offline_with_its_stack_trace() {
    use crossterm::event::KeyCode;
    use errtui::app::state::View;
    use errtui::runtime::Core;
    let dir = tempfile::tempdir().expect("dir");
    let db = std::sync::Arc::new(std::sync::Mutex::new(
        Store::open(&dir.path().join("errtui.db")).expect("db"),
    ));
    let server = errtui::demo::start(errtui::demo::DemoOptions::default())
        .await
        .expect("demo");
    let url = server.url();

    // Online: the list, then the first error and its stack trace.
    let mut core = Core::new(demo_client(&url), chrono::Utc::now());
    core.app.width = 160;
    core.app.height = 48;
    core.attach_store(db.clone(), "prod".into());
    core.init();
    pump(&mut core, |a| {
        a.list.loaded_once && !a.list.items.is_empty()
    })
    .await;
    let first = core.app.list.items[0].clone();
    press(&mut core, KeyCode::Enter);
    press(&mut core, KeyCode::Enter);
    pump(&mut core, |a| {
        a.view == View::Stack && a.detail.data.is_some() && a.event.data.is_some()
    })
    .await;
    let online = crate::core::render_text(&core.app);
    let frame = core.app.event.data.as_ref().expect("event").exceptions[0]
        .frames
        .last()
        .and_then(|f| f.function.clone())
        .expect("a frame with a function");
    assert!(online.contains(&frame), "{online}");
    // The writes are off the UI loop: wait until they landed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let kept = {
            let db = db.lock().expect("lock");
            let event = db
                .load_opened::<Event>("prod", errtui::store::Kind::Event, &first.id)
                .expect("read");
            let list = db.load_list("prod").expect("read");
            event.is_some() && list.is_some()
        };
        if kept {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the event was never kept"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(core);

    // The server stops; errtui starts again.
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let mut core = Core::new(demo_client(&url), chrono::Utc::now());
    core.app.width = 160;
    core.app.height = 48;
    core.attach_store(db.clone(), "prod".into());
    assert!(!core.app.list.items.is_empty(), "the last list, at once");
    core.init();
    pump(&mut core, |a| a.offline()).await;
    let screen = crate::core::render_text(&core.app);
    assert!(screen.contains("offline, cached"), "{screen}");
    assert!(screen.contains(&first.short_id), "{screen}");
    // The error opened before opens, with its stack trace, marked offline.
    core.app.list.selected = 0;
    press(&mut core, KeyCode::Enter);
    pump(&mut core, |a| a.detail.data.is_some()).await;
    let screen = crate::core::render_text(&core.app);
    assert!(screen.contains("offline, cached just now"), "{screen}");
    press(&mut core, KeyCode::Enter);
    pump(&mut core, |a| {
        a.view == View::Stack && a.event.data.is_some()
    })
    .await;
    let screen = crate::core::render_text(&core.app);
    assert!(
        screen.contains("Stack trace · offline, cached just now"),
        "{screen}"
    );
    assert!(screen.contains(&frame), "the stack is readable: {screen}");
    // No change goes out while offline.
    press(&mut core, KeyCode::Char('r'));
    assert!(
        core.app
            .notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("Offline")),
        "{:?}",
        core.app.notice
    );
}

#[test]
fn opened_events_are_kept_masked_bounded_and_read_back_clean() {
    use errtui::app::msg::Opened;
    use errtui::store::{Kind, MAX_OPENED};
    // The app asks to keep what it opened, with the request's secrets masked.
    let mut app = loaded_app(160, 48, 3);
    update(
        &mut app,
        errtui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    let id = app.detail.key.clone().expect("opened");
    let req = app.event.load().req().expect("event asked");
    let mut ev = event(&id);
    ev.request = Some(RequestInfo {
        method: Some("POST".into()),
        url: Some("https://shop.example.com/pay?token=abc".into()),
        headers: vec![("Authorization".into(), "Bearer s3cret".into())],
        ..Default::default()
    });
    let fx = update(&mut app, event_loaded(req, id.clone(), Ok(ev.clone())));
    let kept: Vec<(String, Event)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::RememberOpened(Opened::Event { key, event }) => {
                Some((key.clone(), (**event).clone()))
            }
            _ => None,
        })
        .collect();
    assert!(
        kept.iter().any(|(k, _)| *k == id),
        "kept as the latest: {kept:?}"
    );
    for (_, e) in &kept {
        let text = serde_json::to_string(e).expect("json");
        assert!(!text.contains("s3cret") && !text.contains("abc"), "{text}");
    }

    // The database bounds what it keeps, and cleans what it reads back.
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Store::open(&dir.path().join("e.db")).expect("open");
    for i in 0..(MAX_OPENED + 5) {
        s.save_opened("prod", Kind::Detail, &i.to_string(), &detail(1), i as i64)
            .expect("save");
    }
    assert!(
        s.load_opened::<ErrorDetail>("prod", Kind::Detail, "0")
            .expect("read")
            .is_none(),
        "the oldest went"
    );
    let (d, at) = s
        .load_opened::<ErrorDetail>("prod", Kind::Detail, &(MAX_OPENED + 4).to_string())
        .expect("read")
        .expect("the newest stays");
    assert_eq!(d, detail(1), "read back as it was");
    assert_eq!(at.timestamp(), (MAX_OPENED + 4) as i64);
    let mut hostile = event("9");
    hostile.title = Some("boom\u{1b}]52;c;ZXZpbA==\u{7}".into());
    hostile.message = Some("line one\nline\u{202e} two".into());
    s.save_opened("prod", Kind::Event, "9", &hostile, 10_000)
        .expect("save");
    let (back, _) = s
        .load_opened::<Event>("prod", Kind::Event, "9")
        .expect("read")
        .expect("some");
    assert_eq!(back.title.as_deref(), Some("boom"));
    assert_eq!(
        back.message.as_deref(),
        Some("line one\nline two"),
        "lines kept"
    );
    assert_eq!(back.exceptions, hostile.exceptions);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projects_number_looked_up_once_is_remembered_for_the_next_start() {
    use errtui::backend::sentry::{Flavor, SentryBackend};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/projects/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([{"id": "11", "slug": "shop"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(query_param("project", "11"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!([{
                "id": "1", "shortId": "SHOP-1", "title": "KeyError", "culprit": "shop.views",
                "level": "error", "status": "unresolved", "count": "3", "userCount": 1,
                "project": {"id": "11", "slug": "shop"}
            }])),
        )
        .expect(2)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("dir");
    let db = std::sync::Arc::new(std::sync::Mutex::new(
        Store::open(&dir.path().join("errtui.db")).expect("db"),
    ));
    let client = || -> std::sync::Arc<dyn errtui::backend::Backend> {
        std::sync::Arc::new(
            SentryBackend::new(
                &server.uri(),
                "acme",
                Some("shop"),
                errtui::backend::Secret::new("t", "SENTRY_AUTH_TOKEN"),
            )
            .expect("backend")
            .with_flavor(Flavor::Sentry),
        )
    };
    for run in 0..2 {
        let mut core = errtui::runtime::Core::new(client(), chrono::Utc::now());
        core.attach_store(db.clone(), "prod".into());
        core.init();
        pump(&mut core, |a| {
            a.list.loaded_once && !a.list.items.is_empty()
        })
        .await;
        if run == 0 {
            // The write is off the UI loop.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while db
                .lock()
                .expect("lock")
                .ids("prod", chrono::Utc::now().timestamp())
                .expect("ids")
                .is_empty()
            {
                assert!(std::time::Instant::now() < deadline, "never kept");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
    // `expect(1)` on the projects: verified when the server drops.
}

#[test]
fn a_list_that_answers_before_the_seen_state_is_read_waits_with_its_marks() {
    let mut app = app(100, 30);
    app.seen_pending = true;
    let fx = first_list(&mut app, (0..3).map(summary).collect());
    assert!(
        app.marks_seen.is_empty(),
        "nothing called new before it is known"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::RememberSeen(_))));
    // The database answers: 100 and 101 were seen last night.
    let fx = update(
        &mut app,
        errtui::app::Msg::Remembered {
            seen: ["100".to_string(), "101".to_string()].into_iter().collect(),
            rest: Vec::new(),
        },
    );
    assert_eq!(app.marks_seen.get("102"), Some(&Mark::New));
    assert_eq!(app.marks_seen.len(), 1);
    assert!(
        fx.contains(&Effect::RememberSeen(vec!["102".into()])),
        "{fx:?}"
    );
}

#[test]
fn the_last_list_is_read_head_first_and_an_older_schemas_list_still_reads() {
    use errtui::store::HEAD_ROWS;
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Store::open(&dir.path().join("e.db")).expect("open");
    let rows: Vec<ErrorSummary> = (0..(HEAD_ROWS + 50)).map(summary).collect();
    s.save_list("prod", &rows, 100).expect("save");
    let (head, _, more) = s.load_list_head("prod").expect("head").expect("some");
    assert_eq!(head.len(), HEAD_ROWS);
    assert!(more);
    assert_eq!(s.load_list_rest("prod").expect("rest").len(), 50);
    assert_eq!(s.load_list("prod").expect("all").expect("some").0, rows);
    // A list kept by schema 3 (all rows in one column) reads whole after the migration.
    let old = dir.path().join("old.db");
    {
        let c = rusqlite_open(&old);
        c.execute_batch(
            "CREATE TABLE seen (profile TEXT NOT NULL, error_id TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (profile, error_id));
             CREATE INDEX seen_by_age ON seen (profile, seen_at);
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE list_cache (profile TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, rows TEXT NOT NULL);
             INSERT INTO list_cache VALUES ('prod', 100, '[{\"id\":\"7\",\"short_id\":\"SHOP-7\",\"title\":\"KeyError\"}]');
             PRAGMA user_version = 3;",
        )
        .expect("schema 3");
    }
    let s = Store::open(&old).expect("migrated");
    let (all, _) = s.load_list("prod").expect("load").expect("some");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].short_id, "SHOP-7");
    // Its start shows the whole list at once, and nothing follows to add twice.
    let (head, _, more) = s.load_list_head("prod").expect("head").expect("some");
    assert_eq!(head.len(), 1);
    assert!(!more);
}
