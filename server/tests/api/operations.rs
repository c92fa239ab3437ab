//! Operations: `/metrics`, the docker and request timeouts, request ids and logs, the daemon going
//! away and coming back, and graceful shutdown of the real binary.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use app::docker::DockerEndpoint;
use app::model::auth::Role;

use crate::auth::{bearer, token};
use crate::helpers::*;

const DAEMON_UNAVAILABLE: &str = "Cannot connect to Docker daemon. Make sure Docker is running.";

/// A container of the test image whose main process (`sleep`, PID 1) ignores SIGTERM: a stop waits
/// its whole timeout before the daemon kills it.
async fn stubborn_container(app: &TestApp, name: &str) -> Cleanup {
    let guard = app
        .create_container(json!({
            "image": test_image(),
            "name": name,
            "command": ["sleep", "3600"],
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    guard
}

/// The value of the sample `series` (name and labels exactly) in a Prometheus exposition.
fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        line.strip_prefix(series)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
    })
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_report_daemon_containers_and_streams() {
    let app = TestApp::spawn().await;
    let missing = unique("metrics-missing");
    app.get(&format!("/api/containers/{missing}"))
        .await
        .expect_error(404);
    app.get(&format!("/api/containers/{missing}"))
        .await
        .expect_error(404);
    app.get(&format!("/{missing}/nowhere")).await;
    // One wildcard route serves every image path: each counts under its documented template.
    let image = test_image();
    app.get(&format!("/api/images/{image}/history"))
        .await
        .expect(200);
    app.get(&format!("/api/images/{image}")).await.expect(200);
    let name = unique("metrics-running");
    let _container = app.running_container(&name).await;
    let events = app.sse(Method::GET, "/api/events", None).await;
    events.expect_stream();

    let reply = app.get("/metrics").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    assert!(
        reply.content_type.starts_with("text/plain"),
        "{}",
        reply.content_type
    );
    let text = reply.text;
    assert_eq!(
        sample(
            &text,
            "berth_http_requests_total{method=\"GET\",route=\"/api/containers/{id}\",status=\"404\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "berth_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "{text}"
    );
    for route in ["/api/images/{image_id}/history", "/api/images/{image_id}"] {
        assert_eq!(
            sample(
                &text,
                &format!(
                    "berth_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"200\"}}"
                )
            ),
            Some(1.0),
            "{text}"
        );
    }
    assert!(
        !text.contains(&missing),
        "raw paths must not become labels: {text}"
    );
    assert_eq!(
        sample(
            &text,
            "berth_http_request_duration_seconds_count{method=\"GET\",route=\"/api/containers/{id}\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "berth_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/containers/{id}\",le=\"+Inf\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert!(text.contains("# TYPE berth_http_request_duration_seconds histogram"));
    assert_eq!(sample(&text, "berth_docker_up"), Some(1.0), "{text}");
    let running = sample(&text, "berth_containers{state=\"running\"}").unwrap_or_default();
    assert!(running >= 1.0, "{text}");
    assert!(sample(&text, "berth_containers{state=\"exited\"}").is_some());
    assert_eq!(
        sample(&text, "berth_open_streams{kind=\"events\"}"),
        Some(1.0),
        "{text}"
    );
    for kind in ["logs", "stats", "exec", "pull", "push", "build"] {
        assert!(
            sample(&text, &format!("berth_open_streams{{kind=\"{kind}\"}}")).is_some(),
            "{kind}: {text}"
        );
    }
    drop(events);
    app.wait_for_no_open_streams(Duration::from_secs(10)).await;
    let text = app.get("/metrics").await.text;
    assert_eq!(
        sample(&text, "berth_open_streams{kind=\"events\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &text,
            "berth_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}"
        ),
        Some(1.0),
        "{text}"
    );
}

/// The count of daemon calls of `operation` that ended with `outcome` (0 while there were none).
fn daemon_calls(exposition: &str, operation: &str, outcome: &str) -> f64 {
    sample(
        exposition,
        &format!("berth_docker_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}}"),
    )
    .unwrap_or_default()
}

/// The number of timed daemon calls of `operation` (0 while there were none).
fn timed_daemon_calls(exposition: &str, operation: &str) -> f64 {
    sample(
        exposition,
        &format!("berth_docker_request_duration_seconds_count{{operation=\"{operation}\"}}"),
    )
    .unwrap_or_default()
}

#[tokio::test]
async fn metrics_time_and_count_every_daemon_call_by_operation_and_outcome() {
    let app = TestApp::spawn().await;
    app.get("/api/system/version").await.expect(200);
    let before = app.get("/metrics").await.text;
    assert!(
        before.contains("# TYPE berth_docker_request_duration_seconds histogram"),
        "{before}"
    );
    assert!(
        before.contains("# TYPE berth_docker_requests_total counter"),
        "{before}"
    );

    app.get("/api/containers?all=true").await.expect(200);
    let missing = unique("metrics-call-missing");
    app.get(&format!("/api/containers/{missing}"))
        .await
        .expect_error(404);
    let after = app.get("/metrics").await.text;

    // The list route's call, and the one this scrape makes for berth_containers.
    assert_eq!(
        daemon_calls(&after, "container_list", "ok")
            - daemon_calls(&before, "container_list", "ok"),
        2.0,
        "{after}"
    );
    assert_eq!(
        timed_daemon_calls(&after, "container_list")
            - timed_daemon_calls(&before, "container_list"),
        2.0,
        "{after}"
    );
    // A daemon 404 is an answer: ok (errors are 5xx and transport failures).
    assert_eq!(
        daemon_calls(&after, "container_inspect", "ok")
            - daemon_calls(&before, "container_inspect", "ok"),
        1.0,
        "{after}"
    );
    assert_eq!(
        daemon_calls(&after, "container_inspect", "error"),
        0.0,
        "{after}"
    );
    assert_eq!(
        timed_daemon_calls(&after, "container_inspect")
            - timed_daemon_calls(&before, "container_inspect"),
        1.0,
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "berth_docker_request_duration_seconds_bucket{operation=\"container_inspect\",le=\"+Inf\"}"
        ),
        Some(timed_daemon_calls(&after, "container_inspect")),
        "{after}"
    );
    assert_eq!(daemon_calls(&after, "system_version", "ok"), 1.0, "{after}");
    assert!(
        !after.contains(&missing),
        "names never become labels: {after}"
    );
}

#[tokio::test]
async fn metrics_need_credentials_when_authentication_is_on_and_a_viewer_may_read_them() {
    let app = TestApp::spawn().await;
    let viewer = bearer(&token(&app.store, "prometheus", Role::Viewer));
    app.get("/metrics").await.expect_error(401);
    let reply = app
        .send(Method::GET, "/metrics", &[("authorization", &viewer)], None)
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    assert!(reply.text.contains("berth_docker_up"));
    // the refusal was counted under the route too
    assert!(
        reply.text.contains(
            "berth_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"} 1"
        ),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn every_answer_echoes_the_client_s_request_id_or_carries_a_new_one() {
    let app = TestApp::spawn().await;
    let reply = app
        .send(
            Method::GET,
            "/api/containers?all=true",
            &[("x-request-id", "ops-test-42")],
            None,
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.headers["x-request-id"], "ops-test-42");
    let first = app.get("/health").await.headers["x-request-id"].clone();
    let second = app.get("/api/nowhere").await.headers["x-request-id"].clone();
    assert!(!first.is_empty());
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_stop_or_restart_may_take_its_own_stop_timeout_beyond_the_docker_timeout() {
    // The container is made with the default timeout: on a busy engine a create alone may take a second.
    let setup = TestApp::spawn().await;
    let name = unique("slow-stop");
    let _container = stubborn_container(&setup, &name).await;
    let app = TestApp::spawn_configured(|config| config.docker_timeout = 1).await;

    // The daemon waits the 3 s the client asked for, then kills: a correct answer, not a 504.
    let started = Instant::now();
    let reply = app
        .post(
            &format!("/api/containers/{name}/stop"),
            json!({"timeout": 3}),
        )
        .await;
    let elapsed = started.elapsed();
    let stopped = reply.expect(200);
    assert_eq!(stopped["result"]["status"], "stopped", "{stopped}");
    assert!(
        elapsed >= Duration::from_millis(2500),
        "answered after {elapsed:?}"
    );

    setup
        .post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let started = Instant::now();
    app.post(
        &format!("/api/containers/{name}/restart"),
        json!({"timeout": 2}),
    )
    .await
    .expect(200);
    assert!(started.elapsed() >= Duration::from_millis(1500));
    let details = app
        .get(&format!("/api/containers/{name}"))
        .await
        .expect(200);
    assert_eq!(details["container"]["status"], "running");

    // Removing a running container by force kills it at once: the docker timeout alone suffices.
    app.delete(&format!("/api/containers/{name}/remove?force=true"))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_request_whose_answer_has_not_begun_within_the_request_timeout_is_a_504() {
    let app = TestApp::spawn_configured(|config| config.request_timeout = Some(1)).await;
    let name = unique("slow-request");
    let _container = stubborn_container(&app, &name).await;
    let started = Instant::now();
    let message = app
        .post(
            &format!("/api/containers/{name}/stop"),
            json!({"timeout": 5}),
        )
        .await
        .expect_error(504);
    assert_eq!(message, "Berth did not finish the request within 1 s");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn streams_are_cut_neither_by_the_docker_timeout_nor_by_the_request_timeout() {
    let app = TestApp::spawn_configured(|config| {
        config.docker_timeout = 1;
        config.request_timeout = Some(2);
    })
    .await;
    let mut events = app.sse(Method::GET, "/api/events", None).await;
    events.expect_stream();
    // quiet for longer than the docker timeout, then an event still arrives
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let name = unique("after-quiet");
    let _container = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let event = events
        .find(Duration::from_secs(10), |event| {
            event.data["action"] == "create" && event.data["name"] == name.as_str()
        })
        .await;
    assert_eq!(event.data["type"], "container");
}

#[tokio::test]
async fn a_5xx_answer_carries_a_fixed_sentence_and_none_of_the_daemon_s_words() {
    let app = TestApp::spawn().await;
    let reply = app
        .post(
            "/api/images/pull",
            json!({"image": "127.0.0.1:1/berth/unreachable"}),
        )
        .await;
    assert!(reply.status.is_server_error(), "{}", reply.text);
    let message = reply.expect_error(503);
    assert_eq!(
        message,
        "The registry of image '127.0.0.1:1/berth/unreachable:latest' could not be reached"
    );
    for daemon_words in ["dial", "refused", "/v2/", "Get ", "http"] {
        assert!(!message.contains(daemon_words), "{message}");
    }
}

/// A Unix-socket proxy in front of the test engine's socket: the "daemon" Berth sees appears when it
/// starts and vanishes (with every open connection) when it stops. The engine itself is never touched.
struct SocketProxy {
    path: PathBuf,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SocketProxy {
    fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            task: None,
        }
    }

    fn start(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let listener = tokio::net::UnixListener::bind(&self.path).expect("proxy socket");
        let engine = docker_socket();
        self.task = Some(tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let engine = engine.clone();
                connections.spawn(async move {
                    if let Ok(mut daemon) = tokio::net::UnixStream::connect(&engine).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut daemon).await;
                    }
                });
            }
        }));
    }

    /// A "daemon" that accepts connections and never answers.
    fn start_hanging(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let listener = tokio::net::UnixListener::bind(&self.path).expect("proxy socket");
        self.task = Some(tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((connection, _)) = listener.accept().await {
                held.push(connection);
            }
        }));
    }

    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for SocketProxy {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Polls `path` until it answers 200; how long that took.
async fn time_until_served(app: &TestApp, path: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let reply = app.get(path).await;
        if reply.status.as_u16() == 200 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{path} still answers {} after {limit:?}: {}",
            reply.status,
            reply.text
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn while_the_daemon_is_away_requests_are_503_and_its_return_is_served_within_a_second() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("engine.sock");
    let mut proxy = SocketProxy::new(&socket);
    let app = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", socket.display())),
        |_| {},
    )
    .await;

    let health = app.get("/health").await;
    assert_eq!(health.status.as_u16(), 503);
    assert_eq!(health.body["status"], "unhealthy");
    let message = app.get("/api/containers").await.expect_error(503);
    assert_eq!(message, DAEMON_UNAVAILABLE);
    assert!(app.get("/metrics").await.text.contains("berth_docker_up 0"));

    proxy.start();
    let waited = time_until_served(&app, "/api/containers", Duration::from_secs(5)).await;
    assert!(waited < Duration::from_secs(1), "served after {waited:?}");
    assert_eq!(app.get("/health").await.expect(200)["status"], "healthy");
    assert!(app.get("/metrics").await.text.contains("berth_docker_up 1"));

    // The daemon goes away with Berth's connections to it open.
    proxy.stop().await;
    let message = app.get("/api/containers").await.expect_error(503);
    assert_eq!(message, DAEMON_UNAVAILABLE);
    let message = app.get("/api/system/info").await.expect_error(503);
    assert_eq!(message, DAEMON_UNAVAILABLE);
    assert_eq!(app.get("/health").await.status.as_u16(), 503);

    // And comes back: no restart of Berth needed.
    proxy.start();
    let waited = time_until_served(&app, "/api/system/info", Duration::from_secs(5)).await;
    assert!(waited < Duration::from_secs(1), "served after {waited:?}");
    app.get("/api/containers").await.expect(200);
    proxy.stop().await;
}

