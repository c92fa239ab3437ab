//! `/api/containers` routes.

use std::collections::BTreeMap;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Method, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use super::envelope::{
    ApiError, ApiResult, ForceQuery, JsonBody, NoOptions, QueryParams, created, list, ok,
    query_bool,
};
use super::sse::json_stream;
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::Identity;
use crate::auth::access::Access;
use app::docker::{LogFilter, LogRequest, LogTail, parse_time_parameter};
use app::error::AppError;
use app::model::ActionResult;
use app::model::containers::{
    ContainerDetails, ContainerLogs, ContainerProcesses, ContainerStats, ContainerSummary,
    CreateContainerRequest, KillRequest, RenameRequest, StopRequest,
};
use app::model::live::LogLine;
use serde_json::Value;

/// The container routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/containers",
            "List containers (?all=true includes stopped ones)",
            get(list_containers),
        )
        .query::<ListQuery>()
        .lists::<ContainerSummary>("containers")
        .requires(Access::viewer("list", "list containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers",
            "Create a container",
            post(create_container),
        )
        .json_body::<CreateContainerRequest>()
        .creates::<ActionResult>("result")
        .requires(Access::admin("create", "create containers")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}",
            "Get container details",
            get(container_details),
        )
        .answers::<ContainerDetails>("container")
        .requires(Access::viewer("details", "read container details")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}/inspect",
            "Get Docker's raw inspect document",
            get(inspect_container),
        )
        .answers_with(200, "inspect", openapi::any_object)
        .requires(Access::admin(
            "inspect",
            "read raw container inspect documents",
        )),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/start",
            "Start a container",
            post(start_container),
        )
        .optional_json_body::<NoOptions>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("start", "start containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/stop",
            "Stop a container (body: {\"timeout\": 10})",
            post(stop_container),
        )
        .optional_json_body::<StopRequest>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("stop", "stop containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/restart",
            "Restart a container (body: {\"timeout\": 10})",
            post(restart_container),
        )
        .optional_json_body::<StopRequest>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("restart", "restart containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/kill",
            "Send a signal to a container (body: {\"signal\": \"SIGKILL\"})",
            post(kill_container),
        )
        .optional_json_body::<KillRequest>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("kill", "kill containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/pause",
            "Pause a container",
            post(pause_container),
        )
        .optional_json_body::<NoOptions>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("pause", "pause containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/unpause",
            "Unpause a container",
            post(unpause_container),
        )
        .optional_json_body::<NoOptions>()
        .answers::<ActionResult>("result")
        .requires(Access::operator("unpause", "unpause containers")),
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/rename",
            "Rename a container (body: {\"name\": \"new-name\"})",
            post(rename_container),
        )
        .json_body::<RenameRequest>()
        .answers::<ActionResult>("result")
        .requires(Access::admin("rename", "rename containers")),
        ApiRoute::new(
            Method::DELETE,
            "/api/containers/{id}/remove",
            "Remove a container (?force=true removes a running one)",
            delete(remove_container),
        )
        .query::<ForceQuery>()
        .answers::<ActionResult>("result")
        .requires(Access::admin("remove", "remove containers")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}/logs",
            "Get container logs (?tail=100|all&since=&until=&timestamps=&stdout=&stderr=&grep=&ignore_case=&regex=&format=text; ?follow=true streams them as SSE)",
            get(container_logs),
        )
        .query::<LogsQuery>()
        .answers::<ContainerLogs>("logs")
        .or_streams(
            "with follow=true: one LogLine a message",
            openapi::container_events::<LogLine>,
        )
        .or_answers("text/plain", "with format=text: the log as a file")
        .requires(Access::viewer("logs", "read container logs")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}/top",
            "List a container's processes (?ps_args=aux)",
            get(container_top),
        )
        .query::<TopQuery>()
        .answers::<ContainerProcesses>("processes")
        .requires(Access::viewer("top", "list container processes")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}/stats",
            "One sample of a container's resource usage (?stream=true: SSE, one sample a second)",
            get(container_stats),
        )
        .query::<StatsQuery>()
        .answers::<ContainerStats>("stats")
        .or_streams(
            "with stream=true: one ContainerStats a second",
            openapi::container_events::<ContainerStats>,
        )
        .requires(Access::viewer("stats", "read container stats")),
    ]
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Include stopped containers (default false). `true`, `false`, `1` or `0`.
    #[serde(default, deserialize_with = "query_bool")]
    all: Option<bool>,
}

