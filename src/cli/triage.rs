//! Triage on the command line: resolve and archive with every option, assign, bookmark, merge,
//! comment, and GitLab issues. Several ids travel as one bulk request per 100 on Sentry; with
//! `--json` each command prints what changed, as the server's answer shows it.

use serde_json::json;

use super::{Failure, Global, backend_from, print, to_json};
use crate::backend::Backend;
use crate::model::*;
use crate::text::sanitize;

/// The archive the flags ask for; plain `ignore` when none.
pub fn archive_of(
    for_: Option<&str>,
    until_count: Option<u64>,
    until_users: Option<u64>,
    window: Option<&str>,
    until_escalating: bool,
    forever: bool,
) -> Result<Archive, Failure> {
    let window = match window {
        None => None,
        Some(w) => {
            if until_count.is_none() && until_users.is_none() {
                return Err(Failure::Usage(
                    "--window goes with --until-count or --until-users".into(),
                ));
            }
            let m = parse_minutes(w).map_err(Failure::Usage)?;
            if m > 10_080 {
                return Err(Failure::Usage("--window can be at most 1w".into()));
            }
            Some(m)
        }
    };
    let positive = |n: u64, flag: &str| {
        if n == 0 {
            Err(Failure::Usage(format!("{flag} must be at least 1")))
        } else {
            Ok(n)
        }
    };
    Ok(if let Some(d) = for_ {
        Archive::For(parse_minutes(d).map_err(Failure::Usage)?)
    } else if let Some(n) = until_count {
        Archive::UntilCount {
            count: positive(n, "--until-count")?,
            window,
        }
    } else if let Some(n) = until_users {
        Archive::UntilUsers {
            count: positive(n, "--until-users")?,
            window,
        }
    } else if until_escalating {
        Archive::UntilEscalating
    } else if forever {
        Archive::Forever
    } else {
        Archive::Plain
    })
}

pub async fn resolve(
    g: &Global,
    ids: &[String],
    next: bool,
    in_release: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let change = if next {
        // Say which release it pins after: pinning to an old one mutes the error for ever.
        let b = backend_from(g)?;
        let latest = b
            .releases()
            .await
            .ok()
            .and_then(|r| r.into_iter().next())
            .map(|r| r.version);
        Change::Resolve(Resolve::NextRelease { latest })
    } else if let Some(v) = in_release {
        if v.trim().is_empty() {
            return Err(Failure::Usage("--in-release needs a version".into()));
        }
        Change::Resolve(Resolve::InRelease(v))
    } else {
        Change::Resolve(Resolve::Now)
    };
    apply(g, ids, change, json).await
}

pub async fn assign(g: &Global, ids: &[String], who: &str, json: bool) -> Result<(), Failure> {
    if ids.is_empty() {
        return Err(Failure::Usage(
            "name the errors, then who: errtui assign ID... (me | USER | team:SLUG | none)".into(),
        ));
    }
    let b = backend_from(g)?;
    if let Some(r) = b.probe().await.refuses_change(&Change::Assign(None)) {
        return Err(Failure::Fail(r));
    }
    let assignee = match who.trim() {
        "none" | "nobody" | "" => None,
        "me" => Some(b.whoami().await?),
        other => Some(find_member(&b.members().await?, other)?),
    };
    apply_with(b.as_ref(), ids, Change::Assign(assignee), json).await
}

/// A member or team by id, username, email, name, or `team:SLUG`.
pub fn find_member(members: &[Member], who: &str) -> Result<Assignee, Failure> {
    let (team, key) = match who.strip_prefix("team:").or_else(|| who.strip_prefix('#')) {
        Some(slug) => (true, slug),
        None => (false, who),
    };
    let key = key.to_lowercase();
    let found: Vec<&Member> = members
        .iter()
        .filter(|m| (m.assignee.kind == "team") == team)
        .filter(|m| {
            m.assignee.id == key
                || m.assignee.name.to_lowercase() == key
                || m.assignee.email.as_deref().map(str::to_lowercase) == Some(key.clone())
                || m.also.to_lowercase().split_whitespace().any(|w| w == key)
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one.assignee.clone()),
        [] => Err(Failure::Fail(format!(
            "no {} matches `{}`: see who there is with the picker in the TUI (a then /)",
            if team { "team" } else { "member" },
            sanitize(who)
        ))),
        many => Err(Failure::Fail(format!(
            "`{}` matches {} members: use an email or id",
            sanitize(who),
            many.len()
        ))),
    }
}

pub async fn apply(g: &Global, ids: &[String], change: Change, json: bool) -> Result<(), Failure> {
    let b = backend_from(g)?;
    apply_with(b.as_ref(), ids, change, json).await
}

