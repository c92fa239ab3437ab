//! The fleet stats watch: once `GET /api/stats` has been asked, Berth keeps the daemon's streaming stats of
//! each running container open and remembers the latest sample, so the next request answers at once instead
//! of waiting for the daemon's next one-second collector round.
//!
//! The watch stops by itself: a container's subscription ends when the container is no longer running (the
//! next fleet request drops it), when its stream ends, or when no fleet request came for
//! [`FLEET_WATCH_IDLE`]; then the daemon connection is closed. At most [`FLEET_WATCH_LIMIT`] containers are
//! watched; the others are sampled one-shot on every request, as before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::StatsOptions;
use futures_util::StreamExt;

/// How long the watch stays open after the last fleet request.
pub const FLEET_WATCH_IDLE: Duration = Duration::from_secs(60);

/// The most containers watched at once (each holds one daemon connection).
pub const FLEET_WATCH_LIMIT: usize = 256;

/// How old a remembered sample may be and still answer a request. The daemon samples every second, so
/// anything older means the stream stalled and a fresh one-shot sample is taken instead.
const FRESH_FOR: Duration = Duration::from_millis(2500);

/// One watched container: its latest sample and the task that reads its stream.
struct Watch {
    generation: u64,
    latest: Option<(Instant, ContainerStatsResponse)>,
    task: tokio::task::AbortHandle,
}

#[derive(Default)]
struct WatchState {
    last_request: Option<Instant>,
    next_generation: u64,
    watches: HashMap<String, Watch>,
}

/// The shared state of the fleet stats watch (cheap to clone).
#[derive(Clone, Default)]
pub(crate) struct FleetWatch {
    state: Arc<Mutex<WatchState>>,
}

impl FleetWatch {
    /// For a fleet request over `running` (container ids): remembers the request time, ends the watches of
    /// containers that no longer run, starts watches for the running ones not yet watched (up to the
    /// limit), and returns the fresh samples it holds, by id. Containers missing from the answer need a
    /// one-shot sample.
    pub(crate) fn fresh_samples(
        &self,
        client: &Docker,
        running: &[String],
    ) -> HashMap<String, ContainerStatsResponse> {
        let now = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            return HashMap::new();
        };
        state.last_request = Some(now);
        state.watches.retain(|id, watch| {
            let keep = running.contains(id);
            if !keep {
                watch.task.abort();
            }
            keep
        });
        let mut fresh = HashMap::new();
        for id in running {
            if let Some(watch) = state.watches.get(id) {
                if let Some((at, sample)) = &watch.latest
                    && now.duration_since(*at) <= FRESH_FOR
                {
                    fresh.insert(id.clone(), sample.clone());
                }
                continue;
            }
            if state.watches.len() >= FLEET_WATCH_LIMIT {
                continue;
            }
            state.next_generation += 1;
            let generation = state.next_generation;
            let task = tokio::spawn(self.clone().follow(client.clone(), id.clone(), generation));
            state.watches.insert(
                id.clone(),
                Watch {
                    generation,
                    latest: None,
                    task: task.abort_handle(),
                },
            );
        }
        fresh
    }

    /// The ids of the containers watched now.
    pub(crate) fn watched(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.watches.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Reads one container's stats stream into the watch until the stream ends, the watch is replaced or
    /// dropped, or the fleet has not been asked for [`FLEET_WATCH_IDLE`].
    async fn follow(self, client: Docker, id: String, generation: u64) {
        let options = StatsOptions {
            stream: true,
            one_shot: false,
        };
        let mut samples = client.stats(&id, Some(options));
        loop {
            let next = tokio::time::timeout(Duration::from_secs(5), samples.next()).await;
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            let idle = state
                .last_request
                .is_none_or(|at| at.elapsed() > FLEET_WATCH_IDLE);
            let sample = match next {
                Ok(Some(Ok(sample))) if !idle => Some(sample),
                Err(_) if !idle => None,
                _ => {
                    if state
                        .watches
                        .get(&id)
                        .is_some_and(|w| w.generation == generation)
                    {
                        state.watches.remove(&id);
                    }
                    return;
                }
            };
            match state.watches.get_mut(&id) {
                Some(watch) if watch.generation == generation => {
                    if let Some(sample) = sample {
                        watch.latest = Some((Instant::now(), sample));
                    }
                }
                _ => return,
            }
        }
    }
}
