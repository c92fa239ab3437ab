//! The `tokens` table: API tokens, stored as the SHA-256 of their secret, with an optional expiry,
//! label scope and verb list.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::users::role_from_column;
use super::{Store, database_error, is_unique_violation, now};
use app::docker::time::unix_to_rfc3339;
use app::error::AppError;
use app::model::auth::Role;

/// What a new token is allowed to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenGrant {
    /// Its role.
    pub role: Option<Role>,
    /// Unix seconds after which it stops working.
    pub expires_at: Option<i64>,
    /// Label scope: only containers carrying all of these.
    pub labels: BTreeMap<String, String>,
    /// Allowed verbs (empty: everything the role may do).
    pub allow: Vec<String>,
}

/// A token as stored (the secret itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Unique name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Expiry, Unix seconds.
    pub expires_at: Option<i64>,
    /// Revoked tokens never work again.
    pub revoked: bool,
    /// Label scope.
    pub labels: BTreeMap<String, String>,
    /// Allowed verbs.
    pub allow: Vec<String>,
}

/// A token as listed by the API and the CLI.
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Expiry, RFC 3339 (null: never).
    pub expires_at: Option<String>,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Whether it has expired.
    pub expired: bool,
    /// Label scope.
    pub labels: BTreeMap<String, String>,
    /// Allowed verbs (empty: all of the role's).
    pub allow: Vec<String>,
}

impl TokenRecord {
    /// Whether the token works at Unix time `at`.
    pub fn is_active(&self, at: i64) -> bool {
        !self.revoked && self.expires_at.is_none_or(|expiry| at < expiry)
    }

    /// The listing shape.
    pub fn view(&self) -> TokenView {
        TokenView {
            name: self.name.clone(),
            role: self.role,
            created: unix_to_rfc3339(self.created),
            expires_at: self.expires_at.map(unix_to_rfc3339),
            revoked: self.revoked,
            expired: self.expires_at.is_some_and(|expiry| now() >= expiry),
            labels: self.labels.clone(),
            allow: self.allow.clone(),
        }
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let labels: String = row.get(5)?;
        let allow: String = row.get(6)?;
        Ok(TokenRecord {
            name: row.get(0)?,
            role: role_from_column(&row.get::<_, String>(1)?)?,
            created: row.get(2)?,
            expires_at: row.get(3)?,
            revoked: row.get(4)?,
            labels: serde_json::from_str(&labels).unwrap_or_default(),
            allow: serde_json::from_str(&allow).unwrap_or_default(),
        })
    }
}

const TOKEN_COLUMNS: &str = "name, role, created, expires_at, revoked, labels, allow";

impl Store {
    /// Stores a new token under `secret_hash`; a taken name is a 409.
    pub fn add_token(
        &self,
        name: &str,
        role: Role,
        secret_hash: &str,
        grant: &TokenGrant,
    ) -> Result<TokenRecord, AppError> {
        let created = now();
        let labels = serde_json::to_string(&grant.labels).unwrap_or_else(|_| "{}".into());
        let allow = serde_json::to_string(&grant.allow).unwrap_or_else(|_| "[]".into());
        self.lock()
            .execute(
                "INSERT INTO tokens (name, role, secret_hash, created, expires_at, labels, allow) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    name,
                    role.as_str(),
                    secret_hash,
                    created,
                    grant.expires_at,
                    labels,
                    allow
                ],
            )
            .map_err(|err| {
                if is_unique_violation(&err) {
                    AppError::Conflict(format!("Token '{name}' already exists"))
                } else {
                    database_error(err)
                }
            })?;
        Ok(TokenRecord {
            name: name.to_string(),
            role,
            created,
            expires_at: grant.expires_at,
            revoked: false,
            labels: grant.labels.clone(),
            allow: grant.allow.clone(),
        })
    }

    /// The token whose secret hashes to `secret_hash`, active or not.
    pub fn token_by_secret_hash(&self, secret_hash: &str) -> Result<Option<TokenRecord>, AppError> {
        self.lock()
            .query_row(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE secret_hash = ?1"),
                params![secret_hash],
                TokenRecord::from_row,
            )
            .optional()
            .map_err(database_error)
    }

    /// Every token, by name.
    pub fn list_tokens(&self) -> Result<Vec<TokenRecord>, AppError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(&format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY name"))
            .map_err(database_error)?;
        let rows = statement
            .query_map([], TokenRecord::from_row)
            .map_err(database_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(database_error)
    }

    /// Revokes a token at once; an unknown name is a 404.
    pub fn revoke_token(&self, name: &str) -> Result<TokenRecord, AppError> {
        let connection = self.lock();
        let changed = connection
            .execute(
                "UPDATE tokens SET revoked = 1 WHERE name = ?1",
                params![name],
            )
            .map_err(database_error)?;
        if changed == 0 {
            return Err(AppError::NotFound(format!("Token '{name}' not found")));
        }
        connection
            .query_row(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE name = ?1"),
                params![name],
                TokenRecord::from_row,
            )
            .map_err(database_error)
    }

    /// Sets a token's expiry (Unix seconds); an unknown name is a 404.
    pub fn set_token_expiry(&self, name: &str, expires_at: Option<i64>) -> Result<(), AppError> {
        let changed = self
            .lock()
            .execute(
                "UPDATE tokens SET expires_at = ?2 WHERE name = ?1",
                params![name, expires_at],
            )
            .map_err(database_error)?;
        if changed == 0 {
            return Err(AppError::NotFound(format!("Token '{name}' not found")));
        }
        Ok(())
    }
}
