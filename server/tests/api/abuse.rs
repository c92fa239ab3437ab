//! Abuse limits and DNS-rebinding protection: login throttling, `--rate-limit`, the Host check.

use reqwest::Method;
use serde_json::json;

use crate::auth::user;
use crate::helpers::TestApp;
use app::model::auth::Role;

fn retry_after(reply: &crate::helpers::Reply) -> u64 {
    reply
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds")
}

#[tokio::test]
async fn more_than_five_failed_logins_a_minute_get_429_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Admin, "correct horse battery");
    let attempt = |password: &'static str| {
        app.send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": "ana", "password": password})),
        )
    };
    for _ in 0..5 {
        attempt("wrong password!").await.expect_error(401);
    }
    let throttled = attempt("correct horse battery").await;
    let wait = retry_after(&throttled);
    assert!((1..=60).contains(&wait), "{wait}");
    throttled.expect_error(429);
    attempt("wrong password!").await.expect_error(429);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_beyond_the_burst() {
    let app = TestApp::spawn_configured(|config| config.rate_limit = Some(2)).await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..8 {
        let reply = app.get("/api/commands").await;
        statuses.push(reply.status.as_u16());
        if reply.status.as_u16() == 429 {
            last = Some(reply);
        }
    }
    assert_eq!(
        &statuses[..4],
        [200, 200, 200, 200],
        "burst of 2N: {statuses:?}"
    );
    let throttled = last.expect("a 429 within 8 quick requests");
    assert!(retry_after(&throttled) >= 1);
    throttled.expect_error(429);
}

#[tokio::test]
async fn a_foreign_host_header_is_refused_while_bound_to_loopback() {
    let app = TestApp::spawn().await;
    for host in ["localhost", "127.0.0.1:5000", "[::1]:80"] {
        let reply = app
            .send(Method::GET, "/api/commands", &[("host", host)], None)
            .await;
        assert_eq!(reply.status.as_u16(), 200, "{host}");
    }
    let refused = app
        .send(
            Method::GET,
            "/api/commands",
            &[("host", "rebind.example:5000")],
            None,
        )
        .await
        .expect_error(403);
    assert!(refused.contains("--allowed-hosts"), "{refused}");
    app.send(Method::GET, "/health", &[("host", "rebind.example")], None)
        .await
        .expect_error(403);
}

#[tokio::test]
async fn allowed_hosts_are_served_while_bound_to_loopback() {
    let app = TestApp::spawn_configured(|config| {
        config.allowed_hosts = vec!["berth.test".into()];
    })
    .await;
    app.send(
        Method::GET,
        "/api/commands",
        &[("host", "berth.test:8443")],
        None,
    )
    .await
    .expect(200);
    app.send(
        Method::GET,
        "/api/commands",
        &[("host", "other.test")],
        None,
    )
    .await
    .expect_error(403);
}

#[tokio::test]
async fn an_allowed_host_with_a_port_is_served_on_that_port_only() {
    let app = TestApp::spawn_configured(|config| {
        config.allowed_hosts = vec!["other.test:8080".into(), "any-port.test".into()];
    })
    .await;
    for host in [
        "other.test:8080",
        "OTHER.test:8080",
        "any-port.test",
        "any-port.test:9",
    ] {
        let reply = app
            .send(Method::GET, "/api/commands", &[("host", host)], None)
            .await;
        assert_eq!(reply.status.as_u16(), 200, "{host}");
    }
    for host in ["other.test:9", "other.test", "other.test:80800"] {
        let refused = app
            .send(Method::GET, "/api/commands", &[("host", host)], None)
            .await
            .expect_error(403);
        assert!(refused.contains("--allowed-hosts"), "{host}: {refused}");
    }
}

#[tokio::test]
async fn a_page_on_an_allowed_host_may_post_but_a_foreign_origin_may_not() {
    let app = TestApp::spawn_configured(|config| {
        config.allowed_hosts = vec!["berth.test".into()];
    })
    .await;
    let path = format!("/api/containers/{}/stop", crate::helpers::unique("origin"));
    // Own origin: Host is a trusted name and Origin matches it.
    app.send(
        Method::POST,
        &path,
        &[
            ("host", "berth.test:8443"),
            ("origin", "http://berth.test:8443"),
        ],
        None,
    )
    .await
    .expect_error(404);
    app.send(
        Method::POST,
        &path,
        &[
            ("host", "berth.test:8443"),
            ("origin", "http://evil.example"),
        ],
        None,
    )
    .await
    .expect_error(403);
}

#[tokio::test]
async fn a_websocket_upgrade_from_a_foreign_origin_is_refused() {
    let app = TestApp::spawn().await;
    let refused = app
        .send(
            Method::GET,
            "/api/containers",
            &[
                ("connection", "upgrade"),
                ("upgrade", "websocket"),
                ("origin", "http://evil.example"),
            ],
            None,
        )
        .await
        .expect_error(403);
    assert!(refused.contains("evil.example"), "{refused}");
}
