//! Pure update tests: keys and results in, state and effects out. No terminal, no runtime.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::msg::{Fetch, Timer};
use errtui::app::state::Overlay;
use errtui::app::state::{Load, View};
use errtui::app::{Effect, Msg, update};
use errtui::backend::BackendError;
use errtui::model::*;

use crate::common::*;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[test]
fn starts_by_fetching_the_first_page_of_unresolved_errors() {
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    assert_eq!(
        fx,
        vec![
            Effect::Fetch {
                req: 1,
                fetch: Fetch::List {
                    query: ListQuery::default(),
                    cursor: None,
                    append: false
                }
            },
            Effect::Probe
        ]
    );
    assert!(app.list.load().is_loading());
}

#[test]
fn j_k_g_and_capital_g_move_the_selection_within_bounds() {
    let mut app = loaded_app(80, 24, 5);
    update(&mut app, key('j'));
    update(&mut app, code(KeyCode::Down));
    assert_eq!(app.list.selected, 2);
    update(&mut app, key('k'));
    assert_eq!(app.list.selected, 1);
    update(&mut app, key('G'));
    assert_eq!(app.list.selected, 4);
    update(&mut app, key('j'));
    assert_eq!(app.list.selected, 4, "stays on the last row");
    update(&mut app, key('g'));
    assert_eq!(app.list.selected, 0);
    update(&mut app, key('k'));
    assert_eq!(app.list.selected, 0);
}

#[test]
fn enter_opens_detail_and_prefetches_the_event_then_stack_and_back() {
    let mut app = loaded_app(80, 24, 3);
    update(&mut app, key('j'));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Detail);
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Fetch { fetch: Fetch::Detail { id, .. }, .. } if id == "101")
    ));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Fetch { fetch: Fetch::Event { id, .. }, .. } if id == "101")
        )
    );
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Stack);
    update(&mut app, code(KeyCode::Esc));
    assert_eq!(app.view, View::Detail);
    update(&mut app, key('h'));
    assert_eq!(app.view, View::List);
}

#[test]
fn wide_layout_follows_the_selection_with_a_debounced_detail_fetch() {
    let mut app = loaded_app(160, 48, 5);
    let fx = update(&mut app, key('j'));
    let req = app.next_req - 1;
    assert_eq!(
        fx,
        vec![Effect::After {
            ms: 120,
            timer: Timer::FollowDetail { req }
        }]
    );
    // The pause is over and the selection did not move on: fetch the detail, and the latest
    // event Enter will want.
    let fx = update(&mut app, Msg::Timer(Timer::FollowDetail { req }));
    assert_eq!(fx.len(), 2, "{fx:?}");
    assert_eq!(
        fx[0],
        Effect::Fetch {
            req,
            fetch: Fetch::Detail { id: "101".into() }
        }
    );
    assert!(matches!(
        &fx[1],
        Effect::Fetch { fetch: Fetch::Event { id, which: EventRef::Latest }, .. } if id == "101"
    ));
    // The pause is over, so the next move fetches at once; the one after it waits, and makes
    // an older timer a no-op.
    let fx = update(&mut app, key('j'));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Fetch { fetch: Fetch::Detail { id }, .. } if id == "102"))
    );
    let fx = update(&mut app, key('j'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Fetch { .. })));
    let newer = app.next_req - 1;
    assert!(update(&mut app, Msg::Timer(Timer::FollowDetail { req })).is_empty());
    // Enter does not wait for the pause.
    let fx = update(&mut app, code(KeyCode::Enter));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Fetch { req, fetch: Fetch::Detail { id } } if *req == newer && id == "103")
    ));
    assert!(update(&mut app, Msg::Timer(Timer::FollowDetail { req: newer })).is_empty());
}

