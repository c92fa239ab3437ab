//! The dashboard `/`: the engine's version and health, containers by state (each count a link to the filtered
//! list), images, volumes, networks, disk usage with reclaimable space, the engine host's facts, and the
//! recent events. One server function brings it all; Docker's events keep it current without polling.

use std::sync::atomic::Ordering;

use leptos::prelude::*;

use super::events::{EventRow, merge_events};
use super::live::follow_stream;
use super::resource::{ResourceView, page_resource};
use crate::api::system::{DASHBOARD_EVENTS, load_dashboard};
use crate::model::events::DockerEvent;
use crate::model::system::Dashboard;

/// The actions after which the dashboard's counts or sizes may have changed.
const COUNTING_ACTIONS: [&str; 13] = [
    "create", "start", "die", "destroy", "pause", "unpause", "pull", "delete", "tag", "untag",
    "import", "load", "prune",
];

/// Shows a value the daemon may leave out: as text, or a dash when absent.
pub fn show<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "—".into(), |value| value.to_string())
}

/// Whether an event may change what the dashboard counts.
pub fn changes_counts(event: &DockerEvent) -> bool {
    COUNTING_ACTIONS.contains(&event.action.as_str())
}

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let refresh = RwSignal::new(0_u32);
    let live = RwSignal::new(Vec::<DockerEvent>::new());
    // A burst of events (a compose project starting) reads the figures once, 300 ms after its first event.
    let refresh_scheduled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    follow_stream::<DockerEvent>(
        "/api/events?type=container,image,volume,network,daemon".into(),
        move |event| {
            if changes_counts(&event) && !refresh_scheduled.swap(true, Ordering::SeqCst) {
                let scheduled = refresh_scheduled.clone();
                set_timeout(
                    move || {
                        scheduled.store(false, Ordering::SeqCst);
                        refresh.update(|n| *n += 1);
                    },
                    std::time::Duration::from_millis(300),
                );
            }
            live.update(|events| {
                events.insert(0, event);
                events.truncate(DASHBOARD_EVENTS);
            });
        },
    );
    let dashboard = page_resource(move || refresh.get(), |_| load_dashboard());

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Dashboard"</h1>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <ResourceView
                resource=dashboard
                loading="Loading the dashboard…"
                failed=|| view! {
                    <div id="dashboard" class="cards">
                        <article class="card" data-card="engine">
                            <h2>"Engine"</h2>
                            <p class="card-value health health-down">"Unreachable"</p>
                        </article>
                    </div>
                }
                render=move |data, _| view! { {move || view! { <DashboardView data=data.get() live/> }} }.into_any()
            />
        </section>
    }
}

/// One `label: value` line of a card, the value a link when `href` is given.
fn detail(label: &'static str, value: String, href: Option<String>) -> impl IntoView {
    let value = match href {
        Some(href) => view! { <a href=href>{value}</a> }.into_any(),
        None => value.into_any(),
    };
    view! {
        <div class="detail" data-detail=label.to_lowercase()>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

#[component]
fn DashboardView(data: Dashboard, live: RwSignal<Vec<DockerEvent>>) -> impl IntoView {
    let Dashboard {
        version,
        info,
        statistics,
        recent_events,
    } = data;
    let containers = &statistics.containers;
    let disk = &statistics.disk;
    let recent_events = StoredValue::new(recent_events);
    let recent =
        move || recent_events.with_value(|past| merge_events(&live.get(), past, DASHBOARD_EVENTS));
    view! {
        <div id="dashboard" class="cards">
            <article class="card" data-card="engine">
                <h2>"Engine"</h2>
                <p class="card-value health health-ok">"Healthy"</p>
                <dl class="card-details">
                    {detail("Version", show(&version.version), None)}
                    {detail("API", show(&version.api_version), None)}
                    {detail("Storage driver", show(&info.driver), None)}
                </dl>
            </article>
            <article class="card" data-card="containers">
                <h2>"Containers"</h2>
                <p class="card-value"><a href="/containers">{show(&containers.total)}</a></p>
                <dl class="card-details">
                    {detail("Running", show(&containers.running), Some("/containers?state=running".into()))}
                    {detail("Paused", show(&containers.paused), Some("/containers?state=paused".into()))}
                    {detail("Stopped", show(&containers.stopped), Some("/containers?state=stopped".into()))}
                </dl>
            </article>
            <article class="card" data-card="images">
                <h2>"Images"</h2>
                <p class="card-value"><a href="/images">{show(&statistics.images)}</a></p>
                <dl class="card-details">
                    {detail("Size", disk.images.size.clone(), None)}
                    {detail("Reclaimable", disk.images.reclaimable.clone(), None)}
                </dl>
            </article>
            <article class="card" data-card="volumes">
                <h2>"Volumes"</h2>
                <p class="card-value"><a href="/volumes">{statistics.volumes}</a></p>
                <dl class="card-details">
                    {detail("Size", disk.volumes.size.clone(), None)}
                    {detail("Reclaimable", disk.volumes.reclaimable.clone(), None)}
                </dl>
            </article>
            <article class="card" data-card="networks">
                <h2>"Networks"</h2>
                <p class="card-value"><a href="/networks">{statistics.networks}</a></p>
            </article>
            <article class="card" data-card="disk">
                <h2>"Disk usage"</h2>
                <p class="card-value">{disk.total_size.clone()}</p>
                <dl class="card-details">
                    {detail("Reclaimable", disk.total_reclaimable.clone(), None)}
                    {detail("Containers", disk.containers.size.clone(), None)}
                    {detail("Build cache", disk.build_cache.size.clone(), None)}
                </dl>
            </article>
            <article class="card" data-card="host">
                <h2>"Host"</h2>
                <p class="card-value host-name">{show(&info.name)}</p>
                <dl class="card-details">
                    {detail("OS", show(&info.operating_system), None)}
                    {detail("Kernel", show(&info.kernel_version), None)}
                    {detail("CPUs", show(&info.ncpu), None)}
                    {detail("Memory", info.mem_total_human.clone(), None)}
                </dl>
            </article>
        </div>
        <h2 class="section-title">"Recent events"</h2>
        <table id="recent-events" class="table">
            <thead>
                <tr><th>"Time"</th><th>"Type"</th><th>"Action"</th><th>"Object"</th></tr>
            </thead>
            <tbody>
                <Show when=move || !recent().is_empty() fallback=|| view! {
                    <tr><td class="empty" colspan="4">"No events in the last hour."</td></tr>
                }>
                    <For each=recent key=|event| super::events::event_key(event) let:event>
                        <EventRow event/>
                    </For>
                </Show>
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str) -> DockerEvent {
        DockerEvent {
            kind: "container".into(),
            action: action.into(),
            id: "abc".into(),
            name: "web".into(),
            time: "2026-11-29T00:00:00Z".into(),
            time_nano: 1,
            attributes: Default::default(),
        }
    }

    #[test]
    fn only_state_changes_refresh_the_counts() {
        assert!(changes_counts(&event("start")));
        assert!(changes_counts(&event("destroy")));
        assert!(!changes_counts(&event("exec_start: sh")));
        assert!(!changes_counts(&event("attach")));
    }

    #[test]
    fn absent_values_show_a_dash() {
        assert_eq!(show(&None::<i64>), "—");
        assert_eq!(show(&Some(3)), "3");
        assert_eq!(show(&Some("20.10")), "20.10");
    }
}
