//! Triage requests on the wire: each body (status details, substatus, archive conditions,
//! assignee, bookmark, merge, notes), one bulk request per 100 ids, and each refusal, against a
//! mock Sentry and GlitchTip.

use std::time::Duration;

use errtui::backend::sentry::{Flavor, SentryBackend};
use errtui::backend::{Backend, BackendError, Secret};
use errtui::model::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn backend(server: &MockServer, flavor: Flavor) -> SentryBackend {
    SentryBackend::new(
        &server.uri(),
        "acme",
        None,
        Secret::new("t0ken", "SENTRY_AUTH_TOKEN"),
    )
    .expect("backend")
    .with_flavor(flavor)
    .with_http(|h| h.with_retry_base(Duration::from_millis(5)))
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Mounts a bulk PUT that expects `body` and answers `answer`.
async fn bulk(server: &MockServer, body: serde_json::Value, answer: serde_json::Value) {
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

fn id_params(r: &Request) -> Vec<String> {
    r.url
        .query_pairs()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.to_string())
        .collect()
}

#[tokio::test]
async fn resolve_in_the_next_release_is_one_bulk_request_with_every_id() {
    let server = MockServer::start().await;
    bulk(
        &server,
        json!({"status": "resolved", "statusDetails": {"inNextRelease": true}}),
        json!({"status": "resolved", "statusDetails": {"inNextRelease": true}, "inbox": null}),
    )
    .await;
    let b = backend(&server, Flavor::Sentry);
    let change = Change::Resolve(Resolve::NextRelease { latest: None });
    let a = b
        .update(&ids(&["1", "2", "3"]), &change)
        .await
        .expect("bulk");
    assert_eq!(a.status, Some(Status::Resolved));
    assert!(a.triage.status_details.in_next_release);
    let reqs = server.received_requests().await.expect("requests");
    assert_eq!(id_params(&reqs[0]), ["1", "2", "3"]);
}

#[tokio::test]
async fn two_hundred_and_fifty_ids_travel_in_three_requests() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"isBookmarked": true})))
        .expect(3)
        .mount(&server)
        .await;
    let all: Vec<String> = (1..=250).map(|i| i.to_string()).collect();
    backend(&server, Flavor::Sentry)
        .update(&all, &Change::Bookmark(true))
        .await
        .expect("bulk");
    let reqs = server.received_requests().await.expect("requests");
    let sizes: Vec<usize> = reqs.iter().map(|r| id_params(r).len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
}

#[tokio::test]
async fn archive_bodies_carry_substatus_and_conditions() {
    let cases = [
        (
            Archive::UntilEscalating,
            json!({"status": "ignored", "substatus": "archived_until_escalating", "statusDetails": {}}),
        ),
        (
            Archive::Forever,
            json!({"status": "ignored", "substatus": "archived_forever", "statusDetails": {}}),
        ),
        (
            Archive::For(30),
            json!({"status": "ignored", "substatus": "archived_until_condition_met", "statusDetails": {"ignoreDuration": 30}}),
        ),
        (
            Archive::UntilCount {
                count: 100,
                window: Some(60),
            },
            json!({"status": "ignored", "substatus": "archived_until_condition_met", "statusDetails": {"ignoreCount": 100, "ignoreWindow": 60}}),
        ),
        (
            Archive::UntilUsers {
                count: 5,
                window: None,
            },
            json!({"status": "ignored", "substatus": "archived_until_condition_met", "statusDetails": {"ignoreUserCount": 5}}),
        ),
        (
            Archive::Plain,
            json!({"status": "ignored", "statusDetails": {}}),
        ),
    ];
    for (archive, body) in cases {
        let server = MockServer::start().await;
        bulk(
            &server,
            body.clone(),
            json!({"status": "ignored", "statusDetails": body["statusDetails"]}),
        )
        .await;
        let a = backend(&server, Flavor::Sentry)
            .update(&ids(&["7"]), &Change::Archive(archive.clone()))
            .await
            .unwrap_or_else(|e| panic!("{archive:?}: {e}"));
        assert_eq!(a.status, Some(Status::Ignored));
    }
}

#[tokio::test]
async fn assign_sends_the_actor_and_reads_the_named_assignee_back() {
    let server = MockServer::start().await;
    bulk(
        &server,
        json!({"assignedTo": "user:2"}),
        json!({"assignedTo": {"type": "user", "id": "2", "name": "Sam Lee", "email": "sam@example.com"}}),
    )
    .await;
    let sam = Assignee {
        kind: "user".into(),
        id: "2".into(),
        name: "2".into(),
        email: None,
    };
    let a = backend(&server, Flavor::Sentry)
        .update(&ids(&["7"]), &Change::Assign(Some(sam)))
        .await
        .expect("assign");
    assert_eq!(a.triage.assignee.map(|a| a.name), Some("Sam Lee".into()));

    // Unassigning sends null; an answer naming someone else is not a success.
    let server = MockServer::start().await;
    bulk(
        &server,
        json!({"assignedTo": null}),
        json!({"assignedTo": {"type": "team", "id": "9", "name": "ops"}}),
    )
    .await;
    let e = backend(&server, Flavor::Sentry)
        .update(&ids(&["7"]), &Change::Assign(None))
        .await
        .expect_err("the answer does not show it");
    assert!(matches!(e, BackendError::NotChanged(_)), "{e}");
}

