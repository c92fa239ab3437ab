//! `docker network create`: the request checked (names, drivers, IPAM pools that parse and do not
//! overlap) before the daemon is asked.

use super::*;

fn validate_pool(pool: &IpamPoolRequest, index: usize) -> Result<IpamConfig, AppError> {
    let field = |name: &str| format!("ipam.config[{index}].{name}");
    let subnet_text = pool
        .subnet
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::bad_request(format!("Field '{}' is required", field("subnet"))))?;
    let subnet = parse_cidr(subnet_text, &field("subnet"))?;
    if let Some(range) = pool.ip_range.as_deref() {
        let block = parse_cidr(range, &field("ip_range"))?;
        if !subnet.contains_block(&block) {
            return Err(AppError::bad_request(format!(
                "Field '{}': '{range}' is not inside the subnet '{subnet_text}'",
                field("ip_range")
            )));
        }
    }
    if let Some(gateway) = pool.gateway.as_deref() {
        let ip = parse_ip(gateway, &field("gateway"))?;
        if !subnet.contains(ip) {
            return Err(AppError::bad_request(format!(
                "Field '{}': '{gateway}' is not inside the subnet '{subnet_text}'",
                field("gateway")
            )));
        }
    }
    if let Some(aux) = &pool.aux_addresses {
        for (host, address) in aux {
            let ip = parse_ip(address, &field("aux_addresses"))?;
            if host.trim().is_empty() || !subnet.contains(ip) {
                return Err(AppError::bad_request(format!(
                    "Field '{}': '{host}' = '{address}' must name a host and an address inside '{subnet_text}'",
                    field("aux_addresses")
                )));
            }
        }
    }
    Ok(IpamConfig {
        subnet: Some(subnet_text.trim().to_string()),
        ip_range: pool.ip_range.as_ref().map(|r| r.trim().to_string()),
        gateway: pool.gateway.as_ref().map(|g| g.trim().to_string()),
        auxiliary_addresses: pool
            .aux_addresses
            .clone()
            .map(|aux| aux.into_iter().collect()),
    })
}

/// Validates a create request and turns it into the daemon's body.
pub fn build_network_create(
    request: CreateNetworkRequest,
) -> Result<NetworkCreateRequest, AppError> {
    let name = request
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Field 'name' is required"))?;
    validate_network_name(&name)?;
    let driver = request.driver.unwrap_or_else(|| "bridge".into());
    validate_driver_name(&driver, "network")?;
    if let Some(labels) = &request.labels {
        validate_keys(labels, "labels")?;
    }
    if let Some(options) = &request.options {
        validate_keys(options, "options")?;
    }
    let ipam = match request.ipam {
        None => None,
        Some(ipam) => {
            let ipam_driver = ipam.driver.unwrap_or_else(|| "default".into());
            validate_driver_name(&ipam_driver, "IPAM")?;
            if let Some(options) = &ipam.options {
                validate_keys(options, "ipam.options")?;
            }
            let config = ipam
                .config
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(index, pool)| validate_pool(pool, index))
                .collect::<Result<Vec<_>, _>>()?;
            Some(Ipam {
                driver: Some(ipam_driver),
                config: Some(config),
                options: ipam.options.map(|o| o.into_iter().collect()),
            })
        }
    };
    Ok(NetworkCreateRequest {
        name,
        driver: Some(driver),
        internal: request.internal,
        attachable: request.attachable,
        ipam,
        enable_ipv6: request.enable_ipv6,
        options: request.options.map(|o| o.into_iter().collect()),
        labels: request.labels.map(|l| l.into_iter().collect()),
        ..Default::default()
    })
}

impl DockerService {
    /// `docker network create`. Names are unique: an existing name is a 409 (API 1.41 would otherwise
    /// create a second network of the same name, so the name is checked first, and a duplicate the
    /// daemon reports anyway is removed again).
    pub async fn create_network(
        &self,
        request: CreateNetworkRequest,
    ) -> Result<NetworkResult, AppError> {
        let body = build_network_create(request)?;
        let name = body.name.clone();
        let driver = body.driver.clone().unwrap_or_default();
        let client = self.client().await?;
        let options = ListNetworksOptions {
            filters: Some(HashMap::from([("name".to_string(), vec![name.clone()])])),
        };
        let list = client.list_networks(Some(options));
        let existing = match self.call(Operation::NetworkList, list).await {
            Ok(list) => list,
            Err(err) => return Err(self.fail(err, &subject(&name)).await),
        };
        if let Some(network) = existing
            .iter()
            .find(|n| n.name.as_deref() == Some(name.as_str()))
        {
            return Err(AppError::Conflict(format!(
                "Network name '{name}' is already in use (id {})",
                short_id(network.id.as_deref().unwrap_or_default())
            )));
        }
        let create = client.create_network(body);
        let created = match self.call(Operation::NetworkCreate, create).await {
            Ok(created) => created,
            Err(BollardError::DockerResponseServerError {
                status_code,
                message,
            }) if matches!(status_code, 403 | 409) || message.contains("already exists") => {
                return Err(AppError::Conflict(format!(
                    "Network '{name}' could not be created: {message}"
                )));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 404,
                message,
            }) => {
                return Err(AppError::bad_request(if message.contains("plugin") {
                    format!("Unknown network driver '{driver}': {message}")
                } else {
                    format!("Network '{name}' could not be created: {message}")
                }));
            }
            Err(BollardError::DockerResponseServerError {
                status_code: 500,
                message,
            }) if [
                "swarm",
                "out of range",
                "failed to allocate",
                "invalid",
                "not supported",
            ]
            .iter()
            .any(|needle| message.to_ascii_lowercase().contains(needle)) =>
            {
                return Err(AppError::bad_request(format!(
                    "Network '{name}' could not be created: {message}"
                )));
            }
            Err(err) => return Err(self.fail(err, &subject(&name)).await),
        };
        if created.warning.contains("already exists") {
            let remove = client.remove_network(&created.id);
            if let Err(err) = self.call(Operation::NetworkRemove, remove).await {
                tracing::error!(error = %err, id = %created.id, "could not remove a duplicate network");
            }
            return Err(AppError::Conflict(format!(
                "Network name '{name}' is already in use"
            )));
        }
        Ok(NetworkResult {
            message: format!("Network '{name}' created"),
            network_id: created.id,
            name,
            status: "created".into(),
            container_id: None,
            container_name: None,
        })
    }
}
