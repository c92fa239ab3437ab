//! `GET /api/events`: Docker events as Server-Sent Events.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use axum::routing::get;

use super::envelope::ApiError;
use super::sse::json_stream;
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::Identity;
use crate::auth::access::Access;
use app::docker::events::EventFilter;
use app::docker::parse_time_parameter;
use app::error::AppError;
use app::model::events::DockerEvent;

/// The events routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![ApiRoute::new(
        Method::GET,
        "/api/events",
        "Stream Docker events (SSE; ?type=container&container=web&event=start&label=k=v&since=&until=)",
        get(stream_events),
    )
    .query::<EventsQuery>()
    .answers_raw(200, "text/event-stream", "Server-sent events: one DockerEvent (JSON) per data line, a keep-alive comment at least every 15 s", Some(|schemas| openapi::sse_event(openapi::component::<DockerEvent>(schemas))))
    .requires(Access::viewer("events", "watch Docker events"))]
}

/// Reads the events query: comma lists for every filter, `label` repeatable, times as Unix seconds or
/// RFC 3339.
pub fn parse_event_filter(query: Option<&str>) -> Result<EventFilter, AppError> {
    let mut filter = EventFilter::default();
    let split = |value: &str| -> Vec<String> {
        value
            .split(',')
            .map(str::trim)
            .map(str::to_string)
            .collect()
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "type" => filter.types.extend(split(&value)),
            "container" => filter.containers.extend(split(&value)),
            "image" => filter.images.extend(split(&value)),
            "volume" => filter.volumes.extend(split(&value)),
            "network" => filter.networks.extend(split(&value)),
            "event" => filter.actions.extend(split(&value)),
            "label" => filter.labels.push(value.trim().to_string()),
            "since" => filter.since = Some(parse_time_parameter("since", &value)?),
            "until" => filter.until = Some(parse_time_parameter("until", &value)?),
            // other parameters are ignored, as on every other route (e.g. an access token)
            _ => {}
        }
    }
    filter.validate()?;
    Ok(filter)
}

async fn stream_events(
    State(state): State<AppState>,
    identity: Option<Extension<Identity>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let mut filter = parse_event_filter(uri.query())?;
    if let Some(Extension(identity)) = &identity
        && let Some(labels) = identity.label_scope()
    {
        filter = within_label_scope(filter, &identity.caller.name, labels)?;
    }
    let events = state.docker.events(&filter).await?;
    Ok(json_stream(events))
}

/// Narrows a label-scoped token's filter to the events of the containers carrying all its labels (the
/// daemon filters them: `type=container` and every label). Asking for other kinds of objects only is
/// refused (403), as their routes are.
fn within_label_scope(
    mut filter: EventFilter,
    token: &str,
    labels: &BTreeMap<String, String>,
) -> Result<EventFilter, AppError> {
    if !filter.types.is_empty() && !filter.types.iter().any(|kind| kind == "container") {
        let scope: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return Err(AppError::Forbidden(format!(
            "Token '{token}' is limited to containers labelled {}: it may watch container events only",
            scope.join(",")
        )));
    }
    filter.types = vec!["container".into()];
    filter
        .labels
        .extend(labels.iter().map(|(k, v)| format!("{k}={v}")));
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_is_read_with_lists_and_repeated_labels() {
        let filter = parse_event_filter(Some(
            "type=container,image&container=web&event=start,die&label=a%3D1&label=b&since=10&until=1970-01-01T00:00:20Z",
        ))
        .unwrap();
        assert_eq!(filter.types, vec!["container", "image"]);
        assert_eq!(filter.containers, vec!["web"]);
        assert_eq!(filter.actions, vec!["start", "die"]);
        assert_eq!(filter.labels, vec!["a=1", "b"]);
        assert_eq!((filter.since, filter.until), (Some(10), Some(20)));
    }

    #[test]
    fn a_label_scope_keeps_only_container_events_carrying_its_labels() {
        let scope = BTreeMap::from([("team".to_string(), "a".to_string())]);
        let asked = parse_event_filter(Some("type=container,image&label=tier")).unwrap();
        let narrowed = within_label_scope(asked, "ci", &scope).unwrap();
        assert_eq!(narrowed.types, vec!["container"]);
        assert_eq!(narrowed.labels, vec!["tier", "team=a"]);
        let everything = within_label_scope(EventFilter::default(), "ci", &scope).unwrap();
        assert_eq!(everything.types, vec!["container"]);
        let volumes = parse_event_filter(Some("type=volume")).unwrap();
        let refused = within_label_scope(volumes, "ci", &scope).unwrap_err();
        assert_eq!(refused.status_code(), 403);
    }

    #[test]
    fn bad_values_are_refused() {
        for query in [
            "type=bogus",
            "since=yesterday",
            "until=10m",
            "container=",
            "since=5&until=4",
        ] {
            assert_eq!(
                parse_event_filter(Some(query)).unwrap_err().status_code(),
                400,
                "{query}"
            );
        }
    }
}

/// The events query, for the OpenAPI document (the handler reads it with
/// [`parse_event_filter`], which takes `label` more than once).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct EventsQuery {
    /// Object types, comma-separated: container, image, volume, network, daemon.
    r#type: Option<String>,
    /// Only events of this container (name or id).
    container: Option<String>,
    /// Only events of this image.
    image: Option<String>,
    /// Only events of this volume.
    volume: Option<String>,
    /// Only events of this network.
    network: Option<String>,
    /// Actions, comma-separated (start, stop, die, ...).
    event: Option<String>,
    /// `key` or `key=value`; repeatable, all must match.
    label: Option<Vec<String>>,
    /// Replay events since: unix seconds or RFC 3339.
    since: Option<String>,
    /// End the stream at: unix seconds or RFC 3339 (past events are replayed).
    until: Option<String>,
}
