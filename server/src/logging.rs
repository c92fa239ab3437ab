//! Logs: `tracing` lines as text or JSON (`--log-format`), one span per request carrying its id
//! (`x-request-id`, made when the client sent none, echoed in the answer), method and route template,
//! and one line when the answer begins with its status, latency and, for a failure, the sentence the
//! client was given. Details of a failure (the daemon's own words) are logged once, where it happens,
//! inside that span.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use tracing::Span;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::rest::envelope::PublicError;

/// Installs the global subscriber: `filter` as `--log-level` reads it (an invalid one falls back to
/// `info`), written as `format`.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // colours only for a terminal, never into a file or a collector
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colours);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    if let Err(err) = installed {
        eprintln!("warning: logging was already set up: {err}");
    }
}

/// The span of one request: its id, method and route template (never the raw path's parameters
/// beyond the template; the path is kept as `path` for debugging).
pub fn request_span(request: &Request) -> Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or(crate::metrics::UNMATCHED_ROUTE);
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        route = %route,
        path = %request.uri().path(),
    )
}

/// Logs the beginning of the answer: status and latency, and the client's error sentence for a
/// failure (5xx at warn level).
pub fn request_finished(response: &Response, latency: Duration, _span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    let error = response
        .extensions()
        .get::<PublicError>()
        .map(|error| error.0.as_str());
    match error {
        Some(error) if status >= 500 => {
            tracing::warn!(status, latency_ms, error, "request failed")
        }
        Some(error) => tracing::info!(status, latency_ms, error, "request refused"),
        None => tracing::info!(status, latency_ms, "request answered"),
    }
}