async fn list_containers(
    State(state): State<AppState>,
    identity: Option<Extension<Identity>>,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult {
    let all = query.all.unwrap_or(false);
    let containers = match identity.as_ref().and_then(|Extension(id)| id.label_scope()) {
        Some(labels) => state.docker.list_labelled_containers(all, labels).await?,
        None => state.docker.list_containers(all).await?,
    };
    list("containers", containers)
}

async fn create_container(
    State(state): State<AppState>,
    identity: Option<Extension<Identity>>,
    JsonBody(mut request): JsonBody<CreateContainerRequest>,
) -> ApiResult {
    if let Some(labels) = identity.as_ref().and_then(|Extension(id)| id.label_scope()) {
        request.labels = Some(with_scope_labels(request.labels.take(), labels));
    }
    created("result", state.docker.create_container(request).await?)
}

/// A label-scoped token's container gets the scope's labels (overriding any it set itself), so it
/// stays within the token's reach.
fn with_scope_labels(labels: Option<Value>, scope: &BTreeMap<String, String>) -> Value {
    match labels {
        Some(Value::Array(items)) => {
            let mut items: Vec<Value> = items
                .into_iter()
                .filter(|item| {
                    let key = item
                        .as_str()
                        .map(|text| text.split_once('=').map_or(text, |(key, _)| key));
                    !key.is_some_and(|key| scope.contains_key(key))
                })
                .collect();
            items.extend(scope.iter().map(|(k, v)| Value::String(format!("{k}={v}"))));
            Value::Array(items)
        }
        Some(Value::Object(mut map)) => {
            for (key, value) in scope {
                map.insert(key.clone(), Value::String(value.clone()));
            }
            Value::Object(map)
        }
        _ => Value::Object(
            scope
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
    }
}

async fn container_details(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok("container", state.docker.container_details(&id).await?)
}

async fn inspect_container(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(
        "inspect",
        state.docker.inspect_container_document(&id).await?,
    )
}

async fn start_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok("result", state.docker.start_container(&id).await?)
}

async fn stop_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StopRequest>,
) -> ApiResult {
    ok(
        "result",
        state
            .docker
            .stop_container(&id, body.timeout.unwrap_or(10))
            .await?,
    )
}

async fn restart_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StopRequest>,
) -> ApiResult {
    ok(
        "result",
        state
            .docker
            .restart_container(&id, body.timeout.unwrap_or(10))
            .await?,
    )
}

async fn kill_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<KillRequest>,
) -> ApiResult {
    ok(
        "result",
        state
            .docker
            .kill_container(&id, body.signal.map(|signal| signal.to_string()))
            .await?,
    )
}

async fn pause_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok("result", state.docker.pause_container(&id).await?)
}

async fn unpause_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok("result", state.docker.unpause_container(&id).await?)
}

async fn rename_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RenameRequest>,
) -> ApiResult {
    let name = body
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError(AppError::bad_request("Field 'name' is required")))?;
    ok("result", state.docker.rename_container(&id, &name).await?)
}

