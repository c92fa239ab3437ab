//! Typed server functions: the console's door onto the Docker service. They live under `/rpc`,
//! apart from the REST API under `/api`.

pub mod auth;
pub mod client;
pub mod containers;
pub mod images;
pub mod networks;
pub mod system;
pub mod volumes;

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// Runs `call` with the Docker service; when it fails inside a server-function request (`/rpc/...`), the
/// response carries the error's own HTTP status (401, 403, 404, 409, 503...) instead of a blanket 500. Pages
/// rendered on the server call the same functions directly and keep their 200: they show the error in a banner.
#[cfg(feature = "ssr")]
pub async fn with_docker<T, F, Fut>(call: F) -> Result<T, AppError>
where
    F: FnOnce(crate::docker::DockerService) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    use leptos::prelude::use_context;
    let in_server_fn = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/rpc/"));
    let response = use_context::<leptos_axum::ResponseOptions>();
    let result = match docker_service() {
        Ok(docker) => call(docker).await,
        Err(error) => Err(error),
    };
    if let (Err(error), Some(response), true) = (&result, response, in_server_fn)
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    result
}

/// The Docker service provided as Leptos context by the server.
#[cfg(feature = "ssr")]
pub fn docker_service() -> Result<crate::docker::DockerService, AppError> {
    leptos::prelude::use_context::<crate::docker::DockerService>()
        .ok_or_else(|| AppError::Internal("The Docker service is not configured".into()))
}
