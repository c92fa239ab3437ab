//! Prometheus metrics: what every request counts and how long it took (by route template, never by raw
//! path), and what is read at scrape time (whether the daemon answers, containers by state, open
//! streams by kind). Written in the Prometheus text exposition format 0.0.4.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use app::docker::{DockerService, StreamKind};

/// The `route` label of a request that matched no route (a fixed value: raw paths would let any
/// client create unbounded series).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Upper bounds (seconds) of the request duration histogram's buckets.
pub const DURATION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How long a scrape waits for the daemon's ping before reporting it down.
const PING_LIMIT: Duration = Duration::from_secs(2);

/// The container states Docker knows, always exported (zero when none), so dashboards see every series.
const CONTAINER_STATES: [&str; 7] = [
    "created",
    "running",
    "paused",
    "restarting",
    "removing",
    "exited",
    "dead",
];

/// The methods counted by name; any other is counted as `other` (bounded cardinality).
const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
];

/// One histogram: observations per bucket (not cumulative; the last slot is `+Inf`), their sum and count.
#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: [u64; DURATION_BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let slot = DURATION_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(DURATION_BUCKETS.len());
        self.buckets[slot] += 1;
        self.sum += seconds;
        self.count += 1;
    }
}

#[derive(Debug, Default)]
struct Series {
    /// (method, route, status) → requests answered.
    requests: BTreeMap<(&'static str, String, u16), u64>,
    /// (method, route) → durations.
    durations: BTreeMap<(&'static str, String), Histogram>,
}

/// The HTTP request metrics of one server.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    series: Mutex<Series>,
}

impl HttpMetrics {
    /// Counts one answered request of `method` on `route` (a template or [`UNMATCHED_ROUTE`]).
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = KNOWN_METHODS
            .iter()
            .find(|known| **known == method)
            .copied()
            .unwrap_or("other");
        let mut series = self.series.lock().unwrap_or_else(|p| p.into_inner());
        *series
            .requests
            .entry((method, route.to_string(), status))
            .or_default() += 1;
        series
            .durations
            .entry((method, route.to_string()))
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// Writes `berth_http_requests_total` and `berth_http_request_duration_seconds`.
    fn write(&self, out: &mut String) {
        let series = self.series.lock().unwrap_or_else(|p| p.into_inner());
        header(
            out,
            "berth_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route template and status.",
        );
        for ((method, route, status), count) in &series.requests {
            let _ = writeln!(
                out,
                "berth_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        header(
            out,
            "berth_http_request_duration_seconds",
            "histogram",
            "Time until the answer began, by method and route template.",
        );
        for ((method, route), histogram) in &series.durations {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, count) in DURATION_BUCKETS.iter().zip(&histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "berth_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "berth_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "berth_http_request_duration_seconds_sum{{{labels}}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "berth_http_request_duration_seconds_count{{{labels}}} {}",
                histogram.count
            );
        }
    }
}

/// Middleware (outermost, so it sees every answer, refusals included): counts the request under its
/// route template once the answer begins.
pub async fn track_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_string());
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The whole exposition: the request metrics, then what the daemon and the service say now (one ping
/// with a short limit and, when it answers, one container list).
pub async fn exposition(http: &HttpMetrics, docker: &DockerService) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "berth_build_info",
        "gauge",
        "Berth's version (always 1).",
    );
    let _ = writeln!(
        out,
        "berth_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    http.write(&mut out);
    let up = docker
        .answers_ping_within(PING_LIMIT.min(docker.docker_timeout()))
        .await;
    header(
        &mut out,
        "berth_docker_up",
        "gauge",
        "Whether the Docker daemon answered a ping at scrape time (1) or not (0).",
    );
    let _ = writeln!(out, "berth_docker_up {}", u8::from(up));
    let containers = if up {
        match docker.list_containers(true).await {
            Ok(list) => Some(list),
            Err(error) => {
                tracing::warn!(%error, "metrics: could not list containers");
                None
            }
        }
    } else {
        None
    };
    header(
        &mut out,
        "berth_containers",
        "gauge",
        "Containers by state (absent while the daemon does not answer).",
    );
    if let Some(containers) = containers {
        let mut by_state: BTreeMap<String, usize> = CONTAINER_STATES
            .iter()
            .map(|state| (state.to_string(), 0))
            .collect();
        for container in containers {
            *by_state.entry(container.status).or_default() += 1;
        }
        for (state, count) in by_state {
            let _ = writeln!(
                out,
                "berth_containers{{state=\"{}\"}} {count}",
                escape(&state)
            );
        }
    }
    header(
        &mut out,
        "berth_open_streams",
        "gauge",
        "Daemon streams held open, by kind.",
    );
    for kind in StreamKind::ALL {
        let _ = writeln!(
            out,
            "berth_open_streams{{kind=\"{}\"}} {}",
            kind.name(),
            docker.open_streams_of(kind)
        );
    }
    out
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Escapes a label value (backslash, double quote, newline).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_method_route_and_status_with_cumulative_buckets() {
        let metrics = HttpMetrics::default();
        metrics.observe("GET", "/api/containers/{id}", 404, Duration::from_millis(3));
        metrics.observe(
            "GET",
            "/api/containers/{id}",
            404,
            Duration::from_millis(300),
        );
        metrics.observe("BREW", UNMATCHED_ROUTE, 404, Duration::from_secs(100));
        let mut out = String::new();
        metrics.write(&mut out);
        assert!(out.contains(
            "berth_http_requests_total{method=\"GET\",route=\"/api/containers/{id}\",status=\"404\"} 2\n"
        ));
        assert!(out.contains(
            "berth_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1\n"
        ));
        assert!(out.contains(
            "berth_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/containers/{id}\",le=\"0.005\"} 1\n"
        ));
        assert!(out.contains(
            "berth_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/containers/{id}\",le=\"0.5\"} 2\n"
        ));
        assert!(out.contains(
            "berth_http_request_duration_seconds_bucket{method=\"other\",route=\"unmatched\",le=\"30\"} 0\n"
        ));
        assert!(out.contains(
            "berth_http_request_duration_seconds_bucket{method=\"other\",route=\"unmatched\",le=\"+Inf\"} 1\n"
        ));
        assert!(out.contains("# TYPE berth_http_request_duration_seconds histogram\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
