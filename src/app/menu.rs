//! The triage menus (`r` resolve, `i` archive, `a` assign, `m` marks) and the pickers they open
//! (releases, members and teams). A menu keeps the errors it was opened for; its items are
//! computed from the app each time, so a release or a name that arrives late shows at once.
//! Pressing the menu's own key again takes its first item: `r r`, `i i`, `a a`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::overlay::{Edit, LineEditor};
use super::state::{App, Load};
use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKind {
    Resolve,
    Archive,
    Assign,
    Marks,
}

impl MenuKind {
    /// The key that opened it: pressed again, it takes the first item.
    pub fn key(self) -> char {
        match self {
            MenuKind::Resolve => 'r',
            MenuKind::Archive => 'i',
            MenuKind::Assign => 'a',
            MenuKind::Marks => 'm',
        }
    }
}

/// What an item does.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Change(Change),
    /// Resolve in a release picked from the recent ones.
    PickRelease,
    /// Resolve in a typed commit.
    AskCommit,
    /// Archive for a typed duration.
    AskDuration,
    /// Archive until N more events or users.
    AskCount {
        users: bool,
    },
    /// Assign to the token's user (once known).
    AssignMe,
    /// Assign to a member or team picked from the organization.
    PickPerson,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub key: char,
    pub label: String,
    pub choice: Choice,
    /// Why the server cannot do it, when it cannot: shown, not offered.
    pub refused: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub kind: MenuKind,
    /// The errors it acts on, fixed when it opened.
    pub ids: Vec<String>,
    /// How the menu names them: `DEMO-3` or `5 marked errors`.
    pub what: String,
    pub selected: usize,
    /// `w` was pressed: the change asks for a reason, posted as a comment.
    pub reason: bool,
}

