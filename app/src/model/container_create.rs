//! Container creation, the pure part (WASM-safe): the field validators that the server's create spec
//! (`docker::containers::spec`) and the console's create form share, so the form says exactly what the
//! server would refuse, with the same sentence; and the form itself: its rows turned into a
//! [`CreateContainerRequest`] and into the equivalent `docker run` line.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::AppError;
use crate::model::containers::CreateContainerRequest;

/// Whether `name` follows Docker's rule for object names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, `min_len` to 255
/// characters.
pub fn is_docker_name(name: &str, min_len: usize) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && (min_len..=255).contains(&name.len())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
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

/// Whether `reference` reads as an image reference or id: at most 512 of the characters Docker allows
/// (`[a-zA-Z0-9._/:@-]`), not starting with a separator.
pub fn is_image_reference(reference: &str) -> bool {
    !reference.is_empty()
        && reference.len() <= 512
        && !reference.starts_with(['-', '/', ':', '@', '.'])
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@'))
}

/// Checks the image of a container: present, and a well-formed reference.
pub fn validate_image_reference(image: &str) -> Result<(), AppError> {
    if image.trim().is_empty() {
        Err(AppError::bad_request("Image name is required"))
    } else if is_image_reference(image) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid image reference '{image}'"
        )))
    }
}

/// Parses a container port key like `80/tcp`, `53/udp` or `8080` (tcp implied) into `port/proto`.
pub fn parse_container_port(key: &str) -> Result<String, AppError> {
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

/// Checks a host port for container port `key`: empty (any free port), a number from 0 to 65535, or a
/// range like `8000-8010`.
pub fn validate_host_port(text: &str, key: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() || text.parse::<u16>().is_ok() {
        return Ok(text.to_string());
    }
    if let Some((low, high)) = text.split_once('-')
        && let (Ok(low), Ok(high)) = (low.parse::<u16>(), high.parse::<u16>())
        && low <= high
    {
        return Ok(text.to_string());
    }
    Err(AppError::bad_request(format!(
        "Invalid host port '{text}' for '{key}' in 'ports': use a number from 0 to 65535"
    )))
}

/// Checks a host address to bind container port `key` on (empty: every address).
pub fn validate_host_ip(ip: &str, key: &str) -> Result<String, AppError> {
    if ip.is_empty() || ip.parse::<std::net::IpAddr>().is_ok() {
        Ok(ip.to_string())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid host IP '{ip}' for '{key}' in 'ports'"
        )))
    }
}

/// Checks a mount target: an absolute path in the container.
pub fn validate_mount_target(target: &str) -> Result<(), AppError> {
    if target.starts_with('/') && !target.contains(['\0', ':']) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid mount target '{target}' in 'volumes': it must be an absolute path in the container"
        )))
    }
}

/// Checks a mount source: an absolute host path or a volume name.
pub fn validate_mount_source(source: &str) -> Result<(), AppError> {
    let is_path = source.starts_with('/');
    if (is_path && !source.contains(['\0', ':'])) || is_docker_name(source, 1) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid mount source '{source}' in 'volumes': use an absolute host path or a volume name"
        )))
    }
}

/// Checks a mount mode: `rw`, `ro` and Docker's other comma-separated mount options.
pub fn validate_mount_mode(mode: &str) -> Result<(), AppError> {
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

/// The shape sentence of a bad `environment` field.
pub const ENVIRONMENT_SHAPE: &str =
    r#"Field 'environment' must be a list like ["KEY=value"] or an object like {"KEY": "value"}"#;

/// Checks one `KEY=value` environment line: a non-empty key before the first `=`.
pub fn validate_environment_line(line: &str) -> Result<(), AppError> {
    if line.is_empty() || line.starts_with('=') {
        Err(AppError::bad_request(ENVIRONMENT_SHAPE))
    } else {
        Ok(())
    }
}

/// Splits a command line the way a shell would, without a shell (`sh -c 'echo hi'` is two words and a
/// quoted third).
pub fn split_command(line: &str, field: &str) -> Result<Vec<String>, AppError> {
    shlex::split(line).ok_or_else(|| {
        AppError::bad_request(format!("Field '{field}' has unbalanced quotes: {line}"))
    })
}

/// One published port of the form: `host:container`, `ip:host:container` or `container` alone (exposed,
/// not published); the container port may end in `/udp` or `/sctp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRow {
    /// The container port as Docker keys it, e.g. `80/tcp`.
    pub container: String,
    /// The host binding, `port` or `ip:port`; `None` exposes the port without publishing it.
    pub binding: Option<String>,
}

