//! Server functions for containers.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ActionResult;
use crate::model::containers::ContainerSummary;

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
