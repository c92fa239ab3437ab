//! The `users` table: console users with a role and an argon2 password hash.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, database_error, is_unique_violation, now};
use app::error::AppError;
use app::model::auth::Role;

/// A user as listed (never with its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
}

/// A user with its password hash, for verifying a login.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The argon2 PHC string.
    pub password_hash: String,
}

pub(crate) fn role_from_column(text: &str) -> rusqlite::Result<Role> {
    text.parse::<Role>().map_err(|message| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::<dyn std::error::Error + Send + Sync>::from(message),
        )
    })
}

impl Store {
    /// Adds a user; a taken name is a 409.
    pub fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<UserRecord, AppError> {
        let created = now();
        self.lock()
            .execute(
                "INSERT INTO users (name, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), password_hash, created],
            )
            .map_err(|err| {
                if is_unique_violation(&err) {
                    AppError::Conflict(format!("User '{name}' already exists"))
                } else {
                    database_error(err)
                }
            })?;
        Ok(UserRecord {
            name: name.to_string(),
            role,
            created: app::docker::time::unix_to_rfc3339(created),
        })
    }

    /// Every user, by name.
    pub fn list_users(&self) -> Result<Vec<UserRecord>, AppError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare("SELECT name, role, created FROM users ORDER BY name")
            .map_err(database_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok(UserRecord {
                    name: row.get(0)?,
                    role: role_from_column(&row.get::<_, String>(1)?)?,
                    created: app::docker::time::unix_to_rfc3339(row.get(2)?),
                })
            })
            .map_err(database_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(database_error)
    }

    /// Whether any user exists.
    pub fn has_users(&self) -> Result<bool, AppError> {
        self.lock()
            .query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |row| row.get(0))
            .map_err(database_error)
    }

    /// The user named `name` with its password hash, if any.
    pub fn user_credentials(&self, name: &str) -> Result<Option<UserCredentials>, AppError> {
        self.lock()
            .query_row(
                "SELECT name, role, password_hash FROM users WHERE name = ?1",
                params![name],
                |row| {
                    Ok(UserCredentials {
                        name: row.get(0)?,
                        role: role_from_column(&row.get::<_, String>(1)?)?,
                        password_hash: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(database_error)
    }

    /// Removes a user and its sessions; an unknown name is a 404.
    pub fn remove_user(&self, name: &str) -> Result<(), AppError> {
        let removed = self
            .lock()
            .execute("DELETE FROM users WHERE name = ?1", params![name])
            .map_err(database_error)?;
        if removed == 0 {
            return Err(AppError::NotFound(format!("User '{name}' not found")));
        }
        Ok(())
    }
}
