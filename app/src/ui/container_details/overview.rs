//! The Overview tab: what the container is and how it runs, with Start, Stop, Restart and Remove.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::change::{RecreateDialog, RenameDialog};
use crate::api::containers::{
    RecreateContainer, RemoveContainer, RenameContainer, RestartContainer, StartContainer,
    StopContainer,
};
use crate::model::auth::Role;
use crate::model::containers::ContainerDetails;
use crate::ui::ConfirmDialog;
use crate::ui::containers::format_ports;
use crate::ui::resource::ActionOutcome;
use crate::ui::session::allows;

/// Docker's "never happened" time, shown as a dash.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A time for people: `2026-11-29 01:02:03`, or a dash for Docker's zero time.
pub fn readable_time(time: &str) -> String {
    if time.is_empty() || time.starts_with("0001-01-01") || time == ZERO_TIME {
        return "—".into();
    }
    let trimmed = time.split('.').next().unwrap_or(time);
    trimmed.replace('T', " ").trim_end_matches('Z').to_string()
}

/// The restart policy as `docker run` spells it: `no`, `always`, `on-failure:3`.
pub fn restart_policy_text(container: &ContainerDetails) -> String {
    let policy = &container.restart_policy;
    match policy.name.as_str() {
        "" => "no".into(),
        "on-failure" if policy.maximum_retry_count > 0 => {
            format!("on-failure:{}", policy.maximum_retry_count)
        }
        name => name.into(),
    }
}

/// The sentence of the remove dialog: a running container is removed by force, and the dialog says so.
pub fn remove_question(name: &str, running: bool) -> String {
    if running {
        format!(
            "Remove container '{name}'? It is running: it will be stopped and removed by force. This cannot be undone."
        )
    } else {
        format!("Remove container '{name}'? This cannot be undone.")
    }
}

/// The remove dialog of a container, shared by the list and the container page: open while `target` holds
/// `(name, running)`; a running container is removed by force, and the dialog says so.
#[component]
pub fn RemoveContainerDialog(
    /// The container to remove and whether it runs; `None` keeps the dialog closed.
    target: RwSignal<Option<(String, bool)>>,
    /// Runs with `(id, force)` once confirmed.
    on_remove: Callback<(String, bool)>,
) -> impl IntoView {
    view! {
        <ConfirmDialog
            target
            title="Remove container"
            describe=|(name, running): &(String, bool)| remove_question(name, *running)
            confirm="Remove"
            on_confirm=on_remove
        />
    }
}

/// The container's actions, made once per page so that their outcome stays shown while the details are
/// read again after each of the container's events.
#[derive(Clone, Copy)]
pub struct ContainerActions {
    start: ServerAction<StartContainer>,
    stop: ServerAction<StopContainer>,
    restart: ServerAction<RestartContainer>,
    remove: ServerAction<RemoveContainer>,
    rename: ServerAction<RenameContainer>,
    recreate: ServerAction<RecreateContainer>,
    /// What the last action did (a failure shows until the next action succeeds).
    pub outcome: ActionOutcome,
}

impl ContainerActions {
    /// The actions; a successful remove leads back to the containers list.
    pub fn new() -> Self {
        let actions = Self {
            start: ServerAction::new(),
            stop: ServerAction::new(),
            restart: ServerAction::new(),
            remove: ServerAction::new(),
            rename: ServerAction::new(),
            recreate: ServerAction::new(),
            outcome: ActionOutcome::new(),
        };
        actions.outcome.follow(actions.start);
        actions.outcome.follow(actions.stop);
        actions.outcome.follow(actions.restart);
        actions.outcome.follow(actions.remove);
        actions.outcome.follow(actions.rename);
        actions.outcome.follow(actions.recreate);
        let navigate = use_navigate();
        let to_renamed = navigate.clone();
        Effect::new(move |_| {
            if let Some(Ok(_)) = actions.remove.value().get() {
                navigate("/containers", Default::default());
            }
        });
        // The page lives at the container's name: a renamed container's page is at its new one.
        Effect::new(move |_| {
            if let Some(Ok(renamed)) = actions.rename.value().get() {
                to_renamed(&format!("/containers/{}", renamed.name), Default::default());
            }
        });
        actions
    }