#[tokio::test]
async fn refusals_keep_their_own_message() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"statusDetails": ["Unable to find a release with the given version."]}),
        ))
        .mount(&server)
        .await;
    let e = backend(&server, Flavor::Sentry)
        .update(
            &ids(&["7"]),
            &Change::Resolve(Resolve::InRelease("nope@0".into())),
        )
        .await
        .expect_err("400");
    assert!(e.to_string().contains("Unable to find a release"), "{e}");

    // 204: none of the ids exist.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let e = backend(&server, Flavor::Sentry)
        .update(&ids(&["404"]), &Change::Resolve(Resolve::Now))
        .await
        .expect_err("204");
    assert!(e.to_string().contains("found none"), "{e}");

    // 403 names the scope.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "nope"})))
        .mount(&server)
        .await;
    let e = backend(&server, Flavor::Sentry)
        .update(&ids(&["7"]), &Change::Bookmark(true))
        .await
        .expect_err("403");
    assert!(matches!(e, BackendError::Forbidden { .. }), "{e}");
    assert!(e.to_string().contains("event:write"), "{e}");
}

#[tokio::test]
async fn merge_and_notes_use_sentrys_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/0/organizations/acme/issues/"))
        .and(query_param("id", "1"))
        .and(body_json(json!({"merge": true})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"merge": {"parent": "2", "children": ["1", "3"]}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/0/organizations/acme/issues/7/notes/"))
        .and(body_json(json!({"text": "rolled back"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "55", "type": "note", "data": {"text": "rolled back"},
            "dateCreated": "2026-11-22T06:00:00Z", "user": {"name": "Dana"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let b = backend(&server, Flavor::Sentry);
    let m = b.merge(&ids(&["1", "2", "3"])).await.expect("merge");
    assert_eq!(m.parent, "2");
    assert_eq!(m.children, ["1", "3"]);
    let a = b.comment("7", "rolled back").await.expect("note");
    assert_eq!((a.kind.as_str(), a.text.as_str()), ("note", "rolled back"));
    assert_eq!(a.user.as_deref(), Some("Dana"));
    assert!(
        b.merge(&ids(&["1"])).await.is_err(),
        "one error is no merge"
    );
}

#[tokio::test]
async fn glitchtip_comments_its_own_way_and_refuses_what_it_lacks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/0/issues/7/comments/"))
        .and(body_json(json!({"data": {"text": "seen it"}})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": 3, "data": {"text": "seen it"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let b = backend(
        &server,
        Flavor::GlitchTip {
            version: Some("5.1".into()),
        },
    );
    let a = b.comment("7", "seen it").await.expect("comment");
    assert_eq!(a.text, "seen it");
    // Nothing is sent for what GlitchTip cannot do.
    for change in [
        Change::Bookmark(true),
        Change::Archive(Archive::Forever),
        Change::Priority(Priority::High),
    ] {
        let e = b.update(&ids(&["7"]), &change).await.expect_err("refused");
        assert!(matches!(e, BackendError::Unsupported(_)), "{e}");
    }
    assert_eq!(server.received_requests().await.expect("r").len(), 1);
}

#[tokio::test]
async fn members_teams_and_me_fill_the_assign_picker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/members/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "m1", "email": "sam@example.com", "user": {"id": "2", "name": "Sam Lee", "username": "sam", "email": "sam@example.com"}},
            {"id": "m2", "email": "invited@example.com", "user": null}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/teams/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": "10", "slug": "backend", "name": "Backend"}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/0/users/me/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "1", "name": "Dana", "email": "dana@example.com"})),
        )
        .mount(&server)
        .await;
    let b = backend(&server, Flavor::Sentry);
    let m = b.members().await.expect("members");
    let labels: Vec<String> = m.iter().map(|m| m.assignee.label()).collect();
    assert_eq!(
        labels,
        ["Sam Lee", "#backend"],
        "an invitation cannot be assigned"
    );
    assert_eq!(m[0].assignee.wire(), "user:2");
    assert_eq!(m[1].assignee.wire(), "team:10");
    assert_eq!(b.whoami().await.expect("me").id, "1");
}

#[tokio::test]
async fn read_only_lets_reads_through_and_sends_no_change_at_all() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/0/organizations/acme/issues/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let b = backend(&server, Flavor::Sentry)
        .with_http(|h| h.with_read_only(Some("profile `prod` is read-only".into())));
    assert!(b.capabilities().read_only.is_some(), "the app is told");
    b.list(&ListQuery::default(), None, 10)
        .await
        .expect("reads go");
    for e in [
        b.update(&ids(&["1"]), &Change::Resolve(Resolve::Now))
            .await
            .expect_err("update"),
        b.merge(&ids(&["1", "2"])).await.expect_err("merge"),
        b.comment("1", "x").await.expect_err("comment"),
        b.set_status("1", &Status::Resolved)
            .await
            .expect_err("status"),
    ] {
        assert!(
            e.to_string().contains("read-only") || e.to_string().contains("Read-only"),
            "{e}"
        );
    }
    let reqs = server.received_requests().await.expect("requests");
    assert!(
        reqs.iter().all(|r| r.method.as_str() == "GET"),
        "a change left the machine: {:?}",
        reqs.iter()
            .map(|r| r.method.to_string())
            .collect::<Vec<_>>()
    );
}
