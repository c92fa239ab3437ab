//! The test harness: the real router on an ephemeral port, talking to the real Docker daemon.

use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use app::docker::{DockerEndpoint, DockerService};
use berth::{AppState, Config, router};

/// The local test image (made by scripts/docker-env.sh).
pub fn test_image() -> String {
    std::env::var("BERTH_TEST_IMAGE").unwrap_or_else(|_| "berth-test/busybox:latest".into())
}

/// The loopback registry holding the test image (started by scripts/docker-env.sh).
pub fn test_registry() -> String {
    std::env::var("BERTH_TEST_REGISTRY").unwrap_or_else(|_| "127.0.0.1:5055".into())
}

/// The tags the test registry holds for `repository` (its path, without the registry address).
pub async fn registry_tags(repository: &str) -> Value {
    reqwest::get(format!(
        "http://{}/v2/{repository}/tags/list",
        test_registry()
    ))
    .await
    .expect("registry answers")
    .json()
    .await
    .expect("registry JSON")
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "berth-test-{prefix}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The Unix socket of the daemon under test.
pub fn docker_socket() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|h| h.strip_prefix("unix://").map(str::to_string))
        .unwrap_or_else(|| "/var/run/docker.sock".into())
}

/// A running Berth on 127.0.0.1 with a client for it and a bollard client for checking effects.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// HTTP client.
    pub http: reqwest::Client,
    /// Direct daemon client, to check what really happened.
    pub docker: bollard::Docker,
    /// The server's own Docker service (to read its count of open daemon streams).
    pub service: DockerService,
    /// The app's database (in its own temporary data directory unless the test chose one).
    pub store: berth::store::Store,
    /// Keeps the temporary data directory alive as long as the app.
    _data_dir: Option<tempfile::TempDir>,
}

/// A response: status and JSON body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Parsed JSON body (Null when the body is not JSON).
    pub body: Value,
    /// Content-Type header.
    pub content_type: String,
    /// Every response header.
    pub headers: reqwest::header::HeaderMap,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// Reads a response.
    pub async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = response.bytes().await.expect("body read");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            body,
            content_type,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status, body: {}",
            self.body
        );
        self.body
    }

    /// Asserts the contract's error envelope with this status; returns the message.
    #[track_caller]
    pub fn expect_error(self, status: u16) -> String {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status, body: {}",
            self.body
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "not JSON: {}",
            self.content_type
        );
        assert_eq!(self.body["success"], Value::Bool(false), "{}", self.body);
        assert_eq!(self.body["data"], Value::Null, "{}", self.body);
        let message = self.body["error"].as_str().unwrap_or_default().to_string();
        assert!(!message.is_empty(), "error message missing: {}", self.body);
        message
    }
}

impl TestApp {
    /// Serves Berth against the daemon of the environment (DOCKER_HOST or the default socket).
    pub async fn spawn() -> Self {
        Self::spawn_with(DockerEndpoint::FromEnvironment, |_| {}).await
    }

