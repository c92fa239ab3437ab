//! `/api/audit`: the audit trail (admin only), newest first, as JSON or JSON lines.

use axum::extract::State;
use axum::http::{Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::ApiRoute;
use super::envelope::{ApiResult, QueryParams, list};
use crate::AppState;
use crate::auth::access::Access;
use crate::store::audit::{AuditFilter, Outcome};
use app::error::AppError;
use app::model::auth::AuditEntry;

/// Rows answered when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 10_000;

/// The audit routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/audit",
            "The audit trail, newest first (?limit=100&user=ana&outcome=allowed|denied|failed&format=jsonl)",
            get(audit_trail),
        )
        .query::<AuditQuery>()
        .lists::<AuditEntry>("audit")
        .or_answers("application/x-ndjson", "with format=jsonl: one entry per line")
        .requires(Access::admin("audit", "read the audit log")),
    ]
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    /// How many entries, newest first: 1 to 10000 (default 100).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
    /// Only this user's or token's entries.
    user: Option<String>,
    /// Only entries with this outcome.
    #[param(inline)]
    outcome: Option<Outcome>,
    /// `json` (default) or `jsonl` (one entry a line).
    format: Option<String>,
}

async fn audit_trail(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<AuditQuery>,
) -> ApiResult {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::bad_request(format!(
            "Invalid query parameter: limit must be between 1 and {MAX_LIMIT}"
        ))
        .into());
    }
    let jsonl = match query.format.as_deref() {
        None | Some("json") => false,
        Some("jsonl") => true,
        Some(other) => {
            return Err(AppError::bad_request(format!(
                "Invalid query parameter: format '{other}' (use json or jsonl)"
            ))
            .into());
        }
    };
    let entries = state.auth.store.audit_entries(&AuditFilter {
        limit,
        user: query.user.filter(|user| !user.is_empty()),
        outcome: query.outcome,
    })?;
    if !jsonl {
        return list("audit", entries);
    }
    let mut lines = String::new();
    for entry in &entries {
        if let Ok(line) = serde_json::to_string(entry) {
            lines.push_str(&line);
            lines.push('\n');
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], lines).into_response())
}
