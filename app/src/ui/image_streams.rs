//! Image operations with progress: pull and push (each layer's progress as a bar, one component for both)
//! and build from an uploaded context (the builder's lines as they come). All stream from the REST API
//! (`POST /api/images/pull|build` and `POST /api/images/{ref}/push` with `Accept: text/event-stream`);
//! [`StreamedRun`] is what they share: under way, the result, the error; [`LayerRun`] adds the layers.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::LabelledText;
use super::event_stream::{StreamBody, StreamEvent, post_event_stream};
use super::resource::{ActionOutcome, OutcomeNotice};
use super::rest::error_for_status;
use super::session::IfAllowed;
use crate::error::AppError;
use crate::model::auth::Role;
use crate::model::images::ImageSearchResult;

/// One layer's pull or push progress.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayerProgress {
    /// The layer id.
    pub id: String,
    /// The daemon's status word for it.
    pub status: String,
    /// Bytes done in the current phase.
    pub current: i64,
    /// Bytes in the current phase.
    pub total: i64,
}

impl LayerProgress {
    /// Percent done: 100 once the layer is complete (pulled or pushed) or already there (here, or in the
    /// registry, or mounted there from another repository), else the current phase's share.
    pub fn percent(&self) -> i64 {
        match self.status.as_str() {
            "Pull complete" | "Already exists" | "Pushed" | "Layer already exists" => 100,
            status if status.starts_with("Mounted from") => 100,
            _ if self.total > 0 => (self.current * 100 / self.total).clamp(0, 100),
            _ => 0,
        }
    }
}

/// Folds one `progress` message of a pull or a push into the layers seen so far (in order of first
/// appearance); a message about the whole image goes to `notes`.
pub fn apply_layer_progress(
    layers: &mut Vec<LayerProgress>,
    notes: &mut Vec<String>,
    data: &Value,
) {
    let status = data["status"].as_str().unwrap_or_default().to_string();
    // "Pulling from team/app" carries the tag as its id: it is about the image, not a layer.
    let layer = data["id"]
        .as_str()
        .filter(|id| !id.is_empty() && !status.starts_with("Pulling from"));
    let Some(id) = layer else {
        if !status.is_empty() {
            notes.push(status);
        }
        return;
    };
    let current = data["current"].as_i64().unwrap_or(0);
    let total = data["total"].as_i64().unwrap_or(0);
    match layers.iter_mut().find(|layer| layer.id == id) {
        Some(layer) => {
            layer.status = status;
            layer.current = current;
            layer.total = total;
        }
        None => layers.push(LayerProgress {
            id: id.to_string(),
            status,
            current,
            total,
        }),
    }
}

/// The error an `event: error` message of a stream carries.
fn stream_error(event: &StreamEvent) -> AppError {
    let status = event.data["status"].as_u64().unwrap_or(500) as u16;
    let message = event.data["error"]
        .as_str()
        .unwrap_or("The operation failed")
        .to_string();
    error_for_status(status, message)
}

/// One streamed operation's state: whether it is under way, and what it did (its result or its error).
#[derive(Clone, Copy)]
struct StreamedRun {
    pending: RwSignal<bool>,
    outcome: ActionOutcome,
    /// Whether `outcome` is the run's own (a panel's), cleared when a new run starts; a page's outcome
    /// keeps its banner until an action succeeds.
    own_outcome: bool,
}

impl StreamedRun {
    fn new() -> Self {
        Self {
            pending: RwSignal::new(false),
            outcome: ActionOutcome::new(),
            own_outcome: true,
        }
    }

    fn reporting_to(outcome: ActionOutcome) -> Self {
        Self {
            pending: RwSignal::new(false),
            outcome,
            own_outcome: false,
        }
    }

    /// Whether a new run may start (none under way); if so, the run's own last outcome goes (the new run's
    /// progress shows instead).
    fn begin(self) -> bool {
        if self.pending.get_untracked() {
            return false;
        }
        if self.own_outcome {
            self.outcome.clear();
        }
        true
    }

    /// Posts `body` to `path`, handing each progress message to `on_progress`; `after` runs at the end.
    fn run(
        self,
        path: String,
        body: StreamBody,
        mut on_progress: impl FnMut(&Value) + 'static,
        after: Option<Callback<()>>,
    ) {
        self.pending.set(true);
        leptos::task::spawn_local(async move {
            let outcome = post_event_stream(&path, body, |event| match event.name.as_str() {
                "progress" => on_progress(&event.data),
                "result" => {
                    let message = event.data["message"].as_str().unwrap_or("Done");
                    self.outcome.succeed(message);
                }
                "error" => self.outcome.fail(stream_error(&event)),
                _ => {}
            })
            .await;
            if let Err(failure) = outcome {
                self.outcome.fail(failure);
            }
            self.pending.set(false);
            if let Some(after) = after {
                after.run(());
            }
        });
    }

