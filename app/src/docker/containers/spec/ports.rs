//! Published ports of a create request: `{"80/tcp": 8080}` and its longer spellings, checked.

use super::*;

pub(super) fn host_port_text(value: &Value, key: &str) -> Result<String, AppError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return Err(AppError::bad_request(PORTS_SHAPE)),
    };
    validate_host_port(&text, key)
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
