//! Daemon-wide reads: version, info, disk usage, status, statistics, health, and the API host itself.

use bollard::query_parameters::{ListNetworksOptions, ListVolumesOptions};
use serde_json::{Value, json};

use super::events::EventFilter;
use super::{DockerService, Operation, now_rfc3339};
use crate::error::AppError;
use crate::model::human_size;
use crate::model::system::Dashboard;

const SUBJECT: &str = "Docker daemon";

/// Totals of one kind of object in `docker system df`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct UsageTotals {
    total_count: i64,
    active: i64,
    size: i64,
    reclaimable: i64,
}

impl UsageTotals {
    fn to_json(self) -> Value {
        let percent = if self.size > 0 {
            (self.reclaimable as f64 / self.size as f64 * 1000.0).round() / 10.0
        } else {
            0.0
        };
        json!({
            "total_count": self.total_count,
            "active": self.active,
            "size_bytes": self.size,
            "size": human_size(self.size),
            "reclaimable_bytes": self.reclaimable,
            "reclaimable": human_size(self.reclaimable),
            "reclaimable_percent": percent,
        })
    }
}

fn int(value: &Value, key: &str) -> i64 {
    value.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn items<'a>(doc: &'a Value, key: &str) -> &'a [Value] {
    doc.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Summarises a `/system/df` document of either shape (API < 1.52 lists, or 1.52+ usage objects)
/// the way `docker system df` does.
fn summarise_disk_usage(doc: &Value) -> [UsageTotals; 4] {
    if let Some(images) = doc.get("ImageUsage") {
        let read = |usage: Option<&Value>| {
            usage.map_or_else(UsageTotals::default, |u| UsageTotals {
                total_count: int(u, "TotalCount"),
                active: int(u, "ActiveCount"),
                size: int(u, "TotalSize"),
                reclaimable: int(u, "Reclaimable"),
            })
        };
        return [
            read(Some(images)),
            read(doc.get("ContainerUsage")),
            read(doc.get("VolumeUsage")),
            read(doc.get("BuildCacheUsage")),
        ];
    }
    let image_list = items(doc, "Images");
    let layers = int(doc, "LayersSize");
    let mut used = 0;
    let mut active_images = 0;
    for image in image_list {
        if int(image, "Containers") > 0 {
            active_images += 1;
            let (size, shared) = (int(image, "Size"), int(image, "SharedSize"));
            if size >= 0 && shared >= 0 {
                used += size - shared;
            }
        }
    }
    let images = UsageTotals {
        total_count: image_list.len() as i64,
        active: active_images,
        size: layers,
        reclaimable: (layers - used).max(0),
    };

    let mut containers = UsageTotals::default();
    for container in items(doc, "Containers") {
        containers.total_count += 1;
        let size = int(container, "SizeRw").max(0);
        containers.size += size;
        if container.get("State").and_then(Value::as_str) == Some("running") {
            containers.active += 1;
        } else {
            containers.reclaimable += size;
        }
    }

    let mut volumes = UsageTotals::default();
    for volume in items(doc, "Volumes") {
        volumes.total_count += 1;
        let usage = volume.get("UsageData").cloned().unwrap_or_default();
        let size = int(&usage, "Size").max(0);
        volumes.size += size;
        if int(&usage, "RefCount") > 0 {
            volumes.active += 1;
        } else {
            volumes.reclaimable += size;
        }
    }

    let mut cache = UsageTotals::default();
    for record in items(doc, "BuildCache") {
        cache.total_count += 1;
        let in_use = record
            .get("InUse")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let shared = record
            .get("Shared")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if in_use {
            cache.active += 1;
        }
        if !shared {
            let size = int(record, "Size").max(0);
            cache.size += size;
            if !in_use {
                cache.reclaimable += size;
            }
        }
    }
    [images, containers, volumes, cache]
}

impl DockerService {
    /// The daemon's `/system/df` document as the daemon sent it.
    pub async fn disk_usage_document(&self) -> Result<Value, AppError> {
        self.raw_get(Operation::SystemDiskUsage, "/system/df", SUBJECT)
            .await
    }

    /// `docker system df`: counts, sizes and reclaimable space per kind of object.
    pub async fn disk_usage(&self) -> Result<Value, AppError> {
        let doc = self.disk_usage_document().await?;
        Ok(disk_usage_view(&doc))
    }

