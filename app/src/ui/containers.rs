//! The containers page: a server-rendered table with start and stop buttons that follows Docker's
//! container events (a change made with the docker CLI shows without a reload or polling).

use leptos::prelude::*;

use super::container_details::overview::RemoveContainerDialog;
use super::live::{CONTAINER_LIST_EVENTS, use_docker_events};
use super::resource::{ActionError, ResourceView};
use super::session::allows;
use super::{DataTable, SearchBox, text_matches};
use crate::api::containers::{RemoveContainer, StartContainer, StopContainer, list_containers};
use crate::model::auth::Role;
use crate::model::containers::{ContainerSummary, PortMap};

/// Formats ports like `docker ps`: `0.0.0.0:8080->80/tcp, 53/udp`.
pub fn format_ports(ports: &PortMap) -> String {
    let mut parts = Vec::new();
    for (port, bindings) in ports {
        match bindings {
            Some(list) if !list.is_empty() => {
                for binding in list {
                    let ip = if binding.host_ip.is_empty() {
                        "0.0.0.0"
                    } else {
                        &binding.host_ip
                    };
                    parts.push(format!("{ip}:{}->{port}", binding.host_port));
                }
            }
            _ => parts.push(port.clone()),
        }
    }
    parts.join(", ")
}

/// The states `?state=` narrows the list to: `running`, `paused`, or `stopped` (neither of those).
pub fn matches_state(filter: &str, status: &str) -> bool {
    match filter {
        "running" | "paused" => status == filter,
        "stopped" => status != "running" && status != "paused",
        _ => true,
    }
}

/// Whether a container's name or image contains `search` (ignoring case).
pub fn matches_search(container: &ContainerSummary, search: &str) -> bool {
    text_matches(search, &[&container.name, &container.image])
}

/// The containers page (`?state=running|paused|stopped` narrows it, as the dashboard's counts link).
#[component]
pub fn ContainersPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let state_filter = Memo::new(move |_| query.read().get("state").unwrap_or_default());
    let search = RwSignal::new(String::new());
    let show_all = RwSignal::new(true);
    let start = ServerAction::<StartContainer>::new();
    let stop = ServerAction::<StopContainer>::new();
    let remove = ServerAction::<RemoveContainer>::new();
    let removing = RwSignal::new(None::<(String, bool)>);
    let refresh = RwSignal::new(0_u32);
    let container_event = use_docker_events(CONTAINER_LIST_EVENTS);
    let containers = Resource::new(
        move || {
            (
                show_all.get(),
                start.version().get(),
                stop.version().get(),
                remove.version().get(),
                refresh.get(),
                container_event.get().map(|event| event.time_nano),
            )
        },
        |(all, ..)| list_containers(all),
    );
    // A failure shows until the next action succeeds.
    let errors = ActionError::new();
    errors.follow(move || start.value().get());
    errors.follow(move || stop.value().get());
    errors.follow(move || remove.value().get());
    let busy = move || start.pending().get() || stop.pending().get() || remove.pending().get();
    let on_remove = Callback::new(move |(id, force): (String, bool)| {
        remove.dispatch(RemoveContainer { id, force });
    });

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Containers"</h1>
                <label class="toggle">
                    <input
                        type="checkbox"
                        id="show-all"
                        prop:checked=move || show_all.get()
                        on:change=move |ev| show_all.set(event_target_checked(&ev))
                    />
                    " Show stopped containers"
                </label>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
                <SearchBox id="containers-search" search placeholder="name or image"/>
                <span class="busy" class:visible=busy>"Working…"</span>
            </div>
            {move || {
                let state = state_filter.get();
                (!state.is_empty()).then(|| view! {
                    <p class="filter-note">
                        {format!("Showing {state} containers only. ")}
                        <a href="/containers">"Show all"</a>
                    </p>
                })
            }}
            <ResourceView resource=containers loading="Loading containers…" errors render=move |list, role| {
                let list = Signal::derive(move || {
                    let (state, term) = (state_filter.get(), search.get());
                    list.get()
                        .into_iter()
                        .filter(|c| matches_state(&state, &c.status) && matches_search(c, &term))
                        .collect::<Vec<_>>()
                });
                let may_operate = allows(role, Role::Operator);
                let may_remove = allows(role, Role::Admin);
                view! { <ContainersTable list start stop removing may_operate may_remove/> }.into_any()
            }/>
            <RemoveContainerDialog target=removing on_remove/>
        </section>
    }
}

#[component]
fn ContainersTable(
    list: Signal<Vec<ContainerSummary>>,
    start: ServerAction<StartContainer>,
    stop: ServerAction<StopContainer>,
    removing: RwSignal<Option<(String, bool)>>,
    may_operate: bool,
    may_remove: bool,
) -> impl IntoView {
    let row = move |container: ContainerSummary| {
        let running = container.status == "running";
        let ports = format_ports(&container.ports);
        let for_start = container.name.clone();
        let for_stop = container.name.clone();
        let for_remove = container.name.clone();
        view! {
                <tr data-name=container.name.clone() data-id=container.id.clone()>
                    <td class="name" title=container.id.clone()>
                        <a href=format!("/containers/{}", container.name)>{container.name.clone()}</a>
                    </td>
                    <td class="image">{container.image}</td>
                    <td class="state">
                        <span class=format!("pill pill-{}", container.status)>{container.status.clone()}</span>
                    </td>
                    <td class="status-text">{container.status_text}</td>
                    <td class="ports">{ports}</td>
                    <td class="created">{container.created}</td>
                    <td class="actions">
                        {may_operate.then(|| view! {
                            <button
                                class="start"
                                aria-label=format!("Start {for_start}")
                                disabled=running
                                on:click=move |_| { start.dispatch(StartContainer { id: for_start.clone() }); }
                            >
                                "Start"
                            </button>
                            <button
                                class="stop"
                                aria-label=format!("Stop {for_stop}")
                                disabled=!running
                                on:click=move |_| { stop.dispatch(StopContainer { id: for_stop.clone() }); }
                            >
                                "Stop"
                            </button>
                        })}
                        {may_remove.then(|| view! {
                            <button
                                class="remove danger"
                                aria-label=format!("Remove {for_remove}")
                                on:click=move |_| removing.set(Some((for_remove.clone(), running)))
                            >
                                "Remove"
                            </button>
                        })}
                    </td>
                </tr>
            }
            .into_any()
    };
    view! { <DataTable id="containers-table" headers=&["Name", "Image", "State", "Status", "Ports", "Created", "Actions"] empty="No containers." rows=list row/> }
}

#[cfg(test)]
mod tests {
    use super::{format_ports, matches_state};

    #[test]
    fn the_state_filter_groups_everything_not_running_or_paused_as_stopped() {
        assert!(matches_state("running", "running"));
        assert!(!matches_state("running", "exited"));
        assert!(matches_state("stopped", "exited"));
        assert!(matches_state("stopped", "created"));
        assert!(!matches_state("stopped", "paused"));
        assert!(matches_state("", "dead"));
    }
    use crate::model::containers::{PortBinding, PortMap};

    #[test]
    fn ports_read_like_docker_ps() {
        let mut ports = PortMap::new();
        ports.insert(
            "80/tcp".into(),
            Some(vec![PortBinding {
                host_ip: "".into(),
                host_port: "8080".into(),
            }]),
        );
        ports.insert("53/udp".into(), None);
        assert_eq!(format_ports(&ports), "53/udp, 0.0.0.0:8080->80/tcp");
    }
}
