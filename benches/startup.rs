//! Live on-call, measured:
//! - start-up to the first (cached) rows with 10,000 errors in the cache: open the database,
//!   read the last list's head, hand it to the app and draw the first frame (what was seen and
//!   the rest of the list follow off the UI loop, timed apart);
//! - a refresh of a 10,000-error list that brings no change: the cells sent to the terminal
//!   (a counting backend behind ratatui's diff) and the time of update plus draw;
//! - the database after a week of simulated refreshes (one every 30 s, two new errors each).
//!
//! Run: `cargo bench --bench startup`. Numbers go in BENCHMARKS.md.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use errtui::app::{App, Msg, update};
use errtui::model::*;

#[path = "common/mod.rs"]
mod common;
use common::row;
use errtui::store::Store;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::layout::{Position, Size};

/// A test terminal that counts the cells ratatui sends it (only the ones that changed).
struct Counting {
    inner: TestBackend,
    cells: usize,
}

impl Backend for Counting {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        let cells: Vec<_> = content.collect();
        self.cells += cells.len();
        self.inner.draw(cells.into_iter())
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
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
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let s = Store::open(&path).expect("store");
        let (items, at, _) = s.load_list_head("prod").expect("load").expect("cached");
        let mut app = App::new(Capabilities::full("Sentry"), "Sentry · bench".into(), now);
        app.width = 120;
        app.height = 40;
        update(&mut app, Msg::Cached { items, at });
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let mut ui = errtui::ui::UiState::default();
        term.draw(|f| errtui::ui::draw(f, &app, &mut ui))
            .expect("draw");
        first.push(t.elapsed());
        // What the runtime reads next, off the UI loop.
        let t = Instant::now();
        let seen = s.seen("prod").expect("seen");
        let more = s.load_list_rest("prod").expect("rest");
        update(&mut app, Msg::Remembered { seen, rest: more });
        assert_eq!(app.list.items.len(), 10_000);
        rest.push(t.elapsed());
    }
    first.sort();
    rest.sort();
    println!(
        "start-up to the first cached rows, 10,000 errors cached, 120x40: median {:.1} ms, worst {:.1} ms",
        ms(first[first.len() / 2]),
        ms(first[first.len() - 1])
    );
    println!(
        "  then, off the UI loop, the seen ids and the other 9,800 rows: median {:.1} ms",
        ms(rest[rest.len() / 2])
    );

    // A refresh that brings no change, with 10,000 errors listed.
    let mut app = App::new(Capabilities::full("Sentry"), "Sentry · bench".into(), now);
    app.width = 120;
    app.height = 40;
    app.refresh_every = Some(30);
    let mut term = Terminal::new(Counting {
        inner: TestBackend::new(120, 40),
        cells: 0,
    })
    .expect("terminal");
    let mut ui = errtui::ui::UiState::default();
    let mut req = app.next_req;
    let answer = |app: &mut App, req: u64| {
        update(
            app,
            Msg::Loaded {
                req,
                fetch: errtui::app::msg::Fetch::List {
                    query: app.query.clone(),
                    cursor: None,
                    append: false,
                },
                result: Ok(errtui::app::msg::Data::Page(Page {
                    items: rows.clone(),
                    next: None,
                    total: None,
                })),
            },
        );
    };
    let fx = errtui::app::update::init(&mut app);
    if let Some(errtui::app::Effect::Fetch { req: r, .. }) = fx.first() {
        req = *r;
    }
    answer(&mut app, req);
    for _ in 0..5 {
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('j'),
            )),
        );
    }
    term.draw(|f| errtui::ui::draw(f, &app, &mut ui))
        .expect("draw");
    let full = term.backend().cells;
    let mut times = Vec::new();
    let mut written = Vec::new();
    for _ in 0..20 {
        let fx = update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::F(5),
            )),
        );
        let Some(errtui::app::Effect::Fetch { req, .. }) = fx
            .iter()
            .find(|e| matches!(e, errtui::app::Effect::Fetch { .. }))
            .cloned()
        else {
            panic!("no refresh asked")
        };
        term.backend_mut().cells = 0;
        let t = Instant::now();
        answer(&mut app, req);
        term.draw(|f| errtui::ui::draw(f, &app, &mut ui))
            .expect("draw");
        times.push(t.elapsed());
        written.push(term.backend().cells);
    }
    times.sort();
    written.sort();
    println!(
        "a refresh of 10,000 errors with no change, 120x40: {} cells sent (a full frame is {full}), update+draw median {:.1} ms",
        written[written.len() / 2],
        ms(times[times.len() / 2])
    );

    // A week of refreshes every 30 s, each seeing 2 new errors and keeping the first page.
    let week = 7 * 24 * 3600 / 30;
    let mut s = Store::open(&path).expect("store");
    let page: Vec<ErrorSummary> = rows.iter().take(100).cloned().collect();
    let t = Instant::now();
    for k in 0..week {
        let at = now.timestamp() + k as i64 * 30;
        let ids = vec![format!("n{k}a"), format!("n{k}b")];
        s.mark_seen("prod", &ids, at).expect("seen");
        s.save_list("prod", &page, at).expect("save");
    }
    drop(s);
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|x| std::fs::metadata(format!("{}{x}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "a week of refreshes ({week} of them, 2 new errors and the first page each): {:.1} s of writes, database {:.1} MB",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
