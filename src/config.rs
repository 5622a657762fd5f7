//! Which server to talk to: flags first, then the sentry-cli environment variables. Config
//! files and profiles come later and slot in between the two.

use crate::backend::Secret;

#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub url: Option<String>,
    pub org: Option<String>,
    pub project: Option<String>,
    pub auth_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SentryTarget {
    pub url: String,
    pub org: String,
    pub project: Option<String>,
    pub token: Secret,
}

pub const DEFAULT_SENTRY_URL: &str = "https://sentry.io";

/// Resolves the Sentry target. `env` is injected so tests need not touch the process env.
pub fn sentry_target(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SentryTarget, String> {
    let get = |flag: &Option<String>, var: &str| {
        flag.clone()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| env(var).filter(|v| !v.trim().is_empty()))
    };
    let url = get(&flags.url, "SENTRY_URL").unwrap_or_else(|| DEFAULT_SENTRY_URL.to_string());
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "The server URL `{url}` must start with http:// or https:// (from --url or SENTRY_URL)."
        ));
    }
    let org = get(&flags.org, "SENTRY_ORG").ok_or(
        "No Sentry organization given: pass --org ORG or set SENTRY_ORG (the slug in your Sentry URL).",
    )?;
    let project = get(&flags.project, "SENTRY_PROJECT");
    let token = match (&flags.auth_token, env("SENTRY_AUTH_TOKEN")) {
        (Some(t), _) if !t.trim().is_empty() => Secret::new(t.trim(), "--auth-token"),
        (_, Some(t)) if !t.trim().is_empty() => Secret::new(t.trim(), "SENTRY_AUTH_TOKEN"),
        _ => {
            return Err("No Sentry auth token: set SENTRY_AUTH_TOKEN (or pass --auth-token) to a user auth token with the scopes event:read and event:write. Create one under Settings → Auth Tokens.".into());
        }
    };
    Ok(SentryTarget {
        url: url.trim_end_matches('/').to_string(),
        org,
        project,
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn flags_win_over_env_and_defaults_apply() {
        let env = env_of(&[("SENTRY_ORG", "env-org"), ("SENTRY_AUTH_TOKEN", "tok")]);
        let t = sentry_target(&Flags::default(), &env).expect("target");
        assert_eq!(t.url, "https://sentry.io");
        assert_eq!(t.org, "env-org");
        assert_eq!(t.token.source, "SENTRY_AUTH_TOKEN");
        let flags = Flags {
            org: Some("flag-org".into()),
            url: Some("https://sentry.example.com/".into()),
            ..Flags::default()
        };
        let t = sentry_target(&flags, &env).expect("target");
        assert_eq!(
            (t.org.as_str(), t.url.as_str()),
            ("flag-org", "https://sentry.example.com")
        );
    }

    #[test]
    fn missing_values_name_flag_and_variable() {
        let e = sentry_target(&Flags::default(), &env_of(&[("SENTRY_AUTH_TOKEN", "t")]))
            .expect_err("no org");
        assert!(e.contains("--org") && e.contains("SENTRY_ORG"), "{e}");
        let e = sentry_target(&Flags::default(), &env_of(&[("SENTRY_ORG", "o")]))
            .expect_err("no token");
        assert!(
            e.contains("SENTRY_AUTH_TOKEN") && e.contains("--auth-token"),
            "{e}"
        );
        assert!(
            !format!(
                "{:?}",
                sentry_target(
                    &Flags::default(),
                    &env_of(&[("SENTRY_ORG", "o"), ("SENTRY_AUTH_TOKEN", "sntryu_secret")])
                )
            )
            .contains("sntryu_secret")
        );
    }
}
