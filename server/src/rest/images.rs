//! `/api/images` routes.
//!
//! Image references contain `/` and `:` (`127.0.0.1:5055/team/app:1.0`), so everything about one image is
//! served by one wildcard route, `/api/images/{*reference}`, whose handlers dispatch on the last path
//! segment (`remove`, `history`, `tag`, `push`, `save`). The static routes (`search`, `pull`, `build`,
//! `prune`, `load`) take priority over the wildcard. `/api/commands` shows the documented paths.
//!
//! Uploads (`POST /api/images/build` with a tar body, `POST /api/images/load`) accept bodies up to
//! [`UPLOAD_BODY_LIMIT`] and stream them to the daemon; JSON bodies keep the 1 MiB limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, delete, get, post};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use super::envelope::{
    ApiError, ApiResult, JSON_BODY_LIMIT, JsonBody, NoOptions, QueryParams, announces_more_than,
    created, list, ok, parse_json_body, query_bool,
};
use super::sse::{progress_stream, wants_event_stream};
use super::{ApiRoute, openapi};
use crate::AppState;
use crate::auth::access::Access;
use app::error::AppError;
use app::model::images::{
    BuildRequest, BuildResult, ImageDetails, ImageHistoryEntry, ImageSearchResult, ImageSummary,
    LoadResult, PruneImagesResult, PullRequest, PullResult, PushRequest, PushResult,
    RemoveImageResult, TagRequest, TagResult,
};

/// The limit on uploaded tar archives (build contexts and `docker save` archives): 512 MiB.
pub const UPLOAD_BODY_LIMIT: usize = 512 * 1024 * 1024;

/// The wildcard route serving every path about one image.
const IMAGE_PATH: &str = "/api/images/{*reference}";

/// The images routes.
pub fn routes() -> Vec<ApiRoute> {
    let upload =
        |handler: MethodRouter<AppState>| handler.layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/images",
            "List images (?all=true includes intermediate images)",
            get(list_images),
        )
        .query::<ListQuery>()
        .lists::<ImageSummary>("images")
        .requires(Access::viewer("list", "list images")),
        ApiRoute::new(
            Method::GET,
            "/api/images/search",
            "Search Docker Hub (?term=nginx&limit=25)",
            get(search_images),
        )
        .query::<SearchQuery>()
        .lists::<ImageSearchResult>("results")
        .requires(Access::viewer("search", "search images")),
        ApiRoute::new(
            Method::POST,
            "/api/images/pull",
            "Pull an image (body: {\"image\": \"nginx\", \"tag\": \"latest\"}; Accept: text/event-stream streams progress)",
            post(pull_image),
        )
        .json_body::<PullRequest>()
        .answers::<PullResult>("result")
        .or_streams(
            "with Accept: text/event-stream: progress events, then a result or error event",
            openapi::pull_events,
        )
        .requires(Access::operator("pull", "pull images")),
        ApiRoute::new(
            Method::POST,
            "/api/images/build",
            "Build an image (JSON body: {\"path\": \"/ctx\", \"tag\": \"app:1\"}; or a tar build context \
             body, up to 512 MiB, with ?tag=..&dockerfile=..&buildargs={json}&labels={json}; Accept: \
             text/event-stream streams progress)",
            upload(post(build_image)),
        )
        .query::<BuildQuery>()
        .json_body::<BuildRequest>()
        .binary_body("application/x-tar")
        .creates::<BuildResult>("result")
        .or_streams(
            "with Accept: text/event-stream: progress events, then a result or error event",
            openapi::build_events,
        )
        .requires(Access::admin("build", "build images")),
        ApiRoute::new(
            Method::POST,
            "/api/images/prune",
            "Remove unused images (?dangling_only=false removes every unused image)",
            post(prune_images),
        )
        .query::<PruneQuery>()
        .optional_json_body::<NoOptions>()
        .answers::<PruneImagesResult>("result")
        .requires(Access::admin("prune", "prune images")),
        ApiRoute::new(
            Method::POST,
            "/api/images/load",
            "Load images from a tar archive body (docker load, up to 512 MiB)",
            upload(post(load_images)),
        )
        .binary_body("application/x-tar")
        .answers::<LoadResult>("result")
        .requires(Access::admin("load", "load images")),
        ApiRoute::new(
            Method::GET,
            IMAGE_PATH,
            "Get image details",
            get(get_image_path),
        )
        .displayed_as("/api/images/{image_id}")
        .answers::<ImageDetails>("image")
        .requires(Access::viewer("details", "read image details")),
        ApiRoute::new(
            Method::GET,
            IMAGE_PATH,
            "Get an image's layer history",
            MethodRouter::new(),
        )
        .displayed_as("/api/images/{image_id}/history")
        .lists::<ImageHistoryEntry>("history")
        .requires(Access::viewer("history", "read image history")),
        ApiRoute::new(
            Method::GET,
            IMAGE_PATH,
            "Download an image as a tar archive (docker save)",
            MethodRouter::new(),
        )
        .displayed_as("/api/images/{image_id}/save")
        .answers_raw(200, "application/x-tar", "The image as a tar archive (docker save)", None)
        .requires(Access::admin("save", "save images")),
        ApiRoute::new(
            Method::DELETE,
            IMAGE_PATH,
            "Remove an image (?force=true&no_prune=true)",
            delete(delete_image_path),
        )
        .displayed_as("/api/images/{image_id}/remove")
        .query::<RemoveQuery>()
        .answers::<RemoveImageResult>("result")
        .requires(Access::admin("remove", "remove images")),
        ApiRoute::new(
            Method::POST,
            IMAGE_PATH,
            "Tag an image (body: {\"repo\": \"registry/app\", \"tag\": \"1.0\"})",
            post(post_image_path),
        )
        .displayed_as("/api/images/{image_id}/tag")
        .json_body::<TagRequest>()
        .answers::<TagResult>("result")
        .requires(Access::admin("tag", "tag images")),
        ApiRoute::new(
            Method::POST,
            IMAGE_PATH,
            "Push an image to its registry (body: {\"tag\": \"1.0\", \"auth\": {...}}; Accept: \
             text/event-stream streams progress)",
            MethodRouter::new(),
        )
        .displayed_as("/api/images/{image_id}/push")
        .optional_json_body::<PushRequest>()
        .answers::<PushResult>("result")
        .or_streams(
            "with Accept: text/event-stream: progress events, then a result or error event",
            openapi::push_events,
        )
        .requires(Access::admin("push", "push images")),
    ]
}

