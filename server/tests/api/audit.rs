//! The audit trail: allowed, denied and failed changes and logins, filters, JSON lines.

use reqwest::Method;
use serde_json::{Value, json};

use crate::auth::{bearer, token, user};
use crate::helpers::{Cleanup, TestApp, unique};
use app::model::auth::Role;

fn row_for<'a>(rows: &'a [Value], path: &str) -> &'a Value {
    rows.iter()
        .find(|row| row["path"] == path)
        .unwrap_or_else(|| panic!("no audit row for {path}: {rows:?}"))
}

#[tokio::test]
async fn the_audit_trail_records_allowed_denied_and_failed_changes_newest_first() {
    let app = TestApp::spawn().await;
    let admin = bearer(&token(&app.store, "auditor", Role::Admin));
    let viewer = bearer(&token(&app.store, "looker", Role::Viewer));
    let volume = unique("audited");
    let _volume = Cleanup::volume(&volume);
    app.send(
        Method::POST,
        "/api/volumes",
        &[("authorization", &admin)],
        Some(json!({"name": volume})),
    )
    .await
    .expect(201);
    let denied_path = format!("/api/volumes/{volume}/remove");
    app.send(
        Method::DELETE,
        &denied_path,
        &[("authorization", &viewer)],
        None,
    )
    .await
    .expect_error(403);
    let failed_path = format!("/api/containers/{}/stop", unique("audit-missing"));
    app.send(
        Method::POST,
        &failed_path,
        &[("authorization", &admin)],
        None,
    )
    .await
    .expect_error(404);
    app.send(Method::POST, "/api/containers/x/stop", &[], None)
        .await
        .expect_error(401);
    // Reads are not audited.
    app.send(
        Method::GET,
        "/api/containers",
        &[("authorization", &admin)],
        None,
    )
    .await
    .expect(200);

    let audit = app
        .send(
            Method::GET,
            "/api/audit?limit=50",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    let rows = audit["audit"].as_array().expect("rows").clone();
    assert_eq!(audit["count"], rows.len());
    let allowed = row_for(&rows, "/api/volumes");
    assert_eq!(allowed["user"], "auditor");
    assert_eq!(allowed["auth"], "token:auditor");
    assert_eq!(allowed["method"], "POST");
    assert_eq!(allowed["status"], 201);
    assert_eq!(allowed["outcome"], "allowed");
    assert_eq!(allowed["remote_addr"], "127.0.0.1");
    assert!(allowed["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    let denied = row_for(&rows, &denied_path);
    assert_eq!(
        (denied["user"].clone(), denied["status"].clone()),
        (json!("looker"), json!(403))
    );
    assert_eq!(denied["outcome"], "denied");
    let failed = row_for(&rows, &failed_path);
    assert_eq!(
        (failed["status"].clone(), failed["outcome"].clone()),
        (json!(404), json!("failed"))
    );
    let anonymous = row_for(&rows, "/api/containers/x/stop");
    assert_eq!(anonymous["auth"], "anonymous");
    assert_eq!(anonymous["outcome"], "denied");
    assert!(!rows.iter().any(|row| row["method"] == "GET"));
    let order: Vec<&str> = rows.iter().filter_map(|r| r["path"].as_str()).collect();
    let position = |path: &str| order.iter().position(|p| *p == path).expect("listed");
    assert!(position(&failed_path) < position(&denied_path));
    assert!(position(&denied_path) < position("/api/volumes"));

    let by_user = app
        .send(
            Method::GET,
            "/api/audit?user=looker",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert!(
        by_user["audit"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["user"] == "looker")
    );
    assert_eq!(by_user["count"], 1);
    let denied_only = app
        .send(
            Method::GET,
            "/api/audit?outcome=denied",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert!(
        denied_only["audit"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["outcome"] == "denied")
    );
    let one = app
        .send(
            Method::GET,
            "/api/audit?limit=1",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(one["count"], 1);
    app.send(
        Method::GET,
        "/api/audit?outcome=maybe",
        &[("authorization", &admin)],
        None,
    )
    .await
    .expect_error(400);
    app.send(
        Method::GET,
        "/api/audit?limit=0",
        &[("authorization", &admin)],
        None,
    )
    .await
    .expect_error(400);
    app.send(
        Method::GET,
        "/api/audit",
        &[("authorization", &viewer)],
        None,
    )
    .await
    .expect_error(403);

    let lines = app
        .send(
            Method::GET,
            "/api/audit?format=jsonl",
            &[("authorization", &admin)],
            None,
        )
        .await;
    assert_eq!(lines.status.as_u16(), 200);
    assert!(
        lines.content_type.starts_with("application/x-ndjson"),
        "{}",
        lines.content_type
    );
    let parsed: Vec<Value> = lines
        .text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(parsed.len(), rows.len());
    assert!(
        parsed
            .iter()
            .all(|row| row["outcome"].is_string() && row["path"].is_string())
    );
}

#[tokio::test]
async fn logins_are_audited_with_the_name_that_was_tried() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Admin, "correct horse battery");
    let admin = bearer(&token(&app.store, "auditor", Role::Admin));
    for password in ["wrong password!", "correct horse battery"] {
        app.send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": "ana", "password": password})),
        )
        .await;
    }
    let audit = app
        .send(
            Method::GET,
            "/api/audit?user=ana",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    let rows = audit["audit"].as_array().expect("rows");
    let outcomes: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().unwrap_or(""),
                r["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(outcomes, [("allowed", 200), ("denied", 401)]);
    assert!(rows.iter().all(|r| r["path"] == "/api/auth/login"));
}

#[tokio::test]
async fn a_login_whose_body_is_refused_is_audited_too() {
    let app = TestApp::spawn().await;
    let admin = bearer(&token(&app.store, "auditor", Role::Admin));
    let missing_password = app
        .post("/api/auth/login", json!({"username": "zz-no-password"}))
        .await
        .expect_error(400);
    assert_eq!(missing_password, "Field 'password' is required");
    app.post_text("/api/auth/login", "garbage")
        .await
        .expect_error(400);
    let audit = app
        .send(
            Method::GET,
            "/api/audit?limit=10",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    let logins: Vec<(u64, &str)> = audit["audit"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["path"] == "/api/auth/login")
        .map(|row| {
            (
                row["status"].as_u64().unwrap_or(0),
                row["outcome"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(logins, [(400, "failed"), (400, "failed")], "{audit}");
}

#[tokio::test]
async fn console_actions_are_audited_with_the_object_they_name() {
    let app = TestApp::spawn().await;
    let missing = unique("audit-rpc");
    let form = format!("id={missing}");
    let reply = app
        .request(
            Method::POST,
            "/rpc/containers/stop",
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.body);
    let audit = app.get("/api/audit?limit=20").await.expect(200);
    let rows = audit["audit"].as_array().expect("rows").clone();
    let row = row_for(&rows, &format!("/rpc/containers/stop?id={missing}"));
    assert_eq!(row["method"], "POST");
    assert_eq!(row["status"], 404);
    assert_eq!(row["outcome"], "failed");
}
