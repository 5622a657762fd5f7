//! Triage: what an error's owner and marks are (`Triage`), and the changes errtui can ask a
//! server for (`Change`): every resolve and archive option, assign, bookmark, review, priority.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Status, Timestamp};

/// Who an error is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    /// `user` or `team`.
    pub kind: String,
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Assignee {
    /// What the list shows: a team as `#slug`, a user by name.
    pub fn label(&self) -> String {
        if self.kind == "team" {
            format!("#{}", self.name)
        } else {
            self.name.clone()
        }
    }
    /// The value Sentry's `assignedTo` takes for this assignee.
    pub fn wire(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// What Sentry's `statusDetails` says: a resolve's release or commit, an archive's condition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusDetails {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_next_release: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_commit: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ignore_until_escalating: bool,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_until: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_count: Option<u64>,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_window: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_user_count: Option<u64>,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_user_window: Option<u64>,
}

impl StatusDetails {
    /// "in the next release", "until 100 more events in 1h", … or nothing.
    pub fn describe(&self) -> Option<String> {
        if self.in_next_release {
            return Some("in the next release".into());
        }
        if let Some(r) = &self.in_release {
            return Some(format!("in {r}"));
        }
        if let Some(c) = &self.in_commit {
            return Some(format!("in commit {}", short_commit(c)));
        }
        if self.ignore_until_escalating {
            return Some("until it escalates".into());
        }
        if let Some(n) = self.ignore_count {
            return Some(format!(
                "until {n} more events{}",
                window_words(self.ignore_window)
            ));
        }
        if let Some(n) = self.ignore_user_count {
            return Some(format!(
                "until {n} more users{}",
                window_words(self.ignore_user_window)
            ));
        }
        if let Some(m) = self.ignore_duration {
            return Some(format!("for {}", minutes_text(m)));
        }
        None
    }
}

fn short_commit(c: &str) -> &str {
    c.get(..12).unwrap_or(c)
}

fn window_words(w: Option<u64>) -> String {
    w.map(|m| format!(" in {}", minutes_text(m)))
        .unwrap_or_default()
}

/// An error's owner and marks, as the server last said (or errtui optimistically shows).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Triage {
    pub assignee: Option<Assignee>,
    pub is_bookmarked: bool,
    /// `high`, `medium` or `low`, where the server has priorities.
    pub priority: Option<String>,
    /// Sentry's finer status: `ongoing`, `archived_until_escalating`, `archived_forever`, …
    pub substatus: Option<String>,
    pub status_details: StatusDetails,
}

/// How to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolve {
    Now,
    /// Pinned to the release after `latest` (shown so the user sees what they commit to).
    NextRelease {
        latest: Option<String>,
    },
    InRelease(String),
    InCommit {
        commit: String,
        repository: String,
    },
}

/// How to archive (ignore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Archive {
    /// Status `ignored` and nothing more: what every backend understands.
    Plain,
    UntilEscalating,
    Forever,
    /// Minutes.
    For(u64),
    UntilCount {
        count: u64,
        window: Option<u64>,
    },
    UntilUsers {
        count: u64,
        window: Option<u64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

/// A change errtui asks a server for, on one error or many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Resolve(Resolve),
    Archive(Archive),
    Unresolve,
    /// `None` unassigns.
    Assign(Option<Assignee>),
    Bookmark(bool),
    /// Sentry's "mark reviewed": out of the for-review inbox.
    Reviewed,
    Priority(Priority),
}

impl Change {
    /// The status this change leaves, when it changes the status.
    pub fn status(&self) -> Option<Status> {
        match self {
            Change::Resolve(_) => Some(Status::Resolved),
            Change::Archive(_) => Some(Status::Ignored),
            Change::Unresolve => Some(Status::Unresolved),
            _ => None,
        }
    }

    /// Only a status, with no details: what GitLab and every server can do.
    pub fn is_plain_status(&self) -> bool {
        matches!(
            self,
            Change::Resolve(Resolve::Now) | Change::Archive(Archive::Plain) | Change::Unresolve
        )
    }

