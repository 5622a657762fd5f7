use std::collections::{HashMap, VecDeque};

use super::keymap::Ctx;
use super::msg::{ReqId, Section};
pub use super::overlay::{Confirm, Confirmed, LineEditor, Overlay, PromptFor};
pub use super::resource::{Failure, FailureKind, Load, Resource, Tracker, Warming};
pub use super::rotation::{Rotation, RotationStage};
use crate::model::{
    Assignee, Capabilities, Change, ClientKey, ErrorDetail, ErrorSummary, Event, EventRef,
    EventSummary, ListQuery, Member, Release, Status, TagBreakdown, Timestamp, TrackingSettings,
    Triage,
};

#[derive(Debug, Clone, Default)]
pub struct ListPane {
    pub items: Vec<ErrorSummary>,
    pub next: Option<String>,
    /// How many errors match in all, when the server says (`X-Hits`).
    pub total: Option<u64>,
    /// The cursor of the page being fetched, so a server that repeats it cannot loop.
    pub asked: Option<String>,
    pub track: Tracker,
    pub selected: usize,
    /// Has the list ever loaded? "Empty" and "not loaded yet" are different screens.
    pub loaded_once: bool,
    /// A new search, filter or sort is loading: the rows on screen are the old query's.
    pub searching: bool,
    /// The last refresh that moved the selected error to another row: its number, and by how
    /// many rows (the drawing moves the window as much, so the row stays where the eye is).
    pub shifted: (u64, isize),
    /// Did the last answer change the rows? (A refresh that brings nothing new rewrites
    /// nothing.)
    pub changed: bool,
}

impl ListPane {
    pub fn load(&self) -> &Load {
        &self.track.load
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    List,
    Detail,
    Stack,
    /// The project's client keys (DSNs).
    Keys,
    /// The project's error-tracking settings (GitLab).
    Settings,
    /// The opened error's events.
    Events,
    /// The opened error's tag breakdowns.
    Tags,
}

/// A list of things of one error (its events, its tags), with a selection.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    /// The error they belong to.
    pub key: Option<String>,
    pub items: Vec<T>,
    pub next: Option<String>,
    pub total: Option<u64>,
    pub track: Tracker,
    pub selected: usize,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            key: None,
            items: Vec::new(),
            next: None,
            total: None,
            track: Tracker::default(),
            selected: 0,
        }
    }
}

impl<T> Rows<T> {
    pub fn is(&self, key: &str) -> bool {
        self.key.as_deref() == Some(key)
    }
}

