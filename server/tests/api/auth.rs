//! Authentication: login, logout and me; the session cookie and its CSRF header; tokens by Bearer and
//! X-API-Key, their expiry and revocation; the CLI; refusing to start exposed without credentials.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, unique};
use app::model::auth::Role;
use berth::auth::credentials::hash_password;
use berth::rest::tokens::issue_token;
use berth::store::Store;

/// Creates a token directly in the app's database; returns its secret.
pub fn token(store: &Store, name: &str, role: Role) -> String {
    scoped_token(store, name, role, BTreeMap::new(), &[])
}

/// Creates a token with a label scope and verbs; returns its secret.
pub fn scoped_token(
    store: &Store,
    name: &str,
    role: Role,
    labels: BTreeMap<String, String>,
    allow: &[&str],
) -> String {
    let allow: Vec<String> = allow.iter().map(|v| v.to_string()).collect();
    issue_token(store, name, role, None, labels, &allow)
        .expect("token issued")
        .1
}

/// The `Authorization` header for a token.
pub fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

/// Adds a user with a password directly in the app's database.
pub fn user(store: &Store, name: &str, role: Role, password: &str) {
    store
        .add_user(name, role, &hash_password(password).expect("hash"))
        .expect("user added");
}

/// Logs in; returns the `Cookie` header value and the CSRF token.
pub async fn login(app: &TestApp, name: &str, password: &str) -> (String, String) {
    let reply = app
        .send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": name, "password": password})),
        )
        .await;
    let set_cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = reply.expect(200);
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
    (
        cookie,
        body["result"]["csrf_token"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_me_then_logout_follow_the_session() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Operator, "correct horse battery");
    let reply = app
        .send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": "ana", "password": "correct horse battery"})),
        )
        .await;
    let set_cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = reply.expect(200);
    assert_eq!(body["success"], true);
    assert_eq!(body["result"]["user"], "ana");
    assert_eq!(body["result"]["role"], "operator");
    assert!(
        body["result"]["csrf_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 32)
    );
    assert!(set_cookie.starts_with("berth_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();

    let me = app
        .send(Method::GET, "/api/auth/me", &[("cookie", &cookie)], None)
        .await
        .expect(200);
    assert_eq!(
        me["user"],
        json!({"name": "ana", "role": "operator", "kind": "user"})
    );
    // like every change a session makes, leaving needs the session's CSRF token
    let refused = app
        .send(
            Method::POST,
            "/api/auth/logout",
            &[("cookie", &cookie)],
            None,
        )
        .await
        .expect_error(403);
    assert!(refused.contains("X-CSRF-Token"), "{refused}");
    app.send(Method::GET, "/api/auth/me", &[("cookie", &cookie)], None)
        .await
        .expect(200);
    let csrf = body["result"]["csrf_token"].as_str().unwrap_or_default();
    let logged_out = app
        .send(
            Method::POST,
            "/api/auth/logout",
            &[("cookie", &cookie), ("x-csrf-token", csrf)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        logged_out["result"],
        json!({"message": "Logged out", "name": "ana", "status": "logged_out"})
    );
    app.send(Method::GET, "/api/auth/me", &[("cookie", &cookie)], None)
        .await
        .expect_error(401);
}

#[tokio::test]
async fn behind_a_tls_proxy_the_session_cookie_is_secure() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Viewer, "correct horse battery");
    let reply = app
        .send(
            Method::POST,
            "/api/auth/login",
            &[("x-forwarded-proto", "https")],
            Some(json!({"username": "ana", "password": "correct horse battery"})),
        )
        .await;
    let set_cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    reply.expect(200);
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401_sentence() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Admin, "correct horse battery");
    let wrong_password = app
        .send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": "ana", "password": "wrong horse battery"})),
        )
        .await
        .expect_error(401);
    let unknown_user = app
        .send(
            Method::POST,
            "/api/auth/login",
            &[],
            Some(json!({"username": "nobody", "password": "correct horse battery"})),
        )
        .await
        .expect_error(401);
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password, "Invalid username or password");
}

