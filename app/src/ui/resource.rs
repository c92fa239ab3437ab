//! One shape for "a resource with actions": a page's data loaded from the server, and what the actions done
//! on it did — [`ActionOutcome`]: a failure's banner until the next action succeeds, a success's toast
//! saying what happened — and the banner of a failed load.
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

/// What one action did, as the page tells it: a toast for a success, a banner for a failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It worked: the toast's sentence (`Volume 'data' removed`).
    Done(String),
    /// A bulk action that worked for some objects and failed for others: a toast drawn as a warning, whose
    /// sentence names each failure.
    PartlyDone(String),
    /// It failed: the banner's error.
    Failed(AppError),
}

impl Outcome {
    /// The outcome an action's answer reports.
    pub fn of<A: SaysWhatHappened>(answer: &Result<A, AppError>) -> Self {
        match answer {
            Ok(done) if done.partly_failed() => Self::PartlyDone(done.what_happened()),
            Ok(done) => Self::Done(done.what_happened()),
            Err(error) => Self::Failed(error.clone()),
        }
    }

    /// The toast's sentence, if the action worked (if only in part).
    pub fn toast(&self) -> Option<&str> {
        match self {
            Self::Done(text) | Self::PartlyDone(text) => Some(text),
            Self::Failed(_) => None,
        }
    }

    /// The banner's error, if the action failed.
    pub fn failure(&self) -> Option<&AppError> {
        match self {
            Self::Failed(error) => Some(error),
            _ => None,
        }
    }
}

/// An action's answer that carries a sentence saying what happened (`message` in the REST answers).
pub trait SaysWhatHappened {
    /// The sentence for the toast.
    fn what_happened(&self) -> String;

    /// Whether the action failed for some of its objects (a bulk action): the toast then warns.
    fn partly_failed(&self) -> bool {
        false
    }
}

macro_rules! says_what_happened {
    ($($answer:ty),*) => {
        $(impl SaysWhatHappened for $answer {
            fn what_happened(&self) -> String {
                self.message.clone()
            }
        })*
    };
}

says_what_happened!(
    crate::model::ActionResult,
    crate::model::images::RemoveImageResult,
    crate::model::images::TagResult,
    crate::model::images::PushResult,
    crate::model::images::PruneImagesResult,
    crate::model::volumes::VolumeResult,
    crate::model::volumes::PruneVolumesResult,
    crate::model::networks::NetworkResult,
    crate::model::networks::PruneNetworksResult
);

impl SaysWhatHappened for crate::model::containers::BulkResult {
    fn what_happened(&self) -> String {
        self.summary()
    }

    fn partly_failed(&self) -> bool {
        self.any_failed()
    }
}

/// What the last action done on a page did: one slot, so the latest outcome replaces the one before —
/// a failure shows as a banner until the next action succeeds, a success as a toast saying what happened
/// (until the next action). Shown by [`OutcomeNotice`] (which [`ResourceView`] draws above the data).
#[derive(Debug, Clone, Copy)]
pub struct ActionOutcome(RwSignal<Option<Outcome>>);

impl Default for ActionOutcome {
    fn default() -> Self {
        Self::new()
    }
}

impl ActionOutcome {
    /// Nothing done yet.
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    /// Reports each answer of `action` as it arrives.
    pub fn follow<S>(self, action: ServerAction<S>)
    where
        S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: SaysWhatHappened + Send + Sync + 'static,
    {
        Effect::new(move |_| {
            action.value().with(|answer| {
                if let Some(answer) = answer {
                    self.0.set(Some(Outcome::of(answer)));
                }
            })
        });
    }

    /// An action done by hand (a REST call) worked: `text` says what it did.
    pub fn succeed(self, text: impl Into<String>) {
        self.0.set(Some(Outcome::Done(text.into())));
    }

    /// An action done by hand failed (or its input was refused before it was sent).
    pub fn fail(self, error: AppError) {
        self.0.set(Some(Outcome::Failed(error)));
    }

    /// An action worked and the page says so elsewhere (e.g. a new token's secret): the old toast or
    /// banner goes.
    pub fn clear(self) {
        self.0.set(None);
    }

