//! Pull, push and build progress as Server-Sent Events, and the resource safety of every stream.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(30);

/// A unique tag of the test image pushed to the loopback registry, then removed locally.
async fn image_only_in_the_registry(app: &TestApp) -> (String, Cleanup) {
    let (reference, guard) = tagged_for(app, &test_registry(), "progress").await;
    app.post_empty(&format!("/api/images/{reference}/push"))
        .await
        .expect(200);
    app.delete(&format!("/api/images/{reference}/remove"))
        .await
        .expect(200);
    (reference, guard)
}

#[tokio::test]
async fn pull_with_an_event_stream_sends_progress_then_the_result() {
    let app = TestApp::spawn().await;
    let (reference, _guard) = image_only_in_the_registry(&app).await;
    let mut pull = app
        .sse(
            Method::POST,
            "/api/images/pull",
            Some(json!({"image": reference})),
        )
        .await;
    pull.expect_stream();
    let events = pull.until_end(WAIT).await;
    let (last, progress) = events.split_last().unwrap();
    assert!(!progress.is_empty(), "{events:?}");
    for step in progress {
        assert_eq!(step.event.as_deref(), Some("progress"));
        assert!(step.data["status"].is_string(), "{:?}", step.data);
        assert!(step.data.get("id").is_some() && step.data.get("total").is_some());
    }
    // `id` names a layer (hex), or is null for a message about the whole image ("Pulling from ...")
    let pulling_from = progress
        .iter()
        .find(|step| {
            step.data["status"]
                .as_str()
                .unwrap()
                .starts_with("Pulling from")
        })
        .unwrap_or_else(|| panic!("no 'Pulling from' message: {events:?}"));
    assert_eq!(
        pulling_from.data["id"],
        Value::Null,
        "{:?}",
        pulling_from.data
    );
    for step in progress {
        if let Some(id) = step.data["id"].as_str() {
            assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{:?}", step.data);
        }
    }
    assert_eq!(last.event.as_deref(), Some("result"));
    assert_eq!(last.data["status"], "pulled");
    assert!(
        last.data["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == reference.as_str()),
        "{:?}",
        last.data
    );
    assert!(app.docker.inspect_image(&reference).await.is_ok());
}

#[tokio::test]
async fn a_failed_pull_ends_its_event_stream_with_an_error_event() {
    let app = TestApp::spawn().await;
    let image = format!("{}/berth-test/{}", test_registry(), unique("absent"));
    let mut pull = app
        .sse(
            Method::POST,
            "/api/images/pull",
            Some(json!({"image": image})),
        )
        .await;
    pull.expect_stream();
    let events = pull.until_end(WAIT).await;
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"), "{events:?}");
    assert_eq!(last.data["status"], 404);
    assert!(last.data["error"].as_str().unwrap().contains(&image));
    // bad input is still a plain 400 before any stream
    let refused = app
        .sse(Method::POST, "/api/images/pull", Some(json!({"tag": "x"})))
        .await;
    assert_eq!(refused.status.as_u16(), 400);
    assert_eq!(refused.json().await["success"], false);
}

/// Tags the test image as `registry/berth-test/<unique>:v1`, removed again when the guard drops.
async fn tagged_for(app: &TestApp, registry: &str, prefix: &str) -> (String, Cleanup) {
    let repo = format!("{registry}/berth-test/{}", unique(prefix));
    let reference = format!("{repo}:v1");
    let guard = Cleanup::image(&reference);
    app.post(
        &format!("/api/images/{}/tag", test_image()),
        json!({"repository": repo, "tag": "v1"}),
    )
    .await
    .expect(200);
    (reference, guard)
}

/// Pushes `reference` with `Accept: text/event-stream` and reads the stream to its end.
async fn push_events(app: &TestApp, reference: &str) -> Vec<SseEvent> {
    let mut push = app
        .sse(
            Method::POST,
            &format!("/api/images/{reference}/push"),
            Some(json!({})),
        )
        .await;
    push.expect_stream();
    push.until_end(WAIT).await
}

#[tokio::test]
async fn push_with_an_event_stream_sends_each_layers_progress_then_the_pushed_reference() {
    let app = TestApp::spawn().await;
    let (reference, _guard) = tagged_for(&app, &test_registry(), "ssepush").await;
    let events = push_events(&app, &reference).await;
    let (last, progress) = events.split_last().unwrap();
    for step in progress {
        assert_eq!(step.event.as_deref(), Some("progress"), "{events:?}");
        assert!(step.data["status"].is_string(), "{:?}", step.data);
        assert!(step.data.get("id").is_some() && step.data.get("total").is_some());
    }
    // every layer id is one of the image's layers (the first 12 hex digits of its diff id)
    let layers = app
        .docker
        .inspect_image(&reference)
        .await
        .unwrap()
        .root_fs
        .and_then(|fs| fs.layers)
        .unwrap();
    let ids: Vec<&str> = progress
        .iter()
        .filter_map(|step| step.data["id"].as_str())
        .collect();
    assert!(!ids.is_empty(), "progress names its layers: {events:?}");
    for id in &ids {
        assert!(
            layers
                .iter()
                .any(|layer| layer.trim_start_matches("sha256:").starts_with(id)),
            "{id} is a layer of {reference}: {layers:?}"
        );
    }
    assert_eq!(last.event.as_deref(), Some("result"), "{events:?}");
    assert_eq!(last.data["status"], "pushed");
    assert_eq!(last.data["image"], reference.as_str());
    assert!(
        last.data["digest"]
            .as_str()
            .unwrap_or_default()
            .starts_with("sha256:"),
        "{:?}",
        last.data
    );
    let (repo, _) = reference.rsplit_once(':').unwrap();
    let tags = registry_tags(repo.trim_start_matches(&format!("{}/", test_registry()))).await;
    assert_eq!(
        tags["tags"],
        json!(["v1"]),
        "the registry holds the pushed tag"
    );
}

#[tokio::test]
async fn a_push_of_a_missing_image_is_a_404_before_any_stream() {
    let app = TestApp::spawn().await;
    let missing = format!("{}/berth-test/{}:v1", test_registry(), unique("nopush"));
    let refused = app
        .sse(
            Method::POST,
            &format!("/api/images/{missing}/push"),
            Some(json!({})),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 404);
    assert!(refused.content_type.starts_with("application/json"));
    let body = refused.json().await;
    assert_eq!(body["success"], false);
    assert!(body["error"].as_str().unwrap().contains(&missing), "{body}");
    let refused = app
        .sse(Method::POST, "/api/images/a%20b/push", Some(json!({})))
        .await;
    assert_eq!(refused.status.as_u16(), 400);
    assert_eq!(refused.json().await["success"], false);
}

#[tokio::test]
async fn a_push_to_an_unreachable_registry_ends_its_event_stream_with_an_error_event() {
    let app = TestApp::spawn().await;
    // a loopback port nothing listens on: bound, then let go
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (reference, _guard) = tagged_for(&app, &format!("127.0.0.1:{port}"), "nowhere").await;
    let events = push_events(&app, &reference).await;
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"), "{events:?}");
    assert_eq!(last.data["status"], 503);
    assert!(
        last.data["error"].as_str().unwrap().contains(&reference),
        "{:?}",
        last.data
    );
    // the daemon's words (addresses, resolver errors) stay in the log
    assert!(!last.data["error"].as_str().unwrap().contains("dial tcp"));
}

#[tokio::test]
async fn build_with_an_event_stream_sends_its_lines_then_the_result_or_the_error() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(unique("ssebuild"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        format!("FROM {}\nRUN echo built-in-a-step\n", test_image()),
    )
    .unwrap();
    let tag = format!("{}:v1", unique("ssebuild"));
    let _guard = Cleanup::image(&tag);
    let mut build = app
        .sse(
            Method::POST,
            "/api/images/build",
            Some(json!({"path": dir, "tag": tag})),
        )
        .await;
    build.expect_stream();
    let events = build.until_end(WAIT).await;
    let (last, progress) = events.split_last().unwrap();
    let lines: Vec<&str> = progress
        .iter()
        .inspect(|e| assert_eq!(e.event.as_deref(), Some("progress")))
        .map(|e| e.data["line"].as_str().unwrap())
        .collect();
    assert!(
        lines.iter().any(|l| l.starts_with("Step 1/2 : FROM")),
        "{lines:?}"
    );
    assert!(lines.contains(&"built-in-a-step"), "{lines:?}");
    assert_eq!(last.event.as_deref(), Some("result"));
    assert_eq!(last.data["status"], "built");
    assert!(
        last.data["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == tag.as_str())
    );

    std::fs::write(
        dir.join("Dockerfile"),
        format!("FROM {}\nRUN exit 3\n", test_image()),
    )
    .unwrap();
    let mut failing = app
        .sse(
            Method::POST,
            "/api/images/build",
            Some(json!({"path": dir, "tag": format!("{}:v1", unique("ssefail"))})),
        )
        .await;
    let events = failing.until_end(WAIT).await;
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"), "{events:?}");
    assert_eq!(last.data["status"], 400);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Counts this process's sockets (the server runs inside the test process).
fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .map(|target| target.to_string_lossy().starts_with("socket:"))
                        .unwrap_or(false)
                })
                .count()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn dropped_streams_release_their_daemon_connections() {
    let app = TestApp::spawn().await;
    let name = unique("leak");
    let _guard = app.running_container(&name).await;
    app.wait_for_no_open_streams(WAIT).await;
    let paths = [
        format!("/api/containers/{name}/logs?follow=true"),
        format!("/api/containers/{name}/stats?stream=true"),
        "/api/events".to_string(),
    ];
    let mut streams = Vec::new();
    for round in 0..17 {
        for path in &paths {
            let stream = app.sse(Method::GET, path, None).await;
            stream.expect_stream();
            streams.push(stream);
        }
        if round == 0 {
            // every kind holds a daemon connection while it is open
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(app.service.open_streams(), 3);
        }
    }
    assert_eq!(app.service.open_streams(), 51);
    let sockets_while_open = open_sockets();
    drop(streams);
    app.wait_for_no_open_streams(Duration::from_secs(10)).await;
    let sockets_after = open_sockets();
    assert!(
        sockets_after + 60 <= sockets_while_open,
        "the 51 client and 51 daemon connections are closed: {sockets_while_open} -> {sockets_after}"
    );
}
