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
use crate::model::{Change, ErrorSummary, EventRef, ListQuery, Sort, StatusFilter};
use crate::text::sanitize;

mod keys;
mod output;
mod triage;
mod tui;
pub mod watch;

pub use output::table;
use output::{events_table, settings_text, show_json, show_text, tags_text};
use tui::tui_options;

#[derive(Parser, Debug)]
#[command(
    name = "errtui",
    version,
    about = "A keyboard-driven terminal UI for error tracking: Sentry (sentry.io, self-hosted), GlitchTip, and GitLab Error Tracking",
    after_help = "Start with `errtui demo` (a built-in server, no account), `errtui doctor` to check a setup, or see config.example.toml for profiles."
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
    /// GitLab backend: the Sentry that --sentry-token belongs to [env: SENTRY_URL; default: https://sentry.io]
    #[arg(long, global = true)]
    pub sentry_url: Option<String>,
    /// Allow sending tokens over plain http:// to a host that is not this machine
    #[arg(long, global = true)]
    pub allow_http: bool,
    /// Show absolute times in UTC instead of the local time zone
    #[arg(long, global = true)]
    pub utc: bool,
    /// Write a debug log to this file [env: ERRTUI_LOG]
    #[arg(long, global = true)]
    pub log_file: Option<std::path::PathBuf>,
    /// The config file [env: ERRTUI_CONFIG; default: the platform's config directory, e.g.
    /// ~/.config/errtui/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<std::path::PathBuf>,
    /// The profile of the config file to use [env: ERRTUI_PROFILE; default: default_profile]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Refuse every change: nothing but reads leaves the machine
    #[arg(long, global = true)]
    pub read_only: bool,
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
    /// Show one error with an event and its stack trace. ID: a number, a short id (WEB-1A2),
    /// an event id, or the error's link (Sentry, GlitchTip or GitLab)
    Show {
        id: String,
        /// Which event: latest, oldest, recommended or an event id
        #[arg(long)]
        event: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// An error's events, newest first
    Events {
        id: String,
        /// Stop after this many events
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Tag breakdowns of an error: each tag's top values across its events
    Tags {
        id: String,
        /// Only this tag (release, environment, browser…)
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open the terminal UI on one error (a number, short id, event id or link)
    Open {
        id: String,
        /// Which event: latest, oldest, recommended or an event id
        #[arg(long)]
        event: Option<String>,
    },
    /// Resolve errors (one bulk request per 100 on Sentry)
    Resolve {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Resolve in the release after the project's latest: the error comes back if it
        /// happens in a newer one
        #[arg(long, conflicts_with = "in_release")]
        in_next_release: bool,
        /// Resolve in this release
        #[arg(long, value_name = "VERSION")]
        in_release: Option<String>,
        /// Why: posted as a comment on each error
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Ignore (archive) errors. Plain `ignore` ignores as every server understands it
    Ignore {
        #[arg(required = true)]
        ids: Vec<String>,
        /// For a while: 30m, 1h, 1d, 1w
        #[arg(long = "for", value_name = "DURATION", group = "until")]
        for_: Option<String>,
        /// Until N more events
        #[arg(long, value_name = "N", group = "until")]
        until_count: Option<u64>,
        /// Until N more users
        #[arg(long, value_name = "N", group = "until")]
        until_users: Option<u64>,
        /// The window the count or users must happen in: 1h, 1d, up to 1w
        #[arg(long, value_name = "DURATION")]
        window: Option<String>,
        /// Until it escalates (Sentry's default archive)
        #[arg(long, group = "until")]
        until_escalating: bool,
        /// For ever
        #[arg(long, group = "until")]
        forever: bool,
        /// Why: posted as a comment on each error
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Mark errors unresolved again
    Unresolve {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Assign errors: the last argument is who (me, a user's name, username, email or id,
    /// team:SLUG, or none)
    Assign {
        #[arg(required = true, num_args = 2.., value_name = "ID... WHO")]
        args: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Bookmark errors (--off removes the bookmark)
    Bookmark {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        json: bool,
    },
    /// Merge errors into one (the server keeps the one with the most events)
    Merge {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Comment on an error
    Comment {
        id: String,
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Keep watching: print each error that is new, regressed, escalating or spiking, once, as
    /// a line or an NDJSON object (`event` = new|regressed|escalating|spike, plus the list
    /// fields), until interrupted
    Watch {
        /// Search, in the server's syntax
        #[arg(long)]
        query: Option<String>,
        /// Time between polls: 30s, 2m, 1h
        #[arg(long, default_value = "30s")]
        interval: String,
        /// Errors read per poll
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Check the setup step by step (config, profile, token, server, scopes, organization,
    /// project; on GitLab error tracking itself), with the fix for what fails
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script: errtui completions bash > /etc/bash_completion.d/errtui
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): errtui man > errtui.1
    Man,
    /// What errtui remembers between runs (which errors were seen)
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// The profiles of the config file, and which one is in use
    Profiles {
        #[arg(long)]
        json: bool,
    },
    /// GitLab issues from errors
    Issue {
        #[command(subcommand)]
        action: IssueAction,
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
pub enum CacheAction {
    /// Forget it all
    Clear,
    /// Where it is kept
    Path,
}

#[derive(Subcommand, Debug, Clone)]
pub enum IssueAction {
    /// Create a GitLab issue from an error; prints its URL
    Create {
        id: String,
        #[arg(long)]
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
    /// Turn a key on (Sentry, GitLab-style servers; GlitchTip cannot)
    Enable { id: String },
    /// Turn a key off: its applications stop reporting. Asks on a terminal, needs --yes otherwise
    Disable {
        id: String,
        /// Turn off without asking
        #[arg(long)]
        yes: bool,
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
    /// Which server the demo behaves like
    #[arg(long, value_enum, default_value_t = FlavorArg::Sentry)]
    pub flavor: FlavorArg,
    /// Errors arrive, regress and spike over time (one change every 15 s)
    #[arg(long)]
    pub live: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlavorArg {
    #[default]
    Sentry,
    /// GlitchTip 5.1, with each of its differences from Sentry
    Glitchtip,
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
    #[value(name = "last_seen", alias = "last-seen")]
    LastSeen,
    #[value(name = "first_seen", alias = "first-seen")]
    FirstSeen,
    Events,
    /// Not on GlitchTip (it counts no users) nor GitLab
    Users,
    /// GlitchTip's blend of events and recency
    Priority,
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
            SortArg::Priority => Sort::Priority,
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
            eprintln!("errtui: {}", crate::text::sanitize_lines(&e).join("\n"));
            ExitCode::from(1)
        }
        Err(Failure::Usage(e)) => {
            eprintln!("errtui: {}", crate::text::sanitize_lines(&e).join("\n"));
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
        sentry_url: g.sentry_url.clone(),
        allow_http: g.allow_http,
        read_only: g.read_only,
        config: g.config.clone(),
        profile: g.profile.clone(),
    }
}

/// Resolves flags, environment, profile and discovered credentials; says the config's warnings.
pub fn resolved(g: &Global) -> Result<config::Resolved, String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let r = config::resolve(&flags(g), &env, &cwd, home.as_deref())?;
    for w in &r.warnings {
        eprintln!("errtui: {w}");
    }
    Ok(r)
}

pub fn backend_from(g: &Global) -> Result<Arc<dyn Backend>, String> {
    let r = resolved(g)?;
    backend_for(r, g.allow_http)
}

/// The backend for a resolved target, with the profile's HTTP options: read-only, extra
/// headers, a CA file.
pub fn backend_for(r: config::Resolved, allow: bool) -> Result<Arc<dyn Backend>, String> {
    let http = |h: crate::backend::http::Http| -> Result<crate::backend::http::Http, String> {
        let mut h = h
            .with_allow_http(allow)
            .with_read_only(r.read_only.clone())
            .with_headers(&r.headers)
            .map_err(|e| e.to_string())?;
        if let Some(ca) = &r.ca_file {
            h = h.with_ca_file(ca).map_err(|e| e.to_string())?;
        }
        Ok(h)
    };
    let b: Arc<dyn Backend> = match r.target.clone() {
        Target::Sentry(t) => Arc::new(
            SentryBackend::new(&t.url, &t.org, t.project.as_deref(), t.token)
                .map_err(|e| e.to_string())?
                .try_with_http(http)?,
        ),
        Target::Gitlab(t) => Arc::new(
            GitlabBackend::new(&t.url, &t.project, t.token, t.sentry_token)
                .map_err(|e| e.to_string())?
                .with_sentry_url(&t.sentry_url)
                .try_with_http(http)?,
        ),
    };
    Ok(b)
}

/// What `show`, `events`, `tags` and `open` were pointed at.
pub struct Located {
    pub backend: Arc<dyn Backend>,
    pub id: String,
    pub event: Option<EventRef>,
}

/// Reads a number, short id, event id or link; the organization (or GitLab project) comes
/// from a link, and its server must be the one the token belongs to.
pub async fn locate(g: &Global, input: &str, event: Option<&str>) -> Result<Located, Failure> {
    let p = crate::link::parse(input).map_err(Failure::Usage)?;
    let mut g = g.clone();
    if let Some(project) = &p.gitlab_project {
        g.backend = Some(BackendArg::Gitlab);
        g.project = Some(project.clone());
    } else if p.server.is_some() {
        g.backend = Some(BackendArg::Sentry);
        if let Some(org) = &p.org {
            g.org = Some(org.clone());
        }
    }
    let r = resolved(&g)?;
    let target = r.target.clone();
    let url = match &target {
        Target::Sentry(t) => t.url.clone(),
        Target::Gitlab(t) => t.url.clone(),
    };
    if !crate::link::same_server(&url, &p) {
        let there = p.server.clone().unwrap_or_default();
        return Err(Failure::Usage(format!(
            "That link is on {}, but errtui's token belongs to {} (from --url or the environment), and a token goes only to its own server. Pass --url {} with a token for that server.",
            sanitize(&there),
            sanitize(&url),
            sanitize(&there)
        )));
    }
    let backend = backend_for(r, g.allow_http)?;
    let event = match event.or(p.event.as_deref()) {
        Some(e) => Some(EventRef::parse(e).map_err(Failure::Usage)?),
        None => None,
    };
    let id = match (&p.issue, &event) {
        (Some(id), _) => id.clone(),
        (None, Some(EventRef::Id(e))) => backend.find_event(e).await?,
        _ => return Err(Failure::Usage("no error given".into())),
    };
    Ok(Located { backend, id, event })
}

async fn start_demo(args: &DemoArgs, port: u16) -> Result<demo::DemoServer, String> {
    demo::start(DemoOptions {
        port,
        errors: args.errors,
        latency: Duration::from_millis(args.latency),
        flavor: match args.flavor {
            FlavorArg::Sentry => demo::DemoFlavor::Sentry,
            FlavorArg::Glitchtip => demo::DemoFlavor::Glitchtip,
        },
        live: args.live,
        live_every: Duration::from_secs(15),
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

pub(super) fn print(text: &str) -> Result<(), Failure> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // The reader stopped (`| head`): nothing is wrong.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Failure::Fail(format!("could not write the output: {e}"))),
    }
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(v)
        .map(|s| crate::text::escape_c1(&s) + "\n")
        .map_err(|e| Failure::Fail(e.to_string()))
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let g = &cli.global;
    if let Some(cmd) = &cli.command
        && mutates(cmd)
    {
        read_only_guard(g)?;
    }
    match cli.command {
        None => {
            let b = backend_from(g).map_err(|e| {
                format!(
                    "{e}\n\nTo start: `errtui demo` tries everything on a built-in server; or add a profile to {} (see config.example.toml; `errtui profiles` lists them); or set SENTRY_URL, SENTRY_ORG and SENTRY_AUTH_TOKEN (GITLAB_TOKEN and --project for GitLab). A ~/.sentryclirc or glab login is found by itself.",
                    config::file::path(None, &env)
                        .map(|(p, _)| p.display().to_string())
                        .unwrap_or_else(|| "the config file".into())
                )
            })?;
            Ok(crate::runtime::run(b, tui_options(g)).await?)
        }
        Some(Command::Profiles { json }) => profiles(g, json),
        Some(Command::Doctor { json }) => doctor(g, json).await,
        Some(Command::Cache { action }) => {
            let Some(p) = crate::store::path() else {
                return Err(Failure::Fail(
                    "errtui has no place to keep a cache here".into(),
                ));
            };
            match action {
                CacheAction::Path => print(&format!("{}\n", p.display())),
                CacheAction::Clear => {
                    let had = crate::store::clear(&p)?;
                    print(&format!(
                        "{} {}\n",
                        if had {
                            "Cleared"
                        } else {
                            "Nothing to clear at"
                        },
                        p.display()
                    ))
                }
            }
        }
        Some(Command::Watch {
            query,
            interval,
            limit,
            json,
        }) => watch::watch(g, query, &interval, limit, json).await,
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "errtui", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| Failure::Fail(format!("could not write the man page: {e}")))?;
            print(&String::from_utf8_lossy(&out))
        }
        Some(Command::Demo(args)) => {
            let server = start_demo(&args, 0).await?;
            let ro = g.read_only.then(|| "--read-only is on".to_string());
            let b: Arc<dyn Backend> = match g.backend {
                Some(BackendArg::Gitlab) => Arc::new(
                    GitlabBackend::new(
                        &server.url(),
                        demo::data::GITLAB_PROJECT,
                        Secret::new("demo", "the demo"),
                        Some(Secret::new("demo", "the demo")),
                    )
                    .map_err(|e| e.to_string())?
                    .with_sentry_url(&server.url())
                    .with_http(|h| h.with_read_only(ro.clone())),
                ),
                _ => Arc::new(
                    SentryBackend::new(
                        &server.url(),
                        demo::data::ORG,
                        Some(demo::data::PROJECT),
                        Secret::new("demo", "the demo"),
                    )
                    .map_err(|e| e.to_string())?
                    .with_http(|h| h.with_read_only(ro.clone())),
                ),
            };
            Ok(crate::runtime::run(
                b,
                crate::runtime::RunOptions {
                    memory_key: Some(format!("demo:{:?}", args.flavor)),
                    ..tui_options(g)
                },
            )
            .await?)
        }
        Some(Command::DemoServer { port, demo: args }) => {
            let server = start_demo(&args, port).await?;
            println!("listening on {}", server.url());
            let _ = std::io::stdout().flush();
            eprintln!(
                "{}: org `demo`, project `demo`; GitLab: project `{}`. Any non-empty token works. Ctrl-C stops.\n  e.g. SENTRY_URL={} SENTRY_ORG=demo SENTRY_PROJECT=demo SENTRY_AUTH_TOKEN=x errtui list\n       GITLAB_HOST={} GITLAB_TOKEN=x errtui --project {} settings",
                match args.flavor {
                    FlavorArg::Sentry => "Sentry",
                    FlavorArg::Glitchtip => "GlitchTip",
                },
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
                project: None,
            };
            let items = list_all(b.as_ref(), &q, limit).await?;
            print(&if json {
                to_json(&items)?
            } else {
                table(&items, chrono::Utc::now(), b.capabilities().user_counts)
            })
        }
        Some(Command::Show { id, event, json }) => {
            let Located {
                backend: b,
                id,
                event,
            } = locate(g, &id, event.as_deref()).await?;
            let which = event.unwrap_or_default();
            let mut detail = patiently(b.as_ref(), || b.detail(&id)).await?;
            let event = patiently(b.as_ref(), || b.event(&id, &which))
                .await
                .map_err(|e| {
                    Failure::Fail(format!(
                        "could not load the {} event: {e}",
                        match &which {
                            EventRef::Id(_) => "asked-for",
                            w => w.path_part(),
                        }
                    ))
                })?;
            detail.fill_from(&event);
            print(&if json {
                show_json(&detail, &event)?
            } else {
                show_text(
                    &detail,
                    &event,
                    chrono::Utc::now(),
                    b.capabilities().user_counts,
                )
            })
        }
        Some(Command::Events { id, limit, json }) => {
            let Located { backend: b, id, .. } = locate(g, &id, None).await?;
            let items = events_all(b.as_ref(), &id, limit).await?;
            print(&if json {
                to_json(&items)?
            } else {
                events_table(&items)
            })
        }
        Some(Command::Tags { id, key, json }) => {
            let Located { backend: b, id, .. } = locate(g, &id, None).await?;
            let tags = b.tags(&id, key.as_deref()).await?;
            print(&if json {
                to_json(&tags)?
            } else {
                tags_text(&tags)
            })
        }
        Some(Command::Open { id, event }) => {
            let Located { backend, id, event } = locate(g, &id, event.as_deref()).await?;
            Ok(crate::runtime::run(
                backend,
                crate::runtime::RunOptions {
                    start: Some((id, event.unwrap_or_default())),
                    ..tui_options(g)
                },
            )
            .await?)
        }
        Some(Command::Resolve {
            ids,
            in_next_release,
            in_release,
            reason,
            json,
        }) => {
            triage::resolve(g, &ids, in_next_release, in_release, json).await?;
            triage::post_reason(g, &ids, reason.as_deref()).await
        }
        Some(Command::Ignore {
            ids,
            for_,
            until_count,
            until_users,
            window,
            until_escalating,
            forever,
            reason,
            json,
        }) => {
            let archive = triage::archive_of(
                for_.as_deref(),
                until_count,
                until_users,
                window.as_deref(),
                until_escalating,
                forever,
            )?;
            triage::apply(g, &ids, Change::Archive(archive), json).await?;
            triage::post_reason(g, &ids, reason.as_deref()).await
        }
        Some(Command::Unresolve { ids, json }) => {
            triage::apply(g, &ids, Change::Unresolve, json).await
        }
        Some(Command::Assign { mut args, json }) => {
            let who = args.pop().unwrap_or_default();
            triage::assign(g, &args, &who, json).await
        }
        Some(Command::Bookmark { ids, off, json }) => {
            triage::apply(g, &ids, Change::Bookmark(!off), json).await
        }
        Some(Command::Merge { ids, json }) => triage::merge(g, &ids, json).await,
        Some(Command::Comment { id, text, json }) => triage::comment(g, &id, &text, json).await,
        Some(Command::Issue {
            action: IssueAction::Create { id, json },
        }) => triage::create_issue(g, &id, json).await,
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
            keys::keys(g, action.unwrap_or(KeysAction::List), json).await
        }
    }
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

/// An error's events up to `limit`, page by page; a cursor seen before ends the walk.
async fn events_all(
    b: &dyn Backend,
    id: &str,
    limit: usize,
) -> Result<Vec<crate::model::EventSummary>, Failure> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut guard = crate::backend::http::PageGuard::default();
    while items.len() < limit {
        let want = (limit - items.len()).min(100);
        let page = b.events(id, cursor.as_deref(), want).await?;
        let got = page.items.len();
        items.extend(page.items);
        match page.next.filter(|c| got > 0 && guard.follow(c)) {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    items.truncate(limit);
    Ok(items)
}

/// `errtui profiles`: each profile's server and token source (never the token).
fn profiles(g: &Global, json: bool) -> Result<(), Failure> {
    let (loaded, chosen) = config::load_profile(&flags(g), &env)?;
    let Some((path, cfg)) = loaded else {
        let where_ = config::file::path(g.config.as_deref(), &env)
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_else(|| "the platform config directory".into());
        return print(&format!(
            "No config file at {where_}. Profiles go there as [profiles.NAME] tables: see config.example.toml.\n"
        ));
    };
    let rows: Vec<serde_json::Value> = cfg
        .profiles
        .iter()
        .map(|(name, p)| {
            let token = if p.token.is_some() {
                "token (in the file)".to_string()
            } else if let Some(v) = &p.token_env {
                format!("token_env {v}")
            } else if p.token_cmd.is_some() {
                "token_cmd".to_string()
            } else {
                "environment or discovered".to_string()
            };
            serde_json::json!({
                "name": name,
                "backend": match p.backend { Some(config::file::BackendName::Gitlab) => "gitlab", _ => "sentry" },
                "url": p.url,
                "org": p.org,
                "project": p.project,
                "token_source": token,
                "read_only": p.read_only,
                "default": cfg.default_profile.as_deref() == Some(name.as_str()),
                "selected": chosen.as_deref() == Some(name.as_str()),
            })
        })
        .collect();
    if json {
        return print(&to_json(&rows)?);
    }
    let mut out = format!("{}\n", path.display());
    for r in &rows {
        let s = |k: &str| r[k].as_str().map(sanitize).unwrap_or_default();
        let mark = if r["selected"] == true { "*" } else { " " };
        let place = [s("org"), s("project")]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        out.push_str(&format!(
            "{mark} {:<16} {:<7} {:<32} {:<24} {}{}\n",
            s("name"),
            s("backend"),
            s("url"),
            place,
            s("token_source"),
            if r["read_only"] == true {
                "  read-only"
            } else {
                ""
            }
        ));
    }
    if cfg.profiles.is_empty() {
        out.push_str("  (no profiles: add [profiles.NAME] tables)\n");
    }
    print(&out)
}

/// Commands that change something on a server (or send a test event).
fn mutates(cmd: &Command) -> bool {
    match cmd {
        Command::Resolve { .. }
        | Command::Ignore { .. }
        | Command::Unresolve { .. }
        | Command::Assign { .. }
        | Command::Bookmark { .. }
        | Command::Merge { .. }
        | Command::Comment { .. }
        | Command::Issue { .. } => true,
        Command::Settings { action, .. } => {
            matches!(
                action,
                Some(SettingsAction::Enable | SettingsAction::Disable)
            )
        }
        Command::Keys { action, .. } => !matches!(action, None | Some(KeysAction::List)),
        _ => false,
    }
}

/// Read-only mode (`--read-only`, or `read_only = true` in the profile): one message, and
/// nothing sent.
fn read_only_guard(g: &Global) -> Result<(), Failure> {
    let why = if g.read_only {
        Some("--read-only is on".to_string())
    } else {
        let (loaded, name) = config::load_profile(&flags(g), &env)?;
        match (loaded, name) {
            (Some((_, cfg)), Some(n)) if cfg.profiles.get(&n).is_some_and(|p| p.read_only) => {
                Some(format!("profile `{n}` is read-only"))
            }
            _ => None,
        }
    };
    match why {
        Some(w) => Err(Failure::Fail(format!(
            "Read-only ({w}): errtui changes nothing here. Use another profile, or drop --read-only."
        ))),
        None => Ok(()),
    }
}

/// `errtui doctor`: one line per check, the fix under what fails; exit 0 only when nothing
/// fails.
async fn doctor(g: &Global, json: bool) -> Result<(), Failure> {
    use crate::model::{Check, CheckStatus};
    let mut checks = Vec::new();
    let f = flags(g);
    // The config file.
    let path = config::file::path(f.config.as_deref(), &env);
    let loaded = config::load_profile(&f, &env);
    match (&path, &loaded) {
        (_, Err(e)) if e.contains("config") || e.contains(".toml") => {
            checks.push(Check::fail(
                "config",
                e.clone(),
                "Fix the file (config.example.toml documents every option).",
            ));
        }
        (Some((p, _)), Ok((Some((_, cfg)), _))) => checks.push(Check::ok(
            "config",
            format!("{} ({} profiles)", p.display(), cfg.profiles.len()),
        )),
        (Some((p, _)), Ok((None, _))) => checks.push(Check::ok(
            "config",
            format!(
                "none at {} (optional: flags, the environment and discovered credentials are used)",
                p.display()
            ),
        )),
        _ => checks.push(Check::ok("config", "none (optional)")),
    }
    // The profile.
    match &loaded {
        Ok((_, Some(n))) => checks.push(Check::ok("profile", format!("`{n}`"))),
        Ok((_, None)) => checks.push(Check::ok(
            "profile",
            "none: flags, the environment and discovered credentials",
        )),
        Err(e) => checks.push(Check::fail(
            "profile",
            e.clone(),
            "Pick a profile that exists (`errtui profiles` lists them).",
        )),
    }
    // Where the server and token come from.
    let resolved = if checks.iter().any(|c| c.status == CheckStatus::Fail) {
        None
    } else {
        match resolved(g) {
            Ok(r) => {
                let (server, token) = match &r.target {
                    Target::Sentry(t) => (
                        format!("Sentry-style server {} · org `{}`", t.url, t.org),
                        t.token.source.clone(),
                    ),
                    Target::Gitlab(t) => (
                        format!("GitLab {} · project `{}`", t.url, t.project),
                        t.token.source.clone(),
                    ),
                };
                checks.push(Check::ok("settings", sanitize(&server)));
                checks.push(Check::ok(
                    "token found",
                    format!("from {}", sanitize(&token)),
                ));
                if let Some(why) = &r.read_only {
                    checks.push(Check::ok("read-only", sanitize(why)));
                }
                Some(r)
            }
            Err(e) => {
                checks.push(Check::fail(
                    "token found",
                    e,
                    "Give a token: token_env or token_cmd in the profile, the environment variable named above, a ~/.sentryclirc, or glab's login.",
                ));
                None
            }
        }
    };
    match resolved {
        Some(r) => match backend_for(r, g.allow_http) {
            Ok(b) => checks.extend(b.checks().await),
            Err(e) => checks.push(Check::fail(
                "server",
                e,
                "Fix the profile's headers or ca_file.",
            )),
        },
        None => checks.push(Check::skip("server")),
    }
    let failed = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    if json {
        print(&to_json(&checks)?)?;
    } else {
        let mut out = String::new();
        for c in &checks {
            let mark = match c.status {
                CheckStatus::Ok => "✓",
                CheckStatus::Warn => "!",
                CheckStatus::Fail => "✗",
                CheckStatus::Skip => "-",
            };
            out.push_str(&format!("{mark} {:<15} {}\n", c.name, sanitize(&c.detail)));
            if let Some(fix) = &c.fix
                && c.status != CheckStatus::Ok
            {
                out.push_str(&format!("  {:<15} fix: {}\n", "", sanitize(fix)));
            }
        }
        print(&out)?;
    }
    if failed > 0 {
        Err(Failure::Fail(format!("{failed} check(s) failed")))
    } else {
        Ok(())
    }
}
