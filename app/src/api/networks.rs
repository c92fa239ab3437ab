//! Server functions for networks.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::networks::{NetworkResult, NetworkSummary};

/// Lists networks with their container counts, sorted by name.
#[server(prefix = "/rpc", endpoint = "networks/list", client = crate::api::client::CsrfClient)]
pub async fn list_networks() -> Result<Vec<NetworkSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_networks().await }).await
}

/// Removes a network by id or name (predefined networks are refused, networks in use are a 409).
#[server(prefix = "/rpc", endpoint = "networks/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_network(id: String) -> Result<NetworkResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_network(&id).await }).await
}
