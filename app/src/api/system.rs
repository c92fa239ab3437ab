//! Server functions for daemon-wide reads.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::events::DockerEvent;
use crate::model::system::Dashboard;

/// `docker version`, as `GET /api/system/version` reports it.
#[server(prefix = "/rpc", endpoint = "system/version", client = crate::api::client::CsrfClient)]
pub async fn system_version() -> Result<crate::model::system::SystemVersion, AppError> {
    super::with_docker(|docker| async move { docker.version().await }).await
}

/// Containers by state, images, volumes, networks and disk use, as `GET /api/system/stats` reports them.
#[server(prefix = "/rpc", endpoint = "system/statistics", client = crate::api::client::CsrfClient)]
pub async fn system_statistics() -> Result<crate::model::system::SystemStatistics, AppError> {
    super::with_docker(|docker| async move { docker.statistics().await }).await
}

/// How many recent events the dashboard shows.
pub const DASHBOARD_EVENTS: usize = 15;

/// The dashboard's data in one call: version, host facts, counts, disk usage and the last events of the hour.
#[server(prefix = "/rpc", endpoint = "system/dashboard", client = crate::api::client::CsrfClient)]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    super::with_docker(|docker| async move { docker.dashboard(DASHBOARD_EVENTS).await }).await
}

/// The last `limit` (at most 500) Docker events of the past hour, newest first, narrowed like
/// `GET /api/events`: `kind` (an object type, or empty for all) and `action` (an action, or empty for all).
#[server(prefix = "/rpc", endpoint = "events/recent", client = crate::api::client::CsrfClient)]
pub async fn recent_events(
    kind: String,
    action: String,
    limit: usize,
) -> Result<Vec<DockerEvent>, AppError> {
    let words = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    };
    let filter = crate::docker::events::EventFilter {
        types: words(&kind),
        actions: words(&action),
        ..Default::default()
    };
    let limit = limit.min(500);
    super::with_docker(|docker| async move { docker.recent_events(filter, 3600, limit).await })
        .await
}

/// Whether the Docker daemon answers a ping within 2 s: the console's "Docker engine unreachable" banner
/// on the first paint (the browser then follows the daemon by itself).
#[server(prefix = "/rpc", endpoint = "system/ping", client = crate::api::client::CsrfClient)]
pub async fn daemon_answers() -> Result<bool, AppError> {
    let docker = super::docker_service()?;
    Ok(docker
        .answers_ping_within(std::time::Duration::from_secs(2))
        .await)
}
