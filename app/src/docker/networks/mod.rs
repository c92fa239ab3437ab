//! Network operations: list, inspect, create, remove, connect, disconnect, prune and statistics.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use bollard::errors::Error as BollardError;
use bollard::models::{
    ContainerInspectResponse, ContainerSummary as DockerContainerSummary, EndpointIpamConfig,
    EndpointSettings, Ipam, IpamConfig, Network, NetworkConnectRequest, NetworkCreateRequest,
    NetworkDisconnectRequest, NetworkInspect,
};
use bollard::query_parameters::{
    InspectContainerOptions, InspectNetworkOptions, ListContainersOptions, ListNetworksOptions,
    PruneNetworksOptions,
};
use futures_util::future::join_all;

use super::volumes::{label_filter, validate_driver_name, validate_keys};
use super::{DockerService, Operation, is_docker_name, now_rfc3339};
use crate::error::AppError;
use crate::model::networks::{
    ConnectRequest, CreateNetworkRequest, DisconnectRequest, IpamPool, IpamPoolRequest, IpamView,
    NetworkDetails, NetworkEndpoint, NetworkResult, NetworkStats, NetworkSummary, NetworkUsage,
    PruneNetworksResult,
};

mod addresses;
mod connect;
mod create;
mod usage;

use addresses::{Cidr, parse_cidr, parse_ip};

pub use create::build_network_create;

/// Docker's predefined networks, which cannot be removed.
const PREDEFINED: [&str; 3] = ["bridge", "host", "none"];

fn subject(id: &str) -> String {
    format!("Network '{id}'")
}

fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}

fn trim_name(name: &str) -> String {
    name.strip_prefix('/').unwrap_or(name).to_string()
}

fn container_name(item: &DockerContainerSummary) -> String {
    item.names
        .as_ref()
        .and_then(|names| names.first())
        .map(|name| trim_name(name))
        .unwrap_or_else(|| short_id(item.id.as_deref().unwrap_or_default()))
}

fn sorted(map: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}

/// Checks a network name or id given in a path or body, so it reaches the daemon as data only.
fn validate_reference(reference: &str, what: &str) -> Result<(), AppError> {
    let bare = reference.strip_prefix('/').unwrap_or(reference);
    if is_docker_name(bare, 1) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid {what} name or id '{reference}'"
        )))
    }
}

/// Checks a new network's name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 255 characters.
pub fn validate_network_name(name: &str) -> Result<(), AppError> {
    if is_docker_name(name, 1) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid network name '{name}': use up to 255 characters from [a-zA-Z0-9_.-], starting with a letter or digit"
        )))
    }
}

fn ipam_view(ipam: Option<Ipam>) -> IpamView {
    let ipam = ipam.unwrap_or_default();
    IpamView {
        driver: ipam.driver.unwrap_or_default(),
        config: ipam
            .config
            .unwrap_or_default()
            .into_iter()
            .map(|pool| IpamPool {
                subnet: pool.subnet.unwrap_or_default(),
                ip_range: pool.ip_range.unwrap_or_default(),
                gateway: pool.gateway.unwrap_or_default(),
                auxiliary_addresses: sorted(pool.auxiliary_addresses),
            })
            .collect(),
        options: sorted(ipam.options),
    }
}

/// The containers attached to each network (by network id), from one container list: `(name, running)`.
fn attachments(
    networks: &[Network],
    containers: &[DockerContainerSummary],
) -> HashMap<String, Vec<(String, bool)>> {
    let by_name: HashMap<&str, &str> = networks
        .iter()
        .filter_map(|n| Some((n.name.as_deref()?, n.id.as_deref()?)))
        .collect();
    let mut attached: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    for container in containers {
        let running = container.state.map(|s| s.to_string()).as_deref() == Some("running");
        let name = container_name(container);
        let endpoints = container
            .network_settings
            .as_ref()
            .and_then(|s| s.networks.as_ref());
        for (network_name, endpoint) in endpoints.into_iter().flatten() {
            let id = endpoint
                .network_id
                .as_deref()
                .filter(|id| !id.is_empty())
                .or_else(|| by_name.get(network_name.as_str()).copied());
            if let Some(id) = id {
                attached
                    .entry(id.to_string())
                    .or_default()
                    .push((name.clone(), running));
            }
        }
    }
    attached
}

