//! Server functions for containers.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ActionResult;
use crate::model::containers::ContainerSummary;

/// Lists containers; stopped ones too when `all`.
#[server(prefix = "/rpc", endpoint = "containers/list")]
pub async fn list_containers(all: bool) -> Result<Vec<ContainerSummary>, AppError> {
    super::docker_service()?.list_containers(all).await
}

/// Starts a container.
#[server(prefix = "/rpc", endpoint = "containers/start")]
pub async fn start_container(id: String) -> Result<ActionResult, AppError> {
    super::docker_service()?.start_container(&id).await
}

/// Stops a container (10 s grace period, like `docker stop`).
#[server(prefix = "/rpc", endpoint = "containers/stop")]
pub async fn stop_container(id: String) -> Result<ActionResult, AppError> {
    super::docker_service()?.stop_container(&id, 10).await
}
