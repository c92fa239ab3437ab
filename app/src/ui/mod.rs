//! The console's components, one module per resource.

pub mod access;
pub mod container_create;
pub mod container_details;
pub mod containers;
pub mod daemon;
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
pub mod theme;
pub mod volumes;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;
use resource::ActionOutcome;

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

/// The browser tab's title for a console path: the object, then its page, then `Berth`
/// (`web · Containers · Berth`), so tabs, history and screen readers tell pages apart.
pub fn page_title(path: &str) -> String {
    let segments: Vec<&str> = path.trim_matches('/').splitn(2, '/').collect();
    let section = match segments[0] {
        "" => "Dashboard",
        "users" => "Users",
        "tokens" => "API tokens",
        "audit" => "Audit trail",
        "login" => "Sign in",
        first => PAGES
            .iter()
            .find(|(href, _)| href.trim_start_matches('/') == first)
            .map_or("Page not found", |(_, label)| label),
    };
    match (segments[0], segments.get(1).filter(|rest| !rest.is_empty())) {
        ("containers", Some(&"new")) => "New container · Berth".to_string(),
        ("containers" | "images", Some(object)) => {
            format!("{} · {section} · Berth", percent_decoded(object))
        }
        (_, None) => format!("{section} · Berth"),
        (_, Some(_)) => "Page not found · Berth".to_string(),
    }
}

/// `%XX` escapes of a path segment decoded (`127.0.0.1%3A5055` → `127.0.0.1:5055`); a broken escape stays as
/// it is.
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| segment.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The document's `<title>`, following the route ([`page_title`]); inside the router.
///
/// On the server, the `<head>` is written after the page, when the router's location may already be disposed:
/// the title then is the one of the path the page was rendered for.
#[component]
pub fn PageTitle() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let rendered_for = page_title(&location.pathname.get_untracked());
    let title = move || {
        location
            .pathname
            .try_get()
            .map_or_else(|| rendered_for.clone(), |path| page_title(&path))
    };
    view! { <leptos_meta::Title text=title/> }
}

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
    R: Clone + std::hash::Hash + Send + Sync + 'static,
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

/// A row's key: a hash of all its data, so any change to the row gives it a new key (and only that row is
/// redrawn). Hashing, not serializing, keeps this cheap for 1,000 rows and out of the WASM's JSON code.
pub(crate) fn row_key<R: std::hash::Hash>(row: &R) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(row)
}

