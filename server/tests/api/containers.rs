//! `/api/containers` routes against the real daemon: every route's real effect.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;

async fn running_container(app: &TestApp, prefix: &str) -> Cleanup {
    app.running_container(&unique(prefix)).await
}

async fn state_of(app: &TestApp, name: &str) -> String {
    let inspect = app
        .docker
        .inspect_container(name, None)
        .await
        .expect("container exists");
    inspect
        .state
        .and_then(|s| s.status)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn create_applies_ports_environment_mounts_and_labels() {
    let app = TestApp::spawn().await;
    let name = unique("create");
    let volume = unique("vol");
    let _volume_guard = Cleanup::volume(&volume);
    let dir = std::env::temp_dir().join(unique("bind"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let host_dir = dir.to_string_lossy().to_string();
    let reply = app
        .post(
            "/api/containers",
            json!({
                "image": test_image(),
                "name": name,
                "ports": {"80/tcp": 0, "53/udp": null, "8081": "127.0.0.1:0"},
                "environment": ["ENV_VAR=value", "SECOND=2"],
                "volumes": {
                    host_dir.clone(): {"bind": "/host", "mode": "ro"},
                    volume.clone(): {"bind": "/data", "mode": "rw"}
                },
                "labels": {"team": "berth"},
                "command": "sh -c 'echo hello; sleep 30'",
                "working_dir": "/tmp",
                "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2},
                "memory": "64m",
                "detach": true
            }),
        )
        .await;
    let _guard = Cleanup::container(&name);
    let body = reply.expect(201);
    assert_eq!(body["success"], true);
    assert_eq!(body["result"]["status"], "created");
    assert_eq!(body["result"]["name"], name.as_str());
    assert_eq!(
        body["result"]["container_id"].as_str().map(str::len),
        Some(64)
    );

    let inspect = app
        .docker
        .inspect_container(&name, None)
        .await
        .expect("created");
    let config = inspect.config.expect("config");
    let env = config.env.expect("env");
    assert!(env.contains(&"ENV_VAR=value".to_string()));
    assert!(env.contains(&"SECOND=2".to_string()));
    assert_eq!(config.labels.expect("labels")["team"], "berth");
    assert_eq!(config.working_dir.as_deref(), Some("/tmp"));
    assert_eq!(
        config.cmd.expect("cmd"),
        vec!["sh", "-c", "echo hello; sleep 30"]
    );
    let host = inspect.host_config.expect("host config");
    let bindings = host.port_bindings.expect("port bindings");
    assert!(bindings.contains_key("80/tcp"));
    assert_eq!(
        bindings["8081/tcp"].as_ref().expect("binding")[0]
            .host_ip
            .as_deref(),
        Some("127.0.0.1")
    );
    let mut binds = host.binds.expect("binds");
    binds.sort();
    assert!(binds.contains(&format!("{host_dir}:/host:ro")));
    assert!(binds.contains(&format!("{volume}:/data:rw")));
    assert_eq!(host.memory, Some(64 << 20));
    assert_eq!(
        host.restart_policy.expect("policy").maximum_retry_count,
        Some(2)
    );
    assert_eq!(state_of(&app, &name).await, "created");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn published_port_really_serves_after_start() {
    let app = TestApp::spawn().await;
    let name = unique("httpd");
    let _guard = app
        .create_container(json!({
            "image": test_image(),
            "name": name,
            "ports": {"80/tcp": ["127.0.0.1", 0]},
            "command": ["sh", "-c", "echo served-by-berth > /index.html; httpd -f -p 80 -h /"]
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let details = app
        .get(&format!("/api/containers/{name}"))
        .await
        .expect(200);
    let port = details["container"]["ports"]["80/tcp"][0]["HostPort"]
        .as_str()
        .expect("published port")
        .to_string();
    let mut body = String::new();
    for _ in 0..50 {
        if let Ok(reply) = reqwest::get(format!("http://127.0.0.1:{port}/index.html")).await {
            body = reply.text().await.unwrap_or_default();
            if body.contains("served-by-berth") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(body.contains("served-by-berth"), "got {body:?}");
}

#[tokio::test]
async fn list_shows_running_by_default_and_all_with_the_flag() {
    let app = TestApp::spawn().await;
    let running = running_container(&app, "list-run").await;
    let stopped_name = unique("list-stopped");
    let _stopped = app
        .create_container(
            json!({"image": test_image(), "name": stopped_name, "labels": {"k": "v"}}),
        )
        .await;

    let body = app.get("/api/containers").await.expect(200);
    let names: Vec<&str> = body["containers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&running.name.as_str()));
    assert!(!names.contains(&stopped_name.as_str()));
    assert_eq!(body["count"].as_u64(), Some(names.len() as u64));

    for flag in ["true", "1", "TRUE"] {
        let body = app
            .get(&format!("/api/containers?all={flag}"))
            .await
            .expect(200);
        let item = body["containers"]
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["name"] == stopped_name.as_str())
            .cloned()
            .expect("stopped container listed with all");
        assert_eq!(item["status"], "created");
        assert_eq!(item["id"].as_str().map(str::len), Some(12));
        assert_eq!(item["image"], test_image().as_str());
        assert_eq!(item["labels"]["k"], "v");
        assert!(item["created"].as_str().expect("created").ends_with('Z'));
    }
}

#[tokio::test]
async fn details_report_state_config_and_networks() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "details").await;
    let body = app
        .get(&format!("/api/containers/{}", guard.name))
        .await
        .expect(200);
    let container = &body["container"];
    assert_eq!(container["name"], guard.name.as_str());
    assert_eq!(container["status"], "running");
    assert_eq!(container["id"].as_str().map(str::len), Some(64));
    assert!(container["networks"]["bridge"]["ip_address"].is_string());
    assert_eq!(container["restart_policy"]["name"], "no");

    let short = &container["id"].as_str().expect("id")[..12];
    let by_prefix = app
        .get(&format!("/api/containers/{short}"))
        .await
        .expect(200);
    assert_eq!(by_prefix["container"]["name"], guard.name.as_str());

    let raw = app
        .get(&format!("/api/containers/{}/inspect", guard.name))
        .await
        .expect(200);
    assert_eq!(raw["inspect"]["Name"], format!("/{}", guard.name).as_str());
    assert_eq!(raw["inspect"]["State"]["Running"], true);
}

#[tokio::test]
async fn stop_start_and_restart_really_change_the_state() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "lifecycle").await;
    let name = guard.name.clone();
    assert_eq!(state_of(&app, &name).await, "running");

    let body = app
        .post_empty(&format!("/api/containers/{name}/stop"))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "stopped");
    assert_eq!(state_of(&app, &name).await, "exited");

    let again = app
        .post_empty(&format!("/api/containers/{name}/stop"))
        .await
        .expect(200);
    assert!(
        again["result"]["message"]
            .as_str()
            .expect("message")
            .contains("already")
    );

    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &name).await, "running");
    let before = app
        .docker
        .inspect_container(&name, None)
        .await
        .expect("inspect")
        .state
        .and_then(|s| s.started_at);

    let body = app
        .post(
            &format!("/api/containers/{name}/restart"),
            json!({"timeout": 1}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "restarted");
    let after = app
        .docker
        .inspect_container(&name, None)
        .await
        .expect("inspect")
        .state
        .and_then(|s| s.started_at);
    assert_eq!(state_of(&app, &name).await, "running");
    assert_ne!(before, after, "restart must start the container anew");

    let body = app
        .post(
            &format!("/api/containers/{name}/stop"),
            json!({"timeout": 0}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "stopped");
    assert_eq!(state_of(&app, &name).await, "exited");
}

#[tokio::test]
async fn stop_accepts_no_body_without_content_type() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "nobody").await;
    let reply = app
        .request(
            reqwest::Method::POST,
            &format!("/api/containers/{}/stop", guard.name),
            None,
        )
        .await;
    reply.expect(200);
    assert_eq!(state_of(&app, &guard.name).await, "exited");
}

#[tokio::test]
async fn remove_refuses_a_running_container_without_force() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "remove").await;
    let message = app
        .delete(&format!("/api/containers/{}/remove", guard.name))
        .await
        .expect_error(409);
    assert!(message.contains(&guard.name), "{message}");
    assert_eq!(state_of(&app, &guard.name).await, "running");

    let body = app
        .delete(&format!("/api/containers/{}/remove?force=true", guard.name))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "removed");
    assert!(
        app.docker
            .inspect_container(&guard.name, None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn remove_deletes_a_stopped_container() {
    let app = TestApp::spawn().await;
    let name = unique("rm-stopped");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    app.delete(&format!("/api/containers/{name}/remove"))
        .await
        .expect(200);
    assert!(app.docker.inspect_container(&name, None).await.is_err());
}

#[tokio::test]
async fn logs_return_the_last_lines_printed() {
    let app = TestApp::spawn().await;
    let name = unique("logs");
    let _guard = app
        .create_container(json!({
            "image": test_image(),
            "name": name,
            "command": ["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo line-$i; done; echo to-stderr >&2"]
        }))
        .await;
    app.post_empty(&format!("/api/containers/{name}/start"))
        .await
        .expect(200);
    let mut logs = String::new();
    for _ in 0..50 {
        let body = app
            .get(&format!("/api/containers/{name}/logs?tail=all"))
            .await
            .expect(200);
        logs = body["logs"]["logs"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if logs.contains("to-stderr") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        logs.contains("line-1\n") && logs.contains("to-stderr"),
        "{logs}"
    );

    let body = app
        .get(&format!("/api/containers/{name}/logs?tail=3"))
        .await
        .expect(200);
    let tail = body["logs"]["logs"].as_str().expect("logs");
    let lines: Vec<&str> = tail.lines().collect();
    assert_eq!(lines.len(), 3, "{tail}");
    assert!(lines.contains(&"line-10"));
    assert!(!tail.contains("line-7"));
    assert_eq!(body["logs"]["tail"], 3);
    assert_eq!(body["logs"]["name"], name.as_str());
    assert!(body["logs"]["timestamp"].is_string());
}

#[tokio::test]
async fn kill_pause_unpause_and_rename_act_on_the_daemon() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "kpr").await;
    let name = guard.name.clone();

    app.post_empty(&format!("/api/containers/{name}/pause"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &name).await, "paused");
    app.post_empty(&format!("/api/containers/{name}/pause"))
        .await
        .expect_error(409);
    app.post_empty(&format!("/api/containers/{name}/unpause"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &name).await, "running");

    let renamed = unique("renamed");
    let _renamed_guard = Cleanup::container(&renamed);
    let body = app
        .post(
            &format!("/api/containers/{name}/rename"),
            json!({"name": renamed}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["name"], renamed.as_str());
    assert!(app.docker.inspect_container(&renamed, None).await.is_ok());

    let body = app
        .post(
            &format!("/api/containers/{renamed}/kill"),
            json!({"signal": "SIGKILL"}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "killed");
    assert_eq!(state_of(&app, &renamed).await, "exited");
    app.post(&format!("/api/containers/{renamed}/kill"), json!({}))
        .await
        .expect_error(409);
}

#[tokio::test]
async fn top_and_stats_describe_a_running_container() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "top").await;
    let body = app
        .get(&format!("/api/containers/{}/top", guard.name))
        .await
        .expect(200);
    let processes = body["processes"]["processes"].as_array().expect("rows");
    assert!(!processes.is_empty());
    assert!(
        body["processes"]["titles"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );

    let body = app
        .get(&format!("/api/containers/{}/stats", guard.name))
        .await
        .expect(200);
    let stats = &body["stats"];
    assert!(stats["memory_usage"].as_u64().is_some());
    assert!(stats["pids"].as_u64().is_some_and(|p| p >= 1), "{stats}");

    app.post(
        &format!("/api/containers/{}/stop", guard.name),
        json!({"timeout": 0}),
    )
    .await
    .expect(200);
    app.get(&format!("/api/containers/{}/top", guard.name))
        .await
        .expect_error(409);
}

#[tokio::test]
async fn create_with_a_taken_name_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let name = unique("dup");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let message = app
        .post(
            "/api/containers",
            json!({"image": test_image(), "name": name}),
        )
        .await
        .expect_error(409);
    assert!(message.contains(&name), "{message}");
}

#[tokio::test]
async fn create_with_an_unknown_image_is_404_and_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let name = unique("noimage");
    let message = app
        .post(
            "/api/containers",
            json!({"image": "berth-test/does-not-exist:1", "name": name}),
        )
        .await
        .expect_error(404);
    assert!(message.contains("berth-test/does-not-exist:1"), "{message}");
    assert!(app.docker.inspect_container(&name, None).await.is_err());
}

