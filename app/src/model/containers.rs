//! Container views and requests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Published ports in Docker's inspect shape: `{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}`;
/// an exposed but unpublished port maps to `null`.
pub type PortMap = BTreeMap<String, Option<Vec<PortBinding>>>;

/// One host binding of a container port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortBinding {
    /// The host address the port is bound on.
    #[serde(rename = "HostIp")]
    pub host_ip: String,
    /// The host port, as a string like Docker prints it.
    #[serde(rename = "HostPort")]
    pub host_port: String,
}

/// One row of `GET /api/containers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerSummary {
    /// 12-character short id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// The image the container was created from.
    pub image: String,
    /// Docker's state: `running`, `exited`, `created`, `paused`...
    pub status: String,
    /// Docker's human status text, e.g. `Up 5 minutes`.
    pub status_text: String,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
    /// Ports in the inspect shape.
    #[cfg_attr(feature = "ssr", schema(inline))]
    pub ports: PortMap,
    /// Container labels.
    pub labels: BTreeMap<String, String>,
    /// The command line the container runs.
    pub command: String,
}

/// One network a container is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerNetwork {
    /// The network's id.
    pub network_id: String,
    /// IPv4 address on that network.
    pub ip_address: String,
    /// Gateway on that network.
    pub gateway: String,
    /// MAC address on that network.
    pub mac_address: String,
    /// DNS aliases on that network.
    pub aliases: Vec<String>,
}

/// One mount of a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerMount {
    /// `bind`, `volume`, `tmpfs`...
    #[serde(rename = "type")]
    pub kind: String,
    /// The volume name, for volume mounts.
    pub name: Option<String>,
    /// Host path or volume path.
    pub source: String,
    /// Path inside the container.
    pub destination: String,
    /// Mount mode, e.g. `rw`, `ro`, `z`.
    pub mode: String,
    /// Whether the mount is writable.
    pub rw: bool,
}

/// The restart policy of a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RestartPolicy {
    /// `no`, `always`, `unless-stopped`, `on-failure`.
    pub name: String,
    /// Retry limit for `on-failure`.
    pub maximum_retry_count: i64,
}

/// `GET /api/containers/{id}`: the details of one container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerDetails {
    /// Full id.
    pub id: String,
    /// 12-character short id.
    pub short_id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// The image reference the container was created with.
    pub image: String,
    /// The image id.
    pub image_id: String,
    /// Docker's state: `running`, `exited`, `created`, `paused`...
    pub status: String,
    /// Whether it is running.
    pub running: bool,
    /// Whether it is paused.
    pub paused: bool,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Last start time, RFC 3339 (Docker's zero time if never started).
    pub started: String,
    /// Last finish time, RFC 3339 (Docker's zero time if never finished).
    pub finished: String,
    /// Exit code of the last run.
    pub exit_code: i64,
    /// Main process id (0 when not running).
    pub pid: i64,
    /// How often Docker restarted it.
    pub restart_count: i64,
    /// Health status when a healthcheck is set.
    pub health: Option<String>,
    /// Ports in the inspect shape.
    #[cfg_attr(feature = "ssr", schema(inline))]
    pub ports: PortMap,
    /// Attached networks by name.
    pub networks: BTreeMap<String, ContainerNetwork>,
    /// Mounts.
    pub mounts: Vec<ContainerMount>,
    /// Environment as `KEY=value` lines.
    pub environment: Vec<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Command arguments.
    pub command: Vec<String>,
    /// Entrypoint arguments.
    pub entrypoint: Vec<String>,
    /// Working directory.
    pub working_dir: String,
    /// User the process runs as.
    pub user: String,
    /// Hostname inside the container.
    pub hostname: String,
    /// Restart policy.
    pub restart_policy: RestartPolicy,
    /// Whether a TTY is attached.
    pub tty: bool,
    /// Whether the container is privileged.
    pub privileged: bool,
    /// Network mode (`bridge`, `host`, `none`, a network name...).
    pub network_mode: String,
    /// Memory limit in bytes (0 = none).
    pub memory: i64,
    /// CPU limit in units of 1e-9 CPUs (0 = none).
    pub nano_cpus: i64,
}

/// `GET /api/containers/{id}/logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerLogs {
    /// Full id.
    pub container_id: String,
    /// Name without `/`.
    pub name: String,
    /// The log text (stdout and stderr interleaved).
    pub logs: String,
    /// How many lines were asked for: a number, or `"all"`.
    pub tail: Value,
    /// When the logs were read, RFC 3339 UTC.
    pub timestamp: String,
}

/// `GET /api/containers/{id}/top`: the processes of a running container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerProcesses {
    /// Full id.
    pub container_id: String,
    /// Column titles, as `ps` prints them.
    pub titles: Vec<String>,
    /// One row per process.
    pub processes: Vec<Vec<String>>,
}

