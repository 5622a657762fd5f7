//! One list from several profiles (a Sentry organization and a GitLab project, say): each row
//! carries where it comes from, and every action on it goes to its own server with its own
//! token. Ids are `profile:id`, so nothing can reach the wrong server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::{Backend, BackendError, Result};
use crate::model::{
    Activity, Applied, Capabilities, Change, ClientKey, ErrorDetail, ErrorSummary, Event, EventRef,
    EventSummary, ListQuery, Merged, Page, Sort, Status, TagBreakdown, TrackingSettings,
};

/// The profiles of a combined view, each with its own backend.
pub struct Combined {
    parts: Vec<(String, Arc<dyn Backend>)>,
    /// What the last list could not read from some of the servers.
    warnings: Mutex<Vec<String>>,
}

/// How long a combined list waits for a GitLab project that is still fetching from Sentry.
const WARM_WAIT: Duration = Duration::from_secs(8);

const KEYS: &str =
    "Client keys and settings belong to one project: switch to its profile (C) to manage them.";
const ASSIGN: &str =
    "Each server has its own people: switch to the error's profile (C) to assign it.";
const RELEASES: &str =
    "Each server has its own releases: switch to the error's profile (C) to resolve in one.";
const ISSUES: &str = "Create the GitLab issue from the GitLab profile itself (C switches to it).";

impl Combined {
    pub fn new(parts: Vec<(String, Arc<dyn Backend>)>) -> Combined {
        Combined {
            parts,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The part an id belongs to, and the id on its own server.
    fn route<'a>(&self, id: &'a str) -> Result<(&str, &Arc<dyn Backend>, &'a str)> {
        self.parts
            .iter()
            .find_map(|(name, b)| {
                id.strip_prefix(name.as_str())
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|rest| (name.as_str(), b, rest))
            })
            .ok_or_else(|| BackendError::NotFound {
                what: format!(
                    "error `{}` in this combined view (its ids read profile:id)",
                    crate::text::sanitize(id)
                ),
            })
    }

    fn own(name: &str, mut e: ErrorSummary) -> ErrorSummary {
        e.id = format!("{name}:{}", e.id);
        e.origin = Some(name.to_string());
        e
    }

    /// A failure, saying which profile it came from.
    fn named(name: &str, e: BackendError) -> BackendError {
        match e {
            BackendError::Unsupported(m) => BackendError::Unsupported(format!("{name}: {m}")),
            BackendError::Invalid(m) => BackendError::Invalid(format!("{name}: {m}")),
            BackendError::Other(m) => BackendError::Other(format!("{name}: {m}")),
            other => other,
        }
    }
}

/// The later of two optional times first.
fn order(sort: Sort, a: &ErrorSummary, b: &ErrorSummary) -> std::cmp::Ordering {
    match sort {
        Sort::FirstSeen => b.first_seen.cmp(&a.first_seen),
        Sort::Events | Sort::Priority => b.count.cmp(&a.count),
        Sort::Users => b.user_count.cmp(&a.user_count),
        Sort::LastSeen => b.last_seen.cmp(&a.last_seen),
    }
}

#[async_trait]
impl Backend for Combined {
    fn capabilities(&self) -> Capabilities {
        let all: Vec<Capabilities> = self.parts.iter().map(|(_, b)| b.capabilities()).collect();
        combine(&all)
    }

    fn describe(&self) -> String {
        let names: Vec<&str> = self.parts.iter().map(|(n, _)| n.as_str()).collect();
        format!("Combined · {}", names.join(" + "))
    }

    fn known_ids(&self) -> Vec<(String, String)> {
        self.parts
            .iter()
            .flat_map(|(name, b)| {
                b.known_ids()
                    .into_iter()
                    .map(move |(k, v)| (format!("{name}|{k}"), v))
            })
            .collect()
    }