#[test]
fn the_first_move_after_a_rest_fetches_at_once_and_fast_moves_wait_for_the_pause() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = loaded_app(w, h, 5);
        // The list's first answer already followed row 0; let that pause end.
        let req = app.next_req - 1;
        update(&mut app, Msg::Timer(Timer::FollowDetail { req }));
        let fx = update(&mut app, key('j'));
        let req = app.next_req - 2;
        assert!(
            fx.contains(&Effect::Fetch {
                req,
                fetch: Fetch::Detail { id: "101".into() }
            }),
            "{w}x{h}: rested, so no pause: {fx:?}"
        );
        assert!(fx.iter().any(|e| matches!(e,
            Effect::Fetch { fetch: Fetch::Event { id, which: EventRef::Latest }, .. } if id == "101")));
        // Moves within the pause fetch nothing until the selection settles.
        for _ in 0..3 {
            let fx = update(&mut app, key('j'));
            assert!(
                !fx.iter().any(|e| matches!(e, Effect::Fetch { .. })),
                "{fx:?}"
            );
        }
        let last = app.next_req - 1;
        let fx = update(&mut app, Msg::Timer(Timer::FollowDetail { req: last }));
        assert!(fx.contains(&Effect::Fetch {
            req: last,
            fetch: Fetch::Detail { id: "104".into() }
        }));
        // An answer for a row the selection passed is kept: going back to it is instant.
        update(&mut app, detail_loaded(req, "101".into(), Ok(detail(1))));
        for _ in 0..3 {
            update(&mut app, key('k'));
        }
        assert_eq!(
            app.detail.data.as_ref().map(|d| d.summary.id.as_str()),
            Some("101")
        );
    }
}

#[test]
fn a_stale_list_answer_is_dropped() {
    let mut app = loaded_app(80, 24, 3);
    let first = match update(&mut app, key('f')).as_slice() {
        [
            Effect::Fetch {
                req,
                fetch: Fetch::List { query, .. },
            },
        ] => {
            assert_eq!(query.status, StatusFilter::Resolved);
            *req
        }
        other => panic!("{other:?}"),
    };
    // The user cycles again before the first answer arrives.
    let second = match update(&mut app, key('f')).as_slice() {
        [
            Effect::Fetch {
                req,
                fetch: Fetch::List { query, .. },
            },
        ] => {
            assert_eq!(query.status, StatusFilter::Ignored);
            *req
        }
        other => panic!("{other:?}"),
    };
    answer_list(&mut app, first, Ok(vec![summary(9)]));
    assert_eq!(
        app.list.items.len(),
        3,
        "stale answer ignored, old rows kept"
    );
    assert_eq!(app.list.track.load, Load::Loading { req: second });
    answer_list(&mut app, second, Ok(vec![summary(7)]));
    assert_eq!(app.list.items[0].short_id, "SHOP-7");
}

#[test]
fn a_stale_detail_answer_for_a_previous_selection_is_dropped() {
    let mut app = loaded_app(160, 48, 3);
    let fx1 = update(&mut app, key('j'));
    let fx2 = update(&mut app, key('j'));
    let (r1, r2) = match (&fx1[0], &fx2[0]) {
        (
            Effect::After {
                timer: Timer::FollowDetail { req: a },
                ..
            },
            Effect::After {
                timer: Timer::FollowDetail { req: b },
                ..
            },
        ) => (*a, *b),
        other => panic!("{other:?}"),
    };
    update(&mut app, detail_loaded(r1, "101".into(), Ok(detail(1))));
    assert!(app.detail.data.is_none());
    update(&mut app, detail_loaded(r2, "102".into(), Ok(detail(2))));
    assert_eq!(
        app.detail.data.as_ref().map(|d| d.summary.id.as_str()),
        Some("102")
    );
}

