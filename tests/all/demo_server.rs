//! The demo server speaks Sentry's shapes: auth, headers, project-scoped and legacy paths.

use serde_json::{Value, json};

use crate::cli::demo_url;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

#[test]
fn requires_a_bearer_token_and_answers_json_with_a_link_header() {
    let url = format!(
        "{}/api/0/organizations/demo/issues/?query=&limit=5",
        demo_url()
    );
    let r = client().get(&url).send().expect("get");
    assert_eq!(r.status(), 401);
    let r = client()
        .get(&url)
        .bearer_auth("anything")
        .send()
        .expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let link = r.headers()["link"].to_str().expect("link").to_string();
    assert!(
        link.contains("rel=\"next\"; results=\"true\"; cursor=\"0:5:0\""),
        "{link}"
    );
    // Benchmarks read the handler's own time from the standard header.
    let timing = r.headers()["server-timing"]
        .to_str()
        .expect("timing")
        .to_string();
    let ms: f64 = timing
        .strip_prefix("app;dur=")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{timing}"));
    assert!(ms >= 0.0);
    let v: Vec<Value> = r.json().expect("json");
    assert_eq!(v.len(), 5);
}

#[test]
fn project_scoped_list_and_bulk_update_as_sentry_cli_uses_them() {
    let base = demo_url();
    let r = client()
        .get(format!(
            "{base}/api/0/projects/demo/demo/issues/?query=&cursor="
        ))
        .bearer_auth("t")
        .send()
        .expect("get");
    assert_eq!(r.status(), 200);
    let r = client()
        .put(format!(
            "{base}/api/0/projects/demo/demo/issues/?id=4000005&id=4000006"
        ))
        .bearer_auth("t")
        .json(&json!({"status": "ignored", "snoozeDuration": null}))
        .send()
        .expect("put");
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().expect("json")["status"], "ignored");
    let v: Value = client()
        .get(format!("{base}/api/0/issues/4000006/"))
        .bearer_auth("t")
        .send()
        .expect("get")
        .json()
        .expect("json");
    assert_eq!(v["status"], "ignored");
    // Put them back for other tests.
    client()
        .put(format!(
            "{base}/api/0/projects/demo/demo/issues/?id=4000005&id=4000006"
        ))
        .bearer_auth("t")
        .json(&json!({"status": "unresolved"}))
        .send()
        .expect("put");
    let r = client()
        .put(format!("{base}/api/0/organizations/demo/issues/4000005/"))
        .bearer_auth("t")
        .json(&json!({"status": "nonsense"}))
        .send()
        .expect("put");
    assert_eq!(r.status(), 400);
    let r = client()
        .get(format!("{base}/api/0/issues/4000005/events/latest/"))
        .bearer_auth("t")
        .send()
        .expect("get");
    assert_eq!(
        r.json::<Value>().expect("json")["entries"][0]["type"],
        "exception"
    );
    let r = client()
        .get(format!("{base}/api/0/organizations/nope/issues/"))
        .bearer_auth("t")
        .send()
        .expect("get");
    assert_eq!(r.status(), 404);
}
