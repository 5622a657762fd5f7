use chrono::{DateTime, TimeZone, Utc};
use errtui::app::App;
use errtui::model::*;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
        .single()
        .expect("fixed clock")
}

pub fn summary(i: usize) -> ErrorSummary {
    let levels = [Level::Error, Level::Warning, Level::Fatal, Level::Info];
    ErrorSummary {
        id: format!("{}", 100 + i),
        short_id: format!("SHOP-{i}"),
        title: format!("TypeError: Cannot read properties of undefined (reading 'item{i}')"),
        culprit: format!("app/components/Cart{i}.tsx"),
        status: Status::Unresolved,
        level: levels[i % levels.len()].clone(),
        count: 1000 + i as u64 * 37,
        user_count: 10 + i as u64,
        first_seen: Some(now() - chrono::Duration::days(3 + i as i64)),
        last_seen: Some(now() - chrono::Duration::minutes(2 + i as i64 * 7)),
        url: Some(format!(
            "https://sentry.example.com/organizations/acme/issues/{}/",
            100 + i
        )),
        project: Some("shop".into()),
        platform: Some("javascript".into()),
        stats_24h: (0..24).map(|h| ((h + i) * 7 % 11) as u64).collect(),
        triage: Triage::default(),
        origin: None,
    }
}

pub fn detail(i: usize) -> ErrorDetail {
    ErrorDetail {
        summary: summary(i),
        message: Some("Cannot read properties of undefined".into()),
        first_release: Some(Release {
            version: "web@5.12.0".into(),
            date: None,
        }),
        last_release: Some(Release {
            version: "web@5.13.2".into(),
            date: None,
        }),
        tags: vec![TagSummary {
            key: "browser".into(),
            name: "Browser".into(),
            total_values: 4,
        }],
        stats_30d: (0..30).map(|d| (d * 13 % 17) as u64).collect(),
        activity: Vec::new(),
        linked_issue: None,
    }
}

fn frame(file: &str, func: &str, line: u32, in_app: bool, ctx: &[&str]) -> Frame {
    let first = line - (ctx.len() as u32) / 2;
    Frame {
        filename: Some(file.into()),
        function: Some(func.into()),
        module: None,
        line: Some(line),
        col: Some(12),
        in_app,
        context: ctx
            .iter()
            .enumerate()
            .map(|(k, c)| ContextLine {
                line: first + k as u32,
                code: c.to_string(),
            })
            .collect(),
        vars: if in_app {
            vec![
                ("items".into(), "[]".into()),
                ("subtotal".into(), "undefined".into()),
            ]
        } else {
            Vec::new()
        },
    }
}

