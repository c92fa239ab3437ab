//! Berth's database: `berth.db` (SQLite) under the data directory, holding users, API tokens, console
//! sessions and the audit trail. All SQL of the server lives in this module.
//!
//! Migrations are the `.sql` files of `server/migrations/`, applied in order; `PRAGMA user_version`
//! records how many have run.

pub mod audit;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use app::error::AppError;

/// The migrations, in the order they are applied.
const MIGRATIONS: &[(&str, &str)] =
    &[("0001_init", include_str!("../../migrations/0001_init.sql"))];

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "berth.db";

/// A failure to open or migrate the database (reported at startup, then Berth exits).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreOpenError(pub String);

/// The database, shared by every request.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// The data directory when neither `--data-dir` nor `BERTH_DATA_DIR` is given:
/// `$XDG_DATA_HOME/berth`, else `~/.local/share/berth`.
pub fn default_data_dir() -> PathBuf {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("berth");
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local").join("share").join("berth")
}

impl Store {
    /// Opens (creating when missing) `berth.db` under `data_dir`, which is created with mode 0700; the
    /// file gets mode 0600. Applies pending migrations.
    pub fn open(data_dir: &Path) -> Result<Self, StoreOpenError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let connection = Connection::open(&path).map_err(|err| {
            StoreOpenError(format!(
                "Cannot open the database {}: {err}",
                path.display()
            ))
        })?;
        restrict_file(&path)?;
        Self::from_connection(connection)
    }

    /// A private database in memory (nothing persists; for tests and as a fail-closed fallback).
    pub fn in_memory() -> Result<Self, StoreOpenError> {
        let connection = Connection::open_in_memory()
            .map_err(|err| StoreOpenError(format!("Cannot open an in-memory database: {err}")))?;
        Self::from_connection(connection)
    }

    fn from_connection(mut connection: Connection) -> Result<Self, StoreOpenError> {
        let setup = |c: &Connection| -> rusqlite::Result<()> {
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            c.pragma_update(None, "foreign_keys", true)?;
            c.pragma_update(None, "synchronous", "NORMAL")?;
            // WAL lets the CLI write while a server reads; in-memory databases answer "memory".
            let _mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            Ok(())
        };
        setup(&connection)
            .map_err(|err| StoreOpenError(format!("Cannot configure the database: {err}")))?;
        migrate(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// The connection, for the store's own modules.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (every write is one
        // statement or one transaction), so a poisoned lock is still usable.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether any user or token exists (then authentication is on).
    pub fn has_credentials(&self) -> Result<bool, AppError> {
        self.lock()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tokens)",
                [],
                |row| row.get(0),
            )
            .map_err(database_error)
    }
}

/// Logs a database failure and answers a short 500 (details stay in the log).
pub(crate) fn database_error(err: rusqlite::Error) -> AppError {
    tracing::error!(error = %err, "database error");
    AppError::Internal("Database error".into())
}

/// Whether the error is a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn migrate(connection: &mut Connection) -> Result<(), StoreOpenError> {
    let fail = |err: rusqlite::Error| StoreOpenError(format!("Cannot migrate the database: {err}"));
    // One writer at a time: a server and a CLI opening a new database together must not both run
    // the same migration, so the version is read inside the write transaction.
    let transaction = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(fail)?;
    let applied: i64 = transaction
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(fail)?;
    if applied > MIGRATIONS.len() as i64 {
        return Err(StoreOpenError(format!(
            "The database was written by a newer Berth (schema version {applied}, this one knows {})",
            MIGRATIONS.len()
        )));
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied.max(0) as usize) {
        transaction
            .execute_batch(sql)
            .map_err(|err| StoreOpenError(format!("Migration {name} failed: {err}")))?;
        transaction
            .pragma_update(None, "user_version", (index + 1) as i64)
            .map_err(fail)?;
    }
    transaction.commit().map_err(fail)
}

fn create_private_dir(dir: &Path) -> Result<(), StoreOpenError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|err| {
                StoreOpenError(format!(
                    "Cannot create the data directory {}: {err}",
                    dir.display()
                ))
            })?;
        // `recursive` applies the mode to every directory it creates; make sure of the last one.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|err| StoreOpenError(format!("Cannot restrict {}: {err}", dir.display())))?;
    } else if !dir.is_dir() {
        return Err(StoreOpenError(format!(
            "The data directory {} is not a directory",
            dir.display()
        )));
    }
    Ok(())
}

fn restrict_file(path: &Path) -> Result<(), StoreOpenError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|err| StoreOpenError(format!("Cannot restrict {}: {err}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_private_and_migrated_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("nested").join("berth");
        let store = Store::open(&data).expect("open");
        assert!(!store.has_credentials().expect("query"));
        let dir_mode = std::fs::metadata(&data).expect("dir").permissions().mode() & 0o777;
        let file_mode = std::fs::metadata(data.join(DATABASE_FILE))
            .expect("file")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!((dir_mode, file_mode), (0o700, 0o600));
        drop(store);
        let reopened = Store::open(&data).expect("reopen runs no migration twice");
        let version: i64 = reopened
            .lock()
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}
