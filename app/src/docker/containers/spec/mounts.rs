//! Volumes, mounts and devices of a create request: every spelling parsed and checked before the
//! policy judges the host paths.

use super::*;

/// A bind source as the daemon will receive it: a host path with `.`, `..` and repeated slashes collapsed
/// (the very path the policy judges); a volume name unchanged.
pub(super) fn clean_source(source: &str) -> Result<String, AppError> {
    if source.starts_with('/') {
        Ok(normalize_host_path(source)?.to_string_lossy().into_owned())
    } else {
        Ok(source.to_string())
    }
}

pub(super) fn parse_volumes(value: &Value) -> Result<Vec<String>, AppError> {
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
/// `type`, `source`, `target`, `readonly`, and docker-py's `read_only`) of type `bind`, `volume` or `tmpfs`.
pub(super) fn parse_mounts(value: &Value) -> Result<Vec<Mount>, AppError> {
    const SHAPE: &str = r#"Field 'mounts' must be a list like [{"Type": "bind", "Source": "/host/path", "Target": "/path", "ReadOnly": true}]"#;
    let Value::Array(items) = value else {
        return Err(AppError::bad_request(SHAPE));
    };
    items.iter().map(parse_mount).collect()
}

pub(super) fn parse_mount(item: &Value) -> Result<Mount, AppError> {
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
            "ReadOnly" | "readonly" | "read_only" => &mut read_only,
            other => {
                return Err(AppError::bad_request(format!(
                    "Unknown field '{other}' in 'mounts': use Type, Source, Target and ReadOnly \
                     (or type, source, target and readonly)"
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
pub(super) fn parse_devices(entries: &[String]) -> Result<Vec<DeviceMapping>, AppError> {
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