    /// The body of Sentry's `PUT …/issues/` for this change.
    pub fn body(&self) -> Value {
        match self {
            Change::Resolve(r) => {
                let details = match r {
                    Resolve::Now => None,
                    Resolve::NextRelease { .. } => Some(json!({"inNextRelease": true})),
                    Resolve::InRelease(v) => Some(json!({ "inRelease": v })),
                    Resolve::InCommit { commit, repository } => {
                        Some(json!({"inCommit": {"commit": commit, "repository": repository}}))
                    }
                };
                match details {
                    Some(d) => json!({"status": "resolved", "statusDetails": d}),
                    None => json!({"status": "resolved", "statusDetails": {}}),
                }
            }
            Change::Archive(a) => {
                let (sub, details) = match a {
                    Archive::Plain => return json!({"status": "ignored", "statusDetails": {}}),
                    Archive::UntilEscalating => ("archived_until_escalating", json!({})),
                    Archive::Forever => ("archived_forever", json!({})),
                    Archive::For(m) => {
                        ("archived_until_condition_met", json!({"ignoreDuration": m}))
                    }
                    Archive::UntilCount { count, window } => {
                        let mut d = json!({ "ignoreCount": count });
                        if let Some(w) = window {
                            d["ignoreWindow"] = json!(w);
                        }
                        ("archived_until_condition_met", d)
                    }
                    Archive::UntilUsers { count, window } => {
                        let mut d = json!({ "ignoreUserCount": count });
                        if let Some(w) = window {
                            d["ignoreUserWindow"] = json!(w);
                        }
                        ("archived_until_condition_met", d)
                    }
                };
                json!({"status": "ignored", "substatus": sub, "statusDetails": details})
            }
            Change::Unresolve => json!({"status": "unresolved", "statusDetails": {}}),
            Change::Assign(a) => json!({ "assignedTo": a.as_ref().map(Assignee::wire) }),
            Change::Bookmark(b) => json!({ "isBookmarked": b }),
            Change::Reviewed => json!({"inbox": false}),
            Change::Priority(p) => json!({"priority": p.as_str()}),
        }
    }

    /// What the change does, for messages: "resolve in the next release (after web@5.13.2)".
    pub fn describe(&self) -> String {
        match self {
            Change::Resolve(Resolve::Now) => "resolve".into(),
            Change::Resolve(Resolve::NextRelease { latest: Some(l) }) => {
                format!("resolve in the next release (after {l})")
            }
            Change::Resolve(Resolve::NextRelease { latest: None }) => {
                "resolve in the next release".into()
            }
            Change::Resolve(Resolve::InRelease(v)) => format!("resolve in {v}"),
            Change::Resolve(Resolve::InCommit { commit, .. }) => {
                format!("resolve in commit {}", short_commit(commit))
            }
            Change::Archive(Archive::Plain) => "ignore".into(),
            Change::Archive(Archive::UntilEscalating) => "archive until it escalates".into(),
            Change::Archive(Archive::Forever) => "archive forever".into(),
            Change::Archive(Archive::For(m)) => format!("archive for {}", minutes_text(*m)),
            Change::Archive(Archive::UntilCount { count, window }) => {
                format!("archive until {count} more events{}", window_words(*window))
            }
            Change::Archive(Archive::UntilUsers { count, window }) => {
                format!("archive until {count} more users{}", window_words(*window))
            }
            Change::Unresolve => "unresolve".into(),
            Change::Assign(Some(a)) => format!("assign to {}", a.label()),
            Change::Assign(None) => "unassign".into(),
            Change::Bookmark(true) => "bookmark".into(),
            Change::Bookmark(false) => "remove the bookmark of".into(),
            Change::Reviewed => "mark reviewed".into(),
            Change::Priority(p) => format!("set priority {} on", p.as_str()),
        }
    }

