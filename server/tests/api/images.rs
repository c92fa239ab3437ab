//! `/api/images` routes against the real daemon and the loopback registry.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bollard::query_parameters::{ListContainersOptions, TagImageOptions};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }

    fn with_dockerfile(prefix: &str, dockerfile: &str) -> Self {
        let dir = Self::new(prefix);
        std::fs::write(dir.0.join("Dockerfile"), dockerfile).expect("write Dockerfile");
        dir
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tar archive of a directory (test-side only; the server never shells out).
fn tar_of(dir: &TempDir) -> Vec<u8> {
    let output = std::process::Command::new("tar")
        .args(["-C", dir.path(), "-cf", "-", "."])
        .output()
        .expect("tar runs");
    assert!(output.status.success());
    output.stdout
}

/// Builds a one-tag image through the API from a Dockerfile; returns its guard and the result.
async fn build(app: &TestApp, tag: &str, dockerfile: &str) -> (Cleanup, Value) {
    let dir = TempDir::with_dockerfile("ctx", dockerfile);
    let guard = Cleanup::image(tag);
    let body = app
        .post("/api/images/build", json!({"path": dir.path(), "tag": tag}))
        .await
        .expect(201);
    (guard, body)
}

async fn image_id(app: &TestApp, reference: &str) -> Option<String> {
    app.docker
        .inspect_image(reference)
        .await
        .ok()
        .and_then(|i| i.id)
}

async fn containers_labelled(app: &TestApp, label: &str) -> Vec<String> {
    let filters = HashMap::from([("label".to_string(), vec![label.to_string()])]);
    app.docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        }))
        .await
        .expect("list containers")
        .into_iter()
        .filter_map(|c| c.id)
        .collect()
}

/// Tags the test image as `reference` directly on the daemon; the guard removes the tag.
async fn tag_test_image(app: &TestApp, repo: &str, tag: &str) -> Cleanup {
    app.docker
        .tag_image(
            &test_image(),
            Some(TagImageOptions {
                repo: Some(repo.to_string()),
                tag: Some(tag.to_string()),
            }),
        )
        .await
        .expect("tag test image");
    Cleanup::image(&format!("{repo}:{tag}"))
}

#[tokio::test]
async fn list_shows_the_test_image_with_its_fields() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/images").await.expect(200);
    let images = body["images"].as_array().expect("images array");
    assert_eq!(body["count"].as_u64(), Some(images.len() as u64));
    let image = images
        .iter()
        .find(|i| {
            i["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == test_image().as_str()))
        })
        .expect("the test image is listed");
    let full = image_id(&app, &test_image())
        .await
        .expect("test image exists");
    let id = image["id"].as_str().unwrap();
    assert_eq!(id.len(), 12);
    assert!(full.strip_prefix("sha256:").unwrap().starts_with(id));
    assert_eq!(image["repository"], "berth-test/busybox");
    assert_eq!(image["tag"], "latest");
    assert!(image["created"].as_str().unwrap().ends_with('Z'));
    assert!(image["size_bytes"].as_i64().unwrap() > 0);
    assert!(image["size"].as_str().unwrap().ends_with("B"));
    assert!(image["labels"].is_object());
    assert_eq!(image["os"], "linux");
    assert!(!image["architecture"].as_str().unwrap().is_empty());

    let all = app.get("/api/images?all=1").await.expect(200);
    assert!(all["count"].as_u64() >= body["count"].as_u64());
}

#[tokio::test]
async fn bad_query_booleans_are_400() {
    let app = TestApp::spawn().await;
    let message = app.get("/api/images?all=maybe").await.expect_error(400);
    assert!(message.contains("maybe"), "{message}");
    app.delete(&format!("/api/images/{}/remove?force=yes", test_image()))
        .await
        .expect_error(400);
    app.delete(&format!("/api/images/{}/remove?no_prune=2", test_image()))
        .await
        .expect_error(400);
    app.post_empty("/api/images/prune?dangling_only=nah")
        .await
        .expect_error(400);
    assert!(image_id(&app, &test_image()).await.is_some());
}

