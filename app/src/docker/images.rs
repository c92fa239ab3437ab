//! Image operations: list, inspect, history, pull, build, remove, search, prune, tag, push, save, load.

mod archive;
mod build;
mod context;
mod registry;
mod usage;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use bollard::auth::DockerCredentials;
use bollard::errors::Error as BollardError;
use bollard::models::{ImageInspect, ImageSummary as DockerImageSummary};
use bollard::query_parameters::{
    BuildImageOptions, CreateImageOptions, ImportImageOptions, InspectContainerOptions,
    ListImagesOptions, PruneImagesOptions, RemoveImageOptions, SearchImagesOptions,
    TagImageOptions,
};
use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt};

use super::streams::{StreamKind, Tracked};
use super::{DockerService, Operation, calls, docker_error, is_connection_error, unix_to_rfc3339};
use crate::error::AppError;
use crate::model::human_size;
use crate::model::images::{
    BuildRequest, BuildResult, ImageDetails, ImageHistoryEntry, ImageRunConfig, ImageSearchResult,
    ImageSummary, LoadResult, PruneImagesResult, PullRequest, PullResult, PushRequest, PushResult,
    RegistryAuth, RemoveImageResult, TagRequest, TagResult,
};
use crate::model::live::{BuildProgress, Progress, PullProgress};

/// How long a registry search may take before Berth gives up.
pub const SEARCH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a pull or push may go without any progress message from the daemon.
pub const REGISTRY_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How many image inspects `list_images` runs at once for images not seen before.
const INSPECT_CONCURRENCY: usize = 8;
/// How many image platforms are remembered (ids are content hashes, so entries never go stale).
const PLATFORM_CACHE_LIMIT: usize = 4096;

fn subject(reference: &str) -> String {
    format!("Image '{reference}'")
}

/// The hex of an image id without `sha256:`, cut to 12 characters.
fn short_id(id: &str) -> String {
    id.strip_prefix("sha256:")
        .unwrap_or(id)
        .chars()
        .take(12)
        .collect()
}

/// Checks an image reference or id: the characters Docker allows, passed to the daemon as data.
pub fn validate_reference(reference: &str) -> Result<(), AppError> {
    if crate::model::container_create::is_image_reference(reference) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid image reference '{reference}'"
        )))
    }
}

/// Checks the path of a repository to be made or pulled (what follows its registry, if it names one) as
/// Docker's reference grammar does: lower-case letters and digits, joined by `.`, `_`, `__` or dashes. A
/// first component with a `.`, a `:` or an upper-case letter, or `localhost`, is a registry, as for Docker.
fn validate_repository_path(repository: &str, reference: &str) -> Result<(), AppError> {
    let path = match repository.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            rest
        }
        _ => repository,
    };
    if path.split('/').all(is_repository_path_component) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid image reference '{reference}': repository names are lower-case letters and digits, \
             joined by '.', '_', '__' or '-'"
        )))
    }
}

/// One `/`-separated component of a repository path: `[a-z0-9]+` runs joined by `.`, `_`, `__` or `-+`.
fn is_repository_path_component(component: &str) -> bool {
    let is_lower_alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let starts_and_ends_well =
        component.starts_with(is_lower_alphanumeric) && component.ends_with(is_lower_alphanumeric);
    starts_and_ends_well
        && component
            .split(is_lower_alphanumeric)
            .filter(|separator| !separator.is_empty())
            .all(|separator| {
                matches!(separator, "." | "_" | "__") || separator.chars().all(|c| c == '-')
            })
}

fn validate_tag(tag: &str) -> Result<(), AppError> {
    let valid = !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(AppError::bad_request(format!("Invalid image tag '{tag}'")))
    }
}

/// A reference split into repository and tag (or digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageName {
    /// Repository, e.g. `127.0.0.1:5055/team/app`.
    pub repository: String,
    /// Tag, or digest (`sha256:...`) when `digest` is set.
    pub tag: Option<String>,
    /// Whether `tag` is a digest.
    pub digest: bool,
}

