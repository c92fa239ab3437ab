//! The console's server functions (`/rpc/...`): a failure answers with the error's own HTTP status, so the
//! browser can tell "not found" from "daemon down"; pages rendered on the server keep their 200 and show it.

use app::docker::DockerEndpoint;
use reqwest::Method;

use crate::helpers::*;

/// Calls a server function with a form-encoded body, as the console's client does.
async fn call(app: &TestApp, endpoint: &str, form: &str) -> Reply {
    app.request(
        Method::POST,
        &format!("/rpc/{endpoint}"),
        Some((
            "application/x-www-form-urlencoded",
            form.as_bytes().to_vec(),
        )),
    )
    .await
}

#[tokio::test]
async fn a_server_function_answers_an_unknown_container_with_404() {
    let app = TestApp::spawn().await;
    let missing = unique("missing");
    let reply = call(&app, "containers/start", &format!("id={missing}")).await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.body);
    let message = reply.body["NotFound"].as_str().unwrap_or_default();
    assert!(message.contains(&missing), "{}", reply.body);
}

#[tokio::test]
async fn a_server_function_answers_a_container_in_use_with_409() {
    let app = TestApp::spawn().await;
    let volume = unique("rpc-busy-vol");
    let _volume = Cleanup::volume(&volume);
    let _container = app
        .create_container(serde_json::json!({
            "image": test_image(),
            "name": unique("rpc-busy"),
            "volumes": {volume.clone(): {"bind": "/data", "mode": "rw"}},
        }))
        .await;
    let reply = call(&app, "volumes/remove", &format!("name={volume}")).await;
    assert_eq!(reply.status.as_u16(), 409, "{}", reply.body);
    assert!(reply.body["Conflict"].is_string(), "{}", reply.body);
}