/// Parses a port row of the form (see [`PortRow`]) with the server's own checks.
pub fn parse_port_row(text: &str) -> Result<PortRow, AppError> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [container] => (None, None, *container),
        [host, container] => (None, Some(*host), *container),
        [ip, host, container] => (Some(*ip), Some(*host), *container),
        _ => {
            return Err(AppError::bad_request(format!(
                "Invalid port '{text}': use host:container, like 8080:80"
            )));
        }
    };
    let container = parse_container_port(container)?;
    let binding = match host {
        None => None,
        Some(host) => {
            let host = validate_host_port(host, &container)?;
            match ip {
                Some(ip) => Some(format!(
                    "{}:{host}",
                    validate_host_ip(ip.trim_matches(['[', ']']), &container)?
                )),
                None => Some(host),
            }
        }
    };
    Ok(PortRow { container, binding })
}

/// Parses a volume row of the form, `source:/path` or `source:/path:mode` (source: a host path or a
/// volume name), with the server's own checks.
pub fn parse_volume_row(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    match text.split(':').collect::<Vec<_>>().as_slice() {
        [source, target] => {
            validate_mount_source(source)?;
            validate_mount_target(target)?;
        }
        [source, target, mode] => {
            validate_mount_source(source)?;
            validate_mount_target(target)?;
            validate_mount_mode(mode)?;
        }
        _ => {
            return Err(AppError::bad_request(format!(
                "Invalid volume '{text}': use source:/path in the container, like data:/data or /srv/www:/www:ro"
            )));
        }
    }
    Ok(text.to_string())
}

/// Parses a label row of the form, `key=value` (a non-empty key).
pub fn parse_label_row(text: &str) -> Result<(String, String), AppError> {
    let text = text.trim();
    let (key, value) = text.split_once('=').unwrap_or((text, ""));
    if key.is_empty() {
        return Err(AppError::bad_request(format!(
            "Invalid label '{text}': use key=value"
        )));
    }
    Ok((key.to_string(), value.to_string()))
}

/// The restart policies the form offers, as `docker run --restart` spells them.
pub const RESTART_POLICIES: [&str; 4] = ["no", "always", "unless-stopped", "on-failure"];

/// What the create form holds: every field as typed (list fields as rows; blank rows are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateForm {
    /// The image reference.
    pub image: String,
    /// The container's name (blank: Docker picks one).
    pub name: String,
    /// The command line (blank: the image's).
    pub command: String,
    /// Port rows, `host:container`.
    pub ports: Vec<String>,
    /// Environment rows, `KEY=value`.
    pub environment: Vec<String>,
    /// Volume rows, `source:/path[:mode]`.
    pub volumes: Vec<String>,
    /// Label rows, `key=value`.
    pub labels: Vec<String>,
    /// One of [`RESTART_POLICIES`] (blank: `no`).
    pub restart_policy: String,
    /// A network to attach (blank: the default bridge).
    pub network: String,
    /// Whether to start the container once created.
    pub start: bool,
}

/// Which field of the form a message is about: a single field, or one row of a list field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormField {
    /// The image.
    Image,
    /// The name.
    Name,
    /// The command.
    Command,
    /// Port row N (from 0).
    Port(usize),
    /// Environment row N.
    Environment(usize),
    /// Volume row N.
    Volume(usize),
    /// Label row N.
    Label(usize),
    /// The restart policy.
    RestartPolicy,
    /// The network.
    Network,
}

/// The form's refusals, one sentence per field.
pub type FormErrors = Vec<(FormField, String)>;

fn rows(list: &[String]) -> impl Iterator<Item = (usize, &str)> {
    list.iter()
        .enumerate()
        .map(|(index, row)| (index, row.trim()))
        .filter(|(_, row)| !row.is_empty())
}

impl CreateForm {
    /// Every field's refusal, in the order of the form (empty when the server would accept the fields).
    pub fn errors(&self) -> FormErrors {
        match self.to_request() {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        }
    }

