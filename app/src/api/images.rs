//! Server functions for images. Pull, push and build stream their progress, so the console calls the REST
//! API for those (`POST /api/images/pull|build` and `POST /api/images/{ref}/push` with
//! `Accept: text/event-stream`).
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::images::TagRequest;
use crate::model::images::{
    ImagePage, ImagePrunePreview, ImageSummary, PruneImagesResult, RemoveImageResult, TagResult,
};

/// Lists the top-level images, like `docker images`, each with how many containers use it.
#[server(prefix = "/rpc", endpoint = "images/list", client = crate::api::client::CsrfClient)]
pub async fn list_images() -> Result<Vec<ImageSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_images_with_users().await }).await
}

/// One image for its page: details, history and the containers using it.
#[server(prefix = "/rpc", endpoint = "images/details", client = crate::api::client::CsrfClient)]
pub async fn load_image_page(reference: String) -> Result<ImagePage, AppError> {
    super::with_docker(|docker| async move { docker.image_page(&reference).await }).await
}

/// Removes an image; without `force` an image a container uses is a 409 naming the container.
#[server(prefix = "/rpc", endpoint = "images/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_image(id: String, force: bool) -> Result<RemoveImageResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_image(&id, force, false).await }).await
}

/// What a prune would remove and the space it would free, removing nothing.
#[server(prefix = "/rpc", endpoint = "images/prune-preview", client = crate::api::client::CsrfClient)]
pub async fn preview_image_prune(dangling_only: bool) -> Result<ImagePrunePreview, AppError> {
    super::with_docker(|docker| async move { docker.prune_images_preview(dangling_only).await })
        .await
}

/// Removes dangling images (`docker image prune`), or every unused one with `dangling_only = false`.
#[server(prefix = "/rpc", endpoint = "images/prune", client = crate::api::client::CsrfClient)]
pub async fn prune_images(dangling_only: bool) -> Result<PruneImagesResult, AppError> {
    super::with_docker(|docker| async move { docker.prune_images(dangling_only).await }).await
}

/// Tags image `id` as `repo:tag` (`tag` blank: `latest`, or the tag inside `repo`).
#[server(prefix = "/rpc", endpoint = "images/tag", client = crate::api::client::CsrfClient)]
pub async fn tag_image(id: String, repo: String, tag: String) -> Result<TagResult, AppError> {
    let request = TagRequest {
        repo: Some(repo),
        tag: Some(tag).filter(|tag| !tag.trim().is_empty()),
    };
    super::with_docker(|docker| async move { docker.tag_image(&id, request).await }).await
}