#[tokio::test]
async fn unknown_containers_are_404_naming_them_on_every_route() {
    let app = TestApp::spawn().await;
    let ghost = unique("ghost");
    let cases: Vec<(reqwest::Method, String)> = vec![
        (reqwest::Method::GET, format!("/api/containers/{ghost}")),
        (
            reqwest::Method::GET,
            format!("/api/containers/{ghost}/inspect"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/start"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/stop"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/restart"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/kill"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/pause"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{ghost}/unpause"),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/containers/{ghost}/remove"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/containers/{ghost}/logs"),
        ),
        (reqwest::Method::GET, format!("/api/containers/{ghost}/top")),
        (
            reqwest::Method::GET,
            format!("/api/containers/{ghost}/stats"),
        ),
    ];
    for (method, path) in cases {
        let message = app
            .request(method.clone(), &path, None)
            .await
            .expect_error(404);
        assert_eq!(
            message,
            format!("Container '{ghost}' not found"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn invalid_create_bodies_are_400_with_the_field_named() {
    let app = TestApp::spawn().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "Image name is required"),
        (json!({"image": ""}), "Image name is required"),
        (json!({"image": test_image(), "ports": [80]}), "ports"),
        (
            json!({"image": test_image(), "ports": {"80/tcp": "eighty"}}),
            "eighty",
        ),
        (
            json!({"image": test_image(), "environment": "A=1"}),
            "environment",
        ),
        (
            json!({"image": test_image(), "volumes": {"/x": {"bind": "relative"}}}),
            "relative",
        ),
        (
            json!({"image": test_image(), "name": "bad name!"}),
            "bad name!",
        ),
        (json!({"image": test_image(), "bogus": 1}), "bogus"),
        (json!({"image": 5}), "image"),
        (json!({"image": test_image(), "memory": "lots"}), "memory"),
        (
            json!({"image": test_image(), "restart_policy": "sometimes"}),
            "sometimes",
        ),
        (json!({"image": test_image(), "cpus": -1}), "cpus"),
        (json!({"image": test_image(), "tty": "yes"}), "tty"),
    ];
    for (body, needle) in cases {
        let message = app
            .post("/api/containers", body.clone())
            .await
            .expect_error(400);
        assert!(message.contains(needle), "{body} -> {message}");
    }
}

#[tokio::test]
async fn privileged_creation_is_forbidden_by_default() {
    let app = TestApp::spawn().await;
    let name = unique("priv");
    app.post(
        "/api/containers",
        json!({"image": test_image(), "name": name, "privileged": true}),
    )
    .await
    .expect_error(403);
    assert!(app.docker.inspect_container(&name, None).await.is_err());
}

#[tokio::test]
async fn starting_a_container_whose_network_was_removed_is_a_404_naming_the_network_not_the_container()
 {
    let app = TestApp::spawn().await;
    let network = unique("gone-net");
    let name = unique("netless");
    let _container = Cleanup::container(&name);
    let _network = Cleanup::network(&network);
    app.post("/api/networks", json!({"name": network}))
        .await
        .expect(201);
    app.post(
        "/api/containers",
        json!({"image": test_image(), "name": name, "network": network, "command": ["sleep", "30"]}),
    )
    .await
    .expect(201);
    app.delete(&format!("/api/networks/{network}/remove"))
        .await
        .expect(200);

    let message = app
        .post(&format!("/api/containers/{name}/start"), json!({}))
        .await
        .expect_error(404);
    assert!(
        message.contains(&name) && message.contains(&network) && message.contains("not found"),
        "{message}"
    );
    assert_ne!(message, format!("Container '{name}' not found"));
}

#[tokio::test]
async fn an_ambiguous_id_prefix_is_a_400_that_names_it_on_every_container_route() {
    let app = TestApp::spawn().await;
    let (_guards, prefix) = containers_with_an_ambiguous_id_prefix(&app).await;
    let expected = format!(
        "Container id prefix '{prefix}' matches more than one container; give more of the id or the name"
    );
    let cases: Vec<(reqwest::Method, String)> = vec![
        (reqwest::Method::GET, format!("/api/containers/{prefix}")),
        (
            reqwest::Method::GET,
            format!("/api/containers/{prefix}/inspect"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{prefix}/start"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{prefix}/stop"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/containers/{prefix}/kill"),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/containers/{prefix}/remove"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/containers/{prefix}/logs"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/containers/{prefix}/stats"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/containers/{prefix}/top"),
        ),
    ];
    for (method, path) in cases {
        let message = app
            .request(method.clone(), &path, None)
            .await
            .expect_error(400);
        assert_eq!(message, expected, "{method} {path}");
    }
}

#[tokio::test]
async fn start_pause_and_unpause_refuse_a_malformed_or_unknown_body_but_accept_none_or_an_empty_one()
 {
    let app = TestApp::spawn().await;
    let name = unique("bodies");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let raw = |action: &'static str, body: &'static str| {
        let path = format!("/api/containers/{name}/{action}");
        let app = &app;
        async move { app.post_text(&path, body).await }
    };
    for action in ["start", "pause", "unpause"] {
        let message = raw(action, "{garbage").await.expect_error(400);
        assert!(
            message.starts_with("Malformed JSON body"),
            "{action}: {message}"
        );
        let message = raw(action, r#"{"bogus": 1}"#).await.expect_error(400);
        assert_eq!(message, "Unknown field 'bogus' in request body", "{action}");
        let message = raw(action, "[]").await.expect_error(400);
        assert_eq!(message, "Request body must be a JSON object", "{action}");
    }
    // None of the refused requests acted.
    assert_eq!(state_of(&app, &name).await, "created");

    raw("start", "{}").await.expect(200);
    assert_eq!(state_of(&app, &name).await, "running");
    app.post_empty(&format!("/api/containers/{name}/pause"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &name).await, "paused");
    raw("unpause", "{}").await.expect(200);
    assert_eq!(state_of(&app, &name).await, "running");
    raw("pause", "  ").await.expect(200);
    assert_eq!(state_of(&app, &name).await, "paused");
}

#[tokio::test]
async fn kill_takes_a_signal_number_as_a_json_integer_and_refuses_one_out_of_range() {
    let app = TestApp::spawn().await;
    let guard = running_container(&app, "killnum").await;
    let path = format!("/api/containers/{}/kill", guard.name);
    for (signal, expected) in [
        (
            json!(65),
            "Invalid signal '65': use a name like SIGTERM or a number from 1 to 64",
        ),
        (
            json!(0),
            "Invalid signal '0': use a name like SIGTERM or a number from 1 to 64",
        ),
        (
            json!(-9),
            "Invalid signal '-9': use a name like SIGTERM or a number from 1 to 64",
        ),
        (
            json!(9.5),
            "Field 'signal' must be a signal name like SIGTERM or a number from 1 to 64",
        ),
        (
            json!(true),
            "Field 'signal' must be a signal name like SIGTERM or a number from 1 to 64",
        ),
    ] {
        let message = app
            .post(&path, json!({"signal": signal}))
            .await
            .expect_error(400);
        assert_eq!(message, expected, "{signal}");
    }
    assert_eq!(state_of(&app, &guard.name).await, "running");
    let body = app.post(&path, json!({"signal": 9})).await.expect(200);
    assert_eq!(body["result"]["status"], "killed");
    assert_eq!(state_of(&app, &guard.name).await, "exited");
}

#[tokio::test]
async fn a_body_value_of_the_wrong_type_is_worded_in_json_terms_not_rust_type_names() {
    let app = TestApp::spawn().await;
    let message = app
        .post(
            &format!("/api/containers/{}/stop", unique("never")),
            json!({"timeout": "soon"}),
        )
        .await
        .expect_error(400);
    assert_eq!(
        message,
        "Invalid value for field 'timeout': invalid type: string \"soon\", expected an integer"
    );
    let message = app
        .post(
            "/api/containers",
            json!({"image": test_image(), "cap_add": "NET_ADMIN"}),
        )
        .await
        .expect_error(400);
    assert!(!message.contains("sequence"), "{message}");
}
