//! Server functions for containers.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ActionResult;
use crate::model::containers::{
    BulkAction, BulkResult, ContainerDetails, ContainerProcesses, ContainerSummary,
    CreateContainerRequest,
};

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

/// Creates a container from the console's form (the same request and checks as `POST /api/containers`)
/// and, when `start`, starts it; a container that does not start is removed again.
#[server(
    prefix = "/rpc",
    endpoint = "containers/create",
    input = server_fn::codec::Json,
    client = crate::api::client::CsrfClient
)]
pub async fn create_container(
    request: CreateContainerRequest,
    start: bool,
) -> Result<ActionResult, AppError> {
    super::with_docker(
        |docker| async move { docker.create_container_and_start(request, start).await },
    )
    .await
}

/// Renames a container (`docker rename`).
#[server(prefix = "/rpc", endpoint = "containers/rename", client = crate::api::client::CsrfClient)]
pub async fn rename_container(id: String, name: String) -> Result<ActionResult, AppError> {
    let name = name.trim().to_string();
    super::with_docker(|docker| async move { docker.rename_container(&id, &name).await }).await
}

/// Replaces a container by one with the same configuration and another image, keeping its name; a
/// failure leaves the old container as it was.
#[server(prefix = "/rpc", endpoint = "containers/recreate", client = crate::api::client::CsrfClient)]
pub async fn recreate_container(id: String, image: String) -> Result<ActionResult, AppError> {
    super::with_docker(|docker| async move { docker.recreate_container(&id, &image).await }).await
}

/// Starts, stops, restarts, kills, pauses or unpauses several containers at once (concurrently), with
/// one outcome per container. Removing goes through [`bulk_remove_containers`] (admins only).
#[server(
    prefix = "/rpc",
    endpoint = "containers/bulk",
    input = server_fn::codec::Json,
    client = crate::api::client::CsrfClient
)]
pub async fn bulk_container_action(
    action: BulkAction,
    ids: Vec<String>,
) -> Result<BulkResult, AppError> {
    super::with_docker(|docker| async move {
        if action == BulkAction::Remove {
            return Err(AppError::bad_request(
                "Removing containers goes through containers/bulk-remove",
            ));
        }
        docker.bulk_container_action(action, ids).await
    })
    .await
}

/// Removes several containers at once (running ones by force: the console asks first), with one
/// outcome per container.
#[server(
    prefix = "/rpc",
    endpoint = "containers/bulk-remove",
    input = server_fn::codec::Json,
    client = crate::api::client::CsrfClient
)]
pub async fn bulk_remove_containers(ids: Vec<String>) -> Result<BulkResult, AppError> {
    super::with_docker(|docker| async move {
        docker.bulk_container_action(BulkAction::Remove, ids).await
    })
    .await
}
