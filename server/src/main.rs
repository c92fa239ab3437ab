//! The `berth` binary: parse the command line, then serve or manage credentials.

use axum::serve::ListenerExt;
use clap::Parser;

use berth::cli::{Cli, Command, run_token, run_user};
use berth::{Config, health_probe, logging, router, shutdown, startup};

/// Stack of each runtime thread. Rendering a page on the server walks its view tree recursively, and the
/// container page's tree is deep: a debug build overflowed tokio's default 2 MiB there.
const RUNTIME_THREAD_STACK: usize = 8 * 1024 * 1024;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(RUNTIME_THREAD_STACK)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            std::process::exit(1);
        }
    }
}

async fn run() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(config)) => serve(*config).await,
        Some(Command::User { action }) => run_user(action, &mut std::io::stdout()),
        Some(Command::Token { action }) => run_token(action, &mut std::io::stdout()),
        Some(Command::Health(args)) => health_probe::run(args).await,
    };
    if let Err(message) = outcome {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn serve(config: Config) -> Result<(), String> {
    logging::init(config.log_format, &config.log_level);

    let state = match startup::prepare(&config) {
        Ok(state) => state,
        Err(err) => {
            eprintln!("error: {}", err.message);
            std::process::exit(err.exit_code);
        }
    };
    let address = std::net::SocketAddr::new(config.host, config.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|err| format!("cannot listen on {address}: {err}"))?;
    let address = listener.local_addr().unwrap_or(address);
    // No Nagle delay: on a kept-alive connection (every browser's) a small answer otherwise waits for
    // the client's delayed ACK, ~40 ms each.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
    });
    match state.docker.client().await {
        Ok(_) => {
            tracing::info!(docker_host = %state.docker.docker_host(), "connected to the Docker daemon")
        }
        Err(_) => {
            tracing::warn!(
                docker_host = %state.docker.docker_host(),
                "Docker daemon unreachable; serving anyway and retrying on each request"
            );
            if let Some(hint) = startup::docker_socket_access_hint(&state.docker.docker_host()) {
                tracing::warn!("{hint}");
            }
        }
    }
    match state.auth.enabled() {
        Ok(true) => tracing::info!(data_dir = %config.data_dir().display(), "authentication is on"),
        _ => tracing::warn!(
            data_dir = %config.data_dir().display(),
            "authentication is off: no user or token exists (create one with `berth user add`)"
        ),
    }
    tracing::info!("Berth listening on http://{address}");
    let docker = state.docker.clone();
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    shutdown::serve_until(
        move |notified| {
            axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = notified.await;
            })
        },
        shutdown::signal(),
        docker,
    )
    .await
    .map_err(|err| format!("server error: {err}"))?;
    // Leave now: dropping the runtime would wait for every blocking task still running (a build context
    // being packed, say), past the shutdown deadline.
    std::process::exit(0)
}