    /// Applies the change to what errtui shows, before the server answers.
    pub fn apply(&self, status: &mut Status, t: &mut Triage) {
        if let Some(s) = self.status() {
            *status = s;
            t.status_details = StatusDetails::default();
            t.substatus = None;
        }
        match self {
            Change::Resolve(Resolve::NextRelease { .. }) => t.status_details.in_next_release = true,
            Change::Resolve(Resolve::InRelease(v)) => t.status_details.in_release = Some(v.clone()),
            Change::Resolve(Resolve::InCommit { commit, .. }) => {
                t.status_details.in_commit = Some(commit.clone())
            }
            Change::Archive(a) => {
                let d = &mut t.status_details;
                match a {
                    Archive::Plain => {}
                    Archive::UntilEscalating => {
                        t.substatus = Some("archived_until_escalating".into());
                        d.ignore_until_escalating = true;
                    }
                    Archive::Forever => t.substatus = Some("archived_forever".into()),
                    Archive::For(m) => d.ignore_duration = Some(*m),
                    Archive::UntilCount { count, window } => {
                        d.ignore_count = Some(*count);
                        d.ignore_window = *window;
                    }
                    Archive::UntilUsers { count, window } => {
                        d.ignore_user_count = Some(*count);
                        d.ignore_user_window = *window;
                    }
                }
            }
            Change::Unresolve => t.substatus = Some("ongoing".into()),
            Change::Assign(a) => t.assignee = a.clone(),
            Change::Bookmark(b) => t.is_bookmarked = *b,
            Change::Priority(p) => t.priority = Some(p.as_str().into()),
            Change::Resolve(Resolve::Now) | Change::Reviewed => {}
        }
    }

    /// The change that puts back what `before` showed, for undo. `None` when there is none
    /// (mark reviewed cannot be taken back).
    pub fn inverse(&self, status: &Status, before: &Triage) -> Option<Change> {
        match self {
            Change::Resolve(_) | Change::Archive(_) | Change::Unresolve => match status {
                Status::Unresolved => Some(Change::Unresolve),
                Status::Resolved => Some(Change::Resolve(Resolve::Now)),
                Status::Ignored => Some(Change::Archive(Archive::Plain)),
                Status::Other(_) => None,
            },
            Change::Assign(_) => Some(Change::Assign(before.assignee.clone())),
            Change::Bookmark(_) => Some(Change::Bookmark(before.is_bookmarked)),
            Change::Priority(_) => before
                .priority
                .as_deref()
                .and_then(Priority::parse)
                .map(Change::Priority),
            Change::Reviewed => None,
        }
    }

    /// Whether what the server answered shows this change.
    pub fn shown_by(&self, status: &Status, t: &Triage) -> bool {
        match self {
            Change::Assign(a) => match (a, &t.assignee) {
                (None, None) => true,
                (Some(want), Some(got)) => want.kind == got.kind && want.id == got.id,
                _ => false,
            },
            Change::Bookmark(b) => t.is_bookmarked == *b,
            Change::Priority(p) => t.priority.as_deref() == Some(p.as_str()),
            Change::Reviewed => true,
            other => other.status().is_none_or(|s| &s == status),
        }
    }
}

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// "30 min", "1 h", "1 d", "1 w", "90 min".
pub fn minutes_text(m: u64) -> String {
    match m {
        m if m > 0 && m % 10_080 == 0 => format!("{} w", m / 10_080),
        m if m > 0 && m % 1440 == 0 => format!("{} d", m / 1440),
        m if m > 0 && m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}

/// Reads a duration: `30m`, `30min`, `1h`, `2d`, `1w`, or bare minutes. Returns minutes.
pub fn parse_minutes(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let unit = t[digits.len()..].trim();
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: write it like 30m, 1h, 2d or 1w"))?;
    let per = match unit {
        "" | "m" | "min" | "mins" | "minute" | "minutes" => 1,
        "h" | "hr" | "hour" | "hours" => 60,
        "d" | "day" | "days" => 1440,
        "w" | "week" | "weeks" => 10_080,
        _ => return Err(format!("`{s}`: the unit must be m, h, d or w")),
    };
    match n.checked_mul(per) {
        Some(0) => Err("a duration must be longer than zero".into()),
        Some(m) => Ok(m),
        None => Err(format!("`{s}` is too long")),
    }
}

/// A member or team an error can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub assignee: Assignee,
    /// Extra words to match in the picker (email, username, team slug).
    pub also: String,
}