#[tokio::test]
async fn a_daemon_that_stops_answering_is_a_504_per_call_a_503_health_and_down_in_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("engine.sock");
    let mut proxy = SocketProxy::new(&socket);
    proxy.start();
    let app = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", socket.display())),
        |config| config.docker_timeout = 1,
    )
    .await;
    app.get("/api/system/info").await.expect(200);
    proxy.stop().await;
    proxy.start_hanging();

    let started = Instant::now();
    let message = app.get("/api/system/info").await.expect_error(504);
    assert_eq!(message, "Docker daemon did not answer within 1 s");
    assert!(started.elapsed() < Duration::from_secs(3));
    let counted = app.get("/metrics").await.text;
    assert_eq!(
        daemon_calls(&counted, "system_info", "ok"),
        1.0,
        "{counted}"
    );
    assert_eq!(
        daemon_calls(&counted, "system_info", "timeout"),
        1.0,
        "{counted}"
    );
    let health = app.get("/health").await;
    assert_eq!(health.status.as_u16(), 503, "{}", health.text);
    assert_eq!(health.body["status"], "unhealthy");
    let started = Instant::now();
    let metrics = app.get("/metrics").await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        metrics.text.contains("berth_docker_up 0"),
        "{}",
        metrics.text
    );

    proxy.stop().await;
    proxy.start();
    time_until_served(&app, "/api/system/info", Duration::from_secs(5)).await;
    proxy.stop().await;
}

