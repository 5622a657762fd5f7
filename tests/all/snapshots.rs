//! Each pane rendered into ratatui's TestBackend at 60×20, 80×24 and 160×48, with a fixed clock.

use errtui::app::msg::Fetch;
use errtui::app::state::Overlay;
use errtui::app::state::{Load, View};
use errtui::app::{App, Msg, update};
use errtui::backend::BackendError;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::*;

fn render(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    t.draw(|f| errtui::ui::draw(f, app, &mut errtui::ui::UiState::default()))
        .expect("draw");
    t
}

fn sizes() -> [(u16, u16); 3] {
    [(60, 20), (80, 24), (160, 48)]
}

fn snap(name: &str, app: &App) {
    let t = render(app);
    insta::assert_snapshot!(format!("{name}_{}x{}", app.width, app.height), t.backend());
}

fn opened(w: u16, h: u16, view: View) -> App {
    let mut app = loaded_app(w, h, 12);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    let (dreq, ereq) = (
        app.detail.load().req().expect("detail"),
        app.event.load().req().expect("event"),
    );
    update(&mut app, detail_loaded(dreq, "100".into(), Ok(detail(0))));
    update(&mut app, event_loaded(ereq, "100".into(), Ok(event("100"))));
    app.view = view;
    app
}

#[test]
fn list_ready() {
    for (w, h) in sizes() {
        let mut app = loaded_app(w, h, 30);
        if app.wide() {
            let req = app.detail.load().req().expect("follow");
            update(&mut app, detail_loaded(req, "100".into(), Ok(detail(0))));
        }
        if let Some(req) = app.event.load().req() {
            update(&mut app, event_loaded(req, "100".into(), Ok(event("100"))));
        }
        snap("list_ready", &app);
    }
}

#[test]
fn list_first_load() {
    for (w, h) in sizes() {
        let mut app = app(w, h);
        errtui::app::update::init(&mut app);
        snap("list_loading", &app);
    }
}

#[test]
fn list_empty() {
    for (w, h) in sizes() {
        let app = loaded_app(w, h, 0);
        snap("list_empty", &app);
    }
}

#[test]
fn list_failed() {
    for (w, h) in sizes() {
        let mut app = app(w, h);
        let fx = errtui::app::update::init(&mut app);
        let Some(errtui::app::Effect::Fetch {
            req,
            fetch: Fetch::List { .. },
        }) = fx.into_iter().next()
        else {
            panic!()
        };
        let err = BackendError::Unauthorized {
            server: "Sentry".into(),
            token_source: "SENTRY_AUTH_TOKEN".into(),
            detail: ": Invalid token".into(),
        };
        update(&mut app, list_loaded(req, false, Err(err)));
        snap("list_failed", &app);
    }
}

#[test]
fn detail_pane() {
    for (w, h) in sizes() {
        snap("detail", &opened(w, h, View::Detail));
    }
}

#[test]
fn detail_loading_and_failed() {
    let mut app = loaded_app(80, 24, 3);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    snap("detail_loading", &app);
    app.detail.track.load = failed_load("Not found (404): error 100.");
    snap("detail_failed", &app);
}

#[test]
fn stack_trace_pane() {
    for (w, h) in sizes() {
        snap("stack", &opened(w, h, View::Stack));
    }
    let mut app = opened(80, 24, View::Stack);
    app.stack.show_library = true;
    app.stack.newest_first = false;
    snap("stack_all_oldest_first", &app);
}

#[test]
fn stack_trace_loading() {
    let mut app = loaded_app(80, 24, 3);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    app.view = View::Stack;
    snap("stack_loading", &app);
}

#[test]
fn help_overlay() {
    let mut app = loaded_app(80, 24, 3);
    app.overlays.push(Overlay::Help);
    snap("help", &app);
}

#[test]
fn url_popup() {
    let mut app = loaded_app(80, 24, 3);
    let url = app.selected().and_then(|e| e.url.clone()).expect("url");
    app.overlays.push(Overlay::Link(url));
    snap("url_popup", &app);
}