    /// The latest outcome, if any (tracked).
    pub fn get(self) -> Option<Outcome> {
        self.0.get()
    }
}

/// The last action's outcome: a toast (`role="status"`, a warning for a bulk action that partly failed) or
/// the error's banner (`role="alert"`).
#[component]
pub fn OutcomeNotice(
    /// The outcome to show.
    outcome: ActionOutcome,
    /// The toast's `id`, for a page with more than one outcome (e.g. the pull panel's `pull-result`).
    #[prop(optional)]
    toast_id: Option<&'static str>,
) -> impl IntoView {
    move || match outcome.get() {
        Some(Outcome::Done(text)) => {
            view! { <p id=toast_id class="toast" role="status">{text}</p> }.into_any()
        }
        Some(Outcome::PartlyDone(text)) => {
            view! { <p id=toast_id class="toast toast-error" role="status">{text}</p> }.into_any()
        }
        Some(Outcome::Failed(error)) => view! { <ErrorBanner error/> }.into_any(),
        None => ().into_any(),
    }
}

/// How a page's data travels from the server's first paint to the browser: JSON, like [`JsonSerdeCodec`]
/// (`leptos::server::codee::string`), but read with `serde_json::from_slice`, the reader server functions
/// use for their answers. A type a page both hydrates and reloads through a server function is then
/// decoded by one copy of its deserializer in the WASM instead of two (one per `serde_json` reader).
pub struct JsonBytesCodec;

impl<T: serde::Serialize> leptos::server::codee::Encoder<T> for JsonBytesCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for JsonBytesCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A page's data loaded by a server function: on the server for the first paint, then in the browser on
/// each change of `source`.
pub type PageResource<T> = Resource<T, JsonBytesCodec>;

/// Loads `fetcher(source())` now (sent with the page when rendered on the server) and again whenever
/// `source` changes. [`Resource::new`] with [`JsonBytesCodec`].
#[track_caller]
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// Where a page's data comes from: a [`PageResource`] (loaded on the server for the first paint) or a
/// [`LocalResource`] (loaded in the browser, e.g. from the REST API).
pub trait PageData: Copy + Send + Sync + 'static {
    /// What a good answer holds.
    type Value;
    /// The latest answer, if one came (tracked).
    fn latest(self) -> Option<Result<Self::Value, AppError>>;
    /// Resolves with the first answer (call it inside a `Suspense`).
    fn first_load(self) -> impl Future<Output = Result<Self::Value, AppError>> + Send + 'static;
}

impl<T> PageData for PageResource<Result<T, AppError>>
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

/// A page rendered on the server for an object that does not exist (`/containers/nope`) answers 404, with its
/// "Not found" banner; other failures (the daemon down) keep the page's 200 and show their banner.
fn answer_not_found_for_a_missing_object<T>(first_load: &Result<T, AppError>) {
    #[cfg(feature = "ssr")]
    if let Err(AppError::NotFound(_)) = first_load
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = first_load;
}

