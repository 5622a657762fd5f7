use std::cell::Cell;
use std::collections::{HashMap, VecDeque};

use super::keymap::Ctx;
use super::msg::ReqId;
use crate::model::{
    Capabilities, ClientKey, ErrorDetail, ErrorSummary, Event, ListQuery, Status, Timestamp,
    TrackingSettings,
};

/// Where loaded data stands. The data itself lives beside it, so a reload keeps it on screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading {
        req: ReqId,
    },
    Ready,
    Failed {
        error: String,
        retryable: bool,
    },
}

impl Load {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading { .. })
    }
    /// The failed state for a backend error.
    pub fn failed(e: &crate::backend::BackendError) -> Load {
        Load::Failed {
            error: e.to_string(),
            retryable: e.retryable(),
        }
    }
    pub fn req(&self) -> Option<ReqId> {
        match self {
            Load::Loading { req } => Some(*req),
            _ => None,
        }
    }
}

/// GitLab answered `null`: polling until it has the data or the time is up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Warming {
    pub since: Timestamp,
    pub attempts: u32,
}

/// One fetched thing for one error id (detail or event).
#[derive(Debug, Clone)]
pub struct Slot<T> {
    pub id: Option<String>,
    pub data: Option<T>,
    pub load: Load,
    pub warming: Option<Warming>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            id: None,
            data: None,
            load: Load::Idle,
            warming: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListPane {
    pub items: Vec<ErrorSummary>,
    pub next: Option<String>,
    pub load: Load,
    pub selected: usize,
    /// Has the list ever loaded? "Empty" and "not loaded yet" are different screens.
    pub loaded_once: bool,
    pub warming: Option<Warming>,
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
}

#[derive(Debug, Clone, Default)]
pub struct KeysPane {
    pub items: Vec<ClientKey>,
    pub load: Load,
    pub selected: usize,
    /// Enter shows the selected key in full.
    pub expanded: bool,
}

impl KeysPane {
    pub fn selected(&self) -> Option<&ClientKey> {
        self.items.get(self.selected)
    }
    pub fn active_count(&self) -> usize {
        self.items.iter().filter(|k| k.active).count()
    }
}

#[derive(Debug, Clone, Default)]
pub struct SettingsPane {
    pub data: Option<TrackingSettings>,
    pub load: Load,
}

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
    /// The last step of a rotation: the new key works, delete the old one.
    RotateDeleteOld,
}

/// What a line of typed text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum InputFor {
    NewKeyName,
    RotateKeyName,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Confirm {
        title: String,
        lines: Vec<String>,
        /// A warning shown in red (e.g. deleting the last active key).
        warning: Option<String>,
        on_yes: Confirmed,
    },
    Input {
        title: String,
        buf: String,
        purpose: InputFor,
    },
}

/// A key rotation in progress. The old key is deleted only in the last stage, after the new
/// key exists and a test event went through it, and only if the user confirms.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub old: ClientKey,
    pub stage: RotationStage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RotationStage {
    Naming,
    Creating { req: ReqId },
    Testing { req: ReqId, new: ClientKey },
    Confirming { new: ClientKey, event_id: String },
    Deleting { req: ReqId, new: ClientKey },
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

/// A status change sent but not yet answered, with what to restore if the server refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingStatus {
    pub req: ReqId,
    pub previous: Status,
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
    pub detail: Slot<ErrorDetail>,
    pub event: Slot<Event>,
    pub details: Cache<ErrorDetail>,
    pub events: Cache<Event>,
    pub view: View,
    /// Where Esc goes back to from the keys and settings panes.
    pub view_before: View,
    pub keys: KeysPane,
    pub settings: SettingsPane,
    pub modal: Option<Modal>,
    pub rotation: Option<Rotation>,
    pub stack: StackOptions,
    /// Scroll offsets of the detail and stack panes, in lines.
    pub detail_scroll: u16,
    pub stack_scroll: u16,
    /// Largest useful scroll offsets and the list's first visible row, written by `ui` as it
    /// lays text out (only the drawing knows how many lines a pane holds).
    pub detail_max: Cell<u16>,
    pub stack_max: Cell<u16>,
    pub list_offset: Cell<usize>,
    /// The search line being edited, if any.
    pub input: Option<String>,
    pub help: bool,
    /// A URL shown because no local browser can open it (over SSH).
    pub url_popup: Option<String>,
    pub notice: Option<Notice>,
    /// Why data is not available, when the backend could find out.
    pub diagnosis: Option<String>,
    pub pending: HashMap<String, PendingStatus>,
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
            detail: Slot::default(),
            event: Slot::default(),
            details: Cache::new(64),
            events: Cache::new(32),
            view: View::List,
            view_before: View::List,
            keys: KeysPane::default(),
            settings: SettingsPane::default(),
            modal: None,
            rotation: None,
            stack: StackOptions::default(),
            detail_scroll: 0,
            stack_scroll: 0,
            detail_max: Cell::new(u16::MAX),
            stack_max: Cell::new(u16::MAX),
            list_offset: Cell::new(0),
            input: None,
            help: false,
            url_popup: None,
            notice: None,
            diagnosis: None,
            pending: HashMap::new(),
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

    pub fn selected(&self) -> Option<&ErrorSummary> {
        self.list.items.get(self.list.selected)
    }

    /// The error the keys act on: the opened one in detail/stack, else the selected row.
    pub fn target(&self) -> Option<&ErrorSummary> {
        match self.view {
            View::List => self.selected(),
            _ => self
                .detail
                .id
                .as_deref()
                .and_then(|id| self.list.items.iter().find(|e| e.id == id))
                .or(self.detail.data.as_ref().map(|d| &d.summary))
                .or(self.selected()),
        }
    }

    pub fn contexts(&self) -> Vec<Ctx> {
        match self.view {
            View::List => vec![Ctx::List],
            View::Detail => vec![Ctx::Error],
            View::Stack => vec![Ctx::Error, Ctx::Stack],
            View::Keys => vec![Ctx::Keys],
            View::Settings => vec![Ctx::Settings],
        }
    }

    pub fn loading(&self) -> bool {
        self.list.load.is_loading()
            || self.keys.load.is_loading()
            || self.settings.load.is_loading()
            || self.rotation.as_ref().is_some_and(|r| {
                matches!(
                    r.stage,
                    RotationStage::Creating { .. }
                        | RotationStage::Testing { .. }
                        | RotationStage::Deleting { .. }
                )
            })
            || self.detail.load.is_loading()
            || self.event.load.is_loading()
            || !self.pending.is_empty()
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
