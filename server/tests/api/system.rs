//! `/api/system`, `/health` and `/api/commands` against the real daemon.

use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn health_is_healthy_when_the_daemon_answers() {
    let app = TestApp::spawn().await;
    let body = app.get("/health").await.expect(200);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["success"], true);
    let version = app.docker.version().await.expect("version");
    assert_eq!(
        body["docker_version"],
        version.version.as_deref().unwrap_or_default()
    );
}

#[tokio::test]
async fn version_matches_the_daemon() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/system/version").await.expect(200);
    let version = app.docker.version().await.expect("version");
    let ours = &body["version"];
    assert_eq!(
        ours["version"],
        version.version.as_deref().unwrap_or_default()
    );
    assert_eq!(
        ours["api_version"],
        version.api_version.as_deref().unwrap_or_default()
    );
    for key in [
        "min_api_version",
        "git_commit",
        "go_version",
        "os",
        "arch",
        "kernel_version",
        "build_time",
    ] {
        assert!(ours[key].is_string(), "{key} missing: {ours}");
    }
    assert!(ours["experimental"].is_boolean());
}

#[tokio::test]
async fn info_carries_the_documented_keys() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/system/info").await.expect(200);
    let info = &body["info"];
    let daemon = app.docker.info().await.expect("info");
    assert_eq!(
        info["docker_version"],
        daemon.server_version.as_deref().unwrap_or_default()
    );
    assert_eq!(info["ncpu"], daemon.ncpu.unwrap_or_default());
    for key in [
        "containers",
        "containers_running",
        "containers_paused",
        "containers_stopped",
        "images",
        "mem_total",
        "ncpu",
    ] {
        assert!(info[key].is_i64(), "{key}: {info}");
    }
    for key in ["driver", "operating_system", "architecture", "name"] {
        assert!(info[key].is_string(), "{key}: {info}");
    }
    assert!(info["swarm"].is_object());
}

#[tokio::test]
async fn disk_usage_counts_images_containers_volumes_and_cache() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/system/df").await.expect(200);
    let usage = &body["usage"];
    for kind in ["images", "containers", "volumes", "build_cache"] {
        let part = &usage[kind];
        assert!(part["total_count"].is_i64(), "{kind}: {usage}");
        assert!(part["size_bytes"].is_i64(), "{kind}");
        assert!(part["size"].is_string(), "{kind}");
        assert!(part["reclaimable_bytes"].is_i64(), "{kind}");
    }
    assert!(usage["images"]["total_count"].as_i64().unwrap_or_default() >= 1);
    assert!(usage["images"]["size_bytes"].as_i64().unwrap_or_default() > 0);
}

#[tokio::test]
async fn status_and_stats_report_the_running_daemon() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/system/status").await.expect(200);
    assert_eq!(body["status"]["status"], "running");
    assert!(body["status"]["server_version"].is_string());
    assert!(body["status"]["warnings"].is_array());

    let body = app.get("/api/system/stats").await.expect(200);
    let stats = &body["stats"];
    for key in ["total", "running", "stopped", "paused"] {
        assert!(stats["containers"][key].is_i64(), "{key}: {stats}");
    }
    assert!(stats["images"].is_i64());
    assert!(stats["volumes"].is_u64());
    assert!(
        stats["networks"].as_u64().is_some_and(|n| n >= 3),
        "bridge, host, none"
    );
    assert!(stats["disk"]["images"].is_object());
}

#[tokio::test]
async fn host_describes_the_api_machine() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/system/host").await.expect(200);
    let host = &body["host"];
    assert!(host["cpu_count"].as_u64().is_some_and(|n| n >= 1));
    assert!(
        host["memory"]["total_bytes"]
            .as_u64()
            .is_some_and(|n| n > 0)
    );
    assert!(host["disk"]["total_bytes"].as_u64().is_some_and(|n| n > 0));
    assert!(host["uptime_seconds"].as_u64().is_some_and(|n| n > 0));
    assert!(host["load_average"]["one"].is_number());
    assert!(host["kernel_version"].is_string());
    assert_eq!(host["disk"]["path"], "/");
    assert!(host["memory"].get("path").is_none(), "{host}");
    assert!(
        host["memory"]["percent"]
            .as_f64()
            .is_some_and(|p| (0.0..=100.0).contains(&p))
    );
}

#[tokio::test]
async fn commands_list_every_route_grouped_by_resource() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/commands").await.expect(200);
    assert_eq!(body["success"], true);
    assert!(
        body["base_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/api"))
    );
    let commands = body["commands"].as_object().expect("groups");
    let all: Vec<&str> = commands
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for expected in [
        "GET /api/containers - ",
        "POST /api/containers/{id}/stop - ",
        "DELETE /api/containers/{id}/remove - ",
        "GET /api/system/df - ",
        "GET /health - ",
    ] {
        assert!(
            all.iter().any(|line| line.starts_with(expected)),
            "{expected} missing"
        );
    }
    assert!(commands.contains_key("containers") && commands.contains_key("system"));
    // Every listed route answers something other than a 404/405 route error.
    for line in all {
        let (method, rest) = line.split_once(' ').expect("METHOD path");
        let path = rest.split(" - ").next().expect("path");
        if method == "GET" && !path.contains('{') {
            // only the status: streams (GET /api/events) never end by themselves
            let status = app
                .http
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .expect("request sent")
                .status();
            assert!(
                status.as_u16() != 404 && status.as_u16() != 405,
                "{line} answered {status}"
            );
        }
    }
}
