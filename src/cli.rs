//! Command-line parsing and the headless commands, on the same backends as the TUI.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::backend::sentry::SentryBackend;
use crate::backend::{Backend, Secret};
use crate::config::{self, Flags};
use crate::demo::{self, DemoOptions};
use crate::model::{ErrorSummary, ListQuery, Sort, Status, StatusFilter};
use crate::text::{fit, fit_right, sanitize};

#[derive(Parser, Debug)]
#[command(
    name = "errtui",
    version,
    about = "A keyboard-driven terminal UI for Sentry error tracking"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Server URL [env: SENTRY_URL; default: https://sentry.io]
    #[arg(long, global = true)]
    pub url: Option<String>,
    /// Organization slug [env: SENTRY_ORG]
    #[arg(long, global = true)]
    pub org: Option<String>,
    /// Project slug or numeric id [env: SENTRY_PROJECT]
    #[arg(long, global = true)]
    pub project: Option<String>,
    /// Auth token; prefer the SENTRY_AUTH_TOKEN variable, which stays out of shell history
    #[arg(long, global = true, hide_env_values = true)]
    pub auth_token: Option<String>,
    /// Write a debug log to this file [env: ERRTUI_LOG]
    #[arg(long, global = true)]
    pub log_file: Option<std::path::PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the TUI on an embedded demo server: no account needed
    Demo(DemoArgs),
    /// Serve the demo's Sentry-compatible API for scripts and other clients
    DemoServer {
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[command(flatten)]
        demo: DemoArgs,
    },
    /// List errors
    List {
        #[arg(long, value_enum, default_value_t = StatusArg::Unresolved)]
        status: StatusArg,
        /// Search in the server's query syntax
        #[arg(long, default_value = "")]
        query: String,
        #[arg(long, value_enum, default_value_t = SortArg::LastSeen)]
        sort: SortArg,
        /// Stop after this many errors
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one error with its latest event and stack trace
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Resolve errors
    Resolve {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Ignore (archive) errors
    Ignore {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Mark errors unresolved again
    Unresolve {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub struct DemoArgs {
    /// Add this many generated errors to the demo dataset
    #[arg(long, default_value_t = 0)]
    pub errors: usize,
    /// Delay every response by this many milliseconds
    #[arg(long, default_value_t = 0)]
    pub latency: u64,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusArg {
    Unresolved,
    Resolved,
    Ignored,
    All,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortArg {
    LastSeen,
    FirstSeen,
    Events,
    Users,
}

impl From<StatusArg> for StatusFilter {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Unresolved => StatusFilter::Unresolved,
            StatusArg::Resolved => StatusFilter::Resolved,
            StatusArg::Ignored => StatusFilter::Ignored,
            StatusArg::All => StatusFilter::All,
        }
    }
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Self {
        match s {
            SortArg::LastSeen => Sort::LastSeen,
            SortArg::FirstSeen => Sort::FirstSeen,
            SortArg::Events => Sort::Events,
            SortArg::Users => Sort::Users,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = init_logging(&cli.global);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("errtui: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("errtui: {e}");
            ExitCode::from(1)
        }
    }
}

fn init_logging(g: &Global) -> Option<()> {
    let path = g
        .log_file
        .clone()
        .or_else(|| std::env::var_os("ERRTUI_LOG").map(Into::into))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ERRTUI_LOG_LEVEL")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("errtui=debug")),
        )
        .try_init()
        .ok()
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

fn flags(g: &Global) -> Flags {
    Flags {
        url: g.url.clone(),
        org: g.org.clone(),
        project: g.project.clone(),
        auth_token: g.auth_token.clone(),
    }
}

pub fn backend_from(g: &Global) -> Result<Arc<dyn Backend>, String> {
    let t = config::sentry_target(&flags(g), &env)?;
    let b = SentryBackend::new(&t.url, &t.org, t.project.as_deref(), t.token)
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(b))
}

async fn start_demo(args: &DemoArgs, port: u16) -> Result<demo::DemoServer, String> {
    demo::start(DemoOptions {
        port,
        errors: args.errors,
        latency: Duration::from_millis(args.latency),
    })
    .await
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        None => crate::runtime::run(backend_from(&cli.global)?).await,
        Some(Command::Demo(args)) => {
            let server = start_demo(&args, 0).await?;
            let b = SentryBackend::new(
                &server.url(),
                demo::data::ORG,
                Some(demo::data::PROJECT),
                Secret::new("demo", "the demo"),
            )
            .map_err(|e| e.to_string())?;
            crate::runtime::run(Arc::new(b)).await
        }
        Some(Command::DemoServer { port, demo: args }) => {
            let server = start_demo(&args, port).await?;
            println!("listening on {}", server.url());
            let _ = std::io::stdout().flush();
            eprintln!(
                "org `demo`, project `demo`; any non-empty bearer token works. Ctrl-C stops.\n  e.g. SENTRY_URL={} SENTRY_ORG=demo SENTRY_PROJECT=demo SENTRY_AUTH_TOKEN=x errtui list",
                server.url()
            );
            tokio::signal::ctrl_c()
                .await
                .map_err(|e| format!("could not wait for Ctrl-C: {e}"))?;
            Ok(())
        }
        Some(Command::List {
            status,
            query,
            sort,
            limit,
            json,
        }) => {
            let b = backend_from(&cli.global)?;
            let q = ListQuery {
                status: status.into(),
                text: query,
                sort: sort.into(),
            };
            let items = list_all(b.as_ref(), &q, limit).await?;
            let mut out = std::io::stdout().lock();
            let text = if json {
                serde_json::to_string_pretty(&items).map_err(|e| e.to_string())? + "\n"
            } else {
                table(&items, chrono::Utc::now())
            };
            out.write_all(text.as_bytes()).map_err(|e| e.to_string())
        }
        Some(Command::Show { id, json }) => {
            let b = backend_from(&cli.global)?;
            let (detail, event) = tokio::join!(b.detail(&id), b.latest_event(&id));
            let detail = detail.map_err(|e| e.to_string())?;
            let event = event.map_err(|e| format!("could not load the latest event: {e}"))?;
            let text = if json {
                show_json(&detail, &event)?
            } else {
                show_text(&detail, &event, chrono::Utc::now())
            };
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| e.to_string())
        }
        Some(Command::Resolve { ids }) => change(&cli.global, &ids, Status::Resolved).await,
        Some(Command::Ignore { ids }) => change(&cli.global, &ids, Status::Ignored).await,
        Some(Command::Unresolve { ids }) => change(&cli.global, &ids, Status::Unresolved).await,
    }
}

/// Follows pagination until `limit` errors or the last page.
pub async fn list_all(
    b: &dyn Backend,
    q: &ListQuery,
    limit: usize,
) -> Result<Vec<ErrorSummary>, String> {
    let mut items: Vec<ErrorSummary> = Vec::new();
    let mut cursor: Option<String> = None;
    while items.len() < limit {
        let page = b
            .list(q, cursor.as_deref(), (limit - items.len()).min(100))
            .await
            .map_err(|e| e.to_string())?;
        let got = page.items.len();
        items.extend(page.items);
        match page.next {
            Some(c) if got > 0 => cursor = Some(c),
            _ => break,
        }
    }
    items.truncate(limit);
    Ok(items)
}

async fn change(g: &Global, ids: &[String], status: Status) -> Result<(), String> {
    let b = backend_from(g)?;
    if let Some(reason) = b.capabilities().set_status {
        return Err(reason);
    }
    let mut failed = 0;
    for id in ids {
        match b.set_status(id, &status).await {
            Ok(e) => println!(
                "{} {} ({}): now {}.",
                match status {
                    Status::Resolved => "Resolved",
                    Status::Ignored => "Ignored",
                    _ => "Unresolved",
                },
                sanitize(&e.short_id),
                sanitize(&e.id),
                e.status.as_str()
            ),
            Err(err) => {
                failed += 1;
                eprintln!("errtui: {id}: {err}");
            }
        }
    }
    if failed > 0 {
        Err(format!("{failed} of {} changes failed", ids.len()))
    } else {
        Ok(())
    }
}

/// An aligned table; every server string sanitised; wide characters keep columns aligned.
pub fn table(items: &[ErrorSummary], now: chrono::DateTime<chrono::Utc>) -> String {
    if items.is_empty() {
        return "No errors found.\n".into();
    }
    let id_w = items
        .iter()
        .map(|e| crate::text::width(&sanitize(&e.short_id)))
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    let mut out = format!(
        "{}  {}  {}  {}  {}  {}  TITLE\n",
        fit("SHORT ID", id_w),
        fit("LEVEL", 7),
        fit("STATUS", 10),
        fit_right("EVENTS", 8),
        fit_right("USERS", 7),
        fit("LAST SEEN", 9)
    );
    for e in items {
        let seen = match crate::ui::format::ago_short(now, e.last_seen).as_str() {
            "—" => "—".to_string(),
            "now" => "now".to_string(),
            s => format!("{s} ago"),
        };
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}  {}\n",
            fit(&sanitize(&e.short_id), id_w),
            fit(&sanitize(e.level.as_str()), 7),
            fit(&sanitize(e.status.as_str()), 10),
            fit_right(&e.count.to_string(), 8),
            fit_right(&e.user_count.to_string(), 7),
            fit(&seen, 9),
            sanitize(&e.title)
        ));
    }
    out
}

