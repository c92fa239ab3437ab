//! Image registry operations: pull and push (each with per-layer progress, one mapping of the daemon's
//! messages for both) and search.

use std::future::Future;
use std::pin::Pin;

use bollard::models::CreateImageInfo;

use super::super::raw;
use super::*;

/// The daemon's messages of a pull or a push.
type DaemonProgress = Pin<Box<dyn Stream<Item = Result<CreateImageInfo, BollardError>> + Send>>;

/// Where a followed pull or push is: the daemon's messages (gone once it ended or failed), the statuses
/// about the whole image so far, and what makes the result at the end.
struct RegistryRun<F> {
    progress: Option<DaemonProgress>,
    service: DockerService,
    reference: String,
    image_statuses: Vec<String>,
    finish: Option<F>,
}

/// One daemon message of a pull or a push as Berth reports it: `id` names a layer, or is `None` for a
/// message about the whole image (the daemon's `Pulling from <repository>` carries the tag as its id).
fn layer_progress(info: CreateImageInfo) -> PullProgress {
    let detail = info.progress_detail.unwrap_or_default();
    let status = info.status.unwrap_or_default();
    let about_the_image = status.starts_with("Pulling from ");
    PullProgress {
        id: info.id.filter(|id| !id.is_empty() && !about_the_image),
        status,
        current: detail.current,
        total: detail.total,
    }
}

impl DockerService {
    /// Pulls an image from its registry (Docker Hub or any other, e.g. `127.0.0.1:5055/team/app`).
    pub async fn pull_image(&self, request: PullRequest) -> Result<PullResult, AppError> {
        final_result(self.pull_image_progress(request).await?).await
    }

    /// Pulls an image, reporting the daemon's progress messages as they come, then the result. Bad
    /// input and an unreachable daemon fail before the stream starts; registry failures come inside it.
    pub async fn pull_image_progress(
        &self,
        request: PullRequest,
    ) -> Result<ProgressStream<PullProgress, PullResult>, AppError> {
        let image = request
            .image
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .ok_or_else(|| AppError::bad_request("Image name is required"))?;
        validate_reference(image)?;
        let name = ImageName::parse(image).with_tag(request.tag.as_deref(), image)?;
        let reference = name.full();
        let client = self.stream_client().await?;
        let options = CreateImageOptions {
            from_image: Some(name.repository.clone()),
            tag: Some(name.tag_or_latest().to_string()),
            ..Default::default()
        };
        let auth = credentials(request.auth.or(request.registry_auth));
        let progress = self.timed_stream(
            Operation::ImagePull,
            client.create_image(Some(options), None, auth),
        );
        Ok(self.registry_progress(
            StreamKind::Pull,
            progress,
            reference,
            |service, reference, _| async move { service.pulled(&reference).await },
        ))
    }

