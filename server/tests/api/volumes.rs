//! `/api/volumes` routes against the real daemon.

use std::collections::HashMap;
use std::process::Command;

use bollard::query_parameters::ListVolumesOptions;
use serde_json::{Value, json};

use crate::helpers::*;

/// Runs a throwaway container with the volume mounted at /data and returns (success, stdout).
fn run_with_volume(volume: &str, script: &str) -> (bool, String) {
    let output = Command::new("docker")
        .args([
            "run",
            "--rm",
            "-v",
            &format!("{volume}:/data"),
            &test_image(),
            "sh",
            "-c",
            script,
        ])
        .output()
        .expect("docker run");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

async fn volume_exists(app: &TestApp, name: &str) -> bool {
    app.docker.inspect_volume(name).await.is_ok()
}

async fn create_volume(app: &TestApp, name: &str, labels: Value) -> Cleanup {
    let guard = Cleanup::volume(name);
    app.post("/api/volumes", json!({"name": name, "labels": labels}))
        .await
        .expect(201);
    guard
}

#[tokio::test]
async fn create_applies_labels_and_driver_options_that_really_mount() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-tmpfs");
    let _guard = Cleanup::volume(&name);

    let body = app
        .post(
            "/api/volumes",
            json!({
                "name": name,
                "driver": "local",
                "labels": {"environment": "production"},
                "options": {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}
            }),
        )
        .await
        .expect(201);
    assert_eq!(body["success"], true);
    assert_eq!(body["result"]["name"], name.as_str());
    assert_eq!(body["result"]["status"], "created");
    assert_eq!(body["result"]["volume"]["options"]["o"], "size=1m");

    let volume = app
        .docker
        .inspect_volume(&name)
        .await
        .expect("volume exists");
    assert_eq!(volume.driver, "local");
    assert_eq!(
        volume.labels.get("environment").map(String::as_str),
        Some("production")
    );
    assert_eq!(
        volume.options.get("type").map(String::as_str),
        Some("tmpfs")
    );
    assert_eq!(volume.options.get("o").map(String::as_str), Some("size=1m"));

    // the options reach the driver: the volume is a 1 MiB tmpfs when mounted
    let (ok, mounts) = run_with_volume(&name, "grep ' /data ' /proc/mounts");
    assert!(ok, "mount line missing");
    assert!(mounts.starts_with("tmpfs /data tmpfs"), "{mounts}");
    assert!(mounts.contains("size=1024k"), "{mounts}");
}

#[tokio::test]
async fn create_without_a_name_generates_one() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let label = unique("anon");
    let body = app
        .post("/api/volumes", json!({"labels": {"berth-test": label}}))
        .await
        .expect(201);
    let name = body["result"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let _guard = Cleanup::volume(&name);
    assert_eq!(name.len(), 64, "{body}");
    let volume = app
        .docker
        .inspect_volume(&name)
        .await
        .expect("generated volume exists");
    assert_eq!(volume.labels.get("berth-test"), Some(&label));
}

#[tokio::test]
async fn create_with_an_existing_name_is_a_409_that_says_what_differs_and_changes_nothing() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-dup");
    let _guard = create_volume(&app, &name, json!({"purpose": "database"})).await;

    let same = app
        .post(
            "/api/volumes",
            json!({"name": name, "labels": {"purpose": "database"}}),
        )
        .await
        .expect_error(409);
    assert_eq!(same, format!("Volume '{name}' already exists"));
    let bare = app
        .post("/api/volumes", json!({"name": name}))
        .await
        .expect_error(409);
    assert_eq!(bare, format!("Volume '{name}' already exists"));

    let message = app
        .post(
            "/api/volumes",
            json!({"name": name, "labels": {"purpose": "cache"}}),
        )
        .await
        .expect_error(409);
    assert!(
        message.contains(&name) && message.contains("labels"),
        "{message}"
    );
    let message = app
        .post(
            "/api/volumes",
            json!({"name": name, "options": {"type": "tmpfs", "device": "tmpfs"}}),
        )
        .await
        .expect_error(409);
    assert!(message.contains("options"), "{message}");

    let volume = app.docker.inspect_volume(&name).await.expect("still there");
    assert_eq!(
        volume.labels.get("purpose").map(String::as_str),
        Some("database")
    );
    assert!(volume.options.is_empty());
}

