//! `/api/system` routes and `/health`.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::envelope::{ApiResult, ok};
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::access::Access;
use app::docker::now_rfc3339;
use app::docker::system::host_information;
use app::error::AppError;
use app::model::system::{
    DiskUsage, HostInformation, SystemInfo, SystemStatistics, SystemStatus, SystemVersion,
};

/// The system routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/system/version",
            "Get Docker version",
            get(version),
        )
        .answers::<SystemVersion>("version")
        .requires(Access::viewer("details", "read the system version")),
        ApiRoute::new(
            Method::GET,
            "/api/system/info",
            "Get Docker system information",
            get(info),
        )
        .answers::<SystemInfo>("info")
        .requires(Access::viewer("details", "read system information")),
        ApiRoute::new(
            Method::GET,
            "/api/system/df",
            "Get Docker disk usage",
            get(disk_usage),
        )
        .answers::<DiskUsage>("usage")
        .requires(Access::viewer("details", "read disk usage")),
        ApiRoute::new(
            Method::GET,
            "/api/system/status",
            "Get Docker daemon status",
            get(status),
        )
        .answers::<SystemStatus>("status")
        .requires(Access::viewer("details", "read the system status")),
        ApiRoute::new(
            Method::GET,
            "/api/system/stats",
            "Get overall Docker statistics",
            get(statistics),
        )
        .answers::<SystemStatistics>("stats")
        .requires(Access::viewer("stats", "read system statistics")),
        ApiRoute::new(
            Method::GET,
            "/api/system/host",
            "Get information about the API's host",
            get(host),
        )
        .answers::<HostInformation>("host")
        .requires(Access::viewer("details", "read host information")),
        ApiRoute::new(
            Method::GET,
            "/health",
            "Health of the API and the Docker daemon",
            get(health),
        )
        .answers_raw(
            200,
            "application/json",
            "The daemon answers (503 with status unhealthy when it does not)",
            Some(openapi::health_schema),
        )
        .requires(Access::public("check health")),
    ]
}

async fn version(State(state): State<AppState>) -> ApiResult {
    ok("version", state.docker.version().await?)
}

async fn info(State(state): State<AppState>) -> ApiResult {
    ok("info", state.docker.info().await?)
}

async fn disk_usage(State(state): State<AppState>) -> ApiResult {
    ok("usage", state.docker.disk_usage().await?)
}

async fn status(State(state): State<AppState>) -> ApiResult {
    ok("status", state.docker.status().await?)
}

async fn statistics(State(state): State<AppState>) -> ApiResult {
    ok("stats", state.docker.statistics().await?)
}

async fn host() -> ApiResult {
    let host = tokio::task::spawn_blocking(host_information)
        .await
        .unwrap_or_default();
    ok("host", host)
}

async fn health(State(state): State<AppState>) -> Response {
    match state.docker.health().await {
        Ok(details) => {
            let mut body =
                json!({"status": "healthy", "success": true, "timestamp": now_rfc3339()});
            let details = serde_json::to_value(details).unwrap_or_default();
            if let (Value::Object(body), Value::Object(details)) = (&mut body, details) {
                body.extend(details);
            }
            (StatusCode::OK, Json(body)).into_response()
        }
        Err(error) => {
            // a daemon that does not answer in time is as unhealthy as one that is gone: 503
            let status = match error {
                AppError::DaemonTimeout(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            };
            let body = json!({
                "status": "unhealthy",
                "success": false,
                "error": error.to_string(),
                "data": null,
                "timestamp": now_rfc3339(),
            });
            (status, Json(body)).into_response()
        }
    }
}