    fn learn_ids(&self, ids: &[(String, String)]) {
        for (name, b) in &self.parts {
            let prefix = format!("{name}|");
            let own: Vec<(String, String)> = ids
                .iter()
                .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_string(), v.clone())))
                .collect();
            b.learn_ids(&own);
        }
    }

    fn warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Each profile's page at once, merged in the list's order. The cursor carries each
    /// profile's own; a profile that fails is said, and the others still show.
    async fn list(
        &self,
        query: &ListQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ErrorSummary>> {
        let cursors: std::collections::BTreeMap<String, String> = match cursor {
            Some(c) => serde_json::from_str(c).map_err(|_| {
                BackendError::Invalid("a combined view's page cursor is unreadable".into())
            })?,
            None => Default::default(),
        };
        let asks = self.parts.iter().filter_map(|(name, b)| {
            // After the first page, only the profiles that have more.
            let c = match cursor {
                None => None,
                Some(_) => Some(cursors.get(name)?.clone()),
            };
            let (name, b, query) = (name.clone(), b.clone(), query.clone());
            Some(async move {
                // GitLab answers "still fetching" at first: asked again here, so the other
                // profiles' rows need not wait for a whole list round.
                let deadline = tokio::time::Instant::now() + WARM_WAIT;
                let mut pause = Duration::from_millis(500);
                loop {
                    let r = b.list(&query, c.as_deref(), limit).await;
                    if !matches!(r, Err(BackendError::Warming))
                        || tokio::time::Instant::now() + pause > deadline
                    {
                        return (name, r);
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            })
        });
        let answers = futures_util::future::join_all(asks).await;
        let mut items = Vec::new();
        let mut next = std::collections::BTreeMap::new();
        let mut total = Some(0u64);
        let mut failed = Vec::new();
        let mut first_error = None;
        for (name, r) in answers {
            match r {
                Ok(page) => {
                    items.extend(page.items.into_iter().map(|e| Combined::own(&name, e)));
                    if let Some(c) = page.next {
                        next.insert(name, c);
                    }
                    total = total.zip(page.total).map(|(a, b)| a + b);
                }
                Err(e) => {
                    failed.push(format!("{name}: {e}"));
                    first_error.get_or_insert(Combined::named(&name, e));
                }
            }
        }
        if items.is_empty()
            && let Some(e) = first_error.filter(|_| failed.len() == self.parts.len())
        {
            return Err(e);
        }
        if !failed.is_empty() {
            let mut w = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
            w.push(format!("Showing the other profiles; {}", failed.join("; ")));
            total = None;
        }
        items.sort_by(|a, b| order(query.sort, a, b));
        Ok(Page {
            items,
            next: (!next.is_empty()).then(|| serde_json::to_string(&next).unwrap_or_default()),
            total,
        })
    }

    async fn detail(&self, id: &str) -> Result<ErrorDetail> {
        let (name, b, own) = self.route(id)?;
        let mut d = b.detail(own).await.map_err(|e| Combined::named(name, e))?;
        d.summary = Combined::own(name, d.summary);
        Ok(d)
    }

    async fn latest_event(&self, id: &str) -> Result<Event> {
        let (name, b, own) = self.route(id)?;
        b.latest_event(own)
            .await
            .map_err(|e| Combined::named(name, e))
    }

    async fn event(&self, id: &str, which: &EventRef) -> Result<Event> {
        let (name, b, own) = self.route(id)?;
        b.event(own, which)
            .await
            .map_err(|e| Combined::named(name, e))
    }

    async fn events(
        &self,
        id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<EventSummary>> {
        let (name, b, own) = self.route(id)?;
        b.events(own, cursor, limit)
            .await
            .map_err(|e| Combined::named(name, e))
    }

    async fn tags(&self, id: &str, key: Option<&str>) -> Result<Vec<TagBreakdown>> {
        let (name, b, own) = self.route(id)?;
        b.tags(own, key).await.map_err(|e| Combined::named(name, e))
    }

    async fn find_event(&self, event_id: &str) -> Result<String> {
        let mut last = None;
        for (name, b) in &self.parts {
            match b.find_event(event_id).await {
                Ok(id) => return Ok(format!("{name}:{id}")),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| self.unsupported("finding errors by event id")))
    }

    async fn set_status(&self, id: &str, status: &Status) -> Result<ErrorSummary> {
        let (name, b, own) = self.route(id)?;
        let e = b
            .set_status(own, status)
            .await
            .map_err(|e| Combined::named(name, e))?;
        Ok(Combined::own(name, e))
    }

    /// Each profile's errors go to their own server, one after the other.
    async fn update(&self, ids: &[String], change: &Change) -> Result<Applied> {
        let mut groups: Vec<(&str, &Arc<dyn Backend>, Vec<String>)> = Vec::new();
        for id in ids {
            let (name, b, own) = self.route(id)?;
            match groups.iter_mut().find(|(n, _, _)| *n == name) {
                Some(g) => g.2.push(own.to_string()),
                None => groups.push((name, b, vec![own.to_string()])),
            }
        }
        let mut applied = Applied::default();
        for (name, b, own) in groups {
            applied = b
                .update(&own, change)
                .await
                .map_err(|e| Combined::named(name, e))?;
        }
        Ok(applied)
    }

    async fn merge(&self, ids: &[String]) -> Result<Merged> {
        let routes = ids
            .iter()
            .map(|id| self.route(id))
            .collect::<Result<Vec<_>>>()?;
        let Some((name, b, _)) = routes.first() else {
            return Err(BackendError::Invalid("nothing to merge".into()));
        };
        if routes.iter().any(|(n, _, _)| n != name) {
            return Err(BackendError::Unsupported(
                "Errors of different profiles cannot be merged: mark errors of one profile only."
                    .into(),
            ));
        }
        let own: Vec<String> = routes.iter().map(|(_, _, id)| id.to_string()).collect();
        let m = b.merge(&own).await.map_err(|e| Combined::named(name, e))?;
        Ok(Merged {
            parent: format!("{name}:{}", m.parent),
            children: m
                .children
                .into_iter()
                .map(|c| format!("{name}:{c}"))
                .collect(),
        })
    }

    async fn comment(&self, id: &str, text: &str) -> Result<Activity> {
        let (name, b, own) = self.route(id)?;
        b.comment(own, text)
            .await
            .map_err(|e| Combined::named(name, e))
    }

    async fn environments(&self) -> Result<Vec<String>> {
        let all =
            futures_util::future::join_all(self.parts.iter().map(|(_, b)| b.environments())).await;
        let mut out: Vec<String> = all.into_iter().filter_map(|r| r.ok()).flatten().collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    async fn projects(&self) -> Result<Vec<(String, String)>> {
        Err(BackendError::Unsupported(
            "A combined view lists each profile's own project: switch to a profile (C) to pick another.".into(),
        ))
    }

    async fn probe(&self) -> Capabilities {
        let all = futures_util::future::join_all(self.parts.iter().map(|(_, b)| b.probe())).await;
        combine(&all)
    }

    async fn settings(&self) -> Result<TrackingSettings> {
        Err(BackendError::Unsupported(KEYS.into()))
    }

    async fn list_keys(&self) -> Result<Vec<ClientKey>> {
        Err(BackendError::Unsupported(KEYS.into()))
    }
}

/// What a combined view can do: an action is offered when one of its servers has it (each row's
/// own server refuses it with its own reason otherwise); people and releases stay with each
/// profile.
fn combine(all: &[Capabilities]) -> Capabilities {
    let mut c = Capabilities::full("Combined view");
    c.set_status = if all.iter().any(|x| x.set_status.is_none()) {
        None
    } else {
        all.iter().find_map(|x| x.set_status.clone())
    };
    c.status_filters = crate::model::StatusFilter::ALL
        .into_iter()
        .filter(|f| all.iter().all(|x| x.status_filters.contains(f)))
        .collect();
    c.sorts = Sort::ALL
        .into_iter()
        .filter(|s| all.iter().all(|x| x.sorts.contains(s)))
        .collect();
    c.sort_note = all.iter().find_map(|x| x.sort_note.clone());
    c.status_filter_note = all.iter().find_map(|x| x.status_filter_note.clone());
    c.user_counts = all.iter().all(|x| x.user_counts);
    c.key_toggle = Some(KEYS.into());
    c.read_only = if all.iter().all(|x| x.read_only.is_some()) {
        all.iter().find_map(|x| x.read_only.clone())
    } else {
        None
    };
    let t = &mut c.triage;
    macro_rules! any_of {
        ($($f:ident),*) => {$(
            t.$f = if all.iter().any(|x| x.triage.$f.is_none()) {
                None
            } else {
                all.iter().find_map(|x| x.triage.$f.clone())
            };
        )*};
    }
    any_of!(
        commit_resolve,
        archive_options,
        bookmark,
        priority,
        reviewed,
        merge,
        comments
    );
    t.create_issue = Some(ISSUES.into());
    t.assign = Some(ASSIGN.into());
    t.release_resolve = Some(RELEASES.into());
    c
}
