//! With the daemon unreachable: 503 with the documented message, and recovery without a restart.

use app::docker::DockerEndpoint;

use crate::helpers::*;

const MESSAGE: &str = "Cannot connect to Docker daemon. Make sure Docker is running.";

#[tokio::test]
async fn routes_answer_503_while_the_daemon_is_unreachable_and_recover_when_it_returns() {
    let dir = std::env::temp_dir().join(unique("socket"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let socket = dir.join("docker.sock");
    let app = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", socket.display())),
        |_| {},
    )
    .await;

    let reply = app.get("/health").await;
    assert_eq!(reply.status.as_u16(), 503);
    assert_eq!(reply.body["status"], "unhealthy");
    assert_eq!(reply.body["success"], false);
    assert_eq!(reply.body["error"], MESSAGE);

    for path in [
        "/api/containers",
        "/api/containers/x",
        "/api/system/info",
        "/api/system/version",
        "/api/system/df",
        "/api/system/stats",
        "/api/system/status",
        "/api/images",
        "/api/images/berth-test/busybox:latest",
        "/api/volumes",
        "/api/volumes/stats",
        "/api/networks",
        "/api/networks/stats",
    ] {
        let message = app.get(path).await.expect_error(503);
        assert_eq!(message, MESSAGE, "{path}");
    }
    let message = app
        .post_empty("/api/containers/x/start")
        .await
        .expect_error(503);
    assert_eq!(message, MESSAGE);
    // Input errors are still reported as such, without the daemon.
    app.post("/api/containers", serde_json::json!({}))
        .await
        .expect_error(400);
    // The API host needs no daemon.
    app.get("/api/system/host").await.expect(200);

    // The daemon "comes back": the socket path now leads to the real daemon.
    std::os::unix::fs::symlink(docker_socket(), &socket).expect("symlink to the real socket");
    let body = app.get("/health").await.expect(200);
    assert_eq!(body["status"], "healthy");
    app.get("/api/containers").await.expect(200);

    // And goes away again.
    std::fs::remove_file(&socket).expect("unlink");
    app.get("/api/containers").await.expect_error(503);
    let _ = std::fs::remove_dir_all(dir);
}
