//! The networks page: the list (each row expands to show its configuration and connected containers, with
//! Connect and Disconnect), a create form (driver, IPAM, internal, attachable, labels and options as rows),
//! remove with a dialog, and prune with a preview of what goes.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::live::{NETWORK_LIST_EVENTS, use_docker_events};
use super::resource::{ActionOutcome, ResourceView, page_resource};
use super::session::{IfAllowed, allows};
use super::{
    ConfirmDialog, DataTable, DialogButton, DialogFrame, ErrorBanner, ExpandButton, KeyValueRow,
    KeyValueRows, OpenRows, PreviewDialog, PruneButton, PrunePreview, RowDetails, SearchBox,
    focus_when_shown, follow_row_details, key_value_map, text_matches,
};
use crate::api::containers::list_containers;
use crate::api::networks::{
    ConnectNetwork, CreateNetwork, DisconnectNetwork, PruneNetworks, RemoveNetwork,
    get_network_details, list_networks, prune_networks_preview,
};
use crate::model::auth::Role;
use crate::model::networks::{
    ConnectRequest, CreateNetworkRequest, DisconnectRequest, IpamPoolRequest, IpamRequest,
    NetworkDetails, NetworkSummary,
};

/// The actions of the page, shared by its parts.
#[derive(Clone, Copy)]
struct NetworkActions {
    disconnect: ServerAction<DisconnectNetwork>,
    /// The network whose Remove dialog is open: `(id, name)`.
    to_remove: RwSignal<Option<(String, String)>>,
    /// The network whose Connect dialog is open: `(id, name)`.
    to_connect: RwSignal<Option<(String, String)>>,
    /// Whether the signed-in role may change networks.
    may_change: bool,
    /// The rows whose details are open.
    open_rows: OpenRows,
    /// The details of the open rows.
    details: RowDetails<NetworkDetails>,
}

/// The networks page.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let create = ServerAction::<CreateNetwork>::new();
    let remove = ServerAction::<RemoveNetwork>::new();
    let connect = ServerAction::<ConnectNetwork>::new();
    let disconnect = ServerAction::<DisconnectNetwork>::new();
    let prune = ServerAction::<PruneNetworks>::new();
    let refresh = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let changed = use_docker_events(NETWORK_LIST_EVENTS);
    let networks = page_resource(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                connect.version().get(),
                disconnect.version().get(),
                prune.version().get(),
                refresh.get(),
                changed.get().map(|event| event.time_nano),
            )
        },
        |_| list_networks(),
    );
    // What the last action did: a toast when it worked, a banner when it failed (the next success clears it).
    let outcome = ActionOutcome::new();
    outcome.follow(create);
    outcome.follow(remove);
    outcome.follow(connect);
    outcome.follow(disconnect);
    outcome.follow(prune);
    let busy = move || {
        create.pending().get()
            || remove.pending().get()
            || connect.pending().get()
            || disconnect.pending().get()
            || prune.pending().get()
    };
    let to_remove = RwSignal::new(None::<(String, String)>);
    let to_connect = RwSignal::new(None::<(String, String)>);
    let open_rows = OpenRows::new();
    let details = follow_row_details(
        open_rows,
        move || {
            networks.track();
        },
        get_network_details,
    );
    let preview = PrunePreview::<Vec<NetworkSummary>>::new();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Networks"</h1>
                <IfAllowed needed=Role::Admin>
                    <PruneButton
                        loading=preview.loading
                        pruning=prune.pending().into()
                        on_click=Callback::new(move |_| preview.load(prune_networks_preview, outcome))
                    />
                </IfAllowed>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                <SearchBox id="networks-search" search placeholder="name, id or driver"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            <IfAllowed needed=Role::Admin>
                <CreateNetworkForm create/>
            </IfAllowed>
            <ResourceView resource=networks loading="Loading networks…" outcome render=move |list, role| {
                let may_change = allows(role, Role::Admin);
                let actions = NetworkActions { disconnect, to_remove, to_connect, may_change, open_rows, details };
                let list = Signal::derive(move || {
                    let term = search.get();
                    list.get()
                        .into_iter()
                        .filter(|network| text_matches(&term, &[&network.name, &network.id, &network.driver]))
                        .collect::<Vec<_>>()
                });
                view! { <NetworksTable list actions/> }.into_any()
            }/>
            <ConfirmDialog
                target=to_remove
                title="Remove network"
                describe=|(_, name): &(String, String)| format!("Remove network {name}?")
                confirm="Remove"
                on_confirm=Callback::new(move |(id, _): (String, String)| { remove.dispatch(RemoveNetwork { id }); })
            />
            <ConnectDialog target=to_connect connect/>
            <PreviewDialog
                target=preview.shown
                title="Prune networks"
                summary={|list: &Vec<NetworkSummary>| prune_summary(list)}
                items={|list: &Vec<NetworkSummary>| list.iter().map(|network| format!("{} ({})", network.name, network.driver)).collect()}
                confirm="Prune"
                on_confirm=Callback::new(move |_| { prune.dispatch(PruneNetworks {}); })
            />
        </section>
    }
}

