//! The container page `/containers/{name}`: tabs Overview, Logs, Stats, Processes, Terminal and Inspect.
//! The page follows the container's Docker events, so a state change made elsewhere shows without a reload.

pub mod change;
pub mod logs;
pub mod overview;
pub mod stats;
pub mod terminal;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::live::use_docker_events;
use super::resource::{OutcomeNotice, ResourceView, page_resource};
use super::session::{CallerResource, allows};
use crate::api::containers::{get_container_details, inspect_container, list_container_processes};
use crate::model::auth::Role;
use crate::model::containers::ContainerProcesses;

/// The tabs of the page, as `(key, accessible name)`.
pub const TABS: [(&str, &str); 6] = [
    ("overview", "Overview"),
    ("logs", "Logs"),
    ("stats", "Stats"),
    ("processes", "Processes"),
    ("terminal", "Terminal"),
    ("inspect", "Inspect"),
];

/// What the streaming tabs need to know of the container: whether it runs, and since when (a new start
/// opens their streams anew).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunState {
    running: bool,
    started: String,
}

/// The container page: its name comes from the path.
#[component]
pub fn ContainerPage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
    // A new name (client-side navigation to another container) builds the page anew, streams included.
    move || {
        let name = name.get();
        view! { <ContainerView name/> }
    }
}

/// Moves the keyboard focus to tab `key` (the arrow keys select a tab and focus it, as in WAI-ARIA's tabs).
fn focus_tab(key: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(button) = document()
            .get_element_by_id(&format!("tab-{key}"))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

#[component]
fn ContainerView(name: String) -> impl IntoView {
    let tab = RwSignal::new(TABS[0].0);
    let changed = use_docker_events(&format!("type=container&container={name}"));
    let actions = overview::ContainerActions::new();
    let details_name = name.clone();
    let details = page_resource(
        move || {
            (
                actions.finished(),
                changed.get().map(|event| event.time_nano),
            )
        },
        move |_| get_container_details(details_name.clone()),
    );
    let run_state = Memo::new(move |_| {
        details
            .get()
            .and_then(Result::ok)
            .map(|container| RunState {
                running: container.running,
                started: container.started,
            })
    });
    let tabs = TABS
        .iter()
        .map(|(key, label)| {
            let key = *key;
            view! {
                <button
                    role="tab"
                    id=format!("tab-{key}")
                    class="tab"
                    aria-controls=format!("panel-{key}")
                    aria-selected=move || (tab.get() == key).to_string()
                    tabindex=move || if tab.get() == key { "0" } else { "-1" }
                    on:click=move |_| tab.set(key)
                    on:keydown=move |ev| {
                        let step: isize = match ev.key().as_str() {
                            "ArrowRight" => 1,
                            "ArrowLeft" => -1,
                            _ => return,
                        };
                        let at = TABS.iter().position(|(k, _)| *k == key).unwrap_or(0) as isize;
                        let next = (at + step).rem_euclid(TABS.len() as isize) as usize;
                        tab.set(TABS[next].0);
                        focus_tab(TABS[next].0);
                    }
                >
                    {*label}
                </button>
            }
        })
        .collect_view();
    let panel = move |key: &'static str, body: AnyView| {
        view! {
            <div role="tabpanel" id=format!("panel-{key}") aria-labelledby=format!("tab-{key}") class="tabpanel">
                {body}
            </div>
        }
    };
    let shown = move |key: &'static str| move || tab.get() == key;
    let title = name.clone();
    let (logs_name, stats_name, top_name, term_name, inspect_name) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );

    view! {
        <section class="page container-page" data-container=name.clone()>
            <div class="page-head">
                <h1>
                    <a class="crumb" href="/containers">"Containers"</a>
                    " / "
                    <span class="container-name">{title}</span>
                </h1>
            </div>
            <OutcomeNotice outcome=actions.outcome/>
            <div role="tablist" aria-label="Container" class="tabs">{tabs}</div>
            <div
                role="tabpanel"
                id="panel-overview"
                aria-labelledby="tab-overview"
                class="tabpanel"
                hidden=move || tab.get() != "overview"
            >
                <ResourceView resource=details loading="Loading the container…" render=move |container, role| {
                    view! {
                        {move || view! { <overview::OverviewTab container=container.get() role actions/> }}
                    }
                    .into_any()
                }/>
            </div>
            <Show when=shown("logs")>
                {
                    let name = logs_name.clone();
                    panel("logs", view! {
                        {move || run_state.get().map(|state| view! {
                            <logs::LogsTab name=name.clone() running=state.running/>
                        })}
                    }.into_any())
                }
            </Show>
            <Show when=shown("stats")>
                {
                    let name = stats_name.clone();
                    panel("stats", view! {
                        {move || run_state.get().map(|state| view! {
                            <stats::StatsTab name=name.clone() running=state.running/>
                        })}
                    }.into_any())
                }
            </Show>
            <Show when=shown("processes")>
                {
                    let name = top_name.clone();
                    panel("processes", view! {
                        {move || run_state.get().map(|state| view! {
                            <ProcessesTab name=name.clone() running=state.running/>
                        })}
                    }.into_any())
                }
            </Show>
            <Show when=shown("terminal")>
                {
                    let name = term_name.clone();
                    panel("terminal", view! {
                        {move || run_state.get().map(|state| view! {
                            <terminal::TerminalTab name=name.clone() running=state.running/>
                        })}
                    }.into_any())
                }
            </Show>
            <Show when=shown("inspect")>
                {
                    let name = inspect_name.clone();
                    panel("inspect", view! { <InspectTab name/> }.into_any())
                }
            </Show>
        </section>
    }
}

