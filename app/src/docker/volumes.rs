//! Volume operations: list, inspect, create, remove, prune and usage statistics.

use std::collections::{BTreeMap, HashMap};

use bollard::errors::Error as BollardError;
use bollard::models::{ContainerSummary as DockerContainerSummary, Volume, VolumeCreateRequest};
use bollard::query_parameters::{
    ListContainersOptions, ListVolumesOptions, PruneVolumesOptions, RemoveVolumeOptions,
};

use super::disk_usage::VolumeDiskUsage;
use super::{DockerService, Operation, is_docker_name, now_rfc3339};
use crate::error::AppError;
use crate::model::human_size;
use crate::model::volumes::{
    CreateVolumeRequest, DriverUsage, PruneVolumesResult, VolumeDetails, VolumeResult, VolumeStats,
    VolumeSummary, VolumeUsage, VolumeUser,
};

fn subject(name: &str) -> String {
    format!("Volume '{name}'")
}

fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}

fn container_name(item: &DockerContainerSummary) -> String {
    item.names
        .as_ref()
        .and_then(|names| names.first())
        .map(|name| name.strip_prefix('/').unwrap_or(name).to_string())
        .unwrap_or_else(|| short_id(item.id.as_deref().unwrap_or_default()))
}

/// Checks a volume name given in a path: Docker's characters only, so it is passed to the daemon as
/// data (never as part of a different URL).
fn validate_volume_reference(name: &str) -> Result<(), AppError> {
    if is_docker_name(name, 1) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid volume name '{name}': use characters from [a-zA-Z0-9_.-], starting with a letter or digit"
        )))
    }
}

/// Checks a new volume's name against Docker's rule `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn validate_volume_name(name: &str) -> Result<(), AppError> {
    if is_docker_name(name, 2) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid volume name '{name}': use 2-255 characters from [a-zA-Z0-9_.-], starting with a letter or digit"
        )))
    }
}

/// Checks a driver name (`local`, `vieux/sshfs:latest`...).
pub(crate) fn validate_driver_name(driver: &str, what: &str) -> Result<(), AppError> {
    let valid = !driver.is_empty()
        && driver.len() <= 255
        && driver
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ':'));
    if valid {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid {what} driver '{driver}'"
        )))
    }
}

/// Checks that no key of a string map is empty.
pub(crate) fn validate_keys(map: &BTreeMap<String, String>, field: &str) -> Result<(), AppError> {
    if map.keys().any(|k| k.trim().is_empty()) {
        Err(AppError::bad_request(format!(
            "Field '{field}' must not contain an empty key"
        )))
    } else {
        Ok(())
    }
}

fn sorted(map: HashMap<String, String>) -> BTreeMap<String, String> {
    map.into_iter().collect()
}

fn summary_from_docker(volume: Volume) -> VolumeSummary {
    VolumeSummary {
        name: volume.name,
        driver: volume.driver,
        mountpoint: volume.mountpoint,
        created: volume.created_at.map(|c| c.to_string()).unwrap_or_default(),
        labels: sorted(volume.labels),
        scope: volume
            .scope
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "local".into()),
        options: sorted(volume.options),
    }
}

/// The filter `label=<key>` or `label=<key>=<value>` for prune, when given.
pub(crate) fn label_filter(
    label: Option<&str>,
) -> Result<Option<HashMap<String, Vec<String>>>, AppError> {
    match label.map(str::trim) {
        None => Ok(None),
        Some("") => Err(AppError::bad_request(
            "Invalid query parameter 'label': use key or key=value",
        )),
        Some(text) => {
            if text.chars().any(|c| c.is_control()) {
                return Err(AppError::bad_request(
                    "Invalid query parameter 'label': use key or key=value",
                ));
            }
            Ok(Some(HashMap::from([(
                "label".to_string(),
                vec![text.to_string()],
            )])))
        }
    }
}

