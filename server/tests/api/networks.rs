//! `/api/networks` routes against the real daemon.

use std::collections::HashMap;
use std::process::Command;

use bollard::query_parameters::{
    InspectContainerOptions, InspectNetworkOptions, ListNetworksOptions,
};
use serde_json::{Value, json};

use crate::helpers::*;

/// A /24 that no other test of this run uses (`slot` differs per test): see [`test_subnet`].
fn subnet(slot: u8) -> (String, String) {
    test_subnet(slot)
}

/// `docker exec` in a test (never in Berth): returns (success, stdout + stderr).
fn exec(container: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new("docker")
        .arg("exec")
        .arg(container)
        .args(args)
        .output()
        .expect("docker exec");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

async fn network_exists(app: &TestApp, name: &str) -> bool {
    app.docker
        .inspect_network(name, None::<InspectNetworkOptions>)
        .await
        .is_ok()
}

async fn networks_named(app: &TestApp, name: &str) -> usize {
    let filters = HashMap::from([("name".to_string(), vec![name.to_string()])]);
    app.docker
        .list_networks(Some(ListNetworksOptions {
            filters: Some(filters),
        }))
        .await
        .expect("list networks")
        .iter()
        .filter(|n| n.name.as_deref() == Some(name))
        .count()
}

async fn create_network(app: &TestApp, body: Value) -> Cleanup {
    let name = body["name"].as_str().expect("named").to_string();
    let guard = Cleanup::network(&name);
    app.post("/api/networks", body).await.expect(201);
    guard
}

async fn networks_of(
    app: &TestApp,
    container: &str,
) -> HashMap<String, bollard::models::EndpointSettings> {
    app.docker
        .inspect_container(container, None::<InspectContainerOptions>)
        .await
        .expect("container exists")
        .network_settings
        .and_then(|s| s.networks)
        .unwrap_or_default()
}

#[tokio::test]
async fn create_applies_ipam_labels_internal_and_attachable() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("net-ipam");
    let (cidr, prefix) = subnet(1);
    let _guard = Cleanup::network(&name);
    let body = app
        .post(
            "/api/networks",
            json!({
                "name": name,
                "driver": "bridge",
                "internal": true,
                "attachable": true,
                "labels": {"environment": "production"},
                "options": {"com.docker.network.driver.mtu": "1400"},
                "ipam": {
                    "driver": "default",
                    "config": [{"subnet": cidr, "ip_range": format!("{prefix}.128/25"), "gateway": format!("{prefix}.1")}]
                }
            }),
        )
        .await
        .expect(201);
    assert_eq!(body["result"]["status"], "created");
    assert_eq!(body["result"]["name"], name.as_str());
    let id = body["result"]["network_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(id.len(), 64, "{body}");

    let network = app
        .docker
        .inspect_network(&name, None::<InspectNetworkOptions>)
        .await
        .expect("exists");
    assert_eq!(network.id.as_deref(), Some(id.as_str()));
    assert_eq!(network.driver.as_deref(), Some("bridge"));
    assert_eq!(network.internal, Some(true));
    assert_eq!(network.attachable, Some(true));
    assert_eq!(
        network
            .labels
            .unwrap_or_default()
            .get("environment")
            .map(String::as_str),
        Some("production")
    );
    assert_eq!(
        network
            .options
            .unwrap_or_default()
            .get("com.docker.network.driver.mtu")
            .map(String::as_str),
        Some("1400")
    );
    let pool = network
        .ipam
        .and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("a pool");
    assert_eq!(pool.subnet.as_deref(), Some(cidr.as_str()));
    assert_eq!(pool.ip_range, Some(format!("{prefix}.128/25")));
    assert_eq!(pool.gateway, Some(format!("{prefix}.1")));

    // details by name and by id agree
    let by_name = app.get(&format!("/api/networks/{name}")).await.expect(200);
    let by_id = app
        .get(&format!("/api/networks/{}", &id[..12]))
        .await
        .expect(200);
    assert_eq!(by_name["network"], by_id["network"]);
    let details = &by_name["network"];
    assert_eq!(details["id"], id.as_str());
    assert_eq!(details["internal"], true);
    assert_eq!(details["ipam"]["config"][0]["subnet"], cidr.as_str());
    assert_eq!(
        details["ipam"]["config"][0]["gateway"],
        format!("{prefix}.1")
    );
    assert_eq!(details["predefined"], false);
    assert_eq!(details["containers"], json!([]));
}

#[tokio::test]
async fn duplicate_name_returns_409_and_creates_nothing() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("net-dup");
    let _guard = create_network(&app, json!({"name": name})).await;
    let message = app
        .post("/api/networks", json!({"name": name}))
        .await
        .expect_error(409);
    assert!(
        message.contains(&name) && message.contains("already in use"),
        "{message}"
    );
    assert_eq!(networks_named(&app, &name).await, 1);
    let message = app
        .post("/api/networks", json!({"name": "bridge"}))
        .await
        .expect_error(409);
    assert!(message.contains("bridge"), "{message}");
}