fn summary_from_docker(network: Network, attached: &[(String, bool)]) -> NetworkSummary {
    let name = network.name.unwrap_or_default();
    NetworkSummary {
        id: short_id(network.id.as_deref().unwrap_or_default()),
        predefined: PREDEFINED.contains(&name.as_str()),
        name,
        driver: network.driver.unwrap_or_default(),
        scope: network.scope.unwrap_or_default(),
        internal: network.internal.unwrap_or_default(),
        attachable: network.attachable.unwrap_or_default(),
        enable_ipv6: network.enable_ipv6.unwrap_or_default(),
        subnets: network
            .ipam
            .and_then(|i| i.config)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.subnet)
            .collect(),
        labels: sorted(network.labels),
        created: network.created.map(|c| c.to_string()).unwrap_or_default(),
        containers: attached.len(),
        running_containers: attached.iter().filter(|(_, running)| *running).count(),
    }
}

/// Whether the container's settings show it attached to the network (by id or name).
fn is_attached(container: &ContainerInspectResponse, network_id: &str, network_name: &str) -> bool {
    container
        .network_settings
        .as_ref()
        .and_then(|s| s.networks.as_ref())
        .is_some_and(|networks| {
            networks.iter().any(|(name, endpoint)| {
                name == network_name || endpoint.network_id.as_deref() == Some(network_id)
            })
        })
}

fn network_result(
    message: String,
    network: &NetworkInspect,
    status: &str,
    container: Option<(String, String)>,
) -> NetworkResult {
    let (container_id, container_name) = container.unzip();
    NetworkResult {
        message,
        network_id: network.id.clone().unwrap_or_default(),
        name: network.name.clone().unwrap_or_default(),
        status: status.into(),
        container_id,
        container_name,
    }
}

