//! The events page `/events`: Docker's events of the last hour, then live ones as they happen, newest first,
//! narrowed by type and action (asked of the daemon) and by a name search; the list keeps the newest
//! [`EVENTS_KEPT`].

use leptos::prelude::*;

use super::live::follow_stream;
use super::resource::{ResourceView, page_resource};
use super::{SearchBox, text_matches};
use crate::api::system::recent_events;
use crate::model::events::DockerEvent;

/// How many events the page keeps.
pub const EVENTS_KEPT: usize = 500;

/// How many past events the first paint carries.
const EVENTS_REPLAYED: usize = 100;

/// The object kinds the type filter offers (empty: all).
const EVENT_KINDS: [&str; 6] = ["", "container", "image", "volume", "network", "daemon"];

/// What tells two events apart (the daemon has no event id): time, object and action.
pub fn event_key(event: &DockerEvent) -> (i64, String, String) {
    (event.time_nano, event.id.clone(), event.action.clone())
}

/// The newest `limit` of `live` and `replayed` together (both newest first), each event once.
pub fn merge_events(
    live: &[DockerEvent],
    replayed: &[DockerEvent],
    limit: usize,
) -> Vec<DockerEvent> {
    let mut merged: Vec<DockerEvent> = live.iter().chain(replayed).cloned().collect();
    merged.sort_by_key(|event| std::cmp::Reverse(event.time_nano));
    let mut seen = std::collections::HashSet::new();
    merged.retain(|event| seen.insert(event_key(event)));
    merged.truncate(limit);
    merged
}

/// Whether `event` matches the name search (its name or id contains `search`, ignoring case).
pub fn matches_search(event: &DockerEvent, search: &str) -> bool {
    text_matches(search, &[&event.name, &event.id])
}

/// The `/api/events` query for a type and an action filter (either may be empty).
pub fn events_query(kind: &str, action: &str) -> String {
    let mut query = Vec::new();
    if !kind.is_empty() {
        query.push(format!("type={kind}"));
    }
    let action = action.trim();
    if !action.is_empty() {
        let encoded: String = action
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ','))
            .collect();
        query.push(format!("event={encoded}"));
    }
    query.join("&")
}

/// The events of the last hour that match the filters, with the filters' `/api/events` query (the live
/// stream that follows them asks for the same).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplayedEvents {
    /// The `/api/events` query of the filters, e.g. `type=container&event=start`.
    pub query: String,
    /// The events, newest first.
    pub events: Vec<DockerEvent>,
}

/// A short text of an event's most telling attributes (image, exit code, signal...).
fn attribute_summary(event: &DockerEvent) -> String {
    ["image", "exitCode", "signal", "driver", "type", "container"]
        .iter()
        .filter_map(|key| {
            event
                .attributes
                .get(*key)
                .map(|value| format!("{key}={value}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One event as a table row: time, type, action, object (with its details).
#[component]
pub fn EventRow(
    /// The event.
    event: DockerEvent,
) -> impl IntoView {
    let time = event.time.replace('T', " ").replace('Z', "");
    let object = if event.kind == "container" && !event.name.is_empty() {
        view! { <a href=format!("/containers/{}", event.name)>{event.name.clone()}</a> }.into_any()
    } else if event.name.is_empty() {
        event.id.chars().take(12).collect::<String>().into_any()
    } else {
        event.name.clone().into_any()
    };
    let summary = attribute_summary(&event);
    view! {
        <tr class="event" data-type=event.kind.clone() data-action=event.action.clone() data-name=event.name.clone()>
            <td class="time">{time}</td>
            <td class="type">{event.kind.clone()}</td>
            <td class="action">{event.action.clone()}</td>
            <td class="object">{object}" "<span class="muted">{summary}</span></td>
        </tr>
    }
}

/// The events page.
#[component]
pub fn EventsPage() -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let action_input = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let replayed = page_resource(
        move || (kind.get(), action.get()),
        |(kind, action)| async move {
            let query = events_query(&kind, &action);
            let events = recent_events(kind, action, EVENTS_REPLAYED).await?;
            Ok::<_, crate::error::AppError>(ReplayedEvents { query, events })
        },
    );
    let kinds = EVENT_KINDS
        .iter()
        .map(|value| {
            let label = if value.is_empty() { "All types" } else { value };
            view! { <option value=*value>{label}</option> }
        })
        .collect_view();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Events"</h1>
            </div>
            <form
                id="events-filters"
                class="inline-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.set(action_input.get_untracked());
                }
            >
                <label for="events-type">"Type"</label>
                <select
                    id="events-type"
                    prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))
                >
                    {kinds}
                </select>
                <label for="events-action">"Action"</label>
                <input
                    id="events-action"
                    type="text"
                    placeholder="start,die"
                    prop:value=move || action_input.get()
                    on:input=move |ev| action_input.set(event_target_value(&ev))
                    on:change=move |ev| action.set(event_target_value(&ev))
                />
                <SearchBox id="events-search" search placeholder="name or id"/>
            </form>
            <ResourceView resource=replayed loading="Loading events…" render=move |replayed, _| {
                // New filters: once their past events are in, the table (and its stream) starts anew.
                view! {
                    {move || {
                        let ReplayedEvents { query, events } = replayed.get();
                        view! { <EventsTable past=events query search/> }
                    }}
                }
                .into_any()
            }/>
        </section>
    }
}

