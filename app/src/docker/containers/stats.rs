//! Live resource usage: one container's stats as a stream, and the whole fleet's in one call.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use bollard::models::{ContainerCpuStats, ContainerCpuUsage, ContainerStatsResponse};
use bollard::query_parameters::{ListContainersOptions, StatsOptions};
use futures_util::{Stream, StreamExt, stream};

use super::{stats_from_docker, subject, trim_name};
use crate::docker::streams::{StreamKind, Tracked};
use crate::docker::{DockerService, Operation};
use crate::error::AppError;
use crate::model::containers::ContainerStats;

/// How many containers `GET /api/stats` samples at once.
///
/// High on purpose: the daemon (20.10 at least) answers a one-shot request from its stats collector,
/// which samples every subscribed container once a second; requests that subscribe within the same
/// second share one sampling round, while batches of 16 would each wait for a round of their own
/// (4.2 s instead of 1 s for 50 containers).
pub const FLEET_STATS_CONCURRENCY: usize = 256;

/// The most containers whose last CPU reading is remembered between fleet samples.
const CPU_MEMORY_LIMIT: usize = 4096;

/// The last CPU reading of each container sampled by [`DockerService::fleet_stats`]: (container
/// total, system total). The daemon's one-shot mode gives no previous reading, so the CPU share is
/// computed against the previous fleet sample (0 on the first).
fn cpu_memory() -> &'static Mutex<HashMap<String, (u64, u64)>> {
    static MEMORY: OnceLock<Mutex<HashMap<String, (u64, u64)>>> = OnceLock::new();
    MEMORY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Fills in the previous CPU reading of a one-shot sample from the last fleet sample, and remembers
/// this one.
fn with_previous_cpu(id: &str, mut stats: ContainerStatsResponse) -> ContainerStatsResponse {
    let current = stats
        .cpu_stats
        .as_ref()
        .and_then(|cpu| Some((cpu.cpu_usage.as_ref()?.total_usage?, cpu.system_cpu_usage?)));
    let Ok(mut memory) = cpu_memory().lock() else {
        return stats;
    };
    let has_previous = stats
        .precpu_stats
        .as_ref()
        .and_then(|p| p.system_cpu_usage)
        .is_some_and(|s| s > 0);
    if !has_previous && let Some((total, system)) = memory.get(id).copied() {
        stats.precpu_stats = Some(ContainerCpuStats {
            cpu_usage: Some(ContainerCpuUsage {
                total_usage: Some(total),
                ..Default::default()
            }),
            system_cpu_usage: Some(system),
            ..Default::default()
        });
    }
    if let Some(reading) = current {
        if memory.len() >= CPU_MEMORY_LIMIT && !memory.contains_key(id) {
            memory.clear();
        }
        memory.insert(id.to_string(), reading);
    }
    stats
}

impl DockerService {
    /// A container's resource usage, about once a second (the daemon's own streaming mode, so each
    /// sample's CPU share is measured over the last second). Ends when the daemon ends it or when
    /// dropped.
    pub async fn stream_stats(
        &self,
        id: &str,
    ) -> Result<impl Stream<Item = Result<ContainerStats, AppError>> + Send + 'static, AppError>
    {
        let (full_id, name) = self.resolve(id).await?;
        let client = self.stream_client().await?;
        let options = StatsOptions {
            stream: true,
            one_shot: false,
        };
        let service = self.clone();
        let what = subject(&name);
        let daemon_samples = self.timed_stream(
            Operation::ContainerStats,
            client.stats(&full_id, Some(options)),
        );
        let samples = daemon_samples.then(move |item| {
            let (service, what, full_id, name) =
                (service.clone(), what.clone(), full_id.clone(), name.clone());
            async move {
                match item {
                    Ok(stats) => Ok(stats_from_docker(full_id, name, stats)),
                    Err(err) => Err(service.fail(err, &what).await),
                }
            }
        });
        // The daemon goes on sending zeroed samples once the container has stopped: the stream ends with
        // the first of them, as a log stream ends when the container stops.
        let until_stopped = samples.scan(false, |stopped, sample| {
            let last = match &sample {
                Ok(stats) => stats.shows_the_container_stopped(),
                Err(_) => false,
            };
            let item = (!*stopped).then_some(sample);
            *stopped |= last;
            std::future::ready(item)
        });
        Ok(Tracked::live(
            until_stopped,
            self.stream_counter(),
            StreamKind::Stats,
        ))
    }

    /// One sample of every running container, sorted by name; a container that stops meanwhile is left
    /// out. One list call; then the samples the fleet watch holds (the daemon's stats streams, kept open for
    /// [`super::FLEET_WATCH_IDLE`] after a fleet request), and for containers it does not hold yet the
    /// daemon's one-shot stats, up to [`FLEET_STATS_CONCURRENCY`] at a time.
    pub async fn fleet_stats(&self) -> Result<Vec<ContainerStats>, AppError> {
        self.labelled_fleet_stats(&BTreeMap::new()).await
    }

    /// [`Self::fleet_stats`] of the running containers carrying every one of `labels` (a label-scoped
    /// caller's view), filtered by the daemon in the same single list call.
    pub async fn labelled_fleet_stats(
        &self,
        labels: &BTreeMap<String, String>,
    ) -> Result<Vec<ContainerStats>, AppError> {
        let client = self.client().await?;
        let label_filters: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let options = ListContainersOptions {
            filters: (!label_filters.is_empty())
                .then(|| HashMap::from([("label".to_string(), label_filters)])),
            ..Default::default()
        };
        let list = client.list_containers(Some(options));
        let running = match self.call(Operation::ContainerList, list).await {
            Ok(items) => items,
            Err(err) => return Err(self.fail(err, "Container list").await),
        };
        let running: Vec<(String, String)> = running
            .into_iter()
            .map(|item| {
                let name = item
                    .names
                    .and_then(|names| names.into_iter().next())
                    .map(|n| trim_name(&n))
                    .unwrap_or_default();
                (item.id.unwrap_or_default(), name)
            })
            .collect();
        let ids: Vec<String> = running.iter().map(|(id, _)| id.clone()).collect();
        let mut watched = self.fleet.fresh_samples(&client, &ids);
        let samples: Vec<Result<Option<ContainerStats>, AppError>> = stream::iter(running)
            .map(|(id, name)| {
                let client = client.clone();
                let service = self.clone();
                let held = watched.remove(&id);
                async move {
                    if let Some(stats) = held {
                        let stats = with_previous_cpu(&id, stats);
                        return Ok(Some(stats_from_docker(id, name, stats)));
                    }
                    let options = StatsOptions {
                        stream: false,
                        one_shot: true,
                    };
                    let mut samples = service
                        .timed_stream(Operation::ContainerStats, client.stats(&id, Some(options)));
                    match samples.next().await {
                        Some(Ok(stats)) => {
                            let stats = with_previous_cpu(&id, stats);
                            Ok(Some(stats_from_docker(id, name, stats)))
                        }
                        Some(Err(bollard::errors::Error::DockerResponseServerError {
                            status_code: 404 | 409,
                            ..
                        }))
                        | None => Ok(None),
                        Some(Err(err)) => Err(service.fail(err, &subject(&name)).await),
                    }
                }
            })
            .buffer_unordered(FLEET_STATS_CONCURRENCY)
            .collect()
            .await;
        let mut stats = Vec::with_capacity(samples.len());
        for sample in samples {
            if let Some(sample) = sample? {
                stats.push(sample);
            }
        }
        stats.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(stats)
    }
}
