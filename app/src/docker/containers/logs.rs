//! Container logs: read from the daemon as a stream, cut into lines, filtered as they pass.
//!
//! Memory stays bounded whatever the log's size: only the line being assembled and, for a search with
//! `tail`, the last N matches are held.

use std::collections::VecDeque;

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use regex::{Regex, RegexBuilder};

use super::{LogTail, subject};
use crate::docker::streams::{StreamKind, Tracked};
use crate::docker::{DockerService, Operation, now_rfc3339};
use crate::error::AppError;
use crate::model::containers::ContainerLogs;
use crate::model::live::LogLine;

/// A line longer than this is sent in pieces of this size (a TTY program that never prints a newline
/// cannot make the server buffer without bound).
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// A search over log lines: a substring (optionally ignoring case) or a regular expression.
#[derive(Debug, Clone)]
pub struct LogFilter {
    pattern: Regex,
}

impl LogFilter {
    /// A filter for `grep`: a plain substring unless `regex`; an invalid expression is a 400.
    pub fn new(grep: &str, ignore_case: bool, regex: bool) -> Result<Self, AppError> {
        if grep.is_empty() {
            return Err(AppError::bad_request(
                "Invalid query parameter 'grep': it must not be empty",
            ));
        }
        let source = if regex {
            grep.to_string()
        } else {
            regex::escape(grep)
        };
        let pattern = RegexBuilder::new(&source)
            .case_insensitive(ignore_case)
            .size_limit(1 << 20)
            .build()
            .map_err(|err| {
                let reason = err.to_string();
                let reason = reason.lines().last().unwrap_or_default().trim().to_string();
                AppError::bad_request(format!(
                    "Invalid query parameter 'grep': not a valid regular expression ({reason})"
                ))
            })?;
        Ok(Self { pattern })
    }

    /// Whether a line matches.
    pub fn matches(&self, line: &str) -> bool {
        self.pattern.is_match(line)
    }
}

/// What part of a container's log to read, and how.
#[derive(Debug, Clone)]
pub struct LogRequest {
    /// How many lines (or, with a filter, matches) to keep from the end.
    pub tail: LogTail,
    /// Only lines written at or after this Unix second.
    pub since: Option<i64>,
    /// Only lines written at or before this Unix second.
    pub until: Option<i64>,
    /// Whether to give each line its time (`docker logs -t`).
    pub timestamps: bool,
    /// Whether to include stdout.
    pub stdout: bool,
    /// Whether to include stderr.
    pub stderr: bool,
    /// Keep only the lines that match.
    pub filter: Option<LogFilter>,
}

impl Default for LogRequest {
    fn default() -> Self {
        Self {
            tail: LogTail::Last(100),
            since: None,
            until: None,
            timestamps: false,
            stdout: true,
            stderr: true,
            filter: None,
        }
    }
}

impl LogRequest {
    fn validate(&self) -> Result<(), AppError> {
        if !self.stdout && !self.stderr {
            return Err(AppError::bad_request(
                "Invalid query parameters: 'stdout' and 'stderr' cannot both be false",
            ));
        }
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since > until
        {
            return Err(AppError::bad_request(
                "Invalid query parameters: 'since' is after 'until'",
            ));
        }
        Ok(())
    }

    /// The daemon's options. With a filter the whole log is read (the filter then keeps the last N
    /// matches); following, the daemon's own tail gives the starting lines.
    fn daemon_options(&self, follow: bool) -> Result<LogsOptions, AppError> {
        let seconds = |name: &str, value: Option<i64>| -> Result<i32, AppError> {
            value.map_or(Ok(0), |v| {
                i32::try_from(v).map_err(|_| {
                    AppError::bad_request(format!("Invalid query parameter '{name}': out of range"))
                })
            })
        };
        let tail = if self.filter.is_some() && !follow {
            LogTail::All
        } else {
            self.tail
        };
        Ok(LogsOptions {
            follow,
            stdout: self.stdout,
            stderr: self.stderr,
            since: seconds("since", self.since)?,
            until: seconds("until", self.until)?,
            timestamps: self.timestamps,
            tail: tail.as_docker(),
        })
    }
}

/// Which stream a piece of output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Stdout,
    Stderr,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Stdout => "stdout",
            Source::Stderr => "stderr",
        }
    }
}

/// Reassembles lines from the daemon's frames, which may cut a line anywhere (TTY output, or lines
/// over the log driver's 16 KiB); stdout and stderr are assembled apart.
#[derive(Debug)]
struct LineAssembler {
    timestamps: bool,
    pending: [Vec<u8>; 2],
    /// The time of the line being assembled, per stream.
    started: [Option<String>; 2],
}