    /// Whether an action is under way.
    pub fn busy(&self) -> bool {
        self.start.pending().get()
            || self.stop.pending().get()
            || self.restart.pending().get()
            || self.remove.pending().get()
            || self.rename.pending().get()
            || self.recreate.pending().get()
    }

    /// How many actions have finished (a change means the details should be read again).
    pub fn finished(&self) -> usize {
        self.start.version().get()
            + self.stop.version().get()
            + self.restart.version().get()
            + self.remove.version().get()
            + self.rename.version().get()
            + self.recreate.version().get()
    }

    /// Starts container `id`.
    pub fn start(&self, id: String) {
        self.start.dispatch(StartContainer { id });
    }

    /// Stops container `id`.
    pub fn stop(&self, id: String) {
        self.stop.dispatch(StopContainer { id });
    }

    /// Restarts container `id`.
    pub fn restart(&self, id: String) {
        self.restart.dispatch(RestartContainer { id });
    }

    /// Removes container `id` (by force: `force`).
    pub fn remove(&self, id: String, force: bool) {
        self.remove.dispatch(RemoveContainer { id, force });
    }

    /// Renames container `id` to `name` (the page follows it to its new address).
    pub fn rename(&self, id: String, name: String) {
        self.rename.dispatch(RenameContainer { id, name });
    }

    /// Replaces container `id` by one with the same configuration made from `image`.
    pub fn recreate(&self, id: String, image: String) {
        self.recreate.dispatch(RecreateContainer { id, image });
    }
}

