//! Command-line parsing and the headless commands, on the same backends as the TUI.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::backend::gitlab::GitlabBackend;
use crate::backend::sentry::SentryBackend;
use crate::backend::{Backend, Secret};
use crate::config::{self, BackendKind, Flags, Target};
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
    /// Which server: sentry (default) or gitlab (default when only GITLAB_* variables are set)
    #[arg(long, global = true, value_enum)]
    pub backend: Option<BackendArg>,
    /// Server URL [env: SENTRY_URL or GITLAB_HOST; default: https://sentry.io or https://gitlab.com]
    #[arg(long, global = true)]
    pub url: Option<String>,
    /// Organization slug [env: SENTRY_ORG]
    #[arg(long, global = true)]
    pub org: Option<String>,
    /// Sentry: project slug or id [env: SENTRY_PROJECT]. GitLab: group/sub/project or id
    #[arg(long, global = true)]
    pub project: Option<String>,
    /// Token for the server; prefer SENTRY_AUTH_TOKEN / GITLAB_TOKEN, which stay out of shell history
    #[arg(long, global = true)]
    pub auth_token: Option<String>,
    /// GitLab backend: a Sentry token for status changes, sent to the project's Sentry only [env: SENTRY_AUTH_TOKEN]
    #[arg(long, global = true)]
    pub sentry_token: Option<String>,
    /// Write a debug log to this file [env: ERRTUI_LOG]
    #[arg(long, global = true)]
    pub log_file: Option<std::path::PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendArg {
    Sentry,
    Gitlab,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the TUI on an embedded demo server: no account needed (--backend gitlab for GitLab)
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
    /// The project's error-tracking settings (GitLab)
    Settings {
        #[command(subcommand)]
        action: Option<SettingsAction>,
        #[arg(long, global = true)]
        json: bool,
    },
    /// The project's client keys (DSNs)
    Keys {
        #[command(subcommand)]
        action: Option<KeysAction>,
        #[arg(long, global = true)]
        json: bool,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum SettingsAction {
    /// Show the settings (the default)
    Show,
    /// Turn error tracking on
    Enable,
    /// Turn error tracking off
    Disable,
}

#[derive(Subcommand, Debug, Clone)]
pub enum KeysAction {
    /// List the keys and their DSNs (the default)
    List,
    /// Create a key
    Create {
        /// A name for the key (Sentry only)
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete a key: asks on a terminal, needs --yes otherwise
    Delete {
        id: String,
        /// Delete without asking
        #[arg(long)]
        yes: bool,
    },
    /// Replace a key: create a new one, send a test event through it, then delete the old one
    Rotate {
        id: String,
        /// Name of the new key (Sentry only; default: the old name, marked rotated)
        #[arg(long)]
        name: Option<String>,
        /// Delete the old key without asking once the new one works
        #[arg(long)]
        yes: bool,
    },
    /// Send one test event through a DSN and say whether it arrived
    Test { dsn: String },
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
        Err(Failure::Fail(e)) => {
            eprintln!("errtui: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(e)) => {
            eprintln!("errtui: {e}");
            ExitCode::from(2)
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
        backend: g.backend.map(|b| match b {
            BackendArg::Sentry => BackendKind::Sentry,
            BackendArg::Gitlab => BackendKind::Gitlab,
        }),
        url: g.url.clone(),
        org: g.org.clone(),
        project: g.project.clone(),
        auth_token: g.auth_token.clone(),
        sentry_token: g.sentry_token.clone(),
    }
}

pub fn backend_from(g: &Global) -> Result<Arc<dyn Backend>, String> {
    let b: Arc<dyn Backend> = match config::target(&flags(g), &env)? {
        Target::Sentry(t) => Arc::new(
            SentryBackend::new(&t.url, &t.org, t.project.as_deref(), t.token)
                .map_err(|e| e.to_string())?,
        ),
        Target::Gitlab(t) => Arc::new(
            GitlabBackend::new(&t.url, &t.project, t.token, t.sentry_token)
                .map_err(|e| e.to_string())?,
        ),
    };
    Ok(b)
}

async fn start_demo(args: &DemoArgs, port: u16) -> Result<demo::DemoServer, String> {
    demo::start(DemoOptions {
        port,
        errors: args.errors,
        latency: Duration::from_millis(args.latency),
    })
    .await
}

/// How a command failed: exit 1, or exit 2 for a usage problem.
#[derive(Debug)]
pub enum Failure {
    Fail(String),
    Usage(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Fail(s) | Failure::Usage(s) => f.write_str(s),
        }
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Fail(s)
    }
}

impl From<crate::backend::BackendError> for Failure {
    fn from(e: crate::backend::BackendError) -> Self {
        Failure::Fail(e.to_string())
    }
}

fn print(text: &str) -> Result<(), Failure> {
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::Fail(format!("could not write the output: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Failure::Fail(e.to_string()))
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let g = &cli.global;
    match cli.command {
        None => Ok(crate::runtime::run(backend_from(g)?).await?),
        Some(Command::Demo(args)) => {
            let server = start_demo(&args, 0).await?;
            let b: Arc<dyn Backend> = match g.backend {
                Some(BackendArg::Gitlab) => Arc::new(
                    GitlabBackend::new(
                        &server.url(),
                        demo::data::GITLAB_PROJECT,
                        Secret::new("demo", "the demo"),
                        Some(Secret::new("demo", "the demo")),
                    )
                    .map_err(|e| e.to_string())?,
                ),
                _ => Arc::new(
                    SentryBackend::new(
                        &server.url(),
                        demo::data::ORG,
                        Some(demo::data::PROJECT),
                        Secret::new("demo", "the demo"),
                    )
                    .map_err(|e| e.to_string())?,
                ),
            };
            Ok(crate::runtime::run(b).await?)
        }
        Some(Command::DemoServer { port, demo: args }) => {
            let server = start_demo(&args, port).await?;
            println!("listening on {}", server.url());
            let _ = std::io::stdout().flush();
            eprintln!(
                "Sentry: org `demo`, project `demo`; GitLab: project `{}`. Any non-empty token works. Ctrl-C stops.\n  e.g. SENTRY_URL={} SENTRY_ORG=demo SENTRY_PROJECT=demo SENTRY_AUTH_TOKEN=x errtui list\n       GITLAB_HOST={} GITLAB_TOKEN=x errtui --project {} settings",
                demo::data::GITLAB_PROJECT,
                server.url(),
                server.url(),
                demo::data::GITLAB_PROJECT
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
            let b = backend_from(g)?;
            let q = ListQuery {
                status: status.into(),
                text: query,
                sort: sort.into(),
            };
            let items = list_all(b.as_ref(), &q, limit).await?;
            print(&if json {
                to_json(&items)?
            } else {
                table(&items, chrono::Utc::now())
            })
        }
        Some(Command::Show { id, json }) => {
            let b = backend_from(g)?;
            let detail = patiently(b.as_ref(), || b.detail(&id)).await?;
            let event = patiently(b.as_ref(), || b.latest_event(&id))
                .await
                .map_err(|e| Failure::Fail(format!("could not load the latest event: {e}")))?;
            print(&if json {
                show_json(&detail, &event)?
            } else {
                show_text(&detail, &event, chrono::Utc::now())
            })
        }
        Some(Command::Resolve { ids }) => change(g, &ids, Status::Resolved).await,
        Some(Command::Ignore { ids }) => change(g, &ids, Status::Ignored).await,
        Some(Command::Unresolve { ids }) => change(g, &ids, Status::Unresolved).await,
        Some(Command::Settings { action, json }) => {
            let b = backend_from(g)?;
            let s = match action.unwrap_or(SettingsAction::Show) {
                SettingsAction::Show => b.settings().await?,
                SettingsAction::Enable => {
                    let s = b.set_settings(true, None).await?;
                    eprintln!("Error tracking is now on.");
                    s
                }
                SettingsAction::Disable => {
                    let s = b.set_settings(false, None).await?;
                    eprintln!("Error tracking is now off.");
                    s
                }
            };
            print(&if json {
                to_json(&s)?
            } else {
                settings_text(&s)
            })
        }
        Some(Command::Keys { action, json }) => {
            keys(g, action.unwrap_or(KeysAction::List), json).await
        }
    }
}

async fn keys(g: &Global, action: KeysAction, json: bool) -> Result<(), Failure> {
    // Testing a DSN needs no account: the DSN is the credential.
    let b = match &action {
        KeysAction::Test { .. } => None,
        _ => Some(backend_from(g)?),
    };
    let b = || b.clone().ok_or_else(|| Failure::Fail("no backend".into()));
    match action {
        KeysAction::List => {
            let keys = b()?.list_keys().await?;
            print(&if json {
                to_json(&keys)?
            } else {
                keys_table(&keys)
            })
        }
        KeysAction::Create { name } => {
            let k = b()?.create_key(name.as_deref()).await?;
            eprintln!("Created client key {}.", sanitize(&k.id));
            print(&if json {
                to_json(&k)?
            } else {
                keys_table(std::slice::from_ref(&k))
            })
        }
        KeysAction::Test { dsn } => {
            let parsed = crate::dsn::Dsn::parse(&dsn).map_err(Failure::Usage)?;
            match crate::dsn::send_test_event(&dsn).await {
                Ok(event_id) => {
                    eprintln!(
                        "The test event arrived: {} accepted it as event {event_id}.",
                        sanitize(&parsed.host)
                    );
                    if json {
                        print(&to_json(
                            &serde_json::json!({"accepted": true, "event_id": event_id, "host": parsed.host, "project_id": parsed.project_id}),
                        )?)
                    } else {
                        print(&format!("{event_id}\n"))
                    }
                }
                Err(why) => Err(Failure::Fail(format!(
                    "The test event did not arrive: {why}."
                ))),
            }
        }
        KeysAction::Rotate { id, name, yes } => rotate(b()?.as_ref(), &id, name, yes, json).await,
        KeysAction::Delete { id, yes } => {
            let b = b()?;
            let keys = b.list_keys().await?;
            let key = find_key(&keys, &id)?;
            let last_active = key.active && keys.iter().filter(|k| k.active).count() == 1;
            if !yes {
                confirm_delete(key, last_active)?;
            }
            let deleted = b.delete_key(&key.id).await?;
            eprintln!(
                "Deleted client key {} ({}).",
                sanitize(&deleted.id),
                sanitize(&deleted.public_key)
            );
            if json {
                print(&to_json(&deleted)?)
            } else {
                Ok(())
            }
        }
    }
}

fn find_key<'a>(
    keys: &'a [crate::model::ClientKey],
    id: &str,
) -> Result<&'a crate::model::ClientKey, Failure> {
    keys.iter()
        .find(|k| k.id == id || k.public_key == id)
        .ok_or_else(|| Failure::Fail(format!("No client key `{}` in this project.", sanitize(id))))
}

/// Rotation, in the only safe order: create, test, and only then delete the old key. Any
/// failure stops with both keys in place.
async fn rotate(
    b: &dyn Backend,
    id: &str,
    name: Option<String>,
    yes: bool,
    json: bool,
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let keys = b.list_keys().await?;
    let old = find_key(&keys, id)?.clone();
    let name = name.unwrap_or_else(|| old.rotated_name(chrono::Utc::now().date_naive()));
    let new = b.create_key(Some(&name)).await?;
    let Some(dsn) = new.dsn.clone() else {
        return Err(Failure::Fail(format!(
            "Created key {} but the server gave no DSN for it; the old key stays.",
            sanitize(&new.id)
        )));
    };
    eprintln!(
        "Created key {} with DSN:\n  {}",
        sanitize(&new.id),
        sanitize(&dsn)
    );
    let event_id = crate::dsn::send_test_event(&dsn).await.map_err(|why| {
        Failure::Fail(format!(
            "The new key did not accept a test event ({why}); both keys remain. Retry with `errtui keys test DSN`, or delete the new key with `errtui keys delete {}`.",
            sanitize(&new.id)
        ))
    })?;
    eprintln!("A test event through the new key arrived (event {event_id}).");
    let delete = if yes {
        true
    } else if std::io::stdin().is_terminal() {
        eprint!(
            "Deploy the new DSN to your applications first. Delete the old key {} ({}) now? Type 'yes' to delete: ",
            sanitize(&old.id),
            sanitize(&old.public_key)
        );
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    } else {
        false
    };
    let deleted = if delete {
        b.delete_key(&old.id).await.map_err(|e| {
            Failure::Fail(format!(
                "The new key works, but deleting the old one failed: {e}"
            ))
        })?;
        eprintln!("Deleted the old key {}. Rotation done.", sanitize(&old.id));
        true
    } else {
        eprintln!(
            "The old key {} stays active: delete it with `errtui keys delete {} --yes` once every application uses the new DSN.",
            sanitize(&old.id),
            sanitize(&old.id)
        );
        false
    };
    if json {
        print(&to_json(
            &serde_json::json!({"old": old, "new": new, "test_event_id": event_id, "old_deleted": deleted}),
        )?)
    } else {
        print(&format!("{}\n", sanitize(&dsn)))
    }
}

/// Asks on a terminal; refuses (usage error) when nobody can answer.
fn confirm_delete(key: &crate::model::ClientKey, last_active: bool) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let what = format!(
        "client key {} ({}{})",
        sanitize(&key.id),
        sanitize(&key.public_key),
        key.name
            .as_deref()
            .map(|n| format!(", \"{}\"", sanitize(n)))
            .unwrap_or_default()
    );
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(format!(
            "Not deleting {what} without confirmation: pass --yes to delete when not on a terminal."
        )));
    }
    let mut err = std::io::stderr().lock();
    if last_active {
        let _ = writeln!(
            err,
            "Warning: this is the project's last active key. Applications using it will stop reporting errors."
        );
    }
    let _ = write!(
        err,
        "Delete {what}? Applications using its DSN will stop reporting. Type 'yes' to delete: "
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Fail(format!("could not read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::Fail("Not deleted.".into()))
    }
}

fn settings_text(s: &crate::model::TrackingSettings) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
    format!(
        "Error tracking  {}\nBackend         {}\nSentry project  {}\nSentry URL      {}\nAPI URL         {}\n",
        if s.active { "on" } else { "off" },
        if s.integrated {
            "GitLab integrated"
        } else {
            "Sentry"
        },
        opt(&s.project_name),
        opt(&s.sentry_external_url),
        opt(&s.api_url)
    )
}

fn keys_table(keys: &[crate::model::ClientKey]) -> String {
    if keys.is_empty() {
        return "No client keys.\n".into();
    }
    let width_of = |f: &dyn Fn(&crate::model::ClientKey) -> String, min: usize, max: usize| {
        keys.iter()
            .map(|k| crate::text::width(&f(k)))
            .max()
            .unwrap_or(min)
            .clamp(min, max)
    };
    let id = |k: &crate::model::ClientKey| sanitize(&k.id);
    let name = |k: &crate::model::ClientKey| sanitize(k.name.as_deref().unwrap_or("—"));
    let (id_w, name_w) = (width_of(&id, 2, 34), width_of(&name, 4, 30));
    let mut out = format!(
        "{}  {}  {}  {}  {}  DSN\n",
        fit("ID", id_w),
        fit("NAME", name_w),
        fit("ACTIVE", 6),
        fit("CREATED", 10),
        fit("RATE LIMIT", 12)
    );
    for k in keys {
        let created = k
            .created
            .map(|c| c.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            fit(&id(k), id_w),
            fit(&name(k), name_w),
            fit(if k.active { "yes" } else { "no" }, 6),
            fit(&created, 10),
            fit(&crate::ui::format::rate_limit_text(k.rate_limit), 12),
            k.dsn.as_deref().map(sanitize).unwrap_or_else(|| "—".into())
        ));
    }
    out
}

/// Runs a read, waiting while GitLab warms its cache (as the TUI does), for a bounded time.
pub async fn patiently<T, F, Fut>(b: &dyn Backend, mut f: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::backend::Result<T>>,
{
    let start = std::time::Instant::now();
    let mut attempt = 0u64;
    loop {
        match f().await {
            Err(crate::backend::BackendError::Warming) => {
                attempt += 1;
                if start.elapsed()
                    >= Duration::from_secs(crate::app::update::WARM_LIMIT_SECS as u64)
                {
                    let why = b.diagnose().await.unwrap_or_default();
                    return Err(Failure::Fail(format!(
                        "{} {why}",
                        crate::app::update::NOT_AVAILABLE
                    )));
                }
                if attempt == 1 {
                    eprintln!("GitLab is fetching errors from Sentry…");
                }
                tokio::time::sleep(Duration::from_millis((1000 * attempt).min(4000))).await;
            }
            other => return other.map_err(Failure::from),
        }
    }
}

/// Follows pagination until `limit` errors or the last page.
pub async fn list_all(
    b: &dyn Backend,
    q: &ListQuery,
    limit: usize,
) -> Result<Vec<ErrorSummary>, Failure> {
    let mut items: Vec<ErrorSummary> = Vec::new();
    let mut cursor: Option<String> = None;
    while items.len() < limit {
        let want = (limit - items.len()).min(100);
        let page = patiently(b, || b.list(q, cursor.as_deref(), want)).await?;
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

async fn change(g: &Global, ids: &[String], status: Status) -> Result<(), Failure> {
    let b = backend_from(g)?;
    if let Some(reason) = b.probe().await.set_status {
        return Err(Failure::Fail(reason));
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
        Err(Failure::Fail(format!(
            "{failed} of {} changes failed",
            ids.len()
        )))
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

fn show_json(d: &crate::model::ErrorDetail, ev: &crate::model::Event) -> Result<String, Failure> {
    let mut v = serde_json::to_value(d).map_err(|e| e.to_string())?;
    let exceptions = serde_json::to_value(&ev.exceptions).map_err(|e| e.to_string())?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("exceptions".into(), exceptions);
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
    to_json(&v)
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
