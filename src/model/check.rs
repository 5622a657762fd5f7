//! `errtui doctor`'s checks: one line each, with the fix when it fails.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    /// Works, but something the user may want is missing.
    Warn,
    Fail,
    /// Not tried: an earlier check failed.
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(name: &str, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: CheckStatus::Ok,
            detail: detail.into(),
            fix: None,
        }
    }
    pub fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: CheckStatus::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
    pub fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: CheckStatus::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
    pub fn skip(name: &str) -> Check {
        Check {
            name: name.into(),
            status: CheckStatus::Skip,
            detail: "not checked: an earlier check failed".into(),
            fix: None,
        }
    }
}

/// The fix for a request that did not reach the server, by how it failed.
pub fn reach_fix(e: &crate::backend::BackendError) -> String {
    use crate::backend::BackendError as E;
    match e {
        E::Timeout { .. } => "The server did not answer in time: check the URL, your VPN, and HTTPS_PROXY / NO_PROXY.".into(),
        E::Insecure { .. } => "Use https://, or --allow-http if plain http is truly meant.".into(),
        other => {
            let t = other.to_string().to_lowercase();
            if t.contains("certificate") || t.contains("tls") {
                "The TLS certificate is not trusted: set ca_file in the profile to your CA's PEM file.".into()
            } else if t.contains("dns") || t.contains("resolve") || t.contains("lookup") {
                "The host name does not resolve: check the URL (and your VPN or DNS).".into()
            } else {
                "Check the URL, that the server is up, and HTTPS_PROXY / NO_PROXY if you use a proxy.".into()
            }
        }
    }
}
