//! Turning a `POST /api/containers` request into Docker's create body, validating every field.
//!
//! Pure logic, no daemon: every rule here is unit-tested below.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, DeviceMapping, EndpointSettings, HealthConfig, HostConfig, Mount,
    MountType, NetworkingConfig, PortBinding as DockerPortBinding, PortMap as DockerPortMap,
    RestartPolicy, RestartPolicyNameEnum,
};
use serde_json::Value;

use crate::docker::policy::normalize_host_path;
use crate::docker::{Policy, is_docker_name};
use crate::error::AppError;
pub use crate::model::container_create::validate_container_name;
use crate::model::container_create::{
    ENVIRONMENT_SHAPE, parse_container_port, split_command, validate_environment_line,
    validate_host_ip, validate_host_port, validate_image_reference, validate_mount_mode,
    validate_mount_source, validate_mount_target,
};
use crate::model::containers::CreateContainerRequest;

mod mounts;
mod ports;

use mounts::*;
use ports::*;

/// A validated container creation: the name and Docker's body.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateSpec {
    /// The requested name, if any.
    pub name: Option<String>,
    /// The image reference.
    pub image: String,
    /// Docker's create body.
    pub body: ContainerCreateBody,
}

const PORTS_SHAPE: &str = r#"Field 'ports' must be an object like {"80/tcp": 8080}"#;

