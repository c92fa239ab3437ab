//! The admin pages `/users`, `/tokens` and `/audit`. They call the REST API from the browser (the very routes
//! a script would use, admin-only on the server); the first paint shows the page's frame, the rows follow.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::{Value, json};

use super::resource::{ActionOutcome, ResourceView};
use super::rest;
use super::{ConfirmDialog, DataTable};
use crate::error::AppError;
use crate::model::auth::{AuditEntry, TokenView, UserRecord};

/// Splits `a=1, b=2` into a map; an item without `=` is an error naming it.
pub fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Ok((key.trim().to_string(), value.trim().to_string()))
            }
            _ => Err(AppError::bad_request(format!(
                "Label '{item}' must read KEY=VALUE"
            ))),
        })
        .collect()
}

/// Splits `logs, restart` into a list.
pub fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// A role picker for the create forms.
#[component]
fn RoleSelect(id: &'static str, role: RwSignal<String>) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
            <option value="viewer">"viewer"</option>
            <option value="operator">"operator"</option>
            <option value="admin">"admin"</option>
        </select>
    }
}

/// `/users`: the console's users; add one, remove one.
#[component]
pub fn UsersPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let users = LocalResource::new(move || {
        version.get();
        async move { rest::items::<UserRecord>(&rest::call("GET", "/api/users", None).await?, "users") }
    });
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("viewer".to_string());
    let outcome = ActionOutcome::new();
    let pending = RwSignal::new(false);
    let removing = RwSignal::new(None::<String>);

    let finish = move |answer: Result<String, AppError>| {
        pending.set(false);
        match answer {
            Ok(message) => {
                outcome.succeed(message);
                version.update(|v| *v += 1);
            }
            Err(failure) => outcome.fail(failure),
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        let user = name.get_untracked();
        let body = json!({"name": user, "role": role.get_untracked(), "password": password.get_untracked()});
        leptos::task::spawn_local(async move {
            let answer = rest::call("POST", "/api/users", Some(body)).await;
            if answer.is_ok() {
                name.set(String::new());
                password.set(String::new());
            }
            finish(answer.map(|_| format!("User '{user}' added")));
        });
    };
    let remove = Callback::new(move |user: String| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let answer = rest::call("DELETE", &format!("/api/users/{user}"), None).await;
            finish(answer.map(|_| format!("User '{user}' removed")));
        });
    });

    view! {
        <section class="page">
            <div class="page-head"><h1>"Users"</h1></div>
            <form id="create-user" class="inline-form" on:submit=add>
                <label for="user-name">"Name"</label>
                <input id="user-name" type="text" required
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="user-role">"Role"</label>
                <RoleSelect id="user-role" role/>
                <label for="user-password">"Password"</label>
                <input id="user-password" type="password" required autocomplete="new-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || pending.get()>"Add user"</button>
            </form>
            <ResourceView resource=users loading="Loading users…" outcome render=move |list, _| {
                let row = move |user: UserRecord| {
                    let target = user.name.clone();
                    view! {
                        <tr data-name=user.name.clone()>
                            <td class="name">{user.name.clone()}</td>
                            <td class="role">{user.role.to_string()}</td>
                            <td class="created">{user.created}</td>
                            <td class="actions">
                                <button class="remove" aria-label=format!("Remove {}", user.name)
                                    on:click=move |_| removing.set(Some(target.clone()))>
                                    "Remove"
                                </button>
                            </td>
                        </tr>
                    }
                    .into_any()
                };
                view! { <DataTable id="users-table" headers=&["Name", "Role", "Created", "Actions"] empty="No users: authentication is off until one exists." rows=list row/> }.into_any()
            }/>
            <ConfirmDialog
                target=removing
                title="Remove user"
                describe=|user: &String| format!("Remove user '{user}'? Their sessions end at once.")
                confirm="Remove"
                on_confirm=remove
            />
        </section>
    }
}

