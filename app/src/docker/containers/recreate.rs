//! Recreate: replace a container by one with the same configuration and another image, keeping its name;
//! and create-then-start for the console's form. Either leaves the engine as it was when it fails.

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkConnectRequest, NetworkingConfig,
};

use super::*;
use crate::model::container_create::validate_image_reference;

impl DockerService {
    /// Creates a container and, when `start`, starts it; a container that was created but does not start is
    /// removed again, so a failure leaves nothing behind.
    pub async fn create_container_and_start(
        &self,
        request: CreateContainerRequest,
        start: bool,
    ) -> Result<ActionResult, AppError> {
        let created = self.create_container(request).await?;
        if !start {
            return Ok(created);
        }
        // Started by name, so that a refusal names the container as the user called it.
        let target = if created.name.is_empty() {
            &created.container_id
        } else {
            &created.name
        };
        match self.start_container(target).await {
            Ok(_) => Ok(ActionResult {
                message: format!("Container '{}' created and started", created.name),
                status: "started".into(),
                ..created
            }),
            Err(error) => {
                if let Err(cleanup) = self.remove_container(&created.container_id, true).await {
                    tracing::warn!(container = %created.name, error = %cleanup, "could not remove a container that failed to start");
                }
                Err(error)
            }
        }
    }

    /// Replaces container `id` by one with the same configuration (command, environment, ports, mounts,
    /// restart policy, labels, networks) made from `image`, under the same name, running if the old one
    /// ran. The new container is made first under a temporary name; the old one is removed only once the
    /// new one has its name (and has started, if the old one ran). Any failure on the way leaves the old
    /// container as it was (renamed back and started again if it ran) and nothing else behind.
    pub async fn recreate_container(
        &self,
        id: &str,
        image: &str,
    ) -> Result<ActionResult, AppError> {
        let image = image.trim();
        validate_image_reference(image)?;
        let old = self.inspect_raw(id).await?;
        let old_id = old.id.clone().unwrap_or_default();
        let name = trim_name(old.name.as_deref().unwrap_or_default());
        let running = old.state.as_ref().and_then(|s| s.running).unwrap_or(false);
        let client = self.client().await?;
        if let Err(err) = client.inspect_image(image).await {
            return Err(match err {
                BollardError::DockerResponseServerError {
                    status_code: 404, ..
                } => AppError::NotFound(format!("Image '{image}' not found: pull it first")),
                other => self.fail(other, &format!("Image '{image}'")).await,
            });
        }
        let (body, extra_networks) = recreate_body(&old, image);
        self.policy_with_engine_paths()
            .await?
            .check_container(&body)?;

        let suffix: String = old_id.chars().take(8).collect();
        let temporary = format!("{name}-recreate-{suffix}");
        let options = CreateContainerOptions {
            name: Some(temporary.clone()),
            ..Default::default()
        };
        let new_id = match client.create_container(Some(options), body).await {
            Ok(created) => created.id,
            Err(err) => return Err(self.fail(err, &subject(&temporary)).await),
        };
        for (network, endpoint) in extra_networks {
            let connect = NetworkConnectRequest {
                container: new_id.clone(),
                endpoint_config: Some(endpoint),
            };
            if let Err(err) = client.connect_network(&network, connect).await {
                let error = self.fail(err, &format!("Network '{network}'")).await;
                self.discard(&new_id).await;
                return Err(error);
            }
        }
        if running && let Err(error) = self.stop_container(&old_id, 10).await {
            self.discard(&new_id).await;
            return Err(error);
        }
        let set_aside = format!("{name}-old-{suffix}");
        let swapped = async {
            self.rename_container(&old_id, &set_aside).await?;
            if let Err(error) = self.rename_container(&new_id, &name).await {
                let _ = self.rename_container(&old_id, &name).await;
                return Err(error);
            }
            Ok(())
        }
        .await;
        if let Err(error) = swapped {
            self.discard(&new_id).await;
            self.restore(&old_id, running).await;
            return Err(error);
        }
        if running && let Err(error) = self.start_container(&new_id).await {
            self.discard(&new_id).await;
            if let Err(rename) = self.rename_container(&old_id, &name).await {
                tracing::warn!(container = %name, error = %rename, "could not give a recreated container's predecessor its name back");
            }
            self.restore(&old_id, running).await;
            return Err(error);
        }
        if let Err(error) = self.remove_container(&old_id, true).await {
            tracing::warn!(container = %set_aside, error = %error, "could not remove the container a recreate replaced");
        }
        Ok(ActionResult {
            message: format!("Container '{name}' recreated from image '{image}'"),
            container_id: new_id,
            name,
            status: "recreated".into(),
        })
    }

