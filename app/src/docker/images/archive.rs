//! `docker save` and `docker load`: images as tar archives.

use super::*;

impl DockerService {
    /// Streams `docker save` of one image as a tar archive; an unknown image is a 404 before any byte.
    pub async fn save_image(
        &self,
        reference: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, std::io::Error>>, AppError> {
        self.inspect_image_raw(reference).await?;
        let client = self.stream_client().await?;
        let export = self.timed_stream(Operation::ImageSave, client.export_image(reference));
        // The daemon is asked on the first poll: wait for its first chunk, so that an image removed since
        // the inspect is still a plain error answer rather than a download cut off at its first byte.
        let (first, rest) = first_chunk(export).await;
        let first = match first {
            Some(Err(err)) => {
                return Err(self.fail(err, &format!("Image '{reference}'")).await);
            }
            Some(Ok(chunk)) => Some(chunk),
            None => None,
        };
        let reference = reference.to_string();
        let rest = rest.map(move |chunk| {
            chunk.map_err(|err| {
                tracing::warn!(error = %err, image = %reference, "image export stopped");
                std::io::Error::other(err.to_string())
            })
        });
        Ok(stream::iter(first.map(Ok)).chain(rest).boxed())
    }

    /// Loads images from a `docker save` tar archive streamed in.
    pub async fn load_images<S>(&self, archive: S) -> Result<LoadResult, AppError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let client = self.stream_client().await?;
        let import = client.import_image_stream(ImportImageOptions::default(), archive, None);
        let mut progress = self.timed_stream(Operation::ImageLoad, import);
        let mut lines = Vec::new();
        while let Some(item) = progress.next().await {
            match item {
                Ok(info) => {
                    lines.extend(info.stream.into_iter().chain(info.status));
                }
                Err(err) if is_connection_error(&err) => {
                    return Err(self.fail(err, "Image load").await);
                }
                Err(err) => {
                    return Err(match daemon_message(&err) {
                        Some(message) => AppError::bad_request(format!(
                            "Could not load the image archive: {}",
                            message.trim()
                        )),
                        None => docker_error(err, "Image load"),
                    });
                }
            }
        }
        let images = loaded_images(&lines);
        if images.is_empty() {
            return Err(AppError::bad_request(
                "The archive did not contain any image",
            ));
        }
        Ok(LoadResult {
            message: format!("Loaded {} image(s)", images.len()),
            images,
            status: "loaded".into(),
        })
    }
}
