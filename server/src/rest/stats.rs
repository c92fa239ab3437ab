//! `GET /api/stats`: one sample of every running container.

use axum::Extension;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;

use super::ApiRoute;
use super::envelope::{ApiResult, list};
use crate::AppState;
use crate::auth::Identity;
use crate::auth::access::Access;
use app::model::containers::ContainerStats;

/// The fleet stats routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/stats",
            "One sample of every running container's resource usage, taken concurrently",
            get(fleet_stats),
        )
        .lists::<ContainerStats>("stats")
        .requires(Access::viewer("stats", "read container stats")),
    ]
}

/// A label-scoped token sees only the running containers carrying all its labels.
async fn fleet_stats(
    State(state): State<AppState>,
    identity: Option<Extension<Identity>>,
) -> ApiResult {
    let stats = match identity.as_ref().and_then(|Extension(id)| id.label_scope()) {
        Some(labels) => state.docker.labelled_fleet_stats(labels).await?,
        None => state.docker.fleet_stats().await?,
    };
    list("stats", stats)
}