#[test]
fn paging_loads_the_next_page_as_the_selection_nears_the_end() {
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    let Effect::Fetch {
        req,
        fetch: Fetch::List { .. },
    } = fx[0].clone()
    else {
        panic!()
    };
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items: (0..30).map(summary).collect(),
                next: Some("0:30:0".into()),
                total: None,
            }),
        ),
    );
    let mut fetched = None;
    for _ in 0..15 {
        for e in update(&mut app, key('j')) {
            if let Effect::Fetch {
                req,
                fetch: Fetch::List { cursor, append, .. },
            } = e
            {
                fetched = Some((req, cursor, append));
            }
        }
    }
    let (req, cursor, append) = fetched.expect("next page requested");
    assert_eq!(cursor.as_deref(), Some("0:30:0"));
    assert!(append);
    update(
        &mut app,
        list_loaded(
            req,
            true,
            Ok(Page {
                items: (30..40).map(summary).collect(),
                next: None,
                total: None,
            }),
        ),
    );
    assert_eq!(app.list.items.len(), 40);
    assert_eq!(
        app.list.selected, 15,
        "selection kept while a page is appended"
    );
}

#[test]
fn status_keys_explain_when_the_backend_cannot_change_status() {
    let mut app = loaded_app(80, 24, 1);
    app.caps.set_status = Some("GitLab has no API to change an error's status.".into());
    let fx = update(&mut app, key('r'));
    assert!(fx.is_empty());
    assert_eq!(app.list.items[0].status, Status::Unresolved);
    let text = &app.notice.as_ref().expect("notice").text;
    assert!(
        text.contains("GitLab has no API") && text.contains("https://sentry.example.com"),
        "{text}"
    );
}

#[test]
fn search_edits_a_query_and_reloads_from_the_first_page() {
    let mut app = loaded_app(80, 24, 3);
    update(&mut app, key('/'));
    for c in "Timeout x".chars() {
        update(&mut app, key(c));
    }
    update(&mut app, code(KeyCode::Backspace));
    update(&mut app, code(KeyCode::Backspace));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.text, "Timeout");
    assert!(
        matches!(&fx[..], [Effect::SaveHistory(h), Effect::Fetch { fetch: Fetch::List { query, cursor: None, append: false, .. }, .. }] if query.text == "Timeout" && h == &["Timeout".to_string()]),
        "{fx:?}"
    );
    // Esc cancels without touching the query.
    update(&mut app, key('/'));
    update(&mut app, key('z'));
    let fx = update(&mut app, code(KeyCode::Esc));
    assert!(fx.is_empty());
    assert_eq!(app.query.text, "Timeout");
    assert!(app.overlay().is_none());
    // While typing, letters are text, not commands.
    update(&mut app, key('/'));
    let fx = update(&mut app, key('q'));
    assert!(fx.is_empty() && !app.quit);
}

#[test]
fn sort_cycles_through_all_four_orders() {
    let mut app = loaded_app(80, 24, 1);
    let mut seen = vec![];
    for _ in 0..4 {
        update(&mut app, key('s'));
        seen.push(app.query.sort);
    }
    assert_eq!(
        seen,
        vec![Sort::FirstSeen, Sort::Events, Sort::Users, Sort::LastSeen]
    );
}

#[test]
fn a_failed_load_keeps_the_rows_and_says_why() {
    let mut app = loaded_app(80, 24, 3);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::Fetch {
        req,
        fetch: Fetch::List { .. },
    }) = fx.into_iter().next()
    else {
        panic!()
    };
    let err = BackendError::Timeout {
        host: "sentry.example.com".into(),
        secs: 30,
    };
    update(&mut app, list_loaded(req, false, Err(err)));
    assert_eq!(app.list.items.len(), 3);
    assert!(matches!(
        &app.list.track.load,
        Load::Failed(f) if f.kind == errtui::app::state::FailureKind::Timeout
    ));
    assert!(
        app.notice
            .as_ref()
            .expect("notice")
            .text
            .contains("timed out")
    );
}

#[test]
fn open_link_shows_the_url_when_no_local_browser_and_copy_emits_osc52() {
    let mut app = loaded_app(80, 24, 1);
    app.local_browser = false;
    let fx = update(&mut app, key('o'));
    assert!(fx.is_empty());
    assert_eq!(
        app.overlay(),
        Some(&Overlay::Link(
            "https://sentry.example.com/organizations/acme/issues/100/".into()
        ))
    );
    update(&mut app, key('x'));
    assert!(app.overlay().is_none());
    app.local_browser = true;
    let fx = update(&mut app, key('o'));
    assert!(matches!(&fx[..], [Effect::OpenUrl(u)] if u.ends_with("/issues/100/")));
    let fx = update(&mut app, key('y'));
    assert!(matches!(&fx[..], [Effect::Copy(u)] if u.ends_with("/issues/100/")));
}

