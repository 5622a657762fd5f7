//! The core's guarantees: dialogs are never replaced, keys never fall through, changes are
//! serialised, stale data says so; and the real runtime and executor, driven headless against
//! a fake backend (latest-wins, debounce, serial changes, a panicking task).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::msg::{Fetch, Timer};
use errtui::app::state::{Confirm, Confirmed, FailureKind, Load, Overlay, View};
use errtui::app::{Effect, Msg, update};
use errtui::backend::{Backend, BackendError};
use errtui::model::*;
use errtui::runtime::Core;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::*;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn client_key(id: &str) -> ClientKey {
    ClientKey {
        id: id.into(),
        name: Some(format!("Key {id}")),
        active: Some(true),
        public_key: format!("{id}pub"),
        dsn: Some(format!("https://{id}@o1.ingest.sentry.io/2")),
        created: None,
        rate_limit: None,
    }
}

fn keys_app() -> errtui::app::App {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(&mut app, key('K'));
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    update(&mut app, keys_loaded(req, Ok(vec![client_key("old")])));
    app
}

/// `R`, accept the name, the new key arrives: the rotation waits for its test event (whose
/// request id is returned).
fn rotation_testing(app: &mut errtui::app::App) -> errtui::app::msg::ReqId {
    update(app, key('R'));
    let fx = update(app, code(KeyCode::Enter));
    let [Effect::CreateKey { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let fx = update(
        app,
        Msg::KeyCreated {
            req: *req,
            result: Ok(client_key("new")),
        },
    );
    let Some(Effect::TestDsn { req: test, .. }) = fx.into_iter().nth(1) else {
        panic!()
    };
    test
}

#[test]
fn a_question_that_arrives_while_an_overlay_is_open_waits_and_a_key_answers_only_what_is_shown() {
    let mut app = keys_app();
    let test = rotation_testing(&mut app);
    // A rotation under way blocks d, n and R.
    for c in ['d', 'n', 'R'] {
        assert!(update(&mut app, key(c)).is_empty());
        assert!(app.overlay().is_none(), "{c} opened nothing");
        assert!(
            app.notice
                .as_ref()
                .is_some_and(|n| n.text.contains("rotation is under way"))
        );
    }
    // The user opens help; the rotation's question arrives meanwhile.
    update(&mut app, key('?'));
    update(
        &mut app,
        Msg::DsnTested {
            req: test,
            key_id: "new".into(),
            result: Ok("e1".into()),
        },
    );
    assert_eq!(app.overlay(), Some(&Overlay::Help), "help is not replaced");
    // `y` was pressed for help: it closes help and answers nothing.
    let fx = update(&mut app, key('y'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm {
            on_yes: Confirmed::RotateDeleteOld,
            ..
        }))
    ));
    let fx = update(&mut app, key('y'));
    assert!(matches!(fx.as_slice(), [Effect::DeleteKey { id, .. }] if id == "old"));
}

#[test]
fn a_dialog_says_how_many_questions_wait_behind_it() {
    let mut app = keys_app();
    let test = rotation_testing(&mut app);
    // The user asks to turn a key off; the rotation's question arrives behind that dialog.
    update(&mut app, key('a'));
    assert!(matches!(app.overlay(), Some(Overlay::Confirm(_))));
    assert!(!render_text(&app).contains("more question"));
    update(
        &mut app,
        Msg::DsnTested {
            req: test,
            key_id: "new".into(),
            result: Ok("e1".into()),
        },
    );
    assert!(
        render_text(&app).contains("1 more question waits"),
        "{}",
        render_text(&app)
    );
    // Answering "no" to the shown dialog brings up the waiting one, and the count goes.
    update(&mut app, key('n'));
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm {
            on_yes: Confirmed::RotateDeleteOld,
            ..
        }))
    ));
    assert!(!render_text(&app).contains("more question"));
}

#[test]
fn a_prompt_keeps_its_letters_when_a_question_arrives() {
    let mut app = keys_app();
    update(&mut app, key('n'));
    for c in "web".chars() {
        update(&mut app, key(c));
    }
    // Some other key's test answer arrives: a notice, never a replaced prompt.
    update(
        &mut app,
        Msg::DsnTested {
            req: 999,
            key_id: "old".into(),
            result: Ok("e9".into()),
        },
    );
    for c in "-2".chars() {
        assert!(update(&mut app, key(c)).is_empty(), "letters are text");
    }
    let fx = update(&mut app, code(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::CreateKey { name: Some(n), .. }] if n == "web-2"),
        "{fx:?}"
    );
}

