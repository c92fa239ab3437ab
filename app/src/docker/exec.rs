//! Running commands in containers (`docker exec`): to completion, or as an interactive session.

use std::pin::Pin;
use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptions;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use super::DockerService;
use super::calls::{CallMetrics, Operation, bounded_call};
use super::streams::{StreamKind, Tracked};
use crate::error::AppError;
use crate::model::live::{CommandLine, ExecRequest, ExecResult};

/// Output of a run-to-completion exec beyond this many bytes is cut.
pub const MAX_EXEC_OUTPUT: usize = 1024 * 1024;

/// What to run, checked: the command word by word and its settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOptions {
    /// The command, word by word (never through a shell unless the command is one).
    pub command: Vec<String>,
    /// The user to run as (`None`: the container's).
    pub user: Option<String>,
    /// The directory to run in (`None`: the container's).
    pub working_dir: Option<String>,
    /// Extra environment, `K=V` each.
    pub environment: Vec<String>,
    /// Whether to allocate a terminal.
    pub tty: bool,
}

impl ExecOptions {
    /// Checks a request: a non-empty command (a string is split like a shell would, without running
    /// one), `K=V` environment entries.
    pub fn from_request(request: ExecRequest) -> Result<Self, AppError> {
        let command = match request.command {
            None => return Err(AppError::bad_request("Field 'command' is required")),
            Some(command) => command_words(command)?,
        };
        let options = Self {
            command,
            user: request.user.filter(|u| !u.trim().is_empty()),
            working_dir: request.working_dir.filter(|w| !w.trim().is_empty()),
            environment: request.environment.unwrap_or_default(),
            tty: request.tty.unwrap_or(false),
        };
        options.validate()?;
        Ok(options)
    }

    /// Checks the environment entries and the directory.
    pub fn validate(&self) -> Result<(), AppError> {
        if self.command.is_empty() || self.command[0].trim().is_empty() {
            return Err(AppError::bad_request("Field 'command' must not be empty"));
        }
        if self.command.iter().any(|w| w.contains('\0')) {
            return Err(AppError::bad_request(
                "Field 'command' must not contain NUL characters",
            ));
        }
        if let Some(bad) = self
            .environment
            .iter()
            .find(|e| e.split_once('=').is_none_or(|(k, _)| k.is_empty()))
        {
            return Err(AppError::bad_request(format!(
                "Field 'environment' must hold entries like \"KEY=value\", got '{bad}'"
            )));
        }
        if let Some(dir) = &self.working_dir
            && !dir.starts_with('/')
        {
            return Err(AppError::bad_request(format!(
                "Field 'working_dir' must be an absolute path, got '{dir}'"
            )));
        }
        Ok(())
    }
}

/// Splits a command given as one string like a POSIX shell would (quotes, escapes), without a shell.
pub fn command_words(command: CommandLine) -> Result<Vec<String>, AppError> {
    match command {
        CommandLine::Words(words) => Ok(words),
        CommandLine::Text(text) => shlex::split(&text).ok_or_else(|| {
            AppError::bad_request(format!("Field 'command' has unbalanced quotes: {text}"))
        }),
    }
}

/// Controls of a running exec: resize its terminal, read its exit code.
#[derive(Clone)]
pub struct ExecControl {
    client: Docker,
    exec_id: String,
    calls: std::sync::Arc<CallMetrics>,
}

impl ExecControl {
    /// Resizes the exec's terminal (only meaningful with a TTY).
    pub async fn resize(&self, cols: u16, rows: u16) -> Result<(), AppError> {
        if cols == 0 || rows == 0 {
            return Err(AppError::bad_request(
                "A resize needs 'cols' and 'rows' greater than 0",
            ));
        }
        let options = ResizeExecOptions {
            h: i32::from(rows),
            w: i32::from(cols),
        };
        let resize = self.client.resize_exec(&self.exec_id, options);
        bounded_call(
            &self.calls,
            self.client.timeout(),
            Operation::ExecResize,
            resize,
        )
        .await
        .map_err(|err| {
            super::errors::docker_error_within(err, "Exec session", self.client.timeout())
        })
    }

