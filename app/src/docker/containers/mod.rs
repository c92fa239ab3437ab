//! Container operations.

mod bulk;
mod fleet;
mod lifecycle;
pub mod logs;
mod recreate;
mod spec;
mod stats;

use std::collections::BTreeMap;

use bollard::errors::Error as BollardError;
use bollard::models::{ContainerInspectResponse, ContainerStatsResponse};
use bollard::query_parameters::{
    CreateContainerOptions, InspectContainerOptions, KillContainerOptions, RemoveContainerOptions,
    RenameContainerOptions, RestartContainerOptions, StartContainerOptions, StatsOptions,
    StopContainerOptions, TopOptions,
};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{DockerService, Operation, unix_to_rfc3339};
use crate::error::AppError;
use crate::model::ActionResult;
use crate::model::containers::{
    ContainerDetails, ContainerMount, ContainerNetwork, ContainerProcesses, ContainerStats,
    ContainerSummary, CreateContainerRequest, PortBinding, PortMap, RestartPolicy,
};
pub use bulk::BULK_LIMIT;
pub(crate) use fleet::FleetWatch;
pub use fleet::{FLEET_WATCH_IDLE, FLEET_WATCH_LIMIT};
pub use spec::{build_create_spec, parse_memory, validate_container_name};

/// How many log lines to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTail {
    /// Every line.
    All,
    /// The last N lines.
    Last(u64),
}

impl LogTail {
    fn as_docker(&self) -> String {
        match self {
            LogTail::All => "all".into(),
            LogTail::Last(n) => n.to_string(),
        }
    }

    fn as_json(&self) -> serde_json::Value {
        match self {
            LogTail::All => "all".into(),
            LogTail::Last(n) => (*n).into(),
        }
    }
}

fn subject(id: &str) -> String {
    format!("Container '{id}'")
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}

fn trim_name(name: &str) -> String {
    name.strip_prefix('/').unwrap_or(name).to_string()
}

fn is_not_modified(err: &BollardError) -> bool {
    matches!(
        err,
        BollardError::DockerResponseServerError {
            status_code: 304,
            ..
        }
    )
}

/// One port of a list entry: (host ip, container port, host port, protocol).
type ListedPort<'a> = (Option<&'a str>, u16, Option<u16>, &'a str);

/// Builds the inspect-shaped port map from the list endpoint's port entries.
fn ports_from_list<'a>(ports: impl IntoIterator<Item = ListedPort<'a>>) -> PortMap {
    let mut map = PortMap::new();
    for (ip, private_port, public_port, proto) in ports {
        let proto = if proto.is_empty() { "tcp" } else { proto };
        let key = format!("{private_port}/{proto}");
        match public_port {
            Some(public) => {
                let binding = PortBinding {
                    host_ip: ip.unwrap_or_default().to_string(),
                    host_port: public.to_string(),
                };
                match map.entry(key).or_insert(None) {
                    Some(list) => list.push(binding),
                    slot @ None => *slot = Some(vec![binding]),
                }
            }
            None => {
                map.entry(key).or_insert(None);
            }
        }
    }
    map
}

/// The fields of `GET /containers/json` that the list view needs; the rest of each entry is skipped
/// while parsing.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedContainer {
    id: String,
    #[serde(default)]
    names: Option<Vec<String>>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    created: Option<i64>,
    #[serde(default)]
    ports: Option<Vec<ListedPortEntry>>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedPortEntry {
    #[serde(rename = "IP", default)]
    ip: Option<String>,
    private_port: u16,
    #[serde(default)]
    public_port: Option<u16>,
    #[serde(rename = "Type", default)]
    kind: Option<String>,
}

fn summary_from_listed(item: ListedContainer) -> ContainerSummary {
    let ports = ports_from_list(item.ports.iter().flatten().map(|p| {
        (
            p.ip.as_deref(),
            p.private_port,
            p.public_port,
            p.kind.as_deref().unwrap_or_default(),
        )
    }));
    ContainerSummary {
        id: short_id(&item.id),
        name: item
            .names
            .and_then(|names| names.into_iter().next())
            .map(|name| trim_name(&name))
            .unwrap_or_default(),
        image: item.image.unwrap_or_default(),
        status: item.state.unwrap_or_default(),
        status_text: item.status.unwrap_or_default(),
        created: unix_to_rfc3339(item.created.unwrap_or_default()),
        ports,
        labels: item.labels.unwrap_or_default(),
        command: item.command.unwrap_or_default(),
    }
}

