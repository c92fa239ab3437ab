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
use super::{DockerService, is_docker_name, now_rfc3339};
use crate::error::AppError;
use crate::model::networks::{
    ConnectRequest, CreateNetworkRequest, DisconnectRequest, IpamPool, IpamPoolRequest, IpamView,
    NetworkDetails, NetworkEndpoint, NetworkResult, NetworkStats, NetworkSummary, NetworkUsage,
    PruneNetworksResult,
};

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

/// An address block in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn mask(prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        let all = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        all & !((1u128 << (width - prefix)) - 1)
    }
}

impl Cidr {
    fn contains(&self, ip: IpAddr) -> bool {
        let (net, width) = bits(self.addr);
        let (other, other_width) = bits(ip);
        width == other_width
            && (net & mask(self.prefix, width)) == (other & mask(self.prefix, width))
    }

    fn contains_block(&self, inner: &Cidr) -> bool {
        inner.prefix >= self.prefix && self.contains(inner.addr)
    }
}

fn parse_ip(text: &str, field: &str) -> Result<IpAddr, AppError> {
    text.trim()
        .parse::<IpAddr>()
        .map_err(|_| AppError::bad_request(format!("Invalid IP address '{text}' in '{field}'")))
}

/// Parses `a.b.c.d/n` (or IPv6), refusing host bits so that typos do not silently change the block.
fn parse_cidr(text: &str, field: &str) -> Result<Cidr, AppError> {
    let invalid = || {
        AppError::bad_request(format!(
            "Invalid CIDR '{text}' in '{field}': use a block like 172.20.0.0/16"
        ))
    };
    let (addr, prefix) = text.trim().split_once('/').ok_or_else(invalid)?;
    let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
    let prefix: u8 = prefix.parse().map_err(|_| invalid())?;
    let (value, width) = bits(addr);
    if prefix > width {
        return Err(invalid());
    }
    let network = value & mask(prefix, width);
    if network != value {
        let canonical = match addr {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(network as u32)),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(network)),
        };
        return Err(AppError::bad_request(format!(
            "Invalid CIDR '{text}' in '{field}': host bits are set, did you mean '{canonical}/{prefix}'?"
        )));
    }
    Ok(Cidr { addr, prefix })
}

fn validate_pool(pool: &IpamPoolRequest, index: usize) -> Result<IpamConfig, AppError> {
    let field = |name: &str| format!("ipam.config[{index}].{name}");
    let subnet_text = pool
        .subnet
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::bad_request(format!("Field '{}' is required", field("subnet"))))?;
    let subnet = parse_cidr(subnet_text, &field("subnet"))?;
    if let Some(range) = pool.ip_range.as_deref() {
        let block = parse_cidr(range, &field("ip_range"))?;
        if !subnet.contains_block(&block) {
            return Err(AppError::bad_request(format!(
                "Field '{}': '{range}' is not inside the subnet '{subnet_text}'",
                field("ip_range")
            )));
        }
    }
    if let Some(gateway) = pool.gateway.as_deref() {
        let ip = parse_ip(gateway, &field("gateway"))?;
        if !subnet.contains(ip) {
            return Err(AppError::bad_request(format!(
                "Field '{}': '{gateway}' is not inside the subnet '{subnet_text}'",
                field("gateway")
            )));
        }
    }
    if let Some(aux) = &pool.aux_addresses {
        for (host, address) in aux {
            let ip = parse_ip(address, &field("aux_addresses"))?;
            if host.trim().is_empty() || !subnet.contains(ip) {
                return Err(AppError::bad_request(format!(
                    "Field '{}': '{host}' = '{address}' must name a host and an address inside '{subnet_text}'",
                    field("aux_addresses")
                )));
            }
        }
    }
    Ok(IpamConfig {
        subnet: Some(subnet_text.trim().to_string()),
        ip_range: pool.ip_range.as_ref().map(|r| r.trim().to_string()),
        gateway: pool.gateway.as_ref().map(|g| g.trim().to_string()),
        auxiliary_addresses: pool
            .aux_addresses
            .clone()
            .map(|aux| aux.into_iter().collect()),
    })
}

