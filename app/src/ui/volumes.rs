//! The volumes page: a server-rendered table with a remove button per volume and a create form.

use leptos::html::Input;
use leptos::prelude::*;

use super::live::{VOLUME_LIST_EVENTS, use_docker_events};
use super::resource::{ActionError, ResourceView};
use super::session::{IfAllowed, allows};
use super::{DataTable, SearchBox, text_matches};
use crate::api::volumes::{CreateVolume, RemoveVolume, list_volumes};
use crate::model::auth::Role;
use crate::model::volumes::VolumeSummary;

/// The volumes page.
#[component]
pub fn VolumesPage() -> impl IntoView {
    let create = ServerAction::<CreateVolume>::new();
    let remove = ServerAction::<RemoveVolume>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(VOLUME_LIST_EVENTS);
    let volumes = Resource::new(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |_| list_volumes(),
    );
    let errors = ActionError::new();
    errors.follow(move || create.value().get());
    errors.follow(move || remove.value().get());
    let busy = move || create.pending().get() || remove.pending().get();

    // Empty the name field once a volume is created, ready for the next one.
    let name_input = NodeRef::<Input>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            && let Some(input) = name_input.get()
        {
            input.set_value("");
        }
    });

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Volumes"</h1>
                <IfAllowed needed=Role::Admin>
                <ActionForm action=create attr:id="create-volume" attr:class="inline-form">
                    <input
                        type="text"
                        name="name"
                        node_ref=name_input
                        placeholder="new volume name (blank: generated)"
                        aria-label="Volume name"
                    />
                    <button type="submit" disabled=move || create.pending().get()>"Create"</button>
                </ActionForm>
                </IfAllowed>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
                <SearchBox id="volumes-search" search placeholder="name or driver"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            <ResourceView resource=volumes loading="Loading volumes…" errors render=move |list, role| {
                let list = Signal::derive(move || {
                    let term = search.get();
                    list.get()
                        .into_iter()
                        .filter(|volume| text_matches(&term, &[&volume.name, &volume.driver]))
                        .collect::<Vec<_>>()
                });
                view! { <VolumesTable list remove may_remove=allows(role, Role::Admin)/> }.into_any()
            }/>
        </section>
    }
}

#[component]
fn VolumesTable(
    list: Signal<Vec<VolumeSummary>>,
    remove: ServerAction<RemoveVolume>,
    may_remove: bool,
) -> impl IntoView {
    let row = move |volume: VolumeSummary| {
        let for_remove = volume.name.clone();
        view! {
                <tr data-name=volume.name.clone()>
                    <td class="name">{volume.name.clone()}</td>
                    <td class="driver">{volume.driver}</td>
                    <td class="mountpoint"><code>{volume.mountpoint}</code></td>
                    <td class="created">{volume.created}</td>
                    <td class="actions">
                        {may_remove.then(|| view! {
                            <button
                                class="remove"
                                aria-label=format!("Remove {for_remove}")
                                on:click=move |_| { remove.dispatch(RemoveVolume { name: for_remove.clone() }); }
                            >
                                "Remove"
                            </button>
                        })}
                    </td>
                </tr>
            }
            .into_any()
    };
    view! { <DataTable id="volumes-table" headers=&["Name", "Driver", "Mountpoint", "Created", "Actions"] empty="No volumes." rows=list row/> }
}