#[tokio::test]
async fn under_load_a_daemon_restart_answers_only_200_or_503_and_never_hangs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("engine.sock");
    let mut proxy = SocketProxy::new(&socket);
    proxy.start();
    let app = std::sync::Arc::new(
        TestApp::spawn_with(
            DockerEndpoint::Host(format!("unix://{}", socket.display())),
            |_| {},
        )
        .await,
    );
    time_until_served(&app, "/api/containers", Duration::from_secs(5)).await;
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut clients = tokio::task::JoinSet::new();
    for path in [
        "/api/containers?all=true",
        "/api/system/info",
        "/api/images",
        "/api/networks",
    ] {
        let (app, running) = (app.clone(), running.clone());
        clients.spawn(async move {
            let mut statuses = Vec::new();
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                let reply = tokio::time::timeout(Duration::from_secs(5), app.get(path))
                    .await
                    .unwrap_or_else(|_| panic!("{path} hung"));
                statuses.push((reply.status.as_u16(), reply.text));
            }
            statuses
        });
    }
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        proxy.stop().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        proxy.start();
    }
    let waited = time_until_served(&app, "/api/system/info", Duration::from_secs(5)).await;
    assert!(waited < Duration::from_secs(1), "served after {waited:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut counts = std::collections::BTreeMap::new();
    while let Some(statuses) = clients.join_next().await {
        for (status, text) in statuses.expect("client task") {
            assert!(status == 200 || status == 503, "{status}: {text}");
            *counts.entry(status).or_insert(0) += 1;
        }
    }
    assert!(counts.get(&200).copied().unwrap_or(0) > 0, "{counts:?}");
    assert!(counts.get(&503).copied().unwrap_or(0) > 0, "{counts:?}");
    proxy.stop().await;
}

