//! The Terminal tab: an interactive shell in the container over the exec WebSocket
//! (`/api/containers/{id}/exec/ws?command=sh&tty=true`), drawn by xterm.js. xterm.js is vendored from npm
//! into `public/vendor/xterm/` at build time (scripts/vendor-assets.sh) and loaded, with Berth's small
//! glue `public/terminal.js`, only when the tab opens; nothing comes from a CDN.

use leptos::prelude::*;

use crate::model::auth::Role;
use crate::ui::session::{allows, caller_role};

/// The glue script: it loads xterm.js and starts the terminals it finds (see `public/terminal.js`).
pub const TERMINAL_SCRIPT: &str = "/terminal.js";

/// The WebSocket path of an interactive `sh` in container `name`.
pub fn exec_socket_path(name: &str) -> String {
    format!("/api/containers/{name}/exec/ws?command=sh&tty=true")
}

/// The Terminal tab.
#[component]
pub fn TerminalTab(
    /// The container's name.
    name: String,
    /// Whether it runs (exec needs a running container).
    running: bool,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {
                let name = name.clone();
                move || {
                    let name = name.clone();
                    Suspend::new(async move {
                        if !allows(caller_role().await, Role::Operator) {
                            return view! { <p class="muted">"Your role may not open a terminal in containers."</p> }.into_any();
                        }
                        if !running {
                            return view! { <p class="muted">"The container is not running: start it to open a terminal."</p> }.into_any();
                        }
                        view! { <Terminal name/> }.into_any()
                    })
                }
            }
        </Suspense>
    }
}

/// The terminal itself: a box the glue script fills; closing the tab ends the session.
#[component]
fn Terminal(name: String) -> impl IntoView {
    let session = format!(
        "term-{}-{}",
        name,
        (js_now() * 1000.0) as u64 % 1_000_000_000
    );
    let url = exec_socket_path(&name);
    #[cfg(feature = "hydrate")]
    {
        let session = session.clone();
        Effect::new(move |_| glue::start());
        on_cleanup(move || glue::stop(&session));
    }
    view! {
        <p class="muted">"An interactive sh in the container; closing the tab ends it."</p>
        <div
            id="terminal"
            class="terminal-box"
            data-terminal-url=url
            data-terminal-session=session
            role="application"
            aria-label=format!("Terminal in {name}")
        ></div>
    }
}

/// Milliseconds since the epoch in the browser, for session names; 0 on the server.
fn js_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|window| window.performance())
            .map_or(0.0, |performance| {
                performance.now() + performance.time_origin()
            })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[cfg(feature = "hydrate")]
mod glue {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// Starts every terminal box in the page that has not started yet (defined by terminal.js).
        #[wasm_bindgen(js_namespace = window, js_name = berthStartTerminals, catch)]
        fn berth_start_terminals() -> Result<(), JsValue>;
        /// Ends a terminal session: closes its WebSocket and disposes of its xterm.
        #[wasm_bindgen(js_namespace = window, js_name = berthStopTerminal, catch)]
        fn berth_stop_terminal(session: &str) -> Result<(), JsValue>;
    }

    /// Loads the glue script once (it starts the terminals when loaded), or starts them if it already is.
    pub fn start() {
        if berth_start_terminals().is_ok() {
            return;
        }
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        if document
            .query_selector("script[data-berth-terminal]")
            .ok()
            .flatten()
            .is_some()
        {
            // Loading: it starts the terminals once loaded.
            return;
        }
        if let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) {
            let _ = script.set_attribute("src", super::TERMINAL_SCRIPT);
            let _ = script.set_attribute("data-berth-terminal", "");
            let _ = head.append_child(&script);
        }
    }

    /// Ends one session.
    pub fn stop(session: &str) {
        let _ = berth_stop_terminal(session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_runs_an_interactive_shell_with_a_tty() {
        assert_eq!(
            exec_socket_path("web"),
            "/api/containers/web/exec/ws?command=sh&tty=true"
        );
    }
}