/// A page's resource with its actions: shows `loading` until the first load, then the failed action's banner,
/// the failed load's banner (the last good data stays below it, unless the load found nothing: the object
/// is gone) and `render`'s view of the data.
///
/// `render` runs once, with a signal that follows the resource, and the caller's role (to show only the
/// actions the caller may do).
#[component]
pub fn ResourceView<D, R>(
    /// What the page shows.
    resource: D,
    /// The text shown until the first load answers, e.g. "Loading images…".
    loading: &'static str,
    /// What the page's last action did, if the page has actions (shown above the data).
    #[prop(optional)]
    outcome: Option<ActionOutcome>,
    /// Shown above the banner when the first load fails (e.g. the dashboard's "Unreachable" engine card).
    #[prop(optional, into)]
    failed: Option<ViewFn>,
    /// Draws the data (called once; the signal carries each reload).
    render: R,
) -> impl IntoView
where
    D: PageData,
    D::Value: Clone + PartialEq + Send + Sync + 'static,
    R: Fn(Signal<D::Value>, Option<Role>) -> AnyView + Clone + Send + Sync + 'static,
{
    // The last good data: a failed reload keeps it on screen under the banner, unless the object is gone
    // (a detail page whose container was removed shows the "Not found" banner, not its old facts).
    let data = Memo::new(
        move |previous: Option<&Option<D::Value>>| match resource.latest() {
            Some(Ok(value)) => Some(value),
            Some(Err(AppError::NotFound(_))) => None,
            _ => previous.cloned().flatten(),
        },
    );
    let loaded = Memo::new(move |_| data.with(Option::is_some));
    let load_error = move || resource.latest().and_then(Result::err);
    view! {
        {outcome.map(|outcome| view! { <OutcomeNotice outcome/> })}
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let first_load = Untracked(Box::pin(resource.first_load()));
                let render = render.clone();
                let failed = failed.clone();
                Suspend::new(async move {
                    let first = first_load.await;
                    answer_not_found_for_a_missing_object(&first);
                    let role = caller_role().await;
                    view! {
                        {move || load_error().map(|error| {
                            let failed = (!loaded.get()).then(|| failed.as_ref().map(ViewFn::run)).flatten();
                            view! { {failed} <ErrorBanner error/> }
                        })}
                        {move || loaded.get().then(|| {
                            // The data stays `Some` once loaded (a failed reload keeps the last good data).
                            let first = data.get_untracked()?;
                            let value = Signal::derive(move || data.get().unwrap_or_else(|| first.clone()));
                            Some(render(value, role))
                        }).flatten()}
                    }
                })
            }}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActionResult;
    use crate::model::containers::{BulkAction, BulkOutcome, BulkResult};

    fn removed(name: &str) -> Result<ActionResult, AppError> {
        Ok(ActionResult {
            message: format!("Container '{name}' removed"),
            container_id: format!("id-{name}"),
            name: name.into(),
            status: "removed".into(),
        })
    }

    fn in_use() -> AppError {
        AppError::Conflict("volume is in use".into())
    }

    #[test]
    fn an_answer_that_worked_is_a_toast_saying_what_happened() {
        let outcome = Outcome::of(&removed("web"));
        assert_eq!(outcome, Outcome::Done("Container 'web' removed".into()));
        assert_eq!(outcome.toast(), Some("Container 'web' removed"));
        assert_eq!(outcome.failure(), None);
    }

    #[test]
    fn a_failed_answer_is_a_banner_and_no_toast() {
        let outcome = Outcome::of(&Err::<ActionResult, _>(in_use()));
        assert_eq!(outcome.failure(), Some(&in_use()));
        assert_eq!(outcome.toast(), None);
    }

    #[test]
    fn a_bulk_action_that_failed_for_some_containers_is_a_warning_toast_naming_them_not_a_banner() {
        let result = BulkResult {
            action: BulkAction::Stop,
            outcomes: vec![
                BulkOutcome {
                    id: "web".into(),
                    succeeded: true,
                    message: "stopped".into(),
                },
                BulkOutcome {
                    id: "db".into(),
                    succeeded: false,
                    message: "No such container".into(),
                },
            ],
        };
        let outcome = Outcome::of(&Ok(result));
        let Outcome::PartlyDone(text) = &outcome else {
            panic!("expected a warning toast, got {outcome:?}");
        };
        assert!(text.contains("db: No such container"), "{text}");
        assert_eq!(outcome.failure(), None);
    }

    #[test]
    fn a_failure_stays_until_the_next_action_succeeds_and_the_success_replaces_it() {
        Owner::new().with(|| {
            let outcome = ActionOutcome::new();
            assert_eq!(outcome.get(), None);
            outcome.fail(in_use());
            assert_eq!(outcome.get(), Some(Outcome::Failed(in_use())));
            outcome.succeed("Volume 'data' removed");
            assert_eq!(
                outcome.get(),
                Some(Outcome::Done("Volume 'data' removed".into()))
            );
        });
    }

    #[test]
    fn a_failure_replaces_the_toast_of_the_success_before_it() {
        Owner::new().with(|| {
            let outcome = ActionOutcome::new();
            outcome.succeed("Volume 'data' removed");
            outcome.fail(in_use());
            assert_eq!(
                outcome
                    .get()
                    .and_then(|shown| shown.toast().map(str::to_string)),
                None
            );
            outcome.clear();
            assert_eq!(outcome.get(), None);
        });
    }
}