/// Validates a create request and turns it into the daemon's body.
pub fn build_network_create(
    request: CreateNetworkRequest,
) -> Result<NetworkCreateRequest, AppError> {
    let name = request
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Field 'name' is required"))?;
    validate_network_name(&name)?;
    let driver = request.driver.unwrap_or_else(|| "bridge".into());
    validate_driver_name(&driver, "network")?;
    if let Some(labels) = &request.labels {
        validate_keys(labels, "labels")?;
    }
    if let Some(options) = &request.options {
        validate_keys(options, "options")?;
    }
    let ipam = match request.ipam {
        None => None,
        Some(ipam) => {
            let ipam_driver = ipam.driver.unwrap_or_else(|| "default".into());
            validate_driver_name(&ipam_driver, "IPAM")?;
            if let Some(options) = &ipam.options {
                validate_keys(options, "ipam.options")?;
            }
            let config = ipam
                .config
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(index, pool)| validate_pool(pool, index))
                .collect::<Result<Vec<_>, _>>()?;
            Some(Ipam {
                driver: Some(ipam_driver),
                config: Some(config),
                options: ipam.options.map(|o| o.into_iter().collect()),
            })
        }
    };
    Ok(NetworkCreateRequest {
        name,
        driver: Some(driver),
        internal: request.internal,
        attachable: request.attachable,
        ipam,
        enable_ipv6: request.enable_ipv6,
        options: request.options.map(|o| o.into_iter().collect()),
        labels: request.labels.map(|l| l.into_iter().collect()),
        ..Default::default()
    })
}

/// The `container` field of connect and disconnect: required, and a valid name or id.
fn required_container(container: Option<String>) -> Result<String, AppError> {
    let container = container
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Field 'container' is required"))?;
    validate_reference(&container, "container")?;
    Ok(container)
}

