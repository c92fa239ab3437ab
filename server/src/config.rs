//! Berth's configuration, from flags and the environment.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// Command-line flags; each also reads an environment variable.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "berth",
    version,
    about = "Berth: a Docker management console and REST API",
    after_help = "The Docker daemon is found like the docker CLI finds it: DOCKER_HOST (unix://, tcp://, \
https://), with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS; unset, unix:///var/run/docker.sock."
)]
pub struct Config {
    /// Address to listen on. Keep 127.0.0.1 unless the API is protected by other means.
    #[arg(long, env = "API_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on.
    #[arg(long, env = "API_PORT", default_value_t = 5000)]
    pub port: u16,

    /// Docker daemon address (overrides DOCKER_HOST), e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375.
    #[arg(long)]
    pub docker_host: Option<String>,

    /// Origins allowed to call the API from a browser (comma-separated; `*` for any).
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Directory that image builds from a server path must stay inside (after resolving symlinks).
    #[arg(long, env = "BUILD_ROOT")]
    pub build_root: Option<PathBuf>,

    /// Lift the whole container and volume policy: privileged containers, host namespaces, dangerous
    /// capabilities, devices, security options and binds of host system paths all become possible.
    #[arg(long, env = "BERTH_ALLOW_PRIVILEGED", default_value_t = false)]
    pub allow_privileged: bool,

    /// Directories that every bind mount must stay inside (comma-separated absolute paths, symlinks resolved).
    #[arg(long, env = "BERTH_BIND_ROOTS", value_delimiter = ',', value_parser = absolute_path)]
    pub bind_roots: Vec<PathBuf>,

    /// Directory holding the console's compiled assets (pkg/, favicon).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Log filter, e.g. `info`, `debug`, `berth=debug,tower_http=info`.
    #[arg(long, env = "BERTH_LOG", default_value = "info")]
    pub log_level: String,
}

/// Parses an absolute path (for `--bind-roots`).
fn absolute_path(value: &str) -> Result<PathBuf, String> {
    let trimmed = value.trim();
    if trimmed.starts_with('/') {
        Ok(PathBuf::from(trimmed))
    } else {
        Err(format!("'{value}' is not an absolute path"))
    }
}

impl Config {
    /// The configuration with every default, as for tests.
    pub fn defaults() -> Self {
        Self::parse_from(["berth"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bind_loopback_on_port_5000() {
        let config = Config::try_parse_from(["berth"]).expect("defaults parse");
        assert_eq!(config.host.to_string(), "127.0.0.1");
        assert_eq!(config.port, 5000);
        assert!(config.cors_origins.is_empty());
        assert!(!config.allow_privileged);
    }

    #[test]
    fn flags_override_defaults() {
        let config = Config::try_parse_from([
            "berth",
            "--host",
            "0.0.0.0",
            "--port",
            "8080",
            "--cors-origins",
            "http://a.example,http://b.example",
        ])
        .expect("flags parse");
        assert_eq!(config.port, 8080);
        assert_eq!(config.cors_origins.len(), 2);
    }

    #[test]
    fn bind_roots_are_a_comma_separated_list_of_absolute_paths() {
        let config = Config::try_parse_from(["berth", "--bind-roots", "/srv/a, /srv/b"])
            .expect("flags parse");
        assert_eq!(
            config.bind_roots,
            vec![PathBuf::from("/srv/a"), PathBuf::from("/srv/b")]
        );
        assert!(Config::defaults().bind_roots.is_empty());
        assert!(Config::try_parse_from(["berth", "--bind-roots", "srv"]).is_err());
    }

    #[test]
    fn bad_port_is_refused() {
        assert!(Config::try_parse_from(["berth", "--port", "99999"]).is_err());
    }
}