    /// The submit button: `idle` text, `busy` text (and disabled) while under way.
    fn button(self, idle: &'static str, busy: &'static str) -> impl IntoView {
        view! {
            <button
                type="submit"
                disabled=move || self.pending.get()
                aria-busy=move || self.pending.get().to_string()
            >
                {move || if self.pending.get() { busy } else { idle }}
            </button>
        }
    }

    /// The result (a toast with `id`) or the error (a banner).
    fn outcome(self, id: &'static str) -> impl IntoView {
        view! { <OutcomeNotice outcome=self.outcome toast_id=id/> }
    }
}

/// A streamed pull or push: the run, and each layer's progress (plus the messages about the whole image).
#[derive(Clone, Copy)]
pub struct LayerRun {
    run: StreamedRun,
    layers: RwSignal<Vec<LayerProgress>>,
    notes: RwSignal<Vec<String>>,
}

impl Default for LayerRun {
    fn default() -> Self {
        Self::new()
    }
}

impl LayerRun {
    /// Nothing run yet; the run keeps its own result and error (the pull panel shows them under its form).
    pub fn new() -> Self {
        Self::with_run(StreamedRun::new())
    }

    /// Nothing run yet; each run's result or error goes to `outcome` (a page's toast and banner).
    pub fn reporting_to(outcome: ActionOutcome) -> Self {
        Self::with_run(StreamedRun::reporting_to(outcome))
    }

    fn with_run(run: StreamedRun) -> Self {
        Self {
            run,
            layers: RwSignal::new(Vec::new()),
            notes: RwSignal::new(Vec::new()),
        }
    }

    /// Posts `body` to `path` (a pull or a push) and follows its layers, unless a run is under way (then
    /// it answers false); `after` runs at the end.
    pub fn start(self, path: String, body: Value, after: Option<Callback<()>>) -> bool {
        if !self.run.begin() {
            return false;
        }
        self.layers.set(Vec::new());
        self.notes.set(Vec::new());
        let Self { layers, notes, .. } = self;
        let on_progress = move |data: &Value| {
            let (mut all, mut said) = (layers.get_untracked(), notes.get_untracked());
            apply_layer_progress(&mut all, &mut said, data);
            layers.set(all);
            notes.set(said);
        };
        self.run
            .run(path, StreamBody::Json(body), on_progress, after);
        true
    }

    /// Whether a run is under way (tracked).
    pub fn pending(self) -> bool {
        self.run.pending.get()
    }

    /// Each layer as a `progressbar` labelled `Layer <id>` with its status, and the latest message about
    /// the whole image, in a list with `id`.
    pub fn progress(self, id: &'static str) -> impl IntoView {
        let Self { layers, notes, .. } = self;
        view! {
            <div id=id class="progress-list" aria-live="polite">
                <For each=move || layers.get() key=|layer| layer.clone() let:layer>
                    <LayerBar layer/>
                </For>
                {move || notes.get().last().cloned().map(|note| view! { <p class="muted pull-note">{note}</p> })}
            </div>
        }
    }
}

/// One layer's bar.
#[component]
fn LayerBar(layer: LayerProgress) -> impl IntoView {
    let percent = layer.percent();
    view! {
        <div class="layer" data-layer=layer.id.clone()>
            <code class="layer-id">{layer.id.clone()}</code>
            <div
                class="bar"
                role="progressbar"
                aria-label=format!("Layer {}", layer.id)
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent.to_string()
            >
                <div class="bar-fill" style=format!("width: {percent}%")></div>
            </div>
            <span class="layer-status">{layer.status.clone()}</span>
        </div>
    }
}

/// Pull, Search a registry and Build, one at a time (each form's fields keep their plain labels: `Image`,
/// `Tag`, `Term`, `Context`, `Path`).
#[component]
pub fn GetImagePanels(
    /// Reads the images list again (after a pull or a build).
    reload: Callback<()>,
) -> impl IntoView {
    let panel = RwSignal::new(Panel::Pull);
    let switch = move |which: Panel, label: &'static str| {
        view! {
            <button
                class="switch"
                aria-pressed=move || (panel.get() == which).to_string()
                on:click=move |_| panel.set(which)
            >
                {label}
            </button>
        }
    };
    // A search result's Pull button fills the pull form with its name.
    let chosen = RwSignal::new(String::new());
    let pick = Callback::new(move |name: String| {
        chosen.set(name);
        panel.set(Panel::Pull);
    });
    view! {
        <div class="panel-switch" role="group" aria-label="Get an image">
            {switch(Panel::Pull, "Pull an image")}
            {switch(Panel::Search, "Search a registry")}
            <IfAllowed needed=Role::Admin>
                {switch(Panel::Build, "Build an image")}
            </IfAllowed>
        </div>
        {move || match panel.get() {
            Panel::Pull => view! { <PullPanel reload chosen/> }.into_any(),
            Panel::Search => view! { <SearchPanel pick/> }.into_any(),
            Panel::Build => view! { <BuildPanel reload/> }.into_any(),
        }}
    }
}

