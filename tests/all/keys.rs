//! Client keys: both backends' APIs against mock servers, the rotation sequence in `update`,
//! and DSN tests against the demo's ingestion.

use errtui::app::msg::Fetch;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::state::{Confirm, Confirmed, Overlay, PromptFor, RotationStage, View};
use errtui::app::{Effect, Msg, update};
use errtui::backend::sentry::SentryBackend;
use errtui::backend::{Backend, BackendError, Secret};
use errtui::model::ClientKey;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn sentry(server: &MockServer) -> SentryBackend {
    SentryBackend::new(
        &server.uri(),
        "acme",
        Some("web"),
        Secret::new("tok", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn sentry_key(public: &str, name: &str, full_dsn: bool) -> serde_json::Value {
    let dsn = if full_dsn {
        json!({"public": format!("https://{public}@o1.ingest.us.sentry.io/2"), "secret": "x", "csp": "y", "security": "z",
               "minidump": "m", "nel": "n", "unreal": "u", "crons": "c", "cdn": "d", "playstation": "p", "integration": "i",
               "otlp_traces": "t", "otlp_logs": "l"})
    } else {
        json!({"public": format!("https://{public}@o1.ingest.us.sentry.io/2")})
    };
    json!({"id": public, "name": name, "label": name, "public": public, "secret": "s", "projectId": 2, "isActive": true,
           "rateLimit": {"window": 3600, "count": 500}, "dateCreated": "2026-01-02T03:04:05.000Z", "dsn": dsn})
}

#[tokio::test]
async fn sentry_keys_list_create_toggle_delete() {
    let server = MockServer::start().await;
    let keys = "/api/0/projects/acme/web/keys/";
    Mock::given(method("GET"))
        .and(path(keys))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            sentry_key("aaa", "Default", true),
            sentry_key("bbb", "Old", false),
            {"id": "ccc", "public": "ccc", "isActive": false, "dsn": {}}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(keys))
        .and(body_json(json!({"name": "Web 2026"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(sentry_key("ddd", "Web 2026", true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{keys}bbb/")))
        .and(body_json(json!({"isActive": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut k = sentry_key("bbb", "Old", false);
            k["isActive"] = json!(false);
            k
        }))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{keys}aaa/")))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(
                json!({"detail": "You do not have permission to perform this action."}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{keys}bbb/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let b = sentry(&server);
    let list = b.list_keys().await.expect("keys");
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].name.as_deref(), Some("Default"));
    assert_eq!(list[0].rate_limit, Some((500, 3600)));
    assert_eq!(
        list[0].dsn.as_deref(),
        Some("https://aaa@o1.ingest.us.sentry.io/2")
    );
    assert!(list[0].created.is_some());
    assert_eq!(list[2].dsn, None, "every dsn sub-field is optional");
    assert_eq!(list[2].active, Some(false));
    let created = b.create_key(Some("Web 2026")).await.expect("created (201)");
    assert_eq!(created.id, "ddd");
    assert_eq!(
        b.set_key_active("bbb", false).await.expect("put").active,
        Some(false)
    );
    let err = b.delete_key("aaa").await.expect_err("403");
    assert!(err.to_string().contains("project:admin"), "{err}");
    assert_eq!(
        b.delete_key("bbb").await.expect("204").name.as_deref(),
        Some("Old")
    );
    let err = b.delete_key("zzz").await.expect_err("no such key");
    assert!(matches!(err, BackendError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("client key `zzz`"), "{err}");
}

#[tokio::test]
async fn sentry_keys_need_a_project() {
    let server = MockServer::start().await;
    let b = SentryBackend::new(
        &server.uri(),
        "acme",
        None,
        Secret::new("t", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend");
    let err = b.list_keys().await.expect_err("no project");
    assert!(err.to_string().contains("--project"), "{err}");
}

// ---- the rotation sequence, in update ----

fn key(id: &str, active: bool) -> ClientKey {
    ClientKey {
        id: id.into(),
        name: Some(format!("Key {id}")),
        active: Some(active),
        public_key: format!("{id}0000000000000000"),
        dsn: Some(format!("https://{id}@o1.ingest.sentry.io/2")),
        created: None,
        rate_limit: None,
    }
}

fn press(app: &mut errtui::app::App, c: char) -> Vec<Effect> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

fn keys_app(keys: Vec<ClientKey>) -> errtui::app::App {
    let mut app = loaded_app(80, 24, 2);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('K'), KeyModifiers::SHIFT)),
    );
    let Some(Effect::Fetch {
        req,
        fetch: Fetch::Keys,
    }) = fx.into_iter().next()
    else {
        panic!("keys requested")
    };
    update(&mut app, keys_loaded(req, Ok(keys)));
    assert_eq!(app.view, View::Keys);
    app
}

#[test]
fn rotation_creates_tests_and_only_then_deletes_the_old_key() {
    let mut app = keys_app(vec![key("old", true)]);
    assert!(press(&mut app, 'R').is_empty(), "first the new key's name");
    assert!(
        matches!(app.overlay(), Some(Overlay::Prompt { editor, purpose: PromptFor::RotateKeyName, .. }) if editor.text().starts_with("Key old (rotated "))
    );
    let fx = update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    let [
        Effect::CreateKey {
            req,
            name: Some(name),
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert!(name.starts_with("Key old (rotated"));
    let fx = update(
        &mut app,
        Msg::KeyCreated {
            req: *req,
            result: Ok(key("new", true)),
        },
    );
    let [
        Effect::Copy(dsn),
        Effect::TestDsn {
            req: test,
            dsn: tested,
            ..
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        dsn, "https://new@o1.ingest.sentry.io/2",
        "the new DSN is copied"
    );
    assert_eq!(tested, dsn, "and tested");
    assert_eq!(app.keys.items.len(), 2);
    let fx = update(
        &mut app,
        Msg::DsnTested {
            req: *test,
            key_id: "new".into(),
            result: Ok("e1".into()),
        },
    );
    assert!(fx.is_empty(), "nothing is deleted without a yes");
    assert!(
        matches!(app.overlay(), Some(Overlay::Confirm(Confirm { on_yes: Confirmed::RotateDeleteOld, lines, .. })) if lines[0].contains("e1"))
    );
    let fx = press(&mut app, 'y');
    let [Effect::DeleteKey { req, id }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(id, "old");
    let old = key("old", true);
    update(
        &mut app,
        Msg::KeyDeleted {
            req: *req,
            id: "old".into(),
            result: Ok(old),
        },
    );
    assert!(app.rotation.is_none());
    assert_eq!(
        app.keys
            .items
            .iter()
            .map(|k| k.id.as_str())
            .collect::<Vec<_>>(),
        vec!["new"]
    );
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("Rotation done"))
    );
}

#[test]
fn an_interrupted_rotation_never_deletes_the_old_key() {
    // The new key cannot be created.
    let mut app = keys_app(vec![key("old", true)]);
    press(&mut app, 'R');
    let fx = update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    let Some(Effect::CreateKey { req, .. }) = fx.into_iter().next() else {
        panic!()
    };
    let err = BackendError::Forbidden {
        token_source: "SENTRY_AUTH_TOKEN".into(),
        scope: "the `project:write` scope".into(),
        action: "create client keys".into(),
    };
    let fx = update(
        &mut app,
        Msg::KeyCreated {
            req,
            result: Err(err),
        },
    );
    assert!(fx.is_empty() && app.rotation.is_none());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("old key is untouched"))
    );

    // The test event is refused.
    let mut app = keys_app(vec![key("old", true)]);
    press(&mut app, 'R');
    let Some(Effect::CreateKey { req, .. }) =
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)))
            .into_iter()
            .next()
    else {
        panic!()
    };
    let fx = update(
        &mut app,
        Msg::KeyCreated {
            req,
            result: Ok(key("new", true)),
        },
    );
    let Some(Effect::TestDsn { req, .. }) = fx.into_iter().nth(1) else {
        panic!()
    };
    let fx = update(
        &mut app,
        Msg::DsnTested {
            req,
            key_id: "new".into(),
            result: Err("the server refused the key (HTTP 403): Project key disabled".into()),
        },
    );
    assert!(fx.is_empty() && app.rotation.is_none() && app.overlay().is_none());
    assert_eq!(app.keys.items.len(), 2, "both keys remain");

    // The user says no at the end, or cancels while naming.
    let mut app = keys_app(vec![key("old", true)]);
    press(&mut app, 'R');
    let Some(Effect::CreateKey { req, .. }) =
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)))
            .into_iter()
            .next()
    else {
        panic!()
    };
    let Some(Effect::TestDsn { req, .. }) = update(
        &mut app,
        Msg::KeyCreated {
            req,
            result: Ok(key("new", true)),
        },
    )
    .into_iter()
    .nth(1) else {
        panic!()
    };
    update(
        &mut app,
        Msg::DsnTested {
            req,
            key_id: "new".into(),
            result: Ok("e".into()),
        },
    );
    assert!(press(&mut app, 'n').is_empty());
    assert!(app.rotation.is_none());
    let mut app = keys_app(vec![key("old", true)]);
    press(&mut app, 'R');
    assert!(update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Esc))).is_empty());
    assert!(app.rotation.is_none() && app.overlay().is_none());
}

