//! `errtui watch`: what counts as new, regressed, escalating and a spike, and the command
//! against a demo server to which an error is added.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use errtui::cli::watch::{Signal, parse_interval, signals, spiking};
use serde_json::Value;

use crate::common::*;

#[test]
fn signals_are_new_errors_the_servers_substatus_changes_and_spikes() {
    let mut before = HashMap::new();
    for i in 0..3 {
        let e = summary(i);
        before.insert(e.id.clone(), e);
    }
    let mut now: Vec<_> = (0..4).map(summary).collect();
    now[1].triage.substatus = Some("regressed".into());
    now[2].stats_24h = [vec![2; 23], vec![40]].concat();
    let got: Vec<(Signal, String)> = signals(&before, &now)
        .into_iter()
        .map(|(s, e)| (s, e.short_id))
        .collect();
    assert_eq!(
        got,
        [
            (Signal::Regressed, "SHOP-1".to_string()),
            (Signal::Spike, "SHOP-2".to_string()),
            (Signal::New, "SHOP-3".to_string()),
        ]
    );
    assert!(!spiking(&[5; 24]), "steady is no spike");
    assert!(!spiking(&[0, 0, 0, 0, 0, 0, 0, 9]), "too few events");
    assert_eq!(parse_interval("15s"), Ok(Duration::from_secs(15)));
    assert_eq!(parse_interval("2m"), Ok(Duration::from_secs(120)));
    assert!(parse_interval("0").is_err() && parse_interval("soon").is_err());
}

#[test]
fn watch_prints_an_error_added_to_the_server_once_as_ndjson() {
    let url = crate::cli::own_demo_server();
    let mut child = Command::new(env!("CARGO_BIN_EXE_errtui"))
        .args(["watch", "--interval", "1s", "--json"])
        .env("SENTRY_URL", &url)
        .env("SENTRY_ORG", "demo")
        .env("SENTRY_PROJECT", "demo")
        .env("SENTRY_AUTH_TOKEN", "x")
        .env("HOME", crate::cli::empty_home())
        .current_dir(crate::cli::empty_home())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // After the first poll (the baseline), an error arrives through a DSN.
    std::thread::sleep(Duration::from_millis(1500));
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        use errtui::backend::Backend;
        let b = errtui::backend::sentry::SentryBackend::new(
            &url,
            "demo",
            Some("demo"),
            errtui::backend::Secret::new("x", "SENTRY_AUTH_TOKEN"),
        )
        .expect("backend");
        let dsn = b.list_keys().await.expect("keys")[0]
            .dsn
            .clone()
            .expect("dsn");
        errtui::dsn::send_test_event(&dsn).await.expect("sent");
    });
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut lines = Vec::new();
    while Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(l);
        }
        if !lines.is_empty() && Instant::now() + Duration::from_secs(13) < deadline {
            break;
        }
    }
    // One more interval: the same error is not told twice.
    std::thread::sleep(Duration::from_millis(2500));
    while let Ok(l) = rx.try_recv() {
        lines.push(l);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let v: Value = serde_json::from_str(&lines[0]).expect("ndjson");
    assert_eq!(v["event"], "new");
    assert!(
        v["title"]
            .as_str()
            .is_some_and(|t| t.contains("errtui test event")),
        "{v}"
    );
    for k in ["id", "short_id", "status", "count", "last_seen", "url"] {
        assert!(v.get(k).is_some(), "{k} missing");
    }
}

#[tokio::test]
async fn the_live_demo_adds_regresses_and_spikes_errors_over_time() {
    use errtui::backend::Backend;
    let server = errtui::demo::start(errtui::demo::DemoOptions {
        live: true,
        live_every: Duration::from_millis(150),
        ..Default::default()
    })
    .await
    .expect("demo");
    let b = errtui::backend::sentry::SentryBackend::new(
        &server.url(),
        "demo",
        Some("demo"),
        errtui::backend::Secret::new("x", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend");
    let q = errtui::model::ListQuery::default();
    let before = b.list(&q, None, 100).await.expect("list").items;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = b.list(&q, None, 100).await.expect("list").items;
    let old: std::collections::HashSet<&str> = before.iter().map(|e| e.id.as_str()).collect();
    let added: Vec<_> = after
        .iter()
        .filter(|e| !old.contains(e.id.as_str()))
        .collect();
    assert!(
        added
            .iter()
            .any(|e| e.triage.substatus.is_none()
                || e.triage.substatus.as_deref() == Some("ongoing")),
        "a new error arrived"
    );
    assert!(
        after
            .iter()
            .any(|e| e.triage.substatus.as_deref() == Some("regressed"))
    );
    assert!(
        after
            .iter()
            .any(|e| errtui::app::watching::spiking(&e.stats_24h))
    );
    // errtui's own comparison marks the new one.
    let sigs = signals(
        &before.iter().map(|e| (e.id.clone(), e.clone())).collect(),
        &after,
    );
    assert!(sigs.iter().any(|(s, _)| *s == Signal::New));
    assert!(sigs.iter().any(|(s, _)| *s == Signal::Regressed));
}