#[tokio::test]
async fn a_session_change_without_the_csrf_header_is_refused() {
    let app = TestApp::spawn().await;
    user(&app.store, "ana", Role::Operator, "correct horse battery");
    let (cookie, csrf) = login(&app, "ana", "correct horse battery").await;
    let path = format!("/api/containers/{}/stop", unique("csrf-none"));
    let refused = app
        .send(Method::POST, &path, &[("cookie", &cookie)], None)
        .await
        .expect_error(403);
    assert!(refused.contains("X-CSRF-Token"), "{refused}");
    app.send(
        Method::POST,
        &path,
        &[("cookie", &cookie), ("x-csrf-token", "not-the-token")],
        None,
    )
    .await
    .expect_error(403);
    // With the session's token the request reaches the service (the container does not exist).
    app.send(
        Method::POST,
        &path,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        None,
    )
    .await
    .expect_error(404);
    // Reads need no CSRF token.
    app.send(Method::GET, "/api/containers", &[("cookie", &cookie)], None)
        .await
        .expect(200);
}

#[tokio::test]
async fn bearer_and_x_api_key_both_authenticate_and_nothing_else_does() {
    let app = TestApp::spawn().await;
    let secret = token(&app.store, "ci", Role::Viewer);
    for header in [
        ("authorization", bearer(&secret)),
        ("x-api-key", secret.clone()),
    ] {
        let me = app
            .send(Method::GET, "/api/auth/me", &[(header.0, &header.1)], None)
            .await
            .expect(200);
        assert_eq!(
            me["user"],
            json!({"name": "ci", "role": "viewer", "kind": "token"})
        );
    }
    app.get("/api/containers").await.expect_error(401);
    app.send(
        Method::GET,
        "/api/containers",
        &[("authorization", "Bearer berth_not-a-real-token")],
        None,
    )
    .await
    .expect_error(401);
    app.send(
        Method::GET,
        "/api/containers",
        &[("authorization", &format!("Basic {secret}"))],
        None,
    )
    .await
    .expect_error(401);
    // /health stays public.
    let health = app.get("/health").await;
    assert_ne!(health.status.as_u16(), 401);
}

#[tokio::test]
async fn an_expired_token_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let secret = token(&app.store, "short-lived", Role::Viewer);
    let auth = bearer(&secret);
    app.send(
        Method::GET,
        "/api/auth/me",
        &[("authorization", &auth)],
        None,
    )
    .await
    .expect(200);
    app.store
        .set_token_expiry("short-lived", Some(berth::store::now() - 1))
        .expect("expiry set");
    app.send(
        Method::GET,
        "/api/auth/me",
        &[("authorization", &auth)],
        None,
    )
    .await
    .expect_error(401);
}

#[tokio::test]
async fn a_token_revoked_through_the_api_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let admin = bearer(&token(&app.store, "root", Role::Admin));
    let created = app
        .send(
            Method::POST,
            "/api/tokens",
            &[("authorization", &admin)],
            Some(
                json!({"name": "deploy", "role": "operator", "expires_in": "1h",
                         "labels": ["team=web"], "allow": ["restart"]}),
            ),
        )
        .await
        .expect(201);
    let secret = created["token"]["secret"]
        .as_str()
        .expect("secret")
        .to_string();
    assert!(secret.starts_with("berth_"));
    assert_eq!(created["token"]["allow"], json!(["restart"]));
    assert_eq!(created["token"]["labels"], json!({"team": "web"}));
    assert_eq!(created["token"]["role"], "operator");
    let deploy = bearer(&secret);
    app.send(
        Method::GET,
        "/api/auth/me",
        &[("authorization", &deploy)],
        None,
    )
    .await
    .expect(200);
    let listed = app
        .send(
            Method::GET,
            "/api/tokens",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert!(
        !listed.to_string().contains(&secret),
        "secrets are never listed"
    );
    let revoked = app
        .send(
            Method::DELETE,
            "/api/tokens/deploy",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        revoked["result"],
        json!({"message": "Token 'deploy' revoked", "name": "deploy", "status": "revoked"})
    );
    app.send(
        Method::GET,
        "/api/auth/me",
        &[("authorization", &deploy)],
        None,
    )
    .await
    .expect_error(401);
}

