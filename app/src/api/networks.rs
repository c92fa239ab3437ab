//! Server functions for networks.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::networks::{
    ConnectRequest, CreateNetworkRequest, DisconnectRequest, NetworkDetails, NetworkResult,
    NetworkSummary, PruneNetworksResult,
};

/// Lists networks with their container counts, sorted by name.
#[server(prefix = "/rpc", endpoint = "networks/list", client = crate::api::client::CsrfClient)]
pub async fn list_networks() -> Result<Vec<NetworkSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_networks().await }).await
}

/// Creates a network (driver, labels, options, IPAM, internal, attachable), like `POST /api/networks`.
#[server(
    prefix = "/rpc",
    endpoint = "networks/create",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn create_network(request: CreateNetworkRequest) -> Result<NetworkResult, AppError> {
    super::with_docker(|docker| async move { docker.create_network(request).await }).await
}

/// A network's configuration and its containers with addresses and aliases, like `GET /api/networks/{id}`.
#[server(prefix = "/rpc", endpoint = "networks/details", client = crate::api::client::CsrfClient)]
pub async fn get_network_details(id: String) -> Result<NetworkDetails, AppError> {
    super::with_docker(|docker| async move { docker.network_details(&id).await }).await
}

/// Removes a network by id or name (predefined networks are refused, networks in use are a 409).
#[server(prefix = "/rpc", endpoint = "networks/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_network(id: String) -> Result<NetworkResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_network(&id).await }).await
}

/// Connects a container to a network, with aliases and a fixed address, like
/// `POST /api/networks/{id}/connect`.
#[server(
    prefix = "/rpc",
    endpoint = "networks/connect",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn connect_network(
    id: String,
    request: ConnectRequest,
) -> Result<NetworkResult, AppError> {
    super::with_docker(|docker| async move { docker.connect_network(&id, request).await }).await
}

/// Disconnects a container from a network, like `POST /api/networks/{id}/disconnect`.
#[server(
    prefix = "/rpc",
    endpoint = "networks/disconnect",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn disconnect_network(
    id: String,
    request: DisconnectRequest,
) -> Result<NetworkResult, AppError> {
    super::with_docker(|docker| async move { docker.disconnect_network(&id, request).await }).await
}

/// What a network prune would remove (the daemon's unused networks); removes nothing.
#[server(
    prefix = "/rpc",
    endpoint = "networks/prune-preview",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn prune_networks_preview() -> Result<Vec<NetworkSummary>, AppError> {
    super::with_docker(|docker| async move { docker.prune_networks_preview().await }).await
}

/// Removes every network no container uses (`docker network prune`): what the preview lists.
#[server(
    prefix = "/rpc",
    endpoint = "networks/prune",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn prune_networks() -> Result<PruneNetworksResult, AppError> {
    super::with_docker(|docker| async move { docker.prune_networks(None).await }).await
}
