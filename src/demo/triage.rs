//! Triage in the demo: every field of Sentry's issue update (status details, substatus, the
//! archive conditions, assignee, bookmark, priority, review, merge), notes and activity,
//! members, teams, the user behind the token and releases. GlitchTip's flavour drops what
//! GlitchTip does not store.

use std::collections::HashMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::data::Dataset;
use crate::model::Status;

/// Triage state of one demo issue (kept beside the compact issue, only once touched).
#[derive(Debug, Clone, Default)]
pub struct DemoTriage {
    pub assigned: Option<Value>,
    pub bookmarked: bool,
    pub priority: Option<String>,
    pub substatus: Option<String>,
    pub status_details: Value,
    pub activity: Vec<Value>,
    /// Merged into this issue id: gone from lists.
    pub merged_into: Option<u64>,
    /// `--live` made it spike.
    pub spiking: bool,
}

/// The demo organization's people: the token's user first.
pub const USERS: [(&str, &str, &str, &str); 4] = [
    ("1", "Dana Demo", "dana", "dana@example.com"),
    ("2", "Sam Lee", "sam", "sam@example.com"),
    ("3", "Ana Ruiz", "ana", "ana@example.com"),
    ("4", "Kofi Mensah", "kofi", "kofi@example.com"),
];
pub const TEAMS: [(&str, &str, &str); 3] = [
    ("10", "backend", "Backend"),
    ("11", "frontend", "Frontend"),
    ("12", "payments", "Payments"),
];

pub fn user_json(u: &(&str, &str, &str, &str)) -> Value {
    json!({"type": "user", "id": u.0, "name": u.1, "username": u.2, "email": u.3})
}

pub fn team_json(t: &(&str, &str, &str)) -> Value {
    json!({"type": "team", "id": t.0, "slug": t.1, "name": t.1})
}

pub fn members() -> Value {
    Value::Array(
        USERS
            .iter()
            .map(|u| {
                json!({"id": format!("m{}", u.0), "email": u.3, "name": u.1, "role": "member",
                       "user": {"id": u.0, "name": u.1, "username": u.2, "email": u.3}})
            })
            // A pending invitation: no user, cannot be assigned.
            .chain(std::iter::once(
                json!({"id": "m9", "email": "invited@example.com", "name": "invited@example.com", "user": null, "pending": true}),
            ))
            .collect(),
    )
}

pub fn teams() -> Value {
    Value::Array(
        TEAMS
            .iter()
            .map(|t| json!({"id": t.0, "slug": t.1, "name": t.2}))
            .collect(),
    )
}

pub fn me() -> Value {
    let u = &USERS[0];
    json!({"id": u.0, "name": u.1, "username": u.2, "email": u.3})
}

/// Sentry's `assignedTo` input: `user:1`, `team:10`, an id, a username or an email.
fn actor(input: &str) -> Option<Value> {
    if let Some(id) = input.strip_prefix("team:") {
        return TEAMS.iter().find(|t| t.0 == id || t.1 == id).map(team_json);
    }
    let key = input.strip_prefix("user:").unwrap_or(input);
    USERS
        .iter()
        .find(|u| u.0 == key || u.2 == key || u.3.eq_ignore_ascii_case(key))
        .map(user_json)
}

fn bad(field: &str, msg: &str) -> Box<Response> {
    Box::new((StatusCode::BAD_REQUEST, Json(json!({ field: [msg] }))).into_response())
}