    /// `docker version`.
    pub async fn version(&self) -> Result<Value, AppError> {
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
        Ok(json!({
            "version": version.version,
            "api_version": version.api_version,
            "min_api_version": version.min_api_version,
            "git_commit": version.git_commit,
            "go_version": version.go_version,
            "os": version.os,
            "arch": version.arch,
            "kernel_version": version.kernel_version,
            "build_time": detail("BuildTime"),
            "experimental": detail("Experimental") == "true",
            "platform": version.platform.map(|p| p.name),
            "client_api_version": client.client_version().to_string(),
        }))
    }

    async fn raw_info(&self) -> Result<bollard::models::SystemInfo, AppError> {
        let client = self.client().await?;
        match self.call(Operation::SystemInfo, client.info()).await {
            Ok(info) => Ok(info),
            Err(err) => Err(self.fail(err, SUBJECT).await),
        }
    }

    /// `docker info`.
    pub async fn info(&self) -> Result<Value, AppError> {
        let info = self.raw_info().await?;
        let swarm = info.swarm.as_ref();
        Ok(json!({
            "id": info.id,
            "name": info.name,
            "docker_version": info.server_version,
            "server_version": info.server_version,
            "containers": info.containers,
            "containers_running": info.containers_running,
            "containers_paused": info.containers_paused,
            "containers_stopped": info.containers_stopped,
            "images": info.images,
            "driver": info.driver,
            "driver_status": info.driver_status,
            "docker_root_dir": info.docker_root_dir,
            "logging_driver": info.logging_driver,
            "cgroup_driver": info.cgroup_driver.map(|d| d.to_string()),
            "cgroup_version": info.cgroup_version.map(|v| v.to_string()),
            "kernel_version": info.kernel_version,
            "operating_system": info.operating_system,
            "os_version": info.os_version,
            "os_type": info.os_type,
            "architecture": info.architecture,
            "ncpu": info.ncpu,
            "mem_total": info.mem_total,
            "mem_total_human": human_size(info.mem_total.unwrap_or_default()),
            "index_server_address": info.index_server_address,
            "http_proxy": info.http_proxy,
            "https_proxy": info.https_proxy,
            "no_proxy": info.no_proxy,
            "labels": info.labels,
            "experimental_build": info.experimental_build,
            "live_restore_enabled": info.live_restore_enabled,
            "system_time": info.system_time,
            "warnings": info.warnings,
            "swarm": {
                "node_id": swarm.and_then(|s| s.node_id.clone()),
                "local_node_state": swarm.and_then(|s| s.local_node_state).map(|s| s.to_string()),
                "control_available": swarm.and_then(|s| s.control_available),
            },
        }))
    }

    /// Daemon status: is it running, its version, object counts, drivers and warnings.
    pub async fn status(&self) -> Result<Value, AppError> {
        let (info, version) = tokio::try_join!(self.raw_info(), self.version())?;
        Ok(json!({
            "status": "running",
            "server_version": info.server_version,
            "api_version": version["api_version"],
            "min_api_version": version["min_api_version"],
            "containers": info.containers,
            "containers_running": info.containers_running,
            "containers_paused": info.containers_paused,
            "containers_stopped": info.containers_stopped,
            "images": info.images,
            "storage_driver": info.driver,
            "logging_driver": info.logging_driver,
            "cgroup_driver": info.cgroup_driver.map(|d| d.to_string()),
            "kernel_version": info.kernel_version,
            "operating_system": info.operating_system,
            "system_time": info.system_time,
            "warnings": info.warnings.unwrap_or_default(),
            "checked_at": now_rfc3339(),
        }))
    }

