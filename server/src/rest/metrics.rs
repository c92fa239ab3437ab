//! `GET /metrics`: Prometheus text exposition (see [`crate::metrics`]). Needs credentials when
//! authentication is on; any role may read it.

use axum::extract::State;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::ApiRoute;
use crate::AppState;
use crate::auth::access::Access;

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metrics route.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/metrics",
            "Prometheus metrics: requests by route, durations, daemon calls by operation and outcome with their latency, daemon up, containers by state, open streams",
            get(metrics),
        )
        .requires(Access::viewer("metrics", "read metrics"))
        .answers_raw(
            200,
            "text/plain",
            "The Prometheus text exposition format, version 0.0.4",
            None,
        ),
    ]
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = crate::metrics::exposition(&state.metrics, &state.docker).await;
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}
