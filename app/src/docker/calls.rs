//! Daemon calls, bounded and measured in one place: every call that is not a stream goes through
//! [`DockerService::call`], which applies the docker timeout and records the call's duration and outcome
//! under a stable operation name; a stream goes through [`DockerService::timed_stream`], which records
//! the time to its first answer (never the stream's life). [`CallMetrics`] holds the counts (atomics
//! only: no lock on the call path) for `/metrics` to render as `berth_docker_request_duration_seconds`
//! and `berth_docker_requests_total`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bollard::errors::Error as BollardError;
use futures_util::Stream;

use super::DockerService;

/// Upper bounds (seconds) of the duration histograms' buckets (HTTP requests and daemon calls).
pub const DURATION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

macro_rules! operations {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// A kind of daemon call, named stably for the `operation` label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )+
        }

        impl Operation {
            /// Every operation, in the order of its label.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),+];

            /// The `operation` label: `container_list`, `image_pull`, ...
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name),+
                }
            }
        }
    };
}

operations! {
    ApiVersionNegotiation => "api_version_negotiation",
    ContainerCreate => "container_create",
    ContainerInspect => "container_inspect",
    ContainerKill => "container_kill",
    ContainerList => "container_list",
    ContainerLogs => "container_logs",
    ContainerPause => "container_pause",
    ContainerRemove => "container_remove",
    ContainerRename => "container_rename",
    ContainerRestart => "container_restart",
    ContainerStart => "container_start",
    ContainerStats => "container_stats",
    ContainerStop => "container_stop",
    ContainerTop => "container_top",
    ContainerUnpause => "container_unpause",
    ExecCreate => "exec_create",
    ExecInspect => "exec_inspect",
    ExecResize => "exec_resize",
    ExecStart => "exec_start",
    ImageBuild => "image_build",
    ImageHistory => "image_history",
    ImageInspect => "image_inspect",
    ImageList => "image_list",
    ImageLoad => "image_load",
    ImagePrune => "image_prune",
    ImagePull => "image_pull",
    ImagePush => "image_push",
    ImageRemove => "image_remove",
    ImageSave => "image_save",
    ImageSearch => "image_search",
    ImageTag => "image_tag",
    NetworkConnect => "network_connect",
    NetworkCreate => "network_create",
    NetworkDisconnect => "network_disconnect",
    NetworkInspect => "network_inspect",
    NetworkList => "network_list",
    NetworkPrune => "network_prune",
    NetworkRemove => "network_remove",
    SystemDiskUsage => "system_df",
    SystemInfo => "system_info",
    SystemPing => "system_ping",
    SystemVersion => "system_version",
    VolumeCreate => "volume_create",
    VolumeInspect => "volume_inspect",
    VolumeList => "volume_list",
    VolumePrune => "volume_prune",
    VolumeRemove => "volume_remove",
}

/// How a daemon call ended, for the `outcome` label.
///
/// Any answer of the daemon below 500 is `ok`: the daemon answered, and a 404 or a 409 is about what
/// the caller asked, not about the daemon's health. `error` is a 5xx answer or a transport failure
/// (the daemon could not be reached, the connection broke, the answer was unreadable); `timeout` is a
/// call the daemon did not answer within the docker timeout (the 504 path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The daemon answered (any status below 500).
    Ok,
    /// A 5xx answer or a transport failure.
    Error,
    /// No answer within the docker timeout.
    Timeout,
}

impl Outcome {
    /// Every outcome, in the order of its label.
    pub const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Error, Outcome::Timeout];

    /// The `outcome` label.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Timeout => "timeout",
        }
    }

    /// The outcome of a call that failed with `error`.
    pub fn of_error(error: &BollardError) -> Self {
        match error {
            BollardError::DockerResponseServerError { status_code, .. } if *status_code < 500 => {
                Outcome::Ok
            }
            BollardError::RequestTimeoutError => Outcome::Timeout,
            _ => Outcome::Error,
        }
    }

    /// The outcome of a call's result.
    pub fn of<T>(result: &Result<T, BollardError>) -> Self {
        match result {
            Ok(_) => Outcome::Ok,
            Err(error) => Self::of_error(error),
        }
    }
}

