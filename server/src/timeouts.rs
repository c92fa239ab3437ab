//! The request timeout: a request whose answer has not begun within `--request-timeout` is answered
//! 504 with the envelope. Streams and WebSocket sessions are not cut (their answer begins at once and the
//! timeout only covers its beginning), and neither are the operations that last as long as the work they
//! do: pulls, builds, pushes, loads and exec runs.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::rest::envelope::PublicError;

/// Routes that run as long as their work: (method, route template).
const LONG_RUNNING: [(Method, &str); 5] = [
    (Method::POST, "/api/images/pull"),
    (Method::POST, "/api/images/build"),
    (Method::POST, "/api/images/load"),
    // push and tag
    (Method::POST, "/api/images/{*reference}"),
    (Method::POST, "/api/containers/{id}/exec"),
];

/// Whether `method` on `route` is exempt from the request timeout.
pub fn runs_as_long_as_its_work(method: &Method, route: &str) -> bool {
    LONG_RUNNING
        .iter()
        .any(|(long_method, long_route)| long_method == method && *long_route == route)
}

/// The answer to a request that ran out of time.
pub fn timed_out(limit: Duration) -> Response {
    tracing::error!(timeout_s = limit.as_secs(), "request timed out");
    let sentence = format!(
        "Berth did not finish the request within {} s",
        limit.as_secs()
    );
    let body = serde_json::json!({"success": false, "error": sentence, "data": null});
    let mut response = (axum::http::StatusCode::GATEWAY_TIMEOUT, axum::Json(body)).into_response();
    response.extensions_mut().insert(PublicError(sentence));
    response
}

/// Middleware: bounds the time until the answer begins.
pub async fn limit_request_time(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let exempt = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|matched| runs_as_long_as_its_work(request.method(), matched.as_str()));
    if exempt {
        return next.run(request).await;
    }
    match tokio::time::timeout(state.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => timed_out(state.request_timeout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_operations_are_exempt_and_reads_are_not() {
        assert!(runs_as_long_as_its_work(&Method::POST, "/api/images/pull"));
        assert!(runs_as_long_as_its_work(
            &Method::POST,
            "/api/containers/{id}/exec"
        ));
        assert!(!runs_as_long_as_its_work(&Method::GET, "/api/containers"));
        assert!(!runs_as_long_as_its_work(
            &Method::POST,
            "/api/containers/{id}/stop"
        ));
    }
}
