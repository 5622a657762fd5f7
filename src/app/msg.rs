use crossterm::event::KeyEvent;

use crate::backend::BackendError;
use crate::model::{
    Activity, Applied, Assignee, Capabilities, Change, ClientKey, CreatedIssue, ErrorDetail,
    ErrorSummary, Event, EventRef, EventSummary, ListQuery, Member, Merged, Page, Release,
    TagBreakdown, Timestamp, TrackingSettings,
};

/// The foldable sections of the detail pane, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Trend,
    Activity,
    Event,
    Breadcrumbs,
    Request,
    User,
    Contexts,
    Tags,
    Sdk,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Trend => "Trend",
            Section::Activity => "Activity",
            Section::Event => "Event",
            Section::Breadcrumbs => "Breadcrumbs",
            Section::Request => "Request",
            Section::User => "User",
            Section::Contexts => "Contexts",
            Section::Tags => "Tags",
            Section::Sdk => "SDK",
        }
    }
}

/// Request ids: each result carries the id of the request it answers, so stale answers drop.
pub type ReqId = u64;

/// A pane on screen, for the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
    Stack,
}

/// A latest-wins job slot: a new fetch for a slot aborts the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    List,
    Detail,
    Event,
    /// An error's events list.
    Events,
    /// An error's tag breakdowns.
    Tags,
    Keys,
    Settings,
    People,
    Releases,
    Environments,
    Projects,
}

/// What to fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetch {
    List {
        query: ListQuery,
        cursor: Option<String>,
        append: bool,
    },
    Detail {
        id: String,
    },
    Event {
        id: String,
        which: EventRef,
    },
    Events {
        id: String,
        cursor: Option<String>,
    },
    Tags {
        id: String,
    },
    Keys,
    Settings,
    /// Who the token is, and the members and teams errors can be assigned to.
    People,
    /// Recent releases, for "resolve in".
    Releases,
    /// Environments, for the list's filter.
    Environments,
    /// The organization's projects, for the list's project picker.
    Projects,
}

impl Fetch {
    pub fn slot(&self) -> Slot {
        match self {
            Fetch::List { .. } => Slot::List,
            Fetch::Detail { .. } => Slot::Detail,
            Fetch::Event { .. } => Slot::Event,
            Fetch::Events { .. } => Slot::Events,
            Fetch::Tags { .. } => Slot::Tags,
            Fetch::Keys => Slot::Keys,
            Fetch::Settings => Slot::Settings,
            Fetch::People => Slot::People,
            Fetch::Releases => Slot::Releases,
            Fetch::Environments => Slot::Environments,
            Fetch::Projects => Slot::Projects,
        }
    }
}

/// What a fetch brought back.
#[derive(Debug, Clone)]
pub enum Data {
    Page(Page<ErrorSummary>),
    Detail(Box<ErrorDetail>),
    Event(Box<Event>),
    Events(Page<EventSummary>),
    Tags(Vec<TagBreakdown>),
    Keys(Vec<ClientKey>),
    Settings(TrackingSettings),
    People {
        me: Option<Assignee>,
        members: Vec<Member>,
    },
    Releases(Vec<Release>),
    Environments(Vec<String>),
    Projects(Vec<(String, String)>),
}

/// Timers: each kind is latest-wins, so a newer one replaces the one before.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The detail that follows the selection in the wide layout, debounced.
    FollowDetail { req: ReqId },
    /// Ask again while GitLab warms its cache.
    AskAgain { slot: Slot, req: ReqId },
}