#[test]
fn quit_and_help() {
    let mut app = loaded_app(80, 24, 1);
    update(&mut app, key('?'));
    assert!(app.help_open());
    update(&mut app, key('j'));
    assert!(app.help_open(), "j scrolls the help");
    update(&mut app, key('x'));
    assert!(!app.help_open(), "any other key closes help");
    let fx = update(&mut app, key('q'));
    assert!(app.quit);
    assert_eq!(fx, vec![Effect::Quit]);
}

#[test]
fn ticks_redraw_only_when_something_changes_and_expire_notices() {
    let mut app = loaded_app(80, 24, 1);
    app.dirty = false;
    update(
        &mut app,
        Msg::Tick(now() + chrono::Duration::milliseconds(100)),
    );
    assert!(!app.dirty, "idle tick draws nothing");
    update(&mut app, key('r'));
    update(&mut app, key('r'));
    app.dirty = false;
    update(
        &mut app,
        Msg::Tick(now() + chrono::Duration::milliseconds(200)),
    );
    assert!(app.dirty, "spinner moves while a request is in flight");
    update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(9)));
    assert!(app.notice.is_none());
}

fn tick(app: &mut errtui::app::App, secs: i64) {
    let t = app.now + chrono::Duration::seconds(secs);
    update(app, Msg::Tick(t));
}

/// GitLab's `null`: poll with growing pauses, then say plainly it is not available and ask why.
#[test]
fn gitlab_warming_polls_for_a_bounded_time_then_gives_up_and_diagnoses() {
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    let Effect::Fetch {
        mut req,
        fetch: Fetch::List { .. },
    } = fx[0].clone()
    else {
        panic!()
    };
    let mut delays = vec![];
    loop {
        let fx = update(
            &mut app,
            list_loaded(req, false, Err(BackendError::Warming)),
        );
        match fx.as_slice() {
            [
                Effect::After {
                    ms,
                    timer: timer @ Timer::AskAgain { req: r, .. },
                },
            ] => {
                assert!(app.list.track.warming.is_some());
                delays.push(*ms);
                req = *r;
                tick(&mut app, (*ms / 1000) as i64);
                // The timer fires: the same request is sent.
                let fx = update(&mut app, Msg::Timer(timer.clone()));
                assert!(
                    matches!(&fx[..], [Effect::Fetch { req: x, fetch: Fetch::List { cursor: None, .. } }] if *x == req),
                    "{fx:?}"
                );
            }
            [Effect::Diagnose] => break,
            other => panic!("{other:?}"),
        }
        assert!(delays.len() < 50, "must give up");
    }
    assert_eq!(&delays[..4], &[1000, 2000, 3000, 4000]);
    assert!(delays.iter().all(|d| *d <= 4000));
    assert!(
        matches!(&app.list.track.load, Load::Failed(f) if f.message == errtui::app::update::NOT_AVAILABLE)
    );
    update(
        &mut app,
        Msg::Diagnosed(Some(
            "Error tracking is turned off for this project.".into(),
        )),
    );
    assert_eq!(
        app.diagnosis.as_deref(),
        Some("Error tracking is turned off for this project.")
    );
}

#[test]
fn gitlab_warming_ends_when_data_arrives() {
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    let Effect::Fetch {
        req,
        fetch: Fetch::List { .. },
    } = fx[0].clone()
    else {
        panic!()
    };
    let fx = update(
        &mut app,
        list_loaded(req, false, Err(BackendError::Warming)),
    );
    let Some(Effect::After {
        timer: Timer::AskAgain { req, .. },
        ..
    }) = fx.into_iter().next()
    else {
        panic!()
    };
    answer_list(&mut app, req, Ok(vec![summary(1)]));
    assert!(app.list.track.warming.is_none());
    assert_eq!(app.list.track.load, Load::Ready);
}

