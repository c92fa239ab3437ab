//! Authorisation: a route × role matrix generated from the route table and the server-function table,
//! label-scoped tokens, and `--allow` verbs.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::json;

use crate::auth::{bearer, scoped_token, token};
use crate::helpers::{Cleanup, TestApp, test_image, unique};
use app::model::auth::Role;
use berth::auth::access::RPC_ACCESS;
use berth::rest::api_routes;

/// A concrete request path for a documented route: every `{parameter}` names an object that does not
/// exist, and prune routes carry a unique label filter (or a bad value) so that no prune can touch
/// anything, even where the role allows it.
fn concrete_path(shown: &str, missing: &str) -> String {
    let path: Vec<String> = shown
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                missing.to_string()
            } else {
                segment.to_string()
            }
        })
        .collect();
    let mut path = path.join("/");
    if path.ends_with("/prune") {
        path.push_str(&format!("?label={missing}&dangling_only=not-a-bool"));
    }
    if path == "/api/events" {
        // a replay that ended long ago: the stream closes at once instead of waiting for events
        path.push_str("?since=1&until=2");
    }
    path
}

fn method_of(route_method: &axum::http::Method) -> Method {
    Method::from_bytes(route_method.as_str().as_bytes()).expect("method")
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_permission_table_says() {
    let app = TestApp::spawn().await;
    let missing = unique("matrix-missing");
    let credentials: Vec<(Role, String)> = Role::ALL
        .into_iter()
        .map(|role| {
            (
                role,
                bearer(&token(&app.store, &format!("matrix-{role}"), role)),
            )
        })
        .collect();
    let mut checked = 0;
    for route in api_routes() {
        let shown = route.shown_path();
        let path = concrete_path(shown, &missing);
        let method = method_of(&route.method);
        // A body no handler accepts: allowed routes fail validation or find nothing, never act.
        let body = (method != Method::GET).then(|| ("application/json", b"not json".to_vec()));
        let send = |auth: Option<&str>| {
            let mut request = app
                .http
                .request(method.clone(), format!("{}{path}", app.address));
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            if let Some((content_type, bytes)) = &body {
                request = request
                    .header("content-type", *content_type)
                    .body(bytes.clone());
            }
            async move {
                crate::helpers::Reply::from_response(request.send().await.expect("sent")).await
            }
        };
        let anonymous = send(None).await;
        if route.access.role.is_none() {
            assert_ne!(anonymous.status.as_u16(), 401, "{method} {shown} is public");
        } else {
            assert_eq!(
                anonymous.status.as_u16(),
                401,
                "{method} {shown} without credentials: {}",
                anonymous.body
            );
        }
        for (role, auth) in &credentials {
            let reply = send(Some(auth)).await;
            let status = reply.status.as_u16();
            if route.access.permits_role(*role) {
                assert!(
                    status != 401 && status != 403,
                    "{role} should reach {method} {shown}: {status} {}",
                    reply.body
                );
            } else {
                let message = reply.expect_error(403);
                assert_eq!(
                    message,
                    format!("Role '{role}' may not {}", route.access.action),
                    "{method} {shown}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * api_routes().len(), "every route, every role");
}

#[tokio::test]
async fn every_server_function_answers_each_role_as_its_table_says() {
    let app = TestApp::spawn().await;
    let credentials: Vec<(Role, String)> = Role::ALL
        .into_iter()
        .map(|role| {
            (
                role,
                bearer(&token(&app.store, &format!("rpc-{role}"), role)),
            )
        })
        .collect();
    for (endpoint, access) in RPC_ACCESS {
        let path = format!("/rpc/{endpoint}");
        let anonymous = app.send(Method::POST, &path, &[], None).await;
        assert_eq!(anonymous.status.as_u16(), 401, "{path}");
        for (role, auth) in &credentials {
            let permitted = access.permits_role(*role);
            // A permitted prune would really prune: its permission is proven by the refusals only.
            if permitted && endpoint.ends_with("/prune") {
                continue;
            }
            // A body that names no argument: permitted functions fail to decode it and do nothing.
            let reply = app
                .http
                .post(format!("{}{path}", app.address))
                .header("authorization", auth.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .body("unexpected=1")
                .send()
                .await
                .expect("sent");
            let status = reply.status().as_u16();
            if permitted {
                assert!(
                    status != 401 && status != 403,
                    "{role} should reach {path}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{role} must not reach {path}");
            }
        }
    }
}

#[tokio::test]
async fn a_viewer_is_refused_a_stop_with_a_sentence_naming_role_and_action() {
    let app = TestApp::spawn().await;
    let viewer = bearer(&token(&app.store, "watcher", Role::Viewer));
    let message = app
        .send(
            Method::POST,
            &format!("/api/containers/{}/stop", unique("any")),
            &[("authorization", &viewer)],
            None,
        )
        .await
        .expect_error(403);
    assert_eq!(message, "Role 'viewer' may not stop containers");
}

#[tokio::test]
async fn a_label_scoped_token_sees_and_touches_only_its_containers() {
    let app = TestApp::spawn().await;
    let admin = bearer(&token(&app.store, "root", Role::Admin));
    let team = unique("team");
    let mine = unique("scoped-mine");
    let other = unique("scoped-other");
    let _mine = Cleanup::container(&mine);
    let _other = Cleanup::container(&other);
    app.send(
        Method::POST,
        "/api/containers",
        &[("authorization", &admin)],
        Some(json!({"image": test_image(), "name": mine, "command": ["sleep", "30"], "labels": {"team": team}})),
    )
    .await
    .expect(201);
    app.send(
        Method::POST,
        "/api/containers",
        &[("authorization", &admin)],
        Some(json!({"image": test_image(), "name": other, "command": ["sleep", "30"]})),
    )
    .await
    .expect(201);
    let scope = BTreeMap::from([("team".to_string(), team.clone())]);
    let scoped = bearer(&scoped_token(
        &app.store,
        "team-ops",
        Role::Operator,
        scope.clone(),
        &[],
    ));
    let auth = [("authorization", scoped.as_str())];

    let listed = app
        .send(Method::GET, "/api/containers?all=true", &auth, None)
        .await
        .expect(200);
    let names: Vec<&str> = listed["containers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, [mine.as_str()]);
    assert_eq!(listed["count"], 1);

    let hidden = app
        .send(
            Method::GET,
            &format!("/api/containers/{other}"),
            &auth,
            None,
        )
        .await
        .expect_error(404);
    let nowhere = unique("scoped-nowhere");
    let unknown = app
        .send(
            Method::GET,
            &format!("/api/containers/{nowhere}"),
            &auth,
            None,
        )
        .await
        .expect_error(404);
    assert_eq!(
        hidden,
        unknown.replace(&nowhere, &other),
        "indistinguishable from unknown"
    );
    app.send(
        Method::POST,
        &format!("/api/containers/{other}/start"),
        &auth,
        None,
    )
    .await
    .expect_error(404);
    app.send(
        Method::POST,
        &format!("/api/containers/{mine}/start"),
        &auth,
        None,
    )
    .await
    .expect(200);
    app.send(
        Method::GET,
        &format!("/api/containers/{mine}/logs"),
        &auth,
        None,
    )
    .await
    .expect(200);
    // Outside its containers a scoped token reaches nothing, not even the console's door.
    app.send(Method::GET, "/api/volumes", &auth, None)
        .await
        .expect_error(403);
    app.send(Method::POST, "/rpc/containers/list", &auth, None)
        .await
        .expect_error(403);

    // A scoped admin token's new container carries the scope's labels.
    let scoped_admin = bearer(&scoped_token(
        &app.store,
        "team-admin",
        Role::Admin,
        scope,
        &[],
    ));
    let made = unique("scoped-made");
    let _made = Cleanup::container(&made);
    app.send(
        Method::POST,
        "/api/containers",
        &[("authorization", &scoped_admin)],
        Some(
            json!({"image": test_image(), "name": made, "labels": ["team=elsewhere", "tier=web"]}),
        ),
    )
    .await
    .expect(201);
    let inspect = app
        .docker
        .inspect_container(
            &made,
            None::<bollard::query_parameters::InspectContainerOptions>,
        )
        .await
        .expect("inspect");
    let labels = inspect.config.and_then(|c| c.labels).unwrap_or_default();
    assert_eq!(labels.get("team"), Some(&team));
    assert_eq!(labels.get("tier").map(String::as_str), Some("web"));
}

/// The JSON messages of a Server-Sent Events body that has ended.
fn sse_messages(body: &str) -> Vec<serde_json::Value> {
    body.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str(data.trim()).ok())
        .collect()
}

/// The names of the containers in a fleet stats answer.
fn sampled_names(stats: &serde_json::Value) -> Vec<String> {
    stats["stats"]
        .as_array()
        .expect("stats list")
        .iter()
        .filter_map(|sample| sample["name"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_label_scoped_token_sees_only_its_containers_in_fleet_stats_and_events() {
    let app = TestApp::spawn().await;
    let team = unique("team");
    let mine = unique("scoped-fleet-mine");
    let other = unique("scoped-fleet-other");
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
    };
    let since = now();
    // Made while authentication is still off (no credential exists yet).
    let _mine = app
        .create_container(json!({"image": test_image(), "name": mine, "command": ["sleep", "60"], "labels": {"team": team}}))
        .await;
    let _other = app
        .create_container(json!({"image": test_image(), "name": other, "command": ["sleep", "60"]}))
        .await;
    for name in [&mine, &other] {
        app.post_empty(&format!("/api/containers/{name}/start"))
            .await
            .expect(200);
    }
    let until = now() + 1;
    let admin = bearer(&token(&app.store, "fleet-root", Role::Admin));
    let scoped = bearer(&scoped_token(
        &app.store,
        "fleet-team",
        Role::Viewer,
        BTreeMap::from([("team".to_string(), team.clone())]),
        &[],
    ));
    let auth = [("authorization", scoped.as_str())];

    let everyone = app
        .send(
            Method::GET,
            "/api/stats",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    let everyone = sampled_names(&everyone);
    assert!(
        everyone.contains(&mine) && everyone.contains(&other),
        "{everyone:?}"
    );
    let fleet = app
        .send(Method::GET, "/api/stats", &auth, None)
        .await
        .expect(200);
    assert_eq!(sampled_names(&fleet), std::slice::from_ref(&mine));
    assert_eq!(fleet["count"], 1);

    // A replay of the moments both were made in: the admin sees both, the scoped token only its own.
    let replay = format!("/api/events?since={since}&until={until}");
    let all_events = app
        .send(Method::GET, &replay, &[("authorization", &admin)], None)
        .await;
    assert_eq!(all_events.status.as_u16(), 200, "{}", all_events.text);
    let all_events = sse_messages(&all_events.text);
    let named = |events: &[serde_json::Value], name: &str| {
        events.iter().filter(|e| e["name"] == name).count()
    };
    assert!(named(&all_events, &other) >= 2, "{all_events:?}");
    let scoped_events = app.send(Method::GET, &replay, &auth, None).await;
    assert_eq!(scoped_events.status.as_u16(), 200, "{}", scoped_events.text);
    let scoped_events = sse_messages(&scoped_events.text);
    let actions: Vec<&str> = scoped_events
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"start"),
        "{scoped_events:?}"
    );
    assert!(
        scoped_events
            .iter()
            .all(|e| e["name"] == mine.as_str() && e["type"] == "container"),
        "{scoped_events:?}"
    );
    // The client's own filters narrow further; other kinds of objects are beyond the scope.
    let filtered = app
        .send(
            Method::GET,
            &format!("{replay}&type=container&event=start"),
            &auth,
            None,
        )
        .await;
    let filtered = sse_messages(&filtered.text);
    assert_eq!(filtered.len(), 1, "{filtered:?}");
    assert_eq!(filtered[0]["action"], "start");
    let refused = app
        .send(Method::GET, &format!("{replay}&type=volume"), &auth, None)
        .await
        .expect_error(403);
    assert!(refused.contains("container events"), "{refused}");
    // Fleet-wide objects other than containers stay out of reach.
    for path in ["/api/images", "/api/networks", "/api/system/info"] {
        app.send(Method::GET, path, &auth, None)
            .await
            .expect_error(403);
    }
}

#[tokio::test]
async fn an_allow_list_narrows_a_token_to_its_verbs_plus_listing_and_details() {
    let app = TestApp::spawn().await;
    let name = unique("allow");
    let _guard = app.running_container(&name).await;
    let logs_only = bearer(&scoped_token(
        &app.store,
        "logs-only",
        Role::Operator,
        BTreeMap::new(),
        &["logs"],
    ));
    let auth = [("authorization", logs_only.as_str())];
    app.send(Method::GET, "/api/containers", &auth, None)
        .await
        .expect(200);
    app.send(Method::GET, &format!("/api/containers/{name}"), &auth, None)
        .await
        .expect(200);
    app.send(
        Method::GET,
        &format!("/api/containers/{name}/logs"),
        &auth,
        None,
    )
    .await
    .expect(200);
    let refused = app
        .send(
            Method::POST,
            &format!("/api/containers/{name}/restart"),
            &auth,
            None,
        )
        .await
        .expect_error(403);
    assert!(refused.contains("restart containers"), "{refused}");
    app.send(
        Method::GET,
        &format!("/api/containers/{name}/top"),
        &auth,
        None,
    )
    .await
    .expect_error(403);
    // The role still bounds the list: --allow cannot widen a viewer.
    let viewer_stop = bearer(&scoped_token(
        &app.store,
        "viewer-stop",
        Role::Viewer,
        BTreeMap::new(),
        &["stop"],
    ));
    app.send(
        Method::POST,
        &format!("/api/containers/{name}/stop"),
        &[("authorization", &viewer_stop)],
        None,
    )
    .await
    .expect_error(403);
}

#[tokio::test]
async fn the_commands_list_shows_the_access_control_routes() {
    let app = TestApp::spawn().await;
    let commands = app.get("/api/commands").await.expect(200).to_string();
    for route in [
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "GET /api/auth/me",
        "GET /api/users",
        "POST /api/users",
        "DELETE /api/users/{name}",
        "GET /api/tokens",
        "POST /api/tokens",
        "DELETE /api/tokens/{name}",
        "GET /api/audit",
    ] {
        assert!(
            commands.contains(route),
            "{route} missing from /api/commands"
        );
    }
}
