//! The runtime: owns the terminal, turns events into messages, runs effects, draws when dirty.

pub mod executor;
pub mod terminal;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::app::{self, App, Effect, Msg};
use crate::backend::Backend;
use executor::Executor;

const TICK: Duration = Duration::from_millis(100);

/// Runs the TUI until the user quits. The terminal is restored on every way out.
pub async fn run(backend: Arc<dyn Backend>) -> Result<(), String> {
    let mut term = terminal::TerminalGuard::enter()
        .map_err(|e| format!("could not start the terminal UI: {e}"))?;
    let size = term.size();
    let mut app = App::new(
        backend.capabilities(),
        backend.describe(),
        chrono::Utc::now(),
    );
    app.width = size.0;
    app.height = size.1;
    app.local_browser = local_browser_available();

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut exec = Executor::new(backend, tx.clone());
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let fx = app::update::init(&mut app);
    run_effects(&mut app, &mut exec, &mut term, fx)?;

    while !app.quit {
        if app.dirty {
            term.draw(&app)
                .map_err(|e| format!("could not draw: {e}"))?;
            app.dirty = false;
        }
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(TermEvent::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("could not read the terminal: {e}")),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(chrono::Utc::now()),
        };
        let fx = app::update(&mut app, msg);
        run_effects(&mut app, &mut exec, &mut term, fx)?;
        // Drain whatever else is already waiting, then draw once.
        while let Ok(msg) = rx.try_recv() {
            let fx = app::update(&mut app, msg);
            run_effects(&mut app, &mut exec, &mut term, fx)?;
        }
    }
    term.restore();
    Ok(())
}

fn run_effects(
    app: &mut App,
    exec: &mut Executor,
    term: &mut terminal::TerminalGuard,
    fx: Vec<Effect>,
) -> Result<(), String> {
    for effect in fx {
        match effect {
            Effect::Copy(text) => {
                if let Err(e) = term.copy_osc52(&text) {
                    let fx = app::update(app, Msg::EffectFailed(format!("Could not copy: {e}")));
                    run_effects(app, exec, term, fx)?;
                }
            }
            Effect::Quit => {}
            other => exec.run(other),
        }
    }
    Ok(())
}

/// A browser can open links only on the user's own machine: not over SSH, not without a display.
pub fn local_browser_available() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") || set("SSH_CLIENT") {
        return false;
    }
    if cfg!(target_os = "linux") || cfg!(target_os = "freebsd") {
        return set("DISPLAY") || set("WAYLAND_DISPLAY");
    }
    true
}