#[tokio::test]
async fn details_show_config_and_history() {
    let app = TestApp::spawn().await;
    let body = app
        .get(&format!("/api/images/{}", test_image()))
        .await
        .expect(200);
    let image = &body["image"];
    assert_eq!(
        image["id"].as_str(),
        image_id(&app, &test_image()).await.as_deref()
    );
    assert!(
        image["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == test_image().as_str())
    );
    assert_eq!(image["os"], "linux");
    assert!(image["architecture"].is_string());
    assert!(image["author"].is_string());
    assert!(image["size_bytes"].as_i64().unwrap() > 0);
    for key in [
        "cmd",
        "entrypoint",
        "env",
        "exposed_ports",
        "labels",
        "user",
        "working_dir",
        "volumes",
    ] {
        assert!(
            !image["config"][key].is_null(),
            "config.{key} missing: {image}"
        );
    }
    assert!(!image["config"]["cmd"].as_array().unwrap().is_empty());
    assert!(!image["history"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn details_return_404_for_unknown_image() {
    let app = TestApp::spawn().await;
    let name = unique("nothing");
    let message = app
        .get(&format!("/api/images/{name}:latest"))
        .await
        .expect_error(404);
    assert!(message.contains(&name), "{message}");
}

#[tokio::test]
async fn history_lists_the_layers_with_a_count() {
    let app = TestApp::spawn().await;
    let body = app
        .get(&format!("/api/images/{}/history", test_image()))
        .await
        .expect(200);
    let history = body["history"].as_array().unwrap();
    assert!(!history.is_empty());
    assert_eq!(body["count"].as_u64(), Some(history.len() as u64));
    let expected = app.docker.image_history(&test_image()).await.unwrap();
    assert_eq!(history.len(), expected.len());
    assert!(history[0]["created_by"].is_string());
    assert!(history[0]["created"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn pull_fetches_an_image_from_the_local_registry() {
    let app = TestApp::spawn().await;
    let repo = format!("{}/berth-test/busybox", test_registry());
    let reference = format!("{repo}:latest");
    let _guard = Cleanup::image(&reference);
    let body = app
        .post("/api/images/pull", json!({"image": repo, "tag": "latest"}))
        .await
        .expect(200);
    let result = &body["result"];
    assert_eq!(result["status"], "pulled");
    assert!(
        result["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == reference.as_str())
    );
    assert_eq!(
        result["image_id"].as_str(),
        image_id(&app, &reference).await.as_deref(),
        "the image really exists after the pull"
    );
    assert!(result["size"].is_string());

    // a tag inside the image name works too
    let again = app
        .post("/api/images/pull", json!({"image": reference}))
        .await
        .expect(200);
    assert_eq!(again["result"]["image_id"], result["image_id"]);
}

#[tokio::test]
async fn pull_returns_404_for_an_image_missing_in_the_registry() {
    let app = TestApp::spawn().await;
    let image = format!("{}/berth-test/{}", test_registry(), unique("missing"));
    let message = app
        .post("/api/images/pull", json!({"image": image}))
        .await
        .expect_error(404);
    assert!(message.contains(&image), "{message}");
    assert!(image_id(&app, &format!("{image}:latest")).await.is_none());
}

#[tokio::test]
async fn pull_without_an_image_name_is_400() {
    let app = TestApp::spawn().await;
    let message = app.post_empty("/api/images/pull").await.expect_error(400);
    assert_eq!(message, "Image name is required");
    let message = app
        .post("/api/images/pull", json!({}))
        .await
        .expect_error(400);
    assert_eq!(message, "Image name is required");
    let message = app
        .post("/api/images/pull", json!({"image": "busybox", "bogus": 1}))
        .await
        .expect_error(400);
    assert!(message.contains("bogus"), "{message}");
}

#[tokio::test]
async fn a_repository_name_docker_refuses_is_a_400_before_any_progress_stream() {
    let app = TestApp::spawn().await;
    for image in ["UPPER/Case", "team/App", "a..b"] {
        let message = app
            .post("/api/images/pull", json!({"image": image}))
            .await
            .expect_error(400);
        assert!(message.contains("lower-case"), "{image}: {message}");
        let stream = app
            .sse(
                Method::POST,
                "/api/images/pull",
                Some(json!({"image": image})),
            )
            .await;
        assert_eq!(
            stream.status.as_u16(),
            400,
            "{image}: {}",
            stream.content_type
        );
        let body = stream.json().await;
        assert_eq!(body["success"], false, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("lower-case"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn pull_from_an_unreachable_registry_fails_promptly() {
    let app = TestApp::spawn().await;
    let started = Instant::now();
    let reply = app
        .post(
            "/api/images/pull",
            json!({"image": "127.0.0.1:1/berth/nothing"}),
        )
        .await;
    assert!(started.elapsed() < Duration::from_secs(15));
    let message = reply.expect_error(503);
    assert!(message.contains("could not be reached"), "{message}");
}

#[tokio::test]
async fn build_from_a_path_applies_buildargs_and_labels() {
    let app = TestApp::spawn().await;
    let tag = format!("{}:v1", unique("build"));
    let marker = unique("marker");
    let dir = TempDir::with_dockerfile(
        "ctx",
        &format!(
            "FROM {}\nARG GREETING=none\nLABEL berth.greeting=$GREETING\nRUN echo \"built with $GREETING\"\n",
            test_image()
        ),
    );
    let _guard = Cleanup::image(&tag);
    let body = app
        .post(
            "/api/images/build",
            json!({
                "path": dir.path(),
                "tag": tag,
                "buildargs": {"GREETING": marker},
                "labels": {"berth.test": "yes"},
                "nocache": true
            }),
        )
        .await
        .expect(201);
    let result = &body["result"];
    assert_eq!(result["status"], "built");
    assert!(
        result["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == tag.as_str())
    );
    let logs = result["build_logs"].as_array().unwrap();
    assert!(
        logs.iter().any(|l| l
            .as_str()
            .unwrap()
            .contains(&format!("built with {marker}"))),
        "{logs:?}"
    );
    let inspect = app
        .docker
        .inspect_image(&tag)
        .await
        .expect("image was built");
    assert_eq!(result["image_id"].as_str(), inspect.id.as_deref());
    let labels = inspect.config.unwrap().labels.unwrap();
    assert_eq!(labels.get("berth.greeting"), Some(&marker));
    assert_eq!(labels.get("berth.test").map(String::as_str), Some("yes"));
}

#[tokio::test]
async fn build_from_an_uploaded_tar_context() {
    let app = TestApp::spawn().await;
    let tag = format!("{}:latest", unique("upload"));
    let dir = TempDir::with_dockerfile(
        "ctx",
        &format!(
            "FROM {}\nARG V\nCOPY hello.txt /hello.txt\nLABEL v=$V\n",
            test_image()
        ),
    );
    std::fs::write(dir.0.join("hello.txt"), "hi").unwrap();
    let _guard = Cleanup::image(&tag);
    let path = format!(
        "/api/images/build?tag={tag}&buildargs=%7B%22V%22%3A%227%22%7D&labels=%7B%22up%22%3A%22loaded%22%7D&nocache=true"
    );
    let body = app
        .request(
            Method::POST,
            &path,
            Some(("application/x-tar", tar_of(&dir))),
        )
        .await
        .expect(201);
    assert_eq!(body["result"]["status"], "built");
    let inspect = app
        .docker
        .inspect_image(&tag)
        .await
        .expect("image was built");
    let labels = inspect.config.unwrap().labels.unwrap();
    assert_eq!(labels.get("v").map(String::as_str), Some("7"));
    assert_eq!(labels.get("up").map(String::as_str), Some("loaded"));

    let message = app
        .request(
            Method::POST,
            "/api/images/build?tag=x&bogus=1",
            Some(("application/x-tar", tar_of(&dir))),
        )
        .await
        .expect_error(400);
    assert!(message.contains("bogus"), "{message}");
}

#[tokio::test]
async fn failed_build_is_400_with_the_error_line_and_leaves_no_containers() {
    let app = TestApp::spawn().await;
    let marker = unique("failing");
    let label = format!("berth.build={marker}");
    let dir = TempDir::with_dockerfile(
        "ctx",
        &format!(
            "FROM {}\nLABEL berth.build={marker}\nRUN echo about to fail && exit 3\n",
            test_image()
        ),
    );
    let tag = format!("{marker}:latest");
    let _guard = Cleanup::image(&tag);
    let message = app
        .post("/api/images/build", json!({"path": dir.path(), "tag": tag}))
        .await
        .expect_error(400);
    assert!(message.contains("returned a non-zero code: 3"), "{message}");
    assert!(image_id(&app, &tag).await.is_none());
    assert!(
        containers_labelled(&app, &label).await.is_empty(),
        "a failed build must leave no intermediate container"
    );

    // the check above would see a leftover: with rm=false the builder keeps it
    app.post(
        "/api/images/build",
        json!({"path": dir.path(), "tag": tag, "rm": false}),
    )
    .await
    .expect_error(400);
    let leftovers = containers_labelled(&app, &label).await;
    let _cleanup: Vec<Cleanup> = leftovers.iter().map(|id| Cleanup::container(id)).collect();
    assert_eq!(leftovers.len(), 1);

    let bad = TempDir::with_dockerfile("ctx", &format!("FROM {}\nFROBNICATE now\n", test_image()));
    let message = app
        .post("/api/images/build", json!({"path": bad.path(), "tag": tag}))
        .await
        .expect_error(400);
    assert!(message.to_lowercase().contains("frobnicate"), "{message}");
}

#[tokio::test]
async fn build_outside_the_build_root_is_403() {
    let root = TempDir::new("root");
    let outside = TempDir::with_dockerfile("outside", "FROM scratch\n");
    let root_path = root.0.clone();
    let app = TestApp::spawn_with(app::docker::DockerEndpoint::FromEnvironment, move |c| {
        c.build_root = Some(root_path)
    })
    .await;
    let message = app
        .post(
            "/api/images/build",
            json!({"path": outside.path(), "tag": unique("nope")}),
        )
        .await
        .expect_error(403);
    assert!(message.contains("build root"), "{message}");
    // a symlink inside the root pointing outside is resolved first
    std::os::unix::fs::symlink(&outside.0, root.0.join("link")).unwrap();
    app.post(
        "/api/images/build",
        json!({"path": root.0.join("link"), "tag": unique("nope")}),
    )
    .await
    .expect_error(403);
}

#[tokio::test]
async fn build_with_a_missing_path_or_dockerfile_is_400() {
    let app = TestApp::spawn().await;
    let missing = std::env::temp_dir().join(unique("absent"));
    let message = app
        .post("/api/images/build", json!({"path": missing, "tag": "x"}))
        .await
        .expect_error(400);
    assert!(message.contains(missing.to_str().unwrap()), "{message}");
    let empty = TempDir::new("empty");
    let message = app
        .post(
            "/api/images/build",
            json!({"path": empty.path(), "tag": "x"}),
        )
        .await
        .expect_error(400);
    assert!(message.contains("Dockerfile"), "{message}");
    let message = app
        .post("/api/images/build", json!({}))
        .await
        .expect_error(400);
    assert!(message.contains("path"), "{message}");
}

#[tokio::test]
async fn remove_deletes_the_image() {
    let app = TestApp::spawn().await;
    let repo = unique("remove");
    let _guard = tag_test_image(&app, &repo, "v1").await;
    let body = app
        .delete(&format!("/api/images/{repo}:v1/remove"))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "removed");
    assert!(
        image_id(&app, &format!("{repo}:v1")).await.is_none(),
        "really gone"
    );
    assert!(
        image_id(&app, &test_image()).await.is_some(),
        "other tags stay"
    );
}

#[tokio::test]
async fn remove_returns_409_when_the_image_is_in_use() {
    let app = TestApp::spawn().await;
    let tag = format!("{}:latest", unique("inuse"));
    let (_image, _) = build(
        &app,
        &tag,
        &format!("FROM {}\nLABEL only={}\n", test_image(), unique("only")),
    )
    .await;
    let name = unique("user");
    let _container = app
        .create_container(json!({"image": tag, "name": name}))
        .await;
    let message = app
        .delete(&format!("/api/images/{tag}/remove"))
        .await
        .expect_error(409);
    assert!(message.contains(&name), "{message}");
    assert!(image_id(&app, &tag).await.is_some(), "nothing was removed");
}

#[tokio::test]
async fn remove_returns_404_for_unknown_image() {
    let app = TestApp::spawn().await;
    let name = unique("ghost");
    let message = app
        .delete(&format!("/api/images/{name}:latest/remove"))
        .await
        .expect_error(404);
    assert!(message.contains(&name), "{message}");
}

#[tokio::test]
async fn search_needs_a_term_and_a_sane_limit() {
    let app = TestApp::spawn().await;
    let message = app.get("/api/images/search").await.expect_error(400);
    assert_eq!(message, "Search term is required");
    app.get("/api/images/search?term=").await.expect_error(400);
    for limit in ["0", "101", "ten", "-1"] {
        let message = app
            .get(&format!("/api/images/search?term=nginx&limit={limit}"))
            .await
            .expect_error(400);
        assert!(message.contains("limit"), "{message}");
    }
}

#[tokio::test]
async fn search_answers_promptly_when_the_registry_is_unreachable() {
    let app = TestApp::spawn().await;
    let started = Instant::now();
    let reply = app.get("/api/images/search?term=nginx&limit=5").await;
    assert!(started.elapsed() < Duration::from_secs(15));
    if reply.status.as_u16() != 200 {
        let message = reply.expect_error(503);
        assert!(message.contains("could not be reached"), "{message}");
    }
}

#[tokio::test]
async fn search_on_a_registry_that_offers_no_search_is_a_404_that_says_so() {
    // The local registry (Distribution) answers pushes and pulls, but has no search endpoint.
    let app = TestApp::spawn().await;
    let term = format!("{}/berth-search-probe", test_registry());
    let message = app
        .get(&format!("/api/images/search?term={term}"))
        .await
        .expect_error(404);
    assert!(
        message.contains(&term) && message.contains("no search"),
        "{message}"
    );
}

#[tokio::test]
async fn prune_removes_dangling_images_and_reports_them() {
    if !on_private_engine("prune_removes_dangling_images_and_reports_them") {
        return;
    }
    // A global prune: keep the other pruning tests out while it runs.
    let _exclusive = PRUNE_GUARD.write().await;
    let app = TestApp::spawn().await;
    let tag = format!("{}:latest", unique("prune"));
    let (_guard, first) = build(
        &app,
        &tag,
        &format!("FROM {}\nRUN echo {}\n", test_image(), unique("one")),
    )
    .await;
    let (_guard2, second) = build(
        &app,
        &tag,
        &format!("FROM {}\nRUN echo {}\n", test_image(), unique("two")),
    )
    .await;
    let dangling = first["result"]["image_id"].as_str().unwrap().to_string();
    assert_ne!(
        Some(dangling.as_str()),
        second["result"]["image_id"].as_str()
    );
    assert!(
        image_id(&app, &dangling).await.is_some(),
        "the first build is now dangling"
    );
    let body = app.post_empty("/api/images/prune").await.expect(200);
    let result = &body["result"];
    let deleted: Vec<&str> = result["images_deleted"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(deleted.contains(&dangling.as_str()), "{result}");
    assert!(result["space_reclaimed"].as_i64().is_some());
    assert!(result["space_reclaimed_human"].is_string());
    assert!(image_id(&app, &dangling).await.is_none(), "really removed");
    assert!(
        image_id(&app, &tag).await.is_some(),
        "the tagged build stays"
    );
}

#[tokio::test]
async fn tag_adds_a_reference_to_the_image() {
    let app = TestApp::spawn().await;
    let repo = unique("tagged");
    let _guard = Cleanup::image(&format!("{repo}:v2"));
    let body = app
        .post(
            &format!("/api/images/{}/tag", test_image()),
            json!({"repo": repo, "tag": "v2"}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "tagged");
    assert_eq!(
        image_id(&app, &format!("{repo}:v2")).await,
        image_id(&app, &test_image()).await
    );
    let message = app
        .post(&format!("/api/images/{}/tag", test_image()), json!({}))
        .await
        .expect_error(400);
    assert!(message.contains("repo"), "{message}");
}

#[tokio::test]
async fn push_then_pull_round_trips_through_the_registry() {
    let app = TestApp::spawn().await;
    let name = unique("pushed");
    let repo = format!("{}/berth-test/{name}", test_registry());
    let reference = format!("{repo}:v1");
    let _guard = Cleanup::image(&reference);
    app.post(
        &format!("/api/images/{}/tag", test_image()),
        json!({"repository": repo, "tag": "v1"}),
    )
    .await
    .expect(200);
    let body = app
        .post_empty(&format!("/api/images/{reference}/push"))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "pushed");
    assert!(
        body["result"]["digest"]
            .as_str()
            .unwrap_or_default()
            .starts_with("sha256:")
    );
    let tags = registry_tags(&format!("berth-test/{name}")).await;
    assert_eq!(
        tags["tags"],
        json!(["v1"]),
        "the registry holds the pushed tag"
    );

    app.delete(&format!("/api/images/{reference}/remove"))
        .await
        .expect(200);
    assert!(image_id(&app, &reference).await.is_none());
    app.post("/api/images/pull", json!({"image": reference}))
        .await
        .expect(200);
    assert_eq!(
        image_id(&app, &reference).await,
        image_id(&app, &test_image()).await
    );
}

#[tokio::test]
async fn save_then_load_round_trips_an_image() {
    let app = TestApp::spawn().await;
    let repo = unique("saved");
    let reference = format!("{repo}:v1");
    let _guard = tag_test_image(&app, &repo, "v1").await;
    let response = app
        .http
        .get(format!("{}/api/images/{reference}/save", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-tar");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let archive = response.bytes().await.unwrap().to_vec();
    assert!(archive.len() > 1024);

    app.delete(&format!("/api/images/{reference}/remove"))
        .await
        .expect(200);
    assert!(image_id(&app, &reference).await.is_none());
    let body = app
        .request(
            Method::POST,
            "/api/images/load",
            Some(("application/x-tar", archive)),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "loaded");
    assert!(
        body["result"]["images"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == reference.as_str()),
        "{body}"
    );
    assert!(image_id(&app, &reference).await.is_some(), "loaded back");

    let message = app
        .request(
            Method::POST,
            "/api/images/load",
            Some(("application/x-tar", b"not a tar".to_vec())),
        )
        .await
        .expect_error(400);
    assert!(!message.is_empty());
    app.get(&format!("/api/images/{}:latest/save", unique("ghost")))
        .await
        .expect_error(404);
}

#[tokio::test]
async fn unknown_image_actions_get_json_errors() {
    let app = TestApp::spawn().await;
    let image = test_image();
    app.post_empty(&format!("/api/images/{image}/remove"))
        .await
        .expect_error(405);
    app.delete(&format!("/api/images/{image}"))
        .await
        .expect_error(405);
    app.request(Method::PUT, &format!("/api/images/{image}"), None)
        .await
        .expect_error(405);
    app.get("/api/images/pull").await.expect_error(405);
    app.get("/api/images/Bad%20Name").await.expect_error(400);
    assert!(image_id(&app, &image).await.is_some());
}

#[tokio::test]
async fn commands_list_the_documented_image_paths() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/commands").await.expect(200);
    let images: Vec<&str> = body["commands"]["images"]
        .as_array()
        .expect("an images group")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for route in [
        "GET /api/images -",
        "GET /api/images/{image_id} -",
        "POST /api/images/pull -",
        "DELETE /api/images/{image_id}/remove -",
        "POST /api/images/build -",
        "GET /api/images/search -",
        "POST /api/images/prune -",
        "POST /api/images/{image_id}/tag -",
        "POST /api/images/{image_id}/push -",
        "GET /api/images/{image_id}/save -",
        "POST /api/images/load -",
        "GET /api/images/{image_id}/history -",
    ] {
        assert!(
            images.iter().any(|c| c.starts_with(route)),
            "{route} missing: {images:?}"
        );
    }
    assert!(!images.iter().any(|c| c.contains('*')), "{images:?}");
}

#[tokio::test]
async fn prune_refuses_a_malformed_or_unknown_body_before_removing_anything() {
    if !on_private_engine("prune_refuses_a_malformed_or_unknown_body_before_removing_anything") {
        return;
    }
    // Were the body ignored, this would be a global prune: keep the other pruning tests out.
    let _exclusive = PRUNE_GUARD.write().await;
    let app = TestApp::spawn().await;
    for (body, expected) in [
        ("{garbage", "Malformed JSON body"),
        (
            r#"{"dangling_only": false}"#,
            "Unknown field 'dangling_only' in request body",
        ),
    ] {
        let message = app
            .post_text("/api/images/prune", body)
            .await
            .expect_error(400);
        assert!(message.starts_with(expected), "{body}: {message}");
    }
}
