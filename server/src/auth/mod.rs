//! Access control: who is calling (authentication), whether they may (authorisation, in ONE middleware
//! for both doors, REST `/api/*` and server functions `/rpc/*`), and the audit trail.
//!
//! Layers, outermost first: [`audit`] (records every state-changing request with its outcome),
//! the host check and origin guard (crate::security), [`authenticate`] (credentials, rate limit, CSRF,
//! 401 or a redirect to `/login`), then, after routing, [`authorize`] (the permission table, token
//! scopes and `--allow` verbs).

pub mod access;
pub mod credentials;
pub mod grant;
pub mod limits;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::RequestExt;
use axum::extract::{ConnectInfo, MatchedPath, RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::rest::envelope::ApiError;
use crate::store::Store;
use crate::store::audit::NewAuditEntry;
use access::{Access, AccessTable, RouteAccess};
use app::error::AppError;
use app::model::auth::{Caller, CallerKind, Role};
use limits::{LoginThrottle, RateLimiter};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "berth_session";
/// How long a console session lasts.
pub const SESSION_LIFETIME_SECS: i64 = 12 * 3600;
/// The header carrying the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The header carrying an API token, as the REST document spells it.
pub const API_KEY_HEADER: &str = "x-api-key";

/// `--auth`: when authentication is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AuthMode {
    /// On as soon as the database holds a user or a token.
    #[default]
    Auto,
    /// Always on (with no credentials configured, nothing but the public routes answers).
    Required,
    /// Off (needs `--insecure-no-auth`).
    Off,
}

/// How a request authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Authentication is off.
    Anonymous,
    /// The console's session cookie.
    Session {
        /// The session's CSRF token.
        csrf_token: String,
    },
    /// An API token.
    Token {
        /// Label scope (empty: none).
        labels: BTreeMap<String, String>,
        /// Allowed verbs (empty: the role's all).
        allow: Vec<String>,
    },
}

/// The caller of a request, as the middleware established it (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Name, role and kind.
    pub caller: Caller,
    /// How it authenticated.
    pub credential: Credential,
}

impl Identity {
    /// The caller when authentication is off: anonymous, with every right.
    pub fn anonymous() -> Self {
        Self {
            caller: Caller {
                name: "anonymous".into(),
                role: Role::Admin,
                kind: CallerKind::Anonymous,
            },
            credential: Credential::Anonymous,
        }
    }

    /// The name the audit trail records (none when anonymous).
    pub fn audit_user(&self) -> Option<&str> {
        match self.credential {
            Credential::Anonymous => None,
            _ => Some(&self.caller.name),
        }
    }

    /// `token:<name>`, `session` or `anonymous`.
    pub fn audit_auth(&self) -> String {
        match self.credential {
            Credential::Anonymous => "anonymous".into(),
            Credential::Session { .. } => "session".into(),
            Credential::Token { .. } => format!("token:{}", self.caller.name),
        }
    }

    /// The label scope of a scoped token.
    pub fn label_scope(&self) -> Option<&BTreeMap<String, String>> {
        match &self.credential {
            Credential::Token { labels, .. } if !labels.is_empty() => Some(labels),
            _ => None,
        }
    }

    /// The `--allow` verbs of a narrowed token (empty otherwise).
    pub fn allowed_verbs(&self) -> &[String] {
        match &self.credential {
            Credential::Token { allow, .. } => allow,
            _ => &[],
        }
    }

    /// Whether the token is narrowed by labels or verbs.
    pub fn is_scoped(&self) -> bool {
        self.label_scope().is_some() || !self.allowed_verbs().is_empty()
    }

    /// The key `--rate-limit` counts under.
    fn rate_key(&self, address: &str) -> String {
        match self.credential {
            Credential::Anonymous => format!("address:{address}"),
            Credential::Session { .. } => format!("user:{}", self.caller.name),
            Credential::Token { .. } => format!("token:{}", self.caller.name),
        }
    }
}

/// Authentication settings and in-memory limits (part of the application state).
#[derive(Debug)]
pub struct Auth {
    /// The database.
    pub store: Store,
    /// `--auth`.
    pub mode: AuthMode,
    /// The REST permission table.
    pub access: AccessTable,
    /// Failed logins per address.
    pub login_throttle: LoginThrottle,
    /// `--rate-limit`.
    pub rate_limiter: Option<RateLimiter>,
}

