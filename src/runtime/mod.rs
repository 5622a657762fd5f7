//! The runtime: owns the terminal, turns events into messages, runs effects, draws when dirty.
//! `Core` (app + executor + the message queue) runs without a terminal, so tests can drive the
//! real runtime headless.

pub mod executor;
pub mod history;
pub mod terminal;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::app::{self, App, Effect, Msg};
use crate::backend::Backend;
use executor::Executor;

const TICK: Duration = Duration::from_millis(100);

/// The app, its executor and the queue their messages come back on.
pub struct Core {
    pub app: App,
    /// The database of what was seen, and the key of this profile in it.
    pub store: Option<(Arc<std::sync::Mutex<crate::store::Store>>, String)>,
    /// The ids the database already has for this profile.
    ids_kept: std::collections::HashSet<(String, String)>,
    exec: Executor,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Core {
    pub fn new(backend: Arc<dyn Backend>, now: crate::model::Timestamp) -> Core {
        let app = App::new(backend.capabilities(), backend.describe(), now);
        let (tx, rx) = mpsc::unbounded_channel::<Msg>();
        Core {
            app,
            store: None,
            ids_kept: Default::default(),
            exec: Executor::new(backend, tx),
            rx,
        }
    }

    /// Runs the start-up effects. Returns the ones only a terminal can run (copy).
    pub fn init(&mut self) -> Vec<Effect> {
        let fx = app::update::init(&mut self.app);
        self.run(fx)
    }

    /// Feeds one message through `update` and runs its effects. Returns the effects only a
    /// terminal can run.
    pub fn dispatch(&mut self, msg: Msg) -> Vec<Effect> {
        // Ids are looked up by lists (a project's number) and by opening an error by its short
        // id: only those answers can bring one to keep.
        let answered = matches!(
            &msg,
            Msg::Loaded {
                result: Ok(_),
                fetch: app::msg::Fetch::List { .. } | app::msg::Fetch::Detail { .. },
                ..
            }
        );
        let fx = app::update(&mut self.app, msg);
        if answered {
            self.keep_ids();
        }
        self.run(fx)
    }

    /// Writes the ids the server gave this run (a project's number) that the database lacks.
    fn keep_ids(&mut self) {
        if self.store.is_none() {
            return;
        }
        let new: Vec<(String, String)> = self
            .exec
            .backend()
            .known_ids()
            .into_iter()
            .filter(|i| !self.ids_kept.contains(i))
            .collect();
        if new.is_empty() {
            return;
        }
        self.ids_kept.extend(new.iter().cloned());
        let now = self.app.now.timestamp();
        self.write_store(move |s, key| s.save_ids(key, &new, now));
    }

    fn run(&mut self, fx: Vec<Effect>) -> Vec<Effect> {
        let mut left = Vec::new();
        for effect in fx {
            match effect {
                Effect::Copy(_)
                | Effect::SwitchProfile(_)
                | Effect::Combine { .. }
                | Effect::RunCommand { .. }
                | Effect::EditFrame { .. }
                | Effect::Alert { .. } => left.push(effect),
                Effect::RememberSeen(ids) => {
                    let now = self.app.now.timestamp();
                    self.write_store(move |s, key| s.mark_seen(key, &ids, now));
                }
                Effect::RememberOpened(opened) => {
                    use crate::app::msg::Opened;
                    use crate::store::Kind;
                    let now = self.app.now.timestamp();
                    self.write_store(move |s, key| match &opened {
                        Opened::Detail { key: k, detail } => {
                            s.save_opened(key, Kind::Detail, k, detail, now)
                        }
                        Opened::Event { key: k, event } => {
                            s.save_opened(key, Kind::Event, k, event, now)
                        }
                    });
                }
                Effect::RememberListFresh => {
                    let now = self.app.now.timestamp();
                    self.write_store(move |s, key| s.touch_list(key, now));
                }
                Effect::RememberList(rows) => {
                    let now = self.app.now.timestamp();
                    self.write_store(move |s, key| s.save_list(key, &rows, now));
                }
                Effect::SaveHistory(h) => {
                    self.write_store(move |s, key| s.save_searches(key, &h));
                }
                Effect::Quit => {}
                other => self.exec.run(other),
            }
        }
        left
    }

    /// Starts over on another server: a new app (the terminal's size and the user's options
    /// kept), a new executor and a new queue. The old fetches are stopped and whatever they
    /// still send goes to a queue nobody reads, so nothing of one server reaches the other.
    pub fn switch(&mut self, backend: Arc<dyn Backend>, profile: String) -> Vec<Effect> {
        self.exec.abort_reads();
        let old = &self.app;
        let mut app = App::new(backend.capabilities(), backend.describe(), old.now);
        app.width = old.width;
        app.height = old.height;
        app.utc = old.utc;
        app.local_browser = old.local_browser;
        app.preview = old.preview;
        app.profiles = old.profiles.clone();
        app.profile = Some(profile.clone());
        // Request ids keep counting: no answer can pass for another's.
        app.next_req = old.next_req;
        app.log = old.log.clone();
        // Without a database the searches stay; with one, each profile has its own.
        app.history = old.history.clone();
        app.views = old.views.clone();
        app.commands = old.commands.clone();
        app.keymap = old.keymap.clone();
        app.refresh_every = old.refresh_base;
        app.refresh_base = old.refresh_base;
        app.alert = old.alert;
        let (tx, rx) = mpsc::unbounded_channel::<Msg>();
        self.exec = Executor::new(backend, tx);
        self.rx = rx;
        self.app = app;
        app::update::notify(
            &mut self.app,
            &format!("Profile `{profile}`."),
            app::state::NoticeKind::Info,
        );
        if self.store.is_some() {
            self.open_store(profile.clone());
        }
        self.init()
    }

    /// Opens errtui's database (in the state directory) for profile `key`, and loads what it
    /// remembers: the first list after a restart marks what arrived since.
    pub fn open_store(&mut self, key: String) {
        let store = match self.store.take() {
            Some((s, _)) => Ok(s),
            None => match crate::store::path() {
                Some(p) => {
                    crate::store::Store::open(&p).map(|s| Arc::new(std::sync::Mutex::new(s)))
                }
                None => return,
            },
        };
        match store {
            Ok(s) => self.attach_store(s, key),
            Err(e) => tracing::warn!("errtui will remember nothing this run: {e}"),
        }
    }

    /// Uses `store` for profile `key`: what was seen, the last list (shown at once while the
    /// fresh one loads), recent searches, and details and events opened before (read when the
    /// server cannot be reached).
    pub fn attach_store(&mut self, store: Arc<std::sync::Mutex<crate::store::Store>>, key: String) {
        // A screenful at once; what was seen and the rest of the list just after, off the UI
        // loop (a list that answers meanwhile waits with its marks).
        let mut more = false;
        if let Ok(db) = store.lock() {
            let searches = db.searches(&key).unwrap_or_default();
            self.app.history = if searches.is_empty() {
                history::load_legacy()
            } else {
                searches
            };
            let ids = db.ids(&key, self.app.now.timestamp()).unwrap_or_default();
            self.exec.backend().learn_ids(&ids);
            self.ids_kept = ids.into_iter().collect();
            if let Ok(Some((items, at, rest))) = db.load_list_head(&key) {
                more = rest;
                let _ = app::update(&mut self.app, Msg::Cached { items, at });
            }
        }
        self.app.seen_pending = true;
        let (db, k, tx) = (store.clone(), key.clone(), self.exec.sender());
        tokio::task::spawn_blocking(move || {
            let (seen, rest) = match db.lock() {
                Ok(db) => (
                    db.seen(&k).unwrap_or_default(),
                    if more {
                        db.load_list_rest(&k).unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                ),
                Err(_) => Default::default(),
            };
            let _ = tx.send(Msg::Remembered { seen, rest });
        });
        self.exec.set_disk(Some((store.clone(), key.clone())));
        self.store = Some((store, key));
    }

    /// Writes to the database off the UI loop (SQLite syncs to disk on each write).
    fn write_store(
        &self,
        f: impl FnOnce(&mut crate::store::Store, &str) -> Result<(), String> + Send + 'static,
    ) {
        let Some((store, key)) = &self.store else {
            return;
        };
        let (store, key) = (store.clone(), key.clone());
        tokio::task::spawn_blocking(move || {
            if let Ok(mut s) = store.lock()
                && let Err(e) = f(&mut s, &key)
            {
                tracing::warn!("could not write to errtui's database: {e}");
            }
        });
    }

    /// The next message a background task sent.
    pub async fn recv(&mut self) -> Option<Msg> {
        self.rx.recv().await
    }

    pub fn try_recv(&mut self) -> Option<Msg> {
        self.rx.try_recv().ok()
    }
}

/// Runs the TUI until the user quits. The terminal is restored on every way out: quit, error,
/// panic, and SIGTERM, SIGHUP, SIGINT and SIGQUIT.
/// How the TUI starts.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Open this error (and event) straight away (`errtui open`).
    pub start: Option<(String, crate::model::EventRef)>,
    /// Absolute times in UTC rather than the local zone.
    pub utc: bool,
    /// The config file's profiles, to switch between without a restart.
    pub profiles: Option<Profiles>,
    /// The config file's views (`1`…`9`).
    pub views: Vec<crate::model::SavedView>,
    /// The config file's custom commands.
    pub commands: Vec<crate::app::commands::CustomCommand>,
    /// Where `e` looks for a frame's file.
    pub source_roots: Vec<std::path::PathBuf>,
    /// The keymap with the config's `[keys]`, when it has any.
    pub keymap: Option<crate::app::keymap::Keymap>,
    /// Seconds between refreshes of the list (`refresh` in the config; 0 turns it off).
    pub refresh: Option<u64>,
    /// `alert` in the config.
    pub alert: crate::app::watching::Alert,
    /// Under which name what was seen is remembered (default: the profile, else the server).
    pub memory_key: Option<String>,
}

/// Opens the backend of a profile, by name.
pub type OpenProfile = Arc<dyn Fn(&str) -> Result<Arc<dyn Backend>, String> + Send + Sync>;

/// The profiles the TUI can switch to, and how to open one.
#[derive(Clone)]
pub struct Profiles {
    pub names: Vec<String>,
    pub current: Option<String>,
    pub open: OpenProfile,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles")
            .field("names", &self.names)
            .field("current", &self.current)
            .finish()
    }
}