fn details_from_inspect(inspect: ContainerInspectResponse) -> ContainerDetails {
    let id = inspect.id.unwrap_or_default();
    let config = inspect.config.unwrap_or_default();
    let host = inspect.host_config.unwrap_or_default();
    let state = inspect.state.unwrap_or_default();
    let network_settings = inspect.network_settings.unwrap_or_default();
    let networks = network_settings
        .networks
        .unwrap_or_default()
        .into_iter()
        .map(|(name, endpoint)| {
            (
                name,
                ContainerNetwork {
                    network_id: endpoint.network_id.unwrap_or_default(),
                    ip_address: endpoint.ip_address.unwrap_or_default(),
                    gateway: endpoint.gateway.unwrap_or_default(),
                    mac_address: endpoint.mac_address.unwrap_or_default(),
                    aliases: endpoint.aliases.unwrap_or_default(),
                },
            )
        })
        .collect();
    let ports = network_settings
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(|(port, bindings)| {
            let bindings = bindings.map(|list| {
                list.into_iter()
                    .map(|b| PortBinding {
                        host_ip: b.host_ip.unwrap_or_default(),
                        host_port: b.host_port.unwrap_or_default(),
                    })
                    .collect()
            });
            (port, bindings)
        })
        .collect();
    let mounts = inspect
        .mounts
        .unwrap_or_default()
        .into_iter()
        .map(|m| ContainerMount {
            kind: m.typ.unwrap_or_default(),
            name: m.name,
            source: m.source.unwrap_or_default(),
            destination: m.destination.unwrap_or_default(),
            mode: m.mode.unwrap_or_default(),
            rw: m.rw.unwrap_or_default(),
        })
        .collect();
    let restart = host.restart_policy.unwrap_or_default();
    ContainerDetails {
        short_id: short_id(&id),
        id,
        name: trim_name(&inspect.name.unwrap_or_default()),
        image: config.image.unwrap_or_default(),
        image_id: inspect.image.unwrap_or_default(),
        status: state.status.map(|s| s.to_string()).unwrap_or_default(),
        running: state.running.unwrap_or_default(),
        paused: state.paused.unwrap_or_default(),
        created: inspect.created.unwrap_or_default(),
        started: state.started_at.unwrap_or_default(),
        finished: state.finished_at.unwrap_or_default(),
        exit_code: state.exit_code.unwrap_or_default(),
        pid: state.pid.unwrap_or_default(),
        restart_count: inspect.restart_count.unwrap_or_default(),
        health: state
            .health
            .and_then(|h| h.status)
            .map(|status| status.to_string()),
        ports,
        networks,
        mounts,
        environment: config.env.unwrap_or_default(),
        labels: config.labels.unwrap_or_default().into_iter().collect(),
        command: config.cmd.unwrap_or_default(),
        entrypoint: config.entrypoint.unwrap_or_default(),
        working_dir: config.working_dir.unwrap_or_default(),
        user: config.user.unwrap_or_default(),
        hostname: config.hostname.unwrap_or_default(),
        restart_policy: RestartPolicy {
            name: restart
                .name
                .map(|n| n.to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "no".into()),
            maximum_retry_count: restart.maximum_retry_count.unwrap_or_default(),
        },
        tty: config.tty.unwrap_or_default(),
        privileged: host.privileged.unwrap_or_default(),
        network_mode: host.network_mode.unwrap_or_default(),
        memory: host.memory.unwrap_or_default(),
        nano_cpus: host.nano_cpus.unwrap_or_default(),
    }
}

