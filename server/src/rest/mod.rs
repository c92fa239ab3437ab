//! The REST API of `docker-management-api.md`: one route table, from which both the router and
//! `GET /api/commands` are made.

pub mod audit;
pub mod auth;
pub mod containers;
pub mod envelope;
pub mod events;
pub mod exec;
pub mod images;
pub mod metrics;
pub mod networks;
pub mod sse;
pub mod stats;
pub mod system;
pub mod tokens;
pub mod users;
pub mod volumes;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::IntoResponse;
use axum::routing::MethodRouter;

use crate::AppState;
use crate::auth::access::Access;
use app::error::AppError;
use envelope::{ApiError, ApiResult};

/// One REST route: what it is for, who may call it, and the handler that serves it.
pub struct ApiRoute {
    /// HTTP method.
    pub method: Method,
    /// axum path, e.g. `/api/containers/{id}/start`.
    pub path: &'static str,
    /// One line for `/api/commands`.
    pub description: &'static str,
    /// The handler.
    pub handler: MethodRouter<AppState>,
    /// The path shown in `/api/commands` when it differs from the axum path (e.g. a wildcard route
    /// serving several documented paths).
    pub display: Option<&'static str>,
    /// Who may call it (see [`ApiRoute::requires`]); admin only unless stated (default deny).
    pub access: Access,
}

impl ApiRoute {
    /// Makes a route.
    pub fn new(
        method: Method,
        path: &'static str,
        description: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            description,
            handler,
            display: None,
            access: Access::DEFAULT_DENY,
        }
    }

    /// States who may call the route. A route that does not is admin-only.
    pub fn requires(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// Shows the route as `path` in `/api/commands` (the axum path stays the routing path).
    pub fn displayed_as(mut self, path: &'static str) -> Self {
        self.display = Some(path);
        self
    }

    /// The path shown in `/api/commands`.
    pub fn shown_path(&self) -> &'static str {
        self.display.unwrap_or(self.path)
    }

    /// The resource group the route belongs to in `/api/commands`.
    fn group(&self) -> &'static str {
        self.shown_path()
            .strip_prefix("/api/")
            .and_then(|rest| rest.split('/').next())
            .filter(|group| !group.is_empty() && *group != "commands")
            .unwrap_or("utility")
    }
}

/// Every REST route, in the order `/api/commands` lists them.
pub fn api_routes() -> Vec<ApiRoute> {
    let mut routes = containers::routes();
    routes.extend(exec::routes());
    routes.extend(stats::routes());
    routes.extend(events::routes());
    routes.extend(images::routes());
    routes.extend(volumes::routes());
    routes.extend(networks::routes());
    routes.extend(system::routes());
    routes.extend(auth::routes());
    routes.extend(users::routes());
    routes.extend(tokens::routes());
    routes.extend(audit::routes());
    routes.extend(metrics::routes());
    routes.push(
        ApiRoute::new(
            Method::GET,
            "/api/commands",
            "List every available API endpoint",
            axum::routing::get(commands),
        )
        .requires(Access::viewer("list", "list the API's commands")),
    );
    routes
}

/// The router for all REST routes.
pub fn router() -> Router<AppState> {
    api_routes()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
}

/// `GET /api/commands`: the route table, grouped by resource.
async fn commands(headers: HeaderMap) -> ApiResult {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for route in api_routes() {
        groups.entry(route.group()).or_default().push(format!(
            "{} {} - {}",
            route.method,
            route.shown_path(),
            route.description
        ));
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost:5000");
    let total: usize = groups.values().map(Vec::len).sum();
    let body = serde_json::json!({
        "success": true,
        "commands": groups,
        "count": total,
        "base_url": format!("http://{host}/api"),
    });
    Ok(axum::Json(body).into_response())
}

/// Whether a path belongs to the JSON API (answered with the envelope, never HTML).
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/health" || path.starts_with("/health/")
}

/// JSON 404 for unknown API routes.
pub fn route_not_found(method: &Method, uri: &Uri) -> ApiError {
    ApiError(AppError::NotFound(format!(
        "Route '{method} {}' not found; see GET /api/commands",
        uri.path()
    )))
}

/// JSON 405 for a known path with the wrong method.
pub async fn method_not_allowed(method: Method, uri: Uri, State(_): State<AppState>) -> ApiError {
    ApiError(AppError::MethodNotAllowed(format!(
        "Method {method} is not allowed on '{}'",
        uri.path()
    )))
}
