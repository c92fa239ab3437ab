//! Browser-facing protections: CORS for the configured origins, and refusal of state-changing
//! requests from foreign origins (so a web page cannot drive a local Berth with a form post).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::AppState;
use crate::rest::envelope::ApiError;
use app::error::AppError;

/// Which foreign origins may use the API from a browser.
#[derive(Debug, Clone, Default)]
pub struct OriginPolicy {
    any: bool,
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// From the `--cors-origins` list.
    pub fn new(origins: &[String]) -> Self {
        let cleaned: Vec<String> = origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect();
        Self {
            any: cleaned.iter().any(|o| o == "*"),
            allowed: cleaned.into_iter().filter(|o| o != "*").collect(),
        }
    }

    /// Whether `origin` is allowed, given the request's own `Host`.
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.trim_end_matches('/');
        if self.any || self.allowed.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            return true;
        }
        host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
        })
    }

    /// The CORS layer for the configured origins.
    pub fn cors_layer(&self) -> CorsLayer {
        let origin = if self.any {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(
                self.allowed
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok()),
            )
        };
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
    }
}

/// Answers CORS preflight requests with 204 No Content (the CORS layer answers them with 200).
pub async fn preflight_no_content(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = next.run(request).await;
    if preflight && response.status() == axum::http::StatusCode::OK {
        *response.status_mut() = axum::http::StatusCode::NO_CONTENT;
    }
    response
}

/// Refuses POST/PUT/PATCH/DELETE whose `Origin` is neither Berth's own nor allowed.
pub async fn guard_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let changes_state = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        if !state.origins.allows(origin, host) {
            return ApiError(AppError::Forbidden(format!(
                "Origin '{origin}' is not allowed to make changes on this server"
            )))
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::OriginPolicy;

    #[test]
    fn own_origin_is_always_allowed() {
        let policy = OriginPolicy::new(&[]);
        assert!(policy.allows("http://127.0.0.1:5000", Some("127.0.0.1:5000")));
        assert!(!policy.allows("http://evil.example", Some("127.0.0.1:5000")));
        assert!(!policy.allows("null", Some("127.0.0.1:5000")));
    }

    #[test]
    fn listed_and_wildcard_origins_are_allowed() {
        let policy = OriginPolicy::new(&["http://app.example/".into()]);
        assert!(policy.allows("http://app.example", None));
        assert!(!policy.allows("http://other.example", None));
        assert!(OriginPolicy::new(&["*".into()]).allows("http://any.example", None));
    }
}