impl LineAssembler {
    fn new(timestamps: bool) -> Self {
        Self {
            timestamps,
            pending: [Vec::new(), Vec::new()],
            started: [None, None],
        }
    }

    /// Takes one frame; pushes the lines it completes onto `out`.
    fn push(&mut self, source: Source, frame: &[u8], out: &mut VecDeque<LogLine>) {
        let slot = source as usize;
        let mut rest = frame;
        let mut frame_time = None;
        if self.timestamps {
            // every frame the daemon sends starts with the time of its log entry
            if let Some((time, message)) = split_timestamp(rest) {
                frame_time = Some(time);
                rest = message;
            }
        }
        while !rest.is_empty() {
            if self.started[slot].is_none() {
                self.started[slot] = frame_time.clone();
            }
            let room = MAX_LINE_BYTES - self.pending[slot].len();
            match rest.iter().take(room).position(|b| *b == b'\n') {
                Some(end) => {
                    self.pending[slot].extend_from_slice(&rest[..end]);
                    out.push_back(self.take(source));
                    rest = &rest[end + 1..];
                }
                None => {
                    let piece = rest.len().min(room);
                    self.pending[slot].extend_from_slice(&rest[..piece]);
                    rest = &rest[piece..];
                    if self.pending[slot].len() >= MAX_LINE_BYTES {
                        out.push_back(self.take(source));
                    }
                }
            }
        }
    }

    /// The unfinished lines, at the end of the stream.
    fn finish(&mut self, out: &mut VecDeque<LogLine>) {
        for source in [Source::Stdout, Source::Stderr] {
            if !self.pending[source as usize].is_empty() {
                out.push_back(self.take(source));
            }
        }
    }

    fn take(&mut self, source: Source) -> LogLine {
        let slot = source as usize;
        let bytes = std::mem::take(&mut self.pending[slot]);
        let mut line = String::from_utf8_lossy(&bytes).into_owned();
        if line.ends_with('\r') {
            line.pop();
        }
        LogLine {
            stream: source.name().to_string(),
            line,
            timestamp: self.started[slot].take(),
        }
    }
}

/// Splits `2024-01-01T12:00:00.123456789Z message` into its time and the message.
fn split_timestamp(frame: &[u8]) -> Option<(String, &[u8])> {
    let space = frame.iter().take(40).position(|b| *b == b' ')?;
    let time = std::str::from_utf8(&frame[..space]).ok()?;
    let looks_like_time = time.len() >= 20
        && time.as_bytes()[4] == b'-'
        && time.as_bytes()[10] == b'T'
        && time.as_bytes()[0].is_ascii_digit();
    looks_like_time.then(|| (time.to_string(), &frame[space + 1..]))
}

/// A log line as `docker logs` prints it (`-t` puts the time first).
fn render(line: &LogLine, out: &mut String) {
    if let Some(time) = &line.timestamp {
        out.push_str(time);
        out.push(' ');
    }
    out.push_str(&line.line);
    out.push('\n');
}

/// The daemon's log stream cut into lines, each kept only when it passes `filter`.
fn lines_of<S>(
    frames: S,
    timestamps: bool,
    filter: Option<LogFilter>,
    service: DockerService,
    what: String,
) -> impl Stream<Item = Result<LogLine, AppError>> + Send + 'static
where
    S: Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send + 'static,
{
    struct State<S> {
        frames: std::pin::Pin<Box<S>>,
        assembler: LineAssembler,
        ready: VecDeque<LogLine>,
        done: bool,
        filter: Option<LogFilter>,
        service: DockerService,
        what: String,
    }
    let state = State {
        frames: Box::pin(frames),
        assembler: LineAssembler::new(timestamps),
        ready: VecDeque::new(),
        done: false,
        filter,
        service,
        what,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            while let Some(line) = state.ready.pop_front() {
                if state.filter.as_ref().is_none_or(|f| f.matches(&line.line)) {
                    return Some((Ok(line), state));
                }
            }
            if state.done {
                return None;
            }
            match state.frames.next().await {
                Some(Ok(output)) => {
                    let (source, message) = match output {
                        LogOutput::StdErr { message } => (Source::Stderr, message),
                        LogOutput::StdOut { message } | LogOutput::Console { message } => {
                            (Source::Stdout, message)
                        }
                        LogOutput::StdIn { .. } => continue,
                    };
                    state.assembler.push(source, &message, &mut state.ready);
                }
                Some(Err(err)) => {
                    state.done = true;
                    let error = state.service.fail(err, &state.what).await;
                    return Some((Err(error), state));
                }
                None => {
                    state.done = true;
                    state.assembler.finish(&mut state.ready);
                }
            }
        }
    })
}