pub async fn run(backend: Arc<dyn Backend>, opts: RunOptions) -> Result<(), String> {
    let start = opts.start;
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err("the terminal UI needs a terminal: standard input and output must not be redirected. For scripts, use the headless commands (errtui list, show, resolve…; see --help).".into());
    }
    let mut term = terminal::TerminalGuard::enter()
        .map_err(|e| format!("could not start the terminal UI: {e}"))?;
    let size = term.size();
    let mut core = Core::new(backend, chrono::Utc::now());
    core.app.width = size.0;
    core.app.height = size.1;
    core.app.local_browser = local_browser_available();
    core.app.utc = opts.utc;
    let profiles = opts.profiles;
    let roots = opts.source_roots;
    let key = opts
        .memory_key
        .clone()
        .or_else(|| profiles.as_ref().and_then(|p| p.current.clone()))
        .unwrap_or_else(|| core.app.source.clone());
    core.open_store(key);
    core.app.views = opts.views;
    core.app.commands = opts.commands;
    core.app.refresh_every = opts.refresh;
    core.app.refresh_base = opts.refresh;
    core.app.alert = opts.alert;
    if let Some(k) = opts.keymap {
        core.app.keymap = Arc::new(k);
    }
    if let Some(p) = &profiles {
        core.app.profiles = p.names.clone();
        core.app.profile = p.current.clone();
    }
    let mut ui = crate::ui::UiState::default();
    let mut stop = Signals::new();

    // None while a custom command has the terminal: nothing reads its keys from under it.
    let mut events = Some(EventStream::new());
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let fx = core.init();
    run_terminal_effects(&mut core, &mut term, fx, (&profiles, &roots), &mut events);
    if let Some((id, which)) = start {
        let mut fx = Vec::new();
        app::error_view::open_error(&mut core.app, &id, which, &mut fx);
        let fx = core.run(fx);
        run_terminal_effects(&mut core, &mut term, fx, (&profiles, &roots), &mut events);
    }

    while !core.app.quit {
        if core.app.dirty {
            term.draw(&core.app, &mut ui)
                .map_err(|e| format!("could not draw: {e}"))?;
            core.app.dirty = false;
            // Only the drawing knows how far the panes scroll: tell the app when it changed.
            if (ui.detail_max, ui.stack_max) != (core.app.detail_max, core.app.stack_max)
                || ui.sections != core.app.section_lines
            {
                let (detail_max, stack_max) = (ui.detail_max, ui.stack_max);
                core.dispatch(Msg::Layout {
                    detail_max,
                    stack_max,
                    sections: ui.sections.clone(),
                });
                core.app.dirty = false;
            }
        }
        let msg = tokio::select! {
            ev = async {
                match events.as_mut() {
                    Some(e) => e.next().await,
                    None => std::future::pending().await,
                }
            } => match ev {
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => {
                    if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
                        term.suspend().map_err(|e| format!("could not resume: {e}"))?;
                        core.app.dirty = true;
                        continue;
                    }
                    Msg::Key(k)
                }
                Some(Ok(TermEvent::Paste(text))) => Msg::Paste(text),
                Some(Ok(TermEvent::Mouse(m))) => {
                    use crossterm::event::{MouseButton, MouseEventKind};
                    let Some((pane, row)) = crate::ui::hit(&ui, m.column, m.row) else {
                        continue;
                    };
                    match m.kind {
                        MouseEventKind::Down(MouseButton::Left) => Msg::Click { pane, row },
                        MouseEventKind::ScrollDown => Msg::Wheel { pane, down: true },
                        MouseEventKind::ScrollUp => Msg::Wheel { pane, down: false },
                        _ => continue,
                    }
                }
                Some(Ok(TermEvent::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("could not read the terminal: {e}")),
                None => break,
            },
            Some(msg) = core.recv() => msg,
            _ = tick.tick() => Msg::Tick(chrono::Utc::now()),
            _ = stop.recv() => break,
        };
        let fx = core.dispatch(msg);
        run_terminal_effects(&mut core, &mut term, fx, (&profiles, &roots), &mut events);
        // Drain whatever else is already waiting, then draw once.
        while let Some(msg) = core.try_recv() {
            let fx = core.dispatch(msg);
            run_terminal_effects(&mut core, &mut term, fx, (&profiles, &roots), &mut events);
        }
    }
    term.restore();
    Ok(())
}

