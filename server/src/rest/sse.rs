//! Server-Sent Events: the contract's streams (one JSON object per `data:` line, a `: keep-alive`
//! comment when idle, failures inside the stream as `event: error`).

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::json;

use app::error::AppError;
use app::model::live::Progress;

/// How long a stream may stay silent before a keep-alive comment is sent (the contract's limit: 15 s).
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(10);

/// The `event: error` message for a failure once the stream has started; 5xx details stay in the log.
fn error_event(error: &AppError) -> Event {
    let status = error.status_code();
    if status >= 500 {
        tracing::warn!(status, error = %error, "stream failed");
    }
    Event::default()
        .event("error")
        .json_data(json!({"error": error.to_string(), "status": status}))
        .unwrap_or_else(|_| Event::default().event("error"))
}

fn data_event(name: Option<&str>, payload: &impl Serialize) -> Event {
    let event = Event::default();
    let event = match name {
        Some(name) => event.event(name),
        None => event,
    };
    event.json_data(payload).unwrap_or_else(|err| {
        tracing::error!(error = %err, "could not encode a stream message");
        error_event(&AppError::Internal("Could not encode a message".into()))
    })
}

/// Ends a stream of results after its first error (which is sent).
fn until_error<T, S>(items: S) -> impl Stream<Item = Result<T, AppError>> + Send
where
    S: Stream<Item = Result<T, AppError>> + Send,
    T: Send,
{
    items.scan(false, |failed, item| {
        let next = if *failed {
            None
        } else {
            *failed = item.is_err();
            Some(item)
        };
        std::future::ready(next)
    })
}

/// Sends each item as one unnamed message (`data: {...}`); an error is sent as `event: error` and ends
/// the stream.
pub fn json_stream<T, S>(items: S) -> Response
where
    S: Stream<Item = Result<T, AppError>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let events = until_error(items).map(|item| {
        Ok::<_, Infallible>(match item {
            Ok(payload) => data_event(None, &payload),
            Err(error) => error_event(&error),
        })
    });
    respond(events)
}

/// Sends progress as `event: progress`, then `event: result` (or `event: error`), then ends.
pub fn progress_stream<P, R, S>(steps: S) -> Response
where
    S: Stream<Item = Result<Progress<P, R>, AppError>> + Send + 'static,
    P: Serialize + Send + 'static,
    R: Serialize + Send + 'static,
{
    let mut finished = false;
    let events = until_error(steps)
        .map(|step| match step {
            Ok(Progress::Step(progress)) => (false, data_event(Some("progress"), &progress)),
            Ok(Progress::Done(result)) => (true, data_event(Some("result"), &result)),
            Err(error) => (true, error_event(&error)),
        })
        .take_while(move |(last, _)| {
            let go = !finished;
            finished = *last;
            std::future::ready(go)
        })
        .map(|(_, event)| Ok::<_, Infallible>(event));
    respond(events)
}

fn respond<S>(events: S) -> Response
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    let keep_alive = KeepAlive::new()
        .interval(KEEP_ALIVE_INTERVAL)
        .text("keep-alive");
    let mut response = Sse::new(events).keep_alive(keep_alive).into_response();
    // proxies (nginx) must pass events on at once
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response.headers_mut().insert(
        "cache-control",
        axum::http::HeaderValue::from_static("no-cache"),
    );
    response
}

/// Whether the client asked for a stream (`Accept: text/event-stream`).
pub fn wants_event_stream(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("text/event-stream")
        })
}
