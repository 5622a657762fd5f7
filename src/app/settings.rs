//! The error-tracking settings pane (GitLab): read, turn on or off, switch backend. Each
//! change asks first; after a change, what the project can do is asked again.

use super::keymap::Action;
use super::msg::{Effect, Fetch, ReqId};
use super::overlay::{Confirm, Confirmed, Overlay, ask};
use super::resource::Outcome;
use super::state::*;
use super::update::{fetch, notify};
use crate::backend::BackendError;
use crate::model::TrackingSettings;

pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    super::client_keys::remember_view(app);
    app.view = View::Settings;
    load(app, fx);
}

pub fn load(app: &mut App, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.settings.track.start(req);
    fetch(app, req, Fetch::Settings, fx);
}

pub fn on_action(app: &mut App, action: Action, _fx: &mut [Effect]) -> bool {
    match action {
        Action::ToggleActive => toggle_tracking(app),
        Action::SwitchBackend => switch_backend(app),
        _ => return false,
    }
    true
}

fn toggle_tracking(app: &mut App) {
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
    ask(
        app,
        Overlay::Confirm(Confirm {
            title: title.into(),
            lines: vec![line.into()],
            warning: None,
            on_yes: Confirmed::SetTracking {
                active: !s.active,
                integrated: None,
            },
            typed: None,
        }),
    );
}

fn switch_backend(app: &mut App) {
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
    ask(
        app,
        Overlay::Confirm(Confirm {
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
            typed: None,
        }),
    );
}

pub fn change(app: &mut App, active: bool, integrated: Option<bool>, fx: &mut Vec<Effect>) {
    let req = app.req();
    app.settings.track.start(req);
    fx.push(Effect::SetSettings {
        req,
        active,
        integrated,
    });
}

pub fn loaded(app: &mut App, req: ReqId, result: Result<TrackingSettings, BackendError>) {
    let now = app.now;
    if let Outcome::Data(s) = app
        .settings
        .track
        .accept(req, result, now, &mut app.next_req)
    {
        app.settings.data = Some(s);
    }
}

/// A change's answer: the settings as the server now has them, then ask what works now
/// (switching to the integrated backend disables resolve at once).
pub fn changed(
    app: &mut App,
    req: ReqId,
    result: Result<TrackingSettings, BackendError>,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    match app
        .settings
        .track
        .accept(req, result, now, &mut app.next_req)
    {
        Outcome::Data(s) => {
            notify(
                app,
                &format!(
                    "Error tracking is now {}{}.",
                    if s.active { "on" } else { "off" },
                    if s.integrated {
                        " (integrated backend)"
                    } else {
                        " (Sentry)"
                    }
                ),
                NoticeKind::Info,
            );
            app.settings.data = Some(s);
        }
        Outcome::Failed(e) => notify(
            app,
            &format!("Could not change the settings: {e}"),
            NoticeKind::Error,
        ),
        _ => {}
    }
    fx.push(Effect::Probe);
}
