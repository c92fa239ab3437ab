//! Daemon-wide reads: version, info, disk usage, status, statistics, health, and the API host itself.

use bollard::query_parameters::{ListNetworksOptions, ListVolumesOptions};

use super::disk_usage::DiskUsageDocument;
use super::events::EventFilter;
use super::{DockerService, Operation, now_rfc3339};
use crate::error::AppError;
use crate::model::human_size;
use crate::model::system::{
    ContainerCounts, DaemonHealth, Dashboard, DiskUsage, HostCapacity, HostInformation,
    LoadAverage, SwarmSummary, SystemInfo, SystemStatistics, SystemStatus, SystemVersion,
};

const SUBJECT: &str = "Docker daemon";

impl DockerService {
    /// The daemon's `/system/df` document, typed (either shape).
    pub(crate) async fn disk_usage_document(&self) -> Result<DiskUsageDocument, AppError> {
        self.raw_get(Operation::SystemDiskUsage, "/system/df", SUBJECT)
            .await
    }

    /// `docker system df`: counts, sizes and reclaimable space per kind of object.
    pub async fn disk_usage(&self) -> Result<DiskUsage, AppError> {
        Ok(self.disk_usage_document().await?.view())
    }

    /// `docker version`.
    pub async fn version(&self) -> Result<SystemVersion, AppError> {
        let client = self.client().await?;
        let version = match self.call(Operation::SystemVersion, client.version()).await {
            Ok(version) => version,
            Err(err) => return Err(self.fail(err, SUBJECT).await),
        };
        let engine = version
            .components
            .as_ref()
            .and_then(|parts| parts.iter().find(|c| c.name == "Engine"));
        let detail = |key: &str| {
            engine
                .and_then(|c| c.details.as_ref())
                .and_then(|d| d.get(key))
                .cloned()
                .unwrap_or_default()
        };
        Ok(SystemVersion {
            version: version.version,
            api_version: version.api_version,
            min_api_version: version.min_api_version,
            git_commit: version.git_commit,
            go_version: version.go_version,
            os: version.os,
            arch: version.arch,
            kernel_version: version.kernel_version,
            build_time: detail("BuildTime"),
            experimental: detail("Experimental") == "true",
            platform: version.platform.map(|p| p.name),
            client_api_version: client.client_version().to_string(),
        })
    }

    async fn raw_info(&self) -> Result<bollard::models::SystemInfo, AppError> {
        let client = self.client().await?;
        match self.call(Operation::SystemInfo, client.info()).await {
            Ok(info) => Ok(info),
            Err(err) => Err(self.fail(err, SUBJECT).await),
        }
    }

    /// `docker info`.
    pub async fn info(&self) -> Result<SystemInfo, AppError> {
        let info = self.raw_info().await?;
        let swarm = info.swarm.as_ref();
        Ok(SystemInfo {
            id: info.id,
            name: info.name,
            docker_version: info.server_version.clone(),
            server_version: info.server_version,
            containers: info.containers,
            containers_running: info.containers_running,
            containers_paused: info.containers_paused,
            containers_stopped: info.containers_stopped,
            images: info.images,
            driver: info.driver,
            driver_status: info.driver_status,
            docker_root_dir: info.docker_root_dir,
            logging_driver: info.logging_driver,
            cgroup_driver: info.cgroup_driver.map(|d| d.to_string()),
            cgroup_version: info.cgroup_version.map(|v| v.to_string()),
            kernel_version: info.kernel_version,
            operating_system: info.operating_system,
            os_version: info.os_version,
            os_type: info.os_type,
            architecture: info.architecture,
            ncpu: info.ncpu,
            mem_total: info.mem_total,
            mem_total_human: human_size(info.mem_total.unwrap_or_default()),
            index_server_address: info.index_server_address,
            http_proxy: info.http_proxy,
            https_proxy: info.https_proxy,
            no_proxy: info.no_proxy,
            labels: info.labels,
            experimental_build: info.experimental_build,
            live_restore_enabled: info.live_restore_enabled,
            system_time: info.system_time,
            warnings: info.warnings,
            swarm: SwarmSummary {
                node_id: swarm.and_then(|s| s.node_id.clone()),
                local_node_state: swarm
                    .and_then(|s| s.local_node_state)
                    .map(|s| s.to_string()),
                control_available: swarm.and_then(|s| s.control_available),
            },
        })
    }

