//! Which server to talk to, and how: flags first, then environment variables, then the
//! profile from the config file, then credentials other tools already keep (sentry-cli's
//! `.sentryclirc`, glab's config).

pub mod discover;
pub mod file;

use crate::backend::Secret;

/// Where settings come from, by the variable name each one has (`SENTRY_ORG`, `GITLAB_TOKEN`…),
/// with a label saying where a value came from, for messages about tokens.
pub trait Lookup {
    fn get(&self, var: &str) -> Option<String>;
    /// Where `var`'s value came from: the variable itself, unless a profile or a discovered file
    /// gave it.
    fn source(&self, var: &str) -> String {
        var.to_string()
    }
}

impl<F: Fn(&str) -> Option<String>> Lookup for F {
    fn get(&self, var: &str) -> Option<String> {
        self(var)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sentry,
    Gitlab,
}

#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub backend: Option<BackendKind>,
    pub url: Option<String>,
    pub org: Option<String>,
    pub project: Option<String>,
    pub auth_token: Option<String>,
    pub sentry_token: Option<String>,
    /// GitLab: the Sentry the Sentry token belongs to.
    pub sentry_url: Option<String>,
    /// Let tokens travel over plain http to a host that is not this machine.
    pub allow_http: bool,
    /// `--read-only`.
    pub read_only: bool,
    /// `--config PATH`.
    pub config: Option<std::path::PathBuf>,
    /// `--profile NAME`.
    pub profile: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GitlabTarget {
    pub url: String,
    pub project: String,
    pub token: Secret,
    /// For status changes, sent to the project's Sentry only.
    pub sentry_token: Option<Secret>,
    /// The origin the Sentry token may go to (`--sentry-url`, `SENTRY_URL`, or sentry.io).
    pub sentry_url: String,
}

#[derive(Debug, Clone)]
pub enum Target {
    Sentry(SentryTarget),
    Gitlab(GitlabTarget),
}

pub const DEFAULT_GITLAB_URL: &str = "https://gitlab.com";

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `--backend` wins; otherwise GitLab when GitLab variables are set and nothing names a Sentry
/// organization or server, else Sentry.
pub fn backend_kind(flags: &Flags, env: &dyn Lookup) -> BackendKind {
    if let Some(k) = flags.backend {
        return k;
    }
    let set = |k: &str| non_empty(env.get(k)).is_some();
    let gitlab = set("GITLAB_TOKEN") || set("GITLAB_HOST");
    let sentry = set("SENTRY_ORG") || set("SENTRY_URL") || flags.org.is_some();
    if gitlab && !sentry {
        BackendKind::Gitlab
    } else {
        BackendKind::Sentry
    }
}

pub fn target(flags: &Flags, env: &dyn Lookup) -> Result<Target, String> {
    match backend_kind(flags, env) {
        BackendKind::Sentry => sentry_target(flags, env).map(Target::Sentry),
        BackendKind::Gitlab => gitlab_target(flags, env).map(Target::Gitlab),
    }
}

pub fn gitlab_target(flags: &Flags, env: &dyn Lookup) -> Result<GitlabTarget, String> {
    let mut url = non_empty(flags.url.clone())
        .or_else(|| non_empty(env.get("GITLAB_HOST")))
        .unwrap_or_else(|| DEFAULT_GITLAB_URL.to_string());
    // glab accepts a bare host name in GITLAB_HOST.
    if !url.contains("://") {
        url = format!("https://{url}");
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "The GitLab URL `{url}` must start with http:// or https:// (from --url or GITLAB_HOST)."
        ));
    }
    let project = non_empty(flags.project.clone())
        .or_else(|| non_empty(env.get("GITLAB_PROJECT")))
        .ok_or(
            "No GitLab project given: pass --project group/sub/project (its full path, or its numeric id), or set it in a profile.",
        )?;
    let token = match (
        non_empty(flags.auth_token.clone()),
        non_empty(env.get("GITLAB_TOKEN")),
    ) {
        (Some(t), _) => Secret::new(t, "--auth-token"),
        (None, Some(t)) => Secret::new(t, env.source("GITLAB_TOKEN")),
        _ => {
            return Err("No GitLab token: set GITLAB_TOKEN (or pass --auth-token) to a personal access token with the `read_api` scope (`api` to change settings and keys).".into());
        }
    };
    let sentry_token = match (
        non_empty(flags.sentry_token.clone()),
        non_empty(env.get("SENTRY_AUTH_TOKEN")),
    ) {
        (Some(t), _) => Some(Secret::new(t, "--sentry-token")),
        (None, Some(t)) => Some(Secret::new(t, env.source("SENTRY_AUTH_TOKEN"))),
        _ => None,
    };
    let sentry_url = non_empty(flags.sentry_url.clone())
        .or_else(|| non_empty(env.get("SENTRY_URL")))
        .unwrap_or_else(|| DEFAULT_SENTRY_URL.to_string());
    Ok(GitlabTarget {
        url: url.trim_end_matches('/').to_string(),
        project: project.trim_matches('/').to_string(),
        token,
        sentry_token,
        sentry_url: sentry_url.trim_end_matches('/').to_string(),
    })
}

