//! `/api/networks` routes.

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{delete, get, post};
use serde::Deserialize;

use super::ApiRoute;
use super::envelope::{ApiResult, JsonBody, NoOptions, QueryParams, created, list, ok};
use crate::AppState;
use crate::auth::access::Access;
use app::model::networks::{
    ConnectRequest, CreateNetworkRequest, DisconnectRequest, NetworkDetails, NetworkResult,
    NetworkStats, NetworkSummary, PruneNetworksResult,
};

/// The network routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/networks",
            "List networks",
            get(list_networks),
        )
        .lists::<NetworkSummary>("networks")
        .requires(Access::viewer("list", "list networks")),
        ApiRoute::new(
            Method::POST,
            "/api/networks",
            "Create a network (body: {\"name\", \"driver\", \"internal\", \"attachable\", \"labels\", \"options\", \"enable_ipv6\", \"ipam\"})",
            post(create_network),
        )
        .json_body::<CreateNetworkRequest>()
        .creates::<NetworkResult>("result")
        .requires(Access::admin("create", "create networks")),
        ApiRoute::new(
            Method::GET,
            "/api/networks/stats",
            "Network counts by driver and scope, and containers per network",
            get(network_stats),
        )
        .answers::<NetworkStats>("stats")
        .requires(Access::viewer("stats", "read network statistics")),
        ApiRoute::new(
            Method::POST,
            "/api/networks/prune",
            "Remove unused networks (?label=key[=value] limits it)",
            post(prune_networks),
        )
        .query::<PruneQuery>()
        .optional_json_body::<NoOptions>()
        .answers::<PruneNetworksResult>("result")
        .requires(Access::admin("prune", "prune networks")),
        ApiRoute::new(
            Method::GET,
            "/api/networks/{id}",
            "Get network details and connected containers",
            get(network_details),
        )
        .answers::<NetworkDetails>("network")
        .requires(Access::viewer("details", "read network details")),
        ApiRoute::new(
            Method::DELETE,
            "/api/networks/{id}/remove",
            "Remove a network",
            delete(remove_network),
        )
        .answers::<NetworkResult>("result")
        .requires(Access::admin("remove", "remove networks")),
        ApiRoute::new(
            Method::POST,
            "/api/networks/{id}/connect",
            "Connect a container (body: {\"container\", \"aliases\", \"ipv4_address\", \"ipv6_address\"})",
            post(connect_network),
        )
        .json_body::<ConnectRequest>()
        .answers::<NetworkResult>("result")
        .requires(Access::admin("connect", "connect containers to networks")),
        ApiRoute::new(
            Method::POST,
            "/api/networks/{id}/disconnect",
            "Disconnect a container (body: {\"container\", \"force\"})",
            post(disconnect_network),
        )
        .json_body::<DisconnectRequest>()
        .answers::<NetworkResult>("result")
        .requires(Access::admin("disconnect", "disconnect containers from networks")),
    ]
}

async fn list_networks(State(state): State<AppState>) -> ApiResult {
    list("networks", state.docker.list_networks().await?)
}

async fn create_network(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CreateNetworkRequest>,
) -> ApiResult {
    created("result", state.docker.create_network(request).await?)
}

async fn network_details(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok("network", state.docker.network_details(&id).await?)
}

async fn remove_network(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok("result", state.docker.remove_network(&id).await?)
}

async fn connect_network(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ConnectRequest>,
) -> ApiResult {
    ok("result", state.docker.connect_network(&id, request).await?)
}

async fn disconnect_network(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DisconnectRequest>,
) -> ApiResult {
    ok(
        "result",
        state.docker.disconnect_network(&id, request).await?,
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PruneQuery {
    /// Only networks with this label: `key` or `key=value`.
    label: Option<String>,
}

async fn prune_networks(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PruneQuery>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok(
        "result",
        state.docker.prune_networks(query.label.as_deref()).await?,
    )
}

async fn network_stats(State(state): State<AppState>) -> ApiResult {
    ok("stats", state.docker.network_stats().await?)
}
