//! Server functions for images.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::images::{ImageSummary, PruneImagesResult, RemoveImageResult};

/// Lists the top-level images, like `docker images`.
#[server(prefix = "/rpc", endpoint = "images/list", client = crate::api::client::CsrfClient)]
pub async fn list_images() -> Result<Vec<ImageSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_images(false).await }).await
}

/// Removes an image without force: an image a container uses is a 409 naming the container.
#[server(prefix = "/rpc", endpoint = "images/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_image(id: String) -> Result<RemoveImageResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_image(&id, false, false).await }).await
}

/// Removes dangling images (`docker image prune`).
#[server(prefix = "/rpc", endpoint = "images/prune", client = crate::api::client::CsrfClient)]
pub async fn prune_images() -> Result<PruneImagesResult, AppError> {
    super::with_docker(|docker| async move { docker.prune_images(true).await }).await
}
