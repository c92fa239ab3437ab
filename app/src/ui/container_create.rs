//! The create form `/containers/new`: image, name, command, rows of ports, environment, volumes and
//! labels, restart policy, network and "start after create". Every field is checked as it is typed with
//! the very functions the server uses (`model::container_create`), the equivalent `docker run` line is
//! shown live with a Copy button, and a refusal of the server is shown without losing what was typed.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::resource::{ActionOutcome, OutcomeNotice, ResourceView, page_resource};
use super::session::{allows, caller_role};
use crate::api::containers::CreateContainer;
use crate::api::networks::list_networks;
use crate::model::auth::Role;
use crate::model::container_create::{CreateForm, FormField, RESTART_POLICIES};
use crate::model::networks::NetworkSummary;

/// The rows of one list field: (row key, value). The key keeps a row's input when others are removed.
type Rows = RwSignal<Vec<(u32, RwSignal<String>)>>;

/// A list field of the form: what it is called and how its rows read.
#[derive(Clone, Copy)]
struct ListField {
    /// The legend, and the start of each row input's label (`Ports 1`).
    legend: &'static str,
    /// The element ids' stem.
    id: &'static str,
    /// One row, for the remove button's label (`Remove port 1`).
    item: &'static str,
    /// The hint inside an empty row.
    placeholder: &'static str,
    /// The form field of row N.
    field: fn(usize) -> FormField,
}

const PORTS: ListField = ListField {
    legend: "Ports",
    id: "create-ports",
    item: "port",
    placeholder: "8080:80",
    field: FormField::Port,
};
const ENVIRONMENT: ListField = ListField {
    legend: "Environment",
    id: "create-env",
    item: "variable",
    placeholder: "KEY=value",
    field: FormField::Environment,
};
const VOLUMES: ListField = ListField {
    legend: "Volumes",
    id: "create-volumes",
    item: "volume",
    placeholder: "data:/data or /srv/www:/www:ro",
    field: FormField::Volume,
};
const LABELS: ListField = ListField {
    legend: "Labels",
    id: "create-labels",
    item: "label",
    placeholder: "key=value",
    field: FormField::Label,
};