/// Builds the statistics from the df volumes and the containers' mounts.
fn build_stats(df: Vec<VolumeDiskUsage>, containers: &[DockerContainerSummary]) -> VolumeStats {
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    for container in containers {
        for mount in container.mounts.as_deref().unwrap_or_default() {
            let is_volume = mount.typ.as_deref() == Some("volume");
            if let (true, Some(name)) = (is_volume, mount.name.as_ref()) {
                let list = users.entry(name.clone()).or_default();
                let container = container_name(container);
                if !list.contains(&container) {
                    list.push(container);
                }
            }
        }
    }
    let mut by_driver: BTreeMap<String, DriverUsage> = BTreeMap::new();
    let (mut total, mut reclaimable, mut in_use) = (0i64, 0i64, 0usize);
    let mut volumes: Vec<VolumeUsage> = df
        .into_iter()
        .map(|volume| {
            let VolumeDiskUsage {
                name,
                driver,
                size,
                ref_count,
            } = volume;
            let mut containers = users.remove(&name).unwrap_or_default();
            containers.sort();
            let used = ref_count > 0 || !containers.is_empty();
            let known = size.max(0);
            total += known;
            if used {
                in_use += 1;
            } else {
                reclaimable += known;
            }
            let entry = by_driver.entry(driver.clone()).or_default();
            entry.count += 1;
            entry.size_bytes += known;
            VolumeUsage {
                size: if size >= 0 {
                    human_size(size)
                } else {
                    "N/A".into()
                },
                name,
                driver,
                size_bytes: size,
                ref_count,
                in_use: used,
                containers,
            }
        })
        .collect();
    for usage in by_driver.values_mut() {
        usage.size = human_size(usage.size_bytes);
    }
    volumes.sort_by(|a, b| b.size_bytes.cmp(&a.size_bytes).then(a.name.cmp(&b.name)));
    VolumeStats {
        total_count: volumes.len(),
        total_size_bytes: total,
        total_size: human_size(total),
        in_use,
        unused: volumes.len() - in_use,
        reclaimable_bytes: reclaimable,
        reclaimable: human_size(reclaimable),
        by_driver,
        volumes,
        timestamp: now_rfc3339(),
    }
}

impl DockerService {
    /// `docker volume ls`, sorted by name.
    pub async fn list_volumes(&self) -> Result<Vec<VolumeSummary>, AppError> {
        let client = self.client().await?;
        let list = client.list_volumes(None::<ListVolumesOptions>);
        let response = match self.call(Operation::VolumeList, list).await {
            Ok(response) => response,
            Err(err) => return Err(self.fail(err, "Volume list").await),
        };
        let mut volumes: Vec<VolumeSummary> = response
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(summary_from_docker)
            .collect();
        volumes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(volumes)
    }