async fn apply_with(
    b: &dyn Backend,
    ids: &[String],
    change: Change,
    json: bool,
) -> Result<(), Failure> {
    if let Some(reason) = b.probe().await.refuses_change(&change) {
        return Err(Failure::Fail(reason));
    }
    let applied = b.update(ids, &change).await?;
    let status = applied.status.clone().or_else(|| change.status());
    // A few errors are read back, so each line shows what the server now has; a bulk answer
    // says nothing of ids it did not find.
    let mut read = Vec::new();
    let mut missing = Vec::new();
    if ids.len() <= READ_BACK_MAX {
        for id in ids {
            match super::patiently(b, || b.detail(id)).await {
                Ok(d) if change.shown_by(&d.summary.status, &d.summary.triage) => {
                    read.push(d.summary)
                }
                Ok(d) => missing.push(format!(
                    "{}: the server still shows it {}",
                    sanitize(id),
                    d.summary.status.as_str()
                )),
                Err(e) => missing.push(format!("{}: {e}", sanitize(id))),
            }
        }
    }
    let fail = || {
        for m in &missing {
            eprintln!("errtui: {m}");
        }
        Failure::Fail(format!(
            "{} of {} errors did not change",
            missing.len(),
            ids.len()
        ))
    };
    if json {
        let t = &applied.triage;
        print(&to_json(&json!({
            "ids": ids,
            "change": change.describe(),
            "status": status.as_ref().map(Status::as_str),
            "substatus": t.substatus,
            "status_details": t.status_details,
            "assignee": t.assignee,
            "is_bookmarked": t.is_bookmarked,
            "priority": t.priority,
            "errors": read,
        }))?)?;
        return if missing.is_empty() {
            Ok(())
        } else {
            Err(fail())
        };
    }
    let mut out = String::new();
    let lines: Vec<(String, Status, Triage)> = if read.is_empty() && missing.is_empty() {
        vec![(
            ids.iter()
                .map(|i| sanitize(i))
                .collect::<Vec<_>>()
                .join(", "),
            status.clone().unwrap_or(Status::Unresolved),
            applied.triage.clone(),
        )]
    } else {
        read.iter()
            .map(|e| {
                (
                    format!("{} ({})", sanitize(&e.short_id), sanitize(&e.id)),
                    e.status.clone(),
                    e.triage.clone(),
                )
            })
            .collect()
    };
    for (who, st, t) in lines {
        out.push_str(&done_line(
            &change,
            &who,
            status.is_some().then_some(&st),
            &t,
        ));
        out.push('\n');
    }
    if let Change::Resolve(Resolve::NextRelease { latest: Some(l) }) = &change {
        out.push_str(&format!(
            "It comes back if it happens in a release newer than {}.\n",
            sanitize(l)
        ));
    }
    print(&out)?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(fail())
    }
}

/// Errors read back one by one after a change; more trust the bulk answer.
const READ_BACK_MAX: usize = 10;

fn done_line(change: &Change, who: &str, status: Option<&Status>, t: &Triage) -> String {
    match (change, status) {
        (Change::Assign(Some(_)), _) => format!(
            "Assigned {who} to {}.",
            t.assignee
                .as_ref()
                .map(|a| sanitize(&a.label()))
                .unwrap_or_else(|| "them".into())
        ),
        (Change::Assign(None), _) => format!("Unassigned {who}."),
        (Change::Bookmark(true), _) => format!("Bookmarked {who}."),
        (Change::Bookmark(false), _) => format!("Removed the bookmark of {who}."),
        (c, Some(st)) => {
            let word = match st {
                Status::Resolved => "Resolved",
                Status::Ignored => "Ignored",
                _ => "Unresolved",
            };
            let how = t
                .status_details
                .describe()
                .or_else(|| match c {
                    Change::Archive(Archive::Forever) => Some("for ever".into()),
                    _ => None,
                })
                .map(|h| format!(" {h}"))
                .unwrap_or_default();
            format!("{word} {who}: now {}{how}.", st.as_str())
        }
        (c, None) => format!("Done: {} {who}.", c.describe()),
    }
}

/// `--reason`: the why of a change, posted as a comment on each error it changed.
pub async fn post_reason(g: &Global, ids: &[String], reason: Option<&str>) -> Result<(), Failure> {
    let Some(text) = reason.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let b = backend_from(g)?;
    if let Some(r) = b.capabilities().triage.comments {
        return Err(Failure::Fail(format!(
            "The change is made, but the reason is not posted: {r}"
        )));
    }
    for id in ids {
        b.comment(id, text).await.map_err(|e| {
            Failure::Fail(format!(
                "The change is made, but the reason is not posted on {}: {e}",
                sanitize(id)
            ))
        })?;
    }
    eprintln!("Posted the reason as a comment on {} error(s).", ids.len());
    Ok(())
}

pub async fn merge(g: &Global, ids: &[String], json: bool) -> Result<(), Failure> {
    let b = backend_from(g)?;
    if let Some(r) = b.probe().await.triage.merge {
        return Err(Failure::Fail(r));
    }
    let m = b.merge(ids).await?;
    if json {
        return print(&to_json(&m)?);
    }
    print(&format!(
        "Merged {} into {}.\n",
        m.children
            .iter()
            .map(|c| sanitize(c))
            .collect::<Vec<_>>()
            .join(", "),
        sanitize(&m.parent)
    ))
}

pub async fn comment(g: &Global, id: &str, text: &str, json: bool) -> Result<(), Failure> {
    if text.trim().is_empty() {
        return Err(Failure::Usage("the comment is empty".into()));
    }
    let super::Located { backend: b, id, .. } = super::locate(g, id, None).await?;
    if let Some(r) = b.probe().await.triage.comments {
        return Err(Failure::Fail(r));
    }
    let a = b.comment(&id, text).await?;
    if json {
        return print(&to_json(&a)?);
    }
    print(&format!("Commented on {}.\n", sanitize(&id)))
}

pub async fn create_issue(g: &Global, id: &str, json: bool) -> Result<(), Failure> {
    let super::Located { backend: b, id, .. } = super::locate(g, id, None).await?;
    if let Some(r) = b.capabilities().triage.create_issue {
        return Err(Failure::Fail(r));
    }
    let detail = super::patiently(b.as_ref(), || b.detail(&id)).await?;
    let ev = super::patiently(b.as_ref(), || b.latest_event(&id))
        .await
        .ok();
    let (title, description) =
        crate::app::share::issue_text(&detail.summary, Some(&detail), ev.as_ref());
    let created = b.create_issue(&title, &description).await?;
    if json {
        return print(&to_json(&created)?);
    }
    eprintln!(
        "GitLab's API cannot link the issue to the error the way its web UI does: the error's page will not show it, and resolving the error will not close it."
    );
    print(&format!("{}\n", created.url))
}