impl ImageName {
    /// Splits `repo[:tag]` or `repo@digest` (a `:` before the last `/` is a registry port).
    pub fn parse(reference: &str) -> Self {
        if let Some((repository, digest)) = reference.split_once('@') {
            return Self {
                repository: repository.to_string(),
                tag: Some(digest.to_string()),
                digest: true,
            };
        }
        let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
        match reference[last_slash..].rfind(':') {
            Some(colon) => {
                let at = last_slash + colon;
                Self {
                    repository: reference[..at].to_string(),
                    tag: Some(reference[at + 1..].to_string()),
                    digest: false,
                }
            }
            None => Self {
                repository: reference.to_string(),
                tag: None,
                digest: false,
            },
        }
    }

    /// Resolves the tag against an explicitly given one (they must agree), defaulting to `latest`.
    fn with_tag(mut self, explicit: Option<&str>, reference: &str) -> Result<Self, AppError> {
        let explicit = explicit.map(str::trim).filter(|t| !t.is_empty());
        match (&self.tag, explicit) {
            (Some(inner), Some(given)) if inner != given => {
                return Err(AppError::bad_request(format!(
                    "Image '{reference}' already names tag '{inner}' but field 'tag' says '{given}'"
                )));
            }
            (None, Some(given)) => self.tag = Some(given.to_string()),
            (None, None) => self.tag = Some("latest".into()),
            _ => {}
        }
        if let Some(tag) = &self.tag
            && !self.digest
        {
            validate_tag(tag)?;
        }
        validate_reference(&self.repository)?;
        validate_repository_path(&self.repository, reference)?;
        Ok(self)
    }

    fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    fn full(&self) -> String {
        let separator = if self.digest { '@' } else { ':' };
        format!("{}{separator}{}", self.repository, self.tag_or_latest())
    }
}

fn credentials(auth: Option<RegistryAuth>) -> Option<DockerCredentials> {
    auth.map(|auth| DockerCredentials {
        username: auth.username,
        password: auth.password,
        email: auth.email,
        serveraddress: auth.serveraddress,
        identitytoken: auth.identitytoken,
        ..Default::default()
    })
}

/// The message of a daemon or stream error, if it carries one.
fn daemon_message(err: &BollardError) -> Option<&str> {
    match err {
        BollardError::DockerResponseServerError { message, .. } => Some(message),
        BollardError::DockerStreamError { error } => Some(error),
        _ => None,
    }
}