#[test]
fn probed_capabilities_limit_the_status_filter_and_explain_it() {
    let mut app = loaded_app(80, 24, 2);
    let mut caps = Capabilities::full("GitLab");
    caps.status_filters = vec![StatusFilter::Unresolved];
    caps.status_filter_note = Some("GitLab's API lists only unresolved errors.".into());
    caps.sorts = vec![Sort::LastSeen, Sort::FirstSeen, Sort::Events];
    update(&mut app, Msg::Probed(caps));
    let fx = update(&mut app, key('f'));
    assert!(fx.is_empty());
    assert_eq!(app.query.status, StatusFilter::Unresolved);
    assert_eq!(
        app.notice.as_ref().map(|n| n.text.as_str()),
        Some("GitLab's API lists only unresolved errors.")
    );
    for _ in 0..3 {
        update(&mut app, key('s'));
    }
    assert_eq!(app.query.sort, Sort::LastSeen, "three sorts, no users sort");
}

#[test]
fn capital_k_opens_the_keys_pane_and_loads_keys() {
    let mut app = loaded_app(80, 24, 2);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('K'), KeyModifiers::SHIFT)),
    );
    assert_eq!(app.view, View::Keys);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Fetch {
                fetch: Fetch::Keys,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn glitchtip_found_out_names_itself_and_offers_only_what_it_can() {
    let mut app = loaded_app(100, 30, 3);
    app.query.sort = Sort::Users;
    let fx = update(
        &mut app,
        Msg::Probed(Capabilities::glitchtip(Some("5.1".into()))),
    );
    assert!(
        app.source.starts_with("GlitchTip 5.1 · acme/shop"),
        "{}",
        app.source
    );
    // The users sort it lacks goes back to the default, says why and asks again.
    assert_eq!(app.query.sort, Sort::LastSeen);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("does not count users"))
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Fetch {
                fetch: Fetch::List { .. },
                ..
            }
        )),
        "{fx:?}"
    );
    let mut seen = Vec::new();
    for _ in 0..4 {
        update(&mut app, key('s'));
        seen.push(app.query.sort);
    }
    assert_eq!(
        seen,
        [
            Sort::FirstSeen,
            Sort::Events,
            Sort::Priority,
            Sort::LastSeen
        ]
    );
    // Keys: the state is unknown, `a` says why, and the footer does not offer it.
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('K'), KeyModifiers::SHIFT)),
    );
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    let unknown = ClientKey {
        id: "k1".into(),
        name: Some("Default".into()),
        active: None,
        public_key: "k1".into(),
        dsn: Some("https://k1@g.example/1".into()),
        created: None,
        rate_limit: None,
    };
    update(&mut app, keys_loaded(req, Ok(vec![unknown])));
    assert!(update(&mut app, key('a')).is_empty());
    assert!(app.overlay().is_none(), "nothing to confirm");
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("cannot turn client keys"))
    );
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("t");
    t.draw(|f| errtui::ui::draw(f, &app, &mut errtui::ui::UiState::default()))
        .expect("draw");
    let buf = t.backend().buffer();
    let footer: String = (0..buf.area.width)
        .map(|x| buf[(x, buf.area.height - 1)].symbol().to_string())
        .collect();
    assert!(footer.contains("delete"), "{footer}");
    assert!(!footer.contains("on/off"), "{footer}");
}

#[test]
fn search_history_up_and_down_in_the_search_line_and_kept_for_the_next_run() {
    let mut app = loaded_app(80, 24, 3);
    app.history = vec!["level:fatal".into(), "TypeError".into()];
    update(&mut app, key('/'));
    update(&mut app, code(KeyCode::Up));
    let line = |app: &errtui::app::App| match app.overlays.last() {
        Some(Overlay::Search(ed)) => ed.text().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(line(&app), "TypeError");
    update(&mut app, code(KeyCode::Up));
    assert_eq!(line(&app), "level:fatal");
    update(&mut app, code(KeyCode::Up));
    assert_eq!(line(&app), "level:fatal", "stops at the oldest");
    update(&mut app, code(KeyCode::Down));
    update(&mut app, code(KeyCode::Down));
    assert_eq!(line(&app), "", "past the newest: an empty line");
    // A search made again moves to the end; the runtime is told to keep it.
    update(&mut app, code(KeyCode::Up));
    update(&mut app, code(KeyCode::Up));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::SaveHistory(vec![
        "TypeError".into(),
        "level:fatal".into()
    ])));
    assert_eq!(app.query.text, "level:fatal");
}

