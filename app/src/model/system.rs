//! Daemon-wide views for the console.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::events::DockerEvent;

/// Everything the dashboard shows, gathered by one call: the engine's version, its host (as `docker info`
/// reports it), counts by kind and disk usage (as `GET /api/system/stats` reports them) and the recent
/// events, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// `docker version`, as `GET /api/system/version` reports it.
    pub version: Value,
    /// `docker info`, as `GET /api/system/info` reports it (OS, kernel, CPUs, memory of the engine's host).
    pub info: Value,
    /// Containers by state, images, volumes, networks and disk use, as `GET /api/system/stats` reports them.
    pub statistics: Value,
    /// The latest events of the last hour, newest first.
    pub recent_events: Vec<DockerEvent>,
}