    /// Lists every container (running or not) that mounts the volume, in one daemon call.
    async fn containers_using_volume(
        &self,
        name: &str,
    ) -> Result<Vec<DockerContainerSummary>, AppError> {
        let client = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "volume".to_string(),
                vec![name.to_string()],
            )])),
            ..Default::default()
        };
        let list = client.list_containers(Some(options));
        match self.call(Operation::ContainerList, list).await {
            Ok(items) => Ok(items),
            Err(err) => Err(self.fail(err, "Container list").await),
        }
    }

    async fn inspect_volume_raw(&self, name: &str) -> Result<Volume, AppError> {
        validate_volume_reference(name)?;
        let client = self.client().await?;
        match self
            .call(Operation::VolumeInspect, client.inspect_volume(name))
            .await
        {
            Ok(volume) => Ok(volume),
            Err(err) => Err(self.fail(err, &subject(name)).await),
        }
    }

    /// `docker volume inspect` plus the containers using the volume.
    pub async fn volume_details(&self, name: &str) -> Result<VolumeDetails, AppError> {
        let volume = self.inspect_volume_raw(name).await?;
        let users = self.containers_using_volume(&volume.name).await?;
        let summary = summary_from_docker(volume);
        let mut containers: Vec<VolumeUser> = users
            .iter()
            .map(|item| {
                let mount = item
                    .mounts
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .find(|m| m.name.as_deref() == Some(summary.name.as_str()));
                VolumeUser {
                    id: short_id(item.id.as_deref().unwrap_or_default()),
                    name: container_name(item),
                    status: item.state.map(|s| s.to_string()).unwrap_or_default(),
                    destination: mount
                        .and_then(|m| m.destination.clone())
                        .unwrap_or_default(),
                    rw: mount.and_then(|m| m.rw).unwrap_or_default(),
                }
            })
            .collect();
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(VolumeDetails {
            name: summary.name,
            driver: summary.driver,
            mountpoint: summary.mountpoint,
            created: summary.created,
            labels: summary.labels,
            scope: summary.scope,
            options: summary.options,
            in_use: !containers.is_empty(),
            containers,
        })
    }

    /// `docker volume create`. Like the docker CLI, asking for an existing name succeeds when the request
    /// matches the existing volume (status `exists`, nothing changed); a different driver, labels or
    /// options is a conflict, since the daemon would silently keep the old ones.
    pub async fn create_volume(
        &self,
        request: CreateVolumeRequest,
    ) -> Result<VolumeResult, AppError> {
        if let Some(name) = &request.name {
            if name.trim().is_empty() {
                return Err(AppError::bad_request(
                    "Field 'name' must not be empty: omit it to get a generated name",
                ));
            }
            validate_volume_name(name)?;
        }
        let driver = request.driver.clone().unwrap_or_else(|| "local".into());
        validate_driver_name(&driver, "volume")?;
        if let Some(labels) = &request.labels {
            validate_keys(labels, "labels")?;
        }
        if let Some(options) = &request.options {
            validate_keys(options, "options")?;
            self.policy()
                .check_volume_options(options.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        }
        let client = self.client().await?;
        if let Some(options) = &request.options {
            // Judged again with the engine's data root, which only the daemon knows.
            self.policy_with_engine_paths()
                .await?
                .check_volume_options(options.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        }
        if let Some(name) = &request.name {
            match self
                .call(Operation::VolumeInspect, client.inspect_volume(name))
                .await
            {
                Ok(existing) => return Err(volume_name_taken(existing, &request)),
                Err(BollardError::DockerResponseServerError {
                    status_code: 404, ..
                }) => {}
                Err(err) => return Err(self.fail(err, &subject(name)).await),
            }
        }
        let label = request.name.clone().unwrap_or_else(|| "(generated)".into());
        let config = VolumeCreateRequest {
            name: request.name.clone(),
            driver: Some(driver.clone()),
            driver_opts: request.options.clone().map(|o| o.into_iter().collect()),
            labels: request.labels.clone().map(|l| l.into_iter().collect()),
            ..Default::default()
        };
        let create = client.create_volume(config);
        let volume = match self.call(Operation::VolumeCreate, create).await {
            Ok(volume) => volume,
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) if message.contains("plugin") => {
                return Err(AppError::bad_request(format!(
                    "Unknown volume driver '{driver}': {message}"
                )));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 500,
                message,
            }) if message.contains("already has volume") || message.contains("name conflict") => {
                return Err(AppError::Conflict(format!(
                    "Volume '{label}' already exists with another driver: {message}"
                )));
            }
            Err(err) => return Err(self.fail(err, &subject(&label)).await),
        };
        let summary = summary_from_docker(volume);
        Ok(VolumeResult {
            message: format!("Volume '{}' created", summary.name),
            name: summary.name.clone(),
            status: "created".into(),
            volume: Some(summary),
        })
    }

    /// `docker volume rm [-f]`. An unknown volume is a 404 even with `force`. A volume in use is a 409
    /// naming the containers using it (`force` does not override that: it only purges volumes whose
    /// driver fails to remove them).
    pub async fn remove_volume(&self, name: &str, force: bool) -> Result<VolumeResult, AppError> {
        validate_volume_reference(name)?;
        if force {
            // the daemon answers a forced removal of a missing volume with success, like `rm -f`;
            // the contract answers an unknown volume with 404
            self.inspect_volume_raw(name).await?;
        }
        let client = self.client().await?;
        let remove = client.remove_volume(name, Some(RemoveVolumeOptions { force }));
        match self.call(Operation::VolumeRemove, remove).await {
            Ok(()) => Ok(VolumeResult {
                message: format!("Volume '{name}' removed"),
                name: name.to_string(),
                status: "removed".into(),
                volume: None,
            }),
            Err(BollardError::DockerResponseServerError {
                status_code: 409,
                message,
            }) => {
                let users = self.containers_using_volume(name).await?;
                let mut names: Vec<String> = users.iter().map(container_name).collect();
                names.sort();
                Err(AppError::Conflict(if names.is_empty() {
                    format!("Volume '{name}' is in use: {message}")
                } else {
                    format!(
                        "Volume '{name}' is in use by container(s) {}: remove them first",
                        names.join(", ")
                    )
                }))
            }
            Err(err) => Err(self.fail(err, &subject(name)).await),
        }
    }

    /// `docker volume prune`: what the daemon removed, exactly. On API 1.41 (Docker 20.10) the daemon
    /// removes every unused local volume, named or anonymous; from API 1.42 it removes anonymous ones
    /// unless `all`. `label` (`key` or `key=value`) limits the prune to matching volumes.
    pub async fn prune_volumes(
        &self,
        all: bool,
        label: Option<&str>,
    ) -> Result<PruneVolumesResult, AppError> {
        let mut filters = label_filter(label)?.unwrap_or_default();
        let client = self.client().await?;
        let version = client.client_version();
        if all && (version.major_version, version.minor_version) >= (1, 42) {
            filters.insert("all".into(), vec!["true".into()]);
        }
        let options = PruneVolumesOptions {
            filters: (!filters.is_empty()).then_some(filters),
        };
        let prune = client.prune_volumes(Some(options));
        let response = match self.call(Operation::VolumePrune, prune).await {
            Ok(response) => response,
            Err(err) => return Err(self.fail(err, "Volume prune").await),
        };
        let deleted = response.volumes_deleted.unwrap_or_default();
        let space = response.space_reclaimed.unwrap_or_default();
        Ok(PruneVolumesResult {
            message: format!(
                "{} unused volume(s) removed, {} reclaimed",
                deleted.len(),
                human_size(space)
            ),
            count: deleted.len(),
            volumes_deleted: deleted,
            space_reclaimed: space,
            space_reclaimed_human: human_size(space),
        })
    }

    /// What `docker volume prune` would remove, without removing anything: the volumes the daemon lists as
    /// unused (`dangling=true`), with their sizes from its disk usage. The console's prune asks with
    /// `all` set, so on every API version it removes exactly these.
    pub async fn prune_volumes_preview(&self) -> Result<Vec<VolumeUsage>, AppError> {
        let client = self.client().await?;
        let options = ListVolumesOptions {
            filters: Some(HashMap::from([(
                "dangling".to_string(),
                vec!["true".to_string()],
            )])),
        };
        let unused = match client.list_volumes(Some(options)).await {
            Ok(response) => response.volumes.unwrap_or_default(),
            Err(err) => return Err(self.fail(err, "Volume list").await),
        };
        let sizes: HashMap<String, VolumeUsage> = self
            .volume_stats()
            .await?
            .volumes
            .into_iter()
            .map(|usage| (usage.name.clone(), usage))
            .collect();
        let mut preview: Vec<VolumeUsage> = unused
            .into_iter()
            .map(|volume| {
                sizes.get(&volume.name).cloned().unwrap_or(VolumeUsage {
                    name: volume.name.clone(),
                    driver: volume.driver.clone(),
                    size_bytes: -1,
                    size: "unknown".into(),
                    ref_count: 0,
                    in_use: false,
                    containers: Vec::new(),
                })
            })
            .collect();
        preview.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(preview)
    }

    /// Sizes (from the daemon's disk usage) and users (from one container list) of every volume.
    pub async fn volume_stats(&self) -> Result<VolumeStats, AppError> {
        let client = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let (doc, containers) = tokio::join!(
            self.disk_usage_document(),
            self.call(
                Operation::ContainerList,
                client.list_containers(Some(options))
            )
        );
        let doc = doc?;
        let containers = match containers {
            Ok(items) => items,
            Err(err) => return Err(self.fail(err, "Container list").await),
        };
        Ok(build_stats(doc.volumes(), &containers))
    }
}

