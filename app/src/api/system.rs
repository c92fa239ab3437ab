//! Server functions for daemon-wide reads.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;
use serde_json::Value;

use crate::error::AppError;

/// `docker version`, as `GET /api/system/version` reports it.
#[server(prefix = "/rpc", endpoint = "system/version", client = crate::api::client::CsrfClient)]
pub async fn system_version() -> Result<Value, AppError> {
    super::with_docker(|docker| async move { docker.version().await }).await
}

/// Containers by state, images, volumes, networks and disk use, as `GET /api/system/stats` reports them.
#[server(prefix = "/rpc", endpoint = "system/statistics", client = crate::api::client::CsrfClient)]
pub async fn system_statistics() -> Result<Value, AppError> {
    super::with_docker(|docker| async move { docker.statistics().await }).await
}