#[tokio::test]
async fn list_and_details_show_the_volume_and_its_users() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-list");
    let _volume = create_volume(&app, &name, json!({"tier": "db"})).await;
    let container = unique("vol-user");
    let _container = app
        .create_container(json!({
            "image": test_image(),
            "name": container,
            "volumes": {name.clone(): {"bind": "/data", "mode": "ro"}}
        }))
        .await;

    let body = app.get("/api/volumes").await.expect(200);
    let volumes = body["volumes"].as_array().expect("volumes array");
    assert_eq!(body["count"].as_u64(), Some(volumes.len() as u64));
    let item = volumes
        .iter()
        .find(|v| v["name"] == name.as_str())
        .expect("listed");
    assert_eq!(item["driver"], "local");
    assert_eq!(item["scope"], "local");
    assert_eq!(item["labels"]["tier"], "db");
    assert!(
        item["mountpoint"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/_data")
    );
    assert!(
        item["created"]
            .as_str()
            .unwrap_or_default()
            .starts_with("20")
    );
    assert!(item["options"].is_object());

    let details = app.get(&format!("/api/volumes/{name}")).await.expect(200);
    let volume = &details["volume"];
    assert_eq!(volume["name"], name.as_str());
    assert_eq!(volume["in_use"], true);
    assert_eq!(volume["containers"][0]["name"], container.as_str());
    assert_eq!(volume["containers"][0]["destination"], "/data");
    assert_eq!(volume["containers"][0]["rw"], false);
    assert_eq!(volume["containers"][0]["status"], "created");
}

#[tokio::test]
async fn details_return_404_for_an_unknown_volume_and_400_for_a_bad_name() {
    let app = TestApp::spawn().await;
    let name = unique("vol-none");
    let message = app
        .get(&format!("/api/volumes/{name}"))
        .await
        .expect_error(404);
    assert_eq!(message, format!("Volume '{name}' not found"));
    let message = app.get("/api/volumes/bad%3Fname").await.expect_error(400);
    assert!(message.contains("Invalid volume name"), "{message}");
}

#[tokio::test]
async fn the_stats_route_wins_over_a_volume_named_stats() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/volumes/stats").await.expect(200);
    assert!(body["stats"]["total_count"].is_u64(), "{body}");
    assert!(body.get("volume").is_none());
}

#[tokio::test]
async fn remove_deletes_the_volume() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-rm");
    let _guard = create_volume(&app, &name, json!({})).await;
    let body = app
        .delete(&format!("/api/volumes/{name}/remove"))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "removed");
    assert_eq!(body["result"]["name"], name.as_str());
    assert!(!volume_exists(&app, &name).await);
}

#[tokio::test]
async fn remove_returns_409_naming_the_container_when_volume_in_use() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-busy");
    let _volume = create_volume(&app, &name, json!({})).await;
    let container = unique("vol-busy-user");
    let _container = app
        .create_container(json!({
            "image": test_image(),
            "name": container,
            "volumes": {name.clone(): {"bind": "/data", "mode": "rw"}}
        }))
        .await;

    let message = app
        .delete(&format!("/api/volumes/{name}/remove"))
        .await
        .expect_error(409);
    assert!(
        message.contains(&name) && message.contains(&container),
        "{message}"
    );
    // force does not override "in use" (it only purges volumes whose driver fails)
    let message = app
        .delete(&format!("/api/volumes/{name}/remove?force=true"))
        .await
        .expect_error(409);
    assert!(message.contains(&container), "{message}");
    assert!(volume_exists(&app, &name).await);
}

