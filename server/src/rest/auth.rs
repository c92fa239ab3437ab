//! `/api/auth`: console login (a session cookie plus a CSRF token), logout, and who am I.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

use super::envelope::{ApiError, ApiResult, JsonBody};
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::access::Access;
use crate::auth::{Identity, SESSION_COOKIE, SESSION_LIFETIME_SECS, credentials, session_cookie};
use crate::store::audit::NewAuditEntry;
use app::error::AppError;
use app::model::auth::{AccessChange, Caller};

/// The one answer to a wrong user name or a wrong password.
pub const LOGIN_FAILED: &str = "Invalid username or password";

/// The authentication routes.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            Method::POST,
            "/api/auth/login",
            "Log in (body: {\"username\": \"ana\", \"password\": \"...\"}); sets the session cookie",
            post(login),
        )
        .json_body::<LoginRequest>()
        .answers_with(200, "result", openapi::login_result)
        .requires(Access::public("log in")),
        ApiRoute::new(
            Method::POST,
            "/api/auth/logout",
            "Log out (ends the session)",
            post(logout),
        )
        .answers::<AccessChange>("result")
        .requires(Access::viewer("me", "log out")),
        ApiRoute::new(
            Method::GET,
            "/api/auth/me",
            "Who the caller is: name, role and kind (user or token)",
            get(me),
        )
        .answers::<Caller>("user")
        .requires(Access::viewer("me", "ask who they are")),
    ]
}

/// The body of `POST /api/auth/login`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    /// The user's name.
    username: String,
    /// The user's password.
    password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Whether the request reached us over TLS (through a proxy that says so): then the cookie is `Secure`.
/// Berth itself serves plain HTTP, where a `Secure` cookie would not be sent back.
fn came_over_tls(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

fn session_cookie_header(value: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// `POST /api/auth/login`.
async fn login(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<JsonBody<LoginRequest>, ApiError>,
) -> ApiResult {
    let address = connect
        .map(|Extension(ConnectInfo(address))| address.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let store = state.auth.store.clone();
    let record = |user: Option<&str>, status: u16, auth: &str| {
        store.record_audit(&NewAuditEntry {
            user,
            auth,
            remote_addr: &address,
            method: "POST",
            path: "/api/auth/login",
            status,
        });
    };
    // Every login attempt is audited, one whose body is refused too (it names no user).
    let request = match body {
        Ok(JsonBody(request)) => request,
        Err(refused) => {
            record(None, refused.0.status_code(), "anonymous");
            return Err(refused);
        }
    };
    let audit = |status: u16, auth: &str| record(Some(&request.username), status, auth);
    if let Some(retry_after) = state.auth.login_throttle.retry_after(&address) {
        audit(429, "anonymous");
        return Ok(crate::auth::too_many_requests(
            format!("Too many failed logins from this address; retry in {retry_after} s"),
            retry_after,
        ));
    }
    let user = store.user_credentials(&request.username)?;
    let password = request.password.clone();
    let hash = user
        .as_ref()
        .map(|user| user.password_hash.clone())
        .unwrap_or_else(|| credentials::decoy_password_hash().to_string());
    let verified =
        tokio::task::spawn_blocking(move || credentials::verify_password(&password, &hash))
            .await
            .unwrap_or(false);
    let user = match user {
        Some(user) if verified => user,
        _ => {
            state.auth.login_throttle.record_failure(&address);
            audit(401, "anonymous");
            return Err(ApiError(AppError::Unauthorized(LOGIN_FAILED.into())));
        }
    };
    let session_id = credentials::new_random_id();
    let csrf_token = credentials::new_random_id();
    store.add_session(
        &credentials::sha256_hex(&session_id),
        &user.name,
        &csrf_token,
        SESSION_LIFETIME_SECS,
    )?;
    audit(200, "session");
    let body = json!({
        "success": true,
        "result": {"user": user.name, "role": user.role, "csrf_token": csrf_token},
    });
    let mut response = Json(body).into_response();
    if let Some(cookie) =
        session_cookie_header(&session_id, SESSION_LIFETIME_SECS, came_over_tls(&headers))
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /api/auth/logout`: ends the cookie's session (a token caller has nothing to end).
async fn logout(
    State(state): State<AppState>,
    identity: Option<Extension<Identity>>,
    headers: HeaderMap,
) -> ApiResult {
    if let Some(session_id) = session_cookie(&headers) {
        state
            .auth
            .store
            .remove_session(&credentials::sha256_hex(&session_id))?;
    }
    let result = AccessChange {
        message: "Logged out".into(),
        name: identity.map(|Extension(identity)| identity.caller.name),
        status: "logged_out".into(),
    };
    let mut response = Json(json!({"success": true, "result": result})).into_response();
    if let Some(cookie) = session_cookie_header("", 0, came_over_tls(&headers)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `GET /api/auth/me`.
async fn me(identity: Option<Extension<Identity>>) -> ApiResult {
    let Some(Extension(identity)) = identity else {
        return Err(ApiError(AppError::Unauthorized(
            "Authentication required".into(),
        )));
    };
    Ok(Json(json!({"success": true, "user": identity.caller})).into_response())
}