#[tokio::test]
async fn admins_manage_users_over_the_api_and_a_removed_user_s_session_ends() {
    let app = TestApp::spawn().await;
    let admin = bearer(&token(&app.store, "root", Role::Admin));
    app.send(
        Method::POST,
        "/api/users",
        &[("authorization", &admin)],
        Some(json!({"name": "bo", "role": "viewer", "password": "long enough pw"})),
    )
    .await
    .expect(201);
    app.send(
        Method::POST,
        "/api/users",
        &[("authorization", &admin)],
        Some(json!({"name": "bo", "role": "viewer", "password": "long enough pw"})),
    )
    .await
    .expect_error(409);
    app.send(
        Method::POST,
        "/api/users",
        &[("authorization", &admin)],
        Some(json!({"name": "cy", "role": "superuser", "password": "long enough pw"})),
    )
    .await
    .expect_error(400);
    let (cookie, _) = login(&app, "bo", "long enough pw").await;
    let users = app
        .send(
            Method::GET,
            "/api/users",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(users["users"][0]["name"], "bo");
    assert!(!users.to_string().contains("argon2"));
    let removed = app
        .send(
            Method::DELETE,
            "/api/users/bo",
            &[("authorization", &admin)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        removed["result"],
        json!({"message": "User 'bo' removed", "name": "bo", "status": "removed"})
    );
    app.send(Method::GET, "/api/auth/me", &[("cookie", &cookie)], None)
        .await
        .expect_error(401);
}

#[tokio::test]
async fn console_pages_redirect_to_login_without_credentials() {
    let app = TestApp::spawn().await;
    token(&app.store, "someone", Role::Viewer);
    let page = app.get("/").await;
    assert_eq!(page.status.as_u16(), 303);
    assert_eq!(
        page.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/login")
    );
    app.get("/api/system/info").await.expect_error(401);
    app.post("/rpc/containers/list", json!({}))
        .await
        .expect_error(401);
}

#[tokio::test]
async fn the_sign_in_page_answers_without_credentials_instead_of_redirecting_to_itself() {
    let app = TestApp::spawn().await;
    token(&app.store, "someone", Role::Viewer);
    let page = app.get("/login").await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.text);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(
        page.text.contains("id=\"login-form\""),
        "the form is in the first paint"
    );
}

#[tokio::test]
async fn with_no_credentials_on_loopback_authentication_is_off() {
    let app = TestApp::spawn().await;
    let me = app.get("/api/auth/me").await.expect(200);
    assert_eq!(me["user"]["kind"], "anonymous");
    app.get("/api/containers").await.expect(200);
}

#[tokio::test]
async fn auth_required_refuses_requests_even_with_no_credentials_configured() {
    let app = TestApp::spawn_configured(|config| {
        config.auth = berth::auth::AuthMode::Required;
    })
    .await;
    app.get("/api/containers").await.expect_error(401);
    assert_ne!(app.get("/health").await.status.as_u16(), 401);
}

/// Runs the built `berth` binary.
fn berth(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(args)
        .env_remove("BERTH_ADMIN_PASSWORD")
        .env_remove("BERTH_ADMIN_PASSWORD_FILE")
        .env_remove("BERTH_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("berth runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("stdin written");
    }
    child.wait_with_output().expect("berth ends")
}

#[tokio::test]
async fn berth_refuses_to_listen_on_all_addresses_without_credentials() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_str().expect("utf-8 path");
    let output = berth(
        &["--host", "0.0.0.0", "--port", "0", "--data-dir", dir],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("without credentials"), "{stderr}");
    assert!(stderr.contains("berth user add"), "{stderr}");
    let serve = berth(
        &[
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--data-dir",
            dir,
        ],
        None,
    );
    assert_eq!(serve.status.code(), Some(2));
    let off = berth(&["--auth", "off", "--port", "0", "--data-dir", dir], None);
    assert_eq!(off.status.code(), Some(2));
}

/// Asserts a CLI table like `docker ps`: every column of every row starts where its heading starts,
/// after at least two spaces, whatever the width of the values.
#[track_caller]
fn assert_columns_aligned(table: &str, columns: usize) {
    let column_starts = |line: &str| -> Vec<usize> {
        let bytes = line.as_bytes();
        (0..bytes.len())
            .filter(|&i| bytes[i] != b' ' && (i == 0 || i >= 2 && &bytes[i - 2..i] == b"  "))
            .collect()
    };
    let mut lines = table.lines();
    let heading = column_starts(lines.next().expect("a heading line"));
    assert_eq!(heading.len(), columns, "{table}");
    for line in lines {
        assert_eq!(column_starts(line), heading, "misaligned:\n{table}");
    }
}

