//! The client-keys (DSN) pane: its keys, its dialogs and the answers that come back. The
//! rotation has its own state machine (`rotation.rs`). Pure, like the rest of `update`.

use super::keymap::Action;
use super::msg::{Effect, Fetch, ReqId, Slot};
use super::overlay::{Confirm, Confirmed, LineEditor, Overlay, PromptFor, ask};
use super::resource::Outcome;
use super::rotation;
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::ClientKey;

pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    remember_view(app);
    app.view = View::Keys;
    if !app.keys.track.load.is_loading() && !matches!(app.keys.track.load, Load::Ready) {
        load(app, fx);
    }
}

pub(super) fn remember_view(app: &mut App) {
    if !matches!(app.view, View::Keys | View::Settings) {
        app.view_before = app.view;
    }
}

/// Leaving the keys pane stops a key listing still under way (a no-op from other panes).
pub fn close(app: &mut App, fx: &mut Vec<Effect>) {
    if app.view == View::Keys && app.keys.track.load.is_loading() {
        fx.push(Effect::Cancel(Slot::Keys));
        app.keys.track.load = if app.keys.track.last_ok.is_some() {
            Load::Ready
        } else {
            Load::Idle
        };
    }
}

pub fn load(app: &mut App, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.keys.track.start(req);
    fetch(app, req, Fetch::Keys, fx);
}

/// The keys pane's own actions. Returns false for an action it does not have.
pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) -> bool {
    match action {
        Action::Down => move_selection(app, 1),
        Action::Up => move_selection(app, -1),
        Action::PageDown => move_selection(app, 10),
        Action::PageUp => move_selection(app, -10),
        Action::Top => move_selection(app, isize::MIN / 2),
        Action::Bottom => move_selection(app, isize::MAX / 2),
        Action::Open => app.keys.expanded = !app.keys.expanded,
        Action::NewKey => new_key(app, fx),
        Action::DeleteKey => delete_key(app),
        Action::RotateKey => start_rotation(app),
        Action::TestKey => test_key(app, fx),
        Action::CopyDsn => copy_dsn(app, fx),
        Action::ToggleActive => toggle_key(app, fx),
        _ => return false,
    }
    true
}

