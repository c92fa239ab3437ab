//! Who is signed in to the console: the caller (read once per page from the server), the sign-in page,
//! and the user menu with "Sign out". Pages ask [`caller_role`] before showing an action, so a viewer sees
//! no Stop button; the server refuses anyway (the permission table is checked for every request).

use leptos::prelude::*;

use super::resource::{PageResource, page_resource};
use serde_json::json;

use super::rest;
use crate::api::auth::current_user;
use crate::error::AppError;
use crate::model::auth::{Caller, CallerKind, Role};

/// The caller of the current page, provided as context by the app.
#[derive(Clone, Copy)]
pub struct CallerResource(pub PageResource<Result<Option<Caller>, AppError>>);

/// Loads the caller and provides it to every page.
pub fn provide_caller() {
    provide_context(CallerResource(page_resource(|| (), |_| current_user())));
}

/// The caller's role, awaited (inside a page's `Suspend`, so the first paint already knows it).
pub async fn caller_role() -> Option<Role> {
    let resource = use_context::<CallerResource>()?.0;
    resource.await.ok().flatten().map(|caller| caller.role)
}

/// Whether `role` may do what needs `needed` (roles are ordered viewer < operator < admin).
pub fn allows(role: Option<Role>, needed: Role) -> bool {
    role.is_some_and(|role| role >= needed)
}

/// Shows its children only to callers whose role reaches `needed` (e.g. a viewer gets no Prune button).
#[component]
pub fn IfAllowed(
    /// The least role that sees the children.
    needed: Role,
    /// What to show.
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                allows(caller_role().await, needed).then(|| children.with_value(|children| children()))
            })}
        </Suspense>
    }
}

/// Name and role of the signed-in user, a "Sign out" button, and the admin pages' links for admins.
#[component]
pub fn UserMenu() -> impl IntoView {
    let Some(CallerResource(caller)) = use_context::<CallerResource>() else {
        return ().into_any();
    };
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            let _ = rest::call("POST", "/api/auth/logout", None).await;
            go_to("/login");
        });
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match caller.await {
                    Ok(Some(Caller { name, role, kind: CallerKind::User })) => view! {
                        <div class="user-menu">
                            {(role == Role::Admin).then(|| view! {
                                <AdminLinks/>
                            })}
                            <span class="who" title="Signed in">{name}" · "{role.to_string()}</span>
                            <button class="sign-out" on:click=sign_out disabled=move || signing_out.get()>
                                "Sign out"
                            </button>
                        </div>
                    }
                    .into_any(),
                    Ok(Some(Caller { role: Role::Admin, kind: CallerKind::Anonymous, .. })) => view! {
                        <div class="user-menu">
                            <AdminLinks/>
                        </div>
                    }
                    .into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The admin pages' links.
#[component]
fn AdminLinks() -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label="Administration">
            <a href="/users">"Users"</a>
            <a href="/tokens">"Tokens"</a>
            <a href="/audit">"Audit"</a>
        </nav>
    }
}

/// Full navigation to `path` (a new page load, so the server renders it with the new session).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Keeps the session's CSRF token where the console's scripts read it (see `api::client`).
fn remember_csrf_token(token: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = document.set_cookie(&format!(
                "{}={token}; Path=/; SameSite=Strict",
                crate::api::client::CSRF_COOKIE
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = token;
}

/// `/login`: user name and password; on success, on to the dashboard.
#[component]
pub fn LoginPage() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        error.set(None);
        let body =
            json!({"username": username.get_untracked(), "password": password.get_untracked()});
        leptos::task::spawn_local(async move {
            match rest::call("POST", "/api/auth/login", Some(body)).await {
                Ok(answer) => {
                    if let Some(token) = answer["result"]["csrf_token"].as_str() {
                        remember_csrf_token(token);
                    }
                    go_to("/");
                }
                Err(failure) => {
                    error.set(Some(failure));
                    pending.set(false);
                }
            }
        });
    };
    view! {
        <section class="page login-page">
            <h1>"Sign in to Berth"</h1>
            <form id="login-form" class="stacked-form" on:submit=submit>
                <label for="login-username">"Username"</label>
                <input
                    id="login-username"
                    type="text"
                    name="username"
                    autocomplete="username"
                    required
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            {move || error.get().map(|error| view! { <super::ErrorBanner error/> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_their_rank_allows() {
        assert!(allows(Some(Role::Admin), Role::Operator));
        assert!(allows(Some(Role::Operator), Role::Operator));
        assert!(!allows(Some(Role::Viewer), Role::Operator));
        assert!(!allows(None, Role::Viewer));
    }
}
