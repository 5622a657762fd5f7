//! `errtui doctor` on GitLab: the server and its version, the token (user and scopes), the
//! project and its Monitor feature, error tracking and its backend, the Sentry link.

use serde_json::Value;

use super::{GitlabBackend, text};
use crate::backend::http::{Op, segment};
use crate::backend::{Backend, BackendError};
use crate::model::{Check, reach_fix};

impl GitlabBackend {
    /// `errtui doctor` on GitLab: the server and its version, the token (user and scopes), the
    /// project and its Monitor feature, error tracking and its backend, the Sentry link.
    pub(super) async fn doctor_checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        let names = ["server", "token", "project", "error tracking", "sentry"];
        let skip_from = |out: &mut Vec<Check>, i: usize| {
            for n in names.into_iter().skip(i) {
                out.push(Check::skip(n));
            }
        };
        let base = crate::text::sanitize(self.http.base());
        let op = Op::new(
            "the `read_api` scope",
            "read the version",
            "the GitLab version",
        );
        let version = self.http.get::<Value>("/api/v4/version", &[], &op).await;
        match &version {
            Err(e @ (BackendError::Unauthorized { .. } | BackendError::Forbidden { .. })) => {
                out.push(Check::ok("server", format!("{base} answers")));
                out.push(Check::fail(
                    "token",
                    e.to_string(),
                    format!("Create a personal access token at {base}/-/user_settings/personal_access_tokens with the `read_api` scope (`api` to change settings and keys) and put it in the profile or GITLAB_TOKEN."),
                ));
                skip_from(&mut out, 2);
                return out;
            }
            Err(e) => {
                out.push(Check::fail("server", e.to_string(), reach_fix(e)));
                skip_from(&mut out, 1);
                return out;
            }
            Ok(v) => out.push(Check::ok(
                "server",
                format!(
                    "{base}: GitLab {}",
                    text(&v.body, "version").unwrap_or_else(|| "(version not said)".into())
                ),
            )),
        }
        // Who the token is, and its scopes when GitLab says.
        let op = Op::new("the `read_api` scope", "read your user", "your user");
        let user = self
            .http
            .get::<Value>("/api/v4/user", &[], &op)
            .await
            .ok()
            .and_then(|u| text(&u.body, "username"));
        let scopes: Vec<String> = self
            .http
            .get::<Value>("/api/v4/personal_access_tokens/self", &[], &op)
            .await
            .ok()
            .and_then(|r| {
                r.body.get("scopes").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(crate::text::sanitize)
                        .collect()
                })
            })
            .unwrap_or_default();
        let who = format!(
            "accepted (from {}){}; scopes: {}",
            crate::text::sanitize(&self.http.token_source()),
            user.map(|u| format!(" as @{u}")).unwrap_or_default(),
            if scopes.is_empty() {
                "not listed".into()
            } else {
                scopes.join(", ")
            }
        );
        if !scopes.is_empty() && !scopes.iter().any(|s| s == "api") {
            out.push(Check::warn(
                "token",
                who,
                "Reads work; changing settings and client keys needs the `api` scope.",
            ));
        } else {
            out.push(Check::ok("token", who));
        }
        // The project, and its Monitor feature (off, GitLab's error tracking answers 404).
        let op = Op::new(
            "the Reporter role",
            "read the project",
            format!("GitLab project {}", self.project),
        );
        let path = match segment(&self.project) {
            Ok(p) => format!("/api/v4/projects/{p}"),
            Err(e) => {
                out.push(Check::fail(
                    "project",
                    e.to_string(),
                    "Fix the project path.",
                ));
                skip_from(&mut out, 3);
                return out;
            }
        };
        match self.http.get::<Value>(&path, &[], &op).await {
            Err(e) => {
                out.push(Check::fail(
                    "project",
                    e.to_string(),
                    "Set project in the profile or --project to the full path (group/sub/project) or the numeric id, of a project your token's user is a member of.",
                ));
                skip_from(&mut out, 3);
                return out;
            }
            Ok(p) => {
                let monitor = text(&p.body, "monitor_access_level")
                    .or_else(|| text(&p.body, "operations_access_level"));
                let name =
                    text(&p.body, "path_with_namespace").unwrap_or_else(|| self.project.clone());
                if monitor.as_deref() == Some("disabled") {
                    out.push(Check::fail(
                        "project",
                        format!("`{name}` has its Monitor feature turned off, so GitLab's error tracking answers 404: the \"Connection failed. Check auth token and try again\" of its web UI"),
                        format!("Turn Monitor on: {base}/{name}/edit → Visibility, project features, permissions → Monitor (Maintainer role)."),
                    ));
                    skip_from(&mut out, 3);
                    return out;
                }
                out.push(Check::ok(
                    "project",
                    format!(
                        "`{name}`{}",
                        monitor
                            .map(|m| format!(", Monitor {m}"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        // Error tracking itself.
        match self.settings().await {
            Ok(s) if !s.active => out.push(Check::fail(
                "error tracking",
                "turned off for the project",
                "Turn it on: `errtui settings enable`, or Settings → Monitor → Error Tracking (Maintainer role).",
            )),
            Ok(s) if s.integrated => out.push(Check::ok(
                "error tracking",
                "on, GitLab's integrated backend (served on GitLab.com only)",
            )),
            Ok(s) => out.push(Check::ok(
                "error tracking",
                format!(
                    "on, backed by Sentry{}",
                    s.sentry_external_url
                        .map(|u| format!(" at {}", crate::text::sanitize(&u)))
                        .unwrap_or_default()
                ),
            )),
            Err(e @ BackendError::Forbidden { .. }) => out.push(Check::warn(
                "error tracking",
                e.to_string(),
                "Reading the settings needs the Maintainer role; errors can still be listed with Reporter.",
            )),
            Err(e @ BackendError::NotFound { .. }) => out.push(Check::fail(
                "error tracking",
                e.to_string(),
                format!("Set it up at {}.", self.settings_page()),
            )),
            Err(e) => out.push(Check::fail("error tracking", e.to_string(), reach_fix(&e))),
        }
        // Status changes go through the project's Sentry.
        out.push(match &self.sentry_token {
            None => Check::warn(
                "sentry",
                "no Sentry token: errors can be read, not resolved or ignored",
                "Set sentry_token_env (or SENTRY_AUTH_TOKEN) and sentry_url to the Sentry GitLab uses.",
            ),
            Some(t) => Check::ok(
                "sentry",
                format!(
                    "a token (from {}) for {}",
                    crate::text::sanitize(&t.source),
                    crate::text::sanitize(&self.sentry_url)
                ),
            ),
        });
        out
    }
}