/// Validates the request, builds Docker's create body and has the policy judge that body (so no spelling of a
/// field can slip past it).
pub fn build_create_spec(
    request: CreateContainerRequest,
    policy: &Policy,
) -> Result<CreateSpec, AppError> {
    let image = match request.image.as_deref().map(str::trim) {
        Some(image) if !image.is_empty() => image.to_string(),
        _ => return Err(AppError::bad_request("Image name is required")),
    };
    validate_image_reference(&image)?;
    if let Some(name) = &request.name {
        validate_container_name(name)?;
    }
    let (exposed_ports, port_bindings) = match &request.ports {
        Some(ports) => parse_ports(ports)?,
        None => (Vec::new(), DockerPortMap::new()),
    };
    let env = request
        .environment
        .as_ref()
        .map(parse_environment)
        .transpose()?;
    let binds = request.volumes.as_ref().map(parse_volumes).transpose()?;
    let cmd = request
        .command
        .as_ref()
        .map(|value| parse_command(value, "command"))
        .transpose()?;
    let entrypoint = request
        .entrypoint
        .as_ref()
        .map(|value| parse_command(value, "entrypoint"))
        .transpose()?;
    let labels = request
        .labels
        .as_ref()
        .map(|value| parse_string_map(value, "labels", '='))
        .transpose()?;
    let restart_policy = request
        .restart_policy
        .as_ref()
        .map(parse_restart_policy)
        .transpose()?;
    let memory = match (&request.memory, &request.mem_limit) {
        (Some(_), Some(_)) => {
            return Err(AppError::bad_request(
                "Give either 'memory' or 'mem_limit', not both",
            ));
        }
        (Some(value), None) => Some(parse_memory(value, "memory")?),
        (None, Some(value)) => Some(parse_memory(value, "mem_limit")?),
        (None, None) => None,
    };
    let nano_cpus = match (request.cpus, request.nano_cpus) {
        (Some(_), Some(_)) => {
            return Err(AppError::bad_request(
                "Give either 'cpus' or 'nano_cpus', not both",
            ));
        }
        (Some(cpus), None) if cpus.is_finite() && cpus > 0.0 && cpus <= 1024.0 => {
            Some((cpus * 1e9).round() as i64)
        }
        (Some(_), None) => {
            return Err(AppError::bad_request(
                "Field 'cpus' must be a number of CPUs greater than 0, like 1.5",
            ));
        }
        (None, Some(nano)) if nano > 0 => Some(nano),
        (None, Some(_)) => {
            return Err(AppError::bad_request(
                "Field 'nano_cpus' must be a positive integer",
            ));
        }
        (None, None) => None,
    };
    let network_mode = match (&request.network, &request.network_mode) {
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::bad_request(
                "Fields 'network' and 'network_mode' disagree: give one of them",
            ));
        }
        (Some(network), _) | (None, Some(network)) => {
            if network.trim().is_empty() {
                return Err(AppError::bad_request("Field 'network' must not be empty"));
            }
            Some(network.clone())
        }
        (None, None) => None,
    };
    let extra_hosts = request
        .extra_hosts
        .as_ref()
        .map(parse_extra_hosts)
        .transpose()?;
    let tmpfs = request.tmpfs.as_ref().map(parse_tmpfs).transpose()?;
    let healthcheck = request
        .healthcheck
        .as_ref()
        .map(parse_healthcheck)
        .transpose()?;
    let mounts = request.mounts.as_ref().map(parse_mounts).transpose()?;
    let devices = request.devices.as_deref().map(parse_devices).transpose()?;
    let sysctls = request
        .sysctls
        .as_ref()
        .map(|value| parse_string_map(value, "sysctls", '='))
        .transpose()?;
    let pid_mode = namespace_mode(&request.pid_mode, "pid_mode", &["host"])?;
    let ipc_mode = namespace_mode(
        &request.ipc_mode,
        "ipc_mode",
        &["host", "none", "private", "shareable"],
    )?;
    let uts_mode = namespace_mode(&request.uts_mode, "uts_mode", &["host"])?;
    let userns_mode = namespace_mode(&request.userns_mode, "userns_mode", &["host"])?;
    for (field, values) in [
        ("cap_add", &request.cap_add),
        ("cap_drop", &request.cap_drop),
        ("dns", &request.dns),
        ("security_opt", &request.security_opt),
    ] {
        if values
            .as_ref()
            .is_some_and(|list| list.iter().any(|item| item.trim().is_empty()))
        {
            return Err(AppError::bad_request(format!(
                "Field '{field}' must be a list of non-empty strings"
            )));
        }
    }

    let networking_config = network_mode
        .as_ref()
        .filter(|mode| !is_builtin_network_mode(mode))
        .map(|network| NetworkingConfig {
            endpoints_config: Some(HashMap::from([(
                network.clone(),
                EndpointSettings::default(),
            )])),
        });

    let host_config = HostConfig {
        binds,
        port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
        restart_policy,
        memory,
        nano_cpus,
        auto_remove: request.auto_remove,
        privileged: request.privileged,
        network_mode,
        cap_add: request.cap_add,
        cap_drop: request.cap_drop,
        dns: request.dns,
        extra_hosts,
        readonly_rootfs: request.read_only,
        tmpfs,
        init: request.init,
        mounts,
        devices,
        security_opt: request.security_opt,
        sysctls,
        pid_mode,
        ipc_mode,
        uts_mode,
        userns_mode,
        ..Default::default()
    };

    let body = ContainerCreateBody {
        image: Some(image.clone()),
        env,
        cmd,
        entrypoint,
        labels,
        working_dir: request.working_dir,
        user: request.user,
        hostname: request.hostname,
        tty: request.tty,
        open_stdin: request.stdin_open,
        exposed_ports: (!exposed_ports.is_empty()).then_some(exposed_ports),
        healthcheck,
        host_config: Some(host_config),
        networking_config,
        ..Default::default()
    };
    policy.check_container(&body)?;
    Ok(CreateSpec {
        name: request.name,
        image,
        body,
    })
}

fn is_builtin_network_mode(mode: &str) -> bool {
    matches!(mode, "bridge" | "host" | "none" | "default") || mode.starts_with("container:")
}

fn parse_environment(value: &Value) -> Result<Vec<String>, AppError> {
    const SHAPE: &str = ENVIRONMENT_SHAPE;
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let line = item.as_str().ok_or_else(|| AppError::bad_request(SHAPE))?;
                validate_environment_line(line)?;
                Ok(line.to_string())
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| {
                if key.is_empty() || key.contains('=') {
                    return Err(AppError::bad_request(SHAPE));
                }
                Ok(match scalar_text(value) {
                    Some(text) => format!("{key}={text}"),
                    None if value.is_null() => key.clone(),
                    None => return Err(AppError::bad_request(SHAPE)),
                })
            })
            .collect(),
        _ => Err(AppError::bad_request(SHAPE)),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Checks a namespace mode: one of `keywords` (any case, normalised to lower case), `container:<name>` where
