//! Server functions for images.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::images::{ImageSummary, PruneImagesResult, RemoveImageResult};

/// Lists the top-level images, like `docker images`.
#[server(prefix = "/rpc", endpoint = "images/list")]
pub async fn list_images() -> Result<Vec<ImageSummary>, AppError> {
    super::docker_service()?.list_images(false).await
}

/// Removes an image without force: an image a container uses is a 409 naming the container.
#[server(prefix = "/rpc", endpoint = "images/remove")]
pub async fn remove_image(id: String) -> Result<RemoveImageResult, AppError> {
    super::docker_service()?
        .remove_image(&id, false, false)
        .await
}

/// Removes dangling images (`docker image prune`).
#[server(prefix = "/rpc", endpoint = "images/prune")]
pub async fn prune_images() -> Result<PruneImagesResult, AppError> {
    super::docker_service()?.prune_images(true).await
}
