//! The volumes page: the list (each row expands to show who uses the volume), a create form (name, driver,
//! labels and driver options as rows), remove with a dialog, and prune with a preview of what goes.

use leptos::prelude::*;

use super::live::{VOLUME_LIST_EVENTS, use_docker_events};
use super::resource::{ActionOutcome, ResourceView, page_resource};
use super::session::{IfAllowed, allows};
use super::{
    ConfirmDialog, DataTable, DialogButton, ErrorBanner, ExpandButton, KeyValueRow, KeyValueRows,
    OpenRows, PreviewDialog, PruneButton, PrunePreview, RowDetails, SearchBox, follow_row_details,
    key_value_map, text_matches,
};
use crate::api::volumes::{
    CreateVolume, PruneVolumes, RemoveVolume, get_volume_details, list_volumes,
    prune_volumes_preview,
};
use crate::model::auth::Role;
use crate::model::volumes::{CreateVolumeRequest, VolumeDetails, VolumeSummary, VolumeUsage};

/// The volumes page.
#[component]
pub fn VolumesPage() -> impl IntoView {
    let create = ServerAction::<CreateVolume>::new();
    let remove = ServerAction::<RemoveVolume>::new();
    let prune = ServerAction::<PruneVolumes>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(VOLUME_LIST_EVENTS);
    let volumes = page_resource(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                prune.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |_| list_volumes(),
    );
    // What the last action did: a toast when it worked, a banner when it failed (the next success clears it).
    let outcome = ActionOutcome::new();
    outcome.follow(create);
    outcome.follow(remove);
    outcome.follow(prune);
    let busy = move || create.pending().get() || remove.pending().get() || prune.pending().get();
    let to_remove = RwSignal::new(None::<String>);
    let open_rows = OpenRows::new();
    let details = follow_row_details(
        open_rows,
        move || {
            volumes.track();
        },
        get_volume_details,
    );
    let preview = PrunePreview::<Vec<VolumeUsage>>::new();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Volumes"</h1>
                <IfAllowed needed=Role::Admin>
                    <PruneButton
                        loading=preview.loading
                        pruning=prune.pending().into()
                        on_click=Callback::new(move |_| preview.load(prune_volumes_preview, outcome))
                    />
                </IfAllowed>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                <SearchBox id="volumes-search" search placeholder="name or driver"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            <IfAllowed needed=Role::Admin>
                <CreateVolumeForm create/>
            </IfAllowed>
            <ResourceView resource=volumes loading="Loading volumes…" outcome render=move |list, role| {
                let list = Signal::derive(move || {
                    let term = search.get();
                    list.get()
                        .into_iter()
                        .filter(|volume| text_matches(&term, &[&volume.name, &volume.driver]))
                        .collect::<Vec<_>>()
                });
                let may_remove = allows(role, Role::Admin);
                view! { <VolumesTable list to_remove may_remove open_rows details/> }.into_any()
            }/>
            <ConfirmDialog
                target=to_remove
                title="Remove volume"
                describe=|name: &String| format!("Remove volume {name}? Its data is deleted for good.")
                confirm="Remove"
                on_confirm=Callback::new(move |name: String| { remove.dispatch(RemoveVolume { name }); })
            />
            <PreviewDialog
                target=preview.shown
                title="Prune volumes"
                summary={|list: &Vec<VolumeUsage>| prune_summary(list)}
                items={|list: &Vec<VolumeUsage>| list.iter().map(|volume| format!("{} ({})", volume.name, volume.size)).collect()}
                confirm="Prune"
                on_confirm=Callback::new(move |_| { prune.dispatch(PruneVolumes {}); })
            />
        </section>
    }
}

/// The preview's sentence: how many volumes go and the space they free.
fn prune_summary(list: &[VolumeUsage]) -> String {
    if list.is_empty() {
        return "No volume is unused: nothing to prune.".into();
    }
    let bytes: i64 = list.iter().map(|volume| volume.size_bytes.max(0)).sum();
    format!(
        "These {} unused volume(s) and their data will be removed, freeing {}:",
        list.len(),
        crate::model::human_size(bytes)
    )
}

