//! `POST /api/containers/{id}/exec` and the WebSocket session `GET /api/containers/{id}/exec/ws`.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn exec_runs_a_command_and_answers_its_output_and_exit_code() {
    let app = TestApp::spawn().await;
    let name = unique("exec");
    let _guard = app.running_container(&name).await;
    let body = app
        .post(
            &format!("/api/containers/{name}/exec"),
            json!({"command": "sh -c 'echo hi; echo err >&2; exit 3'"}),
        )
        .await
        .expect(200);
    let result = &body["result"];
    assert_eq!(result["exit_code"], 3);
    assert_eq!(
        result["command"],
        json!(["sh", "-c", "echo hi; echo err >&2; exit 3"])
    );
    assert_eq!(result["container_id"].as_str().unwrap().len(), 64);
    let output = result["output"].as_str().unwrap();
    assert!(
        output.contains("hi\n") && output.contains("err\n"),
        "{output}"
    );
    assert!(result.get("truncated").is_none(), "{result}");

    let body = app
        .post(
            &format!("/api/containers/{name}/exec"),
            json!({"command": ["sh", "-c", "echo $GREETING; pwd"], "environment": ["GREETING=hello"], "working_dir": "/tmp", "user": ""}),
        )
        .await
        .expect(200);
    assert_eq!(body["result"]["output"], "hello\n/tmp\n");
    assert_eq!(body["result"]["exit_code"], 0);
}

#[tokio::test]
async fn exec_cuts_output_beyond_one_mebibyte() {
    let app = TestApp::spawn().await;
    let name = unique("execbig");
    let _guard = app.running_container(&name).await;
    let body = app
        .post(
            &format!("/api/containers/{name}/exec"),
            json!({"command": ["sh", "-c", "yes 0123456789 | head -c 3000000"]}),
        )
        .await
        .expect(200);
    let result = &body["result"];
    assert_eq!(result["truncated"], true);
    assert_eq!(result["output"].as_str().unwrap().len(), 1024 * 1024);
    assert_eq!(result["exit_code"], 0);
}

#[tokio::test]
async fn exec_refuses_stopped_and_unknown_containers_and_bad_bodies() {
    let app = TestApp::spawn().await;
    let name = unique("execstopped");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let message = app
        .post(
            &format!("/api/containers/{name}/exec"),
            json!({"command": "echo hi"}),
        )
        .await
        .expect_error(409);
    assert!(message.contains("not running"), "{message}");
    app.post(
        &format!("/api/containers/{}/exec", unique("missing")),
        json!({"command": "echo hi"}),
    )
    .await
    .expect_error(404);
    for body in [
        json!({}),
        json!({"command": ""}),
        json!({"command": "echo 'open"}),
        json!({"command": 5}),
        json!({"command": "env", "environment": ["NOEQUALS"]}),
        json!({"command": "env", "bogus": true}),
    ] {
        app.post(&format!("/api/containers/{name}/exec"), body.clone())
            .await
            .expect_error(400);
    }
}

#[tokio::test]
async fn exec_with_a_command_of_the_wrong_type_says_what_it_must_be() {
    let app = TestApp::spawn().await;
    for command in [json!(5), json!([1, 2]), json!({"sh": "-c"}), json!(true)] {
        let message = app
            .post(
                &format!("/api/containers/{}/exec", unique("missing")),
                json!({ "command": command }),
            )
            .await
            .expect_error(400);
        assert_eq!(
            message, "Field 'command' must be a string or a list of strings",
            "{command}"
        );
    }
}

fn ws_url(app: &TestApp, path: &str) -> String {
    format!("{}{path}", app.address.replacen("http://", "ws://", 1))
}

/// Reads binary output until it contains `needle`; answers the text frames seen meanwhile and the output.
async fn read_until<S>(socket: &mut S, needle: &str) -> (Vec<Value>, String)
where
    S: futures_util::Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    let mut output = Vec::new();
    let mut texts = Vec::new();
    tokio::time::timeout(WAIT, async {
        while let Some(message) = socket.next().await {
            match message.unwrap() {
                Message::Binary(bytes) => {
                    output.extend_from_slice(&bytes);
                    if String::from_utf8_lossy(&output).contains(needle) {
                        return;
                    }
                }
                Message::Text(text) => texts.push(serde_json::from_str(text.as_str()).unwrap()),
                _ => {}
            }
        }
        panic!(
            "socket closed before {needle:?}; output {:?}",
            String::from_utf8_lossy(&output)
        );
    })
    .await
    .unwrap_or_else(|_| panic!("no {needle:?} in {:?}", String::from_utf8_lossy(&output)));
    (texts, String::from_utf8_lossy(&output).into_owned())
}

