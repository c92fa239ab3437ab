//! Raw JSON reads from the daemon, for the few documents whose shape changed between API versions
//! (bollard's typed `/system/df` only understands API 1.52 and later).

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{DockerEndpoint, DockerService};
use crate::error::AppError;

const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

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

    /// GETs `path` (e.g. `/system/df`) at the negotiated API version and returns the JSON document,
    /// or `None` when the transport is one this reader does not speak (TLS, ssh).
    pub(crate) async fn raw_get_json(&self, path: &str) -> Result<Option<Value>, AppError> {
        self.raw_get(path).await
    }

    /// Like [`Self::raw_get_json`], decoding straight into `T` (skipping the fields `T` lacks, which
    /// makes large lists much cheaper than bollard's full models).
    pub(crate) async fn raw_get<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, AppError> {
        self.within_timeout(self.raw_get_unbounded(path), path)
            .await
    }

    async fn raw_get_unbounded<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, AppError> {
        let client = self.client().await?;
        let version = client.client_version();
        let versioned = format!(
            "/v{}.{}{path}",
            version.major_version, version.minor_version
        );
        let host = self.docker_host();
        let tls = super::tls_verify_requested();
        let response = if let Some(socket) = host.strip_prefix("unix://") {
            let uri: hyper::Uri = hyperlocal::Uri::new(socket, &versioned).into();
            Client::builder(TokioExecutor::new())
                .build::<_, Empty<Bytes>>(hyperlocal::UnixConnector)
                .get(uri)
                .await
        } else if let Some(address) = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
            .filter(|_| !tls)
        {
            let uri: hyper::Uri = format!("http://{address}{versioned}")
                .parse()
                .map_err(|_| AppError::DaemonUnavailable)?;
            Client::builder(TokioExecutor::new())
                .build::<_, Empty<Bytes>>(HttpConnector::new())
                .get(uri)
                .await
        } else {
            return Ok(None);
        };
        let response = response.map_err(|err| {
            tracing::warn!(error = %err, path, "raw daemon request failed");
            AppError::DaemonUnavailable
        })?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|_| AppError::DaemonUnavailable)?
            .to_bytes();
        if !status.is_success() {
            tracing::error!(%status, path, body = %String::from_utf8_lossy(&body), "daemon refused a raw read");
            return Err(AppError::Internal(format!(
                "Docker daemon failed to answer {path}"
            )));
        }
        serde_json::from_slice(&body).map(Some).map_err(|err| {
            tracing::error!(error = %err, path, "daemon sent invalid JSON");
            AppError::Internal(format!("Docker daemon sent an unreadable answer to {path}"))
        })
    }
}
