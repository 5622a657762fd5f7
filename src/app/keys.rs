//! The keys (DSN) and settings panes: key presses, dialogs, the rotation sequence and the
//! answers that come back. Pure, like the rest of `update`.

use super::msg::{Effect, ReqId};
use super::state::*;
use crate::backend::BackendError;
use crate::model::{ClientKey, TrackingSettings};

pub fn open_keys(app: &mut App, fx: &mut Vec<Effect>) {
    remember_view(app);
    app.view = View::Keys;
    if !app.keys.load.is_loading() && !matches!(app.keys.load, Load::Ready) {
        load_keys(app, fx);
    }
}

pub fn open_settings(app: &mut App, fx: &mut Vec<Effect>) {
    remember_view(app);
    app.view = View::Settings;
    load_settings(app, fx);
}

fn remember_view(app: &mut App) {
    if !matches!(app.view, View::Keys | View::Settings) {
        app.view_before = app.view;
    }
}

pub fn load_keys(app: &mut App, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.keys.load = Load::Loading { req };
    fx.push(Effect::ListKeys { req });
}

pub fn load_settings(app: &mut App, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.settings.load = Load::Loading { req };
    fx.push(Effect::LoadSettings { req });
}

fn key_label(k: &ClientKey) -> String {
    let short: String = k.public_key.chars().take(12).collect();
    match &k.name {
        Some(n) => format!("“{n}” ({short}…)"),
        None => format!("key {} ({short}…)", k.id),
    }
}

fn selected_key(app: &mut App) -> Option<ClientKey> {
    let k = app.keys.selected().cloned();
    if k.is_none() {
        notify(app, "No key selected.", NoticeKind::Info);
    }
    k
}

pub fn move_selection(app: &mut App, delta: isize) {
    let len = app.keys.items.len();
    if len > 0 {
        let cur = app.keys.selected as isize;
        app.keys.selected = cur.saturating_add(delta).clamp(0, len as isize - 1) as usize;
    }
}

pub fn new_key(app: &mut App, fx: &mut Vec<Effect>) {
    if app.caps.keys_named {
        app.modal = Some(Modal::Input {
            title: "Name of the new key".into(),
            buf: String::new(),
            purpose: InputFor::NewKeyName,
        });
    } else {
        create(app, None, fx);
    }
}

fn create(app: &mut App, name: Option<String>, fx: &mut Vec<Effect>) -> ReqId {
    let req = app.req();
    fx.push(Effect::CreateKey { req, name });
    notify(app, "Creating a client key…", NoticeKind::Info);
    req
}

pub fn copy_dsn(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(k) = selected_key(app) else { return };
    match k.dsn.clone() {
        Some(dsn) => {
            fx.push(Effect::Copy(dsn));
            notify(
                app,
                &format!("Copied the DSN of {} (OSC 52).", key_label(&k)),
                NoticeKind::Info,
            );
        }
        None => notify(
            app,
            "The server gave no DSN for this key.",
            NoticeKind::Error,
        ),
    }
}

pub fn test_key(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(k) = selected_key(app) else { return };
    let Some(dsn) = k.dsn.clone() else {
        return notify(
            app,
            "The server gave no DSN for this key.",
            NoticeKind::Error,
        );
    };
    let req = app.req();
    fx.push(Effect::TestDsn {
        req,
        key_id: k.id.clone(),
        dsn,
    });
    notify(
        app,
        &format!("Sending a test event through {}…", key_label(&k)),
        NoticeKind::Info,
    );
}

pub fn delete_key(app: &mut App) {
    let Some(k) = selected_key(app) else { return };
    let last = k.active && app.keys.active_count() == 1;
    app.modal = Some(Modal::Confirm {
        title: "Delete this client key?".into(),
        lines: vec![
            format!("Key  {}", key_label(&k)),
            format!("DSN  {}", k.dsn.as_deref().unwrap_or("—")),
            "Applications that send errors with this DSN will stop reporting.".into(),
        ],
        warning: last.then(|| {
            "This is the project's last active key: every application will stop reporting errors.".into()
        }),
        on_yes: Confirmed::DeleteKey { id: k.id.clone() },
    });
}

