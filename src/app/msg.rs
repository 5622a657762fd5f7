use crossterm::event::KeyEvent;

use crate::backend::BackendError;
use crate::model::{
    Capabilities, ClientKey, ErrorDetail, ErrorSummary, Event, ListQuery, Page, Status, Timestamp,
    TrackingSettings,
};

/// Request ids: each result carries the id of the request it answers, so stale answers drop.
pub type ReqId = u64;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// A timer tick carrying the wall clock, so `update` never reads the clock itself.
    Tick(Timestamp),
    ListLoaded {
        req: ReqId,
        append: bool,
        result: Result<Page<ErrorSummary>, BackendError>,
    },
    DetailLoaded {
        req: ReqId,
        id: String,
        result: Result<ErrorDetail, BackendError>,
    },
    EventLoaded {
        req: ReqId,
        id: String,
        result: Result<Event, BackendError>,
    },
    StatusChanged {
        req: ReqId,
        id: String,
        wanted: Status,
        result: Result<ErrorSummary, BackendError>,
    },
    KeysLoaded {
        req: ReqId,
        result: Result<Vec<ClientKey>, BackendError>,
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
    SettingsLoaded {
        req: ReqId,
        result: Result<TrackingSettings, BackendError>,
    },
    /// What the backend found it can do, after asking the server.
    Probed(Capabilities),
    /// Why data stays unavailable, as far as the backend can tell.
    Diagnosed(String),
    /// The runtime could not do something the user asked for (open a browser, copy).
    EffectFailed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    FetchList {
        req: ReqId,
        query: ListQuery,
        cursor: Option<String>,
        append: bool,
        /// Non-zero when polling GitLab while it warms its cache.
        delay_ms: u64,
    },
    /// `delay_ms` debounces fetches that follow the selection: a newer one aborts it unsent.
    FetchDetail {
        req: ReqId,
        id: String,
        delay_ms: u64,
    },
    FetchEvent {
        req: ReqId,
        id: String,
        delay_ms: u64,
    },
    SetStatus {
        req: ReqId,
        id: String,
        status: Status,
    },
    ListKeys {
        req: ReqId,
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
    LoadSettings {
        req: ReqId,
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
