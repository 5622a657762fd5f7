//! Triage in the app: the resolve / archive / assign menus (the key twice takes the first
//! option), marks and bulk changes that roll back row by row, undo, the assign picker, merge
//! confirmation, and what GlitchTip and GitLab cannot do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::msg::{Data, Fetch};
use errtui::app::state::{NoticeKind, Overlay, People};
use errtui::app::{App, Effect, Msg, update};
use errtui::backend::BackendError;
use errtui::model::*;

use crate::common::*;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// Presses keys; returns the effects of the last one.
fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in keys.chars() {
        fx = update(app, key(c));
    }
    fx
}

/// The one change a key sequence sent.
fn sent(fx: &[Effect]) -> (u64, Vec<String>, Change) {
    let updates: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Update { req, ids, change } => Some((*req, ids.clone(), change.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(updates.len(), 1, "one request: {fx:?}");
    updates.into_iter().next().expect("one")
}

fn answered(
    req: u64,
    ids: Vec<String>,
    change: Change,
    result: Result<Applied, BackendError>,
) -> Msg {
    Msg::Updated {
        req,
        ids,
        change,
        result,
    }
}

fn no_change(fx: &[Effect]) -> bool {
    !fx.iter()
        .any(|e| matches!(e, Effect::Update { .. } | Effect::Merge { .. }))
}

fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn refused() -> BackendError {
    BackendError::Forbidden {
        token_source: "SENTRY_AUTH_TOKEN".into(),
        scope: "event:write".into(),
        action: "change errors".into(),
    }
}

#[test]
fn r_r_resolves_at_once_optimistic_then_confirmed() {
    let mut app = loaded_app(80, 24, 3);
    assert!(no_change(&press(&mut app, "r")), "r opens the menu");
    assert!(matches!(app.overlays.last(), Some(Overlay::Menu(_))));
    let (req, ids, change) = sent(&press(&mut app, "r"));
    assert_eq!(ids, ["100"]);
    assert_eq!(change, Change::Resolve(Resolve::Now));
    assert!(app.overlays.is_empty());
    assert_eq!(app.list.items[0].status, Status::Resolved, "shown at once");
    update(
        &mut app,
        answered(
            req,
            ids,
            change,
            Ok(Applied {
                status: Some(Status::Resolved),
                triage: Triage::default(),
            }),
        ),
    );
    assert!(app.pending.is_empty());
    assert_eq!(notice(&app), "Resolved SHOP-0.");
}

#[test]
fn a_refused_archive_rolls_back_with_a_visible_message() {
    let mut app = loaded_app(80, 24, 3);
    update(&mut app, code(KeyCode::Enter));
    let (req, ids, change) = sent(&press(&mut app, "ii"));
    assert_eq!(
        change,
        Change::Archive(Archive::UntilEscalating),
        "Sentry's default"
    );
    assert_eq!(app.list.items[0].status, Status::Ignored);
    assert_eq!(
        app.list.items[0].triage.substatus.as_deref(),
        Some("archived_until_escalating")
    );
    update(&mut app, answered(req, ids, change, Err(refused())));
    assert_eq!(app.list.items[0].status, Status::Unresolved, "rolled back");
    assert_eq!(app.list.items[0].triage, Triage::default());
    let n = app.notice.as_ref().expect("notice");
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(
        n.text
            .contains("Could not archive until it escalates SHOP-0")
            && n.text.contains("event:write")
            && n.text.contains("restored to unresolved"),
        "{}",
        n.text
    );
}

#[test]
fn marks_space_range_all_and_esc() {
    let mut app = loaded_app(80, 24, 6);
    update(&mut app, key(' '));
    assert!(app.marks.contains("100"));
    assert_eq!(app.list.selected, 1, "Space moves down");
    update(&mut app, key(' '));
    update(&mut app, key('k'));
    update(&mut app, key(' '));
    assert_eq!(
        app.marks.iter().cloned().collect::<Vec<_>>(),
        ["100"],
        "Space again unmarks"
    );
    // V, two down, V: three rows.
    update(&mut app, code(KeyCode::Esc));
    assert!(app.marks.is_empty(), "Esc clears");
    press(&mut app, "VjjV");
    assert_eq!(app.marks.len(), 3);
    press(&mut app, "*");
    assert_eq!(app.marks.len(), 6);
    press(&mut app, "*");
    assert!(app.marks.is_empty(), "* again clears");
}

#[test]
fn marked_rows_resolve_in_the_next_release_in_one_request_then_unmark() {
    let mut app = loaded_app(80, 24, 6);
    // The releases the menu shows arrive.
    let fx = press(&mut app, "  ");
    assert!(fx.is_empty());
    press(&mut app, " ");
    let fx = press(&mut app, "r");
    let rel_req = crate::common::asked(&fx, |f| matches!(f, Fetch::Releases))
        .expect("the menu asks for the latest release");
    update(
        &mut app,
        Msg::Loaded {
            req: rel_req,
            fetch: Fetch::Releases,
            result: Ok(Data::Releases(vec![Release {
                version: "web@5.14.0".into(),
                date: None,
            }])),
        },
    );
    let menu = errtui::app::menu::items(&app, errtui::app::menu::MenuKind::Resolve);
    assert!(
        menu[1].label.contains("after web@5.14.0"),
        "{}",
        menu[1].label
    );
    let (_, ids, change) = sent(&press(&mut app, "n"));
    assert_eq!(ids, ["100", "101", "102"]);
    assert_eq!(
        change,
        Change::Resolve(Resolve::NextRelease {
            latest: Some("web@5.14.0".into())
        })
    );
    assert!(app.marks.is_empty(), "marks go once acted on");
    assert!(
        app.list.items[..3]
            .iter()
            .all(|e| e.status == Status::Resolved && e.triage.status_details.in_next_release)
    );
}

#[test]
fn a_refused_bulk_change_rolls_back_each_row_to_its_own_state() {
    let mut app = loaded_app(80, 24, 4);
    app.list.items[1].status = Status::Ignored;
    press(&mut app, "   ");
    let (req, ids, change) = sent(&press(&mut app, "rr"));
    assert_eq!(ids.len(), 3);
    // Row 102 changes again before the bulk answer comes: that newer change stays.
    app.list.selected = 2;
    let (req2, _, _) = sent(&press(&mut app, "ii"));
    update(&mut app, answered(req, ids, change, Err(refused())));
    assert_eq!(app.list.items[0].status, Status::Unresolved);
    assert_eq!(app.list.items[1].status, Status::Ignored, "its own state");
    assert_eq!(
        app.list.items[2].status,
        Status::Ignored,
        "the newer change stays"
    );
    assert_eq!(app.pending.get("102").map(|p| p.req), Some(req2));
    // … and if that one is refused too, 102 goes back to what the server last said.
    update(
        &mut app,
        answered(
            req2,
            vec!["102".into()],
            Change::Archive(Archive::UntilEscalating),
            Err(refused()),
        ),
    );
    assert_eq!(app.list.items[2].status, Status::Unresolved);
    assert!(app.pending.is_empty());
}

#[test]
fn undo_sends_the_inverse_within_a_minute_grouped_by_what_each_row_was() {
    let mut app = loaded_app(80, 24, 3);
    app.list.items[1].status = Status::Ignored;
    press(&mut app, "  ");
    let (req, ids, change) = sent(&press(&mut app, "rr"));
    update(&mut app, answered(req, ids, change, Ok(Applied::default())));
    let fx = press(&mut app, "U");
    let mut undone: Vec<(Vec<String>, Change)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Update { ids, change, .. } => Some((ids.clone(), change.clone())),
            _ => None,
        })
        .collect();
    undone.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        undone,
        [
            (vec!["100".to_string()], Change::Unresolve),
            (vec!["101".to_string()], Change::Archive(Archive::Plain)),
        ]
    );
    assert!(press(&mut app, "U").is_empty(), "one undo");
    // Too late.
    let (req, ids, change) = sent(&press(&mut app, "bb"));
    update(&mut app, answered(req, ids, change, Ok(Applied::default())));
    update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(61)));
    assert!(press(&mut app, "U").is_empty());
    assert!(notice(&app).contains("Too late"), "{}", notice(&app));
}