    /// Serves Berth against a given endpoint, after adjusting the configuration.
    pub async fn spawn_with(endpoint: DockerEndpoint, configure: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let mut config = Config::defaults();
        config.data_dir = Some(data_dir.path().to_path_buf());
        if let DockerEndpoint::Host(host) = &endpoint {
            config.docker_host = Some(host.clone());
        }
        configure(&mut config);
        let state = AppState::from_config(&config);
        let service = state.docker.clone();
        let store = state.auth.store.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let port = listener.local_addr().expect("local address").port();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .expect("server runs");
        });
        let docker = bollard::Docker::connect_with_defaults()
            .expect("docker client")
            .negotiate_version()
            .await
            .expect(
                "a Docker daemon must be reachable for the API tests (run scripts/docker-env.sh)",
            );
        Self {
            address: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            docker,
            store,
            _data_dir: Some(data_dir),
            service,
        }
    }

    /// Opens a Server-Sent Events stream (`Accept: text/event-stream`), with an optional JSON body.
    pub async fn sse(&self, method: Method, path: &str, body: Option<Value>) -> SseStream {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.address))
            .header("accept", "text/event-stream");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        SseStream {
            status: response.status(),
            content_type: response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
            body: Box::pin(response.bytes_stream()),
            buffer: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// Waits until the server holds no daemon stream open any more (or panics after `wait`).
    pub async fn wait_for_no_open_streams(&self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while self.service.open_streams() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} daemon streams still open after {wait:?}",
                self.service.open_streams()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Serves Berth against the daemon of the environment after adjusting the configuration.
    pub async fn spawn_configured(configure: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_with(DockerEndpoint::FromEnvironment, configure).await
    }

    /// Sends a request with extra headers and an optional JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body).expect("json"));
        }
        Reply::from_response(request.send().await.expect("request sent")).await
    }

    /// Sends a request with an optional raw body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.address));
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        Reply::from_response(request.send().await.expect("request sent")).await
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        let bytes = serde_json::to_vec(&body).expect("json");
        self.request(Method::POST, path, Some(("application/json", bytes)))
            .await
    }

    /// POST with `body` sent as is under `Content-Type: application/json` (malformed or unusual bodies).
    pub async fn post_text(&self, path: &str, body: &str) -> Reply {
        self.request(
            Method::POST,
            path,
            Some(("application/json", body.as_bytes().to_vec())),
        )
        .await
    }

    /// POST with no body at all.
    pub async fn post_empty(&self, path: &str) -> Reply {
        self.request(Method::POST, path, None).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, None).await
    }

    /// Whether the engine's API version (as `/health` reports it) is at least `major.minor`: some
    /// answers differ between Docker 20.10 (API 1.41) and newer engines.
    pub async fn engine_api_at_least(&self, major: u64, minor: u64) -> bool {
        let health = self.get("/health").await.expect(200);
        let version = health["api_version"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
        let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        found >= (major, minor)
    }

    /// Creates and starts a container of the test image named `name`, through the API.
    pub async fn running_container(&self, name: &str) -> Cleanup {
        let guard = self
            .create_container(serde_json::json!({"image": test_image(), "name": name}))
            .await;
        self.post_empty(&format!("/api/containers/{name}/start"))
            .await
            .expect(200);
        guard
    }

    /// Creates a container through the API and returns a guard that force-removes it.
    pub async fn create_container(&self, body: Value) -> Cleanup {
        let name = body["name"]
            .as_str()
            .expect("tests name their containers")
            .to_string();
        self.post("/api/containers", body).await.expect(201);
        Cleanup::container(&name)
    }
}

/// Creates containers of the test image until two of them have ids starting with the same hex digit;
/// returns their guards (every container made) and that digit, a prefix the engine finds ambiguous.
pub async fn containers_with_an_ambiguous_id_prefix(app: &TestApp) -> (Vec<Cleanup>, String) {
    let mut guards = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // 17 ids cannot all start with different ones of the 16 hex digits.
    for _ in 0..17 {
        let name = unique("ambiguous");
        guards.push(
            app.create_container(serde_json::json!({"image": test_image(), "name": name}))
                .await,
        );
        let id = app
            .docker
            .inspect_container(&name, None)
            .await
            .expect("container exists")
            .id
            .expect("an id");
        let first = id[..1].to_string();
        if !seen.insert(first.clone()) {
            return (guards, first);
        }
    }
    unreachable!("17 ids share a first hex digit")
}

/// Removes a Docker object when dropped, even when the test failed.
pub struct Cleanup {
    args: Vec<String>,
    /// The object's name.
    pub name: String,
}

impl Cleanup {
    fn new(args: &[&str], name: &str) -> Self {
        Self {
            args: args
                .iter()
                .map(|a| a.to_string())
                .chain([name.to_string()])
                .collect(),
            name: name.to_string(),
        }
    }

    /// `docker rm -f NAME` on drop.
    pub fn container(name: &str) -> Self {
        Self::new(&["rm", "-f", "-v"], name)
    }

    /// `docker rmi -f NAME` on drop.
    pub fn image(name: &str) -> Self {
        Self::new(&["rmi", "-f"], name)
    }

    /// `docker volume rm -f NAME` on drop.
    pub fn volume(name: &str) -> Self {
        Self::new(&["volume", "rm", "-f"], name)
    }

