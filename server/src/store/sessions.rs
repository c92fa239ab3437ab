//! The `sessions` table: console logins, stored as the SHA-256 of the cookie's session id.

use rusqlite::{OptionalExtension, params};

use super::users::role_from_column;
use super::{Store, database_error, now};
use app::error::AppError;
use app::model::auth::Role;

/// A live session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The user's name.
    pub user: String,
    /// The user's current role (read at each request, so a change applies at once).
    pub role: Role,
    /// The token the console must send in `X-CSRF-Token` on state-changing requests.
    pub csrf_token: String,
}

impl Store {
    /// Records a new session for `user`, valid for `lifetime_secs`.
    pub fn add_session(
        &self,
        id_hash: &str,
        user: &str,
        csrf_token: &str,
        lifetime_secs: i64,
    ) -> Result<(), AppError> {
        let created = now();
        let connection = self.lock();
        // Forget expired sessions while we are here.
        connection
            .execute(
                "DELETE FROM sessions WHERE expires_at <= ?1",
                params![created],
            )
            .map_err(database_error)?;
        connection
            .execute(
                "INSERT INTO sessions (id_hash, user_name, csrf_token, created, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id_hash, user, csrf_token, created, created + lifetime_secs],
            )
            .map_err(database_error)?;
        Ok(())
    }

    /// The unexpired session whose id hashes to `id_hash`, with its user's current role.
    pub fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, AppError> {
        self.lock()
            .query_row(
                "SELECT users.name, users.role, sessions.csrf_token FROM sessions \
                 JOIN users ON users.name = sessions.user_name \
                 WHERE sessions.id_hash = ?1 AND sessions.expires_at > ?2",
                params![id_hash, now()],
                |row| {
                    Ok(SessionRecord {
                        user: row.get(0)?,
                        role: role_from_column(&row.get::<_, String>(1)?)?,
                        csrf_token: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(database_error)
    }

    /// Ends a session.
    pub fn remove_session(&self, id_hash: &str) -> Result<(), AppError> {
        self.lock()
            .execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
            .map_err(database_error)?;
        Ok(())
    }
}
