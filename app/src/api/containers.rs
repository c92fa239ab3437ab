//! Server functions for containers.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ActionResult;
use crate::model::containers::{ContainerDetails, ContainerProcesses, ContainerSummary};

/// Lists containers; stopped ones too when `all`.
#[server(prefix = "/rpc", endpoint = "containers/list", client = crate::api::client::CsrfClient)]
pub async fn list_containers(all: bool) -> Result<Vec<ContainerSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_containers(all).await }).await
}

/// Starts a container.
#[server(prefix = "/rpc", endpoint = "containers/start", client = crate::api::client::CsrfClient)]
pub async fn start_container(id: String) -> Result<ActionResult, AppError> {
    super::with_docker(|docker| async move { docker.start_container(&id).await }).await
}

/// Stops a container (10 s grace period, like `docker stop`).
#[server(prefix = "/rpc", endpoint = "containers/stop", client = crate::api::client::CsrfClient)]
pub async fn stop_container(id: String) -> Result<ActionResult, AppError> {
    super::with_docker(|docker| async move { docker.stop_container(&id, 10).await }).await
}

/// Restarts a container (10 s grace period, like `docker restart`).
#[server(prefix = "/rpc", endpoint = "containers/restart", client = crate::api::client::CsrfClient)]
pub async fn restart_container(id: String) -> Result<ActionResult, AppError> {
    super::with_docker(|docker| async move { docker.restart_container(&id, 10).await }).await
}

/// Removes a container; `force` removes a running one too (the console asks first).
#[server(prefix = "/rpc", endpoint = "containers/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_container(id: String, force: bool) -> Result<ActionResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_container(&id, force).await }).await
}

/// The details of one container, as `GET /api/containers/{id}` reports them.
#[server(prefix = "/rpc", endpoint = "containers/details", client = crate::api::client::CsrfClient)]
pub async fn get_container_details(id: String) -> Result<ContainerDetails, AppError> {
    super::with_docker(|docker| async move { docker.container_details(&id).await }).await
}

/// The processes of a running container (`docker top`); a stopped one is a 409.
#[server(prefix = "/rpc", endpoint = "containers/top", client = crate::api::client::CsrfClient)]
pub async fn list_container_processes(id: String) -> Result<ContainerProcesses, AppError> {
    super::with_docker(|docker| async move { docker.container_processes(&id, None).await }).await
}

/// Docker's raw inspect document of a container, pretty-printed (admin only, like
/// `GET /api/containers/{id}/inspect`).
#[server(prefix = "/rpc", endpoint = "containers/inspect", client = crate::api::client::CsrfClient)]
pub async fn inspect_container(id: String) -> Result<String, AppError> {
    let document =
        super::with_docker(|docker| async move { docker.inspect_container_document(&id).await })
            .await?;
    serde_json::to_string_pretty(&document)
        .map_err(|_| AppError::Internal("Could not encode the inspect document".into()))
}