impl DockerService {
    async fn log_lines(
        &self,
        id: &str,
        request: &LogRequest,
        follow: bool,
    ) -> Result<
        (
            String,
            String,
            impl Stream<Item = Result<LogLine, AppError>> + Send + 'static,
        ),
        AppError,
    > {
        request.validate()?;
        let options = request.daemon_options(follow)?;
        let (full_id, name) = self.resolve(id).await?;
        let client = self.stream_client().await?;
        let frames = self.timed_stream(
            Operation::ContainerLogs,
            client.logs(&full_id, Some(options)),
        );
        // A followed log's first answer waits for the container to write: only reads of the history
        // are timed.
        let frames = if follow { frames.untimed() } else { frames };
        let lines = lines_of(
            frames,
            request.timestamps,
            request.filter.clone(),
            self.clone(),
            subject(&name),
        );
        let lines = if follow {
            Tracked::live(lines, self.stream_counter(), StreamKind::Logs)
        } else {
            Tracked::new(lines, self.stream_counter(), StreamKind::Logs)
        };
        Ok((full_id, name, lines))
    }

    /// A container's log as one text (stdout and stderr interleaved, one line per line): the last
    /// `tail` lines, or with a filter the last `tail` matches of the whole log (within `since`/`until`).
    pub async fn container_logs(
        &self,
        id: &str,
        request: &LogRequest,
    ) -> Result<ContainerLogs, AppError> {
        let (full_id, name, lines) = self.log_lines(id, request, false).await?;
        let keep = match request.tail {
            LogTail::Last(n) if request.filter.is_some() => Some(n as usize),
            _ => None,
        };
        let mut kept: VecDeque<LogLine> = VecDeque::new();
        let mut lines = std::pin::pin!(lines);
        while let Some(line) = lines.next().await {
            let line = line?;
            if keep == Some(0) {
                continue;
            }
            if keep.is_some_and(|n| kept.len() >= n) {
                kept.pop_front();
            }
            kept.push_back(line);
        }
        let mut logs = String::new();
        for line in &kept {
            render(line, &mut logs);
        }
        Ok(ContainerLogs {
            container_id: full_id,
            name,
            logs,
            tail: request.tail.as_json(),
            timestamp: now_rfc3339(),
        })
    }

    /// A container's log as text to download, and the container's name: streamed as it is read when
    /// the whole log (or every match) is asked for, else the kept lines at the end.
    pub async fn container_log_text(
        &self,
        id: &str,
        request: &LogRequest,
    ) -> Result<
        (
            String,
            std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, AppError>> + Send>>,
        ),
        AppError,
    > {
        if request.filter.is_some() && request.tail != LogTail::All {
            let logs = self.container_logs(id, request).await?;
            let body = futures_util::stream::once(async move { Ok(Bytes::from(logs.logs)) });
            return Ok((logs.name, body.boxed()));
        }
        let (_, name, lines) = self.log_lines(id, request, false).await?;
        let body = lines.ready_chunks(256).map(|chunk| {
            let mut text = String::new();
            for line in chunk {
                render(&line?, &mut text);
            }
            Ok(Bytes::from(text))
        });
        Ok((name, body.boxed()))
    }

    /// A container's log, live: the last `tail` lines, then new lines as they are written. With a filter,
    /// the whole log is searched first (the last `tail` matches), then new matching lines follow. Ends
    /// when the container stops or the stream is dropped.
    pub async fn follow_logs(
        &self,
        id: &str,
        request: &LogRequest,
    ) -> Result<std::pin::Pin<Box<dyn Stream<Item = Result<LogLine, AppError>> + Send>>, AppError>
    {
        if request.filter.is_none() {
            let (_, _, lines) = self.log_lines(id, request, true).await?;
            return Ok(lines.boxed());
        }
        // 1. the history, searched whole, every line with its time (to know where it ended)
        let stamped = LogRequest {
            tail: LogTail::All,
            timestamps: true,
            filter: None,
            ..request.clone()
        };
        let (full_id, _, history) = self.log_lines(id, &stamped, false).await?;
        let filter = request.filter.clone();
        let keep = match request.tail {
            LogTail::Last(n) => Some(n as usize),
            LogTail::All => None,
        };
        let mut kept: VecDeque<LogLine> = VecDeque::new();
        let mut last_seen: Option<(i64, u32)> = None;
        let mut history = std::pin::pin!(history);
        while let Some(line) = history.next().await {
            let line = line?;
            if let Some(time) = line.timestamp.as_deref().and_then(parse_log_time) {
                last_seen = last_seen.max(Some(time));
            }
            if !filter.as_ref().is_some_and(|f| f.matches(&line.line)) || keep == Some(0) {
                continue;
            }
            if keep.is_some_and(|n| kept.len() >= n) {
                kept.pop_front();
            }
            kept.push_back(line);
        }
        // 2. then live lines from where the history ended (lines of that same second already seen are
        //    skipped by their time)
        let live_request = LogRequest {
            tail: LogTail::All,
            since: last_seen.map(|(seconds, _)| seconds).or(request.since),
            ..stamped
        };
        let (_, _, live) = self.log_lines(&full_id, &live_request, true).await?;
        let wants_time = request.timestamps;
        let strip = move |mut line: LogLine| {
            if !wants_time {
                line.timestamp = None;
            }
            line
        };
        let live = live.filter_map(move |line| {
            let keep = match &line {
                Ok(line) => {
                    let time = line.timestamp.as_deref().and_then(parse_log_time);
                    let new = match (time, last_seen) {
                        (Some(time), Some(seen)) => time > seen,
                        _ => true,
                    };
                    new && filter.as_ref().is_some_and(|f| f.matches(&line.line))
                }
                Err(_) => true,
            };
            std::future::ready(keep.then_some(line))
        });
        let history = futures_util::stream::iter(kept.into_iter().map(Ok));
        Ok(history
            .chain(live)
            .map(move |line| line.map(&strip))
            .boxed())
    }
}

