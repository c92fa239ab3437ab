//! Typed server functions: the console's door onto the Docker service. They live under `/rpc`,
//! apart from the REST API under `/api`.

pub mod containers;
pub mod images;
pub mod networks;
pub mod system;
pub mod volumes;

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// The Docker service provided as Leptos context by the server.
#[cfg(feature = "ssr")]
pub fn docker_service() -> Result<crate::docker::DockerService, AppError> {
    leptos::prelude::use_context::<crate::docker::DockerService>()
        .ok_or_else(|| AppError::Internal("The Docker service is not configured".into()))
}

/// The authenticated caller of the current request (set by the server's authentication), during
/// server-side rendering and in server functions; `None` outside a request.
#[cfg(feature = "ssr")]
pub fn current_caller() -> Option<crate::model::auth::Caller> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::model::auth::Caller>()
            .cloned()
    })
}

/// The CSRF token of the current request's console session, to render into the page for the
/// console's state-changing calls; `None` for token callers and outside a request.
#[cfg(feature = "ssr")]
pub fn current_csrf_token() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::model::auth::SessionCsrfToken>()
            .map(|token| token.0.clone())
    })
}
