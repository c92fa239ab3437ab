//! Types of the live routes: streamed log lines, pull and build progress, exec (Docker events are in
//! [`crate::model::events`]).

use serde::{Deserialize, Serialize};

/// One line of a container's log, as a log stream sends it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogLine {
    /// `stdout` or `stderr` (`stdout` for a TTY container, whose streams are one).
    pub stream: String,
    /// The line, without its newline.
    pub line: String,
    /// When the line was written, RFC 3339 (only when timestamps were asked for).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timestamp: Option<String>,
}

/// One progress message of an image pull or push (the daemon reports both alike, one layer each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullProgress {
    /// The layer, or `null` for messages about the whole image.
    pub id: Option<String>,
    /// The daemon's status word: `Pulling fs layer`, `Downloading`, `Pull complete`; `Preparing`,
    /// `Pushing`, `Pushed`, `Layer already exists`, ...
    pub status: String,
    /// Bytes done, when the daemon reports them.
    pub current: Option<i64>,
    /// Bytes in all, when the daemon reports them.
    pub total: Option<i64>,
}

/// One progress message of an image build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BuildProgress {
    /// One line of the builder's output, e.g. `Step 1/3 : FROM busybox`.
    pub line: String,
}

/// What a long operation reports as it runs: progress messages, then its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Progress<P, R> {
    /// A progress message.
    Step(P),
    /// The final result (what the JSON answer carries under `result`).
    Done(R),
}

/// A command given either as one string (split like a shell would) or as a list of words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged, expecting = "must be a string or a list of strings")]
pub enum CommandLine {
    /// `"echo hi"`.
    Text(String),
    /// `["echo", "hi"]`.
    Words(Vec<String>),
}

/// `POST /api/containers/{id}/exec`: what to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(examples(json!({"command": ["echo", "hi"]}))))]
#[serde(deny_unknown_fields)]
pub struct ExecRequest {
    /// The command to run.
    pub command: Option<CommandLine>,
    /// The user to run it as (`""` means the container's user).
    #[serde(default)]
    pub user: Option<String>,
    /// The directory to run it in (`""` means the container's).
    #[serde(default)]
    pub working_dir: Option<String>,
    /// Extra environment, `K=V` each.
    #[serde(default)]
    pub environment: Option<Vec<String>>,
    /// Whether to allocate a terminal (stdout and stderr are then one stream).
    #[serde(default)]
    pub tty: Option<bool>,
}

/// The outcome of `POST /api/containers/{id}/exec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExecResult {
    /// The container's full id.
    pub container_id: String,
    /// The command as run, word by word.
    pub command: Vec<String>,
    /// The command's exit code.
    pub exit_code: i64,
    /// What it printed (stdout and stderr interleaved), cut at 1 MiB.
    pub output: String,
    /// Present and `true` when the output was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub truncated: bool,
}
