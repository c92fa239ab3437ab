//! Pull and build progress as Server-Sent Events, and the resource safety of every stream.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(30);

/// A unique tag of the test image pushed to the loopback registry, then removed locally.
async fn image_only_in_the_registry(app: &TestApp) -> (String, Cleanup) {
    let repo = format!("{}/berth-test/{}", test_registry(), unique("progress"));
    let reference = format!("{repo}:v1");
    let guard = Cleanup::image(&reference);
    app.post(
        &format!("/api/images/{}/tag", test_image()),
        json!({"repository": repo, "tag": "v1"}),
    )
    .await
    .expect(200);
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
