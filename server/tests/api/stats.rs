//! `GET /api/containers/{id}/stats?stream=true` and `GET /api/stats`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// Opens `name`'s stats stream and checks that it is one.
async fn stats_stream(app: &TestApp, name: &str) -> SseStream {
    let stream = app
        .sse(
            Method::GET,
            &format!("/api/containers/{name}/stats?stream=true"),
            None,
        )
        .await;
    stream.expect_stream();
    stream
}

#[tokio::test]
async fn stream_stats_send_a_sample_about_every_second() {
    let app = TestApp::spawn().await;
    let name = unique("statstream");
    let _guard = app.running_container(&name).await;
    let mut samples = stats_stream(&app, &name).await;
    let started = Instant::now();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let sample = samples.next_event(Duration::from_secs(10)).await.unwrap();
        assert_eq!(sample.event, None);
        seen.push(sample.data);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    for sample in &seen {
        assert_eq!(sample["name"], name.as_str());
        assert_eq!(sample["container_id"].as_str().unwrap().len(), 64);
        assert!(sample["memory_usage"].as_u64().is_some(), "{sample}");
        assert!(sample["cpu_percent"].as_f64().is_some(), "{sample}");
        assert!(sample["pids"].as_u64().unwrap() >= 1, "{sample}");
    }
    assert_ne!(seen[0]["read"], seen[2]["read"], "fresh samples");
    drop(samples);
    app.wait_for_no_open_streams(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn a_stats_stream_ends_when_its_container_stops() {
    let app = TestApp::spawn().await;
    let name = unique("statstop");
    let _guard = app.running_container(&name).await;
    let mut samples = stats_stream(&app, &name).await;
    let first = samples.next_event(Duration::from_secs(10)).await.unwrap();
    assert!(first.data["pids"].as_u64().unwrap() >= 1, "{}", first.data);
    app.post(
        &format!("/api/containers/{name}/stop"),
        json!({"timeout": 1}),
    )
    .await
    .expect(200);
    let rest = samples.until_end(Duration::from_secs(15)).await;
    let last = rest.last().expect("a last sample, showing the stop");
    assert_eq!(last.data["pids"], 0, "{}", last.data);
    assert!(
        rest.len() <= 6,
        "the stream ended soon after the stop: {} samples",
        rest.len()
    );
    app.wait_for_no_open_streams(Duration::from_secs(10)).await;

    // a stopped container's stream sends the one zeroed sample and ends
    let mut stopped = stats_stream(&app, &name).await;
    let only = stopped.until_end(Duration::from_secs(15)).await;
    assert_eq!(only.len(), 1, "{only:?}");
    assert_eq!(only[0].data["memory_usage"], 0, "{}", only[0].data);
}

#[tokio::test]
async fn stream_stats_of_an_unknown_container_is_a_404_before_streaming() {
    let app = TestApp::spawn().await;
    app.get(&format!(
        "/api/containers/{}/stats?stream=true",
        unique("nope")
    ))
    .await
    .expect_error(404);
    app.get(&format!(
        "/api/containers/{}/stats?stream=often",
        unique("nope")
    ))
    .await
    .expect_error(400);
}

#[tokio::test]
async fn fleet_stats_include_each_running_container_and_no_stopped_one() {
    let app = TestApp::spawn().await;
    let first = unique("fleet");
    let second = unique("fleet");
    let stopped = unique("fleet-stopped");
    let _first = app.running_container(&first).await;
    let _second = app.running_container(&second).await;
    let _stopped = app
        .create_container(json!({"image": test_image(), "name": stopped}))
        .await;
    let body = app.get("/api/stats").await.expect(200);
    assert_eq!(body["success"], true);
    let stats = body["stats"].as_array().unwrap();
    assert_eq!(body["count"].as_u64().unwrap() as usize, stats.len());
    let ours: Vec<&Value> = stats
        .iter()
        .filter(|s| s["name"] == first.as_str() || s["name"] == second.as_str())
        .collect();
    assert_eq!(ours.len(), 2, "{body}");
    for sample in ours {
        assert_eq!(sample["container_id"].as_str().unwrap().len(), 64);
        assert!(sample["memory_limit"].as_u64().unwrap() > 0, "{sample}");
    }
    assert!(!stats.iter().any(|s| s["name"] == stopped.as_str()));
}

#[tokio::test]
async fn fleet_stats_keep_watching_running_containers_and_let_stopped_ones_go() {
    let app = TestApp::spawn().await;
    let watched = unique("fleet-watch");
    let leaving = unique("fleet-leave");
    let _watched = app.running_container(&watched).await;
    let _leaving = app.running_container(&leaving).await;
    let id_of = |body: &Value, name: &str| -> String {
        body["stats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {body}"))["container_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = app.get("/api/stats").await.expect(200);
    let (watched_id, leaving_id) = (id_of(&first, &watched), id_of(&first, &leaving));
    let held = app.service.fleet_watched();
    assert!(
        held.contains(&watched_id) && held.contains(&leaving_id),
        "{held:?}"
    );

    // Later answers come from the open streams and are fresh, not the first sample again.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let second = app.get("/api/stats").await.expect(200);
    let read_of = |body: &Value| {
        body["stats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == watched.as_str())
            .unwrap()["read"]
            .clone()
    };
    assert_ne!(read_of(&first), read_of(&second), "{second}");

    app.post_empty(&format!("/api/containers/{leaving}/kill"))
        .await
        .expect(200);
    // The kill answers once the signal is sent; newer engines may still list the container as running
    // for a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .get(&format!("/api/containers/{leaving}"))
        .await
        .expect(200)["container"]["status"]
        == "running"
    {
        assert!(Instant::now() < deadline, "{leaving} still running");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let third = app.get("/api/stats").await.expect(200);
    assert!(
        !third["stats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == leaving.as_str()),
        "{third}"
    );
    let held = app.service.fleet_watched();
    assert!(held.contains(&watched_id), "{held:?}");
    assert!(!held.contains(&leaving_id), "{held:?}");
}