/// Whether a registry error means the registry could not be reached at all.
fn is_unreachable(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "dial tcp",
        "no such host",
        "connection refused",
        "i/o timeout",
        "tls handshake timeout",
        "client.timeout",
        "network is unreachable",
        "no route to host",
        "x509:",
        "server gave http response to https client",
        "connection reset",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// Maps an error of a pull or push of `reference` from/to its registry.
fn registry_error(err: BollardError, reference: &str) -> AppError {
    let Some(message) = daemon_message(&err).map(str::to_string) else {
        return docker_error(err, &subject(reference));
    };
    let lower = message.to_ascii_lowercase();
    let status = match &err {
        BollardError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    };
    if is_unreachable(&message) {
        // a 5xx answer: the daemon's words (addresses, resolver errors) go to the log only
        tracing::warn!(%message, image = reference, "registry unreachable");
        AppError::ServiceUnavailable(format!(
            "The registry of image '{reference}' could not be reached"
        ))
    } else if status == Some(404)
        || lower.contains("manifest unknown")
        || lower.contains("not found")
        || lower.contains("repository does not exist")
        || lower.contains("name unknown")
    {
        AppError::NotFound(format!(
            "Image '{reference}' not found in its registry: {message}"
        ))
    } else if lower.contains("unauthorized")
        || lower.contains("authentication required")
        || lower.contains("denied")
    {
        AppError::Forbidden(format!(
            "The registry refused access to image '{reference}': {message}"
        ))
    } else if lower.contains("invalid reference") || status == Some(400) {
        AppError::bad_request(format!("Image '{reference}': {message}"))
    } else {
        docker_error(err, &subject(reference))
    }
}

/// Platforms of images already inspected, by full id (an id is the hash of the config holding the
/// platform, so an entry is valid for every daemon and never goes stale).
fn platform_cache() -> &'static Mutex<HashMap<String, (String, String)>> {
    static CACHE: OnceLock<Mutex<HashMap<String, (String, String)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached_platform(id: &str) -> Option<(String, String)> {
    platform_cache()
        .lock()
        .ok()
        .and_then(|cache| cache.get(id).cloned())
}

fn remember_platform(id: &str, architecture: &str, os: &str) {
    if let Ok(mut cache) = platform_cache().lock() {
        if cache.len() >= PLATFORM_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(id.to_string(), (architecture.to_string(), os.to_string()));
    }
}

fn real_tags(tags: Vec<String>) -> Vec<String> {
    tags.into_iter()
        .filter(|t| t != "<none>:<none>" && !t.is_empty())
        .collect()
}

fn summary_from_docker(item: DockerImageSummary, platform: (String, String)) -> ImageSummary {
    let tags = real_tags(item.repo_tags);
    let (repository, tag) = match tags.first() {
        Some(first) => {
            let name = ImageName::parse(first);
            let tag = name.tag.clone().unwrap_or_else(|| "<none>".into());
            (name.repository, tag)
        }
        None => {
            let repository =
                real_digest_repo(&item.repo_digests).unwrap_or_else(|| "<none>".into());
            (repository, "<none>".into())
        }
    };
    ImageSummary {
        id: short_id(&item.id),
        tags,
        repository,
        tag,
        created: unix_to_rfc3339(item.created),
        size: human_size(item.size),
        size_bytes: item.size,
        labels: item.labels.into_iter().collect(),
        architecture: platform.0,
        os: platform.1,
        containers: item.containers,
    }
}

fn real_digest_repo(digests: &[String]) -> Option<String> {
    digests
        .iter()
        .filter_map(|d| d.split_once('@').map(|(repo, _)| repo.to_string()))
        .find(|repo| repo != "<none>")
}

fn details_from_inspect(inspect: ImageInspect, history: Vec<ImageHistoryEntry>) -> ImageDetails {
    let id = inspect.id.unwrap_or_default();
    let config = inspect.config.unwrap_or_default();
    let labels: BTreeMap<String, String> = config.labels.unwrap_or_default().into_iter().collect();
    let size = inspect.size.unwrap_or_default();
    ImageDetails {
        short_id: short_id(&id),
        id,
        tags: real_tags(inspect.repo_tags.unwrap_or_default()),
        digests: inspect.repo_digests.unwrap_or_default(),
        created: inspect.created.unwrap_or_default(),
        size: human_size(size),
        size_bytes: size,
        architecture: inspect.architecture.unwrap_or_default(),
        os: inspect.os.unwrap_or_default(),
        author: inspect.author.unwrap_or_default(),
        comment: inspect.comment.unwrap_or_default(),
        labels: labels.clone(),
        config: ImageRunConfig {
            cmd: config.cmd.unwrap_or_default(),
            entrypoint: config.entrypoint.unwrap_or_default(),
            env: config.env.unwrap_or_default(),
            exposed_ports: config.exposed_ports.unwrap_or_default(),
            labels,
            user: config.user.unwrap_or_default(),
            working_dir: config.working_dir.unwrap_or_default(),
            volumes: config.volumes.unwrap_or_default(),
        },
        layers: inspect
            .root_fs
            .and_then(|fs| fs.layers)
            .map_or(0, |layers| layers.len()),
        history,
    }
}

/// Finds the container id a daemon conflict message names (`... container 3f0a1b2c ...`).
fn container_in_message(message: &str) -> Option<String> {
    let mut words = message.split_whitespace();
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("container") {
            let id: String = words
                .next()?
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            if id.len() >= 12 {
                return Some(id);
            }
        }
    }
    None
}

