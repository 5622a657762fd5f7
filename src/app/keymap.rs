//! The one key registry: dispatch, the `?` help and the footer hints all read this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The actions, listed once: the enum and `Action::ALL` come from this list.
macro_rules! actions {
    ($($a:ident),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($a),*
        }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$a),*];
        }
    };
}

actions! {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    NextPane,
    Search,
    CycleFilter,
    CycleSort,
    Resolve,
    Ignore,
    Unresolve,
    Assign,
    Bookmark,
    MarksMenu,
    ToggleMark,
    RangeMark,
    MarkAll,
    ClearMarks,
    Undo,
    Comment,
    Merge,
    CreateIssue,
    OpenIssue,
    AssignedToMe,
    PickProfile,
    NextProfile,
    Palette,
    EditFrame,
    PickEnvironment,
    PickProject,
    Refresh,
    OpenLink,
    CopyLink,
    ToggleLibrary,
    ToggleOrder,
    OpenKeys,
    OpenSettings,
    NewKey,
    DeleteKey,
    RotateKey,
    ToggleActive,
    TestKey,
    CopyDsn,
    SwitchBackend,
    PrevEvent,
    NextEvent,
    OldestEvent,
    LatestEvent,
    RecommendedEvent,
    OpenEvents,
    OpenTags,
    NextSection,
    PrevSection,
    Fold,
    Reveal,
    CrumbData,
    CopyFrame,
    CopyEventId,
    CopySummary,
    Zoom,
    TogglePreview,
    Messages,
    Help,
    Quit,
}

impl Action {
    /// A stable snake_case name, for user keymaps and a command palette.
    pub fn name(self) -> &'static str {
        match self {
            Up => "up",
            Down => "down",
            Top => "top",
            Bottom => "bottom",
            PageUp => "page_up",
            PageDown => "page_down",
            Open => "open",
            Back => "back",
            NextPane => "next_pane",
            Search => "search",
            CycleFilter => "cycle_status_filter",
            CycleSort => "cycle_sort",
            Resolve => "resolve",
            Ignore => "ignore",
            Unresolve => "unresolve",
            Assign => "assign",
            Bookmark => "bookmark",
            MarksMenu => "marks_menu",
            ToggleMark => "toggle_mark",
            RangeMark => "mark_range",
            MarkAll => "mark_all",
            ClearMarks => "clear_marks",
            Undo => "undo",
            Comment => "comment",
            Merge => "merge",
            CreateIssue => "create_gitlab_issue",
            OpenIssue => "open_gitlab_issue",
            AssignedToMe => "filter_assigned_to_me",
            PickProfile => "pick_profile",
            NextProfile => "next_profile",
            Palette => "command_palette",
            EditFrame => "open_frame_in_editor",
            PickEnvironment => "pick_environment",
            PickProject => "pick_project",

            Refresh => "refresh",
            OpenLink => "open_link",
            CopyLink => "copy_link",
            ToggleLibrary => "toggle_library_frames",
            ToggleOrder => "toggle_frame_order",
            OpenKeys => "open_client_keys",
            OpenSettings => "open_settings",
            NewKey => "new_client_key",
            DeleteKey => "delete_client_key",
            RotateKey => "rotate_client_key",
            ToggleActive => "toggle_active",
            TestKey => "test_client_key",
            CopyDsn => "copy_dsn",
            SwitchBackend => "switch_tracking_backend",
            PrevEvent => "previous_event",
            NextEvent => "next_event",
            OldestEvent => "oldest_event",
            LatestEvent => "latest_event",
            RecommendedEvent => "recommended_event",
            OpenEvents => "open_events",
            OpenTags => "open_tags",
            NextSection => "next_section",
            PrevSection => "previous_section",
            Fold => "fold_section",
            Reveal => "reveal_secrets",
            CrumbData => "breadcrumb_data",
            CopyFrame => "copy_frame",
            CopyEventId => "copy_event_id",
            CopySummary => "copy_summary",
            Zoom => "zoom",
            TogglePreview => "toggle_preview",
            Messages => "messages",

            Help => "help",
            Quit => "quit",
        }
    }

    /// What it does.
    pub fn description(self) -> &'static str {
        META.iter()
            .find(|m| m.action == self)
            .map(|m| m.desc)
            .unwrap_or("")
    }

    /// Whether the action changes something on the server (refused in read-only mode).
    pub fn mutates(self) -> bool {
        matches!(
            self,
            Resolve
                | Ignore
                | Unresolve
                | Assign
                | Bookmark
                | MarksMenu
                | Undo
                | Comment
                | Merge
                | CreateIssue
                | NewKey
                | DeleteKey
                | RotateKey
                | ToggleActive
                | TestKey
                | SwitchBackend
        )
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Everywhere,
    List,
    /// Detail and stack trace: an error is open.
    Error,
    Stack,
    Keys,
    Settings,
    /// The opened error's events list.
    Events,
    /// The opened error's tag breakdowns.
    Tags,
}