/// `GET /api/containers/{id}/stats`: one-shot resource usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerStats {
    /// Full id.
    pub container_id: String,
    /// Name without `/`.
    pub name: String,
    /// CPU usage in percent of one CPU times the number of CPUs (as `docker stats`).
    pub cpu_percent: f64,
    /// Memory used in bytes (cache excluded, as `docker stats`).
    pub memory_usage: u64,
    /// Memory limit in bytes.
    pub memory_limit: u64,
    /// Memory use in percent of the limit.
    pub memory_percent: f64,
    /// Bytes received over all networks.
    pub network_rx_bytes: u64,
    /// Bytes sent over all networks.
    pub network_tx_bytes: u64,
    /// Bytes read from block devices.
    pub block_read_bytes: u64,
    /// Bytes written to block devices.
    pub block_write_bytes: u64,
    /// Number of processes.
    pub pids: u64,
    /// When the sample was taken.
    pub read: String,
}

impl ContainerStats {
    /// Whether this is the zeroed sample the daemon sends for a container that is not running (`read` at the
    /// zero time, `0001-01-01T00:00:00Z`): the last one a stats stream sends.
    pub fn shows_the_container_stopped(&self) -> bool {
        self.read.starts_with("0001-01-01")
    }
}

/// `POST /api/containers`: what to create. Field names follow the document and docker-py.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ssr",
    schema(examples(json!({"image": "nginx:latest", "name": "web", "ports": {"80/tcp": 8080}})))
)]
#[serde(deny_unknown_fields)]
pub struct CreateContainerRequest {
    /// Image reference (required).
    pub image: Option<String>,
    /// Container name.
    pub name: Option<String>,
    /// Ports: `{"80/tcp": 8080}`, values int, string, `"ip:port"`, list, or `null`.
    pub ports: Option<Value>,
    /// Environment: `["K=v"]` or `{"K": "v"}`.
    pub environment: Option<Value>,
    /// Volumes: `{"/host or name": {"bind": "/path", "mode": "rw"}}` or `["src:/dst:ro"]`.
    pub volumes: Option<Value>,
    /// Accepted for compatibility: creation never starts the container.
    pub detach: Option<bool>,
    /// Command: a string (split like a shell would, without a shell) or a list.
    pub command: Option<Value>,
    /// Entrypoint: a string or a list.
    pub entrypoint: Option<Value>,
    /// Working directory.
    pub working_dir: Option<String>,
    /// Labels: `{"k": "v"}` or `["k=v"]`.
    pub labels: Option<Value>,
    /// Restart policy: `{"Name": "always", "MaximumRetryCount": 0}` or a string like `on-failure:3`.
    pub restart_policy: Option<Value>,
    /// A network to attach at creation (also accepted as `network_mode`).
    pub network: Option<String>,
    /// User to run as.
    pub user: Option<String>,
    /// Hostname.
    pub hostname: Option<String>,
    /// Memory limit: bytes or a string like `512m`.
    pub memory: Option<Value>,
    /// Same as `memory` (docker-py's name).
    pub mem_limit: Option<Value>,
    /// CPU limit as a number of CPUs, e.g. 1.5.
    pub cpus: Option<f64>,
    /// CPU limit in 1e-9 CPUs (docker-py's name).
    pub nano_cpus: Option<i64>,
    /// Remove the container when it exits.
    pub auto_remove: Option<bool>,
    /// Run privileged (refused unless the server allows it).
    pub privileged: Option<bool>,
    /// Network mode: `bridge`, `host`, `none`, `container:<id>` or a network name.
    pub network_mode: Option<String>,
    /// Capabilities to add.
    pub cap_add: Option<Vec<String>>,
    /// Capabilities to drop.
    pub cap_drop: Option<Vec<String>>,
    /// DNS servers.
    pub dns: Option<Vec<String>>,
    /// Extra `/etc/hosts` entries: `{"host": "ip"}` or `["host:ip"]`.
    pub extra_hosts: Option<Value>,
    /// Allocate a TTY.
    pub tty: Option<bool>,
    /// Keep stdin open.
    pub stdin_open: Option<bool>,
    /// Read-only root filesystem.
    pub read_only: Option<bool>,
    /// tmpfs mounts: `{"/path": "size=64m"}` or `["/path"]`.
    pub tmpfs: Option<Value>,
    /// Run an init process as PID 1.
    pub init: Option<bool>,
    /// Healthcheck in docker-py's shape: `{"test": [...], "interval": ns, ...}`.
    pub healthcheck: Option<Value>,
    /// docker-py's mounts: `[{"Type": "bind" | "volume" | "tmpfs", "Source", "Target", "ReadOnly"}]`
    /// (lower-case keys `type`, `source`, `target`, `readonly` or `read_only` too). Bind sources are judged by the policy.
    pub mounts: Option<Value>,
    /// Host devices: `["/dev/x:/dev/x:rwm"]` (refused by the policy unless the server allows it).
    pub devices: Option<Vec<String>>,
    /// Security options, e.g. `["seccomp=unconfined"]` (refused by the policy unless the server allows it).
    pub security_opt: Option<Vec<String>>,
    /// Namespaced kernel parameters: `{"net.ipv4.ip_forward": "1"}`.
    pub sysctls: Option<Value>,
    /// PID namespace: `host` or `container:<id>`.
    pub pid_mode: Option<String>,
    /// IPC namespace: `none`, `private`, `shareable`, `host` or `container:<id>`.
    pub ipc_mode: Option<String>,
    /// UTS namespace: `host`.
    pub uts_mode: Option<String>,
    /// User namespace: `host`.
    pub userns_mode: Option<String>,
}