/// Pulls `Loaded image: x` / `Loaded image ID: sha256:...` out of `docker load` output.
fn loaded_images(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| {
            let line = line.trim();
            line.strip_prefix("Loaded image ID: ")
                .or_else(|| line.strip_prefix("Loaded image: "))
                .map(|s| s.trim().to_string())
        })
        .collect()
}

/// The manifest digest in a push's final status (`latest: digest: sha256:... size: 527`).
fn pushed_digest(status: &str) -> Option<String> {
    let rest = status.split("digest: ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// The builder's error line for a failed build.
fn build_failure(err: BollardError) -> AppError {
    match daemon_message(&err) {
        Some(message) => {
            let lower = message.to_ascii_lowercase();
            if matches!(
                &err,
                BollardError::DockerResponseServerError { status_code, .. } if *status_code >= 500
            ) && !(lower.contains("dockerfile")
                || lower.contains("unknown instruction")
                || lower.contains("parse")
                || lower.contains("returned a non-zero code")
                || lower.contains("no such")
                || lower.contains("not found")
                || lower.contains("invalid")
                || lower.contains("failed")
                || lower.contains("unexpected eof")
                || lower.contains("archive"))
            {
                docker_error(err, "Image build")
            } else {
                AppError::bad_request(format!("Build failed: {}", message.trim()))
            }
        }
        None => docker_error(err, "Image build"),
    }
}

/// Progress messages of a long operation, then its result (or one error, after which it ends).
pub type ProgressStream<P, R> = BoxStream<'static, Result<Progress<P, R>, AppError>>;

impl DockerService {
    /// Lists images (top-level only unless `all`) with their platform.
    ///
    /// The list endpoint of API 1.41 has no architecture/os: those come from one inspect per image not seen
    /// before, run 8 at a time, and are remembered by image id (content-addressed, so never stale); a
    /// listing of known images is one daemon call.
    pub async fn list_images(&self, all: bool) -> Result<Vec<ImageSummary>, AppError> {
        let client = self.client().await?;
        let options = ListImagesOptions {
            all,
            ..Default::default()
        };
        let list = client.list_images(Some(options));
        let items = match self.call(Operation::ImageList, list).await {
            Ok(items) => items,
            Err(err) => return Err(self.fail(err, "Image list").await),
        };
        let unknown: Vec<String> = items
            .iter()
            .filter(|item| cached_platform(&item.id).is_none())
            .map(|item| item.id.clone())
            .collect();
        let inspected: Vec<_> = stream::iter(unknown)
            .map(|id| {
                let client = client.clone();
                async move {
                    let result = self
                        .call(Operation::ImageInspect, client.inspect_image(&id))
                        .await;
                    (id, result)
                }
            })
            .buffer_unordered(INSPECT_CONCURRENCY)
            .collect()
            .await;
        for (id, result) in inspected {
            match result {
                Ok(inspect) => remember_platform(
                    &id,
                    inspect.architecture.as_deref().unwrap_or_default(),
                    inspect.os.as_deref().unwrap_or_default(),
                ),
                // removed between the list and the inspect: leave its platform empty
                Err(err) if is_connection_error(&err) => {
                    return Err(self.fail(err, "Image list").await);
                }
                Err(err) => tracing::debug!(error = %err, id, "image vanished while listing"),
            }
        }
        Ok(items
            .into_iter()
            .map(|item| {
                let platform = cached_platform(&item.id).unwrap_or_default();
                summary_from_docker(item, platform)
            })
            .collect())
    }
    async fn inspect_image_raw(&self, reference: &str) -> Result<ImageInspect, AppError> {
        validate_reference(reference)?;
        let client = self.client().await?;
        match self
            .call(Operation::ImageInspect, client.inspect_image(reference))
            .await
        {
            Ok(inspect) => Ok(inspect),
            Err(err) => Err(self.fail(err, &subject(reference)).await),
        }
    }
    /// One image in detail, with its history (two daemon calls, made together).
    pub async fn image_details(&self, reference: &str) -> Result<ImageDetails, AppError> {
        let (inspect, history) = tokio::join!(
            self.inspect_image_raw(reference),
            self.image_history(reference)
        );
        Ok(details_from_inspect(inspect?, history?))
    }
    /// An image's layers, newest first (`docker history`).
    pub async fn image_history(&self, reference: &str) -> Result<Vec<ImageHistoryEntry>, AppError> {
        validate_reference(reference)?;
        let client = self.client().await?;
        match self
            .call(Operation::ImageHistory, client.image_history(reference))
            .await
        {
            Ok(items) => Ok(items
                .into_iter()
                .map(|item| ImageHistoryEntry {
                    id: item.id,
                    created: unix_to_rfc3339(item.created),
                    created_by: item.created_by,
                    tags: item.tags,
                    size_bytes: item.size,
                    size: human_size(item.size),
                    comment: item.comment,
                })
                .collect()),
            Err(err) => Err(self.fail(err, &subject(reference)).await),
        }
    }
    /// Removes an image; an image in use is a 409 naming the container.
    pub async fn remove_image(
        &self,
        reference: &str,
        force: bool,
        no_prune: bool,
    ) -> Result<RemoveImageResult, AppError> {
        validate_reference(reference)?;
        let client = self.client().await?;
        let options = RemoveImageOptions {
            force,
            noprune: no_prune,
            ..Default::default()
        };
        let remove = client.remove_image(reference, Some(options), None);
        match self.call(Operation::ImageRemove, remove).await {
            Ok(items) => {
                let deleted: Vec<String> = items.iter().filter_map(|i| i.deleted.clone()).collect();
                let untagged: Vec<String> =
                    items.iter().filter_map(|i| i.untagged.clone()).collect();
                let message = if deleted.is_empty() {
                    format!("Image '{reference}' untagged")
                } else {
                    format!("Image '{reference}' removed successfully")
                };
                Ok(RemoveImageResult {
                    message,
                    image: reference.to_string(),
                    deleted,
                    untagged,
                    status: "removed".into(),
                })
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 409,
                message,
            }) => Err(self.image_conflict(&client, reference, &message).await),
            Err(err) => Err(self.fail(err, &subject(reference)).await),
        }
    }
    /// Names the container that keeps an image from being removed.
    async fn image_conflict(
        &self,
        client: &bollard::Docker,
        reference: &str,
        message: &str,
    ) -> AppError {
        let Some(container) = container_in_message(message) else {
            return AppError::Conflict(format!("Image '{reference}' cannot be removed: {message}"));
        };
        let inspect = client.inspect_container(&container, None::<InspectContainerOptions>);
        let name = self
            .call(Operation::ContainerInspect, inspect)
            .await
            .ok()
            .and_then(|c| c.name)
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| container.chars().take(12).collect());
        let running = message.contains("running container");
        AppError::Conflict(format!(
            "Image '{reference}' is in use by container '{name}' ({}); {}",
            short_id(&container),
            if running {
                "stop and remove the container first"
            } else {
                "remove the container first or use force=true"
            }
        ))
    }
    /// Removes dangling images, or with `dangling_only = false` every image no container uses.
    pub async fn prune_images(&self, dangling_only: bool) -> Result<PruneImagesResult, AppError> {
        let client = self.client().await?;
        let filters = HashMap::from([("dangling".to_string(), vec![dangling_only.to_string()])]);
        let options = PruneImagesOptions {
            filters: Some(filters),
        };
        let prune = client.prune_images(Some(options));
        match self.call(Operation::ImagePrune, prune).await {
            Ok(response) => {
                let items = response.images_deleted.unwrap_or_default();
                let images_deleted: Vec<String> =
                    items.iter().filter_map(|i| i.deleted.clone()).collect();
                let untagged: Vec<String> =
                    items.iter().filter_map(|i| i.untagged.clone()).collect();
                let reclaimed = response.space_reclaimed.unwrap_or_default();
                Ok(PruneImagesResult {
                    message: format!(
                        "Removed {} images, reclaimed {}",
                        images_deleted.len(),
                        human_size(reclaimed)
                    ),
                    images_deleted,
                    untagged,
                    space_reclaimed: reclaimed,
                    space_reclaimed_human: human_size(reclaimed),
                })
            }
            Err(err) => Err(self.fail(err, "Image prune").await),
        }
    }
    /// Tags an image as `repo:tag`.
    pub async fn tag_image(
        &self,
        reference: &str,
        request: TagRequest,
    ) -> Result<TagResult, AppError> {
        validate_reference(reference)?;
        let repo = request
            .repo
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| AppError::bad_request("Field 'repo' is required"))?;
        validate_reference(repo)?;
        let target = ImageName::parse(repo).with_tag(request.tag.as_deref(), repo)?;
        if target.digest {
            return Err(AppError::bad_request(format!(
                "Field 'repo' must be a repository, not a digest: '{repo}'"
            )));
        }
        let client = self.client().await?;
        let options = TagImageOptions {
            repo: Some(target.repository.clone()),
            tag: target.tag.clone(),
        };
        let tag = client.tag_image(reference, Some(options));
        if let Err(err) = self.call(Operation::ImageTag, tag).await {
            return Err(self.fail(err, &subject(reference)).await);
        }
        let new_reference = target.full();
        let inspect = self.inspect_image_raw(&new_reference).await?;
        Ok(TagResult {
            message: format!("Image '{reference}' tagged as '{new_reference}'"),
            image_id: inspect.id.unwrap_or_default(),
            tag: new_reference,
            status: "tagged".into(),
        })
    }
}

