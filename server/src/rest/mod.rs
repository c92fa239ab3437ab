//! The REST API of `docker-management-api.md`: one route table, from which both the router and
//! `GET /api/commands` are made.

pub mod audit;
pub mod auth;
pub mod containers;
pub mod docs;
pub mod envelope;
pub mod events;
pub mod exec;
pub mod images;
pub mod metrics;
pub mod networks;
pub mod openapi;
pub mod sse;
pub mod stats;
pub mod system;
pub mod tokens;
pub mod users;
pub mod volumes;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::AppState;
use crate::auth::access::Access;
use app::error::AppError;
use envelope::ApiError;

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
    /// What the OpenAPI document says about it (see the builders in [`openapi`]).
    pub doc: openapi::RouteDoc,
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
            doc: openapi::RouteDoc::default(),
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
    pub fn group(&self) -> &'static str {
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
    routes.extend(openapi::routes());
    routes.push(
        ApiRoute::new(
            Method::GET,
            "/api/commands",
            "List every available API endpoint",
            axum::routing::get(commands),
        )
        .requires(Access::viewer("list", "list the API's commands"))
        .answers_with(200, "commands", openapi::command_groups),
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

/// The route table grouped by resource (`"METHOD /path - description"`), and the number of routes,
/// encoded once as the start of the `/api/commands` body.
fn commands_prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for route in api_routes() {
            groups.entry(route.group()).or_default().push(format!(
                "{} {} - {}",
                route.method,
                route.shown_path(),
                route.description
            ));
        }
        let total: usize = groups.values().map(Vec::len).sum();
        let groups = serde_json::to_string(&groups).unwrap_or_else(|_| "{}".into());
        format!(r#"{{"success":true,"commands":{groups},"count":{total},"base_url":"#)
    })
}

/// `GET /api/commands`: the route table, grouped by resource (computed once; only `base_url`,
/// from the `Host` header, changes per request).
async fn commands(headers: HeaderMap) -> Response {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost:5000");
    let base_url = serde_json::Value::String(format!("http://{host}/api")).to_string();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        format!("{}{base_url}}}", commands_prefix()),
    )
        .into_response()
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