    /// `docker network rm NAME` on drop.
    pub fn network(name: &str) -> Self {
        Self::new(&["network", "rm"], name)
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(&self.args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// Held shared by tests that keep unused volumes or networks around for a while, and exclusively by a
/// test that calls a global prune route, so that the prune never removes another test's objects.
pub static PRUNE_GUARD: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// Whether the tests run on the private engine that `scripts/docker-env.sh` starts (it exports
/// `BERTH_TEST_ENGINE_PRIVATE=1`). A test that prunes the whole engine runs only there, never on a
/// contributor's own engine, which holds their data; elsewhere it says why and passes without pruning.
pub fn on_private_engine(test: &str) -> bool {
    let private = std::env::var("BERTH_TEST_ENGINE_PRIVATE").is_ok_and(|v| v == "1");
    if !private {
        eprintln!(
            "{test}: skipped, it prunes the whole engine; run it through scripts/test.sh, which starts a \
             private test engine (or source scripts/docker-env.sh first)"
        );
    }
    private
}

/// A /24 for a test network, as `("10.213.N.0/24", "10.213.N")`: inside 10.212.0.0/14, the address space
/// `scripts/docker-env.sh` lets the private test engine's containers use to reach each other; `slot` (0-4)
/// differs per test, and the process id spreads concurrent runs.
pub fn test_subnet(slot: u8) -> (String, String) {
    let third = (std::process::id() % 50) * 5 + u32::from(slot % 5);
    (format!("10.213.{third}.0/24"), format!("10.213.{third}"))
}

/// One Server-Sent Event: its name (`None` for plain messages) and its JSON data.
#[derive(Debug, Clone)]
pub struct SseEvent {
    /// The `event:` field.
    pub event: Option<String>,
    /// The `data:` field, parsed as JSON (Null when it is not JSON).
    pub data: Value,
}

/// A Server-Sent Events response read event by event.
pub struct SseStream {
    /// HTTP status.
    pub status: StatusCode,
    /// Content-Type header.
    pub content_type: String,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    buffer: Vec<u8>,
    /// The comments seen so far (e.g. keep-alives).
    pub comments: Vec<String>,
}

impl SseStream {
    /// Asserts a started stream (200, text/event-stream).
    #[track_caller]
    pub fn expect_stream(&self) {
        assert_eq!(self.status.as_u16(), 200, "not a stream");
        assert!(
            self.content_type.starts_with("text/event-stream"),
            "content type {}",
            self.content_type
        );
    }

    /// The rest of the body as JSON (for answers that are not streams).
    pub async fn json(mut self) -> Value {
        let mut bytes = std::mem::take(&mut self.buffer);
        while let Some(chunk) = self.body.next().await {
            bytes.extend_from_slice(&chunk.expect("body chunk"));
        }
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    /// The next event, `None` when the stream ended; panics when none comes within `wait`.
    pub async fn next_event(&mut self, wait: Duration) -> Option<SseEvent> {
        tokio::time::timeout(wait, self.read_event())
            .await
            .unwrap_or_else(|_| panic!("no event within {wait:?}"))
    }

    /// Reads events until one satisfies `wanted`; panics when the stream ends or `wait` passes first.
    pub async fn find(&mut self, wait: Duration, wanted: impl Fn(&SseEvent) -> bool) -> SseEvent {
        let found = tokio::time::timeout(wait, async {
            while let Some(event) = self.read_event().await {
                if wanted(&event) {
                    return Some(event);
                }
            }
            None
        })
        .await
        .unwrap_or_else(|_| panic!("no matching event within {wait:?}"));
        found.expect("the stream ended before a matching event")
    }

    /// Every event until the stream ends; panics if it has not ended within `wait`.
    pub async fn until_end(&mut self, wait: Duration) -> Vec<SseEvent> {
        tokio::time::timeout(wait, async {
            let mut events = Vec::new();
            while let Some(event) = self.read_event().await {
                events.push(event);
            }
            events
        })
        .await
        .unwrap_or_else(|_| panic!("the stream did not end within {wait:?}"))
    }

    async fn read_event(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let text = String::from_utf8_lossy(&block);
                let mut event = None;
                let mut data = Vec::new();
                for line in text.lines() {
                    if let Some(comment) = line.strip_prefix(':') {
                        self.comments.push(comment.trim().to_string());
                    } else if let Some(name) = line.strip_prefix("event:") {
                        event = Some(name.trim().to_string());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                let data = serde_json::from_str(&data.join("\n")).unwrap_or(Value::Null);
                return Some(SseEvent { event, data });
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(_)) | None => return None,
            }
        }
    }
}
