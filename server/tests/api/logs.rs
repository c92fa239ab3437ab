//! `GET /api/containers/{id}/logs`: follow, search, time windows, streams, text download.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(15);

/// Runs `script` in a new container of the test image and waits until it has exited.
async fn finished_container(app: &TestApp, prefix: &str, script: &str) -> Cleanup {
    let name = unique(prefix);
    let guard = app
        .create_container(
            json!({"image": test_image(), "name": name, "command": ["sh", "-c", script]}),
        )
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let body = app
            .get(&format!("/api/containers/{name}"))
            .await
            .expect(200);
        if body["container"]["status"] == "exited" {
            return guard;
        }
        assert!(std::time::Instant::now() < deadline, "{name} did not exit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn log_text(app: &TestApp, name: &str, query: &str) -> String {
    let body = app
        .get(&format!("/api/containers/{name}/logs?{query}"))
        .await
        .expect(200);
    body["logs"]["logs"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn follow_delivers_lines_written_after_the_request_and_ends_when_the_container_stops() {
    let app = TestApp::spawn().await;
    let name = unique("follow");
    let _guard = app
        .create_container(json!({
            "image": test_image(), "name": name,
            "command": ["sh", "-c", "trap 'exit 0' TERM; echo before; echo oops >&2; i=0; while true; do sleep 0.2; i=$((i+1)); echo tick-$i; done"]
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let mut follow = app
        .sse(
            Method::GET,
            &format!("/api/containers/{name}/logs?follow=true&tail=all"),
            None,
        )
        .await;
    follow.expect_stream();
    // stdout and stderr are copied apart by the daemon: their relative order is not fixed
    let mut first_two = [
        follow.next_event(WAIT).await.unwrap(),
        follow.next_event(WAIT).await.unwrap(),
    ];
    first_two.sort_by_key(|e| e.data["stream"].to_string());
    assert_eq!(first_two[0].event, None);
    assert_eq!(
        first_two[0].data,
        json!({"stream": "stderr", "line": "oops"})
    );
    assert_eq!(
        first_two[1].data,
        json!({"stream": "stdout", "line": "before"})
    );
    // a line the container writes well after the stream opened
    let before = app
        .get(&format!("/api/containers/{name}/logs?tail=all"))
        .await
        .expect(200);
    let written = before["logs"]["logs"]
        .as_str()
        .unwrap()
        .matches("tick-")
        .count();
    let later = format!("tick-{}", written + 3);
    follow
        .find(WAIT, |e| e.data["line"] == later.as_str())
        .await;

    app.post(
        &format!("/api/containers/{name}/stop"),
        json!({"timeout": 5}),
    )
    .await
    .expect(200);
    follow.until_end(WAIT).await;
    app.wait_for_no_open_streams(WAIT).await;
}

#[tokio::test]
async fn follow_with_grep_searches_the_whole_history_then_follows_new_matches() {
    let app = TestApp::spawn().await;
    let name = unique("followgrep");
    let _guard = app
        .create_container(json!({
            "image": test_image(), "name": name,
            "command": ["sh", "-c", "echo match-old; seq 1 500; sleep 2; echo other; echo match-new; sleep 1"]
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let mut follow = app
        .sse(
            Method::GET,
            &format!("/api/containers/{name}/logs?follow=true&grep=match&tail=5"),
            None,
        )
        .await;
    follow.expect_stream();
    let lines: Vec<Value> = follow
        .until_end(WAIT)
        .await
        .into_iter()
        .map(|e| e.data)
        .collect();
    assert_eq!(
        lines,
        vec![
            json!({"stream": "stdout", "line": "match-old"}),
            json!({"stream": "stdout", "line": "match-new"})
        ]
    );
    app.wait_for_no_open_streams(WAIT).await;
}

#[tokio::test]
async fn follow_with_timestamps_gives_each_line_its_time() {
    let app = TestApp::spawn().await;
    let guard = finished_container(&app, "stamped", "echo one; echo two").await;
    let mut follow = app
        .sse(
            Method::GET,
            &format!(
                "/api/containers/{}/logs?follow=true&timestamps=true",
                guard.name
            ),
            None,
        )
        .await;
    let events = follow.until_end(WAIT).await;
    let lines: Vec<&Value> = events.iter().map(|e| &e.data["line"]).collect();
    assert_eq!(lines, vec!["one", "two"]);
    for event in &events {
        let time = event.data["timestamp"].as_str().unwrap();
        assert!(time.contains('T') && time.ends_with('Z'), "{time}");
    }
}

#[tokio::test]
async fn grep_finds_a_line_written_long_before_the_last_hundred() {
    let app = TestApp::spawn().await;
    let guard = finished_container(
        &app,
        "grep",
        "echo needle-first; seq 1 12000 | sed 's/^/line /'; echo last",
    )
    .await;
    let name = &guard.name;
    assert!(!log_text(&app, name, "").await.contains("needle-first"));
    let body = app
        .get(&format!("/api/containers/{name}/logs?grep=needle-first"))
        .await
        .expect(200);
    assert_eq!(body["logs"]["logs"], "needle-first\n");
    assert_eq!(body["logs"]["tail"], 100);
    assert_eq!(body["logs"]["name"], name.as_str());

    assert_eq!(log_text(&app, name, "grep=NEEDLE-FIRST").await, "");
    assert_eq!(
        log_text(&app, name, "grep=NEEDLE-FIRST&ignore_case=true").await,
        "needle-first\n"
    );
    // a regular expression, keeping the last 3 of its 10 matches
    assert_eq!(
        log_text(
            &app,
            name,
            "grep=%5Eline%20119%5B0-9%5D%5B0-9%5D%24&regex=true&tail=3"
        )
        .await,
        "line 11997\nline 11998\nline 11999\n"
    );
    let matches = log_text(
        &app,
        name,
        "grep=line%20119%5B0-9%5D%5B0-9%5D&regex=true&tail=all",
    )
    .await;
    assert_eq!(matches.lines().count(), 100);
    // without regex=true the pattern is a plain substring
    assert_eq!(log_text(&app, name, "grep=line%201199%5B0-9%5D").await, "");
}

#[tokio::test]
async fn an_invalid_regular_expression_or_bad_parameter_is_a_400() {
    let app = TestApp::spawn().await;
    let guard = finished_container(&app, "badgrep", "echo hi").await;
    for query in [
        "grep=(unclosed&regex=true",
        "grep=",
        "since=yesterday",
        "until=soon",
        "stdout=false&stderr=false",
        "format=xml",
        "timestamps=maybe",
        "follow=true&format=text",
    ] {
        let message = app
            .get(&format!("/api/containers/{}/logs?{query}", guard.name))
            .await
            .expect_error(400);
        assert!(!message.is_empty(), "{query}");
    }
    app.get(&format!(
        "/api/containers/{}/logs?follow=true",
        unique("missing")
    ))
    .await
    .expect_error(404);
}

#[tokio::test]
async fn stdout_and_stderr_can_be_read_apart() {
    let app = TestApp::spawn().await;
    let guard = finished_container(&app, "streams", "echo out; echo err >&2").await;
    let name = &guard.name;
    assert_eq!(log_text(&app, name, "stderr=false").await, "out\n");
    assert_eq!(log_text(&app, name, "stdout=0").await, "err\n");
    let both = log_text(&app, name, "").await;
    assert!(both.contains("out\n") && both.contains("err\n"), "{both}");
}

#[tokio::test]
async fn since_and_until_narrow_the_log_to_a_time_window() {
    let app = TestApp::spawn().await;
    let guard = finished_container(&app, "window", "echo early; sleep 2; echo late").await;
    let name = &guard.name;
    let stamped = log_text(&app, name, "timestamps=true").await;
    let times: Vec<&str> = stamped
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(times.len(), 2, "{stamped}");
    assert!(stamped.lines().next().unwrap().ends_with(" early"));
    // whole seconds of the second line: only it is at or after them
    let late_second = &times[1][..19];
    assert_eq!(
        log_text(&app, name, &format!("since={late_second}Z")).await,
        "late\n"
    );
    let early_second = &times[0][..19];
    let until = format!("{early_second}Z");
    let body = app
        .get(&format!("/api/containers/{name}/logs?until={until}"))
        .await
        .expect(200);
    let text = body["logs"]["logs"].as_str().unwrap();
    assert!(!text.contains("late"), "{text}");
}

#[tokio::test]
async fn format_text_downloads_the_log_as_a_file() {
    let app = TestApp::spawn().await;
    let guard = finished_container(&app, "download", "echo alpha; echo beta >&2").await;
    let response = app
        .http
        .get(format!(
            "{}/api/containers/{}/logs?format=text&tail=all",
            app.address, guard.name
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"{}.log\"", guard.name)
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("alpha\n") && text.contains("beta\n"),
        "{text}"
    );
    let searched = app
        .http
        .get(format!(
            "{}/api/containers/{}/logs?format=text&grep=beta",
            app.address, guard.name
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(searched, "beta\n");
}
