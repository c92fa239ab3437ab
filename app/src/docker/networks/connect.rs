//! `docker network connect` and `disconnect`: aliases and fixed addresses checked, the container
//! resolved, and an attachment that already exists reported as such.

use super::*;

/// The `container` field of connect and disconnect: required, and a valid name or id.
fn required_container(container: Option<String>) -> Result<String, AppError> {
    let container = container
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Field 'container' is required"))?;
    validate_reference(&container, "container")?;
    Ok(container)
}

pub(super) fn validate_aliases(aliases: &[String]) -> Result<(), AppError> {
    for alias in aliases {
        if !is_docker_name(alias, 1) {
            return Err(AppError::bad_request(format!(
                "Invalid alias '{alias}' in 'aliases': use a host name from [a-zA-Z0-9_.-]"
            )));
        }
    }
    Ok(())
}

impl DockerService {
    /// `docker network connect`, with optional aliases and fixed addresses.
    pub async fn connect_network(
        &self,
        id: &str,
        request: ConnectRequest,
    ) -> Result<NetworkResult, AppError> {
        let container = required_container(request.container)?;
        if let Some(aliases) = &request.aliases {
            validate_aliases(aliases)?;
        }
        let ipv4 = match request.ipv4_address.as_deref() {
            None => None,
            Some(text) => match parse_ip(text, "ipv4_address")? {
                ip @ IpAddr::V4(_) => Some(ip),
                IpAddr::V6(_) => {
                    return Err(AppError::bad_request(format!(
                        "Field 'ipv4_address': '{text}' is not an IPv4 address"
                    )));
                }
            },
        };
        let ipv6 = match request.ipv6_address.as_deref() {
            None => None,
            Some(text) => match parse_ip(text, "ipv6_address")? {
                ip @ IpAddr::V6(_) => Some(ip),
                IpAddr::V4(_) => {
                    return Err(AppError::bad_request(format!(
                        "Field 'ipv6_address': '{text}' is not an IPv6 address"
                    )));
                }
            },
        };
        let network = self.inspect_network_raw(id).await?;
        let name = network.name.clone().unwrap_or_default();
        self.policy()
            .check_network_attach(&name, network.driver.as_deref())?;
        let network_id = network.id.clone().unwrap_or_default();
        let subnets: Vec<Cidr> = network
            .ipam
            .as_ref()
            .and_then(|i| i.config.as_ref())
            .map(|pools| {
                pools
                    .iter()
                    .filter_map(|p| p.subnet.as_deref())
                    .filter_map(|s| parse_cidr(s, "subnet").ok())
                    .collect()
            })
            .unwrap_or_default();
        for ip in ipv4.iter().chain(ipv6.iter()) {
            let same_family: Vec<&Cidr> = subnets
                .iter()
                .filter(|s| s.addr.is_ipv4() == ip.is_ipv4())
                .collect();
            if !same_family.is_empty() && !same_family.iter().any(|s| s.contains(*ip)) {
                let list: Vec<String> = same_family
                    .iter()
                    .map(|s| format!("{}/{}", s.addr, s.prefix))
                    .collect();
                return Err(AppError::bad_request(format!(
                    "Address {ip} is outside the subnet(s) of network '{name}': {}",
                    list.join(", ")
                )));
            }
        }
        let inspect = self.inspect_container_for(&container).await?;
        let container_id = inspect.id.clone().unwrap_or_default();
        let container_name = trim_name(inspect.name.as_deref().unwrap_or_default());
        if is_attached(&inspect, &network_id, &name) {
            return Err(AppError::Conflict(format!(
                "Container '{container_name}' is already connected to network '{name}'"
            )));
        }
        let ipam_config = (ipv4.is_some() || ipv6.is_some()).then(|| EndpointIpamConfig {
            ipv4_address: ipv4.map(|ip| ip.to_string()),
            ipv6_address: ipv6.map(|ip| ip.to_string()),
            ..Default::default()
        });
        let body = NetworkConnectRequest {
            container: container_id.clone(),
            endpoint_config: Some(EndpointSettings {
                aliases: request.aliases.clone(),
                ipam_config,
                ..Default::default()
            }),
        };
        let client = self.client().await?;
        let connect = client.connect_network(&network_id, body);
        match self.call(Operation::NetworkConnect, connect).await {
            Ok(()) => Ok(network_result(
                format!("Container '{container_name}' connected to network '{name}'"),
                &network,
                "connected",
                Some((container_id, container_name)),
            )),
            Err(BollardError::DockerResponseServerError {
                status_code,
                message,
            }) if message.contains("already exists") || status_code == 409 => {
                Err(AppError::Conflict(format!(
                    "Container '{container_name}' is already connected to network '{name}': {message}"
                )))
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) => Err(AppError::NotFound(if message.contains("container") {
                format!("Container '{container}' not found")
            } else {
                format!("Network '{id}' not found")
            })),
            Err(BollardError::DockerResponseServerError {
                status_code: 400 | 403,
                message,
            }) => Err(AppError::bad_request(format!(
                "Cannot connect container '{container_name}' to network '{name}': {message}"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }

    /// `docker network disconnect [-f]`.
    pub async fn disconnect_network(
        &self,
        id: &str,
        request: DisconnectRequest,
    ) -> Result<NetworkResult, AppError> {
        let container = required_container(request.container)?;
        let force = request.force.unwrap_or(false);
        let network = self.inspect_network_raw(id).await?;
        let name = network.name.clone().unwrap_or_default();
        let network_id = network.id.clone().unwrap_or_default();
        let (target, label) = match self.inspect_container_for(&container).await {
            Ok(inspect) => {
                let container_id = inspect.id.clone().unwrap_or_default();
                let container_name = trim_name(inspect.name.as_deref().unwrap_or_default());
                if !is_attached(&inspect, &network_id, &name) {
                    return Err(AppError::Conflict(format!(
                        "Container '{container_name}' is not connected to network '{name}'"
                    )));
                }
                (container_id, container_name)
            }
            // With force, a stale endpoint of a container that is gone can still be removed by name.
            Err(AppError::NotFound(_)) if force => (container.clone(), container.clone()),
            Err(err) => return Err(err),
        };
        let client = self.client().await?;
        let body = NetworkDisconnectRequest {
            container: target.clone(),
            force: Some(force),
        };
        let disconnect = client.disconnect_network(&network_id, body);
        match self.call(Operation::NetworkDisconnect, disconnect).await {
            Ok(()) => Ok(network_result(
                format!("Container '{label}' disconnected from network '{name}'"),
                &network,
                "disconnected",
                Some((target, label)),
            )),
            Err(BollardError::DockerResponseServerError { message, .. })
                if message.contains("is not connected") =>
            {
                Err(AppError::Conflict(format!(
                    "Container '{label}' is not connected to network '{name}'"
                )))
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(AppError::NotFound(format!(
                "Container '{container}' not found"
            ))),
            Err(err) => Err(self.fail(err, &subject(id)).await),
        }
    }
}