/// Optional body of `POST /api/containers/{id}/stop` and `/restart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StopRequest {
    /// Seconds to wait before killing: 0 to 3600 (default 10).
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 3600))]
    pub timeout: Option<i64>,
}

/// Optional body of `POST /api/containers/{id}/kill`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KillRequest {
    /// Signal name or number (default `SIGKILL`).
    pub signal: Option<Signal>,
}

/// A signal as `docker kill --signal` takes it: a name (`"SIGTERM"`, `"TERM"`) or a number, given as a
/// JSON string (`"9"`) or integer (`9`); which names and numbers exist is checked where it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(
    untagged,
    expecting = "must be a signal name like SIGTERM or a number from 1 to 64"
)]
pub enum Signal {
    /// `"SIGTERM"`, `"TERM"` or `"15"`.
    Name(String),
    /// `15`.
    Number(i64),
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Signal::Name(name) => f.write_str(name),
            Signal::Number(number) => write!(f, "{number}"),
        }
    }
}

/// Body of `POST /api/containers/{id}/rename`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenameRequest {
    /// The new name.
    pub name: Option<String>,
}

/// An action the console applies to several containers at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    /// `docker start`.
    Start,
    /// `docker stop` (10 s grace period).
    Stop,
    /// `docker restart` (10 s grace period).
    Restart,
    /// `docker kill` (SIGKILL).
    Kill,
    /// `docker pause`.
    Pause,
    /// `docker unpause`.
    Unpause,
    /// `docker rm --force`: running containers go by force.
    Remove,
}

impl BulkAction {
    /// Every action, in the order of the console's toolbar.
    pub const ALL: [BulkAction; 7] = [
        BulkAction::Start,
        BulkAction::Stop,
        BulkAction::Restart,
        BulkAction::Kill,
        BulkAction::Pause,
        BulkAction::Unpause,
        BulkAction::Remove,
    ];

    /// The button's name: `Start`, `Stop`...
    pub fn label(self) -> &'static str {
        match self {
            BulkAction::Start => "Start",
            BulkAction::Stop => "Stop",
            BulkAction::Restart => "Restart",
            BulkAction::Kill => "Kill",
            BulkAction::Pause => "Pause",
            BulkAction::Unpause => "Unpause",
            BulkAction::Remove => "Remove",
        }
    }

    /// The past tense for the toast: `Started`, `Stopped`...
    pub fn done(self) -> &'static str {
        match self {
            BulkAction::Start => "Started",
            BulkAction::Stop => "Stopped",
            BulkAction::Restart => "Restarted",
            BulkAction::Kill => "Killed",
            BulkAction::Pause => "Paused",
            BulkAction::Unpause => "Unpaused",
            BulkAction::Remove => "Removed",
        }
    }
}

/// The outcome of a bulk action for one container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// The container as it was named in the request.
    pub id: String,
    /// Whether the action succeeded for it.
    pub succeeded: bool,
    /// What happened: the action's sentence, or the failure's.
    pub message: String,
}

/// The answer of a bulk action: one outcome per container, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    /// The action applied.
    pub action: BulkAction,
    /// One outcome per container.
    pub outcomes: Vec<BulkOutcome>,
}

impl BulkResult {
    /// The toast's sentence: `Stopped 3 containers`, or the successes and then each failure
    /// (`Stopped 1 container; 1 failed: web: Container 'web' not found`).
    pub fn summary(&self) -> String {
        let done = self.outcomes.iter().filter(|o| o.succeeded).count();
        let plural = |n: usize| if n == 1 { "container" } else { "containers" };
        let mut text = format!("{} {done} {}", self.action.done(), plural(done));
        let failures: Vec<String> = self
            .outcomes
            .iter()
            .filter(|o| !o.succeeded)
            .map(|o| format!("{}: {}", o.id, o.message))
            .collect();
        if !failures.is_empty() {
            text.push_str(&format!(
                "; {} failed: {}",
                failures.len(),
                failures.join("; ")
            ));
        }
        text
    }

    /// Whether any container failed.
    pub fn any_failed(&self) -> bool {
        self.outcomes.iter().any(|o| !o.succeeded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_summary_counts_successes_and_names_each_failure() {
        let outcome = |id: &str, succeeded: bool, message: &str| BulkOutcome {
            id: id.into(),
            succeeded,
            message: message.into(),
        };
        let mut result = BulkResult {
            action: BulkAction::Stop,
            outcomes: vec![
                outcome("a", true, ""),
                outcome("b", true, ""),
                outcome("c", true, ""),
            ],
        };
        assert_eq!(result.summary(), "Stopped 3 containers");
        assert!(!result.any_failed());
        result.outcomes = vec![
            outcome("a", true, ""),
            outcome("web", false, "Container 'web' not found"),
        ];
        assert_eq!(
            result.summary(),
            "Stopped 1 container; 1 failed: web: Container 'web' not found"
        );
    }
}
