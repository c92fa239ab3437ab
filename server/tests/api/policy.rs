//! The container, volume and build policy against the real engine: every rule refused with 403 naming it, via
//! every spelling, with nothing left behind on the daemon; allowed binds work; `--allow-privileged` lifts it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use app::docker::DockerEndpoint;
use serde_json::{Value, json};

use crate::helpers::*;

/// A temporary directory (canonical path) removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(std::fs::canonicalize(&path).expect("canonical temp dir"))
    }

    fn join(&self, rest: &str) -> String {
        format!("{}/{rest}", self.0.display())
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn spawn_allowing_everything() -> TestApp {
    TestApp::spawn_with(DockerEndpoint::FromEnvironment, |config| {
        config.allow_privileged = true
    })
    .await
}

/// Posts a container create that the policy must refuse; checks the 403, the rule named in the message,
/// and that no container of that name exists afterwards.
async fn assert_container_refused(app: &TestApp, mut body: Value, rule: &str) {
    let name = unique("policy");
    body["image"] = json!(test_image());
    body["name"] = json!(name);
    let reply = app.post("/api/containers", body.clone()).await;
    let _cleanup = Cleanup::container(&name);
    let message = reply.expect_error(403);
    assert!(
        message.starts_with("Policy forbids") && message.contains(rule),
        "{body} -> {message} (expected the rule '{rule}')"
    );
    assert!(
        app.docker.inspect_container(&name, None).await.is_err(),
        "{body} left a container behind"
    );
}

/// Creates a container, starts it, waits for it to exit and returns its logs.
async fn run_to_completion(app: &TestApp, mut body: Value) -> (Cleanup, String) {
    let name = unique("policy-run");
    body["image"] = json!(test_image());
    body["name"] = json!(name);
    let guard = app.create_container(body).await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    for _ in 0..100 {
        let details = app
            .get(&format!("/api/containers/{name}"))
            .await
            .expect(200);
        if details["container"]["status"] == "exited" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let logs = app
        .get(&format!("/api/containers/{name}/logs?tail=all"))
        .await
        .expect(200);
    (
        guard,
        logs["logs"]["logs"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn privileged_host_namespaces_capabilities_devices_and_security_options_are_refused() {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({"privileged": true}), "privileged containers"),
        (json!({"network": "host"}), "host network"),
        (json!({"network_mode": "host"}), "host network"),
        (json!({"network_mode": "HOST"}), "host network"),
        (json!({"network_mode": " Host "}), "host network"),
        (json!({"cap_add": ["ALL"]}), "capability ALL"),
        (json!({"cap_add": ["all"]}), "capability ALL"),
        (json!({"cap_add": ["SYS_ADMIN"]}), "capability SYS_ADMIN"),
        (
            json!({"cap_add": ["cap_sys_admin"]}),
            "capability SYS_ADMIN",
        ),
        (
            json!({"cap_add": [" CAP_SYS_MODULE "]}),
            "capability SYS_MODULE",
        ),
        (json!({"cap_add": ["sys_rawio"]}), "capability SYS_RAWIO"),
        (json!({"cap_add": ["Sys_Ptrace"]}), "capability SYS_PTRACE"),
        (json!({"cap_add": ["SYS_BOOT"]}), "capability SYS_BOOT"),
        (
            json!({"cap_add": ["CAP_DAC_READ_SEARCH"]}),
            "capability DAC_READ_SEARCH",
        ),
        (json!({"cap_add": ["mac_admin"]}), "capability MAC_ADMIN"),
        (
            json!({"cap_add": ["MAC_OVERRIDE"]}),
            "capability MAC_OVERRIDE",
        ),
        (json!({"cap_add": ["NET_ADMIN", "bpf"]}), "capability BPF"),
        (json!({"pid_mode": "host"}), "pid_mode"),
        (json!({"pid_mode": "HOST"}), "pid_mode"),
        (json!({"ipc_mode": "host"}), "ipc_mode"),
        (json!({"uts_mode": "Host"}), "uts_mode"),
        (json!({"userns_mode": "host"}), "userns_mode"),
        (json!({"devices": ["/dev/fuse:/dev/fuse:rwm"]}), "devices"),
        (json!({"devices": ["/dev/null"]}), "devices"),
        (
            json!({"security_opt": ["seccomp=unconfined"]}),
            "security_opt",
        ),
        (
            json!({"security_opt": ["apparmor=unconfined"]}),
            "security_opt",
        ),
    ];
    for (body, rule) in cases {
        assert_container_refused(&app, body, rule).await;
    }
}

#[tokio::test]
async fn binds_of_host_system_paths_are_refused_via_every_spelling() {
    let app = TestApp::spawn().await;
    let sources = [
        ("/", "bind mounts of /"),
        ("//", "bind mounts of /"),
        ("/etc", "/etc"),
        ("//etc", "/etc"),
        ("/etc/", "/etc"),
        ("/etc/.", "/etc"),
        ("/etc/../etc", "/etc"),
        ("/tmp/../etc", "/etc"),
        ("/ETC", "/etc"),
        ("/proc", "/proc"),
        ("/sys/", "/sys"),
        ("/dev", "/dev"),
        ("/boot", "/boot"),
        ("/root/.ssh", "/root"),
        ("/var/lib/docker", "/var/lib/docker"),
        ("/var/lib/docker/volumes", "/var/lib/docker"),
        ("/var", "/var/lib/docker"),
        ("/usr/bin", "/usr"),
        ("/var/run/docker.sock", "Docker socket"),
        ("/run/docker.sock", "Docker socket"),
        ("/var/run", "Docker socket"),
        ("/tmp/somewhere/docker.sock", "Docker socket"),
    ];
    for (source, rule) in sources {
        let spellings = [
            json!({"volumes": {source: {"bind": "/host", "mode": "ro"}}}),
            json!({"volumes": {source: "/host"}}),
            json!({"volumes": [format!("{source}:/host:ro")]}),
            json!({"volumes": [format!("{source}:/host")]}),
            json!({"mounts": [{"Type": "bind", "Source": source, "Target": "/host", "ReadOnly": true}]}),
            json!({"mounts": [{"type": "bind", "source": source, "target": "/host"}]}),
        ];
        for body in spellings {
            assert_container_refused(&app, body, rule).await;
        }
    }
    // The socket of the engine under test, wherever it lives, and the directory holding it.
    let socket = docker_socket();
    assert_container_refused(
        &app,
        json!({"volumes": [format!("{socket}:/docker.sock")]}),
        "Docker socket",
    )
    .await;
    let socket_dir = Path::new(&socket)
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    assert_container_refused(
        &app,
        json!({"mounts": [{"Type": "bind", "Source": socket_dir, "Target": "/engine"}]}),
        "Docker socket",
    )
    .await;
    // The engine's data root, wherever it lives (the test engine keeps it outside /var/lib/docker).
    let data_root = app
        .docker
        .info()
        .await
        .expect("docker info")
        .docker_root_dir
        .expect("data root");
    for source in [data_root.clone(), format!("{data_root}/volumes")] {
        assert_container_refused(
            &app,
            json!({"volumes": [format!("{source}:/engine")]}),
            "engine's data root",
        )
        .await;
    }
    let name = unique("policy-rootvol");
    let _volume = Cleanup::volume(&name);
    let message = app
        .post(
            "/api/volumes",
            json!({"name": name, "options": {"type": "none", "o": "bind", "device": data_root}}),
        )
        .await
        .expect_error(403);
    assert!(message.contains("engine's data root"), "{message}");
    assert!(app.docker.inspect_volume(&name).await.is_err());
}

#[tokio::test]
async fn symlinks_to_forbidden_paths_are_resolved_before_the_bind_is_judged() {
    let app = TestApp::spawn().await;
    let dir = TempDir::new("links");
    std::os::unix::fs::symlink("/", dir.join("to-root")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("to-etc")).unwrap();
    std::os::unix::fs::symlink(docker_socket(), dir.join("engine")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(dir.join("to-etc"), dir.join("sub/chain")).unwrap();
    for (source, rule) in [
        (dir.join("to-root"), "bind mounts of /"),
        (dir.join("to-root/"), "bind mounts of /"),
        (dir.join("to-root/etc"), "/etc"),
        (dir.join("to-etc"), "/etc"),
        (dir.join("to-etc/ssl"), "/etc"),
        (dir.join("sub/chain"), "/etc"),
        (dir.join("sub/../to-etc"), "/etc"),
        (dir.join("engine"), "Docker socket"),
    ] {
        assert_container_refused(&app, json!({"volumes": [format!("{source}:/x")]}), rule).await;
        assert_container_refused(
            &app,
            json!({"mounts": [{"Type": "bind", "Source": source, "Target": "/x"}]}),
            rule,
        )
        .await;
    }
}

#[tokio::test]
async fn volumes_whose_options_bind_host_paths_are_refused_and_never_created() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"options": {"type": "none", "o": "bind", "device": "/"}}),
            "bind mounts of /",
        ),
        (
            json!({"driver_opts": {"type": "none", "o": "bind", "device": "/etc"}}),
            "/etc",
        ),
        (
            json!({"driver": "local", "options": {"type": "none", "o": "rbind,ro", "device": "/etc/../etc"}}),
            "/etc",
        ),
        (
            json!({"options": {"type": "none", "o": "ro,bind", "device": "//var/run/docker.sock"}}),
            "Docker socket",
        ),
        (
            json!({"options": {"type": "ext4", "device": "/dev/sda1"}}),
            "/dev",
        ),
        (
            json!({"options": {"type": "overlay", "device": "overlay", "o": "lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w"}}),
            "/etc",
        ),
        (
            json!({"options": {"type": "none", "o": "bind", "device": "etc"}}),
            "device",
        ),
    ];
    for (mut body, rule) in cases {
        let name = unique("policy-vol");
        body["name"] = json!(name);
        let reply = app.post("/api/volumes", body.clone()).await;
        let _cleanup = Cleanup::volume(&name);
        let message = reply.expect_error(403);
        assert!(
            message.starts_with("Policy forbids") && message.contains(rule),
            "{body} -> {message}"
        );
        assert!(
            app.docker.inspect_volume(&name).await.is_err(),
            "{body} left a volume behind"
        );
    }
}

