//! Server functions for volumes.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::volumes::{VolumeResult, VolumeSummary};

/// Lists volumes, sorted by name.
#[server(prefix = "/rpc", endpoint = "volumes/list")]
pub async fn list_volumes() -> Result<Vec<VolumeSummary>, AppError> {
    super::docker_service()?.list_volumes().await
}

/// Creates a local volume; a blank `name` lets the daemon generate one.
#[server(prefix = "/rpc", endpoint = "volumes/create")]
pub async fn create_volume(name: String) -> Result<VolumeResult, AppError> {
    let name = name.trim();
    super::docker_service()?
        .create_volume(crate::model::volumes::CreateVolumeRequest {
            name: (!name.is_empty()).then(|| name.to_string()),
            ..Default::default()
        })
        .await
}

/// Removes a volume without force: a volume in use is a 409 naming the containers.
#[server(prefix = "/rpc", endpoint = "volumes/remove")]
pub async fn remove_volume(name: String) -> Result<VolumeResult, AppError> {
    super::docker_service()?.remove_volume(&name, false).await
}
