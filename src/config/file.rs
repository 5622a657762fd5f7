//! `config.toml`: profiles for every server, each with a token source, read-only, extra headers
//! and a CA file. Errors name the file, the line and the fix; unknown keys are errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::BackendKind;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when neither `--profile` nor `ERRTUI_PROFILE` names one.
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Saved lists (gh-dash's sections): `1`…`9` switch between them.
    #[serde(default)]
    pub views: Vec<ViewDef>,
    /// Custom commands (k9s plugins): a key runs a shell command on the selected error.
    #[serde(default)]
    pub commands: Vec<CommandDef>,
    /// Checkouts of your code: `e` opens a frame's file found under one of them.
    #[serde(default)]
    pub source_roots: Vec<PathBuf>,
    /// `default` (the terminal's 16 colours) or `mono` (no colour, as with NO_COLOR).
    pub theme: Option<String>,
    /// How often the list refreshes on its own: `30s` (the default), `2m`; `0` turns it off.
    pub refresh: Option<String>,
    /// When a new or regressed error arrives: `off` (the default), `bell`, or `notify` (a
    /// desktop notification through the terminal, OSC 9 / OSC 777).
    pub alert: Option<AlertName>,
    /// Keys by action name, over errtui's defaults (assets/keymap.toml): `top = ["g g", "Home"]`.
    #[serde(default)]
    pub keys: BTreeMap<String, crate::app::keymap::KeyList>,
}

impl ConfigFile {
    /// errtui's keymap with this file's `[keys]` over it (checked when the file was read).
    pub fn keymap(&self) -> crate::app::keymap::Keymap {
        keymap_of(self, "").unwrap_or_else(|_| crate::app::keymap::Keymap::defaults().clone())
    }
}

