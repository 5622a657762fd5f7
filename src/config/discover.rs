//! Credentials people already have: sentry-cli's `.sentryclirc` (walked up from the current
//! directory, then the home directory) and glab's config (`~/.config/glab-cli/config.yml`),
//! with the GitLab project of the current repository's `origin` remote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Values found, by the variable each stands for, with the file it came from.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub values: BTreeMap<&'static str, (String, String)>,
}

impl Discovered {
    pub fn get(&self, var: &str) -> Option<&(String, String)> {
        self.values.get(var)
    }
    fn put(&mut self, var: &'static str, value: &str, from: &Path) {
        let v = value.trim().trim_matches('"').trim_matches('\'').trim();
        if !v.is_empty() && !self.values.contains_key(var) {
            self.values
                .insert(var, (v.to_string(), from.display().to_string()));
        }
    }
}

/// Looks in `cwd` and up for `.sentryclirc`, then in `home`; then glab's config in
/// `config_home` (or `home/.config`), and the git remote of the repository around `cwd`.
pub fn discover(cwd: &Path, home: Option<&Path>, config_home: Option<&Path>) -> Discovered {
    let mut d = Discovered::default();
    let mut rcs: Vec<PathBuf> = cwd
        .ancestors()
        .map(|dir| dir.join(".sentryclirc"))
        .collect();
    if let Some(h) = home {
        rcs.push(h.join(".sentryclirc"));
    }
    // The nearest file wins for each value.
    for rc in rcs {
        if let Ok(text) = std::fs::read_to_string(&rc) {
            sentryclirc(&text, &rc, &mut d);
        }
    }
    let glab = config_home
        .map(Path::to_path_buf)
        .or_else(|| home.map(|h| h.join(".config")))
        .map(|c| c.join("glab-cli").join("config.yml"));
    let remote = git_remote(cwd);
    if let Some((host, project, from)) = &remote {
        d.put("GITLAB_PROJECT", project, from);
        let _ = host;
    }
    if let Some(g) = glab
        && let Ok(text) = std::fs::read_to_string(&g)
    {
        let wanted = remote.as_ref().map(|(h, _, _)| h.as_str());
        if let Some((host, token)) = glab_token(&text, wanted) {
            d.put("GITLAB_TOKEN", &token, &g);
            d.put("GITLAB_HOST", &host, &g);
        }
    }
    d
}

/// `[auth] token`, `[defaults] url, org, project` of an INI file.
fn sentryclirc(text: &str, from: &Path, d: &mut Discovered) {
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_ascii_lowercase();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let var = match (section.as_str(), k.trim().to_ascii_lowercase().as_str()) {
            ("auth", "token") => "SENTRY_AUTH_TOKEN",
            ("defaults", "url") => "SENTRY_URL",
            ("defaults", "org") => "SENTRY_ORG",
            ("defaults", "project") => "SENTRY_PROJECT",
            _ => continue,
        };
        d.put(var, v, from);
    }
}

/// The token of `wanted` host (or of the only host, or of gitlab.com) in glab's YAML config.
fn glab_token(text: &str, wanted: Option<&str>) -> Option<(String, String)> {
    // hosts:
    //     gitlab.example.com:
    //         token: glpat-…
    //         api_protocol: https
    let mut hosts: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let mut in_hosts = false;
    let mut host_indent = None;
    for raw in text.lines() {
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if indent == 0 {
            in_hosts = line == "hosts:";
            host_indent = None;
            continue;
        }
        if !in_hosts {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim().trim_matches('"').trim_matches('\''));
        match host_indent {
            Some(hi) if indent > hi => {
                if let Some(h) = hosts.last_mut() {
                    match k {
                        "token" if !v.is_empty() => h.1 = Some(v.to_string()),
                        "api_protocol" if !v.is_empty() => h.2 = Some(v.to_string()),
                        _ => {}
                    }
                }
            }
            _ if v.is_empty() => {
                host_indent = Some(indent);
                hosts.push((k.to_string(), None, None));
            }
            _ => {}
        }
    }
    let with_token: Vec<_> = hosts.into_iter().filter(|h| h.1.is_some()).collect();
    let pick = match wanted {
        Some(w) => with_token.iter().find(|h| h.0 == w),
        None if with_token.len() == 1 => with_token.first(),
        None => with_token.iter().find(|h| h.0 == "gitlab.com"),
    }?;
    let scheme = pick.2.clone().unwrap_or_else(|| "https".into());
    Some((format!("{scheme}://{}", pick.0), pick.1.clone()?))
}

/// The host and project path of the `origin` remote of the git repository around `cwd`.
fn git_remote(cwd: &Path) -> Option<(String, String, PathBuf)> {
    let config = cwd
        .ancestors()
        .map(|d| d.join(".git").join("config"))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(&config).ok()?;
    let mut in_origin = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
            continue;
        }
        if in_origin
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == "url"
        {
            let (host, path) = remote_parts(v.trim())?;
            return Some((host, path, config));
        }
    }
    None
}

/// `git@host:group/proj.git` or `https://host/group/proj.git` → (host, group/proj).
fn remote_parts(url: &str) -> Option<(String, String)> {
    let rest = if let Some(r) = url.split_once("://").map(|(_, r)| r) {
        let r = r.rsplit_once('@').map(|(_, r)| r).unwrap_or(r);
        let (host, path) = r.split_once('/')?;
        (host.split(':').next()?.to_string(), path.to_string())
    } else {
        let r = url.rsplit_once('@').map(|(_, r)| r).unwrap_or(url);
        let (host, path) = r.split_once(':')?;
        (host.to_string(), path.to_string())
    };
    let path = rest
        .1
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_string();
    (!rest.0.is_empty() && path.contains('/')).then_some((rest.0, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glab_config_gives_the_wanted_hosts_token() {
        let yaml = "git_protocol: ssh\nhosts:\n    gitlab.com:\n        token: glpat-one\n    git.example.com:\n        token: glpat-two\n        api_protocol: http\n";
        assert_eq!(
            glab_token(yaml, Some("git.example.com")),
            Some(("http://git.example.com".into(), "glpat-two".into()))
        );
        assert_eq!(
            glab_token(yaml, None),
            Some(("https://gitlab.com".into(), "glpat-one".into()))
        );
        assert_eq!(glab_token(yaml, Some("other.example")), None);
    }

    #[test]
    fn remotes_in_both_spellings() {
        assert_eq!(
            remote_parts("git@gitlab.com:acme/web/app.git"),
            Some(("gitlab.com".into(), "acme/web/app".into()))
        );
        assert_eq!(
            remote_parts("https://oauth2:x@git.example.com/acme/app.git"),
            Some(("git.example.com".into(), "acme/app".into()))
        );
        assert_eq!(remote_parts("/srv/repo.git"), None);
    }
}