/// The conflict of a create whose name a volume already has (409, as the contract decides for a name in
/// use; the CLI would hand back the existing volume): what differs from the request, if anything.
fn volume_name_taken(existing: Volume, request: &CreateVolumeRequest) -> AppError {
    let summary = summary_from_docker(existing);
    let name = &summary.name;
    if let Some(driver) = &request.driver
        && driver != &summary.driver
    {
        return AppError::Conflict(format!(
            "Volume '{name}' already exists with driver '{}'",
            summary.driver
        ));
    }
    if let Some(labels) = &request.labels
        && labels != &summary.labels
    {
        return AppError::Conflict(format!(
            "Volume '{name}' already exists with different labels"
        ));
    }
    if let Some(options) = &request.options
        && options != &summary.options
    {
        return AppError::Conflict(format!(
            "Volume '{name}' already exists with different driver options"
        ));
    }
    AppError::Conflict(format!("Volume '{name}' already exists"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::disk_usage::DiskUsageDocument;
    use serde_json::json;

    #[test]
    fn volume_names_follow_dockers_rule() {
        assert!(validate_volume_name("postgres-data").is_ok());
        assert!(validate_volume_name("a").is_err());
        assert!(validate_volume_name("-x").is_err());
        assert!(validate_volume_name("a/b").is_err());
        assert!(validate_volume_name("a b").is_err());
        assert!(validate_volume_reference("x?force=1").is_err());
        assert!(validate_volume_reference("..").is_err());
        assert!(validate_volume_reference("a").is_ok());
    }

    #[test]
    fn an_existing_name_is_a_conflict_that_says_what_differs() {
        let volume: Volume = serde_json::from_value(json!({
            "Name": "v1", "Driver": "local", "Mountpoint": "/x", "Labels": {"a": "b"},
            "Options": null, "Scope": "local"
        }))
        .expect("valid");
        let same = CreateVolumeRequest {
            name: Some("v1".into()),
            ..Default::default()
        };
        assert_eq!(
            volume_name_taken(volume.clone(), &same),
            AppError::Conflict("Volume 'v1' already exists".into())
        );
        let other = CreateVolumeRequest {
            labels: Some(BTreeMap::from([("a".into(), "c".into())])),
            ..same
        };
        assert_eq!(
            volume_name_taken(volume.clone(), &other),
            AppError::Conflict("Volume 'v1' already exists with different labels".into())
        );
        let driver = CreateVolumeRequest {
            driver: Some("nfs".into()),
            ..CreateVolumeRequest::default()
        };
        assert_eq!(
            volume_name_taken(volume, &driver),
            AppError::Conflict("Volume 'v1' already exists with driver 'local'".into())
        );
    }

    #[test]
    fn stats_join_sizes_and_users() {
        let doc: DiskUsageDocument = serde_json::from_value(json!({"Volumes": [
            {"Name": "a", "Driver": "local", "UsageData": {"Size": 100, "RefCount": 1}},
            {"Name": "b", "Driver": "local", "UsageData": {"Size": 50, "RefCount": 0}},
            {"Name": "c", "Driver": "nfs", "UsageData": {"Size": -1, "RefCount": 0}}
        ]}))
        .expect("a df document");
        let containers: Vec<DockerContainerSummary> = serde_json::from_value(json!([
            {"Id": "0123456789abcdef", "Names": ["/web"], "Mounts": [{"Type": "volume", "Name": "a"}]}
        ]))
        .expect("valid");
        let stats = build_stats(doc.volumes(), &containers);
        assert_eq!(stats.total_count, 3);
        assert_eq!(stats.total_size_bytes, 150);
        assert_eq!(stats.in_use, 1);
        assert_eq!(stats.unused, 2);
        assert_eq!(stats.reclaimable_bytes, 50);
        assert_eq!(stats.volumes[0].name, "a");
        assert_eq!(stats.volumes[0].containers, vec!["web".to_string()]);
        assert_eq!(stats.volumes[2].size, "N/A");
        assert_eq!(stats.by_driver["local"].count, 2);
        assert_eq!(stats.by_driver["nfs"].size_bytes, 0);
    }
}
