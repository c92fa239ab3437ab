//! Live data for the console, over the REST API's Server-Sent Events: one module the pages share.
//!
//! In the browser (`hydrate`) the streams are opened with gloo-net's `EventSource`; on the server nothing is
//! opened and the signals stay empty, since the first paint already carries the data. A stream is closed when
//! the component that opened it goes away.

use leptos::prelude::*;

use super::daemon::DaemonHealth;
use crate::model::containers::ContainerStats;
use crate::model::events::DockerEvent;
use crate::model::live::LogLine;

/// The container events that change what a container list shows.
pub const CONTAINER_LIST_EVENTS: &str =
    "type=container&event=create,start,die,stop,kill,destroy,pause,unpause,rename,restart";

/// The image events that change what the images list shows.
pub const IMAGE_LIST_EVENTS: &str = "type=image&event=pull,delete,tag,untag,import,load";

/// The volume events that change what the volumes list shows.
pub const VOLUME_LIST_EVENTS: &str = "type=volume&event=create,destroy";

/// The network events that change what the networks list shows (connects change the container counts).
pub const NETWORK_LIST_EVENTS: &str = "type=network&event=create,destroy,connect,disconnect";

/// The newest Docker event matching `query` (an `/api/events` query string such as
/// `type=container&event=start,die`), as a signal: `None` until the first event arrives.
pub fn use_docker_events(query: &str) -> ReadSignal<Option<DockerEvent>> {
    let (latest, set_latest) = signal(None::<DockerEvent>);
    let url = format!("/api/events?{query}");
    follow_stream::<DockerEvent>(url, move |event| set_latest.set(Some(event)));
    // The engine came back after an outage: what changed meanwhile is unknown, so the page reloads its
    // list as for an event (a `daemon` `reconnect` one, numbered by the recoveries so far).
    if let Some(health) = use_context::<DaemonHealth>() {
        Effect::new(move |_| {
            let recoveries = health.recoveries.get();
            if recoveries > 0 {
                set_latest.set(Some(DockerEvent {
                    kind: "daemon".into(),
                    action: "reconnect".into(),
                    id: String::new(),
                    name: String::new(),
                    time: String::new(),
                    time_nano: -i64::from(recoveries),
                    attributes: Default::default(),
                }));
            }
        });
    }
    latest
}

/// The log lines of container `container` as they are written (`GET /api/containers/{id}/logs?follow=true`
/// with `query`, e.g. `tail=100&timestamps=true&grep=error`), keeping the newest `keep` lines: a signal the
/// logs view renders. Lines are handed over in batches (at most one update every 50 ms), so a history of
/// 100,000 lines costs a few redraws, not 100,000. The stream ends when the container stops, and is not
/// reopened (it would send the history again): open a new one when the container starts again.
pub fn use_log_lines(container: &str, query: &str, keep: usize) -> ReadSignal<Vec<LogLine>> {
    let (lines, set_lines) = signal(Vec::<LogLine>::new());
    let url = format!("/api/containers/{container}/logs?follow=true&{query}");
    let pending = std::sync::Arc::new(std::sync::Mutex::new(Vec::<LogLine>::new()));
    follow_stream_until_end::<LogLine>(url, move |line| {
        let Ok(mut waiting) = pending.lock() else {
            return;
        };
        waiting.push(line);
        if waiting.len() > 1 {
            // A flush is already scheduled.
            return;
        }
        let pending = pending.clone();
        set_timeout(
            move || {
                let batch = pending
                    .lock()
                    .map(|mut waiting| std::mem::take(&mut *waiting))
                    .unwrap_or_default();
                set_lines.update(|lines| {
                    lines.extend(batch);
                    let excess = lines.len().saturating_sub(keep);
                    if excess > 0 {
                        lines.drain(..excess);
                    }
                });
            },
            std::time::Duration::from_millis(50),
        );
    });
    lines
}

/// The resource samples of container `container`, about one a second (`GET /api/containers/{id}/stats?
/// stream=true`), keeping the newest `keep`. Like the log stream, it is not reopened once it ends.
pub fn use_container_stats(container: &str, keep: usize) -> ReadSignal<Vec<ContainerStats>> {
    let (samples, set_samples) = signal(Vec::<ContainerStats>::new());
    let url = format!("/api/containers/{container}/stats?stream=true");
    follow_stream_until_end::<ContainerStats>(url, move |sample| {
        set_samples.update(|samples| {
            samples.push(sample);
            let excess = samples.len().saturating_sub(keep);
            samples.drain(..excess);
        })
    });
    samples
}

/// Like [`follow_stream`], but the stream is closed for good at its end or at the first error, instead of
/// letting the browser reconnect: for streams that replay a history (logs) or end with their object.
pub fn follow_stream_until_end<T>(
    url: String,
    on_message: impl Fn(T) + Clone + Send + Sync + 'static,
) where
    T: serde::de::DeserializeOwned + 'static,
{
    open_stream(url, on_message, false)
}

/// Opens the Server-Sent Events stream at `url` in the browser and hands each message, decoded from JSON as
/// `T`, to `on_message`, until the calling component is cleaned up. Messages that do not decode are skipped.
/// The browser reconnects by itself after a dropped connection. Does nothing on the server.
pub fn follow_stream<T>(url: String, on_message: impl Fn(T) + Clone + Send + Sync + 'static)
where
    T: serde::de::DeserializeOwned + 'static,
{
    open_stream(url, on_message, true)
}

/// Opens the stream at `url` in the browser; with `reconnect`, a dropped connection is left to the browser
/// to reopen, without it the stream ends at its first error.
fn open_stream<T>(
    url: String,
    on_message: impl Fn(T) + Clone + Send + Sync + 'static,
    reconnect: bool,
) where
    T: serde::de::DeserializeOwned + 'static,
{
    #[cfg(feature = "hydrate")]
    let health = use_context::<DaemonHealth>();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use futures_util::StreamExt;
        // A stream the browser gave up on while the engine was away is opened again once it is back.
        if reconnect && let Some(health) = health {
            health.recoveries.track();
        }
        use futures_util::future::{AbortHandle, Abortable};

        let on_message = on_message.clone();
        let url = url.clone();
        let (abort, registration) = AbortHandle::new_pair();
        let reader = async move {
            let mut source = match gloo_net::eventsource::futures::EventSource::new(&url) {
                Ok(source) => source,
                Err(err) => {
                    leptos::logging::warn!("cannot open {url}: {err}");
                    return;
                }
            };
            let Ok(mut messages) = source.subscribe("message") else {
                return;
            };
            while let Some(next) = messages.next().await {
                // Errors are dropped connections: the EventSource reconnects by itself, unless told not to.
                match next {
                    Ok((_, message)) => {
                        if let Some(text) = message.data().as_string()
                            && let Ok(value) = serde_json::from_str::<T>(&text)
                        {
                            on_message(value);
                        }
                    }
                    Err(_) if !reconnect => break,
                    Err(_) => {}
                }
            }
            source.close();
        };
        leptos::task::spawn_local(async move {
            let _ = Abortable::new(reader, registration).await;
        });
        // Dropping the reader drops the EventSource, which closes the connection.
        on_cleanup(move || abort.abort());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, on_message, reconnect);
}