/// Runs a progress stream to its end and answers its result.
async fn final_result<P, R>(mut steps: ProgressStream<P, R>) -> Result<R, AppError> {
    while let Some(step) = steps.next().await {
        if let Progress::Done(result) = step? {
            return Ok(result);
        }
    }
    Err(AppError::Internal(
        "The operation ended without a result".into(),
    ))
}

/// The first item of a stream, and the stream to read the rest from.
async fn first_chunk<S, T>(mut items: S) -> (Option<T>, S)
where
    S: Stream<Item = T> + Unpin,
{
    let first = items.next().await;
    (first, items)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Found by schemathesis: an image removed between the inspect and the export cut the download off
    /// after its headers; the export's first answer is now read before Berth answers.
    #[tokio::test]
    async fn an_export_that_fails_at_once_fails_before_any_byte_is_sent() {
        let export = stream::iter(vec![
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message: "No such image: gone".into(),
            }),
            Ok(Bytes::from_static(b"never")),
        ]);
        let (first, rest) = first_chunk(export).await;
        let err = match first {
            Some(Err(err)) => docker_error(err, "Image 'gone'"),
            other => panic!("the failure comes first: {other:?}"),
        };
        assert_eq!(err, AppError::NotFound("Image 'gone' not found".into()));
        assert_eq!(rest.count().await, 1, "the rest is left unread");
    }

    #[test]
    fn references_split_into_repository_and_tag() {
        let name = ImageName::parse("127.0.0.1:5055/berth-test/busybox:latest");
        assert_eq!(name.repository, "127.0.0.1:5055/berth-test/busybox");
        assert_eq!(name.tag.as_deref(), Some("latest"));
        let name = ImageName::parse("127.0.0.1:5055/berth-test/busybox");
        assert_eq!(name.repository, "127.0.0.1:5055/berth-test/busybox");
        assert_eq!(name.tag, None);
        let name = ImageName::parse("nginx@sha256:abc");
        assert!(name.digest);
        assert_eq!(name.full(), "nginx@sha256:abc");
    }

    #[test]
    fn an_explicit_tag_must_agree_with_the_embedded_one() {
        let name = ImageName::parse("nginx").with_tag(None, "nginx").unwrap();
        assert_eq!(name.full(), "nginx:latest");
        let name = ImageName::parse("nginx")
            .with_tag(Some("1.25"), "nginx")
            .unwrap();
        assert_eq!(name.full(), "nginx:1.25");
        let name = ImageName::parse("nginx:1.25")
            .with_tag(Some("1.25"), "nginx:1.25")
            .unwrap();
        assert_eq!(name.full(), "nginx:1.25");
        assert!(
            ImageName::parse("nginx:1.25")
                .with_tag(Some("2"), "nginx:1.25")
                .is_err()
        );
        assert!(
            ImageName::parse("nginx")
                .with_tag(Some("bad tag"), "nginx")
                .is_err()
        );
    }

    #[test]
    fn references_with_odd_characters_are_refused() {
        assert!(validate_reference("127.0.0.1:5055/a/b:latest").is_ok());
        assert!(validate_reference("sha256:0123abcd").is_ok());
        assert!(validate_reference("a?b").is_err());
        assert!(validate_reference("a b").is_err());
        assert!(validate_reference("../x").is_err());
        assert!(validate_reference("").is_err());
    }

    #[test]
    fn a_repository_to_pull_or_make_follows_docker_s_path_grammar() {
        for good in [
            "nginx",
            "library/nginx",
            "127.0.0.1:5055/team/my-app",
            "localhost/a__b",
            "Registry.Example/team/app.v2",
            "a--b/c_d",
        ] {
            assert!(validate_repository_path(good, good).is_ok(), "{good}");
        }
        for bad in [
            "UPPER/Case",
            "Nginx",
            "team/App",
            "a..b",
            "a___b",
            "-a",
            "a-",
            "a/_b",
            "a//b",
        ] {
            let error = validate_repository_path(bad, bad).unwrap_err().to_string();
            assert!(error.contains("lower-case"), "{bad}: {error}");
        }
    }

    #[test]
    fn short_ids_drop_the_algorithm() {
        assert_eq!(short_id("sha256:0123456789abcdef0123"), "0123456789ab");
    }

    #[test]
    fn conflict_messages_name_the_container() {
        let message = "conflict: unable to remove repository reference \"x:1\" (must force) - container 3f0a1b2c3d4e5f60 is using its referenced image 1b2c";
        assert_eq!(
            container_in_message(message).as_deref(),
            Some("3f0a1b2c3d4e5f60")
        );
        assert_eq!(
            container_in_message("image is referenced in multiple repositories"),
            None
        );
    }

    #[test]
    fn registry_failures_map_to_clear_statuses() {
        let daemon = |status_code, message: &str| BollardError::DockerResponseServerError {
            status_code,
            message: message.into(),
        };
        let err = registry_error(
            daemon(404, "manifest for r/x:latest not found: manifest unknown"),
            "r/x:latest",
        );
        assert_eq!(err.status_code(), 404);
        assert!(err.to_string().contains("r/x:latest"));
        let err = registry_error(
            daemon(
                500,
                "Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused",
            ),
            "127.0.0.1:1/x:latest",
        );
        assert_eq!(err.status_code(), 503);
    }

    #[test]
    fn load_and_push_output_is_understood() {
        let lines = vec![
            "Loaded image: a/b:1\n".to_string(),
            "Loaded image ID: sha256:abc".to_string(),
        ];
        assert_eq!(loaded_images(&lines), vec!["a/b:1", "sha256:abc"]);
        assert_eq!(
            pushed_digest("latest: digest: sha256:abcd size: 527").as_deref(),
            Some("sha256:abcd")
        );
    }
}
