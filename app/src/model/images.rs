//! Image views and requests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of `GET /api/images`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageSummary {
    /// 12-character short id (hex, without `sha256:`).
    pub id: String,
    /// Every `repo:tag` naming the image (empty for a dangling image).
    pub tags: Vec<String>,
    /// The repository of the first tag, or `<none>`.
    pub repository: String,
    /// The tag of the first tag, or `<none>`.
    pub tag: String,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
    /// Size in decimal units, like `docker images` prints it.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Image labels.
    pub labels: BTreeMap<String, String>,
    /// CPU architecture, e.g. `amd64`.
    pub architecture: String,
    /// Operating system, e.g. `linux`.
    pub os: String,
    /// How many containers use the image (`-1` when the daemon did not count).
    pub containers: i64,
}

/// The run configuration an image carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageRunConfig {
    /// Default command.
    pub cmd: Vec<String>,
    /// Entrypoint.
    pub entrypoint: Vec<String>,
    /// Environment, `KEY=value`.
    pub env: Vec<String>,
    /// Exposed ports, e.g. `80/tcp`.
    pub exposed_ports: Vec<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Default user.
    pub user: String,
    /// Default working directory.
    pub working_dir: String,
    /// Declared volumes.
    pub volumes: Vec<String>,
}

/// One layer of an image's history (`docker history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageHistoryEntry {
    /// The layer's image id, or `<missing>` for layers pulled from a registry.
    pub id: String,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
    /// The instruction that made the layer.
    pub created_by: String,
    /// Tags pointing at this layer.
    pub tags: Vec<String>,
    /// Layer size in bytes.
    pub size_bytes: i64,
    /// Layer size in decimal units.
    pub size: String,
    /// Layer comment.
    pub comment: String,
}

/// `GET /api/images/{id}`: one image in detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageDetails {
    /// Full id, `sha256:...`.
    pub id: String,
    /// 12-character short id.
    pub short_id: String,
    /// Every `repo:tag` naming the image.
    pub tags: Vec<String>,
    /// Registry digests, `repo@sha256:...`.
    pub digests: Vec<String>,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Size in decimal units.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// CPU architecture.
    pub architecture: String,
    /// Operating system.
    pub os: String,
    /// Author.
    pub author: String,
    /// Comment.
    pub comment: String,
    /// Labels (same as `config.labels`).
    pub labels: BTreeMap<String, String>,
    /// The run configuration.
    pub config: ImageRunConfig,
    /// Number of filesystem layers.
    pub layers: usize,
    /// The image's history, newest layer first.
    pub history: Vec<ImageHistoryEntry>,
}

/// Credentials for a registry, as docker-py's `auth_config`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegistryAuth {
    /// User name.
    pub username: Option<String>,
    /// Password or token.
    pub password: Option<String>,
    /// E-mail (legacy).
    pub email: Option<String>,
    /// Registry address, e.g. `https://index.docker.io/v1/`.
    pub serveraddress: Option<String>,
    /// An identity token instead of a password.
    pub identitytoken: Option<String>,
}

/// `POST /api/images/pull` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// Image name, e.g. `nginx`, `nginx:1.25`, `127.0.0.1:5055/team/app`.
    pub image: Option<String>,
    /// Tag; default `latest`, or the tag inside `image`.
    pub tag: Option<String>,
    /// Registry credentials.
    pub auth: Option<RegistryAuth>,
    /// Registry credentials (alternative name).
    pub registry_auth: Option<RegistryAuth>,
}

/// What a pull did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The pulled image's full id.
    pub image_id: String,
    /// The image's tags after the pull.
    pub tags: Vec<String>,
    /// Size in decimal units.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Always `pulled`.
    pub status: String,
}

/// `POST /api/images/build` options (the JSON body, or the query of a tar upload).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BuildRequest {
    /// A directory on the server's host holding the build context (JSON body only).
    pub path: Option<String>,
    /// The `repo:tag` to give the image.
    pub tag: Option<String>,
    /// The Dockerfile, relative to the context; default `Dockerfile`.
    pub dockerfile: Option<String>,
    /// Build arguments (`--build-arg`).
    pub buildargs: Option<BTreeMap<String, String>>,
    /// Labels to set on the image.
    pub labels: Option<BTreeMap<String, String>>,
    /// Do not use the build cache.
    pub nocache: Option<bool>,
    /// Always pull the base image.
    pub pull: Option<bool>,
    /// Remove intermediate containers (default true, also after a failed build).
    pub rm: Option<bool>,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BuildResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The built image's full id.
    pub image_id: String,
    /// The image's tags.
    pub tags: Vec<String>,
    /// Size in decimal units.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The builder's output, line by line.
    pub build_logs: Vec<String>,
    /// Always `built`.
    pub status: String,
}

/// What removing an image did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RemoveImageResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The reference that was asked for.
    pub image: String,
    /// Image ids deleted.
    pub deleted: Vec<String>,
    /// References untagged.
    pub untagged: Vec<String>,
    /// Always `removed`.
    pub status: String,
}

/// What an image prune removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PruneImagesResult {
    /// A sentence saying what happened.
    pub message: String,
    /// Image ids deleted.
    pub images_deleted: Vec<String>,
    /// References untagged.
    pub untagged: Vec<String>,
    /// Bytes freed.
    pub space_reclaimed: i64,
    /// Bytes freed, in decimal units.
    pub space_reclaimed_human: String,
}

/// One Docker Hub search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageSearchResult {
    /// Repository name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// Star count.
    pub stars: i64,
    /// Whether it is an official image.
    pub official: bool,
    /// Whether it is an automated build.
    pub automated: bool,
}

/// `POST /api/images/{id}/tag` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagRequest {
    /// The repository to tag into, e.g. `127.0.0.1:5055/team/app` (may carry `:tag`).
    #[serde(alias = "repository")]
    pub repo: Option<String>,
    /// The tag; default `latest`, or the tag inside `repo`.
    pub tag: Option<String>,
}

/// What tagging did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TagResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The source image's full id.
    pub image_id: String,
    /// The new reference, `repo:tag`.
    pub tag: String,
    /// Always `tagged`.
    pub status: String,
}

/// `POST /api/images/{id}/push` body (optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The tag to push; default the tag in the path, else `latest`.
    pub tag: Option<String>,
    /// Registry credentials.
    pub auth: Option<RegistryAuth>,
    /// Registry credentials (alternative name).
    pub registry_auth: Option<RegistryAuth>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The reference pushed, `repo:tag`.
    pub image: String,
    /// The manifest digest the registry reported, when it did.
    pub digest: Option<String>,
    /// Always `pushed`.
    pub status: String,
}

/// What loading a tar archive did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoadResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The references (or ids, for untagged images) loaded.
    pub images: Vec<String>,
    /// Always `loaded`.
    pub status: String,
}

/// One image for the console's image page: its details and the containers using it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImagePage {
    /// The image in detail, with its history.
    pub details: ImageDetails,
    /// Names of the containers (stopped ones too) made from it, sorted.
    pub containers: Vec<String>,
}

/// What an image prune would remove, found without removing anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImagePrunePreview {
    /// Whether only untagged images are counted (`false`: every image no container uses).
    pub dangling_only: bool,
    /// The images the prune would remove.
    pub images: Vec<ImageSummary>,
    /// The most space removing them frees, in bytes (layers shared with kept images stay).
    pub space_bytes: i64,
    /// The same, in decimal units.
    pub space: String,
}
