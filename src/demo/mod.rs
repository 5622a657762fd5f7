//! The embedded demo backend: a real HTTP server on 127.0.0.1 speaking the Sentry API subset
//! errtui uses, so the demo, the tests and the benchmarks all go through the real client code.

pub mod data;
mod gitlab_api;
mod glitchtip;
mod ingest;
mod sentry_api;
mod triage;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use data::{Dataset, ParsedQuery};

/// Which server the demo's Sentry-shaped API behaves like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DemoFlavor {
    #[default]
    Sentry,
    /// GlitchTip 5.1, with each of its differences from Sentry.
    Glitchtip,
}

#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    pub port: u16,
    pub errors: usize,
    pub latency: Duration,
    pub flavor: DemoFlavor,
    /// Errors arrive, regress and spike over time (every `live_every`).
    pub live: bool,
    pub live_every: Duration,
}

pub struct DemoServer {
    pub addr: SocketAddr,
    pub handle: tokio::task::JoinHandle<()>,
}

impl DemoServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub(crate) struct Shared {
    pub data: Mutex<Dataset>,
    pub latency: Duration,
    pub base_url: String,
    /// The last list order computed, reused while paging through it.
    pub order_cache: Mutex<Option<CachedOrder>>,
    pub gitlab: Mutex<gitlab_api::GitlabDemo>,
    pub sentry_keys: Mutex<Vec<sentry_api::SentryKey>>,
    pub glitchtip: bool,
}

pub(crate) type AppState = Arc<Shared>;

/// (query, sort, dataset version, matching indices in order)
pub(crate) type CachedOrder = (ParsedQuery, String, u64, Arc<Vec<u32>>);

/// Starts the demo server on 127.0.0.1 and returns once it accepts connections.
pub async fn start(opts: DemoOptions) -> Result<DemoServer, String> {
    let data = Dataset::load(opts.errors, chrono::Utc::now())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
        .await
        .map_err(|e| format!("could not listen on 127.0.0.1:{}: {e}", opts.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("could not read the listening address: {e}"))?;
    let state = Arc::new(Shared {
        data: Mutex::new(data),
        latency: opts.latency,
        base_url: format!("http://{addr}"),
        order_cache: Mutex::new(None),
        gitlab: Mutex::new(gitlab_api::GitlabDemo::new()),
        sentry_keys: Mutex::new(vec![sentry_api::SentryKey::new("Default")]),
        glitchtip: opts.flavor == DemoFlavor::Glitchtip,
    });
    if opts.live {
        tokio::spawn(live(
            state.clone(),
            opts.live_every.max(Duration::from_millis(200)),
        ));
    }
    let app = router(state);
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("demo server stopped: {e}");
        }
    });
    Ok(DemoServer { addr, handle })
}

fn router(state: AppState) -> Router {
    sentry_api::routes()
        .merge(gitlab_api::routes())
        .merge(ingest::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// Latency for every response; a bearer token (any non-empty one) for every API call.
async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    // Envelopes authenticate with their DSN's public key, not a token; GlitchTip's public
    // settings need none.
    let path = req.uri().path();
    if state.glitchtip && path == "/api/settings/" {
        return glitchtip::settings();
    }
    if path.starts_with("/api/") && !path.ends_with("/envelope/") {
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let private = req
            .headers()
            .get("private-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let bearer_ok = auth
            .strip_prefix("Bearer ")
            .is_some_and(|t| !t.trim().is_empty());
        if !bearer_ok && private.trim().is_empty() {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(
                    serde_json::json!({"detail": "Authentication credentials were not provided."}),
                ),
            )
                .into_response();
        }
    }
    // How long the handler took, latency aside: benchmarks read it (`Server-Timing`, the
    // standard header browsers' dev tools show).
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock would poison it; the data is still consistent for a demo.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `--live`: in turn, a new error arrives, a resolved one regresses, and one spikes.
async fn live(state: AppState, every: Duration) {
    const NEW: [(&str, &str, &str); 4] = [
        ("TimeoutError", "checkout took longer than 30s", "python"),
        (
            "TypeError",
            "Cannot read properties of null (reading 'total')",
            "javascript",
        ),
        (
            "PG::ConnectionBad",
            "could not connect to server: Connection refused",
            "ruby",
        ),
        (
            "io::Error",
            "broken pipe while streaming the export",
            "rust",
        ),
    ];
    let mut step = 0usize;
    loop {
        tokio::time::sleep(every).await;
        let mut d = lock(&state.data);
        match step % 3 {
            0 => {
                let (ty, value, platform) = NEW[(step / 3) % NEW.len()];
                let event = serde_json::json!({
                    "platform": platform,
                    "level": "error",
                    "exception": {"values": [{"type": ty, "value": format!("{value} (#{})", step / 3 + 1)}]},
                });
                d.ingest(&event, chrono::Utc::now());
            }
            1 => {
                if let Some(i) = d
                    .issues
                    .iter()
                    .position(|e| e.status == crate::model::Status::Resolved)
                {
                    let id = d.issues[i].id;
                    d.issues[i].status = crate::model::Status::Unresolved;
                    d.issues[i].last_seen = chrono::Utc::now().timestamp();
                    let t = d.triage.entry(id).or_default();
                    t.substatus = Some("regressed".into());
                    d.version += 1;
                }
            }
            _ => {
                let n = d.issues.len();
                if n > 0 {
                    let i = (step * 7) % n.min(20);
                    let id = d.issues[i].id;
                    d.issues[i].last_seen = chrono::Utc::now().timestamp();
                    d.triage.entry(id).or_default().spiking = true;
                    d.version += 1;
                }
            }
        }
        step += 1;
    }
}