impl Default for ContainerActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The Overview tab.
#[component]
pub fn OverviewTab(
    /// The container.
    container: ContainerDetails,
    /// The caller's role (decides which actions show).
    role: Option<Role>,
    /// The page's actions.
    actions: ContainerActions,
) -> impl IntoView {
    let removing = RwSignal::new(None::<(String, bool)>);
    let renaming = RwSignal::new(None::<(String, String)>);
    let recreating = RwSignal::new(None::<(String, String)>);
    let busy = move || actions.busy();

    let name = container.name.clone();
    let running = container.running;
    let may_operate = allows(role, Role::Operator);
    let may_remove = allows(role, Role::Admin);
    let (for_start, for_stop, for_restart, for_remove) =
        (name.clone(), name.clone(), name.clone(), name.clone());
    let (for_rename, for_recreate, image) = (name.clone(), name.clone(), container.image.clone());
    let buttons = view! {
        <div class="actions container-actions">
            // Start while stopped; Stop and Restart while running. Only what applies is shown, so "Start web"
            // never sits beside "Restart web" (whose name contains it).
            {may_operate.then(|| if running {
                view! {
                    <button class="stop" aria-label=format!("Stop {name}") disabled=busy
                        on:click=move |_| actions.stop(for_stop.clone())>
                        "Stop"
                    </button>
                    <button class="restart" aria-label=format!("Restart {name}") disabled=busy
                        on:click=move |_| actions.restart(for_restart.clone())>
                        "Restart"
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <button class="start" aria-label=format!("Start {name}") disabled=busy
                        on:click=move |_| actions.start(for_start.clone())>
                        "Start"
                    </button>
                }
                .into_any()
            })}
            {may_remove.then(|| view! {
                <button class="rename" aria-label=format!("Rename {name}") disabled=busy
                    on:click=move |_| renaming.set(Some((for_rename.clone(), for_rename.clone())))>
                    "Rename"
                </button>
                <button class="recreate" aria-label=format!("Recreate {name}") disabled=busy
                    on:click=move |_| recreating.set(Some((for_recreate.clone(), image.clone())))>
                    "Recreate"
                </button>
                <button class="remove danger" aria-label=format!("Remove {name}") disabled=busy
                    on:click=move |_| removing.set(Some((for_remove.clone(), running)))>
                    "Remove"
                </button>
            })}
            <span class="busy" class:visible=busy>"Working…"</span>
        </div>
    };

    let ports = format_ports(&container.ports);
    let command = [container.entrypoint.clone(), container.command.clone()]
        .concat()
        .join(" ");
    let facts: Vec<(&'static str, String)> = vec![
        ("Image", container.image.clone()),
        ("Command", command),
        ("State", container.status.clone()),
        ("Exit code", container.exit_code.to_string()),
        ("Restart policy", restart_policy_text(&container)),
        (
            "Ports",
            if ports.is_empty() {
                "—".into()
            } else {
                ports
            },
        ),
        ("Created", readable_time(&container.created)),
        ("Started", readable_time(&container.started)),
        ("Finished", readable_time(&container.finished)),
        ("Id", container.short_id.clone()),
    ];
    let facts = facts
        .into_iter()
        .map(|(label, value)| {
            let key = label.to_lowercase().replace(' ', "-");
            view! {
                <div class="fact" data-fact=key>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
    let environment = container
        .environment
        .iter()
        .map(|line| view! { <li><code>{line.clone()}</code></li> })
        .collect_view();
    let mounts = container
        .mounts
        .iter()
        .map(|mount| {
            let source = mount.name.clone().unwrap_or_else(|| mount.source.clone());
            let mode = if mount.rw { "rw" } else { "ro" };
            view! {
                <tr>
                    <td>{mount.kind.clone()}</td>
                    <td><code>{source}</code></td>
                    <td><code>{mount.destination.clone()}</code></td>
                    <td>{mode}</td>
                </tr>
            }
        })
        .collect_view();
    let networks = container
        .networks
        .iter()
        .map(|(network, attached)| {
            view! {
                <tr>
                    <td>{network.clone()}</td>
                    <td>{attached.ip_address.clone()}</td>
                    <td>{attached.gateway.clone()}</td>
                    <td>{attached.aliases.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    let labels = container
        .labels
        .iter()
        .map(|(key, value)| view! { <li><code>{format!("{key}={value}")}</code></li> })
        .collect_view();
    let state = container.status.clone();
    let (has_env, has_mounts, has_networks, has_labels) = (
        !container.environment.is_empty(),
        !container.mounts.is_empty(),
        !container.networks.is_empty(),
        !container.labels.is_empty(),
    );
    let on_remove = Callback::new(move |(id, force): (String, bool)| {
        actions.remove(id, force);
    });

    view! {
        <div class="overview-head">
            <span class=format!("pill pill-{state}") data-state=state.clone()>{state.clone()}</span>
            {buttons}
        </div>
        <dl id="container-overview" class="facts">{facts}</dl>
        <h2 class="section-title">"Environment"</h2>
        {if has_env {
            view! { <ul class="plain-list env-list">{environment}</ul> }.into_any()
        } else {
            view! { <p class="muted">"No environment variables."</p> }.into_any()
        }}
        <h2 class="section-title">"Mounts"</h2>
        {if has_mounts {
            view! {
                <table class="table mounts-table">
                    <thead><tr><th>"Type"</th><th>"Source"</th><th>"Destination"</th><th>"Mode"</th></tr></thead>
                    <tbody>{mounts}</tbody>
                </table>
            }
            .into_any()
        } else {
            view! { <p class="muted">"No mounts."</p> }.into_any()
        }}
        <h2 class="section-title">"Networks"</h2>
        {if has_networks {
            view! {
                <table class="table networks-table">
                    <thead><tr><th>"Network"</th><th>"IP address"</th><th>"Gateway"</th><th>"Aliases"</th></tr></thead>
                    <tbody>{networks}</tbody>
                </table>
            }
            .into_any()
        } else {
            view! { <p class="muted">"No networks."</p> }.into_any()
        }}
        <h2 class="section-title">"Labels"</h2>
        {if has_labels {
            view! { <ul class="plain-list labels-list">{labels}</ul> }.into_any()
        } else {
            view! { <p class="muted">"No labels."</p> }.into_any()
        }}
        <RemoveContainerDialog target=removing on_remove/>
        <RenameDialog target=renaming on_rename=Callback::new(move |(id, name)| actions.rename(id, name))/>
        <RecreateDialog target=recreating on_recreate=Callback::new(move |(id, image)| actions.recreate(id, image))/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_times_read_as_a_dash_and_others_without_fractions() {
        assert_eq!(readable_time("0001-01-01T00:00:00Z"), "—");
        assert_eq!(
            readable_time("2026-11-29T01:02:03.123456789Z"),
            "2026-11-29 01:02:03"
        );
    }

    #[test]
    fn a_running_container_s_remove_dialog_says_it_is_forced() {
        assert!(remove_question("web", true).contains("by force"));
        assert!(!remove_question("web", false).contains("by force"));
        assert!(remove_question("web", false).contains("'web'"));
    }
}