fn stats_from_docker(id: String, name: String, stats: ContainerStatsResponse) -> ContainerStats {
    let cpu = stats.cpu_stats.unwrap_or_default();
    let precpu = stats.precpu_stats.unwrap_or_default();
    let total = cpu
        .cpu_usage
        .as_ref()
        .and_then(|u| u.total_usage)
        .unwrap_or(0);
    let pre_total = precpu
        .cpu_usage
        .as_ref()
        .and_then(|u| u.total_usage)
        .unwrap_or(0);
    let system = cpu.system_cpu_usage.unwrap_or(0);
    let pre_system = precpu.system_cpu_usage.unwrap_or(0);
    let online = cpu
        .online_cpus
        .map(u64::from)
        .or_else(|| {
            cpu.cpu_usage
                .as_ref()
                .and_then(|u| u.percpu_usage.as_ref())
                .map(|v| v.len() as u64)
        })
        .unwrap_or(1)
        .max(1);
    let cpu_delta = total.saturating_sub(pre_total) as f64;
    let system_delta = system.saturating_sub(pre_system) as f64;
    let cpu_percent = if cpu_delta > 0.0 && system_delta > 0.0 {
        cpu_delta / system_delta * online as f64 * 100.0
    } else {
        0.0
    };
    let memory = stats.memory_stats.unwrap_or_default();
    let cache = memory
        .stats
        .as_ref()
        .and_then(|s| {
            s.get("inactive_file")
                .or_else(|| s.get("total_inactive_file"))
                .or_else(|| s.get("cache"))
        })
        .copied()
        .unwrap_or(0);
    let memory_usage = memory.usage.unwrap_or(0).saturating_sub(cache);
    let memory_limit = memory.limit.unwrap_or(0);
    let memory_percent = if memory_limit > 0 {
        memory_usage as f64 / memory_limit as f64 * 100.0
    } else {
        0.0
    };
    let (rx, tx) = stats
        .networks
        .unwrap_or_default()
        .values()
        .fold((0, 0), |(rx, tx), n| {
            (rx + n.rx_bytes.unwrap_or(0), tx + n.tx_bytes.unwrap_or(0))
        });
    let (read, write) = stats
        .blkio_stats
        .and_then(|b| b.io_service_bytes_recursive)
        .unwrap_or_default()
        .iter()
        .fold((0, 0), |(r, w), entry| {
            match entry.op.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("read") => (r + entry.value.unwrap_or(0), w),
                Some("write") => (r, w + entry.value.unwrap_or(0)),
                _ => (r, w),
            }
        });
    ContainerStats {
        container_id: id,
        name,
        cpu_percent: (cpu_percent * 100.0).round() / 100.0,
        memory_usage,
        memory_limit,
        memory_percent: (memory_percent * 100.0).round() / 100.0,
        network_rx_bytes: rx,
        network_tx_bytes: tx,
        block_read_bytes: read,
        block_write_bytes: write,
        pids: stats.pids_stats.and_then(|p| p.current).unwrap_or(0),
        read: stats.read.unwrap_or_default(),
    }
}

impl DockerService {
    /// Lists containers (running only unless `all`), in one daemon call.
    ///
    /// The daemon's list is decoded straight into the few fields the view needs when the transport
    /// allows it (unix socket, plain tcp), which keeps the cost of large lists close to the daemon's own.
    pub async fn list_containers(&self, all: bool) -> Result<Vec<ContainerSummary>, AppError> {
        self.list_labelled_containers(all, &BTreeMap::new()).await
    }

    /// Lists the containers carrying every one of `labels` (a label-scoped caller's view), filtered
    /// by the daemon in the same single call.
    pub async fn list_labelled_containers(
        &self,
        all: bool,
        labels: &BTreeMap<String, String>,
    ) -> Result<Vec<ContainerSummary>, AppError> {
        let label_filters: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut path = String::from("/containers/json");
        let mut separator = '?';
        if all {
            path.push_str("?all=1");
            separator = '&';
        }
        if !label_filters.is_empty() {
            let filters = serde_json::json!({ "label": label_filters }).to_string();
            path.push(separator);
            path.push_str("filters=");
            path.push_str(&percent_encode(&filters));
        }
        let listed: Vec<ListedContainer> = self
            .raw_get(Operation::ContainerList, &path, "Container list")
            .await?;
        Ok(listed.into_iter().map(summary_from_listed).collect())
    }