fn people() -> People {
    let user = |id: &str, name: &str, email: &str| Member {
        assignee: Assignee {
            kind: "user".into(),
            id: id.into(),
            name: name.into(),
            email: Some(email.into()),
        },
        also: email.into(),
    };
    People {
        me: Some(user("1", "Dana Demo", "dana@example.com").assignee),
        members: vec![
            user("1", "Dana Demo", "dana@example.com"),
            user("2", "Sam Lee", "sam@example.com"),
            Member {
                assignee: Assignee {
                    kind: "team".into(),
                    id: "10".into(),
                    name: "backend".into(),
                    email: None,
                },
                also: "Backend".into(),
            },
        ],
    }
}

fn people_arrive(app: &mut App, fx: &[Effect]) -> Vec<Effect> {
    let req = crate::common::asked(fx, |f| matches!(f, Fetch::People)).expect("people asked for");
    let p = people();
    update(
        app,
        Msg::Loaded {
            req,
            fetch: Fetch::People,
            result: Ok(Data::People {
                me: p.me,
                members: p.members,
            }),
        },
    )
}

#[test]
fn a_a_assigns_to_me_even_before_errtui_knows_who_that_is() {
    let mut app = loaded_app(80, 24, 2);
    let fx = press(&mut app, "a");
    let fx2 = press(&mut app, "a");
    assert!(
        fx2.iter().all(|e| !matches!(e, Effect::Update { .. })),
        "waits"
    );
    let fx = people_arrive(&mut app, &fx);
    let (_, ids, change) = sent(&fx);
    assert_eq!(ids, ["100"]);
    assert!(matches!(change, Change::Assign(Some(ref a)) if a.id == "1"));
    assert_eq!(
        app.list.items[0]
            .triage
            .assignee
            .as_ref()
            .map(|a| a.name.as_str()),
        Some("Dana Demo")
    );
}