#[test]
fn gitlab_rotation_needs_no_name_and_toggling_says_why_not() {
    let mut app = keys_app(vec![key("1", true)]);
    app.caps.keys_named = false;
    app.caps.key_toggle =
        Some("GitLab's API cannot turn a client key off; it can only delete it.".into());
    // GitLab keys have no name to ask for: errtui asks before it creates anything.
    assert!(press(&mut app, 'R').is_empty());
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Confirm(Confirm {
            on_yes: Confirmed::RotateCreate,
            ..
        }))
    ));
    let fx = press(&mut app, 'y');
    assert!(
        matches!(fx.as_slice(), [Effect::CreateKey { name: None, .. }]),
        "{fx:?}"
    );
    assert!(matches!(
        app.rotation.as_ref().map(|r| &r.stage),
        Some(RotationStage::Creating { .. })
    ));
    assert!(press(&mut app, 'a').is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("cannot turn a client key off"))
    );
}

#[test]
fn delete_asks_first_names_the_key_and_warns_on_the_last_active_one() {
    let mut app = keys_app(vec![key("a", true), key("b", false)]);
    assert!(press(&mut app, 'd').is_empty());
    let Some(Overlay::Confirm(Confirm {
        lines,
        warning,
        on_yes,
        typed,
        ..
    })) = app.overlay().cloned()
    else {
        panic!()
    };
    assert!(lines[0].contains("Key a"));
    assert!(warning.is_some_and(|w| w.contains("last active key")));
    assert_eq!(on_yes, Confirmed::DeleteKey { id: "a".into() });
    assert!(typed.is_some(), "the last active key: type yes");
    // A stray y is text, not an answer; only the word `yes` confirms.
    assert!(press(&mut app, 'y').is_empty());
    assert!(update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter))).is_empty());
    assert!(app.overlay().is_some(), "`y` alone is not `yes`");
    press(&mut app, 'e');
    press(&mut app, 's');
    let fx = update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    assert!(matches!(fx.as_slice(), [Effect::DeleteKey { id, .. }] if id == "a"));
    assert!(app.overlay().is_none());
    press(&mut app, 'j');
    press(&mut app, 'd');
    assert!(press(&mut app, 'x').is_empty(), "other keys do not answer");
    assert!(app.overlay().is_some());
    assert!(press(&mut app, 'n').is_empty(), "n cancels");
    assert!(app.overlay().is_none());
    press(&mut app, 'd');
    let Some(Overlay::Confirm(Confirm { warning, .. })) = app.overlay().cloned() else {
        panic!()
    };
    assert!(
        warning.is_none(),
        "an inactive key is not the last working one"
    );
    let fx = press(&mut app, 'y');
    assert!(matches!(fx.as_slice(), [Effect::DeleteKey { id, .. }] if id == "b"));
}

