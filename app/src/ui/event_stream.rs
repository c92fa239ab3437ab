//! Long operations with progress (image pull and build): a `POST` to the REST API with
//! `Accept: text/event-stream`, read as it arrives. `EventSource` only sends `GET`, so the browser's `fetch`
//! reads the answer's body chunk by chunk, and [`take_events`] cuts it into the Server-Sent Events the
//! contract describes (`event: progress`, then one `event: result` or `event: error`).

use serde_json::Value;

use crate::error::AppError;

/// One Server-Sent Event: its name (`message` when it has none) and its `data` parsed as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEvent {
    /// The `event:` field, e.g. `progress`, `result`, `error`.
    pub name: String,
    /// The `data:` lines, joined and parsed as JSON (`Null` when they are not JSON).
    pub data: Value,
}

/// Takes the complete events (those ended by a blank line) out of `buffer`, leaving an unfinished one in it;
/// comments (`: keep-alive`) are skipped.
pub fn take_events(buffer: &mut String) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    loop {
        let normalised = buffer.replace("\r\n", "\n");
        let Some(end) = normalised.find("\n\n") else {
            *buffer = normalised;
            return events;
        };
        let block = &normalised[..end];
        let mut name = String::from("message");
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(value) = line.strip_prefix("event:") {
                name = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push(value.strip_prefix(' ').unwrap_or(value));
            }
        }
        if !data.is_empty() {
            let data = serde_json::from_str(&data.join("\n")).unwrap_or(Value::Null);
            events.push(StreamEvent { name, data });
        }
        *buffer = normalised[end + 2..].to_string();
    }
}

/// Percent-encodes `text` for a query string value (everything but letters, digits and `-._~`).
pub fn encode_query_value(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What a streamed call sends.
pub enum StreamBody {
    /// A JSON document (`application/json`).
    Json(Value),
    /// A file the user picked (a tar, plain or gzipped), sent as it is.
    #[cfg(feature = "hydrate")]
    File(web_sys::File),
}

/// `POST path` with `body` and `Accept: text/event-stream`, calling `on_event` for each event as it arrives.
/// A refusal before the stream starts (a 400, 403, 404...) is the matching [`AppError`].
pub async fn post_event_stream(
    path: &str,
    body: StreamBody,
    mut on_event: impl FnMut(StreamEvent),
) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Reflect, Uint8Array};
        use wasm_bindgen::{JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;
        use web_sys::{Headers, ReadableStreamDefaultReader, Request, RequestInit, Response};

        let failed = |err: JsValue| {
            AppError::Internal(format!(
                "Could not reach the Berth server: {}",
                err.as_string().unwrap_or_else(|| format!("{err:?}"))
            ))
        };
        let headers = Headers::new().map_err(failed)?;
        headers.set("Accept", "text/event-stream").map_err(failed)?;
        if let Some(token) = crate::api::client::csrf_token() {
            headers
                .set(crate::api::client::CSRF_HEADER, &token)
                .map_err(failed)?;
        }
        let init = RequestInit::new();
        init.set_method("POST");
        match body {
            StreamBody::Json(value) => {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(failed)?;
                init.set_body(&JsValue::from_str(&value.to_string()));
            }
            StreamBody::File(file) => {
                // The daemon reads a gzipped tar as well as a plain one.
                headers
                    .set("Content-Type", "application/x-tar")
                    .map_err(failed)?;
                init.set_body(&file);
            }
        }
        init.set_headers(&headers);
        let request = Request::new_with_str_and_init(path, &init).map_err(failed)?;
        let window = web_sys::window().ok_or_else(|| AppError::Internal("No window".into()))?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        let status = response.status();
        if !(200..300).contains(&status) {
            let text = match response.text() {
                Ok(promise) => JsFuture::from(promise)
                    .await
                    .ok()
                    .and_then(|text| text.as_string())
                    .unwrap_or_default(),
                Err(_) => String::new(),
            };
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let message = answer["error"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("Berth answered HTTP {status}"));
            return Err(super::rest::error_for_status(status, message));
        }
        let body = response
            .body()
            .ok_or_else(|| AppError::Internal("The answer has no body".into()))?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut bytes = Vec::new();
        let mut buffer = String::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(failed)?;
            let done = Reflect::get(&chunk, &JsValue::from_str("done"))
                .ok()
                .and_then(|done| done.as_bool())
                .unwrap_or(true);
            if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value"))
                && !value.is_undefined()
            {
                bytes.extend(Uint8Array::new(&value).to_vec());
                // Only whole UTF-8 characters move on; a character cut between chunks waits for the rest.
                let valid = match std::str::from_utf8(&bytes) {
                    Ok(text) => text.len(),
                    Err(err) => err.valid_up_to(),
                };
                buffer.push_str(&String::from_utf8_lossy(&bytes[..valid]));
                bytes.drain(..valid);
                for event in take_events(&mut buffer) {
                    on_event(event);
                }
            }
            if done {
                buffer.push_str("\n\n");
                for event in take_events(&mut buffer) {
                    on_event(event);
                }
                return Ok(());
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (path, body, &mut on_event);
        Err(AppError::Internal(
            "This call is made from the browser only".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("127.0.0.1:5055/app:1 x"),
            "127.0.0.1%3A5055%2Fapp%3A1%20x"
        );
    }

    #[test]
    fn events_are_cut_at_blank_lines_and_an_unfinished_one_waits() {
        let mut buffer = String::from(
            ": keep-alive\n\nevent: progress\ndata: {\"id\":\"a\",\"current\":1}\n\nevent: result\r\ndata: {\"st",
        );
        let events = take_events(&mut buffer);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].name, "progress");
        assert_eq!(events[0].data["id"], "a");
        assert_eq!(buffer, "event: result\ndata: {\"st");
        buffer.push_str("atus\":\"pulled\"}\n\n");
        let events = take_events(&mut buffer);
        assert_eq!(events[0].name, "result");
        assert_eq!(events[0].data["status"], "pulled");
        assert!(buffer.is_empty());
    }
}