impl Auth {
    /// Whether requests need credentials now (read from the database on every request, so a user or
    /// token created by the CLI while Berth runs turns authentication on at once).
    pub fn enabled(&self) -> Result<bool, AppError> {
        match self.mode {
            AuthMode::Required => Ok(true),
            AuthMode::Off => Ok(false),
            AuthMode::Auto => self.store.has_credentials(),
        }
    }
}

/// The client's address (the peer's IP), or `unknown` when the server was not started with connect
/// info.
pub fn remote_addr(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Paths that need no credentials: health, static assets, the login page and the login route.
pub fn is_public_path(path: &str) -> bool {
    path == "/health"
        || path.starts_with("/health/")
        || path.starts_with("/pkg/")
        || path == "/favicon.ico"
        || path == "/login"
        || path == "/api/auth/login"
}

/// Paths answered with JSON (a 401 envelope) rather than a redirect to the login page.
fn is_api_like(path: &str) -> bool {
    crate::rest::is_api_path(path)
        || path == "/rpc"
        || path.starts_with("/rpc/")
        || path == "/metrics"
        || path.starts_with("/metrics/")
}

/// Whether a request changes state (and is therefore audited): POST/PUT/PATCH/DELETE, except the
/// server functions that are reads.
pub fn changes_state(method: &Method, path: &str) -> bool {
    // an interactive exec session is opened with a GET (the WebSocket handshake) and is audited too
    if path.starts_with("/api/containers/") && path.ends_with("/exec/ws") {
        return true;
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    match path.strip_prefix("/rpc/") {
        Some(endpoint) => AccessTable::rpc(endpoint).role != Some(Role::Viewer),
        None => true,
    }
}

fn header_text(headers: &HeaderMap, name: impl axum::http::header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The session id of the request's cookie, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

/// The token of `Authorization: Bearer` or `X-API-Key`, if any.
fn presented_token(headers: &HeaderMap) -> Option<Result<String, AppError>> {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let text = authorization.to_str().unwrap_or_default().trim();
        let token = text
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_string())
            .filter(|token| !token.is_empty());
        return Some(token.ok_or_else(|| {
            AppError::Unauthorized(
                "Unsupported Authorization header: send 'Authorization: Bearer <token>'".into(),
            )
        }));
    }
    header_text(headers, API_KEY_HEADER).map(|token| Ok(token.trim().to_string()))
}

const INVALID_TOKEN: &str = "Invalid, expired or revoked token";
const INVALID_SESSION: &str = "Session expired or invalid; log in again";
const NO_CREDENTIALS: &str = "Authentication required: send 'Authorization: Bearer <token>' or \
'X-API-Key: <token>', or log in at POST /api/auth/login";

/// Identifies the caller from the request's credentials: `Ok(None)` when none were presented, an error
/// for credentials that do not work (unknown, expired, revoked).
fn identify(store: &Store, headers: &HeaderMap) -> Result<Option<Identity>, AppError> {
    if let Some(token) = presented_token(headers) {
        let token = token?;
        let record = store.token_by_secret_hash(&credentials::sha256_hex(&token))?;
        return match record {
            Some(record) if record.is_active(crate::store::now()) => Ok(Some(Identity {
                caller: Caller {
                    name: record.name,
                    role: record.role,
                    kind: CallerKind::Token,
                },
                credential: Credential::Token {
                    labels: record.labels,
                    allow: record.allow,
                },
            })),
            _ => Err(AppError::Unauthorized(INVALID_TOKEN.into())),
        };
    }
    let Some(session_id) = session_cookie(headers) else {
        return Ok(None);
    };
    match store.session(&credentials::sha256_hex(&session_id))? {
        Some(session) => Ok(Some(Identity {
            caller: Caller {
                name: session.user,
                role: session.role,
                kind: CallerKind::User,
            },
            credential: Credential::Session {
                csrf_token: session.csrf_token,
            },
        })),
        None => Err(AppError::Unauthorized(INVALID_SESSION.into())),
    }
}

/// A response with `Retry-After`.
pub fn too_many_requests(message: String, retry_after: u64) -> Response {
    let mut response = ApiError(AppError::TooManyRequests(message)).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn unauthorized(error: AppError, path: &str, method: &Method) -> Response {
    let console_page = !is_api_like(path) && matches!(*method, Method::GET | Method::HEAD);
    if console_page {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
    }
    let mut response = ApiError(error).into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Authentication: establishes the [`Identity`], applies `--rate-limit`, refuses missing or bad
/// credentials (401, or 303 to `/login` for console pages) and cookie-authenticated state changes
/// without the session's `X-CSRF-Token` (403).
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let address = remote_addr(&request);
    let auth = &state.auth;
    let enabled = match auth.enabled() {
        Ok(enabled) => enabled,
        Err(err) => return ApiError(err).into_response(),
    };
    let identified = if enabled {
        identify(&auth.store, request.headers())
    } else {
        Ok(Some(Identity::anonymous()))
    };
    if let Some(limiter) = &auth.rate_limiter {
        let key = match &identified {
            Ok(Some(identity)) => identity.rate_key(&address),
            _ => format!("address:{address}"),
        };
        if let Err(retry_after) = limiter.check(&key) {
            return too_many_requests(
                format!("Rate limit exceeded; retry in {retry_after} s"),
                retry_after,
            );
        }
    }
    let identity = match identified {
        Ok(Some(identity)) => identity,
        _ if is_public_path(&path) => return next.run(request).await,
        Ok(None) => {
            return unauthorized(
                AppError::Unauthorized(NO_CREDENTIALS.into()),
                &path,
                &method,
            );
        }
        Err(err) => return unauthorized(err, &path, &method),
    };
    if let Credential::Session { csrf_token } = &identity.credential {
        // Reads (server-function reads are POSTs) need no CSRF token, nor does signing in (it does not act
        // for the session). Leaving does, as every other change (a forged request must not end a session).
        let exempt = !changes_state(&method, &path) || path == "/api/auth/login";
        let presented = header_text(request.headers(), CSRF_HEADER).unwrap_or_default();
        if !exempt && !credentials::constant_time_eq(presented, csrf_token) {
            if let Some(slot) = request.extensions().get::<AuditSlot>() {
                slot.set(&identity);
            }
            return ApiError(AppError::Forbidden(
                "Missing or wrong X-CSRF-Token header for a session-authenticated change".into(),
            ))
            .into_response();
        }
    }
    if let Some(slot) = request.extensions().get::<AuditSlot>() {
        slot.set(&identity);
    }
    // For the console (server-side rendering and server functions): who calls.
    request.extensions_mut().insert(identity.caller.clone());
    request.extensions_mut().insert(identity);
    next.run(request).await
}

fn forbidden(message: String) -> Response {
    ApiError(AppError::Forbidden(message)).into_response()
}

/// Authorisation, after routing, for every route of both doors: the permission table (roles),
/// a token's `--allow` verbs and its label scope. The one place access is decided.
pub async fn authorize(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(matched) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        return forbidden("This route is not in the permission table".into());
    };
    let path = request.uri().path().to_string();
    let is_rpc = matched.starts_with("/rpc/");
    let is_rest = is_api_like(&matched) && !is_rpc;
    let access: Access = if let Some(endpoint) = matched.strip_prefix("/rpc/") {
        AccessTable::rpc(endpoint)
    } else if is_rest {
        match state.auth.access.rest(request.method(), &matched, &path) {
            RouteAccess::Known(access) => access,
            RouteAccess::OtherMethodOnly => return next.run(request).await,
        }
    } else if is_public_path(&path) {
        // The sign-in page is for callers without credentials (it would otherwise redirect to itself).
        return next.run(request).await;
    } else {
        access::CONSOLE_PAGE
    };
    if access.role.is_none() {
        return next.run(request).await;
    }
    let Some(identity) = request.extensions().get::<Identity>().cloned() else {
        return unauthorized(
            AppError::Unauthorized(NO_CREDENTIALS.into()),
            &path,
            request.method(),
        );
    };
    let caller = &identity.caller;
    if !access.permits_role(caller.role) {
        return forbidden(format!("Role '{}' may not {}", caller.role, access.action));
    }
    if identity.is_scoped() && !is_rest {
        return forbidden(format!(
            "Token '{}' is scoped to labels or verbs and may only use the REST API",
            caller.name
        ));
    }
    if !access.permits_verbs(identity.allowed_verbs()) {
        return forbidden(format!(
            "Token '{}' may not {} (it is allowed: {})",
            caller.name,
            access.action,
            identity.allowed_verbs().join(", ")
        ));
    }
    if let Some(labels) = identity.label_scope() {
        const CONTAINER_ROUTE: &str = "/api/containers/{id}";
        let names_container =
            matched == CONTAINER_ROUTE || matched.starts_with(&format!("{CONTAINER_ROUTE}/"));
        if names_container {
            let id = match request.extract_parts::<RawPathParams>().await {
                Ok(params) => params
                    .iter()
                    .find(|(key, _)| *key == "id")
                    .map(|(_, value)| value.to_string())
                    .unwrap_or_default(),
                Err(_) => String::new(),
            };
            if let Err(err) = state.docker.ensure_container_labelled(&id, labels).await {
                return ApiError(err).into_response();
            }
        } else if !matches!(
            matched.as_str(),
            // the fleet stats and the events stream narrow themselves to the scope's containers
            "/api/containers"
                | "/api/stats"
                | "/api/events"
                | "/api/auth/me"
                | "/api/auth/logout"
                | "/api/commands"
        ) {
            let scope: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            return forbidden(format!(
                "Token '{}' is limited to containers labelled {}",
                caller.name,
                scope.join(",")
            ));
        }
    }
    next.run(request).await
}

/// Where [`authenticate`] leaves the caller for [`audit`] to record.
#[derive(Debug, Clone, Default)]
pub struct AuditSlot(Arc<Mutex<Option<Identity>>>);

impl AuditSlot {
    fn set(&self, identity: &Identity) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(identity.clone());
    }

    fn take(&self) -> Option<Identity> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Records every state-changing request (allowed, refused or failed) in the audit trail. Logins are
/// recorded by the login route itself, with the name that was tried.
pub async fn audit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    if !changes_state(&method, &path) || path == "/api/auth/login" {
        return next.run(request).await;
    }
    let address = remote_addr(&request);
    let (request, path) = name_the_rpc_object(request, path).await;
    let mut request = request;
    let slot = AuditSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let identity = slot.take();
    let auth = identity
        .as_ref()
        .map(Identity::audit_auth)
        .unwrap_or_else(|| "anonymous".into());
    state.auth.store.record_audit(&NewAuditEntry {
        user: identity.as_ref().and_then(Identity::audit_user),
        auth: &auth,
        remote_addr: &address,
        method: method.as_str(),
        path: &path,
        status: response.status().as_u16(),
    });
    response
}

