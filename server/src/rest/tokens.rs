//! `/api/tokens`: API tokens (admin only). Creation answers the secret once; it is stored hashed.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::json;

use super::ApiRoute;
use super::envelope::{ApiResult, JsonBody, created, list, ok};
use crate::AppState;
use crate::auth::access::Access;
use crate::auth::{credentials, grant};
use crate::store::Store;
use crate::store::tokens::{TokenGrant, TokenRecord};
use app::error::AppError;
use app::model::auth::Role;

/// The token routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(Method::GET, "/api/tokens", "List API tokens", get(list_tokens))
            .requires(Access::admin("tokens", "manage tokens")),
        ApiRoute::new(
            Method::POST,
            "/api/tokens",
            "Create an API token (body: {\"name\": \"ci\", \"role\": \"operator\", \"expires_in\": \"30d\", \
             \"labels\": {\"team\": \"web\"}, \"allow\": [\"logs\", \"restart\"]}); answers the secret once",
            post(create_token),
        )
        .requires(Access::admin("tokens", "manage tokens")),
        ApiRoute::new(
            Method::DELETE,
            "/api/tokens/{name}",
            "Revoke an API token (at once)",
            delete(revoke_token),
        )
        .requires(Access::admin("tokens", "manage tokens")),
    ]
}

/// The body of `POST /api/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    role: Role,
    #[serde(default)]
    expires_in: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    allow: Vec<String>,
}

/// Creates a token: checks the name, expiry, labels and verbs, stores the secret's hash, and returns
/// the record with the secret (shown once). Shared by the REST route and `berth token create`.
pub fn issue_token(
    store: &Store,
    name: &str,
    role: Role,
    expires_in: Option<&str>,
    labels: BTreeMap<String, String>,
    allow: &[String],
) -> Result<(TokenRecord, String), AppError> {
    grant::check_name("token", name)?;
    let expires_at = expires_in
        .map(grant::parse_expires_in)
        .transpose()?
        .map(|seconds| crate::store::now() + seconds);
    for (key, value) in &labels {
        grant::check_label(key, value)?;
    }
    let allow = grant::parse_allow(allow.iter().map(String::as_str))?;
    let secret = credentials::new_token_secret();
    let record = store.add_token(
        name,
        role,
        &credentials::sha256_hex(&secret),
        &TokenGrant {
            role: Some(role),
            expires_at,
            labels,
            allow,
        },
    )?;
    Ok((record, secret))
}

async fn list_tokens(State(state): State<AppState>) -> ApiResult {
    let tokens: Vec<_> = state
        .auth
        .store
        .list_tokens()?
        .iter()
        .map(TokenRecord::view)
        .collect();
    list("tokens", tokens)
}

async fn create_token(
    State(state): State<AppState>,
    JsonBody(token): JsonBody<NewToken>,
) -> ApiResult {
    let (record, secret) = issue_token(
        &state.auth.store,
        &token.name,
        token.role,
        token.expires_in.as_deref(),
        token.labels,
        &token.allow,
    )?;
    let mut view = serde_json::to_value(record.view()).unwrap_or_else(|_| json!({}));
    if let Some(object) = view.as_object_mut() {
        object.insert("secret".into(), json!(secret));
    }
    created("token", view)
}

async fn revoke_token(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult {
    ok("token", state.auth.store.revoke_token(&name)?.view())
}
