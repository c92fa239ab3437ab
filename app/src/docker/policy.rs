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
mod tests;