fn run_terminal_effects(
    core: &mut Core,
    term: &mut terminal::TerminalGuard,
    fx: Vec<Effect>,
    ctx: (&Option<Profiles>, &[std::path::PathBuf]),
    events: &mut Option<EventStream>,
) {
    let (profiles, roots) = ctx;
    for effect in fx {
        match effect {
            Effect::Copy(text) => {
                if let Err(e) = term.copy_osc52(&text) {
                    let fx = core.dispatch(Msg::EffectFailed(format!("Could not copy: {e}")));
                    run_terminal_effects(core, term, fx, ctx, events);
                }
            }
            Effect::SwitchProfile(name) => {
                let fx = match profiles.as_ref().map(|p| (p.open)(&name)) {
                    Some(Ok(b)) => core.switch(b, name),
                    Some(Err(e)) => core.dispatch(Msg::EffectFailed(format!(
                        "Could not switch to profile `{name}`: {e}"
                    ))),
                    None => Vec::new(),
                };
                run_terminal_effects(core, term, fx, ctx, events);
            }
            Effect::Combine {
                key,
                profiles: names,
                view,
            } => {
                let fx = match profiles.as_ref().map(|p| open_combined(p, &names)) {
                    Some(Ok(b)) => {
                        let mut fx = core.switch(b, key);
                        fx.extend(core.dispatch(Msg::ShowView(view)));
                        fx
                    }
                    Some(Err(e)) => core.dispatch(Msg::EffectFailed(e)),
                    None => core.dispatch(Msg::EffectFailed(
                        "A view that combines profiles needs a config file with them.".into(),
                    )),
                };
                run_terminal_effects(core, term, fx, ctx, events);
            }
            Effect::Alert { text, how } => {
                if let Err(e) = term.alert(&text, how) {
                    tracing::warn!("could not alert: {e}");
                }
            }
            Effect::EditFrame { path, line } => {
                let fx = match find_source(roots, &path) {
                    Some(file) => {
                        let editor = std::env::var("VISUAL")
                            .or_else(|_| std::env::var("EDITOR"))
                            .unwrap_or_else(|_| "vi".into());
                        let cmd = format!(
                            "{editor} +{line} {}",
                            crate::app::commands::shell_quote(&file.display().to_string())
                        );
                        core.dispatch(Msg::Said(format!("Opening {}:{line}", file.display())))
                            .into_iter()
                            .chain([Effect::RunCommand { line: cmd, pause: false }])
                            .collect()
                    }
                    None if roots.is_empty() => core.dispatch(Msg::EffectFailed(
                        "Set source_roots in the config file (the checkouts of your code) so e can find the frame's file.".into(),
                    )),
                    None => core.dispatch(Msg::EffectFailed(format!(
                        "{} is not under any source root ({}).",
                        crate::text::sanitize(&path),
                        roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", ")
                    ))),
                };
                run_terminal_effects(core, term, fx, ctx, events);
            }
            Effect::RunCommand { line, pause } => {
                *events = None;
                let ran = term.hand_over(|| run_shell(&line, pause));
                *events = Some(EventStream::new());
                let msg = match ran {
                    Ok(Ok(0)) => Msg::Said("The command ended.".to_string()),
                    Ok(Ok(code)) => {
                        Msg::EffectFailed(format!("The command ended with exit code {code}."))
                    }
                    Ok(Err(e)) => Msg::EffectFailed(format!("The command could not start: {e}")),
                    Err(e) => Msg::EffectFailed(format!("Could not take the terminal back: {e}")),
                };
                core.app.dirty = true;
                let fx = core.dispatch(msg);
                run_terminal_effects(core, term, fx, ctx, events);
            }
            _ => {}
        }
    }
}

