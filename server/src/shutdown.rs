//! Graceful shutdown on SIGTERM or Ctrl-C: stop accepting, end live streams (events, log follow, live
//! stats, exec sessions), let in-flight requests finish, and exit within [`SHUTDOWN_DEADLINE`] even when
//! a request does not.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use app::docker::{DockerService, StreamKind};

/// How long in-flight requests may take to finish after the signal; Berth exits then at the latest
/// (under the 10 s an orchestrator usually waits before killing).
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(8);

/// How long exec sessions get to send their closing frame once the server stopped.
const SESSION_CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
pub async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received: shutting down"),
        () = terminate => tracing::info!("SIGTERM received: shutting down"),
    }
}

/// Serves until `stop` resolves, then shuts down gracefully: `server` is an axum server whose own
/// graceful-shutdown future is `notified`, which this resolves once `stop` has, after ending the live
/// streams of `docker`.
pub async fn serve_until<S, F>(
    server: impl FnOnce(tokio::sync::oneshot::Receiver<()>) -> S,
    stop: F,
    docker: DockerService,
) -> std::io::Result<()>
where
    S: IntoFuture<Output = std::io::Result<()>>,
    F: Future<Output = ()>,
{
    let (notify, notified) = tokio::sync::oneshot::channel();
    let serving = server(notified).into_future();
    tokio::pin!(serving);
    tokio::select! {
        result = &mut serving => return result,
        () = stop => {}
    }
    docker.shut_down_streams();
    let _ = notify.send(());
    let outcome = match tokio::time::timeout(SHUTDOWN_DEADLINE, serving).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                deadline_s = SHUTDOWN_DEADLINE.as_secs(),
                "requests still in flight at the shutdown deadline; leaving them"
            );
            Ok(())
        }
    };
    let closing = async {
        while docker.open_streams_of(StreamKind::Exec) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(SESSION_CLOSE_WAIT, closing).await;
    tracing::info!("stopped");
    outcome
}