/// The Processes tab: `docker top`, with a refresh.
#[component]
fn ProcessesTab(name: String, running: bool) -> impl IntoView {
    if !running {
        return view! { <p class="muted">"The container is not running: it has no processes."</p> }
            .into_any();
    }
    let refresh = RwSignal::new(0_u32);
    let processes = page_resource(
        move || refresh.get(),
        move |_| list_container_processes(name.clone()),
    );
    view! {
        <div class="tab-head">
            <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
        </div>
        <ResourceView resource=processes loading="Loading processes…" render=|top, _| {
            view! { {move || view! { <ProcessesTable top=top.get()/> }} }.into_any()
        }/>
    }
    .into_any()
}

/// The processes as `docker top` lists them: its columns, one row per process.
#[component]
fn ProcessesTable(top: ContainerProcesses) -> impl IntoView {
    let headers = top
        .titles
        .into_iter()
        .map(|title| view! { <th>{title}</th> })
        .collect_view();
    let rows = top
        .processes
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|cell| view! { <td>{cell}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table id="processes-table" class="table">
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The Inspect tab: Docker's raw inspect document, pretty-printed (admins only, as on the REST API).
#[component]
fn InspectTab(name: String) -> impl IntoView {
    let caller = use_context::<CallerResource>();
    // Asked only for admins: anyone else would be refused (and the refusal audited).
    let document = page_resource(
        || (),
        move |_| {
            let name = name.clone();
            async move {
                let role = match caller {
                    Some(CallerResource(caller)) => caller.await.ok().flatten().map(|c| c.role),
                    None => None,
                };
                if !allows(role, Role::Admin) {
                    return Ok(None);
                }
                inspect_container(name).await.map(Some)
            }
        },
    );
    view! {
        <ResourceView resource=document loading="Loading the inspect document…" render=|document, _| {
            view! {
                {move || match document.get() {
                    None => view! {
                        <p class="muted">"Docker's raw inspect document is for admins only; the Overview shows the details."</p>
                    }
                    .into_any(),
                    Some(text) => view! { <pre id="inspect-json" class="inspect-json">{text}</pre> }.into_any(),
                }}
            }
            .into_any()
        }/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tabs_are_the_contract_s_six() {
        let names: Vec<&str> = TABS.iter().map(|(_, name)| *name).collect();
        assert_eq!(
            names,
            [
                "Overview",
                "Logs",
                "Stats",
                "Processes",
                "Terminal",
                "Inspect"
            ]
        );
    }
}
