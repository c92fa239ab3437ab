//! The Docker service layer: every Docker operation of Berth is written here once, on top of bollard.
//!
//! REST handlers and server functions are thin wrappers around [`DockerService`].

pub mod calls;
pub mod containers;
mod disk_usage;
mod errors;
pub mod events;
pub mod exec;
pub mod images;
pub mod networks;
pub mod policy;
mod raw;
pub mod streams;
pub mod system;
pub mod volumes;
pub use containers::LogTail;
pub use containers::logs::{LogFilter, LogRequest};
pub mod time;

use std::sync::Arc;
use std::time::Duration;

use bollard::Docker;
use tokio::sync::RwLock;

use crate::error::AppError;
pub use calls::{CallMetrics, Operation, Outcome};
pub use errors::{docker_error, is_connection_error};
pub use streams::StreamKind;
pub use time::{now_rfc3339, parse_time_parameter, unix_to_rfc3339};

/// How long a daemon call that is not a stream may take by default (`--docker-timeout`).
pub const DEFAULT_DOCKER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a streaming call (pull, push, build, load, save, logs, stats, events) may wait for the
/// daemon's first answer, its request body included (a build context, an archive to load). Once the
/// answer has begun, a stream is never cut.
const STREAM_ANSWER_TIMEOUT: Duration = Duration::from_secs(3600);

/// Where and how to reach the Docker daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerEndpoint {
    /// Read `DOCKER_HOST`, `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` like the docker CLI does.
    FromEnvironment,
    /// An explicit `unix://`, `tcp://`, `http://`, `https://` address.
    Host(String),
}

pub use policy::Policy;

/// The bollard-backed Docker service, shared by REST and server functions.
///
/// The daemon connection is made lazily and the API version negotiated on first use, so the server starts
/// while the daemon is down and recovers by itself when it comes back.
#[derive(Clone)]
pub struct DockerService {
    endpoint: DockerEndpoint,
    policy: Policy,
    client: Arc<RwLock<Option<Docker>>>,
    streams: streams::StreamCounter,
    fleet: containers::FleetWatch,
    data_root: Arc<RwLock<Option<std::path::PathBuf>>>,
    docker_timeout: Duration,
    calls: Arc<CallMetrics>,
}

impl DockerService {
    /// Makes a service for the given endpoint; no connection is attempted yet. The endpoint's Unix socket
    /// joins the policy's engine sockets, so that no bind mount can reach it.
    pub fn new(endpoint: DockerEndpoint, policy: Policy) -> Self {
        let mut service = Self {
            endpoint,
            policy,
            client: Arc::new(RwLock::new(None)),
            streams: streams::StreamCounter::default(),
            fleet: containers::FleetWatch::default(),
            data_root: Arc::new(RwLock::new(None)),
            docker_timeout: DEFAULT_DOCKER_TIMEOUT,
            calls: Arc::new(CallMetrics::default()),
        };
        if let Some(socket) = service
            .docker_host()
            .strip_prefix("unix://")
            .filter(|socket| !socket.is_empty())
        {
            service
                .policy
                .engine_sockets
                .push(std::path::PathBuf::from(socket));
        }
        service
    }

    /// Bounds every daemon call that is not a stream by `timeout` (`--docker-timeout`); a call that takes
    /// longer fails with [`AppError::DaemonTimeout`]. At least one second.
    pub fn with_docker_timeout(mut self, timeout: Duration) -> Self {
        self.docker_timeout = timeout.max(Duration::from_secs(1));
        self
    }

    /// The bound on daemon calls that are not streams.
    pub fn docker_timeout(&self) -> Duration {
        self.docker_timeout
    }

    /// The bound on a call the daemon answers only after waiting `wait` itself (a stop or restart
    /// waits its stop timeout before it kills): the docker timeout plus that wait.
    pub fn docker_timeout_plus(&self, wait: Duration) -> Duration {
        self.docker_timeout.saturating_add(wait)
    }

