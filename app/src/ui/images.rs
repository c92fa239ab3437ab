//! The images page: the list (with how many containers use each image, linking to its page), pull with
//! per-layer progress, build from an uploaded context with live output, tag, push with per-layer progress,
//! remove (confirmed, with force for an image in use) and a prune that first shows what it would remove
//! and the space it frees.

use leptos::prelude::*;

use super::image_streams::{GetImagePanels, LayerRun};
use super::live::{IMAGE_LIST_EVENTS, use_docker_events};
use super::resource::{ActionOutcome, ResourceView, page_resource};
use super::session::{IfAllowed, allows};
use super::{ConfirmDialog, DataTable, DialogFrame, ErrorBanner, SearchBox, text_matches};
use crate::api::images::{PruneImages, RemoveImage, TagImage, list_images};
use crate::error::AppError;
use crate::model::auth::Role;
use crate::model::images::{ImagePrunePreview, ImageSummary};

/// The container events that change how many containers use an image.
const IMAGE_USE_EVENTS: &str = "type=container&event=create,destroy";

/// The name an image goes by in the console: its first tag, else its short id.
pub fn image_reference(image: &ImageSummary) -> String {
    image
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| image.id.clone())
}

/// The link to an image's page.
pub fn image_href(reference: &str) -> String {
    format!("/images/{reference}")
}

/// "used by 2 containers", "used by 1 container", or "unused".
pub fn usage_text(containers: i64) -> String {
    match containers {
        n if n <= 0 => "unused".into(),
        1 => "used by 1 container".into(),
        n => format!("used by {n} containers"),
    }
}

/// An image to remove: its reference and how many containers use it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoveTarget {
    /// The reference (tag or id).
    pub reference: String,
    /// How many containers use it.
    pub containers: i64,
}

/// The actions on images, shared by the list and the image page: remove, tag, push, what the last one did
/// (a toast for a success, a banner for a failure that clears on the next success) and the dialogs.
#[derive(Clone, Copy)]
pub struct ImageActions {
    /// Remove an image.
    pub remove: ServerAction<RemoveImage>,
    /// Tag an image.
    pub tag: ServerAction<TagImage>,
    /// Push an image, with each layer's progress (the REST stream).
    pub push: LayerRun,
    /// What the last action did.
    pub outcome: ActionOutcome,
    /// The image the remove dialog asks about.
    pub removing: RwSignal<Option<RemoveTarget>>,
    /// The image the tag dialog tags.
    pub tagging: RwSignal<Option<String>>,
}

impl Default for ImageActions {
    fn default() -> Self {
        Self::new()
    }
}

impl ImageActions {
    /// The actions, with their outcomes followed.
    pub fn new() -> Self {
        let outcome = ActionOutcome::new();
        let actions = Self {
            remove: ServerAction::new(),
            tag: ServerAction::new(),
            push: LayerRun::reporting_to(outcome),
            outcome,
            removing: RwSignal::new(None),
            tagging: RwSignal::new(None),
        };
        outcome.follow(actions.remove);
        outcome.follow(actions.tag);
        actions
    }

    /// Whether an action is under way.
    pub fn busy(self) -> bool {
        self.remove.pending().get() || self.tag.pending().get() || self.push.pending()
    }

    /// Pushes `reference` to its registry over the REST stream (its layers show in [`Self::push_progress`]).
    pub fn push_image(self, reference: &str) {
        self.push.start(
            format!("/api/images/{reference}/push"),
            serde_json::json!({}),
            None,
        );
    }

    /// The layers of the push under way (or the last one), as bars.
    pub fn push_progress(self) -> impl IntoView {
        self.push.progress("push-progress")
    }

    /// Changes each time an action that changes the images list finishes.
    pub fn version(self) -> usize {
        self.remove.version().get() + self.tag.version().get()
    }

    /// The row buttons of one image (for an admin): Tag, Push (when it has a tag), Remove.
    pub fn buttons(self, reference: String, containers: i64, tagged: bool) -> impl IntoView {
        let for_tag = reference.clone();
        let for_push = reference.clone();
        let for_remove = reference.clone();
        view! {
            <button
                class="tag"
                aria-label=format!("Tag {reference}")
                on:click=move |_| self.tagging.set(Some(for_tag.clone()))
            >
                "Tag"
            </button>
            {tagged.then(|| {
                let label = format!("Push {for_push}");
                view! {
                    <button
                        class="push"
                        aria-label=label
                        aria-busy=move || self.push.pending().to_string()
                        disabled=move || self.push.pending()
                        on:click=move |_| self.push_image(&for_push)
                    >
                        {move || if self.push.pending() { "Pushing…" } else { "Push" }}
                    </button>
                }
            })}
            <button
                class="remove danger"
                aria-label=format!("Remove {reference}")
                disabled=move || self.remove.pending().get()
                on:click=move |_| self.removing.set(Some(RemoveTarget {
                    reference: for_remove.clone(),
                    containers,
                }))
            >
                "Remove"
            </button>
        }
    }
}

