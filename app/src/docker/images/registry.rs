//! Image registry operations: pull (with progress), push and search.

use super::*;

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
        let state = (Some(progress), self.clone(), reference);
        let steps = stream::unfold(state, |(progress, service, reference)| async move {
            let mut progress = progress?;
            match tokio::time::timeout(REGISTRY_IDLE_TIMEOUT, progress.next()).await {
                Err(_) => {
                    let error = AppError::ServiceUnavailable(format!(
                        "The registry of image '{reference}' did not answer within {} seconds",
                        REGISTRY_IDLE_TIMEOUT.as_secs()
                    ));
                    Some((Err(error), (None, service, reference)))
                }
                Ok(Some(Ok(info))) => {
                    let detail = info.progress_detail.unwrap_or_default();
                    let step = PullProgress {
                        id: info.id.filter(|id| !id.is_empty()),
                        status: info.status.unwrap_or_default(),
                        current: detail.current,
                        total: detail.total,
                    };
                    Some((
                        Ok(Progress::Step(step)),
                        (Some(progress), service, reference),
                    ))
                }
                Ok(Some(Err(err))) => {
                    let error = registry_error(err, &reference);
                    if error == AppError::DaemonUnavailable {
                        service.reset().await;
                    }
                    Some((Err(error), (None, service, reference)))
                }
                Ok(None) => {
                    drop(progress);
                    let result = service.pulled(&reference).await.map(Progress::Done);
                    Some((result, (None, service, reference)))
                }
            }
        });
        Ok(Tracked::new(steps, self.stream_counter(), StreamKind::Pull).boxed())
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
        let options = PushImageOptions {
            tag: name.tag.clone(),
            ..Default::default()
        };
        let auth = credentials(request.auth.or(request.registry_auth));
        let progress = self.timed_stream(
            Operation::ImagePush,
            client.push_image(&name.repository, Some(options), auth),
        );
        let items = drain_registry_stream(progress, &full).await?;
        let digest = items
            .iter()
            .filter_map(|item| item.status.as_deref().and_then(pushed_digest))
            .next_back();
        Ok(PushResult {
            message: format!("Image '{full}' pushed successfully"),
            image: full,
            digest,
            status: "pushed".into(),
        })
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
