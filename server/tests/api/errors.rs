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