    /// The request the form stands for, or every field's refusal.
    pub fn to_request(&self) -> Result<CreateContainerRequest, FormErrors> {
        let mut errors = FormErrors::new();
        let mut refuse =
            |field: FormField, error: AppError| errors.push((field, error.to_string()));
        let image = self.image.trim();
        if let Err(error) = validate_image_reference(image) {
            refuse(FormField::Image, error);
        }
        let name = self.name.trim();
        if !name.is_empty()
            && let Err(error) = validate_container_name(name)
        {
            refuse(FormField::Name, error);
        }
        let command = self.command.trim();
        if !command.is_empty()
            && let Err(error) = split_command(command, "command")
        {
            refuse(FormField::Command, error);
        }
        let mut ports = Map::new();
        for (index, row) in rows(&self.ports) {
            match parse_port_row(row) {
                Ok(PortRow { container, binding }) => {
                    let slot = ports.entry(container).or_insert(Value::Null);
                    match (binding, slot) {
                        (None, _) => {}
                        (Some(binding), Value::Array(list)) => list.push(binding.into()),
                        (Some(binding), slot @ Value::Null) => *slot = binding.into(),
                        (Some(binding), slot) => {
                            *slot = Value::Array(vec![slot.take(), binding.into()])
                        }
                    }
                }
                Err(error) => refuse(FormField::Port(index), error),
            }
        }
        let mut environment = Vec::new();
        for (index, row) in rows(&self.environment) {
            match validate_environment_line(row) {
                Ok(()) => environment.push(Value::from(row)),
                Err(error) => refuse(FormField::Environment(index), error),
            }
        }
        let mut volumes = Vec::new();
        for (index, row) in rows(&self.volumes) {
            match parse_volume_row(row) {
                Ok(volume) => volumes.push(Value::from(volume)),
                Err(error) => refuse(FormField::Volume(index), error),
            }
        }
        let mut labels = Map::new();
        for (index, row) in rows(&self.labels) {
            match parse_label_row(row) {
                Ok((key, value)) => {
                    labels.insert(key, value.into());
                }
                Err(error) => refuse(FormField::Label(index), error),
            }
        }
        let restart_policy = self.restart_policy.trim();
        if !restart_policy.is_empty() && !RESTART_POLICIES.contains(&restart_policy) {
            refuse(
                FormField::RestartPolicy,
                AppError::bad_request(format!(
                    "Invalid restart policy '{restart_policy}': use no, always, unless-stopped or on-failure"
                )),
            );
        }
        let network = self.network.trim();
        if !network.is_empty() && !is_docker_name(network, 1) {
            refuse(
                FormField::Network,
                AppError::bad_request(format!("Invalid network name '{network}'")),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |value: &str| (!value.is_empty()).then(|| value.to_string());
        Ok(CreateContainerRequest {
            image: Some(image.to_string()),
            name: text(name),
            command: text(command).map(Value::from),
            ports: (!ports.is_empty()).then_some(Value::Object(ports)),
            environment: (!environment.is_empty()).then_some(Value::Array(environment)),
            volumes: (!volumes.is_empty()).then_some(Value::Array(volumes)),
            labels: (!labels.is_empty()).then_some(Value::Object(labels)),
            restart_policy: text(restart_policy)
                .filter(|policy| policy != "no")
                .map(Value::from),
            network: text(network),
            ..Default::default()
        })
    }

    /// The `docker run` line doing what the form does (`docker create` when it does not start the
    /// container), every word shell-quoted; blank and invalid rows are left out.
    pub fn docker_run_line(&self) -> String {
        let mut words: Vec<String> = vec!["docker".into()];
        if self.start {
            words.extend(["run".into(), "-d".into()]);
        } else {
            words.push("create".into());
        }
        let mut option = |flag: &str, value: &str| {
            words.push(flag.to_string());
            words.push(value.to_string());
        };
        if !self.name.trim().is_empty() {
            option("--name", self.name.trim());
        }
        for (_, row) in rows(&self.ports) {
            if let Ok(port) = parse_port_row(row) {
                let container = port
                    .container
                    .strip_suffix("/tcp")
                    .unwrap_or(&port.container);
                match port.binding {
                    Some(binding) => option("-p", &format!("{binding}:{container}")),
                    None => option("--expose", container),
                }
            }
        }
        for (_, row) in rows(&self.environment) {
            option("-e", row);
        }
        for (_, row) in rows(&self.volumes) {
            option("-v", row);
        }
        for (_, row) in rows(&self.labels) {
            option("--label", row);
        }
        let restart = self.restart_policy.trim();
        if !restart.is_empty() && restart != "no" {
            option("--restart", restart);
        }
        if !self.network.trim().is_empty() {
            option("--network", self.network.trim());
        }
        words.push(if self.image.trim().is_empty() {
            "IMAGE".to_string()
        } else {
            self.image.trim().to_string()
        });
        match shlex::split(self.command.trim()) {
            Some(command) => words.extend(command),
            None => words.push(self.command.trim().to_string()),
        }
        words
            .iter()
            .map(|word| match shlex::try_quote(word) {
                Ok(quoted) => quoted.into_owned(),
                Err(_) => format!("'{}'", word.replace('\0', "")),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CreateForm {
        CreateForm {
            image: "busybox:latest".into(),
            ..Default::default()
        }
    }

    #[test]
    fn port_rows_read_host_colon_container() {
        assert_eq!(
            parse_port_row("8080:80").expect("port"),
            PortRow {
                container: "80/tcp".into(),
                binding: Some("8080".into())
            }
        );
        assert_eq!(
            parse_port_row("127.0.0.1:5353:53/udp").expect("port"),
            PortRow {
                container: "53/udp".into(),
                binding: Some("127.0.0.1:5353".into())
            }
        );
        assert_eq!(parse_port_row("80").expect("port").binding, None);
        let error = parse_port_row("99999:80").expect_err("bad host port");
        assert_eq!(
            error.to_string(),
            "Invalid host port '99999' for '80/tcp' in 'ports': use a number from 0 to 65535"
        );
        assert!(parse_port_row("8080:web").is_err());
        assert!(parse_port_row("a:b:c:d").is_err());
    }

    #[test]
    fn the_form_becomes_the_request_the_rest_api_takes() {
        let request = CreateForm {
            name: "web".into(),
            command: "sh -c 'echo hi'".into(),
            ports: vec![
                "8080:80".into(),
                "".into(),
                "8443:80".into(),
                "53/udp".into(),
            ],
            environment: vec!["A=1".into()],
            volumes: vec!["data:/data".into()],
            labels: vec!["team=web".into()],
            restart_policy: "always".into(),
            ..form()
        }
        .to_request()
        .expect("valid");
        assert_eq!(request.image.as_deref(), Some("busybox:latest"));
        assert_eq!(
            request.ports,
            Some(serde_json::json!({"80/tcp": ["8080", "8443"], "53/udp": null}))
        );
        assert_eq!(request.environment, Some(serde_json::json!(["A=1"])));
        assert_eq!(request.volumes, Some(serde_json::json!(["data:/data"])));
        assert_eq!(request.labels, Some(serde_json::json!({"team": "web"})));
        assert_eq!(request.restart_policy, Some(serde_json::json!("always")));
        assert_eq!(request.command, Some(serde_json::json!("sh -c 'echo hi'")));
    }

    #[test]
    fn every_bad_field_gets_its_own_sentence_and_blank_rows_are_ignored() {
        let errors = CreateForm {
            image: "".into(),
            name: "-bad".into(),
            command: "echo 'open".into(),
            ports: vec!["".into(), "8080:http".into()],
            environment: vec!["=x".into()],
            volumes: vec!["data".into()],
            labels: vec!["=v".into()],
            ..Default::default()
        }
        .errors();
        let fields: Vec<&FormField> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(
            fields,
            [
                &FormField::Image,
                &FormField::Name,
                &FormField::Command,
                &FormField::Port(1),
                &FormField::Environment(0),
                &FormField::Volume(0),
                &FormField::Label(0),
            ]
        );
        assert_eq!(errors[0].1, "Image name is required");
        assert!(form().errors().is_empty());
    }

    #[test]
    fn the_docker_run_line_quotes_every_word() {
        let line = CreateForm {
            name: "web".into(),
            command: "sh -c 'echo hi; sleep 1'".into(),
            ports: vec!["8080:80".into()],
            environment: vec!["GREETING=hello world".into()],
            volumes: vec!["data:/data:ro".into()],
            restart_policy: "unless-stopped".into(),
            start: true,
            ..form()
        }
        .docker_run_line();
        assert_eq!(
            line,
            "docker run -d --name web -p 8080:80 -e 'GREETING=hello world' -v data:/data:ro \
             --restart unless-stopped busybox:latest sh -c 'echo hi; sleep 1'"
        );
        assert!(form().docker_run_line().starts_with("docker create "));
    }

    #[test]
    fn names_and_images_follow_the_daemon_rules() {
        assert!(is_docker_name("web-1.a_b", 1));
        assert!(!is_docker_name("-web", 1));
        assert!(validate_container_name("/web").is_ok());
        assert!(validate_container_name("w").is_err());
        assert!(validate_image_reference("registry:5000/a/b:1").is_ok());
        assert!(validate_image_reference("a b").is_err());
    }
}