    /// The durations and outcomes of this service's daemon calls, per operation.
    pub fn call_metrics(&self) -> &CallMetrics {
        &self.calls
    }

    /// The policy this service enforces.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// How many daemon streams (events, log follow, stats, exec, progress) this service holds open now.
    pub fn open_streams(&self) -> usize {
        self.streams.open()
    }

    /// The ids of the containers whose stats stream the fleet stats watch keeps open (see
    /// [`containers::FLEET_WATCH_IDLE`]).
    pub fn fleet_watched(&self) -> Vec<String> {
        self.fleet.watched()
    }

    /// How many daemon streams of `kind` this service holds open now.
    pub fn open_streams_of(&self, kind: StreamKind) -> usize {
        self.streams.open_of(kind)
    }

    /// Ends every live stream (events, log follow, live stats, exec sessions), now and from now on, for
    /// a graceful shutdown; pulls, builds and runs to completion are let finish.
    pub fn shut_down_streams(&self) {
        self.streams.shut_down();
    }

    /// Whether [`Self::shut_down_streams`] was called.
    pub fn is_shutting_down(&self) -> bool {
        self.streams.is_shut_down()
    }

    /// The counter every open daemon stream is tracked by.
    pub(crate) fn stream_counter(&self) -> &streams::StreamCounter {
        &self.streams
    }

    /// The policy with what only the daemon knows added: its data root (asked once, then remembered until
    /// the daemon goes away). With `--allow-privileged` the daemon is not asked.
    pub async fn policy_with_engine_paths(&self) -> Result<Policy, AppError> {
        let mut policy = self.policy.clone();
        if policy.allow_privileged {
            return Ok(policy);
        }
        let known = self.data_root.read().await.clone();
        let data_root = match known {
            Some(root) => root,
            None => {
                let client = self.client().await?;
                let info = match self.call(Operation::SystemInfo, client.info()).await {
                    Ok(info) => info,
                    Err(err) => return Err(self.fail(err, "The Docker daemon").await),
                };
                let root = std::path::PathBuf::from(info.docker_root_dir.unwrap_or_default());
                *self.data_root.write().await = Some(root.clone());
                root
            }
        };
        if data_root.is_absolute() {
            policy.engine_data_roots.push(data_root);
        }
        Ok(policy)
    }

    /// A connected client with a negotiated API version, or [`AppError::DaemonUnavailable`]. Use it for
    /// every call that is not a stream, each made through [`Self::call`] (which bounds it by the docker
    /// timeout and counts it); bollard's own timeout on the client bounds the answer's head as well.
    pub async fn client(&self) -> Result<Docker, AppError> {
        if let Some(client) = self.client.read().await.as_ref() {
            return Ok(client.clone());
        }
        let mut slot = self.client.write().await;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let unconnected = connect(&self.docker_host(), tls_verify_requested()).map_err(|err| {
            tracing::error!(error = %err, "invalid Docker endpoint");
            AppError::DaemonUnavailable
        })?;
        let negotiation = unconnected
            .with_timeout(self.docker_timeout)
            .negotiate_version();
        let negotiated = self
            .call(Operation::ApiVersionNegotiation, negotiation)
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, docker_host = %self.docker_host(), "Docker daemon unreachable");
                AppError::DaemonUnavailable
            })?;
        *slot = Some(negotiated.clone());
        Ok(negotiated)
    }

    /// A connected client whose own timeout is `limit` rather than the docker timeout, for a call made
    /// through [`Self::call_within`] with the same limit.
    pub(crate) async fn client_within(&self, limit: Duration) -> Result<Docker, AppError> {
        Ok(self.client().await?.with_timeout(limit))
    }

    /// The client for streaming calls: bollard's timeout covers sending the request and receiving the
    /// answer's head, so a stream may take [`STREAM_ANSWER_TIMEOUT`] to begin (a build context or an
    /// archive being uploaded, a registry being slow) and is never cut once it flows.
    pub async fn stream_client(&self) -> Result<Docker, AppError> {
        Ok(self.client().await?.with_timeout(STREAM_ANSWER_TIMEOUT))
    }

    /// Whether the daemon answers a ping within `limit` (for health checks and metrics: never waits
    /// longer, never negotiates for longer).
    pub async fn answers_ping_within(&self, limit: Duration) -> bool {
        let ping = async {
            let client = self.client().await?;
            match self.call(Operation::SystemPing, client.ping()).await {
                Ok(_) => Ok(()),
                Err(err) => Err(self.fail(err, "The Docker daemon").await),
            }
        };
        matches!(tokio::time::timeout(limit, ping).await, Ok(Ok(())))
    }

    /// Forgets the negotiated client so that the next call negotiates again (after a daemon restart).
    pub(crate) async fn reset(&self) {
        *self.client.write().await = None;
        *self.data_root.write().await = None;
    }

    /// Maps a bollard error, dropping the cached client when the daemon went away.
    pub(crate) async fn fail(&self, err: bollard::errors::Error, subject: &str) -> AppError {
        self.fail_within(err, subject, self.docker_timeout).await
    }

    /// [`Self::fail`] for a call bounded by `limit` (see [`Self::call_within`]): a timeout names it.
    pub(crate) async fn fail_within(
        &self,
        err: bollard::errors::Error,
        subject: &str,
        limit: Duration,
    ) -> AppError {
        if is_connection_error(&err) {
            self.reset().await;
        }
        errors::docker_error_within(err, subject, limit)
    }
}