/// The real `berth` binary on a free port against the test engine, logging JSON lines.
struct RunningBerth {
    child: std::process::Child,
    address: String,
    log: std::sync::mpsc::Receiver<String>,
    _data_dir: tempfile::TempDir,
}

impl RunningBerth {
    fn start() -> Self {
        let data_dir = tempfile::tempdir().expect("data dir");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_berth"))
            .args(["--port", "0", "--log-format", "json", "--data-dir"])
            .arg(data_dir.path())
            .env("BERTH_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("berth starts");
        let stdout = child.stdout.take().expect("stdout");
        let (lines, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let address = loop {
            let line = log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("berth logs that it listens");
            let entry: Value = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
            if let Some(address) = entry["message"]
                .as_str()
                .and_then(|m| m.strip_prefix("Berth listening on "))
            {
                break address.to_string();
            }
        };
        Self {
            child,
            address,
            log,
            _data_dir: data_dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Every log line written after the listening line, parsed, once the process has ended.
    fn log_entries(&self) -> Vec<Value> {
        let mut entries = Vec::new();
        while let Ok(line) = self.log.recv_timeout(Duration::from_secs(5)) {
            entries.push(
                serde_json::from_str(&line)
                    .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}")),
            );
        }
        entries
    }
}

impl Drop for RunningBerth {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn sigterm_lets_in_flight_requests_finish_ends_streams_and_exits_0_within_10_s() {
    let berth = RunningBerth::start();
    let http = reqwest::Client::new();
    let name = unique("shutdown-slow");
    let _cleanup = Cleanup::container(&name);
    let created = http
        .post(berth.url("/api/containers"))
        .json(&json!({"image": test_image(), "name": name, "command": ["sleep", "3600"]}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    let started = http
        .post(berth.url(&format!("/api/containers/{name}/start")))
        .send()
        .await
        .expect("start");
    assert_eq!(started.status().as_u16(), 200);

    let events = http
        .get(berth.url("/api/events"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("events stream");
    assert_eq!(events.status().as_u16(), 200);
    let mut events = events.bytes_stream();
    let (mut session, _) = tokio_tungstenite::connect_async(
        berth
            .url(&format!(
                "/api/containers/{name}/exec/ws?command=sh&tty=false"
            ))
            .replacen("http://", "ws://", 1),
    )
    .await
    .expect("an exec session opens");

    // a request that takes 3 s: stopping a container that ignores SIGTERM
    let slow = tokio::spawn({
        let http = http.clone();
        let url = berth.url(&format!("/api/containers/{name}/stop"));
        async move {
            let response = http
                .post(url)
                .json(&json!({"timeout": 3}))
                .send()
                .await
                .expect("the slow request is answered");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, body)
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;

    let signalled = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &berth.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());

    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = events.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the events stream did not end");
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = session.next().await {
            match message {
                Ok(tokio_tungstenite::tungstenite::Message::Close(frame)) => return frame,
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the exec session ended");
    let frame = closed.expect("the exec session was closed with a frame");
    assert_eq!(u16::from(frame.code), 1001);
    assert_eq!(frame.reason.as_str(), "Berth is shutting down");

    let (status, body) = tokio::time::timeout(Duration::from_secs(10), slow)
        .await
        .expect("the slow request finished")
        .expect("the slow request's task");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["status"], "stopped", "{body}");

    let mut berth = berth;
    let exit = loop {
        if let Some(exit) = berth.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(exit.code(), Some(0), "{exit:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10));
    // No new connection is accepted any more.
    assert!(http.get(berth.url("/health")).send().await.is_err());

    // Every log line was JSON; the request lines carry their id, method and route.
    let entries = berth.log_entries();
    let stop_line = entries
        .iter()
        .find(|entry| {
            entry["span"]["route"] == "/api/containers/{id}/stop"
                && entry["message"] == "request answered"
        })
        .unwrap_or_else(|| panic!("no log line for the stop: {entries:?}"));
    assert_eq!(stop_line["span"]["method"], "POST");
    assert_eq!(stop_line["status"], 200);
    assert!(
        !stop_line["span"]["request_id"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
}

/// Runs `berth health --url URL` (the image's HEALTHCHECK command) off the runtime's thread, so that the
/// server under test keeps answering meanwhile.
async fn berth_health(url: String) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_berth"))
            .args(["health", "--url", &url, "--timeout", "10"])
            .output()
            .expect("berth health runs")
    })
    .await
    .expect("the berth health task")
}

#[tokio::test]
async fn berth_health_exits_0_while_the_daemon_answers_and_1_while_it_is_away() {
    let app = TestApp::spawn().await;
    let healthy = berth_health(format!("{}/health", app.address)).await;
    assert_eq!(healthy.status.code(), Some(0), "{healthy:?}");
    assert!(
        String::from_utf8_lossy(&healthy.stdout).contains("answered 200"),
        "{healthy:?}"
    );

    let dir = std::env::temp_dir().join(unique("socket"));
    let away = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", dir.join("docker.sock").display())),
        |_| {},
    )
    .await;
    let unhealthy = berth_health(format!("{}/health", away.address)).await;
    assert_eq!(unhealthy.status.code(), Some(1), "{unhealthy:?}");
    assert!(
        String::from_utf8_lossy(&unhealthy.stderr).contains("answered 503"),
        "{unhealthy:?}"
    );
}

/// Leptos suppresses resource loading process-wide while it walks the app to list its routes, and a
/// resource whose future first polls inside that window waits forever. Building a server must not
/// stall the pages another server is rendering in the same process (a `/login` render of the API
/// suite once answered 504 after 120 s this way).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_in_full_while_other_servers_are_being_built() {
    let app = TestApp::spawn().await;
    let builders = tokio::spawn(async {
        for _ in 0..30 {
            drop(TestApp::spawn().await);
        }
    });
    // a connection per render: what is tested is the render, not the reuse of idle connections
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("http client");
    let mut renders = Vec::new();
    for round in 0..30 {
        for path in ["/", "/volumes", "/networks"] {
            let http = http.clone();
            let url = format!("{}{path}", app.address);
            renders.push(tokio::spawn(async move {
                let answer = tokio::time::timeout(Duration::from_secs(20), async {
                    http.get(&url).send().await?.text().await
                })
                .await;
                match answer {
                    Ok(Ok(body)) => assert!(
                        body.contains("</html>"),
                        "{path} (round {round}) ended early: {body}"
                    ),
                    Ok(Err(error)) => panic!("{path} (round {round}) failed: {error:?}"),
                    Err(_) => panic!("{path} (round {round}) stalled for 20 s"),
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    builders.await.expect("servers are built");
    for render in renders {
        render.await.expect("every page renders in full");
    }
}
