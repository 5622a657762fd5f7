//! Key rotation as an explicit state machine. The old key is deleted only in the last stage,
//! after a *different* new key exists and a test event went through it, and only when the user
//! says yes. Any failure, refusal or odd answer stops with both keys in place.

use super::client_keys::{create, key_label};
use super::msg::{Effect, ReqId};
use super::overlay::{Confirm, Confirmed, LineEditor, Overlay, PromptFor, ask};
use super::state::{App, NoticeKind};
use super::update::notify;
use crate::backend::BackendError;
use crate::model::ClientKey;

#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub old: ClientKey,
    pub stage: RotationStage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RotationStage {
    /// Asking for the new key's name (Sentry).
    Naming,
    /// Asking whether to create the new key (GitLab: no name to ask for).
    ConfirmCreate,
    Creating {
        req: ReqId,
    },
    Testing {
        req: ReqId,
        new: ClientKey,
    },
    Confirming {
        new: ClientKey,
        event_id: String,
    },
    Deleting {
        req: ReqId,
        new: ClientKey,
    },
}

impl Rotation {
    /// Waiting for the server.
    pub fn busy(&self) -> bool {
        matches!(
            self.stage,
            RotationStage::Creating { .. }
                | RotationStage::Testing { .. }
                | RotationStage::Deleting { .. }
        )
    }
}

pub fn start(app: &mut App, old: ClientKey) {
    if app.caps.keys_named {
        let name = old.rotated_name(app.now.date_naive());
        app.rotation = Some(Rotation {
            old,
            stage: RotationStage::Naming,
        });
        ask(
            app,
            Overlay::Prompt {
                title: "Rotate: name of the new key".into(),
                editor: LineEditor::new(&name),
                purpose: PromptFor::RotateKeyName,
            },
        );
    } else {
        let label = key_label(&old);
        app.rotation = Some(Rotation {
            old,
            stage: RotationStage::ConfirmCreate,
        });
        ask(
            app,
            Overlay::Confirm(Confirm {
                title: "Rotate this client key?".into(),
                lines: vec![
                    format!("Key  {label}"),
                    "errtui creates a new key, copies its DSN and sends a test event through it."
                        .into(),
                    "The old key is deleted only after that, and only if you say yes.".into(),
                ],
                warning: None,
                on_yes: Confirmed::RotateCreate,
                typed: None,
            }),
        );
    }
}

fn creating(app: &mut App, name: Option<String>, fx: &mut Vec<Effect>) {
    let req = create(app, name, fx);
    if let Some(r) = app.rotation.as_mut() {
        r.stage = RotationStage::Creating { req };
    }
    notify(app, "Rotating: creating the new key…", NoticeKind::Info);
}

pub fn named(app: &mut App, name: String, fx: &mut Vec<Effect>) {
    creating(app, (!name.is_empty()).then_some(name), fx);
}

pub fn confirmed_create(app: &mut App, fx: &mut Vec<Effect>) {
    creating(app, None, fx);
}

pub fn cancelled(app: &mut App) {
    app.rotation = None;
    notify(
        app,
        "Rotation cancelled; nothing changed.",
        NoticeKind::Info,
    );
}

fn stop(app: &mut App, why: String) {
    app.rotation = None;
    notify(app, &why, NoticeKind::Error);
}

/// The answer to a create. Returns false when it was not the rotation's.
pub fn created(
    app: &mut App,
    req: ReqId,
    result: &Result<ClientKey, BackendError>,
    fx: &mut Vec<Effect>,
) -> bool {
    let Some(rot) = app.rotation.clone() else {
        return false;
    };
    if rot.stage != (RotationStage::Creating { req }) {
        return false;
    }
    let new = match result {
        Err(e) => {
            stop(
                app,
                format!(
                    "Rotation stopped: could not create a new key: {e} The old key is untouched."
                ),
            );
            return true;
        }
        Ok(new) => new.clone(),
    };
    if new.id == rot.old.id || new.public_key == rot.old.public_key {
        stop(
            app,
            "Rotation stopped: the server answered the create with the old key. Nothing was tested or deleted.".into(),
        );
        return true;
    }
    let Some(dsn) = new.dsn.clone() else {
        stop(
            app,
            "Rotation stopped: the server gave no DSN for the new key. The old key is untouched."
                .into(),
        );
        return true;
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
    app.rotation = Some(Rotation {
        old: rot.old,
        stage: RotationStage::Testing { req: test, new },
    });
    true
}

/// The answer to a test event. Returns false when it was not the rotation's.
pub fn tested(app: &mut App, req: ReqId, result: &Result<String, String>) -> bool {
    let Some(Rotation {
        old,
        stage: RotationStage::Testing { req: r, new },
    }) = app.rotation.clone()
    else {
        return false;
    };
    if r != req {
        return false;
    }
    match result {
        Ok(event_id) => {
            ask(
                app,
                Overlay::Confirm(Confirm {
                    title: "Rotate: delete the old key?".into(),
                    lines: vec![
                        format!("The new key works: test event {event_id} arrived."),
                        format!("New DSN (copied): {}", new.dsn.as_deref().unwrap_or("—")),
                        "Deploy it to every application first. Then delete the old key:".into(),
                        format!("  {}", key_label(&old)),
                    ],
                    warning: None,
                    on_yes: Confirmed::RotateDeleteOld,
                    typed: None,
                }),
            );
            app.rotation = Some(Rotation {
                old,
                stage: RotationStage::Confirming {
                    new,
                    event_id: event_id.clone(),
                },
            });
        }
        Err(why) => stop(
            app,
            format!(
                "Rotation stopped: the test event through the new key did not arrive ({why}). Both keys remain; t tests again."
            ),
        ),
    }
    true
}

pub fn confirmed_delete(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(Rotation {
        old,
        stage: RotationStage::Confirming { new, .. },
    }) = app.rotation.take()
    else {
        return;
    };
    let req = app.req();
    fx.push(Effect::DeleteKey {
        req,
        id: old.id.clone(),
    });
    notify(app, "Rotating: deleting the old key…", NoticeKind::Info);
    app.rotation = Some(Rotation {
        old,
        stage: RotationStage::Deleting { req, new },
    });
}

pub fn declined_delete(app: &mut App) {
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
}

/// The answer to a delete. Returns false when it was not the rotation's.
pub fn deleted(app: &mut App, req: ReqId, result: &Result<ClientKey, BackendError>) -> bool {
    if !matches!(&app.rotation, Some(Rotation { stage: RotationStage::Deleting { req: r, .. }, .. }) if *r == req)
    {
        return false;
    }
    app.rotation = None;
    match result {
        Ok(k) => notify(
            app,
            &format!(
                "Rotation done: deleted the old key {}; the new key is in use.",
                key_label(k)
            ),
            NoticeKind::Info,
        ),
        Err(e) => notify(
            app,
            &format!("The new key works, but deleting the old one failed: {e} Both keys remain."),
            NoticeKind::Error,
        ),
    }
    true
}