fn show_json(d: &crate::model::ErrorDetail, ev: &crate::model::Event) -> Result<String, String> {
    let mut v = serde_json::to_value(d).map_err(|e| e.to_string())?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "exceptions".into(),
            serde_json::to_value(&ev.exceptions).map_err(|e| e.to_string())?,
        );
        obj.insert(
            "event".into(),
            serde_json::json!({
                "id": ev.id,
                "date": ev.date,
                "release": ev.release,
                "environment": ev.environment,
                "user": ev.user,
                "tags": ev.tags.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "breadcrumbs": ev.breadcrumbs,
                "request": ev.request,
            }),
        );
    }
    serde_json::to_string_pretty(&v)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

fn show_text(
    d: &crate::model::ErrorDetail,
    ev: &crate::model::Event,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    use crate::ui::format::{ago_long, grouped};
    let s = &d.summary;
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{:<14}{}\n", k, v));
    line("", sanitize(&s.title));
    line("Short ID", sanitize(&s.short_id));
    line("Culprit", sanitize(&s.culprit));
    line("Status", s.status.as_str().into());
    line("Level", sanitize(s.level.as_str()));
    line("Events", grouped(s.count));
    line("Users", grouped(s.user_count));
    line("First seen", ago_long(now, s.first_seen));
    line("Last seen", ago_long(now, s.last_seen));
    if let Some(r) = &d.first_release {
        line("First release", sanitize(&r.version));
    }
    if let Some(r) = &d.last_release {
        line("Last release", sanitize(&r.version));
    }
    if let Some(u) = &s.url {
        line("Link", sanitize(u));
    }
    line("Event", sanitize(&ev.id));
    for ex in ev.exceptions.iter().rev() {
        out.push_str(&format!(
            "\n{}: {}\n",
            sanitize(&ex.ty),
            sanitize(&ex.value)
        ));
        for f in ex.frames.iter().rev() {
            out.push_str(&format!(
                "  {} {} in {}\n",
                if f.in_app { "●" } else { "·" },
                sanitize(&f.location()),
                sanitize(f.function.as_deref().unwrap_or("?"))
            ));
        }
    }
    out
}