/// The list: the replayed events, then the live ones of `query` on top.
#[component]
fn EventsTable(past: Vec<DockerEvent>, query: String, search: RwSignal<String>) -> impl IntoView {
    let live = RwSignal::new(Vec::<DockerEvent>::new());
    follow_stream::<DockerEvent>(format!("/api/events?{query}"), move |event| {
        live.update(|events| {
            events.insert(0, event);
            events.truncate(EVENTS_KEPT);
        })
    });
    let past = StoredValue::new(past);
    let shown = move || {
        let term = search.get();
        past.with_value(|past| merge_events(&live.get(), past, EVENTS_KEPT))
            .into_iter()
            .filter(|event| matches_search(event, &term))
            .collect::<Vec<_>>()
    };
    view! {
        <p class="muted events-count">{move || format!("{} events, newest first", shown().len())}</p>
        <table id="events-table" class="table">
            <thead>
                <tr><th>"Time"</th><th>"Type"</th><th>"Action"</th><th>"Object"</th></tr>
            </thead>
            <tbody>
                <For each=shown key=event_key let:event>
                    <EventRow event/>
                </For>
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(time_nano: i64, name: &str, action: &str) -> DockerEvent {
        DockerEvent {
            kind: "container".into(),
            action: action.into(),
            id: format!("id-{name}"),
            name: name.into(),
            time: "2026-11-29T00:00:00Z".into(),
            time_nano,
            attributes: Default::default(),
        }
    }

    #[test]
    fn merged_events_are_newest_first_once_each_and_bounded() {
        let live = vec![event(3, "web", "start"), event(2, "web", "create")];
        let replayed = vec![event(2, "web", "create"), event(1, "db", "die")];
        let merged = merge_events(&live, &replayed, 10);
        let times: Vec<i64> = merged.iter().map(|e| e.time_nano).collect();
        assert_eq!(times, vec![3, 2, 1]);
        assert_eq!(merge_events(&live, &replayed, 2).len(), 2);
    }

    #[test]
    fn the_search_matches_names_and_ids_ignoring_case() {
        let web = event(1, "Web-1", "start");
        assert!(matches_search(&web, "web"));
        assert!(matches_search(&web, "ID-WEB"));
        assert!(matches_search(&web, " "));
        assert!(!matches_search(&web, "db"));
    }

    #[test]
    fn the_query_names_only_the_given_filters_and_drops_odd_characters() {
        assert_eq!(events_query("", ""), "");
        assert_eq!(events_query("container", ""), "type=container");
        assert_eq!(
            events_query("image", " pull,delete&x=1 "),
            "type=image&event=pull,deletex1"
        );
    }
}