#[tokio::test]
async fn an_allowed_bind_of_a_temp_dir_works_and_named_volumes_and_tmpfs_pass() {
    let app = TestApp::spawn().await;
    let dir = TempDir::new("bind-ok");
    std::fs::write(dir.join("hello.txt"), "hello from the host\n").unwrap();
    let volume = unique("policy-named");
    let _volume = Cleanup::volume(&volume);
    let (_guard, logs) = run_to_completion(
        &app,
        json!({
            "volumes": [format!("{}/./:/data:ro", dir.path()), format!("{volume}:/named")],
            "mounts": [
                {"Type": "bind", "Source": dir.path(), "Target": "/again", "ReadOnly": true},
                {"Type": "tmpfs", "Target": "/scratch"}
            ],
            "command": ["sh", "-c", "cat /data/hello.txt /again/hello.txt && grep -c ' /scratch ' /proc/mounts"]
        }),
    )
    .await;
    assert_eq!(
        logs.matches("hello from the host").count(),
        2,
        "logs: {logs}"
    );
    assert!(logs.trim_end().ends_with('1'), "tmpfs mounted: {logs}");
    let mut local_bind = json!({"options": {"type": "none", "o": "bind", "device": dir.path()}});
    local_bind["name"] = json!(unique("policy-bindvol"));
    let name = local_bind["name"].as_str().unwrap().to_string();
    let _bindvol = Cleanup::volume(&name);
    app.post("/api/volumes", local_bind).await.expect(201);
}

