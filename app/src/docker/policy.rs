//! The server's policy: what any caller, whatever their role, may ask of the daemon when a container or a
//! volume is created or attached.
//!
//! Pure checks, no daemon: the container rules judge the final Docker create body (so every spelling of a
//! request, the document's and docker-py's, is judged after it has been turned into what the daemon would
//! really receive). Every refusal is an [`AppError::Forbidden`] whose message starts with
//! `Policy forbids` and names the rule. `--allow-privileged` lifts the whole policy.
//!
//! Host paths are judged after normalising `.`, `..`, `//` and trailing slashes and after resolving the
//! symlinks that exist on the server's host, both as Docker reads the path (cleaned first, then resolved by the
//! kernel) and as the kernel alone would read it; a path is refused when either reading is forbidden.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Component, Path, PathBuf};

use bollard::models::{ContainerCreateBody, HostConfigCgroupnsModeEnum, MountType};

use crate::error::AppError;

/// Host directories no bind mount may reach, contain or lie under (compared without regard to case): the
/// contract's list, then the host's programs, libraries and cron tables, whose writable bind is root on the host.
pub const FORBIDDEN_BIND_ROOTS: [&str; 15] = [
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/var/lib/docker",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/var/spool/cron",
];

/// Capabilities that give a container the host (compared without case and without the `CAP_` prefix).
pub const FORBIDDEN_CAPABILITIES: [&str; 10] = [
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_PTRACE",
    "SYS_BOOT",
    "DAC_READ_SEARCH",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "BPF",
];

/// The file name of the Docker socket: a bind of any path with this last component is refused.
const DOCKER_SOCKET_NAME: &str = "docker.sock";

/// Where the Docker socket lives by default, whatever engine Berth talks to.
const DEFAULT_ENGINE_SOCKETS: [&str; 2] = ["/var/run/docker.sock", "/run/docker.sock"];

/// How many symlinks one path may pass through before resolution stops (the kernel's limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// Server-side policy for what clients may ask of the daemon; the same for every caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Lifts the whole container and volume policy (`--allow-privileged`).
    pub allow_privileged: bool,
    /// When set, image builds from a server path must stay inside this directory (after resolving symlinks).
    pub build_root: Option<PathBuf>,
    /// When not empty, every bind mount must stay inside one of these directories (`--bind-roots`).
    pub bind_roots: Vec<PathBuf>,
    /// Unix sockets of the engine Berth talks to (besides any `docker.sock`): no bind may reach them or a
    /// directory holding them. [`crate::docker::DockerService::new`] adds the socket of its endpoint.
    pub engine_sockets: Vec<PathBuf>,
    /// The engine's data roots (`docker info`'s `DockerRootDir`, learnt from the daemon at run time): no bind
    /// may reach, lie under or hold them, wherever they are.
    pub engine_data_roots: Vec<PathBuf>,
}

fn forbidden(message: String) -> AppError {
    AppError::Forbidden(message)
}

/// Whether a mode field (`network_mode`, `pid_mode`, ...) asks for the host's namespace, in any case and
/// with surrounding spaces.
fn is_host_mode(mode: Option<&str>) -> bool {
    mode.is_some_and(|mode| mode.trim().to_lowercase() == "host")
}

/// A capability name as the daemon reads it: trimmed, upper case (Unicode-aware, like Go's `ToUpper`),
/// without the `CAP_` prefix.
pub fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_string)
        .unwrap_or(upper)
}