/// The actions that may end a wildcard image path.
const ACTIONS: [&str; 5] = ["remove", "history", "tag", "push", "save"];

/// Splits `repo/name:tag/action` into the reference and the action, when the last segment is one.
fn split_action(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once('/') {
        Some((reference, action)) if !reference.is_empty() && ACTIONS.contains(&action) => {
            (reference, Some(action))
        }
        _ => (path, None),
    }
}

fn not_allowed(method: &Method, uri: &Uri) -> ApiError {
    ApiError(AppError::MethodNotAllowed(format!(
        "Method {method} is not allowed on '{}'",
        uri.path()
    )))
}

/// Parses the query string like [`QueryParams`] does.
fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, ApiError> {
    Query::<T>::try_from_uri(uri)
        .map(|Query(value)| value)
        .map_err(|rejection| {
            let text = rejection.body_text();
            let detail = text
                .strip_prefix("Failed to deserialize query string: ")
                .unwrap_or(&text);
            ApiError(AppError::bad_request(format!(
                "Invalid query parameter: {detail}"
            )))
        })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Include intermediate images (default false).
    #[serde(default, deserialize_with = "query_bool")]
    all: Option<bool>,
}

async fn list_images(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult {
    list(
        "images",
        state.docker.list_images(query.all.unwrap_or(false)).await?,
    )
}

async fn get_image_path(
    State(state): State<AppState>,
    Path(path): Path<String>,
    method: Method,
    uri: Uri,
) -> ApiResult {
    match split_action(&path) {
        (reference, None) => ok("image", state.docker.image_details(reference).await?),
        (reference, Some("history")) => {
            list("history", state.docker.image_history(reference).await?)
        }
        (reference, Some("save")) => save_image(&state, reference).await,
        _ => Err(not_allowed(&method, &uri)),
    }
}

async fn save_image(state: &AppState, reference: &str) -> ApiResult {
    let stream = state.docker.save_image(reference).await?;
    let filename: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-tar".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}.tar\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RemoveQuery {
    /// Remove it even when containers use it or it has several tags (default false).
    #[serde(default, deserialize_with = "query_bool")]
    force: Option<bool>,
    /// Keep untagged parent images (default false).
    #[serde(default, deserialize_with = "query_bool")]
    no_prune: Option<bool>,
}

async fn delete_image_path(
    State(state): State<AppState>,
    Path(path): Path<String>,
    method: Method,
    uri: Uri,
) -> ApiResult {
    match split_action(&path) {
        (reference, Some("remove")) => {
            let options: RemoveQuery = query(&uri)?;
            ok(
                "result",
                state
                    .docker
                    .remove_image(
                        reference,
                        options.force.unwrap_or(false),
                        options.no_prune.unwrap_or(false),
                    )
                    .await?,
            )
        }
        _ => Err(not_allowed(&method, &uri)),
    }
}

async fn post_image_path(
    State(state): State<AppState>,
    Path(path): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> ApiResult {
    let body = serde_json::to_vec(&body).map_err(|_| AppError::bad_request("Unreadable body"))?;
    match split_action(&path) {
        (reference, Some("tag")) => {
            let request: TagRequest = parse_json_body(&body)?;
            ok("result", state.docker.tag_image(reference, request).await?)
        }
        (reference, Some("push")) => {
            let request: PushRequest = parse_json_body(&body)?;
            if wants_event_stream(&headers) {
                return Ok(progress_stream(
                    state.docker.push_image_progress(reference, request).await?,
                ));
            }
            ok("result", state.docker.push_image(reference, request).await?)
        }
        _ => Err(not_allowed(&method, &uri)),
    }
}

async fn pull_image(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<PullRequest>,
) -> ApiResult {
    if wants_event_stream(&headers) {
        return Ok(progress_stream(
            state.docker.pull_image_progress(request).await?,
        ));
    }
    ok("result", state.docker.pull_image(request).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// What to search for (required).
    #[param(required = true)]
    term: Option<String>,
    /// How many results: 1 to 100 (default 25).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

async fn search_images(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<SearchQuery>,
) -> ApiResult {
    let term = query
        .term
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Search term is required"))?;
    let limit = match query.limit.as_deref().map(str::trim) {
        None => 25,
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                AppError::bad_request(format!(
                    "Invalid query parameter 'limit': '{text}' is not an integer between 1 and 100"
                ))
            })?,
    };
    list("results", state.docker.search_images(&term, limit).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PruneQuery {
    /// Only dangling images (default true); false removes every unused image.
    #[serde(default, deserialize_with = "query_bool")]
    dangling_only: Option<bool>,
}

async fn prune_images(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PruneQuery>,
    JsonBody(NoOptions {}): JsonBody<NoOptions>,
) -> ApiResult {
    ok(
        "result",
        state
            .docker
            .prune_images(query.dangling_only.unwrap_or(true))
            .await?,
    )
}

/// Build options given in the query string of a tar upload.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct BuildQuery {
    /// With a tar body: the tag to give the image (also `t`).
    #[serde(alias = "t")]
    tag: Option<String>,
    /// With a tar body: the Dockerfile's path inside the archive.
    dockerfile: Option<String>,
    /// With a tar body: build arguments as a JSON object of strings.
    buildargs: Option<String>,
    /// With a tar body: labels as a JSON object of strings.
    labels: Option<String>,
    /// With a tar body: do not use the cache.
    #[serde(default, deserialize_with = "query_bool")]
    nocache: Option<bool>,
    /// With a tar body: always pull the base image.
    #[serde(default, deserialize_with = "query_bool")]
    pull: Option<bool>,
    /// With a tar body: remove intermediate containers (default true).
    #[serde(default, deserialize_with = "query_bool")]
    rm: Option<bool>,
}

fn json_map_param(
    name: &str,
    text: Option<String>,
) -> Result<Option<std::collections::BTreeMap<String, String>>, AppError> {
    text.map(|text| {
        serde_json::from_str(&text).map_err(|_| {
            AppError::bad_request(format!(
                "Invalid query parameter '{name}': must be a JSON object of strings like {{\"KEY\": \"value\"}}"
            ))
        })
    })
    .transpose()
}

/// Whether the request carries a tar archive rather than JSON.
fn is_archive(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| {
            matches!(
                v.as_str(),
                "application/x-tar" | "application/tar" | "application/octet-stream"
            )
        })
}

/// An uploaded body streamed onward, remembering whether it broke (too large, or cut off).
struct Upload {
    stream: futures_util::stream::BoxStream<'static, Result<Bytes, std::io::Error>>,
    failure: Arc<UploadFailure>,
}

#[derive(Default)]
struct UploadFailure {
    too_large: AtomicBool,
    broken: AtomicBool,
}

impl UploadFailure {
    /// The error to answer instead of the daemon's when the upload itself failed.
    fn error(&self) -> Option<AppError> {
        if self.too_large.load(Ordering::Relaxed) {
            Some(too_large())
        } else if self.broken.load(Ordering::Relaxed) {
            Some(AppError::bad_request("The upload was interrupted"))
        } else {
            None
        }
    }
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge(format!(
        "Uploaded archive is larger than the {} MiB limit",
        UPLOAD_BODY_LIMIT / (1024 * 1024)
    ))
}

/// Streams the request body (bounded by [`UPLOAD_BODY_LIMIT`]); a declared length over it is a 413 at once.
fn upload(headers: &HeaderMap, body: Body) -> Result<Upload, ApiError> {
    if announces_more_than(headers, UPLOAD_BODY_LIMIT) {
        return Err(ApiError(too_large()));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared == Some(0) {
        return Err(ApiError(AppError::bad_request(
            "The request body must be a tar archive",
        )));
    }
    let failure = Arc::new(UploadFailure::default());
    let seen = failure.clone();
    let stream = body
        .into_data_stream()
        .map(move |chunk| {
            chunk.map_err(|err| {
                let text = std::error::Error::source(&err)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| err.to_string());
                if text.contains("length limit exceeded")
                    || err.to_string().contains("length limit")
                {
                    seen.too_large.store(true, Ordering::Relaxed);
                } else {
                    seen.broken.store(true, Ordering::Relaxed);
                }
                std::io::Error::other(err)
            })
        })
        .boxed();
    Ok(Upload { stream, failure })
}

async fn build_image(State(state): State<AppState>, request: Request) -> ApiResult {
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let body = axum::RequestExt::into_limited_body(request);
    if is_archive(&headers) {
        let options: BuildQuery = query(&uri)?;
        let build = BuildRequest {
            path: None,
            tag: options.tag,
            dockerfile: options.dockerfile,
            buildargs: json_map_param("buildargs", options.buildargs)?,
            labels: json_map_param("labels", options.labels)?,
            nocache: options.nocache,
            pull: options.pull,
            rm: options.rm,
        };
        let upload = upload(&headers, body)?;
        if wants_event_stream(&headers) {
            let failure = upload.failure.clone();
            let steps = state
                .docker
                .build_image_from_tar_progress(build, upload.stream)
                .await?
                .map(move |step| step.map_err(|err| failure.error().unwrap_or(err)));
            return Ok(progress_stream(steps));
        }
        let result = state
            .docker
            .build_image_from_tar(build, upload.stream)
            .await;
        return match result {
            Ok(result) => created("result", result),
            Err(err) => Err(ApiError(upload.failure.error().unwrap_or(err))),
        };
    }
    let json_too_large = || {
        AppError::PayloadTooLarge(format!(
            "Request body is larger than the {} MiB limit for JSON; upload a build context as \
             application/x-tar instead",
            JSON_BODY_LIMIT / (1024 * 1024)
        ))
    };
    if announces_more_than(&headers, JSON_BODY_LIMIT) {
        return Err(ApiError(json_too_large()));
    }
    let bytes = axum::body::to_bytes(body, JSON_BODY_LIMIT)
        .await
        .map_err(|_| json_too_large())?;
    let build: BuildRequest = parse_json_body(&bytes)?;
    if wants_event_stream(&headers) {
        return Ok(progress_stream(
            state.docker.build_image_from_path_progress(build).await?,
        ));
    }
    created("result", state.docker.build_image_from_path(build).await?)
}

async fn load_images(State(state): State<AppState>, request: Request) -> ApiResult {
    let headers = request.headers().clone();
    let body = axum::RequestExt::into_limited_body(request);
    let upload = upload(&headers, body)?;
    match state.docker.load_images(upload.stream).await {
        Ok(result) => ok("result", result),
        Err(err) => Err(ApiError(upload.failure.error().unwrap_or(err))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_split_from_references_with_slashes() {
        assert_eq!(
            split_action("127.0.0.1:5055/team/app:1/remove"),
            ("127.0.0.1:5055/team/app:1", Some("remove"))
        );
        assert_eq!(
            split_action("127.0.0.1:5055/team/app:1"),
            ("127.0.0.1:5055/team/app:1", None)
        );
        assert_eq!(
            split_action("busybox/history"),
            ("busybox", Some("history"))
        );
        assert_eq!(split_action("team/other"), ("team/other", None));
        assert_eq!(split_action("remove"), ("remove", None));
    }
}
