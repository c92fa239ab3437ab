//! Daemon documents read as JSON of our own shape, through bollard's own transport (unix socket, TCP,
//! TLS, ssh: whatever the client was connected with), for the reads where bollard's typed models do not
//! fit: `/system/df` (its typed model follows API 1.52, not 20.10's 1.41 answers) and the container list
//! (decoded straight into the few fields Berth shows, much cheaper than bollard's full models at 1,000
//! containers).
//!
//! bollard has no public call for an arbitrary GET, so the read rides on a call whose answer bollard hands
//! back as raw bytes (`export_container`), on a clone of the client whose request modifier swaps that call's
//! path for the wanted one. Everything else — the API version prefix, the connection, TLS, the status
//! check and the daemon's error message — is bollard's.
//!
//! A push rides the same way, for another reason: bollard's `PushImageInfo` has no `id` field, so its
//! `push_image` drops the layer each progress message is about. [`push_with_layer_ids`] sends the push on
//! the `create_image` call instead (also a `POST` with an `X-Registry-Auth` header, answered as a stream),
//! whose `CreateImageInfo` keeps `id`; the daemon's messages are the same shape for a pull and a push.

use bollard::Docker;
use bollard::auth::DockerCredentials;
use bollard::errors::Error as BollardError;
use bollard::models::CreateImageInfo;
use bollard::query_parameters::CreateImageOptions;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use super::{DockerEndpoint, DockerService, Operation};
use crate::error::AppError;

const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// The carrier call's container name; its path segment is replaced by the wanted path and query.
const CARRIER_NAME: &str = "berth-raw-read";
/// The carrier call's path (after the API version prefix).
const CARRIER_PATH: &str = "/containers/berth-raw-read/export";
/// The path of the call a push rides on (`create_image` without options: no query string).
const PUSH_CARRIER_PATH: &str = "/images/create";

/// Pushes `repository:tag` through `client`, answering the daemon's progress messages with their layer
/// ids. `repository` and `tag` must be validated references (their characters are all allowed in a URI
/// path). Without credentials an empty `X-Registry-Auth` is sent, as the daemon requires for a push.
pub(crate) fn push_with_layer_ids(
    client: &Docker,
    repository: &str,
    tag: &str,
    credentials: Option<DockerCredentials>,
) -> impl Stream<Item = Result<CreateImageInfo, BollardError>> + Send + 'static {
    let wanted = format!("/images/{repository}/push?tag={tag}");
    let pusher = client.clone().with_request_modifier(move |mut request| {
        let uri = request.uri().to_string();
        match uri.replacen(PUSH_CARRIER_PATH, &wanted, 1).parse() {
            Ok(rewritten) => *request.uri_mut() = rewritten,
            // never send the carrier's own call (an import): a GET of its path is refused by the daemon
            Err(_) => *request.method_mut() = http::Method::GET,
        }
        request
    });
    pusher.create_image(
        None::<CreateImageOptions>,
        None,
        Some(credentials.unwrap_or_default()),
    )
}

impl DockerService {
    /// The daemon address in use, as the docker CLI would resolve it.
    pub fn docker_host(&self) -> String {
        match &self.endpoint {
            DockerEndpoint::Host(host) => host.clone(),
            DockerEndpoint::FromEnvironment => std::env::var("DOCKER_HOST")
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| DEFAULT_HOST.into()),
        }
    }

    /// GETs `path` (with its query) at the negotiated API version, counted as `operation`, and decodes
    /// the answer straight into `T` (skipping the fields `T` lacks). A daemon refusal is reported like
    /// any other daemon call about `subject`; the docker timeout covers the answer's body too.
    pub(crate) async fn raw_get<T: DeserializeOwned>(
        &self,
        operation: Operation,
        path: &str,
        subject: &str,
    ) -> Result<T, AppError> {
        let wanted = path.to_string();
        let reader = self
            .client()
            .await?
            .with_request_modifier(move |mut request| {
                let uri = request.uri().to_string();
                if let Ok(rewritten) = uri.replacen(CARRIER_PATH, &wanted, 1).parse() {
                    *request.uri_mut() = rewritten;
                }
                request
            });
        let read_body = async {
            let mut body = Vec::new();
            let mut chunks = reader.export_container(CARRIER_NAME);
            while let Some(chunk) = chunks.next().await {
                body.extend_from_slice(&chunk?);
            }
            Ok(body)
        };
        let body = match self.call(operation, read_body).await {
            Ok(body) => body,
            Err(err) => return Err(self.fail(err, subject).await),
        };
        serde_json::from_slice(&body).map_err(|err| {
            tracing::error!(error = %err, path, "daemon sent an unreadable answer");
            AppError::Internal(format!("Docker daemon sent an unreadable answer to {path}"))
        })
    }
}
