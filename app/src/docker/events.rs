//! Docker events (`docker events`), as a stream.

use std::collections::{BTreeMap, HashMap};

use bollard::models::EventMessage;
use bollard::query_parameters::EventsOptions;
use futures_util::{Stream, StreamExt};

use super::streams::{StreamKind, Tracked};
use super::{DockerService, Operation, unix_to_rfc3339};
use crate::error::AppError;
use crate::model::events::DockerEvent;

/// The object kinds `GET /api/events?type=` accepts.
pub const EVENT_TYPES: [&str; 5] = ["container", "image", "volume", "network", "daemon"];

/// Which events to send: each filter narrows the stream (values of one filter are alternatives, except
/// labels, which must all match), as `docker events --filter` does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Object kinds (`container`, `image`, ...).
    pub types: Vec<String>,
    /// Containers, by name or id.
    pub containers: Vec<String>,
    /// Images, by reference or id.
    pub images: Vec<String>,
    /// Volumes, by name.
    pub volumes: Vec<String>,
    /// Networks, by name or id.
    pub networks: Vec<String>,
    /// Actions (`start`, `die`, ...).
    pub actions: Vec<String>,
    /// Labels, `key` or `key=value`; all must match.
    pub labels: Vec<String>,
    /// Replay events from this Unix second.
    pub since: Option<i64>,
    /// Stop at this Unix second (the stream ends then).
    pub until: Option<i64>,
}

impl EventFilter {
    /// Checks the values a client gave: known types, non-empty names, `since` not after `until`.
    pub fn validate(&self) -> Result<(), AppError> {
        for kind in &self.types {
            if !EVENT_TYPES.contains(&kind.as_str()) {
                return Err(AppError::bad_request(format!(
                    "Invalid query parameter 'type': '{kind}' is not one of {}",
                    EVENT_TYPES.join(", ")
                )));
            }
        }
        for (name, values) in self.named_filters() {
            if values.iter().any(|v| v.trim().is_empty()) {
                return Err(AppError::bad_request(format!(
                    "Invalid query parameter '{name}': values must not be empty"
                )));
            }
        }
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since > until
        {
            return Err(AppError::bad_request(
                "Invalid query parameters: 'since' is after 'until'",
            ));
        }
        Ok(())
    }

    /// The filters that name objects, actions or labels, by their query key (the daemon's key too).
    fn named_filters(&self) -> [(&'static str, &Vec<String>); 6] {
        [
            ("container", &self.containers),
            ("image", &self.images),
            ("volume", &self.volumes),
            ("network", &self.networks),
            ("event", &self.actions),
            ("label", &self.labels),
        ]
    }

    /// The daemon's `filters` map.
    fn daemon_filters(&self) -> HashMap<String, Vec<String>> {
        std::iter::once(("type", &self.types))
            .chain(self.named_filters())
            .filter(|(_, values)| !values.is_empty())
            .map(|(key, values)| (key.to_string(), values.clone()))
            .collect()
    }
}

/// Shapes a daemon event into the contract's message.
fn event_from_docker(message: EventMessage) -> DockerEvent {
    let actor = message.actor.unwrap_or_default();
    let attributes: BTreeMap<String, String> =
        actor.attributes.unwrap_or_default().into_iter().collect();
    let id = actor.id.unwrap_or_default();
    let name = attributes
        .get("name")
        .cloned()
        .unwrap_or_else(|| id.clone());
    let time_nano = message.time_nano.unwrap_or_else(|| {
        message
            .time
            .unwrap_or_default()
            .saturating_mul(1_000_000_000)
    });
    DockerEvent {
        kind: message.typ.map(|t| t.to_string()).unwrap_or_default(),
        action: message.action.unwrap_or_default(),
        id,
        name,
        time: unix_to_rfc3339(time_nano.div_euclid(1_000_000_000)),
        time_nano,
        attributes,
    }
}

impl DockerService {
    /// Docker events matching `filter`: the past ones from `since` (if given), then live ones; the stream
    /// ends at `until` (if given), when the daemon goes away, or when it is dropped (which closes the
    /// daemon connection).
    pub async fn events(
        &self,
        filter: &EventFilter,
    ) -> Result<impl Stream<Item = Result<DockerEvent, AppError>> + Send + 'static, AppError> {
        filter.validate()?;
        let until = filter.until.map(|u| u.to_string());
        self.open_events(filter, until).await
    }