#[tokio::test]
async fn bind_roots_admit_binds_inside_them_only() {
    let root = TempDir::new("bind-root");
    let outside = TempDir::new("bind-outside");
    std::fs::create_dir(root.join("app")).unwrap();
    std::os::unix::fs::symlink(&outside.0, root.join("escape")).unwrap();
    let roots = vec![root.0.clone()];
    let app = TestApp::spawn_with(DockerEndpoint::FromEnvironment, move |config| {
        config.bind_roots = roots
    })
    .await;
    let inside = unique("policy-inside");
    let _inside = app
        .create_container(json!({"image": test_image(), "name": inside,
            "volumes": {root.join("app"): {"bind": "/app", "mode": "rw"}}}))
        .await;
    for source in [
        outside.path(),
        root.join("escape"),
        root.join("../"),
        "/srv".into(),
    ] {
        assert_container_refused(
            &app,
            json!({"volumes": [format!("{source}:/x")]}),
            "outside the bind roots",
        )
        .await;
        assert_container_refused(
            &app,
            json!({"mounts": [{"Type": "bind", "Source": source, "Target": "/x"}]}),
            "outside the bind roots",
        )
        .await;
    }
    let name = unique("policy-rootvol");
    let _volume = Cleanup::volume(&name);
    let message = app
        .post(
            "/api/volumes",
            json!({"name": name, "options": {"type": "none", "o": "bind", "device": outside.path()}}),
        )
        .await
        .expect_error(403);
    assert!(message.contains("outside the bind roots"), "{message}");
    assert!(app.docker.inspect_volume(&name).await.is_err());
}

#[tokio::test]
async fn the_host_network_cannot_be_connected_to() {
    let app = TestApp::spawn().await;
    let name = unique("policy-connect");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let message = app
        .post("/api/networks/host/connect", json!({"container": name}))
        .await
        .expect_error(403);
    assert!(
        message.contains("Policy forbids the host network"),
        "{message}"
    );
}