/// The counts of one operation: durations per bucket (not cumulative; the last slot is `+Inf`), their
/// sum in microseconds, and calls per outcome.
#[derive(Debug, Default)]
struct OperationCounts {
    buckets: [AtomicU64; DURATION_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
    outcomes: [AtomicU64; Outcome::ALL.len()],
}

/// What one operation's calls add up to, as read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSummary {
    /// The operation.
    pub operation: Operation,
    /// Calls per duration bucket of [`DURATION_BUCKETS`] (not cumulative; the last slot is `+Inf`).
    pub buckets: [u64; DURATION_BUCKETS.len() + 1],
    /// The sum of the calls' durations, in seconds.
    pub sum_seconds: f64,
    /// Calls per outcome, in the order of [`Outcome::ALL`].
    pub outcomes: [u64; Outcome::ALL.len()],
}

impl OperationSummary {
    /// How many calls were measured.
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }
}

/// Durations and outcomes of the daemon calls of one service, per operation (lock-free).
#[derive(Debug)]
pub struct CallMetrics {
    operations: Vec<OperationCounts>,
}

impl Default for CallMetrics {
    fn default() -> Self {
        Self {
            operations: Operation::ALL
                .iter()
                .map(|_| OperationCounts::default())
                .collect(),
        }
    }
}

impl CallMetrics {
    /// Counts one call of `operation` that ended with `outcome` after `elapsed`.
    pub fn record(&self, operation: Operation, outcome: Outcome, elapsed: Duration) {
        let Some(counts) = self.operations.get(operation as usize) else {
            return;
        };
        let seconds = elapsed.as_secs_f64();
        let slot = DURATION_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(DURATION_BUCKETS.len());
        counts.buckets[slot].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        counts.sum_micros.fetch_add(micros, Ordering::Relaxed);
        counts.outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The operations called at least once, in the order of [`Operation::ALL`].
    pub fn summaries(&self) -> Vec<OperationSummary> {
        Operation::ALL
            .iter()
            .zip(&self.operations)
            .map(|(operation, counts)| OperationSummary {
                operation: *operation,
                buckets: counts
                    .buckets
                    .each_ref()
                    .map(|count| count.load(Ordering::Relaxed)),
                sum_seconds: counts.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
                outcomes: counts
                    .outcomes
                    .each_ref()
                    .map(|count| count.load(Ordering::Relaxed)),
            })
            .filter(|summary| summary.count() > 0)
            .collect()
    }
}

impl DockerService {
    /// Runs `request`, a daemon call that is not a stream, within the docker timeout (a call that takes
    /// longer fails with bollard's [`BollardError::RequestTimeoutError`], which [`Self::fail`] maps to
    /// the 504), and counts it under `operation`. The caller keeps its own handling of the daemon's
    /// answers.
    pub(crate) async fn call<T>(
        &self,
        operation: Operation,
        request: impl Future<Output = Result<T, BollardError>>,
    ) -> Result<T, BollardError> {
        bounded_call(&self.calls, self.docker_timeout, operation, request).await
    }

    /// [`Self::call`] bounded by `limit` instead of the docker timeout, for a call the daemon answers
    /// only after waiting itself (see [`Self::docker_timeout_plus`]); make its request with a client
    /// of the same limit ([`Self::client_within`]).
    pub(crate) async fn call_within<T>(
        &self,
        operation: Operation,
        limit: Duration,
        request: impl Future<Output = Result<T, BollardError>>,
    ) -> Result<T, BollardError> {
        bounded_call(&self.calls, limit, operation, request).await
    }

