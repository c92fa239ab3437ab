//! The containers page: a server-rendered table with start and stop buttons that follows Docker's
//! container events (a change made with the docker CLI shows without a reload or polling).

use leptos::prelude::*;

use std::collections::BTreeSet;

use super::container_details::overview::RemoveContainerDialog;
use super::live::{CONTAINER_LIST_EVENTS, use_docker_events};
use super::resource::{ActionOutcome, ResourceView, page_resource};
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

/// The choices of the "Rows per page" select; `0` shows every row.
pub const PAGE_SIZES: [usize; 5] = [25, 50, 100, 250, 0];

/// How many rows a page shows unless the user chooses otherwise: enough for most hosts on one page, few
/// enough that a host with 1,000 containers paints and hydrates a page, not the whole list.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// One page of a list of `total` rows: the rows `start..end`, which page that is (`page`, from 0, pulled
/// back onto the last page when the list shrank under it) and how many pages there are (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    /// The first row shown.
    pub start: usize,
    /// One past the last row shown.
    pub end: usize,
    /// The page shown, from 0.
    pub page: usize,
    /// How many pages the list has.
    pub pages: usize,
}

impl PageWindow {
    /// The window of page `page` of `total` rows, `size` rows a page (`0`: one page of everything).
    pub fn of(total: usize, page: usize, size: usize) -> Self {
        if size == 0 {
            return Self {
                start: 0,
                end: total,
                page: 0,
                pages: 1,
            };
        }
        let pages = total.div_ceil(size).max(1);
        let page = page.min(pages - 1);
        let start = page * size;
        Self {
            start,
            end: (start + size).min(total),
            page,
            pages,
        }
    }

    /// "101–200 of 1,000" ("0 of 0" for an empty list).
    pub fn describe(&self, total: usize) -> String {
        if total == 0 {
            return "0 of 0".to_string();
        }
        format!("{}–{} of {}", self.start + 1, self.end, thousands(total))
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
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
    let page = RwSignal::new(0_usize);
    let page_size = RwSignal::new(DEFAULT_PAGE_SIZE);
    // A new search, filter, order or page size starts again at the first page.
    Effect::new(move |_| {
        search.track();
        state_filter.track();
        sort.track();
        page_size.track();
        page.set(0);
    });
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
    let containers = page_resource(
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
    // Every container the filters let through, with whether it runs (on any page): the bulk remove
    // dialog reads it to say which selected containers go by force.
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
                        checked=move || show_all.get()
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
                let total = Memo::new(move |_| visible.with(Vec::len));
                let window = Memo::new(move |_| PageWindow::of(total.get(), page.get(), page_size.get()));
                let rows = Memo::new(move |_| {
                    let PageWindow { start, end, .. } = window.get();
                    visible.with(|list| list[start..end].to_vec())
                });
                let may_operate = allows(role, Role::Operator);
                let may_remove = allows(role, Role::Admin);
                let list = Signal::from(rows);
                view! {
                    <ContainersTable list start stop removing sort selected may_operate may_remove/>
                    <Pager window total page page_size/>
                }.into_any()
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
    may_operate: bool,
    may_remove: bool,
) -> impl IntoView {
    let is_empty = Memo::new(move |_| list.with(Vec::is_empty));
    // "Select all" selects the rows of this page, as in Portainer.
    let all_selected = move || {
        list.with(|rows| {
            !rows.is_empty() && selected.with(|set| rows.iter().all(|row| set.contains(&row.name)))
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
                                    let names: Vec<String> = list.with_untracked(|rows| rows.iter().map(|row| row.name.clone()).collect());
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

/// Under the table: which rows show ("101–200 of 1,000"), Previous/Next page, and how many rows a page
/// shows. Hidden while the list is empty.
#[component]
fn Pager(
    window: Memo<PageWindow>,
    total: Memo<usize>,
    page: RwSignal<usize>,
    page_size: RwSignal<usize>,
) -> impl IntoView {
    let options = PAGE_SIZES
        .into_iter()
        .map(|size| {
            let label = if size == 0 { "All".to_string() } else { size.to_string() };
            view! {
                <option value=size.to_string() selected=move || page_size.get() == size>{label}</option>
            }
        })
        .collect_view();
    view! {
        <nav class="pager" aria-label="Pagination" hidden=move || total.get() == 0>
            <span class="pager-range" aria-live="polite">{move || window.get().describe(total.get())}</span>
            <button
                class="pager-previous"
                aria-label="Previous page"
                disabled=move || window.get().page == 0
                on:click=move |_| page.set(window.get_untracked().page.saturating_sub(1))
            >
                "‹ Previous"
            </button>
            <span class="pager-page">
                {move || format!("Page {} of {}", window.get().page + 1, window.get().pages)}
            </span>
            <button
                class="pager-next"
                aria-label="Next page"
                disabled=move || { let w = window.get(); w.page + 1 >= w.pages }
                on:click=move |_| page.set(window.get_untracked().page + 1)
            >
                "Next ›"
            </button>
            <label class="pager-size">
                "Rows per page "
                <select on:change=move |ev| {
                    page_size.set(event_target_value(&ev).parse().unwrap_or(DEFAULT_PAGE_SIZE));
                }>
                    {options}
                </select>
            </label>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::{
        PageWindow, SortKey, bulk_remove_question, format_ports, matches_state, sort_containers,
    };
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
    fn a_page_shows_its_slice_and_a_page_past_the_end_falls_back_to_the_last() {
        let first = PageWindow::of(1_000, 0, 100);
        assert_eq!(
            (first.start, first.end, first.page, first.pages),
            (0, 100, 0, 10)
        );
        assert_eq!(first.describe(1_000), "1–100 of 1,000");
        let last = PageWindow::of(1_001, 10, 100);
        assert_eq!(
            (last.start, last.end, last.page, last.pages),
            (1_000, 1_001, 10, 11)
        );
        // The list shrank under page 7 of 10: the last page shows instead of an empty one.
        let shrunk = PageWindow::of(250, 7, 100);
        assert_eq!(
            (shrunk.start, shrunk.end, shrunk.page, shrunk.pages),
            (200, 250, 2, 3)
        );
        let everything = PageWindow::of(1_000, 3, 0);
        assert_eq!(
            (everything.start, everything.end, everything.pages),
            (0, 1_000, 1)
        );
        let empty = PageWindow::of(0, 0, 100);
        assert_eq!(
            (empty.start, empty.end, empty.page, empty.pages),
            (0, 0, 0, 1)
        );
        assert_eq!(empty.describe(0), "0 of 0");
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
