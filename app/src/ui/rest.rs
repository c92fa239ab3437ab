//! The console's calls to Berth's own REST API from the browser: sign-in and sign-out, and the admin pages
//! (users, tokens, audit), which use the very routes a script would. State-changing calls carry the session's
//! CSRF token. Answers are the contract's envelope; a failure becomes the [`AppError`] of its status.

use serde_json::Value;

use crate::error::{AppError, DAEMON_UNAVAILABLE_MESSAGE};

/// The error an API answer with `status` and the envelope's `error` sentence stands for.
pub fn error_for_status(status: u16, message: String) -> AppError {
    match status {
        400 => AppError::BadRequest(message),
        401 => AppError::Unauthorized(message),
        403 => AppError::Forbidden(message),
        404 => AppError::NotFound(message),
        405 => AppError::MethodNotAllowed(message),
        409 => AppError::Conflict(message),
        413 => AppError::PayloadTooLarge(message),
        429 => AppError::TooManyRequests(message),
        503 if message == DAEMON_UNAVAILABLE_MESSAGE => AppError::DaemonUnavailable,
        503 => AppError::ServiceUnavailable(message),
        _ => AppError::Internal(message),
    }
}

/// Sends `method path` with an optional JSON body and answers the envelope's JSON on success.
/// Only the browser makes these calls; on the server it is an error (pages use server functions there).
pub async fn call(method: &str, path: &str, body: Option<Value>) -> Result<Value, AppError> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_net::http::{Method, RequestBuilder};
        let verb = match method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            _ => Method::GET,
        };
        let mut builder = RequestBuilder::new(path)
            .method(verb.clone())
            .header("Accept", "application/json");
        if verb != Method::GET
            && let Some(token) = crate::api::client::csrf_token()
        {
            builder = builder.header(crate::api::client::CSRF_HEADER, &token);
        }
        let unreachable = |err: gloo_net::Error| {
            AppError::Internal(format!("Could not reach the Berth server: {err}"))
        };
        let response = match body {
            Some(body) => builder.json(&body).map_err(unreachable)?.send().await,
            None => builder.send().await,
        }
        .map_err(unreachable)?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        let message = answer["error"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("Berth answered HTTP {status}"));
        Err(error_for_status(status, message))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, path, body);
        Err(AppError::Internal(
            "This call is made from the browser only".into(),
        ))
    }
}

/// Decodes the list under `key` of a list answer (`{"users": [...], "count": N}`).
pub fn items<T: serde::de::DeserializeOwned>(
    answer: &Value,
    key: &str,
) -> Result<Vec<T>, AppError> {
    serde_json::from_value(answer[key].clone())
        .map_err(|err| AppError::Internal(format!("Unexpected answer for '{key}': {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_become_the_matching_errors() {
        assert_eq!(
            error_for_status(404, "x".into()),
            AppError::NotFound("x".into())
        );
        assert_eq!(
            error_for_status(429, "x".into()),
            AppError::TooManyRequests("x".into())
        );
        assert_eq!(
            error_for_status(503, DAEMON_UNAVAILABLE_MESSAGE.into()),
            AppError::DaemonUnavailable
        );
        assert_eq!(
            error_for_status(500, "x".into()),
            AppError::Internal("x".into())
        );
    }
}