impl MenuKind {
    /// Resolving and archiving can carry a reason.
    pub fn takes_reason(self) -> bool {
        matches!(self, MenuKind::Resolve | MenuKind::Archive)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    Release,
    Person,
    Profile,
    /// The command palette: actions, profiles, "go to error".
    Palette,
    /// The list's environment.
    Environment,
    /// The list's project.
    Project,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub kind: PickKind,
    pub ids: Vec<String>,
    pub what: String,
    pub filter: LineEditor,
    pub selected: usize,
}

pub struct PickOption {
    pub label: String,
    pub detail: String,
    pub choice: PickChoice,
    /// The text the filter is matched against.
    pub hay: String,
}

/// What picking an option does.
#[derive(Debug, Clone, PartialEq)]
pub enum PickChoice {
    Change(Change),
    /// Switch to this profile of the config file.
    Profile(String),
    /// Run an action, as its key would.
    Action(super::keymap::Action),
    /// Open this error (a number or a short id).
    GoTo(String),
    /// Run custom command `i` of the config file.
    Command(usize),
    /// Show this environment's errors, or every environment's.
    Environment(Option<String>),
    /// Show this project's errors (id, slug), or every project's (None).
    Project(Option<(String, String)>),
}

pub enum Picked {
    Nothing,
    Cancel,
    Chosen(PickChoice),
}

pub fn title(m: &Menu) -> String {
    let verb = match m.kind {
        MenuKind::Resolve => "Resolve",
        MenuKind::Archive => "Archive",
        MenuKind::Assign => "Assign",
        MenuKind::Marks => "Mark",
    };
    let reason = if m.reason { " · with a reason" } else { "" };
    format!("{verb} {}{reason}", m.what)
}

/// The menu's items, as the app knows them now.
pub fn items(app: &App, kind: MenuKind) -> Vec<MenuItem> {
    let t = &app.caps.triage;
    let item = |key: char, label: String, choice: Choice, refused: &Option<String>| MenuItem {
        key,
        label,
        choice,
        refused: refused.clone(),
    };
    match kind {
        MenuKind::Resolve => {
            let next = match (&app.releases.data, app.releases.load()) {
                (Some(r), _) => match r.first() {
                    Some(latest) => format!(
                        "in the next release (after {})",
                        crate::text::sanitize(&latest.version)
                    ),
                    None => "in the next release (no release yet: the first one seen)".into(),
                },
                (None, Load::Failed(_)) => {
                    "in the next release (the latest release could not be read)".into()
                }
                _ => "in the next release (looking up the latest release…)".into(),
            };
            vec![
                item(
                    'r',
                    "resolve".into(),
                    Choice::Change(Change::Resolve(Resolve::Now)),
                    &None,
                ),
                item(
                    'n',
                    next,
                    Choice::Change(Change::Resolve(Resolve::NextRelease {
                        latest: app
                            .releases
                            .data
                            .as_ref()
                            .and_then(|r| r.first())
                            .map(|r| r.version.clone()),
                    })),
                    &t.release_resolve,
                ),
                item(
                    'e',
                    "in a release…".into(),
                    Choice::PickRelease,
                    &t.release_resolve,
                ),
                item(
                    'c',
                    "in a commit…".into(),
                    Choice::AskCommit,
                    &t.release_resolve,
                ),
            ]
        }
        MenuKind::Archive => {
            let mut v = Vec::new();
            if t.archive_options.is_some() {
                // Plain ignore first where that is all the server has.
                v.push(item(
                    'i',
                    "ignore".into(),
                    Choice::Change(Change::Archive(Archive::Plain)),
                    &None,
                ));
            }
            let first = if v.is_empty() { 'i' } else { 'e' };
            let a = |x: Archive| Choice::Change(Change::Archive(x));
            let r = &t.archive_options;
            v.extend([
                item(
                    first,
                    "until it escalates".into(),
                    a(Archive::UntilEscalating),
                    r,
                ),
                item('f', "forever".into(), a(Archive::Forever), r),
                item('1', "for 30 min".into(), a(Archive::For(30)), r),
                item('2', "for 1 h".into(), a(Archive::For(60)), r),
                item('3', "for 1 d".into(), a(Archive::For(1440)), r),
                item('4', "for 1 w".into(), a(Archive::For(10_080)), r),
                item('t', "for… (type a duration)".into(), Choice::AskDuration, r),
                item(
                    'c',
                    "until N more events…".into(),
                    Choice::AskCount { users: false },
                    r,
                ),
                item(
                    'u',
                    "until N more users…".into(),
                    Choice::AskCount { users: true },
                    r,
                ),
            ]);
            v
        }
        MenuKind::Assign => {
            let me = match (&app.people.data, app.people.load()) {
                (Some(p), _) => match &p.me {
                    Some(me) => format!("to me ({})", crate::text::sanitize(&me.name)),
                    None => "to me (errtui could not find out who you are)".into(),
                },
                (None, Load::Failed(_)) => "to me (who you are could not be read)".into(),
                _ => "to me (looking up who you are…)".into(),
            };
            vec![
                item('a', me, Choice::AssignMe, &t.assign),
                item(
                    'p',
                    "to a member or team…".into(),
                    Choice::PickPerson,
                    &t.assign,
                ),
                item(
                    'n',
                    "to nobody".into(),
                    Choice::Change(Change::Assign(None)),
                    &t.assign,
                ),
            ]
        }
        MenuKind::Marks => vec![
            item(
                'v',
                "reviewed".into(),
                Choice::Change(Change::Reviewed),
                &t.reviewed,
            ),
            item(
                'b',
                "bookmarked".into(),
                Choice::Change(Change::Bookmark(true)),
                &t.bookmark,
            ),
            item(
                'B',
                "not bookmarked".into(),
                Choice::Change(Change::Bookmark(false)),
                &t.bookmark,
            ),
            item(
                '1',
                "priority high".into(),
                Choice::Change(Change::Priority(Priority::High)),
                &t.priority,
            ),
            item(
                '2',
                "priority medium".into(),
                Choice::Change(Change::Priority(Priority::Medium)),
                &t.priority,
            ),
            item(
                '3',
                "priority low".into(),
                Choice::Change(Change::Priority(Priority::Low)),
                &t.priority,
            ),
        ],
    }
}

/// Esc, q and Ctrl-c close a menu.
pub fn closes(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Esc | KeyCode::Char('q'))
        || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
}

