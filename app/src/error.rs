//! The one error type of Berth, shared by the Docker layer, the REST API and the console.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// The message sent whenever the Docker daemon cannot be reached.
pub const DAEMON_UNAVAILABLE_MESSAGE: &str =
    "Cannot connect to Docker daemon. Make sure Docker is running.";

/// Every failure Berth can report, each with the HTTP status it is answered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request is malformed: bad JSON, wrong types, missing or unknown fields, bad query values.
    #[error("{0}")]
    BadRequest(String),
    /// Authentication is on and the request carries no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller or the server's policy forbids the operation.
    #[error("{0}")]
    Forbidden(String),
    /// The named container, image, volume, network or route does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not for this HTTP method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The operation conflicts with the current state (name in use, object in use, running...).
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than the documented limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Too many requests (failed logins, `--rate-limit`); answered with `Retry-After`.
    #[error("{0}")]
    TooManyRequests(String),
    /// A service Berth depends on, other than the daemon (e.g. an image registry), cannot be reached.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// The Docker daemon cannot be reached.
    #[error("Cannot connect to Docker daemon. Make sure Docker is running.")]
    DaemonUnavailable,
    /// The Docker daemon did not answer a call within `--docker-timeout` seconds.
    #[error("Docker daemon did not answer within {0} s")]
    DaemonTimeout(u64),
    /// An unexpected failure; the details were logged on the server.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// The HTTP status code this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::MethodNotAllowed(_) => 405,
            AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge(_) => 413,
            AppError::TooManyRequests(_) => 429,
            AppError::ServiceUnavailable(_) => 503,
            AppError::DaemonUnavailable => 503,
            AppError::DaemonTimeout(_) => 504,
            AppError::Internal(_) => 500,
        }
    }

    /// Shorthand for a [`AppError::BadRequest`].
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest(message.into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                AppError::Internal(format!("Could not reach the Berth server: {message}"))
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_its_contract_status() {
        assert_eq!(AppError::bad_request("x").status_code(), 400);
        assert_eq!(AppError::NotFound("x".into()).status_code(), 404);
        assert_eq!(AppError::Conflict("x".into()).status_code(), 409);
        assert_eq!(AppError::DaemonUnavailable.status_code(), 503);
        assert_eq!(
            AppError::DaemonUnavailable.to_string(),
            DAEMON_UNAVAILABLE_MESSAGE
        );
        assert_eq!(AppError::DaemonTimeout(30).status_code(), 504);
        assert_eq!(
            AppError::DaemonTimeout(30).to_string(),
            "Docker daemon did not answer within 30 s"
        );
    }
}
