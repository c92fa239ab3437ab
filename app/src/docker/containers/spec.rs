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
use crate::model::containers::CreateContainerRequest;

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

/// Checks a container name against Docker's rule `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn validate_container_name(name: &str) -> Result<(), AppError> {
    let name = name.strip_prefix('/').unwrap_or(name);
    if is_docker_name(name, 2) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid container name '{name}': use 2-255 characters from [a-zA-Z0-9_.-], starting with a letter or digit"
        )))
    }
}

fn validate_image_reference(image: &str) -> Result<(), AppError> {
    let valid = image.len() <= 512
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@'));
    if valid {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid image reference '{image}'"
        )))
    }
}

/// Parses a container port key like `80/tcp`, `53/udp` or `8080` (tcp implied).
fn parse_container_port(key: &str) -> Result<String, AppError> {
    let (port, proto) = key.split_once('/').unwrap_or((key, "tcp"));
    let proto = proto.to_ascii_lowercase();
    let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0);
    if !port_ok || !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(AppError::bad_request(format!(
            "Invalid container port '{key}' in 'ports': use a port number with an optional /tcp, /udp or /sctp, like \"80/tcp\""
        )));
    }
    Ok(format!("{port}/{proto}"))
}

fn host_port_text(value: &Value, key: &str) -> Result<String, AppError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return Err(AppError::bad_request(PORTS_SHAPE)),
    };
    if text.is_empty() || text.parse::<u16>().is_ok() {
        return Ok(text);
    }
    // A host port range like "8000-8010" is allowed by Docker.
    if let Some((low, high)) = text.split_once('-')
        && let (Ok(low), Ok(high)) = (low.parse::<u16>(), high.parse::<u16>())
        && low <= high
    {
        return Ok(text);
    }
    Err(AppError::bad_request(format!(
        "Invalid host port '{text}' for '{key}' in 'ports': use a number from 0 to 65535"
    )))
}

fn parse_binding(value: &Value, key: &str) -> Result<DockerPortBinding, AppError> {
    let (ip, port) = match value {
        Value::Number(_) => (String::new(), host_port_text(value, key)?),
        Value::String(text) => match text.rsplit_once(':') {
            Some((ip, port)) => (
                validate_host_ip(ip.trim_matches(['[', ']']), key)?,
                host_port_text(&Value::String(port.to_string()), key)?,
            ),
            None => (String::new(), host_port_text(value, key)?),
        },
        Value::Array(pair) if pair.len() == 2 && pair[0].is_string() => (
            validate_host_ip(pair[0].as_str().unwrap_or_default(), key)?,
            host_port_text(&pair[1], key)?,
        ),
        Value::Object(map) => {
            let ip = match map.get("HostIp").or_else(|| map.get("host_ip")) {
                Some(Value::String(ip)) => validate_host_ip(ip, key)?,
                None | Some(Value::Null) => String::new(),
                Some(_) => return Err(AppError::bad_request(PORTS_SHAPE)),
            };
            let port = match map.get("HostPort").or_else(|| map.get("host_port")) {
                Some(port) => host_port_text(port, key)?,
                None => String::new(),
            };
            (ip, port)
        }
        _ => return Err(AppError::bad_request(PORTS_SHAPE)),
    };
    Ok(DockerPortBinding {
        host_ip: Some(ip),
        host_port: Some(port),
    })
}

fn validate_host_ip(ip: &str, key: &str) -> Result<String, AppError> {
    if ip.is_empty() || ip.parse::<std::net::IpAddr>().is_ok() {
        Ok(ip.to_string())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid host IP '{ip}' for '{key}' in 'ports'"
        )))
    }
}

/// Parses the docker-py `ports` shapes into exposed ports and bindings.
fn parse_ports(ports: &Value) -> Result<(Vec<String>, DockerPortMap), AppError> {
    let Value::Object(map) = ports else {
        return Err(AppError::bad_request(PORTS_SHAPE));
    };
    let mut exposed = Vec::new();
    let mut bindings = DockerPortMap::new();
    for (key, value) in map {
        let container_port = parse_container_port(key)?;
        exposed.push(container_port.clone());
        let list = match value {
            Value::Null => continue,
            // `["127.0.0.1", 8080]` is docker-py's (ip, port) tuple.
            Value::Array(items)
                if items.len() == 2
                    && items[0]
                        .as_str()
                        .is_some_and(|s| s.parse::<std::net::IpAddr>().is_ok()) =>
            {
                vec![parse_binding(value, key)?]
            }
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|item| parse_binding(item, key))
                .collect::<Result<Vec<_>, _>>()?,
            Value::Array(_) => return Err(AppError::bad_request(PORTS_SHAPE)),
            other => vec![parse_binding(other, key)?],
        };
        bindings.insert(container_port, Some(list));
    }
    Ok((exposed, bindings))
}