#[tokio::test]
async fn overlapping_pool_returns_409_with_the_daemons_reason() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let (cidr, _) = subnet(2);
    let first = unique("net-pool-a");
    let second = unique("net-pool-b");
    let _first = create_network(
        &app,
        json!({"name": first, "ipam": {"config": [{"subnet": cidr}]}}),
    )
    .await;
    let _second = Cleanup::network(&second);
    let message = app
        .post(
            "/api/networks",
            json!({"name": second, "ipam": {"config": [{"subnet": cidr}]}}),
        )
        .await
        .expect_error(409);
    assert!(message.to_lowercase().contains("overlap"), "{message}");
    assert!(!network_exists(&app, &second).await);
}

#[tokio::test]
async fn connect_with_alias_and_ip_makes_the_container_reachable_by_its_alias() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let network = unique("net-conn");
    let (cidr, prefix) = subnet(3);
    let _network = create_network(
        &app,
        json!({"name": network, "ipam": {"config": [{"subnet": cidr}]}}),
    )
    .await;
    let server = unique("net-server");
    let client = unique("net-client");
    let _server = app.running_container(&server).await;
    let _client = app.running_container(&client).await;
    let alias = format!("web-{}", std::process::id());
    let address = format!("{prefix}.10");

    let body = app
        .post(
            &format!("/api/networks/{network}/connect"),
            json!({"container": server, "aliases": [alias], "ipv4_address": address}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "connected");
    assert_eq!(body["result"]["container_name"], server.as_str());
    assert_eq!(body["result"]["name"], network.as_str());
    app.post(
        &format!("/api/networks/{network}/connect"),
        json!({"container": client}),
    )
    .await
    .expect(200);

    let endpoint = networks_of(&app, &server)
        .await
        .remove(&network)
        .expect("attached");
    assert_eq!(endpoint.ip_address.as_deref(), Some(address.as_str()));
    assert!(endpoint.aliases.unwrap_or_default().contains(&alias));

    // really reachable by its alias from another container on the network
    let (reached, output) = exec(&client, &["ping", "-c1", "-W2", &alias]);
    assert!(reached, "ping {alias} failed: {output}");
    assert!(output.contains(&address), "{output}");

    // details list both containers with addresses and aliases
    let details = app
        .get(&format!("/api/networks/{network}"))
        .await
        .expect(200);
    let containers = details["network"]["containers"]
        .as_array()
        .expect("containers");
    assert_eq!(containers.len(), 2);
    let entry = containers
        .iter()
        .find(|c| c["name"] == server.as_str())
        .expect("server listed");
    assert_eq!(entry["ipv4_address"], format!("{address}/24"));
    assert!(
        entry["aliases"]
            .as_array()
            .expect("present")
            .contains(&json!(alias))
    );
    let listed = app.get("/api/networks").await.expect(200);
    let row = listed["networks"]
        .as_array()
        .expect("present")
        .iter()
        .find(|n| n["name"] == network.as_str())
        .cloned();
    assert_eq!(
        row.as_ref().map(|r| r["containers"].clone()),
        Some(json!(2))
    );
    assert_eq!(row.map(|r| r["subnets"].clone()), Some(json!([cidr])));

    // connecting twice is a conflict
    let message = app
        .post(
            &format!("/api/networks/{network}/connect"),
            json!({"container": server}),
        )
        .await
        .expect_error(409);
    assert!(message.contains("already connected"), "{message}");

    // removing a network in use names the containers
    let message = app
        .delete(&format!("/api/networks/{network}/remove"))
        .await
        .expect_error(409);
    assert!(
        message.contains(&server) && message.contains(&client),
        "{message}"
    );
    assert!(network_exists(&app, &network).await);

    // disconnect, then disconnecting again is a conflict
    let body = app
        .post(
            &format!("/api/networks/{network}/disconnect"),
            json!({"container": server, "force": false}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "disconnected");
    assert!(!networks_of(&app, &server).await.contains_key(&network));
    let message = app
        .post(
            &format!("/api/networks/{network}/disconnect"),
            json!({"container": server}),
        )
        .await
        .expect_error(409);
    assert!(message.contains("not connected"), "{message}");
}

#[tokio::test]
async fn connect_returns_404_naming_the_unknown_container_or_network() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let network = unique("net-404");
    let _network = create_network(&app, json!({"name": network})).await;
    let ghost = unique("ghost");
    let message = app
        .post(
            &format!("/api/networks/{network}/connect"),
            json!({"container": ghost}),
        )
        .await
        .expect_error(404);
    assert_eq!(message, format!("Container '{ghost}' not found"));
    let container = unique("net-404-c");
    let _container = app
        .create_container(json!({"image": test_image(), "name": container}))
        .await;
    let message = app
        .post(
            &format!("/api/networks/{ghost}/connect"),
            json!({"container": container}),
        )
        .await
        .expect_error(404);
    assert_eq!(message, format!("Network '{ghost}' not found"));
    let message = app
        .post(
            &format!("/api/networks/{ghost}/disconnect"),
            json!({"container": container}),
        )
        .await
        .expect_error(404);
    assert_eq!(message, format!("Network '{ghost}' not found"));
    app.get(&format!("/api/networks/{ghost}"))
        .await
        .expect_error(404);
}

