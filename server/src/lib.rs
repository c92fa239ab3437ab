//! Berth's server: configuration, the REST API, the console's SSR and server functions, all over one
//! Docker service.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod health_probe;
pub mod logging;
pub mod metrics;
pub mod rest;
pub mod security;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod timeouts;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use app::docker::{DockerEndpoint, DockerService, Policy};
pub use config::Config;

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    /// The one Docker service.
    pub docker: DockerService,
    /// Leptos' options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// Cross-origin policy.
    pub origins: Arc<security::OriginPolicy>,
    /// The `Host` names served.
    pub hosts: Arc<security::HostPolicy>,
    /// Access control: the database, the permission table and the abuse limits.
    pub auth: Arc<auth::Auth>,
    /// Request counts and durations for `/metrics`.
    pub metrics: Arc<metrics::HttpMetrics>,
    /// How long a request may take until its answer begins (`--request-timeout`).
    pub request_timeout: Duration,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Builds the state from the configuration (opening the database under the data directory); no
    /// daemon connection is attempted yet. When the database cannot be opened, the failure is logged
    /// and the state fails closed: authentication is required and no credential exists. The binary
    /// uses [`startup::prepare`], which refuses to start instead.
    pub fn from_config(config: &Config) -> Self {
        match store::Store::open(&config.data_dir()) {
            Ok(store) => Self::with_store(config, store),
            Err(err) => {
                tracing::error!(error = %err, "cannot open the database; every request needs credentials");
                let mut locked = config.clone();
                locked.auth = auth::AuthMode::Required;
                let store = store::Store::in_memory().unwrap_or_else(|_| {
                    // An in-memory SQLite database needs no file system; this cannot fail in practice.
                    std::process::exit(1)
                });
                Self::with_store(&locked, store)
            }
        }
    }

    /// Builds the state over an opened database.
    pub fn with_store(config: &Config, store: store::Store) -> Self {
        // Computed now, so that even the first login of an unknown user costs what a known one does.
        let _ = auth::credentials::decoy_password_hash();
        let endpoint = match &config.docker_host {
            Some(host) => DockerEndpoint::Host(host.clone()),
            None => DockerEndpoint::FromEnvironment,
        };
        let policy = Policy {
            allow_privileged: config.allow_privileged,
            build_root: config.build_root.clone(),
            bind_roots: config.bind_roots.clone(),
            engine_sockets: Vec::new(),
            engine_data_roots: Vec::new(),
        };
        let leptos_options = LeptosOptions::builder()
            .output_name("berth")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .hash_files(assets::hash_file().is_some())
            .site_addr(std::net::SocketAddr::new(config.host, config.port))
            .build();
        Self {
            docker: DockerService::new(endpoint, policy)
                .with_docker_timeout(config.docker_timeout()),
            leptos_options,
            origins: Arc::new(security::OriginPolicy::new(&config.cors_origins)),
            hosts: Arc::new(security::HostPolicy::new(
                config.host,
                &config.allowed_hosts,
            )),
            auth: Arc::new(auth::Auth {
                store,
                mode: config.auth,
                access: auth::access::AccessTable::new(&rest::api_routes()),
                login_throttle: auth::limits::LoginThrottle::default(),
                rate_limiter: config.rate_limit.map(auth::limits::RateLimiter::new),
            }),
            metrics: Arc::new(metrics::HttpMetrics::default()),
            request_timeout: config.request_timeout(),
        }
    }
}

/// The console's routes, listed once per process. Leptos lists them by running the app with resource
/// loading suppressed through a process-wide flag: a page another router of this process renders
/// meanwhile would wait forever on a resource first polled inside that window.
fn console_routes() -> &'static Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App))
}

/// The whole application: REST under `/api`, `/health`, server functions under `/rpc`, and the console.
pub fn router(state: AppState) -> Router {
    let routes = console_routes().clone();
    let docker = state.docker.clone();
    let leptos_options = state.leptos_options.clone();
    let pkg = assets::pkg_router(
        std::path::Path::new(leptos_options.site_root.as_ref()),
        leptos_options.site_pkg_dir.as_ref(),
        leptos_options.hash_files,
    );
    let console = Router::new()
        .merge(rest::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(docker.clone()),
            move || app::shell(leptos_options.clone()),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        .fallback(fallback)
        .method_not_allowed_fallback(rest::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::check_host,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::audit,
        ))
        .layer(state.origins.cors_layer())
        .layer(axum::middleware::from_fn(security::preflight_no_content))
        .layer(DefaultBodyLimit::max(rest::envelope::JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn(
            rest::envelope::refuse_oversize_server_fn_bodies,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            timeouts::limit_request_time,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(logging::request_span)
                .on_request(())
                .on_response(logging::request_finished)
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track_requests,
        ))
        .with_state(state);
    pkg.merge(console)
}

/// Unknown API paths get a JSON 404; everything else goes to static files or the console's 404 page.
async fn fallback(
    method: Method,
    uri: Uri,
    State(state): State<AppState>,
    request: Request<Body>,
) -> Response {
    if rest::is_api_path(uri.path()) || uri.path().starts_with("/rpc/") {
        return rest::route_not_found(&method, &uri).into_response();
    }
    let serve = leptos_axum::file_and_error_handler::<AppState, _>(app::shell);
    serve(uri, State(state), request).await
}