    /// Wraps a daemon stream so that the time to its first answer (its first item, or its end when it
    /// has none) is counted under `operation`; a stream dropped before it answered is not counted.
    pub(crate) fn timed_stream<S>(&self, operation: Operation, stream: S) -> TimedStream<S> {
        TimedStream {
            inner: Box::pin(stream),
            started: Some(Instant::now()),
            operation,
            metrics: self.calls.clone(),
        }
    }
}

/// [`DockerService::call`] for holders of a client but not of the service (an exec session's control).
pub(crate) async fn bounded_call<T>(
    metrics: &CallMetrics,
    limit: Duration,
    operation: Operation,
    request: impl Future<Output = Result<T, BollardError>>,
) -> Result<T, BollardError> {
    let started = Instant::now();
    let result = match tokio::time::timeout(limit, request).await {
        Ok(result) => result,
        Err(_) => Err(BollardError::RequestTimeoutError),
    };
    metrics.record(operation, Outcome::of(&result), started.elapsed());
    result
}

/// A daemon stream whose first answer is timed (see [`DockerService::timed_stream`]).
pub struct TimedStream<S> {
    inner: Pin<Box<S>>,
    started: Option<Instant>,
    operation: Operation,
    metrics: Arc<CallMetrics>,
}

impl<S> TimedStream<S> {
    /// The same stream, not timed (for a stream whose first answer waits for activity, not for the
    /// daemon: a followed log).
    pub(crate) fn untimed(mut self) -> Self {
        self.started = None;
        self
    }
}

impl<S, T> Stream for TimedStream<S>
where
    S: Stream<Item = Result<T, BollardError>>,
{
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(item) = &polled
            && let Some(started) = self.started.take()
        {
            let outcome = match item {
                Some(Err(error)) => Outcome::of_error(error),
                Some(Ok(_)) | None => Outcome::Ok,
            };
            self.metrics
                .record(self.operation, outcome, started.elapsed());
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_unique_snake_case_labels() {
        let mut names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
        assert!(
            names
                .iter()
                .all(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(Operation::ContainerList.name(), "container_list");
    }

    #[test]
    fn daemon_answers_below_500_are_ok_and_5xx_transport_and_timeouts_are_not() {
        let answered = |status_code| BollardError::DockerResponseServerError {
            status_code,
            message: "no such container".into(),
        };
        assert_eq!(Outcome::of_error(&answered(404)), Outcome::Ok);
        assert_eq!(Outcome::of_error(&answered(409)), Outcome::Ok);
        assert_eq!(Outcome::of_error(&answered(500)), Outcome::Error);
        assert_eq!(
            Outcome::of_error(&BollardError::RequestTimeoutError),
            Outcome::Timeout
        );
        assert_eq!(
            Outcome::of_error(&BollardError::SocketNotFoundError("/nowhere".into())),
            Outcome::Error
        );
    }

    #[test]
    fn calls_are_counted_per_operation_bucket_and_outcome() {
        let metrics = CallMetrics::default();
        metrics.record(
            Operation::ContainerList,
            Outcome::Ok,
            Duration::from_millis(3),
        );
        metrics.record(
            Operation::ContainerList,
            Outcome::Timeout,
            Duration::from_secs(100),
        );
        let summaries = metrics.summaries();
        assert_eq!(summaries.len(), 1, "only called operations: {summaries:?}");
        let list = &summaries[0];
        assert_eq!(list.operation, Operation::ContainerList);
        assert_eq!(list.count(), 2);
        assert_eq!(list.buckets[0], 1);
        assert_eq!(list.buckets[DURATION_BUCKETS.len()], 1);
        assert_eq!(list.outcomes, [1, 0, 1]);
        assert!((list.sum_seconds - 100.003).abs() < 1e-6);
    }

    #[tokio::test]
    async fn a_call_slower_than_its_limit_is_cut_and_counted_as_a_timeout() {
        let metrics = CallMetrics::default();
        let never = std::future::pending::<Result<(), BollardError>>();
        let result = bounded_call(
            &metrics,
            Duration::from_millis(20),
            Operation::SystemPing,
            never,
        )
        .await;
        assert!(matches!(result, Err(BollardError::RequestTimeoutError)));
        assert_eq!(metrics.summaries()[0].outcomes, [0, 0, 1]);
    }

    #[tokio::test]
    async fn a_stream_is_timed_once_at_its_first_answer() {
        use futures_util::StreamExt;
        let metrics = Arc::new(CallMetrics::default());
        let items = futures_util::stream::iter([Ok::<u8, BollardError>(1), Ok(2), Ok(3)]);
        let timed = TimedStream {
            inner: Box::pin(items),
            started: Some(Instant::now()),
            operation: Operation::ImagePull,
            metrics: metrics.clone(),
        };
        assert_eq!(timed.collect::<Vec<_>>().await.len(), 3);
        assert_eq!(metrics.summaries()[0].count(), 1);
    }
}
