//! The images page: a server-rendered table with a remove button per image and a prune button.

use leptos::prelude::*;

use super::live::{IMAGE_LIST_EVENTS, use_docker_events};
use super::resource::{ActionError, ResourceView};
use super::session::{IfAllowed, allows};
use super::{DataTable, SearchBox, text_matches};
use crate::api::images::{PruneImages, RemoveImage, list_images};
use crate::model::auth::Role;
use crate::model::images::ImageSummary;

/// The images page.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let remove = ServerAction::<RemoveImage>::new();
    let prune = ServerAction::<PruneImages>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(IMAGE_LIST_EVENTS);
    let images = Resource::new(
        move || {
            (
                remove.version().get(),
                prune.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |_| list_images(),
    );
    let errors = ActionError::new();
    errors.follow(move || remove.value().get());
    errors.follow(move || prune.value().get());
    let pruned = move || prune.value().get().and_then(Result::ok);
    let busy = move || remove.pending().get() || prune.pending().get();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Images"</h1>
                <IfAllowed needed=Role::Admin>
                <button
                    id="prune-images"
                    disabled=move || prune.pending().get()
                    on:click=move |_| { prune.dispatch(PruneImages {}); }
                >
                    "Prune dangling"
                </button>
                </IfAllowed>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
                <SearchBox id="images-search" search placeholder="tag or id"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            {move || {
                pruned()
                    .map(|result| {
                        view! {
                            <p id="prune-result" class="notice" role="status">
                                {result.message}
                            </p>
                        }
                    })
            }}
            <ResourceView resource=images loading="Loading images…" errors render=move |list, role| {
                let list = Signal::derive(move || {
                    let term = search.get();
                    list.get()
                        .into_iter()
                        .filter(|image| {
                            let tags = image.tags.join(" ");
                            text_matches(&term, &[&image.id, &tags])
                        })
                        .collect::<Vec<_>>()
                });
                view! { <ImagesTable list remove may_remove=allows(role, Role::Admin)/> }.into_any()
            }/>
        </section>
    }
}

#[component]
fn ImagesTable(
    list: Signal<Vec<ImageSummary>>,
    remove: ServerAction<RemoveImage>,
    may_remove: bool,
) -> impl IntoView {
    let row = move |image: ImageSummary| {
        let tags = if image.tags.is_empty() {
            "<none>".to_string()
        } else {
            image.tags.join(", ")
        };
        let for_remove = image.id.clone();
        let remove_label = format!(
            "Remove {}",
            image
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| image.id.clone())
        );
        view! {
                <tr data-id=image.id.clone()>
                    <td class="id"><code>{image.id.clone()}</code></td>
                    <td class="tags">{tags}</td>
                    <td class="size" title=format!("{} bytes", image.size_bytes)>{image.size}</td>
                    <td class="created">{image.created}</td>
                    <td class="actions">
                        {may_remove.then(|| view! {
                            <button
                                class="remove"
                                aria-label=remove_label
                                on:click=move |_| { remove.dispatch(RemoveImage { id: for_remove.clone() }); }
                            >
                                "Remove"
                            </button>
                        })}
                    </td>
                </tr>
            }
            .into_any()
    };
    view! { <DataTable id="images-table" headers=&["Id", "Tags", "Size", "Created", "Actions"] empty="No images." rows=list row/> }
}