#[tokio::test]
async fn server_functions_answer_503_and_pages_200_while_the_daemon_is_unreachable() {
    let dir = std::env::temp_dir().join(unique("rpc-socket"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let app = TestApp::spawn_with(
        DockerEndpoint::Host(format!("unix://{}", dir.join("docker.sock").display())),
        |_| {},
    )
    .await;
    let reply = call(&app, "containers/list", "all=true").await;
    assert_eq!(reply.status.as_u16(), 503, "{}", reply.body);
    assert_eq!(reply.body, serde_json::json!("DaemonUnavailable"));

    let page = app
        .http
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Docker engine unreachable") && html.contains("role=\"alert\""),
        "the banner is in the first paint"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_dashboard_function_brings_counts_host_facts_and_an_event_of_a_moment_ago() {
    let app = TestApp::spawn().await;
    let name = unique("rpc-dashboard");
    let _container = app
        .create_container(serde_json::json!({"image": test_image(), "name": name}))
        .await;
    let reply = call(&app, "system/dashboard", "").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let dashboard = &reply.body;
    assert!(dashboard["version"]["version"].is_string(), "{dashboard}");
    assert!(
        dashboard["info"]["ncpu"].as_i64().unwrap_or(0) >= 1,
        "{dashboard}"
    );
    assert!(
        dashboard["info"]["kernel_version"].is_string(),
        "{dashboard}"
    );
    let total = dashboard["statistics"]["containers"]["total"].as_i64();
    assert!(total.unwrap_or(0) >= 1, "{dashboard}");
    assert!(dashboard["statistics"]["disk"]["total_reclaimable"].is_string());
    let events = dashboard["recent_events"].as_array().expect("events");
    assert!(
        events
            .iter()
            .any(|event| event["name"] == name.as_str() && event["action"] == "create"),
        "the create of a moment ago is among the recent events: {events:?}"
    );
    let times: Vec<i64> = events
        .iter()
        .filter_map(|event| event["time_nano"].as_i64())
        .collect();
    assert!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first"
    );
}

#[tokio::test]
async fn the_recent_events_function_narrows_by_type_and_action() {
    let app = TestApp::spawn().await;
    let volume = unique("rpc-events-vol");
    let _volume = Cleanup::volume(&volume);
    app.post("/api/volumes", serde_json::json!({"name": volume}))
        .await
        .expect(201);
    let reply = call(&app, "events/recent", "kind=volume&action=create&limit=500").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let events = reply.body.as_array().expect("a list");
    assert!(events.iter().any(|event| event["name"] == volume.as_str()));
    assert!(
        events
            .iter()
            .all(|event| event["type"] == "volume" && event["action"] == "create"),
        "{events:?}"
    );
    let refused = call(&app, "events/recent", "kind=swarm&action=&limit=5").await;
    assert_eq!(refused.status.as_u16(), 400, "{}", refused.body);
}

#[tokio::test]
async fn the_container_page_functions_read_details_raw_inspect_and_processes() {
    let app = TestApp::spawn().await;
    let name = unique("rpc-details");
    let _container = app
        .create_container(serde_json::json!({
            "image": test_image(), "name": name, "command": ["sleep", "300"], "labels": {"berth.rpc": "1"}
        }))
        .await;
    let details = call(&app, "containers/details", &format!("id={name}")).await;
    assert_eq!(details.status.as_u16(), 200, "{}", details.body);
    assert_eq!(details.body["name"], name.as_str());
    assert_eq!(details.body["labels"]["berth.rpc"], "1");

    let inspect = call(&app, "containers/inspect", &format!("id={name}")).await;
    assert_eq!(inspect.status.as_u16(), 200, "{}", inspect.body);
    let text = inspect.body.as_str().expect("pretty JSON text");
    assert!(text.contains('\n'), "pretty-printed");
    let document: serde_json::Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(document["Name"], format!("/{name}"));

    let stopped = call(&app, "containers/top", &format!("id={name}")).await;
    assert_eq!(stopped.status.as_u16(), 409, "{}", stopped.body);
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let top = call(&app, "containers/top", &format!("id={name}")).await;
    assert_eq!(top.status.as_u16(), 200, "{}", top.body);
    assert!(
        top.body["processes"].to_string().contains("sleep"),
        "{}",
        top.body
    );
}

#[tokio::test]
async fn restart_and_forced_remove_work_from_the_console_functions() {
    let app = TestApp::spawn().await;
    let name = unique("rpc-remove");
    let _container = app.running_container(&name).await;
    let restarted = call(&app, "containers/restart", &format!("id={name}")).await;
    assert_eq!(restarted.status.as_u16(), 200, "{}", restarted.body);
    assert_eq!(restarted.body["status"], "restarted");
    let refused = call(&app, "containers/remove", &format!("id={name}&force=false")).await;
    assert_eq!(refused.status.as_u16(), 409, "{}", refused.body);
    let removed = call(&app, "containers/remove", &format!("id={name}&force=true")).await;
    assert_eq!(removed.status.as_u16(), 200, "{}", removed.body);
    app.get(&format!("/api/containers/{name}"))
        .await
        .expect_error(404);
}

/// Calls a server function that takes JSON, as the console's client does for the create and prune forms.
async fn call_json(app: &TestApp, endpoint: &str, body: serde_json::Value) -> Reply {
    app.request(
        Method::POST,
        &format!("/rpc/{endpoint}"),
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

#[tokio::test]
async fn the_volume_prune_preview_lists_an_unused_volume_but_not_a_used_one_and_removes_nothing() {
    let app = TestApp::spawn().await;
    let unused = unique("rpc-preview-free");
    let used = unique("rpc-preview-used");
    let _unused = Cleanup::volume(&unused);
    let _used = Cleanup::volume(&used);
    call_json(
        &app,
        "volumes/create",
        serde_json::json!({"request": {"name": unused, "labels": {"berth-test": "preview"}}}),
    )
    .await
    .expect(200);
    let _container = app
        .create_container(serde_json::json!({
            "image": test_image(),
            "name": unique("rpc-preview-user"),
            "volumes": {used.clone(): {"bind": "/data", "mode": "rw"}},
        }))
        .await;
    let reply = call_json(&app, "volumes/prune-preview", serde_json::json!({})).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let names: Vec<&str> = reply
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|volume| volume["name"].as_str())
        .collect();
    assert!(names.contains(&unused.as_str()), "{names:?}");
    assert!(!names.contains(&used.as_str()), "{names:?}");
    app.get(&format!("/api/volumes/{unused}")).await.expect(200);
}

#[tokio::test]
async fn a_network_made_by_its_function_gets_a_container_connected_with_an_alias_then_disconnected()
{
    let app = TestApp::spawn().await;
    let network = unique("rpc-net");
    let container = unique("rpc-net-box");
    let _network = Cleanup::network(&network);
    call_json(
        &app,
        "networks/create",
        serde_json::json!({"request": {"name": network, "attachable": true}}),
    )
    .await
    .expect(200);
    let _container = app.running_container(&container).await;
    call_json(
        &app,
        "networks/connect",
        serde_json::json!({"id": network, "request": {"container": container, "aliases": ["rpc-alias"]}}),
    )
    .await
    .expect(200);
    let details = call(&app, "networks/details", &format!("id={network}")).await;
    assert_eq!(details.status.as_u16(), 200, "{}", details.body);
    let endpoint = &details.body["containers"][0];
    assert_eq!(
        endpoint["name"],
        serde_json::json!(container),
        "{}",
        details.body
    );
    assert!(
        endpoint["aliases"].to_string().contains("rpc-alias"),
        "{}",
        details.body
    );
    call_json(
        &app,
        "networks/disconnect",
        serde_json::json!({"id": network, "request": {"container": container}}),
    )
    .await
    .expect(200);
    let after = call(&app, "networks/details", &format!("id={network}")).await;
    assert_eq!(
        after.body["containers"],
        serde_json::json!([]),
        "{}",
        after.body
    );
}

#[tokio::test]
async fn the_image_functions_count_users_name_them_on_the_page_and_preview_what_a_prune_removes() {
    let app = TestApp::spawn().await;
    let name = unique("rpc-image-user");
    let _container = app
        .create_container(serde_json::json!({"image": test_image(), "name": name}))
        .await;
    let image = test_image();

    let listed = call(&app, "images/list", "").await;
    assert_eq!(listed.status.as_u16(), 200, "{}", listed.body);
    let row = listed
        .body
        .as_array()
        .and_then(|rows| {
            rows.iter().find(|row| {
                row["tags"]
                    .as_array()
                    .is_some_and(|tags| tags.iter().any(|tag| tag == image.as_str()))
            })
        })
        .cloned()
        .unwrap_or_default();
    assert!(row["containers"].as_i64().unwrap_or(0) >= 1, "{row}");

    let page = call(&app, "images/details", &format!("reference={image}")).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    let users: Vec<&str> = page.body["containers"]
        .as_array()
        .map(|names| names.iter().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default();
    assert!(users.contains(&name.as_str()), "{}", page.body);
    assert!(
        page.body["details"]["history"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );

    let missing = call(
        &app,
        "images/details",
        &format!("reference={}", unique("no-image")),
    )
    .await;
    assert_eq!(missing.status.as_u16(), 404, "{}", missing.body);

    for dangling_only in [true, false] {
        let preview = call(
            &app,
            "images/prune-preview",
            &format!("dangling_only={dangling_only}"),
        )
        .await;
        assert_eq!(preview.status.as_u16(), 200, "{}", preview.body);
        let images = preview.body["images"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            images.iter().all(|image| image["containers"] == 0),
            "an image in use is never pruned: {}",
            preview.body
        );
        if dangling_only {
            assert!(
                images
                    .iter()
                    .all(|image| image["tags"].as_array().is_some_and(Vec::is_empty))
            );
        }
        let sizes: i64 = images
            .iter()
            .filter_map(|image| image["size_bytes"].as_i64())
            .sum();
        assert_eq!(preview.body["space_bytes"], sizes);
    }
}
