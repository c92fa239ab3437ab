//! Tests of the policy: every rule, every spelling of a forbidden request, and what stays allowed.

use std::collections::HashMap;
use std::os::unix::fs::symlink;

use bollard::models::{
    DeviceMapping, EndpointSettings, HostConfig, Mount, MountVolumeOptions,
    MountVolumeOptionsDriverConfig, NetworkingConfig,
};

use super::*;

fn body(host: HostConfig) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some("x".into()),
        host_config: Some(host),
        ..Default::default()
    }
}

fn refusal(policy: &Policy, host: HostConfig) -> String {
    match policy.check_container(&body(host)) {
        Err(AppError::Forbidden(message)) => {
            assert!(message.starts_with("Policy forbids"), "{message}");
            message
        }
        other => panic!("expected a policy refusal, got {other:?}"),
    }
}

fn bind_refusal(policy: &Policy, source: &str) -> String {
    match policy.check_bind(source) {
        Err(AppError::Forbidden(message)) => {
            assert!(message.starts_with("Policy forbids"), "{message}");
            message
        }
        other => panic!("expected {source} to be refused, got {other:?}"),
    }
}

fn binds(list: &[&str]) -> HostConfig {
    HostConfig {
        binds: Some(list.iter().map(|b| b.to_string()).collect()),
        ..Default::default()
    }
}

fn bind_mount(source: &str) -> Mount {
    Mount {
        typ: Some(MountType::BIND),
        source: Some(source.into()),
        target: Some("/x".into()),
        ..Default::default()
    }
}

