//! Published ports of a create request: `{"80/tcp": 8080}` and its longer spellings, checked.

use super::*;

/// Parses a container port key like `80/tcp`, `53/udp` or `8080` (tcp implied).
pub(super) fn parse_container_port(key: &str) -> Result<String, AppError> {
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

pub(super) fn host_port_text(value: &Value, key: &str) -> Result<String, AppError> {
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

pub(super) fn parse_binding(value: &Value, key: &str) -> Result<DockerPortBinding, AppError> {
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

pub(super) fn validate_host_ip(ip: &str, key: &str) -> Result<String, AppError> {
    if ip.is_empty() || ip.parse::<std::net::IpAddr>().is_ok() {
        Ok(ip.to_string())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid host IP '{ip}' for '{key}' in 'ports'"
        )))
    }
}

/// Parses the docker-py `ports` shapes into exposed ports and bindings.
pub(super) fn parse_ports(ports: &Value) -> Result<(Vec<String>, DockerPortMap), AppError> {
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