/// A key in the menu on top: the choice it makes, if any (moving the cursor makes none).
pub fn on_menu_key(app: &mut App, key: &KeyEvent) -> Option<Choice> {
    let Some(super::overlay::Overlay::Menu(m)) = app.overlays.last() else {
        return None;
    };
    let kind = m.kind;
    let list = items(app, kind);
    let pick = |i: usize, app: &mut App| -> Option<Choice> {
        let it = list.get(i)?;
        match &it.refused {
            Some(reason) => {
                super::update::notify(app, reason, super::state::NoticeKind::Error);
                None
            }
            None => Some(it.choice.clone()),
        }
    };
    let selected = m.selected;
    if key.code == KeyCode::Char('w') && kind.takes_reason() {
        if let Some(super::overlay::Overlay::Menu(m)) = app.overlays.last_mut() {
            m.reason = !m.reason;
        }
        return None;
    }
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            set_menu_selected(app, (selected + 1).min(list.len().saturating_sub(1)));
            None
        }
        KeyCode::Char('k') | KeyCode::Up => {
            set_menu_selected(app, selected.saturating_sub(1));
            None
        }
        KeyCode::Enter => pick(selected, app),
        KeyCode::Char(c) if c == kind.key() => {
            // The first item the server can do.
            let first = list.iter().position(|i| i.refused.is_none()).unwrap_or(0);
            pick(first, app)
        }
        KeyCode::Char(c) => match list.iter().position(|i| i.key == c) {
            Some(i) => pick(i, app),
            None => None,
        },
        _ => None,
    }
}

fn set_menu_selected(app: &mut App, i: usize) {
    if let Some(super::overlay::Overlay::Menu(m)) = app.overlays.last_mut() {
        m.selected = i;
    }
}

/// How well `filter` matches `text` (nucleo's fuzzy matcher, case-insensitive); `None` when
/// it does not. An empty filter matches everything equally.
pub fn score(filter: &str, text: &str, m: &mut nucleo_matcher::Matcher) -> Option<u32> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    if filter.trim().is_empty() {
        return Some(0);
    }
    let pattern = Pattern::parse(filter, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    pattern.score(nucleo_matcher::Utf32Str::new(text, &mut buf), m)
}

/// The picker's options that match the filter, best first, as the app knows them now.
pub fn pick_options(app: &App, p: &Pick) -> Vec<PickOption> {
    let f = p.filter.text();
    let mut m = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    // Teammates before yourself (a a assigns you): `a p Enter` takes the first teammate.
    let me = app
        .people
        .data
        .as_ref()
        .and_then(|p| p.me.as_ref())
        .map(|m| m.wire());
    let mut scored: Vec<(u32, bool, PickOption)> = all_options(app, p, f)
        .into_iter()
        .filter_map(|o| {
            let s = score(f, &o.hay, &mut m)?;
            let mine = matches!(&o.choice, PickChoice::Change(Change::Assign(Some(a))) if Some(a.wire()) == me);
            Some((s, mine, o))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, o)| o).collect()
}

fn all_options(app: &App, p: &Pick, f: &str) -> Vec<PickOption> {
    match p.kind {
        PickKind::Release => app
            .releases
            .data
            .iter()
            .flatten()
            .map(|r| PickOption {
                hay: r.version.clone(),
                label: crate::text::sanitize(&r.version),
                detail: r
                    .date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                choice: PickChoice::Change(Change::Resolve(Resolve::InRelease(r.version.clone()))),
            })
            .collect(),
        PickKind::Profile => app
            .profiles
            .iter()
            .map(|n| PickOption {
                hay: n.clone(),
                label: crate::text::sanitize(n),
                detail: if app.profile.as_deref() == Some(n.as_str()) {
                    "in use".into()
                } else {
                    String::new()
                },
                choice: PickChoice::Profile(n.clone()),
            })
            .collect(),
        PickKind::Palette => palette(app, f),
        PickKind::Project => std::iter::once(None)
            .chain(app.projects.data.iter().flatten().map(Some))
            .map(|p| PickOption {
                hay: p
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| "all projects".into()),
                label: p
                    .map(|(_, s)| crate::text::sanitize(s))
                    .unwrap_or_else(|| "all projects".into()),
                detail: p.map(|(id, _)| format!("id {id}")).unwrap_or_default(),
                choice: PickChoice::Project(p.cloned()),
            })
            .collect(),
        PickKind::Environment => std::iter::once(None)
            .chain(app.environments.data.iter().flatten().map(Some))
            .map(|e| PickOption {
                hay: e.cloned().unwrap_or_else(|| "all environments".into()),
                label: e
                    .map(|e| crate::text::sanitize(e))
                    .unwrap_or_else(|| "all environments".into()),
                detail: String::new(),
                choice: PickChoice::Environment(e.cloned()),
            })
            .collect(),
        PickKind::Person => app
            .people
            .data
            .iter()
            .flat_map(|p| p.members.iter())
            .map(|m| PickOption {
                hay: format!("{} {}", m.assignee.label(), m.also),
                label: crate::text::sanitize(&m.assignee.label()),
                detail: crate::text::sanitize(m.assignee.email.as_deref().unwrap_or(&m.also)),
                choice: PickChoice::Change(Change::Assign(Some(m.assignee.clone()))),
            })
            .collect(),
    }
}

