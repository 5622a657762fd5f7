//! Overlays as a stack: help, the link popup, the search line, confirmations and prompts. The
//! one on top gets keys first. A question that arrives while another overlay is open waits in
//! a queue, so a key is only ever an answer to the question that was on screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::Effect;
use super::state::{App, NoticeKind};
use super::update::notify;

/// Searches kept between runs.
pub const HISTORY_MAX: usize = 100;

/// What a confirmed dialog does.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    DeleteKey {
        id: String,
    },
    SetKeyActive {
        id: String,
        active: bool,
    },
    SetTracking {
        active: bool,
        integrated: Option<bool>,
    },
    /// GitLab: create the new key of a rotation (its keys have no names to ask for).
    RotateCreate,
    /// The last step of a rotation: the new key works, delete the old one.
    RotateDeleteOld,
    /// Merge these errors (the server keeps the one with the most events).
    Merge {
        ids: Vec<String>,
    },
    /// Run a custom command (it asked to be confirmed).
    RunCommand {
        line: String,
        pause: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// A warning shown in red (e.g. deleting the last active key).
    pub warning: Option<String>,
    pub on_yes: Confirmed,
    /// Accepts only the typed word `yes`, for what cannot be undone and stops every report.
    pub typed: Option<LineEditor>,
}

/// What a line of typed text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptFor {
    NewKeyName,
    RotateKeyName,
    /// A comment on error `id`.
    Comment {
        id: String,
    },
    /// Archive `ids` for a typed duration.
    ArchiveFor {
        ids: Vec<String>,
    },
    /// Archive `ids` until N more events (or users), optionally within a window.
    ArchiveCount {
        ids: Vec<String>,
        users: bool,
    },
    /// Resolve `ids` in a commit: `REPOSITORY COMMIT`.
    ResolveCommit {
        ids: Vec<String>,
    },
    /// Why `ids` were resolved or archived: posted as a comment on each.
    Reason {
        ids: Vec<String>,
    },
}

impl PromptFor {
    fn is_triage(&self) -> bool {
        !matches!(self, PromptFor::NewKeyName | PromptFor::RotateKeyName)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    /// Every notice of this run, in full, with its time.
    Messages,
    /// A URL shown because no local browser can open it (over SSH).
    Link(String),
    /// The search line.
    Search(LineEditor),
    Confirm(Confirm),
    Prompt {
        title: String,
        editor: LineEditor,
        purpose: PromptFor,
    },
    /// A small menu of choices (resolve, archive, assign, marks).
    Menu(super::menu::Menu),
    /// A filtered list to pick from (releases, members and teams).
    Pick(super::menu::Pick),
}

/// One line editor for every text field: cursor movement, Ctrl-w, Ctrl-u, Home/End, paste.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineEditor {
    pub buf: String,
    /// A byte offset on a char boundary.
    pub cursor: usize,
}

pub enum Edit {
    Changed,
    Submit,
    Cancel,
    Ignored,
}

impl LineEditor {
    pub fn new(text: &str) -> Self {
        LineEditor {
            buf: text.to_string(),
            cursor: text.len(),
        }
    }

    pub fn text(&self) -> &str {
        &self.buf
    }