impl DockerService {
    /// `docker network ls` with container counts: one network list and one container list.
    pub async fn list_networks(&self) -> Result<Vec<NetworkSummary>, AppError> {
        let (networks, containers) = self.networks_and_containers().await?;
        let attached = attachments(&networks, &containers);
        let mut list: Vec<NetworkSummary> = networks
            .into_iter()
            .map(|network| {
                let id = network.id.clone().unwrap_or_default();
                summary_from_docker(
                    network,
                    attached.get(&id).map(Vec::as_slice).unwrap_or_default(),
                )
            })
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    async fn networks_and_containers(
        &self,
    ) -> Result<(Vec<Network>, Vec<DockerContainerSummary>), AppError> {
        let client = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let (networks, containers) = tokio::join!(
            self.call(
                Operation::NetworkList,
                client.list_networks(None::<ListNetworksOptions>)
            ),
            self.call(
                Operation::ContainerList,
                client.list_containers(Some(options))
            )
        );
        let networks = match networks {
            Ok(list) => list,
            Err(err) => return Err(self.fail(err, "Network list").await),
        };
        let containers = match containers {
            Ok(list) => list,
            Err(err) => return Err(self.fail(err, "Container list").await),
        };
        Ok((networks, containers))
    }

    async fn inspect_network_raw(&self, id: &str) -> Result<NetworkInspect, AppError> {
        validate_reference(id, "network")?;
        let client = self.client().await?;
        let inspect = client.inspect_network(id, None::<InspectNetworkOptions>);
        match self.call(Operation::NetworkInspect, inspect).await {
            Ok(network) => Ok(network),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    async fn inspect_container_for(
        &self,
        container: &str,
    ) -> Result<ContainerInspectResponse, AppError> {
        validate_reference(container, "container")?;
        let client = self.client().await?;
        let inspect = client.inspect_container(container, None::<InspectContainerOptions>);
        match self.call(Operation::ContainerInspect, inspect).await {
            Ok(inspect) => Ok(inspect),
            Err(err) => Err(self.fail(err, &format!("Container '{container}'")).await),
        }
    }

    /// `docker network inspect`: configuration and connected containers with their addresses and
    /// aliases. Docker reports aliases only per container, so each connected container is inspected
    /// (concurrently).
    pub async fn network_details(&self, id: &str) -> Result<NetworkDetails, AppError> {
        let network = self.inspect_network_raw(id).await?;
        let network_id = network.id.clone().unwrap_or_default();
        let name = network.name.clone().unwrap_or_default();
        let client = self.client().await?;
        let endpoints: Vec<(String, bollard::models::EndpointResource)> = network
            .containers
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let inspections = join_all(endpoints.iter().map(|(container_id, _)| {
            let client = client.clone();
            async move {
                let inspect =
                    client.inspect_container(container_id, None::<InspectContainerOptions>);
                self.call(Operation::ContainerInspect, inspect).await.ok()
            }
        }))
        .await;
        let mut containers: Vec<NetworkEndpoint> = endpoints
            .into_iter()
            .zip(inspections)
            .map(|((container_id, endpoint), inspect)| {
                let aliases = inspect
                    .and_then(|i| i.network_settings)
                    .and_then(|s| s.networks)
                    .and_then(|mut networks| {
                        networks.remove(&name).or_else(|| {
                            networks
                                .into_values()
                                .find(|e| e.network_id.as_deref() == Some(network_id.as_str()))
                        })
                    })
                    .and_then(|e| e.aliases)
                    .unwrap_or_default();
                NetworkEndpoint {
                    container_id,
                    name: endpoint.name.unwrap_or_default(),
                    ipv4_address: endpoint.ipv4_address.unwrap_or_default(),
                    ipv6_address: endpoint.ipv6_address.unwrap_or_default(),
                    mac_address: endpoint.mac_address.unwrap_or_default(),
                    endpoint_id: endpoint.endpoint_id.unwrap_or_default(),
                    aliases,
                }
            })
            .collect();
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(NetworkDetails {
            short_id: short_id(&network_id),
            id: network_id,
            predefined: PREDEFINED.contains(&name.as_str()),
            name,
            driver: network.driver.unwrap_or_default(),
            scope: network.scope.unwrap_or_default(),
            internal: network.internal.unwrap_or_default(),
            attachable: network.attachable.unwrap_or_default(),
            ingress: network.ingress.unwrap_or_default(),
            enable_ipv6: network.enable_ipv6.unwrap_or_default(),
            created: network.created.map(|c| c.to_string()).unwrap_or_default(),
            labels: sorted(network.labels),
            options: sorted(network.options),
            ipam: ipam_view(network.ipam),
            containers,
        })
    }

    /// `docker network rm`. Predefined networks are a 403, a network with connected containers a 409
    /// naming them.
    pub async fn remove_network(&self, id: &str) -> Result<NetworkResult, AppError> {
        let network = self.inspect_network_raw(id).await?;
        let name = network.name.clone().unwrap_or_default();
        let full_id = network.id.clone().unwrap_or_default();
        if PREDEFINED.contains(&name.as_str()) {
            return Err(AppError::Forbidden(format!(
                "Network '{name}' is a pre-defined network and cannot be removed"
            )));
        }
        let in_use = |network: &NetworkInspect| {
            let mut names: Vec<String> = network
                .containers
                .as_ref()
                .map(|c| c.values().filter_map(|e| e.name.clone()).collect())
                .unwrap_or_default();
            names.sort();
            AppError::Conflict(format!(
                "Network '{name}' is in use by container(s) {}: disconnect or remove them first",
                names.join(", ")
            ))
        };
        if network.containers.as_ref().is_some_and(|c| !c.is_empty()) {
            return Err(in_use(&network));
        }
        let client = self.client().await?;
        match self
            .call(Operation::NetworkRemove, client.remove_network(&full_id))
            .await
        {
            Ok(()) => Ok(network_result(
                format!("Network '{name}' removed"),
                &network,
                "removed",
                None,
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 403,
                message,
            }) if message.contains("active endpoints") => {
                match self.inspect_network_raw(&full_id).await {
                    Ok(now) if now.containers.as_ref().is_some_and(|c| !c.is_empty()) => {
                        Err(in_use(&now))
                    }
                    _ => Err(AppError::Conflict(format!(
                        "Network '{name}' is in use: {message}"
                    ))),
                }
            }
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::connect::validate_aliases;
    use super::usage::build_stats;
    use super::*;
    use crate::model::networks::IpamRequest;
    use serde_json::json;

    fn pool(subnet: &str) -> IpamPoolRequest {
        IpamPoolRequest {
            subnet: Some(subnet.into()),
            ..Default::default()
        }
    }

    fn request(pools: Vec<IpamPoolRequest>) -> CreateNetworkRequest {
        CreateNetworkRequest {
            name: Some("net".into()),
            ipam: Some(IpamRequest {
                config: Some(pools),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn cidrs_are_parsed_and_checked() {
        let block = parse_cidr("172.20.0.0/16", "s").expect("valid");
        assert!(block.contains("172.20.240.1".parse().expect("valid")));
        assert!(!block.contains("172.21.0.1".parse().expect("valid")));
        assert!(block.contains_block(&parse_cidr("172.20.240.0/20", "r").expect("valid")));
        assert!(!block.contains_block(&parse_cidr("172.0.0.0/8", "r").expect("valid")));
        assert!(
            parse_cidr("172.20.0.1/16", "s")
                .expect_err("must fail")
                .to_string()
                .contains("172.20.0.0/16")
        );
        assert!(parse_cidr("172.20.0.0", "s").is_err());
        assert!(parse_cidr("172.20.0.0/33", "s").is_err());
        assert!(parse_cidr("fd00::/64", "s").is_ok());
        assert!(
            parse_cidr("0.0.0.0/0", "s")
                .expect("valid")
                .contains("8.8.8.8".parse().expect("valid"))
        );
    }

    #[test]
    fn create_requests_are_validated() {
        let built = build_network_create(request(vec![IpamPoolRequest {
            subnet: Some("172.20.0.0/16".into()),
            ip_range: Some("172.20.240.0/20".into()),
            gateway: Some("172.20.0.1".into()),
            aux_addresses: None,
        }]))
        .expect("valid");
        assert_eq!(built.driver.as_deref(), Some("bridge"));
        let ipam = built.ipam.expect("valid");
        assert_eq!(ipam.driver.as_deref(), Some("default"));
        assert_eq!(
            ipam.config.expect("valid")[0].ip_range.as_deref(),
            Some("172.20.240.0/20")
        );

        let outside = IpamPoolRequest {
            gateway: Some("10.0.0.1".into()),
            ..pool("172.20.0.0/16")
        };
        let err = build_network_create(request(vec![outside])).expect_err("must fail");
        assert!(err.to_string().contains("ipam.config[0].gateway"), "{err}");
        let range = IpamPoolRequest {
            ip_range: Some("172.21.0.0/24".into()),
            ..pool("172.20.0.0/16")
        };
        assert!(build_network_create(request(vec![range])).is_err());
        assert!(build_network_create(request(vec![pool("nonsense")])).is_err());
        assert!(build_network_create(request(vec![IpamPoolRequest::default()])).is_err());
        let unnamed = CreateNetworkRequest::default();
        assert_eq!(
            build_network_create(unnamed)
                .expect_err("must fail")
                .to_string(),
            "Field 'name' is required"
        );
        let bad_name = CreateNetworkRequest {
            name: Some("a b".into()),
            ..Default::default()
        };
        assert!(build_network_create(bad_name).is_err());
    }

    #[test]
    fn references_and_aliases_are_plain_names() {
        assert!(validate_reference("my-net", "network").is_ok());
        assert!(validate_reference("/web", "container").is_ok());
        assert!(validate_reference("x?force=1", "network").is_err());
        assert!(validate_reference("..", "network").is_err());
        assert!(validate_aliases(&["web-server".into()]).is_ok());
        assert!(validate_aliases(&["bad alias".into()]).is_err());
    }

    #[test]
    fn stats_count_containers_per_network_from_one_list() {
        let networks: Vec<Network> = serde_json::from_value(json!([
            {"Name": "bridge", "Id": "b1", "Driver": "bridge", "Scope": "local"},
            {"Name": "app", "Id": "a1", "Driver": "bridge", "Scope": "local", "Internal": true},
            {"Name": "empty", "Id": "e1", "Driver": "macvlan", "Scope": "local", "Attachable": true}
        ]))
        .expect("valid");
        let containers: Vec<DockerContainerSummary> = serde_json::from_value(json!([
            {"Id": "c1", "Names": ["/web"], "State": "running",
             "NetworkSettings": {"Networks": {"app": {"NetworkID": "a1"}, "bridge": {"NetworkID": "b1"}}}},
            {"Id": "c2", "Names": ["/db"], "State": "created",
             "NetworkSettings": {"Networks": {"app": {"NetworkID": ""}}}}
        ]))
        .expect("valid");
        let stats = build_stats(networks, &containers);
        assert_eq!(stats.total_count, 3);
        assert_eq!(stats.predefined, 1);
        assert_eq!(stats.in_use, 2);
        assert_eq!(stats.unused, 1);
        assert_eq!(stats.internal, 1);
        assert_eq!(stats.attachable, 1);
        assert_eq!(stats.total_attachments, 3);
        assert_eq!(stats.by_driver["bridge"], 2);
        assert_eq!(stats.networks[0].name, "app");
        assert_eq!(
            stats.networks[0].containers,
            vec!["db".to_string(), "web".to_string()]
        );
        assert_eq!(stats.networks[0].running_containers, 1);
    }
}