fn allowed() -> Policy {
    Policy {
        allow_privileged: true,
        ..Policy::default()
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("berth-policy-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(fs::canonicalize(&dir).unwrap())
    }

    fn path(&self, rest: &str) -> String {
        format!("{}/{rest}", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn privileged_containers_are_refused_unless_the_server_allows_them() {
    let host = HostConfig {
        privileged: Some(true),
        ..Default::default()
    };
    assert_eq!(
        refusal(&Policy::default(), host.clone()),
        "Policy forbids privileged containers"
    );
    assert!(allowed().check_container(&body(host)).is_ok());
    let unprivileged = HostConfig {
        privileged: Some(false),
        ..Default::default()
    };
    assert!(
        Policy::default()
            .check_container(&body(unprivileged))
            .is_ok()
    );
}

#[test]
fn the_host_network_is_refused_in_any_case_and_spacing() {
    for mode in ["host", "HOST", " Host "] {
        let host = HostConfig {
            network_mode: Some(mode.into()),
            ..Default::default()
        };
        let message = refusal(&Policy::default(), host);
        assert!(message.contains("host network"), "{message}");
    }
    let mut attached = body(HostConfig::default());
    attached.networking_config = Some(NetworkingConfig {
        endpoints_config: Some(HashMap::from([(
            "Host".into(),
            EndpointSettings::default(),
        )])),
    });
    assert!(Policy::default().check_container(&attached).is_err());
    for mode in ["bridge", "none", "app-net", "hostile"] {
        let host = HostConfig {
            network_mode: Some(mode.into()),
            ..Default::default()
        };
        assert!(
            Policy::default().check_container(&body(host)).is_ok(),
            "{mode}"
        );
    }
}

#[test]
fn dangerous_capabilities_are_refused_in_every_spelling() {
    for (requested, named) in [
        ("ALL", "ALL"),
        ("all", "ALL"),
        ("SYS_ADMIN", "SYS_ADMIN"),
        ("cap_sys_admin", "SYS_ADMIN"),
        (" CAP_SYS_MODULE ", "SYS_MODULE"),
        ("Sys_RawIO", "SYS_RAWIO"),
        ("sys_ptrace", "SYS_PTRACE"),
        ("CAP_SYS_BOOT", "SYS_BOOT"),
        ("dac_read_search", "DAC_READ_SEARCH"),
        ("mac_admin", "MAC_ADMIN"),
        ("Cap_Mac_Override", "MAC_OVERRIDE"),
        ("bpf", "BPF"),
        // Go's ToUpper turns the long s into S: the daemon would read SYS_ADMIN.
        ("\u{17f}ys_admin", "SYS_ADMIN"),
    ] {
        let host = HostConfig {
            cap_add: Some(vec!["NET_BIND_SERVICE".into(), requested.into()]),
            ..Default::default()
        };
        let message = refusal(&Policy::default(), host);
        assert!(
            message.starts_with(&format!("Policy forbids capability {named}")),
            "{requested}: {message}"
        );
    }
    let harmless = HostConfig {
        cap_add: Some(vec!["NET_ADMIN".into(), "cap_chown".into()]),
        cap_drop: Some(vec!["ALL".into()]),
        ..Default::default()
    };
    assert!(Policy::default().check_container(&body(harmless)).is_ok());
}

#[test]
fn host_namespaces_are_refused_for_pid_ipc_uts_and_userns() {
    type SetMode = fn(&mut HostConfig, String);
    let cases: [(SetMode, &str); 4] = [
        (|h, v| h.pid_mode = Some(v), "pid_mode"),
        (|h, v| h.ipc_mode = Some(v), "ipc_mode"),
        (|h, v| h.uts_mode = Some(v), "uts_mode"),
        (|h, v| h.userns_mode = Some(v), "userns_mode"),
    ];
    for (set, field) in cases {
        for value in ["host", "HOST", " Host"] {
            let mut host = HostConfig::default();
            set(&mut host, value.into());
            let message = refusal(&Policy::default(), host);
            assert!(message.contains(field), "{message}");
            assert!(message.contains("host"), "{message}");
        }
        let mut private = HostConfig::default();
        set(&mut private, "container:other".into());
        assert!(Policy::default().check_container(&body(private)).is_ok());
    }
    let cgroup = HostConfig {
        cgroupns_mode: Some(HostConfigCgroupnsModeEnum::HOST),
        ..Default::default()
    };
    refusal(&Policy::default(), cgroup);
}

#[test]
fn devices_and_security_options_are_refused() {
    let devices = HostConfig {
        devices: Some(vec![DeviceMapping {
            path_on_host: Some("/dev/fuse".into()),
            path_in_container: Some("/dev/fuse".into()),
            cgroup_permissions: Some("rwm".into()),
        }]),
        ..Default::default()
    };
    assert!(refusal(&Policy::default(), devices).contains("devices"));
    let rules = HostConfig {
        device_cgroup_rules: Some(vec!["c *:* rwm".into()]),
        ..Default::default()
    };
    refusal(&Policy::default(), rules);
    let security = HostConfig {
        security_opt: Some(vec!["seccomp=unconfined".into()]),
        ..Default::default()
    };
    let message = refusal(&Policy::default(), security.clone());
    assert!(
        message.contains("security_opt: seccomp=unconfined"),
        "{message}"
    );
    assert!(allowed().check_container(&body(security)).is_ok());
    let empty = HostConfig {
        devices: Some(Vec::new()),
        security_opt: Some(Vec::new()),
        ..Default::default()
    };
    assert!(Policy::default().check_container(&body(empty)).is_ok());
}

#[test]
fn paths_are_normalised_before_they_are_judged() {
    for (raw, clean) in [
        ("/", "/"),
        ("//etc", "/etc"),
        ("/etc/", "/etc"),
        ("/etc/.", "/etc"),
        ("/tmp/../etc", "/etc"),
        ("/../../etc//ssl/./", "/etc/ssl"),
        ("/a/b/../../..", "/"),
    ] {
        assert_eq!(
            normalize_host_path(raw).unwrap(),
            PathBuf::from(clean),
            "{raw}"
        );
    }
    assert!(normalize_host_path("etc").is_err());
    assert!(normalize_host_path("./etc").is_err());
    assert!(normalize_host_path("/etc\0").is_err());
}

#[test]
fn binds_of_forbidden_host_directories_are_refused_in_every_spelling() {
    let policy = Policy::default();
    for source in [
        "/",
        "//",
        "/.",
        "/..",
        "/etc",
        "//etc",
        "/etc/",
        "/etc/.",
        "/etc/..//etc",
        "/tmp/../etc",
        "/etc/ssl",
        "/proc",
        "/proc/1/root",
        "/sys",
        "/dev",
        "/dev/sda",
        "/boot",
        "/root",
        "/root/.ssh",
        "/var/lib/docker",
        "/var/lib/docker/volumes",
        "/var/lib",
        "/var",
        "/ETC",
        "/Proc/",
        "/usr/bin",
        "/bin",
        "/sbin/",
        "/lib64",
        "/var/spool/cron/crontabs",
    ] {
        bind_refusal(&policy, source);
    }
    assert!(bind_refusal(&policy, "/etc/../etc").contains("/etc (requested: /etc/../etc)"));
    assert!(bind_refusal(&policy, "/var").contains("/var/lib/docker"));
    assert!(policy.check_bind("/srv/data").is_ok());
    assert!(policy.check_bind("/etcetera").is_ok());
    assert!(policy.check_bind("/tmp/etc").is_ok());
    assert!(policy.check_bind("/var/spool/mail").is_ok());
    assert!(policy.check_bind("/library").is_ok());
    assert!(allowed().check_bind("/").is_ok());
    assert!(policy.check_bind("relative/path").is_err());
}

#[test]
fn the_docker_socket_is_refused_anywhere_and_through_its_directory() {
    let policy = Policy {
        engine_sockets: vec![PathBuf::from("/srv/engine/api.sock")],
        ..Policy::default()
    };
    for source in [
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/home/me/docker.sock",
        "/tmp/x/DOCKER.SOCK",
        "/run",
        "/var/run",
        "/srv/engine/api.sock",
        "/srv/engine",
        "/srv",
    ] {
        let message = bind_refusal(&policy, source);
        assert!(message.contains("Docker socket"), "{source}: {message}");
    }
    assert!(policy.check_bind("/srv/other").is_ok());
    assert!(policy.check_bind("/tmp/docker.socket").is_ok());
}

#[test]
fn symlinks_to_forbidden_directories_are_resolved_and_refused() {
    let dir = TempDir::new("links");
    symlink("/", dir.path("to-root")).unwrap();
    symlink("/etc", dir.path("to-etc")).unwrap();
    symlink("../../../../../../../../etc", dir.path("relative-etc")).unwrap();
    fs::create_dir(dir.path("real")).unwrap();
    symlink(dir.path("to-etc"), dir.path("real/chain")).unwrap();
    fs::create_dir(dir.path("engine")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.path("engine/docker.sock")).unwrap();
    symlink(dir.path("engine/docker.sock"), dir.path("innocent")).unwrap();
    let policy = Policy::default();
    for source in [
        dir.path("to-root"),
        dir.path("to-root/"),
        dir.path("to-root/etc"),
        dir.path("to-root/home/../etc"),
        dir.path("to-etc"),
        dir.path("to-etc/ssl"),
        dir.path("to-etc/not-there-yet"),
        dir.path("relative-etc"),
        dir.path("real/chain"),
        dir.path("real/../to-etc"),
        dir.path("innocent"),
    ] {
        bind_refusal(&policy, &source);
    }
    // The kernel reads `link/..` as the parent of the link's target: refused as well.
    fs::create_dir_all(dir.path("real/deep")).unwrap();
    symlink("/etc/ssl", dir.path("real/ssl-link")).unwrap();
    bind_refusal(&policy, &dir.path("real/ssl-link/.."));
    assert!(policy.check_bind(&dir.path("real")).is_ok());
    assert!(policy.check_bind(&dir.path("real/deep/")).is_ok());
    assert_eq!(
        resolve_host_path(Path::new(&dir.path("to-etc/ssl"))),
        PathBuf::from("/etc/ssl")
    );
}

#[test]
fn the_engines_data_root_is_refused_wherever_it_lives() {
    let policy = Policy {
        engine_data_roots: vec![PathBuf::from("/srv/engine/data")],
        ..Policy::default()
    };
    for source in [
        "/srv/engine/data",
        "/srv/engine/data/volumes/x/_data",
        "/srv/engine",
        "/srv//engine/./data/",
    ] {
        let message = bind_refusal(&policy, source);
        assert!(
            message.contains("engine's data root /srv/engine/data"),
            "{source}: {message}"
        );
    }
    assert!(policy.check_bind("/srv/engine/other").is_ok());
    assert!(Policy::default().check_bind("/srv/engine/data").is_ok());
}

#[test]
fn bind_roots_admit_only_paths_inside_them_after_resolving_symlinks() {
    let dir = TempDir::new("roots");
    fs::create_dir_all(dir.path("root/app")).unwrap();
    fs::create_dir_all(dir.path("elsewhere")).unwrap();
    symlink(dir.path("elsewhere"), dir.path("root/escape")).unwrap();
    let policy = Policy {
        bind_roots: vec![PathBuf::from(dir.path("root"))],
        ..Policy::default()
    };
    assert!(policy.check_bind(&dir.path("root")).is_ok());
    assert!(policy.check_bind(&dir.path("root/app/")).is_ok());
    assert!(policy.check_bind(&dir.path("root/not-yet")).is_ok());
    for source in [
        dir.path("elsewhere"),
        dir.path("root/escape"),
        dir.path("root/../elsewhere"),
        dir.path("rootless"),
        "/srv".to_string(),
    ] {
        let message = bind_refusal(&policy, &source);
        assert!(
            message.contains("outside the bind roots"),
            "{source}: {message}"
        );
    }
    let broad = Policy {
        bind_roots: vec![PathBuf::from("/")],
        ..Policy::default()
    };
    bind_refusal(&broad, "/etc");
}

#[test]
fn binds_and_bind_mounts_are_judged_but_named_volumes_and_tmpfs_are_not() {
    let policy = Policy::default();
    refusal(&policy, binds(&["/:/host"]));
    refusal(&policy, binds(&["//etc:/x:ro"]));
    refusal(&policy, binds(&["/etc/.:/x"]));
    refusal(
        &policy,
        binds(&["data:/data", "/var/run/docker.sock:/var/run/docker.sock"]),
    );
    assert!(
        policy
            .check_container(&body(binds(&["data:/data", "/srv:/srv:ro"])))
            .is_ok()
    );
    let mounts = |list: Vec<Mount>| HostConfig {
        mounts: Some(list),
        ..Default::default()
    };
    refusal(&policy, mounts(vec![bind_mount("/etc/../etc")]));
    refusal(&policy, mounts(vec![bind_mount("/var/run/docker.sock")]));
    let named = Mount {
        typ: Some(MountType::VOLUME),
        source: Some("etc".into()),
        target: Some("/etc".into()),
        ..Default::default()
    };
    let tmpfs = Mount {
        typ: Some(MountType::TMPFS),
        target: Some("/etc".into()),
        ..Default::default()
    };
    assert!(
        policy
            .check_container(&body(mounts(vec![named, tmpfs])))
            .is_ok()
    );
    let smuggled = Mount {
        typ: Some(MountType::VOLUME),
        source: Some("v".into()),
        target: Some("/x".into()),
        volume_options: Some(MountVolumeOptions {
            driver_config: Some(MountVolumeOptionsDriverConfig {
                name: Some("local".into()),
                options: Some(HashMap::from([
                    ("o".to_string(), "bind".to_string()),
                    ("device".to_string(), "/".to_string()),
                ])),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    refusal(&policy, mounts(vec![smuggled]));
    let npipe = Mount {
        typ: Some(MountType::NPIPE),
        source: Some("/x".into()),
        ..Default::default()
    };
    refusal(&policy, mounts(vec![npipe]));
}

#[test]
fn volume_options_that_bind_host_paths_are_judged_by_the_bind_rule() {
    let policy = Policy::default();
    let check = |options: &[(&str, &str)]| policy.check_volume_options(options.iter().copied());
    assert!(check(&[("type", "none"), ("o", "bind"), ("device", "/")]).is_err());
    assert!(
        check(&[
            ("type", "none"),
            ("o", "rbind,ro"),
            ("device", "/etc/../etc")
        ])
        .is_err()
    );
    assert!(check(&[("o", " ro , BIND "), ("device", "//var/run/docker.sock")]).is_err());
    assert!(check(&[("O", "bind"), ("Device", "/root")]).is_err());
    assert!(check(&[("type", "ext4"), ("device", "/dev/sda1")]).is_err());
    assert!(
        check(&[
            ("type", "overlay"),
            ("device", "overlay"),
            ("o", "lowerdir=/srv:/etc,upperdir=/tmp/u,workdir=/tmp/w")
        ])
        .is_err()
    );
    assert!(check(&[("o", "bind"), ("device", "etc")]).is_err());
    assert!(check(&[("o", "bind")]).is_err());
    assert!(check(&[("type", "none"), ("o", "bind"), ("device", "/srv/data")]).is_ok());
    assert!(check(&[("type", "tmpfs"), ("device", "tmpfs"), ("o", "size=64m")]).is_ok());
    assert!(
        check(&[
            ("type", "nfs"),
            ("o", "addr=10.0.0.1,rw"),
            ("device", ":/export")
        ])
        .is_ok()
    );
    assert!(check(&[]).is_ok());
    let roots = Policy {
        bind_roots: vec![PathBuf::from("/srv/data")],
        ..Policy::default()
    };
    assert!(
        roots
            .check_volume_options([("o", "bind"), ("device", "/srv/other")])
            .is_err()
    );
    assert!(
        allowed()
            .check_volume_options([("o", "bind"), ("device", "/")])
            .is_ok()
    );
}

#[test]
fn the_host_network_cannot_be_attached_to() {
    let policy = Policy::default();
    assert!(policy.check_network_attach("host", Some("host")).is_err());
    assert!(
        policy
            .check_network_attach("my-host-alias", Some("host"))
            .is_err()
    );
    assert!(
        policy
            .check_network_attach("app-net", Some("bridge"))
            .is_ok()
    );
    assert!(allowed().check_network_attach("host", Some("host")).is_ok());
}