#[tokio::test]
async fn remove_returns_404_for_an_unknown_volume() {
    let app = TestApp::spawn().await;
    let name = unique("vol-ghost");
    let message = app
        .delete(&format!("/api/volumes/{name}/remove"))
        .await
        .expect_error(404);
    assert_eq!(message, format!("Volume '{name}' not found"));
    app.delete(&format!("/api/volumes/{name}/remove?force=1"))
        .await
        .expect_error(404);
}

#[tokio::test]
async fn force_remove_deletes_an_unused_volume() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-force");
    let _guard = create_volume(&app, &name, json!({})).await;
    app.delete(&format!("/api/volumes/{name}/remove?force=TRUE"))
        .await
        .expect(200);
    assert!(!volume_exists(&app, &name).await);
}

#[tokio::test]
async fn prune_returns_exactly_the_removed_volumes() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let label = unique("prune");
    let labels = json!({"berth-prune": label});
    let first = unique("vol-prune-a");
    let second = unique("vol-prune-b");
    let kept = unique("vol-prune-kept");
    let other = unique("vol-prune-other");
    let _g1 = create_volume(&app, &first, labels.clone()).await;
    let _g2 = create_volume(&app, &second, labels.clone()).await;
    let _g3 = create_volume(&app, &kept, labels.clone()).await;
    let _g4 = create_volume(&app, &other, json!({})).await;
    let user = unique("vol-prune-user");
    let _user = app
        .create_container(json!({
            "image": test_image(),
            "name": user,
            "volumes": {kept.clone(): {"bind": "/data"}}
        }))
        .await;
    assert!(run_with_volume(&first, "head -c 2000 /dev/zero > /data/blob").0);

    let mut prune = format!("/api/volumes/prune?label=berth-prune={label}");
    if app.engine_api_at_least(1, 42).await {
        // Since API 1.42 (Docker 23) a plain prune removes anonymous volumes only, as `docker volume
        // prune` does there; named ones need all=true (`docker volume prune -a`).
        let body = app.post_empty(&prune).await.expect(200);
        assert_eq!(body["result"]["count"], 0, "{body}");
        assert!(volume_exists(&app, &first).await);
        prune.push_str("&all=true");
    }
    let body = app.post_empty(&prune).await.expect(200);
    let result = &body["result"];
    let mut deleted: Vec<String> = result["volumes_deleted"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    deleted.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(deleted, expected);
    assert_eq!(result["count"], 2);
    assert!(
        result["space_reclaimed"].as_i64().unwrap_or_default() >= 2000,
        "{result}"
    );
    assert!(result["space_reclaimed_human"].is_string());

    assert!(!volume_exists(&app, &first).await);
    assert!(!volume_exists(&app, &second).await);
    assert!(
        volume_exists(&app, &kept).await,
        "a volume in use is never pruned"
    );
    assert!(
        volume_exists(&app, &other).await,
        "the label filter limits the prune"
    );
}

#[tokio::test]
async fn stats_report_sizes_and_the_containers_using_each_volume() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("vol-stats");
    let idle = unique("vol-stats-idle");
    let _volume = create_volume(&app, &name, json!({})).await;
    let _idle = create_volume(&app, &idle, json!({})).await;
    assert!(run_with_volume(&name, "head -c 300000 /dev/zero > /data/blob").0);
    let container = unique("vol-stats-user");
    let _container = app
        .create_container(json!({
            "image": test_image(),
            "name": container,
            "volumes": {name.clone(): {"bind": "/data"}}
        }))
        .await;

    let body = app.get("/api/volumes/stats").await.expect(200);
    let stats = &body["stats"];
    let volumes = stats["volumes"].as_array().expect("volumes");
    let used = volumes
        .iter()
        .find(|v| v["name"] == name.as_str())
        .expect("volume in stats");
    assert!(
        used["size_bytes"].as_i64().unwrap_or_default() >= 300_000,
        "{used}"
    );
    assert_eq!(used["in_use"], true);
    assert_eq!(used["containers"], json!([container]));
    assert!(
        used["size"].as_str().unwrap_or_default().ends_with("kB"),
        "{used}"
    );
    let unused = volumes
        .iter()
        .find(|v| v["name"] == idle.as_str())
        .expect("idle volume");
    assert_eq!(unused["in_use"], false);
    assert_eq!(unused["containers"], json!([]));

    let total = stats["total_count"].as_u64().unwrap_or_default();
    assert_eq!(total, volumes.len() as u64);
    assert_eq!(
        stats["in_use"].as_u64().unwrap_or_default() + stats["unused"].as_u64().unwrap_or_default(),
        total
    );
    assert!(stats["total_size_bytes"].as_i64().unwrap_or_default() >= 300_000);
    assert!(
        stats["by_driver"]["local"]["count"]
            .as_u64()
            .unwrap_or_default()
            >= 2
    );
    let listed = app
        .docker
        .list_volumes(None::<ListVolumesOptions>)
        .await
        .expect("list")
        .volumes
        .unwrap_or_default();
    assert!(listed.iter().any(|v| v.name == name));
}