fn parse_environment(value: &Value) -> Result<Vec<String>, AppError> {
    const SHAPE: &str = r#"Field 'environment' must be a list like ["KEY=value"] or an object like {"KEY": "value"}"#;
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item.as_str() {
                Some(line) if !line.is_empty() && !line.starts_with('=') => Ok(line.to_string()),
                _ => Err(AppError::bad_request(SHAPE)),
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

fn validate_mount_target(target: &str) -> Result<(), AppError> {
    if target.starts_with('/') && !target.contains(['\0', ':']) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid mount target '{target}' in 'volumes': it must be an absolute path in the container"
        )))
    }
}

fn validate_mount_source(source: &str) -> Result<(), AppError> {
    let is_path = source.starts_with('/');
    let is_volume_name = is_docker_name(source, 1);
    if (is_path && !source.contains(['\0', ':'])) || is_volume_name {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid mount source '{source}' in 'volumes': use an absolute host path or a volume name"
        )))
    }
}

fn validate_mount_mode(mode: &str) -> Result<(), AppError> {
    let valid = !mode.is_empty()
        && mode.split(',').all(|part| {
            matches!(
                part,
                "rw" | "ro"
                    | "z"
                    | "Z"
                    | "nocopy"
                    | "consistent"
                    | "cached"
                    | "delegated"
                    | "shared"
                    | "rshared"
                    | "slave"
                    | "rslave"
                    | "private"
                    | "rprivate"
            )
        });
    if valid {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid mount mode '{mode}' in 'volumes': use 'rw' or 'ro'"
        )))
    }
}

/// A bind source as the daemon will receive it: a host path with `.`, `..` and repeated slashes collapsed
/// (the very path the policy judges); a volume name unchanged.
fn clean_source(source: &str) -> Result<String, AppError> {
    if source.starts_with('/') {
        Ok(normalize_host_path(source)?.to_string_lossy().into_owned())
    } else {
        Ok(source.to_string())
    }
}

fn parse_volumes(value: &Value) -> Result<Vec<String>, AppError> {
    const SHAPE: &str = r#"Field 'volumes' must be an object like {"/host/path": {"bind": "/container/path", "mode": "rw"}} or a list like ["/host/path:/container/path:ro"]"#;
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(source, spec)| {
                validate_mount_source(source)?;
                let (bind, mode) = match spec {
                    Value::String(bind) => (bind.as_str(), "rw"),
                    Value::Object(fields) => {
                        let bind = fields
                            .get("bind")
                            .and_then(Value::as_str)
                            .ok_or_else(|| AppError::bad_request(SHAPE))?;
                        let mode = match fields.get("mode") {
                            None | Some(Value::Null) => "rw",
                            Some(Value::String(mode)) => mode.as_str(),
                            Some(_) => return Err(AppError::bad_request(SHAPE)),
                        };
                        if let Some(unknown) =
                            fields.keys().find(|key| !matches!(key.as_str(), "bind" | "mode"))
                        {
                            return Err(AppError::bad_request(format!(
                                "Unknown field '{unknown}' in 'volumes' entry '{source}': use 'bind' and 'mode'"
                            )));
                        }
                        (bind, mode)
                    }
                    _ => return Err(AppError::bad_request(SHAPE)),
                };
                validate_mount_target(bind)?;
                validate_mount_mode(mode)?;
                Ok(format!("{}:{bind}:{mode}", clean_source(source)?))
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let text = item.as_str().ok_or_else(|| AppError::bad_request(SHAPE))?;
                let parts: Vec<&str> = text.split(':').collect();
                match parts.as_slice() {
                    [source, target] => {
                        validate_mount_source(source)?;
                        validate_mount_target(target)?;
                        Ok(format!("{}:{target}", clean_source(source)?))
                    }
                    [source, target, mode] => {
                        validate_mount_source(source)?;
                        validate_mount_target(target)?;
                        validate_mount_mode(mode)?;
                        Ok(format!("{}:{target}:{mode}", clean_source(source)?))
                    }
                    _ => Err(AppError::bad_request(SHAPE)),
                }
            })
            .collect(),
        _ => Err(AppError::bad_request(SHAPE)),
    }
}

