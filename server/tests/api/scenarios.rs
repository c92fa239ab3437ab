//! The document's "Usage Examples", driven through the REST API as a client would, with the test image
//! standing in for postgres and node; the daemon's state is checked after every step.

use std::process::Command;

use bollard::query_parameters::{InspectContainerOptions, InspectNetworkOptions};
use serde_json::{Value, json};

use crate::helpers::*;

/// A host port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn docker(args: &[&str]) -> (bool, String) {
    let output = Command::new("docker").args(args).output().expect("docker");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

async fn state_of(app: &TestApp, container: &str) -> Option<String> {
    app.docker
        .inspect_container(container, None::<InspectContainerOptions>)
        .await
        .ok()
        .and_then(|c| c.state)
        .and_then(|s| s.status)
        .map(|s| s.to_string())
}

/// Example 2: a volume for database data, a container mounting it by name, then start.
#[tokio::test]
async fn example_2_database_setup_with_a_named_volume() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let volume = unique("postgres-data");
    let container = unique("my-postgres");
    let _volume = Cleanup::volume(&volume);

    // 1. create the volume
    let body = app
        .post(
            "/api/volumes",
            json!({"name": volume, "labels": {"purpose": "database"}}),
        )
        .await
        .expect(201);
    assert_eq!(body["success"], true);
    let inspected = app
        .docker
        .inspect_volume(&volume)
        .await
        .expect("volume created");
    assert_eq!(
        inspected.labels.get("purpose").map(String::as_str),
        Some("database")
    );

    // 2. create the database container with the volume
    let port = free_port();
    let _container = Cleanup::container(&container);
    app.post(
        "/api/containers",
        json!({
            "image": test_image(),
            "name": container,
            "environment": ["POSTGRES_DB=myapp", "POSTGRES_USER=admin", "POSTGRES_PASSWORD=secret123"],
            "ports": {"5432/tcp": port},
            "volumes": {volume.clone(): {"bind": "/var/lib/postgresql/data", "mode": "rw"}}
        }),
    )
    .await
    .expect(201);
    let inspect = app
        .docker
        .inspect_container(&container, None::<InspectContainerOptions>)
        .await
        .expect("container created");
    let env = inspect.config.and_then(|c| c.env).unwrap_or_default();
    assert!(env.contains(&"POSTGRES_DB=myapp".to_string()));
    let mounts = inspect.mounts.unwrap_or_default();
    let mount = mounts
        .iter()
        .find(|m| m.name.as_deref() == Some(volume.as_str()))
        .expect("volume mount");
    assert_eq!(
        mount.destination.as_deref(),
        Some("/var/lib/postgresql/data")
    );
    assert_eq!(mount.rw, Some(true));

    // 3. start the database
    app.post_empty(&format!("/api/containers/{container}/start"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &container).await.as_deref(), Some("running"));

    // the mount is real: a file written through this container is read through another one
    let (ok, output) = docker(&[
        "exec",
        &container,
        "sh",
        "-c",
        "echo stored-by-postgres > /var/lib/postgresql/data/PG_VERSION",
    ]);
    assert!(ok, "{output}");
    let (ok, output) = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/data:ro"),
        &test_image(),
        "cat",
        "/data/PG_VERSION",
    ]);
    assert!(ok, "{output}");
    assert_eq!(output.trim(), "stored-by-postgres");

    // and the API sees the container as the volume's user
    let details = app.get(&format!("/api/volumes/{volume}")).await.expect(200);
    assert_eq!(
        details["volume"]["containers"][0]["name"],
        container.as_str()
    );
    assert_eq!(details["volume"]["containers"][0]["status"], "running");
}

