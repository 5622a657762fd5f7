//! Start-up to the first (cached) rows with 10,000 errors in the cache: open the database, read
//! the last list, hand it to the app and draw the first frame. Also the database's size after a
//! week of simulated refreshes (a refresh every 30 s marking a few new errors seen).
//! Run: `cargo bench --bench startup`. Numbers go in BENCHMARKS.md.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use errtui::app::{App, Msg, update};
use errtui::model::*;
use errtui::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn row(i: usize, now: Timestamp) -> ErrorSummary {
    ErrorSummary {
        id: (5_000_000 + i).to_string(),
        short_id: format!("WEB-{i:X}"),
        title: format!(
            "TypeError: Cannot read properties of undefined (reading 'price') in batch {i}"
        ),
        culprit: "app/components/CartSummary in CartSummary".into(),
        status: Status::Unresolved,
        level: Level::Error,
        count: (i as u64 * 7919) % 50_000,
        user_count: (i as u64 * 104_729) % 5_000,
        first_seen: Some(now - chrono::Duration::days(30)),
        last_seen: Some(now - chrono::Duration::seconds(i as i64)),
        url: Some(format!(
            "https://sentry.example.com/organizations/acme/issues/{}/",
            5_000_000 + i
        )),
        project: Some("web".into()),
        platform: Some("javascript".into()),
        stats_24h: (0..24).map(|h| ((i + h) as u64 * 31) % 17).collect(),
        triage: Triage::default(),
        origin: None,
    }
}

fn main() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 8, 0, 0)
        .single()
        .expect("time");
    let dir = std::env::temp_dir().join(format!("errtui-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("errtui.db");
    let rows: Vec<ErrorSummary> = (0..10_000).map(|i| row(i, now)).collect();
    {
        let mut s = Store::open(&path).expect("store");
        s.save_list("prod", &rows, now.timestamp()).expect("save");
        let ids: Vec<String> = rows.iter().map(|e| e.id.clone()).collect();
        s.mark_seen("prod", &ids, now.timestamp()).expect("seen");
    }
    let mut parts = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let s = Store::open(&path).expect("store");
        let t1 = Instant::now();
        let seen = s.seen("prod").expect("seen");
        let t2 = Instant::now();
        let (items, at) = s.load_list("prod").expect("load").expect("cached");
        parts.0 += t1 - t;
        parts.1 += t2 - t1;
        parts.2 += t2.elapsed();
        let mut app = App::new(Capabilities::full("Sentry"), "Sentry · bench".into(), now);
        app.width = 120;
        app.height = 40;
        app.seen = seen;
        update(&mut app, Msg::Cached { items, at });
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let mut ui = errtui::ui::UiState::default();
        term.draw(|f| errtui::ui::draw(f, &app, &mut ui))
            .expect("draw");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "  parts, mean of 20: open {:.1} ms, seen {:.1} ms, list {:.1} ms",
        parts.0.as_secs_f64() * 50.0,
        parts.1.as_secs_f64() * 50.0,
        parts.2.as_secs_f64() * 50.0
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "start-up to the first cached rows, 10,000 errors cached, 120x40: median {:.1} ms, worst {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    // A week of refreshes every 30 s, each seeing 2 new errors and keeping the first page.
    let week = if std::env::var_os("ERRTUI_BENCH_WEEK").is_some() {
        7 * 24 * 3600 / 30
    } else {
        0
    };
    let mut s = Store::open(&path).expect("store");
    let page: Vec<ErrorSummary> = rows.iter().take(100).cloned().collect();
    let t = Instant::now();
    for k in 0..week {
        let ids = vec![format!("n{k}a"), format!("n{k}b")];
        s.mark_seen("prod", &ids, now.timestamp() + k as i64 * 30)
            .expect("seen");
        if k % 20 == 0 {
            s.save_list("prod", &page, now.timestamp() + k as i64 * 30)
                .expect("save");
        }
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "a week of refreshes ({week} of them, 2 new errors each): {:.1} s of writes, database {:.1} MB",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