    /// Follows the daemon's messages of a pull or a push of `reference`: each one as a progress step, then
    /// the result `finish` makes (given the statuses about the whole image, those with no layer id), or
    /// the first error; a registry that goes quiet for [`REGISTRY_IDLE_TIMEOUT`] is an error too.
    fn registry_progress<S, F, Fut, R>(
        &self,
        kind: StreamKind,
        progress: S,
        reference: String,
        finish: F,
    ) -> ProgressStream<PullProgress, R>
    where
        S: Stream<Item = Result<CreateImageInfo, BollardError>> + Send + 'static,
        F: FnOnce(DockerService, String, Vec<String>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, AppError>> + Send,
        R: Send + 'static,
    {
        let state = RegistryRun {
            progress: Some(Box::pin(progress)),
            service: self.clone(),
            reference,
            image_statuses: Vec::new(),
            finish: Some(finish),
        };
        let steps = stream::unfold(state, |mut run| async move {
            let progress = run.progress.as_mut()?;
            let step = match tokio::time::timeout(REGISTRY_IDLE_TIMEOUT, progress.next()).await {
                Err(_) => Err(AppError::ServiceUnavailable(format!(
                    "The registry of image '{}' did not answer within {} seconds",
                    run.reference,
                    REGISTRY_IDLE_TIMEOUT.as_secs()
                ))),
                Ok(Some(Ok(info))) => {
                    let step = layer_progress(info);
                    if step.id.is_none() {
                        run.image_statuses.push(step.status.clone());
                    }
                    return Some((Ok(Progress::Step(step)), run));
                }
                Ok(Some(Err(err))) => {
                    let error = registry_error(err, &run.reference);
                    if error == AppError::DaemonUnavailable {
                        run.service.reset().await;
                    }
                    Err(error)
                }
                Ok(None) => {
                    run.progress = None;
                    let finish = run.finish.take()?;
                    let statuses = std::mem::take(&mut run.image_statuses);
                    finish(run.service.clone(), run.reference.clone(), statuses)
                        .await
                        .map(Progress::Done)
                }
            };
            run.progress = None;
            Some((step, run))
        });
        Tracked::new(steps, self.stream_counter(), kind).boxed()
    }

    /// The result of a finished pull.
    async fn pulled(&self, reference: &str) -> Result<PullResult, AppError> {
        let inspect = self.inspect_image_raw(reference).await?;
        let size = inspect.size.unwrap_or_default();
        Ok(PullResult {
            message: format!("Image '{reference}' pulled successfully"),
            image_id: inspect.id.unwrap_or_default(),
            tags: real_tags(inspect.repo_tags.unwrap_or_default()),
            size: human_size(size),
            size_bytes: size,
            status: "pulled".into(),
        })
    }

    /// Pushes `repo[:tag]` to its registry.
    pub async fn push_image(
        &self,
        reference: &str,
        request: PushRequest,
    ) -> Result<PushResult, AppError> {
        final_result(self.push_image_progress(reference, request).await?).await
    }

    /// Pushes `repo[:tag]`, reporting the daemon's progress messages (one layer each) as they come, then
    /// the result. Bad input, a missing local image and an unreachable daemon fail before the stream
    /// starts; registry failures (refused, unreachable, silent) come inside it.
    pub async fn push_image_progress(
        &self,
        reference: &str,
        request: PushRequest,
    ) -> Result<ProgressStream<PullProgress, PushResult>, AppError> {
        validate_reference(reference)?;
        if reference.starts_with("sha256:") {
            return Err(AppError::bad_request(format!(
                "Cannot push image '{reference}' by its id; tag it with a repository name and push that"
            )));
        }
        let name = ImageName::parse(reference).with_tag(request.tag.as_deref(), reference)?;
        if name.digest {
            return Err(AppError::bad_request(format!(
                "Cannot push a digest reference '{reference}'; push a tag"
            )));
        }
        let full = name.full();
        // a missing local image is a plain 404, not a registry error
        self.inspect_image_raw(&full).await?;
        let client = self.stream_client().await?;
        let auth = credentials(request.auth.or(request.registry_auth));
        let progress = self.timed_stream(
            Operation::ImagePush,
            raw::push_with_layer_ids(&client, &name.repository, name.tag_or_latest(), auth),
        );
        Ok(self.registry_progress(
            StreamKind::Push,
            progress,
            full,
            |_, full, statuses| async move {
                let digest = statuses.iter().filter_map(|s| pushed_digest(s)).next_back();
                Ok(PushResult {
                    message: format!("Image '{full}' pushed successfully"),
                    image: full,
                    digest,
                    status: "pushed".into(),
                })
            },
        ))
    }

    /// Searches Docker Hub (through the daemon), giving up after [`SEARCH_TIMEOUT`].
    pub async fn search_images(
        &self,
        term: &str,
        limit: i32,
    ) -> Result<Vec<ImageSearchResult>, AppError> {
        let term = term.trim();
        if term.is_empty() {
            return Err(AppError::bad_request("Search term is required"));
        }
        if !(1..=100).contains(&limit) {
            return Err(AppError::bad_request(format!(
                "Invalid query parameter 'limit': {limit} is not between 1 and 100"
            )));
        }
        let client = self.client().await?;
        let options = SearchImagesOptions {
            term: term.to_string(),
            limit: Some(limit),
            ..Default::default()
        };
        let unreachable = |detail: String| {
            AppError::ServiceUnavailable(format!(
                "The image registry could not be reached to search for '{term}': {detail}"
            ))
        };
        let search = calls::bounded_call(
            &self.calls,
            SEARCH_TIMEOUT,
            Operation::ImageSearch,
            client.search_images(options),
        );
        // A shorter docker timeout cuts the search first: that is the 504 of any slow daemon call.
        match search.await {
            Err(BollardError::RequestTimeoutError) if SEARCH_TIMEOUT <= self.docker_timeout => {
                Err(unreachable(format!(
                    "no answer within {} seconds",
                    SEARCH_TIMEOUT.as_secs()
                )))
            }
            Ok(items) => Ok(items
                .into_iter()
                .map(|item| ImageSearchResult {
                    name: item.name.unwrap_or_default(),
                    description: item.description.unwrap_or_default(),
                    stars: item.star_count.unwrap_or_default(),
                    official: item.is_official.unwrap_or_default(),
                    automated: item.is_automated.unwrap_or_default(),
                })
                .collect()),
            Err(err) if is_connection_error(&err) => Err(self.fail(err, "Image search").await),
            Err(err) => match daemon_message(&err) {
                // The registry answered, but has no search (a plain v2 registry such as Distribution's).
                Some(message) if message.contains("Unexpected status code 404") => {
                    Err(AppError::NotFound(format!(
                        "The registry of '{term}' offers no search (it answered 404 to the engine)"
                    )))
                }
                Some(message) => {
                    // a 5xx answer: the daemon's words go to the log only
                    tracing::warn!(%message, term, "image search failed");
                    Err(unreachable("the engine could not reach it".into()))
                }
                None => Err(self.fail(err, "Image search").await),
            },
        }
    }
}
