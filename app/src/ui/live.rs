//! Live data for the console, over the REST API's Server-Sent Events: one module the pages share.
//!
//! In the browser (`hydrate`) the streams are opened with the browser's `EventSource`; on the server nothing is
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

/// The events that change what the images list and an image's page show: the image events, and the
/// creation and removal of containers (an image's "in use" count and the containers using it).
pub const IMAGE_LIST_EVENTS: &str =
    "type=image,container&event=pull,delete,tag,untag,import,load,create,destroy";

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
/// was on its way is not missed; a dropped connection is opened again a second later, replaying from the
/// drop (not from the page's opening). Events are handed on at most once per [`EVENT_COALESCE_MILLIS`] (the
/// newest of a burst), so a burst reloads a list once rather than once per event.
pub fn use_docker_events(query: &str) -> ReadSignal<Option<DockerEvent>> {
    let (latest, set_latest) = signal(None::<DockerEvent>);
    let query = query.to_string();
    let page_time = server_clock_now_seconds();
    let url_for = move |dropped_at: Option<i64>| match dropped_at.or(page_time) {
        Some(since) => format!("/api/events?{query}&since={}", since - EVENT_REPLAY_SECONDS),
        None => format!("/api/events?{query}"),
    };
    let pending = std::sync::Arc::new(std::sync::Mutex::new(None::<DockerEvent>));
    let on_event = move |event: DockerEvent| {
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
    };
    open_stream(url_for, on_event, OnDrop::Reopen);
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
    open_stream(move |_| url.clone(), on_message, OnDrop::End)
}

/// Opens the Server-Sent Events stream at `url` in the browser and hands each message, decoded from JSON as
/// `T`, to `on_message`, until the calling component is cleaned up. Messages that do not decode are skipped.
/// The browser reconnects by itself after a dropped connection. Does nothing on the server.
pub fn follow_stream<T>(url: String, on_message: impl Fn(T) + Clone + Send + Sync + 'static)
where
    T: serde::de::DeserializeOwned + 'static,
{
    open_stream(move |_| url.clone(), on_message, OnDrop::BrowserReconnects)
}

/// What a stream does when its connection drops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnDrop {
    /// It ends.
    End,
    /// The browser opens the same URL again (a feed of what comes next: nothing is replayed twice).
    BrowserReconnects,
    /// It is opened again, a second later (up to 30 s while reopenings fail), at the URL made for the
    /// moment it dropped (a list's events, replayed from there: the gap is not lost, and a page open for
    /// hours does not replay its whole life).
    Reopen,
}

/// How long a dropped list stream waits before it is opened again.
#[cfg(feature = "hydrate")]
const STREAM_REOPEN_MILLIS: i32 = 1_000;

/// The longest wait between reopenings that keep failing (the wait doubles from [`STREAM_REOPEN_MILLIS`]).
#[cfg(feature = "hydrate")]
const STREAM_LONGEST_REOPEN_MILLIS: i32 = 30_000;

/// Where a dropped stream's replay starts (the server's clock, Unix seconds; `None`: where the page's data
/// was read): at this drop if the connection was up (it had opened, so it delivered everything until now),
/// else where the failed attempt's own replay would have started, which is still owed.
#[cfg(any(feature = "hydrate", test))]
fn replay_start_after_drop(earlier: Option<i64>, was_up: bool, now: Option<i64>) -> Option<i64> {
    if was_up { now } else { earlier }
}

/// Opens the stream at `url_for(dropped_at)` in the browser: `dropped_at` is `None` for the first
/// connection, then the server's clock (Unix seconds) when the last connection that was up dropped.
fn open_stream<T>(
    url_for: impl Fn(Option<i64>) -> String + Clone + Send + Sync + 'static,
    on_message: impl Fn(T) + Clone + Send + Sync + 'static,
    on_drop: OnDrop,
) where
    T: serde::de::DeserializeOwned + 'static,
{
    #[cfg(feature = "hydrate")]
    let health = use_context::<DaemonHealth>();
    // Kept across the effect's reruns (the engine back after an outage), like the reopenings.
    #[cfg(feature = "hydrate")]
    let dropped_at = std::sync::Arc::new(std::sync::Mutex::new(None::<i64>));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // A stream the browser gave up on while the engine was away is opened again once it is back.
        if on_drop != OnDrop::End
            && let Some(health) = health
        {
            health.recoveries.track();
        }
        let stream = browser::Stream::open(
            Box::new(url_for.clone()),
            Box::new(on_message.clone()),
            on_drop,
            dropped_at.clone(),
        );
        // The stream closes when the component goes away (or before the effect opens it anew).
        let stream = leptos::__reexports::send_wrapper::SendWrapper::new(stream);
        on_cleanup(move || stream.take().close());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url_for, on_message, on_drop);
}

