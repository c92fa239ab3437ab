//! The console's components, one module per resource.

pub mod containers;

use leptos::prelude::*;

use crate::error::AppError;

/// Marks `<body data-hydrated="true">` once the WASM has taken over (effects run only in the browser).
pub fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// A banner for a failed call, telling "daemon down" from "not found" from the rest.
#[component]
pub fn ErrorBanner(
    /// The failure to show.
    error: AppError,
) -> impl IntoView {
    let (class, title) = match &error {
        AppError::DaemonUnavailable => ("banner banner-down", "Docker is unreachable"),
        AppError::NotFound(_) => ("banner banner-warn", "Not found"),
        AppError::Conflict(_) => ("banner banner-warn", "Conflict"),
        _ => ("banner banner-error", "Error"),
    };
    view! {
        <div class=class role="alert">
            <strong>{title}</strong>
            " "
            <span class="banner-message">{error.to_string()}</span>
        </div>
    }
}

/// The page for unknown console paths.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to containers"</a></p>
        </section>
    }
}
