//! Regression tests for what schemathesis (`scripts/fuzz.sh`) found: each answered a 5xx, or an answer
//! that broke the OpenAPI document, before it was fixed.

use crate::helpers::{Cleanup, TestApp, test_image, unique};

async fn running_container(app: &TestApp, prefix: &str) -> Cleanup {
    app.running_container(&unique(prefix)).await
}

#[tokio::test]
async fn unpausing_a_container_that_is_not_paused_is_a_conflict_not_a_500() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "unpause-running").await;
    let message = app
        .post_empty(&format!("/api/containers/{}/unpause", guard.name))
        .await
        .expect_error(409);
    assert_eq!(message, format!("Container '{}' is not paused", guard.name));
}

#[tokio::test]
async fn a_token_expiry_ending_in_a_multibyte_character_is_a_400_not_a_dropped_connection() {
    let app = TestApp::spawn().await;
    let name = unique("expiry");
    let message = app
        .post(
            "/api/tokens",
            serde_json::json!({"name": name, "role": "viewer", "expires_in": "\u{80}"}),
        )
        .await
        .expect_error(400);
    assert!(message.starts_with("Invalid expiry"), "{message}");
    // the server is still there
    app.get("/api/tokens").await.expect(200);
}

#[tokio::test]
async fn pushing_an_image_by_its_id_is_a_400_not_a_500() {
    let app = TestApp::spawn().await;
    let id = app
        .docker
        .inspect_image(&test_image())
        .await
        .expect("the test image")
        .id
        .expect("an id");
    let message = app
        .post(&format!("/api/images/{id}/push"), serde_json::json!({}))
        .await
        .expect_error(400);
    assert!(message.contains("by its id"), "{message}");
}
