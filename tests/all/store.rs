//! What errtui remembers between runs: the database's migrations (from empty and from an older
//! schema), seen-state per profile, its bound, and the first list after a restart marking what
//! arrived since.

use errtui::app::msg::Fetch;
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
    assert_eq!(s.version().expect("version"), 3);
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
    let s = Store::open(&old).expect("migrated");
    assert_eq!(s.version().expect("version"), 3);
    assert!(
        s.seen("prod").expect("seen").contains("42"),
        "kept across the migration"
    );
    drop(s);
    // One from a newer errtui is refused with the fix.
    rusqlite_open(&old)
        .execute_batch("PRAGMA user_version = 99;")
        .expect("bump");
    let e = Store::open(&old).err().expect("newer");
    assert!(e.contains("errtui cache clear"), "{e}");
    assert!(clear(&old).expect("cleared"));
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
    let fx = errtui::app::update::init(&mut app);
    let Effect::Fetch { req, .. } = fx[0].clone() else {
        panic!()
    };
    let fx = update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items: (0..3).map(summary).collect(),
                next: None,
                total: None,
            }),
        ),
    );
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
    let fx = update(
        &mut app,
        errtui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::F(5),
        )),
    );
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("refresh");
    let fx = update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items: (0..4).map(summary).collect(),
                next: None,
                total: None,
            }),
        ),
    );
    assert!(app.cached_at.is_none());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::RememberList(r) if r.len() == 4))
    );
}

#[test]
fn offline_changes_are_refused_with_a_clear_message_and_nothing_is_sent() {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(
        &mut app,
        errtui::app::Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::F(5),
        )),
    );
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("refresh");
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
