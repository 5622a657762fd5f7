//! What a pager sends, read into what to open: a Sentry, GlitchTip or GitLab error link, a short
//! id (`WEB-1A2`), an error number, or an event id.

use reqwest::Url;

use crate::model::is_event_id;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pointer {
    /// The server's origin (and path prefix), when the input is a link.
    pub server: Option<String>,
    /// The link is on sentry.io (or an organization's subdomain of it).
    pub saas: bool,
    pub org: Option<String>,
    /// A GitLab link's project path (`group/sub/project`).
    pub gitlab_project: Option<String>,
    /// The error: a number or a short id. `None` for a bare event id.
    pub issue: Option<String>,
    /// An event id (or latest/oldest/recommended) the link names.
    pub event: Option<String>,
}

fn plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Reads what the user pasted. Errors say what was expected.
pub fn parse(input: &str) -> Result<Pointer, String> {
    let input = input.trim();
    if input.starts_with("http://") || input.starts_with("https://") {
        return parse_url(input);
    }
    if is_event_id(input) {
        return Ok(Pointer {
            event: Some(input.replace('-', "").to_ascii_lowercase()),
            ..Pointer::default()
        });
    }
    if plain_id(input) {
        return Ok(Pointer {
            issue: Some(input.to_string()),
            ..Pointer::default()
        });
    }
    Err(format!(
        "`{}` is not an error: give a number, a short id (WEB-1A2), an event id or an error's link",
        crate::text::sanitize(input)
    ))
}

fn parse_url(input: &str) -> Result<Pointer, String> {
    let bad = || {
        format!(
            "`{}` is not a link to an error (expected …/issues/<id>/ or GitLab's …/-/error_tracking/<id>/details)",
            crate::text::sanitize(input)
        )
    };
    let url = Url::parse(input).map_err(|_| bad())?;
    let host = url.host_str().ok_or_else(bad)?.to_ascii_lowercase();
    let origin = url.origin().ascii_serialization();
    let segs: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    // GitLab: /group/project/-/error_tracking/<id>/details
    if let Some(dash) = segs.iter().position(|s| *s == "-")
        && segs.get(dash + 1) == Some(&"error_tracking")
    {
        let id = segs.get(dash + 2).filter(|s| plain_id(s)).ok_or_else(bad)?;
        if dash == 0 {
            return Err(bad());
        }
        return Ok(Pointer {
            server: Some(origin),
            gitlab_project: Some(segs[..dash].join("/")),
            issue: Some(id.to_string()),
            ..Pointer::default()
        });
    }
    let i = segs.iter().position(|s| *s == "issues").ok_or_else(bad)?;
    let issue = segs.get(i + 1).filter(|s| plain_id(s)).ok_or_else(bad)?;
    let event = match (segs.get(i + 2), segs.get(i + 3)) {
        (Some(&"events"), Some(e)) if plain_id(e) => Some(e.to_string()),
        _ => None,
    };
    let saas = host == "sentry.io" || host.ends_with(".sentry.io");
    let (org, prefix) = if i >= 2 && segs[i - 2] == "organizations" {
        (Some(segs[i - 1].to_string()), &segs[..i - 2])
    } else if saas && i == 0 {
        // https://acme.sentry.io/issues/123/: the organization is the subdomain.
        let sub = host.trim_end_matches(".sentry.io");
        let org = (sub != host && !sub.contains('.') && !["www", "de", "us"].contains(&sub))
            .then(|| sub.to_string());
        (org, &segs[..0])
    } else if i == 1 {
        // GlitchTip: /{org}/issues/{id}
        (Some(segs[0].to_string()), &segs[..0])
    } else {
        (None, &segs[..i])
    };
    let server = if saas {
        "https://sentry.io".to_string()
    } else if prefix.is_empty() {
        origin
    } else {
        format!("{origin}/{}", prefix.join("/"))
    };
    Ok(Pointer {
        server: Some(server),
        saas,
        org: org.filter(|o| plain_id(o)),
        issue: Some(issue.to_string()),
        event,
        gitlab_project: None,
    })
}

/// Whether a token meant for `configured` may go to the server a link names.
pub fn same_server(configured: &str, link: &Pointer) -> bool {
    let Some(server) = &link.server else {
        return true;
    };
    let norm = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
    if link.saas {
        return Url::parse(configured)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .is_some_and(|h| h == "sentry.io" || h.ends_with(".sentry.io"));
    }
    norm(configured) == norm(server)
        || Url::parse(configured).ok().map(|u| u.origin())
            == Url::parse(server).ok().map(|u| u.origin())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_every_shape_a_pager_sends() {
        let p = parse("https://acme.sentry.io/issues/123/").unwrap();
        assert_eq!(
            (p.org.as_deref(), p.issue.as_deref()),
            (Some("acme"), Some("123"))
        );
        assert!(p.saas);
        let p = parse("https://sentry.io/organizations/acme/issues/123/events/0123456789abcdef0123456789abcdef/").unwrap();
        assert_eq!(p.org.as_deref(), Some("acme"));
        assert_eq!(p.event.as_deref(), Some("0123456789abcdef0123456789abcdef"));
        let p =
            parse("https://sentry.example.com/sub/organizations/ops/issues/9/?project=1").unwrap();
        assert_eq!(p.server.as_deref(), Some("https://sentry.example.com/sub"));
        assert_eq!(p.org.as_deref(), Some("ops"));
        let p = parse("https://gt.example.com/acme/issues/77").unwrap();
        assert_eq!(
            (p.org.as_deref(), p.issue.as_deref()),
            (Some("acme"), Some("77"))
        );
        let p =
            parse("https://gitlab.example.com/group/sub/app/-/error_tracking/555/details").unwrap();
        assert_eq!(p.gitlab_project.as_deref(), Some("group/sub/app"));
        assert_eq!(p.issue.as_deref(), Some("555"));
        assert_eq!(parse("WEB-1A2").unwrap().issue.as_deref(), Some("WEB-1A2"));
        let p = parse("01234567-89ab-cdef-0123-456789ABCDEF").unwrap();
        assert_eq!(p.event.as_deref(), Some("0123456789abcdef0123456789abcdef"));
        assert!(parse("https://sentry.io/settings/").is_err());
        assert!(parse("a b").is_err());
    }

    #[test]
    fn a_token_stays_with_its_server() {
        let saas = parse("https://acme.sentry.io/issues/1/").unwrap();
        assert!(same_server("https://sentry.io", &saas));
        assert!(same_server("https://de.sentry.io", &saas));
        assert!(!same_server("https://sentry.example.com", &saas));
        let own = parse("https://sentry.example.com/organizations/a/issues/1/").unwrap();
        assert!(same_server("https://sentry.example.com/", &own));
        assert!(!same_server("https://sentry.io", &own));
        let evil = parse("https://evil.example/organizations/a/issues/1/").unwrap();
        assert!(!same_server("https://sentry.example.com", &evil));
    }
}