/// Docker allows it (pid and ipc), or empty for the default.
fn namespace_mode(
    mode: &Option<String>,
    field: &str,
    keywords: &[&str],
) -> Result<Option<String>, AppError> {
    let Some(mode) = mode else {
        return Ok(None);
    };
    let trimmed = mode.trim();
    let lowered = trimmed.to_lowercase();
    if lowered.is_empty() || keywords.contains(&lowered.as_str()) {
        return Ok(Some(lowered));
    }
    let shares_container = matches!(field, "pid_mode" | "ipc_mode");
    if shares_container
        && let Some(container) = trimmed.strip_prefix("container:")
        && is_docker_name(container.strip_prefix('/').unwrap_or(container), 1)
    {
        return Ok(Some(trimmed.to_string()));
    }
    let mut allowed: Vec<String> = keywords.iter().map(|k| format!("'{k}'")).collect();
    if shares_container {
        allowed.push("'container:<name>'".into());
    }
    Err(AppError::bad_request(format!(
        "Invalid {field} '{mode}': use {}",
        allowed.join(", ")
    )))
}

fn parse_command(value: &Value, field: &str) -> Result<Vec<String>, AppError> {
    match value {
        Value::String(line) => split_command(line, field),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_string).ok_or_else(|| {
                    AppError::bad_request(format!(
                        "Field '{field}' must be a string or a list of strings"
                    ))
                })
            })
            .collect(),
        _ => Err(AppError::bad_request(format!(
            "Field '{field}' must be a string or a list of strings"
        ))),
    }
}

/// Parses `{"k": "v"}` or `["k<sep>v"]` into a map.
fn parse_string_map(
    value: &Value,
    field: &str,
    separator: char,
) -> Result<HashMap<String, String>, AppError> {
    let shape = || {
        AppError::bad_request(format!(
            r#"Field '{field}' must be an object of strings like {{"key": "value"}}"#
        ))
    };
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| {
                if key.is_empty() {
                    return Err(shape());
                }
                Ok((key.clone(), scalar_text(value).ok_or_else(shape)?))
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let text = item.as_str().ok_or_else(shape)?;
                let (key, value) = text.split_once(separator).unwrap_or((text, ""));
                if key.is_empty() {
                    return Err(shape());
                }
                Ok((key.to_string(), value.to_string()))
            })
            .collect(),
        _ => Err(shape()),
    }
}

fn parse_restart_policy(value: &Value) -> Result<RestartPolicy, AppError> {
    const SHAPE: &str = r#"Field 'restart_policy' must be like {"Name": "on-failure", "MaximumRetryCount": 3} or "unless-stopped""#;
    let (name, retries) = match value {
        Value::String(text) => match text.split_once(':') {
            Some((name, count)) => (
                name.to_string(),
                Some(
                    count
                        .parse::<i64>()
                        .map_err(|_| AppError::bad_request(SHAPE))?,
                ),
            ),
            None => (text.clone(), None),
        },
        Value::Object(map) => {
            let name = map
                .get("Name")
                .or_else(|| map.get("name"))
                .and_then(Value::as_str)
                .ok_or_else(|| AppError::bad_request(SHAPE))?;
            let retries = match map
                .get("MaximumRetryCount")
                .or_else(|| map.get("maximum_retry_count"))
            {
                None | Some(Value::Null) => None,
                Some(count) => Some(count.as_i64().ok_or_else(|| AppError::bad_request(SHAPE))?),
            };
            (name.to_string(), retries)
        }
        _ => return Err(AppError::bad_request(SHAPE)),
    };
    let kind = match name.as_str() {
        "" | "no" => RestartPolicyNameEnum::NO,
        "always" => RestartPolicyNameEnum::ALWAYS,
        "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
        "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
        other => {
            return Err(AppError::bad_request(format!(
                "Invalid restart policy '{other}': use no, always, unless-stopped or on-failure"
            )));
        }
    };
    if retries.is_some_and(|n| n < 0)
        || (retries.is_some() && kind != RestartPolicyNameEnum::ON_FAILURE && retries != Some(0))
    {
        return Err(AppError::bad_request(
            "A maximum retry count is only valid with the 'on-failure' restart policy and must not be negative",
        ));
    }
    Ok(RestartPolicy {
        name: Some(kind),
        maximum_retry_count: retries,
    })
}