/// Which of the "get an image" panels shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    Pull,
    Search,
    Build,
}

/// Search a registry (`GET /api/images/search`, like `docker search`): `Term`, then the repositories found
/// with their description, stars and whether they are official, each with a Pull button that fills the pull
/// form. A registry that cannot be reached says so in the banner.
#[component]
fn SearchPanel(pick: Callback<String>) -> impl IntoView {
    let term = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<ImageSearchResult>>);
    let pending = RwSignal::new(false);
    let outcome = ActionOutcome::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let wanted = term.get_untracked().trim().to_string();
        pending.set(true);
        outcome.clear();
        leptos::task::spawn_local(async move {
            let path = format!(
                "/api/images/search?term={}&limit=25",
                super::event_stream::encode_query_value(&wanted)
            );
            let found = super::rest::call("GET", &path, None)
                .await
                .and_then(|answer| super::rest::items::<ImageSearchResult>(&answer, "results"));
            match found {
                Ok(found) => results.set(Some(found)),
                Err(error) => {
                    results.set(None);
                    outcome.fail(error);
                }
            }
            pending.set(false);
        });
    };
    view! {
        <form id="search-images" class="inline-form panel" on:submit=submit>
            <LabelledText id="search-images-term" label="Term" value=term required=true placeholder="nginx"/>
            <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                {move || if pending.get() { "Searching…" } else { "Search" }}
            </button>
        </form>
        <OutcomeNotice outcome/>
        {move || results.get().map(|found| if found.is_empty() {
            view! { <p id="search-results" class="muted">"No repositories found."</p> }.into_any()
        } else {
            view! {
                <table id="search-results" class="table">
                    <thead><tr><th>"Name"</th><th>"Description"</th><th>"Stars"</th><th>"Official"</th><th>"Actions"</th></tr></thead>
                    <tbody>
                        {found.into_iter().map(|repository| {
                            let name = repository.name.clone();
                            view! {
                                <tr data-name=repository.name.clone()>
                                    <td>{repository.name.clone()}</td>
                                    <td>{repository.description}</td>
                                    <td>{repository.stars}</td>
                                    <td>{if repository.official { "yes" } else { "" }}</td>
                                    <td>
                                        <button
                                            aria-label=format!("Pull {}", repository.name)
                                            on:click=move |_| pick.run(name.clone())
                                        >
                                            "Pull"
                                        </button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        })}
    }
}

/// Pull: image and tag; each layer's progress as a bar while it runs, then what was pulled.
#[component]
fn PullPanel(
    reload: Callback<()>,
    /// A repository picked in the search panel, to pull.
    chosen: RwSignal<String>,
) -> impl IntoView {
    let image = RwSignal::new(chosen.get_untracked());
    let tag = RwSignal::new(String::new());
    let pull = LayerRun::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = json!({ "image": image.get_untracked().trim() });
        let wanted_tag = tag.get_untracked().trim().to_string();
        if !wanted_tag.is_empty() {
            body["tag"] = json!(wanted_tag);
        }
        pull.start("/api/images/pull".into(), body, Some(reload));
    };
    view! {
        <form id="pull-image" class="inline-form panel" on:submit=submit>
            <LabelledText id="pull-image-name" label="Image" value=image required=true placeholder="nginx or 127.0.0.1:5055/team/app"/>
            <LabelledText id="pull-image-tag" label="Tag" value=tag placeholder="latest"/>
            {pull.run.button("Pull", "Pulling…")}
        </form>
        {pull.progress("pull-progress")}
        {pull.run.outcome("pull-result")}
    }
}

/// Build: a context uploaded (a tar, plain or gzipped) or a directory on the server (inside `--build-root`
/// when one is set), and a tag; the builder's lines as they come.
#[component]
fn BuildPanel(reload: Callback<()>) -> impl IntoView {
    let context = NodeRef::<leptos::html::Input>::new();
    let from_server_path = RwSignal::new(false);
    let server_path = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<String>::new());
    let run = StreamedRun::new();
    let on_progress = move |data: &Value| {
        if let Some(line) = data["line"].as_str().map(str::trim_end)
            && !line.is_empty()
        {
            lines.update(|all| all.push(line.to_string()));
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !run.begin() {
            return;
        }
        lines.set(Vec::new());
        let wanted_tag = tag.get_untracked().trim().to_string();
        if from_server_path.get_untracked() {
            let mut body = json!({ "path": server_path.get_untracked().trim() });
            if !wanted_tag.is_empty() {
                body["tag"] = json!(wanted_tag);
            }
            run.run(
                "/api/images/build".into(),
                StreamBody::Json(body),
                on_progress,
                Some(reload),
            );
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = context
                .get_untracked()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                run.outcome.fail(AppError::bad_request(
                    "Choose a build context (.tar or .tar.gz)",
                ));
                return;
            };
            let path = if wanted_tag.is_empty() {
                "/api/images/build".to_string()
            } else {
                format!(
                    "/api/images/build?tag={}",
                    super::event_stream::encode_query_value(&wanted_tag)
                )
            };
            run.run(path, StreamBody::File(file), on_progress, Some(reload));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = context;
    };
    view! {
        <form id="build-image" class="inline-form panel" on:submit=submit>
            <label for="build-source">"Source"</label>
            <select
                id="build-source"
                on:change=move |ev| from_server_path.set(event_target_value(&ev) == "path")
            >
                <option value="upload" selected=move || !from_server_path.get()>"Upload a context archive"</option>
                <option value="path" selected=move || from_server_path.get()>"Directory on the server"</option>
            </select>
            {move || if from_server_path.get() {
                view! {
                    <LabelledText id="build-path" label="Path" value=server_path required=true placeholder="/srv/builds/app"/>
                }.into_any()
            } else {
                view! {
                    <label for="build-context">"Context"</label>
                    <input id="build-context" type="file" required accept=".tar,.tar.gz,.tgz" node_ref=context/>
                }.into_any()
            }}
            <LabelledText id="build-tag" label="Tag" value=tag placeholder="team/app:1.0"/>
            {run.button("Build", "Building…")}
        </form>
        {move || (!lines.with(Vec::is_empty)).then(|| view! {
            <pre id="build-output" class="build-output" aria-live="polite">{move || lines.get().join("\n")}</pre>
        })}
        {run.outcome("build-result")}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_progress_keeps_one_bar_per_layer_and_completes_it() {
        let (mut layers, mut notes) = (Vec::new(), Vec::new());
        let steps = [
            json!({"id": "v1", "status": "Pulling from team/app"}),
            json!({"id": "abc", "status": "Downloading", "current": 50, "total": 200}),
            json!({"id": "def", "status": "Already exists"}),
            json!({"id": "abc", "status": "Pull complete"}),
            json!({"id": null, "status": "Status: Downloaded newer image for team/app:v1"}),
        ];
        apply_layer_progress(&mut layers, &mut notes, &steps[0]);
        apply_layer_progress(&mut layers, &mut notes, &steps[1]);
        assert_eq!(layers[0].percent(), 25);
        for step in &steps[2..] {
            apply_layer_progress(&mut layers, &mut notes, step);
        }
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[0].percent(), 100);
        assert_eq!(layers[1].percent(), 100);
        assert_eq!(
            notes,
            vec![
                "Pulling from team/app",
                "Status: Downloaded newer image for team/app:v1"
            ]
        );
    }

    #[test]
    fn push_progress_completes_layers_pushed_already_there_or_mounted() {
        let (mut layers, mut notes) = (Vec::new(), Vec::new());
        let steps = [
            json!({"id": null, "status": "The push refers to repository [127.0.0.1:5055/team/app]"}),
            json!({"id": "aaa", "status": "Preparing"}),
            json!({"id": "bbb", "status": "Preparing"}),
            json!({"id": "ccc", "status": "Preparing"}),
            json!({"id": "aaa", "status": "Pushing", "current": 512, "total": 1024}),
        ];
        for step in &steps {
            apply_layer_progress(&mut layers, &mut notes, step);
        }
        assert_eq!(layers.len(), 3);
        assert_eq!(layers[0].percent(), 50);
        assert_eq!(layers[1].percent(), 0);
        let ends = [
            json!({"id": "aaa", "status": "Pushed"}),
            json!({"id": "bbb", "status": "Layer already exists"}),
            json!({"id": "ccc", "status": "Mounted from team/base"}),
            json!({"id": null, "status": "v1: digest: sha256:abcd size: 528"}),
        ];
        for step in &ends {
            apply_layer_progress(&mut layers, &mut notes, step);
        }
        assert!(
            layers.iter().all(|layer| layer.percent() == 100),
            "{layers:?}"
        );
        assert_eq!(
            notes.last().map(String::as_str),
            Some("v1: digest: sha256:abcd size: 528")
        );
    }
}