#[test]
fn the_assign_picker_filters_members_and_teams_as_you_type() {
    let mut app = loaded_app(80, 24, 2);
    let fx = press(&mut app, "a");
    people_arrive(&mut app, &fx);
    press(&mut app, "p");
    assert!(matches!(app.overlays.last(), Some(Overlay::Pick(_))));
    // Letters filter (none of them is a command here).
    press(&mut app, "sm");
    let fx = update(&mut app, code(KeyCode::Enter));
    let (_, _, change) = sent(&fx);
    assert!(
        matches!(change, Change::Assign(Some(ref a)) if a.name == "Sam Lee"),
        "{change:?}"
    );
    // Teams too, as #slug.
    let fx = press(&mut app, "ap#back");
    assert!(fx.is_empty());
    let (_, _, change) = sent(&update(&mut app, code(KeyCode::Enter)));
    assert!(matches!(change, Change::Assign(Some(ref a)) if a.kind == "team"));
}

#[test]
fn archive_until_n_events_in_a_window_is_typed() {
    let mut app = loaded_app(80, 24, 3);
    // Three keystrokes: the usual 100 is already there.
    press(&mut app, "ic");
    assert!(matches!(app.overlays.last(), Some(Overlay::Prompt { .. })));
    let (_, _, change) = sent(&update(&mut app, code(KeyCode::Enter)));
    assert_eq!(
        change,
        Change::Archive(Archive::UntilCount {
            count: 100,
            window: None
        })
    );
    press(&mut app, "jic");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(&mut app, Msg::Paste("50 in 1h".into()));
    let (_, _, change) = sent(&update(&mut app, code(KeyCode::Enter)));
    assert_eq!(
        change,
        Change::Archive(Archive::UntilCount {
            count: 50,
            window: Some(60)
        })
    );
    // A bad count changes nothing and says why.
    press(&mut app, "jic");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(&mut app, Msg::Paste("lots".into()));
    assert!(update(&mut app, code(KeyCode::Enter)).is_empty());
    assert!(notice(&app).contains("not a count"), "{}", notice(&app));
}