/// Example 3: a custom network, two containers connected to it, then started.
#[tokio::test]
async fn example_3_multi_container_application_on_a_custom_network() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let network = unique("app-network");
    let db = unique("app-db");
    let web = unique("app-web");
    let (cidr, prefix) = test_subnet(0);
    let _network = Cleanup::network(&network);

    // 1. create the network
    app.post(
        "/api/networks",
        json!({"name": network, "driver": "bridge", "ipam": {"config": [{"subnet": cidr}]}}),
    )
    .await
    .expect(201);
    let inspected = app
        .docker
        .inspect_network(&network, None::<InspectNetworkOptions>)
        .await
        .expect("network created");
    assert_eq!(inspected.driver.as_deref(), Some("bridge"));
    let subnets: Vec<String> = inspected
        .ipam
        .and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.subnet)
        .collect();
    assert_eq!(subnets, vec![cidr.clone()]);

    // 2. and 3. create the two containers
    let _db = Cleanup::container(&db);
    app.post(
        "/api/containers",
        json!({
            "image": test_image(),
            "name": db,
            "environment": ["POSTGRES_DB=app", "POSTGRES_USER=user", "POSTGRES_PASSWORD=pass"]
        }),
    )
    .await
    .expect(201);
    let _web = Cleanup::container(&web);
    app.post(
        "/api/containers",
        json!({
            "image": test_image(),
            "name": web,
            "ports": {"3000/tcp": free_port()},
            "environment": [format!("DATABASE_URL=postgresql://user:pass@{db}:5432/app")]
        }),
    )
    .await
    .expect(201);
    assert_eq!(state_of(&app, &db).await.as_deref(), Some("created"));
    assert_eq!(state_of(&app, &web).await.as_deref(), Some("created"));

    // 4. connect both containers to the network
    for container in [&db, &web] {
        let body = app
            .post(
                &format!("/api/networks/{network}/connect"),
                json!({"container": container}),
            )
            .await
            .expect(200);
        assert_eq!(body["success"], true);
    }
    for container in [&db, &web] {
        let networks = app
            .docker
            .inspect_container(container, None::<InspectContainerOptions>)
            .await
            .expect("container")
            .network_settings
            .and_then(|s| s.networks)
            .unwrap_or_default();
        assert!(
            networks.contains_key(&network),
            "{container} not attached: {networks:?}"
        );
    }

    // 5. start both containers
    app.post_empty(&format!("/api/containers/{db}/start"))
        .await
        .expect(200);
    app.post_empty(&format!("/api/containers/{web}/start"))
        .await
        .expect(200);
    assert_eq!(state_of(&app, &db).await.as_deref(), Some("running"));
    assert_eq!(state_of(&app, &web).await.as_deref(), Some("running"));

    // both have an address in the subnet, and the web container reaches the database by name
    let details = app
        .get(&format!("/api/networks/{network}"))
        .await
        .expect(200);
    let containers = details["network"]["containers"]
        .as_array()
        .expect("containers")
        .clone();
    assert_eq!(containers.len(), 2, "{details}");
    let prefix = format!("{prefix}.");
    for entry in &containers {
        assert!(
            entry["ipv4_address"]
                .as_str()
                .unwrap_or_default()
                .starts_with(&prefix),
            "{entry}"
        );
    }
    let (ok, output) = docker(&["exec", &web, "ping", "-c1", "-W2", &db]);
    assert!(ok, "web cannot reach {db}: {output}");
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Example 5: stop the running containers, remove the exited ones, prune images, volumes and networks.
/// The stop/remove loops are limited to this test's containers; the prune routes are global, so this
/// test holds [`PRUNE_GUARD`] exclusively.
#[tokio::test]
async fn example_5_resource_cleanup() {
    if !on_private_engine("example_5_resource_cleanup") {
        return;
    }
    let _exclusive = PRUNE_GUARD.write().await;
    let app = TestApp::spawn().await;
    let running = unique("cleanup-running");
    let exited = unique("cleanup-exited");
    let named_volume = unique("cleanup-vol");
    let network = unique("cleanup-net");
    let _running = app
        .create_container(json!({"image": test_image(), "name": running}))
        .await;
    let _exited = app
        .create_container(json!({"image": test_image(), "name": exited, "command": ["true"]}))
        .await;
    app.post_empty(&format!("/api/containers/{running}/start"))
        .await
        .expect(200);
    app.post_empty(&format!("/api/containers/{exited}/start"))
        .await
        .expect(200);
    let _named_volume = Cleanup::volume(&named_volume);
    app.post("/api/volumes", json!({"name": named_volume}))
        .await
        .expect(201);
    let anonymous = app.post("/api/volumes", json!({})).await.expect(201);
    let anonymous = anonymous["result"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let _anonymous = Cleanup::volume(&anonymous);
    let _network = Cleanup::network(&network);
    app.post("/api/networks", json!({"name": network}))
        .await
        .expect(201);
    let mine = [running.clone(), exited.clone()];
    for _ in 0..50 {
        if state_of(&app, &exited).await.as_deref() == Some("exited") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // stop all running containers (of this test)
    let list = app.get("/api/containers?all=true").await.expect(200);
    let to_stop: Vec<String> = list["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter(|c| c["status"] == "running")
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .filter(|name| mine.contains(name))
        .collect();
    assert_eq!(to_stop, vec![running.clone()]);
    for container in &to_stop {
        app.post_empty(&format!("/api/containers/{container}/stop"))
            .await
            .expect(200);
    }
    assert_eq!(state_of(&app, &running).await.as_deref(), Some("exited"));

    // remove stopped containers (of this test)
    let list = app.get("/api/containers?all=true").await.expect(200);
    let mut to_remove: Vec<String> = list["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter(|c| c["status"] == "exited")
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .filter(|name| mine.contains(name))
        .collect();
    to_remove.sort();
    let mut expected = mine.to_vec();
    expected.sort();
    assert_eq!(to_remove, expected);
    for container in &to_remove {
        app.delete(&format!("/api/containers/{container}/remove"))
            .await
            .expect(200);
    }
    for container in &mine {
        assert_eq!(
            state_of(&app, container).await,
            None,
            "{container} still exists"
        );
    }

    // prune unused resources
    let images = app.post_empty("/api/images/prune").await;
    assert_eq!(images.status.as_u16(), 200, "images prune: {}", images.body);
    assert_eq!(images.body["success"], true);
    assert!(
        images.body["result"]["images_deleted"].is_array(),
        "{}",
        images.body
    );

    let volumes = app.post_empty("/api/volumes/prune").await.expect(200);
    let deleted = names(&volumes["result"], "volumes_deleted");
    assert!(deleted.contains(&anonymous), "{volumes}");
    assert!(app.docker.inspect_volume(&anonymous).await.is_err());
    let version = app.docker.client_version();
    if (version.major_version, version.minor_version) < (1, 42) {
        // API 1.41 (Docker 20.10) prunes named volumes too; later engines keep them unless all=true
        assert!(deleted.contains(&named_volume), "{volumes}");
        assert!(app.docker.inspect_volume(&named_volume).await.is_err());
    }
    for name in &deleted {
        assert!(
            app.docker.inspect_volume(name).await.is_err(),
            "{name} reported but not removed"
        );
    }

    let networks = app.post_empty("/api/networks/prune").await.expect(200);
    let deleted = names(&networks["result"], "networks_deleted");
    assert!(deleted.contains(&network), "{networks}");
    for name in &deleted {
        assert!(
            app.docker
                .inspect_network(name, None::<InspectNetworkOptions>)
                .await
                .is_err(),
            "{name} reported but not removed"
        );
    }
}