    /// Overall statistics: containers by state, images, volumes, networks and disk use.
    pub async fn statistics(&self) -> Result<Value, AppError> {
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
        Ok(json!({
            "containers": {
                "total": info.containers,
                "running": info.containers_running,
                "stopped": info.containers_stopped,
                "paused": info.containers_paused,
            },
            "images": info.images,
            "volumes": volumes,
            "networks": networks,
            "disk": disk_usage_view(&disk),
            "timestamp": now_rfc3339(),
        }))
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
    pub async fn health(&self) -> Result<Value, AppError> {
        let client = self.client().await?;
        if let Err(err) = self.call(Operation::SystemPing, client.ping()).await {
            return Err(self.fail(err, SUBJECT).await);
        }
        let version = self.version().await?;
        Ok(json!({
            "docker_version": version["version"],
            "api_version": version["api_version"],
            "docker_host": self.docker_host(),
        }))
    }
}

fn disk_usage_view(doc: &Value) -> Value {
    let [images, containers, volumes, build_cache] = summarise_disk_usage(doc);
    let total = images.size + containers.size + volumes.size + build_cache.size;
    let reclaimable =
        images.reclaimable + containers.reclaimable + volumes.reclaimable + build_cache.reclaimable;
    json!({
        "images": images.to_json(),
        "containers": containers.to_json(),
        "volumes": volumes.to_json(),
        "build_cache": build_cache.to_json(),
        "total_size_bytes": total,
        "total_size": human_size(total),
        "total_reclaimable_bytes": reclaimable,
        "total_reclaimable": human_size(reclaimable),
    })
}

/// Facts about the machine the API runs on (not the daemon's): os, kernel, cpus and load, memory,
/// disk, uptime. Needs no daemon.
pub fn host_information() -> Value {
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
    let disk_used = disk_total.saturating_sub(disk_available);
    let percent = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            (part as f64 / whole as f64 * 1000.0).round() / 10.0
        }
    };
    let total_memory = system.total_memory();
    let used_memory = system.used_memory();
    json!({
        "hostname": System::host_name(),
        "os": System::name(),
        "os_version": System::os_version(),
        "kernel_version": System::kernel_version(),
        "architecture": System::cpu_arch(),
        "cpu_count": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "load_average": {"one": load.one, "five": load.five, "fifteen": load.fifteen},
        "memory": {
            "total_bytes": total_memory,
            "used_bytes": used_memory,
            "available_bytes": system.available_memory(),
            "total": human_size(total_memory as i64),
            "used": human_size(used_memory as i64),
            "percent": percent(used_memory, total_memory),
        },
        "disk": {
            "path": "/",
            "total_bytes": disk_total,
            "used_bytes": disk_used,
            "available_bytes": disk_available,
            "total": human_size(disk_total as i64),
            "used": human_size(disk_used as i64),
            "percent": percent(disk_used, disk_total),
        },
        "uptime_seconds": System::uptime(),
        "boot_time": System::boot_time(),
        "berth_version": env!("CARGO_PKG_VERSION"),
        "timestamp": now_rfc3339(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_df_documents_are_summarised_like_docker_system_df() {
        let doc = json!({
            "LayersSize": 1000,
            "Images": [
                {"Containers": 1, "Size": 600, "SharedSize": 0},
                {"Containers": 0, "Size": 400, "SharedSize": 0}
            ],
            "Containers": [
                {"State": "running", "SizeRw": 10},
                {"State": "exited", "SizeRw": 5}
            ],
            "Volumes": [
                {"UsageData": {"Size": 100, "RefCount": 1}},
                {"UsageData": {"Size": 50, "RefCount": 0}}
            ],
            "BuildCache": [{"Size": 7, "InUse": false, "Shared": false}]
        });
        let [images, containers, volumes, cache] = summarise_disk_usage(&doc);
        assert_eq!(
            images,
            UsageTotals {
                total_count: 2,
                active: 1,
                size: 1000,
                reclaimable: 400
            }
        );
        assert_eq!(
            containers,
            UsageTotals {
                total_count: 2,
                active: 1,
                size: 15,
                reclaimable: 5
            }
        );
        assert_eq!(
            volumes,
            UsageTotals {
                total_count: 2,
                active: 1,
                size: 150,
                reclaimable: 50
            }
        );
        assert_eq!(
            cache,
            UsageTotals {
                total_count: 1,
                active: 0,
                size: 7,
                reclaimable: 7
            }
        );
    }

    #[test]
    fn new_df_documents_are_read_too() {
        let doc = json!({"ImageUsage": {"TotalCount": 3, "ActiveCount": 1, "TotalSize": 9, "Reclaimable": 4}});
        let [images, ..] = summarise_disk_usage(&doc);
        assert_eq!(
            images,
            UsageTotals {
                total_count: 3,
                active: 1,
                size: 9,
                reclaimable: 4
            }
        );
    }
}