#[tokio::test]
async fn remove_deletes_an_unused_network_and_refuses_predefined_and_unknown_ones() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("net-rm");
    let _guard = create_network(&app, json!({"name": name})).await;
    let body = app
        .delete(&format!("/api/networks/{name}/remove"))
        .await
        .expect(200);
    assert_eq!(body["result"]["status"], "removed");
    assert!(!network_exists(&app, &name).await);

    for predefined in ["bridge", "host", "none"] {
        let message = app
            .delete(&format!("/api/networks/{predefined}/remove"))
            .await
            .expect_error(403);
        assert!(message.contains("pre-defined"), "{message}");
        assert!(network_exists(&app, predefined).await);
    }
    let message = app
        .delete(&format!("/api/networks/{name}/remove"))
        .await
        .expect_error(404);
    assert_eq!(message, format!("Network '{name}' not found"));
}

#[tokio::test]
async fn prune_returns_exactly_the_removed_networks() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let label = unique("netprune");
    let first = unique("net-prune-a");
    let second = unique("net-prune-b");
    let busy = unique("net-prune-busy");
    let other = unique("net-prune-other");
    let _g1 = create_network(
        &app,
        json!({"name": first, "labels": {"berth-prune": label}}),
    )
    .await;
    let _g2 = create_network(
        &app,
        json!({"name": second, "labels": {"berth-prune": label}}),
    )
    .await;
    let _g3 = create_network(
        &app,
        json!({"name": busy, "labels": {"berth-prune": label}}),
    )
    .await;
    let _g4 = create_network(&app, json!({"name": other})).await;
    let container = unique("net-prune-c");
    let _container = app.running_container(&container).await;
    app.post(
        &format!("/api/networks/{busy}/connect"),
        json!({"container": container}),
    )
    .await
    .expect(200);

    let body = app
        .post_empty(&format!("/api/networks/prune?label=berth-prune={label}"))
        .await
        .expect(200);
    let mut deleted: Vec<String> = body["result"]["networks_deleted"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    deleted.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(deleted, expected);
    assert_eq!(body["result"]["count"], 2);
    assert!(!network_exists(&app, &first).await);
    assert!(!network_exists(&app, &second).await);
    assert!(
        network_exists(&app, &busy).await,
        "a network in use is never pruned"
    );
    assert!(
        network_exists(&app, &other).await,
        "the label filter limits the prune"
    );
}