/// Escape sequences in server strings must never reach the terminal buffer.
#[test]
fn escape_sequences_in_server_strings_never_reach_the_buffer() {
    let evil = "Boom\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]8;;http://evil\u{1b}\\x\u{9b}31m\r\nnext\u{7}";
    for (w, h) in sizes() {
        for view in [View::List, View::Detail, View::Stack] {
            let mut app = opened(w, h, view);
            for e in &mut app.list.items {
                e.title = evil.into();
                e.culprit = evil.into();
                e.short_id = evil.into();
            }
            if let Some(d) = app.detail.data.as_mut() {
                d.summary.title = evil.into();
                d.message = Some(evil.into());
            }
            if let Some(ev) = app.event.data.as_mut() {
                ev.exceptions[1].value = evil.into();
                ev.exceptions[1].frames[2].context[1].code = evil.into();
                ev.tags.push((evil.into(), evil.into()));
                ev.breadcrumbs[0].message = Some(evil.into());
            }
            app.query.text = evil.into();
            let t = render(&app);
            for cell in t.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(|c| c.is_control()),
                    "control character in cell {:?} ({view:?} {w}x{h})",
                    cell.symbol()
                );
            }
            let text = t.backend().to_string();
            assert!(text.contains("Boom"), "the readable part still shows");
        }
    }
}

#[test]
fn gitlab_warming_and_not_available_screens() {
    use errtui::app::Effect;
    for (w, h) in sizes() {
        let mut app = app(w, h);
        app.source = "GitLab · acme/shop/web at gitlab.example.com".into();
        let fx = errtui::app::update::init(&mut app);
        let Some(Effect::Fetch {
            req,
            fetch: Fetch::List { .. },
        }) = fx.into_iter().next()
        else {
            panic!()
        };
        let fx = update(
            &mut app,
            list_loaded(req, false, Err(BackendError::Warming)),
        );
        update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(3)));
        snap("gitlab_warming", &app);
        let Some(Effect::After {
            timer: errtui::app::msg::Timer::AskAgain { req, .. },
            ..
        }) = fx.into_iter().next()
        else {
            panic!()
        };
        update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(21)));
        update(
            &mut app,
            list_loaded(req, false, Err(BackendError::Warming)),
        );
        snap("gitlab_not_available", &app);
        update(
            &mut app,
            Msg::Diagnosed(Some(
                "Error tracking is turned off for this project: `errtui settings enable` (or Settings → Monitor → Error Tracking) turns it on."
                    .into(),
            )),
        );
        snap("gitlab_not_available_diagnosed", &app);
    }
}

fn keys_fixture() -> Vec<errtui::model::ClientKey> {
    let k =
        |id: &str, name: &str, active: bool, limit: Option<(u64, u64)>| errtui::model::ClientKey {
            id: id.into(),
            name: Some(name.into()),
            active: Some(active),
            public_key: id.into(),
            dsn: Some(format!("https://{id}@o4504.ingest.us.sentry.io/4505123")),
            created: Some(now() - chrono::Duration::days(40)),
            rate_limit: limit,
        };
    vec![
        k("e3c2f1a0b9d84c7e9f0a1b2c3d4e5f60", "Default", true, None),
        k(
            "0a1b2c3d4e5f60e3c2f1a0b9d84c7e9f",
            "Mobile app",
            true,
            Some((500, 3600)),
        ),
        k(
            "9f0a1b2c3d4e5f60e3c2f1a0b9d84c7e",
            "Leaked 2026-10",
            false,
            None,
        ),
    ]
}

fn keys_view(w: u16, h: u16) -> App {
    let mut app = loaded_app(w, h, 3);
    let fx = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('K'),
            crossterm::event::KeyModifiers::SHIFT,
        )),
    );
    let Some(errtui::app::Effect::Fetch {
        req,
        fetch: Fetch::Keys,
    }) = fx.into_iter().next()
    else {
        panic!()
    };
    update(&mut app, keys_loaded(req, Ok(keys_fixture())));
    app.notice = None;
    app
}