/// Releases the demo knows, newest first: a template's last release is as recent as its
/// latest event, its first one older than anything.
pub fn releases(d: &Dataset) -> Vec<String> {
    let mut seen: Vec<(i64, String)> = Vec::new();
    for t in &d.templates {
        for (k, r) in t.release.iter().enumerate() {
            let age = if k == 1 {
                t.last_seen_m
            } else {
                i64::MAX / 2 + t.first_seen_h
            };
            match seen.iter_mut().find(|(_, v)| v == r) {
                Some((a, _)) => *a = (*a).min(age),
                None => seen.push((age, r.clone())),
            }
        }
    }
    seen.sort();
    seen.into_iter().map(|(_, v)| v).collect()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn activity(kind: &str, data: Value) -> Value {
    json!({"id": format!("a{}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)),
           "type": kind, "data": data, "dateCreated": now(), "user": me()})
}

/// A checked update: what to store, or the 400 the server answers.
pub struct Update {
    status: Option<Status>,
    details: Value,
    substatus: Option<String>,
    assigned: Option<Option<Value>>,
    bookmarked: Option<bool>,
    priority: Option<String>,
    /// The answer's echo of what was asked.
    echo: serde_json::Map<String, Value>,
}

/// Reads an update body as Sentry does; `glitchtip` drops what GlitchTip does not store.
pub fn parse(d: &Dataset, body: &Value, glitchtip: bool) -> Result<Update, Box<Response>> {
    let mut echo = serde_json::Map::new();
    let status = match body.get("status").and_then(Value::as_str) {
        None => None,
        Some("resolved") | Some("resolvedInNextRelease") => Some(Status::Resolved),
        Some("unresolved") => Some(Status::Unresolved),
        Some("ignored") | Some("muted") => Some(Status::Ignored),
        Some(other) => {
            return Err(bad(
                "status",
                &format!("\"{other}\" is not a valid choice."),
            ));
        }
    };
    let mut details = json!({});
    let sd = body.get("statusDetails").cloned().unwrap_or(json!({}));
    if let Some(st) = &status {
        echo.insert("status".into(), json!(st.as_str()));
        match st {
            Status::Resolved => {
                if sd.get("inNextRelease").and_then(Value::as_bool) == Some(true) {
                    details = json!({"inNextRelease": true});
                } else if let Some(v) = sd.get("inRelease").and_then(Value::as_str) {
                    let known = releases(d);
                    let v = if v == "latest" {
                        known.first().cloned().unwrap_or_default()
                    } else {
                        v.to_string()
                    };
                    if !known.contains(&v) {
                        return Err(bad(
                            "statusDetails",
                            "Unable to find a release with the given version.",
                        ));
                    }
                    details = json!({ "inRelease": v });
                } else if let Some(c) = sd.get("inCommit").filter(|_| !glitchtip) {
                    details = json!({ "inCommit": c });
                }
            }
            Status::Ignored if !glitchtip => {
                for k in [
                    "ignoreDuration",
                    "ignoreCount",
                    "ignoreWindow",
                    "ignoreUserCount",
                    "ignoreUserWindow",
                ] {
                    if let Some(v) = sd.get(k).or_else(|| body.get(k)) {
                        match v.as_u64() {
                            Some(n) if !(k.ends_with("Window") && n > 10_080) => {
                                details[k] = json!(n)
                            }
                            _ => {
                                return Err(bad(
                                    k,
                                    "Ensure this value is a whole number of at most 10080 for windows.",
                                ));
                            }
                        }
                    }
                }
                if let Some(m) = details.get("ignoreDuration").and_then(Value::as_u64) {
                    let until = chrono::Utc::now() + chrono::Duration::minutes(m as i64);
                    details["ignoreUntil"] =
                        json!(until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                }
                if body.get("substatus").and_then(Value::as_str)
                    == Some("archived_until_escalating")
                {
                    details["ignoreUntilEscalating"] = json!(true);
                }
            }
            _ => {}
        }
        echo.insert("statusDetails".into(), details.clone());
    }
    let substatus = match body.get("substatus").and_then(Value::as_str) {
        Some(_) if glitchtip => None,
        Some(
            s @ ("archived_until_escalating"
            | "archived_until_condition_met"
            | "archived_forever"
            | "ongoing"
            | "escalating"
            | "regressed"
            | "new"),
        ) => Some(s.to_string()),
        Some(other) => {
            return Err(bad(
                "substatus",
                &format!("\"{other}\" is not a valid choice."),
            ));
        }
        None => match &status {
            Some(Status::Unresolved) => Some("ongoing".into()),
            Some(Status::Ignored) if !glitchtip => Some("archived_until_escalating".into()),
            _ => None,
        },
    };
    if let Some(s) = &substatus {
        echo.insert("substatus".into(), json!(s));
    }
    let assigned = match body.get("assignedTo") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.is_empty() => Some(None),
        Some(Value::String(s)) => match actor(s) {
            Some(a) => Some(Some(a)),
            None => return Err(bad("assignedTo", "Unknown actor input")),
        },
        Some(_) => return Err(bad("assignedTo", "Unknown actor input")),
    };
    if let Some(a) = &assigned {
        echo.insert("assignedTo".into(), a.clone().unwrap_or(Value::Null));
    }
    let bookmarked = body
        .get("isBookmarked")
        .and_then(Value::as_bool)
        .filter(|_| !glitchtip);
    if let Some(b) = bookmarked {
        echo.insert("isBookmarked".into(), json!(b));
    }
    let priority = match body.get("priority").and_then(Value::as_str) {
        Some(_) if glitchtip => None,
        Some(p @ ("high" | "medium" | "low")) => Some(p.to_string()),
        Some(other) => {
            return Err(bad(
                "priority",
                &format!("\"{other}\" is not a valid choice."),
            ));
        }
        None => None,
    };
    if let Some(p) = &priority {
        echo.insert("priority".into(), json!(p));
    }
    if body.get("inbox") == Some(&json!(false)) {
        echo.insert("inbox".into(), Value::Null);
    }
    Ok(Update {
        status,
        details,
        substatus,
        assigned,
        bookmarked,
        priority,
        echo,
    })
}

impl Update {
    pub fn echo(&self) -> Value {
        Value::Object(self.echo.clone())
    }

    /// Stores the update on issue `idx`, with its activity.
    pub fn apply(&self, d: &mut Dataset, idx: usize) {
        let id = d.issues[idx].id;
        if let Some(st) = &self.status {
            d.issues[idx].status = st.clone();
        }
        let t = d.triage.entry(id).or_default();
        if let Some(st) = &self.status {
            t.status_details = self.details.clone();
            let (kind, data) = match st {
                Status::Resolved => match self.details.get("inRelease") {
                    Some(v) => ("set_resolved_in_release", json!({ "version": v })),
                    None if self.details.get("inNextRelease").is_some() => {
                        ("set_resolved_in_release", json!({}))
                    }
                    None => ("set_resolved", json!({})),
                },
                Status::Ignored => ("set_ignored", self.details.clone()),
                _ => ("set_unresolved", json!({})),
            };
            t.activity.push(activity(kind, data));
        }
        if self.substatus.is_some() || self.status.is_some() {
            t.substatus = self.substatus.clone();
        }
        if let Some(a) = &self.assigned {
            t.assigned = a.clone();
            t.activity.push(match a {
                Some(a) => activity(
                    "assigned",
                    json!({"assignee": a["id"], "assigneeType": a["type"], "assigneeName": a["name"]}),
                ),
                None => activity("unassigned", json!({})),
            });
        }
        if let Some(b) = self.bookmarked {
            t.bookmarked = b;
        }
        if let Some(p) = &self.priority {
            t.priority = Some(p.clone());
            t.activity
                .push(activity("set_priority", json!({ "priority": p })));
        }
        d.version += 1;
    }
}

/// Adds a note; answers with it as an activity entry.
pub fn note(d: &mut Dataset, idx: usize, text: &str) -> Result<Value, Box<Response>> {
    let text = text.trim();
    if text.is_empty() {
        return Err(bad("text", "This field may not be blank."));
    }
    let id = d.issues[idx].id;
    let t = d.triage.entry(id).or_default();
    if t.activity
        .iter()
        .any(|a| a["type"] == "note" && a["data"]["text"] == text)
    {
        return Err(Box::new(
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"detail": "You have already posted that comment."})),
            )
                .into_response(),
        ));
    }
    let a = activity("note", json!({ "text": text }));
    t.activity.push(a.clone());
    Ok(a)
}

/// Merges issues `targets`: the one with the most events takes the others in, as Sentry does.
pub fn merge(d: &mut Dataset, targets: &[usize]) -> Value {
    let mut order = targets.to_vec();
    order.sort_by_key(|&i| (std::cmp::Reverse(d.issues[i].count), d.issues[i].id));
    let parent = order[0];
    let parent_id = d.issues[parent].id;
    let mut children = Vec::new();
    for &i in &order[1..] {
        let child = d.issues[i].id;
        d.issues[parent].count += d.issues[i].count;
        d.triage.entry(child).or_default().merged_into = Some(parent_id);
        children.push(child.to_string());
    }
    d.triage
        .entry(parent_id)
        .or_default()
        .activity
        .push(activity("merge", json!({"issues": children})));
    d.version += 1;
    json!({"merge": {"parent": parent_id.to_string(), "children": children}})
}

pub type Triages = HashMap<u64, DemoTriage>;