#[test]
fn recent_searches_round_trip_per_profile_bounded_and_clean() {
    let dir = tempfile::tempdir().expect("dir");
    let mut db = errtui::store::Store::open(&dir.path().join("state/errtui.db")).expect("db");
    let many: Vec<String> = (0..150).map(|i| format!("q{i}")).collect();
    db.save_searches("prod", &many).expect("save");
    let back = db.searches("prod").expect("load");
    assert_eq!(back.len(), 100, "bounded");
    assert_eq!(
        back.last().map(String::as_str),
        Some("q149"),
        "the newest kept"
    );
    assert!(
        db.searches("staging").expect("load").is_empty(),
        "per profile"
    );
    db.save_searches("prod", &["a\u{1b}[2Jb".to_string()])
        .expect("save");
    assert_eq!(
        db.searches("prod").expect("load"),
        ["ab"],
        "escape sequences gone"
    );
    // The file an older errtui kept is still read, bounded and clean.
    let p = dir.path().join("search_history");
    std::fs::write(&p, "one\nt\u{1b}[2Jwo\n").expect("write");
    assert_eq!(errtui::runtime::history::load_from(&p), ["one", "two"]);
}

#[test]
fn digits_switch_views_and_the_header_names_the_view() {
    let mut app = loaded_app(100, 30, 3);
    app.views = vec![
        SavedView {
            name: "fatal".into(),
            query: ListQuery {
                text: "level:fatal".into(),
                ..ListQuery::default()
            },
            ..SavedView::default()
        },
        SavedView {
            name: "everything".into(),
            query: ListQuery {
                status: StatusFilter::All,
                sort: Sort::Events,
                ..ListQuery::default()
            },
            ..SavedView::default()
        },
    ];
    let fx = update(&mut app, key('2'));
    assert_eq!(app.query.status, StatusFilter::All);
    assert_eq!(app.query.sort, Sort::Events);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::List { .. },
            ..
        }
    )));
    let header = crate::core::render_text(&app)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(header.contains("2:everything"), "{header}");
    update(&mut app, key('1'));
    assert_eq!(app.query.text, "level:fatal");
    assert!(update(&mut app, key('7')).is_empty());
    assert!(app.notice.as_ref().is_some_and(|n| n.text.contains("1…2")));
    // Without views, digits are a count again.
    app.views.clear();
    update(&mut app, key('2'));
    assert_eq!(app.count, Some(2));
}

#[test]
fn the_environment_picker_filters_the_list_by_environment() {
    use errtui::app::msg::Data;
    let mut app = loaded_app(80, 24, 3);
    app.query.text = "TypeError environment:dev".into();
    let fx = update(&mut app, key('e'));
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::Environments))
        .expect("environments asked for");
    update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: Fetch::Environments,
            result: Ok(Data::Environments(vec![
                "production".into(),
                "staging".into(),
            ])),
        },
    );
    update(&mut app, Msg::Paste("stag".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.text, "TypeError environment:staging");
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::List { .. },
            ..
        }
    )));
    // "all environments" takes the filter away; the list of names is not asked for twice.
    let fx = update(&mut app, key('e'));
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::Environments,
            ..
        }
    )));
    update(&mut app, Msg::Paste("all".into()));
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.text, "TypeError");
}