#[test]
fn keys_pane_and_its_dialogs() {
    use crossterm::event::{KeyCode, KeyEvent};
    for (w, h) in sizes() {
        let mut app = keys_view(w, h);
        snap("keys", &app);
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
        snap("keys_expanded", &app);
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('d'))));
        snap("keys_confirm_delete", &app);
    }
    let mut app = keys_view(80, 24);
    app.keys.track.load = Load::Loading { req: 99 };
    app.keys.items.clear();
    snap("keys_loading", &app);
    let mut app = keys_view(80, 24);
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('R'))));
    snap("keys_rotate_name", &app);
    let Some(errtui::app::Effect::CreateKey { req, .. }) =
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)))
            .into_iter()
            .next()
    else {
        panic!()
    };
    let mut new = keys_fixture()[0].clone();
    new.id = "ffffffffffffffffffffffffffffffff".into();
    new.public_key = new.id.clone();
    new.name = Some("Default (rotated 2026-11-21)".into());
    new.dsn = Some(format!(
        "https://{}@o4504.ingest.us.sentry.io/4505123",
        new.id
    ));
    let fx = update(
        &mut app,
        Msg::KeyCreated {
            req,
            result: Ok(new),
        },
    );
    let Some(errtui::app::Effect::TestDsn { req, .. }) = fx.into_iter().nth(1) else {
        panic!()
    };
    snap("keys_rotate_testing", &app);
    update(
        &mut app,
        Msg::DsnTested {
            req,
            key_id: "f".into(),
            result: Ok("4750bdd32bee06246efd8280acf3c889".into()),
        },
    );
    snap("keys_rotate_confirm", &app);
}

#[test]
fn settings_pane() {
    for (w, h) in sizes() {
        let mut app = loaded_app(w, h, 2);
        let fx = update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('S'),
                crossterm::event::KeyModifiers::SHIFT,
            )),
        );
        let Some(errtui::app::Effect::Fetch {
            req,
            fetch: Fetch::Settings,
        }) = fx.into_iter().next()
        else {
            panic!()
        };
        update(
            &mut app,
            settings_loaded(
                req,
                Ok(errtui::model::TrackingSettings {
                    active: true,
                    integrated: false,
                    project_name: Some("web".into()),
                    sentry_external_url: Some("https://sentry.example.com/acme/web".into()),
                    api_url: Some("https://sentry.example.com/api/0/projects/acme/web/".into()),
                }),
            ),
        );
        snap("settings", &app);
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('a'),
            )),
        );
        snap("settings_confirm_off", &app);
    }
    let mut app = loaded_app(80, 24, 2);
    let fx = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('S'),
            crossterm::event::KeyModifiers::SHIFT,
        )),
    );
    let Some(errtui::app::Effect::Fetch {
        req,
        fetch: Fetch::Settings,
    }) = fx.into_iter().next()
    else {
        panic!()
    };
    let err = BackendError::NotFound {
        what: "GitLab has no error-tracking settings for `acme/web` yet (\"Error Tracking Setting Not Found\"). The Sentry URL and token can only be set in the web UI: https://gitlab.example.com/acme/web/-/settings/operations".into(),
    };
    update(&mut app, settings_loaded(req, Err(err)));
    snap("settings_not_found", &app);
}