/// One entry of an error's activity: a status change, an assignment, a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    /// Sentry's type: `note`, `set_resolved`, `assigned`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub date: Option<Timestamp>,
    pub user: Option<String>,
    /// The comment's text, or what the change was.
    pub text: String,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub parent: String,
    pub children: Vec<String>,
}

/// Which triage actions a server has, each `None` when it has it, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TriageCaps {
    /// Resolve in the next release or in a named release.
    pub release_resolve: Option<String>,
    /// Resolve in a commit.
    pub commit_resolve: Option<String>,
    /// Archive until escalating, forever, for a while, until more events or users.
    pub archive_options: Option<String>,
    pub assign: Option<String>,
    pub bookmark: Option<String>,
    pub priority: Option<String>,
    pub reviewed: Option<String>,
    pub merge: Option<String>,
    pub comments: Option<String>,
    /// Create a GitLab issue from an error.
    pub create_issue: Option<String>,
}

impl TriageCaps {
    pub fn sentry() -> TriageCaps {
        TriageCaps {
            create_issue: Some(
                "Creating an issue from an error is GitLab's: start errtui on the GitLab project (--backend gitlab).".into(),
            ),
            ..TriageCaps::default()
        }
    }

    pub fn glitchtip() -> TriageCaps {
        TriageCaps {
            archive_options: Some(
                "GlitchTip archives without conditions: no until-escalating, durations or counts (plain ignore works).".into(),
            ),
            bookmark: Some("GlitchTip has no bookmarks.".into()),
            commit_resolve: Some(
                "GlitchTip resolves in a release, not in a commit.".into(),
            ),
            priority: Some("GlitchTip does not set priorities.".into()),
            reviewed: Some("GlitchTip has no review inbox.".into()),
            ..TriageCaps::sentry()
        }
    }

    pub fn gitlab() -> TriageCaps {
        let only = |what: &str| {
            Some(format!(
                "GitLab's error tracking API cannot {what}: only resolve and ignore go through it (open the error in Sentry with o)."
            ))
        };
        TriageCaps {
            release_resolve: only("resolve in a release"),
            commit_resolve: only("resolve in a commit"),
            archive_options: only("archive with conditions"),
            assign: only("assign errors"),
            bookmark: only("bookmark errors"),
            priority: only("set priorities"),
            reviewed: only("mark errors reviewed"),
            merge: only("merge errors"),
            comments: only("comment on errors"),
            create_issue: None,
        }
    }

    /// Why `change` cannot be made here, if it cannot (the status itself aside).
    pub fn refuses(&self, change: &Change) -> Option<String> {
        match change {
            Change::Resolve(Resolve::Now) | Change::Archive(Archive::Plain) | Change::Unresolve => {
                None
            }
            Change::Resolve(Resolve::InCommit { .. }) => self
                .commit_resolve
                .clone()
                .or_else(|| self.release_resolve.clone()),
            Change::Resolve(_) => self.release_resolve.clone(),
            Change::Archive(_) => self.archive_options.clone(),
            Change::Assign(_) => self.assign.clone(),
            Change::Bookmark(_) => self.bookmark.clone(),
            Change::Reviewed => self.reviewed.clone(),
            Change::Priority(_) => self.priority.clone(),
        }
    }
}

/// What a server's answer to a change says the errors now are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    pub status: Option<Status>,
    pub triage: Triage,
}

/// An issue created on GitLab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatedIssue {
    pub iid: u64,
    pub url: String,
}
