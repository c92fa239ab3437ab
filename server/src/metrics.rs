//! Prometheus metrics: what every request counts and how long it took (by route template, never by raw
//! path), how long the daemon took to answer each kind of call and how those calls ended (counted by the
//! service layer, see [`app::docker::calls`]), and what is read at scrape time (whether the daemon
//! answers, containers by state, open streams by kind). Written in the Prometheus text exposition
//! format 0.0.4.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use app::docker::calls::DURATION_BUCKETS;
use app::docker::{CallMetrics, DockerService, Outcome, StreamKind};

/// The `route` label of a request that matched no route (a fixed value: raw paths would let any
/// client create unbounded series).
pub const UNMATCHED_ROUTE: &str = "unmatched";

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

/// One histogram: observations per bucket (not cumulative; the last slot is `+Inf`) and their sum.
#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: [u64; DURATION_BUCKETS.len() + 1],
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let slot = DURATION_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(DURATION_BUCKETS.len());
        self.buckets[slot] += 1;
        self.sum += seconds;
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
            write_histogram(
                out,
                "berth_http_request_duration_seconds",
                &labels,
                &histogram.buckets,
                histogram.sum,
            );
        }
    }
}

/// Writes `berth_docker_request_duration_seconds` and `berth_docker_requests_total` for every operation
/// called at least once.
fn write_daemon_calls(out: &mut String, calls: &CallMetrics) {
    let summaries = calls.summaries();
    header(
        out,
        "berth_docker_requests_total",
        "counter",
        "Daemon calls, by operation and outcome (ok: the daemon answered, 4xx included; error: a 5xx or a transport failure; timeout: no answer within --docker-timeout).",
    );
    for summary in &summaries {
        for (outcome, count) in Outcome::ALL.iter().zip(summary.outcomes) {
            let _ = writeln!(
                out,
                "berth_docker_requests_total{{operation=\"{}\",outcome=\"{}\"}} {count}",
                summary.operation.name(),
                outcome.name()
            );
        }
    }
    header(
        out,
        "berth_docker_request_duration_seconds",
        "histogram",
        "Time until the daemon answered, by operation (for a stream: until its first answer).",
    );
    for summary in &summaries {
        let labels = format!("operation=\"{}\"", summary.operation.name());
        write_histogram(
            out,
            "berth_docker_request_duration_seconds",
            &labels,
            &summary.buckets,
            summary.sum_seconds,
        );
    }
}

/// Writes one histogram's samples: cumulative buckets from `buckets` (observations per bucket of
/// [`DURATION_BUCKETS`], the last slot `+Inf`), then its sum and count.
fn write_histogram(out: &mut String, name: &str, labels: &str, buckets: &[u64], sum: f64) {
    let mut cumulative = 0;
    for (bound, count) in DURATION_BUCKETS.iter().zip(buckets) {
        cumulative += count;
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
    }
    let count: u64 = buckets.iter().sum();
    let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {count}");
    let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
    let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
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
    // The documented template: one wildcard route serves several image routes (`.../history`, `.../tag`).
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| {
            state
                .auth
                .access
                .documented_path(request.method(), matched.as_str(), request.uri().path())
                .unwrap_or(matched.as_str())
                .to_string()
        })
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
/// with a short limit and, when it answers, one container list), then the daemon calls counted so far
/// (this scrape's own included).
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
    // Last, so that the scrape's own ping and list are counted too.
    write_daemon_calls(&mut out, docker.call_metrics());
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
    fn daemon_calls_are_written_per_operation_and_outcome_with_a_histogram() {
        use app::docker::Operation;
        let calls = CallMetrics::default();
        calls.record(
            Operation::ContainerInspect,
            Outcome::Ok,
            Duration::from_millis(2),
        );
        calls.record(
            Operation::ContainerInspect,
            Outcome::Timeout,
            Duration::from_secs(31),
        );
        let mut out = String::new();
        write_daemon_calls(&mut out, &calls);
        for line in [
            "# TYPE berth_docker_requests_total counter\n",
            "berth_docker_requests_total{operation=\"container_inspect\",outcome=\"ok\"} 1\n",
            "berth_docker_requests_total{operation=\"container_inspect\",outcome=\"error\"} 0\n",
            "berth_docker_requests_total{operation=\"container_inspect\",outcome=\"timeout\"} 1\n",
            "# TYPE berth_docker_request_duration_seconds histogram\n",
            "berth_docker_request_duration_seconds_bucket{operation=\"container_inspect\",le=\"0.005\"} 1\n",
            "berth_docker_request_duration_seconds_bucket{operation=\"container_inspect\",le=\"30\"} 1\n",
            "berth_docker_request_duration_seconds_bucket{operation=\"container_inspect\",le=\"+Inf\"} 2\n",
            "berth_docker_request_duration_seconds_sum{operation=\"container_inspect\"} 31.002\n",
            "berth_docker_request_duration_seconds_count{operation=\"container_inspect\"} 2\n",
        ] {
            assert!(out.contains(line), "{line} in {out}");
        }
        assert!(
            !out.contains("container_list"),
            "operations never called are left out: {out}"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