    /// The exit code, once the process has ended (waits up to a few seconds for the daemon to record it).
    pub async fn exit_code(&self) -> Result<i64, AppError> {
        for _ in 0..100 {
            let inspect = self.client.inspect_exec(&self.exec_id);
            let inspect = bounded_call(
                &self.calls,
                self.client.timeout(),
                Operation::ExecInspect,
                inspect,
            )
            .await
            .map_err(|err| {
                super::errors::docker_error_within(err, "Exec session", self.client.timeout())
            })?;
            if inspect.running != Some(true)
                && let Some(code) = inspect.exit_code
            {
                return Ok(code);
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        Err(AppError::Internal(
            "The daemon did not report the command's exit code".into(),
        ))
    }
}

/// An interactive exec: write stdin to `input`, read output from `output`, and use `control` to resize
/// and to read the exit code once `output` ends. Dropping it closes the daemon connection.
pub struct ExecSession {
    /// The container's full id.
    pub container_id: String,
    /// The process's stdin.
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
    /// What the process prints (stdout and stderr, or the terminal), as it comes.
    pub output: Pin<Box<dyn Stream<Item = Result<Bytes, AppError>> + Send>>,
    /// Resize and exit code.
    pub control: ExecControl,
}

impl DockerService {
    /// Creates and starts an exec in a running container (404 unknown, 409 not running).
    async fn start_exec(
        &self,
        id: &str,
        options: &ExecOptions,
        stdin: bool,
    ) -> Result<ExecSession, AppError> {
        options.validate()?;
        let (full_id, name, running) = self.resolve_with_state(id).await?;
        if !running {
            return Err(AppError::Conflict(format!(
                "Container '{name}' is not running"
            )));
        }
        let client = self.client().await?;
        let config = CreateExecOptions {
            attach_stdin: Some(stdin),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(options.tty),
            env: (!options.environment.is_empty()).then(|| options.environment.clone()),
            cmd: Some(options.command.clone()),
            user: options.user.clone(),
            working_dir: options.working_dir.clone(),
            ..Default::default()
        };
        let subject = format!("Container '{name}'");
        let create = client.create_exec(&full_id, config);
        let created = match self.call(Operation::ExecCreate, create).await {
            Ok(created) => created,
            Err(err) => return Err(self.fail(err, &subject).await),
        };
        let start = StartExecOptions {
            detach: false,
            tty: options.tty,
            output_capacity: None,
        };
        let start = client.start_exec(&created.id, Some(start));
        let (output, input) = match self.call(Operation::ExecStart, start).await {
            Ok(StartExecResults::Attached { output, input }) => (output, input),
            Ok(StartExecResults::Detached) => {
                return Err(AppError::Internal("The exec started detached".into()));
            }
            Err(err) => return Err(self.fail(err, &subject).await),
        };
        let output = output.map(move |item| match item {
            Ok(LogOutput::StdOut { message })
            | Ok(LogOutput::StdErr { message })
            | Ok(LogOutput::Console { message }) => Ok(message),
            Ok(LogOutput::StdIn { .. }) => Ok(Bytes::new()),
            Err(err) => Err(super::docker_error(err, "Exec session")),
        });
        // A session (stdin attached) lives until its client leaves, so it ends at shutdown; a run to
        // completion is an in-flight request, which shutting down lets finish.
        let output = if stdin {
            Tracked::live(output, self.stream_counter(), StreamKind::Exec)
        } else {
            Tracked::new(output, self.stream_counter(), StreamKind::Exec)
        };
        Ok(ExecSession {
            container_id: full_id,
            input,
            output: Box::pin(output),
            control: ExecControl {
                client,
                exec_id: created.id,
                calls: self.calls.clone(),
            },
        })
    }

    /// Runs a command to completion and answers its output (cut at [`MAX_EXEC_OUTPUT`]) and exit code.
    pub async fn exec_run(&self, id: &str, request: ExecRequest) -> Result<ExecResult, AppError> {
        let options = ExecOptions::from_request(request)?;
        let mut session = self.start_exec(id, &options, false).await?;
        drop(session.input);
        let mut output = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = session.output.next().await {
            let chunk = chunk?;
            let room = MAX_EXEC_OUTPUT - output.len();
            if chunk.len() > room {
                truncated = true;
            }
            output.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let exit_code = session.control.exit_code().await?;
        let mut output = String::from_utf8_lossy(&output).into_owned();
        if truncated && output.ends_with('\u{FFFD}') {
            // a character cut in two by the limit
            output.pop();
        }
        Ok(ExecResult {
            container_id: session.container_id,
            command: options.command,
            exit_code,
            output,
            truncated,
        })
    }

    /// Starts an interactive exec session with stdin attached.
    pub async fn exec_session(
        &self,
        id: &str,
        options: &ExecOptions,
    ) -> Result<ExecSession, AppError> {
        self.start_exec(id, options, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_split_like_a_shell_without_one() {
        assert_eq!(
            command_words(CommandLine::Text("sh -c 'echo a b'".into())).unwrap(),
            vec!["sh", "-c", "echo a b"]
        );
        assert!(command_words(CommandLine::Text("echo 'open".into())).is_err());
        let words = command_words(CommandLine::Words(vec!["echo".into(), "hi".into()])).unwrap();
        assert_eq!(words, vec!["echo", "hi"]);
    }

    #[test]
    fn requests_are_checked_before_anything_runs() {
        let request = |command: Option<CommandLine>, env: Option<Vec<String>>| ExecRequest {
            command,
            user: None,
            working_dir: None,
            environment: env,
            tty: None,
        };
        assert!(ExecOptions::from_request(request(None, None)).is_err());
        assert!(
            ExecOptions::from_request(request(Some(CommandLine::Text("  ".into())), None)).is_err()
        );
        let bad_env = request(
            Some(CommandLine::Text("env".into())),
            Some(vec!["NOEQUALS".into()]),
        );
        assert!(ExecOptions::from_request(bad_env).is_err());
        let good = request(
            Some(CommandLine::Text("env".into())),
            Some(vec!["A=1".into()]),
        );
        assert_eq!(
            ExecOptions::from_request(good).unwrap().environment,
            vec!["A=1"]
        );
    }
}
