//! Which containers use which image: the images list's in-use marker, the image page's users, and the
//! preview of an image prune (what it would remove and the space it would free, removing nothing).

use bollard::query_parameters::ListContainersOptions;

use super::*;
use crate::model::images::{ImagePage, ImagePrunePreview};

impl DockerService {
    /// The containers (stopped ones too) of each image, by the image's full id (`sha256:...`): names, sorted.
    pub async fn containers_by_image(&self) -> Result<HashMap<String, Vec<String>>, AppError> {
        let client = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let containers = match client.list_containers(Some(options)).await {
            Ok(items) => items,
            Err(err) => return Err(self.fail(err, "Container list").await),
        };
        let mut users: HashMap<String, Vec<String>> = HashMap::new();
        for container in containers {
            let (Some(image), Some(names)) = (container.image_id, container.names) else {
                continue;
            };
            let name = names
                .first()
                .map(|name| name.trim_start_matches('/').to_string())
                .unwrap_or_default();
            users.entry(image).or_default().push(name);
        }
        for names in users.values_mut() {
            names.sort();
        }
        Ok(users)
    }

    /// The top-level images with `containers` counted from the container list (the daemon's own count is
    /// `-1` outside `docker system df`): two daemon calls, made together.
    pub async fn list_images_with_users(&self) -> Result<Vec<ImageSummary>, AppError> {
        let (images, users) = tokio::join!(self.list_images(false), self.containers_by_image());
        let users = users?;
        let counts: HashMap<String, i64> = users
            .iter()
            .map(|(id, names)| (short_id(id), names.len() as i64))
            .collect();
        Ok(images?
            .into_iter()
            .map(|mut image| {
                image.containers = counts.get(&image.id).copied().unwrap_or(0);
                image
            })
            .collect())
    }

    /// One image for its console page: details with history, and the containers using it.
    pub async fn image_page(&self, reference: &str) -> Result<ImagePage, AppError> {
        let (details, users) =
            tokio::join!(self.image_details(reference), self.containers_by_image());
        let details = details?;
        let containers = users?.remove(&details.id).unwrap_or_default();
        Ok(ImagePage {
            details,
            containers,
        })
    }

    /// What [`Self::prune_images`] with the same `dangling_only` would remove, removing nothing: the
    /// untagged images no container uses (or, with `dangling_only = false`, every image no container
    /// uses), and the most space that frees (layers shared with kept images stay, so it may be less).
    pub async fn prune_images_preview(
        &self,
        dangling_only: bool,
    ) -> Result<ImagePrunePreview, AppError> {
        let images: Vec<ImageSummary> = self
            .list_images_with_users()
            .await?
            .into_iter()
            .filter(|image| image.containers == 0 && (!dangling_only || image.tags.is_empty()))
            .collect();
        let space_bytes = images.iter().map(|image| image.size_bytes).sum();
        Ok(ImagePrunePreview {
            dangling_only,
            images,
            space_bytes,
            space: human_size(space_bytes),
        })
    }
}