/// One selectable value in the tags pane: (tag index, value index).
pub fn tag_rows(tags: &[TagBreakdown]) -> Vec<(usize, usize)> {
    tags.iter()
        .enumerate()
        .flat_map(|(t, tag)| (0..tag.top.len()).map(move |v| (t, v)))
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct KeysPane {
    pub items: Vec<ClientKey>,
    pub track: Tracker,
    pub selected: usize,
    /// Enter shows the selected key in full.
    pub expanded: bool,
}

impl KeysPane {
    pub fn selected(&self) -> Option<&ClientKey> {
        self.items.get(self.selected)
    }
    pub fn active_count(&self) -> usize {
        self.items.iter().filter(|k| k.may_be_active()).count()
    }
}

#[derive(Debug, Clone, Default)]
pub struct SettingsPane {
    pub data: Option<TrackingSettings>,
    pub track: Tracker,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackOptions {
    pub newest_first: bool,
    pub show_library: bool,
}

impl Default for StackOptions {
    fn default() -> Self {
        StackOptions {
            newest_first: true,
            show_library: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub kind: NoticeKind,
    pub at: Timestamp,
}

/// A triage change sent but not yet answered, with what to restore if the server refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The latest change asked for; earlier ones still in the queue answer first.
    pub req: ReqId,
    pub change: Change,
    /// What the server last confirmed: restored if the latest change is refused.
    pub status: Status,
    pub triage: Triage,
}

/// What `U` can take back: the inverse changes, grouped, of the last action.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub at: Timestamp,
    pub what: String,
    pub groups: Vec<(Change, Vec<String>)>,
}

/// The assign picker's people, and releases for "resolve in".
#[derive(Debug, Clone, Default)]
pub struct People {
    pub me: Option<Assignee>,
    pub members: Vec<Member>,
}

/// Small bounded cache so moving back and forth over the list does not refetch.
#[derive(Debug, Clone)]
pub struct Cache<T> {
    map: HashMap<String, T>,
    order: VecDeque<String>,
    cap: usize,
}

impl<T: Clone> Cache<T> {
    pub fn new(cap: usize) -> Self {
        Cache {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap,
        }
    }
    pub fn get(&self, id: &str) -> Option<&T> {
        self.map.get(id)
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.map.get_mut(id)
    }
    pub fn put(&mut self, id: String, v: T) {
        if self.map.insert(id.clone(), v).is_none() {
            self.order.push_back(id);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }
    pub fn remove(&mut self, id: &str) {
        if self.map.remove(id).is_some() {
            self.order.retain(|k| k != id);
        }
    }
}

pub struct App {
    pub caps: Capabilities,
    /// "Sentry · demo/demo at 127.0.0.1:4242"
    pub source: String,
    pub now: Timestamp,
    pub width: u16,
    pub height: u16,
    pub query: ListQuery,
    pub list: ListPane,
    pub detail: Resource<ErrorDetail>,
    pub event: Resource<Event>,
    /// The wide layout's detail follows the selection after a pause: the pending request.
    pub follow: Option<ReqId>,
    /// The selection moved less than the follow pause ago: the next move waits for the pause
    /// instead of fetching at once.
    pub follow_cooling: bool,
    pub details: Cache<ErrorDetail>,
    pub events: Cache<Event>,
    pub view: View,
    /// Where Esc goes back to from the keys and settings panes.
    pub view_before: View,
    /// Where Esc goes back to from the events and tags panes (detail or stack).
    pub inspect_from: View,
    /// Scroll of the help and message overlays, in lines.
    pub overlay_scroll: u16,
    pub keys: KeysPane,
    pub settings: SettingsPane,
    /// Help, link, search line, confirmations and prompts; the top one gets keys first.
    pub overlays: Vec<Overlay>,
    /// Questions that arrived while an overlay was open: asked one at a time, in order.
    pub questions: VecDeque<Overlay>,
    pub rotation: Option<Rotation>,
    pub stack: StackOptions,
    /// Scroll offsets of the detail and stack panes, in lines.
    pub detail_scroll: u16,
    pub stack_scroll: u16,
    /// Largest useful scroll offsets, as the drawing last found them (`Msg::Layout`).
    pub detail_max: u16,
    pub stack_max: u16,
    pub notice: Option<Notice>,
    /// Every notice of this run, oldest first (`M` shows them).
    pub log: VecDeque<Notice>,
    /// Which event of the opened error is asked for.
    pub event_ref: EventRef,
    /// The cache key of the event on screen, and of the one on its way.
    pub event_shown: Option<String>,
    pub event_asked: Option<String>,
    /// Where the shown event sits among the error's events, newest = 1, when known.
    pub event_pos: Option<u64>,
    pub event_list: Rows<EventSummary>,
    pub tags: Rows<TagBreakdown>,
    /// Folded sections of the detail pane.
    pub folded: std::collections::HashSet<Section>,
    /// The section the detail pane's cursor is on (J/K move it, Space folds it).
    pub section: Option<Section>,
    /// Where the sections start, as the drawing last found them.
    pub section_lines: Vec<(Section, u16)>,
    /// Show masked request values (Authorization, Cookie…).
    pub reveal: bool,
    /// Show each breadcrumb's data.
    pub crumb_data: bool,
    /// The focused pane fills the screen.
    pub zoom: bool,
    /// The wide layout shows the detail beside the list.
    pub preview: bool,
    /// Absolute times in UTC rather than the local zone.
    pub utc: bool,
    /// Nothing goes to the server before this (it answered 429).
    pub rate_limited_until: Option<Timestamp>,
    /// Why data is not available, when the backend could find out.
    pub diagnosis: Option<String>,
    pub pending: HashMap<String, Pending>,
    /// Marked rows of the list, by error id: actions apply to them.
    pub marks: std::collections::BTreeSet<String>,
    /// Where a `V` range started.
    pub mark_anchor: Option<usize>,
    pub people: Resource<People>,
    pub releases: Resource<Vec<Release>>,
    pub environments: Resource<Vec<String>>,
    /// Seconds between refreshes of the list; `None`: off.
    pub refresh_every: Option<u64>,
    /// The profile's interval, which a view's own `refresh` replaces while it is on screen.
    pub refresh_base: Option<u64>,
    pub last_refresh: Option<Timestamp>,
    pub next_refresh: Option<Timestamp>,
    pub refresh_failures: u32,
    /// Every error id the list has shown in this run.
    pub seen: std::collections::HashSet<String>,
    /// What earlier runs saw is still being read from the database: a list that answers
    /// before it waits with its marks (`marks_deferred`) rather than call everything new.
    pub seen_pending: bool,
    pub marks_deferred: bool,
    /// The rows on screen came from the cache, kept at this time (until fresh ones come).
    pub cached_at: Option<Timestamp>,
    /// Ring or notify when a new or regressed error arrives.
    pub alert: super::watching::Alert,
    /// An alert to send with the next effects.
    pub pending_alert: Option<String>,
    /// Rows marked new, regressed, escalating or spiking, until opened.
    pub marks_seen: HashMap<String, super::watching::Mark>,
    /// A view waiting for the projects list to find its project's id.
    pub view_after_projects: Option<usize>,
    /// The project the picker chose, by name, for the header.
    pub project_name: Option<String>,
    /// The organization's projects: (id, slug).
    pub projects: Resource<Vec<(String, String)>>,
    /// The last action, for `U` within a minute.
    pub undo: Option<Undo>,
    /// "Assign to me" chosen before errtui knew who "me" is: the errors, once it does.
    pub assign_me_after: Option<Vec<String>>,
    /// Digits typed before a key in the list: how many times to repeat it.
    pub count: Option<usize>,
    /// A resolve or archive chosen "with a reason" (`w`): once sent, ask why.
    pub reason_for: Option<Vec<String>>,
    /// Searches made, oldest first (kept between runs by the runtime).
    pub history: Vec<String>,
    /// Where ↑/↓ are in the history while the search line is open.
    pub history_pos: Option<usize>,
    /// The keys in use: errtui's defaults with the config's `[keys]` over them.
    pub keymap: std::sync::Arc<super::keymap::Keymap>,
    /// The keys of a chord pressed so far (`g` of `g g`).
    pub chord: Vec<super::keymap::Key>,
    /// Custom commands from the config file.
    pub commands: Vec<super::commands::CustomCommand>,
    /// The config file's views: `1`…`9` switch to them.
    pub views: Vec<crate::model::SavedView>,
    /// The config file's profiles, and the one in use.
    pub profiles: Vec<String>,
    pub profile: Option<String>,
    pub next_req: ReqId,
    pub spinner: usize,
    /// Whether `o` may start a local browser; false over SSH or without a display.
    pub local_browser: bool,
    pub quit: bool,
    /// Set by `update` when the screen needs drawing.
    pub dirty: bool,
}

pub const WIDE: u16 = 120;
pub const PAGE_SIZE: usize = 100;
/// Fetch the next page when the selection comes this close to the end.
pub const PREFETCH_MARGIN: usize = 20;

impl App {
    pub fn new(caps: Capabilities, source: String, now: Timestamp) -> App {
        App {
            caps,
            source,
            now,
            width: 80,
            height: 24,
            query: ListQuery::default(),
            list: ListPane::default(),
            detail: Resource::default(),
            event: Resource::default(),
            follow: None,
            follow_cooling: false,
            details: Cache::new(64),
            events: Cache::new(32),
            view: View::List,
            view_before: View::List,
            inspect_from: View::Detail,
            overlay_scroll: 0,
            keys: KeysPane::default(),
            settings: SettingsPane::default(),
            overlays: Vec::new(),
            questions: VecDeque::new(),
            rotation: None,
            stack: StackOptions::default(),
            detail_scroll: 0,
            stack_scroll: 0,
            detail_max: u16::MAX,
            stack_max: u16::MAX,
            notice: None,
            log: VecDeque::new(),
            event_ref: EventRef::Latest,
            event_shown: None,
            event_asked: None,
            event_pos: None,
            event_list: Rows::default(),
            tags: Rows::default(),
            folded: std::collections::HashSet::new(),
            section: None,
            section_lines: Vec::new(),
            reveal: false,
            crumb_data: false,
            zoom: false,
            preview: true,
            utc: false,
            rate_limited_until: None,
            diagnosis: None,
            pending: HashMap::new(),
            marks: Default::default(),
            mark_anchor: None,
            people: Resource::default(),
            releases: Resource::default(),
            environments: Resource::default(),
            projects: Resource::default(),
            project_name: None,
            view_after_projects: None,
            refresh_every: None,
            refresh_base: None,
            last_refresh: None,
            next_refresh: None,
            refresh_failures: 0,
            seen: Default::default(),
            seen_pending: false,
            marks_deferred: false,
            marks_seen: HashMap::new(),
            alert: Default::default(),
            cached_at: None,
            pending_alert: None,
            undo: None,
            assign_me_after: None,
            count: None,
            reason_for: None,
            history: Vec::new(),
            history_pos: None,
            keymap: std::sync::Arc::new(super::keymap::Keymap::defaults().clone()),
            chord: Vec::new(),
            commands: Vec::new(),
            views: Vec::new(),
            profiles: Vec::new(),
            profile: None,
            next_req: 1,
            spinner: 0,
            local_browser: false,
            quit: false,
            dirty: true,
        }
    }

    pub fn wide(&self) -> bool {
        self.width >= WIDE
    }

    /// The list and the detail side by side.
    pub fn split(&self) -> bool {
        self.wide() && self.preview && !self.zoom
    }

    /// How many events the opened error has, when known.
    pub fn event_total(&self) -> Option<u64> {
        self.target().map(|t| t.count).filter(|c| *c > 0)
    }

    pub fn selected(&self) -> Option<&ErrorSummary> {
        self.list.items.get(self.list.selected)
    }

    /// The error the keys act on: the opened one in detail/stack, else the selected row.
    pub fn target(&self) -> Option<&ErrorSummary> {
        match self.view {
            View::List => self.selected(),
            _ => self
                .detail
                .key
                .as_deref()
                .and_then(|id| self.list.items.iter().find(|e| e.id == id))
                .or(self.detail.data.as_ref().map(|d| &d.summary))
                .or(self.selected()),
        }
    }

    /// The server did not answer the list's last request (connection refused, timed out).
    pub fn offline(&self) -> bool {
        self.list
            .track
            .stale()
            .is_some_and(|f| matches!(f.kind, FailureKind::Offline | FailureKind::Timeout))
    }

    /// The view whose list is on screen, if the list is one.
    pub fn current_view(&self) -> Option<&crate::model::SavedView> {
        self.views.iter().find(|v| {
            v.query.text == self.query.text
                && v.query.status == self.query.status
                && v.query.sort == self.query.sort
                && v.query.project.is_some() == self.query.project.is_some()
        })
    }

    pub fn contexts(&self) -> Vec<Ctx> {
        match self.view {
            View::List => vec![Ctx::List],
            View::Detail => vec![Ctx::Error],
            View::Stack => vec![Ctx::Error, Ctx::Stack],
            View::Keys => vec![Ctx::Keys],
            View::Settings => vec![Ctx::Settings],
            View::Events => vec![Ctx::Events],
            View::Tags => vec![Ctx::Tags],
        }
    }

    /// Whether the server can do what `action` asks here; hints leave out what it cannot
    /// (the key itself still explains why).
    pub fn offers(&self, action: super::keymap::Action) -> bool {
        use super::keymap::Action;
        match action {
            Action::ToggleActive if self.view == View::Keys => self.caps.key_toggle.is_none(),
            Action::Resolve | Action::Ignore | Action::Unresolve => self.caps.set_status.is_none(),
            _ => true,
        }
    }

    pub fn loading(&self) -> bool {
        self.list.load().is_loading()
            || self.keys.track.load.is_loading()
            || self.settings.track.load.is_loading()
            || self.rotation.as_ref().is_some_and(Rotation::busy)
            // A prefetch behind the list is not something to wait for.
            || ((matches!(self.view, View::Detail | View::Stack)
                || (self.view == View::List && self.split()))
                && (self.detail.load().is_loading() || self.event.load().is_loading()))
            || (self.view == View::Events && self.event_list.track.load.is_loading())
            || (self.view == View::Tags && self.tags.track.load.is_loading())
            || !self.pending.is_empty()
    }

    /// The overlay on top, which gets keys first.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    pub fn help_open(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Help))
    }

    /// Seconds until the server takes requests again, after a 429.
    pub fn rate_limit_left(&self) -> Option<i64> {
        self.rate_limited_until
            .map(|u| ((u - self.now).num_milliseconds() + 999).div_euclid(1000))
            .filter(|s| *s > 0)
    }

    /// Rows the list pane shows, from the terminal height (borders, header, footer).
    pub fn list_rows(&self) -> usize {
        (self.height as usize).saturating_sub(6).max(1)
    }

    pub(crate) fn req(&mut self) -> ReqId {
        let r = self.next_req;
        self.next_req += 1;
        r
    }
}