#[test]
fn a_chord_waits_for_its_second_key_and_help_shows_the_merged_keys() {
    let cfg = errtui::config::file::parse(
        "[keys]\ntop = [\"g g\", \"Home\"]\n",
        std::path::Path::new("/c.toml"),
    )
    .expect("keys");
    let mut app = loaded_app(80, 24, 10);
    app.keymap = std::sync::Arc::new(cfg.keymap());
    for _ in 0..5 {
        update(&mut app, key('j'));
    }
    update(&mut app, key('g'));
    assert_eq!(app.list.selected, 5, "g alone waits");
    assert!(app.notice.as_ref().is_some_and(|n| n.text.contains("g …")));
    update(&mut app, key('g'));
    assert_eq!(app.list.selected, 0, "g g goes to the top");
    // A chord that goes nowhere falls back to the last key on its own.
    update(&mut app, key('g'));
    update(&mut app, key('j'));
    assert_eq!(app.list.selected, 1);
    let help: String = errtui::ui::help::help_lines(&app, 80)
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(help.contains("g g/Home"), "{help}");
}

#[test]
fn the_project_picker_lists_another_projects_errors() {
    use errtui::app::msg::Data;
    let mut app = loaded_app(100, 30, 3);
    let fx = update(&mut app, key('P'));
    let req =
        crate::common::asked(&fx, |f| matches!(f, Fetch::Projects)).expect("projects asked for");
    update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: Fetch::Projects,
            result: Ok(Data::Projects(vec![
                ("11".into(), "shop".into()),
                ("12".into(), "web".into()),
            ])),
        },
    );
    update(&mut app, Msg::Paste("web".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.project.as_deref(), Some("12"));
    assert!(fx.iter().any(|e| matches!(e, Effect::Fetch { fetch: Fetch::List { query, .. }, .. } if query.project.as_deref() == Some("12"))));
    let header = crate::core::render_text(&app)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(header.contains("project: web"), "{header}");
    // Every project.
    update(&mut app, key('P'));
    update(&mut app, Msg::Paste("all".into()));
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.query.project.as_deref(), Some(""));
}

#[test]
fn a_view_naming_a_project_by_slug_finds_its_id_first() {
    use errtui::app::msg::Data;
    let mut app = loaded_app(100, 30, 3);
    app.views = vec![SavedView {
        name: "web fatal".into(),
        query: ListQuery {
            text: "level:fatal".into(),
            project: Some("web".into()),
            ..ListQuery::default()
        },
        ..SavedView::default()
    }];
    let fx = update(&mut app, key('1'));
    let req =
        crate::common::asked(&fx, |f| matches!(f, Fetch::Projects)).expect("projects asked for");
    assert_eq!(app.query.project, None, "not yet");
    let fx = update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: Fetch::Projects,
            result: Ok(Data::Projects(vec![("12".into(), "web".into())])),
        },
    );
    assert_eq!(app.query.project.as_deref(), Some("12"));
    assert_eq!(app.query.text, "level:fatal");
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::List { .. },
            ..
        }
    )));
    let header = crate::core::render_text(&app)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(
        header.contains("project: web") && header.contains("1:web fatal"),
        "{header}"
    );
}

