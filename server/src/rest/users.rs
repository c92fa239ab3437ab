//! `/api/users`: console users (admin only).

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{delete, get, post};
use serde::Deserialize;

use super::ApiRoute;
use super::envelope::{ApiResult, JsonBody, created, list, ok};
use crate::AppState;
use crate::auth::access::Access;
use crate::auth::{credentials, grant};
use app::model::auth::{AccessChange, Role, UserRecord};

/// The user routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(Method::GET, "/api/users", "List users", get(list_users))
            .lists::<UserRecord>("users")
            .requires(Access::admin("users", "manage users")),
        ApiRoute::new(
            Method::POST,
            "/api/users",
            "Add a user (body: {\"name\": \"ana\", \"role\": \"operator\", \"password\": \"...\"})",
            post(add_user),
        )
        .json_body::<NewUser>()
        .creates::<UserRecord>("user")
        .requires(Access::admin("users", "manage users")),
        ApiRoute::new(
            Method::DELETE,
            "/api/users/{name}",
            "Remove a user (ends their sessions)",
            delete(remove_user),
        )
        .answers::<AccessChange>("result")
        .requires(Access::admin("users", "manage users")),
    ]
}

/// The body of `POST /api/users`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUser {
    /// The user's name (also `username`).
    #[serde(alias = "username")]
    name: String,
    /// What the user may do.
    role: Role,
    /// The password.
    password: String,
}

async fn list_users(State(state): State<AppState>) -> ApiResult {
    list("users", state.auth.store.list_users()?)
}

async fn add_user(State(state): State<AppState>, JsonBody(user): JsonBody<NewUser>) -> ApiResult {
    grant::check_name("user", &user.name)?;
    credentials::check_new_password(&user.password)?;
    let password = user.password;
    let hash = tokio::task::spawn_blocking(move || credentials::hash_password(&password))
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "password hashing task failed");
            app::error::AppError::Internal("Could not hash the password".into())
        })??;
    created(
        "user",
        state.auth.store.add_user(&user.name, user.role, &hash)?,
    )
}

async fn remove_user(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult {
    state.auth.store.remove_user(&name)?;
    ok(
        "result",
        AccessChange {
            message: format!("User '{name}' removed"),
            name: Some(name),
            status: "removed".into(),
        },
    )
}