    /// Removes a container made along the way of a failed operation (logged if even that fails).
    async fn discard(&self, id: &str) {
        if let Err(error) = self.remove_container(id, true).await {
            tracing::warn!(container = %id, error = %error, "could not remove a container left by a failed recreate");
        }
    }

    /// Starts the old container again if it ran before a failed recreate.
    async fn restore(&self, id: &str, running: bool) {
        if running && let Err(error) = self.start_container(id).await {
            tracing::warn!(container = %id, error = %error, "could not start a container again after a failed recreate");
        }
    }
}

/// The create body of the replacement: the old container's configuration with `image`, its host
/// configuration, and its first network at creation; the other networks (with their aliases) to connect
/// before it starts. Docker's own defaults that name the old container (its id as hostname and alias) are
/// left for the daemon to set anew.
fn recreate_body(
    old: &ContainerInspectResponse,
    image: &str,
) -> (ContainerCreateBody, Vec<(String, EndpointSettings)>) {
    let config = old.config.clone().unwrap_or_default();
    let old_id = old.id.clone().unwrap_or_default();
    let short: String = old_id.chars().take(12).collect();
    let hostname = config
        .hostname
        .filter(|hostname| !hostname.is_empty() && !old_id.starts_with(hostname.as_str()));
    // Inspect reports the daemon's own defaults for the cgroup namespace and the masked and read-only
    // paths (Berth never sets them, and the policy refuses them in a request): left unset, the daemon
    // fills them in again.
    let host_config = old.host_config.clone().map(|host| HostConfig {
        cgroupns_mode: None,
        masked_paths: None,
        readonly_paths: None,
        ..host
    });
    let network_mode = host_config
        .as_ref()
        .and_then(|host| host.network_mode.clone())
        .unwrap_or_default();
    let mut first = None;
    let mut extra = Vec::new();
    let networks = old
        .network_settings
        .as_ref()
        .and_then(|settings| settings.networks.clone())
        .unwrap_or_default();
    let user_defined = !matches!(
        network_mode.as_str(),
        "" | "default" | "bridge" | "host" | "none"
    ) && !network_mode.starts_with("container:");
    for (network, endpoint) in networks {
        let aliases: Vec<String> = endpoint
            .aliases
            .unwrap_or_default()
            .into_iter()
            .filter(|alias| *alias != short && !old_id.starts_with(alias.as_str()))
            .collect();
        let settings = EndpointSettings {
            aliases: (!aliases.is_empty()).then_some(aliases),
            ipam_config: endpoint.ipam_config,
            links: endpoint.links,
            ..Default::default()
        };
        if user_defined && network == network_mode {
            first = Some((network, settings));
        } else if !matches!(network.as_str(), "bridge" | "host" | "none") {
            extra.push((network, settings));
        }
    }
    let networking_config = first.map(|(network, settings)| NetworkingConfig {
        endpoints_config: Some(std::collections::HashMap::from([(network, settings)])),
    });
    let body = ContainerCreateBody {
        hostname,
        domainname: config.domainname,
        user: config.user,
        attach_stdin: config.attach_stdin,
        attach_stdout: config.attach_stdout,
        attach_stderr: config.attach_stderr,
        exposed_ports: config.exposed_ports,
        tty: config.tty,
        open_stdin: config.open_stdin,
        stdin_once: config.stdin_once,
        env: config.env,
        cmd: config.cmd,
        healthcheck: config.healthcheck,
        args_escaped: config.args_escaped,
        image: Some(image.to_string()),
        volumes: config.volumes,
        working_dir: config.working_dir,
        entrypoint: config.entrypoint,
        network_disabled: config.network_disabled,
        on_build: config.on_build,
        labels: config.labels,
        stop_signal: config.stop_signal,
        stop_timeout: config.stop_timeout,
        shell: config.shell,
        host_config,
        networking_config,
    };
    (body, extra)
}