#[tokio::test]
async fn stats_count_networks_and_their_containers() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let network = unique("net-stats");
    let _network = create_network(&app, json!({"name": network, "internal": true})).await;
    let container = unique("net-stats-c");
    let _container = app
        .create_container(json!({"image": test_image(), "name": container}))
        .await;
    app.post(
        &format!("/api/networks/{network}/connect"),
        json!({"container": container}),
    )
    .await
    .expect(200);

    let body = app.get("/api/networks/stats").await.expect(200);
    let stats = &body["stats"];
    let total = stats["total_count"].as_u64().unwrap_or_default();
    assert!(total >= 4, "{stats}");
    assert_eq!(stats["predefined"], 3);
    assert_eq!(stats["custom"].as_u64().unwrap_or_default() + 3, total);
    assert_eq!(
        stats["in_use"].as_u64().unwrap_or_default() + stats["unused"].as_u64().unwrap_or_default(),
        total
    );
    assert!(stats["internal"].as_u64().unwrap_or_default() >= 1);
    assert!(stats["by_driver"]["bridge"].as_u64().unwrap_or_default() >= 2);
    assert!(stats["by_scope"]["local"].as_u64().unwrap_or_default() >= 4);
    let entry = stats["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .find(|n| n["name"] == network.as_str())
        .cloned()
        .expect("network in stats");
    // a created (never started) container counts as attached
    assert_eq!(entry["containers"], json!([container]));
    assert_eq!(entry["running_containers"], 0);
    let docker_count = app
        .docker
        .list_networks(None::<ListNetworksOptions>)
        .await
        .expect("list")
        .len() as u64;
    let listed = app.get("/api/networks").await.expect(200);
    // other tests may create networks meanwhile: compare loosely with the daemon's own count
    assert!(listed["count"].as_u64().unwrap_or_default() + 20 > docker_count);
}

#[tokio::test]
async fn the_stats_and_prune_routes_win_over_network_ids() {
    let app = TestApp::spawn().await;
    let body = app.get("/api/networks/stats").await.expect(200);
    assert!(body["stats"].is_object());
    app.get("/api/networks/prune").await.expect_error(405);
}

#[tokio::test]
async fn bad_network_bodies_are_rejected_with_400() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let name = unique("net-bad");
    let (cidr, prefix) = subnet(4);
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "Field 'name' is required"),
        (
            json!({"name": name, "colour": "blue"}),
            "Unknown field 'colour'",
        ),
        (json!({"name": name, "internal": "yes"}), "'internal'"),
        (json!({"name": name, "labels": ["a=b"]}), "'labels'"),
        (json!({"name": "bad name"}), "Invalid network name"),
        (
            json!({"name": name, "ipam": {"config": [{"subnet": "172.20.0.0"}]}}),
            "Invalid CIDR",
        ),
        (
            json!({"name": name, "ipam": {"config": [{"subnet": "10.0.0.1/8"}]}}),
            "did you mean '10.0.0.0/8'",
        ),
        (
            json!({"name": name, "ipam": {"config": [{"subnet": cidr, "gateway": "10.9.9.1"}]}}),
            "ipam.config[0].gateway",
        ),
        (
            json!({"name": name, "ipam": {"config": [{"subnet": cidr, "ip_range": "10.9.9.0/24"}]}}),
            "ipam.config[0].ip_range",
        ),
        (
            json!({"name": name, "ipam": {"config": [{"gateway": format!("{prefix}.1")}]}}),
            "ipam.config[0].subnet",
        ),
        (
            json!({"name": name, "ipam": {"config": [{"subnet": cidr, "bogus": 1}]}}),
            "Unknown field 'bogus'",
        ),
        (
            json!({"name": name, "driver": "no-such-driver"}),
            "Unknown network driver",
        ),
    ];
    for (body, needle) in cases {
        let message = app
            .post("/api/networks", body.clone())
            .await
            .expect_error(400);
        assert!(message.contains(needle), "{body}: {message}");
    }
    assert_eq!(networks_named(&app, &name).await, 0, "nothing was created");

    let _network = create_network(
        &app,
        json!({"name": name, "ipam": {"config": [{"subnet": cidr}]}}),
    )
    .await;
    let container = unique("net-bad-c");
    let _container = app
        .create_container(json!({"image": test_image(), "name": container}))
        .await;
    let connect = format!("/api/networks/{name}/connect");
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "Field 'container' is required"),
        (
            json!({"container": container, "alias": ["x"]}),
            "Unknown field 'alias'",
        ),
        (json!({"container": container, "aliases": "x"}), "'aliases'"),
        (
            json!({"container": container, "aliases": ["bad alias"]}),
            "Invalid alias",
        ),
        (
            json!({"container": container, "ipv4_address": "300.1.1.1"}),
            "Invalid IP address",
        ),
        (
            json!({"container": container, "ipv4_address": "fd00::1"}),
            "not an IPv4 address",
        ),
        (
            json!({"container": container, "ipv4_address": "10.9.9.9"}),
            "outside the subnet",
        ),
    ];
    for (body, needle) in cases {
        let message = app.post(&connect, body.clone()).await.expect_error(400);
        assert!(message.contains(needle), "{body}: {message}");
    }
    assert!(!networks_of(&app, &container).await.contains_key(&name));
    let message = app
        .post(
            &format!("/api/networks/{name}/disconnect"),
            json!({"container": container, "force": "no"}),
        )
        .await
        .expect_error(400);
    assert!(message.contains("'force'"), "{message}");
    app.post_empty(&format!("/api/networks/{name}/disconnect"))
        .await
        .expect_error(400);
}