/// Parses docker-py's `mounts`: a list of `{"Type", "Source", "Target", "ReadOnly"}` (or the lower-case keys
/// `type`, `source`, `target`, `read_only`) of type `bind`, `volume` or `tmpfs`.
fn parse_mounts(value: &Value) -> Result<Vec<Mount>, AppError> {
    const SHAPE: &str = r#"Field 'mounts' must be a list like [{"Type": "bind", "Source": "/host/path", "Target": "/path", "ReadOnly": true}]"#;
    let Value::Array(items) = value else {
        return Err(AppError::bad_request(SHAPE));
    };
    items.iter().map(parse_mount).collect()
}

fn parse_mount(item: &Value) -> Result<Mount, AppError> {
    const SHAPE: &str = r#"Each entry of 'mounts' must be an object like {"Type": "bind", "Source": "/host/path", "Target": "/path", "ReadOnly": true}"#;
    let Value::Object(fields) = item else {
        return Err(AppError::bad_request(SHAPE));
    };
    let mut kind: Option<&Value> = None;
    let mut source: Option<&Value> = None;
    let mut target: Option<&Value> = None;
    let mut read_only: Option<&Value> = None;
    for (key, field) in fields {
        let slot = match key.as_str() {
            "Type" | "type" => &mut kind,
            "Source" | "source" => &mut source,
            "Target" | "target" => &mut target,
            "ReadOnly" | "read_only" => &mut read_only,
            other => {
                return Err(AppError::bad_request(format!(
                    "Unknown field '{other}' in 'mounts': use Type, Source, Target and ReadOnly"
                )));
            }
        };
        if slot.replace(field).is_some() {
            return Err(AppError::bad_request(format!(
                "Field '{key}' is given twice in a 'mounts' entry (once in each case)"
            )));
        }
    }
    let text = |value: Option<&Value>, name: &str| -> Result<Option<String>, AppError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(AppError::bad_request(format!(
                "Field '{name}' of a 'mounts' entry must be a string"
            ))),
        }
    };
    let typ = match text(kind, "Type")?
        .map(|t| t.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("bind") => MountType::BIND,
        Some("volume") => MountType::VOLUME,
        Some("tmpfs") => MountType::TMPFS,
        Some(other) => {
            return Err(AppError::bad_request(format!(
                "Mount type '{other}' in 'mounts' is not supported: use bind, volume or tmpfs"
            )));
        }
        None => {
            return Err(AppError::bad_request(
                "Each entry of 'mounts' needs a 'Type': bind, volume or tmpfs",
            ));
        }
    };
    let target = text(target, "Target")?
        .filter(|t| t.starts_with('/') && !t.contains('\0'))
        .ok_or_else(|| {
            AppError::bad_request(
                "Each entry of 'mounts' needs a 'Target': an absolute path in the container",
            )
        })?;
    let source = text(source, "Source")?.filter(|s| !s.is_empty());
    match (&typ, source.as_deref()) {
        (MountType::BIND, Some(path)) if path.starts_with('/') && !path.contains('\0') => {}
        (MountType::BIND, _) => {
            return Err(AppError::bad_request(
                "A bind entry of 'mounts' needs a 'Source' that is an absolute host path",
            ));
        }
        (MountType::VOLUME, Some(name)) if !is_docker_name(name, 1) => {
            return Err(AppError::bad_request(format!(
                "Invalid volume name '{name}' in 'mounts'"
            )));
        }
        (MountType::TMPFS, Some(_)) => {
            return Err(AppError::bad_request(
                "A tmpfs entry of 'mounts' takes no 'Source'",
            ));
        }
        _ => {}
    }
    let read_only = match read_only {
        None | Some(Value::Null) => None,
        Some(Value::Bool(flag)) => Some(*flag),
        Some(_) => {
            return Err(AppError::bad_request(
                "Field 'ReadOnly' of a 'mounts' entry must be true or false",
            ));
        }
    };
    let source = match (&typ, source) {
        (MountType::BIND, Some(path)) => Some(clean_source(&path)?),
        (_, source) => source,
    };
    Ok(Mount {
        typ: Some(typ),
        source,
        target: Some(target),
        read_only,
        ..Default::default()
    })
}

