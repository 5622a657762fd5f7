//! `errtui doctor` on Sentry and GlitchTip: the server, its flavour, the token and its scopes
//! (`GET /api/0/`), the organization and the project.

use serde_json::Value;

use super::{Flavor, SentryBackend};
use crate::backend::BackendError;
use crate::backend::http::Op;
use crate::model::{Check, reach_fix};
use crate::text::sanitize;

impl SentryBackend {
    pub(super) async fn doctor_checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        let skip_rest = |out: &mut Vec<Check>, from: usize| {
            for name in ["server", "flavour", "token", "organization", "project"]
                .into_iter()
                .skip(from)
            {
                out.push(Check::skip(name));
            }
        };
        let base = sanitize(self.http.base());
        let flavor = match self.flavor().await {
            Ok(f) => f,
            Err(e) => {
                out.push(Check::fail("server", e.to_string(), reach_fix(&e)));
                skip_rest(&mut out, 1);
                return out;
            }
        };
        out.push(Check::ok("server", format!("{base} answers")));
        out.push(Check::ok(
            "flavour",
            match &flavor {
                Flavor::Sentry => "Sentry".to_string(),
                Flavor::GlitchTip { version } => format!(
                    "GlitchTip{}",
                    version
                        .as_deref()
                        .map(|v| format!(" {}", sanitize(v)))
                        .unwrap_or_default()
                ),
            },
        ));
        // The token, and what it may do.
        let op = Op::new("a valid token", "check the token", "the API index");
        let token_from = sanitize(&self.http.token_source());
        match self.http.get::<Value>("/api/0/", &[], &op).await {
            Err(e @ BackendError::Unauthorized { .. }) => {
                out.push(Check::fail(
                    "token",
                    e.to_string(),
                    format!("Create a token at {base}/settings/account/api/auth-tokens/ (scopes event:read, event:write, project:read, project:write) and put it in the profile or SENTRY_AUTH_TOKEN."),
                ));
                skip_rest(&mut out, 3);
                return out;
            }
            Err(e) => {
                out.push(Check::fail("token", e.to_string(), reach_fix(&e)));
                skip_rest(&mut out, 3);
                return out;
            }
            Ok(r) => match r.body.get("auth") {
                Some(Value::Null) => {
                    out.push(Check::fail(
                        "token",
                        format!("the server did not accept the token from {token_from}"),
                        format!("Create a new token at {base}/settings/account/api/auth-tokens/."),
                    ));
                    skip_rest(&mut out, 3);
                    return out;
                }
                Some(auth) => {
                    let scopes: Vec<String> = auth
                        .get("scopes")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).map(sanitize).collect())
                        .unwrap_or_default();
                    let missing: Vec<&str> = ["event:write", "project:write"]
                        .into_iter()
                        .filter(|s| {
                            !scopes
                                .iter()
                                .any(|have| have == s || *have == s.replace(":write", ":admin"))
                        })
                        .collect();
                    let detail = format!(
                        "accepted (from {token_from}); scopes: {}",
                        if scopes.is_empty() {
                            "none listed".into()
                        } else {
                            scopes.join(", ")
                        }
                    );
                    if missing.is_empty() || scopes.is_empty() {
                        out.push(Check::ok("token", detail));
                    } else {
                        out.push(Check::warn(
                            "token",
                            format!("{detail}; missing {}", missing.join(" and ")),
                            "Resolving, assigning and comments need event:write; client keys need project:write. Reads work without them: make a token with them to change things.",
                        ));
                    }
                }
                None => out.push(Check::ok(
                    "token",
                    format!("accepted (from {token_from}); the server lists no scopes"),
                )),
            },
        }
        // The organization.
        let op = Op::new(
            "the `org:read` scope",
            "read the organization",
            format!("organization `{}`", self.org),
        );
        match self.org_path("") {
            Ok(path) => match self.http.get::<Value>(&path, &[], &op).await {
                Ok(r) => out.push(Check::ok(
                    "organization",
                    format!(
                        "`{}`{}",
                        sanitize(&self.org),
                        r.body
                            .get("name")
                            .and_then(Value::as_str)
                            .map(|n| format!(" ({})", sanitize(n)))
                            .unwrap_or_default()
                    ),
                )),
                Err(e) => {
                    out.push(Check::fail(
                        "organization",
                        e.to_string(),
                        "The organization is the slug in your Sentry URL (https://ORG.sentry.io or …/organizations/ORG/): set org in the profile or SENTRY_ORG.",
                    ));
                    skip_rest(&mut out, 4);
                    return out;
                }
            },
            Err(e) => out.push(Check::fail(
                "organization",
                e.to_string(),
                "Fix the organization slug.",
            )),
        }
        // The project.
        match &self.project {
            None => out.push(Check::ok("project", "none set: every project of the organization (client keys need one)")),
            Some(p) => match self.project_id().await {
                Ok(id) => out.push(Check::ok(
                    "project",
                    format!(
                        "`{}`{}",
                        sanitize(p),
                        id.filter(|i| i != p).map(|i| format!(" (id {i})")).unwrap_or_default()
                    ),
                )),
                Err(e) => out.push(Check::fail(
                    "project",
                    e.to_string(),
                    "Set project in the profile or SENTRY_PROJECT to a slug or id from `errtui list` or the project's settings.",
                )),
            },
        }
        out
    }
}
