//! Triage on Sentry and GlitchTip: bulk updates (one request per 100 ids), merge, notes,
//! members and teams for the assign picker, releases for "resolve in", and reading an issue's
//! assignee, marks, status details and activity.

use reqwest::Method;
use serde_json::{Value, json};

use super::{SentryBackend, first_str, parse_time};
use crate::backend::http::Op;
use crate::backend::{BackendError, Result};
use crate::model::*;
use crate::text::sanitize;

/// Sentry's bulk endpoints take at most this many ids a request.
pub const BULK_MAX: usize = 100;

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) => Some(sanitize(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value, k: &str) -> Option<u64> {
    match v.get(k)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `assignedTo`: `{"type": "user"|"team", "id", "name", "email"}`, or null.
pub fn decode_assignee(v: &Value) -> Option<Assignee> {
    let id = text(v, "id")?;
    let kind = text(v, "type").unwrap_or_else(|| "user".into());
    let email = text(v, "email");
    let name = text(v, "name")
        .filter(|n| !n.trim().is_empty())
        .or_else(|| email.clone())
        .or_else(|| text(v, "slug"))
        .unwrap_or_else(|| id.clone());
    Some(Assignee {
        kind: if kind == "team" { kind } else { "user".into() },
        id,
        name,
        email,
    })
}

pub fn decode_status_details(v: &Value) -> StatusDetails {
    let commit = v.get("inCommit").and_then(|c| match c {
        Value::String(s) => Some(sanitize(s)),
        other => text(other, "commit").or_else(|| text(other, "id")),
    });
    StatusDetails {
        in_next_release: v.get("inNextRelease").and_then(Value::as_bool) == Some(true),
        in_release: text(v, "inRelease"),
        in_commit: commit,
        ignore_until_escalating: v.get("ignoreUntilEscalating").and_then(Value::as_bool)
            == Some(true),
        ignore_duration: number(v, "ignoreDuration"),
        ignore_until: parse_time(v.get("ignoreUntil").and_then(Value::as_str)),
        ignore_count: number(v, "ignoreCount"),
        ignore_window: number(v, "ignoreWindow"),
        ignore_user_count: number(v, "ignoreUserCount"),
        ignore_user_window: number(v, "ignoreUserWindow"),
    }
}

/// The triage fields of an issue, or of a bulk update's answer.
pub fn decode_triage(v: &Value) -> Triage {
    Triage {
        assignee: v.get("assignedTo").and_then(decode_assignee),
        is_bookmarked: v.get("isBookmarked").and_then(Value::as_bool) == Some(true),
        priority: text(v, "priority").filter(|p| !p.is_empty()),
        substatus: text(v, "substatus").filter(|p| !p.is_empty()),
        status_details: v
            .get("statusDetails")
            .map(decode_status_details)
            .unwrap_or_default(),
    }
}

/// One activity entry: what happened, in words.
pub fn decode_activity(v: &Value) -> Option<Activity> {
    let kind = text(v, "type")?;
    let data = v.get("data").unwrap_or(&Value::Null);
    let user = v
        .get("user")
        .and_then(|u| text(u, "name").or_else(|| text(u, "email")));
    let words = match kind.as_str() {
        "note" => text(data, "text").unwrap_or_default(),
        "set_resolved" => "resolved".into(),
        "set_resolved_in_release" => match text(data, "version") {
            Some(v) if !v.is_empty() => format!("resolved in {v}"),
            _ => "resolved in the next release".into(),
        },
        "set_resolved_by_age" => "resolved by age".into(),
        "set_resolved_in_commit" => "resolved in a commit".into(),
        "set_resolved_in_pull_request" => "resolved in a pull request".into(),
        "set_unresolved" => "unresolved".into(),
        "set_ignored" => match decode_status_details(data).describe() {
            Some(d) => format!("archived {d}"),
            None => "archived".into(),
        },
        "set_regression" => "regressed".into(),
        "assigned" => format!(
            "assigned to {}",
            text(data, "assigneeName")
                .or_else(|| text(data, "assigneeEmail"))
                .or_else(|| text(data, "assignee"))
                .unwrap_or_else(|| "someone".into())
        ),
        "unassigned" => "unassigned".into(),
        "merge" => "merged errors into this one".into(),
        "first_seen" => "first seen".into(),
        "set_priority" => format!(
            "priority set to {}",
            text(data, "priority").unwrap_or_default()
        ),
        other => other.replace('_', " "),
    };
    Some(Activity {
        id: text(v, "id").unwrap_or_default(),
        kind,
        date: parse_time(v.get("dateCreated").and_then(Value::as_str)),
        user,
        text: words,
    })
}

/// The ids of a bulk request: `?id=1&id=2…`.
fn id_params(ids: &[String]) -> Vec<(&'static str, String)> {
    ids.iter().map(|id| ("id", id.clone())).collect()
}

impl SentryBackend {
    /// Numbers for ids the bulk endpoint takes (a short id is looked up).
    async fn numeric_ids(&self, ids: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
                out.push(id.clone());
            } else {
                out.push(crate::backend::Backend::detail(self, id).await?.summary.id);
            }
        }
        Ok(out)
    }

    /// Applies `change` to `ids`: one `PUT /organizations/{org}/issues/?id=…` per 100 ids.
    /// Returns what the server's answer says the errors now are.
    pub(super) async fn update_bulk(&self, ids: &[String], change: &Change) -> Result<Applied> {
        if ids.is_empty() {
            return Err(BackendError::Invalid("no errors to change".into()));
        }
        let op = Op::new(
            "the `event:write` scope",
            "change errors",
            format!("organization `{}`", self.org),
        );
        let ids = self.numeric_ids(ids).await?;
        let path = self.org_path("issues/")?;
        let mut body = change.body();
        if self.glitchtip().await?
            && let Some(o) = body.as_object_mut()
        {
            // GlitchTip has no substatus; it reads the rest.
            o.remove("substatus");
        }
        let mut last = Value::Null;
        for (done, chunk) in ids.chunks(BULK_MAX).enumerate() {
            let mut q = id_params(chunk);
            if let Some(p) = self.project_id().await? {
                q.push(("project", p));
            }
            let sent = self
                .http
                .send_raw(Method::PUT, &path, &q, Some(&body), &op)
                .await;
            let (bytes, _) = match sent {
                Ok(r) => r,
                // Earlier batches went through: say so, or the caller believes none did.
                Err(e) if done > 0 => {
                    return Err(BackendError::Other(format!(
                        "the first {} of {} errors were changed, then: {e}",
                        done * BULK_MAX,
                        ids.len()
                    )));
                }
                Err(e) => return Err(e),
            };
            if bytes.is_empty() {
                return Err(BackendError::NotChanged(format!(
                    "the server found none of {}",
                    chunk.join(", ")
                )));
            }
            last = crate::backend::http::decode::<Value>(&bytes, &path)?;
        }
        let applied = Applied {
            status: text(&last, "status").map(|s| Status::parse(&s)),
            triage: decode_triage(&last),
        };
        let status = applied
            .status
            .clone()
            .or_else(|| change.status())
            .unwrap_or(Status::Unresolved);
        let shows = match change {
            // An answer without the field says nothing against it.
            Change::Assign(_) if last.get("assignedTo").is_none() => true,
            Change::Bookmark(_) if last.get("isBookmarked").is_none() => true,
            Change::Priority(_) if last.get("priority").is_none() => true,
            c => c.shown_by(&status, &applied.triage),
        };
        if !shows {
            return Err(BackendError::NotChanged(format!(
                "the server answered without the change ({})",
                change.describe()
            )));
        }
        Ok(applied)
    }

    pub(super) async fn merge_ids(&self, ids: &[String]) -> Result<Merged> {
        if ids.len() < 2 {
            return Err(BackendError::Invalid(
                "merging needs at least two errors".into(),
            ));
        }
        if ids.len() > BULK_MAX {
            return Err(BackendError::Invalid(format!(
                "at most {BULK_MAX} errors merge at once"
            )));
        }
        let op = Op::new(
            "the `event:write` scope",
            "merge errors",
            format!("organization `{}`", self.org),
        );
        let ids = self.numeric_ids(ids).await?;
        let path = self.org_path("issues/")?;
        let mut q = id_params(&ids);
        if let Some(p) = self.project_id().await? {
            q.push(("project", p));
        }
        let resp = self
            .http
            .send::<Value>(Method::PUT, &path, &q, Some(&json!({"merge": true})), &op)
            .await?;
        let m = &resp.body["merge"];
        let parent = text(m, "parent").ok_or_else(|| {
            BackendError::NotChanged("the server did not say it merged anything".into())
        })?;
        let children = m
            .get("children")
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(sanitize(s)),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Merged { parent, children })
    }

    pub(super) async fn post_comment(&self, id: &str, text_: &str) -> Result<Activity> {
        let op = Op::new(
            "the `event:write` scope",
            "comment on errors",
            format!("error {id}"),
        );
        let (path, body) = if self.glitchtip().await? {
            let id = self.numeric_ids(&[id.to_string()]).await?.remove(0);
            (
                format!(
                    "/api/0/issues/{}/comments/",
                    crate::backend::http::segment(&id)?
                ),
                json!({"data": {"text": text_}}),
            )
        } else {
            (self.issue_path(id, "notes/")?, json!({ "text": text_ }))
        };
        let resp = self
            .http
            .send::<Value>(Method::POST, &path, &[], Some(&body), &op)
            .await?;
        let mut a = decode_activity(&resp.body).unwrap_or(Activity {
            id: String::new(),
            kind: "note".into(),
            date: None,
            user: None,
            text: String::new(),
        });
        if a.text.is_empty() {
            // GlitchTip answers with its own shape: `{"data": {"text"}}`.
            a.text = first_str(&resp.body, &["text"])
                .or_else(|| resp.body.get("data").and_then(|d| first_str(d, &["text"])))
                .map(|t| sanitize(&t))
                .unwrap_or_else(|| sanitize(text_));
        }
        Ok(a)
    }

    /// Members and teams of the organization, for the assign picker.
    pub(super) async fn list_members(&self) -> Result<Vec<Member>> {
        let op = Op::new(
            "the `member:read` scope",
            "list members",
            format!("organization `{}`", self.org),
        );
        // Members and teams at once.
        let (members, teams) = tokio::join!(
            self.org_people("members/", false, &op),
            self.org_people("teams/", true, &op)
        );
        let mut out = members?;
        out.extend(teams?);
        Ok(out)
    }

    async fn org_people(&self, rest: &str, team: bool, op: &Op) -> Result<Vec<Member>> {
        match self
            .all_pages::<Value>(&self.org_path(rest)?, op, super::MAX_LISTED)
            .await
        {
            Ok(all) => Ok(all.iter().filter_map(|v| member(v, team)).collect()),
            // A server without teams still has members to offer.
            Err(BackendError::NotFound { .. }) if team => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Who the token belongs to: `assign me`.
    pub(super) async fn whoami_user(&self) -> Result<Assignee> {
        let op = Op::new("a user token", "find who you are", "your user");
        let resp = self.http.get::<Value>("/api/0/users/me/", &[], &op).await?;
        let mut v = resp.body;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), json!("user"));
        }
        decode_assignee(&v).ok_or_else(|| BackendError::Malformed {
            what: "your user".into(),
            detail: "no id".into(),
        })
    }

    /// The organization's environments, by name.
    pub(super) async fn list_environments(&self) -> Result<Vec<String>> {
        let op = Op::new(
            "the `project:read` scope",
            "list environments",
            format!("organization `{}`", self.org),
        );
        let all = self
            .all_pages::<Value>(&self.org_path("environments/")?, &op, super::MAX_LISTED)
            .await?;
        let mut names: Vec<String> = all
            .iter()
            .filter_map(|e| text(e, "name").filter(|n| !n.is_empty()))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Recent releases of the project (or organization), newest first.
    pub(super) async fn list_releases(&self) -> Result<Vec<Release>> {
        let op = Op::new(
            "the `project:read` scope",
            "list releases",
            format!("organization `{}`", self.org),
        );
        let path = match &self.project {
            Some(p) => format!(
                "/api/0/projects/{}/{}/releases/",
                crate::backend::http::segment(&self.org)?,
                crate::backend::http::segment(p)?
            ),
            None => self.org_path("releases/")?,
        };
        let resp = self
            .http
            .get::<Vec<Value>>(&path, &[("per_page", "25".to_string())], &op)
            .await?;
        Ok(resp
            .body
            .iter()
            .filter_map(|r| {
                Some(Release {
                    version: text(r, "version").filter(|v| !v.is_empty())?,
                    date: parse_time(r.get("dateCreated").and_then(Value::as_str)),
                })
            })
            .take(25)
            .collect())
    }
}

fn member(v: &Value, team: bool) -> Option<Member> {
    if team {
        let slug = text(v, "slug")?;
        return Some(Member {
            assignee: Assignee {
                kind: "team".into(),
                id: text(v, "id")?,
                name: slug.clone(),
                email: None,
            },
            also: text(v, "name").unwrap_or_default(),
        });
    }
    // A member wraps its user; pending invitations have none and cannot be assigned.
    let user = v.get("user").filter(|u| u.is_object())?;
    let email = text(user, "email").or_else(|| text(v, "email"));
    let name = text(user, "name")
        .or_else(|| text(v, "name"))
        .filter(|n| !n.trim().is_empty())
        .or_else(|| email.clone())?;
    Some(Member {
        assignee: Assignee {
            kind: "user".into(),
            id: text(user, "id")?,
            name,
            email: email.clone(),
        },
        also: [text(user, "username"), email]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    })
}