/// The remove dialog and the tag dialog.
#[component]
pub fn ImageDialogs(
    /// The actions whose dialogs these are.
    actions: ImageActions,
) -> impl IntoView {
    let force = RwSignal::new(false);
    let on_remove = Callback::new(move |target: RemoveTarget| {
        actions.remove.dispatch(RemoveImage {
            id: target.reference,
            force: force.get_untracked(),
        });
    });
    let in_use = Memo::new(move |_| {
        actions
            .removing
            .with(|target| target.as_ref().map_or(0, |target| target.containers))
    });
    Effect::new(move |_| {
        if actions.removing.with(Option::is_some) {
            force.set(false);
        }
    });
    view! {
        <ConfirmDialog
            target=actions.removing
            title="Remove image"
            describe=|target: &RemoveTarget| {
                if target.containers > 0 {
                    format!(
                        "Remove image '{}'? It is {}: without force the daemon refuses.",
                        target.reference,
                        usage_text(target.containers)
                    )
                } else {
                    format!("Remove image '{}'? Its layers are deleted unless another image shares them.", target.reference)
                }
            }
            confirm="Remove"
            on_confirm=on_remove
        >
            {move || (in_use.get() > 0).then(|| view! {
                <label class="toggle">
                    <input
                        type="checkbox"
                        id="remove-image-force"
                        prop:checked=move || force.get()
                        on:change=move |ev| force.set(event_target_checked(&ev))
                    />
                    " Force (remove it although containers use it)"
                </label>
            })}
        </ConfirmDialog>
        <TagDialog actions/>
    }
}

/// Tags an image: repository and tag fields; Esc or Cancel closes it.
#[component]
fn TagDialog(actions: ImageActions) -> impl IntoView {
    let repository = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let close = Callback::new(move |()| actions.tagging.set(None));
    move || {
        actions.tagging.get().map(|reference| {
            let source = reference.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                actions.tag.dispatch(TagImage {
                    id: source.clone(),
                    repo: repository.get_untracked(),
                    tag: tag.get_untracked(),
                });
                close.run(());
            };
            view! {
                <DialogFrame title_id="tag-dialog-title" title=format!("Tag {reference}") on_close=close>
                    <form on:submit=submit>
                        <div class="form-grid">
                            <label for="tag-repository">"Repository"</label>
                            <input
                                id="tag-repository"
                                type="text"
                                required
                                autofocus=true
                                placeholder="127.0.0.1:5055/team/app"
                                prop:value=move || repository.get()
                                on:input=move |ev| repository.set(event_target_value(&ev))
                            />
                            <label for="tag-tag">"Tag"</label>
                            <input
                                id="tag-tag"
                                type="text"
                                placeholder="latest"
                                prop:value=move || tag.get()
                                on:input=move |ev| tag.set(event_target_value(&ev))
                            />
                        </div>
                        <div class="dialog-actions">
                            <button type="button" class="cancel" on:click=move |_| close.run(())>"Cancel"</button>
                            <button type="submit">"Tag"</button>
                        </div>
                    </form>
                </DialogFrame>
            }
        })
    }
}

/// The images page.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let actions = ImageActions::new();
    let prune = ServerAction::<PruneImages>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(IMAGE_LIST_EVENTS);
    let used = use_docker_events(IMAGE_USE_EVENTS);
    let images = page_resource(
        move || {
            (
                actions.version(),
                prune.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
                used.get().map(|event| event.time_nano),
            )
        },
        |_| list_images(),
    );
    actions.outcome.follow(prune);
    let busy = move || actions.busy() || prune.pending().get();
    let reload = Callback::new(move |()| refresh.update(|n| *n += 1));

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Images"</h1>
                <IfAllowed needed=Role::Admin>
                    <PruneButton prune/>
                </IfAllowed>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
                <SearchBox id="images-search" search placeholder="tag or id"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            <IfAllowed needed=Role::Operator>
                <GetImagePanels reload/>
            </IfAllowed>
            <PruneResult prune/>
            {actions.push_progress()}
            <ResourceView resource=images loading="Loading images…" outcome=actions.outcome render=move |list, role| {
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
                view! { <ImagesTable list actions may_change=allows(role, Role::Admin)/> }.into_any()
            }/>
            <ImageDialogs actions/>
        </section>
    }
}