pub fn event(id: &str) -> Event {
    Event {
        culprit: None,
        id: format!("evt{id}"),
        title: Some("TypeError".into()),
        message: None,
        platform: Some("javascript".into()),
        date: Some(now() - chrono::Duration::minutes(2)),
        release: Some("web@5.13.2".into()),
        environment: Some("production".into()),
        user: Some("lee@example.org".into()),
        tags: vec![
            ("browser".into(), "Safari 18.1".into()),
            ("environment".into(), "production".into()),
        ],
        exceptions: vec![
            Exception {
                ty: "NetworkError".into(),
                value: "fetch failed".into(),
                module: None,
                handled: Some(true),
                frames: vec![frame(
                    "node_modules/undici/fetch.js",
                    "fetch",
                    120,
                    false,
                    &[],
                )],
            },
            Exception {
                ty: "TypeError".into(),
                value: "Cannot read properties of undefined (reading 'price')".into(),
                module: None,
                handled: Some(false),
                frames: vec![
                    frame(
                        "node_modules/react-dom/index.js",
                        "renderWithHooks",
                        167,
                        false,
                        &[],
                    ),
                    frame(
                        "node_modules/react-dom/index.js",
                        "beginWork",
                        201,
                        false,
                        &[],
                    ),
                    frame(
                        "app/components/CartSummary.tsx",
                        "CartSummary",
                        38,
                        true,
                        &[
                            "  const items = useCart();",
                            "  const subtotal = items.reduce(sum);",
                            "  return <Summary />;",
                        ],
                    ),
                ],
            },
        ],
        breadcrumbs: vec![
            Breadcrumb {
                timestamp: Some(now() - chrono::Duration::minutes(3)),
                category: Some("navigation".into()),
                level: Some("info".into()),
                message: Some("/products/42 -> /cart".into()),
                ..Breadcrumb::default()
            },
            Breadcrumb {
                timestamp: Some(now() - chrono::Duration::seconds(125)),
                ty: Some("http".into()),
                category: Some("fetch".into()),
                level: Some("error".into()),
                message: Some("GET /api/cart 500".into()),
                data: Some(serde_json::json!({"status_code": 500, "url": "/api/cart"})),
            },
        ],
        request: Some(RequestInfo {
            method: Some("GET".into()),
            url: Some("https://shop.example.com/cart?token=abc123&page=2".into()),
            query: vec![
                ("page".into(), "2".into()),
                ("token".into(), "abc123".into()),
            ],
            headers: vec![
                ("Accept".into(), "text/html".into()),
                ("Authorization".into(), "Bearer s3cr3t-value".into()),
                ("Cookie".into(), "session=deadbeef".into()),
            ],
            data: None,
        }),
        user_details: [("email", "lee@example.org"), ("id", "42")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        contexts: [
            ("browser", vec![("name", "Safari"), ("version", "18.1")]),
            ("os", vec![("name", "macOS"), ("version", "15.1")]),
        ]
        .into_iter()
        .map(|(n, f)| {
            (
                n.to_string(),
                f.into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        })
        .collect(),
        sdk: Some(Sdk {
            name: "sentry.javascript.react".into(),
            version: Some("8.40.0".into()),
        }),
        previous_event_id: Some(format!("evt{id}-prev")),
        next_event_id: None,
        other_entries: vec![],
    }
}

pub fn caps() -> Capabilities {
    Capabilities::full("Sentry")
}

pub fn app(w: u16, h: u16) -> App {
    let mut app = App::new(
        caps(),
        "Sentry · acme/shop at sentry.example.com".into(),
        now(),
    );
    app.width = w;
    app.height = h;
    // Snapshots must not depend on the machine's time zone.
    app.utc = true;
    app
}

/// An app whose first list page (n errors) has loaded.
pub fn loaded_app(w: u16, h: u16, n: usize) -> App {
    use errtui::app::update;
    let mut app = app(w, h);
    let fx = errtui::app::update::init(&mut app);
    let req = match &fx[0] {
        errtui::app::Effect::Fetch {
            req,
            fetch: Fetch::List { .. },
        } => *req,
        other => panic!("unexpected {other:?}"),
    };
    update(
        &mut app,
        list_loaded(
            req,
            false,
            Ok(Page {
                items: (0..n).map(summary).collect(),
                next: None,
                total: None,
            }),
        ),
    );
    app
}

// ---- answers, as the runtime sends them ----

use errtui::app::Msg;
use errtui::app::msg::{Data, Fetch, ReqId};
use errtui::backend::BackendError;

pub fn list_loaded(
    req: ReqId,
    append: bool,
    result: Result<Page<ErrorSummary>, BackendError>,
) -> Msg {
    Msg::Loaded {
        req,
        fetch: Fetch::List {
            query: ListQuery::default(),
            cursor: None,
            append,
        },
        result: result.map(Data::Page),
    }
}

pub fn detail_loaded(req: ReqId, id: String, result: Result<ErrorDetail, BackendError>) -> Msg {
    Msg::Loaded {
        req,
        fetch: Fetch::Detail { id },
        result: result.map(|d| Data::Detail(Box::new(d))),
    }
}

pub fn event_loaded(req: ReqId, id: String, result: Result<Event, BackendError>) -> Msg {
    event_at_loaded(req, id, EventRef::Latest, result)
}

pub fn event_at_loaded(
    req: ReqId,
    id: String,
    which: EventRef,
    result: Result<Event, BackendError>,
) -> Msg {
    Msg::Loaded {
        req,
        fetch: Fetch::Event { id, which },
        result: result.map(|e| Data::Event(Box::new(e))),
    }
}

pub fn keys_loaded(req: ReqId, result: Result<Vec<ClientKey>, BackendError>) -> Msg {
    Msg::Loaded {
        req,
        fetch: Fetch::Keys,
        result: result.map(Data::Keys),
    }
}

pub fn settings_loaded(req: ReqId, result: Result<TrackingSettings, BackendError>) -> Msg {
    Msg::Loaded {
        req,
        fetch: Fetch::Settings,
        result: result.map(Data::Settings),
    }
}

/// A failed load with this message, as the UI shows it.
pub fn failed_load(message: impl Into<String>) -> errtui::app::state::Load {
    errtui::app::state::Load::Failed(errtui::app::state::Failure {
        kind: errtui::app::state::FailureKind::Other,
        message: message.into(),
        at: now(),
    })
}

/// A tag with its top values; `total` counts every event carrying the tag.
pub fn tag_breakdown(key: &str, total: u64, vals: &[(&str, u64)]) -> TagBreakdown {
    TagBreakdown {
        key: key.into(),
        name: key.into(),
        total,
        top: vals
            .iter()
            .map(|(v, c)| TagValue {
                value: v.to_string(),
                count: *c,
            })
            .collect(),
    }
}

/// The request id of the fetch in `fx` that `which` picks, if any.
pub fn asked(fx: &[errtui::app::Effect], which: impl Fn(&Fetch) -> bool) -> Option<ReqId> {
    fx.iter().find_map(|e| match e {
        errtui::app::Effect::Fetch { req, fetch } if which(fetch) => Some(*req),
        _ => None,
    })
}

/// Presses F5 and answers the list it asks for with `result`; the effects of the answer.
pub fn refresh_answered(
    app: &mut App,
    result: Result<Vec<ErrorSummary>, BackendError>,
) -> Vec<errtui::app::Effect> {
    let fx = errtui::app::update(
        app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::F(5),
        )),
    );
    let req = asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("a refresh");
    answer_list(app, req, result)
}

/// Starts `app` and answers its first list with `items`; the effects of the answer.
pub fn first_list(app: &mut App, items: Vec<ErrorSummary>) -> Vec<errtui::app::Effect> {
    let fx = errtui::app::update::init(app);
    let req = asked(&fx, |f| matches!(f, Fetch::List { .. })).expect("the first list");
    answer_list(app, req, Ok(items))
}

/// Answers list request `req` with one page of `result`.
pub fn answer_list(
    app: &mut App,
    req: ReqId,
    result: Result<Vec<ErrorSummary>, BackendError>,
) -> Vec<errtui::app::Effect> {
    let page = result.map(|items| Page {
        items,
        next: None,
        total: None,
    });
    errtui::app::update(app, list_loaded(req, false, page))
}

/// Feeds the core's messages to its app until `done` holds; fails after five seconds, with the
/// screen.
pub async fn pump(core: &mut errtui::runtime::Core, done: impl Fn(&App) -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done(&core.app) {
        match tokio::time::timeout_at(deadline, core.recv()).await {
            Ok(Some(msg)) => {
                core.dispatch(msg);
            }
            _ => panic!(
                "timed out waiting; screen:\n{}",
                crate::core::render_text(&core.app)
            ),
        }
    }
}