/// The largest server-function body read to name its object in the audit trail.
const RPC_AUDIT_BODY_LIMIT: usize = 64 * 1024;

/// A server-function call (`/rpc/...`) names its object in its form body, not its path: the audit trail
/// records `/rpc/containers/stop?id=web`. Only the identifying fields (`id`, `name`) are copied, never other
/// arguments; a body that is not a small form is left alone (and the path kept as it is).
async fn name_the_rpc_object(request: Request, path: String) -> (Request, String) {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let small = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|length| length <= RPC_AUDIT_BODY_LIMIT);
    if !path.starts_with("/rpc/") || !is_form || !small {
        return (request, path);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, RPC_AUDIT_BODY_LIMIT).await else {
        return (Request::from_parts(parts, axum::body::Body::empty()), path);
    };
    let named: Vec<String> = form_urlencoded::parse(&bytes)
        .filter(|(key, _)| key == "id" || key == "name")
        .map(|(key, value)| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair(&key, &value)
                .finish()
        })
        .collect();
    let described = if named.is_empty() {
        path
    } else {
        format!("{path}?{}", named.join("&"))
    };
    (
        Request::from_parts(parts, axum::body::Body::from(bytes)),
        described,
    )
}

/// Records an exec session in the audit trail (for the exec WebSocket): `path` names the container,
/// e.g. `/api/containers/web/exec`; `status` is 101 for a session that started, or the refusal's.
pub fn record_exec_session(
    state: &AppState,
    identity: Option<&Identity>,
    remote_addr: &str,
    path: &str,
    status: u16,
) {
    let auth = identity
        .map(Identity::audit_auth)
        .unwrap_or_else(|| "anonymous".into());
    state.auth.store.record_audit(&NewAuditEntry {
        user: identity.and_then(Identity::audit_user),
        auth: &auth,
        remote_addr,
        method: "EXEC",
        path,
        status,
    });
}