#[test]
fn glitchtip_archives_plainly_and_says_why_the_rest_is_missing() {
    let mut app = loaded_app(80, 24, 2);
    app.caps = Capabilities::glitchtip(Some("5.1".into()));
    let (_, _, change) = sent(&press(&mut app, "ii"));
    assert_eq!(change, Change::Archive(Archive::Plain));
    // A refused option says why and sends nothing.
    press(&mut app, "j");
    assert!(no_change(&press(&mut app, "if")));
    assert!(
        notice(&app).contains("GlitchTip archives without conditions"),
        "{}",
        notice(&app)
    );
    press(&mut app, "q");
    assert!(no_change(&press(&mut app, "b")));
    assert!(notice(&app).contains("no bookmarks"), "{}", notice(&app));
}

#[test]
fn gitlab_resolves_plainly_and_refuses_the_rest() {
    let mut app = loaded_app(80, 24, 2);
    app.caps.triage = TriageCaps::gitlab();
    let (_, _, change) = sent(&press(&mut app, "rr"));
    assert_eq!(change, Change::Resolve(Resolve::Now));
    press(&mut app, "j");
    assert!(no_change(&press(&mut app, "rn")));
    assert!(
        notice(&app).contains("GitLab's error tracking API cannot"),
        "{}",
        notice(&app)
    );
    press(&mut app, "q");
    assert!(no_change(&press(&mut app, "aa")));
    assert!(no_change(&press(&mut app, "c")));
    assert!(notice(&app).contains("cannot comment"), "{}", notice(&app));
}

#[test]
fn merge_asks_naming_the_errors_and_the_one_they_merge_into() {
    let mut app = loaded_app(80, 24, 4);
    assert!(press(&mut app, "=").is_empty());
    assert!(notice(&app).contains("Mark the errors"));
    press(&mut app, " j ");
    press(&mut app, "=");
    let Some(Overlay::Confirm(c)) = app.overlays.last() else {
        panic!("asks first")
    };
    let text = c.lines.join("\n");
    // SHOP-2 has more events (1074) than SHOP-0 and is the one kept.
    assert!(text.contains("into:\n  SHOP-2"), "{text}");
    assert!(text.contains("SHOP-0 ") && !text.contains("SHOP-1 "));
    let fx = press(&mut app, "y");
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Merge { ids, .. } if ids == &["100".to_string(), "102".to_string()])
    ));
}

#[test]
fn a_comment_is_typed_posted_and_shown_in_the_activity() {
    let mut app = loaded_app(80, 24, 2);
    update(&mut app, code(KeyCode::Enter));
    let req = app.detail.load().req().expect("detail asked");
    update(&mut app, detail_loaded(req, "100".into(), Ok(detail(0))));
    press(&mut app, "c");
    update(&mut app, Msg::Paste("rolled back the deploy".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    let Some(Effect::Comment { id, text, req }) = fx.into_iter().next() else {
        panic!("a comment is sent")
    };
    assert_eq!(
        (id.as_str(), text.as_str()),
        ("100", "rolled back the deploy")
    );
    update(
        &mut app,
        Msg::Commented {
            req,
            id,
            result: Ok(Activity {
                id: "1".into(),
                kind: "note".into(),
                date: Some(now()),
                user: Some("Dana Demo".into()),
                text: "rolled back the deploy".into(),
            }),
        },
    );
    let d = app.detail.data.as_ref().expect("detail");
    assert_eq!(d.activity[0].text, "rolled back the deploy");
}

#[test]
fn a_confirmed_change_rereads_the_open_error_so_its_activity_shows_it() {
    let mut app = loaded_app(80, 24, 2);
    update(&mut app, code(KeyCode::Enter));
    let req = app.detail.load().req().expect("detail asked");
    update(&mut app, detail_loaded(req, "100".into(), Ok(detail(0))));
    let (req, ids, change) = sent(&press(&mut app, "b"));
    assert_eq!(change, Change::Bookmark(true));
    assert!(app.list.items[0].triage.is_bookmarked, "shown at once");
    let fx = update(
        &mut app,
        answered(
            req,
            ids,
            change,
            Ok(Applied {
                status: None,
                triage: Triage {
                    is_bookmarked: true,
                    ..Triage::default()
                },
            }),
        ),
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Fetch { fetch: Fetch::Detail { id }, .. } if id == "100")),
        "{fx:?}"
    );
    assert_eq!(notice(&app), "Bookmarked SHOP-0.");
}

