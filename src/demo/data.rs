//! The demo dataset: hand-written errors from `assets/demo/errors.json`, plus optional generated
//! ones, held compactly so 100,000 of them stay cheap. Sentry-shaped JSON is built on request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::{Status, StatusFilter};

const DATASET: &str = include_str!("../../assets/demo/errors.json");
pub const PROJECT_ID: &str = "1";
pub const ORG: &str = "demo";
pub const PROJECT: &str = "demo";
/// The demo's GitLab project, whose error tracking is backed by the demo's Sentry side.
pub const GITLAB_PROJECT: &str = "demo-group/demo";
pub const GITLAB_PROJECT_ID: &str = "42";

#[derive(Debug, Deserialize)]
pub struct Template {
    pub platform: String,
    pub level: String,
    pub status: String,
    pub culprit: String,
    pub count: u64,
    pub users: u64,
    pub first_seen_h: i64,
    pub last_seen_m: i64,
    pub release: [String; 2],
    #[serde(default)]
    pub request: Option<Value>,
    #[serde(default)]
    pub user: Option<Value>,
    #[serde(default)]
    pub tags: serde_json::Map<String, Value>,
    pub exceptions: Vec<TemplateException>,
    #[serde(default)]
    pub breadcrumbs: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct TemplateException {
    #[serde(rename = "type")]
    pub ty: String,
    pub value: String,
    #[serde(default)]
    pub module: Option<String>,
    pub frames: Vec<TemplateFrame>,
}

#[derive(Debug, Deserialize)]
pub struct TemplateFrame {
    pub file: String,
    #[serde(rename = "fn")]
    pub function: String,
    pub line: i64,
    #[serde(default)]
    pub col: Option<u32>,
    #[serde(default)]
    pub in_app: bool,
    #[serde(default)]
    pub module: Option<String>,
    /// Source lines around the failing one, which sits in the middle.
    #[serde(default)]
    pub ctx: Vec<String>,
}

impl Template {
    /// "Type: value" of the raised (last) exception, as Sentry titles errors.
    pub fn title(&self) -> String {
        match self.exceptions.last() {
            Some(e) => {
                let value = e.value.lines().next().unwrap_or("");
                if value.is_empty() {
                    e.ty.clone()
                } else {
                    format!("{}: {}", e.ty, value)
                }
            }
            None => "Error".into(),
        }
    }
}

/// One error in the demo's memory. Generated errors share their template's event.
#[derive(Debug, Clone)]
pub struct DemoIssue {
    pub id: u64,
    pub template: u32,
    pub title: Box<str>,
    pub culprit: Box<str>,
    pub status: Status,
    pub count: u64,
    pub users: u64,
    pub first_seen: i64,
    pub last_seen: i64,
}

pub struct Dataset {
    pub templates: Vec<Template>,
    pub issues: Vec<DemoIssue>,
    /// Bumped on every change so cached list orders know they are stale.
    pub version: u64,
    /// Issue id → position, for ids outside the dense hand-written and generated ranges.
    ingested: std::collections::HashMap<u64, usize>,
    /// How many templates came from the dataset file (ingested events add their own).
    base_templates: usize,
    /// Assignees, marks, notes and merges, for the issues triaged so far.
    pub triage: super::triage::Triages,
}

fn hash(n: u64) -> u64 {
    // splitmix64: cheap, deterministic variety for generated data.
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const SUFFIXES: [&str; 6] = [
    "in worker pool",
    "during retry",
    "after deploy",
    "on shard",
    "in batch",
    "for tenant",
];

impl Dataset {
    pub fn load(generated: usize, now: DateTime<Utc>) -> Result<Dataset, String> {
        let templates: Vec<Template> =
            serde_json::from_str(DATASET).map_err(|e| format!("demo dataset is invalid: {e}"))?;
        let now_s = now.timestamp();
        let templates_len = templates.len();
        let mut issues = Vec::with_capacity(templates.len() + generated);
        for (i, t) in templates.iter().enumerate() {
            issues.push(DemoIssue {
                id: 4_000_001 + i as u64,
                template: i as u32,
                title: t.title().into(),
                culprit: t.culprit.as_str().into(),
                status: Status::parse(&t.status),
                count: t.count,
                users: t.users,
                first_seen: now_s - t.first_seen_h * 3600 - 1800,
                last_seen: now_s - t.last_seen_m * 60 - 17,
            });
        }
        for j in 0..generated {
            let h = hash(j as u64);
            let ti = (h % templates.len() as u64) as usize;
            let t = &templates[ti];
            let status = match (h >> 8) % 10 {
                0..=6 => Status::Unresolved,
                7 | 8 => Status::Resolved,
                _ => Status::Ignored,
            };
            let first = now_s - ((h >> 12) % (90 * 86_400)) as i64;
            let last = first + ((h >> 20) % ((now_s - first).max(1) as u64)) as i64;
            issues.push(DemoIssue {
                id: 5_000_001 + j as u64,
                template: ti as u32,
                title: format!(
                    "{} {} {}",
                    t.title(),
                    SUFFIXES[(h >> 4) as usize % SUFFIXES.len()],
                    j + 1
                )
                .into(),
                culprit: t.culprit.as_str().into(),
                status,
                count: 1 + (h >> 24) % 50_000,
                users: (h >> 40) % 5_000,
                first_seen: first,
                last_seen: last,
            });
        }
        Ok(Dataset {
            templates,
            issues,
            version: 0,
            ingested: Default::default(),
            triage: Default::default(),
            base_templates: templates_len,
        })
    }

    /// Stores an event that arrived through a DSN as a new error, as Sentry would.
    pub fn ingest(&mut self, event: &Value, now: DateTime<Utc>) -> u64 {
        let str_at = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let exceptions: Vec<TemplateException> = event
            .get("exception")
            .and_then(|e| e.get("values"))
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .map(|e| TemplateException {
                        ty: str_at(e, "type").unwrap_or_else(|| "Error".into()),
                        value: str_at(e, "value").unwrap_or_default(),
                        module: str_at(e, "module"),
                        frames: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = event
            .get("message")
            .and_then(|m| {
                m.as_str()
                    .map(str::to_string)
                    .or_else(|| str_at(m, "formatted"))
            })
            .or_else(|| {
                event
                    .get("logentry")
                    .and_then(|l| str_at(l, "formatted").or_else(|| str_at(l, "message")))
            });
        let mut tags = serde_json::Map::new();
        if let Some(Value::Object(t)) = event.get("tags") {
            tags.extend(t.clone());
        }
        let t = Template {
            platform: str_at(event, "platform").unwrap_or_else(|| "other".into()),
            level: str_at(event, "level").unwrap_or_else(|| "error".into()),
            status: "unresolved".into(),
            culprit: str_at(event, "culprit")
                .or_else(|| str_at(event, "transaction"))
                .or_else(|| str_at(event, "logger"))
                .unwrap_or_default(),
            count: 1,
            users: 0,
            first_seen_h: 0,
            last_seen_m: 0,
            release: [
                str_at(event, "release").unwrap_or_else(|| "—".into()),
                str_at(event, "release").unwrap_or_else(|| "—".into()),
            ],
            request: None,
            user: event.get("user").cloned(),
            tags,
            exceptions,
            breadcrumbs: Vec::new(),
        };
        let title = if t.exceptions.is_empty() {
            message
                .clone()
                .unwrap_or_else(|| "<unlabeled event>".into())
        } else {
            t.title()
        };
        self.templates.push(t);
        let id = 6_000_001 + self.ingested.len() as u64;
        let now_s = now.timestamp();
        self.issues.push(DemoIssue {
            id,
            template: (self.templates.len() - 1) as u32,
            title: title.into(),
            culprit: self
                .templates
                .last()
                .map(|t| t.culprit.as_str())
                .unwrap_or("")
                .into(),
            status: Status::Unresolved,
            count: 1,
            users: 0,
            first_seen: now_s,
            last_seen: now_s,
        });
        self.ingested.insert(id, self.issues.len() - 1);
        self.version += 1;
        id
    }

    /// Finds an issue by numeric id or by short id (`DEMO-1F`).
    pub fn find(&self, id: &str) -> Option<usize> {
        if let Some(short) = id.strip_prefix("DEMO-") {
            let n = u64::from_str_radix(short, 36).ok()?;
            return (n as usize)
                .checked_sub(1)
                .filter(|&i| i < self.issues.len());
        }
        let n: u64 = id.parse().ok()?;
        if let Some(&i) = self.ingested.get(&n) {
            return Some(i);
        }
        let dense = self.issues.len() - self.ingested.len();
        let idx = if n >= 6_000_001 {
            return None;
        } else if n >= 5_000_001 {
            (n - 5_000_001) as usize + self.base_templates
        } else if n >= 4_000_001 {
            (n - 4_000_001) as usize
        } else {
            return None;
        };
        self.issues[..dense]
            .get(idx)
            .filter(|i| i.id == n)
            .map(|_| idx)
    }

    pub fn template(&self, issue: &DemoIssue) -> &Template {
        &self.templates[issue.template as usize]
    }

    pub fn short_id(idx: usize) -> String {
        format!("DEMO-{}", base36(idx as u64 + 1))
    }

    /// Does this issue match a Sentry search string? Supports `is:`, `level:`, `key:value` tags
    /// and free words (case-insensitive, in title, culprit or short id).
    pub fn matches(&self, idx: usize, query: &ParsedQuery) -> bool {
        let issue = &self.issues[idx];
        let triage = self.triage.get(&issue.id);
        if triage.is_some_and(|t| t.merged_into.is_some()) {
            return false;
        }
        if !query.status.matches(&issue.status) {
            return false;
        }
        let t = self.template(issue);
        if let Some(level) = &query.level
            && !t.level.eq_ignore_ascii_case(level)
        {
            return false;
        }
        for (k, v) in &query.tags {
            // Triage searches: `assigned:me` (the token's user is the demo's user 1), `#team`,
            // a username or email; `bookmarks:me`.
            match k.as_str() {
                "assigned" => {
                    let who = triage.and_then(|t| t.assigned.as_ref());
                    let hit = who.is_some_and(|a| {
                        let key = if v == "me" {
                            "1"
                        } else {
                            v.trim_start_matches('#')
                        };
                        [
                            &a["id"],
                            &a["name"],
                            &a["email"],
                            &a["username"],
                            &a["slug"],
                        ]
                        .iter()
                        .any(|f| f.as_str().is_some_and(|s| s.eq_ignore_ascii_case(key)))
                    });
                    if !hit {
                        return false;
                    }
                    continue;
                }
                "bookmarks" => {
                    if !triage.is_some_and(|t| t.bookmarked) {
                        return false;
                    }
                    continue;
                }
                _ => {}
            }
            let tag = t.tags.get(k).and_then(Value::as_str);
            if !tag.is_some_and(|tv| tv.eq_ignore_ascii_case(v)) {
                return false;
            }
        }
        if query.words.is_empty() {
            return true;
        }
        let short = Self::short_id(idx).to_lowercase();
        query.words.iter().all(|w| {
            contains_ci(&issue.title, w)
                || contains_ci(&issue.culprit, w)
                || short.contains(w.as_str())
        })
    }

    /// An issue as Sentry lists it, borrowed from the dataset and written straight to JSON:
    /// a page of 100 costs well under a millisecond of server time (BENCHMARKS.md).
    pub fn issue_out<'a>(&'a self, idx: usize, base_url: &str) -> IssueOut<'a> {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let exc = t.exceptions.last();
        let tr = self.triage.get(&issue.id);
        IssueOut {
            id: issue.id.to_string(),
            short_id: Self::short_id(idx),
            title: &issue.title,
            culprit: &issue.culprit,
            permalink: format!("{base_url}/organizations/{ORG}/issues/{}/", issue.id),
            logger: None,
            level: &t.level,
            status: issue.status.as_str(),
            status_details: tr.map(|t| &t.status_details).filter(|d| d.is_object()),
            substatus: match tr.and_then(|t| t.substatus.as_deref()) {
                Some(s) => Some(s),
                None => match issue.status {
                    Status::Ignored => Some("archived_forever"),
                    Status::Unresolved => Some("ongoing"),
                    _ => None,
                },
            },
            is_public: false,
            platform: &t.platform,
            project: ProjectOut {
                id: PROJECT_ID,
                name: "Demo",
                slug: PROJECT,
                platform: &t.platform,
            },
            ty: "error",
            metadata: MetadataOut {
                ty: exc.map(|e| e.ty.as_str()),
                value: exc.map(|e| e.value.as_str()),
                title: &issue.title,
            },
            num_comments: tr.map_or(0, |t| {
                t.activity.iter().filter(|a| a["type"] == "note").count() as u32
            }),
            assigned_to: tr.and_then(|t| t.assigned.as_ref()),
            is_bookmarked: tr.is_some_and(|t| t.bookmarked),
            priority: tr.and_then(|t| t.priority.as_deref()).unwrap_or("medium"),
            has_seen: false,
            annotations: [],
            count: issue.count.to_string(),
            user_count: issue.users,
            first_seen: rfc3339(issue.first_seen),
            last_seen: rfc3339(issue.last_seen),
            stats: StatsOut {
                day: self.stats(issue),
            },
        }
    }

    pub fn issue_json(&self, idx: usize, base_url: &str, detailed: bool) -> Value {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let ts = rfc3339;
        let mut v = serde_json::to_value(self.issue_out(idx, base_url)).unwrap_or_default();
        if detailed && let Some(obj) = v.as_object_mut() {
            let rel =
                |r: &str, at: i64| json!({"version": r, "shortVersion": r, "dateCreated": ts(at)});
            obj.insert("firstRelease".into(), rel(&t.release[0], issue.first_seen));
            obj.insert("lastRelease".into(), rel(&t.release[1], issue.last_seen));
            obj.insert(
                "tags".into(),
                Value::Array(
                    t.tags
                        .keys()
                        .map(|k| json!({"key": k, "name": tag_name(k), "totalValues": 1 + hash(issue.id ^ k.len() as u64) % issue.count.max(1)}))
                        .collect(),
                ),
            );
            // Newest first, as Sentry sends it.
            let mut activity: Vec<Value> = self
                .triage
                .get(&issue.id)
                .map(|t| t.activity.iter().rev().cloned().collect())
                .unwrap_or_default();
            activity.push(json!({"id": "0", "type": "first_seen", "data": {}, "dateCreated": ts(issue.first_seen), "user": null}));
            obj.insert("activity".into(), Value::Array(activity));
            obj.insert("userReportCount".into(), json!(0));
            obj.insert(
                "stats".into(),
                json!({"24h": json!(self.stats(issue)), "30d": self.stats_30d(issue)}),
            );
            obj.insert("seenBy".into(), json!([]));
            obj.insert("participants".into(), json!([]));
        }
        v
    }

    fn stats_30d(&self, issue: &DemoIssue) -> Value {
        let day = 86_400;
        let end = issue.last_seen - issue.last_seen % day;
        let per_day = (issue.count / 30).max(1);
        Value::Array(
            (0..30)
                .map(|k| {
                    let at = end - (29 - k) * day;
                    let n = if at + day < issue.first_seen {
                        0
                    } else {
                        hash(issue.id.wrapping_mul(17) + k as u64) % (per_day * 2 + 1)
                    };
                    json!([at, n])
                })
                .collect(),
        )
    }

    fn stats(&self, issue: &DemoIssue) -> Vec<(i64, u64)> {
        let hour = 3600;
        let end = issue.last_seen - issue.last_seen % hour;
        let per_hour = (issue.count / 200).max(1);
        let spiking = self.triage.get(&issue.id).is_some_and(|t| t.spiking);
        (0..24)
            .map(|k| {
                let at = end - (23 - k) * hour;
                let n = if at < issue.first_seen {
                    0
                } else {
                    hash(issue.id.wrapping_mul(31) + k as u64) % (per_hour * 2 + 1)
                };
                // `--live` makes one error spike: its last hour ten times its usual.
                let n = if spiking && k == 23 {
                    (per_hour * 10).max(30)
                } else {
                    n
                };
                (at, n)
            })
            .collect()
    }

    /// How many events the demo keeps for an issue (at most 12; the count says how many
    /// there were in all, as a real server's retention would).
    pub fn event_count(&self, idx: usize) -> usize {
        (self.issues[idx].count as usize).clamp(1, 12)
    }

    /// Event `k` of an issue's kept events, newest first.
    pub fn event_id(&self, idx: usize, k: usize) -> String {
        let id = self.issues[idx].id;
        format!(
            "{:016x}{:016x}",
            hash(id),
            hash(id + 1 + k as u64 * 1_000_003)
        )
    }

    /// Which of the issue's events has this id.
    pub fn event_index(&self, idx: usize, event_id: &str) -> Option<usize> {
        let want = event_id.replace('-', "").to_ascii_lowercase();
        (0..self.event_count(idx)).find(|k| self.event_id(idx, *k) == want)
    }

    /// The issue an event id belongs to, searching every issue's kept events.
    pub fn find_event(&self, event_id: &str) -> Option<(usize, usize)> {
        (0..self.issues.len()).find_map(|i| self.event_index(i, event_id).map(|k| (i, k)))
    }

    /// What varies between the events of one issue: when, release, environment, user, browser.
    fn facets(&self, idx: usize, k: usize) -> Facets {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let n = self.event_count(idx) as i64;
        let span = (issue.last_seen - issue.first_seen).max(n);
        let h = hash(issue.id.wrapping_mul(977) + k as u64);
        let users = issue.users.max(1);
        Facets {
            date: issue.last_seen - span * k as i64 / n,
            release: t.release[if h % 10 < 7 || k == 0 { 1 } else { 0 }].clone(),
            environment: if h.is_multiple_of(5) {
                "staging"
            } else {
                "production"
            }
            .to_string(),
            user_id: if k == 0 {
                t.user
                    .as_ref()
                    .and_then(|u| u.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or("1")
                    .to_string()
            } else {
                (10_000 + (h >> 8) % users).to_string()
            },
            browser: ["Chrome 131", "Firefox 133", "Safari 18.1"]
                [(h >> 16) as usize % 3 % if h.is_multiple_of(4) { 3 } else { 1 }]
            .to_string(),
            os: ["Linux", "macOS 15.1", "Windows 11"][(h >> 20) as usize % 3].to_string(),
        }
    }

    /// The kept events of an issue as Sentry's `…/events/` lists them, newest first.
    pub fn events_json(&self, idx: usize) -> Vec<Value> {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        (0..self.event_count(idx))
            .map(|k| {
                let f = self.facets(idx, k);
                let id = self.event_id(idx, k);
                json!({
                    "id": id,
                    "eventID": id,
                    "groupID": issue.id.to_string(),
                    "projectID": PROJECT_ID,
                    "title": &*issue.title,
                    "message": &*issue.title,
                    "platform": t.platform,
                    "dateCreated": ts(f.date),
                    "user": {"id": f.user_id, "email": format!("user{}@example.com", f.user_id)},
                    "tags": [
                        {"key": "environment", "value": f.environment},
                        {"key": "release", "value": f.release},
                        {"key": "level", "value": t.level},
                    ],
                })
            })
            .collect()
    }

    /// Tag breakdowns across an issue's events, in the shape of Sentry's `…/tags/`.
    pub fn tags_json(&self, idx: usize) -> Vec<Value> {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let total = issue.count.max(1);
        let split = |values: &[(&str, u64)]| -> Value {
            let weight: u64 = values.iter().map(|(_, w)| w).sum::<u64>().max(1);
            let mut left = total;
            let mut out = Vec::new();
            for (i, (v, w)) in values.iter().enumerate() {
                let c = if i + 1 == values.len() {
                    left
                } else {
                    (total * w / weight).min(left)
                };
                left -= c;
                if c > 0 {
                    out.push(json!({"key": "", "name": v, "value": v, "count": c,
                        "firstSeen": ts(issue.first_seen), "lastSeen": ts(issue.last_seen)}));
                }
            }
            Value::Array(out)
        };
        let mut tags = vec![
            (
                "release",
                split(&[(&t.release[1], 70), (&t.release[0], 30)]),
            ),
            ("environment", split(&[("production", 80), ("staging", 20)])),
            (
                "os",
                split(&[("Linux", 55), ("macOS 15.1", 30), ("Windows 11", 15)]),
            ),
        ];
        if t.platform == "javascript" {
            tags.push((
                "browser",
                split(&[("Chrome 131", 61), ("Firefox 133", 24), ("Safari 18.1", 15)]),
            ));
        } else {
            tags.push((
                "server_name",
                split(&[("web-1", 40), ("web-2", 35), ("worker-1", 25)]),
            ));
        }
        if let Some(url) = t
            .request
            .as_ref()
            .and_then(|r| r.get("url"))
            .and_then(Value::as_str)
        {
            let path = url.split('?').next().unwrap_or(url);
            tags.push(("url", split(&[(path, 1)])));
        }
        let u1 = format!("id:{}", self.facets(idx, 0).user_id);
        tags.push((
            "user",
            split(&[(&u1, 12), ("id:10007", 5), ("id:10042", 3), ("other", 80)]),
        ));
        tags.into_iter()
            .map(|(k, mut top)| {
                if let Some(a) = top.as_array_mut() {
                    for v in a.iter_mut() {
                        v["key"] = json!(k);
                    }
                }
                let unique = top.as_array().map(Vec::len).unwrap_or(0);
                json!({"key": k, "name": tag_name(k), "totalValues": total,
                    "uniqueValues": unique, "topValues": top})
            })
            .collect()
    }

    /// The latest event of an issue, in the shape of Sentry's `events/latest/`.
    pub fn event_json(&self, idx: usize) -> Value {
        self.event_at(idx, 0)
    }

    /// Event `k` (0 = newest) of an issue, with its neighbours' ids.
    pub fn event_at(&self, idx: usize, k: usize) -> Value {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let n = self.event_count(idx);
        let k = k.min(n - 1);
        let f = self.facets(idx, k);
        let event_id = self.event_id(idx, k);
        let values: Vec<Value> = t
            .exceptions
            .iter()
            .map(|e| {
                let frames: Vec<Value> = e
                    .frames
                    .iter()
                    .map(|f| {
                        let first = f.line - (f.ctx.len() as i64) / 2;
                        json!({
                            "filename": f.file,
                            "absPath": f.file,
                            "module": f.module,
                            "package": null,
                            "platform": null,
                            "instructionAddr": null,
                            "symbolAddr": null,
                            "function": f.function,
                            "rawFunction": null,
                            "symbol": null,
                            "context": f.ctx.iter().enumerate().map(|(k, code)| json!([first + k as i64, code])).collect::<Vec<_>>(),
                            "lineNo": if f.line > 0 { json!(f.line) } else { Value::Null },
                            "colNo": f.col,
                            "inApp": f.in_app,
                            "trust": null,
                            "errors": null,
                            "vars": if f.in_app && t.platform == "python" { json!({"self": format!("<{}>", f.function), "user_id": 10422, "retries": 0}) } else { Value::Null },
                        })
                    })
                    .collect();
                json!({
                    "type": e.ty,
                    "value": e.value,
                    "module": e.module,
                    "threadId": null,
                    "mechanism": {"type": "generic", "handled": t.level != "fatal"},
                    "stacktrace": if frames.is_empty() { Value::Null } else { json!({"frames": frames, "framesOmitted": null, "registers": null, "hasSystemFrames": true}) },
                    "rawStacktrace": null,
                })
            })
            .collect();
        let crumbs: Vec<Value> = t
            .breadcrumbs
            .iter()
            .enumerate()
            .map(|(i, (cat, msg))| {
                let k = i;
                json!({
                    "type": if cat == "http" || cat == "fetch" { "http" } else { "default" },
                    "category": cat,
                    "level": "info",
                    "message": msg,
                    "timestamp": ts(f.date - (t.breadcrumbs.len() - k) as i64 * 3),
                    "data": if cat == "http" { json!({"method": msg.split(' ').next(), "url": msg.split(' ').nth(1), "status_code": msg.split(' ').nth(2)}) } else { Value::Null },
                    "event_id": null,
                })
            })
            .collect();
        let mut entries = vec![
            json!({"type": "exception", "data": {"values": values, "hasSystemFrames": true, "excOmitted": null}}),
        ];
        if !crumbs.is_empty() {
            entries.push(json!({"type": "breadcrumbs", "data": {"values": crumbs}}));
        }
        if let Some(req) = &t.request {
            let url = req.get("url").and_then(Value::as_str).unwrap_or("");
            let (path, query) = url.split_once('?').unwrap_or((url, ""));
            let post = req.get("method").and_then(Value::as_str) == Some("POST");
            entries.push(json!({"type": "request", "data": {
                "method": req.get("method"), "url": path, "query": query.split('&').filter(|p| !p.is_empty()).map(|p| { let (a, b) = p.split_once('=').unwrap_or((p, "")); json!([a, b]) }).collect::<Vec<_>>(), "fragment": null,
                "data": if post { json!({"payment": "card", "card_token": "tok_demo_4242", "items": 3}) } else { Value::Null },
                "headers": [["Accept", "application/json"], ["Authorization", "Bearer demo-secret-token-7f3a"], ["Cookie", format!("sessionid=demo{}; theme=dark", f.user_id)], ["User-Agent", format!("Mozilla/5.0 ({}) {}", f.os, f.browser)], ["X-Request-Id", format!("req-{}", &event_id[..8])]],
                "cookies": [], "env": {"REMOTE_ADDR": "10.0.3.17"}, "inferredContentType": if post { json!("application/json") } else { Value::Null }, "apiTarget": null}}));
        }
        let mut tags: Vec<Value> = t
            .tags
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        tags.retain(|tag| {
            !["environment", "os", "browser"].contains(&tag["key"].as_str().unwrap_or(""))
        });
        tags.push(json!({"key": "environment", "value": f.environment}));
        tags.push(json!({"key": "level", "value": t.level}));
        tags.push(json!({"key": "release", "value": f.release}));
        tags.push(json!({"key": "os", "value": f.os}));
        if t.platform == "javascript" {
            tags.push(json!({"key": "browser", "value": f.browser}));
        }
        let user = match &t.user {
            Some(Value::Object(u)) => {
                let mut u = u.clone();
                if k > 0 {
                    u.insert("id".into(), json!(f.user_id));
                    u.insert(
                        "email".into(),
                        json!(format!("user{}@example.com", f.user_id)),
                    );
                }
                u.insert("ip_address".into(), json!(format!("203.0.113.{}", 10 + k)));
                u.insert(
                    "geo".into(),
                    json!({"country_code": "DE", "city": "Berlin"}),
                );
                Value::Object(u)
            }
            _ => Value::Null,
        };
        let (prev, next) = (
            (k + 1 < n).then(|| self.event_id(idx, k + 1)),
            (k > 0).then(|| self.event_id(idx, k - 1)),
        );
        json!({
            "previousEventID": prev,
            "nextEventID": next,
            "id": event_id,
            "eventID": event_id,
            "groupID": issue.id.to_string(),
            "projectID": PROJECT_ID,
            "title": &*issue.title,
            "message": "",
            "culprit": &*issue.culprit,
            "platform": t.platform,
            "type": "error",
            "dateCreated": ts(f.date),
            "dateReceived": ts(f.date + 1),
            "size": 4096,
            "entries": entries,
            "tags": tags,
            "user": user,
            "contexts": {
                "os": {"type": "os", "name": f.os},
                "runtime": {"type": "runtime", "name": t.platform, "version": "3.12.4"},
                "browser": if t.platform == "javascript" { json!({"type": "browser", "name": f.browser}) } else { Value::Null },
                "trace": {"type": "trace", "trace_id": format!("{:016x}{:016x}", hash(issue.id ^ 77), hash(k as u64 + 5)), "span_id": format!("{:016x}", hash(issue.id + k as u64)), "op": "http.server"},
            },
            "sdk": {"name": format!("sentry.{}", t.platform), "version": "8.0.0"},
            "release": {"version": f.release, "shortVersion": f.release},
            "errors": [],
        })
    }
}

struct Facets {
    date: i64,
    release: String,
    environment: String,
    user_id: String,
    browser: String,
    os: String,
}

fn ts(s: i64) -> String {
    DateTime::from_timestamp(s, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn tag_name(k: &str) -> String {
    let mut s = k.replace(['_', '.'], " ");
    if let Some(f) = s.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    s
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() {
        hay.as_bytes()
            .windows(needle_lower.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
            || needle_lower.is_empty()
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A Sentry search string, split into the parts the demo understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    pub status: StatusFilter,
    pub level: Option<String>,
    pub tags: Vec<(String, String)>,
    pub words: Vec<String>,
}

impl ParsedQuery {
    /// `query` is `None` when the client left it out: Sentry then applies its default.
    pub fn parse(query: Option<&str>) -> ParsedQuery {
        let mut p = ParsedQuery {
            status: StatusFilter::All,
            level: None,
            tags: Vec::new(),
            words: Vec::new(),
        };
        let Some(q) = query else {
            p.status = StatusFilter::Unresolved;
            return p;
        };
        for token in q.split_whitespace() {
            match token.split_once(':') {
                Some(("is", v)) => {
                    p.status = match v {
                        "unresolved" => StatusFilter::Unresolved,
                        "resolved" => StatusFilter::Resolved,
                        "ignored" | "archived" | "muted" => StatusFilter::Ignored,
                        _ => p.status,
                    }
                }
                Some(("level", v)) => p.level = Some(v.to_string()),
                Some((k, v)) if !k.is_empty() && !v.is_empty() && !k.contains('/') => p
                    .tags
                    .push((k.to_string(), v.trim_matches('"').to_string())),
                _ => p.words.push(token.trim_matches('"').to_lowercase()),
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_loads_with_all_languages() {
        let d = Dataset::load(10, Utc::now()).expect("dataset");
        assert_eq!(d.issues.len(), d.templates.len() + 10);
        assert!(d.templates.len() >= 40);
        for p in ["python", "javascript", "ruby", "go", "java", "rust"] {
            assert!(d.templates.iter().any(|t| t.platform == p), "{p}");
        }
        assert!(d.templates.iter().any(|t| t.exceptions.len() > 1));
        let idx = d.find("5000003").expect("generated id resolves");
        assert_eq!(d.issues[idx].id, 5_000_003);
    }

    #[test]
    fn search_parses_status_tags_and_words() {
        let q = ParsedQuery::parse(Some("is:resolved environment:production Timeout"));
        assert_eq!(q.status, StatusFilter::Resolved);
        assert_eq!(q.tags, vec![("environment".into(), "production".into())]);
        assert_eq!(q.words, vec!["timeout".to_string()]);
        assert_eq!(ParsedQuery::parse(None).status, StatusFilter::Unresolved);
        assert_eq!(ParsedQuery::parse(Some("")).status, StatusFilter::All);
    }
}

fn rfc3339(s: i64) -> String {
    DateTime::from_timestamp(s, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One issue of a list page, in Sentry's shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueOut<'a> {
    id: String,
    short_id: String,
    title: &'a str,
    culprit: &'a str,
    permalink: String,
    logger: Option<&'a str>,
    level: &'a str,
    status: &'a str,
    #[serde(serialize_with = "object_or_empty")]
    status_details: Option<&'a Value>,
    substatus: Option<&'a str>,
    is_public: bool,
    platform: &'a str,
    project: ProjectOut<'a>,
    #[serde(rename = "type")]
    ty: &'static str,
    metadata: MetadataOut<'a>,
    num_comments: u32,
    assigned_to: Option<&'a Value>,
    is_bookmarked: bool,
    priority: &'a str,
    has_seen: bool,
    annotations: [u8; 0],
    count: String,
    user_count: u64,
    first_seen: String,
    last_seen: String,
    stats: StatsOut,
}

/// `statusDetails` is `{}` when there are none.
fn object_or_empty<S: serde::Serializer>(v: &Option<&Value>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match v {
        Some(v) => v.serialize(s),
        None => s.serialize_map(Some(0))?.end(),
    }
}

#[derive(Serialize)]
pub struct ProjectOut<'a> {
    id: &'static str,
    name: &'static str,
    slug: &'static str,
    platform: &'a str,
}

#[derive(Serialize)]
pub struct MetadataOut<'a> {
    #[serde(rename = "type")]
    ty: Option<&'a str>,
    value: Option<&'a str>,
    title: &'a str,
}

#[derive(Serialize)]
pub struct StatsOut {
    #[serde(rename = "24h")]
    day: Vec<(i64, u64)>,
}