/// One key press: a key and its modifiers (Shift is read from the character itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// The key a terminal event is.
    pub fn of(ev: &KeyEvent) -> Key {
        // Shifted letters arrive with SHIFT set on some terminals and not on others.
        Key {
            code: ev.code,
            mods: ev.modifiers - KeyModifiers::SHIFT,
        }
    }

    /// How help and hints write it.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Down => "↓".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

/// Keys pressed one after the other: `g g`.
pub type Chord = Vec<Key>;

/// Reads a key as the keymap writes it: `r`, `G`, `Space`, `Enter`, `PageDown`, `F5`, `Ctrl-d`.
pub fn parse_key(s: &str) -> Result<Key, String> {
    let (mods, rest) = if let Some(r) = s.strip_prefix("Ctrl-").or_else(|| s.strip_prefix("ctrl-"))
    {
        (KeyModifiers::CONTROL, r)
    } else if let Some(r) = s.strip_prefix("Alt-").or_else(|| s.strip_prefix("alt-")) {
        (KeyModifiers::ALT, r)
    } else {
        (KeyModifiers::NONE, s)
    };
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest {
            "Space" => KeyCode::Char(' '),
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Backspace" => KeyCode::Backspace,
            "Delete" => KeyCode::Delete,
            f if f.starts_with('F')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                return Err(format!(
                    "`{s}` is not a key: write a character, Space, Enter, Esc, Tab, Up, Down, Left, Right, Home, End, PageUp, PageDown, Backspace, Delete, F1…F12, or Ctrl-x"
                ));
            }
        },
    };
    Ok(Key { code, mods })
}

/// `g g` → two keys.
pub fn parse_chord(s: &str) -> Result<Chord, String> {
    let keys: Vec<Key> = s
        .split_whitespace()
        .map(parse_key)
        .collect::<Result<_, _>>()?;
    if keys.is_empty() {
        return Err("an empty key".into());
    }
    Ok(keys)
}

/// Where an action works, what it does, and its footer word: the part of a binding that is
/// errtui's, not the user's.
pub struct Meta {
    pub action: Action,
    pub ctx: &'static [Ctx],
    pub desc: &'static str,
    /// Short word for the footer; empty when the binding is not hinted there.
    pub hint: &'static str,
}

/// An action with its keys, as the merged keymap has it.
#[derive(Debug, Clone)]
pub struct Binding {
    pub chords: Vec<Chord>,
    /// How the keys are written in help and hints.
    pub label: String,
    pub action: Action,
    pub ctx: &'static [Ctx],
    pub desc: &'static str,
    pub hint: &'static str,
}

use Action::*;
use Ctx::*;