/// `/tokens`: API tokens; create one (its secret is shown once), revoke one.
#[component]
pub fn TokensPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let tokens = LocalResource::new(move || {
        version.get();
        async move { rest::items::<TokenView>(&rest::call("GET", "/api/tokens", None).await?, "tokens") }
    });
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("viewer".to_string());
    let expires_in = RwSignal::new(String::new());
    let labels = RwSignal::new(String::new());
    let allow = RwSignal::new(String::new());
    let outcome = ActionOutcome::new();
    let secret = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let revoking = RwSignal::new(None::<String>);

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let scope = match parse_labels(&labels.get_untracked()) {
            Ok(scope) => scope,
            Err(failure) => return outcome.fail(failure),
        };
        let token = name.get_untracked();
        let mut body = json!({
            "name": token,
            "role": role.get_untracked(),
            "labels": scope,
            "allow": parse_list(&allow.get_untracked()),
        });
        let expiry = expires_in.get_untracked().trim().to_string();
        if !expiry.is_empty() {
            body["expires_in"] = Value::String(expiry);
        }
        pending.set(true);
        leptos::task::spawn_local(async move {
            match rest::call("POST", "/api/tokens", Some(body)).await {
                Ok(answer) => {
                    // The secret's box says what happened (and must be copied now): no toast besides it.
                    outcome.clear();
                    secret.set(
                        answer["token"]["secret"]
                            .as_str()
                            .map(|s| (token, s.to_string())),
                    );
                    name.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(failure) => outcome.fail(failure),
            }
            pending.set(false);
        });
    };
    let revoke = Callback::new(move |token: String| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match rest::call("DELETE", &format!("/api/tokens/{token}"), None).await {
                Ok(_) => {
                    outcome.succeed(format!("Token '{token}' revoked"));
                    version.update(|v| *v += 1);
                }
                Err(failure) => outcome.fail(failure),
            }
            pending.set(false);
        });
    });

    view! {
        <section class="page">
            <div class="page-head"><h1>"API tokens"</h1></div>
            <form id="create-token" class="inline-form" on:submit=create>
                <label for="token-name">"Name"</label>
                <input id="token-name" type="text" required
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="token-role">"Role"</label>
                <RoleSelect id="token-role" role/>
                <label for="token-expires">"Expires in"</label>
                <input id="token-expires" type="text" placeholder="30d (s, m, h, d); blank: never"
                    prop:value=move || expires_in.get() on:input=move |ev| expires_in.set(event_target_value(&ev))/>
                <label for="token-labels">"Labels"</label>
                <input id="token-labels" type="text" placeholder="team=web, env=prod"
                    prop:value=move || labels.get() on:input=move |ev| labels.set(event_target_value(&ev))/>
                <label for="token-allow">"Allow"</label>
                <input id="token-allow" type="text" placeholder="logs, restart (blank: the role's all)"
                    prop:value=move || allow.get() on:input=move |ev| allow.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || pending.get()>"Create token"</button>
            </form>
            {move || secret.get().map(|(token, value)| view! {
                <div class="secret" role="status">
                    <p>"Token '"{token}"' created. Copy its secret now: it is not shown again."</p>
                    <code id="token-secret">{value}</code>
                </div>
            })}
            <ResourceView resource=tokens loading="Loading tokens…" outcome render=move |list, _| {
                let row = move |token: TokenView| {
                    let target = token.name.clone();
                    let state = if token.revoked { "revoked" } else if token.expired { "expired" } else { "active" };
                    let scope = token.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
                    let live = state == "active";
                    view! {
                        <tr data-name=token.name.clone()>
                            <td class="name">{token.name.clone()}</td>
                            <td class="role">{token.role.to_string()}</td>
                            <td class="state"><span class=format!("pill pill-{state}")>{state}</span></td>
                            <td class="expires">{token.expires_at.unwrap_or_else(|| "never".into())}</td>
                            <td class="scope">{scope}</td>
                            <td class="allow">{token.allow.join(", ")}</td>
                            <td class="actions">
                                {live.then(|| view! {
                                    <button class="remove" aria-label=format!("Revoke {}", token.name)
                                        on:click=move |_| revoking.set(Some(target.clone()))>
                                        "Revoke"
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                    .into_any()
                };
                view! { <DataTable id="tokens-table" headers=&["Name", "Role", "State", "Expires", "Labels", "Allow", "Actions"] empty="No API tokens." rows=list row/> }.into_any()
            }/>
            <ConfirmDialog
                target=revoking
                title="Revoke token"
                describe=|token: &String| format!("Revoke token '{token}'? Scripts using it are refused at once.")
                confirm="Revoke"
                on_confirm=revoke
            />
        </section>
    }
}

/// `/audit`: who did what, newest first, with filters and a JSON-lines export.
#[component]
pub fn AuditPage() -> impl IntoView {
    let user = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let query = move || {
        let mut query = String::from("limit=200");
        let who = user.get();
        if !who.trim().is_empty() {
            query.push_str(&format!("&user={}", who.trim()));
        }
        let result = outcome.get();
        if !result.is_empty() {
            query.push_str(&format!("&outcome={result}"));
        }
        query
    };
    let records = LocalResource::new(move || {
        let query = query();
        async move {
            rest::items::<AuditEntry>(
                &rest::call("GET", &format!("/api/audit?{query}"), None).await?,
                "audit",
            )
        }
    });
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Audit trail"</h1>
                <label for="audit-user">"User"</label>
                <input id="audit-user" type="search" on:change=move |ev| user.set(event_target_value(&ev))/>
                <label for="audit-outcome">"Outcome"</label>
                <select id="audit-outcome" on:change=move |ev| outcome.set(event_target_value(&ev))>
                    <option value="">"any"</option>
                    <option value="allowed">"allowed"</option>
                    <option value="denied">"denied"</option>
                    <option value="failed">"failed"</option>
                </select>
                <a class="button" href=move || format!("/api/audit?{}&format=jsonl", query()) download="berth-audit.jsonl">
                    "Export JSON lines"
                </a>
            </div>
            <ResourceView resource=records loading="Loading the audit trail…" render=move |list, _| {
                let row = move |row: AuditEntry| view! {
                    <tr class=format!("outcome-{}", row.outcome.as_str())>
                        <td class="time">{row.time}</td>
                        <td class="user">{row.user.unwrap_or_else(|| "-".into())}</td>
                        <td class="auth">{row.auth}</td>
                        <td class="remote">{row.remote_addr}</td>
                        <td class="request"><code>{row.method}" "{row.path}</code></td>
                        <td class="status">{row.status}</td>
                        <td class="outcome"><span class=format!("pill pill-{}", row.outcome.as_str())>{row.outcome.as_str()}</span></td>
                    </tr>
                }
                .into_any();
                view! { <DataTable id="audit-table" headers=&["Time", "User", "Auth", "From", "Request", "Status", "Outcome"] empty="Nothing recorded yet." rows=list row/> }.into_any()
            }/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_form_fields_parse_like_the_cli() {
        let labels = parse_labels("team=web, env = prod,").expect("labels");
        assert_eq!(labels["team"], "web");
        assert_eq!(labels["env"], "prod");
        assert!(parse_labels("team").is_err());
        assert_eq!(parse_list(" logs, restart ,,"), vec!["logs", "restart"]);
    }
}
