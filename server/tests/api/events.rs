//! `GET /api/events`: Docker events as Server-Sent Events.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn the_event_stream_reports_actions_taken_on_a_container() {
    let app = TestApp::spawn().await;
    let name = unique("events");
    // `since` covers the moment between the answer and the daemon's subscription
    let mut events = app
        .sse(
            Method::GET,
            &format!("/api/events?container={name}&since={}", now_seconds()),
            None,
        )
        .await;
    events.expect_stream();
    let _guard = app.running_container(&name).await;

    let created = events.find(WAIT, |e| e.data["action"] == "create").await;
    let started = events.find(WAIT, |e| e.data["action"] == "start").await;
    assert_eq!(created.event, None, "events are plain messages");
    let event = &started.data;
    assert_eq!(event["type"], "container");
    assert_eq!(event["name"], name.as_str());
    assert_eq!(event["id"].as_str().unwrap().len(), 64, "{event}");
    assert_eq!(event["attributes"]["name"], name.as_str());
    assert_eq!(event["attributes"]["image"], test_image().as_str());
    let time = event["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && time.contains('T'), "{time}");
    let nanos = event["time_nano"].as_i64().unwrap();
    assert!(
        nanos / 1_000_000_000 >= now_seconds() as i64 - 60,
        "{nanos}"
    );
    assert_eq!(created.data["id"], event["id"]);

    app.post(
        &format!("/api/containers/{name}/stop"),
        json!({"timeout": 1}),
    )
    .await
    .expect(200);
    events.find(WAIT, |e| e.data["action"] == "die").await;
}

#[tokio::test]
async fn filters_and_until_replay_only_the_matching_past_events_then_close() {
    let app = TestApp::spawn().await;
    let since = now_seconds();
    let label = unique("label");
    let watched = unique("watched");
    let other = unique("other");
    let _watched = app
        .create_container(
            json!({"image": test_image(), "name": watched, "labels": {"berth.test": label}}),
        )
        .await;
    let _other = app
        .create_container(
            json!({"image": test_image(), "name": other, "labels": {"berth.test": "elsewhere"}}),
        )
        .await;
    for name in [&watched, &other] {
        app.post_empty(&format!("/api/containers/{name}/start"))
            .await
            .expect(200);
    }
    let until = now_seconds() + 1;

    let by_name = format!(
        "/api/events?type=container&container={watched}&event=start&since={since}&until={until}"
    );
    let mut replay = app.sse(Method::GET, &by_name, None).await;
    replay.expect_stream();
    let events = replay.until_end(WAIT).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].data["name"], watched.as_str());
    assert_eq!(events[0].data["action"], "start");

    // labels select too, and times may be RFC 3339
    let rfc3339 = |seconds: u64| {
        let output = std::process::Command::new("date")
            .args(["-u", "-d", &format!("@{seconds}"), "+%Y-%m-%dT%H:%M:%SZ"])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    let by_label = format!(
        "/api/events?label=berth.test%3D{label}&event=create,start&since={}&until={}",
        rfc3339(since),
        rfc3339(until)
    );
    let mut replay = app.sse(Method::GET, &by_label, None).await;
    let actions: Vec<String> = replay
        .until_end(WAIT)
        .await
        .iter()
        .inspect(|e| assert_eq!(e.data["name"], watched.as_str(), "{:?}", e.data))
        .map(|e| e.data["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, vec!["create", "start"]);
}

#[tokio::test]
async fn volume_events_are_filtered_by_type_and_name() {
    let app = TestApp::spawn().await;
    let since = now_seconds();
    let volume = unique("vol");
    let _guard = Cleanup::volume(&volume);
    app.post("/api/volumes", json!({"name": volume}))
        .await
        .expect(201);
    let until = now_seconds() + 1;
    let mut replay = app
        .sse(
            Method::GET,
            &format!("/api/events?type=volume&volume={volume}&since={since}&until={until}"),
            None,
        )
        .await;
    let events = replay.until_end(WAIT).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].data["type"], "volume");
    assert_eq!(events[0].data["action"], "create");
    assert_eq!(events[0].data["name"], volume.as_str());
}

#[tokio::test]
async fn bad_event_parameters_are_refused_before_the_stream_starts() {
    let app = TestApp::spawn().await;
    for query in [
        "type=bogus",
        "since=yesterday",
        "until=10m",
        "since=20&until=10",
        "container=",
    ] {
        let message = app
            .get(&format!("/api/events?{query}"))
            .await
            .expect_error(400);
        assert!(message.contains("'"), "{query}: {message}");
    }
}
