//! One shape for "a resource with actions": a page's data loaded from the server, the actions done on it, the
//! banner of the last failed action (cleared when the next one succeeds) and the banner of a failed load.
//!
//! [`ResourceView`] waits for the first load only (server-side rendering sends the data with the page); after
//! that it hands the page a signal that follows the resource, so a reload changes what changed — with
//! [`super::DataTable`]'s keyed rows, one container starting redraws one row, not the table.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use leptos::prelude::*;

use super::ErrorBanner;
use super::session::caller_role;
use crate::error::AppError;
use crate::model::auth::Role;

/// The error of the last action done on a page: set when an action fails, cleared when the next one
/// succeeds, shown by [`ResourceView`] above the data.
#[derive(Debug, Clone, Copy)]
pub struct ActionError(RwSignal<Option<AppError>>);

impl Default for ActionError {
    fn default() -> Self {
        Self::new()
    }
}

impl ActionError {
    /// No error yet.
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    /// Follows an action's outcome (e.g. `move || remove.value().get()`): a failure shows, a success clears.
    pub fn follow<O, F>(self, outcome: F)
    where
        O: 'static,
        F: Fn() -> Option<Result<O, AppError>> + 'static,
    {
        Effect::new(move |_| match outcome() {
            Some(Err(error)) => self.0.set(Some(error)),
            Some(Ok(_)) => self.0.set(None),
            None => {}
        });
    }

    /// Shows the failure of an action done by hand (a REST call).
    pub fn fail(self, error: AppError) {
        self.0.set(Some(error));
    }

    /// The error to show, if any (tracked).
    pub fn get(self) -> Option<AppError> {
        self.0.get()
    }

    /// Forgets the error (the action done by hand succeeded).
    pub fn clear(self) {
        self.0.set(None);
    }
}

/// Where a page's data comes from: a [`Resource`] (loaded on the server for the first paint) or a
/// [`LocalResource`] (loaded in the browser, e.g. from the REST API).
pub trait PageData: Copy + Send + Sync + 'static {
    /// What a good answer holds.
    type Value;
    /// The latest answer, if one came (tracked).
    fn latest(self) -> Option<Result<Self::Value, AppError>>;
    /// Resolves with the first answer (call it inside a `Suspense`).
    fn first_load(self) -> impl Future<Output = Result<Self::Value, AppError>> + Send + 'static;
}

impl<T> PageData for Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + 'static,
    Result<T, AppError>: serde::Serialize + serde::de::DeserializeOwned,
{
    type Value = T;

    fn latest(self) -> Option<Result<T, AppError>> {
        self.get()
    }

    fn first_load(self) -> impl Future<Output = Result<T, AppError>> + Send + 'static {
        self.into_future()
    }
}

impl<T> PageData for LocalResource<Result<T, AppError>>
where
    T: Clone + Send + Sync + 'static,
{
    type Value = T;

    fn latest(self) -> Option<Result<T, AppError>> {
        self.get()
    }

    fn first_load(self) -> impl Future<Output = Result<T, AppError>> + Send + 'static {
        self.into_future()
    }
}

/// Polls a future without subscribing the caller to the signals it reads: the `Suspend` around the first
/// load then does not run again (and rebuild the page) each time the resource reloads.
struct Untracked<F>(Pin<Box<F>>);

impl<F: Future> Future for Untracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        untrack(|| self.0.as_mut().poll(cx))
    }
}

/// A page's resource with its actions: shows `loading` until the first load, then the failed action's banner,
/// the failed load's banner (the last good data stays below it) and `render`'s view of the data.
///
/// `render` runs once, with a signal that follows the resource, and the caller's role (to show only the
/// actions the caller may do).
#[component]
pub fn ResourceView<D, R>(
    /// What the page shows.
    resource: D,
    /// The text shown until the first load answers, e.g. "Loading images…".
    loading: &'static str,
    /// The error of the page's last action, if the page has actions.
    #[prop(optional)]
    errors: Option<ActionError>,
    /// Shown above the banner when the first load fails (e.g. the dashboard's "Unreachable" engine card).
    #[prop(optional, into)]
    failed: Option<ViewFn>,
    /// Draws the data (called once; the signal carries each reload).
    render: R,
) -> impl IntoView
where
    D: PageData,
    D::Value: Clone + Default + PartialEq + Send + Sync + 'static,
    R: Fn(Signal<D::Value>, Option<Role>) -> AnyView + Clone + Send + Sync + 'static,
{
    // The last good data: a failed reload keeps it on screen under the banner.
    let data = Memo::new(
        move |previous: Option<&Option<D::Value>>| match resource.latest() {
            Some(Ok(value)) => Some(value),
            _ => previous.cloned().flatten(),
        },
    );
    let loaded = Memo::new(move |_| data.with(Option::is_some));
    let load_error = move || resource.latest().and_then(Result::err);
    let value = Signal::derive(move || data.get().unwrap_or_default());
    view! {
        {move || errors.and_then(ActionError::get).map(|error| view! { <ErrorBanner error/> })}
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let first_load = Untracked(Box::pin(resource.first_load()));
                let render = render.clone();
                let failed = failed.clone();
                Suspend::new(async move {
                    let _ = first_load.await;
                    let role = caller_role().await;
                    view! {
                        {move || load_error().map(|error| {
                            let failed = (!loaded.get()).then(|| failed.as_ref().map(ViewFn::run)).flatten();
                            view! { {failed} <ErrorBanner error/> }
                        })}
                        {move || loaded.get().then(|| render(value, role))}
                    }
                })
            }}
        </Transition>
    }
}