pub fn toggle_key(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(why) = app.caps.key_toggle.clone() {
        return notify(app, &why, NoticeKind::Error);
    }
    let Some(k) = selected_key(app) else { return };
    let on_yes = Confirmed::SetKeyActive {
        id: k.id.clone(),
        active: !k.active,
    };
    if k.active && app.keys.active_count() == 1 {
        app.modal = Some(Modal::Confirm {
            title: "Turn this client key off?".into(),
            lines: vec![format!("Key  {}", key_label(&k))],
            warning: Some("This is the project's last active key: every application will stop reporting errors.".into()),
            on_yes,
        });
    } else {
        confirmed(app, on_yes, fx);
    }
}

pub fn start_rotation(app: &mut App, fx: &mut Vec<Effect>) {
    if app.rotation.is_some() {
        return notify(app, "A rotation is already under way.", NoticeKind::Info);
    }
    let Some(old) = selected_key(app) else { return };
    if app.caps.keys_named {
        let buf = old.rotated_name(app.now.date_naive());
        app.rotation = Some(Rotation {
            old,
            stage: RotationStage::Naming,
        });
        app.modal = Some(Modal::Input {
            title: "Rotate: name of the new key".into(),
            buf,
            purpose: InputFor::RotateKeyName,
        });
    } else {
        app.rotation = Some(Rotation {
            old,
            stage: RotationStage::Naming,
        });
        let req = create(app, None, fx);
        if let Some(r) = app.rotation.as_mut() {
            r.stage = RotationStage::Creating { req };
        }
    }
}

pub fn toggle_tracking(app: &mut App) {
    let Some(s) = app.settings.data.clone() else {
        return notify(app, "The settings are not loaded.", NoticeKind::Info);
    };
    let (title, line) = if s.active {
        (
            "Turn error tracking off?",
            "GitLab stops showing this project's errors until it is turned on again.",
        )
    } else {
        (
            "Turn error tracking on?",
            "GitLab shows this project's errors again.",
        )
    };
    app.modal = Some(Modal::Confirm {
        title: title.into(),
        lines: vec![line.into()],
        warning: None,
        on_yes: Confirmed::SetTracking {
            active: !s.active,
            integrated: None,
        },
    });
}

pub fn switch_backend(app: &mut App) {
    let Some(s) = app.settings.data.clone() else {
        return notify(app, "The settings are not loaded.", NoticeKind::Info);
    };
    let lines = if s.integrated {
        vec![
            "Errors will come from the Sentry project set in GitLab's settings.".to_string(),
            "The Sentry URL and token can only be set in GitLab's web UI.".to_string(),
        ]
    } else {
        vec![
            "Errors will come from GitLab's integrated error tracking (GitLab.com only)."
                .to_string(),
            "Applications must then send errors with one of this project's GitLab client keys."
                .to_string(),
        ]
    };
    app.modal = Some(Modal::Confirm {
        title: format!(
            "Switch to {}?",
            if s.integrated {
                "Sentry"
            } else {
                "integrated error tracking"
            }
        ),
        lines,
        warning: None,
        on_yes: Confirmed::SetTracking {
            active: s.active,
            integrated: Some(!s.integrated),
        },
    });
}

/// A dialog key. `y` confirms; anything else cancels. Input dialogs take text.
pub fn on_modal_key(app: &mut App, key: crossterm::event::KeyEvent, fx: &mut Vec<Effect>) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let Some(modal) = app.modal.take() else {
        return;
    };
    match modal {
        Modal::Confirm { on_yes, .. } => {
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                confirmed(app, on_yes, fx);
            } else {
                declined(app, on_yes);
            }
        }
        Modal::Input {
            title,
            mut buf,
            purpose,
        } => {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                KeyCode::Enter => return submitted(app, purpose, buf.trim().to_string(), fx),
                KeyCode::Esc => return input_cancelled(app, purpose),
                KeyCode::Char('c') if ctrl => return input_cancelled(app, purpose),
                KeyCode::Char('u') if ctrl => buf.clear(),
                KeyCode::Backspace => {
                    buf.pop();
                }
                KeyCode::Char(c) if !ctrl => buf.push(c),
                _ => {}
            }
            app.modal = Some(Modal::Input {
                title,
                buf,
                purpose,
            });
        }
    }
}