    /// Daemon status: is it running, its version, object counts, drivers and warnings.
    pub async fn status(&self) -> Result<SystemStatus, AppError> {
        let (info, version) = tokio::try_join!(self.raw_info(), self.version())?;
        Ok(SystemStatus {
            status: "running".into(),
            server_version: info.server_version,
            api_version: version.api_version,
            min_api_version: version.min_api_version,
            containers: info.containers,
            containers_running: info.containers_running,
            containers_paused: info.containers_paused,
            containers_stopped: info.containers_stopped,
            images: info.images,
            storage_driver: info.driver,
            logging_driver: info.logging_driver,
            cgroup_driver: info.cgroup_driver.map(|d| d.to_string()),
            kernel_version: info.kernel_version,
            operating_system: info.operating_system,
            system_time: info.system_time,
            warnings: info.warnings.unwrap_or_default(),
            checked_at: now_rfc3339(),
        })
    }

    /// Overall statistics: containers by state, images, volumes, networks and disk use.
    pub async fn statistics(&self) -> Result<SystemStatistics, AppError> {
        let client = self.client().await?;
        let volumes = async {
            self.call(
                Operation::VolumeList,
                client.list_volumes(None::<ListVolumesOptions>),
            )
            .await
            .map(|v| v.volumes.map(|list| list.len()).unwrap_or(0))
        };
        let networks = async {
            self.call(
                Operation::NetworkList,
                client.list_networks(None::<ListNetworksOptions>),
            )
            .await
            .map(|list| list.len())
        };
        let (info, disk, volumes, networks) = tokio::join!(
            self.raw_info(),
            self.disk_usage_document(),
            volumes,
            networks
        );
        let info = info?;
        let disk = disk?;
        let volumes = match volumes {
            Ok(count) => count,
            Err(err) => return Err(self.fail(err, SUBJECT).await),
        };
        let networks = match networks {
            Ok(count) => count,
            Err(err) => return Err(self.fail(err, SUBJECT).await),
        };
        Ok(SystemStatistics {
            containers: ContainerCounts {
                total: info.containers,
                running: info.containers_running,
                stopped: info.containers_stopped,
                paused: info.containers_paused,
            },
            images: info.images,
            volumes,
            networks,
            disk: disk.view(),
            timestamp: now_rfc3339(),
        })
    }

    /// The dashboard's data in one call: version, info, statistics and the last `event_limit` events of the
    /// past hour, asked of the daemon concurrently.
    pub async fn dashboard(&self, event_limit: usize) -> Result<Dashboard, AppError> {
        let (version, info, statistics, recent_events) = tokio::try_join!(
            self.version(),
            self.info(),
            self.statistics(),
            self.recent_events(EventFilter::default(), 3600, event_limit),
        )?;
        Ok(Dashboard {
            version,
            info,
            statistics,
            recent_events,
        })
    }

    /// `/health`: whether the daemon answers, and its version when it does.
    pub async fn health(&self) -> Result<DaemonHealth, AppError> {
        let client = self.client().await?;
        if let Err(err) = self.call(Operation::SystemPing, client.ping()).await {
            return Err(self.fail(err, SUBJECT).await);
        }
        let version = self.version().await?;
        Ok(DaemonHealth {
            docker_version: version.version,
            api_version: version.api_version,
            docker_host: self.docker_host(),
        })
    }
}

/// Facts about the machine the API runs on (not the daemon's): os, kernel, cpus and load, memory,
/// disk, uptime. Needs no daemon.
pub fn host_information() -> HostInformation {
    use sysinfo::{Disks, System};
    let mut system = System::new();
    system.refresh_memory();
    let load = System::load_average();
    let disks = Disks::new_with_refreshed_list();
    let root = disks
        .list()
        .iter()
        .filter(|d| std::path::Path::new("/").starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len());
    let (disk_total, disk_available) =
        root.map_or((0, 0), |d| (d.total_space(), d.available_space()));
    let capacity = |path: Option<String>, total: u64, used: u64, available: u64| HostCapacity {
        path,
        total_bytes: total,
        used_bytes: used,
        available_bytes: available,
        total: human_size(total as i64),
        used: human_size(used as i64),
        percent: if total == 0 {
            0.0
        } else {
            (used as f64 / total as f64 * 1000.0).round() / 10.0
        },
    };
    HostInformation {
        hostname: System::host_name(),
        os: System::name(),
        os_version: System::os_version(),
        kernel_version: System::kernel_version(),
        architecture: System::cpu_arch(),
        cpu_count: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average: LoadAverage {
            one: load.one,
            five: load.five,
            fifteen: load.fifteen,
        },
        memory: capacity(
            None,
            system.total_memory(),
            system.used_memory(),
            system.available_memory(),
        ),
        disk: capacity(
            Some("/".to_string()),
            disk_total,
            disk_total.saturating_sub(disk_available),
            disk_available,
        ),
        uptime_seconds: System::uptime(),
        boot_time: System::boot_time(),
        berth_version: env!("CARGO_PKG_VERSION").to_string(),
        timestamp: now_rfc3339(),
    }
}
