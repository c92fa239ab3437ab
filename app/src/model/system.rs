//! Daemon-wide views: what `/api/system/*` and `/health` answer, and the dashboard's data. The field
//! order of each struct is the order of the answer's keys.

use serde::{Deserialize, Serialize};

use super::events::DockerEvent;

/// `docker version`, as `GET /api/system/version` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemVersion {
    /// The engine's version, e.g. `20.10.24+dfsg1`.
    pub version: Option<String>,
    /// The newest API version the engine speaks, e.g. `1.41`.
    pub api_version: Option<String>,
    /// The oldest API version the engine speaks.
    pub min_api_version: Option<String>,
    /// The engine's source commit.
    pub git_commit: Option<String>,
    /// The Go version the engine was built with.
    pub go_version: Option<String>,
    /// The engine's operating system, e.g. `linux`.
    pub os: Option<String>,
    /// The engine's architecture, e.g. `amd64`.
    pub arch: Option<String>,
    /// The kernel of the engine's host.
    pub kernel_version: Option<String>,
    /// When the engine was built (empty when it does not say).
    pub build_time: String,
    /// Whether the engine runs with experimental features.
    pub experimental: bool,
    /// The engine's platform name.
    pub platform: Option<String>,
    /// The API version Berth negotiated with the engine.
    pub client_api_version: String,
}

/// The engine's swarm membership, as `docker info` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SwarmSummary {
    /// The node's id in its swarm (empty when in none).
    pub node_id: Option<String>,
    /// `inactive`, `pending`, `active`, `error` or `locked`.
    pub local_node_state: Option<String>,
    /// Whether this node is a manager.
    pub control_available: Option<bool>,
}

/// `docker info`, as `GET /api/system/info` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemInfo {
    /// The engine's id.
    pub id: Option<String>,
    /// The engine host's name.
    pub name: Option<String>,
    /// The engine's version (the same as `server_version`).
    pub docker_version: Option<String>,
    /// The engine's version.
    pub server_version: Option<String>,
    /// Containers of any state.
    pub containers: Option<i64>,
    /// Running containers.
    pub containers_running: Option<i64>,
    /// Paused containers.
    pub containers_paused: Option<i64>,
    /// Stopped containers.
    pub containers_stopped: Option<i64>,
    /// Images.
    pub images: Option<i64>,
    /// The storage driver, e.g. `overlay2`.
    pub driver: Option<String>,
    /// The storage driver's facts, as `[name, value]` pairs.
    pub driver_status: Option<Vec<Vec<String>>>,
    /// Where the engine keeps its data.
    pub docker_root_dir: Option<String>,
    /// The default logging driver.
    pub logging_driver: Option<String>,
    /// `cgroupfs`, `systemd` or `none`.
    pub cgroup_driver: Option<String>,
    /// `1` or `2`.
    pub cgroup_version: Option<String>,
    /// The kernel of the engine's host.
    pub kernel_version: Option<String>,
    /// The engine host's operating system, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub operating_system: Option<String>,
    /// That operating system's version.
    pub os_version: Option<String>,
    /// `linux` or `windows`.
    pub os_type: Option<String>,
    /// The engine host's architecture, e.g. `x86_64`.
    pub architecture: Option<String>,
    /// CPUs of the engine's host.
    pub ncpu: Option<i64>,
    /// Memory of the engine's host, in bytes.
    pub mem_total: Option<i64>,
    /// That memory, readable (`8.2GB`).
    pub mem_total_human: String,
    /// The default registry's address.
    pub index_server_address: Option<String>,
    /// The engine's HTTP proxy.
    pub http_proxy: Option<String>,
    /// The engine's HTTPS proxy.
    pub https_proxy: Option<String>,
    /// Hosts the engine reaches without a proxy.
    pub no_proxy: Option<String>,
    /// The engine's labels.
    pub labels: Option<Vec<String>>,
    /// Whether the engine runs with experimental features.
    pub experimental_build: Option<bool>,
    /// Whether containers keep running while the engine restarts.
    pub live_restore_enabled: Option<bool>,
    /// The engine host's clock, RFC 3339.
    pub system_time: Option<String>,
    /// The engine's warnings about its configuration.
    pub warnings: Option<Vec<String>>,
    /// Swarm membership.
    pub swarm: SwarmSummary,
}

/// Daemon status, as `GET /api/system/status` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemStatus {
    /// Always `running` (a daemon that does not answer is a 503).
    pub status: String,
    /// The engine's version.
    pub server_version: Option<String>,
    /// The newest API version the engine speaks.
    pub api_version: Option<String>,
    /// The oldest API version the engine speaks.
    pub min_api_version: Option<String>,
    /// Containers of any state.
    pub containers: Option<i64>,
    /// Running containers.
    pub containers_running: Option<i64>,
    /// Paused containers.
    pub containers_paused: Option<i64>,
    /// Stopped containers.
    pub containers_stopped: Option<i64>,
    /// Images.
    pub images: Option<i64>,
    /// The storage driver.
    pub storage_driver: Option<String>,
    /// The default logging driver.
    pub logging_driver: Option<String>,
    /// `cgroupfs`, `systemd` or `none`.
    pub cgroup_driver: Option<String>,
    /// The kernel of the engine's host.
    pub kernel_version: Option<String>,
    /// The engine host's operating system.
    pub operating_system: Option<String>,
    /// The engine host's clock, RFC 3339.
    pub system_time: Option<String>,
    /// The engine's warnings about its configuration.
    pub warnings: Vec<String>,
    /// When Berth asked, RFC 3339.
    pub checked_at: String,
}