/// A log line's time (`2024-01-01T12:00:00.123456789Z`) as (Unix seconds, nanoseconds), to order lines.
fn parse_log_time(text: &str) -> Option<(i64, u32)> {
    let seconds = crate::docker::parse_time_parameter("timestamp", text).ok()?;
    let nanos = match text.split_once('.') {
        Some((_, rest)) => {
            let digits: String = rest
                .chars()
                .take_while(char::is_ascii_digit)
                .take(9)
                .collect();
            format!("{digits:0<9}").parse().ok()?
        }
        None => 0,
    };
    Some((seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(timestamps: bool, frames: &[(Source, &str)]) -> Vec<LogLine> {
        let mut assembler = LineAssembler::new(timestamps);
        let mut out = VecDeque::new();
        for (source, frame) in frames {
            assembler.push(*source, frame.as_bytes(), &mut out);
        }
        assembler.finish(&mut out);
        out.into_iter().collect()
    }

    #[test]
    fn lines_split_across_frames_are_reassembled() {
        let lines = assemble(
            false,
            &[
                (Source::Stdout, "hel"),
                (Source::Stderr, "oops\n"),
                (Source::Stdout, "lo\nwor"),
                (Source::Stdout, "ld\r\nlast"),
            ],
        );
        let texts: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| (l.stream.as_str(), l.line.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("stderr", "oops"),
                ("stdout", "hello"),
                ("stdout", "world"),
                ("stdout", "last")
            ]
        );
    }

    #[test]
    fn timestamps_are_taken_from_the_start_of_each_entry() {
        let lines = assemble(
            true,
            &[
                (Source::Stdout, "2024-01-01T12:00:00.5Z first part"),
                (Source::Stdout, "2024-01-01T12:00:00.6Z , end\n"),
                (Source::Stdout, "2024-01-01T12:00:01Z second\n"),
            ],
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, "first part, end");
        assert_eq!(
            lines[0].timestamp.as_deref(),
            Some("2024-01-01T12:00:00.5Z")
        );
        assert_eq!(lines[1].line, "second");
        assert_eq!(lines[1].timestamp.as_deref(), Some("2024-01-01T12:00:01Z"));
    }

    #[test]
    fn endless_lines_are_cut_at_the_limit() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let lines = assemble(false, &[(Source::Stdout, &long)]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line.len(), MAX_LINE_BYTES);
        assert_eq!(lines[1].line.len(), 10);
    }

    #[test]
    fn log_times_order_by_seconds_then_nanoseconds() {
        let a = parse_log_time("2024-01-01T12:00:00.5Z").unwrap();
        let b = parse_log_time("2024-01-01T12:00:00.123456789Z").unwrap();
        let c = parse_log_time("2024-01-01T12:00:01Z").unwrap();
        assert_eq!(a, (1_704_110_400, 500_000_000));
        assert!(b < a && a < c);
    }

    #[test]
    fn filters_match_substrings_case_and_expressions() {
        assert!(
            LogFilter::new("a.b", false, false)
                .unwrap()
                .matches("xa.by")
        );
        assert!(!LogFilter::new("a.b", false, false).unwrap().matches("axb"));
        assert!(
            LogFilter::new("ERROR", true, false)
                .unwrap()
                .matches("an error")
        );
        assert!(
            !LogFilter::new("ERROR", false, false)
                .unwrap()
                .matches("an error")
        );
        assert!(
            LogFilter::new("^id-[0-9]+$", false, true)
                .unwrap()
                .matches("id-42")
        );
        let err = LogFilter::new("(", false, true).unwrap_err();
        assert_eq!(err.status_code(), 400);
    }
}