#[test]
fn typing_a_search_in_the_detail_pane_never_runs_its_letters_as_commands() {
    let mut app = loaded_app(160, 48, 5);
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Detail);
    let mut all = Vec::new();
    for c in "/timeout".chars() {
        all.extend(update(&mut app, key(c)));
    }
    assert!(all.is_empty(), "no status change, link or fetch: {all:?}");
    assert!(app.pending.is_empty());
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.text, "timeout");
    assert_eq!(app.view, View::List);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Fetch { fetch: Fetch::List { query, .. }, .. } if query.text == "timeout"))
    );
}

#[test]
fn a_key_that_does_nothing_here_says_so() {
    let mut app = loaded_app(80, 24, 3);
    update(&mut app, code(KeyCode::Enter));
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Stack);
    assert!(update(&mut app, key('w')).is_empty());
    let n = app.notice.clone().expect("notice");
    assert!(
        n.text.contains("w does nothing in the stack trace"),
        "{}",
        n.text
    );
    assert!(update(&mut app, key('n')).is_empty());
    assert!(app.notice.expect("notice").text.contains("n does nothing"));
}

#[test]
fn turning_a_key_off_asks_first() {
    let mut app = keys_app();
    assert!(update(&mut app, key('a')).is_empty());
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm {
            on_yes: Confirmed::SetKeyActive { active: false, .. },
            ..
        }))
    ));
    assert!(update(&mut app, code(KeyCode::Esc)).is_empty());
    assert!(app.overlay().is_none());
}

#[test]
fn a_new_query_starts_at_the_first_row_and_a_refresh_keeps_the_selected_error() {
    let mut app = loaded_app(80, 24, 10);
    for _ in 0..4 {
        update(&mut app, key('j'));
    }
    let fx = update(&mut app, key('s'));
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    assert!(app.list.searching, "old rows are marked as the old query's");
    // The new result happens to contain the selected error further down: still row one.
    let items: Vec<_> = (0..10).rev().map(summary).collect();
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items,
                next: None,
                total: None,
            }),
        ),
    );
    assert_eq!(app.list.selected, 0);
    // A refresh keeps the selected error where it moved.
    update(&mut app, key('j'));
    let id = app.selected().expect("row").id.clone();
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    let items: Vec<_> = (0..10).map(summary).collect();
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items,
                next: None,
                total: None,
            }),
        ),
    );
    assert_eq!(app.selected().expect("row").id, id);
}

#[test]
fn failed_refresh_marks_the_rows_stale_until_a_load_succeeds() {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Err(BackendError::Connect {
                host: "sentry.example.com".into(),
                reason: "connection refused".into(),
            }),
        ),
    );
    let screen = render_text(&app);
    assert!(screen.contains("stale"), "{screen}");
    assert!(screen.contains("Could not connect"), "{screen}");
    assert_eq!(app.list.items.len(), 3, "the rows stay");
}

#[test]
fn a_429_holds_every_request_until_its_reset_and_counts_down() {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Err(BackendError::RateLimited {
                message: "slow down".into(),
                retry_after: Some(Duration::from_secs(30)),
            }),
        ),
    );
    assert!(render_text(&app).contains("sends nothing for 30 s"));
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Fetch { .. })),
        "nothing is sent: {fx:?}"
    );
    assert!(update(&mut app, key('r')).is_empty(), "no change either");
    // The wait is over: the failed list is asked for again by itself.
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(31)));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Fetch { .. })),
        "{fx:?}"
    );
}

#[test]
fn gitlab_tracking_off_at_start_is_said_at_once_instead_of_polling() {
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    update(
        &mut app,
        list_loaded(req, false, Err(BackendError::Warming)),
    );
    let mut caps = app.caps.clone();
    caps.unavailable = Some("Error tracking is turned off for this project.".into());
    update(&mut app, Msg::Probed(caps));
    assert!(matches!(&app.list.track.load, Load::Failed(f) if f.kind == FailureKind::NotAvailable));
    assert!(app.list.track.warming.is_none());
    assert!(render_text(&app).contains("turned off"));
}

#[test]
fn a_diagnosis_that_finds_nothing_ends_the_finding_out_line() {
    let mut app = app(80, 24);
    update(&mut app, Msg::Diagnosed(None));
    assert!(
        app.diagnosis
            .as_deref()
            .is_some_and(|d| d.contains("could not find out"))
    );
}

