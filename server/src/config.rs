//! Berth's configuration, from flags and the environment.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::auth::AuthMode;

/// Command-line flags; each also reads an environment variable.
#[derive(Debug, Clone, Parser)]
#[command(
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

    /// Log format: `text` (one human-readable line per event) or `json` (one JSON object per line).
    #[arg(long, env = "BERTH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Seconds a Docker daemon call that is not a stream may take; longer is answered 504.
    #[arg(long, env = "BERTH_DOCKER_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub docker_timeout: u64,

    /// Seconds a request may take until its answer begins (streams, WebSocket sessions, pulls, builds,
    /// pushes, loads and exec runs excepted); longer is answered 504. Must exceed --docker-timeout
    /// [default: four times --docker-timeout].
    #[arg(long, env = "BERTH_REQUEST_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub request_timeout: Option<u64>,

    /// Directory holding berth.db (users, tokens, sessions, audit) [default: $XDG_DATA_HOME/berth,
    /// i.e. ~/.local/share/berth].
    #[arg(long, env = "BERTH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// When authentication is on: `auto` (as soon as a user or token exists), `required`, or `off`
    /// (needs --insecure-no-auth).
    #[arg(long, env = "BERTH_AUTH", value_enum, default_value_t = AuthMode::Auto)]
    pub auth: AuthMode,

    /// Serve without credentials even on a non-loopback address, or with --auth off.
    #[arg(long, env = "BERTH_INSECURE_NO_AUTH", default_value_t = false)]
    pub insecure_no_auth: bool,

    /// Extra Host names served while bound to loopback (comma-separated; `name` or `name:port`).
    #[arg(long, env = "BERTH_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,

    /// Requests per second allowed per credential or address (bursts of twice as many); 429 beyond.
    #[arg(long, env = "BERTH_RATE_LIMIT", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (for log collectors).
    Json,
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

    /// The bound on daemon calls that are not streams (`--docker-timeout`).
    pub fn docker_timeout(&self) -> Duration {
        Duration::from_secs(self.docker_timeout)
    }

    /// The bound on a request until its answer begins (`--request-timeout`, by default four times the
    /// docker timeout: a request may make a few daemon calls in a row).
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(
            self.request_timeout
                .unwrap_or_else(|| self.docker_timeout.saturating_mul(4)),
        )
    }

    /// The data directory: `--data-dir`, else the default.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(crate::store::default_data_dir)
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
    fn access_control_flags_parse() {
        let config = Config::try_parse_from([
            "berth",
            "--data-dir",
            "/tmp/berth-data",
            "--auth",
            "required",
            "--allowed-hosts",
            "berth.lan,berth.lan:8080",
            "--rate-limit",
            "5",
        ])
        .expect("flags parse");
        assert_eq!(config.data_dir(), std::path::Path::new("/tmp/berth-data"));
        assert_eq!(config.auth, AuthMode::Required);
        assert_eq!(config.allowed_hosts.len(), 2);
        assert_eq!(config.rate_limit, Some(5));
        assert!(Config::try_parse_from(["berth", "--rate-limit", "0"]).is_err());
        assert!(Config::try_parse_from(["berth", "--auth", "maybe"]).is_err());
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
    fn timeouts_and_log_format_have_documented_defaults_and_flags() {
        let defaults = Config::defaults();
        assert_eq!(defaults.docker_timeout(), Duration::from_secs(30));
        assert_eq!(defaults.request_timeout(), Duration::from_secs(120));
        assert_eq!(defaults.log_format, LogFormat::Text);
        let config = Config::try_parse_from([
            "berth",
            "--docker-timeout",
            "5",
            "--request-timeout",
            "9",
            "--log-format",
            "json",
        ])
        .expect("flags parse");
        assert_eq!(config.docker_timeout(), Duration::from_secs(5));
        assert_eq!(config.request_timeout(), Duration::from_secs(9));
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(Config::try_parse_from(["berth", "--docker-timeout", "0"]).is_err());
        assert!(Config::try_parse_from(["berth", "--log-format", "xml"]).is_err());
    }

    #[test]
    fn bad_port_is_refused() {
        assert!(Config::try_parse_from(["berth", "--port", "99999"]).is_err());
    }
}
