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