/// The create page: the form for admins, a sentence for everyone else.
#[component]
pub fn CreateContainerPage() -> impl IntoView {
    view! {
        <section class="page create-page">
            <div class="page-head">
                <h1>
                    <a class="crumb" href="/containers">"Containers"</a>
                    " / "
                    <span>"New container"</span>
                </h1>
            </div>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    if allows(caller_role().await, Role::Admin) {
                        view! { <CreateContainerForm/> }.into_any()
                    } else {
                        view! {
                            <p class="muted">"Creating containers is for admins: ask one to create it for you."</p>
                        }
                        .into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CreateContainerForm() -> impl IntoView {
    let image = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let command = RwSignal::new(String::new());
    let next_key = StoredValue::new(4_u32);
    let one_row = |key: u32| RwSignal::new(vec![(key, RwSignal::new(String::new()))]);
    let (ports, environment, volumes, labels): (Rows, Rows, Rows, Rows) =
        (one_row(0), one_row(1), one_row(2), one_row(3));
    let restart_policy = RwSignal::new("no".to_string());
    let network = RwSignal::new(String::new());
    let start = RwSignal::new(true);
    // Errors of an untouched, empty field show only once a submit was tried.
    let submitted = RwSignal::new(false);
    let image_touched = RwSignal::new(false);

    let values = |rows: Rows| rows.with(|rows| rows.iter().map(|(_, value)| value.get()).collect());
    let form = Memo::new(move |_| CreateForm {
        image: image.get(),
        name: name.get(),
        command: command.get(),
        ports: values(ports),
        environment: values(environment),
        volumes: values(volumes),
        labels: values(labels),
        restart_policy: restart_policy.get(),
        network: network.get(),
        start: start.get(),
    });
    let errors = Memo::new(move |_| form.with(CreateForm::errors));
    let error_of = move |field: FormField| {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, message)| message.clone())
        })
    };
    let image_error = Signal::derive(move || {
        error_of(FormField::Image).filter(|_| submitted.get() || image_touched.get())
    });
    let name_error = Signal::derive(move || error_of(FormField::Name));
    let command_error = Signal::derive(move || error_of(FormField::Command));
    let run_line = Memo::new(move |_| form.with(CreateForm::docker_run_line));

    let create = ServerAction::<CreateContainer>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(&format!("/containers/{}", created.name), Default::default());
        }
    });
    // A refused create shows as a banner until the next one works.
    let outcome = ActionOutcome::new();
    outcome.follow(create);
    let pending = create.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let current = form.get_untracked();
        if let Ok(request) = current.to_request() {
            create.dispatch(CreateContainer {
                request,
                start: current.start,
            });
        }
    };
    let networks = page_resource(|| (), |_| list_networks());
    let copied = RwSignal::new(false);

    view! {
        <form class="create-form" novalidate=true on:submit=on_submit>
            <TextField id="create-image" label="Image" value=image error=image_error
                placeholder="busybox:latest" required=true on_blur=Callback::new(move |_| image_touched.set(true))/>
            <TextField id="create-name" label="Name" value=name error=name_error
                placeholder="web (blank: Docker picks one)" required=false on_blur=Callback::new(|_| ())/>
            <TextField id="create-command" label="Command" value=command error=command_error
                placeholder="sh -c 'echo hi; sleep 3600' (blank: the image's)" required=false on_blur=Callback::new(|_| ())/>
            <RowsField list=PORTS rows=ports next_key errors/>
            <RowsField list=ENVIRONMENT rows=environment next_key errors/>
            <RowsField list=VOLUMES rows=volumes next_key errors/>
            <RowsField list=LABELS rows=labels next_key errors/>
            <div class="field">
                <label for="create-restart">"Restart policy"</label>
                <select id="create-restart" on:change=move |ev| restart_policy.set(event_target_value(&ev))>
                    {RESTART_POLICIES
                        .iter()
                        .map(|policy| view! {
                            <option value=*policy selected=move || restart_policy.get() == *policy>{*policy}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <ResourceView resource=networks loading="Loading networks…" render=move |list, _| {
                view! { <NetworkField list network/> }.into_any()
            }/>
            <div class="field field-check">
                <input
                    type="checkbox"
                    id="create-start"
                    checked=move || start.get()
                    prop:checked=move || start.get()
                    on:change=move |ev| start.set(event_target_checked(&ev))
                />
                <label for="create-start">"Start after create"</label>
            </div>
            <OutcomeNotice outcome/>
            {move || (submitted.get() && !errors.with(Vec::is_empty)).then(|| view! {
                <p class="form-note" role="alert">"Fix the fields marked above, then create again."</p>
            })}
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create" }}
                </button>
                <a href="/containers">"Cancel"</a>
            </div>
        </form>
        <section class="docker-run" aria-labelledby="docker-run-title">
            <h2 id="docker-run-title" class="section-title">"The same with the docker CLI"</h2>
            <pre><code id="docker-run-line">{move || run_line.get()}</code></pre>
            <button
                type="button"
                class="copy"
                on:click=move |_| {
                    copy_text(&run_line.get_untracked());
                    copied.set(true);
                }
            >
                "Copy"
            </button>
            {move || copied.get().then(|| view! { <span class="toast-inline" role="status">"Copied"</span> })}
        </section>
    }
}

/// Puts `text` on the clipboard (the browser's asynchronous clipboard; nothing on the server).
fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// One labelled text input with its message.
#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    placeholder: &'static str,
    required: bool,
    on_blur: Callback<()>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| described.clone())
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| on_blur.run(())
            />
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// A list field: a group of rows, each a labelled input with a remove button, and an Add button.
#[component]
fn RowsField(
    list: ListField,
    rows: Rows,
    next_key: StoredValue<u32>,
    errors: Memo<Vec<(FormField, String)>>,
) -> impl IntoView {
    let position = move |key: u32| rows.with(|rows| rows.iter().position(|(k, _)| *k == key));
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|rows| rows.push((key, RwSignal::new(String::new()))));
    };
    view! {
        <fieldset class="field rows-field" id=list.id>
            <legend>{list.legend}</legend>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, value)| {
                    let index = move || position(key).unwrap_or(0);
                    let error = move || {
                        let field = (list.field)(index());
                        errors.with(|errors| {
                            errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone())
                        })
                    };
                    let input_id = format!("{}-{key}", list.id);
                    let error_id = format!("{input_id}-error");
                    let described = error_id.clone();
                    view! {
                        <div class="row">
                            <input
                                id=input_id
                                type="text"
                                autocomplete="off"
                                spellcheck="false"
                                placeholder=list.placeholder
                                aria-label=move || format!("{} {}", list.legend, index() + 1)
                                aria-invalid=move || error().is_some().then_some("true")
                                aria-describedby=move || error().is_some().then(|| described.clone())
                                prop:value=move || value.get()
                                on:input=move |ev| value.set(event_target_value(&ev))
                            />
                            <button
                                type="button"
                                class="remove-row"
                                aria-label=move || format!("Remove {} {}", list.item, index() + 1)
                                on:click=move |_| rows.update(|rows| rows.retain(|(k, _)| *k != key))
                            >
                                "×"
                            </button>
                            {move || error().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
                        </div>
                    }
                }
            />
            <button type="button" class="add-row" on:click=add>"Add"</button>
        </fieldset>
    }
}

/// The network to join: Docker's default bridge, or one of the networks made by users (`bridge`, `host`
/// and `none` are Docker's own).
#[component]
fn NetworkField(list: Signal<Vec<NetworkSummary>>, network: RwSignal<String>) -> impl IntoView {
    let names = move || {
        list.get()
            .into_iter()
            .map(|n| n.name)
            .filter(|name| !matches!(name.as_str(), "bridge" | "host" | "none"))
            .map(|name| {
                let (value, shown) = (name.clone(), name.clone());
                view! { <option value=name selected=move || network.get() == value>{shown}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for="create-network">"Network"</label>
            <select id="create-network" on:change=move |ev| network.set(event_target_value(&ev))>
                <option value="">"default (bridge)"</option>
                {names}
            </select>
        </div>
    }
}