    /// The events stream of `filter`, ending at `until` (the daemon's format: Unix seconds, with an optional
    /// fraction) instead of the filter's whole second.
    async fn open_events(
        &self,
        filter: &EventFilter,
        until: Option<String>,
    ) -> Result<impl Stream<Item = Result<DockerEvent, AppError>> + Send + 'static, AppError> {
        let client = self.client().await?;
        // A version check first, so that an unreachable daemon is a 503 before the stream starts.
        if let Err(err) = self.call(Operation::SystemPing, client.ping()).await {
            return Err(self.fail(err, "Docker events").await);
        }
        let options = EventsOptions {
            since: filter.since.map(|s| s.to_string()),
            until,
            filters: Some(filter.daemon_filters()),
        };
        let service = self.clone();
        let streaming = self.stream_client().await?;
        let events = streaming.events(Some(options)).then(move |item| {
            let service = service.clone();
            async move {
                match item {
                    Ok(message) => Ok(event_from_docker(message)),
                    Err(err) => Err(service.fail(err, "Docker events").await),
                }
            }
        });
        Ok(Tracked::live(
            events,
            self.stream_counter(),
            StreamKind::Events,
        ))
    }

    /// The last `limit` events matching `filter` of the past `within_seconds` seconds, newest first: a
    /// replay that ends at "now" (like `docker events --since 1h --until now`), read within 10 s.
    pub async fn recent_events(
        &self,
        filter: EventFilter,
        within_seconds: i64,
        limit: usize,
    ) -> Result<Vec<DockerEvent>, AppError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let seconds = now.as_secs() as i64;
        let filter = EventFilter {
            since: Some(seconds - within_seconds.max(0)),
            until: Some(seconds),
            ..filter
        };
        filter.validate()?;
        // Up to this very moment: a whole-second `until` would leave out the events of the current second.
        let until = format!("{seconds}.{:09}", now.subsec_nanos());
        let stream = self.open_events(&filter, Some(until)).await?;
        let mut latest = std::collections::VecDeque::with_capacity(limit);
        let collect = async {
            futures_util::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                if latest.len() == limit {
                    latest.pop_front();
                }
                if limit > 0 {
                    latest.push_back(event?);
                }
            }
            Ok::<_, AppError>(())
        };
        match tokio::time::timeout(std::time::Duration::from_secs(10), collect).await {
            Ok(outcome) => outcome?,
            Err(_) => {
                return Err(AppError::ServiceUnavailable(
                    "Docker did not replay its recent events within 10 s".into(),
                ));
            }
        }
        Ok(latest.into_iter().rev().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_types_and_reversed_ranges_are_refused() {
        let filter = EventFilter {
            types: vec!["container".into(), "swarm".into()],
            ..Default::default()
        };
        assert!(
            filter
                .validate()
                .unwrap_err()
                .to_string()
                .contains("'swarm'")
        );
        let filter = EventFilter {
            since: Some(20),
            until: Some(10),
            ..Default::default()
        };
        assert!(filter.validate().is_err());
    }

    #[test]
    fn only_given_filters_reach_the_daemon() {
        let filter = EventFilter {
            types: vec!["container".into()],
            labels: vec!["a=1".into(), "b".into()],
            ..Default::default()
        };
        let filters = filter.daemon_filters();
        assert_eq!(filters.len(), 2);
        assert_eq!(filters["label"], vec!["a=1".to_string(), "b".to_string()]);
    }

    #[test]
    fn events_carry_name_and_times() {
        let message: EventMessage = serde_json::from_value(serde_json::json!({
            "Type": "container", "Action": "start",
            "Actor": {"ID": "abc", "Attributes": {"name": "web", "image": "busybox"}},
            "time": 1704110400, "timeNano": 1704110400123456789i64
        }))
        .unwrap();
        let event = event_from_docker(message);
        assert_eq!(event.kind, "container");
        assert_eq!(event.name, "web");
        assert_eq!(event.time, "2024-01-01T12:00:00Z");
        assert_eq!(event.time_nano, 1_704_110_400_123_456_789);
    }
}
