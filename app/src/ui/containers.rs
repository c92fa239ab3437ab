//! The containers page: a server-rendered table with start and stop buttons that follows Docker's
//! container events (a change made with the docker CLI shows without a reload or polling).

use leptos::prelude::*;

use std::collections::BTreeSet;

use super::container_details::overview::RemoveContainerDialog;
use super::live::{CONTAINER_LIST_EVENTS, use_docker_events};
use super::resource::{ActionOutcome, ResourceView};
use super::session::{IfAllowed, allows};
use super::{ConfirmDialog, DialogButton, SearchBox, row_key, text_matches};
use crate::api::containers::{
    BulkContainerAction, BulkRemoveContainers, RemoveContainer, StartContainer, StopContainer,
    list_containers,
};
use crate::model::auth::Role;
use crate::model::containers::{BulkAction, ContainerSummary, PortMap};

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

/// A column the list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// The container's name.
    Name,
    /// Its image.
    Image,
    /// Its Docker state.
    State,
    /// When it was created.
    Created,
}

/// Sorts the list by `key`, ascending or not; ties keep the name order.
pub fn sort_containers(list: &mut [ContainerSummary], key: SortKey, ascending: bool) {
    list.sort_by(|a, b| {
        let order = match key {
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Image => a.image.cmp(&b.image).then_with(|| a.name.cmp(&b.name)),
            SortKey::State => a.status.cmp(&b.status).then_with(|| a.name.cmp(&b.name)),
            SortKey::Created => a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)),
        };
        if ascending { order } else { order.reverse() }
    });
}

/// The sentence of the bulk remove dialog: the containers by name, and which running ones go by force.
pub fn bulk_remove_question(targets: &[(String, bool)]) -> String {
    let names: Vec<&str> = targets.iter().map(|(name, _)| name.as_str()).collect();
    let running: Vec<&str> = targets
        .iter()
        .filter(|(_, running)| *running)
        .map(|(name, _)| name.as_str())
        .collect();
    let count = if names.len() == 1 {
        "container".to_string()
    } else {
        format!("{} containers", names.len())
    };
    let mut text = format!("Remove {count}: {}?", names.join(", "));
    if !running.is_empty() {
        text.push_str(&format!(
            " Running, so stopped and removed by force: {}.",
            running.join(", ")
        ));
    }
    text.push_str(" This cannot be undone.");
    text
}

/// The containers page (`?state=running|paused|stopped` narrows it, as the dashboard's counts link).
#[component]
pub fn ContainersPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let state_filter = Memo::new(move |_| query.read().get("state").unwrap_or_default());
    let search = RwSignal::new(String::new());
    let show_all = RwSignal::new(true);
    let sort = RwSignal::new((SortKey::Created, false));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let start = ServerAction::<StartContainer>::new();
    let stop = ServerAction::<StopContainer>::new();
    let remove = ServerAction::<RemoveContainer>::new();
    let bulk = ServerAction::<BulkContainerAction>::new();
    let bulk_remove = ServerAction::<BulkRemoveContainers>::new();
    let removing = RwSignal::new(None::<(String, bool)>);
    let removing_many = RwSignal::new(None::<Vec<(String, bool)>>);
    let refresh = RwSignal::new(0_u32);
    let container_event = use_docker_events(CONTAINER_LIST_EVENTS);
    let containers = Resource::new(
        move || {
            (
                show_all.get(),
                start.version().get(),
                stop.version().get(),
                remove.version().get(),
                bulk.version().get(),
                bulk_remove.version().get(),
                refresh.get(),
                container_event.get().map(|event| event.time_nano),
            )
        },
        |(all, ..)| list_containers(all),
    );
    // A failure shows until the next action succeeds; a success (a bulk one too) says what it did.
    let outcome = ActionOutcome::new();
    outcome.follow(start);
    outcome.follow(stop);
    outcome.follow(remove);
    outcome.follow(bulk);
    outcome.follow(bulk_remove);
    // Containers a bulk action removed are no longer selected.
    Effect::new(move |_| {
        if let Some(Ok(result)) = bulk_remove.value().get() {
            selected.update(|set| {
                for outcome in result.outcomes.iter().filter(|o| o.succeeded) {
                    set.remove(&outcome.id);
                }
            });
        }
    });
    let busy = move || {
        start.pending().get()
            || stop.pending().get()
            || remove.pending().get()
            || bulk.pending().get()
            || bulk_remove.pending().get()
    };
    let on_remove = Callback::new(move |(id, force): (String, bool)| {
        remove.dispatch(RemoveContainer { id, force });
    });
    let on_remove_many = Callback::new(move |targets: Vec<(String, bool)>| {
        bulk_remove.dispatch(BulkRemoveContainers {
            ids: targets.into_iter().map(|(name, _)| name).collect(),
        });
    });
    // What the table shows now (filtered, sorted): the select-all box and the bulk dialog read it.
    let shown = RwSignal::new(Vec::<(String, bool)>::new());
    let describe_many = |targets: &Vec<(String, bool)>| bulk_remove_question(targets);

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Containers"</h1>
                <IfAllowed needed=Role::Admin>
                    <a class="button primary" href="/containers/new">"Create container"</a>
                </IfAllowed>
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
            <IfAllowed needed=Role::Operator>
                <BulkToolbar selected shown bulk removing_many busy=Signal::derive(busy)/>
            </IfAllowed>
            <ResourceView resource=containers loading="Loading containers…" outcome render=move |list, role| {
                let visible = Memo::new(move |_| {
                    let (state, term) = (state_filter.get(), search.get());
                    let (key, ascending) = sort.get();
                    let mut list: Vec<ContainerSummary> = list
                        .get()
                        .into_iter()
                        .filter(|c| matches_state(&state, &c.status) && matches_search(c, &term))
                        .collect();
                    sort_containers(&mut list, key, ascending);
                    list
                });
                Effect::new(move |_| {
                    shown.set(visible.with(|list| {
                        list.iter().map(|c| (c.name.clone(), c.status == "running")).collect()
                    }));
                });
                let may_operate = allows(role, Role::Operator);
                let may_remove = allows(role, Role::Admin);
                let list = Signal::from(visible);
                view! { <ContainersTable list start stop removing sort selected shown may_operate may_remove/> }.into_any()
            }/>
            <RemoveContainerDialog target=removing on_remove/>
            <ConfirmDialog
                target=removing_many
                title="Remove containers"
                describe=describe_many
                confirm="Remove"
                on_confirm=on_remove_many
            />
        </section>
    }
}