/// The preview's sentence: how many networks go.
fn prune_summary(list: &[NetworkSummary]) -> String {
    if list.is_empty() {
        "No network is unused: nothing to prune.".into()
    } else {
        format!(
            "These {} network(s) no container uses will be removed:",
            list.len()
        )
    }
}

/// The trimmed text, or `None` when blank.
fn filled(text: RwSignal<String>) -> Option<String> {
    let text = text.get_untracked().trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The create form: name, driver, subnet, gateway, IP range, internal, attachable, labels and options.
#[component]
fn CreateNetworkForm(create: ServerAction<CreateNetwork>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let driver = RwSignal::new(String::from("bridge"));
    let subnet = RwSignal::new(String::new());
    let gateway = RwSignal::new(String::new());
    let ip_range = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let attachable = RwSignal::new(false);
    let labels = RwSignal::new(Vec::<KeyValueRow>::new());
    let options = RwSignal::new(Vec::<KeyValueRow>::new());
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            for field in [name, subnet, gateway, ip_range] {
                field.set(String::new());
            }
            labels.set(Vec::new());
            options.set(Vec::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pool = IpamPoolRequest {
            subnet: filled(subnet),
            gateway: filled(gateway),
            ip_range: filled(ip_range),
            aux_addresses: None,
        };
        let ipam = (pool != IpamPoolRequest::default()).then(|| IpamRequest {
            config: Some(vec![pool]),
            ..Default::default()
        });
        create.dispatch(CreateNetwork {
            request: CreateNetworkRequest {
                name: Some(name.get_untracked().trim().to_string()),
                driver: filled(driver),
                internal: Some(internal.get_untracked()),
                attachable: Some(attachable.get_untracked()),
                labels: key_value_map(&labels.get_untracked()),
                options: key_value_map(&options.get_untracked()),
                enable_ipv6: None,
                ipam,
            },
        });
    };
    let text_field = move |label: &'static str, value: RwSignal<String>, hint: &'static str| {
        view! {
            <label>
                {label}
                <input
                    type="text"
                    placeholder=hint
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <form id="create-network" class="panel-form" aria-label="Create network" on:submit=submit>
            <div class="fields">
                {text_field("Name", name, "e.g. backend")}
                {text_field("Driver", driver, "bridge")}
                {text_field("Subnet", subnet, "e.g. 172.30.0.0/24")}
                {text_field("Gateway", gateway, "e.g. 172.30.0.1")}
                {text_field("IP range", ip_range, "e.g. 172.30.0.128/25")}
                <label class="check">
                    <input type="checkbox" prop:checked=move || internal.get() on:change=move |ev| internal.set(event_target_checked(&ev))/>
                    "Internal"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || attachable.get() on:change=move |ev| attachable.set(event_target_checked(&ev))/>
                    "Attachable"
                </label>
            </div>
            <KeyValueRows legend="Labels" noun="Label" rows=labels/>
            <KeyValueRows legend="Options" noun="Option" rows=options/>
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create" }}
            </button>
        </form>
    }
}

#[component]
fn NetworksTable(list: Signal<Vec<NetworkSummary>>, actions: NetworkActions) -> impl IntoView {
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
        let name = network.name.clone();
        let id = network.id.clone();
        let details_id = format!("network-details-{name}");
        let remove = if network.predefined {
            view! { <span class="muted">"predefined"</span> }.into_any()
        } else if !actions.may_change {
            ().into_any()
        } else {
            view! {
                <DialogButton
                    class="remove"
                    action="Remove"
                    object=name.clone()
                    target=actions.to_remove
                    value=(id.clone(), name.clone())
                />
            }
            .into_any()
        };
        let connect = (actions.may_change && network.driver != "host" && network.driver != "null")
            .then(|| {
                view! {
                    <DialogButton
                        class="connect"
                        action="Connect"
                        object=name.clone()
                        label=format!("Connect a container to {name}")
                        target=actions.to_connect
                        value=(id.clone(), name.clone())
                    />
                }
            });
        let for_details = name.clone();
        view! {
                    <tr data-name=name.clone() data-id=id.clone()>
                        <td class="name" title=id.clone()>
                            <ExpandButton rows=actions.open_rows name=name.clone() controls=details_id.clone()/>
                            " "
                            {name.clone()}
                        </td>
                        <td class="driver">{network.driver}</td>
                        <td class="scope">{network.scope}</td>
                        <td class="subnet">{subnets}</td>
                        <td class="containers">{containers}</td>
                        <td class="actions">{connect}{remove}</td>
                    </tr>
                    <Show when={
                        let name = name.clone();
                        move || actions.open_rows.is_open(&name)
                    }>
                        <NetworkDetailsRow name=for_details.clone() actions/>
                    </Show>
                }
                .into_any()
    };
    view! { <DataTable id="networks-table" headers=&["Name", "Driver", "Scope", "Subnet", "Containers", "Actions"] empty="No networks." rows=list row/> }
}

/// `k=v, k=v`, or `none`.
fn pairs(map: &BTreeMap<String, String>) -> String {
    if map.is_empty() {
        "none".to_string()
    } else {
        map.iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The expanded row under a network: its configuration and its containers, each with Disconnect.
#[component]
fn NetworkDetailsRow(name: String, actions: NetworkActions) -> impl IntoView {
    move || {
        let answer = actions.details.with(|loaded| loaded.get(&name).cloned());
        match answer {
            None => view! { <tr><td colspan="6" class="loading">"Loading…"</td></tr> }.into_any(),
            Some(answer) => match answer {
                Ok(network) => {
                    let pools = network
                        .ipam
                        .config
                        .iter()
                        .map(|pool| {
                            let mut text = pool.subnet.clone();
                            if !pool.gateway.is_empty() {
                                text.push_str(&format!(" via {}", pool.gateway));
                            }
                            if !pool.ip_range.is_empty() {
                                text.push_str(&format!(", range {}", pool.ip_range));
                            }
                            text
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    let flags = [
                        network.internal.then_some("internal"),
                        network.attachable.then_some("attachable"),
                        network.enable_ipv6.then_some("IPv6"),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                    let network_name = network.name.clone();
                    let network_id = network.id.clone();
                    let users = if network.containers.is_empty() {
                        view! { <p class="muted">"No container is connected."</p> }.into_any()
                    } else {
                        let items = network
                            .containers
                            .into_iter()
                            .map(|endpoint| {
                                let href = format!("/containers/{}", endpoint.name);
                                let aliases = endpoint.aliases.join(", ");
                                let label =
                                    format!("Disconnect {} from {}", endpoint.name, network_name);
                                let request = DisconnectRequest {
                                    container: Some(endpoint.name.clone()),
                                    force: None,
                                };
                                let id = network_id.clone();
                                let disconnect = actions.may_change.then(|| {
                                    view! {
                                        <button
                                            class="disconnect"
                                            aria-label=label
                                            disabled=move || actions.disconnect.pending().get()
                                            on:click=move |_| {
                                                actions.disconnect.dispatch(DisconnectNetwork {
                                                    id: id.clone(),
                                                    request: request.clone(),
                                                });
                                            }
                                        >
                                            "Disconnect"
                                        </button>
                                    }
                                });
                                view! {
                                    <tr data-container=endpoint.name.clone()>
                                        <td><a href=href>{endpoint.name.clone()}</a></td>
                                        <td class="ipv4">{endpoint.ipv4_address}</td>
                                        <td class="aliases">{aliases}</td>
                                        <td class="actions">{disconnect}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                                <table class="table inner" aria-label=format!("Containers on {}", network.name)>
                                    <thead><tr><th>"Container"</th><th>"IPv4 address"</th><th>"Aliases"</th><th>"Actions"</th></tr></thead>
                                    <tbody>{items}</tbody>
                                </table>
                            }
                            .into_any()
                    };
                    view! {
                            <tr class="details-row" id=format!("network-details-{}", network.name)>
                                <td colspan="6">
                                    <dl class="facts">
                                        <div class="fact"><dt>"IPAM"</dt><dd>{if pools.is_empty() { "none".to_string() } else { pools }}</dd></div>
                                        <div class="fact"><dt>"Flags"</dt><dd>{if flags.is_empty() { "none".to_string() } else { flags }}</dd></div>
                                        <div class="fact"><dt>"Labels"</dt><dd>{pairs(&network.labels)}</dd></div>
                                        <div class="fact"><dt>"Options"</dt><dd>{pairs(&network.options)}</dd></div>
                                    </dl>
                                    <h2 class="section-title">"Connected containers"</h2>
                                    {users}
                                </td>
                            </tr>
                        }
                        .into_any()
                }
                Err(error) => {
                    view! { <tr><td colspan="6"><ErrorBanner error/></td></tr> }.into_any()
                }
            },
        }
    }
}

/// The dialog that connects a container to a network: container, aliases and a fixed IPv4 address.
#[component]
fn ConnectDialog(
    target: RwSignal<Option<(String, String)>>,
    connect: ServerAction<ConnectNetwork>,
) -> impl IntoView {
    move || {
        target.get().map(|(id, name)| {
            let containers = page_resource(|| (), |_| list_containers(true));
            let container = RwSignal::new(String::new());
            let aliases = RwSignal::new(String::new());
            let address = RwSignal::new(String::new());
            let first = NodeRef::<leptos::html::Button>::new();
            focus_when_shown(first);
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let aliases: Vec<String> = aliases
                    .get_untracked()
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|alias| !alias.is_empty())
                    .map(str::to_string)
                    .collect();
                connect.dispatch(ConnectNetwork {
                    id: id.clone(),
                    request: ConnectRequest {
                        container: filled(container),
                        aliases: (!aliases.is_empty()).then_some(aliases),
                        ipv4_address: filled(address),
                        ipv6_address: None,
                    },
                });
                target.set(None);
            };
            view! {
                <DialogFrame title=format!("Connect a container to {name}") on_close=Callback::new(move |_| target.set(None))>
                        <form class="stacked-form" on:submit=submit>
                            <label>
                                "Container"
                                <select
                                    required=true
                                    prop:value=move || container.get()
                                    on:change=move |ev| container.set(event_target_value(&ev))
                                >
                                    <option value="">"Choose a container"</option>
                                    <Suspense fallback=|| ()>
                                        {move || {
                                            containers
                                                .get()
                                                .and_then(Result::ok)
                                                .unwrap_or_default()
                                                .into_iter()
                                                .map(|item| view! { <option value=item.name.clone()>{item.name.clone()}</option> })
                                                .collect_view()
                                        }}
                                    </Suspense>
                                </select>
                            </label>
                            <label>
                                "Aliases"
                                <input
                                    type="text"
                                    placeholder="comma-separated, e.g. web, api"
                                    prop:value=move || aliases.get()
                                    on:input=move |ev| aliases.set(event_target_value(&ev))
                                />
                            </label>
                            <label>
                                "IPv4 address"
                                <input
                                    type="text"
                                    placeholder="blank: any free address"
                                    prop:value=move || address.get()
                                    on:input=move |ev| address.set(event_target_value(&ev))
                                />
                            </label>
                            <div class="dialog-actions">
                                <button type="button" class="cancel" node_ref=first on:click=move |_| target.set(None)>"Cancel"</button>
                                <button type="submit" class="primary">"Connect"</button>
                            </div>
                        </form>
                </DialogFrame>
            }
        })
    }
}
