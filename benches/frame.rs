//! Time to draw one frame of the list with 100,000 errors loaded, and the memory they take.
//! Run: `cargo bench --bench frame`. Numbers go in BENCHMARKS.md.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use errtui::app::state::View;
use errtui::app::{App, Msg, update};
use errtui::model::*;

#[path = "common/mod.rs"]
mod common;
use common::row;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let n = 100_000usize;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
        .single()
        .expect("time");
    let before = rss_kib("VmRSS:");
    let items: Vec<ErrorSummary> = (0..n).map(|i| row(i, now)).collect();
    let caps = Capabilities::full("Sentry");
    let mut app = App::new(caps, "Sentry · bench".into(), now);
    let fx = errtui::app::update::init(&mut app);
    let Some(errtui::app::Effect::Fetch {
        req,
        fetch: errtui::app::msg::Fetch::List { .. },
    }) = fx.into_iter().next()
    else {
        panic!("no list fetch")
    };
    // Moved, not cloned: exactly one copy of the 100,000 errors is resident.
    update(
        &mut app,
        Msg::Loaded {
            req,
            fetch: errtui::app::msg::Fetch::List {
                query: ListQuery::default(),
                cursor: None,
                append: false,
            },
            result: Ok(errtui::app::msg::Data::Page(Page {
                items,
                next: None,
                total: None,
            })),
        },
    );
    let loaded = rss_kib("VmRSS:");
    app.view = View::List;
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        app.width = w;
        app.height = h;
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut ui = errtui::ui::UiState::default();
        let iters = 200;
        let mut worst = std::time::Duration::ZERO;
        let start = Instant::now();
        for i in 0..iters {
            // Somewhere in the middle, so the visible window is not the start.
            app.list.selected = n / 2 + i;
            let t = Instant::now();
            term.draw(|f| errtui::ui::draw(f, &app, &mut ui))
                .expect("draw");
            worst = worst.max(t.elapsed());
        }
        let mean = start.elapsed() / iters as u32;
        println!(
            "frame {w}x{h} with {n} errors: mean {:.3} ms, worst {:.3} ms",
            mean.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
    println!(
        "resident: {:.1} MB before loading, {:.1} MB with {n} errors loaded, peak {:.1} MB",
        before as f64 / 1024.0,
        loaded as f64 / 1024.0,
        rss_kib("VmHWM:") as f64 / 1024.0
    );
}
