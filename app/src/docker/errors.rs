//! Turning bollard errors into [`AppError`]s: one mapping for the whole service.

use bollard::errors::Error;

use crate::error::AppError;

/// Whether the error means the daemon could not be reached at all.
pub fn is_connection_error(err: &Error) -> bool {
    matches!(
        err,
        Error::HyperLegacyError { .. }
            | Error::IOError { .. }
            | Error::SocketNotFoundError(_)
            | Error::RequestTimeoutError
            | Error::HyperResponseError { .. }
    )
}

/// Maps a bollard error about `subject` (e.g. `Container 'web'`) to the contract's error.
///
/// The daemon's 404 becomes "`subject` not found", 409 a conflict carrying the daemon's reason, 400 a bad
/// request; connection failures become [`AppError::DaemonUnavailable`]; anything else is logged and
/// answered with a short message.
pub fn docker_error(err: Error, subject: &str) -> AppError {
    match err {
        Error::DockerResponseServerError {
            status_code,
            message,
        } => match status_code {
            404 if message.contains("No such image") && !subject.starts_with("Image") => {
                AppError::NotFound(capitalize(&message))
            }
            404 => AppError::NotFound(format!("{subject} not found")),
            // The daemon's router redirects a path it had to clean (`//`, `/./`, `/../`): an identifier that
            // holds those cannot name any object.
            300..=399 => AppError::NotFound(format!("{subject} not found")),
            409 => AppError::Conflict(format!("{subject}: {}", capitalize(&message))),
            400 => AppError::BadRequest(format!("{subject}: {}", capitalize(&message))),
            403 => AppError::Forbidden(format!("{subject}: {}", capitalize(&message))),
            500 if is_user_conflict(&message) => {
                AppError::Conflict(format!("{subject}: {}", capitalize(&message)))
            }
            500 if is_user_mistake(&message) => {
                AppError::BadRequest(format!("{subject}: {}", capitalize(&message)))
            }
            _ => {
                tracing::error!(status_code, %message, subject, "Docker daemon error");
                AppError::Internal(format!("Docker daemon failed while handling {subject}"))
            }
        },
        other if is_connection_error(&other) => AppError::DaemonUnavailable,
        other => {
            tracing::error!(error = %other, subject, "Docker client error");
            AppError::Internal(format!("Docker request failed for {subject}"))
        }
    }
}

/// Daemon 500s that really are conflicts with existing state (old engines answer these with 500).
fn is_user_conflict(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "port is already allocated",
        "address already in use",
        "already exists",
        "is in use",
        "conflict",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// Daemon 500s caused by what the user asked for (bad mount source, unknown executable, bad option...).
fn is_user_mistake(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "invalid",
        "no such file or directory",
        "executable file not found",
        "not a directory",
        "bind source path does not exist",
        "mount denied",
        "unknown",
        "failed to parse",
        "permission denied",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

fn capitalize(message: &str) -> String {
    let trimmed = message.trim();
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon(status_code: u16, message: &str) -> Error {
        Error::DockerResponseServerError {
            status_code,
            message: message.to_string(),
        }
    }

    #[test]
    fn daemon_redirect_for_an_identifier_with_slashes_is_not_found() {
        let err = docker_error(
            daemon(301, "<a href=\"/containers/x/stats\">Moved</a>"),
            "Container 'x/../'",
        );
        assert_eq!(
            err,
            AppError::NotFound("Container 'x/../' not found".into())
        );
    }

    #[test]
    fn daemon_404_names_the_subject() {
        let err = docker_error(daemon(404, "No such container: web"), "Container 'web'");
        assert_eq!(err, AppError::NotFound("Container 'web' not found".into()));
    }

    #[test]
    fn missing_image_on_create_names_the_image() {
        let err = docker_error(daemon(404, "No such image: nope:latest"), "Container 'x'");
        assert_eq!(err, AppError::NotFound("No such image: nope:latest".into()));
    }

    #[test]
    fn daemon_409_is_a_conflict_with_the_reason() {
        let err = docker_error(daemon(409, "name in use"), "Container 'web'");
        assert_eq!(err.status_code(), 409);
        assert!(err.to_string().contains("Name in use"));
    }

    #[test]
    fn port_already_allocated_is_a_conflict_not_a_500() {
        let err = docker_error(
            daemon(
                500,
                "driver failed: Bind for 0.0.0.0:80 failed: port is already allocated",
            ),
            "Container 'web'",
        );
        assert_eq!(err.status_code(), 409);
    }

    #[test]
    fn unexpected_daemon_failure_hides_details() {
        let err = docker_error(daemon(500, "secret internals"), "Container 'web'");
        assert_eq!(err.status_code(), 500);
        assert!(!err.to_string().contains("secret"));
    }
}
