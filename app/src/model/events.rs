//! Docker events as `GET /api/events` streams them (one JSON object per Server-Sent Event).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One Docker event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DockerEvent {
    /// The object kind: `container`, `image`, `volume`, `network`, `daemon`...
    #[serde(rename = "type")]
    pub kind: String,
    /// What happened: `create`, `start`, `die`, `destroy`, `pull`...
    pub action: String,
    /// The object's full id (or the image reference, for image events).
    pub id: String,
    /// The object's name, when it has one.
    #[serde(default)]
    pub name: String,
    /// When it happened, RFC 3339 UTC.
    pub time: String,
    /// When it happened, in nanoseconds since the Unix epoch.
    pub time_nano: i64,
    /// The event's attributes (labels, image, exit code...).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_the_contract_shape() {
        let event: DockerEvent = serde_json::from_value(serde_json::json!({
            "type": "container", "action": "start", "id": "abc", "name": "web",
            "time": "2026-11-28T10:00:00Z", "time_nano": 1_764_300_000_000_000_000_i64,
            "attributes": {"image": "busybox"}
        }))
        .expect("contract shape");
        assert_eq!(event.kind, "container");
        assert_eq!(event.attributes["image"], "busybox");
    }
}