fn submitted(app: &mut App, purpose: InputFor, name: String, fx: &mut Vec<Effect>) {
    let name = (!name.is_empty()).then_some(name);
    let req = create(app, name, fx);
    if purpose == InputFor::RotateKeyName
        && let Some(r) = app.rotation.as_mut()
    {
        r.stage = RotationStage::Creating { req };
        notify(app, "Rotating: creating the new key…", NoticeKind::Info);
    }
}

fn input_cancelled(app: &mut App, purpose: InputFor) {
    if purpose == InputFor::RotateKeyName {
        app.rotation = None;
        notify(
            app,
            "Rotation cancelled; nothing changed.",
            NoticeKind::Info,
        );
    }
}

fn confirmed(app: &mut App, what: Confirmed, fx: &mut Vec<Effect>) {
    let req = app.req();
    match what {
        Confirmed::DeleteKey { id } => {
            fx.push(Effect::DeleteKey { req, id });
            notify(app, "Deleting the key…", NoticeKind::Info);
        }
        Confirmed::SetKeyActive { id, active } => fx.push(Effect::SetKeyActive { req, id, active }),
        Confirmed::SetTracking { active, integrated } => {
            app.settings.load = Load::Loading { req };
            fx.push(Effect::SetSettings {
                req,
                active,
                integrated,
            });
        }
        Confirmed::RotateDeleteOld => {
            let Some(r) = app.rotation.take() else { return };
            if let RotationStage::Confirming { new, .. } = r.stage {
                fx.push(Effect::DeleteKey {
                    req,
                    id: r.old.id.clone(),
                });
                notify(app, "Rotating: deleting the old key…", NoticeKind::Info);
                app.rotation = Some(Rotation {
                    old: r.old,
                    stage: RotationStage::Deleting { req, new },
                });
            }
        }
    }
}

fn declined(app: &mut App, what: Confirmed) {
    if what == Confirmed::RotateDeleteOld {
        if let Some(r) = app.rotation.take() {
            notify(
                app,
                &format!(
                    "Both keys kept. Delete the old key {} with d once every application uses the new DSN.",
                    key_label(&r.old)
                ),
                NoticeKind::Info,
            );
        }
    } else {
        notify(app, "Cancelled; nothing changed.", NoticeKind::Info);
    }
}

pub fn keys_loaded(app: &mut App, req: ReqId, result: Result<Vec<ClientKey>, BackendError>) {
    if app.keys.load.req() != Some(req) {
        return;
    }
    match result {
        Ok(keys) => {
            let keep = app.keys.selected().map(|k| k.id.clone());
            app.keys.items = keys;
            app.keys.selected = keep
                .and_then(|id| app.keys.items.iter().position(|k| k.id == id))
                .unwrap_or(0);
            app.keys.load = Load::Ready;
        }
        Err(e) => {
            app.keys.load = Load::failed(&e);
        }
    }
}

pub fn key_created(
    app: &mut App,
    req: ReqId,
    result: Result<ClientKey, BackendError>,
    fx: &mut Vec<Effect>,
) {
    let rotating = matches!(&app.rotation, Some(Rotation { stage: RotationStage::Creating { req: r }, .. }) if *r == req);
    match result {
        Ok(new) => {
            app.keys.items.push(new.clone());
            app.keys.selected = app.keys.items.len() - 1;
            if !rotating {
                return notify(
                    app,
                    &format!(
                        "Created key {}. y copies its DSN, t tests it.",
                        key_label(&new)
                    ),
                    NoticeKind::Info,
                );
            }
            let Some(dsn) = new.dsn.clone() else {
                app.rotation = None;
                return notify(
                    app,
                    "Rotation stopped: the server gave no DSN for the new key. The old key is untouched.",
                    NoticeKind::Error,
                );
            };
            let test = app.req();
            fx.push(Effect::Copy(dsn.clone()));
            fx.push(Effect::TestDsn {
                req: test,
                key_id: new.id.clone(),
                dsn,
            });
            notify(
                app,
                &format!(
                    "Rotating: created {} and copied its DSN; sending a test event…",
                    key_label(&new)
                ),
                NoticeKind::Info,
            );
            if let Some(r) = app.rotation.as_mut() {
                r.stage = RotationStage::Testing { req: test, new };
            }
        }
        Err(e) => {
            if rotating {
                app.rotation = None;
                notify(
                    app,
                    &format!(
                        "Rotation stopped: could not create a new key: {e} The old key is untouched."
                    ),
                    NoticeKind::Error,
                );
            } else {
                notify(
                    app,
                    &format!("Could not create a key: {e}"),
                    NoticeKind::Error,
                );
            }
        }
    }
}

