//! The networks page: a server-rendered table with a remove button per user-defined network.

use leptos::prelude::*;

use super::live::{NETWORK_LIST_EVENTS, use_docker_events};
use super::resource::{ActionError, ResourceView};
use super::session::allows;
use super::{DataTable, SearchBox, text_matches};
use crate::api::networks::{RemoveNetwork, list_networks};
use crate::model::auth::Role;
use crate::model::networks::NetworkSummary;

/// The networks page.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let remove = ServerAction::<RemoveNetwork>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(NETWORK_LIST_EVENTS);
    let networks = Resource::new(
        move || {
            (
                remove.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |_| list_networks(),
    );
    let errors = ActionError::new();
    errors.follow(move || remove.value().get());
    let busy = move || remove.pending().get();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Networks"</h1>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
                <SearchBox id="networks-search" search placeholder="name, id or driver"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            <ResourceView resource=networks loading="Loading networks…" errors render=move |list, role| {
                let list = Signal::derive(move || {
                    let term = search.get();
                    list.get()
                        .into_iter()
                        .filter(|network| text_matches(&term, &[&network.name, &network.id, &network.driver]))
                        .collect::<Vec<_>>()
                });
                view! { <NetworksTable list remove may_remove=allows(role, Role::Admin)/> }.into_any()
            }/>
        </section>
    }
}

#[component]
fn NetworksTable(
    list: Signal<Vec<NetworkSummary>>,
    remove: ServerAction<RemoveNetwork>,
    may_remove: bool,
) -> impl IntoView {
    let row = move |network: NetworkSummary| {
        let subnets = network.subnets.join(", ");
        let containers = if network.running_containers == network.containers {
            network.containers.to_string()
        } else {
            format!(
                "{} ({} running)",
                network.containers, network.running_containers
            )
        };
        let for_remove = network.id.clone();
        let remove_label = format!("Remove {}", network.name);
        let action = if network.predefined {
            view! { <span class="muted">"predefined"</span> }.into_any()
        } else if !may_remove {
            ().into_any()
        } else {
            view! {
                <button
                    class="remove"
                    aria-label=remove_label
                    on:click=move |_| { remove.dispatch(RemoveNetwork { id: for_remove.clone() }); }
                >
                    "Remove"
                </button>
            }
            .into_any()
        };
        view! {
            <tr data-name=network.name.clone() data-id=network.id.clone()>
                <td class="name" title=network.id.clone()>{network.name.clone()}</td>
                <td class="driver">{network.driver}</td>
                <td class="scope">{network.scope}</td>
                <td class="subnet">{subnets}</td>
                <td class="containers">{containers}</td>
                <td class="actions">{action}</td>
            </tr>
        }
        .into_any()
    };
    view! { <DataTable id="networks-table" headers=&["Name", "Driver", "Scope", "Subnet", "Containers", "Actions"] empty="No networks." rows=list row/> }
}