/// Normalises a host path without touching the file system: it must be absolute; `.`, `..`, repeated and
/// trailing slashes are collapsed (`..` at the root stays at the root).
pub fn normalize_host_path(path: &str) -> Result<PathBuf, AppError> {
    if !path.starts_with('/') || path.contains('\0') {
        return Err(forbidden(format!(
            "Policy forbids bind mounts of relative paths (requested: {path})"
        )));
    }
    let mut normalized = PathBuf::from("/");
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => normalized.push(part),
            Component::ParentDir => {
                normalized.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    Ok(normalized)
}

/// Resolves an absolute host path as the kernel would: component by component, following every symlink that
/// exists (relative targets against their directory), applying `..` to what has been resolved so far.
/// Components that do not exist are taken as they are.
pub fn resolve_host_path(path: &Path) -> PathBuf {
    let mut pending: VecDeque<OsString> = components_of(path).into();
    let mut resolved = PathBuf::from("/");
    let mut hops = 0;
    while let Some(part) = pending.pop_front() {
        if part == ".." {
            resolved.pop();
            continue;
        }
        let next = resolved.join(&part);
        let is_symlink =
            fs::symlink_metadata(&next).is_ok_and(|meta| meta.file_type().is_symlink());
        if is_symlink
            && hops < MAX_SYMLINK_HOPS
            && let Ok(target) = fs::read_link(&next)
        {
            hops += 1;
            if target.is_absolute() {
                resolved = PathBuf::from("/");
            }
            for (index, item) in components_of(&target).into_iter().enumerate() {
                pending.insert(index, item);
            }
            continue;
        }
        resolved = next;
    }
    resolved
}

/// The components of a path as names and `..`; the root and `.` are dropped.
fn components_of(path: &Path) -> Vec<OsString> {
    path.components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect()
}

/// The ways a requested host path may be read: cleaned as Docker does, cleaned and resolved, and resolved as
/// the kernel alone would resolve it.
fn readings_of(requested: &str) -> Result<Vec<PathBuf>, AppError> {
    let normalized = normalize_host_path(requested)?;
    let mut readings = vec![
        resolve_host_path(&normalized),
        resolve_host_path(Path::new(requested)),
    ];
    readings.insert(0, normalized);
    readings.dedup();
    Ok(readings)
}

/// Configured host paths as written (normalised) and as resolved; relative ones are dropped.
fn both_readings(paths: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut readings: Vec<PathBuf> = paths
        .filter_map(|path| normalize_host_path(&path.to_string_lossy()).ok())
        .flat_map(|path| [resolve_host_path(&path), path])
        .collect();
    readings.sort();
    readings.dedup();
    readings
}

fn lower(path: &Path) -> PathBuf {
    PathBuf::from(path.to_string_lossy().to_lowercase())
}

fn is_docker_socket_name(name: Option<&OsStr>) -> bool {
    name.is_some_and(|name| name.to_string_lossy().to_lowercase() == DOCKER_SOCKET_NAME)
}

impl Policy {
    /// Judges Docker's create body for a container: every rule of the policy, whatever field carried it.
    pub fn check_container(&self, body: &ContainerCreateBody) -> Result<(), AppError> {
        if self.allow_privileged {
            return Ok(());
        }
        let Some(host) = &body.host_config else {
            return Ok(());
        };
        if host.privileged == Some(true) {
            return Err(forbidden("Policy forbids privileged containers".into()));
        }
        let attaches_host_network = body
            .networking_config
            .as_ref()
            .and_then(|config| config.endpoints_config.as_ref())
            .is_some_and(|endpoints| endpoints.keys().any(|name| is_host_mode(Some(name))));
        if is_host_mode(host.network_mode.as_deref()) || attaches_host_network {
            return Err(forbidden(format!(
                "Policy forbids the host network (network_mode '{}')",
                host.network_mode.as_deref().unwrap_or("host")
            )));
        }
        for capability in host.cap_add.iter().flatten() {
            let name = normalize_capability(capability);
            if FORBIDDEN_CAPABILITIES.contains(&name.as_str()) {
                return Err(forbidden(format!(
                    "Policy forbids capability {name} (requested: '{capability}')"
                )));
            }
        }
        for (field, namespace, mode) in [
            ("pid_mode", "PID", &host.pid_mode),
            ("ipc_mode", "IPC", &host.ipc_mode),
            ("uts_mode", "UTS", &host.uts_mode),
            ("userns_mode", "user", &host.userns_mode),
        ] {
            if is_host_mode(mode.as_deref()) {
                return Err(forbidden(format!(
                    "Policy forbids the host {namespace} namespace ({field} '{}')",
                    mode.as_deref().unwrap_or_default()
                )));
            }
        }
        if host.cgroupns_mode == Some(HostConfigCgroupnsModeEnum::HOST) {
            return Err(forbidden(
                "Policy forbids the host cgroup namespace (cgroupns_mode 'host')".into(),
            ));
        }
        if let Some(device) = host.devices.iter().flatten().next() {
            return Err(forbidden(format!(
                "Policy forbids host devices (requested: {})",
                device.path_on_host.as_deref().unwrap_or_default()
            )));
        }
        if host
            .device_cgroup_rules
            .as_ref()
            .is_some_and(|r| !r.is_empty())
            || host.device_requests.as_ref().is_some_and(|r| !r.is_empty())
        {
            return Err(forbidden("Policy forbids host devices".into()));
        }
        if let Some(option) = host.security_opt.iter().flatten().next() {
            return Err(forbidden(format!(
                "Policy forbids security options (security_opt: {option})"
            )));
        }
        if host.masked_paths.is_some() || host.readonly_paths.is_some() {
            return Err(forbidden(
                "Policy forbids security options (masked or read-only paths)".into(),
            ));
        }
        for bind in host.binds.iter().flatten() {
            let source = bind.split(':').next().unwrap_or_default();
            // A source that is not a path names a volume.
            if source.starts_with('/') {
                self.check_bind(source)?;
            }
        }
        for mount in host.mounts.iter().flatten() {
            match mount.typ {
                Some(MountType::BIND) => {
                    self.check_bind(mount.source.as_deref().unwrap_or_default())?
                }
                Some(MountType::VOLUME) => {
                    let options = mount
                        .volume_options
                        .as_ref()
                        .and_then(|o| o.driver_config.as_ref())
                        .and_then(|d| d.options.as_ref());
                    if let Some(options) = options {
                        self.check_volume_options(
                            options.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                        )?;
                    }
                }
                Some(MountType::TMPFS) => {}
                _ => {
                    return Err(forbidden(format!(
                        "Policy forbids mounts of type {}",
                        mount
                            .typ
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "(none)".into())
                    )));
                }
            }
        }
        Ok(())
    }

    /// Judges one bind mount source: not `/`, not under (nor holding) a forbidden host directory, not a
    /// Docker socket nor a directory holding the engine's socket, and inside the bind roots when set.
    pub fn check_bind(&self, requested: &str) -> Result<(), AppError> {
        if self.allow_privileged {
            return Ok(());
        }
        let readings = readings_of(requested)?;
        let sockets = both_readings(
            DEFAULT_ENGINE_SOCKETS
                .iter()
                .map(PathBuf::from)
                .chain(self.engine_sockets.iter().cloned()),
        );
        let data_roots = both_readings(self.engine_data_roots.iter().cloned());
        for reading in &readings {
            let folded = lower(reading);
            if folded == Path::new("/") {
                return Err(forbidden(format!(
                    "Policy forbids bind mounts of / (requested: {requested})"
                )));
            }
            if is_docker_socket_name(reading.file_name()) {
                return Err(forbidden(format!(
                    "Policy forbids mounting the Docker socket (requested: {requested})"
                )));
            }
            for root in FORBIDDEN_BIND_ROOTS {
                if folded.starts_with(root) {
                    return Err(forbidden(format!(
                        "Policy forbids bind mounts of {root} (requested: {requested})"
                    )));
                }
                if Path::new(root).starts_with(&folded) {
                    return Err(forbidden(format!(
                        "Policy forbids bind mounts of {root}: {} holds it (requested: {requested})",
                        reading.display()
                    )));
                }
            }
            for data_root in &data_roots {
                if reading.starts_with(data_root) || data_root.starts_with(reading) {
                    return Err(forbidden(format!(
                        "Policy forbids bind mounts of the engine's data root {} (requested: {requested})",
                        data_root.display()
                    )));
                }
            }
            for socket in &sockets {
                if socket == reading {
                    return Err(forbidden(format!(
                        "Policy forbids mounting the Docker socket (requested: {requested})"
                    )));
                }
                if socket.starts_with(reading) {
                    return Err(forbidden(format!(
                        "Policy forbids mounting the Docker socket: {} holds {} (requested: {requested})",
                        reading.display(),
                        socket.display()
                    )));
                }
            }
        }
        if !self.bind_roots.is_empty() {
            let roots = both_readings(self.bind_roots.iter().cloned());
            let inside = readings
                .iter()
                .all(|reading| roots.iter().any(|root| reading.starts_with(root)));
            if !inside {
                let listed: Vec<String> = self
                    .bind_roots
                    .iter()
                    .map(|root| root.display().to_string())
                    .collect();
                return Err(forbidden(format!(
                    "Policy forbids bind mounts outside the bind roots ({}) (requested: {requested})",
                    listed.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Judges the driver options of a volume (`docker volume create --opt`): a local volume whose options
    /// bind a host path (`o` with the option word `bind` or `rbind`, `device` a path, or a path given inside
    /// `o`, like overlay's `lowerdir=`) is judged by the bind rule.
    pub fn check_volume_options<'a>(
        &self,
        options: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), AppError> {
        if self.allow_privileged {
            return Ok(());
        }
        let mut mount_options = Vec::new();
        let mut device = None;
        let mut fs_type = String::new();
        for (key, value) in options {
            match key.trim().to_lowercase().as_str() {
                "o" => mount_options.extend(value.split(',').map(str::trim)),
                "device" => device = Some(value.trim()),
                "type" => fs_type = value.trim().to_lowercase(),
                _ => {}
            }
        }
        let binds = mount_options
            .iter()
            .any(|word| matches!(word.to_lowercase().as_str(), "bind" | "rbind"));
        for word in &mount_options {
            if let Some((_, value)) = word.split_once('=') {
                for path in value.split(':').filter(|p| p.trim_start().starts_with('/')) {
                    self.check_bind(path.trim())?;
                }
            }
        }
        let remote = matches!(fs_type.as_str(), "nfs" | "nfs4" | "cifs" | "smb3");
        match device {
            Some(device) if device.starts_with('/') && (binds || !remote) => {
                self.check_bind(device)
            }
            Some(device) if binds => Err(forbidden(format!(
                "Policy forbids bind volumes whose device is not an absolute host path (requested: {device})"
            ))),
            None if binds => Err(forbidden(
                "Policy forbids bind volumes without a device path".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Judges attaching a container to a network: never the host's network.
    pub fn check_network_attach(&self, name: &str, driver: Option<&str>) -> Result<(), AppError> {
        if self.allow_privileged {
            return Ok(());
        }
        if is_host_mode(Some(name)) || is_host_mode(driver) {
            return Err(forbidden(format!(
                "Policy forbids the host network (network '{name}')"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
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
        let _socket =
            std::os::unix::net::UnixListener::bind(dir.path("engine/docker.sock")).unwrap();
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
}