pub fn dsn_tested(app: &mut App, req: ReqId, key_id: &str, result: Result<String, String>) {
    let rotation = app.rotation.take();
    match rotation {
        Some(Rotation {
            old,
            stage: RotationStage::Testing { req: r, new },
        }) if r == req => match result {
            Ok(event_id) => {
                app.modal = Some(Modal::Confirm {
                    title: "Rotate: delete the old key?".into(),
                    lines: vec![
                        format!("The new key works: test event {event_id} arrived."),
                        format!("New DSN (copied): {}", new.dsn.as_deref().unwrap_or("—")),
                        "Deploy it to every application first. Then delete the old key:".into(),
                        format!("  {}", key_label(&old)),
                    ],
                    warning: None,
                    on_yes: Confirmed::RotateDeleteOld,
                });
                app.rotation = Some(Rotation {
                    old,
                    stage: RotationStage::Confirming { new, event_id },
                });
            }
            Err(why) => notify(
                app,
                &format!(
                    "Rotation stopped: the test event through the new key did not arrive ({why}). Both keys remain; t tests again."
                ),
                NoticeKind::Error,
            ),
        },
        other => {
            app.rotation = other;
            let label = app
                .keys
                .items
                .iter()
                .find(|k| k.id == key_id)
                .map(key_label)
                .unwrap_or_else(|| key_id.to_string());
            match result {
                Ok(id) => notify(
                    app,
                    &format!("The test event through {label} arrived (event {id})."),
                    NoticeKind::Info,
                ),
                Err(why) => notify(
                    app,
                    &format!("The test event through {label} did not arrive: {why}."),
                    NoticeKind::Error,
                ),
            }
        }
    }
}

pub fn key_deleted(app: &mut App, req: ReqId, id: &str, result: Result<ClientKey, BackendError>) {
    let rotating = matches!(&app.rotation, Some(Rotation { stage: RotationStage::Deleting { req: r, .. }, .. }) if *r == req);
    if rotating {
        app.rotation = None;
    }
    match result {
        Ok(k) => {
            app.keys.items.retain(|x| x.id != id);
            if app.keys.selected >= app.keys.items.len() {
                app.keys.selected = app.keys.items.len().saturating_sub(1);
            }
            let text = if rotating {
                format!(
                    "Rotation done: deleted the old key {}; the new key is in use.",
                    key_label(&k)
                )
            } else {
                format!("Deleted key {}.", key_label(&k))
            };
            notify(app, &text, NoticeKind::Info);
        }
        Err(e) => {
            let text = if rotating {
                format!("The new key works, but deleting the old one failed: {e} Both keys remain.")
            } else {
                format!("Could not delete the key: {e}")
            };
            notify(app, &text, NoticeKind::Error);
        }
    }
}

pub fn key_changed(app: &mut App, result: Result<ClientKey, BackendError>) {
    match result {
        Ok(k) => {
            let text = format!(
                "Key {} is now {}.",
                key_label(&k),
                if k.active { "on" } else { "off" }
            );
            if let Some(slot) = app.keys.items.iter_mut().find(|x| x.id == k.id) {
                *slot = k;
            }
            notify(app, &text, NoticeKind::Info);
        }
        Err(e) => notify(
            app,
            &format!("Could not change the key: {e}"),
            NoticeKind::Error,
        ),
    }
}

pub fn settings_loaded(app: &mut App, req: ReqId, result: Result<TrackingSettings, BackendError>) {
    if app.settings.load.req() != Some(req) {
        return;
    }
    match result {
        Ok(s) => {
            app.settings.data = Some(s);
            app.settings.load = Load::Ready;
        }
        Err(e) => {
            app.settings.load = Load::failed(&e);
        }
    }
}

fn notify(app: &mut App, text: &str, kind: NoticeKind) {
    app.notice = Some(Notice {
        text: text.to_string(),
        kind,
        at: app.now,
    });
}
