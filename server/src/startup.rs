//! Starting to serve: open the database, create the first admin from `BERTH_ADMIN_PASSWORD`, and refuse
//! configurations that would expose Docker without credentials.

use crate::auth::{AuthMode, credentials};
use crate::store::Store;
use crate::{AppState, Config};
use app::model::auth::Role;

/// Why Berth will not start, and the exit code to leave with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StartupError {
    /// 2 for a refused configuration, 1 for anything else.
    pub exit_code: i32,
    /// A sentence saying what to do.
    pub message: String,
}

impl StartupError {
    fn refused(message: String) -> Self {
        Self {
            exit_code: 2,
            message,
        }
    }

    fn failed(message: String) -> Self {
        Self {
            exit_code: 1,
            message,
        }
    }
}

/// The first admin's password from `BERTH_ADMIN_PASSWORD` or the file named by
/// `BERTH_ADMIN_PASSWORD_FILE` (Docker secrets), trailing newline removed.
fn admin_password_from_environment() -> Result<Option<String>, StartupError> {
    if let Some(password) = std::env::var("BERTH_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(Some(password));
    }
    let Some(file) = std::env::var_os("BERTH_ADMIN_PASSWORD_FILE").filter(|f| !f.is_empty()) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&file).map_err(|err| {
        StartupError::failed(format!(
            "Cannot read BERTH_ADMIN_PASSWORD_FILE {}: {err}",
            std::path::Path::new(&file).display()
        ))
    })?;
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_string()))
}

/// Creates the user `admin` (role admin) from the environment when the database holds no user yet.
fn bootstrap_admin(store: &Store) -> Result<(), StartupError> {
    let Some(password) = admin_password_from_environment()? else {
        return Ok(());
    };
    let fail = |err: app::error::AppError| StartupError::failed(err.to_string());
    if store.has_users().map_err(fail)? {
        return Ok(());
    }
    credentials::check_new_password(&password)
        .map_err(|err| StartupError::refused(format!("BERTH_ADMIN_PASSWORD: {err}")))?;
    let hash = credentials::hash_password(&password).map_err(fail)?;
    store.add_user("admin", Role::Admin, &hash).map_err(fail)?;
    tracing::info!("created the user 'admin' from BERTH_ADMIN_PASSWORD");
    Ok(())
}

/// Everything the server needs before it listens, or why it must not start.
pub fn prepare(config: &Config) -> Result<AppState, StartupError> {
    if config.auth == AuthMode::Off && !config.insecure_no_auth {
        return Err(StartupError::refused(
            "--auth off serves the Docker API to anyone who can reach it; add --insecure-no-auth \
             to confirm, or drop --auth off"
                .into(),
        ));
    }
    if config.request_timeout() <= config.docker_timeout() {
        return Err(StartupError::refused(format!(
            "--request-timeout ({} s) must be longer than --docker-timeout ({} s): a request waits for \
             the daemon",
            config.request_timeout().as_secs(),
            config.docker_timeout
        )));
    }
    let data_dir = config.data_dir();
    let store = Store::open(&data_dir).map_err(|err| StartupError::failed(err.to_string()))?;
    bootstrap_admin(&store)?;
    let has_credentials = store
        .has_credentials()
        .map_err(|err| StartupError::failed(err.to_string()))?;
    if !config.host.is_loopback() && !has_credentials && !config.insecure_no_auth {
        return Err(StartupError::refused(format!(
            "Refusing to serve on {} without credentials: create one first (berth user add NAME \
             --role admin, or berth token create NAME --role admin, with --data-dir {}), or set \
             BERTH_ADMIN_PASSWORD, or listen on 127.0.0.1, or pass --insecure-no-auth",
            config.host,
            data_dir.display()
        )));
    }
    Ok(AppState::with_store(config, store))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn a_request_timeout_not_longer_than_the_docker_timeout_is_refused() {
        let config =
            Config::parse_from(["berth", "--docker-timeout", "30", "--request-timeout", "30"]);
        let refused = prepare(&config).err().expect("refused");
        assert_eq!(refused.exit_code, 2);
        assert!(
            refused.message.contains("--request-timeout"),
            "{}",
            refused.message
        );
    }
}
