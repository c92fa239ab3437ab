//! The `berth` binary: parse the configuration, serve, shut down gracefully.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use berth::{AppState, Config, router};

#[tokio::main]
async fn main() {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let state = AppState::from_config(&config);
    let address = std::net::SocketAddr::new(config.host, config.port);
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!(%address, error = %err, "cannot listen");
            std::process::exit(1);
        }
    };
    match state.docker.client().await {
        Ok(_) => {
            tracing::info!(docker_host = %state.docker.docker_host(), "connected to the Docker daemon")
        }
        Err(_) => tracing::warn!(
            docker_host = %state.docker.docker_host(),
            "Docker daemon unreachable; serving anyway and retrying on each request"
        ),
    }
    tracing::info!("Berth listening on http://{address}");
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    if let Err(err) = served {
        tracing::error!(error = %err, "server error");
        std::process::exit(1);
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
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
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