/// The merged keymap; errors name the line of the action in `text`.
fn keymap_of(cfg: &ConfigFile, text: &str) -> Result<crate::app::keymap::Keymap, String> {
    use crate::app::keymap::{KeyList, Keymap};
    let defaults: BTreeMap<String, KeyList> =
        toml::from_str(include_str!("../../assets/keymap.toml")).unwrap_or_default();
    // The line of `name =` in the [keys] table.
    let line = |name: &str| {
        let start = text.find("[keys]").unwrap_or(0);
        text[start..]
            .lines()
            .position(|l| {
                let t = l.trim_start();
                t.strip_prefix(name)
                    .or_else(|| t.strip_prefix(&format!("\"{name}\"")))
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
            .map(|i| text[..start].lines().count() + i + 1)
            .unwrap_or(0)
    };
    Keymap::build(&defaults, &cfg.keys, &line)
}

/// `[[commands]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandDef {
    /// One character: `O`, `!`, `g`…
    pub key: String,
    /// `list`, `error` (an opened error) or `everywhere` (the default).
    #[serde(default)]
    pub context: Option<CommandContext>,
    pub description: String,
    /// A shell command; `{short_id}`, `{url}`, `{frame.path}`, `{frame.line}`, `{tag:KEY}`…
    /// are filled in, each shell-quoted.
    pub run: String,
    /// Ask before running it.
    #[serde(default)]
    pub confirm: bool,
    /// It changes something: refused in read-only mode.
    #[serde(default)]
    pub mutating: bool,
    /// Wait for Enter after it ends (default true); false for an editor or a pager.
    pub pause: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandContext {
    List,
    Error,
    Everywhere,
}

impl CommandDef {
    /// The command as the app runs it, or why it cannot be: a key errtui already uses there
    /// (with `keys`), an unknown placeholder.
    pub fn command(
        &self,
        keys: &crate::app::keymap::Keymap,
    ) -> Result<crate::app::commands::CustomCommand, String> {
        use crate::app::keymap::{self, Ctx};
        let mut chars = self.key.chars();
        let (Some(key), None) = (chars.next(), chars.next()) else {
            return Err(format!(
                "command `{}`: key `{}` must be one character",
                self.description, self.key
            ));
        };
        let ctx = match self.context.unwrap_or(CommandContext::Everywhere) {
            CommandContext::List => Ctx::List,
            CommandContext::Error => Ctx::Error,
            CommandContext::Everywhere => Ctx::Everywhere,
        };
        let ev = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(key),
            crossterm::event::KeyModifiers::NONE,
        );
        let places: &[&[Ctx]] = match ctx {
            Ctx::Everywhere => &[
                &[Ctx::List],
                &[Ctx::Error, Ctx::Stack],
                &[Ctx::Keys],
                &[Ctx::Settings],
                &[Ctx::Events],
                &[Ctx::Tags],
            ],
            Ctx::List => &[&[Ctx::List]],
            _ => &[&[Ctx::Error, Ctx::Stack]],
        };
        for here in places {
            if let keymap::Found::Action(a) = keys.find(&[keymap::Key::of(&ev)], here) {
                return Err(format!(
                    "command `{}`: key `{key}` is errtui's `{}` there: pick another key",
                    self.description,
                    a.name()
                ));
            }
        }
        crate::app::commands::check(&self.run)
            .map_err(|e| format!("command `{}`: {e}", self.description))?;
        Ok(crate::app::commands::CustomCommand {
            key,
            ctx,
            description: self.description.clone(),
            run: self.run.clone(),
            confirm: self.confirm,
            mutating: self.mutating,
            pause: self.pause.unwrap_or(true),
        })
    }
}

/// `[[views]]`: a name and the list it shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewDef {
    pub name: String,
    /// Search text in the server's syntax (`level:fatal`, `assigned:me`, `TypeError`).
    #[serde(default)]
    pub query: String,
    pub status: Option<StatusName>,
    pub sort: Option<SortName>,
    /// Only errors seen in this environment (`environment:` in the search).
    pub environment: Option<String>,
    /// Another project of the organization: its slug or numeric id (Sentry and GlitchTip).
    pub project: Option<String>,
    /// Several projects of the organization in one list, by slug or numeric id.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Profiles combined into one list, each row marked with where it comes from.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// How often this view refreshes, over the profile's: `15s`, `2m`; `0` turns it off.
    pub refresh: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertName {
    Off,
    Bell,
    Notify,
}

impl From<AlertName> for crate::app::watching::Alert {
    fn from(a: AlertName) -> Self {
        match a {
            AlertName::Off => crate::app::watching::Alert::Off,
            AlertName::Bell => crate::app::watching::Alert::Bell,
            AlertName::Notify => crate::app::watching::Alert::Notify,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    Unresolved,
    Resolved,
    Ignored,
    All,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortName {
    LastSeen,
    FirstSeen,
    Events,
    Users,
    Priority,
}

impl ViewDef {
    /// The list query this view stands for.
    pub fn query(&self) -> crate::model::SavedView {
        use crate::model::{ListQuery, Sort, StatusFilter};
        let mut text = self.query.trim().to_string();
        if let Some(env) = self
            .environment
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let term = if env.contains(char::is_whitespace) {
                format!("environment:\"{env}\"")
            } else {
                format!("environment:{env}")
            };
            text = format!("{text} {term}").trim().to_string();
        }
        crate::model::SavedView {
            name: self.name.clone(),
            query: ListQuery {
                text,
                status: match self.status {
                    Some(StatusName::Resolved) => StatusFilter::Resolved,
                    Some(StatusName::Ignored) => StatusFilter::Ignored,
                    Some(StatusName::All) => StatusFilter::All,
                    _ => StatusFilter::Unresolved,
                },
                sort: match self.sort {
                    Some(SortName::FirstSeen) => Sort::FirstSeen,
                    Some(SortName::Events) => Sort::Events,
                    Some(SortName::Users) => Sort::Users,
                    Some(SortName::Priority) => Sort::Priority,
                    _ => Sort::LastSeen,
                },
                // Slugs are looked up among the organization's projects when the view opens.
                project: {
                    let all: Vec<&str> = self
                        .project
                        .iter()
                        .chain(&self.projects)
                        .map(|p| p.trim())
                        .filter(|p| !p.is_empty())
                        .collect();
                    (!all.is_empty()).then(|| all.join(","))
                },
            },
            profiles: self.profiles.iter().map(|p| p.trim().to_string()).collect(),
            refresh: self
                .refresh
                .as_deref()
                .map(|r| refresh_secs(r).unwrap_or(Some(30))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendName {
    Sentry,
    Gitlab,
}

impl From<BackendName> for BackendKind {
    fn from(b: BackendName) -> Self {
        match b {
            BackendName::Sentry => BackendKind::Sentry,
            BackendName::Gitlab => BackendKind::Gitlab,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub backend: Option<BackendName>,
    /// The server: Sentry's (`https://sentry.io`, `https://de.sentry.io`, self-hosted, GlitchTip)
    /// or GitLab's.
    pub url: Option<String>,
    /// Sentry or GlitchTip organization slug.
    pub org: Option<String>,
    /// Sentry project slug or id; GitLab project path or id.
    pub project: Option<String>,
    /// The token itself (the file must then be readable by you alone).
    pub token: Option<String>,
    /// The environment variable that holds the token.
    pub token_env: Option<String>,
    /// A command that prints the token (`pass show sentry`), run once.
    pub token_cmd: Option<String>,
    /// GitLab: the Sentry its error tracking uses, for status changes.
    pub sentry_url: Option<String>,
    pub sentry_token: Option<String>,
    pub sentry_token_env: Option<String>,
    pub sentry_token_cmd: Option<String>,
    /// Refuse every change.
    #[serde(default)]
    pub read_only: bool,
    /// Extra headers on every request (servers behind an access proxy).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A PEM file of certificate authorities to trust besides the system's.
    pub ca_file: Option<PathBuf>,
    /// This profile's refresh interval, over the file's `refresh`.
    pub refresh: Option<String>,
}

/// Where the config file is: `--config`, then `ERRTUI_CONFIG`, then the platform's config
/// directory (`$XDG_CONFIG_HOME/errtui/config.toml` on Linux). `explicit` says whether the
/// user named it (then it must exist).
pub fn path(flag: Option<&Path>, env: &dyn super::Lookup) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = env.get("ERRTUI_CONFIG").filter(|p| !p.trim().is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    directories::ProjectDirs::from("", "", "errtui")
        .map(|d| (d.config_dir().join("config.toml"), false))
}

/// Reads the config file: `None` when there is none at the default place.
pub fn load(path: &Path, explicit: bool) -> Result<Option<ConfigFile>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(None),
        Err(e) => {
            return Err(format!(
                "{}: cannot read the config file: {e}. Fix the path given with --config or ERRTUI_CONFIG.",
                path.display()
            ));
        }
    };
    parse(&text, path).map(Some)
}

/// Parses a config file's text; errors name the file and the line.
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, String> {
    let cfg: ConfigFile = toml::from_str(text).map_err(|e| {
        let start = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let line = text[..start].matches('\n').count() + 1;
        format!(
            "{}:{line}: {} See config.example.toml for every option.",
            path.display(),
            e.message().trim_end_matches('.')
        )
    })?;
    for (name, p) in &cfg.profiles {
        let sources = [&p.token, &p.token_env, &p.token_cmd]
            .iter()
            .filter(|s| s.is_some())
            .count();
        if sources > 1 {
            return Err(format!(
                "{}: profile `{name}` has more than one of token, token_env and token_cmd: keep one.",
                path.display()
            ));
        }
        if let Some(u) = &p.url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            return Err(format!(
                "{}: profile `{name}`: url `{u}` must start with https:// (or http:// for this machine).",
                path.display()
            ));
        }
    }
    for r in cfg
        .refresh
        .iter()
        .chain(cfg.profiles.values().filter_map(|p| p.refresh.as_ref()))
    {
        if let Err(e) = refresh_secs(r) {
            return Err(format!("{}: refresh: {e}.", path.display()));
        }
    }
    if let Some(t) = &cfg.theme
        && !matches!(t.as_str(), "default" | "mono")
    {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("theme"))
            .map(|i| i + 1)
            .unwrap_or(1);
        return Err(format!(
            "{}:{line}: theme `{t}` does not exist: use \"default\" (the terminal's 16 colours) or \"mono\" (no colour).",
            path.display()
        ));
    }
    let keys = keymap_of(&cfg, text).map_err(|e| {
        format!(
            "{}: {e}. The actions and their keys are in assets/keymap.toml.",
            path.display()
        )
    })?;
    for c in &cfg.commands {
        c.command(&keys)
            .map_err(|e| format!("{}: {e}.", path.display()))?;
    }
    if cfg.views.len() > 9 {
        return Err(format!(
            "{}: {} views, but only 1…9 switch between them: keep nine.",
            path.display(),
            cfg.views.len()
        ));
    }
    for v in &cfg.views {
        if let Some(r) = &v.refresh
            && let Err(e) = refresh_secs(r)
        {
            return Err(format!(
                "{}: view `{}`: refresh: {e}.",
                path.display(),
                v.name
            ));
        }
        if let Some(p) = v
            .profiles
            .iter()
            .find(|p| !cfg.profiles.contains_key(p.trim()))
        {
            return Err(format!(
                "{}: view `{}` combines profile `{p}`, which is not a profile: pick from {}.",
                path.display(),
                v.name,
                names(&cfg)
            ));
        }
        if v.profiles.len() == 1 {
            return Err(format!(
                "{}: view `{}` combines one profile: name two or more, or none for the current one.",
                path.display(),
                v.name
            ));
        }
        if v.project.iter().chain(&v.projects).any(|p| p.contains(',')) {
            return Err(format!(
                "{}: view `{}`: list several projects as projects = [\"a\", \"b\"].",
                path.display(),
                v.name
            ));
        }
    }
    if let Some(v) = cfg.views.iter().find(|v| v.name.trim().is_empty()) {
        return Err(format!(
            "{}: a view needs a name (query `{}`).",
            path.display(),
            v.query
        ));
    }
    if let Some(d) = &cfg.default_profile
        && !cfg.profiles.contains_key(d)
    {
        return Err(format!(
            "{}: default_profile `{d}` is not a profile: add [profiles.{d}] or pick one of {}.",
            path.display(),
            names(&cfg)
        ));
    }
    Ok(cfg)
}

pub fn names(cfg: &ConfigFile) -> String {
    if cfg.profiles.is_empty() {
        return "(none defined)".into();
    }
    cfg.profiles
        .keys()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Warns when a file holding a token can be read by others.
pub fn permission_warning(path: &Path, cfg: &ConfigFile) -> Option<String> {
    let holds_token = cfg
        .profiles
        .values()
        .any(|p| p.token.is_some() || p.sentry_token.is_some());
    if !holds_token {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "warning: {} holds a token and is readable by others (mode {:o}): run chmod 600 {}, or use token_env or token_cmd.",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}

/// A profile's token: from `token`, `token_env` or `token_cmd`, with where it came from.
pub fn token(
    name: &str,
    value: &Option<String>,
    var: &Option<String>,
    cmd: &Option<String>,
    env: &dyn super::Lookup,
) -> Result<Option<(String, String)>, String> {
    if let Some(t) = value.as_ref().filter(|t| !t.trim().is_empty()) {
        return Ok(Some((
            t.trim().to_string(),
            format!("profile `{name}` (token in the config file)"),
        )));
    }
    if let Some(v) = var {
        return match env.get(v).filter(|t| !t.trim().is_empty()) {
            Some(t) => Ok(Some((
                t.trim().to_string(),
                format!("{v} (profile `{name}`)"),
            ))),
            None => Err(format!(
                "profile `{name}` takes its token from the environment variable {v}, which is not set."
            )),
        };
    }
    if let Some(c) = cmd {
        return run_token_cmd(name, c).map(|t| Some((t, format!("token_cmd of profile `{name}`"))));
    }
    Ok(None)
}

/// Runs `cmd` with the shell once; its trimmed output is the token.
fn run_token_cmd(name: &str, cmd: &str) -> Result<String, String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("token_cmd of profile `{name}` could not start: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = crate::text::sanitize(err.lines().next().unwrap_or("").trim());
        return Err(format!(
            "token_cmd of profile `{name}` failed ({}){}: fix the command in the config file, or run it yourself to see why.",
            out.status,
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        ));
    }
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(format!(
            "token_cmd of profile `{name}` printed {}: it must print the token alone.",
            if token.is_empty() {
                "nothing"
            } else {
                "more than one word"
            }
        ));
    }
    Ok(token)
}

/// `refresh = "30s"` in seconds; `0` (off) is `None`.
pub fn refresh_secs(s: &str) -> Result<Option<u64>, String> {
    let t = s.trim();
    if t == "0" || t == "0s" || t == "off" {
        return Ok(None);
    }
    crate::cli::watch::parse_interval(t).map(|d| Some(d.as_secs().max(5)))
}