#[test]
fn five_errors_resolved_in_the_next_release_take_four_keystrokes_and_one_request() {
    let mut app = loaded_app(80, 24, 12);
    let mut effects = Vec::new();
    for c in "5 rn".chars() {
        effects.extend(update(&mut app, key(c)));
    }
    let (_, ids, change) = sent(&effects);
    assert_eq!(ids, ["100", "101", "102", "103", "104"]);
    assert!(matches!(
        change,
        Change::Resolve(Resolve::NextRelease { .. })
    ));
    // A count moves too.
    press(&mut app, "3j");
    assert_eq!(app.list.selected, 5 + 3);
}

#[test]
fn a_p_enter_assigns_the_first_teammate_not_yourself() {
    let mut app = loaded_app(80, 24, 2);
    let fx = press(&mut app, "a");
    people_arrive(&mut app, &fx);
    press(&mut app, "p");
    let (_, _, change) = sent(&update(&mut app, code(KeyCode::Enter)));
    assert!(
        matches!(change, Change::Assign(Some(ref a)) if a.name == "Sam Lee"),
        "{change:?}"
    );
}

#[test]
fn w_in_the_menu_asks_why_and_posts_it_as_a_comment_on_each() {
    let mut app = loaded_app(80, 24, 4);
    press(&mut app, "  ");
    let fx = press(&mut app, "iwf");
    let (_, ids, change) = sent(&fx);
    assert_eq!(change, Change::Archive(Archive::Forever));
    let Some(Overlay::Prompt { title, .. }) = app.overlays.last() else {
        panic!("asks why")
    };
    assert!(title.contains("archive forever 2 errors"), "{title}");
    update(&mut app, Msg::Paste("noise from the load test".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    let posted: Vec<&str> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Comment { id, text, .. } if text == "noise from the load test" => {
                Some(id.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(posted, ids);
    // Without w, no question.
    press(&mut app, "jrr");
    assert!(app.overlays.is_empty());
}

#[test]
fn more_than_a_hundred_marked_rows_go_in_batches_that_roll_back_on_their_own() {
    let mut app = loaded_app(80, 24, 150);
    press(&mut app, "*");
    let fx = press(&mut app, "rr");
    let batches: Vec<(u64, Vec<String>, Change)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Update { req, ids, change } => Some((*req, ids.clone(), change.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        batches.iter().map(|b| b.1.len()).collect::<Vec<_>>(),
        [100, 50]
    );
    let (first, second) = (batches[0].clone(), batches[1].clone());
    update(
        &mut app,
        answered(first.0, first.1, first.2, Ok(Applied::default())),
    );
    update(
        &mut app,
        answered(second.0, second.1, second.2, Err(refused())),
    );
    assert!(
        app.list.items[..100]
            .iter()
            .all(|e| e.status == Status::Resolved)
    );
    assert!(
        app.list.items[100..]
            .iter()
            .all(|e| e.status == Status::Unresolved)
    );
    assert!(app.pending.is_empty());
}

#[test]
fn read_only_refuses_every_change_key_and_says_so_in_the_header() {
    let mut app = loaded_app(80, 24, 3);
    app.caps.read_only = Some("profile `prod` is read-only".into());
    for keys in ["r", "i", "u", "a", "b", "m", "c", "U"] {
        let fx = press(&mut app, keys);
        assert!(no_change(&fx) && app.overlays.is_empty(), "{keys}");
        assert!(
            notice(&app).starts_with("Read-only (profile `prod` is read-only)"),
            "{keys}: {}",
            notice(&app)
        );
    }
    assert_eq!(app.list.items[0].status, Status::Unresolved);
    assert!(
        crate::core::render_text(&app)
            .lines()
            .next()
            .unwrap_or("")
            .contains("READ-ONLY")
    );
}

#[test]
fn the_palette_runs_actions_goes_to_errors_and_switches_profiles() {
    let mut app = loaded_app(80, 24, 3);
    app.profiles = vec!["prod".into(), "staging".into()];
    app.profile = Some("prod".into());
    // Any action, found by what it does.
    press(&mut app, ":");
    assert!(matches!(app.overlays.last(), Some(Overlay::Pick(_))));
    update(&mut app, Msg::Paste("next release".into()));
    update(&mut app, code(KeyCode::Enter));
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Menu(m)) if m.kind == errtui::app::menu::MenuKind::Resolve),
        "the resolve menu, as r opens it"
    );
    update(&mut app, code(KeyCode::Esc));
    // Go to an error by its short id.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    update(&mut app, Msg::Paste("SHOP-2".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Fetch { fetch: Fetch::Detail { id }, .. } if id == "SHOP-2")
        ),
        "{fx:?}"
    );
    assert_eq!(app.view, errtui::app::state::View::Detail);
    // A profile.
    press(&mut app, ":");
    update(&mut app, Msg::Paste("staging".into()));
    let fx = update(&mut app, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::SwitchProfile("staging".into())]);
}

