//! The console's server functions (`/rpc/...`): a failure answers with the error's own HTTP status, so the
//! browser can tell "not found" from "daemon down"; pages rendered on the server keep their 200 and show it.

use app::docker::DockerEndpoint;
use reqwest::Method;

use crate::helpers::*;

/// Calls a server function with a form-encoded body, as the console's client does.
async fn call(app: &TestApp, endpoint: &str, form: &str) -> Reply {
    app.request(
        Method::POST,
        &format!("/rpc/{endpoint}"),
        Some((
            "application/x-www-form-urlencoded",
            form.as_bytes().to_vec(),
        )),
    )
    .await
}

#[tokio::test]
async fn a_server_function_answers_an_unknown_container_with_404() {
    let app = TestApp::spawn().await;
    let missing = unique("missing");
    let reply = call(&app, "containers/start", &format!("id={missing}")).await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.body);
    let message = reply.body["NotFound"].as_str().unwrap_or_default();
    assert!(message.contains(&missing), "{}", reply.body);
}

#[tokio::test]
async fn a_server_function_answers_a_container_in_use_with_409() {
    let app = TestApp::spawn().await;
    let volume = unique("rpc-busy-vol");
    let _volume = Cleanup::volume(&volume);
    let _container = app
        .create_container(serde_json::json!({
            "image": test_image(),
            "name": unique("rpc-busy"),
            "volumes": {volume.clone(): {"bind": "/data", "mode": "rw"}},
        }))
        .await;
    let reply = call(&app, "volumes/remove", &format!("name={volume}")).await;
    assert_eq!(reply.status.as_u16(), 409, "{}", reply.body);
    assert!(reply.body["Conflict"].is_string(), "{}", reply.body);
}

#[tokio::test]
async fn server_functions_answer_503_and_pages_200_while_the_daemon_is_unreachable() {
    let dir = std::env::temp_dir().join(unique("rpc-socket"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let app = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", dir.join("docker.sock").display())),
        |_| {},
    )
    .await;
    let reply = call(&app, "containers/list", "all=true").await;
    assert_eq!(reply.status.as_u16(), 503, "{}", reply.body);
    assert_eq!(reply.body, serde_json::json!("DaemonUnavailable"));

    let page = app
        .http
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Docker is unreachable"),
        "the banner is in the first paint"
    );
    let _ = std::fs::remove_dir_all(dir);
}
