use crossterm::event::KeyEvent;

use crate::backend::BackendError;
use crate::model::{
    Capabilities, ErrorDetail, ErrorSummary, Event, ListQuery, Page, Status, Timestamp,
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
