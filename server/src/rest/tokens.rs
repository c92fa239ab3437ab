//! `/api/tokens`: API tokens (admin only). Creation answers the secret once; it is stored hashed.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::json;

use super::envelope::{ApiResult, JsonBody, created, list, ok};
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::access::Access;
use crate::auth::{credentials, grant};
use crate::store::Store;
use crate::store::tokens::{TokenGrant, TokenRecord};
use app::error::AppError;
use app::model::auth::{AccessChange, Role, TokenView};

/// The token routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(Method::GET, "/api/tokens", "List API tokens", get(list_tokens))
            .lists::<TokenView>("tokens")
            .requires(Access::admin("tokens", "manage tokens")),
        ApiRoute::new(
            Method::POST,
            "/api/tokens",
            "Create an API token (body: {\"name\": \"ci\", \"role\": \"operator\", \"expires_in\": \"30d\", \
             \"labels\": {\"team\": \"web\"}, \"allow\": [\"logs\", \"restart\"]}); answers the secret once",
            post(create_token),
        )
        .json_body::<NewToken>()
        .answers_with(201, "token", openapi::new_token)
        .requires(Access::admin("tokens", "manage tokens")),
        ApiRoute::new(
            Method::DELETE,
            "/api/tokens/{name}",
            "Revoke an API token (at once)",
            delete(revoke_token),
        )
        .answers::<AccessChange>("result")
        .requires(Access::admin("tokens", "manage tokens")),
    ]
}

/// The body of `POST /api/tokens`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewToken {
    /// The token's name.
    name: String,
    /// What the token may do.
    role: Role,
    /// Lifetime: a number with `s`, `m`, `h` or `d` (e.g. `30d`); absent: never expires.
    #[serde(default)]
    expires_in: Option<String>,
    /// Label scope: `{"team": "web"}` or `["team=web"]`.
    #[serde(default)]
    labels: Option<serde_json::Value>,
    /// Verbs the token is narrowed to (`logs`, `restart`, `exec`, ...).
    #[serde(default)]
    allow: Vec<String>,
}

/// Reads a label scope given as an object or as a list of `KEY=VALUE` strings.
fn scope_labels(value: Option<serde_json::Value>) -> Result<BTreeMap<String, String>, AppError> {
    let bad =
        || AppError::bad_request("labels must be an object of strings or a list of \"KEY=VALUE\"");
    match value {
        None | Some(serde_json::Value::Null) => Ok(BTreeMap::new()),
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(value) => Ok((key, value)),
                _ => Err(bad()),
            })
            .collect(),
        Some(serde_json::Value::Array(items)) => {
            let items: Vec<String> = items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(text) => Ok(text),
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?;
            grant::parse_labels(items.iter().map(String::as_str))
        }
        Some(_) => Err(bad()),
    }
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
        scope_labels(token.labels)?,
        &token.allow,
    )?;
    let mut view = serde_json::to_value(record.view()).unwrap_or_else(|_| json!({}));
    if let Some(object) = view.as_object_mut() {
        object.insert("secret".into(), json!(secret));
    }
    created("token", view)
}

async fn revoke_token(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult {
    let revoked = state.auth.store.revoke_token(&name)?;
    ok(
        "result",
        AccessChange {
            message: format!("Token '{}' revoked", revoked.name),
            name: Some(revoked.name),
            status: "revoked".into(),
        },
    )
}