/// The create form: name, driver, labels and driver options.
#[component]
fn CreateVolumeForm(create: ServerAction<CreateVolume>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let driver = RwSignal::new(String::from("local"));
    let labels = RwSignal::new(Vec::<KeyValueRow>::new());
    let options = RwSignal::new(Vec::<KeyValueRow>::new());
    // Empty the form once a volume is created, ready for the next one.
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            name.set(String::new());
            labels.set(Vec::new());
            options.set(Vec::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = name.get_untracked().trim().to_string();
        let driver = driver.get_untracked().trim().to_string();
        create.dispatch(CreateVolume {
            request: CreateVolumeRequest {
                name: (!name.is_empty()).then_some(name),
                driver: (!driver.is_empty()).then_some(driver),
                labels: key_value_map(&labels.get_untracked()),
                options: key_value_map(&options.get_untracked()),
            },
        });
    };
    view! {
        <form id="create-volume" class="panel-form" aria-label="Create volume" on:submit=submit>
            <div class="fields">
                <label>
                    "Name"
                    <input
                        type="text"
                        name="name"
                        placeholder="blank: generated"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Driver"
                    <input
                        type="text"
                        prop:value=move || driver.get()
                        on:input=move |ev| driver.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <KeyValueRows legend="Labels" noun="Label" rows=labels/>
            <KeyValueRows legend="Driver options" noun="Option" rows=options/>
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create" }}
            </button>
        </form>
    }
}

#[component]
fn VolumesTable(
    list: Signal<Vec<VolumeSummary>>,
    to_remove: RwSignal<Option<String>>,
    may_remove: bool,
    open_rows: OpenRows,
    details: RowDetails<VolumeDetails>,
) -> impl IntoView {
    let row = move |volume: VolumeSummary| {
        let name = volume.name.clone();
        let details_id = format!("volume-users-{name}");
        let for_remove = name.clone();
        let for_details = name.clone();
        view! {
            <tr data-name=name.clone()>
                <td class="name">
                    <ExpandButton rows=open_rows name=name.clone() controls=details_id.clone()/>
                    " "
                    {name.clone()}
                </td>
                <td class="driver">{volume.driver}</td>
                <td class="mountpoint"><code>{volume.mountpoint}</code></td>
                <td class="created">{volume.created}</td>
                <td class="actions">
                    {may_remove.then(|| view! {
                        <DialogButton
                            class="remove"
                            action="Remove"
                            object=for_remove.clone()
                            target=to_remove
                            value=for_remove.clone()
                        />
                    })}
                </td>
            </tr>
            <Show when={
                let name = name.clone();
                move || open_rows.is_open(&name)
            }>
                <VolumeUsersRow name=for_details.clone() details/>
            </Show>
        }
        .into_any()
    };
    view! { <DataTable id="volumes-table" headers=&["Name", "Driver", "Mountpoint", "Created", "Actions"] empty="No volumes." rows=list row/> }
}

/// The expanded row under a volume: its labels, driver options and the containers that use it.
#[component]
fn VolumeUsersRow(name: String, details: RowDetails<VolumeDetails>) -> impl IntoView {
    let id = format!("volume-users-{name}");
    view! {
        <tr class="details-row" id=id>
            <td colspan="5">
                    {move || {
                        match details.with(|loaded| loaded.get(&name).cloned()) {
                            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                            Some(answer) => match answer {
                            Ok(volume) => {
                                let pairs = |map: &std::collections::BTreeMap<String, String>| {
                                    if map.is_empty() {
                                        "none".to_string()
                                    } else {
                                        map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
                                    }
                                };
                                let labels = pairs(&volume.labels);
                                let options = pairs(&volume.options);
                                let users = if volume.containers.is_empty() {
                                    view! { <p class="muted">"No container uses this volume."</p> }.into_any()
                                } else {
                                    let items = volume
                                        .containers
                                        .into_iter()
                                        .map(|user| {
                                            let href = format!("/containers/{}", user.name);
                                            let mode = if user.rw { "rw" } else { "ro" };
                                            view! {
                                                <li>
                                                    <a href=href>{user.name.clone()}</a>
                                                    " (" {user.status} ") at "
                                                    <code>{user.destination}</code>
                                                    " " {mode}
                                                </li>
                                            }
                                        })
                                        .collect_view();
                                    view! { <ul class="plain-list users">{items}</ul> }.into_any()
                                };
                                view! {
                                    <dl class="facts">
                                        <div class="fact"><dt>"Labels"</dt><dd>{labels}</dd></div>
                                        <div class="fact"><dt>"Driver options"</dt><dd>{options}</dd></div>
                                    </dl>
                                    <h2 class="section-title">"Used by"</h2>
                                    {users}
                                }
                                .into_any()
                            }
                            Err(error) => view! { <ErrorBanner error/> }.into_any(),
                        },
                        }
                    }}
            </td>
        </tr>
    }
}