#[test]
fn test_and_copy_use_the_selected_keys_dsn() {
    let mut app = keys_app(vec![key("a", true)]);
    let fx = press(&mut app, 't');
    assert!(
        matches!(fx.as_slice(), [Effect::TestDsn { dsn, .. }] if dsn == "https://a@o1.ingest.sentry.io/2")
    );
    let fx = press(&mut app, 'y');
    assert_eq!(
        fx,
        vec![Effect::Copy("https://a@o1.ingest.sentry.io/2".into())]
    );
    let Effect::TestDsn { req, .. } = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE)),
    )[0]
    .clone() else {
        panic!()
    };
    update(
        &mut app,
        Msg::DsnTested {
            req,
            key_id: "a".into(),
            result: Ok("ev9".into()),
        },
    );
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("arrived (event ev9)"))
    );
}

#[tokio::test]
async fn a_test_event_through_a_demo_dsn_arrives_as_a_new_error() {
    let server = errtui::demo::start(errtui::demo::DemoOptions::default())
        .await
        .expect("demo");
    let b = SentryBackend::new(
        &server.url(),
        "demo",
        Some("demo"),
        Secret::new("x", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend");
    let keys = b.list_keys().await.expect("keys");
    let dsn = keys[0].dsn.clone().expect("dsn");
    let id = errtui::dsn::send_test_event(&dsn).await.expect("accepted");
    assert_eq!(id.len(), 32);
    let list = b
        .list(&errtui::model::ListQuery::default(), None, 100)
        .await
        .expect("list");
    assert!(
        list.items
            .iter()
            .any(|e| e.title.contains("errtui test event")),
        "the event shows up"
    );
    // A key turned off is refused, in plain words.
    b.set_key_active(&keys[0].id, false).await.expect("off");
    let why = errtui::dsn::send_test_event(&dsn)
        .await
        .expect_err("refused");
    assert!(
        why.contains("403") && why.contains("Project key disabled"),
        "{why}"
    );
    // GitLab-style DSNs go to the same ingestion.
    let gl = errtui::backend::gitlab::GitlabBackend::new(
        &server.url(),
        "demo-group/demo",
        Secret::new("x", "GITLAB_TOKEN"),
        None,
    )
    .expect("gitlab");
    let gkeys = gl.list_keys().await.expect("gitlab keys");
    let gdsn = gkeys[0].dsn.clone().expect("dsn");
    assert!(gdsn.contains("/errortracking/api/v1/projects/42"));
    errtui::dsn::send_test_event(&gdsn)
        .await
        .expect("GitLab DSN accepted");
}
