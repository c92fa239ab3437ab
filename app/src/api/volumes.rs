//! Server functions for volumes.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::volumes::{
    CreateVolumeRequest, PruneVolumesResult, VolumeDetails, VolumeResult, VolumeSummary,
    VolumeUsage,
};

/// Lists volumes, sorted by name.
#[server(prefix = "/rpc", endpoint = "volumes/list", client = crate::api::client::CsrfClient)]
pub async fn list_volumes() -> Result<Vec<VolumeSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_volumes().await }).await
}

/// Creates a volume (name, driver, labels, driver options), like `POST /api/volumes`; a blank name lets
/// the daemon generate one.
#[server(
    prefix = "/rpc",
    endpoint = "volumes/create",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn create_volume(request: CreateVolumeRequest) -> Result<VolumeResult, AppError> {
    super::with_docker(|docker| async move { docker.create_volume(request).await }).await
}

/// A volume's details and the containers that use it, like `GET /api/volumes/{name}`.
#[server(prefix = "/rpc", endpoint = "volumes/details", client = crate::api::client::CsrfClient)]
pub async fn get_volume_details(name: String) -> Result<VolumeDetails, AppError> {
    super::with_docker(|docker| async move { docker.volume_details(&name).await }).await
}

/// Removes a volume without force: a volume in use is a 409 naming the containers.
#[server(prefix = "/rpc", endpoint = "volumes/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_volume(name: String) -> Result<VolumeResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_volume(&name, false).await }).await
}

/// What a volume prune would remove (the daemon's unused volumes with their sizes); removes nothing.
#[server(
    prefix = "/rpc",
    endpoint = "volumes/prune-preview",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn prune_volumes_preview() -> Result<Vec<VolumeUsage>, AppError> {
    super::with_docker(|docker| async move { docker.prune_volumes_preview().await }).await
}

/// Removes every unused volume, named or anonymous (`docker volume prune --all`): what the preview lists.
#[server(
    prefix = "/rpc",
    endpoint = "volumes/prune",
    input = Json,
    client = crate::api::client::CsrfClient
)]
pub async fn prune_volumes() -> Result<PruneVolumesResult, AppError> {
    super::with_docker(|docker| async move { docker.prune_volumes(true, None).await }).await
}
