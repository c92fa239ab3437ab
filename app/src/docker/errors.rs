//! Turning bollard errors into [`AppError`]s: one mapping for the whole service.

use bollard::errors::Error;

use crate::error::AppError;

/// Whether the error means the daemon could not be reached at all. (A call that timed out reached a
/// daemon that did not answer in time: that is [`AppError::DaemonTimeout`], not this.)
pub fn is_connection_error(err: &Error) -> bool {
    matches!(
        err,
        Error::HyperLegacyError { .. }
            | Error::IOError { .. }
            | Error::SocketNotFoundError(_)
            | Error::HyperResponseError { .. }
    )
}

/// Maps a bollard error about `subject` (e.g. `Container 'web'`) to the contract's error, a timed out
/// call to [`AppError::DaemonTimeout`] of the default docker timeout. Prefer
/// [`DockerService::fail`](super::DockerService), which knows the configured timeout.
pub fn docker_error(err: Error, subject: &str) -> AppError {
    docker_error_within(err, subject, super::DEFAULT_DOCKER_TIMEOUT)
}

/// Maps a bollard error about `subject` (e.g. `Container 'web'`) to the contract's error.
///
/// The daemon's 404 becomes "`subject` not found", 409 a conflict carrying the daemon's reason, 400 a bad
/// request; the few 500s that old engines answer for a caller's mistake are reclassified by what they say,
/// each with a sentence of ours first; connection failures become [`AppError::DaemonUnavailable`], a call
/// that took longer than `timeout` [`AppError::DaemonTimeout`]. Every failure of the daemon is logged
/// here, once, with its details; 5xx answers carry a fixed sentence and never the daemon's text.
pub fn docker_error_within(err: Error, subject: &str, timeout: std::time::Duration) -> AppError {
    match err {
        // The engine answers an ambiguous id prefix with 500 (containers) or 400 (networks) and its own
        // wording: either way it is the caller's input, named in our sentence.
        Error::DockerResponseServerError { ref message, .. }
            if let Some(error) = ambiguous_prefix(message) =>
        {
            error
        }
        Error::DockerResponseServerError {
            status_code,
            message,
        } => match status_code {
            404 if message.contains("No such image") && !subject.starts_with("Image") => {
                AppError::NotFound(capitalize(&message))
            }
            // Something else it needs is missing (a container started on a network removed since): the
            // subject exists, and the daemon's sentence says what is not there.
            404 if names_another_kind(&message, subject) => {
                AppError::NotFound(format!("{subject}: {}", capitalize(&message)))
            }
            404 => AppError::NotFound(format!("{subject} not found")),
            // The daemon's router redirects a path it had to clean (`//`, `/./`, `/../`): an identifier that
            // holds those cannot name any object.
            300..=399 => AppError::NotFound(format!("{subject} not found")),
            409 => AppError::Conflict(format!("{subject}: {}", capitalize(&message))),
            400 => AppError::BadRequest(format!("{subject}: {}", capitalize(&message))),
            403 => AppError::Forbidden(format!("{subject}: {}", capitalize(&message))),
            _ => {
                if status_code == 500
                    && let Some(reason) = user_conflict(&message)
                {
                    return AppError::Conflict(format!("{subject}: {reason} ({})", message.trim()));
                }
                if status_code == 500
                    && let Some(reason) = user_mistake(&message)
                {
                    return AppError::BadRequest(format!(
                        "{subject}: {reason} ({})",
                        message.trim()
                    ));
                }
                tracing::error!(status_code, %message, subject, "Docker daemon error");
                AppError::Internal(format!("Docker daemon failed while handling {subject}"))
            }
        },
        Error::RequestTimeoutError => {
            tracing::error!(
                subject,
                timeout_s = timeout.as_secs(),
                "Docker daemon did not answer in time"
            );
            AppError::DaemonTimeout(timeout.as_secs())
        }
        other if is_connection_error(&other) => {
            tracing::warn!(error = %other, subject, "Docker daemon unreachable");
            AppError::DaemonUnavailable
        }
        other => {
            tracing::error!(error = %other, subject, "Docker client error");
            AppError::Internal(format!("Docker request failed for {subject}"))
        }
    }
}

/// Whether the daemon's `message` is about another kind of object than `subject` (`Container 'web'` and
/// "network backend not found").
fn names_another_kind(message: &str, subject: &str) -> bool {
    const KINDS: [&str; 4] = ["container", "image", "volume", "network"];
    let lower = message.to_ascii_lowercase();
    let subject_kind = subject
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !KINDS.contains(&subject_kind.as_str()) || lower.contains(&format!("no such {subject_kind}"))
    {
        return false;
    }
    // The subject's own name may hold a kind's word (`Container 'network-proxy'`).
    let name = subject
        .split('\'')
        .nth(1)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let about = if name.is_empty() {
        lower
    } else {
        lower.replace(&name, "")
    };
    KINDS
        .iter()
        .any(|kind| *kind != subject_kind && about.contains(kind))
}