/// Parses a memory size: bytes as a number, or a string like `512m`, `1g`, `100k`, `1024b`.
pub fn parse_memory(value: &Value, field: &str) -> Result<i64, AppError> {
    let error = || {
        AppError::bad_request(format!(
            "Field '{field}' must be a size in bytes or a string like \"512m\" or \"1g\" (at least 6m)"
        ))
    };
    let bytes = match value {
        Value::Number(n) => n.as_i64().ok_or_else(error)?,
        Value::String(text) => {
            let text = text.trim().to_ascii_lowercase();
            let text = text
                .strip_suffix('b')
                .filter(|t| !t.is_empty() && t.ends_with(|c: char| c.is_ascii_alphabetic()))
                .unwrap_or(&text);
            let (digits, multiplier) = match text.chars().last() {
                Some('k') => (&text[..text.len() - 1], 1i64 << 10),
                Some('m') => (&text[..text.len() - 1], 1 << 20),
                Some('g') => (&text[..text.len() - 1], 1 << 30),
                Some('t') => (&text[..text.len() - 1], 1 << 40),
                Some('b') => (&text[..text.len() - 1], 1),
                _ => (text, 1),
            };
            let number: f64 = digits.trim().parse().map_err(|_| error())?;
            if !number.is_finite() || number < 0.0 {
                return Err(error());
            }
            (number * multiplier as f64) as i64
        }
        _ => return Err(error()),
    };
    // Docker refuses limits under 6 MiB; 0 means no limit.
    if bytes == 0 || bytes >= 6 * (1 << 20) {
        Ok(bytes)
    } else {
        Err(error())
    }
}

fn parse_extra_hosts(value: &Value) -> Result<Vec<String>, AppError> {
    let map = parse_string_map(value, "extra_hosts", ':')?;
    let mut hosts: Vec<String> = map
        .into_iter()
        .map(|(host, ip)| {
            if ip.parse::<std::net::IpAddr>().is_err() && ip != "host-gateway" {
                return Err(AppError::bad_request(format!(
                    "Invalid IP '{ip}' for host '{host}' in 'extra_hosts'"
                )));
            }
            Ok(format!("{host}:{ip}"))
        })
        .collect::<Result<_, _>>()?;
    hosts.sort();
    Ok(hosts)
}

fn parse_tmpfs(value: &Value) -> Result<HashMap<String, String>, AppError> {
    let map = match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let text = item.as_str().ok_or_else(|| {
                    AppError::bad_request(
                        "Field 'tmpfs' must be a list of paths or an object of path to options",
                    )
                })?;
                let (path, options) = text.split_once(':').unwrap_or((text, ""));
                Ok((path.to_string(), options.to_string()))
            })
            .collect::<Result<HashMap<_, _>, AppError>>()?,
        other => parse_string_map(other, "tmpfs", ':')?,
    };
    for path in map.keys() {
        validate_mount_target(path)?;
    }
    Ok(map)
}

fn parse_healthcheck(value: &Value) -> Result<HealthConfig, AppError> {
    const SHAPE: &str =
        r#"Field 'healthcheck' must be like {"test": ["CMD", "true"], "interval": 1000000000}"#;
    let Value::Object(map) = value else {
        return Err(AppError::bad_request(SHAPE));
    };
    let mut config = HealthConfig::default();
    for (key, field) in map {
        match key.as_str() {
            "test" | "Test" => {
                config.test = Some(match field {
                    Value::String(command) => vec!["CMD-SHELL".to_string(), command.clone()],
                    Value::Array(_) => parse_command(field, "healthcheck.test")?,
                    _ => return Err(AppError::bad_request(SHAPE)),
                });
            }
            "interval" | "timeout" | "retries" | "start_period" | "Interval" | "Timeout"
            | "Retries" | "StartPeriod" => {
                let number = field
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| AppError::bad_request(SHAPE))?;
                match key.to_ascii_lowercase().as_str() {
                    "interval" => config.interval = Some(number),
                    "timeout" => config.timeout = Some(number),
                    "retries" => config.retries = Some(number),
                    _ => config.start_period = Some(number),
                }
            }
            other => {
                return Err(AppError::bad_request(format!(
                    "Unknown field '{other}' in 'healthcheck'"
                )));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests;
