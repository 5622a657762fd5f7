use crossterm::event::KeyEvent;

use crate::backend::BackendError;
use crate::model::{
    Capabilities, ClientKey, ErrorDetail, ErrorSummary, Event, EventRef, EventSummary, ListQuery,
    Page, Status, TagBreakdown, Timestamp, TrackingSettings,
};

/// The foldable sections of the detail pane, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Trend,
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
    StatusChanged {
        req: ReqId,
        id: String,
        wanted: Status,
        result: Result<ErrorSummary, BackendError>,
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
    SetStatus {
        req: ReqId,
        id: String,
        status: Status,
    },
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