#[rustfmt::skip]
pub const META: &[Meta] = &[
    Meta { action: Down, ctx: &[Everywhere], desc: "down / scroll", hint: "" },
    Meta { action: Up, ctx: &[Everywhere], desc: "up / scroll", hint: "" },
    Meta { action: Top, ctx: &[Everywhere], desc: "top", hint: "" },
    Meta { action: Bottom, ctx: &[Everywhere], desc: "bottom", hint: "" },
    Meta { action: PageDown, ctx: &[Everywhere], desc: "page down", hint: "" },
    Meta { action: PageUp, ctx: &[Everywhere], desc: "page up", hint: "" },
    Meta { action: Open, ctx: &[List, Error, Keys, Events, Tags], desc: "open error / trace / key / event; search a tag value", hint: "open" },
    Meta { action: Back, ctx: &[Error, Keys, Settings, Events, Tags], desc: "back", hint: "back" },
    Meta { action: NextPane, ctx: &[Everywhere], desc: "next pane", hint: "" },
    Meta { action: Search, ctx: &[List, Error], desc: "search the list (server query syntax)", hint: "search" },
    Meta { action: CycleFilter, ctx: &[List], desc: "cycle status filter", hint: "filter" },
    Meta { action: CycleSort, ctx: &[List], desc: "cycle sort order", hint: "sort" },
    Meta { action: TogglePreview, ctx: &[List], desc: "show / hide the preview beside the list", hint: "" },
    Meta { action: PrevEvent, ctx: &[Error], desc: "previous (older) event", hint: "older" },
    Meta { action: NextEvent, ctx: &[Error], desc: "next (newer) event", hint: "newer" },
    Meta { action: OldestEvent, ctx: &[Error], desc: "oldest event", hint: "" },
    Meta { action: LatestEvent, ctx: &[Error], desc: "latest event", hint: "" },
    Meta { action: RecommendedEvent, ctx: &[Error], desc: "recommended event (Sentry)", hint: "" },
    Meta { action: OpenEvents, ctx: &[Error, Tags], desc: "events of this error", hint: "events" },
    Meta { action: OpenTags, ctx: &[Error, Events], desc: "tag breakdowns of this error", hint: "tags" },
    Meta { action: NextSection, ctx: &[Error], desc: "next section of the detail", hint: "" },
    Meta { action: PrevSection, ctx: &[Error], desc: "previous section of the detail", hint: "" },
    Meta { action: Fold, ctx: &[Error], desc: "fold / unfold the section", hint: "" },
    Meta { action: Reveal, ctx: &[Error], desc: "show / mask secrets in the request", hint: "" },
    Meta { action: CrumbData, ctx: &[Error], desc: "show / hide breadcrumb data", hint: "" },
    Meta { action: Resolve, ctx: &[List, Error], desc: "resolve: r r now, r n next release, r e in a release", hint: "resolve" },
    Meta { action: Ignore, ctx: &[List, Error], desc: "archive: i i until escalating, forever, for a while, until N more", hint: "archive" },
    Meta { action: Unresolve, ctx: &[List, Error], desc: "unresolve", hint: "" },
    Meta { action: Assign, ctx: &[List, Error], desc: "assign: a a to me, a p pick, a n nobody", hint: "assign" },
    Meta { action: Bookmark, ctx: &[List, Error], desc: "bookmark / remove the bookmark", hint: "" },
    Meta { action: MarksMenu, ctx: &[List, Error], desc: "mark reviewed, bookmark, set priority", hint: "" },
    Meta { action: ToggleMark, ctx: &[List], desc: "mark / unmark the row and move down", hint: "mark" },
    Meta { action: RangeMark, ctx: &[List], desc: "mark a range: V, move, V", hint: "" },
    Meta { action: MarkAll, ctx: &[List], desc: "mark every loaded row (again: clear)", hint: "" },
    Meta { action: ClearMarks, ctx: &[List], desc: "clear the marks", hint: "" },
    Meta { action: Undo, ctx: &[List, Error], desc: "undo the last change (within a minute)", hint: "" },
    Meta { action: Comment, ctx: &[List, Error], desc: "comment on the error", hint: "" },
    Meta { action: Merge, ctx: &[List], desc: "merge the marked errors (asks first)", hint: "" },
    Meta { action: CreateIssue, ctx: &[List, Error], desc: "create a GitLab issue from the error", hint: "" },
    Meta { action: OpenIssue, ctx: &[Error], desc: "open the linked GitLab issue", hint: "" },
    Meta { action: PickProject, ctx: &[List], desc: "show another project's errors (or every project's) from a picker", hint: "" },
    Meta { action: PickEnvironment, ctx: &[List], desc: "show one environment's errors (or all) from a picker", hint: "" },
    Meta { action: AssignedToMe, ctx: &[List], desc: "show only errors assigned to me (again: all)", hint: "" },
    Meta { action: PickProfile, ctx: &[List, Error], desc: "switch profile (server, project, token) from a picker", hint: "" },
    Meta { action: NextProfile, ctx: &[List, Error], desc: "switch to the next profile", hint: "" },
    Meta { action: Refresh, ctx: &[Everywhere], desc: "refresh", hint: "" },
    Meta { action: OpenLink, ctx: &[List, Error], desc: "open link (shown over SSH)", hint: "" },
    Meta { action: CopyLink, ctx: &[List, Error], desc: "copy link (OSC 52)", hint: "" },
    Meta { action: CopySummary, ctx: &[List, Error], desc: "copy a markdown summary for the incident channel", hint: "" },
    Meta { action: EditFrame, ctx: &[Error], desc: "open the failing frame in $EDITOR (found under source_roots)", hint: "" },
    Meta { action: CopyFrame, ctx: &[Error], desc: "copy the failing frame's path:line", hint: "" },
    Meta { action: CopyEventId, ctx: &[Error, Events], desc: "copy the event id", hint: "" },
    Meta { action: ToggleLibrary, ctx: &[Stack], desc: "fold library frames", hint: "fold" },
    Meta { action: ToggleOrder, ctx: &[Stack], desc: "newest/oldest first", hint: "order" },
    Meta { action: NewKey, ctx: &[Keys], desc: "new key", hint: "new" },
    Meta { action: CopyDsn, ctx: &[Keys], desc: "copy the DSN (OSC 52)", hint: "copy" },
    Meta { action: TestKey, ctx: &[Keys], desc: "send a test event", hint: "test" },
    Meta { action: RotateKey, ctx: &[Keys], desc: "rotate: new, test, delete old", hint: "rotate" },
    Meta { action: ToggleActive, ctx: &[Keys, Settings], desc: "turn key / tracking on/off", hint: "on/off" },
    Meta { action: DeleteKey, ctx: &[Keys], desc: "delete the key (asks first)", hint: "delete" },
    Meta { action: SwitchBackend, ctx: &[Settings], desc: "switch Sentry / integrated", hint: "backend" },
    Meta { action: OpenKeys, ctx: &[List, Settings], desc: "client keys (DSNs)", hint: "keys" },
    Meta { action: OpenSettings, ctx: &[List, Error, Keys], desc: "error-tracking settings", hint: "" },
    Meta { action: Zoom, ctx: &[Everywhere], desc: "zoom the pane to the whole screen and back", hint: "" },
    Meta { action: Messages, ctx: &[Everywhere], desc: "messages of this run, in full", hint: "" },
    Meta { action: Palette, ctx: &[Everywhere], desc: "command palette: every action, profile, and go to an error", hint: "" },
    Meta { action: Help, ctx: &[Everywhere], desc: "help", hint: "help" },
    Meta { action: Quit, ctx: &[Everywhere], desc: "quit", hint: "quit" },
];

