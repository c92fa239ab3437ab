//! The console's components, one module per resource.

pub mod access;
pub mod container_details;
pub mod containers;
pub mod dashboard;
pub mod event_stream;
pub mod events;
pub mod image_details;
pub mod image_streams;
pub mod images;
pub mod live;
pub mod networks;
pub mod resource;
pub mod rest;
pub mod session;
pub mod system;
pub mod volumes;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;

/// Marks `<body data-hydrated="true">` once the WASM has taken over (effects run only in the browser).
pub fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The console's pages, as `(path, label)`, in the order of the nav bar.
pub const PAGES: [(&str, &str); 7] = [
    ("/", "Dashboard"),
    ("/containers", "Containers"),
    ("/images", "Images"),
    ("/volumes", "Volumes"),
    ("/networks", "Networks"),
    ("/events", "Events"),
    ("/system", "System"),
];

/// The nav bar: one link per page, the current one marked `aria-current="page"` (by the router's `<A>`).
#[component]
pub fn Nav() -> impl IntoView {
    let links = PAGES
        .into_iter()
        .map(|(href, label)| {
            // "/" would otherwise be the prefix of every page
            view! { <A href=href exact=href == "/">{label}</A> }
        })
        .collect_view();
    view! { <nav class="nav" aria-label="Console pages">{links}</nav> }
}

/// A resource table with keyed rows: a row is redrawn only when its own data changes (its key is the row's
/// JSON), so a live update of one container redraws one row, not the table. With no rows it shows one
/// "empty" row and no header.
#[component]
pub fn DataTable<R, F>(
    /// The table's `id` (the page's selector for it).
    id: &'static str,
    /// Column titles.
    headers: &'static [&'static str],
    /// What to say when there are no rows.
    empty: &'static str,
    /// The rows' data, in display order.
    #[prop(into)]
    rows: Signal<Vec<R>>,
    /// Draws one row (a `<tr>`, as `AnyView`).
    row: F,
) -> impl IntoView
where
    R: Clone + serde::Serialize + Send + Sync + 'static,
    F: Fn(R) -> AnyView + Clone + Send + Sync + 'static,
{
    let is_empty = Memo::new(move |_| rows.with(Vec::is_empty));
    let header = move || {
        headers
            .iter()
            .map(|title| view! { <th>{*title}</th> })
            .collect_view()
    };
    view! {
        <table id=id class="table">
            {move || (!is_empty.get()).then(|| view! { <thead><tr>{header()}</tr></thead> })}
            <tbody>
                {move || is_empty.get().then(|| view! { <tr><td class="empty">{empty}</td></tr> })}
                <For each=move || rows.get() key=row_key children=row/>
            </tbody>
        </table>
    }
}

/// A row's key: its JSON, so any change to the row's data gives it a new key (and only that row is redrawn).
fn row_key<R: serde::Serialize>(row: &R) -> String {
    serde_json::to_string(row).unwrap_or_default()
}

/// A banner for a failed call, telling "daemon down" from "not found" from the rest.
#[component]
pub fn ErrorBanner(
    /// The failure to show.
    error: AppError,
) -> impl IntoView {
    let (class, title) = match &error {
        AppError::DaemonUnavailable => ("banner banner-down", "Docker is unreachable"),
        AppError::DaemonTimeout(_) => ("banner banner-down", "Docker is not answering"),
        AppError::NotFound(_) => ("banner banner-warn", "Not found"),
        AppError::Conflict(_) => ("banner banner-warn", "Conflict"),
        _ => ("banner banner-error", "Error"),
    };
    view! {
        <div class=class role="alert">
            <strong>{title}</strong>
            " "
            <span class="banner-message">{error.to_string()}</span>
        </div>
    }
}

/// A confirmation for a destructive action: open while `target` holds the object, it names what will be
/// destroyed, and its confirming button carries the action's name; Cancel or `Esc` closes it.
#[component]
pub fn ConfirmDialog<T, D>(
    /// The object the action would destroy; `None` keeps the dialog closed.
    target: RwSignal<Option<T>>,
    /// The dialog's title.
    title: &'static str,
    /// The sentence naming what is destroyed.
    describe: D,
    /// The confirming button's text (the action's name).
    confirm: &'static str,
    /// Runs with the object once confirmed.
    on_confirm: Callback<T>,
    /// More to show under the sentence (e.g. a "force" option).
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    D: Fn(&T) -> String + Send + Sync + 'static,
{
    move || {
        target.get().map(|item| {
            let text = describe(&item);
            let extra = children.clone().map(|children| children());
            let close = Callback::new(move |()| target.set(None));
            view! {
                <DialogFrame title_id="dialog-title" title on_close=close>
                    <p>{text}</p>
                    {extra}
                    <div class="dialog-actions">
                        <button class="cancel" on:click=move |_| target.set(None)>"Cancel"</button>
                        <button
                            class="danger"
                            autofocus=true
                            on:click=move |_| {
                                target.set(None);
                                on_confirm.run(item.clone());
                            }
                        >
                            {confirm}
                        </button>
                    </div>
                </DialogFrame>
            }
        })
    }
}

/// A modal dialog's frame: the backdrop, a `role="dialog"` labelled by its title, and `Esc` to close.
#[component]
pub fn DialogFrame(
    /// The title element's `id` (the dialog's accessible name points at it).
    title_id: &'static str,
    /// The title.
    #[prop(into)]
    title: String,
    /// Closes the dialog (`Esc`).
    on_close: Callback<()>,
    /// The dialog's body and buttons.
    children: Children,
) -> impl IntoView {
    // Esc closes the dialog wherever the focus is (the page's own button keeps it after opening).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby=title_id>
                <h2 id=title_id>{title}</h2>
                {children()}
            </div>
        </div>
    }
}

/// Whether any of `fields` contains `search` (ignoring case and surrounding blanks); an empty search matches.
pub fn text_matches(search: &str, fields: &[&str]) -> bool {
    let search = search.trim().to_lowercase();
    search.is_empty()
        || fields
            .iter()
            .any(|field| field.to_lowercase().contains(&search))
}

/// A list's search box, labelled "Search" (typing narrows the list at once; `/` anywhere focuses it).
#[component]
pub fn SearchBox(
    /// The input's `id`.
    id: &'static str,
    /// What the user typed.
    search: RwSignal<String>,
    /// The hint inside the empty box.
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label for=id class="search-label">"Search"</label>
        <input
            id=id
            type="search"
            placeholder=placeholder
            prop:value=move || search.get()
            on:input=move |ev| search.set(event_target_value(&ev))
        />
    }
}

/// `/` focuses the page's first search box, unless the user is typing in a field already.
pub fn focus_search_on_slash() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, |ev| {
            if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|element| {
                    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || element.closest(".terminal-box").ok().flatten().is_some()
                });
            if typing {
                return;
            }
            if let Some(search) = document()
                .query_selector("input[type=search]")
                .ok()
                .flatten()
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            {
                ev.prevent_default();
                let _ = search.focus();
            }
        });
        on_cleanup(move || handle.remove());
    }
}

/// The page for unknown console paths.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to the dashboard"</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::text_matches;

    #[test]
    fn a_search_matches_any_field_ignoring_case() {
        assert!(text_matches("", &["web"]));
        assert!(text_matches(" WEB ", &["nginx", "my-web-1"]));
        assert!(!text_matches("db", &["nginx", "web"]));
    }
}