#[derive(Debug, Clone)]
pub struct SentryTarget {
    pub url: String,
    pub org: String,
    pub project: Option<String>,
    pub token: Secret,
}

pub const DEFAULT_SENTRY_URL: &str = "https://sentry.io";

/// Resolves the Sentry target. `env` is injected so tests need not touch the process env.
pub fn sentry_target(flags: &Flags, env: &dyn Lookup) -> Result<SentryTarget, String> {
    let get = |flag: &Option<String>, var: &str| {
        flag.clone()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| env.get(var).filter(|v| !v.trim().is_empty()))
    };
    let url = get(&flags.url, "SENTRY_URL").unwrap_or_else(|| DEFAULT_SENTRY_URL.to_string());
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "The server URL `{url}` must start with http:// or https:// (from --url or SENTRY_URL)."
        ));
    }
    let org = get(&flags.org, "SENTRY_ORG").ok_or(
        "No Sentry organization given: pass --org ORG or set SENTRY_ORG (the slug in your Sentry URL).",
    )?;
    let project = get(&flags.project, "SENTRY_PROJECT");
    let token = match (&flags.auth_token, env.get("SENTRY_AUTH_TOKEN")) {
        (Some(t), _) if !t.trim().is_empty() => Secret::new(t.trim(), "--auth-token"),
        (_, Some(t)) if !t.trim().is_empty() => {
            Secret::new(t.trim(), env.source("SENTRY_AUTH_TOKEN"))
        }
        _ => {
            return Err("No Sentry auth token: set SENTRY_AUTH_TOKEN (or pass --auth-token) to a user auth token with the scopes event:read and event:write. Create one under Settings → Auth Tokens.".into());
        }
    };
    Ok(SentryTarget {
        url: url.trim_end_matches('/').to_string(),
        org,
        project,
        token,
    })
}

/// What the flags, the environment, the config file's profile and the files other tools keep
/// decide together.
#[derive(Debug)]
pub struct Resolved {
    pub target: Target,
    /// The profile used, if any.
    pub profile: Option<String>,
    /// Why changes are refused, in read-only mode.
    pub read_only: Option<String>,
    pub headers: Vec<(String, String)>,
    pub ca_file: Option<std::path::PathBuf>,
    /// Said on stderr (a config file with a token that others can read).
    pub warnings: Vec<String>,
}

/// The layers in order: environment, then the profile, then discovered files.
struct Layers<'a> {
    env: &'a dyn Lookup,
    profile: std::collections::BTreeMap<&'static str, (String, String)>,
    found: discover::Discovered,
}

impl Lookup for Layers<'_> {
    fn get(&self, var: &str) -> Option<String> {
        non_empty(self.env.get(var))
            .or_else(|| self.profile.get(var).map(|(v, _)| v.clone()))
            .or_else(|| self.found.get(var).map(|(v, _)| v.clone()))
    }
    fn source(&self, var: &str) -> String {
        if non_empty(self.env.get(var)).is_some() {
            var.to_string()
        } else if let Some((_, from)) = self.profile.get(var) {
            from.clone()
        } else if let Some((_, file)) = self.found.get(var) {
            file.clone()
        } else {
            var.to_string()
        }
    }
}

