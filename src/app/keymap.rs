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

    /// What it does, from the first binding that names it.
    pub fn description(self) -> &'static str {
        BINDINGS
            .iter()
            .find(|b| b.action == self)
            .map(|b| b.desc)
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

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}
const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub action: Action,
    pub ctx: &'static [Ctx],
    pub desc: &'static str,
    /// Short word for the footer; empty when the binding is not hinted there.
    pub hint: &'static str,
}

use Action::*;
use Ctx::*;

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    Binding { keys: &[k('j'), code(KeyCode::Down)], label: "j/↓", action: Down, ctx: &[Everywhere], desc: "down / scroll", hint: "" },
    Binding { keys: &[k('k'), code(KeyCode::Up)], label: "k/↑", action: Up, ctx: &[Everywhere], desc: "up / scroll", hint: "" },
    Binding { keys: &[k('g'), code(KeyCode::Home)], label: "g/Home", action: Top, ctx: &[Everywhere], desc: "top", hint: "" },
    Binding { keys: &[k('G'), code(KeyCode::End)], label: "G/End", action: Bottom, ctx: &[Everywhere], desc: "bottom", hint: "" },
    Binding { keys: &[code(KeyCode::PageDown), ctrl('d')], label: "PgDn/Ctrl-d", action: PageDown, ctx: &[Everywhere], desc: "page down", hint: "" },
    Binding { keys: &[code(KeyCode::PageUp), ctrl('u')], label: "PgUp/Ctrl-u", action: PageUp, ctx: &[Everywhere], desc: "page up", hint: "" },
    Binding { keys: &[code(KeyCode::Enter), k('l')], label: "Enter/l", action: Open, ctx: &[List, Error, Keys, Events, Tags], desc: "open error / trace / key / event; search a tag value", hint: "open" },
    Binding { keys: &[code(KeyCode::Esc), k('h'), code(KeyCode::Left)], label: "Esc/h/←", action: Back, ctx: &[Error, Keys, Settings, Events, Tags], desc: "back", hint: "back" },
    Binding { keys: &[code(KeyCode::Tab)], label: "Tab", action: NextPane, ctx: &[Everywhere], desc: "next pane", hint: "" },
    Binding { keys: &[k('/')], label: "/", action: Search, ctx: &[List, Error], desc: "search the list (server query syntax)", hint: "search" },
    Binding { keys: &[k('f')], label: "f", action: CycleFilter, ctx: &[List], desc: "cycle status filter", hint: "filter" },
    Binding { keys: &[k('s')], label: "s", action: CycleSort, ctx: &[List], desc: "cycle sort order", hint: "sort" },
    Binding { keys: &[k('p')], label: "p", action: TogglePreview, ctx: &[List], desc: "show / hide the preview beside the list", hint: "" },
    Binding { keys: &[k('[')], label: "[", action: PrevEvent, ctx: &[Error], desc: "previous (older) event", hint: "older" },
    Binding { keys: &[k(']')], label: "]", action: NextEvent, ctx: &[Error], desc: "next (newer) event", hint: "newer" },
    Binding { keys: &[k('{')], label: "{", action: OldestEvent, ctx: &[Error], desc: "oldest event", hint: "" },
    Binding { keys: &[k('}')], label: "}", action: LatestEvent, ctx: &[Error], desc: "latest event", hint: "" },
    Binding { keys: &[k('R')], label: "R", action: RecommendedEvent, ctx: &[Error], desc: "recommended event (Sentry)", hint: "" },
    Binding { keys: &[k('E')], label: "E", action: OpenEvents, ctx: &[Error, Tags], desc: "events of this error", hint: "events" },
    Binding { keys: &[k('T')], label: "T", action: OpenTags, ctx: &[Error, Events], desc: "tag breakdowns of this error", hint: "tags" },
    Binding { keys: &[k('J')], label: "J", action: NextSection, ctx: &[Error], desc: "next section of the detail", hint: "" },
    Binding { keys: &[k('K')], label: "K", action: PrevSection, ctx: &[Error], desc: "previous section of the detail", hint: "" },
    Binding { keys: &[k(' ')], label: "Space", action: Fold, ctx: &[Error], desc: "fold / unfold the section", hint: "" },
    Binding { keys: &[k('x')], label: "x", action: Reveal, ctx: &[Error], desc: "show / mask secrets in the request", hint: "" },
    Binding { keys: &[k('D')], label: "D", action: CrumbData, ctx: &[Error], desc: "show / hide breadcrumb data", hint: "" },
    Binding { keys: &[k('r')], label: "r", action: Resolve, ctx: &[List, Error], desc: "resolve: r r now, r n next release, r e in a release", hint: "resolve" },
    Binding { keys: &[k('i')], label: "i", action: Ignore, ctx: &[List, Error], desc: "archive: i i until escalating, forever, for a while, until N more", hint: "archive" },
    Binding { keys: &[k('u')], label: "u", action: Unresolve, ctx: &[List, Error], desc: "unresolve", hint: "" },
    Binding { keys: &[k('a')], label: "a", action: Assign, ctx: &[List, Error], desc: "assign: a a to me, a p pick, a n nobody", hint: "assign" },
    Binding { keys: &[k('b')], label: "b", action: Bookmark, ctx: &[List, Error], desc: "bookmark / remove the bookmark", hint: "" },
    Binding { keys: &[k('m')], label: "m", action: MarksMenu, ctx: &[List, Error], desc: "mark reviewed, bookmark, set priority", hint: "" },
    Binding { keys: &[k(' ')], label: "Space", action: ToggleMark, ctx: &[List], desc: "mark / unmark the row and move down", hint: "mark" },
    Binding { keys: &[k('V')], label: "V", action: RangeMark, ctx: &[List], desc: "mark a range: V, move, V", hint: "" },
    Binding { keys: &[k('*')], label: "*", action: MarkAll, ctx: &[List], desc: "mark every loaded row (again: clear)", hint: "" },
    Binding { keys: &[code(KeyCode::Esc)], label: "Esc", action: ClearMarks, ctx: &[List], desc: "clear the marks", hint: "" },
    Binding { keys: &[k('U')], label: "U", action: Undo, ctx: &[List, Error], desc: "undo the last change (within a minute)", hint: "" },
    Binding { keys: &[k('c')], label: "c", action: Comment, ctx: &[List, Error], desc: "comment on the error", hint: "" },
    Binding { keys: &[k('=')], label: "=", action: Merge, ctx: &[List], desc: "merge the marked errors (asks first)", hint: "" },
    Binding { keys: &[k('N')], label: "N", action: CreateIssue, ctx: &[List, Error], desc: "create a GitLab issue from the error", hint: "" },
    Binding { keys: &[k('L')], label: "L", action: OpenIssue, ctx: &[Error], desc: "open the linked GitLab issue", hint: "" },
    Binding { keys: &[k('e')], label: "e", action: PickEnvironment, ctx: &[List], desc: "show one environment's errors (or all) from a picker", hint: "" },
    Binding { keys: &[k('A')], label: "A", action: AssignedToMe, ctx: &[List], desc: "show only errors assigned to me (again: all)", hint: "" },
    Binding { keys: &[k('C')], label: "C", action: PickProfile, ctx: &[List, Error], desc: "switch profile (server, project, token) from a picker", hint: "" },
    Binding { keys: &[k('>')], label: ">", action: NextProfile, ctx: &[List, Error], desc: "switch to the next profile", hint: "" },
    Binding { keys: &[ctrl('r'), code(KeyCode::F(5))], label: "Ctrl-r/F5", action: Refresh, ctx: &[Everywhere], desc: "refresh", hint: "" },
    Binding { keys: &[k('o')], label: "o", action: OpenLink, ctx: &[List, Error], desc: "open link (shown over SSH)", hint: "" },
    Binding { keys: &[k('y')], label: "y", action: CopyLink, ctx: &[List, Error], desc: "copy link (OSC 52)", hint: "" },
    Binding { keys: &[k('Y')], label: "Y", action: CopySummary, ctx: &[List, Error], desc: "copy a markdown summary for the incident channel", hint: "" },
    Binding { keys: &[k('e')], label: "e", action: EditFrame, ctx: &[Error], desc: "open the failing frame in $EDITOR (found under source_roots)", hint: "" },
    Binding { keys: &[k('P')], label: "P", action: CopyFrame, ctx: &[Error], desc: "copy the failing frame's path:line", hint: "" },
    Binding { keys: &[k('I')], label: "I", action: CopyEventId, ctx: &[Error, Events], desc: "copy the event id", hint: "" },
    Binding { keys: &[k('z')], label: "z", action: ToggleLibrary, ctx: &[Stack], desc: "fold library frames", hint: "fold" },
    Binding { keys: &[k('v')], label: "v", action: ToggleOrder, ctx: &[Stack], desc: "newest/oldest first", hint: "order" },
    Binding { keys: &[k('n')], label: "n", action: NewKey, ctx: &[Keys], desc: "new key", hint: "new" },
    Binding { keys: &[k('y')], label: "y", action: CopyDsn, ctx: &[Keys], desc: "copy the DSN (OSC 52)", hint: "copy" },
    Binding { keys: &[k('t')], label: "t", action: TestKey, ctx: &[Keys], desc: "send a test event", hint: "test" },
    Binding { keys: &[k('R')], label: "R", action: RotateKey, ctx: &[Keys], desc: "rotate: new, test, delete old", hint: "rotate" },
    Binding { keys: &[k('a')], label: "a", action: ToggleActive, ctx: &[Keys, Settings], desc: "turn key / tracking on/off", hint: "on/off" },
    Binding { keys: &[k('d')], label: "d", action: DeleteKey, ctx: &[Keys], desc: "delete the key (asks first)", hint: "delete" },
    Binding { keys: &[k('b')], label: "b", action: SwitchBackend, ctx: &[Settings], desc: "switch Sentry / integrated", hint: "backend" },
    Binding { keys: &[k('K')], label: "K", action: OpenKeys, ctx: &[List, Settings], desc: "client keys (DSNs)", hint: "keys" },
    Binding { keys: &[k('S')], label: "S", action: OpenSettings, ctx: &[List, Error, Keys], desc: "error-tracking settings", hint: "" },
    Binding { keys: &[k('Z')], label: "Z", action: Zoom, ctx: &[Everywhere], desc: "zoom the pane to the whole screen and back", hint: "" },
    Binding { keys: &[k('M')], label: "M", action: Messages, ctx: &[Everywhere], desc: "messages of this run, in full", hint: "" },
    Binding { keys: &[k(':'), ctrl('p')], label: ":/Ctrl-p", action: Palette, ctx: &[Everywhere], desc: "command palette: every action, profile, and go to an error", hint: "" },
    Binding { keys: &[k('?')], label: "?", action: Help, ctx: &[Everywhere], desc: "help", hint: "help" },
    Binding { keys: &[k('q'), ctrl('c')], label: "q/Ctrl-c", action: Quit, ctx: &[Everywhere], desc: "quit", hint: "quit" },
];

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    if key.code != ev.code {
        return false;
    }
    // Shifted letters arrive with SHIFT set on some terminals and not on others.
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    key.mods == mods
}

pub fn applies(b: &Binding, active: &[Ctx]) -> bool {
    b.ctx.iter().any(|c| *c == Everywhere || active.contains(c))
}

/// The action a key triggers in the given contexts.
pub fn lookup(ev: &KeyEvent, active: &[Ctx]) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| applies(b, active) && b.keys.iter().any(|k| matches(k, ev)))
        .map(|b| b.action)
}

/// Footer hints for the given contexts: `(keys, word)`.
pub fn hints(active: &[Ctx]) -> Vec<(Action, &'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.hint.is_empty() && applies(b, active))
        .map(|b| (b.action, b.label, b.hint))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for ctx in [List, Error, Stack, Keys, Settings, Events, Tags] {
            let active = if ctx == Stack {
                vec![Error, Stack]
            } else {
                vec![ctx]
            };
            let mut seen = Vec::new();
            for b in BINDINGS.iter().filter(|b| applies(b, &active)) {
                for key in b.keys {
                    let id = (format!("{:?}", key.code), key.mods);
                    assert!(!seen.contains(&id), "{id:?} bound twice in {ctx:?}");
                    seen.push(id);
                }
            }
        }
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