/// Parses `devices` entries `"/dev/host[:/dev/container[:rwm]]"`.
fn parse_devices(entries: &[String]) -> Result<Vec<DeviceMapping>, AppError> {
    entries
        .iter()
        .map(|entry| {
            let invalid = || {
                AppError::bad_request(format!(
                    "Invalid device '{entry}' in 'devices': use \"/dev/host:/dev/container:rwm\""
                ))
            };
            let parts: Vec<&str> = entry.split(':').collect();
            let (host, container, permissions) = match parts.as_slice() {
                [host] => (*host, *host, "rwm"),
                [host, container] => (*host, *container, "rwm"),
                [host, container, permissions] => (*host, *container, *permissions),
                _ => return Err(invalid()),
            };
            let is_path = |path: &str| path.starts_with('/') && !path.contains('\0');
            let permissions_ok = !permissions.is_empty()
                && permissions.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
            if !is_path(host) || !is_path(container) || !permissions_ok {
                return Err(invalid());
            }
            Ok(DeviceMapping {
                path_on_host: Some(host.to_string()),
                path_in_container: Some(container.to_string()),
                cgroup_permissions: Some(permissions.to_string()),
            })
        })
        .collect()
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
        Value::String(line) => shlex::split(line).ok_or_else(|| {
            AppError::bad_request(format!("Field '{field}' has unbalanced quotes: {line}"))
        }),
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
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(body: Value) -> Result<CreateSpec, AppError> {
        let request: CreateContainerRequest = serde_json::from_value(body).expect("valid shape");
        build_create_spec(request, &Policy::default())
    }

    fn binding(ip: &str, port: &str) -> DockerPortBinding {
        DockerPortBinding {
            host_ip: Some(ip.into()),
            host_port: Some(port.into()),
        }
    }

    #[test]
    fn missing_image_is_refused_with_the_documented_message() {
        assert_eq!(
            spec(json!({})).unwrap_err(),
            AppError::bad_request("Image name is required")
        );
        assert!(spec(json!({"image": "  "})).is_err());
    }

    #[test]
    fn ports_accept_every_docker_py_shape() {
        let built = spec(json!({"image": "x", "ports": {
            "80/tcp": 8080, "81": "8081", "82/udp": "127.0.0.1:8082",
            "83/tcp": ["127.0.0.1", 8083], "84/tcp": [8084, 8085], "85/tcp": null
        }}))
        .unwrap();
        let host = built.body.host_config.unwrap();
        let bindings = host.port_bindings.unwrap();
        assert_eq!(bindings["80/tcp"], Some(vec![binding("", "8080")]));
        assert_eq!(bindings["81/tcp"], Some(vec![binding("", "8081")]));
        assert_eq!(bindings["82/udp"], Some(vec![binding("127.0.0.1", "8082")]));
        assert_eq!(bindings["83/tcp"], Some(vec![binding("127.0.0.1", "8083")]));
        assert_eq!(
            bindings["84/tcp"],
            Some(vec![binding("", "8084"), binding("", "8085")])
        );
        assert!(!bindings.contains_key("85/tcp"));
        assert!(
            built
                .body
                .exposed_ports
                .unwrap()
                .contains(&"85/tcp".to_string())
        );
    }

    #[test]
    fn ports_of_the_wrong_shape_name_the_field() {
        let err = spec(json!({"image": "x", "ports": [80]})).unwrap_err();
        assert_eq!(err, AppError::bad_request(PORTS_SHAPE));
        assert!(spec(json!({"image": "x", "ports": {"http": 80}})).is_err());
        assert!(spec(json!({"image": "x", "ports": {"80/tcp": 70000}})).is_err());
        assert!(spec(json!({"image": "x", "ports": {"80/tcp": true}})).is_err());
        assert!(spec(json!({"image": "x", "ports": {"80/tcp": "bad.ip:80"}})).is_err());
    }

    #[test]
    fn environment_accepts_lists_and_objects() {
        let list = spec(json!({"image": "x", "environment": ["A=1", "B=two"]})).unwrap();
        assert_eq!(list.body.env.unwrap(), vec!["A=1", "B=two"]);
        let object = spec(json!({"image": "x", "environment": {"A": 1, "B": "two"}})).unwrap();
        assert_eq!(object.body.env.unwrap(), vec!["A=1", "B=two"]);
        assert!(spec(json!({"image": "x", "environment": "A=1"})).is_err());
        assert!(spec(json!({"image": "x", "environment": [1]})).is_err());
    }

    #[test]
    fn volumes_become_binds() {
        let built = spec(json!({"image": "x", "volumes": {
            "/srv/data": {"bind": "/data", "mode": "ro"}, "named-vol": {"bind": "/v"}
        }}))
        .unwrap();
        let mut binds = built.body.host_config.unwrap().binds.unwrap();
        binds.sort();
        assert_eq!(binds, vec!["/srv/data:/data:ro", "named-vol:/v:rw"]);
        let cleaned = spec(json!({"image": "x", "volumes": ["/srv//data/./:/d"],
            "mounts": [{"Type": "bind", "Source": "/srv/x/../data/", "Target": "/e"}]}))
        .unwrap();
        let host = cleaned.body.host_config.unwrap();
        assert_eq!(host.binds.unwrap(), vec!["/srv/data:/d"]);
        assert_eq!(host.mounts.unwrap()[0].source.as_deref(), Some("/srv/data"));
        assert!(spec(json!({"image": "x", "volumes": {"/a": {"bind": "relative"}}})).is_err());
        assert!(
            spec(json!({"image": "x", "volumes": {"/a": {"bind": "/b", "mode": "rx"}}})).is_err()
        );
        assert!(spec(json!({"image": "x", "volumes": {"../etc": {"bind": "/b"}}})).is_err());
        let list = spec(json!({"image": "x", "volumes": ["/a:/b:ro"]})).unwrap();
        assert_eq!(
            list.body.host_config.unwrap().binds.unwrap(),
            vec!["/a:/b:ro"]
        );
    }

    #[test]
    fn command_strings_split_like_a_shell_without_one() {
        let built = spec(json!({"image": "x", "command": "sh -c 'echo hi; sleep 1'"})).unwrap();
        assert_eq!(
            built.body.cmd.unwrap(),
            vec!["sh", "-c", "echo hi; sleep 1"]
        );
        assert!(spec(json!({"image": "x", "command": "sh -c 'oops"})).is_err());
        assert!(spec(json!({"image": "x", "command": 5})).is_err());
    }

    #[test]
    fn memory_accepts_bytes_and_suffixes() {
        assert_eq!(parse_memory(&json!("512m"), "memory").unwrap(), 512 << 20);
        assert_eq!(parse_memory(&json!("1g"), "memory").unwrap(), 1 << 30);
        assert_eq!(parse_memory(&json!("1gb"), "memory").unwrap(), 1 << 30);
        assert_eq!(parse_memory(&json!(10485760), "memory").unwrap(), 10485760);
        assert!(parse_memory(&json!("lots"), "memory").is_err());
        assert!(parse_memory(&json!("1k"), "memory").is_err());
        assert!(parse_memory(&json!(-1), "memory").is_err());
    }

    #[test]
    fn restart_policy_accepts_docker_py_and_cli_shapes() {
        let built = spec(
            json!({"image": "x", "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 3}}),
        )
        .unwrap();
        let policy = built.body.host_config.unwrap().restart_policy.unwrap();
        assert_eq!(policy.name, Some(RestartPolicyNameEnum::ON_FAILURE));
        assert_eq!(policy.maximum_retry_count, Some(3));
        assert!(spec(json!({"image": "x", "restart_policy": "unless-stopped"})).is_ok());
        assert!(spec(json!({"image": "x", "restart_policy": "sometimes"})).is_err());
    }

    #[test]
    fn privileged_needs_the_server_to_allow_it() {
        let err = spec(json!({"image": "x", "privileged": true})).unwrap_err();
        assert_eq!(err.status_code(), 403);
        let request: CreateContainerRequest =
            serde_json::from_value(json!({"image": "x", "privileged": true})).unwrap();
        let allowed = Policy {
            allow_privileged: true,
            ..Policy::default()
        };
        assert!(build_create_spec(request, &allowed).is_ok());
    }

    #[test]
    fn invalid_names_are_refused() {
        assert!(validate_container_name("web-1.a_b").is_ok());
        assert!(validate_container_name("-web").is_err());
        assert!(validate_container_name("we b").is_err());
        assert!(validate_container_name("../x").is_err());
    }

    #[test]
    fn user_networks_are_attached_at_creation() {
        let built = spec(json!({"image": "x", "network": "app-net"})).unwrap();
        let endpoints = built
            .body
            .networking_config
            .unwrap()
            .endpoints_config
            .unwrap();
        assert!(endpoints.contains_key("app-net"));
        let host = spec_allowing_everything(json!({"image": "x", "network_mode": "host"})).unwrap();
        assert!(host.body.networking_config.is_none());
    }

    fn spec_allowing_everything(body: Value) -> Result<CreateSpec, AppError> {
        let request: CreateContainerRequest = serde_json::from_value(body).expect("valid shape");
        let policy = Policy {
            allow_privileged: true,
            ..Policy::default()
        };
        build_create_spec(request, &policy)
    }

    fn policy_refusal(body: Value) -> String {
        match spec(body.clone()) {
            Err(AppError::Forbidden(message)) if message.starts_with("Policy forbids") => message,
            other => panic!("{body} should be refused by the policy, got {other:?}"),
        }
    }

    #[test]
    fn every_spelling_of_a_forbidden_field_reaches_the_policy() {
        for (body, rule) in [
            (json!({"image": "x", "privileged": true}), "privileged"),
            (json!({"image": "x", "network": "host"}), "host network"),
            (
                json!({"image": "x", "network_mode": "HOST"}),
                "host network",
            ),
            (
                json!({"image": "x", "cap_add": ["cap_sys_admin"]}),
                "SYS_ADMIN",
            ),
            (json!({"image": "x", "pid_mode": "host"}), "pid_mode"),
            (json!({"image": "x", "ipc_mode": "Host"}), "ipc_mode"),
            (json!({"image": "x", "uts_mode": "host"}), "uts_mode"),
            (json!({"image": "x", "userns_mode": "HOST"}), "userns_mode"),
            (json!({"image": "x", "devices": ["/dev/fuse"]}), "devices"),
            (
                json!({"image": "x", "security_opt": ["apparmor=unconfined"]}),
                "security",
            ),
            (
                json!({"image": "x", "volumes": {"/": {"bind": "/host"}}}),
                "of /",
            ),
            (json!({"image": "x", "volumes": {"//etc/": "/x"}}), "/etc"),
            (json!({"image": "x", "volumes": ["/:/host"]}), "of /"),
            (json!({"image": "x", "volumes": ["/etc/.:/x:ro"]}), "/etc"),
            (
                json!({"image": "x", "volumes": ["/var/run/docker.sock:/s"]}),
                "Docker socket",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "bind", "Source": "/proc/../etc", "Target": "/x"}]}),
                "/etc",
            ),
            (
                json!({"image": "x", "mounts": [{"type": "bind", "source": "/run/docker.sock", "target": "/x", "read_only": true}]}),
                "Docker socket",
            ),
        ] {
            let message = policy_refusal(body.clone());
            assert!(message.contains(rule), "{body} -> {message}");
            assert!(spec_allowing_everything(body).is_ok());
        }
    }

    #[test]
    fn the_new_create_fields_are_wired_into_dockers_body() {
        let built = spec_allowing_everything(json!({"image": "x",
            "mounts": [
                {"Type": "bind", "Source": "/srv/data", "Target": "/data", "ReadOnly": true},
                {"type": "volume", "source": "cache", "target": "/cache"},
                {"Type": "tmpfs", "Target": "/scratch"}
            ],
            "devices": ["/dev/fuse", "/dev/null:/dev/nothing", "/dev/zero:/dev/zero:r"],
            "security_opt": ["no-new-privileges"],
            "sysctls": {"net.ipv4.ip_forward": "1", "net.core.somaxconn": 1024},
            "pid_mode": "HOST", "ipc_mode": "shareable", "uts_mode": "host", "userns_mode": "host"
        }))
        .unwrap();
        let host = built.body.host_config.unwrap();
        let mounts = host.mounts.unwrap();
        assert_eq!(mounts[0].typ, Some(MountType::BIND));
        assert_eq!(mounts[0].read_only, Some(true));
        assert_eq!(mounts[1].typ, Some(MountType::VOLUME));
        assert_eq!(mounts[1].source.as_deref(), Some("cache"));
        assert_eq!(mounts[2].typ, Some(MountType::TMPFS));
        let devices = host.devices.unwrap();
        assert_eq!(devices[0].path_in_container.as_deref(), Some("/dev/fuse"));
        assert_eq!(
            devices[1].path_in_container.as_deref(),
            Some("/dev/nothing")
        );
        assert_eq!(devices[2].cgroup_permissions.as_deref(), Some("r"));
        assert_eq!(host.security_opt.unwrap(), vec!["no-new-privileges"]);
        let sysctls = host.sysctls.unwrap();
        assert_eq!(sysctls["net.core.somaxconn"], "1024");
        assert_eq!(host.pid_mode.as_deref(), Some("host"));
        assert_eq!(host.ipc_mode.as_deref(), Some("shareable"));
        assert_eq!(host.uts_mode.as_deref(), Some("host"));
        assert_eq!(host.userns_mode.as_deref(), Some("host"));
        let shared =
            spec(json!({"image": "x", "pid_mode": "container:web", "ipc_mode": "private"}))
                .unwrap();
        assert_eq!(
            shared.body.host_config.unwrap().pid_mode.as_deref(),
            Some("container:web")
        );
    }

    #[test]
    fn the_new_create_fields_of_the_wrong_shape_are_bad_requests() {
        for (body, needle) in [
            (json!({"image": "x", "mounts": {"Type": "bind"}}), "mounts"),
            (json!({"image": "x", "mounts": ["/a:/b"]}), "mounts"),
            (
                json!({"image": "x", "mounts": [{"Type": "npipe", "Source": "/a", "Target": "/b"}]}),
                "npipe",
            ),
            (
                json!({"image": "x", "mounts": [{"Source": "/a", "Target": "/b"}]}),
                "Type",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "bind", "Source": "a", "Target": "/b"}]}),
                "Source",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "bind", "Source": "/a", "Target": "b"}]}),
                "Target",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "bind", "Source": "/a", "Target": "/b", "ReadOnly": "yes"}]}),
                "ReadOnly",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "tmpfs", "Source": "/a", "Target": "/b"}]}),
                "tmpfs",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "volume", "Source": "../x", "Target": "/b"}]}),
                "volume name",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "bind", "type": "bind", "Source": "/a", "Target": "/b"}]}),
                "twice",
            ),
            (
                json!({"image": "x", "mounts": [{"Type": "volume", "Target": "/b", "VolumeOptions": {}}]}),
                "VolumeOptions",
            ),
            (json!({"image": "x", "devices": ["fuse"]}), "devices"),
            (
                json!({"image": "x", "devices": ["/dev/fuse:/dev/fuse:rwx"]}),
                "devices",
            ),
            (
                json!({"image": "x", "devices": ["/dev/a:/dev/b:r:w"]}),
                "devices",
            ),
            (json!({"image": "x", "security_opt": [""]}), "security_opt"),
            (
                json!({"image": "x", "sysctls": "net.ipv4.ip_forward=1"}),
                "sysctls",
            ),
            (json!({"image": "x", "sysctls": {"a": {"b": 1}}}), "sysctls"),
            (json!({"image": "x", "pid_mode": "hostile"}), "pid_mode"),
            (
                json!({"image": "x", "uts_mode": "container:web"}),
                "uts_mode",
            ),
            (json!({"image": "x", "ipc_mode": "public"}), "ipc_mode"),
            (
                json!({"image": "x", "userns_mode": "private"}),
                "userns_mode",
            ),
            (
                json!({"image": "x", "volumes": {"/etc:/x": {"bind": "/y"}}}),
                "source",
            ),
            (
                json!({"image": "x", "volumes": {"/srv": {"bind": "/y:/z"}}}),
                "target",
            ),
        ] {
            let err = spec(body.clone()).unwrap_err();
            assert_eq!(err.status_code(), 400, "{body} -> {err}");
            assert!(err.to_string().contains(needle), "{body} -> {err}");
        }
    }
}