    /// Succeeds when container `id` exists and carries every one of `labels`; otherwise answers
    /// exactly as for an unknown container (a label-scoped caller cannot tell the two apart).
    pub async fn ensure_container_labelled(
        &self,
        id: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<(), AppError> {
        let not_found = || AppError::NotFound(format!("{} not found", subject(id)));
        if id.is_empty() {
            return Err(not_found());
        }
        let inspect = match self.inspect_raw(id).await {
            Ok(inspect) => inspect,
            Err(AppError::NotFound(_)) => return Err(not_found()),
            Err(other) => return Err(other),
        };
        let carried = inspect
            .config
            .and_then(|config| config.labels)
            .unwrap_or_default();
        if labels
            .iter()
            .all(|(key, value)| carried.get(key) == Some(value))
        {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    async fn inspect_raw(&self, id: &str) -> Result<ContainerInspectResponse, AppError> {
        let client = self.client().await?;
        let inspect = client.inspect_container(id, None::<InspectContainerOptions>);
        match self.call(Operation::ContainerInspect, inspect).await {
            Ok(inspect) => Ok(inspect),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// Docker's raw inspect document, as `docker inspect` prints it.
    pub async fn inspect_container_document(
        &self,
        id: &str,
    ) -> Result<serde_json::Value, AppError> {
        let inspect = self.inspect_raw(id).await?;
        serde_json::to_value(inspect).map_err(|err| {
            tracing::error!(error = %err, "could not encode inspect document");
            AppError::Internal("Could not encode the inspect document".into())
        })
    }

    /// The details of one container.
    pub async fn container_details(&self, id: &str) -> Result<ContainerDetails, AppError> {
        let inspect = self.inspect_raw(id).await?;
        Ok(details_from_inspect(inspect))
    }

    /// Resolves an id, prefix or name to (full id, name), or a 404 naming it.
    async fn resolve(&self, id: &str) -> Result<(String, String), AppError> {
        let found = self.resolve_with_state(id).await?;
        Ok((found.0, found.1))
    }

    /// Like [`Self::resolve`], plus whether the container is running.
    pub(crate) async fn resolve_with_state(
        &self,
        id: &str,
    ) -> Result<(String, String, bool), AppError> {
        let inspect = self.inspect_raw(id).await?;
        let running = inspect
            .state
            .as_ref()
            .and_then(|s| s.running)
            .unwrap_or(false);
        Ok((
            inspect.id.unwrap_or_default(),
            trim_name(&inspect.name.unwrap_or_default()),
            running,
        ))
    }

    /// Creates a container (never starts it), after validating every field of the request.
    pub async fn create_container(
        &self,
        request: CreateContainerRequest,
    ) -> Result<ActionResult, AppError> {
        let spec = build_create_spec(request, self.policy())?;
        let client = self.client().await?;
        // Judged again with the engine's data root, which only the daemon knows.
        self.policy_with_engine_paths()
            .await?
            .check_container(&spec.body)?;
        let options = spec.name.as_ref().map(|name| CreateContainerOptions {
            name: Some(name.clone()),
            ..Default::default()
        });
        let label = spec.name.clone().unwrap_or_else(|| spec.image.clone());
        let create = client.create_container(options, spec.body);
        let created = match self.call(Operation::ContainerCreate, create).await {
            Ok(created) => created,
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) => {
                let lower = message.to_ascii_lowercase();
                return Err(AppError::NotFound(if lower.contains("no such image") {
                    format!(
                        "Image '{}' not found: pull it first (POST /api/images/pull)",
                        spec.image
                    )
                } else if lower.contains("network") {
                    format!("Network not found: {message}")
                } else {
                    message
                }));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => {
                return Err(AppError::Conflict(format!(
                    "Container name '{label}' is already in use"
                )));
            }
            Err(err) => return Err(self.fail(err, &subject(&label)).await),
        };
        let name = match spec.name {
            Some(name) => name,
            None => self
                .resolve(&created.id)
                .await
                .map(|(_, name)| name)
                .unwrap_or_default(),
        };
        Ok(ActionResult {
            message: format!("Container '{name}' created"),
            container_id: created.id,
            name,
            status: "created".into(),
        })
    }

    /// The processes running in a container (`docker top`).
    pub async fn container_processes(
        &self,
        id: &str,
        ps_args: Option<String>,
    ) -> Result<ContainerProcesses, AppError> {
        if let Some(args) = &ps_args
            && !args
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ' ' | ',' | '='))
        {
            return Err(AppError::bad_request(format!(
                "Invalid ps_args '{args}': use ps options like \"aux\" or \"-ef\""
            )));
        }
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let options = ps_args.map(|ps_args| TopOptions { ps_args });
        let top = client.top_processes(&full_id, options);
        match self.call(Operation::ContainerTop, top).await {
            Ok(top) => Ok(ContainerProcesses {
                container_id: full_id,
                titles: top.titles.unwrap_or_default(),
                processes: top.processes.unwrap_or_default(),
            }),
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => Err(AppError::Conflict(format!(
                "Container '{name}' is not running"
            ))),
            Err(BollardError::DockerResponseServerError {
                status_code: 500,
                message,
            }) if message.contains("is not running") => Err(AppError::Conflict(format!(
                "Container '{name}' is not running"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// One sample of a container's resource usage (`docker stats --no-stream`).
    pub async fn container_stats(&self, id: &str) -> Result<ContainerStats, AppError> {
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let options = StatsOptions {
            stream: false,
            one_shot: false,
        };
        let mut stream = self.timed_stream(
            Operation::ContainerStats,
            client.stats(&full_id, Some(options)),
        );
        match stream.next().await {
            Some(Ok(stats)) => Ok(stats_from_docker(full_id, name, stats)),
            Some(Err(err)) => Err(self.fail(err, &subject(id)).await),
            None => Err(AppError::Internal(format!(
                "The daemon returned no stats for container '{name}'"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
