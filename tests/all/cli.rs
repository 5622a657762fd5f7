//! The binary as a script would use it, against the demo server and a mock server.

use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_errtui");

/// A demo server on a thread of its own, alive for the rest of the test run.
fn spawn_demo(errors: usize) -> String {
    spawn_flavor(errors, errtui::demo::DemoFlavor::Sentry)
}

fn spawn_flavor(errors: usize, flavor: errtui::demo::DemoFlavor) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async {
            let opts = errtui::demo::DemoOptions {
                errors,
                flavor,
                ..Default::default()
            };
            let server = errtui::demo::start(opts).await.expect("demo server");
            tx.send(server.url()).expect("send");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("demo url")
}

/// One demo server (40 hand-written + 1,200 generated errors) shared by the CLI tests.
pub fn demo_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| spawn_demo(1200))
}

/// An empty directory: HOME, the config directory and the working directory of each run, so
/// no file of the machine running the tests (a ~/.sentryclirc, a config.toml) takes part.
pub fn empty_home() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("dir")).path()
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    run_in(args, env, empty_home())
}

pub fn run_in(args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path) -> Output {
    let mut c = Command::new(BIN);
    c.args(args).current_dir(cwd);
    for k in [
        "SENTRY_URL",
        "SENTRY_ORG",
        "SENTRY_PROJECT",
        "SENTRY_AUTH_TOKEN",
        "GITLAB_TOKEN",
        "GITLAB_HOST",
        "GITLAB_PROJECT",
        "ERRTUI_LOG",
        "ERRTUI_CONFIG",
        "ERRTUI_PROFILE",
    ] {
        c.env_remove(k);
    }
    c.env("HOME", empty_home())
        .env("XDG_CONFIG_HOME", empty_home().join(".config"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run errtui")
}

fn demo(args: &[&str]) -> Output {
    run(
        args,
        &[
            ("SENTRY_URL", demo_url()),
            ("SENTRY_ORG", "demo"),
            ("SENTRY_PROJECT", "demo"),
            ("SENTRY_AUTH_TOKEN", "x"),
        ],
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn list_json_follows_pages_and_returns_every_error() {
    let o = demo(&["list", "--json", "--status", "all", "--limit", "5000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json array");
    assert_eq!(v.len(), 1240, "40 hand-written + 1200 generated");
    let mut ids: Vec<&str> = v.iter().map(|e| e["id"].as_str().expect("id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1240, "no duplicates across pages");
    for field in [
        "id",
        "short_id",
        "title",
        "culprit",
        "status",
        "level",
        "count",
        "user_count",
        "first_seen",
        "last_seen",
        "url",
    ] {
        assert!(v[0].get(field).is_some(), "missing {field}");
    }
    assert!(v[0]["count"].is_u64());
}

#[test]
fn list_honours_limit_status_query_and_sort() {
    let o = demo(&["list", "--json", "--limit", "1000", "--status", "resolved"]);
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert!(!v.is_empty() && v.iter().all(|e| e["status"] == "resolved"));
    let o = demo(&["list", "--json", "--limit", "3", "--sort", "events"]);
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.len(), 3);
    assert!(v[0]["count"].as_u64() >= v[1]["count"].as_u64());
    let o = demo(&[
        "list",
        "--json",
        "--query",
        "ResizeObserver",
        "--status",
        "all",
    ]);
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        !v.is_empty()
            && v.iter().all(|e| e["title"]
                .as_str()
                .is_some_and(|t| t.contains("ResizeObserver")))
    );
}

#[test]
fn list_table_is_aligned_and_sanitised() {
    let o = demo(&["list", "--limit", "50", "--query", "chrono"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ID "), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "escape sequences from the server are stripped"
    );
    let title_col = out
        .lines()
        .next()
        .and_then(|h| h.find("TITLE"))
        .expect("header");
    for line in out.lines().skip(1) {
        let prefix: String = line.chars().take(title_col).collect();
        assert_eq!(errtui::text::width(&prefix), title_col, "{line}");
    }
}

#[test]
fn show_json_has_the_exception_chain_in_server_order() {
    let o = demo(&["show", "4000001", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["short_id"], "DEMO-1");
    let ex = v["exceptions"].as_array().expect("exceptions");
    assert_eq!(ex.len(), 2);
    assert_eq!(
        ex[0]["type"], "OperationalError",
        "cause first, as Sentry sends it"
    );
    assert_eq!(ex[1]["type"], "DatabaseError");
    let frame = &ex[1]["frames"][0];
    for k in [
        "filename", "function", "module", "line", "col", "in_app", "context",
    ] {
        assert!(frame.get(k).is_some(), "frame lacks {k}");
    }
    assert_eq!(frame["context"][2]["line"], 142);
    assert!(
        frame["context"][2]["code"]
            .as_str()
            .is_some_and(|c| c.contains("Order.objects.place"))
    );
}

#[test]
fn resolve_says_what_it_did_and_unknown_ids_fail_with_exit_1() {
    let o = demo(&["resolve", "4000003"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Resolved DEMO-3 (4000003): now resolved."),
        "{}",
        stdout(&o)
    );
    let v: Value =
        serde_json::from_slice(&demo(&["show", "4000003", "--json"]).stdout).expect("json");
    assert_eq!(v["status"], "resolved");
    let o = demo(&["unresolve", "4000003"]);
    assert!(o.status.success());
    let o = demo(&["ignore", "4000003", "99"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("99: Not found (404)"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2_and_missing_settings_name_flag_and_variable() {
    assert_eq!(
        run(&["list", "--status", "bogus"], &[]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["resolve"], &[]).status.code(), Some(2));
    let o = run(&["list"], &[("SENTRY_AUTH_TOKEN", "x")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--org") && stderr(&o).contains("SENTRY_ORG"),
        "{}",
        stderr(&o)
    );
    let o = run(&["list", "--org", "demo"], &[]);
    assert!(stderr(&o).contains("SENTRY_AUTH_TOKEN"), "{}", stderr(&o));
}

#[test]
fn a_rejected_token_is_named_by_source_and_never_printed() {
    let secret = "sntryu_supersecretvalue_do_not_print";
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let server = rt.block_on(async {
        let s = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(
                wiremock::ResponseTemplate::new(401)
                    .set_body_json(serde_json::json!({"detail": "Invalid token"})),
            )
            .mount(&s)
            .await;
        s
    });
    let log = tempfile::NamedTempFile::new().expect("tmp");
    let log_path = log.path().to_str().expect("path").to_string();
    let o = run(
        &["list", "--project", "1", "--log-file", &log_path],
        &[
            ("SENTRY_URL", &server.uri()),
            ("SENTRY_ORG", "acme"),
            ("SENTRY_AUTH_TOKEN", secret),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("rejected the token from SENTRY_AUTH_TOKEN"),
        "{err}"
    );
    assert!(!err.contains(secret) && !stdout(&o).contains(secret));
    let logged = std::fs::read_to_string(log.path()).expect("log");
    assert!(!logged.is_empty(), "the log file was written");
    assert!(!logged.contains(secret), "token in log");
    let o = run(
        &["list", "--project", "1", "--auth-token", secret],
        &[("SENTRY_URL", &server.uri()), ("SENTRY_ORG", "acme")],
    );
    assert!(
        stderr(&o).contains("from --auth-token") && !stderr(&o).contains(secret),
        "{}",
        stderr(&o)
    );
    drop(server);
}

#[test]
fn demo_server_prints_its_address_and_answers_other_clients() {
    for flavor in ["sentry", "glitchtip"] {
        demo_server_answers(flavor);
    }
}

fn demo_server_answers(flavor: &str) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(BIN)
        .args(["demo-server", "--errors", "10", "--flavor", flavor])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announces itself")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    let o = run(
        &["list", "--json", "--status", "all", "--limit", "1000"],
        &[
            ("SENTRY_URL", &url),
            ("SENTRY_ORG", "demo"),
            ("SENTRY_PROJECT", "demo"),
            ("SENTRY_AUTH_TOKEN", "x"),
        ],
    );
    // Only the GlitchTip flavour answers GlitchTip's public settings.
    let settings = reqwest::blocking::get(format!("{url}/api/settings/")).expect("settings");
    let _ = child.kill();
    let _ = child.wait();
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.len(), 50);
    assert_eq!(settings.status() == 200, flavor == "glitchtip", "{flavor}");
}

/// A fresh demo server, for tests that change its settings or keys.
pub fn own_demo_server() -> String {
    spawn_demo(0)
}

/// The GitLab side of the demo, end to end through the CLI. One test on its own server, since
/// it changes settings and keys.
#[test]
fn gitlab_commands_against_the_demo_server() {
    let url = own_demo_server();
    let gl = |args: &[&str], sentry: bool| {
        let mut env = vec![
            ("GITLAB_HOST", url.as_str()),
            ("GITLAB_TOKEN", "glpat-demo"),
        ];
        if sentry {
            env.push(("SENTRY_AUTH_TOKEN", "sntryu-demo"));
        }
        let mut full = vec!["--project", "demo-group/demo"];
        if sentry {
            // The Sentry token goes only to the Sentry it belongs to: the demo's own.
            full.extend_from_slice(&["--sentry-url", url.as_str()]);
        }
        full.extend_from_slice(args);
        run(&full, &env)
    };

    // Settings: JSON mirrors GitLab's fields; enable and disable change them.
    let o = gl(&["settings", "--json"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    let s: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(s["active"], true);
    assert_eq!(s["integrated"], false);
    assert_eq!(s["project_name"], "Demo");
    assert!(
        s["api_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/api/0/projects/demo/demo/"))
    );
    assert!(s.get("sentry_external_url").is_some());
    let o = gl(&["settings", "disable", "--json"], false);
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).expect("json")["active"],
        false
    );
    assert!(stdout(&gl(&["settings"], false)).contains("Error tracking  off"));
    let o = gl(&["settings", "enable"], false);
    assert!(
        o.status.success() && stdout(&o).contains("Error tracking  on"),
        "{}",
        stdout(&o)
    );

    // List (waits out GitLab's warming null) with the same JSON fields as on Sentry.
    let o = gl(&["list", "--json", "--limit", "45"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("GitLab is fetching errors from Sentry"),
        "{}",
        stderr(&o)
    );
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v.len(),
        28,
        "every unresolved demo error, across 20-error pages"
    );
    for field in [
        "id",
        "short_id",
        "title",
        "culprit",
        "status",
        "level",
        "count",
        "user_count",
        "first_seen",
        "last_seen",
        "url",
    ] {
        assert!(v[0].get(field).is_some(), "missing {field}");
    }
    let id = v[0]["id"].as_str().expect("id").to_string();
    let o = gl(&["show", &id, "--json"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    let d: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(d["id"], id.as_str());
    assert!(
        !d["exceptions"][0]["frames"]
            .as_array()
            .expect("frames")
            .is_empty()
    );

    // Status: refused without a Sentry token, done through the demo's Sentry with one.
    let o = gl(&["resolve", &id], false);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("SENTRY_AUTH_TOKEN"), "{}", stderr(&o));
    let o = gl(&["resolve", &id], true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("now resolved"));
    // Without --sentry-url the token is for sentry.io: the demo's Sentry never gets it.
    let o = run(
        &["--project", "demo-group/demo", "unresolve", &id],
        &[
            ("GITLAB_HOST", url.as_str()),
            ("GITLAB_TOKEN", "glpat-demo"),
            ("SENTRY_AUTH_TOKEN", "sntryu-demo"),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--sentry-url") && stderr(&o).contains("sends it nowhere else"),
        "{}",
        stderr(&o)
    );
    let o = gl(
        &["list", "--json", "--status", "resolved", "--limit", "100"],
        true,
    );
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        v.iter().any(|e| e["id"] == id.as_str()),
        "the resolved error is listed from Sentry"
    );

    // Keys: list, create, delete (refused without --yes off a terminal).
    let keys = |sentry| {
        serde_json::from_slice::<Vec<Value>>(&gl(&["keys", "--json"], sentry).stdout).expect("json")
    };
    assert_eq!(keys(false).len(), 1);
    let o = gl(&["keys", "create", "--json"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    let created: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        created["dsn"]
            .as_str()
            .is_some_and(|d| d.contains("/errortracking/api/v1/projects/42"))
    );
    assert_eq!(keys(false).len(), 2);
    let new_id = created["id"].as_str().expect("id").to_string();
    let o = gl(&["keys", "delete", &new_id], false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--yes"));
    assert_eq!(keys(false).len(), 2, "nothing deleted");
    let o = gl(&["keys", "delete", &new_id, "--yes"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(keys(false).len(), 1);
    let o = gl(&["keys", "delete", "999", "--yes"], false);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn sentry_keys_rotate_and_test_from_the_command_line() {
    let url = own_demo_server();
    let env = [
        ("SENTRY_URL", url.as_str()),
        ("SENTRY_ORG", "demo"),
        ("SENTRY_PROJECT", "demo"),
        ("SENTRY_AUTH_TOKEN", "x"),
    ];
    let keys = || {
        serde_json::from_slice::<Vec<Value>>(&run(&["keys", "--json"], &env).stdout).expect("json")
    };
    let before = keys();
    assert_eq!(before.len(), 1);
    for field in [
        "id",
        "name",
        "active",
        "public_key",
        "dsn",
        "created",
        "rate_limit",
    ] {
        assert!(before[0].get(field).is_some(), "key JSON lacks {field}");
    }
    let old = before[0]["id"].as_str().expect("id").to_string();

    // Off a terminal and without --yes, rotation keeps the old key.
    let o = run(&["keys", "rotate", &old, "--json"], &env);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(r["old_deleted"], false);
    assert_eq!(r["test_event_id"].as_str().map(str::len), Some(32));
    assert_eq!(keys().len(), 2);

    // With --yes it finishes; the new key carries the rotated name.
    let newest = r["new"]["id"].as_str().expect("new id").to_string();
    let o = run(
        &["keys", "rotate", &newest, "--yes", "--name", "Web (2026)"],
        &env,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Rotation done"));
    let after = keys();
    assert_eq!(after.len(), 2, "one created, one deleted");
    assert!(after.iter().any(|k| k["name"] == "Web (2026)"));
    assert!(!after.iter().any(|k| k["id"] == newest.as_str()));

    // keys test: the event id on stdout, and the event in the list.
    let dsn = after[0]["dsn"].as_str().expect("dsn").to_string();
    let o = run(&["keys", "test", &dsn], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim().len(), 32);
    let list: Vec<Value> = serde_json::from_slice(
        &run(&["list", "--json", "--query", "errtui test event"], &env).stdout,
    )
    .expect("json");
    assert!(list.len() >= 3, "three test events arrived: {}", list.len());

    // Refusals and bad DSNs, in plain words.
    let o = run(&["keys", "test", &dsn.replace("@", "0@")], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Unknown public key"), "{}", stderr(&o));
    let o = run(&["keys", "test", "not-a-dsn"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

/// `keys rotate` against a mock Sentry that is also the DSN's ingest host: the calls come in
/// the only safe order, and a refused test event stops before anything is deleted.
#[test]
fn keys_rotate_calls_in_order_and_stops_when_the_test_event_is_refused() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let rt = tokio::runtime::Runtime::new().expect("rt");
    for accept in [true, false] {
        let server = rt.block_on(async {
            let s = MockServer::start().await;
            let host = s.uri().trim_start_matches("http://").to_string();
            let key = |id: &str| serde_json::json!({"id": id, "public": id, "name": format!("k-{id}"), "isActive": true,
                "dsn": {"public": format!("http://{id}@{host}/2")}});
            Mock::given(method("GET")).and(path("/api/0/projects/acme/web/keys/"))
                .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([key("old1")])))
                .mount(&s).await;
            Mock::given(method("POST")).and(path("/api/0/projects/acme/web/keys/"))
                .respond_with(ResponseTemplate::new(201).set_body_json(key("new2")))
                .mount(&s).await;
            let ingest = if accept {
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ev1"}))
            } else {
                ResponseTemplate::new(403).insert_header("x-sentry-error", "Project key disabled")
            };
            Mock::given(method("POST")).and(path("/api/2/envelope/")).respond_with(ingest).mount(&s).await;
            Mock::given(method("DELETE")).and(path("/api/0/projects/acme/web/keys/old1/"))
                .respond_with(ResponseTemplate::new(204))
                .mount(&s).await;
            s
        });
        let o = run(
            &["keys", "rotate", "old1", "--yes"],
            &[
                ("SENTRY_URL", &server.uri()),
                ("SENTRY_ORG", "acme"),
                ("SENTRY_PROJECT", "web"),
                ("SENTRY_AUTH_TOKEN", "t"),
            ],
        );
        let calls: Vec<String> = rt
            .block_on(server.received_requests())
            .expect("recorded")
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect();
        let pos = |c: &str| calls.iter().position(|x| x == c);
        let created = pos("POST /api/0/projects/acme/web/keys/").expect("created");
        let tested = pos("POST /api/2/envelope/").expect("tested");
        assert!(created < tested, "{calls:?}");
        if accept {
            assert!(o.status.success(), "{}", stderr(&o));
            let deleted = pos("DELETE /api/0/projects/acme/web/keys/old1/").expect("deleted");
            assert!(tested < deleted, "the old key goes last: {calls:?}");
        } else {
            assert_eq!(o.status.code(), Some(1));
            assert!(
                pos("DELETE /api/0/projects/acme/web/keys/old1/").is_none(),
                "nothing deleted: {calls:?}"
            );
            assert!(
                stderr(&o).contains("both keys remain")
                    && stderr(&o).contains("Project key disabled"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn sort_takes_both_spellings_and_the_table_shows_the_id_show_takes() {
    for sort in ["last_seen", "last-seen", "first_seen", "first-seen"] {
        let o = demo(&["list", "--sort", sort, "--limit", "3"]);
        assert!(o.status.success(), "{sort}: {}", stderr(&o));
    }
    let o = demo(&["list", "--limit", "1"]);
    let out = stdout(&o);
    let row = out.lines().nth(1).expect("a row");
    let id = row.split_whitespace().next().expect("id");
    let shown = demo(&["show", id]);
    assert!(shown.status.success(), "{id}: {}", stderr(&shown));
}

#[test]
fn the_tui_refuses_to_start_without_a_terminal() {
    let o = demo(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("needs a terminal"), "{}", stderr(&o));
}

#[test]
fn plain_http_to_another_host_needs_allow_http() {
    // 0.0.0.0 is not a loopback address, yet on Linux connecting to it reaches this machine:
    // it stands in for a remote server that speaks plain http.
    let remote = demo_url().replace("127.0.0.1", "0.0.0.0");
    assert_ne!(remote, demo_url(), "the demo server listens on 127.0.0.1");
    let env = [
        ("SENTRY_URL", remote.as_str()),
        ("SENTRY_ORG", "demo"),
        ("SENTRY_PROJECT", "demo"),
        ("SENTRY_AUTH_TOKEN", "secret-token-xyz"),
    ];
    let refused = run(&["list", "--limit", "3"], &env);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--allow-http"),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&refused).is_empty());
    assert!(!stderr(&refused).contains("secret-token-xyz"));
    let allowed = run(&["list", "--limit", "3", "--allow-http", "--json"], &env);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    let rows: Value = serde_json::from_str(&stdout(&allowed)).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
}

fn at(url: &str, args: &[&str]) -> Output {
    run(
        args,
        &[
            ("SENTRY_URL", url),
            ("SENTRY_ORG", "demo"),
            ("SENTRY_PROJECT", "demo"),
            ("SENTRY_AUTH_TOKEN", "gt-secret-token"),
        ],
    )
}

fn json_of(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("json")
}

#[test]
fn glitchtip_list_show_resolve_from_the_command_line() {
    let url = spawn_flavor(260, errtui::demo::DemoFlavor::Glitchtip);
    let mut counts = Vec::new();
    for status in ["unresolved", "resolved", "ignored", "all"] {
        let rows = json_of(&at(
            &url,
            &["list", "--json", "--status", status, "--limit", "5000"],
        ));
        counts.push(rows.as_array().map(Vec::len).unwrap_or(0));
    }
    assert!(counts[3] > 100, "paged past 100: {counts:?}");
    assert_eq!(counts[0] + counts[1] + counts[2], counts[3], "{counts:?}");
    for sort in ["last_seen", "first-seen", "events", "priority"] {
        let o = at(&url, &["list", "--sort", sort, "--limit", "3"]);
        assert!(o.status.success(), "{sort}: {}", stderr(&o));
    }
    let o = at(&url, &["list", "--sort", "users"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("does not count users"),
        "{}",
        stderr(&o)
    );
    // The table shows the id `show` takes; users are unknown, not zero.
    let table = stdout(&at(&url, &["list", "--limit", "2"]));
    let id = table
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .expect("id")
        .to_string();
    assert!(
        table.lines().nth(1).is_some_and(|l| l.contains('—')),
        "{table}"
    );
    let shown = json_of(&at(&url, &["show", &id, "--json"]));
    assert!(
        !shown["culprit"].as_str().unwrap_or("").is_empty(),
        "{shown}"
    );
    assert!(
        shown["url"]
            .as_str()
            .unwrap_or("")
            .ends_with(&format!("/demo/issues/{id}"))
    );
    let short = shown["short_id"].as_str().expect("short id").to_string();
    let text = stdout(&at(&url, &["show", &short]));
    assert!(text.contains("not counted"), "{text}");
    let o = at(&url, &["resolve", &short]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("now resolved") || stderr(&o).contains("now resolved"));
    let again = json_of(&at(&url, &["show", &id, "--json"]));
    assert_eq!(again["status"], "resolved");
    // Without a project: the whole organization.
    let org = run(
        &["list", "--json", "--limit", "5"],
        &[
            ("SENTRY_URL", url.as_str()),
            ("SENTRY_ORG", "demo"),
            ("SENTRY_AUTH_TOKEN", "t"),
        ],
    );
    assert_eq!(json_of(&org).as_array().map(Vec::len), Some(5));
}

#[test]
fn keys_create_and_toggle_are_honest_on_both_flavours() {
    let gt = spawn_flavor(0, errtui::demo::DemoFlavor::Glitchtip);
    let created = json_of(&at(&gt, &["keys", "create", "--json"]));
    assert!(
        created["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("errtui 20")),
        "{created}"
    );
    assert!(created["active"].is_null(), "unknown, not on: {created}");
    let id = created["id"].as_str().expect("id").to_string();
    for action in ["enable", "disable"] {
        let o = at(
            &gt,
            &["keys", action, &id, "--yes"][..if action == "enable" { 3 } else { 4 }],
        );
        assert_eq!(o.status.code(), Some(1), "{action}");
        assert!(
            stderr(&o).contains("cannot turn client keys"),
            "{}",
            stderr(&o)
        );
    }
    let sentry = spawn_demo(0);
    let key = json_of(&at(&sentry, &["keys", "list", "--json"]))[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let o = at(&sentry, &["keys", "disable", &key]);
    assert_eq!(o.status.code(), Some(2), "asks first: {}", stderr(&o));
    let off = json_of(&at(&sentry, &["keys", "disable", &key, "--yes", "--json"]));
    assert_eq!(off["active"], false);
    let listed = json_of(&at(&sentry, &["keys", "list", "--json"]));
    assert_eq!(listed[0]["active"], false, "the server says so");
    let on = json_of(&at(&sentry, &["keys", "enable", &key, "--json"]));
    assert_eq!(on["active"], true);
}

#[test]
fn the_log_file_holds_query_strings_and_no_token() {
    let gt = spawn_flavor(0, errtui::demo::DemoFlavor::Glitchtip);
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("errtui.log");
    let o = at(
        &gt,
        &[
            "list",
            "--sort",
            "events",
            "--limit",
            "3",
            "--log-file",
            log.to_str().expect("path"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("sort=-count"), "{text}");
    assert!(text.contains("query=is%3Aunresolved"), "{text}");
    assert!(!text.contains("gt-secret-token"));
}

#[test]
fn events_tags_and_show_event_keep_their_json_contracts() {
    let list = json_of(&demo(&[
        "list",
        "--query",
        "submit_order",
        "--json",
        "--limit",
        "1",
    ]));
    let id = list[0]["id"].as_str().expect("id").to_string();
    let events = json_of(&demo(&["events", &id, "--limit", "5", "--json"]));
    let rows = events.as_array().expect("array");
    assert_eq!(rows.len(), 5);
    for r in rows {
        for k in ["id", "date", "message", "release", "environment", "user"] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
    }
    let tags = json_of(&demo(&["tags", &id, "--key", "release", "--json"]));
    assert_eq!(tags.as_array().map(Vec::len), Some(1));
    assert_eq!(tags[0]["key"], "release");
    assert!(tags[0]["total"].as_u64().is_some_and(|t| t > 0));
    assert!(tags[0]["top"][0]["value"].is_string() && tags[0]["top"][0]["count"].is_u64());

    // The oldest event: nothing before it, the next one named; secrets masked.
    let out = demo(&["show", &id, "--event", "oldest", "--json"]);
    assert!(
        !stdout(&out).contains("demo-secret-token"),
        "a secret header leaked"
    );
    let shown = json_of(&out);
    let ev = &shown["event"];
    assert!(ev["previous_event_id"].is_null());
    let next = ev["next_event_id"].as_str().expect("next").to_string();
    for k in ["breadcrumbs", "request", "contexts", "user", "tags", "sdk"] {
        assert!(!ev[k].is_null(), "{k} missing");
    }
    let crumb = &ev["breadcrumbs"][0];
    for k in ["timestamp", "type", "category", "level", "message", "data"] {
        assert!(crumb.get(k).is_some(), "breadcrumb {k}");
    }
    let headers = ev["request"]["headers"].as_array().expect("headers");
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "Authorization" && h[1] == "[masked]")
    );
    let req = &ev["request"];
    assert_eq!(req["method"], "POST");
    assert!(
        req["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert!(req["query"].is_array());
    let body = req["data"].as_str().expect("body");
    assert!(
        body.contains("\"card_token\":\"[masked]\"") && body.contains("\"items\":3"),
        "{body}"
    );
    // Its neighbour by id, and by the id alone (the error is looked up).
    let by_id = json_of(&demo(&["show", &id, "--event", &next, "--json"]));
    assert_eq!(by_id["event"]["id"], next.as_str());
    assert_eq!(by_id["event"]["previous_event_id"], ev["id"]);
    let alone = json_of(&demo(&["show", &next, "--json"]));
    assert_eq!(alone["id"], id.as_str());
    // A link from the pager, with its event.
    let link = format!(
        "{}/organizations/demo/issues/{id}/events/{next}/",
        demo_url()
    );
    let linked = json_of(&demo(&["show", &link, "--json"]));
    assert_eq!(linked["event"]["id"], next.as_str());
    // A link to another server keeps the token home: usage error, nothing sent.
    let out = demo(&[
        "show",
        "https://elsewhere.example/organizations/demo/issues/1/",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a token goes only to its own server"));
    let out = demo(&["show", &id, "--event", "sometime"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Triage from the command line, each contract of issue 10, on a demo server of its own.
#[test]
fn triage_commands_keep_their_contracts() {
    let url = own_demo_server();
    let t = |args: &[&str]| at(&url, args);
    // Several ids, resolved in the next release: the release it pins after is named.
    let o = t(&["resolve", "4000003", "4000004", "--in-next-release"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Resolved DEMO-3 (4000003): now resolved in the next release.")
            && out.contains("DEMO-4 (4000004)")
            && out.contains("newer than"),
        "{out}"
    );
    let v = json_of(&t(&[
        "resolve",
        "4000005",
        "--in-release",
        "web@5.13.2",
        "--json",
    ]));
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["status_details"]["in_release"], "web@5.13.2");
    assert_eq!(v["ids"], serde_json::json!(["4000005"]));
    let o = t(&["resolve", "4000005", "--in-release", "nope@0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Unable to find a release"),
        "{}",
        stderr(&o)
    );

    // Every archive option.
    let v = json_of(&t(&[
        "ignore",
        "4000006",
        "--until-count",
        "100",
        "--window",
        "1h",
        "--json",
    ]));
    assert_eq!(v["substatus"], "archived_until_condition_met");
    assert_eq!(v["status_details"]["ignore_count"], 100);
    assert_eq!(v["status_details"]["ignore_window"], 60);
    let v = json_of(&t(&["ignore", "4000007", "--for", "30m", "--json"]));
    assert_eq!(v["status_details"]["ignore_duration"], 30);
    let v = json_of(&t(&["ignore", "4000008", "--until-users", "5", "--json"]));
    assert_eq!(v["status_details"]["ignore_user_count"], 5);
    let v = json_of(&t(&[
        "ignore",
        "4000009",
        "--forever",
        "--reason",
        "noise from a bot",
        "--json",
    ]));
    assert_eq!(v["substatus"], "archived_forever");
    let s = json_of(&t(&["show", "4000009", "--json"]));
    assert_eq!(
        s["activity"][0]["text"], "noise from a bot",
        "the reason is a comment"
    );
    let v = json_of(&t(&["ignore", "4000010", "--until-escalating", "--json"]));
    assert_eq!(v["substatus"], "archived_until_escalating");
    assert!(t(&["ignore", "4000010", "--window", "1h"]).status.code() == Some(2));
    assert!(t(&["ignore", "4000010", "--for", "soon"]).status.code() == Some(2));
    assert!(
        t(&["ignore", "4000010", "--forever", "--for", "1h"])
            .status
            .code()
            == Some(2),
        "one condition at a time"
    );

    // Assign: me, a user by name, a team, nobody; an unknown one fails.
    let v = json_of(&t(&["assign", "4000003", "4000004", "me", "--json"]));
    assert_eq!(v["assignee"]["name"], "Dana Demo");
    assert!(stdout(&t(&["assign", "4000003", "sam"])).contains("to Sam Lee"));
    assert!(stdout(&t(&["assign", "4000003", "team:backend"])).contains("to #backend"));
    let o = t(&["assign", "4000003", "nobody-here"]);
    assert_eq!(o.status.code(), Some(1));
    let listed = json_of(&t(&[
        "list",
        "--status",
        "all",
        "--query",
        "assigned:me",
        "--json",
    ]));
    let ids: Vec<&str> = listed
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["4000004"], "only the one still mine");

    // Bookmark on and off.
    assert!(json_of(&t(&["bookmark", "4000003", "--json"]))["is_bookmarked"] == true);
    assert!(json_of(&t(&["bookmark", "4000003", "--off", "--json"]))["is_bookmarked"] == false);

    // A comment, then show's JSON has the triage fields and the activity.
    let c = json_of(&t(&["comment", "4000003", "rolled back 5.13.2", "--json"]));
    assert_eq!(c["type"], "note");
    let s = json_of(&t(&["show", "4000003", "--json"]));
    for k in [
        "assignee",
        "is_bookmarked",
        "priority",
        "status_details",
        "activity",
    ] {
        assert!(s.get(k).is_some(), "show --json lacks {k}");
    }
    assert_eq!(s["assignee"]["name"], "backend");
    assert_eq!(s["status_details"]["in_next_release"], true);
    let activity = s["activity"].as_array().expect("activity");
    assert_eq!(activity[0]["text"], "rolled back 5.13.2", "newest first");
    assert!(activity.iter().any(|a| a["type"] == "assigned"));

    // Merge: the one with the most events stays.
    let m = json_of(&t(&["merge", "4000011", "4000012", "--json"]));
    let parent = m["parent"].as_str().expect("parent").to_string();
    assert!(["4000011", "4000012"].contains(&parent.as_str()));
    assert_eq!(m["children"].as_array().map(Vec::len), Some(1));
    assert_eq!(t(&["merge", "4000011"]).status.code(), Some(2));

    // GitLab issues are GitLab's.
    let o = t(&["issue", "create", "4000003"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("GitLab"), "{}", stderr(&o));
}

#[test]
fn gitlab_issue_create_prints_the_new_issues_url() {
    let url = own_demo_server();
    let gl = |args: &[&str]| {
        let mut full = vec!["--project", "demo-group/demo"];
        full.extend_from_slice(args);
        run(
            &full,
            &[
                ("GITLAB_HOST", url.as_str()),
                ("GITLAB_TOKEN", "glpat-demo"),
            ],
        )
    };
    // The demo's GitLab warms its cache first: the list waits it out.
    let rows = json_of(&gl(&["list", "--json", "--limit", "1"]));
    let id = rows[0]["id"].as_str().expect("id").to_string();
    let o = gl(&["issue", "create", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        format!("{url}/demo-group/demo/-/issues/1")
    );
    assert!(
        stderr(&o).contains("cannot link the issue to the error"),
        "{}",
        stderr(&o)
    );
    let v = json_of(&gl(&["issue", "create", &id, "--json"]));
    assert_eq!(v["iid"], 2);
    assert!(
        v["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/-/issues/2"))
    );
    // An error linked to an issue in GitLab's web UI shows it.
    let all = json_of(&gl(&["list", "--json", "--limit", "50"]));
    let linked = all
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["short_id"] == "DEMO-1")
        .and_then(|r| r["id"].as_str())
        .expect("DEMO-1 listed")
        .to_string();
    let d = json_of(&gl(&["show", &linked, "--json"]));
    assert_eq!(
        d["linked_issue"],
        format!("{url}/demo-group/demo/-/issues/7").as_str()
    );
    // Assigning is not GitLab's: refused plainly, nothing sent.
    let o = gl(&["assign", &id, "me"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot assign"), "{}", stderr(&o));
}

#[test]
fn completions_for_every_shell_and_a_man_page_come_from_the_same_definitions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell], &[]);
        assert!(o.status.success(), "{shell}");
        let out = stdout(&o);
        assert!(out.contains("doctor") && out.contains("resolve"), "{shell}");
    }
    let o = run(&["man"], &[]);
    let page = stdout(&o);
    assert!(
        page.contains(".TH errtui 1") && page.contains("GitLab"),
        "{page}"
    );
    let help = stdout(&run(&["--help"], &[]));
    assert!(help.contains("Sentry") && help.contains("GitLab") && help.contains("errtui demo"));
}

#[test]
fn plain_errtui_with_nothing_configured_says_how_to_start() {
    let o = run(&[], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("errtui demo") && err.contains("profile") && err.contains("SENTRY_AUTH_TOKEN"),
        "{err}"
    );
}