impl Timer {
    /// Timers with the same key replace each other.
    pub fn key(&self) -> String {
        match self {
            Timer::FollowDetail { .. } => "follow".into(),
            Timer::AskAgain { slot, .. } => format!("again:{slot:?}"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    Resize(u16, u16),
    /// A timer tick carrying the wall clock, so `update` never reads the clock itself.
    Tick(Timestamp),
    /// What the drawing found: how far the detail and stack panes can scroll.
    Layout {
        detail_max: u16,
        stack_max: u16,
        /// Where each section of the detail pane starts, in lines.
        sections: Vec<(Section, u16)>,
    },
    /// Any fetch's answer.
    Loaded {
        req: ReqId,
        fetch: Fetch,
        result: Result<Data, BackendError>,
    },
    Timer(Timer),
    /// A triage change's answer, for every error it was sent for.
    Updated {
        req: ReqId,
        ids: Vec<String>,
        change: Change,
        result: Result<Applied, BackendError>,
    },
    Merged {
        req: ReqId,
        ids: Vec<String>,
        result: Result<Merged, BackendError>,
    },
    Commented {
        req: ReqId,
        id: String,
        result: Result<Activity, BackendError>,
    },
    IssueCreated {
        req: ReqId,
        id: String,
        result: Result<CreatedIssue, BackendError>,
    },
    KeyCreated {
        req: ReqId,
        result: Result<ClientKey, BackendError>,
    },
    KeyDeleted {
        req: ReqId,
        id: String,
        result: Result<ClientKey, BackendError>,
    },
    KeyChanged {
        req: ReqId,
        result: Result<ClientKey, BackendError>,
    },
    /// A test event through a DSN: the event id it got, or why it was refused.
    DsnTested {
        req: ReqId,
        key_id: String,
        result: Result<String, String>,
    },
    SettingsChanged {
        req: ReqId,
        result: Result<TrackingSettings, BackendError>,
    },
    /// What the backend found it can do, after asking the server.
    Probed(Capabilities),
    /// Why data stays unavailable, as far as the backend can tell (`None`: it cannot tell).
    Diagnosed(Option<String>),
    /// The runtime could not do something the user asked for (open a browser, copy).
    EffectFailed(String),
    /// Something the runtime did, to say in the status line.
    Said(String),
    /// The last list kept from an earlier run, shown until fresh rows come.
    Cached {
        items: Vec<ErrorSummary>,
        at: Timestamp,
    },
    /// The server could not be reached for a detail or an event, and errtui's database kept
    /// one from when it was opened before: shown, marked offline with its age.
    FromDisk {
        req: ReqId,
        fetch: Fetch,
        data: Data,
        at: Timestamp,
        error: BackendError,
    },
    /// The rest of what the database remembers, read after the first screenful: the errors
    /// seen in earlier runs, and the last list's rows after its head.
    Remembered {
        seen: std::collections::HashSet<String>,
        rest: Vec<ErrorSummary>,
    },
    /// Show view `i` (the runtime opened the profiles it combines).
    ShowView(usize),
    /// A click on a pane (and a list row).
    Click {
        pane: Pane,
        row: Option<usize>,
    },
    /// The wheel over a pane: `down` or up.
    Wheel {
        pane: Pane,
        down: bool,
    },
}

/// A detail or event as errtui keeps it on disk.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// Under the id it was asked by.
    Detail {
        key: String,
        detail: Box<ErrorDetail>,
    },
    /// Under the key the app caches it by (`error_view::event_cache_key`); secrets in its
    /// request are already masked.
    Event { key: String, event: Box<Event> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Latest-wins per slot.
    Fetch {
        req: ReqId,
        fetch: Fetch,
    },
    /// Stop a slot's job (a pane closed).
    Cancel(Slot),
    /// Send `Msg::Timer` after `ms`; a newer timer of the same kind replaces it.
    After {
        ms: u64,
        timer: Timer,
    },
    /// Serialised per error: a change waits for the answer to the one before it.
    /// One triage change for many errors: one bulk request per 100 where the server has them.
    Update {
        req: ReqId,
        ids: Vec<String>,
        change: Change,
    },
    Merge {
        req: ReqId,
        ids: Vec<String>,
    },
    Comment {
        req: ReqId,
        id: String,
        text: String,
    },
    CreateIssue {
        req: ReqId,
        id: String,
        title: String,
        description: String,
    },
    /// Hand the terminal to a custom command's shell line (already quoted), then take it back.
    RunCommand {
        line: String,
        pause: bool,
    },
    /// Open a frame's file in the user's editor at its line (the runtime finds the file under
    /// the configured source roots).
    EditFrame {
        path: String,
        line: u32,
    },
    /// Ring the terminal bell, or send a desktop notification through the terminal.
    Alert {
        text: String,
        how: super::watching::Alert,
    },
    /// Keep the list's first page for the next start (the runtime writes it).
    RememberList(Vec<ErrorSummary>),
    /// The list kept is still what the server says: only its time moves (nothing rewritten).
    RememberListFresh,
    /// Keep an opened detail or event, to read it offline later (the runtime writes it).
    RememberOpened(Opened),
    /// Remember these errors as seen, for the next run (the runtime writes it).
    RememberSeen(Vec<String>),
    /// Keep the search history for the next run (the runtime writes it).
    SaveHistory(Vec<String>),
    /// Start over on a view that combines several profiles of the config file (each with its
    /// own server and token), under the name `key`, then show view `view` (the runtime runs it).
    Combine {
        key: String,
        profiles: Vec<String>,
        view: usize,
    },
    /// Start over on another profile of the config file: its server, its token, nothing of the
    /// one before (the runtime runs it).
    SwitchProfile(String),
    CreateKey {
        req: ReqId,
        name: Option<String>,
    },
    DeleteKey {
        req: ReqId,
        id: String,
    },
    SetKeyActive {
        req: ReqId,
        id: String,
        active: bool,
    },
    /// Send one test event through a DSN.
    TestDsn {
        req: ReqId,
        key_id: String,
        dsn: String,
    },
    SetSettings {
        req: ReqId,
        active: bool,
        integrated: Option<bool>,
    },
    /// Ask the backend what it can do (GitLab: can status changes go to Sentry?).
    Probe,
    /// Ask the backend why data is not available.
    Diagnose,
    /// Copy to the user's clipboard with OSC 52.
    Copy(String),
    /// Open in a local browser.
    OpenUrl(String),
    Quit,
}
