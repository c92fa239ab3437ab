//! `berth health`: one HTTP/1.1 `GET /health` against a running Berth, for a container's
//! `HEALTHCHECK` (the runtime image has no curl). Exits 0 on a 2xx answer, 1 otherwise.
//!
//! Only plain `http://` is spoken (Berth itself serves no TLS); the request is bounded by a timeout
//! covering the connection and the answer's status line.

use std::net::IpAddr;
use std::time::Duration;

use clap::Args;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The longest status line read before giving up (a real one is ~20 bytes).
const STATUS_LINE_LIMIT: u64 = 1024;

/// `berth health [--url URL] [--host HOST] [--port PORT] [--timeout SECONDS]`.
#[derive(Debug, Clone, Args)]
pub struct HealthArgs {
    /// URL to check [default: http://HOST:PORT/health, from --host and --port].
    #[arg(long)]
    pub url: Option<String>,
    /// Address Berth listens on; 0.0.0.0 and :: are checked on the loopback address.
    #[arg(long, env = "API_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port Berth listens on.
    #[arg(long, env = "API_PORT", default_value_t = 5000)]
    pub port: u16,
    /// Seconds to wait for the connection and the answer.
    #[arg(long, default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

/// Where to send the check: host name (for connecting and the `Host` header), port and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or address, without brackets.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Target {
    /// The `Host` header's value (IPv6 addresses in brackets).
    fn host_header(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl HealthArgs {
    /// The URL checked: `--url`, else `/health` on `--host` (loopback for a wildcard) and `--port`.
    pub fn url(&self) -> String {
        if let Some(url) = &self.url {
            return url.clone();
        }
        let host = match self.host {
            IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        format!("http://{host}:{}/health", self.port)
    }
}

/// Splits an `http://host[:port][/path]` URL; anything else is refused with a sentence.
pub fn parse_url(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("'{url}' is not an http:// URL (Berth serves plain HTTP)"))?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) if rest[at..].starts_with('/') => (&rest[..at], rest[at..].to_string()),
        Some(at) => (&rest[..at], format!("/{}", &rest[at..])),
        None => (rest, "/".to_string()),
    };
    let bad = || format!("'{url}' names no valid host and port");
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or_else(bad)?;
        match after {
            "" => (host, 80),
            port => (
                host,
                port.strip_prefix(':')
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(bad)?,
            ),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().map_err(|_| bad())?),
            None => (authority, 80),
        }
    };
    if host.is_empty() || host.contains(['@', ' ']) || path.contains([' ', '\r', '\n']) {
        return Err(bad());
    }
    Ok(Target {
        host: host.to_string(),
        port,
        path,
    })
}

/// Reads the status code from an HTTP/1.x status line (`HTTP/1.1 200 OK`).
pub fn parse_status_line(line: &str) -> Option<u16> {
    let mut parts = line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    (code.len() == 3).then(|| code.parse().ok()).flatten()
}

/// Sends the GET and returns the answer's status code.
async fn fetch_status(target: &Target) -> Result<u16, String> {
    let stream = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|err| format!("cannot connect: {err}"))?;
    let mut stream = BufReader::new(stream);
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: berth-health\r\nAccept: application/json\r\n\
         Connection: close\r\n\r\n",
        target.path,
        target.host_header()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .map_err(|err| format!("cannot send the request: {err}"))?;
    let mut line = String::new();
    (&mut stream)
        .take(STATUS_LINE_LIMIT)
        .read_line(&mut line)
        .await
        .map_err(|err| format!("cannot read the answer: {err}"))?;
    parse_status_line(&line).ok_or_else(|| "the answer is not HTTP/1.x".to_string())
}

