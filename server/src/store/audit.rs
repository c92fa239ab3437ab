//! The `audit` table: who did what, when, from where, and how it ended.

use rusqlite::params;

use super::{Store, database_error, now};
use app::docker::time::unix_to_rfc3339;
use app::error::AppError;

pub use app::model::auth::{AuditEntry, Outcome};

/// A new audit row (its time is the time of recording).
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    /// The user's or the token's name.
    pub user: Option<&'a str>,
    /// `token:<name>`, `session` or `anonymous`.
    pub auth: &'a str,
    /// The client's address.
    pub remote_addr: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// Path as requested.
    pub path: &'a str,
    /// HTTP status.
    pub status: u16,
}

/// Filters of `GET /api/audit`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// At most this many rows.
    pub limit: u32,
    /// Only this user's or token's rows.
    pub user: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
}

impl Store {
    /// Appends a row; a failure is logged, never answered (auditing must not break a request).
    pub fn record_audit(&self, entry: &NewAuditEntry<'_>) {
        let outcome = Outcome::of_status(entry.status);
        let written = self.lock().execute(
            "INSERT INTO audit (time, user_name, auth, remote_addr, method, path, status, outcome) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                now(),
                entry.user,
                entry.auth,
                entry.remote_addr,
                entry.method,
                entry.path,
                entry.status,
                outcome.as_str()
            ],
        );
        if let Err(err) = written {
            tracing::error!(error = %err, path = entry.path, "could not write an audit row");
        }
    }

    /// Audit rows matching `filter`, newest first.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(
                "SELECT time, user_name, auth, remote_addr, method, path, status, outcome FROM audit \
                 WHERE (?1 IS NULL OR user_name = ?1) AND (?2 IS NULL OR outcome = ?2) \
                 ORDER BY id DESC LIMIT ?3",
            )
            .map_err(database_error)?;
        let rows = statement
            .query_map(
                params![
                    filter.user,
                    filter.outcome.map(Outcome::as_str),
                    filter.limit
                ],
                |row| {
                    let outcome: String = row.get(7)?;
                    Ok(AuditEntry {
                        time: unix_to_rfc3339(row.get(0)?),
                        user: row.get(1)?,
                        auth: row.get(2)?,
                        remote_addr: row.get(3)?,
                        method: row.get(4)?,
                        path: row.get(5)?,
                        status: row.get(6)?,
                        outcome: match outcome.as_str() {
                            "allowed" => Outcome::Allowed,
                            "denied" => Outcome::Denied,
                            _ => Outcome::Failed,
                        },
                    })
                },
            )
            .map_err(database_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(database_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_the_status_classes() {
        assert_eq!(Outcome::of_status(200), Outcome::Allowed);
        // An exec session: the WebSocket upgrade went through.
        assert_eq!(Outcome::of_status(101), Outcome::Allowed);
        assert_eq!(Outcome::of_status(303), Outcome::Allowed);
        assert_eq!(Outcome::of_status(401), Outcome::Denied);
        assert_eq!(Outcome::of_status(403), Outcome::Denied);
        assert_eq!(Outcome::of_status(429), Outcome::Denied);
        assert_eq!(Outcome::of_status(404), Outcome::Failed);
        assert_eq!(Outcome::of_status(500), Outcome::Failed);
    }

    #[test]
    fn audit_rows_come_back_newest_first_and_filtered() {
        let store = Store::in_memory().expect("store");
        for (user, status) in [(Some("ana"), 200), (None, 401), (Some("ana"), 500)] {
            store.record_audit(&NewAuditEntry {
                user,
                auth: "session",
                remote_addr: "127.0.0.1",
                method: "POST",
                path: "/api/containers/web/stop",
                status,
            });
        }
        let all = store
            .audit_entries(&AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .expect("rows");
        assert_eq!(
            all.iter().map(|e| e.status).collect::<Vec<_>>(),
            [500, 401, 200]
        );
        let denied = store
            .audit_entries(&AuditFilter {
                limit: 10,
                outcome: Some(Outcome::Denied),
                ..Default::default()
            })
            .expect("rows");
        assert_eq!(denied.len(), 1);
        let ana = store
            .audit_entries(&AuditFilter {
                limit: 1,
                user: Some("ana".into()),
                ..Default::default()
            })
            .expect("rows");
        assert_eq!(ana.len(), 1);
        assert_eq!(ana[0].status, 500);
    }
}
