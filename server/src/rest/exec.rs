//! `POST /api/containers/{id}/exec` (run to completion) and `GET /api/containers/{id}/exec/ws` (an
//! interactive session over a WebSocket). The handlers only parse and shuttle frames; the exec itself is
//! the service's.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::ApiRoute;
use super::envelope::{ApiError, ApiResult, JsonBody, QueryParams, ok, query_bool};
use crate::AppState;
use crate::auth::access::Access;
use app::docker::DockerService;
use app::docker::exec::{ExecControl, ExecOptions, ExecSession, command_words};
use app::error::AppError;
use app::model::live::{CommandLine, ExecRequest};

/// The exec routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::POST,
            "/api/containers/{id}/exec",
            "Run a command to completion (body: {\"command\": \"echo hi\", \"user\": \"\", \"working_dir\": \"\", \"environment\": [], \"tty\": false})",
            post(exec_run),
        )
        .requires(Access::operator("exec", "run commands in containers")),
        ApiRoute::new(
            Method::GET,
            "/api/containers/{id}/exec/ws",
            "Interactive exec over a WebSocket (?command=sh&tty=true&user=&working_dir=)",
            get(exec_websocket),
        )
        .requires(Access::operator("exec", "run commands in containers")),
    ]
}

async fn exec_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ExecRequest>,
) -> ApiResult {
    ok("result", state.docker.exec_run(&id, request).await?)
}

#[derive(Debug, Deserialize)]
struct SessionQuery {
    command: Option<String>,
    #[serde(default, deserialize_with = "query_bool")]
    tty: Option<bool>,
    user: Option<String>,
    working_dir: Option<String>,
}

impl SessionQuery {
    /// The session's command and settings: `sh` with a terminal unless told otherwise.
    fn options(self) -> Result<ExecOptions, AppError> {
        let command = self
            .command
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| "sh".into());
        let options = ExecOptions {
            command: command_words(CommandLine::Text(command))?,
            user: self.user.filter(|u| !u.trim().is_empty()),
            working_dir: self.working_dir.filter(|w| !w.trim().is_empty()),
            environment: Vec::new(),
            tty: self.tty.unwrap_or(true),
        };
        options.validate()?;
        Ok(options)
    }
}

async fn exec_websocket(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<SessionQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult {
    let options = query.options()?;
    let upgrade = upgrade.map_err(|rejection| {
        ApiError(AppError::bad_request(format!(
            "This route needs a WebSocket connection: {}",
            rejection.body_text()
        )))
    })?;
    // the exec starts before the handshake completes, so an unknown or stopped container refuses it
    let session = state.docker.exec_session(&id, &options).await?;
    let docker = state.docker.clone();
    Ok(upgrade
        .on_upgrade(move |socket| shuttle(socket, session, docker))
        .into_response())
}

/// A control message from the client (a text frame).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Control {
    Resize { cols: u16, rows: u16 },
}

/// Carries frames both ways until the process ends (then sends the exit frame and closes), the client
/// goes away (then drops the session, which closes the daemon connection) or the server shuts down (then
/// closes with 1001 "going away").
async fn shuttle(mut socket: WebSocket, session: ExecSession, docker: DockerService) {
    let ExecSession {
        mut input,
        mut output,
        control,
        ..
    } = session;
    // stdin is written by a task of its own, so a process that does not read cannot stall its output
    let (stdin, mut stdin_queue) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        while let Some(data) = stdin_queue.recv().await {
            if input.write_all(&data).await.is_err() || input.flush().await.is_err() {
                break;
            }
        }
        let _ = input.shutdown().await;
    });
    loop {
        tokio::select! {
            chunk = output.next() => match chunk {
                Some(Ok(bytes)) => {
                    if !bytes.is_empty() && socket.send(Message::Binary(bytes)).await.is_err() {
                        return;
                    }
                }
                Some(Err(error)) => {
                    tracing::warn!(error = %error, "exec session output failed");
                    break;
                }
                None => break,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Binary(data))) => {
                    if stdin.send(data).await.is_err() {
                        tracing::debug!("exec stdin closed");
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = apply_control(&control, text.as_str()).await
                        && socket.send(Message::Text(reply.into())).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
    drop(stdin);
    if docker.is_shutting_down() {
        let _ = socket
            .send(Message::Close(Some(CloseFrame {
                code: close_code::AWAY,
                reason: "Berth is shutting down".into(),
            })))
            .await;
        return;
    }
    let exit = match control.exit_code().await {
        Ok(code) => json!({"type": "exit", "exit_code": code}),
        Err(error) => json!({"type": "exit", "exit_code": null, "error": error.to_string()}),
    };
    let _ = socket.send(Message::Text(exit.to_string().into())).await;
    let _ = socket.send(Message::Close(None)).await;
}

/// Applies a control message; answers an error message to send back when it is not understood.
async fn apply_control(control: &ExecControl, text: &str) -> Option<String> {
    let failure = match serde_json::from_str::<Control>(text) {
        Ok(Control::Resize { cols, rows }) => match control.resize(cols, rows).await {
            Ok(()) => return None,
            Err(error) => error.to_string(),
        },
        Err(error) => format!(
            "Unknown control message ({error}); send {{\"type\": \"resize\", \"cols\": 120, \"rows\": 40}}"
        ),
    };
    Some(json!({"type": "error", "error": failure}).to_string())
}
