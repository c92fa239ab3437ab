//! Browser-facing protections: the `Host` check against DNS rebinding, CORS for the configured
//! origins, and refusal of state-changing requests from foreign origins (so a web page cannot drive a
//! local Berth with a form post).

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
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

    /// Whether `origin` is allowed, given the request's own `Host` when it is one Berth trusts as its
    /// own name (see [`HostPolicy::is_own_host`]).
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
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::ACCEPT,
                HeaderName::from_static(crate::auth::API_KEY_HEADER),
                HeaderName::from_static(crate::auth::CSRF_HEADER),
            ])
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

/// Which `Host` names Berth answers to: while bound to a loopback address only `localhost`,
/// `127.0.0.1`, `[::1]` (any port) and `--allowed-hosts`, so that a DNS-rebinding page (whose name
/// resolves to 127.0.0.1) is refused.
#[derive(Debug, Clone, Default)]
pub struct HostPolicy {
    loopback_bind: bool,
    allowed: Vec<String>,
}

/// The host names of the loopback interface.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Splits `name:port`, `[v6]:port`, `[v6]` or `name` into the lower-cased name and the port.
fn split_host(host: &str) -> (String, Option<&str>) {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[')
        && let Some((name, after)) = rest.split_once(']')
    {
        return (name.to_ascii_lowercase(), after.strip_prefix(':'));
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => (name.to_ascii_lowercase(), Some(port)),
        _ => (host.to_ascii_lowercase(), None),
    }
}

impl HostPolicy {
    /// From the bind address and `--allowed-hosts` (`name` or `name:port` entries).
    pub fn new(bind: IpAddr, allowed_hosts: &[String]) -> Self {
        Self {
            loopback_bind: bind.is_loopback(),
            allowed: allowed_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    /// Whether `host` is a loopback name (any port) or an `--allowed-hosts` entry: an entry `name`
    /// matches the name on any port, an entry `name:port` that name on that port only.
    fn is_listed(&self, host: &str) -> bool {
        let (name, port) = split_host(host);
        LOOPBACK_NAMES.contains(&name.as_str())
            || self.allowed.iter().any(|allowed| {
                let (allowed_name, allowed_port) = split_host(allowed);
                allowed_name == name && allowed_port.is_none_or(|wanted| Some(wanted) == port)
            })
    }

    /// Whether a request with this `Host` is served (always, when not bound to loopback).
    pub fn accepts(&self, host: Option<&str>) -> bool {
        !self.loopback_bind || host.is_some_and(|host| self.is_listed(host))
    }

    /// Whether `host` may stand for Berth's own origin: a listed name, or, when bound to a public
    /// address, an IP literal (a DNS name must be in `--allowed-hosts`, so a rebinding name is not
    /// trusted merely because it is in the `Host` header).
    pub fn is_own_host(&self, host: &str) -> bool {
        self.is_listed(host)
            || (!self.loopback_bind && split_host(host).0.parse::<IpAddr>().is_ok())
    }
}

fn request_host(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
}

/// Refuses (403) requests whose `Host` Berth does not answer to while bound to loopback.
pub async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request_host(&request);
    if !state.hosts.accepts(host) {
        let shown = host.unwrap_or("");
        return ApiError(AppError::Forbidden(format!(
            "Host '{shown}' is not allowed; add it to --allowed-hosts to serve it"
        )))
        .into_response();
    }
    next.run(request).await
}

/// Refuses POST/PUT/PATCH/DELETE, and WebSocket upgrades (which carry cookies and are not subject to
/// CORS), whose `Origin` is neither Berth's own nor allowed.
pub async fn guard_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let websocket_upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"));
    let changes_state = websocket_upgrade
        || matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
    if changes_state && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let own_host = request_host(&request).filter(|host| state.hosts.is_own_host(host));
        if !state.origins.allows(origin, own_host) {
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
    use super::{HostPolicy, OriginPolicy};

    #[test]
    fn a_loopback_bind_answers_only_loopback_names_and_listed_hosts() {
        let hosts = HostPolicy::new("127.0.0.1".parse().expect("ip"), &["berth.lan".into()]);
        for host in [
            "localhost",
            "127.0.0.1:5000",
            "[::1]:8080",
            "[::1]",
            "LOCALHOST:1",
            "berth.lan:5000",
        ] {
            assert!(hosts.accepts(Some(host)), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:5000",
            "127.0.0.1.evil.example",
            "",
        ] {
            assert!(!hosts.accepts(Some(host)), "{host}");
        }
        assert!(!hosts.accepts(None));
    }

    #[test]
    fn an_allowed_host_with_a_port_matches_that_port_only() {
        let hosts = HostPolicy::new(
            "127.0.0.1".parse().expect("ip"),
            &["other.test:8080".into(), "[fd00::1]:8443".into()],
        );
        for host in ["other.test:8080", "[fd00::1]:8443"] {
            assert!(hosts.accepts(Some(host)), "{host}");
        }
        for host in ["other.test:9", "other.test", "[fd00::1]", "[fd00::1]:1"] {
            assert!(!hosts.accepts(Some(host)), "{host}");
        }
    }

    #[test]
    fn a_public_bind_answers_any_host_but_trusts_only_ips_and_listed_names_as_its_own() {
        let hosts = HostPolicy::new("0.0.0.0".parse().expect("ip"), &[]);
        assert!(hosts.accepts(Some("rebind.example")));
        assert!(hosts.is_own_host("192.168.1.5:5000"));
        assert!(!hosts.is_own_host("rebind.example:5000"));
    }

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