#[tokio::test]
async fn the_cli_manages_users_and_tokens_whose_secret_is_the_last_line() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_str().expect("utf-8 path");
    let added = berth(
        &[
            "user",
            "add",
            "ana",
            "--role",
            "admin",
            "--password-stdin",
            "--data-dir",
            dir,
        ],
        Some("correct horse battery\n"),
    );
    assert!(added.status.success(), "{added:?}");
    let listed = berth(&["user", "list", "--data-dir", dir], None);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("ana"));

    let created = berth(
        &[
            "token",
            "create",
            "ci",
            "--role",
            "operator",
            "--expires-in",
            "30d",
            "--label",
            "team=web",
            "--allow",
            "logs",
            "--data-dir",
            dir,
        ],
        None,
    );
    assert!(created.status.success(), "{created:?}");
    let stdout = String::from_utf8_lossy(&created.stdout).to_string();
    let secret = stdout.lines().last().expect("a last line").to_string();
    assert!(
        secret.starts_with("berth_") && !secret.contains(' '),
        "{stdout}"
    );

    let app = TestApp::spawn_configured(|config| {
        config.data_dir = Some(data.path().to_path_buf());
    })
    .await;
    let me = app
        .send(
            Method::GET,
            "/api/auth/me",
            &[("authorization", &bearer(&secret))],
            None,
        )
        .await
        .expect(200);
    assert_eq!(me["user"]["name"], "ci");
    login(&app, "ana", "correct horse battery").await;

    let long_name = "a-token-whose-name-is-longer-than-thirty-characters";
    assert!(
        berth(
            &[
                "token",
                "create",
                long_name,
                "--role",
                "admin",
                "--data-dir",
                dir
            ],
            None
        )
        .status
        .success()
    );
    let tokens = berth(&["token", "list", "--data-dir", dir], None);
    let tokens = String::from_utf8_lossy(&tokens.stdout).to_string();
    assert!(tokens.contains("ci") && tokens.contains("team=web") && !tokens.contains(&secret));
    assert_columns_aligned(&tokens, 6);
    let listed = berth(&["user", "list", "--data-dir", dir], None);
    assert_columns_aligned(&String::from_utf8_lossy(&listed.stdout), 3);
    assert!(
        berth(&["token", "revoke", "ci", "--data-dir", dir], None)
            .status
            .success()
    );
    app.send(
        Method::GET,
        "/api/auth/me",
        &[("authorization", &bearer(&secret))],
        None,
    )
    .await
    .expect_error(401);
    assert!(
        berth(&["user", "remove", "ana", "--data-dir", dir], None)
            .status
            .success()
    );

    for bad in [
        vec!["token", "create", "x", "--role", "root", "--data-dir", dir],
        vec![
            "token",
            "create",
            "x",
            "--role",
            "viewer",
            "--expires-in",
            "3w",
            "--data-dir",
            dir,
        ],
        vec![
            "token",
            "create",
            "x",
            "--role",
            "viewer",
            "--allow",
            "fly",
            "--data-dir",
            dir,
        ],
        vec![
            "token",
            "create",
            "x",
            "--role",
            "viewer",
            "--label",
            "novalue",
            "--data-dir",
            dir,
        ],
        vec!["token", "revoke", "nope", "--data-dir", dir],
        vec!["user", "remove", "nope", "--data-dir", dir],
    ] {
        let output = berth(&bad, None);
        assert!(!output.status.success(), "{bad:?} succeeded");
        assert!(!output.stderr.is_empty(), "{bad:?} said nothing");
    }
    let short = berth(
        &[
            "user",
            "add",
            "bo",
            "--role",
            "viewer",
            "--password-stdin",
            "--data-dir",
            dir,
        ],
        Some("hunter2\n"),
    );
    assert!(short.status.success(), "{short:?}");
    assert!(String::from_utf8_lossy(&short.stderr).contains("warning"));
    let empty = berth(
        &[
            "user",
            "add",
            "cy",
            "--role",
            "viewer",
            "--password-stdin",
            "--data-dir",
            dir,
        ],
        Some("\n"),
    );
    assert!(!empty.status.success());
}

#[tokio::test]
async fn berth_admin_password_creates_the_first_admin_so_a_public_bind_starts() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_str().expect("utf-8 path");
    let mut child = Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["--host", "0.0.0.0", "--port", "0", "--data-dir", dir])
        .env("BERTH_ADMIN_PASSWORD", "first admin password")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("berth runs");
    let store = loop {
        if let Ok(store) = Store::open(data.path())
            && store.has_users().unwrap_or(false)
        {
            break store;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("berth exited: {status}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let still_running = child.try_wait().expect("status").is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "berth should keep serving");
    let users = store.list_users().expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].name.as_str(), users[0].role),
        ("admin", Role::Admin)
    );
}