/// A key in the picker on top: typing filters, ↑/↓ (or Ctrl-p/n) move, Enter picks.
pub fn on_pick_key(app: &mut App, key: &KeyEvent) -> Picked {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(super::overlay::Overlay::Pick(p)) = app.overlays.last() else {
        return Picked::Nothing;
    };
    let options = pick_options(app, p);
    let selected = p.selected.min(options.len().saturating_sub(1));
    let step: Option<usize> = match key.code {
        KeyCode::Down => Some(selected + 1),
        KeyCode::Char('n') if ctrl => Some(selected + 1),
        KeyCode::Up => Some(selected.saturating_sub(1)),
        KeyCode::Char('p') if ctrl => Some(selected.saturating_sub(1)),
        _ => None,
    };
    if let Some(to) = step {
        if let Some(super::overlay::Overlay::Pick(p)) = app.overlays.last_mut() {
            p.selected = to.min(options.len().saturating_sub(1));
        }
        return Picked::Nothing;
    }
    if key.code == KeyCode::Enter {
        return match options.into_iter().nth(selected) {
            Some(o) => Picked::Chosen(o.choice),
            None => {
                let waiting = match p.kind {
                    PickKind::Release => app.releases.data.is_none(),
                    PickKind::Person => app.people.data.is_none(),
                    PickKind::Profile | PickKind::Palette => false,
                    PickKind::Environment => app.environments.data.is_none(),
                    PickKind::Project => app.projects.data.is_none(),
                };
                let text = if waiting {
                    "Still loading: pick again in a moment."
                } else {
                    "Nothing matches: edit the filter or Esc."
                };
                super::update::notify(app, text, super::state::NoticeKind::Info);
                Picked::Nothing
            }
        };
    }
    let Some(super::overlay::Overlay::Pick(p)) = app.overlays.last_mut() else {
        return Picked::Nothing;
    };
    match p.filter.key(key) {
        Edit::Cancel => Picked::Cancel,
        Edit::Changed => {
            p.selected = 0;
            Picked::Nothing
        }
        Edit::Submit | Edit::Ignored => Picked::Nothing,
    }
}

/// The palette's options: "go to error" when the filter looks like an id, every action that
/// applies here with its key, then every profile.
fn palette(app: &App, f: &str) -> Vec<PickOption> {
    use super::keymap::applies;
    let mut out = Vec::new();
    let t = f.trim();
    if !t.is_empty()
        && !t.contains(char::is_whitespace)
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        out.push(PickOption {
            hay: t.to_string(),
            label: format!("go to error {}", crate::text::sanitize(t)),
            detail: "Enter opens it".into(),
            choice: PickChoice::GoTo(t.to_string()),
        });
    }
    let here = app.contexts();
    let mut seen = Vec::new();
    for b in app.keymap.bindings.iter().filter(|b| applies(b, &here)) {
        if seen.contains(&b.action) || b.action == super::keymap::Action::Palette {
            continue;
        }
        seen.push(b.action);
        out.push(PickOption {
            hay: format!(
                "{} {} {}",
                b.desc,
                b.label,
                b.action.name().replace('_', " ")
            ),
            label: b.desc.to_string(),
            detail: b.label.clone(),
            choice: PickChoice::Action(b.action),
        });
    }
    for (i, c) in app.commands.iter().enumerate() {
        if c.mutating && app.caps.read_only.is_some() {
            continue;
        }
        out.push(PickOption {
            hay: format!("{} {}", c.description, c.key),
            label: crate::text::sanitize(&c.description),
            detail: format!("{} · your command", c.key),
            choice: PickChoice::Command(i),
        });
    }
    for n in &app.profiles {
        out.push(PickOption {
            hay: format!("profile {n}"),
            label: format!("profile {}", crate::text::sanitize(n)),
            detail: if app.profile.as_deref() == Some(n.as_str()) {
                "in use".into()
            } else {
                "switch to it".into()
            },
            choice: PickChoice::Profile(n.clone()),
        });
    }
    out
}