#[component]
fn ImagesTable(
    list: Signal<Vec<ImageSummary>>,
    actions: ImageActions,
    may_change: bool,
) -> impl IntoView {
    let row = move |image: ImageSummary| {
        let reference = image_reference(&image);
        let tags = if image.tags.is_empty() {
            view! { <a href=image_href(&image.id)>"<none>"</a> }.into_any()
        } else {
            image
                .tags
                .iter()
                .map(|tag| view! { <a class="tag-link" href=image_href(tag)>{tag.clone()}</a> })
                .collect_view()
                .into_any()
        };
        let usage = usage_text(image.containers);
        let usage_class = if image.containers > 0 {
            "pill pill-in-use"
        } else {
            "muted"
        };
        let tagged = !image.tags.is_empty();
        view! {
            <tr data-id=image.id.clone() data-containers=image.containers.to_string()>
                <td class="id"><code>{image.id.clone()}</code></td>
                <td class="tags">{tags}</td>
                <td class="in-use"><span class=usage_class>{usage}</span></td>
                <td class="size" title=format!("{} bytes", image.size_bytes)>{image.size}</td>
                <td class="created">{image.created}</td>
                <td class="actions">
                    {may_change.then(|| actions.buttons(reference, image.containers, tagged))}
                </td>
            </tr>
        }
        .into_any()
    };
    view! { <DataTable id="images-table" headers=&["Id", "Tags", "In use", "Size", "Created", "Actions"] empty="No images." rows=list row/> }
}

/// The prune button: it first reads what a prune would remove, then asks in a dialog that lists it.
#[component]
fn PruneButton(prune: ServerAction<PruneImages>) -> impl IntoView {
    let open = RwSignal::new(false);
    let everything_unused = RwSignal::new(false);
    let preview = RwSignal::new(None::<Result<ImagePrunePreview, AppError>>);
    let load_preview = move || {
        preview.set(None);
        let dangling_only = !everything_unused.get_untracked();
        leptos::task::spawn_local(async move {
            preview.set(Some(
                crate::api::images::preview_image_prune(dangling_only).await,
            ));
        });
    };
    let close = Callback::new(move |()| open.set(false));
    view! {
        <button
            id="prune-images"
            disabled=move || prune.pending().get()
            aria-busy=move || prune.pending().get().to_string()
            on:click=move |_| {
                everything_unused.set(false);
                open.set(true);
                load_preview();
            }
        >
            {move || if prune.pending().get() { "Pruning…" } else { "Prune…" }}
        </button>
        {move || open.get().then(|| view! {
            <DialogFrame title_id="prune-dialog-title" title="Prune images" on_close=close>
                <label class="toggle">
                    <input
                        type="checkbox"
                        id="prune-all-unused"
                        prop:checked=move || everything_unused.get()
                        on:change=move |ev| {
                            everything_unused.set(event_target_checked(&ev));
                            load_preview();
                        }
                    />
                    " Also tagged images no container uses"
                </label>
                {move || match preview.get() {
                    None => view! { <p class="loading">"Finding what a prune would remove…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    Some(Ok(found)) => view! { <PrunePreviewList found/> }.into_any(),
                }}
                <div class="dialog-actions">
                    <button class="cancel" on:click=move |_| close.run(())>"Cancel"</button>
                    <button
                        class="danger"
                        disabled=move || !matches!(preview.get(), Some(Ok(found)) if !found.images.is_empty())
                        on:click=move |_| {
                            close.run(());
                            prune.dispatch(PruneImages { dangling_only: !everything_unused.get_untracked() });
                        }
                    >
                        "Prune"
                    </button>
                </div>
            </DialogFrame>
        })}
    }
}

/// What a prune would remove: the images and the space.
#[component]
fn PrunePreviewList(found: ImagePrunePreview) -> impl IntoView {
    if found.images.is_empty() {
        return view! { <p id="prune-preview" class="muted">"Nothing to remove: every image is tagged or in use."</p> }
            .into_any();
    }
    let count = found.images.len();
    let items = found
        .images
        .into_iter()
        .map(|image| {
            let name = if image.tags.is_empty() {
                format!("<none> ({})", image.id)
            } else {
                format!("{} ({})", image.tags.join(", "), image.id)
            };
            view! { <li data-id=image.id.clone()>{name}" · "{image.size}</li> }
        })
        .collect_view();
    view! {
        <div id="prune-preview">
            <p class="prune-summary">
                {format!(
                    "This removes {count} image{} and frees up to {} (layers shared with kept images stay):",
                    if count == 1 { "" } else { "s" },
                    found.space
                )}
            </p>
            <ul class="prune-list">{items}</ul>
        </div>
    }
    .into_any()
}

/// The images the last prune removed, by id (its toast says how many and the space freed).
#[component]
fn PruneResult(prune: ServerAction<PruneImages>) -> impl IntoView {
    move || {
        prune.value().get().and_then(Result::ok).map(|result| {
            let removed = result
                .images_deleted
                .into_iter()
                .map(|id| view! { <li><code>{id}</code></li> })
                .collect_view();
            view! {
                <div id="prune-result" class="prune-result">
                    <p class="muted">"Images the prune removed:"</p>
                    <ul class="prune-list">{removed}</ul>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_as_a_sentence() {
        assert_eq!(usage_text(0), "unused");
        assert_eq!(usage_text(-1), "unused");
        assert_eq!(usage_text(1), "used by 1 container");
        assert_eq!(usage_text(3), "used by 3 containers");
    }
}