#[test]
fn opening_another_error_starts_its_detail_at_the_top() {
    let mut app = loaded_app(160, 48, 5);
    update(&mut app, code(KeyCode::Enter));
    app.detail_max = 50;
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    assert_eq!(app.detail_scroll, 2);
    update(&mut app, code(KeyCode::Esc));
    update(&mut app, key('j'));
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.detail_scroll, 0);
}

pub fn render_text(app: &errtui::app::App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    t.draw(|f| errtui::ui::draw(f, app, &mut errtui::ui::UiState::default()))
        .expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_key_works_at_every_size_down_to_one_by_one() {
    let keys: Vec<Msg> = "jkgGhlrsfiuoyzvKSnatdRb?/ q"
        .chars()
        .map(key)
        .chain(
            [
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::PageDown,
                KeyCode::PageUp,
            ]
            .into_iter()
            .map(code),
        )
        .collect();
    for (w, h) in [(1, 1), (2, 1), (10, 3), (29, 8), (60, 20)] {
        let mut app = loaded_app(w, h, 4);
        app.local_browser = false;
        for k in &keys {
            if matches!(k, Msg::Key(e) if e.code == KeyCode::Char('q')) {
                continue;
            }
            update(&mut app, k.clone());
            render_text(&app);
        }
        // The link popup in particular (it panicked under 30 columns).
        let mut app = loaded_app(w, h, 1);
        app.local_browser = false;
        update(&mut app, key('o'));
        render_text(&app);
    }
}

#[test]
fn hostile_strings_leave_no_remnant_on_screen() {
    let mut app = loaded_app(160, 48, 3);
    let evil = "A\u{1b}[2JB\u{1b}]52;c;ZXZpbA==\u{7}C\u{1b}]8;;http://evil.example\u{1b}\\D\u{202e}E\u{200b}F\u{61c}G\u{2028}H";
    app.list.items[0].title = evil.into();
    app.list.items[0].culprit = evil.into();
    app.list.items[0].short_id = evil.into();
    app.notice = Some(errtui::app::state::Notice {
        text: evil.into(),
        kind: errtui::app::state::NoticeKind::Error,
        at: now(),
    });
    let screen = render_text(&app);
    for remnant in [
        "[2J", "]52;c;", "8;;http", "ZXZpbA", "\u{202e}", "\u{200b}", "\u{61c}", "\u{2028}",
    ] {
        assert!(!screen.contains(remnant), "{remnant:?} reached the screen");
    }
    assert!(screen.contains("ABCDEFG H"), "{screen}");
}

#[test]
fn selected_rows_levels_and_dimmed_rows_are_styled() {
    use ratatui::style::{Color, Modifier};
    let mut app = loaded_app(80, 24, 4);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| errtui::ui::draw(f, &app, &mut errtui::ui::UiState::default()))
        .expect("draw");
    let buf = t.backend().buffer().clone();
    // Row 0 is selected (y = 3: header line, border, column header).
    let sel = buf[(5, 3)].style();
    assert!(
        sel.add_modifier.contains(Modifier::REVERSED) || sel.bg.is_some_and(|c| c != Color::Reset),
        "{sel:?}"
    );
    // Level marks carry the level's colour: error and warning differ.
    assert_ne!(buf[(2, 3)].style().fg, buf[(2, 4)].style().fg);
    // A resolved row under the unresolved filter is dimmed.
    app.list.items[2].status = Status::Resolved;
    t.draw(|f| errtui::ui::draw(f, &app, &mut errtui::ui::UiState::default()))
        .expect("draw");
    let dimmed = t.backend().buffer()[(15, 5)].style();
    assert!(
        dimmed.add_modifier.contains(Modifier::DIM) || dimmed.fg == Some(Color::DarkGray),
        "{dimmed:?}"
    );
}

// ---- the real runtime, headless ----

#[derive(Default)]
struct Fake {
    calls: Mutex<Vec<String>>,
}

