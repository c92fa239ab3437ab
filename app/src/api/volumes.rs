//! Server functions for volumes.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::volumes::{VolumeResult, VolumeSummary};

/// Lists volumes, sorted by name.
#[server(prefix = "/rpc", endpoint = "volumes/list", client = crate::api::client::CsrfClient)]
pub async fn list_volumes() -> Result<Vec<VolumeSummary>, AppError> {
    super::with_docker(|docker| async move { docker.list_volumes().await }).await
}

/// Creates a local volume; a blank `name` lets the daemon generate one.
#[server(prefix = "/rpc", endpoint = "volumes/create", client = crate::api::client::CsrfClient)]
pub async fn create_volume(name: String) -> Result<VolumeResult, AppError> {
    let name = name.trim();
    super::with_docker(|docker| async move {
        docker
            .create_volume(crate::model::volumes::CreateVolumeRequest {
                name: (!name.is_empty()).then(|| name.to_string()),
                ..Default::default()
            })
            .await
    })
    .await
}

/// Removes a volume without force: a volume in use is a 409 naming the containers.
#[server(prefix = "/rpc", endpoint = "volumes/remove", client = crate::api::client::CsrfClient)]
pub async fn remove_volume(name: String) -> Result<VolumeResult, AppError> {
    super::with_docker(|docker| async move { docker.remove_volume(&name, false).await }).await
}
