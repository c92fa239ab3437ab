//! Bad input of every class gets the contract's JSON error envelope, never HTML or a 500.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn unknown_api_routes_are_json_404() {
    let app = TestApp::spawn().await;
    let message = app.get("/api/does-not-exist").await.expect_error(404);
    assert!(message.contains("/api/does-not-exist"));
    app.get("/api/containers/x/y/z").await.expect_error(404);
    app.get("/health/extra").await.expect_error(404);
}

#[tokio::test]
async fn wrong_methods_are_json_405() {
    let app = TestApp::spawn().await;
    let message = app.delete("/api/containers").await.expect_error(405);
    assert!(message.contains("DELETE"));
    app.get("/api/containers/x/start").await.expect_error(405);
    app.post_empty("/api/system/info").await.expect_error(405);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let message = app
        .request(
            Method::POST,
            "/api/containers",
            Some(("application/json", b"{\"image\": ".to_vec())),
        )
        .await
        .expect_error(400);
    assert!(message.contains("Malformed JSON"), "{message}");
    let message = app
        .request(
            Method::POST,
            "/api/containers",
            Some(("application/json", b"[1,2]".to_vec())),
        )
        .await
        .expect_error(400);
    assert!(message.contains("JSON object"), "{message}");
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_in_bodies_are_400() {
    let app = TestApp::spawn().await;
    let message = app
        .post("/api/containers/anything/stop", json!({"timeout": "soon"}))
        .await
        .expect_error(400);
    assert!(message.contains("timeout"), "{message}");
    let message = app
        .post(
            "/api/containers/anything/stop",
            json!({"timeout": 1, "when": "now"}),
        )
        .await
        .expect_error(400);
    assert!(message.contains("when"), "{message}");
    app.post("/api/containers/anything/stop", json!({"timeout": -5}))
        .await
        .expect_error(400);
}

#[tokio::test]
async fn bad_query_values_are_400() {
    let app = TestApp::spawn().await;
    let message = app.get("/api/containers?all=maybe").await.expect_error(400);
    assert!(message.contains("maybe"), "{message}");
    app.delete("/api/containers/x/remove?force=yes")
        .await
        .expect_error(400);
    let message = app
        .get("/api/containers/x/logs?tail=-3")
        .await
        .expect_error(400);
    assert!(message.contains("tail"), "{message}");
    app.get("/api/containers/x/logs?tail=ten")
        .await
        .expect_error(400);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"image\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let message = app
        .request(
            Method::POST,
            "/api/containers",
            Some(("application/json", big.into_bytes())),
        )
        .await
        .expect_error(413);
    assert!(message.contains("MiB"), "{message}");
}

#[tokio::test]
async fn foreign_origins_cannot_change_state_but_scripts_can() {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .post(format!("{}/api/containers", app.address))
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("image=x")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 403);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["success"], false);

    let own = app
        .http
        .post(format!("{}/api/containers", app.address))
        .header("Origin", app.address.clone())
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(own.status().as_u16(), 400, "own origin passes the guard");
    let reads = app
        .http
        .get(format!("{}/health", app.address))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .expect("sent");
    assert_eq!(reads.status().as_u16(), 200);
}

#[tokio::test]
async fn configured_cors_origins_get_preflight_answers() {
    let app = TestApp::spawn_with(app::docker::DockerEndpoint::FromEnvironment, |config| {
        config.cors_origins = vec!["http://dashboard.example".into()];
    })
    .await;
    let response = app
        .http
        .request(Method::OPTIONS, format!("{}/api/containers", app.address))
        .header("Origin", "http://dashboard.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        response
            .headers()
            .contains_key("access-control-allow-methods")
    );
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://dashboard.example"
    );
    let allowed = app
        .http
        .post(format!("{}/api/containers", app.address))
        .header("Origin", "http://dashboard.example")
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        allowed.status().as_u16(),
        400,
        "allowed origin reaches validation"
    );
}

#[tokio::test]
async fn container_ids_that_cannot_exist_are_404_on_every_container_route() {
    let app = TestApp::spawn().await;
    for id in [
        "%27%3B%20rm%20-rf%20%2F",
        "..%2F..%2Fx",
        "a%2F%2Fb",
        "x%2F.%2Fy",
        "%20",
        "a%22b%20c",
    ] {
        for (method, action) in [
            (reqwest::Method::GET, ""),
            (reqwest::Method::GET, "/stats"),
            (reqwest::Method::GET, "/logs"),
            (reqwest::Method::GET, "/top"),
            (reqwest::Method::GET, "/inspect"),
            (reqwest::Method::POST, "/start"),
            (reqwest::Method::POST, "/stop"),
            (reqwest::Method::POST, "/restart"),
            (reqwest::Method::POST, "/pause"),
            (reqwest::Method::DELETE, "/remove"),
        ] {
            let reply = app
                .request(
                    method.clone(),
                    &format!("/api/containers/{id}{action}"),
                    None,
                )
                .await;
            assert_eq!(
                reply.status.as_u16(),
                404,
                "{method} /api/containers/{id}{action}: {}",
                reply.body
            );
            assert_eq!(reply.body["success"], false);
        }
    }
}

/// Sends `head` (request line and headers, without the blank line) and the start of a body over a raw
/// TCP connection, never the rest; answers the status and body of the response, which must arrive
/// within 5 s.
async fn answer_to_a_body_that_never_comes(app: &TestApp, head: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    socket
        .write_all(format!("{head}\r\nHost: {address}\r\n\r\n{{\"ima").as_bytes())
        .await
        .expect("send the head");
    let read = async {
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&received).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .expect("a Content-Length in the answer");
                if body.len() >= length {
                    let status = head
                        .split_whitespace()
                        .nth(1)
                        .and_then(|code| code.parse().ok())
                        .expect("a status line");
                    return (status, serde_json::from_str(body).expect("a JSON body"));
                }
            }
            let count = socket.read(&mut buffer).await.expect("read");
            assert!(count > 0, "connection closed before an answer: {text}");
            received.extend_from_slice(&buffer[..count]);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), read)
        .await
        .expect("an answer within 5 s, without waiting for the announced body")
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_with_413_before_it_arrives() {
    let app = TestApp::spawn().await;
    let (status, body) = answer_to_a_body_that_never_comes(
        &app,
        "POST /api/containers HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 999999999",
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        body,
        json!({"success": false, "error": "Request body is larger than the 1 MiB limit", "data": null})
    );
    // Just over 1 MiB on an action's optional body too.
    let (status, body) = answer_to_a_body_that_never_comes(
        &app,
        &format!(
            "POST /api/containers/{}/stop HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
            unique("never"),
            1024 * 1024 + 1
        ),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    // A JSON build request keeps the JSON limit, an archive upload its own larger one.
    let (status, body) = answer_to_a_body_that_never_comes(
        &app,
        "POST /api/images/build HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2097152",
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Request body is larger than the 1 MiB limit for JSON")),
        "{body}"
    );
    let (status, body) = answer_to_a_body_that_never_comes(
        &app,
        "POST /api/images/load HTTP/1.1\r\nContent-Type: application/x-tar\r\nContent-Length: 999999999",
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        body["error"],
        "Uploaded archive is larger than the 512 MiB limit"
    );
    // Server functions (the console's calls) keep the JSON limit too.
    let (status, body) = answer_to_a_body_that_never_comes(
        &app,
        "POST /rpc/containers/list HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 999999999",
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"], "Request body is larger than the 1 MiB limit");
}