#[tokio::test]
async fn an_ambiguous_network_or_container_id_prefix_is_a_400_that_names_it() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let mut networks = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut prefix = None;
    // 17 ids cannot all start with different ones of the 16 hex digits.
    for _ in 0..17 {
        let name = unique("net-ambiguous");
        networks.push(create_network(&app, json!({"name": name})).await);
        let id = app
            .docker
            .inspect_network(&name, None::<InspectNetworkOptions>)
            .await
            .expect("network exists")
            .id
            .expect("an id");
        if !seen.insert(id[..1].to_string()) {
            prefix = Some(id[..1].to_string());
            break;
        }
    }
    let prefix = prefix.expect("17 ids share a first hex digit");
    let expected = format!(
        "Network id prefix '{prefix}' matches more than one network; give more of the id or the name"
    );
    let container = unique("net-ambiguous-c");
    let _container = app
        .create_container(json!({"image": test_image(), "name": container}))
        .await;
    let message = app
        .get(&format!("/api/networks/{prefix}"))
        .await
        .expect_error(400);
    assert_eq!(message, expected);
    let message = app
        .delete(&format!("/api/networks/{prefix}/remove"))
        .await
        .expect_error(400);
    assert_eq!(message, expected);
    let message = app
        .post(
            &format!("/api/networks/{prefix}/connect"),
            json!({"container": container}),
        )
        .await
        .expect_error(400);
    assert_eq!(message, expected);
    for network in &networks {
        assert!(network_exists(&app, &network.name).await);
    }

    let (_containers, container_prefix) = containers_with_an_ambiguous_id_prefix(&app).await;
    let message = app
        .post(
            &format!("/api/networks/{}/connect", networks[0].name),
            json!({"container": container_prefix}),
        )
        .await
        .expect_error(400);
    assert_eq!(
        message,
        format!(
            "Container id prefix '{container_prefix}' matches more than one container; give more of the id or the name"
        )
    );
}

#[tokio::test]
async fn prune_refuses_a_malformed_or_unknown_body_before_removing_anything() {
    let _shared = PRUNE_GUARD.read().await;
    let app = TestApp::spawn().await;
    let label = unique("netprune-body");
    let name = unique("net-prune-body");
    let _guard = create_network(
        &app,
        json!({"name": name, "labels": {"berth-prune": label}}),
    )
    .await;
    let prune = format!("/api/networks/prune?label=berth-prune={label}");
    for (body, expected) in [
        ("{garbage", "Malformed JSON body"),
        (r#"{"label": "x"}"#, "Unknown field 'label' in request body"),
    ] {
        let message = app.post_text(&prune, body).await.expect_error(400);
        assert!(message.starts_with(expected), "{body}: {message}");
        assert!(network_exists(&app, &name).await, "{body}");
    }
    app.post(&prune, json!({})).await.expect(200);
    assert!(!network_exists(&app, &name).await);
}
