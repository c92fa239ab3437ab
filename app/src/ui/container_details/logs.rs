//! The Logs tab: the container's log, followed live over the log stream; a search that asks the server's
//! `grep` over the whole history; timestamps on demand; a download of the whole log as text. Only the lines
//! in view are in the page (a window over up to [`LINES_KEPT`] lines), so a long log stays fluid.

use leptos::html::Div;
use leptos::prelude::*;

use crate::model::live::LogLine;
use crate::ui::live::use_log_lines;

/// How many lines the view keeps (and asks the server for at most).
pub const LINES_KEPT: usize = 100_000;

/// The height of one line, in CSS pixels (`.log-line` in the style sheet has the same).
const LINE_HEIGHT: f64 = 18.0;

/// Lines drawn above and below the visible ones, so a fast scroll shows no gap.
const OVERSCAN: usize = 30;

/// Lines drawn when the viewport's height is not known yet (server rendering).
const DEFAULT_VISIBLE: usize = 40;

/// The range of line indexes to draw for a viewport scrolled to `scroll_top` pixels, `height` pixels tall,
/// over `total` lines.
pub fn visible_window(scroll_top: f64, height: f64, total: usize) -> std::ops::Range<usize> {
    let first = (scroll_top.max(0.0) / LINE_HEIGHT).floor() as usize;
    let visible = if height > 0.0 {
        (height / LINE_HEIGHT).ceil() as usize
    } else {
        DEFAULT_VISIBLE
    };
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + visible + OVERSCAN).min(total);
    start..end
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The log stream's query: the last [`LINES_KEPT`] lines (or matches of `search`, over the whole log).
pub fn logs_query(search: &str, timestamps: bool) -> String {
    let mut query = format!("tail={LINES_KEPT}");
    if timestamps {
        query.push_str("&timestamps=true");
    }
    let search = search.trim();
    if !search.is_empty() {
        query.push_str("&ignore_case=true&grep=");
        query.push_str(&encode_query_value(search));
    }
    query
}

/// The Logs tab.
#[component]
pub fn LogsTab(
    /// The container's name.
    name: String,
    /// Whether it runs (a stopped container's log is complete: no "following" then).
    running: bool,
) -> impl IntoView {
    let timestamps = RwSignal::new(false);
    let search_input = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let download = {
        let name = name.clone();
        move || {
            let stamps = if timestamps.get() {
                "&timestamps=true"
            } else {
                ""
            };
            format!("/api/containers/{name}/logs?format=text&tail=all{stamps}")
        }
    };
    let view_name = name.clone();
    view! {
        <form
            class="inline-form logs-controls"
            on:submit=move |ev| {
                ev.prevent_default();
                search.set(search_input.get_untracked());
            }
        >
            <label for="logs-search">"Search"</label>
            <input
                id="logs-search"
                type="search"
                placeholder="text in the whole log"
                prop:value=move || search_input.get()
                on:input=move |ev| search_input.set(event_target_value(&ev))
            />
            <button type="submit">"Find"</button>
            <button
                type="button"
                class="clear-search"
                disabled=move || search.get().is_empty()
                on:click=move |_| {
                    search_input.set(String::new());
                    search.set(String::new());
                }
            >
                "Clear"
            </button>
            <label class="toggle">
                <input
                    type="checkbox"
                    id="logs-timestamps"
                    prop:checked=move || timestamps.get()
                    on:change=move |ev| timestamps.set(event_target_checked(&ev))
                />
                " Timestamps"
            </label>
            <a class="button download" href=download download=format!("{name}.log")>"Download"</a>
            {running.then(|| view! { <span class="muted following">"Following"</span> })}
        </form>
        // A new search or the timestamps toggle opens a new stream (the old one is closed).
        {move || {
            let query = logs_query(&search.get(), timestamps.get());
            let searching = !search.get().trim().is_empty();
            view! { <LogLines name=view_name.clone() query searching/> }
        }}
    }
}

/// The lines of one log stream, drawn as a window over the whole list.
#[component]
fn LogLines(name: String, query: String, searching: bool) -> impl IntoView {
    let lines = use_log_lines(&name, &query, LINES_KEPT);
    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let height = RwSignal::new(0.0_f64);
    let stick_to_bottom = RwSignal::new(true);
    let total = move || lines.with(Vec::len);

    // New lines keep the view at the bottom unless the reader scrolled up.
    Effect::new(move |_| {
        let count = total();
        if let Some(element) = viewport.get()
            && stick_to_bottom.get_untracked()
        {
            let bottom = count as f64 * LINE_HEIGHT;
            element.set_scroll_top(bottom as i32);
            scroll_top.set(element.scroll_top() as f64);
            height.set(element.client_height() as f64);
        }
    });
    let on_scroll = move |_| {
        if let Some(element) = viewport.get() {
            let top = element.scroll_top() as f64;
            let client = element.client_height() as f64;
            scroll_top.set(top);
            height.set(client);
            stick_to_bottom.set(top + client >= element.scroll_height() as f64 - LINE_HEIGHT);
        }
    };
    let window = Memo::new(move |_| visible_window(scroll_top.get(), height.get(), total()));
    let shown = move || {
        let range = window.get();
        lines.with(|lines| {
            lines[range.clone()]
                .iter()
                .cloned()
                .zip(range)
                .collect::<Vec<(LogLine, usize)>>()
        })
    };
    let summary = move || {
        let count = total();
        match (searching, count) {
            (true, 1) => "1 matching line".to_string(),
            (true, n) => format!("{n} matching lines"),
            (false, 1) => "1 line".to_string(),
            (false, n) => format!("{n} lines"),
        }
    };
    view! {
        <p class="muted logs-summary" aria-live="polite">{summary}</p>
        <div
            id="log-view"
            class="log-view"
            node_ref=viewport
            on:scroll=on_scroll
            tabindex="0"
            role="log"
            aria-label="Container log"
        >
            <div class="log-spacer" style:height=move || format!("{}px", total() as f64 * LINE_HEIGHT)>
                <div
                    class="log-window"
                    style:transform=move || format!("translateY({}px)", window.get().start as f64 * LINE_HEIGHT)
                >
                    <For each=shown key=|item| item.clone() let:item>
                        <LogRow line=item.0/>
                    </For>
                </div>
            </div>
        </div>
    }
}

#[component]
fn LogRow(line: LogLine) -> impl IntoView {
    let class = if line.stream == "stderr" {
        "log-line stderr"
    } else {
        "log-line"
    };
    view! {
        <div class=class>
            {line.timestamp.map(|time| view! { <span class="log-time">{time}" "</span> })}
            {line.line}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_viewport_and_some_lines_around_it() {
        let range = visible_window(18.0 * 1000.0, 18.0 * 20.0, 100_000);
        assert_eq!(range, (1000 - OVERSCAN)..(1020 + OVERSCAN));
        assert_eq!(visible_window(0.0, 360.0, 5), 0..5);
        assert_eq!(visible_window(0.0, 0.0, 0), 0..0);
        // past the end (the list shrank): nothing beyond the last line
        assert_eq!(visible_window(18.0 * 500.0, 360.0, 100), 100..100);
    }

    #[test]
    fn the_query_asks_the_server_to_search_the_whole_log() {
        assert_eq!(logs_query("", false), "tail=100000");
        assert_eq!(
            logs_query(" needle 1&x ", true),
            "tail=100000&timestamps=true&ignore_case=true&grep=needle%201%26x"
        );
    }
}
