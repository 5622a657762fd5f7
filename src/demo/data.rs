//! The demo dataset: hand-written errors from `assets/demo/errors.json`, plus optional generated
//! ones, held compactly so 100,000 of them stay cheap. Sentry-shaped JSON is built on request.

use chrono::{DateTime, Utc};
use serde::Deserialize;
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

    pub fn issue_json(&self, idx: usize, base_url: &str, detailed: bool) -> Value {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let ts = |s: i64| {
            DateTime::from_timestamp(s, 0)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let exc = t.exceptions.last();
        let mut v = json!({
            "id": issue.id.to_string(),
            "shortId": Self::short_id(idx),
            "title": &*issue.title,
            "culprit": &*issue.culprit,
            "permalink": format!("{base_url}/organizations/{ORG}/issues/{}/", issue.id),
            "logger": null,
            "level": t.level,
            "status": issue.status.as_str(),
            "statusDetails": {},
            "substatus": match issue.status { Status::Ignored => json!("archived_forever"), Status::Unresolved => json!("ongoing"), _ => Value::Null },
            "isPublic": false,
            "platform": t.platform,
            "project": {"id": PROJECT_ID, "name": "Demo", "slug": PROJECT, "platform": t.platform},
            "type": "error",
            "metadata": {"type": exc.map(|e| e.ty.as_str()), "value": exc.map(|e| e.value.as_str()), "title": &*issue.title},
            "numComments": 0,
            "assignedTo": null,
            "isBookmarked": false,
            "hasSeen": false,
            "annotations": [],
            "count": issue.count.to_string(),
            "userCount": issue.users,
            "firstSeen": ts(issue.first_seen),
            "lastSeen": ts(issue.last_seen),
            "stats": {"24h": self.stats(issue)},
        });
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
            obj.insert("activity".into(), json!([{"id": "0", "type": "first_seen", "data": {}, "dateCreated": ts(issue.first_seen), "user": null}]));
            obj.insert("userReportCount".into(), json!(0));
            obj.insert("seenBy".into(), json!([]));
            obj.insert("participants".into(), json!([]));
        }
        v
    }

    fn stats(&self, issue: &DemoIssue) -> Value {
        let hour = 3600;
        let end = issue.last_seen - issue.last_seen % hour;
        let per_hour = (issue.count / 200).max(1);
        Value::Array(
            (0..24)
                .map(|k| {
                    let at = end - (23 - k) * hour;
                    let n = if at < issue.first_seen {
                        0
                    } else {
                        hash(issue.id.wrapping_mul(31) + k as u64) % (per_hour * 2 + 1)
                    };
                    json!([at, n])
                })
                .collect(),
        )
    }

    /// The latest event of an issue, in the shape of Sentry's `events/latest/`.
    pub fn event_json(&self, idx: usize) -> Value {
        let issue = &self.issues[idx];
        let t = self.template(issue);
        let ts = |s: i64| {
            DateTime::from_timestamp(s, 0)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let event_id = format!("{:016x}{:016x}", hash(issue.id), hash(issue.id + 1));
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
                            "vars": null,
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
            .map(|(k, (cat, msg))| {
                json!({
                    "type": if cat == "http" || cat == "fetch" { "http" } else { "default" },
                    "category": cat,
                    "level": "info",
                    "message": msg,
                    "timestamp": ts(issue.last_seen - (t.breadcrumbs.len() - k) as i64 * 3),
                    "data": null,
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
            entries.push(json!({"type": "request", "data": {
                "method": req.get("method"), "url": req.get("url"), "query": [], "fragment": null,
                "data": null, "headers": [["Accept", "application/json"], ["User-Agent", "Mozilla/5.0"], ["Cookie", "[Filtered]"]],
                "cookies": [], "env": null, "inferredContentType": null, "apiTarget": null}}));
        }
        let mut tags: Vec<Value> = t
            .tags
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        tags.push(json!({"key": "level", "value": t.level}));
        tags.push(json!({"key": "release", "value": t.release[1]}));
        json!({
            "id": event_id,
            "eventID": event_id,
            "groupID": issue.id.to_string(),
            "projectID": PROJECT_ID,
            "title": &*issue.title,
            "message": "",
            "culprit": &*issue.culprit,
            "platform": t.platform,
            "type": "error",
            "dateCreated": ts(issue.last_seen),
            "dateReceived": ts(issue.last_seen + 1),
            "size": 4096,
            "entries": entries,
            "tags": tags,
            "user": t.user,
            "contexts": {},
            "sdk": {"name": format!("sentry.{}", t.platform), "version": "8.0.0"},
            "release": {"version": t.release[1], "shortVersion": t.release[1]},
            "errors": [],
        })
    }
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