/// The browser's side of a stream: an `EventSource`, opened again by hand when [`OnDrop::Reopen`] asks.
#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::sync::{Arc, Mutex};

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, EventSource, MessageEvent};

    use super::{
        OnDrop, STREAM_LONGEST_REOPEN_MILLIS, STREAM_REOPEN_MILLIS, replay_start_after_drop,
        server_clock_now_seconds,
    };

    /// One open connection and the callbacks it calls (kept alive with it).
    struct Connection {
        source: EventSource,
        _on_open: Closure<dyn FnMut(Event)>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(Event)>,
    }

    /// A stream: what it opens, what it does with each message and with a drop, and its connection.
    struct Shared<T> {
        url_for: Box<dyn Fn(Option<i64>) -> String>,
        on_message: Box<dyn Fn(T)>,
        on_drop: OnDrop,
        dropped_at: Arc<Mutex<Option<i64>>>,
        connection: RefCell<Option<Connection>>,
        closed: Cell<bool>,
        /// The wait before the next reopening: doubled after each failed one (the server is away).
        reopen_delay: Cell<i32>,
    }

    /// A stream open in the browser, until [`Stream::close`].
    pub struct Stream<T: 'static>(Rc<Shared<T>>);

    impl<T: serde::de::DeserializeOwned + 'static> Stream<T> {
        /// Opens the stream.
        pub fn open(
            url_for: Box<dyn Fn(Option<i64>) -> String>,
            on_message: Box<dyn Fn(T)>,
            on_drop: OnDrop,
            dropped_at: Arc<Mutex<Option<i64>>>,
        ) -> Self {
            let shared = Rc::new(Shared {
                url_for,
                on_message,
                on_drop,
                dropped_at,
                connection: RefCell::new(None),
                closed: Cell::new(false),
                reopen_delay: Cell::new(STREAM_REOPEN_MILLIS),
            });
            connect(&shared);
            Self(shared)
        }

        /// Closes the connection for good.
        pub fn close(self) {
            self.0.closed.set(true);
            if let Some(connection) = self.0.connection.borrow_mut().take() {
                connection.source.close();
            }
        }
    }

    fn connect<T: serde::de::DeserializeOwned + 'static>(shared: &Rc<Shared<T>>) {
        if shared.closed.get() {
            return;
        }
        let dropped_at = shared.dropped_at.lock().ok().and_then(|at| *at);
        let url = (shared.url_for)(dropped_at);
        let source = match EventSource::new(&url) {
            Ok(source) => source,
            Err(err) => {
                leptos::logging::warn!("cannot open {url}: {err:?}");
                return;
            }
        };
        // Whether the server answered and the stream was up (a refusal or an unreachable server never opens).
        let was_up = Rc::new(Cell::new(false));
        let on_open = {
            let was_up = was_up.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| was_up.set(true))
        };
        let on_message = {
            let shared = Rc::downgrade(shared);
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if let Some(shared) = shared.upgrade()
                    && let Some(text) = message.data().as_string()
                    && let Ok(value) = serde_json::from_slice::<T>(text.as_bytes())
                {
                    (shared.on_message)(value);
                }
            })
        };
        let on_error = {
            let shared = Rc::downgrade(shared);
            let source = source.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                match shared.on_drop {
                    // Reconnecting by itself (or given up, e.g. after a refusal): either way, its call.
                    OnDrop::BrowserReconnects => {}
                    OnDrop::End => source.close(),
                    OnDrop::Reopen => {
                        source.close();
                        let was_up = was_up.get();
                        if let Ok(mut at) = shared.dropped_at.lock() {
                            *at = replay_start_after_drop(*at, was_up, server_clock_now_seconds());
                        }
                        let delay = if was_up {
                            STREAM_REOPEN_MILLIS
                        } else {
                            shared.reopen_delay.get()
                        };
                        shared
                            .reopen_delay
                            .set((delay * 2).min(STREAM_LONGEST_REOPEN_MILLIS));
                        let shared = Rc::downgrade(&shared);
                        let reopen = Closure::once_into_js(move || {
                            if let Some(shared) = shared.upgrade() {
                                connect(&shared);
                            }
                        });
                        if let Some(window) = web_sys::window() {
                            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                                reopen.unchecked_ref(),
                                delay,
                            );
                        }
                    }
                }
            })
        };
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The connection this one replaces (closed when it dropped) goes now, outside its own callback.
        *shared.connection.borrow_mut() = Some(Connection {
            source,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::replay_start_after_drop;

    #[test]
    fn a_stream_that_was_up_replays_from_its_drop_and_a_failed_attempt_keeps_the_replay_it_owes() {
        // The first connection was up, then dropped: the replay starts at the drop.
        assert_eq!(
            replay_start_after_drop(None, true, Some(1_000)),
            Some(1_000)
        );
        // The reopening was refused (the server is away): the gap still starts at that drop.
        assert_eq!(
            replay_start_after_drop(Some(1_000), false, Some(1_010)),
            Some(1_000)
        );
        // A reopened connection that was up dropped: only what followed is replayed.
        assert_eq!(
            replay_start_after_drop(Some(1_000), true, Some(4_600)),
            Some(4_600)
        );
        // The very first connection never opened: the replay still starts where the page's data was read.
        assert_eq!(replay_start_after_drop(None, false, Some(1_000)), None);
    }
}
