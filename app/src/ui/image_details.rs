//! The image page `/images/{ref}`: tags, size, created, the run configuration (command, entrypoint,
//! environment, exposed ports), the history (layers), the containers using it, and its actions. It follows
//! the image's events; a removed image leads back to the list.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::ErrorBanner;
use super::images::{ImageActions, ImageDialogs, image_href, usage_text};
use super::live::{IMAGE_LIST_EVENTS, use_docker_events};
use super::resource::{ResourceView, page_resource};
use super::session::allows;
use crate::api::images::load_image_page;
use crate::model::auth::Role;
use crate::model::images::{ImageHistoryEntry, ImagePage};

/// The image page.
#[component]
pub fn ImageDetailsPage() -> impl IntoView {
    let params = use_params_map();
    let reference = Memo::new(move |_| params.read().get("reference").unwrap_or_default());
    let actions = ImageActions::new();
    let changed = use_docker_events(IMAGE_LIST_EVENTS);
    let page = page_resource(
        move || {
            (
                reference.get(),
                actions.version(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |(reference, ..)| load_image_page(reference),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = actions.remove.value().get() {
            navigate("/images", Default::default());
        }
    });
    view! {
        <section class="page">
            <p class="breadcrumb"><a href="/images">"Images"</a>" / "</p>
            {actions.push_progress()}
            <ResourceView resource=page loading="Loading the image…" outcome=actions.outcome render=move |page, role| {
                view! { <ImageView page reference actions may_change=allows(role, Role::Admin)/> }.into_any()
            }/>
            <ImageDialogs actions/>
        </section>
    }
}

/// A `label: value` line of the facts.
fn fact(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="detail" data-fact=label.to_lowercase()>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// A list shown as one line each, or a dash when empty.
fn lines(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join("\n")
    }
}

#[component]
fn ImageView(
    page: Signal<ImagePage>,
    reference: Memo<String>,
    actions: ImageActions,
    may_change: bool,
) -> impl IntoView {
    move || {
        let asked = reference.get();
        let ImagePage {
            details,
            containers,
        } = page.get();
        if details.id.is_empty() {
            return view! { <ErrorBanner error=crate::error::AppError::NotFound("No such image".into())/> }
                .into_any();
        }
        // The actions act on the tag the page was opened with, else on the image's first tag.
        let reference = if details.tags.contains(&asked) {
            asked.clone()
        } else {
            details
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| details.short_id.clone())
        };
        let config = details.config.clone();
        let users = containers
            .iter()
            .map(|name| view! { <li><a href=format!("/containers/{name}")>{name.clone()}</a></li> })
            .collect_view();
        // The history never changes for an image id: a plain table (layers may repeat, so no keys).
        let history = details
            .history
            .iter()
            .cloned()
            .map(|layer: ImageHistoryEntry| {
                view! {
                    <tr>
                        <td class="created">{layer.created}</td>
                        <td class="created-by"><code>{layer.created_by}</code></td>
                        <td class="size" title=format!("{} bytes", layer.size_bytes)>{layer.size}</td>
                    </tr>
                }
            })
            .collect_view();
        let tags = details
            .tags
            .iter()
            .map(|tag| view! { <li><a href=image_href(tag)>{tag.clone()}</a></li> })
            .collect_view();
        view! {
            <div class="page-head">
                <h1>{asked}</h1>
                <span class="pill pill-in-use">{usage_text(containers.len() as i64)}</span>
                <div class="actions">
                    {may_change.then(|| actions.buttons(reference.clone(), containers.len() as i64, !details.tags.is_empty()))}
                </div>
            </div>
            <dl id="image-facts" class="image-facts">
                {fact("Id", details.id.clone())}
                {fact("Size", format!("{} ({} bytes)", details.size, details.size_bytes))}
                {fact("Created", details.created.clone())}
                {fact("Platform", format!("{}/{}", details.os, details.architecture))}
                {fact("Layers", details.layers.to_string())}
                {fact("Digests", lines(&details.digests))}
            </dl>
            <h2>"Tags"</h2>
            <ul id="image-tags">{tags}</ul>
            <h2>"Configuration"</h2>
            <dl id="image-config" class="image-facts">
                {fact("Command", lines(&config.cmd))}
                {fact("Entrypoint", lines(&config.entrypoint))}
                {fact("Environment", lines(&config.env))}
                {fact("Exposed ports", lines(&config.exposed_ports))}
                {fact("Working directory", if config.working_dir.is_empty() { "—".into() } else { config.working_dir.clone() })}
                {fact("User", if config.user.is_empty() { "—".into() } else { config.user.clone() })}
            </dl>
            <h2>"Containers using it"</h2>
            {if containers.is_empty() {
                view! { <p id="image-containers" class="muted">"No container uses this image."</p> }.into_any()
            } else {
                view! { <ul id="image-containers">{users}</ul> }.into_any()
            }}
            <h2>"History"</h2>
            <table id="image-history" class="table">
                <thead><tr><th>"Created"</th><th>"Created by"</th><th>"Size"</th></tr></thead>
                <tbody>{history}</tbody>
            </table>
        }
        .into_any()
    }
}