/// A label and the text input it names, bound to `value` (an inline form's field).
#[component]
pub fn LabelledText(
    /// The input's `id` (the label's `for`).
    id: &'static str,
    /// The label's text (the field's accessible name).
    label: &'static str,
    /// The field's value, kept as it is typed.
    value: RwSignal<String>,
    /// An example shown while the field is empty.
    #[prop(optional)]
    placeholder: &'static str,
    /// Whether the form needs it.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type="text"
            required=required
            placeholder=placeholder
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// A banner for a failed call, telling "daemon down" from "not found" from the rest.
#[component]
pub fn ErrorBanner(
    /// The failure to show.
    error: AppError,
) -> impl IntoView {
    let (class, title) = match &error {
        AppError::DaemonUnavailable => ("banner banner-down", "Docker engine unreachable"),
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
            // The focus moves into the dialog, onto the choice that destroys nothing (as WAI-ARIA advises).
            let cancel = NodeRef::<leptos::html::Button>::new();
            focus_when_shown(cancel);
            view! {
                <DialogFrame title_id="dialog-title" title on_close=close>
                    <p>{text}</p>
                    {extra}
                    <div class="dialog-actions">
                        <button class="cancel" node_ref=cancel on:click=move |_| target.set(None)>"Cancel"</button>
                        <button
                            class="danger"
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

/// A row's button that opens a dialog about one object: its text is the action, its accessible name the
/// action and the object (`aria-label="Remove web"`, or `label` when given), and pressing it puts `value`
/// in `target`, the signal the dialog opens on.
#[component]
pub fn DialogButton<T>(
    /// The button's class.
    class: &'static str,
    /// The action, the button's text, e.g. "Remove".
    action: &'static str,
    /// The object's name, e.g. the container's.
    #[prop(into)]
    object: String,
    /// The accessible name, when "<action> <object>" does not read well.
    #[prop(optional, into)]
    label: Option<String>,
    /// The signal the dialog opens on.
    target: RwSignal<Option<T>>,
    /// What the dialog is about.
    value: T,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let label = label.unwrap_or_else(|| format!("{action} {object}"));
    view! {
        <button class=class aria-label=label on:click=move |_| target.set(Some(value.clone()))>
            {action}
        </button>
    }
}

/// A modal dialog (`role="dialog"`, named by its title); `Esc` runs `on_close` wherever the focus is.
#[component]
pub fn DialogFrame(
    /// The dialog's title, which names it.
    #[prop(into)]
    title: String,
    /// The title element's id (default `dialog-title`), for content that points at it.
    #[prop(optional, into)]
    title_id: Option<String>,
    /// Closes the dialog (Cancel, `Esc`).
    on_close: Callback<()>,
    /// The dialog's body and buttons.
    children: Children,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" {
                on_close.run(());
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_close;
    let title_id = title_id.unwrap_or_else(|| "dialog-title".to_string());
    let labelled_by = title_id.clone();
    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
            >
                <h2 id=title_id>{title}</h2>
                {children()}
            </div>
        </div>
    }
}

/// A confirmation that first shows what an action will touch (a prune's preview): a summary sentence, the
/// list of items, and a confirming button carrying the action's name; with nothing listed only "Close" is
/// offered. Open while `target` holds the preview; Cancel or `Esc` closes it.
#[component]
pub fn PreviewDialog<T, S, I>(
    /// The preview; `None` keeps the dialog closed.
    target: RwSignal<Option<T>>,
    /// The dialog's title.
    title: &'static str,
    /// The sentence above the list (what will happen, the space it frees).
    summary: S,
    /// The items listed, one line each.
    items: I,
    /// The confirming button's text (the action's name).
    confirm: &'static str,
    /// Runs with the preview once confirmed.
    on_confirm: Callback<T>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Fn(&T) -> String + Send + Sync + 'static,
    I: Fn(&T) -> Vec<String> + Send + Sync + 'static,
{
    move || {
        target.get().map(|preview| {
            let text = summary(&preview);
            let lines = items(&preview);
            let empty = lines.is_empty();
            let list = lines
                .into_iter()
                .map(|line| view! { <li>{line}</li> })
                .collect_view();
            let first = NodeRef::<leptos::html::Button>::new();
            focus_when_shown(first);
            view! {
                <DialogFrame title=title.to_string() on_close=Callback::new(move |_| target.set(None))>
                    <p>{text}</p>
                    {(!empty).then(|| view! { <ul class="preview-list" aria-label="Will be removed">{list}</ul> })}
                    <div class="dialog-actions">
                        <button class="cancel" node_ref=first on:click=move |_| target.set(None)>
                            {if empty { "Close" } else { "Cancel" }}
                        </button>
                        {(!empty).then(|| {
                            let preview = preview.clone();
                            view! {
                                <button
                                    class="danger"
                                    on:click=move |_| {
                                        target.set(None);
                                        on_confirm.run(preview.clone());
                                    }
                                >
                                    {confirm}
                                </button>
                            }
                        })}
                    </div>
                </DialogFrame>
            }
        })
    }
}

/// A prune's preview, asked of the server when the Prune button is pressed and shown in a [`PreviewDialog`].
pub struct PrunePreview<T: Send + Sync + 'static> {
    /// The preview on show (the dialog is open while it is `Some`).
    pub shown: RwSignal<Option<T>>,
    /// Whether the preview is being asked for.
    pub loading: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for PrunePreview<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for PrunePreview<T> {}

impl<T: Send + Sync + 'static> PrunePreview<T> {
    /// Nothing shown, nothing asked.
    pub fn new() -> Self {
        Self {
            shown: RwSignal::new(None),
            loading: RwSignal::new(false),
        }
    }

    /// Asks `fetch` for the preview and shows it; a failure goes to `outcome`.
    pub fn load<F, Fut>(self, fetch: F, outcome: ActionOutcome)
    where
        F: FnOnce() -> Fut + 'static,
        Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
    {
        self.loading.set(true);
        leptos::task::spawn_local(async move {
            match fetch().await {
                Ok(preview) => self.shown.set(Some(preview)),
                Err(error) => outcome.fail(error),
            }
            self.loading.set(false);
        });
    }
}

impl<T: Send + Sync + 'static> Default for PrunePreview<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The "Prune unused" button: it says when it is checking (the preview) or pruning.
#[component]
pub fn PruneButton(
    /// Whether the preview is being asked for.
    loading: RwSignal<bool>,
    /// Whether the prune runs.
    pruning: Signal<bool>,
    /// Asks for the preview.
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button class="prune" on:click=move |_| on_click.run(()) disabled=move || loading.get() || pruning.get()>
            {move || {
                if loading.get() {
                    "Checking…"
                } else if pruning.get() {
                    "Pruning…"
                } else {
                    "Prune unused"
                }
            }}
        </button>
    }
}

/// Moves the keyboard focus to `button` once it is in the page (dialogs: so `Esc` and `Enter` reach them).
pub fn focus_when_shown(button: NodeRef<leptos::html::Button>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            let _ = button.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = button;
}

/// Which rows of a list are expanded, by name: kept by the page, so a row stays open when the list is
/// drawn again after an event.
#[derive(Clone, Copy)]
pub struct OpenRows(pub RwSignal<std::collections::BTreeSet<String>>);

impl OpenRows {
    /// No row open.
    pub fn new() -> Self {
        Self(RwSignal::new(Default::default()))
    }

    /// Whether row `name` is open (tracked).
    pub fn is_open(self, name: &str) -> bool {
        self.0.with(|open| open.contains(name))
    }

    /// Opens row `name`, or closes it when open.
    pub fn toggle(self, name: &str) {
        self.0.update(|open| {
            if !open.remove(name) {
                open.insert(name.to_string());
            }
        });
    }
}

impl Default for OpenRows {
    fn default() -> Self {
        Self::new()
    }
}

/// The details of a list's open rows, by name.
pub type RowDetails<T> = RwSignal<std::collections::BTreeMap<String, Result<T, AppError>>>;

/// Loads the details of the rows in `open` with `fetch` when a row opens, and again each time `reloaded`
/// changes (the list was fetched again): kept by the page, so the rows can be drawn anew at any time.
pub fn follow_row_details<T, F, Fut>(
    open: OpenRows,
    reloaded: impl Fn() + 'static,
    fetch: F,
) -> RowDetails<T>
where
    T: Send + Sync + 'static,
    F: Fn(String) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    let loaded: RowDetails<T> = RwSignal::new(Default::default());
    Effect::new(move |_| {
        reloaded();
        for name in open.0.get() {
            leptos::task::spawn_local(async move {
                let answer = fetch(name.clone()).await;
                loaded.update(|rows| {
                    rows.insert(name, answer);
                });
            });
        }
    });
    loaded
}

/// The button that opens and closes a row's details (`aria-expanded`, named "Details of {name}").
#[component]
pub fn ExpandButton(
    /// The list's open rows.
    rows: OpenRows,
    /// The row's object.
    name: String,
    /// The `id` of the details it shows.
    controls: String,
) -> impl IntoView {
    let label = format!("Details of {name}");
    let shown = name.clone();
    let open = Signal::derive(move || rows.is_open(&shown));
    view! {
        <button
            class="expand"
            aria-expanded=move || open.get().to_string()
            aria-controls=controls
            aria-label=label
            on:click=move |_| rows.toggle(&name)
        >
            {move || if open.get() { "▾" } else { "▸" }}
        </button>
    }
}

/// One editable `key = value` row of a form's list (labels, driver options).
#[derive(Clone, Copy)]
pub struct KeyValueRow {
    /// Tells rows apart while they are added and removed.
    pub id: u32,
    /// The key typed.
    pub key: RwSignal<String>,
    /// The value typed.
    pub value: RwSignal<String>,
}

/// The rows of a key/value list as a map, blank keys left out; `None` when there are none.
pub fn key_value_map(rows: &[KeyValueRow]) -> Option<std::collections::BTreeMap<String, String>> {
    let map: std::collections::BTreeMap<String, String> = rows
        .iter()
        .map(|row| {
            (
                row.key.get_untracked().trim().to_string(),
                row.value.get_untracked(),
            )
        })
        .filter(|(key, _)| !key.is_empty())
        .collect();
    (!map.is_empty()).then_some(map)
}

/// A form's list of `key = value` rows with an `Add` button; each row's inputs are labelled
/// (`"{noun} 1 key"`, `"{noun} 1 value"`) and it has its own `Remove` button.
#[component]
pub fn KeyValueRows(
    /// The legend of the group (`Labels`, `Driver options`).
    legend: &'static str,
    /// What one row is (`Label`, `Option`): names the inputs and buttons.
    noun: &'static str,
    /// The rows.
    rows: RwSignal<Vec<KeyValueRow>>,
) -> impl IntoView {
    let next_id = StoredValue::new(0_u32);
    let add = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        rows.update(|rows| {
            rows.push(KeyValueRow {
                id,
                key: RwSignal::new(String::new()),
                value: RwSignal::new(String::new()),
            })
        });
    };
    view! {
        <fieldset class="rows">
            <legend>{legend}</legend>
            <For
                each=move || rows.get().into_iter().enumerate()
                key=|(index, row)| (*index, row.id)
                children=move |(index, row)| {
                    let n = index + 1;
                    view! {
                        <div class="row">
                            <input
                                type="text"
                                class="key"
                                aria-label=format!("{noun} {n} key")
                                placeholder="key"
                                prop:value=move || row.key.get()
                                on:input=move |ev| row.key.set(event_target_value(&ev))
                            />
                            <span aria-hidden="true">"="</span>
                            <input
                                type="text"
                                class="value"
                                aria-label=format!("{noun} {n} value")
                                placeholder="value"
                                prop:value=move || row.value.get()
                                on:input=move |ev| row.value.set(event_target_value(&ev))
                            />
                            <button
                                type="button"
                                aria-label=format!("Remove {noun} {n}")
                                on:click=move |_| rows.update(|rows| rows.retain(|other| other.id != row.id))
                            >
                                "✕"
                            </button>
                        </div>
                    }
                }
            />
            <button type="button" class="add" aria-label=format!("Add {}", noun.to_lowercase()) on:click=add>
                "Add"
            </button>
        </fieldset>
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
    use super::{page_title, row_key, text_matches};
    use crate::model::volumes::VolumeSummary;

    #[test]
    fn a_row_keeps_its_key_until_any_of_its_data_changes() {
        let volume = VolumeSummary {
            name: "data".into(),
            driver: "local".into(),
            mountpoint: "/var/lib/docker/volumes/data/_data".into(),
            created: "2026-11-29T00:00:00Z".into(),
            labels: Default::default(),
            scope: "local".into(),
            options: Default::default(),
        };
        assert_eq!(row_key(&volume), row_key(&volume.clone()));
        let mut relabelled = volume.clone();
        relabelled.labels.insert("team".into(), "a".into());
        assert_ne!(row_key(&volume), row_key(&relabelled));
        let mut renamed = volume.clone();
        renamed.name = "data2".into();
        assert_ne!(row_key(&volume), row_key(&renamed));
    }

    #[test]
    fn a_page_title_names_the_object_then_its_page() {
        assert_eq!(page_title("/"), "Dashboard · Berth");
        assert_eq!(page_title("/containers"), "Containers · Berth");
        assert_eq!(page_title("/containers/"), "Containers · Berth");
        assert_eq!(page_title("/containers/new"), "New container · Berth");
        assert_eq!(page_title("/containers/web"), "web · Containers · Berth");
        assert_eq!(
            page_title("/images/127.0.0.1%3A5055/app:1.0"),
            "127.0.0.1:5055/app:1.0 · Images · Berth"
        );
        assert_eq!(
            page_title("/images/bad%zzescape%4"),
            "bad%zzescape%4 · Images · Berth"
        );
        assert_eq!(page_title("/tokens"), "API tokens · Berth");
        assert_eq!(page_title("/login"), "Sign in · Berth");
        assert_eq!(page_title("/nowhere"), "Page not found · Berth");
        assert_eq!(page_title("/volumes/extra"), "Page not found · Berth");
    }

    #[test]
    fn a_search_matches_any_field_ignoring_case() {
        assert!(text_matches("", &["web"]));
        assert!(text_matches(" WEB ", &["nginx", "my-web-1"]));
        assert!(!text_matches("db", &["nginx", "web"]));
    }
}
