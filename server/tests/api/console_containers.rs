//! The console's container functions against the real engine: create (and start) from the form, rename,
//! recreate with another image, and bulk actions with one outcome per container.

use reqwest::Method;
use serde_json::{Value, json};

use app::ui::container_details::logs::encode_query_value;

use crate::helpers::*;

/// Calls a server function that takes a JSON body (create, bulk).
async fn call_json(app: &TestApp, endpoint: &str, body: Value) -> Reply {
    app.post(&format!("/rpc/{endpoint}"), body).await
}

/// Calls a server function with a form-encoded body, as the console's client does.
async fn call_form(app: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> Reply {
    let body = form
        .iter()
        .map(|(key, value)| format!("{key}={}", encode_query_value(value)))
        .collect::<Vec<_>>()
        .join("&");
    app.request(
        Method::POST,
        &format!("/rpc/{endpoint}"),
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
    )
    .await
}

/// Asserts that no container is named `name` (any more).
async fn assert_no_container(app: &TestApp, name: &str) {
    app.get(&format!("/api/containers/{name}"))
        .await
        .expect_error(404);
}

async fn state_of(app: &TestApp, name: &str) -> String {
    let body = app
        .get(&format!("/api/containers/{name}"))
        .await
        .expect(200);
    body["container"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_form_s_create_makes_and_starts_a_container_with_its_ports_env_and_volume() {
    let app = TestApp::spawn().await;
    let name = unique("form");
    let volume = unique("form-vol");
    let _guard = Cleanup::container(&name);
    let _volume = Cleanup::volume(&volume);
    let reply = call_json(
        &app,
        "containers/create",
        json!({
            "request": {
                "image": test_image(),
                "name": name,
                "command": "sh -c 'echo ready; sleep 300'",
                "ports": {"80/tcp": null},
                "environment": ["GREETING=hello world"],
                "volumes": [format!("{volume}:/data")],
            },
            "start": true,
        }),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["status"], "started", "{}", reply.body);
    let details = app
        .get(&format!("/api/containers/{name}"))
        .await
        .expect(200);
    let container = &details["container"];
    assert_eq!(container["status"], "running");
    assert!(
        container["environment"]
            .as_array()
            .is_some_and(|env| env.iter().any(|line| line == "GREETING=hello world")),
        "{container}"
    );
    assert_eq!(container["mounts"][0]["destination"], "/data");
}

#[tokio::test]
async fn a_created_container_that_cannot_start_is_removed_again() {
    let app = TestApp::spawn().await;
    let name = unique("no-start");
    let _guard = Cleanup::container(&name);
    let reply = call_json(
        &app,
        "containers/create",
        json!({
            "request": {"image": test_image(), "name": name, "command": ["/no/such/program"]},
            "start": true,
        }),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.body);
    assert!(
        reply.body["BadRequest"]
            .as_str()
            .is_some_and(|m| m.contains(&name) && m.contains("/no/such/program")),
        "{}",
        reply.body
    );
    assert_no_container(&app, &name).await;
}

#[tokio::test]
async fn a_form_create_the_server_refuses_answers_400_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let name = unique("bad-port");
    let reply = call_json(
        &app,
        "containers/create",
        json!({
            "request": {"image": test_image(), "name": name, "ports": {"80/tcp": "99999"}},
            "start": false,
        }),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.body);
    assert!(
        reply.body["BadRequest"]
            .as_str()
            .is_some_and(|m| m.contains("Invalid host port '99999'")),
        "{}",
        reply.body
    );
    assert_no_container(&app, &name).await;
}

#[tokio::test]
async fn rename_from_the_console_gives_the_container_its_new_name() {
    let app = TestApp::spawn().await;
    let guard = app
        .create_container(json!({"image": test_image(), "name": unique("rename")}))
        .await;
    let renamed = unique("renamed");
    let _renamed = Cleanup::container(&renamed);
    let reply = call_form(
        &app,
        "containers/rename",
        &[("id", &guard.name), ("name", &renamed)],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["name"], renamed.as_str());
    app.get(&format!("/api/containers/{renamed}"))
        .await
        .expect(200);
}

#[tokio::test]
async fn recreate_with_another_image_keeps_the_name_config_and_running_state() {
    let app = TestApp::spawn().await;
    let tag = format!(
        "berth-test/recreate:{}",
        unique("tag").replace("berth-test-", "")
    );
    let _image = Cleanup::image(&tag);
    let (repo, version) = tag.split_once(':').expect("tag");
    app.docker
        .tag_image(
            &test_image(),
            Some(
                bollard::query_parameters::TagImageOptionsBuilder::default()
                    .repo(repo)
                    .tag(version)
                    .build(),
            ),
        )
        .await
        .expect("tag");
    let name = unique("recreate");
    let guard = app
        .create_container(json!({
            "image": test_image(),
            "name": name,
            "environment": {"KEEP": "me"},
            "labels": {"team": "web"},
            "restart_policy": "unless-stopped",
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let old_id = app
        .docker
        .inspect_container(&name, None)
        .await
        .expect("old")
        .id;

    let reply = call_form(
        &app,
        "containers/recreate",
        &[("id", &name), ("image", &tag)],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["name"], guard.name.as_str());
    let details = app
        .get(&format!("/api/containers/{name}"))
        .await
        .expect(200);
    let container = &details["container"];
    assert_eq!(container["image"], tag.as_str());
    assert_eq!(container["status"], "running");
    assert_eq!(container["labels"]["team"], "web");
    assert_eq!(container["restart_policy"]["name"], "unless-stopped");
    assert!(
        container["environment"]
            .as_array()
            .is_some_and(|env| env.iter().any(|line| line == "KEEP=me")),
        "{container}"
    );
    assert_ne!(container["id"].as_str(), old_id.as_deref());
    let old = app
        .docker
        .inspect_container(old_id.as_deref().unwrap_or_default(), None)
        .await;
    assert!(old.is_err(), "the replaced container is gone");
}

#[tokio::test]
async fn a_recreate_with_a_missing_image_leaves_the_old_container_as_it_was() {
    let app = TestApp::spawn().await;
    let guard = app.running_container(&unique("recreate-missing")).await;
    let before = app
        .docker
        .inspect_container(&guard.name, None)
        .await
        .expect("before");
    let missing = format!("berth-test/missing:{}", std::process::id());
    let reply = call_form(
        &app,
        "containers/recreate",
        &[("id", &guard.name), ("image", &missing)],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.body);
    let after = app
        .docker
        .inspect_container(&guard.name, None)
        .await
        .expect("after");
    assert_eq!(after.id, before.id);
    assert_eq!(state_of(&app, &guard.name).await, "running");
}

#[tokio::test]
async fn a_bulk_stop_answers_one_outcome_per_container_and_names_the_missing_one() {
    let app = TestApp::spawn().await;
    let first = app.running_container(&unique("bulk-a")).await;
    let second = app.running_container(&unique("bulk-b")).await;
    let missing = unique("bulk-missing");
    let reply = call_json(
        &app,
        "containers/bulk",
        json!({"action": "stop", "ids": [first.name, second.name, missing]}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let outcomes = reply.body["outcomes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(outcomes.len(), 3, "{}", reply.body);
    assert_eq!(outcomes[0]["succeeded"], true);
    assert_eq!(outcomes[1]["succeeded"], true);
    assert_eq!(outcomes[2]["succeeded"], false);
    assert!(
        outcomes[2]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&missing) && m.contains("not found")),
        "{}",
        reply.body
    );
    assert_eq!(state_of(&app, &first.name).await, "exited");
    assert_eq!(state_of(&app, &second.name).await, "exited");

    let removed = call_json(
        &app,
        "containers/bulk-remove",
        json!({"ids": [first.name, second.name]}),
    )
    .await;
    assert_eq!(removed.status.as_u16(), 200, "{}", removed.body);
    for name in [&first.name, &second.name] {
        assert_no_container(&app, name).await;
    }
}

#[tokio::test]
async fn bulk_remove_takes_running_containers_by_force_and_the_operator_function_refuses_it() {
    let app = TestApp::spawn().await;
    let running = app.running_container(&unique("bulk-rm")).await;
    let refused = call_json(
        &app,
        "containers/bulk",
        json!({"action": "remove", "ids": [running.name]}),
    )
    .await;
    assert_eq!(refused.status.as_u16(), 400, "{}", refused.body);
    assert_eq!(state_of(&app, &running.name).await, "running");
    let reply = call_json(
        &app,
        "containers/bulk-remove",
        json!({"ids": [running.name]}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(
        reply.body["outcomes"][0]["succeeded"], true,
        "{}",
        reply.body
    );
    assert_no_container(&app, &running.name).await;
}

#[tokio::test]
async fn a_bulk_action_without_containers_is_a_400() {
    let app = TestApp::spawn().await;
    let reply = call_json(
        &app,
        "containers/bulk",
        json!({"action": "start", "ids": []}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.body);
}

#[tokio::test]
async fn each_page_s_first_paint_carries_its_own_title() {
    let app = TestApp::spawn().await;
    let name = unique("titled");
    let _guard = app.running_container(&name).await;
    for (path, title) in [
        ("/".to_string(), "Dashboard · Berth".to_string()),
        ("/containers".to_string(), "Containers · Berth".to_string()),
        (
            "/containers/new".to_string(),
            "New container · Berth".to_string(),
        ),
        (
            format!("/containers/{name}"),
            format!("{name} · Containers · Berth"),
        ),
        ("/volumes".to_string(), "Volumes · Berth".to_string()),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status.as_u16(), 200, "{path}");
        assert!(
            page.text.contains(&format!("<title>{title}</title>")),
            "{path} should be titled {title}: {}",
            &page.text[..page.text.len().min(600)]
        );
    }
}

#[tokio::test]
async fn checkboxes_on_by_default_are_checked_in_the_first_paint() {
    let app = TestApp::spawn().await;
    for (path, id) in [
        ("/containers", "show-all"),
        ("/containers/new", "create-start"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status.as_u16(), 200, "{path}");
        let input = page
            .text
            .split("<input")
            .find(|tag| tag.contains(&format!("id=\"{id}\"")))
            .unwrap_or_else(|| panic!("{path}: no input #{id}"));
        let tag = input.split('>').next().unwrap_or_default();
        assert!(
            tag.contains(" checked"),
            "{path}: #{id} is not checked: <input{tag}>"
        );
    }
}

#[tokio::test]
async fn the_page_of_a_missing_container_or_image_answers_404_with_its_banner() {
    let app = TestApp::spawn().await;
    let missing = unique("no-such");
    for path in [
        format!("/containers/{missing}"),
        format!("/images/{missing}:1"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status.as_u16(), 404, "{path}");
        assert!(
            page.content_type.starts_with("text/html"),
            "{path}: {}",
            page.content_type
        );
        assert!(
            page.text.contains("role=\"alert\"") && page.text.contains("not found"),
            "{path}: the banner is in the first paint"
        );
    }
}