#[tokio::test]
async fn allow_privileged_lifts_the_whole_policy_and_the_new_fields_take_effect() {
    let app = spawn_allowing_everything().await;
    let name = unique("policy-allowed");
    let _guard = app
        .create_container(json!({
            "image": test_image(), "name": name, "privileged": true, "network_mode": "host",
            "cap_add": ["SYS_ADMIN"], "ipc_mode": "host", "uts_mode": "host",
            "devices": ["/dev/null:/dev/extra-null:rwm"], "security_opt": ["apparmor=unconfined"],
            "volumes": ["/etc:/host-etc:ro"],
            "mounts": [{"Type": "bind", "Source": "/proc", "Target": "/host-proc", "ReadOnly": true}]
        }))
        .await;
    let inspect = app
        .get(&format!("/api/containers/{name}/inspect"))
        .await
        .expect(200);
    let text = inspect.to_string();
    for needle in [
        "\"Privileged\":true",
        "SYS_ADMIN",
        "/dev/extra-null",
        "apparmor=unconfined",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    // pid_mode host really shares the host's PID namespace: PID 1 is the host's init, not `cat`.
    let host_init = std::fs::read_to_string("/proc/1/comm").unwrap_or_default();
    let (_pid, logs) = run_to_completion(
        &app,
        json!({"pid_mode": "host", "command": ["cat", "/proc/1/comm"]}),
    )
    .await;
    assert_eq!(
        logs.trim(),
        host_init.trim(),
        "PID 1 seen from the container"
    );
    let (_own, logs) = run_to_completion(&app, json!({"command": ["cat", "/proc/1/comm"]})).await;
    assert_eq!(logs.trim(), "cat");
    let (_sysctl, logs) = run_to_completion(
        &app,
        json!({"sysctls": {"net.core.somaxconn": "1234"},
               "command": ["cat", "/proc/sys/net/core/somaxconn"]}),
    )
    .await;
    assert_eq!(logs.trim(), "1234");
    let volume = unique("policy-allowed-vol");
    let _volume = Cleanup::volume(&volume);
    app.post(
        "/api/volumes",
        json!({"name": volume, "options": {"type": "none", "o": "bind", "device": "/etc"}}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn a_dockerfile_outside_the_context_is_refused_without_echoing_it() {
    let app = TestApp::spawn().await;
    let context = TempDir::new("policy-ctx");
    let outside = TempDir::new("policy-secret");
    std::fs::write(outside.join("secret"), "TOP-SECRET-LINE do not echo\n").unwrap();
    std::fs::write(
        context.join("Dockerfile"),
        format!("FROM {}\n", test_image()),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside.0, context.join("escape")).unwrap();
    std::os::unix::fs::symlink("/etc", context.join("etc")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), context.join("Linked.dockerfile")).unwrap();
    for dockerfile in [
        "escape/secret",
        "etc/passwd",
        "Linked.dockerfile",
        "../policy-secret/secret",
        "/etc/passwd",
    ] {
        let tag = unique("policy-build");
        let _image = Cleanup::image(&tag);
        let message = app
            .post(
                "/api/images/build",
                json!({"path": context.path(), "dockerfile": dockerfile, "tag": tag}),
            )
            .await
            .expect_error(403);
        assert!(
            message.starts_with("Policy forbids a Dockerfile outside the build context"),
            "{dockerfile}: {message}"
        );
        assert!(
            !message.contains("TOP-SECRET") && !message.contains("root:"),
            "{message}"
        );
        assert!(app.docker.inspect_image(&tag).await.is_err());
    }
}

#[tokio::test]
async fn a_symlinked_directory_in_the_build_root_cannot_lead_out() {
    let root = TempDir::new("policy-build-root");
    let outside = TempDir::new("policy-build-outside");
    std::fs::write(
        outside.join("Dockerfile"),
        format!("FROM {}\n", test_image()),
    )
    .unwrap();
    std::fs::create_dir(root.join("ctx")).unwrap();
    std::fs::write(
        root.join("ctx/Dockerfile"),
        format!("FROM {}\n", test_image()),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside.0, root.join("ctx/out")).unwrap();
    std::os::unix::fs::symlink(&outside.0, root.join("out")).unwrap();
    let build_root = root.0.clone();
    let app = TestApp::spawn_with(DockerEndpoint::FromEnvironment, move |config| {
        config.build_root = Some(build_root)
    })
    .await;
    let tag = unique("policy-root");
    let _image = Cleanup::image(&tag);
    let message = app
        .post(
            "/api/images/build",
            json!({"path": root.join("out"), "tag": tag}),
        )
        .await
        .expect_error(403);
    assert!(
        message.starts_with("Policy forbids build contexts outside"),
        "{message}"
    );
    let message = app
        .post(
            "/api/images/build",
            json!({"path": root.join("ctx"), "dockerfile": "out/Dockerfile", "tag": tag}),
        )
        .await
        .expect_error(403);
    assert!(
        message.contains("Dockerfile outside the build context"),
        "{message}"
    );
    assert!(app.docker.inspect_image(&tag).await.is_err());
}