/// Runs `berth health`: prints one line and succeeds on a 2xx answer within the timeout.
pub async fn run(args: HealthArgs) -> Result<(), String> {
    let url = args.url();
    let target = parse_url(&url)?;
    let limit = Duration::from_secs(args.timeout);
    let status = tokio::time::timeout(limit, fetch_status(&target))
        .await
        .map_err(|_| format!("{url} did not answer within {} s", args.timeout))?
        .map_err(|err| format!("{url}: {err}"))?;
    if (200..300).contains(&status) {
        println!("healthy: {url} answered {status}");
        Ok(())
    } else {
        Err(format!("{url} answered {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        args: HealthArgs,
    }

    fn args(argv: &[&str]) -> HealthArgs {
        let mut all = vec!["health"];
        all.extend_from_slice(argv);
        Probe::try_parse_from(all).expect("flags parse").args
    }

    #[test]
    fn the_default_url_checks_health_on_loopback_port_5000() {
        assert_eq!(
            args(&["--host", "127.0.0.1"]).url(),
            "http://127.0.0.1:5000/health"
        );
    }

    #[test]
    fn a_wildcard_listen_address_is_checked_on_loopback() {
        assert_eq!(
            args(&["--host", "0.0.0.0", "--port", "8080"]).url(),
            "http://127.0.0.1:8080/health"
        );
        assert_eq!(args(&["--host", "::"]).url(), "http://[::1]:5000/health");
    }

    #[test]
    fn urls_are_split_into_host_port_and_path() {
        assert_eq!(
            parse_url("http://127.0.0.1:5000/health"),
            Ok(Target {
                host: "127.0.0.1".into(),
                port: 5000,
                path: "/health".into()
            })
        );
        let v6 = parse_url("http://[::1]:3000").expect("v6 parses");
        assert_eq!(
            (v6.host.as_str(), v6.port, v6.path.as_str()),
            ("::1", 3000, "/")
        );
        assert_eq!(v6.host_header(), "[::1]:3000");
        assert_eq!(parse_url("http://berth.lan/health").map(|t| t.port), Ok(80));
    }

    #[test]
    fn urls_that_are_not_plain_http_are_refused() {
        for url in [
            "https://127.0.0.1/health",
            "127.0.0.1:5000",
            "http://:5000/health",
            "http://127.0.0.1:port/health",
            "http://[::1/health",
            "http://127.0.0.1:99999/",
        ] {
            assert!(parse_url(url).is_err(), "{url} should be refused");
        }
    }

    #[test]
    fn status_lines_give_their_code_and_anything_else_none() {
        assert_eq!(parse_status_line("HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            parse_status_line("HTTP/1.0 503 Service Unavailable"),
            Some(503)
        );
        assert_eq!(parse_status_line("SSH-2.0-OpenSSH_9.2"), None);
        assert_eq!(parse_status_line("HTTP/1.1 2000 OK"), None);
        assert_eq!(parse_status_line(""), None);
    }

    #[tokio::test]
    async fn a_port_where_nothing_listens_is_unhealthy() {
        // Bind then drop, so the port is (almost certainly) free.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let outcome = run(args(&[
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--timeout",
            "2",
        ]))
        .await;
        assert!(outcome.is_err(), "{outcome:?}");
    }

    #[tokio::test]
    async fn a_server_answering_503_is_unhealthy_and_200_healthy() {
        for (answer, healthy) in [
            ("HTTP/1.1 200 OK", true),
            ("HTTP/1.1 503 Unavailable", false),
        ] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("address").port();
            let server = tokio::spawn(async move {
                let (mut socket, _) = listener.accept().await.expect("accept");
                let mut request = vec![0u8; 1024];
                let read = socket.read(&mut request).await.expect("read");
                socket
                    .write_all(format!("{answer}\r\nContent-Length: 0\r\n\r\n").as_bytes())
                    .await
                    .expect("write");
                String::from_utf8_lossy(&request[..read]).into_owned()
            });
            let outcome = run(args(&["--host", "127.0.0.1", "--port", &port.to_string()])).await;
            let request = server.await.expect("server task");
            assert!(request.starts_with("GET /health HTTP/1.1\r\n"), "{request}");
            assert!(
                request.contains(&format!("Host: 127.0.0.1:{port}\r\n")),
                "{request}"
            );
            assert_eq!(outcome.is_ok(), healthy, "{answer}: {outcome:?}");
        }
    }
}
