//! `docker build` from a path in the build root or an uploaded context, with progress.

use super::*;

impl DockerService {
    /// Builds an image from a directory on the server's host (subject to the build root policy).
    pub async fn build_image_from_path(
        &self,
        request: BuildRequest,
    ) -> Result<BuildResult, AppError> {
        final_result(self.build_image_from_path_progress(request).await?).await
    }

    /// Like [`Self::build_image_from_path`], reporting the builder's output lines as they come.
    pub async fn build_image_from_path_progress(
        &self,
        request: BuildRequest,
    ) -> Result<ProgressStream<BuildProgress, BuildResult>, AppError> {
        let path = request
            .path
            .clone()
            .ok_or_else(|| AppError::bad_request("Field 'path' is required"))?;
        let dockerfile = request
            .dockerfile
            .clone()
            .unwrap_or_else(|| "Dockerfile".into());
        context::validate_dockerfile_name(&dockerfile)?;
        let build_root = self.policy().build_root.clone();
        let archive = tokio::task::spawn_blocking(move || {
            let context = context::resolve_context(&path, build_root.as_deref())?;
            context::tar_context(&context, &dockerfile)
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "build context task failed");
            AppError::Internal("Could not read the build context".into())
        })??;
        self.build_image(request, BuildContext::Archive(Bytes::from(archive)))
            .await
    }

    /// Builds an image from an uploaded tar build context, streamed to the daemon as it arrives.
    pub async fn build_image_from_tar<S>(
        &self,
        request: BuildRequest,
        archive: S,
    ) -> Result<BuildResult, AppError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        final_result(self.build_image_from_tar_progress(request, archive).await?).await
    }

    /// Like [`Self::build_image_from_tar`], reporting the builder's output lines as they come.
    pub async fn build_image_from_tar_progress<S>(
        &self,
        request: BuildRequest,
        archive: S,
    ) -> Result<ProgressStream<BuildProgress, BuildResult>, AppError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        if request.path.is_some() {
            return Err(AppError::bad_request(
                "Parameter 'path' cannot be combined with an uploaded build context",
            ));
        }
        if let Some(dockerfile) = &request.dockerfile {
            context::validate_dockerfile_name(dockerfile)?;
        }
        self.build_image(request, BuildContext::Upload(archive.boxed()))
            .await
    }

    async fn build_image(
        &self,
        request: BuildRequest,
        context: BuildContext,
    ) -> Result<ProgressStream<BuildProgress, BuildResult>, AppError> {
        let tag = request
            .tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if let Some(tag) = &tag {
            validate_reference(tag)?;
            ImageName::parse(tag).with_tag(None, tag)?;
        }
        let rm = request.rm.unwrap_or(true);
        let options = BuildImageOptions {
            dockerfile: request
                .dockerfile
                .clone()
                .unwrap_or_else(|| "Dockerfile".into()),
            t: tag.clone(),
            nocache: request.nocache.unwrap_or(false),
            pull: request.pull.unwrap_or(false).then(|| "1".to_string()),
            rm,
            forcerm: rm,
            buildargs: request
                .buildargs
                .map(|args| args.into_iter().collect::<HashMap<_, _>>()),
            labels: request
                .labels
                .map(|labels| labels.into_iter().collect::<HashMap<_, _>>()),
            ..Default::default()
        };
        let client = self.stream_client().await?;
        let progress = forward_build(self.clone(), client, options, context);
        let state = BuildState {
            progress: Some(progress),
            service: self.clone(),
            tag,
            logs: Vec::new(),
            ready: std::collections::VecDeque::new(),
            image_id: None,
        };
        let steps = stream::unfold(state, |mut state| async move {
            loop {
                if let Some(line) = state.ready.pop_front() {
                    return Some((Ok(Progress::Step(BuildProgress { line })), state));
                }
                let progress = state.progress.as_mut()?;
                match progress.next().await {
                    Some(Ok(info)) => {
                        if let Some(text) = info.stream {
                            for line in text.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
                                state.logs.push(line.to_string());
                                state.ready.push_back(line.to_string());
                            }
                        }
                        if let Some(id) = info.aux.and_then(|aux| aux.id) {
                            state.image_id = Some(id);
                        }
                    }
                    Some(Err(err)) => {
                        state.progress = None;
                        let error = if is_connection_error(&err) {
                            state.service.fail(err, "Image build").await
                        } else {
                            build_failure(err)
                        };
                        return Some((Err(error), state));
                    }
                    None => {
                        state.progress = None;
                        let result = state.built().await.map(Progress::Done);
                        return Some((result, state));
                    }
                }
            }
        });
        Ok(Tracked::new(steps, self.stream_counter(), StreamKind::Build).boxed())
    }
}

/// The daemon's build progress, as bollard gives it.
type BuildStream =
    std::pin::Pin<Box<dyn Stream<Item = Result<bollard::models::BuildInfo, BollardError>> + Send>>;

/// Runs the daemon's build stream (which borrows its client) in a task of its own, forwarding its
/// messages; the task ends, dropping the daemon connection, when the receiving side is dropped.
fn forward_build(
    service: DockerService,
    client: bollard::Docker,
    options: BuildImageOptions,
    context: BuildContext,
) -> BuildStream {
    let (sender, receiver) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        let body = match context {
            BuildContext::Archive(bytes) => bollard::body_full(bytes),
            BuildContext::Upload(stream) => bollard::body_try_stream(stream),
        };
        let build = client.build_image(options, None, Some(body));
        let mut progress = service.timed_stream(Operation::ImageBuild, build);
        loop {
            tokio::select! {
                _ = sender.closed() => break,
                item = progress.next() => match item {
                    Some(item) => {
                        if sender.send(item).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
            }
        }
    });
    Box::pin(stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    }))
}

/// Where a streamed build is.
struct BuildState {
    progress: Option<BuildStream>,
    service: DockerService,
    tag: Option<String>,
    logs: Vec<String>,
    ready: std::collections::VecDeque<String>,
    image_id: Option<String>,
}

impl BuildState {
    /// The result of a finished build.
    async fn built(&mut self) -> Result<BuildResult, AppError> {
        let image_id = self
            .image_id
            .clone()
            .or_else(|| {
                self.logs.iter().rev().find_map(|line| {
                    line.strip_prefix("Successfully built ")
                        .map(|id| id.trim().to_string())
                })
            })
            .ok_or_else(|| AppError::Internal("The build finished without an image id".into()))?;
        let inspect = self.service.inspect_image_raw(&image_id).await?;
        let size = inspect.size.unwrap_or_default();
        let id = inspect.id.unwrap_or(image_id);
        Ok(BuildResult {
            message: match &self.tag {
                Some(tag) => format!("Image '{tag}' built successfully"),
                None => format!("Image {} built successfully", short_id(&id)),
            },
            image_id: id,
            tags: real_tags(inspect.repo_tags.unwrap_or_default()),
            size: human_size(size),
            size_bytes: size,
            build_logs: std::mem::take(&mut self.logs),
            status: "built".into(),
        })
    }
}

/// A build context on its way to the daemon.
enum BuildContext {
    /// A tar archive made in memory.
    Archive(Bytes),
    /// An uploaded tar archive, streamed.
    Upload(BoxStream<'static, Result<Bytes, std::io::Error>>),
}