#[test]
fn the_list_refreshes_on_its_own_keeps_the_selection_marks_what_is_new_and_backs_off() {
    use errtui::app::watching::Mark;
    let mut app = app(100, 30);
    app.refresh_every = Some(30);
    first_list(&mut app, (0..3).map(summary).collect());
    update(&mut app, key('j'));
    assert_eq!(
        app.selected().map(|e| e.short_id.clone()).as_deref(),
        Some("SHOP-1")
    );
    assert!(
        app.marks_seen.is_empty(),
        "nothing is new on the first load"
    );
    // Not yet due; then due.
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(10)));
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::List { .. },
            ..
        }
    )));
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(31)));
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. }))
        .expect("refreshed without a key");
    // A new error arrives on top: the selection stays on the same error.
    let mut items: Vec<_> = vec![summary(9)];
    items.extend((0..3).map(summary));
    items[2].triage.substatus = Some("regressed".into());
    app.now = now() + chrono::Duration::seconds(32);
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
    assert_eq!(
        app.selected().map(|e| e.short_id.clone()).as_deref(),
        Some("SHOP-1")
    );
    assert_eq!(app.marks_seen.get("109"), Some(&Mark::New));
    assert_eq!(app.marks_seen.get("101"), Some(&Mark::Regressed));
    let screen = crate::core::render_text(&app);
    assert!(screen.contains("new TypeError"), "{screen}");
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or("")
            .contains("↻ 0s ago · next in 30s"),
        "{screen}"
    );
    // Opening an error clears its mark.
    update(&mut app, code(KeyCode::Enter));
    assert!(!app.marks_seen.contains_key("101"));
    update(&mut app, code(KeyCode::Esc));
    // A dialog pauses it.
    update(&mut app, key('?'));
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(70)));
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            fetch: Fetch::List { .. },
            ..
        }
    )));
    update(&mut app, key('x'));
    // A failed refresh waits twice as long before the next.
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(71)));
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("due");
    update(
        &mut app,
        list_loaded(req, false, Err(BackendError::Other("down".into()))),
    );
    let next = app.next_refresh.expect("scheduled");
    assert_eq!((next - app.now).num_seconds(), 60);
    assert_eq!(app.list.items.len(), 4, "the rows stay");
}

#[test]
fn a_new_error_in_a_refresh_rings_when_asked_and_not_on_the_first_load() {
    use errtui::app::watching::Alert;
    let mut app = app(100, 30);
    app.refresh_every = Some(30);
    app.alert = Alert::Notify;
    let fx = first_list(&mut app, vec![summary(0)]);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Alert { .. })),
        "first load is quiet"
    );
    let fx = update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(31)));
    let Some(Effect::Fetch { req, .. }) = fx.into_iter().find(|e| {
        matches!(
            e,
            Effect::Fetch {
                fetch: Fetch::List { .. },
                ..
            }
        )
    }) else {
        panic!("refresh")
    };
    let fx = answer_list(&mut app, req, Ok(vec![summary(5), summary(0)]));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Alert { text, how: Alert::Notify } if text.contains("new SHOP-5"))),
        "{fx:?}"
    );
}

#[test]
fn a_refresh_that_adds_rows_above_keeps_the_selected_row_on_the_same_screen_line() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut app = app(80, 24);
    let fx = errtui::app::update::init(&mut app);
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("list");
    let page = |items: Vec<ErrorSummary>| {
        Ok(Page {
            items,
            next: None,
            total: None,
        })
    };
    update(
        &mut app,
        list_loaded(req, false, page((0..60).map(summary).collect())),
    );
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let mut ui = errtui::ui::UiState::default();
    // Scrolled well down the list, then back up a little: the row is mid-screen.
    for _ in 0..50 {
        update(&mut app, key('j'));
    }
    t.draw(|f| errtui::ui::draw(f, &app, &mut ui))
        .expect("draw");
    for _ in 0..10 {
        update(&mut app, key('k'));
    }
    let line_of = |t: &Terminal<TestBackend>, short: &str| -> Option<u16> {
        let buf = t.backend().buffer();
        (0..buf.area.height).find(|&y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row.contains(&format!("{short} "))
        })
    };
    t.draw(|f| errtui::ui::draw(f, &app, &mut ui))
        .expect("draw");
    let before = line_of(&t, "SHOP-40").expect("the selected row is on screen");
    // Three errors arrive on top.
    let fx = update(&mut app, Msg::Key(KeyEvent::from(KeyCode::F(5))));
    let req = crate::common::asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("refresh");
    let mut items: Vec<ErrorSummary> = (97..100).map(summary).collect();
    items.extend((0..60).map(summary));
    update(&mut app, list_loaded(req, false, page(items)));
    assert_eq!(app.selected().map(|e| e.short_id.as_str()), Some("SHOP-40"));
    t.draw(|f| errtui::ui::draw(f, &app, &mut ui))
        .expect("draw");
    assert_eq!(
        line_of(&t, "SHOP-40"),
        Some(before),
        "the row stays where the eye is"
    );
}
