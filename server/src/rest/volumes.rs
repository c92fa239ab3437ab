//! `/api/volumes` routes.

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{delete, get, post};
use serde::Deserialize;

use super::ApiRoute;
use super::envelope::{
    ApiResult, ForceQuery, JsonBody, NoOptions, QueryParams, created, list, ok, query_bool,
};
use crate::AppState;
use crate::auth::access::Access;
use app::model::volumes::{
    CreateVolumeRequest, PruneVolumesResult, VolumeDetails, VolumeResult, VolumeStats,
    VolumeSummary,
};

/// The volume routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/volumes",
            "List volumes",
            get(list_volumes),
        )
        .lists::<VolumeSummary>("volumes")
        .requires(Access::viewer("list", "list volumes")),
        ApiRoute::new(
            Method::POST,
            "/api/volumes",
            "Create a volume (body: {\"name\", \"driver\", \"labels\", \"options\"})",
            post(create_volume),
        )
        .optional_json_body::<CreateVolumeRequest>()
        .creates::<VolumeResult>("result")
        .requires(Access::admin("create", "create volumes")),
        ApiRoute::new(
            Method::GET,
            "/api/volumes/stats",
            "Volume sizes, users and totals",
            get(volume_stats),
        )
        .answers::<VolumeStats>("stats")
        .requires(Access::viewer("stats", "read volume statistics")),
        ApiRoute::new(
            Method::POST,
            "/api/volumes/prune",
            "Remove unused volumes (?label=key[=value] limits it, ?all=true on API 1.42+ includes named ones)",
            post(prune_volumes),
        )
        .query::<PruneQuery>()
        .optional_json_body::<NoOptions>()
        .answers::<PruneVolumesResult>("result")
        .requires(Access::admin("prune", "prune volumes")),
        ApiRoute::new(
            Method::GET,
            "/api/volumes/{name}",
            "Get volume details and the containers using it",
            get(volume_details),
        )
        .answers::<VolumeDetails>("volume")
        .requires(Access::viewer("details", "read volume details")),
        ApiRoute::new(
            Method::DELETE,
            "/api/volumes/{name}/remove",
            "Remove a volume (?force=true)",
            delete(remove_volume),
        )
        .query::<ForceQuery>()
        .answers::<VolumeResult>("result")
        .requires(Access::admin("remove", "remove volumes")),
    ]
}

async fn list_volumes(State(state): State<AppState>) -> ApiResult {
    list("volumes", state.docker.list_volumes().await?)
}

async fn create_volume(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CreateVolumeRequest>,
) -> ApiResult {
    created("result", state.docker.create_volume(request).await?)
}

async fn volume_details(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult {
    ok("volume", state.docker.volume_details(&name).await?)
}

async fn remove_volume(
    State(state): State<AppState>,
    Path(name): Path<String>,
    QueryParams(query): QueryParams<ForceQuery>,
) -> ApiResult {
    ok(
        "result",
        state.docker.remove_volume(&name, query.force()).await?,
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PruneQuery {
    /// Also remove unused named volumes (API 1.42+); absent: the engine's default.
    #[serde(default, deserialize_with = "query_bool")]
    all: Option<bool>,
    /// Only volumes with this label: `key` or `key=value`.
    label: Option<String>,
}

async fn prune_volumes(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PruneQuery>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok(
        "result",
        state
            .docker
            .prune_volumes(query.all.unwrap_or(false), query.label.as_deref())
            .await?,
    )
}

async fn volume_stats(State(state): State<AppState>) -> ApiResult {
    ok("stats", state.docker.volume_stats().await?)
}