/// An id prefix that matches more than one object, as the engine words it for containers ("Multiple
/// IDs found with provided prefix: 7", also inside "Cannot kill container: 7: ...") and networks
/// ("network 4 is ambiguous (2 matches found based on ID prefix)"): a 400 naming the prefix. (Images
/// and volumes have no such answer: the engine treats an ambiguous image prefix as no such image, and
/// volumes are named, never matched by prefix.)
fn ambiguous_prefix(message: &str) -> Option<AppError> {
    // Lower case from Docker 25 on ("multiple IDs found ..."); ASCII lowering keeps the byte offsets.
    const CONTAINER: &str = "multiple ids found with provided prefix: ";
    const NETWORK: &str = "network ";
    const AMBIGUOUS: &str = " is ambiguous";
    let lower = message.to_ascii_lowercase();
    let (kind, prefix) = if let Some(start) = lower.find(CONTAINER) {
        ("container", message[start + CONTAINER.len()..].trim())
    } else {
        let (before, _) = message.split_once(AMBIGUOUS)?;
        let start = before.rfind(NETWORK)? + NETWORK.len();
        ("network", before[start..].trim())
    };
    Some(AppError::BadRequest(format!(
        "{} id prefix '{prefix}' matches more than one {kind}; give more of the id or the name",
        capitalize(kind)
    )))
}

/// Daemon 500s that really are conflicts with existing state (old engines answer these with 500): our
/// sentence for the conflict.
fn user_conflict(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    [
        (
            "port is already allocated",
            "A host port it asks for is already in use",
        ),
        (
            "address already in use",
            "A host address it asks for is already in use",
        ),
        ("already exists", "It already exists"),
        ("is in use", "It is in use"),
        ("conflict", "It conflicts with the engine's current state"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, sentence)| sentence)
}

/// Daemon 500s caused by what the user asked for (bad mount source, unknown executable, bad option...):
/// our sentence for the mistake.
fn user_mistake(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    [
        (
            "executable file not found",
            "Its command was not found in the image",
        ),
        (
            "bind source path does not exist",
            "A bind mount's source path does not exist on the host",
        ),
        (
            "no such file or directory",
            "A file or directory it names does not exist",
        ),
        ("not a directory", "A path it names is not a directory"),
        ("mount denied", "The engine refused one of its mounts"),
        ("permission denied", "The engine was denied permission"),
        (
            "failed to parse",
            "The engine could not parse one of its values",
        ),
        ("invalid", "The engine found one of its values invalid"),
        ("unknown", "The engine did not recognise one of its values"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, sentence)| sentence)
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
    fn a_404_about_another_object_says_what_is_missing_not_that_the_subject_is() {
        let err = docker_error(daemon(404, "network backend not found"), "Container 'web'");
        assert_eq!(
            err,
            AppError::NotFound("Container 'web': Network backend not found".into())
        );
        // A subject whose name holds another kind's word is still the one missing.
        let err = docker_error(
            daemon(404, "No such container: network-proxy"),
            "Container 'network-proxy'",
        );
        assert_eq!(
            err,
            AppError::NotFound("Container 'network-proxy' not found".into())
        );
        let err = docker_error(
            daemon(404, "get image-cache: no such volume"),
            "Volume 'image-cache'",
        );
        assert_eq!(
            err,
            AppError::NotFound("Volume 'image-cache' not found".into())
        );
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
    fn a_user_mistake_answered_with_500_is_a_400_that_opens_with_our_sentence() {
        let err = docker_error(
            daemon(
                500,
                "OCI runtime create failed: exec: \"nope\": executable file not found in $PATH",
            ),
            "Container 'web'",
        );
        assert_eq!(err.status_code(), 400);
        assert!(
            err.to_string()
                .starts_with("Container 'web': Its command was not found in the image ("),
            "{err}"
        );
    }

    #[test]
    fn a_timed_out_call_is_a_504_naming_the_timeout() {
        let err = docker_error_within(
            Error::RequestTimeoutError,
            "Container 'web'",
            std::time::Duration::from_secs(7),
        );
        assert_eq!(err, AppError::DaemonTimeout(7));
        assert_eq!(err.to_string(), "Docker daemon did not answer within 7 s");
    }

    #[test]
    fn an_ambiguous_id_prefix_is_a_400_naming_the_prefix_for_containers_and_networks() {
        for (status, message, expected) in [
            (
                500,
                "Multiple IDs found with provided prefix: 7",
                "Container id prefix '7' matches more than one container; give more of the id or the name",
            ),
            (
                500,
                "Cannot kill container: 7a: Multiple IDs found with provided prefix: 7a",
                "Container id prefix '7a' matches more than one container; give more of the id or the name",
            ),
            (
                // Docker 25 and later: a 400, in lower case.
                400,
                "multiple IDs found with provided prefix: d",
                "Container id prefix 'd' matches more than one container; give more of the id or the name",
            ),
            (
                400,
                "network 4 is ambiguous (2 matches found based on ID prefix)",
                "Network id prefix '4' matches more than one network; give more of the id or the name",
            ),
            (
                400,
                "2 matches found based on ID prefix: network 4 is ambiguous",
                "Network id prefix '4' matches more than one network; give more of the id or the name",
            ),
        ] {
            let err = docker_error(daemon(status, message), "Container 'x'");
            assert_eq!(err, AppError::BadRequest(expected.into()), "{message}");
        }
    }

    #[test]
    fn unexpected_daemon_failure_hides_details() {
        let err = docker_error(daemon(500, "secret internals"), "Container 'web'");
        assert_eq!(err.status_code(), 500);
        assert!(!err.to_string().contains("secret"));
    }
}