#[tokio::test]
async fn bad_volume_bodies_are_rejected_with_400() {
    let app = TestApp::spawn().await;
    let name = unique("vol-bad");
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": name, "size": 5}), "Unknown field 'size'"),
        (json!({"name": 5}), "'name'"),
        (json!({"name": name, "labels": "x"}), "'labels'"),
        (json!({"name": name, "labels": {"k": 1}}), "'labels.k'"),
        (
            json!({"name": name, "options": ["type=tmpfs"]}),
            "'options'",
        ),
        (json!({"name": "a"}), "Invalid volume name"),
        (json!({"name": "../etc"}), "Invalid volume name"),
        (json!({"name": "has space"}), "Invalid volume name"),
        (json!({"name": ""}), "must not be empty"),
        (
            json!({"name": name, "driver": "bad driver"}),
            "Invalid volume driver",
        ),
        (
            json!({"name": name, "driver": "no-such-driver"}),
            "Unknown volume driver",
        ),
        (json!({"name": name, "labels": {"": "x"}}), "empty key"),
    ];
    for (body, needle) in cases {
        let message = app
            .post("/api/volumes", body.clone())
            .await
            .expect_error(400);
        assert!(message.contains(needle), "{body}: {message}");
    }
    let message = app
        .request(
            reqwest::Method::POST,
            "/api/volumes",
            Some(("application/json", b"[1]".to_vec())),
        )
        .await
        .expect_error(400);
    assert_eq!(message, "Request body must be a JSON object");
    app.delete(&format!("/api/volumes/{name}/remove?force=maybe"))
        .await
        .expect_error(400);
    app.post_empty("/api/volumes/prune?all=perhaps")
        .await
        .expect_error(400);
    assert!(!volume_exists(&app, &name).await, "nothing was created");
    let filters = HashMap::from([("name".to_string(), vec!["has space".to_string()])]);
    let listed = app
        .docker
        .list_volumes(Some(ListVolumesOptions {
            filters: Some(filters),
        }))
        .await
        .expect("list");
    assert!(listed.volumes.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn prune_refuses_a_malformed_or_unknown_body_before_removing_anything() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let label = unique("prune-body");
    let name = unique("vol-prune-body");
    let _guard = create_volume(&app, &name, json!({"berth-prune": label})).await;
    // all=true: on API 1.42+ a plain prune keeps named volumes anyway.
    let all = if app.engine_api_at_least(1, 42).await {
        "&all=true"
    } else {
        ""
    };
    let prune = format!("/api/volumes/prune?label=berth-prune={label}{all}");
    for (body, expected) in [
        ("{garbage", "Malformed JSON body"),
        (r#"{"all": true}"#, "Unknown field 'all' in request body"),
    ] {
        let message = app.post_text(&prune, body).await.expect_error(400);
        assert!(message.starts_with(expected), "{body}: {message}");
        assert!(volume_exists(&app, &name).await, "{body}");
    }
    let body = app.post(&prune, json!({})).await.expect(200);
    assert_eq!(body["result"]["volumes_deleted"], json!([name]), "{body}");
}