/// Whether `DOCKER_TLS_VERIFY` asks for TLS: set and non-empty, as the docker CLI reads it.
fn tls_verify_requested() -> bool {
    std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty())
}

/// Where the TLS client certificates live: `DOCKER_CERT_PATH`, else the docker CLI's configuration
/// directory (`DOCKER_CONFIG`, default `~/.docker`).
fn cert_directory() -> std::path::PathBuf {
    let from_env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    from_env("DOCKER_CERT_PATH")
        .or_else(|| from_env("DOCKER_CONFIG"))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".docker")
        })
}

/// Makes an (unconnected) client for `host` like the docker CLI would: `unix://` sockets, `tcp://` or
/// `http://` in plain HTTP unless TLS is requested, `https://` (or `tcp://` with TLS) with the
/// certificates of `DOCKER_CERT_PATH` (default `~/.docker`).
fn connect(host: &str, tls: bool) -> Result<Docker, bollard::errors::Error> {
    const TIMEOUT_SECONDS: u64 = 120;
    let remote = host.starts_with("tcp://") || host.starts_with("http://");
    if host.starts_with("https://") || (remote && tls) {
        let address = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
            .map(|rest| format!("https://{rest}"))
            .unwrap_or_else(|| host.to_string());
        let certs = cert_directory();
        Docker::connect_with_ssl(
            &address,
            &certs.join("key.pem"),
            &certs.join("cert.pem"),
            &certs.join("ca.pem"),
            TIMEOUT_SECONDS,
            bollard::API_DEFAULT_VERSION,
        )
    } else if remote {
        Docker::connect_with_http(host, TIMEOUT_SECONDS, bollard::API_DEFAULT_VERSION)
    } else {
        Docker::connect_with_host(host)
    }
}

pub use crate::model::container_create::is_docker_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tcp_and_unix_hosts_need_no_certificates() {
        assert!(connect("tcp://127.0.0.1:2375", false).is_ok());
        assert!(connect("unix:///var/run/docker.sock", false).is_ok());
    }

    #[test]
    fn docker_names_follow_the_daemon_rule() {
        assert!(is_docker_name("web-1.a_b", 1));
        assert!(is_docker_name("a", 1));
        assert!(!is_docker_name("a", 2));
        assert!(!is_docker_name("-web", 1));
        assert!(!is_docker_name("we b", 1));
        assert!(!is_docker_name(&"a".repeat(256), 1));
    }
}
