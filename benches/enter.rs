//! Enter → data on screen, after the selection has rested 300 ms on an error, against the demo
//! server answering every request 300 ms late (`errtui demo --latency 300`). The real runtime
//! core (app, executor, HTTP client) runs headless; a frame is drawn once the detail and the
//! latest event are both in, as the terminal would.
//! Run: `cargo bench --bench enter`. Numbers go in BENCHMARKS.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errtui::app::Msg;
use errtui::app::state::View;
use errtui::backend::Secret;
use errtui::backend::sentry::SentryBackend;
use errtui::demo::{DemoOptions, start};
use errtui::runtime::Core;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LATENCY_MS: u64 = 300;
const REST_MS: u64 = 300;
const TRIALS: usize = 12;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// Feeds every message that arrives until `until`.
async fn pump_for(core: &mut Core, until: Instant) {
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        if let Ok(Some(m)) = tokio::time::timeout(left, core.recv()).await {
            core.dispatch(m);
        }
    }
}

/// Feeds messages until `done` holds (checked after each one, and before the first).
async fn pump_until(core: &mut Core, done: impl Fn(&errtui::app::App) -> bool) {
    while !done(&core.app) {
        match tokio::time::timeout(Duration::from_secs(10), core.recv()).await {
            Ok(Some(m)) => {
                core.dispatch(m);
            }
            _ => panic!("nothing arrived in 10 s"),
        }
    }
}

fn on_screen(app: &errtui::app::App, id: &str) -> bool {
    app.view == View::Detail
        && app.detail.is(id)
        && app.detail.data.is_some()
        && app.event.is(id)
        && app.event.data.is_some()
        && app.event_shown.as_deref() == Some(id)
}

#[tokio::main]
async fn main() {
    let server = start(DemoOptions {
        latency: Duration::from_millis(LATENCY_MS),
        ..Default::default()
    })
    .await
    .expect("demo server");
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let backend = SentryBackend::new(
            &server.url(),
            "demo",
            Some("demo"),
            Secret::new("bench", "SENTRY_AUTH_TOKEN"),
        )
        .expect("backend");
        let mut core = Core::new(Arc::new(backend), chrono::Utc::now());
        core.app.width = w;
        core.app.height = h;
        core.init();
        pump_until(&mut core, |a| a.list.loaded_once).await;
        // The user reads the list a moment before moving.
        pump_for(&mut core, Instant::now() + Duration::from_millis(REST_MS)).await;
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut ui = errtui::ui::UiState::default();
        let mut times = Vec::new();
        for _ in 0..TRIALS {
            core.dispatch(key(KeyCode::Char('j')));
            let id = core.app.selected().expect("a selected error").id.clone();
            pump_for(&mut core, Instant::now() + Duration::from_millis(REST_MS)).await;
            let t = Instant::now();
            core.dispatch(key(KeyCode::Enter));
            pump_until(&mut core, |a| on_screen(a, &id)).await;
            term.draw(|f| errtui::ui::draw(f, &core.app, &mut ui))
                .expect("draw");
            times.push(t.elapsed());
            core.dispatch(key(KeyCode::Esc));
            assert_eq!(core.app.view, View::List, "Esc goes back to the list");
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        println!(
            "Enter → detail and latest event on screen, {w}x{h}, rested {REST_MS} ms, \
             server latency {LATENCY_MS} ms, {TRIALS} errors: median {:.1} ms, mean {:.1} ms, \
             worst {:.1} ms",
            ms(times[times.len() / 2]),
            ms(mean),
            ms(times[times.len() - 1])
        );
    }
}