/// The bulk actions on the selected containers: Start … Unpause for operators, Remove (after a dialog)
/// for admins.
#[component]
fn BulkToolbar(
    selected: RwSignal<BTreeSet<String>>,
    shown: RwSignal<Vec<(String, bool)>>,
    bulk: ServerAction<BulkContainerAction>,
    removing_many: RwSignal<Option<Vec<(String, bool)>>>,
    busy: Signal<bool>,
) -> impl IntoView {
    let none_selected = move || selected.with(BTreeSet::is_empty);
    let buttons = BulkAction::ALL
        .into_iter()
        .filter(|action| *action != BulkAction::Remove)
        .map(|action| {
            let label = action.label();
            view! {
                <button
                    class=format!("bulk-{}", label.to_lowercase())
                    aria-label=format!("{label} selected containers")
                    disabled=move || none_selected() || busy.get()
                    on:click=move |_| {
                        bulk.dispatch(BulkContainerAction {
                            action,
                            ids: selected.get_untracked().into_iter().collect(),
                        });
                    }
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="bulk-bar" role="toolbar" aria-label="Bulk actions">
            <span class="bulk-count">
                {move || match selected.with(BTreeSet::len) {
                    0 => "No containers selected".to_string(),
                    1 => "1 container selected".to_string(),
                    n => format!("{n} containers selected"),
                }}
            </span>
            {buttons}
            <IfAllowed needed=Role::Admin>
                <button
                    class="bulk-remove danger"
                    aria-label="Remove selected containers"
                    disabled=move || none_selected() || busy.get()
                    on:click=move |_| {
                        let chosen = selected.get_untracked();
                        let running: BTreeSet<String> = shown
                            .get_untracked()
                            .into_iter()
                            .filter(|(_, running)| *running)
                            .map(|(name, _)| name)
                            .collect();
                        removing_many.set(Some(
                            chosen.into_iter().map(|name| {
                                let runs = running.contains(&name);
                                (name, runs)
                            }).collect(),
                        ));
                    }
                >
                    "Remove"
                </button>
            </IfAllowed>
        </div>
    }
}

/// The header of a sortable column: a button that sorts by it (again: the other way), `aria-sort` on the
/// cell.
#[component]
fn SortHeader(title: &'static str, key: SortKey, sort: RwSignal<(SortKey, bool)>) -> impl IntoView {
    let aria_sort = move || match sort.get() {
        (current, true) if current == key => "ascending",
        (current, false) if current == key => "descending",
        _ => "none",
    };
    view! {
        <th aria-sort=aria_sort>
            <button
                class="sort"
                on:click=move |_| sort.update(|(current, ascending)| {
                    if *current == key {
                        *ascending = !*ascending;
                    } else {
                        *current = key;
                        *ascending = true;
                    }
                })
            >
                {title}
                <span class="sort-mark" aria-hidden="true">
                    {move || match aria_sort() {
                        "ascending" => " ▲",
                        "descending" => " ▼",
                        _ => "",
                    }}
                </span>
            </button>
        </th>
    }
}

/// The table: sortable headers, a selection box per row for operators, and keyed rows (a live change of
/// one container redraws its row only).
#[allow(clippy::too_many_arguments)]
#[component]
fn ContainersTable(
    list: Signal<Vec<ContainerSummary>>,
    start: ServerAction<StartContainer>,
    stop: ServerAction<StopContainer>,
    removing: RwSignal<Option<(String, bool)>>,
    sort: RwSignal<(SortKey, bool)>,
    selected: RwSignal<BTreeSet<String>>,
    shown: RwSignal<Vec<(String, bool)>>,
    may_operate: bool,
    may_remove: bool,
) -> impl IntoView {
    let is_empty = Memo::new(move |_| list.with(Vec::is_empty));
    let all_selected = move || {
        shown.with(|shown| {
            !shown.is_empty()
                && selected.with(|set| shown.iter().all(|(name, _)| set.contains(name)))
        })
    };
    let row = move |container: ContainerSummary| {
        let running = container.status == "running";
        let ports = format_ports(&container.ports);
        let for_start = container.name.clone();
        let for_stop = container.name.clone();
        let for_remove = container.name.clone();
        let for_select = container.name.clone();
        let for_toggle = container.name.clone();
        view! {
            <tr data-name=container.name.clone() data-id=container.id.clone()>
                {may_operate.then(|| view! {
                    <td class="select">
                        <input
                            type="checkbox"
                            aria-label=format!("Select {}", container.name)
                            prop:checked=move || selected.with(|set| set.contains(&for_select))
                            on:change=move |ev| {
                                let name = for_toggle.clone();
                                let checked = event_target_checked(&ev);
                                selected.update(|set| {
                                    if checked { set.insert(name); } else { set.remove(&name); }
                                });
                            }
                        />
                    </td>
                })}
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
                        <DialogButton
                            class="remove danger"
                            action="Remove"
                            object=for_remove.clone()
                            target=removing
                            value=(for_remove.clone(), running)
                        />
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <table id="containers-table" class="table">
            <thead hidden=move || is_empty.get()>
                <tr>
                    {may_operate.then(|| view! {
                        <th class="select">
                            <input
                                type="checkbox"
                                aria-label="Select all"
                                prop:checked=all_selected
                                on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    let names: Vec<String> = shown.get_untracked().into_iter().map(|(name, _)| name).collect();
                                    selected.update(|set| {
                                        for name in names {
                                            if checked { set.insert(name); } else { set.remove(&name); }
                                        }
                                    });
                                }
                            />
                        </th>
                    })}
                    <SortHeader title="Name" key=SortKey::Name sort/>
                    <SortHeader title="Image" key=SortKey::Image sort/>
                    <SortHeader title="State" key=SortKey::State sort/>
                    <th>"Status"</th>
                    <th>"Ports"</th>
                    <SortHeader title="Created" key=SortKey::Created sort/>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {move || is_empty.get().then(|| view! { <tr><td class="empty">"No containers."</td></tr> })}
                <For each=move || list.get() key=row_key children=row/>
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::{SortKey, bulk_remove_question, format_ports, matches_state, sort_containers};
    use crate::model::containers::ContainerSummary;

    fn summary(name: &str, image: &str, status: &str, created: &str) -> ContainerSummary {
        ContainerSummary {
            id: name.into(),
            name: name.into(),
            image: image.into(),
            status: status.into(),
            status_text: String::new(),
            created: created.into(),
            ports: Default::default(),
            labels: Default::default(),
            command: String::new(),
        }
    }

    #[test]
    fn the_list_sorts_by_each_column_both_ways() {
        let mut list = vec![
            summary("web", "nginx", "running", "2026-01-02T00:00:00Z"),
            summary("api", "busybox", "exited", "2026-01-03T00:00:00Z"),
            summary("db", "postgres", "running", "2026-01-01T00:00:00Z"),
        ];
        let names =
            |list: &[ContainerSummary]| list.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        sort_containers(&mut list, SortKey::Name, true);
        assert_eq!(names(&list), ["api", "db", "web"]);
        sort_containers(&mut list, SortKey::Image, false);
        assert_eq!(names(&list), ["db", "web", "api"]);
        sort_containers(&mut list, SortKey::State, true);
        assert_eq!(names(&list), ["api", "db", "web"]);
        sort_containers(&mut list, SortKey::Created, false);
        assert_eq!(names(&list), ["api", "web", "db"]);
    }

    #[test]
    fn the_bulk_remove_dialog_names_every_container_and_the_running_ones() {
        let text = bulk_remove_question(&[("web".into(), true), ("db".into(), false)]);
        assert!(text.contains("Remove 2 containers: web, db?"), "{text}");
        assert!(text.contains("by force: web."), "{text}");
        let one = bulk_remove_question(&[("db".into(), false)]);
        assert!(!one.contains("force"), "{one}");
    }

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
