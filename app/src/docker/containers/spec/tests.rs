//! Tests of the create spec: every field of the document's and docker-py's spellings, and the refusals.

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
    assert!(spec(json!({"image": "x", "volumes": {"/a": {"bind": "/b", "mode": "rx"}}})).is_err());
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
            {"Type": "tmpfs", "Target": "/scratch"},
            {"type": "volume", "source": "logs", "target": "/logs", "readonly": true},
            {"type": "volume", "source": "tmp", "target": "/tmp2", "read_only": false}
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
    assert_eq!(
        mounts[3].read_only,
        Some(true),
        "the contract's lower-case readonly"
    );
    assert_eq!(mounts[4].read_only, Some(false), "docker-py's read_only");
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
        spec(json!({"image": "x", "pid_mode": "container:web", "ipc_mode": "private"})).unwrap();
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