#[async_trait]
impl Backend for Fake {
    fn capabilities(&self) -> Capabilities {
        Capabilities::full("Fake")
    }
    fn describe(&self) -> String {
        "Fake".into()
    }
    async fn list(
        &self,
        query: &ListQuery,
        _cursor: Option<&str>,
        _limit: usize,
    ) -> errtui::backend::Result<Page<ErrorSummary>> {
        self.calls
            .lock()
            .expect("lock")
            .push(format!("list {}", query.text));
        if query.text == "panic" {
            panic!("the fake backend panics on purpose");
        }
        if query.text == "slow" {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok(Page {
            items: vec![summary(1), summary(2)],
            next: None,
            total: None,
        })
    }
    async fn detail(&self, id: &str) -> errtui::backend::Result<ErrorDetail> {
        self.calls
            .lock()
            .expect("lock")
            .push(format!("detail {id}"));
        Ok(detail(1))
    }
    async fn latest_event(&self, id: &str) -> errtui::backend::Result<Event> {
        Ok(event(id))
    }
    async fn set_status(&self, id: &str, status: &Status) -> errtui::backend::Result<ErrorSummary> {
        self.calls
            .lock()
            .expect("lock")
            .push(format!("start {} {id}", status.as_str()));
        // The first change is slow: a later one must still land after it.
        if *status == Status::Resolved {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.calls
            .lock()
            .expect("lock")
            .push(format!("done {} {id}", status.as_str()));
        let mut s = summary(1);
        s.id = id.into();
        s.status = status.clone();
        Ok(s)
    }
}

#[tokio::test]
async fn headless_runtime_serialises_changes_and_survives_a_panicking_task() {
    let fake = Arc::new(Fake::default());
    let mut core = Core::new(fake.clone(), now());
    core.app.width = 80;
    core.app.height = 24;
    core.init();
    pump(&mut core, |a| a.list.loaded_once).await;
    assert_eq!(core.app.list.items.len(), 2);

    // r r then u on the same error: the second waits for the first's answer.
    core.dispatch(key('r'));
    core.dispatch(key('r'));
    core.dispatch(key('u'));
    pump(&mut core, |a| a.pending.is_empty()).await;
    let calls = fake.calls.lock().expect("lock").clone();
    // Reads (the list, and the detail and event fetched ahead for the selection) aside.
    let changes: Vec<_> = calls
        .iter()
        .filter(|c| c.starts_with("start") || c.starts_with("done"))
        .collect();
    assert_eq!(
        changes,
        [
            "start resolved 101",
            "done resolved 101",
            "start unresolved 101",
            "done unresolved 101"
        ],
        "{calls:?}"
    );
    assert_eq!(
        core.app.list.items[0].status,
        Status::Unresolved,
        "screen agrees with server"
    );

    // A panicking fetch comes back as a failure: the slot leaves Loading.
    core.dispatch(key('/'));
    core.dispatch(Msg::Paste("panic".into()));
    core.dispatch(code(KeyCode::Enter));
    pump(&mut core, |a| !a.list.load().is_loading()).await;
    assert!(matches!(core.app.list.load(), Load::Failed(f) if f.message.contains("bug")));
    assert!(!core.app.loading(), "the spinner stops");
}

#[tokio::test]
async fn headless_runtime_latest_wins_and_debounces_the_followed_detail() {
    let fake = Arc::new(Fake::default());
    let mut core = Core::new(fake.clone(), now());
    core.app.width = 160;
    core.app.height = 48;
    core.init();
    pump(&mut core, |a| a.list.loaded_once && a.detail.data.is_some()).await;
    fake.calls.lock().expect("lock").clear();
    // Three fast moves: one detail fetch, for where the selection stopped.
    core.dispatch(key('j'));
    core.dispatch(key('k'));
    core.dispatch(key('j'));
    pump(&mut core, |a| {
        a.detail.data.is_some() && !a.detail.load().is_loading()
    })
    .await;
    let details: Vec<_> = fake
        .calls
        .lock()
        .expect("lock")
        .iter()
        .filter(|c| c.starts_with("detail"))
        .cloned()
        .collect();
    assert_eq!(details, ["detail 102"]);

    // A slow search superseded by a fast one: only the newer answer lands.
    core.dispatch(key('/'));
    core.dispatch(Msg::Paste("slow".into()));
    core.dispatch(code(KeyCode::Enter));
    core.dispatch(key('/'));
    core.dispatch(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    core.dispatch(Msg::Paste("fast".into()));
    core.dispatch(code(KeyCode::Enter));
    pump(&mut core, |a| matches!(a.list.load(), Load::Ready)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Some(m) = core.try_recv() {
        core.dispatch(m);
    }
    assert_eq!(core.app.query.text, "fast");
    assert!(matches!(core.app.list.load(), Load::Ready));
    let _ = Timer::FollowDetail { req: 0 };
}

/// A server that lists errors of its own, after `delay_ms`.
struct Server {
    name: &'static str,
    delay_ms: u64,
}

#[async_trait]
impl Backend for Server {
    fn capabilities(&self) -> Capabilities {
        Capabilities::full("Sentry")
    }
    fn describe(&self) -> String {
        format!("Sentry · {}", self.name)
    }
    async fn list(
        &self,
        _q: &ListQuery,
        _c: Option<&str>,
        _l: usize,
    ) -> errtui::backend::Result<Page<ErrorSummary>> {
        tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        let mut e = summary(1);
        e.short_id = format!("{}-1", self.name.to_uppercase());
        Ok(Page {
            items: vec![e],
            next: None,
            total: None,
        })
    }
    async fn detail(&self, _id: &str) -> errtui::backend::Result<ErrorDetail> {
        tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        Ok(detail(1))
    }
    async fn latest_event(&self, id: &str) -> errtui::backend::Result<Event> {
        Ok(event(id))
    }
    async fn set_status(&self, _: &str, _: &Status) -> errtui::backend::Result<ErrorSummary> {
        Err(BackendError::Other("no".into()))
    }
}

#[tokio::test]
async fn a_profile_switch_starts_over_and_drops_the_other_servers_late_answers() {
    let slow = Arc::new(Server {
        name: "prod",
        delay_ms: 300,
    });
    let mut core = Core::new(slow, now());
    core.app.width = 120;
    core.app.height = 40;
    core.app.profiles = vec!["prod".into(), "staging".into()];
    core.app.profile = Some("prod".into());
    core.init();
    // `>` asks for the next profile while prod's list is still on its way.
    let left = core.dispatch(key('>'));
    assert_eq!(left, vec![Effect::SwitchProfile("staging".into())]);
    let before = core.app.next_req;
    core.switch(
        Arc::new(Server {
            name: "staging",
            delay_ms: 0,
        }),
        "staging".into(),
    );
    assert!(core.app.next_req >= before, "request ids keep counting");
    assert_eq!(core.app.profile.as_deref(), Some("staging"));
    assert_eq!(core.app.source, "Sentry · staging");
    pump(&mut core, |a| a.list.loaded_once).await;
    // Prod's answer would have come by now; nothing of it lands.
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Some(m) = core.try_recv() {
        core.dispatch(m);
    }
    let shown: Vec<&str> = core
        .app
        .list
        .items
        .iter()
        .map(|e| e.short_id.as_str())
        .collect();
    assert_eq!(shown, ["STAGING-1"]);
    assert!(crate::core::render_text(&core.app).contains("[staging]"));
}

#[test]
fn the_mouse_selects_rows_focuses_panes_and_scrolls() {
    use errtui::app::msg::Pane;
    let mut app = loaded_app(160, 48, 20);
    let mut ui = errtui::ui::UiState::default();
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    t.draw(|f| errtui::ui::draw(f, &app, &mut ui))
        .expect("draw");
    // Row 4 of the list (header line, border, column header, then rows).
    let (top, _) = ui.list_rows;
    let (pane, row) = errtui::ui::hit(&ui, 10, top + 4).expect("over the list");
    assert_eq!((pane, row), (Pane::List, Some(4)));
    update(&mut app, Msg::Click { pane, row });
    assert_eq!(app.list.selected, 4);
    assert_eq!(app.selected().map(|e| e.short_id.as_str()), Some("SHOP-4"));
    // The wheel moves the selection three rows.
    update(
        &mut app,
        Msg::Wheel {
            pane: Pane::List,
            down: true,
        },
    );
    assert_eq!(app.list.selected, 7);
    // A click on the detail beside the list opens it there.
    let (pane, _) = errtui::ui::hit(&ui, 150, 10).expect("over the detail");
    assert_eq!(pane, Pane::Detail);
    update(&mut app, Msg::Click { pane, row: None });
    assert_eq!(app.view, View::Detail);
    // Nothing under the status line.
    assert!(errtui::ui::hit(&ui, 10, 47).is_none());
}

#[test]
fn rows_of_several_projects_say_whose_they_are() {
    let mut app = loaded_app(120, 30, 3);
    let header = |app: &errtui::app::App| {
        render_text(app)
            .lines()
            .find(|l| l.contains(" ID ") && l.contains("Error"))
            .unwrap_or("")
            .to_string()
    };
    assert!(!header(&app).contains("Project"), "one project: no column");
    app.list.items[1].project = Some("api".into());
    assert!(header(&app).contains("Project"), "{}", header(&app));
    let screen = render_text(&app);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("SHOP-1") && l.contains("api")),
        "{screen}"
    );
}
