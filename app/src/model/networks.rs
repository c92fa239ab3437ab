//! Network views and requests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One address pool of a network's IPAM configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpamPool {
    /// Subnet in CIDR notation, e.g. `172.20.0.0/16`.
    pub subnet: String,
    /// The sub-range containers get addresses from, in CIDR notation (empty: the whole subnet).
    pub ip_range: String,
    /// The gateway address.
    pub gateway: String,
    /// Addresses reserved for other hosts, by host name.
    pub auxiliary_addresses: BTreeMap<String, String>,
}

/// A network's IPAM (IP address management) configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpamView {
    /// IPAM driver, usually `default`.
    pub driver: String,
    /// Address pools.
    pub config: Vec<IpamPool>,
    /// IPAM driver options.
    pub options: BTreeMap<String, String>,
}

/// One row of `GET /api/networks`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkSummary {
    /// 12-character short id.
    pub id: String,
    /// The network's name.
    pub name: String,
    /// Driver: `bridge`, `host`, `null`, `overlay`, `macvlan`...
    pub driver: String,
    /// `local`, `global` or `swarm`.
    pub scope: String,
    /// Whether the network is cut off from the outside.
    pub internal: bool,
    /// Whether standalone containers may attach (swarm networks).
    pub attachable: bool,
    /// Whether IPv6 is enabled.
    pub enable_ipv6: bool,
    /// The subnets of its IPAM configuration.
    pub subnets: Vec<String>,
    /// Network labels.
    pub labels: BTreeMap<String, String>,
    /// Creation time (RFC 3339).
    pub created: String,
    /// Containers attached to it, running or not.
    pub containers: usize,
    /// Attached containers that are running.
    pub running_containers: usize,
    /// Whether it is one of Docker's predefined networks (`bridge`, `host`, `none`).
    pub predefined: bool,
}

/// A container attached to a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkEndpoint {
    /// Full container id.
    pub container_id: String,
    /// Container name.
    pub name: String,
    /// IPv4 address with prefix, e.g. `172.20.0.10/16`.
    pub ipv4_address: String,
    /// IPv6 address with prefix (empty when none).
    pub ipv6_address: String,
    /// MAC address.
    pub mac_address: String,
    /// The endpoint's id.
    pub endpoint_id: String,
    /// DNS aliases of the container on this network.
    pub aliases: Vec<String>,
}

/// `GET /api/networks/{id}`: one network with its configuration and connected containers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkDetails {
    /// Full id.
    pub id: String,
    /// 12-character short id.
    pub short_id: String,
    /// The network's name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Scope.
    pub scope: String,
    /// Whether the network is internal.
    pub internal: bool,
    /// Whether it is attachable.
    pub attachable: bool,
    /// Whether it is the swarm routing-mesh network.
    pub ingress: bool,
    /// Whether IPv6 is enabled.
    pub enable_ipv6: bool,
    /// Creation time (RFC 3339).
    pub created: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Driver options.
    pub options: BTreeMap<String, String>,
    /// IPAM configuration.
    pub ipam: IpamView,
    /// Whether it is one of Docker's predefined networks.
    pub predefined: bool,
    /// The running containers connected to it (Docker lists endpoints of running containers only).
    pub containers: Vec<NetworkEndpoint>,
}

/// One address pool asked for in `POST /api/networks` (docker-py's `IPAMPool`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IpamPoolRequest {
    /// Subnet in CIDR notation (required in a pool).
    pub subnet: Option<String>,
    /// Sub-range to allocate container addresses from, in CIDR notation, inside the subnet.
    #[serde(alias = "iprange")]
    pub ip_range: Option<String>,
    /// Gateway address, inside the subnet.
    pub gateway: Option<String>,
    /// Reserved addresses by host name, inside the subnet.
    #[serde(alias = "auxiliary_addresses")]
    pub aux_addresses: Option<BTreeMap<String, String>>,
}

/// The IPAM part of `POST /api/networks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IpamRequest {
    /// IPAM driver (default `default`).
    pub driver: Option<String>,
    /// Address pools.
    #[serde(alias = "pool_configs")]
    pub config: Option<Vec<IpamPoolRequest>>,
    /// IPAM driver options.
    pub options: Option<BTreeMap<String, String>>,
}

/// Body of `POST /api/networks` (`docker network create`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateNetworkRequest {
    /// The name (required, unique).
    pub name: Option<String>,
    /// Driver (default `bridge`).
    pub driver: Option<String>,
    /// Cut the network off from the outside.
    pub internal: Option<bool>,
    /// Let standalone containers attach (swarm networks).
    pub attachable: Option<bool>,
    /// Labels.
    pub labels: Option<BTreeMap<String, String>>,
    /// Driver options (`docker network create --opt`).
    #[serde(alias = "driver_opts")]
    pub options: Option<BTreeMap<String, String>>,
    /// Enable IPv6.
    pub enable_ipv6: Option<bool>,
    /// IPAM configuration.
    pub ipam: Option<IpamRequest>,
}

/// Body of `POST /api/networks/{id}/connect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectRequest {
    /// Container id or name (required).
    pub container: Option<String>,
    /// DNS aliases on this network.
    pub aliases: Option<Vec<String>>,
    /// A fixed IPv4 address (the network needs a configured subnet).
    pub ipv4_address: Option<String>,
    /// A fixed IPv6 address.
    pub ipv6_address: Option<String>,
}

/// Body of `POST /api/networks/{id}/disconnect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisconnectRequest {
    /// Container id or name (required).
    pub container: Option<String>,
    /// Remove the endpoint even when the container is gone.
    pub force: Option<bool>,
}

/// What a network create, remove, connect or disconnect did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkResult {
    /// A sentence saying what happened.
    pub message: String,
    /// Full id of the network.
    pub network_id: String,
    /// The network's name.
    pub name: String,
    /// `created`, `removed`, `connected` or `disconnected`.
    pub status: String,
    /// Full id of the container, for connect and disconnect.
    pub container_id: Option<String>,
    /// Name of the container, for connect and disconnect.
    pub container_name: Option<String>,
}

/// What `POST /api/networks/prune` removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PruneNetworksResult {
    /// A sentence saying what happened.
    pub message: String,
    /// Names of the networks removed, exactly as the daemon reported them.
    pub networks_deleted: Vec<String>,
    /// How many networks were removed.
    pub count: usize,
}

/// One network in `GET /api/networks/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkUsage {
    /// 12-character short id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Names of the containers attached, running or not.
    pub containers: Vec<String>,
    /// How many of them are running.
    pub running_containers: usize,
}

/// `GET /api/networks/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkStats {
    /// Number of networks.
    pub total_count: usize,
    /// Docker's predefined networks (`bridge`, `host`, `none`).
    pub predefined: usize,
    /// User-defined networks.
    pub custom: usize,
    /// Networks with at least one container attached.
    pub in_use: usize,
    /// Networks with no container attached.
    pub unused: usize,
    /// Internal networks.
    pub internal: usize,
    /// Attachable networks.
    pub attachable: usize,
    /// Networks with IPv6 enabled.
    pub ipv6_enabled: usize,
    /// Container attachments over all networks.
    pub total_attachments: usize,
    /// Networks per driver.
    pub by_driver: BTreeMap<String, usize>,
    /// Networks per scope.
    pub by_scope: BTreeMap<String, usize>,
    /// Every network with its containers, most used first.
    pub networks: Vec<NetworkUsage>,
    /// When the statistics were taken, RFC 3339 UTC.
    pub timestamp: String,
}