/// Containers by state, in the statistics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContainerCounts {
    /// Containers of any state.
    pub total: Option<i64>,
    /// Running containers.
    pub running: Option<i64>,
    /// Stopped containers.
    pub stopped: Option<i64>,
    /// Paused containers.
    pub paused: Option<i64>,
}

/// One kind of object in `docker system df`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiskUsageOfKind {
    /// How many there are.
    pub total_count: i64,
    /// How many are in use.
    pub active: i64,
    /// Their size in bytes.
    pub size_bytes: i64,
    /// Their size, readable.
    pub size: String,
    /// What removing the unused ones would free, in bytes.
    pub reclaimable_bytes: i64,
    /// That, readable.
    pub reclaimable: String,
    /// That, as a percentage of the size (one decimal).
    pub reclaimable_percent: f64,
}

/// `docker system df`, as `GET /api/system/df` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiskUsage {
    /// Images.
    pub images: DiskUsageOfKind,
    /// Containers' writable layers.
    pub containers: DiskUsageOfKind,
    /// Local volumes.
    pub volumes: DiskUsageOfKind,
    /// The build cache.
    pub build_cache: DiskUsageOfKind,
    /// Everything, in bytes.
    pub total_size_bytes: i64,
    /// Everything, readable.
    pub total_size: String,
    /// What could be reclaimed, in bytes.
    pub total_reclaimable_bytes: i64,
    /// What could be reclaimed, readable.
    pub total_reclaimable: String,
}

/// Overall statistics, as `GET /api/system/stats` reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemStatistics {
    /// Containers by state.
    pub containers: ContainerCounts,
    /// Images.
    pub images: Option<i64>,
    /// Volumes.
    pub volumes: usize,
    /// Networks.
    pub networks: usize,
    /// Disk usage.
    pub disk: DiskUsage,
    /// When Berth asked, RFC 3339.
    pub timestamp: String,
}

/// What `/health` adds about a daemon that answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonHealth {
    /// The engine's version.
    pub docker_version: Option<String>,
    /// The newest API version the engine speaks.
    pub api_version: Option<String>,
    /// The daemon address Berth uses.
    pub docker_host: String,
}

/// Everything the dashboard shows, gathered by one call: the engine's version, its host (as `docker info`
/// reports it), counts by kind and disk usage (as `GET /api/system/stats` reports them) and the recent
/// events, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// `docker version`, as `GET /api/system/version` reports it.
    pub version: SystemVersion,
    /// `docker info`, as `GET /api/system/info` reports it (OS, kernel, CPUs, memory of the engine's host).
    pub info: SystemInfo,
    /// Containers by state, images, volumes, networks and disk use, as `GET /api/system/stats` reports them.
    pub statistics: SystemStatistics,
    /// The latest events of the last hour, newest first.
    pub recent_events: Vec<DockerEvent>,
}

/// The load average of the API's host over 1, 5 and 15 minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoadAverage {
    /// Over the last minute.
    pub one: f64,
    /// Over the last 5 minutes.
    pub five: f64,
    /// Over the last 15 minutes.
    pub fifteen: f64,
}

/// How much of a resource (memory, a disk) is in use, in bytes and in words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HostCapacity {
    /// The disk's mount point (disks only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    /// All of it.
    pub total_bytes: u64,
    /// In use.
    pub used_bytes: u64,
    /// Free for use (memory: what the kernel can hand out, caches included).
    pub available_bytes: u64,
    /// `total_bytes` in words, e.g. `7.8GB`.
    pub total: String,
    /// `used_bytes` in words.
    pub used: String,
    /// Used of total, in percent with one decimal.
    pub percent: f64,
}

/// The machine the API runs on (not the daemon's), as `GET /api/system/host` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HostInformation {
    /// The host's name.
    pub hostname: Option<String>,
    /// The operating system's name, e.g. `Debian GNU/Linux`.
    pub os: Option<String>,
    /// Its version.
    pub os_version: Option<String>,
    /// The kernel's version.
    pub kernel_version: Option<String>,
    /// The CPU architecture, e.g. `x86_64`.
    pub architecture: String,
    /// CPUs available to Berth.
    pub cpu_count: usize,
    /// The load average.
    pub load_average: LoadAverage,
    /// Memory.
    pub memory: HostCapacity,
    /// The disk holding `/`.
    pub disk: HostCapacity,
    /// Seconds since boot.
    pub uptime_seconds: u64,
    /// When the host booted, in unix seconds.
    pub boot_time: u64,
    /// Berth's version.
    pub berth_version: String,
    /// When this was read (RFC 3339).
    pub timestamp: String,
}