#[tokio::test]
async fn a_websocket_session_takes_stdin_resizes_and_ends_with_the_exit_code() {
    let app = TestApp::spawn().await;
    let name = unique("execws");
    let _guard = app.running_container(&name).await;
    let (mut socket, response) = tokio_tungstenite::connect_async(ws_url(
        &app,
        &format!("/api/containers/{name}/exec/ws?command=sh&tty=true"),
    ))
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 101);
    socket
        .send(Message::text(
            r#"{"type": "resize", "cols": 91, "rows": 33}"#,
        ))
        .await
        .unwrap();
    socket
        .send(Message::binary(
            b"stty size; echo $((40+2))-done\n".to_vec(),
        ))
        .await
        .unwrap();
    let (texts, output) = read_until(&mut socket, "42-done").await;
    assert!(texts.is_empty(), "no error for the resize: {texts:?}");
    assert!(
        output.contains("33 91"),
        "the terminal has the size asked for: {output:?}"
    );
    socket
        .send(Message::binary(b"exit 7\n".to_vec()))
        .await
        .unwrap();
    let exit = tokio::time::timeout(WAIT, async {
        loop {
            match socket.next().await.unwrap().unwrap() {
                Message::Binary(_) => {}
                Message::Text(text) => {
                    return serde_json::from_str::<Value>(text.as_str()).unwrap();
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(exit, json!({"type": "exit", "exit_code": 7}));
    let closing = tokio::time::timeout(WAIT, socket.next()).await.unwrap();
    assert!(
        matches!(closing, Some(Ok(Message::Close(_))) | None),
        "{closing:?}"
    );
    app.wait_for_no_open_streams(WAIT).await;
}

#[tokio::test]
async fn a_websocket_session_without_a_terminal_echoes_stdin_through_cat() {
    let app = TestApp::spawn().await;
    let name = unique("execcat");
    let _guard = app.running_container(&name).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url(
        &app,
        &format!("/api/containers/{name}/exec/ws?command=cat&tty=false"),
    ))
    .await
    .unwrap();
    socket
        .send(Message::binary(b"through-stdin\n".to_vec()))
        .await
        .unwrap();
    read_until(&mut socket, "through-stdin").await;
    socket
        .send(Message::text(r#"{"type": "launch"}"#))
        .await
        .unwrap();
    let reply = tokio::time::timeout(WAIT, socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let reply: Value = serde_json::from_str(reply.to_text().unwrap()).unwrap();
    assert_eq!(reply["type"], "error", "{reply}");
    // the client leaving ends the session and its daemon connection
    drop(socket);
    app.wait_for_no_open_streams(WAIT).await;
}

#[tokio::test]
async fn the_websocket_handshake_is_refused_for_unknown_and_stopped_containers() {
    let app = TestApp::spawn().await;
    let refused = |result: Result<_, tungstenite::Error>| match result {
        Err(tungstenite::Error::Http(response)) => {
            let body: Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default()).unwrap();
            assert_eq!(body["success"], false, "{body}");
            response.status().as_u16()
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("the handshake succeeded"),
    };
    let missing = tokio_tungstenite::connect_async(ws_url(
        &app,
        &format!("/api/containers/{}/exec/ws?command=sh", unique("missing")),
    ))
    .await;
    assert_eq!(refused(missing.map(|_| ())), 404);

    let name = unique("execwsstopped");
    let _guard = app
        .create_container(json!({"image": test_image(), "name": name}))
        .await;
    let stopped =
        tokio_tungstenite::connect_async(ws_url(&app, &format!("/api/containers/{name}/exec/ws")))
            .await;
    assert_eq!(refused(stopped.map(|_| ())), 409);
}