pub fn applies(b: &Binding, active: &[Ctx]) -> bool {
    b.ctx.iter().any(|c| *c == Everywhere || active.contains(c))
}

/// What the keys pressed so far mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Action(Action),
    /// The start of a chord: wait for the next key.
    Partial,
    None,
}

/// The default keys, embedded: `assets/keymap.toml`.
const DEFAULT_KEYS: &str = include_str!("../../assets/keymap.toml");

/// The keys a `[keys]` entry gives an action: one, or a list.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    fn items(&self) -> Vec<&str> {
        match self {
            KeyList::One(s) => vec![s.as_str()],
            KeyList::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The keymap in use: errtui's defaults, with the user's `[keys]` over them.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// errtui's own keys.
    pub fn defaults() -> &'static Keymap {
        static MAP: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
        MAP.get_or_init(|| {
            let table: std::collections::BTreeMap<String, KeyList> =
                toml::from_str(DEFAULT_KEYS).unwrap_or_default();
            Keymap::build(&table, &Default::default(), &|_| 0).unwrap_or(Keymap {
                bindings: Vec::new(),
            })
        })
    }

    /// The defaults with `user` (action name → keys) over them. `line` finds an action's line
    /// in the user's file, for messages.
    pub fn build(
        defaults: &std::collections::BTreeMap<String, KeyList>,
        user: &std::collections::BTreeMap<String, KeyList>,
        line: &dyn Fn(&str) -> usize,
    ) -> Result<Keymap, String> {
        for name in user.keys() {
            if Action::from_name(name).is_none() {
                return Err(format!(
                    "line {}: `{name}` is not an action: `errtui` lists them in assets/keymap.toml (e.g. resolve, top, next_event)",
                    line(name)
                ));
            }
        }
        let mut bindings = Vec::new();
        for m in META {
            let name = m.action.name();
            let (list, from_user) = match user.get(name) {
                Some(l) => (l, true),
                None => match defaults.get(name) {
                    Some(l) => (l, false),
                    None => continue,
                },
            };
            let chords = list
                .items()
                .into_iter()
                .map(parse_chord)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    if from_user {
                        format!("line {}: {name}: {e}", line(name))
                    } else {
                        format!("errtui's keymap: {name}: {e}")
                    }
                })?;
            let label = chords
                .iter()
                .map(|c| c.iter().map(Key::label).collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("/");
            bindings.push(Binding {
                chords,
                label,
                action: m.action,
                ctx: m.ctx,
                desc: m.desc,
                hint: m.hint,
            });
        }
        let map = Keymap { bindings };
        map.check(line)?;
        Ok(map)
    }

    /// No key (or chord) means two things in one place, and no key is both a key and the
    /// start of a chord there.
    fn check(&self, line: &dyn Fn(&str) -> usize) -> Result<(), String> {
        for ctx in [List, Error, Stack, Keys, Settings, Events, Tags] {
            let active = if ctx == Stack {
                vec![Error, Stack]
            } else {
                vec![ctx]
            };
            let here: Vec<(&Binding, &Chord)> = self
                .bindings
                .iter()
                .filter(|b| applies(b, &active))
                .flat_map(|b| b.chords.iter().map(move |c| (b, c)))
                .collect();
            for (i, (a, ca)) in here.iter().enumerate() {
                for (b, cb) in here.iter().skip(i + 1) {
                    let clash = ca == cb || ca.starts_with(cb) || cb.starts_with(ca);
                    if clash && a.action != b.action {
                        let name =
                            |c: &Chord| c.iter().map(Key::label).collect::<Vec<_>>().join(" ");
                        return Err(format!(
                            "line {}: `{}` ({}) and `{}` ({}) clash: one key cannot both be a key and start a chord, or mean two things in one place",
                            line(a.action.name()).max(line(b.action.name())),
                            name(ca),
                            a.action.name(),
                            name(cb),
                            b.action.name()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// What `pressed` (the keys so far) means in the given contexts.
    pub fn find(&self, pressed: &[Key], active: &[Ctx]) -> Found {
        let mut partial = false;
        for b in self.bindings.iter().filter(|b| applies(b, active)) {
            for c in &b.chords {
                if c.as_slice() == pressed {
                    return Found::Action(b.action);
                }
                if c.starts_with(pressed) {
                    partial = true;
                }
            }
        }
        if partial { Found::Partial } else { Found::None }
    }

    /// Footer hints for the given contexts: `(action, keys, word)`.
    pub fn hints(&self, active: &[Ctx]) -> Vec<(Action, String, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| !b.hint.is_empty() && applies(b, active))
            .map(|b| (b.action, b.label.clone(), b.hint))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_keymap_builds_with_a_key_for_every_action() {
        let table: std::collections::BTreeMap<String, KeyList> =
            toml::from_str(DEFAULT_KEYS).expect("assets/keymap.toml parses");
        let map = Keymap::build(&table, &Default::default(), &|_| 0).expect("no clash");
        assert_eq!(map.bindings.len(), META.len());
        assert_eq!(Keymap::defaults().bindings.len(), META.len());
        for a in Action::ALL {
            assert!(
                map.bindings
                    .iter()
                    .any(|b| b.action == *a && !b.chords.is_empty()),
                "{} has no key",
                a.name()
            );
        }
    }

    #[test]
    fn user_keys_override_by_action_with_chords_and_errors_name_the_line() {
        let defaults: std::collections::BTreeMap<String, KeyList> =
            toml::from_str(DEFAULT_KEYS).expect("defaults");
        let user: std::collections::BTreeMap<String, KeyList> =
            toml::from_str("top = [\"g g\", \"Home\"]\nresolve = \"R\"\n").expect("user");
        // R was "recommended event" in an opened error: that clash is caught.
        let e = Keymap::build(&defaults, &user, &|n| if n == "resolve" { 7 } else { 3 })
            .expect_err("R clashes");
        assert!(
            e.contains("line 7") && e.contains("recommended_event"),
            "{e}"
        );
        let user: std::collections::BTreeMap<String, KeyList> =
            toml::from_str("top = [\"g g\", \"Home\"]\nresolve = \"Ctrl-x\"\n").expect("user");
        let map = Keymap::build(&defaults, &user, &|_| 1).expect("builds");
        let g = Key::of(&KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE));
        assert_eq!(map.find(&[g], &[List]), Found::Partial);
        assert_eq!(map.find(&[g, g], &[List]), Found::Action(Top));
        let x = parse_key("Ctrl-x").expect("key");
        assert_eq!(map.find(&[x], &[List]), Found::Action(Resolve));
        let r = parse_key("r").expect("key");
        assert_eq!(map.find(&[r], &[List]), Found::None, "r is free now");
        assert!(
            map.bindings
                .iter()
                .any(|b| b.action == Top && b.label == "g g/Home")
        );
        let bad: std::collections::BTreeMap<String, KeyList> =
            toml::from_str("resolv = \"r\"\n").expect("user");
        let e = Keymap::build(&defaults, &bad, &|_| 4).expect_err("unknown action");
        assert!(
            e.contains("line 4") && e.contains("`resolv` is not an action"),
            "{e}"
        );
        let bad: std::collections::BTreeMap<String, KeyList> =
            toml::from_str("resolve = \"Hyper-r\"\n").expect("user");
        let e = Keymap::build(&defaults, &bad, &|_| 5).expect_err("bad key");
        assert!(e.contains("line 5") && e.contains("is not a key"), "{e}");
    }

    #[test]
    fn every_action_has_a_unique_snake_case_name_and_a_binding() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            let n = a.name();
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
            assert!(seen.insert(n), "{n} twice");
            assert_eq!(Action::from_name(n), Some(*a));
            assert!(!a.description().is_empty(), "{n} has no binding");
        }
    }

    /// The action a single key triggers with errtui's default keys.
    fn lookup(ev: &KeyEvent, active: &[Ctx]) -> Option<Action> {
        match Keymap::defaults().find(&[Key::of(ev)], active) {
            Found::Action(a) => Some(a),
            _ => None,
        }
    }

    #[test]
    fn lookup_respects_context() {
        let slash = KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE);
        assert_eq!(lookup(&slash, &[List]), Some(Search));
        assert_eq!(lookup(&slash, &[Error]), Some(Search));
        assert_eq!(lookup(&slash, &[Keys]), None);
        let big_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&big_g, &[List]), Some(Bottom));
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_r, &[List]), Some(Refresh));
    }
}