/// A config file read, and where from.
pub type Loaded = Option<(std::path::PathBuf, file::ConfigFile)>;

/// The config file and the profile it names, if any.
pub fn load_profile(flags: &Flags, env: &dyn Lookup) -> Result<(Loaded, Option<String>), String> {
    let loaded = match file::path(flags.config.as_deref(), env) {
        Some((path, explicit)) => file::load(&path, explicit)?.map(|c| (path, c)),
        None => None,
    };
    let name = non_empty(flags.profile.clone())
        .or_else(|| non_empty(env.get("ERRTUI_PROFILE")))
        .or_else(|| loaded.as_ref().and_then(|(_, c)| c.default_profile.clone()));
    if let Some(n) = &name {
        match &loaded {
            Some((_, c)) if c.profiles.contains_key(n) => {}
            Some((path, c)) => {
                return Err(format!(
                    "No profile `{n}` in {}: the profiles there are {}.",
                    path.display(),
                    file::names(c)
                ));
            }
            None => {
                return Err(format!(
                    "No profile `{n}`: there is no config file. Create one (see config.example.toml) or drop --profile / ERRTUI_PROFILE."
                ));
            }
        }
    }
    Ok((loaded, name))
}

/// Resolves the server to talk to: flag > environment > profile > discovered credentials.
/// `cwd` and `home` are where to look for `.sentryclirc`, glab's config and the git remote.
pub fn resolve(
    flags: &Flags,
    env: &dyn Lookup,
    cwd: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Result<Resolved, String> {
    let (loaded, name) = load_profile(flags, env)?;
    let mut flags = flags.clone();
    let mut warnings = Vec::new();
    let mut vars = std::collections::BTreeMap::new();
    let mut read_only = flags.read_only.then(|| "--read-only is on".to_string());
    let (mut headers, mut ca_file) = (Vec::new(), None);
    if let (Some((path, cfg)), Some(n)) = (&loaded, &name) {
        warnings.extend(file::permission_warning(path, cfg));
        let p = &cfg.profiles[n];
        if flags.backend.is_none() {
            flags.backend = Some(p.backend.map(Into::into).unwrap_or(BackendKind::Sentry));
        }
        let gitlab = flags.backend == Some(BackendKind::Gitlab);
        let from = format!("profile `{n}`");
        let mut put = |var: &'static str, v: &Option<String>| {
            if let Some(v) = non_empty(v.clone()) {
                vars.insert(var, (v, from.clone()));
            }
        };
        if gitlab {
            put("GITLAB_HOST", &p.url);
            put("GITLAB_PROJECT", &p.project);
            put("SENTRY_URL", &p.sentry_url);
        } else {
            put("SENTRY_URL", &p.url);
            put("SENTRY_ORG", &p.org);
            put("SENTRY_PROJECT", &p.project);
        }
        // A token source runs only when neither a flag nor the environment gives the token.
        let (main_var, side_var) = if gitlab {
            ("GITLAB_TOKEN", Some("SENTRY_AUTH_TOKEN"))
        } else {
            ("SENTRY_AUTH_TOKEN", None)
        };
        if flags.auth_token.is_none()
            && non_empty(env.get(main_var)).is_none()
            && let Some(t) = file::token(n, &p.token, &p.token_env, &p.token_cmd, env)?
        {
            vars.insert(main_var, t);
        }
        if let Some(side) = side_var
            && flags.sentry_token.is_none()
            && non_empty(env.get(side)).is_none()
            && let Some(t) = file::token(
                n,
                &p.sentry_token,
                &p.sentry_token_env,
                &p.sentry_token_cmd,
                env,
            )?
        {
            vars.insert(side, t);
        }
        if p.read_only && read_only.is_none() {
            read_only = Some(format!("profile `{n}` is read-only"));
        }
        headers = p
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        ca_file = p.ca_file.clone();
    }
    let layers = Layers {
        env,
        profile: vars,
        found: discover::discover(
            cwd,
            home,
            non_empty(env.get("XDG_CONFIG_HOME"))
                .map(std::path::PathBuf::from)
                .as_deref(),
        ),
    };
    Ok(Resolved {
        target: target(&flags, &layers)?,
        profile: name,
        read_only,
        headers,
        ca_file,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn flags_win_over_env_and_defaults_apply() {
        let env = env_of(&[("SENTRY_ORG", "env-org"), ("SENTRY_AUTH_TOKEN", "tok")]);
        let t = sentry_target(&Flags::default(), &env).expect("target");
        assert_eq!(t.url, "https://sentry.io");
        assert_eq!(t.org, "env-org");
        assert_eq!(t.token.source, "SENTRY_AUTH_TOKEN");
        let flags = Flags {
            org: Some("flag-org".into()),
            url: Some("https://sentry.example.com/".into()),
            ..Flags::default()
        };
        let t = sentry_target(&flags, &env).expect("target");
        assert_eq!(
            (t.org.as_str(), t.url.as_str()),
            ("flag-org", "https://sentry.example.com")
        );
    }

    #[test]
    fn gitlab_is_chosen_when_only_gitlab_variables_are_set() {
        let gl = env_of(&[("GITLAB_TOKEN", "glpat-x"), ("SENTRY_AUTH_TOKEN", "s")]);
        assert_eq!(backend_kind(&Flags::default(), &gl), BackendKind::Gitlab);
        let both = env_of(&[("GITLAB_TOKEN", "glpat-x"), ("SENTRY_ORG", "acme")]);
        assert_eq!(backend_kind(&Flags::default(), &both), BackendKind::Sentry);
        assert_eq!(
            backend_kind(&Flags::default(), &env_of(&[])),
            BackendKind::Sentry
        );
        let flags = Flags {
            backend: Some(BackendKind::Gitlab),
            project: Some("g/s/p".into()),
            ..Flags::default()
        };
        let t = gitlab_target(
            &flags,
            &env_of(&[
                ("GITLAB_HOST", "gitlab.example.com"),
                ("GITLAB_TOKEN", "glpat-x"),
                ("SENTRY_AUTH_TOKEN", "s"),
            ]),
        )
        .expect("target");
        assert_eq!(t.url, "https://gitlab.example.com");
        assert_eq!(t.project, "g/s/p");
        assert_eq!(t.token.source, "GITLAB_TOKEN");
        assert_eq!(
            t.sentry_token.map(|s| s.source),
            Some("SENTRY_AUTH_TOKEN".into())
        );
        let e = gitlab_target(
            &Flags {
                project: Some("p".into()),
                ..Flags::default()
            },
            &env_of(&[]),
        )
        .expect_err("no token");
        assert!(
            e.contains("GITLAB_TOKEN") && e.contains("--auth-token"),
            "{e}"
        );
        let e = gitlab_target(&Flags::default(), &env_of(&[("GITLAB_TOKEN", "x")]))
            .expect_err("no project");
        assert!(e.contains("--project"), "{e}");
    }

    #[test]
    fn missing_values_name_flag_and_variable() {
        let e = sentry_target(&Flags::default(), &env_of(&[("SENTRY_AUTH_TOKEN", "t")]))
            .expect_err("no org");
        assert!(e.contains("--org") && e.contains("SENTRY_ORG"), "{e}");
        let e = sentry_target(&Flags::default(), &env_of(&[("SENTRY_ORG", "o")]))
            .expect_err("no token");
        assert!(
            e.contains("SENTRY_AUTH_TOKEN") && e.contains("--auth-token"),
            "{e}"
        );
        assert!(
            !format!(
                "{:?}",
                sentry_target(
                    &Flags::default(),
                    &env_of(&[("SENTRY_ORG", "o"), ("SENTRY_AUTH_TOKEN", "sntryu_secret")])
                )
            )
            .contains("sntryu_secret")
        );
    }
}
