//! One loaded resource: where its load stands, GitLab's warming, and a typed failure. The one
//! place that drops stale answers, polls while GitLab warms and records why a load failed.

use super::msg::ReqId;
use crate::backend::BackendError;
use crate::model::Timestamp;

/// How long to keep asking GitLab while it answers `null`.
pub const WARM_LIMIT_SECS: i64 = 20;
pub const NOT_AVAILABLE: &str = "GitLab did not make this data available after 20 s of asking.";

/// Why a load failed, by kind, so the UI never compares strings.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureKind {
    Unauthorized,
    /// With what the token needs, when the server says.
    Forbidden {
        scope: Option<String>,
    },
    NotFound,
    RateLimited {
        until: Option<Timestamp>,
    },
    Server,
    Timeout,
    Offline,
    Malformed,
    /// GitLab kept answering `null`.
    NotAvailable,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    pub at: Timestamp,
}

impl Failure {
    pub fn from_error(e: &BackendError, now: Timestamp) -> Failure {
        let kind = match e {
            BackendError::Unauthorized { .. } => FailureKind::Unauthorized,
            BackendError::Forbidden { scope, .. } => FailureKind::Forbidden {
                scope: Some(scope.clone()),
            },
            BackendError::Refused { .. } => FailureKind::Forbidden { scope: None },
            BackendError::NotFound { .. } => FailureKind::NotFound,
            BackendError::RateLimited { retry_after, .. } => FailureKind::RateLimited {
                until: retry_after.and_then(|d| {
                    chrono::Duration::from_std(d)
                        .ok()
                        .and_then(|d| now.checked_add_signed(d))
                }),
            },
            BackendError::Server { .. } => FailureKind::Server,
            BackendError::Timeout { .. } => FailureKind::Timeout,
            BackendError::Connect { .. } => FailureKind::Offline,
            BackendError::Malformed { .. }
            | BackendError::NotApi { .. }
            | BackendError::TooLarge { .. } => FailureKind::Malformed,
            _ => FailureKind::Other,
        };
        Failure {
            kind,
            message: e.to_string(),
            at: now,
        }
    }

    pub fn not_available(now: Timestamp) -> Failure {
        Failure {
            kind: FailureKind::NotAvailable,
            message: NOT_AVAILABLE.into(),
            at: now,
        }
    }
}

/// Where loaded data stands. The data lives beside it, so a reload keeps it on screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading {
        req: ReqId,
    },
    Ready,
    Failed(Failure),
}

impl Load {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading { .. })
    }
    pub fn req(&self) -> Option<ReqId> {
        match self {
            Load::Loading { req } => Some(*req),
            _ => None,
        }
    }
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Load::Failed(f) => Some(f),
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

/// The load state of one thing, with its last good load (for "stale since").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tracker {
    pub load: Load,
    pub warming: Option<Warming>,
    pub last_ok: Option<Timestamp>,
}

/// What an answer means for the resource.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Answers a request that was superseded: drop it.
    Stale,
    Data(T),
    /// GitLab is warming: ask again after `ms` with the new request id.
    AskAgain {
        req: ReqId,
        ms: u64,
    },
    /// GitLab never had it: the slot is failed as not available; ask the backend why.
    GaveUp,
    Failed(BackendError),
}

impl<T> Outcome<T> {
    /// What warming asks of the runtime, for any slot: ask again after a pause, or, once
    /// GitLab gave up, ask the backend why.
    pub fn warming_effect(&self, slot: super::msg::Slot) -> Option<super::msg::Effect> {
        use super::msg::{Effect, Timer};
        match self {
            Outcome::AskAgain { req, ms } => Some(Effect::After {
                ms: *ms,
                timer: Timer::AskAgain { slot, req: *req },
            }),
            Outcome::GaveUp => Some(Effect::Diagnose),
            _ => None,
        }
    }
}

impl Tracker {
    pub fn start(&mut self, req: ReqId) {
        self.load = Load::Loading { req };
        self.warming = None;
    }

    /// Is this answer still wanted?
    pub fn wants(&self, req: ReqId) -> bool {
        self.load.req() == Some(req)
    }

    /// The failure, if the data on screen did not refresh.
    pub fn stale(&self) -> Option<&Failure> {
        self.load.failure()
    }

    pub fn accept<T>(
        &mut self,
        req: ReqId,
        result: Result<T, BackendError>,
        now: Timestamp,
        next_req: &mut ReqId,
    ) -> Outcome<T> {
        if !self.wants(req) {
            return Outcome::Stale;
        }
        match result {
            Ok(v) => {
                self.load = Load::Ready;
                self.warming = None;
                self.last_ok = Some(now);
                Outcome::Data(v)
            }
            Err(BackendError::Warming) => {
                let st = self.warming.get_or_insert(Warming {
                    since: now,
                    attempts: 0,
                });
                st.attempts += 1;
                if (now - st.since).num_seconds() >= WARM_LIMIT_SECS {
                    self.warming = None;
                    self.load = Load::Failed(Failure::not_available(now));
                    return Outcome::GaveUp;
                }
                let ms = (1000 * st.attempts as u64).min(4000);
                let req = *next_req;
                *next_req += 1;
                self.load = Load::Loading { req };
                Outcome::AskAgain { req, ms }
            }
            Err(e) => {
                self.warming = None;
                self.load = Load::Failed(Failure::from_error(&e, now));
                Outcome::Failed(e)
            }
        }
    }
}

/// One fetched thing for one error id (detail or event).
#[derive(Debug, Clone)]
pub struct Resource<T> {
    pub key: Option<String>,
    pub data: Option<T>,
    pub track: Tracker,
    /// When the data on screen came from errtui's database because the server could not be
    /// reached: under which key, and when it was kept.
    pub from_disk: Option<(String, Timestamp)>,
}

impl<T> Default for Resource<T> {
    fn default() -> Self {
        Resource {
            key: None,
            data: None,
            track: Tracker::default(),
            from_disk: None,
        }
    }
}

impl<T> Resource<T> {
    pub fn load(&self) -> &Load {
        &self.track.load
    }
    pub fn is(&self, key: &str) -> bool {
        self.key.as_deref() == Some(key)
    }
    /// When the data on screen was kept, if it came from disk for `shown` and the server has
    /// not answered since.
    pub fn offline_since(&self, shown: Option<&str>) -> Option<Timestamp> {
        let (key, at) = self.from_disk.as_ref()?;
        (Some(key.as_str()) == shown && self.track.stale().is_some()).then_some(*at)
    }
}