fn validate_aliases(aliases: &[String]) -> Result<(), AppError> {
    for alias in aliases {
        if !is_docker_name(alias, 1) {
            return Err(AppError::bad_request(format!(
                "Invalid alias '{alias}' in 'aliases': use a host name from [a-zA-Z0-9_.-]"
            )));
        }
    }
    Ok(())
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
            client.list_networks(None::<ListNetworksOptions>),
            client.list_containers(Some(options))
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
        match client
            .inspect_network(id, None::<InspectNetworkOptions>)
            .await
        {
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
        match client
            .inspect_container(container, None::<InspectContainerOptions>)
            .await
        {
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
                client
                    .inspect_container(container_id, None::<InspectContainerOptions>)
                    .await
                    .ok()
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

    /// `docker network create`. Names are unique: an existing name is a 409 (API 1.41 would otherwise
    /// create a second network of the same name, so the name is checked first, and a duplicate the
    /// daemon reports anyway is removed again).
    pub async fn create_network(
        &self,
        request: CreateNetworkRequest,
    ) -> Result<NetworkResult, AppError> {
        let body = build_network_create(request)?;
        let name = body.name.clone();
        let driver = body.driver.clone().unwrap_or_default();
        let client = self.client().await?;
        let options = ListNetworksOptions {
            filters: Some(HashMap::from([("name".to_string(), vec![name.clone()])])),
        };
        let existing = match client.list_networks(Some(options)).await {
            Ok(list) => list,
            Err(err) => return Err(self.fail(err, &subject(&name)).await),
        };
        if let Some(network) = existing
            .iter()
            .find(|n| n.name.as_deref() == Some(name.as_str()))
        {
            return Err(AppError::Conflict(format!(
                "Network name '{name}' is already in use (id {})",
                short_id(network.id.as_deref().unwrap_or_default())
            )));
        }
        let created = match client.create_network(body).await {
            Ok(created) => created,
            Err(BollardError::DockerResponseServerError {
                status_code,
                message,
            }) if matches!(status_code, 403 | 409) || message.contains("already exists") => {
                return Err(AppError::Conflict(format!(
                    "Network '{name}' could not be created: {message}"
                )));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) => {
                return Err(AppError::bad_request(if message.contains("plugin") {
                    format!("Unknown network driver '{driver}': {message}")
                } else {
                    format!("Network '{name}' could not be created: {message}")
                }));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 500,
                message,
            }) if [
                "swarm",
                "out of range",
                "failed to allocate",
                "invalid",
                "not supported",
            ]
            .iter()
            .any(|needle| message.to_ascii_lowercase().contains(needle)) =>
            {
                return Err(AppError::bad_request(format!(
                    "Network '{name}' could not be created: {message}"
                )));
            }
            Err(err) => return Err(self.fail(err, &subject(&name)).await),
        };
        if created.warning.contains("already exists") {
            if let Err(err) = client.remove_network(&created.id).await {
                tracing::error!(error = %err, id = %created.id, "could not remove a duplicate network");
            }
            return Err(AppError::Conflict(format!(
                "Network name '{name}' is already in use"
            )));
        }
        Ok(NetworkResult {
            message: format!("Network '{name}' created"),
            network_id: created.id,
            name,
            status: "created".into(),
            container_id: None,
            container_name: None,
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
        match client.remove_network(&full_id).await {
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

    /// `docker network connect`, with optional aliases and fixed addresses.
    pub async fn connect_network(
        &self,
        id: &str,
        request: ConnectRequest,
    ) -> Result<NetworkResult, AppError> {
        let container = required_container(request.container)?;
        if let Some(aliases) = &request.aliases {
            validate_aliases(aliases)?;
        }
        let ipv4 = match request.ipv4_address.as_deref() {
            None => None,
            Some(text) => match parse_ip(text, "ipv4_address")? {
                ip @ IpAddr::V4(_) => Some(ip),
                IpAddr::V6(_) => {
                    return Err(AppError::bad_request(format!(
                        "Field 'ipv4_address': '{text}' is not an IPv4 address"
                    )));
                }
            },
        };
        let ipv6 = match request.ipv6_address.as_deref() {
            None => None,
            Some(text) => match parse_ip(text, "ipv6_address")? {
                ip @ IpAddr::V6(_) => Some(ip),
                IpAddr::V4(_) => {
                    return Err(AppError::bad_request(format!(
                        "Field 'ipv6_address': '{text}' is not an IPv6 address"
                    )));
                }
            },
        };
        let network = self.inspect_network_raw(id).await?;
        let name = network.name.clone().unwrap_or_default();
        self.policy()
            .check_network_attach(&name, network.driver.as_deref())?;
        let network_id = network.id.clone().unwrap_or_default();
        let subnets: Vec<Cidr> = network
            .ipam
            .as_ref()
            .and_then(|i| i.config.as_ref())
            .map(|pools| {
                pools
                    .iter()
                    .filter_map(|p| p.subnet.as_deref())
                    .filter_map(|s| parse_cidr(s, "subnet").ok())
                    .collect()
            })
            .unwrap_or_default();
        for ip in ipv4.iter().chain(ipv6.iter()) {
            let same_family: Vec<&Cidr> = subnets
                .iter()
                .filter(|s| s.addr.is_ipv4() == ip.is_ipv4())
                .collect();
            if !same_family.is_empty() && !same_family.iter().any(|s| s.contains(*ip)) {
                let list: Vec<String> = same_family
                    .iter()
                    .map(|s| format!("{}/{}", s.addr, s.prefix))
                    .collect();
                return Err(AppError::bad_request(format!(
                    "Address {ip} is outside the subnet(s) of network '{name}': {}",
                    list.join(", ")
                )));
            }
        }
        let inspect = self.inspect_container_for(&container).await?;
        let container_id = inspect.id.clone().unwrap_or_default();
        let container_name = trim_name(inspect.name.as_deref().unwrap_or_default());
        if is_attached(&inspect, &network_id, &name) {
            return Err(AppError::Conflict(format!(
                "Container '{container_name}' is already connected to network '{name}'"
            )));
        }
        let ipam_config = (ipv4.is_some() || ipv6.is_some()).then(|| EndpointIpamConfig {
            ipv4_address: ipv4.map(|ip| ip.to_string()),
            ipv6_address: ipv6.map(|ip| ip.to_string()),
            ..Default::default()
        });
        let body = NetworkConnectRequest {
            container: container_id.clone(),
            endpoint_config: Some(EndpointSettings {
                aliases: request.aliases.clone(),
                ipam_config,
                ..Default::default()
            }),
        };
        let client = self.client().await?;
        match client.connect_network(&network_id, body).await {
            Ok(()) => Ok(network_result(
                format!("Container '{container_name}' connected to network '{name}'"),
                &network,
                "connected",
                Some((container_id, container_name)),
            )),
            Err(BollardError::DockerResponseServerError {
                status_code,
                message,
            }) if message.contains("already exists") || status_code == 409 => {
                Err(AppError::Conflict(format!(
                    "Container '{container_name}' is already connected to network '{name}': {message}"
                )))
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) => Err(AppError::NotFound(if message.contains("container") {
                format!("Container '{container}' not found")
            } else {
                format!("Network '{id}' not found")
            })),
            Err(BollardError::DockerResponseServerError {
                status_code: 400 | 403,
                message,
            }) => Err(AppError::bad_request(format!(
                "Cannot connect container '{container_name}' to network '{name}': {message}"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// `docker network disconnect [-f]`.
    pub async fn disconnect_network(
        &self,
        id: &str,
        request: DisconnectRequest,
    ) -> Result<NetworkResult, AppError> {
        let container = required_container(request.container)?;
        let force = request.force.unwrap_or(false);
        let network = self.inspect_network_raw(id).await?;
        let name = network.name.clone().unwrap_or_default();
        let network_id = network.id.clone().unwrap_or_default();
        let (target, label) = match self.inspect_container_for(&container).await {
            Ok(inspect) => {
                let container_id = inspect.id.clone().unwrap_or_default();
                let container_name = trim_name(inspect.name.as_deref().unwrap_or_default());
                if !is_attached(&inspect, &network_id, &name) {
                    return Err(AppError::Conflict(format!(
                        "Container '{container_name}' is not connected to network '{name}'"
                    )));
                }
                (container_id, container_name)
            }
            // With force, a stale endpoint of a container that is gone can still be removed by name.
            Err(AppError::NotFound(_)) if force => (container.clone(), container.clone()),
            Err(err) => return Err(err),
        };
        let client = self.client().await?;
        let body = NetworkDisconnectRequest {
            container: target.clone(),
            force: Some(force),
        };
        match client.disconnect_network(&network_id, body).await {
            Ok(()) => Ok(network_result(
                format!("Container '{label}' disconnected from network '{name}'"),
                &network,
                "disconnected",
                Some((target, label)),
            )),
            Err(BollardError::DockerResponseServerError { message, .. })
                if message.contains("is not connected") =>
            {
                Err(AppError::Conflict(format!(
                    "Container '{label}' is not connected to network '{name}'"
                )))
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(AppError::NotFound(format!(
                "Container '{container}' not found"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// `docker network prune`: the networks the daemon removed, exactly (networks no running container
    /// is connected to; predefined ones are never removed). `label` limits it to matching networks.
    pub async fn prune_networks(
        &self,
        label: Option<&str>,
    ) -> Result<PruneNetworksResult, AppError> {
        let filters = label_filter(label)?;
        let client = self.client().await?;
        let response = match client
            .prune_networks(Some(PruneNetworksOptions { filters }))
            .await
        {
            Ok(response) => response,
            Err(err) => return Err(self.fail(err, "Network prune").await),
        };
        let deleted = response.networks_deleted.unwrap_or_default();
        Ok(PruneNetworksResult {
            message: format!("{} unused network(s) removed", deleted.len()),
            count: deleted.len(),
            networks_deleted: deleted,
        })
    }

    /// Counts by driver, scope and flags, and the containers of every network: one network list and one
    /// container list.
    pub async fn network_stats(&self) -> Result<NetworkStats, AppError> {
        let (networks, containers) = self.networks_and_containers().await?;
        Ok(build_stats(networks, &containers))
    }
}

fn build_stats(networks: Vec<Network>, containers: &[DockerContainerSummary]) -> NetworkStats {
    let attached = attachments(&networks, containers);
    let mut stats = NetworkStats {
        total_count: networks.len(),
        predefined: 0,
        custom: 0,
        in_use: 0,
        unused: 0,
        internal: 0,
        attachable: 0,
        ipv6_enabled: 0,
        total_attachments: 0,
        by_driver: BTreeMap::new(),
        by_scope: BTreeMap::new(),
        networks: Vec::new(),
        timestamp: now_rfc3339(),
    };
    for network in networks {
        let id = network.id.clone().unwrap_or_default();
        let members = attached.get(&id).map(Vec::as_slice).unwrap_or_default();
        let summary = summary_from_docker(network, members);
        if summary.predefined {
            stats.predefined += 1;
        } else {
            stats.custom += 1;
        }
        if members.is_empty() {
            stats.unused += 1;
        } else {
            stats.in_use += 1;
        }
        stats.internal += usize::from(summary.internal);
        stats.attachable += usize::from(summary.attachable);
        stats.ipv6_enabled += usize::from(summary.enable_ipv6);
        stats.total_attachments += members.len();
        *stats.by_driver.entry(summary.driver.clone()).or_default() += 1;
        *stats.by_scope.entry(summary.scope.clone()).or_default() += 1;
        let mut names: Vec<String> = members.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        stats.networks.push(NetworkUsage {
            id: summary.id,
            name: summary.name,
            driver: summary.driver,
            running_containers: summary.running_containers,
            containers: names,
        });
    }
    stats.networks.sort_by(|a, b| {
        b.containers
            .len()
            .cmp(&a.containers.len())
            .then(a.name.cmp(&b.name))
    });
    stats
}

#[cfg(test)]
mod tests {
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