/// One backend over the profiles a view combines, each opened with its own server and token.
pub fn open_combined(p: &Profiles, names: &[String]) -> Result<Arc<dyn Backend>, String> {
    let parts = names
        .iter()
        .map(|n| {
            (p.open)(n)
                .map(|b| (n.clone(), b))
                .map_err(|e| format!("Could not open profile `{n}` of the view: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Arc::new(crate::backend::combined::Combined::new(parts)))
}

/// The signals that end errtui the way `q` does.
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                SignalKind::terminate(),
                SignalKind::hangup(),
                SignalKind::interrupt(),
                SignalKind::quit(),
            ];
            Signals {
                streams: kinds.into_iter().filter_map(|k| signal(k).ok()).collect(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            futures_util::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
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

/// Runs a custom command's line with the shell, on the real terminal; with `pause`, waits for
/// Enter so its output can be read. Returns its exit code.
fn run_shell(line: &str, pause: bool) -> std::io::Result<i32> {
    use std::io::Write;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .status()?;
    let code = status.code().unwrap_or(-1);
    if pause {
        print!(
            "\n[errtui] the command ended ({}); press Enter to go back ",
            code
        );
        let _ = std::io::stdout().flush();
        let mut s = String::new();
        let _ = std::io::stdin().read_line(&mut s);
    }
    Ok(code)
}

/// The file a frame names, under one of `roots`: the path as it is under each root, then with
/// its leading directories dropped one by one (a server's `/srv/app/shop/models.py` is
/// `shop/models.py` in a checkout). Never outside a root.
pub fn find_source(roots: &[std::path::PathBuf], path: &str) -> Option<std::path::PathBuf> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    for start in 0..parts.len() {
        let rel: std::path::PathBuf = parts[start..].iter().collect();
        for root in roots {
            let candidate = root.join(&rel);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}