    /// Inserts text at the cursor; pasted text stays on one line and carries no controls.
    pub fn insert(&mut self, text: &str) {
        let clean = crate::text::sanitize(text);
        self.buf.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn prev_boundary(&self, from: usize) -> usize {
        self.buf[..from]
            .char_indices()
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(0)
    }

    fn next_boundary(&self, from: usize) -> usize {
        self.buf[from..]
            .chars()
            .next()
            .map(|c| from + c.len_utf8())
            .unwrap_or(from)
    }

    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => return Edit::Submit,
            KeyCode::Esc => return Edit::Cancel,
            KeyCode::Char('c') if ctrl => return Edit::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.buf.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let before = &self.buf[..self.cursor];
                let trimmed = before.trim_end().len();
                let cut = before[..trimmed].rfind(' ').map(|i| i + 1).unwrap_or(0);
                self.buf.replace_range(cut..self.cursor, "");
                self.cursor = cut;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.buf.len(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.buf.len(),
            KeyCode::Left => self.cursor = self.prev_boundary(self.cursor),
            KeyCode::Right => self.cursor = self.next_boundary(self.cursor),
            KeyCode::Backspace => {
                let from = self.prev_boundary(self.cursor);
                self.buf.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            KeyCode::Delete => {
                let to = self.next_boundary(self.cursor);
                self.buf.replace_range(self.cursor..to, "");
            }
            KeyCode::Char(c) if !ctrl => {
                let mut b = [0u8; 4];
                self.insert(c.encode_utf8(&mut b));
            }
            _ => return Edit::Ignored,
        }
        Edit::Changed
    }
}

/// Opens a confirmation or prompt now, or queues it when another overlay is open.
pub fn ask(app: &mut App, question: Overlay) {
    if app.overlays.is_empty() {
        app.overlays.push(question);
    } else {
        app.questions.push_back(question);
    }
}

/// Opens a non-question overlay (help, link, search) on top.
pub fn open(app: &mut App, overlay: Overlay) {
    app.overlays.push(overlay);
}

/// Closes the top overlay; the next waiting question, if any, takes its place.
fn close(app: &mut App) -> Option<Overlay> {
    let top = app.overlays.pop();
    if app.overlays.is_empty()
        && let Some(next) = app.questions.pop_front()
    {
        app.overlays.push(next);
    }
    top
}

/// Bracketed paste goes to the text field on top, if there is one.
pub fn on_paste(app: &mut App, text: &str) {
    match app.overlays.last_mut() {
        Some(Overlay::Search(ed)) | Some(Overlay::Prompt { editor: ed, .. }) => ed.insert(text),
        Some(Overlay::Pick(p)) => {
            p.filter.insert(text);
            p.selected = 0;
        }
        Some(Overlay::Confirm(Confirm {
            typed: Some(ed), ..
        })) => ed.insert(text),
        _ => {}
    }
}

/// The top overlay takes the key. Returns false when there is none.
pub fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(top) = app.overlays.last_mut() else {
        return false;
    };
    match top {
        Overlay::Help | Overlay::Messages => {
            // j/k and the page keys scroll; anything else closes.
            let step: i32 = match key.code {
                KeyCode::Char('j') | KeyCode::Down => 1,
                KeyCode::Char('k') | KeyCode::Up => -1,
                KeyCode::PageDown => 10,
                KeyCode::PageUp => -10,
                KeyCode::Char('d') if key.modifiers.contains(KeyModifiers::CONTROL) => 10,
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => -10,
                _ => 0,
            };
            if step != 0 {
                app.overlay_scroll = (app.overlay_scroll as i32 + step).clamp(0, 1000) as u16;
                return true;
            }
            close(app);
            if ctrl_c {
                super::update::quit(app, fx);
            }
        }
        Overlay::Link(url) => {
            let url = url.clone();
            close(app);
            match key.code {
                KeyCode::Char('y') => {
                    fx.push(Effect::Copy(url));
                    notify(
                        app,
                        "Copied the link to the clipboard (OSC 52).",
                        NoticeKind::Info,
                    );
                }
                _ if ctrl_c => super::update::quit(app, fx),
                _ => {}
            }
        }
        Overlay::Search(ed) if matches!(key.code, KeyCode::Up | KeyCode::Down) => {
            // ↑ older searches, ↓ newer, past the newest an empty line.
            let len = app.history.len();
            let pos = match (key.code, app.history_pos) {
                (KeyCode::Up, None) => len.checked_sub(1),
                (KeyCode::Up, Some(p)) => Some(p.saturating_sub(1)),
                (_, Some(p)) if p + 1 < len => Some(p + 1),
                _ => None,
            };
            let text = pos
                .and_then(|p| app.history.get(p))
                .cloned()
                .unwrap_or_default();
            *ed = LineEditor::new(&text);
            app.history_pos = pos;
        }
        Overlay::Search(ed) => match ed.key(&key) {
            Edit::Submit => {
                let text = ed.text().trim().to_string();
                close(app);
                app.history_pos = None;
                if !text.is_empty() {
                    app.history.retain(|h| *h != text);
                    app.history.push(text.clone());
                    let extra = app.history.len().saturating_sub(HISTORY_MAX);
                    app.history.drain(..extra);
                    fx.push(Effect::SaveHistory(app.history.clone()));
                }
                super::list::search(app, text, fx);
            }
            Edit::Cancel => {
                app.history_pos = None;
                close(app);
            }
            Edit::Changed | Edit::Ignored => {}
        },
        Overlay::Prompt { editor, .. } => match editor.key(&key) {
            Edit::Submit => {
                let text = editor.text().trim().to_string();
                if let Some(Overlay::Prompt { purpose, .. }) = close(app) {
                    if purpose.is_triage() {
                        super::triage::prompted(app, purpose, text, fx);
                    } else {
                        super::client_keys::named(app, purpose, text, fx);
                    }
                }
            }
            Edit::Cancel => {
                app.reason_for = None;
                if let Some(Overlay::Prompt { purpose, .. }) = close(app)
                    && !purpose.is_triage()
                {
                    super::client_keys::name_cancelled(app, purpose);
                }
            }
            Edit::Changed | Edit::Ignored => {}
        },
        Overlay::Menu(_) => {
            if let Some(choice) = super::menu::on_menu_key(app, &key) {
                if let Some(Overlay::Menu(m)) = close(app) {
                    if m.reason {
                        app.reason_for = Some(m.ids.clone());
                    }
                    super::triage::chosen(app, m.ids, choice, fx);
                }
            } else if super::menu::closes(&key) {
                close(app);
            }
        }
        Overlay::Pick(_) => match super::menu::on_pick_key(app, &key) {
            super::menu::Picked::Nothing => {}
            super::menu::Picked::Cancel => {
                app.reason_for = None;
                close(app);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Change(change)) => {
                if let Some(Overlay::Pick(p)) = close(app) {
                    super::triage::request(app, p.ids, change, fx);
                }
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Profile(name)) => {
                close(app);
                super::update::switch_profile(app, name, fx);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Action(action)) => {
                close(app);
                super::update::act(app, action, 1, "That", fx);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Environment(env)) => {
                close(app);
                let text = super::update::with_environment(&app.query.text, env.as_deref());
                super::list::search(app, text, fx);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Project(p)) => {
                close(app);
                let (id, name) = match p {
                    Some((id, slug)) => (id, slug),
                    None => (String::new(), "every project".to_string()),
                };
                app.query.project = Some(id);
                app.project_name = Some(name);
                let text = app.query.text.clone();
                super::list::search(app, text, fx);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::Command(i)) => {
                close(app);
                super::commands::start(app, i, fx);
            }
            super::menu::Picked::Chosen(super::menu::PickChoice::GoTo(id)) => {
                close(app);
                super::error_view::open_error(app, &id, crate::model::EventRef::Latest, fx);
            }
        },
        Overlay::Confirm(c) => {
            let answer = match &mut c.typed {
                Some(ed) => match ed.key(&key) {
                    Edit::Submit if ed.text().trim() == "yes" => Some(true),
                    Edit::Submit => {
                        notify(app, "Type yes to confirm, or Esc.", NoticeKind::Info);
                        None
                    }
                    Edit::Cancel => Some(false),
                    Edit::Changed | Edit::Ignored => None,
                },
                None => match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => Some(true),
                    KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Some(false),
                    _ if ctrl_c => Some(false),
                    _ => {
                        notify(app, "y confirms, n or Esc cancels.", NoticeKind::Info);
                        None
                    }
                },
            };
            if let Some(yes) = answer
                && let Some(Overlay::Confirm(c)) = close(app)
            {
                if yes {
                    super::client_keys::confirmed(app, c.on_yes, fx);
                } else {
                    super::client_keys::declined(app, c.on_yes);
                }
            }
        }
    }
    true
}