pub fn key_label(k: &ClientKey) -> String {
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

fn move_selection(app: &mut App, delta: isize) {
    let len = app.keys.items.len();
    if len > 0 {
        let cur = app.keys.selected as isize;
        app.keys.selected = cur.saturating_add(delta).clamp(0, len as isize - 1) as usize;
    }
}

/// A rotation under way blocks what would race it.
fn rotation_blocks(app: &mut App) -> bool {
    if app.rotation.is_some() {
        notify(
            app,
            "A key rotation is under way: finish or cancel it first.",
            NoticeKind::Info,
        );
        return true;
    }
    false
}

fn new_key(app: &mut App, fx: &mut Vec<Effect>) {
    if rotation_blocks(app) {
        return;
    }
    if app.caps.keys_named {
        ask(
            app,
            Overlay::Prompt {
                title: "Name of the new key".into(),
                editor: LineEditor::default(),
                purpose: PromptFor::NewKeyName,
            },
        );
    } else {
        create(app, None, fx);
    }
}

pub(super) fn create(app: &mut App, name: Option<String>, fx: &mut Vec<Effect>) -> ReqId {
    let req = app.req();
    fx.push(Effect::CreateKey { req, name });
    notify(app, "Creating a client key…", NoticeKind::Info);
    req
}

fn copy_dsn(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(k) = selected_key(app) else { return };
    match k.dsn.clone() {
        Some(dsn) => {
            fx.push(Effect::Copy(crate::text::sanitize(&dsn)));
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

fn test_key(app: &mut App, fx: &mut Vec<Effect>) {
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

const LAST_KEY: &str =
    "This is the project's last active key: every application will stop reporting errors.";

fn delete_key(app: &mut App) {
    if rotation_blocks(app) {
        return;
    }
    let Some(k) = selected_key(app) else { return };
    let last = k.may_be_active() && app.keys.active_count() == 1;
    ask(
        app,
        Overlay::Confirm(Confirm {
            title: "Delete this client key?".into(),
            lines: vec![
                format!("Key  {}", key_label(&k)),
                format!("DSN  {}", k.dsn.as_deref().unwrap_or("—")),
                "Applications that send errors with this DSN will stop reporting.".into(),
            ],
            warning: last.then(|| LAST_KEY.into()),
            on_yes: Confirmed::DeleteKey { id: k.id.clone() },
            // The last active key: type `yes`, a stray `y` is not enough.
            typed: last.then(LineEditor::default),
        }),
    );
}

fn toggle_key(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(why) = app.caps.key_toggle.clone() {
        return notify(app, &why, NoticeKind::Error);
    }
    let Some(k) = selected_key(app) else { return };
    let Some(active) = k.active else {
        return notify(
            app,
            "The server does not report whether this key is on, so errtui cannot turn it on or off.",
            NoticeKind::Error,
        );
    };
    let on_yes = Confirmed::SetKeyActive {
        id: k.id.clone(),
        active: !active,
    };
    if !active {
        // Turning a key on stops nothing: no question.
        return confirmed(app, on_yes, fx);
    }
    let last = app.keys.active_count() == 1;
    ask(
        app,
        Overlay::Confirm(Confirm {
            title: "Turn this client key off?".into(),
            lines: vec![
                format!("Key  {}", key_label(&k)),
                "Applications that send errors with this DSN will stop reporting until it is on again.".into(),
            ],
            warning: last.then(|| LAST_KEY.into()),
            on_yes,
            typed: None,
        }),
    );
}

fn start_rotation(app: &mut App) {
    if rotation_blocks(app) {
        return;
    }
    let Some(old) = selected_key(app) else { return };
    rotation::start(app, old);
}

/// A prompt was answered.
pub fn named(app: &mut App, purpose: PromptFor, name: String, fx: &mut Vec<Effect>) {
    match purpose {
        PromptFor::NewKeyName => {
            create(app, (!name.is_empty()).then_some(name), fx);
        }
        PromptFor::RotateKeyName => rotation::named(app, name, fx),
        other => super::triage::prompted(app, other, name, fx),
    }
}

pub fn name_cancelled(app: &mut App, purpose: PromptFor) {
    if purpose == PromptFor::RotateKeyName {
        rotation::cancelled(app);
    }
}

/// A confirmation was answered yes.
pub fn confirmed(app: &mut App, what: Confirmed, fx: &mut Vec<Effect>) {
    match what {
        Confirmed::DeleteKey { id } => {
            let req = app.req();
            fx.push(Effect::DeleteKey { req, id });
            notify(app, "Deleting the key…", NoticeKind::Info);
        }
        Confirmed::SetKeyActive { id, active } => {
            let req = app.req();
            fx.push(Effect::SetKeyActive { req, id, active });
        }
        Confirmed::SetTracking { active, integrated } => {
            super::settings::change(app, active, integrated, fx)
        }
        Confirmed::RotateCreate => rotation::confirmed_create(app, fx),
        Confirmed::RotateDeleteOld => rotation::confirmed_delete(app, fx),
        Confirmed::Merge { ids } => super::triage::merge_confirmed(app, ids, fx),
        Confirmed::RunCommand { line, pause } => fx.push(Effect::RunCommand { line, pause }),
    }
}

pub fn declined(app: &mut App, what: Confirmed) {
    match what {
        Confirmed::RotateDeleteOld => rotation::declined_delete(app),
        Confirmed::RotateCreate => rotation::cancelled(app),
        _ => notify(app, "Cancelled; nothing changed.", NoticeKind::Info),
    }
}

pub fn loaded(app: &mut App, req: ReqId, result: Result<Vec<ClientKey>, BackendError>) {
    let now = app.now;
    if let Outcome::Data(keys) = app.keys.track.accept(req, result, now, &mut app.next_req) {
        let keep = app.keys.selected().map(|k| k.id.clone());
        app.keys.items = keys;
        app.keys.selected = keep
            .and_then(|id| app.keys.items.iter().position(|k| k.id == id))
            .unwrap_or(0);
    }
}

pub fn key_created(
    app: &mut App,
    req: ReqId,
    result: Result<ClientKey, BackendError>,
    fx: &mut Vec<Effect>,
) {
    if let Ok(new) = &result
        && !app.keys.items.iter().any(|k| k.id == new.id)
    {
        app.keys.items.push(new.clone());
        app.keys.selected = app.keys.items.len() - 1;
    }
    if rotation::created(app, req, &result, fx) {
        return;
    }
    match result {
        Ok(new) => notify(
            app,
            &format!(
                "Created key {}. y copies its DSN, t tests it.",
                key_label(&new)
            ),
            NoticeKind::Info,
        ),
        Err(e) => notify(
            app,
            &format!("Could not create a key: {e}"),
            NoticeKind::Error,
        ),
    }
}

pub fn dsn_tested(app: &mut App, req: ReqId, key_id: &str, result: Result<String, String>) {
    if rotation::tested(app, req, &result) {
        return;
    }
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

pub fn key_deleted(app: &mut App, req: ReqId, id: &str, result: Result<ClientKey, BackendError>) {
    if result.is_ok() {
        app.keys.items.retain(|x| x.id != id);
        if app.keys.selected >= app.keys.items.len() {
            app.keys.selected = app.keys.items.len().saturating_sub(1);
        }
    }
    if rotation::deleted(app, req, &result) {
        return;
    }
    match result {
        Ok(k) => notify(
            app,
            &format!("Deleted key {}.", key_label(&k)),
            NoticeKind::Info,
        ),
        Err(e) => notify(
            app,
            &format!("Could not delete the key: {e}"),
            NoticeKind::Error,
        ),
    }
}

pub fn key_changed(app: &mut App, result: Result<ClientKey, BackendError>) {
    match result {
        Ok(k) => {
            let text = format!("Key {} is now {}.", key_label(&k), k.active_word());
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