#[test]
fn a_custom_command_fills_its_placeholders_shell_quoted() {
    use errtui::app::commands::{CustomCommand, expand, shell_quote};
    use errtui::app::keymap::Ctx;
    assert_eq!(shell_quote("it's; rm -rf ~"), "'it'\\''s; rm -rf ~'");
    let mut app = loaded_app(80, 24, 2);
    app.list.items[0].title = "boom'; touch /tmp/pwned; echo '".into();
    app.commands = vec![
        CustomCommand {
            key: 'O',
            ctx: Ctx::List,
            description: "say".into(),
            run: "echo {short_id} {title}".into(),
            confirm: false,
            mutating: false,
            pause: true,
        },
        CustomCommand {
            key: 'W',
            ctx: Ctx::List,
            description: "tell ops".into(),
            run: "notify {url}".into(),
            confirm: true,
            mutating: true,
            pause: false,
        },
    ];
    let fx = press(&mut app, "O");
    assert_eq!(
        fx,
        vec![Effect::RunCommand {
            line: "echo 'SHOP-0' 'boom'\\''; touch /tmp/pwned; echo '\\'''".into(),
            pause: true
        }]
    );
    // A placeholder the error lacks is said, and nothing runs.
    assert!(expand(&app, "x {frame.path}").is_err());
    // Asked first when it says so; refused in read-only mode when it changes things.
    assert!(press(&mut app, "W").is_empty());
    assert!(matches!(app.overlays.last(), Some(Overlay::Confirm(_))));
    let fx = press(&mut app, "y");
    assert!(
        matches!(&fx[..], [Effect::RunCommand { line, .. }] if line.starts_with("notify 'https://"))
    );
    // In help too, except in read-only mode when it changes things.
    let in_help = |app: &App| {
        errtui::ui::help::help_lines(app, 80)
            .iter()
            .any(|l| l.to_string().contains("tell ops"))
    };
    assert!(in_help(&app));
    app.caps.read_only = Some("profile `prod` is read-only".into());
    assert!(press(&mut app, "W").is_empty());
    assert!(notice(&app).starts_with("Read-only"));
    assert!(!in_help(&app));
}

#[test]
fn e_asks_the_runtime_to_open_the_failing_frame() {
    let mut app = loaded_app(80, 24, 2);
    update(&mut app, code(KeyCode::Enter));
    assert!(no_change(&press(&mut app, "e")));
    assert!(notice(&app).contains("No frame"), "{}", notice(&app));
    let req = app.event.load().req().expect("event asked");
    update(&mut app, event_loaded(req, "100".into(), Ok(event("100"))));
    let fx = press(&mut app, "e");
    assert!(
        matches!(&fx[..], [Effect::EditFrame { path, line }] if !path.is_empty() && *line > 0),
        "{fx:?}"
    );
}
