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

/// The `<meta>` name under which the server writes its clock (Unix milliseconds) into each page it renders.
pub const SERVER_CLOCK_META: &str = "berth-server-time";

/// How far back a page's event stream starts, in seconds before the server's clock when the page (or the
/// stream) was made: a change made between the server reading a list and the browser's stream reaching the
/// daemon is replayed instead of lost. Docker reads `since` in whole seconds, hence the margin.
const EVENT_REPLAY_SECONDS: i64 = 2;

/// A burst of events (a `docker compose up`, a prune) reloads a list once per this many milliseconds.
const EVENT_COALESCE_MILLIS: u64 = 100;

/// The server's clock in Unix milliseconds (written into the page by [`crate::shell`]).
pub fn server_clock_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default()
}

/// The server's clock now, in Unix seconds, as the browser can tell it: the time the server wrote into the
/// page plus the time elapsed in this browser since it asked for the page (so never behind the truth by
/// more than the page's network latency, whatever the browser's own clock says). `None` on the server or
/// when the page has no such tag.
fn server_clock_now_seconds() -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let window = web_sys::window()?;
        let served_millis: f64 = window
            .document()?
            .query_selector(&format!("meta[name=\"{SERVER_CLOCK_META}\"]"))
            .ok()??
            .get_attribute("content")?
            .parse()
            .ok()?;
        let elapsed_millis = window.performance()?.now();
        Some(((served_millis + elapsed_millis) / 1000.0).floor() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The newest Docker event matching `query` (an `/api/events` query string such as
/// `type=container&event=start,die`), as a signal: `None` until the first event arrives.
///
/// The stream starts [`EVENT_REPLAY_SECONDS`] before the server's clock, so a change made while the page
/// was on its way is not missed, and events are handed on at most once per [`EVENT_COALESCE_MILLIS`] (the
/// newest of a burst), so a burst reloads a list once rather than once per event.
pub fn use_docker_events(query: &str) -> ReadSignal<Option<DockerEvent>> {
    let (latest, set_latest) = signal(None::<DockerEvent>);
    let url = match server_clock_now_seconds() {
        Some(now) => format!("/api/events?{query}&since={}", now - EVENT_REPLAY_SECONDS),
        None => format!("/api/events?{query}"),
    };
    let pending = std::sync::Arc::new(std::sync::Mutex::new(None::<DockerEvent>));
    follow_stream::<DockerEvent>(url, move |event| {
        let Ok(mut waiting) = pending.lock() else {
            return;
        };
        if waiting.replace(event).is_some() {
            // A hand-over is already scheduled; it takes this newer event.
            return;
        }
        let pending = pending.clone();
        set_timeout(
            move || {
                if let Some(event) = pending.lock().ok().and_then(|mut waiting| waiting.take()) {
                    set_latest.set(Some(event));
                }
            },
            std::time::Duration::from_millis(EVENT_COALESCE_MILLIS),
        );
    });
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