#[test]
fn events_and_tags_panes() {
    use errtui::app::msg::Data;
    use errtui::model::*;
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = opened(w, h, View::Detail);
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('E'),
            )),
        );
        let req = app.event_list.track.load.req().expect("events asked");
        let rows: Vec<EventSummary> = (0..30)
            .map(|i| EventSummary {
                id: if i == 0 {
                    "evt100".into()
                } else {
                    format!("{:032x}", i * 7919)
                },
                date: Some(now() - chrono::Duration::minutes(2 + i * 41)),
                message: Some(
                    "TypeError: Cannot read properties of undefined (reading 'price')".into(),
                ),
                release: Some(
                    if i % 3 == 0 {
                        "web@5.12.0"
                    } else {
                        "web@5.13.2"
                    }
                    .into(),
                ),
                environment: Some(if i % 4 == 0 { "staging" } else { "production" }.into()),
                user: Some(format!("user{i}@example.org")),
            })
            .collect();
        update(
            &mut app,
            Msg::Loaded {
                req,
                fetch: Fetch::Events {
                    id: "100".into(),
                    cursor: None,
                },
                result: Ok(Data::Events(Page {
                    items: rows,
                    next: Some("c".into()),
                    total: Some(1000),
                })),
            },
        );
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('j'),
            )),
        );
        snap("events", &app);
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('T'),
            )),
        );
        let req = app.tags.track.load.req().expect("tags asked");
        let tag = |key: &str, vals: &[(&str, u64)]| tag_breakdown(key, 1000, vals);
        update(
            &mut app,
            Msg::Loaded {
                req,
                fetch: Fetch::Tags { id: "100".into() },
                result: Ok(Data::Tags(vec![
                    tag(
                        "browser",
                        &[
                            ("Safari 18.1", 610),
                            ("Chrome 131", 240),
                            ("Firefox 133", 150),
                        ],
                    ),
                    tag("environment", &[("production", 800), ("staging", 200)]),
                    tag("release", &[("web@5.13.2", 700), ("web@5.12.0", 250)]),
                ])),
            },
        );
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('j'),
            )),
        );
        snap("tags", &app);
    }
}

#[test]
fn detail_sections_folded_revealed_and_zoomed_stack() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = opened(w, h, View::Detail);
        app.folded.insert(errtui::app::msg::Section::Trend);
        app.folded.insert(errtui::app::msg::Section::Event);
        app.crumb_data = true;
        app.reveal = true;
        snap("detail_unfolded_data", &app);
        app.view = View::Stack;
        app.zoom = true;
        snap("stack_zoomed", &app);
    }
}

/// Marked rows, the resolve menu with the release it pins after, GlitchTip's archive menu with
/// what it cannot do, and the assign picker filtered by typing.
#[test]
fn triage_menus_marks_and_picker() {
    use crossterm::event::{KeyCode, KeyEvent};
    use errtui::app::msg::Data;
    use errtui::model::*;
    let key = |c: char| Msg::Key(KeyEvent::from(KeyCode::Char(c)));
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = loaded_app(w, h, 8);
        app.list.items[1].triage.assignee = Some(Assignee {
            kind: "team".into(),
            id: "10".into(),
            name: "backend".into(),
            email: None,
        });
        app.list.items[2].triage.is_bookmarked = true;
        for _ in 0..3 {
            update(&mut app, key(' '));
        }
        let fx = update(&mut app, key('r'));
        for e in fx {
            if let errtui::app::Effect::Fetch {
                req,
                fetch: Fetch::Releases,
            } = e
            {
                update(
                    &mut app,
                    Msg::Loaded {
                        req,
                        fetch: Fetch::Releases,
                        result: Ok(Data::Releases(vec![Release {
                            version: "web@5.14.0".into(),
                            date: None,
                        }])),
                    },
                );
            }
        }
        snap("menu_resolve", &app);
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Esc)));
        app.caps = Capabilities::glitchtip(Some("5.1".into()));
        update(&mut app, key('i'));
        snap("menu_archive_glitchtip", &app);
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Esc)));
        app.caps = Capabilities::full("Sentry");
        let fx = update(&mut app, key('a'));
        update(&mut app, key('p'));
        for e in fx {
            if let errtui::app::Effect::Fetch {
                req,
                fetch: Fetch::People,
            } = e
            {
                let user = |id: &str, name: &str| Member {
                    assignee: Assignee {
                        kind: "user".into(),
                        id: id.into(),
                        name: name.into(),
                        email: Some(format!(
                            "{}@example.com",
                            name.to_lowercase().replace(' ', ".")
                        )),
                    },
                    also: String::new(),
                };
                update(
                    &mut app,
                    Msg::Loaded {
                        req,
                        fetch: Fetch::People,
                        result: Ok(Data::People {
                            me: None,
                            members: vec![
                                user("1", "Dana Demo"),
                                user("2", "Sam Lee"),
                                user("3", "Samira Khan"),
                            ],
                        }),
                    },
                );
            }
        }
        update(&mut app, key('s'));
        update(&mut app, key('a'));
        snap("pick_person", &app);
    }
}
