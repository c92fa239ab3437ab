//! Container lifecycle: start, stop, restart, remove, kill, pause, unpause and rename.

use super::*;

impl DockerService {
    /// Starts a container; starting a running one succeeds and says so.
    pub async fn start_container(&self, id: &str) -> Result<ActionResult, AppError> {
        let (full_id, name, running) = self.resolve_with_state(id).await?;
        if running {
            let message = format!("Container '{name}' is already running");
            return Ok(action(message, full_id, name, "started"));
        }
        let client = self.client().await?;
        let start = client.start_container(&full_id, None::<StartContainerOptions>);
        let message = match self.call(Operation::ContainerStart, start).await {
            Ok(()) => format!("Container '{name}' started"),
            Err(err) if is_not_modified(&err) => format!("Container '{name}' is already running"),
            Err(err) => return Err(self.fail(err, &subject(id)).await),
        };
        Ok(action(message, full_id, name, "started"))
    }

    /// Stops a container, waiting `timeout` seconds before killing it.
    pub async fn stop_container(&self, id: &str, timeout: i64) -> Result<ActionResult, AppError> {
        let timeout = clamp_timeout(timeout)?;
        let (full_id, name, running) = self.resolve_with_state(id).await?;
        if !running {
            let message = format!("Container '{name}' is already stopped");
            return Ok(action(message, full_id, name, "stopped"));
        }
        // The daemon answers once the process exits or, after `timeout` seconds, is killed.
        let limit = self.docker_timeout_plus(stop_wait(timeout));
        let client = self.client_within(limit).await?;
        let options = StopContainerOptions {
            t: Some(timeout),
            ..Default::default()
        };
        let stop = client.stop_container(&full_id, Some(options));
        let message = match self
            .call_within(Operation::ContainerStop, limit, stop)
            .await
        {
            Ok(()) => format!("Container '{name}' stopped"),
            Err(err) if is_not_modified(&err) => format!("Container '{name}' is already stopped"),
            Err(err) => return Err(self.fail_within(err, &subject(id), limit).await),
        };
        Ok(action(message, full_id, name, "stopped"))
    }

    /// Restarts a container.
    pub async fn restart_container(
        &self,
        id: &str,
        timeout: i64,
    ) -> Result<ActionResult, AppError> {
        let timeout = clamp_timeout(timeout)?;
        let (full_id, name) = self.resolve(id).await?;
        // A restart is a stop (waiting up to `timeout` seconds before the kill) and a start.
        let limit = self.docker_timeout_plus(stop_wait(timeout));
        let client = self.client_within(limit).await?;
        let options = RestartContainerOptions {
            t: Some(timeout),
            ..Default::default()
        };
        let restart = client.restart_container(&full_id, Some(options));
        if let Err(err) = self
            .call_within(Operation::ContainerRestart, limit, restart)
            .await
        {
            return Err(self.fail_within(err, &subject(id), limit).await);
        }
        Ok(action(
            format!("Container '{name}' restarted"),
            full_id,
            name,
            "restarted",
        ))
    }

    /// Removes a container; a running one needs `force`.
    pub async fn remove_container(&self, id: &str, force: bool) -> Result<ActionResult, AppError> {
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let options = RemoveContainerOptions {
            force,
            ..Default::default()
        };
        let remove = client.remove_container(&full_id, Some(options));
        match self.call(Operation::ContainerRemove, remove).await {
            Ok(()) => Ok(action(
                format!("Container '{name}' removed"),
                full_id,
                name,
                "removed",
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => Err(AppError::Conflict(format!(
                "Container '{name}' is running: stop it first or remove it with force=true"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// Sends a signal to a running container (default `SIGKILL`).
    pub async fn kill_container(
        &self,
        id: &str,
        signal: Option<String>,
    ) -> Result<ActionResult, AppError> {
        let signal = signal.unwrap_or_else(|| "SIGKILL".into());
        validate_signal(&signal)?;
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let options = KillContainerOptions {
            signal: signal.clone(),
        };
        let kill = client.kill_container(&full_id, Some(options));
        match self.call(Operation::ContainerKill, kill).await {
            Ok(()) => Ok(action(
                format!("Signal {signal} sent to container '{name}'"),
                full_id,
                name,
                "killed",
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => Err(AppError::Conflict(format!(
                "Container '{name}' is not running"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// Pauses a running container.
    pub async fn pause_container(&self, id: &str) -> Result<ActionResult, AppError> {
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let pause = client.pause_container(&full_id);
        match self.call(Operation::ContainerPause, pause).await {
            Ok(()) => Ok(action(
                format!("Container '{name}' paused"),
                full_id,
                name,
                "paused",
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 409,
                message,
            }) => Err(AppError::Conflict(format!(
                "Container '{name}' cannot be paused: {message}"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// Unpauses a paused container.
    pub async fn unpause_container(&self, id: &str) -> Result<ActionResult, AppError> {
        let (full_id, name) = self.resolve(id).await?;
        let client = self.client().await?;
        let unpause = client.unpause_container(&full_id);
        match self.call(Operation::ContainerUnpause, unpause).await {
            Ok(()) => Ok(action(
                format!("Container '{name}' unpaused"),
                full_id,
                name,
                "unpaused",
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 409,
                message,
            }) => Err(AppError::Conflict(format!(
                "Container '{name}' cannot be unpaused: {message}"
            ))),
            // Docker 20.10 answers 500 for a container that is not paused.
            Err(BollardError::DockerResponseServerError {
                status_code: 500,
                message,
            }) if message.contains("is not paused") => Err(AppError::Conflict(format!(
                "Container '{name}' is not paused"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// Renames a container.
    pub async fn rename_container(
        &self,
        id: &str,
        new_name: &str,
    ) -> Result<ActionResult, AppError> {
        validate_container_name(new_name)?;
        let (full_id, _) = self.resolve(id).await?;
        let client = self.client().await?;
        let options = RenameContainerOptions {
            name: new_name.to_string(),
        };
        let rename = client.rename_container(&full_id, options);
        match self.call(Operation::ContainerRename, rename).await {
            Ok(()) => Ok(action(
                format!("Container renamed to '{new_name}'"),
                full_id,
                new_name.to_string(),
                "renamed",
            )),
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => Err(AppError::Conflict(format!(
                "Container name '{new_name}' is already in use"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }
}

fn action(message: String, container_id: String, name: String, status: &str) -> ActionResult {
    ActionResult {
        message,
        container_id,
        name,
        status: status.into(),
    }
}

/// How long the daemon may wait, given a stop timeout of [`clamp_timeout`], before it kills.
fn stop_wait(timeout: i32) -> std::time::Duration {
    std::time::Duration::from_secs(u64::try_from(timeout).unwrap_or(0))
}

pub(super) fn clamp_timeout(timeout: i64) -> Result<i32, AppError> {
    if (0..=3600).contains(&timeout) {
        Ok(timeout as i32)
    } else {
        Err(AppError::bad_request(format!(
            "Field 'timeout' must be a number of seconds from 0 to 3600, got {timeout}"
        )))
    }
}

pub(super) fn validate_signal(signal: &str) -> Result<(), AppError> {
    let upper = signal.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let known = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
        "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];
    if known.contains(&name) || signal.parse::<u8>().is_ok_and(|n| (1..=64).contains(&n)) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid signal '{signal}': use a name like SIGTERM or a number from 1 to 64"
        )))
    }
}
