//! One action applied to several containers at once, concurrently, with one outcome per container.

use futures_util::stream::{self, StreamExt as _};

use super::*;
use crate::model::containers::{BulkAction, BulkOutcome, BulkResult};

/// The most containers one bulk request may name.
pub const BULK_LIMIT: usize = 500;

/// How many daemon calls of one bulk request run at the same time.
const BULK_CONCURRENCY: usize = 16;

impl DockerService {
    /// Applies `action` to every container of `ids` (ids, prefixes or names; duplicates once), at most
    /// [`BULK_CONCURRENCY`] at a time, and answers one outcome per container in the order given. A failure
    /// for one container does not stop the others. `Remove` removes running containers by force.
    pub async fn bulk_container_action(
        &self,
        action: BulkAction,
        ids: Vec<String>,
    ) -> Result<BulkResult, AppError> {
        let mut unique: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids {
            let id = id.trim().to_string();
            if id.is_empty() {
                return Err(AppError::bad_request(
                    "Every container of a bulk action needs a name or id",
                ));
            }
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        if unique.is_empty() {
            return Err(AppError::bad_request("Select at least one container"));
        }
        if unique.len() > BULK_LIMIT {
            return Err(AppError::bad_request(format!(
                "A bulk action takes at most {BULK_LIMIT} containers, got {}",
                unique.len()
            )));
        }
        let outcomes = stream::iter(unique)
            .map(|id| async move {
                let result = match action {
                    BulkAction::Start => self.start_container(&id).await,
                    BulkAction::Stop => self.stop_container(&id, 10).await,
                    BulkAction::Restart => self.restart_container(&id, 10).await,
                    BulkAction::Kill => self.kill_container(&id, None).await,
                    BulkAction::Pause => self.pause_container(&id).await,
                    BulkAction::Unpause => self.unpause_container(&id).await,
                    BulkAction::Remove => self.remove_container(&id, true).await,
                };
                match result {
                    Ok(done) => BulkOutcome {
                        id,
                        succeeded: true,
                        message: done.message,
                    },
                    Err(error) => BulkOutcome {
                        id,
                        succeeded: false,
                        message: error.to_string(),
                    },
                }
            })
            .buffered(BULK_CONCURRENCY)
            .collect()
            .await;
        Ok(BulkResult { action, outcomes })
    }
}