async fn remove_container(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<ForceQuery>,
) -> ApiResult {
    ok(
        "result",
        state.docker.remove_container(&id, query.force()).await?,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LogsQuery {
    /// How many lines from the end: a non-negative integer or `all` (default 100).
    tail: Option<String>,
    /// Only lines written since: unix seconds or RFC 3339.
    since: Option<String>,
    /// Only lines written before: unix seconds or RFC 3339.
    until: Option<String>,
    /// Prefix each line with its RFC 3339 time.
    #[serde(default, deserialize_with = "query_bool")]
    timestamps: Option<bool>,
    /// Include stdout (default true).
    #[serde(default, deserialize_with = "query_bool")]
    stdout: Option<bool>,
    /// Include stderr (default true).
    #[serde(default, deserialize_with = "query_bool")]
    stderr: Option<bool>,
    /// Stream the log as server-sent events until the container stops.
    #[serde(default, deserialize_with = "query_bool")]
    follow: Option<bool>,
    /// Keep only lines containing this text (the whole log is searched).
    grep: Option<String>,
    /// Match `grep` whatever the case.
    #[serde(default, deserialize_with = "query_bool")]
    ignore_case: Option<bool>,
    /// `grep` is a regular expression.
    #[serde(default, deserialize_with = "query_bool")]
    regex: Option<bool>,
    /// `text`: the log as a text/plain download.
    format: Option<String>,
}

/// Parses `tail`: a non-negative integer or `all`; absent means 100.
fn parse_tail(tail: Option<&str>) -> Result<LogTail, AppError> {
    match tail.map(str::trim) {
        None => Ok(LogTail::Last(100)),
        Some(text) if text.eq_ignore_ascii_case("all") => Ok(LogTail::All),
        Some(text) => text.parse::<u64>().map(LogTail::Last).map_err(|_| {
            AppError::bad_request(format!(
                "Invalid query parameter 'tail': '{text}' is not a non-negative integer or 'all'"
            ))
        }),
    }
}

impl LogsQuery {
    /// The service's request, every value checked.
    fn request(&self) -> Result<LogRequest, AppError> {
        let time = |name: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|text| parse_time_parameter(name, text))
                .transpose()
        };
        let filter = self
            .grep
            .as_deref()
            .map(|grep| {
                LogFilter::new(
                    grep,
                    self.ignore_case.unwrap_or(false),
                    self.regex.unwrap_or(false),
                )
            })
            .transpose()?;
        Ok(LogRequest {
            tail: parse_tail(self.tail.as_deref())?,
            since: time("since", &self.since)?,
            until: time("until", &self.until)?,
            timestamps: self.timestamps.unwrap_or(false),
            stdout: self.stdout.unwrap_or(true),
            stderr: self.stderr.unwrap_or(true),
            filter,
        })
    }

    /// Whether the log is asked for as a text download (`format=text`; `json`, the default, is the
    /// envelope).
    fn as_text(&self) -> Result<bool, AppError> {
        match self.format.as_deref().map(str::trim) {
            None => Ok(false),
            Some(format) if format.eq_ignore_ascii_case("json") => Ok(false),
            Some(format) if format.eq_ignore_ascii_case("text") => Ok(true),
            Some(other) => Err(AppError::bad_request(format!(
                "Invalid query parameter 'format': '{other}' is not 'json' or 'text'"
            ))),
        }
    }
}

/// A file name safe in a Content-Disposition header.
fn download_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn container_logs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<LogsQuery>,
) -> ApiResult {
    let request = query.request()?;
    let as_text = query.as_text()?;
    if query.follow.unwrap_or(false) {
        if as_text {
            return Err(ApiError(AppError::bad_request(
                "Query parameters 'follow=true' and 'format=text' cannot be combined",
            )));
        }
        return Ok(json_stream(state.docker.follow_logs(&id, &request).await?));
    }
    if as_text {
        let (name, body) = state.docker.container_log_text(&id, &request).await?;
        let body = body.map(|chunk| chunk.map_err(std::io::Error::other));
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "text/plain; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.log\"", download_name(&name)),
                ),
            ],
            Body::from_stream(body),
        )
            .into_response());
    }
    ok("logs", state.docker.container_logs(&id, &request).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TopQuery {
    /// Arguments for `ps` (default `-ef`).
    ps_args: Option<String>,
}

async fn container_top(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<TopQuery>,
) -> ApiResult {
    ok(
        "processes",
        state.docker.container_processes(&id, query.ps_args).await?,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// Stream a sample a second as server-sent events.
    #[serde(default, deserialize_with = "query_bool")]
    stream: Option<bool>,
}

async fn container_stats(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<StatsQuery>,
) -> ApiResult {
    if query.stream.unwrap_or(false) {
        return Ok(json_stream(state.docker.stream_stats(&id).await?));
    }
    ok("stats", state.docker.container_stats(&id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_accepts_numbers_and_all() {
        assert_eq!(parse_tail(None).unwrap(), LogTail::Last(100));
        assert_eq!(parse_tail(Some("20")).unwrap(), LogTail::Last(20));
        assert_eq!(parse_tail(Some("ALL")).unwrap(), LogTail::All);
        assert!(parse_tail(Some("-1")).is_err());
        assert!(parse_tail(Some("ten")).is_err());
    }
}
